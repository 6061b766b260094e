// Command vulndb builds a govulncheck database (the v1 layout: index/db.json,
// index/modules.json, index/vulns.json and ID/GO-….json) from a folder of
// OSV files, such as data/osv of the golang.org/x/vulndb module that the Go
// module proxy serves. govulncheck then reads it with -db file://DIR, with no
// access to vuln.go.dev:
//
//	go run ./tools/vulndb -osv $(go env GOMODCACHE)/golang.org/x/vulndb@VERSION/data/osv -out DIR
//
// Entries are copied unchanged; only the indexes are computed.
//
// With "check" it reads the JSON stream of `govulncheck -json` on stdin and
// fails when the code calls a vulnerable symbol, unless the finding's ID is
// in the accepted file (one ID a line, then the reason; # starts a comment):
//
//	govulncheck -db file://DIR -json ./... | go run ./tools/vulndb check -accept tools/vulndb/accepted.txt
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "vulndb:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "check" {
		return checkCmd(args[1:], os.Stdin, stdout)
	}
	fs := flag.NewFlagSet("vulndb", flag.ContinueOnError)
	src := fs.String("osv", "", "folder of OSV JSON files (GO-YYYY-NNNN.json)")
	out := fs.String("out", "", "folder to write the database to (must not exist or be empty)")
	asOf := fs.String("modified", "", "time of the source (RFC 3339), for entries whose times the source leaves at zero; e.g. the vulndb pseudo-version's commit time")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *src == "" || *out == "" {
		return errors.New("-osv and -out are required")
	}
	entries, err := load(*src)
	if err != nil {
		return err
	}
	if *asOf != "" {
		t, err := time.Parse(time.RFC3339, *asOf)
		if err != nil {
			return fmt.Errorf("-modified: %w", err)
		}
		for i := range entries {
			if entries[i].changed().IsZero() {
				entries[i].Modified = t
			}
		}
	}
	if err := write(*out, entries); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "vulndb: %d entries, %d modules written to %s\n", len(entries), len(modules(entries)), *out)
	return nil
}

// entry is the part of an OSV entry the indexes need; raw is the file.
type entry struct {
	ID        string    `json:"id"`
	Modified  time.Time `json:"modified"`
	Published time.Time `json:"published"`
	Aliases   []string  `json:"aliases"`
	Affected  []struct {
		Package struct {
			Name      string `json:"name"`
			Ecosystem string `json:"ecosystem"`
		} `json:"package"`
		Ranges []struct {
			Type   string `json:"type"`
			Events []struct {
				Introduced string `json:"introduced"`
				Fixed      string `json:"fixed"`
			} `json:"events"`
		} `json:"ranges"`
	} `json:"affected"`
	raw []byte
}

// load reads every GO-*.json of dir; an unreadable or unnamed entry is an
// error, so a damaged download never yields a silently smaller database.
func load(dir string) ([]entry, error) {
	names, err := filepath.Glob(filepath.Join(dir, "GO-*.json"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no GO-*.json files in %s", dir)
	}
	sort.Strings(names)
	entries := make([]entry, 0, len(names))
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var e entry
		if err := json.Unmarshal(b, &e); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(name), err)
		}
		if want := strings.TrimSuffix(filepath.Base(name), ".json"); e.ID != want {
			return nil, fmt.Errorf("%s: id %q does not match the file name", filepath.Base(name), e.ID)
		}
		e.raw = b
		entries = append(entries, e)
	}
	return entries, nil
}

// changed is when an entry last changed: its modified time, or its
// publication when the source leaves modified at zero (x/vulndb's data/osv
// does; the deployed database fills it in).
func (e entry) changed() time.Time {
	if e.Modified.After(e.Published) {
		return e.Modified
	}
	return e.Published
}

type dbMeta struct {
	Modified time.Time `json:"modified"`
}

type moduleVuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Fixed    string    `json:"fixed,omitempty"`
}

type moduleMeta struct {
	Path  string       `json:"path"`
	Vulns []moduleVuln `json:"vulns"`
}

type vulnMeta struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases,omitempty"`
}

// modules indexes the entries by the modules they affect, sorted by path
// and, within a module, by ID.
func modules(entries []entry) []moduleMeta {
	byPath := map[string]*moduleMeta{}
	for _, e := range entries {
		seen := map[string]bool{}
		for _, a := range e.Affected {
			path := a.Package.Name
			if path == "" || seen[path] {
				continue
			}
			seen[path] = true
			m := byPath[path]
			if m == nil {
				m = &moduleMeta{Path: path}
				byPath[path] = m
			}
			m.Vulns = append(m.Vulns, moduleVuln{ID: e.ID, Modified: e.changed(), Fixed: latestFixed(e, path)})
		}
	}
	out := make([]moduleMeta, 0, len(byPath))
	for _, m := range byPath {
		sort.Slice(m.Vulns, func(i, j int) bool { return m.Vulns[i].ID < m.Vulns[j].ID })
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// latestFixed is the highest version that fixes e in module path, or ""
// when some range of it is still open (no fix after its last introduction).
func latestFixed(e entry, path string) string {
	latest := ""
	for _, a := range e.Affected {
		if a.Package.Name != path {
			continue
		}
		for _, r := range a.Ranges {
			if r.Type != "SEMVER" || len(r.Events) == 0 {
				continue
			}
			if r.Events[len(r.Events)-1].Fixed == "" {
				return ""
			}
			for _, ev := range r.Events {
				if ev.Fixed != "" && (latest == "" || compareSemver(ev.Fixed, latest) > 0) {
					latest = ev.Fixed
				}
			}
		}
	}
	return latest
}

// compareSemver compares two versions without the leading v (1.2.3 or
// 1.2.3-pre), as OSV writes them: numbers part by part, and a pre-release
// below its release.
func compareSemver(a, b string) int {
	a, apre, _ := strings.Cut(a, "-")
	b, bpre, _ := strings.Cut(b, "-")
	ap, bp := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(ap), len(bp)) {
		var x, y int
		if i < len(ap) {
			x, _ = strconv.Atoi(ap[i])
		}
		if i < len(bp) {
			y, _ = strconv.Atoi(bp[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	switch {
	case apre == bpre:
		return 0
	case apre == "":
		return 1
	case bpre == "":
		return -1
	}
	return strings.Compare(apre, bpre)
}

// write lays the database out under dir.
func write(dir string, entries []entry) error {
	if names, err := os.ReadDir(dir); err == nil && len(names) > 0 {
		return fmt.Errorf("%s is not empty", dir)
	}
	for _, sub := range []string{"index", "ID"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
	}
	var meta dbMeta
	vulns := make([]vulnMeta, 0, len(entries))
	for _, e := range entries {
		if e.changed().After(meta.Modified) {
			meta.Modified = e.changed()
		}
		vulns = append(vulns, vulnMeta{ID: e.ID, Modified: e.changed(), Aliases: e.Aliases})
		var compact bytes.Buffer
		if err := json.Compact(&compact, e.raw); err != nil {
			return fmt.Errorf("%s: %w", e.ID, err)
		}
		if err := os.WriteFile(filepath.Join(dir, "ID", e.ID+".json"), compact.Bytes(), 0o644); err != nil {
			return err
		}
	}
	for name, v := range map[string]any{"db": meta, "modules": modules(entries), "vulns": vulns} {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "index", name+".json"), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
