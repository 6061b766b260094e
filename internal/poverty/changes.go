package poverty

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/workflow"
)

// The guards of the change-request lifecycle.
const (
	// GuardOtherPerson: the request is decided by someone other than the
	// person who drafted it (maker ≠ checker).
	GuardOtherPerson = "other_person"
	// GuardStillApplies: the proposed values still make a valid record
	// from the household as it is now.
	GuardStillApplies = "still_applies"
)

var manage = []auth.Permission{auth.PermPovertyManage}

// ChangeLifecycle is the life of a change request (变更申请) of a
// household, at any time of the year: drafted and submitted by the staff
// who keep the registry, then approved — the change is applied to the
// household and its diff kept — or rejected with a reason, which changes
// nothing. A draft may be cancelled.
var ChangeLifecycle = workflow.MustValidate(&workflow.Machine{
	Name: "poverty_change",
	States: []workflow.State{
		{Name: "draft", Key: "poverty.change.state.draft", Editable: []string{workflow.AnyField}, Perms: manage},
		{Name: "submitted", Key: "poverty.change.state.submitted"},
		{Name: "approved", Key: "poverty.change.state.approved", Final: true},
		{Name: "rejected", Key: "poverty.change.state.rejected", Final: true},
	},
	Transitions: []workflow.Transition{
		{Action: "submit", From: []string{"draft"}, To: "submitted", Perms: manage, Key: "poverty.change.action.submit"},
		{Action: "approve", From: []string{"submitted"}, To: "approved", Perms: manage, Guards: []string{GuardOtherPerson, GuardStillApplies},
			Key: "poverty.change.action.approve"},
		{Action: "reject", From: []string{"submitted"}, To: "rejected", Perms: manage, Reason: true, Key: "poverty.change.action.reject"},
		{Action: "cancel", From: []string{"draft"}, To: "rejected", Perms: manage, Reason: true, Key: "poverty.change.action.cancel"},
	},
})

// ChangeRequest is a proposed change of a household's fields.
type ChangeRequest struct {
	ID          int64             `json:"id"`
	HouseholdID int64             `json:"household_id"`
	HeadName    string            `json:"head_name"`
	RegionCode  string            `json:"region_code"`
	State       string            `json:"state"`
	Proposed    map[string]string `json:"proposed"`
	Reason      string            `json:"reason,omitempty"`
	// Diff is what the approval changed (approved requests only).
	Diff        []Change  `json:"diff,omitempty"`
	CreatedBy   int64     `json:"created_by"`
	CreatedName string    `json:"created_name"`
	CreatedAt   time.Time `json:"created_at"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
	// Preview is what approving would change now (open requests only).
	Preview []Change         `json:"preview,omitempty"`
	History []workflow.Entry `json:"history,omitempty"`
}

// ChangeInput is a new change request: the proposed values by field (see
// ChangeFields) and why.
type ChangeInput struct {
	Fields map[string]string `json:"fields"`
	Reason string            `json:"reason"`
}

// CreateChange drafts a change request of a household. The proposal must
// make a valid record from the household as it is (Propose), and change
// something; only the fields it changes are kept. Nothing of the
// household changes until the request is approved.
func (s *Service) CreateChange(ctx context.Context, u *auth.User, householdID int64, in ChangeInput) (*ChangeRequest, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	in.Reason = clean(in.Reason)
	if tooLong(in.Reason, workflow.MaxReason) {
		return nil, i18n.FieldError("reason", "error.too_long", workflow.MaxReason)
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		h, err := s.getHousehold(ctx, tx, u, householdID)
		if err != nil {
			return err
		}
		proposed := map[string]string{}
		for k, v := range in.Fields {
			if v = clean(v); v != "" || k == "cause_note" || k == "cadre" {
				proposed[k] = v
			}
		}
		after, err := Propose(h.Fields(), proposed, in.Reason)
		if err != nil {
			return err
		}
		diff := Diff(h.Fields(), after)
		if len(diff) == 0 {
			return i18n.FieldError("fields", "poverty.change.no_change")
		}
		kept := map[string]string{}
		for _, c := range diff {
			kept[c.Field] = c.After
		}
		name := u.DisplayName
		if name == "" {
			name = u.Username
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO poverty_changes (household_id, region_code, state, proposed, reason, created_by, created_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, h.ID, h.RegionCode, ChangeLifecycle.Initial(), jsonText(kept), in.Reason,
			u.ID, name, tx.Now).Scan(&id); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, event(ctx, u, audit.Event{Action: "poverty.change.create", ObjectType: objChange, ObjectID: idOf(id),
			RegionCode: h.RegionCode, After: audit.JSON(map[string]any{"household_id": h.ID, "proposed": kept}), Reason: in.Reason}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Change(ctx, u, id)
}

func jsonText(v any) string { b, _ := json.Marshal(v); return string(b) }

const changeColumns = `c.id, c.household_id, h.head_name, c.region_code, c.state, c.proposed, c.reason, c.diff, COALESCE(c.created_by, 0),
	c.created_name, c.created_at, c.decided_at`

const changeFrom = ` FROM poverty_changes c JOIN poverty_households h ON h.id = c.household_id`

func scanChange(sc interface{ Scan(...any) error }) (*ChangeRequest, error) {
	c := &ChangeRequest{}
	var proposed, diff string
	var decided *time.Time
	if err := sc.Scan(&c.ID, &c.HouseholdID, &c.HeadName, &c.RegionCode, &c.State, &proposed, &c.Reason, &diff, &c.CreatedBy,
		&c.CreatedName, &c.CreatedAt, &decided); err != nil {
		return nil, err
	}
	c.CreatedAt = c.CreatedAt.UTC()
	if decided != nil {
		c.DecidedAt = decided.UTC()
	}
	if err := json.Unmarshal([]byte(proposed), &c.Proposed); err != nil {
		return nil, i18n.Wrap(err, "poverty change %d proposal", c.ID)
	}
	if diff != "" {
		if err := json.Unmarshal([]byte(diff), &c.Diff); err != nil {
			return nil, i18n.Wrap(err, "poverty change %d diff", c.ID)
		}
	}
	return c, nil
}

// ChangeFilter selects change requests.
type ChangeFilter struct {
	HouseholdID int64
	State       string
	Limit       int
}

func (s *Service) changes(ctx context.Context, q db.Querier, u *auth.User, f ChangeFilter) ([]*ChangeRequest, error) {
	if err := mayView(u); err != nil {
		return nil, err
	}
	w := &db.Where{}
	w.AddNumbered(u.Scope().Where(auth.Columns{Region: "c.region_code"}, &w.Args))
	if f.HouseholdID > 0 {
		w.Add("c.household_id = ?", f.HouseholdID)
	}
	if f.State != "" {
		w.Add("c.state = ?", f.State)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := q.QueryContext(ctx, `SELECT `+changeColumns+changeFrom+` WHERE `+w.SQL()+` ORDER BY c.id DESC LIMIT `+strconv.Itoa(limit), w.Args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, scanChange)
}

// Changes lists the change requests in u's scope, newest first.
func (s *Service) Changes(ctx context.Context, u *auth.User, f ChangeFilter) ([]*ChangeRequest, error) {
	return s.changes(ctx, s.DB, u, f)
}

func (s *Service) getChange(ctx context.Context, q db.Querier, u *auth.User, id int64) (*ChangeRequest, error) {
	if err := mayView(u); err != nil {
		return nil, err
	}
	w := &db.Where{}
	w.Add("c.id = ?", id)
	w.AddNumbered(u.Scope().Where(auth.Columns{Region: "c.region_code"}, &w.Args))
	c, err := scanChange(q.QueryRowContext(ctx, `SELECT `+changeColumns+changeFrom+` WHERE `+w.SQL(), w.Args...))
	if db.IsNoRows(err) {
		return nil, notFound()
	}
	return c, db.Normalize(err)
}

// Change returns one change request with its history and, while it is
// open, the preview of what approving it would change.
func (s *Service) Change(ctx context.Context, u *auth.User, id int64) (*ChangeRequest, error) {
	c, err := s.getChange(ctx, s.DB, u, id)
	if err != nil {
		return nil, err
	}
	if c.History, err = workflow.History(ctx, s.DB, objChange, id); err != nil {
		return nil, err
	}
	if c.State == "draft" || c.State == "submitted" {
		h, err := s.getHousehold(ctx, s.DB, u, c.HouseholdID)
		if err != nil {
			return nil, err
		}
		if after, err := Propose(h.Fields(), c.Proposed, c.Reason); err == nil {
			c.Preview = Diff(h.Fields(), after)
		}
	}
	return c, nil
}

// Actions returns the actions u may take on c now.
func Actions(u *auth.User, c *ChangeRequest) []workflow.Transition {
	return ChangeLifecycle.Available(u, false, c.State)
}

// Act takes action (submit, approve, reject, cancel) on a change request.
// Approving applies the proposal to the household as it is now, in the
// same transaction: its fields change, its version goes up, and the diff
// is kept on the request, in the workflow history and in the audit log.
// Rejecting needs a reason and changes nothing of the household.
func (s *Service) Act(ctx context.Context, u *auth.User, id int64, action, reason string) (*ChangeRequest, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.getChange(ctx, tx, u, id)
		if err != nil {
			return err
		}
		h, err := s.getHousehold(ctx, tx, u, c.HouseholdID)
		if err != nil {
			return err
		}
		var after Fields
		var diff []Change
		ap := &struct {
			Diff []Change `json:"diff"`
		}{}
		guards := workflow.Guards{
			GuardOtherPerson: func() error {
				if c.CreatedBy == u.ID {
					return i18n.E(i18n.Conflict, "poverty.change.own_request")
				}
				return nil
			},
			GuardStillApplies: func() error {
				a, err := Propose(h.Fields(), c.Proposed, c.Reason)
				if err != nil {
					return err
				}
				after, diff = a, Diff(h.Fields(), a)
				ap.Diff = diff
				if len(diff) == 0 {
					return i18n.E(i18n.Conflict, "poverty.change.nothing_left")
				}
				return nil
			},
		}
		// The approval's guard computes the diff, which the history keeps:
		// Apply encodes data after its guards have run.
		var data any
		if action == "approve" {
			data = ap
		}
		to, err := workflow.Apply(ctx, tx, s.Audit, ChangeLifecycle, workflow.Object{Type: objChange, ID: c.ID, State: c.State,
			RegionCode: c.RegionCode}, u, action, reason, data, guards)
		if err != nil {
			return err
		}
		if err := workflow.Advance(ctx, tx, "poverty_changes", "id", c.ID, c.State, to); err != nil {
			return err
		}
		if to != "approved" && to != "rejected" {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE poverty_changes SET decided_at = $1, diff = $2 WHERE id = $3`,
			tx.Now, diffText(to, diff), c.ID); err != nil {
			return db.Normalize(err)
		}
		if to != "approved" {
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE poverty_households SET head_name = $1, members_count = $2, cause_code = $3, cause_note = $4,
			status = $5, status_on = $6, cadre = $7, version = version + 1, updated_at = $8 WHERE id = $9 AND version = $10`,
			after.HeadName, after.MembersCount, after.CauseCode, after.CauseNote, after.Status, after.StatusOn.String(), after.Cadre,
			tx.Now, h.ID, h.Version)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return i18n.E(i18n.Conflict, "error.conflict")
		}
		now, err := s.getHousehold(ctx, tx, u, h.ID)
		if err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, event(ctx, u, audit.Event{Action: "poverty.household.change", ObjectType: objHousehold,
			ObjectID: idOf(h.ID), RegionCode: h.RegionCode, Before: audit.JSON(h), After: audit.JSON(now),
			Reason: "变更申请 #" + idOf(c.ID) + "：" + c.Reason}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Change(ctx, u, id)
}

func diffText(to string, diff []Change) string {
	if to != "approved" {
		return ""
	}
	return jsonText(diff)
}
