package visit

import (
	"slices"
	"strings"
	"testing"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
)

func TestDayWarning(t *testing.T) {
	tests := []struct {
		day  string
		want string
	}{
		{"2024-05-09", ""},              // a Thursday
		{"2024-05-08", WarnNotThursday}, // Wednesday: NOT_THURSDAY (domain rules §12)
		{"2024-05-12", WarnNotThursday}, // Sunday; that week's Thursday was a working day
		{"2025-12-31", WarnHolidayWeek}, // Wednesday before 元旦 on Thursday 2026-01-01
		{"2026-01-04", WarnHolidayWeek}, // the Sunday of the same week
		{"2025-09-29", WarnHolidayWeek}, // Monday; Thursday 2025-10-02 is 国庆节
		{"2026-01-08", ""},              // the next Thursday
		{"2026-03-04", WarnNotThursday}, // an ordinary Wednesday
		{"", ""},                        // no date, no warning
	}
	for _, tc := range tests {
		var d calendar.Date
		if tc.day != "" {
			d = calendar.MustParse(tc.day)
		}
		if got := DayWarning(d, nil); got != tc.want {
			t.Errorf("DayWarning(%s) = %q, want %q", tc.day, got, tc.want)
		}
	}
}

func need(status string, forwarded bool) *Need {
	n := &Need{Status: status, Title: "测试需求"}
	if forwarded {
		n.ForwardedOn = calendar.MustParse("2026-03-05")
	}
	return n
}

func TestCheckTransition(t *testing.T) {
	tests := []struct {
		name       string
		n          *Need
		to, reason string
		enterprise bool
		batch      bool
		want       i18n.Code // "" for allowed
		key        string
	}{
		{"forward by batch", need(Collected, false), Forwarded, "", false, true, "", ""},
		{"forward alone", need(Collected, false), Forwarded, "", false, false, i18n.Conflict, "visit.need.forward.batch_only"},
		{"batch on a forwarded need", need(Forwarded, true), Forwarded, "", false, true, i18n.Conflict, "visit.batch.not_collected"},
		{"match directly", need(Collected, false), Matched, "", false, false, "", ""},
		{"close without reason", need(Collected, false), Closed, " ", false, false, i18n.Invalid, "visit.need.reason_required"},
		{"close", need(Collected, false), Closed, "企业已自行解决", false, false, "", ""},
		{"enterprise withdraws", need(Collected, false), Closed, "不再需要", true, false, "", ""},
		{"enterprise matches", need(Collected, false), Matched, "", true, false, i18n.Forbidden, "error.forbidden"},
		{"city returns", need(Forwarded, true), Collected, "请补充材料", false, false, "", ""},
		{"matched falls back to forwarded", need(Matched, true), Forwarded, "对接未成", false, false, "", ""},
		{"matched falls back to collected", need(Matched, false), Collected, "对接未成", false, false, "", ""},
		{"never forwarded cannot fall back to forwarded", need(Matched, false), Forwarded, "对接未成", false, false, i18n.Conflict, "visit.need.illegal.matched"},
		{"forwarded cannot fall back to collected by fall-through", need(Matched, true), Collected, "对接未成", false, false, i18n.Conflict, "visit.need.illegal.matched"},
		{"solve", need(Matched, true), Solved, "", false, false, "", ""},
		{"solve unmatched", need(Collected, false), Solved, "", false, false, i18n.Conflict, "visit.need.illegal.collected"},
		{"solved is final", need(Solved, true), Collected, "重新办理", false, false, i18n.Conflict, "visit.need.illegal.solved"},
		{"reopen", need(Closed, false), Collected, "企业重新提出", false, false, "", ""},
		{"closed to matched", need(Closed, false), Matched, "", false, false, i18n.Conflict, "visit.need.illegal.closed"},
		{"same status", need(Forwarded, true), Forwarded, "", false, false, i18n.Conflict, "visit.need.illegal.forwarded"},
		{"unknown status", need(Collected, false), "done", "", false, false, i18n.Invalid, "visit.need.status.unknown"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CheckTransition(tc.n, tc.to, tc.reason, tc.enterprise, tc.batch)
			if got := i18n.ErrorCode(err); got != tc.want {
				t.Fatalf("got %v (%v), want %q", got, err, tc.want)
			}
			if e, ok := err.(*i18n.Error); ok && e.Key != tc.key {
				t.Errorf("key %q, want %q", e.Key, tc.key)
			}
		})
	}
}

// TestTransitionsAreWellFormed checks the machine's data: known statuses,
// a message for each action and each status it can be refused from, no
// two transitions that could both apply, and no step out of solved.
func TestTransitionsAreWellFormed(t *testing.T) {
	cat := i18n.Default()
	for _, s := range Statuses {
		for _, key := range []string{"visit.need.status." + s, "visit.need.illegal." + s} {
			if !cat.Has(key) {
				t.Errorf("no message %s", key)
			}
		}
	}
	for i, a := range Transitions {
		if !slices.Contains(Statuses, a.From) || !slices.Contains(Statuses, a.To) || a.From == a.To {
			t.Errorf("transition %d: %s → %s", i, a.From, a.To)
		}
		if !cat.Has(a.Key) {
			t.Errorf("transition %s → %s: no message %s", a.From, a.To, a.Key)
		}
		if a.From == Solved {
			t.Errorf("a transition leaves solved: → %s", a.To)
		}
		if a.To == Collected || a.To == Closed {
			if !a.Reason {
				t.Errorf("%s → %s needs no reason; every step back and every closing should", a.From, a.To)
			}
		}
		for _, b := range Transitions[i+1:] {
			if a.From == b.From && a.To == b.To && (a.Guard == nil || b.Guard == nil) {
				t.Errorf("two transitions %s → %s without guards to tell them apart", a.From, a.To)
			}
		}
	}
}

func TestActions(t *testing.T) {
	names := func(ts []Transition) string {
		var s []string
		for _, t := range ts {
			s = append(s, t.To)
		}
		return strings.Join(s, ",")
	}
	tests := []struct {
		n          *Need
		enterprise bool
		want       string
	}{
		{need(Collected, false), false, "matched,closed"}, // forwarding is the batch's
		{need(Collected, false), true, "closed"},
		{need(Forwarded, true), true, ""},
		{need(Forwarded, true), false, "matched,collected,closed"},
		{need(Matched, true), false, "solved,forwarded,closed"},
		{need(Matched, false), false, "solved,collected,closed"},
		{need(Solved, true), false, ""},
		{need(Closed, false), false, "collected"},
	}
	for _, tc := range tests {
		if got := names(Actions(tc.n, tc.enterprise)); got != tc.want {
			t.Errorf("Actions(%s, forwarded %v, enterprise %v) = %s, want %s", tc.n.Status, !tc.n.ForwardedOn.IsZero(), tc.enterprise, got, tc.want)
		}
	}
}

func TestCatalogHasDataKeys(t *testing.T) {
	cat := i18n.Default()
	var keys []string
	for _, c := range Categories {
		keys = append(keys, "visit.category."+c)
	}
	for _, k := range MatchKinds {
		keys = append(keys, "visit.match.kind."+k)
	}
	for _, s := range []string{SourceVisit, SourceSelf, SourceStaff} {
		keys = append(keys, "visit.need.source."+s)
	}
	keys = append(keys, WarnNotThursday, WarnHolidayWeek)
	for _, lang := range i18n.Languages {
		p := cat.Printer(lang)
		for _, k := range keys {
			if p.T(k) == k {
				t.Errorf("%s: no message %s", lang, k)
			}
		}
	}
	if got := cat.Printer(i18n.Chinese).T("visit.category.process"); got != "工艺改进" {
		t.Errorf("category label %q", got)
	}
}

func TestSplitNames(t *testing.T) {
	tests := map[string][]string{
		"张三、李四，王五":            {"张三", "李四", "王五"},
		" 市科技局孙科长 , 张三 ; 张三 ": {"市科技局孙科长", "张三"},
		"":   nil,
		"、、": nil,
	}
	for in, want := range tests {
		if got := SplitNames(in); !slices.Equal(got, want) {
			t.Errorf("SplitNames(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckInputs(t *testing.T) {
	today := calendar.MustParse("2026-03-10")
	fields := func(p i18n.Problems) []string {
		var out []string
		for _, e := range p {
			out = append(out, e.Field)
		}
		slices.Sort(out)
		return out
	}
	_, p := checkVisit(VisitInput{Date: calendar.MustParse("2026-03-11"), Topics: strings.Repeat("调", 201)}, today)
	if got := fields(p); !slices.Equal(got, []string{"enterprise_id", "visit_date", "visit_topics"}) {
		t.Errorf("visit problems %v", got)
	}
	_, p = checkNeed(NeedInput{Category: "ai", ContactPhone: "12345", Budget: -1}, today)
	if got := fields(p); !slices.Equal(got, []string{"contact_phone", "need_budget", "need_category", "need_description", "need_title"}) {
		t.Errorf("need problems %v", got)
	}
	in, p := checkNeed(NeedInput{Category: "process", Title: "工艺", Description: "描述", ContactPhone: "０５５８－２２１２３４５"}, today)
	if len(p) != 0 || in.ContactPhone != "0558-2212345" {
		t.Errorf("full-width phone: %q %v", in.ContactPhone, p)
	}
	_, p = checkMatch(MatchInput{EnterpriseID: 1, Partner: "江南大学", Date: today, Kind: "meeting", AgreementAmount: 100}, today)
	if got := fields(p); !slices.Equal(got, []string{"match_agreement"}) {
		t.Errorf("amount without agreement: %v", got)
	}
	_, p = checkMatch(MatchInput{EnterpriseID: 1, Partner: "江南大学", Date: today, Kind: "party", Agreement: true, MarkMatched: true}, today)
	if got := fields(p); !slices.Equal(got, []string{"match_agreement_on", "match_kind", "match_mark_matched"}) {
		t.Errorf("match problems %v", got)
	}
	_, p = checkBatch(BatchInput{NeedIDs: []int64{0, -1}}, today)
	if got := fields(p); !slices.Equal(got, []string{"batch_needs", "batch_number", "batch_sent_on"}) {
		t.Errorf("batch problems %v", got)
	}
	if got := BatchNumber(calendar.MustParse("2026-03-31")); got != "2026-03" {
		t.Errorf("BatchNumber %q", got)
	}
}
