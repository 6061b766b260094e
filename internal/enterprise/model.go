// Package enterprise keeps the golden record of every enterprise the bureau
// works with, keyed by 统一社会信用代码: its versions (who changed what, why),
// its year-scoped facts and statuses, search, merge of duplicates, and the
// spreadsheet import and export.
package enterprise

import (
	"time"

	"kejiju/internal/calendar"
	"kejiju/internal/money"
)

// Enterprise is the golden record.
type Enterprise struct {
	ID                int64         `json:"id"`
	CreditCode        string        `json:"credit_code"`
	Name              string        `json:"name"`
	NameInitials      string        `json:"name_initials"`
	LegalRep          string        `json:"legal_rep"`
	RegisteredOn      calendar.Date `json:"registered_on,omitzero"`
	RegisteredCapital money.Fen     `json:"registered_capital"`
	Address           string        `json:"address"`
	RegionCode        string        `json:"region_code"`
	IndustryCode      string        `json:"industry_code"` // GB/T 4754, e.g. C3911
	TechField         string        `json:"tech_field"`    // one of the 8 国家重点支持的高新技术领域, or ""
	ContactName       string        `json:"contact_name"`
	ContactPhone      string        `json:"contact_phone"`
	Blacklisted       bool          `json:"blacklisted"`
	Status            string        `json:"status"` // active, merged, closed
	MergedInto        int64         `json:"merged_into,omitempty"`
	Version           int           `json:"version"`
	CreatedAt         time.Time     `json:"created_at"`
	UpdatedAt         time.Time     `json:"updated_at"`
}

// The record's statuses.
const (
	Active = "active"
	Merged = "merged"
	Closed = "closed"
)

// Input is what a person or an import row supplies for a record.
type Input struct {
	CreditCode        string        `json:"credit_code"`
	Name              string        `json:"name"`
	LegalRep          string        `json:"legal_rep"`
	RegisteredOn      calendar.Date `json:"registered_on"`
	RegisteredCapital money.Fen     `json:"registered_capital"`
	Address           string        `json:"address"`
	RegionCode        string        `json:"region_code"`
	IndustryCode      string        `json:"industry_code"`
	TechField         string        `json:"tech_field"`
	ContactName       string        `json:"contact_name"`
	ContactPhone      string        `json:"contact_phone"`
}

// input returns the editable part of e.
func (e *Enterprise) input() Input {
	return Input{CreditCode: e.CreditCode, Name: e.Name, LegalRep: e.LegalRep, RegisteredOn: e.RegisteredOn,
		RegisteredCapital: e.RegisteredCapital, Address: e.Address, RegionCode: e.RegionCode, IndustryCode: e.IndustryCode,
		TechField: e.TechField, ContactName: e.ContactName, ContactPhone: e.ContactPhone}
}

// Year holds the facts of one fiscal year, as the 高企 and 科小 rules need
// them. Money is in fen.
type Year struct {
	EnterpriseID     int64        `json:"enterprise_id"`
	Year             int          `json:"year"`
	Revenue          money.Fen    `json:"revenue"`
	HiTechRevenue    money.Fen    `json:"hitech_revenue"`
	TotalAssets      money.Fen    `json:"total_assets"`
	NetAssets        money.Fen    `json:"net_assets"`
	TotalCostExpense money.Fen    `json:"total_cost_expense"`
	RDTotal          money.Fen    `json:"rd_total"`
	RDDomestic       money.Fen    `json:"rd_domestic"`
	RDCategories     [8]money.Fen `json:"rd_categories"`
	Staff            int          `json:"staff"`
	STStaff          int          `json:"st_staff"`
	IPClass1         int          `json:"ip_class1"`
	IPClass2         int          `json:"ip_class2"`
	Conversions      int          `json:"conversions"`
	AnnualReport     bool         `json:"annual_report"` // the 高企 年报 for this year was filed
	UpdatedAt        time.Time    `json:"updated_at"`
}

// RDCategoryKeys name the 8 categories of R&D expense (研发费用归集) as
// i18n keys, in order.
var RDCategoryKeys = [8]string{
	"enterprise.rd.personnel", "enterprise.rd.direct", "enterprise.rd.depreciation", "enterprise.rd.intangible",
	"enterprise.rd.design", "enterprise.rd.equipment", "enterprise.rd.commissioned", "enterprise.rd.other",
}

// Status is a year-scoped status or certificate.
type Status struct {
	ID           int64         `json:"id"`
	EnterpriseID int64         `json:"enterprise_id"`
	Kind         string        `json:"kind"`
	Year         int           `json:"year"`
	Number       string        `json:"number,omitempty"`
	ValidFrom    calendar.Date `json:"valid_from,omitzero"`
	ValidTo      calendar.Date `json:"valid_to,omitzero"`
	Note         string        `json:"note,omitempty"`
	CreatedAt    time.Time     `json:"created_at"`
}

// The kinds of status.
const (
	KindTechSME     = "tech_sme"     // 科技型中小企业入库登记编号, valid one year
	KindHTE         = "hte"          // 高新技术企业证书 GR…, valid 3 years
	KindLittleGiant = "little_giant" // 科技小巨人
	KindSpecialized = "specialized"  // 专精特新
)

// StatusKinds lists the kinds in display order.
var StatusKinds = []string{KindTechSME, KindHTE, KindLittleGiant, KindSpecialized}

// Version is one saved state of a record with who changed it and why.
type Version struct {
	Version     int       `json:"version"`
	Data        Input     `json:"data"`
	ChangedBy   int64     `json:"changed_by"`
	ChangedName string    `json:"changed_name"`
	ChangedAt   time.Time `json:"changed_at"`
	Reason      string    `json:"reason"`
}
