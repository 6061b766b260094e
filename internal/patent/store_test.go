package patent_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/enterprise"
	"kejiju/internal/i18n"
	"kejiju/internal/ident"
	"kejiju/internal/patent"
	"kejiju/internal/region"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

var (
	staff    = &auth.User{ID: 1, Username: "staff", DisplayName: "张科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"}
	outsider = &auth.User{ID: 2, Username: "other", DisplayName: "外区科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341202"}
	finance  = &auth.User{ID: 3, Username: "finance", DisplayName: "李会计", Roles: []auth.Role{auth.Finance}, RegionCode: "341203"}
)

// townships are where the test enterprises are: two townships and a
// village of a third.
var townships = []string{"341203100", "341203101", "341203200205"}

// industries are the test enterprises' industry codes (GB/T 4754-2017),
// by enterprise number: two in manufacturing (C), one in software (I),
// one with none on file.
var industries = []string{"C3911", "I6510", "C2710", ""}

type env struct {
	d     *db.DB
	s     *patent.Service
	ents  []patent.Applicant
	users []*auth.User // one enterprise user per enterprise
}

// applicants adapts the enterprise service to patent.Enterprises, as app
// will.
type applicants struct{ s *enterprise.Service }

func (a applicants) Applicant(ctx context.Context, u *auth.User, id int64) (patent.Applicant, error) {
	e, err := a.s.Get(ctx, u, id)
	if err != nil {
		return patent.Applicant{}, err
	}
	return patent.Applicant{ID: e.ID, Name: e.Name, CreditCode: e.CreditCode, RegionCode: e.RegionCode}, nil
}

func (a applicants) InScope(ctx context.Context, u *auth.User) ([]patent.Applicant, error) {
	var out []patent.Applicant
	err := a.s.Each(ctx, u, enterprise.Filter{}, func(e *enterprise.Enterprise) error {
		out = append(out, patent.Applicant{ID: e.ID, Name: e.Name, CreditCode: e.CreditCode, RegionCode: e.RegionCode})
		return nil
	})
	return out, err
}

func setup(t *testing.T, d *db.DB, n int) *env {
	t.Helper()
	ctx := context.Background()
	lg, err := audit.New(audit.SM3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&region.Store{DB: d, Audit: lg}).Seed(ctx, append(region.Anhui(), region.DemoDistrict()...)); err != nil {
		t.Fatal(err)
	}
	ent := &enterprise.Service{DB: d, Audit: lg}
	e := &env{d: d, s: &patent.Service{DB: d, Audit: lg, Enterprises: applicants{ent}}}
	for i := range n {
		got, err := ent.Create(ctx, staff, enterprise.Input{CreditCode: enterprise.SampleCode(i + 1), Name: fmt.Sprintf("颍东专利测试有限公司%02d", i+1),
			RegionCode: townships[i%len(townships)], IndustryCode: industries[i%len(industries)], LegalRep: "刘总", Address: fmt.Sprintf("颍东区测试路%d号", i+1)}, "")
		if err != nil {
			t.Fatal(err)
		}
		e.ents = append(e.ents, patent.Applicant{ID: got.ID, Name: got.Name, CreditCode: got.CreditCode, RegionCode: got.RegionCode})
		e.users = append(e.users, &auth.User{ID: int64(100 + i), Username: fmt.Sprintf("ent%02d", i+1), DisplayName: got.Name,
			Roles: []auth.Role{auth.Enterprise}, RegionCode: "341203", EnterpriseID: got.ID})
	}
	return e
}

// number makes a valid application number of the year, type digit and
// serial.
func number(t testing.TB, year, typ, serial int) string {
	t.Helper()
	digits := fmt.Sprintf("%04d%d%07d", year, typ, serial)
	c, err := ident.PatentCheckChar(digits)
	if err != nil {
		t.Fatal(err)
	}
	return digits + "." + string(c)
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func field(err error) string {
	if p, ok := err.(i18n.Problems); ok && len(p) > 0 {
		return p[0].Field + ":" + p[0].Key
	}
	if e, ok := err.(*i18n.Error); ok {
		return e.Field + ":" + e.Key
	}
	return fmt.Sprint(err)
}

func TestCreateValidatesAndWritesNothingOnBadInput(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 1)
		ctx := context.Background()
		d8 := calendar.MustParse
		good := patent.Input{AppNo: "ZL201911050262.8", Title: "一种秸秆还田装置", Applicants: e.ents[0].Name, EnterpriseID: e.ents[0].ID,
			Inventors: 3, ApplicationDate: d8("2019-07-02"), Status: patent.Applied, IPCMain: "a01b 49/00"}
		bad := []struct {
			name  string
			edit  func(*patent.Input)
			field string
		}{
			{"wrong check digit", func(in *patent.Input) { in.AppNo = "201911050262.7" }, "app_no:ident.patent_number.checksum"},
			{"unknown type digit", func(in *patent.Input) { in.AppNo = "201941050262.4" }, "app_no:ident.patent_number.type"},
			{"12 digits in 2002", func(in *patent.Input) { in.AppNo = "200211050262.2" }, "app_no:ident.patent_number.year"},
			{"no title", func(in *patent.Input) { in.Title = " " }, "title:error.required"},
			{"unknown status", func(in *patent.Input) { in.Status = "pending" }, "legal_status:patent.status.unknown"},
			{"granted without grant date", func(in *patent.Input) { in.Status = patent.Granted }, "grant_date:patent.date.grant_required"},
			{"no application date", func(in *patent.Input) { in.ApplicationDate = calendar.Date{} }, "application_date:error.required"},
			{"enterprise outside scope", func(in *patent.Input) { in.EnterpriseID = 999999 }, "enterprise_id:patent.enterprise.unknown"},
		}
		for _, tc := range bad {
			in := good
			tc.edit(&in)
			_, err := e.s.Create(ctx, staff, in, "")
			if got := field(err); got != tc.field {
				t.Errorf("%s: got %s, want %s", tc.name, got, tc.field)
			}
		}
		if n := count(t, d, `SELECT COUNT(*) FROM patents`); n != 0 {
			t.Fatalf("%d patents written by refused input", n)
		}
		if _, err := e.s.Create(ctx, e.users[0], good, ""); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("an enterprise user registered a patent: %v", err)
		}
		p, err := e.s.Create(ctx, staff, good, "登记")
		if err != nil {
			t.Fatal(err)
		}
		want := &patent.Patent{ID: p.ID, AppNo: "201911050262.8", Type: patent.Invention, Title: good.Title, Applicants: good.Applicants,
			EnterpriseID: e.ents[0].ID, EnterpriseName: e.ents[0].Name, RegionCode: e.ents[0].RegionCode, Inventors: 3,
			ApplicationDate: good.ApplicationDate, Status: patent.Applied, IPCMain: "A01B 49/00", Version: 1}
		if diff := cmp.Diff(want, p); diff != "" {
			t.Errorf("created patent (-want +got):\n%s", diff)
		}
		if _, err := e.s.Create(ctx, staff, good, ""); field(err) != "app_no:patent.duplicate" {
			t.Errorf("the same number twice: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action = 'patent.create'`); n != 1 {
			t.Errorf("%d create events, want 1", n)
		}
	})
}

func TestStatusHistoryAndScope(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 2)
		ctx := context.Background()
		mk := func(ent int, no string) *patent.Patent {
			p, err := e.s.Create(ctx, staff, patent.Input{AppNo: no, Title: "专利" + no, EnterpriseID: e.ents[ent].ID,
				ApplicationDate: calendar.MustParse(no[:4] + "-03-01")}, "")
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		p := mk(0, number(t, 2024, 1, 1))
		q := mk(1, number(t, 2024, 2, 2))

		// Applied → granted needs a grant date; → applied again is refused.
		if _, err := e.s.SetStatus(ctx, staff, p.ID, patent.StatusChange{Status: patent.Granted}); field(err) != "grant_date:patent.date.grant_required" {
			t.Errorf("grant without a date: %v", err)
		}
		p, err := e.s.SetStatus(ctx, staff, p.ID, patent.StatusChange{Version: p.Version, Status: patent.Granted, GrantDate: calendar.MustParse("2025-06-10")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.SetStatus(ctx, staff, p.ID, patent.StatusChange{Status: patent.Applied}); field(err) != "legal_status:patent.status.bad_move" {
			t.Errorf("granted → applied: %v", err)
		}
		if _, err := e.s.SetStatus(ctx, staff, p.ID, patent.StatusChange{Version: 1, Status: patent.Valid}); i18n.ErrorCode(err) != i18n.Conflict {
			t.Errorf("a stale version: %v", err)
		}
		if _, err := e.s.SetStatus(ctx, staff, p.ID, patent.StatusChange{Status: patent.Lapsed, Effective: calendar.MustParse("2026-02-01"), Reason: "未缴年费"}); err != nil {
			t.Fatal(err)
		}
		h, err := e.s.History(ctx, staff, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []patent.History{
			{From: "", To: patent.Applied, Effective: calendar.MustParse("2024-03-01"), Source: "manual", ChangedBy: staff.ID},
			{From: patent.Applied, To: patent.Granted, Effective: calendar.MustParse("2025-06-10"), Source: "manual", ChangedBy: staff.ID},
			{From: patent.Granted, To: patent.Lapsed, Effective: calendar.MustParse("2026-02-01"), Source: "manual", ChangedBy: staff.ID},
		}
		if diff := cmp.Diff(want, h); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}

		// An enterprise user sees its own patents only; another district's
		// staff see none; an id outside the scope is not found.
		for _, tc := range []struct {
			u    *auth.User
			want []int64
		}{{staff, []int64{p.ID, q.ID}}, {e.users[0], []int64{p.ID}}, {e.users[1], []int64{q.ID}}, {outsider, nil}} {
			items, total, err := e.s.List(ctx, tc.u, patent.Filter{Sort: "app_no"})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, it := range items {
				got = append(got, it.ID)
			}
			if !cmp.Equal(got, tc.want) || total != len(tc.want) {
				t.Errorf("%s sees %v (total %d), want %v", tc.u.Username, got, total, tc.want)
			}
		}
		if _, err := e.s.Get(ctx, e.users[0], q.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("another enterprise's patent: %v", err)
		}
		if _, err := e.s.Get(ctx, outsider, p.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("another district's patent: %v", err)
		}
		if _, err := e.s.SetStatus(ctx, outsider, q.ID, patent.StatusChange{Status: patent.Withdrawn}); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("another district's staff changed a status: %v", err)
		}
		// Filters.
		for _, tc := range []struct {
			f    patent.Filter
			want int
		}{
			{patent.Filter{Type: patent.Utility}, 1},
			{patent.Filter{Status: patent.Lapsed}, 1},
			{patent.Filter{Query: p.AppNo}, 1},
			{patent.Filter{Query: "ZL" + q.AppNo}, 1},
			{patent.Filter{Query: "专利"}, 2},
			{patent.Filter{RegionCode: e.ents[1].RegionCode}, 1},
			{patent.Filter{Year: 2024}, 2},
			{patent.Filter{Year: 2025}, 0},
		} {
			if _, n, err := e.s.List(ctx, staff, tc.f); err != nil || n != tc.want {
				t.Errorf("filter %+v: %d, %v; want %d", tc.f, n, err, tc.want)
			}
		}
	})
}

func TestPledgeLoans(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 2)
		ctx := context.Background()
		mk := func(ent int, no string, status string) *patent.Patent {
			in := patent.Input{AppNo: no, Title: "专利" + no, EnterpriseID: e.ents[ent].ID, ApplicationDate: calendar.MustParse(no[:4] + "-03-01"), Status: status}
			if patent.IsGrantedStatus(status) {
				in.GrantDate = calendar.MustParse(no[:4] + "-12-01")
			}
			p, err := e.s.Create(ctx, staff, in, "")
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		a := mk(0, number(t, 2023, 1, 10), patent.Valid)
		b := mk(0, number(t, 2023, 2, 11), patent.Granted)
		pending := mk(0, number(t, 2024, 1, 12), patent.Applied)
		theirs := mk(1, number(t, 2023, 1, 13), patent.Valid)
		in := patent.LoanInput{EnterpriseID: e.ents[0].ID, Bank: "徽商银行阜阳分行", Amount: "200万元", TermMonths: 12,
			StartDate: calendar.MustParse("2026-03-01"), AssessedValue: "350万", Assessor: "某资产评估公司", AppNos: []string{a.AppNo, "ZL" + b.AppNo}}
		for _, tc := range []struct {
			name  string
			edit  func(*patent.LoanInput)
			field string
		}{
			{"no bank", func(in *patent.LoanInput) { in.Bank = "" }, "bank:error.required"},
			{"zero term", func(in *patent.LoanInput) { in.TermMonths = 0 }, "term_months:patent.loan.bad_term"},
			{"no patents", func(in *patent.LoanInput) { in.AppNos = nil }, "app_nos:error.required"},
			{"bad number", func(in *patent.LoanInput) { in.AppNos = []string{"201911050262.7"} }, "app_nos:ident.patent_number.checksum"},
			{"not in force", func(in *patent.LoanInput) { in.AppNos = []string{pending.AppNo} }, "app_nos:patent.loan.not_in_force"},
			{"another's patent", func(in *patent.LoanInput) { in.AppNos = []string{theirs.AppNo} }, "app_nos:patent.loan.not_owned"},
			{"bad amount", func(in *patent.LoanInput) { in.Amount = "-5" }, ""},
		} {
			bad := in
			tc.edit(&bad)
			_, err := e.s.CreateLoan(ctx, staff, bad, "")
			if err == nil || (tc.field != "" && field(err) != tc.field) {
				t.Errorf("%s: got %v, want %s", tc.name, err, tc.field)
			}
		}
		if n := count(t, d, `SELECT COUNT(*) FROM pledge_loans`); n != 0 {
			t.Fatalf("%d loans written by refused input", n)
		}
		l, err := e.s.CreateLoan(ctx, staff, in, "")
		if err != nil {
			t.Fatal(err)
		}
		if l.Amount != 200_0000_00 || l.AssessedValue != 350_0000_00 || l.Status != patent.LoanApplying || len(l.Patents) != 2 || l.Pledgor != e.ents[0].Name {
			t.Errorf("loan %+v", l)
		}
		again := in
		again.AppNos = []string{a.AppNo}
		if _, err := e.s.CreateLoan(ctx, staff, again, ""); field(err) != "app_nos:patent.loan.already_pledged" {
			t.Errorf("a patent pledged twice: %v", err)
		}
		if _, err := e.s.MoveLoan(ctx, staff, l.ID, patent.LoanRepaid, "", ""); field(err) != "loan_status:patent.loan.bad_move" {
			t.Errorf("applying → repaid: %v", err)
		}
		if _, err := e.s.MoveLoan(ctx, staff, l.ID, patent.LoanRegistered, "", ""); field(err) != "registration_no:error.required" {
			t.Errorf("registration without a number: %v", err)
		}
		if l, err = e.s.MoveLoan(ctx, staff, l.ID, patent.LoanRegistered, "皖阜质登字2026第001号", ""); err != nil || l.Status != patent.LoanRegistered {
			t.Fatalf("register: %+v %v", l, err)
		}
		if l, err = e.s.MoveLoan(ctx, staff, l.ID, patent.LoanRepaid, "", "按期还款"); err != nil || l.Status != patent.LoanRepaid {
			t.Fatalf("repay: %+v %v", l, err)
		}
		// Repaid, the patent may be pledged again.
		if _, err := e.s.CreateLoan(ctx, staff, again, ""); err != nil {
			t.Errorf("pledging a patent of a repaid loan: %v", err)
		}
		if _, err := e.s.MoveLoan(ctx, finance, l.ID, patent.LoanDefaulted, "", ""); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("finance moved a loan: %v", err)
		}
		if ls, err := e.s.Loans(ctx, e.users[1], "", 0); err != nil || len(ls) != 0 {
			t.Errorf("another enterprise sees %d loans, %v", len(ls), err)
		}
		if ls, err := e.s.Loans(ctx, e.users[0], "", 0); err != nil || len(ls) != 2 {
			t.Errorf("the enterprise sees %d loans, %v; want 2", len(ls), err)
		}
	})
}

// record is a generated patent, as the statistics test knows it.
type record struct {
	no      string
	typ     string
	ent     int // index into env.ents, -1 for none
	region  string
	status  string
	applied time.Time
	granted time.Time // zero when never granted
}

// generate makes n patents over 2024–2026 with a fixed seed.
func generate(t *testing.T, e *env, n int) []record {
	rng := rand.New(rand.NewPCG(6, 2026))
	statuses := []string{patent.Applied, patent.Granted, patent.Valid, patent.Rejected, patent.Withdrawn, patent.Lapsed}
	digits := []int{1, 2, 3, 8, 9}
	var out []record
	for i := range n {
		day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(3*365))
		d := digits[rng.IntN(len(digits))]
		r := record{no: number(t, day.Year(), d, 100+i), typ: map[int]string{1: patent.Invention, 8: patent.Invention, 2: patent.Utility,
			9: patent.Utility, 3: patent.Design}[d], ent: rng.IntN(len(e.ents)+1) - 1, status: statuses[rng.IntN(len(statuses))], applied: day}
		if r.ent >= 0 {
			r.region = e.ents[r.ent].RegionCode
		} else {
			r.region = townships[rng.IntN(len(townships))]
		}
		if patent.IsGrantedStatus(r.status) {
			r.granted = day.AddDate(0, 0, 30+rng.IntN(700))
		}
		out = append(out, r)
	}
	return out
}

// enter has staff enter the records.
func enter(t *testing.T, e *env, recs []record) {
	t.Helper()
	for _, r := range recs {
		if _, err := e.s.Create(context.Background(), staff, r.input(e), ""); err != nil {
			t.Fatalf("%s: %v", r.no, err)
		}
	}
}

func (r record) input(e *env) patent.Input {
	in := patent.Input{AppNo: r.no, Title: "生成专利" + r.no, RegionCode: r.region, ApplicationDate: calendar.FromTime(r.applied, time.UTC), Status: r.status}
	if r.ent >= 0 {
		in.EnterpriseID = e.ents[r.ent].ID
	}
	if !r.granted.IsZero() {
		in.GrantDate = calendar.FromTime(r.granted, time.UTC)
	}
	return in
}

// expected counts the generated records of a period directly: the period
// given as year and months first–last, compared on time.Time.
type expected struct {
	apps, grants                         map[string]int
	appsLast, grantsLast                 map[string]int
	townApps, townGrants, entApps, entGr map[string]int
	indApps, indGrants                   map[string]int // by industry section ("" none) and type
	validInventions                      int
}

func expect(recs []record, e *env, year, first, last int, township string) expected {
	x := expected{apps: map[string]int{}, grants: map[string]int{}, appsLast: map[string]int{}, grantsLast: map[string]int{},
		townApps: map[string]int{}, townGrants: map[string]int{}, entApps: map[string]int{}, entGr: map[string]int{},
		indApps: map[string]int{}, indGrants: map[string]int{}}
	in := func(ts time.Time, y int) bool {
		start := time.Date(y, time.Month(first), 1, 0, 0, 0, 0, time.UTC)
		end := time.Date(y, time.Month(last)+1, 1, 0, 0, 0, 0, time.UTC) // month 13 is January next year
		return !ts.IsZero() && !ts.Before(start) && ts.Before(end)
	}
	end := time.Date(year, time.Month(last)+1, 1, 0, 0, 0, 0, time.UTC)
	for _, r := range recs {
		town := r.region[:9]
		if township != "" && town != township {
			continue
		}
		ent, ind := "0", ""
		if r.ent >= 0 {
			ent = strconv.FormatInt(e.ents[r.ent].ID, 10)
			ind = industries[r.ent%len(industries)]
			if ind != "" {
				ind = ind[:1]
			}
		}
		if in(r.applied, year) {
			x.apps[r.typ]++
			x.townApps[town+"/"+r.typ]++
			x.entApps[ent+"/"+r.typ]++
			x.indApps[ind+"/"+r.typ]++
		}
		if in(r.granted, year) {
			x.grants[r.typ]++
			x.townGrants[town+"/"+r.typ]++
			x.entGr[ent+"/"+r.typ]++
			x.indGrants[ind+"/"+r.typ]++
		}
		if in(r.applied, year-1) {
			x.appsLast[r.typ]++
		}
		if in(r.granted, year-1) {
			x.grantsLast[r.typ]++
		}
		if r.typ == patent.Invention && (r.status == patent.Granted || r.status == patent.Valid) && r.granted.Before(end) {
			x.validInventions++
		}
	}
	return x
}

// TestStatistics generates patents, then checks every figure of several
// periods against counts made directly from the generated records.
func TestStatistics(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 4)
		ctx := context.Background()
		recs := generate(t, e, 300)
		enter(t, e, recs)
		if err := e.s.SetPopulation(ctx, staff, "341203", 2025, 654_321, "统计年鉴"); err != nil {
			t.Fatal(err)
		}
		if err := e.s.SetPopulation(ctx, staff, "341203", 2025, 650_000, "统计年鉴（修订）"); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			p           patent.Period
			first, last int
			township    string
		}{
			{patent.Period{Year: 2026, Kind: patent.ToMonth, N: 5}, 1, 5, ""},
			{patent.Period{Year: 2025, Kind: patent.Quarter, N: 2}, 4, 6, ""},
			{patent.Period{Year: 2025, Kind: patent.Half, N: 2}, 7, 12, ""},
			{patent.Period{Year: 2026, Kind: patent.Month, N: 3}, 3, 3, ""},
			{patent.Period{Year: 2025, Kind: patent.Year}, 1, 12, ""},
			{patent.Period{Year: 2025, Kind: patent.Year}, 1, 12, "341203200"},
		}
		// The data set is not trivial: every type has applications and
		// grants in 2025 and the year before.
		for _, y := range []int{2024, 2025} {
			x := expect(recs, e, y, 1, 12, "")
			for _, typ := range patent.Types {
				if x.apps[typ] == 0 || x.grants[typ] == 0 {
					t.Fatalf("%d %s: %d applications, %d grants generated", y, typ, x.apps[typ], x.grants[typ])
				}
			}
		}
		for _, tc := range tests {
			st, err := e.s.Statistics(ctx, staff, patent.StatsQuery{Period: tc.p, RegionCode: tc.township, TopEnterprises: 100})
			if err != nil {
				t.Fatal(err)
			}
			x := expect(recs, e, tc.p.Year, tc.first, tc.last, tc.township)
			name := tc.p.Label() + " " + tc.township
			totalA, totalG := 0, 0
			for _, typ := range patent.Types {
				f := st.Of(typ)
				if f.Applications.Now != x.apps[typ] || f.Grants.Now != x.grants[typ] || f.Applications.Then != x.appsLast[typ] || f.Grants.Then != x.grantsLast[typ] {
					t.Errorf("%s %s: got %+v, want applications %d (last year %d), grants %d (%d)", name, typ, f,
						x.apps[typ], x.appsLast[typ], x.grants[typ], x.grantsLast[typ])
				}
				totalA += x.apps[typ]
				totalG += x.grants[typ]
			}
			if tot := st.Of("total"); tot.Applications.Now != totalA || tot.Grants.Now != totalG {
				t.Errorf("%s total: %+v, want %d / %d", name, tot, totalA, totalG)
			}
			got := map[string]int{}
			for _, l := range st.ByTownship {
				for typ, n := range l.Applications {
					got["a:"+l.Key+"/"+typ] = n
				}
				for typ, n := range l.Grants {
					got["g:"+l.Key+"/"+typ] = n
				}
			}
			want := map[string]int{}
			for k, n := range x.townApps {
				want["a:"+k] = n
			}
			for k, n := range x.townGrants {
				want["g:"+k] = n
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s by township (-want +got):\n%s", name, diff)
			}
			got, want = map[string]int{}, map[string]int{}
			for _, l := range st.ByEnterprise {
				for typ, n := range l.Applications {
					got["a:"+l.Key+"/"+typ] = n
				}
				for typ, n := range l.Grants {
					got["g:"+l.Key+"/"+typ] = n
				}
			}
			for k, n := range x.entApps {
				want["a:"+k] = n
			}
			for k, n := range x.entGr {
				want["g:"+k] = n
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s by enterprise (-want +got):\n%s", name, diff)
			}
			got, want = map[string]int{}, map[string]int{}
			names := map[string]string{}
			for _, l := range st.ByIndustry {
				names[l.Key] = l.Name
				for typ, n := range l.Applications {
					got["a:"+l.Key+"/"+typ] = n
				}
				for typ, n := range l.Grants {
					got["g:"+l.Key+"/"+typ] = n
				}
			}
			for k, n := range x.indApps {
				want["a:"+k] = n
			}
			for k, n := range x.indGrants {
				want["g:"+k] = n
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s by industry (-want +got):\n%s", name, diff)
			}
			if tc.township == "" && (names["C"] != "C 制造业" || names["I"] != "I 信息传输、软件和信息技术服务业" || names[""] == "" || len(names) != 3) {
				t.Errorf("%s industries: %v", name, names)
			}
			if st.ValidInventions != x.validInventions {
				t.Errorf("%s valid inventions: %d, want %d", name, st.ValidInventions, x.validInventions)
			}
			// The series adds up to the year.
			ya := 0
			for _, pt := range st.Series {
				ya += pt.Now.TotalApplications()
			}
			xa := expect(recs, e, tc.p.Year, 1, 12, tc.township)
			if want := xa.apps[patent.Invention] + xa.apps[patent.Utility] + xa.apps[patent.Design]; ya != want {
				t.Errorf("%s series: %d applications in the year, want %d", name, ya, want)
			}
		}
		// The population of 2025 serves 2026 too (the latest figure up to
		// the year); the ratio is computed from the record counts.
		st, err := e.s.Statistics(ctx, staff, patent.StatsQuery{Period: patent.Period{Year: 2026, Kind: patent.ToMonth, N: 5}})
		if err != nil {
			t.Fatal(err)
		}
		if st.Population != 650_000 || st.PopulationYear != 2025 || st.PerTenThousand != patent.FormatRatio(patent.PerTenThousand(st.ValidInventions, 650_000)) {
			t.Errorf("population %d (%d), ratio %s", st.Population, st.PopulationYear, st.PerTenThousand)
		}
		x := expect(recs, e, 2026, 1, 5, "")
		if want := fmt.Sprintf("2026年1–5月 发明专利申请 %d 件，授权 %d 件", x.apps[patent.Invention], x.grants[patent.Invention]); st.Summary() != want {
			t.Errorf("summary %q, want %q", st.Summary(), want)
		}
		// Another district sees nothing; an enterprise its own only.
		if st, err := e.s.Statistics(ctx, outsider, patent.StatsQuery{Period: patent.Period{Year: 2025, Kind: patent.Year}}); err != nil || st.Of("total").Applications.Now != 0 {
			t.Errorf("another district: %+v %v", st.Of("total"), err)
		}
		st, err = e.s.Statistics(ctx, e.users[0], patent.StatsQuery{Period: patent.Period{Year: 2025, Kind: patent.Year}})
		if err != nil {
			t.Fatal(err)
		}
		own := 0
		for _, r := range recs {
			if r.ent == 0 && r.applied.Year() == 2025 {
				own++
			}
		}
		if st.Of("total").Applications.Now != own {
			t.Errorf("the enterprise counts %d applications, want its own %d", st.Of("total").Applications.Now, own)
		}
		if _, err := e.s.Statistics(ctx, staff, patent.StatsQuery{Period: patent.Period{Year: 2025, Kind: patent.Quarter, N: 5}}); field(err) != "period:patent.stats.bad_period" {
			t.Errorf("a fifth quarter: %v", err)
		}
	})
}

// TestStatisticsTopEnterprises checks the enterprise lines of several
// periods against the records, cut to the top N: applications and grants
// together, most first, ties in the order of their keys as text ("10"
// before "9", and "0" — no enterprise — among them), each line with its
// counts by type and its enterprise's name.
func TestStatisticsTopEnterprises(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 12)
		ctx := context.Background()
		recs := generate(t, e, 240)
		enter(t, e, recs)
		names := map[string]string{}
		for _, a := range e.ents {
			names[strconv.FormatInt(a.ID, 10)] = a.Name
		}
		line := func(key, name string, apps, grants map[string]int) string {
			return fmt.Sprintf("%s %s 申请%d/%d/%d 授权%d/%d/%d", key, name, apps[patent.Invention], apps[patent.Utility], apps[patent.Design],
				grants[patent.Invention], grants[patent.Utility], grants[patent.Design])
		}
		ties, acrossLengths := 0, 0
		for _, tc := range []struct {
			p           patent.Period
			first, last int
		}{
			{patent.Period{Year: 2025, Kind: patent.Year}, 1, 12},
			{patent.Period{Year: 2025, Kind: patent.Quarter, N: 3}, 7, 9},
			{patent.Period{Year: 2026, Kind: patent.ToMonth, N: 5}, 1, 5},
			{patent.Period{Year: 2024, Kind: patent.Month, N: 2}, 2, 2},
		} {
			x := expect(recs, e, tc.p.Year, tc.first, tc.last, "")
			apps, grants, total := map[string]map[string]int{}, map[string]map[string]int{}, map[string]int{}
			for _, c := range []struct {
				counts map[string]int
				into   map[string]map[string]int
			}{{x.entApps, apps}, {x.entGr, grants}} {
				for k, n := range c.counts {
					key, typ, _ := strings.Cut(k, "/")
					if c.into[key] == nil {
						c.into[key] = map[string]int{}
					}
					c.into[key][typ] += n
					total[key] += n
				}
			}
			keys := slices.Sorted(maps.Keys(total))
			slices.SortStableFunc(keys, func(a, b string) int { return total[b] - total[a] })
			for i := 1; i < len(keys); i++ {
				if total[keys[i]] == total[keys[i-1]] {
					ties++
					if len(keys[i]) != len(keys[i-1]) {
						acrossLengths++
					}
				}
			}
			for _, top := range []int{1, 3, 7, 0, 100} {
				st, err := e.s.Statistics(ctx, staff, patent.StatsQuery{Period: tc.p, TopEnterprises: top})
				if err != nil {
					t.Fatal(err)
				}
				var got, want []string
				for _, l := range st.ByEnterprise {
					got = append(got, line(l.Key, l.Name, l.Applications, l.Grants))
				}
				n := top
				if n == 0 {
					n = 20 // the default
				}
				for _, k := range keys[:min(n, len(keys))] {
					want = append(want, line(k, names[k], apps[k], grants[k]))
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s, top %d (-want +got):\n%s", tc.p.Label(), top, diff)
				}
			}
		}
		// The records tie, also between keys of one and two digits.
		if ties == 0 || acrossLengths == 0 {
			t.Fatalf("the generated records make %d ties, %d between keys of different lengths", ties, acrossLengths)
		}
	})
}
