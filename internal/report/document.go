package report

import (
	"time"

	"kejiju/internal/docx"
	"kejiju/internal/i18n"
)

// Document lays the summary out as a 公文 (GB/T 9704-2012) for bureau of
// year: the title, the parts as numbered headings with their sentences, a
// chart of the counted figures beside last year, and an annex of sources
// (how many records each figure counts; the records themselves are one
// click away in the system), signed by the bureau on the day.
func Document(bureau string, year int, paras []Paragraph, pr *i18n.Printer, on time.Time) *docx.Document {
	d := &docx.Document{Title: pr.T("report.doc.title", bureau, year), Recipient: pr.T("report.doc.recipient"), Creator: bureau,
		Signature: &docx.Signature{Org: bureau, Date: on}, Created: on}
	d.Body = append(d.Body, &docx.Part{Text: pr.T("report.doc.part", year)}, &docx.Heading{Level: 1, Text: pr.T("report.doc.main")})
	var names []string
	var now, then []float64
	var sources [][]string
	for _, p := range paras {
		d.Body = append(d.Body, &docx.Heading{Level: 2, Text: p.Heading}, &docx.Paragraph{Text: p.Text})
		for _, f := range p.Figures {
			label := pr.T("report.measure." + f.Name)
			sources = append(sources, []string{label, f.Text(), pr.T("report.doc.source_row", label, f.Count)})
			if !f.Unit.Summed() {
				names = append(names, label)
				now, then = append(now, float64(f.Value)), append(then, float64(f.LastYear))
			}
		}
	}
	if len(names) > 0 {
		d.Body = append(d.Body, &docx.Chart{Kind: docx.ChartColumn, Title: pr.T("report.doc.chart"), Categories: names,
			Series:  []docx.ChartSeries{{Name: pr.T("report.doc.this_year", year), Values: now}, {Name: pr.T("report.doc.last_year", year-1), Values: then, Dashed: true}},
			Caption: pr.T("report.doc.chart")})
	}
	if len(sources) > 0 {
		rows := make([][]string, len(sources))
		for i, s := range sources {
			rows[i] = []string{s[0], s[1], s[2]}
		}
		d.Body = append(d.Body, &docx.Heading{Level: 1, Text: pr.T("report.doc.sources")},
			&docx.Table{Header: []string{pr.T("report.record"), pr.T("report.amount"), pr.T("report.query")}, Rows: rows})
	}
	return d
}
