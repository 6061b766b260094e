// Command enterprise measures the enterprise register at scale: the import
// of n enterprises from an xlsx workbook beside a plain prepared-INSERT loop
// of the same rows, and the list and search pages on those n enterprises
// under wrk beside /healthz of the same server. It measures and prints; it
// asserts nothing (ARCHITECTURE §6).
//
//	go run ./bench/enterprise                      # SQLite in a temp dir
//	go run ./bench/enterprise -db 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable'
//
// The import runs in a child process (this binary again, with -phase
// import), so that its peak memory is its own. Everything listens on
// 127.0.0.1 only; temp dirs are removed and the PostgreSQL databases it
// creates are dropped at the end, also after a failure or Ctrl-C. The
// table goes to stdout and into the engine's section of -md; progress and
// wrk's raw output go to stderr.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"kejiju/internal/app"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/enterprise"
	"kejiju/internal/money"
	"kejiju/internal/region"
)

// The staff member who imports and then browses; the password is only ever
// used on throwaway databases.
const (
	benchUser     = "bench"
	benchPassword = "Yd#Kjj-2026-Qy"
	bureau        = "阜阳市颍东区科学技术局"
)

type options struct {
	n          int
	dbURL      string
	duration   time.Duration
	conns      int
	threads    int
	rounds     int
	md         string
	writes     bool
	cpuprofile string
	keep       bool

	// the child's (hidden)
	phase    string
	data     string
	workbook string
}

var hidden = map[string]bool{"phase": true, "data": true, "workbook": true}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 100000, "rows in the workbook")
	flag.StringVar(&o.dbURL, "db", "", "PostgreSQL URL of a server where databases may be created (empty: SQLite in a temp dir)")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "length of each wrk run")
	flag.IntVar(&o.conns, "connections", 64, "wrk connections")
	flag.IntVar(&o.threads, "threads", 2, "wrk threads")
	flag.IntVar(&o.rounds, "rounds", 1, "rounds of wrk runs over all the URLs, by turns; the median round counts")
	flag.StringVar(&o.md, "md", "bench/ENTERPRISE.md", "markdown file whose section for this engine is replaced with the results (empty: none)")
	flag.BoolVar(&o.writes, "writes", true, "also time the import's own writes (record, version, search index) as prepared statements, for the breakdown")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write CPU profiles: FILE.import of the import process, FILE of this process (the server) during the wrk runs")
	flag.BoolVar(&o.keep, "keep", false, "keep the temp dir and the PostgreSQL databases for inspection, and print where they are")
	flag.StringVar(&o.phase, "phase", "", "internal: run one phase (import) in this process")
	flag.StringVar(&o.data, "data", "", "internal: data directory of the phase")
	flag.StringVar(&o.workbook, "workbook", "", "internal: the workbook to import")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: %s [flags]\n", filepath.Base(os.Args[0]))
		flag.VisitAll(func(f *flag.Flag) {
			if !hidden[f.Name] {
				fmt.Fprintf(flag.CommandLine.Output(), "  -%s (default %q)\n    \t%s\n", f.Name, f.DefValue, f.Usage)
			}
		})
	}
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch o.phase {
	case "":
		err = bench(ctx, o)
	case "import":
		err = importPhase(ctx, o)
	default:
		err = fmt.Errorf("unknown phase %q", o.phase)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/enterprise:", err)
		stop()
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

// quietLog keeps the application's own logging to warnings and errors.
func quietLog() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// --- the child: the import, timed

// importPhase opens the database that setup prepared and imports the
// workbook as the staff member, printing "bench_KEY VALUE" lines: the time
// of each part and the process's peak memory. The bootstrap is not done
// here: its argon2id hashes (19 MiB each) would set the peak.
func importPhase(ctx context.Context, o options) error {
	a, err := app.Open(ctx, app.Config{DataDir: o.data, DBURL: o.dbURL, BureauName: bureau}, quietLog())
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Auth.UserByName(ctx, benchUser)
	if err != nil {
		return err
	}
	out := map[string]float64{"hwm_mb_open": vmMB("VmHWM")}
	runtime.GC()
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	start := time.Now()
	f, err := os.Open(o.workbook)
	if err != nil {
		return err
	}
	rows, err := enterprise.ReadRows(f, o.workbook)
	f.Close()
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	read := time.Now()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	out["heap_mb_rows"] = float64(ms.HeapAlloc) / (1 << 20)
	out["hwm_mb_read"] = vmMB("VmHWM")

	tree, err := a.Regions.Tree(ctx)
	if err != nil {
		return err
	}
	var checked, first, written time.Time
	var firstDone int
	progress := func(stage string, done, total int) {
		now := time.Now()
		switch {
		case stage == "check" && done == total:
			checked = now
		case stage == "write" && first.IsZero():
			first, firstDone = now, done
		}
		if stage == "write" && done == total {
			written = now
		}
	}
	svc := &enterprise.Service{DB: a.DB, Audit: a.Audit, Accounts: a.Auth}
	begin := time.Now()
	rep, err := svc.Import(ctx, u, tree, rows, enterprise.ImportOptions{Reason: "压测导入", Progress: progress})
	end := time.Now()
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if len(rep.Errors) > 0 || !rep.Written || rep.New != o.n {
		return fmt.Errorf("import: %d new of %d, written %v, %d errors (first: %+v)", rep.New, o.n, rep.Written, len(rep.Errors), rep.Errors[:min(1, len(rep.Errors))])
	}
	if checked.IsZero() || first.IsZero() || written.IsZero() {
		return fmt.Errorf("import: the progress callback missed a stage")
	}
	out["rows"] = float64(rep.New)
	out["read_s"] = read.Sub(start).Seconds()
	out["tree_s"] = begin.Sub(read).Seconds()
	out["check_s"] = checked.Sub(begin).Seconds()
	out["write_s"] = written.Sub(checked).Seconds()
	// From the first write report to the last: the steady write rate,
	// without the look-up of existing records that precedes the writes.
	out["write_steady_rows_per_s"] = float64(rep.New-firstDone) / written.Sub(first).Seconds()
	out["first_write_s"] = first.Sub(checked).Seconds()
	out["first_write_rows"] = float64(firstDone)
	out["commit_s"] = end.Sub(written).Seconds()
	out["total_s"] = end.Sub(start).Seconds()
	out["hwm_mb_end"] = vmMB("VmHWM")
	if size, err := dbSize(ctx, a.DB); err == nil {
		out["db_mb"] = size
	}
	keys := make([]string, 0, len(out))
	for k := range out {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Printf("bench_%s %.6f\n", k, out[k])
	}
	return nil
}

// vmMB reads a field of /proc/self/status (VmHWM, VmRSS) in MB.
func vmMB(field string) float64 {
	return procMB("/proc/self/status", field)
}

func procMB(path, field string) float64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return -1
	}
	for line := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(line, ":"); ok && k == field {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return -1
}

// dbSize is the database's size on disk in MB (SQLite: the file and its
// WAL).
func dbSize(ctx context.Context, d *db.DB) (float64, error) {
	if d.Dialect.Engine == db.Postgres {
		var n int64
		err := d.QueryRowContext(ctx, `SELECT pg_database_size(current_database())`).Scan(&n)
		return float64(n) / (1 << 20), err
	}
	var total int64
	for _, p := range []string{d.Path, d.Path + "-wal"} {
		if st, err := os.Stat(p); err == nil {
			total += st.Size()
		}
	}
	return float64(total) / (1 << 20), nil
}

// --- the parent

// env is where one run keeps its temporary things and how it removes them.
type env struct {
	o       options
	tmp     string
	admin   *sql.DB // the -db server, for CREATE/DROP DATABASE
	created []string
}

// newDB returns a fresh database: a data directory under tmp, and on
// PostgreSQL also a new database on the -db server.
func (e *env) newDB(ctx context.Context, name string) (app.Config, error) {
	cfg := app.Config{DataDir: filepath.Join(e.tmp, name), BureauName: bureau}
	if e.admin == nil {
		return cfg, nil
	}
	var b [4]byte
	rand.Read(b[:])
	dbname := "kejiju_bench_ent_" + hex.EncodeToString(b[:]) + "_" + name
	if _, err := e.admin.ExecContext(ctx, `CREATE DATABASE `+dbname+` TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`); err != nil {
		return cfg, fmt.Errorf("create database %s: %w", dbname, err)
	}
	e.created = append(e.created, dbname)
	u, err := url.Parse(e.o.dbURL)
	if err != nil {
		return cfg, err
	}
	u.Path = "/" + dbname
	u.RawPath = ""
	cfg.DBURL = u.String()
	return cfg, nil
}

// drop drops the databases created so far; it runs even when ctx was
// cancelled.
func (e *env) drop() {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, name := range e.created {
		if _, err := e.admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			logf("could not drop database %s: %v", name, err)
		}
	}
	e.created = nil
}

// result holds the figures of a run.
type result struct {
	engine, engineVersion string
	workbookMB, genS      float64
	imp                   map[string]float64 // the child's bench_ lines
	childCPUS             float64
	plainS, writesS       float64
	pages                 []pageResult
	loadBefore, loadAfter string
	analyzed              [2]string // PostgreSQL: when enterprises was last analyzed, before and after the wrk runs
}

type pageResult struct {
	label, path string
	target      bool               // a page with a target (not the baseline)
	filter      *enterprise.Filter // the page's List call
	bytes       int
	aloneMS     float64 // median of sequential requests, one at a time
	listMS      float64 // median of the page's enterprise.Service.List call alone, in-process
	runs        []wrkResult
}

type wrkResult struct {
	rps, p50, p99 float64 // p50, p99 in ms
	requests      int
	non2xx        int
	socketErrors  int
	timeouts      int
}

func bench(ctx context.Context, o options) error {
	if o.n < 1 || o.n >= 1000000 {
		return fmt.Errorf("-n must be between 1 and 999999")
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk is required for the page figures: apt-get install -y wrk")
	}
	tmp, err := os.MkdirTemp("", "kejiju-bench-ent-")
	if err != nil {
		return err
	}
	e := &env{o: o, tmp: tmp}
	defer func() {
		if o.keep {
			logf("kept %s and the databases %v", tmp, e.created)
			return
		}
		os.RemoveAll(tmp)
	}()
	r := &result{engine: "SQLite", loadBefore: loadavg()}
	if o.dbURL != "" {
		if !strings.HasPrefix(o.dbURL, "postgres://") && !strings.HasPrefix(o.dbURL, "postgresql://") {
			return errors.New("-db must be a postgres:// URL")
		}
		admin, err := sql.Open("pgx", o.dbURL)
		if err != nil {
			return err
		}
		defer admin.Close()
		admin.SetMaxOpenConns(1)
		e.admin = admin
		if !o.keep {
			defer e.drop()
		}
		r.engine = "PostgreSQL"
		if err := admin.QueryRowContext(ctx, `SHOW server_version`).Scan(&r.engineVersion); err != nil {
			return fmt.Errorf("PostgreSQL at -db: %w", err)
		}
		r.engineVersion = strings.Fields(r.engineVersion)[0]
	}

	// 1. The workbook, not timed as part of anything.
	wb := filepath.Join(tmp, "enterprises.xlsx")
	logf("writing a workbook of %d enterprises", o.n)
	t0 := time.Now()
	if err := writeWorkbook(wb, o.n); err != nil {
		return err
	}
	r.genS = time.Since(t0).Seconds()
	st, err := os.Stat(wb)
	if err != nil {
		return err
	}
	r.workbookMB = float64(st.Size()) / (1 << 20)
	logf("workbook: %.1f MB in %.1f s", r.workbookMB, r.genS)

	// 2. The import, in a child process of its own.
	impCfg, err := e.newDB(ctx, "import")
	if err != nil {
		return err
	}
	if err := setup(ctx, impCfg); err != nil {
		return err
	}
	if err := runImport(ctx, o, impCfg, wb, r); err != nil {
		return err
	}
	if r.engineVersion == "" {
		r.engineVersion = sqliteVersion(ctx, impCfg)
	}

	// 3. The plain INSERT loop (and the import's writes, prepared).
	plainCfg, err := e.newDB(ctx, "plain")
	if err != nil {
		return err
	}
	if r.plainS, err = plainInsert(ctx, o.n, plainCfg, false); err != nil {
		return err
	}
	if o.writes {
		writesCfg, err := e.newDB(ctx, "writes")
		if err != nil {
			return err
		}
		if r.writesS, err = plainInsert(ctx, o.n, writesCfg, true); err != nil {
			return err
		}
	}
	runtime.GC()

	// 4. The pages under wrk, on the imported data.
	if err := pages(ctx, o, impCfg, r); err != nil {
		return err
	}
	r.loadAfter = loadavg()

	md := report(o, r)
	fmt.Print(md)
	if o.md != "" {
		if err := writeSection(o.md, strings.ToLower(r.engine), md); err != nil {
			return err
		}
		logf("wrote the %s section of %s", r.engine, o.md)
	}
	return nil
}

func writeWorkbook(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := enterprise.WriteSampleWorkbook(bw, n, nil); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// setup bootstraps a fresh database (regions, the three administrators)
// and adds the staff member of 341203 who imports and browses.
func setup(ctx context.Context, cfg app.Config) error {
	a, err := app.Open(ctx, cfg, quietLog())
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Bootstrap(ctx, io.Discard); err != nil {
		return err
	}
	_, _, err = a.Auth.CreateUser(ctx, nil, auth.UserInput{Username: benchUser, DisplayName: "压测科员", Roles: []auth.Role{auth.Staff},
		RegionCode: region.DemoDistrictCode, Password: benchPassword})
	if err != nil {
		return fmt.Errorf("create %s: %w", benchUser, err)
	}
	return nil
}

// runImport runs this binary with -phase import and reads its figures.
func runImport(ctx context.Context, o options, cfg app.Config, wb string, r *result) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	args := []string{"-phase", "import", "-n", strconv.Itoa(o.n), "-data", cfg.DataDir, "-db", cfg.DBURL, "-workbook", wb}
	if o.cpuprofile != "" {
		args = append(args, "-cpuprofile", o.cpuprofile+".import")
	}
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	logf("importing %d rows in a child process", o.n)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("import phase: %w", err)
	}
	r.imp = map[string]float64{}
	for line := range strings.Lines(out.String()) {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), " "); ok && strings.HasPrefix(k, "bench_") {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return fmt.Errorf("import phase printed %q", line)
			}
			r.imp[strings.TrimPrefix(k, "bench_")] = f
		}
	}
	if r.imp["total_s"] <= 0 {
		return fmt.Errorf("import phase printed no figures: %q", out.String())
	}
	r.childCPUS = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	logf("import: %.1f s (read %.1f, check %.1f, write %.1f, commit %.1f), peak %.0f MB",
		r.imp["total_s"], r.imp["read_s"], r.imp["check_s"], r.imp["write_s"], r.imp["commit_s"], r.imp["hwm_mb_end"])
	return nil
}

// plainInsert opens a fresh, migrated database with its regions, and times
// one transaction of n prepared INSERTs of the sample rows' values. With
// writes set, each row also gets what the import writes beside it: the
// record's id back, its version row, and on SQLite its full-text row.
// The values are computed before the clock starts.
func plainInsert(ctx context.Context, n int, cfg app.Config, writes bool) (float64, error) {
	a, err := app.Open(ctx, cfg, quietLog())
	if err != nil {
		return 0, err
	}
	defer a.Close()
	if err := a.Bootstrap(ctx, io.Discard); err != nil {
		return 0, err
	}
	tree, err := a.Regions.Tree(ctx)
	if err != nil {
		return 0, err
	}
	towns := map[string]string{}
	for _, t := range tree.Descendants(region.DemoDistrictCode) {
		towns[t.Name], towns[t.Code] = t.Code, t.Code
	}
	now := time.Now().UTC()
	args := make([][]any, n)
	data := make([]string, n)
	for i := range n {
		v := enterprise.SampleRow(i+1, "")
		s := func(j int) string { return v[j].(string) }
		on, err := calendar.Parse(s(3))
		if err != nil {
			return 0, err
		}
		capital, err := money.ParseYuan(s(4) + "万")
		if err != nil {
			return 0, err
		}
		town, ok := towns[s(6)]
		if !ok {
			return 0, fmt.Errorf("sample township %q not in the region tree", s(6))
		}
		in := enterprise.Input{CreditCode: s(0), Name: s(1), LegalRep: s(2), RegisteredOn: on, RegisteredCapital: capital, Address: s(5),
			RegionCode: town, IndustryCode: s(7), TechField: s(8), ContactName: s(9), ContactPhone: s(10)}
		args[i] = []any{in.CreditCode, in.Name, enterprise.Initials(in.Name), in.LegalRep, in.RegisteredOn, in.RegisteredCapital,
			in.Address, in.RegionCode, in.IndustryCode, in.TechField, in.ContactName, in.ContactPhone, now}
		if writes {
			b, _ := json.Marshal(in)
			data[i] = string(b)
		}
	}
	what := "plain INSERT"
	if writes {
		what = "the import's writes, prepared"
	}
	logf("%s: %d rows in one transaction", what, n)
	const ins = `INSERT INTO enterprises (credit_code, name, name_initials, legal_rep, registered_on, registered_capital, address,
		region_code, industry_code, tech_field, contact_name, contact_phone, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`
	sqlite := a.DB.Dialect.Engine == db.SQLite
	start := time.Now()
	tx, err := a.DB.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	prep := func(q string) (*sql.Stmt, error) { return tx.PrepareContext(ctx, q) }
	var stmt, ver, fts *sql.Stmt
	if writes {
		if stmt, err = prep(ins + ` RETURNING id`); err != nil {
			return 0, err
		}
		if ver, err = prep(`INSERT INTO enterprise_versions (enterprise_id, version, data, changed_by, changed_name, changed_at, reason)
			VALUES ($1, 1, $2, NULL, '压测科员', $3, '压测导入')`); err != nil {
			return 0, err
		}
		if sqlite {
			if fts, err = prep(`INSERT INTO enterprise_search (rowid, name, address) VALUES ($1, $2, $3)`); err != nil {
				return 0, err
			}
		}
	} else if stmt, err = prep(ins); err != nil {
		return 0, err
	}
	for i, row := range args {
		if !writes {
			if _, err := stmt.ExecContext(ctx, row...); err != nil {
				return 0, fmt.Errorf("row %d: %w", i+1, err)
			}
			continue
		}
		var id int64
		if err := stmt.QueryRowContext(ctx, row...).Scan(&id); err != nil {
			return 0, fmt.Errorf("row %d: %w", i+1, err)
		}
		if _, err := ver.ExecContext(ctx, id, data[i], now); err != nil {
			return 0, fmt.Errorf("row %d: %w", i+1, err)
		}
		if fts != nil {
			if _, err := fts.ExecContext(ctx, id, row[1], row[6]); err != nil {
				return 0, fmt.Errorf("row %d: %w", i+1, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	el := time.Since(start).Seconds()
	var count int
	if err := a.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM enterprises`).Scan(&count); err != nil {
		return 0, err
	}
	if count != n {
		return 0, fmt.Errorf("%s: %d rows on file, want %d", what, count, n)
	}
	logf("%s: %.1f s, %.0f rows/s", what, el, float64(n)/el)
	return el, nil
}

func sqliteVersion(ctx context.Context, cfg app.Config) string {
	d, err := db.Open(ctx, cfg.DBPath())
	if err != nil {
		return ""
	}
	defer d.Close()
	var v string
	d.QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&v)
	return v
}

// pages serves the imported database in this process, logs the staff
// member in and runs wrk on each URL.
func pages(ctx context.Context, o options, cfg app.Config, r *result) error {
	a, err := app.Open(ctx, cfg, quietLog())
	if err != nil {
		return err
	}
	defer a.Close()
	// The first login's password change would send every page to
	// /account/password.
	if _, err := a.DB.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE WHERE username = $1`, benchUser); err != nil {
		return err
	}
	srv, err := a.Server(func() bool { return true })
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}
	go hs.Serve(ln)
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	base := "http://" + ln.Addr().String()

	client := &http.Client{Timeout: 60 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(base+"/login", url.Values{"username": {benchUser}, "password": {benchPassword}})
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	var session string
	for _, c := range resp.Cookies() {
		if c.Name == "kejiju_session" {
			session = c.Value
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == "" {
		return fmt.Errorf("login as %s: status %d, session cookie %v", benchUser, resp.StatusCode, session != "")
	}
	cookie := "kejiju_session=" + session

	deep := max(1, o.n/40) // the middle page: 2500 of 5000 for 100,000
	list := func(q string, page int) *enterprise.Filter {
		return &enterprise.Filter{Query: q, Limit: 20, Offset: (page - 1) * 20}
	}
	r.pages = []pageResult{
		{label: "/healthz", path: "/healthz"},
		{label: "floor: a logged-in page with no enterprise query", path: "/account/password"},
		{label: "list, first page", path: "/enterprises", target: true, filter: list("", 1)},
		{label: "list, page " + strconv.Itoa(deep), path: "/enterprises?page=" + strconv.Itoa(deep), target: true, filter: list("", deep)},
		{label: "search 示例0042 (≥ 3 characters)", path: "/enterprises?q=" + url.QueryEscape("示例0042"), target: true, filter: list("示例0042", 1)},
		{label: "search 示例 (2 characters)", path: "/enterprises?q=" + url.QueryEscape("示例"), target: true, filter: list("示例", 1)},
		{label: "search fyyd (pinyin initials)", path: "/enterprises?q=fyyd", target: true, filter: list("fyyd", 1)},
	}
	u, err := a.Auth.UserByName(ctx, benchUser)
	if err != nil {
		return err
	}
	svc := &enterprise.Service{DB: a.DB, Audit: a.Audit, Accounts: a.Auth}
	// Each page once with a plain client: it must answer 200 (not a
	// redirect to the login or password page) and show the enterprises;
	// then the median of 5 requests one at a time.
	for i := range r.pages {
		p := &r.pages[i]
		var times []float64
		for k := range 6 {
			req, _ := http.NewRequestWithContext(ctx, "GET", base+p.path, nil)
			req.Header.Set("Cookie", cookie)
			t := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				return fmt.Errorf("GET %s: %w", p.path, err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return fmt.Errorf("GET %s: %w", p.path, err)
			}
			if k > 0 {
				times = append(times, float64(time.Since(t).Microseconds())/1000)
			}
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("GET %s: status %d (Location %q)", p.path, resp.StatusCode, resp.Header.Get("Location"))
			}
			if p.target && !bytes.Contains(body, []byte("示例")) {
				return fmt.Errorf("GET %s: the page shows no sample enterprise (%d bytes)", p.path, len(body))
			}
			p.bytes = len(body)
		}
		p.aloneMS = median(times)
		if p.filter != nil {
			times = times[:0]
			for range 5 {
				t := time.Now()
				items, total, err := svc.List(ctx, u, *p.filter)
				if err != nil {
					return fmt.Errorf("list %+v: %w", *p.filter, err)
				}
				times = append(times, float64(time.Since(t).Microseconds())/1000)
				if len(items) == 0 || total == 0 {
					return fmt.Errorf("list %+v: nothing found", *p.filter)
				}
			}
			p.listMS = median(times)
		}
		logf("%s: %d bytes, %.1f ms alone (median of 5), its List call %.1f ms (0: none)", p.path, p.bytes, p.aloneMS, p.listMS)
	}
	r.analyzed[0] = lastAnalyzed(ctx, a.DB)
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	defer func() { r.analyzed[1] = lastAnalyzed(ctx, a.DB) }()
	for round := range o.rounds {
		for i := range r.pages {
			p := &r.pages[i]
			w, err := runWrk(ctx, o, cookie, base+p.path)
			if err != nil {
				return fmt.Errorf("wrk %s: %w", p.path, err)
			}
			logf("round %d %s: %.1f requests/s, p99 %.1f ms", round+1, p.path, w.rps, w.p99)
			p.runs = append(p.runs, w)
		}
	}
	return nil
}

// lastAnalyzed says when PostgreSQL last gathered the planner's statistics
// of enterprises ("never": the plans are made without them).
func lastAnalyzed(ctx context.Context, d *db.DB) string {
	if d.Dialect.Engine != db.Postgres {
		return ""
	}
	var at sql.NullTime
	if err := d.QueryRowContext(ctx, `SELECT GREATEST(last_analyze, last_autoanalyze) FROM pg_stat_user_tables WHERE relname = 'enterprises'`).Scan(&at); err != nil {
		return "?"
	}
	if !at.Valid {
		return "never"
	}
	return at.Time.UTC().Format("15:04:05 UTC")
}

func runWrk(ctx context.Context, o options, cookie, target string) (wrkResult, error) {
	ctx, cancel := context.WithTimeout(ctx, o.duration+2*time.Minute)
	defer cancel()
	args := []string{"-t" + strconv.Itoa(o.threads), "-c" + strconv.Itoa(o.conns), "-d" + strconv.Itoa(int(o.duration.Seconds())) + "s",
		"--timeout", "10s", "--latency", "-H", "Cookie: " + cookie, target}
	logf("wrk %s", strings.ReplaceAll(strings.Join(args, " "), cookie, "kejiju_session=…"))
	cmd := exec.CommandContext(ctx, "wrk", args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.Output()
	for line := range strings.Lines(string(out)) {
		fmt.Fprint(os.Stderr, "    ", line)
	}
	if err != nil {
		return wrkResult{}, err
	}
	return parseWrk(string(out))
}

// parseWrk reads requests/s, p50, p99 and errors from wrk --latency.
func parseWrk(out string) (wrkResult, error) {
	var w wrkResult
	var haveRPS, have99 bool
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			w.rps, _ = strconv.ParseFloat(f[1], 64)
			haveRPS = true
		case len(f) == 2 && f[0] == "50%":
			w.p50 = durationMS(f[1])
		case len(f) == 2 && f[0] == "99%":
			w.p99 = durationMS(f[1])
			have99 = true
		case len(f) >= 3 && f[1] == "requests" && f[2] == "in":
			w.requests, _ = strconv.Atoi(f[0])
		case strings.HasPrefix(strings.TrimSpace(line), "Non-2xx or 3xx responses:"):
			w.non2xx, _ = strconv.Atoi(f[len(f)-1])
		case strings.HasPrefix(strings.TrimSpace(line), "Socket errors:"):
			// Socket errors: connect 0, read 0, write 0, timeout 0
			for i := 2; i+1 < len(f); i += 2 {
				v, _ := strconv.Atoi(strings.TrimSuffix(f[i+1], ","))
				w.socketErrors += v
				if f[i] == "timeout" {
					w.timeouts = v
				}
			}
		}
	}
	if !haveRPS || !have99 {
		return w, fmt.Errorf("no requests/s or p99 in wrk's output")
	}
	return w, nil
}

// durationMS turns wrk's 1.23ms, 456.78us, 1.02s, 1.50m into milliseconds.
func durationMS(s string) float64 {
	for _, u := range []struct {
		suffix string
		ms     float64
	}{{"us", 0.001}, {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				return f * u.ms
			}
		}
	}
	return -1
}

func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// medianRun is the run with the median requests/s.
func medianRun(runs []wrkResult) wrkResult {
	s := slices.Clone(runs)
	slices.SortFunc(s, func(a, b wrkResult) int { return cmp.Compare(a.rps, b.rps) })
	return s[(len(s)-1)/2]
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// --- the report

func report(o options, r *result) string {
	var b strings.Builder
	n := float64(o.n)
	imp := r.imp
	name := r.engine + " " + r.engineVersion
	fmt.Fprintf(&b, "### %s\n\n", name)
	fmt.Fprintf(&b, "%s · %d cores · %.1f GB RAM · Linux %s · %s · %s\n\n", strings.TrimSpace(dateU()), runtime.NumCPU(), memGB(), kernel(), runtime.Version(), name)
	fmt.Fprintf(&b, "Command: `go run ./bench/enterprise -n %d%s -duration %s -connections %d` (wrk -t%d, %d round%s). "+
		"Load average (1, 5, 15 min) before: %s; after: %s. Workbook: %.1f MB (%d rows, written in %.1f s, not timed).\n\n",
		o.n, dbFlag(o), o.duration, o.conns, o.threads, o.rounds, plural(o.rounds), r.loadBefore, r.loadAfter, r.workbookMB, o.n, r.genS)
	b.WriteString("| figure | kejiju | limit (plain INSERT / healthz) | ratio | target | met? |\n|---|---|---|---|---|---|\n")
	row := func(figure, k, l, ratio, target, met string) {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", figure, k, l, ratio, target, met)
	}
	yes := func(ok bool) string {
		if ok {
			return "yes"
		}
		return "**no**"
	}
	impRate, plainRate := n/imp["total_s"], n/r.plainS
	row("import rows/s (read + validate + write, one transaction)", f0(impRate), f0(plainRate), f2(impRate/plainRate), "≥ 0.50 of plain INSERT", yes(impRate/plainRate >= 0.5))
	row("import peak memory (VmHWM of the import process, MB)", f0(imp["hwm_mb_end"]), "—", "—", "< 256 MB", yes(imp["hwm_mb_end"] < 256))
	row("import time (s) vs the plain INSERT loop", f1(imp["total_s"]), f1(r.plainS), f2(imp["total_s"]/r.plainS), "—", "—")
	row("· read the xlsx into rows (s)", f1(imp["read_s"]), "—", "—", "—", "—")
	row("· validate every row (s)", f1(imp["check_s"]), "—", "—", "—", "—")
	row("· write records, versions, search index (s)", f1(imp["write_s"]), f1(r.plainS), f2(imp["write_s"]/r.plainS), "—", "—")
	row("· audit event and commit (s)", f2(imp["commit_s"]), "—", "—", "—", "—")
	if r.writesS > 0 {
		row("the import's writes as prepared statements, no Go work (s)", f1(r.writesS), f1(r.plainS), f2(r.writesS/r.plainS), "—", "—")
	}
	row("import process CPU time (s, user + system)", f1(r.childCPUS), "—", "—", "—", "—")
	row("peak memory after reading the rows (VmHWM, MB; Go heap with the rows)", fmt.Sprintf("%s (%s)", f0(imp["hwm_mb_read"]), f0(imp["heap_mb_rows"])), "—", "—", "—", "—")
	row("database size after the import (MB)", f0(imp["db_mb"]), "—", "—", "—", "—")
	hz := medianRun(r.pages[0].runs)
	errs := 0
	for _, p := range r.pages {
		for _, w := range p.runs {
			errs += w.non2xx + w.socketErrors
		}
	}
	row(fmt.Sprintf("/healthz requests/s (%d connections)", o.conns), f0(hz.rps), "—", "—", "—", "—")
	row("/healthz p99 (ms)", f1(hz.p99), "—", "—", "—", "—")
	for _, p := range r.pages[1:] {
		w := medianRun(p.runs)
		if !p.target {
			row(fmt.Sprintf("%s `%s`: requests/s (requests completed)", p.label, p.path), fmt.Sprintf("%s (%d)", f1(w.rps), w.requests), f0(hz.rps), f3(w.rps/hz.rps), "—", "—")
			row(fmt.Sprintf("%s: p99 (ms); one request alone %s ms", p.label, f1(p.aloneMS)), f0(w.p99), f1(hz.p99), "—", "—", "—")
			continue
		}
		row(fmt.Sprintf("%s `%s`: requests/s (requests completed)", p.label, p.path), fmt.Sprintf("%s (%d)", f1(w.rps), w.requests), f0(hz.rps), f3(w.rps/hz.rps), "≥ 0.25 of /healthz", yes(w.rps/hz.rps >= 0.25))
		row(fmt.Sprintf("%s: p99 (ms); one request alone %s ms, its List query %s ms", p.label, f1(p.aloneMS), f1(p.listMS)), f0(w.p99), f1(hz.p99), "—", "< 50 ms", yes(w.p99 < 50))
	}
	row("wrk errors (non-2xx/3xx, socket errors incl. timeouts), all runs", strconv.Itoa(errs), "—", "—", "0", yes(errs == 0))
	b.WriteString("\n")
	fmt.Fprintf(&b, "Import detail: steady write rate %s rows/s after the first %s rows (which took %s s with the look-up of existing codes); "+
		"VmHWM of the import process after opening the app, before reading: %s MB.\n",
		f0(imp["write_steady_rows_per_s"]), f0(imp["first_write_rows"]), f2(imp["first_write_s"]), f0(imp["hwm_mb_open"]))
	if r.analyzed[0] != "" {
		fmt.Fprintf(&b, "PostgreSQL statistics of `enterprises` (last ANALYZE or autoanalyze) before the wrk runs: %s; after: %s.\n", r.analyzed[0], r.analyzed[1])
	}
	return b.String()
}

func dbFlag(o options) string {
	if o.dbURL == "" {
		return ""
	}
	return " -db '" + db.Redact(o.dbURL) + "'"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func f0(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }
func f1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
func f2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
func f3(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }

func dateU() string {
	out, err := exec.Command("date", "-u").Output()
	if err != nil {
		return time.Now().UTC().Format(time.UnixDate)
	}
	return string(out)
}

func memGB() float64 { return procMB("/proc/meminfo", "MemTotal") / 1024 }

func kernel() string {
	b, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	return strings.TrimSpace(string(b))
}

// writeSection replaces the part of the markdown file between the
// engine's markers with md, appending it if the markers are absent.
func writeSection(path, engine, md string) error {
	begin, end := "<!-- BEGIN "+engine+" -->", "<!-- END "+engine+" -->"
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	text := string(old)
	if text == "" {
		text = "# Enterprise register at scale — bench/enterprise\n\n"
	}
	block := begin + "\n" + md + end
	i, j := strings.Index(text, begin), strings.Index(text, end)
	if i >= 0 && j > i {
		text = text[:i] + block + text[j+len(end):]
	} else {
		text = strings.TrimRight(text, "\n") + "\n\n" + block + "\n"
	}
	return os.WriteFile(path, []byte(text), 0o644)
}
