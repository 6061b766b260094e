package incubator_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/enterprise"
	"kejiju/internal/i18n"
	"kejiju/internal/incubator"
	"kejiju/internal/region"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

var (
	staff   = &auth.User{ID: 1, Username: "staff", DisplayName: "张科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"}
	other   = &auth.User{ID: 2, Username: "other", DisplayName: "颍州科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341202"}
	finance = &auth.User{ID: 3, Username: "finance", DisplayName: "李会计", Roles: []auth.Role{auth.Finance}, RegionCode: "341203"}
)

var (
	operator = enterprise.SampleCode(9001)
	code1    = enterprise.SampleCode(9002)
	code2    = enterprise.SampleCode(9003)
	code3    = enterprise.SampleCode(9004)
)

// registered is the enterprise registry as the incubator area sees it.
type registered struct{ s *enterprise.Service }

func (r registered) ByCode(ctx context.Context, u *auth.User, code string) (int64, string, error) {
	e, err := r.s.ByCode(ctx, u, code)
	if err != nil {
		return 0, "", err
	}
	return e.ID, e.Name, nil
}

func setup(t *testing.T, d *db.DB) *incubator.Service {
	t.Helper()
	lg, err := audit.New(audit.SM3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&region.Store{DB: d, Audit: lg}).Seed(context.Background(), append(region.Anhui(), region.DemoDistrict()...)); err != nil {
		t.Fatal(err)
	}
	at, _ := time.ParseInLocation("2006-01-02 15:04", "2026-06-30 10:00", calendar.Shanghai)
	d.Now = func() time.Time { return at.UTC() }
	ent := &enterprise.Service{DB: d, Audit: lg}
	if _, err := ent.Create(context.Background(), staff, enterprise.Input{CreditCode: code1, Name: "颍东登记科技有限公司", RegionCode: "341203200",
		LegalRep: "刘总", Address: "颍东区测试路1号", ContactName: "刘经理", ContactPhone: "13800000001"}, ""); err != nil {
		t.Fatal(err)
	}
	return &incubator.Service{DB: d, Audit: lg, Enterprises: registered{ent}}
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func fields(err error) []string {
	var out []string
	if p, ok := err.(i18n.Problems); ok {
		for _, e := range p {
			out = append(out, e.Field)
		}
	} else if e, ok := err.(*i18n.Error); ok {
		out = append(out, e.Field)
	}
	slices.Sort(out)
	return out
}

func TestIncubatorRegistry(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		good := incubator.Input{Name: "徽清科技园孵化器", OperatorName: "阜阳徽清科技园运营有限公司", OperatorCode: operator, Level: incubator.City,
			AreaM2: 12000, TenantAreaM2: 9600, RecognisedYear: 2022, OperatingSince: "2020-03-01"}

		bad := good
		bad.OperatorCode, bad.TenantAreaM2, bad.Level, bad.RecognisedYear = operator[:17]+"?", 13000, incubator.Provincial, 0
		_, err := s.Create(ctx, staff, bad)
		if got, want := fields(err), []string{"operator_code", "recognised_year", "tenant_area_m2"}; !slices.Equal(got, want) {
			t.Fatalf("bad input: fields %v (%v), want %v", got, err, want)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM incubators`); n != 0 {
			t.Fatalf("refused input wrote %d incubators", n)
		}
		if _, err := s.Create(ctx, finance, good); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Fatalf("finance registers: %v", err)
		}

		inc, err := s.Create(ctx, staff, good)
		if err != nil {
			t.Fatal(err)
		}
		if inc.RegionCode != "341203" || inc.OperatingSince != calendar.MustParse("2020-03-01") || inc.RecognisedYear != 2022 {
			t.Fatalf("created %+v", inc)
		}
		if _, err := s.Create(ctx, staff, good); fields(err)[0] != "name" {
			t.Fatalf("the same incubator twice: %v", err)
		}
		if _, err := s.Get(ctx, other, inc.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Fatalf("another district reads it: %v", err)
		}
		if list, err := s.List(ctx, other); err != nil || len(list) != 0 {
			t.Fatalf("another district lists %d (%v)", len(list), err)
		}
		if list, err := s.List(ctx, finance); err != nil || len(list) != 1 {
			t.Fatalf("finance lists %d (%v)", len(list), err)
		}

		// Recognised at provincial level: the record is corrected at its version.
		up := good
		up.Level, up.RecognisedYear, up.TenantAreaM2 = incubator.Provincial, 2026, 12001
		if _, err := s.Update(ctx, staff, inc.ID, inc.Version, up); !slices.Equal(fields(err), []string{"tenant_area_m2"}) {
			t.Fatalf("a bad correction: %v", err)
		}
		up.TenantAreaM2 = 9600
		if _, err := s.Update(ctx, other, inc.ID, inc.Version, up); i18n.ErrorCode(err) != i18n.NotFound {
			t.Fatalf("another district corrects it: %v", err)
		}
		upd, err := s.Update(ctx, staff, inc.ID, inc.Version, up)
		if err != nil || upd.Level != incubator.Provincial || upd.RecognisedYear != 2026 || upd.Version != inc.Version+1 {
			t.Fatalf("corrected %+v (%v)", upd, err)
		}
		if _, err := s.Update(ctx, staff, inc.ID, inc.Version, up); i18n.ErrorCode(err) != i18n.Conflict {
			t.Fatalf("a correction of a stale version: %v", err)
		}

		// Tenants: a registered enterprise is linked and named by its code;
		// one established 26 months before entry is kept but not counted;
		// one that entered in January 2022 is in its 49th month.
		linked, err := s.AddTenant(ctx, staff, inc.ID, incubator.TenantInput{CreditCode: code1, EnteredOn: "2025-09-01", EstablishedOn: "2025-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		if linked.EnterpriseID == 0 || linked.Name != "颍东登记科技有限公司" || !linked.Counted {
			t.Fatalf("linked tenant %+v", linked)
		}
		old, err := s.AddTenant(ctx, staff, inc.ID, incubator.TenantInput{Name: "老牌科技有限公司", CreditCode: code2,
			EnteredOn: "2026-03-10", EstablishedOn: "2024-01-10"})
		if err != nil {
			t.Fatal(err)
		}
		if old.Counted {
			t.Fatal("a tenant established 26 months before entry counts")
		}
		long, err := s.AddTenant(ctx, staff, inc.ID, incubator.TenantInput{Name: "长期在孵有限公司", CreditCode: code3, EnteredOn: "2022-01-10"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddTenant(ctx, staff, inc.ID, incubator.TenantInput{Name: "无代码", CreditCode: "", EnteredOn: "2027-01-01"}); !slices.Equal(fields(err), []string{"credit_code", "entered_on"}) {
			t.Fatalf("a tenant without a code entering next year: %v", err)
		}
		got, err := s.Get(ctx, staff, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.CurrentTenants != 2 || len(got.Tenants) != 3 {
			t.Fatalf("current tenants %d of %d, want 2 of 3", got.CurrentTenants, len(got.Tenants))
		}
		for _, tn := range got.Tenants {
			if tn.Overdue != (tn.ID == long.ID) {
				t.Errorf("tenant %s overdue %v (%d months)", tn.Name, tn.Overdue, tn.Months)
			}
		}
		if _, err := s.ExitTenant(ctx, staff, long.ID, "2026-06-01", true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ExitTenant(ctx, staff, long.ID, "2026-06-02", true); !slices.Equal(fields(err), []string{"exited_on"}) {
			t.Fatalf("leaving twice: %v", err)
		}
		if _, err := s.ExitTenant(ctx, other, linked.ID, "2026-06-02", false); i18n.ErrorCode(err) != i18n.NotFound {
			t.Fatalf("another district exits a tenant: %v", err)
		}

		// Prospects of the 招商 list.
		pr, err := s.SaveProspect(ctx, staff, inc.ID, incubator.Prospect{Name: "某大学功能性食品研究院", Kind: "institute", Contact: "陈院长 0558-1234567"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveProspect(ctx, staff, inc.ID, incubator.Prospect{ID: pr.ID, Status: "negotiating", Note: "已考察场地"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveProspect(ctx, staff, inc.ID, incubator.Prospect{Name: "x", Kind: "bank"}); !slices.Equal(fields(err), []string{"kind"}) {
			t.Fatalf("a bad kind: %v", err)
		}
		got, _ = s.Get(ctx, staff, inc.ID)
		if len(got.Prospects) != 1 || got.Prospects[0].Status != "negotiating" || got.Prospects[0].Contact != "陈院长 0558-1234567" {
			t.Fatalf("prospects %+v", got.Prospects)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action LIKE 'incubator.%'`); n != 8 {
			t.Errorf("%d audit events, want 8 (create, update, 3 tenants, exit, 2 prospects)", n)
		}
	})
}

func TestIncubatorYearsAndGrades(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		inc, err := s.Create(ctx, staff, incubator.Input{Name: "阜阳市科技创新中心", OperatorCode: operator, Level: incubator.None,
			AreaM2: 3000, TenantAreaM2: 2000, OperatingSince: "2025-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		bad := incubator.Figures{Year: 2025, Tenants: 10, TenantsFinanced: 11, Staff: 2, StaffProfessional: 3, Mentors: -1}
		if got, want := fields(s.SaveYear(ctx, staff, inc.ID, bad)), []string{"mentors", "staff_professional", "tenants_financed"}; !slices.Equal(got, want) {
			t.Fatalf("bad figures: %v, want %v", got, want)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM incubator_years`); n != 0 {
			t.Fatalf("refused figures wrote %d rows", n)
		}
		if _, err := s.Assess(ctx, staff, inc.ID, 2025, ""); fields(err)[0] != "year" {
			t.Fatalf("assessing a year without figures: %v", err)
		}
		y2024 := incubator.Figures{Year: 2024, Tenants: 12, GraduatesTotal: 2, StatisticsReported: true}
		y2025 := incubator.Figures{Year: 2025, Tenants: 60, Graduates: 6, GraduatesTotal: 8, TenantsFinanced: 15, Fund: 800_000_000,
			TenantsValidIP: 20, TenantsGrown: 20, ServiceIncome: 40_000_000, TotalIncome: 100_000_000, Staff: 8, StaffProfessional: 7,
			Mentors: 6, StatisticsReported: true}
		for _, f := range []incubator.Figures{y2024, y2025} {
			if err := s.SaveYear(ctx, staff, inc.ID, f); err != nil {
				t.Fatal(err)
			}
		}
		a, err := s.Assess(ctx, staff, inc.ID, 2025, "")
		if err != nil {
			t.Fatal(err)
		}
		if a.Grade != incubator.GradeA || a.Points() != "100.0" || len(a.Score.Lines) != len(incubator.DefaultScheme.Indicators) {
			t.Fatalf("2025 assessed %s %s", a.Grade, a.Points())
		}
		// Corrected figures, assessed again: the grade is replaced.
		y2025.Graduates, y2025.Fund, y2025.TenantsFinanced, y2025.Mentors = 0, 0, 0, 0
		if err := s.SaveYear(ctx, staff, inc.ID, y2025); err != nil {
			t.Fatal(err)
		}
		if a, err = s.Assess(ctx, staff, inc.ID, 2025, "更正后复评"); err != nil || a.Grade != incubator.GradeD || a.Points() != "50.0" {
			t.Fatalf("reassessed %v %v: %v", a.Grade, a.Points(), err)
		}
		if _, err := s.Assess(ctx, staff, inc.ID, 2024, ""); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, staff, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Assessments) != 2 || got.LatestGrade != incubator.GradeD || got.Assessments[0].Note != "更正后复评" {
			t.Fatalf("assessments %+v", got.Assessments)
		}
		if y := incubator.Revoked(got.Grades()); y != 2025 {
			t.Errorf("D in 2024 and 2025: revoked in %d", y)
		}
		f := got.Facts()
		if f.StatisticsYears != 2 || f.Figures.Year != 2025 || f.Figures.Tenants != 60 {
			t.Fatalf("facts %+v", f)
		}
		checks := got.Prechecks(incubator.AnhuiFacts{Managers: 4, ManagersWithDegree: 2, InvestmentLinks: true}, calendar.MustParse("2026-06-30"))
		if !checks[0].OK {
			t.Errorf("Anhui pre-check fails %v", checks[0].Failing())
		}
		if got := checks[1].Failing(); !slices.Contains(got, "space") || !slices.Contains(got, "operating_years") || !slices.Contains(got, "graduates") {
			t.Errorf("national pre-check failing %v", got)
		}
	})
}
