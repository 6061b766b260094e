package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
	"kejiju/internal/workflow"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

// setup makes a table of things in the test machine's states, with thing 1
// in draft, and returns the audit log.
func setup(t *testing.T, d *db.DB) *audit.Log {
	t.Helper()
	ctx := t.Context()
	if _, err := d.ExecContext(ctx, `CREATE TABLE things (id INTEGER PRIMARY KEY, state TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ExecContext(ctx, `INSERT INTO things (id, state) VALUES (1, 'draft'), (2, 'draft')`); err != nil {
		t.Fatal(err)
	}
	lg, err := audit.New(audit.SM3)
	if err != nil {
		t.Fatal(err)
	}
	return lg
}

func stateOf(t *testing.T, d *db.DB, id int64) string {
	t.Helper()
	var s string
	if err := d.QueryRowContext(t.Context(), `SELECT state FROM things WHERE id = $1`, id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	passAll = workflow.Guards{"window": func() error { return nil }, "complete": func() error { return nil }}
	m       = testMachine()
)

// act reads thing id, applies action for u and advances the row, in one
// transaction, as a service does.
func act(ctx context.Context, d *db.DB, lg *audit.Log, id int64, u *auth.User, owner bool, action, reason string, data any) (string, error) {
	var to string
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var from string
		if err := tx.QueryRowContext(ctx, `SELECT state FROM things WHERE id = $1`, id).Scan(&from); err != nil {
			return db.Normalize(err)
		}
		var err error
		obj := workflow.Object{Type: "thing", ID: id, State: from, RegionCode: "341203", Owner: owner}
		if to, err = workflow.Apply(ctx, tx, lg, m, obj, u, action, reason, data, passAll); err != nil {
			return err
		}
		return workflow.Advance(ctx, tx, "things", "id", id, from, to)
	})
	return to, err
}

func events(t *testing.T, d *db.DB, action string) []audit.Event {
	t.Helper()
	evs, _, err := audit.List(t.Context(), d, audit.Filter{Action: action, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestApply(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		lg := setup(t, d)
		t0 := time.Date(2025, 3, 6, 2, 30, 0, 123456789, time.UTC)
		d.Now = func() time.Time { return t0 }
		ctx := t.Context()

		to, err := act(ctx, d, lg, 1, company, true, "submit", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if to != "review" || stateOf(t, d, 1) != "review" {
			t.Fatalf("after submit: Apply says %q, row says %q; want review", to, stateOf(t, d, 1))
		}
		// The request's actor, with its address, is kept when it is the user.
		ctx = audit.WithActor(ctx, audit.Actor{ID: staff.ID, Name: staff.DisplayName, IP: "10.1.2.3"})
		reasons := map[string]string{"budget": "预算表未盖章", "attachments": "缺营业执照"}
		if _, err := act(ctx, d, lg, 1, staff, false, "return", " 材料不全 ", reasons); err != nil {
			t.Fatal(err)
		}

		hist, err := workflow.History(ctx, d, "thing", 1)
		if err != nil {
			t.Fatal(err)
		}
		at := t0.Truncate(time.Microsecond)
		want := []workflow.Entry{
			{Machine: "test", ObjectType: "thing", ObjectID: 1, From: "draft", To: "review", Action: "submit",
				ActorID: company.ID, ActorName: company.DisplayName, At: at},
			{Machine: "test", ObjectType: "thing", ObjectID: 1, From: "review", To: "draft", Action: "return",
				ActorID: staff.ID, ActorName: staff.DisplayName, Reason: "材料不全",
				Data: json.RawMessage(`{"attachments":"缺营业执照","budget":"预算表未盖章"}`), At: at},
		}
		if diff := cmp.Diff(want, hist, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".ID" }, cmp.Ignore())); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		var back map[string]string
		if err := json.Unmarshal(hist[1].Data, &back); err != nil || back["budget"] != "预算表未盖章" {
			t.Errorf("per-field reasons: %v, %v", back, err)
		}

		submit := events(t, d, "workflow.test.submit")
		if len(submit) != 1 {
			t.Fatalf("%d submit events, want 1", len(submit))
		}
		e := submit[0]
		if e.ObjectType != "thing" || e.ObjectID != "1" || e.RegionCode != "341203" || e.ActorID != company.ID ||
			e.Actor != company.DisplayName || e.Before != `{"state":"draft"}` || e.After != `{"state":"review"}` {
			t.Errorf("submit event: %+v", e)
		}
		ret := events(t, d, "workflow.test.return")
		if len(ret) != 1 {
			t.Fatalf("%d return events, want 1", len(ret))
		}
		if e := ret[0]; e.IP != "10.1.2.3" || e.Reason != "材料不全" ||
			e.After != `{"data":{"attachments":"缺营业执照","budget":"预算表未盖章"},"state":"draft"}` {
			t.Errorf("return event: %+v", e)
		}
		if r, err := audit.Verify(ctx, d); err != nil || !r.OK() || r.Checked != 2 {
			t.Errorf("audit chain: %+v, %v", r, err)
		}
	})
}

func TestApplyKeepsStateForRecordedAction(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		lg := setup(t, d)
		ctx := t.Context()
		if _, err := act(ctx, d, lg, 1, company, true, "submit", "", nil); err != nil {
			t.Fatal(err)
		}
		to, err := act(ctx, d, lg, 1, staff, false, "note", "异议：排名有误", nil)
		if err != nil {
			t.Fatal(err)
		}
		if to != "review" || stateOf(t, d, 1) != "review" {
			t.Errorf("after note: %q / %q, want review", to, stateOf(t, d, 1))
		}
		hist, err := workflow.History(ctx, d, "thing", 1)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(hist); n != 2 || hist[1].From != "review" || hist[1].To != "review" {
			t.Errorf("history: %+v", hist)
		}
	})
}

// TestApplyRolledBack shows that a transaction that fails after Apply
// leaves neither history nor audit event, and that a refused transition
// writes nothing.
func TestApplyRolledBack(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		lg := setup(t, d)
		ctx := t.Context()
		boom := errors.New("boom")
		err := d.InTx(ctx, func(tx *db.Tx) error {
			obj := workflow.Object{Type: "thing", ID: 1, State: "draft", Owner: true}
			to, err := workflow.Apply(ctx, tx, lg, m, obj, company, "submit", "", nil, passAll)
			if err != nil {
				return err
			}
			if err := workflow.Advance(ctx, tx, "things", "id", 1, "draft", to); err != nil {
				return err
			}
			return boom // e.g. the caller's own insert failed
		})
		if err != boom {
			t.Fatalf("InTx: got %v, want boom", err)
		}
		if _, err := act(ctx, d, lg, 1, staff, false, "approve", "", nil); i18n.ErrorCode(err) != i18n.Conflict {
			t.Fatalf("approve from draft: got %v, want conflict", err)
		}
		if _, err := act(ctx, d, lg, 1, company, true, "withdraw", "", nil); i18n.ErrorCode(err) != i18n.Invalid {
			t.Fatalf("withdraw without reason: got %v, want invalid", err)
		}
		hist, err := workflow.History(ctx, d, "thing", 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 0 {
			t.Errorf("history after rollback: %+v", hist)
		}
		if evs := events(t, d, "workflow."); len(evs) != 0 {
			t.Errorf("audit events after rollback: %+v", evs)
		}
		if s := stateOf(t, d, 1); s != "draft" {
			t.Errorf("state after rollback: %s", s)
		}
	})
}

func TestApplyNeedsObjectAndLog(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		lg := setup(t, d)
		ctx := t.Context()
		for _, c := range []struct {
			name string
			lg   *audit.Log
			obj  workflow.Object
		}{
			{"no log", nil, workflow.Object{Type: "thing", ID: 1, State: "draft", Owner: true}},
			{"no type", lg, workflow.Object{ID: 1, State: "draft", Owner: true}},
			{"no id", lg, workflow.Object{Type: "thing", State: "draft", Owner: true}},
		} {
			err := d.InTx(ctx, func(tx *db.Tx) error {
				_, err := workflow.Apply(ctx, tx, c.lg, m, c.obj, company, "submit", "", nil, passAll)
				return err
			})
			if i18n.ErrorCode(err) != i18n.Internal {
				t.Errorf("%s: got %v, want internal", c.name, err)
			}
		}
	})
}

func TestAdvance(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		lg := setup(t, d)
		ctx := t.Context()
		advance := func(table, col string, id int64, from, to string) error {
			return d.InTx(ctx, func(tx *db.Tx) error { return workflow.Advance(ctx, tx, table, col, id, from, to) })
		}
		// A service that read thing 1 in draft, then lost the race.
		if _, err := act(ctx, d, lg, 1, company, true, "submit", "", nil); err != nil {
			t.Fatal(err)
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			obj := workflow.Object{Type: "thing", ID: 1, State: "draft", Owner: true} // stale
			to, err := workflow.Apply(ctx, tx, lg, m, obj, company, "submit", "", nil, passAll)
			if err != nil {
				return err
			}
			return workflow.Advance(ctx, tx, "things", "id", 1, "draft", to)
		})
		if c, key, _ := code(err); c != i18n.Conflict || key != "workflow.error.stale" {
			t.Fatalf("stale advance: got %v, want conflict workflow.error.stale", err)
		}
		hist, err := workflow.History(ctx, d, "thing", 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 1 {
			t.Errorf("%d history rows after the lost race, want 1", len(hist))
		}
		if n := len(events(t, d, "workflow.test.submit")); n != 1 {
			t.Errorf("%d submit events after the lost race, want 1", n)
		}

		if err := advance("things", "id", 99, "draft", "review"); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("missing row: got %v, want not found", err)
		}
		for _, bad := range [][2]string{{"things; DROP TABLE things", "id"}, {"Things", "id"}, {"things", "id = id OR 1"}, {"", "id"}, {"things", ""}} {
			if err := advance(bad[0], bad[1], 2, "draft", "review"); i18n.ErrorCode(err) != i18n.Internal {
				t.Errorf("Advance(%q, %q): got %v, want internal", bad[0], bad[1], err)
			}
		}
		if s := stateOf(t, d, 2); s != "draft" {
			t.Errorf("thing 2 is %s after refused advances", s)
		}
	})
}

// TestConcurrentTransitions races ten submits of one thing: exactly one
// wins; the others get a Conflict (a stale state, or a state that no longer
// allows submitting) and leave no trace.
func TestConcurrentTransitions(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		lg := setup(t, d)
		ctx := t.Context()
		const n = 10
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() { _, errs[i] = act(ctx, d, lg, 1, company, true, "submit", "", nil) })
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case i18n.ErrorCode(err) != i18n.Conflict:
				t.Errorf("loser: got %v, want conflict", err)
			}
		}
		if wins != 1 {
			t.Errorf("%d submits won, want 1", wins)
		}
		hist, err := workflow.History(ctx, d, "thing", 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 1 {
			t.Errorf("%d history rows, want 1", len(hist))
		}
	})
}

func TestOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		once := func(key string, fail error) (bool, error) {
			var first bool
			err := d.InTx(ctx, func(tx *db.Tx) error {
				var err error
				if first, err = workflow.Once(ctx, tx, key); err != nil {
					return err
				}
				return fail
			})
			return first, err
		}
		if first, err := once("thing.submit:1:abc", nil); err != nil || !first {
			t.Fatalf("first use: %v, %v; want true", first, err)
		}
		if first, err := once("thing.submit:1:abc", nil); err != nil || first {
			t.Fatalf("retry: %v, %v; want false", first, err)
		}
		if first, err := once("thing.submit:1:abd", nil); err != nil || !first {
			t.Fatalf("other key: %v, %v; want true", first, err)
		}
		// A failed attempt takes its key with it.
		boom := errors.New("boom")
		if _, err := once("thing.submit:2:x", boom); err != boom {
			t.Fatalf("failed attempt: %v", err)
		}
		if first, err := once("thing.submit:2:x", nil); err != nil || !first {
			t.Fatalf("after rollback: %v, %v; want true", first, err)
		}
		for _, key := range []string{"", "  ", string(make([]rune, workflow.MaxKey+1))} {
			if _, err := once(key, nil); i18n.ErrorCode(err) != i18n.Invalid {
				t.Errorf("key of %d runes: got %v, want invalid", len([]rune(key)), err)
			}
		}
	})
}

func TestOnceConcurrent(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		const n = 20
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			firsts int
		)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				errs[i] = d.InTx(ctx, func(tx *db.Tx) error {
					first, err := workflow.Once(ctx, tx, "thing.submit:1:same")
					if err == nil && first {
						mu.Lock()
						firsts++
						mu.Unlock()
					}
					return err
				})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("goroutine %d: %v", i, err)
			}
		}
		if firsts != 1 {
			t.Errorf("%d first uses, want exactly 1", firsts)
		}
	})
}

// TestIdempotentSubmit is the submit pattern: a retried request with the
// same key has one effect and no error.
func TestIdempotentSubmit(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		lg := setup(t, d)
		ctx := t.Context()
		submit := func(key string) (string, error) {
			var state string
			err := d.InTx(ctx, func(tx *db.Tx) error {
				first, err := workflow.Once(ctx, tx, key)
				if err != nil {
					return err
				}
				if err := tx.QueryRowContext(ctx, `SELECT state FROM things WHERE id = 1`).Scan(&state); err != nil {
					return err
				}
				if !first {
					return nil // the result already made
				}
				obj := workflow.Object{Type: "thing", ID: 1, State: state, Owner: true}
				from := state
				if state, err = workflow.Apply(ctx, tx, lg, m, obj, company, "submit", "", nil, passAll); err != nil {
					return err
				}
				return workflow.Advance(ctx, tx, "things", "id", 1, from, state)
			})
			return state, err
		}
		for i := range 3 {
			state, err := submit("thing.submit:1:form-token-1")
			if err != nil || state != "review" {
				t.Fatalf("submit %d: %q, %v", i+1, state, err)
			}
		}
		hist, err := workflow.History(ctx, d, "thing", 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 1 {
			t.Errorf("%d history rows after three submits, want 1", len(hist))
		}
	})
}

func TestHistoryOrder(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		lg := setup(t, d)
		ctx := t.Context()
		t0 := time.Date(2025, 3, 6, 8, 0, 0, 0, time.UTC)
		clock := t0
		d.Now = func() time.Time { return clock }
		note := func(reason string) {
			t.Helper()
			if _, err := act(ctx, d, lg, 1, staff, false, "note", reason, nil); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := act(ctx, d, lg, 1, company, true, "submit", "", nil); err != nil {
			t.Fatal(err)
		}
		clock = t0.Add(2 * time.Hour)
		note("third")
		clock = t0.Add(time.Hour) // written later, happened earlier (a clock step)
		note("second")
		// Two entries in one transaction share their instant: id order.
		clock = t0.Add(3 * time.Hour)
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for _, r := range []string{"fourth", "fifth"} {
				obj := workflow.Object{Type: "thing", ID: 1, State: "review"}
				if _, err := workflow.Apply(ctx, tx, lg, m, obj, staff, "note", r, nil, nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// Another object's history stays apart.
		if _, err := act(ctx, d, lg, 2, company, true, "submit", "", nil); err != nil {
			t.Fatal(err)
		}

		hist, err := workflow.History(ctx, d, "thing", 1)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range hist {
			got = append(got, e.Action+":"+e.Reason+"@"+e.At.Sub(t0).String())
		}
		want := []string{"submit:@0s", "note:second@1h0m0s", "note:third@2h0m0s", "note:fourth@3h0m0s", "note:fifth@3h0m0s"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("history order (-want +got):\n%s", diff)
		}
		if other, err := workflow.History(ctx, d, "thing", 2); err != nil || len(other) != 1 {
			t.Errorf("thing 2: %d entries, %v; want 1", len(other), err)
		}
		if none, err := workflow.History(ctx, d, "other", 1); err != nil || len(none) != 0 {
			t.Errorf("other type: %d entries, %v; want 0", len(none), err)
		}
	})
}
