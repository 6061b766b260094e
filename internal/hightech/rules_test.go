package hightech

import (
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/calendar"
	"kejiju/internal/money"
)

func TestPassingHTE(t *testing.T) {
	r := EvaluateHTE(DefaultHTE(), passingHTE())
	for _, c := range r.Conditions {
		if !c.Pass {
			t.Errorf("%s fails: %q", c.ID, texts(zh, c.Explain))
		}
	}
	if !r.Pass || r.Score.Total != 74 {
		t.Errorf("got pass %v with score %d, want pass with 74", r.Pass, r.Score.Total)
	}
	if len(r.Problems) > 0 || len(r.Hints) > 0 {
		t.Errorf("got problems %q and hints %q, want none", texts(zh, r.Problems), texts(zh, r.Hints))
	}
	if r.RuleID != "hte-2016" || r.Document != "国科发火〔2016〕32号、国科发火〔2016〕195号" {
		t.Errorf("got rule %q %q", r.RuleID, r.Document)
	}
	if diff := cmp.Diff(passingHTE(), r.Facts); diff != "" {
		t.Errorf("the result does not carry the facts it used (-want +got):\n%s", diff)
	}
}

// TestHTEConditions reproduces the testable rules of domain-rules §1 that
// concern one eligibility condition: each case changes the passing facts
// and checks the verdict on that condition.
func TestHTEConditions(t *testing.T) {
	oneYear := func(sales, rd money.Fen) func(*Facts) {
		return func(f *Facts) {
			f.Years = []YearFacts{{Year: 2023, Revenue: sales, RD: rd, RDDomestic: rd, HiTechRevenue: sales, NetAssets: w(100)}}
		}
	}
	tests := []struct {
		name   string
		id     string
		change func(*Facts)
		pass   bool
	}{
		{"C1 registered 2023-03-01, applying 2024-02-28 is under 365 days", "C1", func(f *Facts) {
			f.RegisteredOn, f.ApplyOn = d("2023-03-01"), d("2024-02-28")
		}, false},
		{"C1 registered 2023-03-01, applying 2024-03-01 is 366 days", "C1", func(f *Facts) {
			f.RegisteredOn, f.ApplyOn = d("2023-03-01"), d("2024-03-01")
		}, true},
		{"C1 exactly 365 days passes", "C1", func(f *Facts) {
			f.RegisteredOn, f.ApplyOn = d("2022-03-01"), d("2023-03-01")
		}, true},
		{"C1 not a mainland resident enterprise fails", "C1", func(f *Facts) { f.MainlandResident = false }, false},
		{"C1 missing registration date fails", "C1", func(f *Facts) { f.RegisteredOn = calendar.Date{} }, false},
		{"C2 no usable IP fails", "C2", func(f *Facts) { f.ClassI, f.ClassII = 0, 0; f.Expert.IPQuantity = 0 }, false},
		{"C2 one Class II item that supports the main products passes", "C2", func(f *Facts) { f.ClassI, f.ClassII = 0, 1; f.Expert.IPQuantity = 1 }, true},
		{"C2 IP that does not support the main products fails", "C2", func(f *Facts) { f.CoreIP = false }, false},
		{"C3 empty field fails", "C3", func(f *Facts) { f.TechField = "" }, false},
		{"C3 a name that is not one of the 8 areas fails", "C3", func(f *Facts) { f.TechField = "先进制造及自动化" }, false},
		{"C3 every official area passes", "C3", func(f *Facts) { f.TechField = "资源与环境" }, true},
		{"C4 tech staff 9 of 100 fails", "C4", func(f *Facts) { f.STStaff = 9 }, false},
		{"C4 tech staff 10 of 100 passes (≥10%)", "C4", func(f *Facts) { f.STStaff = 10 }, true},
		{"C4 no employees fails", "C4", func(f *Facts) { f.Staff, f.STStaff = 0, 0 }, false},
		{"C4 more tech staff than employees fails", "C4", func(f *Facts) { f.STStaff = 101 }, false},
		{"C5 sales exactly 50,000,000 with R&D 4.9% fails (needs 5%)", "C5", oneYear(y(50_000_000), y(2_450_000)), false},
		{"C5 sales exactly 50,000,000 with R&D 5.0% passes", "C5", oneYear(y(50_000_000), y(2_500_000)), true},
		{"C5 sales 50,000,001 with R&D 4.0% passes", "C5", oneYear(y(50_000_001), 200_000_004), true},
		{"C5 sales 50,000,001 with R&D just under 4.0% fails", "C5", oneYear(y(50_000_001), 200_000_003), false},
		{"C5 sales exactly 200,000,000 with R&D 3.5% fails (needs 4%)", "C5", oneYear(y(200_000_000), y(7_000_000)), false},
		{"C5 sales 200,000,001 with R&D 3.0% passes", "C5", oneYear(y(200_000_001), 600_000_003), true},
		{"C5 sums the last three years", "C5", func(f *Facts) {
			f.Years = []YearFacts{
				{Year: 2020, Revenue: w(100000), RD: 0}, // outside the window
				{Year: 2021, Revenue: w(1000), RD: w(10)},
				{Year: 2022, Revenue: w(1000), RD: w(40)},
				{Year: 2023, Revenue: w(1000), RD: w(100)}, // 150/3000 = 5%
			}
		}, true},
		{"C5 no sales fails", "C5", oneYear(0, 0), false},
		{"C6 domestic R&D 59.9% of total fails", "C6", func(f *Facts) {
			f.Years = []YearFacts{{Year: 2023, Revenue: w(10000), RD: w(1000), RDDomestic: w(599), HiTechRevenue: w(8000)}}
		}, false},
		{"C6 domestic R&D 60.0% of total passes", "C6", func(f *Facts) {
			f.Years = []YearFacts{{Year: 2023, Revenue: w(10000), RD: w(1000), RDDomestic: w(600), HiTechRevenue: w(8000)}}
		}, true},
		{"C7 high-tech revenue 60.0% of total revenue passes", "C7", func(f *Facts) {
			f.Years[2].HiTechRevenue = w(4320) * 6 / 10
		}, true},
		{"C7 high-tech revenue 59.99% fails", "C7", func(f *Facts) {
			f.Years[2].HiTechRevenue = w(4320) * 5999 / 10000
		}, false},
		{"C7 uses total income when it is given", "C7", func(f *Facts) {
			f.Years[2].HiTechRevenue = w(3000)
			f.Years[2].TotalIncome = w(5001) // 3000/5001 < 60%
		}, false},
		{"C9 an accident in the year before fails", "C9", func(f *Facts) { f.CleanRecord = false }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := passingHTE()
			tc.change(&f)
			c := condition(t, EvaluateHTE(DefaultHTE(), f).Conditions, tc.id)
			if c.Pass != tc.pass {
				t.Errorf("got %s pass %v, want %v: %q", tc.id, c.Pass, tc.pass, texts(zh, c.Explain))
			}
		})
	}
}

// TestHTEExplanations checks that explanations and hints state the numbers
// used, in Chinese and English.
func TestHTEExplanations(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Facts)
		id     string
		zh, en string // the condition's last explanation
		hintZH string // the first hint
		hintEN string
	}{
		{
			name: "C4 9 of 100 needs 2 more S&T staff", id: "C4",
			change: func(f *Facts) { f.STStaff = 9 },
			zh:     "科技人员占比9.0%（9/100），低于10%",
			en:     "S&T personnel are 9.0% of employees (9/100), below 10%",
			hintZH: "还需增加科技人员2人（或现有职工中再有1人符合科技人员条件）",
			hintEN: "Add 2 S&T staff (or have 1 more existing employee(s) qualify as S&T personnel)",
		},
		{
			name: "C5 4.9% at 50,000,000 is 5万元 short", id: "C5",
			change: func(f *Facts) {
				f.Years = []YearFacts{{Year: 2023, Revenue: y(50_000_000), RD: y(2_450_000), RDDomestic: y(2_450_000), HiTechRevenue: y(40_000_000)}}
			},
			zh:     "近1个会计年度研究开发费用合计245.00万元，占同期销售收入合计5,000.00万元的4.9%，低于5%（最近一年销售收入5,000.00万元）",
			en:     "R&D expense over the last 1 fiscal year(s) totals 2,450,000.00 yuan, 4.9% of sales of 50,000,000.00 yuan: below the 5% required for latest-year sales of 50,000,000.00 yuan",
			hintZH: "研究开发费用还差5.00万元（按近1个会计年度合计）",
			hintEN: "R&D expense is 50,000.00 yuan short (over the last 1 fiscal year(s))",
		},
		{
			name: "C1 under a year says when to apply", id: "C1",
			change: func(f *Facts) { f.RegisteredOn, f.ApplyOn = d("2023-03-01"), d("2024-02-28") },
			zh:     "2023年3月1日注册成立，至申请日2024年2月28日仅364天，不足365天（须注册成立一年以上）",
			en:     "Registered on 1 Mar 2023, only 364 days before the application on 28 Feb 2024: fewer than the 365 days required (more than one year)",
			hintZH: "注册成立满365天后方可申请，最早可于2024年2月29日申请",
			hintEN: "The enterprise may apply once registered for 365 days, on 29 Feb 2024 at the earliest",
		},
		{
			name: "C7 59.99% names the shortfall", id: "C7",
			change: func(f *Facts) { f.Years[2].HiTechRevenue = w(4320) * 5999 / 10000 },
			zh:     "2023年高新技术产品（服务）收入2,591.57万元，占同期总收入4,320.00万元的59.99%，低于60%",
			en:     "High-tech product (service) income of 2023 is 25,915,680.00 yuan, 59.99% of total income of 43,200,000.00 yuan: below 60%",
			hintZH: "高新技术产品（服务）收入还差0.44万元",
			hintEN: "High-tech product (service) income is 4,320.00 yuan short",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := passingHTE()
			tc.change(&f)
			r := EvaluateHTE(DefaultHTE(), f)
			c := condition(t, r.Conditions, tc.id)
			last := c.Explain[len(c.Explain)-1]
			if got := last.Text(zh); got != tc.zh {
				t.Errorf("got %q, want %q", got, tc.zh)
			}
			if got := last.Text(en); got != tc.en {
				t.Errorf("got %q, want %q", got, tc.en)
			}
			if len(r.Hints) == 0 {
				t.Fatal("got no hints")
			}
			if got := r.Hints[0].Text(zh); got != tc.hintZH {
				t.Errorf("got hint %q, want %q", got, tc.hintZH)
			}
			if got := r.Hints[0].Text(en); got != tc.hintEN {
				t.Errorf("got hint %q, want %q", got, tc.hintEN)
			}
		})
	}
}

// TestHintsSuffice checks that following a hint makes the condition pass,
// and that one unit less would not.
func TestHintsSuffice(t *testing.T) {
	f := passingHTE()
	for st := 0; st < 10; st++ {
		f.Staff, f.STStaff = 97, st
		r := EvaluateHTE(DefaultHTE(), f)
		n, err := strconv.Atoi(r.Hints[0].Args[0])
		if err != nil {
			t.Fatal(err)
		}
		g := f
		g.Staff, g.STStaff = f.Staff+n, f.STStaff+n
		if !condition(t, EvaluateHTE(DefaultHTE(), g).Conditions, "C4").Pass {
			t.Errorf("%d of 97: hiring %d is not enough", st, n)
		}
		g.Staff, g.STStaff = f.Staff+n-1, f.STStaff+n-1
		if condition(t, EvaluateHTE(DefaultHTE(), g).Conditions, "C4").Pass {
			t.Errorf("%d of 97: hiring %d is more than needed", st, n)
		}
	}
}

// TestHTEScoreThreshold reproduces "total score 70 fails, 71 passes".
func TestHTEScoreThreshold(t *testing.T) {
	tests := []struct {
		name  string
		total int
		pass  bool
	}{
		{"C8 total score 70 fails (must be above 70)", 70, false},
		{"C8 total score 71 passes", 71, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := passingHTE()
			// IP 8+8+8+6 = 30, conversion 5 a year over one year = 30 (band A),
			// growth 0 (one year), organisation makes up the rest.
			f.Years = []YearFacts{{Year: 2023, Revenue: w(1000), RD: w(100), RDDomestic: w(100), HiTechRevenue: w(800), NetAssets: w(100), Conversions: 5}}
			f.Expert = ExpertScores{IPAdvancement: 8, IPCoreSupport: 8, IPQuantity: 8, IPAcquisition: 6}
			org := tc.total - 60
			f.Expert.OrgManagement = min(org, 6)
			f.Expert.OrgInstitution = min(org-f.Expert.OrgManagement, 6)
			f.Expert.OrgConversion = org - f.Expert.OrgManagement - f.Expert.OrgInstitution
			r := EvaluateHTE(DefaultHTE(), f)
			if r.Score.Total != tc.total {
				t.Fatalf("got total %d, want %d", r.Score.Total, tc.total)
			}
			if c := condition(t, r.Conditions, "C8"); c.Pass != tc.pass {
				t.Errorf("got C8 pass %v, want %v: %q", c.Pass, tc.pass, texts(zh, c.Explain))
			}
		})
	}
}

func TestIPScore(t *testing.T) {
	tests := []struct {
		name            string
		classI, classII int
		x               ExpertScores
		sum, points     int
		band            string
		valid           bool
	}{
		{"IP sub-scores 8+8+8+6+2 = 32 are capped to 30", 1, 0,
			ExpertScores{IPAdvancement: 8, IPCoreSupport: 8, IPQuantity: 8, IPAcquisition: 6, IPStandards: 2}, 32, 30, "A", true},
		{"IP quantity band B needs 5 Class II items", 0, 5,
			ExpertScores{IPQuantity: 6}, 6, 6, "B", true},
		{"IP quantity 3 Class II items is band C (3–4), so 5 is not valid", 0, 3,
			ExpertScores{IPQuantity: 5}, 0, 0, "C", false},
		{"IP quantity with no items is band E (0)", 0, 0,
			ExpertScores{}, 0, 0, "E", true},
		{"IP advancement above 8 is not valid", 1, 0,
			ExpertScores{IPAdvancement: 9, IPQuantity: 7}, 7, 7, "A", false},
		{"IP standards bonus above 2 is not valid", 1, 0,
			ExpertScores{IPStandards: 3, IPQuantity: 7}, 7, 7, "A", false},
		{"negative scores are not valid", 1, 0,
			ExpertScores{IPAcquisition: -1, IPQuantity: 7}, 7, 7, "A", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := passingHTE()
			f.ClassI, f.ClassII = tc.classI, tc.classII
			f.Expert = tc.x
			r := EvaluateHTE(DefaultHTE(), f)
			ip := r.Score.IP
			if ip.Sum != tc.sum || ip.Points != tc.points || ip.Items[2].Band != tc.band {
				t.Errorf("got sum %d points %d quantity band %s, want %d %d %s", ip.Sum, ip.Points, ip.Items[2].Band, tc.sum, tc.points, tc.band)
			}
			if valid := len(r.Problems) == 0; valid != tc.valid {
				t.Errorf("got valid %v, want %v: %q", valid, tc.valid, texts(zh, r.Problems))
			}
			if !tc.valid && condition(t, r.Conditions, "C8").Pass {
				t.Error("C8 passes with an invalid score")
			}
		})
	}
}

func TestGrowthRate(t *testing.T) {
	tests := []struct {
		name   string
		v      []money.Fen
		rate   string // exact, "" for no rate
		note   string
		band   string
		lo, hi int
	}{
		{"net assets 1000, 1300, 1690: ½(1.3 + 1.3) − 1 = 0.30 is band B (7–8)", []money.Fen{w(1000), w(1300), w(1690)}, "3/10", GrowthThreeYears, "B", 7, 8},
		{"sales 0, 500, 600: two-year rule 600/500 − 1 = 0.20 is band C (5–6)", []money.Fen{0, w(500), w(600)}, "1/5", GrowthFirstYearZero, "C", 5, 6},
		{"sales 400, 0, 600: year 2 is 0, so 0 points", []money.Fen{w(400), 0, w(600)}, "", GrowthSecondYearZero, "F", 0, 0},
		{"g = 0 exactly is band F (0)", []money.Fen{w(500), w(500), w(500)}, "0", GrowthThreeYears, "F", 0, 0},
		{"g = 0.0001 is band E (1–2)", []money.Fen{y(10000), y(10001)}, "1/10000", GrowthTwoYears, "E", 1, 2},
		{"g exactly 35% is band A (9–10)", []money.Fen{y(100), y(135)}, "7/20", GrowthTwoYears, "A", 9, 10},
		{"g exactly 25% is band B", []money.Fen{y(100), y(125)}, "1/4", GrowthTwoYears, "B", 7, 8},
		{"g exactly 15% is band C", []money.Fen{y(100), y(115)}, "3/20", GrowthTwoYears, "C", 5, 6},
		{"g exactly 5% is band D (3–4)", []money.Fen{y(100), y(105)}, "1/20", GrowthTwoYears, "D", 3, 4},
		{"negative growth is band F (0 points)", []money.Fen{w(1000), w(900), w(800)}, "-19/180", GrowthThreeYears, "F", 0, 0},
		{"two years of operation: V₂/V₁ − 1", []money.Fen{w(1000), w(1300)}, "3/10", GrowthTwoYears, "B", 7, 8},
		{"two years with V₁ = 0 have no rate", []money.Fen{0, w(1300)}, "", GrowthBaseZero, "F", 0, 0},
		{"one year of operation has no rate (0 points)", []money.Fen{w(1000)}, "", GrowthOneYear, "F", 0, 0},
		{"no years have no rate", nil, "", GrowthNoData, "F", 0, 0},
		{"only the last three years count", []money.Fen{1, w(1000), w(1300), w(1690)}, "3/10", GrowthThreeYears, "B", 7, 8},
		{"negative net assets as a divisor give no rate", []money.Fen{-w(100), -w(200), -w(400)}, "", GrowthNegativeBase, "F", 0, 0},
	}
	table := DefaultHTE().Growth
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rate, ok, note := GrowthRate(tc.v)
			got := ""
			if ok {
				got = rate.RatString()
			}
			if got != tc.rate || note != tc.note || ok != (tc.rate != "") {
				t.Errorf("got %q %v %s, want %q %s", got, ok, note, tc.rate, tc.note)
			}
			b := table.ClassifyRat(rate)
			if b.Letter != tc.band || b.Low != tc.lo || b.High != tc.hi {
				t.Errorf("got band %s (%d–%d), want %s (%d–%d)", b.Letter, b.Low, b.High, tc.band, tc.lo, tc.hi)
			}
		})
	}
}

func TestGrowthBandBoundaries(t *testing.T) {
	table := DefaultHTE().Growth
	for _, tc := range []struct {
		rate *big.Rat
		band string
	}{
		{big.NewRat(0, 1), "F"},
		{big.NewRat(1, 10000), "E"},
		{big.NewRat(-1, 10000), "F"},
		{big.NewRat(499, 10000), "E"},
		{big.NewRat(3499, 10000), "B"},
		{big.NewRat(35, 100), "A"},
	} {
		if b := table.ClassifyRat(tc.rate); b.Letter != tc.band {
			t.Errorf("rate %s: got band %s, want %s", tc.rate.RatString(), b.Letter, tc.band)
		}
	}
}

func TestGrowthScore(t *testing.T) {
	tests := []struct {
		name     string
		override *int
		points   int
		valid    bool
	}{
		{"the top of band B by default", nil, 8, true},
		{"an expert override within band B", ptr(7), 7, true},
		{"an override outside band B is not valid", ptr(9), 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := passingHTE()
			f.Expert.NetAssetGrowth = tc.override
			r := EvaluateHTE(DefaultHTE(), f)
			na := r.Score.Growth.Items[0]
			if na.Band != "B" || na.Low != 7 || na.High != 8 || na.Points != tc.points || na.Value != "3/10" {
				t.Errorf("got %+v", na)
			}
			if valid := len(r.Problems) == 0; valid != tc.valid || condition(t, r.Conditions, "C8").Pass != tc.valid {
				t.Errorf("got valid %v, want %v: %q", valid, tc.valid, texts(zh, r.Problems))
			}
		})
	}
	r := EvaluateHTE(DefaultHTE(), passingHTE())
	want := "年末数1,000.00万元、1,300.00万元、1,690.00万元，按½×(V₂/V₁＋V₃/V₂)−1计算增长率为30.0%，属B档（7–8分），计8分"
	if got := r.Score.Growth.Items[0].Explain.Text(zh); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestConversion(t *testing.T) {
	tests := []struct {
		name        string
		conversions []int
		band        string
		lo, hi      int
		avg         string
	}{
		{"7 conversions over 3 years (avg 2.33) is band D (7–12)", []int{2, 2, 3}, "D", 7, 12, "2.33"},
		{"5 conversions over 1 year (avg 5) is band A (25–30)", []int{5}, "A", 25, 30, "5.00"},
		{"4 a year on average is band B (19–24)", []int{4, 4, 4}, "B", 19, 24, "4.00"},
		{"11 over 3 years (avg 3.66…, shown rounded down) is band C", []int{3, 4, 4}, "C", 13, 18, "3.66"},
		{"3 over 3 years (avg 1) is band E (1–6)", []int{1, 1, 1}, "E", 1, 6, "1.00"},
		{"2 over 3 years (avg 0.66…) is band F (0)", []int{0, 1, 1}, "F", 0, 0, "0.66"},
		{"only the last 3 years count", []int{100, 2, 2, 3}, "D", 7, 12, "2.33"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := passingHTE()
			f.Years = nil
			for i, n := range tc.conversions {
				f.Years = append(f.Years, YearFacts{Year: 2020 + i, Revenue: w(1000), NetAssets: w(100), Conversions: n})
			}
			c := EvaluateHTE(DefaultHTE(), f).Score.Conversion
			if c.Band != tc.band || c.Low != tc.lo || c.High != tc.hi || c.Points != tc.hi {
				t.Errorf("got band %s (%d–%d) %d points, want %s (%d–%d)", c.Band, c.Low, c.High, c.Points, tc.band, tc.lo, tc.hi)
			}
			if !strings.Contains(c.Explain.Text(zh), "年均"+tc.avg+"项") {
				t.Errorf("got %q, want the average %s", c.Explain.Text(zh), tc.avg)
			}
		})
	}
}

func TestProblemsFailConditions(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Facts)
		fail   []string
	}{
		{"years out of order", func(f *Facts) { f.Years[0].Year = 2023 }, []string{"C5", "C6", "C7", "C8"}},
		{"negative sales", func(f *Facts) { f.Years[1].Revenue = -1 }, []string{"C5", "C6", "C7", "C8"}},
		{"domestic R&D above total", func(f *Facts) { f.Years[1].RDDomestic = f.Years[1].RD + 1 }, []string{"C5", "C6", "C7", "C8"}},
		{"negative IP count", func(f *Facts) { f.ClassII = -1 }, []string{"C2"}},
		{"conversion override outside its band", func(f *Facts) { f.Expert.Conversion = ptr(30) }, []string{"C8"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := passingHTE()
			tc.change(&f)
			r := EvaluateHTE(DefaultHTE(), f)
			if len(r.Problems) == 0 || r.Pass {
				t.Errorf("got pass %v with problems %q", r.Pass, texts(zh, r.Problems))
			}
			var failed []string
			for _, c := range r.Conditions {
				if !c.Pass {
					failed = append(failed, c.ID)
				}
			}
			if diff := cmp.Diff(tc.fail, failed); diff != "" {
				t.Errorf("failed conditions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRDCategoryWarnings(t *testing.T) {
	f := passingHTE()
	f.Years[2].RDCategories = [8]money.Fen{RDPersonnel: w(150), RDDirect: w(50), RDOther: w(60)} // 60 > 200 × 20/80 = 50
	r := EvaluateHTE(DefaultHTE(), f)
	want := []string{"2023年其他费用60.00万元，超过可计入的50.00万元（其他费用不超过研究开发费用总额的20%）"}
	if diff := cmp.Diff(want, texts(zh, r.Warnings)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if !r.Pass {
		t.Error("a warning decided the outcome")
	}
	f.Years[2].RDCategories[RDOther] = w(50)
	f.Years[2].RDCategories[RDDesign] = w(1)
	r = EvaluateHTE(DefaultHTE(), f)
	want = []string{"2023年研发费用分类合计251.00万元，与研究开发费用总额260.00万元不一致"}
	if diff := cmp.Diff(want, texts(zh, r.Warnings)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestHTEConditionOrder(t *testing.T) {
	r := EvaluateHTE(DefaultHTE(), Facts{})
	var ids []string
	for _, c := range r.Conditions {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, []string{"C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9"}) || r.Pass {
		t.Errorf("got %v pass %v for empty facts", ids, r.Pass)
	}
}
