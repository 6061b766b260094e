package event

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

// Service runs every read through the caller's data scope and every change
// in one transaction with its audit event.
type Service struct {
	DB      *db.DB
	Audit   *audit.Log
	Regions *region.Store
}

// today is the current date in Beijing by the database's clock.
func (s *Service) today() calendar.Date { return calendar.FromTime(s.DB.Now(), nil) }

// MayManage refuses users who may not record field work: a read-only
// scope, no PermFieldManage, or an enterprise user.
func MayManage(u *auth.User) error {
	if err := u.MayWrite(); err != nil {
		return err
	}
	if !u.Can(auth.PermFieldManage) || u.IsEnterprise() {
		return i18n.E(i18n.Forbidden, "error.forbidden")
	}
	return nil
}

// notFound is what a record outside the caller's scope looks like: the same
// answer as a record that does not exist.
var notFound = i18n.E(i18n.NotFound, "error.not_found")

// CheckRegion returns the region with code if u may record work there: a
// district or a township (or, with township set, a township only) inside
// u's scope. Anything else is an error on field.
func CheckRegion(ctx context.Context, rs *region.Store, u *auth.User, code, field string, township bool) (region.Region, error) {
	t, err := rs.Tree(ctx)
	if err != nil {
		return region.Region{}, err
	}
	r, ok := t.Lookup(code)
	switch {
	case !ok || !u.Scope().Allows(code, 0):
		return r, i18n.FieldError(field, "event.region.outside")
	case township && r.Level != region.Township:
		return r, i18n.FieldError(field, "event.region.township")
	case r.Level != region.Township && r.Level != region.County:
		return r, i18n.FieldError(field, "event.region.level")
	}
	return r, nil
}

// scope are the columns the data scope filters events on.
var scope = auth.Columns{Region: "e.region_code"}

const columns = `e.id, e.kind, e.domain, e.title, e.event_date, e.place, e.organiser, e.region_code, e.planned, e.attended,
	e.duration_min, e.materials, e.materials_count, e.outcome, e.version, COALESCE(e.created_by, 0), e.created_at, e.updated_at`

func (s *Service) scan(sc interface{ Scan(...any) error }, extra ...any) (*Event, error) {
	e := &Event{}
	err := sc.Scan(append([]any{&e.ID, &e.Kind, &e.Domain, &e.Title, &e.Date, &e.Place, &e.Organiser, &e.RegionCode, &e.Planned,
		&e.Attended, &e.DurationMin, &e.Materials, &e.MaterialsN, &e.Outcome, &e.Version, &e.CreatedBy, &e.CreatedAt, &e.UpdatedAt}, extra...)...)
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	e.Upcoming = e.Date.After(s.today())
	return e, err
}

func (s *Service) get(ctx context.Context, q db.Querier, u *auth.User, id int64) (*Event, error) {
	args := []any{id}
	cond := u.Scope().Where(scope, &args)
	e, err := s.scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM events e WHERE e.id = $1 AND `+cond, args...))
	if db.IsNoRows(err) {
		return nil, notFound
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	rows, err := q.QueryContext(ctx, `SELECT name, unit, phone FROM event_attendees WHERE event_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	for rows.Next() {
		var a Attendee
		if err := rows.Scan(&a.Name, &a.Unit, &a.Phone); err != nil {
			return nil, db.Normalize(err)
		}
		e.Attendees = append(e.Attendees, a)
	}
	return e, db.Normalize(rows.Err())
}

// Event returns one event with its sign-in sheet, or NotFound when it does
// not exist or lies outside u's scope.
func (s *Service) Event(ctx context.Context, u *auth.User, id int64) (*Event, error) {
	return s.get(ctx, s.DB, u, id)
}

// Filter selects events for a list.
type Filter struct {
	Year       int
	RegionCode string // a township (or the district)
	Kind       string
	Domain     string
	Query      string // title, place or organiser
	Limit      int
	Offset     int
	Sort       string // date, kind, township, attended; "-" reverses
}

var sorts = map[string]string{
	"date": "e.event_date, e.id", "-date": "e.event_date DESC, e.id DESC",
	"kind": "e.kind, e.event_date DESC", "-kind": "e.kind DESC, e.event_date DESC",
	"township": "e.region_code, e.event_date DESC", "-township": "e.region_code DESC, e.event_date DESC",
	"attended": "e.attended, e.event_date DESC", "-attended": "e.attended DESC, e.event_date DESC",
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// where builds the scoped condition of f.
func where(u *auth.User, f Filter) *db.Where {
	q := &db.Where{}
	q.AddNumbered(u.Scope().Where(scope, &q.Args))
	if f.Year > 0 {
		from, to := YearRange(f.Year)
		q.Add("e.event_date >= ?", from)
		q.Add("e.event_date <= ?", to)
	}
	if f.RegionCode != "" {
		q.Add(`e.region_code LIKE ? ESCAPE '\'`, escapeLike(f.RegionCode)+"%")
	}
	if f.Kind != "" {
		q.Add("e.kind = ?", f.Kind)
	}
	if f.Domain != "" {
		q.Add("e.domain = ?", f.Domain)
	}
	if t := Clean(f.Query); t != "" {
		like := "%" + escapeLike(t) + "%"
		q.Add(`(e.title LIKE ? ESCAPE '\' OR e.place LIKE ? ESCAPE '\' OR e.organiser LIKE ? ESCAPE '\')`, like, like, like)
	}
	return q
}

// limit bounds a page size: 20 by default, 1000 at most.
func limit(n int) int {
	if n <= 0 || n > 1000 {
		return 20
	}
	return n
}

// Events returns the events in u's scope that match f, newest first unless
// sorted otherwise, and their total.
func (s *Service) Events(ctx context.Context, u *auth.User, f Filter) ([]*Event, int, error) {
	q := where(u, f)
	order, ok := sorts[f.Sort]
	if !ok {
		order = "e.event_date DESC, e.id DESC"
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+columns+`, COUNT(*) OVER () FROM events e WHERE `+q.SQL()+
		` ORDER BY `+order+fmt.Sprintf(` LIMIT %d OFFSET %d`, limit(f.Limit), max(f.Offset, 0)), q.Args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	return db.CollectCounted(rows, s.scan)
}

// Summary returns the yearly summary by kind of the events in u's scope
// that match f (its year, township, kind and domain), the total last.
func (s *Service) Summary(ctx context.Context, u *auth.User, f Filter) ([]SummaryRow, error) {
	q := where(u, f)
	rows, err := s.DB.QueryContext(ctx, `SELECT e.kind, COUNT(*), COALESCE(SUM(e.planned), 0), COALESCE(SUM(e.attended), 0),
		COALESCE(SUM(e.materials_count), 0) FROM events e WHERE `+q.SQL()+` GROUP BY e.kind`, q.Args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	by := map[string]SummaryRow{}
	for rows.Next() {
		var r SummaryRow
		if err := rows.Scan(&r.Kind, &r.Events, &r.Planned, &r.Attended, &r.MaterialsN); err != nil {
			return nil, db.Normalize(err)
		}
		by[r.Kind] = r
	}
	if err := rows.Err(); err != nil {
		return nil, db.Normalize(err)
	}
	return Summarise(by), nil
}

// prepare validates in for u: the pure checks, then the region.
func (s *Service) prepare(ctx context.Context, u *auth.User, in Input) (Input, error) {
	in, p := Check(in, s.today())
	if in.RegionCode != "" && p.Field("event_region") == nil {
		if _, err := CheckRegion(ctx, s.Regions, u, in.RegionCode, "event_region", false); err != nil {
			if i18n.ErrorCode(err) != i18n.Invalid {
				return in, err
			}
			p.AddErr("event_region", err)
		}
	}
	return in, p.Err()
}

// audited is what the audit log keeps of an event.
func audited(e *Event) map[string]any {
	return map[string]any{"kind": e.Kind, "domain": e.Domain, "title": e.Title, "date": e.Date, "place": e.Place,
		"organiser": e.Organiser, "region_code": e.RegionCode, "planned": e.Planned, "attended": e.Attended,
		"duration_min": e.DurationMin, "materials": e.Materials, "materials_count": e.MaterialsN, "outcome": e.Outcome,
		"attendees": len(e.Attendees)}
}

func saveAttendees(ctx context.Context, tx *db.Tx, e *Event) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM event_attendees WHERE event_id = $1`, e.ID); err != nil {
		return db.Normalize(err)
	}
	for i, a := range e.Attendees {
		if _, err := tx.ExecContext(ctx, `INSERT INTO event_attendees (event_id, seq, name, unit, phone) VALUES ($1, $2, $3, $4, $5)`,
			e.ID, i+1, a.Name, a.Unit, a.Phone); err != nil {
			return db.Normalize(err)
		}
	}
	return nil
}

func fill(e *Event, in Input) {
	e.Kind, e.Domain, e.Title, e.Date, e.Place, e.Organiser, e.RegionCode = in.Kind, in.Domain, in.Title, in.Date, in.Place, in.Organiser, in.RegionCode
	e.Planned, e.Attended, e.DurationMin, e.Materials, e.MaterialsN, e.Outcome = in.Planned, in.Attended, in.DurationMin, in.Materials, in.MaterialsN, in.Outcome
	e.Attendees = in.Attendees
}

// Create records an event with its sign-in sheet.
func (s *Service) Create(ctx context.Context, u *auth.User, in Input) (*Event, error) {
	if err := MayManage(u); err != nil {
		return nil, err
	}
	in, err := s.prepare(ctx, u, in)
	if err != nil {
		return nil, err
	}
	var e *Event
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		e = &Event{Version: 1, CreatedBy: u.ID, CreatedAt: tx.Now, UpdatedAt: tx.Now}
		fill(e, in)
		e.Upcoming = e.Date.After(s.today())
		if err := tx.QueryRowContext(ctx, `INSERT INTO events (kind, domain, title, event_date, place, organiser, region_code, planned,
			attended, duration_min, materials, materials_count, outcome, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id`,
			e.Kind, e.Domain, e.Title, e.Date, e.Place, e.Organiser, e.RegionCode, e.Planned, e.Attended, e.DurationMin,
			e.Materials, e.MaterialsN, e.Outcome, u.ID, tx.Now).Scan(&e.ID); err != nil {
			return db.Normalize(err)
		}
		if err := saveAttendees(ctx, tx, e); err != nil {
			return err
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "event.create", ObjectType: "event", ObjectID: strconv.FormatInt(e.ID, 10),
			RegionCode: e.RegionCode, After: audit.JSON(audited(e))})
		return err
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Update changes an event and replaces its sign-in sheet. version is the
// version the editor saw; a save in between is a conflict.
func (s *Service) Update(ctx context.Context, u *auth.User, id int64, version int, in Input) (*Event, error) {
	if err := MayManage(u); err != nil {
		return nil, err
	}
	in, err := s.prepare(ctx, u, in)
	if err != nil {
		return nil, err
	}
	load := func(tx *db.Tx) (*Event, error) { return s.get(ctx, tx, u, id) }
	return db.Update(ctx, s.DB, version, "event.stale", load, func(tx *db.Tx, before *Event) (*Event, sql.Result, error) {
		after := *before
		fill(&after, in)
		after.Version, after.UpdatedAt, after.Upcoming = before.Version+1, tx.Now, in.Date.After(s.today())
		res, err := tx.ExecContext(ctx, `UPDATE events SET kind = $1, domain = $2, title = $3, event_date = $4, place = $5, organiser = $6,
			region_code = $7, planned = $8, attended = $9, duration_min = $10, materials = $11, materials_count = $12, outcome = $13,
			version = version + 1, updated_at = $14 WHERE id = $15 AND version = $16`,
			after.Kind, after.Domain, after.Title, after.Date, after.Place, after.Organiser, after.RegionCode, after.Planned, after.Attended,
			after.DurationMin, after.Materials, after.MaterialsN, after.Outcome, tx.Now, id, version)
		return &after, res, db.Normalize(err)
	}, func(tx *db.Tx, before, after *Event) error {
		if err := saveAttendees(ctx, tx, after); err != nil {
			return err
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "event.update", ObjectType: "event", ObjectID: strconv.FormatInt(id, 10),
			RegionCode: after.RegionCode, Before: audit.JSON(audited(before)), After: audit.JSON(audited(after))})
		return err
	})
}

// QuakeTraining is what the quake area needs to know of a training.
type QuakeTraining struct {
	ID         int64
	Date       calendar.Date
	Title      string
	RegionCode string
	Attended   int
}

// QuakeTrainings returns the trainings of the quake domain in u's scope in
// year (every year when 0) under region ("" for the whole scope), by date.
func (s *Service) QuakeTrainings(ctx context.Context, u *auth.User, year int, region string) ([]QuakeTraining, error) {
	q := where(u, Filter{Year: year, RegionCode: region, Kind: Training, Domain: Quake})
	rows, err := s.DB.QueryContext(ctx, `SELECT e.id, e.event_date, e.title, e.region_code, e.attended FROM events e WHERE `+q.SQL()+
		` ORDER BY e.event_date, e.id`, q.Args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (QuakeTraining, error) {
		var t QuakeTraining
		err := sc.Scan(&t.ID, &t.Date, &t.Title, &t.RegionCode, &t.Attended)
		return t, err
	})
}
