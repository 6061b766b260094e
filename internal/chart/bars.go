package chart

import (
	"math"
	"strconv"
	"strings"
)

// Bars is a bar chart of one value per category, e.g. enterprises by
// township.
type Bars struct {
	Title      string
	Unit       string
	Categories []string
	Values     []float64 // one per category; missing values count as 0
	// Horizontal draws one bar per row with the label on the left, the
	// better choice for many or long category names.
	Horizontal bool
	Width      int // pixels; 640 when zero
	// Height in pixels; when zero, 320 for vertical bars and 28 per row
	// (plus title and margins) for horizontal ones.
	Height int
}

// SVG draws the chart.
func (b Bars) SVG() []byte {
	n := len(b.Categories)
	cats := make([]string, n)
	vals := make([]float64, n)
	var desc []string
	min, max := 0.0, 0.0
	for i, cat := range b.Categories {
		cats[i] = clean(cat)
		if i < len(b.Values) {
			vals[i] = finite(b.Values[i])
		}
		min, max = math.Min(min, vals[i]), math.Max(max, vals[i])
		desc = append(desc, cats[i]+" "+withUnit(vals[i], b.Unit))
	}
	dh := 320
	if b.Horizontal {
		dh = 60 + 28*max1(n)
	}
	w, h := size(b.Width, b.Height, 640, dh)
	c := newCanvas(w, h, clean(b.Title), strings.Join(desc, "，"))
	if n == 0 {
		c.empty(w, h)
		return c.bytes()
	}
	lo, hi, _ := niceScale(min, max)
	if b.Horizontal {
		b.horizontal(c, w, h, cats, vals, lo, hi)
	} else {
		b.vertical(c, w, h, cats, vals, lo, hi)
	}
	return c.bytes()
}

func (b Bars) horizontal(c *canvas, w, h int, cats []string, vals []float64, lo, hi float64) {
	labelW := 0.0
	for i := range cats {
		cats[i] = truncate(cats[i], 16)
		labelW = math.Max(labelW, textWidth(cats[i], fontSize))
	}
	valueW := 0.0
	for _, v := range vals {
		valueW = math.Max(valueW, textWidth(withUnit(v, b.Unit), fontSize))
	}
	left, right, top, bottom := labelW+16, float64(w)-valueW-14, 40.0, float64(h)-16
	if right-left < 20 {
		right = left + 20
	}
	x := func(v float64) float64 { return left + (v-lo)/(hi-lo)*(right-left) }
	row := (bottom - top) / float64(len(cats))
	bar := math.Min(row*0.7, 22)
	c.line(x(0), top, x(0), bottom, axisColor)
	for i, v := range vals {
		cy := top + (float64(i)+0.5)*row
		c.text(left-8, cy+4, "end", cats[i], "")
		c.rect(x(0), cy-bar/2, x(v)-x(0), bar, color(0))
		if v >= 0 {
			c.text(x(v)+4, cy+4, "", withUnit(v, b.Unit), "")
		} else {
			c.text(x(0)+4, cy+4, "", withUnit(v, b.Unit), "")
		}
	}
}

func (b Bars) vertical(c *canvas, w, h int, cats []string, vals []float64, lo, hi float64) {
	left, right, top, bottom := 16.0, float64(w)-16, 44.0, float64(h)-30
	if bottom-top < 20 {
		bottom = top + 20
	}
	y := func(v float64) float64 { return bottom - (v-lo)/(hi-lo)*(bottom-top) }
	band := (right - left) / float64(len(cats))
	bar := math.Min(band*0.6, 48)
	labelMax := fitUnits(band-2, fontSize)
	valueSize := 11.0
	c.line(left, y(0), right, y(0), axisColor)
	for i, v := range vals {
		cx := left + (float64(i)+0.5)*band
		c.rect(cx-bar/2, y(0), bar, y(v)-y(0), color(0))
		label := withUnit(v, b.Unit)
		// Values wider than the band get a smaller font rather than overlap.
		size := valueSize
		if tw := textWidth(label, size); tw > band-2 && tw > 0 {
			size = math.Max(6, size*(band-2)/tw)
		}
		ly := y(v) - 5
		if v < 0 {
			ly = y(v) + size + 3
		}
		c.text(cx, ly, "middle", label, `font-size="`+strconv.FormatFloat(math.Round(size*10)/10, 'f', -1, 64)+`"`)
		c.text(cx, bottom+18, "middle", truncate(cats[i], labelMax), "")
	}
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}
