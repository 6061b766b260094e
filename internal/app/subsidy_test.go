package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
)

// TestSubsidyPages walks an equipment post-subsidy through the pages as
// wired: finance appropriates the year's budget, the enterprise works its
// claim out (试算) and files it, staff approve, finance pays; the finance
// view balances and the spreadsheets download.
func TestSubsidyPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		w := newVoucherWorld(t, d)
		e := w.e
		staffC, entC, finC := e.client("staff"), e.client("qiye"), e.client("finance")
		get := func(c *http.Client, path string) (int, string) {
			t.Helper()
			resp, err := c.Get(e.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			return resp.StatusCode, body(t, resp)
		}
		if code, b := get(staffC, "/subsidies/policies"); code != http.StatusOK || !strings.Contains(b, "皖政〔2017〕52号") || !strings.Contains(b, "国知发保字〔2021〕1号") {
			t.Fatalf("policies page: %d", code)
		}
		if code, _, _ := postForm(t, e, staffC, "/subsidies/budgets", url.Values{"year": {"2026"}, "kind": {"equipment"}, "amount": {"300万元"}, "key": {"k1"}}); code != http.StatusForbidden {
			t.Fatalf("staff appropriates: %d", code)
		}
		if code, _, _ := postForm(t, e, finC, "/subsidies/budgets", url.Values{"year": {"2026"}, "kind": {"equipment"}, "amount": {"300万元"}, "key": {"k1"}}); code != http.StatusSeeOther {
			t.Fatalf("appropriate: %d", code)
		}
		claim := url.Values{"kind": {"equipment"}, "key": {"form-1"}, "sales": {"800万元"}, "devices": {"扫描电子显微镜|1500万元\n叉车|30万元|否"}}
		claim.Set("action", "preview")
		code, _, b := postForm(t, e, entC, "/subsidies", claim)
		if code != http.StatusOK || !strings.Contains(b, `data-testid="calculation"`) || !strings.Contains(b, "2,000,000.00") ||
			!strings.Contains(b, "超过单台上限") || !strings.Contains(b, "叉车 非研发用途") {
			t.Fatalf("preview: %d", code)
		}
		if n := e.count(`SELECT COUNT(*) FROM subsidy_claims`); n != 0 {
			t.Fatalf("a preview wrote %d claims", n)
		}
		claim.Set("action", "submit")
		code, loc, _ := postForm(t, e, entC, "/subsidies", claim)
		if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/subsidies/") {
			t.Fatalf("submit: %d %q", code, loc)
		}
		if code, again, _ := postForm(t, e, entC, "/subsidies", claim); code != http.StatusSeeOther || again != loc {
			t.Fatalf("double submit: %d %q, first %q", code, again, loc)
		}
		bad := url.Values{"kind": {"equipment"}, "key": {"form-2"}, "sales": {"800万元"}, "devices": {"显微镜"}}
		if code, _, b := postForm(t, e, entC, "/subsidies", bad); code != http.StatusUnprocessableEntity || !strings.Contains(b, "设备清单第 1 行") {
			t.Fatalf("a device without its value: %d", code)
		}
		if code, _, _ := postForm(t, e, entC, loc+"/approve", nil); code != http.StatusForbidden {
			t.Fatalf("the enterprise approves: %d", code)
		}
		if code, _, _ := postForm(t, e, staffC, loc+"/approve", nil); code != http.StatusSeeOther {
			t.Fatalf("approve: %d", code)
		}
		if code, _, b := postForm(t, e, finC, loc+"/pay", url.Values{"bank_ref": {""}}); code != http.StatusUnprocessableEntity || !strings.Contains(b, "银行流水号") {
			t.Fatalf("pay without a reference: %d", code)
		}
		if code, _, _ := postForm(t, e, finC, loc+"/pay", url.Values{"bank_ref": {"BOC-20260301-1"}}); code != http.StatusSeeOther {
			t.Fatalf("pay: %d", code)
		}
		if code, b := get(entC, loc); code != http.StatusOK || !strings.Contains(b, "已拨付") || !strings.Contains(b, "2,000,000.00") {
			t.Fatalf("the paid claim as the enterprise sees it: %d", code)
		}
		if code, _ := get(entC, "/finance"); code != http.StatusForbidden {
			t.Fatalf("the enterprise reads the finance view: %d", code)
		}
		code, b = get(finC, "/finance")
		if code != http.StatusOK || !strings.Contains(b, `data-testid="rec-ok"`) || !strings.Contains(b, "2026年度研发仪器设备后补助预算") {
			t.Fatalf("finance view: %d %s", code, b)
		}
		for _, path := range []string{"/finance/budgets.xlsx", "/subsidies/report.xlsx?year=2026&quarter=1"} {
			c := finC
			if strings.HasPrefix(path, "/subsidies") {
				c = staffC
			}
			resp, err := c.Get(e.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			raw := body(t, resp)
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(raw, "PK") {
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
		}
		if code, b := get(staffC, "/subsidies/report?year=2026&quarter=1"); code != http.StatusOK || !strings.Contains(b, "研发仪器设备后补助") || !strings.Contains(b, "341203200") {
			t.Fatalf("report: %d", code)
		}
	})
}
