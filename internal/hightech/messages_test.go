package hightech

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"kejiju/internal/money"
)

// catalog reads hightech.json of one language.
func catalog(t *testing.T, lang string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "i18n", "locales", lang, "hightech.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]string
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// produced evaluates a spread of facts that reaches every explanation, hint,
// problem and warning, and returns every message the results hold.
func produced() []Message {
	var out []Message
	addHTE := func(r HTEResult) {
		for _, c := range r.Conditions {
			out = append(out, c.Name)
			out = append(out, c.Explain...)
		}
		s := r.Score
		for _, g := range []Group{s.IP, s.Organisation, s.Growth} {
			out = append(out, g.Name, g.Explain)
			for _, it := range g.Items {
				out = append(out, it.Name, it.Explain)
			}
		}
		out = append(out, s.Conversion.Name, s.Conversion.Explain)
		out = append(out, r.Hints...)
		out = append(out, r.Problems...)
		out = append(out, r.Warnings...)
	}
	addSME := func(r SMEResult) {
		for _, c := range r.Conditions {
			out = append(out, c.Name)
			out = append(out, c.Explain...)
		}
		s := r.Score
		for _, it := range []Indicator{s.Personnel, s.RDBySales, s.RDByCost, s.RD, s.Achievements} {
			out = append(out, it.Name, it.Explain)
		}
		out = append(out, r.Hints...)
		out = append(out, r.Problems...)
	}

	hte := []func(*Facts){
		func(*Facts) {},
		func(f *Facts) { *f = Facts{} },
		func(f *Facts) {
			f.MainlandResident, f.CoreIP, f.CleanRecord = false, false, false
			f.TechField = "其他"
		},
		func(f *Facts) { f.RegisteredOn = f.ApplyOn; f.ClassI, f.ClassII, f.Expert.IPQuantity = 0, 0, 0 },
		func(f *Facts) { f.STStaff, f.Staff = 9, 100; f.Years[2].HiTechRevenue = 0 },
		func(f *Facts) { f.STStaff, f.Staff = 101, 100; f.ClassI = -1 },
		func(f *Facts) {
			f.Years = []YearFacts{{Year: 2023, Revenue: w(100), RD: w(1), RDDomestic: 0, HiTechRevenue: 0, TotalIncome: w(1)}}
		},
		func(f *Facts) { f.Years = []YearFacts{{Year: 2023}} },
		func(f *Facts) {
			f.Years = []YearFacts{
				{Year: 2023, Revenue: -1, TotalIncome: -1, RD: -1, RDDomestic: -1, HiTechRevenue: -1, TotalAssets: -1,
					TotalCostExpense: -1, Conversions: -1, RDCategories: [8]money.Fen{RDDesign: -1}},
				{Year: 2022, RDDomestic: 1, HiTechRevenue: 1},
			}
		},
		func(f *Facts) {
			f.Years[2].RDCategories = [8]money.Fen{RDPersonnel: w(100), RDOther: w(100)}
			f.Years[0].Revenue, f.Years[0].NetAssets = 0, -w(1)
		},
		func(f *Facts) { f.Years[1].Revenue, f.Years[1].NetAssets = 0, 0 },
		func(f *Facts) { f.Years = f.Years[1:]; f.Years[0].Revenue = 0 },
		func(f *Facts) {
			f.Expert = ExpertScores{IPAdvancement: 9, IPCoreSupport: 9, IPQuantity: 9, IPAcquisition: 9, IPStandards: 9,
				OrgManagement: 9, OrgInstitution: 9, OrgConversion: 9, OrgTalent: 9,
				Conversion: ptr(99), NetAssetGrowth: ptr(99), RevenueGrowth: ptr(99)}
		},
		func(f *Facts) {
			f.Expert = ExpertScores{IPAdvancement: 8, IPCoreSupport: 8, IPQuantity: 8, IPAcquisition: 6, IPStandards: 2}
		},
	}
	for _, change := range hte {
		f := passingHTE()
		change(&f)
		addHTE(EvaluateHTE(DefaultHTE(), f))
	}

	direct := DirectFacts{
		HTECertificate: "GR202334000123", HTEIssuedOn: d("2023-11-30"), HTEExpiresOn: d("2026-11-29"),
		NationalAwardOn: d("2022-01-01"), NationalAwardRank: 1, RDInstitution: true,
		StandardOn: d("2022-01-01"), StandardRank: 1,
	}
	smes := []struct {
		change func(*Facts)
		choice RDOption
		direct DirectFacts
	}{
		{func(*Facts) {}, RDBySales, DirectFacts{}},
		{func(*Facts) {}, RDByCost, DirectFacts{}},
		{func(f *Facts) { f.Years[0].TotalCostExpense = 0 }, RDBest, DirectFacts{}},
		{func(f *Facts) { f.Years[0].TotalCostExpense = w(100) }, RDBest, DirectFacts{}},
		{func(f *Facts) { f.STStaff = 0; f.ClassII = 0 }, RDBySales, direct},
		{func(*Facts) {}, "other", direct},
		{func(f *Facts) { *f = Facts{Staff: -1} }, RDBySales, DirectFacts{}},
		{func(f *Facts) {
			f.Staff, f.STStaff = 1000, 0
			f.Years[0].Revenue = w(30000)
			f.Years[0].TotalAssets = w(30000)
		}, RDBySales, DirectFacts{}},
		{func(f *Facts) { f.Years[0].Revenue = -1; f.ClassI = -1 }, RDBySales, DirectFacts{}},
		{func(f *Facts) {
			f.MainlandResident, f.NotProhibitedIndustry, f.SMEClean, f.NotAbnormalListed, f.NotDishonest = false, false, false, false, false
		}, RDBySales, DirectFacts{}},
	}
	for _, s := range smes {
		f := sme()
		s.change(&f)
		addSME(EvaluateSME(DefaultSME(), f, s.choice, s.direct))
	}
	return out
}

// TestMessages checks the catalogs against the messages the rules produce:
// every key has a format in both languages, every format shows its
// arguments without fmt complaints, every argument appears in one language
// at least, and every catalog key is produced by some evaluation.
func TestMessages(t *testing.T) {
	zhCat, enCat := catalog(t, "zh-CN"), catalog(t, "en")
	if diff := slices.Compare(slices.Sorted(maps.Keys(zhCat)), slices.Sorted(maps.Keys(enCat))); diff != 0 {
		t.Fatal("the two catalogs have different keys")
	}
	seen := map[string]bool{}
	for _, m := range produced() {
		seen[m.Key] = true
		args := make([]any, len(m.Args))
		for i, a := range m.Args {
			args[i] = a
		}
		for lang, cat := range map[string]map[string]string{"zh-CN": zhCat, "en": enCat} {
			f, ok := cat[m.Key]
			if !ok {
				t.Errorf("%s: %s is not in the catalog", lang, m.Key)
				continue
			}
			if out := fmt.Sprintf(f, args...); len(args) > 0 && strings.Contains(out, "%!") {
				t.Errorf("%s: %s formats as %q", lang, m.Key, out)
			}
		}
		for i := range m.Args {
			verb := fmt.Sprintf("%%[%d]s", i+1)
			if !strings.Contains(zhCat[m.Key], verb) && !strings.Contains(enCat[m.Key], verb) {
				t.Errorf("%s does not show argument %d in either language", m.Key, i+1)
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(zhCat)) {
		if !seen[k] && !uiKey(k) {
			t.Errorf("%s is in the catalog but no evaluation produced it", k)
		}
	}
}

// uiKey reports whether k is a key of the pages (hightech.ui.…, nav.…)
// rather than a message of the rules; the i18n tests check those.
func uiKey(k string) bool {
	return strings.HasPrefix(k, "hightech.ui.") || !strings.HasPrefix(k, "hightech.")
}

// TestKeysInCode checks every message key the code names literally.
func TestKeysInCode(t *testing.T) {
	zhCat, enCat := catalog(t, "zh-CN"), catalog(t, "en")
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`"(hightech\.[a-z0-9_.]+)"`)
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			key := m[1]
			if strings.HasSuffix(key, ".") {
				continue // a prefix completed at run time, checked by TestMessages
			}
			if _, ok := zhCat[key]; !ok {
				t.Errorf("%s: %s is not in the zh-CN catalog", file, key)
			}
			if _, ok := enCat[key]; !ok {
				t.Errorf("%s: %s is not in the en catalog", file, key)
			}
		}
	}
}
