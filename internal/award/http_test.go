package award_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/award"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/web"
	"kejiju/internal/web/webtest"
)

// TestPagesAndAPI serves the area as app does and walks its pages and API.
func TestPagesAndAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 2)
		for _, u := range []*auth.User{staff, chief, e.users[0], e.users[1]} {
			webtest.AddUser(t, d, u)
		}
		lg, _ := audit.New(audit.SM3)
		h := &award.Handlers{Service: e.s}
		site := webtest.Serve(t, d, lg, webtest.Area{Routes: []func(*web.Routes){h.Routes}, Nav: award.Nav(),
			Templates: []web.Templates{award.Templates()}, Keys: []string{"award"}})
		h.Web = site.Web
		r := e.round2026(t)
		rid := strconv.FormatInt(r.ID, 10)
		sc, ec, oc := site.Login(staff), site.Login(e.users[0]), site.Login(e.users[1])

		// A nomination through the API by the enterprise, bad then good.
		if code, _ := ec.JSON("POST", "/api/v1/nominations", `{"round_id": `+rid+`, "title": ""}`); code != http.StatusUnprocessableEntity {
			t.Errorf("API bad nomination: %d", code)
		}
		code, body := ec.JSON("POST", "/api/v1/nominations", `{"round_id": `+rid+`, "title": "高效节能电机", "units": ["颍东测试科技有限公司01"],
			"contributors": [{"rank": 1, "name": "张三"}], "summary": "能效提升15%", "proposed_level": 2}`)
		if code != http.StatusCreated {
			t.Fatalf("API nominate: %d %s", code, body)
		}
		n, _, err := e.s.Nominations(context.Background(), staff, award.Filter{RoundID: r.ID})
		if err != nil || len(n) != 1 {
			t.Fatalf("nominations: %v", err)
		}
		nid := strconv.FormatInt(n[0].ID, 10)
		if code, body := ec.JSON("POST", "/api/v1/nominations/"+nid+"/actions/submit", ``); code != http.StatusOK || !strings.Contains(body, `"formal_review"`) {
			t.Errorf("API submit: %d %s", code, body)
		}
		if code, _ := oc.JSON("POST", "/api/v1/nominations/"+nid+"/actions/withdraw", `{"reason": "x"}`); code != http.StatusNotFound {
			t.Errorf("another enterprise acts: %d", code)
		}
		if code, body := sc.JSON("POST", "/api/v1/nominations/"+nid+"/actions/send_to_panel", `{}`); code != http.StatusOK {
			t.Errorf("API send to panel: %d %s", code, body)
		}
		if code, body := sc.Get("/api/v1/award-rounds"); code != http.StatusOK || !strings.Contains(body, "科学技术进步奖") {
			t.Errorf("API rounds: %d", code)
		}

		for _, p := range []string{"/awards/rounds", "/awards/rounds/new", "/awards/rounds/" + rid, "/awards/rounds/" + rid + "/session",
			"/awards/rounds/" + rid + "/results", "/awards/nominations", "/awards/nominations/new", "/awards/nominations/" + nid} {
			if code, _ := sc.Get(p); code != http.StatusOK {
				t.Errorf("staff GET %s: %d", p, code)
			}
		}
		for _, p := range []string{"/awards/nominations?mine=1", "/awards/nominations/new", "/awards/nominations/" + nid, "/awards/rounds/" + rid} {
			if code, _ := ec.Get(p); code != http.StatusOK {
				t.Errorf("enterprise GET %s: %d", p, code)
			}
		}
		if code, _ := oc.Get("/awards/nominations/" + nid); code != http.StatusNotFound {
			t.Errorf("another enterprise GET: %d", code)
		}
		if code, _ := ec.Get("/awards/rounds/" + rid + "/session"); code != http.StatusForbidden {
			t.Errorf("enterprise GET session: %d", code)
		}

		// The session form: 9 rows, 7 present; then the ballots.
		f := url.Values{"held_on": {"2026-05-20"}}
		for i := range 9 {
			k := strconv.Itoa(i)
			f.Set("m_name_"+k, "委员"+k)
			if i < 7 {
				f.Set("m_present_"+k, "1")
			}
		}
		if code, _, body := sc.Post("/awards/rounds/"+rid+"/session", f); code != http.StatusSeeOther {
			t.Fatalf("session: %d %s", code, body)
		}
		if code, _, body := sc.Post("/awards/nominations/"+nid+"/votes", url.Values{"yes_" + nid + "_2": {"6"}, "no_" + nid + "_2": {"1"}}); code != http.StatusSeeOther {
			t.Fatalf("votes: %d %s", code, body)
		}
		if code, page := sc.Get("/awards/rounds/" + rid + "/session"); code != http.StatusOK || !strings.Contains(page, `data-testid="quorum"`) {
			t.Errorf("session page: %d", code)
		}
		if code, page := sc.Get("/awards/rounds/" + rid + "/results"); code != http.StatusOK || !strings.Contains(page, `data-testid="propose-all"`) {
			t.Errorf("results page: %d", code)
		}
		if code, _, body := sc.Post("/awards/nominations/"+nid+"/actions/propose_award", url.Values{"publicity_start": {"2026-06-01"}}); code != http.StatusSeeOther {
			t.Fatalf("propose: %d %s", code, body)
		}
		if code, page := sc.Get("/awards/nominations/" + nid); code != http.StatusOK || !strings.Contains(page, `data-testid="publicity"`) ||
			!strings.Contains(page, "二等奖") {
			t.Errorf("nomination page in publicity: %d", code)
		}
	})
}
