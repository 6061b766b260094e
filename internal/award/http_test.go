package award_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/award"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/web"
)

const testPassword = "Ceshi#Mima2026"

func addUser(t *testing.T, d *db.DB, u *auth.User) {
	t.Helper()
	var ent any
	if u.EnterpriseID > 0 {
		ent = u.EnterpriseID
	}
	if _, err := d.Exec(`INSERT INTO users (id, username, display_name, region_code, enterprise_id, password_hash, password_changed_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7)`, u.ID, u.Username, u.DisplayName, u.RegionCode, ent, auth.HashPassword(testPassword), d.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	for _, r := range u.Roles {
		if _, err := d.Exec(`INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, u.ID, string(r)); err != nil {
			t.Fatal(err)
		}
	}
}

var rawKey = regexp.MustCompile(`\b(award|field|nav|error|workflow)\.[a-z_]+(\.[a-z_]+)*\b`)

// TestPagesAndAPI serves the area as app does and walks its pages and API.
func TestPagesAndAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 2)
		for _, u := range []*auth.User{staff, chief, e.users[0], e.users[1]} {
			addUser(t, d, u)
		}
		lg, _ := audit.New(audit.SM3)
		key, err := auth.LoadOrCreateKey(filepath.Join(t.TempDir(), "master.key"))
		if err != nil {
			t.Fatal(err)
		}
		keys, err := auth.NewKeyring(key)
		if err != nil {
			t.Fatal(err)
		}
		as := &auth.Service{DB: d, Audit: lg, Keys: keys, Policy: auth.DefaultPolicy}
		h := &award.Handlers{Service: e.s}
		routes := &web.Routes{}
		h.Routes(routes)
		s, err := web.New(web.Config{BureauName: "测试区科技局"}, as, routes, award.Nav(), []web.Templates{award.Templates()},
			slog.New(slog.NewTextHandler(io.Discard, nil)), func() bool { return true })
		if err != nil {
			t.Fatal(err)
		}
		h.Web = s
		srv := httptest.NewServer(s)
		defer srv.Close()
		login := func(u *auth.User) *http.Client {
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := c.PostForm(srv.URL+"/login", url.Values{"username": {u.Username}, "password": {testPassword}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return c
		}
		get := func(c *http.Client, path string) (int, string) {
			resp, err := c.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if k := rawKey.FindString(string(b)); k != "" && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Errorf("GET %s shows the key %s", path, k)
			}
			return resp.StatusCode, string(b)
		}
		do := func(c *http.Client, method, path, body string) (int, string) {
			req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp.StatusCode, string(b)
		}
		r := e.round2026(t)
		rid := strconv.FormatInt(r.ID, 10)
		sc, ec, oc := login(staff), login(e.users[0]), login(e.users[1])

		// A nomination through the API by the enterprise, bad then good.
		if code, _ := do(ec, "POST", "/api/v1/nominations", `{"round_id": `+rid+`, "title": ""}`); code != http.StatusUnprocessableEntity {
			t.Errorf("API bad nomination: %d", code)
		}
		code, body := do(ec, "POST", "/api/v1/nominations", `{"round_id": `+rid+`, "title": "高效节能电机", "units": ["颍东测试科技有限公司01"],
			"contributors": [{"rank": 1, "name": "张三"}], "summary": "能效提升15%", "proposed_level": 2}`)
		if code != http.StatusCreated {
			t.Fatalf("API nominate: %d %s", code, body)
		}
		n, _, err := e.s.Nominations(context.Background(), staff, award.Filter{RoundID: r.ID})
		if err != nil || len(n) != 1 {
			t.Fatalf("nominations: %v", err)
		}
		nid := strconv.FormatInt(n[0].ID, 10)
		if code, body := do(ec, "POST", "/api/v1/nominations/"+nid+"/actions/submit", ``); code != http.StatusOK || !strings.Contains(body, `"formal_review"`) {
			t.Errorf("API submit: %d %s", code, body)
		}
		if code, _ := do(oc, "POST", "/api/v1/nominations/"+nid+"/actions/withdraw", `{"reason": "x"}`); code != http.StatusNotFound {
			t.Errorf("another enterprise acts: %d", code)
		}
		if code, body := do(sc, "POST", "/api/v1/nominations/"+nid+"/actions/send_to_panel", `{}`); code != http.StatusOK {
			t.Errorf("API send to panel: %d %s", code, body)
		}
		if code, body := get(sc, "/api/v1/award-rounds"); code != http.StatusOK || !strings.Contains(body, "科学技术进步奖") {
			t.Errorf("API rounds: %d", code)
		}

		for _, p := range []string{"/awards/rounds", "/awards/rounds/new", "/awards/rounds/" + rid, "/awards/rounds/" + rid + "/session",
			"/awards/rounds/" + rid + "/results", "/awards/nominations", "/awards/nominations/new", "/awards/nominations/" + nid} {
			if code, _ := get(sc, p); code != http.StatusOK {
				t.Errorf("staff GET %s: %d", p, code)
			}
		}
		for _, p := range []string{"/awards/nominations?mine=1", "/awards/nominations/new", "/awards/nominations/" + nid, "/awards/rounds/" + rid} {
			if code, _ := get(ec, p); code != http.StatusOK {
				t.Errorf("enterprise GET %s: %d", p, code)
			}
		}
		if code, _ := get(oc, "/awards/nominations/"+nid); code != http.StatusNotFound {
			t.Errorf("another enterprise GET: %d", code)
		}
		if code, _ := get(ec, "/awards/rounds/"+rid+"/session"); code != http.StatusForbidden {
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
		resp, err := sc.PostForm(srv.URL+"/awards/rounds/"+rid+"/session", f)
		if err != nil || resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("session: %v %d", err, resp.StatusCode)
		}
		resp.Body.Close()
		resp, err = sc.PostForm(srv.URL+"/awards/nominations/"+nid+"/votes", url.Values{"yes_" + nid + "_2": {"6"}, "no_" + nid + "_2": {"1"}})
		if err != nil || resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("votes: %v %d", err, resp.StatusCode)
		}
		resp.Body.Close()
		if code, page := get(sc, "/awards/rounds/"+rid+"/session"); code != http.StatusOK || !strings.Contains(page, `data-testid="quorum"`) {
			t.Errorf("session page: %d", code)
		}
		if code, page := get(sc, "/awards/rounds/"+rid+"/results"); code != http.StatusOK || !strings.Contains(page, `data-testid="propose-all"`) {
			t.Errorf("results page: %d", code)
		}
		resp, err = sc.PostForm(srv.URL+"/awards/nominations/"+nid+"/actions/propose_award", url.Values{"publicity_start": {"2026-06-01"}})
		if err != nil || resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("propose: %v %d", err, resp.StatusCode)
		}
		resp.Body.Close()
		if code, page := get(sc, "/awards/nominations/"+nid); code != http.StatusOK || !strings.Contains(page, `data-testid="publicity"`) ||
			!strings.Contains(page, "二等奖") {
			t.Errorf("nomination page in publicity: %d", code)
		}
	})
}
