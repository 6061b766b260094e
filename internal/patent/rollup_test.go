package patent_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/patent"
	"kejiju/internal/region"
)

// TestRollupsStayExact is a property test of the statistics' rollups: a
// random run of creates, imports (new patents and edits of patents on
// file: dates, grants, status, links by applicant name, township), status
// changes and links, and after every step the rollups equal a recount from
// the patents. Then a damaged rollup is found by VerifyRollups and mended
// by RebuildRollups.
func TestRollupsStayExact(t *testing.T) {
	steps := 80
	if testing.Short() {
		steps = 30
	}
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 4)
		ctx := context.Background()
		tree, err := (&region.Store{DB: d}).Tree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(23, 2026))
		var nos []string // the numbers on file
		serial := 5000
		typeDigits := []int{1, 2, 3, 8, 9}
		typeNames := map[int]string{1: "发明", 2: "实用新型", 3: "外观设计", 8: "发明", 9: "实用新型"}
		day := func(year int) calendar.Date {
			return calendar.FromTime(time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(365)), time.UTC)
		}
		later := func(d calendar.Date) calendar.Date { return d.AddDays(20 + rng.IntN(600)) }
		check := func(step int, what string) {
			t.Helper()
			diffs, err := e.s.VerifyRollups(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(diffs) > 0 {
				t.Fatalf("step %d (%s): %d rollup rows differ from the recount, first %s", step, what, len(diffs), diffs[0])
			}
		}
		pick := func() *patent.Patent {
			no := nos[rng.IntN(len(nos))]
			p, err := e.s.ByNumber(ctx, staff, no)
			if err != nil {
				t.Fatalf("%s: %v (%d on file)", no, err, count(t, d, `SELECT COUNT(*) FROM patents`))
			}
			return p
		}
		counts := map[string]int{}
		for step := range steps {
			op := rng.IntN(4)
			if len(nos) < 3 {
				op = 0
			}
			switch op {
			case 0: // staff enter a patent
				year := 2023 + rng.IntN(3)
				dg := typeDigits[rng.IntN(len(typeDigits))]
				serial++
				in := patent.Input{AppNo: number(t, year, dg, serial), Title: "性质测试", Applicants: "某大学", ApplicationDate: day(year), Status: patent.Applied,
					RegionCode: townships[rng.IntN(len(townships))]}
				if k := rng.IntN(len(e.ents) + 1); k < len(e.ents) {
					in.EnterpriseID = e.ents[k].ID
				}
				if rng.IntN(2) == 0 {
					in.Status = []string{patent.Granted, patent.Valid, patent.Lapsed}[rng.IntN(3)]
					in.GrantDate = later(in.ApplicationDate)
				}
				if _, err := e.s.Create(ctx, staff, in, ""); err != nil {
					t.Fatalf("step %d create: %v", step, err)
				}
				nos = append(nos, in.AppNo)
				counts["create"]++
				check(step, "create")
			case 1: // a list: new patents and edits of some on file
				var rows []listRow
				var fresh []string // on file once imported
				used := map[string]bool{}
				for range 1 + rng.IntN(12) {
					if rng.IntN(2) == 0 {
						p := pick()
						if used[p.AppNo] {
							continue
						}
						used[p.AppNo] = true
						n, _ := patent.ParseNumber("app_no", p.AppNo)
						r := listRow{no: p.AppNo, title: p.Title + "（修订）", applied: p.ApplicationDate.String(), applicants: p.Applicants}
						if rng.IntN(2) == 0 { // a corrected application date, same year
							ad := day(n.Year)
							if p.GrantDate.IsZero() || !p.GrantDate.Before(ad) {
								r.applied = ad.String()
							}
						}
						switch {
						case p.Status == patent.Applied && rng.IntN(2) == 0:
							ad, _ := calendar.Parse(r.applied)
							r.status, r.granted = "授权", later(ad).String()
						case p.Status == patent.Granted && rng.IntN(2) == 0:
							r.status = "有效"
						case (p.Status == patent.Granted || p.Status == patent.Valid) && rng.IntN(3) == 0:
							r.status = "失效"
						}
						if p.EnterpriseID == 0 {
							if rng.IntN(2) == 0 { // the applicant is now a known enterprise: linked by name
								r.applicants = e.ents[rng.IntN(len(e.ents))].Name
							} else {
								r.region = townships[rng.IntN(2)] // a township (a village is no township)
							}
						}
						rows = append(rows, r)
						continue
					}
					year := 2023 + rng.IntN(3)
					dg := typeDigits[rng.IntN(len(typeDigits))]
					serial++
					ad := day(year)
					r := listRow{no: number(t, year, dg, serial), typ: typeNames[dg], title: "导入测试", applied: ad.String(), inventors: "2",
						applicants: "某研究院", region: townships[rng.IntN(2)]}
					if k := rng.IntN(len(e.ents) + 1); k < len(e.ents) {
						r.applicants, r.region = e.ents[k].Name, ""
					}
					switch rng.IntN(3) {
					case 1:
						r.status, r.granted = "授权", later(ad).String()
					case 2:
						r.status, r.granted = "有效", later(ad).String()
					default:
						r.status = "在审"
					}
					rows = append(rows, r)
					fresh = append(fresh, r.no)
				}
				rep := e.importCSV(t, staff, tree, csvOf(rows), false)
				if !rep.Written {
					t.Fatalf("step %d import refused: %+v", step, rep.Errors)
				}
				nos = append(nos, fresh...)
				counts["import"]++
				check(step, "import")
			case 2: // a change of legal status
				p := pick()
				var to []string
				for _, s := range []string{patent.Granted, patent.Valid, patent.Rejected, patent.Withdrawn, patent.Lapsed} {
					if patent.CanMove(p.Status, s) {
						to = append(to, s)
					}
				}
				if len(to) == 0 {
					continue
				}
				ch := patent.StatusChange{Version: p.Version, Status: to[rng.IntN(len(to))]}
				if p.GrantDate.IsZero() {
					ch.GrantDate = later(p.ApplicationDate)
				}
				if _, err := e.s.SetStatus(ctx, staff, p.ID, ch); err != nil {
					t.Fatalf("step %d status %s→%s: %v", step, p.Status, ch.Status, err)
				}
				counts["status"]++
				check(step, "status")
			case 3: // linked to another enterprise, or unlinked
				p := pick()
				var ent int64
				if k := rng.IntN(len(e.ents) + 1); k < len(e.ents) {
					ent = e.ents[k].ID
				}
				if _, err := e.s.Link(ctx, staff, p.ID, ent, "性质测试"); err != nil {
					t.Fatalf("step %d link: %v", step, err)
				}
				counts["link"]++
				check(step, "link")
			}
		}
		for _, op := range []string{"create", "import", "status", "link"} {
			if counts[op] == 0 {
				t.Fatalf("the run had no %s: %v", op, counts)
			}
		}
		if count(t, d, `SELECT COUNT(*) FROM patent_counts WHERE n > 0 AND measure = 'valid_invention'`) == 0 {
			t.Fatal("the run made no valid invention")
		}

		// A damaged rollup is found, row by row, and a rebuild mends it.
		if _, err := d.Exec(`UPDATE patent_counts SET n = n + 2 WHERE measure = 'granted' AND n > 0 AND month = (SELECT MIN(month) FROM patent_counts WHERE measure = 'granted' AND n > 0)`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(`INSERT INTO patent_counts (measure, month, region_code, enterprise_id, type, n) VALUES ('applied', 190001, '341203', 0, 'design', 1)`); err != nil {
			t.Fatal(err)
		}
		diffs, err := e.s.VerifyRollups(ctx)
		if err != nil {
			t.Fatal(err)
		}
		found := fmt.Sprint(diffs)
		if len(diffs) < 2 || !slices.ContainsFunc(diffs, func(x patent.RollupDiff) bool { return x.Month == 190001 && x.Rollup == 1 && x.Recount == 0 }) ||
			!slices.ContainsFunc(diffs, func(x patent.RollupDiff) bool { return x.Measure == "granted" && x.Rollup == x.Recount+2 }) {
			t.Fatalf("VerifyRollups after damage: %s", found)
		}
		if err := d.InTx(ctx, func(tx *db.Tx) error { return e.s.RebuildRollups(ctx, tx) }); err != nil {
			t.Fatal(err)
		}
		check(steps, "rebuild")
	})
}
