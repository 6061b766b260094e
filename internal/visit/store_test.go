package visit_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/enterprise"
	"kejiju/internal/i18n"
	"kejiju/internal/visit"
	"kejiju/internal/xlsx"
	"kejiju/internal/xlsx/xlsxtest"
)

func TestVisitValidationWritesNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		dup, err := e.ent.Create(ctx, staff, enterprise.Input{CreditCode: enterprise.SampleCode(9), Name: "金麦乐面业（重复登记）", RegionCode: "341203200"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.ent.Merge(ctx, staff, e.e1, dup.ID, "重复登记"); err != nil {
			t.Fatal(err)
		}
		good := func() visit.VisitInput {
			return visit.VisitInput{Date: day("2026-03-05"), EnterpriseID: e.e1, Topics: "高企培育政策宣讲"}
		}
		tests := []struct {
			name   string
			edit   func(*visit.VisitInput)
			fields []string
		}{
			{"no date", func(in *visit.VisitInput) { in.Date = calendar.Date{} }, []string{"visit_date"}},
			{"future date", func(in *visit.VisitInput) { in.Date = day("2099-01-01") }, []string{"visit_date"}},
			{"no enterprise, no topics", func(in *visit.VisitInput) { in.EnterpriseID = 0; in.Topics = "  " }, []string{"enterprise_id", "visit_topics"}},
			{"unknown enterprise", func(in *visit.VisitInput) { in.EnterpriseID = 999999 }, []string{"enterprise_id"}},
			{"merged enterprise", func(in *visit.VisitInput) { in.EnterpriseID = dup.ID }, []string{"enterprise_id"}},
			{"topics too long", func(in *visit.VisitInput) { in.Topics = strings.Repeat("研", 201) }, []string{"visit_topics"}},
			{"staff from elsewhere", func(in *visit.VisitInput) { in.StaffIDs = []int64{other.ID} }, []string{"visit_staff"}},
			{"too many others", func(in *visit.VisitInput) {
				in.Others = []string{"甲、乙、丙、丁、戊、己、庚、辛、壬、癸、子"}
			}, []string{"visit_others"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				in := good()
				tc.edit(&in)
				_, err := e.s.CreateVisit(ctx, staff, in)
				if i18n.ErrorCode(err) != i18n.Invalid {
					t.Fatalf("got %v, want invalid", err)
				}
				got := fields(err)
				for _, f := range tc.fields {
					if got[f] == "" {
						t.Errorf("no error on %s; got %v", f, got)
					}
				}
			})
		}
		merged := good()
		merged.EnterpriseID = dup.ID
		if _, err := e.s.CreateVisit(ctx, staff, merged); fields(err)["enterprise_id"] != "visit.enterprise.closed" {
			t.Errorf("visit to a merged enterprise: %v", err)
		}
		for _, u := range []*auth.User{viewer, admin, e.company} {
			if _, err := e.s.CreateVisit(ctx, u, good()); i18n.ErrorCode(err) != i18n.Forbidden {
				t.Errorf("%s records a visit: %v, want forbidden", u.Username, err)
			}
		}
		if n := count(t, d, `SELECT COUNT(*) FROM visits`) + count(t, d, `SELECT COUNT(*) FROM visit_staff`) +
			count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action LIKE 'visit.%'`); n != 0 {
			t.Errorf("refused input wrote %d rows", n)
		}
	})
}

func TestThursdayWarning(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		thu := e.visitOn(t, staff, e.e1, "2026-03-05")
		wed := e.visitOn(t, staff, e.e2, "2026-03-04")
		hol, err := e.s.CreateVisit(ctx, staff, visit.VisitInput{Date: day("2025-12-31"), EnterpriseID: e.e1, Topics: "年末走访",
			OffDayNote: "周四为元旦", StaffIDs: []int64{chief.ID, staff.ID}, Others: []string{"市科技局孙科长、江南大学李教授"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			v    *visit.Visit
			want string
		}{{thu, ""}, {wed, visit.WarnNotThursday}, {hol, visit.WarnHolidayWeek}} {
			if tc.v.Warning != tc.want || tc.v.OffDay() != (tc.want != "") {
				t.Errorf("visit on %s: warning %q, want %q", tc.v.Date, tc.v.Warning, tc.want)
			}
			got, err := e.s.Visit(ctx, staff, tc.v.ID)
			if err != nil || got.Warning != tc.want {
				t.Errorf("read back %s: %q %v", tc.v.Date, got.Warning, err)
			}
		}
		list, total, err := e.s.Visits(ctx, staff, visit.VisitFilter{Sort: "date"})
		if err != nil || total != 3 {
			t.Fatalf("list: %d %v", total, err)
		}
		var flags []bool
		for _, v := range list {
			flags = append(flags, v.OffDay())
		}
		if !slices.Equal(flags, []bool{true, true, false}) {
			t.Errorf("off-day flags in date order: %v", flags)
		}
		if thu.StaffNames() != "张科员" || thu.Staff[0].UserID != staff.ID {
			t.Errorf("default staff: %+v", thu.Staff)
		}
		if got := hol.StaffNames(); got != "王局长、张科员、市科技局孙科长、江南大学李教授" {
			t.Errorf("staff %q", got)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM visit_staff WHERE visit_id = $1 AND user_id IS NULL`, hol.ID); n != 2 {
			t.Errorf("%d companions without account, want 2", n)
		}
		if got, _, _ := e.s.Visits(ctx, staff, visit.VisitFilter{From: day("2026-03-01"), To: day("2026-03-04")}); len(got) != 1 || got[0].ID != wed.ID {
			t.Errorf("date filter: %d visits", len(got))
		}
		if got, _, _ := e.s.Visits(ctx, staff, visit.VisitFilter{RegionCode: "341203101"}); len(got) != 1 || got[0].ID != wed.ID {
			t.Errorf("township filter: %d visits", len(got))
		}
		if got, _, _ := e.s.Visits(ctx, staff, visit.VisitFilter{Query: "金麦乐"}); len(got) != 2 {
			t.Errorf("enterprise search: %d visits, want 2", len(got))
		}
	})
}

func TestVisitScope(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		mine, err := e.s.CreateVisit(ctx, staff, visit.VisitInput{Date: day("2026-03-05"), EnterpriseID: e.e1, Topics: "研发情况",
			Notes: "企业研发投入不足，建议列入高企培育库。"})
		if err != nil {
			t.Fatal(err)
		}
		theirs := e.visitOn(t, other, e.e3, "2026-03-05")
		e.visitOn(t, staff, e.e2, "2026-03-12")

		// A staff member of 341202 can neither see nor add visits to an enterprise of 341203.
		if _, err := e.s.Visit(ctx, other, mine.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("other district reads the visit: %v", err)
		}
		if list, total, _ := e.s.Visits(ctx, other, visit.VisitFilter{}); total != 1 || list[0].ID != theirs.ID {
			t.Errorf("other district lists %d visits", total)
		}
		_, err = e.s.CreateVisit(ctx, other, visit.VisitInput{Date: day("2026-03-05"), EnterpriseID: e.e1, Topics: "越界"})
		if fields(err)["enterprise_id"] != "visit.enterprise.unknown" {
			t.Errorf("other district adds a visit to 341203: %v", err)
		}
		if _, err := e.s.CreateVisit(ctx, staff, visit.VisitInput{Date: day("2026-03-05"), EnterpriseID: e.e3, Topics: "越界"}); fields(err)["enterprise_id"] == "" {
			t.Errorf("颍东 adds a visit to 颍州: %v", err)
		}
		if _, err := e.s.UpdateVisit(ctx, other, mine.ID, mine.Version, visit.VisitInput{Date: day("2026-03-05"), EnterpriseID: e.e3, Topics: "改"}, ""); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("other district changes the visit: %v", err)
		}
		// The city reads everything; the enterprise sees its own visits, without the bureau's notes.
		if _, total, _ := e.s.Visits(ctx, viewer, visit.VisitFilter{}); total != 3 {
			t.Errorf("city viewer lists %d visits, want 3", total)
		}
		if v, err := e.s.Visit(ctx, staff, mine.ID); err != nil || v.Notes == "" {
			t.Errorf("staff read the notes: %q %v", v.Notes, err)
		}
		list, total, err := e.s.Visits(ctx, e.company, visit.VisitFilter{})
		if err != nil || total != 1 || list[0].ID != mine.ID || list[0].Notes != "" {
			t.Errorf("enterprise user lists %d visits: %+v %v", total, list, err)
		}
		if _, total, err := e.s.Visits(ctx, admin, visit.VisitFilter{}); err != nil || total != 0 {
			t.Errorf("the system administrator sees %d visits (%v)", total, err)
		}
	})
}

func TestUpdateVisit(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		v := e.visitOn(t, staff, e.e1, "2026-03-04")
		in := visit.VisitInput{Date: day("2026-03-05"), EnterpriseID: e.e1, Topics: "更正日期", StaffIDs: []int64{staff.ID, chief.ID}}
		v2, err := e.s.UpdateVisit(ctx, staff, v.ID, v.Version, in, "日期填错")
		if err != nil || v2.Version != 2 || v2.OffDay() || v2.StaffNames() != "张科员、王局长" {
			t.Fatalf("update: %+v %v", v2, err)
		}
		if _, err := e.s.UpdateVisit(ctx, staff, v.ID, v.Version, in, "旧版本"); i18n.ErrorCode(err) != i18n.Conflict {
			t.Errorf("stale update: %v, want conflict", err)
		}
		var before, after, reason string
		d.QueryRow(`SELECT before_json, after_json, reason FROM audit_events WHERE action = 'visit.update'`).Scan(&before, &after, &reason)
		if !strings.Contains(before, "2026-03-04") || !strings.Contains(after, "2026-03-05") || reason != "日期填错" {
			t.Errorf("audit: %s → %s (%s)", before, after, reason)
		}
		e.needOf(t, staff, e.e1, "烘干工艺改进", "2026-03-05")
		n, err := e.s.CreateNeed(ctx, staff, visit.NeedInput{VisitID: v.ID, Category: "testing", Title: "检测", Description: "需要第三方检测"})
		if err != nil || n.EnterpriseID != e.e1 || n.Source != visit.SourceVisit || n.CollectedOn != day("2026-03-05") {
			t.Fatalf("need from visit: %+v %v", n, err)
		}
		in.EnterpriseID = e.e2
		if _, err := e.s.UpdateVisit(ctx, staff, v.ID, v2.Version, in, ""); fields(err)["enterprise_id"] != "visit.enterprise.has_needs" {
			t.Errorf("moving a visit with needs to another enterprise: %v", err)
		}
		if got, _ := e.s.Visit(ctx, staff, v.ID); got.NeedCount != 1 {
			t.Errorf("need count %d, want 1", got.NeedCount)
		}
	})
}

// moves records the steps taken, to check the machine was covered.
type moves map[[2]string]bool

func (m moves) step(t *testing.T, e *env, u *auth.User, n *visit.Need, to, reason string) {
	t.Helper()
	from := n.Status
	got, err := e.s.Transition(context.Background(), u, n.ID, to, reason)
	if err != nil {
		t.Fatalf("%s → %s: %v", from, to, err)
	}
	if got.Status != to {
		t.Fatalf("%s → %s: now %s", from, to, got.Status)
	}
	*n = *got
	m[[2]string{from, to}] = true
}

func (e *env) batch(t *testing.T, number, sent string, needs ...*visit.Need) *visit.Batch {
	t.Helper()
	var ids []int64
	for _, n := range needs {
		ids = append(ids, n.ID)
	}
	b, err := e.s.CreateBatch(context.Background(), staff, visit.BatchInput{Number: number, SentOn: day(sent), NeedIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range needs {
		got, err := e.s.Need(context.Background(), staff, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		*n = *got
	}
	return b
}

func TestNeedStateMachine(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		seen := moves{}
		a := e.needOf(t, staff, e.e1, "需求甲", "2026-03-02")
		b := e.needOf(t, staff, e.e1, "需求乙", "2026-03-02")
		c := e.needOf(t, staff, e.e2, "需求丙", "2026-03-02")

		e.batch(t, "2026-03", "2026-03-10", a, b)
		seen[[2]string{visit.Collected, visit.Forwarded}] = a.Status == visit.Forwarded && b.Status == visit.Forwarded
		if a.ForwardedOn != day("2026-03-10") || a.BatchID == 0 {
			t.Errorf("forwarded need: %+v", a)
		}
		seen.step(t, e, staff, a, visit.Matched, "")
		seen.step(t, e, staff, a, visit.Forwarded, "高校无力承接")
		seen.step(t, e, staff, a, visit.Collected, "市局要求补充材料")
		if a.BatchID != 0 || !a.ForwardedOn.IsZero() {
			t.Errorf("a returned need still holds its batch: %+v", a)
		}
		seen.step(t, e, staff, a, visit.Closed, "企业暂缓")
		seen.step(t, e, staff, a, visit.Collected, "企业重新提出")
		seen.step(t, e, staff, a, visit.Matched, "")
		seen.step(t, e, staff, a, visit.Collected, "对接未成")
		seen.step(t, e, staff, a, visit.Matched, "")
		seen.step(t, e, staff, a, visit.Solved, "")
		seen.step(t, e, chief, b, visit.Closed, "市局已统一解决")
		seen.step(t, e, staff, c, visit.Matched, "")
		seen.step(t, e, staff, c, visit.Closed, "企业转产")
		f := e.needOf(t, staff, e.e2, "需求丁", "2026-03-03")
		e.batch(t, "2026-04", "2026-04-09", f)
		seen.step(t, e, staff, f, visit.Matched, "")
		for _, tr := range visit.Transitions {
			if !seen[[2]string{tr.From, tr.To}] {
				t.Errorf("transition %s → %s was not exercised", tr.From, tr.To)
			}
		}

		// Illegal steps are conflicts with a message naming what is allowed, and change nothing.
		before := count(t, d, `SELECT COUNT(*) FROM needs_history`)
		for _, tc := range []struct {
			n      *visit.Need
			to     string
			reason string
			key    string
		}{
			{a, visit.Collected, "重新办理", "visit.need.illegal.solved"},
			{b, visit.Matched, "", "visit.need.illegal.closed"},
			{f, visit.Matched, "", "visit.need.illegal.matched"},
		} {
			_, err := e.s.Transition(ctx, staff, tc.n.ID, tc.to, tc.reason)
			if i18n.ErrorCode(err) != i18n.Conflict || key(err) != tc.key {
				t.Errorf("%s → %s: %v, want conflict %s", tc.n.Status, tc.to, err, tc.key)
			}
		}
		g := e.needOf(t, staff, e.e1, "需求戊", "2026-03-03")
		if _, err := e.s.Transition(ctx, staff, g.ID, visit.Forwarded, ""); key(err) != "visit.need.forward.batch_only" {
			t.Errorf("forwarding one need alone: %v", err)
		}
		if _, err := e.s.Transition(ctx, staff, g.ID, visit.Closed, ""); fields(err)["reason"] == "" {
			t.Errorf("closing without a reason: %v", err)
		}
		if _, err := e.s.Transition(ctx, viewer, g.ID, visit.Matched, ""); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("city viewer moves a need: %v", err)
		}
		if _, err := e.s.Transition(ctx, other, g.ID, visit.Matched, ""); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("other district moves a need: %v", err)
		}
		if after := count(t, d, `SELECT COUNT(*) FROM needs_history`); after != before+1 { // g's creation
			t.Errorf("refused steps wrote %d history rows", after-before-1)
		}

		// Every change has its history row (who, when, why) and its audit event.
		hist, err := e.s.History(ctx, staff, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		var path []string
		for _, h := range hist {
			path = append(path, h.To)
		}
		if want := "collected forwarded matched forwarded collected closed collected matched collected matched solved"; strings.Join(path, " ") != want {
			t.Errorf("history of a: %s", strings.Join(path, " "))
		}
		if h := hist[3]; h.From != visit.Matched || h.Reason != "高校无力承接" || h.ActorName != "张科员" || h.ActorID != staff.ID || h.At.IsZero() {
			t.Errorf("history row: %+v", h)
		}
		if hist[1].BatchID == 0 || hist[0].From != "" {
			t.Errorf("first rows: %+v", hist[:2])
		}
		if n, m := count(t, d, `SELECT COUNT(*) FROM needs_history WHERE from_status <> ''`),
			count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action = 'need.transition'`); n != m || n != 16 {
			t.Errorf("%d transitions in history, %d audited, want 16", n, m)
		}
	})
}

func TestNeedScopeAndEnterpriseUsers(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		collected := e.needOf(t, staff, e.e1, "调研收集的需求", "2026-03-05")
		e.needOf(t, staff, e.e2, "别家的需求", "2026-03-05")
		theirs := e.needOf(t, other, e.e3, "颍州的需求", "2026-03-05")

		// An enterprise user reports for its own enterprise, whatever it sends.
		own, err := e.s.CreateNeed(ctx, e.company, visit.NeedInput{EnterpriseID: e.e2, Category: "talent", Title: "引进食品工程师",
			Description: "需要2名食品工程专业人才"})
		if err != nil {
			t.Fatal(err)
		}
		if own.EnterpriseID != e.e1 || own.Source != visit.SourceSelf || own.ContactName != "刘经理" || own.Status != visit.Collected {
			t.Errorf("self-reported need: %+v", own)
		}
		list, total, err := e.s.Needs(ctx, e.company, visit.NeedFilter{})
		if err != nil || total != 2 {
			t.Fatalf("enterprise user lists %d needs, want its 2: %v", total, err)
		}
		for _, n := range list {
			if n.EnterpriseID != e.e1 {
				t.Errorf("enterprise user sees %q of enterprise %d", n.Title, n.EnterpriseID)
			}
		}
		if _, err := e.s.Need(ctx, e.company, theirs.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("enterprise user reads another's need: %v", err)
		}
		// It edits and withdraws what it reported, and nothing else.
		in := visit.NeedInput{Category: "talent", Title: "引进食品工程师2名", Description: "需要食品工程专业人才"}
		if _, err := e.s.UpdateNeed(ctx, e.company, own.ID, own.Version, in, ""); err != nil {
			t.Errorf("enterprise edits its report: %v", err)
		}
		if _, err := e.s.UpdateNeed(ctx, e.company, collected.ID, collected.Version, in, ""); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("enterprise edits what staff collected: %v", err)
		}
		if _, err := e.s.Transition(ctx, e.company, own.ID, visit.Matched, ""); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("enterprise marks its need matched: %v", err)
		}
		if n, err := e.s.Transition(ctx, e.company, own.ID, visit.Closed, "已自行解决"); err != nil || n.Status != visit.Closed {
			t.Errorf("enterprise withdraws its need: %v", err)
		}
		if _, err := e.s.CreateBatch(ctx, e.company, visit.BatchInput{Number: "x", SentOn: day("2026-03-10"), NeedIDs: []int64{own.ID}}); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("enterprise forwards: %v", err)
		}
		// Staff see their district only; the city reads all and writes nothing.
		if _, total, _ := e.s.Needs(ctx, other, visit.NeedFilter{}); total != 1 {
			t.Errorf("颍州 staff list %d needs, want 1", total)
		}
		if _, total, _ := e.s.Needs(ctx, staff, visit.NeedFilter{}); total != 3 {
			t.Errorf("颍东 staff list %d needs, want 3", total)
		}
		if _, total, _ := e.s.Needs(ctx, viewer, visit.NeedFilter{}); total != 4 {
			t.Errorf("city viewer lists %d needs, want 4", total)
		}
		if _, err := e.s.CreateNeed(ctx, viewer, visit.NeedInput{EnterpriseID: e.e1, Category: "other", Title: "x", Description: "x"}); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("city viewer records a need: %v", err)
		}
		if _, err := e.s.CreateNeed(ctx, other, visit.NeedInput{EnterpriseID: e.e1, Category: "other", Title: "x", Description: "x"}); fields(err)["enterprise_id"] == "" {
			t.Errorf("颍州 staff record a need of 颍东: %v", err)
		}
		// Validation writes nothing.
		before := count(t, d, `SELECT COUNT(*) FROM needs`) + count(t, d, `SELECT COUNT(*) FROM needs_history`)
		_, err = e.s.CreateNeed(ctx, staff, visit.NeedInput{EnterpriseID: e.e1, Category: "ai", ContactPhone: "123", CollectedOn: day("2099-01-01")})
		for _, f := range []string{"need_category", "need_title", "need_description", "contact_phone", "need_collected_on"} {
			if fields(err)[f] == "" {
				t.Errorf("no error on %s: %v", f, err)
			}
		}
		if after := count(t, d, `SELECT COUNT(*) FROM needs`) + count(t, d, `SELECT COUNT(*) FROM needs_history`); after != before {
			t.Errorf("refused need wrote %d rows", after-before)
		}
		// Once forwarded, a need's content is what the city has.
		e.batch(t, "2026-03", "2026-03-10", collected)
		if _, err := e.s.UpdateNeed(ctx, staff, collected.ID, collected.Version, in, ""); key(err) != "visit.need.not_editable" {
			t.Errorf("editing a forwarded need: %v", err)
		}
	})
}

func TestForwardingBatch(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		v := e.visitOn(t, staff, e.e1, "2026-03-05")
		n1, err := e.s.CreateNeed(ctx, staff, visit.NeedInput{VisitID: v.ID, Category: "process", Title: "全麦粉加工工艺优化",
			Description: "麸皮添加后面团筋力下降。", Expected: "筋力恢复到普通面粉的90%", Budget: 50_0000_00, ContactName: "赵厂长", ContactPhone: "0558-2212345"})
		if err != nil {
			t.Fatal(err)
		}
		n2 := e.needOf(t, staff, e.e2, "速冻食品保鲜", "2026-03-06")
		n3 := e.needOf(t, staff, e.e2, "不选的需求", "2026-03-06")
		closed := e.needOf(t, staff, e.e1, "已关闭的需求", "2026-03-06")
		if _, err := e.s.Transition(ctx, staff, closed.ID, visit.Closed, "重复登记"); err != nil {
			t.Fatal(err)
		}

		// A batch with one need that is not collected is refused whole.
		_, err = e.s.CreateBatch(ctx, staff, visit.BatchInput{Number: "2026-03", SentOn: day("2026-03-10"), NeedIDs: []int64{n1.ID, closed.ID}})
		if i18n.ErrorCode(err) != i18n.Conflict || key(err) != "visit.batch.not_collected" {
			t.Errorf("batch with a closed need: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM need_batches`) + count(t, d, `SELECT COUNT(*) FROM needs WHERE status = 'forwarded'`); n != 0 {
			t.Fatalf("a refused batch left %d rows", n)
		}
		if _, err := e.s.CreateBatch(ctx, staff, visit.BatchInput{Number: "", SentOn: day("2026-03-10")}); fields(err)["batch_needs"] == "" || fields(err)["batch_number"] == "" {
			t.Errorf("empty batch: %v", err)
		}

		suggested, _ := e.s.SuggestBatchNumber(ctx, staff, day("2026-03-10"))
		b := e.batch(t, suggested, "2026-03-10", n2, n1)
		if b.Number != "2026-03" || b.Count != 2 {
			t.Errorf("batch %+v", b)
		}
		if got, _ := e.s.SuggestBatchNumber(ctx, staff, day("2026-03-20")); got != "2026-03-2" {
			t.Errorf("next suggestion %q", got)
		}
		if _, err := e.s.CreateBatch(ctx, staff, visit.BatchInput{Number: "2026-03", SentOn: day("2026-03-11"), NeedIDs: []int64{n3.ID}}); fields(err)["batch_number"] != "visit.batch.number_taken" {
			t.Errorf("batch number twice: %v", err)
		}
		var forwarded []int64
		rows, _ := d.Query(`SELECT id FROM needs WHERE status = 'forwarded' ORDER BY id`)
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			forwarded = append(forwarded, id)
		}
		rows.Close()
		if !slices.Equal(forwarded, []int64{n1.ID, n2.ID}) {
			t.Errorf("forwarded needs %v, want exactly %d and %d", forwarded, n1.ID, n2.ID)
		}
		if got, _ := e.s.Need(ctx, staff, n3.ID); got.Status != visit.Collected {
			t.Errorf("an unchosen need is %s", got.Status)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM needs_history WHERE batch_id = $1 AND to_status = 'forwarded'`, b.ID); n != 2 {
			t.Errorf("%d history rows for the batch, want 2", n)
		}
		var order []string
		byStatus, _, _ := e.s.Needs(ctx, staff, visit.NeedFilter{Sort: "status"})
		for _, n := range byStatus {
			order = append(order, n.Status)
		}
		if strings.Join(order, " ") != "collected forwarded forwarded closed" {
			t.Errorf("sorted by status: %v", order)
		}
		if list, _, _ := e.s.Needs(ctx, staff, visit.NeedFilter{BatchID: b.ID}); len(list) != 2 {
			t.Errorf("needs of the batch: %d", len(list))
		}
		if _, err := e.s.Batch(ctx, other, b.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("颍州 reads 颍东's batch: %v", err)
		}
		if _, err := e.s.Batch(ctx, e.company, b.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("an enterprise reads a batch: %v", err)
		}

		// The city's sheet, read back as a spreadsheet program would.
		var buf bytes.Buffer
		if _, err := e.s.WriteSheet(ctx, viewer, b.ID, &buf); err != nil {
			t.Fatal(err)
		}
		cells := xlsxtest.Open(t, buf.Bytes()) // in LibreOffice Calc
		if len(cells) != 3 || strings.Join(cells[0], " ") != "序号 企业名称 统一社会信用代码 所属乡镇 需求类别 需求名称 需求描述 预期目标 拟投入资金（万元） 联系人 联系电话 收集日期" ||
			cells[2][1] != "阜阳金麦乐面业有限公司" || cells[2][2] != v.CreditCode {
			t.Errorf("the sheet as LibreOffice reads it: %q", cells)
		}
		strict := visit.CitySheet
		strict.Columns = slices.Clone(strict.Columns)
		for i := range strict.Columns {
			strict.Columns[i].Required = true // every header must be there, as written
		}
		var got []xlsx.Row
		sum, err := xlsx.Read(&buf, strict, 1<<20, func(r xlsx.Row) error { got = append(got, r); return nil })
		if err != nil {
			t.Fatalf("reading the sheet: %v", err)
		}
		if sum.Sheet != "技术难题需求" || sum.HeaderRow != 1 || len(sum.Unknown) != 0 || len(got) != 2 {
			t.Fatalf("sheet %+v with %d rows", sum, len(got))
		}
		var headers []string
		for _, c := range visit.CitySheet.Columns {
			headers = append(headers, c.Header)
		}
		if want := "序号 企业名称 统一社会信用代码 所属乡镇 需求类别 需求名称 需求描述 预期目标 拟投入资金（万元） 联系人 联系电话 收集日期"; strings.Join(headers, " ") != want {
			t.Errorf("headers %v", headers)
		}
		want := map[string]string{"seq": "2", "enterprise": "阜阳金麦乐面业有限公司", "credit_code": v.CreditCode, "township": "冉庙乡",
			"category": "工艺改进", "title": "全麦粉加工工艺优化", "description": "麸皮添加后面团筋力下降。", "expected": "筋力恢复到普通面粉的90%",
			"budget": "50", "contact": "赵厂长", "phone": "0558-2212345", "collected_on": "2026-03-05"}
		for k, w := range want {
			if got[1].Values[k] != w {
				t.Errorf("row 2 %s = %q, want %q", k, got[1].Values[k], w)
			}
		}
		if got[0].Values["enterprise"] != "安徽思杰食品有限公司" || got[0].Values["township"] != "插花镇" || got[0].Values["seq"] != "1" {
			t.Errorf("row 1: %v", got[0].Values)
		}
	})
}

func TestMatchmakingMovesNeed(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		n := e.needOf(t, staff, e.e1, "全麦粉加工工艺优化", "2026-03-05")
		e.batch(t, "2026-03", "2026-03-10", n)
		in := visit.MatchInput{EnterpriseID: e.e1, NeedID: n.ID, Partner: "江南大学食品学院", PartnerContact: "李教授", Date: day("2026-04-16"),
			Kind: "visit", Topic: "全麦粉工艺", Outcome: "达成合作意向", Agreement: true, AgreementOn: day("2026-04-20"),
			AgreementAmount: 30_0000_00, MarkMatched: true}
		m, err := e.s.CreateMatch(ctx, staff, in)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := e.s.Need(ctx, staff, n.ID)
		if got.Status != visit.Matched || m.NeedTitle != n.Title {
			t.Errorf("need after matchmaking: %s", got.Status)
		}
		var matchID int64
		var reason string
		d.QueryRow(`SELECT COALESCE(match_id, 0), reason FROM needs_history WHERE need_id = $1 AND to_status = 'matched'`, n.ID).Scan(&matchID, &reason)
		if matchID != m.ID || !strings.Contains(reason, "江南大学") {
			t.Errorf("history of the match: %d %q", matchID, reason)
		}
		// Saving again with the box ticked leaves a matched need alone.
		if _, err := e.s.UpdateMatch(ctx, staff, m.ID, m.Version, in, "补充"); err != nil {
			t.Fatal(err)
		}
		if k := count(t, d, `SELECT COUNT(*) FROM needs_history WHERE need_id = $1 AND to_status = 'matched'`, n.ID); k != 1 {
			t.Errorf("%d moves to matched, want 1", k)
		}

		// A need the machine cannot move makes the whole save fail.
		if _, err := e.s.Transition(ctx, staff, n.ID, visit.Solved, ""); err != nil {
			t.Fatal(err)
		}
		m2 := e.needOf(t, staff, e.e1, "另一需求", "2026-03-05")
		if _, err := e.s.Transition(ctx, staff, m2.ID, visit.Closed, "重复"); err != nil {
			t.Fatal(err)
		}
		before := count(t, d, `SELECT COUNT(*) FROM matchmakings`)
		in.NeedID = m2.ID
		if _, err := e.s.CreateMatch(ctx, staff, in); i18n.ErrorCode(err) != i18n.Conflict {
			t.Errorf("matching a closed need: %v, want conflict", err)
		}
		if after := count(t, d, `SELECT COUNT(*) FROM matchmakings`); after != before {
			t.Errorf("the refused matchmaking was written")
		}
		// A need of another enterprise cannot be linked; a matchmaking without a need can be.
		foreign := e.needOf(t, staff, e.e2, "别家需求", "2026-03-05")
		in.NeedID = foreign.ID
		if _, err := e.s.CreateMatch(ctx, staff, in); fields(err)["match_need"] != "visit.match.need_other" {
			t.Errorf("linking another enterprise's need: %v", err)
		}
		in.NeedID, in.MarkMatched, in.Agreement, in.AgreementOn, in.AgreementAmount = 0, false, false, day("2026-04-20"), 0
		if _, err := e.s.CreateMatch(ctx, staff, in); fields(err)["match_agreement"] == "" {
			t.Errorf("agreement date without agreement: %v", err)
		}
		in.AgreementOn = calendar.Date{}
		plain, err := e.s.CreateMatch(ctx, staff, in)
		if err != nil || plain.NeedID != 0 {
			t.Errorf("matchmaking without need: %+v %v", plain, err)
		}
		if _, err := e.s.CreateMatch(ctx, e.company, in); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("enterprise records a matchmaking: %v", err)
		}
		if list, total, _ := e.s.Matches(ctx, e.company, visit.MatchFilter{}); total != 2 || list[0].EnterpriseID != e.e1 {
			t.Errorf("enterprise sees %d matchmakings", total)
		}
		if _, total, _ := e.s.Matches(ctx, staff, visit.MatchFilter{Agreement: "1"}); total != 1 {
			t.Errorf("%d signed matchmakings, want 1", total)
		}
	})
}

func TestCounts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		// Visits: 4 in the first half of 2026 in 颍东, one in December, one in 颍州.
		for _, dt := range []string{"2026-01-08", "2026-03-05", "2026-05-28", "2026-06-30"} {
			e.visitOn(t, staff, e.e1, dt)
		}
		e.visitOn(t, staff, e.e2, "2025-12-31")
		e.visitOn(t, other, e.e3, "2026-02-05")
		// Needs: 3 collected in the half year (one later closed), one before.
		n1 := e.needOf(t, staff, e.e1, "一", "2026-01-08")
		n2 := e.needOf(t, staff, e.e1, "二", "2026-03-05")
		n3 := e.needOf(t, staff, e.e2, "三", "2026-06-01")
		n0 := e.needOf(t, staff, e.e2, "零", "2025-12-20")
		e.needOf(t, other, e.e3, "颍州", "2026-02-05")
		if _, err := e.s.Transition(ctx, staff, n3.ID, visit.Closed, "重复"); err != nil {
			t.Fatal(err)
		}
		// Forwarded: n0 in December; n1, n2 in March; n1 returned and forwarded again in May.
		e.batch(t, "2025-12", "2025-12-25", n0)
		e.batch(t, "2026-03", "2026-03-10", n1, n2)
		if _, err := e.s.Transition(ctx, staff, n1.ID, visit.Collected, "补充材料"); err != nil {
			t.Fatal(err)
		}
		e.batch(t, "2026-05", "2026-05-10", n1)
		// Matchmakings: 2 in the half year, one with an agreement signed in July.
		for _, m := range []struct {
			date, signed string
		}{{"2026-04-16", ""}, {"2026-06-18", "2026-07-02"}, {"2025-11-20", "2026-02-10"}} {
			in := visit.MatchInput{EnterpriseID: e.e1, Partner: "江南大学", Date: day(m.date), Kind: "meeting"}
			if m.signed != "" {
				in.Agreement, in.AgreementOn = true, day(m.signed)
			}
			if _, err := e.s.CreateMatch(ctx, staff, in); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			u                                             *auth.User
			visits, needs, forwarded, matches, agreements int
		}{
			{staff, 4, 3, 2, 2, 1},
			{chief, 4, 3, 2, 2, 1},
			{other, 1, 1, 0, 0, 0},
			{viewer, 5, 4, 2, 2, 1},
			{e.company, 4, 2, 2, 2, 1},
			{admin, 0, 0, 0, 0, 0},
		}
		for _, tc := range tests {
			v, n, f, m, a, err := e.s.Counts(ctx, tc.u, day("2026-01-01"), day("2026-06-30"))
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprint(v, n, f, m, a)
			if want := fmt.Sprint(tc.visits, tc.needs, tc.forwarded, tc.matches, tc.agreements); got != want {
				t.Errorf("%s: counts %s, want %s", tc.u.Username, got, want)
			}
		}
	})
}
