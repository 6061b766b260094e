package chart

import (
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// FontFamily is the font list every chart names: CJK fonts first so that
// Chinese labels render on Linux (Noto), macOS/Adobe (Source Han) and
// Windows (YaHei), then the generic family.
const FontFamily = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei',sans-serif"

// Empty is the text drawn when a chart has nothing to show.
const Empty = "暂无数据"

// palette is the fill order of series, bars and slices (docx.Chart uses the
// same colours).
var palette = []string{"#2f6fb0", "#e0823d", "#4a9c5d", "#c44e52", "#8172b2", "#937860", "#d17fb5", "#7f7f7f", "#bcbd22", "#17a2b8"}

const (
	fontSize  = 12
	titleSize = 15
	textColor = "#333333"
	gridColor = "#e3e3e3"
	axisColor = "#999999"
)

// color returns the palette colour for index i.
func color(i int) string { return palette[i%len(palette)] }

// canvas accumulates one SVG document.
type canvas struct {
	b strings.Builder
}

func newCanvas(w, h int, title, desc string) *canvas {
	c := &canvas{}
	c.b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" width="`)
	c.b.WriteString(strconv.Itoa(w))
	c.b.WriteString(`" height="`)
	c.b.WriteString(strconv.Itoa(h))
	c.b.WriteString(`" viewBox="0 0 `)
	c.b.WriteString(strconv.Itoa(w) + " " + strconv.Itoa(h))
	c.b.WriteString(`" role="img" aria-label="`)
	c.b.WriteString(esc(title))
	c.b.WriteString(`" font-family="` + esc(FontFamily) + `" font-size="` + strconv.Itoa(fontSize) + `">` + "\n")
	c.b.WriteString("<title>" + esc(title) + "</title>\n")
	if desc != "" {
		c.b.WriteString("<desc>" + esc(desc) + "</desc>\n")
	}
	c.b.WriteString(`<rect width="100%" height="100%" fill="#ffffff"/>` + "\n")
	if title != "" {
		c.text(float64(w)/2, 22, "middle", title, `font-size="`+strconv.Itoa(titleSize)+`" font-weight="bold"`)
	}
	return c
}

func (c *canvas) bytes() []byte {
	c.b.WriteString("</svg>\n")
	return []byte(c.b.String())
}

// raw writes markup the caller built from escaped pieces.
func (c *canvas) raw(s string) { c.b.WriteString(s); c.b.WriteByte('\n') }

// text writes a text element; attrs is extra trusted markup.
func (c *canvas) text(x, y float64, anchor, s, attrs string) {
	c.b.WriteString(`<text x="` + num(x) + `" y="` + num(y) + `"`)
	if anchor != "" && anchor != "start" {
		c.b.WriteString(` text-anchor="` + anchor + `"`)
	}
	if !strings.Contains(" "+attrs, ` fill="`) {
		c.b.WriteString(` fill="` + textColor + `"`)
	}
	if attrs != "" {
		c.b.WriteString(" " + attrs)
	}
	c.b.WriteString(">" + esc(s) + "</text>\n")
}

func (c *canvas) rect(x, y, w, h float64, fill string) {
	if w < 0 {
		x, w = x+w, -w
	}
	if h < 0 {
		y, h = y+h, -h
	}
	c.raw(`<rect x="` + num(x) + `" y="` + num(y) + `" width="` + num(w) + `" height="` + num(h) + `" fill="` + fill + `"/>`)
}

func (c *canvas) line(x1, y1, x2, y2 float64, stroke string) {
	c.raw(`<line x1="` + num(x1) + `" y1="` + num(y1) + `" x2="` + num(x2) + `" y2="` + num(y2) + `" stroke="` + stroke + `" stroke-width="1"/>`)
}

// empty draws the no-data message in the middle of the canvas.
func (c *canvas) empty(w, h int) {
	c.text(float64(w)/2, float64(h)/2, "middle", Empty, `fill-opacity="0.6"`)
}

// legend draws swatches and names in one row centred at y.
func (c *canvas) legend(w int, y float64, names []string, dashed []bool) {
	const sw, gap = 14.0, 16.0
	widths := make([]float64, len(names))
	total := 0.0
	for i, n := range names {
		widths[i] = sw + 4 + textWidth(n, fontSize)
		total += widths[i]
	}
	total += gap * float64(len(names)-1)
	x := (float64(w) - total) / 2
	for i, n := range names {
		if dashed != nil && dashed[i] {
			c.raw(`<line x1="` + num(x) + `" y1="` + num(y-4) + `" x2="` + num(x+sw) + `" y2="` + num(y-4) + `" stroke="` + color(i) + `" stroke-width="2" stroke-dasharray="4 2"/>`)
		} else {
			c.rect(x, y-9, sw, 10, color(i))
		}
		c.text(x+sw+4, y, "", n, "")
		x += widths[i] + gap
	}
}

// esc escapes s for XML text and attribute values. Characters XML cannot
// carry become U+FFFD (encoding/xml's rule).
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// clean makes a label safe to measure: valid UTF-8, control characters
// (including newlines) as spaces, trimmed.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// runeWidth is a rune's width in half-em units: 2 for wide (CJK, full-width)
// characters, 1 otherwise.
func runeWidth(r rune) int {
	if r >= 0x1100 && (r <= 0x115f || r == 0x2329 || r == 0x232a ||
		(r >= 0x2e80 && r <= 0xa4cf && r != 0x303f) ||
		(r >= 0xac00 && r <= 0xd7a3) ||
		(r >= 0xf900 && r <= 0xfaff) ||
		(r >= 0xfe30 && r <= 0xfe4f) ||
		(r >= 0xff00 && r <= 0xff60) ||
		(r >= 0xffe0 && r <= 0xffe6) ||
		(r >= 0x20000 && r <= 0x3fffd)) {
		return 2
	}
	return 1
}

// units is the width of s in half-em units.
func units(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// textWidth estimates the drawn width of s at the given font size.
func textWidth(s string, size float64) float64 { return float64(units(s)) * size * 0.55 }

// truncate cuts s to at most max half-em units, ending with … when cut.
func truncate(s string, max int) string {
	if max < 2 {
		max = 2
	}
	if units(s) <= max {
		return s
	}
	n := 0
	for i, r := range s {
		w := runeWidth(r)
		if n+w > max-2 { // room for the ellipsis (wide in CJK fonts)
			return s[:i] + "…"
		}
		n += w
	}
	return s
}

// fitUnits is how many half-em units fit in width px at the given size.
func fitUnits(width, size float64) int { return int(width / (size * 0.55)) }

// num formats a coordinate with at most one decimal.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
	if s == "-0" {
		s = "0"
	}
	return s
}

// FormatValue formats a value for printing on a chart: thousands
// separators, at most two decimals, trailing zeros dropped. Non-finite
// values print as "–".
func FormatValue(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg && s != "0" {
		b.WriteByte('-')
	}
	for i, d := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}

// Limit bounds the values a chart draws: larger magnitudes are drawn (and
// printed) as ±Limit, so that axis arithmetic stays finite.
const Limit = 1e15

// finite returns v bounded by ±Limit, or 0 when v is NaN.
func finite(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return clamp(v)
}

func clamp(v float64) float64 { return math.Max(-Limit, math.Min(Limit, v)) }

// ticks returns the axis values from lo to hi by step.
func ticks(lo, hi, step float64) []float64 {
	n := int(math.Round((hi - lo) / step))
	out := make([]float64, 0, n+1)
	for k := 0; k <= n; k++ {
		out = append(out, lo+float64(k)*step)
	}
	return out
}

// niceScale returns an axis from lo to hi (lo <= 0 <= hi) with a round
// step, covering min and max.
func niceScale(min, max float64) (lo, hi, step float64) {
	if min > 0 {
		min = 0
	}
	if max < 0 {
		max = 0
	}
	if max == min {
		return 0, 1, 0.2
	}
	raw := (max - min) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step = mag * 10
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*mag {
			step = m * mag
			break
		}
	}
	lo = math.Floor(min/step) * step
	hi = math.Ceil(max/step) * step
	if hi == lo {
		hi = lo + step
	}
	return lo, hi, step
}

// withUnit appends a unit to a formatted value.
func withUnit(v float64, unit string) string { return FormatValue(v) + unit }

// size returns w, h or the defaults.
func size(w, h, dw, dh int) (int, int) {
	if w <= 0 {
		w = dw
	}
	if h <= 0 {
		h = dh
	}
	return w, h
}
