package main

import (
	"strings"
	"testing"
)

// TestBrowserDashboard: the director opens the dashboard of the demo
// district, reads the subsidies granted this year, clicks the figure, lands
// on the records it counts — the one approved equipment post-subsidy of
// 2,102,000 元 — and from there on the claim itself.
func TestBrowserDashboard(t *testing.T) {
	ctx := newBrowser(t)
	ts := startServer(t, t.TempDir(), "--demo")
	pw := ts.Passwords
	b := &browser{t: t, ctx: ctx, url: ts.URL}

	b.login("juzhang", pw["juzhang"])
	b.changePassword(pw["juzhang"], "Kanban#Shuju2026")
	b.open("/dashboard")
	card := b.text("[data-testid='figure-subsidies.granted']")
	// The demo's claim: a 1,500万元 microscope capped at 200万元 and 68万元 × 15%.
	if !strings.Contains(card, "核定补助资金") || !strings.Contains(card, "210.20 万元") {
		t.Fatalf("the subsidies card reads %q:\n%s", card, b.page())
	}
	b.submit("[data-testid='figure-subsidies.granted']")
	if loc := b.location(); !strings.Contains(loc, "/dashboard/figures/subsidies.granted?from=") {
		t.Fatalf("clicking the figure went to %s", loc)
	}
	if n := b.count(`document.querySelectorAll('[data-testid=records] tbody a[href^="/subsidies/"]').length`); n != 1 {
		t.Fatalf("%d records behind the figure:\n%s", n, b.text("[data-testid=records]"))
	}
	if got := b.text("[data-testid=records]"); !strings.Contains(got, "2,102,000.00") {
		t.Fatalf("the record's amount: %s", got)
	}
	b.submit("[data-testid=records] tbody a")
	if got := b.text("[data-testid=state]"); got != "已核定" {
		t.Fatalf("the record behind the figure shows %q", got)
	}
}
