package program_test

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"sync"
	"testing"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/enterprise"
	"kejiju/internal/i18n"
	"kejiju/internal/program"
	"kejiju/internal/region"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

// facts adapts the enterprise service to program.Enterprises, as app does;
// the certificates are the test's own.
type facts struct {
	s         *enterprise.Service
	hte       map[int64]bool
	blacklist map[int64]bool
}

func (f *facts) Eligibility(ctx context.Context, u *auth.User, id int64) (program.Facts, error) {
	e, err := f.s.Get(ctx, u, id)
	if err != nil {
		return program.Facts{}, err
	}
	return program.Facts{Name: e.Name, RegionCode: e.RegionCode, HTEValid: f.hte[id], TechSME: true,
		Blacklisted: e.Blacklisted || f.blacklist[id]}, nil
}

// reviews is a fake of the review mechanism: a score per application,
// complete unless held back.
type reviews struct {
	mu      sync.Mutex
	scores  map[int64]*big.Rat
	pending map[int64]bool
}

func (r *reviews) Done(_ context.Context, id int64) (bool, *big.Rat, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.scores[id]
	if !ok || r.pending[id] {
		return false, nil, nil
	}
	return true, s, nil
}

var (
	staff   = &auth.User{ID: 1, Username: "staff", DisplayName: "张科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"}
	chief   = &auth.User{ID: 2, Username: "chief", DisplayName: "王局长", Roles: []auth.Role{auth.Director}, RegionCode: "341203"}
	finance = &auth.User{ID: 3, Username: "finance", DisplayName: "李会计", Roles: []auth.Role{auth.Finance}, RegionCode: "341203"}
	other   = &auth.User{ID: 4, Username: "other", DisplayName: "颍州科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341202"}
	viewer  = &auth.User{ID: 5, Username: "viewer", DisplayName: "市局", Roles: []auth.Role{auth.CityViewer}, RegionCode: "341200"}
)

// clock is a settable fixed clock for d.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// set moves the clock to the instant given in Beijing time, 2026-09-01 10:00.
func (c *clock) set(t *testing.T, s string) {
	t.Helper()
	at, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Shanghai)
	if err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	c.t = at.UTC()
	c.mu.Unlock()
}

type env struct {
	d       *db.DB
	s       *program.Service
	ent     *enterprise.Service
	facts   *facts
	reviews *reviews
	clock   *clock
	cal     *calendar.Store
	ids     []int64      // the enterprises
	users   []*auth.User // their users
}

// setup makes a migrated database with regions and n enterprises of 颍东区
// (341203), each with its enterprise user, and the clock at 2026-09-01 09:00.
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
	c := &clock{}
	c.set(t, "2026-09-01 09:00")
	d.Now = c.now
	e := &env{d: d, clock: c, ent: &enterprise.Service{DB: d, Audit: lg}, reviews: &reviews{scores: map[int64]*big.Rat{}, pending: map[int64]bool{}},
		cal: &calendar.Store{DB: d, Audit: lg}}
	e.facts = &facts{s: e.ent, hte: map[int64]bool{}, blacklist: map[int64]bool{}}
	e.s = &program.Service{DB: d, Audit: lg, Enterprises: e.facts, Reviews: e.reviews, Calendar: e.cal}
	towns := []string{"341203200", "341203101"}
	for i := range n {
		got, err := e.ent.Create(ctx, staff, enterprise.Input{CreditCode: enterprise.SampleCode(i + 1), Name: fmt.Sprintf("颍东测试科技有限公司%02d", i+1),
			RegionCode: towns[i%2], ContactName: "刘经理", ContactPhone: "13800000001"}, "")
		if err != nil {
			t.Fatal(err)
		}
		e.ids = append(e.ids, got.ID)
		e.users = append(e.users, &auth.User{ID: int64(100 + i), Username: fmt.Sprintf("ent%02d", i+1), DisplayName: got.Name,
			Roles: []auth.Role{auth.Enterprise}, RegionCode: "341203", EnterpriseID: got.ID})
	}
	return e
}

// districtForm is the form of the district plan call in the tests.
func districtForm() program.Form {
	return program.Form{
		Fields: []program.Field{
			{Key: "project_name", Label: "项目名称", Type: program.FieldText, Required: true, Max: 100},
			{Key: "summary", Label: "项目简介", Type: program.FieldText, Required: true, Max: 2000},
			{Key: "total_cost", Label: "项目总投资", Type: program.FieldMoney, Required: true},
			{Key: "start_on", Label: "计划开始日期", Type: program.FieldDate},
			{Key: "tech_field", Label: "技术领域", Type: program.FieldChoice, Required: true, Choices: []string{"电子信息", "生物医药", "新材料"}},
			{Key: "team", Label: "项目组成员", Type: program.FieldTable},
		},
		Attachments: []program.Attachment{
			{Key: "license", Label: "营业执照", Required: true},
			{Key: "budget_sheet", Label: "经费预算表", Required: true},
			{Key: "other", Label: "其他材料"},
		},
	}
}

// districtCall is a district plan call open from 1 to 20 September 2026
// (17:00, with 30 minutes' grace), for 40万元 projects paid 60/40.
func (e *env) districtCall(t *testing.T) *program.Call {
	t.Helper()
	ctx := context.Background()
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Shanghai)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	c, err := e.s.CreateCall(ctx, staff, program.CallInput{Type: program.TypeDistrictPlan, Year: 2026, Title: "2026年度颍东区科技计划项目申报",
		OpensAt: at("2026-09-01 08:00"), ClosesAt: at("2026-09-20 17:00"), GraceMinutes: 30,
		Eligibility: []string{program.CondInDistrict, program.CondNotBlacklisted}, Form: districtForm(),
		Plan: []int64{6000, 4000}, Budget: 40_0000_00})
	if err != nil {
		t.Fatal(err)
	}
	if c, err = e.s.OpenCall(ctx, staff, c.ID); err != nil {
		t.Fatal(err)
	}
	return c
}

func goodAnswers(i int) map[string]string {
	return map[string]string{"project_name": fmt.Sprintf("智能产线改造项目%02d", i+1), "summary": "面向食品加工的智能化改造。",
		"total_cost": "120万元", "start_on": "2026-11-01", "tech_field": "电子信息", "team": "张三|项目负责人\n李四|工程师"}
}

// goodAttachments are the names of stored files a submit's check sees.
func goodAttachments() map[string][]string {
	return map[string][]string{"license": {"营业执照.pdf"}, "budget_sheet": {"预算表.xlsx"}}
}

func day(s string) calendar.Date { return calendar.MustParse(s) }

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// fields returns the field errors of err, field → key.
func fields(err error) map[string]string {
	out := map[string]string{}
	if p, ok := err.(i18n.Problems); ok {
		for _, e := range p {
			out[e.Field] = e.Key
		}
	}
	if e, ok := err.(*i18n.Error); ok && e.Field != "" {
		out[e.Field] = e.Key
	}
	return out
}

func key(err error) string {
	if e, ok := err.(*i18n.Error); ok {
		return e.Key
	}
	return ""
}
