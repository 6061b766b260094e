package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"kejiju/internal/app"
	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
	"kejiju/internal/ident"
	"kejiju/internal/ledger"
	"kejiju/internal/patent"
	"kejiju/internal/report"
)

// TestGenerateScale generates the test-scale dataset (two districts) at a
// fixed day and checks every dashboard and summary figure — for the
// district's director and the city's viewer, this year to date, the first
// half and the same periods last year — against the generator's own tally
// of what it wrote; that each figure's records are exactly what it counts;
// that the identifiers carry valid check characters and the sealed resident
// IDs open; and that the ledger and the audit chain verify.
func TestGenerateScale(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		d.Now = func() time.Time { return time.Date(2026, 8, 20, 2, 0, 0, 0, time.UTC) }
		a, err := app.New(app.Config{DataDir: t.TempDir(), BureauName: "测试科技局"}, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		indexes := func() int {
			q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'patents'`
			if d.Dialect.Engine == db.Postgres {
				q = `SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'patents'`
			}
			var n int
			if err := d.QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := indexes()
		res, err := a.DemoScale(ctx, "test", true, io.Discard, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if after := indexes(); after != before || before < 5 {
			t.Errorf("patents had %d indexes before the bulk load, %d after", before, after)
		}
		if _, err := a.DemoScale(ctx, "test", false, io.Discard, io.Discard); err == nil {
			t.Error("a second generation into the same database was accepted")
		}
		rows := map[string]int64{}
		for _, r := range res.Rows {
			rows[r.Table] = r.Rows
		}
		for table, want := range map[string]int64{"enterprises": 120, "patents": 3000, "poverty_households": 200} {
			var n int64
			if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != want || rows[table] != want {
				t.Errorf("%s: %d rows in the table, %d reported, want %d", table, n, rows[table], want)
			}
		}

		catalog, err := report.NewCatalog(app.Measures()...)
		if err != nil {
			t.Fatal(err)
		}
		// The summed figures count the records of their counted twin.
		twin := map[string]string{"events.trained": "events.trainings", "quake.drilled": "quake.drills", "patents.loan_amount": "patents.loans"}
		expect := func(m *report.Measure, prefix string, p report.Period) int64 {
			name := m.Name
			if tw, ok := twin[name]; ok {
				name = tw
			}
			n, sum := res.Tally.Count(name, prefix, p.From, p.To)
			if m.Unit.Summed() {
				return sum
			}
			return n
		}
		today := calendar.MustParse("2026-08-20")
		director, err := a.Auth.UserByName(ctx, "juzhang")
		if err != nil {
			t.Fatal(err)
		}
		viewer, err := a.Auth.UserByName(ctx, "shiju")
		if err != nil {
			t.Fatal(err)
		}
		nonzero := map[string]bool{}
		for _, who := range []struct {
			name, prefix string
			scope        func() any
		}{{"director", "341203", nil}, {"city", "3412", nil}} {
			u := director
			if who.name == "city" {
				u = viewer
			}
			for _, p := range []report.Period{report.YearToDate(today), report.FirstHalf(2026)} {
				figs, err := catalog.Figures(ctx, d, u.Scope(), p)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range figs {
					m, _ := catalog.Get(f.Name)
					if want := expect(m, who.prefix, p); f.Value != want {
						t.Errorf("%s %s %v: %d, generated %d", who.name, f.Name, p, f.Value, want)
					}
					if want := expect(m, who.prefix, p.LastYear()); f.LastYear != want {
						t.Errorf("%s %s %v last year: %d, generated %d", who.name, f.Name, p, f.LastYear, want)
					}
					rs, err := m.Records(ctx, d, u.Scope(), p)
					if err != nil {
						t.Fatal(err)
					}
					if m.Value(rs) != f.Value || len(rs) != f.Count {
						t.Errorf("%s %s: the records give %d (%d of them), the figure %d (%d)", who.name, f.Name, m.Value(rs), len(rs), f.Value, f.Count)
					}
					if f.Value > 0 {
						nonzero[f.Name] = true
					}
				}
			}
			paras, err := catalog.Summary(ctx, d, u.Scope(), report.FirstHalf(2026), i18n.Default().Printer("zh-CN"))
			if err != nil {
				t.Fatal(err)
			}
			for _, para := range paras {
				for _, f := range para.Figures {
					m, _ := catalog.Get(f.Name)
					if want := expect(m, who.prefix, report.FirstHalf(2026)); f.Value != want {
						t.Errorf("%s summary %s: %d, generated %d", who.name, f.Name, f.Value, want)
					}
				}
			}
		}
		// Every area the generator fills shows in the figures.
		for _, name := range []string{"hte.applied", "hte.recognized", "pool.entered", "visits", "needs.collected", "needs.forwarded",
			"projects.signed", "projects.paid", "vouchers.issued", "vouchers.redeemed", "subsidies.granted", "patents.invention_applied",
			"patents.invention_granted", "events.trainings", "quake.drills", "quake.materials", "poverty.projects", "poverty.people"} {
			if !nonzero[name] {
				t.Errorf("%s is 0 in every period and scope", name)
			}
		}
		// The city sees more than the district.
		m, _ := catalog.Get("patents.invention_applied")
		nd, _, _ := m.Figure(ctx, d, director.Scope(), report.YearToDate(today))
		nc, _, _ := m.Figure(ctx, d, viewer.Scope(), report.YearToDate(today))
		if nd == 0 || nc <= nd {
			t.Errorf("invention applications: district %d, city %d", nd, nc)
		}
		// The patent figures read whole months from the rollups: any cut of
		// a period into days and months gives the records' count, for the
		// dashboard and for the returns' lines by district.
		tree, err := a.Regions.Tree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cities := tree.Children("341200")
		for _, name := range []string{"patents.invention_applied", "patents.invention_granted"} {
			m, _ := catalog.Get(name)
			if m.Rollup == nil {
				t.Fatalf("%s reads no rollup", name)
			}
			for _, span := range [][2]string{{"2026-01-01", "2026-08-20"}, {"2025-03-15", "2026-02-10"}, {"2025-12-31", "2026-01-01"},
				{"2026-02-01", "2026-02-28"}, {"2024-02-29", "2026-07-31"}, {"2026-05-07", "2026-05-07"}} {
				p := report.Period{From: calendar.MustParse(span[0]), To: calendar.MustParse(span[1])}
				for _, u := range []*auth.User{director, viewer} {
					n, _, err := m.Figure(ctx, d, u.Scope(), p)
					if err != nil {
						t.Fatal(err)
					}
					rs, err := m.Records(ctx, d, u.Scope(), p)
					if err != nil {
						t.Fatal(err)
					}
					prefix := u.RegionCode[:6]
					if u == viewer {
						prefix = "3412"
					}
					if want, _ := res.Tally.Count(name, prefix, p.From, p.To); n != len(rs) || int64(n) != want {
						t.Errorf("%s %v for %s: figure %d, %d records, generated %d", name, span, u.Username, n, len(rs), want)
					}
				}
				counts, rest, all, err := report.SplitCounts(ctx, d, m, p, "341200", cities)
				if err != nil {
					t.Fatal(err)
				}
				recs, restRecs, allRecs, err := report.Split(ctx, d, m, p, "341200", cities)
				if err != nil {
					t.Fatal(err)
				}
				if all.Count != len(allRecs) || rest.Count != len(restRecs) {
					t.Errorf("%s %v by district: %d and %d counted, %d and %d records", name, span, all.Count, rest.Count, len(allRecs), len(restRecs))
				}
				for i := range cities {
					if counts[i].Value != int64(len(recs[i])) {
						t.Errorf("%s %v in %s: %d counted, %d records", name, span, cities[i].Code, counts[i].Value, len(recs[i]))
					}
				}
			}
		}

		// Identifiers.
		check := func(q string, ok func(string) error) {
			rows, err := d.QueryContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			vals, err := db.Collect(rows, func(sc interface{ Scan(...any) error }) (string, error) {
				var s string
				return s, sc.Scan(&s)
			})
			if err != nil || len(vals) == 0 {
				t.Fatalf("%s: %d values, %v", q, len(vals), err)
			}
			for _, v := range vals {
				if err := ok(v); err != nil {
					t.Errorf("%s: %v", v, err)
					return
				}
			}
		}
		check(`SELECT credit_code FROM enterprises UNION ALL SELECT credit_code FROM voucher_providers`, func(s string) error {
			_, err := ident.ParseCreditCode(s)
			return err
		})
		check(`SELECT app_no || ' ' || type FROM patents`, func(s string) error {
			var no, typ string
			fmt.Sscan(s, &no, &typ)
			n, err := ident.ParsePatentNumber(no)
			if err != nil {
				return err
			}
			if got, _ := patent.TypeOf(n); got != typ {
				return fmt.Errorf("type %s, the number says %s", typ, got)
			}
			return nil
		})
		check(`SELECT CAST(id AS TEXT) || ' ' || head_id_sealed || ' ' || head_id_index FROM poverty_households`, func(s string) error {
			var id, sealed, index string
			fmt.Sscan(s, &id, &sealed, &index)
			rid, err := a.Poverty.Keys.Open(sealed, "poverty_households:"+id+":head_id")
			if err != nil {
				return err
			}
			if _, err := ident.ParseResidentID(rid, today); err != nil {
				return err
			}
			if a.Poverty.Keys.BlindIndex("resident_id:"+rid) != index {
				return fmt.Errorf("blind index differs")
			}
			return nil
		})

		lr, err := ledger.Verify(ctx, d)
		if err != nil || !lr.OK() || lr.Transactions == 0 {
			t.Errorf("ledger: %+v %v", lr, err)
		}
		ar, err := audit.Verify(ctx, d)
		if err != nil || !ar.OK() {
			t.Errorf("audit: %+v %v", ar, err)
		}
		var counted int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM patent_counts`).Scan(&counted); err != nil || counted == 0 {
			t.Errorf("the patent rollups were not built: %d rows, %v", counted, err)
		}
		if diffs, err := a.Patents.VerifyRollups(ctx); err != nil || len(diffs) > 0 {
			t.Errorf("patent rollups differ from the patents: %v %v", diffs, err)
		}
	})
}
