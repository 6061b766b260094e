package docx

import (
	"math"
	"strconv"
	"time"
)

// Document is an official document (公文) to be written as .docx.
type Document struct {
	// Title is the document's title (标题), 二号小标宋, centred. A "\n"
	// starts a new line, for titles that break into two or three lines.
	Title string
	// Recipient is the main recipient (主送机关), e.g. "市科技局"; written on
	// its own line below the title, followed by a full-width colon. Empty
	// for none.
	Recipient string
	// Body is the text, in order.
	Body []Block
	// Signature is the issuing body and date below the text; nil for none.
	Signature *Signature
	// Header is text for the page header of every page; empty (the 公文
	// norm) for none.
	Header string

	// Core properties.
	Creator string    // author, e.g. the bureau's name
	Created time.Time // creation time; zero leaves it out (and keeps golden files stable)
}

// Signature is the issuing body (发文机关署名) and the date (成文日期).
type Signature struct {
	Org  string
	Date time.Time // written as 2026年7月10日
}

// Block is one element of the body: *Heading, *Part, *Paragraph, *Table,
// *Figure, *Chart or *PageBreak.
type Block interface{ block() }

// Heading is a numbered heading of level 1, 2 or 3. The number is added by
// the writer and restarts under each higher heading and after each Part:
//
//	level 1  一、  黑体三号
//	level 2  （一）楷体三号
//	level 3  1.    仿宋三号加粗
//
// Text after the heading in the same paragraph (the 公文 habit "（一）标题。正文……")
// goes in After, in the body font.
type Heading struct {
	Level int
	Text  string
	After string
}

// Part is an unnumbered heading that divides the document, e.g.
// "2026年上半年工作总结" and "2026年下半年工作计划"; 黑体三号, centred.
// Heading numbers restart after it.
type Part struct{ Text string }

// Paragraph is body text: 三号仿宋, justified, the first line indented by
// two characters. A "\n" breaks the line inside the paragraph.
type Paragraph struct{ Text string }

// Table is a grid with a header row, repeated on every page it spans.
type Table struct {
	Caption string // above the table, centred; empty for none
	Header  []string
	Rows    [][]string // a row shorter than Header is padded; longer is an error
	// Widths are the relative column widths; nil for equal columns.
	Widths []int
}

// Figure is a PNG image, centred, e.g. a chart.
type Figure struct {
	PNG []byte
	// Width in millimetres; zero for the full text width (156 mm). The
	// height follows the image's proportions, reduced to fit a page.
	Width   float64
	Alt     string // description for screen readers
	Caption string // below the image, centred; empty for none
}

// PageBreak starts a new page.
type PageBreak struct{}

func (*Heading) block()   {}
func (*Part) block()      {}
func (*Paragraph) block() {}
func (*Table) block()     {}
func (*Figure) block()    {}
func (*PageBreak) block() {}
func (*Chart) block()     {}

// DateCN formats a date the 公文 way: 2026年7月10日 (Arabic numerals, no
// leading zeros).
func DateCN(t time.Time) string {
	return strconv.Itoa(t.Year()) + "年" + strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日"
}

// Number is the heading number of the n-th (from 1) heading of a level:
// Number(1, 3) = "三、", Number(2, 3) = "（三）", Number(3, 3) = "3.".
func Number(level, n int) string {
	switch level {
	case 1:
		return chineseNumeral(n) + "、"
	case 2:
		return "（" + chineseNumeral(n) + "）"
	default:
		return strconv.Itoa(n) + "."
	}
}

// chineseNumeral writes 1–99 in Chinese numerals (一, 十, 十一, 二十一);
// other numbers in Arabic digits.
func chineseNumeral(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n >= 1 && n <= 9:
		return digits[n]
	case n == 10:
		return "十"
	case n > 10 && n < 20:
		return "十" + digits[n-10]
	case n >= 20 && n < 100:
		s := digits[n/10] + "十"
		if n%10 != 0 {
			s += digits[n%10]
		}
		return s
	}
	return strconv.Itoa(n)
}

// Page geometry of GB/T 9704-2012 (5.2 版面): A4, 天头 37 mm, 订口 28 mm,
// text area 156 mm × 225 mm, hence bottom 35 mm and right 26 mm; 22 lines of
// 28 characters of 三号 (16 pt).
const (
	PageWidthMM    = 210.0
	PageHeightMM   = 297.0
	MarginTopMM    = 37.0
	MarginBottomMM = 35.0
	MarginLeftMM   = 28.0
	MarginRightMM  = 26.0
	LinesPerPage   = 22
	CharsPerLine   = 28
	// PageNumberGapMM is the distance from the bottom of the text area to
	// the top of the page number (GB/T 9704-2012 7.5).
	PageNumberGapMM = 7.0
)

// Font sizes in half-points (the unit of w:sz).
const (
	size2  = 44 // 二号 22 pt
	size3  = 32 // 三号 16 pt
	size4  = 28 // 四号 14 pt
	sizeS4 = 24 // 小四 12 pt
)

// Twips converts millimetres to twentieths of a point, rounded.
func Twips(mm float64) int { return int(math.Round(mm * 1440 / 25.4)) }

// Geometry is the section layout the writer puts in w:sectPr, in twips, and
// the document grid.
type Geometry struct {
	PageW, PageH             int
	Top, Bottom, Left, Right int
	Header, Footer           int // distances of header and footer from the page edge
	LinePitch                int // twips per grid line (w:docGrid/@w:linePitch)
	// CharSpacing is the spacing added to every 三号 character
	// (w:spacing in the body's run properties), in twentieths of a point,
	// so that 28 characters fill a line.
	CharSpacing int
}

// PageGeometry computes the layout from the GB/T 9704 figures. The line
// pitch divides the text height into 22 lines, rounded down so that 22
// fit. The 28 characters a line come from condensing each 16 pt character
// by the difference to the character pitch (text width / 28), rounded
// down so that 28 fit.
//
// A line-and-character grid (w:docGrid type linesAndChars with a negative
// charSpace) would say the same to Word, but LibreOffice lays each 16 pt
// character on two narrower grid cells and sets 14 characters a line; the
// line grid with condensed characters gives 28 in both.
func PageGeometry() Geometry {
	g := Geometry{
		PageW: Twips(PageWidthMM), PageH: Twips(PageHeightMM),
		Top: Twips(MarginTopMM), Bottom: Twips(MarginBottomMM),
		Left: Twips(MarginLeftMM), Right: Twips(MarginRightMM),
		Header: Twips(15),
	}
	g.LinePitch = (g.PageH - g.Top - g.Bottom) / LinesPerPage
	pitch := float64(g.PageW-g.Left-g.Right) / CharsPerLine // twips per character
	g.CharSpacing = int(math.Floor(pitch - float64(size3)*10))
	// The footer's bottom edge: the page number's top is 7 mm below the
	// text area and its line is 四号 (14 pt) high.
	g.Footer = Twips(MarginBottomMM-PageNumberGapMM) - size4*10
	return g
}
