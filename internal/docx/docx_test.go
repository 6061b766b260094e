package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// unzip returns the parts of a .docx by name.
func unzip(t testing.TB, b []byte) map[string][]byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	parts := map[string][]byte{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		parts[f.Name] = data
	}
	return parts
}

// node is a parsed XML element, enough to query the parts.
type node struct {
	Name     xml.Name
	Attr     []xml.Attr
	Children []*node
	Text     string
}

func parseXML(t testing.TB, name string, b []byte) *node {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	var stack []*node
	var root *node
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed: %v", name, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{Name: tok.Name, Attr: tok.Attr}
			if len(stack) == 0 {
				if root != nil {
					t.Fatalf("%s has two roots", name)
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(tok)
			}
		}
	}
	if root == nil {
		t.Fatalf("%s is empty", name)
	}
	return root
}

// all returns the descendants (and n itself) with the local name.
func (n *node) all(local string) []*node {
	var out []*node
	if n.Name.Local == local {
		out = append(out, n)
	}
	for _, c := range n.Children {
		out = append(out, c.all(local)...)
	}
	return out
}

func (n *node) first(local string) *node {
	if all := n.all(local); len(all) > 0 {
		return all[0]
	}
	return nil
}

func (n *node) attr(local string) string {
	for _, a := range n.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// text is the concatenated w:t text under n.
func (n *node) text() string {
	var b strings.Builder
	for _, t := range n.all("t") {
		b.WriteString(t.Text)
	}
	return b.String()
}

func write(t testing.TB, d *Document) map[string][]byte {
	t.Helper()
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return unzip(t, b)
}

func TestPartsWellFormedAndLinked(t *testing.T) {
	d := sampleReport()
	d.Header = "内部资料 注意保存"
	parts := write(t, d)
	for name, data := range parts {
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			parseXML(t, name, data)
		}
	}
	// Every part is declared in [Content_Types].xml, by override or by
	// extension.
	ct := parseXML(t, "ct", parts["[Content_Types].xml"])
	declared := map[string]bool{}
	for _, o := range ct.all("Override") {
		declared[strings.TrimPrefix(o.attr("PartName"), "/")] = true
		if parts[strings.TrimPrefix(o.attr("PartName"), "/")] == nil {
			t.Errorf("content type for a missing part %s", o.attr("PartName"))
		}
	}
	for _, df := range ct.all("Default") {
		declared["*."+df.attr("Extension")] = true
	}
	for name := range parts {
		if name == "[Content_Types].xml" {
			continue
		}
		if !declared[name] && !declared["*."+name[strings.LastIndex(name, ".")+1:]] {
			t.Errorf("%s has no content type", name)
		}
	}
	// Every relationship target exists, and every r:id and r:embed the
	// document uses is a relationship.
	rels := parseXML(t, "rels", parts["word/_rels/document.xml.rels"])
	ids := map[string]bool{}
	for _, r := range rels.all("Relationship") {
		ids[r.attr("Id")] = true
		if parts["word/"+r.attr("Target")] == nil {
			t.Errorf("relationship %s to a missing part %s", r.attr("Id"), r.attr("Target"))
		}
	}
	for _, r := range parseXML(t, "root rels", parts["_rels/.rels"]).all("Relationship") {
		if parts[r.attr("Target")] == nil {
			t.Errorf("package relationship to a missing part %s", r.attr("Target"))
		}
	}
	doc := parseXML(t, "document", parts["word/document.xml"])
	for _, name := range []string{"headerReference", "footerReference", "blip"} {
		for _, n := range doc.all(name) {
			id := n.attr("id") + n.attr("embed")
			if !ids[id] {
				t.Errorf("%s refers to unknown relationship %q", name, id)
			}
		}
	}
	if len(doc.all("headerReference")) == 0 || parts["word/header1.xml"] == nil {
		t.Error("a Header gave no header part")
	}
	if !strings.Contains(parseXML(t, "header", parts["word/header1.xml"]).text(), "内部资料") {
		t.Error("the header text is missing")
	}
}

func TestPageGeometry(t *testing.T) {
	g := PageGeometry()
	// A4 and the GB/T 9704 margins, in twips (1 mm = 56.69 twips).
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"page width", g.PageW, 11906},
		{"page height", g.PageH, 16838},
		{"top", g.Top, 2098},
		{"bottom", g.Bottom, 1984},
		{"left", g.Left, 1587},
		{"right", g.Right, 1474},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d twips, want %d", c.name, c.got, c.want)
		}
	}
	// The text area is 156 mm × 225 mm within a twip of rounding.
	if w := g.PageW - g.Left - g.Right; w < Twips(156)-1 || w > Twips(156)+1 {
		t.Errorf("text width %d twips, want 156 mm = %d", w, Twips(156))
	}
	if h := g.PageH - g.Top - g.Bottom; h < Twips(225)-1 || h > Twips(225)+1 {
		t.Errorf("text height %d twips, want 225 mm = %d", h, Twips(225))
	}
	// 22 lines fit and a 23rd does not.
	textH := g.PageH - g.Top - g.Bottom
	if 22*g.LinePitch > textH || 23*g.LinePitch <= textH {
		t.Errorf("line pitch %d: %d lines in %d twips", g.LinePitch, textH/g.LinePitch, textH)
	}
	// 28 condensed 三号 characters fit and a 29th does not.
	textW := g.PageW - g.Left - g.Right
	char := 320 + g.CharSpacing
	if 28*char > textW || 29*char <= textW {
		t.Errorf("character spacing %d: %d characters in %d twips", g.CharSpacing, textW/char, textW)
	}
	// The page number's top is 7 mm below the text area.
	top := g.Footer + 280
	if gap := g.Bottom - top; gap < Twips(7)-1 || gap > Twips(7)+1 {
		t.Errorf("page number %d twips below the text, want 7 mm", gap)
	}

	// The section carries them.
	doc := parseXML(t, "document", write(t, sampleReport())["word/document.xml"])
	sect := doc.first("sectPr")
	if sect == nil {
		t.Fatal("no sectPr")
	}
	itoa := strconv.Itoa
	pgSz, pgMar, grid := sect.first("pgSz"), sect.first("pgMar"), sect.first("docGrid")
	for _, c := range []struct{ name, got, want string }{
		{"pgSz w", pgSz.attr("w"), itoa(g.PageW)},
		{"pgSz h", pgSz.attr("h"), itoa(g.PageH)},
		{"pgMar top", pgMar.attr("top"), itoa(g.Top)},
		{"pgMar bottom", pgMar.attr("bottom"), itoa(g.Bottom)},
		{"pgMar left", pgMar.attr("left"), itoa(g.Left)},
		{"pgMar right", pgMar.attr("right"), itoa(g.Right)},
		{"pgMar footer", pgMar.attr("footer"), itoa(g.Footer)},
		{"docGrid type", grid.attr("type"), "lines"},
		{"docGrid linePitch", grid.attr("linePitch"), itoa(g.LinePitch)},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

// styleOf returns the style with the id from styles.xml.
func styleOf(t *testing.T, styles *node, id string) *node {
	t.Helper()
	for _, s := range styles.all("style") {
		if s.attr("styleId") == id {
			return s
		}
	}
	t.Fatalf("no style %s", id)
	return nil
}

func TestStyles(t *testing.T) {
	parts := write(t, sampleReport())
	styles := parseXML(t, "styles", parts["word/styles.xml"])
	for _, c := range []struct {
		style, font, size string
		bold              bool
		jc                string
	}{
		{"Normal", FontBody, "32", false, ""},
		{"Title", FontTitle, "44", false, "center"},
		{"Heading1", FontHeading, "32", false, ""},
		{"Heading2", FontKai, "32", false, ""},
		{"Heading3", FontBody, "32", true, ""},
		{"Part", FontHeading, "32", false, "center"},
		{"Signature", "", "", false, "right"},
	} {
		s := styleOf(t, styles, c.style)
		if c.font != "" {
			f := s.first("rFonts")
			if f == nil || f.attr("eastAsia") != c.font || f.attr("ascii") != c.font {
				t.Errorf("%s font = %+v, want %s", c.style, f, c.font)
			}
		}
		if c.size != "" {
			if sz := s.first("sz"); sz == nil || sz.attr("val") != c.size {
				t.Errorf("%s size = %+v, want %s half-points", c.style, sz, c.size)
			}
		}
		if got := s.first("b") != nil; got != c.bold {
			t.Errorf("%s bold = %v", c.style, got)
		}
		if c.jc != "" {
			if jc := s.first("jc"); jc == nil || jc.attr("val") != c.jc {
				t.Errorf("%s alignment = %+v, want %s", c.style, jc, c.jc)
			}
		}
	}
	// Body text: first line indented two characters, condensed to 28 a line.
	normal := styleOf(t, styles, "Normal")
	if ind := normal.first("ind"); ind == nil || ind.attr("firstLineChars") != "200" {
		t.Errorf("Normal indent = %+v, want firstLineChars 200", ind)
	}
	if sp := normal.first("rPr").first("spacing"); sp == nil || sp.attr("val") != strconv.Itoa(PageGeometry().CharSpacing) {
		t.Errorf("Normal character spacing = %+v", sp)
	}
	// Fallback fonts are named in the font table.
	fonts := parseXML(t, "fontTable", parts["word/fontTable.xml"])
	alts := map[string]string{}
	for _, f := range fonts.all("font") {
		if a := f.first("altName"); a != nil {
			alts[f.attr("name")] = a.attr("val")
		}
	}
	for font, alt := range map[string]string{FontTitle: "宋体", FontBody: "仿宋", FontKai: "楷体"} {
		if alts[font] != alt {
			t.Errorf("fallback of %s = %q, want %s", font, alts[font], alt)
		}
	}
	// Odd and even pages have their own footer.
	if !bytes.Contains(parts["word/settings.xml"], []byte("<w:evenAndOddHeaders/>")) {
		t.Error("settings lack evenAndOddHeaders")
	}
}

func TestFooterPageNumbers(t *testing.T) {
	parts := write(t, sampleReport())
	for name, want := range map[string]string{"word/footer1.xml": "right", "word/footer2.xml": "left"} {
		f := parseXML(t, name, parts[name])
		if jc := f.first("jc"); jc == nil || jc.attr("val") != want {
			t.Errorf("%s aligned %+v, want %s", name, jc, want)
		}
		if got := f.text(); got != "— 1 —" {
			t.Errorf("%s text = %q, want — 1 — (with the PAGE field's placeholder)", name, got)
		}
		if instr := f.first("instrText"); instr == nil || strings.TrimSpace(instr.Text) != "PAGE" {
			t.Errorf("%s has no PAGE field", name)
		}
		if rf := f.first("rFonts"); rf == nil || rf.attr("eastAsia") != FontSong {
			t.Errorf("%s font %+v, want 宋体", name, rf)
		}
		if sz := f.first("sz"); sz == nil || sz.attr("val") != "28" {
			t.Errorf("%s size %+v, want 四号 (28)", name, sz)
		}
	}
}

func TestBodyContent(t *testing.T) {
	doc := parseXML(t, "document", write(t, sampleReport())["word/document.xml"])
	var paras []string
	styles := map[string]string{}
	for _, p := range doc.first("body").Children {
		if p.Name.Local != "p" {
			continue
		}
		txt := p.text()
		paras = append(paras, txt)
		if ps := p.first("pStyle"); ps != nil {
			styles[txt] = ps.attr("val")
		}
	}
	want := []struct{ text, style string }{
		{"颍东区科学技术局2026年上半年工作总结及下半年工作计划", "Title"},
		{"市科技局：", "Recipient"},
		{"2026年上半年工作总结", "Part"},
		{"一、认真落实党风廉政和反腐败工作", "Heading1"},
		{"二、重点业务工作取得明显成效", "Heading1"},
		{"（一）加大高新技术企业的培育力度", "Heading2"},
		{"（二）强化知识产权创造、运用和保护", "Heading2"},
		{"1.专利申请。1-5月份发明专利申请量达到44件，发明专利授权量2件。", "Heading3"},
		{"表1 各乡镇高新技术企业申报情况", "Caption"},
		{"图1 发明专利申请量", "Caption"},
		{"2026年下半年工作计划", "Part"},
		{"一、加强产学研平台建设", "Heading1"}, // numbers restart after a Part
		{"二、进一步做好科技扶贫工作", "Heading1"},
		{"颍东区科学技术局", "Signature"},
		{"2026年7月10日", "Signature"},
	}
	for _, w := range want {
		got, ok := styles[w.text]
		if !ok {
			t.Errorf("no paragraph %q; paragraphs:\n%s", w.text, strings.Join(paras, "\n"))
			continue
		}
		if got != w.style {
			t.Errorf("%q has style %s, want %s", w.text, got, w.style)
		}
	}
	// Text after a level-3 heading is not bold, the heading is.
	for _, p := range doc.all("p") {
		if ps := p.first("pStyle"); ps == nil || ps.attr("val") != "Heading3" {
			continue
		}
		runs := p.all("r")
		if len(runs) != 2 || runs[0].first("b") != nil || runs[1].first("b") == nil || runs[1].first("b").attr("val") != "0" {
			t.Errorf("level-3 heading runs: want the heading in the style's bold and After with bold off")
		}
	}
	// The title's line break is a w:br, not lost.
	if len(doc.first("p").all("br")) != 1 {
		t.Error("the title's \\n is not a line break")
	}
	// Table: header row repeated, every row padded to three cells.
	tbl := doc.first("tbl")
	rows := tbl.all("tr")
	if len(rows) != 4 {
		t.Fatalf("%d table rows, want 4", len(rows))
	}
	if rows[0].first("tblHeader") == nil {
		t.Error("the header row does not repeat")
	}
	for i, r := range rows {
		if n := len(r.all("tc")); n != 3 {
			t.Errorf("row %d has %d cells", i, n)
		}
	}
	cols := tbl.all("gridCol")
	g := PageGeometry()
	sum := 0
	for _, c := range cols {
		sum += atoi(t, c.attr("w"))
	}
	if sum != g.PageW-g.Left-g.Right || atoi(t, cols[0].attr("w")) < 2*atoi(t, cols[1].attr("w"))-1 {
		t.Errorf("column widths %v do not fill the text width %d in the ratio 2:1:1", cols, g.PageW-g.Left-g.Right)
	}
	// Figure: 120 mm wide, proportional (320×160 px), alt text kept.
	ext := doc.first("extent")
	if ext.attr("cx") != "4320000" || ext.attr("cy") != "2160000" {
		t.Errorf("figure extent %s×%s EMU, want 120 mm × 60 mm", ext.attr("cx"), ext.attr("cy"))
	}
	if d := doc.first("docPr"); d.attr("descr") != "发明专利申请量趋势" {
		t.Errorf("alt text %q", d.attr("descr"))
	}
	// Signature: 颍东区科学技术局 is 8 characters, 2026年7月10日 about
	// 7.75 (7 half-width digits, 3 characters, 5 changes of ¼), not 2
	// shorter: the date 2 from the right, the body 2 + 7.75 + 2 - 8 = 3.75
	// from the right (GB/T 9704 7.3.5.1).
	if got := signatureIndents(t, doc); len(got) != 2 || got[0] != "right 375" || got[1] != "right 200" {
		t.Errorf("signature indents %v (hundredths of a character), want [right 375, right 200]", got)
	}
}

// signatureIndents returns the alignment and indent of the signature
// paragraphs in hundredths of a character.
func signatureIndents(t *testing.T, doc *node) []string {
	t.Helper()
	var inds []string
	for _, p := range doc.all("p") {
		if ps := p.first("pStyle"); ps != nil && ps.attr("val") == "Signature" {
			jc, ind := p.first("jc").attr("val"), p.first("ind")
			inds = append(inds, jc+" "+ind.attr(jc+"Chars"))
		}
	}
	return inds
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSignatureLongBody(t *testing.T) {
	// A body much longer than the date: the body 2 from the right (17
	// characters, so starting at 28-2-17 = 9), the date starting 2
	// characters right of the body's start, at 11.
	d := &Document{Signature: &Signature{Org: "某某市某某区科学技术局（区地震局）", Date: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}}
	doc := parseXML(t, "document", write(t, d)["word/document.xml"])
	if got := signatureIndents(t, doc); len(got) != 2 || got[0] != "right 200" || got[1] != "left 1100" {
		t.Errorf("indents %v, want [right 200, left 1100]", got)
	}
}

func TestSignatureWithoutDate(t *testing.T) {
	doc := parseXML(t, "document", write(t, &Document{Signature: &Signature{Org: "颍东区科学技术局"}})["word/document.xml"])
	if got := signatureIndents(t, doc); len(got) != 1 || got[0] != "right 200" {
		t.Errorf("indents %v, want just the body, 2 characters from the right", got)
	}
}

func TestEscapingAndControlCharacters(t *testing.T) {
	d := &Document{
		Title:   `<标题> & "引号" 'x'`,
		Creator: "a<b>&c",
		Body: []Block{
			&Paragraph{Text: "控制字符\x00\x01\x1b与非法\xff字节\t制表"},
			&Table{Header: []string{"<th>"}, Rows: [][]string{{"&amp;"}}},
		},
	}
	parts := write(t, d)
	for name, data := range parts {
		if strings.HasSuffix(name, ".xml") {
			parseXML(t, name, data)
		}
	}
	doc := parseXML(t, "document", parts["word/document.xml"])
	if got := doc.first("p").text(); got != `<标题> & "引号" 'x'` {
		t.Errorf("title %q", got)
	}
	if doc.first("tbl").all("tc")[1].text() != "&amp;" {
		t.Error("cell text was not kept literally")
	}
	if len(doc.all("tab")) != 1 {
		t.Error("the tab is not a w:tab")
	}
	core := parseXML(t, "core", parts["docProps/core.xml"])
	if core.first("creator").Text != "a<b>&c" {
		t.Errorf("creator %q", core.first("creator").Text)
	}
}

func TestCoreProperties(t *testing.T) {
	d := sampleReport()
	d.Created = time.Date(2026, 7, 10, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	core := parseXML(t, "core", write(t, d)["docProps/core.xml"])
	for local, want := range map[string]string{
		"title":    "颍东区科学技术局2026年上半年工作总结及下半年工作计划",
		"creator":  "颍东区科学技术局",
		"created":  "2026-07-10T01:30:00Z",
		"modified": "2026-07-10T01:30:00Z",
		"language": "zh-CN",
	} {
		if n := core.first(local); n == nil || n.Text != want {
			t.Errorf("%s = %+v, want %q", local, n, want)
		}
	}
	// Without Created, no dates: the output does not depend on the clock.
	if core := parseXML(t, "core", write(t, sampleReport())["docProps/core.xml"]); core.first("created") != nil {
		t.Error("created written without Created")
	}
}

func TestInvalidBlocks(t *testing.T) {
	for name, blk := range map[string]Block{
		"heading level 0":  &Heading{Level: 0, Text: "x"},
		"heading level 4":  &Heading{Level: 4, Text: "x"},
		"figure not PNG":   &Figure{PNG: []byte("GIF89a....")},
		"figure empty":     &Figure{},
		"table no header":  &Table{Rows: [][]string{{"a"}}},
		"table long row":   &Table{Header: []string{"a"}, Rows: [][]string{{"1", "2"}}},
		"table bad widths": &Table{Header: []string{"a", "b"}, Widths: []int{1}},
		"table zero width": &Table{Header: []string{"a", "b"}, Widths: []int{1, 0}},
		"nil":              nil,
	} {
		d := &Document{Body: []Block{&Paragraph{Text: "ok"}, blk}}
		if _, err := d.Bytes(); err == nil || !strings.Contains(err.Error(), "block 1") {
			t.Errorf("%s: err = %v, want an error naming block 1", name, err)
		}
	}
}

func TestFigureFitsPage(t *testing.T) {
	// A tall image is scaled to the text height, keeping its proportions.
	doc := parseXML(t, "document", write(t, &Document{Body: []Block{&Figure{PNG: testPNG(10, 100)}}})["word/document.xml"])
	ext := doc.first("extent")
	cx, cy := atoi(t, ext.attr("cx")), atoi(t, ext.attr("cy"))
	if cy > 225*emuPerMM || cx*10 != cy {
		t.Errorf("extent %d×%d EMU: not within 225 mm high or not 1:10", cx, cy)
	}
}

func TestNumbering(t *testing.T) {
	for _, c := range []struct {
		level, n int
		want     string
	}{
		{1, 1, "一、"}, {1, 10, "十、"}, {1, 11, "十一、"}, {1, 20, "二十、"}, {1, 99, "九十九、"}, {1, 100, "100、"},
		{2, 3, "（三）"}, {2, 12, "（十二）"}, {3, 7, "7."},
	} {
		if got := Number(c.level, c.n); got != c.want {
			t.Errorf("Number(%d, %d) = %q, want %q", c.level, c.n, got, c.want)
		}
	}
	if got := DateCN(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)); got != "2026年7月1日" {
		t.Errorf("DateCN = %q", got)
	}
}

// TestGolden compares the XML parts of the sample report with testdata and
// checks that writing twice gives the same bytes (fixed zip times).
func TestGolden(t *testing.T) {
	a, err := sampleReport().Bytes()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := sampleReport().Bytes()
	if !bytes.Equal(a, b) {
		t.Error("two writes of the same document differ")
	}
	z, _ := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	for _, f := range z.File {
		if !f.Modified.Equal(zipTime) {
			t.Errorf("%s modified %v", f.Name, f.Modified)
		}
	}
	parts := unzip(t, a)
	for _, name := range []string{"word/document.xml", "word/styles.xml", "word/charts/chart1.xml", "word/charts/chart2.xml", "word/charts/chart3.xml", "word/charts/chart4.xml", "word/footer1.xml", "word/footer2.xml", "[Content_Types].xml", "word/_rels/document.xml.rels"} {
		golden := filepath.Join("testdata", strings.NewReplacer("/", "_", "[", "", "]", "").Replace(name))
		// One element per line, so that a diff of the golden file reads.
		got := bytes.ReplaceAll(parts[name], []byte("><w:p>"), []byte(">\n<w:p>"))
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (go test -update writes it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s; run go test -update and review the diff", name, golden)
		}
	}
}

// The schema's sequences (ECMA-376 Part 1, CT_PPr, CT_RPr, CT_Settings),
// abridged to the elements that could appear; Word refuses files whose
// elements are out of this order.
var schemaOrder = map[string][]string{
	"pPr": {"pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr", "suppressLineNumbers",
		"pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
		"autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
		"suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr"},
	"rPr": {"rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow", "emboss",
		"imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs",
		"highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout"},
	"settings": {"writeProtection", "view", "zoom", "removePersonalInformation", "proofState", "attachedTemplate", "documentProtection",
		"defaultTabStop", "autoHyphenation", "evenAndOddHeaders", "bookFoldPrinting", "noPunctuationKerning", "characterSpacingControl",
		"compat", "docVars", "rsids", "themeFontLang", "clrSchemeMapping"},
	"sectPr": {"headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc", "pgBorders",
		"lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid"},
}

func TestSchemaOrder(t *testing.T) {
	d := sampleReport()
	d.Header = "页眉"
	parts := write(t, d)
	for name, data := range parts {
		if !strings.HasPrefix(name, "word/") || !strings.HasSuffix(name, ".xml") {
			continue
		}
		root := parseXML(t, name, data)
		for parent, order := range schemaOrder {
			rank := map[string]int{}
			for i, n := range order {
				rank[n] = i
			}
			for _, p := range root.all(parent) {
				if p.Name.Space != "http://schemas.openxmlformats.org/wordprocessingml/2006/main" {
					continue
				}
				last := -1
				for _, c := range p.Children {
					r, ok := rank[c.Name.Local]
					if !ok {
						t.Errorf("%s: w:%s in w:%s is not in the test's schema list", name, c.Name.Local, parent)
						continue
					}
					if r < last {
						t.Errorf("%s: w:%s out of order in w:%s", name, c.Name.Local, parent)
					}
					last = r
				}
			}
		}
	}
}
