package review

import (
	"context"
	"database/sql"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// The roles and statuses of a panel's members. A drawn member starts
// invited and becomes accepted by signing the declaration with no conflict,
// declined by refusing, or replaced by declaring a conflict. A drawn
// alternate waits on standby until a member drops out; the first one (in
// draw order) then becomes an invited member.
const (
	RoleMember    = "member"
	RoleAlternate = "alternate"

	StatusStandby  = "standby"
	StatusInvited  = "invited"
	StatusAccepted = "accepted"
	StatusDeclined = "declined"
	StatusReplaced = "replaced"
)

// Member is one expert drawn for a panel.
type Member struct {
	ExpertID int64  `json:"expert_id"`
	Name     string `json:"name"`
	Title    string `json:"title,omitempty"`
	Employer string `json:"employer,omitempty"`
	// Seq is the place in the draw, from 1; DrawnAs is the role drawn.
	Seq        int    `json:"seq"`
	DrawnAs    string `json:"drawn_as"`
	Role       string `json:"role"`
	Status     string `json:"status"`
	Replaces   int64  `json:"replaces,omitempty"`    // the member this alternate stepped in for
	ReplacedBy int64  `json:"replaced_by,omitempty"` // the alternate who stepped in for this member
	Reason     string `json:"reason,omitempty"`      // why they declined, or the conflict they declared
	// SignedAt is when the expert signed the declaration, and
	// DeclaredNoConflict what they declared.
	SignedAt           time.Time `json:"signed_at,omitzero"`
	DeclaredNoConflict bool      `json:"declared_no_conflict"`
	DeclarationNote    string    `json:"declaration_note,omitempty"`
	RespondedAt        time.Time `json:"responded_at,omitzero"`
	ScoreComment       string    `json:"score_comment,omitempty"`
	ScoredAt           time.Time `json:"scored_at,omitzero"`
}

// Active reports whether m currently holds a seat.
func (m Member) Active() bool {
	return m.Role == RoleMember && (m.Status == StatusInvited || m.Status == StatusAccepted)
}

// PanelRecord is a stored panel: the draw record (Panel) and what became
// of it.
type PanelRecord struct {
	ID         int64  `json:"id"`
	ObjectType string `json:"object_type"`
	ObjectID   int64  `json:"object_id"`
	RegionCode string `json:"region_code"`
	// Applicant is the party under review as it was given to the draw.
	Applicant Applicant `json:"applicant"`
	// Panel is the draw as made; an expert reading their assignment gets
	// it empty.
	Panel
	// Seats is the number of members drawn.
	Seats  int      `json:"seats"`
	Rubric Rubric   `json:"rubric"`
	Roster []Member `json:"roster"`
	// Short is how many seats are empty because members dropped out and
	// no alternate was left; a short panel cannot be closed.
	Short     int       `json:"short"`
	DrawnBy   int64     `json:"drawn_by,omitempty"`
	DrawnName string    `json:"drawn_name,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	ClosedAt  time.Time `json:"closed_at,omitzero"`
	ClosedBy  int64     `json:"closed_by,omitempty"`
	// Result is the aggregate, set when the panel is closed.
	Result  *Result `json:"result,omitempty"`
	Version int     `json:"version"`
}

// Closed reports whether the panel is closed.
func (p *PanelRecord) Closed() bool { return !p.ClosedAt.IsZero() }

// member returns the roster row of an expert, or nil.
func (p *PanelRecord) member(expertID int64) *Member {
	for i := range p.Roster {
		if p.Roster[i].ExpertID == expertID {
			return &p.Roster[i]
		}
	}
	return nil
}

var objectTypeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Assigned returns the condition for auth.Columns.Assigned that keeps the
// rows whose idColumn is the id of an object of objectType on whose panel
// the expert (the "?", the expert's user id) has signed the declaration
// with no conflict and holds an accepted seat: what an expert may see of an
// application, and only then. objectType must be a constant of the caller
// ([a-z][a-z0-9_]*); anything else panics.
func Assigned(objectType, idColumn string) string {
	if !objectTypeRE.MatchString(objectType) {
		panic("review: bad object type " + strconv.Quote(objectType))
	}
	return idColumn + ` IN (SELECT ap.object_id FROM panels ap JOIN panel_members am ON am.panel_id = ap.id
		JOIN experts ae ON ae.id = am.expert_id WHERE ap.object_type = '` + objectType + `' AND am.role = 'member'
		AND am.status = 'accepted' AND am.signed_at IS NOT NULL AND am.declared_no_conflict AND ae.user_id = ?)`
}

// MaySee reports whether u may see the object under review: staff who
// drew its panel in their scope, or an expert with an accepted, declared
// seat on it (see Assigned).
func (s *Service) MaySee(ctx context.Context, u *auth.User, objectType string, objectID int64) (bool, error) {
	if !objectTypeRE.MatchString(objectType) {
		return false, nil
	}
	if s.mayRead(u) == nil {
		w := &where{}
		w.add("p.object_type = ? AND p.object_id = ?", objectType, objectID)
		w.scope(u, "p.region_code")
		var n int
		if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM panels p WHERE `+w.String(), w.args...).Scan(&n); err != nil {
			return false, db.Normalize(err)
		}
		return n > 0, nil
	}
	if u == nil || u.Disabled {
		return false, nil
	}
	var n int
	err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM panels p JOIN panel_members m ON m.panel_id = p.id JOIN experts e ON e.id = m.expert_id
		WHERE p.object_type = $1 AND p.object_id = $2 AND m.role = 'member' AND m.status = 'accepted' AND m.signed_at IS NOT NULL
		AND m.declared_no_conflict AND e.user_id = $3`, objectType, objectID, u.ID).Scan(&n)
	return n > 0, db.Normalize(err)
}

// --- The draw ---

func cleanApplicant(a Applicant) Applicant {
	a.Key, a.Name, a.Field = strings.TrimSpace(a.Key), clean(a.Name), clean(a.Field)
	trim := func(list []string) []string {
		var out []string
		for _, x := range list {
			if x = clean(x); x != "" && !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
		return out
	}
	a.Employers, a.Collaborators = trim(a.Employers), trim(a.Collaborators)
	return a
}

// candidates loads, for a draw in u's scope, the experts of the field with
// their load in the year of on, their relations, and the dismissals for
// the applicant.
func candidates(ctx context.Context, q db.Querier, u *auth.User, field, applicantKey string, on calendar.Date) ([]Expert, []Relation, map[DismissKey]bool, error) {
	w := &where{}
	w.add("f.field = ?", field)
	w.scope(u, "e.registry_region")
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.name, e.title, e.employer, e.region_code, e.available, e.credit, e.max_load
		FROM expert_fields f JOIN experts e ON e.id = f.expert_id WHERE `+w.String(), w.args...)
	if err != nil {
		return nil, nil, nil, db.Normalize(err)
	}
	var pool []Expert
	for rows.Next() {
		e := Expert{Fields: []string{field}} // the other fields do not matter to this draw
		if err := rows.Scan(&e.ID, &e.Name, &e.Title, &e.Employer, &e.RegionCode, &e.Available, &e.Credit, &e.MaxLoad); err != nil {
			rows.Close()
			return nil, nil, nil, db.Normalize(err)
		}
		pool = append(pool, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, nil, db.Normalize(err)
	}
	// Every expert's load this year, not only the field's: one pass over
	// the year's panels joins cheaper than testing each seat's field.
	ls, err := loads(ctx, q, on, `1 = 1`)
	if err != nil {
		return nil, nil, nil, err
	}
	for i := range pool {
		pool[i].Load = ls[pool[i].ID]
	}
	rels, err := relationsWhere(ctx, q, `expert_id IN (SELECT expert_id FROM expert_fields WHERE field = $1)`, field)
	if err != nil {
		return nil, nil, nil, err
	}
	dw := &where{}
	dw.add("d.applicant_key = ?", applicantKey)
	ds, err := dismissalsWhere(ctx, q, dw)
	if err != nil {
		return nil, nil, nil, err
	}
	dismissed := make(map[DismissKey]bool, len(ds))
	for _, d := range ds {
		dismissed[d.Key()] = true
	}
	return pool, rels, dismissed, nil
}

// Eligibility screens the experts of a.Field in u's scope for a today, as
// a draw would (see Screen), without drawing: for staff to see who is
// excluded and why, and to dismiss false positives before a draw.
func (s *Service) Eligibility(ctx context.Context, u *auth.User, a Applicant) (Panel, error) {
	if err := s.mayRead(u); err != nil {
		return Panel{}, err
	}
	a = cleanApplicant(a)
	on := s.today()
	pool, rels, dismissed, err := candidates(ctx, s.DB, u, a.Field, a.Key, on)
	if err != nil {
		return Panel{}, err
	}
	return Screen(pool, a, rels, dismissed, on)
}

// DrawFor draws the panel that reviews an object (objectType, objectID) —
// n members and `alternates` alternates from the experts of field (which
// replaces a.Field when not empty) in u's scope — and stores it with its
// seed, algorithm, pool and exclusions, the members invited and the
// alternates on standby. The seed comes from Service.Seed (crypto/rand by
// default). An object has one panel: drawing again is a conflict, so a
// draw cannot be repeated until it suits someone. A pool smaller than
// MinPoolFactor × n is an Invalid error (ErrPoolTooSmall) and nothing is
// stored.
func (s *Service) DrawFor(ctx context.Context, u *auth.User, objectType string, objectID int64, a Applicant, field string, n, alternates int) (*PanelRecord, error) {
	if err := s.mayManage(u); err != nil {
		return nil, err
	}
	if !objectTypeRE.MatchString(objectType) || objectID <= 0 {
		return nil, i18n.E(i18n.Invalid, "review.panel.object")
	}
	a = cleanApplicant(a)
	if f := clean(field); f != "" {
		a.Field = f
	}
	seed, err := s.seed()
	if err != nil {
		return nil, err
	}
	var rec *PanelRecord
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var n0 int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM panels WHERE object_type = $1 AND object_id = $2`, objectType, objectID).Scan(&n0); err != nil {
			return db.Normalize(err)
		}
		if n0 > 0 {
			return i18n.E(i18n.Conflict, "review.panel.exists")
		}
		on := calendar.FromTime(tx.Now, calendar.Shanghai)
		pool, rels, dismissed, err := candidates(ctx, tx, u, a.Field, a.Key, on)
		if err != nil {
			return err
		}
		p, err := Draw(seed, Algorithm, pool, a, rels, dismissed, n, alternates, on)
		if err != nil {
			return err
		}
		names := make(map[int64]Expert, len(pool))
		for _, e := range pool {
			names[e.ID] = e
		}
		rec = &PanelRecord{ObjectType: objectType, ObjectID: objectID, RegionCode: u.RegionCode, Applicant: a, Panel: p, Seats: n,
			DrawnBy: u.ID, DrawnName: u.DisplayName, CreatedAt: tx.Now, Version: 1}
		js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
		if err := tx.QueryRowContext(ctx, `INSERT INTO panels (object_type, object_id, region_code, applicant_key, applicant_json, field, draw_on,
			seed, algorithm, size, pool_ids, pool_hash, excluded_json, dismissed_json, drawn_by, drawn_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
			objectType, objectID, rec.RegionCode, p.ApplicantKey, js(a), p.Field, p.On, strconv.FormatUint(p.Seed, 10), p.Algorithm, n,
			js(p.Pool), p.PoolHash, js(p.Excluded), js(p.Dismissed), u.ID, u.DisplayName, tx.Now).Scan(&rec.ID); err != nil {
			if db.IsUnique(err) {
				return i18n.E(i18n.Conflict, "review.panel.exists")
			}
			return db.Normalize(err)
		}
		for i, id := range slices.Concat(p.Members, p.Alternates) {
			m := Member{ExpertID: id, Name: names[id].Name, Title: names[id].Title, Employer: names[id].Employer, Seq: i + 1,
				DrawnAs: RoleMember, Role: RoleMember, Status: StatusInvited}
			if i >= n {
				m.DrawnAs, m.Role, m.Status = RoleAlternate, RoleAlternate, StatusStandby
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO panel_members (panel_id, expert_id, seq, drawn_as, role, status) VALUES ($1, $2, $3, $4, $5, $6)`,
				rec.ID, m.ExpertID, m.Seq, m.DrawnAs, m.Role, m.Status); err != nil {
				return db.Normalize(err)
			}
			rec.Roster = append(rec.Roster, m)
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "review.panel.draw", ObjectType: "panel", ObjectID: strconv.FormatInt(rec.ID, 10),
			RegionCode: rec.RegionCode, After: audit.JSON(map[string]any{
				"object_type": objectType, "object_id": objectID, "applicant_key": p.ApplicantKey, "field": p.Field, "on": p.On,
				"seed": strconv.FormatUint(p.Seed, 10), "algorithm": p.Algorithm, "pool_size": len(p.Pool), "pool_hash": p.PoolHash,
				"members": p.Members, "alternates": p.Alternates, "excluded": len(p.Excluded), "dismissed": len(p.Dismissed)})})
		return err
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// --- Reading panels ---

const panelColumns = `p.id, p.object_type, p.object_id, p.region_code, p.applicant_json, p.field, p.draw_on, p.seed, p.algorithm, p.size,
	p.pool_ids, p.pool_hash, p.excluded_json, p.dismissed_json, p.rubric_json, p.result_json, COALESCE(p.drawn_by, 0), p.drawn_name,
	p.created_at, p.closed_at, COALESCE(p.closed_by, 0), p.version`

func scanPanel(sc interface{ Scan(...any) error }) (*PanelRecord, error) {
	p := &PanelRecord{}
	var applicant, seed, pool, excluded, dismissed, rubric, result string
	var closed sql.NullTime
	if err := sc.Scan(&p.ID, &p.ObjectType, &p.ObjectID, &p.RegionCode, &applicant, &p.Field, &p.On, &seed, &p.Algorithm, &p.Seats,
		&pool, &p.PoolHash, &excluded, &dismissed, &rubric, &result, &p.DrawnBy, &p.DrawnName,
		&p.CreatedAt, &closed, &p.ClosedBy, &p.Version); err != nil {
		return nil, err
	}
	p.CreatedAt, p.ClosedAt = p.CreatedAt.UTC(), timeOf(closed)
	var err error
	if p.Seed, err = strconv.ParseUint(seed, 10, 64); err != nil {
		return nil, i18n.Wrap(err, "review: panel %d seed", p.ID)
	}
	for _, f := range []struct {
		text string
		into any
	}{{applicant, &p.Applicant}, {pool, &p.Pool}, {excluded, &p.Excluded}, {dismissed, &p.Dismissed}, {rubric, &p.Rubric}, {result, &p.Result}} {
		if f.text == "" {
			continue
		}
		if err := json.Unmarshal([]byte(f.text), f.into); err != nil {
			return nil, i18n.Wrap(err, "review: panel %d", p.ID)
		}
	}
	p.ApplicantKey = p.Applicant.Key
	return p, nil
}

// loadRoster fills in the roster, the drawn members and alternates, and
// Short.
func loadRoster(ctx context.Context, q db.Querier, p *PanelRecord) error {
	rows, err := q.QueryContext(ctx, `SELECT m.expert_id, e.name, e.title, e.employer, m.seq, m.drawn_as, m.role, m.status,
		COALESCE(m.replaces, 0), COALESCE(m.replaced_by, 0), m.reason, m.signed_at, m.declared_no_conflict, m.declaration_note,
		m.responded_at, m.score_comment, m.scored_at
		FROM panel_members m JOIN experts e ON e.id = m.expert_id WHERE m.panel_id = $1 ORDER BY m.seq`, p.ID)
	if err != nil {
		return db.Normalize(err)
	}
	defer rows.Close()
	p.Roster, p.Members, p.Alternates = nil, nil, nil
	active := 0
	for rows.Next() {
		var m Member
		var signed, responded, scored sql.NullTime
		if err := rows.Scan(&m.ExpertID, &m.Name, &m.Title, &m.Employer, &m.Seq, &m.DrawnAs, &m.Role, &m.Status, &m.Replaces, &m.ReplacedBy,
			&m.Reason, &signed, &m.DeclaredNoConflict, &m.DeclarationNote, &responded, &m.ScoreComment, &scored); err != nil {
			return db.Normalize(err)
		}
		m.SignedAt, m.RespondedAt, m.ScoredAt = timeOf(signed), timeOf(responded), timeOf(scored)
		if m.DrawnAs == RoleMember {
			p.Members = append(p.Members, m.ExpertID)
		} else {
			p.Alternates = append(p.Alternates, m.ExpertID)
		}
		if m.Active() {
			active++
		}
		p.Roster = append(p.Roster, m)
	}
	p.Short = max(p.Seats-active, 0)
	return db.Normalize(rows.Err())
}

// staffPanel returns a panel in u's scope.
func (s *Service) staffPanel(ctx context.Context, q db.Querier, u *auth.User, id int64) (*PanelRecord, error) {
	w := &where{}
	w.add("p.id = ?", id)
	w.scope(u, "p.region_code")
	return s.panelWhere(ctx, q, w)
}

func (s *Service) panelWhere(ctx context.Context, q db.Querier, w *where) (*PanelRecord, error) {
	p, err := scanPanel(q.QueryRowContext(ctx, `SELECT `+panelColumns+` FROM panels p WHERE `+w.String(), w.args...))
	if db.IsNoRows(err) {
		return nil, notFound
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	return p, loadRoster(ctx, q, p)
}

// expertID returns the id of the expert record linked to u, or NotFound.
func expertID(ctx context.Context, q db.Querier, u *auth.User) (int64, error) {
	if u == nil || u.Disabled || u.ID == 0 {
		return 0, notFound
	}
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM experts WHERE user_id = $1`, u.ID).Scan(&id)
	if db.IsNoRows(err) {
		return 0, notFound
	}
	return id, db.Normalize(err)
}

// expertPanel returns a panel on which u's expert record is a member (any
// status: a declined member still reads that they declined), with that
// member's row; anything else is NotFound.
func (s *Service) expertPanel(ctx context.Context, q db.Querier, u *auth.User, id int64) (*PanelRecord, *Member, error) {
	eid, err := expertID(ctx, q, u)
	if err != nil {
		return nil, nil, err
	}
	w := &where{}
	w.add("p.id = ?", id)
	w.add("p.id IN (SELECT panel_id FROM panel_members WHERE expert_id = ? AND role = 'member')", eid)
	p, err := s.panelWhere(ctx, q, w)
	if err != nil {
		return nil, nil, err
	}
	m := p.member(eid)
	if m == nil {
		return nil, nil, notFound
	}
	return p, m, nil
}

// redact returns what an expert sees of a panel they sit on: the object,
// the applicant, the field, the rubric, their own seat, and the result once
// closed — not the seed, the pool, the exclusions or the other members.
func redact(p *PanelRecord, m *Member) *PanelRecord {
	out := &PanelRecord{ID: p.ID, ObjectType: p.ObjectType, ObjectID: p.ObjectID, RegionCode: p.RegionCode, Applicant: p.Applicant,
		Panel: Panel{Field: p.Field, On: p.On}, Seats: p.Seats, Rubric: p.Rubric, Roster: []Member{*m}, CreatedAt: p.CreatedAt,
		ClosedAt: p.ClosedAt, Version: p.Version}
	if p.Closed() {
		out.Result = p.Result
	}
	return out
}

// Panel returns a panel: all of it to staff in whose scope it was drawn,
// and to an expert who sits on it only their own assignment (see redact).
// Anyone else gets NotFound.
func (s *Service) Panel(ctx context.Context, u *auth.User, id int64) (*PanelRecord, error) {
	if s.mayRead(u) == nil {
		return s.staffPanel(ctx, s.DB, u, id)
	}
	p, m, err := s.expertPanel(ctx, s.DB, u, id)
	if err != nil {
		return nil, err
	}
	return redact(p, m), nil
}

// PanelFor returns the panel of an object, to staff.
func (s *Service) PanelFor(ctx context.Context, u *auth.User, objectType string, objectID int64) (*PanelRecord, error) {
	if err := s.mayRead(u); err != nil {
		return nil, err
	}
	w := &where{}
	w.add("p.object_type = ? AND p.object_id = ?", objectType, objectID)
	w.scope(u, "p.region_code")
	return s.panelWhere(ctx, s.DB, w)
}

// Replay re-runs a stored draw from the stored record alone (see Verify):
// the stored pool must hash to the stored hash, and shuffling it with the
// stored seed by the stored algorithm must give the members and alternates
// in the order they were drawn. Staff only.
func (s *Service) Replay(ctx context.Context, u *auth.User, id int64) (bool, error) {
	if err := s.mayRead(u); err != nil {
		return false, err
	}
	p, err := s.staffPanel(ctx, s.DB, u, id)
	if err != nil {
		return false, err
	}
	return Verify(p.Panel), nil
}

// Assignment is one panel seat of an expert, for their own list.
type Assignment struct {
	PanelID       int64         `json:"panel_id"`
	ObjectType    string        `json:"object_type"`
	ObjectID      int64         `json:"object_id"`
	ApplicantName string        `json:"applicant_name"`
	Field         string        `json:"field"`
	DrawOn        calendar.Date `json:"draw_on"`
	Status        string        `json:"status"`
	SignedAt      time.Time     `json:"signed_at,omitzero"`
	ScoredAt      time.Time     `json:"scored_at,omitzero"`
	Closed        bool          `json:"closed"`
}

// Assignments returns the seats of the expert linked to u — invited or
// accepted, newest first: all an expert is shown. A user with no expert
// record has none.
func (s *Service) Assignments(ctx context.Context, u *auth.User) ([]Assignment, error) {
	eid, err := expertID(ctx, s.DB, u)
	if i18n.ErrorCode(err) == i18n.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT p.id, p.object_type, p.object_id, p.applicant_json, p.field, p.draw_on, m.status,
		m.signed_at, m.scored_at, p.closed_at FROM panels p JOIN panel_members m ON m.panel_id = p.id
		WHERE m.expert_id = $1 AND m.role = 'member' AND m.status IN ('invited', 'accepted') ORDER BY p.draw_on DESC, p.id DESC`, eid)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []Assignment
	for rows.Next() {
		var a Assignment
		var applicant string
		var signed, scored, closed sql.NullTime
		if err := rows.Scan(&a.PanelID, &a.ObjectType, &a.ObjectID, &applicant, &a.Field, &a.DrawOn, &a.Status, &signed, &scored, &closed); err != nil {
			return nil, db.Normalize(err)
		}
		var ap Applicant
		if err := json.Unmarshal([]byte(applicant), &ap); err != nil {
			return nil, i18n.Wrap(err, "review: panel %d", a.PanelID)
		}
		a.ApplicantName, a.SignedAt, a.ScoredAt, a.Closed = ap.Name, timeOf(signed), timeOf(scored), closed.Valid
		out = append(out, a)
	}
	return out, db.Normalize(rows.Err())
}

// --- Seats: declarations, declining, replacement ---

// mayAct refuses users who may not change anything (the expert role holds
// auth.PermWrite).
func mayAct(u *auth.User) error {
	if u == nil || !u.Can(auth.PermWrite) || u.Scope().ReadOnly {
		return forbidden
	}
	return nil
}

// promote gives the seat of the member who left to the first alternate on
// standby, in draw order, and returns the alternate's id — 0 when none is
// left (the panel is then short).
func promote(ctx context.Context, tx *db.Tx, panelID, left int64) (int64, error) {
	var alt int64
	err := tx.QueryRowContext(ctx, `SELECT expert_id FROM panel_members WHERE panel_id = $1 AND role = 'alternate' AND status = 'standby'
		ORDER BY seq LIMIT 1`, panelID).Scan(&alt)
	if db.IsNoRows(err) {
		return 0, nil
	}
	if err != nil {
		return 0, db.Normalize(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE panel_members SET role = 'member', status = 'invited', replaces = $1 WHERE panel_id = $2 AND expert_id = $3`,
		left, panelID, alt); err != nil {
		return 0, db.Normalize(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE panel_members SET replaced_by = $1 WHERE panel_id = $2 AND expert_id = $3`, alt, panelID, left); err != nil {
		return 0, db.Normalize(err)
	}
	return alt, nil
}

// Declare records the declaration of the expert linked to u on a panel
// where they are an invited member, which they sign before they see the
// application. With noConflict they accept the seat. Otherwise note (what
// the conflict is) is required: the seat goes to the next alternate, and
// the conflict is recorded as a declared relation with the applicant, so
// later draws for the same applicant leave the expert out. A declaration
// is signed once.
func (s *Service) Declare(ctx context.Context, u *auth.User, panelID int64, noConflict bool, note string) error {
	if err := mayAct(u); err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	if !noConflict && note == "" {
		return i18n.FieldError("declaration_note", "review.declaration.note")
	}
	if utf8.RuneCountInString(note) > 500 {
		return i18n.FieldError("declaration_note", "error.too_long", 500)
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		p, m, err := s.expertPanel(ctx, tx, u, panelID)
		if err != nil {
			return err
		}
		switch {
		case p.Closed():
			return i18n.E(i18n.Conflict, "review.panel.closed")
		case !m.SignedAt.IsZero():
			return i18n.E(i18n.Conflict, "review.declaration.signed")
		case m.Status != StatusInvited:
			return i18n.E(i18n.Conflict, "review.member.inactive")
		}
		status, action, reason, promoted := StatusAccepted, "review.declaration.sign", "", int64(0)
		if !noConflict {
			status, action, reason = StatusReplaced, "review.declaration.conflict", note
		}
		if _, err := tx.ExecContext(ctx, `UPDATE panel_members SET status = $1, signed_at = $2, declared_no_conflict = $3, declaration_note = $4,
			responded_at = $2, reason = $5 WHERE panel_id = $6 AND expert_id = $7`,
			status, tx.Now, noConflict, note, reason, panelID, m.ExpertID); err != nil {
			return db.Normalize(err)
		}
		if !noConflict {
			r := Relation{ExpertID: m.ExpertID, Kind: KindDeclared, Party: p.Applicant.Key, Since: calendar.FromTime(tx.Now, calendar.Shanghai), Note: note}
			if err := insertRelation(ctx, tx, &r, u.ID); err != nil {
				return err
			}
			if promoted, err = promote(ctx, tx, panelID, m.ExpertID); err != nil {
				return err
			}
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: action, ObjectType: "panel", ObjectID: strconv.FormatInt(panelID, 10),
			RegionCode: p.RegionCode, After: audit.JSON(map[string]any{"expert_id": m.ExpertID, "no_conflict": noConflict, "note": note,
				"promoted": promoted})})
		return err
	})
}

// Decline records that a member gives up their seat, with the reason; the
// seat goes to the next alternate. An expert declines their own seat
// (expertID 0 or their own); staff record a refusal for any member of a
// panel in their scope (e.g. one taken by telephone). A member who has
// scored cannot decline.
func (s *Service) Decline(ctx context.Context, u *auth.User, panelID, expertID int64, reason string) error {
	if err := mayAct(u); err != nil {
		return err
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		return i18n.FieldError("reason", "error.required")
	}
	if utf8.RuneCountInString(reason) > 500 {
		return i18n.FieldError("reason", "error.too_long", 500)
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var p *PanelRecord
		var m *Member
		var err error
		if s.mayManage(u) == nil {
			if p, err = s.staffPanel(ctx, tx, u, panelID); err != nil {
				return err
			}
			if m = p.member(expertID); m == nil {
				return notFound
			}
		} else {
			if p, m, err = s.expertPanel(ctx, tx, u, panelID); err != nil {
				return err
			}
			if expertID != 0 && expertID != m.ExpertID {
				return forbidden
			}
		}
		switch {
		case p.Closed():
			return i18n.E(i18n.Conflict, "review.panel.closed")
		case !m.Active():
			return i18n.E(i18n.Conflict, "review.member.inactive")
		case !m.ScoredAt.IsZero():
			return i18n.E(i18n.Conflict, "review.member.scored")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE panel_members SET status = 'declined', reason = $1, responded_at = $2 WHERE panel_id = $3 AND expert_id = $4`,
			reason, tx.Now, panelID, m.ExpertID); err != nil {
			return db.Normalize(err)
		}
		promoted, err := promote(ctx, tx, panelID, m.ExpertID)
		if err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "review.member.decline", ObjectType: "panel", ObjectID: strconv.FormatInt(panelID, 10),
			RegionCode: p.RegionCode, After: audit.JSON(map[string]any{"expert_id": m.ExpertID, "promoted": promoted, "short": promoted == 0}),
			Reason: reason})
		return err
	})
}

// --- Rubric and scores ---

// SetRubric sets how a panel scores; staff only, and only before the first
// score.
func (s *Service) SetRubric(ctx context.Context, u *auth.User, panelID int64, r Rubric) error {
	if err := s.mayManage(u); err != nil {
		return err
	}
	for i := range r.Criteria {
		r.Criteria[i].Key, r.Criteria[i].Name = strings.TrimSpace(r.Criteria[i].Key), strings.TrimSpace(r.Criteria[i].Name)
	}
	if err := r.Validate(); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		p, err := s.staffPanel(ctx, tx, u, panelID)
		if err != nil {
			return err
		}
		if p.Closed() {
			return i18n.E(i18n.Conflict, "review.panel.closed")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM panel_scores WHERE panel_id = $1`, panelID).Scan(&n); err != nil {
			return db.Normalize(err)
		}
		if n > 0 {
			return i18n.E(i18n.Conflict, "review.rubric.locked")
		}
		b, _ := json.Marshal(r)
		if _, err := tx.ExecContext(ctx, `UPDATE panels SET rubric_json = $1, version = version + 1 WHERE id = $2`, string(b), panelID); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "review.rubric.set", ObjectType: "panel", ObjectID: strconv.FormatInt(panelID, 10),
			RegionCode: p.RegionCode, Before: audit.JSON(p.Rubric), After: string(b)})
		return err
	})
}

// ScoreSheet is one expert's scores on a panel.
type ScoreSheet struct {
	ExpertID    int64          `json:"expert_id"`
	Name        string         `json:"name"`
	Scores      map[string]int `json:"scores"`
	Total       int            `json:"total"` // weighted, under the panel's rubric
	Comment     string         `json:"comment,omitempty"`
	SubmittedAt time.Time      `json:"submitted_at"`
}

// SubmitScores records the scores of the expert linked to u on a panel:
// only an accepted member who has signed the declaration with no conflict,
// only under the panel's rubric (every criterion, each in range), and only
// until the panel is closed. Submitting again replaces the earlier sheet.
func (s *Service) SubmitScores(ctx context.Context, u *auth.User, panelID int64, scores map[string]int, comment string) error {
	if err := mayAct(u); err != nil {
		return err
	}
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > 2000 {
		return i18n.FieldError("score_comment", "error.too_long", 2000)
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		p, m, err := s.expertPanel(ctx, tx, u, panelID)
		if err != nil {
			return err
		}
		switch {
		case p.Closed():
			return i18n.E(i18n.Conflict, "review.panel.closed")
		case m.Status != StatusAccepted || m.SignedAt.IsZero() || !m.DeclaredNoConflict:
			return i18n.E(i18n.Forbidden, "review.score.sign_first")
		case len(p.Rubric.Criteria) == 0:
			return i18n.E(i18n.Conflict, "review.rubric.none")
		}
		total, err := p.Rubric.Total(scores)
		if err != nil {
			return err
		}
		before, err := sheets(ctx, tx, p, m.ExpertID)
		if err != nil {
			return err
		}
		for _, c := range p.Rubric.Criteria {
			if _, err := tx.ExecContext(ctx, `INSERT INTO panel_scores (panel_id, expert_id, criterion, score, submitted_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (panel_id, expert_id, criterion) DO UPDATE SET score = excluded.score, submitted_at = excluded.submitted_at`,
				panelID, m.ExpertID, c.Key, scores[c.Key], tx.Now); err != nil {
				return db.Normalize(err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE panel_members SET scored_at = $1, score_comment = $2 WHERE panel_id = $3 AND expert_id = $4`,
			tx.Now, comment, panelID, m.ExpertID); err != nil {
			return db.Normalize(err)
		}
		var prior any
		if len(before) > 0 {
			prior = before[0]
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "review.score.submit", ObjectType: "panel", ObjectID: strconv.FormatInt(panelID, 10),
			RegionCode: p.RegionCode, Before: audit.JSON(prior), After: audit.JSON(ScoreSheet{ExpertID: m.ExpertID, Name: m.Name, Scores: scores,
				Total: total, Comment: comment, SubmittedAt: tx.Now})})
		return err
	})
}

// sheets returns the score sheets of a panel, by draw order; only the
// expert's when expertID is not 0.
func sheets(ctx context.Context, q db.Querier, p *PanelRecord, expertID int64) ([]ScoreSheet, error) {
	args := []any{p.ID}
	cond := ""
	if expertID != 0 {
		cond, args = " AND m.expert_id = $2", append(args, expertID)
	}
	rows, err := q.QueryContext(ctx, `SELECT m.expert_id, s.criterion, s.score, s.submitted_at FROM panel_scores s
		JOIN panel_members m ON m.panel_id = s.panel_id AND m.expert_id = s.expert_id WHERE s.panel_id = $1`+cond+` ORDER BY m.seq, s.criterion`, args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []ScoreSheet
	for rows.Next() {
		var id int64
		var c string
		var v int
		var at time.Time
		if err := rows.Scan(&id, &c, &v, &at); err != nil {
			return nil, db.Normalize(err)
		}
		if len(out) == 0 || out[len(out)-1].ExpertID != id {
			sh := ScoreSheet{ExpertID: id, Scores: map[string]int{}}
			if m := p.member(id); m != nil {
				sh.Name, sh.Comment = m.Name, m.ScoreComment
			}
			out = append(out, sh)
		}
		sh := &out[len(out)-1]
		sh.Scores[c] = v
		if at = at.UTC(); at.After(sh.SubmittedAt) {
			sh.SubmittedAt = at
		}
	}
	if err := rows.Err(); err != nil {
		return nil, db.Normalize(err)
	}
	for i := range out {
		out[i].Total, _ = p.Rubric.Total(out[i].Scores)
	}
	return out, nil
}

// Scores returns the score sheets of a panel that u may read: every sheet
// to staff in whose scope it was drawn; to an expert on the panel their own
// sheet, and the others' only once the panel is closed. Anyone else gets
// NotFound.
func (s *Service) Scores(ctx context.Context, u *auth.User, panelID int64) ([]ScoreSheet, error) {
	if s.mayRead(u) == nil {
		p, err := s.staffPanel(ctx, s.DB, u, panelID)
		if err != nil {
			return nil, err
		}
		return sheets(ctx, s.DB, p, 0)
	}
	p, m, err := s.expertPanel(ctx, s.DB, u, panelID)
	if err != nil {
		return nil, err
	}
	if p.Closed() {
		return sheets(ctx, s.DB, p, 0)
	}
	return sheets(ctx, s.DB, p, m.ExpertID)
}

// Sheet returns one expert's score sheet on a panel (nil if they have not
// scored). An expert on the panel asking for another member's sheet before
// the panel is closed is refused (review.score.sealed); staff may read any.
func (s *Service) Sheet(ctx context.Context, u *auth.User, panelID, expertID int64) (*ScoreSheet, error) {
	var p *PanelRecord
	var err error
	if s.mayRead(u) == nil {
		p, err = s.staffPanel(ctx, s.DB, u, panelID)
	} else {
		var m *Member
		p, m, err = s.expertPanel(ctx, s.DB, u, panelID)
		if err == nil && m.ExpertID != expertID && !p.Closed() {
			return nil, i18n.E(i18n.Forbidden, "review.score.sealed")
		}
	}
	if err != nil {
		return nil, err
	}
	if p.member(expertID) == nil {
		return nil, notFound
	}
	list, err := sheets(ctx, s.DB, p, expertID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}

// ClosePanel closes a panel and stores its aggregate: staff only, when
// every seat is held by an accepted member who has scored (a short panel
// or a missing sheet is a conflict). After closing, no score changes and
// the members may read each other's scores.
func (s *Service) ClosePanel(ctx context.Context, u *auth.User, panelID int64) (*Result, error) {
	if err := s.mayManage(u); err != nil {
		return nil, err
	}
	var res Result
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		p, err := s.staffPanel(ctx, tx, u, panelID)
		if err != nil {
			return err
		}
		switch {
		case p.Closed():
			return i18n.E(i18n.Conflict, "review.panel.closed")
		case len(p.Rubric.Criteria) == 0:
			return i18n.E(i18n.Conflict, "review.rubric.none")
		case p.Short > 0:
			return i18n.E(i18n.Conflict, "review.panel.short", p.Short)
		}
		scored := 0
		for _, m := range p.Roster {
			if m.Active() && m.Status == StatusAccepted && !m.ScoredAt.IsZero() {
				scored++
			}
		}
		if scored < p.Seats {
			return i18n.E(i18n.Conflict, "review.panel.unscored", scored, p.Seats)
		}
		list, err := sheets(ctx, tx, p, 0)
		if err != nil {
			return err
		}
		scores := map[int64]map[string]int{}
		for _, sh := range list {
			if m := p.member(sh.ExpertID); m != nil && m.Active() {
				scores[sh.ExpertID] = sh.Scores
			}
		}
		if res, err = Aggregate(scores, p.Rubric); err != nil {
			return err
		}
		b, _ := json.Marshal(res)
		r, err := tx.ExecContext(ctx, `UPDATE panels SET closed_at = $1, closed_by = $2, result_json = $3, version = version + 1
			WHERE id = $4 AND closed_at IS NULL`, tx.Now, u.ID, string(b), panelID)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return i18n.E(i18n.Conflict, "review.panel.closed")
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "review.panel.close", ObjectType: "panel", ObjectID: strconv.FormatInt(panelID, 10),
			RegionCode: p.RegionCode, After: string(b)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &res, nil
}
