package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"kejiju/internal/db"
)

// A schedule enqueues a job of its kind for each due time that next gives.
//
// The scheduler keeps the next occurrence enqueued ahead of time: when no
// pending job of the kind exists and no job of the kind has the next due
// time as its run_at, it inserts one with that run_at and {} as arguments.
// So at most one job waits per due time and per kind, missed occurrences
// (all processes down) collapse into the one that was waiting, and the
// operator sees the next run among the pending jobs.
type schedule struct {
	kind string
	next func(now time.Time) time.Time // the first due time after now, in UTC
}

// Every schedules a job of kind at every multiple of interval (counted from
// UTC midnight for intervals that divide a day). Run checks the schedules
// every ScheduleTick, so intervals shorter than that skip occurrences. It
// panics if interval is not positive or kind is already scheduled.
func (q *Queue) Every(kind string, interval time.Duration) {
	if interval <= 0 {
		panic("jobs: Every needs a positive interval")
	}
	q.addSchedule(schedule{kind: kind, next: everyNext(interval)})
}

// Daily schedules a job of kind every day at hour:minute in loc (UTC when
// loc is nil). It panics on an impossible time or if kind is already
// scheduled.
func (q *Queue) Daily(kind string, hour, minute int, loc *time.Location) {
	if hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		panic(fmt.Sprintf("jobs: Daily at %02d:%02d is not a time of day", hour, minute))
	}
	if loc == nil {
		loc = time.UTC
	}
	q.addSchedule(schedule{kind: kind, next: dailyNext(hour, minute, loc)})
}

func (q *Queue) addSchedule(s schedule) {
	if s.kind == "" {
		panic("jobs: a schedule needs a kind")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, o := range q.schedules {
		if o.kind == s.kind {
			panic("jobs: " + s.kind + " is already scheduled")
		}
	}
	q.schedules = append(q.schedules, s)
}

func (q *Queue) scheduleList() []schedule {
	q.mu.RLock()
	defer q.mu.RUnlock()
	return append([]schedule(nil), q.schedules...)
}

func everyNext(interval time.Duration) func(time.Time) time.Time {
	return func(now time.Time) time.Time {
		return now.UTC().Truncate(interval).Add(interval)
	}
}

func dailyNext(hour, minute int, loc *time.Location) func(time.Time) time.Time {
	return func(now time.Time) time.Time {
		t := now.In(loc)
		at := time.Date(t.Year(), t.Month(), t.Day(), hour, minute, 0, 0, loc)
		if !at.After(now) {
			at = time.Date(t.Year(), t.Month(), t.Day()+1, hour, minute, 0, 0, loc)
		}
		return at.UTC()
	}
}

// scheduler enqueues scheduled jobs every ScheduleTick until ctx ends.
func (q *Queue) scheduler(ctx context.Context) {
	for ctx.Err() == nil {
		for _, s := range q.scheduleList() {
			if _, err := q.schedule(ctx, s); err != nil && ctx.Err() == nil {
				q.log().Error("jobs: schedule", "kind", s.kind, "err", err)
			}
		}
		sleep(ctx, q.scheduleTick())
	}
}

// schedule enqueues the next occurrence of s unless it is already there,
// and reports whether it did. A read without locks answers the usual case
// (nothing to do); only when it sees a gap does enqueueScheduled open a
// serializable transaction.
func (q *Queue) schedule(ctx context.Context, s schedule) (bool, error) {
	at := s.next(q.now())
	blocked, err := scheduleBlocked(ctx, q.DB, s.kind, at)
	if err != nil || blocked {
		return false, err
	}
	return q.enqueueScheduled(ctx, s.kind, at)
}

// scheduleBlocked reports whether a job of kind is pending or running
// (done_at NULL and an attempt left) or has run_at equal to at.
func scheduleBlocked(ctx context.Context, qr db.Querier, kind string, at time.Time) (bool, error) {
	var n int
	err := qr.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs
		WHERE kind = $1 AND (run_at = $2 OR (done_at IS NULL AND attempts < max_attempts))`,
		kind, utc(at)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("jobs: schedule %s: %w", kind, err)
	}
	return n > 0, nil
}

// enqueueScheduled inserts a job of kind due at at, unless scheduleBlocked,
// in one SERIALIZABLE transaction, and reports whether it did. That is what
// makes two processes that both saw the gap insert only one job: on SQLite
// the transaction holds the single write lock from BEGIN; on PostgreSQL
// serializable snapshot isolation sees that each transaction read what the
// other wrote and fails one with 40001, and the retry then sees the job.
func (q *Queue) enqueueScheduled(ctx context.Context, kind string, at time.Time) (bool, error) {
	var added bool
	err := q.serializable(ctx, func(tx *db.Tx) error {
		added = false
		blocked, err := scheduleBlocked(ctx, tx, kind, at)
		if err != nil || blocked {
			return err
		}
		if _, err := q.insert(ctx, tx, kind, "{}", at); err != nil {
			return err
		}
		added = true
		return nil
	})
	if err != nil {
		return false, err
	}
	if added {
		q.log().Info("jobs: scheduled", "kind", kind, "run_at", at)
	}
	return added, nil
}

// serializable is db.InTx at the SERIALIZABLE isolation level: it runs fn
// in a transaction, commits when fn returns nil, and runs it again after a
// serialization failure.
func (q *Queue) serializable(ctx context.Context, fn func(tx *db.Tx) error) error {
	var err error
	for attempt := 1; attempt <= 10; attempt++ {
		err = q.serializableOnce(ctx, fn)
		if err == nil || !db.IsRetryable(err) {
			return err
		}
		sleep(ctx, jitter(time.Duration(attempt*attempt)*5*time.Millisecond))
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return err
}

func (q *Queue) serializableOnce(ctx context.Context, fn func(tx *db.Tx) error) (err error) {
	stx, err := q.DB.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		return db.Normalize(fmt.Errorf("jobs: begin: %w", err))
	}
	defer func() {
		if p := recover(); p != nil {
			stx.Rollback()
			panic(p)
		}
		if err != nil {
			stx.Rollback()
		}
	}()
	if err = fn(&db.Tx{Tx: stx, Dialect: q.DB.Dialect, Now: q.now()}); err != nil {
		return err
	}
	if err = stx.Commit(); err != nil {
		return db.Normalize(fmt.Errorf("jobs: commit: %w", err))
	}
	return nil
}
