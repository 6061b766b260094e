package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// finding is the part of a govulncheck -json finding the check reads.
type finding struct {
	OSV          string `json:"osv"`
	FixedVersion string `json:"fixed_version"`
	Trace        []struct {
		Module   string `json:"module"`
		Version  string `json:"version"`
		Package  string `json:"package"`
		Function string `json:"function"`
		Receiver string `json:"receiver"`
		Position *struct {
			Filename string `json:"filename"`
			Line     int    `json:"line"`
		} `json:"position"`
	} `json:"trace"`
}

// called is a vulnerability the code reaches: a finding whose trace names
// the vulnerable function (govulncheck's symbol level), with the module and
// version it was found in.
type called struct {
	ID, Module, Version, Fixed, Symbol string
}

// readFindings reads govulncheck's JSON stream (one object after another,
// each with one of config, progress, SBOM, osv or finding) and returns the
// called vulnerabilities, one per ID, sorted, and the number of findings
// at any level.
func readFindings(r io.Reader) ([]called, int, error) {
	dec := json.NewDecoder(bufio.NewReader(r))
	byID := map[string]called{}
	n := 0
	sawConfig := false
	for {
		var msg struct {
			Config  json.RawMessage `json:"config"`
			Finding *finding        `json:"finding"`
		}
		if err := dec.Decode(&msg); err == io.EOF {
			break
		} else if err != nil {
			return nil, 0, fmt.Errorf("reading govulncheck output: %w", err)
		}
		if msg.Config != nil {
			sawConfig = true
		}
		f := msg.Finding
		if f == nil || len(f.Trace) == 0 {
			continue
		}
		n++
		top := f.Trace[0]
		if top.Function == "" {
			continue // imported or required, not called
		}
		sym := top.Function
		if top.Receiver != "" {
			sym = top.Receiver + "." + sym
		}
		byID[f.OSV] = called{ID: f.OSV, Module: top.Module, Version: top.Version, Fixed: f.FixedVersion, Symbol: top.Package + "." + sym}
	}
	if !sawConfig {
		return nil, 0, errors.New("no govulncheck output (no config message): did govulncheck run?")
	}
	out := make([]called, 0, len(byID))
	for _, c := range byID {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, n, nil
}

// readAccepted reads the accepted file: an ID first on each line, the
// reason after it; blank lines and # comments skipped. A line without a
// reason is an error: an accepted risk says why.
func readAccepted(r io.Reader) (map[string]string, error) {
	acc := map[string]string{}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		id, reason, _ := strings.Cut(t, " ")
		if !strings.HasPrefix(id, "GO-") || strings.TrimSpace(reason) == "" {
			return nil, fmt.Errorf("accepted file line %d: want \"GO-YYYY-NNNN reason\"", line)
		}
		acc[id] = strings.TrimSpace(reason)
	}
	return acc, sc.Err()
}

func checkCmd(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("vulndb check", flag.ContinueOnError)
	acceptFile := fs.String("accept", "", "file of accepted IDs with reasons")
	if err := fs.Parse(args); err != nil {
		return err
	}
	accepted := map[string]string{}
	if *acceptFile != "" {
		f, err := os.Open(*acceptFile)
		if err != nil {
			return err
		}
		accepted, err = readAccepted(f)
		f.Close()
		if err != nil {
			return err
		}
	}
	calls, n, err := readFindings(stdin)
	if err != nil {
		return err
	}
	return judge(calls, n, accepted, stdout)
}

// judge prints each called vulnerability and fails when one is not
// accepted. An accepted ID no longer found is named too, so the list
// shrinks when the fix lands.
func judge(calls []called, findings int, accepted map[string]string, stdout io.Writer) error {
	var open []string
	found := map[string]bool{}
	for _, c := range calls {
		found[c.ID] = true
		fixed := c.Fixed
		if fixed == "" {
			fixed = "no fix"
		}
		if reason, ok := accepted[c.ID]; ok {
			fmt.Fprintf(stdout, "accepted  %s %s@%s (fixed in %s) via %s: %s\n", c.ID, c.Module, c.Version, fixed, c.Symbol, reason)
			continue
		}
		fmt.Fprintf(stdout, "CALLED    %s %s@%s (fixed in %s) via %s\n", c.ID, c.Module, c.Version, fixed, c.Symbol)
		open = append(open, c.ID)
	}
	for id := range accepted {
		if !found[id] {
			fmt.Fprintf(stdout, "stale     %s is accepted but no longer called: remove it from the accepted list\n", id)
		}
	}
	fmt.Fprintf(stdout, "govulncheck: %d findings, %d called, %d accepted, %d open\n", findings, len(calls), len(calls)-len(open), len(open))
	if len(open) > 0 {
		return fmt.Errorf("%d called vulnerabilities: %s", len(open), strings.Join(open, ", "))
	}
	return nil
}
