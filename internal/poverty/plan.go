package poverty

import (
	"context"
	"strings"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/money"
)

// --- Income by year ---

// Income is a household's per-capita net income (人均纯收入) in a year.
type Income struct {
	Year      int       `json:"year"`
	PerCapita money.Fen `json:"per_capita"`
}

func incomes(ctx context.Context, q db.Querier, householdID int64) ([]Income, error) {
	rows, err := q.QueryContext(ctx, `SELECT year, per_capita FROM poverty_incomes WHERE household_id = $1 ORDER BY year DESC`, householdID)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (Income, error) {
		var in Income
		return in, sc.Scan(&in.Year, &in.PerCapita)
	})
}

// SetIncome records a household's per-capita net income of a year (typed
// in 元), replacing the year's earlier figure; the audit event keeps both.
func (s *Service) SetIncome(ctx context.Context, u *auth.User, householdID int64, year int, amount string) (Income, error) {
	if err := mayManage(u); err != nil {
		return Income{}, err
	}
	var p i18n.Problems
	if year < 2000 || year > 2100 {
		p.Add("year", "error.invalid_value")
	}
	f, err := money.ParseYuan(amount)
	if err != nil {
		p.AddErr("per_capita", err)
	}
	if err := p.Err(); err != nil {
		return Income{}, err
	}
	in := Income{Year: year, PerCapita: f}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		h, err := s.getHousehold(ctx, tx, u, householdID)
		if err != nil {
			return err
		}
		if year > today(tx).Year {
			return i18n.FieldError("year", "poverty.income.future")
		}
		var before *Income
		var old money.Fen
		err = tx.QueryRowContext(ctx, `SELECT per_capita FROM poverty_incomes WHERE household_id = $1 AND year = $2`, h.ID, year).Scan(&old)
		switch {
		case err == nil:
			before = &Income{Year: year, PerCapita: old}
		case !db.IsNoRows(err):
			return db.Normalize(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO poverty_incomes (household_id, year, per_capita, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (household_id, year) DO UPDATE SET per_capita = excluded.per_capita, updated_at = excluded.updated_at`,
			h.ID, year, f, tx.Now); err != nil {
			return db.Normalize(err)
		}
		ev := audit.Event{Action: "poverty.income.set", ObjectType: objHousehold, ObjectID: idOf(h.ID), RegionCode: h.RegionCode, After: audit.JSON(in)}
		if before != nil {
			ev.Before = audit.JSON(before)
		}
		_, err = s.Audit.Append(ctx, tx, event(ctx, u, ev))
		return err
	})
	return in, err
}

// --- 一户一策 ---

// Measure is one assistance measure (帮扶措施) of a household's plan, with
// its responsible cadre (帮扶责任人) and target date.
type Measure struct {
	ID          int64         `json:"id"`
	HouseholdID int64         `json:"household_id"`
	Measure     string        `json:"measure"`
	Cadre       string        `json:"cadre"`
	TargetOn    calendar.Date `json:"target_on"`
	Done        bool          `json:"done"`
	DoneOn      calendar.Date `json:"done_on,omitzero"`
}

// Overdue reports whether the measure is not done and its target date is
// before on.
func (m *Measure) Overdue(on calendar.Date) bool { return !m.Done && m.TargetOn.Before(on) }

// MeasureInput is a new measure of a plan.
type MeasureInput struct {
	Measure  string `json:"measure"`
	Cadre    string `json:"cadre"`
	TargetOn string `json:"target_on"`
}

func measures(ctx context.Context, q db.Querier, householdID int64) ([]*Measure, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, household_id, measure, cadre, target_on, done, done_on FROM poverty_measures
		WHERE household_id = $1 ORDER BY target_on, id`, householdID)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, scanMeasure)
}

func scanMeasure(sc interface{ Scan(...any) error }) (*Measure, error) {
	m := &Measure{}
	var target, done string
	if err := sc.Scan(&m.ID, &m.HouseholdID, &m.Measure, &m.Cadre, &target, &m.Done, &done); err != nil {
		return nil, err
	}
	m.TargetOn, m.DoneOn = rowDate(target), rowDate(done)
	return m, nil
}

// AddMeasure adds a measure to a household's plan: the measure, the
// responsible cadre and the target date are required.
func (s *Service) AddMeasure(ctx context.Context, u *auth.User, householdID int64, in MeasureInput) (*Measure, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var p i18n.Problems
	m := &Measure{HouseholdID: householdID, Measure: clean(in.Measure), Cadre: clean(in.Cadre)}
	requiredText(&p, "measure", m.Measure)
	requiredText(&p, "cadre", m.Cadre)
	d, err := calendar.Parse(clean(in.TargetOn))
	if err != nil {
		p.Add("target_on", "error.invalid_date")
	}
	m.TargetOn = d
	if err := p.Err(); err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		h, err := s.getHousehold(ctx, tx, u, householdID)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO poverty_measures (household_id, measure, cadre, target_on, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, h.ID, m.Measure, m.Cadre, m.TargetOn.String(), tx.Now).Scan(&m.ID); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, event(ctx, u, audit.Event{Action: "poverty.measure.add", ObjectType: objHousehold,
			ObjectID: idOf(h.ID), RegionCode: h.RegionCode, After: audit.JSON(m)}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// CompleteMeasure marks a measure done on a date (not after today).
func (s *Service) CompleteMeasure(ctx context.Context, u *auth.User, measureID int64, doneOn string) (*Measure, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	d, err := calendar.Parse(clean(doneOn))
	if err != nil {
		return nil, i18n.FieldError("done_on", "error.invalid_date")
	}
	var m *Measure
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if d.After(today(tx)) {
			return i18n.FieldError("done_on", "poverty.date_future")
		}
		var hid int64
		if err := tx.QueryRowContext(ctx, `SELECT household_id FROM poverty_measures WHERE id = $1`, measureID).Scan(&hid); db.IsNoRows(err) {
			return notFound()
		} else if err != nil {
			return db.Normalize(err)
		}
		h, err := s.getHousehold(ctx, tx, u, hid)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE poverty_measures SET done = TRUE, done_on = $1 WHERE id = $2 AND NOT done`, d.String(), measureID)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return i18n.E(i18n.Conflict, "poverty.measure.already_done")
		}
		if m, err = scanMeasure(tx.QueryRowContext(ctx, `SELECT id, household_id, measure, cadre, target_on, done, done_on
			FROM poverty_measures WHERE id = $1`, measureID)); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, event(ctx, u, audit.Event{Action: "poverty.measure.done", ObjectType: objHousehold,
			ObjectID: idOf(h.ID), RegionCode: h.RegionCode, After: audit.JSON(m)}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// --- 走访记录 ---

// Visit is a follow-up visit to a household.
type Visit struct {
	ID          int64         `json:"id"`
	HouseholdID int64         `json:"household_id"`
	VisitedOn   calendar.Date `json:"visited_on"`
	Visitor     string        `json:"visitor"`
	Notes       string        `json:"notes"`
}

// VisitInput is a new visit.
type VisitInput struct {
	VisitedOn string `json:"visited_on"`
	Visitor   string `json:"visitor"`
	Notes     string `json:"notes"`
}

// MaxNotes is the longest visit note, in characters.
const MaxNotes = 2000

func visits(ctx context.Context, q db.Querier, householdID int64) ([]*Visit, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, household_id, visited_on, visitor, notes FROM poverty_visits
		WHERE household_id = $1 ORDER BY visited_on DESC, id DESC`, householdID)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (*Visit, error) {
		v := &Visit{}
		var on string
		err := sc.Scan(&v.ID, &v.HouseholdID, &on, &v.Visitor, &v.Notes)
		v.VisitedOn = rowDate(on)
		return v, err
	})
}

// AddVisit records a visit to a household: its date (not after today), the
// visitor, and notes.
func (s *Service) AddVisit(ctx context.Context, u *auth.User, householdID int64, in VisitInput) (*Visit, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var p i18n.Problems
	v := &Visit{HouseholdID: householdID, Visitor: clean(in.Visitor), Notes: strings.TrimSpace(in.Notes)}
	d, err := calendar.Parse(clean(in.VisitedOn))
	if err != nil {
		p.Add("visited_on", "error.invalid_date")
	}
	v.VisitedOn = d
	requiredText(&p, "visitor", v.Visitor)
	if tooLong(v.Notes, MaxNotes) {
		p.Add("notes", "error.too_long", MaxNotes)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		h, err := s.getHousehold(ctx, tx, u, householdID)
		if err != nil {
			return err
		}
		if d.After(today(tx)) {
			return i18n.FieldError("visited_on", "poverty.date_future")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO poverty_visits (household_id, visited_on, visitor, notes, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, h.ID, d.String(), v.Visitor, v.Notes, u.ID, tx.Now).Scan(&v.ID); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, event(ctx, u, audit.Event{Action: "poverty.visit.add", ObjectType: objHousehold,
			ObjectID: idOf(h.ID), RegionCode: h.RegionCode, After: audit.JSON(v)}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

func requiredText(p *i18n.Problems, field, v string) {
	switch {
	case v == "":
		p.Add(field, "error.required")
	case tooLong(v, MaxText):
		p.Add(field, "error.too_long", MaxText)
	}
}
