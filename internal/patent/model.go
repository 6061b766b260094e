package patent

import (
	"context"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/money"
)

// Patent is one application number's record.
type Patent struct {
	ID              int64         `json:"id"`
	AppNo           string        `json:"app_no"` // normalised, e.g. 201911050262.8
	Type            string        `json:"type"`   // invention, utility, design
	PCT             bool          `json:"pct"`
	Title           string        `json:"title"`
	Applicants      string        `json:"applicants"` // as published, separated by ；
	EnterpriseID    int64         `json:"enterprise_id,omitempty"`
	EnterpriseName  string        `json:"enterprise_name,omitempty"`
	CandidateID     int64         `json:"candidate_id,omitempty"` // a name match waiting for staff to confirm
	CandidateName   string        `json:"candidate_name,omitempty"`
	RegionCode      string        `json:"region_code"`
	Inventors       int           `json:"inventors"`
	ApplicationDate calendar.Date `json:"application_date"`
	GrantDate       calendar.Date `json:"grant_date"`
	Status          string        `json:"status"`
	IPCMain         string        `json:"ipc_main"`
	AgencyID        int64         `json:"agency_id,omitempty"`
	AgencyName      string        `json:"agency_name,omitempty"`
	Version         int           `json:"version"`
}

// History is one change of a patent's legal status.
type History struct {
	From      string        `json:"from"`
	To        string        `json:"to"`
	Effective calendar.Date `json:"effective"`
	Source    string        `json:"source"`
	ChangedBy int64         `json:"changed_by,omitempty"`
}

// Input is a patent as staff enter it.
type Input struct {
	AppNo           string        `json:"app_no"`
	Title           string        `json:"title"`
	Applicants      string        `json:"applicants"`
	EnterpriseID    int64         `json:"enterprise_id"` // 0: not linked; the region then comes from RegionCode
	RegionCode      string        `json:"region_code"`
	Inventors       int           `json:"inventors"`
	ApplicationDate calendar.Date `json:"application_date"`
	GrantDate       calendar.Date `json:"grant_date"`
	Status          string        `json:"status"`
	IPCMain         string        `json:"ipc_main"`
	AgencyID        int64         `json:"agency_id"`
}

// Filter selects patents for a list.
type Filter struct {
	Query        string // an application number (exact, normalised) or words of the title or applicants
	Type         string
	Status       string
	RegionCode   string // a township or the district: this code and below
	EnterpriseID int64
	Year         int // application year
	// Applied and Granted keep the patents applied for (granted) on or
	// after From and before Until, when set: the records behind a figure
	// of the statistics.
	AppliedFrom, AppliedUntil calendar.Date
	GrantedFrom, GrantedUntil calendar.Date
	Unconfirmed               bool // only patents with a name match waiting for confirmation
	AgencyID                  int64
	Limit                     int
	Offset                    int
	Sort                      string
}

// Agency is a patent agency (专利代理机构) with the district patents it
// handled.
type Agency struct {
	ID      int64  `json:"id"`
	Code    string `json:"code"`
	Name    string `json:"name"`
	Contact string `json:"contact"`
	Phone   string `json:"phone"`
	Address string `json:"address"`
	// Patents and Enterprises count the patents in the caller's scope the
	// agency handled and the enterprises they belong to (its service
	// record for district enterprises).
	Patents     int `json:"patents"`
	Enterprises int `json:"enterprises"`
}

// Loan is a patent pledge loan (专利质押贷款).
type Loan struct {
	ID             int64         `json:"id"`
	EnterpriseID   int64         `json:"enterprise_id"`
	EnterpriseName string        `json:"enterprise_name"`
	RegionCode     string        `json:"region_code"`
	Pledgor        string        `json:"pledgor"`
	Bank           string        `json:"bank"`
	Amount         money.Fen     `json:"amount"`
	TermMonths     int           `json:"term_months"`
	StartDate      calendar.Date `json:"start_date"`
	AssessedValue  money.Fen     `json:"assessed_value"`
	Assessor       string        `json:"assessor"`
	RegistrationNo string        `json:"registration_no"`
	Status         string        `json:"status"`
	Version        int           `json:"version"`
	Patents        []Pledged     `json:"patents"`
}

// Pledged is a patent pledged for a loan.
type Pledged struct {
	ID    int64  `json:"id"`
	AppNo string `json:"app_no"`
	Title string `json:"title"`
}

// LoanInput is a pledge loan as staff enter it; amounts in 元 (or 万元).
type LoanInput struct {
	EnterpriseID   int64         `json:"enterprise_id"`
	Pledgor        string        `json:"pledgor"` // "" takes the enterprise's name
	Bank           string        `json:"bank"`
	Amount         string        `json:"amount"`
	TermMonths     int           `json:"term_months"`
	StartDate      calendar.Date `json:"start_date"`
	AssessedValue  string        `json:"assessed_value"`
	Assessor       string        `json:"assessor"`
	RegistrationNo string        `json:"registration_no"`
	AppNos         []string      `json:"app_nos"` // the pledged patents, on file and the enterprise's
}

// Applicant is what the patent area knows of an enterprise.
type Applicant struct {
	ID         int64
	Name       string
	CreditCode string
	RegionCode string
}

// Enterprises tells the patent area about enterprises; the enterprise area
// provides it (wired in app).
type Enterprises interface {
	// Applicant returns the enterprise with id, or a NotFound error when it
	// does not exist or lies outside u's scope.
	Applicant(ctx context.Context, u *auth.User, id int64) (Applicant, error)
	// InScope lists the active enterprises u may see, for matching
	// applicants by credit code and by name.
	InScope(ctx context.Context, u *auth.User) ([]Applicant, error)
}
