package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// State is where a job stands, derived from its row at an instant.
type State string

// The states of a job.
const (
	Pending State = "pending" // waiting for run_at, for a worker, or for a retry
	Running State = "running" // claimed, and its lease has not passed
	Failed  State = "failed"  // no attempt left; stays until Retry
	Done    State = "done"    // ran successfully
)

// Job is a row of the jobs table, for operators.
type Job struct {
	ID          int64           `json:"id"`
	Kind        string          `json:"kind"`
	Args        json.RawMessage `json:"args"`
	RunAt       time.Time       `json:"run_at"`
	Attempts    int             `json:"attempts"`
	MaxAttempts int             `json:"max_attempts"`
	LockedBy    string          `json:"locked_by,omitempty"` // the worker of the last attempt
	LockedUntil time.Time       `json:"locked_until,omitzero"`
	LastError   string          `json:"last_error,omitempty"` // kept after a later success
	DoneAt      time.Time       `json:"done_at,omitzero"`
	CreatedAt   time.Time       `json:"created_at"`
}

// State returns the state of j at now. A job whose worker died on its last
// attempt is Failed once the lease has passed, with LockedBy naming the
// worker and possibly no LastError.
func (j Job) State(now time.Time) State {
	switch {
	case !j.DoneAt.IsZero():
		return Done
	case !j.LockedUntil.IsZero() && !j.LockedUntil.Before(now):
		return Running
	case j.Attempts >= j.MaxAttempts:
		return Failed
	}
	return Pending
}

// The SQL conditions of the states at $1 (now); they agree with Job.State.
const (
	condRunning = `done_at IS NULL AND locked_until >= $1`
	condFailed  = `done_at IS NULL AND attempts >= max_attempts AND (locked_until IS NULL OR locked_until < $1)`
	condPending = `done_at IS NULL AND attempts < max_attempts AND (locked_until IS NULL OR locked_until < $1)`
)

// Stats counts the jobs in each state.
func (q *Queue) Stats(ctx context.Context) (pending, running, failed, done int, err error) {
	err = q.DB.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN `+condPending+` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN `+condRunning+` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN `+condFailed+` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN done_at IS NOT NULL THEN 1 ELSE 0 END), 0)
		FROM jobs`, q.now()).Scan(&pending, &running, &failed, &done)
	if err != nil {
		err = db.Normalize(fmt.Errorf("jobs: stats: %w", err))
	}
	return pending, running, failed, done, err
}

const jobColumns = `id, kind, args, run_at, attempts, max_attempts, locked_by, locked_until, last_error, done_at, created_at`

func scanJob(row interface{ Scan(...any) error }) (Job, error) {
	var j Job
	var args string
	var lockedUntil, doneAt sql.NullTime
	if err := row.Scan(&j.ID, &j.Kind, &args, &j.RunAt, &j.Attempts, &j.MaxAttempts, &j.LockedBy,
		&lockedUntil, &j.LastError, &doneAt, &j.CreatedAt); err != nil {
		return j, err
	}
	j.Args = json.RawMessage(args)
	j.RunAt, j.CreatedAt = j.RunAt.UTC(), j.CreatedAt.UTC()
	if lockedUntil.Valid {
		j.LockedUntil = lockedUntil.Time.UTC()
	}
	if doneAt.Valid {
		j.DoneAt = doneAt.Time.UTC()
	}
	return j, nil
}

// Get returns the job with id, or a NotFound error.
func (q *Queue) Get(ctx context.Context, id int64) (Job, error) {
	j, err := scanJob(q.DB.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = $1`, id))
	if err != nil {
		return j, db.Normalize(fmt.Errorf("jobs: get %d: %w", id, err))
	}
	return j, nil
}

// Failed returns up to limit failed jobs (100 when limit < 1), the most
// recently failed first.
func (q *Queue) Failed(ctx context.Context, limit int) ([]Job, error) {
	if limit < 1 {
		limit = 100
	}
	rows, err := q.DB.QueryContext(ctx, `SELECT `+jobColumns+` FROM jobs
		WHERE `+condFailed+` ORDER BY run_at DESC, id DESC LIMIT $2`, q.now(), limit)
	if err != nil {
		return nil, db.Normalize(fmt.Errorf("jobs: failed: %w", err))
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, db.Normalize(fmt.Errorf("jobs: failed: %w", err))
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, db.Normalize(fmt.Errorf("jobs: failed: %w", err))
	}
	return out, nil
}

// Retry puts the failed job id back in the queue, due now, with its
// attempts reset to zero; its last error stays until it is overwritten.
// With q.Audit set, it appends a "job.retry" event by the actor in ctx. A
// job that is not failed gives a Conflict error, an unknown id NotFound.
func (q *Queue) Retry(ctx context.Context, id int64) error {
	return q.DB.InTx(ctx, func(tx *db.Tx) error {
		now := utc(tx.Now)
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET attempts = 0, run_at = $1, locked_until = NULL
			WHERE id = $2 AND `+condFailed, now, id)
		if err != nil {
			return db.Normalize(fmt.Errorf("jobs: retry %d: %w", id, err))
		}
		if n, err := res.RowsAffected(); err != nil {
			return db.Normalize(fmt.Errorf("jobs: retry %d: %w", id, err))
		} else if n == 0 {
			var kind string
			err := tx.QueryRowContext(ctx, `SELECT kind FROM jobs WHERE id = $1`, id).Scan(&kind)
			if err != nil {
				return db.Normalize(fmt.Errorf("jobs: retry %d: %w", id, err))
			}
			return &i18n.Error{Code: i18n.Conflict, Key: "error.conflict", Err: fmt.Errorf("jobs: job %d is not failed", id)}
		}
		if q.Audit == nil {
			return nil
		}
		j, err := scanJob(tx.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = $1`, id))
		if err != nil {
			return db.Normalize(fmt.Errorf("jobs: retry %d: %w", id, err))
		}
		_, err = q.Audit.Append(ctx, tx, audit.Event{Action: "job.retry", ObjectType: "job", ObjectID: strconv.FormatInt(id, 10),
			After: audit.JSON(map[string]any{"kind": j.Kind, "run_at": j.RunAt, "last_error": j.LastError})})
		return err
	})
}

// Purge deletes the jobs done before before and returns how many it
// deleted. Failed and pending jobs are never purged.
func (q *Queue) Purge(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := q.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE done_at IS NOT NULL AND done_at < $1`, utc(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, db.Normalize(fmt.Errorf("jobs: purge: %w", err))
	}
	return n, nil
}
