package program_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/program"
	"kejiju/internal/web"
	"kejiju/internal/web/webtest"
)

// TestPagesAndAPI serves the area as app does and walks the pages and the
// idempotent API submit.
func TestPagesAndAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 2)
		for _, u := range []*auth.User{staff, chief, e.users[0], e.users[1]} {
			webtest.AddUser(t, d, u)
		}
		lg, _ := audit.New(audit.SM3)
		h := &program.Handlers{Service: e.s}
		site := webtest.Serve(t, d, lg, webtest.Area{Routes: []func(*web.Routes){h.Routes}, Nav: program.Nav(),
			Templates: []web.Templates{program.Templates()}, Keys: []string{"program"}})
		h.Web = site.Web
		call := e.districtCall(t)
		sc, ec, other := site.Login(staff), site.Login(e.users[0]), site.Login(e.users[1])
		for _, p := range []string{"/calls", "/calls/new", "/calls/" + strconv.FormatInt(call.ID, 10), "/calls/" + strconv.FormatInt(call.ID, 10) + "/edit", "/applications"} {
			if code, _ := sc.Get(p); code != http.StatusOK {
				t.Errorf("staff GET %s: %d", p, code)
			}
		}
		if code, page := ec.Get("/calls/" + strconv.FormatInt(call.ID, 10)); code != http.StatusOK || !strings.Contains(page, `data-testid="apply"`) {
			t.Errorf("enterprise call page: %d", code)
		}
		a, err := e.s.CreateDraft(context.Background(), e.users[0], call.ID)
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/applications/" + strconv.FormatInt(a.ID, 10)
		if code, _ := ec.JSON("PUT", path, `{"answers": {"project_name": "智能产线", "summary": "简介", "total_cost": "120万元", "tech_field": "电子信息"}}`); code != http.StatusOK {
			t.Fatalf("API save: %d", code)
		}
		// Attachments through the page's multipart upload.
		appPath := "/applications/" + strconv.FormatInt(a.ID, 10)
		upload := func(c *webtest.Client, slot, name string, data []byte) (int, string) {
			return c.Upload(appPath+"/attachments", url.Values{"slot": {slot}}, "file", name, data)
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
		if code, page := ec.Get(appPath); code != http.StatusOK || !strings.Contains(page, `href="`+lic+`"`) {
			t.Errorf("application page lists no download link: %d", code)
		}
		for _, c := range []*webtest.Client{ec, sc} {
			resp, err := c.Client.Get(site.URL + lic)
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
		if code, _ := other.Get(lic); code != http.StatusNotFound {
			t.Errorf("another enterprise downloads: %d", code)
		}
		if code, _ := other.JSON("POST", lic+"/delete", ""); code != http.StatusNotFound {
			t.Errorf("another enterprise deletes: %d", code)
		}
		if code, page := ec.Get("/applications/" + strconv.FormatInt(a.ID, 10)); code != http.StatusOK || !strings.Contains(page, "智能产线") {
			t.Errorf("enterprise application page: %d", code)
		}
		e.clock.set(t, "2026-09-10 10:00")
		sc, ec, other = site.Login(staff), site.Login(e.users[0]), site.Login(e.users[1]) // the sessions idled out
		for range 2 {
			if code, _ := ec.JSON("POST", path+"/submit", "", "Idempotency-Key", "k-123"); code != http.StatusOK {
				t.Errorf("API submit: %d", code)
			}
		}
		if n := count(t, d, `SELECT COUNT(*) FROM workflow_history WHERE object_id = $1`, a.ID); n != 1 {
			t.Errorf("two API submits with one key: %d history rows", n)
		}
		if code, _ := other.Get("/applications/" + strconv.FormatInt(a.ID, 10)); code != http.StatusNotFound {
			t.Errorf("another enterprise GETs the application: %d", code)
		}
		if code, _ := other.JSON("POST", path+"/actions/withdraw", `{"reason": "x"}`); code != http.StatusNotFound {
			t.Errorf("another enterprise acts: %d", code)
		}
		if code, _ := sc.JSON("POST", path+"/actions/receive", ""); code != http.StatusOK {
			t.Errorf("staff receive: %d", code)
		}
		if code, page := sc.Get("/applications/" + strconv.FormatInt(a.ID, 10)); code != http.StatusOK || !strings.Contains(page, `data-testid="action-return"`) {
			t.Errorf("staff application page: %d", code)
		}
	})
}
