package review

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// IsStaff is the default staff check: auth.PermReviewManage (the director
// and staff). Experts need no permission of their own: a user acts as an
// expert on the panels where the expert record linked to their account
// (experts.user_id) sits as a member, and changes (declarations, declining,
// scores) also need auth.PermWrite, which the expert role has.
func IsStaff(u *auth.User) bool { return u.Can(auth.PermReviewManage) }

// Service keeps the expert registry, panels, scores and rankings. Every
// read goes through the caller's data scope (staff: experts by the registry
// region, panels and rankings by the region of the bureau that drew or made
// them; experts: their own assignments only), and every change runs in one
// transaction with its audit event.
type Service struct {
	DB    *db.DB
	Audit *audit.Log
	// Staff reports whether u is review staff; nil means IsStaff.
	Staff func(u *auth.User) bool
	// Seed returns the seed of a new draw; nil means 8 bytes from
	// crypto/rand. Tests set it to replay known draws.
	Seed func() (uint64, error)
}

func (s *Service) isStaff(u *auth.User) bool {
	if u == nil || u.Disabled {
		return false
	}
	if s.Staff != nil {
		return s.Staff(u)
	}
	return IsStaff(u)
}

func (s *Service) seed() (uint64, error) {
	if s.Seed != nil {
		return s.Seed()
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, i18n.Wrap(err, "review: seed")
	}
	return binary.LittleEndian.Uint64(b[:]), nil
}

// today is the current date in China by the database's clock.
func (s *Service) today() calendar.Date { return calendar.FromTime(s.DB.Now(), calendar.Shanghai) }

var (
	notFound  = i18n.E(i18n.NotFound, "error.not_found")
	forbidden = i18n.E(i18n.Forbidden, "error.forbidden")
)

// mayRead refuses users who are not review staff with a data scope.
func (s *Service) mayRead(u *auth.User) error {
	if !s.isStaff(u) || len(u.Scope().Regions) == 0 {
		return forbidden
	}
	return nil
}

// mayManage refuses users who may not change review data as staff.
func (s *Service) mayManage(u *auth.User) error {
	if err := s.mayRead(u); err != nil {
		return err
	}
	if !u.Can(auth.PermWrite) || u.Scope().ReadOnly {
		return forbidden
	}
	return nil
}

// where collects the conditions and arguments of a query; "?" in a
// condition becomes the next numbered placeholder.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, vs ...any) {
	for _, v := range vs {
		w.args = append(w.args, v)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

func (w *where) scope(u *auth.User, col string) {
	w.conds = append(w.conds, u.Scope().Where(auth.Columns{Region: col}, &w.args))
}

func (w *where) String() string { return strings.Join(w.conds, " AND ") }

func placeholders(from, n int) string {
	ph := make([]string, n)
	for i := range ph {
		ph[i] = "$" + strconv.Itoa(from+i)
	}
	return strings.Join(ph, ", ")
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func timeOf(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

func clean(s string) string { return strings.TrimSpace(norm.NFKC.String(s)) }

func tooLong(p *i18n.Problems, field, s string, n int) {
	if utf8.RuneCountInString(s) > n {
		p.Add(field, "error.too_long", n)
	}
}

func maskPhone(p string) string {
	if len(p) < 7 {
		return p
	}
	return p[:3] + strings.Repeat("*", len(p)-7) + p[len(p)-4:]
}

// --- The registry ---

// ExpertRecord is an expert as the registry keeps them.
type ExpertRecord struct {
	Expert
	// UserID links the expert's login account (role expert), 0 if none.
	UserID int64 `json:"user_id,omitempty"`
	// RegistryRegion is the district whose registry holds the expert; it
	// decides which staff see the record.
	RegistryRegion string    `json:"registry_region"`
	Phone          string    `json:"phone"`
	Email          string    `json:"email,omitempty"`
	CreditNote     string    `json:"credit_note,omitempty"`
	Note           string    `json:"note,omitempty"`
	Version        int       `json:"version"`
	CreatedBy      int64     `json:"created_by,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// RowVersion is the version of the expert's row (see db.Update).
func (e *ExpertRecord) RowVersion() int { return e.Version }

// ExpertInput is what staff fill in for an expert.
type ExpertInput struct {
	UserID     int64    `json:"user_id"`
	Name       string   `json:"name"`
	Title      string   `json:"title"`
	Employer   string   `json:"employer"`
	RegionCode string   `json:"region_code"`
	Fields     []string `json:"fields"`
	Phone      string   `json:"phone"`
	Email      string   `json:"email"`
	Available  bool     `json:"available"`
	Credit     string   `json:"credit"` // "" means good
	// CreditNote says why an expert is warned or banned; required then.
	CreditNote string `json:"credit_note"`
	MaxLoad    int    `json:"max_load"`
	Note       string `json:"note"`
}

var (
	phoneRE  = regexp.MustCompile(`^[0-9+][0-9 -]{4,19}$`)
	regionRE = regexp.MustCompile(`^([0-9]{6}|[0-9]{9}|[0-9]{12})$`)
)

// checkExpert returns in cleaned and its problems.
func checkExpert(in ExpertInput) (ExpertInput, i18n.Problems) {
	var p i18n.Problems
	in.Name, in.Title, in.Employer = clean(in.Name), clean(in.Title), clean(in.Employer)
	in.RegionCode, in.Phone, in.Email = clean(in.RegionCode), clean(in.Phone), clean(in.Email)
	in.Credit, in.CreditNote, in.Note = clean(in.Credit), strings.TrimSpace(in.CreditNote), strings.TrimSpace(in.Note)
	if in.Name == "" {
		p.Add("expert_name", "error.required")
	}
	tooLong(&p, "expert_name", in.Name, 50)
	tooLong(&p, "expert_title", in.Title, 50)
	if in.Employer == "" {
		p.Add("expert_employer", "error.required")
	}
	tooLong(&p, "expert_employer", in.Employer, 100)
	if in.RegionCode != "" && !regionRE.MatchString(in.RegionCode) {
		p.Add("region_code", "review.expert.region")
	}
	var fields []string
	for _, f := range in.Fields {
		if f = clean(f); f != "" && !slices.Contains(fields, f) {
			fields = append(fields, f)
			tooLong(&p, "expert_fields", f, 50)
		}
	}
	in.Fields = fields
	switch {
	case len(fields) == 0:
		p.Add("expert_fields", "error.required")
	case len(fields) > 20:
		p.Add("expert_fields", "review.expert.fields_many", 20)
	}
	if in.Phone != "" && !phoneRE.MatchString(in.Phone) {
		p.Add("phone", "review.expert.phone")
	}
	if in.Email != "" && (!strings.Contains(in.Email, "@") || utf8.RuneCountInString(in.Email) > 100) {
		p.Add("email", "review.expert.email")
	}
	if in.Credit == "" {
		in.Credit = CreditGood
	}
	switch {
	case !slices.Contains(Credits, in.Credit):
		p.Add("expert_credit", "error.invalid_value")
	case in.Credit != CreditGood && in.CreditNote == "":
		p.Add("expert_credit_note", "review.expert.credit_note")
	}
	tooLong(&p, "expert_credit_note", in.CreditNote, 500)
	if in.MaxLoad < 0 || in.MaxLoad > 100 {
		p.Add("expert_max_load", "review.expert.max_load", 100)
	}
	tooLong(&p, "note", in.Note, 1000)
	return in, p
}

const expertColumns = `e.id, e.name, e.title, e.employer, e.region_code, e.available, e.credit, e.max_load,
	COALESCE(e.user_id, 0), e.registry_region, e.phone, e.email, e.credit_note, e.note, e.version, COALESCE(e.created_by, 0),
	e.created_at, e.updated_at`

func scanExpert(sc interface{ Scan(...any) error }, extra ...any) (*ExpertRecord, error) {
	e := &ExpertRecord{}
	err := sc.Scan(append([]any{&e.ID, &e.Name, &e.Title, &e.Employer, &e.RegionCode, &e.Available, &e.Credit, &e.MaxLoad,
		&e.UserID, &e.RegistryRegion, &e.Phone, &e.Email, &e.CreditNote, &e.Note, &e.Version, &e.CreatedBy,
		&e.CreatedAt, &e.UpdatedAt}, extra...)...)
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	return e, err
}

// expertAudit is what the audit log keeps of an expert: the phone masked.
func expertAudit(e *ExpertRecord) map[string]any {
	return map[string]any{"name": e.Name, "title": e.Title, "employer": e.Employer, "region_code": e.RegionCode,
		"fields": e.Fields, "available": e.Available, "credit": e.Credit, "credit_note": e.CreditNote, "max_load": e.MaxLoad,
		"user_id": e.UserID, "phone": maskPhone(e.Phone), "registry_region": e.RegistryRegion}
}

// loadFields fills in the fields of experts, sorted, with one query.
func loadFields(ctx context.Context, q db.Querier, es []*ExpertRecord) error {
	if len(es) == 0 {
		return nil
	}
	byID := make(map[int64]*ExpertRecord, len(es))
	args := make([]any, len(es))
	for i, e := range es {
		byID[e.ID], args[i] = e, e.ID
	}
	rows, err := q.QueryContext(ctx, `SELECT expert_id, field FROM expert_fields WHERE expert_id IN (`+placeholders(1, len(es))+`) ORDER BY expert_id, field`, args...)
	if err != nil {
		return db.Normalize(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var f string
		if err := rows.Scan(&id, &f); err != nil {
			return db.Normalize(err)
		}
		byID[id].Fields = append(byID[id].Fields, f)
	}
	return db.Normalize(rows.Err())
}

// loads returns the load of experts in the year of on: the panels drawn
// that year on which they are an invited or accepted member. cond limits
// the experts by m.expert_id, its placeholders numbered from $3.
func loads(ctx context.Context, q db.Querier, on calendar.Date, cond string, args ...any) (map[int64]int, error) {
	from := calendar.Date{Year: on.Year, Month: time.January, Day: 1}
	rows, err := q.QueryContext(ctx, `SELECT m.expert_id, COUNT(*) FROM panels p JOIN panel_members m ON m.panel_id = p.id
		WHERE p.draw_on >= $1 AND p.draw_on < $2 AND m.role = 'member' AND m.status IN ('invited', 'accepted')
		AND `+cond+` GROUP BY m.expert_id`, append([]any{from, from.AddYears(1)}, args...)...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, db.Normalize(err)
		}
		out[id] = n
	}
	return out, db.Normalize(rows.Err())
}

func (s *Service) finishExperts(ctx context.Context, q db.Querier, es []*ExpertRecord) error {
	if err := loadFields(ctx, q, es); err != nil {
		return err
	}
	if len(es) == 0 {
		return nil
	}
	ids := make([]any, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	ls, err := loads(ctx, q, s.today(), `m.expert_id IN (`+placeholders(3, len(es))+`)`, ids...)
	if err != nil {
		return err
	}
	for _, e := range es {
		e.Load = ls[e.ID]
	}
	return nil
}

func (s *Service) getExpert(ctx context.Context, q db.Querier, u *auth.User, id int64) (*ExpertRecord, error) {
	w := &where{}
	w.add("e.id = ?", id)
	w.scope(u, "e.registry_region")
	e, err := scanExpert(q.QueryRowContext(ctx, `SELECT `+expertColumns+` FROM experts e WHERE `+w.String(), w.args...))
	if db.IsNoRows(err) {
		return nil, notFound
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	return e, s.finishExperts(ctx, q, []*ExpertRecord{e})
}

// Expert returns one expert of the registry, with their fields and this
// year's load; staff only, within their scope.
func (s *Service) Expert(ctx context.Context, u *auth.User, id int64) (*ExpertRecord, error) {
	if err := s.mayRead(u); err != nil {
		return nil, err
	}
	return s.getExpert(ctx, s.DB, u, id)
}

// ExpertFilter selects experts for a list.
type ExpertFilter struct {
	Field string // one field of expertise, exactly
	Query string // name or employer, a substring
	// Drawable keeps only available experts who are not banned.
	Drawable bool
	Limit    int // 50 by default, 1000 at most
	Offset   int
}

// Experts returns the experts in u's scope that match f, by name, and their
// total.
func (s *Service) Experts(ctx context.Context, u *auth.User, f ExpertFilter) ([]*ExpertRecord, int, error) {
	if err := s.mayRead(u); err != nil {
		return nil, 0, err
	}
	w := &where{}
	w.scope(u, "e.registry_region")
	if f := clean(f.Field); f != "" {
		w.add("e.id IN (SELECT expert_id FROM expert_fields WHERE field = ?)", f)
	}
	if t := clean(f.Query); t != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(t) + "%"
		w.add(`(e.name LIKE ? ESCAPE '\' OR e.employer LIKE ? ESCAPE '\')`, like, like)
	}
	if f.Drawable {
		w.add("e.available AND e.credit <> ?", CreditBanned)
	}
	lim := f.Limit
	if lim <= 0 || lim > 1000 {
		lim = 50
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+expertColumns+`, COUNT(*) OVER () FROM experts e WHERE `+w.String()+
		fmt.Sprintf(` ORDER BY e.name, e.id LIMIT %d OFFSET %d`, lim, max(f.Offset, 0)), w.args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	var out []*ExpertRecord
	total := 0
	for rows.Next() {
		e, err := scanExpert(rows, &total)
		if err != nil {
			rows.Close()
			return nil, 0, db.Normalize(err)
		}
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, db.Normalize(err)
	}
	return out, total, s.finishExperts(ctx, s.DB, out)
}

// checkUser refuses a linked account that does not exist or is not an
// expert's.
func checkUser(ctx context.Context, tx *db.Tx, userID int64) error {
	if userID == 0 {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_roles WHERE user_id = $1 AND role = $2`, userID, string(auth.Expert)).Scan(&n); err != nil {
		return db.Normalize(err)
	}
	if n == 0 {
		return i18n.FieldError("expert_user", "review.expert.user")
	}
	return nil
}

func saveFields(ctx context.Context, tx *db.Tx, e *ExpertRecord) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM expert_fields WHERE expert_id = $1`, e.ID); err != nil {
		return db.Normalize(err)
	}
	for _, f := range e.Fields {
		if _, err := tx.ExecContext(ctx, `INSERT INTO expert_fields (expert_id, field) VALUES ($1, $2)`, e.ID, f); err != nil {
			return db.Normalize(err)
		}
	}
	return nil
}

// userTaken turns the unique violation on experts.user_id into a field error.
func userTaken(err error) error {
	if db.IsUnique(err) {
		return i18n.FieldError("expert_user", "review.expert.user_taken")
	}
	return db.Normalize(err)
}

// CreateExpert adds an expert to the registry of u's district.
func (s *Service) CreateExpert(ctx context.Context, u *auth.User, in ExpertInput) (*ExpertRecord, error) {
	if err := s.mayManage(u); err != nil {
		return nil, err
	}
	in, p := checkExpert(in)
	if err := p.Err(); err != nil {
		return nil, err
	}
	var e *ExpertRecord
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := checkUser(ctx, tx, in.UserID); err != nil {
			return err
		}
		e = &ExpertRecord{Expert: Expert{Name: in.Name, Title: in.Title, Employer: in.Employer, RegionCode: in.RegionCode,
			Fields: slices.Sorted(slices.Values(in.Fields)), Available: in.Available, Credit: in.Credit, MaxLoad: in.MaxLoad},
			UserID: in.UserID, RegistryRegion: u.RegionCode, Phone: in.Phone, Email: in.Email, CreditNote: in.CreditNote, Note: in.Note,
			Version: 1, CreatedBy: u.ID, CreatedAt: tx.Now, UpdatedAt: tx.Now}
		if err := tx.QueryRowContext(ctx, `INSERT INTO experts (user_id, registry_region, name, title, employer, region_code, phone, email,
			available, credit, credit_note, max_load, note, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id`,
			nullID(e.UserID), e.RegistryRegion, e.Name, e.Title, e.Employer, e.RegionCode, e.Phone, e.Email, e.Available, e.Credit,
			e.CreditNote, e.MaxLoad, e.Note, u.ID, tx.Now).Scan(&e.ID); err != nil {
			return userTaken(err)
		}
		if err := saveFields(ctx, tx, e); err != nil {
			return err
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "review.expert.create", ObjectType: "expert", ObjectID: strconv.FormatInt(e.ID, 10),
			RegionCode: e.RegistryRegion, After: audit.JSON(expertAudit(e))})
		return err
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// UpdateExpert changes an expert. version is the version the editor saw;
// a change saved in between makes this one a conflict.
func (s *Service) UpdateExpert(ctx context.Context, u *auth.User, id int64, version int, in ExpertInput, reason string) (*ExpertRecord, error) {
	if err := s.mayManage(u); err != nil {
		return nil, err
	}
	in, p := checkExpert(in)
	if err := p.Err(); err != nil {
		return nil, err
	}
	load := func(tx *db.Tx) (*ExpertRecord, error) { return s.getExpert(ctx, tx, u, id) }
	return db.Update(ctx, s.DB, version, "review.stale", load, func(tx *db.Tx, before *ExpertRecord) (*ExpertRecord, sql.Result, error) {
		if err := checkUser(ctx, tx, in.UserID); err != nil {
			return nil, nil, err
		}
		after := *before
		after.Name, after.Title, after.Employer, after.RegionCode = in.Name, in.Title, in.Employer, in.RegionCode
		after.Fields, after.Available, after.Credit, after.MaxLoad = slices.Sorted(slices.Values(in.Fields)), in.Available, in.Credit, in.MaxLoad
		after.UserID, after.Phone, after.Email, after.CreditNote, after.Note = in.UserID, in.Phone, in.Email, in.CreditNote, in.Note
		after.Version, after.UpdatedAt = before.Version+1, tx.Now
		res, err := tx.ExecContext(ctx, `UPDATE experts SET user_id = $1, name = $2, title = $3, employer = $4, region_code = $5, phone = $6,
			email = $7, available = $8, credit = $9, credit_note = $10, max_load = $11, note = $12, version = version + 1, updated_at = $13
			WHERE id = $14 AND version = $15`,
			nullID(after.UserID), after.Name, after.Title, after.Employer, after.RegionCode, after.Phone, after.Email, after.Available,
			after.Credit, after.CreditNote, after.MaxLoad, after.Note, tx.Now, id, version)
		if err != nil {
			return nil, nil, userTaken(err)
		}
		return &after, res, nil
	}, func(tx *db.Tx, before, after *ExpertRecord) error {
		if err := saveFields(ctx, tx, after); err != nil {
			return err
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "review.expert.update", ObjectType: "expert", ObjectID: strconv.FormatInt(id, 10),
			RegionCode: after.RegistryRegion, Before: audit.JSON(expertAudit(before)), After: audit.JSON(expertAudit(after)), Reason: strings.TrimSpace(reason)})
		return err
	})
}

// DeleteExpert removes an expert who never sat on a panel, with their
// fields, relations and dismissals; one who did is kept for the record
// (make them unavailable instead), which is a conflict.
func (s *Service) DeleteExpert(ctx context.Context, u *auth.User, id int64, reason string) error {
	if err := s.mayManage(u); err != nil {
		return err
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		return i18n.FieldError("reason", "error.required")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.getExpert(ctx, tx, u, id)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM panel_members WHERE expert_id = $1`, id).Scan(&n); err != nil {
			return db.Normalize(err)
		}
		if n > 0 {
			return i18n.E(i18n.Conflict, "review.expert.on_panel", n)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM experts WHERE id = $1`, id); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "review.expert.delete", ObjectType: "expert", ObjectID: strconv.FormatInt(id, 10),
			RegionCode: before.RegistryRegion, Before: audit.JSON(expertAudit(before)), Reason: reason})
		return err
	})
}

// --- Relations ---

func checkRelation(r Relation) (Relation, i18n.Problems) {
	var p i18n.Problems
	r.Kind, r.Party, r.Note = strings.TrimSpace(r.Kind), clean(r.Party), strings.TrimSpace(r.Note)
	if !slices.Contains(Kinds, r.Kind) {
		p.Add("relation_kind", "error.invalid_value")
	}
	if r.Party == "" {
		p.Add("relation_party", "error.required")
	}
	tooLong(&p, "relation_party", r.Party, 100)
	if !r.Since.IsZero() && !r.Until.IsZero() && r.Until.Before(r.Since) {
		p.Add("relation_until", "review.relation.until")
	}
	tooLong(&p, "note", r.Note, 500)
	return r, p
}

// AddRelation records a relation of an expert with another party (see
// Relation for when it counts).
func (s *Service) AddRelation(ctx context.Context, u *auth.User, r Relation) (Relation, error) {
	if err := s.mayManage(u); err != nil {
		return r, err
	}
	r, p := checkRelation(r)
	if err := p.Err(); err != nil {
		return r, err
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		e, err := s.getExpert(ctx, tx, u, r.ExpertID)
		if err != nil {
			return err
		}
		if err := insertRelation(ctx, tx, &r, u.ID); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "review.relation.add", ObjectType: "expert", ObjectID: strconv.FormatInt(e.ID, 10),
			RegionCode: e.RegistryRegion, After: audit.JSON(r)})
		return err
	})
	return r, err
}

func insertRelation(ctx context.Context, tx *db.Tx, r *Relation, by int64) error {
	return db.Normalize(tx.QueryRowContext(ctx, `INSERT INTO expert_relations (expert_id, kind, party, since, until, note, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, r.ExpertID, r.Kind, r.Party, r.Since, r.Until, r.Note, nullID(by), tx.Now).Scan(&r.ID))
}

// DeleteRelation removes a relation recorded in error.
func (s *Service) DeleteRelation(ctx context.Context, u *auth.User, id int64, reason string) error {
	if err := s.mayManage(u); err != nil {
		return err
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		return i18n.FieldError("reason", "error.required")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var r Relation
		err := tx.QueryRowContext(ctx, `SELECT id, expert_id, kind, party, since, until, note FROM expert_relations WHERE id = $1`, id).
			Scan(&r.ID, &r.ExpertID, &r.Kind, &r.Party, &r.Since, &r.Until, &r.Note)
		if db.IsNoRows(err) {
			return notFound
		}
		if err != nil {
			return db.Normalize(err)
		}
		e, err := s.getExpert(ctx, tx, u, r.ExpertID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM expert_relations WHERE id = $1`, id); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "review.relation.delete", ObjectType: "expert", ObjectID: strconv.FormatInt(e.ID, 10),
			RegionCode: e.RegistryRegion, Before: audit.JSON(r), Reason: reason})
		return err
	})
}

// Relations returns the relations of an expert in u's scope.
func (s *Service) Relations(ctx context.Context, u *auth.User, expertID int64) ([]Relation, error) {
	if err := s.mayRead(u); err != nil {
		return nil, err
	}
	if _, err := s.getExpert(ctx, s.DB, u, expertID); err != nil {
		return nil, err
	}
	return relationsWhere(ctx, s.DB, `expert_id = $1`, expertID)
}

func relationsWhere(ctx context.Context, q db.Querier, cond string, args ...any) ([]Relation, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, expert_id, kind, party, since, until, note FROM expert_relations WHERE `+cond+` ORDER BY expert_id, id`, args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (Relation, error) {
		var r Relation
		err := sc.Scan(&r.ID, &r.ExpertID, &r.Kind, &r.Party, &r.Since, &r.Until, &r.Note)
		return r, err
	})
}

// --- Dismissals ---

// Dismissal is a staff decision that one conflict of an expert with an
// applicant is a false positive (e.g. two companies of the same group
// whose names normalise alike), with its reason.
type Dismissal struct {
	ID            int64     `json:"id,omitempty"`
	ExpertID      int64     `json:"expert_id"`
	ApplicantKey  string    `json:"applicant_key"`
	Kind          string    `json:"kind"`
	Party         string    `json:"party"` // Conflict.Party
	Reason        string    `json:"reason"`
	DismissedBy   int64     `json:"dismissed_by,omitempty"`
	DismissedName string    `json:"dismissed_name,omitempty"`
	DismissedAt   time.Time `json:"dismissed_at,omitzero"`
}

// Key returns the key Draw looks the dismissal up by.
func (d Dismissal) Key() DismissKey {
	return DismissKey{ExpertID: d.ExpertID, ApplicantKey: d.ApplicantKey, Kind: d.Kind, Party: d.Party}
}

// Dismiss records that a conflict of an expert with an applicant does not
// count; the reason is required. Party is the conflict's Party (a name is
// normalised, so the name as written also does). Dismissing the same conflict twice is a
// conflict.
func (s *Service) Dismiss(ctx context.Context, u *auth.User, d Dismissal) (Dismissal, error) {
	if err := s.mayManage(u); err != nil {
		return d, err
	}
	var p i18n.Problems
	d.ApplicantKey, d.Kind, d.Party, d.Reason = strings.TrimSpace(d.ApplicantKey), strings.TrimSpace(d.Kind), strings.TrimSpace(d.Party), strings.TrimSpace(d.Reason)
	if d.ApplicantKey == "" {
		p.Add("applicant", "error.required")
	}
	if !slices.Contains(Kinds, d.Kind) {
		p.Add("relation_kind", "error.invalid_value")
	}
	if d.Party != d.ApplicantKey {
		d.Party = NormalizeName(d.Party) // as Conflict.Party has it
	}
	if d.Party == "" {
		p.Add("relation_party", "error.required")
	}
	if d.Reason == "" {
		p.Add("reason", "error.required")
	}
	tooLong(&p, "reason", d.Reason, 500)
	if err := p.Err(); err != nil {
		return d, err
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		e, err := s.getExpert(ctx, tx, u, d.ExpertID)
		if err != nil {
			return err
		}
		d.DismissedBy, d.DismissedName, d.DismissedAt = u.ID, u.DisplayName, tx.Now
		if err := tx.QueryRowContext(ctx, `INSERT INTO conflict_dismissals (expert_id, applicant_key, kind, party, reason, dismissed_by, dismissed_name, dismissed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, d.ExpertID, d.ApplicantKey, d.Kind, d.Party, d.Reason, u.ID, u.DisplayName, tx.Now).Scan(&d.ID); err != nil {
			if db.IsUnique(err) {
				return i18n.E(i18n.Conflict, "review.dismissal.exists")
			}
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "review.conflict.dismiss", ObjectType: "expert", ObjectID: strconv.FormatInt(e.ID, 10),
			RegionCode: e.RegistryRegion, After: audit.JSON(d), Reason: d.Reason})
		return err
	})
	return d, err
}

// Dismissals returns the dismissed conflicts with one applicant, of
// experts in u's scope.
func (s *Service) Dismissals(ctx context.Context, u *auth.User, applicantKey string) ([]Dismissal, error) {
	if err := s.mayRead(u); err != nil {
		return nil, err
	}
	w := &where{}
	w.add("d.applicant_key = ?", strings.TrimSpace(applicantKey))
	w.scope(u, "e.registry_region")
	return dismissalsWhere(ctx, s.DB, w)
}

// DismissalsOf returns the dismissed conflicts of one expert in u's scope,
// with any applicant, for the expert's page.
func (s *Service) DismissalsOf(ctx context.Context, u *auth.User, expertID int64) ([]Dismissal, error) {
	if err := s.mayRead(u); err != nil {
		return nil, err
	}
	w := &where{}
	w.add("d.expert_id = ?", expertID)
	w.scope(u, "e.registry_region")
	return dismissalsWhere(ctx, s.DB, w)
}

func dismissalsWhere(ctx context.Context, q db.Querier, w *where) ([]Dismissal, error) {
	rows, err := q.QueryContext(ctx, `SELECT d.id, d.expert_id, d.applicant_key, d.kind, d.party, d.reason, COALESCE(d.dismissed_by, 0),
		d.dismissed_name, d.dismissed_at FROM conflict_dismissals d JOIN experts e ON e.id = d.expert_id WHERE `+w.String()+` ORDER BY d.id`, w.args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []Dismissal
	for rows.Next() {
		var d Dismissal
		if err := rows.Scan(&d.ID, &d.ExpertID, &d.ApplicantKey, &d.Kind, &d.Party, &d.Reason, &d.DismissedBy, &d.DismissedName, &d.DismissedAt); err != nil {
			return nil, db.Normalize(err)
		}
		d.DismissedAt = d.DismissedAt.UTC()
		out = append(out, d)
	}
	return out, db.Normalize(rows.Err())
}
