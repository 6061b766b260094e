// Command ledger benchmarks the money ledger on SQLite (always, in a temp
// dir) and PostgreSQL (when -db names a server: a fresh database is made
// there and dropped after):
//
//   - postings per second through ledger.Commit (one business transaction:
//     the idempotency key row, two guarded balance updates, two postings, one
//     SM3 audit event), with one writer and with 16 concurrent writers, beside
//     a plain prepared INSERT of the same rows (two posting rows per database
//     transaction, same writers). That per-event-transaction INSERT is the
//     limit we compare to, because the ledger must commit each business event
//     on its own (durably, synchronous=FULL on SQLite); a plain INSERT of all
//     rows in one transaction is printed too, for scale.
//   - ledger.Balance on an account with 1,000,000 postings (kept balance),
//     beside SELECT SUM(amount) over its postings; the one-off check that the
//     kept balance equals that sum is timed separately.
//
// It prints a markdown table per engine and writes bench/LEDGER.md.
//
//	go run ./bench/ledger -db 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable'
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/ledger"
	"kejiju/internal/money"
)

var (
	pgDSN   = flag.String("db", "", "PostgreSQL admin DSN (also bench PostgreSQL); empty: SQLite only")
	events  = flag.Int("n", 1000, "business transactions (2 postings each) per throughput figure")
	bigN    = flag.Int("big", 1_000_000, "postings on the account whose balance is read")
	out     = flag.String("out", "bench/LEDGER.md", "markdown report to write ('' for none)")
	writers = 16
)

type row struct {
	figure, kejiju, limit, ratio, target, met string
}

func main() {
	flag.Parse()
	ctx := context.Background()
	start := time.Now().UTC()
	load0 := loadavg()
	var sections []string
	sections = append(sections, runEngine(ctx, "SQLite", ""))
	if *pgDSN != "" {
		sections = append(sections, runEngine(ctx, "PostgreSQL", *pgDSN))
	}
	load1 := loadavg()
	cmd := "go run ./bench/ledger"
	if *pgDSN != "" {
		cmd += " -db '" + db.Redact(*pgDSN) + "'"
	}
	if *events != 1000 {
		cmd += fmt.Sprintf(" -n %d", *events)
	}
	if *bigN != 1_000_000 {
		cmd += fmt.Sprintf(" -big %d", *bigN)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Ledger bench: postings per second and balance over 1,000,000 postings\n\n")
	fmt.Fprintf(&b, "`bench/ledger` (issue: \"postings per second on both engines (single writer and 16 concurrent), beside a plain INSERT of the same rows; balance of an account with 1,000,000 postings. Targets: postings at ≥ 30%% of the plain INSERT rate; an account balance over 1,000,000 postings under 10 ms\").\n\n")
	fmt.Fprintf(&b, "A posting figure counts ledger postings (2 per business transaction: `ledger.Commit` = idempotency-key row, two guarded balance UPDATEs, two posting rows, one SM3 audit event, one commit). The limit is a plain prepared INSERT of the same two rows per transaction into a table with the same index, with the same number of writers: the ledger must commit every business event on its own, so per-event transactions are the fair comparison. The rate of the same rows inserted in one single transaction is listed for scale. 16 writers each work on their own budget → commitment chain (the audit head row is shared by all). Balance reads the kept balance (O(1)); its limit column is deriving the balance with SUM over the postings, which is also how the kept balance is verified.\n\n")
	fmt.Fprintf(&b, "%s · %d CPUs (nproc) · %s · %s · load average before %s, after %s\n\n", start.Format("2006-01-02 15:04 UTC"), runtime.NumCPU(), memTotal(), runtime.Version(), load0, load1)
	fmt.Fprintf(&b, "```sh\n%s\n```\n\n", cmd)
	for _, s := range sections {
		b.WriteString(s)
	}
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
		dir, err := os.MkdirTemp("", "kejiju-ledger-bench")
		if err != nil {
			fatal(err)
		}
		defer os.RemoveAll(dir)
		d, err = db.Open(ctx, filepath.Join(dir, "bench.db"))
		if err != nil {
			fatal(err)
		}
	} else {
		dbName := "kejiju_bench_ledger_" + randomHex(4)
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
	u := &auth.User{ID: 1, Username: "bench"}
	bigint := "INTEGER PRIMARY KEY"
	if d.Dialect.Engine == db.Postgres {
		bigint = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
	}
	must(d.ExecContext(ctx, `CREATE TABLE plain_postings (id `+bigint+`, transaction_id BIGINT NOT NULL, account_id BIGINT NOT NULL, amount BIGINT NOT NULL)`))
	must(d.ExecContext(ctx, `CREATE INDEX plain_postings_account ON plain_postings (account_id, id)`))
	// Accounts: one fund, and a budget → commitment chain per writer.
	must(nil, d.InTx(ctx, func(tx *db.Tx) error {
		if _, err := ledger.Open(ctx, tx, ledger.Account{Code: "fund:district:2026", Kind: ledger.Equity, FloorZero: true}); err != nil {
			return err
		}
		for w := range writers {
			for _, a := range []ledger.Account{
				{Code: fmt.Sprintf("budget:program:%d", w), Kind: ledger.Asset, FloorZero: true},
				{Code: fmt.Sprintf("commit:application:%d", w), Kind: ledger.Asset, FloorZero: true},
			} {
				if _, err := ledger.Open(ctx, tx, a); err != nil {
					return err
				}
			}
			if _, _, err := ledger.Fund(ctx, tx, lg, u, ledger.Move{Key: fmt.Sprintf("fund-%d", w), From: "fund:district:2026",
				To: fmt.Sprintf("budget:program:%d", w), Amount: money.Fen(1e12)}); err != nil {
				return err
			}
		}
		return nil
	}))
	seq := 0
	var seqMu sync.Mutex
	nextKey := func() string {
		seqMu.Lock()
		defer seqMu.Unlock()
		seq++
		return fmt.Sprintf("bench-%d", seq)
	}
	// run runs n events over w writers and returns postings per second.
	run := func(w int, event func(writer int) error) float64 {
		var wg sync.WaitGroup
		errs := make(chan error, w)
		t0 := time.Now()
		for i := range w {
			wg.Go(func() {
				for range *events / w {
					if err := event(i); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		el := time.Since(t0)
		close(errs)
		for err := range errs {
			fatal(err)
		}
		return float64(2*(*events/w)*w) / el.Seconds()
	}
	post := func(writer int) error {
		return d.InTx(ctx, func(tx *db.Tx) error {
			_, _, err := ledger.Commit(ctx, tx, lg, u, ledger.Move{Key: nextKey(), From: fmt.Sprintf("budget:program:%d", writer),
				To: fmt.Sprintf("commit:application:%d", writer), Amount: 1, ObjectType: "application", ObjectID: "1"})
			return err
		})
	}
	plainSQL := `INSERT INTO plain_postings (transaction_id, account_id, amount) VALUES ($1, $2, $3)`
	stmt, err := d.PrepareContext(ctx, plainSQL)
	if err != nil {
		fatal(err)
	}
	defer stmt.Close()
	plain := func(writer int) error {
		return d.InTx(ctx, func(tx *db.Tx) error {
			st := tx.StmtContext(ctx, stmt)
			if _, err := st.ExecContext(ctx, writer, 2*writer, 1); err != nil {
				return err
			}
			_, err := st.ExecContext(ctx, writer, 2*writer+1, -1)
			return err
		})
	}
	plainOneTx := func() float64 {
		t0 := time.Now()
		must(nil, d.InTx(ctx, func(tx *db.Tx) error {
			st := tx.StmtContext(ctx, stmt)
			for i := range *events {
				if _, err := st.ExecContext(ctx, i, 0, 1); err != nil {
					return err
				}
				if _, err := st.ExecContext(ctx, i, 1, -1); err != nil {
					return err
				}
			}
			return nil
		}))
		return float64(2**events) / time.Since(t0).Seconds()
	}
	progress("%s: single writer", name)
	plain1 := run(1, plain)
	post1 := run(1, post)
	progress("%s: %d writers", name, writers)
	plain16 := run(writers, plain)
	post16 := run(writers, post)
	oneTx := plainOneTx()
	rep, err := ledger.Verify(ctx, d)
	if err != nil || !rep.OK() {
		fatal(fmt.Errorf("verify after throughput: %+v %v", rep, err))
	}

	// An account with 1,000,000 postings: one bulk transaction of +1 fen
	// postings to "big" and one balancing posting on "big:contra".
	progress("%s: %d postings on one account", name, *bigN)
	t0 := time.Now()
	var bigID, contraID, txID int64
	must(nil, d.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if bigID, err = ledger.Open(ctx, tx, ledger.Account{Code: "big", Kind: ledger.Asset, FloorZero: true}); err != nil {
			return err
		}
		if contraID, err = ledger.Open(ctx, tx, ledger.Account{Code: "big:contra", Kind: ledger.Equity}); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO ledger_transactions (idem_key, digest, kind, actor_name, posted_at)
			VALUES ('bench-bulk', 'bulk', 'bulk', 'bench', $1) RETURNING id`, tx.Now).Scan(&txID); err != nil {
			return err
		}
		gen := `WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < $3)
			INSERT INTO ledger_postings (transaction_id, account_id, amount) SELECT $1, $2, 1 FROM g`
		if d.Dialect.Engine == db.Postgres {
			gen = `INSERT INTO ledger_postings (transaction_id, account_id, amount) SELECT $1, $2, 1 FROM generate_series(1, $3::bigint)`
		}
		if _, err := tx.ExecContext(ctx, gen, txID, bigID, *bigN); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_postings (transaction_id, account_id, amount) VALUES ($1, $2, $3)`, txID, contraID, -*bigN); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE ledger_accounts SET balance = $1 WHERE id IN ($2, $3)`, *bigN, bigID, contraID)
		return err
	}))
	if d.Dialect.Engine == db.Postgres {
		must(d.ExecContext(ctx, `ANALYZE ledger_postings`))
	}
	setup := time.Since(t0)
	t0 = time.Now()
	kept, sum, err := ledger.VerifyAccount(ctx, d, "big")
	verifyOnce := time.Since(t0)
	if err != nil || kept != sum || sum != money.Fen(*bigN) {
		fatal(fmt.Errorf("big: kept %d, postings %d, %v", kept, sum, err))
	}
	balances := timeN(200, func() error {
		b, err := ledger.Balance(ctx, d, "big")
		if err == nil && b != money.Fen(*bigN) {
			err = fmt.Errorf("balance %d", b)
		}
		return err
	})
	sums := timeN(5, func() error {
		var s int64
		return d.QueryRowContext(ctx, `SELECT SUM(amount) FROM ledger_postings WHERE account_id = $1`, bigID).Scan(&s)
	})
	t0 = time.Now()
	rep, err = ledger.Verify(ctx, d)
	verifyAll := time.Since(t0)
	if err != nil || !rep.OK() {
		fatal(fmt.Errorf("verify: %+v %v", rep, err))
	}

	rows := []row{
		rate("postings/s, 1 writer (limit: plain INSERT, same rows, 1 tx per event)", post1, plain1),
		rate(fmt.Sprintf("postings/s, %d writers (limit: plain INSERT, %d writers)", writers, writers), post16, plain16),
		{fmt.Sprintf("for scale: plain INSERT of %d rows in one transaction, rows/s", 2**events), "—", fmt.Sprintf("%.0f", oneTx), "—", "—", "—"},
		{fmt.Sprintf("Balance of an account with %d postings, p50 (limit: SELECT SUM over its postings, p50)", *bigN), ms(pct(balances, 50)), ms(pct(sums, 50)), fmt.Sprintf("%.5f×", pct(balances, 50).Seconds()/pct(sums, 50).Seconds()), "< 10 ms", yes(pct(balances, 50) < 10*time.Millisecond)},
		{"Balance, max of 200 reads", ms(slices.Max(balances)), ms(slices.Max(sums)), "—", "< 10 ms", yes(slices.Max(balances) < 10*time.Millisecond)},
		{"kept balance = SUM(postings) of that account, checked once", ms(verifyOnce), "—", "—", "equal", yes(kept == sum)},
		{fmt.Sprintf("Verify of the whole ledger (%d postings, %d transactions)", rep.Postings, rep.Transactions), ms(verifyAll), "—", "—", "clean", yes(rep.OK())},
	}
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n", name)
	fmt.Fprintf(&b, "| figure | kejiju | limit | ratio | target | met? |\n|---|---:|---:|---:|---:|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.figure, r.kejiju, r.limit, r.ratio, r.target, r.met)
	}
	fmt.Fprintf(&b, "\n%d business transactions per throughput figure; untimed setup of the %d postings %.1fs.\n\n", *events, *bigN, setup.Seconds())
	return b.String()
}

func rate(figure string, got, limit float64) row {
	r := got / limit
	return row{figure, fmt.Sprintf("%.0f", got), fmt.Sprintf("%.0f", limit), fmt.Sprintf("%.2f", r), "≥ 0.30", yes(r >= 0.30)}
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d.Microseconds())/1000) }

func timeN(n int, f func() error) []time.Duration {
	out := make([]time.Duration, n)
	for i := range n {
		t0 := time.Now()
		if err := f(); err != nil {
			fatal(err)
		}
		out[i] = time.Since(t0)
	}
	return out
}

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
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
