package report

import (
	"context"
	"strconv"
	"time"

	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/docx"
	"kejiju/internal/i18n"
	"kejiju/internal/money"
)

// The half-year work summary (上半年工作总结): its parts follow the bureau's
// report, each a sentence of the catalog whose numbers are figures of the
// period. A part whose figures the catalog lacks is left out, so an area
// joins the summary by adding its measures and a part here.

// Part is one paragraph of the summary: its heading, its sentence and the
// measures that fill the sentence's arguments, in order.
type Part struct {
	Heading  string   // i18n key
	Sentence string   // i18n key with one argument per measure
	Measures []string // measure names
}

// Parts are the summary's paragraphs in the order of the bureau's report.
var Parts = []Part{
	{Heading: "report.part.hte", Sentence: "report.sentence.hte", Measures: []string{"hte.applied", "hte.recert", "hte.recognized", "pool.entered"}},
	{Heading: "report.part.cooperation", Sentence: "report.sentence.cooperation", Measures: []string{"visits", "needs.collected", "needs.forwarded"}},
	{Heading: "report.part.awards", Sentence: "report.sentence.awards", Measures: []string{"awards.awarded"}},
	{Heading: "report.part.projects", Sentence: "report.sentence.projects", Measures: []string{"projects.signed", "projects.paid", "vouchers.issued", "vouchers.redeemed", "subsidies.granted"}},
	{Heading: "report.part.patents", Sentence: "report.sentence.patents", Measures: []string{"patents.invention_applied", "patents.invention_granted", "patents.loans", "patents.loan_amount"}},
	{Heading: "report.part.quake", Sentence: "report.sentence.quake", Measures: []string{"quake.drills", "quake.drilled", "quake.materials"}},
	{Heading: "report.part.poverty", Sentence: "report.sentence.poverty", Measures: []string{"poverty.projects", "poverty.funds", "poverty.people", "events.trainings", "events.trained"}},
}

// Paragraph is a part written out: the heading, the text and the figures
// it quotes (each with its provenance page).
type Paragraph struct {
	Key     string   `json:"key"`    // the part's heading key, which names it in a saved draft
	Edited  bool     `json:"edited"` // staff's wording stands in for the generated sentence
	Number  string   `json:"number"` // （一）, as the document numbers it
	Heading string   `json:"heading"`
	Text    string   `json:"text"`
	Figures []Figure `json:"figures"`
}

// Summary writes the parts for p in the printer's language.
func (c *Catalog) Summary(ctx context.Context, q db.Querier, scope auth.Scope, p Period, pr *i18n.Printer) ([]Paragraph, error) {
	var ms []*Measure
	for _, part := range Parts {
		for _, name := range part.Measures {
			if m := c.byName[name]; m != nil {
				ms = append(ms, m)
			}
		}
	}
	figs, err := c.figures(ctx, q, scope, p, ms)
	if err != nil {
		return nil, err
	}
	byName := make(map[string]Figure, len(figs))
	for _, f := range figs {
		byName[f.Name] = f
	}
	var out []Paragraph
	for _, part := range Parts {
		para := Paragraph{Key: part.Heading, Heading: pr.T(part.Heading)}
		args := make([]any, 0, len(part.Measures))
		for _, name := range part.Measures {
			f, ok := byName[name]
			if !ok {
				break
			}
			para.Figures = append(para.Figures, f)
			args = append(args, f.Text())
		}
		if len(para.Figures) < len(part.Measures) {
			continue
		}
		para.Text = pr.T(part.Sentence, args...)
		para.Number = docx.Number(2, len(out)+1)
		out = append(out, para)
	}
	return out, nil
}

// Text is the figure as the summary writes it: a count, or an amount in
// 万元.
func (f Figure) Text() string {
	if f.Unit == Yuan {
		return money.Fen(f.Value).Wan()
	}
	return strconv.FormatInt(f.Value, 10)
}

// Goal is one of the year's targets, for the plan of the second half: what,
// how many, and how many so far.
type Goal struct {
	Title    string `json:"title"`
	Unit     string `json:"unit"`
	Planned  int64  `json:"planned"`
	Achieved int64  `json:"achieved"`
}

// Goals gives the year's targets in the reader's scope (the task area, wired
// in app).
type Goals func(ctx context.Context, u *auth.User, year int) ([]Goal, error)

// Draft is the half-year summary and plan as written out: the same words
// for the page, the DOCX and the PDF.
type Draft struct {
	Bureau     string
	Year       int
	Paragraphs []Paragraph
	Goals      []Goal
	On         time.Time // the day it is signed
}

// Text is the goal as the plan writes it.
func (g Goal) Text(pr *i18n.Printer) string {
	return pr.T("report.plan.goal", g.Title, g.Planned, g.Unit, g.Achieved)
}
