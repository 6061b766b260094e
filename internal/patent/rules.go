// Package patent keeps the district's patents (专利): one record per
// application number (专利申请号, checked by ident.ParsePatentNumber), its
// legal-status history, imports of patent lists from search services,
// statistics by period, type, township and enterprise (the same period last
// year and the change; valid invention patents per 10,000 residents),
// patent pledge loans (专利质押贷款) and patent agencies (代理机构).
//
// The rules (domain-rules.md §3.3, §7.1): the type comes from the type
// digit of the number — 1 and 8 (PCT) invention, 2 and 9 (PCT) utility
// model, 3 design; each application number counts once; an application
// counts in the period of its application date, a grant in the period of
// its grant date.
package patent

import (
	"fmt"
	"math/big"
	"slices"
	"time"

	"kejiju/internal/calendar"
	"kejiju/internal/ident"
)

// The patent types the bureau counts.
const (
	Invention = "invention" // 发明
	Utility   = "utility"   // 实用新型
	Design    = "design"    // 外观设计
)

// Types lists the types in display order.
var Types = []string{Invention, Utility, Design}

// TypeOf classifies an application number: PCT applications entering the
// Chinese national phase count as their kind.
func TypeOf(n ident.PatentNumber) (typ string, pct bool) {
	switch n.Type {
	case ident.Invention:
		return Invention, false
	case ident.PCTInvention:
		return Invention, true
	case ident.UtilityModel:
		return Utility, false
	case ident.PCTUtilityModel:
		return Utility, true
	default:
		return Design, false
	}
}

// The legal statuses of a patent.
const (
	Applied   = "applied"   // 申请（在审）
	Granted   = "granted"   // 授权
	Valid     = "valid"     // 有效（授权后维持）
	Rejected  = "rejected"  // 驳回
	Withdrawn = "withdrawn" // 撤回
	Lapsed    = "lapsed"    // 失效（终止）
)

// Statuses lists the statuses in display order.
var Statuses = []string{Applied, Granted, Valid, Rejected, Withdrawn, Lapsed}

var statusLabels = map[string]string{Applied: "申请", Granted: "授权", Valid: "有效", Rejected: "驳回", Withdrawn: "撤回", Lapsed: "失效"}

// StatusName is a legal status as the bureau writes it (申请, 授权, 有效,
// 驳回, 撤回, 失效), for messages; an unknown status as it is.
func StatusName(s string) string {
	if n, ok := statusLabels[s]; ok {
		return n
	}
	return s
}

// transitions are the legal-status changes a patent may go through. An
// application may be reported already valid (granted and maintained); a
// lapsed patent may be restored (恢复权利). Rejected and withdrawn
// applications are final.
var transitions = map[string][]string{
	Applied: {Granted, Valid, Rejected, Withdrawn},
	Granted: {Valid, Lapsed},
	Valid:   {Lapsed},
	Lapsed:  {Valid},
}

// CanMove reports whether a patent may go from status from to status to.
// Staying in the same status is not a move.
func CanMove(from, to string) bool { return slices.Contains(transitions[from], to) }

// IsGrantedStatus reports whether a status means the patent was granted.
func IsGrantedStatus(s string) bool { return s == Granted || s == Valid || s == Lapsed }

// InForce reports whether a status means the patent is in force (有效).
func InForce(s string) bool { return s == Granted || s == Valid }

// CheckDates returns the message key of what is wrong with a record's
// dates and status, or "": a granted (or valid, or lapsed) patent needs a
// grant date on or after its application date; a patent that was never
// granted has none; the application date is not after the number's year
// (a number is given at filing; a divisional or PCT national-phase number
// may be later than the application date it keeps, never earlier).
func CheckDates(n ident.PatentNumber, status string, applied, granted calendar.Date) (field, key string) {
	switch {
	case applied.IsZero():
		return "application_date", "error.required"
	case applied.Year > n.Year:
		return "application_date", "patent.date.year_mismatch"
	case IsGrantedStatus(status) && granted.IsZero():
		return "grant_date", "patent.date.grant_required"
	case !IsGrantedStatus(status) && !granted.IsZero():
		return "grant_date", "patent.date.grant_unexpected"
	case !granted.IsZero() && granted.Before(applied):
		return "grant_date", "patent.date.grant_before_application"
	}
	return "", ""
}

// PeriodKind is how a period is cut from a year.
type PeriodKind string

// The kinds of period.
const (
	Month   PeriodKind = "month"   // one month, N = 1–12
	Quarter PeriodKind = "quarter" // N = 1–4
	Half    PeriodKind = "half"    // N = 1–2
	Year    PeriodKind = "year"    // the whole year
	ToMonth PeriodKind = "ytd"     // January to month N (1–N月), the work report's period
)

// Period is a stretch of a year the statistics count in.
type Period struct {
	Year int        `json:"year"`
	Kind PeriodKind `json:"kind"`
	N    int        `json:"n"`
}

// Valid reports whether the period names a real stretch of a year.
func (p Period) Valid() bool {
	if p.Year < 1985 || p.Year > 2200 {
		return false
	}
	switch p.Kind {
	case Month, ToMonth:
		return p.N >= 1 && p.N <= 12
	case Quarter:
		return p.N >= 1 && p.N <= 4
	case Half:
		return p.N >= 1 && p.N <= 2
	case Year:
		return true
	}
	return false
}

// Months returns the first and last month of the period.
func (p Period) Months() (first, last int) {
	switch p.Kind {
	case Month:
		return p.N, p.N
	case Quarter:
		return 3*p.N - 2, 3 * p.N
	case Half:
		return 6*p.N - 5, 6 * p.N
	case ToMonth:
		return 1, p.N
	}
	return 1, 12
}

// Range returns the first day of the period and the first day after it.
func (p Period) Range() (from, until calendar.Date) {
	first, last := p.Months()
	from = calendar.Date{Year: p.Year, Month: time.Month(first), Day: 1}
	until = calendar.Date{Year: p.Year, Month: time.Month(last) + 1, Day: 1}
	if last == 12 {
		until = calendar.Date{Year: p.Year + 1, Month: time.January, Day: 1}
	}
	return from, until
}

// LastYear is the same period a year earlier (同期).
func (p Period) LastYear() Period { p.Year--; return p }

// Contains reports whether d lies in the period.
func (p Period) Contains(d calendar.Date) bool {
	from, until := p.Range()
	return !d.IsZero() && !d.Before(from) && d.Before(until)
}

// Label names the period in Chinese, as the work report does: 2026年1–5月,
// 2026年第二季度, 2026年上半年, 2026年3月, 2026年.
func (p Period) Label() string {
	switch p.Kind {
	case Month:
		return fmt.Sprintf("%d年%d月", p.Year, p.N)
	case Quarter:
		return fmt.Sprintf("%d年第%s季度", p.Year, []string{"一", "二", "三", "四"}[p.N-1])
	case Half:
		return fmt.Sprintf("%d年%s", p.Year, []string{"上半年", "下半年"}[p.N-1])
	case ToMonth:
		if p.N == 1 {
			return fmt.Sprintf("%d年1月", p.Year)
		}
		return fmt.Sprintf("%d年1–%d月", p.Year, p.N)
	}
	return fmt.Sprintf("%d年", p.Year)
}

// Bucket returns the index, from 0, of the bucket of month m (1–12) when a
// year is cut into buckets of the kind: months 0–11, quarters 0–3, halves
// 0–1, a year (or year-to-date) 0.
func Bucket(kind PeriodKind, m int) int {
	switch kind {
	case Month:
		return m - 1
	case Quarter:
		return (m - 1) / 3
	case Half:
		return (m - 1) / 6
	}
	return 0
}

// Buckets returns how many buckets of the kind a year has.
func Buckets(kind PeriodKind) int {
	switch kind {
	case Month:
		return 12
	case Quarter:
		return 4
	case Half:
		return 2
	}
	return 1
}

// Change is a figure beside the same period last year (同比).
type Change struct {
	Now  int `json:"now"`
	Then int `json:"then"`
	Diff int `json:"diff"`
	// PerMille is (now − then) / then in thousandths, rounded half away
	// from zero; it is meaningless (and 0) when Then is 0.
	PerMille int  `json:"per_mille"`
	HasRate  bool `json:"has_rate"`
}

// Compare returns now beside then.
func Compare(now, then int) Change {
	c := Change{Now: now, Then: then, Diff: now - then}
	if then > 0 {
		c.HasRate = true
		c.PerMille = divRound(int64(c.Diff)*1000, int64(then))
	}
	return c
}

// Percent formats the rate as a signed percentage with one decimal, such as
// +12.5% or −3.0%, or "—" when there is no rate (nothing last year).
func (c Change) Percent() string {
	if !c.HasRate {
		return "—"
	}
	sign, v := "+", c.PerMille
	if v < 0 {
		sign, v = "−", -v
	}
	return fmt.Sprintf("%s%d.%d%%", sign, v/10, v%10)
}

// divRound divides, rounding half away from zero.
func divRound(a, b int64) int {
	neg := (a < 0) != (b < 0)
	if a < 0 {
		a = -a
	}
	if b < 0 {
		b = -b
	}
	q := (2*a + b) / (2 * b)
	if neg {
		q = -q
	}
	return int(q)
}

// PerTenThousand is count per 10,000 residents of a population, exact, as
// a fraction; nil when the population is unknown (0 or less).
func PerTenThousand(count int, population int64) *big.Rat {
	if population <= 0 {
		return nil
	}
	return big.NewRat(int64(count)*10000, population)
}

// FormatRatio writes a ratio with two decimals, rounded half up (the
// statistical convention), or "—" for nil.
func FormatRatio(r *big.Rat) string {
	if r == nil {
		return "—"
	}
	hundredths := new(big.Int).Mul(r.Num(), big.NewInt(100))
	den := r.Denom()
	// round half up: floor((2·n + d) / (2·d))
	hundredths.Mul(hundredths, big.NewInt(2)).Add(hundredths, den)
	hundredths.Quo(hundredths, new(big.Int).Mul(den, big.NewInt(2)))
	v := hundredths.Int64()
	return fmt.Sprintf("%d.%02d", v/100, v%100)
}

// The states of a pledge loan.
const (
	LoanApplying   = "applying"   // 申请中
	LoanRegistered = "registered" // 已登记
	LoanRepaid     = "repaid"     // 已还款
	LoanDefaulted  = "defaulted"  // 违约
)

// LoanStatuses lists the loan states in display order.
var LoanStatuses = []string{LoanApplying, LoanRegistered, LoanRepaid, LoanDefaulted}

var loanNames = map[string]string{LoanApplying: "申请中", LoanRegistered: "已登记", LoanRepaid: "已还款", LoanDefaulted: "违约"}

// LoanStatusName is a loan state in Chinese, for messages.
func LoanStatusName(s string) string {
	if n, ok := loanNames[s]; ok {
		return n
	}
	return s
}

var loanTransitions = map[string][]string{
	LoanApplying:   {LoanRegistered},
	LoanRegistered: {LoanRepaid, LoanDefaulted},
}

// CanMoveLoan reports whether a pledge loan may go from one state to
// another: applying → registered (质押登记) → repaid or defaulted.
func CanMoveLoan(from, to string) bool { return slices.Contains(loanTransitions[from], to) }

func monthOf(m int) time.Month { return time.Month(m) }

// industrySections are the sections (门类) of GB/T 4754-2017 《国民经济行业分类》
// by letter, the first character of an enterprise's industry code.
var industrySections = map[string]string{
	"A": "农、林、牧、渔业", "B": "采矿业", "C": "制造业", "D": "电力、热力、燃气及水生产和供应业", "E": "建筑业",
	"F": "批发和零售业", "G": "交通运输、仓储和邮政业", "H": "住宿和餐饮业", "I": "信息传输、软件和信息技术服务业",
	"J": "金融业", "K": "房地产业", "L": "租赁和商务服务业", "M": "科学研究和技术服务业", "N": "水利、环境和公共设施管理业",
	"O": "居民服务、修理和其他服务业", "P": "教育", "Q": "卫生和社会工作", "R": "文化、体育和娱乐业",
	"S": "公共管理、社会保障和社会组织", "T": "国际组织",
}

// IndustryName names a GB/T 4754-2017 section by its letter, e.g.
// "C 制造业"; "" (no enterprise, or no industry code on file) is
// 未关联企业或未登记行业.
func IndustryName(section string) string {
	if n, ok := industrySections[section]; ok {
		return section + " " + n
	}
	if section == "" {
		return "未关联企业或未登记行业"
	}
	return section
}

// IPClass is the class a patent type counts in for the 高企/科小 rules:
// 1 (Ⅰ类) for an invention, 2 (Ⅱ类) for a utility model or a design.
func IPClass(typ string) int {
	if typ == Invention {
		return 1
	}
	return 2
}
