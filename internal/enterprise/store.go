package enterprise

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/ident"
	"kejiju/internal/money"
	"kejiju/internal/region"
)

// Service runs every read through the caller's data scope and every change
// in one transaction with its version row and audit event.
type Service struct {
	DB    *db.DB
	Audit *audit.Log
	// Accounts creates the portal accounts of approved registrations.
	Accounts *auth.Service
}

// mayManage refuses users who may not register, import, merge or certify.
func mayManage(u *auth.User) error {
	if err := u.MayWrite(); err != nil {
		return err
	}
	if !u.Can(auth.PermEnterpriseManage) {
		return i18n.E(i18n.Forbidden, "error.forbidden")
	}
	return nil
}

// notFound is what a record outside the caller's scope looks like: the same
// answer as a record that does not exist.
var notFound = i18n.E(i18n.NotFound, "error.not_found")

const columns = `e.id, e.credit_code, e.name, e.name_initials, e.legal_rep, e.registered_on, e.registered_capital, e.address,
	e.region_code, e.industry_code, e.tech_field, e.contact_name, e.contact_phone, e.blacklisted, e.status,
	COALESCE(e.merged_into, 0), e.version, e.created_at, e.updated_at`

func scan(sc interface{ Scan(...any) error }, extra ...any) (*Enterprise, error) {
	e := &Enterprise{}
	err := sc.Scan(append([]any{&e.ID, &e.CreditCode, &e.Name, &e.NameInitials, &e.LegalRep, &e.RegisteredOn, &e.RegisteredCapital,
		&e.Address, &e.RegionCode, &e.IndustryCode, &e.TechField, &e.ContactName, &e.ContactPhone, &e.Blacklisted, &e.Status,
		&e.MergedInto, &e.Version, &e.CreatedAt, &e.UpdatedAt}, extra...)...)
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	return e, err
}

// scopeColumns are the columns the data scope filters enterprises on.
var scopeColumns = auth.Columns{Region: "e.region_code", Enterprise: "e.id"}

// get returns one record if u may see it.
func get(ctx context.Context, q db.Querier, u *auth.User, id int64) (*Enterprise, error) {
	args := []any{id}
	cond := u.Scope().Where(scopeColumns, &args)
	e, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM enterprises e WHERE e.id = $1 AND `+cond, args...))
	if db.IsNoRows(err) {
		return nil, notFound
	}
	return e, db.Normalize(err)
}

// Get returns the record with id, or NotFound when it does not exist or lies
// outside u's scope.
func (s *Service) Get(ctx context.Context, u *auth.User, id int64) (*Enterprise, error) {
	return get(ctx, s.DB, u, id)
}

// ByCode returns the record with a credit code, within u's scope.
func (s *Service) ByCode(ctx context.Context, u *auth.User, code string) (*Enterprise, error) {
	args := []any{strings.ToUpper(clean(code))}
	cond := u.Scope().Where(scopeColumns, &args)
	e, err := scan(s.DB.QueryRowContext(ctx, `SELECT `+columns+` FROM enterprises e WHERE e.credit_code = $1 AND `+cond, args...))
	if db.IsNoRows(err) {
		return nil, notFound
	}
	return e, db.Normalize(err)
}

// Lookup finds a record by credit code for operators (the CLI), without a
// user's scope: it returns the id and region, or NotFound.
func (s *Service) Lookup(ctx context.Context, code string) (int64, string, error) {
	var id int64
	var regionCode string
	err := s.DB.QueryRowContext(ctx, `SELECT id, region_code FROM enterprises WHERE credit_code = $1 AND status = $2`,
		strings.ToUpper(clean(code)), Active).Scan(&id, &regionCode)
	if db.IsNoRows(err) {
		return 0, "", notFound
	}
	return id, regionCode, db.Normalize(err)
}

// Filter selects records for a list.
type Filter struct {
	Query      string // name, address, pinyin initials or credit code
	RegionCode string // a township or the district
	Status     string // "" means active
	TechField  string
	Limit      int
	Offset     int
	Sort       string
}

var sorts = map[string]string{
	"name": "e.name, e.id", "-name": "e.name DESC, e.id",
	"credit_code": "e.credit_code", "-credit_code": "e.credit_code DESC",
	"region_code": "e.region_code, e.name", "-region_code": "e.region_code DESC, e.name",
	"updated_at": "e.updated_at, e.id", "-updated_at": "e.updated_at DESC, e.id",
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// where builds the condition and arguments of a list query.
func (s *Service) where(u *auth.User, f Filter) (string, []any) {
	args := []any{}
	where := []string{u.Scope().Where(scopeColumns, &args)}
	add := func(cond string, vs ...any) {
		for _, v := range vs {
			args = append(args, v)
			cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(args)), 1)
		}
		where = append(where, cond)
	}
	status := f.Status
	if status == "" {
		status = Active
	}
	add("e.status = ?", status)
	if f.RegionCode != "" {
		add("e.region_code LIKE ? ESCAPE '\\'", escapeLike(f.RegionCode)+"%")
	}
	if f.TechField != "" {
		add("e.tech_field = ?", f.TechField)
	}
	if q := clean(f.Query); q != "" {
		s.addSearch(q, add)
	}
	return strings.Join(where, " AND "), args
}

func orderOf(f Filter) string {
	if order, ok := sorts[f.Sort]; ok {
		return order
	}
	return "e.region_code, e.name, e.id"
}

// List returns the records in u's scope that match f, and their total. The
// total is its own COUNT query, so the page query can stop after its rows
// (walking the (region_code, name) index in the default order) instead of
// sorting every match.
func (s *Service) List(ctx context.Context, u *auth.User, f Filter) ([]*Enterprise, int, error) {
	where, args := s.where(u, f)
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 20
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM enterprises e WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, db.Normalize(err)
	}
	if total == 0 || f.Offset >= total {
		return nil, total, nil
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+columns+` FROM enterprises e WHERE `+where+
		` ORDER BY `+orderOf(f)+fmt.Sprintf(` LIMIT %d OFFSET %d`, f.Limit, max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	defer rows.Close()
	var out []*Enterprise
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return nil, 0, db.Normalize(err)
		}
		out = append(out, e)
	}
	return out, total, db.Normalize(rows.Err())
}

// Each calls fn for every record in u's scope that matches f (paging
// ignored), streaming from the database, for exports.
func (s *Service) Each(ctx context.Context, u *auth.User, f Filter, fn func(*Enterprise) error) error {
	where, args := s.where(u, f)
	rows, err := s.DB.QueryContext(ctx, `SELECT `+columns+` FROM enterprises e WHERE `+where+` ORDER BY `+orderOf(f), args...)
	if err != nil {
		return db.Normalize(err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return db.Normalize(err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return db.Normalize(rows.Err())
}

// addSearch adds the search condition for q: trigram full text over name
// and address for three characters or more (FTS5 on SQLite, pg_trgm on
// PostgreSQL), substring match below that, and pinyin initials and credit
// code prefixes always. Each way of matching is its own subquery joined by
// UNION, so each can use its own index (an OR across them would scan the
// table); prefixes are ranges, which both engines answer from an index.
func (s *Service) addSearch(q string, add func(string, ...any)) {
	like := "%" + escapeLike(q) + "%"
	initials, code := strings.ToLower(q), strings.ToUpper(q)
	prefixes := `SELECT id FROM enterprises WHERE name_initials >= ? AND name_initials < ?
		UNION SELECT id FROM enterprises WHERE credit_code >= ? AND credit_code < ?`
	pargs := []any{initials, upperBound(initials), code, upperBound(code)}
	if s.DB.Dialect.Engine == db.SQLite && utf8.RuneCountInString(q) >= 3 {
		phrase := `"` + strings.ReplaceAll(q, `"`, `""`) + `"`
		add(`e.id IN (SELECT rowid FROM enterprise_search WHERE enterprise_search MATCH ? UNION `+prefixes+`)`, append([]any{phrase}, pargs...)...)
		return
	}
	add(`e.id IN (SELECT id FROM enterprises WHERE name LIKE ? ESCAPE '\'
		UNION SELECT id FROM enterprises WHERE address LIKE ? ESCAPE '\' UNION `+prefixes+`)`, append([]any{like, like}, pargs...)...)
}

// upperBound returns the least string greater than every string that
// starts with p: p with its last rune raised by one.
func upperBound(p string) string {
	r := []rune(p)
	r[len(r)-1]++
	return string(r)
}

// checkRegion refuses a region that does not exist, lies above district
// level, or lies outside u's scope.
func checkRegion(ctx context.Context, q db.Querier, u *auth.User, code string, p *i18n.Problems) {
	if code == "" {
		return
	}
	var level int
	err := q.QueryRowContext(ctx, `SELECT level FROM regions WHERE code = $1 AND active`, code).Scan(&level)
	switch {
	case db.IsNoRows(err), err == nil && level < int(region.County):
		p.Add("region_code", "enterprise.region.unknown", code)
	case err != nil:
		p.AddErr("region_code", db.Normalize(err))
	case !u.Scope().Allows(code, 0):
		p.Add("region_code", "enterprise.region.outside", code)
	}
}

// prepare validates in for u inside tx.
func prepare(ctx context.Context, tx *db.Tx, u *auth.User, in Input) (Input, error) {
	in, p := validate(in, func(code string) (string, error) { return ident.AcceptCreditCode(ctx, tx, code) })
	checkRegion(ctx, tx, u, in.RegionCode, &p)
	return in, p.Err()
}

// Create adds a record. A credit code already on file is a field error.
func (s *Service) Create(ctx context.Context, u *auth.User, in Input, reason string) (*Enterprise, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var e *Enterprise
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if in, err = prepare(ctx, tx, u, in); err != nil {
			return err
		}
		e, err = insert(ctx, tx, in)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, u, e, nil, "enterprise.create", reason)
	})
	return e, err
}

// The statements every new record goes through, shared by the single-row
// paths and the import's prepared writer.
const (
	insertSQL = `INSERT INTO enterprises (credit_code, name, name_initials, legal_rep, registered_on, registered_capital,
		address, region_code, industry_code, tech_field, contact_name, contact_phone, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`
	versionSQL = `INSERT INTO enterprise_versions (enterprise_id, version, data, changed_by, changed_name, changed_at, reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`
	ftsDeleteSQL = `DELETE FROM enterprise_search WHERE rowid = $1`
	ftsInsertSQL = `INSERT INTO enterprise_search (rowid, name, address) VALUES ($1, $2, $3)`
)

// queryRower is what *sql.Tx and *sql.Stmt-bound helpers share for insert.
type rowQuerier func(ctx context.Context, args ...any) *sql.Row

func insert(ctx context.Context, tx *db.Tx, in Input) (*Enterprise, error) {
	return insertWith(ctx, tx, func(ctx context.Context, args ...any) *sql.Row { return tx.QueryRowContext(ctx, insertSQL, args...) }, in)
}

func insertWith(ctx context.Context, tx *db.Tx, q rowQuerier, in Input) (*Enterprise, error) {
	e := &Enterprise{CreditCode: in.CreditCode, Name: in.Name, NameInitials: Initials(in.Name), LegalRep: in.LegalRep,
		RegisteredOn: in.RegisteredOn, RegisteredCapital: in.RegisteredCapital, Address: in.Address, RegionCode: in.RegionCode,
		IndustryCode: in.IndustryCode, TechField: in.TechField, ContactName: in.ContactName, ContactPhone: in.ContactPhone,
		Status: Active, Version: 1, CreatedAt: tx.Now, UpdatedAt: tx.Now}
	err := q(ctx, e.CreditCode, e.Name, e.NameInitials, e.LegalRep, e.RegisteredOn, e.RegisteredCapital, e.Address, e.RegionCode,
		e.IndustryCode, e.TechField, e.ContactName, e.ContactPhone, tx.Now).Scan(&e.ID)
	if db.IsUnique(err) {
		return nil, i18n.FieldError("credit_code", "enterprise.code.taken", in.CreditCode)
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	return e, nil
}

// Update changes a record. version is the version the editor saw; if
// someone saved in between, the change is refused as a conflict.
func (s *Service) Update(ctx context.Context, u *auth.User, id int64, version int, in Input, reason string) (*Enterprise, error) {
	if err := u.MayWrite(); err != nil {
		return nil, err
	}
	var e *Enterprise
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := get(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if before.Status != Active {
			return i18n.E(i18n.Conflict, "enterprise.not_active")
		}
		if in, err = prepare(ctx, tx, u, in); err != nil {
			return err
		}
		if !u.Can(auth.PermEnterpriseManage) && (in.CreditCode != before.CreditCode || in.RegionCode != before.RegionCode) {
			// An enterprise keeps its contacts; its code and township are the bureau's.
			return i18n.E(i18n.Forbidden, "enterprise.code_region.staff_only")
		}
		if before.Version != version {
			return i18n.E(i18n.Conflict, "enterprise.stale", before.Version)
		}
		if !changed(before.input(), in) {
			e = before
			return nil
		}
		e, err = update(ctx, tx, before, in)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, u, e, before, "enterprise.update", reason)
	})
	return e, err
}

func update(ctx context.Context, tx *db.Tx, before *Enterprise, in Input) (*Enterprise, error) {
	res, err := tx.ExecContext(ctx, `UPDATE enterprises SET credit_code = $1, name = $2, name_initials = $3, legal_rep = $4, registered_on = $5,
		registered_capital = $6, address = $7, region_code = $8, industry_code = $9, tech_field = $10, contact_name = $11,
		contact_phone = $12, version = version + 1, updated_at = $13 WHERE id = $14 AND version = $15`,
		in.CreditCode, in.Name, Initials(in.Name), in.LegalRep, in.RegisteredOn, in.RegisteredCapital, in.Address, in.RegionCode,
		in.IndustryCode, in.TechField, in.ContactName, in.ContactPhone, tx.Now, before.ID, before.Version)
	if db.IsUnique(err) {
		return nil, i18n.FieldError("credit_code", "enterprise.code.taken", in.CreditCode)
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, i18n.E(i18n.Conflict, "enterprise.stale", before.Version)
	}
	e := *before
	e.CreditCode, e.Name, e.NameInitials, e.LegalRep, e.RegisteredOn = in.CreditCode, in.Name, Initials(in.Name), in.LegalRep, in.RegisteredOn
	e.RegisteredCapital, e.Address, e.RegionCode, e.IndustryCode = in.RegisteredCapital, in.Address, in.RegionCode, in.IndustryCode
	e.TechField, e.ContactName, e.ContactPhone = in.TechField, in.ContactName, in.ContactPhone
	e.Version, e.UpdatedAt = before.Version+1, tx.Now
	return &e, nil
}

// record writes what every change writes: the version row, the search
// index, and the audit event.
func (s *Service) record(ctx context.Context, tx *db.Tx, u *auth.User, e, before *Enterprise, action, reason string) error {
	data, _ := json.Marshal(e.input())
	if _, err := tx.ExecContext(ctx, versionSQL, e.ID, e.Version, string(data), u.ID, u.DisplayName, tx.Now, reason); err != nil {
		return db.Normalize(err)
	}
	if err := index(ctx, tx, e); err != nil {
		return err
	}
	ev := audit.Event{Action: action, ObjectType: "enterprise", ObjectID: strconv.FormatInt(e.ID, 10), RegionCode: e.RegionCode,
		After: string(data), Reason: reason}
	if before != nil {
		ev.Before = audit.JSON(before.input())
	}
	_, err := s.Audit.Append(ctx, tx, ev)
	return err
}

// index keeps the SQLite full-text index in step with the record
// (PostgreSQL indexes the table's own columns with pg_trgm).
func index(ctx context.Context, tx *db.Tx, e *Enterprise) error {
	if tx.Dialect.Engine != db.SQLite {
		return nil
	}
	if _, err := tx.ExecContext(ctx, ftsDeleteSQL, e.ID); err != nil {
		return db.Normalize(err)
	}
	if e.Status != Active {
		return nil
	}
	_, err := tx.ExecContext(ctx, ftsInsertSQL, e.ID, e.Name, e.Address)
	return db.Normalize(err)
}

// Versions returns a record's history, newest first.
func (s *Service) Versions(ctx context.Context, u *auth.User, id int64) ([]Version, error) {
	if _, err := get(ctx, s.DB, u, id); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT version, data, COALESCE(changed_by, 0), changed_name, changed_at, reason
		FROM enterprise_versions WHERE enterprise_id = $1 ORDER BY version DESC`, id)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		var data string
		if err := rows.Scan(&v.Version, &data, &v.ChangedBy, &v.ChangedName, &v.ChangedAt, &v.Reason); err != nil {
			return nil, db.Normalize(err)
		}
		json.Unmarshal([]byte(data), &v.Data)
		v.ChangedAt = v.ChangedAt.UTC()
		out = append(out, v)
	}
	return out, db.Normalize(rows.Err())
}

// SetBlacklisted puts a record on the credit blacklist (失信名单) or takes it
// off, with the reason; a blacklisted enterprise fails the clean-record
// conditions of the 高企 and 科小 pre-checks.
func (s *Service) SetBlacklisted(ctx context.Context, u *auth.User, id int64, on bool, reason string) error {
	if err := mayManage(u); err != nil {
		return err
	}
	if strings.TrimSpace(reason) == "" {
		return i18n.FieldError("reason", "error.required")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		e, err := get(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if e.Blacklisted == on {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE enterprises SET blacklisted = $1, updated_at = $2 WHERE id = $3`, on, tx.Now, id); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "enterprise.blacklist", ObjectType: "enterprise", ObjectID: strconv.FormatInt(id, 10),
			RegionCode: e.RegionCode, Before: audit.JSON(map[string]bool{"blacklisted": e.Blacklisted}), After: audit.JSON(map[string]bool{"blacklisted": on}), Reason: reason})
		return err
	})
}

// Merge folds the duplicate record dupID into keepID: the duplicate's
// years (where the kept record has none), statuses and user accounts move
// over, the duplicate is marked merged and keeps its history.
func (s *Service) Merge(ctx context.Context, u *auth.User, keepID, dupID int64, reason string) error {
	if err := mayManage(u); err != nil {
		return err
	}
	if strings.TrimSpace(reason) == "" {
		return i18n.FieldError("reason", "error.required")
	}
	if keepID == dupID {
		return i18n.FieldError("duplicate_id", "enterprise.merge.same")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		keep, err := get(ctx, tx, u, keepID)
		if err != nil {
			return err
		}
		dup, err := get(ctx, tx, u, dupID)
		if err != nil {
			return err
		}
		if keep.Status != Active || dup.Status != Active {
			return i18n.E(i18n.Conflict, "enterprise.not_active")
		}
		for _, q := range []string{
			`UPDATE enterprise_years SET enterprise_id = $1 WHERE enterprise_id = $2 AND year NOT IN (SELECT year FROM enterprise_years WHERE enterprise_id = $1)`,
			`UPDATE enterprise_statuses SET enterprise_id = $1 WHERE enterprise_id = $2`,
			`UPDATE users SET enterprise_id = $1 WHERE enterprise_id = $2`,
		} {
			if _, err := tx.ExecContext(ctx, q, keepID, dupID); err != nil {
				return db.Normalize(err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE enterprises SET status = $1, merged_into = $2, version = version + 1, updated_at = $3 WHERE id = $4`,
			Merged, keepID, tx.Now, dupID); err != nil {
			return db.Normalize(err)
		}
		merged := *dup
		merged.Status, merged.MergedInto, merged.Version = Merged, keepID, dup.Version+1
		if err := s.record(ctx, tx, u, &merged, dup, "enterprise.merge", reason); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "enterprise.merge_into", ObjectType: "enterprise", ObjectID: strconv.FormatInt(keepID, 10),
			RegionCode: keep.RegionCode, After: audit.JSON(map[string]int64{"merged": dupID}), Reason: reason})
		return err
	})
}

// Years returns the yearly facts of a record, newest first.
func (s *Service) Years(ctx context.Context, u *auth.User, id int64) ([]Year, error) {
	if _, err := get(ctx, s.DB, u, id); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+yearColumns+` FROM enterprise_years WHERE enterprise_id = $1 ORDER BY year DESC`, id)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []Year
	for rows.Next() {
		y, err := scanYear(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, db.Normalize(rows.Err())
}

// checkYear returns every problem with a year's facts.
func checkYear(y Year, thisYear int) i18n.Problems {
	var p i18n.Problems
	if y.Year < 2000 || y.Year > thisYear {
		p.Add("year", "enterprise.year.range", 2000, thisYear)
	}
	for field, v := range map[string]money.Fen{"revenue": y.Revenue, "hitech_revenue": y.HiTechRevenue, "total_assets": y.TotalAssets,
		"total_cost_expense": y.TotalCostExpense, "rd_total": y.RDTotal, "rd_domestic": y.RDDomestic} {
		if v < 0 {
			p.Add(field, "money.negative")
		}
	}
	for field, v := range map[string]int{"staff": y.Staff, "st_staff": y.STStaff, "ip_class1": y.IPClass1, "ip_class2": y.IPClass2, "conversions": y.Conversions} {
		if v < 0 {
			p.Add(field, "enterprise.count.negative")
		}
	}
	if y.STStaff > y.Staff {
		p.Add("st_staff", "enterprise.st_staff.more")
	}
	if y.HiTechRevenue > y.Revenue {
		p.Add("hitech_revenue", "enterprise.hitech.more")
	}
	if y.RDDomestic > y.RDTotal {
		p.Add("rd_domestic", "enterprise.rd_domestic.more")
	}
	var sum money.Fen
	for _, c := range y.RDCategories {
		sum += c
	}
	if sum != 0 && sum != y.RDTotal {
		p.Add("rd_total", "enterprise.rd.sum", sum.Yuan())
	}
	return p
}

// SaveYear stores the facts of one year: staff for records in their scope,
// an enterprise user for its own.
func (s *Service) SaveYear(ctx context.Context, u *auth.User, y Year, reason string) error {
	if err := u.MayWrite(); err != nil {
		return err
	}
	if p := checkYear(y, calendar.Today(nil).Year); len(p) > 0 {
		return p
	}
	cats, _ := json.Marshal(y.RDCategories)
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		e, err := get(ctx, tx, u, y.EnterpriseID)
		if err != nil {
			return err
		}
		var before sql.NullString
		tx.QueryRowContext(ctx, `SELECT revenue || '/' || rd_total || '/' || staff FROM enterprise_years WHERE enterprise_id = $1 AND year = $2`, e.ID, y.Year).Scan(&before)
		if _, err := tx.ExecContext(ctx, `INSERT INTO enterprise_years (enterprise_id, year, revenue, hitech_revenue, total_assets, net_assets,
			total_cost_expense, rd_total, rd_domestic, rd_categories, staff, st_staff, ip_class1, ip_class2, conversions, annual_report, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
			ON CONFLICT (enterprise_id, year) DO UPDATE SET revenue = excluded.revenue, hitech_revenue = excluded.hitech_revenue,
			total_assets = excluded.total_assets, net_assets = excluded.net_assets, total_cost_expense = excluded.total_cost_expense,
			rd_total = excluded.rd_total, rd_domestic = excluded.rd_domestic, rd_categories = excluded.rd_categories, staff = excluded.staff,
			st_staff = excluded.st_staff, ip_class1 = excluded.ip_class1, ip_class2 = excluded.ip_class2, conversions = excluded.conversions,
			annual_report = excluded.annual_report, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			e.ID, y.Year, y.Revenue, y.HiTechRevenue, y.TotalAssets, y.NetAssets, y.TotalCostExpense, y.RDTotal, y.RDDomestic, string(cats),
			y.Staff, y.STStaff, y.IPClass1, y.IPClass2, y.Conversions, y.AnnualReport, tx.Now, u.ID); err != nil {
			return db.Normalize(err)
		}
		y.EnterpriseID, y.UpdatedAt = e.ID, tx.Now
		ev := audit.Event{Action: "enterprise.year", ObjectType: "enterprise", ObjectID: strconv.FormatInt(e.ID, 10), RegionCode: e.RegionCode,
			After: audit.JSON(y), Reason: reason}
		if before.Valid {
			ev.Before = before.String
		}
		_, err = s.Audit.Append(ctx, tx, ev)
		return err
	})
}

// Statuses returns a record's statuses and certificates, newest first.
func (s *Service) Statuses(ctx context.Context, u *auth.User, id int64) ([]Status, error) {
	if _, err := get(ctx, s.DB, u, id); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, enterprise_id, kind, year, number, valid_from, valid_to, note, created_at
		FROM enterprise_statuses WHERE enterprise_id = $1 ORDER BY year DESC, id DESC`, id)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []Status
	for rows.Next() {
		st, err := scanStatus(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, db.Normalize(rows.Err())
}

// AddStatus records a status or certificate. A 高企 certificate number must
// be GR + year + province + serial; its validity defaults to 3 years from
// issue, a 科小 registration's to the end of its year.
func (s *Service) AddStatus(ctx context.Context, u *auth.User, st Status, reason string) (*Status, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var p i18n.Problems
	st.Number = strings.ToUpper(clean(st.Number))
	if !contains(StatusKinds, st.Kind) {
		p.Add("kind", "error.invalid_value")
	}
	if st.Year < 2000 || st.Year > calendar.Today(nil).Year+1 {
		p.Add("year", "enterprise.year.range", 2000, calendar.Today(nil).Year+1)
	}
	switch st.Kind {
	case KindHTE:
		if c, err := ident.ParseHTECertificate(st.Number); err != nil {
			p.AddErr("number", err)
		} else if st.ValidFrom.IsZero() {
			p.Add("valid_from", "error.required")
		} else {
			st.Number = c.String()
			if st.ValidTo.IsZero() {
				st.ValidTo = st.ValidFrom.AddDays(-1).AddYears(3)
			}
		}
	case KindTechSME:
		if st.Number == "" {
			p.Add("number", "error.required")
		}
		if st.ValidTo.IsZero() && st.Year > 0 {
			st.ValidTo = calendar.Date{Year: st.Year, Month: time.December, Day: 31}
		}
	}
	if !st.ValidFrom.IsZero() && !st.ValidTo.IsZero() && st.ValidTo.Before(st.ValidFrom) {
		p.Add("valid_to", "enterprise.valid_to.before")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error { return s.insertStatus(ctx, tx, u, &st, reason) })
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// AddCertificateTx records a 高企 certificate inside the caller's
// transaction (the pipeline recognising an application): valid three years
// from its issue date.
func (s *Service) AddCertificateTx(ctx context.Context, tx *db.Tx, u *auth.User, enterpriseID int64, number string, year int, issued calendar.Date) error {
	if err := mayManage(u); err != nil {
		return err
	}
	c, err := ident.ParseHTECertificate(number)
	if err != nil {
		return i18n.Problems{}.With(err)
	}
	st := Status{EnterpriseID: enterpriseID, Kind: KindHTE, Year: year, Number: c.String(), ValidFrom: issued,
		ValidTo: issued.AddDays(-1).AddYears(3), Note: "高企认定"}
	return s.insertStatus(ctx, tx, u, &st, "高新技术企业认定")
}

func (s *Service) insertStatus(ctx context.Context, tx *db.Tx, u *auth.User, st *Status, reason string) error {
	e, err := get(ctx, tx, u, st.EnterpriseID)
	if err != nil {
		return err
	}
	st.CreatedAt = tx.Now
	if err := tx.QueryRowContext(ctx, `INSERT INTO enterprise_statuses (enterprise_id, kind, year, number, valid_from, valid_to, note, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, e.ID, st.Kind, st.Year, st.Number, st.ValidFrom, st.ValidTo, st.Note, tx.Now, u.ID).Scan(&st.ID); err != nil {
		return db.Normalize(err)
	}
	_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "enterprise.status", ObjectType: "enterprise", ObjectID: strconv.FormatInt(e.ID, 10),
		RegionCode: e.RegionCode, After: audit.JSON(st), Reason: reason})
	return err
}
