package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kejiju/internal/ident"
	"kejiju/internal/xlsx"
)

// TestBrowserPatentStatistics plants patents of 2019 (a year the demo data
// leave empty) through the CLI import; staff open the statistics page,
// choose 2019年1–5月 and read 发明专利申请 3 件，授权 2 件 — the planted
// inventions applied for in January–May and those granted then, not the one
// applied for on 1 June nor the utility model; they click the figure and
// see exactly the three records behind it; the export holds the same
// figures.
func TestBrowserPatentStatistics(t *testing.T) {
	ctx := newBrowser(t)
	dir := t.TempDir()
	ts := startServer(t, dir, "--demo")
	pw := ts.Passwords
	ts.Stop()

	no := func(year, typ, serial int) string {
		digits := fmt.Sprintf("%04d%d%07d", year, typ, serial)
		c, err := ident.PatentCheckChar(digits)
		if err != nil {
			t.Fatal(err)
		}
		return digits + "." + string(c)
	}
	inA, inB, inC, inD, utE, inF := no(2019, 1, 7101), no(2019, 1, 7102), no(2019, 1, 7103), no(2019, 1, 7104), no(2019, 2, 7105), no(2018, 1, 7106)
	list := "申请号,专利类型,专利名称,申请人,发明人,申请日,授权公告日,法律状态,代理机构,所属乡镇\n" +
		inA + ",发明,一种甲装置,阜阳某大学,2,2019-01-15,,在审,,插花镇\n" +
		inB + ",发明,一种乙方法,阜阳某大学,3,2019-03-02,2019-05-20,授权,,插花镇\n" +
		inC + ",发明,一种丙系统,阜阳某大学,1,2019-05-31,,在审,,口孜镇\n" +
		inD + ",发明,一种丁装置,阜阳某大学,2,2019-06-01,,在审,,口孜镇\n" +
		utE + ",实用新型,一种戊结构,阜阳某大学,2,2019-02-10,2019-04-01,授权,,插花镇\n" +
		inF + ",发明,一种己工艺,阜阳某大学,4,2018-04-01,2019-02-14,有效,,插花镇\n"
	file := filepath.Join(t.TempDir(), "专利清单.csv")
	if err := os.WriteFile(file, []byte(list), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := kejiju(t, "", "import", "patents", file, "--data", dir, "--as", "zhangsan"); err != nil {
		t.Fatalf("import patents: %v\n%s", err, out)
	}

	ts = startServer(t, dir)
	b := &browser{t: t, ctx: ctx, url: ts.URL}
	b.login("zhangsan", pw["zhangsan"])
	b.changePassword(pw["zhangsan"], "Gaoxin#Keji2026")
	b.open("/patents/stats")
	b.set("#year", "2019")
	b.set("#kind", "ytd")
	b.set("#n", "5")
	b.submit("[data-testid=period-form] button")
	if got, want := b.text("[data-testid=summary]"), "2019年1–5月 发明专利申请 3 件，授权 2 件"; got != want {
		t.Fatalf("summary %q, want %q; page:\n%s", got, want, b.page())
	}
	if got := b.text("[data-testid=apps-utility]"); got != "1" {
		t.Errorf("utility model applications %q, want 1", got)
	}

	// The records behind 发明专利申请 3 件.
	b.submit("[data-testid=apps-invention]")
	if !strings.Contains(b.location(), "/patents?") {
		t.Fatalf("the figure led to %s", b.location())
	}
	if got := b.text("[data-testid=period-filter]"); !strings.Contains(got, "2019年1月1日") || !strings.Contains(got, "2019年5月31日") {
		t.Errorf("period filter %q", got)
	}
	rows := b.text("[data-testid=patents] tbody")
	for _, n := range []string{inA, inB, inC} {
		if !strings.Contains(rows, n) {
			t.Errorf("the invention applications behind the figure lack %s:\n%s", n, rows)
		}
	}
	for _, n := range []string{inD, utE, inF} {
		if strings.Contains(rows, n) {
			t.Errorf("the invention applications behind the figure include %s:\n%s", n, rows)
		}
	}
	if got := b.count(`document.querySelectorAll('[data-testid=patents] tbody tr').length`); got != 3 {
		t.Errorf("%d rows behind the figure, want 3:\n%s", got, rows)
	}

	// The grants behind 授权 2 件, then the export of the page.
	b.open("/patents/stats?year=2019&kind=ytd&n=5")
	b.submit("[data-testid=grants-invention]")
	rows = b.text("[data-testid=patents] tbody")
	if !strings.Contains(rows, inB) || !strings.Contains(rows, inF) || strings.Contains(rows, inA) || strings.Contains(rows, utE) {
		t.Errorf("the invention grants behind the figure:\n%s", rows)
	}
	b.open("/patents/stats?year=2019&kind=ytd&n=5")
	sctx, cancel := b.step()
	defer cancel()
	encoded, err := chromedp.Run(sctx, chromedp.Evaluate[string](`fetch(document.querySelector('[data-testid=export]').href)
		.then(r => r.arrayBuffer()).then(buf => { let s = ''; for (const c of new Uint8Array(buf)) s += String.fromCharCode(c); return btoa(s); })`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail("export", err)
	}
	data, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		t.Fatal(err)
	}
	sheet := xlsx.Sheet{Name: "专利统计", Columns: []xlsx.Column{{Key: "group", Header: "分组"}, {Key: "name", Header: "名称"},
		{Key: "ia", Header: "发明申请"}, {Key: "ig", Header: "发明授权"}, {Key: "ua", Header: "实用新型申请"}}}
	found := false
	if _, err := xlsx.Read(bytes.NewReader(data), sheet, 1<<20, func(r xlsx.Row) error {
		if r.Values["group"] == "合计" {
			found = true
			if r.Values["name"] != "2019年1–5月" || r.Values["ia"] != "3" || r.Values["ig"] != "2" || r.Values["ua"] != "1" {
				t.Errorf("export 合计 row: %v", r.Values)
			}
		}
		return nil
	}); err != nil {
		t.Fatalf("export (%d bytes): %v", len(data), err)
	}
	if !found {
		t.Error("the export has no 合计 row")
	}
}
