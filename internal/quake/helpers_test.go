package quake_test

import (
	"context"
	"os"
	"testing"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/event"
	"kejiju/internal/i18n"
	"kejiju/internal/quake"
	"kejiju/internal/region"
	"kejiju/internal/web/webtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

// The people of the tests: district staff, the assistants of 冉庙乡 and
// 插花镇, the city viewer, staff of 颍州区.
var (
	staff   = &auth.User{ID: 1, Username: "staff", DisplayName: "张科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"}
	ranmiao = &auth.User{ID: 2, Username: "ranmiao", DisplayName: "冉庙乡助理员", Roles: []auth.Role{auth.Assistant}, RegionCode: "341203200"}
	chahua  = &auth.User{ID: 3, Username: "chahua", DisplayName: "插花镇助理员", Roles: []auth.Role{auth.Assistant}, RegionCode: "341203101"}
	viewer  = &auth.User{ID: 4, Username: "viewer", DisplayName: "市局", Roles: []auth.Role{auth.CityViewer}, RegionCode: "341200"}
	other   = &auth.User{ID: 5, Username: "other", DisplayName: "颍州科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341202"}
)

// trainings adapts the event service to quake.Trainings, as app does.
type trainings struct{ s *event.Service }

func (a trainings) QuakeTrainings(ctx context.Context, u *auth.User, year int, region string) ([]quake.Training, error) {
	list, err := a.s.QuakeTrainings(ctx, u, year, region)
	out := make([]quake.Training, len(list))
	for i, t := range list {
		out[i] = quake.Training{ID: t.ID, Date: t.Date, Title: t.Title, RegionCode: t.RegionCode, Attended: t.Attended}
	}
	return out, err
}

type env struct {
	d      *db.DB
	s      *quake.Service
	events *event.Service
}

func setup(t *testing.T, d *db.DB) *env {
	t.Helper()
	lg, err := audit.New(audit.SM3)
	if err != nil {
		t.Fatal(err)
	}
	rs := &region.Store{DB: d, Audit: lg}
	if _, err := rs.Seed(context.Background(), append(region.Anhui(), region.DemoDistrict()...)); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*auth.User{staff, ranmiao, chahua, viewer, other} {
		webtest.AddUser(t, d, u)
	}
	ev := &event.Service{DB: d, Audit: lg, Regions: rs}
	return &env{d: d, events: ev, s: &quake.Service{DB: d, Audit: lg, Regions: rs, Trainings: trainings{ev}}}
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

func (e *env) drill(t *testing.T, u *auth.User, township, school string, participants int) *quake.Drill {
	t.Helper()
	d, err := e.s.CreateDrill(context.Background(), u, quake.DrillInput{RegionCode: township, Site: school, Date: day("2026-05-12"),
		Scenario: "课间发生5.0级地震，全校疏散至操场", Participants: participants, DurationMin: 25, EvacuationSec: 150, Rating: "good",
		Evaluation: "疏散有序，用时2分30秒；个别班级楼梯口拥挤。"})
	if err != nil {
		t.Fatal(err)
	}
	return d
}
