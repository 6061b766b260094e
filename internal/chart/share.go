package chart

import (
	"math"
	"strconv"
	"strings"
)

// Part is one slice of a share chart.
type Part struct {
	Name  string
	Value float64 // negative values count as 0
}

// Share is a donut chart of parts of a whole, e.g. funds by programme
// type, with a legend giving each part's value and percentage and the total
// in the middle.
type Share struct {
	Title  string
	Unit   string
	Parts  []Part
	Width  int // pixels; 640 when zero
	Height int // pixels; 320 when zero, taller when the legend needs it
}

// SVG draws the chart.
func (s Share) SVG() []byte {
	n := len(s.Parts)
	names := make([]string, n)
	vals := make([]float64, n)
	total := 0.0
	for i, p := range s.Parts {
		names[i] = clean(p.Name)
		vals[i] = math.Max(0, finite(p.Value))
		total += vals[i]
	}
	pct := func(v float64) string {
		if total == 0 {
			return "0.0%"
		}
		return strconv.FormatFloat(v/total*100, 'f', 1, 64) + "%"
	}
	var desc []string
	for i := range names {
		desc = append(desc, names[i]+" "+withUnit(vals[i], s.Unit)+"（"+pct(vals[i])+"）")
	}
	w, h := size(s.Width, s.Height, 640, int(math.Max(320, 60+22*float64(n))))
	c := newCanvas(w, h, clean(s.Title), strings.Join(desc, "，"))
	if n == 0 || total == 0 {
		c.empty(w, h)
		return c.bytes()
	}
	top := 40.0
	cy := top + (float64(h)-top)/2 - 4
	r := math.Max(10, math.Min((float64(h)-top-16)/2, float64(w)*0.22))
	cx := 16 + r
	inner := r * 0.58
	angle := -math.Pi / 2 // start at twelve o'clock, go clockwise
	for i, v := range vals {
		if v == 0 {
			continue
		}
		frac := v / total
		if frac > 0.9999 {
			// A whole ring: an arc cannot start and end at one point.
			c.raw(`<circle cx="` + num(cx) + `" cy="` + num(cy) + `" r="` + num((r+inner)/2) + `" fill="none" stroke="` + color(i) + `" stroke-width="` + num(r-inner) + `"/>`)
			break
		}
		end := angle + frac*2*math.Pi
		large := "0"
		if frac > 0.5 {
			large = "1"
		}
		p := func(rad, a float64) string {
			return num(cx+rad*math.Cos(a)) + " " + num(cy+rad*math.Sin(a))
		}
		c.raw(`<path d="M` + p(r, angle) + ` A` + num(r) + " " + num(r) + " 0 " + large + " 1 " + p(r, end) +
			` L` + p(inner, end) + ` A` + num(inner) + " " + num(inner) + " 0 " + large + " 0 " + p(inner, angle) +
			` Z" fill="` + color(i) + `" stroke="#ffffff" stroke-width="1"/>`)
		angle = end
	}
	c.text(cx, cy-2, "middle", "合计", `fill="#666666"`)
	c.text(cx, cy+16, "middle", withUnit(total, s.Unit), `font-weight="bold"`)
	// Legend: swatch, name, value, percentage.
	lx := cx + r + 32
	row := math.Min(22, (float64(h)-top-8)/float64(n))
	ly := cy - row*float64(n)/2 + row/2
	nameMax := fitUnits(float64(w)-lx-20-textWidth("0,000,000,000万元 100.0%", fontSize), fontSize)
	for i := range names {
		y := ly + float64(i)*row
		c.rect(lx, y-9, 12, 12, color(i))
		c.text(lx+18, y+2, "", truncate(names[i], nameMax), "")
		c.text(float64(w)-16, y+2, "end", withUnit(vals[i], s.Unit)+"  "+pct(vals[i]), "")
	}
	return c.bytes()
}
