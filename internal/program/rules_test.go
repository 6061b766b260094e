package program_test

import (
	"testing"
	"time"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/money"
	"kejiju/internal/program"
)

func TestCheckPlan(t *testing.T) {
	tests := []struct {
		name string
		plan []int64
		ok   bool
	}{
		{"60/40", []int64{6000, 4000}, true},
		{"30/30/40", []int64{3000, 3000, 4000}, true},
		{"60/35", []int64{6000, 3500}, false},
		{"60/45", []int64{6000, 4500}, false},
		{"empty", nil, false},
		{"zero share", []int64{10000, 0}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := program.CheckPlan(tc.plan)
			if (err == nil) != tc.ok {
				t.Errorf("got %v, want ok=%v", err, tc.ok)
			}
			if err != nil && fields(err)["installment_plan"] == "" {
				t.Errorf("error does not name the plan: %v", err)
			}
		})
	}
}

func TestInstallments(t *testing.T) {
	got, err := program.Installments(40_0000_00, []int64{6000, 4000})
	if err != nil || got[0].Amount != 24_000_000 || got[1].Amount != 16_000_000 || got[0].Due != program.DueSigning || got[1].Due != program.DueAcceptance {
		t.Fatalf("got %+v %v", got, err)
	}
	got, err = program.Installments(100, []int64{3333, 3333, 3334})
	if err != nil || got[0].Amount+got[1].Amount+got[2].Amount != money.Fen(100) || got[1].Due != program.DueMidterm {
		t.Errorf("thirds: %+v %v", got, err)
	}
}

func TestParsePlan(t *testing.T) {
	for in, want := range map[string][]int64{"60/40": {6000, 4000}, "60%，40%": {6000, 4000}, "33.5/66.5": {3350, 6650}} {
		got, err := program.ParsePlan(in)
		if err != nil || len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("ParsePlan(%q) = %v %v, want %v", in, got, err, want)
		}
	}
	if _, err := program.ParsePlan("60/abc"); err == nil {
		t.Error("ParsePlan accepts 60/abc")
	}
	if got := program.PlanText([]int64{6000, 3350, 650}); got != "60/33.5/6.5" {
		t.Errorf("PlanText %q", got)
	}
}

func TestAddMonths(t *testing.T) {
	for _, tc := range []struct{ from, want string }{
		{"2027-10-20", "2028-01-20"},
		{"2026-11-30", "2027-02-28"},
		{"2027-11-30", "2028-02-29"},
		{"2026-12-31", "2027-03-31"},
	} {
		if got := program.AddMonths(calendar.MustParse(tc.from), 3); got != calendar.MustParse(tc.want) {
			t.Errorf("AddMonths(%s, 3) = %s, want %s", tc.from, got, tc.want)
		}
	}
	if got := program.AddMonths(calendar.MustParse("2026-02-15"), -3); got != calendar.MustParse("2025-11-15") {
		t.Errorf("AddMonths back: %s", got)
	}
}

// TestExtensionRules follows domain rules §5: contract end 2024-12-31.
func TestExtensionRules(t *testing.T) {
	end := calendar.MustParse("2024-12-31")
	if err := program.ExtensionEarly(calendar.MustParse("2024-10-15"), end); fields(err)["extension_until"] != "program.extension.late" {
		t.Errorf("request on 2024-10-15: %v", err)
	}
	if err := program.ExtensionEarly(calendar.MustParse("2024-09-30"), end); err != nil {
		t.Errorf("request on 2024-09-30: %v", err)
	}
	if err := program.ExtensionLength(end, calendar.MustParse("2026-01-31")); fields(err)["extension_until"] != "program.extension.too_long" {
		t.Errorf("13 months: %v", err)
	}
	if err := program.ExtensionLength(end, calendar.MustParse("2025-12-31")); err != nil {
		t.Errorf("12 months: %v", err)
	}
	if err := program.ExtensionOnce(1); err == nil {
		t.Error("second extension allowed")
	}
}

func TestWindowAndEligibility(t *testing.T) {
	open := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	c := &program.Call{RegionCode: "341203", Status: program.CallOpen, OpensAt: open, ClosesAt: open.Add(48 * time.Hour), GraceMinutes: 30,
		Eligibility: []string{program.CondInDistrict, program.CondHTEValid, program.CondNotBlacklisted}}
	for _, tc := range []struct {
		at time.Time
		ok bool
	}{{open.Add(-time.Minute), false}, {open, true}, {c.ClosesAt.Add(30 * time.Minute), true}, {c.ClosesAt.Add(31 * time.Minute), false}} {
		if err := program.WithinWindow(c, tc.at); (err == nil) != tc.ok {
			t.Errorf("window at %s: %v", tc.at, err)
		}
	}
	if err := program.Eligible(c, program.Facts{RegionCode: "341203200", HTEValid: true}); err != nil {
		t.Errorf("eligible: %v", err)
	}
	err := program.Eligible(c, program.Facts{RegionCode: "341202", Blacklisted: true})
	p, _ := err.(i18n.Problems)
	if len(p) != 3 {
		t.Errorf("three unmet conditions: %v", err)
	}
}

func TestCheckAnswers(t *testing.T) {
	f := districtForm()
	good := goodAnswers(0)
	if err := program.CheckAnswers(f, good, goodAttachments()); err != nil {
		t.Fatalf("good answers: %v", err)
	}
	for _, tc := range []struct {
		name  string
		edit  func(map[string]string)
		field string
	}{
		{"missing name", func(a map[string]string) { delete(a, "project_name") }, "project_name"},
		{"bad money", func(a map[string]string) { a["total_cost"] = "很多" }, "total_cost"},
		{"bad date", func(a map[string]string) { a["start_on"] = "2026-02-30" }, "start_on"},
		{"bad choice", func(a map[string]string) { a["tech_field"] = "农业" }, "tech_field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := goodAnswers(0)
			tc.edit(a)
			if err := program.CheckAnswers(f, a, goodAttachments()); fields(err)[tc.field] == "" {
				t.Errorf("got %v, want an error on %s", err, tc.field)
			}
		})
	}
	if err := program.CheckAnswers(f, good, map[string][]string{"license": {"a.pdf"}}); fields(err)["attachment_budget_sheet"] != "program.attachment.required" {
		t.Errorf("missing attachment: %v", err)
	}
	if _, err := program.CheckCall(program.CallInput{Type: "x", Year: 1, Plan: []int64{6000, 3500},
		Form: program.Form{Fields: []program.Field{{Key: "Bad Key", Label: "x", Type: "text"}}}}); len(fields(err)) < 5 {
		t.Errorf("bad call: %v", fields(err))
	}
}
