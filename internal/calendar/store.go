package calendar

import (
	"context"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"kejiju/internal/audit"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// Store keeps the bureau's own entries — a new year's notice, a
// correction — in the holidays table, on top of the embedded defaults, and
// holds the calendar in force.
type Store struct {
	DB      *db.DB
	Audit   *audit.Log
	current atomic.Pointer[Calendar]
}

// Current returns the calendar in force (the defaults until Load runs).
func (s *Store) Current() *Calendar {
	if c := s.current.Load(); c != nil {
		return c
	}
	return Default()
}

// Own returns the bureau's entries, sorted by date.
func (s *Store) Own(ctx context.Context) ([]Entry, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT day, kind, name FROM holidays ORDER BY day`)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var kind string
		if err := rows.Scan(&e.Date, &kind, &e.Name); err != nil {
			return nil, db.Normalize(err)
		}
		e.Kind = Holiday
		if kind == Workday.String() {
			e.Kind = Workday
		}
		out = append(out, e)
	}
	return out, db.Normalize(rows.Err())
}

// Load builds the calendar in force from the defaults and the bureau's
// entries (which win on the same date).
func (s *Store) Load(ctx context.Context) error {
	own, err := s.Own(ctx)
	if err != nil {
		return err
	}
	c, err := New(append(Default().Entries(), own...))
	if err != nil {
		return i18n.Wrap(err, "calendar: load")
	}
	s.current.Store(c)
	return nil
}

// Save records the bureau's entry for one date (replacing an earlier one),
// audited, and puts it in force.
func (s *Store) Save(ctx context.Context, e Entry, reason string) error {
	var p i18n.Problems
	e.Name = strings.TrimSpace(e.Name)
	if !e.Date.IsValid() {
		p.Add("day", "error.invalid_date")
	}
	if e.Kind != Holiday && e.Kind != Workday {
		p.Add("kind", "error.invalid_value")
	}
	switch n := utf8.RuneCountInString(e.Name); {
	case n == 0:
		p.Add("name", "error.required")
	case n > 20:
		p.Add("name", "error.too_long", 20)
	}
	if err := p.Err(); err != nil {
		return err
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before := ""
		var kind, name string
		if err := tx.QueryRowContext(ctx, `SELECT kind, name FROM holidays WHERE day = $1`, e.Date).Scan(&kind, &name); err == nil {
			before = audit.JSON(map[string]string{"kind": kind, "name": name})
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO holidays (day, kind, name) VALUES ($1, $2, $3)
			ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name`, e.Date, e.Kind.String(), e.Name); err != nil {
			return db.Normalize(err)
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "calendar.save", ObjectType: "holiday", ObjectID: e.Date.String(),
			Before: before, After: audit.JSON(map[string]string{"kind": e.Kind.String(), "name": e.Name}), Reason: reason})
		return err
	})
	if err != nil {
		return err
	}
	return s.Load(ctx)
}

// Delete removes the bureau's entry for a date, audited; the default for
// that date (if any) applies again.
func (s *Store) Delete(ctx context.Context, d Date, reason string) error {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM holidays WHERE day = $1`, d)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return i18n.E(i18n.NotFound, "error.not_found")
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "calendar.delete", ObjectType: "holiday", ObjectID: d.String(), Reason: reason})
		return err
	})
	if err != nil {
		return err
	}
	return s.Load(ctx)
}
