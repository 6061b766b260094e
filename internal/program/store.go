package program

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	expertreview "kejiju/internal/review"
	"kejiju/internal/workflow"
)

// Service runs every read through the caller's data scope and every change
// in one transaction with its workflow history row and audit event.
type Service struct {
	DB          *db.DB
	Audit       *audit.Log
	Enterprises Enterprises
	Reviews     Reviews
	// Panels draws the expert panels; nil means no draws from the
	// application page.
	Panels Panels
	// Calendar holds the holiday calendar in force (a *calendar.Store);
	// nil means the embedded calendar.
	Calendar interface{ Current() *calendar.Calendar }
	// Limits bound the attachments; zero fields take DefaultLimits.
	Limits Limits
}

// Machine is the state machine of applications.
var Machine = workflow.ProjectLifecycle

// objectType names applications in the workflow history and audit log.
const objectType = "program_application"

func (s *Service) cal() *calendar.Calendar {
	if s.Calendar == nil {
		return calendar.Default()
	}
	return s.Calendar.Current()
}

// Cal returns the holiday calendar in force.
func (s *Service) Cal() *calendar.Calendar { return s.cal() }

// mayManage refuses users who are not the bureau's programme staff.
func mayManage(u *auth.User) error {
	if err := u.MayWrite(); err != nil {
		return err
	}
	if !u.Can(auth.PermProgramManage) || u.IsEnterprise() {
		return i18n.E(i18n.Forbidden, "error.forbidden")
	}
	return nil
}

// mayApply refuses users who are not an enterprise's users.
func mayApply(u *auth.User) error {
	if err := u.MayWrite(); err != nil {
		return err
	}
	if !u.IsEnterprise() {
		return i18n.E(i18n.Forbidden, "error.forbidden")
	}
	return nil
}

// CanManage reports whether u runs calls and applications.
func CanManage(u *auth.User) bool { return mayManage(u) == nil }

// CanApply reports whether u applies on behalf of an enterprise.
func CanApply(u *auth.User) bool { return mayApply(u) == nil }

var notFound = i18n.E(i18n.NotFound, "error.not_found")

func limit(n int) int {
	if n <= 0 || n > 1000 {
		return 50
	}
	return n
}

func page(lim, off int) string { return fmt.Sprintf(` LIMIT %d OFFSET %d`, limit(lim), max(off, 0)) }

// --- Calls ---

const callColumns = `c.id, c.region_code, c.type, c.year, c.title, c.status, c.opens_at, c.closes_at, c.grace_minutes,
	c.eligibility, c.form, c.publicity_days, c.plan, c.budget, c.version, COALESCE(c.created_by, 0), c.created_at, c.updated_at`

func scanCall(sc interface{ Scan(...any) error }, extra ...any) (*Call, error) {
	c := &Call{}
	var elig, form, plan string
	if err := sc.Scan(append([]any{&c.ID, &c.RegionCode, &c.Type, &c.Year, &c.Title, &c.Status, &c.OpensAt, &c.ClosesAt, &c.GraceMinutes,
		&elig, &form, &c.PublicityDays, &plan, &c.Budget, &c.Version, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt}, extra...)...); err != nil {
		return nil, err
	}
	c.OpensAt, c.ClosesAt, c.CreatedAt, c.UpdatedAt = c.OpensAt.UTC(), c.ClosesAt.UTC(), c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(elig), &c.Eligibility); err != nil {
		return nil, i18n.Wrap(err, "call %d eligibility", c.ID)
	}
	if err := json.Unmarshal([]byte(form), &c.Form); err != nil {
		return nil, i18n.Wrap(err, "call %d form", c.ID)
	}
	if err := json.Unmarshal([]byte(plan), &c.Plan); err != nil {
		return nil, i18n.Wrap(err, "call %d plan", c.ID)
	}
	return c, nil
}

// callScope adds u's view of calls to q: staff see the calls of their
// regions; an enterprise user sees the published calls of the district it
// belongs to (its user's region lies under the call's region).
func callScope(u *auth.User, q *db.Where) {
	if u.IsEnterprise() {
		q.Add(`c.status <> 'draft' AND ? LIKE c.region_code || '%'`, u.RegionCode)
		return
	}
	q.AddNumbered(u.Scope().Where(auth.Columns{Region: "c.region_code"}, &q.Args))
}

func (s *Service) getCall(ctx context.Context, dbq db.Querier, u *auth.User, id int64) (*Call, error) {
	q := &db.Where{}
	q.Add("c.id = ?", id)
	callScope(u, q)
	c, err := scanCall(dbq.QueryRowContext(ctx, `SELECT `+callColumns+` FROM program_calls c WHERE `+q.SQL(), q.Args...))
	if db.IsNoRows(err) {
		return nil, notFound
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	return c, nil
}

// Call returns one call, or NotFound when it does not exist or u may not
// see it.
func (s *Service) Call(ctx context.Context, u *auth.User, id int64) (*Call, error) {
	return s.getCall(ctx, s.DB, u, id)
}

// CallFilter selects calls for a list.
type CallFilter struct {
	Year   int
	Type   string
	Status string
	Limit  int
	Offset int
}

// Calls returns the calls u may see that match f, newest first, and their
// total.
func (s *Service) Calls(ctx context.Context, u *auth.User, f CallFilter) ([]*Call, int, error) {
	q := &db.Where{}
	callScope(u, q)
	if f.Year > 0 {
		q.Add("c.year = ?", f.Year)
	}
	if f.Type != "" {
		q.Add("c.type = ?", f.Type)
	}
	if f.Status != "" {
		q.Add("c.status = ?", f.Status)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+callColumns+`, COUNT(*) OVER () FROM program_calls c WHERE `+q.SQL()+
		` ORDER BY c.year DESC, c.opens_at DESC, c.id DESC`+page(f.Limit, f.Offset), q.Args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	return db.CollectCounted(rows, scanCall)
}

// prepareCall validates in for u, with the region defaulting to u's.
func prepareCall(u *auth.User, in CallInput) (CallInput, error) {
	if clean(in.RegionCode) == "" {
		in.RegionCode = u.RegionCode
	}
	in.RegionCode = clean(in.RegionCode)
	in, err := CheckCall(in)
	if !u.Scope().Allows(in.RegionCode, 0) {
		var p i18n.Problems
		p.Add("region_code", "program.call.bad_region")
		return in, p.With(err)
	}
	return in, err
}

// CreateCall records a new call in draft; OpenCall publishes it.
func (s *Service) CreateCall(ctx context.Context, u *auth.User, in CallInput) (*Call, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	in, err := prepareCall(u, in)
	if err != nil {
		return nil, err
	}
	var c *Call
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO program_calls (region_code, type, year, title, status, opens_at, closes_at,
			grace_minutes, eligibility, form, publicity_days, plan, budget, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
			in.RegionCode, in.Type, in.Year, in.Title, in.OpensAt.UTC(), in.ClosesAt.UTC(), in.GraceMinutes, jsonText(nonNil(in.Eligibility)),
			jsonText(in.Form), in.PublicityDays, jsonText(in.Plan), in.Budget, u.ID, tx.Now).Scan(&id); err != nil {
			return db.Normalize(err)
		}
		if c, err = s.getCall(ctx, tx, u, id); err != nil {
			return err
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "program.call.create", ObjectType: "program_call",
			ObjectID: strconv.FormatInt(id, 10), RegionCode: c.RegionCode, After: audit.JSON(c)})
		return err
	})
	return c, err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// UpdateCall changes a call. version is the version the editor saw. A call
// that has applications keeps its form's required fields only loosely: a
// changed form applies to submissions from then on.
func (s *Service) UpdateCall(ctx context.Context, u *auth.User, id int64, version int, in CallInput, reason string) (*Call, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	in, err := prepareCall(u, in)
	if err != nil {
		return nil, err
	}
	var c *Call
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.getCall(ctx, tx, u, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE program_calls SET region_code = $1, type = $2, year = $3, title = $4, opens_at = $5,
			closes_at = $6, grace_minutes = $7, eligibility = $8, form = $9, publicity_days = $10, plan = $11, budget = $12,
			version = version + 1, updated_at = $13 WHERE id = $14 AND version = $15`,
			in.RegionCode, in.Type, in.Year, in.Title, in.OpensAt.UTC(), in.ClosesAt.UTC(), in.GraceMinutes, jsonText(nonNil(in.Eligibility)),
			jsonText(in.Form), in.PublicityDays, jsonText(in.Plan), in.Budget, tx.Now, id, version)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return i18n.E(i18n.Conflict, "program.stale", before.Version)
		}
		if c, err = s.getCall(ctx, tx, u, id); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "program.call.update", ObjectType: "program_call",
			ObjectID: strconv.FormatInt(id, 10), RegionCode: c.RegionCode, Before: audit.JSON(before), After: audit.JSON(c), Reason: reason})
		return err
	})
	return c, err
}

// OpenCall publishes a call (draft or closed → open); CloseCall closes it.
func (s *Service) OpenCall(ctx context.Context, u *auth.User, id int64) (*Call, error) {
	return s.setCallStatus(ctx, u, id, CallOpen)
}

// CloseCall closes a call: no new drafts or submissions.
func (s *Service) CloseCall(ctx context.Context, u *auth.User, id int64) (*Call, error) {
	return s.setCallStatus(ctx, u, id, CallClosed)
}

func (s *Service) setCallStatus(ctx context.Context, u *auth.User, id int64, status string) (*Call, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var c *Call
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.getCall(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if before.Status == status {
			c = before
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE program_calls SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3`,
			status, tx.Now, id); err != nil {
			return db.Normalize(err)
		}
		if c, err = s.getCall(ctx, tx, u, id); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "program.call." + status, ObjectType: "program_call",
			ObjectID: strconv.FormatInt(id, 10), RegionCode: c.RegionCode,
			Before: audit.JSON(map[string]string{"status": before.Status}), After: audit.JSON(map[string]string{"status": status})})
		return err
	})
	return c, err
}

// --- Applications ---

const appColumns = `a.id, a.call_id, c.title, a.region_code, a.enterprise_id, a.enterprise_name, a.state, a.answers,
	a.submitted_at, a.score, a.rank_no, a.publicity_start, a.publicity_end, a.goals, a.milestones, a.budget, a.contract_start,
	a.contract_end, a.signed_on, a.extensions, a.extension_until, a.rectification_due, a.version, a.created_at, a.updated_at`

const appFrom = ` FROM program_applications a JOIN program_calls c ON c.id = a.call_id`

// appScope are the columns the data scope filters applications on. An
// expert sees an application only while holding an accepted seat, with the
// declaration signed, on its panel.
var appScope = auth.Columns{Region: "a.region_code", Enterprise: "a.enterprise_id", Assigned: expertreview.Assigned(objectType, "a.id")}

func scanApp(sc interface{ Scan(...any) error }, extra ...any) (*Application, error) {
	a := &Application{}
	var answers, ms string
	var sub sql.NullTime
	if err := sc.Scan(append([]any{&a.ID, &a.CallID, &a.CallTitle, &a.RegionCode, &a.EnterpriseID, &a.EnterpriseName, &a.State,
		&answers, &sub, &a.Score, &a.Rank, &a.PublicityStart, &a.PublicityEnd, &a.Goals, &ms, &a.Budget, &a.ContractStart,
		&a.ContractEnd, &a.SignedOn, &a.Extensions, &a.ExtensionUntil, &a.RectificationDue, &a.Version, &a.CreatedAt, &a.UpdatedAt}, extra...)...); err != nil {
		return nil, err
	}
	if sub.Valid {
		a.SubmittedAt = sub.Time.UTC()
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(answers), &a.Answers); err != nil {
		return nil, i18n.Wrap(err, "application %d answers", a.ID)
	}
	if err := json.Unmarshal([]byte(ms), &a.Milestones); err != nil {
		return nil, i18n.Wrap(err, "application %d milestones", a.ID)
	}
	if a.Answers == nil {
		a.Answers = map[string]string{}
	}
	a.Attachments = map[string][]string{}
	return a, nil
}

// getApp fetches an application through u's scope, with its installments
// and (for staff) its objections.
func (s *Service) getApp(ctx context.Context, q db.Querier, u *auth.User, id int64) (*Application, error) {
	args := []any{id}
	cond := u.Scope().Where(appScope, &args)
	a, err := scanApp(q.QueryRowContext(ctx, `SELECT `+appColumns+appFrom+` WHERE a.id = $1 AND `+cond, args...))
	if db.IsNoRows(err) {
		return nil, notFound
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	if a.Installments, err = installments(ctx, q, a.ID); err != nil {
		return nil, err
	}
	if !a.SignedOn.IsZero() {
		if a.Funds, err = appFunds(ctx, q, a); err != nil {
			return nil, err
		}
	}
	names, err := fileNames(ctx, q, []int64{a.ID})
	if err != nil {
		return nil, err
	}
	if names[a.ID] != nil {
		a.Attachments = names[a.ID]
	}
	if !u.IsEnterprise() {
		if a.Objections, err = objections(ctx, q, a.ID); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func installments(ctx context.Context, q db.Querier, id int64) ([]Installment, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, share_bp, amount, due, status, bank_ref, paid_on FROM program_installments
		WHERE application_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (Installment, error) {
		var i Installment
		err := sc.Scan(&i.Seq, &i.ShareBP, &i.Amount, &i.Due, &i.Status, &i.BankRef, &i.PaidOn)
		return i, err
	})
}

func objections(ctx context.Context, q db.Querier, id int64) ([]Objection, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, text, raised_at, answer, answered_at FROM program_objections
		WHERE application_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []Objection
	for rows.Next() {
		var o Objection
		var at sql.NullTime
		if err := rows.Scan(&o.ID, &o.Text, &o.RaisedAt, &o.Answer, &at); err != nil {
			return nil, db.Normalize(err)
		}
		o.RaisedAt = o.RaisedAt.UTC()
		if at.Valid {
			o.AnsweredAt = at.Time.UTC()
		}
		out = append(out, o)
	}
	return out, db.Normalize(rows.Err())
}

// Application returns one application, or NotFound when it does not exist
// or lies outside u's scope (another enterprise's, another district's).
func (s *Service) Application(ctx context.Context, u *auth.User, id int64) (*Application, error) {
	return s.getApp(ctx, s.DB, u, id)
}

// Summary returns what u, an expert on the application's panel, reads of
// it: the call, the enterprise and the answers with their labels. The
// data scope decides: an expert reaches the application only with an
// accepted, declared seat (see appScope); anyone else outside scope gets
// NotFound.
func (s *Service) Summary(ctx context.Context, u *auth.User, id int64) (*Summary, error) {
	a, err := s.getApp(ctx, s.DB, u, id)
	if err != nil {
		return nil, err
	}
	c, err := s.callByID(ctx, s.DB, a.CallID)
	if err != nil {
		return nil, err
	}
	out := &Summary{CallTitle: c.Title, EnterpriseName: a.EnterpriseName}
	for _, f := range c.Form.Fields {
		out.Answers = append(out.Answers, Answer{Label: f.Label, Value: a.Answers[f.Key]})
	}
	for _, at := range c.Form.Attachments {
		out.Answers = append(out.Answers, Answer{Label: at.Label, Value: strings.Join(a.Attachments[at.Key], "、")})
	}
	return out, nil
}

// AppFilter selects applications for a list.
type AppFilter struct {
	CallID int64
	State  string
	Limit  int
	Offset int
}

// Applications returns the applications in u's scope that match f (an
// enterprise user's own only), ranked ones by rank, then newest first.
func (s *Service) Applications(ctx context.Context, u *auth.User, f AppFilter) ([]*Application, int, error) {
	q := &db.Where{}
	q.AddNumbered(u.Scope().Where(appScope, &q.Args))
	if f.CallID > 0 {
		q.Add("a.call_id = ?", f.CallID)
	}
	if f.State != "" {
		q.Add("a.state = ?", f.State)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+appColumns+`, COUNT(*) OVER ()`+appFrom+` WHERE `+q.SQL()+
		` ORDER BY CASE WHEN a.rank_no > 0 THEN 0 ELSE 1 END, a.rank_no, a.id DESC`+page(f.Limit, f.Offset), q.Args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	defer rows.Close()
	var out []*Application
	total := 0
	for rows.Next() {
		a, err := scanApp(rows, &total)
		if err != nil {
			return nil, 0, db.Normalize(err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, db.Normalize(err)
	}
	rows.Close()
	ids := make([]int64, len(out))
	for i, a := range out {
		ids[i] = a.ID
	}
	names, err := fileNames(ctx, s.DB, ids)
	if err != nil {
		return nil, 0, err
	}
	for _, a := range out {
		if names[a.ID] != nil {
			a.Attachments = names[a.ID]
		}
	}
	return out, total, nil
}

// owner reports whether u is a user of a's enterprise.
func owner(u *auth.User, a *Application) bool {
	return u.Scope().EnterpriseID > 0 && u.Scope().EnterpriseID == a.EnterpriseID
}

// Actions returns the actions u may take on a now, for its page.
func Actions(u *auth.User, a *Application) []workflow.Transition {
	return Machine.Available(u, owner(u, a), a.State)
}

// History returns the transitions of an application u may see.
func (s *Service) History(ctx context.Context, u *auth.User, id int64) ([]workflow.Entry, error) {
	if _, err := s.getApp(ctx, s.DB, u, id); err != nil {
		return nil, err
	}
	return workflow.History(ctx, s.DB, objectType, id)
}

// Returned is the last return for revision of an application: the general
// reason and the reasons by field.
type Returned struct {
	Reason string
	Fields map[string]string
}

// ReturnReasons returns the reasons of the return that sent a back for
// revision, while it is returned; nil otherwise.
func (s *Service) ReturnReasons(ctx context.Context, u *auth.User, a *Application) (*Returned, error) {
	if a.State != "returned" {
		return nil, nil
	}
	h, err := workflow.History(ctx, s.DB, objectType, a.ID)
	if err != nil {
		return nil, err
	}
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Action == "return" {
			r := &Returned{Reason: h[i].Reason, Fields: map[string]string{}}
			if len(h[i].Data) > 0 {
				var d struct {
					Fields map[string]string `json:"fields"`
				}
				if err := json.Unmarshal(h[i].Data, &d); err == nil && d.Fields != nil {
					r.Fields = d.Fields
				}
			}
			return r, nil
		}
	}
	return nil, nil
}

// CreateDraft starts u's enterprise's application to an open call, or
// returns the one it has already.
func (s *Service) CreateDraft(ctx context.Context, u *auth.User, callID int64) (*Application, error) {
	if err := mayApply(u); err != nil {
		return nil, err
	}
	c, err := s.getCall(ctx, s.DB, u, callID)
	if err != nil {
		return nil, err
	}
	if c.Status != CallOpen || s.DB.Now().After(c.Deadline()) {
		return nil, i18n.E(i18n.Conflict, "program.window.closed", c.ClosesAt.In(calendar.Shanghai).Format("2006-01-02 15:04"))
	}
	eid := u.Scope().EnterpriseID
	facts, err := s.Enterprises.Eligibility(ctx, u, eid)
	if err != nil {
		return nil, err
	}
	var a *Application
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM program_applications WHERE call_id = $1 AND enterprise_id = $2`, callID, eid).Scan(&id)
		if err == nil {
			a, err = s.getApp(ctx, tx, u, id)
			return err
		}
		if !db.IsNoRows(err) {
			return db.Normalize(err)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO program_applications (call_id, region_code, enterprise_id, enterprise_name, state,
			created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
			callID, facts.RegionCode, eid, facts.Name, Machine.Initial(), u.ID, tx.Now).Scan(&id); err != nil {
			return db.Normalize(err)
		}
		if a, err = s.getApp(ctx, tx, u, id); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "program.application.create", ObjectType: objectType,
			ObjectID: strconv.FormatInt(id, 10), RegionCode: a.RegionCode,
			After: audit.JSON(map[string]any{"call_id": callID, "enterprise_id": eid, "enterprise_name": facts.Name})})
		return err
	})
	return a, err
}

// SaveDraft stores the answers of a draft (or of an application returned
// for revision), checked only loosely: any number of times, by the
// enterprise's users. The form's rules apply at submit. The files come
// through Upload.
func (s *Service) SaveDraft(ctx context.Context, u *auth.User, id int64, answers map[string]string) (*Application, error) {
	if err := mayApply(u); err != nil {
		return nil, err
	}
	var a *Application
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.getApp(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if !Machine.CanEdit(u, owner(u, before), before.State, "answers") {
			return i18n.E(i18n.Conflict, "program.application.not_editable")
		}
		c, err := s.getCall(ctx, tx, u, before.CallID)
		if err != nil {
			return err
		}
		if answers == nil {
			answers = before.Answers
		}
		if err := CheckAnswersLoose(c.Form, answers); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE program_applications SET answers = $1, version = version + 1,
			updated_at = $2 WHERE id = $3 AND state = $4`, jsonText(answers), tx.Now, id, before.State); err != nil {
			return db.Normalize(err)
		}
		if a, err = s.getApp(ctx, tx, u, id); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "program.application.save", ObjectType: objectType,
			ObjectID: strconv.FormatInt(id, 10), RegionCode: a.RegionCode,
			After: audit.JSON(map[string]any{"answers": answers})})
		return err
	})
	return a, err
}

// Submit submits a draft (or resubmits an application returned for
// revision): the form is checked in full (each missing required field and
// each required attachment without a stored file named), the enterprise's eligibility and the call's window
// too, and nothing is written on error. key is the form's idempotency
// token: a second submit with the same key (a double click, a retry)
// returns the application as the first one left it, with one history row.
func (s *Service) Submit(ctx context.Context, u *auth.User, id int64, key string) (*Application, error) {
	if err := mayApply(u); err != nil {
		return nil, err
	}
	if len(key) > workflow.MaxKey-40 {
		return nil, i18n.FieldError("idempotency_key", "error.too_long", workflow.MaxKey-40)
	}
	before, err := s.getApp(ctx, s.DB, u, id)
	if err != nil {
		return nil, err
	}
	facts, err := s.Enterprises.Eligibility(ctx, u, before.EnterpriseID)
	if err != nil {
		return nil, err
	}
	var a *Application
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if key != "" {
			first, err := workflow.Once(ctx, tx, "program.submit:"+strconv.FormatInt(id, 10)+":"+key)
			if err != nil {
				return err
			}
			if !first {
				a, err = s.getApp(ctx, tx, u, id)
				return err
			}
		}
		cur, err := s.getApp(ctx, tx, u, id)
		if err != nil {
			return err
		}
		c, err := s.getCall(ctx, tx, u, cur.CallID)
		if err != nil {
			return err
		}
		action := "submit"
		if cur.State == "returned" {
			action = "resubmit"
		}
		if cur.State == "draft" || cur.State == "returned" {
			if err := CheckAnswers(c.Form, cur.Answers, cur.Attachments); err != nil {
				return err
			}
			if err := Eligible(c, facts); err != nil {
				return err
			}
		}
		a, err = s.act(ctx, tx, u, cur, c, action, ActionInput{}, nil)
		return err
	})
	return a, err
}

// SaveContract stores the contract (任务书) of an application in the
// contract state: goals, milestones, budget, dates and the installment
// plan, whose amounts money.Split computes to add up exactly to the
// budget. A plan that does not total 100% is a field error on
// installment_plan and nothing is written.
func (s *Service) SaveContract(ctx context.Context, u *auth.User, id int64, in ContractInput) (*Application, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	in, err := CheckContract(in)
	if err != nil {
		return nil, err
	}
	inst, err := Installments(in.Budget, in.Plan)
	if err != nil {
		return nil, err
	}
	var a *Application
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.getApp(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if !Machine.CanEdit(u, owner(u, before), before.State, "contract") {
			return i18n.E(i18n.Conflict, "program.contract.not_editable")
		}
		if in.Milestones == nil {
			in.Milestones = []Milestone{}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE program_applications SET goals = $1, milestones = $2, budget = $3, contract_start = $4,
			contract_end = $5, version = version + 1, updated_at = $6 WHERE id = $7 AND state = $8`,
			in.Goals, jsonText(in.Milestones), in.Budget, in.Start, in.End, tx.Now, id, before.State); err != nil {
			return db.Normalize(err)
		}
		if err := saveInstallments(ctx, tx, id, inst); err != nil {
			return err
		}
		if a, err = s.getApp(ctx, tx, u, id); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "program.contract.save", ObjectType: objectType,
			ObjectID: strconv.FormatInt(id, 10), RegionCode: a.RegionCode,
			Before: audit.JSON(map[string]any{"budget": before.Budget, "installments": before.Installments}),
			After: audit.JSON(map[string]any{"goals": a.Goals, "milestones": a.Milestones, "budget": a.Budget,
				"start": a.ContractStart, "end": a.ContractEnd, "installments": a.Installments})})
		return err
	})
	return a, err
}

func saveInstallments(ctx context.Context, tx *db.Tx, id int64, inst []Installment) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM program_installments WHERE application_id = $1`, id); err != nil {
		return db.Normalize(err)
	}
	for _, i := range inst {
		if _, err := tx.ExecContext(ctx, `INSERT INTO program_installments (application_id, seq, share_bp, amount, due, status)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, i.Seq, i.ShareBP, i.Amount, i.Due, i.Status); err != nil {
			return db.Normalize(err)
		}
	}
	return nil
}
