package task_test

import (
	"context"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
	"kejiju/internal/region"
	"kejiju/internal/task"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

var (
	staff   = &auth.User{ID: 1, Username: "staff", DisplayName: "张科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"}
	other   = &auth.User{ID: 2, Username: "other", DisplayName: "颍州科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341202"}
	finance = &auth.User{ID: 3, Username: "finance", DisplayName: "李会计", Roles: []auth.Role{auth.Finance}, RegionCode: "341203"}
	ent     = &auth.User{ID: 4, Username: "qiye", DisplayName: "企业", Roles: []auth.Role{auth.Enterprise}, RegionCode: "341203", EnterpriseID: 1}
)

// fakeMetrics answers metrics from a table, and records the scopes asked.
type fakeMetrics struct {
	mu     sync.Mutex
	values map[string]int64
	scopes []string
}

func (f *fakeMetrics) Value(_ context.Context, key string, year int, sc auth.Scope) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scopes = append(f.scopes, sc.Regions...)
	return f.values[key], nil
}

type world struct {
	d   *db.DB
	s   *task.Service
	m   *fakeMetrics
	now time.Time
	mu  sync.Mutex
}

func (w *world) setDay(t *testing.T, s string) {
	at, err := time.ParseInLocation("2006-01-02 15:04", s+" 10:00", calendar.Shanghai)
	if err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	w.now = at.UTC()
	w.mu.Unlock()
}

func setup(t *testing.T, d *db.DB) *world {
	t.Helper()
	lg, err := audit.New(audit.SM3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&region.Store{DB: d, Audit: lg}).Seed(context.Background(), append(region.Anhui(), region.DemoDistrict()...)); err != nil {
		t.Fatal(err)
	}
	w := &world{d: d, m: &fakeMetrics{values: map[string]int64{}}}
	w.s = &task.Service{DB: d, Audit: lg, Metrics: w.m}
	w.setDay(t, "2026-06-15")
	d.Now = func() time.Time { w.mu.Lock(); defer w.mu.Unlock(); return w.now }
	return w
}

func count(t *testing.T, d *db.DB, q string) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestTargets(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setup(t, d)
		s := w.s
		if _, err := s.CreateTarget(ctx, staff, task.TargetInput{Year: 2026, Title: "x", Planned: 1, Metric: "DROP TABLE"}); i18n.ErrorCode(err) != i18n.Invalid {
			t.Fatalf("a metric outside the whitelist: %v", err)
		}
		if _, err := s.CreateTarget(ctx, finance, task.TargetInput{Year: 2026, Title: "x", Planned: 1}); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Fatalf("finance sets a target: %v", err)
		}
		hte, err := s.CreateTarget(ctx, staff, task.TargetInput{Year: 2026, Title: "高新技术企业通过认定", Unit: "家", Planned: 2, Metric: task.MetricHTERecognised})
		if err != nil {
			t.Fatal(err)
		}
		centre, err := s.CreateTarget(ctx, staff, task.TargetInput{Year: 2026, Title: "申报省级工程技术研究中心", Unit: "家", Planned: 1})
		if err != nil {
			t.Fatal(err)
		}
		if hte.Achieved != 0 || hte.Progress.Met {
			t.Fatalf("before any recognition: %+v", hte)
		}
		w.m.values[task.MetricHTERecognised] = 2
		list, err := s.Targets(ctx, finance, 2026)
		if err != nil || len(list) != 2 {
			t.Fatalf("finance reads %d targets (%v)", len(list), err)
		}
		if got := list[0]; got.ID != hte.ID || got.Achieved != 2 || !got.Progress.Met || got.Progress.Percent != 100 {
			t.Fatalf("after two recognitions: %+v", got)
		}
		if slices.ContainsFunc(w.m.scopes, func(r string) bool { return r != "341203" }) {
			t.Errorf("metrics asked over %v, want only the target's district", w.m.scopes)
		}
		if _, err := s.SetValue(ctx, staff, hte.ID, 5); i18n.ErrorCode(err) != i18n.Invalid {
			t.Fatalf("typing over a computed value: %v", err)
		}
		if got, err := s.SetValue(ctx, staff, centre.ID, 1); err != nil || !got.Progress.Met {
			t.Fatalf("the centre by hand: %+v %v", got, err)
		}
		if list, err := s.Targets(ctx, other, 2026); err != nil || len(list) != 0 {
			t.Fatalf("another district sees %d targets (%v)", len(list), err)
		}
		if _, err := s.Target(ctx, other, hte.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Fatalf("another district reads a target: %v", err)
		}
		if _, err := s.Targets(ctx, ent, 2026); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Fatalf("an enterprise reads the targets: %v", err)
		}
	})
}

func TestTasks(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setup(t, d)
		s := w.s
		in := task.TaskInput{Year: 2026, Category: "主体责任", Text: "落实中央八项规定精神，开展纠正“四风”专项检查", LeadLeader: "康康", Section: "办公室",
			Deadline: "2026-06-30"}

		// No responsible person: a clear field error, nothing written.
		_, err := s.CreateTask(ctx, staff, in)
		p, ok := err.(i18n.Problems)
		if !ok || len(p) != 1 || p[0].Field != "responsible" || p[0].Key != "task.responsible_required" {
			t.Fatalf("a task without a responsible person: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM tasks`); n != 0 {
			t.Fatalf("a refused task wrote %d rows", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action LIKE 'task.%'`); n != 0 {
			t.Fatalf("a refused task wrote %d audit events", n)
		}
		in.Responsible = "齐敏、张科员"
		k, err := s.CreateTask(ctx, staff, in)
		if err != nil {
			t.Fatal(err)
		}
		if k.State != task.StateOpen || k.Overdue || k.Responsible != "齐敏、张科员" {
			t.Fatalf("created %+v", k)
		}
		later := in
		later.Text, later.Deadline = "开展廉政警示教育", "2026-12-31"
		if _, err := s.CreateTask(ctx, staff, later); err != nil {
			t.Fatal(err)
		}

		// Taking the responsible persons off is refused too, and changes nothing.
		edit := in
		edit.Responsible = "、"
		if _, err := s.UpdateTask(ctx, staff, k.ID, k.Version, edit); err == nil || err.(i18n.Problems).Field("responsible") == nil {
			t.Fatalf("an edit without a responsible person: %v", err)
		}
		if got, _ := s.Task(ctx, staff, k.ID); got.Responsible != "齐敏、张科员" || got.Version != k.Version {
			t.Fatalf("a refused edit changed the task: %+v", got)
		}
		edit.Responsible = "齐敏"
		if k, err = s.UpdateTask(ctx, staff, k.ID, k.Version, edit); err != nil || k.Responsible != "齐敏" {
			t.Fatalf("edit: %+v %v", k, err)
		}
		if _, err := s.UpdateTask(ctx, staff, k.ID, k.Version-1, edit); i18n.ErrorCode(err) != i18n.Conflict {
			t.Fatalf("an edit of a stale version: %v", err)
		}

		// A report moves it on; done needs evidence.
		if _, err := s.AddReport(ctx, staff, k.ID, task.ReportInput{Text: "已完成自查", Done: true}); err == nil || err.(i18n.Problems).Field("evidence") == nil {
			t.Fatalf("done without evidence: %v", err)
		}
		if k, err = s.AddReport(ctx, staff, k.ID, task.ReportInput{ReportedOn: "2026-06-10", Text: "召开专题会议部署", Evidence: "会议纪要〔2026〕3号"}); err != nil {
			t.Fatal(err)
		}
		if k.State != task.StateInProgress || len(k.Reports) != 1 || k.Reports[0].By != "" || k.LastReport != calendar.MustParse("2026-06-10") {
			t.Fatalf("after a report: %+v", k)
		}

		// Past its deadline and not done: overdue, listed, counted.
		w.setDay(t, "2026-07-01")
		over, err := s.Tasks(ctx, finance, task.TaskFilter{Overdue: true})
		if err != nil || len(over) != 1 || over[0].ID != k.ID || !over[0].Overdue {
			t.Fatalf("overdue %v (%v)", over, err)
		}
		if n, err := s.OverdueCount(ctx, staff); n != 1 || err != nil {
			t.Fatalf("overdue count %d (%v)", n, err)
		}
		if n, _ := s.OverdueCount(ctx, other); n != 0 {
			t.Fatalf("another district counts %d overdue", n)
		}
		if k, err = s.AddReport(ctx, staff, k.ID, task.ReportInput{Text: "专项检查完成，形成报告", Evidence: "检查报告", Done: true}); err != nil {
			t.Fatal(err)
		}
		if k.State != task.StateDone || k.DoneOn != calendar.MustParse("2026-07-01") || k.Overdue {
			t.Fatalf("done: %+v", k)
		}
		if over, _ := s.Tasks(ctx, staff, task.TaskFilter{Overdue: true}); len(over) != 0 {
			t.Fatalf("a done task still overdue: %v", over)
		}
		if _, err := s.AddReport(ctx, staff, k.ID, task.ReportInput{Text: "再补充"}); i18n.ErrorCode(err) != i18n.Invalid {
			t.Fatalf("a report on a done task: %v", err)
		}
		all, err := s.Tasks(ctx, staff, task.TaskFilter{Year: 2026})
		if err != nil || len(all) != 2 {
			t.Fatalf("the year's table: %d (%v)", len(all), err)
		}
		if _, err := s.Task(ctx, other, k.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Fatalf("another district reads a task: %v", err)
		}
		if _, err := s.AddReport(ctx, finance, k.ID, task.ReportInput{Text: "x"}); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Fatalf("finance reports: %v", err)
		}
		if ys, err := s.Years(ctx, staff); err != nil || !slices.Equal(ys, []int{2026}) {
			t.Fatalf("years %v (%v)", ys, err)
		}
	})
}
