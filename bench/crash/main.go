// Command crash kills kejiju with SIGKILL at random moments and checks that
// nothing acknowledged is lost and nothing half-done remains (issue "proof":
// crash safety). Three phases, -kills each:
//
//   - redemption storm: 16 clients claim against innovation vouchers, staff
//     approve and finance pays through the API while the server is killed;
//   - approval run: staff file and approve subsidy claims, finance pays;
//   - import: `kejiju import enterprises` of a workbook of -rows rows is
//     killed mid-way.
//
// After every restart every acknowledged write (an HTTP 2xx) must be in the
// database in at least the state it was acknowledged in; after every killed
// import the workbook's enterprises are all there or none; at the end
// `kejiju verify-ledger` and `kejiju verify-audit` pass. It prints a table
// and exits non-zero when anything was lost.
//
//	go run ./bench/crash [-kills 50] [-db postgres://…]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"kejiju/internal/app"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/enterprise"
	"kejiju/internal/voucher"
	"kejiju/internal/xlsx"
)

func main() {
	kills := flag.Int("kills", 50, "kills per phase")
	rows := flag.Int("rows", 3000, "rows of the workbook the import phase imports")
	dbURL := flag.String("db", "", "PostgreSQL URL (default: SQLite in a temporary data directory)")
	flag.Parse()
	if err := run(*kills, *rows, *dbURL); err != nil {
		fmt.Fprintln(os.Stderr, "crash:", err)
		os.Exit(1)
	}
}

// h is the harness: the binary, its data, the server process and the
// acknowledged writes.
type h struct {
	bin, dir, dbURL, addr string
	srv                   *exec.Cmd
	tokens                map[string]string // username → API token
	vouchers              []int64
	codes                 []string // demo enterprises' credit codes

	mu    sync.Mutex
	acked map[string]string // "voucher_claims:12" → least state acknowledged
	seq   int
}

func run(kills, rows int, dbURL string) error {
	dir, err := os.MkdirTemp("", "kejiju-crash-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	x := &h{dir: dir, dbURL: dbURL, bin: filepath.Join(dir, "kejiju"), tokens: map[string]string{}, acked: map[string]string{}}
	if dbURL != "" {
		if x.dbURL, err = freshPostgres(dbURL); err != nil {
			return err
		}
	}
	if out, err := exec.Command("go", "build", "-o", x.bin, "./cmd/kejiju").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}
	if err := x.setup(); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	fmt.Printf("# Crash harness: %d SIGKILLs per phase, %s\n\n", kills, map[bool]string{true: "PostgreSQL", false: "SQLite"}[dbURL != ""])
	fmt.Println("| phase | kills | acknowledged writes | lost | partial imports |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for _, p := range []struct {
		name string
		work func(ctx context.Context, client int)
	}{{"voucher redemption storm (16 clients)", x.storm}, {"subsidy approval run (8 clients)", x.approvals}} {
		before := len(x.acked)
		lost, err := x.phase(kills, p.work)
		if err != nil {
			return err
		}
		fmt.Printf("| %s | %d | %d | %d | — |\n", p.name, kills, len(x.acked)-before, lost)
		if lost > 0 {
			return fmt.Errorf("%s: %d acknowledged writes lost", p.name, lost)
		}
	}
	partial, done, err := x.imports(kills, rows)
	if err != nil {
		return err
	}
	fmt.Printf("| enterprise import of %d rows (%d ran to the end) | %d | — | — | %d |\n", rows, done, kills, partial)
	for _, cmd := range []string{"verify-ledger", "verify-audit"} {
		out, err := exec.Command(x.bin, x.common(cmd)...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v\n%s", cmd, err, out)
		}
		fmt.Printf("\n`kejiju %s`: %s", cmd, firstLine(out))
	}
	fmt.Println()
	if partial > 0 {
		return fmt.Errorf("%d partial imports", partial)
	}
	return nil
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\n")
	return s + "\n"
}

// freshPostgres creates an empty database for the run and returns its URL.
func freshPostgres(base string) (string, error) {
	name := fmt.Sprintf("kejiju_crash_%d", time.Now().UnixNano())
	d, err := db.Open(context.Background(), base)
	if err != nil {
		return "", err
	}
	defer d.Close()
	if _, err := d.Exec(`CREATE DATABASE ` + name + ` ENCODING 'UTF8' TEMPLATE template0`); err != nil {
		return "", err
	}
	i := strings.LastIndex(base, "/")
	q := ""
	if j := strings.Index(base[i:], "?"); j >= 0 {
		q = base[i+j:]
	}
	return base[:i+1] + name + q, nil
}

func (x *h) common(args ...string) []string {
	args = append(args, "--data", x.dir)
	if x.dbURL != "" {
		args = append(args, "--db", x.dbURL)
	}
	return args
}

// setup loads the demo district in-process, then adds enterprise users,
// API tokens and issued vouchers (there is no issuing API), and picks a
// free port.
func (x *h) setup() error {
	ctx := context.Background()
	a, err := app.Open(ctx, app.Config{DataDir: x.dir, DBURL: x.dbURL, Demo: true}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Bootstrap(ctx, io.Discard); err != nil {
		return err
	}
	staff, err := a.Auth.UserByName(ctx, "juzhang")
	if err != nil {
		return err
	}
	for _, name := range []string{"juzhang", "caiwu"} {
		u, err := a.Auth.UserByName(ctx, name)
		if err != nil {
			return err
		}
		if x.tokens[name], _, err = a.Auth.IssueToken(ctx, nil, u.ID, "crash", 0); err != nil {
			return err
		}
	}
	bs, err := a.Vouchers.Batches(ctx, staff, 1)
	if err != nil || len(bs) == 0 {
		return fmt.Errorf("demo batch: %v", err)
	}
	for i := range 40 {
		code := enterprise.SampleCode(900001 + i)
		x.codes = append(x.codes, code)
		e, err := a.Enterprises.ByCode(ctx, staff, code)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("qiye%02d", i)
		u, _, err := a.Auth.CreateUser(ctx, nil, auth.UserInput{Username: name, DisplayName: e.Name, Roles: []auth.Role{auth.Enterprise},
			RegionCode: "341203", EnterpriseID: e.ID})
		if err != nil {
			return err
		}
		if x.tokens[name], _, err = a.Auth.IssueToken(ctx, nil, u.ID, "crash", 0); err != nil {
			return err
		}
		v, err := a.Vouchers.Apply(ctx, u, bs[0].ID, voucher.ApplyInput{Face: "50000"})
		if err != nil {
			return err
		}
		if _, err := a.Vouchers.Issue(ctx, staff, v.ID); err != nil {
			return err
		}
		x.vouchers = append(x.vouchers, v.ID)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	x.addr = ln.Addr().String()
	return ln.Close()
}

// start runs the server and waits until it answers /healthz.
func (x *h) start() error {
	x.srv = exec.Command(x.bin, x.common("serve", "--addr", x.addr)...)
	x.srv.Stdout, x.srv.Stderr = io.Discard, io.Discard
	if err := x.srv.Start(); err != nil {
		return err
	}
	for range 300 {
		if resp, err := http.Get("http://" + x.addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("the server did not start")
}

func (x *h) kill() {
	_ = x.srv.Process.Signal(syscall.SIGKILL)
	_ = x.srv.Wait()
}

// phase starts the server, runs work on several clients, kills the server
// at a random moment, restarts it and checks the acknowledged writes, kills
// times; it returns how many acknowledged writes were missing.
func (x *h) phase(kills int, work func(ctx context.Context, client int)) (int, error) {
	lost := 0
	for range kills {
		if err := x.start(); err != nil {
			return lost, err
		}
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for c := range 16 {
			wg.Go(func() { work(ctx, c) })
		}
		time.Sleep(time.Duration(200+rand.IntN(1300)) * time.Millisecond)
		x.kill()
		cancel()
		wg.Wait()
		n, err := x.check()
		if err != nil {
			return lost, err
		}
		lost += n
	}
	return lost, nil
}

// call sends a JSON request as user; it returns the decoded body of a 2xx.
func (x *h) call(ctx context.Context, user, method, path string, body any) (map[string]any, bool) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequestWithContext(ctx, method, "http://"+x.addr+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+x.tokens[user])
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, false
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode/100 != 2 {
		if os.Getenv("CRASH_DEBUG") != "" {
			fmt.Fprintln(os.Stderr, method, path, resp.StatusCode, out)
		}
		return nil, false
	}
	return out, true
}

func (x *h) ack(table string, id any, state string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.acked[fmt.Sprintf("%s:%v", table, id)] = state
}

func (x *h) next() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.seq++
	return x.seq
}

// storm claims, approves and pays voucher claims until ctx ends.
func (x *h) storm(ctx context.Context, client int) {
	today := calendar.Today(calendar.Shanghai).String()
	for ctx.Err() == nil {
		i := rand.IntN(len(x.vouchers))
		n := x.next()
		c, ok := x.call(ctx, fmt.Sprintf("qiye%02d", i), "POST", fmt.Sprintf("/api/v1/vouchers/%d/claims", x.vouchers[i]), map[string]any{
			"provider_code": "12340000485001234X", "service": "检验检测", "contract_no": fmt.Sprintf("HT-%d", n),
			"invoice_no": fmt.Sprintf("CR%08d", n), "paid_amount": fmt.Sprint(1000 + rand.IntN(19000)), "paid_on": today, "evidence": "回单"})
		if !ok {
			continue
		}
		id := c["id"]
		x.ack("voucher_claims", id, "submitted")
		if _, ok := x.call(ctx, "juzhang", "POST", fmt.Sprintf("/api/v1/voucher-claims/%v/approve", id), map[string]any{}); !ok {
			continue
		}
		x.ack("voucher_claims", id, "approved")
		if _, ok := x.call(ctx, "caiwu", "POST", fmt.Sprintf("/api/v1/voucher-claims/%v/pay", id), map[string]any{"bank_ref": fmt.Sprintf("B%d", n)}); ok {
			x.ack("voucher_claims", id, "paid")
		}
	}
}

// approvals files, approves and pays subsidy claims until ctx ends.
func (x *h) approvals(ctx context.Context, client int) {
	if client >= 8 {
		return
	}
	for ctx.Err() == nil {
		n := x.next()
		c, ok := x.call(ctx, "juzhang", "POST", "/api/v1/subsidies", map[string]any{"kind": "equipment", "credit_code": x.codes[rand.IntN(len(x.codes))],
			"key": fmt.Sprintf("crash-%d", n), "equipment": map[string]any{"sales": 800_000_000,
				"devices": []map[string]any{{"name": fmt.Sprintf("仪器%d", n), "value": 10_000_000 + rand.IntN(40_000_000), "for_rd": true}}}})
		if !ok {
			continue
		}
		id := c["id"]
		x.ack("subsidy_claims", id, "submitted")
		if _, ok := x.call(ctx, "juzhang", "POST", fmt.Sprintf("/api/v1/subsidies/%v/approve", id), map[string]any{}); !ok {
			continue
		}
		x.ack("subsidy_claims", id, "approved")
		if _, ok := x.call(ctx, "caiwu", "POST", fmt.Sprintf("/api/v1/subsidies/%v/pay", id), map[string]any{"bank_ref": fmt.Sprintf("S%d", n)}); ok {
			x.ack("subsidy_claims", id, "paid")
		}
	}
}

var rank = map[string]int{"submitted": 1, "first_approved": 1, "approved": 2, "paid": 3}

// check opens the database beside the stopped server and counts the
// acknowledged writes that are missing or behind their acknowledged state.
func (x *h) check() (int, error) {
	path := x.dbURL
	if path == "" {
		path = filepath.Join(x.dir, "kejiju.db")
	}
	d, err := db.Open(context.Background(), path)
	if err != nil {
		return 0, err
	}
	defer d.Close()
	lost := 0
	for k, want := range x.acked {
		table, id, _ := strings.Cut(k, ":")
		col := "status"
		if table == "subsidy_claims" {
			col = "state"
		}
		var got string
		err := d.QueryRow(`SELECT `+col+` FROM `+table+` WHERE id = $1`, id).Scan(&got)
		if err != nil || rank[got] < rank[want] {
			fmt.Fprintf(os.Stderr, "lost: %s acknowledged %s, found %q (%v)\n", k, want, got, err)
			lost++
		}
	}
	return lost, nil
}

// imports kills `kejiju import enterprises` of a fresh workbook at random
// moments; each time its enterprises must be all there or none. It returns
// the partial imports and how many imports ran to the end.
func (x *h) imports(kills, rows int) (partial, done int, err error) {
	d, err := db.Open(context.Background(), x.dbPath())
	if err != nil {
		return 0, 0, err
	}
	defer d.Close()
	// One uncut run tells how long an import takes.
	took, n, _, err := x.importOnce(d, 0, rows, 0)
	if err != nil {
		return 0, 0, err
	}
	if n != rows {
		return 0, 0, fmt.Errorf("the uncut import left %d of %d rows", n, rows)
	}
	for k := 1; k <= kills; k++ {
		after := time.Duration(1 + rand.Int64N(int64(took)*12/10))
		_, n, finished, err := x.importOnce(d, k, rows, after)
		if err != nil {
			return partial, done, err
		}
		if finished {
			done++
		}
		if (n != 0 && n != rows) || (finished && n != rows) {
			fmt.Fprintf(os.Stderr, "partial import %d: %d of %d rows (finished %v)\n", k, n, rows, finished)
			partial++
		}
	}
	return partial, done, nil
}

func (x *h) dbPath() string {
	if x.dbURL != "" {
		return x.dbURL
	}
	return filepath.Join(x.dir, "kejiju.db")
}

// importOnce writes workbook k (its own range of credit codes) and imports
// it, killed after `after` (0: never); it returns how long it ran, how many
// of its enterprises are in the database and whether it finished.
func (x *h) importOnce(d *db.DB, k, rows int, after time.Duration) (took time.Duration, n int, finished bool, err error) {
	first := 100_000 + k*rows
	file := filepath.Join(x.dir, fmt.Sprintf("import-%d.xlsx", k))
	f, err := os.Create(file)
	if err != nil {
		return 0, 0, false, err
	}
	w, err := xlsx.NewWriter(f, enterprise.Sheet)
	if err != nil {
		return 0, 0, false, err
	}
	for i := range rows {
		if err := w.Write(enterprise.SampleRow(first+i, "")); err != nil {
			return 0, 0, false, err
		}
	}
	if err := w.Close(); err != nil {
		return 0, 0, false, err
	}
	f.Close()
	cmd := exec.Command(x.bin, x.common("import", "enterprises", file, "--as", "zhangsan")...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, false, err
	}
	var timer *time.Timer
	if after > 0 {
		timer = time.AfterFunc(after, func() { _ = cmd.Process.Signal(syscall.SIGKILL) })
	}
	err = cmd.Wait()
	took = time.Since(start)
	if timer != nil {
		timer.Stop()
	}
	finished = err == nil
	if after == 0 && !finished {
		return 0, 0, false, fmt.Errorf("the uncut import failed: %v\n%s", err, out.String())
	}
	err = d.QueryRow(`SELECT COUNT(*) FROM enterprises WHERE credit_code >= $1 AND credit_code <= $2`,
		enterprise.SampleCode(first), enterprise.SampleCode(first+rows-1)).Scan(&n)
	return took, n, finished, err
}
