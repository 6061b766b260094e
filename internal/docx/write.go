package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	_ "image/png" // registers PNG with image.DecodeConfig
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Fonts the styles name. 公文 fonts are not free; each has a fallback in
// the font table (w:altName) that Windows and most Chinese systems carry,
// and LibreOffice substitutes an installed CJK font for either.
const (
	FontTitle   = "方正小标宋简体"   // fallback 宋体
	FontBody    = "仿宋_GB2312" // fallback 仿宋
	FontHeading = "黑体"
	FontKai     = "楷体_GB2312" // fallback 楷体
	FontSong    = "宋体"
)

var fallbacks = map[string]string{FontTitle: FontSong, FontBody: "仿宋", FontKai: "楷体"}

// zipTime is the modification time of every entry, so that the same
// document gives the same bytes.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

const emuPerMM = 36000

// Bytes returns the document as .docx bytes.
func (d *Document) Bytes() ([]byte, error) {
	var b bytes.Buffer
	if err := d.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Write writes the document as .docx. It fails, writing nothing useful,
// when a block is invalid (a heading level outside 1–3, a figure that is
// not a PNG, a table row longer than its header).
func (d *Document) Write(w io.Writer) error {
	doc, images, charts, err := d.document()
	if err != nil {
		return err
	}
	z := zip.NewWriter(w)
	add := func(name string, data []byte) error {
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		return err
	}
	hasHeader := d.Header != ""
	parts := []struct {
		name string
		data string
	}{
		{"[Content_Types].xml", contentTypes(hasHeader, len(charts))},
		{"_rels/.rels", rootRels},
		{"docProps/core.xml", d.core()},
		{"docProps/app.xml", appXML},
		{"word/document.xml", doc},
		{"word/_rels/document.xml.rels", documentRels(hasHeader, len(images), len(charts))},
		{"word/styles.xml", stylesXML()},
		{"word/settings.xml", settingsXML},
		{"word/fontTable.xml", fontTableXML()},
		{"word/footer1.xml", footerXML(false)},
		{"word/footer2.xml", footerXML(true)},
	}
	if hasHeader {
		// One part per page kind, as Word writes them: with different odd
		// and even pages, each refers to its own header.
		parts = append(parts, struct{ name, data string }{"word/header1.xml", headerXML(d.Header)},
			struct{ name, data string }{"word/header2.xml", headerXML(d.Header)})
	}
	for _, p := range parts {
		if err := add(p.name, []byte(p.data)); err != nil {
			return err
		}
	}
	for i, c := range charts {
		if err := add("word/charts/chart"+strconv.Itoa(i+1)+".xml", []byte(c)); err != nil {
			return err
		}
	}
	for i, img := range images {
		if err := add("word/media/image"+strconv.Itoa(i+1)+".png", img); err != nil {
			return err
		}
	}
	return z.Close()
}

// esc escapes text for XML; characters XML cannot carry become U+FFFD.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// rPr is a run's properties: font, size, bold.
func rPr(font string, size int, bold bool) string {
	var b strings.Builder
	b.WriteString("<w:rPr>")
	if font != "" {
		f := esc(font)
		b.WriteString(`<w:rFonts w:ascii="` + f + `" w:hAnsi="` + f + `" w:eastAsia="` + f + `" w:cs="` + f + `"/>`)
	}
	if bold {
		b.WriteString("<w:b/><w:bCs/>")
	}
	if size > 0 {
		s := strconv.Itoa(size)
		b.WriteString(`<w:sz w:val="` + s + `"/><w:szCs w:val="` + s + `"/>`)
	}
	b.WriteString("</w:rPr>")
	return b.String()
}

// run writes text as runs with the given properties; "\n" becomes a line
// break and "\t" a tab.
func run(text, props string) string {
	var b strings.Builder
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteString("<w:r>" + props + "<w:br/></w:r>")
		}
		for j, seg := range strings.Split(line, "\t") {
			if j > 0 {
				b.WriteString("<w:r>" + props + "<w:tab/></w:r>")
			}
			if seg != "" {
				b.WriteString(`<w:r>` + props + `<w:t xml:space="preserve">` + esc(seg) + `</w:t></w:r>`)
			}
		}
	}
	return b.String()
}

// para writes a paragraph of a style with extra paragraph properties.
func para(style, pPr, runs string) string {
	return `<w:p>` + paraProps(`<w:pStyle w:val="`+style+`"/>`+pPr) + runs + `</w:p>`
}

// pPrOrder is the order of the paragraph properties we use, as the
// schema's sequence (CT_PPr) requires; Word rejects a file whose elements
// are out of order.
var pPrOrder = []string{"pStyle", "keepNext", "keepLines", "pageBreakBefore", "widowControl", "overflowPunct",
	"autoSpaceDE", "autoSpaceDN", "snapToGrid", "spacing", "ind", "jc", "outlineLvl"}

// paraProps wraps empty elements (each written <w:name …/>) in w:pPr, in
// schema order.
func paraProps(elems string) string {
	parts := strings.SplitAfter(elems, "/>")
	rank := func(e string) int {
		name := strings.TrimPrefix(e, "<w:")
		if i := strings.IndexAny(name, " />"); i >= 0 {
			name = name[:i]
		}
		for i, n := range pPrOrder {
			if n == name {
				return i
			}
		}
		panic("docx: paragraph property " + name + " has no place in pPrOrder")
	}
	var kept []string
	for _, e := range parts {
		if e != "" {
			kept = append(kept, e)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool { return rank(kept[i]) < rank(kept[j]) })
	return "<w:pPr>" + strings.Join(kept, "") + "</w:pPr>"
}

// document builds word/document.xml and collects the images.
func (d *Document) document() (string, [][]byte, []string, error) {
	g := PageGeometry()
	var b strings.Builder
	var images [][]byte
	var charts []string // chart parts
	drawings := 0       // wp:docPr ids, unique in the document
	b.WriteString(xmlHeader + `<w:document ` + namespaces + `><w:body>`)
	if d.Title != "" {
		b.WriteString(para("Title", "", run(d.Title, "")))
		b.WriteString(para("Normal", `<w:ind w:firstLineChars="0" w:firstLine="0"/>`, "")) // 空一行
	}
	if d.Recipient != "" {
		b.WriteString(para("Recipient", "", run(strings.TrimRight(d.Recipient, "：:")+"：", "")))
	}
	var counters [4]int
	for i, blk := range d.Body {
		switch blk := blk.(type) {
		case *Heading:
			if blk.Level < 1 || blk.Level > 3 {
				return "", nil, nil, fmt.Errorf("docx: block %d: heading level %d, want 1, 2 or 3", i, blk.Level)
			}
			counters[blk.Level]++
			for l := blk.Level + 1; l <= 3; l++ {
				counters[l] = 0
			}
			runs := run(Number(blk.Level, counters[blk.Level])+blk.Text, "")
			if blk.After != "" {
				// Explicitly not bold: the level-3 style is.
				runs += run(blk.After, strings.Replace(rPr(FontBody, size3, false), "<w:sz ", `<w:b w:val="0"/><w:bCs w:val="0"/><w:sz `, 1))
			}
			b.WriteString(para("Heading"+strconv.Itoa(blk.Level), "", runs))
		case *Part:
			counters = [4]int{}
			b.WriteString(para("Part", "", run(blk.Text, "")))
		case *Paragraph:
			b.WriteString(para("Normal", "", run(blk.Text, "")))
		case *Table:
			t, err := table(blk, g)
			if err != nil {
				return "", nil, nil, fmt.Errorf("docx: block %d: %w", i, err)
			}
			b.WriteString(t)
		case *Figure:
			drawings++
			f, err := figure(blk, len(images)+1, drawings)
			if err != nil {
				return "", nil, nil, fmt.Errorf("docx: block %d: %w", i, err)
			}
			images = append(images, blk.PNG)
			b.WriteString(f)
		case *Chart:
			if err := blk.check(); err != nil {
				return "", nil, nil, fmt.Errorf("docx: block %d: %w", i, err)
			}
			drawings++
			charts = append(charts, blk.chartPart())
			b.WriteString(chartDrawing(blk, len(charts), drawings))
		case *PageBreak:
			b.WriteString(`<w:p><w:r><w:br w:type="page"/></w:r></w:p>`)
		case nil:
			return "", nil, nil, fmt.Errorf("docx: block %d is nil", i)
		default:
			return "", nil, nil, fmt.Errorf("docx: block %d: unknown block %T", i, blk)
		}
	}
	if s := d.Signature; s != nil {
		b.WriteString(signature(s))
	}
	b.WriteString(sectPr(g, d.Header != ""))
	b.WriteString(`</w:body></w:document>`)
	return b.String(), images, charts, nil
}

// charTwips is the width of a condensed 三号 body character, the unit of
// indents given in characters (Word reads the *Chars attributes; the twips
// are for readers that do not).
func charTwips() int { return size3*10 + PageGeometry().CharSpacing }

// width estimates the width of s in 三号 body characters: full-width
// characters are 1, others (digits, Latin) ½, and each change between the
// two adds ¼ — the space Word and LibreOffice put between Chinese and
// digits by default. The 公文 fonts' digits are half-width; other fonts'
// may be a little wider.
func width(s string) float64 {
	w := 0.0
	prev := 0 // 1 wide, 2 narrow
	for _, r := range s {
		kind := 2
		if r >= 0x2e80 || (r >= 0x1100 && r <= 0x115f) {
			kind = 1
			w++
		} else {
			w += 0.5
		}
		if prev != 0 && prev != kind {
			w += 0.25
		}
		prev = kind
	}
	return w
}

// signature places the issuing body and date as GB/T 9704-2012 7.3.5.1
// does for a document without a seal: the body 2 characters from the right,
// the date on the next line starting 2 characters right of the body's
// start; when that would put the date closer than 2 characters to the
// right edge, the date is 2 from the right and the body moves left.
//
// The line that is 2 from the right is right-aligned, so that margin is
// exact. When the body is that line, the date is placed by its start, so
// the step between them is exact too; when the date is, the body's place
// depends on the estimated width of the date (see width).
func signature(s *Signature) string {
	date := DateCN(s.Date)
	org, dw := s.Org, width(date)
	if s.Date.IsZero() {
		dw = 0
	}
	ow := width(org)
	chars := func(attr string, n float64) string {
		n = math.Max(0, n)
		return `w:` + attr + `Chars="` + strconv.Itoa(int(math.Round(n*100))) + `" w:` + attr + `="` + strconv.Itoa(int(math.Round(n*float64(charTwips())))) + `"`
	}
	right := func(n float64) string {
		return `<w:jc w:val="right"/><w:ind w:firstLineChars="0" w:firstLine="0" ` + chars("right", n) + `/>`
	}
	left := func(n float64) string {
		return `<w:jc w:val="left"/><w:ind w:firstLineChars="0" w:firstLine="0" ` + chars("left", n) + `/>`
	}
	orgInd, dateInd := right(2), left(CharsPerLine-2-ow+2)
	if dw > 0 && ow-dw < 2 {
		orgInd, dateInd = right(2+dw+2-ow), right(2)
	}
	var b strings.Builder
	b.WriteString(para("Normal", `<w:ind w:firstLineChars="0" w:firstLine="0"/>`, "")) // 空一行
	if org != "" {
		b.WriteString(para("Signature", orgInd, run(org, "")))
	}
	if dw > 0 {
		b.WriteString(para("Signature", dateInd, run(date, "")))
	}
	return b.String()
}

func table(t *Table, g Geometry) (string, error) {
	n := len(t.Header)
	if n == 0 {
		return "", errors.New("table without header")
	}
	if t.Widths != nil && len(t.Widths) != n {
		return "", fmt.Errorf("table: %d widths for %d columns", len(t.Widths), n)
	}
	total := 0
	for i := 0; i < n; i++ {
		if t.Widths == nil {
			total++
		} else if t.Widths[i] <= 0 {
			return "", fmt.Errorf("table: column %d width %d", i+1, t.Widths[i])
		} else {
			total += t.Widths[i]
		}
	}
	textW := g.PageW - g.Left - g.Right
	cols := make([]int, n)
	used := 0
	for i := range cols {
		wi := 1
		if t.Widths != nil {
			wi = t.Widths[i]
		}
		cols[i] = textW * wi / total
		used += cols[i]
	}
	cols[n-1] += textW - used
	var b strings.Builder
	if t.Caption != "" {
		b.WriteString(para("Caption", `<w:keepNext/>`, run(t.Caption, "")))
	}
	b.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="Grid"/><w:tblW w:w="` + strconv.Itoa(textW) + `" w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>` +
		`<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>`)
	for _, c := range cols {
		b.WriteString(`<w:gridCol w:w="` + strconv.Itoa(c) + `"/>`)
	}
	b.WriteString(`</w:tblGrid>`)
	row := func(cells []string, header bool) {
		b.WriteString(`<w:tr><w:trPr><w:cantSplit/>`)
		if header {
			b.WriteString(`<w:tblHeader/>`)
		}
		b.WriteString(`</w:trPr>`)
		style := "TableText"
		if header {
			style = "TableHeader"
		}
		for i := 0; i < n; i++ {
			cell := ""
			if i < len(cells) {
				cell = cells[i]
			}
			b.WriteString(`<w:tc><w:tcPr><w:tcW w:w="` + strconv.Itoa(cols[i]) + `" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>` + para(style, "", run(cell, "")) + `</w:tc>`)
		}
		b.WriteString(`</w:tr>`)
	}
	row(t.Header, true)
	for i, r := range t.Rows {
		if len(r) > n {
			return "", fmt.Errorf("table: row %d has %d cells, the header %d", i+1, len(r), n)
		}
		row(r, false)
	}
	b.WriteString(`</w:tbl>`)
	// A paragraph after the table keeps two tables from merging and gives
	// the grid's line of space below it.
	b.WriteString(para("Normal", `<w:ind w:firstLineChars="0" w:firstLine="0"/>`, ""))
	return b.String(), nil
}

func figure(f *Figure, n, drawing int) (string, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(f.PNG))
	if err != nil || format != "png" {
		return "", fmt.Errorf("figure is not a PNG image (%v)", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return "", errors.New("figure has no pixels")
	}
	textW := PageWidthMM - MarginLeftMM - MarginRightMM
	textH := PageHeightMM - MarginTopMM - MarginBottomMM - 20 // room for a caption
	w := f.Width
	if w <= 0 || w > textW {
		w = textW
	}
	h := w * float64(cfg.Height) / float64(cfg.Width)
	if h > textH {
		w, h = w*textH/h, textH
	}
	cx, cy := strconv.Itoa(int(math.Round(w*emuPerMM))), strconv.Itoa(int(math.Round(h*emuPerMM)))
	id, img := strconv.Itoa(drawing), strconv.Itoa(n)
	alt := esc(f.Alt)
	name := "图" + id
	markup := `<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="` + cx + `" cy="` + cy + `"/>` +
		`<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="` + id + `" name="` + name + `" descr="` + alt + `"/>` +
		`<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>` +
		`<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>` +
		`<pic:nvPicPr><pic:cNvPr id="` + id + `" name="image` + img + `.png" descr="` + alt + `"/><pic:cNvPicPr/></pic:nvPicPr>` +
		`<pic:blipFill><a:blip r:embed="rIdImage` + img + `"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>` +
		`<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="` + cx + `" cy="` + cy + `"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>` +
		`</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>`
	keep := ""
	if f.Caption != "" {
		keep = `<w:keepNext/>`
	}
	s := para("Figure", keep, markup)
	if f.Caption != "" {
		s += para("Caption", "", run(f.Caption, ""))
	}
	return s, nil
}

func sectPr(g Geometry, header bool) string {
	i := strconv.Itoa
	var b strings.Builder
	b.WriteString(`<w:sectPr>`)
	if header {
		b.WriteString(`<w:headerReference w:type="default" r:id="rIdHeader1"/><w:headerReference w:type="even" r:id="rIdHeader2"/>`)
	}
	b.WriteString(`<w:footerReference w:type="default" r:id="rIdFooterOdd"/><w:footerReference w:type="even" r:id="rIdFooterEven"/>`)
	b.WriteString(`<w:pgSz w:w="` + i(g.PageW) + `" w:h="` + i(g.PageH) + `"/>`)
	b.WriteString(`<w:pgMar w:top="` + i(g.Top) + `" w:right="` + i(g.Right) + `" w:bottom="` + i(g.Bottom) + `" w:left="` + i(g.Left) +
		`" w:header="` + i(g.Header) + `" w:footer="` + i(g.Footer) + `" w:gutter="0"/>`)
	b.WriteString(`<w:pgNumType w:start="1"/><w:cols w:space="720"/>`)
	b.WriteString(`<w:docGrid w:type="lines" w:linePitch="` + i(g.LinePitch) + `"/>`)
	b.WriteString(`</w:sectPr>`)
	return b.String()
}

// footerXML is the page number "— 1 —", 四号宋体, with an em dash either
// side: odd pages right with one character's space, even pages left
// (GB/T 9704-2012 7.5).
func footerXML(even bool) string {
	props := rPr(FontSong, size4, false)
	ind := `<w:jc w:val="right"/><w:ind w:right="` + strconv.Itoa(size4*10) + `"/>`
	if even {
		ind = `<w:jc w:val="left"/><w:ind w:left="` + strconv.Itoa(size4*10) + `"/>`
	}
	return xmlHeader + `<w:ftr ` + namespaces + `>` + `<w:p>` + paraProps(`<w:pStyle w:val="Footer"/>`+ind) +
		run("— ", props) +
		`<w:r>` + props + `<w:fldChar w:fldCharType="begin"/></w:r>` +
		`<w:r>` + props + `<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` +
		`<w:r>` + props + `<w:fldChar w:fldCharType="separate"/></w:r>` +
		`<w:r>` + props + `<w:t>1</w:t></w:r>` +
		`<w:r>` + props + `<w:fldChar w:fldCharType="end"/></w:r>` +
		run(" —", props) + `</w:p></w:ftr>`
}

func headerXML(text string) string {
	return xmlHeader + `<w:hdr ` + namespaces + `>` + para("Header", "", run(text, "")) + `</w:hdr>`
}

func (d *Document) core() string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	b.WriteString(`<dc:title>` + esc(strings.ReplaceAll(d.Title, "\n", "")) + `</dc:title>`)
	b.WriteString(`<dc:creator>` + esc(d.Creator) + `</dc:creator>`)
	b.WriteString(`<cp:lastModifiedBy>` + esc(d.Creator) + `</cp:lastModifiedBy>`)
	b.WriteString(`<dc:language>zh-CN</dc:language>`)
	if !d.Created.IsZero() {
		t := d.Created.UTC().Format(time.RFC3339)
		b.WriteString(`<dcterms:created xsi:type="dcterms:W3CDTF">` + t + `</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">` + t + `</dcterms:modified>`)
	}
	b.WriteString(`</cp:coreProperties>`)
	return b.String()
}

func contentTypes(header bool, charts int) string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Default Extension="png" ContentType="image/png"/>` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
		`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
		`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
		`<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>` +
		`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
		`<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>`)
	if header {
		b.WriteString(`<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>`)
		b.WriteString(`<Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>`)
	}
	for i := 1; i <= charts; i++ {
		b.WriteString(`<Override PartName="/word/charts/chart` + strconv.Itoa(i) + `.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>`)
	}
	b.WriteString(`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
		`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`)
	return b.String()
}

func documentRels(header bool, images, charts int) string {
	const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	var b strings.Builder
	b.WriteString(xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rIdStyles" Type="` + rel + `styles" Target="styles.xml"/>` +
		`<Relationship Id="rIdSettings" Type="` + rel + `settings" Target="settings.xml"/>` +
		`<Relationship Id="rIdFontTable" Type="` + rel + `fontTable" Target="fontTable.xml"/>` +
		`<Relationship Id="rIdFooterOdd" Type="` + rel + `footer" Target="footer1.xml"/>` +
		`<Relationship Id="rIdFooterEven" Type="` + rel + `footer" Target="footer2.xml"/>`)
	if header {
		b.WriteString(`<Relationship Id="rIdHeader1" Type="` + rel + `header" Target="header1.xml"/>`)
		b.WriteString(`<Relationship Id="rIdHeader2" Type="` + rel + `header" Target="header2.xml"/>`)
	}
	for i := 1; i <= images; i++ {
		n := strconv.Itoa(i)
		b.WriteString(`<Relationship Id="rIdImage` + n + `" Type="` + rel + `image" Target="media/image` + n + `.png"/>`)
	}
	for i := 1; i <= charts; i++ {
		n := strconv.Itoa(i)
		b.WriteString(`<Relationship Id="rIdChart` + n + `" Type="` + rel + `chart" Target="charts/chart` + n + `.xml"/>`)
	}
	b.WriteString(`</Relationships>`)
	return b.String()
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const namespaces = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"`

const rootRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

const appXML = xmlHeader + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>kejiju</Application></Properties>`

// settingsXML: different odd and even footers (for the page numbers), the
// Word 2013+ layout, a line ended by \n not stretched to the full width, CJK punctuation not compressed (every character one
// grid cell, 28 a line).
const settingsXML = xmlHeader + `<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	`<w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/>` +
	`<w:characterSpacingControl w:val="doNotCompress"/>` +
	`<w:compat><w:doNotExpandShiftReturn/><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>` +
	`<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/></w:settings>`

func fontTableXML() string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">`)
	for _, f := range []string{FontTitle, FontBody, FontHeading, FontKai, FontSong, "仿宋", "楷体"} {
		b.WriteString(`<w:font w:name="` + esc(f) + `">`)
		if alt, ok := fallbacks[f]; ok {
			b.WriteString(`<w:altName w:val="` + esc(alt) + `"/>`)
		}
		family := "roman" // the Song, FangSong and Kai faces have serifs
		if f == FontHeading {
			family = "swiss"
		}
		b.WriteString(`<w:charset w:val="86"/><w:family w:val="` + family + `"/><w:pitch w:val="variable"/></w:font>`)
	}
	b.WriteString(`</w:fonts>`)
	return b.String()
}

// stylesXML defines the 公文 styles. Every paragraph snaps to the document
// grid (22 lines a page), so line spacing is "single" on the grid. Normal
// names its font, size and spacing itself rather than through the document
// defaults, which LibreOffice reads less faithfully for the grid.
// Punctuation does not hang past the right margin (w:overflowPunct off), so
// that Word and WPS keep the text inside the 156 mm. LibreOffice reads the
// flag the other way round (its import sets "hanging punctuation" when
// overflowPunct is 0, as of 7.4) and may hang one closing mark.
func stylesXML() string {
	i := strconv.Itoa
	// Normal's run properties: 三号仿宋 condensed to 28 a line.
	condensed := strings.Replace(rPr(FontBody, size3, false), "<w:sz ", `<w:spacing w:val="`+i(PageGeometry().CharSpacing)+`"/><w:sz `, 1)
	indent2 := `<w:ind w:firstLineChars="200" w:firstLine="` + i(2*charTwips()) + `"/>`
	noIndent := `<w:ind w:firstLineChars="0" w:firstLine="0"/>`
	style := func(id, name, pPr, rpr string) string {
		return `<w:style w:type="paragraph" w:styleId="` + id + `"><w:name w:val="` + name + `"/><w:basedOn w:val="Normal"/><w:qFormat/>` + paraProps(pPr) + rpr + `</w:style>`
	}
	var b strings.Builder
	b.WriteString(xmlHeader + `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">`)
	b.WriteString(`<w:docDefaults><w:rPrDefault><w:rPr>` +
		`<w:rFonts w:ascii="` + FontBody + `" w:hAnsi="` + FontBody + `" w:eastAsia="` + FontBody + `" w:cs="` + FontBody + `"/>` +
		`<w:kern w:val="2"/><w:sz w:val="` + i(size3) + `"/><w:szCs w:val="` + i(size3) + `"/><w:lang w:val="zh-CN" w:eastAsia="zh-CN" w:bidi="ar-SA"/>` +
		`</w:rPr></w:rPrDefault><w:pPrDefault>` + paraProps(`<w:widowControl/><w:overflowPunct w:val="0"/><w:jc w:val="both"/><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>`) + `</w:pPrDefault></w:docDefaults>`)
	b.WriteString(`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>` + paraProps(`<w:overflowPunct w:val="0"/>`+indent2) + condensed + `</w:style>`)
	// The title's lines are off the grid, 35 pt apart: on the grid each
	// 二号 line would take two grid lines.
	b.WriteString(style("Title", "Title", noIndent+`<w:snapToGrid w:val="0"/><w:spacing w:line="700" w:lineRule="exact"/><w:jc w:val="center"/><w:outlineLvl w:val="0"/>`, rPr(FontTitle, size2, false)))
	b.WriteString(style("Recipient", "Recipient", noIndent, ""))
	b.WriteString(style("Part", "Part", noIndent+`<w:keepNext/><w:jc w:val="center"/><w:outlineLvl w:val="0"/>`, rPr(FontHeading, size3, false)))
	b.WriteString(style("Heading1", "heading 1", indent2+`<w:keepNext/><w:outlineLvl w:val="1"/>`, rPr(FontHeading, size3, false)))
	b.WriteString(style("Heading2", "heading 2", indent2+`<w:keepNext/><w:outlineLvl w:val="2"/>`, rPr(FontKai, size3, false)))
	b.WriteString(style("Heading3", "heading 3", indent2+`<w:keepNext/><w:outlineLvl w:val="3"/>`, rPr(FontBody, size3, true)))
	b.WriteString(style("Signature", "Signature", noIndent+`<w:jc w:val="right"/>`, ""))
	b.WriteString(style("Caption", "caption", noIndent+`<w:jc w:val="center"/>`, rPr(FontHeading, size4, false)))
	b.WriteString(style("Figure", "Figure", noIndent+`<w:jc w:val="center"/><w:snapToGrid w:val="0"/>`, ""))
	b.WriteString(style("TableText", "Table Text", noIndent+`<w:jc w:val="center"/><w:snapToGrid w:val="0"/><w:spacing w:line="300" w:lineRule="auto"/>`, rPr("", sizeS4, false)))
	b.WriteString(style("TableHeader", "Table Header", noIndent+`<w:jc w:val="center"/><w:snapToGrid w:val="0"/><w:spacing w:line="300" w:lineRule="auto"/>`, rPr(FontHeading, sizeS4, false)))
	b.WriteString(style("Header", "header", noIndent+`<w:jc w:val="center"/><w:snapToGrid w:val="0"/>`, rPr("", sizeS4, false)))
	b.WriteString(style("Footer", "footer", noIndent+`<w:snapToGrid w:val="0"/><w:spacing w:line="`+i(size4*10)+`" w:lineRule="exact"/>`, rPr(FontSong, size4, false)))
	b.WriteString(`<w:style w:type="table" w:styleId="Grid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		b.WriteString(`<w:` + side + ` w:val="single" w:sz="4" w:space="0" w:color="000000"/>`)
	}
	b.WriteString(`</w:tblBorders><w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>`)
	b.WriteString(`</w:styles>`)
	return b.String()
}
