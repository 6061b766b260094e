package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"kejiju/internal/app"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/docx/docxtest"
	"kejiju/internal/enterprise"
	"kejiju/internal/i18n"
	"kejiju/internal/pdf"
	"kejiju/internal/report"
	"kejiju/internal/task"
)

// TestDashboardFigures loads visits, needs and high-tech applications whose
// true counts are known (some this year, some in the same period last year,
// some outside both, some in another district), and checks the figures, the
// change against last year, and that each figure's provenance lists exactly
// the records it counts; then the pages as the director and as an
// enterprise.
func TestDashboardFigures(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newVoucherWorld(t, d) // clock at 2026-03-01
		e := w.e
		other, err := w.a.Enterprises.Create(ctx, w.staff, enterprise.Input{CreditCode: enterprise.SampleCode(2), Name: "颍东第二科技有限公司",
			RegionCode: "341203100", LegalRep: "赵总", Address: "颍东区测试路2号", ContactName: "赵经理", ContactPhone: "13800000002"}, "")
		if err != nil {
			t.Fatal(err)
		}
		visit := func(day, region string, ent int64, name string) int64 {
			t.Helper()
			var id int64
			if err := d.QueryRowContext(ctx, `INSERT INTO visits (visit_date, enterprise_id, enterprise_name, credit_code, region_code, topics, created_at, updated_at)
				VALUES ($1, $2, $3, 'x', $4, '[]', $5, $5) RETURNING id`, day, ent, name, region, time.Now().UTC()).Scan(&id); err != nil {
				t.Fatal(err)
			}
			return id
		}
		// This year to 1 March: three visits in the district; one in another
		// district (341204) the staff may not see; one after the period.
		this := []int64{visit("2026-01-08", "341203200", w.en.ID, w.en.Name), visit("2026-02-12", "341203100", other.ID, other.Name),
			visit("2026-03-01", "341203200", w.en.ID, w.en.Name)}
		visit("2026-02-19", "341204", other.ID, "邻区企业")
		visit("2026-03-05", "341203200", w.en.ID, w.en.Name)
		// Last year: one in the same period, one after it.
		visit("2025-02-27", "341203200", w.en.ID, w.en.Name)
		visit("2025-07-03", "341203200", w.en.ID, w.en.Name)
		if _, err := d.ExecContext(ctx, `INSERT INTO hte_applications (enterprise_id, year, kind, status, created_at, updated_at)
			VALUES ($1, 2026, 'recert', 'submitted', $2, $2), ($3, 2026, 'first', 'submitted', $2, $2)`,
			w.en.ID, time.Date(2026, 2, 1, 9, 0, 0, 0, calendar.Shanghai).UTC(), other.ID); err != nil {
			t.Fatal(err)
		}

		// A drill of 300 pupils in the first half, one of 120 in the second.
		for _, dr := range []struct {
			day string
			n   int
		}{{"2026-05-12", 300}, {"2026-09-20", 120}} {
			if _, err := d.ExecContext(ctx, `INSERT INTO quake_drills (region_code, site, drill_date, participants, created_at, updated_at)
				VALUES ('341203200', '和谐路小学', $1, $2, $3, $3)`, dr.day, dr.n, time.Now().UTC()); err != nil {
				t.Fatal(err)
			}
		}

		// Three invention applications in the first half, one of them granted
		// in May; a utility model that does not count.
		for i, pt := range []struct{ no, typ, applied, granted string }{
			{"202610000001.X", "invention", "2026-01-15", ""}, {"202610000002.X", "invention", "2026-02-20", "2026-05-08"},
			{"202610000003.X", "invention", "2026-06-30", ""}, {"202620000004.X", "utility", "2026-03-01", "2026-04-01"},
		} {
			var granted any
			if pt.granted != "" {
				granted = pt.granted
			}
			if _, err := d.ExecContext(ctx, `INSERT INTO patents (app_no, type, title, region_code, application_date, grant_date, status, created_at, updated_at)
				VALUES ($1, $2, $3, '341203200', $4, $5, 'applied', $6, $6)`, pt.no, pt.typ, fmt.Sprintf("专利%d", i), pt.applied, granted, time.Now().UTC()); err != nil {
				t.Fatal(err)
			}
		}
		// Written around the registry, so recounted as any bulk loader must.
		if err := d.InTx(ctx, func(tx *db.Tx) error { return w.a.Patents.RebuildRollups(ctx, tx) }); err != nil {
			t.Fatal(err)
		}

		a := w.a
		catalog := mustCatalog(t)
		p := report.YearToDate(calendar.MustParse("2026-03-01"))
		figs, err := catalog.Figures(ctx, d, w.staff.Scope(), p)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]report.Figure{}
		for _, f := range figs {
			byName[f.Name] = f
		}
		if f := byName["visits"]; f.Value != 3 || f.LastYear != 1 || f.Change() != "+200.0%" {
			t.Errorf("visits %+v", f)
		}
		if f := byName["hte.applied"]; f.Value != 2 || f.LastYear != 0 || f.Change() != "" {
			t.Errorf("hte.applied %+v", f)
		}
		if f := byName["hte.recert"]; f.Value != 1 {
			t.Errorf("hte.recert %+v", f)
		}
		m, _ := catalog.Get("visits")
		rs, err := m.Records(ctx, d, w.staff.Scope(), p)
		var ids []int64
		for _, r := range rs {
			ids = append(ids, r.ID)
			if r.Href != fmt.Sprintf("/visits/%d", r.ID) || r.On < "2026-01-01" || r.On > "2026-03-01" {
				t.Errorf("record %+v", r)
			}
		}
		if err != nil || !slices.Equal(ids, this) {
			t.Errorf("provenance %v, want %v (%v)", ids, this, err)
		}
		// Every measure has its label and unit in both catalogs.
		for _, m := range catalog.Measures() {
			for _, lang := range i18n.Languages {
				pr := i18n.Default().Printer(lang)
				for _, k := range []string{"report.measure." + m.Name, "report.unit." + string(m.Unit)} {
					if pr.T(k) == k {
						t.Errorf("%s: no %s", lang, k)
					}
				}
			}
		}

		director, _, err := a.Auth.CreateUser(ctx, nil, auth.UserInput{Username: "juzhang", DisplayName: "王局长", Roles: []auth.Role{auth.Director},
			RegionCode: "341203", Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE`); err != nil {
			t.Fatal(err)
		}
		c := e.client("juzhang")
		get := func(c *http.Client, path string) (int, string) {
			t.Helper()
			resp, err := c.Get(e.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			return resp.StatusCode, body(t, resp)
		}
		code, page := get(c, "/dashboard?from=2026-01-01&to=2026-03-01")
		if code != http.StatusOK || !strings.Contains(page, `data-testid="figure-visits"`) || !strings.Contains(page, "企业调研") || !strings.Contains(page, "&#43;200.0%") ||
			!strings.Contains(page, `href="/dashboard/figures/visits?from=2026-01-01&amp;to=2026-03-01"`) ||
			!strings.Contains(page, `aria-label="高新技术企业培育"`) || !strings.Contains(page, `aria-label="企业调研"`) {
			t.Fatalf("dashboard: %d\n%s", code, page)
		}
		code, page = get(c, "/dashboard/figures/visits?from=2026-01-01&to=2026-03-01")
		if code != http.StatusOK || strings.Count(page, `href="/visits/`) != 3 || !strings.Contains(page, "共 3 条记录") || strings.Contains(page, "邻区企业") {
			t.Fatalf("provenance page: %d", code)
		}
		// The half-year summary writes the same records' figures: 4 visits
		// in the first half of 2026 (the one on 5 March too), 1 in 2025.
		if _, err := a.Tasks.CreateTarget(ctx, director, task.TargetInput{Year: 2026, Title: "申报高新技术企业", Unit: "家", Planned: 5,
			Metric: task.MetricHTEApplied, Section: "高新科"}); err != nil {
			t.Fatal(err)
		}
		code, page = get(c, "/reports/summary?year=2026")
		if code != http.StatusOK || !strings.Contains(page, "申报高新技术企业2家（其中：1家重新认定）") || !strings.Contains(page, "调研4次") ||
			!strings.Contains(page, `href="/dashboard/figures/visits?from=2026-01-01&amp;to=2026-06-30"`) {
			t.Fatalf("summary 2026: %d\n%s", code, page)
		}
		if !strings.Contains(page, "2026年下半年工作计划") || !strings.Contains(page, "申报高新技术企业：全年目标5家，截至目前已完成2家。") {
			t.Errorf("summary 2026 lacks the plan from the targets:\n%s", page)
		}
		if !strings.Contains(page, "发明专利申请量达到3件，发明专利授权量1件") {
			t.Errorf("summary 2026 lacks the patents:\n%s", page)
		}
		if !strings.Contains(page, "应急疏散演练1次，参演300人次") {
			t.Errorf("summary 2026 lacks the drill:\n%s", page)
		}
		if code, page = get(c, "/reports/summary?year=2025"); code != http.StatusOK || !strings.Contains(page, "调研1次") || !strings.Contains(page, "申报高新技术企业0家") {
			t.Fatalf("summary 2025: %d", code)
		}
		// The same draft as a 公文: it opens in LibreOffice, and the PDF's
		// text carries the title and the figures in Chinese.
		resp, err := c.Get(e.srv.URL + "/reports/summary.docx?year=2026")
		if err != nil {
			t.Fatal(err)
		}
		doc := []byte(body(t, resp))
		if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(doc, []byte("PK")) {
			t.Fatalf("summary.docx: %d", resp.StatusCode)
		}
		if text := docxtest.Text(t, docxtest.PDF(t, doc)); text != "" {
			flat := strings.Join(strings.Fields(text), "")
			for _, want := range []string{"测试科技局", "2026年上半年工作总结", "申报高新技术企业2家（其中：1家重新认定）", "调研4次", "主要指标与去年同期对比",
				"2026年下半年工作计划", "全年目标5家"} {
				if !strings.Contains(flat, want) {
					t.Errorf("the PDF lacks %q:\n%s", want, text)
				}
			}
		}
		// And as a PDF printed by headless Chromium from the same words.
		if _, err := pdf.Browser(); err == nil || os.Getenv("KEJIJU_REQUIRE_BROWSER") != "" {
			resp, err := c.Get(e.srv.URL + "/reports/summary.pdf?year=2026")
			if err != nil {
				t.Fatal(err)
			}
			raw := []byte(body(t, resp))
			if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(raw, []byte("%PDF")) {
				t.Fatalf("summary.pdf: %d %.200s", resp.StatusCode, raw)
			}
			if text := docxtest.Text(t, raw); text != "" {
				flat := strings.Join(strings.Fields(text), "")
				for _, want := range []string{"2026年上半年工作总结", "调研4次", "应急疏散演练1次，参演300人次", "全年目标5家", "—1—"} {
					if !strings.Contains(flat, want) {
						t.Errorf("the printed PDF lacks %q:\n%s", want, text)
					}
				}
			}
		}
		// Staff reword a part, lock the draft: a visit recorded afterwards
		// does not move the locked figures; unlocking needs a reason and
		// lets them follow the records again.
		version := func() string {
			t.Helper()
			var v int
			if err := d.QueryRowContext(ctx, `SELECT version FROM report_drafts WHERE year = 2026`).Scan(&v); err != nil {
				return "0"
			}
			return fmt.Sprint(v)
		}
		reworded := "上半年组织企业申报高新技术企业，其中重新认定企业为主。"
		if code, _, _ := postForm(t, e, c, "/reports/summary/texts", url.Values{"year": {"2026"}, "version": {version()}, "text_report.part.hte": {reworded}}); code != http.StatusSeeOther {
			t.Fatalf("save wording: %d", code)
		}
		if code, page = get(c, "/reports/summary?year=2026"); !strings.Contains(page, reworded) || !strings.Contains(page, "已改写") || !strings.Contains(page, "调研4次") {
			t.Fatalf("reworded summary: %d", code)
		}
		// A save from a page read before the first one (no draft then) is
		// stale, not a silent overwrite.
		if code, _, _ := postForm(t, e, c, "/reports/summary/texts", url.Values{"year": {"2026"}, "version": {"0"}, "text_report.part.hte": {"旧页面的措辞"}}); code != http.StatusConflict {
			t.Errorf("a stale save: %d, want 409", code)
		}
		if code, _, _ := postForm(t, e, c, "/reports/summary/lock", url.Values{"year": {"2026"}, "version": {version()}}); code != http.StatusSeeOther {
			t.Fatalf("lock: %d", code)
		}
		visit("2026-04-02", "341203200", w.en.ID, w.en.Name)
		if code, page = get(c, "/reports/summary?year=2026"); !strings.Contains(page, `data-testid="locked"`) || !strings.Contains(page, "调研4次") || !strings.Contains(page, reworded) {
			t.Fatalf("locked summary moved: %d\n%s", code, page)
		}
		if code, _, page := postForm(t, e, c, "/reports/summary/texts", url.Values{"year": {"2026"}, "version": {version()}, "text_report.part.hte": {"改"}}); code != http.StatusConflict || !strings.Contains(page, "草稿已锁定") {
			t.Fatalf("rewording a locked draft: %d", code)
		}
		if code, _, page := postForm(t, e, c, "/reports/summary/unlock", url.Values{"year": {"2026"}, "version": {version()}}); code != http.StatusUnprocessableEntity || !strings.Contains(page, "解除锁定的理由") {
			t.Fatalf("unlock without a reason: %d", code)
		}
		if code, _, _ := postForm(t, e, c, "/reports/summary/unlock", url.Values{"year": {"2026"}, "version": {version()}, "reason": {"补录4月调研"}}); code != http.StatusSeeOther {
			t.Fatalf("unlock: %d", code)
		}
		if code, page = get(c, "/reports/summary?year=2026"); !strings.Contains(page, "调研5次") || strings.Contains(page, `data-testid="locked"`) {
			t.Fatalf("unlocked summary: %d", code)
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_events WHERE action IN ('report.draft.save', 'report.draft.lock', 'report.draft.unlock')`); n != 3 {
			t.Errorf("%d audit events for the draft, want 3", n)
		}
		if code, _ := get(c, "/dashboard?from=2026-03-01&to=2026-01-01"); code != http.StatusUnprocessableEntity && code != http.StatusBadRequest {
			t.Errorf("a reversed period: %d", code)
		}
		if code, _ := get(e.client("qiye"), "/dashboard"); code != http.StatusForbidden {
			t.Errorf("an enterprise opens the dashboard: %d", code)
		}
	})
}

func mustCatalog(t *testing.T) *report.Catalog {
	t.Helper()
	c, err := report.NewCatalog(app.Measures()...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
