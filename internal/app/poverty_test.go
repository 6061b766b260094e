package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"kejiju/internal/app"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/ident"
)

// residentID returns a valid (synthetic) resident ID number of someone
// born in 颍东区 on birth (YYYYMMDD) with sequence number seq.
func residentID(birth string, seq int) string {
	first17 := fmt.Sprintf("341203%s%03d", birth, seq)
	c, err := ident.ResidentIDCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}

// lockedBuffer is a log sink the server's goroutines may share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newLoggedEnv is newEnv with the server's log, at debug level, kept in
// logs.
func newLoggedEnv(t *testing.T, d *db.DB, logs io.Writer) *env {
	t.Helper()
	ctx := context.Background()
	a, err := app.New(app.Config{DataDir: t.TempDir(), BureauName: "测试科技局"}, d, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Bootstrap(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, in := range []auth.UserInput{
		{Username: "staff", DisplayName: "张科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"},
		{Username: "director", DisplayName: "王局长", Roles: []auth.Role{auth.Director}, RegionCode: "341203"},
		{Username: "other", DisplayName: "外区科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341202"},
		{Username: "assistant", DisplayName: "冉庙乡助理员", Roles: []auth.Role{auth.Assistant}, RegionCode: "341203200"},
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

func post(t *testing.T, c *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body(t, resp)
}

// getOK reads the page at u, which must answer 200.
func getOK(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, b := get(t, c, u)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %.300s", u, resp.StatusCode, b)
	}
	return b
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body(t, resp)
}

// TestPovertyPages walks the registry through the pages: a wrong check
// digit is refused naming the field; the household page shows masked IDs
// only, the director's 查看 with a reason shows one in clear, staff may not;
// a change request is drafted and submitted by staff, refused to its
// author and approved by the director; a project is recorded. No ID number
// reaches the server's log.
func TestPovertyPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		var logs lockedBuffer
		e := newLoggedEnv(t, d, &logs)
		staff, director, other := e.client("staff"), e.client("director"), e.client("other")
		head, member := residentID("19580312", 11), residentID("19881103", 102)
		bad := head[:17] + map[bool]string{true: "0", false: "1"}[head[17] != '0']

		resp, page := post(t, staff, e.srv.URL+"/poverty/households", url.Values{"region_code": {"341203200205"}, "head_name": {"李德贵"},
			"head_id": {bad}, "members_count": {"2"}, "cause_code": {"ILLNESS"}, "status": {"not_out"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "户主身份证号") {
			t.Fatalf("wrong check digit: %d, page names the field: %v", resp.StatusCode, strings.Contains(page, "户主身份证号"))
		}
		if n := e.count(`SELECT COUNT(*) FROM poverty_households`); n != 0 {
			t.Fatalf("%d households written by refused input", n)
		}
		resp, _ = post(t, staff, e.srv.URL+"/poverty/households", url.Values{"region_code": {"341203200205"}, "head_name": {"李德贵"},
			"head_id": {head}, "phone": {"13855811200"}, "members_count": {"2"}, "cause_code": {"ILLNESS"}, "status": {"not_out"}, "cadre": {"王局长"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", resp.StatusCode)
		}
		hh := resp.Header.Get("Location")
		resp, page = post(t, staff, e.srv.URL+hh+"/members", url.Values{"name": {"李小军"}, "relation": {"子女"}, "resident_id": {member[:17] + "X"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "身份证号") {
			t.Errorf("member with a bad number: %d", resp.StatusCode)
		}
		if resp, _ = post(t, staff, e.srv.URL+hh+"/members", url.Values{"name": {"李小军"}, "relation": {"子女"}, "resident_id": {member}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("member: %d", resp.StatusCode)
		}

		_, page = get(t, staff, e.srv.URL+hh)
		if strings.Contains(page, head) || strings.Contains(page, member) || !strings.Contains(page, ident.MaskResidentID(head)) ||
			!strings.Contains(page, ident.MaskResidentID(member)) || !strings.Contains(page, "138****1200") {
			t.Errorf("staff's household page does not show the masked values only")
		}
		if strings.Contains(page, `data-testid="reveal-head_id"`) {
			t.Error("staff is offered 查看")
		}
		if resp, _ := post(t, staff, e.srv.URL+hh+"/reveal", url.Values{"field": {"head_id"}, "reason": {"入户核实户籍信息"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("staff reveal: %d, want 403", resp.StatusCode)
		}
		_, page = get(t, director, e.srv.URL+hh)
		if !strings.Contains(page, `data-testid="reveal-head_id"`) || strings.Contains(page, head) {
			t.Error("the director's page lacks 查看 or shows the number")
		}
		resp, page = post(t, director, e.srv.URL+hh+"/reveal", url.Values{"field": {"head_id"}, "reason": {""}})
		if resp.StatusCode != http.StatusUnprocessableEntity || strings.Contains(page, head) || !strings.Contains(page, "事由") {
			t.Errorf("reveal without a reason: %d", resp.StatusCode)
		}
		resp, page = post(t, director, e.srv.URL+hh+"/reveal", url.Values{"field": {"head_id"}, "reason": {"入户核实户籍信息"}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, head) || strings.Contains(page, member) || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("reveal: %d, shows the head's number %v, cache %q", resp.StatusCode, strings.Contains(page, head), resp.Header.Get("Cache-Control"))
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'poverty.reveal' AND reason = '入户核实户籍信息'`); n != 1 {
			t.Errorf("%d reveals audited with the reason, want 1", n)
		}
		if resp, _ := get(t, other, e.srv.URL+hh); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another district's staff: %d, want 404", resp.StatusCode)
		}
		if resp, _ := get(t, e.client("assistant"), e.srv.URL+"/poverty/households"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a township assistant: %d, want 403", resp.StatusCode)
		}

		// Lookup by a member's number, as a POST.
		if resp, _ := post(t, staff, e.srv.URL+"/poverty/lookup", url.Values{"id_number": {member}}); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != hh {
			t.Errorf("lookup: %d to %q, want %s", resp.StatusCode, resp.Header.Get("Location"), hh)
		}

		// A change request: staff drafts and submits, the director approves.
		resp, _ = post(t, staff, e.srv.URL+hh+"/changes", url.Values{"new_members_count": {"3"}, "new_head_name": {""}, "reason": {"孙女出生落户"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("change: %d", resp.StatusCode)
		}
		ch := resp.Header.Get("Location")
		if resp, _ := post(t, staff, e.srv.URL+ch+"/actions/submit", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit: %d", resp.StatusCode)
		}
		if resp, _ := post(t, staff, e.srv.URL+ch+"/actions/approve", nil); resp.StatusCode != http.StatusConflict {
			t.Errorf("the author approving: %d, want 409", resp.StatusCode)
		}
		if resp, _ := post(t, director, e.srv.URL+ch+"/actions/approve", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d", resp.StatusCode)
		}
		_, page = get(t, staff, e.srv.URL+ch)
		if !strings.Contains(page, "已批准") || !strings.Contains(page, "王局长") || !strings.Contains(page, "张科员") {
			t.Error("the change page lacks its state or its history")
		}
		if n := e.count(`SELECT members_count FROM poverty_households`); n != 3 {
			t.Errorf("members_count %d after approval, want 3", n)
		}

		// A project.
		resp, _ = post(t, staff, e.srv.URL+"/poverty/projects", url.Values{"year": {"2026"}, "title": {"梧樟村食用菌科技扶贫项目"}, "funds": {"8.5万元"},
			"townships": {"341203200"}, "households": {"8"}, "people": {"21"}, "collective_income": {"2.4万元"}, "progress": {"60"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("project: %d", resp.StatusCode)
		}
		_, page = get(t, staff, e.srv.URL+"/poverty/projects")
		if !strings.Contains(page, "梧樟村食用菌科技扶贫项目") || !strings.Contains(page, "冉庙乡") || !strings.Contains(page, "8.50") {
			t.Error("the project list lacks the project, its township or its funds")
		}

		proj := resp.Header.Get("Location")

		// A commissioner: registered, appointed, a training logged.
		resp, _ = post(t, staff, e.srv.URL+"/poverty/commissioners", url.Values{"name": {"陈立农"}, "level": {"province"}, "expertise": {"食用菌栽培"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("commissioner: %d", resp.StatusCode)
		}
		cm := resp.Header.Get("Location")
		year := fmt.Sprint(time.Now().Year())
		if resp, _ := post(t, staff, e.srv.URL+cm+"/terms", url.Values{"year": {year}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("appoint: %d", resp.StatusCode)
		}
		if resp, page := post(t, staff, e.srv.URL+cm+"/services", url.Values{"served_on": {time.Now().Format("2006-01-02")}, "kind": {"training"},
			"topic": {"菌棒制作"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "培训人数") {
			t.Errorf("a training without trainees: %d", resp.StatusCode)
		}
		if resp, _ := post(t, staff, e.srv.URL+cm+"/services", url.Values{"served_on": {time.Now().AddDate(0, 0, -1).Format("2006-01-02")}, "kind": {"training"},
			"topic": {"菌棒制作"}, "trainees": {"30"}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("a training: %d", resp.StatusCode)
		}

		// Every page renders, in both languages.
		for _, p := range []string{"/poverty/households", "/poverty/households?status=not_out&cause=ILLNESS&village=341203200205", "/poverty/households/new",
			hh, "/poverty/changes", "/poverty/changes?state=approved", ch, "/poverty/projects", "/poverty/projects/new", proj,
			"/poverty/commissioners", cm} {
			for _, lang := range []string{"zh-CN", "en"} {
				req, _ := http.NewRequest("GET", e.srv.URL+p, nil)
				req.AddCookie(&http.Cookie{Name: "kejiju_lang", Value: lang})
				resp, err := director.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				if page := body(t, resp); resp.StatusCode != http.StatusOK || strings.Contains(page, "poverty.") {
					t.Errorf("GET %s (%s): %d, untranslated key: %v", p, lang, resp.StatusCode, strings.Contains(page, "poverty."))
				}
			}
		}

		for _, id := range []string{head, member, bad} {
			if strings.Contains(logs.String(), id) {
				t.Errorf("the server log holds the ID number %s", ident.MaskResidentID(id))
			}
		}
	})
}

// TestPovertyAPI: the same registry through /api/v1 with bearer tokens.
func TestPovertyAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		staff, director := e.token("staff"), e.token("director")
		head := residentID("19621120", 13)
		code, out := apiDo(t, e, "POST", "/api/v1/poverty/households", staff, fmt.Sprintf(`{"region_code":"341203200205","head_name":"张守田","head_id":%q,
			"members_count":2,"cause_code":"LACK_SKILLS","cadre":"张三"}`, head))
		if code != http.StatusCreated || out["head_id_masked"] != ident.MaskResidentID(head) {
			t.Fatalf("create: %d %v", code, out)
		}
		id := int64(out["id"].(float64))
		code, out = apiDo(t, e, "POST", "/api/v1/poverty/households", staff, fmt.Sprintf(`{"region_code":"341203200205","head_name":"重号","head_id":%q,
			"members_count":1,"cause_code":"ILLNESS"}`, head[:17]+"Y"))
		if fields, _ := out["error"].(map[string]any)["fields"].(map[string]any); code != http.StatusUnprocessableEntity || fields["head_id"] == nil {
			t.Errorf("bad number: %d %v", code, out)
		}
		code, out = apiDo(t, e, "POST", fmt.Sprintf("/api/v1/poverty/households/%d/reveal", id), director, `{"field":"head_id","reason":""}`)
		if fields, _ := out["error"].(map[string]any)["fields"].(map[string]any); code != http.StatusUnprocessableEntity || fields["reason"] == nil {
			t.Errorf("reveal without a reason: %d %v", code, out)
		}
		code, out = apiDo(t, e, "POST", fmt.Sprintf("/api/v1/poverty/households/%d/reveal", id), director, `{"field":"head_id","reason":"核对低保申请材料"}`)
		if code != http.StatusOK || out["value"] != head {
			t.Errorf("reveal: %d %v", code, out)
		}
		if code, _ := apiDo(t, e, "POST", fmt.Sprintf("/api/v1/poverty/households/%d/reveal", id), staff, `{"field":"head_id","reason":"核对低保申请材料"}`); code != http.StatusForbidden {
			t.Errorf("staff reveal: %d, want 403", code)
		}
		code, out = apiDo(t, e, "POST", "/api/v1/poverty/lookup", staff, fmt.Sprintf(`{"id_number":%q}`, head))
		if code != http.StatusOK || int64(out["id"].(float64)) != id {
			t.Errorf("lookup: %d %v", code, out)
		}
		code, out = apiDo(t, e, "POST", fmt.Sprintf("/api/v1/poverty/households/%d/changes", id), staff, `{"fields":{"status":"out","status_on":"2026-10-31"},"reason":"验收脱贫"}`)
		if code != http.StatusCreated {
			t.Fatalf("change: %d %v", code, out)
		}
		ch := int64(out["id"].(float64))
		for _, step := range []struct {
			tok, action string
			want        int
		}{{staff, "submit", 200}, {staff, "approve", 409}, {director, "approve", 200}} {
			if code, out := apiDo(t, e, "POST", fmt.Sprintf("/api/v1/poverty/changes/%d/actions/%s", ch, step.action), step.tok, `{}`); code != step.want {
				t.Errorf("%s: %d %v, want %d", step.action, code, out, step.want)
			}
		}
		code, out = apiDo(t, e, "GET", fmt.Sprintf("/api/v1/poverty/households/%d", id), staff, "")
		if code != http.StatusOK || out["status"] != "out" || len(out["changes"].([]any)) != 1 || strings.Contains(fmt.Sprint(out), head) {
			t.Errorf("record: %d %v", code, out)
		}
		code, out = apiDo(t, e, "POST", "/api/v1/poverty/projects", staff, `{"year":2026,"title":"科技特派员指导肉牛养殖","funds":"5万元","townships":["341203200"],"households":6,"people":15}`)
		if code != http.StatusCreated {
			t.Fatalf("project: %d %v", code, out)
		}
		code, out = apiDo(t, e, "GET", "/api/v1/poverty/projects", staff, "")
		if totals, _ := out["totals"].(map[string]any); code != http.StatusOK || totals["people"] != float64(15) {
			t.Errorf("projects: %d %v", code, out)
		}
	})
}
