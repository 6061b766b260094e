package app_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
)

// TestNoDebugOrRepositoryPaths is T-CFG-01: version control files, Go's
// profiler and a metrics endpoint are not served to anyone (404), logged
// in or not.
func TestNoDebugOrRepositoryPaths(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, user := range []string{"", "admin", "director"} {
			c := e.client(user)
			for _, p := range []string{"/.git/config", "/.git/HEAD", "/debug/pprof/", "/debug/pprof/heap", "/debug/vars", "/metrics", "/.env", "/server-status", "/go.mod", "/kejiju-data/kejiju.db"} {
				resp, err := c.Get(e.srv.URL + p)
				if err != nil {
					t.Fatal(err)
				}
				b := body(t, resp)
				if resp.StatusCode != http.StatusNotFound || strings.Contains(b, "[core]") || strings.Contains(b, "goroutine") || strings.Contains(b, "module kejiju") {
					t.Errorf("%s as %q: %d", p, user, resp.StatusCode)
				}
			}
		}
	})
}

// TestHeadersOnEveryPage is T-HDR-02, our stand-in for a ZAP baseline: it
// walks every page of the route table (GET, not the API; {id}s as 1) as
// each role and as a visitor, and every HTML answer — page, error or
// login redirect target — carries the content security policy with
// object-src 'none', base-uri and frame-ancestors 'none', nosniff, no
// framing, a same-origin referrer policy; pages for a logged-in user are
// not cached (no-store), and none names the server software.
//
// The headers do not depend on the engine, so this runs on SQLite only;
// the authorization matrix walks every route on both engines.
func TestHeadersOnEveryPage(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t))
	s, err := e.app.Server(func() bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	wild := regexp.MustCompile(`\{[^}]*\}`)
	html := 0
	for _, user := range []string{"", "staff", "director", "viewer", "admin"} {
		c := e.client(user)
		for _, rt := range s.Routes() {
			if rt.API || rt.Method() != http.MethodGet {
				continue
			}
			path := strings.TrimSuffix(wild.ReplaceAllString(rt.Path(), "1"), "{$}")
			if strings.Contains(path, "pdf") { // printed by Chromium: slow, and not HTML
				continue
			}
			resp, err := c.Get(e.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			body(t, resp)
			if resp.StatusCode >= 500 {
				t.Errorf("%s as %q: %d", path, user, resp.StatusCode)
			}
			h := resp.Header
			if h.Get("Server") != "" || h.Get("X-Powered-By") != "" {
				t.Errorf("%s names the server: %q %q", path, h.Get("Server"), h.Get("X-Powered-By"))
			}
			if !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
				continue
			}
			html++
			csp := h.Get("Content-Security-Policy")
			for _, want := range []string{"object-src 'none'", "frame-ancestors 'none'", "base-uri ", "script-src 'self'", "default-src 'self'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("%s as %q: CSP %q lacks %s", path, user, csp, want)
				}
			}
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "same-origin" {
				t.Errorf("%s as %q: headers %v", path, user, h)
			}
			if user != "" && resp.StatusCode == http.StatusOK && !strings.Contains(h.Get("Cache-Control"), "no-store") {
				t.Errorf("%s as %q: Cache-Control %q, want no-store", path, user, h.Get("Cache-Control"))
			}
		}
	}
	if html < 100 {
		t.Errorf("only %d HTML answers checked", html)
	}
	t.Logf("%d HTML answers checked", html)
}

// TestUploadLimits is T-UP-01 and T-UP-02 through the pages: an import
// over 32 MB and a form over 1 MB answer 413 and write nothing; a file
// named .xlsx whose bytes are an HTML page or an ELF program is refused as
// not a workbook.
func TestUploadLimits(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		staff := e.client("staff")
		upload := func(name string, content []byte) *http.Response {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			fw, _ := mw.CreateFormFile("file", name)
			fw.Write(content)
			mw.Close()
			req, _ := http.NewRequest("POST", e.srv.URL+"/enterprises/import", &b)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			resp, err := staff.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			return resp
		}
		resp := upload("big.xlsx", bytes.Repeat([]byte("PK"), 17<<20))
		if b := body(t, resp); resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("a 34 MB import: %d, want 413: %s", resp.StatusCode, regexp.MustCompile(`class="[^"]*error[^"]*"[^>]*>[^<]*`).FindAllString(b, -1))
		}
		for name, content := range map[string]string{
			"page.xlsx": "<!DOCTYPE html><html><script>alert(1)</script></html>",
			"prog.xlsx": "\x7fELF\x02\x01\x01\x00" + strings.Repeat("\x00", 200),
		} {
			resp := upload(name, []byte(content))
			if b := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "Excel") {
				t.Errorf("%s: %d", name, resp.StatusCode)
			}
		}
		if n := e.count(`SELECT COUNT(*) FROM enterprises`); n != 0 {
			t.Errorf("%d enterprises written", n)
		}

		before := e.count(`SELECT COUNT(*) FROM users`)
		resp, err := e.client("admin").PostForm(e.srv.URL+"/admin/users", url.Values{"username": {"big"}, "display_name": {strings.Repeat("大", 1<<19)}, "roles": {"staff"}, "region_code": {"341203"}})
		if err != nil {
			t.Fatal(err)
		}
		if body(t, resp); resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("a 1.5 MB form: %d, want 413", resp.StatusCode)
		}
		if after := e.count(`SELECT COUNT(*) FROM users`); after != before {
			t.Errorf("an oversized form created a user")
		}
	})
}
