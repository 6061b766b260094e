package program_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
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
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/program"
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

var rawKey = regexp.MustCompile(`\b(program|field|nav|error|workflow)\.[a-z_]+(\.[a-z_]+)*\b`)

// TestPagesAndAPI serves the area as app does and walks the pages and the
// idempotent API submit.
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
		h := &program.Handlers{Service: e.s}
		routes := &web.Routes{}
		h.Routes(routes)
		s, err := web.New(web.Config{BureauName: "测试区科技局"}, as, routes, program.Nav(), []web.Templates{program.Templates()},
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
		do := func(c *http.Client, method, path, body string, hdr ...string) int {
			req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if len(hdr) == 2 {
				req.Header.Set(hdr[0], hdr[1])
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		call := e.districtCall(t)
		sc, ec, other := login(staff), login(e.users[0]), login(e.users[1])
		for _, p := range []string{"/calls", "/calls/new", "/calls/" + strconv.FormatInt(call.ID, 10), "/calls/" + strconv.FormatInt(call.ID, 10) + "/edit", "/applications"} {
			if code, _ := get(sc, p); code != http.StatusOK {
				t.Errorf("staff GET %s: %d", p, code)
			}
		}
		if code, page := get(ec, "/calls/"+strconv.FormatInt(call.ID, 10)); code != http.StatusOK || !strings.Contains(page, `data-testid="apply"`) {
			t.Errorf("enterprise call page: %d", code)
		}
		a, err := e.s.CreateDraft(context.Background(), e.users[0], call.ID)
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/applications/" + strconv.FormatInt(a.ID, 10)
		if code := do(ec, "PUT", path, `{"answers": {"project_name": "智能产线", "summary": "简介", "total_cost": "120万元", "tech_field": "电子信息"}}`); code != http.StatusOK {
			t.Fatalf("API save: %d", code)
		}
		// Attachments through the page's multipart upload.
		appPath := "/applications/" + strconv.FormatInt(a.ID, 10)
		upload := func(c *http.Client, slot, name string, data []byte) (int, string) {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			mw.WriteField("slot", slot)
			fw, _ := mw.CreateFormFile("file", name)
			fw.Write(data)
			mw.Close()
			req, _ := http.NewRequest("POST", srv.URL+appPath+"/attachments", &b)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp.StatusCode, string(body)
		}
		if code, _ := upload(ec, "license", "营业执照.pdf", pdf("执照")); code != http.StatusSeeOther {
			t.Fatalf("upload: %d", code)
		}
		if code, page := upload(ec, "budget_sheet", "预算.pdf", []byte("<html><script>alert(1)</script></html>")); code != http.StatusUnprocessableEntity ||
			!strings.Contains(page, `data-testid="error-attachment_budget_sheet"`) {
			t.Errorf("HTML upload: %d", code)
		}
		if code, _ := upload(other, "license", "x.pdf", pdf("x")); code != http.StatusNotFound {
			t.Errorf("another enterprise uploads: %d", code)
		}
		if code, _ := upload(ec, "budget_sheet", "预算.xlsx", ooxml(t, "xl/", false)); code != http.StatusSeeOther {
			t.Fatalf("upload xlsx: %d", code)
		}
		fs, err := e.s.Attachments(context.Background(), staff, a.ID)
		if err != nil || len(fs) != 2 {
			t.Fatalf("attachments: %v %d", err, len(fs))
		}
		lic := "/attachments/" + strconv.FormatInt(fs[1].ID, 10)
		if fs[1].Slot != "license" {
			t.Fatalf("order: %+v", fs)
		}
		if code, page := get(ec, appPath); code != http.StatusOK || !strings.Contains(page, `href="`+lic+`"`) {
			t.Errorf("application page lists no download link: %d", code)
		}
		for _, c := range []*http.Client{ec, sc} {
			resp, err := c.Get(srv.URL + lic)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" ||
				resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
				!strings.Contains(resp.Header.Get("Content-Disposition"), "filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.pdf") ||
				!bytes.Equal(body, pdf("执照")) {
				t.Errorf("download: %d %v", resp.StatusCode, resp.Header)
			}
		}
		if code, _ := get(other, lic); code != http.StatusNotFound {
			t.Errorf("another enterprise downloads: %d", code)
		}
		if code := do(other, "POST", lic+"/delete", ""); code != http.StatusNotFound {
			t.Errorf("another enterprise deletes: %d", code)
		}
		if code, page := get(ec, "/applications/"+strconv.FormatInt(a.ID, 10)); code != http.StatusOK || !strings.Contains(page, "智能产线") {
			t.Errorf("enterprise application page: %d", code)
		}
		e.clock.set(t, "2026-09-10 10:00")
		sc, ec, other = login(staff), login(e.users[0]), login(e.users[1]) // the sessions idled out
		for range 2 {
			if code := do(ec, "POST", path+"/submit", "", "Idempotency-Key", "k-123"); code != http.StatusOK {
				t.Errorf("API submit: %d", code)
			}
		}
		if n := count(t, d, `SELECT COUNT(*) FROM workflow_history WHERE object_id = $1`, a.ID); n != 1 {
			t.Errorf("two API submits with one key: %d history rows", n)
		}
		if code, _ := get(other, "/applications/"+strconv.FormatInt(a.ID, 10)); code != http.StatusNotFound {
			t.Errorf("another enterprise GETs the application: %d", code)
		}
		if code := do(other, "POST", path+"/actions/withdraw", `{"reason": "x"}`); code != http.StatusNotFound {
			t.Errorf("another enterprise acts: %d", code)
		}
		if code := do(sc, "POST", path+"/actions/receive", ""); code != http.StatusOK {
			t.Errorf("staff receive: %d", code)
		}
		if code, page := get(sc, "/applications/"+strconv.FormatInt(a.ID, 10)); code != http.StatusOK || !strings.Contains(page, `data-testid="action-return"`) {
			t.Errorf("staff application page: %d", code)
		}
	})
}
