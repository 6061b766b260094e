// Package incubator keeps the district's S&T business incubators (科技企业孵化器):
// the registry with its tenants and graduates, the yearly figures the
// evaluation reads, the yearly grade A–D, the pre-checks for recognition,
// and the 招商 list of the city innovation centre.
package incubator

import (
	"strconv"

	"kejiju/internal/calendar"
	"kejiju/internal/money"
)

// Level is an incubator's recognition level.
type Level string

// The levels.
const (
	National   Level = "national"   // 国家级
	Provincial Level = "provincial" // 省级
	City       Level = "city"       // 市级
	None       Level = "none"       // 未认定
)

// Levels lists the levels in display order.
var Levels = []Level{National, Provincial, City, None}

// Grade is a yearly evaluation grade: 优秀 A, 良好 B, 合格 C, 不合格 D
// (国科火字〔2019〕239号).
type Grade string

// The grades.
const (
	GradeA Grade = "A"
	GradeB Grade = "B"
	GradeC Grade = "C"
	GradeD Grade = "D"
)

// Figures are one year's statistics of an incubator, as reported: counts of
// tenants and what became of them, staff, money (fen), services.
type Figures struct {
	Year               int       `json:"year"`
	Tenants            int       `json:"tenants"`             // 在孵企业
	NewTenants         int       `json:"new_tenants"`         // 当年新增
	Graduates          int       `json:"graduates"`           // 当年毕业
	GraduatesTotal     int       `json:"graduates_total"`     // 累计毕业
	Staff              int       `json:"staff"`               // 管理机构从业人员
	StaffProfessional  int       `json:"staff_professional"`  // 专业孵化服务人员
	Mentors            int       `json:"mentors"`             // 创业导师
	Fund               money.Fen `json:"fund"`                // 孵化基金（种子资金）
	TenantsFinanced    int       `json:"tenants_financed"`    // 获得投融资的在孵企业
	FundCases          int       `json:"fund_cases"`          // 孵化基金使用案例
	TenantsPatent      int       `json:"tenants_patent"`      // 申请专利的在孵企业
	TenantsValidIP     int       `json:"tenants_valid_ip"`    // 拥有有效知识产权的在孵企业
	TenantsGrown       int       `json:"tenants_grown"`       // 营业收入或研发投入增长超过20%的在孵企业
	Services           int       `json:"services"`            // 服务活动（次）
	ServiceIncome      money.Fen `json:"service_income"`      // 非房租综合服务收入
	TotalIncome        money.Fen `json:"total_income"`        // 总收入
	StatisticsReported bool      `json:"statistics_reported"` // 按时报送火炬统计
}

// Check is one condition of a pre-check: its code (the i18n key is
// "incubator.cond.<code>"), what it needs and what the incubator has.
type Check struct {
	Code string `json:"code"`
	Need string `json:"need"`
	Got  string `json:"got"`
	OK   bool   `json:"ok"`
}

// Precheck is the outcome of a recognition pre-check: every condition, in
// order, and whether all hold.
type Precheck struct {
	Profile string  `json:"profile"`
	Doc     string  `json:"doc"`
	Checks  []Check `json:"checks"`
	OK      bool    `json:"ok"`
}

// Failing returns the codes of the conditions that do not hold.
func (p *Precheck) Failing() []string {
	var out []string
	for _, c := range p.Checks {
		if !c.OK {
			out = append(out, c.Code)
		}
	}
	return out
}

// Facts is what a pre-check reads: the incubator's record, the latest
// yearly figures and how many consecutive years statistics were reported.
type Facts struct {
	RegionCode      string        `json:"region_code"`
	Specialised     bool          `json:"specialised"`
	AreaM2          int           `json:"area_m2"`
	TenantAreaM2    int           `json:"tenant_area_m2"`
	OperatingSince  calendar.Date `json:"operating_since"`
	StatisticsYears int           `json:"statistics_years"`
	Figures         Figures       `json:"figures"`
}

// The pre-check profiles.
const (
	ProfileNational = "national"  // 国科发区〔2018〕300号
	ProfileAnhui    = "anhui2013" // 科高〔2013〕105号
)

// Profiles lists the pre-check profiles.
var Profiles = []string{ProfileAnhui, ProfileNational}

func itoa(n int) string { return strconv.Itoa(n) }

// pct shows n/d as a whole percentage (rounded down), "–" without a base.
func pct(n, d int) string {
	if d <= 0 {
		return "–"
	}
	return itoa(n*100/d) + "%"
}

// ceilDiv is ⌈a/b⌉ for a ≥ 0, b > 0.
func ceilDiv(a, b int) int { return (a + b - 1) / b }

// yearsBetween is the number of whole years from a to b (0 when a is zero
// or after b).
func yearsBetween(a, b calendar.Date) int {
	if a.IsZero() || b.Before(a) {
		return 0
	}
	n := b.Year - a.Year
	if b.Before(a.AddYears(n)) {
		n--
	}
	return n
}

// MonthsBetween is the number of whole months from a to b (0 when b is
// before a): 2022-01-10 to 2026-01-10 is 48.
func MonthsBetween(a, b calendar.Date) int {
	if a.IsZero() || b.Before(a) {
		return 0
	}
	n := (b.Year-a.Year)*12 + int(b.Month) - int(a.Month)
	if b.Day < a.Day {
		n--
	}
	return max(n, 0)
}

// NationalCheck pre-checks national-level recognition under 《科技企业孵化器
// 管理办法》(国科发区〔2018〕300号) 第八条 on the day on. A specialised
// incubator has the lower tenant, density and graduate thresholds of its
// sub-rule. Staff and mentors per tenants read "每10家至少1名" as
// ⌈tenants/10⌉ (an interpretation).
func NationalCheck(f Facts, on calendar.Date) *Precheck {
	fg := f.Figures
	p := &Precheck{Profile: ProfileNational, Doc: "国科发区〔2018〕300号"}
	add := func(code string, ok bool, need, got string) {
		p.Checks = append(p.Checks, Check{Code: code, Need: need, Got: got, OK: ok})
	}
	years := yearsBetween(f.OperatingSince, on)
	add("operating_years", years >= 3, "≥ 3", itoa(years))
	add("statistics_years", f.StatisticsYears >= 2, "≥ 2", itoa(f.StatisticsYears))
	add("space", f.AreaM2 >= 10000, "≥ 10000 m²", itoa(f.AreaM2)+" m²")
	add("tenant_area", f.AreaM2 > 0 && f.TenantAreaM2*100 >= 75*f.AreaM2, "≥ 75%", pct(f.TenantAreaM2, f.AreaM2))
	add("fund", fg.Fund >= 500_000_000, "≥ 500万元", money.FormatWan(fg.Fund))
	add("financed", fg.Tenants > 0 && fg.TenantsFinanced*10 >= fg.Tenants, "≥ 10%", pct(fg.TenantsFinanced, fg.Tenants))
	add("fund_cases", fg.FundCases >= 3, "≥ 3", itoa(fg.FundCases))
	add("professional_share", fg.Staff > 0 && fg.StaffProfessional*10 >= 8*fg.Staff, "≥ 80%", pct(fg.StaffProfessional, fg.Staff))
	need := ceilDiv(fg.Tenants, 10)
	add("professional_per_tenants", fg.StaffProfessional >= need, "≥ "+itoa(need), itoa(fg.StaffProfessional))
	add("mentors_per_tenants", fg.Mentors >= need, "≥ "+itoa(need), itoa(fg.Mentors))
	patentOK := fg.Tenants > 0 && fg.TenantsPatent*2 >= fg.Tenants
	ipOK := fg.Tenants > 0 && fg.TenantsValidIP*10 >= 3*fg.Tenants
	add("ip", patentOK || ipOK, "≥ 50% / ≥ 30%", pct(fg.TenantsPatent, fg.Tenants)+" / "+pct(fg.TenantsValidIP, fg.Tenants))
	minTenants, density, minGrads := 50, 3, 20
	if f.Specialised {
		minTenants, density, minGrads = 30, 2, 15
	}
	add("tenants", fg.Tenants >= minTenants, "≥ "+itoa(minTenants), itoa(fg.Tenants))
	got := "–"
	if f.AreaM2 > 0 {
		got = strconv.FormatFloat(float64(fg.Tenants)*1000/float64(f.AreaM2), 'f', 1, 64)
	}
	add("density", f.AreaM2 > 0 && fg.Tenants*1000 >= density*f.AreaM2, "≥ "+itoa(density)+" / 1000 m²", got)
	add("graduates", fg.GraduatesTotal >= minGrads, "≥ "+itoa(minGrads), itoa(fg.GraduatesTotal))
	p.OK = len(p.Failing()) == 0
	return p
}

// AnhuiFacts adds what the Anhui profile reads beyond Facts.
type AnhuiFacts struct {
	Managers           int  `json:"managers"`             // 中高层管理人员
	ManagersWithDegree int  `json:"managers_with_degree"` // 其中大专以上学历
	InvestmentLinks    bool `json:"investment_links"`     // 与创投、担保等机构建立联系
}

// AnhuiCheck pre-checks Anhui provincial recognition by the 2013 rules
// (科高〔2013〕105号), the latest whose thresholds are known: the 2020
// version (皖科区〔2020〕21号) publishes none found so far, so this profile is
// the pre-check until its thresholds are entered. A specialised incubator
// needs 2,000 m², 10 tenants and 3 graduates.
func AnhuiCheck(f Facts, a AnhuiFacts, on calendar.Date) *Precheck {
	fg := f.Figures
	p := &Precheck{Profile: ProfileAnhui, Doc: "科高〔2013〕105号"}
	add := func(code string, ok bool, need, got string) {
		p.Checks = append(p.Checks, Check{Code: code, Need: need, Got: got, OK: ok})
	}
	inAnhui := len(f.RegionCode) >= 2 && f.RegionCode[:2] == "34"
	add("in_anhui", inAnhui, "34…", f.RegionCode)
	add("managers_degree", a.Managers > 0 && a.ManagersWithDegree*2 >= a.Managers, "≥ 50%", pct(a.ManagersWithDegree, a.Managers))
	minArea, minTenants, minGrads := 3000, 20, 5
	if f.Specialised {
		minArea, minTenants, minGrads = 2000, 10, 3
	}
	add("space", f.AreaM2 >= minArea, "≥ "+itoa(minArea)+" m²", itoa(f.AreaM2)+" m²")
	add("tenant_area", f.AreaM2 > 0 && f.TenantAreaM2*3 >= 2*f.AreaM2, "≥ 2/3", pct(f.TenantAreaM2, f.AreaM2))
	add("tenants", fg.Tenants >= minTenants, "≥ "+itoa(minTenants), itoa(fg.Tenants))
	add("graduates", fg.GraduatesTotal >= minGrads, "≥ "+itoa(minGrads), itoa(fg.GraduatesTotal))
	add("statistics", fg.StatisticsReported, "✓", yesNo(fg.StatisticsReported))
	add("investment_links", a.InvestmentLinks, "✓", yesNo(a.InvestmentLinks))
	years := yearsBetween(f.OperatingSince, on)
	add("operating_years", years >= 1, "≥ 1", itoa(years))
	p.OK = len(p.Failing()) == 0
	return p
}

func yesNo(b bool) string {
	if b {
		return "✓"
	}
	return "✗"
}

// --- Tenants ---

// MaxAgeAtEntryMonths: a tenant is established at most 24 months before it
// enters (国科发区〔2018〕300号 第十条).
const MaxAgeAtEntryMonths = 24

// Incubation periods in months: 48 in principle, 60 in the special fields
// (biomedicine, integrated circuits, modern agriculture; the 60 is [V3]).
const (
	IncubationMonths     = 48
	IncubationMonthsLong = 60
)

// Counts reports whether a tenant established on established and entering
// on entered counts as a tenant: established at most 24 whole months
// before. An unknown establishment date counts (the register checks it).
func Counts(established, entered calendar.Date) bool {
	if established.IsZero() {
		return true
	}
	return MonthsBetween(established, entered) <= MaxAgeAtEntryMonths &&
		!(MonthsBetween(established, entered) == MaxAgeAtEntryMonths && entered.Day > established.Day)
}

// Overdue reports whether a tenant that entered on entered and is still in
// the incubator on on has used up its incubation period: 48 whole months
// passed means it is in its 49th month (60 in a special field).
func Overdue(entered, on calendar.Date, longField bool) bool {
	limit := IncubationMonths
	if longField {
		limit = IncubationMonthsLong
	}
	return MonthsBetween(entered, on) >= limit
}

// --- Yearly grade ---

// Indicator is one weighted indicator of a scheme: its key (the i18n key
// is "incubator.ind.<key>"), its weight in points and the value that earns
// the full weight (a count, fen, or a share in per mille).
type Indicator struct {
	Key    string `json:"key"`
	Weight int    `json:"weight"`
	Target int64  `json:"target"`
}

// Scheme is a yearly evaluation scheme: its indicators (weights adding to
// 100) and the score cut-offs of grades A, B and C in tenths of a point.
type Scheme struct {
	ID         string      `json:"id"`
	Doc        string      `json:"doc"`
	Indicators []Indicator `json:"indicators"`
	CutA       int         `json:"cut_a"`
	CutB       int         `json:"cut_b"`
	CutC       int         `json:"cut_c"`
}

// DefaultScheme is the district's scheme. The indicator weights of
// 国科火字〔2019〕239号 were not found (domain rules §14 item 7): these
// parameters follow its structure (incubated enterprises and efficiency,
// service capacity, the MIIT standard-level shares of 2025) and are data,
// to be replaced by the official weights when known.
var DefaultScheme = Scheme{
	ID:  "district-2026",
	Doc: "参照国科火字〔2019〕239号指标体系结构及工信部科〔2025〕131号标准级条件；权重为本区参数，待核",
	Indicators: []Indicator{
		{Key: "tenants", Weight: 15, Target: 50},
		{Key: "graduates", Weight: 15, Target: 5},
		{Key: "financed_share", Weight: 15, Target: 200},  // 20% of tenants financed
		{Key: "fund", Weight: 10, Target: 500_000_000},    // 500万元 seed fund
		{Key: "ip_share", Weight: 15, Target: 300},        // 30% of tenants with valid IP
		{Key: "grown_share", Weight: 10, Target: 300},     // 30% of tenants grew > 20%
		{Key: "service_income", Weight: 10, Target: 300},  // 30% of income not rent
		{Key: "mentors_per_10", Weight: 10, Target: 1000}, // 1 mentor per 10 tenants
	},
	CutA: 850, CutB: 700, CutC: 600,
}

// Line is one indicator's part of a score.
type Line struct {
	Key    string `json:"key"`
	Value  int64  `json:"value"`
	Target int64  `json:"target"`
	Weight int    `json:"weight"`
	Tenths int    `json:"tenths"`
}

// Points shows the line's part of the score with one decimal.
func (l Line) Points() string { return Points(l.Tenths) }

// Score is a yearly score: total in tenths of a point, its grade, the lines.
type Score struct {
	Scheme string `json:"scheme"`
	Tenths int    `json:"tenths"`
	Grade  Grade  `json:"grade"`
	Lines  []Line `json:"lines"`
	// Unreported is set when the year's statistics were not reported: the
	// year cannot pass, whatever the figures (grade D).
	Unreported bool `json:"unreported"`
}

// Points shows the score as points with one decimal (853 → "85.3").
func (s Score) Points() string { return Points(s.Tenths) }

// Points shows tenths of a point with one decimal.
func Points(tenths int) string { return itoa(tenths/10) + "." + itoa(tenths%10) }

// perMille is n/d in per mille, rounded down (0 without a base).
func perMille(n, d int) int64 {
	if d <= 0 {
		return 0
	}
	return int64(n) * 1000 / int64(d)
}

// value is an indicator's value from the figures.
func value(key string, f Figures) int64 {
	switch key {
	case "tenants":
		return int64(f.Tenants)
	case "graduates":
		return int64(f.Graduates)
	case "financed_share":
		return perMille(f.TenantsFinanced, f.Tenants)
	case "fund":
		return int64(f.Fund)
	case "ip_share":
		return perMille(f.TenantsValidIP, f.Tenants)
	case "grown_share":
		return perMille(f.TenantsGrown, f.Tenants)
	case "service_income":
		if f.TotalIncome <= 0 {
			return 0
		}
		return int64(f.ServiceIncome) * 1000 / int64(f.TotalIncome)
	case "mentors_per_10":
		return perMille(f.Mentors*10, f.Tenants)
	}
	return 0
}

// Assess scores a year's figures by the scheme: each indicator earns its
// weight in proportion to its value against its target, capped at the
// weight, in whole tenths of a point rounded down; the total gives the
// grade by the cut-offs. Unreported statistics give grade D.
func (s Scheme) Assess(f Figures) Score {
	out := Score{Scheme: s.ID, Unreported: !f.StatisticsReported}
	for _, ind := range s.Indicators {
		v := value(ind.Key, f)
		full := int64(ind.Weight) * 10
		t := full
		if ind.Target > 0 && v < ind.Target {
			t = max(v, 0) * full / ind.Target
		}
		out.Lines = append(out.Lines, Line{Key: ind.Key, Value: v, Target: ind.Target, Weight: ind.Weight, Tenths: int(t)})
		out.Tenths += int(t)
	}
	switch {
	case out.Unreported:
		out.Grade = GradeD
	case out.Tenths >= s.CutA:
		out.Grade = GradeA
	case out.Tenths >= s.CutB:
		out.Grade = GradeB
	case out.Tenths >= s.CutC:
		out.Grade = GradeC
	default:
		out.Grade = GradeD
	}
	return out
}

// Revoked applies the municipal rule that two consecutive failing years
// revoke the status (新乡 新科〔2021〕50号 第十七条, the example profile): it
// returns the second year of the first such pair, or 0.
func Revoked(grades map[int]Grade) int {
	first := 0
	for y, g := range grades {
		if g == GradeD && grades[y+1] == GradeD && (first == 0 || y+1 < first) {
			first = y + 1
		}
	}
	return first
}

// LegacyEnd is the last day the former national-level status counts after
// incubator management moved to MIIT (工信部科〔2025〕131号).
var LegacyEnd = calendar.Date{Year: 2027, Month: 12, Day: 31}

// LegacyExpired reports whether a national-level incubator without a new
// MIIT level (标准级/卓越级) has lost its status on the day on.
func LegacyExpired(level Level, miitLevel string, on calendar.Date) bool {
	return level == National && miitLevel == "" && on.After(LegacyEnd)
}
