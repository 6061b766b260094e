package chart

import (
	"math"
	"strings"
)

// Series is one line of a trend chart: a value per period. NaN marks a
// period without a value (the line breaks there); values beyond ±Limit are
// drawn as ±Limit.
type Series struct {
	Name   string
	Values []float64
	// Dashed draws the line dashed, e.g. for last year.
	Dashed bool
}

// Trend is a line chart of series over periods, e.g. months of this year
// against the same months of last year.
type Trend struct {
	Title   string
	Unit    string   // appended to printed values, e.g. "件"
	Periods []string // x-axis labels, e.g. "1月"…"12月"
	Series  []Series
	Width   int // pixels; 640 when zero
	Height  int // pixels; 320 when zero
}

// SVG draws the chart.
func (t Trend) SVG() []byte {
	w, h := size(t.Width, t.Height, 640, 320)
	title := clean(t.Title)
	periods := make([]string, len(t.Periods))
	for i, p := range t.Periods {
		periods[i] = clean(p)
	}
	var desc []string
	min, max, any := 0.0, 0.0, false
	for _, s := range t.Series {
		var parts []string
		for i, v := range s.Values {
			if i >= len(periods) {
				break
			}
			if math.IsNaN(v) {
				continue
			}
			v = clamp(v)
			any = true
			min, max = math.Min(min, v), math.Max(max, v)
			parts = append(parts, periods[i]+" "+withUnit(v, t.Unit))
		}
		if len(parts) > 0 {
			desc = append(desc, clean(s.Name)+"："+strings.Join(parts, "，"))
		}
	}
	c := newCanvas(w, h, title, strings.Join(desc, "；"))
	if len(periods) == 0 || !any {
		c.empty(w, h)
		return c.bytes()
	}
	lo, hi, step := niceScale(min, max)
	tickW := 0.0
	for _, v := range ticks(lo, hi, step) {
		tickW = math.Max(tickW, textWidth(FormatValue(v), fontSize))
	}
	left, right, top, bottom := tickW+14, float64(w)-16, 44.0, float64(h)-52
	if bottom-top < 20 {
		bottom = top + 20
	}
	y := func(v float64) float64 { return bottom - (v-lo)/(hi-lo)*(bottom-top) }
	for _, v := range ticks(lo, hi, step) {
		c.line(left, y(v), right, y(v), gridColor)
		c.text(left-6, y(v)+4, "end", FormatValue(v), "")
	}
	c.line(left, y(0), right, y(0), axisColor)
	band := (right - left) / float64(len(periods))
	x := func(i int) float64 { return left + (float64(i)+0.5)*band }
	labelMax := fitUnits(band-2, fontSize)
	for i, p := range periods {
		c.text(x(i), bottom+18, "middle", truncate(p, labelMax), "")
	}
	var names []string
	var dashed []bool
	for si, s := range t.Series {
		col := color(si)
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="6 4"`
		}
		// One polyline per run of values without gaps.
		var pts []string
		flush := func() {
			if len(pts) > 1 {
				c.raw(`<polyline points="` + strings.Join(pts, " ") + `" fill="none" stroke="` + col + `" stroke-width="2"` + dash + `/>`)
			}
			pts = pts[:0]
		}
		for i, v := range s.Values {
			if i >= len(periods) {
				break
			}
			if math.IsNaN(v) {
				flush()
				continue
			}
			v = clamp(v)
			pts = append(pts, num(x(i))+","+num(y(v)))
		}
		flush()
		for i, v := range s.Values {
			if i >= len(periods) || math.IsNaN(v) {
				continue
			}
			v = clamp(v)
			c.raw(`<circle cx="` + num(x(i)) + `" cy="` + num(y(v)) + `" r="3" fill="` + col + `"/>`)
			// The first series prints above its points, the others below,
			// so that this year and last year do not overprint.
			ly := y(v) - 7
			if si > 0 {
				ly = y(v) + 15
			}
			c.text(x(i), ly, "middle", FormatValue(v), `font-size="11" fill="`+col+`"`)
		}
		names = append(names, truncate(clean(s.Name), 24))
		dashed = append(dashed, s.Dashed)
	}
	if len(names) > 0 {
		c.legend(w, float64(h)-12, names, dashed)
	}
	return c.bytes()
}
