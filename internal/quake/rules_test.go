package quake

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/calendar"
)

var today = calendar.MustParse("2026-11-28")

func TestCheckDrill(t *testing.T) {
	good := func() DrillInput {
		return DrillInput{RegionCode: "341203200", Site: "冉庙乡中心学校", Date: calendar.MustParse("2026-05-12"), Participants: 620, DurationMin: 30}
	}
	tests := []struct {
		name string
		edit func(*DrillInput)
		want map[string]string
	}{
		{"good", func(*DrillInput) {}, map[string]string{}},
		{"negative participants", func(in *DrillInput) { in.Participants = -5 }, map[string]string{"drill_participants": "quake.drill.participants"}},
		{"nobody took part", func(in *DrillInput) { in.Participants = 0 }, map[string]string{"drill_participants": "quake.drill.participants"}},
		{"negative duration and evacuation", func(in *DrillInput) { in.DurationMin = -1; in.EvacuationSec = -1 },
			map[string]string{"drill_duration": "quake.count.negative", "drill_evacuation": "quake.count.negative"}},
		{"evacuation longer than the drill", func(in *DrillInput) { in.EvacuationSec = 31 * 60 }, map[string]string{"drill_evacuation": "quake.drill.evacuation_longer"}},
		{"no site, no date, no township", func(in *DrillInput) { in.Site = " "; in.Date = calendar.Date{}; in.RegionCode = "" },
			map[string]string{"drill_site": "error.required", "drill_date": "error.required", "drill_region": "error.required"}},
		{"unknown site kind and rating", func(in *DrillInput) { in.SiteKind = "park"; in.Rating = "superb" },
			map[string]string{"drill_site_kind": "error.invalid_value", "drill_rating": "error.invalid_value"}},
		{"planned drill", func(in *DrillInput) { in.Date = calendar.MustParse("2027-05-12") }, map[string]string{}},
		{"planned drill evaluated", func(in *DrillInput) { in.Date = calendar.MustParse("2027-05-12"); in.Rating = "good" },
			map[string]string{"drill_rating": "quake.drill.planned_evaluated"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := good()
			tc.edit(&in)
			out, p := CheckDrill(in, today)
			got := map[string]string{}
			for _, e := range p {
				got[e.Field] = e.Key
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if in.SiteKind == "" && out.SiteKind != "school" {
				t.Errorf("site kind defaults to %q", out.SiteKind)
			}
		})
	}
}

func TestCheckAssistantAndSuccession(t *testing.T) {
	in, p := CheckAssistant(AssistantInput{RegionCode: "341203200", Name: " 李明 ", Phone: "138 0000 0002", AppointedOn: calendar.MustParse("2026-03-01")}, today)
	if len(p) != 0 || in.Name != "李明" || in.Phone != "13800000002" {
		t.Fatalf("good assistant: %+v %v", in, p)
	}
	_, p = CheckAssistant(AssistantInput{RegionCode: "341203200", Name: "李明", Phone: "110", AppointedOn: calendar.MustParse("2027-01-01")}, today)
	got := map[string]string{}
	for _, e := range p {
		got[e.Field] = e.Key
	}
	want := map[string]string{"assistant_phone": "quake.phone.format", "assistant_appointed_on": "quake.date.future"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bad assistant (-want +got):\n%s", diff)
	}
	cur := &Assistant{AppointedOn: calendar.MustParse("2024-06-01")}
	for _, tc := range []struct {
		end    string
		reason string
		want   map[string]string
	}{
		{"2026-03-01", "乡镇领导班子调整", map[string]string{}},
		{"2024-06-01", "当日更换", map[string]string{}},
		{"2024-05-31", "乡镇领导班子调整", map[string]string{"assistant_appointed_on": "quake.assistant.before_term"}},
		{"2026-03-01", " ", map[string]string{"reason": "quake.assistant.reason_required"}},
		{"2026-12-01", "调动", map[string]string{"assistant_appointed_on": "quake.date.future"}},
	} {
		got := map[string]string{}
		for _, e := range CheckSuccession(cur, calendar.MustParse(tc.end), tc.reason, today) {
			got[e.Field] = e.Key
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("end on %s (%q) (-want +got):\n%s", tc.end, tc.reason, diff)
		}
	}
}

func TestCheckPublicity(t *testing.T) {
	_, p := CheckPublicity(PublicityInput{RegionCode: "341203200", Recipient: "梧樟小学", Materials: "防震减灾知识手册", Quantity: 0,
		DistributedOn: calendar.MustParse("2026-05-12")}, today)
	if len(p) != 1 || p[0].Field != "publicity_quantity" || p[0].Key != "quake.publicity.quantity" {
		t.Errorf("zero copies: %v", p)
	}
	_, p = CheckPublicity(PublicityInput{RegionCode: "341203200", Recipient: "梧樟小学", Materials: "挂图", Quantity: 40,
		DistributedOn: calendar.MustParse("2026-05-12")}, today)
	if len(p) != 0 {
		t.Errorf("good distribution: %v", p)
	}
}

func TestSummarise(t *testing.T) {
	towns := []Town{{Code: "341203", Name: "颍东区", District: true}, {Code: "341203101", Name: "插花镇"}, {Code: "341203200", Name: "冉庙乡"}}
	drills := []Drill{
		{RegionCode: "341203200", Participants: 600},
		{RegionCode: "341203200", Participants: 450},
		{RegionCode: "341203200", Participants: 500, Planned: true},
		{RegionCode: "341203101", Participants: 300},
		{RegionCode: "341202100", Participants: 999}, // under no town
	}
	trainings := []Training{{RegionCode: "341203200", Attended: 25}, {RegionCode: "341203", Attended: 40}}
	pubs := []Publicity{{RegionCode: "341203101", Quantity: 200}, {RegionCode: "341203101", Quantity: 50}}
	got := Summarise(towns, map[string]string{"341203200": "李明"}, drills, trainings, pubs)
	want := []SummaryRow{
		{RegionCode: "341203", Name: "颍东区", District: true, Trainings: 1, Trained: 40},
		{RegionCode: "341203101", Name: "插花镇", Drills: 1, Participants: 300, Recipients: 2, Materials: 250},
		{RegionCode: "341203200", Name: "冉庙乡", Assistant: "李明", Drills: 2, Participants: 1050, Trainings: 1, Trained: 25},
		{Drills: 3, Participants: 1350, Trainings: 2, Trained: 65, Recipients: 2, Materials: 250},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	quiet := Summarise(towns, nil, nil, nil, nil)
	if len(quiet) != 3 || quiet[0].RegionCode != "341203101" {
		t.Errorf("a quiet year still lists every township, the district row left out: %+v", quiet)
	}
}
