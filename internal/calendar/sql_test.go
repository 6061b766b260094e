package calendar_test

import (
	"testing"

	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
)

// TestDateColumns stores dates through Value and reads them back through Scan
// on each engine, in a TEXT column and a DATE column (which PostgreSQL and
// the SQLite driver return as time.Time), with the zero Date as NULL.
func TestDateColumns(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		if _, err := d.ExecContext(ctx, `CREATE TABLE calendar_date_test (id INTEGER PRIMARY KEY, as_text TEXT, as_date DATE)`); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			date calendar.Date
		}{
			{"date", calendar.MustParse("2026-11-28")},
			{"leap day", calendar.MustParse("2024-02-29")},
			{"zero is NULL", calendar.Date{}},
		}
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if _, err := d.ExecContext(ctx, `INSERT INTO calendar_date_test (id, as_text, as_date) VALUES ($1, $2, $3)`, i, tc.date, tc.date); err != nil {
					t.Fatal(err)
				}
				asText, asDate := calendar.MustParse("2000-01-01"), calendar.MustParse("2000-01-01")
				if err := d.QueryRowContext(ctx, `SELECT as_text, as_date FROM calendar_date_test WHERE id = $1`, i).Scan(&asText, &asDate); err != nil {
					t.Fatal(err)
				}
				if asText != tc.date || asDate != tc.date {
					t.Errorf("got TEXT %v and DATE %v, want %v", asText, asDate, tc.date)
				}
			})
		}
	})
}
