package quake_test

import (
	"context"
	"strings"
	"testing"

	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/event"
	"kejiju/internal/i18n"
	"kejiju/internal/quake"
)

// TestDrillAndTrainingWithAttendance records an evacuation drill at a
// school and a training of the assistants with its sign-in sheet, and
// finds both in the township's yearly summary.
func TestDrillAndTrainingWithAttendance(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		dr := e.drill(t, staff, "341203200", "冉庙乡中心学校", 620)
		got, err := e.s.Drill(ctx, staff, dr.ID)
		if err != nil || got.Site != "冉庙乡中心学校" || got.Participants != 620 || got.DurationMin != 25 || got.Rating != "good" ||
			got.Planned || got.Date.String() != "2026-05-12" {
			t.Fatalf("drill read back %+v, %v", got, err)
		}
		tr, err := e.events.Create(ctx, staff, event.Input{Kind: event.Training, Domain: event.Quake, Title: "2026年防震减灾助理员业务培训",
			Date: day("2026-04-20"), Place: "冉庙乡政府会议室", Organiser: "区科技局", RegionCode: "341203200", Planned: 30, Attended: 26,
			DurationMin: 180, Materials: "《防震减灾知识读本》", MaterialsN: 30, Attendees: []event.Attendee{
				{Name: "李明", Unit: "冉庙乡政府", Phone: "13800000002"}, {Name: "王芳", Unit: "梧樟村委会"}, {Name: "赵强"}}})
		if err != nil {
			t.Fatal(err)
		}
		back, err := e.events.Event(ctx, ranmiao, tr.ID)
		if err != nil || back.Attended != 26 || len(back.Attendees) != 3 || back.Attendees[1] != (event.Attendee{Name: "王芳", Unit: "梧樟村委会"}) {
			t.Fatalf("training read back by the township's assistant %+v, %v", back, err)
		}
		// a planned drill is listed but not counted in the summary
		if _, err := e.s.CreateDrill(ctx, staff, quake.DrillInput{RegionCode: "341203200", Site: "梧樟小学", Date: e.s.Today().AddDays(10), Participants: 300}); err != nil {
			t.Fatal(err)
		}
		list, total, err := e.s.Drills(ctx, staff, quake.DrillFilter{Year: e.s.Today().Year})
		if err != nil || total != 2 || len(list) != 2 {
			t.Fatalf("drills: %d %v", total, err)
		}
		if _, err := e.s.CreatePublicity(ctx, staff, quake.PublicityInput{RegionCode: "341203200", Recipient: "梧樟小学", Materials: "防震减灾宣传挂图",
			Quantity: 40, DistributedOn: day("2026-05-11"), Activity: "2026年防震减灾宣传周"}); err != nil {
			t.Fatal(err)
		}
		rows, err := e.s.Summary(ctx, staff, 2026)
		if err != nil {
			t.Fatal(err)
		}
		var ranmiaoRow, totalRow quake.SummaryRow
		for _, r := range rows {
			if r.RegionCode == "341203200" {
				ranmiaoRow = r
			}
		}
		totalRow = rows[len(rows)-1]
		want := quake.SummaryRow{RegionCode: "341203200", Name: "冉庙乡", Drills: 1, Participants: 620, Trainings: 1, Trained: 26, Recipients: 1, Materials: 40}
		if ranmiaoRow != want {
			t.Errorf("冉庙乡 in the 2026 summary %+v, want %+v", ranmiaoRow, want)
		}
		if totalRow.RegionCode != "" || totalRow.Drills != 1 || totalRow.Trained != 26 || totalRow.Materials != 40 {
			t.Errorf("total row %+v", totalRow)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action IN ('quake.drill.create', 'quake.publicity.create', 'event.create')`); n != 4 {
			t.Errorf("%d audit events for 4 records", n)
		}
	})
}

// TestAssistantSeesOnlyTheirTownship: a township assistant records and
// reads the work of its own township; another township's records are not
// listed, and fetched by id they do not exist.
func TestAssistantSeesOnlyTheirTownship(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		own := e.drill(t, ranmiao, "341203200", "冉庙乡中心学校", 620)
		theirs := e.drill(t, staff, "341203101", "插花镇第一小学", 480)
		if _, err := e.s.CreateDrill(ctx, ranmiao, quake.DrillInput{RegionCode: "341203101", Site: "插花镇中学", Date: day("2026-05-12"), Participants: 100}); fields(err)["drill_region"] != "quake.region.outside" {
			t.Errorf("冉庙乡's assistant records a drill in 插花镇: %v", err)
		}
		list, total, err := e.s.Drills(ctx, ranmiao, quake.DrillFilter{})
		if err != nil || total != 1 || list[0].ID != own.ID {
			t.Fatalf("冉庙乡's assistant lists %d drills (%v)", total, err)
		}
		if _, err := e.s.Drill(ctx, ranmiao, theirs.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("冉庙乡's assistant reads 插花镇's drill: %v", err)
		}
		if _, total, _ := e.s.Drills(ctx, staff, quake.DrillFilter{}); total != 2 {
			t.Errorf("district staff see %d drills, want 2", total)
		}
		if _, total, _ := e.s.Drills(ctx, other, quake.DrillFilter{}); total != 0 {
			t.Errorf("颍州区 staff see %d of 颍东区's drills", total)
		}
		a, err := e.s.RegisterAssistant(ctx, staff, quake.AssistantInput{RegionCode: "341203101", Name: "陈刚", Phone: "13900000003", AppointedOn: day("2025-01-01")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Assistant(ctx, ranmiao, a.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("冉庙乡's assistant reads 插花镇's assistant: %v", err)
		}
		ev, err := e.events.Create(ctx, chahua, event.Input{Kind: event.Training, Domain: event.Quake, Title: "插花镇防震减灾培训", Date: day("2026-03-10"), RegionCode: "341203101", Attended: 12})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.events.Event(ctx, ranmiao, ev.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("冉庙乡's assistant reads 插花镇's training: %v", err)
		}
		if _, n, _ := e.events.Events(ctx, ranmiao, event.Filter{}); n != 0 {
			t.Errorf("冉庙乡's assistant lists %d of 插花镇's events", n)
		}
		rows, err := e.s.Summary(ctx, ranmiao, 2026)
		if err != nil || len(rows) != 2 || rows[0].RegionCode != "341203200" || rows[1].Drills != 1 {
			t.Errorf("冉庙乡's assistant's summary %+v, %v", rows, err)
		}
		if _, err := e.s.CreateDrill(ctx, viewer, quake.DrillInput{RegionCode: "341203200", Site: "x", Date: day("2026-05-12"), Participants: 1}); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("the city viewer records a drill: %v", err)
		}
		if _, total, _ := e.s.Drills(ctx, viewer, quake.DrillFilter{}); total != 2 {
			t.Errorf("the city viewer reads %d drills, want 2", total)
		}
	})
}

// TestSecondAssistantRefused: a township with a current assistant refuses a
// second one, naming the township field and the holder, and writes
// nothing; the holder changes by re-registration, which keeps the history.
func TestSecondAssistantRefused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		first, err := e.s.RegisterAssistant(ctx, staff, quake.AssistantInput{RegionCode: "341203200", Name: "李明", Phone: "13800000002",
			Employer: "冉庙乡人民政府", Position: "副乡长", AppointedOn: day("2024-06-01")})
		if err != nil {
			t.Fatal(err)
		}
		rows := func() int {
			return count(t, d, `SELECT COUNT(*) FROM quake_assistants`) + count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action LIKE 'quake.assistant.%'`)
		}
		before := rows()
		_, err = e.s.RegisterAssistant(ctx, staff, quake.AssistantInput{RegionCode: "341203200", Name: "周伟", Phone: "13800000004", AppointedOn: day("2026-03-01")})
		var fe *i18n.Error
		if e, ok := err.(*i18n.Error); ok {
			fe = e
		}
		if fe == nil || fe.Field != "assistant_region" || fe.Key != "quake.assistant.taken" || len(fe.Args) != 1 || fe.Args[0] != "李明" {
			t.Fatalf("second assistant: %v", err)
		}
		if msg := i18n.Default().Printer(i18n.Chinese).Error(err); !strings.Contains(msg, "乡镇（街道）") || !strings.Contains(msg, "李明") {
			t.Errorf("the message does not name the field and the holder: %q", msg)
		}
		if after := rows(); after != before {
			t.Errorf("the refused registration wrote %d rows", after-before)
		}
		// The database refuses it too, should two registrations race.
		if _, err := d.Exec(`INSERT INTO quake_assistants (region_code, current_region, name, phone, appointed_on, created_at, updated_at)
			VALUES ('341203200', '341203200', '周伟', '13800000004', $1, $2, $2)`, day("2026-03-01"), d.Now().UTC()); !db.IsUnique(err) {
			t.Errorf("a second current row in SQL: %v, want a unique violation", err)
		}
		// Re-registration: bad input writes nothing.
		if _, err := e.s.ReplaceAssistant(ctx, staff, first.ID, quake.AssistantInput{Name: "周伟", Phone: "13800000004", AppointedOn: day("2024-01-01")}, ""); fields(err)["reason"] == "" || fields(err)["assistant_appointed_on"] != "quake.assistant.before_term" {
			t.Errorf("replacement without reason, before the term: %v", err)
		}
		if after := rows(); after != before {
			t.Errorf("the refused re-registration wrote %d rows", after-before)
		}
		next, err := e.s.ReplaceAssistant(ctx, ranmiao, first.ID, quake.AssistantInput{RegionCode: "341203101", Name: "周伟", Phone: "13800000004",
			Employer: "冉庙乡人民政府", AppointedOn: day("2026-03-01")}, "乡镇领导班子调整")
		if err != nil {
			t.Fatal(err)
		}
		if next.RegionCode != "341203200" || !next.Current() {
			t.Errorf("successor %+v keeps the township and is current", next)
		}
		hist, err := e.s.History(ctx, staff, "341203200")
		if err != nil || len(hist) != 2 {
			t.Fatalf("history: %d %v", len(hist), err)
		}
		if hist[0].ID != next.ID || hist[1].ID != first.ID || hist[1].Current() || hist[1].EndedOn.String() != "2026-03-01" ||
			hist[1].EndReason != "乡镇领导班子调整" || hist[1].SuccessorID != next.ID {
			t.Errorf("history %+v / %+v", *hist[0], *hist[1])
		}
		if _, err := e.s.ReplaceAssistant(ctx, staff, first.ID, quake.AssistantInput{Name: "吴静", Phone: "13800000005", AppointedOn: day("2026-04-01")}, "再次调整"); i18n.ErrorCode(err) != i18n.Conflict {
			t.Errorf("replacing an ended term: %v", err)
		}
		cur, n, err := e.s.Assistants(ctx, staff, quake.AssistantFilter{})
		if err != nil || n != 1 || cur[0].Name != "周伟" {
			t.Errorf("current assistants %d %v", n, err)
		}
		vacant, err := e.s.Vacant(ctx, staff)
		if err != nil || len(vacant) != 11 {
			t.Errorf("%d townships without an assistant, want 11 of 12 (%v)", len(vacant), err)
		}
		if _, err := e.s.EndAssistant(ctx, staff, next.ID, day("2026-06-30"), "调离"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.RegisterAssistant(ctx, staff, quake.AssistantInput{RegionCode: "341203200", Name: "吴静", Phone: "13800000005", AppointedOn: day("2026-07-01")}); err != nil {
			t.Errorf("registering after the post fell vacant: %v", err)
		}
	})
}

// TestNegativeParticipantsRefused: a drill with negative participants is
// refused on that field and nothing is written.
func TestNegativeParticipantsRefused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		for _, u := range []*auth.User{staff, ranmiao} {
			_, err := e.s.CreateDrill(ctx, u, quake.DrillInput{RegionCode: "341203200", Site: "冉庙乡中心学校", Date: day("2026-05-12"), Participants: -30, DurationMin: 20})
			if i18n.ErrorCode(err) != i18n.Invalid || fields(err)["drill_participants"] != "quake.drill.participants" {
				t.Errorf("%s: negative participants: %v", u.Username, err)
			}
		}
		if _, err := e.s.CreatePublicity(ctx, staff, quake.PublicityInput{RegionCode: "341203", Recipient: "全区学校", Materials: "手册", Quantity: 10,
			DistributedOn: day("2026-05-12")}); fields(err)["publicity_region"] != "quake.region.township" {
			t.Errorf("a distribution for the district, not a township: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM quake_drills`) + count(t, d, `SELECT COUNT(*) FROM quake_publicity`) +
			count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action LIKE 'quake.%'`); n != 0 {
			t.Errorf("refused input wrote %d rows", n)
		}
		dr := e.drill(t, staff, "341203200", "冉庙乡中心学校", 620)
		in := quake.DrillInput{RegionCode: "341203200", Site: "冉庙乡中心学校", Date: day("2026-05-12"), Participants: 640, DurationMin: 25, Rating: "excellent"}
		up, err := e.s.UpdateDrill(ctx, staff, dr.ID, dr.Version, in)
		if err != nil || up.Participants != 640 || up.Version != 2 {
			t.Fatalf("update %+v %v", up, err)
		}
		if _, err := e.s.UpdateDrill(ctx, staff, dr.ID, dr.Version, in); i18n.ErrorCode(err) != i18n.Conflict {
			t.Errorf("stale update: %v", err)
		}
	})
}
