// Package report turns the bureau's records into figures — the dashboard's
// and the half-year summary's — each with its provenance: the query that
// counts it and the records it counts. It only reads: the measures come
// from the app, which knows every area's tables (see app/measures.go).
package report

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/money"
)

// Period is a span of calendar days, both ends included.
type Period struct {
	From calendar.Date `json:"from"`
	To   calendar.Date `json:"to"`
}

// YearToDate is 1 January of today's year to today.
func YearToDate(today calendar.Date) Period {
	return Period{From: calendar.Date{Year: today.Year, Month: time.January, Day: 1}, To: today}
}

// FirstHalf is 1 January to 30 June of year.
func FirstHalf(year int) Period {
	return Period{From: calendar.Date{Year: year, Month: time.January, Day: 1}, To: calendar.Date{Year: year, Month: time.June, Day: 30}}
}

// LastYear is the same days a year earlier (29 February becomes the 28th).
func (p Period) LastYear() Period { return Period{From: p.From.AddYears(-1), To: p.To.AddYears(-1)} }

// Start is the instant the period begins, midnight in Shanghai.
func (p Period) Start() time.Time {
	return time.Date(p.From.Year, p.From.Month, p.From.Day, 0, 0, 0, 0, calendar.Shanghai)
}

// End is the instant after the period, midnight after its last day.
func (p Period) End() time.Time {
	return time.Date(p.To.Year, p.To.Month, p.To.Day, 0, 0, 0, 0, calendar.Shanghai).AddDate(0, 0, 1)
}

// Valid reports whether the period is a real span of at most ten years.
func (p Period) Valid() bool {
	return p.From.IsValid() && p.To.IsValid() && !p.To.Before(p.From) && p.To.Before(p.From.AddYears(10))
}

// Record is one record a figure counts, with the page that shows it.
type Record struct {
	ID    int64  `json:"id"`
	Label string `json:"label"`
	Href  string `json:"href"`
	// Value is what the record adds to a summed figure: fen for Yuan,
	// people or copies for People and Copies.
	Value int64  `json:"value,omitempty"`
	On    string `json:"on"` // the date that put it in the period
}

// Amount is the record's value as money (for Yuan figures).
func (r Record) Amount() money.Fen { return money.Fen(r.Value) }

// Unit is how a figure is counted.
type Unit string

// The units.
const (
	Enterprises Unit = "enterprises" // 家
	Times       Unit = "times"       // 次
	Items       Unit = "items"       // 件 / 项 / 份
	Yuan        Unit = "yuan"        // the sum of the records' amounts
	People      Unit = "people"      // 人（次）, the sum of the records' people
	Copies      Unit = "copies"      // 份, the sum of the records' quantities
)

// Summed reports whether a figure of the unit sums the records' values
// rather than counting the records.
func (u Unit) Summed() bool { return u == Yuan || u == People || u == Copies }

// Measure is one figure of the bureau's work: its name (the catalog has
// report.measure.<name>), its unit, and the query that lists the records it
// counts in a period within a scope. The figure is the number of records,
// or for a summed unit the sum of their values, so the figure and its
// provenance cannot disagree.
type Measure struct {
	Name string
	Unit Unit
	// SQL selects id, label, link id, value and date, with $1 and $2 for
	// the period's bounds (Bounds) and %s for the scope condition, whose
	// parameters follow.
	SQL string
	// Region is the column the scope filters on.
	Region string
	// Bounds gives the values of $1 and $2: dates as text for date
	// columns, instants for timestamp columns.
	Bounds func(Period) (any, any)
	// Href is the page of a record, with %d for its link id.
	Href string
	// Of and Sums mark a measure that sums the value Sums over the records
	// of the measure named Of: its SQL is Of's with the value column (the
	// literal 0) replaced by Sums. The catalog then computes both figures
	// in one query.
	Of, Sums string
	// Rollup, when set, counts the measure's records of whole calendar
	// months from a rollup table instead of counting the records (a count
	// measure only).
	Rollup *Rollup
}

// Rollup is a table that counts a measure's records by calendar month,
// kept exact by every write that moves a record, in the same transaction
// (and checked against the records by its area's verify command). A
// figure then reads the whole months of its period from the table and
// counts the records of the days outside them, so it is still the number
// of records its provenance lists, without reading every one of them.
type Rollup struct {
	// SQL selects region code and count rows of the months $1 to $2
	// (year*100+month, both included), with %s for the scope condition on
	// Region; their counts add up to the records' count.
	SQL    string
	Region string
}

// query is the rollup's rows of the months first to last within scope.
func (r *Rollup) query(scope auth.Scope, first, last int) (string, []any) {
	args := []any{first, last}
	cond := scope.Where(auth.Columns{Region: r.Region}, &args)
	return fmt.Sprintf(r.SQL, cond), args
}

// monthCut divides p into its whole calendar months, first to last
// (year*100+month; none when first > last), and the days outside them:
// at most a piece before the first whole month and one after the last.
func (p Period) monthCut() (first, last int, days []Period) {
	start, end := p.From, p.To
	if start.Day != 1 {
		start = calendar.Date{Year: start.Year, Month: start.Month, Day: 1}.AddDays(40)
		start.Day = 1
	}
	if end.AddDays(1).Day != 1 {
		end = calendar.Date{Year: end.Year, Month: end.Month, Day: 1}.AddDays(-1)
	}
	if end.Before(start) {
		return 1, 0, []Period{p}
	}
	if p.From.Before(start) {
		days = append(days, Period{From: p.From, To: start.AddDays(-1)})
	}
	if end.Before(p.To) {
		days = append(days, Period{From: end.AddDays(1), To: p.To})
	}
	return yearMonth(start), yearMonth(end), days
}

func yearMonth(d calendar.Date) int { return d.Year*100 + int(d.Month) }

// Dates bounds a TEXT date column: From and To as YYYY-MM-DD, both included
// (the SQL compares with >= $1 AND <= $2).
func Dates(p Period) (any, any) { return p.From.String(), p.To.String() }

// Instants bounds a timestamp column: the start of the period and the
// start of the day after it (the SQL compares with >= $1 AND < $2).
func Instants(p Period) (any, any) { return p.Start().UTC(), p.End().UTC() }

// query is m's SQL for p within scope, with its arguments.
func (m *Measure) query(scope auth.Scope, p Period) (string, []any) {
	from, to := m.Bounds(p)
	args := []any{from, to}
	cond := scope.Where(auth.Columns{Region: m.Region}, &args)
	return fmt.Sprintf(m.SQL, cond), args
}

// aggregate wraps m's query, without its ORDER BY, as the table t(id,
// label, link, v, d) under sel — so a figure is computed over the very
// records the provenance lists, without fetching them.
func (m *Measure) aggregate(scope auth.Scope, p Period, sel string) (string, []any) {
	sql, args := m.query(scope, p)
	return "WITH t (id, label, link, v, d) AS (" + unordered(sql) + ") " + sel, args
}

// unordered is a query without its trailing ORDER BY (one after the last
// parenthesis): the order of the records does not change their count, and
// sorting them only to count them is wasted work.
func unordered(sql string) string {
	if i := strings.LastIndex(sql, " ORDER BY "); i > strings.LastIndex(sql, ")") {
		return sql[:i]
	}
	return sql
}

// Figure computes m's figure in p within scope in the database: the number
// of records it counts and the sum of their values, one row of an
// aggregate over the same query as Records — or, for a measure with a
// monthly rollup, the rollup's counts of p's whole months and the records
// of its other days.
func (m *Measure) Figure(ctx context.Context, q db.Querier, scope auth.Scope, p Period) (n int, sum int64, err error) {
	if m.Rollup == nil {
		return m.figure(ctx, q, scope, p)
	}
	for _, pt := range p.parts() {
		var pn int
		var psum int64
		if pt.days.From.IsZero() {
			sql, args := m.Rollup.query(scope, pt.first, pt.last)
			if err := q.QueryRowContext(ctx, "WITH r (region, n) AS ("+sql+") SELECT CAST(coalesce(sum(n), 0) AS BIGINT) FROM r", args...).Scan(&pn); err != nil {
				return 0, 0, db.Normalize(fmt.Errorf("report: %s by month: %w", m.Name, err))
			}
		} else if pn, psum, err = m.figure(ctx, q, scope, pt.days); err != nil {
			return 0, 0, err
		}
		n, sum = n+pt.sign*pn, sum+int64(pt.sign)*psum
	}
	return n, sum, nil
}

// part is a piece of a period as a rollup reads it: whole months first to
// last (days zero) from the rollup, or days of records; added (sign +1)
// or taken away (-1).
type part struct {
	first, last int
	days        Period
	sign        int
}

// parts cuts p for a rollup: its whole months, and the days outside them —
// where those days are most of a month, that month from the rollup less
// its other days, which are fewer records to read (1–29 November: the
// month less the 30th).
func (p Period) parts() []part {
	first, last, days := p.monthCut()
	var out []part
	if first <= last {
		out = append(out, part{first: first, last: last, sign: 1})
	}
	for _, d := range days {
		month := Period{From: calendar.Date{Year: d.From.Year, Month: d.From.Month, Day: 1}}
		month.To = month.From.AddDays(40)
		month.To = calendar.Date{Year: month.To.Year, Month: month.To.Month, Day: 1}.AddDays(-1)
		if d.To.After(month.To) || 2*d.length() <= month.length() {
			out = append(out, part{days: d, sign: 1})
			continue
		}
		ym := yearMonth(month.From)
		out = append(out, part{first: ym, last: ym, sign: 1})
		if month.From.Before(d.From) {
			out = append(out, part{days: Period{From: month.From, To: d.From.AddDays(-1)}, sign: -1})
		}
		if d.To.Before(month.To) {
			out = append(out, part{days: Period{From: d.To.AddDays(1), To: month.To}, sign: -1})
		}
	}
	return out
}

// length is the number of days of p.
func (p Period) length() int { return int(p.End().Sub(p.Start()) / (24 * time.Hour)) }

// figure is m's figure over its records.
func (m *Measure) figure(ctx context.Context, q db.Querier, scope auth.Scope, p Period) (n int, sum int64, err error) {
	sql, args := m.aggregate(scope, p, "SELECT count(*), CAST(coalesce(sum(v), 0) AS BIGINT) FROM t")
	if err := q.QueryRowContext(ctx, sql, args...).Scan(&n, &sum); err != nil {
		return 0, 0, db.Normalize(fmt.Errorf("report: %s: %w", m.Name, err))
	}
	return n, sum, nil
}

// value is the figure of n records whose values sum to sum.
func (m *Measure) value(n int, sum int64) int64 {
	if m.Unit.Summed() {
		return sum
	}
	return int64(n)
}

// Records lists what m counts in p within scope.
func (m *Measure) Records(ctx context.Context, q db.Querier, scope auth.Scope, p Period) ([]Record, error) {
	return m.RecordsPage(ctx, q, scope, p, 0, 0)
}

// RecordsPage lists limit of the records m counts in p within scope, from
// offset, in the query's order; limit 0 lists them all.
func (m *Measure) RecordsPage(ctx context.Context, q db.Querier, scope auth.Scope, p Period, limit, offset int) ([]Record, error) {
	sql, args := m.query(scope, p)
	if limit > 0 {
		sql += fmt.Sprintf(" LIMIT %d OFFSET %d", limit, max(offset, 0))
	}
	rows, err := q.QueryContext(ctx, sql, args...)
	if err != nil {
		return nil, db.Normalize(fmt.Errorf("report: %s: %w", m.Name, err))
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (Record, error) {
		var r Record
		var link int64
		var on any
		if err := sc.Scan(&r.ID, &r.Label, &link, &r.Value, &on); err != nil {
			return r, err
		}
		r.On = dayOf(on)
		r.Href = fmt.Sprintf(m.Href, link)
		return r, nil
	})
}

// dayOf shows a date column's value or an instant as a Shanghai date.
func dayOf(v any) string {
	switch t := v.(type) {
	case time.Time:
		return calendar.FromTime(t, calendar.Shanghai).String()
	case string:
		if len(t) >= 10 {
			if tm, err := time.Parse(time.RFC3339Nano, t); err == nil {
				return calendar.FromTime(tm, calendar.Shanghai).String()
			}
			return t[:10]
		}
		return t
	case []byte:
		return dayOf(string(t))
	}
	return ""
}

// Value is the figure of records: their count, or the sum of their values.
func (m *Measure) Value(rs []Record) int64 {
	if !m.Unit.Summed() {
		return int64(len(rs))
	}
	var s int64
	for _, r := range rs {
		s += r.Value
	}
	return s
}

// Figure is a measure's value in a period beside the same period last year.
type Figure struct {
	Name     string `json:"name"`
	Unit     Unit   `json:"unit"`
	Value    int64  `json:"value"`
	LastYear int64  `json:"last_year"`
	Count    int    `json:"count"` // records counted (for a summed unit: how many values were summed)
}

// Change is the change against last year in percent, one decimal, signed
// ("+12.5%"), or "" when last year was 0.
func (f Figure) Change() string {
	if f.LastYear == 0 {
		return ""
	}
	return fmt.Sprintf("%+.1f%%", float64(f.Value-f.LastYear)*100/float64(f.LastYear))
}

// Amount and LastAmount are a Yuan figure's values as money.
func (f Figure) Amount() money.Fen     { return money.Fen(f.Value) }
func (f Figure) LastAmount() money.Fen { return money.Fen(f.LastYear) }

// Catalog is the measures the app provides, by name, in display order.
type Catalog struct {
	list   []*Measure
	byName map[string]*Measure
}

// NewCatalog checks the measures: unique keys, a unit, bounds, SQL with one
// %s for the scope, a region column and a link.
func NewCatalog(ms ...Measure) (*Catalog, error) {
	c := &Catalog{byName: map[string]*Measure{}}
	for i := range ms {
		m := &ms[i]
		if m.Name == "" || c.byName[m.Name] != nil || m.Unit == "" || m.Bounds == nil || m.Region == "" || m.Href == "" {
			return nil, fmt.Errorf("report: measure %q is incomplete or repeated", m.Name)
		}
		if m.Rollup != nil && (m.Unit.Summed() || m.Of != "" || m.Rollup.Region == "" || strings.Count(m.Rollup.SQL, "%s") != 1) {
			return nil, fmt.Errorf("report: measure %q: a monthly rollup counts records, with one %%s for the scope", m.Name)
		}
		c.byName[m.Name] = m
		c.list = append(c.list, m)
	}
	return c, nil
}

// Measures lists the measures in display order.
func (c *Catalog) Measures() []*Measure { return c.list }

// Get returns the measure named name, or NotFound.
func (c *Catalog) Get(name string) (*Measure, error) {
	if m := c.byName[name]; m != nil {
		return m, nil
	}
	return nil, i18n.E(i18n.NotFound, "error.not_found")
}

// Figures computes every measure for p and the same period last year.
func (c *Catalog) Figures(ctx context.Context, q db.Querier, scope auth.Scope, p Period) ([]Figure, error) {
	return c.figures(ctx, q, scope, p, c.list)
}

// figures computes the measures ms for p and the same period last year, in
// the order of ms. A measure and the measures that sum over its records
// (Of) are computed by one query per period: count(*) and each sum over
// the records of the counted measure's query. The queries run a few at a
// time (inParallel).
func (c *Catalog) figures(ctx context.Context, q db.Querier, scope auth.Scope, p Period, ms []*Measure) ([]Figure, error) {
	var groups [][]*Measure
	done := map[*Measure]bool{}
	for _, m := range ms {
		if done[m] {
			continue
		}
		group := []*Measure{m}
		if base := c.byName[m.Of]; base != nil && base.twin(m) {
			group = []*Measure{base, m}
		}
		for _, o := range ms {
			if o != group[0] && o != m && o.Of == group[0].Name && group[0].twin(o) {
				group = append(group, o)
			}
		}
		for _, g := range group {
			done[g] = true
		}
		groups = append(groups, group)
	}
	// Each group twice: this period (2i) and last year (2i+1).
	results := make([]counted, 2*len(groups))
	err := inParallel(ctx, q, len(results), func(ctx context.Context, i int) error {
		group, per := groups[i/2], p
		if i%2 == 1 {
			per = p.LastYear()
		}
		var err error
		results[i], err = group[0].figures(ctx, q, scope, per, group[1:])
		return err
	})
	if err != nil {
		return nil, err
	}
	byName := make(map[string]Figure, len(ms))
	for k, group := range groups {
		now, then := results[2*k], results[2*k+1]
		for i, g := range group {
			byName[g.Name] = Figure{Name: g.Name, Unit: g.Unit, Value: g.value(now.n, now.sums[i]), LastYear: g.value(then.n, then.sums[i]), Count: now.n}
		}
	}
	out := make([]Figure, 0, len(ms))
	for _, m := range ms {
		out = append(out, byName[m.Name])
	}
	return out, nil
}

// inParallel runs f(ctx, 0) to f(ctx, n-1): a few at a time when q is the
// connection pool, each query on a connection of its own (a page's figures
// are independent reads, and their sum is the page's wait), one after the
// other in a transaction, which has one connection. The first error
// cancels the rest and is returned.
func inParallel(ctx context.Context, q db.Querier, n int, f func(ctx context.Context, i int) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(1)
	if _, pool := q.(*db.DB); pool {
		g.SetLimit(min(runtime.NumCPU(), 4))
	}
	for i := range n {
		g.Go(func() error { return f(ctx, i) })
	}
	return g.Wait()
}

// twin reports whether o sums a value over exactly m's records: its SQL is
// m's with the value column replaced by o.Sums.
func (m *Measure) twin(o *Measure) bool {
	return o.Of == m.Name && o.Sums != "" && strings.Count(m.SQL, ", 0, ") > 0 &&
		strings.Replace(m.SQL, ", 0, ", ", "+o.Sums+", ", 1) == o.SQL
}

// counted is the count of a query's records and the sums of its values.
type counted struct {
	n    int
	sums []int64 // of m's value, then of each twin's
}

// figures counts m's records in p and sums m's value and each twin's
// (measures for which m.twin holds) over them, in one query.
func (m *Measure) figures(ctx context.Context, q db.Querier, scope auth.Scope, p Period, twins []*Measure) (counted, error) {
	if len(twins) == 0 {
		n, sum, err := m.Figure(ctx, q, scope, p)
		return counted{n, []int64{sum}}, err
	}
	cols, sel, extra := "id, label, link, v", "count(*), CAST(coalesce(sum(v), 0) AS BIGINT)", ""
	for i, tw := range twins {
		cols += fmt.Sprintf(", s%d", i)
		sel += fmt.Sprintf(", CAST(coalesce(sum(s%d), 0) AS BIGINT)", i)
		extra += tw.Sums + ", "
	}
	sql, args := m.query(scope, p)
	sql = strings.Replace(sql, ", 0, ", ", 0, "+extra, 1)
	if i := strings.LastIndex(sql, " ORDER BY "); i >= 0 {
		sql = sql[:i]
	}
	c := counted{sums: make([]int64, 1+len(twins))}
	dst := []any{&c.n}
	for i := range c.sums {
		dst = append(dst, &c.sums[i])
	}
	if err := q.QueryRowContext(ctx, "WITH t ("+cols+", d) AS ("+sql+") SELECT "+sel+" FROM t", args...).Scan(dst...); err != nil {
		return c, db.Normalize(fmt.Errorf("report: %s: %w", m.Name, err))
	}
	return c, nil
}
