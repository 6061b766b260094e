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
	"kejiju/internal/poverty"
	"kejiju/internal/subsidy"
)

// TestDemoData starts a demo bureau: the demo district gets its 60
// enterprises, three years of facts for twelve of them, and this year's
// voucher batch of 200万元 funded and open, and the paired village 梧樟村
// its eight registered households with a pending change and a project.
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
		hs, total, err := a.Poverty.Households(ctx, director, poverty.Filter{RegionCode: "341203200205", Limit: 50})
		if err != nil || total != 8 || hs[0].VillageName != "梧樟村" {
			t.Fatalf("demo households: %d, %v", total, err)
		}
		var members, measures, pending int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM poverty_members`).Scan(&members)
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM poverty_measures`).Scan(&measures)
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM poverty_changes WHERE state = 'submitted'`).Scan(&pending)
		if members != 11 || measures != 8 || pending != 1 {
			t.Errorf("demo registry: %d members, %d measures, %d pending changes", members, measures, pending)
		}
		if cs, err := a.Poverty.Commissioners(ctx, director); err != nil || len(cs) != 2 {
			t.Errorf("demo commissioners: %d, %v", len(cs), err)
		}
		if ps, err := a.Poverty.Projects(ctx, director, 0); err != nil || len(ps) != 1 || ps[0].TownshipNames[0] != "冉庙乡" {
			t.Errorf("demo projects: %v, %v", ps, err)
		}
	})
}
