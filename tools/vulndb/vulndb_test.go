package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestBuild builds the database from three OSV files and reads back the
// indexes govulncheck uses (T-IDS-03): every entry under ID/, each module
// with its IDs and latest fix, open ranges without one, and zero times
// filled from -modified.
func TestBuild(t *testing.T) {
	out := filepath.Join(t.TempDir(), "db")
	var stdout bytes.Buffer
	if err := run([]string{"-osv", "testdata/osv", "-out", out, "-modified", "2026-11-05T23:49:57Z"}, &stdout); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "3 entries, 3 modules") {
		t.Errorf("summary %q", stdout.String())
	}
	var db dbMeta
	readJSON(t, filepath.Join(out, "index", "db.json"), &db)
	if want := time.Date(2026, 11, 5, 23, 49, 57, 0, time.UTC); !db.Modified.Equal(want) {
		t.Errorf("db modified %v, want %v", db.Modified, want)
	}
	var mods []moduleMeta
	readJSON(t, filepath.Join(out, "index", "modules.json"), &mods)
	got := map[string][]string{}
	for _, m := range mods {
		for _, v := range m.Vulns {
			got[m.Path] = append(got[m.Path], v.ID+"@"+v.Fixed)
			if v.Modified.IsZero() {
				t.Errorf("%s %s: zero modified time", m.Path, v.ID)
			}
		}
	}
	want := map[string][]string{
		"example.com/open":  {"GO-2026-9002@"},
		"golang.org/x/text": {"GO-2021-0113@0.3.7", "GO-2026-9001@0.10.0"},
		"stdlib":            {"GO-2026-9001@1.27.3"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("modules index (-want +got):\n%s", diff)
	}
	b, err := os.ReadFile(filepath.Join(out, "ID", "GO-2021-0113.json"))
	if err != nil || !bytes.Contains(b, []byte(`"symbols":["Parse"]`)) {
		t.Errorf("entry not copied: %v %s", err, b)
	}
	if err := run([]string{"-osv", "testdata/osv", "-out", out}, &stdout); err == nil {
		t.Error("wrote into a database folder that is not empty")
	}
	if err := run([]string{"-osv", t.TempDir(), "-out", filepath.Join(t.TempDir(), "x")}, &stdout); err == nil {
		t.Error("an empty source gave a database")
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

func TestCompareSemver(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"0.3.7", "0.3.10", -1}, {"1.27.3", "1.26.10", 1}, {"1.2.0", "1.2.0", 0},
		{"1.27.0-0", "1.27.0", -1}, {"0.10.0", "0.9.9", 1},
	} {
		if got := compareSemver(tc.a, tc.b); got != tc.want {
			t.Errorf("compareSemver(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// stream is govulncheck -json output as v1.9.0 writes it (trimmed): the
// same vulnerability found at module, package and symbol level, and one
// only imported.
const stream = `{"config": {"protocol_version": "v1.0.0", "scanner_name": "govulncheck"}}
{"progress": {"message": "Scanning your code"}}
{"finding": {"osv": "GO-2021-0113", "fixed_version": "v0.3.7", "trace": [{"module": "golang.org/x/text", "version": "v0.3.5"}]}}
{"finding": {"osv": "GO-2021-0113", "fixed_version": "v0.3.7", "trace": [{"module": "golang.org/x/text", "version": "v0.3.5", "package": "golang.org/x/text/language"}]}}
{"finding": {"osv": "GO-2021-0113", "fixed_version": "v0.3.7", "trace": [{"module": "golang.org/x/text", "version": "v0.3.5", "package": "golang.org/x/text/language", "function": "Parse", "position": {"filename": "language/parse.go", "line": 33}}, {"module": "example.com/vulnmod", "package": "example.com/vulnmod", "function": "main"}]}}
{"finding": {"osv": "GO-2022-1059", "fixed_version": "v0.3.8", "trace": [{"module": "golang.org/x/text", "version": "v0.3.5", "package": "golang.org/x/text/language"}]}}
`

// TestCheck fails on a called vulnerability, passes when it is accepted
// with a reason, and names an accepted ID that is no longer called.
func TestCheck(t *testing.T) {
	calls, n, err := readFindings(strings.NewReader(stream))
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 || len(calls) != 1 || calls[0].ID != "GO-2021-0113" || calls[0].Symbol != "golang.org/x/text/language.Parse" {
		t.Fatalf("findings %d, called %+v", n, calls)
	}
	var out bytes.Buffer
	if err := judge(calls, n, nil, &out); err == nil || !strings.Contains(out.String(), "CALLED    GO-2021-0113 golang.org/x/text@v0.3.5 (fixed in v0.3.7)") {
		t.Errorf("a called vulnerability passed: %v\n%s", err, out.String())
	}
	acc, err := readAccepted(strings.NewReader("# comment\n\nGO-2021-0113 test fixture, never shipped\nGO-2099-0001 gone since\n"))
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := judge(calls, n, acc, &out); err != nil || !strings.Contains(out.String(), "stale     GO-2099-0001") {
		t.Errorf("accepted: %v\n%s", err, out.String())
	}
	if _, err := readAccepted(strings.NewReader("GO-2021-0113\n")); err == nil {
		t.Error("an accepted ID without a reason was taken")
	}
	if _, _, err := readFindings(strings.NewReader("")); err == nil {
		t.Error("empty output (govulncheck did not run) passed")
	}
}
