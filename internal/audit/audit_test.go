package audit_test

import (
	"context"
	"fmt"
	"os"
	"sync"
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

func appendN(t *testing.T, d *db.DB, l *audit.Log, n int) {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{ID: 7, Name: "张三", IP: "127.0.0.1"})
	for i := range n {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := l.Append(ctx, tx, audit.Event{Action: "test.write", ObjectType: "thing", ObjectID: fmt.Sprint(i),
				After: audit.JSON(map[string]any{"i": i, "名称": "梧樟村"}), Reason: "测试"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func verify(t *testing.T, d *db.DB) audit.Result {
	t.Helper()
	r, err := audit.Verify(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestChainDetectsTampering(t *testing.T) {
	for _, alg := range []string{audit.SM3, audit.SHA256} {
		t.Run(alg, func(t *testing.T) {
			dbtest.Run(t, func(t *testing.T, d *db.DB) {
				l, err := audit.New(alg)
				if err != nil {
					t.Fatal(err)
				}
				appendN(t, d, l, 6)
				if r := verify(t, d); !r.OK() || r.Checked != 6 || r.LastSeq != 6 {
					t.Fatalf("untouched chain: %+v, want 6 good events", r)
				}
				tests := []struct {
					name    string
					tamper  string
					undo    string
					wantSeq int64
				}{
					{"changed field", `UPDATE audit_events SET reason = '改过' WHERE seq = 3`, `UPDATE audit_events SET reason = '测试' WHERE seq = 3`, 3},
					{"changed actor", `UPDATE audit_events SET actor = '李四' WHERE seq = 5`, `UPDATE audit_events SET actor = '张三' WHERE seq = 5`, 5},
					{"removed row", `UPDATE audit_events SET seq = 100 WHERE seq = 2`, `UPDATE audit_events SET seq = 2 WHERE seq = 100`, 2},
					{"removed tail", `UPDATE audit_events SET seq = -6 WHERE seq = 6`, `UPDATE audit_events SET seq = 6 WHERE seq = -6`, 6},
					{"reordered", `UPDATE audit_events SET seq = -3 WHERE seq = 3; UPDATE audit_events SET seq = 3 WHERE seq = 4; UPDATE audit_events SET seq = 4 WHERE seq = -3`, `UPDATE audit_events SET seq = -3 WHERE seq = 3; UPDATE audit_events SET seq = 3 WHERE seq = 4; UPDATE audit_events SET seq = 4 WHERE seq = -3`, 3},
				}
				for _, tc := range tests {
					t.Run(tc.name, func(t *testing.T) {
						mustExec(t, d, tc.tamper)
						r := verify(t, d)
						if r.OK() || r.BadSeq != tc.wantSeq {
							t.Errorf("got %+v, want event %d named", r, tc.wantSeq)
						}
						mustExec(t, d, tc.undo)
						if r := verify(t, d); !r.OK() {
							t.Fatalf("after undo: %+v", r)
						}
					})
				}
			})
		})
	}
}

// TestRemovedTailRow deletes the newest row outright: only the head knows.
func TestRemovedTailRow(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		l, _ := audit.New(audit.SM3)
		appendN(t, d, l, 3)
		mustExec(t, d, `DELETE FROM audit_events WHERE seq = 3`)
		if r := verify(t, d); r.OK() || r.BadSeq != 3 {
			t.Errorf("got %+v, want event 3 named", r)
		}
	})
}

func TestConcurrentAppendsKeepOneChain(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		l, _ := audit.New(audit.SM3)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() { appendN(t, d, l, 10) })
		}
		wg.Wait()
		if r := verify(t, d); !r.OK() || r.Checked != 40 {
			t.Errorf("got %+v, want 40 good events", r)
		}
	})
}

func TestPurgeKeepsRetentionAndAnchor(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l, _ := audit.New(audit.SM3)
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		clock := start
		d.Now = func() time.Time { return clock }
		appendN(t, d, l, 3) // written on 1 January
		clock = start.AddDate(0, 8, 0)
		appendN(t, d, l, 2) // written on 1 September

		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := l.Purge(ctx, tx, clock.AddDate(0, -1, 0), "too young")
			return err
		})
		if i18n.ErrorCode(err) != i18n.Invalid {
			t.Fatalf("purge of one-month-old events: got %v, want refused", err)
		}
		var n int64
		err = d.InTx(ctx, func(tx *db.Tx) error {
			n, err = l.Purge(ctx, tx, start.AddDate(0, 1, 0), "年度清理")
			return err
		})
		if err != nil || n != 3 {
			t.Fatalf("purge: n=%d err=%v, want 3 deleted", n, err)
		}
		if r := verify(t, d); !r.OK() || r.Checked != 3 { // 2 left + the purge event
			t.Errorf("after purge: %+v, want 3 good events", r)
		}
		evs, total, err := audit.List(ctx, d, audit.Filter{Action: "audit."})
		if err != nil || total != 1 || evs[0].Action != "audit.purge" {
			t.Errorf("purge event: %v %d %v", evs, total, err)
		}
	})
}

func TestList(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		l, _ := audit.New(audit.SM3)
		appendN(t, d, l, 5)
		evs, total, err := audit.List(context.Background(), d, audit.Filter{ObjectID: "2"})
		if err != nil {
			t.Fatal(err)
		}
		if total != 1 || len(evs) != 1 || evs[0].Actor != "张三" || evs[0].IP != "127.0.0.1" || evs[0].Seq != 3 {
			t.Errorf("got %d %+v", total, evs)
		}
		evs, total, _ = audit.List(context.Background(), d, audit.Filter{Limit: 2})
		if total != 5 || len(evs) != 2 || evs[0].Seq != 5 {
			t.Errorf("page: total %d, %d events, first %d; want 5, 2, 5", total, len(evs), evs[0].Seq)
		}
	})
}

func mustExec(t *testing.T, d *db.DB, q string) {
	t.Helper()
	if _, err := d.Exec(q); err != nil {
		t.Fatal(err)
	}
}
