package hightech

import (
	"math/big"

	"kejiju/internal/calendar"
	"kejiju/internal/money"
)

// EvaluateSME evaluates a 科技型中小企业 under 《科技型中小企业评价办法》
// (国科发政〔2017〕115号): S1 resident enterprise, S2 size (employees, sales
// and total assets, all inclusive limits), S3 industry, S4 accidents,
// misconduct and credit lists, and S5 the score (≥ PassScore with a
// personnel indicator that is not 0) or, failing that, a direct
// qualification (直接确认). The latest year of f.Years is the previous
// fiscal year the evaluation uses, and f.ApplyOn the evaluation date.
//
// choice is the enterprise's chosen R&D scoring option, recorded in the
// result; RDBest is the explicit choice of the higher of the two. Pass is
// true exactly when every condition passes; Basis says whether on the
// score or on which direct qualification.
func EvaluateSME(p SMEParams, f Facts, choice RDOption, direct DirectFacts) SMEResult {
	e := &smeEval{p: p, f: f, d: direct, choice: choice}
	e.r = SMEResult{RuleID: p.RuleID, Document: p.Document, Facts: cloneFacts(f), Direct: direct, RDOption: choice}
	e.r.Problems = checkYears(f.Years)
	e.yearsOK = len(e.r.Problems) == 0
	if n := len(f.Years); n > 0 {
		e.latest, e.hasYear = f.Years[n-1], true
	}
	e.r.Score = e.score()
	e.r.DirectReasons = e.directReasons()
	e.r.Conditions = []Condition{e.s1(), e.s2(), e.s3(), e.s4(), e.s5()}
	e.r.Pass = allPass(e.r.Conditions)
	if !e.r.Pass {
		e.r.Basis = "" // S5 may hold while another condition fails
	}
	return e.r
}

// ReplaySME evaluates a stored result's facts, R&D option and direct facts
// again under p; it reports false if p is another version of the rules.
func ReplaySME(p SMEParams, stored SMEResult) (SMEResult, bool) {
	if p.RuleID != stored.RuleID {
		return SMEResult{}, false
	}
	return EvaluateSME(p, stored.Facts, stored.RDOption, stored.Direct), true
}

// SMEBlocked reports whether an enterprise whose 科技型中小企业 registration
// number was revoked on revokedOn is barred from being evaluated in year:
// a revoked enterprise cannot be evaluated again in the same year
// (国科火字〔2019〕87号). A zero revokedOn blocks nothing.
func SMEBlocked(revokedOn calendar.Date, year int) bool {
	return !revokedOn.IsZero() && revokedOn.Year == year
}

type smeEval struct {
	p            SMEParams
	f            Facts
	d            DirectFacts
	choice       RDOption
	r            SMEResult
	latest       YearFacts
	hasYear      bool
	yearsOK      bool
	scoreInvalid bool
}

// invalid records a problem with the facts that makes the score invalid.
func (e *smeEval) invalid(m Message) {
	e.r.Problems = append(e.r.Problems, m)
	e.scoreInvalid = true
}

func (e *smeEval) s1() Condition {
	c := Condition{ID: "S1", Name: name("hightech.sme.s1"), Pass: e.f.MainlandResident}
	if c.Pass {
		c.Explain = []Message{msg("hightech.resident.ok")}
	} else {
		c.Explain = []Message{msg("hightech.resident.no")}
	}
	return c
}

// s2 checks the size limits: employees, sales and total assets, each at
// most its limit.
func (e *smeEval) s2() Condition {
	c := Condition{ID: "S2", Name: name("hightech.sme.s2"), Pass: true}
	add := func(ok bool, okKey, overKey string, args ...string) {
		if ok {
			c.Explain = append(c.Explain, msg(okKey, args...))
		} else {
			c.Pass = false
			c.Explain = append(c.Explain, msg(overKey, args...))
		}
	}
	if e.f.Staff < 0 {
		c.Pass = false
		c.Explain = append(c.Explain, msg("hightech.problem.staff", itoa(e.f.STStaff), itoa(e.f.Staff)))
	} else { // more S&T staff than employees fails S5 as a problem
		add(e.f.Staff <= e.p.MaxStaff, "hightech.sme.staff.ok", "hightech.sme.staff.over", itoa(e.f.Staff), itoa(e.p.MaxStaff))
	}
	switch {
	case !e.yearsOK:
		c.Pass = false
		c.Explain = append(c.Explain, msg("hightech.years.invalid"))
	case !e.hasYear:
		c.Pass = false
		c.Explain = append(c.Explain, msg("hightech.years.none"))
	default:
		y := e.latest
		yr := itoa(y.Year)
		add(y.Revenue <= e.p.MaxRevenue, "hightech.sme.sales.ok", "hightech.sme.sales.over",
			yr, wan(fen(y.Revenue)), wan(fen(e.p.MaxRevenue)), yuanEN(fen(y.Revenue)), yuanEN(fen(e.p.MaxRevenue)))
		add(y.TotalAssets <= e.p.MaxTotalAssets, "hightech.sme.assets.ok", "hightech.sme.assets.over",
			yr, wan(fen(y.TotalAssets)), wan(fen(e.p.MaxTotalAssets)), yuanEN(fen(y.TotalAssets)), yuanEN(fen(e.p.MaxTotalAssets)))
	}
	return c
}

func (e *smeEval) s3() Condition {
	c := Condition{ID: "S3", Name: name("hightech.sme.s3"), Pass: e.f.NotProhibitedIndustry}
	if c.Pass {
		c.Explain = []Message{msg("hightech.sme.industry.ok")}
	} else {
		c.Explain = []Message{msg("hightech.sme.industry.no")}
	}
	return c
}

// s4 checks the record of the previous and the current year and the credit
// lists.
func (e *smeEval) s4() Condition {
	c := Condition{ID: "S4", Name: name("hightech.sme.s4"), Pass: true}
	for _, it := range []struct {
		ok      bool
		yes, no string
	}{
		{e.f.SMEClean, "hightech.sme.clean.ok", "hightech.sme.clean.no"},
		{e.f.NotAbnormalListed, "hightech.sme.abnormal.ok", "hightech.sme.abnormal.no"},
		{e.f.NotDishonest, "hightech.sme.dishonest.ok", "hightech.sme.dishonest.no"},
	} {
		if it.ok {
			c.Explain = append(c.Explain, msg(it.yes))
		} else {
			c.Pass = false
			c.Explain = append(c.Explain, msg(it.no))
		}
	}
	return c
}

// s5 checks the score, or a direct qualification when the score falls
// short.
func (e *smeEval) s5() Condition {
	c := Condition{ID: "S5", Name: name("hightech.sme.s5")}
	s := e.r.Score
	args := []string{itoa(s.Total), itoa(s.Personnel.Points), itoa(s.RD.Points), itoa(s.Achievements.Points), itoa(e.p.PassScore)}
	scoreOK := s.Total >= e.p.PassScore
	personnelOK := !e.p.PersonnelNonZero || s.Personnel.Points != 0
	if scoreOK {
		c.Explain = append(c.Explain, msg("hightech.sme.score.ok", args...))
	} else {
		c.Explain = append(c.Explain, msg("hightech.sme.score.low", args...))
	}
	if !personnelOK {
		c.Explain = append(c.Explain, msg("hightech.sme.personnel.zero"))
	}
	if e.scoreInvalid {
		// A score built on facts that are not valid decides nothing, and
		// neither does a direct qualification beside it.
		c.Explain = append(c.Explain, msg("hightech.data.invalid"))
		return c
	}
	if scoreOK && personnelOK {
		c.Pass = true
		e.r.Basis = BasisScore
		return c
	}
	if len(e.r.DirectReasons) > 0 {
		c.Pass = true
		e.r.Basis = e.r.DirectReasons[0]
		c.Explain = append(c.Explain, e.directExplain()...)
		return c
	}
	c.Explain = append(c.Explain, msg("hightech.sme.direct.none"))
	if !personnelOK {
		e.personnelHint()
	}
	if !scoreOK {
		e.r.Hints = append(e.r.Hints, msg("hightech.hint.sme_score", itoa(e.p.PassScore-s.Total)))
	}
	return c
}

// personnelHint says how many S&T staff reach the lowest scoring band of
// the personnel indicator.
func (e *smeEval) personnelHint() {
	bands := e.p.Personnel.Bands
	if len(bands) == 0 || e.f.Staff < 0 || e.f.STStaff < 0 || e.f.STStaff > e.f.Staff {
		return
	}
	b := bands[len(bands)-1]
	bp := b.Min * 10000 / max(e.p.Personnel.Scale, 1)
	st, staff := big.NewInt(int64(e.f.STStaff)), big.NewInt(int64(e.f.Staff))
	hire := shortfall(st, staff, bp, true)
	if hire.Sign() == 0 {
		hire.SetInt64(1) // no employees yet: the first is an S&T one
	}
	e.r.Hints = append(e.r.Hints, msg("hightech.hint.sme_personnel", bpText(bp), hire.String()))
}

// score computes the three indicators: S&T personnel, R&D input by the
// chosen option, and S&T achievements.
func (e *smeEval) score() SMEScore {
	var s SMEScore
	y := e.latest

	s.Personnel = Indicator{Name: name("hightech.sme.personnel"), Max: e.p.Personnel.max()}
	st, staff := e.f.STStaff, e.f.Staff
	if st < 0 || staff < 0 || st > staff {
		e.invalid(msg("hightech.problem.staff", itoa(st), itoa(staff)))
	}
	if staff > 0 && st >= 0 && st <= staff {
		num, den := big.NewInt(int64(st)), big.NewInt(int64(staff))
		setBand(&s.Personnel, e.p.Personnel.Classify(num, den))
		s.Personnel.Value = new(big.Rat).SetFrac(num, den).RatString()
		s.Personnel.Explain = msg("hightech.sme.personnel.explain", itoa(st), itoa(staff), pct(num, den), itoa(s.Personnel.Points))
	} else {
		setBand(&s.Personnel, e.p.Personnel.Else)
		s.Personnel.Explain = msg("hightech.sme.personnel.none", itoa(st), itoa(staff), itoa(s.Personnel.Points))
	}

	s.RDBySales = e.rdIndicator("hightech.sme.rd_sales", e.p.RDBySales, y.Revenue)
	s.RDByCost = e.rdIndicator("hightech.sme.rd_cost", e.p.RDByCost, y.TotalCostExpense)
	switch e.choice {
	case RDBySales:
		s.RD, s.RDUsed = s.RDBySales, RDBySales
	case RDByCost:
		s.RD, s.RDUsed = s.RDByCost, RDByCost
	case RDBest:
		s.RD, s.RDUsed = s.RDBySales, RDBySales
		if s.RDByCost.Points > s.RDBySales.Points {
			s.RD, s.RDUsed = s.RDByCost, RDByCost
		}
	default:
		s.RD = Indicator{Max: max(s.RDBySales.Max, s.RDByCost.Max)}
		e.invalid(msg("hightech.problem.rd_option", string(e.choice)))
	}
	s.RD.Name = name("hightech.sme.rd")
	s.RD.Explain = msg("hightech.sme.rd.choice."+choiceNote(e.choice, s.RDUsed), itoa(s.RD.Points))

	s.Achievements = Indicator{Name: name("hightech.sme.achievements")}
	i, ii := e.f.ClassI, e.f.ClassII
	if i < 0 || ii < 0 {
		e.invalid(msg("hightech.problem.ip_count"))
		i, ii = max(i, 0), max(ii, 0)
	}
	a, b := e.p.AchievementClassI.ClassifyCount(i), e.p.AchievementClassII.ClassifyCount(ii)
	if b.High > a.High {
		a = b
	}
	setBand(&s.Achievements, a)
	s.Achievements.Max = max(e.p.AchievementClassI.max(), e.p.AchievementClassII.max())
	s.Achievements.Explain = msg("hightech.sme.achievements.explain", itoa(i), itoa(ii), itoa(a.High))

	s.Total = s.Personnel.Points + s.RD.Points + s.Achievements.Points
	return s
}

// choiceNote names the explanation of the R&D option: the option chosen,
// and for RDBest the one it came to.
func choiceNote(choice, used RDOption) string {
	switch choice {
	case RDBySales, RDByCost:
		return string(choice)
	case RDBest:
		return "best_" + string(used)
	}
	return "invalid"
}

// setBand gives in the band b and the top of its range.
func setBand(in *Indicator, b Band) {
	in.Band, in.Low, in.High, in.Points = b.Letter, b.Low, b.High, b.High
}

// rdIndicator scores the latest year's R&D expense against base (sales or
// total cost and expense) by table t.
func (e *smeEval) rdIndicator(key string, t Table, base money.Fen) Indicator {
	in := Indicator{Name: name(key), Max: t.max()}
	y := e.latest
	switch {
	case !e.hasYear:
		setBand(&in, t.Else)
		in.Explain = msg("hightech.years.none")
		return in
	case base <= 0 || y.RD < 0:
		setBand(&in, t.Else)
		in.Explain = msg(key+".none", itoa(y.Year), itoa(in.Points))
		return in
	}
	rd, den := fen(y.RD), fen(base)
	setBand(&in, t.Classify(rd, den))
	in.Value = new(big.Rat).SetFrac(rd, den).RatString()
	in.Explain = msg(key+".explain", wan(rd), wan(den), pct(rd, den), itoa(in.Points), yuanEN(rd), yuanEN(den), itoa(y.Year))
	return in
}

// directReasons returns every direct qualification (直接确认) that holds on
// the evaluation date, in the order of the 办法.
func (e *smeEval) directReasons() []string {
	var out []string
	on, d := e.f.ApplyOn, e.d
	if on.IsValid() && d.HTEIssuedOn.IsValid() && d.HTEExpiresOn.IsValid() &&
		!on.Before(d.HTEIssuedOn) && !on.After(d.HTEExpiresOn) {
		out = append(out, DirectHTE)
	}
	if e.recent(d.NationalAwardOn) && d.NationalAwardRank >= 1 && d.NationalAwardRank <= e.p.DirectAwardMaxRank {
		out = append(out, DirectAward)
	}
	if d.RDInstitution {
		out = append(out, DirectRDInstitution)
	}
	if e.recent(d.StandardOn) && d.StandardRank >= 1 && d.StandardRank <= e.p.DirectStandardRank {
		out = append(out, DirectStandard)
	}
	return out
}

// recent reports whether d falls within the last DirectLookbackYears years
// up to the evaluation date, both ends inclusive.
func (e *smeEval) recent(d calendar.Date) bool {
	on := e.f.ApplyOn
	if !on.IsValid() || !d.IsValid() || d.After(on) {
		return false
	}
	return !d.Before(addMonths(on, -12*e.p.DirectLookbackYears))
}

// directExplain explains each direct qualification that holds.
func (e *smeEval) directExplain() []Message {
	d := e.d
	var out []Message
	for _, r := range e.r.DirectReasons {
		switch r {
		case DirectHTE:
			zh, en := dates(d.HTEExpiresOn)
			out = append(out, msg("hightech.sme.direct.hte", d.HTECertificate, zh, en))
		case DirectAward:
			zh, en := dates(d.NationalAwardOn)
			out = append(out, msg("hightech.sme.direct.award", zh, itoa(d.NationalAwardRank), itoa(e.p.DirectAwardMaxRank), en, itoa(e.p.DirectLookbackYears)))
		case DirectRDInstitution:
			out = append(out, msg("hightech.sme.direct.institution"))
		case DirectStandard:
			zh, en := dates(d.StandardOn)
			out = append(out, msg("hightech.sme.direct.standard", zh, itoa(d.StandardRank), en, itoa(e.p.DirectLookbackYears)))
		}
	}
	return out
}
