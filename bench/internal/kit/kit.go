// Package kit is what the benchmarks share: a scratch database on either
// engine that is removed after the run (also after a failure or Ctrl-C),
// the machine line every result carries, timing and the markdown table.
package kit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"kejiju/internal/db"
)

// Progress writes a progress line to stderr (the tables go to stdout).
func Progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

// Fatal removes what the run made and exits with err.
func Fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	cleanUp()
	os.Exit(1)
}

// Must returns v, or ends the run on err.
func Must[T any](v T, err error) T {
	if err != nil {
		Fatal(err)
	}
	return v
}

// Check ends the run on err.
func Check(err error) {
	if err != nil {
		Fatal(err)
	}
}

// Met is a result's "met?" cell.
func Met(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

var (
	mu       sync.Mutex
	cleanups []func()
	watching bool
)

// atExit runs f when the run ends by Fatal or an interrupt, and watches
// for interrupts from the first call on.
func atExit(f func()) {
	mu.Lock()
	defer mu.Unlock()
	cleanups = append(cleanups, f)
	if watching {
		return
	}
	watching = true
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-c
		Progress("interrupted: removing the scratch databases")
		cleanUp()
		os.Exit(130)
	}()
}

func cleanUp() {
	mu.Lock()
	fs := cleanups
	cleanups = nil
	mu.Unlock()
	for _, f := range slices.Backward(fs) {
		f()
	}
}

// Scratch is a database made for one run: a file in a temporary folder on
// SQLite, or a new database on the PostgreSQL server an admin DSN names.
type Scratch struct {
	Engine string // "SQLite" or "PostgreSQL"
	DSN    string // what db.Open takes
	Dir    string // a temporary folder for the run's other files
	drop   func()
	once   sync.Once
}

// NewScratch makes an empty database named after the benchmark: on
// PostgreSQL when admin is a postgres:// URL, else SQLite. Drop removes it;
// Fatal and Ctrl-C do too.
func NewScratch(ctx context.Context, admin, name string) (*Scratch, error) {
	dir, err := os.MkdirTemp("", "kejiju-bench-"+name+"-")
	if err != nil {
		return nil, err
	}
	s := &Scratch{Engine: "SQLite", DSN: filepath.Join(dir, "bench.db"), Dir: dir, drop: func() { os.RemoveAll(dir) }}
	if admin != "" {
		if !strings.HasPrefix(admin, "postgres://") && !strings.HasPrefix(admin, "postgresql://") {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("-db must be a postgres:// URL")
		}
		a, err := sql.Open("pgx", admin)
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		b := make([]byte, 4)
		rand.Read(b)
		dbname := "kejiju_bench_" + name + "_" + hex.EncodeToString(b)
		if _, err := a.ExecContext(ctx, `CREATE DATABASE `+dbname+` TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`); err != nil {
			a.Close()
			os.RemoveAll(dir)
			return nil, fmt.Errorf("create database: %w", err)
		}
		u, err := url.Parse(admin)
		if err != nil {
			a.Close()
			os.RemoveAll(dir)
			return nil, err
		}
		u.Path, u.RawPath = "/"+dbname, ""
		s.Engine, s.DSN = "PostgreSQL", u.String()
		s.drop = func() {
			c, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if _, err := a.ExecContext(c, `DROP DATABASE IF EXISTS `+dbname+` WITH (FORCE)`); err != nil {
				Progress("could not drop database %s: %v", dbname, err)
			}
			a.Close()
			os.RemoveAll(dir)
		}
	}
	atExit(s.Drop)
	return s, nil
}

// Open opens the scratch database.
func (s *Scratch) Open(ctx context.Context) (*db.DB, error) { return db.Open(ctx, s.DSN) }

// Drop removes the database and the folder; close what was opened first.
func (s *Scratch) Drop() { s.once.Do(s.drop) }

// Keep leaves the database and the folder in place: Drop, Fatal and Ctrl-C
// no longer remove them.
func (s *Scratch) Keep() { s.once.Do(func() {}) }

// Machine is the line every result carries: when, the CPUs, memory, Go
// and the load average at that moment.
func Machine() string {
	return fmt.Sprintf("%s · %d CPUs (nproc) · %s RAM · %s · load average %s",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.NumCPU(), memTotal(), runtime.Version(), LoadAvg())
}

// LoadAvg is the 1, 5 and 15 minute load average.
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}

func memTotal() string {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "?"
	}
	var kb int64
	for line := range strings.SplitSeq(string(b), "\n") {
		if _, err := fmt.Sscanf(line, "MemTotal: %d kB", &kb); err == nil {
			return fmt.Sprintf("%.1f GB", float64(kb)/1048576)
		}
	}
	return "?"
}

// Times runs f n times and returns each run's duration; an error ends the
// run.
func Times(n int, f func() error) []time.Duration {
	out := make([]time.Duration, n)
	for i := range n {
		t0 := time.Now()
		if err := f(); err != nil {
			Fatal(err)
		}
		out[i] = time.Since(t0)
	}
	return out
}

// Pct is the p-th percentile of ds (the nearest rank below); 50 is the
// median.
func Pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}

// Ms formats d in milliseconds.
func Ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d.Microseconds())/1000) }

// Ratio formats a ÷ b, or "—" when b is zero.
func Ratio(a, b float64) string {
	if b == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", a/b)
}

// Table is a markdown table.
type Table struct {
	Head []string
	Rows [][]string
}

// Add appends a row.
func (t *Table) Add(cells ...string) { t.Rows = append(t.Rows, cells) }

// String is the table in markdown.
func (t *Table) String() string {
	var b strings.Builder
	line := func(cells []string) { b.WriteString("| " + strings.Join(cells, " | ") + " |\n") }
	line(t.Head)
	sep := make([]string, len(t.Head))
	for i := range sep {
		sep[i] = "---"
	}
	line(sep)
	for _, r := range t.Rows {
		line(r)
	}
	return b.String()
}
