// Package docxtest converts documents with LibreOffice in tests: a .docx to
// PDF, and a PDF to its text with pdftotext.
package docxtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Required reports whether CI requires the office tools (KEJIJU_REQUIRE_SOFFICE).
func Required() bool { return os.Getenv("KEJIJU_REQUIRE_SOFFICE") != "" }

// PDF converts a .docx to PDF with LibreOffice Writer, headless. It skips
// the test when soffice is absent, unless KEJIJU_REQUIRE_SOFFICE is set
// (CI sets it), where it fails.
func PDF(t *testing.T, docx []byte) []byte {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if Required() {
			t.Fatal("KEJIJU_REQUIRE_SOFFICE is set but soffice is missing (apt-get install libreoffice-writer-nogui)")
		}
		t.Skip("LibreOffice is not installed")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "report.docx")
	if err := os.WriteFile(in, docx, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "--headless", "--norestore", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "pdf:writer_pdf_Export", "--outdir", dir, in)
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
	pdf, err := os.ReadFile(filepath.Join(dir, "report.pdf"))
	if err != nil {
		// soffice can exit 0 having converted nothing; Writer is needed
		// for .docx.
		t.Fatalf("soffice wrote no PDF (is LibreOffice Writer installed? apt-get install libreoffice-writer-nogui): %v\n%s", err, out)
	}
	return pdf
}

// Text extracts a PDF's text with pdftotext. It returns "" (and logs why)
// when pdftotext is absent and the tools are not required.
func Text(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if Required() {
			t.Fatal("KEJIJU_REQUIRE_SOFFICE is set but pdftotext is missing (apt-get install poppler-utils)")
		}
		t.Log("pdftotext is not installed: the PDF's text is not checked")
		return ""
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
