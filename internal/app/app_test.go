package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"kejiju/internal/app"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/ident"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

// env is a running app with a few known accounts.
type env struct {
	t   *testing.T
	app *app.App
	srv *httptest.Server
}

const testPassword = "Ceshi#Mima2026"

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	ctx := context.Background()
	a, err := app.New(app.Config{DataDir: t.TempDir(), BureauName: "测试科技局"}, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Bootstrap(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, in := range []auth.UserInput{
		{Username: "staff", DisplayName: "张科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"},
		{Username: "director", DisplayName: "王局长", Roles: []auth.Role{auth.Director}, RegionCode: "341203"},
		{Username: "viewer", DisplayName: "市局", Roles: []auth.Role{auth.CityViewer}, RegionCode: "341200"},
		{Username: "admin", DisplayName: "系统管理员二", Roles: []auth.Role{auth.SysAdmin}, RegionCode: "341203"},
	} {
		in.Password = testPassword
		if _, _, err := a.Auth.CreateUser(ctx, nil, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE`); err != nil {
		t.Fatal(err)
	}
	s, err := a.Server(func() bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &env{t: t, app: a, srv: srv}
}

// client returns an HTTP client logged in as user (no redirects followed).
func (e *env) client(user string) *http.Client {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if user == "" {
		return c
	}
	resp, err := c.PostForm(e.srv.URL+"/login", url.Values{"username": {user}, "password": {testPassword}})
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		e.t.Fatalf("login %s: %d to %q", user, resp.StatusCode, resp.Header.Get("Location"))
	}
	return c
}

func (e *env) token(user string) string {
	e.t.Helper()
	u, err := e.app.Auth.UserByName(context.Background(), user)
	if err != nil {
		e.t.Fatal(err)
	}
	tok, _, err := e.app.Auth.IssueToken(context.Background(), nil, u.ID, "test", 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.app.DB.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSecurityHeadersAndCookies(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		resp, err := http.Get(e.srv.URL + "/login")
		if err != nil {
			t.Fatal(err)
		}
		body(t, resp)
		for h, want := range map[string]string{
			"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
		} {
			if got := resp.Header.Get(h); got != want {
				t.Errorf("%s: %q, want %q", h, got, want)
			}
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("CSP %q", csp)
		}
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err = c.PostForm(e.srv.URL+"/login", url.Values{"username": {"staff"}, "password": {testPassword}})
		if err != nil {
			t.Fatal(err)
		}
		body(t, resp)
		var session *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == "kejiju_session" {
				session = ck
			}
		}
		if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" {
			t.Errorf("session cookie %+v, want HttpOnly, SameSite=Lax, Path=/", session)
		}
		if n := e.count(`SELECT COUNT(*) FROM sessions WHERE token_hash = $1`, session.Value); n != 0 {
			t.Errorf("the session token is stored in clear")
		}
	})
}

func TestCrossOriginPostRefused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client("admin")
		for name, hdr := range map[string][2]string{
			"Sec-Fetch-Site": {"Sec-Fetch-Site", "cross-site"},
			"Origin":         {"Origin", "https://evil.example"},
		} {
			t.Run(name, func(t *testing.T) {
				before := e.count(`SELECT COUNT(*) FROM users`)
				req, _ := http.NewRequest("POST", e.srv.URL+"/admin/users", strings.NewReader(url.Values{
					"username": {"intruder"}, "display_name": {"x"}, "roles": {"staff"}, "region_code": {"341203"}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set(hdr[0], hdr[1])
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body(t, resp)
				if resp.StatusCode != http.StatusForbidden {
					t.Errorf("cross-origin POST: %d, want 403", resp.StatusCode)
				}
				if after := e.count(`SELECT COUNT(*) FROM users`); after != before {
					t.Errorf("cross-origin POST created a user")
				}
			})
		}
	})
}

func TestPermissionsAndDenialAudit(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tests := []struct {
			user, path string
			want       int
		}{
			{"", "/admin/users", http.StatusSeeOther}, // to the login page
			{"staff", "/admin/users", http.StatusForbidden},
			{"staff", "/admin/audit", http.StatusForbidden},
			{"admin", "/admin/audit", http.StatusForbidden}, // the system administrator cannot read the audit log
			{"admin", "/admin/users", http.StatusOK},
			{"auditadmin", "/admin/users", http.StatusForbidden},
			{"director", "/admin/ident-overrides", http.StatusOK},
			{"staff", "/regions", http.StatusOK},
			{"staff", "/", http.StatusOK},
		}
		for _, tc := range tests {
			if tc.user == "auditadmin" {
				continue // bootstrap gave it a random password; covered by auth tests
			}
			resp, err := e.client(tc.user).Get(e.srv.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			body(t, resp)
			if resp.StatusCode != tc.want {
				t.Errorf("%s GET %s: %d, want %d", tc.user, tc.path, resp.StatusCode, tc.want)
			}
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'access.denied' AND actor = 'staff'`); n != 2 {
			t.Errorf("%d denial events for staff, want 2", n)
		}
	})
}

func apiDo(t *testing.T, e *env, method, path, token, payload string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(payload))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(body(t, resp)), &out); err != nil {
		t.Fatalf("%s %s: not JSON: %v", method, path, err)
	}
	return resp.StatusCode, out
}

func TestAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin := e.token("admin")

		if code, out := apiDo(t, e, "GET", "/api/v1/me", "", ""); code != 401 || out["error"].(map[string]any)["code"] != "unauthorized" {
			t.Errorf("no token: %d %v", code, out)
		}
		if code, out := apiDo(t, e, "GET", "/api/v1/me", admin, ""); code != 200 || out["username"] != "admin" {
			t.Errorf("me: %d %v", code, out)
		}
		if code, _ := apiDo(t, e, "GET", "/api/v1/audit", admin, ""); code != 403 {
			t.Errorf("sysadmin reading audit over the API: %d, want 403", code)
		}

		before := e.count(`SELECT COUNT(*) FROM users`)
		tests := []struct {
			name, payload string
			fields        []string
		}{
			{"unknown role", `{"username":"wangwu","display_name":"王五","roles":["boss"],"region_code":"341203"}`, []string{"roles"}},
			{"weak password", `{"username":"wangwu","display_name":"王五","roles":["staff"],"region_code":"341203","password":"12345678"}`, []string{"password"}},
			{"bad phone and region", `{"username":"wangwu","display_name":"王五","roles":["staff"],"region_code":"999999","phone":"123"}`, []string{"phone", "region_code"}},
			{"duplicate username", `{"username":"STAFF","display_name":"重名","roles":["staff"],"region_code":"341203"}`, []string{"username"}},
			{"two admin roles", `{"username":"wangwu","display_name":"王五","roles":["sysadmin","auditadmin"],"region_code":"341203"}`, []string{"roles"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				code, out := apiDo(t, e, "POST", "/api/v1/users", admin, tc.payload)
				errObj, _ := out["error"].(map[string]any)
				fields, _ := errObj["fields"].(map[string]any)
				if tc.name == "two admin roles" {
					// A system administrator may not grant administrator roles at all.
					if code != 403 {
						t.Errorf("got %d %v, want 403", code, out)
					}
					return
				}
				if code != 422 {
					t.Fatalf("got %d %v, want 422", code, out)
				}
				for _, f := range tc.fields {
					msg, _ := fields[f].(string)
					if msg == "" || !containsHan(msg) {
						t.Errorf("field %s: message %q, want a Chinese message", f, msg)
					}
				}
			})
		}
		if after := e.count(`SELECT COUNT(*) FROM users`); after != before {
			t.Errorf("refused input wrote users: %d → %d", before, after)
		}
		code, out := apiDo(t, e, "POST", "/api/v1/users", admin, `{"username":"wangwu","display_name":"王五","roles":["staff"],"region_code":"341203"}`)
		if code != 201 || out["initial_password"] == "" {
			t.Errorf("create: %d %v", code, out)
		}
		if code, out := apiDo(t, e, "POST", "/api/v1/users", admin, `{"username":"x","bogus":1}`); code != 422 {
			t.Errorf("unknown JSON field: %d %v, want 422", code, out)
		}

		code, out = apiDo(t, e, "GET", "/api/v1/openapi.json", "", "")
		paths, _ := out["paths"].(map[string]any)
		users, _ := paths["/users"].(map[string]any)
		if code != 200 || users["get"] == nil || users["post"] == nil {
			t.Errorf("openapi: %d, /users = %v", code, users)
		}
	})
}

func containsHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func TestRegionsFollowScope(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		codes := func(user string) []string {
			code, out := apiDo(t, e, "GET", "/api/v1/regions", e.token(user), "")
			if code != 200 {
				t.Fatalf("%s regions: %d %v", user, code, out)
			}
			var cs []string
			for _, it := range out["items"].([]any) {
				cs = append(cs, it.(map[string]any)["Code"].(string))
			}
			return cs
		}
		staff := codes("staff")
		for _, c := range staff {
			if !strings.HasPrefix(c, "341203") {
				t.Errorf("district staff see region %s", c)
			}
		}
		if len(staff) < 10 {
			t.Errorf("district staff see %d regions, want the district's townships and villages", len(staff))
		}
		viewer := codes("viewer")
		if len(viewer) <= len(staff) {
			t.Errorf("the city viewer sees %d regions, fewer than a district's %d", len(viewer), len(staff))
		}
		for _, c := range viewer {
			if !strings.HasPrefix(c, "3412") {
				t.Errorf("city viewer sees region %s outside the city", c)
			}
		}
	})
}

func TestIdentOverride(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client("director")
		post := func(value string) (int, string) {
			resp, err := c.PostForm(e.srv.URL+"/admin/ident-overrides", url.Values{"value": {value}, "reason": {"经市场监管局核实为真实代码"}})
			if err != nil {
				t.Fatal(err)
			}
			return resp.StatusCode, body(t, resp)
		}
		for _, bad := range []string{"9135", "91350100I000100Y43", "91350100M000100Y43"} {
			code, page := post(bad)
			if code != 422 || !strings.Contains(page, `class="field-error"`) {
				t.Errorf("%s: %d, want 422 with a field error", bad, code)
			}
		}
		if n := e.count(`SELECT COUNT(*) FROM ident_overrides`); n != 0 {
			t.Fatalf("refused codes wrote %d overrides", n)
		}
		if _, err := ident.AcceptCreditCode(context.Background(), d, "91350203M0001QAY9B"); err == nil {
			t.Fatal("a code failing its check was accepted before any override")
		}
		if code, _ := post("91350203m0001qay9b"); code != http.StatusSeeOther {
			t.Fatalf("real failing code: %d, want 303", code)
		}
		got, err := ident.AcceptCreditCode(context.Background(), d, "91350203M0001QAY9B")
		if err != nil || got != "91350203M0001QAY9B" {
			t.Errorf("after override: %q %v", got, err)
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'ident.override' AND object_id = '91350203M0001QAY9B' AND reason <> ''`); n != 1 {
			t.Errorf("%d audit events for the override, want 1", n)
		}
	})
}

func TestSecurityPolicy(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		if _, _, err := e.app.Auth.CreateUser(ctx, nil, auth.UserInput{Username: "security", DisplayName: "安全员", Roles: []auth.Role{auth.SecAdmin}, RegionCode: "341203", Password: testPassword}); err != nil {
			t.Fatal(err)
		}
		d.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE`)
		form := url.Values{"min_length": {"10"}, "min_classes": {"3"}, "history": {"5"}, "max_age_days": {"90"}, "lock_after": {"5"},
			"lock_for_minutes": {"30"}, "ip_failures_per_minute": {"20"}, "idle_minutes": {"20"}, "admin_idle_minutes": {"10"}, "absolute_hours": {"12"}, "reason": {"加强口令"}}

		// Only the security administrator may change it.
		resp, _ := e.client("admin").PostForm(e.srv.URL+"/admin/policy", form)
		if body(t, resp); resp.StatusCode != http.StatusForbidden {
			t.Errorf("system administrator saving the policy: %d, want 403", resp.StatusCode)
		}
		sec := e.client("security")
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("min_length", "6")
		bad.Set("idle_minutes", "abc")
		resp, _ = sec.PostForm(e.srv.URL+"/admin/policy", bad)
		page := body(t, resp)
		if resp.StatusCode != 422 || !strings.Contains(page, "取值应在8至64之间") || !strings.Contains(page, "请填写整数") {
			t.Errorf("weak policy: %d, want 422 naming both fields", resp.StatusCode)
		}
		if got := e.app.Auth.CurrentPolicy().MinLength; got != 8 {
			t.Errorf("a refused policy took effect: min length %d", got)
		}
		resp, _ = sec.PostForm(e.srv.URL+"/admin/policy", form)
		if body(t, resp); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("saving the policy: %d", resp.StatusCode)
		}
		if err := e.app.Auth.CurrentPolicy().CheckPassword("Abcdef#123", ""); err != nil {
			t.Errorf("10-character password refused: %v", err)
		}
		if err := e.app.Auth.CurrentPolicy().CheckPassword("Abcde#123", ""); err == nil {
			t.Errorf("9-character password accepted under a 10-character policy")
		}
		// The saved policy survives a restart.
		a2, err := app.New(e.app.Config, d, e.app.Log)
		if err != nil {
			t.Fatal(err)
		}
		if got := a2.Auth.CurrentPolicy().Idle.Minutes(); got != 20 {
			t.Errorf("after restart idle timeout %v min, want 20", got)
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'security.policy' AND reason = '加强口令'`); n != 1 {
			t.Errorf("%d policy audit events, want 1", n)
		}
	})
}

func TestWorkingCalendar(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		staff := e.token("staff")
		code, out := apiDo(t, e, "GET", "/api/v1/workdays?start=2026-09-30&days=5", staff, "")
		if code != 200 || out["publicity_end"] != "2026-10-12" || out["workdays_after"] != "2026-10-13" {
			t.Errorf("5 working days from 2026-09-30 (across 国庆): %d %v", code, out)
		}
		if code, _ := apiDo(t, e, "GET", "/api/v1/workdays?start=2026-02-30&days=5", staff, ""); code != 422 {
			t.Errorf("an impossible date: %d, want 422", code)
		}

		// Staff may read the calendar but not change it; the director may.
		resp, _ := e.client("staff").PostForm(e.srv.URL+"/calendar", url.Values{"day": {"2027-02-06"}, "kind": {"workday"}, "name": {"春节"}})
		if body(t, resp); resp.StatusCode != http.StatusForbidden {
			t.Errorf("staff changing the calendar: %d, want 403", resp.StatusCode)
		}
		dir := e.client("director")
		resp, _ = dir.PostForm(e.srv.URL+"/calendar", url.Values{"day": {"2027-13-01"}, "kind": {"workday"}, "name": {"春节"}})
		if page := body(t, resp); resp.StatusCode != 422 || !strings.Contains(page, "日期格式") {
			t.Errorf("bad date: %d", resp.StatusCode)
		}
		before := e.app.Calendar.Current().IsWorkday(mustDate(t, "2027-02-06")) // a Saturday
		resp, _ = dir.PostForm(e.srv.URL+"/calendar", url.Values{"day": {"2027-02-06"}, "kind": {"workday"}, "name": {"春节"}, "reason": {"国办通知"}})
		if body(t, resp); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("saving an entry: %d", resp.StatusCode)
		}
		if before || !e.app.Calendar.Current().IsWorkday(mustDate(t, "2027-02-06")) {
			t.Errorf("2027-02-06: workday before %v; after saving a make-up day it must be one", before)
		}
		resp, _ = dir.PostForm(e.srv.URL+"/calendar/2027-02-06/delete", url.Values{"reason": {"录错"}})
		if body(t, resp); resp.StatusCode != http.StatusSeeOther || e.app.Calendar.Current().IsWorkday(mustDate(t, "2027-02-06")) {
			t.Errorf("deleting the entry: %d", resp.StatusCode)
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_events WHERE action LIKE 'calendar.%'`); n != 2 {
			t.Errorf("%d calendar audit events, want 2", n)
		}
	})
}

func mustDate(t *testing.T, s string) calendar.Date {
	t.Helper()
	d, err := calendar.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestWrongPasswordSaysSo(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, user := range []string{"staff", "nobody"} {
			resp, err := e.client("").PostForm(e.srv.URL+"/login", url.Values{"username": {user}, "password": {"Wrong#Pass1"}})
			if err != nil {
				t.Fatal(err)
			}
			page := body(t, resp)
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "用户名或密码错误") || strings.Contains(page, "Wrong#Pass1") {
				t.Errorf("%s with a wrong password: %d; want 401 with the one message for both, and the password not echoed", user, resp.StatusCode)
			}
		}
	})
}
