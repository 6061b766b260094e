// Command patent measures the patent registry at scale: the import of n
// patents through the service (in files of -chunk rows, as lists come)
// beside a plain prepared-INSERT loop of the same records into an empty
// copy of the schema, and the statistics of a period through the service
// beside the bare SQL aggregates of the same figures. It measures and
// prints; it asserts nothing (ARCHITECTURE §6).
//
//	go run ./bench/patent                       # SQLite in a temp dir, 200,000 patents
//	go run ./bench/patent -n 2000000 -db 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable'
//
// On PostgreSQL it creates two databases kejiju_bench_patent_<random>_{a,b}
// and drops them at the end, also after a failure or Ctrl-C.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"kejiju/bench/internal/kit"
	"kejiju/internal/app"
	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/enterprise"
	"kejiju/internal/ident"
	"kejiju/internal/patent"
	"kejiju/internal/region"
	"kejiju/internal/xlsx"
)

var (
	cpuProfile string
	keep       bool
	withBare   bool
)

func main() {
	n := flag.Int("n", 200_000, "patents on file for the statistics")
	imp := flag.Int("import", 200_000, "of them, how many go through the import (and the plain INSERT beside it); the rest are bulk-loaded in SQL")
	chunk := flag.Int("chunk", 50_000, "rows per imported file")
	ents := flag.Int("enterprises", 2_000, "enterprises the applicants are")
	rounds := flag.Int("rounds", 5, "statistics runs (the median is reported)")
	dbURL := flag.String("db", "", "PostgreSQL admin URL; empty: SQLite in a temp dir")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the import (with -stats: of the statistics) to this file")
	flag.BoolVar(&keep, "keep", false, "keep the service's database at the end (its DSN goes to stderr) for -stats and EXPLAIN")
	flag.BoolVar(&withBare, "bare", true, "time the bare SQL beside the statistics (about 25 s a round at 10,000,000)")
	statsDSN := flag.String("stats", "", "time only the statistics, on a database kept by -keep (its DSN)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	run := func() error { return run(ctx, *n, min(*imp, *n), *chunk, *ents, *rounds, *dbURL) }
	if *statsDSN != "" {
		run = func() error { return rerun(ctx, *statsDSN, *rounds) }
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/patent:", err)
		os.Exit(1)
	}
}

// databases opens two empty migrated databases, one for the service and one
// for the plain INSERT, and returns a clean-up.
func databases(ctx context.Context, dbURL string) (a, b *db.DB, dir string, cleanup func(), err error) {
	var scratches []*kit.Scratch
	cleanup = func() {
		for _, d := range []*db.DB{a, b} {
			if d != nil {
				d.Close()
			}
		}
		for _, sc := range scratches {
			sc.Drop()
		}
	}
	open := func(suffix string) (*db.DB, error) {
		sc, err := kit.NewScratch(ctx, dbURL, "patent_"+suffix)
		if err != nil {
			return nil, err
		}
		scratches = append(scratches, sc)
		d, err := sc.Open(ctx)
		if err != nil {
			return nil, err
		}
		_, err = d.Migrate(ctx)
		return d, err
	}
	if a, err = open("a"); err == nil {
		b, err = open("b")
	}
	if err == nil && keep {
		scratches[0].Keep()
		fmt.Fprintf(os.Stderr, "keeping the database %s\n", scratches[0].DSN)
		scratches = scratches[1:]
	}
	if err != nil {
		cleanup()
		return nil, nil, "", nil, err
	}
	return a, b, scratches[0].Dir, cleanup, nil
}

// record is one generated patent.
type record struct {
	no, title, applicants, applied, granted, status string
}

var statuses = []string{"在审", "授权", "有效", "驳回", "失效"}

// gen returns the i-th generated patent: years 2020–2026, the three types
// and PCT, about half granted, the applicants the sample enterprises.
func gen(i, ents int) record {
	year := 2020 + i%7
	typ := []int{1, 2, 3, 1, 2, 8, 9}[(i/7)%7]
	digits := fmt.Sprintf("%04d%d%07d", year, typ, i/7)
	c, _ := ident.PatentCheckChar(digits)
	r := record{no: digits + "." + string(c), title: fmt.Sprintf("一种测试装置%d", i),
		applicants: fmt.Sprintf("阜阳颍东示例%04d科技有限公司", 1+i%ents), applied: fmt.Sprintf("%d-%02d-%02d", year, 1+i%12, 1+i%28)}
	r.status = statuses[i%len(statuses)]
	switch r.status {
	case "授权", "有效", "失效":
		r.granted = fmt.Sprintf("%d-%02d-%02d", year+1, 1+(i/12)%12, 1+i%28)
	}
	return r
}

func (r record) row(n int) xlsx.Row {
	return xlsx.Row{Number: n, Values: map[string]string{"app_no": r.no, "title": r.title, "applicants": r.applicants,
		"application_date": r.applied, "grant_date": r.granted, "status": r.status, "region": "", "type": "", "credit_code": "",
		"inventors": "3", "ipc_main": "A01B 1/00", "agency": ""}}
}

// peak samples the Go heap in use while it runs.
type peak struct {
	max  atomic.Uint64
	stop chan struct{}
}

func watch() *peak {
	p := &peak{stop: make(chan struct{})}
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-p.stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			if m.HeapInuse > p.max.Load() {
				p.max.Store(m.HeapInuse)
			}
		}
	}()
	return p
}

func (p *peak) done() uint64 { close(p.stop); return p.max.Load() }

func run(ctx context.Context, n, imported, chunk, ents, rounds int, dbURL string) error {
	da, dbb, dir, cleanup, err := databases(ctx, dbURL)
	if err != nil {
		return err
	}
	defer cleanup()
	engine := string(da.Dialect.Engine)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(app.Config{DataDir: dir, BureauName: "压测科技局"}, da, log)
	if err != nil {
		return err
	}
	if err := a.Bootstrap(ctx, io.Discard); err != nil {
		return err
	}
	staff, _, err := a.Auth.CreateUser(ctx, nil, auth.UserInput{Username: "bench", DisplayName: "压测科员", Roles: []auth.Role{auth.Staff},
		RegionCode: region.DemoDistrictCode, Password: "Yd#Kjj-2026-Zl"})
	if err != nil {
		return err
	}
	tree, err := a.Regions.Tree(ctx)
	if err != nil {
		return err
	}
	var erows []xlsx.Row
	for i := 1; i <= ents; i++ {
		vals := enterprise.SampleRow(i, "")
		row := xlsx.Row{Number: i + 1, Values: map[string]string{}}
		for j, c := range enterprise.Sheet.Columns {
			row.Values[c.Key] = fmt.Sprint(vals[j])
		}
		erows = append(erows, row)
	}
	if rep, err := a.Enterprises.Import(ctx, staff, tree, erows, enterprise.ImportOptions{}); err != nil || len(rep.Errors) > 0 {
		return fmt.Errorf("enterprises: %v %+v", err, rep)
	}
	fmt.Fprintf(os.Stderr, "%s: %d enterprises; importing %d patents in files of %d\n", engine, ents, imported, chunk)

	// The import, file by file.
	runtime.GC()
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer f.Close()
	}
	pk := watch()
	var importTime time.Duration
	for start := 0; start < imported; start += chunk {
		rows := make([]xlsx.Row, 0, min(chunk, imported-start))
		for i := start; i < min(start+chunk, imported); i++ {
			rows = append(rows, gen(i, ents).row(i-start+2))
		}
		t0 := time.Now()
		rep, err := a.Patents.Import(ctx, staff, tree, rows, patent.ImportOptions{Source: "bench"})
		importTime += time.Since(t0)
		if err != nil {
			return err
		}
		if len(rep.Errors) > 0 {
			return fmt.Errorf("import: %d errors, first %+v", len(rep.Errors), rep.Errors[0])
		}
		fmt.Fprintf(os.Stderr, "  %d/%d\n", min(start+chunk, imported), imported)
	}
	heap := pk.done()
	if cpuProfile != "" {
		pprof.StopCPUProfile()
	}

	lg, err := audit.New(audit.SM3)
	if err != nil {
		return err
	}
	if _, err := (&region.Store{DB: dbb, Audit: lg}).Seed(ctx, append(region.Anhui(), region.DemoDistrict()...)); err != nil {
		return err
	}
	// The plain INSERT loop: the same records, parsed beforehand, one
	// prepared single-row INSERT each, one transaction per file.
	var plainTime time.Duration
	for start := 0; start < imported; start += chunk {
		recs := make([]record, 0, chunk)
		for i := start; i < min(start+chunk, imported); i++ {
			recs = append(recs, gen(i, ents))
		}
		t0 := time.Now()
		err := dbb.InTx(ctx, func(tx *db.Tx) error {
			st, err := tx.PrepareContext(ctx, `INSERT INTO patents (app_no, type, pct, title, applicants, region_code, inventors, application_date,
				grant_date, status, ipc_main, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`)
			if err != nil {
				return err
			}
			defer st.Close()
			for _, r := range recs {
				var grant any
				if r.granted != "" {
					grant = r.granted
				}
				if _, err := st.ExecContext(ctx, r.no, "invention", false, r.title, r.applicants, "341203", 3, r.applied, grant, "applied", "A01B 1/00", tx.Now); err != nil {
					return err
				}
			}
			return nil
		})
		plainTime += time.Since(t0)
		if err != nil {
			return fmt.Errorf("plain insert: %w", err)
		}
	}

	// The rest in bulk, straight into the tables, then the rollups
	// recounted as a bulk loader must.
	var loadTime, rebuildTime time.Duration
	if n > imported {
		t0 := time.Now()
		if err := bulkLoad(ctx, da, imported, n, ents); err != nil {
			return fmt.Errorf("bulk load: %w", err)
		}
		loadTime = time.Since(t0)
		t0 = time.Now()
		if err := da.InTx(ctx, func(tx *db.Tx) error { return a.Patents.RebuildRollups(ctx, tx) }); err != nil {
			return fmt.Errorf("rebuild rollups: %w", err)
		}
		rebuildTime = time.Since(t0)
		if da.Dialect.Engine == db.Postgres {
			if _, err := da.ExecContext(ctx, `ANALYZE`); err != nil {
				return err
			}
		}
		fmt.Fprintf(os.Stderr, "bulk load %d in %s, rollups rebuilt in %s\n", n-imported, loadTime.Round(time.Second), rebuildTime.Round(time.Second))
	}
	var rollupRows int
	if err := da.QueryRowContext(ctx, `SELECT COUNT(*) FROM patent_counts`).Scan(&rollupRows); err != nil {
		return err
	}

	p, svc, bare, summary, err := timeStats(ctx, a, da, staff, rounds)
	if err != nil {
		return err
	}

	fmt.Printf("\n### %s, %d patents (%s, %d CPUs, %s)\n\n", engine, n, runtime.Version(), runtime.NumCPU(), time.Now().Format("2006-01-02"))
	fmt.Println("| figure | kejiju | beside it | ratio |")
	fmt.Println("|---|---|---|---|")
	if imported > 0 {
		rate := func(d time.Duration) float64 { return float64(imported) / d.Seconds() }
		fmt.Printf("| import of %d, rows/s (files of %d) | %.0f | plain INSERT %.0f | %.2f |\n", imported, chunk, rate(importTime), rate(plainTime), rate(importTime)/rate(plainTime))
		fmt.Printf("| import peak Go heap in use | %.0f MB | — | — |\n", float64(heap)/(1<<20))
	}
	if n > imported {
		fmt.Printf("| bulk load of %d in SQL, then RebuildRollups | %s | rebuild %s | — |\n", n-imported, loadTime.Round(time.Second), rebuildTime.Round(100*time.Millisecond))
	}
	fmt.Printf("| rollup rows (patent_counts) | %d | — | — |\n", rollupRows)
	fmt.Printf("| statistics %s, median of %d | %.1f ms | bare SQL %.1f ms | %.2f |\n", p.Label(), rounds,
		ms(svc), ms(bare), float64(svc)/float64(bare))
	fmt.Printf("\n%s\n", summary)
	return nil
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// timeStats times the statistics of 2025年1–5月 through the service beside
// the bare aggregates, rounds times each, and returns the medians and the
// service's summary line.
func timeStats(ctx context.Context, a *app.App, d *db.DB, staff *auth.User, rounds int) (p patent.Period, svc, bare time.Duration, summary string, err error) {
	p = patent.Period{Year: 2025, Kind: patent.ToMonth, N: 5}
	var svcs, bares, cpus []time.Duration
	for range rounds {
		c0 := cpuTime()
		t0 := time.Now()
		st, err := a.Patents.Statistics(ctx, staff, patent.StatsQuery{Period: p})
		svcs = append(svcs, time.Since(t0))
		cpus = append(cpus, cpuTime()-c0)
		if err != nil {
			return p, 0, 0, "", err
		}
		summary = st.Summary()
		if !withBare {
			continue
		}
		t0 = time.Now()
		if err := bareStats(ctx, d, p); err != nil {
			return p, 0, 0, "", err
		}
		bares = append(bares, time.Since(t0))
	}
	med := func(ds []time.Duration) time.Duration {
		if len(ds) == 0 {
			return 0
		}
		s := slices.Clone(ds)
		slices.Sort(s)
		return s[len(s)/2]
	}
	fmt.Fprintf(os.Stderr, "statistics %v\n  CPU time of this process (on SQLite the whole work; the machine's load does not lengthen it), median %s: %v\nbare SQL %v\n",
		svcs, med(cpus), cpus, bares)
	return p, med(svcs), med(bares), summary, nil
}

// rerun times the statistics again on a database kept by -keep (migrated
// first, so a new index is built), as the bench's staff account.
func rerun(ctx context.Context, dsn string, rounds int) error {
	d, err := db.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "kejiju-bench-patent-stats-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	a, err := app.New(app.Config{DataDir: dir, BureauName: "压测科技局"}, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	staff, err := a.Auth.UserByName(ctx, "bench")
	if err != nil {
		return err
	}
	var rollupRows, patents int
	if err := d.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM patent_counts), (SELECT COUNT(*) FROM patents)`).Scan(&rollupRows, &patents); err != nil {
		return err
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	p, svc, bare, summary, err := timeStats(ctx, a, d, staff, rounds)
	if err != nil {
		return err
	}
	fmt.Printf("\n### %s, %d patents, %d rollup rows (%s, %d CPUs, %s)\n\n", d.Dialect.Engine, patents, rollupRows, runtime.Version(), runtime.NumCPU(), time.Now().Format("2006-01-02"))
	fmt.Printf("| statistics %s, median of %d | %.1f ms | bare SQL %.1f ms | %.2f |\n\n%s\n", p.Label(), rounds, ms(svc), ms(bare), float64(svc)/float64(bare), summary)
	return nil
}

// bareStats runs the same figures as the service as plain SQL, without the
// scope filter: applications and grants by month and type over the two
// years, by township, by enterprise and by industry in the period, valid
// inventions.
func bareStats(ctx context.Context, d *db.DB, p patent.Period) error {
	from, until := p.Range()
	lyFrom := calendar.Date{Year: p.Year - 1, Month: 1, Day: 1}
	end := calendar.Date{Year: p.Year + 1, Month: 1, Day: 1}
	dl := d.Dialect
	qs := []struct {
		q    string
		args []any
	}{
		{`SELECT ` + dl.YearOf("application_date") + `, ` + dl.MonthOf("application_date") + `, type, COUNT(*) FROM patents
			WHERE application_date >= $1 AND application_date < $2 GROUP BY 1, 2, 3`, []any{lyFrom, end}},
		{`SELECT ` + dl.YearOf("grant_date") + `, ` + dl.MonthOf("grant_date") + `, type, COUNT(*) FROM patents
			WHERE grant_date >= $1 AND grant_date < $2 GROUP BY 1, 2, 3`, []any{lyFrom, end}},
		{`SELECT region_code, type, COUNT(*) FROM patents WHERE application_date >= $1 AND application_date < $2 GROUP BY 1, 2`, []any{from, until}},
		{`SELECT region_code, type, COUNT(*) FROM patents WHERE grant_date >= $1 AND grant_date < $2 GROUP BY 1, 2`, []any{from, until}},
		{`SELECT enterprise_id, type, COUNT(*) FROM patents WHERE application_date >= $1 AND application_date < $2 GROUP BY 1, 2`, []any{from, until}},
		{`SELECT enterprise_id, type, COUNT(*) FROM patents WHERE grant_date >= $1 AND grant_date < $2 GROUP BY 1, 2`, []any{from, until}},
		{`SELECT SUBSTR(e.industry_code, 1, 1), p.type, COUNT(*) FROM patents p LEFT JOIN enterprises e ON e.id = p.enterprise_id
			WHERE p.application_date >= $1 AND p.application_date < $2 GROUP BY 1, 2`, []any{from, until}},
		{`SELECT SUBSTR(e.industry_code, 1, 1), p.type, COUNT(*) FROM patents p LEFT JOIN enterprises e ON e.id = p.enterprise_id
			WHERE p.grant_date >= $1 AND p.grant_date < $2 GROUP BY 1, 2`, []any{from, until}},
		{`SELECT COUNT(*) FROM patents WHERE type = 'invention' AND status IN ('granted', 'valid') AND grant_date < $1`, []any{until}},
	}
	for _, q := range qs {
		rows, err := d.QueryContext(ctx, strings.TrimSpace(q.q), q.args...)
		if err != nil {
			return err
		}
		for rows.Next() {
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
