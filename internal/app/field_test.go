package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kejiju/internal/app"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/quake"
)

// untranslated finds a message key printed as itself on a page.
var untranslated = regexp.MustCompile(`\b(event|quake|field|nav)\.[a-z_]+(\.[a-z_]+)*\b`)

// TestFieldPages walks earthquake prevention and events through the pages
// as wired: staff register 冉庙乡's assistant (a second one is refused,
// naming the field, nothing written), record a drill at a school (negative
// participants refused), a training with its sign-in sheet, and a drill in
// 插花镇; 冉庙乡's assistant sees only its township's records (插花镇's
// drill is 404), reads the yearly summary and its spreadsheet, and
// re-registers the post; every page renders in Chinese and English
// without an untranslated key.
func TestFieldPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		for _, in := range []auth.UserInput{
			{Username: "ranmiao", DisplayName: "冉庙乡助理员", Roles: []auth.Role{auth.Assistant}, RegionCode: "341203200"},
			{Username: "chahua", DisplayName: "插花镇助理员", Roles: []auth.Role{auth.Assistant}, RegionCode: "341203101"},
		} {
			in.Password = testPassword
			if _, _, err := e.app.Auth.CreateUser(ctx, nil, in); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE`); err != nil {
			t.Fatal(err)
		}
		staffC, townC := e.client("staff"), e.client("ranmiao")
		get := func(c *http.Client, path string) (int, string) {
			t.Helper()
			resp, err := c.Get(e.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			return resp.StatusCode, body(t, resp)
		}
		assistant := url.Values{"assistant_region": {"341203200"}, "assistant_name": {"李明"}, "assistant_phone": {"13800000002"},
			"assistant_employer": {"冉庙乡人民政府"}, "assistant_position": {"副乡长"}, "assistant_appointed_on": {"2024-06-01"}}
		code, first, _ := postForm(t, e, staffC, "/quake/assistants", assistant)
		if code != http.StatusSeeOther || !strings.HasPrefix(first, "/quake/assistants/") {
			t.Fatalf("register: %d %q", code, first)
		}
		second := url.Values{"assistant_region": {"341203200"}, "assistant_name": {"周伟"}, "assistant_phone": {"13800000004"}, "assistant_appointed_on": {"2026-03-01"}}
		code, _, b := postForm(t, e, staffC, "/quake/assistants", second)
		if code != http.StatusUnprocessableEntity || !strings.Contains(b, "乡镇（街道）：该乡镇（街道）已有在任助理员李明") {
			t.Fatalf("second assistant: %d", code)
		}
		if n := e.count(`SELECT COUNT(*) FROM quake_assistants`); n != 1 {
			t.Fatalf("the refused assistant wrote: %d rows", n)
		}

		drill := url.Values{"drill_region": {"341203200"}, "drill_site_kind": {"school"}, "drill_site": {"冉庙乡中心学校"}, "drill_date": {"2026-05-12"},
			"drill_scenario": {"课间发生地震，全校疏散至操场"}, "drill_participants": {"620"}, "drill_duration": {"25"}, "drill_evacuation": {"150"},
			"drill_rating": {"good"}, "drill_evaluation": {"疏散有序，用时2分30秒"}}
		code, drillLoc, _ := postForm(t, e, staffC, "/quake/drills", drill)
		if code != http.StatusSeeOther || !strings.HasPrefix(drillLoc, "/quake/drills/") {
			t.Fatalf("drill: %d %q", code, drillLoc)
		}
		bad := url.Values{}
		for k, v := range drill {
			bad[k] = v
		}
		bad.Set("drill_participants", "-30")
		if code, _, b := postForm(t, e, staffC, "/quake/drills", bad); code != http.StatusUnprocessableEntity || !strings.Contains(b, "参演人数必须大于0") {
			t.Fatalf("negative participants: %d", code)
		}
		if n := e.count(`SELECT COUNT(*) FROM quake_drills`); n != 1 {
			t.Fatalf("%d drills after the refusal, want 1", n)
		}
		if code, b := get(staffC, drillLoc); code != http.StatusOK || !strings.Contains(b, "2026年5月12日") || !strings.Contains(b, `data-testid="participants">620<`) ||
			!strings.Contains(b, "良好") {
			t.Fatalf("drill page: %d", code)
		}

		training := url.Values{"event_kind": {"training"}, "event_domain": {"quake"}, "event_title": {"2026年防震减灾助理员业务培训"},
			"event_date": {"2026-04-20"}, "event_region": {"341203200"}, "event_place": {"冉庙乡政府会议室"}, "event_planned": {"30"},
			"event_attendees": {"李明，冉庙乡政府，13800000002\n王芳，梧樟村委会\n赵强"}}
		code, trainingLoc, _ := postForm(t, e, staffC, "/events", training)
		if code != http.StatusSeeOther || !strings.HasPrefix(trainingLoc, "/events/") {
			t.Fatalf("training: %d %q", code, trainingLoc)
		}
		if code, b := get(townC, trainingLoc); code != http.StatusOK || !strings.Contains(b, `data-testid="attended">3<`) || !strings.Contains(b, "梧樟村委会") {
			t.Fatalf("training page as 冉庙乡's assistant: %d", code)
		}
		other := url.Values{"drill_region": {"341203101"}, "drill_site": {"插花镇第一小学"}, "drill_date": {"2026-05-13"}, "drill_participants": {"480"}}
		code, otherLoc, _ := postForm(t, e, staffC, "/quake/drills", other)
		if code != http.StatusSeeOther {
			t.Fatalf("插花镇 drill: %d", code)
		}

		code, b = get(townC, "/quake/drills")
		if code != http.StatusOK || !strings.Contains(b, "冉庙乡中心学校") || strings.Contains(b, "插花镇第一小学") {
			t.Fatalf("drills as 冉庙乡's assistant: %d", code)
		}
		if code, _ := get(townC, otherLoc); code != http.StatusNotFound {
			t.Errorf("插花镇's drill as 冉庙乡's assistant: %d, want 404", code)
		}
		if code, b := get(staffC, "/quake/drills"); code != http.StatusOK || !strings.Contains(b, "插花镇第一小学") || !strings.Contains(b, "冉庙乡中心学校") {
			t.Errorf("drills as staff: %d", code)
		}
		if code, _, b := postForm(t, e, townC, "/quake/drills", other); code != http.StatusUnprocessableEntity || !strings.Contains(b, "不是您辖区内的乡镇（街道）") {
			t.Errorf("冉庙乡's assistant records a drill in 插花镇: %d", code)
		}
		code, b = get(townC, "/quake/summary?year=2026")
		row := regexp.MustCompile(`(?s)<tr data-region="341203200">.*?</tr>`).FindString(b)
		nums := regexp.MustCompile(`<td class="num">(\d+)</td>`).FindAllStringSubmatch(row, -1)
		var got []string
		for _, m := range nums {
			got = append(got, m[1])
		}
		if code != http.StatusOK || !strings.Contains(row, "李明") || strings.Join(got, ",") != "1,620,1,3,0,0" || strings.Contains(b, "插花镇") {
			t.Errorf("summary as 冉庙乡's assistant: %d, 冉庙乡 row %v", code, got)
		}
		resp, err := townC.Get(e.srv.URL + "/quake/summary.xlsx?year=2026")
		if err != nil {
			t.Fatal(err)
		}
		if raw := body(t, resp); resp.StatusCode != http.StatusOK || !strings.HasPrefix(raw, "PK") {
			t.Errorf("summary spreadsheet: %d", resp.StatusCode)
		}
		code, out := apiDo(t, e, "GET", "/api/v1/quake/drills", e.token("ranmiao"), "")
		if code != http.StatusOK || out["total"].(float64) != 1 {
			t.Errorf("API drills as 冉庙乡's assistant: %d %v", code, out["total"])
		}

		replace := url.Values{"assistant_name": {"周伟"}, "assistant_phone": {"13800000004"}, "assistant_appointed_on": {"2026-03-01"}, "reason": {"乡镇领导班子调整"}}
		code, next, _ := postForm(t, e, townC, first+"/replace", replace)
		if code != http.StatusSeeOther || next == first {
			t.Fatalf("re-registration: %d %q", code, next)
		}
		trainingsOf := func(path string) string {
			t.Helper()
			_, b := get(staffC, path)
			return regexp.MustCompile(`(?s)<table class="grid" data-testid="trainings">.*?</table>`).FindString(b)
		}
		if in, out := trainingsOf(next), trainingsOf(first); !strings.Contains(in, "2026年防震减灾助理员业务培训") || strings.Contains(out, "2026年防震减灾助理员业务培训") {
			t.Errorf("the April training is listed for the successor appointed in March and not for the predecessor:\n%s\n%s", in, out)
		}
		if code, b := get(staffC, "/quake/assistants?history=1"); code != http.StatusOK || !strings.Contains(b, "李明") || !strings.Contains(b, "周伟") ||
			!strings.Contains(b, "2026年3月1日 离任") {
			t.Errorf("registry with history: %d", code)
		}

		pages := []string{"/quake/assistants", "/quake/assistants?history=1", first, next, "/quake/assistants/new", "/quake/drills", drillLoc, drillLoc + "/edit",
			"/quake/drills/new", "/quake/publicity", "/quake/publicity/new", "/quake/summary", "/events", "/events/new", trainingLoc,
			trainingLoc + "/edit", "/events/summary", "/events?year=2026&kind=training&domain=quake"}
		for _, lang := range []string{"zh-CN", "en"} {
			for _, p := range pages {
				req, _ := http.NewRequest("GET", e.srv.URL+p, nil)
				req.AddCookie(&http.Cookie{Name: "kejiju_lang", Value: lang})
				resp, err := staffC.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b := body(t, resp)
				if resp.StatusCode != http.StatusOK {
					t.Errorf("%s (%s): %d", p, lang, resp.StatusCode)
				} else if k := untranslated.FindString(b); k != "" {
					t.Errorf("%s (%s) shows the key %s", p, lang, k)
				}
			}
		}
	})
}

// TestFieldDemoData starts a demo bureau and finds its earthquake
// prevention and events: three townships with a current assistant (冉庙乡
// re-registered once), the other nine flagged vacant, drills with one still
// planned, trainings with their sign-in sheet, publicity records, and a
// summary whose township rows add up to its total.
func TestFieldDemoData(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, err := app.New(app.Config{DataDir: t.TempDir(), BureauName: "测试科技局", Demo: true}, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Bootstrap(ctx, io.Discard); err != nil {
			t.Fatal(err)
		}
		director, err := a.Auth.UserByName(ctx, "juzhang")
		if err != nil {
			t.Fatal(err)
		}
		cur, n, err := a.Quake.Assistants(ctx, director, quake.AssistantFilter{})
		var names []string
		for _, c := range cur {
			names = append(names, c.Name)
		}
		if err != nil || n != 3 || strings.Join(names, "、") != "刘洋、陈刚、周伟" {
			t.Fatalf("demo assistants: %d %v (%v)", n, names, err)
		}
		hist, err := a.Quake.History(ctx, director, "341203200")
		if err != nil || len(hist) != 2 || !hist[0].Current() || hist[1].Current() || hist[1].SuccessorID != hist[0].ID {
			t.Errorf("冉庙乡's history: %d terms (%v)", len(hist), err)
		}
		if vacant, err := a.Quake.Vacant(ctx, director); err != nil || len(vacant) != 9 {
			t.Errorf("vacant townships: %d (%v)", len(vacant), err)
		}
		drills, n, err := a.Quake.Drills(ctx, director, quake.DrillFilter{Limit: 100})
		planned := 0
		for _, dr := range drills {
			if dr.Planned {
				planned++
			}
		}
		if err != nil || n != 4 || planned != 1 {
			t.Errorf("demo drills: %d, %d planned (%v)", n, planned, err)
		}
		trainings, err := a.Events.QuakeTrainings(ctx, director, 0, "")
		if err != nil || len(trainings) != 2 {
			t.Fatalf("demo quake trainings: %d (%v)", len(trainings), err)
		}
		if ev, err := a.Events.Event(ctx, director, trainings[0].ID); err != nil || len(ev.Attendees) != 3 || ev.Attended != 3 {
			t.Errorf("the district training's sign-in sheet: %+v (%v)", ev, err)
		}
		_, pubs, err := a.Quake.Publicities(ctx, director, quake.PublicityFilter{})
		if err != nil || pubs != 3 {
			t.Errorf("demo distributions: %d (%v)", pubs, err)
		}
		rows, err := a.Quake.Summary(ctx, director, trainings[0].Date.Year)
		if err != nil {
			t.Fatal(err)
		}
		var sum quake.SummaryRow
		for _, r := range rows[:len(rows)-1] {
			sum.Drills += r.Drills
			sum.Participants += r.Participants
			sum.Trainings += r.Trainings
			sum.Trained += r.Trained
			sum.Materials += r.Materials
		}
		total := rows[len(rows)-1]
		if total.Drills != 3 || total.Participants != 1250 || total.Trainings != 2 || total.Trained != 26 || total.Materials != 130 ||
			sum.Drills != total.Drills || sum.Participants != total.Participants || sum.Trained != total.Trained || sum.Materials != total.Materials {
			t.Errorf("demo summary total %+v, rows add up to %+v", total, sum)
		}
	})
}
