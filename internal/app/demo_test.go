package app_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"kejiju/internal/app"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/ledger"
	"kejiju/internal/money"
	"kejiju/internal/patent"
	"kejiju/internal/subsidy"
)

// TestDemoData starts a demo bureau: the demo district gets its 60
// enterprises, three years of facts for twelve of them, and this year's
// voucher batch of 200万元 funded and open, and 24 patents of six
// enterprises with one pledge loan.
func TestDemoData(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, err := app.New(app.Config{DataDir: t.TempDir(), BureauName: "测试科技局", Demo: true}, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Bootstrap(ctx, io.Discard); err != nil {
			t.Fatal(err)
		}
		var ents, years int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM enterprises`).Scan(&ents); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM enterprise_years`).Scan(&years); err != nil {
			t.Fatal(err)
		}
		if ents != 60 || years != 36 {
			t.Fatalf("demo: %d enterprises, %d enterprise years", ents, years)
		}
		director, err := a.Auth.UserByName(ctx, "juzhang")
		if err != nil {
			t.Fatal(err)
		}
		bs, err := a.Vouchers.Batches(ctx, director, 10)
		if err != nil || len(bs) != 1 {
			t.Fatalf("demo voucher batches: %d, %v", len(bs), err)
		}
		b, err := a.Vouchers.Batch(ctx, director, bs[0].ID)
		if err != nil || b.Budget != money.Fen(200_0000_00) || b.Available != b.Budget || len(b.Providers) != 2 {
			t.Fatalf("demo batch %+v, %v", b, err)
		}
		if _, n, err := a.Patents.List(ctx, director, patent.Filter{}); err != nil || n != 24 {
			t.Fatalf("demo patents: %d, %v", n, err)
		}
		ls, err := a.Patents.Loans(ctx, director, "", 0)
		if err != nil || len(ls) != 1 {
			t.Fatalf("demo pledge loans: %d, %v", len(ls), err)
		}
		if l, err := a.Patents.Loan(ctx, director, ls[0].ID); err != nil || len(l.Patents) != 1 {
			t.Fatalf("demo pledge loan %+v, %v", l, err)
		}
		claims, n, err := a.Subsidies.Claims(ctx, director, subsidy.Filter{})
		states := map[subsidy.State]int{}
		for _, c := range claims {
			states[c.State]++
		}
		if err != nil || n != 3 || states[subsidy.Approved] != 1 || states[subsidy.Submitted] != 1 || states[subsidy.Waiting] != 1 {
			t.Fatalf("demo subsidy claims %d %v (%v)", n, states, err)
		}
		if rec, err := ledger.Reconcile(ctx, d, director.Scope()); err != nil || !rec.OK() || rec.Payables == 0 {
			t.Fatalf("demo ledger reconciliation %+v (%v)", rec, err)
		}
	})
}
