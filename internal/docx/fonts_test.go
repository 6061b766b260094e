package docx

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// gongwenConf is the fontconfig file deployments install (README, .ci/run).
func gongwenConf(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(file), "..", "..", "deploy", "fontconfig", "65-kejiju-gongwen.conf")
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// pdfFonts lists the fonts a PDF embeds (pdffonts, poppler-utils): one
// "name type emb" line per font, the subset prefix dropped.
func pdfFonts(t *testing.T, pdf []byte) []string {
	t.Helper()
	bin, err := exec.LookPath("pdffonts")
	if err != nil {
		if required() {
			t.Fatal("KEJIJU_REQUIRE_SOFFICE is set but pdffonts is missing (apt-get install poppler-utils)")
		}
		t.Skip("pdffonts is not installed")
	}
	in := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, in).Output()
	if err != nil {
		t.Fatalf("pdffonts: %v", err)
	}
	var fonts []string
	for i, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if i < 2 || len(f) < 4 {
			continue // the header and its rule
		}
		name := f[0]
		if j := strings.IndexByte(name, '+'); j == 6 {
			name = name[j+1:]
		}
		emb := "no"
		// name type [encoding…] emb sub uni object ID: emb is 5 fields from the end.
		if len(f) >= 7 {
			emb = f[len(f)-5]
		}
		fonts = append(fonts, name+" "+f[1]+" "+emb)
	}
	return fonts
}

// TestGongwenFontsSerif converts a 公文 in LibreOffice, with the fontconfig
// file of deploy/fontconfig over the system's, and checks that the PDF
// embeds Noto Serif CJK for the title and the 仿宋 body — not the sans font
// LibreOffice falls back to without it — and Noto Sans CJK for 黑体.
func TestGongwenFontsSerif(t *testing.T) {
	if _, err := exec.LookPath("soffice"); err != nil && !required() {
		t.Skip("LibreOffice is not installed")
	}
	conf := filepath.Join(t.TempDir(), "fonts.conf")
	if err := os.WriteFile(conf, []byte(`<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <include>`+gongwenConf(t)+`</include>
</fontconfig>
`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("FONTCONFIG_FILE", conf)
	d := &Document{Title: "关于2026年上半年科技工作的总结", Body: []Block{
		&Heading{Level: 1, Text: "高新技术企业培育"},
		&Paragraph{Text: "第一批申报高新技术企业6家（其中：4家重新认定），深入企业调研30余次。"},
	}}
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	fonts := pdfFonts(t, toPDF(t, b))
	var serif, sans bool
	for _, f := range fonts {
		serif = serif || strings.HasPrefix(f, "NotoSerifCJK") && strings.HasSuffix(f, " yes")
		sans = sans || strings.HasPrefix(f, "NotoSansCJK") && strings.HasSuffix(f, " yes")
		if strings.HasPrefix(f, "DejaVuSans") {
			t.Errorf("LibreOffice fell back to %s", f)
		}
	}
	if !serif || !sans {
		t.Errorf("the PDF embeds %q; want Noto Serif CJK (仿宋, 小标宋) and Noto Sans CJK (黑体)", fonts)
	}
}
