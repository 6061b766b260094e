package chart

import (
	"math"
	"strconv"
	"strings"
)

// Stage is one step of a funnel.
type Stage struct {
	Name  string
	Count float64
}

// Funnel draws stages with counts, widest first, e.g. 科技型中小企业 →
// 培育库 → 申报 → 认定, with each stage's share of the stage before it.
type Funnel struct {
	Title  string
	Unit   string
	Stages []Stage
	Width  int // pixels; 640 when zero
	Height int // pixels; 60 + 44 per stage when zero
}

// SVG draws the chart.
func (f Funnel) SVG() []byte {
	n := len(f.Stages)
	names := make([]string, n)
	counts := make([]float64, n)
	var desc []string
	max := 0.0
	for i, s := range f.Stages {
		names[i] = clean(s.Name)
		counts[i] = math.Max(0, finite(s.Count))
		max = math.Max(max, counts[i])
		desc = append(desc, names[i]+" "+withUnit(counts[i], f.Unit))
	}
	w, h := size(f.Width, f.Height, 640, 60+44*max1(n))
	c := newCanvas(w, h, clean(f.Title), strings.Join(desc, " → "))
	if n == 0 {
		c.empty(w, h)
		return c.bytes()
	}
	labelW := 0.0
	for i := range names {
		names[i] = truncate(names[i], 16)
		labelW = math.Max(labelW, textWidth(names[i], fontSize))
	}
	rateW := textWidth("100.0%", fontSize) + 8
	left, right, top, bottom := labelW+16, float64(w)-rateW-12, 40.0, float64(h)-16
	if right-left < 20 {
		right = left + 20
	}
	mid := (left + right) / 2
	row := (bottom - top) / float64(n)
	bar := math.Min(row*0.8, 36)
	for i, v := range counts {
		cy := top + (float64(i)+0.5)*row
		width := 4.0 // a zero stage still shows where it is
		if max > 0 {
			width = math.Max(width, v/max*(right-left))
		}
		c.text(left-8, cy+4, "end", names[i], "")
		c.rect(mid-width/2, cy-bar/2, width, bar, color(i))
		label := withUnit(v, f.Unit)
		// The count goes inside the bar when it fits, else beside it.
		if textWidth(label, fontSize)+8 < width {
			c.text(mid, cy+4, "middle", label, `fill="#ffffff" font-weight="bold"`)
		} else {
			c.text(mid+width/2+4, cy+4, "", label, "")
		}
		if i > 0 {
			rate := "–"
			if counts[i-1] > 0 {
				rate = strconv.FormatFloat(v/counts[i-1]*100, 'f', 1, 64) + "%"
			}
			c.text(float64(w)-12, cy+4, "end", rate, `fill="#666666"`)
		}
	}
	return c.bytes()
}
