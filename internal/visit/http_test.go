package visit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/enterprise"
	"kejiju/internal/region"
	"kejiju/internal/visit"
	"kejiju/internal/web"
	"kejiju/internal/web/webtest"
	"kejiju/internal/xlsx"
)

// site is the area served as app serves it, with the shell's login.
type site struct {
	*env
	*webtest.Site
}

func newSite(t *testing.T, d *db.DB) *site {
	t.Helper()
	e := setup(t, d)
	h := &visit.Handlers{Service: e.s, Regions: &region.Store{DB: d, Audit: e.lg}}
	ws := webtest.Serve(t, d, e.lg, webtest.Area{Routes: []func(*web.Routes){h.Routes}, Nav: visit.Nav(),
		Templates: []web.Templates{visit.Templates()}, Keys: []string{"visit"}})
	h.Web = ws.Web
	return &site{env: e, Site: ws}
}

// api calls the JSON API and decodes its answer.
func api(t *testing.T, c *webtest.Client, method, path, body string) (int, map[string]any) {
	t.Helper()
	code, b := c.JSON(method, path, body)
	out := map[string]any{}
	json.Unmarshal([]byte(b), &out)
	return code, out
}

var idIn = regexp.MustCompile(`/(\d+)$`)

func idOf(t *testing.T, location string) int64 {
	t.Helper()
	m := idIn.FindStringSubmatch(location)
	if m == nil {
		t.Fatalf("no id in %q", location)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func TestStaffPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		c := s.Login(staff)
		for _, path := range []string{"/visits", "/visits/new", "/needs", "/needs/new", "/needs/batches", "/needs/batches/new", "/matches", "/matches/new"} {
			if code, page := c.Get(path); code != 200 || !strings.Contains(page, "企业调研") {
				t.Errorf("GET %s: %d", path, code)
			}
		}

		// A refused form names its fields and writes nothing.
		code, _, page := c.Post("/visits", url.Values{"visit_date": {"2026-03-04"}, "enterprise": {"不存在的企业"}})
		if code != 422 || !strings.Contains(page, `class="field-error"`) || !strings.Contains(page, "未找到该企业") || !strings.Contains(page, "调研主题") {
			t.Fatalf("bad visit form: %d", code)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM visits`); n != 0 {
			t.Fatalf("a refused form wrote %d visits", n)
		}

		// A Wednesday visit is recorded, with its warning in the page and the list.
		form := url.Values{"visit_date": {"2026-03-04"}, "enterprise": {"阜阳金麦乐面业有限公司"}, "visit_staff": {fmt.Sprint(staff.ID), fmt.Sprint(chief.ID)},
			"visit_others": {"市科技局孙科长"}, "visit_topics": {"高企培育政策宣讲"}, "visit_notes": {"企业研发投入逐年增加。\n拟申报高新技术企业。"}}
		code, loc, _ := c.Post("/visits", form)
		if code != http.StatusSeeOther {
			t.Fatalf("visit form: %d", code)
		}
		vid := idOf(t, loc)
		if _, page := c.Get(loc); !strings.Contains(page, "调研日期不是周四") || !strings.Contains(page, "王局长、张科员、市科技局孙科长") && !strings.Contains(page, "张科员、王局长、市科技局孙科长") {
			t.Errorf("visit page lacks the warning or the staff")
		}
		if _, page := c.Get("/visits"); !strings.Contains(page, `data-testid="off-day"`) || !strings.Contains(page, "冉庙乡") {
			t.Errorf("visit list lacks the off-day flag or the township")
		}
		if code, page := c.Get(fmt.Sprintf("/visits/%d/edit", vid)); code != 200 || !strings.Contains(page, "off-day-warning") || !strings.Contains(page, enterpriseCode(1)) {
			t.Errorf("edit form: %d", code)
		}

		// A need collected on the visit.
		if code, page := c.Get(fmt.Sprintf("/needs/new?visit=%d", vid)); code != 200 || !strings.Contains(page, "本需求收集自") {
			t.Errorf("need form from a visit: %d", code)
		}
		code, _, page = c.Post("/needs", url.Values{"visit_id": {fmt.Sprint(vid)}, "need_category": {"process"}, "need_title": {"全麦粉加工工艺优化"},
			"need_description": {"麸皮添加后面团筋力下降"}, "need_budget": {"50"}, "contact_phone": {"123"}})
		if code != 422 || !strings.Contains(page, "请填写手机号码") {
			t.Fatalf("bad phone: %d", code)
		}
		code, loc, _ = c.Post("/needs", url.Values{"visit_id": {fmt.Sprint(vid)}, "need_category": {"process"}, "need_title": {"全麦粉加工工艺优化"},
			"need_description": {"麸皮添加后面团筋力下降"}, "need_budget": {"50"}})
		if code != http.StatusSeeOther {
			t.Fatalf("need form: %d", code)
		}
		nid := idOf(t, loc)
		if _, page := c.Get(loc); !strings.Contains(page, "已收集") || !strings.Contains(page, "50.00 万元") || !strings.Contains(page, `data-testid="to-matched"`) {
			t.Errorf("need page")
		}
		if n, _ := s.s.Need(context.Background(), staff, nid); n.Budget != 50_0000_00 || n.CollectedOn != day("2026-03-04") || n.ContactName != "刘经理" {
			t.Errorf("need from the form: %+v", n)
		}
		if code, _ := c.Get(fmt.Sprintf("/needs/%d/edit", nid)); code != 200 {
			t.Errorf("need edit form: %d", code)
		}
		code, _, page = c.Post(fmt.Sprintf("/needs/%d/transition", nid), url.Values{"to": {"closed"}})
		if code != 422 || !strings.Contains(page, "须填写事由") {
			t.Errorf("closing without reason: %d", code)
		}

		// Forwarded in a batch, with the city's sheet.
		if _, page := c.Get("/needs/batches/new"); !strings.Contains(page, "全麦粉加工工艺优化") {
			t.Errorf("batch form lacks the collected need")
		}
		code, loc, _ = c.Post("/needs/batches", url.Values{"batch_number": {"2026-03"}, "batch_sent_on": {"2026-03-10"}, "need_ids": {fmt.Sprint(nid)}})
		if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/needs?batch=") {
			t.Fatalf("batch form: %d %q", code, loc)
		}
		bid := strings.TrimPrefix(loc, "/needs?batch=")
		if _, page := c.Get(loc); !strings.Contains(page, "上报批次2026-03") || !strings.Contains(page, "已上报市局") {
			t.Errorf("batch page")
		}
		resp, err := c.Client.Get(s.URL + "/needs/batches/" + bid + "/sheet.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		var rows []xlsx.Row
		_, err = xlsx.Read(resp.Body, visit.CitySheet, 1<<20, func(r xlsx.Row) error { rows = append(rows, r); return nil })
		resp.Body.Close()
		if err != nil || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), url.PathEscape("技术难题需求汇总表（2026-03）.xlsx")) {
			t.Fatalf("sheet: %v %v", err, resp.Header)
		}
		if len(rows) != 1 || rows[0].Values["title"] != "全麦粉加工工艺优化" || rows[0].Values["budget"] != "50" {
			t.Errorf("sheet rows %+v", rows)
		}

		// Matched through a matchmaking that ticks the box.
		if code, page := c.Get(fmt.Sprintf("/matches/new?need=%d", nid)); code != 200 || !strings.Contains(page, `data-testid="mark-matched"`) {
			t.Errorf("matchmaking form from a need: %d", code)
		}
		code, loc, _ = c.Post("/matches", url.Values{"enterprise": {enterpriseCode(1)}, "match_need": {fmt.Sprint(nid)}, "match_mark_matched": {"1"},
			"match_partner": {"江南大学食品学院"}, "match_date": {"2026-04-16"}, "match_kind": {"visit"}, "match_agreement": {"1"},
			"match_agreement_on": {"2026-04-20"}, "match_agreement_amount": {"30"}})
		if code != http.StatusSeeOther {
			t.Fatalf("matchmaking form: %d", code)
		}
		if _, page := c.Get(loc); !strings.Contains(page, "30.00 万元") || !strings.Contains(page, "已对接") {
			t.Errorf("matchmaking page")
		}
		if code, _ := c.Get(loc + "/edit"); code != 200 {
			t.Errorf("matchmaking edit form: %d", code)
		}

		// The API: list, an allowed step, a refused one.
		if code, out := api(t, c, "GET", "/api/v1/needs?status=matched", ""); code != 200 || out["total"].(float64) != 1 {
			t.Errorf("API list: %d %v", code, out)
		}
		if code, out := api(t, c, "POST", fmt.Sprintf("/api/v1/needs/%d/transition", nid), `{"to": "solved"}`); code != 200 || out["status"] != "solved" {
			t.Errorf("API transition: %d %v", code, out)
		}
		code, out := api(t, c, "POST", fmt.Sprintf("/api/v1/needs/%d/transition", nid), `{"to": "matched"}`)
		if msg, _ := out["error"].(map[string]any); code != 409 || msg == nil || !strings.Contains(fmt.Sprint(msg["message"]), "已解决") {
			t.Errorf("API illegal transition: %d %v", code, out)
		}
		if code, _ := api(t, c, "POST", "/api/v1/visits", `{"date": "2026-03-05", "enterprise_id": 999999, "topics": "x"}`); code != 422 {
			t.Errorf("API visit to an unknown enterprise: %d", code)
		}
	})
}

func enterpriseCode(n int) string { return enterprise.SampleCode(n) }

func TestEnterpriseUserAndViewerPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		theirs := s.needOf(t, staff, s.e2, "别家的需求", "2026-03-05")
		v := s.visitOn(t, staff, s.e1, "2026-03-05")
		c := s.Login(s.company)
		if code, page := c.Get("/needs/new"); code != 200 || strings.Contains(page, `name="enterprise"`) || !strings.Contains(page, "填报技术难题需求") {
			t.Errorf("enterprise need form: %d", code)
		}
		code, loc, _ := c.Post("/needs", url.Values{"need_category": {"talent"}, "need_title": {"引进食品工程师"}, "need_description": {"需要2名食品工程专业人才"}})
		if code != http.StatusSeeOther {
			t.Fatalf("enterprise reports a need: %d", code)
		}
		if _, page := c.Get("/needs"); !strings.Contains(page, "引进食品工程师") || strings.Contains(page, "别家的需求") || !strings.Contains(page, "企业自报") {
			t.Errorf("enterprise need list")
		}
		if _, page := c.Get(loc); !strings.Contains(page, `data-testid="to-closed"`) || strings.Contains(page, `data-testid="to-matched"`) {
			t.Errorf("enterprise need page offers the wrong steps")
		}
		if code, _ := c.Get(fmt.Sprintf("/needs/%d", theirs.ID)); code != 404 {
			t.Errorf("enterprise reads another's need: %d", code)
		}
		for _, path := range []string{"/visits/new", "/needs/batches/new", "/matches/new"} {
			if code, _ := c.Get(path); code != 403 {
				t.Errorf("enterprise GET %s: %d, want 403", path, code)
			}
		}
		if code, page := c.Get(fmt.Sprintf("/visits/%d", v.ID)); code != 200 || strings.Contains(page, "/edit") {
			t.Errorf("enterprise reads its visit: %d", code)
		}

		// The city viewer reads and downloads, and changes nothing.
		b := s.batch(t, "2026-03", "2026-03-10", theirs)
		cv := s.Login(viewer)
		for _, path := range []string{"/visits", fmt.Sprintf("/visits/%d", v.ID), "/needs", "/needs/batches", "/matches", fmt.Sprintf("/needs/batches/%d/sheet.xlsx", b.ID)} {
			if code, _ := cv.Get(path); code != 200 {
				t.Errorf("viewer GET %s: %d", path, code)
			}
		}
		if _, page := cv.Get("/needs"); strings.Contains(page, `data-testid="new-need"`) || strings.Contains(page, `data-testid="new-batch"`) {
			t.Errorf("the viewer is offered to write")
		}
		if code, _, _ := cv.Post("/visits", url.Values{"visit_date": {"2026-03-05"}, "enterprise": {enterpriseCode(1)}, "visit_topics": {"x"}}); code != 403 {
			t.Errorf("viewer records a visit: %d", code)
		}
		if code, _ := api(t, cv, "POST", fmt.Sprintf("/api/v1/needs/%d/transition", theirs.ID), `{"to": "matched"}`); code != 403 {
			t.Errorf("viewer moves a need: %d", code)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM visits`); n != 1 {
			t.Errorf("%d visits", n)
		}
	})
}
