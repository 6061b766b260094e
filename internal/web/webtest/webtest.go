// Package webtest serves an area's pages in a test as the app serves them —
// the shell's login, sessions and templates — and gives each test user a
// client, so that an area's HTTP tests need no copy of that set-up.
package webtest

import (
	"bytes"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/web"
)

// Password is every test user's password.
const Password = "Ceshi#Mima2026"

// hash is Password hashed once: argon2id is slow on purpose.
var hash = sync.OnceValue(func() string { return auth.HashPassword(Password) })

// AddUser inserts u, with Password and its roles, as it is (its ID too).
func AddUser(t testing.TB, d *db.DB, u *auth.User) {
	t.Helper()
	var ent any
	if u.EnterpriseID > 0 {
		ent = u.EnterpriseID
	}
	if _, err := d.Exec(`INSERT INTO users (id, username, display_name, region_code, enterprise_id, password_hash, password_changed_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7)`, u.ID, u.Username, u.DisplayName, u.RegionCode, ent, hash(), d.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	for _, r := range u.Roles {
		if _, err := d.Exec(`INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, u.ID, string(r)); err != nil {
			t.Fatal(err)
		}
	}
}

// Area is what areas give the web server: their routes, menu entries and
// templates, and the prefixes of their message keys.
type Area struct {
	Routes    []func(*web.Routes)
	Nav       []web.NavItem
	Templates []web.Templates
	// Keys are the prefixes of the areas' message keys ("award"); a page
	// that shows one of them, or a shared one (field, nav, error,
	// workflow), as itself lacks a translation and fails the test.
	Keys []string
}

// Site is the areas served over d on a local port until the test ends.
type Site struct {
	t      *testing.T
	URL    string
	Web    *web.Server // for the handlers' Web field
	Auth   *auth.Service
	rawKey *regexp.Regexp
}

// Serve serves a over d, its logins audited to lg. Set the handlers' Web
// field to the site's Web before the first request.
func Serve(t *testing.T, d *db.DB, lg *audit.Log, a Area) *Site {
	t.Helper()
	key, err := auth.LoadOrCreateKey(filepath.Join(t.TempDir(), "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := auth.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	as := &auth.Service{DB: d, Audit: lg, Keys: keys, Policy: auth.DefaultPolicy}
	routes := &web.Routes{}
	for _, add := range a.Routes {
		add(routes)
	}
	s, err := web.New(web.Config{BureauName: "测试区科技局"}, as, routes, a.Nav, a.Templates,
		slog.New(slog.NewTextHandler(io.Discard, nil)), func() bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	prefixes := append([]string{"field", "nav", "error", "workflow"}, a.Keys...)
	return &Site{t: t, URL: srv.URL, Web: s, Auth: as,
		rawKey: regexp.MustCompile(`\b(` + strings.Join(prefixes, "|") + `)\.[a-z_]+(\.[a-z_]+)*\b`)}
}

// Client is one user's browser: it keeps its cookies and does not follow
// redirects, so a test sees each 303 and where it points.
type Client struct {
	*http.Client
	site *Site
}

// Login signs u in with Password and fails the test unless the login lands
// on the home page.
func (s *Site) Login(u *auth.User) *Client {
	s.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &Client{Client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, site: s}
	if code, to, _ := c.Post("/login", url.Values{"username": {u.Username}, "password": {Password}}); code != http.StatusSeeOther || to != "/" {
		s.t.Fatalf("login %s: %d to %q", u.Username, code, to)
	}
	return c
}

// Get returns the status and body of path. An HTML page that shows a
// message key as itself fails the test.
func (c *Client) Get(path string) (int, string) {
	c.site.t.Helper()
	resp, err := c.Client.Get(c.site.URL + path)
	if err != nil {
		c.site.t.Fatal(err)
	}
	page := c.read(resp)
	if k := c.site.rawKey.FindString(page); k != "" && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		c.site.t.Errorf("GET %s shows the key %s", path, k)
	}
	return resp.StatusCode, page
}

// Post submits a form and returns the status, the redirect target and the
// body.
func (c *Client) Post(path string, form url.Values) (int, string, string) {
	c.site.t.Helper()
	resp, err := c.PostForm(c.site.URL+path, form)
	if err != nil {
		c.site.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Location"), c.read(resp)
}

// JSON sends body as JSON with method, and header pairs (name, value…);
// it returns the status and the body.
func (c *Client) JSON(method, path, body string, header ...string) (int, string) {
	c.site.t.Helper()
	req, err := http.NewRequest(method, c.site.URL+path, strings.NewReader(body))
	if err != nil {
		c.site.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		c.site.t.Fatal(err)
	}
	return resp.StatusCode, c.read(resp)
}

func (c *Client) read(resp *http.Response) string {
	c.site.t.Helper()
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		c.site.t.Fatal(err)
	}
	return string(b)
}

// Upload posts a multipart form: fields, and data as the file of field
// file named name. It returns the status and the body.
func (c *Client) Upload(path string, fields url.Values, file, name string, data []byte) (int, string) {
	c.site.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, err := mw.CreateFormFile(file, name)
	if err == nil {
		_, err = fw.Write(data)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		c.site.t.Fatal(err)
	}
	resp, err := c.Client.Post(c.site.URL+path, mw.FormDataContentType(), &b)
	if err != nil {
		c.site.t.Fatal(err)
	}
	return resp.StatusCode, c.read(resp)
}
