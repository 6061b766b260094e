package app_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"kejiju/internal/app"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/ledger"
	"kejiju/internal/money"
	"kejiju/internal/patent"
	"kejiju/internal/poverty"
	"kejiju/internal/report"
	"kejiju/internal/subsidy"
	"kejiju/internal/task"
)

// TestDemoData starts a demo bureau: the demo district gets its 60
// enterprises, three years of facts for twelve of them, and this year's
// voucher batch of 200万元 funded and open, the subsidies, the paired village
// 梧樟村's eight registered households with a pending change and a project,
// the 徽清科技园 incubator, this year's targets and the party-conduct task
// table, 24 patents of six enterprises with one pledge loan, and last
// quarter's KJ02 return sent and locked by the director.
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

		// The incubator: five tenants of which three count now (one graduated,
		// one established too long before entering), two graded years.
		incs, err := a.Incubators.List(ctx, director)
		if err != nil || len(incs) != 1 {
			t.Fatalf("demo incubators: %d (%v)", len(incs), err)
		}
		inc, err := a.Incubators.Get(ctx, director, incs[0].ID)
		if err != nil || len(inc.Tenants) != 5 || inc.CurrentTenants != 3 || len(inc.Assessments) != 2 || len(inc.Prospects) != 2 {
			t.Fatalf("demo incubator: %d tenants, %d counted, %d assessments, %d prospects (%v)", len(inc.Tenants), inc.CurrentTenants,
				len(inc.Assessments), len(inc.Prospects), err)
		}
		// This year's targets of the report's plan, measured by the system.
		year := calendar.Today(nil).Year
		ts, err := a.Tasks.Targets(ctx, director, year)
		if err != nil || len(ts) != 3 {
			t.Fatalf("demo targets: %d (%v)", len(ts), err)
		}
		if ts[0].Metric != task.MetricHTERecognised || ts[0].Planned != 2 || ts[1].Metric != task.MetricCultivated || ts[1].Achieved != 3 || ts[2].Metric != "" {
			t.Fatalf("demo targets %+v %+v %+v", *ts[0], *ts[1], *ts[2])
		}
		tasks, err := a.Tasks.Tasks(ctx, director, task.TaskFilter{Year: year})
		if err != nil || len(tasks) != 4 || tasks[0].State != task.StateDone || len(tasks[0].Responsible) == 0 {
			t.Fatalf("demo tasks: %d (%v)", len(tasks), err)
		}

		// Last quarter's KJ02 of the district is sent and locked by the
		// director, audited, its snapshot the figures the records give.
		last := report.PeriodOf(report.Quarterly, calendar.Today(calendar.Shanghai)).Prev()
		locks := &report.Locks{DB: d, Audit: a.Audit}
		l, err := locks.Get(ctx, d, "KJ02", last.Key(), director.RegionCode)
		if err != nil || l == nil || l.By != director.DisplayName || l.Snapshot.Total() == nil {
			t.Fatalf("demo KJ02 %s lock %+v (%v)", last.Key(), l, err)
		}
		if hist, err := locks.History(ctx, d, "KJ02", last.Key(), director.RegionCode); err != nil || len(hist) != 1 || hist[0].Action != "lock" {
			t.Errorf("demo lock history %+v (%v)", hist, err)
		}
		var events, all int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = 'report.return.lock' AND object_id = $1 AND actor_id = $2`,
			"KJ02:"+last.Key()+":"+director.RegionCode, director.ID).Scan(&events)
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM return_locks`).Scan(&all)
		if events != 1 || all != 1 {
			t.Errorf("demo lock: %d audit events by the director, %d locks", events, all)
		}
		returns, err := report.NewReturns(a.Figures, app.StatisticalReturns()...)
		if err != nil {
			t.Fatal(err)
		}
		kj02, _ := returns.Get("KJ02")
		tree, _ := a.Regions.Tree(ctx)
		reg, _ := tree.Lookup(director.RegionCode)
		live, err := returns.Fill(ctx, d, kj02, last, reg, tree.Children(reg.Code), time.Now())
		if err != nil || !l.Snapshot.Equal(live) {
			t.Errorf("demo snapshot %+v differs from the records' %+v (%v)", l.Snapshot.Total(), live.Total(), err)
		}
	})
}
