// Command poverty benchmarks the lookup of a poor household by resident ID
// number over 1,000,000 households (province scale), on SQLite (always, in
// a temp dir) and PostgreSQL (when -db names a server: a fresh database is
// made there and dropped after):
//
//   - protected: the path poverty.Service.Lookup takes to find the
//     household — the number checked (GB 11643), its HMAC-SM3 blind index,
//     the indexed query on the head's and the members' blind indexes (the
//     same SQL text as Lookup), then the scoped fetch of the household
//     (Service.Household) — without Lookup's audit event;
//   - plain: the same number checked, then one scoped fetch by an indexed
//     plaintext column of a table of the same households (the design the
//     protection replaces); the ratio is the cost of protection;
//   - as served: Service.Lookup itself, which also appends its audit event
//     (a write transaction; on SQLite a synchronous=FULL commit), for scale.
//
// The households are loaded in batches straight into the tables (sealed,
// indexed and masked as the service does, with synthetic ID numbers); the
// lookups ask for random households. It prints a markdown table per engine
// and writes bench/POVERTY.md.
//
//	go run ./bench/poverty -db 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable'
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/ident"
	"kejiju/internal/poverty"
	"kejiju/internal/region"
)

var (
	pgDSN   = flag.String("db", "", "PostgreSQL admin DSN (also bench PostgreSQL); empty: SQLite only")
	n       = flag.Int("n", 1_000_000, "households")
	lookups = flag.Int("q", 20_000, "lookups per figure")
	served  = flag.Int("served", 2_000, "audited lookups (Service.Lookup) for the as-served figure")
	out     = flag.String("out", "bench/POVERTY.md", "markdown report to write ('' for none)")
)

const village = "341203200205"

// lookupSQL is Lookup's query on the two blind indexes.
const lookupSQL = `SELECT id FROM poverty_households WHERE head_id_index = $1
	UNION SELECT household_id FROM poverty_members WHERE id_index = $1`

// idNumber is the synthetic resident ID number of household i: born in
// 颍东区 on one of 25,000 days from 1940, sequence number i / 25,000.
func idNumber(i int) string {
	birth := calendar.Date{Year: 1940, Month: 1, Day: 1}.AddDays(i % 25_000)
	first17 := fmt.Sprintf("341203%04d%02d%02d%03d", birth.Year, int(birth.Month), birth.Day, i/25_000)
	c, err := ident.ResidentIDCheckChar(first17)
	if err != nil {
		fatal(err)
	}
	return first17 + string(c)
}

func main() {
	flag.Parse()
	ctx := context.Background()
	start := time.Now().UTC()
	load0 := loadavg()
	sections := []string{runEngine(ctx, "SQLite", "")}
	if *pgDSN != "" {
		sections = append(sections, runEngine(ctx, "PostgreSQL", *pgDSN))
	}
	load1 := loadavg()
	cmd := "go run ./bench/poverty"
	if *pgDSN != "" {
		cmd += " -db '" + db.Redact(*pgDSN) + "'"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Poverty registry bench: lookup by ID number through the blind index over %s households\n\n", group(*n))
	fmt.Fprintf(&b, "%s · %d CPUs (nproc) · %s · %s · load average before %s, after %s\n\n", start.Format("2006-01-02 15:04 UTC"), runtime.NumCPU(), memTotal(), runtime.Version(), load0, load1)
	fmt.Fprintf(&b, "`%s` — %d lookups of random households per figure (%d for the audited one), one at a time. "+
		"Other work on the machine falls on every figure.\n\n", cmd, *lookups, *served)
	b.WriteString(strings.Join(sections, "\n"))
	fmt.Print(b.String())
	if *out != "" {
		if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
			fatal(err)
		}
	}
}

func runEngine(ctx context.Context, name, admin string) string {
	var d *db.DB
	var err error
	if admin == "" {
		dir, err := os.MkdirTemp("", "kejiju-poverty-bench")
		if err != nil {
			fatal(err)
		}
		defer os.RemoveAll(dir)
		if d, err = db.Open(ctx, filepath.Join(dir, "bench.db")); err != nil {
			fatal(err)
		}
	} else {
		dbName := "kejiju_bench_poverty_" + randomHex(4)
		adminExec(admin, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`, dbName))
		defer adminExec(admin, `DROP DATABASE IF EXISTS `+dbName+` WITH (FORCE)`)
		u, err := url.Parse(admin)
		if err != nil {
			fatal(err)
		}
		u.Path = "/" + dbName
		if d, err = db.Open(ctx, u.String()); err != nil {
			fatal(err)
		}
	}
	defer d.Close()
	if _, err = d.Migrate(ctx); err != nil {
		fatal(err)
	}
	lg, err := audit.New(audit.SM3)
	if err != nil {
		fatal(err)
	}
	if _, err := (&region.Store{DB: d, Audit: lg}).Seed(ctx, append(region.Anhui(), region.DemoDistrict()...)); err != nil {
		fatal(err)
	}
	master := make([]byte, auth.MasterKeySize)
	rand.Read(master)
	keys, err := auth.NewKeyring(master)
	if err != nil {
		fatal(err)
	}
	s := &poverty.Service{DB: d, Audit: lg, Keys: keys}
	u := &auth.User{ID: 1, Username: "bench", DisplayName: "基准测试", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"}

	// The plain table: the same households with the number in clear,
	// indexed (only in this throwaway database).
	bigint := "INTEGER PRIMARY KEY"
	if d.Dialect.Engine == db.Postgres {
		bigint = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
	}
	must(d.ExecContext(ctx, `CREATE TABLE plain_households (id `+bigint+`, region_code TEXT NOT NULL, head_name TEXT NOT NULL,
		head_id TEXT NOT NULL, phone TEXT NOT NULL DEFAULT '', members_count INTEGER NOT NULL, cause_code TEXT NOT NULL, cause_note TEXT NOT NULL DEFAULT '',
		status TEXT NOT NULL, status_on TEXT NOT NULL DEFAULT '', cadre TEXT NOT NULL DEFAULT '', version INTEGER NOT NULL DEFAULT 1,
		created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL)`))
	must(d.ExecContext(ctx, `CREATE UNIQUE INDEX plain_households_head_id ON plain_households (head_id)`))

	progress("%s: loading %d households", name, *n)
	t0 := time.Now()
	load(ctx, d, keys, *n)
	loadTime := time.Since(t0)
	progress("%s: loaded in %s", name, loadTime.Round(time.Millisecond))
	must(d.ExecContext(ctx, `ANALYZE`))

	today := calendar.Today(nil)
	r := mrand.New(mrand.NewPCG(1, 2))
	pick := func() string { return idNumber(r.IntN(*n)) }
	plainSQL := `SELECT h.id, h.region_code, COALESCE(rg.name, ''), h.head_name, h.head_id, h.phone, h.members_count, h.cause_code, h.cause_note,
		h.status, h.status_on, h.cadre, h.version, h.created_at, h.updated_at
		FROM plain_households h LEFT JOIN regions rg ON rg.code = h.region_code WHERE h.head_id = $1 AND `
	scoped := []any{nil} // $1 is the number; the scope's parameters follow
	plainSQL += u.Scope().Where(auth.Columns{Region: "h.region_code"}, &scoped)
	scopeArgs := scoped[1:]

	protected := func() error {
		number := pick()
		id, err := ident.ParseResidentID(number, today)
		if err != nil {
			return err
		}
		var hid int64
		if err := d.QueryRowContext(ctx, lookupSQL, keys.BlindIndex("resident_id:"+id.String())).Scan(&hid); err != nil {
			return err
		}
		h, err := s.Household(ctx, u, hid)
		if err != nil {
			return err
		}
		if h.HeadIDMasked != poverty.MaskID(number) {
			return fmt.Errorf("protected: found %s for %s", h.HeadIDMasked, poverty.MaskID(number))
		}
		return nil
	}
	plain := func() error {
		number := pick()
		id, err := ident.ParseResidentID(number, today)
		if err != nil {
			return err
		}
		var h poverty.Household
		var on, headID string
		args := append([]any{id.String()}, scopeArgs...)
		if err := d.QueryRowContext(ctx, plainSQL, args...).Scan(&h.ID, &h.RegionCode, &h.VillageName, &h.HeadName, &headID, &h.PhoneMasked,
			&h.MembersCount, &h.CauseCode, &h.CauseNote, &h.Status, &on, &h.Cadre, &h.Version, &h.CreatedAt, &h.UpdatedAt); err != nil {
			return err
		}
		if headID != number {
			return fmt.Errorf("plain: found %s", headID)
		}
		return nil
	}
	asServed := func() error {
		number := pick()
		h, err := s.Lookup(ctx, u, number)
		if err != nil {
			return err
		}
		if h.HeadIDMasked != poverty.MaskID(number) {
			return fmt.Errorf("served: found %s", h.HeadIDMasked)
		}
		return nil
	}
	// Warm both paths, then alternate rounds so load changes fall on both.
	timeIt(100, protected)
	timeIt(100, plain)
	var pt, lt []time.Duration
	for range 4 {
		pt = append(pt, timeIt(*lookups/4, protected)...)
		lt = append(lt, timeIt(*lookups/4, plain)...)
	}
	st := timeIt(*served, asServed)

	pm, lm, sm := mean(pt), mean(lt), mean(st)
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n", name)
	fmt.Fprintf(&b, "Loading %s households (sealed, blind-indexed, masked) and the plain copy: %s.\n\n", group(*n), loadTime.Round(time.Second))
	b.WriteString("| figure | kejiju | limit (plain indexed column) | ratio | target | met? |\n|---|---|---|---|---|---|\n")
	ratio := float64(pm) / float64(lm)
	met := "yes"
	if ratio > 2 {
		met = "**no**"
	}
	fmt.Fprintf(&b, "| lookup by ID number, mean (µs) | %.1f | %.1f | %.2f | ≤ 2× | %s |\n", us(pm), us(lm), ratio, met)
	fmt.Fprintf(&b, "| lookup by ID number, p50 (µs) | %.1f | %.1f | %.2f | — | — |\n", us(pct(pt, 50)), us(pct(lt, 50)), float64(pct(pt, 50))/float64(pct(lt, 50)))
	fmt.Fprintf(&b, "| lookup by ID number, p99 (µs) | %.1f | %.1f | %.2f | — | — |\n", us(pct(pt, 99)), us(pct(lt, 99)), float64(pct(pt, 99))/float64(pct(lt, 99)))
	fmt.Fprintf(&b, "| Service.Lookup as served, with its audit event, mean (µs) | %.1f | %.1f | %.2f | — | — |\n", us(sm), us(lm), float64(sm)/float64(lm))
	fmt.Fprintf(&b, "| Service.Lookup as served, p99 (µs) | %.1f | %.1f | %.2f | — | — |\n", us(pct(st, 99)), us(pct(lt, 99)), float64(pct(st, 99))/float64(pct(lt, 99)))
	return b.String()
}

// load writes n households, 10,000 to a transaction in statements of 400
// rows: into poverty_households as the service stores them, and into
// plain_households with the number in clear.
func load(ctx context.Context, d *db.DB, keys *auth.Keyring, n int) {
	const batch, perTx = 400, 10_000
	now := time.Now().UTC()
	for txLo := 0; txLo < n; txLo += perTx {
		txHi := min(txLo+perTx, n)
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for lo := txLo; lo < txHi; lo += batch {
				hi := min(lo+batch, txHi)
				var pv, pl []string
				var pa, la []any
				for i := lo; i < hi; i++ {
					id := int64(i + 1)
					number := idNumber(i)
					name := fmt.Sprintf("户主%07d", i)
					k := len(pa)
					pv = append(pv, fmt.Sprintf("($%d, $%d, $%d, $%d, $%d, $%d, 2, 'ILLNESS', 'not_out', $%d, $%d)", k+1, k+2, k+3, k+4, k+5, k+6, k+7, k+7))
					pa = append(pa, id, village, name, keys.Seal(number, fmt.Sprintf("poverty_households:%d:head_id", id)),
						keys.BlindIndex("resident_id:"+number), poverty.MaskID(number), now)
					k = len(la)
					pl = append(pl, fmt.Sprintf("($%d, $%d, $%d, $%d, 2, 'ILLNESS', 'not_out', $%d, $%d)", k+1, k+2, k+3, k+4, k+5, k+5))
					la = append(la, id, village, name, number, now)
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO poverty_households (id, region_code, head_name, head_id_sealed, head_id_index, head_id_masked,
					members_count, cause_code, status, created_at, updated_at) VALUES `+strings.Join(pv, ", "), pa...); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO plain_households (id, region_code, head_name, head_id, members_count, cause_code, status,
					created_at, updated_at) VALUES `+strings.Join(pl, ", "), la...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			fatal(err)
		}
		if txHi%100_000 == 0 {
			progress("  %d", txHi)
		}
	}
}

func timeIt(k int, f func() error) []time.Duration {
	ds := make([]time.Duration, 0, k)
	for range k {
		t := time.Now()
		if err := f(); err != nil {
			fatal(err)
		}
		ds = append(ds, time.Since(t))
	}
	return ds
}

func mean(ds []time.Duration) time.Duration {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(max(len(ds), 1))
}

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

func group(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func must(_ any, err error) {
	if err != nil {
		fatal(err)
	}
}

func adminExec(admin, stmt string) {
	a, err := sql.Open("pgx", admin)
	if err != nil {
		fatal(err)
	}
	defer a.Close()
	if _, err := a.Exec(stmt); err != nil {
		fatal(fmt.Errorf("%s: %w", stmt, err))
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
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

func memTotal() string {
	outb, err := exec.Command("awk", "/MemTotal/ {printf \"%.1f GB RAM\", $2/1048576}", "/proc/meminfo").Output()
	if err != nil {
		return "? RAM"
	}
	return string(outb)
}

func progress(format string, args ...any) { fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...) }

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}
