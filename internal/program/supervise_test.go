package program_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
	"kejiju/internal/program"
	"kejiju/internal/web"
	"kejiju/internal/web/webtest"
)

func TestSuperviseWarnings(t *testing.T) {
	today := day("2026-09-01")
	ms := []program.Milestone{
		{Title: "today", Due: day("2026-09-01")},
		{Title: "yesterday", Due: day("2026-08-31")},
		{Title: "done late", Due: day("2026-08-01")},
		{Title: "done in time", Due: day("2026-08-15")},
		{Title: "later", Due: day("2026-12-31")},
	}
	done := []program.Progress{{Index: 2, DoneOn: day("2026-08-05")}, {Index: 3, DoneOn: day("2026-08-15")}}
	ins := []program.Inspection{
		{ID: 1, InspectedOn: day("2026-07-01"), RectificationRequired: true, RectificationDue: day("2026-08-31")},                              // overdue
		{ID: 2, InspectedOn: day("2026-07-15"), RectificationRequired: true, RectificationDue: day("2026-09-01")},                              // due today: open
		{ID: 3, InspectedOn: day("2026-08-01"), RectificationRequired: true, RectificationDue: day("2026-08-10"), ClosedOn: day("2026-08-20")}, // closed late
		{ID: 4, InspectedOn: day("2026-08-20")},
	}
	w := program.Supervise(ms, done, ins, day("2026-11-30"), today)
	type flags struct{ done, overdue, late bool }
	want := []flags{{false, false, false}, {false, true, false}, {true, false, true}, {true, false, false}, {false, false, false}}
	for i, f := range want {
		m := w.Milestones[i]
		if (flags{m.Done, m.Overdue, m.Late}) != f {
			t.Errorf("milestone %q: done %v overdue %v late %v, want %+v", m.Title, m.Done, m.Overdue, m.Late, f)
		}
	}
	if w.Overdue != 1 || w.DoneLate != 1 || w.Milestones[1].DaysOverdue != 1 {
		t.Errorf("overdue %d, done late %d, days %d", w.Overdue, w.DoneLate, w.Milestones[1].DaysOverdue)
	}
	if w.Next == nil || w.Next.Title != "yesterday" {
		t.Errorf("next %+v", w.Next)
	}
	if w.OpenRectifications != 2 || w.OverdueRectifications != 1 || w.Red() != 2 || w.MaxDaysOverdue != 1 {
		t.Errorf("rectifications open %d overdue %d red %d max %d", w.OpenRectifications, w.OverdueRectifications, w.Red(), w.MaxDaysOverdue)
	}
	if w.Last == nil || w.Last.ID != 4 || w.Inspections[len(w.Inspections)-1].ID != 1 {
		t.Errorf("inspections not newest first: %+v", w.Inspections)
	}
	// Contract end: 90 days left warns, 91 does not, past the end is ended.
	for _, c := range []struct {
		end         string
		left        int
		soon, ended bool
	}{{"2026-11-30", 90, true, false}, {"2026-12-01", 91, false, false}, {"2026-09-01", 0, true, false}, {"2026-08-31", -1, false, true}} {
		w := program.Supervise(nil, nil, nil, day(c.end), today)
		if w.DaysLeft != c.left || w.EndingSoon != c.soon || w.Ended != c.ended {
			t.Errorf("end %s: left %d soon %v ended %v", c.end, w.DaysLeft, w.EndingSoon, w.Ended)
		}
	}
	if w := program.Supervise(nil, nil, nil, calendar.Date{}, today); w.EndingSoon || w.Ended || w.Next != nil {
		t.Errorf("no contract end: %+v", w)
	}
}

// supervised is the known dataset of the supervision tests, on 2026-09-01.
type supervised struct {
	a, b, c, talent, unsigned int64
}

// supervisionData makes, in 颍东区: A a provincial major project with two
// overdue milestones, B a district plan project at mid-term ending in 90
// days, C one in acceptance ending in 91 days, a talent team project with
// an overdue milestone (not shown by default) and a district project whose
// contract is not yet signed.
func supervisionData(t *testing.T, e *env) supervised {
	t.Helper()
	ctx := context.Background()
	district := e.districtCall(t)
	mk := func(typ string) int64 {
		c, err := e.s.CreateCall(ctx, staff, program.CallInput{Type: typ, Year: 2026, Title: typ, OpensAt: district.OpensAt,
			ClosesAt: district.ClosesAt, Form: districtForm(), Plan: []int64{10000}, Budget: 100_0000_00})
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	major, talent := mk(program.TypeProvincialMajor), mk(program.TypeTalentTeam)
	ins := func(call int64, ent int, state string, end string, ms ...program.Milestone) int64 {
		t.Helper()
		b, _ := json.Marshal(append([]program.Milestone{}, ms...))
		var id int64
		if err := e.d.QueryRow(`INSERT INTO program_applications (call_id, region_code, enterprise_id, enterprise_name, state, milestones,
			contract_start, contract_end, signed_on, created_at, updated_at) VALUES ($1, '341203200', $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			call, e.ids[ent], e.users[ent].DisplayName, state, string(b), day("2026-01-01"), day(end), day("2026-01-01"), e.d.Now()).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	m := func(due, title string) program.Milestone { return program.Milestone{Title: title, Due: day(due)} }
	return supervised{
		a:        ins(major, 0, "implementing", "2027-06-30", m("2026-06-30", "设备选型"), m("2026-08-31", "样机试制"), m("2026-12-31", "中试")),
		b:        ins(district.ID, 1, "midterm", "2026-11-30", m("2026-08-31", "产线改造"), m("2026-09-01", "试运行")),
		c:        ins(district.ID, 2, "acceptance", "2026-12-01", m("2026-05-31", "完成")),
		talent:   ins(talent, 3, "implementing", "2027-12-31", m("2026-07-01", "引进团队")),
		unsigned: ins(district.ID, 0, "contract", "2027-12-31", m("2026-07-01", "启动")),
	}
}

func ids(ps []*program.SupervisedProject) []int64 {
	var out []int64
	for _, p := range ps {
		out = append(out, p.A.ID)
	}
	return out
}

func TestSupervision(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d, 4)
		s := supervisionData(t, e)
		e.clock.set(t, "2026-09-01 10:00")

		list, err := e.s.Supervision(ctx, staff, program.SupervisionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		// A has two overdue milestones; B and C one each, C's 93 days
		// late and B's one day.
		if got, want := ids(list), []int64{s.a, s.c, s.b}; !equal(got, want) {
			t.Fatalf("default list %v, want %v", got, want)
		}
		if w := list[0].W; w.Overdue != 2 || w.Next == nil || w.Next.Title != "设备选型" || !w.Next.Overdue || w.MaxDaysOverdue != 63 || w.EndingSoon ||
			list[0].CallType != program.TypeProvincialMajor {
			t.Errorf("A: %+v", w)
		}
		if w := list[2].W; w.Overdue != 1 || w.DaysLeft != 90 || !w.EndingSoon || list[2].CallType != program.TypeDistrictPlan {
			t.Errorf("B: overdue %d, left %d, soon %v", w.Overdue, w.DaysLeft, w.EndingSoon)
		}
		if w := list[1].W; w.Overdue != 1 || w.MaxDaysOverdue != 93 || w.DaysLeft != 91 || w.EndingSoon {
			t.Errorf("C: overdue %d, left %d, soon %v", w.Overdue, w.DaysLeft, w.EndingSoon)
		}
		if l, _ := e.s.Supervision(ctx, chief, program.SupervisionFilter{Types: []string{program.TypeTalentTeam}}); !equal(ids(l), []int64{s.talent}) {
			t.Errorf("talent filter: %v", ids(l))
		}

		// The owner records B's first milestone done a day late; the
		// second is due today and not overdue.
		auditBefore := count(t, d, `SELECT COUNT(*) FROM audit_events`)
		w, err := e.s.RecordMilestone(ctx, e.users[1], s.b, 0, program.MilestoneInput{DoneOn: day("2026-09-01"), Note: "改造完成"})
		if err != nil {
			t.Fatal(err)
		}
		if m := w.Milestones[0]; !m.Done || !m.Late || m.Overdue || w.Overdue != 0 || w.DoneLate != 1 || w.Next.Title != "试运行" || w.Next.Overdue {
			t.Errorf("B after recording: %+v", w)
		}
		// Staff records C's milestone in time; then corrects it.
		if _, err := e.s.RecordMilestone(ctx, staff, s.c, 0, program.MilestoneInput{DoneOn: day("2026-05-20")}); err != nil {
			t.Fatal(err)
		}
		if w, err = e.s.RecordMilestone(ctx, staff, s.c, 0, program.MilestoneInput{DoneOn: day("2026-05-30"), Note: "更正"}); err != nil || w.Milestones[0].Note != "更正" || w.Milestones[0].Late {
			t.Fatalf("correction: %v %+v", err, w)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events`) - auditBefore; n != 3 {
			t.Errorf("%d audit events for 3 records", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM program_milestone_progress`); n != 2 {
			t.Errorf("%d progress rows", n)
		}
		// Refusals, nothing written.
		rows := count(t, d, `SELECT COUNT(*) FROM audit_events`)
		if _, err := e.s.RecordMilestone(ctx, staff, s.b, 1, program.MilestoneInput{DoneOn: day("2026-09-02")}); fields(err)["done_on"] != "program.supervision.future" {
			t.Errorf("future day: %v", err)
		}
		if _, err := e.s.RecordMilestone(ctx, staff, s.b, 2, program.MilestoneInput{DoneOn: day("2026-09-01")}); fields(err)["milestone"] != "program.milestone.unknown" {
			t.Errorf("unknown milestone: %v", err)
		}
		if _, err := e.s.RecordMilestone(ctx, staff, s.unsigned, 0, program.MilestoneInput{DoneOn: day("2026-09-01")}); key(err) != "program.supervision.not_supervised" {
			t.Errorf("unsigned project: %v", err)
		}
		if _, err := e.s.RecordMilestone(ctx, e.users[2], s.b, 1, program.MilestoneInput{DoneOn: day("2026-09-01")}); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("another enterprise records: %v", err)
		}
		for _, u := range []*auth.User{finance, viewer} {
			if _, err := e.s.RecordMilestone(ctx, u, s.b, 1, program.MilestoneInput{DoneOn: day("2026-09-01")}); i18n.ErrorCode(err) != i18n.Forbidden {
				t.Errorf("%s records: %v", u.Username, err)
			}
		}
		if _, err := e.s.RecordInspection(ctx, e.users[1], s.b, program.InspectionInput{}); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("owner records an inspection: %v", err)
		}
		if _, err := e.s.RecordInspection(ctx, staff, s.b, program.InspectionInput{InspectedOn: day("2026-08-10"), RectificationRequired: true,
			RectificationDue: day("2026-08-01")}); fields(err)["inspectors"] != "error.required" || fields(err)["findings"] != "error.required" ||
			fields(err)["rectification_due"] != "program.inspection.due_before" {
			t.Errorf("bad inspection: %v", fields(err))
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events`); n != rows {
			t.Errorf("refusals wrote %d audit events", n-rows)
		}

		// Inspections of B: one with a rectification overdue since 20 August.
		in1, err := e.s.RecordInspection(ctx, staff, s.b, program.InspectionInput{InspectedOn: day("2026-08-10"), Inspectors: "督查组 王某、李某",
			Findings: "资金使用台账不全", RectificationRequired: true, RectificationDue: day("2026-08-20")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.RecordInspection(ctx, staff, s.c, program.InspectionInput{InspectedOn: day("2026-08-15"), Inspectors: "督查组",
			Findings: "进展正常", RectificationDue: day("2026-09-30")}); err != nil {
			t.Fatal(err)
		}
		list, _ = e.s.Supervision(ctx, staff, program.SupervisionFilter{})
		if got, want := ids(list), []int64{s.a, s.b, s.c}; !equal(got, want) {
			t.Fatalf("list after inspections %v, want %v", got, want)
		}
		if w := list[1].W; w.OpenRectifications != 1 || w.OverdueRectifications != 1 || w.Last == nil || w.Last.ID != in1.ID || w.MaxDaysOverdue != 12 {
			t.Errorf("B: %+v", w)
		}
		if w := list[2].W; w.OpenRectifications != 0 || w.Last == nil || w.Last.RectificationRequired || !w.Last.RectificationDue.IsZero() {
			t.Errorf("C: a rectification without the box: %+v", w.Last)
		}
		// Closing the rectification: not before the inspection, once.
		if _, err := e.s.CloseRectification(ctx, staff, s.b, in1.ID, day("2026-08-01")); fields(err)["closed_on"] != "program.inspection.closed_before" {
			t.Errorf("closed before the inspection: %v", err)
		}
		if _, err := e.s.CloseRectification(ctx, staff, s.c, in1.ID, day("2026-08-25")); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("inspection of another project: %v", err)
		}
		got, err := e.s.CloseRectification(ctx, staff, s.b, in1.ID, day("2026-08-25"))
		if err != nil || got.Open() || got.ClosedOn != day("2026-08-25") {
			t.Fatalf("close: %v %+v", err, got)
		}
		if _, err := e.s.CloseRectification(ctx, staff, s.b, in1.ID, day("2026-08-26")); key(err) != "program.inspection.already_closed" {
			t.Errorf("second close: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action LIKE 'program.inspection.%' AND object_id = $1`, strconv.FormatInt(s.b, 10)); n != 2 {
			t.Errorf("%d inspection audit events for B", n)
		}
		// Nothing overdue left in B nor C: B ends first.
		list, _ = e.s.Supervision(ctx, staff, program.SupervisionFilter{})
		if got, want := ids(list), []int64{s.a, s.b, s.c}; !equal(got, want) || list[1].W.Red() != 0 || list[2].W.Red() != 0 {
			t.Errorf("list after closing %v, want %v", got, want)
		}
		// A month later B's second milestone is overdue.
		e.clock.set(t, "2026-10-01 10:00")
		list, _ = e.s.Supervision(ctx, staff, program.SupervisionFilter{})
		if list[1].A.ID != s.b || list[1].W.Overdue != 1 || list[1].W.DaysLeft != 60 {
			t.Errorf("a month later: %v, B overdue %d", ids(list), list[1].W.Overdue)
		}

		// Scope: another district's staff see nothing.
		if l, err := e.s.Supervision(ctx, other, program.SupervisionFilter{Types: program.Types}); err != nil || len(l) != 0 {
			t.Errorf("another district lists %v %v", ids(l), err)
		}
		if _, err := e.s.Supervise(ctx, other, s.a); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("another district reads A: %v", err)
		}
		if _, err := e.s.RecordMilestone(ctx, other, s.a, 0, program.MilestoneInput{DoneOn: day("2026-09-01")}); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("another district records: %v", err)
		}
		if _, err := e.s.RecordInspection(ctx, other, s.a, program.InspectionInput{InspectedOn: day("2026-09-01"), Inspectors: "x", Findings: "y"}); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("another district inspects: %v", err)
		}
		if _, err := e.s.CloseRectification(ctx, other, s.b, in1.ID, day("2026-09-01")); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("another district closes: %v", err)
		}
		// The list is the bureau's: enterprises and the city viewer are refused.
		for _, u := range []*auth.User{e.users[0], viewer, finance} {
			if _, err := e.s.Supervision(ctx, u, program.SupervisionFilter{}); i18n.ErrorCode(err) != i18n.Forbidden {
				t.Errorf("%s lists: %v", u.Username, err)
			}
		}
		if w, err := e.s.Supervise(ctx, viewer, s.a); err != nil || w.Overdue != 2 {
			t.Errorf("the city viewer reads A's section: %v", err)
		}
	})
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSupervisionPages renders the list and the application page's section
// and records through the forms.
func TestSupervisionPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 4)
		s := supervisionData(t, e)
		e.clock.set(t, "2026-09-01 10:00")
		for _, u := range []*auth.User{staff, e.users[1], other} {
			webtest.AddUser(t, d, u)
		}
		lg, _ := audit.New(audit.SM3)
		h := &program.Handlers{Service: e.s}
		site := webtest.Serve(t, d, lg, webtest.Area{Routes: []func(*web.Routes){h.Routes}, Nav: program.Nav(),
			Templates: []web.Templates{program.Templates()}, Keys: []string{"program"}})
		h.Web = site.Web
		post := func(c *webtest.Client, path string, v url.Values) int {
			code, _, _ := c.Post(path, v)
			return code
		}
		sc, owner, out := site.Login(staff), site.Login(e.users[1]), site.Login(other)
		b := "/applications/" + strconv.FormatInt(s.b, 10)
		if code := post(owner, b+"/milestones/0", url.Values{"done_on": {"2026-09-01"}, "note": {"完成"}}); code != http.StatusSeeOther {
			t.Errorf("owner records: %d", code)
		}
		if code := post(owner, b+"/inspections", url.Values{"inspected_on": {"2026-08-10"}}); code != http.StatusForbidden {
			t.Errorf("owner inspects: %d", code)
		}
		if code := post(sc, b+"/inspections", url.Values{"inspected_on": {"2026-08-10"}, "inspectors": {"督查组"}, "findings": {"台账不全"},
			"rectification": {"1"}, "rectification_due": {"2026-08-20"}}); code != http.StatusSeeOther {
			t.Errorf("staff inspects: %d", code)
		}
		if code := post(sc, b+"/inspections", url.Values{"inspected_on": {"2026-08-10"}}); code != http.StatusUnprocessableEntity {
			t.Errorf("inspection without inspectors: %d", code)
		}
		code, page := sc.Get("/supervision")
		if code != http.StatusOK || !strings.Contains(page, `data-testid="overdue-`+strconv.FormatInt(s.a, 10)+`"`) ||
			!strings.Contains(page, `data-testid="rect-overdue-`+strconv.FormatInt(s.b, 10)+`"`) ||
			!strings.Contains(page, `data-testid="ending-`+strconv.FormatInt(s.b, 10)+`"`) ||
			strings.Contains(page, `data-testid="ending-`+strconv.FormatInt(s.c, 10)+`"`) ||
			strings.Index(page, `project-`+strconv.FormatInt(s.a, 10)) > strings.Index(page, `project-`+strconv.FormatInt(s.b, 10)) {
			t.Errorf("supervision page: %d", code)
		}
		code, page = sc.Get(b)
		if code != http.StatusOK || !strings.Contains(page, `data-testid="inspection-form"`) || !strings.Contains(page, "台账不全") ||
			!strings.Contains(page, `data-testid="close-`) {
			t.Errorf("application page's section: %d", code)
		}
		code, page = owner.Get(b)
		if code != http.StatusOK || strings.Contains(page, `data-testid="inspection-form"`) || !strings.Contains(page, `data-testid="milestone-form-1"`) {
			t.Errorf("owner's section: %d", code)
		}
		if code, _ := owner.Get("/supervision"); code != http.StatusForbidden {
			t.Errorf("enterprise GET /supervision: %d", code)
		}
		if code, page := out.Get("/supervision"); code != http.StatusOK || strings.Contains(page, "data-testid=\"project-") {
			t.Errorf("another district's list: %d", code)
		}
		if code, _ := out.Get(b); code != http.StatusNotFound {
			t.Errorf("another district's staff open B: %d", code)
		}
	})
}
