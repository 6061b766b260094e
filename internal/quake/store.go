package quake

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/region"
)

// Service runs every read through the caller's data scope (a township
// assistant sees its township) and every change in one transaction with its
// audit event.
type Service struct {
	DB        *db.DB
	Audit     *audit.Log
	Regions   *region.Store
	Trainings Trainings
}

func (s *Service) today() calendar.Date { return calendar.FromTime(s.DB.Now(), nil) }

// Today is the current date in Beijing by the database's clock.
func (s *Service) Today() calendar.Date { return s.today() }

var notFound = i18n.E(i18n.NotFound, "error.not_found")

// scoped starts a query with u's scope over the region column col.
func scoped(u *auth.User, col string) *db.Where {
	q := &db.Where{}
	q.AddNumbered(u.Scope().Where(auth.Columns{Region: col}, &q.Args))
	return q
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func page(lim, off int) string {
	if lim <= 0 || lim > 1000 {
		lim = 20
	}
	return fmt.Sprintf(` LIMIT %d OFFSET %d`, lim, max(off, 0))
}

// township checks that code is a township in u's scope.
func (s *Service) township(ctx context.Context, u *auth.User, code, field string, p *i18n.Problems) {
	if code == "" || p.Field(field) != nil {
		return
	}
	if err := checkTownship(ctx, s.Regions, u, code, field); err != nil {
		p.AddErr(field, err)
	}
}

// Towns returns the townships in u's scope, each district first (for what
// is held for the whole district), by code.
func (s *Service) Towns(ctx context.Context, u *auth.User) ([]Town, error) {
	t, err := s.Regions.Tree(ctx)
	if err != nil {
		return nil, err
	}
	var out []Town
	seen := map[string]bool{}
	for _, root := range u.Scope().Regions {
		r, ok := t.Lookup(root)
		if !ok {
			continue
		}
		for _, d := range append([]region.Region{r}, t.Descendants(root)...) {
			if seen[d.Code] || (d.Level != region.County && d.Level != region.Township) {
				continue
			}
			seen[d.Code] = true
			out = append(out, Town{Code: d.Code, Name: d.Name, District: d.Level == region.County})
		}
	}
	return out, nil
}

// --- Assistants ---

const assistantColumns = `a.id, a.region_code, a.name, a.phone, a.employer, a.position, a.appointed_on, a.ended_on, a.end_reason,
	COALESCE(a.successor_id, 0), a.note, COALESCE(a.created_by, 0), a.created_at, a.updated_at`

func scanAssistant(sc interface{ Scan(...any) error }, extra ...any) (*Assistant, error) {
	a := &Assistant{}
	var ended *calendar.Date
	err := sc.Scan(append([]any{&a.ID, &a.RegionCode, &a.Name, &a.Phone, &a.Employer, &a.Position, &a.AppointedOn, &ended,
		&a.EndReason, &a.SuccessorID, &a.Note, &a.CreatedBy, &a.CreatedAt, &a.UpdatedAt}, extra...)...)
	if ended != nil {
		a.EndedOn = *ended
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, err
}

func (s *Service) getAssistant(ctx context.Context, q db.Querier, u *auth.User, id int64) (*Assistant, error) {
	args := []any{id}
	cond := u.Scope().Where(auth.Columns{Region: "a.region_code"}, &args)
	a, err := scanAssistant(q.QueryRowContext(ctx, `SELECT `+assistantColumns+` FROM quake_assistants a WHERE a.id = $1 AND `+cond, args...))
	if db.IsNoRows(err) {
		return nil, notFound
	}
	return a, db.Normalize(err)
}

// Assistant returns one term of an assistant, or NotFound outside u's
// scope.
func (s *Service) Assistant(ctx context.Context, u *auth.User, id int64) (*Assistant, error) {
	return s.getAssistant(ctx, s.DB, u, id)
}

// AssistantFilter selects assistants for a list.
type AssistantFilter struct {
	RegionCode string
	History    bool   // ended terms too; by default only current assistants
	Query      string // name, phone or employer
	Limit      int
	Offset     int
}

// Assistants returns the assistants in u's scope that match f, by
// township and newest term first, and their total.
func (s *Service) Assistants(ctx context.Context, u *auth.User, f AssistantFilter) ([]*Assistant, int, error) {
	q := scoped(u, "a.region_code")
	if !f.History {
		q.Add("a.ended_on IS NULL")
	}
	if f.RegionCode != "" {
		q.Add(`a.region_code LIKE ? ESCAPE '\'`, escapeLike(f.RegionCode)+"%")
	}
	if t := clean(f.Query); t != "" {
		like := "%" + escapeLike(t) + "%"
		q.Add(`(a.name LIKE ? ESCAPE '\' OR a.phone LIKE ? ESCAPE '\' OR a.employer LIKE ? ESCAPE '\')`, like, like, like)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+assistantColumns+`, COUNT(*) OVER () FROM quake_assistants a WHERE `+q.SQL()+
		` ORDER BY a.region_code, a.appointed_on DESC, a.id DESC`+page(f.Limit, f.Offset), q.Args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	return db.CollectCounted(rows, scanAssistant)
}

// History returns every term of the township's assistants, newest first.
func (s *Service) History(ctx context.Context, u *auth.User, township string) ([]*Assistant, error) {
	list, _, err := s.Assistants(ctx, u, AssistantFilter{RegionCode: township, History: true, Limit: 1000})
	var out []*Assistant
	for _, a := range list {
		if a.RegionCode == township {
			out = append(out, a)
		}
	}
	return out, err
}

// currentOf returns the current assistant of a township, or nil.
func currentOf(ctx context.Context, q db.Querier, township string) (*Assistant, error) {
	a, err := scanAssistant(q.QueryRowContext(ctx, `SELECT `+assistantColumns+` FROM quake_assistants a WHERE a.current_region = $1`, township))
	if db.IsNoRows(err) {
		return nil, nil
	}
	return a, db.Normalize(err)
}

// taken is the error for a second current assistant of a township.
func taken(holder string) error {
	return i18n.FieldError("assistant_region", "quake.assistant.taken", holder)
}

func assistantAudit(a *Assistant) map[string]any {
	return map[string]any{"region_code": a.RegionCode, "name": a.Name, "phone": a.Phone, "employer": a.Employer, "position": a.Position,
		"appointed_on": a.AppointedOn, "ended_on": a.EndedOn, "end_reason": a.EndReason, "successor_id": a.SuccessorID, "note": a.Note}
}

// insertAssistant writes a new current assistant; a unique violation (a
// current one written meanwhile) is the same field error as the check.
func insertAssistant(ctx context.Context, tx *db.Tx, u *auth.User, in AssistantInput) (*Assistant, error) {
	a := &Assistant{RegionCode: in.RegionCode, Name: in.Name, Phone: in.Phone, Employer: in.Employer, Position: in.Position,
		AppointedOn: in.AppointedOn, Note: in.Note, CreatedBy: u.ID, CreatedAt: tx.Now, UpdatedAt: tx.Now}
	err := tx.QueryRowContext(ctx, `INSERT INTO quake_assistants (region_code, current_region, name, phone, employer, position, appointed_on,
		note, created_by, created_at, updated_at) VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
		a.RegionCode, a.Name, a.Phone, a.Employer, a.Position, a.AppointedOn, a.Note, u.ID, tx.Now).Scan(&a.ID)
	if db.IsUnique(err) {
		// Another registration won the race since the check; PostgreSQL
		// has aborted this transaction, so the holder is not read again.
		return nil, taken("")
	}
	return a, db.Normalize(err)
}

// RegisterAssistant registers the assistant of a township that has none.
// A township that has a current assistant refuses a second one: the
// holder changes by Replace, which keeps the history.
func (s *Service) RegisterAssistant(ctx context.Context, u *auth.User, in AssistantInput) (*Assistant, error) {
	if err := MayManage(u); err != nil {
		return nil, err
	}
	in, p := CheckAssistant(in, s.today())
	s.township(ctx, u, in.RegionCode, "assistant_region", &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	var a *Assistant
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		cur, err := currentOf(ctx, tx, in.RegionCode)
		if err != nil {
			return err
		}
		if cur != nil {
			return taken(cur.Name)
		}
		if a, err = insertAssistant(ctx, tx, u, in); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "quake.assistant.register", ObjectType: "quake_assistant",
			ObjectID: strconv.FormatInt(a.ID, 10), RegionCode: a.RegionCode, After: audit.JSON(assistantAudit(a))})
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// endTerm ends the current term of before on endOn, naming the successor
// (0 for none).
func endTerm(ctx context.Context, tx *db.Tx, before *Assistant, endOn calendar.Date, reason string) (*Assistant, error) {
	res, err := tx.ExecContext(ctx, `UPDATE quake_assistants SET ended_on = $1, current_region = NULL, end_reason = $2, updated_at = $3
		WHERE id = $4 AND ended_on IS NULL`, endOn, strings.TrimSpace(reason), tx.Now, before.ID)
	if err != nil {
		return nil, db.Normalize(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, i18n.E(i18n.Conflict, "quake.assistant.ended")
	}
	after := *before
	after.EndedOn, after.EndReason, after.UpdatedAt = endOn, strings.TrimSpace(reason), tx.Now
	return &after, nil
}

// ReplaceAssistant re-registers a township when its assistant changes:
// in one transaction the current term ends on the new assistant's
// appointment date with reason and the new assistant becomes current, so
// the township never has two current assistants and the history keeps
// both. in.RegionCode is taken from the current term.
func (s *Service) ReplaceAssistant(ctx context.Context, u *auth.User, id int64, in AssistantInput, reason string) (*Assistant, error) {
	if err := MayManage(u); err != nil {
		return nil, err
	}
	before, err := s.getAssistant(ctx, s.DB, u, id)
	if err != nil {
		return nil, err
	}
	in.RegionCode = before.RegionCode
	today := s.today()
	in, p := CheckAssistant(in, today)
	for _, e := range CheckSuccession(before, in.AppointedOn, reason, today) {
		if p.Field(e.Field) == nil {
			p = append(p, e)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var a *Assistant
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		cur, err := s.getAssistant(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if !cur.Current() {
			return i18n.E(i18n.Conflict, "quake.assistant.ended")
		}
		old, err := endTerm(ctx, tx, cur, in.AppointedOn, reason)
		if err != nil {
			return err
		}
		if a, err = insertAssistant(ctx, tx, u, in); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE quake_assistants SET successor_id = $1 WHERE id = $2`, a.ID, old.ID); err != nil {
			return db.Normalize(err)
		}
		old.SuccessorID = a.ID
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "quake.assistant.replace", ObjectType: "quake_assistant",
			ObjectID: strconv.FormatInt(a.ID, 10), RegionCode: a.RegionCode, Before: audit.JSON(assistantAudit(cur)),
			After: audit.JSON(map[string]any{"ended": assistantAudit(old), "appointed": assistantAudit(a)}), Reason: reason})
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// EndAssistant ends a term without a successor (the township then has no
// assistant, which the registry flags until one is registered).
func (s *Service) EndAssistant(ctx context.Context, u *auth.User, id int64, endOn calendar.Date, reason string) (*Assistant, error) {
	if err := MayManage(u); err != nil {
		return nil, err
	}
	before, err := s.getAssistant(ctx, s.DB, u, id)
	if err != nil {
		return nil, err
	}
	if p := CheckSuccession(before, endOn, reason, s.today()); len(p) > 0 {
		for _, e := range p {
			if e.Field == "assistant_appointed_on" {
				e.Field = "assistant_ended_on"
			}
		}
		return nil, p
	}
	var a *Assistant
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		cur, err := s.getAssistant(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if a, err = endTerm(ctx, tx, cur, endOn, reason); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "quake.assistant.end", ObjectType: "quake_assistant",
			ObjectID: strconv.FormatInt(id, 10), RegionCode: a.RegionCode, Before: audit.JSON(assistantAudit(cur)),
			After: audit.JSON(assistantAudit(a)), Reason: reason})
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Vacant returns the townships in u's scope without a current assistant.
func (s *Service) Vacant(ctx context.Context, u *auth.User) ([]Town, error) {
	towns, err := s.Towns(ctx, u)
	if err != nil {
		return nil, err
	}
	cur, _, err := s.Assistants(ctx, u, AssistantFilter{Limit: 1000})
	if err != nil {
		return nil, err
	}
	held := map[string]bool{}
	for _, a := range cur {
		held[a.RegionCode] = true
	}
	var out []Town
	for _, t := range towns {
		if !t.District && !held[t.Code] {
			out = append(out, t)
		}
	}
	return out, nil
}

// --- Drills ---

const drillColumns = `d.id, d.region_code, d.site_kind, d.site, d.drill_date, d.scenario, d.participants, d.duration_min, d.evacuation_sec,
	d.rating, d.evaluation, d.version, COALESCE(d.created_by, 0), d.created_at, d.updated_at`

func (s *Service) scanDrill(sc interface{ Scan(...any) error }, extra ...any) (*Drill, error) {
	d := &Drill{}
	err := sc.Scan(append([]any{&d.ID, &d.RegionCode, &d.SiteKind, &d.Site, &d.Date, &d.Scenario, &d.Participants, &d.DurationMin,
		&d.EvacuationSec, &d.Rating, &d.Evaluation, &d.Version, &d.CreatedBy, &d.CreatedAt, &d.UpdatedAt}, extra...)...)
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	d.Planned = d.Date.After(s.today())
	return d, err
}

func (s *Service) getDrill(ctx context.Context, q db.Querier, u *auth.User, id int64) (*Drill, error) {
	args := []any{id}
	cond := u.Scope().Where(auth.Columns{Region: "d.region_code"}, &args)
	d, err := s.scanDrill(q.QueryRowContext(ctx, `SELECT `+drillColumns+` FROM quake_drills d WHERE d.id = $1 AND `+cond, args...))
	if db.IsNoRows(err) {
		return nil, notFound
	}
	return d, db.Normalize(err)
}

// Drill returns one drill, or NotFound outside u's scope.
func (s *Service) Drill(ctx context.Context, u *auth.User, id int64) (*Drill, error) {
	return s.getDrill(ctx, s.DB, u, id)
}

// DrillFilter selects drills for a list.
type DrillFilter struct {
	Year       int
	RegionCode string
	SiteKind   string
	Query      string // site or scenario
	Limit      int
	Offset     int
	Sort       string // date, township, participants; "-" reverses
}

var drillSorts = map[string]string{
	"date": "d.drill_date, d.id", "-date": "d.drill_date DESC, d.id DESC",
	"township": "d.region_code, d.drill_date DESC", "-township": "d.region_code DESC, d.drill_date DESC",
	"participants": "d.participants, d.drill_date DESC", "-participants": "d.participants DESC, d.drill_date DESC",
}

// Drills returns the drills in u's scope that match f, newest first unless
// sorted otherwise, and their total.
func (s *Service) Drills(ctx context.Context, u *auth.User, f DrillFilter) ([]*Drill, int, error) {
	q := scoped(u, "d.region_code")
	if f.Year > 0 {
		from, to := yearRange(f.Year)
		q.Add("d.drill_date >= ?", from)
		q.Add("d.drill_date <= ?", to)
	}
	if f.RegionCode != "" {
		q.Add(`d.region_code LIKE ? ESCAPE '\'`, escapeLike(f.RegionCode)+"%")
	}
	if f.SiteKind != "" {
		q.Add("d.site_kind = ?", f.SiteKind)
	}
	if t := clean(f.Query); t != "" {
		like := "%" + escapeLike(t) + "%"
		q.Add(`(d.site LIKE ? ESCAPE '\' OR d.scenario LIKE ? ESCAPE '\')`, like, like)
	}
	order, ok := drillSorts[f.Sort]
	if !ok {
		order = "d.drill_date DESC, d.id DESC"
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+drillColumns+`, COUNT(*) OVER () FROM quake_drills d WHERE `+q.SQL()+
		` ORDER BY `+order+page(f.Limit, f.Offset), q.Args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	return db.CollectCounted(rows, s.scanDrill)
}

func drillAudit(d *Drill) map[string]any {
	return map[string]any{"region_code": d.RegionCode, "site_kind": d.SiteKind, "site": d.Site, "date": d.Date, "scenario": d.Scenario,
		"participants": d.Participants, "duration_min": d.DurationMin, "evacuation_sec": d.EvacuationSec, "rating": d.Rating,
		"evaluation": d.Evaluation}
}

func (s *Service) prepareDrill(ctx context.Context, u *auth.User, in DrillInput) (DrillInput, error) {
	in, p := CheckDrill(in, s.today())
	s.township(ctx, u, in.RegionCode, "drill_region", &p)
	return in, p.Err()
}

func fillDrill(d *Drill, in DrillInput) {
	d.RegionCode, d.SiteKind, d.Site, d.Date, d.Scenario = in.RegionCode, in.SiteKind, in.Site, in.Date, in.Scenario
	d.Participants, d.DurationMin, d.EvacuationSec, d.Rating, d.Evaluation = in.Participants, in.DurationMin, in.EvacuationSec, in.Rating, in.Evaluation
}

// CreateDrill records a drill (one after today is recorded as planned).
func (s *Service) CreateDrill(ctx context.Context, u *auth.User, in DrillInput) (*Drill, error) {
	if err := MayManage(u); err != nil {
		return nil, err
	}
	in, err := s.prepareDrill(ctx, u, in)
	if err != nil {
		return nil, err
	}
	var d *Drill
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		d = &Drill{Version: 1, CreatedBy: u.ID, CreatedAt: tx.Now, UpdatedAt: tx.Now}
		fillDrill(d, in)
		d.Planned = d.Date.After(s.today())
		if err := tx.QueryRowContext(ctx, `INSERT INTO quake_drills (region_code, site_kind, site, drill_date, scenario, participants,
			duration_min, evacuation_sec, rating, evaluation, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
			d.RegionCode, d.SiteKind, d.Site, d.Date, d.Scenario, d.Participants, d.DurationMin, d.EvacuationSec, d.Rating, d.Evaluation,
			u.ID, tx.Now).Scan(&d.ID); err != nil {
			return db.Normalize(err)
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "quake.drill.create", ObjectType: "quake_drill", ObjectID: strconv.FormatInt(d.ID, 10),
			RegionCode: d.RegionCode, After: audit.JSON(drillAudit(d))})
		return err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// UpdateDrill changes a drill (a planned one gets its results). version is
// the version the editor saw; a save in between is a conflict.
func (s *Service) UpdateDrill(ctx context.Context, u *auth.User, id int64, version int, in DrillInput) (*Drill, error) {
	if err := MayManage(u); err != nil {
		return nil, err
	}
	in, err := s.prepareDrill(ctx, u, in)
	if err != nil {
		return nil, err
	}
	load := func(tx *db.Tx) (*Drill, error) { return s.getDrill(ctx, tx, u, id) }
	return db.Update(ctx, s.DB, version, "quake.stale", load, func(tx *db.Tx, before *Drill) (*Drill, sql.Result, error) {
		after := *before
		fillDrill(&after, in)
		after.Version, after.UpdatedAt, after.Planned = before.Version+1, tx.Now, in.Date.After(s.today())
		res, err := tx.ExecContext(ctx, `UPDATE quake_drills SET region_code = $1, site_kind = $2, site = $3, drill_date = $4, scenario = $5,
			participants = $6, duration_min = $7, evacuation_sec = $8, rating = $9, evaluation = $10, version = version + 1, updated_at = $11
			WHERE id = $12 AND version = $13`, after.RegionCode, after.SiteKind, after.Site, after.Date, after.Scenario, after.Participants,
			after.DurationMin, after.EvacuationSec, after.Rating, after.Evaluation, tx.Now, id, version)
		return &after, res, db.Normalize(err)
	}, func(tx *db.Tx, before, after *Drill) error {
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "quake.drill.update", ObjectType: "quake_drill", ObjectID: strconv.FormatInt(id, 10),
			RegionCode: after.RegionCode, Before: audit.JSON(drillAudit(before)), After: audit.JSON(drillAudit(after))})
		return err
	})
}

// --- Publicity ---

const publicityColumns = `p.id, p.region_code, p.recipient, p.materials, p.quantity, p.distributed_on, p.activity,
	COALESCE(p.created_by, 0), p.created_at`

func scanPublicity(sc interface{ Scan(...any) error }, extra ...any) (*Publicity, error) {
	p := &Publicity{}
	err := sc.Scan(append([]any{&p.ID, &p.RegionCode, &p.Recipient, &p.Materials, &p.Quantity, &p.DistributedOn, &p.Activity,
		&p.CreatedBy, &p.CreatedAt}, extra...)...)
	p.CreatedAt = p.CreatedAt.UTC()
	return p, err
}

// PublicityFilter selects distribution records for a list.
type PublicityFilter struct {
	Year       int
	RegionCode string
	Query      string // recipient, materials or activity
	Limit      int
	Offset     int
}

// Publicities returns the distribution records in u's scope that match f,
// newest first, and their total.
func (s *Service) Publicities(ctx context.Context, u *auth.User, f PublicityFilter) ([]*Publicity, int, error) {
	q := scoped(u, "p.region_code")
	if f.Year > 0 {
		from, to := yearRange(f.Year)
		q.Add("p.distributed_on >= ?", from)
		q.Add("p.distributed_on <= ?", to)
	}
	if f.RegionCode != "" {
		q.Add(`p.region_code LIKE ? ESCAPE '\'`, escapeLike(f.RegionCode)+"%")
	}
	if t := clean(f.Query); t != "" {
		like := "%" + escapeLike(t) + "%"
		q.Add(`(p.recipient LIKE ? ESCAPE '\' OR p.materials LIKE ? ESCAPE '\' OR p.activity LIKE ? ESCAPE '\')`, like, like, like)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+publicityColumns+`, COUNT(*) OVER () FROM quake_publicity p WHERE `+q.SQL()+
		` ORDER BY p.distributed_on DESC, p.id DESC`+page(f.Limit, f.Offset), q.Args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	return db.CollectCounted(rows, scanPublicity)
}

// CreatePublicity records a distribution of materials.
func (s *Service) CreatePublicity(ctx context.Context, u *auth.User, in PublicityInput) (*Publicity, error) {
	if err := MayManage(u); err != nil {
		return nil, err
	}
	in, p := CheckPublicity(in, s.today())
	s.township(ctx, u, in.RegionCode, "publicity_region", &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	var out *Publicity
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		out = &Publicity{RegionCode: in.RegionCode, Recipient: in.Recipient, Materials: in.Materials, Quantity: in.Quantity,
			DistributedOn: in.DistributedOn, Activity: in.Activity, CreatedBy: u.ID, CreatedAt: tx.Now}
		if err := tx.QueryRowContext(ctx, `INSERT INTO quake_publicity (region_code, recipient, materials, quantity, distributed_on, activity,
			created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, out.RegionCode, out.Recipient, out.Materials,
			out.Quantity, out.DistributedOn, out.Activity, u.ID, tx.Now).Scan(&out.ID); err != nil {
			return db.Normalize(err)
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "quake.publicity.create", ObjectType: "quake_publicity",
			ObjectID: strconv.FormatInt(out.ID, 10), RegionCode: out.RegionCode, After: audit.JSON(out)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// --- Summary ---

// Summary returns the yearly summary per township in u's scope (see
// Summarise), the total last.
func (s *Service) Summary(ctx context.Context, u *auth.User, year int) ([]SummaryRow, error) {
	towns, err := s.Towns(ctx, u)
	if err != nil {
		return nil, err
	}
	cur, _, err := s.Assistants(ctx, u, AssistantFilter{Limit: 1000})
	if err != nil {
		return nil, err
	}
	current := map[string]string{}
	for _, a := range cur {
		current[a.RegionCode] = a.Name
	}
	var drills []Drill
	for off := 0; ; off += 1000 {
		list, total, err := s.Drills(ctx, u, DrillFilter{Year: year, Limit: 1000, Offset: off})
		if err != nil {
			return nil, err
		}
		for _, d := range list {
			drills = append(drills, *d)
		}
		if off+1000 >= total {
			break
		}
	}
	var pubs []Publicity
	for off := 0; ; off += 1000 {
		list, total, err := s.Publicities(ctx, u, PublicityFilter{Year: year, Limit: 1000, Offset: off})
		if err != nil {
			return nil, err
		}
		for _, p := range list {
			pubs = append(pubs, *p)
		}
		if off+1000 >= total {
			break
		}
	}
	var trainings []Training
	if s.Trainings != nil {
		if trainings, err = s.Trainings.QuakeTrainings(ctx, u, year, ""); err != nil {
			return nil, err
		}
	}
	return Summarise(towns, current, drills, trainings, pubs), nil
}
