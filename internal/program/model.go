// Package program runs the bureau's programmes: calls for applications
// (专项申报通知) kept as data — the district S&T plan project first, the
// provincial programme types sharing the model — and the applications to
// them from the enterprise's draft through formal review, expert review,
// ranking, approval (立项), publicity (公示), contract (任务书) with its
// installments, mid-term check, acceptance and closing (domain rules §5).
//
// Every transition goes through workflow.ProjectLifecycle in the same
// transaction as the row change and its audit event. The area learns about
// enterprises only through the Enterprises interface and about expert
// scores only through the Reviews interface, both wired in app.
//
// # Money
//
// The grant's money moves through the ledger in the same transaction as the
// transition it belongs to: finance (PermFinancePay) appropriates money to a
// call (Appropriate, 下达资金: fund:<region>:<year> → budget:call:<id>; the
// fund account is the ledger's floored equity, whose balance grows with each
// appropriation and is the total the district made available);
// sign_contract commits the contract budget (budget:call → commit:application,
// refused with "program.funds.insufficient" when the call lacks it); an
// installment falling due moves commit → payable:application; pay moves
// payable → paid:<region>:<year> with the bank reference in the memo;
// fail_acceptance, terminate and revoke reclaim the due unpaid installments
// (payable → commit) and release the commitment back to the call's budget.
// Paid money stays paid: reclaiming it from the enterprise is out of scope.
// Keys are deterministic per business event ("program.commit:<app>",
// "program.payable:<app>:<seq>", "program.pay:<app>:<seq>",
// "program.reclaim:<app>:<seq>", "program.release:<app>"; an appropriation's
// "program.fund:<call>:<form token>"), so a retry is one effect.
package program

import (
	"context"
	"encoding/json"
	"math/big"
	"time"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/money"
)

// Facts are what the eligibility conditions of a call look at.
type Facts struct {
	Name        string
	RegionCode  string // where the enterprise is registered
	HTEValid    bool   // holds a valid 高新技术企业 certificate
	TechSME     bool   // registered as 科技型中小企业 this year
	Blacklisted bool   // on the dishonesty list with an active ban
}

// Enterprises answers the eligibility questions about an enterprise; the
// enterprise and hightech areas provide it (wired in app).
type Enterprises interface {
	// Eligibility returns the facts of the enterprise with id, or a
	// NotFound error when it does not exist or lies outside u's scope.
	Eligibility(ctx context.Context, u *auth.User, enterpriseID int64) (Facts, error)
}

// Reviews tells how the expert review of an application stands; the review
// area provides it (wired in app).
type Reviews interface {
	// Done reports whether every assigned expert has scored the
	// application, and the panel's trimmed mean score (exact, as a
	// rational; nil while incomplete).
	Done(ctx context.Context, applicationID int64) (complete bool, trimmedMean *big.Rat, err error)
}

// Panels draws and finds the expert panel of an application; the review
// mechanism provides it (wired in app).
type Panels interface {
	// Draw draws the panel of an application for u: n members and
	// `alternates` alternates from the experts of field, screened for
	// conflicts with the applying enterprise. It returns the panel's id,
	// or the draw's error (e.g. too small a pool) with nothing stored.
	Draw(ctx context.Context, u *auth.User, applicationID, enterpriseID int64, enterpriseName, field string, n, alternates int) (panelID int64, err error)
	// PanelOf returns the id of the application's panel (0 when none was
	// drawn) and whether it is closed.
	PanelOf(ctx context.Context, u *auth.User, applicationID int64) (id int64, closed bool, err error)
}

// PanelObject is the object type by which an application's expert panel
// names it.
const PanelObject = objectType

// Summary is what an expert on an application's panel reads of it.
type Summary struct {
	CallTitle      string
	EnterpriseName string
	// Answers are the form's fields in the form's order, with their labels.
	Answers []Answer
}

// Answer is one labelled answer of an application form.
type Answer struct {
	Label string
	Value string
}

// The call types. Their labels are the i18n keys "program.type.<type>".
const (
	TypeDistrictPlan    = "district_plan"    // 区科技计划项目
	TypeProvincialMajor = "provincial_major" // 省级重大专项
	TypeStarSpace       = "star_space"       // 星创天地
	TypeTalentTeam      = "talent_team"      // 高层次科技人才团队
	TypeTechPurchase    = "tech_purchase"    // 购买省外科技成果补助
	TypeAward           = "award"            // 科学技术进步奖
)

// Types lists the call types in display order.
var Types = []string{TypeDistrictPlan, TypeProvincialMajor, TypeStarSpace, TypeTalentTeam, TypeTechPurchase, TypeAward}

// The eligibility conditions a call may choose. Their labels are the i18n
// keys "program.cond.<name>".
const (
	CondInDistrict     = "registered_in_district" // registered in the call's district
	CondHTEValid       = "hte_valid"              // a valid HTE certificate
	CondTechSME        = "tech_sme"               // a registered tech SME
	CondNotBlacklisted = "not_blacklisted"        // no active dishonesty ban
)

// Conditions lists the eligibility conditions in display order.
var Conditions = []string{CondInDistrict, CondHTEValid, CondTechSME, CondNotBlacklisted}

// The field types of a form definition.
const (
	FieldText   = "text"
	FieldNumber = "number"
	FieldMoney  = "money" // in 元 (or 万元 with the unit), as money.ParseYuan reads it
	FieldDate   = "date"
	FieldChoice = "choice"
	FieldTable  = "table" // one row per line, cells separated by |
)

// FieldTypes lists the field types.
var FieldTypes = []string{FieldText, FieldNumber, FieldMoney, FieldDate, FieldChoice, FieldTable}

// Call statuses.
const (
	CallDraft  = "draft"  // being prepared; enterprises do not see it
	CallOpen   = "open"   // published; enterprises apply within the window
	CallClosed = "closed" // closed by staff
)

// Field is one field of a call's application form.
type Field struct {
	Key      string `json:"key"` // [a-z][a-z0-9_]*
	Label    string `json:"label"`
	Type     string `json:"type"`
	Required bool   `json:"required,omitempty"`
	// Max is the longest answer in characters for text and table, the
	// largest value for number, and the largest amount in 元 for money;
	// 0 means no limit.
	Max     int64    `json:"max,omitempty"`
	Choices []string `json:"choices,omitempty"` // for choice
}

// Attachment is one attachment a call asks for.
type Attachment struct {
	Key      string `json:"key"`
	Label    string `json:"label"`
	Required bool   `json:"required,omitempty"`
}

// Form is a call's application form, kept as JSON data with the call.
type Form struct {
	Fields      []Field      `json:"fields"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

// Call is one call for applications (专项申报通知).
type Call struct {
	ID         int64     `json:"id"`
	RegionCode string    `json:"region_code"`
	Type       string    `json:"type"`
	Year       int       `json:"year"`
	Title      string    `json:"title"`
	Status     string    `json:"status"`
	OpensAt    time.Time `json:"opens_at"`
	ClosesAt   time.Time `json:"closes_at"`
	// GraceMinutes after ClosesAt a submission is still taken (a slow
	// upload at the last minute); after that the window is shut.
	GraceMinutes  int       `json:"grace_minutes"`
	Eligibility   []string  `json:"eligibility"`
	Form          Form      `json:"form"`
	PublicityDays int       `json:"publicity_days"` // working days of the 公示
	Plan          []int64   `json:"plan"`           // default installment shares in basis points
	Budget        money.Fen `json:"budget"`         // per project
	Version       int       `json:"version"`
	CreatedBy     int64     `json:"created_by,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Deadline is the last instant a submission is taken: the close plus the
// grace period.
func (c *Call) Deadline() time.Time {
	return c.ClosesAt.Add(time.Duration(c.GraceMinutes) * time.Minute)
}

// CallInput is what staff supply for a call. A zero PublicityDays means 5.
type CallInput struct {
	RegionCode    string    `json:"region_code"` // "" means the user's district
	Type          string    `json:"type"`
	Year          int       `json:"year"`
	Title         string    `json:"title"`
	OpensAt       time.Time `json:"opens_at"`
	ClosesAt      time.Time `json:"closes_at"`
	GraceMinutes  int       `json:"grace_minutes"`
	Eligibility   []string  `json:"eligibility"`
	Form          Form      `json:"form"`
	PublicityDays int       `json:"publicity_days"`
	Plan          []int64   `json:"plan"`
	Budget        money.Fen `json:"budget"`
}

// Milestone is one dated goal of a contract.
type Milestone struct {
	Title string        `json:"title"`
	Due   calendar.Date `json:"due"`
}

// Installment due conditions: the first after signing, the last after
// acceptance 通过 or 整改后通过, any in between after the mid-term check.
const (
	DueSigning    = "signing"
	DueMidterm    = "midterm"
	DueAcceptance = "acceptance"
)

// Installment statuses.
const (
	InstPlanned   = "planned"
	InstPayable   = "payable"
	InstPaid      = "paid"
	InstCancelled = "cancelled"
)

// Installment is one installment of a contract's grant.
type Installment struct {
	Seq     int           `json:"seq"`
	ShareBP int64         `json:"share_bp"`
	Amount  money.Fen     `json:"amount"`
	Due     string        `json:"due"`
	Status  string        `json:"status"`
	BankRef string        `json:"bank_ref,omitempty"`
	PaidOn  calendar.Date `json:"paid_on,omitzero"`
}

// Objection is one objection raised during the publicity, and its answer.
type Objection struct {
	ID         int64     `json:"id"`
	Text       string    `json:"text"`
	RaisedAt   time.Time `json:"raised_at"`
	Answer     string    `json:"answer,omitempty"`
	AnsweredAt time.Time `json:"answered_at,omitzero"`
}

// Answered reports whether the objection has its answer.
func (o *Objection) Answered() bool { return o.Answer != "" }

// Application is one enterprise's application to a call, and then its
// project.
type Application struct {
	ID             int64             `json:"id"`
	CallID         int64             `json:"call_id"`
	CallTitle      string            `json:"call_title"`
	RegionCode     string            `json:"region_code"`
	EnterpriseID   int64             `json:"enterprise_id"`
	EnterpriseName string            `json:"enterprise_name"`
	State          string            `json:"state"`
	Answers        map[string]string `json:"answers"`
	// Attachments are the names of the stored files (see File), by the
	// form's attachment key; read only, Upload and DeleteAttachment change them.
	Attachments map[string][]string `json:"attachments"`
	SubmittedAt time.Time           `json:"submitted_at,omitzero"`
	// Score is the panel's trimmed mean as stored at ranking, with two
	// decimals; Rank its place in the call (0 before ranking).
	Score            string        `json:"score,omitempty"`
	Rank             int           `json:"rank,omitempty"`
	PublicityStart   calendar.Date `json:"publicity_start,omitzero"`
	PublicityEnd     calendar.Date `json:"publicity_end,omitzero"`
	Goals            string        `json:"goals,omitempty"`
	Milestones       []Milestone   `json:"milestones,omitempty"`
	Budget           money.Fen     `json:"budget"`
	ContractStart    calendar.Date `json:"contract_start,omitzero"`
	ContractEnd      calendar.Date `json:"contract_end,omitzero"`
	SignedOn         calendar.Date `json:"signed_on,omitzero"`
	Extensions       int           `json:"extensions"`
	ExtensionUntil   calendar.Date `json:"extension_until,omitzero"` // the end asked for in a pending request
	RectificationDue calendar.Date `json:"rectification_due,omitzero"`
	Installments     []Installment `json:"installments,omitempty"`
	// Funds are the ledger balances of a signed contract (nil before
	// signing).
	Funds      *AppFunds   `json:"funds,omitempty"`
	Objections []Objection `json:"objections,omitempty"`
	Version    int         `json:"version"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
}

// ContractInput is what staff supply for a contract (任务书). Plan holds
// the installment shares in basis points (6000 is 60%); they must total
// exactly 10000.
type ContractInput struct {
	Goals      string        `json:"goals"`
	Milestones []Milestone   `json:"milestones"`
	Budget     money.Fen     `json:"budget"`
	Plan       []int64       `json:"plan"`
	Start      calendar.Date `json:"start"`
	End        calendar.Date `json:"end"`
}

// ActionInput carries what an action needs besides its name and reason.
type ActionInput struct {
	Reason string `json:"reason"`
	// Fields are the per-field reasons of a return for revision (form
	// field or attachment key → reason); they are kept with the history
	// row and shown to the enterprise next to the fields.
	Fields map[string]string `json:"fields,omitempty"`
	// PublicityStart is the first day of the 公示 (approve); zero means
	// today.
	PublicityStart calendar.Date `json:"publicity_start,omitzero"`
	// ObjectionID names the objection an answer_objection answers.
	ObjectionID int64 `json:"objection_id,omitempty"`
	// Installment, BankRef and PaidOn record a payment (pay).
	Installment int           `json:"installment,omitempty"`
	BankRef     string        `json:"bank_ref,omitempty"`
	PaidOn      calendar.Date `json:"paid_on,omitzero"`
	// Until is the new contract end an extension asks for.
	Until calendar.Date `json:"until,omitzero"`
}

// jsonText encodes v for a TEXT column.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// ScoreShown is the score with two decimals, for display.
func (a *Application) ScoreShown() string { return ScoreText(a.Score) }

// Unanswered counts the objections still waiting for an answer.
func (a *Application) Unanswered() int {
	n := 0
	for _, o := range a.Objections {
		if !o.Answered() {
			n++
		}
	}
	return n
}
