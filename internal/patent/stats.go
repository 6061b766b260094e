package patent

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// Counts are applications and grants by type.
type Counts struct {
	Applications map[string]int `json:"applications"`
	Grants       map[string]int `json:"grants"`
}

func newCounts() Counts { return Counts{Applications: map[string]int{}, Grants: map[string]int{}} }

// TotalApplications and TotalGrants add the types up.
func (c Counts) TotalApplications() int { return sum(c.Applications) }
func (c Counts) TotalGrants() int       { return sum(c.Grants) }

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// TypeFigures are one type's applications and grants in the period beside
// the same period last year.
type TypeFigures struct {
	Type         string `json:"type"` // invention, utility, design, or "total"
	Applications Change `json:"applications"`
	Grants       Change `json:"grants"`
}

// Line is one township's or enterprise's counts in the period.
type Line struct {
	Key  string `json:"key"` // the region code, or the enterprise id ("0": not linked to an enterprise)
	Name string `json:"name"`
	Counts
}

// Point is one bucket of the year's series, this year and last.
type Point struct {
	N        int    `json:"n"` // 1-based bucket number
	Now      Counts `json:"now"`
	LastYear Counts `json:"last_year"`
}

// Stats are the patent figures of a period in u's scope.
type Stats struct {
	Period     Period        `json:"period"`
	RegionCode string        `json:"region_code,omitempty"`
	ByType     []TypeFigures `json:"by_type"` // the three types, then the total
	// Series is the year cut into buckets of the period's kind (months for
	// a year or 1–N月), this year and last.
	Series       []Point `json:"series"`
	ByTownship   []Line  `json:"by_township"`
	ByEnterprise []Line  `json:"by_enterprise"`
	// ByIndustry counts by the applicant enterprise's industry, the
	// GB/T 4754-2017 section (门类) of its industry code; key "" holds the
	// patents of no enterprise or of one without an industry code.
	ByIndustry []Line `json:"by_industry"`
	// ValidInventions counts invention patents in force (granted or valid)
	// granted before the period ended, by their current legal status.
	ValidInventions int    `json:"valid_inventions"`
	Population      int64  `json:"population"`      // residents of the region, 0 when not on file
	PopulationYear  int    `json:"population_year"` // the year of the figure used
	PopulationArea  string `json:"population_area"` // the region it counts
	PerTenThousand  string `json:"per_ten_thousand"`
}

// Of returns the figures of one type, or of "total".
func (s *Stats) Of(typ string) TypeFigures {
	for _, f := range s.ByType {
		if f.Type == typ {
			return f
		}
	}
	return TypeFigures{Type: typ}
}

// Summary says the period's invention figures the way the work report
// does: 2026年1–5月 发明专利申请 44 件，授权 2 件.
func (s *Stats) Summary() string {
	inv := s.Of(Invention)
	return fmt.Sprintf("%s 发明专利申请 %d 件，授权 %d 件", s.Period.Label(), inv.Applications.Now, inv.Grants.Now)
}

// StatsQuery asks for the figures of a period, of one township (or the
// whole scope), with at most TopEnterprises enterprise lines.
type StatsQuery struct {
	Period         Period
	RegionCode     string
	TopEnterprises int
}

// monthly holds counts by year, month and type.
type monthly map[[2]int]map[string]int

func (m monthly) add(y, mo int, typ string, n int) {
	k := [2]int{y, mo}
	if m[k] == nil {
		m[k] = map[string]int{}
	}
	m[k][typ] += n
}

// in adds up the months of a period into by-type counts.
func (m monthly) in(p Period) map[string]int {
	first, last := p.Months()
	out := map[string]int{}
	for mo := first; mo <= last; mo++ {
		for t, n := range m[[2]int{p.Year, mo}] {
			out[t] += n
		}
	}
	return out
}

// statsWhere is the scope of the statistics over the rollups c: u's data
// scope, and the township asked for. Totals read the rows of all
// enterprises (-1) in a region's scope; lines by enterprise read the
// enterprises' own rows (the +0 keeps SQLite on the month index).
// An enterprise's scope reads its own rows either way.
func (s *Service) statsWhere(u *auth.User, q StatsQuery, byEnterprise bool) *db.Where {
	w := &db.Where{}
	w.AddNumbered(u.Scope().Where(auth.Columns{Region: "c.region_code", Enterprise: "c.enterprise_id"}, &w.Args))
	if r := clean(q.RegionCode); r != "" {
		w.AddNumbered(auth.Scope{Regions: []string{r}}.Where(auth.Columns{Region: "c.region_code"}, &w.Args))
	}
	switch {
	case byEnterprise:
		w.Add("c.enterprise_id + 0 >= 0")
	case u.Scope().EnterpriseID == 0:
		w.Add("c.enterprise_id = ?", allEnterprises)
	}
	return w
}

// sumN is the rollups' count as an integer on both engines (SUM of a
// BIGINT is NUMERIC on PostgreSQL).
const sumN = "CAST(SUM(c.n) AS BIGINT)"

// Statistics computes the figures of the period in u's scope from the
// rollups, which every write keeps equal to a count of the records:
// applications by application date, grants by grant date, each
// application number once.
func (s *Service) Statistics(ctx context.Context, u *auth.User, q StatsQuery) (*Stats, error) {
	if !q.Period.Valid() {
		return nil, i18n.FieldError("period", "patent.stats.bad_period")
	}
	if q.TopEnterprises <= 0 {
		q.TopEnterprises = 20
	}
	st := &Stats{Period: q.Period, RegionCode: clean(q.RegionCode)}
	last := q.Period.LastYear()
	yearFrom := calendar.Date{Year: last.Year, Month: 1, Day: 1}
	yearUntil := calendar.Date{Year: q.Period.Year + 1, Month: 1, Day: 1}

	// Applications and grants by month and type over both years, in one
	// read of the all-enterprises rows.
	apps, grants := monthly{}, monthly{}
	w := s.statsWhere(u, q, false)
	w.Add("c.measure IN (?, ?) AND c.month >= ? AND c.month < ?", measureApplied, measureGranted, yearMonth(yearFrom), yearMonth(yearUntil))
	rows, err := s.DB.QueryContext(ctx, `SELECT c.measure, c.month, c.type, `+sumN+` FROM patent_counts c WHERE `+w.SQL()+
		` GROUP BY c.measure, c.month, c.type`, w.Args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	_, err = db.Collect(rows, func(sc interface{ Scan(...any) error }) (struct{}, error) {
		var measure, t string
		var ym, n int
		err := sc.Scan(&measure, &ym, &t, &n)
		m := apps
		if measure == measureGranted {
			m = grants
		}
		m.add(ym/100, ym%100, t, n)
		return struct{}{}, err
	})
	if err != nil {
		return nil, err
	}
	nowA, nowG, thenA, thenG := apps.in(q.Period), grants.in(q.Period), apps.in(last), grants.in(last)
	for _, t := range Types {
		st.ByType = append(st.ByType, TypeFigures{Type: t, Applications: Compare(nowA[t], thenA[t]), Grants: Compare(nowG[t], thenG[t])})
	}
	st.ByType = append(st.ByType, TypeFigures{Type: "total", Applications: Compare(sum(nowA), sum(thenA)), Grants: Compare(sum(nowG), sum(thenG))})

	kind := q.Period.Kind
	if kind == Year || kind == ToMonth {
		kind = Month
	}
	for b := range Buckets(kind) {
		p := Period{Year: q.Period.Year, Kind: kind, N: b + 1}
		st.Series = append(st.Series, Point{N: b + 1,
			Now:      Counts{Applications: apps.in(p), Grants: grants.in(p)},
			LastYear: Counts{Applications: apps.in(p.LastYear()), Grants: grants.in(p.LastYear())}})
	}

	if st.ByTownship, err = s.lines(ctx, u, q, "c.region_code", "x.k", "", false); err != nil {
		return nil, err
	}
	st.ByTownship = byTownship(st.ByTownship)
	// One read gives both the enterprise and the industry lines: keyed
	// "enterprise:section". Ranking and the industry sections in SQL
	// instead measured slower on both engines (bench/PATENT.md): both need
	// every enterprise's rows of the period grouped, so SQL groups twice.
	both, err := s.lines(ctx, u, q, "c.enterprise_id", "CAST(x.k AS TEXT) || ':' || COALESCE(SUBSTR(e.industry_code, 1, 1), '')",
		` LEFT JOIN enterprises e ON e.id = x.k`, true)
	if err != nil {
		return nil, err
	}
	st.ByEnterprise = regroup(both, func(k string) string { id, _, _ := strings.Cut(k, ":"); return id })
	st.ByIndustry = regroup(both, func(k string) string { _, sec, _ := strings.Cut(k, ":"); return sec })
	for i := range st.ByIndustry {
		st.ByIndustry[i].Name = IndustryName(st.ByIndustry[i].Key)
	}
	st.ByEnterprise = top(st.ByEnterprise, q.TopEnterprises)
	if err := s.nameEnterprises(ctx, st.ByEnterprise); err != nil {
		return nil, err
	}

	_, until := q.Period.Range()
	w = s.statsWhere(u, q, false)
	w.Add("c.measure = ? AND c.month < ?", measureValidInvention, yearMonth(until))
	if err := s.DB.QueryRowContext(ctx, `SELECT COALESCE(`+sumN+`, 0) FROM patent_counts c WHERE `+w.SQL(), w.Args...).Scan(&st.ValidInventions); err != nil {
		return nil, db.Normalize(err)
	}
	area := st.RegionCode
	if area == "" {
		area = u.RegionCode
	}
	st.PopulationArea = area
	err = s.DB.QueryRowContext(ctx, `SELECT year, population FROM region_populations WHERE region_code = $1 AND year <= $2
		ORDER BY year DESC LIMIT 1`, area, q.Period.Year).Scan(&st.PopulationYear, &st.Population)
	if err != nil && !db.IsNoRows(err) {
		return nil, db.Normalize(err)
	}
	st.PerTenThousand = FormatRatio(PerTenThousand(st.ValidInventions, st.Population))
	return st, nil
}

// lines counts applications and grants in the period grouped by col, a
// column of the rollups c, then keyed by key, an expression of the counts
// x (x.k: col) and of what join adds.
func (s *Service) lines(ctx context.Context, u *auth.User, q StatsQuery, col, key, join string, byEnterprise bool) ([]Line, error) {
	from, until := q.Period.Range()
	byKey := map[string]*Line{}
	var order []string
	for i, measure := range []string{measureApplied, measureGranted} {
		w := s.statsWhere(u, q, byEnterprise)
		w.Add("c.measure = ? AND c.month >= ? AND c.month < ?", measure, yearMonth(from), yearMonth(until))
		// Counted by col first, then joined: one lookup per line, not per
		// rollup row.
		rows, err := s.DB.QueryContext(ctx, `SELECT `+key+`, x.type, x.n FROM (SELECT `+col+` AS k, c.type AS type, `+sumN+` AS n
			FROM patent_counts c WHERE `+w.SQL()+` GROUP BY `+col+`, c.type) x`+join, w.Args...)
		if err != nil {
			return nil, db.Normalize(err)
		}
		_, err = db.Collect(rows, func(sc interface{ Scan(...any) error }) (struct{}, error) {
			var k any
			var t string
			var n int
			if err := sc.Scan(&k, &t, &n); err != nil {
				return struct{}{}, err
			}
			ks := keyText(k)
			l := byKey[ks]
			if l == nil {
				l = &Line{Key: ks, Counts: newCounts()}
				byKey[ks] = l
				order = append(order, ks)
			}
			if i == 0 {
				l.Applications[t] += n
			} else {
				l.Grants[t] += n
			}
			return struct{}{}, nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(order)
	out := make([]Line, 0, len(order))
	for _, k := range order {
		out = append(out, *byKey[k])
	}
	return out, nil
}

// top returns the n lines with the most applications and grants together,
// most first, ties in the order of their keys (as text). Each line's
// total is added up once, not in every comparison.
func top(lines []Line, n int) []Line {
	type ranked struct {
		total int
		line  *Line
	}
	rs := make([]ranked, len(lines))
	for i := range lines {
		rs[i] = ranked{lines[i].TotalApplications() + lines[i].TotalGrants(), &lines[i]}
	}
	slices.SortFunc(rs, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(b.total, a.total), strings.Compare(a.line.Key, b.line.Key))
	})
	out := make([]Line, 0, min(n, len(rs)))
	for _, r := range rs[:min(n, len(rs))] {
		out = append(out, *r.line)
	}
	return out
}

// nameEnterprises fills in the names of the enterprise lines.
func (s *Service) nameEnterprises(ctx context.Context, lines []Line) error {
	var args []any
	var ph []string
	for _, l := range lines {
		if id, err := strconv.ParseInt(l.Key, 10, 64); err == nil && id > 0 {
			args = append(args, id)
			ph = append(ph, "$"+strconv.Itoa(len(args)))
		}
	}
	if len(args) == 0 {
		return nil
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, name FROM enterprises WHERE id IN (`+strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return db.Normalize(err)
	}
	names := map[string]string{}
	if _, err := db.Collect(rows, func(sc interface{ Scan(...any) error }) (struct{}, error) {
		var id int64
		var name string
		err := sc.Scan(&id, &name)
		names[strconv.FormatInt(id, 10)] = name
		return struct{}{}, err
	}); err != nil {
		return err
	}
	for i := range lines {
		lines[i].Name = names[lines[i].Key]
	}
	return nil
}

func keyText(k any) string {
	switch v := k.(type) {
	case int64:
		return strconv.FormatInt(v, 10)
	case []byte:
		return string(v)
	case string:
		return v
	}
	return fmt.Sprint(k)
}

// byTownship rolls region lines up to the township (9-digit code): a
// village's patents count for its township.
func byTownship(lines []Line) []Line {
	return regroup(lines, func(k string) string {
		if len(k) > 9 {
			return k[:9]
		}
		return k
	})
}

// regroup adds lines up under the keys keyOf gives, in key order.
func regroup(lines []Line, keyOf func(string) string) []Line {
	byKey := map[string]*Line{}
	var order []string
	for _, l := range lines {
		k := keyOf(l.Key)
		t := byKey[k]
		if t == nil {
			t = &Line{Key: k, Counts: newCounts()}
			byKey[k] = t
			order = append(order, k)
		}
		for ty, n := range l.Applications {
			t.Applications[ty] += n
		}
		for ty, n := range l.Grants {
			t.Grants[ty] += n
		}
	}
	slices.Sort(order)
	out := make([]Line, 0, len(order))
	for _, k := range order {
		out = append(out, *byKey[k])
	}
	return out
}

// SetPopulation records the resident population of a region in a year
// (for the per-10,000-residents figure), replacing an earlier figure.
func (s *Service) SetPopulation(ctx context.Context, u *auth.User, regionCode string, year int, population int64, source string) error {
	if err := mayManage(u); err != nil {
		return err
	}
	var p i18n.Problems
	if regionCode = clean(regionCode); regionCode == "" || !u.Scope().Allows(regionCode, 0) {
		p.Add("region_code", "patent.region.outside")
	}
	if year < 1985 || year > 2200 {
		p.Add("year", "error.invalid_value")
	}
	if population <= 0 {
		p.Add("population", "error.invalid_value")
	}
	if err := p.Err(); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var before int64
		err := tx.QueryRowContext(ctx, `SELECT population FROM region_populations WHERE region_code = $1 AND year = $2`, regionCode, year).Scan(&before)
		switch {
		case db.IsNoRows(err):
			_, err = tx.ExecContext(ctx, `INSERT INTO region_populations (region_code, year, population, source, updated_by, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6)`, regionCode, year, population, clean(source), nullID(u.ID), tx.Now)
		case err == nil:
			_, err = tx.ExecContext(ctx, `UPDATE region_populations SET population = $1, source = $2, updated_by = $3, updated_at = $4
				WHERE region_code = $5 AND year = $6`, population, clean(source), nullID(u.ID), tx.Now, regionCode, year)
		}
		if err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "patent.population", ObjectType: "region_population", ObjectID: regionCode + ":" + strconv.Itoa(year),
			RegionCode: regionCode, Before: audit.JSON(map[string]int64{"population": before}), After: audit.JSON(map[string]any{"population": population, "source": source})})
		return err
	})
}

// IPPatent is a patent as the enterprise's IP counts it.
type IPPatent struct {
	AppNo     string        `json:"app_no"`
	Type      string        `json:"type"`
	Class     int           `json:"class"` // IPClass
	GrantDate calendar.Date `json:"grant_date"`
}

// InForce returns the granted patents in force (granted or valid) linked
// to the enterprises given, or to any enterprise when ids is empty, in
// u's scope, by enterprise.
func (s *Service) InForce(ctx context.Context, u *auth.User, ids ...int64) (map[int64][]IPPatent, error) {
	q := &db.Where{}
	scope(u, q)
	q.Add("p.status IN (?, ?) AND p.grant_date IS NOT NULL", Granted, Valid)
	if len(ids) == 0 {
		q.Add("p.enterprise_id IS NOT NULL")
	} else {
		ph := make([]string, len(ids))
		for i, id := range ids {
			q.Args = append(q.Args, id)
			ph[i] = "$" + strconv.Itoa(len(q.Args))
		}
		q.AddNumbered("p.enterprise_id IN (" + strings.Join(ph, ", ") + ")")
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT p.enterprise_id, p.app_no, p.type, p.grant_date FROM patents p WHERE `+q.SQL()+` ORDER BY p.enterprise_id, p.grant_date, p.id`, q.Args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	out := map[int64][]IPPatent{}
	_, err = db.Collect(rows, func(sc interface{ Scan(...any) error }) (struct{}, error) {
		var id int64
		var p IPPatent
		err := sc.Scan(&id, &p.AppNo, &p.Type, &p.GrantDate)
		p.Class = IPClass(p.Type)
		out[id] = append(out[id], p)
		return struct{}{}, err
	})
	return out, err
}

// IPCounts counts an enterprise's granted patents in force by class, as of
// today: Class I (inventions) and Class II (utility models, designs).
func (s *Service) IPCounts(ctx context.Context, u *auth.User, enterpriseID int64) (classI, classII int, err error) {
	m, err := s.InForce(ctx, u, enterpriseID)
	for _, p := range m[enterpriseID] {
		if p.Class == 1 {
			classI++
		} else {
			classII++
		}
	}
	return classI, classII, err
}
