package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/enterprise"
	"kejiju/internal/task"
	"kejiju/internal/voucher"
	"kejiju/internal/xlsx"
)

// TestTargetMovesWithRecognition binds this year's targets to the
// system's queries and moves the enterprises through the 高企 pipeline as
// wired (the hightech pages): the target "高企 recognised ≥ 2" stays at 0
// through entry into the pool and the application, moves to 1 when the
// first recognition is decided, is met at the second, and does not move
// for a rejection; "cultivated" counts the pool; the centre is kept by hand.
func TestTargetMovesWithRecognition(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newVoucherWorld(t, d)
		e, a := w.e, w.a
		staffC := e.client("staff")
		post := func(path string, v url.Values) {
			t.Helper()
			if code, _, b := postForm(t, e, staffC, path, v); code != http.StatusSeeOther {
				t.Fatalf("POST %s: %d %s", path, code, b)
			}
		}
		post("/targets", url.Values{"year": {"2026"}, "title": {"高新技术企业通过认定"}, "unit": {"家"}, "planned": {"2"}, "metric": {task.MetricHTERecognised}})
		post("/targets", url.Values{"year": {"2026"}, "title": {"培育高新技术企业"}, "unit": {"家"}, "planned": {"10"}, "metric": {task.MetricCultivated}})
		post("/targets", url.Values{"year": {"2026"}, "title": {"申报省级工程技术研究中心"}, "unit": {"家"}, "planned": {"1"}})
		if code, _, b := postForm(t, e, staffC, "/targets", url.Values{"year": {"2026"}, "title": {"x"}, "planned": {"1"}, "metric": {"1; DELETE FROM tasks"}}); code != http.StatusUnprocessableEntity || !strings.Contains(b, "进度来源不在系统允许的查询范围内") {
			t.Fatalf("a metric outside the whitelist: %d", code)
		}
		achieved := func() (hte, cultivated task.Target) {
			t.Helper()
			ts, err := a.Tasks.Targets(ctx, w.staff, 2026)
			if err != nil || len(ts) != 3 {
				t.Fatalf("targets: %d (%v)", len(ts), err)
			}
			return *ts[0], *ts[1]
		}

		recognise := func(en *enterprise.Enterprise, status, cert string) {
			t.Helper()
			post(fmt.Sprintf("/hightech/enterprises/%d/applications", en.ID), url.Values{"year": {"2026"}, "batch": {"1"}})
			id := e.count(`SELECT id FROM hte_applications WHERE enterprise_id = $1 AND year = 2026`, en.ID)
			post(fmt.Sprintf("/hightech/applications/%d/decide", id), url.Values{"status": {status}, "certificate_no": {cert}, "decided_on": {"2026-02-27"}, "note": {"测试"}})
		}
		post(fmt.Sprintf("/hightech/enterprises/%d/pool", w.en.ID), url.Values{"entered_on": {"2026-01-10"}, "reason": {"研发投入占比高"}})
		if hte, cult := achieved(); hte.Achieved != 0 || cult.Achieved != 1 {
			t.Fatalf("after entering the pool: recognised %d, cultivated %d", hte.Achieved, cult.Achieved)
		}
		recognise(w.en, "recognized", "GR202634000101")
		if hte, _ := achieved(); hte.Achieved != 1 || hte.Progress.Percent != 50 || hte.Progress.Met {
			t.Fatalf("after the first recognition: %+v", hte)
		}
		second, err := a.Enterprises.Create(ctx, w.staff, enterprise.Input{CreditCode: enterprise.SampleCode(2), Name: "颍东第二科技有限公司",
			RegionCode: "341203200", LegalRep: "王总", Address: "颍东区测试路2号", ContactName: "王经理", ContactPhone: "13800000002"}, "")
		if err != nil {
			t.Fatal(err)
		}
		third, err := a.Enterprises.Create(ctx, w.staff, enterprise.Input{CreditCode: enterprise.SampleCode(3), Name: "颍东第三科技有限公司",
			RegionCode: "341203200", LegalRep: "赵总", Address: "颍东区测试路3号", ContactName: "赵经理", ContactPhone: "13800000003"}, "")
		if err != nil {
			t.Fatal(err)
		}
		recognise(third, "rejected", "")
		if hte, _ := achieved(); hte.Achieved != 1 {
			t.Fatalf("a rejection moved the target to %d", hte.Achieved)
		}
		recognise(second, "recognized", "GR202634000102")
		hte, _ := achieved()
		if hte.Achieved != 2 || !hte.Progress.Met {
			t.Fatalf("after the second recognition: %+v", hte)
		}
		resp, err := staffC.Get(e.srv.URL + "/targets?year=2026")
		if err != nil {
			t.Fatal(err)
		}
		b := body(t, resp)
		if resp.StatusCode != http.StatusOK || !strings.Contains(b, fmt.Sprintf(`data-testid="achieved-%d">2 家`, hte.ID)) ||
			!strings.Contains(b, fmt.Sprintf(`data-testid="met-%d"`, hte.ID)) ||
			!strings.Contains(b, `href="/dashboard/figures/hte.recognized?from=2026-01-01&amp;to=2026-12-31"`) {
			t.Fatalf("targets page: %d", resp.StatusCode)
		}
		// The records behind the figure: the two recognised enterprises.
		resp, err = staffC.Get(e.srv.URL + "/dashboard/figures/hte.recognized?from=2026-01-01&to=2026-12-31")
		if err != nil {
			t.Fatal(err)
		}
		if b := body(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(b, w.en.Name) || !strings.Contains(b, second.Name) || strings.Contains(b, third.Name) {
			t.Fatalf("the records of the target: %d", resp.StatusCode)
		}
	})
}

// TestTaskPages walks the decomposition table through the pages: a task
// with no responsible person is refused with a clear error and nothing
// written (form and API), a task is set, reported on with evidence (done
// needs it), listed overdue past its deadline and on the home page, printed
// and exported; finance reads, the enterprise does not.
func TestTaskPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		w := newVoucherWorld(t, d) // the clock is at 2026-03-01
		e := w.e
		staffC, finC, entC := e.client("staff"), e.client("finance"), e.client("qiye")
		get := func(c *http.Client, path string) (int, string) {
			t.Helper()
			resp, err := c.Get(e.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			return resp.StatusCode, body(t, resp)
		}
		row := url.Values{"year": {"2026"}, "category": {"主体责任"}, "text": {"制订年度党风廉政建设任务分解表并印发"}, "lead_leader": {"康康"},
			"section": {"办公室"}, "deadline": {"2026-02-15"}}
		code, _, b := postForm(t, e, staffC, "/tasks", row)
		if code != http.StatusUnprocessableEntity || !strings.Contains(b, `data-testid="responsible-error">每项任务须至少明确一名责任人。`) {
			t.Fatalf("a task without a responsible person: %d", code)
		}
		status, out := apiDo(t, e, "POST", "/api/v1/tasks", e.token("staff"), `{"year":2026,"text":"开展警示教育","responsible":" 、 ","deadline":"2026-06-30"}`)
		if status != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out), "responsible") {
			t.Fatalf("API task without a responsible person: %d %v", status, out)
		}
		if n := e.count(`SELECT COUNT(*) FROM tasks`); n != 0 {
			t.Fatalf("refused tasks wrote %d rows", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'task.create'`); n != 0 {
			t.Fatalf("refused tasks wrote %d audit events", n)
		}
		row.Set("responsible", "齐敏、张科员")
		if code, _, _ := postForm(t, e, finC, "/tasks", row); code != http.StatusForbidden {
			t.Fatalf("finance sets a task: %d", code)
		}
		if code, loc, _ := postForm(t, e, staffC, "/tasks", row); code != http.StatusSeeOther || loc != "/tasks?year=2026" {
			t.Fatalf("task: %d %q", code, loc)
		}
		later := url.Values{"year": {"2026"}, "category": {"监督责任"}, "text": {"开展廉政警示教育"}, "lead_leader": {"齐敏"}, "section": {"机关党支部"},
			"responsible": {"李干事"}, "deadline": {"2026-12-31"}}
		if code, _, _ := postForm(t, e, staffC, "/tasks", later); code != http.StatusSeeOther {
			t.Fatalf("second task: %d", code)
		}
		id := e.count(`SELECT id FROM tasks WHERE text = '制订年度党风廉政建设任务分解表并印发'`)
		edit := url.Values{"text": {"制订年度党风廉政建设任务分解表并印发"}, "responsible": {""}, "deadline": {"2026-02-15"}}
		if code, _, b := postForm(t, e, staffC, fmt.Sprintf("/tasks/%d", id), edit); code != http.StatusUnprocessableEntity ||
			!strings.Contains(b, `data-testid="responsible-error">每项任务须至少明确一名责任人。`) {
			t.Fatalf("an edit taking the responsible persons off: %d", code)
		}
		if n := e.count(`SELECT COUNT(*) FROM tasks WHERE id = $1 AND responsible = '齐敏、张科员' AND version = 1`, id); n != 1 {
			t.Fatal("a refused edit changed the task")
		}

		// Overdue: the deadline passed and it is not done.
		if code, b := get(finC, "/tasks/overdue"); code != http.StatusOK || !strings.Contains(b, fmt.Sprintf(`data-testid="overdue-%d"`, id)) || strings.Contains(b, "开展廉政警示教育") {
			t.Fatalf("overdue list: %d", code)
		}
		if code, out := apiDo(t, e, "GET", "/api/v1/tasks?overdue=1", e.token("finance"), ""); code != http.StatusOK || len(out["items"].([]any)) != 1 {
			t.Fatalf("API overdue tasks: %d %v", code, out)
		}
		if code, b := get(staffC, "/"); code != http.StatusOK || !strings.Contains(b, "逾期未完成任务") || !strings.Contains(b, "/tasks/overdue") {
			t.Fatalf("home page reminder: %d", code)
		}

		done := url.Values{"report_text": {"分解表已印发"}, "done": {"1"}}
		if code, _, b := postForm(t, e, staffC, fmt.Sprintf("/tasks/%d/reports", id), done); code != http.StatusUnprocessableEntity || !strings.Contains(b, "标记完成须填写佐证材料") {
			t.Fatalf("done without evidence: %d", code)
		}
		done.Set("evidence", "科技党〔2026〕1号")
		if code, _, _ := postForm(t, e, staffC, fmt.Sprintf("/tasks/%d/reports", id), done); code != http.StatusSeeOther {
			t.Fatalf("done: %d", code)
		}
		if code, b := get(staffC, fmt.Sprintf("/tasks/%d", id)); code != http.StatusOK || !strings.Contains(b, "科技党〔2026〕1号") || !strings.Contains(b, "已完成") {
			t.Fatalf("task page: %d", code)
		}
		if code, b := get(staffC, "/tasks/overdue"); code != http.StatusOK || strings.Contains(b, fmt.Sprintf(`data-testid="task-%d"`, id)) {
			t.Fatalf("a done task is still overdue: %d", code)
		}

		code, b = get(staffC, "/tasks/print?year=2026")
		if code != http.StatusOK || !strings.Contains(b, `data-testid="decomposition"`) || !strings.Contains(b, "2026年度党风廉政建设和反腐败主要工作任务分解表") ||
			!strings.Contains(b, "齐敏、张科员") || !strings.Contains(b, "李干事") {
			t.Fatalf("print page: %d", code)
		}
		resp, err := staffC.Get(e.srv.URL + "/tasks/export.xlsx?year=2026")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		var rows []map[string]string
		if _, err := xlsx.Read(bytes.NewReader(raw), task.Sheet, 1<<20, func(r xlsx.Row) error { rows = append(rows, r.Values); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0]["responsible"] != "齐敏、张科员" || rows[0]["state"] != "已完成" || rows[1]["deadline"] != "2026-12-31" {
			t.Fatalf("exported rows %v", rows)
		}
		if code, _ := get(entC, "/tasks"); code != http.StatusForbidden {
			t.Fatalf("the enterprise reads the tasks: %d", code)
		}
	})
}

// TestTargetMetrics runs every whitelisted metric on the engine as wired:
// each query answers, and the ones fed here move — a voucher issued, a
// visit logged, a 高企 application filed — while the others stay at 0.
func TestTargetMetrics(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newVoucherWorld(t, d)
		e, a := w.e, w.a
		for _, k := range task.MetricKeys {
			if _, err := a.Tasks.CreateTarget(ctx, w.staff, task.TargetInput{Year: 2026, Title: k, Planned: 1, Metric: k}); err != nil {
				t.Fatal(err)
			}
		}
		values := func() map[string]int64 {
			t.Helper()
			ts, err := a.Tasks.Targets(ctx, w.staff, 2026)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]int64{}
			for _, tg := range ts {
				out[tg.Metric] = tg.Achieved
			}
			return out
		}
		for k, v := range values() {
			if v != 0 {
				t.Errorf("%s is %d before anything happened", k, v)
			}
		}
		b, err := a.Vouchers.CreateBatch(ctx, w.staff, voucher.BatchInput{Year: 2026, Title: "2026年第一批科技创新券", Budget: "100万元",
			RateBP: 3500, EnterpriseCap: "20万元", ClaimCap: "5万元", ValidFrom: "2026-01-01", ValidTo: "2026-12-31", Services: []string{"检验检测"},
			Providers: []voucher.Provider{{CreditCode: university, Name: "某大学"}}})
		if err != nil {
			t.Fatal(err)
		}
		v, err := a.Vouchers.Apply(ctx, w.ent, b.ID, voucher.ApplyInput{Face: "100000"})
		if err != nil {
			t.Fatal(err)
		}
		if got := values()[task.MetricVouchersIssued]; got != 0 {
			t.Fatalf("an application counts as issued: %d", got)
		}
		if _, err := a.Vouchers.Issue(ctx, w.staff, v.ID); err != nil {
			t.Fatal(err)
		}
		if code, out := apiDo(t, e, "POST", "/api/v1/visits", e.token("staff"), fmt.Sprintf(`{"date":"2026-02-26","enterprise_id":%d,"topics":"研发投入"}`, w.en.ID)); code != http.StatusCreated {
			t.Fatalf("visit: %d %v", code, out)
		}
		if code, _, b := postForm(t, e, e.client("staff"), fmt.Sprintf("/hightech/enterprises/%d/applications", w.en.ID), url.Values{"year": {"2026"}, "batch": {"1"}}); code != http.StatusSeeOther {
			t.Fatalf("hte application: %d %s", code, b)
		}
		want := map[string]int64{task.MetricHTERecognised: 0, task.MetricHTEApplied: 1, task.MetricCultivated: 0, task.MetricVouchersIssued: 1,
			task.MetricProjectsSigned: 0, task.MetricVisits: 1}
		if got := values(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("metrics %v, want %v", got, want)
		}
		// Next year counts none of it.
		if _, err := a.Tasks.CreateTarget(ctx, w.staff, task.TargetInput{Year: 2027, Title: "2027", Planned: 1, Metric: task.MetricVouchersIssued}); err != nil {
			t.Fatal(err)
		}
		if ts, err := a.Tasks.Targets(ctx, w.staff, 2027); err != nil || ts[0].Achieved != 0 {
			t.Fatalf("2027 vouchers: %v (%v)", ts, err)
		}
	})
}
