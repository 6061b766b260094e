// Command report measures the dashboard and the half-year summary DOCX on
// a generated dataset (`kejiju demo --scale`): each page through its real
// handler (GET /dashboard, GET /reports/summary.docx, logged in as the
// district's director and as the city's viewer) beside the sum of the bare
// SQL aggregates the page needs, run directly; the median of rounds, and
// the ratio. It measures and prints a markdown table; it asserts nothing
// (ARCHITECTURE §6).
//
//	go run ./bench/report -scale district                 # SQLite in /tmp/kejiju-bench-report-district
//	go run ./bench/report -scale city -db 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable'
//
// The dataset is generated once and kept for the next run (SQLite: -data;
// PostgreSQL: the database kejiju_bench_report_<scale>); -fresh drops it
// first, -drop after.
package main

import (
	"cmp"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"kejiju/internal/app"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/report"
)

func main() {
	scale := flag.String("scale", "district", "dataset: test, district, city or province")
	dbURL := flag.String("db", "", "PostgreSQL server URL; empty: SQLite")
	data := flag.String("data", "", "SQLite data directory (default /tmp/kejiju-bench-report-<scale>)")
	rounds := flag.Int("rounds", 7, "measured rounds (the median is reported)")
	fresh := flag.Bool("fresh", false, "drop a kept dataset and generate it again")
	drop := flag.Bool("drop", false, "drop the dataset at the end")
	flag.BoolVar(&each, "each", false, "also time each dashboard figure (this year to date and last year) and the trend charts, per reader")
	flag.BoolVar(&withIndexes, "index", false, "measure with the proposed indexes (created if missing); without: dropped if there")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *scale, *dbURL, *data, *rounds, *fresh, *drop); err != nil {
		fmt.Fprintln(os.Stderr, "bench/report:", err)
		os.Exit(1)
	}
}

const password = "Bench-Report-2026!"

// each asks for the time of every figure beside the pages.
var each bool

// withIndexes says whether the proposed indexes are in place.
var withIndexes bool

// proposed are the indexes this benchmark proposes for the migrations: the
// patent figures count one type in a region over a date range, and the
// date-first indexes of 0021 read every region's patents of the period.
var proposed = []struct{ name, cols string }{
	{"bench_patents_type_region_app", "patents (type, region_code, application_date)"},
	{"bench_patents_type_region_grant", "patents (type, region_code, grant_date)"},
}

// indexes creates the proposed indexes (with set) or drops them.
func indexes(ctx context.Context, d *db.DB, with bool) error {
	for _, ix := range proposed {
		q := `DROP INDEX IF EXISTS ` + ix.name
		if with {
			q = `CREATE INDEX IF NOT EXISTS ` + ix.name + ` ON ` + ix.cols
		}
		if _, err := d.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	q := `ANALYZE patents`
	if d.Dialect.Engine == db.Postgres {
		q = `VACUUM ANALYZE patents`
	}
	_, err := d.ExecContext(ctx, q)
	return err
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench/report: "+format+"\n", args...)
}

func run(ctx context.Context, scale, dbURL, data string, rounds int, fresh, drop bool) error {
	if _, err := app.ScaleNamed(scale); err != nil {
		return err
	}
	cfg := app.Config{DataDir: data, BureauName: "阜阳市颍东区科学技术局"}
	engine := "SQLite"
	if cfg.DataDir == "" {
		cfg.DataDir = "/tmp/kejiju-bench-report-" + scale
	}
	var cleanup func()
	if dbURL != "" {
		engine = "PostgreSQL"
		name := "kejiju_bench_report_" + scale
		admin, err := sql.Open("pgx", dbURL)
		if err != nil {
			return err
		}
		defer admin.Close()
		if fresh {
			if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
				return err
			}
		}
		var n int
		if err := admin.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`); err != nil {
				return err
			}
		}
		u, _ := url.Parse(dbURL)
		u.Path = "/" + name
		cfg.DBURL = u.String()
		cleanup = func() { admin.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`) }
	} else {
		if fresh {
			os.RemoveAll(cfg.DataDir)
		}
		cleanup = func() { os.RemoveAll(cfg.DataDir) }
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.Open(ctx, cfg, quiet)
	if err != nil {
		return err
	}
	closed := false
	defer func() {
		if !closed {
			a.Close()
		}
		if drop {
			cleanup()
		}
	}()
	loadBefore := loadavg()
	got, err := a.GeneratedScale(ctx)
	if err != nil {
		return err
	}
	var genTime time.Duration
	var genRows []app.TableRows
	switch got {
	case scale:
		progress("reusing the %s dataset (-fresh to generate it again)", scale)
	case "":
		t := time.Now()
		res, err := a.DemoScale(ctx, scale, false, io.Discard, os.Stderr)
		if err != nil {
			return err
		}
		genTime, genRows = time.Since(t), res.Rows
	default:
		return fmt.Errorf("the database holds the %s dataset; use -fresh", got)
	}
	progress("proposed indexes: %v", withIndexes)
	if err := indexes(ctx, a.DB, withIndexes); err != nil {
		return err
	}
	sizes, err := tableSizes(ctx, a.DB)
	if err != nil {
		return err
	}

	// The readers: the director of the demo district and the city's viewer.
	readers := []struct {
		name, user, prefix string
		in                 auth.UserInput
	}{
		{"director (颍东区)", "bench_director", "341203", auth.UserInput{Username: "bench_director", DisplayName: "局长（基准）", Roles: []auth.Role{auth.Director}, RegionCode: "341203"}},
		{"city viewer (阜阳市)", "bench_city", "3412", auth.UserInput{Username: "bench_city", DisplayName: "市局（基准）", Roles: []auth.Role{auth.CityViewer}, RegionCode: "341200"}},
	}
	for _, r := range readers {
		if _, err := a.Auth.UserByName(ctx, r.user); err != nil {
			r.in.Password = password
			if _, _, err := a.Auth.CreateUser(ctx, nil, r.in); err != nil {
				return err
			}
		}
	}
	if _, err := a.DB.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE, failed_logins = 0 WHERE username IN ('bench_director', 'bench_city')`); err != nil {
		if _, err := a.DB.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE WHERE username IN ('bench_director', 'bench_city')`); err != nil {
			return err
		}
	}
	srv, err := a.Server(func() bool { return true })
	if err != nil {
		return err
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	today := calendar.FromTime(a.DB.Now(), calendar.Shanghai)
	ytd := report.YearToDate(today)
	half := report.FirstHalf(today.Year)
	type row struct {
		figure       string
		kejiju, bare time.Duration
		target       string
		met          string
	}
	var rows []row
	var eachRows []string
	for _, r := range readers {
		c, err := login(ts.URL, r.user)
		if err != nil {
			return err
		}
		dash := func() error { return get(c, ts.URL+"/dashboard") }
		docx := func() error { return get(c, ts.URL+fmt.Sprintf("/reports/summary.docx?year=%d", today.Year)) }
		bareDash := func() error { return bare(ctx, a.DB, r.prefix, ytd, dashboardQueries, true) }
		bareDocx := func() error { return bare(ctx, a.DB, r.prefix, half, summaryQueries, false) }
		progress("%s: dashboard", r.name)
		k, b, err := pair(rounds, dash, bareDash)
		if err != nil {
			return err
		}
		target, met := "—", "—"
		if scale == "province" {
			target = "< 300 ms and ≤ 2× bare"
			met = yes(k < 300*time.Millisecond && float64(k) <= 2*float64(b))
		} else {
			target = "≤ 2× bare"
			met = yes(float64(k) <= 2*float64(b))
		}
		rows = append(rows, row{"dashboard (GET /dashboard, this year to date), " + r.name, k, b, target, met})
		u, err := a.Auth.UserByName(ctx, r.user)
		if err != nil {
			return err
		}
		pr := i18n.Default().Printer("zh-CN")
		funcs := func() error {
			figs, err := a.Figures.Figures(ctx, a.DB, u.Scope(), ytd)
			if err != nil {
				return err
			}
			_, err = a.Figures.Charts(ctx, a.DB, u.Scope(), ytd, figs, pr)
			return err
		}
		k, b, err = pair(rounds, funcs, bareDash)
		if err != nil {
			return err
		}
		rows = append(rows, row{"dashboard figures and charts (report.Catalog.Figures + Charts, no HTTP), " + r.name, k, b, "—", "—"})
		progress("%s: half-year DOCX", r.name)
		k, b, err = pair(rounds, docx, bareDocx)
		if err != nil {
			return err
		}
		target, met = "—", "—"
		if scale == "city" {
			target, met = "< 2 s", yes(k < 2*time.Second)
		}
		rows = append(rows, row{"half-year summary DOCX (GET /reports/summary.docx), " + r.name, k, b, target, met})
		if each {
			if err := timeEach(ctx, a, u.Scope(), ytd, rounds, &eachRows, r.name); err != nil {
				return err
			}
		}
	}
	loadAfter := loadavg()

	var out strings.Builder
	fmt.Fprintf(&out, "### %s, %s scale\n\n", engine, scale)
	fmt.Fprintf(&out, "%s · %d cores · %s · command `go run ./bench/report -scale %s%s%s` · median of %d rounds · load average before %s, after %s\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.NumCPU(), runtime.Version(), scale, dbFlag(dbURL), map[bool]string{true: " -index"}[withIndexes]+map[bool]string{true: " -each"}[each], rounds, loadBefore, loadAfter)
	if genTime > 0 {
		fmt.Fprintf(&out, "Dataset generated in this run: %s.\n\n", genTime.Round(time.Second))
	} else {
		fmt.Fprintf(&out, "Dataset generated by an earlier run and reused.\n\n")
	}
	_ = genRows
	fmt.Fprintf(&out, "Rows: %s.\n\n", sizes)
	if withIndexes {
		var cols []string
		for _, ix := range proposed {
			cols = append(cols, ix.cols)
		}
		fmt.Fprintf(&out, "With the proposed indexes (`-index`): %s.\n\n", strings.Join(cols, "; "))
	} else {
		out.WriteString("With the indexes of the migrations only.\n\n")
	}
	out.WriteString("| figure | kejiju (ms) | bare SQL aggregates (ms) | ratio | target | met? |\n|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&out, "| %s | %.1f | %.1f | %.2f | %s | %s |\n", r.figure, ms(r.kejiju), ms(r.bare), float64(r.kejiju)/float64(max(r.bare, 1)), r.target, r.met)
	}
	if len(eachRows) > 0 {
		out.WriteString("\nTime by figure (`-each`; median of the rounds, the period and the same period last year):\n\n| reader | figure | ms |\n|---|---|---|\n")
		out.WriteString(strings.Join(eachRows, ""))
	}
	fmt.Print(out.String())
	a.Close()
	closed = true
	return nil
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func dbFlag(u string) string {
	if u == "" {
		return ""
	}
	return " -db postgres://…"
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// pair runs one warm-up of each, then rounds of both, alternating, and
// returns the medians.
func pair(rounds int, f, g func() error) (time.Duration, time.Duration, error) {
	if err := f(); err != nil {
		return 0, 0, err
	}
	if err := g(); err != nil {
		return 0, 0, err
	}
	var fs, gs []time.Duration
	for range rounds {
		t := time.Now()
		if err := f(); err != nil {
			return 0, 0, err
		}
		fs = append(fs, time.Since(t))
		t = time.Now()
		if err := g(); err != nil {
			return 0, 0, err
		}
		gs = append(gs, time.Since(t))
	}
	return median(fs), median(gs), nil
}

func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

func login(base, user string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/login", url.Values{"username": {user}, "password": {password}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		return nil, fmt.Errorf("login %s: %d to %q", user, resp.StatusCode, resp.Header.Get("Location"))
	}
	return c, nil
}

func get(c *http.Client, u string) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	n, _ := io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK || n == 0 {
		return fmt.Errorf("GET %s: %d (%d bytes)", u, resp.StatusCode, n)
	}
	return nil
}

// aggregate is one bare SQL aggregate: $1 and $2 the period's bounds
// (dates, or instants when instants is set), $3 and $4 the region range.
type aggregate struct {
	sql      string
	instants bool
	chart    bool // counted by month over the period's year and the year before
}

// The bare aggregates the dashboard needs: every figure this year and last
// (twins — a count and its sum — in one query), and the two trend charts.
var dashboardQueries = append(slices.Clone(summaryQueries),
	aggregate{sql: `SELECT COUNT(*) FROM award_nominations WHERE state = 'awarded' AND updated_at >= $1 AND updated_at < $2 AND region_code >= $3 AND region_code < $4`, instants: true},
	aggregate{sql: `SELECT substr(CAST(visit_date AS TEXT), 6, 2), COUNT(*) FROM visits WHERE visit_date >= $1 AND visit_date <= $2 AND region_code >= $3 AND region_code < $4 GROUP BY 1`, chart: true},
	aggregate{sql: `SELECT substr(CAST(collected_on AS TEXT), 6, 2), COUNT(*) FROM needs WHERE collected_on >= $1 AND collected_on <= $2 AND region_code >= $3 AND region_code < $4 GROUP BY 1`, chart: true},
)

// The bare aggregates of the half-year summary's figures.
var summaryQueries = []aggregate{
	{sql: `SELECT COUNT(*), COUNT(CASE WHEN a.kind = 'recert' THEN 1 END) FROM hte_applications a JOIN enterprises e ON e.id = a.enterprise_id
		WHERE a.status IN ('submitted', 'recognized', 'rejected') AND a.created_at >= $1 AND a.created_at < $2 AND e.region_code >= $3 AND e.region_code < $4`, instants: true},
	{sql: `SELECT COUNT(*) FROM hte_applications a JOIN enterprises e ON e.id = a.enterprise_id
		WHERE a.status = 'recognized' AND a.decided_on >= $1 AND a.decided_on <= $2 AND e.region_code >= $3 AND e.region_code < $4`},
	{sql: `SELECT COUNT(*) FROM cultivation_pool p JOIN enterprises e ON e.id = p.enterprise_id
		WHERE p.entered_on >= $1 AND p.entered_on <= $2 AND e.region_code >= $3 AND e.region_code < $4`},
	{sql: `SELECT COUNT(*) FROM visits WHERE visit_date >= $1 AND visit_date <= $2 AND region_code >= $3 AND region_code < $4`},
	{sql: `SELECT COUNT(*) FROM needs WHERE collected_on >= $1 AND collected_on <= $2 AND region_code >= $3 AND region_code < $4`},
	{sql: `SELECT COUNT(*) FROM needs WHERE forwarded_on >= $1 AND forwarded_on <= $2 AND region_code >= $3 AND region_code < $4`},
	{sql: `SELECT COUNT(*) FROM award_nominations WHERE state = 'awarded' AND updated_at >= $1 AND updated_at < $2 AND region_code >= $3 AND region_code < $4`, instants: true},
	{sql: `SELECT COUNT(*) FROM program_applications WHERE signed_on >= $1 AND signed_on <= $2 AND region_code >= $3 AND region_code < $4`},
	{sql: `SELECT COALESCE(SUM(i.amount), 0) FROM program_installments i JOIN program_applications a ON a.id = i.application_id
		WHERE i.status = 'paid' AND i.paid_on >= $1 AND i.paid_on <= $2 AND a.region_code >= $3 AND a.region_code < $4`},
	{sql: `SELECT COALESCE(SUM(face), 0) FROM vouchers WHERE issued_at >= $1 AND issued_at < $2 AND region_code >= $3 AND region_code < $4`, instants: true},
	{sql: `SELECT COALESCE(SUM(c.payable), 0) FROM voucher_claims c JOIN vouchers v ON v.id = c.voucher_id
		WHERE c.status = 'paid' AND c.updated_at >= $1 AND c.updated_at < $2 AND v.region_code >= $3 AND v.region_code < $4`, instants: true},
	{sql: `SELECT COALESCE(SUM(amount), 0) FROM subsidy_claims WHERE state IN ('approved', 'paid') AND decided_at >= $1 AND decided_at < $2 AND region_code >= $3 AND region_code < $4`, instants: true},
	{sql: `SELECT COUNT(*) FROM patents WHERE type = 'invention' AND application_date >= $1 AND application_date <= $2 AND region_code >= $3 AND region_code < $4`},
	{sql: `SELECT COUNT(*) FROM patents WHERE type = 'invention' AND grant_date >= $1 AND grant_date <= $2 AND region_code >= $3 AND region_code < $4`},
	{sql: `SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM pledge_loans WHERE status IN ('registered', 'repaid', 'defaulted') AND start_date >= $1 AND start_date <= $2 AND region_code >= $3 AND region_code < $4`},
	{sql: `SELECT COUNT(*), COALESCE(SUM(attended), 0) FROM events WHERE kind = 'training' AND event_date >= $1 AND event_date <= $2 AND region_code >= $3 AND region_code < $4`},
	{sql: `SELECT COUNT(*), COALESCE(SUM(participants), 0) FROM quake_drills WHERE drill_date >= $1 AND drill_date <= $2 AND region_code >= $3 AND region_code < $4`},
	{sql: `SELECT COALESCE(SUM(quantity), 0) FROM quake_publicity WHERE distributed_on >= $1 AND distributed_on <= $2 AND region_code >= $3 AND region_code < $4`},
	{sql: `SELECT COUNT(*), COALESCE(SUM(funds), 0), COALESCE(SUM(people), 0) FROM poverty_projects WHERE created_at >= $1 AND created_at < $2 AND region_code >= $3 AND region_code < $4`, instants: true},
}

// bare runs qs for p and the same period last year (a chart for p's year
// and the year before) within the region prefix, reading every row.
func bare(ctx context.Context, d *db.DB, prefix string, p report.Period, qs []aggregate, charts bool) error {
	upper := prefix[:len(prefix)-1] + string(prefix[len(prefix)-1]+1)
	year := report.Period{From: calendar.Date{Year: p.From.Year, Month: 1, Day: 1}, To: calendar.Date{Year: p.From.Year, Month: 12, Day: 31}}
	for _, q := range qs {
		periods := []report.Period{p, p.LastYear()}
		if q.chart {
			if !charts {
				continue
			}
			periods = []report.Period{year, year.LastYear()}
		}
		for _, per := range periods {
			var from, to any = per.From.String(), per.To.String()
			if q.instants {
				from, to = report.Instants(per)
			}
			rows, err := d.QueryContext(ctx, q.sql, from, to, prefix, upper)
			if err != nil {
				return fmt.Errorf("%s: %w", q.sql, err)
			}
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			for i := range vals {
				vals[i] = new(any)
			}
			for rows.Next() {
				if err := rows.Scan(vals...); err != nil {
					rows.Close()
					return err
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
	}
	return nil
}

// tableSizes lists the row counts of the big tables.
func tableSizes(ctx context.Context, d *db.DB) (string, error) {
	var parts []string
	for _, t := range []string{"enterprises", "patents", "poverty_households", "visits", "needs", "hte_applications", "program_applications", "vouchers", "ledger_postings"} {
		var n int64
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t).Scan(&n); err != nil {
			return "", err
		}
		parts = append(parts, fmt.Sprintf("%s %d", t, n))
	}
	return strings.Join(parts, ", "), nil
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// timeEach times every figure of the catalog in p and the year before
// within scope, and the trend charts, as table rows, slowest first.
func timeEach(ctx context.Context, a *app.App, scope auth.Scope, p report.Period, rounds int, out *[]string, reader string) error {
	type timed struct {
		name string
		d    time.Duration
	}
	var ts []timed
	for _, m := range a.Figures.Measures() {
		var ds []time.Duration
		for range rounds {
			t := time.Now()
			for _, per := range []report.Period{p, p.LastYear()} {
				if _, _, err := m.Figure(ctx, a.DB, scope, per); err != nil {
					return err
				}
			}
			ds = append(ds, time.Since(t))
		}
		ts = append(ts, timed{m.Name, median(ds)})
	}
	var ds []time.Duration
	for range rounds {
		t := time.Now()
		if _, err := a.Figures.Charts(ctx, a.DB, scope, p, nil, i18n.Default().Printer("zh-CN")); err != nil {
			return err
		}
		ds = append(ds, time.Since(t))
	}
	ts = append(ts, timed{"charts (visits and needs by month, this year and last)", median(ds)})
	slices.SortFunc(ts, func(x, y timed) int { return cmp.Compare(y.d, x.d) })
	for _, t := range ts {
		*out = append(*out, fmt.Sprintf("| %s | %s | %.1f |\n", reader, t.name, ms(t.d)))
	}
	return nil
}
