package report

import (
	"bytes"
	"context"
	"embed"
	"html/template"

	"kejiju/internal/docx"
	"kejiju/internal/i18n"
	"kejiju/internal/pdf"
)

//go:embed print/*.html
var printFS embed.FS

var printTemplates = template.Must(template.ParseFS(printFS, "print/*.html"))

// pageFooter is the 公文 page number, "— 1 —", 四号 (14 pt).
const pageFooter = `<div style="width:100%;text-align:center;font-size:14pt;font-family:'Noto Serif CJK SC',serif">— <span class="pageNumber"></span> —</div>`

// PrintHTML is the draft as one printable HTML document, the same words
// as the page and the DOCX, laid out for A4 in the 公文 geometry.
func PrintHTML(dr Draft, pr *i18n.Printer) (string, error) {
	goals := make([]string, len(dr.Goals))
	for i, g := range dr.Goals {
		goals[i] = g.Text(pr)
	}
	var b bytes.Buffer
	err := printTemplates.ExecuteTemplate(&b, "summary.html", map[string]any{
		"Title": pr.T("report.doc.title", dr.Bureau, dr.Year), "Recipient": pr.T("report.doc.recipient"), "Part": pr.T("report.doc.part", dr.Year),
		"Main": pr.T("report.doc.main"), "Paragraphs": dr.Paragraphs, "Bureau": dr.Bureau, "Date": docx.DateCN(dr.On),
		"PlanPart": pr.T("report.plan.part", dr.Year), "PlanHeading": pr.T("report.plan.heading"), "Goals": goals,
	})
	return b.String(), err
}

// PDF prints the draft with headless Chromium.
func PDF(ctx context.Context, dr Draft, pr *i18n.Printer) ([]byte, error) {
	html, err := PrintHTML(dr, pr)
	if err != nil {
		return nil, err
	}
	return pdf.FromHTML(ctx, html, pageFooter)
}
