package hightech_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/calendar"
	"kejiju/internal/hightech"
	"kejiju/internal/i18n"
)

// hte returns an HTE certificate issued on from.
func hte(number, from string) hightech.Certificate {
	return hightech.Certificate{Kind: hightech.CertHTE, Number: number, Year: day(from).Year, ValidFrom: day(from)}
}

// reported returns fiscal years with their annual report filed or not.
func reported(filed map[int]bool) []hightech.ProfileYear {
	var ys []hightech.ProfileYear
	for _, y := range slices.Sorted(maps.Keys(filed)) {
		ys = append(ys, hightech.ProfileYear{Year: y, AnnualReport: filed[y]})
	}
	return ys
}

func TestRemind(t *testing.T) {
	// A certificate issued on 2023-11-30 expires on 2026-11-29; reminders
	// of re-certification start on 2025-11-01, twelve months ahead.
	cur := hte("GR202334000101", "2023-11-30")
	allFiled := map[int]bool{2023: true, 2024: true, 2025: true}
	tests := []struct {
		name  string
		certs []hightech.Certificate
		filed map[int]bool
		today string
		want  []string
	}{
		{"expires in 11 months", []hightech.Certificate{cur}, allFiled, "2025-12-29", []string{"recert"}},
		{"expires in 13 months", []hightech.Certificate{cur}, allFiled, "2025-10-29", nil},
		{"first day of the reminder month", []hightech.Certificate{cur}, allFiled, "2025-11-01", []string{"recert"}},
		{"last day of the month before", []hightech.Certificate{cur}, allFiled, "2025-10-31", nil},
		{"expired", []hightech.Certificate{cur}, allFiled, "2026-11-30", nil},
		{"no certificate", nil, map[int]bool{2024: false}, "2025-06-30", nil},
		{"report due before 31 May", []hightech.Certificate{cur}, map[int]bool{2023: true}, "2025-05-31", []string{"report_due"}},
		{"no row counts as not filed", []hightech.Certificate{cur}, map[int]bool{2023: true}, "2025-03-01", []string{"report_due"}},
		{"report overdue after 31 May", []hightech.Certificate{cur}, map[int]bool{2023: true, 2024: false}, "2025-06-01", []string{"report_overdue"}},
		{"report filed", []hightech.Certificate{cur}, map[int]bool{2023: true, 2024: true}, "2025-06-01", nil},
		{"certificate of this year: no report yet", []hightech.Certificate{hte("GR202534000102", "2025-01-10")}, nil, "2025-03-01", nil},
		{"one missed report", []hightech.Certificate{cur}, map[int]bool{2023: false, 2024: true}, "2025-06-01", nil},
		{"two missed reports", []hightech.Certificate{cur}, map[int]bool{2023: false, 2024: false}, "2025-06-01",
			[]string{"revocation", "report_overdue"}},
		{"two missed, not in a row", []hightech.Certificate{cur}, map[int]bool{2023: false, 2024: true, 2025: false}, "2026-06-01",
			[]string{"revocation", "report_overdue", "recert"}},
		{"the missed year's deadline not yet passed", []hightech.Certificate{cur}, map[int]bool{2023: false, 2024: false}, "2025-05-31",
			[]string{"report_due"}},
		{"a newer certificate replaces the old", []hightech.Certificate{hte("GR202034000100", "2020-11-30"), cur}, allFiled, "2025-12-29",
			[]string{"recert"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := hightech.Profile{ID: 1, Name: "示例", RegionCode: "341203200", Certificates: tc.certs, Years: reported(tc.filed)}
			rs := hightech.Remind([]hightech.Profile{p}, day(tc.today), hightech.DefaultHTE())
			var got []string
			for _, r := range rs {
				got = append(got, r.Kind)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("reminders %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRemindDetails(t *testing.T) {
	p := hightech.Profile{ID: 7, Name: "示例", RegionCode: "341203200205", Certificates: []hightech.Certificate{hte("GR202134000101", "2021-11-30")},
		Years: reported(map[int]bool{2021: false, 2022: false, 2023: true})}
	rs := hightech.Remind([]hightech.Profile{p}, day("2024-06-15"), hightech.DefaultHTE())
	want := []hightech.Reminder{
		{Kind: "revocation", EnterpriseID: 7, EnterpriseName: "示例", RegionCode: "341203200205", Certificate: "GR202134000101",
			Expires: day("2024-11-29"), Missed: []int{2021, 2022}, FromYear: 2021},
		{Kind: "recert", EnterpriseID: 7, EnterpriseName: "示例", RegionCode: "341203200205", Certificate: "GR202134000101",
			Expires: day("2024-11-29"), Due: day("2024-11-29")},
	}
	if diff := cmp.Diff(want, rs); diff != "" {
		t.Errorf("reminders (-want +got):\n%s", diff)
	}
	if rs[0].Township() != "341203200" {
		t.Errorf("township %q", rs[0].Township())
	}
}

func TestApplicationKind(t *testing.T) {
	tests := []struct {
		name  string
		certs []hightech.Certificate
		year  int
		kind  string
		ok    bool
	}{
		{"none", nil, 2026, hightech.KindFirst, true},
		{"expires that year", []hightech.Certificate{hte("GR202334000101", "2023-11-30")}, 2026, hightech.KindRecert, true},
		{"expired before", []hightech.Certificate{hte("GR201934000101", "2019-10-10")}, 2026, hightech.KindRecert, true},
		{"valid past the year", []hightech.Certificate{hte("GR202434000101", "2024-11-30")}, 2026, "", false},
		{"issued later", []hightech.Certificate{hte("GR202734000101", "2027-11-30")}, 2026, hightech.KindFirst, true},
		{"a 科小 registration", []hightech.Certificate{{Kind: hightech.CertTechSME, Number: "x", Year: 2026}}, 2026, hightech.KindFirst, true},
	}
	for _, tc := range tests {
		kind, _, ok := hightech.ApplicationKind(&hightech.Profile{Certificates: tc.certs}, tc.year)
		if kind != tc.kind || ok != tc.ok {
			t.Errorf("%s: %q %v, want %q %v", tc.name, kind, ok, tc.kind, tc.ok)
		}
	}
}

func TestTransitions(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		ok       bool
	}{
		{"submitted", "recognized", true},
		{"submitted", "rejected", true},
		{"submitted", "withdrawn", true},
		{"recognized", "rejected", false},
		{"rejected", "recognized", false},
		{"withdrawn", "submitted", false},
		{"submitted", "submitted", false},
	} {
		if got := hightech.CanMove(tc.from, tc.to); got != tc.ok {
			t.Errorf("%s → %s: %v, want %v", tc.from, tc.to, got, tc.ok)
		}
	}
}

func TestTally(t *testing.T) {
	asOf := day("2026-06-15")
	ps := []hightech.Profile{
		{ID: 1, RegionCode: "341203200"},
		{ID: 2, RegionCode: "341203200205"},
		{ID: 3, RegionCode: "341203001", Certificates: []hightech.Certificate{hte("GR202334000301", "2023-11-20"),
			{Kind: hightech.CertTechSME, Number: "x", Year: 2026}}},
		{ID: 4, RegionCode: "341203"},
	}
	pool := map[int64][]hightech.PoolEntry{
		1: {{EnteredOn: day("2026-03-01")}},
		2: {{EnteredOn: day("2025-01-01"), ExitedOn: day("2026-06-15")}}, // left today: out
		4: {{EnteredOn: day("2026-06-15")}},                              // entered today: in
		9: {{EnteredOn: day("2026-01-01")}},                              // not in the profiles
	}
	apps := map[int64][]hightech.Application{
		1: {{Year: 2026, Status: "submitted"}},
		2: {{Year: 2026, Status: "recognized"}, {Year: 2025, Status: "rejected"}},
		3: {{Year: 2026, Status: "withdrawn"}},
	}
	b := hightech.Tally(ps, pool, apps, 2026, asOf)
	want := hightech.Board{Year: 2026, AsOf: asOf, Stages: hightech.Stages,
		Rows: []hightech.BoardRow{
			{Region: "341203", Counts: map[string]int{"pool": 1}},
			{Region: "341203001", Counts: map[string]int{"hte": 1, "tech_sme": 1}},
			{Region: "341203200", Counts: map[string]int{"pool": 1, "applied": 1, "recognized": 1}},
		},
		Total: map[string]int{"pool": 2, "applied": 1, "recognized": 1, "hte": 1, "tech_sme": 1},
	}
	if diff := cmp.Diff(want, b); diff != "" {
		t.Errorf("board (-want +got):\n%s", diff)
	}
	if got := hightech.BoardDate(2025, asOf); got != day("2025-12-31") {
		t.Errorf("board date of a past year: %v", got)
	}
	if got := hightech.BoardDate(2027, asOf); got != asOf {
		t.Errorf("board date of a later year: %v", got)
	}
}

func TestCertificateValidity(t *testing.T) {
	c := hte("GR202134000101", "2021-11-30")
	if c.Expires() != day("2024-11-29") || !c.ValidOn(day("2024-11-29")) || c.ValidOn(day("2024-11-30")) || c.ValidOn(day("2021-11-29")) {
		t.Errorf("HTE certificate: expires %v", c.Expires())
	}
	c.ValidTo = day("2024-12-31")
	if !c.ValidOn(day("2024-12-31")) {
		t.Error("a recorded end of validity is not used")
	}
	s := hightech.Certificate{Kind: hightech.CertTechSME, Number: "x", Year: 2026}
	if !s.ValidOn(day("2026-01-01")) || !s.ValidOn(day("2026-12-31")) || s.ValidOn(day("2027-01-01")) {
		t.Error("a 科小 registration is valid for its year")
	}
	if (hightech.Certificate{Kind: hightech.CertHTE, Number: "GR"}).ValidOn(day("2026-01-01")) {
		t.Error("an HTE certificate without an issue date is in force")
	}
}

func TestFactsOf(t *testing.T) {
	p := &hightech.Profile{RegisteredOn: day("2018-05-02"), TechField: "新材料", Years: []hightech.ProfileYear{
		{Year: 2026, Staff: 999}, {Year: 2022}, {Year: 2025, Staff: 100, STStaff: 12, IPClass1: 0, IPClass2: 4}, {Year: 2023}, {Year: 2024},
	}}
	f := hightech.FactsOf(p, day("2026-06-01"), hightech.ExpertScores{})
	var years []int
	for _, y := range f.Years {
		years = append(years, y.Year)
	}
	if !slices.Equal(years, []int{2023, 2024, 2025}) || f.Staff != 100 || f.STStaff != 12 || f.ClassII != 4 || !f.CoreIP ||
		!f.MainlandResident || !f.CleanRecord || !f.NotDishonest || f.TechField != "新材料" || f.ApplyOn != day("2026-06-01") {
		t.Errorf("facts %+v", f)
	}
	p.Blacklisted = true
	p.Years = nil
	f = hightech.FactsOf(p, day("2026-06-01"), hightech.ExpertScores{})
	if f.CleanRecord || f.SMEClean || f.NotAbnormalListed || f.NotDishonest || f.NotProhibitedIndustry || f.CoreIP {
		t.Errorf("blacklisted: %+v", f)
	}
	if got := hightech.DefaultScores(hightech.DefaultHTE(), 0, 4); got != (hightech.ExpertScores{IPQuantity: 3}) {
		t.Errorf("default scores with 4 Class II items: %+v", got)
	}
	var zero calendar.Date
	if d := hightech.DirectOf(&hightech.Profile{}, day("2026-01-01")); d.HTEIssuedOn != zero {
		t.Errorf("direct facts without a certificate: %+v", d)
	}
}

// TestDynamicKeys checks the keys the pages build from codes, which the
// i18n tests cannot see.
func TestDynamicKeys(t *testing.T) {
	cat := i18n.Default()
	var keys []string
	for _, set := range []struct {
		prefix string
		codes  []string
	}{
		{"hightech.ui.stage.", hightech.Stages},
		{"hightech.ui.status.", hightech.Statuses},
		{"hightech.ui.kind.", []string{hightech.KindFirst, hightech.KindRecert}},
		{"hightech.ui.award.", hightech.AwardKinds},
		{"hightech.ui.reminder.", hightech.ReminderKinds},
		{"enterprise.kind.", []string{hightech.CertHTE, hightech.CertTechSME}},
	} {
		for _, c := range set.codes {
			keys = append(keys, set.prefix+c)
		}
	}
	for _, k := range hightech.ReminderKinds {
		keys = append(keys, "hightech.ui.reminder."+k+".detail")
	}
	for _, b := range []string{"", hightech.BasisScore, hightech.DirectHTE, hightech.DirectAward, hightech.DirectRDInstitution, hightech.DirectStandard} {
		keys = append(keys, hightech.BasisKey(b))
	}
	for _, k := range keys {
		if !cat.Has(k) {
			t.Errorf("%s is not in the catalogs", k)
		}
	}
}
