package incubator

import (
	"slices"
	"testing"

	"kejiju/internal/calendar"
)

var day = calendar.MustParse

// nationalPass is an incubator that meets every national condition on
// 2026-06-30; each case below changes one thing.
func nationalPass() Facts {
	return Facts{RegionCode: "341203", AreaM2: 12000, TenantAreaM2: 9600, OperatingSince: day("2020-03-01"), StatisticsYears: 3,
		Figures: Figures{Year: 2025, Tenants: 55, GraduatesTotal: 25, Staff: 10, StaffProfessional: 8, Mentors: 8,
			Fund: 600_000_000, TenantsFinanced: 6, FundCases: 3, TenantsPatent: 28, TenantsValidIP: 10, StatisticsReported: true}}
}

func TestNationalCheck(t *testing.T) {
	on := day("2026-06-30")
	tests := []struct {
		name   string
		change func(f *Facts)
		fail   []string
	}{
		{"all conditions hold", func(*Facts) {}, nil},
		{"space 9,999 m² fails condition 2", func(f *Facts) { f.AreaM2, f.TenantAreaM2 = 9999, 7600 }, []string{"space"}},
		{"tenant area 74% fails", func(f *Facts) { f.TenantAreaM2 = 8880 }, []string{"tenant_area"}},
		{"50 tenants on 20,000 m² is 2.5 per 1,000 m² and fails the density", func(f *Facts) {
			f.AreaM2, f.TenantAreaM2, f.Figures.Tenants = 20000, 16000, 50
		}, []string{"density"}},
		{"the same as a specialised incubator passes its density of 2", func(f *Facts) {
			f.Specialised, f.AreaM2, f.TenantAreaM2, f.Figures.Tenants = true, 20000, 16000, 50
		}, nil},
		{"patents 40% and valid IP 30.9% pass condition 5 (either)", func(f *Facts) {
			f.Figures.TenantsPatent, f.Figures.TenantsValidIP = 22, 17 // of 55
		}, nil},
		{"patents 40% and valid IP 29.1% fail condition 5", func(f *Facts) {
			f.Figures.TenantsPatent, f.Figures.TenantsValidIP = 22, 16 // of 55
		}, []string{"ip"}},
		{"patents 40% and valid IP 31% of 100 tenants", func(f *Facts) {
			f.AreaM2, f.TenantAreaM2 = 30000, 24000
			f.Figures.Tenants, f.Figures.TenantsPatent, f.Figures.TenantsValidIP, f.Figures.TenantsFinanced = 100, 40, 31, 10
			f.Figures.StaffProfessional, f.Figures.Staff, f.Figures.Mentors = 10, 12, 10
		}, nil},
		{"55 tenants with 5 professional staff fail (needs ⌈55/10⌉ = 6)", func(f *Facts) {
			f.Figures.StaffProfessional, f.Figures.Staff = 5, 6
		}, []string{"professional_per_tenants"}},
		{"55 tenants with 6 staff and 6 mentors pass", func(f *Facts) {
			f.Figures.StaffProfessional, f.Figures.Staff, f.Figures.Mentors = 6, 7, 6
		}, nil},
		{"5 mentors for 55 tenants fail", func(f *Facts) { f.Figures.Mentors = 5 }, []string{"mentors_per_tenants"}},
		{"professional staff under 80%", func(f *Facts) { f.Figures.Staff = 11 }, []string{"professional_share"}},
		{"seed fund 499.99万元 fails", func(f *Facts) { f.Figures.Fund = 499_999_900 }, []string{"fund"}},
		{"financed tenants under 10% and 2 fund cases fail, each named", func(f *Facts) {
			f.Figures.TenantsFinanced, f.Figures.FundCases = 5, 2
		}, []string{"financed", "fund_cases"}},
		{"operating 2 years and one year of statistics fail", func(f *Facts) {
			f.OperatingSince, f.StatisticsYears = day("2024-07-01"), 1
		}, []string{"operating_years", "statistics_years"}},
		{"49 tenants and 19 graduates fail", func(f *Facts) {
			f.Figures.Tenants, f.Figures.GraduatesTotal = 49, 19
		}, []string{"tenants", "graduates"}},
		{"a specialised incubator with 30 tenants and 15 graduates on 10,000 m² passes", func(f *Facts) {
			f.Specialised, f.AreaM2, f.TenantAreaM2 = true, 10000, 8000
			f.Figures.Tenants, f.Figures.GraduatesTotal, f.Figures.TenantsPatent, f.Figures.TenantsFinanced = 30, 15, 15, 3
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := nationalPass()
			tc.change(&f)
			p := NationalCheck(f, on)
			if got := p.Failing(); !slices.Equal(got, tc.fail) {
				t.Errorf("failing %v, want %v", got, tc.fail)
			}
			if p.OK != (len(tc.fail) == 0) {
				t.Errorf("OK %v with failing %v", p.OK, tc.fail)
			}
		})
	}
}

func TestAnhuiCheck(t *testing.T) {
	on := day("2026-06-30")
	base := func() (Facts, AnhuiFacts) {
		return Facts{RegionCode: "341203", AreaM2: 3000, TenantAreaM2: 2000, OperatingSince: day("2025-06-30"),
				Figures: Figures{Tenants: 20, GraduatesTotal: 5, StatisticsReported: true}},
			AnhuiFacts{Managers: 6, ManagersWithDegree: 3, InvestmentLinks: true}
	}
	tests := []struct {
		name   string
		change func(f *Facts, a *AnhuiFacts)
		fail   []string
	}{
		{"3,000 m², 20 tenants, 5 graduates, 2/3 area, 1 year pass", func(*Facts, *AnhuiFacts) {}, nil},
		{"one day short of a year", func(f *Facts, _ *AnhuiFacts) { f.OperatingSince = day("2025-07-01") }, []string{"operating_years"}},
		{"2,999 m² and 19 tenants", func(f *Facts, _ *AnhuiFacts) { f.AreaM2, f.Figures.Tenants = 2999, 19 }, []string{"space", "tenants"}},
		{"incubation space under 2/3", func(f *Facts, _ *AnhuiFacts) { f.TenantAreaM2 = 1999 }, []string{"tenant_area"}},
		{"specialised: 2,000 m², 10 tenants, 3 graduates pass", func(f *Facts, _ *AnhuiFacts) {
			f.Specialised, f.AreaM2, f.TenantAreaM2, f.Figures.Tenants, f.Figures.GraduatesTotal = true, 2000, 1400, 10, 3
		}, nil},
		{"outside Anhui, managers 2 of 6 with a degree, no statistics, no investment links", func(f *Facts, a *AnhuiFacts) {
			f.RegionCode, a.ManagersWithDegree, a.InvestmentLinks, f.Figures.StatisticsReported = "320102", 2, false, false
		}, []string{"in_anhui", "managers_degree", "statistics", "investment_links"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, a := base()
			tc.change(&f, &a)
			if got := AnhuiCheck(f, a, on).Failing(); !slices.Equal(got, tc.fail) {
				t.Errorf("failing %v, want %v", got, tc.fail)
			}
		})
	}
}

func TestTenantRules(t *testing.T) {
	counts := []struct {
		established, entered string
		want                 bool
	}{
		{"2024-01-10", "2026-03-10", false}, // 26 months before entry
		{"2024-01-10", "2026-01-10", true},  // exactly 24 months
		{"2024-01-10", "2026-01-11", false}, // a day over 24 months
		{"2025-06-01", "2026-01-01", true},
	}
	for _, c := range counts {
		if got := Counts(day(c.established), day(c.entered)); got != c.want {
			t.Errorf("established %s, entered %s: counts %v, want %v", c.established, c.entered, got, c.want)
		}
	}
	if !Counts(calendar.Date{}, day("2026-01-01")) {
		t.Error("an unknown establishment date should count")
	}
	overdue := []struct {
		entered, on string
		long, want  bool
	}{
		{"2022-01-10", "2026-01-10", false, true},  // 48 months passed: in its 49th month
		{"2022-01-10", "2026-01-09", false, false}, // still in its 48th
		{"2022-01-10", "2026-01-10", true, false},  // a special field has 60
		{"2021-01-10", "2026-01-10", true, true},
	}
	for _, c := range overdue {
		if got := Overdue(day(c.entered), day(c.on), c.long); got != c.want {
			t.Errorf("entered %s, on %s, long %v: overdue %v, want %v", c.entered, c.on, c.long, got, c.want)
		}
	}
}

func TestAssess(t *testing.T) {
	full := Figures{Tenants: 60, Graduates: 6, TenantsFinanced: 15, Fund: 800_000_000, TenantsValidIP: 20, TenantsGrown: 20,
		ServiceIncome: 40_000_000, TotalIncome: 100_000_000, Mentors: 6, StatisticsReported: true}
	tests := []struct {
		name   string
		change func(f *Figures)
		tenths int
		grade  Grade
	}{
		{"every target met or passed: 100 points, A", func(*Figures) {}, 1000, GradeA},
		{"half the graduates: 92.5, A", func(f *Figures) { f.Graduates = 2 }, 1000 - 90, GradeA}, // 15 × 2/5 = 6.0 of 15
		{"no graduates and no fund: 75.0, B", func(f *Figures) { f.Graduates, f.Fund = 0, 0 }, 750, GradeB},
		{"no graduates, no fund, no financing: 60.0, C", func(f *Figures) { f.Graduates, f.Fund, f.TenantsFinanced = 0, 0, 0 }, 600, GradeC},
		{"also no mentors: 50.0, D", func(f *Figures) { f.Graduates, f.Fund, f.TenantsFinanced, f.Mentors = 0, 0, 0, 0 }, 500, GradeD},
		{"25 tenants earn 7.5 of 15, the shares holding", func(f *Figures) {
			f.Tenants, f.TenantsFinanced, f.TenantsValidIP, f.TenantsGrown, f.Mentors = 25, 5, 8, 8, 3
		}, 1000 - 75, GradeA},
		{"unreported statistics are D whatever the figures", func(f *Figures) { f.StatisticsReported = false }, 1000, GradeD},
		{"no tenants at all", func(f *Figures) { *f = Figures{StatisticsReported: true} }, 0, GradeD},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := full
			tc.change(&f)
			s := DefaultScheme.Assess(f)
			if s.Tenths != tc.tenths || s.Grade != tc.grade {
				t.Errorf("score %s grade %s, want %s grade %s (lines %+v)", s.Points(), s.Grade, Points(tc.tenths), tc.grade, s.Lines)
			}
		})
	}
	w := 0
	for _, ind := range DefaultScheme.Indicators {
		w += ind.Weight
	}
	if w != 100 {
		t.Errorf("weights add to %d, want 100", w)
	}
}

func TestRevokedAndLegacy(t *testing.T) {
	if y := Revoked(map[int]Grade{2022: GradeD, 2023: GradeD}); y != 2023 {
		t.Errorf("D in 2022 and 2023: revoked in %d, want 2023", y)
	}
	if y := Revoked(map[int]Grade{2022: GradeD, 2023: GradeC}); y != 0 {
		t.Errorf("D then C: revoked in %d, want kept", y)
	}
	if y := Revoked(map[int]Grade{2021: GradeD, 2023: GradeD}); y != 0 {
		t.Errorf("D in 2021 and 2023 are not consecutive: revoked in %d", y)
	}
	if LegacyExpired(National, "", day("2027-12-31")) || !LegacyExpired(National, "", day("2028-01-01")) {
		t.Error("the legacy national status ends after 2027-12-31")
	}
	if LegacyExpired(National, "standard", day("2028-01-01")) || LegacyExpired(Provincial, "", day("2028-01-01")) {
		t.Error("only a national-level incubator without a MIIT level loses its status")
	}
}
