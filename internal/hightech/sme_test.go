package hightech

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/calendar"
)

// sme returns facts that score personnel 12 (20%), R&D 30 (4% of sales)
// and achievements 18 (3 Class II items): exactly 60.
func sme() Facts {
	return Facts{
		ApplyOn: d("2024-06-03"), MainlandResident: true,
		Staff: 100, STStaff: 20,
		Years: []YearFacts{
			{Year: 2023, Revenue: w(5000), RD: w(200), TotalAssets: w(8000), TotalCostExpense: w(4500)},
		},
		ClassI: 0, ClassII: 3,
		NotProhibitedIndustry: true, SMEClean: true, NotAbnormalListed: true, NotDishonest: true,
	}
}

func TestSMEConditions(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Facts)
		id     string
		pass   bool
	}{
		{"501 employees fail condition 2", func(f *Facts) { f.Staff, f.STStaff = 501, 101 }, "S2", false},
		{"500 employees pass condition 2 (≤)", func(f *Facts) { f.Staff, f.STStaff = 500, 100 }, "S2", true},
		{"sales exactly 200,000,000 pass (≤)", func(f *Facts) { f.Years[0].Revenue = y(200_000_000); f.Years[0].RD = y(8_000_000) }, "S2", true},
		{"sales 200,000,000.01 fail", func(f *Facts) { f.Years[0].Revenue = y(200_000_000) + 1 }, "S2", false},
		{"total assets exactly 200,000,000 pass (≤)", func(f *Facts) { f.Years[0].TotalAssets = y(200_000_000) }, "S2", true},
		{"total assets 200,000,000.01 fail", func(f *Facts) { f.Years[0].TotalAssets = y(200_000_000) + 1 }, "S2", false},
		{"no fiscal year fails condition 2", func(f *Facts) { f.Years = nil }, "S2", false},
		{"a non-resident fails condition 1", func(f *Facts) { f.MainlandResident = false }, "S1", false},
		{"a prohibited industry fails condition 3", func(f *Facts) { f.NotProhibitedIndustry = false }, "S3", false},
		{"serious research misconduct fails condition 4", func(f *Facts) { f.SMEClean = false }, "S4", false},
		{"the abnormal-operation list fails condition 4", func(f *Facts) { f.NotAbnormalListed = false }, "S4", false},
		{"the dishonesty list fails condition 4", func(f *Facts) { f.NotDishonest = false }, "S4", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := sme()
			tc.change(&f)
			r := EvaluateSME(DefaultSME(), f, RDBySales, DirectFacts{})
			c := condition(t, r.Conditions, tc.id)
			if c.Pass != tc.pass {
				t.Errorf("got %s pass %v, want %v: %q", tc.id, c.Pass, tc.pass, texts(zh, c.Explain))
			}
			if !tc.pass && r.Pass {
				t.Error("the evaluation passes with a failing condition")
			}
		})
	}
}

func TestSMEPersonnel(t *testing.T) {
	tests := []struct {
		name        string
		st, staff   int
		points      int
		explanation string
	}{
		{"ratio 30% scores 20", 30, 100, 20, "科技人员30人，职工总数100人，占比30.0%，得20分"},
		{"ratio 29.99% scores 16", 2999, 10000, 16, "科技人员2999人，职工总数10000人，占比29.99%，得16分"},
		{"ratio 25% scores 16", 25, 100, 16, ""},
		{"ratio 20% scores 12", 20, 100, 12, ""},
		{"ratio 15% scores 8", 15, 100, 8, ""},
		{"ratio 10% scores 4", 10, 100, 4, "科技人员10人，职工总数100人，占比10.0%，得4分"},
		{"ratio 9.9% scores 0", 99, 1000, 0, "科技人员99人，职工总数1000人，占比9.9%，得0分"},
		{"no employees score 0", 0, 0, 0, "科技人员0人，职工总数0人，无法计算占比，得0分"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := sme()
			f.STStaff, f.Staff = tc.st, tc.staff
			p := EvaluateSME(DefaultSME(), f, RDBySales, DirectFacts{}).Score.Personnel
			if p.Points != tc.points {
				t.Errorf("got %d points, want %d", p.Points, tc.points)
			}
			if got := p.Explain.Text(zh); tc.explanation != "" && got != tc.explanation {
				t.Errorf("got %q, want %q", got, tc.explanation)
			}
		})
	}
}

// TestSMEPersonnelZeroFails reproduces "ratio 9.9% → personnel score 0 →
// overall FAIL even if the total is ≥ 60".
func TestSMEPersonnelZeroFails(t *testing.T) {
	f := sme()
	f.STStaff, f.Staff = 99, 1000
	f.Years[0].RD = w(300) // 6% of sales: 50
	f.ClassI = 1           // 30
	r := EvaluateSME(DefaultSME(), f, RDBySales, DirectFacts{})
	if r.Score.Total != 80 || r.Score.Personnel.Points != 0 {
		t.Fatalf("got total %d with personnel %d, want 80 with 0", r.Score.Total, r.Score.Personnel.Points)
	}
	if r.Pass || r.Basis != "" {
		t.Errorf("got pass %v basis %q, want a failure", r.Pass, r.Basis)
	}
	want := []string{
		"评价得分80分（科技人员0＋研发投入50＋科技成果30），不低于60分",
		"科技人员指标得分为0，不符合评价条件",
		"不符合直接确认的条件",
	}
	if diff := cmp.Diff(want, texts(zh, condition(t, r.Conditions, "S5").Explain)); diff != "" {
		t.Errorf("S5 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"科技人员占比达到10%还需增加科技人员2人"}, texts(zh, r.Hints)); diff != "" {
		t.Errorf("hints (-want +got):\n%s", diff)
	}
}

// TestSMERDOption reproduces "R&D/sales 5.5% (→40) and R&D/cost 31% (→50):
// the enterprise's chosen option is used, best-of scores 50, and the choice
// is recorded".
func TestSMERDOption(t *testing.T) {
	tests := []struct {
		name   string
		choice RDOption
		points int
		used   RDOption
	}{
		{"the chosen option by sales (5.5%) scores 40", RDBySales, 40, RDBySales},
		{"the chosen option by cost (31%) scores 50", RDByCost, 50, RDByCost},
		{"the explicit best-of choice scores 50", RDBest, 50, RDByCost},
		{"no valid choice scores 0", "", 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := sme()
			f.Years[0].Revenue, f.Years[0].RD, f.Years[0].TotalCostExpense = w(6200), w(341), w(1100) // 5.5% and 31%
			r := EvaluateSME(DefaultSME(), f, tc.choice, DirectFacts{})
			s := r.Score
			if s.RDBySales.Points != 40 || s.RDByCost.Points != 50 {
				t.Fatalf("got %d by sales and %d by cost, want 40 and 50", s.RDBySales.Points, s.RDByCost.Points)
			}
			if s.RD.Points != tc.points || s.RDUsed != tc.used || r.RDOption != tc.choice {
				t.Errorf("got %d points by %q (choice %q), want %d by %q", s.RD.Points, s.RDUsed, r.RDOption, tc.points, tc.used)
			}
			if tc.choice == "" && (len(r.Problems) == 0 || r.Pass) {
				t.Errorf("got pass %v with problems %q for a missing choice", r.Pass, texts(zh, r.Problems))
			}
		})
	}
}

func TestSMEAchievements(t *testing.T) {
	tests := []struct {
		name            string
		classI, classII int
		points          int
	}{
		{"1 invention patent and 0 Class II score 30", 1, 0, 30},
		{"5 utility models score 24", 0, 5, 24},
		{"4 Class II score 24", 0, 4, 24},
		{"3 Class II score 18", 0, 3, 18},
		{"2 Class II score 12", 0, 2, 12},
		{"1 Class II scores 6", 0, 1, 6},
		{"none scores 0", 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := sme()
			f.ClassI, f.ClassII = tc.classI, tc.classII
			if got := EvaluateSME(DefaultSME(), f, RDBySales, DirectFacts{}).Score.Achievements.Points; got != tc.points {
				t.Errorf("got %d, want %d", got, tc.points)
			}
		})
	}
}

func TestSMEScore(t *testing.T) {
	// The default tables only give even totals, so 59 needs a table that
	// scores 3 Class II items 17.
	odd := DefaultSME()
	odd.AchievementClassII.Bands[1].Low, odd.AchievementClassII.Bands[1].High = 17, 17
	hte := DirectFacts{HTECertificate: "GR202334000123", HTEIssuedOn: d("2023-11-30"), HTEExpiresOn: d("2026-11-29")}
	tests := []struct {
		name   string
		p      SMEParams
		change func(*Facts)
		direct DirectFacts
		total  int
		pass   bool
		basis  string
	}{
		{"personnel 12 + R&D 30 + achievements 18 = 60 passes", DefaultSME(), func(*Facts) {}, DirectFacts{}, 60, true, BasisScore},
		{"59 fails", odd, func(*Facts) {}, DirectFacts{}, 59, false, ""},
		{"59 with a direct condition passes", odd, func(*Facts) {}, hte, 59, true, DirectHTE},
		{"score 40 plus a valid HTE certificate passes via DIRECT_HTE", DefaultSME(), func(f *Facts) {
			f.STStaff = 10 // 4
			f.ClassII = 1  // 6
		}, hte, 40, true, DirectHTE},
		{"an HTE certificate that expired does not qualify", DefaultSME(), func(f *Facts) {
			f.STStaff, f.ClassII = 10, 1
			f.ApplyOn = d("2026-11-30")
		}, hte, 40, false, ""},
		{"a national award ranked 3rd in the last 5 years qualifies", DefaultSME(), func(f *Facts) { f.ClassII = 1 },
			DirectFacts{NationalAwardOn: d("2019-06-03"), NationalAwardRank: 3}, 48, true, DirectAward},
		{"a national award more than 5 years ago does not", DefaultSME(), func(f *Facts) { f.ClassII = 1 },
			DirectFacts{NationalAwardOn: d("2019-06-02"), NationalAwardRank: 1}, 48, false, ""},
		{"a national award ranked 4th does not", DefaultSME(), func(f *Facts) { f.ClassII = 1 },
			DirectFacts{NationalAwardOn: d("2023-01-10"), NationalAwardRank: 4}, 48, false, ""},
		{"a provincial R&D institution qualifies", DefaultSME(), func(f *Facts) { f.ClassII = 1 },
			DirectFacts{RDInstitution: true}, 48, true, DirectRDInstitution},
		{"leading a standard qualifies", DefaultSME(), func(f *Facts) { f.ClassII = 1 },
			DirectFacts{StandardOn: d("2022-01-01"), StandardRank: 1}, 48, true, DirectStandard},
		{"a standard as 2nd drafting unit does not (rules of 2017)", DefaultSME(), func(f *Facts) { f.ClassII = 1 },
			DirectFacts{StandardOn: d("2022-01-01"), StandardRank: 2}, 48, false, ""},
		{"a direct condition does not rescue facts that are not valid", DefaultSME(), func(f *Facts) { f.STStaff = 101 },
			hte, 48, false, ""},
		{"a direct condition does not rescue a failed condition 2", DefaultSME(), func(f *Facts) { f.Staff, f.STStaff = 501, 100 },
			hte, 56, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := sme()
			tc.change(&f)
			r := EvaluateSME(tc.p, f, RDBySales, tc.direct)
			if r.Score.Total != tc.total {
				t.Errorf("got total %d, want %d", r.Score.Total, tc.total)
			}
			if r.Pass != tc.pass || r.Basis != tc.basis {
				t.Errorf("got pass %v basis %q, want %v %q: %q", r.Pass, r.Basis, tc.pass, tc.basis,
					texts(zh, condition(t, r.Conditions, "S5").Explain))
			}
			if r.Pass != allPass(r.Conditions) {
				t.Error("Pass differs from all conditions passing")
			}
		})
	}
}

func TestSMEDirectExplanation(t *testing.T) {
	f := sme()
	f.STStaff, f.ClassII = 10, 1
	r := EvaluateSME(DefaultSME(), f, RDBySales,
		DirectFacts{HTECertificate: "GR202334000123", HTEIssuedOn: d("2023-11-30"), HTEExpiresOn: d("2026-11-29")})
	want := []string{
		"评价得分40分（科技人员4＋研发投入30＋科技成果6），低于60分",
		"持有有效期内的高新技术企业证书GR202334000123（有效期至2026年11月29日），直接确认符合条件",
	}
	if diff := cmp.Diff(want, texts(zh, condition(t, r.Conditions, "S5").Explain)); diff != "" {
		t.Errorf("S5 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{DirectHTE}, r.DirectReasons); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
}

func TestSMEBlocked(t *testing.T) {
	tests := []struct {
		name    string
		revoked calendar.Date
		year    int
		blocked bool
	}{
		{"a number revoked on 2024-06-10 blocks new evaluations in 2024", d("2024-06-10"), 2024, true},
		{"it does not block 2025", d("2024-06-10"), 2025, false},
		{"no revocation blocks nothing", calendar.Date{}, 2024, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := SMEBlocked(tc.revoked, tc.year); got != tc.blocked {
				t.Errorf("got %v, want %v", got, tc.blocked)
			}
		})
	}
}
