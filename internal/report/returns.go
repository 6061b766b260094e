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
	// ToDate are the columns that also show 本年累计 (1 January to the
	// period's end); not for a yearly return, whose period is the year.
	ToDate []string
	// LastYear are the columns that also show 上年同期 (the same period a
	// year before) and the change (同比).
	LastYear []string
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
		if len(r.ToDate) > 0 && r.Frequency == Yearly {
			return nil, fmt.Errorf("report: return %s: a yearly return has no 本年累计 beside its period", r.Code)
		}
		for _, name := range slices.Concat(r.ToDate, r.LastYear) {
			if !slices.Contains(r.Columns, name) {
				return nil, fmt.Errorf("report: return %s: %q is not one of its columns", r.Code, name)
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

// YearStart is the period from 1 January of p's year to p's end (本年累计).
func YearStart(p Period) Period {
	return Period{From: calendar.Date{Year: p.To.Year, Month: time.January, Day: 1}, To: p.To}
}

// YearBefore is the same span of days a year before (上年同期); 29
// February becomes 28.
func YearBefore(p Period) Period {
	back := func(d calendar.Date) calendar.Date {
		d.Year--
		if d.Month == time.February && d.Day == 29 {
			d.Day = 28
		}
		return d
	}
	to := back(p.To)
	if p.To.Month == time.February && p.To.Day >= 28 { // to the end of February
		to.Day = time.Date(to.Year, time.March, 0, 0, 0, 0, 0, time.UTC).Day()
	}
	return Period{From: back(p.From), To: to}
}

// Change is the change of now over last (同比) in per mille, rounded half
// away from zero; ok is false when last is 0 (no change to state).
func Change(now, last int64) (permille int64, ok bool) {
	if last == 0 {
		return 0, false
	}
	n := (now - last) * 2000 / last
	if n < 0 {
		return (n - 1) / 2, true
	}
	return (n + 1) / 2, true
}

// ChangeText is the change written as a percentage with one decimal
// (+12.5%, -3.0%), or "—" when last is 0.
func ChangeText(now, last int64) string {
	pm, ok := Change(now, last)
	if !ok {
		return "—"
	}
	sign := "+"
	if pm < 0 {
		sign, pm = "-", -pm
	}
	return fmt.Sprintf("%s%d.%d%%", sign, pm/10, pm%10)
}

// Column is one column of a filled return; ToDate and LastYear say which
// figures beside the period's its rows carry.
type Column struct {
	Name     string `json:"name"` // the measure
	Unit     Unit   `json:"unit"`
	ToDate   bool   `json:"to_date,omitempty"`   // 本年累计
	LastYear bool   `json:"last_year,omitempty"` // 上年同期 and 同比
}

// Span is how many table columns c takes: the period's figure, 本年累计,
// 上年同期 and 同比 as it carries them.
func (c Column) Span() int {
	n := 1
	if c.ToDate {
		n++
	}
	if c.LastYear {
		n += 2
	}
	return n
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

// Row is one row of a filled return: per column, the period's figure
// (Cells) and, when the return has such columns, the year's to date
// (ToDate), the same period last year (LastYear) and the change (Change,
// as ChangeText writes it); a column that does not carry them has a zero
// cell and "" there. Snapshots older than these have Cells only.
type Row struct {
	Kind     string   `json:"kind"`
	Region   string   `json:"region"` // the child's code; the reporting region's for rest and total
	Name     string   `json:"name"`
	Cells    []Cell   `json:"cells"`
	ToDate   []Cell   `json:"to_date,omitempty"`
	LastYear []Cell   `json:"last_year,omitempty"`
	Change   []string `json:"change,omitempty"`
}

// counted reports whether the row counts any record in any of its figures.
func (r *Row) counted() bool {
	for _, c := range slices.Concat(r.Cells, r.ToDate, r.LastYear) {
		if c.Count > 0 {
			return true
		}
	}
	return false
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

// Split reports whether any column carries 本年累计 or 上年同期, so the
// table has a second header row.
func (f *Filled) Split() bool {
	return slices.ContainsFunc(f.Columns, func(c Column) bool { return c.Span() > 1 })
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
		if r.Kind != o.Kind || r.Region != o.Region || !slices.Equal(r.Cells, o.Cells) ||
			!slices.Equal(r.ToDate, o.ToDate) || !slices.Equal(r.LastYear, o.LastYear) {
			return false
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
// of the rows. One grouped query per column and span (SplitCounts): the
// period, and for the columns the return asks, 1 January to the period's
// end (本年累计) and the period a year before (上年同期). The caller has
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
	rows = append(rows, Row{Kind: RowRest, Region: reg.Code, Name: reg.Name}, Row{Kind: RowTotal, Region: reg.Code, Name: reg.Name})
	toDate, lastYear := len(ret.ToDate) > 0, len(ret.LastYear) > 0
	// count puts m's figures in span into each row's cells.
	count := func(m *Measure, span Period, on bool, cells func(*Row) *[]Cell) error {
		var byChild []Cell
		var rest, all Cell
		if on {
			var err error
			if byChild, rest, all, err = SplitCounts(ctx, q, m, span, reg.Code, children); err != nil {
				return err
			}
		}
		for i := range rows {
			c := all
			switch {
			case !on:
				c = Cell{}
			case i < len(children):
				c = byChild[i]
			case rows[i].Kind == RowRest:
				c = rest
			}
			*cells(&rows[i]) = append(*cells(&rows[i]), c)
		}
		return nil
	}
	for _, name := range ret.Columns {
		m, err := rs.Catalog.Get(name)
		if err != nil {
			return nil, err
		}
		col := Column{Name: m.Name, Unit: m.Unit, ToDate: slices.Contains(ret.ToDate, name), LastYear: slices.Contains(ret.LastYear, name)}
		f.Columns = append(f.Columns, col)
		if err := count(m, p, true, func(r *Row) *[]Cell { return &r.Cells }); err != nil {
			return nil, err
		}
		if toDate {
			if err := count(m, YearStart(p), col.ToDate, func(r *Row) *[]Cell { return &r.ToDate }); err != nil {
				return nil, err
			}
		}
		if lastYear {
			if err := count(m, YearBefore(p), col.LastYear, func(r *Row) *[]Cell { return &r.LastYear }); err != nil {
				return nil, err
			}
		}
	}
	if lastYear {
		for i := range rows {
			for j, col := range f.Columns {
				ch := ""
				if col.LastYear {
					ch = ChangeText(rows[i].Cells[j].Value, rows[i].LastYear[j].Value)
				}
				rows[i].Change = append(rows[i].Change, ch)
			}
		}
	}
	rest := len(children)
	if !rows[rest].counted() {
		rows = slices.Delete(rows, rest, rest+1)
	}
	f.Rows = rows
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
// region then put under its child. The figures are those of Split; a
// measure with a monthly rollup reads its whole months from the rollup.
func SplitCounts(ctx context.Context, q db.Querier, m *Measure, p Period, reg string, children []region.Region) (byChild []Cell, rest, all Cell, err error) {
	groups, err := regionCounts(ctx, q, m, p, reg)
	if err != nil {
		return nil, rest, all, err
	}
	add := func(c *Cell, g regionGroup) {
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

// regionGroup is the count of a measure's records in one region code and
// the sum of their values.
type regionGroup struct {
	region       string
	count, total int64
}

// regionCounts counts m's records in p in reg by region code: grouped in
// the database, the whole months from m's rollup if it has one.
func regionCounts(ctx context.Context, q db.Querier, m *Measure, p Period, reg string) ([]regionGroup, error) {
	scope := auth.Scope{Regions: []string{reg}}
	parts := []part{{days: p, sign: 1}}
	if m.Rollup != nil {
		parts = p.parts()
	}
	var out []regionGroup
	read := func(sql string, args []any, sign int64) error {
		rows, err := q.QueryContext(ctx, sql, args...)
		if err != nil {
			return db.Normalize(fmt.Errorf("report: %s by region: %w", m.Name, err))
		}
		gs, err := db.Collect(rows, func(sc interface{ Scan(...any) error }) (regionGroup, error) {
			var g regionGroup
			err := sc.Scan(&g.region, &g.count, &g.total)
			g.count, g.total = sign*g.count, sign*g.total
			return g, err
		})
		out = append(out, gs...)
		return err
	}
	for _, pt := range parts {
		if pt.days.From.IsZero() {
			sql, args := m.Rollup.query(scope, pt.first, pt.last)
			if err := read(`WITH r (region, n) AS (`+sql+`) SELECT region, CAST(SUM(n) AS BIGINT), CAST(0 AS BIGINT) FROM r GROUP BY region`, args, int64(pt.sign)); err != nil {
				return nil, err
			}
			continue
		}
		inner, args, err := regional(m, pt.days, reg)
		if err != nil {
			return nil, err
		}
		if err := read(`WITH records (region, id, label, link, value, day) AS (`+unordered(inner)+`)
			SELECT region, COUNT(*), CAST(COALESCE(SUM(value), 0) AS BIGINT) FROM records GROUP BY region`, args, int64(pt.sign)); err != nil {
			return nil, err
		}
	}
	return out, nil
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
