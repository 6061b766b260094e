// Package jobs is the database-backed job queue and its schedules.
//
// A job is a row of the jobs table: a kind, JSON arguments and the instant
// it may run. Enqueue writes the row inside the caller's transaction, so a
// job exists only if the business change that asked for it commits. Workers
// started by Run claim due jobs with one UPDATE that works the same on
// SQLite and PostgreSQL (no LISTEN/NOTIFY, advisory locks or triggers), run
// the handler registered for the kind, and record the outcome: done, or a
// failed attempt retried with exponential backoff until max_attempts, after
// which the job stays failed until an operator calls Retry.
//
// A claimed job is leased to its worker until locked_until; the worker
// extends the lease while the handler runs, so a job whose worker died is
// claimed again once the lease has passed. Delivery is therefore at least
// once: a handler must be safe to run again (the job's ID, see AttemptFrom,
// makes a good idempotency key).
//
// Instants are stored in UTC, truncated to microseconds, so that SQLite's
// text comparison of timestamps and PostgreSQL's timestamptz agree.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// The defaults of the Queue's tuning fields.
const (
	DefaultPollMin      = 200 * time.Millisecond
	DefaultPollMax      = 5 * time.Second
	DefaultLease        = 2 * time.Minute
	DefaultRetryBase    = 10 * time.Second
	DefaultRetryMax     = time.Hour
	DefaultMaxAttempts  = 5
	DefaultScheduleTick = 5 * time.Second
)

// maxErrorLen bounds the last_error stored for a failed attempt, in bytes.
const maxErrorLen = 4000

// HandlerFunc runs one job of a kind with the job's JSON arguments. A nil
// error marks the job done; any other error fails the attempt (see
// Permanent). ctx is not cancelled when Run's context ends, so the job in
// hand can finish; it ends only at the Queue's Timeout.
type HandlerFunc func(ctx context.Context, args json.RawMessage) error

// Queue enqueues, runs and schedules jobs. Set DB (and Log) and register
// handlers and schedules before calling Run; the zero values of the other
// fields select the defaults above. A Queue's fields must not change once
// Run has started. Several Queue values, in one process or many, may work
// on the same database.
type Queue struct {
	DB  *db.DB
	Log *slog.Logger // nil: slog.Default()
	// Audit, when set, records operator actions (Retry) in the audit chain.
	Audit *audit.Log
	// ID names this queue in locked_by; workers add "/N". The default is
	// host:pid:random.
	ID string

	// PollMin and PollMax bound the idle wait between polls: it starts at
	// PollMin and doubles while there is nothing to do.
	PollMin, PollMax time.Duration
	// Lease is how long a claimed job stays locked to its worker without a
	// heartbeat; the worker renews it every Lease/3 while the handler runs.
	Lease time.Duration
	// RetryBase and RetryMax shape the backoff after a failed attempt:
	// RetryBase·2^(attempt-1), at most RetryMax.
	RetryBase, RetryMax time.Duration
	// MaxAttempts is written into new jobs (the column defaults to 5).
	MaxAttempts int
	// Timeout, when positive, bounds one run of a handler.
	Timeout time.Duration
	// ScheduleTick is how often Run checks the schedules.
	ScheduleTick time.Duration

	mu        sync.RWMutex
	handlers  map[string]HandlerFunc
	schedules []schedule

	idOnce sync.Once
	id     string
}

// Handle registers fn for jobs of kind. It panics if kind is empty, fn is
// nil or kind already has a handler, as http.ServeMux does for patterns.
func (q *Queue) Handle(kind string, fn HandlerFunc) {
	if kind == "" || fn == nil {
		panic("jobs: Handle needs a kind and a function")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, dup := q.handlers[kind]; dup {
		panic("jobs: a handler for " + kind + " is already registered")
	}
	if q.handlers == nil {
		q.handlers = map[string]HandlerFunc{}
	}
	q.handlers[kind] = fn
}

func (q *Queue) handler(kind string) HandlerFunc {
	q.mu.RLock()
	defer q.mu.RUnlock()
	return q.handlers[kind]
}

// Enqueue adds a job of kind with args (encoded as JSON; nil gives {}) that
// may run from runAt on (the zero time means now), and returns its ID. With
// a non-nil tx the job is written in that transaction and becomes visible
// to workers only when it commits; with a nil tx Enqueue uses its own.
func (q *Queue) Enqueue(ctx context.Context, tx *db.Tx, kind string, args any, runAt time.Time) (int64, error) {
	if strings.TrimSpace(kind) == "" {
		return 0, i18n.FieldError("kind", "error.required")
	}
	raw, err := encodeArgs(args)
	if err != nil {
		return 0, err
	}
	if tx == nil {
		var id int64
		err := q.DB.InTx(ctx, func(tx *db.Tx) error {
			var err error
			id, err = q.insert(ctx, tx, kind, raw, runAt)
			return err
		})
		return id, err
	}
	return q.insert(ctx, tx, kind, raw, runAt)
}

func encodeArgs(args any) (string, error) {
	switch a := args.(type) {
	case nil:
		return "{}", nil
	case json.RawMessage:
		if len(a) == 0 {
			return "{}", nil
		}
		if !json.Valid(a) {
			return "", &i18n.Error{Code: i18n.Invalid, Key: "error.invalid_value", Field: "args", Err: errors.New("jobs: args are not valid JSON")}
		}
		return string(a), nil
	}
	b, err := json.Marshal(args)
	if err != nil {
		return "", &i18n.Error{Code: i18n.Invalid, Key: "error.invalid_value", Field: "args", Err: fmt.Errorf("jobs: encode args: %w", err)}
	}
	return string(b), nil
}

func (q *Queue) insert(ctx context.Context, tx *db.Tx, kind, args string, runAt time.Time) (int64, error) {
	now := utc(tx.Now)
	if tx.Now.IsZero() {
		now = q.now()
	}
	if runAt.IsZero() {
		runAt = now
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO jobs (kind, args, run_at, max_attempts, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		kind, args, utc(runAt), q.maxAttempts(), now).Scan(&id)
	if err != nil {
		return 0, db.Normalize(fmt.Errorf("jobs: enqueue %s: %w", kind, err))
	}
	return id, nil
}

// Attempt describes the run of a job that a handler is serving.
type Attempt struct {
	ID     int64  // the job's ID
	Kind   string // the job's kind
	Number int    // 1 for the first attempt
	Max    int    // the job's max_attempts
}

type attemptKey struct{}

// AttemptFrom returns the attempt a handler's ctx belongs to.
func AttemptFrom(ctx context.Context) (Attempt, bool) {
	a, ok := ctx.Value(attemptKey{}).(Attempt)
	return a, ok
}

// permanentError marks a failure that retrying cannot mend.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent wraps err so that the job fails at once: its attempts are marked
// used up (attempts = max_attempts) and no retry is scheduled. Use it for
// failures that retrying cannot mend, such as arguments that do not decode.
// Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// Run starts workers goroutines (at least one) that claim and run due jobs,
// and, when schedules are registered, one that enqueues scheduled jobs. It
// returns when ctx ends and every worker has finished and recorded the job
// it had in hand. Call Run once per Queue.
func (q *Queue) Run(ctx context.Context, workers int) {
	workers = max(workers, 1)
	log := q.log()
	log.Info("jobs: start", "queue", q.queueID(), "workers", workers, "schedules", len(q.scheduleList()))
	var wg sync.WaitGroup
	for i := range workers {
		name := fmt.Sprintf("%s/%d", q.queueID(), i+1)
		wg.Go(func() { q.worker(ctx, name) })
	}
	if len(q.scheduleList()) > 0 {
		wg.Go(func() { q.scheduler(ctx) })
	}
	wg.Wait()
	log.Info("jobs: stop", "queue", q.queueID())
}

// worker claims and runs jobs until ctx ends. It asks first, with a read,
// whether anything is due, so an idle queue writes nothing; when a claim
// comes back empty although a job was due, another worker won that job and
// this one tries again at once.
func (q *Queue) worker(ctx context.Context, name string) {
	wait := q.pollMin()
	idle := func() {
		sleep(ctx, jitter(wait))
		wait = min(2*wait, q.pollMax())
	}
	for ctx.Err() == nil {
		due, err := q.anyDue(ctx)
		if err == nil && due {
			var c claimed
			var ok bool
			c, ok, err = q.claim(ctx, name)
			if err == nil && ok {
				wait = q.pollMin()
				q.process(ctx, c)
				continue
			}
			if err == nil {
				continue // lost the race for the job; look again
			}
		}
		if err != nil && ctx.Err() == nil {
			q.log().Error("jobs: poll", "worker", name, "err", err)
		}
		if !due || err != nil {
			idle()
		}
	}
}

// claimed is a job as its worker holds it. LockedBy and Attempt together
// identify the claim: a later claim of the same job has a higher attempt.
type claimed struct {
	ID       int64
	Kind     string
	Args     json.RawMessage
	LockedBy string
	Attempt  int
	Max      int
}

// claimSQL takes the first due job. The subquery picks a candidate; the
// outer WHERE repeats the conditions that make a job claimable, so that on
// PostgreSQL under READ COMMITTED a worker that chose the same candidate as
// another, and waited for its row lock, re-checks them against the row as
// the winner left it (locked until the future) and updates nothing. On
// SQLite the statement runs under the single write lock and cannot race.
const claimSQL = `UPDATE jobs SET locked_by = $1, locked_until = $2, attempts = attempts + 1
	WHERE id = (SELECT id FROM jobs
		WHERE done_at IS NULL AND run_at <= $3
		  AND (locked_until IS NULL OR locked_until < $3)
		  AND attempts < max_attempts
		ORDER BY run_at, id LIMIT 1)
	  AND done_at IS NULL AND run_at <= $3
	  AND (locked_until IS NULL OR locked_until < $3)
	  AND attempts < max_attempts
	RETURNING id, kind, args, attempts, max_attempts`

// claim locks the first due job for worker and returns it, or false when
// there was none or another worker took it first.
func (q *Queue) claim(ctx context.Context, worker string) (claimed, bool, error) {
	var c claimed
	var found bool
	err := q.DB.InTx(ctx, func(tx *db.Tx) error {
		now := utc(tx.Now)
		var args string
		err := tx.QueryRowContext(ctx, claimSQL, worker, now.Add(q.lease()), now).
			Scan(&c.ID, &c.Kind, &args, &c.Attempt, &c.Max)
		if db.IsNoRows(err) {
			found = false
			return nil
		}
		if err != nil {
			return err
		}
		c.Args, c.LockedBy, found = json.RawMessage(args), worker, true
		return nil
	})
	if err != nil {
		return claimed{}, false, fmt.Errorf("jobs: claim: %w", err)
	}
	return c, found, nil
}

// anyDue reports whether some job could be claimed now.
func (q *Queue) anyDue(ctx context.Context) (bool, error) {
	now := q.now()
	var id int64
	err := q.DB.QueryRowContext(ctx, `SELECT id FROM jobs
		WHERE done_at IS NULL AND run_at <= $1
		  AND (locked_until IS NULL OR locked_until < $1)
		  AND attempts < max_attempts
		LIMIT 1`, now).Scan(&id)
	if db.IsNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("jobs: poll: %w", err)
	}
	return true, nil
}

// process runs the handler of c while renewing its lease, then records the
// outcome. Neither the handler nor the bookkeeping is cut short by the end
// of ctx.
func (q *Queue) process(ctx context.Context, c claimed) {
	log := q.log().With("job", c.ID, "kind", c.Kind, "attempt", c.Attempt, "worker", c.LockedBy)
	hctx := context.WithoutCancel(ctx)
	hctx = context.WithValue(hctx, attemptKey{}, Attempt{ID: c.ID, Kind: c.Kind, Number: c.Attempt, Max: c.Max})
	hctx = audit.WithActor(hctx, audit.Actor{Name: "job:" + c.Kind})
	if q.Timeout > 0 {
		var cancel context.CancelFunc
		hctx, cancel = context.WithTimeout(hctx, q.Timeout)
		defer cancel()
	}

	stop := make(chan struct{})
	var beat sync.WaitGroup
	beat.Go(func() { q.heartbeat(hctx, c, stop, log) })
	start := time.Now()
	err := q.call(hctx, c)
	close(stop)
	beat.Wait()

	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err == nil {
		if ferr := q.succeed(bctx, c); ferr != nil {
			log.Error("jobs: record success", "err", ferr)
			return
		}
		log.Debug("jobs: done", "took", time.Since(start))
		return
	}
	retryAt, failed, ferr := q.fail(bctx, c, err)
	if ferr != nil {
		log.Error("jobs: record failure", "err", ferr, "job_err", err)
		return
	}
	if failed {
		log.Error("jobs: failed for good", "err", err)
	} else {
		log.Warn("jobs: attempt failed", "err", err, "retry_at", retryAt)
	}
}

// call runs the handler for c, turning a panic into an error.
func (q *Queue) call(ctx context.Context, c claimed) (err error) {
	fn := q.handler(c.Kind)
	if fn == nil {
		return fmt.Errorf("jobs: no handler registered for kind %q", c.Kind)
	}
	defer func() {
		if p := recover(); p != nil {
			q.log().Error("jobs: handler panicked", "job", c.ID, "kind", c.Kind, "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("jobs: handler for %q panicked: %v", c.Kind, p)
		}
	}()
	return fn(ctx, c.Args)
}

// heartbeat extends c's lease every Lease/3 until stop is closed.
func (q *Queue) heartbeat(ctx context.Context, c claimed, stop <-chan struct{}, log *slog.Logger) {
	t := time.NewTicker(max(q.lease()/3, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := q.DB.InTx(ctx, func(tx *db.Tx) error {
			return q.owned(tx.ExecContext(ctx, `UPDATE jobs SET locked_until = $1
				WHERE id = $2 AND locked_by = $3 AND attempts = $4 AND done_at IS NULL`,
				utc(tx.Now).Add(q.lease()), c.ID, c.LockedBy, c.Attempt))
		})
		if errors.Is(err, errLeaseLost) {
			log.Warn("jobs: lease lost while the handler runs; another worker may run the job too")
			return
		}
		if err != nil && ctx.Err() == nil {
			log.Warn("jobs: renew lease", "err", err)
		}
	}
}

// errLeaseLost means the job was claimed again by another worker (this
// worker's lease had passed), so this worker's outcome is not recorded.
var errLeaseLost = errors.New("jobs: lease lost: the job was claimed again")

// owned turns an UPDATE of the claimed row that touched nothing into
// errLeaseLost.
func (q *Queue) owned(res interface{ RowsAffected() (int64, error) }, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return errLeaseLost
	}
	return nil
}

// succeed marks c done.
func (q *Queue) succeed(ctx context.Context, c claimed) error {
	return q.DB.InTx(ctx, func(tx *db.Tx) error {
		return q.owned(tx.ExecContext(ctx, `UPDATE jobs SET done_at = $1, locked_until = NULL
			WHERE id = $2 AND locked_by = $3 AND attempts = $4 AND done_at IS NULL`,
			utc(tx.Now), c.ID, c.LockedBy, c.Attempt))
	})
}

// fail records a failed attempt of c and schedules the next one, or leaves
// the job failed, with run_at set to the time of the failure, when no
// attempt remains or the error is permanent.
func (q *Queue) fail(ctx context.Context, c claimed, cause error) (retryAt time.Time, failed bool, err error) {
	attempts := c.Attempt
	if _, ok := errors.AsType[permanentError](cause); ok {
		attempts = max(c.Max, c.Attempt)
	}
	failed = attempts >= c.Max
	err = q.DB.InTx(ctx, func(tx *db.Tx) error {
		retryAt = utc(tx.Now)
		if !failed {
			retryAt = retryAt.Add(q.backoff(c.Attempt))
		}
		return q.owned(tx.ExecContext(ctx, `UPDATE jobs SET last_error = $1, run_at = $2, attempts = $3, locked_until = NULL
			WHERE id = $4 AND locked_by = $5 AND attempts = $6 AND done_at IS NULL`,
			clip(cause.Error()), retryAt, attempts, c.ID, c.LockedBy, c.Attempt))
	})
	return retryAt, failed, err
}

// backoff returns the wait after failed attempt n (1-based):
// RetryBase·2^(n-1), at most RetryMax.
func (q *Queue) backoff(n int) time.Duration {
	d, limit := q.retryBase(), q.retryMax()
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// clip shortens s to maxErrorLen bytes of valid UTF-8.
func clip(s string) string {
	if len(s) <= maxErrorLen {
		return s
	}
	return strings.ToValidUTF8(s[:maxErrorLen], "")
}

// utc returns t in UTC at the precision PostgreSQL keeps.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func (q *Queue) now() time.Time {
	if q.DB.Now != nil {
		return utc(q.DB.Now())
	}
	return utc(time.Now())
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// jitter spreads d by ±20% so that idle workers do not poll in step.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return d
	}
	return d*4/5 + mrand.N(d*2/5+1)
}

func (q *Queue) log() *slog.Logger {
	if q.Log != nil {
		return q.Log
	}
	return slog.Default()
}

func (q *Queue) queueID() string {
	q.idOnce.Do(func() {
		q.id = q.ID
		if q.id == "" {
			host, _ := os.Hostname()
			b := make([]byte, 3)
			rand.Read(b)
			q.id = fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
		}
	})
	return q.id
}

func orDefault[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

func (q *Queue) pollMin() time.Duration { return orDefault(q.PollMin, DefaultPollMin) }
func (q *Queue) pollMax() time.Duration {
	return max(orDefault(q.PollMax, DefaultPollMax), q.pollMin())
}
func (q *Queue) lease() time.Duration        { return orDefault(q.Lease, DefaultLease) }
func (q *Queue) retryBase() time.Duration    { return orDefault(q.RetryBase, DefaultRetryBase) }
func (q *Queue) retryMax() time.Duration     { return orDefault(q.RetryMax, DefaultRetryMax) }
func (q *Queue) maxAttempts() int            { return orDefault(q.MaxAttempts, DefaultMaxAttempts) }
func (q *Queue) scheduleTick() time.Duration { return orDefault(q.ScheduleTick, DefaultScheduleTick) }
