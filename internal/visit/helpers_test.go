package visit_test

import (
	"context"
	"os"
	"testing"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/enterprise"
	"kejiju/internal/i18n"
	"kejiju/internal/region"
	"kejiju/internal/visit"
	"kejiju/internal/web/webtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

// enterprises adapts the enterprise service to visit.Enterprises, as app
// does.
type enterprises struct{ s *enterprise.Service }

func summary(e *enterprise.Enterprise) visit.Summary {
	return visit.Summary{ID: e.ID, Name: e.Name, CreditCode: e.CreditCode, RegionCode: e.RegionCode, ContactName: e.ContactName, ContactPhone: e.ContactPhone,
		Closed: e.Status != enterprise.Active}
}

func (a enterprises) Get(ctx context.Context, u *auth.User, id int64) (visit.Summary, error) {
	e, err := a.s.Get(ctx, u, id)
	if err != nil {
		return visit.Summary{}, err
	}
	return summary(e), nil
}

func (a enterprises) Find(ctx context.Context, u *auth.User, q string, limit int) ([]visit.Summary, error) {
	list, _, err := a.s.List(ctx, u, enterprise.Filter{Query: q, Limit: limit})
	var out []visit.Summary
	for _, e := range list {
		out = append(out, summary(e))
	}
	return out, err
}

// The people of the tests. company is made by setup, for enterprise e1.
var (
	staff  = &auth.User{ID: 1, Username: "staff", DisplayName: "张科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"}
	chief  = &auth.User{ID: 2, Username: "chief", DisplayName: "王局长", Roles: []auth.Role{auth.Director}, RegionCode: "341203"}
	other  = &auth.User{ID: 3, Username: "other", DisplayName: "颍州科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341202"}
	viewer = &auth.User{ID: 4, Username: "viewer", DisplayName: "市局", Roles: []auth.Role{auth.CityViewer}, RegionCode: "341200"}
	admin  = &auth.User{ID: 5, Username: "admin", DisplayName: "管理员", Roles: []auth.Role{auth.SysAdmin}, RegionCode: "341203"}
)

// env is a migrated database with regions, people and three enterprises:
// e1 in 冉庙乡 and e2 in 插花镇 (颍东区 341203), e3 in 颍州区 (341202).
type env struct {
	d          *db.DB
	lg         *audit.Log
	s          *visit.Service
	ent        *enterprise.Service
	e1, e2, e3 int64
	company    *auth.User // the enterprise user of e1
}

func setup(t *testing.T, d *db.DB) *env {
	t.Helper()
	ctx := context.Background()
	lg, err := audit.New(audit.SM3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&region.Store{DB: d, Audit: lg}).Seed(ctx, append(region.Anhui(), region.DemoDistrict()...)); err != nil {
		t.Fatal(err)
	}
	e := &env{d: d, lg: lg, ent: &enterprise.Service{DB: d, Audit: lg}}
	e.s = &visit.Service{DB: d, Audit: lg, Enterprises: enterprises{e.ent}}
	for i, c := range []struct {
		id     *int64
		by     *auth.User
		name   string
		region string
	}{
		{&e.e1, staff, "阜阳金麦乐面业有限公司", "341203200"},
		{&e.e2, staff, "安徽思杰食品有限公司", "341203101"},
		{&e.e3, other, "阜阳国顺药业有限公司", "341202"},
	} {
		got, err := e.ent.Create(ctx, c.by, enterprise.Input{CreditCode: enterprise.SampleCode(i + 1), Name: c.name, RegionCode: c.region,
			ContactName: "刘经理", ContactPhone: "13800000001"}, "")
		if err != nil {
			t.Fatal(err)
		}
		*c.id = got.ID
	}
	e.company = &auth.User{ID: 6, Username: "jinmaile", DisplayName: "金麦乐", Roles: []auth.Role{auth.Enterprise}, RegionCode: "341203", EnterpriseID: e.e1}
	for _, u := range []*auth.User{staff, chief, other, viewer, admin, e.company} {
		webtest.AddUser(t, d, u)
	}
	return e
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

// visitOn records a visit to enterprise id on date by u.
func (e *env) visitOn(t *testing.T, u *auth.User, id int64, date string) *visit.Visit {
	t.Helper()
	v, err := e.s.CreateVisit(context.Background(), u, visit.VisitInput{Date: day(date), EnterpriseID: id, Topics: "科技政策宣讲、研发投入情况"})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// needOf records a need of enterprise id by u.
func (e *env) needOf(t *testing.T, u *auth.User, id int64, title string, collected string) *visit.Need {
	t.Helper()
	n, err := e.s.CreateNeed(context.Background(), u, visit.NeedInput{EnterpriseID: id, Category: "process", Title: title,
		Description: "现有生产线能耗偏高，需改进烘干工艺。", Expected: "单位能耗降低15%", Budget: 50_0000_00, CollectedOn: day(collected)})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
