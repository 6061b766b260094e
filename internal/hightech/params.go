package hightech

import (
	"errors"
	"fmt"
	"math/big"
	"slices"

	"kejiju/internal/calendar"
	"kejiju/internal/money"
)

// Band is one row of a scoring table: a value of at least Min (more than
// Min if Exclusive) scores from Low to High points. The experts choose the
// exact integer within Low–High; a band with Low == High leaves no choice.
type Band struct {
	Letter    string `json:"letter"` // A, B, …; "" where the official table names no bands
	Min       int64  `json:"min"`    // in units of 1/Table.Scale
	Exclusive bool   `json:"exclusive"`
	Low       int    `json:"low"`
	High      int    `json:"high"`
}

// Table is a scoring table of bands, best first. The first band whose
// threshold the value reaches applies; a value that reaches none falls in
// Else, whose Min and Exclusive are not used.
type Table struct {
	Scale int64  `json:"scale"` // 10000 when Min is in basis points (万分之一), 1 when Min is a count
	Bands []Band `json:"bands"`
	Else  Band   `json:"else"`
}

// Classify returns the band of the value num/den. A den that is not
// positive means the value is undefined, which falls in Else.
func (t Table) Classify(num, den *big.Int) Band {
	if den.Sign() <= 0 {
		return t.Else
	}
	// num/den ≥ Min/Scale ⇔ num·Scale ≥ Min·den, exactly.
	left := new(big.Int).Mul(num, big.NewInt(t.Scale))
	right := new(big.Int)
	for _, b := range t.Bands {
		right.Mul(big.NewInt(b.Min), den)
		c := left.Cmp(right)
		if c > 0 || c == 0 && !b.Exclusive {
			return b
		}
	}
	return t.Else
}

// ClassifyRat returns the band of the exact value r; a nil r falls in Else.
func (t Table) ClassifyRat(r *big.Rat) Band {
	if r == nil {
		return t.Else
	}
	return t.Classify(r.Num(), r.Denom())
}

// ClassifyCount returns the band of a whole number, such as a number of
// patents.
func (t Table) ClassifyCount(n int) Band {
	return t.Classify(big.NewInt(int64(n)), big.NewInt(1))
}

// max returns the highest score the table gives.
func (t Table) max() int {
	m := t.Else.High
	for _, b := range t.Bands {
		m = max(m, b.High)
	}
	return m
}

func (t Table) validate(name string) error {
	var errs []error
	if t.Scale <= 0 {
		errs = append(errs, fmt.Errorf("%s: scale %d must be positive", name, t.Scale))
	}
	for i, b := range append(slices.Clone(t.Bands), t.Else) {
		if b.Low < 0 || b.Low > b.High {
			errs = append(errs, fmt.Errorf("%s: band %d (%s) has points %d–%d", name, i, b.Letter, b.Low, b.High))
		}
		if i > 0 && i < len(t.Bands) && b.Min > t.Bands[i-1].Min {
			errs = append(errs, fmt.Errorf("%s: band %d (%s) has a higher threshold than the band before it", name, i, b.Letter))
		}
	}
	return errors.Join(errs...)
}

// RevenueBand gives the minimum R&D expense ratio (condition C5) for
// enterprises whose latest-year sales are at most UpTo.
type RevenueBand struct {
	UpTo  money.Fen `json:"up_to"` // inclusive; 0 means no upper limit (the last band)
	MinBP int64     `json:"min_bp"`
}

// IPItemMax holds the maximum points of the five IP sub-items.
type IPItemMax struct {
	Advancement int `json:"advancement"`  // 技术的先进程度
	CoreSupport int `json:"core_support"` // 对主要产品（服务）在技术上发挥核心支持作用
	Quantity    int `json:"quantity"`     // 知识产权数量
	Acquisition int `json:"acquisition"`  // 知识产权获得方式
	Standards   int `json:"standards"`    // 参与编制标准等（加分项）
}

// OrgItemMax holds the maximum points of the four R&D-organisation items.
type OrgItemMax struct {
	Management  int `json:"management"`  // 研发组织管理制度、研发投入核算体系、研发费用辅助账
	Institution int `json:"institution"` // 内部研究开发机构、产学研合作
	Conversion  int `json:"conversion"`  // 成果转化激励奖励制度、创新创业平台
	Talent      int `json:"talent"`      // 人才培养、引进及绩效评价奖励制度
}

// HTEParams holds every threshold, band and weight of one version of the
// 高新技术企业认定 rules, so that a new year's policy is a new row of data
// rather than a change of code. Ratios are in basis points (6000 is 60%).
type HTEParams struct {
	RuleID        string        `json:"rule_id"`
	Document      string        `json:"document"`
	EffectiveFrom calendar.Date `json:"effective_from"`
	EffectiveTo   calendar.Date `json:"effective_to"` // zero means open-ended

	MinRegistrationDays int           `json:"min_registration_days"` // C1: registered more than one year
	TechAreas           []TechArea    `json:"tech_areas"`            // C3
	MinSTStaffBP        int64         `json:"min_st_staff_bp"`       // C4
	RDWindowYears       int           `json:"rd_window_years"`       // C5, C6: the last fiscal years summed
	RDRatio             []RevenueBand `json:"rd_ratio"`              // C5, by latest-year sales, ascending
	MinDomesticRDBP     int64         `json:"min_domestic_rd_bp"`    // C6
	MinHiTechIncomeBP   int64         `json:"min_hitech_income_bp"`  // C7
	ScoreAbove          int           `json:"score_above"`           // C8: the total must be more than this
	OtherRDCapBP        int64         `json:"other_rd_cap_bp"`       // "other" R&D expense at most this share of the total (a warning only)
	IPMax               int           `json:"ip_max"`                // the IP indicator is capped here
	IPItems             IPItemMax     `json:"ip_items"`              // the maxima of the five IP sub-items
	IPQuantityClassI    Table         `json:"ip_quantity_class_i"`   // quantity band by Class I items
	IPQuantityClassII   Table         `json:"ip_quantity_class_ii"`  // quantity band by Class II items
	ConversionYears     int           `json:"conversion_years"`      // the average is over at most this many years
	Conversion          Table         `json:"conversion"`            // by annual average, Scale 1
	OrgMax              int           `json:"org_max"`               // the organisation indicator is capped here
	OrgItems            OrgItemMax    `json:"org_items"`             // the maxima of the four organisation items
	Growth              Table         `json:"growth"`                // by growth rate, for each of net assets and sales
	ValidityYears       int           `json:"validity_years"`        // a certificate is valid this long
	RecertLeadMonths    int           `json:"recert_lead_months"`    // re-certification reminders start this many months before expiry
	ChangeReportMonths  int           `json:"change_report_months"`  // a material change is reported within this many months
	MissedReports       int           `json:"missed_reports"`        // this many missed annual reports make a revocation candidate
	MissedConsecutive   bool          `json:"missed_consecutive"`    // whether the missed years must be consecutive
}

// SMEParams holds every threshold and band of one version of the
// 科技型中小企业评价 rules. Ratios are in basis points.
type SMEParams struct {
	RuleID        string        `json:"rule_id"`
	Document      string        `json:"document"`
	EffectiveFrom calendar.Date `json:"effective_from"`
	EffectiveTo   calendar.Date `json:"effective_to"` // zero means open-ended

	MaxStaff       int       `json:"max_staff"`        // condition 2, inclusive
	MaxRevenue     money.Fen `json:"max_revenue"`      // condition 2, inclusive
	MaxTotalAssets money.Fen `json:"max_total_assets"` // condition 2, inclusive

	Personnel          Table `json:"personnel"`            // S&T staff ÷ employees, basis points
	RDBySales          Table `json:"rd_by_sales"`          // R&D ÷ sales, option 1
	RDByCost           Table `json:"rd_by_cost"`           // R&D ÷ total cost and expense, option 2
	AchievementClassI  Table `json:"achievement_class_i"`  // by Class I items
	AchievementClassII Table `json:"achievement_class_ii"` // by Class II items
	PassScore          int   `json:"pass_score"`           // the total must be at least this
	PersonnelNonZero   bool  `json:"personnel_non_zero"`   // and the personnel indicator must not be 0

	DirectLookbackYears int `json:"direct_lookback_years"` // awards and standards of the last this many years
	DirectAwardMaxRank  int `json:"direct_award_max_rank"` // national award: ranked in the top this many units
	DirectStandardRank  int `json:"direct_standard_rank"`  // standard: 1 = led the drafting; 5 = top-5 drafting unit
}

// Window returns the dates the rules are in force, EffectiveTo being zero
// when open-ended.
func (p HTEParams) Window() (from, to calendar.Date) { return p.EffectiveFrom, p.EffectiveTo }

// Window returns the dates the rules are in force, EffectiveTo being zero
// when open-ended.
func (p SMEParams) Window() (from, to calendar.Date) { return p.EffectiveFrom, p.EffectiveTo }

// TechAreas lists the 8 areas of 《国家重点支持的高新技术领域》 (annex of
// 国科发火〔2016〕32号) by their official names, which Facts.TechField holds.
var TechAreas = []TechArea{
	{Name: "电子信息", NameEN: "Electronic information"},
	{Name: "生物与新医药", NameEN: "Biology and new medicine"},
	{Name: "航空航天", NameEN: "Aerospace"},
	{Name: "新材料", NameEN: "New materials"},
	{Name: "高技术服务", NameEN: "High-tech services"},
	{Name: "新能源与节能", NameEN: "New energy and energy saving"},
	{Name: "资源与环境", NameEN: "Resources and environment"},
	{Name: "先进制造与自动化", NameEN: "Advanced manufacturing and automation"},
}

// yuan is one 元 in 分.
const yuan money.Fen = 100

// DefaultHTE returns the rules of 《高新技术企业认定管理办法》 (国科发火〔2016〕32号,
// in force from 2016-01-01) and 《高新技术企业认定管理工作指引》 (国科发火〔2016〕195号).
func DefaultHTE() HTEParams {
	return HTEParams{
		RuleID:        "hte-2016",
		Document:      "国科发火〔2016〕32号、国科发火〔2016〕195号",
		EffectiveFrom: calendar.Date{Year: 2016, Month: 1, Day: 1},

		MinRegistrationDays: 365,
		TechAreas:           slices.Clone(TechAreas),
		MinSTStaffBP:        1000,
		RDWindowYears:       3,
		RDRatio: []RevenueBand{
			{UpTo: 50_000_000 * yuan, MinBP: 500},
			{UpTo: 200_000_000 * yuan, MinBP: 400},
			{UpTo: 0, MinBP: 300},
		},
		MinDomesticRDBP:   6000,
		MinHiTechIncomeBP: 6000,
		ScoreAbove:        70,
		OtherRDCapBP:      2000,
		IPMax:             30,
		IPItems:           IPItemMax{Advancement: 8, CoreSupport: 8, Quantity: 8, Acquisition: 6, Standards: 2},
		IPQuantityClassI: Table{Scale: 1,
			Bands: []Band{{Letter: "A", Min: 1, Low: 7, High: 8}},
			Else:  Band{Letter: "E"},
		},
		IPQuantityClassII: Table{Scale: 1,
			Bands: []Band{
				{Letter: "B", Min: 5, Low: 5, High: 6},
				{Letter: "C", Min: 3, Low: 3, High: 4},
				{Letter: "D", Min: 1, Low: 1, High: 2},
			},
			Else: Band{Letter: "E"},
		},
		ConversionYears: 3,
		Conversion: Table{Scale: 1,
			Bands: []Band{
				{Letter: "A", Min: 5, Low: 25, High: 30},
				{Letter: "B", Min: 4, Low: 19, High: 24},
				{Letter: "C", Min: 3, Low: 13, High: 18},
				{Letter: "D", Min: 2, Low: 7, High: 12},
				{Letter: "E", Min: 1, Low: 1, High: 6},
			},
			Else: Band{Letter: "F"},
		},
		OrgMax:   20,
		OrgItems: OrgItemMax{Management: 6, Institution: 6, Conversion: 4, Talent: 4},
		Growth: Table{Scale: 10000,
			Bands: []Band{
				{Letter: "A", Min: 3500, Low: 9, High: 10},
				{Letter: "B", Min: 2500, Low: 7, High: 8},
				{Letter: "C", Min: 1500, Low: 5, High: 6},
				{Letter: "D", Min: 500, Low: 3, High: 4},
				{Letter: "E", Min: 0, Exclusive: true, Low: 1, High: 2},
			},
			Else: Band{Letter: "F"},
		},
		ValidityYears:      3,
		RecertLeadMonths:   10,
		ChangeReportMonths: 3,
		MissedReports:      2,
		MissedConsecutive:  false,
	}
}

// DefaultSME returns the rules of 《科技型中小企业评价办法》 (国科发政〔2017〕115号,
// in force from its issue on 2017-05-03).
func DefaultSME() SMEParams {
	return SMEParams{
		RuleID:        "sme-2017",
		Document:      "国科发政〔2017〕115号",
		EffectiveFrom: calendar.Date{Year: 2017, Month: 5, Day: 3},

		MaxStaff:       500,
		MaxRevenue:     200_000_000 * yuan,
		MaxTotalAssets: 200_000_000 * yuan,

		Personnel: Table{Scale: 10000, Bands: []Band{
			{Min: 3000, Low: 20, High: 20},
			{Min: 2500, Low: 16, High: 16},
			{Min: 2000, Low: 12, High: 12},
			{Min: 1500, Low: 8, High: 8},
			{Min: 1000, Low: 4, High: 4},
		}},
		RDBySales: Table{Scale: 10000, Bands: []Band{
			{Min: 600, Low: 50, High: 50},
			{Min: 500, Low: 40, High: 40},
			{Min: 400, Low: 30, High: 30},
			{Min: 300, Low: 20, High: 20},
			{Min: 200, Low: 10, High: 10},
		}},
		RDByCost: Table{Scale: 10000, Bands: []Band{
			{Min: 3000, Low: 50, High: 50},
			{Min: 2500, Low: 40, High: 40},
			{Min: 2000, Low: 30, High: 30},
			{Min: 1500, Low: 20, High: 20},
			{Min: 1000, Low: 10, High: 10},
		}},
		AchievementClassI: Table{Scale: 1, Bands: []Band{
			{Min: 1, Low: 30, High: 30},
		}},
		AchievementClassII: Table{Scale: 1, Bands: []Band{
			{Min: 4, Low: 24, High: 24},
			{Min: 3, Low: 18, High: 18},
			{Min: 2, Low: 12, High: 12},
			{Min: 1, Low: 6, High: 6},
		}},
		PassScore:        60,
		PersonnelNonZero: true,

		DirectLookbackYears: 5,
		DirectAwardMaxRank:  3,
		DirectStandardRank:  1,
	}
}

// Validate reports every parameter that would make the rules meaningless,
// such as a band with Low above High or thresholds out of order. Rows read
// from the database should be validated before use.
func (p HTEParams) Validate() error {
	errs := validateWindow(p.RuleID, p.EffectiveFrom, p.EffectiveTo)
	for _, f := range []named[int]{
		{"min_registration_days", p.MinRegistrationDays}, {"rd_window_years", p.RDWindowYears},
		{"conversion_years", p.ConversionYears}, {"validity_years", p.ValidityYears},
		{"missed_reports", p.MissedReports},
	} {
		if f.v < 1 {
			errs = append(errs, fmt.Errorf("%s: %d must be at least 1", f.name, f.v))
		}
	}
	for _, f := range []named[int]{
		{"ip_max", p.IPMax}, {"org_max", p.OrgMax}, {"recert_lead_months", p.RecertLeadMonths},
		{"change_report_months", p.ChangeReportMonths},
		{"ip_items.advancement", p.IPItems.Advancement}, {"ip_items.core_support", p.IPItems.CoreSupport},
		{"ip_items.quantity", p.IPItems.Quantity}, {"ip_items.acquisition", p.IPItems.Acquisition},
		{"ip_items.standards", p.IPItems.Standards}, {"org_items.management", p.OrgItems.Management},
		{"org_items.institution", p.OrgItems.Institution}, {"org_items.conversion", p.OrgItems.Conversion},
		{"org_items.talent", p.OrgItems.Talent},
	} {
		if f.v < 0 {
			errs = append(errs, fmt.Errorf("%s: %d must not be negative", f.name, f.v))
		}
	}
	for _, f := range []named[int64]{
		{"min_st_staff_bp", p.MinSTStaffBP}, {"min_domestic_rd_bp", p.MinDomesticRDBP},
		{"min_hitech_income_bp", p.MinHiTechIncomeBP}, {"other_rd_cap_bp", p.OtherRDCapBP},
	} {
		if f.v < 0 || f.v >= 10000 {
			errs = append(errs, fmt.Errorf("%s: %d must be from 0 to 9999 basis points", f.name, f.v))
		}
	}
	if len(p.TechAreas) == 0 {
		errs = append(errs, errors.New("tech_areas: the list is empty"))
	}
	seen := map[string]bool{}
	for _, a := range p.TechAreas {
		if a.Name == "" || seen[a.Name] {
			errs = append(errs, fmt.Errorf("tech_areas: %q is empty or repeated", a.Name))
		}
		seen[a.Name] = true
	}
	if len(p.RDRatio) == 0 || p.RDRatio[len(p.RDRatio)-1].UpTo != 0 {
		errs = append(errs, errors.New("rd_ratio: the last band must have no upper limit (up_to 0)"))
	}
	for i, b := range p.RDRatio {
		if b.MinBP < 0 || b.MinBP > 10000 {
			errs = append(errs, fmt.Errorf("rd_ratio: band %d: %d basis points", i, b.MinBP))
		}
		if i < len(p.RDRatio)-1 && (b.UpTo <= 0 || i > 0 && b.UpTo <= p.RDRatio[i-1].UpTo) {
			errs = append(errs, fmt.Errorf("rd_ratio: band %d: up_to must be positive and ascending", i))
		}
	}
	for _, t := range []named[Table]{
		{"ip_quantity_class_i", p.IPQuantityClassI}, {"ip_quantity_class_ii", p.IPQuantityClassII},
		{"conversion", p.Conversion}, {"growth", p.Growth},
	} {
		errs = append(errs, t.v.validate(t.name))
	}
	return errors.Join(errs...)
}

// Validate reports every parameter that would make the rules meaningless.
func (p SMEParams) Validate() error {
	errs := validateWindow(p.RuleID, p.EffectiveFrom, p.EffectiveTo)
	if p.MaxStaff < 1 || p.MaxRevenue < 1 || p.MaxTotalAssets < 1 {
		errs = append(errs, errors.New("max_staff, max_revenue and max_total_assets must be positive"))
	}
	if p.DirectLookbackYears < 0 || p.DirectAwardMaxRank < 0 || p.DirectStandardRank < 0 {
		errs = append(errs, errors.New("direct_lookback_years and the direct ranks must not be negative"))
	}
	for _, t := range []named[Table]{
		{"personnel", p.Personnel}, {"rd_by_sales", p.RDBySales}, {"rd_by_cost", p.RDByCost},
		{"achievement_class_i", p.AchievementClassI}, {"achievement_class_ii", p.AchievementClassII},
	} {
		errs = append(errs, t.v.validate(t.name))
	}
	return errors.Join(errs...)
}

// named is a parameter with its JSON name, for error messages.
type named[T any] struct {
	name string
	v    T
}

func validateWindow(id string, from, to calendar.Date) []error {
	var errs []error
	if id == "" {
		errs = append(errs, errors.New("rule_id: empty"))
	}
	if !from.IsValid() {
		errs = append(errs, errors.New("effective_from: not a valid date"))
	}
	if !to.IsZero() && (!to.IsValid() || to.Before(from)) {
		errs = append(errs, errors.New("effective_to: not a valid date on or after effective_from"))
	}
	return errs
}

// Versioned is a set of rules with an effective-date window.
type Versioned interface {
	Window() (from, to calendar.Date)
}

// InForce returns the rules of list in force on the date on: those whose
// window contains on (both ends inclusive, a zero end being open). When
// windows overlap, the one that took effect latest wins, and of those the
// later in the list, so a correction can be appended as a new row.
func InForce[P Versioned](list []P, on calendar.Date) (P, bool) {
	var best P
	var bestFrom calendar.Date
	found := false
	for _, p := range list {
		from, to := p.Window()
		if on.Before(from) || !to.IsZero() && on.After(to) {
			continue
		}
		if !found || !from.Before(bestFrom) {
			best, bestFrom, found = p, from, true
		}
	}
	return best, found
}

// Policies holds every version of the rules the bureau has recorded.
type Policies struct {
	HTE []HTEParams `json:"hte"`
	SME []SMEParams `json:"sme"`
}

// DefaultPolicies returns the built-in versions: DefaultHTE and DefaultSME.
func DefaultPolicies() Policies {
	return Policies{HTE: []HTEParams{DefaultHTE()}, SME: []SMEParams{DefaultSME()}}
}

// HTEOn returns the 高新技术企业认定 rules in force on the date on.
func (ps Policies) HTEOn(on calendar.Date) (HTEParams, bool) { return InForce(ps.HTE, on) }

// SMEOn returns the 科技型中小企业评价 rules in force on the date on.
func (ps Policies) SMEOn(on calendar.Date) (SMEParams, bool) { return InForce(ps.SME, on) }
