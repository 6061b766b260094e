package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kejiju/internal/enterprise"
)

// writeWorkbook writes a sample import workbook to a temp file.
func writeWorkbook(t *testing.T, n int, spoil map[int]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "企业名录.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := enterprise.WriteSampleWorkbook(f, n, spoil); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// upload chooses file in the import form and presses the button sel.
func (b *browser) upload(file, sel string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("file"), []string{file})); err != nil {
		b.fail("choose file", err)
	}
	b.submit(sel)
}

// TestBrowserEnterpriseImport: staff preview a 1,000-row workbook with
// three bad rows and see those rows named, nothing written; after fixing
// them the import brings in 1,000 records; an enterprise user then sees
// only its own record.
func TestBrowserEnterpriseImport(t *testing.T) {
	ctx := newBrowser(t)
	ts := startServer(t, t.TempDir(), "--demo")
	b := &browser{t: t, ctx: ctx, url: ts.URL}
	b.login("zhangsan", ts.Passwords["zhangsan"])
	b.changePassword(ts.Passwords["zhangsan"], "Gaoxin#Keji2026")

	b.open("/enterprises/import")
	b.upload(writeWorkbook(t, 1000, map[int]string{17: "checksum", 512: "township", 999: "date"}), "[data-testid=preview]")
	report := b.text("[data-testid=import-errors]")
	for _, row := range []string{"18", "513", "1000"} {
		if !strings.Contains(report, row) {
			t.Errorf("the preview does not name row %s:\n%s", row, report)
		}
	}
	for _, why := range []string{"校验码", "不存在镇", "成立日期"} {
		if !strings.Contains(report, why) {
			t.Errorf("the preview does not say %q:\n%s", why, report)
		}
	}
	// Import without fixing: refused, nothing written.
	b.upload(writeWorkbook(t, 1000, map[int]string{17: "checksum", 512: "township", 999: "date"}), "[data-testid=import]")
	if got := b.text("[data-testid=import-report]"); !strings.Contains(got, "未写入任何数据") {
		t.Fatalf("a bad import was not refused:\n%s", got)
	}
	b.open("/enterprises")
	if got := b.text("[data-testid=list-total]"); !strings.Contains(got, "共 60 条") { // the demo district's 60
		t.Fatalf("a refused import wrote records: %s", got)
	}

	fixed := writeWorkbook(t, 1000, nil)
	b.open("/enterprises/import")
	b.upload(fixed, "[data-testid=preview]")
	if got := b.text("[data-testid=import-summary]"); !strings.Contains(got, "新增1000家") {
		t.Fatalf("preview of the fixed workbook: %q", got)
	}
	b.upload(fixed, "[data-testid=import]")
	if got := b.text("[data-testid=import-report]"); !strings.Contains(got, "导入完成") || !strings.Contains(got, "新增1000家") {
		t.Fatalf("import: %q", got)
	}
	b.open("/enterprises")
	if got := b.text("[data-testid=list-total]"); !strings.Contains(got, "共 1060 条") {
		t.Fatalf("after import the list says:\n%s", got)
	}
	// Search by pinyin initials and by a Chinese fragment.
	b.open("/enterprises?q=" + "示例0042")
	if got := b.text("[data-testid=enterprises]"); !strings.Contains(got, "阜阳颍东示例0042科技有限公司") {
		t.Errorf("search for 示例0042: %q", got)
	}
	b.logout()

	// An enterprise user of record 7 sees that record, and nothing else.
	ts.Stop()
	out, err := kejiju(t, "Qiye#Mima2026\n", "user", "add", "--data", ts.DataDir, "--username", "qiye7", "--name", "企业七", "--role", "enterprise", "--enterprise-code", enterprise.SampleCode(7))
	if err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	ts = startServer(t, ts.DataDir)
	b.url = ts.URL
	b.login("qiye7", "Qiye#Mima2026")
	b.changePassword("Qiye#Mima2026", "Qiye#Mima2027")
	b.open("/enterprises")
	if got := b.text("[data-testid=enterprise-name]"); got != "阜阳颍东示例0007科技有限公司" {
		t.Fatalf("enterprise user's list led to %q", got)
	}
	b.open("/enterprises?q=示例0008")
	if got := b.text("h1"); got != "阜阳颍东示例0007科技有限公司" {
		t.Errorf("enterprise user searching another: landed on %q", got)
	}
	b.open("/api/v1/enterprises")
	if got := b.page(); !strings.Contains(got, `"total":1}`) || strings.Contains(got, "示例0008") {
		t.Errorf("the API gave the enterprise user more than its own record: %q", got)
	}
}
