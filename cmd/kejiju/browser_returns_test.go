package main

import (
	"strings"
	"testing"

	"kejiju/internal/calendar"
	"kejiju/internal/report"
)

// TestBrowserReturns: the director opens 统计报表 of the demo district,
// where last quarter's KJ02 is already sent (the demo locked it), opens
// this quarter's KJ02, clicks the total's 核定补助资金 and lands on exactly
// the record it counts — the approved equipment post-subsidy of 2,102,000
// 元; back on the return, locks it and sees 已锁定, unlocks it with a
// reason and sees the history line with it. Then the city viewer opens the
// city's KJ02 and sees each district and the total, the city's total the
// district's subsidy.
func TestBrowserReturns(t *testing.T) {
	ctx := newBrowser(t)
	dir := t.TempDir()
	ts := startServer(t, dir, "--demo")
	pw := ts.Passwords
	ts.Stop()
	if out, err := kejiju(t, "Chakan#Mima2026\n", "user", "add", "--data", dir, "--username", "shiju", "--name", "阜阳市科技局",
		"--role", "city_viewer", "--region", "341200"); err != nil {
		t.Fatalf("user add shiju: %v\n%s", err, out)
	}
	ts = startServer(t, dir)
	b := &browser{t: t, ctx: ctx, url: ts.URL}
	this := report.PeriodOf(report.Quarterly, calendar.Today(calendar.Shanghai)).Key()

	b.login("juzhang", pw["juzhang"])
	b.changePassword(pw["juzhang"], "Baobiao#Suoding2026")
	b.open("/reports/returns")
	if row := b.text("[data-testid=return-KJ02]"); !strings.Contains(row, "已报送") {
		t.Fatalf("KJ02's row does not show last quarter sent:\n%s", row)
	}
	b.submit("[data-testid=return-KJ02] a")
	if loc := b.location(); !strings.HasSuffix(loc, "/reports/returns/KJ02/341203?period="+this) {
		t.Fatalf("the return's link went to %s", loc)
	}
	total := "[data-testid=row-total-341203] [data-testid='cell-subsidies.granted']"
	if got := b.text(total); !strings.Contains(got, "2,102,000.00") {
		t.Fatalf("the total's 核定补助资金 reads %q:\n%s", got, b.text("[data-testid=return]"))
	}
	b.submit(total + " a")
	if loc := b.location(); !strings.Contains(loc, "/reports/returns/KJ02/341203/records/subsidies.granted?period="+this) || strings.Contains(loc, "row=") {
		t.Fatalf("clicking the cell went to %s", loc)
	}
	if n := b.count(`document.querySelectorAll('[data-testid=records] tbody a[href^="/subsidies/"]').length`); n != 1 {
		t.Fatalf("%d records behind the cell:\n%s", n, b.text("[data-testid=records]"))
	}
	if got := b.text("[data-testid=records]"); !strings.Contains(got, "2,102,000.00") {
		t.Fatalf("the record's amount: %s", got)
	}

	b.open("/reports/returns/KJ02/341203?period=" + this)
	b.submit("[data-testid=lock]")
	if got := b.text("[data-testid=locked]"); !strings.Contains(got, "已锁定") || !strings.Contains(got, "王局长") {
		t.Fatalf("after locking, the page says %q", got)
	}
	b.fill(map[string]string{"reason": "补录本季度科技项目"})
	b.submit("[data-testid=unlock]")
	if got := b.count(`document.querySelectorAll('[data-testid=locked]').length`); got != 0 {
		t.Fatalf("after unlocking, the page still says locked:\n%s", b.page())
	}
	hist := b.text("[data-testid=history]")
	if !strings.Contains(hist, "解除锁定") || !strings.Contains(hist, "补录本季度科技项目") || !strings.Contains(hist, "报送锁定") {
		t.Fatalf("the history after the unlock:\n%s", hist)
	}
	b.logout()

	b.login("shiju", "Chakan#Mima2026")
	b.changePassword("Chakan#Mima2026", "Chakan#Mima2027")
	b.open("/reports/returns/KJ02/341200?period=" + this)
	table := b.text("[data-testid=return]")
	for _, want := range []string{"颍州区", "颍东区", "颍泉区", "界首市", "合计"} {
		if !strings.Contains(table, want) {
			t.Errorf("the city's return lacks %s:\n%s", want, table)
		}
	}
	if n := b.count(`document.querySelectorAll('[data-testid=return] tbody tr[data-testid^="row-region-"]').length`); n != 8 {
		t.Errorf("the city's return has %d district rows, want 8", n)
	}
	if got := b.text("[data-testid=row-total-341200] [data-testid='cell-subsidies.granted']"); !strings.Contains(got, "2,102,000.00") {
		t.Errorf("the city's total 核定补助资金 reads %q", got)
	}
	if got := b.text("[data-testid=row-region-341203] [data-testid='cell-subsidies.granted']"); !strings.Contains(got, "2,102,000.00") {
		t.Errorf("颍东区's 核定补助资金 in the city's return reads %q", got)
	}
	if n := b.count(`document.querySelectorAll('[data-testid=lock]').length`); n != 0 {
		t.Error("the city viewer is offered the lock")
	}
}
