package award

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
	"kejiju/internal/workflow"
)

// Service runs every read through the caller's data scope and every change
// in one transaction with its workflow history row and audit event.
type Service struct {
	DB          *db.DB
	Audit       *audit.Log
	Enterprises Enterprises
	// Calendar holds the holiday calendar in force (a *calendar.Store);
	// nil means the embedded calendar.
	Calendar interface{ Current() *calendar.Calendar }
}

// Machine is the state machine of nominations.
var Machine = workflow.AwardLifecycle

// objectType names nominations in the workflow history and audit log.
const objectType = "award_nomination"

func (s *Service) cal() *calendar.Calendar {
	if s.Calendar == nil {
		return calendar.Default()
	}
	return s.Calendar.Current()
}

// mayManage refuses users who are not the bureau's award staff.
func mayManage(u *auth.User) error {
	if err := u.MayWrite(); err != nil {
		return err
	}
	if !u.Can(auth.PermAwardManage) || u.IsEnterprise() {
		return i18n.E(i18n.Forbidden, "error.forbidden")
	}
	return nil
}

// mayNominate refuses users who may not nominate: an enterprise's users
// (PermApply, for their own enterprise) and award staff.
func mayNominate(u *auth.User) error {
	if err := u.MayWrite(); err != nil {
		return err
	}
	if u.IsEnterprise() && u.Can(auth.PermApply) {
		return nil
	}
	return mayManage(u)
}

// CanManage reports whether u runs rounds, reviews and committee sessions.
func CanManage(u *auth.User) bool { return mayManage(u) == nil }

// CanNominate reports whether u may nominate.
func CanNominate(u *auth.User) bool { return mayNominate(u) == nil }

// CanApprove reports whether u confirms or refuses awards (the director).
func CanApprove(u *auth.User) bool {
	return u.MayWrite() == nil && u.Can(auth.PermAwardApprove) && !u.IsEnterprise()
}

var notFound = i18n.E(i18n.NotFound, "error.not_found")

func limit(n int) int {
	if n <= 0 || n > 1000 {
		return 50
	}
	return n
}

func page(lim, off int) string { return fmt.Sprintf(` LIMIT %d OFFSET %d`, limit(lim), max(off, 0)) }

func idText(id int64) string { return strconv.FormatInt(id, 10) }

// today is the current date in Beijing in tx.
func today(tx *db.Tx) calendar.Date { return calendar.FromTime(tx.Now, nil) }

// --- Rounds ---

const roundColumns = `r.id, r.region_code, r.year, r.title, r.opens_on, r.closes_on, r.levels, r.objection_days, r.panel_size,
	r.version, COALESCE(r.created_by, 0), r.created_at, r.updated_at`

func scanRound(sc interface{ Scan(...any) error }, extra ...any) (*Round, error) {
	r := &Round{}
	var levels string
	if err := sc.Scan(append([]any{&r.ID, &r.RegionCode, &r.Year, &r.Title, &r.Opens, &r.Closes, &levels, &r.ObjectionDays,
		&r.PanelSize, &r.Version, &r.CreatedBy, &r.CreatedAt, &r.UpdatedAt}, extra...)...); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(levels), &r.Levels); err != nil {
		return nil, i18n.Wrap(err, "round %d levels", r.ID)
	}
	return r, nil
}

// roundScope adds u's view of rounds to q: staff see the rounds of their
// regions; an enterprise user sees the rounds of the district it belongs
// to (its user's region lies under the round's region).
func roundScope(u *auth.User, q *db.Where) {
	if u.IsEnterprise() {
		q.Add(`? LIKE r.region_code || '%'`, u.RegionCode)
		return
	}
	q.AddNumbered(u.Scope().Where(auth.Columns{Region: "r.region_code"}, &q.Args))
}

func (s *Service) getRound(ctx context.Context, dbq db.Querier, u *auth.User, id int64) (*Round, error) {
	q := &db.Where{}
	q.Add("r.id = ?", id)
	roundScope(u, q)
	r, err := scanRound(dbq.QueryRowContext(ctx, `SELECT `+roundColumns+` FROM award_rounds r WHERE `+q.SQL(), q.Args...))
	if db.IsNoRows(err) {
		return nil, notFound
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	return r, nil
}

func roundByID(ctx context.Context, dbq db.Querier, id int64) (*Round, error) {
	r, err := scanRound(dbq.QueryRowContext(ctx, `SELECT `+roundColumns+` FROM award_rounds r WHERE r.id = $1`, id))
	if err != nil {
		return nil, db.Normalize(err)
	}
	return r, nil
}

// Round returns one round, or NotFound when it does not exist or u may not
// see it.
func (s *Service) Round(ctx context.Context, u *auth.User, id int64) (*Round, error) {
	return s.getRound(ctx, s.DB, u, id)
}

// Rounds returns the rounds u may see (of year, when not 0), newest first.
func (s *Service) Rounds(ctx context.Context, u *auth.User, year, lim, off int) ([]*Round, int, error) {
	q := &db.Where{}
	roundScope(u, q)
	if year > 0 {
		q.Add("r.year = ?", year)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+roundColumns+`, COUNT(*) OVER () FROM award_rounds r WHERE `+q.SQL()+
		` ORDER BY r.year DESC, r.id DESC`+page(lim, off), q.Args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	return db.CollectCounted(rows, scanRound)
}

// CreateRound records a new round. One round a year per district: a
// second is a field error on year.
func (s *Service) CreateRound(ctx context.Context, u *auth.User, in RoundInput) (*Round, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	if clean(in.RegionCode) == "" {
		in.RegionCode = u.RegionCode
	}
	in.RegionCode = clean(in.RegionCode)
	in, err := CheckRound(in)
	if !u.Scope().Allows(in.RegionCode, 0) {
		var p i18n.Problems
		p.Add("region_code", "award.round.bad_region")
		err = p.With(err)
	}
	if err != nil {
		return nil, err
	}
	var r *Round
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM award_rounds WHERE region_code = $1 AND year = $2`,
			in.RegionCode, in.Year).Scan(&n); err != nil {
			return db.Normalize(err)
		}
		if n > 0 {
			return i18n.FieldError("year", "award.round.duplicate", in.Year)
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO award_rounds (region_code, year, title, opens_on, closes_on, levels, objection_days,
			panel_size, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
			in.RegionCode, in.Year, in.Title, in.Opens, in.Closes, jsonText(in.Levels), in.ObjectionDays, in.PanelSize, u.ID, tx.Now).Scan(&id); err != nil {
			return db.Normalize(err)
		}
		var err error
		if r, err = s.getRound(ctx, tx, u, id); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "award.round.create", ObjectType: "award_round",
			ObjectID: idText(id), RegionCode: r.RegionCode, After: audit.JSON(r)})
		return err
	})
	return r, err
}

// --- Nominations ---

const nomColumns = `n.id, n.round_id, r.title, n.region_code, n.enterprise_id, n.enterprise_name, n.nominator_kind, n.nominated_by,
	n.title, n.units, n.contributors, n.summary, n.proposed_level, n.state, n.submitted_at, n.awarded_level, n.publicity_start,
	n.publicity_end, n.version, n.created_at, n.updated_at`

const nomFrom = ` FROM award_nominations n JOIN award_rounds r ON r.id = n.round_id`

// nomScope are the columns the data scope filters nominations on.
var nomScope = auth.Columns{Region: "n.region_code", Enterprise: "n.enterprise_id"}

func scanNom(sc interface{ Scan(...any) error }, extra ...any) (*Nomination, error) {
	n := &Nomination{}
	var units, cs string
	var sub sql.NullTime
	if err := sc.Scan(append([]any{&n.ID, &n.RoundID, &n.RoundTitle, &n.RegionCode, &n.EnterpriseID, &n.EnterpriseName, &n.NominatorKind,
		&n.NominatedBy, &n.Title, &units, &cs, &n.Summary, &n.ProposedLevel, &n.State, &sub, &n.AwardedLevel, &n.PublicityStart,
		&n.PublicityEnd, &n.Version, &n.CreatedAt, &n.UpdatedAt}, extra...)...); err != nil {
		return nil, err
	}
	if sub.Valid {
		n.SubmittedAt = sub.Time.UTC()
	}
	n.CreatedAt, n.UpdatedAt = n.CreatedAt.UTC(), n.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(units), &n.Units); err != nil {
		return nil, i18n.Wrap(err, "nomination %d units", n.ID)
	}
	if err := json.Unmarshal([]byte(cs), &n.Contributors); err != nil {
		return nil, i18n.Wrap(err, "nomination %d contributors", n.ID)
	}
	return n, nil
}

// getNom fetches a nomination through u's scope, with its ballots and (for
// staff) its objections.
func (s *Service) getNom(ctx context.Context, q db.Querier, u *auth.User, id int64) (*Nomination, error) {
	args := []any{id}
	cond := u.Scope().Where(nomScope, &args)
	n, err := scanNom(q.QueryRowContext(ctx, `SELECT `+nomColumns+nomFrom+` WHERE n.id = $1 AND `+cond, args...))
	if db.IsNoRows(err) {
		return nil, notFound
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	if !u.IsEnterprise() {
		if n.Votes, err = votes(ctx, q, n.ID); err != nil {
			return nil, err
		}
		if n.Objections, err = objections(ctx, q, n.ID); err != nil {
			return nil, err
		}
	}
	return n, nil
}

func votes(ctx context.Context, q db.Querier, id int64) ([]Tally, error) {
	rows, err := q.QueryContext(ctx, `SELECT level, yes, no, abstain FROM award_votes WHERE nomination_id = $1 ORDER BY level`, id)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (Tally, error) {
		var t Tally
		err := sc.Scan(&t.Level, &t.Yes, &t.No, &t.Abstain)
		return t, err
	})
}

func objections(ctx context.Context, q db.Querier, id int64) ([]Objection, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, text, received_on, raised_at, answer, answered_at FROM award_objections
		WHERE nomination_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []Objection
	for rows.Next() {
		var o Objection
		var at sql.NullTime
		if err := rows.Scan(&o.ID, &o.Text, &o.ReceivedOn, &o.RaisedAt, &o.Answer, &at); err != nil {
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

// Nomination returns one nomination, or NotFound when it does not exist or
// lies outside u's scope (another enterprise's, another district's).
func (s *Service) Nomination(ctx context.Context, u *auth.User, id int64) (*Nomination, error) {
	return s.getNom(ctx, s.DB, u, id)
}

// Filter selects nominations for a list.
type Filter struct {
	RoundID int64
	State   string
	Limit   int
	Offset  int
}

// Nominations returns the nominations in u's scope that match f (an
// enterprise user's own only), newest first.
func (s *Service) Nominations(ctx context.Context, u *auth.User, f Filter) ([]*Nomination, int, error) {
	q := &db.Where{}
	q.AddNumbered(u.Scope().Where(nomScope, &q.Args))
	if f.RoundID > 0 {
		q.Add("n.round_id = ?", f.RoundID)
	}
	if f.State != "" {
		q.Add("n.state = ?", f.State)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+nomColumns+`, COUNT(*) OVER ()`+nomFrom+` WHERE `+q.SQL()+
		` ORDER BY n.id DESC`+page(f.Limit, f.Offset), q.Args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	return db.CollectCounted(rows, scanNom)
}

// owner reports whether u is n's nominator: a user of its enterprise, or
// the staff member who nominated it.
func owner(u *auth.User, n *Nomination) bool {
	if u.IsEnterprise() {
		return u.Scope().EnterpriseID == n.EnterpriseID
	}
	return n.NominatorKind == ByStaff && n.NominatedBy == u.ID && u.Can(auth.PermAwardManage)
}

// Actions returns the actions u may take on n now, for its page.
func Actions(u *auth.User, n *Nomination) []workflow.Transition {
	return Machine.Available(u, owner(u, n), n.State)
}

// History returns the transitions of a nomination u may see.
func (s *Service) History(ctx context.Context, u *auth.User, id int64) ([]workflow.Entry, error) {
	if _, err := s.getNom(ctx, s.DB, u, id); err != nil {
		return nil, err
	}
	return workflow.History(ctx, s.DB, objectType, id)
}

// Returned is the last return for revision of a nomination: the general
// reason and the reasons by field.
type Returned struct {
	Reason string
	Fields map[string]string
}

// ReturnReasons returns the reasons of the return that sent n back for
// revision, while it is returned; nil otherwise.
func (s *Service) ReturnReasons(ctx context.Context, n *Nomination) (*Returned, error) {
	if n.State != "returned" {
		return nil, nil
	}
	h, err := workflow.History(ctx, s.DB, objectType, n.ID)
	if err != nil {
		return nil, err
	}
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Action == "return" {
			r := &Returned{Reason: h[i].Reason, Fields: map[string]string{}}
			var d struct {
				Fields map[string]string `json:"fields"`
			}
			if len(h[i].Data) > 0 && json.Unmarshal(h[i].Data, &d) == nil && d.Fields != nil {
				r.Fields = d.Fields
			}
			return r, nil
		}
	}
	return nil, nil
}

// Nominate records a new nomination in the nomination state: an
// enterprise user's for its own enterprise, a staff member's for any
// enterprise in scope registered in the round's district. The content is
// checked in full (each problem named by field) and nothing is written on
// error.
func (s *Service) Nominate(ctx context.Context, u *auth.User, in NominationInput) (*Nomination, error) {
	if err := mayNominate(u); err != nil {
		return nil, err
	}
	kind := ByStaff
	if u.IsEnterprise() {
		kind, in.EnterpriseID = ByEnterprise, u.Scope().EnterpriseID
	}
	r, err := s.getRound(ctx, s.DB, u, in.RoundID)
	if i18n.ErrorCode(err) == i18n.NotFound {
		return nil, i18n.FieldError("round_id", "award.nomination.bad_round")
	}
	if err != nil {
		return nil, err
	}
	in, err = CheckNomination(r, in)
	var p i18n.Problems
	var unit Unit
	if in.EnterpriseID <= 0 {
		p.Add("enterprise_id", "error.required")
	} else {
		var uerr error
		unit, uerr = s.Enterprises.Unit(ctx, u, in.EnterpriseID)
		switch {
		case i18n.ErrorCode(uerr) == i18n.NotFound:
			p.Add("enterprise_id", "award.nomination.bad_enterprise")
		case uerr != nil:
			return nil, uerr
		case !strings.HasPrefix(unit.RegionCode, r.RegionCode):
			p.Add("enterprise_id", "award.nomination.out_of_district")
		}
	}
	if err = p.With(err); err != nil {
		return nil, err
	}
	var n *Nomination
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var dup int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM award_nominations WHERE round_id = $1 AND enterprise_id = $2 AND title = $3`,
			r.ID, in.EnterpriseID, in.Title).Scan(&dup); err != nil {
			return db.Normalize(err)
		}
		if dup > 0 {
			return i18n.FieldError("title", "award.nomination.duplicate")
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO award_nominations (round_id, region_code, enterprise_id, enterprise_name,
			nominator_kind, nominated_by, title, units, contributors, summary, proposed_level, state, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
			r.ID, unit.RegionCode, in.EnterpriseID, unit.Name, kind, u.ID, in.Title, jsonText(in.Units), jsonText(in.Contributors),
			in.Summary, in.ProposedLevel, Machine.Initial(), tx.Now).Scan(&id); err != nil {
			return db.Normalize(err)
		}
		var err error
		if n, err = s.getNom(ctx, tx, u, id); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "award.nomination.create", ObjectType: objectType,
			ObjectID: idText(id), RegionCode: n.RegionCode, After: audit.JSON(n)})
		return err
	})
	return n, err
}

// Update changes the content of a nomination while its nominator may edit
// it (nomination, returned). The round and the enterprise stay.
func (s *Service) Update(ctx context.Context, u *auth.User, id int64, in NominationInput) (*Nomination, error) {
	if err := mayNominate(u); err != nil {
		return nil, err
	}
	var n *Nomination
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.getNom(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if !Machine.CanEdit(u, owner(u, before), before.State, "content") {
			return i18n.E(i18n.Conflict, "award.nomination.not_editable")
		}
		r, err := roundByID(ctx, tx, before.RoundID)
		if err != nil {
			return err
		}
		if in, err = CheckNomination(r, in); err != nil {
			return err
		}
		if in.Title != before.Title {
			var dup int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM award_nominations WHERE round_id = $1 AND enterprise_id = $2 AND title = $3`,
				r.ID, before.EnterpriseID, in.Title).Scan(&dup); err != nil {
				return db.Normalize(err)
			}
			if dup > 0 {
				return i18n.FieldError("title", "award.nomination.duplicate")
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE award_nominations SET title = $1, units = $2, contributors = $3, summary = $4,
			proposed_level = $5, version = version + 1, updated_at = $6 WHERE id = $7 AND state = $8`,
			in.Title, jsonText(in.Units), jsonText(in.Contributors), in.Summary, in.ProposedLevel, tx.Now, id, before.State)
		if err != nil {
			return db.Normalize(err)
		}
		if c, _ := res.RowsAffected(); c == 0 {
			return i18n.E(i18n.Conflict, "workflow.error.stale")
		}
		if n, err = s.getNom(ctx, tx, u, id); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "award.nomination.update", ObjectType: objectType,
			ObjectID: idText(id), RegionCode: n.RegionCode, Before: audit.JSON(before), After: audit.JSON(n)})
		return err
	})
	return n, err
}

// --- Committee session ---

// Session returns the committee session of a round (nil when none was
// recorded yet).
func (s *Service) Session(ctx context.Context, u *auth.User, roundID int64) (*Session, error) {
	if _, err := s.getRound(ctx, s.DB, u, roundID); err != nil {
		return nil, err
	}
	if u.IsEnterprise() {
		return nil, notFound
	}
	return sessionOf(ctx, s.DB, roundID)
}

func sessionOf(ctx context.Context, q db.Querier, roundID int64) (*Session, error) {
	ss := &Session{RoundID: roundID}
	var ms string
	err := q.QueryRowContext(ctx, `SELECT id, held_on, members, version FROM award_sessions WHERE round_id = $1`, roundID).
		Scan(&ss.ID, &ss.HeldOn, &ms, &ss.Version)
	if db.IsNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	if err := json.Unmarshal([]byte(ms), &ss.Members); err != nil {
		return nil, i18n.Wrap(err, "session %d members", ss.ID)
	}
	return ss, nil
}

// SaveSession records (or replaces) the committee session of a round: the
// day, the members and who is present. The number of members must be the
// round's panel size; the quorum is 2/3 of them (see Quorate).
func (s *Service) SaveSession(ctx context.Context, u *auth.User, roundID int64, heldOn calendar.Date, members []Member) (*Session, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var out *Session
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.getRound(ctx, tx, u, roundID)
		if err != nil {
			return err
		}
		ms, err := CheckMembers(r, members)
		if heldOn.IsZero() {
			var p i18n.Problems
			p.Add("held_on", "error.required")
			err = p.With(err)
		}
		if err != nil {
			return err
		}
		before, err := sessionOf(ctx, tx, roundID)
		if err != nil {
			return err
		}
		if before == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO award_sessions (round_id, held_on, members, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $4)`, roundID, heldOn, jsonText(ms), tx.Now)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE award_sessions SET held_on = $1, members = $2, version = version + 1, updated_at = $3
				WHERE round_id = $4`, heldOn, jsonText(ms), tx.Now, roundID)
		}
		if err != nil {
			return db.Normalize(err)
		}
		if out, err = sessionOf(ctx, tx, roundID); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "award.session.save", ObjectType: "award_round",
			ObjectID: idText(roundID), RegionCode: r.RegionCode, Before: audit.JSON(before), After: audit.JSON(out)})
		return err
	})
	return out, err
}

// RecordVotes records the committee's ballots on a nomination in panel
// review, replacing those recorded before: per level voted, yes, no and
// abstain, together no more than the members present.
func (s *Service) RecordVotes(ctx context.Context, u *auth.User, id int64, ts []Tally) (*Nomination, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var n *Nomination
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.getNom(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if !Machine.CanEdit(u, owner(u, before), before.State, "panel_result") {
			return i18n.E(i18n.Conflict, "award.vote.not_in_panel")
		}
		ss, err := sessionOf(ctx, tx, before.RoundID)
		if err != nil {
			return err
		}
		if ss == nil {
			return i18n.E(i18n.Conflict, "award.session.none")
		}
		r, err := roundByID(ctx, tx, before.RoundID)
		if err != nil {
			return err
		}
		if err := CheckTallies(r, ss.Present(), ts); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM award_votes WHERE nomination_id = $1`, id); err != nil {
			return db.Normalize(err)
		}
		for _, t := range ts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO award_votes (nomination_id, level, yes, no, abstain, recorded_by, recorded_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, t.Level, t.Yes, t.No, t.Abstain, u.ID, tx.Now); err != nil {
				return db.Normalize(err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE award_nominations SET version = version + 1, updated_at = $1 WHERE id = $2`, tx.Now, id); err != nil {
			return db.Normalize(err)
		}
		if n, err = s.getNom(ctx, tx, u, id); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "award.votes.record", ObjectType: objectType, ObjectID: idText(id),
			RegionCode: n.RegionCode, Before: audit.JSON(before.Votes),
			After: audit.JSON(map[string]any{"votes": n.Votes, "present": ss.Present(), "members": len(ss.Members)})})
		return err
	})
	return n, err
}
