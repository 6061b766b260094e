// Package visit keeps the bureau's field work with enterprises, as the work
// report describes it: research visits (企业调研; every Thursday is the
// research day, 企业调研日), the technical needs (技术难题需求) collected on
// them or reported by the enterprises themselves, their forwarding to the
// city bureau in batches with the city's spreadsheet (上报市局), and
// 产学研 matchmaking between enterprises and universities or institutes.
//
// The area learns about enterprises only through the Enterprises interface.
// Its rows keep the enterprise's region for the data scope, and its name and
// credit code as they were when the row was last saved: a forwarded need
// shows the name the city received.
package visit

import (
	"context"
	"strings"
	"time"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/money"
)

// Summary is what this area needs to know of an enterprise.
type Summary struct {
	ID           int64
	Name         string
	CreditCode   string
	RegionCode   string
	ContactName  string
	ContactPhone string
	// Closed marks a record that is merged or closed: it takes no new
	// visits, needs or matchmakings.
	Closed bool
}

// Enterprises finds enterprises within a user's data scope; the enterprise
// area provides it (wired in app).
type Enterprises interface {
	// Get returns the enterprise with id, or a NotFound error when it does
	// not exist or lies outside u's scope.
	Get(ctx context.Context, u *auth.User, id int64) (Summary, error)
	// Find returns up to limit enterprises in u's scope whose name, pinyin
	// initials or credit code match query; an empty query lists any.
	Find(ctx context.Context, u *auth.User, query string, limit int) ([]Summary, error)
}

// Person is one of the people who went on a visit: a user of the system,
// or (UserID 0) a companion without an account, such as a colleague from
// the city bureau or an expert.
type Person struct {
	UserID int64  `json:"user_id,omitempty"`
	Name   string `json:"name"`
}

// Visit is one research visit to an enterprise.
type Visit struct {
	ID             int64         `json:"id"`
	Date           calendar.Date `json:"date"`
	EnterpriseID   int64         `json:"enterprise_id"`
	EnterpriseName string        `json:"enterprise_name"`
	CreditCode     string        `json:"credit_code"`
	RegionCode     string        `json:"region_code"`
	Staff          []Person      `json:"staff"`
	Topics         string        `json:"topics"`
	// Notes are the bureau's own record of the visit; enterprise users do
	// not see them.
	Notes string `json:"notes,omitempty"`
	// OffDayNote explains a visit on another day than the research day
	// (the Thursday was a holiday, the enterprise asked for another day).
	OffDayNote string `json:"off_day_note,omitempty"`
	// Warning is the i18n key of the research-day warning (see DayWarning),
	// "" for a visit on a Thursday.
	Warning   string    `json:"warning,omitempty"`
	NeedCount int       `json:"need_count"`
	Version   int       `json:"version"`
	CreatedBy int64     `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// OffDay reports whether the visit carries the research-day warning.
func (v *Visit) OffDay() bool { return v.Warning != "" }

// StaffNames returns the names of the people who went, joined with 、.
func (v *Visit) StaffNames() string { return joinNames(v.Staff) }

// NoteLines returns the notes as paragraphs, for display.
func (v *Visit) NoteLines() []string { return lines(v.Notes) }

// VisitInput is what a person supplies for a visit.
type VisitInput struct {
	Date         calendar.Date `json:"date"`
	EnterpriseID int64         `json:"enterprise_id"`
	// StaffIDs are the users who went; none (and no Others) means the
	// user who records the visit.
	StaffIDs []int64 `json:"staff_ids"`
	// Others are the names of companions without an account.
	Others     []string `json:"others"`
	Topics     string   `json:"topics"`
	Notes      string   `json:"notes"`
	OffDayNote string   `json:"off_day_note"`
}

// The sources of a need.
const (
	SourceVisit = "visit" // collected on a research visit
	SourceSelf  = "self"  // reported by the enterprise itself (企业自报)
	SourceStaff = "staff" // entered by the bureau (by telephone, at a meeting …)
)

// Need is one technical need (技术难题需求) of an enterprise.
type Need struct {
	ID             int64         `json:"id"`
	EnterpriseID   int64         `json:"enterprise_id"`
	EnterpriseName string        `json:"enterprise_name"`
	CreditCode     string        `json:"credit_code"`
	RegionCode     string        `json:"region_code"`
	Category       string        `json:"category"`
	Title          string        `json:"title"`
	Description    string        `json:"description"`
	Expected       string        `json:"expected"` // 预期目标
	Budget         money.Fen     `json:"budget"`   // 拟投入资金; 0 when not given
	ContactName    string        `json:"contact_name"`
	ContactPhone   string        `json:"contact_phone"`
	Source         string        `json:"source"`
	VisitID        int64         `json:"visit_id,omitempty"`
	CollectedOn    calendar.Date `json:"collected_on"`
	Status         string        `json:"status"`
	// BatchID and ForwardedOn name the batch that holds the need at the
	// city bureau; both are cleared when the need goes back to collected.
	BatchID     int64         `json:"batch_id,omitempty"`
	ForwardedOn calendar.Date `json:"forwarded_on,omitzero"`
	Version     int           `json:"version"`
	CreatedBy   int64         `json:"created_by,omitempty"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
}

// StatusClass returns the CSS class of the need's status badge.
func (n *Need) StatusClass() string {
	switch n.Status {
	case Collected:
		return "badge warn"
	case Matched, Solved:
		return "badge ok"
	}
	return "tag"
}

// DescriptionLines returns the description as paragraphs, for display.
func (n *Need) DescriptionLines() []string { return lines(n.Description) }

// ExpectedLines returns the expected outcome as paragraphs, for display.
func (n *Need) ExpectedLines() []string { return lines(n.Expected) }

// NeedInput is what a person supplies for a need. EnterpriseID and VisitID
// are taken on creation only: a need keeps its enterprise and source.
type NeedInput struct {
	EnterpriseID int64         `json:"enterprise_id"`
	VisitID      int64         `json:"visit_id"`
	Category     string        `json:"category"`
	Title        string        `json:"title"`
	Description  string        `json:"description"`
	Expected     string        `json:"expected"`
	Budget       money.Fen     `json:"budget"`
	ContactName  string        `json:"contact_name"`
	ContactPhone string        `json:"contact_phone"`
	CollectedOn  calendar.Date `json:"collected_on"`
}

// Change is one row of a need's history: a status change with who, when
// and why, and the batch or matchmaking that made it. The first row of
// every need has From "".
type Change struct {
	From      string    `json:"from"`
	To        string    `json:"to"`
	Reason    string    `json:"reason,omitempty"`
	BatchID   int64     `json:"batch_id,omitempty"`
	MatchID   int64     `json:"match_id,omitempty"`
	ActorID   int64     `json:"actor_id,omitempty"`
	ActorName string    `json:"actor_name"`
	At        time.Time `json:"at"`
}

// Batch is one forwarding of needs to the city bureau (上报批次).
type Batch struct {
	ID          int64         `json:"id"`
	Number      string        `json:"number"` // 批次号, e.g. 2026-03
	SentOn      calendar.Date `json:"sent_on"`
	Note        string        `json:"note,omitempty"`
	RegionCode  string        `json:"region_code"`
	Count       int           `json:"count"`
	CreatedBy   int64         `json:"created_by,omitempty"`
	CreatedName string        `json:"created_name"`
	CreatedAt   time.Time     `json:"created_at"`
}

// BatchInput is what staff supply to forward needs.
type BatchInput struct {
	Number  string        `json:"number"`
	SentOn  calendar.Date `json:"sent_on"`
	Note    string        `json:"note"`
	NeedIDs []int64       `json:"need_ids"`
}

// Match is one 产学研 matchmaking: an enterprise (and perhaps one of its
// needs) brought together with a university or research institute.
type Match struct {
	ID              int64         `json:"id"`
	EnterpriseID    int64         `json:"enterprise_id"`
	EnterpriseName  string        `json:"enterprise_name"`
	CreditCode      string        `json:"credit_code"`
	RegionCode      string        `json:"region_code"`
	NeedID          int64         `json:"need_id,omitempty"`
	NeedTitle       string        `json:"need_title,omitempty"`
	Partner         string        `json:"partner"` // the university or institute
	PartnerContact  string        `json:"partner_contact"`
	PartnerPhone    string        `json:"partner_phone"`
	Date            calendar.Date `json:"date"`
	Kind            string        `json:"kind"`
	Topic           string        `json:"topic"`
	Outcome         string        `json:"outcome"`
	Agreement       bool          `json:"agreement"` // a cooperation agreement was signed
	AgreementOn     calendar.Date `json:"agreement_on,omitzero"`
	AgreementAmount money.Fen     `json:"agreement_amount"` // 0 when not given
	Version         int           `json:"version"`
	CreatedBy       int64         `json:"created_by,omitempty"`
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
}

// OutcomeLines returns the outcome as paragraphs, for display.
func (m *Match) OutcomeLines() []string { return lines(m.Outcome) }

// MatchInput is what staff supply for a matchmaking. With MarkMatched, a
// linked need that is not matched yet moves to matched in the same
// transaction.
type MatchInput struct {
	EnterpriseID    int64         `json:"enterprise_id"`
	NeedID          int64         `json:"need_id"`
	Partner         string        `json:"partner"`
	PartnerContact  string        `json:"partner_contact"`
	PartnerPhone    string        `json:"partner_phone"`
	Date            calendar.Date `json:"date"`
	Kind            string        `json:"kind"`
	Topic           string        `json:"topic"`
	Outcome         string        `json:"outcome"`
	Agreement       bool          `json:"agreement"`
	AgreementOn     calendar.Date `json:"agreement_on"`
	AgreementAmount money.Fen     `json:"agreement_amount"`
	MarkMatched     bool          `json:"mark_matched"`
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

// RowVersion is the version of the visit's row (see db.Update).
func (v *Visit) RowVersion() int { return v.Version }

// RowVersion is the version of the need's row (see db.Update).
func (n *Need) RowVersion() int { return n.Version }

// RowVersion is the version of the matchmaking's row (see db.Update).
func (m *Match) RowVersion() int { return m.Version }
