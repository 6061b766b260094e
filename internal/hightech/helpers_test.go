package hightech

import (
	"slices"
	"testing"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/money"
)

// d parses a date constant.
func d(s string) calendar.Date { return calendar.MustParse(s) }

// y returns an amount in whole 元.
func y(n int64) money.Fen { return money.Fen(n) * 100 }

// w returns an amount in 万元.
func w(n int64) money.Fen { return money.Fen(n) * 10000 * 100 }

func ptr(n int) *int { return &n }

// passingHTE returns the facts of an enterprise that meets every HTE
// condition: innovation score 26 (IP) + 18 (conversion, 3 a year: band C)
// + 16 (organisation) + 8 (net assets 1000→1300→1690: band B) + 6 (sales
// +20% a year: band C) = 74.
func passingHTE() Facts {
	return Facts{
		RegisteredOn: d("2018-05-02"), ApplyOn: d("2024-06-03"),
		MainlandResident: true, CoreIP: true, TechField: "先进制造与自动化",
		Staff: 100, STStaff: 20,
		Years: []YearFacts{
			{Year: 2021, Revenue: w(3000), RD: w(200), RDDomestic: w(200), HiTechRevenue: w(2000), NetAssets: w(1000), TotalAssets: w(5000), TotalCostExpense: w(2500), Conversions: 3},
			{Year: 2022, Revenue: w(3600), RD: w(220), RDDomestic: w(200), HiTechRevenue: w(2500), NetAssets: w(1300), TotalAssets: w(5500), TotalCostExpense: w(3000), Conversions: 3},
			{Year: 2023, Revenue: w(4320), RD: w(260), RDDomestic: w(250), HiTechRevenue: w(3000), NetAssets: w(1690), TotalAssets: w(6000), TotalCostExpense: w(3600), Conversions: 3},
		},
		ClassI: 1, ClassII: 6, CleanRecord: true,
		Expert: ExpertScores{
			IPAdvancement: 7, IPCoreSupport: 7, IPQuantity: 7, IPAcquisition: 5, IPStandards: 0,
			OrgManagement: 5, OrgInstitution: 5, OrgConversion: 3, OrgTalent: 3,
		},
		NotProhibitedIndustry: true, SMEClean: true, NotAbnormalListed: true, NotDishonest: true,
	}
}

// condition returns the condition id of r.
func condition(t *testing.T, cs []Condition, id string) Condition {
	t.Helper()
	i := slices.IndexFunc(cs, func(c Condition) bool { return c.ID == id })
	if i < 0 {
		t.Fatalf("no condition %s", id)
	}
	return cs[i]
}

var (
	zh = i18n.Default().Printer(i18n.Chinese)
	en = i18n.Default().Printer(i18n.English)
)

// texts renders messages in p's language.
func texts(p *i18n.Printer, ms []Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Text(p)
	}
	return out
}
