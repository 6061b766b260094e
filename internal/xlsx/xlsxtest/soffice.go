// Package xlsxtest opens a workbook in a real spreadsheet program
// (LibreOffice Calc, headless) for tests that must show a file opens in
// one, not only in our own reader.
package xlsxtest

import (
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Open converts the workbook to CSV with LibreOffice and returns the first
// sheet's cells. It skips the test when soffice is absent, unless
// KEJIJU_REQUIRE_SOFFICE is set (CI sets it), where it fails.
func Open(t *testing.T, workbook []byte) [][]string {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("KEJIJU_REQUIRE_SOFFICE") != "" {
			t.Fatal("KEJIJU_REQUIRE_SOFFICE is set but soffice is missing (apt-get install libreoffice-calc-nogui)")
		}
		t.Skip("LibreOffice is not installed")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "sheet.xlsx")
	if err := os.WriteFile(in, workbook, 0o600); err != nil {
		t.Fatal(err)
	}
	// 44,34,76: comma-separated, double quotes, UTF-8.
	cmd := exec.Command(soffice, "--headless", "--norestore", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", `csv:Text - txt - csv (StarCalc):44,34,76`, "--outdir", dir, in)
	done := make(chan error, 1)
	var out []byte
	go func() { out, err = cmd.CombinedOutput(); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("soffice: %v\n%s", err, out)
		}
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatal("soffice did not finish in 2 minutes")
	}
	b, err := os.ReadFile(filepath.Join(dir, "sheet.csv"))
	if err != nil {
		t.Fatalf("soffice wrote no CSV: %v\n%s", err, out)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("soffice CSV: %v", err)
	}
	return rows
}
