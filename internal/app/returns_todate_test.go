package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kejiju/internal/app"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/report"
)

// TestReturnToDate plants visits in January to March 2026 and in 2025 in
// two districts and checks the city's March return: 本期 is March, 本年累计
// January to March, 上年同期 March 2025 and 同比 the change, "—" where
// last year had none; on the page, in the API, in the Excel form (two
// header rows) and in a lock's snapshot; and that a snapshot from before
// these columns still reads.
func TestReturnToDate(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		now := time.Now().UTC()
		code, out := apiDo(t, e, "POST", "/api/v1/enterprises", e.token("staff"), fmt.Sprintf(`{"credit_code":%q,"name":"累计测试企业","region_code":"341203200"}`, creditCode(2)))
		if code != 201 {
			t.Fatalf("enterprise: %d %v", code, out)
		}
		ent := int64(out["id"].(float64))
		visit := func(day, reg string) {
			t.Helper()
			if _, err := d.ExecContext(ctx, `INSERT INTO visits (visit_date, enterprise_id, enterprise_name, credit_code, region_code, topics, created_at, updated_at)
				VALUES ($1, $2, '企业', 'x', $3, '[]', $4, $4)`, day, ent, reg, now); err != nil {
				t.Fatal(err)
			}
		}
		// 颍东区: January 1, February 1, March 2; March 2025 1, December 2025 1.
		// 颍州区: March 1; February 2025 1 (not the same period).
		visit("2026-01-01", "341203200")
		visit("2026-02-14", "341203100")
		visit("2026-03-01", "341203200")
		visit("2026-03-31", "341203")
		visit("2025-03-15", "341203200")
		visit("2025-12-31", "341203100")
		visit("2026-03-20", "341202")
		visit("2025-02-10", "341202")
		visit("2026-04-01", "341202")

		viewer := e.token("viewer")
		var r returnJSON
		if code := getJSON(t, e, "/api/v1/returns/KJ01/341200?period=2026-M03", viewer, &r); code != 200 {
			t.Fatalf("city return: %d", code)
		}
		col := -1
		for i, c := range r.Figures.Columns {
			if c.Name == "visits" {
				col = i
				if !c.ToDate || !c.LastYear {
					t.Errorf("visits column %+v: want 累计 and 同比", c)
				}
			}
		}
		if col < 0 {
			t.Fatal("no visits column")
		}
		type want struct {
			this, toDate, lastYear int64
			change                 string
		}
		check := func(label string, f report.Filled, wants map[string]want) {
			t.Helper()
			for key, w := range wants {
				var row *report.Row
				for i := range f.Rows {
					if f.Rows[i].Kind+":"+f.Rows[i].Region == key {
						row = &f.Rows[i]
					}
				}
				if row == nil || len(row.ToDate) <= col || len(row.LastYear) <= col || len(row.Change) <= col {
					t.Errorf("%s: row %s missing or without 累计/同比: %+v", label, key, row)
					continue
				}
				got := want{row.Cells[col].Value, row.ToDate[col].Value, row.LastYear[col].Value, row.Change[col]}
				if got != w {
					t.Errorf("%s: %s visits %+v, want %+v", label, key, got, w)
				}
			}
		}
		wants := map[string]want{
			"region:341203": {2, 4, 1, "+100.0%"},
			"region:341202": {1, 1, 0, "—"},
			"region:341204": {0, 0, 0, "—"},
			"total:341200":  {3, 5, 1, "+200.0%"},
		}
		check("API", r.Figures, wants)
		// The district's 本级 row appears for 累计 alone? It has March.
		var dr returnJSON
		getJSON(t, e, "/api/v1/returns/KJ01/341203?period=2026-M03", e.token("staff"), &dr)
		check("颍东", dr.Figures, map[string]want{"region:341203200": {1, 2, 1, "+0.0%"}, "region:341203100": {0, 1, 0, "—"},
			"rest:341203": {1, 1, 0, "—"}, "total:341203": {2, 4, 1, "+100.0%"}})

		// The page: two header rows, the figures, the 累计 cell's records.
		vc := e.client("viewer")
		get := func(path string) string { t.Helper(); return getOK(t, vc, e.srv.URL+path) }
		html := get("/reports/returns/KJ01/341200?period=2026-M03")
		for _, s := range []string{"本年累计", "上年同期", "同比", `data-testid="change-visits">&#43;200.0%</td>`, `data-testid="change-visits">—</td>`,
			`span=to_date`} {
			if !strings.Contains(html, s) {
				t.Errorf("the page lacks %s", s)
			}
		}
		if n := strings.Count(get("/reports/returns/KJ01/341200/records/visits?period=2026-M03&row=341203&span=to_date"), `href="/visits/`); n != 4 {
			t.Errorf("颍东区's visits to date: %d records, want 4", n)
		}
		if n := strings.Count(get("/reports/returns/KJ01/341200/records/visits?period=2026-M03&span=last_year"), `href="/visits/`); n != 1 {
			t.Errorf("the city's visits of March 2025: %d records, want 1", n)
		}

		// The Excel form: the measure over 本期, 本年累计, 上年同期, 同比.
		resp, err := vc.Get(e.srv.URL + "/reports/returns/KJ01/341200/xlsx?period=2026-M03")
		if err != nil {
			t.Fatal(err)
		}
		wb := []byte(body(t, resp))
		x, err := excelize.OpenReader(bytes.NewReader(wb))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, _ := x.GetRows("KJ01")
		// visits start at column 10 (J): 地区, 高企申报 ×4, 高企认定 ×2, 入库 ×2.
		if len(rows) < 5 || len(rows[2]) < 10 || rows[2][9] != "企业调研（次）" || len(rows[3]) < 13 ||
			strings.Join(rows[3][9:13], ",") != "本期,本年累计,上年同期,同比" {
			t.Fatalf("the form's header rows %q", rows[:min(4, len(rows))])
		}
		found := false
		for _, row := range rows {
			if len(row) >= 13 && row[0] == "合计" {
				found = strings.Join(row[9:13], ",") == "3,5,1,+200.0%"
			}
		}
		if !found {
			t.Errorf("the form's total row lacks 3,5,1,+200.0%%: %q", rows)
		}

		// The lock's snapshot keeps 累计 and 同比: a later January visit
		// changes the live 累计 only.
		sc := e.client("staff")
		if code, _, b := postForm(t, e, sc, "/reports/returns/KJ01/341203/lock", map[string][]string{"period": {"2026-M03"}}); code != http.StatusSeeOther {
			t.Fatalf("lock: %d %.300s", code, b)
		}
		visit("2026-01-20", "341203100")
		getJSON(t, e, "/api/v1/returns/KJ01/341203?period=2026-M03", e.token("staff"), &dr)
		check("snapshot", dr.Figures, map[string]want{"total:341203": {2, 4, 1, "+100.0%"}})
		if !dr.Locked || !dr.LiveDiffers || dr.Live == nil {
			t.Fatalf("locked %v, differs %v", dr.Locked, dr.LiveDiffers)
		}
		check("live", *dr.Live, map[string]want{"total:341203": {2, 5, 1, "+100.0%"}})
		staffPage := func(path string) string {
			t.Helper()
			resp, err := sc.Get(e.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			return body(t, resp)
		}
		html = staffPage("/reports/returns/KJ01/341203?period=2026-M03")
		if !strings.Contains(html, `data-testid="to-date-visits"><a href="/reports/returns/KJ01/341203/records/visits?period=2026-M03&amp;span=to_date">4</a><br><span class="muted" data-testid="live">实时 5</span>`) {
			t.Errorf("the locked page does not mark the total's live 累计 beside the kept one:\n%s", html[strings.Index(html, `row-total`):][:1500])
		}

		// A snapshot from before 累计 and 同比 still reads: 本期 only.
		old := `{"code":"KJ01","period":"2026-M02","from":"2026-02-01","to":"2026-02-28","region":"341200","region_name":"阜阳市",` +
			`"columns":[{"name":"visits","unit":"count"}],"rows":[{"kind":"total","region":"341200","name":"阜阳市","cells":[{"value":7,"count":7}]}],"made_at":"2026-03-01T00:00:00Z"}`
		if _, err := d.ExecContext(ctx, `INSERT INTO return_locks (return_code, period, region_code, snapshot, locked_at, locked_by) VALUES ('KJ01', '2026-M02', '341200', $1, $2, '老用户')`, old, now); err != nil {
			t.Fatal(err)
		}
		if code := getJSON(t, e, "/api/v1/returns/KJ01/341200?period=2026-M02", viewer, &r); code != 200 || !r.Locked || cells(r.Figures)["total:341200"]["visits"] != 7 {
			t.Errorf("old snapshot: %d %+v", code, r.Figures)
		}
		if html := get("/reports/returns/KJ01/341200?period=2026-M02"); !strings.Contains(html, `data-testid="locked"`) || strings.Contains(html, "本年累计") {
			t.Error("the page of an old snapshot is not shown as it was kept")
		}
		resp, err = vc.Get(e.srv.URL + "/reports/returns/KJ01/341200/xlsx?period=2026-M02")
		if err != nil {
			t.Fatal(err)
		}
		if b := body(t, resp); resp.StatusCode != 200 || len(b) == 0 {
			t.Errorf("old snapshot's form: %d", resp.StatusCode)
		}
	})
}

func TestChangeText(t *testing.T) {
	for _, c := range []struct {
		now, last int64
		want      string
	}{{3, 1, "+200.0%"}, {1, 1, "+0.0%"}, {1, 3, "-66.7%"}, {2, 3, "-33.3%"}, {3, 4, "-25.0%"}, {5, 0, "—"}, {0, 0, "—"}, {0, 8, "-100.0%"}, {1001, 1000, "+0.1%"}} {
		if got := report.ChangeText(c.now, c.last); got != c.want {
			t.Errorf("ChangeText(%d, %d) = %q, want %q", c.now, c.last, got, c.want)
		}
	}
}

// TestReturnDefinitions: 累计 and 同比 name columns of the return, and a
// yearly return has no 累计; the spans of a period.
func TestReturnDefinitions(t *testing.T) {
	c, err := report.NewCatalog(app.Measures()...)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []report.Return{
		{Code: "X1", Frequency: report.Yearly, Columns: []string{"visits"}, ToDate: []string{"visits"}},
		{Code: "X2", Frequency: report.Monthly, Columns: []string{"visits"}, ToDate: []string{"hte.applied"}},
		{Code: "X3", Frequency: report.Monthly, Columns: []string{"visits"}, LastYear: []string{"no.such"}},
	} {
		if _, err := report.NewReturns(c, r); err == nil {
			t.Errorf("%s: accepted %+v", r.Code, r)
		}
	}
	if _, err := report.NewReturns(c, app.StatisticalReturns()...); err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct{ from, to, ytdFrom, lastFrom, lastTo string }{
		{"2026-03-01", "2026-03-31", "2026-01-01", "2025-03-01", "2025-03-31"},
		{"2029-02-01", "2029-02-28", "2029-01-01", "2028-02-01", "2028-02-29"},
		{"2028-02-01", "2028-02-29", "2028-01-01", "2027-02-01", "2027-02-28"},
		{"2026-07-01", "2026-12-31", "2026-01-01", "2025-07-01", "2025-12-31"},
	} {
		p := report.Period{From: calendar.MustParse(s.from), To: calendar.MustParse(s.to)}
		ytd, last := report.YearStart(p), report.YearBefore(p)
		if ytd.From.String() != s.ytdFrom || ytd.To != p.To || last.From.String() != s.lastFrom || last.To.String() != s.lastTo {
			t.Errorf("%s–%s: 累计 %v–%v, 上年同期 %v–%v", s.from, s.to, ytd.From, ytd.To, last.From, last.To)
		}
	}
}
