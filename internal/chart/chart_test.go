package chart

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

type svgChart interface{ SVG() []byte }

var months = []string{"1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"}

// samples are the golden charts: typical data and the edge cases.
var samples = map[string]svgChart{
	"trend": Trend{Title: "发明专利申请量（1-6月）", Unit: "件", Periods: months[:6], Series: []Series{
		{Name: "今年", Values: []float64{5, 8, 12, 7, 12, 9}},
		{Name: "去年同期", Values: []float64{4, 6, 9, 10, 8, 11}, Dashed: true},
	}},
	"trend-gap": Trend{Title: "走访次数", Periods: months, Series: []Series{
		{Name: "今年", Values: []float64{3, 4, math.NaN(), 6, 2}},
	}},
	"trend-one-point": Trend{Title: "一个点", Periods: []string{"2026年"}, Series: []Series{{Name: "今年", Values: []float64{1234567}}}},
	"trend-empty":     Trend{Title: "空"},
	"trend-zeros":     Trend{Title: "全零", Periods: months[:3], Series: []Series{{Name: "今年", Values: []float64{0, 0, 0}}}},
	"bars": Bars{Title: "各乡镇科技型中小企业数", Unit: "家", Categories: []string{"冉庙乡", "插花镇", "袁寨镇", "口孜镇", "新华街道"},
		Values: []float64{12, 30, 7, 0, 21}},
	"bars-horizontal": Bars{Title: "各乡镇资金拨付（万元）", Horizontal: true,
		Categories: []string{"冉庙乡", "一个名字非常非常非常长的乡镇街道办事处", "<b>&\"'"}, Values: []float64{1234.5, 98765432.1, -50}},
	"bars-empty": Bars{Title: "空"},
	"funnel": Funnel{Title: "高企培育", Unit: "家", Stages: []Stage{
		{Name: "科技型中小企业", Count: 120}, {Name: "培育库", Count: 40}, {Name: "申报", Count: 6}, {Name: "认定", Count: 4}}},
	"funnel-zero": Funnel{Title: "零", Stages: []Stage{{Name: "入库", Count: 0}, {Name: "申报", Count: 0}}},
	"share": Share{Title: "科技计划资金构成", Unit: "万元", Parts: []Part{
		{Name: "重大专项", Value: 200}, {Name: "重点研发", Value: 120}, {Name: "科技扶贫", Value: 50}, {Name: "其他", Value: 0}}},
	"share-whole": Share{Title: "只有一项", Parts: []Part{{Name: "全部", Value: 7}}},
	"share-empty": Share{Title: "合计为零", Parts: []Part{{Name: "甲", Value: 0}}},
}

func TestGolden(t *testing.T) {
	for name, c := range samples {
		t.Run(name, func(t *testing.T) {
			got := c.SVG()
			path := filepath.Join("testdata", name+".svg")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s; run go test -update and review the diff", name, path)
			}
			if again := c.SVG(); !bytes.Equal(got, again) {
				t.Error("two calls gave different output")
			}
		})
	}
}

// parse checks that b is one well-formed XML document with an <svg> root
// and returns its character data and the attributes of the root.
func parse(t testing.TB, b []byte) (text string, root map[string]string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	var sb strings.Builder
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, b)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if tok.Name.Local != "svg" || tok.Name.Space != "http://www.w3.org/2000/svg" {
					t.Fatalf("root is %v, want svg", tok.Name)
				}
				root = map[string]string{}
				for _, a := range tok.Attr {
					root[a.Name.Local] = a.Value
				}
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			sb.Write(tok)
		}
	}
	if roots != 1 || depth != 0 {
		t.Fatalf("%d roots, depth %d at the end", roots, depth)
	}
	return sb.String(), root
}

func TestAccessibleAndWellFormed(t *testing.T) {
	for name, c := range samples {
		t.Run(name, func(t *testing.T) {
			b := c.SVG()
			text, root := parse(t, b)
			if root["role"] != "img" {
				t.Errorf("role = %q", root["role"])
			}
			if root["aria-label"] == "" {
				t.Error("no aria-label")
			}
			if !strings.Contains(root["font-family"], "Noto Sans CJK SC") || !strings.Contains(root["font-family"], "Microsoft YaHei") {
				t.Errorf("font-family = %q", root["font-family"])
			}
			if !bytes.Contains(b, []byte("<title>"+esc(root["aria-label"])+"</title>")) {
				t.Error("the <title> is not the aria-label")
			}
			if !strings.Contains(text, root["aria-label"]) {
				t.Error("the title is not drawn")
			}
		})
	}
}

func TestValuesPrinted(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    svgChart
		want []string
	}{
		{"trend", samples["trend"], []string{"12", "11", "今年", "去年同期", "1月", "6月"}},
		{"one point, thousands", samples["trend-one-point"], []string{"1,234,567", "2026年"}},
		{"bars", samples["bars"], []string{"30家", "0家", "冉庙乡", "新华街道"}},
		{"bars horizontal", samples["bars-horizontal"], []string{"98,765,432.1", "-50", "1,234.5", `<b>&"'`}},
		{"funnel", samples["funnel"], []string{"120家", "4家", "33.3%", "15.0%", "66.7%", "科技型中小企业"}},
		{"funnel zero", samples["funnel-zero"], []string{"0", "–"}},
		{"share", samples["share"], []string{"合计", "370万元", "54.1%", "32.4%", "0.0%", "重大专项"}},
		{"share whole", samples["share-whole"], []string{"100.0%"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text, _ := parse(t, tc.c.SVG())
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("%q not in the chart's text:\n%s", w, text)
				}
			}
		})
	}
}

func TestEmpty(t *testing.T) {
	for _, name := range []string{"trend-empty", "bars-empty", "share-empty"} {
		text, _ := parse(t, samples[name].SVG())
		if !strings.Contains(text, Empty) {
			t.Errorf("%s: no %q", name, Empty)
		}
	}
	for _, name := range []string{"trend", "bars", "funnel", "share", "funnel-zero", "trend-zeros"} {
		text, _ := parse(t, samples[name].SVG())
		if strings.Contains(text, Empty) {
			t.Errorf("%s: says %q but has data", name, Empty)
		}
	}
}

func TestLongLabelsTruncated(t *testing.T) {
	long := strings.Repeat("很长的名字", 10)
	for name, c := range map[string]svgChart{
		"bars":       Bars{Title: "t", Categories: []string{long, "短"}, Values: []float64{1, 2}},
		"horizontal": Bars{Title: "t", Categories: []string{long}, Values: []float64{1}, Horizontal: true},
		"funnel":     Funnel{Title: "t", Stages: []Stage{{Name: long, Count: 3}}},
		"share":      Share{Title: "t", Parts: []Part{{Name: long, Value: 3}}},
		"trend":      Trend{Title: "t", Periods: []string{long, "b"}, Series: []Series{{Name: long, Values: []float64{1, 2}}}},
	} {
		b := c.SVG()
		// The <desc> keeps the whole name for screen readers; the drawn
		// text elements must not.
		drawn := string(b[bytes.Index(b, []byte("</desc>")):])
		if strings.Contains(drawn, ">"+long+"<") {
			t.Errorf("%s: the long label is drawn whole", name)
		}
		if !strings.Contains(drawn, "…<") {
			t.Errorf("%s: no truncated label ending in …", name)
		}
	}
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"冉庙乡", 6, "冉庙乡"},
		{"冉庙乡梧樟村", 6, "冉庙…"},
		{"abcdef", 6, "abcdef"},
		{"abcdefg", 6, "abcd…"},
		{"", 4, ""},
	} {
		if got := truncate(tc.in, tc.max); got != tc.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
		if got := truncate(tc.in, tc.max); units(got) > tc.max {
			t.Errorf("truncate(%q, %d) = %q is %d units wide", tc.in, tc.max, got, units(got))
		}
	}
}

func TestFormatValue(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{7, "7"},
		{999, "999"},
		{1000, "1,000"},
		{1234567, "1,234,567"},
		{-1234567.5, "-1,234,567.5"},
		{0.126, "0.13"},
		{12.10, "12.1"},
		{-0.001, "0"},
		{1e12, "1,000,000,000,000"},
		{math.NaN(), "–"},
		{math.Inf(1), "–"},
	} {
		if got := FormatValue(tc.in); got != tc.want {
			t.Errorf("FormatValue(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNiceScale(t *testing.T) {
	for _, tc := range [][2]float64{{0, 0}, {0, 1}, {0, 12}, {-50, 98765432}, {3, 3}, {-7, -2}, {0, 0.003}} {
		lo, hi, step := niceScale(tc[0], tc[1])
		if lo > math.Min(tc[0], 0) || hi < math.Max(tc[1], 0) || step <= 0 || hi <= lo {
			t.Errorf("niceScale(%v, %v) = %v, %v, %v", tc[0], tc[1], lo, hi, step)
		}
		if n := (hi - lo) / step; n > 12 {
			t.Errorf("niceScale(%v, %v): %v ticks", tc[0], tc[1], n)
		}
	}
}

func FuzzChartsAreXML(f *testing.F) {
	f.Add("冉庙乡", "发明专利", 12.0, 0.0, -3.5, int16(0), int16(0))
	f.Add("<&>\"'", "\x00\x1b\xff", math.MaxFloat64, math.NaN(), math.Inf(-1), int16(1), int16(1))
	f.Add("", "", 0.0, 0.0, 0.0, int16(-5), int16(30))
	f.Fuzz(func(t *testing.T, a, b string, x, y, z float64, w, h int16) {
		W, H := int(w)%2000, int(h)%2000 // any size, including tiny and negative (the default)
		for _, c := range []svgChart{
			Trend{Title: a, Unit: b, Periods: []string{a, b, a + b}, Series: []Series{{Name: a, Values: []float64{x, y, z}}, {Name: b, Values: []float64{z}}}, Width: W, Height: H},
			Bars{Title: b, Unit: a, Categories: []string{a, b}, Values: []float64{x, y, z}, Width: W, Height: H},
			Bars{Title: a, Categories: []string{b, a, b}, Values: []float64{z, x}, Horizontal: true, Width: W, Height: H},
			Funnel{Title: a, Unit: b, Stages: []Stage{{a, x}, {b, y}, {a, z}}, Width: W, Height: H},
			Share{Title: b, Unit: a, Parts: []Part{{a, x}, {b, y}, {b, z}}, Width: W, Height: H},
		} {
			out := c.SVG()
			parse(t, out)
			if bytes.Contains(out, []byte("NaN")) || bytes.Contains(out, []byte("Inf")) {
				// Coordinates must be numbers; labels may legitimately
				// contain these letters only if the inputs do.
				if !strings.Contains(a+b, "NaN") && !strings.Contains(a+b, "Inf") {
					t.Errorf("non-finite number in output:\n%s", out)
				}
			}
		}
	})
}
