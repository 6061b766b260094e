package hightech_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/enterprise"
	"kejiju/internal/hightech"
	"kejiju/internal/web"
)

const testPassword = "Ceshi#Mima2026"

type site struct {
	*env
	srv  *httptest.Server
	auth *auth.Service
}

// serve starts the web server with the enterprise and hightech areas (as
// app wires them), and the users staff, viewer and, for the enterprise
// own, qiye.
func serve(t *testing.T, e *env, own int64) *site {
	t.Helper()
	ctx := context.Background()
	key, err := auth.LoadOrCreateKey(filepath.Join(t.TempDir(), "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := auth.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	as := &auth.Service{DB: e.d, Audit: e.lg, Keys: keys, Policy: auth.DefaultPolicy, Issuer: "测试科技局"}
	if err := as.LoadPolicy(ctx); err != nil {
		t.Fatal(err)
	}
	for _, in := range []auth.UserInput{
		{Username: "staff", DisplayName: "张科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"},
		{Username: "viewer", DisplayName: "市局", Roles: []auth.Role{auth.CityViewer}, RegionCode: "341200"},
		{Username: "qiye", DisplayName: "企业", Roles: []auth.Role{auth.Enterprise}, RegionCode: "341203", EnterpriseID: own},
	} {
		in.Password = testPassword
		if _, _, err := as.CreateUser(ctx, nil, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.d.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE`); err != nil {
		t.Fatal(err)
	}
	routes := &web.Routes{}
	ent := &enterprise.Handlers{Service: e.es, Regions: e.rs}
	ent.Routes(routes)
	ht := &hightech.Handlers{Service: e.s, Regions: e.rs}
	ht.Routes(routes)
	s, err := web.New(web.Config{BureauName: "测试科技局"}, as, routes, append(enterprise.Nav(), hightech.Nav()...),
		[]web.Templates{enterprise.Templates(), hightech.Templates()}, slog.New(slog.NewTextHandler(io.Discard, nil)), func() bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	ent.Web, ht.Web = s, s
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &site{env: e, srv: srv, auth: as}
}

// client returns a browser logged in as user that does not follow
// redirects.
func (s *site) client(user string) *http.Client {
	s.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(s.srv.URL+"/login", url.Values{"username": {user}, "password": {testPassword}})
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		s.t.Fatalf("login %s: %d to %q", user, resp.StatusCode, resp.Header.Get("Location"))
	}
	return c
}

func (s *site) token(user string) string {
	s.t.Helper()
	u, err := s.auth.UserByName(context.Background(), user)
	if err != nil {
		s.t.Fatal(err)
	}
	tok, _, err := s.auth.IssueToken(context.Background(), nil, u.ID, "test", 0)
	if err != nil {
		s.t.Fatal(err)
	}
	return tok
}

// api calls the API with a bearer token (and a language cookie when lang
// is set) and decodes the answer into out.
func (s *site) api(path, token, lang string, out any) int {
	s.t.Helper()
	req, _ := http.NewRequest("GET", s.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if lang != "" {
		req.AddCookie(&http.Cookie{Name: "kejiju_lang", Value: lang})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode == 200 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			s.t.Fatal(err)
		}
	}
	return resp.StatusCode
}

// get fetches a page and returns its status, body and redirect target.
func get(t *testing.T, c *http.Client, u string) (int, string, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, string, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

func TestPrecheckPageAndAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		id := e.add(1, "341203200", 9)
		mine := e.add(2, "341203200", 20)
		s := serve(t, e, mine)
		page := fmt.Sprintf("%s/enterprises/%d/precheck", s.srv.URL, id)

		// The JSON names the failing conditions, with the keys and the words.
		var out struct {
			HTE  hightech.HTEResult `json:"hte"`
			SME  hightech.SMEResult `json:"sme"`
			Text struct {
				HTE hightech.TextHTE `json:"hte"`
				SME hightech.TextSME `json:"sme"`
			} `json:"text"`
			Lang string `json:"lang"`
		}
		staffToken := s.token("staff")
		if code := s.api(fmt.Sprintf("/api/v1/enterprises/%d/precheck?on=2026-06-03", id), staffToken, "", &out); code != 200 {
			t.Fatalf("API pre-check: %d", code)
		}
		c4 := out.Text.HTE.Conditions[3]
		if !slices.Equal(out.Text.HTE.Failing, []string{"C4", "C8"}) || c4.Pass || c4.Name != "科技人员占比" ||
			!strings.Contains(c4.Explain[0], "科技人员占比9.0%（9/100），低于10%") {
			t.Errorf("API pre-check in Chinese: failing %v, C4 %+v", out.Text.HTE.Failing, c4)
		}
		if k := out.HTE.Conditions[3].Explain[0].Key; k != "hightech.c4.low" || out.Lang != "zh-CN" {
			t.Errorf("raw key %q, lang %q", k, out.Lang)
		}
		if out.Text.SME.BasisText == "" || out.SME.RuleID != "sme-2017" {
			t.Errorf("SME in the API: %+v", out.Text.SME)
		}
		if code := s.api(fmt.Sprintf("/api/v1/enterprises/%d/precheck?on=2026-06-03", id), staffToken, "en", &out); code != 200 ||
			out.Lang != "en" || out.Text.HTE.Conditions[3].Name != "Share of S&T personnel" ||
			!strings.Contains(out.Text.HTE.Conditions[3].Explain[0], "S&T personnel are 9.0% of employees (9/100), below 10%") {
			t.Errorf("API pre-check in English: %d %q %+v", code, out.Lang, out.Text.HTE.Conditions[3])
		}
		if code := s.api(fmt.Sprintf("/api/v1/enterprises/%d/precheck?on=bad", id), staffToken, "", nil); code != 422 {
			t.Errorf("bad date: %d", code)
		}

		// The page.
		staff := s.client("staff")
		code, body, _ := get(t, staff, page+"?on=2026-06-03")
		if code != 200 || !strings.Contains(body, `data-testid="cond-C4" data-pass="false"`) || !strings.Contains(body, `data-testid="cond-C1" data-pass="true"`) {
			t.Fatalf("pre-check page: %d\n%s", code, body)
		}
		if i := strings.Index(body, `data-testid="hte-failing"`); i < 0 || !strings.Contains(body[i:i+300], "C4 科技人员占比") || !strings.Contains(body[i:i+400], "C8") {
			t.Errorf("the page does not name the failing conditions")
		}
		for _, want := range []string{"还需增加科技人员", "企业创新能力评价", "科技型中小企业评价", `data-testid="record"`, "尚未录入专家评分"} {
			if !strings.Contains(body, want) {
				t.Errorf("pre-check page lacks %q", want)
			}
		}
		// Trying the panel's scores shows C8 met; nothing is stored.
		try := url.Values{"on": {"2026-06-03"}, "ip_advancement": {"7"}, "ip_core_support": {"7"}, "ip_quantity": {"7"}, "ip_acquisition": {"5"},
			"org_management": {"5"}, "org_institution": {"5"}, "org_conversion": {"3"}, "org_talent": {"3"}}
		code, body, _ = get(t, staff, page+"?"+try.Encode())
		if code != 200 || !strings.Contains(body, `data-testid="cond-C8" data-pass="true"`) || e.count(`SELECT COUNT(*) FROM rule_evaluations`) != 0 {
			t.Errorf("trying scores: %d", code)
		}
		// Recording: a score out of range comes back with its error.
		bad := url.Values{"ip_advancement": {"9"}}
		if code, body, _ := post(t, staff, page, bad); code != 422 || !strings.Contains(body, "应为0–8之间的整数") {
			t.Errorf("bad score: %d", code)
		}
		try.Del("on")
		if code, _, loc := post(t, staff, page, try); code != 303 || loc != fmt.Sprintf("/enterprises/%d/precheck", id) {
			t.Fatalf("record: %d to %q", code, loc)
		}
		if _, body, _ = get(t, staff, page); strings.Count(body, `data-replay="true"`) != 2 {
			t.Errorf("the recorded evaluations do not show as replayed")
		}

		// The enterprise sees its own pre-check only, and records nothing.
		qiye := s.client("qiye")
		if code, _, _ := get(t, qiye, fmt.Sprintf("%s/enterprises/%d/precheck", s.srv.URL, mine)); code != 200 {
			t.Errorf("own pre-check: %d", code)
		}
		if code, _, _ := get(t, qiye, page); code != 404 {
			t.Errorf("another enterprise's pre-check: %d, want 404", code)
		}
		if code, _, _ := post(t, qiye, fmt.Sprintf("%s/enterprises/%d/precheck", s.srv.URL, mine), try); code != 403 {
			t.Errorf("enterprise records: %d, want 403", code)
		}
		if code, _, loc := get(t, qiye, s.srv.URL+"/hightech"); code != 303 || loc != fmt.Sprintf("/enterprises/%d/precheck", mine) {
			t.Errorf("enterprise opens the board: %d to %q", code, loc)
		}
		if code, body, _ := get(t, qiye, fmt.Sprintf("%s/enterprises/%d/precheck", s.srv.URL, mine)); code != 200 || strings.Contains(body, `data-testid="record"`) ||
			strings.Contains(body, "/hightech/enterprises/") {
			t.Errorf("the enterprise's page offers staff actions")
		}
	})
}

func TestPipelinePages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		id := e.add(1, "341203200", 20)
		e.add(2, "341203001", 20)
		s := serve(t, e, id)
		staff := s.client("staff")
		base := fmt.Sprintf("%s/hightech/enterprises/%d", s.srv.URL, id)

		if code, body, _ := get(t, staff, base); code != 200 || !strings.Contains(body, `data-testid="enter-form"`) || !strings.Contains(body, "首次申报") {
			t.Fatalf("pipeline page: %d\n%s", code, body)
		}
		if code, body, _ := post(t, staff, base+"/pool", url.Values{"entered_on": {"2026-06-01"}, "reason": {""}}); code != 422 || !strings.Contains(body, "此项为必填项") {
			t.Errorf("enter without reason: %d", code)
		}
		if code, _, loc := post(t, staff, base+"/pool", url.Values{"entered_on": {"2026-06-01"}, "reason": {"研发投入高，拟培育"}}); code != 303 || loc != "/hightech/enterprises/"+fmt.Sprint(id) {
			t.Errorf("enter: %d to %q", code, loc)
		}
		if code, body, _ := post(t, staff, base+"/pool", url.Values{"entered_on": {"2026-06-02"}, "reason": {"再次"}}); code != 422 || !strings.Contains(body, "已在培育库中") {
			t.Errorf("enter twice: %d", code)
		}
		if code, _, _ := post(t, staff, base+"/applications", url.Values{"year": {"2026"}, "batch": {"1"}}); code != 303 {
			t.Errorf("apply: %d", code)
		}
		if code, body, _ := post(t, staff, base+"/applications", url.Values{"year": {"2026"}, "batch": {"2"}}); code != 422 || !strings.Contains(body, "2026年度已有申报记录") {
			t.Errorf("apply twice: %d", code)
		}
		apps, _ := e.s.Applications(context.Background(), staff0(), 2026, "")
		decide := fmt.Sprintf("%s/hightech/applications/%d/decide", s.srv.URL, apps[0].ID)
		if code, body, _ := post(t, staff, decide, url.Values{"status": {"recognized"}, "certificate_no": {"GR2026"}, "decided_on": {"2026-06-10"}}); code != 422 ||
			!strings.Contains(body, `data-testid="decide-`) || !strings.Contains(body, "field-error") {
			t.Errorf("decide with a bad number: %d", code)
		}
		if code, _, _ := post(t, staff, decide, url.Values{"status": {"recognized"}, "certificate_no": {"GR202634000123"}, "decided_on": {"2026-06-10"}}); code != 303 {
			t.Errorf("decide: %d", code)
		}
		if code, _, _ := post(t, staff, base+"/awards", url.Values{"award_year": {"2026"}, "kind": {"first_recognition"}, "amount": {"10"}, "award_note": {"区级奖励"}}); code != 303 {
			t.Errorf("award: %d", code)
		}
		if code, body, _ := post(t, staff, base+"/awards", url.Values{"award_year": {"2026"}, "kind": {"performance"}}); code != 422 || !strings.Contains(body, "此项为必填项") {
			t.Errorf("performance award without result: %d", code)
		}
		code, body, _ := get(t, staff, base)
		for _, want := range []string{"研发投入高，拟培育", "GR202634000123", "认定", "首次认定奖励", "10.00 万元", `data-testid="exit-form"`} {
			if !strings.Contains(body, want) {
				t.Errorf("pipeline page (%d) lacks %q", code, want)
			}
		}

		// The board and the list behind a number.
		code, body, _ = get(t, staff, s.srv.URL+"/hightech?year=2026")
		if code != 200 || !strings.Contains(body, "冉庙乡") || !strings.Contains(body, "河东街道") ||
			!strings.Contains(body, `href="/hightech/stage?stage=pool&amp;region=341203200&amp;year=2026">1</a>`) {
			t.Errorf("board: %d\n%s", code, body)
		}
		code, body, _ = get(t, staff, s.srv.URL+"/hightech/stage?stage=recognized&region=341203200&year=2026")
		if code != 200 || !strings.Contains(body, "阜阳示例1科技有限公司") || strings.Contains(body, "阜阳示例2科技有限公司") {
			t.Errorf("stage list: %d", code)
		}
		if code, _, _ := get(t, staff, s.srv.URL+"/hightech/stage?stage=bogus"); code != 422 {
			t.Errorf("unknown stage: %d", code)
		}
		if code, body, _ := get(t, staff, s.srv.URL+"/hightech/applications?year=2026"); code != 200 || !strings.Contains(body, "阜阳示例1科技有限公司") {
			t.Errorf("applications: %d", code)
		}
		if code, _, _ := get(t, staff, s.srv.URL+"/hightech/reminders"); code != 200 {
			t.Errorf("reminders page: %d", code)
		}
		var board struct {
			Board   hightech.Board    `json:"board"`
			Regions map[string]string `json:"regions"`
		}
		if code := s.api("/api/v1/hightech/board?year=2026", s.token("staff"), "", &board); code != 200 || board.Board.Total["recognized"] != 1 ||
			board.Regions["341203200"] != "冉庙乡" {
			t.Errorf("board API: %d %+v", code, board)
		}
		var rem struct {
			Items []hightech.Reminder `json:"items"`
		}
		if code := s.api("/api/v1/hightech/reminders?on=2026-06-15", s.token("viewer"), "", &rem); code != 200 || rem.Items == nil {
			t.Errorf("reminders API: %d %+v", code, rem)
		}

		// The city viewer reads but changes nothing.
		viewer := s.client("viewer")
		if code, body, _ := get(t, viewer, base); code != 200 || strings.Contains(body, `data-testid="exit-form"`) {
			t.Errorf("viewer's pipeline page: %d", code)
		}
		if code, _, _ := post(t, viewer, base+"/pool/exit", url.Values{"exited_on": {"2026-06-10"}, "exit_reason": {"x"}}); code != 403 {
			t.Errorf("viewer exits the pool: %d, want 403", code)
		}
	})
}

// staff0 is the service-level staff user (the site's staff account has
// another id, but the same scope).
func staff0() *auth.User { return staff }
