package hightech

import (
	"encoding/json"
	"testing"

	"kejiju/internal/calendar"
	"kejiju/internal/money"
)

// FuzzEvaluate checks that EvaluateHTE and EvaluateSME never panic on any
// facts, that Pass is exactly "every condition passes", that the score
// stays within 0–100, and that the result stores as JSON.
func FuzzEvaluate(f *testing.F) {
	f.Add(int64(2018), int64(2024), 100, 20, int64(4_320_000_000), int64(260_000_000), int64(169_000_000), 3, 1, 6, 7, 0, true)
	f.Add(int64(2023), int64(2024), 0, 0, int64(0), int64(0), int64(0), 0, 0, 0, 0, 0, false)
	f.Add(int64(-1), int64(99999), -5, 7, int64(-1), int64(1)<<62, int64(-1)<<62, -3, -1, 1<<40, 99, -7, true)
	f.Fuzz(func(t *testing.T, regYear, applyYear int64, staff, st int, sales64, rd64, na64 int64, conv, classI, classII, score, override int, flag bool) {
		sales, rd, na := money.Fen(sales64), money.Fen(rd64), money.Fen(na64)
		reg := calendar.Date{Year: int(regYear), Month: 3, Day: 1}
		facts := Facts{
			RegisteredOn: reg, ApplyOn: calendar.Date{Year: int(applyYear), Month: 2, Day: 29},
			MainlandResident: flag, CoreIP: flag, TechField: "电子信息", CleanRecord: flag,
			Staff: staff, STStaff: st, ClassI: classI, ClassII: classII,
			NotProhibitedIndustry: flag, SMEClean: flag, NotAbnormalListed: flag, NotDishonest: flag,
			Expert: ExpertScores{
				IPAdvancement: score, IPCoreSupport: score, IPQuantity: score, IPAcquisition: score, IPStandards: score,
				OrgManagement: score, OrgInstitution: score, OrgConversion: score, OrgTalent: score,
			},
		}
		if flag {
			facts.Expert.Conversion, facts.Expert.RevenueGrowth = &override, &override
		}
		for i := range 3 {
			facts.Years = append(facts.Years, YearFacts{
				Year: 2021 + i, Revenue: sales, RD: rd, RDDomestic: rd / 2, HiTechRevenue: sales / 2,
				NetAssets: na * money.Fen(i+1), TotalAssets: na, TotalCostExpense: sales - rd, Conversions: conv,
				RDCategories: [8]money.Fen{RDOther: rd, RDPersonnel: na},
			})
		}
		r := EvaluateHTE(DefaultHTE(), facts)
		if r.Pass != allPass(r.Conditions) || len(r.Conditions) != 9 {
			t.Fatalf("HTE pass %v with conditions %+v", r.Pass, r.Conditions)
		}
		if r.Score.Total < 0 || r.Score.Total > 100 {
			t.Fatalf("HTE score %d", r.Score.Total)
		}
		if facts.RegisteredOn.IsValid() && facts.ApplyOn.IsValid() { // invalid dates do not encode
			if _, err := json.Marshal(r); err != nil {
				t.Fatal(err)
			}
		}
		for _, choice := range []RDOption{RDBySales, RDByCost, RDBest, "x"} {
			s := EvaluateSME(DefaultSME(), facts, choice, DirectFacts{RDInstitution: !flag, HTEIssuedOn: reg, HTEExpiresOn: reg.AddDays(conv)})
			if s.Pass != allPass(s.Conditions) || s.Pass != (s.Basis != "") {
				t.Fatalf("SME pass %v basis %q with conditions %+v", s.Pass, s.Basis, s.Conditions)
			}
			if s.Score.Total < 0 || s.Score.Total > 100 {
				t.Fatalf("SME score %d", s.Score.Total)
			}
		}
	})
}
