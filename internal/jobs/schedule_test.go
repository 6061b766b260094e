package jobs

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Shanghai on machines without a zoneinfo database

	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
)

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestNextDue(t *testing.T) {
	sh := shanghai(t)
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		next func(time.Time) time.Time
		now  string
		want string
	}{
		{"hourly, mid-hour", everyNext(time.Hour), "2026-03-02T09:30:00Z", "2026-03-02T10:00:00Z"},
		{"hourly, on the hour", everyNext(time.Hour), "2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z"},
		{"quarter, just before", everyNext(15 * time.Minute), "2026-03-02T10:14:59.9Z", "2026-03-02T10:15:00Z"},
		{"hourly, from another zone", everyNext(time.Hour), "2026-03-02T17:30:00+08:00", "2026-03-02T10:00:00Z"},
		{"daily 02:00 Shanghai, afternoon", dailyNext(2, 0, sh), "2026-03-02T09:30:00Z", "2026-03-02T18:00:00Z"},
		{"daily 02:00 Shanghai, a minute before", dailyNext(2, 0, sh), "2026-03-01T17:59:00Z", "2026-03-01T18:00:00Z"},
		{"daily 02:00 Shanghai, at the time", dailyNext(2, 0, sh), "2026-03-01T18:00:00Z", "2026-03-02T18:00:00Z"},
		{"daily 23:30 UTC, new year", dailyNext(23, 30, time.UTC), "2026-12-31T23:45:00Z", "2027-01-01T23:30:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.next(utc(tc.now))
			if want := utc(tc.want); !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("got %v, want %v in UTC", got, want)
			}
		})
	}
}

// clock is a settable time source for db.DB.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// TestScheduleOnePerDueTime has two queues with the same schedules race to
// enqueue the next occurrence, skipping the unlocked pre-check so that every
// attempt reaches the transaction.
func TestScheduleOnePerDueTime(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		clk := &clock{t: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)}
		d.Now = clk.Now
		qa, qb := newQueue(t, d), newQueue(t, d)
		for _, q := range []*Queue{qa, qb} {
			q.Every("tick", time.Hour)
			q.Daily("nightly", 2, 0, shanghai(t))
		}

		race := func(direct bool) {
			t.Helper()
			var wg sync.WaitGroup
			for range 6 {
				for _, q := range []*Queue{qa, qb} {
					wg.Go(func() {
						for _, s := range q.scheduleList() {
							var err error
							if direct {
								_, err = q.enqueueScheduled(ctx, s.kind, s.next(q.now()))
							} else {
								_, err = q.schedule(ctx, s)
							}
							if err != nil {
								t.Error(err)
							}
						}
					})
				}
			}
			wg.Wait()
		}
		runAts := func(kind string) []time.Time {
			t.Helper()
			rows, err := d.QueryContext(ctx, `SELECT run_at FROM jobs WHERE kind = $1 ORDER BY run_at`, kind)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []time.Time
			for rows.Next() {
				var at time.Time
				if err := rows.Scan(&at); err != nil {
					t.Fatal(err)
				}
				out = append(out, at.UTC())
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			return out
		}
		check := func(step, kind string, want ...time.Time) {
			t.Helper()
			got := runAts(kind)
			if len(got) != len(want) {
				t.Fatalf("%s: %s jobs at %v, want %v", step, kind, got, want)
			}
			for i := range got {
				if !got[i].Equal(want[i]) {
					t.Errorf("%s: %s job %d at %v, want %v", step, kind, i, got[i], want[i])
				}
			}
		}
		ten := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		nightly := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC) // 02:00 on 3 March in Shanghai

		race(true)
		check("first race", "tick", ten)
		check("first race", "nightly", nightly)

		race(false)
		check("while pending", "tick", ten)

		// The hour comes: the jobs run, and the next hour is scheduled once;
		// the nightly job keeps its due time, which has a job already.
		clk.Set(ten)
		if _, err := d.ExecContext(ctx, `UPDATE jobs SET done_at = $1, attempts = 1`, ten); err != nil {
			t.Fatal(err)
		}
		race(true)
		check("next hour", "tick", ten, ten.Add(time.Hour))
		check("next hour", "nightly", nightly)
	})
}

// TestScheduleWithRun runs two queues with the same short schedule for a
// few occurrences and checks that no due time got two jobs.
func TestScheduleWithRun(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		var qs []*Queue
		for range 2 {
			q := newQueue(t, d)
			q.Every("beat", 150*time.Millisecond)
			q.Handle("beat", func(context.Context, json.RawMessage) error { return nil })
			qs = append(qs, q)
		}
		stopA, stopB := start(t, qs[0], 2), start(t, qs[1], 2)
		waitFor(t, "three beats", func() (bool, error) {
			var n int
			err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = 'beat' AND done_at IS NOT NULL`).Scan(&n)
			return n >= 3, err
		})
		stopA()
		stopB()
		var dups int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT run_at FROM jobs WHERE kind = 'beat'
			GROUP BY run_at HAVING COUNT(*) > 1) AS d`).Scan(&dups); err != nil {
			t.Fatal(err)
		}
		if dups != 0 {
			t.Errorf("%d due times have more than one job", dups)
		}
		var pending int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = 'beat' AND done_at IS NULL`).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if pending > 1 {
			t.Errorf("%d beat jobs pending, want at most one", pending)
		}
	})
}
