package pdf_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"kejiju/internal/docx/docxtest"
	"kejiju/internal/pdf"
)

// TestFromHTML prints a two-page A4 document with a page-number footer
// and reads its text back.
func TestFromHTML(t *testing.T) {
	if _, err := pdf.Browser(); err != nil {
		if os.Getenv("KEJIJU_REQUIRE_BROWSER") != "" {
			t.Fatal("KEJIJU_REQUIRE_BROWSER is set but no Chromium is installed")
		}
		t.Skip("no Chromium installed")
	}
	html := `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>@page{size:A4;margin:20mm}</style></head>
		<body><p>科技局工作总结第一页</p><p style="break-before:page">第二页</p></body></html>`
	out, err := pdf.FromHTML(t.Context(), html, `<div style="font-size:12pt;width:100%;text-align:center">— <span class="pageNumber"></span> —</div>`)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, []byte("%PDF")) || bytes.Count(out, []byte("/Type /Page\n"))+bytes.Count(out, []byte("/Type /Page "))+bytes.Count(out, []byte("/Type/Page")) == 0 {
		t.Fatalf("not a PDF with pages: %.100q", out)
	}
	text := strings.Join(strings.Fields(docxtest.Text(t, out)), "")
	if text == "" {
		return // pdftotext absent and not required
	}
	for _, want := range []string{"科技局工作总结第一页", "第二页", "—1—", "—2—"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q: %s", want, text)
		}
	}
}
