package main

import (
	"strings"
	"testing"
)

// TestDemoScale generates the test-scale dataset through the command line,
// then verify-ledger and verify-audit pass on it; a second run and an
// unknown scale are refused.
func TestDemoScale(t *testing.T) {
	dir := t.TempDir()
	if out, err := kejiju(t, "", "demo", "--data", dir); err == nil {
		t.Fatalf("demo without --scale ran:\n%s", out)
	}
	if out, err := kejiju(t, "", "demo", "--scale", "galaxy", "--data", t.TempDir()); err == nil {
		t.Fatalf("an unknown scale ran:\n%s", out)
	}
	out, err := kejiju(t, "", "demo", "--scale", "test", "--data", dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"test dataset written", "enterprises", "patents", "juzhang", "shiju", "all done"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if out, err := kejiju(t, "", "verify-ledger", "--data", dir); err != nil || !strings.Contains(out, "ledger OK") {
		t.Errorf("verify-ledger: %v\n%s", err, out)
	}
	if out, err := kejiju(t, "", "verify-audit", "--data", dir); err != nil || !strings.Contains(out, "audit chain OK") {
		t.Errorf("verify-audit: %v\n%s", err, out)
	}
	if out, err := kejiju(t, "", "demo", "--scale", "test", "--data", dir); err == nil || !strings.Contains(out+err.Error(), "already holds") {
		t.Errorf("a second generation: %v\n%s", err, out)
	}
}
