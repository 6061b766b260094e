package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/enterprise"
	"kejiju/internal/xlsx"
)

var creditCode = enterprise.SampleCode

// workbook builds an import workbook of n enterprises with the rows in bad
// spoiled.
func workbook(t *testing.T, n int, bad map[int]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := enterprise.WriteSampleWorkbook(&buf, n, bad); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func upload(t *testing.T, e *env, token string, file []byte, dryRun bool) (int, enterprise.ImportReport) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "企业名录.xlsx")
	fw.Write(file)
	mw.Close()
	path := "/api/v1/enterprises/import"
	if dryRun {
		path += "?dry_run=1"
	}
	req, _ := http.NewRequest("POST", e.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var rep enterprise.ImportReport
	b := []byte(readAll(t, resp))
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("import answer is not a report: %s", b)
	}
	return resp.StatusCode, rep
}

func readAll(t *testing.T, resp *http.Response) string { return body(t, resp) }

func TestEnterpriseImportAllOrNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		staff := e.token("staff")
		bad := map[int]string{17: "checksum", 512: "township", 999: "phone"}
		code, rep := upload(t, e, staff, workbook(t, 1000, bad), false)
		if code != 422 || rep.Written || len(rep.Errors) != 3 {
			t.Fatalf("import with 3 bad rows: %d, %d errors, written %v: %+v", code, len(rep.Errors), rep.Written, rep.Errors)
		}
		for i, want := range []int{18, 513, 1000} { // data row n is spreadsheet row n+1 (header)
			if rep.Errors[i].Row != want || rep.Errors[i].Message == "" || rep.Errors[i].Field == "" {
				t.Errorf("error %d: %+v, want row %d with a column and a message", i, rep.Errors[i], want)
			}
		}
		if n := e.count(`SELECT COUNT(*) FROM enterprises`); n != 0 {
			t.Fatalf("a refused import wrote %d enterprises", n)
		}
		good := workbook(t, 1000, nil)
		if code, rep = upload(t, e, staff, good, true); code != 200 || rep.New != 1000 || rep.Written {
			t.Fatalf("dry run: %d %+v", code, rep)
		}
		if n := e.count(`SELECT COUNT(*) FROM enterprises`); n != 0 {
			t.Fatalf("a dry run wrote %d enterprises", n)
		}
		if code, rep = upload(t, e, staff, good, false); code != 200 || rep.New != 1000 || !rep.Written {
			t.Fatalf("import: %d %+v", code, rep)
		}
		if code, rep = upload(t, e, staff, good, false); code != 200 || rep.Unchanged != 1000 || rep.New+rep.Updated != 0 {
			t.Errorf("repeated import: %d %+v, want 1000 unchanged", code, rep)
		}
		if n := e.count(`SELECT COUNT(*) FROM enterprises`); n != 1000 {
			t.Errorf("%d enterprises after import, want 1000", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM enterprise_versions`); n != 1000 {
			t.Errorf("%d versions, want 1000 (a repeated import writes none)", n)
		}

		// The city viewer may look but not import.
		if code, _ := upload(t, e, e.token("viewer"), good, false); code != 403 {
			t.Errorf("city viewer import: %d, want 403", code)
		}

		// An enterprise user sees its own record only.
		var own, other int64
		d.QueryRow(`SELECT id FROM enterprises WHERE credit_code = $1`, creditCode(7)).Scan(&own)
		d.QueryRow(`SELECT id FROM enterprises WHERE credit_code = $1`, creditCode(8)).Scan(&other)
		if _, _, err := e.app.Auth.CreateUser(context.Background(), nil, auth.UserInput{Username: "qiye7", DisplayName: "企业七", Roles: []auth.Role{auth.Enterprise},
			RegionCode: "341203", EnterpriseID: own, Password: testPassword}); err != nil {
			t.Fatal(err)
		}
		company := e.token("qiye7")
		code2, out := apiDo(t, e, "GET", "/api/v1/enterprises?limit=100", company, "")
		if code2 != 200 || out["total"].(float64) != 1 {
			t.Errorf("enterprise user list: %d total %v, want 1", code2, out["total"])
		}
		if code2, _ := apiDo(t, e, "GET", fmt.Sprintf("/api/v1/enterprises/%d", other), company, ""); code2 != 404 {
			t.Errorf("enterprise user reading another enterprise: %d, want 404", code2)
		}
		if code2, _ := apiDo(t, e, "GET", fmt.Sprintf("/api/v1/enterprises/%d", own), company, ""); code2 != 200 {
			t.Errorf("enterprise user reading its own: %d, want 200", code2)
		}
		// It keeps its own yearly facts, and only its own.
		year := `{"revenue": 1000000000, "staff": 50, "st_staff": 8, "reason": "年报"}`
		if code2, out := apiDo(t, e, "PUT", fmt.Sprintf("/api/v1/enterprises/%d/years/2025", own), company, year); code2 != 200 {
			t.Errorf("own year: %d %v", code2, out)
		}
		if code2, _ := apiDo(t, e, "PUT", fmt.Sprintf("/api/v1/enterprises/%d/years/2025", other), company, year); code2 != 404 {
			t.Errorf("another's year: %d, want 404", code2)
		}
	})
}

func TestEnterpriseFormAndExport(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.client("staff")
		form := url.Values{"credit_code": {"91341203MA0000001X"}, "name": {"颍东新材料有限公司"}, "region_code": {"341203200"}, "registered_capital": {"500"}}
		resp, _ := c.PostForm(e.srv.URL+"/enterprises", form)
		page := body(t, resp)
		if resp.StatusCode != 422 || !strings.Contains(page, "统一社会信用代码") || !strings.Contains(page, `class="field-error"`) {
			t.Fatalf("bad credit code: %d, want 422 with the field named", resp.StatusCode)
		}
		if n := e.count(`SELECT COUNT(*) FROM enterprises`); n != 0 {
			t.Fatalf("a refused form wrote %d enterprises", n)
		}
		form.Set("credit_code", creditCode(1))
		resp, _ = c.PostForm(e.srv.URL+"/enterprises", form)
		body(t, resp)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", resp.StatusCode)
		}
		var capital int64
		d.QueryRow(`SELECT registered_capital FROM enterprises`).Scan(&capital)
		if capital != 500_0000_00 {
			t.Errorf("registered capital %d fen, want 5,000,000 yuan", capital)
		}
		resp, err := c.Get(e.srv.URL + "/enterprises/export.xlsx?q=新材料")
		if err != nil {
			t.Fatal(err)
		}
		var rows []xlsx.Row
		if _, err := xlsx.Read(resp.Body, enterprise.Sheet, 1<<20, func(r xlsx.Row) error { rows = append(rows, r); return nil }); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if len(rows) != 1 || rows[0].Values["name"] != "颍东新材料有限公司" || rows[0].Values["region"] != "冉庙乡" || rows[0].Values["registered_capital"] != "500.00" {
			t.Errorf("export: %+v", rows)
		}
		for _, path := range []string{"/enterprises", "/enterprises/new", "/enterprises/import", "/enterprises/template.xlsx"} {
			resp, _ := c.Get(e.srv.URL + path)
			if body(t, resp); resp.StatusCode != 200 {
				t.Errorf("GET %s: %d", path, resp.StatusCode)
			}
		}
	})
}

func TestEnterpriseRegistration(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		anon := e.client("")
		form := url.Values{"credit_code": {creditCode(42)}, "name": {"颍东注册示例有限公司"}, "region_code": {"341203200"},
			"contact_name": {"王经理"}, "contact_phone": {"13900000042"}, "username": {"qiye42"}, "password": {"123"}}
		resp, _ := anon.PostForm(e.srv.URL+"/register", form)
		if page := body(t, resp); resp.StatusCode != 422 || !strings.Contains(page, "密码长度至少8位") {
			t.Fatalf("weak password: %d", resp.StatusCode)
		}
		form.Set("password", "Qiye#Zhuce2026")
		resp, _ = anon.PostForm(e.srv.URL+"/register", form)
		if page := body(t, resp); resp.StatusCode != 200 || !strings.Contains(page, `data-testid="registered"`) {
			t.Fatalf("register: %d", resp.StatusCode)
		}
		resp, _ = anon.PostForm(e.srv.URL+"/register", form)
		if page := body(t, resp); resp.StatusCode != 422 || !strings.Contains(page, "待审核") {
			t.Errorf("second registration of the same code: %d", resp.StatusCode)
		}
		// The applicant cannot log in before approval.
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, _ = c.PostForm(e.srv.URL+"/login", url.Values{"username": {"qiye42"}, "password": {"Qiye#Zhuce2026"}})
		if body(t, resp); resp.StatusCode == http.StatusSeeOther {
			t.Fatal("logged in before approval")
		}
		var id int64
		d.QueryRow(`SELECT id FROM enterprise_registrations WHERE credit_code = $1`, creditCode(42)).Scan(&id)
		if resp, _ := e.client("director").PostForm(e.srv.URL+fmt.Sprintf("/registrations/%d/reject", id), url.Values{}); resp.StatusCode != 422 {
			body(t, resp)
			t.Errorf("reject without a reason: %d, want 422", resp.StatusCode)
		}
		resp, _ = e.client("staff").PostForm(e.srv.URL+fmt.Sprintf("/registrations/%d/approve", id), url.Values{})
		if body(t, resp); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d", resp.StatusCode)
		}
		resp, _ = c.PostForm(e.srv.URL+"/login", url.Values{"username": {"qiye42"}, "password": {"Qiye#Zhuce2026"}})
		if body(t, resp); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Fatalf("login after approval: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if n := e.count(`SELECT COUNT(*) FROM enterprises WHERE credit_code = $1`, creditCode(42)); n != 1 {
			t.Errorf("%d enterprise records for the approved registration", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM enterprise_registrations WHERE password_hash <> ''`); n != 0 {
			t.Errorf("a decided registration still holds a password hash")
		}
		// One address may not flood the form.
		for i := 0; i < 6; i++ {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			f.Set("credit_code", creditCode(100+i))
			f.Set("username", fmt.Sprintf("flood%d", i))
			resp, _ = anon.PostForm(e.srv.URL+"/register", f)
			body(t, resp)
		}
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("the 6th registration within the hour from one address: %d, want 429", resp.StatusCode)
		}
	})
}
