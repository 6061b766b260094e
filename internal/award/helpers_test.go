package award_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/award"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/enterprise"
	"kejiju/internal/i18n"
	"kejiju/internal/region"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

// units adapts the enterprise service to award.Enterprises, as app does.
type units struct{ s *enterprise.Service }

func (f units) Unit(ctx context.Context, u *auth.User, id int64) (award.Unit, error) {
	e, err := f.s.Get(ctx, u, id)
	if err != nil {
		return award.Unit{}, err
	}
	return award.Unit{Name: e.Name, RegionCode: e.RegionCode}, nil
}

var (
	staff  = &auth.User{ID: 1, Username: "staff", DisplayName: "张科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"}
	chief  = &auth.User{ID: 2, Username: "chief", DisplayName: "王局长", Roles: []auth.Role{auth.Director}, RegionCode: "341203"}
	other  = &auth.User{ID: 4, Username: "other", DisplayName: "颍州科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341202"}
	viewer = &auth.User{ID: 5, Username: "viewer", DisplayName: "市局", Roles: []auth.Role{auth.CityViewer}, RegionCode: "341200"}
)

// clock is a settable fixed clock for d.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// set moves the clock to the instant given in Beijing time, "2026-09-01 10:00".
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
	d     *db.DB
	s     *award.Service
	clock *clock
	ids   []int64      // the enterprises
	users []*auth.User // their users
}

// setup makes a migrated database with regions and n enterprises of 颍东区
// (341203), each with its enterprise user, and the clock at 2026-03-10 09:00.
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
	c.set(t, "2026-03-10 09:00")
	d.Now = c.now
	ent := &enterprise.Service{DB: d, Audit: lg}
	e := &env{d: d, clock: c, s: &award.Service{DB: d, Audit: lg, Enterprises: units{ent}, Calendar: &calendar.Store{DB: d, Audit: lg}}}
	towns := []string{"341203200", "341203101"}
	for i := range n {
		got, err := ent.Create(ctx, staff, enterprise.Input{CreditCode: enterprise.SampleCode(i + 1), Name: fmt.Sprintf("颍东测试科技有限公司%02d", i+1),
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

func day(s string) calendar.Date { return calendar.MustParse(s) }

// round2026 is the 2026 round: nominations 1 March – 30 April, quotas
// 1/1/2, a committee of 9, the default 30-day objection window.
func (e *env) round2026(t *testing.T) *award.Round {
	t.Helper()
	r, err := e.s.CreateRound(context.Background(), staff, award.RoundInput{Year: 2026, Title: "2026年度颍东区科学技术进步奖",
		Opens: day("2026-03-01"), Closes: day("2026-04-30"), PanelSize: 9,
		Levels: []award.Level{{Rank: 1, Name: "一等奖", Quota: 1}, {Rank: 2, Name: "二等奖", Quota: 1}, {Rank: 3, Name: "三等奖", Quota: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func goodInput(roundID int64, i int) award.NominationInput {
	return award.NominationInput{RoundID: roundID, Title: fmt.Sprintf("高效节能电机关键技术研究与产业化%02d", i+1),
		Units:        []string{fmt.Sprintf("颍东测试科技有限公司%02d", i+1), "阜阳师范大学"},
		Contributors: []award.Contributor{{Rank: 1, Name: "张三"}, {Rank: 2, Name: "李四"}, {Rank: 3, Name: "王五"}},
		Summary:      "研制了高效节能电机，能效提升15%，近三年新增产值1.2亿元。", ProposedLevel: 1}
}

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
