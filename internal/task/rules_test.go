package task

import (
	"slices"
	"testing"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
)

func TestProgressOf(t *testing.T) {
	tests := []struct {
		planned, achieved int64
		want              Progress
	}{
		{2, 0, Progress{0, false}},
		{2, 1, Progress{50, false}},
		{2, 2, Progress{100, true}}, // "≥ 2" is met by 2
		{2, 3, Progress{100, true}},
		{10, 7, Progress{70, false}},
		{3, 1, Progress{33, false}},
		{0, 0, Progress{100, true}},
	}
	for _, tc := range tests {
		if got := ProgressOf(tc.planned, tc.achieved); got != tc.want {
			t.Errorf("ProgressOf(%d, %d) = %+v, want %+v", tc.planned, tc.achieved, got, tc.want)
		}
	}
}

func TestOverdue(t *testing.T) {
	d := calendar.MustParse
	tests := []struct {
		deadline, state, on string
		want                bool
	}{
		{"2026-06-30", StateOpen, "2026-07-01", true},        // past its deadline, not done
		{"2026-06-30", StateInProgress, "2026-07-01", true},  // reported on but not done
		{"2026-06-30", StateDone, "2026-07-01", false},       // done
		{"2026-06-30", StateOpen, "2026-06-30", false},       // the deadline day itself
		{"2026-06-30", StateInProgress, "2026-05-01", false}, // not yet
	}
	for _, tc := range tests {
		if got := Overdue(d(tc.deadline), tc.state, d(tc.on)); got != tc.want {
			t.Errorf("deadline %s, %s, on %s: overdue %v, want %v", tc.deadline, tc.state, tc.on, got, tc.want)
		}
	}
}

func TestCheckTask(t *testing.T) {
	good := TaskInput{Year: 2026, Category: "主体责任", Text: "制订年度党风廉政建设任务分解表", LeadLeader: "康康", Section: "办公室",
		Responsible: "齐敏、 张三,张三；李四", Deadline: "2026-03-31"}
	in, deadline, err := CheckTask(good)
	if err != nil {
		t.Fatal(err)
	}
	if in.Responsible != "齐敏、张三、李四" || deadline != calendar.MustParse("2026-03-31") {
		t.Errorf("cleaned %q, deadline %v", in.Responsible, deadline)
	}
	tests := []struct {
		name   string
		change func(in *TaskInput)
		fields []string
	}{
		{"no responsible person", func(in *TaskInput) { in.Responsible = "" }, []string{"responsible"}},
		{"only separators", func(in *TaskInput) { in.Responsible = " 、，; " }, []string{"responsible"}},
		{"no text, no deadline", func(in *TaskInput) { in.Text, in.Deadline = " ", "" }, []string{"deadline", "text"}},
		{"a deadline before the year", func(in *TaskInput) { in.Deadline = "2025-12-31" }, []string{"deadline"}},
		{"a bad date", func(in *TaskInput) { in.Deadline = "2026-02-30" }, []string{"deadline"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := good
			tc.change(&in)
			_, _, err := CheckTask(in)
			p, _ := err.(i18n.Problems)
			var got []string
			for _, e := range p {
				got = append(got, e.Field)
			}
			if !slices.Equal(got, tc.fields) {
				t.Errorf("fields %v, want %v (%v)", got, tc.fields, err)
			}
			if f := p.Field("responsible"); f != nil && f.Key != "task.responsible_required" {
				t.Errorf("responsible: key %s", f.Key)
			}
		})
	}
}
