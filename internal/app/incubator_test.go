package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/enterprise"
)

// TestIncubatorPages walks an incubator through the pages as wired: staff
// register it (a bad form names its fields and writes nothing), record a
// registered enterprise entering, enter a year's statistics and grade it,
// see both pre-checks name the failing conditions, and court a prospect;
// the enterprise's own user is refused the changes.
func TestIncubatorPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		w := newVoucherWorld(t, d)
		e := w.e
		staffC, entC := e.client("staff"), e.client("qiye")
		get := func(c *http.Client, path string) (int, string) {
			t.Helper()
			resp, err := c.Get(e.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			return resp.StatusCode, body(t, resp)
		}

		bad := url.Values{"name": {"徽清科技园"}, "operator_code": {"123"}, "level": {"provincial"}, "area_m2": {"3000"}, "tenant_area_m2": {"4000"}}
		code, _, b := postForm(t, e, staffC, "/incubators", bad)
		if code != http.StatusUnprocessableEntity || !strings.Contains(b, "在孵企业使用面积不能大于场地总面积") || !strings.Contains(b, "已认定的孵化器须填写认定年度") {
			t.Fatalf("bad incubator form: %d", code)
		}
		if n := e.count(`SELECT COUNT(*) FROM incubators`); n != 0 {
			t.Fatalf("a refused form wrote %d incubators", n)
		}
		form := url.Values{"name": {"徽清科技园"}, "operator_name": {"阜阳徽清科技园运营有限公司"}, "operator_code": {creditCode(7)},
			"level": {"city"}, "recognised_year": {"2024"}, "area_m2": {"3000"}, "tenant_area_m2": {"2100"}, "operating_since": {"2024-05-01"}}
		if code, _, _ := postForm(t, e, entC, "/incubators", form); code != http.StatusForbidden {
			t.Fatalf("an enterprise registers an incubator: %d", code)
		}
		code, loc, _ := postForm(t, e, staffC, "/incubators", form)
		if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/incubators/") {
			t.Fatalf("register: %d %q", code, loc)
		}
		if code, b := get(staffC, "/incubators"); code != http.StatusOK || !strings.Contains(b, "徽清科技园") {
			t.Fatalf("list: %d", code)
		}

		if code, _, _ := postForm(t, e, staffC, loc+"/tenants", url.Values{"credit_code": {enterprise.SampleCode(1)}, "entered_on": {"2026-01-05"}}); code != http.StatusSeeOther {
			t.Fatalf("tenant: %d", code)
		}
		code, _, b = postForm(t, e, staffC, loc+"/tenants", url.Values{"credit_code": {"bad"}, "entered_on": {"2026-01-05"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(b, `data-testid="tenant-form"`) {
			t.Fatalf("a bad tenant: %d", code)
		}
		year := url.Values{"year": {"2025"}, "tenants": {"20"}, "graduates": {"2"}, "graduates_total": {"5"}, "staff": {"6"},
			"staff_professional": {"5"}, "mentors": {"2"}, "fund": {"200万元"}, "tenants_financed": {"3"}, "tenants_valid_ip": {"6"},
			"tenants_grown": {"4"}, "service_income": {"30万元"}, "total_income": {"100万元"}, "statistics_reported": {"1"}}
		if code, _, _ := postForm(t, e, staffC, loc+"/years", year); code != http.StatusSeeOther {
			t.Fatalf("year: %d", code)
		}
		if code, _, _ := postForm(t, e, staffC, loc+"/assess", url.Values{"year": {"2025"}}); code != http.StatusSeeOther {
			t.Fatalf("assess: %d", code)
		}
		code, b = get(staffC, loc+"?managers=4&managers_with_degree=2&investment_links=1")
		if code != http.StatusOK {
			t.Fatalf("record: %d", code)
		}
		for _, want := range []string{
			w.en.Name,                         // the tenant, named from the registry
			`data-testid="current-tenants">1`, // counted
			`data-testid="grade-2025">`,       // graded
			`data-testid="precheck-anhui2013">各项条件均满足`,
			`data-testid="fail-space"`, `data-testid="fail-graduates"`, // the national pre-check names its failures
		} {
			if !strings.Contains(b, want) {
				t.Errorf("record page lacks %q", want)
			}
		}
		if code, _, _ := postForm(t, e, staffC, loc+"/prospects", url.Values{"prospect_name": {"江南大学食品学院"}, "kind": {"institute"}, "contact": {"王老师"}}); code != http.StatusSeeOther {
			t.Fatalf("prospect: %d", code)
		}
		if code, b := get(staffC, loc); code != http.StatusOK || !strings.Contains(b, "江南大学食品学院") {
			t.Fatalf("prospect not shown: %d", code)
		}
		// Recognised at provincial level: the record is corrected.
		if code, b := get(staffC, loc+"/edit"); code != http.StatusOK || !strings.Contains(b, `value="阜阳徽清科技园运营有限公司"`) {
			t.Fatalf("edit page: %d", code)
		}
		form.Set("level", "provincial")
		form.Set("recognised_year", "2026")
		form.Set("version", "1")
		if code, to, _ := postForm(t, e, staffC, loc, form); code != http.StatusSeeOther || to != loc {
			t.Fatalf("correct: %d %q", code, to)
		}
		if code, b := get(staffC, loc); code != http.StatusOK || !strings.Contains(b, "省级（2026）") {
			t.Fatalf("corrected record: %d", code)
		}
		if code, _, _ := postForm(t, e, staffC, loc, form); code != http.StatusConflict {
			t.Fatalf("a stale correction: %d", code)
		}
		// The enterprise user reads no incubator (its scope is its own enterprise).
		if code, _ := get(entC, loc); code != http.StatusNotFound {
			t.Errorf("the enterprise reads the incubator: %d", code)
		}
	})
}
