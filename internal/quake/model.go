// Package quake keeps the bureau's earthquake disaster prevention work
// (防震减灾): the registry of township assistants (防震减灾助理员; one per
// township or sub-district, with the history of who held it and a
// re-registration when the holder changes), evacuation drills
// (应急疏散演练) at schools and elsewhere, and the publicity week's
// distribution of materials (防震减灾宣传周 宣传材料发放). The trainings of
// the assistants are events (package event) of kind training in the quake
// domain, read through the Trainings interface wired in app.
package quake

import (
	"context"
	"time"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
)

// Assistant is one term of a township's earthquake assistant. The current
// one has no EndedOn; an ended one names why and, when replaced, its
// successor.
type Assistant struct {
	ID          int64         `json:"id"`
	RegionCode  string        `json:"region_code"`
	Name        string        `json:"name"`
	Phone       string        `json:"phone"`
	Employer    string        `json:"employer"`
	Position    string        `json:"position"`
	AppointedOn calendar.Date `json:"appointed_on"`
	EndedOn     calendar.Date `json:"ended_on,omitzero"`
	EndReason   string        `json:"end_reason,omitempty"`
	SuccessorID int64         `json:"successor_id,omitempty"`
	Note        string        `json:"note,omitempty"`
	CreatedBy   int64         `json:"created_by,omitempty"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
}

// Current reports whether the assistant still holds the post.
func (a *Assistant) Current() bool { return a.EndedOn.IsZero() }

// AssistantInput is what a person supplies to register an assistant.
type AssistantInput struct {
	RegionCode  string        `json:"region_code"`
	Name        string        `json:"name"`
	Phone       string        `json:"phone"`
	Employer    string        `json:"employer"`
	Position    string        `json:"position"`
	AppointedOn calendar.Date `json:"appointed_on"`
	Note        string        `json:"note"`
}

// The kinds of drill site; each has the label quake.site.<kind>.
var SiteKinds = []string{"school", "community", "enterprise", "other"}

// Ratings are the grades of a drill's evaluation (演练评估), best first;
// each has the label quake.rating.<rating>.
var Ratings = []string{"excellent", "good", "fair", "poor"}

// Drill is one evacuation drill.
type Drill struct {
	ID            int64         `json:"id"`
	RegionCode    string        `json:"region_code"`
	SiteKind      string        `json:"site_kind"`
	Site          string        `json:"site"` // the school's (or other site's) name
	Date          calendar.Date `json:"date"`
	Scenario      string        `json:"scenario"`
	Participants  int           `json:"participants"`   // 参演人数
	DurationMin   int           `json:"duration_min"`   // 演练时长
	EvacuationSec int           `json:"evacuation_sec"` // time to clear the building; 0 when not measured
	Rating        string        `json:"rating"`
	Evaluation    string        `json:"evaluation"` // 演练评估
	// Planned says the drill lies after today: its numbers are the plan's.
	Planned   bool      `json:"planned"`
	Version   int       `json:"version"`
	CreatedBy int64     `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// RowVersion is the version of the drill's row (see db.Update).
func (d *Drill) RowVersion() int { return d.Version }

// DrillInput is what a person supplies for a drill.
type DrillInput struct {
	RegionCode    string        `json:"region_code"`
	SiteKind      string        `json:"site_kind"`
	Site          string        `json:"site"`
	Date          calendar.Date `json:"date"`
	Scenario      string        `json:"scenario"`
	Participants  int           `json:"participants"`
	DurationMin   int           `json:"duration_min"`
	EvacuationSec int           `json:"evacuation_sec"`
	Rating        string        `json:"rating"`
	Evaluation    string        `json:"evaluation"`
}

// Publicity is one distribution of materials in the publicity week: which
// school or unit received which materials, how many.
type Publicity struct {
	ID            int64         `json:"id"`
	RegionCode    string        `json:"region_code"`
	Recipient     string        `json:"recipient"`
	Materials     string        `json:"materials"`
	Quantity      int           `json:"quantity"`
	DistributedOn calendar.Date `json:"distributed_on"`
	Activity      string        `json:"activity"`
	CreatedBy     int64         `json:"created_by,omitempty"`
	CreatedAt     time.Time     `json:"created_at"`
}

// PublicityInput is what a person supplies for a distribution.
type PublicityInput struct {
	RegionCode    string        `json:"region_code"`
	Recipient     string        `json:"recipient"`
	Materials     string        `json:"materials"`
	Quantity      int           `json:"quantity"`
	DistributedOn calendar.Date `json:"distributed_on"`
	Activity      string        `json:"activity"`
}

// Training is a training of the quake domain, as the events area reports
// it.
type Training struct {
	ID         int64         `json:"id"`
	Date       calendar.Date `json:"date"`
	Title      string        `json:"title"`
	RegionCode string        `json:"region_code"`
	Attended   int           `json:"attended"`
}

// Trainings finds the quake trainings in a user's scope; the events area
// provides it (wired in app).
type Trainings interface {
	// QuakeTrainings returns the trainings of year (all years when 0)
	// under region ("" for the whole scope), by date.
	QuakeTrainings(ctx context.Context, u *auth.User, year int, region string) ([]Training, error)
}

// SummaryRow is one township's line of the yearly summary (the total has
// RegionCode ""): its current assistant, drills and their participants,
// trainings and the people trained, and the materials handed out.
type SummaryRow struct {
	RegionCode   string `json:"region_code"`
	Name         string `json:"name"`
	District     bool   `json:"district,omitempty"` // a row for what was held for the whole district
	Assistant    string `json:"assistant"`
	Drills       int    `json:"drills"`
	Participants int    `json:"participants"`
	Trainings    int    `json:"trainings"`
	Trained      int    `json:"trained"`
	Recipients   int    `json:"recipients"`
	Materials    int    `json:"materials"`
}
