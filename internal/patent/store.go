package patent

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/ident"
)

// Service runs every read through the caller's data scope and every change
// in one transaction with its audit event.
//
// Who does what: the bureau's staff and director keep the registry
// (PermPatentManage); everyone with PermEnterpriseView reads within their
// scope — an enterprise user its own patents and loans only.
type Service struct {
	DB          *db.DB
	Audit       *audit.Log
	Enterprises Enterprises
}

const maxText = 500

// The object types in the audit log.
const (
	objPatent = "patent"
	objAgency = "patent_agency"
	objLoan   = "pledge_loan"
)

func clean(s string) string        { return strings.TrimSpace(s) }
func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }
func idOf(id int64) string         { return strconv.FormatInt(id, 10) }
func lim(n, def int) int {
	if n <= 0 {
		return def
	}
	return min(n, 1000)
}
func forbidden() error { return i18n.E(i18n.Forbidden, "error.forbidden") }
func notFound() error  { return i18n.E(i18n.NotFound, "error.not_found") }
func stale() error     { return i18n.E(i18n.Conflict, "error.conflict") }

func mayManage(u *auth.User) error {
	if err := u.MayWrite(); err != nil {
		return err
	}
	if !u.Can(auth.PermPatentManage) || u.IsEnterprise() {
		return forbidden()
	}
	return nil
}

// CanManage reports whether u keeps the registry, for the pages.
func CanManage(u *auth.User) bool { return mayManage(u) == nil }

// nullID stores 0 as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// ParseNumber checks an application number and returns it normalised with
// its type, or a field error naming the number's problem.
func ParseNumber(field, s string) (ident.PatentNumber, error) {
	n, err := ident.ParsePatentNumber(s)
	if err != nil {
		if e, ok := errors.AsType[*ident.Error](err); ok {
			return n, i18n.FieldError(field, e.Key(), e.Args()...)
		}
		return n, i18n.FieldError(field, "error.invalid_value")
	}
	return n, nil
}

const columns = `p.id, p.app_no, p.type, p.pct, p.title, p.applicants, COALESCE(p.enterprise_id, 0), COALESCE(e.name, ''),
	COALESCE(p.candidate_id, 0), COALESCE(c.name, ''), p.region_code, p.inventors, p.application_date, p.grant_date, p.status,
	p.ipc_main, COALESCE(p.agency_id, 0), COALESCE(a.name, ''), p.version`

const from = ` FROM patents p LEFT JOIN enterprises e ON e.id = p.enterprise_id LEFT JOIN enterprises c ON c.id = p.candidate_id
	LEFT JOIN patent_agencies a ON a.id = p.agency_id`

func scanPatent(sc interface{ Scan(...any) error }) (*Patent, error) {
	p := &Patent{}
	err := sc.Scan(&p.ID, &p.AppNo, &p.Type, &p.PCT, &p.Title, &p.Applicants, &p.EnterpriseID, &p.EnterpriseName, &p.CandidateID,
		&p.CandidateName, &p.RegionCode, &p.Inventors, &p.ApplicationDate, &p.GrantDate, &p.Status, &p.IPCMain, &p.AgencyID, &p.AgencyName, &p.Version)
	return p, err
}

// scope keeps the patents u may see: staff those of their regions, an
// enterprise user its own.
func scope(u *auth.User, q *db.Where) {
	q.AddNumbered(u.Scope().Where(auth.Columns{Region: "p.region_code", Enterprise: "p.enterprise_id"}, &q.Args))
}

func (s *Service) get(ctx context.Context, dq db.Querier, u *auth.User, id int64) (*Patent, error) {
	q := &db.Where{}
	q.Add("p.id = ?", id)
	scope(u, q)
	p, err := scanPatent(dq.QueryRowContext(ctx, `SELECT `+columns+from+` WHERE `+q.SQL(), q.Args...))
	if db.IsNoRows(err) {
		return nil, notFound()
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	return p, nil
}

// Get returns one patent u may see.
func (s *Service) Get(ctx context.Context, u *auth.User, id int64) (*Patent, error) {
	return s.get(ctx, s.DB, u, id)
}

// ByNumber returns the patent with the application number, in u's scope.
func (s *Service) ByNumber(ctx context.Context, u *auth.User, appNo string) (*Patent, error) {
	n, err := ident.ParsePatentNumber(appNo)
	if err != nil {
		return nil, notFound()
	}
	q := &db.Where{}
	q.Add("p.app_no = ?", n.String())
	scope(u, q)
	p, err := scanPatent(s.DB.QueryRowContext(ctx, `SELECT `+columns+from+` WHERE `+q.SQL(), q.Args...))
	if db.IsNoRows(err) {
		return nil, notFound()
	}
	return p, db.Normalize(err)
}

var sorts = map[string]string{
	"":                  "p.application_date DESC, p.id DESC",
	"application_date":  "p.application_date, p.id",
	"-application_date": "p.application_date DESC, p.id DESC",
	"grant_date":        "p.grant_date, p.id",
	"-grant_date":       "p.grant_date DESC, p.id DESC",
	"app_no":            "p.app_no",
	"-app_no":           "p.app_no DESC",
	"title":             "p.title, p.id",
	"-title":            "p.title DESC, p.id",
}

func (f Filter) where(u *auth.User) *db.Where {
	q := &db.Where{}
	scope(u, q)
	if v := clean(f.Query); v != "" {
		if n, err := ident.ParsePatentNumber(v); err == nil {
			q.Add("p.app_no = ?", n.String())
		} else {
			like := "%" + strings.NewReplacer("%", "", "_", "").Replace(v) + "%"
			q.Add("(p.title LIKE ? OR p.applicants LIKE ? OR p.app_no LIKE ?)", like, like, like)
		}
	}
	if f.Type != "" {
		q.Add("p.type = ?", f.Type)
	}
	if f.Status != "" {
		q.Add("p.status = ?", f.Status)
	}
	if r := clean(f.RegionCode); r != "" {
		q.AddNumbered(auth.Scope{Regions: []string{r}}.Where(auth.Columns{Region: "p.region_code"}, &q.Args))
	}
	if f.EnterpriseID > 0 {
		q.Add("p.enterprise_id = ?", f.EnterpriseID)
	}
	if f.Year > 0 {
		q.Add("p.application_date >= ? AND p.application_date < ?", calendar.Date{Year: f.Year, Month: 1, Day: 1}, calendar.Date{Year: f.Year + 1, Month: 1, Day: 1})
	}
	for _, r := range []struct {
		col         string
		from, until calendar.Date
	}{{"p.application_date", f.AppliedFrom, f.AppliedUntil}, {"p.grant_date", f.GrantedFrom, f.GrantedUntil}} {
		if !r.from.IsZero() {
			q.Add(r.col+" >= ?", r.from)
		}
		if !r.until.IsZero() {
			q.Add(r.col+" < ?", r.until)
		}
	}
	if f.Unconfirmed {
		q.Add("p.candidate_id IS NOT NULL AND p.enterprise_id IS NULL")
	}
	if f.AgencyID > 0 {
		q.Add("p.agency_id = ?", f.AgencyID)
	}
	return q
}

// List returns a page of the patents u may see, and how many match.
func (s *Service) List(ctx context.Context, u *auth.User, f Filter) ([]*Patent, int, error) {
	q := f.where(u)
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM patents p WHERE `+q.SQL(), q.Args...).Scan(&total); err != nil {
		return nil, 0, db.Normalize(err)
	}
	order, ok := sorts[f.Sort]
	if !ok {
		order = sorts[""]
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+columns+from+` WHERE `+q.SQL()+` ORDER BY `+order+
		` LIMIT `+strconv.Itoa(lim(f.Limit, 20))+` OFFSET `+strconv.Itoa(max(f.Offset, 0)), q.Args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	items, err := db.Collect(rows, scanPatent)
	return items, total, err
}

// History returns a patent's legal-status history, oldest first.
func (s *Service) History(ctx context.Context, u *auth.User, id int64) ([]History, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT from_status, to_status, effective, source, COALESCE(changed_by, 0)
		FROM patent_status_history WHERE patent_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (History, error) {
		var h History
		err := sc.Scan(&h.From, &h.To, &h.Effective, &h.Source, &h.ChangedBy)
		return h, err
	})
}

// validate checks a patent as entered, returning the parsed number.
func validate(in *Input) (ident.PatentNumber, i18n.Problems) {
	var p i18n.Problems
	n, err := ParseNumber("app_no", in.AppNo)
	if err != nil {
		p.AddErr("app_no", err)
	}
	if in.Title = clean(in.Title); in.Title == "" {
		p.Add("title", "error.required")
	} else if tooLong(in.Title, maxText) {
		p.Add("title", "error.too_long", maxText)
	}
	if in.Applicants = clean(in.Applicants); tooLong(in.Applicants, maxText) {
		p.Add("applicants", "error.too_long", maxText)
	}
	if in.Inventors < 0 || in.Inventors > 1000 {
		p.Add("inventors", "error.invalid_value")
	}
	in.IPCMain = strings.ToUpper(clean(in.IPCMain))
	if tooLong(in.IPCMain, 30) {
		p.Add("ipc_main", "error.too_long", 30)
	}
	if in.Status = clean(in.Status); in.Status == "" {
		in.Status = Applied
	}
	known := false
	for _, st := range Statuses {
		known = known || st == in.Status
	}
	if !known {
		p.Add("legal_status", "patent.status.unknown", in.Status)
	}
	if err == nil && known {
		if field, key := CheckDates(n, in.Status, in.ApplicationDate, in.GrantDate); key != "" {
			p.Add(field, key)
		}
	}
	return n, p
}

// regionFor decides a patent's region: its enterprise's, or else the one
// given, or else the user's own; it must lie in u's scope.
func (s *Service) regionFor(ctx context.Context, u *auth.User, enterpriseID int64, given string, p *i18n.Problems) string {
	if enterpriseID > 0 {
		a, err := s.Enterprises.Applicant(ctx, u, enterpriseID)
		if err != nil {
			p.Add("enterprise_id", "patent.enterprise.unknown")
			return ""
		}
		return a.RegionCode
	}
	r := clean(given)
	if r == "" {
		r = u.RegionCode
	}
	if !u.Scope().Allows(r, 0) {
		p.Add("region_code", "patent.region.outside")
	}
	return r
}

// Create registers a patent entered by staff, with its first history row.
func (s *Service) Create(ctx context.Context, u *auth.User, in Input, reason string) (*Patent, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	n, p := validate(&in)
	region := s.regionFor(ctx, u, in.EnterpriseID, in.RegionCode, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	typ, pct := TypeOf(n)
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if in.AgencyID > 0 {
			if err := tx.QueryRowContext(ctx, `SELECT id FROM patent_agencies WHERE id = $1`, in.AgencyID).Scan(new(int64)); err != nil {
				if db.IsNoRows(err) {
					return i18n.FieldError("agency_id", "patent.agency.unknown")
				}
				return db.Normalize(err)
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO patents (app_no, type, pct, title, applicants, enterprise_id, region_code, inventors,
			application_date, grant_date, status, ipc_main, agency_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
			n.String(), typ, pct, in.Title, in.Applicants, nullID(in.EnterpriseID), region, in.Inventors, in.ApplicationDate, in.GrantDate,
			in.Status, in.IPCMain, nullID(in.AgencyID), tx.Now).Scan(&id)
		if db.IsUnique(err) {
			return i18n.FieldError("app_no", "patent.duplicate", n.String())
		}
		if err != nil {
			return db.Normalize(err)
		}
		rec := Patent{Status: in.Status, ApplicationDate: in.ApplicationDate, GrantDate: in.GrantDate}
		if err := addHistory(ctx, tx, u, id, "", in.Status, effectiveDate(rec, calendar.FromTime(tx.Now, calendar.Shanghai)), "manual"); err != nil {
			return err
		}
		after, err := s.get(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if err := change(ctx, tx, nil, after); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "patent.create", ObjectType: objPatent, ObjectID: idOf(id),
			RegionCode: region, After: audit.JSON(after), Reason: reason})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, u, id)
}

func addHistory(ctx context.Context, tx *db.Tx, u *auth.User, id int64, from, to string, effective calendar.Date, source string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO patent_status_history (patent_id, from_status, to_status, effective, source, changed_by, changed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, from, to, effective, source, nullID(u.ID), tx.Now)
	return db.Normalize(err)
}

// StatusChange is a change of legal status entered by staff.
type StatusChange struct {
	Version   int           `json:"version"` // the version read; a stale one is refused
	Status    string        `json:"status"`
	Effective calendar.Date `json:"effective"` // zero: the grant date for a grant, else today
	GrantDate calendar.Date `json:"grant_date"`
	Reason    string        `json:"reason"`
}

// SetStatus moves a patent to a new legal status along the allowed
// transitions, with a history row and the audit event.
func (s *Service) SetStatus(ctx context.Context, u *auth.User, id int64, ch StatusChange) (*Patent, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.get(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if ch.Version != 0 && ch.Version != before.Version {
			return stale()
		}
		if !CanMove(before.Status, ch.Status) {
			return i18n.FieldError("legal_status", "patent.status.bad_move", StatusName(before.Status), StatusName(ch.Status))
		}
		grant := before.GrantDate
		if IsGrantedStatus(ch.Status) && grant.IsZero() {
			grant = ch.GrantDate
		}
		n, _ := ident.ParsePatentNumber(before.AppNo)
		if field, key := CheckDates(n, ch.Status, before.ApplicationDate, grant); key != "" {
			return i18n.FieldError(field, key)
		}
		res, err := tx.ExecContext(ctx, `UPDATE patents SET status = $1, grant_date = $2, version = version + 1, updated_at = $3
			WHERE id = $4 AND version = $5`, ch.Status, grant, tx.Now, id, before.Version)
		if err != nil {
			return db.Normalize(err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return stale()
		}
		eff := ch.Effective
		if eff.IsZero() {
			eff = effectiveDate(Patent{Status: ch.Status, ApplicationDate: before.ApplicationDate, GrantDate: grant}, calendar.FromTime(tx.Now, calendar.Shanghai))
		}
		if err := addHistory(ctx, tx, u, id, before.Status, ch.Status, eff, "manual"); err != nil {
			return err
		}
		after, err := s.get(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if err := change(ctx, tx, before, after); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "patent.status", ObjectType: objPatent, ObjectID: idOf(id), RegionCode: after.RegionCode,
			Before: audit.JSON(before), After: audit.JSON(after), Reason: ch.Reason})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, u, id)
}

// Link links a patent to an enterprise in u's scope — confirming a name
// match, or choosing another — and moves it to the enterprise's region.
// enterpriseID 0 rejects the suggested match and leaves the patent
// unlinked.
func (s *Service) Link(ctx context.Context, u *auth.User, id, enterpriseID int64, reason string) (*Patent, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var a Applicant
	if enterpriseID > 0 {
		var err error
		if a, err = s.Enterprises.Applicant(ctx, u, enterpriseID); err != nil {
			return nil, i18n.FieldError("enterprise_id", "patent.enterprise.unknown")
		}
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.get(ctx, tx, u, id)
		if err != nil {
			return err
		}
		region := before.RegionCode
		if a.ID > 0 {
			region = a.RegionCode
		}
		// The version guards the rollups: they move by the difference
		// between before and after, so before must still be on file.
		res, err := tx.ExecContext(ctx, `UPDATE patents SET enterprise_id = $1, candidate_id = NULL, region_code = $2, version = version + 1,
			updated_at = $3 WHERE id = $4 AND version = $5`, nullID(a.ID), region, tx.Now, id, before.Version)
		if err != nil {
			return db.Normalize(err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return stale()
		}
		after, err := s.get(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if err := change(ctx, tx, before, after); err != nil {
			return err
		}
		action := "patent.link"
		if a.ID == 0 {
			action = "patent.unlink"
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: action, ObjectType: objPatent, ObjectID: idOf(id), RegionCode: region,
			Before: audit.JSON(before), After: audit.JSON(after), Reason: reason})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, u, id)
}

// --- Agencies ---

// AgencyInput is a patent agency as staff enter it.
type AgencyInput struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Contact string `json:"contact"`
	Phone   string `json:"phone"`
	Address string `json:"address"`
}

// CreateAgency records a patent agency.
func (s *Service) CreateAgency(ctx context.Context, u *auth.User, in AgencyInput) (*Agency, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var p i18n.Problems
	if in.Name = clean(in.Name); in.Name == "" {
		p.Add("name", "error.required")
	} else if tooLong(in.Name, 200) {
		p.Add("name", "error.too_long", 200)
	}
	for field, v := range map[string]*string{"code": &in.Code, "contact": &in.Contact, "phone": &in.Phone, "address": &in.Address} {
		if *v = clean(*v); tooLong(*v, 200) {
			p.Add(field, "error.too_long", 200)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO patent_agencies (code, name, contact, phone, address, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, in.Code, in.Name, in.Contact, in.Phone, in.Address, tx.Now, nullID(u.ID)).Scan(&id)
		if db.IsUnique(err) {
			return i18n.FieldError("name", "patent.agency.duplicate", in.Name)
		}
		if err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "patent.agency.create", ObjectType: objAgency, ObjectID: idOf(id),
			RegionCode: u.RegionCode, After: audit.JSON(in)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Agency{ID: id, Code: in.Code, Name: in.Name, Contact: in.Contact, Phone: in.Phone, Address: in.Address}, nil
}

// Agencies lists the agencies with their service record among the patents
// u may see, the busiest first.
func (s *Service) Agencies(ctx context.Context, u *auth.User) ([]Agency, error) {
	q := &db.Where{}
	scope(u, q)
	rows, err := s.DB.QueryContext(ctx, `SELECT a.id, a.code, a.name, a.contact, a.phone, a.address,
		COALESCE(n.patents, 0), COALESCE(n.enterprises, 0)
		FROM patent_agencies a LEFT JOIN (SELECT p.agency_id, COUNT(*) AS patents, COUNT(DISTINCT p.enterprise_id) AS enterprises
			FROM patents p WHERE p.agency_id IS NOT NULL AND `+q.SQL()+` GROUP BY p.agency_id) n ON n.agency_id = a.id
		ORDER BY COALESCE(n.patents, 0) DESC, a.name`, q.Args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (Agency, error) {
		var a Agency
		err := sc.Scan(&a.ID, &a.Code, &a.Name, &a.Contact, &a.Phone, &a.Address, &a.Patents, &a.Enterprises)
		return a, err
	})
}
