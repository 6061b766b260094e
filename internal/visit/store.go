package visit

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// Service runs every read through the caller's data scope and every change
// in one transaction with its history rows and audit event.
type Service struct {
	DB          *db.DB
	Audit       *audit.Log
	Enterprises Enterprises
	// Calendar holds the holiday calendar in force (a *calendar.Store), for
	// the research-day warning; nil means the embedded calendar.
	Calendar interface{ Current() *calendar.Calendar }
}

func (s *Service) cal() *calendar.Calendar {
	if s.Calendar == nil {
		return calendar.Default()
	}
	return s.Calendar.Current()
}

// today is the current date in Beijing by the database's clock.
func (s *Service) today() calendar.Date { return calendar.FromTime(s.DB.Now(), nil) }

// mayManage refuses users who are not the bureau's staff in a writable
// scope.
func mayManage(u *auth.User) error {
	if err := u.MayWrite(); err != nil {
		return err
	}
	if !u.Can(auth.PermEnterpriseManage) || u.IsEnterprise() {
		return i18n.E(i18n.Forbidden, "error.forbidden")
	}
	return nil
}

// notFound is what a record outside the caller's scope looks like: the same
// answer as a record that does not exist.
var notFound = i18n.E(i18n.NotFound, "error.not_found")

// scoped starts a query with u's scope over the columns c.
func scoped(u *auth.User, c auth.Columns) *db.Where {
	q := &db.Where{}
	q.AddNumbered(u.Scope().Where(c, &q.Args))
	return q
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// limit bounds a page size: 20 by default, 1000 at most.
func limit(n int) int {
	if n <= 0 || n > 1000 {
		return 20
	}
	return n
}

func page(lim, off int) string { return fmt.Sprintf(` LIMIT %d OFFSET %d`, limit(lim), max(off, 0)) }

// nullID stores 0 as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// enterprise returns the enterprise with id if u may work on it; an unknown
// one, or one outside u's scope, is a field error, and so is a closed one
// unless it is current, the enterprise the record already has.
func (s *Service) enterprise(ctx context.Context, u *auth.User, id, current int64) (Summary, error) {
	e, err := s.Enterprises.Get(ctx, u, id)
	switch {
	case i18n.ErrorCode(err) == i18n.NotFound || (err == nil && !u.Scope().Allows(e.RegionCode, e.ID)):
		return Summary{}, i18n.FieldError("enterprise_id", "visit.enterprise.unknown")
	case err == nil && e.Closed && e.ID != current:
		return Summary{}, i18n.FieldError("enterprise_id", "visit.enterprise.closed", e.Name)
	}
	return e, err
}

// FindEnterprise resolves what a person typed into an enterprise field: an
// id, a credit code or a name (exact, or the only one that matches).
func (s *Service) FindEnterprise(ctx context.Context, u *auth.User, typed string) (Summary, error) {
	typed = clean(typed)
	if typed == "" {
		return Summary{}, i18n.FieldError("enterprise_id", "error.required")
	}
	if id, err := strconv.ParseInt(typed, 10, 64); err == nil && len(typed) < 18 {
		return s.enterprise(ctx, u, id, 0)
	}
	found, err := s.Enterprises.Find(ctx, u, typed, 20)
	if err != nil {
		return Summary{}, err
	}
	for _, e := range found {
		if strings.EqualFold(e.CreditCode, typed) || e.Name == typed {
			return e, nil
		}
	}
	switch len(found) {
	case 0:
		return Summary{}, i18n.FieldError("enterprise_id", "visit.enterprise.unknown")
	case 1:
		return found[0], nil
	}
	return Summary{}, i18n.FieldError("enterprise_id", "visit.enterprise.ambiguous", typed)
}

// EnterpriseChoices returns up to 500 enterprises in u's scope, for the
// suggestions of an enterprise field.
func (s *Service) EnterpriseChoices(ctx context.Context, u *auth.User) ([]Summary, error) {
	return s.Enterprises.Find(ctx, u, "", 500)
}

// Colleagues returns the active staff, directors and township assistants
// in u's scope: the people a visit form offers.
func (s *Service) Colleagues(ctx context.Context, u *auth.User) ([]Person, error) {
	var args []any
	cond := u.Scope().Where(auth.Columns{Region: "u.region_code"}, &args)
	rows, err := s.DB.QueryContext(ctx, `SELECT u.id, u.display_name FROM users u WHERE NOT u.disabled AND `+cond+`
		AND u.id IN (SELECT user_id FROM user_roles WHERE role IN ('staff', 'director', 'assistant'))
		ORDER BY u.display_name, u.id`, args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (Person, error) {
		var p Person
		err := sc.Scan(&p.UserID, &p.Name)
		return p, err
	})
}

// staff turns a visit's staff ids and other names into its people: the
// users first, in the order given, then the others. Nobody at all means u.
func (s *Service) staff(ctx context.Context, u *auth.User, in VisitInput) ([]Person, error) {
	if len(in.StaffIDs) == 0 && len(in.Others) == 0 {
		return []Person{{UserID: u.ID, Name: u.DisplayName}}, nil
	}
	known, err := s.Colleagues(ctx, u)
	if err != nil {
		return nil, err
	}
	var out []Person
	for _, id := range in.StaffIDs {
		i := slices.IndexFunc(known, func(p Person) bool { return p.UserID == id })
		switch {
		case i >= 0:
			out = append(out, known[i])
		case id == u.ID:
			out = append(out, Person{UserID: u.ID, Name: u.DisplayName})
		default:
			return nil, i18n.FieldError("visit_staff", "visit.staff.unknown", id)
		}
	}
	for _, n := range in.Others {
		out = append(out, Person{Name: n})
	}
	return out, nil
}

// --- Visits ---

const visitColumns = `v.id, v.visit_date, v.enterprise_id, v.enterprise_name, v.credit_code, v.region_code, v.topics, v.notes,
	v.off_day_note, v.version, COALESCE(v.created_by, 0), v.created_at, v.updated_at,
	(SELECT COUNT(*) FROM needs n WHERE n.visit_id = v.id)`

// visitScope are the columns the data scope filters visits on.
var visitScope = auth.Columns{Region: "v.region_code", Enterprise: "v.enterprise_id"}

func scanVisit(sc interface{ Scan(...any) error }, extra ...any) (*Visit, error) {
	v := &Visit{}
	err := sc.Scan(append([]any{&v.ID, &v.Date, &v.EnterpriseID, &v.EnterpriseName, &v.CreditCode, &v.RegionCode, &v.Topics,
		&v.Notes, &v.OffDayNote, &v.Version, &v.CreatedBy, &v.CreatedAt, &v.UpdatedAt, &v.NeedCount}, extra...)...)
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	return v, err
}

// finish adds what a visit read needs besides its row: the warning, and
// for an enterprise user the bureau's notes taken out.
func (s *Service) finish(u *auth.User, v *Visit) {
	v.Warning = DayWarning(v.Date, s.cal())
	if u.IsEnterprise() {
		v.Notes = ""
	}
}

func (s *Service) getVisit(ctx context.Context, q db.Querier, u *auth.User, id int64) (*Visit, error) {
	args := []any{id}
	cond := u.Scope().Where(visitScope, &args)
	v, err := scanVisit(q.QueryRowContext(ctx, `SELECT `+visitColumns+` FROM visits v WHERE v.id = $1 AND `+cond, args...))
	if db.IsNoRows(err) {
		return nil, notFound
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	if err := loadStaff(ctx, q, []*Visit{v}); err != nil {
		return nil, err
	}
	s.finish(u, v)
	return v, nil
}

// Visit returns one visit with its people, or NotFound when it does not
// exist or lies outside u's scope.
func (s *Service) Visit(ctx context.Context, u *auth.User, id int64) (*Visit, error) {
	return s.getVisit(ctx, s.DB, u, id)
}

// loadStaff fills in the people of visits with one query.
func loadStaff(ctx context.Context, q db.Querier, vs []*Visit) error {
	if len(vs) == 0 {
		return nil
	}
	byID := make(map[int64]*Visit, len(vs))
	ph := make([]string, len(vs))
	args := make([]any, len(vs))
	for i, v := range vs {
		byID[v.ID] = v
		ph[i] = "$" + strconv.Itoa(i+1)
		args[i] = v.ID
	}
	rows, err := q.QueryContext(ctx, `SELECT visit_id, COALESCE(user_id, 0), name FROM visit_staff WHERE visit_id IN (`+
		strings.Join(ph, ", ")+`) ORDER BY visit_id, seq`, args...)
	if err != nil {
		return db.Normalize(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p Person
		if err := rows.Scan(&id, &p.UserID, &p.Name); err != nil {
			return db.Normalize(err)
		}
		byID[id].Staff = append(byID[id].Staff, p)
	}
	return db.Normalize(rows.Err())
}

// VisitFilter selects visits for a list.
type VisitFilter struct {
	From, To     calendar.Date // the visit date, both inclusive
	RegionCode   string        // a township (or the district)
	EnterpriseID int64
	Query        string // enterprise name or credit code
	Limit        int
	Offset       int
	Sort         string // date, enterprise, township; "-" reverses
}

var visitSorts = map[string]string{
	"date": "v.visit_date, v.id", "-date": "v.visit_date DESC, v.id DESC",
	"enterprise": "v.enterprise_name, v.visit_date DESC", "-enterprise": "v.enterprise_name DESC, v.visit_date DESC",
	"township": "v.region_code, v.visit_date DESC", "-township": "v.region_code DESC, v.visit_date DESC",
}

func sortOf(sorts map[string]string, key, def string) string {
	if o, ok := sorts[key]; ok {
		return o
	}
	return def
}

// Visits returns the visits in u's scope that match f, newest first unless
// sorted otherwise, and their total.
func (s *Service) Visits(ctx context.Context, u *auth.User, f VisitFilter) ([]*Visit, int, error) {
	q := scoped(u, visitScope)
	if !f.From.IsZero() {
		q.Add("v.visit_date >= ?", f.From)
	}
	if !f.To.IsZero() {
		q.Add("v.visit_date <= ?", f.To)
	}
	if f.RegionCode != "" {
		q.Add(`v.region_code LIKE ? ESCAPE '\'`, escapeLike(f.RegionCode)+"%")
	}
	if f.EnterpriseID > 0 {
		q.Add("v.enterprise_id = ?", f.EnterpriseID)
	}
	if t := clean(f.Query); t != "" {
		like := "%" + escapeLike(t) + "%"
		q.Add(`(v.enterprise_name LIKE ? ESCAPE '\' OR v.credit_code LIKE ? ESCAPE '\' OR v.topics LIKE ? ESCAPE '\')`, like, strings.ToUpper(like), like)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+visitColumns+`, COUNT(*) OVER () FROM visits v WHERE `+q.SQL()+
		` ORDER BY `+sortOf(visitSorts, f.Sort, "v.visit_date DESC, v.id DESC")+page(f.Limit, f.Offset), q.Args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	var out []*Visit
	total := 0
	for rows.Next() {
		v, err := scanVisit(rows, &total)
		if err != nil {
			rows.Close()
			return nil, 0, db.Normalize(err)
		}
		s.finish(u, v)
		out = append(out, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, db.Normalize(err)
	}
	return out, total, loadStaff(ctx, s.DB, out)
}

// prepareVisit validates in for u and returns it cleaned, with the
// enterprise and the people; current is the visit's enterprise (0 for a
// new visit).
func (s *Service) prepareVisit(ctx context.Context, u *auth.User, in VisitInput, current int64) (VisitInput, Summary, []Person, error) {
	in, p := checkVisit(in, s.today())
	var e Summary
	if in.EnterpriseID > 0 {
		var err error
		if e, err = s.enterprise(ctx, u, in.EnterpriseID, current); err != nil {
			if i18n.ErrorCode(err) != i18n.Invalid {
				return in, e, nil, err
			}
			p.AddErr("enterprise_id", err)
		}
	}
	staff, err := s.staff(ctx, u, in)
	if err != nil {
		if i18n.ErrorCode(err) != i18n.Invalid {
			return in, e, nil, err
		}
		p.AddErr("visit_staff", err)
	}
	return in, e, staff, p.Err()
}

// CreateVisit records a visit. A visit on another day than Thursday is
// recorded with its warning.
func (s *Service) CreateVisit(ctx context.Context, u *auth.User, in VisitInput) (*Visit, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	in, e, staff, err := s.prepareVisit(ctx, u, in, 0)
	if err != nil {
		return nil, err
	}
	var v *Visit
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		v = &Visit{Date: in.Date, EnterpriseID: e.ID, EnterpriseName: e.Name, CreditCode: e.CreditCode, RegionCode: e.RegionCode,
			Staff: staff, Topics: in.Topics, Notes: in.Notes, OffDayNote: in.OffDayNote, Version: 1, CreatedBy: u.ID,
			CreatedAt: tx.Now, UpdatedAt: tx.Now}
		if err := tx.QueryRowContext(ctx, `INSERT INTO visits (visit_date, enterprise_id, enterprise_name, credit_code, region_code,
			topics, notes, off_day_note, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
			v.Date, v.EnterpriseID, v.EnterpriseName, v.CreditCode, v.RegionCode, v.Topics, v.Notes, v.OffDayNote, u.ID, tx.Now).Scan(&v.ID); err != nil {
			return db.Normalize(err)
		}
		if err := saveStaff(ctx, tx, v); err != nil {
			return err
		}
		s.finish(u, v)
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "visit.create", ObjectType: "visit", ObjectID: strconv.FormatInt(v.ID, 10),
			RegionCode: v.RegionCode, After: audit.JSON(visitAudit(v))})
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// visitAudit is what the audit log keeps of a visit.
func visitAudit(v *Visit) map[string]any {
	return map[string]any{"date": v.Date, "enterprise_id": v.EnterpriseID, "enterprise_name": v.EnterpriseName, "staff": v.Staff,
		"topics": v.Topics, "notes": v.Notes, "off_day_note": v.OffDayNote, "warning": v.Warning}
}

func saveStaff(ctx context.Context, tx *db.Tx, v *Visit) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM visit_staff WHERE visit_id = $1`, v.ID); err != nil {
		return db.Normalize(err)
	}
	for i, p := range v.Staff {
		if _, err := tx.ExecContext(ctx, `INSERT INTO visit_staff (visit_id, seq, user_id, name) VALUES ($1, $2, $3, $4)`,
			v.ID, i+1, nullID(p.UserID), p.Name); err != nil {
			return db.Normalize(err)
		}
	}
	return nil
}

// UpdateVisit changes a visit. version is the version the editor saw; if
// someone saved in between, the change is refused as a conflict. A visit
// whose needs are recorded keeps its enterprise.
func (s *Service) UpdateVisit(ctx context.Context, u *auth.User, id int64, version int, in VisitInput, reason string) (*Visit, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var current int64
	if before, err := s.getVisit(ctx, s.DB, u, id); err == nil {
		current = before.EnterpriseID
	}
	in, e, staff, err := s.prepareVisit(ctx, u, in, current)
	if err != nil {
		return nil, err
	}
	load := func(tx *db.Tx) (*Visit, error) { return s.getVisit(ctx, tx, u, id) }
	return db.Update(ctx, s.DB, version, "visit.stale", load, func(tx *db.Tx, before *Visit) (*Visit, sql.Result, error) {
		if e.ID != before.EnterpriseID && before.NeedCount > 0 {
			return nil, nil, i18n.FieldError("enterprise_id", "visit.enterprise.has_needs", before.NeedCount)
		}
		after := *before
		after.Date, after.EnterpriseID, after.EnterpriseName, after.CreditCode, after.RegionCode = in.Date, e.ID, e.Name, e.CreditCode, e.RegionCode
		after.Staff, after.Topics, after.Notes, after.OffDayNote = staff, in.Topics, in.Notes, in.OffDayNote
		after.Version, after.UpdatedAt = before.Version+1, tx.Now
		res, err := tx.ExecContext(ctx, `UPDATE visits SET visit_date = $1, enterprise_id = $2, enterprise_name = $3, credit_code = $4,
			region_code = $5, topics = $6, notes = $7, off_day_note = $8, version = version + 1, updated_at = $9 WHERE id = $10 AND version = $11`,
			after.Date, after.EnterpriseID, after.EnterpriseName, after.CreditCode, after.RegionCode, after.Topics, after.Notes,
			after.OffDayNote, tx.Now, id, version)
		return &after, res, db.Normalize(err)
	}, func(tx *db.Tx, before, after *Visit) error {
		if err := saveStaff(ctx, tx, after); err != nil {
			return err
		}
		s.finish(u, after)
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "visit.update", ObjectType: "visit", ObjectID: strconv.FormatInt(id, 10),
			RegionCode: after.RegionCode, Before: audit.JSON(visitAudit(before)), After: audit.JSON(visitAudit(after)), Reason: reason})
		return err
	})
}
