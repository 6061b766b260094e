package app_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/enterprise"
	"kejiju/internal/ident"
	"kejiju/internal/patent"
	"kejiju/internal/xlsx"
)

// patentNo makes a valid application number.
func patentNo(t *testing.T, year, typ, serial int) string {
	t.Helper()
	digits := fmt.Sprintf("%04d%d%07d", year, typ, serial)
	c, err := ident.PatentCheckChar(digits)
	if err != nil {
		t.Fatal(err)
	}
	return digits + "." + string(c)
}

// uploadPatents posts a file (and form fields) as multipart to path.
func uploadPatents(t *testing.T, e *env, c *http.Client, path, name string, data []byte, fields map[string]string) (int, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if data != nil {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body(t, resp)
}

var tokenField = regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`)

// TestPatentPages imports a list through the page (preview, then confirm),
// reads it back in the list, the statistics page and its export, and as
// the enterprise, which sees its own patents only.
func TestPatentPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		staffTok := e.token("staff")
		code, out := apiDo(t, e, "POST", "/api/v1/enterprises", staffTok, fmt.Sprintf(`{"credit_code":%q,"name":"颍东专利示范有限公司","region_code":"341203100"}`, creditCode(11)))
		if code != 201 {
			t.Fatalf("enterprise: %d %v", code, out)
		}
		own := int64(out["id"].(float64))
		if _, _, err := e.app.Auth.CreateUser(ctx, nil, auth.UserInput{Username: "qiye", DisplayName: "企业用户", Roles: []auth.Role{auth.Enterprise},
			RegionCode: "341203", EnterpriseID: own, Password: testPassword}); err != nil {
			t.Fatal(err)
		}
		d.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE`)
		staffC, entC := e.client("staff"), e.client("qiye")

		// The list: the enterprise's inventions and utility models of 2025
		// and 2026, and a university's design.
		type row struct {
			no, applicants, applied, granted, status string
			invention                                bool
		}
		rows := []row{
			{patentNo(t, 2026, 1, 1), "颍东专利示范有限公司", "2026-01-15", "", "在审", true},
			{patentNo(t, 2026, 1, 2), "颍东专利示范有限公司", "2026-03-02", "", "在审", true},
			{patentNo(t, 2026, 8, 3), "颍东专利示范有限公司", "2026-05-31", "", "在审", true},
			{patentNo(t, 2026, 1, 4), "颍东专利示范有限公司", "2026-06-01", "", "在审", true},
			{patentNo(t, 2024, 1, 5), "颍东专利示范有限公司", "2024-02-01", "2026-04-20", "有效", true},
			{patentNo(t, 2025, 1, 6), "颍东专利示范有限公司", "2025-02-01", "", "在审", true},
			{patentNo(t, 2026, 2, 7), "颍东专利示范有限公司", "2026-02-01", "2026-05-10", "授权", false},
			{patentNo(t, 2026, 3, 8), "某大学", "2026-04-01", "", "在审", false},
		}
		csv := func(rs []row) []byte {
			var b strings.Builder
			b.WriteString("申请号,专利名称,申请人,申请日,授权公告日,法律状态,所属乡镇\n")
			for i, r := range rs {
				fmt.Fprintf(&b, "%s,专利%d,%s,%s,%s,%s,口孜镇\n", r.no, i, r.applicants, r.applied, r.granted, r.status)
			}
			return []byte(b.String())
		}
		// A bad check digit: the preview names the row; nothing is written.
		bad := append([]row{}, rows...)
		bad[2].no = bad[2].no[:len(bad[2].no)-1] + map[bool]string{true: "1", false: "0"}[strings.HasSuffix(bad[2].no, "0")]
		code, b := uploadPatents(t, e, staffC, "/patents/import", "list.csv", csv(bad), nil)
		if code != http.StatusUnprocessableEntity || !strings.Contains(b, `data-row="4"`) || !strings.Contains(b, "专利申请号校验位不正确") {
			t.Fatalf("preview of a bad list: %d", code)
		}
		if n := e.count(`SELECT COUNT(*) FROM patents`); n != 0 {
			t.Fatalf("a refused preview wrote %d patents", n)
		}
		code, b = uploadPatents(t, e, staffC, "/patents/import", "list.csv", csv(rows), map[string]string{"source": "区局模板"})
		m := tokenField.FindStringSubmatch(b)
		if code != http.StatusOK || m == nil || e.count(`SELECT COUNT(*) FROM patents`) != 0 {
			t.Fatalf("preview: %d, token %v", code, m)
		}
		// Another user cannot confirm staff's preview.
		if code, _ := uploadPatents(t, e, e.client("director"), "/patents/import", "", nil, map[string]string{"token": m[1], "file_name": "list.csv"}); code == http.StatusOK {
			t.Errorf("another user confirmed the preview: %d", code)
		}
		code, b = uploadPatents(t, e, staffC, "/patents/import", "", nil, map[string]string{"token": m[1], "file_name": "list.csv", "source": "区局模板"})
		if code != http.StatusOK || !strings.Contains(b, "导入完成") || e.count(`SELECT COUNT(*) FROM patents`) != len(rows) {
			t.Fatalf("confirm: %d, %d patents", code, e.count(`SELECT COUNT(*) FROM patents`))
		}
		if code, _ := uploadPatents(t, e, staffC, "/patents/import", "", nil, map[string]string{"token": m[1]}); code == http.StatusOK {
			t.Errorf("a preview confirmed twice: %d", code)
		}
		// Name matches wait for confirmation; confirm them all.
		var ids []int64
		rs, _ := d.QueryContext(ctx, `SELECT id FROM patents WHERE candidate_id = $1`, own)
		for rs.Next() {
			var id int64
			rs.Scan(&id)
			ids = append(ids, id)
		}
		rs.Close()
		if len(ids) != 7 {
			t.Fatalf("%d suggested links, want 7", len(ids))
		}
		for _, id := range ids {
			if code, _, _ := postForm(t, e, staffC, "/patents/"+strconv.FormatInt(id, 10)+"/link", map[string][]string{"enterprise_id": {strconv.FormatInt(own, 10)}}); code != http.StatusSeeOther {
				t.Fatalf("confirm link: %d", code)
			}
		}

		get := func(c *http.Client, path string) (int, string) {
			t.Helper()
			resp, err := c.Get(e.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			return resp.StatusCode, body(t, resp)
		}
		if code, b := get(staffC, "/patents?type=design"); code != 200 || !strings.Contains(b, rows[7].no) || strings.Contains(b, rows[0].no) {
			t.Errorf("list of designs: %d", code)
		}
		if code, b := get(entC, "/patents"); code != 200 || !strings.Contains(b, rows[0].no) || strings.Contains(b, rows[7].no) {
			t.Errorf("the enterprise's list: %d", code)
		}

		// 1–5月 of 2026, counted here from the rows.
		apps, grants := 0, 0
		for _, r := range rows {
			if r.invention && r.applied >= "2026-01-01" && r.applied < "2026-06-01" {
				apps++
			}
			if r.invention && r.granted >= "2026-01-01" && r.granted < "2026-06-01" {
				grants++
			}
		}
		want := fmt.Sprintf("2026年1–5月 发明专利申请 %d 件，授权 %d 件", apps, grants)
		if code, b := get(staffC, "/patents/stats?year=2026&kind=ytd&n=5"); code != 200 || !strings.Contains(b, want) || !strings.Contains(b, `data-testid="patent-chart"`) {
			t.Errorf("statistics page: %d, want %q", code, want)
		}
		code, out = apiDo(t, e, "GET", "/api/v1/patents/stats?year=2026&kind=ytd&n=5", staffTok, "")
		if code != 200 || out["summary"] != want {
			t.Errorf("statistics API: %d %v, want %q", code, out["summary"], want)
		}
		resp, err := staffC.Get(e.srv.URL + "/patents/stats.xlsx?year=2026&kind=ytd&n=5")
		if err != nil {
			t.Fatal(err)
		}
		xb := []byte(body(t, resp))
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		sheet := xlsx.Sheet{Name: "专利统计", Columns: []xlsx.Column{{Key: "group", Header: "分组"}, {Key: "name", Header: "名称"},
			{Key: "ia", Header: "发明申请"}, {Key: "ig", Header: "发明授权"}}}
		var total map[string]string
		if _, err := xlsx.Read(bytes.NewReader(xb), sheet, 1<<20, func(r xlsx.Row) error {
			if r.Values["group"] == "合计" {
				total = r.Values
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if total == nil || total["ia"] != strconv.Itoa(apps) || total["ig"] != strconv.Itoa(grants) {
			t.Errorf("export totals %v, want %d / %d", total, apps, grants)
		}
		// The enterprise may read, not import.
		if code, _ := uploadPatents(t, e, entC, "/patents/import", "list.csv", csv(rows), nil); code != http.StatusForbidden {
			t.Errorf("the enterprise imported: %d", code)
		}
	})
}

// TestPatentAPI registers a patent through the API (a wrong check digit
// refused with the field named, nothing written), grants it, pledges it,
// and reads it back with its history; the enterprise's own token sees it.
func TestPatentAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tok := e.token("staff")
		code, out := apiDo(t, e, "POST", "/api/v1/enterprises", tok, fmt.Sprintf(`{"credit_code":%q,"name":"接口专利企业","region_code":"341203101"}`, creditCode(12)))
		if code != 201 {
			t.Fatalf("enterprise: %d %v", code, out)
		}
		own := int64(out["id"].(float64))
		no := patentNo(t, 2025, 1, 42)
		wrong := no[:len(no)-1] + map[bool]string{true: "1", false: "0"}[strings.HasSuffix(no, "0")]
		code, out = apiDo(t, e, "POST", "/api/v1/patents", tok, fmt.Sprintf(`{"app_no":%q,"title":"一种接口","enterprise_id":%d,"application_date":"2025-04-01"}`, wrong, own))
		fields, _ := out["error"].(map[string]any)["fields"].(map[string]any)
		if code != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(fields["app_no"]), "校验位") || e.count(`SELECT COUNT(*) FROM patents`) != 0 {
			t.Fatalf("wrong check digit: %d %v", code, out)
		}
		code, out = apiDo(t, e, "POST", "/api/v1/patents", tok, fmt.Sprintf(`{"app_no":"ZL%s","title":"一种接口","enterprise_id":%d,"application_date":"2025-04-01"}`,
			strings.ReplaceAll(no, ".", ""), own))
		if code != 201 || out["app_no"] != no || out["type"] != "invention" || out["status"] != "applied" {
			t.Fatalf("create: %d %v", code, out)
		}
		id := int64(out["id"].(float64))
		path := "/api/v1/patents/" + strconv.FormatInt(id, 10)
		if code, out = apiDo(t, e, "POST", path+"/status", tok, `{"status":"valid"}`); code != http.StatusUnprocessableEntity {
			t.Fatalf("valid without a grant date: %d %v", code, out)
		}
		if code, out = apiDo(t, e, "POST", path+"/status", tok, `{"version":1,"status":"valid","grant_date":"2026-02-03","reason":"授权公告"}`); code != 200 || out["status"] != "valid" {
			t.Fatalf("grant: %d %v", code, out)
		}
		code, out = apiDo(t, e, "POST", "/api/v1/patent-loans", tok, fmt.Sprintf(`{"enterprise_id":%d,"bank":"农商银行","amount":"80万元","term_months":6,
			"start_date":"2026-03-01","app_nos":[%q]}`, own, no))
		if code != 201 || out["amount"] != float64(80_0000_00) || out["status"] != "applying" {
			t.Fatalf("loan: %d %v", code, out)
		}
		loan := strconv.FormatInt(int64(out["id"].(float64)), 10)
		if code, out = apiDo(t, e, "POST", "/api/v1/patent-loans/"+loan+"/status", tok, `{"status":"registered","registration_no":"皖质登2026-007"}`); code != 200 || out["status"] != "registered" {
			t.Fatalf("register: %d %v", code, out)
		}
		code, out = apiDo(t, e, "GET", path, tok, "")
		hist, _ := out["history"].([]any)
		if code != 200 || len(hist) != 2 || hist[1].(map[string]any)["to"] != "valid" || hist[1].(map[string]any)["effective"] != "2026-02-03" {
			t.Fatalf("get: %d %v", code, out)
		}
		ctx := context.Background()
		if _, _, err := e.app.Auth.CreateUser(ctx, nil, auth.UserInput{Username: "qiye2", DisplayName: "企业用户", Roles: []auth.Role{auth.Enterprise},
			RegionCode: "341203", EnterpriseID: own, Password: testPassword}); err != nil {
			t.Fatal(err)
		}
		entTok := e.token("qiye2")
		if code, out = apiDo(t, e, "GET", "/api/v1/patents", entTok, ""); code != 200 || out["total"] != float64(1) {
			t.Errorf("the enterprise's list: %d %v", code, out)
		}
		if code, out = apiDo(t, e, "GET", "/api/v1/patent-loans", entTok, ""); code != 200 || len(out["items"].([]any)) != 1 {
			t.Errorf("the enterprise's loans: %d %v", code, out)
		}
		if code, _ = apiDo(t, e, "GET", "/api/v1/patents", e.token("viewer"), ""); code != 200 {
			t.Errorf("the city viewer's list: %d", code)
		}
	})
}

// TestPatentsCountAsIP: an enterprise without IP fails the 高企 condition
// C2 (owns Class I or II IP); a granted invention linked to it in the
// patent registry makes it pass, counted as Class I, and the enterprise
// page shows it. A Class I figure entered by hand for the latest fiscal
// year is not added to the registry's (the larger counts), and a
// utility model counts as Class II; a rejected application counts in
// neither.
func TestPatentsCountAsIP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		staffTok := e.token("staff")
		staff, err := e.app.Auth.UserByName(ctx, "staff")
		if err != nil {
			t.Fatal(err)
		}
		code, out := apiDo(t, e, "POST", "/api/v1/enterprises", staffTok, fmt.Sprintf(`{"credit_code":%q,"name":"颍东知识产权测试有限公司","region_code":"341203100"}`, creditCode(12)))
		if code != 201 {
			t.Fatalf("enterprise: %d %v", code, out)
		}
		id := int64(out["id"].(float64))
		precheck := func(step string) (c2 bool, classI, classII int) {
			t.Helper()
			code, out := apiDo(t, e, "GET", fmt.Sprintf("/api/v1/enterprises/%d/precheck", id), staffTok, "")
			if code != 200 {
				t.Fatalf("%s: precheck %d %v", step, code, out)
			}
			hte := out["hte"].(map[string]any)
			facts := hte["facts"].(map[string]any)
			for _, c := range hte["conditions"].([]any) {
				if c := c.(map[string]any); c["id"] == "C2" {
					c2 = c["pass"].(bool)
				}
			}
			return c2, int(facts["class_i"].(float64)), int(facts["class_ii"].(float64))
		}
		if c2, i, ii := precheck("no IP"); c2 || i != 0 || ii != 0 {
			t.Fatalf("no IP: C2 %v, class I %d, II %d", c2, i, ii)
		}
		add := func(no, status string, granted calendar.Date) {
			t.Helper()
			in := patent.Input{AppNo: no, Title: "一种检测装置", Applicants: "颍东知识产权测试有限公司", EnterpriseID: id,
				ApplicationDate: calendar.Date{Year: 2024, Month: 5, Day: 6}, GrantDate: granted, Status: status}
			if _, err := e.app.Patents.Create(ctx, staff, in, ""); err != nil {
				t.Fatal(err)
			}
		}
		add(patentNo(t, 2024, 1, 301), patent.Rejected, calendar.Date{})
		if c2, i, _ := precheck("a rejected application"); c2 || i != 0 {
			t.Fatalf("a rejected application: C2 %v, class I %d", c2, i)
		}
		add(patentNo(t, 2024, 1, 302), patent.Granted, calendar.Date{Year: 2025, Month: 9, Day: 1})
		if c2, i, ii := precheck("a granted invention"); !c2 || i != 1 || ii != 0 {
			t.Fatalf("a granted invention: C2 %v, class I %d, II %d", c2, i, ii)
		}
		add(patentNo(t, 2024, 2, 303), patent.Valid, calendar.Date{Year: 2025, Month: 1, Day: 20})
		if c2, i, ii := precheck("and a utility model"); !c2 || i != 1 || ii != 1 {
			t.Fatalf("and a utility model: C2 %v, class I %d, II %d", c2, i, ii)
		}
		// Staff entered one Class I item for last year (the same invention,
		// say) and three Class II: the larger of each counts, not the sum.
		last := calendar.Today(nil).Year - 1
		if err := e.app.Enterprises.SaveYear(ctx, staff, enterprise.Year{EnterpriseID: id, Year: last, IPClass1: 1, IPClass2: 3}, ""); err != nil {
			t.Fatal(err)
		}
		if _, i, ii := precheck("with figures entered"); i != 1 || ii != 3 {
			t.Fatalf("with figures entered: class I %d, II %d; want 1 and 3", i, ii)
		}
		resp, page := get(t, e.client("staff"), e.srv.URL+fmt.Sprintf("/enterprises/%d", id))
		if resp.StatusCode != 200 || !strings.Contains(page, "Ⅰ类（发明）1 件，Ⅱ类（实用新型、外观设计）1 件") {
			t.Fatalf("enterprise page %d: no patent IP line", resp.StatusCode)
		}
	})
}
