// Package task keeps the bureau's annual targets (目标任务), whose progress
// computes itself from a query of the system, and its responsibility tasks
// (党风廉政建设任务分解表): each task with its responsible leader, section
// and person, deadline, progress reports with evidence, overdue reminders,
// a printable decomposition table and its spreadsheet.
package task

import (
	"slices"
	"strings"
	"unicode/utf8"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
)

// The metric keys a target may be bound to: each names a query the app
// provides (see Metrics). A target without a metric is kept by hand.
const (
	MetricHTERecognised  = "hte_recognised"  // 高企 applications decided 认定 in the year
	MetricHTEApplied     = "hte_applied"     // 高企 applications filed in the year (not withdrawn)
	MetricCultivated     = "cultivated"      // enterprises in the 高企 cultivation pool at any time of the year
	MetricVouchersIssued = "vouchers_issued" // innovation vouchers issued in the year
	MetricProjectsSigned = "projects_signed" // district plan project contracts signed in the year
	MetricVisits         = "visits"          // enterprise visits (企业调研) in the year
)

// MetricKeys is the whitelist of metrics, in display order.
var MetricKeys = []string{MetricHTERecognised, MetricHTEApplied, MetricCultivated, MetricVouchersIssued, MetricProjectsSigned, MetricVisits}

// ValidMetric reports whether key is "" (kept by hand) or a whitelisted metric.
func ValidMetric(key string) bool { return key == "" || slices.Contains(MetricKeys, key) }

// Progress is a target's progress: the share achieved in percent (capped
// at 100 for the bar, the value itself is not capped) and whether the
// target is met (achieved ≥ planned; "≥ 2" is met by 2).
type Progress struct {
	Percent int  `json:"percent"`
	Met     bool `json:"met"`
}

// ProgressOf computes the progress of achieved against planned. A planned
// value of 0 is met at once.
func ProgressOf(planned, achieved int64) Progress {
	if planned <= 0 {
		return Progress{Percent: 100, Met: true}
	}
	p := achieved * 100 / planned
	return Progress{Percent: int(min(max(p, 0), 100)), Met: achieved >= planned}
}

// The states of a responsibility task.
const (
	StateOpen       = "open"        // 未开始
	StateInProgress = "in_progress" // 推进中
	StateDone       = "done"        // 已完成
)

// States lists the task states in order.
var States = []string{StateOpen, StateInProgress, StateDone}

// Overdue reports whether a task is overdue on the day on: its deadline
// has passed and it is not done.
func Overdue(deadline calendar.Date, state string, on calendar.Date) bool {
	return state != StateDone && deadline.Before(on)
}

// People splits a list of names typed with any of the usual separators
// (、，, ; ；and spaces) into names, dropping empties and repeats.
func People(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == ',' || r == '，' || r == ';' || r == '；' || r == ' ' || r == '\u3000' || r == '\n' || r == '\t'
	})
	var out []string
	for _, n := range f {
		if n = strings.TrimSpace(n); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// TaskInput is a row of the decomposition table as typed.
type TaskInput struct {
	RegionCode  string `json:"region_code"`
	Year        int    `json:"year"`
	Category    string `json:"category"`
	Text        string `json:"text"`
	LeadLeader  string `json:"lead_leader"`
	Section     string `json:"section"`
	Responsible string `json:"responsible"`
	Deadline    string `json:"deadline"`
}

const maxText = 200

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// CheckTask validates a task: the task text, at least one named
// responsible person (任务分解表 "责任落实到人"), a deadline in or after
// the task's year. It returns the cleaned input, the responsible persons
// joined by 、, and the deadline.
func CheckTask(in TaskInput) (TaskInput, calendar.Date, error) {
	var p i18n.Problems
	in.Category, in.Text, in.LeadLeader, in.Section = strings.TrimSpace(in.Category), strings.TrimSpace(in.Text),
		strings.TrimSpace(in.LeadLeader), strings.TrimSpace(in.Section)
	if in.Year < 2000 || in.Year > 2100 {
		p.Add("year", "error.invalid_value")
	}
	if in.Text == "" {
		p.Add("text", "error.required")
	} else if tooLong(in.Text, 2000) {
		p.Add("text", "error.too_long", 2000)
	}
	for field, v := range map[string]string{"category": in.Category, "lead_leader": in.LeadLeader, "section": in.Section} {
		if tooLong(v, maxText) {
			p.Add(field, "error.too_long", maxText)
		}
	}
	people := People(in.Responsible)
	switch {
	case len(people) == 0:
		p.Add("responsible", "task.responsible_required")
	case tooLong(strings.Join(people, "、"), maxText):
		p.Add("responsible", "error.too_long", maxText)
	}
	in.Responsible = strings.Join(people, "、")
	var deadline calendar.Date
	if v := strings.TrimSpace(in.Deadline); v == "" {
		p.Add("deadline", "error.required")
	} else if d, err := calendar.Parse(v); err != nil {
		p.Add("deadline", "error.invalid_date")
	} else if d.Year < in.Year {
		p.Add("deadline", "task.deadline_before_year", in.Year)
	} else {
		deadline = d
	}
	slices.SortStableFunc(p, func(a, b *i18n.Error) int { return strings.Compare(a.Field, b.Field) })
	return in, deadline, p.Err()
}
