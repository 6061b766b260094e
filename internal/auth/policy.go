package auth

import (
	"context"
	"encoding/json"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// policyKey is the settings row that holds the saved policy.
const policyKey = "security.policy"

// CurrentPolicy returns the policy in force: the one the security
// administrator saved, else the service's configured Policy.
func (s *Service) CurrentPolicy() Policy {
	if p := s.saved.Load(); p != nil {
		return *p
	}
	return s.Policy
}

// policyJSON is how a policy is stored and audited: whole minutes and days.
type policyJSON struct {
	MinLength        int `json:"min_length"`
	MinClasses       int `json:"min_classes"`
	MaxAgeDays       int `json:"max_age_days"`
	History          int `json:"history"`
	LockAfter        int `json:"lock_after"`
	LockForMin       int `json:"lock_for_minutes"`
	IPFailuresPerMin int `json:"ip_failures_per_minute"`
	IdleMin          int `json:"idle_minutes"`
	AdminIdleMin     int `json:"admin_idle_minutes"`
	AbsoluteHours    int `json:"absolute_hours"`
}

func (p Policy) stored() policyJSON {
	return policyJSON{p.MinLength, p.MinClasses, int(p.MaxAge.Hours() / 24), p.History, p.LockAfter, int(p.LockFor.Minutes()),
		p.IPFailuresPerMin, int(p.Idle.Minutes()), int(p.AdminIdle.Minutes()), int(p.Absolute.Hours())}
}

func (j policyJSON) policy() Policy {
	return Policy{MinLength: j.MinLength, MinClasses: j.MinClasses, MaxAge: time.Duration(j.MaxAgeDays) * 24 * time.Hour,
		History: j.History, LockAfter: j.LockAfter, LockFor: time.Duration(j.LockForMin) * time.Minute,
		IPFailuresPerMin: j.IPFailuresPerMin, Idle: time.Duration(j.IdleMin) * time.Minute,
		AdminIdle: time.Duration(j.AdminIdleMin) * time.Minute, Absolute: time.Duration(j.AbsoluteHours) * time.Hour}
}

// Form returns the policy as the whole minutes and days the form shows.
func (p Policy) Form() map[string]int {
	j := p.stored()
	return map[string]int{"min_length": j.MinLength, "min_classes": j.MinClasses, "max_age_days": j.MaxAgeDays, "history": j.History,
		"lock_after": j.LockAfter, "lock_for_minutes": j.LockForMin, "ip_failures_per_minute": j.IPFailuresPerMin,
		"idle_minutes": j.IdleMin, "admin_idle_minutes": j.AdminIdleMin, "absolute_hours": j.AbsoluteHours}
}

// PolicyFromForm builds a policy from the form's whole numbers.
func PolicyFromForm(v map[string]int) Policy {
	return policyJSON{v["min_length"], v["min_classes"], v["max_age_days"], v["history"], v["lock_after"], v["lock_for_minutes"],
		v["ip_failures_per_minute"], v["idle_minutes"], v["admin_idle_minutes"], v["absolute_hours"]}.policy()
}

// policyBounds keeps a saved policy within what 等保 2.0 level 3 assessors
// accept and what still lets people work. Each field: min, max.
var policyBounds = map[string][2]int{
	"min_length": {8, 64}, "min_classes": {2, 4}, "max_age_days": {0, 365}, "history": {0, 24},
	"lock_after": {3, 10}, "lock_for_minutes": {10, 1440}, "ip_failures_per_minute": {5, 1000},
	"idle_minutes": {5, 30}, "admin_idle_minutes": {5, 30}, "absolute_hours": {1, 24},
}

// Check reports every field outside its bounds.
func (p Policy) Check() error {
	var probs i18n.Problems
	for field, v := range p.Form() {
		b := policyBounds[field]
		if v < b[0] || v > b[1] {
			probs.Add(field, "auth.policy.range", b[0], b[1])
		}
	}
	if p.AdminIdle > p.Idle {
		probs.Add("admin_idle_minutes", "auth.policy.admin_idle")
	}
	return probs.Err()
}

// LoadPolicy reads the saved policy, if any, into the service.
func (s *Service) LoadPolicy(ctx context.Context) error {
	var raw string
	err := s.DB.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, policyKey).Scan(&raw)
	if db.IsNoRows(err) {
		return nil
	}
	if err != nil {
		return db.Normalize(err)
	}
	var j policyJSON
	if err := json.Unmarshal([]byte(raw), &j); err != nil {
		return i18n.Wrap(err, "auth: stored policy")
	}
	p := j.policy()
	s.saved.Store(&p)
	return nil
}

// SavePolicy validates and stores a new policy (security administrator
// only), audited with the old and new values; it takes effect at once.
func (s *Service) SavePolicy(ctx context.Context, actor *User, p Policy, reason string) error {
	if actor != nil && !actor.Can(PermPolicy) {
		return i18n.E(i18n.Forbidden, "error.forbidden")
	}
	if err := p.Check(); err != nil {
		return err
	}
	before := s.CurrentPolicy()
	b, _ := json.Marshal(p.stored())
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, policyKey, string(b)); err != nil {
			return db.Normalize(err)
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "security.policy", ObjectType: "setting", ObjectID: policyKey,
			Before: audit.JSON(before.stored()), After: string(b), Reason: reason})
		return err
	})
	if err != nil {
		return err
	}
	s.saved.Store(&p)
	return nil
}
