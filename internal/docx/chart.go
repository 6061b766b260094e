package docx

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ChartKind is the kind of a native chart.
type ChartKind int

const (
	ChartColumn   ChartKind = iota // vertical bars, one group per category
	ChartBar                       // horizontal bars, the first category on top
	ChartLine                      // lines over the categories (periods)
	ChartDoughnut                  // shares of the first series, labelled with percentages
	ChartFunnel                    // stages of the first series as centred horizontal bars, widest first, on top
)

// ChartSeries is one series of a Chart: a value per category. A NaN or
// infinite value is left out (a gap).
type ChartSeries struct {
	Name   string
	Values []float64
	Dashed bool // for lines, e.g. last year
}

// Chart is a chart that Word, WPS and LibreOffice draw themselves from its
// data (a DrawingML chart part with the values inline), so it needs no
// image, prints as vectors and can be restyled by staff. It is the DOCX
// counterpart of package chart's SVG.
type Chart struct {
	Kind       ChartKind
	Title      string
	Categories []string
	Series     []ChartSeries
	// Width and Height in millimetres; zero for the text width (156 mm)
	// and 90 mm.
	Width, Height float64
	Alt           string // description for screen readers
	Caption       string // below the chart, centred; empty for none
}

// chartPalette is package chart's palette, so that a chart looks alike on
// the page and in the document.
var chartPalette = []string{"2F6FB0", "E0823D", "4A9C5D", "C44E52", "8172B2", "937860", "D17FB5", "7F7F7F", "BCBD22", "17A2B8"}

const chartNS = `xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`

// check validates a chart before it is written.
func (c *Chart) check() error {
	if c.Kind < ChartColumn || c.Kind > ChartFunnel {
		return fmt.Errorf("chart: unknown kind %d", c.Kind)
	}
	if len(c.Categories) == 0 || len(c.Series) == 0 {
		return errors.New("chart without data (write a sentence instead)")
	}
	for i, s := range c.Series {
		if len(s.Values) > len(c.Categories) {
			return fmt.Errorf("chart: series %d has %d values for %d categories", i+1, len(s.Values), len(c.Categories))
		}
	}
	return nil
}

// chartPart is the chart's XML part (word/charts/chartN.xml).
func (c *Chart) chartPart() string {
	series := c.Series
	if c.Kind == ChartDoughnut || c.Kind == ChartFunnel {
		series = series[:1]
	}
	integral := true
	for _, s := range series {
		for _, v := range s.Values {
			if !math.IsNaN(v) && !math.IsInf(v, 0) && v != math.Trunc(v) {
				integral = false
			}
		}
	}
	format := "#,##0"
	if !integral {
		format = "#,##0.00"
	}
	var b strings.Builder
	b.WriteString(xmlHeader + `<c:chartSpace ` + chartNS + `><c:roundedCorners val="0"/><c:chart>`)
	if c.Title != "" {
		b.WriteString(`<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr sz="1200" b="1"/></a:pPr><a:r>` + chartRPr(1200, true) + `<a:t>` + esc(c.Title) + `</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>`)
	} else {
		b.WriteString(`<c:autoTitleDeleted val="1"/>`)
	}
	b.WriteString(`<c:plotArea><c:layout/>`)
	dLbls := func(pos string, percent bool) string {
		p := "0"
		if percent {
			p = "1"
		}
		f := format
		if percent {
			f = "0.0%"
		}
		s := `<c:dLbls><c:numFmt formatCode="` + f + `" sourceLinked="0"/><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>` + chartTxPr(900)
		if pos != "" {
			s += `<c:dLblPos val="` + pos + `"/>`
		}
		v := "1"
		if percent {
			v = "0"
		}
		return s + `<c:showLegendKey val="0"/><c:showVal val="` + v + `"/><c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="` + p + `"/><c:showBubbleSize val="0"/></c:dLbls>`
	}
	ser := func(i int, s ChartSeries, inner string) {
		b.WriteString(`<c:ser><c:idx val="` + strconv.Itoa(i) + `"/><c:order val="` + strconv.Itoa(i) + `"/><c:tx><c:v>` + esc(s.Name) + `</c:v></c:tx>` + inner)
		b.WriteString(`<c:cat><c:strLit><c:ptCount val="` + strconv.Itoa(len(c.Categories)) + `"/>`)
		for j, cat := range c.Categories {
			b.WriteString(`<c:pt idx="` + strconv.Itoa(j) + `"><c:v>` + esc(cat) + `</c:v></c:pt>`)
		}
		b.WriteString(`</c:strLit></c:cat><c:val><c:numLit><c:formatCode>` + format + `</c:formatCode><c:ptCount val="` + strconv.Itoa(len(c.Categories)) + `"/>`)
		for j, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			b.WriteString(`<c:pt idx="` + strconv.Itoa(j) + `"><c:v>` + strconv.FormatFloat(v, 'g', -1, 64) + `</c:v></c:pt>`)
		}
		b.WriteString(`</c:numLit></c:val>`)
	}
	fill := func(i int) string {
		return `<c:spPr><a:solidFill><a:srgbClr val="` + chartPalette[i%len(chartPalette)] + `"/></a:solidFill></c:spPr>`
	}
	axes := true
	switch c.Kind {
	case ChartColumn, ChartBar, ChartFunnel:
		dir := "col"
		if c.Kind != ChartColumn {
			dir = "bar"
		}
		grouping, overlap := "clustered", ""
		if c.Kind == ChartFunnel {
			// A funnel is a stacked bar: an invisible bar of half the
			// difference to the widest stage centres the visible one.
			grouping, overlap = "stacked", `<c:overlap val="100"/>`
			widest := 0.0
			for _, v := range series[0].Values {
				if !math.IsNaN(v) && !math.IsInf(v, 0) {
					widest = math.Max(widest, v)
				}
			}
			pad := ChartSeries{Name: "", Values: make([]float64, len(series[0].Values))}
			for j, v := range series[0].Values {
				pad.Values[j] = math.NaN()
				if !math.IsNaN(v) && !math.IsInf(v, 0) {
					pad.Values[j] = (widest - math.Max(0, v)) / 2
				}
			}
			series = []ChartSeries{pad, series[0]}
		}
		b.WriteString(`<c:barChart><c:barDir val="` + dir + `"/><c:grouping val="` + grouping + `"/><c:varyColors val="0"/>`)
		for i, s := range series {
			if c.Kind == ChartFunnel && i == 0 {
				ser(i, s, `<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr><c:invertIfNegative val="0"/><c:dLbls><c:delete val="1"/></c:dLbls>`)
				b.WriteString(`</c:ser>`)
				continue
			}
			inner := fill(i) + `<c:invertIfNegative val="0"/>`
			pos := "outEnd"
			if c.Kind == ChartFunnel {
				pos = "ctr"
				for j := range c.Categories {
					inner += `<c:dPt><c:idx val="` + strconv.Itoa(j) + `"/><c:invertIfNegative val="0"/><c:bubble3D val="0"/>` + fill(j) + `</c:dPt>`
				}
			}
			ser(i, s, inner+dLbls(pos, false))
			b.WriteString(`</c:ser>`)
		}
		b.WriteString(`<c:gapWidth val="60"/>` + overlap + `<c:axId val="1001"/><c:axId val="1002"/></c:barChart>`)
	case ChartLine:
		b.WriteString(`<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>`)
		for i, s := range series {
			col := chartPalette[i%len(chartPalette)]
			dash := ""
			if s.Dashed {
				dash = `<a:prstDash val="dash"/>`
			}
			pos := "t"
			if i > 0 {
				pos = "b"
			}
			ser(i, s, `<c:spPr><a:ln w="28575" cap="rnd"><a:solidFill><a:srgbClr val="`+col+`"/></a:solidFill>`+dash+`<a:round/></a:ln></c:spPr>`+
				`<c:marker><c:symbol val="circle"/><c:size val="5"/><c:spPr><a:solidFill><a:srgbClr val="`+col+`"/></a:solidFill><a:ln><a:noFill/></a:ln></c:spPr></c:marker>`+dLbls(pos, false))
			b.WriteString(`<c:smooth val="0"/></c:ser>`)
		}
		b.WriteString(`<c:marker val="1"/><c:axId val="1001"/><c:axId val="1002"/></c:lineChart>`)
	case ChartDoughnut:
		axes = false
		b.WriteString(`<c:doughnutChart><c:varyColors val="1"/>`)
		inner := ""
		for j := range c.Categories {
			inner += `<c:dPt><c:idx val="` + strconv.Itoa(j) + `"/><c:bubble3D val="0"/>` + fill(j) + `</c:dPt>`
		}
		ser(0, series[0], inner+dLbls("", true))
		b.WriteString(`</c:ser><c:firstSliceAng val="0"/><c:holeSize val="55"/></c:doughnutChart>`)
	}
	if axes {
		catPos, valPos := "b", "l"
		orientation := "minMax"
		if c.Kind != ChartColumn && c.Kind != ChartLine {
			catPos, valPos = "l", "b"
			orientation = "maxMin" // the first category on top
		}
		b.WriteString(`<c:catAx><c:axId val="1001"/><c:scaling><c:orientation val="` + orientation + `"/></c:scaling><c:delete val="0"/><c:axPos val="` + catPos + `"/>` +
			`<c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/>` + chartTxPr(900) +
			`<c:crossAx val="1002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>`)
		// With the categories top to bottom, the value axis goes to the
		// bottom by crossing at the last category.
		crosses := "autoZero"
		if orientation == "maxMin" {
			crosses = "max"
		}
		deleted := "0"
		grid := `<c:majorGridlines><c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="E3E3E3"/></a:solidFill></a:ln></c:spPr></c:majorGridlines>`
		if c.Kind == ChartFunnel {
			deleted, grid = "1", "" // a funnel's values are on its bars
		}
		b.WriteString(`<c:valAx><c:axId val="1002"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="` + deleted + `"/><c:axPos val="` + valPos + `"/>` +
			grid +
			`<c:numFmt formatCode="` + format + `" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>` + chartTxPr(900) +
			`<c:crossAx val="1001"/><c:crosses val="` + crosses + `"/><c:crossBetween val="between"/></c:valAx>`)
	}
	b.WriteString(`</c:plotArea>`)
	if (len(series) > 1 && c.Kind != ChartFunnel) || c.Kind == ChartDoughnut {
		pos := "b"
		if c.Kind == ChartDoughnut {
			pos = "r"
		}
		b.WriteString(`<c:legend><c:legendPos val="` + pos + `"/><c:overlay val="0"/>` + chartTxPr(900) + `</c:legend>`)
	}
	b.WriteString(`<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>`)
	b.WriteString(`<c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill><a:ln><a:noFill/></a:ln></c:spPr>`)
	b.WriteString(chartTxPr(1000))
	b.WriteString(`</c:chartSpace>`)
	return b.String()
}

// chartRPr is DrawingML run properties in the chart font (宋体).
func chartRPr(size int, bold bool) string {
	b := ""
	if bold {
		b = ` b="1"`
	}
	return `<a:rPr lang="zh-CN" sz="` + strconv.Itoa(size) + `"` + b + `><a:solidFill><a:srgbClr val="333333"/></a:solidFill><a:latin typeface="` + FontSong + `"/><a:ea typeface="` + FontSong + `"/></a:rPr>`
}

// chartTxPr is a text-properties element giving the chart font at a size
// (hundredths of a point).
func chartTxPr(size int) string {
	return `<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="` + strconv.Itoa(size) + `"><a:solidFill><a:srgbClr val="333333"/></a:solidFill><a:latin typeface="` + FontSong + `"/><a:ea typeface="` + FontSong + `"/></a:defRPr></a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr>`
}

// chartDrawing is the paragraph holding chart n (drawing id id).
func chartDrawing(c *Chart, n, id int) string {
	textW := PageWidthMM - MarginLeftMM - MarginRightMM
	w, h := c.Width, c.Height
	if w <= 0 || w > textW {
		w = textW
	}
	if h <= 0 {
		h = 90
	}
	h = math.Min(h, PageHeightMM-MarginTopMM-MarginBottomMM-20)
	cx, cy := strconv.Itoa(int(math.Round(w*emuPerMM))), strconv.Itoa(int(math.Round(h*emuPerMM)))
	sid := strconv.Itoa(id)
	alt := c.Alt
	if alt == "" {
		alt = c.Title
	}
	drawing := `<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="` + cx + `" cy="` + cy + `"/>` +
		`<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="` + sid + `" name="图表` + sid + `" descr="` + esc(alt) + `"/><wp:cNvGraphicFramePr/>` +
		`<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">` +
		`<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" r:id="rIdChart` + strconv.Itoa(n) + `"/>` +
		`</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>`
	keep := ""
	if c.Caption != "" {
		keep = `<w:keepNext/>`
	}
	s := para("Figure", keep, drawing)
	if c.Caption != "" {
		s += para("Caption", "", run(c.Caption, ""))
	}
	return s
}
