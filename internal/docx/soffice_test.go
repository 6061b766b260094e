package docx

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"kejiju/internal/docx/docxtest"
)

// required reports whether CI requires the office tools.
func required() bool { return docxtest.Required() }

// toPDF converts a .docx to PDF with LibreOffice (see docxtest.PDF).
func toPDF(t *testing.T, docx []byte) []byte { t.Helper(); return docxtest.PDF(t, docx) }

// word is one word of pdftotext -bbox output.
type word struct {
	page                   int
	xMin, yMin, xMax, yMax float64
	text                   string
}

// pdfWords runs pdftotext -bbox. It returns nil, skipping the text checks,
// when pdftotext is absent and the tools are not required.
func pdfWords(t *testing.T, pdf []byte) []word {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if required() {
			t.Fatal("KEJIJU_REQUIRE_SOFFICE is set but pdftotext is missing (apt-get install poppler-utils)")
		}
		t.Log("pdftotext is not installed: the PDF's text is not checked")
		return nil
	}
	in := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-bbox", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	d := xml.NewDecoder(bytes.NewReader(out))
	d.Strict = false
	var words []word
	page := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("pdftotext output: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "page":
			page++
		case "word":
			w := word{page: page}
			for _, a := range se.Attr {
				v, _ := strconv.ParseFloat(a.Value, 64)
				switch a.Name.Local {
				case "xMin":
					w.xMin = v
				case "yMin":
					w.yMin = v
				case "xMax":
					w.xMax = v
				case "yMax":
					w.yMax = v
				}
			}
			var s string
			if err := d.DecodeElement(&s, &se); err != nil {
				t.Fatal(err)
			}
			w.text = s
			words = append(words, w)
		}
	}
	return words
}

const ptPerMM = 72 / 25.4

// TestLibreOffice converts the sample report to PDF with LibreOffice and
// checks what a reader sees: A4 pages, the image, the Chinese text in
// order, 22 lines of at most 28 characters within the GB/T 9704 text area,
// and the page numbers under it, odd right and even left.
func TestLibreOffice(t *testing.T) {
	docx, err := sampleReport().Bytes()
	if err != nil {
		t.Fatal(err)
	}
	pdf := toPDF(t, docx)

	boxes := regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]`).FindAllSubmatch(pdf, -1)
	if len(boxes) == 0 {
		t.Fatal("no /MediaBox in the PDF")
	}
	for _, m := range boxes {
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		if math.Abs(w-210*ptPerMM) > 1 || math.Abs(h-297*ptPerMM) > 1 {
			t.Errorf("page %.1f × %.1f pt, want A4 595.3 × 841.9", w, h)
		}
	}
	if !bytes.Contains(pdf, []byte("/Subtype/Image")) && !bytes.Contains(pdf, []byte("/Subtype /Image")) {
		t.Error("the figure is not in the PDF")
	}

	words := pdfWords(t, pdf)
	if words == nil {
		return
	}
	pages := 0
	var all strings.Builder
	for _, w := range words {
		pages = max(pages, w.page)
		all.WriteString(w.text)
	}
	text := all.String()
	// The text extracts as Chinese, in document order.
	at := 0
	for _, want := range []string{
		"颍东区科学技术局", "2026年上半年工作总结及下半年工作计划", "市科技局：",
		"一、认真落实党风廉政和反腐败工作", "（一）加大高新技术企业的培育力度",
		"1.专利申请。1-5月份发明专利申请量达到44件",
		"表1各乡镇高新技术企业申报情况", "乡镇", "申报（家）", "冉庙乡", "插花镇", "合计",
		"图1发明专利申请量", "2026年下半年工作计划", "一、加强产学研平台建设",
		"颍东区科学技术局", "2026年7月10日",
	} {
		i := strings.Index(text[at:], want)
		if i < 0 {
			t.Fatalf("%q is not in the PDF's text after position %d:\n%s", want, at, text)
		}
		at += i + len(want)
	}

	// The native charts are drawn, with their titles, labels and values.
	for _, want := range []string{
		"发明专利申请量（件）", "今年", "去年同期", "高新技术企业培育（家）", "科技型中小企业", "培育库", "120",
		"科技计划资金构成（万元）", "重大专项", "54.0%", "32.5%", "13.5%", "各乡镇科技型中小企业（家）", "袁寨镇", "30",
		"图2发明专利申请量同比", "图3高企培育漏斗", "图4资金构成", "图5各乡镇科技型中小企业",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("chart text %q is not in the PDF", want)
		}
	}

	// Rows of text per page, by baseline.
	type row struct {
		y, xMin, xMax float64
		text          string
	}
	rows := map[int][]*row{}
	for _, w := range words {
		var r *row
		for _, c := range rows[w.page] {
			if math.Abs(c.y-w.yMax) < 2 {
				r = c
			}
		}
		if r == nil {
			r = &row{y: w.yMax, xMin: w.xMin, xMax: w.xMax}
			rows[w.page] = append(rows[w.page], r)
		}
		r.xMin, r.xMax = math.Min(r.xMin, w.xMin), math.Max(r.xMax, w.xMax)
		r.text += w.text
	}
	textTop, textBottom := 37*ptPerMM, (297-35)*ptPerMM
	textLeft, textRight := 28*ptPerMM, (210-26)*ptPerMM
	pitch := 225 * ptPerMM / 22
	full, widest := 0, 0
	for p := 1; p <= pages; p++ {
		var body []*row
		var number *row
		for _, r := range rows[p] {
			if r.y > textBottom {
				number = r
				continue
			}
			if r.y < textTop {
				t.Errorf("page %d: text above the text area: %q", p, r.text)
			}
			// LibreOffice hangs a closing punctuation mark past the margin
			// (it reads w:overflowPunct inverted; see stylesXML): allow one
			// 三号 mark, and leave it out of the line's length.
			if last, _ := utf8.DecodeLastRuneInString(r.text); r.xMax > textRight+2 && unicode.IsPunct(last) && r.xMax <= textRight+16+2 {
				r.text = strings.TrimSuffix(r.text, string(last))
				r.xMax -= 16
			}
			if r.xMin < textLeft-2 || r.xMax > textRight+2 {
				t.Errorf("page %d: %q runs from %.1f to %.1f pt, outside the text area %.1f–%.1f", p, r.text, r.xMin, r.xMax, textLeft, textRight)
			}
			body = append(body, r)
		}
		sort.Slice(body, func(i, j int) bool { return body[i].y < body[j].y })
		// A page of plain text: every line on the grid, 22 of them. (Pages
		// with charts have rows off the grid.)
		allGrid := len(body) > 1
		for i := 1; i < len(body); i++ {
			if math.Abs(body[i].y-body[i-1].y-pitch) > 0.5 {
				allGrid = false
			}
		}
		if allGrid && len(body) == 22 {
			full++
		}
		for _, r := range body {
			if wide(r.text) {
				widest = max(widest, utf8.RuneCountInString(r.text))
			}
		}
		// The page number: — p —, 7 mm below the text area, one 四号
		// character in from the right edge of the text on odd pages, from
		// the left on even ones.
		if number == nil {
			t.Errorf("page %d has no page number", p)
			continue
		}
		if got, want := strings.Join(strings.Fields(number.text), ""), "—"+strconv.Itoa(p)+"—"; got != want {
			t.Errorf("page %d number %q, want %q", p, got, want)
		}
		glyphTop := number.y - 14*0.88 // the dash's line: 四号 ascent above the baseline
		if math.Abs(glyphTop-(textBottom+7*ptPerMM)) > 4 {
			t.Errorf("page %d number's top at %.1f pt, want 7 mm below the text area (%.1f)", p, glyphTop, textBottom+7*ptPerMM)
		}
		if p%2 == 1 && math.Abs(number.xMax-(textRight-14)) > 3 {
			t.Errorf("odd page %d number ends at %.1f pt, want one character from the right (%.1f)", p, number.xMax, textRight-14)
		}
		if p%2 == 0 && math.Abs(number.xMin-(textLeft+14)) > 3 {
			t.Errorf("even page %d number starts at %.1f pt, want one character from the left (%.1f)", p, number.xMin, textLeft+14)
		}
	}
	// The signature: the body 2 characters from the right, the date's
	// first character 2 characters right of the body's (7.3.5.1). A body
	// character is 15.75 pt (condensed 三号).
	var org, date *row
	for _, r := range rows[pages] {
		switch r.text {
		case "颍东区科学技术局":
			org = r
		case "2026年7月10日":
			date = r
		}
	}
	const char = 15.75
	if org == nil || date == nil {
		t.Error("no signature lines on the last page")
	} else {
		// The date is 2 from the right exactly; the body's place rests on
		// an estimate of the date's width (Noto's digits are a little
		// wider than half a character): allow a third of a character.
		if math.Abs(textRight-date.xMax-2*char) > 2 {
			t.Errorf("the date ends %.1f pt from the right edge, want 2 characters (%.1f)", textRight-date.xMax, 2*char)
		}
		if math.Abs(date.xMin-org.xMin-2*char) > char/3 {
			t.Errorf("the date starts %.1f pt right of the body, want 2 characters (%.1f)", date.xMin-org.xMin, 2*char)
		}
		if org.y >= date.y {
			t.Error("the date is not below the body")
		}
	}
	if pages < 3 {
		t.Errorf("%d pages, the sample needs more", pages)
	}
	if full == 0 {
		t.Error("no page of plain text has 22 lines on a 225 mm / 22 pitch")
	}
	if widest != 28 {
		t.Errorf("the longest line of full-width characters has %d, want 28", widest)
	}
}

// wide reports whether s is all full-width (CJK) characters, the lines
// whose length in characters is the line's width.
func wide(s string) bool {
	for _, r := range s {
		if r < 0x2e80 && !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}
