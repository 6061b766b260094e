package hightech

import (
	"math/big"
	"slices"
	"strings"
	"time"

	"kejiju/internal/calendar"
	"kejiju/internal/money"
)

// EvaluateHTE checks the conditions of 《高新技术企业认定管理办法》
// (国科发火〔2016〕32号) 第十一条, as the 工作指引 (国科发火〔2016〕195号)
// details them, against the facts of one application: C1 registration and
// residence, C2 core IP, C3 technology field, C4 S&T personnel, C5 R&D
// expense ratio, C6 domestic R&D, C7 high-tech income, C8 innovation
// capability score and C9 clean record. It never fails: facts that are not
// valid are listed in Problems and fail the conditions they concern, so
// Pass is true exactly when every condition passes.
func EvaluateHTE(p HTEParams, f Facts) HTEResult {
	e := &hteEval{p: p, f: f}
	e.r = HTEResult{RuleID: p.RuleID, Document: p.Document, Facts: cloneFacts(f)}
	e.r.Problems = checkYears(f.Years)
	e.yearsOK = len(e.r.Problems) == 0
	e.r.Warnings = e.rdCategoryWarnings()
	e.r.Score = e.score()
	e.r.Conditions = []Condition{e.c1(), e.c2(), e.c3(), e.c4(), e.c5(), e.c6(), e.c7(), e.c8(), e.c9()}
	e.r.Pass = allPass(e.r.Conditions)
	return e.r
}

// ReplayHTE evaluates a stored result's facts again under p, the rules it
// names, so that a stored evaluation can be checked: the replay of an
// unchanged evaluation equals it. It reports false if p is another version
// of the rules than the one stored.
func ReplayHTE(p HTEParams, stored HTEResult) (HTEResult, bool) {
	if p.RuleID != stored.RuleID {
		return HTEResult{}, false
	}
	return EvaluateHTE(p, stored.Facts), true
}

type hteEval struct {
	p            HTEParams
	f            Facts
	r            HTEResult
	yearsOK      bool
	scoreInvalid bool
}

func (e *hteEval) problem(m Message) { e.r.Problems = append(e.r.Problems, m) }
func (e *hteEval) hint(m Message)    { e.r.Hints = append(e.r.Hints, m) }

func allPass(cs []Condition) bool {
	for _, c := range cs {
		if !c.Pass {
			return false
		}
	}
	return true
}

// cloneFacts copies f so that a result does not share memory with its
// caller's facts.
func cloneFacts(f Facts) Facts {
	f.Years = slices.Clone(f.Years)
	f.Expert.Conversion = cloneInt(f.Expert.Conversion)
	f.Expert.NetAssetGrowth = cloneInt(f.Expert.NetAssetGrowth)
	f.Expert.RevenueGrowth = cloneInt(f.Expert.RevenueGrowth)
	return f
}

func cloneInt(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// checkYears returns the problems of the fiscal-year figures: years out of
// order, amounts that cannot be negative, and parts larger than their
// whole. Net assets may be negative.
func checkYears(years []YearFacts) []Message {
	var out []Message
	for i, y := range years {
		yr := itoa(y.Year)
		if i > 0 && y.Year <= years[i-1].Year {
			out = append(out, msg("hightech.problem.years_order", yr))
		}
		amounts := []struct {
			key string
			v   money.Fen
		}{
			{"hightech.problem.negative.revenue", y.Revenue},
			{"hightech.problem.negative.total_income", y.TotalIncome},
			{"hightech.problem.negative.rd", y.RD},
			{"hightech.problem.negative.rd_domestic", y.RDDomestic},
			{"hightech.problem.negative.hitech_revenue", y.HiTechRevenue},
			{"hightech.problem.negative.total_assets", y.TotalAssets},
			{"hightech.problem.negative.total_cost_expense", y.TotalCostExpense},
		}
		for _, a := range amounts {
			if a.v < 0 {
				out = append(out, msg(a.key, yr))
			}
		}
		for _, c := range y.RDCategories {
			if c < 0 {
				out = append(out, msg("hightech.problem.negative.rd_category", yr))
				break
			}
		}
		if y.Conversions < 0 {
			out = append(out, msg("hightech.problem.negative.conversions", yr))
		}
		if y.RDDomestic > y.RD {
			out = append(out, msg("hightech.problem.domestic_exceeds", yr))
		}
		if y.HiTechRevenue > income(y) {
			out = append(out, msg("hightech.problem.hitech_exceeds", yr))
		}
	}
	return out
}

// income returns the C7 denominator: 总收入, or sales when it is not given.
func income(y YearFacts) money.Fen {
	if y.TotalIncome != 0 {
		return y.TotalIncome
	}
	return y.Revenue
}

// lastYears returns the last n years of ys (all of them if fewer).
func lastYears(ys []YearFacts, n int) []YearFacts {
	if n <= 0 {
		return nil
	}
	return ys[max(0, len(ys)-n):]
}

// rdCategoryWarnings checks the optional breakdown of R&D expense: it
// should add up to the total, and "other" expense may count for at most
// OtherRDCapBP of the total (其他费用 ≤ 20%, so ≤ the rest × 20/80). The
// breakdown comes from the special audit, so a mismatch is a warning for the
// reviewer rather than a failed condition.
func (e *hteEval) rdCategoryWarnings() []Message {
	var out []Message
	for _, y := range e.f.Years {
		sum := new(big.Int)
		for _, c := range y.RDCategories {
			sum.Add(sum, fen(c))
		}
		if sum.Sign() == 0 {
			continue // no breakdown given
		}
		yr := itoa(y.Year)
		if sum.Cmp(fen(y.RD)) != 0 {
			out = append(out, msg("hightech.warn.rd_categories_sum", yr, wan(sum), wan(fen(y.RD)), yuanEN(sum), yuanEN(fen(y.RD))))
		}
		other := fen(y.RDCategories[RDOther])
		rest := new(big.Int).Sub(sum, other)
		// other ≤ rest × cap / (10000 − cap) ⇔ other × (10000 − cap) ≤ rest × cap
		left := new(big.Int).Mul(other, big.NewInt(10000-e.p.OtherRDCapBP))
		right := new(big.Int).Mul(rest, big.NewInt(e.p.OtherRDCapBP))
		if e.p.OtherRDCapBP < 10000 && left.Cmp(right) > 0 {
			limit := right.Div(right, big.NewInt(10000-e.p.OtherRDCapBP))
			out = append(out, msg("hightech.warn.rd_other_cap", yr, wan(other), wan(limit), bpText(e.p.OtherRDCapBP), yuanEN(other), yuanEN(limit)))
		}
	}
	return out
}

// atLeast reports whether num/den ≥ bp/10000, exactly. den must be positive.
func atLeast(num, den *big.Int, bp int64) bool {
	left := new(big.Int).Mul(num, big.NewInt(10000))
	right := new(big.Int).Mul(den, big.NewInt(bp))
	return left.Cmp(right) >= 0
}

// shortfall returns how much the part must grow for part/whole to reach
// bp/10000. If grows is true the whole grows with the part (hiring S&T
// staff adds employees too); otherwise the whole stays. The result is
// rounded up and never negative.
func shortfall(part, whole *big.Int, bp int64, grows bool) *big.Int {
	// Need (part+x)·10000 ≥ (whole+x·[grows])·bp.
	need := new(big.Int).Mul(whole, big.NewInt(bp))
	need.Sub(need, new(big.Int).Mul(part, big.NewInt(10000)))
	if need.Sign() <= 0 {
		return new(big.Int)
	}
	div := int64(10000)
	if grows {
		div -= bp
	}
	if div <= 0 {
		return new(big.Int) // no amount is enough; the parameters prevent this
	}
	return ceilDiv(need, big.NewInt(div))
}

// ceilDiv returns ⌈a/b⌉ for a ≥ 0 and b > 0.
func ceilDiv(a, b *big.Int) *big.Int {
	q := new(big.Int).Add(a, b)
	q.Sub(q, big.NewInt(1))
	return q.Div(q, b)
}

// daysBetween returns the number of days from a to b (negative if b is
// before a).
func daysBetween(a, b calendar.Date) int {
	ta := time.Date(a.Year, a.Month, a.Day, 0, 0, 0, 0, time.UTC)
	tb := time.Date(b.Year, b.Month, b.Day, 0, 0, 0, 0, time.UTC)
	return int(tb.Sub(ta).Hours() / 24)
}

// c1 checks that the enterprise is a mainland resident enterprise
// registered more than one year before the application (≥ 365 days).
func (e *hteEval) c1() Condition {
	c := Condition{ID: "C1", Name: name("hightech.hte.c1"), Pass: true}
	if e.f.MainlandResident {
		c.Explain = append(c.Explain, msg("hightech.resident.ok"))
	} else {
		c.Pass = false
		c.Explain = append(c.Explain, msg("hightech.resident.no"))
	}
	reg, apply := e.f.RegisteredOn, e.f.ApplyOn
	if !reg.IsValid() || !apply.IsValid() {
		c.Pass = false
		c.Explain = append(c.Explain, msg("hightech.c1.no_dates"))
		return c
	}
	days := daysBetween(reg, apply)
	regZH, regEN := dates(reg)
	applyZH, applyEN := dates(apply)
	need := e.p.MinRegistrationDays
	if days >= need {
		c.Explain = append(c.Explain, msg("hightech.c1.ok", regZH, applyZH, itoa(days), itoa(need), regEN, applyEN))
		return c
	}
	c.Pass = false
	c.Explain = append(c.Explain, msg("hightech.c1.short", regZH, applyZH, itoa(days), itoa(need), regEN, applyEN))
	earliestZH, earliestEN := dates(reg.AddDays(need))
	e.hint(msg("hightech.hint.c1", itoa(need), earliestZH, earliestEN))
	return c
}

// c2 checks that the enterprise owns IP usable in this application that
// supports its main products or services.
func (e *hteEval) c2() Condition {
	c := Condition{ID: "C2", Name: name("hightech.hte.c2")}
	i, ii := e.f.ClassI, e.f.ClassII
	switch {
	case i < 0 || ii < 0:
		e.problem(msg("hightech.problem.ip_count"))
		c.Explain = append(c.Explain, msg("hightech.problem.ip_count"))
	case i == 0 && ii == 0:
		c.Explain = append(c.Explain, msg("hightech.c2.none"))
		e.hint(msg("hightech.hint.c2"))
	case !e.f.CoreIP:
		c.Explain = append(c.Explain, msg("hightech.c2.not_core", itoa(i), itoa(ii)))
		e.hint(msg("hightech.hint.c2"))
	default:
		c.Pass = true
		c.Explain = append(c.Explain, msg("hightech.c2.ok", itoa(i), itoa(ii)))
	}
	return c
}

// c3 checks that the core technology belongs to one of the areas.
func (e *hteEval) c3() Condition {
	c := Condition{ID: "C3", Name: name("hightech.hte.c3")}
	field := strings.TrimSpace(e.f.TechField)
	i := slices.IndexFunc(e.p.TechAreas, func(a TechArea) bool { return a.Name == field })
	switch {
	case i >= 0:
		c.Pass = true
		c.Explain = append(c.Explain, msg("hightech.c3.ok", e.p.TechAreas[i].Name, e.p.TechAreas[i].NameEN))
		return c
	case field == "":
		c.Explain = append(c.Explain, msg("hightech.c3.empty"))
	default:
		c.Explain = append(c.Explain, msg("hightech.c3.unknown", field, itoa(len(e.p.TechAreas))))
	}
	zh := make([]string, len(e.p.TechAreas))
	en := make([]string, len(e.p.TechAreas))
	for i, a := range e.p.TechAreas {
		zh[i], en[i] = a.Name, a.NameEN
	}
	e.hint(msg("hightech.hint.c3", strings.Join(zh, "、"), strings.Join(en, "; ")))
	return c
}

// c4 checks that S&T personnel are at least MinSTStaffBP of the employees.
func (e *hteEval) c4() Condition {
	c := Condition{ID: "C4", Name: name("hightech.hte.c4")}
	st, staff := e.f.STStaff, e.f.Staff
	if st < 0 || staff < 0 || st > staff {
		e.problem(msg("hightech.problem.staff", itoa(st), itoa(staff)))
		c.Explain = append(c.Explain, msg("hightech.problem.staff", itoa(st), itoa(staff)))
		return c
	}
	if staff == 0 {
		c.Explain = append(c.Explain, msg("hightech.staff.none"))
		return c
	}
	num, den := big.NewInt(int64(st)), big.NewInt(int64(staff))
	bp := e.p.MinSTStaffBP
	args := []string{pct(num, den), itoa(st), itoa(staff), bpText(bp)}
	if atLeast(num, den, bp) {
		c.Pass = true
		c.Explain = append(c.Explain, msg("hightech.c4.ok", args...))
		return c
	}
	c.Explain = append(c.Explain, msg("hightech.c4.low", args...))
	// Hiring S&T staff adds employees too; recognising existing employees
	// as S&T personnel does not.
	hire := shortfall(num, den, bp, true)
	reclassify := shortfall(num, den, bp, false)
	e.hint(msg("hightech.hint.c4", hire.String(), reclassify.String()))
	return c
}

// rdRatioFor returns the minimum R&D ratio for latest-year sales.
func (e *hteEval) rdRatioFor(latest money.Fen) int64 {
	for _, b := range e.p.RDRatio {
		if b.UpTo == 0 || latest <= b.UpTo {
			return b.MinBP
		}
	}
	return 10000 // no band: the parameters are not valid, and nothing passes
}

// c5 checks the R&D expense ratio over the last RDWindowYears fiscal years
// (or the actual period if shorter), the minimum depending on the latest
// year's sales.
func (e *hteEval) c5() Condition {
	c := Condition{ID: "C5", Name: name("hightech.hte.c5")}
	window := lastYears(e.f.Years, e.p.RDWindowYears)
	if ok := e.windowUsable(&c, window); !ok {
		return c
	}
	rd, sales := new(big.Int), new(big.Int)
	for _, y := range window {
		rd.Add(rd, fen(y.RD))
		sales.Add(sales, fen(y.Revenue))
	}
	n := itoa(len(window))
	if sales.Sign() <= 0 {
		c.Explain = append(c.Explain, msg("hightech.c5.no_sales", n))
		return c
	}
	latest := window[len(window)-1].Revenue
	bp := e.rdRatioFor(latest)
	args := []string{n, wan(rd), wan(sales), pct(rd, sales), wan(fen(latest)), bpText(bp), yuanEN(rd), yuanEN(sales), yuanEN(fen(latest))}
	if atLeast(rd, sales, bp) {
		c.Pass = true
		c.Explain = append(c.Explain, msg("hightech.c5.ok", args...))
		return c
	}
	c.Explain = append(c.Explain, msg("hightech.c5.low", args...))
	short := shortfall(rd, sales, bp, false)
	e.hint(msg("hightech.hint.c5", wanUp(short), yuanEN(short), n))
	return c
}

// windowUsable explains why a window of fiscal years cannot be used, if it
// cannot.
func (e *hteEval) windowUsable(c *Condition, window []YearFacts) bool {
	switch {
	case !e.yearsOK:
		c.Explain = append(c.Explain, msg("hightech.years.invalid"))
		return false
	case len(window) == 0:
		c.Explain = append(c.Explain, msg("hightech.years.none"))
		return false
	}
	return true
}

// c6 checks that R&D expense incurred inside China is at least
// MinDomesticRDBP of the total, over the same years as C5.
func (e *hteEval) c6() Condition {
	c := Condition{ID: "C6", Name: name("hightech.hte.c6")}
	window := lastYears(e.f.Years, e.p.RDWindowYears)
	if ok := e.windowUsable(&c, window); !ok {
		return c
	}
	dom, rd := new(big.Int), new(big.Int)
	for _, y := range window {
		dom.Add(dom, fen(y.RDDomestic))
		rd.Add(rd, fen(y.RD))
	}
	if rd.Sign() <= 0 {
		c.Explain = append(c.Explain, msg("hightech.c6.no_rd"))
		return c
	}
	bp := e.p.MinDomesticRDBP
	args := []string{wan(dom), wan(rd), pct(dom, rd), bpText(bp), yuanEN(dom), yuanEN(rd), itoa(len(window))}
	if atLeast(dom, rd, bp) {
		c.Pass = true
		c.Explain = append(c.Explain, msg("hightech.c6.ok", args...))
		return c
	}
	c.Explain = append(c.Explain, msg("hightech.c6.low", args...))
	short := shortfall(dom, rd, bp, true)
	e.hint(msg("hightech.hint.c6", wanUp(short), yuanEN(short)))
	return c
}

// c7 checks that the latest year's high-tech product (service) income is
// at least MinHiTechIncomeBP of its total income.
func (e *hteEval) c7() Condition {
	c := Condition{ID: "C7", Name: name("hightech.hte.c7")}
	window := lastYears(e.f.Years, 1)
	if ok := e.windowUsable(&c, window); !ok {
		return c
	}
	y := window[0]
	hi, in := fen(y.HiTechRevenue), fen(income(y))
	if in.Sign() <= 0 {
		c.Explain = append(c.Explain, msg("hightech.c7.no_income", itoa(y.Year)))
		return c
	}
	bp := e.p.MinHiTechIncomeBP
	args := []string{itoa(y.Year), wan(hi), wan(in), pct(hi, in), bpText(bp), yuanEN(hi), yuanEN(in)}
	if atLeast(hi, in, bp) {
		c.Pass = true
		c.Explain = append(c.Explain, msg("hightech.c7.ok", args...))
		return c
	}
	c.Explain = append(c.Explain, msg("hightech.c7.low", args...))
	short := shortfall(hi, in, bp, false)
	e.hint(msg("hightech.hint.c7", wanUp(short), yuanEN(short)))
	return c
}

// c8 checks that the innovation capability score is more than ScoreAbove.
func (e *hteEval) c8() Condition {
	c := Condition{ID: "C8", Name: name("hightech.hte.c8")}
	s := e.r.Score
	args := []string{itoa(s.Total), itoa(s.IP.Points), itoa(s.Conversion.Points), itoa(s.Organisation.Points),
		itoa(s.Growth.Points), itoa(e.p.ScoreAbove)}
	if e.scoreInvalid {
		c.Explain = append(c.Explain, msg("hightech.c8.invalid"))
		return c
	}
	if s.Total > e.p.ScoreAbove {
		c.Pass = true
		c.Explain = append(c.Explain, msg("hightech.c8.ok", args...))
		return c
	}
	c.Explain = append(c.Explain, msg("hightech.c8.low", args...))
	e.hint(msg("hightech.hint.c8", itoa(e.p.ScoreAbove+1-s.Total)))
	return c
}

// c9 checks that no major safety or quality accident or serious
// environmental violation happened in the year before the application.
func (e *hteEval) c9() Condition {
	c := Condition{ID: "C9", Name: name("hightech.hte.c9"), Pass: e.f.CleanRecord}
	if c.Pass {
		c.Explain = append(c.Explain, msg("hightech.c9.ok"))
	} else {
		c.Explain = append(c.Explain, msg("hightech.c9.no"))
		e.hint(msg("hightech.hint.c9"))
	}
	return c
}

// score computes the 企业创新能力评价 of the 工作指引: the experts' IP and
// R&D-organisation scores, and the conversion and growth indicators from the
// figures.
func (e *hteEval) score() HTEScore {
	var s HTEScore
	x := e.f.Expert
	it := e.p.IPItems
	qty := e.quantityBand()
	s.IP = e.group("hightech.score.ip", e.p.IPMax,
		e.expertItem("hightech.ip.advancement", x.IPAdvancement, Band{Low: 0, High: it.Advancement}),
		e.expertItem("hightech.ip.core_support", x.IPCoreSupport, Band{Low: 0, High: it.CoreSupport}),
		e.quantityItem(x.IPQuantity, qty),
		e.expertItem("hightech.ip.acquisition", x.IPAcquisition, Band{Low: 0, High: it.Acquisition}),
		e.expertItem("hightech.ip.standards", x.IPStandards, Band{Low: 0, High: it.Standards}),
	)
	s.Conversion = e.conversion()
	ot := e.p.OrgItems
	s.Organisation = e.group("hightech.score.org", e.p.OrgMax,
		e.expertItem("hightech.org.management", x.OrgManagement, Band{Low: 0, High: ot.Management}),
		e.expertItem("hightech.org.institution", x.OrgInstitution, Band{Low: 0, High: ot.Institution}),
		e.expertItem("hightech.org.conversion", x.OrgConversion, Band{Low: 0, High: ot.Conversion}),
		e.expertItem("hightech.org.talent", x.OrgTalent, Band{Low: 0, High: ot.Talent}),
	)
	var na, sales []money.Fen
	for _, y := range e.f.Years {
		na = append(na, y.NetAssets)
		sales = append(sales, y.Revenue)
	}
	gmax := e.p.Growth.max()
	s.Growth = e.group("hightech.score.growth", 2*gmax,
		e.growthItem("hightech.growth.net_assets", na, x.NetAssetGrowth),
		e.growthItem("hightech.growth.revenue", sales, x.RevenueGrowth),
	)
	s.Total = s.IP.Points + s.Conversion.Points + s.Organisation.Points + s.Growth.Points
	if !e.yearsOK {
		e.scoreInvalid = true
	}
	return s
}

// group sums items and caps the sum at limit.
func (e *hteEval) group(key string, limit int, items ...Indicator) Group {
	g := Group{Name: name(key), Items: items, Max: limit}
	for _, it := range items {
		g.Sum += it.Points
	}
	g.Points = min(g.Sum, limit)
	if g.Sum > limit {
		g.Explain = msg("hightech.score.capped", itoa(g.Sum), itoa(limit))
	} else {
		g.Explain = msg("hightech.score.sum", itoa(g.Sum), itoa(limit))
	}
	return g
}

// expertItem records an expert's score v for the item key, which must lie
// within band b. A score outside it counts 0 and makes the total invalid.
func (e *hteEval) expertItem(key string, v int, b Band) Indicator {
	in := Indicator{Name: name(key), Band: b.Letter, Low: b.Low, High: b.High, Max: b.High, Points: v}
	if v < b.Low || v > b.High {
		e.scoreInvalid = true
		m := msg(key+".invalid", itoa(v), itoa(b.High))
		e.problem(m)
		in.Points = 0
		in.Explain = m
		return in
	}
	in.Explain = msg("hightech.score.item", itoa(v), itoa(b.High))
	return in
}

// quantityBand returns the IP quantity band of the usable Class I and
// Class II items: the better of the two tables.
func (e *hteEval) quantityBand() Band {
	a := e.p.IPQuantityClassI.ClassifyCount(max(e.f.ClassI, 0))
	b := e.p.IPQuantityClassII.ClassifyCount(max(e.f.ClassII, 0))
	if b.High > a.High {
		return b
	}
	return a
}

// quantityItem records the expert's IP quantity score, which must lie
// within the band the item counts fall in and within the item's maximum.
func (e *hteEval) quantityItem(v int, b Band) Indicator {
	const key = "hightech.ip.quantity"
	in := Indicator{Name: name(key), Band: b.Letter, Low: b.Low, High: b.High, Max: e.p.IPItems.Quantity, Points: v}
	if v < b.Low || v > b.High || v > e.p.IPItems.Quantity {
		e.scoreInvalid = true
		m := msg(key+".invalid", itoa(v), b.Letter, itoa(b.Low), itoa(b.High))
		e.problem(m)
		in.Points = 0
		in.Explain = m
		return in
	}
	in.Explain = msg("hightech.ip.quantity.explain", itoa(e.f.ClassI), itoa(e.f.ClassII), b.Letter, itoa(b.Low), itoa(b.High), itoa(v))
	return in
}

// computed returns the points of a computed indicator in band b: the top of
// the band, or the experts' override, which must lie within the band.
func (e *hteEval) computed(key string, b Band, override *int) (int, bool) {
	if override == nil {
		return b.High, true
	}
	v := *override
	if v < b.Low || v > b.High {
		e.scoreInvalid = true
		e.problem(msg(key+".invalid", itoa(v), b.Letter, itoa(b.Low), itoa(b.High)))
		return 0, false
	}
	return v, true
}

// conversion scores 科技成果转化能力 by the annual average number of
// conversions over the last ConversionYears years (the actual period if
// shorter).
func (e *hteEval) conversion() Indicator {
	const key = "hightech.score.conversion"
	window := lastYears(e.f.Years, e.p.ConversionYears)
	total := new(big.Int)
	for _, y := range window {
		total.Add(total, big.NewInt(int64(y.Conversions)))
	}
	n := big.NewInt(int64(len(window)))
	b := e.p.Conversion.Classify(total, n)
	in := Indicator{Name: name(key), Band: b.Letter, Low: b.Low, High: b.High, Max: e.p.Conversion.max()}
	pts, ok := e.computed(key, b, e.f.Expert.Conversion)
	in.Points = pts
	if len(window) == 0 {
		in.Explain = msg("hightech.conversion.none", b.Letter, itoa(pts))
		return in
	}
	in.Value = new(big.Rat).SetFrac(total, n).RatString()
	if !ok {
		in.Explain = msg(key+".invalid", itoa(*e.f.Expert.Conversion), b.Letter, itoa(b.Low), itoa(b.High))
		return in
	}
	in.Explain = msg("hightech.conversion.explain", itoa(len(window)), total.String(), average(total, n), b.Letter, itoa(b.Low), itoa(b.High), itoa(pts))
	return in
}

// growthItem scores one growth indicator (net assets or sales) from its
// year-end values.
func (e *hteEval) growthItem(key string, values []money.Fen, override *int) Indicator {
	rate, ok, note := GrowthRate(values)
	b := e.p.Growth.ClassifyRat(rate) // no rate (nil) falls in Else
	in := Indicator{Name: name(key), Band: b.Letter, Low: b.Low, High: b.High, Max: e.p.Growth.max()}
	pts, valid := e.computed(key, b, override)
	in.Points = pts
	if ok {
		in.Value = rate.RatString()
	}
	if !valid {
		in.Explain = msg(key+".invalid", itoa(*override), b.Letter, itoa(b.Low), itoa(b.High))
		return in
	}
	if len(values) > 3 {
		values = values[len(values)-3:]
	}
	zh, en := amountList(values)
	switch {
	case ok:
		in.Explain = msg("hightech.growth."+note, ratPct(rate), b.Letter, itoa(b.Low), itoa(b.High), itoa(pts), zh, en)
	case len(values) == 0:
		in.Explain = msg("hightech.growth."+note, b.Letter, itoa(pts))
	default:
		in.Explain = msg("hightech.growth."+note, zh, en, b.Letter, itoa(pts))
	}
	return in
}

// The notes GrowthRate returns, naming the formula used or why there is no
// rate.
const (
	GrowthThreeYears     = "three_years"      // ½(V₂/V₁ + V₃/V₂) − 1
	GrowthFirstYearZero  = "first_year_zero"  // V₁ = 0: V₃/V₂ − 1
	GrowthTwoYears       = "two_years"        // 2 years of operation: V₂/V₁ − 1
	GrowthSecondYearZero = "second_year_zero" // V₂ = 0: no rate, 0 points
	GrowthBaseZero       = "base_zero"        // 2 years with V₁ = 0: no rate, 0 points
	GrowthOneYear        = "one_year"         // 1 year of operation: no rate, 0 points
	GrowthNoData         = "no_data"          // no year: no rate, 0 points
	GrowthNegativeBase   = "negative_base"    // a negative divisor: no rate, 0 points
)

// GrowthRate computes the growth rate of the 工作指引 (国科发火〔2016〕195号)
// for net assets or sales from year-end values, oldest first (only the last
// three are used): ½ × (V₂/V₁ + V₃/V₂) − 1. If V₁ is 0 it uses the last two
// years, V₃/V₂ − 1; if V₂ is 0 there is no rate. With two years of operation
// it is V₂/V₁ − 1, with one year there is no rate. ok is false when there is
// no rate, which scores 0 points; note names the case (Growth…). A
// negative rate is a rate, in band F.
//
// The rules do not say what a negative divisor (negative net assets in the
// first or second year) means; the ratio's sign would be meaningless, so
// GrowthRate gives no rate (GrowthNegativeBase).
func GrowthRate(v []money.Fen) (rate *big.Rat, ok bool, note string) {
	if len(v) > 3 {
		v = v[len(v)-3:]
	}
	ratio := func(a, b money.Fen) *big.Rat { return new(big.Rat).SetFrac(fen(a), fen(b)) }
	one := big.NewRat(1, 1)
	switch len(v) {
	case 0:
		return nil, false, GrowthNoData
	case 1:
		return nil, false, GrowthOneYear
	case 2:
		switch {
		case v[0] == 0:
			return nil, false, GrowthBaseZero
		case v[0] < 0:
			return nil, false, GrowthNegativeBase
		}
		return ratio(v[1], v[0]).Sub(ratio(v[1], v[0]), one), true, GrowthTwoYears
	}
	v1, v2, v3 := v[0], v[1], v[2]
	switch {
	case v2 == 0:
		return nil, false, GrowthSecondYearZero
	case v2 < 0 || v1 < 0:
		return nil, false, GrowthNegativeBase
	case v1 == 0:
		r := ratio(v3, v2)
		return r.Sub(r, one), true, GrowthFirstYearZero
	}
	r := ratio(v2, v1)
	r.Add(r, ratio(v3, v2))
	r.Mul(r, big.NewRat(1, 2))
	return r.Sub(r, one), true, GrowthThreeYears
}
