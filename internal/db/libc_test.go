package db

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestLibcPin guards the modernc.org/libc pin: modernc.org/sqlite is
// transpiled C that works only with the exact libc version its go.mod
// names. A `go get -u` that moves libc alone builds fine and fails at run
// time, so the versions must agree (supply chain, issue 9 item 7).
func TestLibcPin(t *testing.T) {
	goMod := goList(t, "-f", "{{.GoMod}}", "modernc.org/sqlite")
	out, err := exec.Command("go", "mod", "edit", "-json", goMod).Output()
	if err != nil {
		t.Fatalf("reading %s: %v", goMod, err)
	}
	var mod struct {
		Require []struct{ Path, Version string }
	}
	if err := json.Unmarshal(out, &mod); err != nil {
		t.Fatal(err)
	}
	want := ""
	for _, r := range mod.Require {
		if r.Path == "modernc.org/libc" {
			want = r.Version
		}
	}
	if want == "" {
		t.Fatalf("modernc.org/sqlite's go.mod (%s) names no modernc.org/libc", goMod)
	}
	if got := goList(t, "-f", "{{.Version}}", "modernc.org/libc"); got != want {
		t.Errorf("modernc.org/libc is %s, but modernc.org/sqlite %s wants exactly %s: pin it back (go get modernc.org/libc@%s)",
			got, goList(t, "-f", "{{.Version}}", "modernc.org/sqlite"), want, want)
	}
}

func goList(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list", "-m"}, args...)...).Output()
	if err != nil {
		t.Fatalf("go list -m %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}
