package app_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kejiju/internal/app"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/region"
	"kejiju/internal/report"
	"kejiju/internal/xlsx"
	"kejiju/internal/xlsx/xlsxtest"
)

// returnJSON is GET /api/v1/returns/{code}/{region}.
type returnJSON struct {
	Period      string             `json:"period"`
	Figures     report.Filled      `json:"figures"`
	Live        *report.Filled     `json:"live"`
	Locked      bool               `json:"locked"`
	LiveDiffers bool               `json:"live_differs"`
	History     []report.LockEvent `json:"history"`
}

func getJSON(t *testing.T, e *env, path, token string, v any) int {
	t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b := body(t, resp)
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal([]byte(b), v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	return resp.StatusCode
}

// cells maps a return's rows (kind:region) and columns to their values.
func cells(f report.Filled) map[string]map[string]int64 {
	out := map[string]map[string]int64{}
	for _, r := range f.Rows {
		m := map[string]int64{}
		for i, c := range r.Cells {
			m[f.Columns[i].Name] = c.Value
		}
		out[r.Kind+":"+r.Region] = m
	}
	return out
}

// checkCells compares every cell of f with want (absent: 0), and the rows
// with the children of the region plus want's rest row and the total.
func checkCells(t *testing.T, label string, f report.Filled, children []region.Region, want map[string]map[string]int64) {
	t.Helper()
	var rows, wantRows []string
	for _, r := range f.Rows {
		rows = append(rows, r.Kind+":"+r.Region)
	}
	for _, c := range children {
		wantRows = append(wantRows, "region:"+c.Code)
	}
	if _, ok := want["rest:"+f.Region]; ok {
		wantRows = append(wantRows, "rest:"+f.Region)
	}
	wantRows = append(wantRows, "total:"+f.Region)
	if !slices.Equal(rows, wantRows) {
		t.Errorf("%s: rows %v, want %v", label, rows, wantRows)
	}
	got := cells(f)
	n := 0
	for row, cols := range got {
		for col, v := range cols {
			n++
			if w := want[row][col]; v != w {
				t.Errorf("%s: cell %s × %s = %d, want %d", label, row, col, v, w)
			}
		}
	}
	if n != len(f.Rows)*len(f.Columns) || n == 0 {
		t.Errorf("%s: %d cells checked", label, n)
	}
}

// TestStatisticalReturns plants visits and drills in townships of 颍东区,
// in the district itself, and in two other districts of the city, and
// checks every cell of the monthly and the half-year return for the
// district's staff and for the city viewer (each district and the total),
// that a district's staff cannot see another district, each cell's
// records, the Excel form, and the lock: snapshot, idempotence, live
// figures that differ afterwards, an unlock with its reason in the
// history and the audit log.
func TestStatisticalReturns(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		if _, _, err := e.app.Auth.CreateUser(ctx, nil, auth.UserInput{Username: "other", DisplayName: "颍州科员", Roles: []auth.Role{auth.Staff},
			RegionCode: "341202", Password: testPassword}); err != nil {
			t.Fatal(err)
		}
		d.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE`)
		now := time.Now().UTC()
		code, out := apiDo(t, e, "POST", "/api/v1/enterprises", e.token("staff"), fmt.Sprintf(`{"credit_code":%q,"name":"报表测试企业","region_code":"341203200"}`, creditCode(1)))
		if code != 201 {
			t.Fatalf("enterprise: %d %v", code, out)
		}
		ent := int64(out["id"].(float64))
		visit := func(day, reg string) int64 {
			t.Helper()
			var id int64
			if err := d.QueryRowContext(ctx, `INSERT INTO visits (visit_date, enterprise_id, enterprise_name, credit_code, region_code, topics, created_at, updated_at)
				VALUES ($1, $2, '企业', 'x', $3, '[]', $4, $4) RETURNING id`, day, ent, reg, now).Scan(&id); err != nil {
				t.Fatal(err)
			}
			return id
		}
		drill := func(day, reg string, n int) {
			t.Helper()
			if _, err := d.ExecContext(ctx, `INSERT INTO quake_drills (region_code, site, drill_date, participants, created_at, updated_at)
				VALUES ($1, '学校', $2, $3, $4, $4)`, reg, day, n, now); err != nil {
				t.Fatal(err)
			}
		}
		// March 2026: 冉庙乡 2, 口孜镇 1, the district itself 1; 颍州区 2,
		// 颍泉区 1. Outside: April in 冉庙乡, February in 颍州区.
		ranmiao := []int64{visit("2026-03-02", "341203200"), visit("2026-03-31", "341203200205")}
		visit("2026-03-15", "341203100")
		own := visit("2026-03-10", "341203")
		visit("2026-03-01", "341202")
		visit("2026-03-20", "341202")
		visit("2026-03-05", "341204")
		visit("2026-04-01", "341203200")
		visit("2026-02-28", "341202")
		// First half: 冉庙乡 300 and 200 pupils, 颍州区 120; second half 颍东 80.
		drill("2026-05-12", "341203200", 300)
		drill("2026-06-30", "341203200", 200)
		drill("2026-01-01", "341202", 120)
		drill("2026-07-01", "341203100", 80)

		tree, err := e.app.Regions.Tree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		staff, viewer, other := e.token("staff"), e.token("viewer"), e.token("other")

		// The district's monthly return: its townships, 本级, the total.
		var r returnJSON
		if code := getJSON(t, e, "/api/v1/returns/KJ01/341203?period=2026-M03", staff, &r); code != 200 {
			t.Fatalf("district return: %d", code)
		}
		checkCells(t, "颍东 KJ01", r.Figures, tree.Children("341203"), map[string]map[string]int64{
			"region:341203200": {"visits": 2}, "region:341203100": {"visits": 1}, "rest:341203": {"visits": 1}, "total:341203": {"visits": 4}})
		// The city's: each district and the total.
		if code := getJSON(t, e, "/api/v1/returns/KJ01/341200?period=2026-M03", viewer, &r); code != 200 {
			t.Fatalf("city return: %d", code)
		}
		checkCells(t, "阜阳 KJ01", r.Figures, tree.Children("341200"), map[string]map[string]int64{
			"region:341203": {"visits": 4}, "region:341202": {"visits": 2}, "region:341204": {"visits": 1}, "total:341200": {"visits": 7}})
		// Half-year: drills counted and their participants summed.
		if code := getJSON(t, e, "/api/v1/returns/KJ03/341200?period=2026-H1", viewer, &r); code != 200 {
			t.Fatalf("city half-year return: %d", code)
		}
		checkCells(t, "阜阳 KJ03", r.Figures, tree.Children("341200"), map[string]map[string]int64{
			"region:341203": {"quake.drills": 2, "quake.drilled": 500}, "region:341202": {"quake.drills": 1, "quake.drilled": 120},
			"total:341200": {"quake.drills": 3, "quake.drilled": 620}})
		// A return's total is the dashboard's figure, and each row what the
		// measure lists in that region alone, for every measure.
		viewerUser, err := e.app.Auth.UserByName(ctx, "viewer")
		if err != nil {
			t.Fatal(err)
		}
		march := report.Period{From: calendar.MustParse("2026-03-01"), To: calendar.MustParse("2026-03-31")}
		figs, err := e.app.Figures.Figures(ctx, d, viewerUser.Scope(), march)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range figs {
			if f.Name == "visits" && f.Value != 7 {
				t.Errorf("dashboard visits %d, want 7 as in the return", f.Value)
			}
		}
		for _, m := range e.app.Figures.Measures() {
			byChild, rest, all, err := report.Split(ctx, d, m, march, "341200", tree.Children("341200"))
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range tree.Children("341200") {
				want, err := m.Records(ctx, d, auth.Scope{Regions: []string{c.Code}}, march)
				if err != nil {
					t.Fatal(err)
				}
				if len(want) != len(byChild[i]) || m.Value(want) != m.Value(byChild[i]) {
					t.Errorf("%s in %s: split %d records, the measure lists %d", m.Name, c.Code, len(byChild[i]), len(want))
				}
			}
			if len(rest) != 0 || (m.Name == "visits") != (len(all) == 7) {
				t.Errorf("%s: %d left over, %d in all", m.Name, len(rest), len(all))
			}
			// The figures a return shows, grouped by region in SQL, are
			// those of the records.
			counts, restN, allN, err := report.SplitCounts(ctx, d, m, march, "341200", tree.Children("341200"))
			if err != nil {
				t.Fatal(err)
			}
			if allN.Count != len(all) || allN.Value != m.Value(all) || restN.Count != 0 {
				t.Errorf("%s: counted %+v, listed %d worth %d", m.Name, allN, len(all), m.Value(all))
			}
			for i := range counts {
				if counts[i].Count != len(byChild[i]) || counts[i].Value != m.Value(byChild[i]) {
					t.Errorf("%s child %d: counted %+v, listed %d", m.Name, i, counts[i], len(byChild[i]))
				}
			}
		}
		// The other district's staff see their own district only.
		if code := getJSON(t, e, "/api/v1/returns/KJ01/341202?period=2026-M03", other, &r); code != 200 {
			t.Fatalf("other district: %d", code)
		}
		if got := cells(r.Figures)["total:341202"]["visits"]; got != 2 {
			t.Errorf("颍州区 visits %d, want 2", got)
		}
		for _, path := range []string{"/api/v1/returns/KJ01/341202?period=2026-M03", "/api/v1/returns/KJ01/341200?period=2026-M03"} {
			if code := getJSON(t, e, path, staff, &r); code != http.StatusNotFound {
				t.Errorf("staff of 颍东区 asking %s: %d, want 404", path, code)
			}
		}
		if code := getJSON(t, e, "/api/v1/returns/KJ01/341203?period=2026-Q1", staff, &r); code != http.StatusUnprocessableEntity && code != http.StatusBadRequest {
			t.Errorf("a quarter for a monthly return: %d", code)
		}

		// Each cell's records: exactly those it counts.
		sc := e.client("staff")
		page := func(c *http.Client, path string) string { t.Helper(); return getOK(t, c, e.srv.URL+path) }
		hrefs := func(html string) []string {
			var out []string
			for _, part := range strings.Split(html, `href="/visits/`)[1:] {
				out = append(out, "/visits/"+part[:strings.IndexByte(part, '"')])
			}
			return out
		}
		ids := func(ns ...int64) []string {
			var out []string
			for _, n := range ns {
				out = append(out, fmt.Sprintf("/visits/%d", n))
			}
			return out
		}
		for _, path := range []string{"/reports/returns/KJ01/341202/records/visits?period=2026-M03", "/reports/returns/KJ01/341202?period=2026-M03",
			"/reports/returns/KJ01/341203/records/visits?period=2026-M03&row=341202", "/dashboard/regions?region=341200",
			"/dashboard/regions/341203/figures/visits?row=341204"} {
			resp, err := sc.Get(e.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			if body(t, resp); resp.StatusCode != http.StatusNotFound {
				t.Errorf("staff of 颍东区 asking %s: %d, want 404", path, resp.StatusCode)
			}
		}
		if got := hrefs(page(sc, "/reports/returns/KJ01/341203/records/visits?period=2026-M03&row=341203200")); !slices.Equal(got, ids(ranmiao...)) {
			t.Errorf("冉庙乡's visits %v, want %v", got, ids(ranmiao...))
		}
		if got := hrefs(page(sc, "/reports/returns/KJ01/341203/records/visits?period=2026-M03&row=rest")); !slices.Equal(got, ids(own)) {
			t.Errorf("the district's own visits %v, want %v", got, ids(own))
		}
		if got := hrefs(page(sc, "/reports/returns/KJ01/341203/records/visits?period=2026-M03")); len(got) != 4 {
			t.Errorf("the district's visits %v, want 4", got)
		}
		// The dashboard by district: the city sees each district, the
		// district its townships.
		vc := e.client("viewer")
		city := page(vc, "/dashboard/regions?from=2026-03-01&to=2026-03-31")
		for _, want := range []string{`data-testid="row-region-341202"`, `data-testid="row-region-341203"`, `data-testid="row-total-341200"`,
			`/dashboard/regions/341200/figures/visits?from=2026-03-01&amp;row=341202&amp;to=2026-03-31`} {
			if !strings.Contains(city, want) {
				t.Errorf("the city's dashboard by district lacks %s", want)
			}
		}
		if got := hrefs(page(vc, "/dashboard/regions/341200/figures/visits?from=2026-03-01&to=2026-03-31&row=341204")); len(got) != 1 {
			t.Errorf("颍泉区's visits %v, want 1", got)
		}
		district := page(sc, "/dashboard/regions?from=2026-03-01&to=2026-03-31")
		if strings.Contains(district, "341202") || !strings.Contains(district, `data-testid="row-region-341203200"`) {
			t.Error("the district's dashboard by township shows another district or misses its townships")
		}
		page(sc, "/reports/returns")
		page(vc, "/reports/returns")

		// Lock March: the snapshot is kept; a later visit changes the live
		// figures only.
		lockPath := "/reports/returns/KJ01/341203/lock"
		if code, loc, b := postForm(t, e, sc, lockPath, url.Values{"period": {"2026-M03"}}); code != http.StatusSeeOther {
			t.Fatalf("lock: %d %s %.300s", code, loc, b)
		}
		if code, _, _ := postForm(t, e, sc, lockPath, url.Values{"period": {"2026-M03"}}); code != http.StatusSeeOther {
			t.Fatalf("second lock: %d", code)
		}
		if n := e.count(`SELECT COUNT(*) FROM return_locks`); n != 1 {
			t.Errorf("%d locks, want 1", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'report.return.lock' AND object_id = 'KJ01:2026-M03:341203'`); n != 1 {
			t.Errorf("%d lock events, want 1 (a second lock changes nothing)", n)
		}
		visit("2026-03-25", "341203100")
		getJSON(t, e, "/api/v1/returns/KJ01/341203?period=2026-M03", staff, &r)
		if !r.Locked || !r.LiveDiffers || cells(r.Figures)["total:341203"]["visits"] != 4 || cells(*r.Live)["total:341203"]["visits"] != 5 ||
			cells(r.Figures)["region:341203100"]["visits"] != 1 || len(r.History) != 1 || r.History[0].Action != "lock" {
			t.Errorf("locked return %+v", r)
		}
		html := page(sc, "/reports/returns/KJ01/341203?period=2026-M03")
		if !strings.Contains(html, `data-testid="locked"`) || !strings.Contains(html, `data-testid="differs"`) {
			t.Error("the locked page does not say it is locked and that the records changed")
		}
		// The Excel form is the snapshot's.
		resp, err := sc.Get(e.srv.URL + "/reports/returns/KJ01/341203/xlsx?period=2026-M03")
		if err != nil {
			t.Fatal(err)
		}
		wb := []byte(body(t, resp))
		checkForm(t, wb, map[string]string{"冉庙乡": "2", "口孜镇": "1", "颍东区本级（未落到下级地区）": "1", "合计": "4"})
		// The city's own return is not locked by the district's lock.
		getJSON(t, e, "/api/v1/returns/KJ01/341200?period=2026-M03", viewer, &r)
		if r.Locked || cells(r.Figures)["total:341200"]["visits"] != 8 {
			t.Errorf("city return after the district's lock: locked %v, %v", r.Locked, cells(r.Figures)["total:341200"])
		}

		// Unlock: a reason is required; then the history shows it.
		unlockPath := "/reports/returns/KJ01/341203/unlock"
		if code, _, b := postForm(t, e, sc, unlockPath, url.Values{"period": {"2026-M03"}}); code != http.StatusUnprocessableEntity || !strings.Contains(b, `data-testid="form-error"`) {
			t.Errorf("unlock without a reason: %d", code)
		}
		if n := e.count(`SELECT COUNT(*) FROM return_locks`); n != 1 {
			t.Errorf("an unlock without a reason removed the lock")
		}
		if code, _, _ := postForm(t, e, sc, unlockPath, url.Values{"period": {"2026-M03"}, "reason": {"口孜镇补录一次调研"}}); code != http.StatusSeeOther {
			t.Fatalf("unlock: %d", code)
		}
		getJSON(t, e, "/api/v1/returns/KJ01/341203?period=2026-M03", staff, &r)
		if r.Locked || cells(r.Figures)["total:341203"]["visits"] != 5 || len(r.History) != 2 || r.History[1].Action != "unlock" || r.History[1].Reason != "口孜镇补录一次调研" {
			t.Errorf("unlocked return %+v", r)
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'report.return.unlock' AND reason = '口孜镇补录一次调研'`); n != 1 {
			t.Errorf("%d unlock events with the reason", n)
		}
		if html := page(sc, "/reports/returns/KJ01/341203?period=2026-M03"); !strings.Contains(html, "口孜镇补录一次调研") {
			t.Error("the page does not show the unlock's reason")
		}
		// The city viewer reads but cannot lock.
		if code, _, _ := postForm(t, e, vc, "/reports/returns/KJ01/341200/lock", url.Values{"period": {"2026-M03"}}); code != http.StatusForbidden {
			t.Errorf("city viewer lock: %d, want 403", code)
		}
	})
}

// checkForm reads the workbook with our reader and checks its particulars
// and the visits column by row name.
func checkForm(t *testing.T, wb []byte, visits map[string]string) {
	t.Helper()
	sheet := xlsx.Sheet{Name: "KJ01", Form: true, Columns: []xlsx.Column{{Key: "region", Header: "地区", Required: true}, {Key: "visits", Header: "企业调研（次）", Required: true}}}
	got := map[string]string{}
	sum, err := xlsx.Read(bytes.NewReader(wb), sheet, 1<<20, func(row xlsx.Row) error {
		got[row.Values["region"]] = row.Values["visits"]
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The rows are the table's only: not the second header row (本期,
	// 本年累计, …), not the lock's note under the table.
	for name := range got {
		if name == "" || strings.Contains(name, "本表为") || strings.Contains(name, "锁定") {
			t.Errorf("Excel: our reader read a row %q that is not the table's (%d rows)", name, sum.Rows)
		}
	}
	if sum.Rows != len(got) {
		t.Errorf("Excel: %d rows for %d names", sum.Rows, len(got))
	}
	if !strings.Contains(sharedStrings(t, wb), "注：本表为") {
		t.Error("Excel: the lock's note is not marked 注：")
	}
	for k, v := range visits {
		if got[k] != v {
			t.Errorf("Excel: %s visits %q, want %q (%v)", k, got[k], v, got)
		}
	}
	// And in a real spreadsheet program: the title, then the total row.
	rows := xlsxtest.Open(t, wb)
	if len(rows) < 4 || !strings.HasPrefix(rows[0][0], "科技工作统计月报") || rows[2][0] != "地区" {
		t.Errorf("LibreOffice reads %q", rows)
	}
	found := false
	for _, r := range rows {
		// 地区, then 高企申报 (本期, 累计, 上年, 同比), 高企认定 and 入库
		// (本期, 累计), then 企业调研's 本期.
		found = found || len(r) > 9 && r[0] == "合计" && r[9] == visits["合计"]
	}
	if !found {
		t.Errorf("LibreOffice finds no total row with visits %s: %q", visits["合计"], rows)
	}
	for _, want := range []string{"填报单位：颍东区", "报告期：2026年3月（2026年3月1日至2026年3月31日）", "制表日期：", "金额单位：元", "科技工作统计月报"} {
		if !strings.Contains(sharedStrings(t, wb), want) {
			t.Errorf("Excel lacks %q", want)
		}
	}
}

// TestReturnLockConcurrent locks the same return from several requests at
// once: one snapshot, one history row, one audit event.
func TestReturnLockConcurrent(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		returns, err := report.NewReturns(e.app.Figures, app.StatisticalReturns()...)
		if err != nil {
			t.Fatal(err)
		}
		ret, _ := returns.Get("KJ02")
		rp, _ := report.ParsePeriod(report.Quarterly, "2026-Q1")
		tree, _ := e.app.Regions.Tree(ctx)
		reg, _ := tree.Lookup("341203")
		u, err := e.app.Auth.UserByName(ctx, "staff")
		if err != nil {
			t.Fatal(err)
		}
		locks := &report.Locks{DB: d, Audit: e.app.Audit}
		const n = 4
		var wg sync.WaitGroup
		start := make(chan struct{})
		results := make([]bool, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				<-start
				results[i], errs[i] = locks.Lock(ctx, u, ret.Code, rp.Key(), reg.Code, func(q db.Querier, now time.Time) (*report.Filled, error) {
					return returns.Fill(ctx, q, ret, rp, reg, tree.Children(reg.Code), now)
				})
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for i := range n {
			if errs[i] != nil {
				t.Errorf("lock %d: %v", i, errs[i])
			}
			if results[i] {
				won++
			}
		}
		if won != 1 {
			t.Errorf("%d locks reported locking, want 1", won)
		}
		for q, want := range map[string]int{
			`SELECT COUNT(*) FROM return_locks`:                                     1,
			`SELECT COUNT(*) FROM return_lock_history WHERE action = 'lock'`:        1,
			`SELECT COUNT(*) FROM audit_events WHERE action = 'report.return.lock'`: 1,
		} {
			if got := e.count(q); got != want {
				t.Errorf("%s: %d, want %d", q, got, want)
			}
		}
		// Unlocking an unlocked return is refused; locks of another region
		// than the user's scope are refused.
		if err := locks.Unlock(ctx, u, ret.Code, rp.Key(), reg.Code, "重新核对"); err != nil {
			t.Fatal(err)
		}
		if err := locks.Unlock(ctx, u, ret.Code, rp.Key(), reg.Code, "重新核对"); err == nil {
			t.Error("unlocking an unlocked return succeeded")
		}
		if _, err := locks.Lock(ctx, u, ret.Code, rp.Key(), "341202", func(db.Querier, time.Time) (*report.Filled, error) { return &report.Filled{}, nil }); err == nil {
			t.Error("staff of 颍东区 locked 颍州区's return")
		}
	})
}

func TestReportPeriods(t *testing.T) {
	for _, c := range []struct {
		f        report.Frequency
		key      string
		from, to string
		ok       bool
	}{
		{report.Monthly, "2026-M02", "2026-02-01", "2026-02-28", true},
		{report.Monthly, "2028-M02", "2028-02-01", "2028-02-29", true},
		{report.Quarterly, "2026-Q4", "2026-10-01", "2026-12-31", true},
		{report.HalfYearly, "2026-H1", "2026-01-01", "2026-06-30", true},
		{report.Yearly, "2026-Y", "2026-01-01", "2026-12-31", true},
		{report.Monthly, "2026-M13", "", "", false},
		{report.Monthly, "2026-Q1", "", "", false},
		{report.Quarterly, "2026-Q5", "", "", false},
		{report.Yearly, "2026", "", "", false},
		{report.HalfYearly, "2026-H1; DROP TABLE x", "", "", false},
	} {
		rp, err := report.ParsePeriod(c.f, c.key)
		if (err == nil) != c.ok {
			t.Errorf("%s %s: err %v", c.f, c.key, err)
			continue
		}
		if !c.ok {
			continue
		}
		if p := rp.Period(); p.From.String() != c.from || p.To.String() != c.to || rp.Key() != c.key {
			t.Errorf("%s: %v–%v (%s)", c.key, p.From, p.To, rp.Key())
		}
	}
}

// sharedStrings is the text of a workbook's shared strings (the title and
// particulars rows).
func sharedStrings(t *testing.T, wb []byte) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(wb), int64(len(wb)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := z.Open("xl/sharedStrings.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
