package main

import (
	"bufio"
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
)

// TestExportImportRoundTrip moves the demo district from SQLite to
// PostgreSQL and back to SQLite through `kejiju export` and `kejiju import
// database` (issue 9 item 8): every table keeps its rows and its checksum
// of the canonical form; the audit log grows by exactly the import's own
// event with the earlier events unchanged; verify-ledger and verify-audit
// pass on each copy; and the program serves the imported data and writes
// new rows (PostgreSQL's identity sequences were moved on). Without
// KEJIJU_TEST_POSTGRES the PostgreSQL leg is skipped and SQLite is loaded
// from SQLite.
func TestExportImportRoundTrip(t *testing.T) {
	src := t.TempDir()
	ts := startServer(t, src, "--demo")
	if resp := login(t, ts.URL, "juzhang", ts.Passwords["juzhang"]); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	out, err := kejiju(t, "", "user", "token", "juzhang", "--data", src, "--name", "迁移核对")
	if err != nil {
		t.Fatalf("token: %v\n%s", err, out)
	}
	tok := strings.TrimSpace(out)
	want := apiPages(t, ts.URL, tok)
	ts.Stop()
	key := filepath.Join(src, "keys", "master.key")
	verify(t, "--data", src)

	dumpA := filepath.Join(t.TempDir(), "a")
	if out, err := kejiju(t, "", "export", "--data", src, "--out", dumpA); err != nil || !strings.Contains(out, "manifest sm3:") {
		t.Fatalf("export: %v\n%s", err, out)
	}
	a := manifest(t, dumpA)
	if a.Engine != db.SQLite || a.Rows()["enterprises"] < 60 || a.Rows()["audit_events"] == 0 || a.Rows()["poverty_households"] == 0 {
		t.Fatalf("dump of the demo: %s %v", a.Engine, a.Rows())
	}

	from := dumpA
	steps := []*db.Manifest{a}
	if os.Getenv(dbtest.EnvPostgres) != "" {
		pgURL := dbtest.PostgresURL(t)
		pgData := withKey(t, key)
		if out, err := kejiju(t, "", "import", "database", dumpA, "--data", pgData, "--db", pgURL); err != nil {
			t.Fatalf("import into PostgreSQL: %v\n%s", err, out)
		}
		verify(t, "--data", pgData, "--db", pgURL)
		// A second import into the now full database is refused.
		if out, err := kejiju(t, "", "import", "database", dumpA, "--data", pgData, "--db", pgURL); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Errorf("import into a full database: %v\n%s", err, out)
		}
		serves(t, pgData, tok, want, "--db", pgURL)
		from = filepath.Join(t.TempDir(), "b")
		if out, err := kejiju(t, "", "export", "--data", pgData, "--db", pgURL, "--out", from); err != nil {
			t.Fatalf("export from PostgreSQL: %v\n%s", err, out)
		}
		writes(t, pgData, "--db", pgURL)
		b := manifest(t, from)
		if b.Engine != db.Postgres {
			t.Fatalf("dump engine %s", b.Engine)
		}
		steps = append(steps, b)
	}

	dst := withKey(t, key)
	if out, err := kejiju(t, "", "import", "database", from, "--data", dst); err != nil {
		t.Fatalf("import into SQLite: %v\n%s", err, out)
	}
	verify(t, "--data", dst)
	dumpC := filepath.Join(t.TempDir(), "c")
	if out, err := kejiju(t, "", "export", "--data", dst, "--out", dumpC); err != nil {
		t.Fatalf("export of the copy: %v\n%s", err, out)
	}
	steps = append(steps, manifest(t, dumpC))

	dirs := map[*db.Manifest]string{}
	dirs[steps[0]] = dumpA
	if len(steps) == 3 {
		dirs[steps[1]] = from
	}
	dirs[steps[len(steps)-1]] = dumpC
	for i := 1; i < len(steps); i++ {
		prev, next := steps[i-1], steps[i]
		for _, te := range prev.Tables {
			switch te.Name {
			case "audit_head":
				continue // moves with every event
			case "audit_events":
				// The earlier events are there unchanged, then the
				// import's own event (and the export's, written after the
				// dump was read, on the side exported from).
				if got := next.Rows()[te.Name]; got != te.Rows+1 {
					t.Errorf("step %d: %d audit events, want %d + the import's", i, got, te.Rows)
				}
				if !prefix(t, filepath.Join(dirs[prev], te.File), filepath.Join(dirs[next], fileOf(next, te.Name))) {
					t.Errorf("step %d: the audit events of the source are not the first events of the copy", i)
				}
				continue
			}
			if got := next.Rows()[te.Name]; got != te.Rows {
				t.Errorf("step %d %s: %d rows, want %d", i, te.Name, got, te.Rows)
			}
			if got := next.Checksums()[te.Name]; got != te.SM3 {
				t.Errorf("step %d %s: checksum %s, want %s", i, te.Name, got, te.SM3)
			}
		}
		if len(next.Tables) != len(prev.Tables) {
			t.Errorf("step %d: %d tables, want %d", i, len(next.Tables), len(prev.Tables))
		}
	}
	serves(t, dst, tok, want)
	writes(t, dst)
}

// TestImportAllOrNothing changes one value in a table's file: the import
// names the file and writes nothing; a dump of another schema version is
// refused.
func TestImportAllOrNothing(t *testing.T) {
	src := t.TempDir()
	startServer(t, src, "--demo").Stop()
	dump := filepath.Join(t.TempDir(), "d")
	if out, err := kejiju(t, "", "export", "--data", src, "--out", dump); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	m := manifest(t, dump)
	f := filepath.Join(dump, fileOf(m, "enterprises"))
	b, _ := os.ReadFile(f)
	os.WriteFile(f, bytes.Replace(b, []byte("科技"), []byte("科枝"), 1), 0o600)
	dst := withKey(t, filepath.Join(src, "keys", "master.key"))
	out, err := kejiju(t, "", "import", "database", dump, "--data", dst)
	if err == nil || !strings.Contains(err.Error(), "SM3") {
		t.Fatalf("a changed dump was imported: %v\n%s", err, out)
	}
	d, err := db.Open(t.Context(), filepath.Join(dst, "kejiju.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	rows, _, err := db.Checksums(t.Context(), d)
	if err != nil {
		t.Fatal(err)
	}
	for table, n := range rows {
		if n > 0 && table != "audit_head" {
			t.Errorf("a failed import left %d rows in %s", n, table)
		}
	}
}

func verify(t *testing.T, args ...string) {
	t.Helper()
	if out, err := kejiju(t, "", append([]string{"verify-ledger"}, args...)...); err != nil || !strings.Contains(out, "ledger OK") {
		t.Errorf("verify-ledger %v: %v\n%s", args, err, out)
	}
	if out, err := kejiju(t, "", append([]string{"verify-audit"}, args...)...); err != nil || !strings.Contains(out, "audit chain OK") {
		t.Errorf("verify-audit %v: %v\n%s", args, err, out)
	}
}

func manifest(t *testing.T, dir string) *db.Manifest {
	t.Helper()
	m, err := db.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func fileOf(m *db.Manifest, table string) string {
	for _, te := range m.Tables {
		if te.Name == table {
			return te.File
		}
	}
	return ""
}

// withKey returns a new data folder holding the master key.
func withKey(t *testing.T, key string) string {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile(key)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "keys"), 0o700)
	if err := os.WriteFile(filepath.Join(dir, "keys", "master.key"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// prefix reports whether every line of a is the same line of b.
func prefix(t *testing.T, a, b string) bool {
	t.Helper()
	fa, err := os.Open(a)
	if err != nil {
		t.Fatal(err)
	}
	defer fa.Close()
	fb, err := os.Open(b)
	if err != nil {
		t.Fatal(err)
	}
	defer fb.Close()
	ra, rb := bufio.NewReaderSize(fa, 1<<20), bufio.NewReaderSize(fb, 1<<20)
	for {
		la, errA := ra.ReadString('\n')
		if la == "" && errA != nil {
			return true
		}
		if lb, _ := rb.ReadString('\n'); la != lb {
			return false
		}
	}
}

// apiPaths are read on the source and on each copy: lists of every area
// the director sees, and a search through SQLite's full-text index (rebuilt
// by the import) or PostgreSQL's trigrams.
var apiPaths = []string{"/api/v1/enterprises?limit=100", "/api/v1/enterprises?q=" + url.QueryEscape("有限公司"), "/api/v1/poverty/households",
	"/api/v1/voucher-batches", "/api/v1/patents?limit=100", "/api/v1/subsidies", "/api/v1/targets", "/api/v1/quake/drills"}

func apiPages(t *testing.T, base, tok string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range apiPaths {
		req, _ := http.NewRequest("GET", base+p, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || buf.Len() < 50 {
			t.Errorf("%s: %d %s", p, resp.StatusCode, buf.String())
		}
		out[p] = buf.String()
	}
	return out
}

// serves starts the program on imported data: the source's API token
// works and every list answers as on the source.
func serves(t *testing.T, data, tok string, want map[string]string, args ...string) {
	t.Helper()
	ts := startServer(t, data, args...)
	if len(ts.Passwords) != 0 {
		t.Errorf("the imported database was bootstrapped again")
	}
	got := apiPages(t, ts.URL, tok)
	for _, p := range apiPaths {
		if micro(got[p]) != micro(want[p]) {
			t.Errorf("%s on the imported data differs from the source:\n%.400s\nwant\n%.400s", p, got[p], want[p])
		}
	}
	ts.Stop()
}

// instantRE finds an instant in JSON with its fraction of a second.
var instantRE = regexp.MustCompile(`(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z"`)

// micro cuts every instant in s to whole microseconds, the precision a dump
// keeps (PostgreSQL's); SQLite had nanoseconds.
func micro(s string) string {
	return instantRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := instantRE.FindStringSubmatch(m)
		frac := sub[2]
		if len(frac) > 7 {
			frac = frac[:7]
		}
		frac = strings.TrimRight(frac, "0")
		if frac == "." {
			frac = ""
		}
		return sub[1] + frac + `Z"`
	})
}

// writes creates an account on imported data: a new row in tables with
// generated keys (on PostgreSQL only if the import moved the sequences on).
func writes(t *testing.T, data string, args ...string) {
	t.Helper()
	out, err := kejiju(t, "", append([]string{"user", "add", "--username", "xinren", "--name", "新人", "--role", "staff", "--data", data}, args...)...)
	if err != nil || !strings.Contains(out, "created user xinren") {
		t.Errorf("a new user on the imported data: %v\n%s", err, out)
	}
}
