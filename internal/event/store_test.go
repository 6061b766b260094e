package event_test

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/event"
	"kejiju/internal/i18n"
	"kejiju/internal/region"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

var (
	staff   = &auth.User{ID: 1, Username: "staff", DisplayName: "张科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"}
	ranmiao = &auth.User{ID: 2, Username: "ranmiao", DisplayName: "冉庙乡助理员", Roles: []auth.Role{auth.Assistant}, RegionCode: "341203200"}
	viewer  = &auth.User{ID: 3, Username: "viewer", DisplayName: "市局", Roles: []auth.Role{auth.CityViewer}, RegionCode: "341200"}
	company = &auth.User{ID: 4, Username: "qiye", DisplayName: "企业", Roles: []auth.Role{auth.Enterprise}, RegionCode: "341203", EnterpriseID: 1}
)

var passwordHash = sync.OnceValue(func() string { return auth.HashPassword("Ceshi#Mima2026") })

func setup(t *testing.T, d *db.DB) *event.Service {
	t.Helper()
	lg, err := audit.New(audit.SM3)
	if err != nil {
		t.Fatal(err)
	}
	rs := &region.Store{DB: d, Audit: lg}
	if _, err := rs.Seed(context.Background(), append(region.Anhui(), region.DemoDistrict()...)); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*auth.User{staff, ranmiao, viewer} {
		if _, err := d.Exec(`INSERT INTO users (id, username, display_name, region_code, password_hash, password_changed_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6, $6)`, u.ID, u.Username, u.DisplayName, u.RegionCode, passwordHash(), d.Now().UTC()); err != nil {
			t.Fatal(err)
		}
	}
	return &event.Service{DB: d, Audit: lg, Regions: rs}
}

func day(s string) calendar.Date { return calendar.MustParse(s) }

func count(t *testing.T, d *db.DB, q string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTrainingWithAttendance records a training with its sign-in sheet,
// reads it back, changes it (replacing the sheet) and refuses a stale
// change.
func TestTrainingWithAttendance(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		ctx := context.Background()
		sheet := []event.Attendee{{Name: "李明", Unit: "冉庙乡政府", Phone: "13800000002"}, {Name: "王芳", Unit: "梧樟村委会"}}
		e, err := s.Create(ctx, staff, event.Input{Kind: event.Training, Title: "科技特派员农业技术培训", Date: day("2026-06-18"), Place: "冉庙乡文化站",
			Organiser: "区科技局", RegionCode: "341203200", Planned: 40, Attended: 36, DurationMin: 120, Materials: "《小麦高产栽培技术》", MaterialsN: 40,
			Outcome: "培训种植户36人。", Attendees: sheet})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Event(ctx, ranmiao, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(sheet, got.Attendees); diff != "" || got.Attended != 36 || got.Domain != event.General || got.Upcoming {
			t.Errorf("read back: attended %d, domain %q, sheet (-want +got):\n%s", got.Attended, got.Domain, diff)
		}
		in := event.Input{Kind: event.Training, Title: "科技特派员农业技术培训", Date: day("2026-06-18"), RegionCode: "341203200",
			Attendees: []event.Attendee{{Name: "李明"}, {Name: "王芳"}, {Name: "赵强"}}}
		up, err := s.Update(ctx, ranmiao, e.ID, e.Version, in)
		if err != nil || up.Attended != 3 || up.Version != 2 {
			t.Fatalf("update by the township's assistant: %+v %v", up, err)
		}
		if got, _ := s.Event(ctx, staff, e.ID); len(got.Attendees) != 3 || got.Attendees[2].Name != "赵强" {
			t.Errorf("the sheet was not replaced: %+v", got.Attendees)
		}
		if _, err := s.Update(ctx, staff, e.ID, e.Version, in); i18n.ErrorCode(err) != i18n.Conflict {
			t.Errorf("stale update: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action IN ('event.create', 'event.update')`); n != 2 {
			t.Errorf("%d audit events, want 2", n)
		}
	})
}

// TestEventRefusalsWriteNothing: bad input, a region outside the scope, a
// read-only or enterprise user — nothing written.
func TestEventRefusalsWriteNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		ctx := context.Background()
		good := event.Input{Kind: event.Publicity, Title: "防震减灾宣传周", Date: day("2026-05-12"), RegionCode: "341203200", MaterialsN: 500}
		tests := []struct {
			name  string
			u     *auth.User
			edit  func(*event.Input)
			code  i18n.Code
			field string
			key   string
		}{
			{"negative copies", staff, func(in *event.Input) { in.MaterialsN = -1 }, i18n.Invalid, "event_materials_count", "event.count.negative"},
			{"another district", staff, func(in *event.Input) { in.RegionCode = "341202" }, i18n.Invalid, "event_region", "event.region.outside"},
			{"assistant for another township", ranmiao, func(in *event.Input) { in.RegionCode = "341203101" }, i18n.Invalid, "event_region", "event.region.outside"},
			{"assistant for the district", ranmiao, func(in *event.Input) { in.RegionCode = "341203" }, i18n.Invalid, "event_region", "event.region.outside"},
			{"a village", staff, func(in *event.Input) { in.RegionCode = "341203200205" }, i18n.Invalid, "event_region", "event.region.level"},
			{"city viewer", viewer, func(*event.Input) {}, i18n.Forbidden, "", ""},
			{"enterprise", company, func(*event.Input) {}, i18n.Forbidden, "", ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				in := good
				tc.edit(&in)
				_, err := s.Create(ctx, tc.u, in)
				if i18n.ErrorCode(err) != tc.code {
					t.Fatalf("got %v, want %s", err, tc.code)
				}
				if tc.field == "" {
					return
				}
				p, _ := err.(i18n.Problems)
				if e := p.Field(tc.field); e == nil || e.Key != tc.key {
					t.Errorf("got %v, want %s on %s", err, tc.key, tc.field)
				}
			})
		}
		if n := count(t, d, `SELECT COUNT(*) FROM events`) + count(t, d, `SELECT COUNT(*) FROM event_attendees`) +
			count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action LIKE 'event.%'`); n != 0 {
			t.Errorf("refused input wrote %d rows", n)
		}
	})
}

// TestEventListsAndSummary: filters by year, township, type and domain,
// the pager, the scope of an assistant, and the yearly summary by type.
func TestEventListsAndSummary(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		ctx := context.Background()
		mk := func(kind, domain, date, region string, attended, copies int) {
			t.Helper()
			if _, err := s.Create(ctx, staff, event.Input{Kind: kind, Domain: domain, Title: "活动" + date, Date: day(date), RegionCode: region,
				Planned: attended + 5, Attended: attended, MaterialsN: copies}); err != nil {
				t.Fatal(err)
			}
		}
		mk(event.Training, event.Quake, "2026-04-20", "341203200", 26, 30)
		mk(event.Training, event.General, "2026-06-18", "341203200", 36, 40)
		mk(event.Conference, event.General, "2026-02-26", "341203", 300, 0)
		mk(event.Publicity, event.Quake, "2026-05-12", "341203101", 0, 1500)
		mk(event.Training, event.Quake, "2025-04-22", "341203200", 20, 20)
		for _, tc := range []struct {
			u    *auth.User
			f    event.Filter
			want int
		}{
			{staff, event.Filter{}, 5},
			{staff, event.Filter{Year: 2026}, 4},
			{staff, event.Filter{Year: 2026, Kind: event.Training}, 2},
			{staff, event.Filter{Domain: event.Quake}, 3},
			{staff, event.Filter{RegionCode: "341203200"}, 3},
			{ranmiao, event.Filter{}, 3},
			{ranmiao, event.Filter{RegionCode: "341203101"}, 0},
			{viewer, event.Filter{Year: 2026}, 4},
			{staff, event.Filter{Query: "2026-05"}, 1},
		} {
			if _, n, err := s.Events(ctx, tc.u, tc.f); err != nil || n != tc.want {
				t.Errorf("%s %+v: %d events, want %d (%v)", tc.u.Username, tc.f, n, tc.want, err)
			}
		}
		page, n, err := s.Events(ctx, staff, event.Filter{Limit: 2, Offset: 2, Sort: "date"})
		if err != nil || n != 5 || len(page) != 2 || page[0].Date.String() != "2026-04-20" || page[1].Date.String() != "2026-05-12" {
			t.Errorf("second page by date: %d %v", n, err)
		}
		rows, err := s.Summary(ctx, staff, event.Filter{Year: 2026})
		if err != nil {
			t.Fatal(err)
		}
		want := []event.SummaryRow{
			{Kind: event.Training, Events: 2, Planned: 72, Attended: 62, MaterialsN: 70},
			{Kind: event.Conference, Events: 1, Planned: 305, Attended: 300},
			{Kind: event.Publicity, Events: 1, Planned: 5, MaterialsN: 1500},
			{Events: 4, Planned: 382, Attended: 362, MaterialsN: 1570},
		}
		if diff := cmp.Diff(want, rows); diff != "" {
			t.Errorf("2026 summary (-want +got):\n%s", diff)
		}
		tr, err := s.QuakeTrainings(ctx, ranmiao, 2026, "")
		if err != nil || len(tr) != 1 || tr[0].Attended != 26 {
			t.Errorf("冉庙乡's quake trainings in 2026: %+v %v", tr, err)
		}
	})
}
