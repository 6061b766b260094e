package report

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// Locks keeps the returns that were sent (报送): a locked return of a
// period and region shows its snapshot, not the live records, until it is
// unlocked with a reason. Every lock and unlock is a history row and an
// audit event, in one transaction.
type Locks struct {
	DB    *db.DB
	Audit *audit.Log
}

// Lock is a return's lock: who locked it, when, and the figures it kept.
type Lock struct {
	At       time.Time `json:"locked_at"`
	By       string    `json:"locked_by"`
	Snapshot *Filled   `json:"snapshot"`
}

// LockEvent is one row of a return's lock history.
type LockEvent struct {
	Action string    `json:"action"` // lock or unlock
	Actor  string    `json:"actor"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
}

// MayLock reports whether u locks and unlocks the returns of the regions
// in its scope.
func MayLock(u *auth.User) bool {
	return u != nil && u.MayWrite() == nil && u.Can(auth.PermReturnLock) && !u.IsEnterprise()
}

// Get returns the lock of code's period for region, or nil.
func (s *Locks) Get(ctx context.Context, q db.Querier, code, period, region string) (*Lock, error) {
	l := &Lock{}
	var snap string
	err := q.QueryRowContext(ctx, `SELECT locked_at, locked_by, snapshot FROM return_locks WHERE return_code = $1 AND period = $2 AND region_code = $3`,
		code, period, region).Scan(&l.At, &l.By, &snap)
	if db.IsNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	l.At = l.At.UTC()
	l.Snapshot = &Filled{}
	if err := json.Unmarshal([]byte(snap), l.Snapshot); err != nil {
		return nil, i18n.Wrap(err, "return snapshot")
	}
	return l, nil
}

// History lists the locks and unlocks of code's period for region, oldest
// first.
func (s *Locks) History(ctx context.Context, q db.Querier, code, period, region string) ([]LockEvent, error) {
	rows, err := q.QueryContext(ctx, `SELECT action, actor, at, reason FROM return_lock_history
		WHERE return_code = $1 AND period = $2 AND region_code = $3 ORDER BY id`, code, period, region)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (LockEvent, error) {
		var e LockEvent
		err := sc.Scan(&e.Action, &e.Actor, &e.At, &e.Reason)
		e.At = e.At.UTC()
		return e, err
	})
}

func (s *Locks) check(u *auth.User, region string) error {
	if !MayLock(u) {
		return i18n.E(i18n.Forbidden, "error.forbidden")
	}
	if _, err := RegionScope(u.Scope(), region); err != nil {
		return err
	}
	return nil
}

// record writes the history row and the audit event of a lock or unlock.
func (s *Locks) record(ctx context.Context, tx *db.Tx, u *auth.User, action, code, period, region, reason, after string) error {
	a := audit.ActorFrom(ctx)
	if a.Name == "" {
		a = audit.Actor{ID: u.ID, Name: u.Username}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO return_lock_history (return_code, period, region_code, action, reason, actor, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, code, period, region, action, reason, u.DisplayName, tx.Now); err != nil {
		return db.Normalize(err)
	}
	_, err := s.Audit.Append(ctx, tx, audit.Event{ActorID: a.ID, Actor: a.Name, IP: a.IP, Action: "report.return." + action,
		ObjectType: "statistical_return", ObjectID: code + ":" + period + ":" + region, RegionCode: region, Reason: reason, After: after})
	return err
}

// Lock freezes code's period for region with the figures fill counts,
// inside the transaction, so the snapshot is what the records said at the
// lock. Locking a locked return changes nothing (and is no error); of two
// locks at once one keeps its snapshot and the other finds it. It reports
// whether this call locked.
func (s *Locks) Lock(ctx context.Context, u *auth.User, code, period, region string, fill func(q db.Querier, now time.Time) (*Filled, error)) (bool, error) {
	if err := s.check(u, region); err != nil {
		return false, err
	}
	locked := false
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		locked = false
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM return_locks WHERE return_code = $1 AND period = $2 AND region_code = $3`, code, period, region).Scan(&one)
		if err == nil {
			return nil
		}
		if !db.IsNoRows(err) {
			return db.Normalize(err)
		}
		f, err := fill(tx, tx.Now)
		if err != nil {
			return err
		}
		b, err := json.Marshal(f)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO return_locks (return_code, period, region_code, snapshot, locked_at, locked_by)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (return_code, period, region_code) DO NOTHING`,
			code, period, region, string(b), tx.Now, u.DisplayName)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // another lock came first
		}
		locked = true
		return s.record(ctx, tx, u, "lock", code, period, region, "", string(b))
	})
	return locked, err
}

const maxReason = 500

// Unlock lets code's period for region follow the records again; the
// reason is required and kept in the history and the audit log.
func (s *Locks) Unlock(ctx context.Context, u *auth.User, code, period, region, reason string) error {
	if err := s.check(u, region); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return i18n.FieldError("reason", "error.required")
	case utf8.RuneCountInString(reason) > maxReason:
		return i18n.FieldError("reason", "error.too_long", maxReason)
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM return_locks WHERE return_code = $1 AND period = $2 AND region_code = $3`, code, period, region)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return i18n.E(i18n.Conflict, "report.return.not_locked")
		}
		return s.record(ctx, tx, u, "unlock", code, period, region, reason, "")
	})
}
