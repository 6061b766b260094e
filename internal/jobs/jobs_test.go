package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

// newQueue returns a queue with small intervals, logging warnings and
// errors to the test's output.
func newQueue(t *testing.T, d *db.DB) *Queue {
	t.Helper()
	return &Queue{
		DB:           d,
		Log:          slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		PollMin:      5 * time.Millisecond,
		PollMax:      50 * time.Millisecond,
		RetryBase:    10 * time.Millisecond,
		RetryMax:     100 * time.Millisecond,
		Lease:        10 * time.Second,
		ScheduleTick: 10 * time.Millisecond,
	}
}

// start runs q with workers in the background and returns a function that
// stops it and waits for Run to return; the test's cleanup calls it too.
func start(t *testing.T, q *Queue, workers int) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.WithoutCancel(t.Context()))
	done := make(chan struct{})
	go func() {
		defer close(done)
		q.Run(ctx, workers)
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}
	t.Cleanup(stop)
	return stop
}

// waitFor polls cond until it holds; it fails the test if that takes
// unreasonably long, so a broken queue does not hang the run.
func waitFor(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, err := cond()
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func mustGet(t *testing.T, q *Queue, id int64) Job {
	t.Helper()
	j, err := q.Get(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func countJobs(t *testing.T, d *db.DB, kind string) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM jobs WHERE kind = $1`, kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func isDone(q *Queue, id int64) func() (bool, error) {
	return func() (bool, error) {
		j, err := q.Get(context.Background(), id)
		return !j.DoneAt.IsZero(), err
	}
}

func TestEnqueueInTransaction(t *testing.T) {
	type greet struct {
		Name string `json:"name"`
	}
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		q := newQueue(t, d)
		var mu sync.Mutex
		var got []greet
		q.Handle("greet", func(ctx context.Context, args json.RawMessage) error {
			var g greet
			if err := json.Unmarshal(args, &g); err != nil {
				return Permanent(err)
			}
			mu.Lock()
			defer mu.Unlock()
			got = append(got, g)
			return nil
		})

		rollback := errors.New("business rule refused")
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := q.Enqueue(ctx, tx, "greet", greet{Name: "回滚"}, time.Time{}); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatalf("InTx: got %v, want %v", err, rollback)
		}
		if n := countJobs(t, d, "greet"); n != 0 {
			t.Errorf("after rollback: %d jobs, want 0", n)
		}

		var id int64
		err = d.InTx(ctx, func(tx *db.Tx) error {
			var err error
			id, err = q.Enqueue(ctx, tx, "greet", greet{Name: "张三"}, time.Time{})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		stop := start(t, q, 2)
		waitFor(t, "the job to be done", isDone(q, id))
		stop()

		mu.Lock()
		defer mu.Unlock()
		if len(got) != 1 || got[0].Name != "张三" {
			t.Errorf("handler saw %v, want one run with 张三", got)
		}
		j := mustGet(t, q, id)
		if j.Attempts != 1 || j.State(q.now()) != Done || j.LastError != "" {
			t.Errorf("job: attempts %d, state %s, last error %q; want 1, done, none", j.Attempts, j.State(q.now()), j.LastError)
		}
	})
}

func TestEnqueueArgs(t *testing.T) {
	tests := []struct {
		name     string
		kind     string
		args     any
		wantArgs string
		wantCode i18n.Code
	}{
		{name: "nil args", kind: "k", args: nil, wantArgs: "{}"},
		{name: "struct", kind: "k", args: struct{ N int }{7}, wantArgs: `{"N":7}`},
		{name: "raw JSON", kind: "k", args: json.RawMessage(`[1,2]`), wantArgs: `[1,2]`},
		{name: "empty kind", kind: " ", args: nil, wantCode: i18n.Invalid},
		{name: "bad raw JSON", kind: "k", args: json.RawMessage(`{`), wantCode: i18n.Invalid},
		{name: "unencodable", kind: "k", args: func() {}, wantCode: i18n.Invalid},
	}
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		q := newQueue(t, d)
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				runAt := time.Date(2026, 5, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))
				id, err := q.Enqueue(t.Context(), nil, tc.kind, tc.args, runAt)
				if got := i18n.ErrorCode(err); got != tc.wantCode {
					t.Fatalf("error %v: code %q, want %q", err, got, tc.wantCode)
				}
				if err != nil {
					return
				}
				j := mustGet(t, q, id)
				if string(j.Args) != tc.wantArgs {
					t.Errorf("args %s, want %s", j.Args, tc.wantArgs)
				}
				if !j.RunAt.Equal(runAt) || j.RunAt.Location() != time.UTC {
					t.Errorf("run_at %v, want %v in UTC", j.RunAt, runAt)
				}
				if j.MaxAttempts != DefaultMaxAttempts {
					t.Errorf("max_attempts %d, want %d", j.MaxAttempts, DefaultMaxAttempts)
				}
			})
		}
	})
}

// TestConcurrentWorkersRunEachJobOnce runs 200 jobs due at the same instant
// on three queues with two workers each.
func TestConcurrentWorkersRunEachJobOnce(t *testing.T) {
	const jobs = 200
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		var mu sync.Mutex
		runs := map[int]int{}
		handler := func(ctx context.Context, args json.RawMessage) error {
			var a struct{ N int }
			if err := json.Unmarshal(args, &a); err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			runs[a.N]++
			return nil
		}
		var qs []*Queue
		for range 3 {
			q := newQueue(t, d)
			q.Handle("count", handler)
			qs = append(qs, q)
		}
		due := d.Now().Add(-time.Second)
		for i := range jobs {
			if _, err := qs[0].Enqueue(ctx, nil, "count", map[string]int{"N": i}, due); err != nil {
				t.Fatal(err)
			}
		}
		var stops []func()
		for _, q := range qs {
			stops = append(stops, start(t, q, 2))
		}
		waitFor(t, "all jobs to be done", func() (bool, error) {
			_, _, _, done, err := qs[0].Stats(ctx)
			return done == jobs, err
		})
		for _, stop := range stops {
			stop()
		}

		mu.Lock()
		defer mu.Unlock()
		if len(runs) != jobs {
			t.Errorf("%d distinct jobs ran, want %d", len(runs), jobs)
		}
		for n, c := range runs {
			if c != 1 {
				t.Errorf("job %d ran %d times, want 1", n, c)
			}
		}
		var claimedTwice int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE attempts <> 1`).Scan(&claimedTwice); err != nil {
			t.Fatal(err)
		}
		if claimedTwice != 0 {
			t.Errorf("%d jobs were claimed more than once", claimedTwice)
		}
	})
}

// TestClaimRace has many goroutines claim until nothing is due, and checks
// that no job was handed out twice.
func TestClaimRace(t *testing.T) {
	const jobs = 100
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		q := newQueue(t, d)
		due := d.Now().Add(-time.Second)
		for range jobs {
			if _, err := q.Enqueue(ctx, nil, "x", nil, due); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		got := map[int64][]string{}
		var wg sync.WaitGroup
		for w := range 12 {
			name := fmt.Sprintf("w%d", w)
			wg.Go(func() {
				for {
					c, ok, err := q.claim(ctx, name)
					if err != nil {
						t.Error(err)
						return
					}
					if !ok {
						due, err := q.anyDue(ctx)
						if err != nil {
							t.Error(err)
							return
						}
						if !due {
							return
						}
						continue
					}
					mu.Lock()
					got[c.ID] = append(got[c.ID], name)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(got) != jobs {
			t.Errorf("%d jobs claimed, want %d", len(got), jobs)
		}
		for id, by := range got {
			if len(by) != 1 {
				t.Errorf("job %d claimed by %v, want one worker", id, by)
			}
		}
		_, running, _, _, err := q.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if running != jobs {
			t.Errorf("running %d, want %d", running, jobs)
		}
	})
}

func TestFailingTwiceThenSucceeding(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		q := newQueue(t, d)
		q.Handle("flaky", func(ctx context.Context, args json.RawMessage) error {
			a, ok := AttemptFrom(ctx)
			if !ok {
				return Permanent(errors.New("no attempt in the context"))
			}
			if a.Number < 3 {
				return fmt.Errorf("boom %d", a.Number)
			}
			return nil
		})
		id, err := q.Enqueue(t.Context(), nil, "flaky", nil, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		stop := start(t, q, 1)
		waitFor(t, "the job to be done", isDone(q, id))
		stop()
		j := mustGet(t, q, id)
		if j.Attempts != 3 || j.LastError != "boom 2" {
			t.Errorf("attempts %d, last error %q; want 3, %q", j.Attempts, j.LastError, "boom 2")
		}
	})
}

func TestFailedJobAndRetry(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		log, err := audit.New(audit.SM3)
		if err != nil {
			t.Fatal(err)
		}
		q := newQueue(t, d)
		q.Audit = log
		q.MaxAttempts = 3
		var fixed atomic.Bool
		var calls atomic.Int32
		q.Handle("broken", func(ctx context.Context, args json.RawMessage) error {
			calls.Add(1)
			if fixed.Load() {
				return nil
			}
			return errors.New("always broken")
		})
		id, err := q.Enqueue(ctx, nil, "broken", nil, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		stop := start(t, q, 2)
		waitFor(t, "the job to fail", func() (bool, error) {
			_, _, failed, _, err := q.Stats(ctx)
			return failed == 1, err
		})
		stop()

		j := mustGet(t, q, id)
		if j.Attempts != 3 || !j.DoneAt.IsZero() || j.LastError != "always broken" || j.State(q.now()) != Failed {
			t.Errorf("job %+v: want failed after 3 attempts with its last error", j)
		}
		if n := calls.Load(); n != 3 {
			t.Errorf("handler ran %d times, want 3", n)
		}
		failed, err := q.Failed(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(failed) != 1 || failed[0].ID != id {
			t.Fatalf("Failed listed %v, want job %d", failed, id)
		}

		actx := audit.WithActor(ctx, audit.Actor{ID: 0, Name: "operator"})
		if err := q.Retry(actx, id); err != nil {
			t.Fatal(err)
		}
		pending, running, nfailed, done, err := q.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if pending != 1 || running != 0 || nfailed != 0 || done != 0 {
			t.Errorf("after Retry: pending %d running %d failed %d done %d, want 1 0 0 0", pending, running, nfailed, done)
		}
		if j := mustGet(t, q, id); j.Attempts != 0 {
			t.Errorf("after Retry: attempts %d, want 0", j.Attempts)
		}
		events, _, err := audit.List(ctx, d, audit.Filter{Action: "job.retry"})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 1 || events[0].Actor != "operator" || events[0].ObjectID != fmt.Sprint(id) {
			t.Errorf("audit events %+v, want one job.retry by operator", events)
		}

		fixed.Store(true)
		stop = start(t, q, 1)
		waitFor(t, "the retried job to be done", isDone(q, id))
		stop()
		if j := mustGet(t, q, id); j.Attempts != 1 {
			t.Errorf("retried job: attempts %d, want 1", j.Attempts)
		}

		if err := q.Retry(ctx, id); i18n.ErrorCode(err) != i18n.Conflict {
			t.Errorf("Retry of a done job: got %v, want a conflict", err)
		}
		if err := q.Retry(ctx, id+1000); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("Retry of a missing job: got %v, want not found", err)
		}
	})
}

func TestFailureKinds(t *testing.T) {
	tests := []struct {
		name         string
		kind         string
		handler      HandlerFunc // nil: none registered
		maxAttempts  int
		wantAttempts int
		wantError    string
	}{
		{
			name: "unknown kind", kind: "nobody", maxAttempts: 2, wantAttempts: 2,
			wantError: `jobs: no handler registered for kind "nobody"`,
		},
		{
			name: "permanent error", kind: "bad-args", maxAttempts: 5, wantAttempts: 5,
			handler:   func(context.Context, json.RawMessage) error { return Permanent(errors.New("cannot decode")) },
			wantError: "cannot decode",
		},
		{
			name: "panic", kind: "panics", maxAttempts: 1, wantAttempts: 1,
			handler:   func(context.Context, json.RawMessage) error { panic("nil map") },
			wantError: `jobs: handler for "panics" panicked: nil map`,
		},
	}
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		ids := map[string]int64{}
		var calls atomic.Int32
		q := newQueue(t, d)
		for _, tc := range tests {
			if tc.handler != nil {
				q.Handle(tc.kind, func(ctx context.Context, args json.RawMessage) error {
					calls.Add(1)
					return tc.handler(ctx, args)
				})
			}
			q.MaxAttempts = tc.maxAttempts
			id, err := q.Enqueue(ctx, nil, tc.kind, nil, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			ids[tc.name] = id
		}
		stop := start(t, q, 2)
		waitFor(t, "every job to fail", func() (bool, error) {
			_, _, failed, _, err := q.Stats(ctx)
			return failed == len(tests), err
		})
		stop()
		if n := calls.Load(); n != 2 {
			t.Errorf("handlers ran %d times, want 2 (one each)", n)
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				j := mustGet(t, q, ids[tc.name])
				if j.Attempts != tc.wantAttempts || j.LastError != tc.wantError || j.State(q.now()) != Failed {
					t.Errorf("attempts %d, last error %q, state %s; want %d, %q, failed",
						j.Attempts, j.LastError, j.State(q.now()), tc.wantAttempts, tc.wantError)
				}
			})
		}
	})
}

func TestBackoff(t *testing.T) {
	q := &Queue{RetryBase: 10 * time.Second, RetryMax: time.Minute}
	tests := []struct {
		attempt int
		want    time.Duration
	}{
		{1, 10 * time.Second},
		{2, 20 * time.Second},
		{3, 40 * time.Second},
		{4, time.Minute},
		{60, time.Minute},
	}
	for _, tc := range tests {
		if got := q.backoff(tc.attempt); got != tc.want {
			t.Errorf("backoff(%d) = %v, want %v", tc.attempt, got, tc.want)
		}
	}
	if got := (&Queue{}).backoff(1); got != DefaultRetryBase {
		t.Errorf("default backoff(1) = %v, want %v", got, DefaultRetryBase)
	}
}

func TestJobState(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		job  Job
		want State
	}{
		{"new", Job{MaxAttempts: 5}, Pending},
		{"waiting for a retry", Job{Attempts: 2, MaxAttempts: 5}, Pending},
		{"leased", Job{Attempts: 1, MaxAttempts: 5, LockedUntil: now.Add(time.Second)}, Running},
		{"leased, last attempt", Job{Attempts: 5, MaxAttempts: 5, LockedUntil: now.Add(time.Second)}, Running},
		{"lease passed", Job{Attempts: 1, MaxAttempts: 5, LockedUntil: now.Add(-time.Second)}, Pending},
		{"no attempt left", Job{Attempts: 5, MaxAttempts: 5}, Failed},
		{"died on last attempt", Job{Attempts: 5, MaxAttempts: 5, LockedUntil: now.Add(-time.Second)}, Failed},
		{"done", Job{Attempts: 1, MaxAttempts: 5, DoneAt: now}, Done},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.job.State(now); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestLeaseExpiry claims a job for a worker that never finishes it, and
// checks that another worker runs it once the lease has passed, and that
// the dead worker can no longer record an outcome.
func TestLeaseExpiry(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		q := newQueue(t, d)
		q.Lease = 200 * time.Millisecond
		var ranBy atomic.Value
		q.Handle("work", func(ctx context.Context, args json.RawMessage) error {
			a, _ := AttemptFrom(ctx)
			ranBy.Store(a)
			return nil
		})
		id, err := q.Enqueue(ctx, nil, "work", nil, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		dead, ok, err := q.claim(ctx, "dead/1")
		if err != nil || !ok || dead.ID != id {
			t.Fatalf("claim: %+v, %v, %v; want job %d", dead, ok, err, id)
		}

		stop := start(t, q, 1)
		waitFor(t, "another worker to run the job", isDone(q, id))
		stop()

		j := mustGet(t, q, id)
		if j.Attempts != 2 || j.LockedBy == "dead/1" {
			t.Errorf("attempts %d, locked by %q; want 2, not the dead worker", j.Attempts, j.LockedBy)
		}
		if a, _ := ranBy.Load().(Attempt); a.Number != 2 {
			t.Errorf("handler ran attempt %d, want 2", a.Number)
		}
		if err := q.succeed(ctx, dead); !errors.Is(err, errLeaseLost) {
			t.Errorf("dead worker's success: got %v, want %v", err, errLeaseLost)
		}
		if _, _, err := q.fail(ctx, dead, errors.New("late")); !errors.Is(err, errLeaseLost) {
			t.Errorf("dead worker's failure: got %v, want %v", err, errLeaseLost)
		}
		if j2 := mustGet(t, q, id); j2.LastError != "" || j2.DoneAt.IsZero() {
			t.Errorf("after the dead worker's writes: %+v, want the job done without error", j2)
		}
	})
}

// TestLeaseRenewed runs a job that outlasts its lease while another queue
// polls: the heartbeat keeps the job from being claimed a second time.
func TestLeaseRenewed(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		var runs atomic.Int32
		var qs []*Queue
		for range 2 {
			q := newQueue(t, d)
			q.Lease = 750 * time.Millisecond
			q.Handle("slow", func(ctx context.Context, args json.RawMessage) error {
				runs.Add(1)
				time.Sleep(1800 * time.Millisecond)
				return nil
			})
			qs = append(qs, q)
		}
		id, err := qs[0].Enqueue(ctx, nil, "slow", nil, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		stopA, stopB := start(t, qs[0], 1), start(t, qs[1], 1)
		waitFor(t, "the job to be done", isDone(qs[0], id))
		stopA()
		stopB()
		if n := runs.Load(); n != 1 {
			t.Errorf("slow job ran %d times, want 1", n)
		}
		if j := mustGet(t, qs[0], id); j.Attempts != 1 {
			t.Errorf("attempts %d, want 1", j.Attempts)
		}
	})
}

func TestRunStops(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		q := newQueue(t, d)
		q.PollMin, q.PollMax, q.ScheduleTick = time.Minute, time.Minute, time.Minute
		q.Every("hourly", time.Hour)
		started, release := make(chan struct{}), make(chan struct{})
		var handlerCtxErr error
		q.Handle("hold", func(ctx context.Context, args json.RawMessage) error {
			close(started)
			<-release
			handlerCtxErr = ctx.Err()
			return nil
		})
		q.Handle("hourly", func(context.Context, json.RawMessage) error { return nil })
		id, err := q.Enqueue(ctx, nil, "hold", nil, time.Time{})
		if err != nil {
			t.Fatal(err)
		}

		rctx, cancel := context.WithCancel(ctx)
		defer cancel()
		returned := make(chan struct{})
		go func() {
			defer close(returned)
			q.Run(rctx, 3)
		}()
		<-started
		cancel()
		select {
		case <-returned:
			t.Fatal("Run returned while a job was in hand")
		default:
		}
		close(release)
		select {
		case <-returned:
		case <-time.After(20 * time.Second):
			t.Fatal("Run did not return after its context ended")
		}
		if handlerCtxErr != nil {
			t.Errorf("handler's context ended with Run's: %v", handlerCtxErr)
		}
		if j := mustGet(t, q, id); j.DoneAt.IsZero() {
			t.Errorf("the job in hand was not recorded as done: %+v", j)
		}
	})
}

func TestHandleAndSchedulePanics(t *testing.T) {
	nop := func(context.Context, json.RawMessage) error { return nil }
	tests := []struct {
		name string
		f    func(q *Queue)
	}{
		{"empty kind", func(q *Queue) { q.Handle("", nop) }},
		{"nil handler", func(q *Queue) { q.Handle("a", nil) }},
		{"duplicate handler", func(q *Queue) { q.Handle("a", nop); q.Handle("a", nop) }},
		{"zero interval", func(q *Queue) { q.Every("a", 0) }},
		{"bad hour", func(q *Queue) { q.Daily("a", 24, 0, nil) }},
		{"bad minute", func(q *Queue) { q.Daily("a", 1, -1, nil) }},
		{"duplicate schedule", func(q *Queue) { q.Every("a", time.Hour); q.Daily("a", 2, 0, nil) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tc.f(&Queue{})
		})
	}
}

func TestJitter(t *testing.T) {
	for range 200 {
		if got := jitter(time.Second); got < 800*time.Millisecond || got > 1200*time.Millisecond {
			t.Fatalf("jitter(1s) = %v, want within ±20%%", got)
		}
	}
}

func TestPurge(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		q := newQueue(t, d)
		now := q.now()
		var ids []int64
		for range 4 {
			id, err := q.Enqueue(ctx, nil, "p", nil, now.Add(-48*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		set := func(id int64, query string, args ...any) {
			t.Helper()
			if _, err := d.ExecContext(ctx, query, append(args, id)...); err != nil {
				t.Fatal(err)
			}
		}
		set(ids[0], `UPDATE jobs SET done_at = $1, attempts = 1 WHERE id = $2`, now.Add(-25*time.Hour)) // old, done
		set(ids[1], `UPDATE jobs SET done_at = $1, attempts = 1 WHERE id = $2`, now.Add(-time.Hour))    // recent, done
		set(ids[2], `UPDATE jobs SET attempts = max_attempts WHERE id = $1`)                            // failed
		n, err := q.Purge(ctx, now.Add(-24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("purged %d jobs, want 1", n)
		}
		if _, err := q.Get(ctx, ids[0]); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("old done job: got %v, want it gone", err)
		}
		for _, id := range ids[1:] {
			if _, err := q.Get(ctx, id); err != nil {
				t.Errorf("job %d: %v, want it kept", id, err)
			}
		}
	})
}
