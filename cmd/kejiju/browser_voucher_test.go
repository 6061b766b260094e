package main

import (
	"strings"
	"testing"
	"time"

	"kejiju/internal/calendar"
	"kejiju/internal/enterprise"
)

// TestBrowserVoucherClaim walks an innovation voucher of the demo batch:
// an enterprise applies, staff issue it, the enterprise claims 100,000 元
// paid to the university (a double click on submit makes one claim), staff
// approve 35,000 元 (35%), finance pays it, and the enterprise sees
// 165,000 元 left.
func TestBrowserVoucherClaim(t *testing.T) {
	ctx := newBrowser(t)
	dir := t.TempDir()
	ts := startServer(t, dir, "--demo")
	pw := ts.Passwords
	ts.Stop()
	if out, err := kejiju(t, "Qiye#Mima2026\n", "user", "add", "--data", dir, "--username", "qiye1", "--name", "企业联系人",
		"--role", "enterprise", "--enterprise-code", enterprise.SampleCode(900001)); err != nil {
		t.Fatalf("user add qiye1: %v\n%s", err, out)
	}
	ts = startServer(t, dir)
	b := &browser{t: t, ctx: ctx, url: ts.URL}

	// The enterprise applies on the demo batch's page.
	b.login("qiye1", "Qiye#Mima2026")
	b.changePassword("Qiye#Mima2026", "Qiye#Mima2027")
	b.open("/vouchers/batches")
	b.submit("[data-testid=batches] tbody a")
	b.fill(map[string]string{"face": "200000", "shareholders": "刘总"})
	b.submit("[data-testid=apply-form] button[type=submit]")
	voucherPath := strings.TrimPrefix(b.location(), ts.URL)
	if got := b.text("[data-testid=status]"); got != "待发放" {
		t.Fatalf("after applying, %s shows %q:\n%s", voucherPath, got, b.page())
	}
	b.logout()

	// Staff issue it.
	b.login("zhangsan", pw["zhangsan"])
	b.changePassword(pw["zhangsan"], "Gaoxin#Keji2026")
	b.open(voucherPath)
	b.submit("[data-testid=issue]")
	if got := b.text("[data-testid=status]"); got != "已发放" {
		t.Fatalf("after issuing: %q", got)
	}
	b.logout()

	// The enterprise claims; a double click submits once.
	b.login("qiye1", "Qiye#Mima2027")
	b.open(voucherPath)
	today := calendar.Today(nil).String()
	b.fill(map[string]string{"contract_no": "HT-浏览器-001", "invoice_no": "12345678", "paid_amount": "100000", "paid_on": today,
		"evidence": "银行回单"})
	b.count(`(() => { const btn = document.querySelector('[data-testid=claim-form] button[type=submit]'); btn.click(); btn.click(); return 2 })()`)
	deadline := time.Now().Add(15 * time.Second)
	rows := 0
	for rows == 0 && time.Now().Before(deadline) {
		time.Sleep(300 * time.Millisecond)
		b.open(voucherPath)
		rows = b.count(`document.querySelectorAll('[data-testid=claims] tbody tr[data-testid^=claim-]').length`)
	}
	if rows != 1 {
		t.Fatalf("a double click made %d claims:\n%s", rows, b.text("[data-testid=claims]"))
	}
	if got := b.text("[data-testid=claims] tbody"); !strings.Contains(got, "35,000.00") || !strings.Contains(got, "待审核") {
		t.Fatalf("the claim does not show 35,000.00 awaiting review:\n%s", got)
	}
	b.logout()

	// Staff approve; finance pays from the list of approved claims.
	b.login("zhangsan", "Gaoxin#Keji2026")
	b.open(voucherPath)
	b.submit("[data-testid^=approve-]")
	b.logout()
	b.login("caiwu", pw["caiwu"])
	b.changePassword(pw["caiwu"], "Zhangmu#Hedui2026")
	b.open("/vouchers/claims?status=approved")
	b.submit("[data-testid=claims] tbody a")
	b.set("input[name=bank_ref]", "BANK-浏览器-01")
	b.submit("[data-testid^=pay-]")
	b.logout()

	b.login("qiye1", "Qiye#Mima2027")
	b.open(voucherPath)
	if got := b.text("[data-testid=claims] tbody"); !strings.Contains(got, "已拨付") {
		t.Fatalf("the claim is not paid:\n%s", got)
	}
	if got := b.text("[data-testid=remaining]"); !strings.Contains(got, "165,000.00") {
		t.Fatalf("remaining %q, want 165,000.00", got)
	}
}
