package event

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/calendar"
)

func TestCheck(t *testing.T) {
	today := calendar.MustParse("2026-11-28")
	good := func() Input {
		return Input{Kind: Training, Title: "防震减灾知识培训", Date: calendar.MustParse("2026-05-12"), RegionCode: "341203200", Planned: 30}
	}
	tests := []struct {
		name     string
		edit     func(*Input)
		problems map[string]string // field → key
		attended int
	}{
		{"good, nobody listed", func(*Input) {}, nil, 0},
		{"sheet gives the number", func(in *Input) {
			in.Attendees = []Attendee{{Name: "张三", Unit: "冉庙乡政府"}, {Name: "李四", Phone: "13800000001"}, {}}
		}, nil, 2},
		{"number above the sheet", func(in *Input) { in.Attended = 25; in.Attendees = []Attendee{{Name: "张三"}} }, nil, 25},
		{"number below the sheet", func(in *Input) { in.Attended = 1; in.Attendees = []Attendee{{Name: "张三"}, {Name: "李四"}} },
			map[string]string{"event_attended": "event.attended.below_sheet"}, 1},
		{"attendance of an event to come", func(in *Input) { in.Date = calendar.MustParse("2026-12-10"); in.Attended = 3 },
			map[string]string{"event_attended": "event.attended.upcoming"}, 3},
		{"an event to come, planned only", func(in *Input) { in.Date = calendar.MustParse("2026-12-10") }, nil, 0},
		{"negative counts", func(in *Input) { in.Planned = -1; in.MaterialsN = -5; in.DurationMin = -30 },
			map[string]string{"event_planned": "event.count.negative", "event_materials_count": "event.count.negative", "event_duration": "event.count.negative"}, 0},
		{"nothing", func(in *Input) { *in = Input{} },
			map[string]string{"event_kind": "error.required", "event_title": "error.required", "event_date": "error.required", "event_region": "error.required"}, 0},
		{"unknown kind", func(in *Input) { in.Kind = "party" }, map[string]string{"event_kind": "error.invalid_value"}, 0},
		{"a quake conference", func(in *Input) { in.Kind = Conference; in.Domain = Quake }, map[string]string{"event_kind": "event.kind.not_quake"}, 0},
		{"unknown domain", func(in *Input) { in.Domain = "sports" }, map[string]string{"event_domain": "error.invalid_value"}, 0},
		{"attendee without a name", func(in *Input) { in.Attendees = []Attendee{{Unit: "插花镇"}} },
			map[string]string{"event_attendees": "event.attendee.no_name"}, 0},
		{"attendee with a bad phone", func(in *Input) { in.Attendees = []Attendee{{Name: "王五", Phone: "12345"}} },
			map[string]string{"event_attendees": "event.attendee.phone"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := good()
			tc.edit(&in)
			out, p := Check(in, today)
			got := map[string]string{}
			for _, e := range p {
				got[e.Field] = e.Key
			}
			if tc.problems == nil {
				tc.problems = map[string]string{}
			}
			if diff := cmp.Diff(tc.problems, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if len(p) == 0 && out.Attended != tc.attended {
				t.Errorf("attended %d, want %d", out.Attended, tc.attended)
			}
			if in.Domain == "" && out.Domain != General {
				t.Errorf("domain defaults to %q", out.Domain)
			}
		})
	}
}

func TestParseAttendees(t *testing.T) {
	got, p := ParseAttendees("张三，冉庙乡政府，138 0000 0001\n\n李四\t插花镇中心学校\r\n王五|老庙镇\n赵六,甲,乙,丙", "event_attendees")
	want := []Attendee{{"张三", "冉庙乡政府", "13800000001"}, {"李四", "插花镇中心学校", ""}, {"王五", "老庙镇", ""}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("attendees (-want +got):\n%s", diff)
	}
	if len(p) != 1 || p[0].Key != "event.attendee.line" || p[0].Args[0] != 5 {
		t.Errorf("problems %v, want one on line 5", p)
	}
	back, _ := ParseAttendees(FormatAttendees(want), "x")
	if diff := cmp.Diff(want, back); diff != "" {
		t.Errorf("format and parse again (-want +got):\n%s", diff)
	}
}

func TestSummarise(t *testing.T) {
	got := Summarise(map[string]SummaryRow{
		Publicity: {Events: 2, Planned: 0, Attended: 300, MaterialsN: 1500},
		Training:  {Events: 3, Planned: 90, Attended: 84, MaterialsN: 90},
		Tour:      {Events: 0},
	})
	want := []SummaryRow{
		{Kind: Training, Events: 3, Planned: 90, Attended: 84, MaterialsN: 90},
		{Kind: Publicity, Events: 2, Attended: 300, MaterialsN: 1500},
		{Events: 5, Planned: 90, Attended: 384, MaterialsN: 1590},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if got := Summarise(nil); len(got) != 1 || got[0] != (SummaryRow{}) {
		t.Errorf("empty summary %v", got)
	}
}

func TestYearRange(t *testing.T) {
	from, to := YearRange(2028)
	if from.String() != "2028-01-01" || to.String() != "2028-12-31" {
		t.Errorf("2028: %s – %s", from, to)
	}
}
