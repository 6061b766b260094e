package incubator

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/ident"
	"kejiju/internal/money"
)

func clean(s string) string        { return strings.TrimSpace(s) }
func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }
func idOf(id int64) string         { return strconv.FormatInt(id, 10) }
func forbidden() error             { return i18n.E(i18n.Forbidden, "error.forbidden") }
func notFound() error              { return i18n.E(i18n.NotFound, "error.not_found") }

const maxText = 200

// The object types in the audit log.
const (
	objIncubator = "incubator"
	objTenant    = "incubator_tenant"
	objProspect  = "incubator_prospect"
)

// Enterprises finds a registered enterprise by its credit code, so a tenant
// that is one is linked to its record; the enterprise area provides it
// (wired in app).
type Enterprises interface {
	// ByCode returns the enterprise's id and name, or a NotFound error when
	// there is none in u's scope.
	ByCode(ctx context.Context, u *auth.User, code string) (int64, string, error)
}

// Service keeps the incubators: reads through the caller's data scope,
// every change in one transaction with its audit event. Staff with
// PermIncubatorManage change; PermEnterpriseView reads.
type Service struct {
	DB          *db.DB
	Audit       *audit.Log
	Enterprises Enterprises
	// Scheme grades the years; the zero value takes DefaultScheme.
	Scheme *Scheme
}

func (s *Service) scheme() Scheme {
	if s.Scheme != nil {
		return *s.Scheme
	}
	return DefaultScheme
}

func (s *Service) today() calendar.Date {
	return calendar.FromTime(s.DB.Now(), calendar.Shanghai)
}

func mayManage(u *auth.User) error {
	if err := u.MayWrite(); err != nil {
		return err
	}
	if !u.Can(auth.PermIncubatorManage) || u.IsEnterprise() {
		return forbidden()
	}
	return nil
}

// CanManage reports whether u may change incubators (for the pages).
func CanManage(u *auth.User) bool { return mayManage(u) == nil }

// Incubator is one incubator with, when read alone, its tenants, yearly
// figures, assessments and prospects.
type Incubator struct {
	ID             int64         `json:"id"`
	RegionCode     string        `json:"region_code"`
	Name           string        `json:"name"`
	OperatorName   string        `json:"operator_name"`
	OperatorCode   string        `json:"operator_code"`
	Level          Level         `json:"level"`
	Specialised    bool          `json:"specialised"`
	AreaM2         int           `json:"area_m2"`
	TenantAreaM2   int           `json:"tenant_area_m2"`
	RecognisedYear int           `json:"recognised_year,omitempty"`
	OperatingSince calendar.Date `json:"operating_since"`
	Note           string        `json:"note"`
	Version        int           `json:"version"`
	// CurrentTenants counts the tenants in the incubator now that count as
	// tenants (established at most 24 months before entering).
	CurrentTenants int `json:"current_tenants"`
	// LatestGrade is the grade of the latest assessed year ("" for none).
	LatestGrade Grade `json:"latest_grade,omitempty"`

	Tenants     []Tenant     `json:"tenants,omitempty"`
	Years       []Figures    `json:"years,omitempty"`
	Assessments []Assessment `json:"assessments,omitempty"`
	Prospects   []Prospect   `json:"prospects,omitempty"`
}

// Tenant is an enterprise incubated (在孵企业), present or past.
type Tenant struct {
	ID            int64         `json:"id"`
	IncubatorID   int64         `json:"incubator_id"`
	EnterpriseID  int64         `json:"enterprise_id,omitempty"`
	Name          string        `json:"name"`
	CreditCode    string        `json:"credit_code"`
	EstablishedOn calendar.Date `json:"established_on"`
	EnteredOn     calendar.Date `json:"entered_on"`
	ExitedOn      calendar.Date `json:"exited_on"`
	Graduated     bool          `json:"graduated"`
	LongField     bool          `json:"long_field"`
	Note          string        `json:"note"`
	// Counted: established at most 24 months before entering.
	Counted bool `json:"counted"`
	// Overdue: still in and past its incubation period today.
	Overdue bool `json:"overdue"`
	// Months in the incubator (until exit or today).
	Months int `json:"months"`
}

// In reports whether the tenant has not left.
func (t Tenant) In() bool { return t.ExitedOn.IsZero() }

// Assessment is the stored grade of one year.
type Assessment struct {
	ID     int64  `json:"id"`
	Year   int    `json:"year"`
	Tenths int    `json:"tenths"`
	Grade  Grade  `json:"grade"`
	Scheme string `json:"scheme"`
	Score  Score  `json:"score"`
	Note   string `json:"note"`
}

// Points shows the score with one decimal.
func (a Assessment) Points() string { return Points(a.Tenths) }

// The kinds and states of a 招商 prospect.
var (
	ProspectKinds  = []string{"institute", "tech_sme", "other"}
	ProspectStates = []string{"contacted", "negotiating", "signed", "dropped"}
)

// Prospect is an institute or small tech enterprise the incubator courts
// (招商): who, whom to call, how far it got.
type Prospect struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Contact string `json:"contact"`
	Status  string `json:"status"`
	Note    string `json:"note"`
}

// Input is what staff type for an incubator.
type Input struct {
	RegionCode     string `json:"region_code"`
	Name           string `json:"name"`
	OperatorName   string `json:"operator_name"`
	OperatorCode   string `json:"operator_code"`
	Level          Level  `json:"level"`
	Specialised    bool   `json:"specialised"`
	AreaM2         int    `json:"area_m2"`
	TenantAreaM2   int    `json:"tenant_area_m2"`
	RecognisedYear int    `json:"recognised_year"`
	OperatingSince string `json:"operating_since"`
	Note           string `json:"note"`
}

// Create registers an incubator in u's scope. Refused input is a set of
// field errors and writes nothing.
func (s *Service) Create(ctx context.Context, u *auth.User, in Input) (*Incubator, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	in, since, err := s.check(ctx, u, in)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var recognised any
		if in.RecognisedYear != 0 {
			recognised = in.RecognisedYear
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO incubators (region_code, name, operator_name, operator_code, level, specialised, area_m2,
			tenant_area_m2, recognised_year, operating_since, note, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
			in.RegionCode, in.Name, in.OperatorName, in.OperatorCode, in.Level, in.Specialised, in.AreaM2, in.TenantAreaM2,
			recognised, since, in.Note, u.ID, tx.Now).Scan(&id)
		if db.IsUnique(err) {
			return i18n.FieldError("name", "incubator.duplicate")
		}
		if err != nil {
			return db.Normalize(err)
		}
		inc, err := s.get(ctx, tx, u, id, false)
		if err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "incubator.create", ObjectType: objIncubator, ObjectID: idOf(id),
			RegionCode: in.RegionCode, After: audit.JSON(inc)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, u, id)
}

// check validates an incubator's input and returns it cleaned, with the
// day it started operating.
func (s *Service) check(ctx context.Context, u *auth.User, in Input) (Input, calendar.Date, error) {
	var p i18n.Problems
	if in.RegionCode = clean(in.RegionCode); in.RegionCode == "" {
		in.RegionCode = u.RegionCode
	}
	if !u.Scope().Allows(in.RegionCode, 0) {
		p.Add("region_code", "incubator.bad_region")
	}
	if in.Name = clean(in.Name); in.Name == "" {
		p.Add("name", "error.required")
	} else if tooLong(in.Name, maxText) {
		p.Add("name", "error.too_long", maxText)
	}
	if in.OperatorName = clean(in.OperatorName); tooLong(in.OperatorName, maxText) {
		p.Add("operator_name", "error.too_long", maxText)
	}
	if code, err := ident.AcceptCreditCode(ctx, s.DB, clean(in.OperatorCode)); err != nil {
		p.AddErr("operator_code", err)
	} else {
		in.OperatorCode = code
	}
	if !slices.Contains(Levels, in.Level) {
		p.Add("level", "error.invalid_value")
	}
	if in.AreaM2 <= 0 {
		p.Add("area_m2", "incubator.area_positive")
	}
	if in.TenantAreaM2 < 0 || in.TenantAreaM2 > in.AreaM2 {
		p.Add("tenant_area_m2", "incubator.tenant_area_over")
	}
	if in.RecognisedYear != 0 && (in.RecognisedYear < 1990 || in.RecognisedYear > s.today().Year) {
		p.Add("recognised_year", "error.invalid_value")
	}
	if in.Level != None && in.Level != "" && in.RecognisedYear == 0 {
		p.Add("recognised_year", "incubator.recognised_year_required")
	}
	var since calendar.Date
	if v := clean(in.OperatingSince); v != "" {
		d, err := calendar.Parse(v)
		switch {
		case err != nil:
			p.Add("operating_since", "error.invalid_date")
		case d.After(s.today()):
			p.Add("operating_since", "incubator.future_date")
		default:
			since = d
		}
	}
	if in.Note = clean(in.Note); tooLong(in.Note, 2000) {
		p.Add("note", "error.too_long", 2000)
	}
	return in, since, p.Err()
}

// Update corrects an incubator's record at version (the one the form was
// read at; 0 takes the current) — e.g. its level once recognised. The same
// checks as Create apply; its district stays.
func (s *Service) Update(ctx context.Context, u *auth.User, id int64, version int, in Input) (*Incubator, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	before, err := s.get(ctx, s.DB, u, id, false)
	if err != nil {
		return nil, err
	}
	if version == 0 {
		version = before.Version
	}
	in.RegionCode = before.RegionCode
	in, since, err := s.check(ctx, u, in)
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var recognised any
		if in.RecognisedYear != 0 {
			recognised = in.RecognisedYear
		}
		res, err := tx.ExecContext(ctx, `UPDATE incubators SET name = $1, operator_name = $2, operator_code = $3, level = $4, specialised = $5,
			area_m2 = $6, tenant_area_m2 = $7, recognised_year = $8, operating_since = $9, note = $10, version = version + 1, updated_at = $11
			WHERE id = $12 AND version = $13`, in.Name, in.OperatorName, in.OperatorCode, in.Level, in.Specialised, in.AreaM2, in.TenantAreaM2,
			recognised, since, in.Note, tx.Now, id, version)
		if db.IsUnique(err) {
			return i18n.FieldError("name", "incubator.duplicate")
		}
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return i18n.E(i18n.Conflict, "error.conflict")
		}
		after, err := s.get(ctx, tx, u, id, false)
		if err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "incubator.update", ObjectType: objIncubator, ObjectID: idOf(id),
			RegionCode: before.RegionCode, Before: audit.JSON(before), After: audit.JSON(after)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, u, id)
}

const columns = `i.id, i.region_code, i.name, i.operator_name, i.operator_code, i.level, i.specialised, i.area_m2, i.tenant_area_m2,
	COALESCE(i.recognised_year, 0), i.operating_since, i.note, i.version`

func scan(sc interface{ Scan(...any) error }) (*Incubator, error) {
	i := &Incubator{}
	err := sc.Scan(&i.ID, &i.RegionCode, &i.Name, &i.OperatorName, &i.OperatorCode, &i.Level, &i.Specialised, &i.AreaM2, &i.TenantAreaM2,
		&i.RecognisedYear, &i.OperatingSince, &i.Note, &i.Version)
	return i, err
}

func scope(u *auth.User, q *db.Where) {
	q.AddNumbered(u.Scope().Where(auth.Columns{Region: "i.region_code"}, &q.Args))
}

// get reads one incubator u may see; full adds its tenants, years,
// assessments and prospects.
func (s *Service) get(ctx context.Context, dq db.Querier, u *auth.User, id int64, full bool) (*Incubator, error) {
	q := &db.Where{}
	q.Add("i.id = ?", id)
	scope(u, q)
	inc, err := scan(dq.QueryRowContext(ctx, `SELECT `+columns+` FROM incubators i WHERE `+q.SQL(), q.Args...))
	if db.IsNoRows(err) {
		return nil, notFound()
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	on := s.today()
	tenants, err := s.tenants(ctx, dq, id, on)
	if err != nil {
		return nil, err
	}
	for _, t := range tenants {
		if t.In() && t.Counted {
			inc.CurrentTenants++
		}
	}
	as, err := s.assessments(ctx, dq, id)
	if err != nil {
		return nil, err
	}
	if len(as) > 0 {
		inc.LatestGrade = as[0].Grade
	}
	if !full {
		return inc, nil
	}
	inc.Tenants, inc.Assessments = tenants, as
	if inc.Years, err = s.years(ctx, dq, id); err != nil {
		return nil, err
	}
	if inc.Prospects, err = s.prospects(ctx, dq, id); err != nil {
		return nil, err
	}
	return inc, nil
}

// Get returns one incubator with its tenants, years, assessments and
// prospects, or NotFound when it does not exist or lies outside u's scope.
func (s *Service) Get(ctx context.Context, u *auth.User, id int64) (*Incubator, error) {
	return s.get(ctx, s.DB, u, id, true)
}

// List returns the incubators u may see, by name.
func (s *Service) List(ctx context.Context, u *auth.User) ([]*Incubator, error) {
	q := &db.Where{}
	scope(u, q)
	rows, err := s.DB.QueryContext(ctx, `SELECT `+columns+` FROM incubators i WHERE `+q.SQL()+` ORDER BY i.name, i.id LIMIT 1000`, q.Args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	out, err := db.Collect(rows, scan)
	if err != nil {
		return nil, err
	}
	on := s.today()
	for _, inc := range out {
		ts, err := s.tenants(ctx, s.DB, inc.ID, on)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if t.In() && t.Counted {
				inc.CurrentTenants++
			}
		}
		as, err := s.assessments(ctx, s.DB, inc.ID)
		if err != nil {
			return nil, err
		}
		if len(as) > 0 {
			inc.LatestGrade = as[0].Grade
		}
	}
	return out, nil
}

// --- Tenants ---

func (s *Service) tenants(ctx context.Context, dq db.Querier, incubatorID int64, on calendar.Date) ([]Tenant, error) {
	rows, err := dq.QueryContext(ctx, `SELECT id, incubator_id, COALESCE(enterprise_id, 0), name, credit_code, established_on, entered_on,
		exited_on, graduated, long_field, note FROM incubator_tenants WHERE incubator_id = $1 ORDER BY entered_on, id`, incubatorID)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (Tenant, error) {
		var t Tenant
		err := sc.Scan(&t.ID, &t.IncubatorID, &t.EnterpriseID, &t.Name, &t.CreditCode, &t.EstablishedOn, &t.EnteredOn, &t.ExitedOn,
			&t.Graduated, &t.LongField, &t.Note)
		t.Counted = Counts(t.EstablishedOn, t.EnteredOn)
		end := on
		if !t.In() {
			end = t.ExitedOn
		}
		t.Months = MonthsBetween(t.EnteredOn, end)
		t.Overdue = t.In() && Overdue(t.EnteredOn, on, t.LongField)
		return t, err
	})
}

// TenantInput is a tenant entering the incubator: the name may be left
// empty when the credit code is a registered enterprise.
type TenantInput struct {
	Name          string `json:"name"`
	CreditCode    string `json:"credit_code"`
	EstablishedOn string `json:"established_on"`
	EnteredOn     string `json:"entered_on"`
	LongField     bool   `json:"long_field"`
	Note          string `json:"note"`
}

// AddTenant records a tenant entering. A tenant established more than 24
// months before it entered is recorded but does not count (the page says
// so); entering twice on the same day is a field error.
func (s *Service) AddTenant(ctx context.Context, u *auth.User, incubatorID int64, in TenantInput) (*Tenant, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	inc, err := s.get(ctx, s.DB, u, incubatorID, false)
	if err != nil {
		return nil, err
	}
	var p i18n.Problems
	code, err := ident.AcceptCreditCode(ctx, s.DB, clean(in.CreditCode))
	if err != nil {
		p.AddErr("credit_code", err)
	}
	t := Tenant{IncubatorID: inc.ID, CreditCode: code, Name: clean(in.Name), LongField: in.LongField, Note: clean(in.Note)}
	if code != "" && s.Enterprises != nil {
		id, name, err := s.Enterprises.ByCode(ctx, u, code)
		switch {
		case err == nil:
			t.EnterpriseID = id
			if t.Name == "" {
				t.Name = name
			}
		case i18n.ErrorCode(err) != i18n.NotFound:
			return nil, err
		}
	}
	if t.Name == "" {
		p.Add("name", "error.required")
	} else if tooLong(t.Name, maxText) {
		p.Add("name", "error.too_long", maxText)
	}
	now := s.today()
	if t.EnteredOn = dateField(&p, "entered_on", in.EnteredOn, now); t.EnteredOn.IsZero() && p.Field("entered_on") == nil {
		p.Add("entered_on", "error.required")
	}
	t.EstablishedOn = dateField(&p, "established_on", in.EstablishedOn, now)
	if !t.EstablishedOn.IsZero() && !t.EnteredOn.IsZero() && t.EnteredOn.Before(t.EstablishedOn) {
		p.Add("entered_on", "incubator.tenant.before_established")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var eid any
		if t.EnterpriseID != 0 {
			eid = t.EnterpriseID
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO incubator_tenants (incubator_id, enterprise_id, name, credit_code, established_on, entered_on,
			long_field, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			inc.ID, eid, t.Name, t.CreditCode, t.EstablishedOn, t.EnteredOn, t.LongField, t.Note, u.ID, tx.Now).Scan(&t.ID)
		if db.IsUnique(err) {
			return i18n.FieldError("credit_code", "incubator.tenant.duplicate")
		}
		if err != nil {
			return db.Normalize(err)
		}
		t.Counted = Counts(t.EstablishedOn, t.EnteredOn)
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "incubator.tenant.enter", ObjectType: objTenant, ObjectID: idOf(t.ID),
			RegionCode: inc.RegionCode, After: audit.JSON(t)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// dateField reads an optional date that may not lie after today.
func dateField(p *i18n.Problems, field, v string, today calendar.Date) calendar.Date {
	v = clean(v)
	if v == "" {
		return calendar.Date{}
	}
	d, err := calendar.Parse(v)
	if err != nil {
		p.Add(field, "error.invalid_date")
		return calendar.Date{}
	}
	if d.After(today) {
		p.Add(field, "incubator.future_date")
	}
	return d
}

// ExitTenant records a tenant leaving on the day on, graduated (毕业) or
// not. A tenant that has left already, or a day before it entered, is a
// field error.
func (s *Service) ExitTenant(ctx context.Context, u *auth.User, tenantID int64, on string, graduated bool) (*Tenant, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var incID int64
	if err := s.DB.QueryRowContext(ctx, `SELECT incubator_id FROM incubator_tenants WHERE id = $1`, tenantID).Scan(&incID); db.IsNoRows(err) {
		return nil, notFound()
	} else if err != nil {
		return nil, db.Normalize(err)
	}
	inc, err := s.get(ctx, s.DB, u, incID, true)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(inc.Tenants, func(t Tenant) bool { return t.ID == tenantID })
	if i < 0 {
		return nil, notFound()
	}
	t := inc.Tenants[i]
	var p i18n.Problems
	d := dateField(&p, "exited_on", on, s.today())
	switch {
	case p.Field("exited_on") != nil:
	case d.IsZero():
		p.Add("exited_on", "error.required")
	case d.Before(t.EnteredOn):
		p.Add("exited_on", "incubator.tenant.exit_before_entry")
	case !t.In():
		p.Add("exited_on", "incubator.tenant.already_left")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	before := t
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE incubator_tenants SET exited_on = $1, graduated = $2 WHERE id = $3 AND exited_on IS NULL`,
			d, graduated, t.ID)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return i18n.FieldError("exited_on", "incubator.tenant.already_left")
		}
		t.ExitedOn, t.Graduated, t.Overdue = d, graduated, false
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "incubator.tenant.exit", ObjectType: objTenant, ObjectID: idOf(t.ID),
			RegionCode: inc.RegionCode, Before: audit.JSON(before), After: audit.JSON(t)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// --- Yearly figures and assessments ---

const figureColumns = `year, tenants, new_tenants, graduates, graduates_total, staff, staff_professional, mentors, fund, tenants_financed,
	fund_cases, tenants_patent, tenants_valid_ip, tenants_grown, services, service_income, total_income, statistics_reported`

func scanFigures(sc interface{ Scan(...any) error }) (Figures, error) {
	var f Figures
	err := sc.Scan(&f.Year, &f.Tenants, &f.NewTenants, &f.Graduates, &f.GraduatesTotal, &f.Staff, &f.StaffProfessional, &f.Mentors, &f.Fund,
		&f.TenantsFinanced, &f.FundCases, &f.TenantsPatent, &f.TenantsValidIP, &f.TenantsGrown, &f.Services, &f.ServiceIncome, &f.TotalIncome,
		&f.StatisticsReported)
	return f, err
}

// years returns the yearly figures, newest first.
func (s *Service) years(ctx context.Context, dq db.Querier, incubatorID int64) ([]Figures, error) {
	rows, err := dq.QueryContext(ctx, `SELECT `+figureColumns+` FROM incubator_years WHERE incubator_id = $1 ORDER BY year DESC`, incubatorID)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, scanFigures)
}

// checkFigures validates a year's figures: counts not negative, shares
// not above their base.
func checkFigures(f Figures, thisYear int) error {
	var p i18n.Problems
	if f.Year < 2000 || f.Year > thisYear {
		p.Add("year", "error.invalid_value")
	}
	for field, v := range map[string]int{"tenants": f.Tenants, "new_tenants": f.NewTenants, "graduates": f.Graduates,
		"graduates_total": f.GraduatesTotal, "staff": f.Staff, "staff_professional": f.StaffProfessional, "mentors": f.Mentors,
		"tenants_financed": f.TenantsFinanced, "fund_cases": f.FundCases, "tenants_patent": f.TenantsPatent,
		"tenants_valid_ip": f.TenantsValidIP, "tenants_grown": f.TenantsGrown, "services": f.Services} {
		if v < 0 {
			p.Add(field, "incubator.negative")
		}
	}
	for field, v := range map[string]money.Fen{"fund": f.Fund, "service_income": f.ServiceIncome, "total_income": f.TotalIncome} {
		if v < 0 {
			p.Add(field, "incubator.negative")
		}
	}
	for field, v := range map[string]int{"tenants_financed": f.TenantsFinanced, "tenants_patent": f.TenantsPatent,
		"tenants_valid_ip": f.TenantsValidIP, "tenants_grown": f.TenantsGrown, "new_tenants": f.NewTenants} {
		if v > f.Tenants && p.Field(field) == nil {
			p.Add(field, "incubator.over_tenants", f.Tenants)
		}
	}
	if f.StaffProfessional > f.Staff && p.Field("staff_professional") == nil {
		p.Add("staff_professional", "incubator.over_staff", f.Staff)
	}
	if f.Graduates > f.GraduatesTotal && p.Field("graduates") == nil {
		p.Add("graduates", "incubator.over_total", f.GraduatesTotal)
	}
	if f.ServiceIncome > f.TotalIncome && p.Field("service_income") == nil {
		p.Add("service_income", "incubator.over_income")
	}
	slices.SortFunc(p, func(a, b *i18n.Error) int { return strings.Compare(a.Field, b.Field) })
	return p.Err()
}

// SaveYear records (or corrects) a year's figures.
func (s *Service) SaveYear(ctx context.Context, u *auth.User, incubatorID int64, f Figures) error {
	if err := mayManage(u); err != nil {
		return err
	}
	inc, err := s.get(ctx, s.DB, u, incubatorID, false)
	if err != nil {
		return err
	}
	if err := checkFigures(f, s.today().Year); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := scanFigures(tx.QueryRowContext(ctx, `SELECT `+figureColumns+` FROM incubator_years WHERE incubator_id = $1 AND year = $2`,
			inc.ID, f.Year))
		existed := err == nil
		if err != nil && !db.IsNoRows(err) {
			return db.Normalize(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO incubator_years (incubator_id, `+figureColumns+`, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
			ON CONFLICT (incubator_id, year) DO UPDATE SET tenants = excluded.tenants, new_tenants = excluded.new_tenants,
			graduates = excluded.graduates, graduates_total = excluded.graduates_total, staff = excluded.staff,
			staff_professional = excluded.staff_professional, mentors = excluded.mentors, fund = excluded.fund,
			tenants_financed = excluded.tenants_financed, fund_cases = excluded.fund_cases, tenants_patent = excluded.tenants_patent,
			tenants_valid_ip = excluded.tenants_valid_ip, tenants_grown = excluded.tenants_grown, services = excluded.services,
			service_income = excluded.service_income, total_income = excluded.total_income,
			statistics_reported = excluded.statistics_reported, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			inc.ID, f.Year, f.Tenants, f.NewTenants, f.Graduates, f.GraduatesTotal, f.Staff, f.StaffProfessional, f.Mentors, f.Fund,
			f.TenantsFinanced, f.FundCases, f.TenantsPatent, f.TenantsValidIP, f.TenantsGrown, f.Services, f.ServiceIncome, f.TotalIncome,
			f.StatisticsReported, u.ID, tx.Now); err != nil {
			return db.Normalize(err)
		}
		ev := audit.Event{Action: "incubator.year", ObjectType: objIncubator, ObjectID: idOf(inc.ID), RegionCode: inc.RegionCode, After: audit.JSON(f)}
		if existed {
			ev.Before = audit.JSON(before)
		}
		_, err = s.Audit.Append(ctx, tx, ev)
		return err
	})
}

func (s *Service) assessments(ctx context.Context, dq db.Querier, incubatorID int64) ([]Assessment, error) {
	rows, err := dq.QueryContext(ctx, `SELECT id, year, score_tenths, grade, scheme, inputs, note FROM incubator_assessments
		WHERE incubator_id = $1 ORDER BY year DESC`, incubatorID)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (Assessment, error) {
		var a Assessment
		var inputs string
		if err := sc.Scan(&a.ID, &a.Year, &a.Tenths, &a.Grade, &a.Scheme, &inputs, &a.Note); err != nil {
			return a, err
		}
		_ = json.Unmarshal([]byte(inputs), &a.Score)
		return a, nil
	})
}

// Assess grades year from its recorded figures by the service's scheme and
// keeps the grade with its lines; assessing a year again replaces the
// grade (the audit log keeps the former). A year without figures is a
// field error.
func (s *Service) Assess(ctx context.Context, u *auth.User, incubatorID int64, year int, note string) (*Assessment, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	inc, err := s.get(ctx, s.DB, u, incubatorID, true)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(inc.Years, func(f Figures) bool { return f.Year == year })
	if i < 0 {
		return nil, i18n.FieldError("year", "incubator.no_figures", year)
	}
	sc := s.scheme().Assess(inc.Years[i])
	a := &Assessment{Year: year, Tenths: sc.Tenths, Grade: sc.Grade, Scheme: sc.Scheme, Score: sc, Note: clean(note)}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var before *Assessment
		if j := slices.IndexFunc(inc.Assessments, func(x Assessment) bool { return x.Year == year }); j >= 0 {
			before = &inc.Assessments[j]
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO incubator_assessments (incubator_id, year, score_tenths, grade, scheme, inputs, note,
			assessed_by, assessed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (incubator_id, year) DO UPDATE SET score_tenths = excluded.score_tenths, grade = excluded.grade,
			scheme = excluded.scheme, inputs = excluded.inputs, note = excluded.note, assessed_by = excluded.assessed_by,
			assessed_at = excluded.assessed_at RETURNING id`,
			inc.ID, year, a.Tenths, a.Grade, a.Scheme, audit.JSON(sc), a.Note, u.ID, tx.Now).Scan(&a.ID); err != nil {
			return db.Normalize(err)
		}
		ev := audit.Event{Action: "incubator.assess", ObjectType: objIncubator, ObjectID: idOf(inc.ID), RegionCode: inc.RegionCode,
			After: audit.JSON(a)}
		if before != nil {
			ev.Before = audit.JSON(before)
		}
		_, err := s.Audit.Append(ctx, tx, ev)
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Grades returns the incubator's grades by year.
func (inc *Incubator) Grades() map[int]Grade {
	out := map[int]Grade{}
	for _, a := range inc.Assessments {
		out[a.Year] = a.Grade
	}
	return out
}

// Facts gathers what a pre-check reads: the record and the latest figures,
// with the consecutive years of reported statistics up to them.
func (inc *Incubator) Facts() Facts {
	f := Facts{RegionCode: inc.RegionCode, Specialised: inc.Specialised, AreaM2: inc.AreaM2, TenantAreaM2: inc.TenantAreaM2,
		OperatingSince: inc.OperatingSince}
	if len(inc.Years) == 0 {
		return f
	}
	f.Figures = inc.Years[0] // newest first
	for i, y := range inc.Years {
		if !y.StatisticsReported || y.Year != inc.Years[0].Year-i {
			break
		}
		f.StatisticsYears++
	}
	return f
}

// Prechecks runs both recognition pre-checks on the day on; the Anhui
// profile reads the managers and investment links given.
func (inc *Incubator) Prechecks(a AnhuiFacts, on calendar.Date) []*Precheck {
	f := inc.Facts()
	return []*Precheck{AnhuiCheck(f, a, on), NationalCheck(f, on)}
}

// --- Prospects (招商) ---

func (s *Service) prospects(ctx context.Context, dq db.Querier, incubatorID int64) ([]Prospect, error) {
	rows, err := dq.QueryContext(ctx, `SELECT id, name, kind, contact, status, note FROM incubator_prospects WHERE incubator_id = $1
		ORDER BY CASE status WHEN 'negotiating' THEN 0 WHEN 'contacted' THEN 1 WHEN 'signed' THEN 2 ELSE 3 END, id`, incubatorID)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (Prospect, error) {
		var p Prospect
		err := sc.Scan(&p.ID, &p.Name, &p.Kind, &p.Contact, &p.Status, &p.Note)
		return p, err
	})
}

// SaveProspect adds a prospect (ID 0) or moves one on (its status and
// note).
func (s *Service) SaveProspect(ctx context.Context, u *auth.User, incubatorID int64, in Prospect) (*Prospect, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	inc, err := s.get(ctx, s.DB, u, incubatorID, true)
	if err != nil {
		return nil, err
	}
	var p i18n.Problems
	in.Name, in.Contact, in.Note = clean(in.Name), clean(in.Contact), clean(in.Note)
	var before *Prospect
	if in.ID != 0 {
		j := slices.IndexFunc(inc.Prospects, func(x Prospect) bool { return x.ID == in.ID })
		if j < 0 {
			return nil, notFound()
		}
		before = &inc.Prospects[j]
		in.Name, in.Kind = before.Name, before.Kind
		if in.Contact == "" {
			in.Contact = before.Contact
		}
	}
	if in.Name == "" {
		p.Add("prospect_name", "error.required")
	} else if tooLong(in.Name, maxText) {
		p.Add("prospect_name", "error.too_long", maxText)
	}
	if !slices.Contains(ProspectKinds, in.Kind) {
		p.Add("kind", "error.invalid_value")
	}
	if in.Status == "" {
		in.Status = "contacted"
	}
	if !slices.Contains(ProspectStates, in.Status) {
		p.Add("status", "error.invalid_value")
	}
	if tooLong(in.Contact, maxText) {
		p.Add("contact", "error.too_long", maxText)
	}
	if tooLong(in.Note, 2000) {
		p.Add("prospect_note", "error.too_long", 2000)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		ev := audit.Event{Action: "incubator.prospect", ObjectType: objProspect, RegionCode: inc.RegionCode}
		if before == nil {
			if err := tx.QueryRowContext(ctx, `INSERT INTO incubator_prospects (incubator_id, name, kind, contact, status, note, created_by,
				created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
				inc.ID, in.Name, in.Kind, in.Contact, in.Status, in.Note, u.ID, tx.Now).Scan(&in.ID); err != nil {
				return db.Normalize(err)
			}
		} else {
			if _, err := tx.ExecContext(ctx, `UPDATE incubator_prospects SET contact = $1, status = $2, note = $3, updated_at = $4 WHERE id = $5`,
				in.Contact, in.Status, in.Note, tx.Now, in.ID); err != nil {
				return db.Normalize(err)
			}
			ev.Before = audit.JSON(before)
		}
		ev.ObjectID, ev.After = idOf(in.ID), audit.JSON(in)
		_, err := s.Audit.Append(ctx, tx, ev)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &in, nil
}
