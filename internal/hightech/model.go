// Package hightech holds the rules of 高新技术企业认定 (High-Tech Enterprise
// certification, 国科发火〔2016〕32号 and 国科发火〔2016〕195号) and
// 科技型中小企业评价 (Tech-based SME evaluation, 国科发政〔2017〕115号) as
// pure functions: EvaluateHTE checks the eligibility conditions and computes
// the innovation score, EvaluateSME the SME conditions, score and direct
// qualification, and small functions compute certificate validity,
// reminders and revocation candidates.
//
// Every threshold, band and weight lives in HTEParams or SMEParams, a
// version of the rules with its document number and effective-date window,
// so a new year's policy is a new row of data. Every result carries the
// rule version and a copy of the facts it used, so a stored evaluation can
// be replayed. Explanations are i18n messages (a key and string arguments)
// whose formats are in the hightech.json catalogs.
//
// Money is in 分 (money.Fen) and every pass/fail comparison of a ratio is
// exact integer arithmetic; no floating point decides an outcome.
package hightech

import (
	"kejiju/internal/calendar"
	"kejiju/internal/money"
)

// TechArea is one area of 《国家重点支持的高新技术领域》.
type TechArea struct {
	Name   string `json:"name"`    // the official Chinese name, such as 先进制造与自动化
	NameEN string `json:"name_en"` // for English explanations
}

// The R&D expense categories of 研发费用归集, the indexes of
// YearFacts.RDCategories (the order of the 工作指引 and of the enterprise
// registry).
const (
	RDPersonnel    = iota // 人员人工费用
	RDDirect              // 直接投入费用
	RDDepreciation        // 折旧费用与长期待摊费用
	RDIntangible          // 无形资产摊销费用
	RDDesign              // 设计费用
	RDEquipment           // 装备调试费用与试验费用
	RDCommissioned        // 委托外部研究开发费用
	RDOther               // 其他费用
)

// YearFacts holds one fiscal year's figures, from the audited statements
// and the special audit of R&D expense.
type YearFacts struct {
	Year             int          `json:"year"`
	Revenue          money.Fen    `json:"revenue"`            // 销售收入 (sales)
	TotalIncome      money.Fen    `json:"total_income"`       // 总收入, the C7 denominator; 0 means the same as Revenue
	RD               money.Fen    `json:"rd"`                 // 研究开发费用总额
	RDDomestic       money.Fen    `json:"rd_domestic"`        // incurred inside China
	RDCategories     [8]money.Fen `json:"rd_categories"`      // optional breakdown, indexed by RDPersonnel…RDOther
	HiTechRevenue    money.Fen    `json:"hitech_revenue"`     // 高新技术产品（服务）收入
	NetAssets        money.Fen    `json:"net_assets"`         // year-end total assets − total liabilities
	TotalAssets      money.Fen    `json:"total_assets"`       // year-end 资产总额
	TotalCostExpense money.Fen    `json:"total_cost_expense"` // 成本费用总额 (SME R&D option 2)
	Conversions      int          `json:"conversions"`        // 科技成果转化 items, each achievement once
}

// ExpertScores holds the experts' judgements in the HTE innovation score:
// the panel average of each sub-item, entered as an integer. Each must lie
// within its item's maximum; the IP quantity score must also lie within the
// band its Class I and Class II counts fall in.
//
// The conversion and growth indicators are computed from the figures: by
// default they score the top of their band. An override picks another
// score within the same band.
type ExpertScores struct {
	IPAdvancement int `json:"ip_advancement"` // 技术的先进程度, ≤ 8
	IPCoreSupport int `json:"ip_core_support"`
	IPQuantity    int `json:"ip_quantity"`
	IPAcquisition int `json:"ip_acquisition"`
	IPStandards   int `json:"ip_standards"` // bonus for drafting standards, ≤ 2

	OrgManagement  int `json:"org_management"` // ≤ 6
	OrgInstitution int `json:"org_institution"`
	OrgConversion  int `json:"org_conversion"` // ≤ 4
	OrgTalent      int `json:"org_talent"`

	Conversion     *int `json:"conversion"`       // within the computed band, or nil for its top
	NetAssetGrowth *int `json:"net_asset_growth"` // within the computed band, or nil for its top
	RevenueGrowth  *int `json:"revenue_growth"`   // within the computed band, or nil for its top
}

// Facts are what the rules need to know about one enterprise and one
// application. Yes/no facts are stated so that false is the unfavourable
// answer: facts nobody entered fail the condition rather than pass it.
type Facts struct {
	RegisteredOn     calendar.Date `json:"registered_on"`
	ApplyOn          calendar.Date `json:"apply_on"` // also the evaluation date for the SME rules
	MainlandResident bool          `json:"mainland_resident"`
	CoreIP           bool          `json:"core_ip"`    // owns IP that supports its main products or services
	TechField        string        `json:"tech_field"` // the Name of one TechArea, or ""
	Staff            int           `json:"staff"`      // 职工总数 of the latest year
	STStaff          int           `json:"st_staff"`   // 科技人员 of the latest year
	Years            []YearFacts   `json:"years"`      // the last fiscal years, oldest first
	ClassI           int           `json:"class_i"`    // IP items usable in this application (see UsableClassI)
	ClassII          int           `json:"class_ii"`   // see UsableClassII
	CleanRecord      bool          `json:"clean_record"`
	Expert           ExpertScores  `json:"expert"`

	// Tech SME conditions 3 and 4, for the previous and the current year.
	NotProhibitedIndustry bool `json:"not_prohibited_industry"` // not in the prohibited, restricted or eliminated categories
	SMEClean              bool `json:"sme_clean"`               // no major accident, serious environmental violation or serious research misconduct
	NotAbnormalListed     bool `json:"not_abnormal_listed"`     // not in 经营异常名录
	NotDishonest          bool `json:"not_dishonest"`           // not in the serious-violation dishonesty list
}

// IPItem is one item of intellectual property an enterprise may count.
type IPItem struct {
	ID        string        `json:"id"`          // such as the patent number
	Class     int           `json:"class"`       // 1 (Ⅰ类) or 2 (Ⅱ类); anything else (a trademark) does not count
	GrantedOn calendar.Date `json:"granted_on"`  // zero if not granted
	UsedInHTE int           `json:"used_in_hte"` // the year of the HTE application it was used in, 0 if never
}

// Message is an explanation to show in the user's language: a key of the
// hightech.json catalogs and the arguments its format takes. Arguments are
// already formatted (numbers, 万元 amounts, dates), and a format that needs a
// different rendering per language picks its own argument: Chinese formats
// take dates as 2024年3月1日 and money in 万元, English ones the argument
// with the date as 1 Mar 2024 and money in yuan.
type Message struct {
	Key  string   `json:"key"`
	Args []string `json:"args"`
}

// Condition is the verdict on one eligibility condition.
type Condition struct {
	ID      string    `json:"id"`   // C1…C9, S1…S5
	Name    Message   `json:"name"` // such as 科技人员占比
	Pass    bool      `json:"pass"`
	Explain []Message `json:"explain"` // the numbers used and the verdict
}

// Indicator is the score of one scoring item: the band the facts fall in,
// its range, and the points given.
type Indicator struct {
	Name    Message `json:"name"`
	Band    string  `json:"band"` // A…F; "" where the table names no bands
	Low     int     `json:"low"`  // the band's range, for "band B (7–8)"
	High    int     `json:"high"`
	Points  int     `json:"points"`
	Max     int     `json:"max"`
	Value   string  `json:"value"` // the exact measure where one is computed, such as 3/10 for 30%
	Explain Message `json:"explain"`
}

// Group is an indicator made of items, such as 知识产权 (IP) with its five
// sub-items. Points is the sum of the items, capped at Max.
type Group struct {
	Name    Message     `json:"name"`
	Items   []Indicator `json:"items"`
	Sum     int         `json:"sum"`
	Points  int         `json:"points"`
	Max     int         `json:"max"`
	Explain Message     `json:"explain"`
}

// HTEScore is the 企业创新能力评价 (innovation capability score) of 100 points.
type HTEScore struct {
	IP           Group     `json:"ip"`           // ≤ 30
	Conversion   Indicator `json:"conversion"`   // ≤ 30
	Organisation Group     `json:"organisation"` // ≤ 20
	Growth       Group     `json:"growth"`       // ≤ 20: net assets ≤ 10 + sales ≤ 10
	Total        int       `json:"total"`
}

// HTEResult is the outcome of EvaluateHTE. Pass is true exactly when every
// condition passes.
type HTEResult struct {
	RuleID     string      `json:"rule_id"`
	Document   string      `json:"document"`
	Facts      Facts       `json:"facts"`
	Pass       bool        `json:"pass"`
	Conditions []Condition `json:"conditions"`
	Score      HTEScore    `json:"score"`
	Hints      []Message   `json:"hints"`    // what to improve, for failing conditions
	Problems   []Message   `json:"problems"` // facts that are not valid; each also fails a condition
	Warnings   []Message   `json:"warnings"` // doubts that do not decide the outcome
}

// RDOption is how a tech SME asks its R&D input to be scored.
type RDOption string

// The R&D scoring options of 科技型中小企业评价. The enterprise chooses one;
// RDBest is an explicit choice of whichever scores higher.
const (
	RDBySales RDOption = "sales" // R&D expense ÷ sales revenue
	RDByCost  RDOption = "cost"  // R&D expense ÷ total cost and expense
	RDBest    RDOption = "best"
)

// DirectFacts are the facts behind the direct qualification (直接确认) of a
// tech SME whose score falls short.
type DirectFacts struct {
	HTECertificate    string        `json:"hte_certificate"` // such as GR202334000123, for the record
	HTEIssuedOn       calendar.Date `json:"hte_issued_on"`
	HTEExpiresOn      calendar.Date `json:"hte_expires_on"`      // see HTEExpiry
	NationalAwardOn   calendar.Date `json:"national_award_on"`   // 国家科学技术奖; zero if none
	NationalAwardRank int           `json:"national_award_rank"` // rank among the award-winning units, 1 = first
	RDInstitution     bool          `json:"rd_institution"`      // a recognised provincial/ministerial or higher R&D institution
	StandardOn        calendar.Date `json:"standard_on"`         // an international, national or industry standard; zero if none
	StandardRank      int           `json:"standard_rank"`       // rank among the drafting units, 1 = led
}

// The bases on which a tech SME passes.
const (
	BasisScore          = "SCORE"                 // score ≥ 60 and the personnel indicator not 0
	DirectHTE           = "DIRECT_HTE"            // valid HTE certificate
	DirectAward         = "DIRECT_AWARD"          // national S&T award, top-ranked unit
	DirectRDInstitution = "DIRECT_RD_INSTITUTION" // provincial or higher R&D institution
	DirectStandard      = "DIRECT_STANDARD"       // led a standard
)

// StatusRevocationCandidate is the status of an HTE that RevocationCandidate
// flags.
const StatusRevocationCandidate = "REVOCATION_CANDIDATE"

// SMEScore is the 科技型中小企业评价 score of 100 points.
type SMEScore struct {
	Personnel    Indicator `json:"personnel"`    // ≤ 20
	RDBySales    Indicator `json:"rd_by_sales"`  // option 1, shown whichever is chosen
	RDByCost     Indicator `json:"rd_by_cost"`   // option 2
	RD           Indicator `json:"rd"`           // the option counted, ≤ 50
	RDUsed       RDOption  `json:"rd_used"`      // RDBySales or RDByCost, or "" if the choice was not valid
	Achievements Indicator `json:"achievements"` // ≤ 30
	Total        int       `json:"total"`
}

// SMEResult is the outcome of EvaluateSME. Pass is true when conditions S1
// to S4 pass and either S5 (the score) passes or a direct qualification
// holds; Basis says which.
type SMEResult struct {
	RuleID        string      `json:"rule_id"`
	Document      string      `json:"document"`
	Facts         Facts       `json:"facts"`
	Direct        DirectFacts `json:"direct"`
	RDOption      RDOption    `json:"rd_option"` // the enterprise's choice, as recorded
	Pass          bool        `json:"pass"`
	Basis         string      `json:"basis"`          // BasisScore, a Direct… code, or "" when failing
	DirectReasons []string    `json:"direct_reasons"` // every direct qualification that holds
	Conditions    []Condition `json:"conditions"`
	Score         SMEScore    `json:"score"`
	Hints         []Message   `json:"hints"`
	Problems      []Message   `json:"problems"`
}
