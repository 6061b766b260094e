package report

import (
	"context"
	"fmt"
	"html/template"
	"reflect"
	"strconv"

	"kejiju/internal/auth"
	"kejiju/internal/chart"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// Charts draws the dashboard's charts for p: the 高企 pipeline of the
// period as a funnel (from figs, the period's figures), and the research visits and needs month by month in
// p's year beside the year before. Measures the catalog lacks are left
// out; each chart counts the same records as its figures.
func (c *Catalog) Charts(ctx context.Context, q db.Querier, scope auth.Scope, p Period, figs []Figure, pr *i18n.Printer) ([]template.HTML, error) {
	var out []template.HTML
	var stages []chart.Stage
	for _, name := range []string{"pool.entered", "hte.applied", "hte.recognized"} {
		for _, f := range figs {
			if f.Name == name {
				stages = append(stages, chart.Stage{Name: pr.T("report.measure." + name), Count: float64(f.Value)})
			}
		}
	}
	if len(stages) > 0 {
		out = append(out, svg(chart.Funnel{Title: pr.T("report.chart.pipeline"), Unit: pr.T("report.unit.enterprises"), Stages: stages}.SVG()))
	}
	year := Period{From: p.From, To: p.To}
	year.From.Month, year.From.Day = 1, 1
	year.To = year.From.AddYears(1).AddDays(-1)
	months := make([]string, 12)
	for i := range months {
		months[i] = pr.T("report.month", i+1)
	}
	var trends []*Measure
	for _, name := range []string{"visits", "needs.collected"} {
		if m := c.byName[name]; m != nil {
			trends = append(trends, m)
		}
	}
	years := []Period{year, year.LastYear()}
	vals := make([][]float64, len(trends)*len(years))
	err := inParallel(ctx, q, len(vals), func(ctx context.Context, i int) error {
		var err error
		vals[i], err = trends[i/len(years)].byMonth(ctx, q, scope, years[i%len(years)])
		return err
	})
	if err != nil {
		return nil, err
	}
	for i, m := range trends {
		var series []chart.Series
		for k, per := range years {
			series = append(series, chart.Series{Name: pr.T("report.chart.year", per.From.Year), Values: vals[i*len(years)+k], Dashed: k == 1})
		}
		out = append(out, svg(chart.Trend{Title: pr.T("report.measure." + m.Name), Unit: pr.T("report.unit." + string(m.Unit)), Periods: months, Series: series}.SVG()))
	}
	return out, nil
}

// svg marks a chart's SVG as safe HTML: the chart package escapes every
// text it draws.
func svg(b []byte) template.HTML { return template.HTML(b) }

// byMonth counts what m counts in p by month. A measure on a date column is
// counted by the database (its dates read YYYY-MM-DD as text on both
// engines); one on instants lists its records and counts their Shanghai
// days.
func (m *Measure) byMonth(ctx context.Context, q db.Querier, scope auth.Scope, p Period) ([]float64, error) {
	if reflect.ValueOf(m.Bounds).Pointer() != reflect.ValueOf(Dates).Pointer() {
		rs, err := m.Records(ctx, q, scope, p)
		return byMonth(rs), err
	}
	sql, args := m.aggregate(scope, p, "SELECT substr(CAST(d AS TEXT), 6, 2), count(*) FROM t GROUP BY substr(CAST(d AS TEXT), 6, 2)")
	rows, err := q.QueryContext(ctx, sql, args...)
	if err != nil {
		return nil, db.Normalize(fmt.Errorf("report: %s by month: %w", m.Name, err))
	}
	type month struct {
		mo string
		n  float64
	}
	ms, err := db.Collect(rows, func(sc interface{ Scan(...any) error }) (month, error) {
		var x month
		return x, sc.Scan(&x.mo, &x.n)
	})
	if err != nil {
		return nil, db.Normalize(fmt.Errorf("report: %s by month: %w", m.Name, err))
	}
	vals := make([]float64, 12)
	for _, x := range ms {
		if mo, err := strconv.Atoi(x.mo); err == nil && mo >= 1 && mo <= 12 {
			vals[mo-1] += x.n
		}
	}
	return vals, nil
}

// byMonth counts records by the month of their date (YYYY-MM-DD).
func byMonth(rs []Record) []float64 {
	vals := make([]float64, 12)
	for _, r := range rs {
		if len(r.On) < 7 {
			continue
		}
		if mo, err := strconv.Atoi(r.On[5:7]); err == nil && mo >= 1 && mo <= 12 {
			vals[mo-1]++
		}
	}
	return vals
}
