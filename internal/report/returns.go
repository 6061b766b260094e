package report

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/money"
	"kejiju/internal/region"
)

// Frequency is how often a statistical return is due.
type Frequency string

// The frequencies: 月报, 季报, 半年报, 年报.
const (
	Monthly    Frequency = "month"
	Quarterly  Frequency = "quarter"
	HalfYearly Frequency = "half"
	Yearly     Frequency = "year"
)

// periodsPerYear is how many periods of f a year has.
func (f Frequency) periodsPerYear() int {
	switch f {
	case Monthly:
		return 12
	case Quarterly:
		return 4
	case HalfYearly:
		return 2
	case Yearly:
		return 1
	}
	return 0
}

// Return is a statistical return (统计报表) the district sends the city: a
// whitelisted table whose columns are measures of the catalog and whose
// rows are the reporting region's children (a district's townships, a
// city's districts) and their total. The catalog has report.return.<code>
// for its title. Users choose a return and a period, never a query.
type Return struct {
	Code      string
	Frequency Frequency
	Columns   []string // measure names
}

// Returns are the statistical returns the app defines, by code.
type Returns struct {
	list    []*Return
	byCode  map[string]*Return
	Catalog *Catalog
}

var returnCode = regexp.MustCompile(`^[A-Za-z0-9-]{1,20}$`)

// NewReturns checks the definitions against the catalog: codes unique and
// plain, a known frequency, and columns that are measures.
func NewReturns(c *Catalog, rs ...Return) (*Returns, error) {
	out := &Returns{byCode: map[string]*Return{}, Catalog: c}
	for i := range rs {
		r := &rs[i]
		if !returnCode.MatchString(r.Code) || out.byCode[r.Code] != nil || r.Frequency.periodsPerYear() == 0 || len(r.Columns) == 0 {
			return nil, fmt.Errorf("report: return %q is incomplete or repeated", r.Code)
		}
		for _, name := range r.Columns {
			if _, err := c.Get(name); err != nil {
				return nil, fmt.Errorf("report: return %s: no measure %q", r.Code, name)
			}
		}
		out.byCode[r.Code] = r
		out.list = append(out.list, r)
	}
	return out, nil
}

// List lists the returns in display order.
func (rs *Returns) List() []*Return { return rs.list }

// Get returns the return of code, or NotFound.
func (rs *Returns) Get(code string) (*Return, error) {
	if r := rs.byCode[code]; r != nil {
		return r, nil
	}
	return nil, i18n.E(i18n.NotFound, "error.not_found")
}

// ReportPeriod is one period of a frequency: month N, quarter N, half N or
// the year (N = 1).
type ReportPeriod struct {
	Year      int
	Frequency Frequency
	N         int
}

// Key is the period as it is written in URLs and stored: 2026-M03,
// 2026-Q1, 2026-H1, 2026-Y.
func (rp ReportPeriod) Key() string {
	switch rp.Frequency {
	case Monthly:
		return fmt.Sprintf("%d-M%02d", rp.Year, rp.N)
	case Quarterly:
		return fmt.Sprintf("%d-Q%d", rp.Year, rp.N)
	case HalfYearly:
		return fmt.Sprintf("%d-H%d", rp.Year, rp.N)
	}
	return fmt.Sprintf("%d-Y", rp.Year)
}

// Label is the period in words, e.g. 2026年第3季度.
func (rp ReportPeriod) Label(pr *i18n.Printer) string {
	key := "report.return.period." + string(rp.Frequency)
	if rp.Frequency == HalfYearly {
		key += strconv.Itoa(rp.N) // 上半年, 下半年
	}
	return pr.T(key, rp.Year, rp.N)
}

var periodKey = regexp.MustCompile(`^(\d{4})-(?:M(\d{2})|Q(\d)|H(\d)|(Y))$`)

// ParsePeriod reads a period key of frequency f; a key of another
// frequency, or no such period, is a field error on "period".
func ParsePeriod(f Frequency, key string) (ReportPeriod, error) {
	bad := i18n.FieldError("period", "report.return.bad_period")
	m := periodKey.FindStringSubmatch(key)
	if m == nil {
		return ReportPeriod{}, bad
	}
	year, _ := strconv.Atoi(m[1])
	rp := ReportPeriod{Year: year, Frequency: f, N: 1}
	var n string
	switch f {
	case Monthly:
		n = m[2]
	case Quarterly:
		n = m[3]
	case HalfYearly:
		n = m[4]
	case Yearly:
		if m[5] == "" {
			return rp, bad
		}
		n = "1"
	}
	rp.N, _ = strconv.Atoi(n)
	if year < 2000 || year > 2100 || rp.N < 1 || rp.N > f.periodsPerYear() {
		return rp, bad
	}
	return rp, nil
}

// Period is the span of days the period covers.
func (rp ReportPeriod) Period() Period {
	months := 12 / rp.Frequency.periodsPerYear()
	first := time.Month((rp.N-1)*months + 1)
	last := time.Date(rp.Year, first+time.Month(months), 0, 0, 0, 0, 0, time.UTC)
	return Period{From: calendar.Date{Year: rp.Year, Month: first, Day: 1}, To: calendar.Date{Year: rp.Year, Month: last.Month(), Day: last.Day()}}
}

// PeriodOf is the period of f that contains day.
func PeriodOf(f Frequency, day calendar.Date) ReportPeriod {
	months := 12 / f.periodsPerYear()
	return ReportPeriod{Year: day.Year, Frequency: f, N: (int(day.Month)-1)/months + 1}
}

// Prev is the period before rp.
func (rp ReportPeriod) Prev() ReportPeriod {
	if rp.N > 1 {
		rp.N--
		return rp
	}
	rp.Year--
	rp.N = rp.Frequency.periodsPerYear()
	return rp
}

// Recent lists the period of f containing today and the n-1 before it,
// newest first.
func Recent(f Frequency, today calendar.Date, n int) []ReportPeriod {
	out := make([]ReportPeriod, 0, n)
	for rp := PeriodOf(f, today); len(out) < n; rp = rp.Prev() {
		out = append(out, rp)
	}
	return out
}

// Column is one column of a filled return.
type Column struct {
	Name string `json:"name"` // the measure
	Unit Unit   `json:"unit"`
}

// Cell is one figure of a filled return.
type Cell struct {
	Value int64 `json:"value"`
	Count int   `json:"count"` // records counted
}

// Amount is a Yuan cell's value as money.
func (c Cell) Amount() money.Fen { return money.Fen(c.Value) }

// Row kinds: a child region, the records of the reporting region that lie
// under none of its children (本级), and the total.
const (
	RowRegion = "region"
	RowRest   = "rest"
	RowTotal  = "total"
)

// Row is one row of a filled return.
type Row struct {
	Kind   string `json:"kind"`
	Region string `json:"region"` // the child's code; the reporting region's for rest and total
	Name   string `json:"name"`
	Cells  []Cell `json:"cells"`
}

// Filled is a return filled in for a period and a region — live, or as a
// lock kept it.
type Filled struct {
	Code       string        `json:"code"`
	Period     string        `json:"period"` // the key
	From       calendar.Date `json:"from"`
	To         calendar.Date `json:"to"`
	Region     string        `json:"region"`
	RegionName string        `json:"region_name"`
	Columns    []Column      `json:"columns"`
	Rows       []Row         `json:"rows"`
	MadeAt     time.Time     `json:"made_at"` // when the figures were counted
}

// Total is the total row.
func (f *Filled) Total() *Row {
	for i := range f.Rows {
		if f.Rows[i].Kind == RowTotal {
			return &f.Rows[i]
		}
	}
	return nil
}

// Row returns the row of kind and region, or nil.
func (f *Filled) Row(kind, code string) *Row {
	for i := range f.Rows {
		if f.Rows[i].Kind == kind && f.Rows[i].Region == code {
			return &f.Rows[i]
		}
	}
	return nil
}

// Equal reports whether g holds the same rows and figures as f.
func (f *Filled) Equal(g *Filled) bool {
	if g == nil || len(f.Rows) != len(g.Rows) || len(f.Columns) != len(g.Columns) {
		return false
	}
	for i, r := range f.Rows {
		o := g.Rows[i]
		if r.Kind != o.Kind || r.Region != o.Region || len(r.Cells) != len(o.Cells) {
			return false
		}
		for j := range r.Cells {
			if r.Cells[j] != o.Cells[j] {
				return false
			}
		}
	}
	return true
}

// RegionScope is the scope of one region alone, for a reader whose scope
// allows it: the region and everything under it. It refuses (NotFound, as
// for an object out of scope) a region the reader may not see, and
// readers limited to an enterprise or to assignments.
func RegionScope(reader auth.Scope, code string) (auth.Scope, error) {
	if reader.EnterpriseID > 0 || reader.ExpertUserID > 0 || !reader.Allows(code, 0) {
		return auth.Scope{}, i18n.E(i18n.NotFound, "error.not_found")
	}
	return auth.Scope{Regions: []string{code}, ReadOnly: reader.ReadOnly}, nil
}

// Fill counts ret for rp in reg: for each column, the figure of each
// child region, of the records in reg under no child (a 本级 row, shown
// when it has any), and of reg in all — which is therefore exactly the sum
// of the rows. One grouped query per column (SplitCounts). The caller has
// checked that the reader may see reg.
func (rs *Returns) Fill(ctx context.Context, q db.Querier, ret *Return, rp ReportPeriod, reg region.Region, children []region.Region, now time.Time) (*Filled, error) {
	f, err := rs.fillPeriod(ctx, q, ret, rp.Period(), reg, children, now)
	if f != nil {
		f.Period = rp.Key()
	}
	return f, err
}

// fillPeriod is Fill for any span of days.
func (rs *Returns) fillPeriod(ctx context.Context, q db.Querier, ret *Return, p Period, reg region.Region, children []region.Region, now time.Time) (*Filled, error) {
	f := &Filled{Code: ret.Code, From: p.From, To: p.To, Region: reg.Code, RegionName: reg.Name, MadeAt: now.UTC()}
	rows := make([]Row, 0, len(children)+2)
	for _, c := range children {
		rows = append(rows, Row{Kind: RowRegion, Region: c.Code, Name: c.Name})
	}
	rest := Row{Kind: RowRest, Region: reg.Code, Name: reg.Name}
	total := Row{Kind: RowTotal, Region: reg.Code, Name: reg.Name}
	for _, name := range ret.Columns {
		m, err := rs.Catalog.Get(name)
		if err != nil {
			return nil, err
		}
		f.Columns = append(f.Columns, Column{Name: m.Name, Unit: m.Unit})
		byChild, left, all, err := SplitCounts(ctx, q, m, p, reg.Code, children)
		if err != nil {
			return nil, err
		}
		for i, c := range byChild {
			rows[i].Cells = append(rows[i].Cells, c)
		}
		rest.Cells = append(rest.Cells, left)
		total.Cells = append(total.Cells, all)
	}
	for _, c := range rest.Cells {
		if c.Count > 0 {
			rows = append(rows, rest)
			break
		}
	}
	f.Rows = append(rows, total)
	return f, nil
}

// regional is m's query with the record's region as a first column, for
// reg's scope, and its parameters.
func regional(m *Measure, p Period, reg string) (string, []any, error) {
	body, ok := strings.CutPrefix(strings.TrimSpace(m.SQL), "SELECT ")
	if !ok {
		return "", nil, fmt.Errorf("report: %s: the query does not start with SELECT", m.Name)
	}
	from, to := m.Bounds(p)
	args := []any{from, to}
	cond := auth.Scope{Regions: []string{reg}}.Where(auth.Columns{Region: m.Region}, &args)
	return fmt.Sprintf("SELECT "+m.Region+", "+body, cond), args, nil
}

// childScopes are the scopes of each child alone.
func childScopes(children []region.Region) []auth.Scope {
	out := make([]auth.Scope, len(children))
	for i, c := range children {
		out[i] = auth.Scope{Regions: []string{c.Code}}
	}
	return out
}

// SplitCounts is Split's figures without the records: the measure's
// query grouped by region (one row per region code, not per record), each
// region then put under its child. The figures are those of Split.
func SplitCounts(ctx context.Context, q db.Querier, m *Measure, p Period, reg string, children []region.Region) (byChild []Cell, rest, all Cell, err error) {
	inner, args, err := regional(m, p, reg)
	if err != nil {
		return nil, rest, all, err
	}
	rows, err := q.QueryContext(ctx, `WITH records (region, id, label, link, value, day) AS (`+unordered(inner)+`)
		SELECT region, COUNT(*), CAST(COALESCE(SUM(value), 0) AS BIGINT) FROM records GROUP BY region`, args...)
	if err != nil {
		return nil, rest, all, db.Normalize(fmt.Errorf("report: %s by region: %w", m.Name, err))
	}
	type group struct {
		region       string
		count, total int64
	}
	groups, err := db.Collect(rows, func(sc interface{ Scan(...any) error }) (group, error) {
		var g group
		return g, sc.Scan(&g.region, &g.count, &g.total)
	})
	if err != nil {
		return nil, rest, all, err
	}
	add := func(c *Cell, g group) {
		c.Count += int(g.count)
		if m.Unit.Summed() {
			c.Value += g.total
		} else {
			c.Value += g.count
		}
	}
	scopes := childScopes(children)
	byChild = make([]Cell, len(children))
	for _, g := range groups {
		add(&all, g)
		if i := slices.IndexFunc(scopes, func(s auth.Scope) bool { return s.Allows(g.region, 0) }); i >= 0 {
			add(&byChild[i], g)
		} else {
			add(&rest, g)
		}
	}
	return byChild, rest, all, nil
}

// Split lists what m counts in p in reg — all — and divides it among
// reg's children (byChild, in their order) and the rest, under none of them
// (a 本级 row). One query: the measure's records with their region, each
// put under the child whose scope allows it (Scope.Allows agrees with
// Scope.Where), so a row counts what the child's own reader would see.
func Split(ctx context.Context, q db.Querier, m *Measure, p Period, reg string, children []region.Region) (byChild [][]Record, rest, all []Record, err error) {
	query, args, err := regional(m, p, reg)
	if err != nil {
		return nil, nil, nil, err
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, nil, db.Normalize(fmt.Errorf("report: %s by region: %w", m.Name, err))
	}
	type placed struct {
		Record
		region string
	}
	recs, err := db.Collect(rows, func(sc interface{ Scan(...any) error }) (placed, error) {
		var r placed
		var link int64
		var on any
		if err := sc.Scan(&r.region, &r.ID, &r.Label, &link, &r.Value, &on); err != nil {
			return r, err
		}
		r.On = dayOf(on)
		r.Href = fmt.Sprintf(m.Href, link)
		return r, nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	scopes := childScopes(children)
	byChild = make([][]Record, len(children))
	for _, r := range recs {
		all = append(all, r.Record)
		i := slices.IndexFunc(scopes, func(s auth.Scope) bool { return s.Allows(r.region, 0) })
		if i < 0 {
			rest = append(rest, r.Record)
		} else {
			byChild[i] = append(byChild[i], r.Record)
		}
	}
	return byChild, rest, all, nil
}
