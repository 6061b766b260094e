package report

import (
	"bytes"
	"context"
	"embed"
	"html/template"
	"time"

	"kejiju/internal/docx"
	"kejiju/internal/i18n"
	"kejiju/internal/pdf"
)

//go:embed print/*.html
var printFS embed.FS

var printTemplates = template.Must(template.ParseFS(printFS, "print/*.html"))

// pageFooter is the 公文 page number, "— 1 —", 四号 (14 pt).
const pageFooter = `<div style="width:100%;text-align:center;font-size:14pt;font-family:'Noto Serif CJK SC',serif">— <span class="pageNumber"></span> —</div>`

// PrintHTML is the summary as one printable HTML document, the same words
// as the page and the DOCX, laid out for A4 in the 公文 geometry.
func PrintHTML(bureau string, year int, paras []Paragraph, pr *i18n.Printer, on time.Time) (string, error) {
	var b bytes.Buffer
	err := printTemplates.ExecuteTemplate(&b, "summary.html", map[string]any{
		"Title": pr.T("report.doc.title", bureau, year), "Recipient": pr.T("report.doc.recipient"), "Part": pr.T("report.doc.part", year),
		"Main": pr.T("report.doc.main"), "Paragraphs": paras, "Bureau": bureau, "Date": docx.DateCN(on),
	})
	return b.String(), err
}

// PDF prints the summary with headless Chromium.
func PDF(ctx context.Context, bureau string, year int, paras []Paragraph, pr *i18n.Printer, on time.Time) ([]byte, error) {
	html, err := PrintHTML(bureau, year, paras, pr, on)
	if err != nil {
		return nil, err
	}
	return pdf.FromHTML(ctx, html, pageFooter)
}
