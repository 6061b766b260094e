// Package event keeps what the bureau organises or attends: trainings
// (培训), study sessions (学习会), S&T conferences (科技大会), study tours
// (考察学习), matchmaking days (对接会), drills (演练) and publicity
// activities (宣传活动) — one model with its date, place, organiser,
// township, the people planned and the people who came with their
// sign-in sheet, the materials handed out and the outcome.
//
// An event's domain names the line of work it belongs to: the trainings of
// the township earthquake assistants (防震减灾助理员) are events of kind
// training in domain quake, held in (or for) the assistant's township; the
// quake area reads them through app.
package event

import (
	"strings"
	"time"

	"kejiju/internal/calendar"
)

// The kinds of event; each has the label event.kind.<kind>.
const (
	Training    = "training"    // 培训
	Study       = "study"       // 学习会
	Conference  = "conference"  // 科技大会
	Tour        = "tour"        // 考察学习
	Matchmaking = "matchmaking" // 对接会
	Drill       = "drill"       // 演练
	Publicity   = "publicity"   // 宣传活动
)

// Kinds lists the kinds in display order.
var Kinds = []string{Training, Study, Conference, Tour, Matchmaking, Drill, Publicity}

// The domains (lines of work) of an event; each has the label
// event.domain.<domain>.
const (
	General = "general" // 综合
	Quake   = "quake"   // 防震减灾
)

// Domains lists the domains in display order.
var Domains = []string{General, Quake}

// QuakeKinds are the kinds an event of the quake domain may have.
var QuakeKinds = []string{Training, Drill, Publicity}

// Attendee is one line of an event's sign-in sheet.
type Attendee struct {
	Name  string `json:"name"`
	Unit  string `json:"unit,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Event is one event.
type Event struct {
	ID         int64         `json:"id"`
	Kind       string        `json:"kind"`
	Domain     string        `json:"domain"`
	Title      string        `json:"title"`
	Date       calendar.Date `json:"date"`
	Place      string        `json:"place"`
	Organiser  string        `json:"organiser"`
	RegionCode string        `json:"region_code"`
	// Planned is how many people were expected; Attended how many came
	// (at least as many as the sign-in sheet lists).
	Planned     int        `json:"planned"`
	Attended    int        `json:"attended"`
	DurationMin int        `json:"duration_min"`
	Materials   string     `json:"materials"`       // what was handed out
	MaterialsN  int        `json:"materials_count"` // how many copies
	Outcome     string     `json:"outcome"`
	Attendees   []Attendee `json:"attendees"`
	// Upcoming says the event lies after today: nobody has attended yet.
	Upcoming  bool      `json:"upcoming"`
	Version   int       `json:"version"`
	CreatedBy int64     `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// RowVersion is the version of the event's row (see db.Update).
func (e *Event) RowVersion() int { return e.Version }

// OutcomeLines returns the outcome as paragraphs, for display.
func (e *Event) OutcomeLines() []string { return lines(e.Outcome) }

// Input is what a person supplies for an event.
type Input struct {
	Kind        string        `json:"kind"`
	Domain      string        `json:"domain"`
	Title       string        `json:"title"`
	Date        calendar.Date `json:"date"`
	Place       string        `json:"place"`
	Organiser   string        `json:"organiser"`
	RegionCode  string        `json:"region_code"`
	Planned     int           `json:"planned"`
	Attended    int           `json:"attended"`
	DurationMin int           `json:"duration_min"`
	Materials   string        `json:"materials"`
	MaterialsN  int           `json:"materials_count"`
	Outcome     string        `json:"outcome"`
	Attendees   []Attendee    `json:"attendees"`
}

// SummaryRow is one line of a yearly summary: the events of one kind (or
// all of them, Kind ""), the people planned and attending, and the copies
// of material handed out.
type SummaryRow struct {
	Kind       string `json:"kind"`
	Events     int    `json:"events"`
	Planned    int    `json:"planned"`
	Attended   int    `json:"attended"`
	MaterialsN int    `json:"materials_count"`
}

// lines splits a free text into its non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
