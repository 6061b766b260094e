// Package award runs the district science and technology award (科学技术进步奖,
// domain rules §8): one round a year with its nomination window, its levels
// and their quotas kept as data, its committee and its objection window;
// the nominations from an enterprise (for itself) or from staff (for any
// enterprise in scope) through formal review, the committee's vote with a
// quorum of 2/3 of its members and a pass at 2/3 of those present, the
// allocation of levels within the quotas, the publicity (公示) with its
// objections, and the director's confirmation.
//
// Every transition goes through workflow.AwardLifecycle in the same
// transaction as the row change and its audit event. The area learns about
// enterprises only through the Enterprises interface, wired in app.
package award

import (
	"context"
	"encoding/json"
	"math/big"
	"time"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
)

// Unit is what the area needs to know of an enterprise.
type Unit struct {
	Name       string
	RegionCode string // where the enterprise is registered
}

// Enterprises finds the enterprise a nomination is for; the enterprise area
// provides it (wired in app).
type Enterprises interface {
	// Unit returns the enterprise with id, or a NotFound error when it
	// does not exist or lies outside u's scope.
	Unit(ctx context.Context, u *auth.User, enterpriseID int64) (Unit, error)
}

// DefaultObjectionDays is the objection window of the publicity in calendar
// days: domain rules §8.2 and §13.1 (municipal S&T award, fymate 169257:
// "30 days from announcement", not working days as for the HTE list).
const DefaultObjectionDays = 30

// The committee fraction of §8.2 (Baise, lygzb.net): the meeting is valid
// with ≥ 2/3 of the members present, and an award needs ≥ 2/3 of those
// present; see review.Vote.
const (
	QuorumNum = 2
	QuorumDen = 3
)

// Level is one level of a round's award (1 is the highest, 一等奖), with its
// quota for the round's year.
type Level struct {
	Rank  int    `json:"rank"`  // 1, 2, 3 …: 1 is the highest
	Name  string `json:"name"`  // 一等奖
	Quota int    `json:"quota"` // the most nominations awarded this level in the round
}

// DefaultLevelNames are the level names a new round starts with (§8.2:
// "Levels: 1st, 2nd and 3rd class"); the quotas are the round's own data,
// since the municipal numbers are not published ([N]).
var DefaultLevelNames = []string{"一等奖", "二等奖", "三等奖"}

// Round is one year's award round.
type Round struct {
	ID         int64         `json:"id"`
	RegionCode string        `json:"region_code"`
	Year       int           `json:"year"`
	Title      string        `json:"title"`
	Opens      calendar.Date `json:"opens"`  // first day nominations are submitted
	Closes     calendar.Date `json:"closes"` // last day, inclusive
	Levels     []Level       `json:"levels"`
	// ObjectionDays is the length of the publicity's objection window in
	// calendar days (see ObjectionEnd).
	ObjectionDays int       `json:"objection_days"`
	PanelSize     int       `json:"panel_size"` // members of the committee
	Version       int       `json:"version"`
	CreatedBy     int64     `json:"created_by,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Level returns the level of rank r.
func (r *Round) Level(rank int) (Level, bool) {
	for _, l := range r.Levels {
		if l.Rank == rank {
			return l, true
		}
	}
	return Level{}, false
}

// LevelName names the level of rank r ("" when there is none).
func (r *Round) LevelName(rank int) string {
	l, _ := r.Level(rank)
	return l.Name
}

// RoundInput is what staff supply for a round. A zero ObjectionDays means
// DefaultObjectionDays.
type RoundInput struct {
	RegionCode    string        `json:"region_code"` // "" means the user's district
	Year          int           `json:"year"`
	Title         string        `json:"title"`
	Opens         calendar.Date `json:"opens"`
	Closes        calendar.Date `json:"closes"`
	Levels        []Level       `json:"levels"`
	ObjectionDays int           `json:"objection_days"`
	PanelSize     int           `json:"panel_size"`
}

// Contributor is one of a nomination's main contributors (主要完成人), in
// rank order.
type Contributor struct {
	Rank int    `json:"rank"`
	Name string `json:"name"`
}

// Nominator kinds.
const (
	ByEnterprise = "enterprise" // the enterprise's own user, for itself
	ByStaff      = "staff"      // bureau staff, for an enterprise in scope
)

// Tally is the committee's ballot on one nomination at one level.
type Tally struct {
	Level   int `json:"level"`
	Yes     int `json:"yes"`
	No      int `json:"no"`
	Abstain int `json:"abstain"`
}

// Objection is one objection raised during the publicity, and its answer.
type Objection struct {
	ID         int64         `json:"id"`
	Text       string        `json:"text"`
	ReceivedOn calendar.Date `json:"received_on"`
	RaisedAt   time.Time     `json:"raised_at"`
	Answer     string        `json:"answer,omitempty"`
	AnsweredAt time.Time     `json:"answered_at,omitzero"`
}

// Answered reports whether the objection has its answer.
func (o *Objection) Answered() bool { return o.Answer != "" }

// Nomination is one nominated achievement.
type Nomination struct {
	ID             int64         `json:"id"`
	RoundID        int64         `json:"round_id"`
	RoundTitle     string        `json:"round_title"`
	RegionCode     string        `json:"region_code"`
	EnterpriseID   int64         `json:"enterprise_id"`
	EnterpriseName string        `json:"enterprise_name"`
	NominatorKind  string        `json:"nominator_kind"`
	NominatedBy    int64         `json:"nominated_by"`
	Title          string        `json:"title"`
	Units          []string      `json:"units"` // completing units, in rank order
	Contributors   []Contributor `json:"contributors"`
	Summary        string        `json:"summary"`
	ProposedLevel  int           `json:"proposed_level"`
	State          string        `json:"state"`
	SubmittedAt    time.Time     `json:"submitted_at,omitzero"`
	// AwardedLevel is the level allocated at propose_award (0 before).
	AwardedLevel   int           `json:"awarded_level,omitempty"`
	PublicityStart calendar.Date `json:"publicity_start,omitzero"`
	PublicityEnd   calendar.Date `json:"publicity_end,omitzero"` // last day objections are taken
	Votes          []Tally       `json:"votes,omitempty"`
	Objections     []Objection   `json:"objections,omitempty"`
	Version        int           `json:"version"`
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
}

// Unanswered counts the objections still waiting for an answer.
func (n *Nomination) Unanswered() int {
	c := 0
	for _, o := range n.Objections {
		if !o.Answered() {
			c++
		}
	}
	return c
}

// Tally returns the ballot at level (zero when none was recorded).
func (n *Nomination) Tally(level int) Tally {
	for _, t := range n.Votes {
		if t.Level == level {
			return t
		}
	}
	return Tally{Level: level}
}

// NominationInput is what a nominator supplies. EnterpriseID is ignored for
// an enterprise user (it is always its own enterprise).
type NominationInput struct {
	RoundID       int64         `json:"round_id"`
	EnterpriseID  int64         `json:"enterprise_id"`
	Title         string        `json:"title"`
	Units         []string      `json:"units"`
	Contributors  []Contributor `json:"contributors"`
	Summary       string        `json:"summary"`
	ProposedLevel int           `json:"proposed_level"`
}

// Member is one member of a committee session; ExpertID links the member
// to the review registry when set.
type Member struct {
	Name     string `json:"name"`
	ExpertID int64  `json:"expert_id,omitempty"`
	Present  bool   `json:"present"`
}

// Session is the committee's meeting of a round.
type Session struct {
	ID      int64         `json:"id"`
	RoundID int64         `json:"round_id"`
	HeldOn  calendar.Date `json:"held_on"`
	Members []Member      `json:"members"`
	Version int           `json:"version"`
}

// Present counts the members present.
func (s *Session) Present() int {
	n := 0
	for _, m := range s.Members {
		if m.Present {
			n++
		}
	}
	return n
}

// ActionInput carries what an action needs besides its name and reason.
type ActionInput struct {
	Reason string `json:"reason"`
	// Fields are the per-field reasons of a return for revision (title,
	// units, contributors, summary, proposed_level → reason).
	Fields map[string]string `json:"fields,omitempty"`
	// PublicityStart is the day the proposed award is announced
	// (propose_award); zero means today.
	PublicityStart calendar.Date `json:"publicity_start,omitzero"`
	// ReceivedOn is the day an objection was received (record_objection);
	// zero means today.
	ReceivedOn calendar.Date `json:"received_on,omitzero"`
	// ObjectionID names the objection an answer_objection answers.
	ObjectionID int64 `json:"objection_id,omitempty"`
}

// Candidate is one nomination as the allocation sees it.
type Candidate struct {
	ID          int64
	SubmittedAt time.Time
	Votes       []Tally
}

// Allocation is the outcome of Allocate for one candidate.
type Allocation struct {
	ID int64
	// Passed lists the levels whose vote passed, highest first.
	Passed []int
	// Share is yes ÷ present at the highest level passed (nil when none).
	Share *big.Rat
	// Level is the level allocated; 0 when none passed or every passed
	// level's quota was full (Full).
	Level int
	Full  bool
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
