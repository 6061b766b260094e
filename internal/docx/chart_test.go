package docx

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestChartParts(t *testing.T) {
	parts := write(t, sampleReport())
	for i, c := range []struct {
		element, barDir, grouping string
		series                    int
	}{
		{"lineChart", "", "standard", 2},
		{"barChart", "bar", "stacked", 2}, // the funnel: an invisible pad series and the stages
		{"doughnutChart", "", "", 1},
		{"barChart", "col", "clustered", 1},
	} {
		name := "word/charts/chart" + strconv.Itoa(i+1) + ".xml"
		if parts[name] == nil {
			t.Fatalf("no %s", name)
		}
		root := parseXML(t, name, parts[name])
		el := root.first(c.element)
		if el == nil {
			t.Errorf("%s: no %s", name, c.element)
			continue
		}
		if c.barDir != "" && el.first("barDir").attr("val") != c.barDir {
			t.Errorf("%s: barDir %s", name, el.first("barDir").attr("val"))
		}
		if c.grouping != "" && el.first("grouping").attr("val") != c.grouping {
			t.Errorf("%s: grouping %s", name, el.first("grouping").attr("val"))
		}
		if n := len(el.all("ser")); n != c.series {
			t.Errorf("%s: %d series, want %d", name, n, c.series)
		}
	}
	// The line chart: the NaN of 去年同期 is a gap (4 points of 5), and the
	// categories and values are inline.
	line := parseXML(t, "chart1", parts["word/charts/chart1.xml"])
	sers := line.all("ser")
	if n := len(sers[1].first("numLit").all("pt")); n != 4 {
		t.Errorf("去年同期 has %d points, want 4 (one gap)", n)
	}
	var cats []string
	for _, p := range sers[0].first("strLit").all("pt") {
		cats = append(cats, p.first("v").Text)
	}
	if strings.Join(cats, ",") != "1月,2月,3月,4月,5月" {
		t.Errorf("categories %v", cats)
	}
	if sers[1].first("prstDash") == nil || sers[0].first("prstDash") != nil {
		t.Error("only 去年同期 should be dashed")
	}
	if title := line.first("title").all("t"); len(title) != 1 || title[0].Text != "发明专利申请量（件）" {
		t.Error("chart title missing")
	}
	// The funnel pads each stage by half its difference to the widest.
	funnel := parseXML(t, "chart2", parts["word/charts/chart2.xml"]).all("ser")
	var pads []string
	for _, p := range funnel[0].first("numLit").all("pt") {
		pads = append(pads, p.first("v").Text)
	}
	if strings.Join(pads, ",") != "0,40,57,58" {
		t.Errorf("funnel pads %v, want 0,40,57,58", pads)
	}
	if funnel[0].first("spPr").first("noFill") == nil {
		t.Error("the funnel's pad series is visible")
	}
	// The doughnut labels percentages.
	dn := parseXML(t, "chart3", parts["word/charts/chart3.xml"]).first("dLbls")
	if dn.first("showPercent").attr("val") != "1" || dn.first("numFmt").attr("formatCode") != "0.0%" {
		t.Error("doughnut labels are not percentages")
	}
	// Every drawing has its own id.
	doc := parseXML(t, "document", parts["word/document.xml"])
	seen := map[string]bool{}
	for _, d := range doc.all("docPr") {
		if seen[d.attr("id")] {
			t.Errorf("drawing id %s twice", d.attr("id"))
		}
		seen[d.attr("id")] = true
	}
	if len(seen) != 5 {
		t.Errorf("%d drawings, want 5 (a figure and four charts)", len(seen))
	}
	if len(doc.all("chart")) != 4 {
		t.Errorf("%d chart references", len(doc.all("chart")))
	}
}

func TestChartEscapingAndInvalid(t *testing.T) {
	parts := write(t, &Document{Body: []Block{&Chart{Kind: ChartColumn, Title: "<&>", Categories: []string{`"a"&<b>`}, Series: []ChartSeries{{Name: "x<", Values: []float64{math.Inf(1)}}}}}})
	c := parseXML(t, "chart", parts["word/charts/chart1.xml"])
	if c.first("strLit").first("v").Text != `"a"&<b>` || c.first("ser").first("tx").first("v").Text != "x<" || c.first("title").first("t").Text != "<&>" {
		t.Error("title, series or category text not kept literally")
	}
	if len(c.first("numLit").all("pt")) != 0 {
		t.Error("an infinite value was written")
	}
	for name, ch := range map[string]*Chart{
		"no categories": {Kind: ChartLine, Series: []ChartSeries{{Values: nil}}},
		"no series":     {Kind: ChartLine, Categories: []string{"a"}},
		"unknown kind":  {Kind: ChartKind(99), Categories: []string{"a"}, Series: []ChartSeries{{Values: []float64{1}}}},
		"too many":      {Kind: ChartBar, Categories: []string{"a"}, Series: []ChartSeries{{Values: []float64{1, 2}}}},
	} {
		if _, err := (&Document{Body: []Block{ch}}).Bytes(); err == nil || !strings.Contains(err.Error(), "block 0") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
