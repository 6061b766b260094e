package docx

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"time"
)

// testPNG draws a w×h PNG: a white background with three blue bars.
func testPNG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{255, 255, 255, 255}
			if bar := x * 4 / w; bar > 0 && y > h-h*bar/4 {
				c = color.RGBA{47, 111, 176, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// sampleReport is a half-year report in the shape of the real one, long
// enough for three pages.
func sampleReport() *Document {
	long := strings.Repeat("开展高新技术企业培育工作，并组织其中成长性较好的企业申报高新技术企业。", 6)
	return &Document{
		Title:     "颍东区科学技术局\n2026年上半年工作总结及下半年工作计划",
		Recipient: "市科技局",
		Creator:   "颍东区科学技术局",
		Body: []Block{
			&Paragraph{Text: "在市科技局的精心指导下，我局认真贯彻落实科技创新精神，现将我局2026年上半年总结及下半年工作计划汇报如下："},
			&Part{Text: "2026年上半年工作总结"},
			&Heading{Level: 1, Text: "认真落实党风廉政和反腐败工作"},
			&Paragraph{Text: "一是根据区委、区纪委文件的要求和部署，今年我局制订下发了工作任务分解表。"},
			&Heading{Level: 1, Text: "重点业务工作取得明显成效"},
			&Heading{Level: 2, Text: "加大高新技术企业的培育力度"},
			&Paragraph{Text: "2026年第一批申报高新技术企业6家（其中：4家重新认定）。" + long},
			&Heading{Level: 2, Text: "强化知识产权创造、运用和保护"},
			&Heading{Level: 3, Text: "专利申请。", After: "1-5月份发明专利申请量达到44件，发明专利授权量2件。"},
			&Table{
				Caption: "表1 各乡镇高新技术企业申报情况",
				Header:  []string{"乡镇", "申报（家）", "认定（家）"},
				Rows:    [][]string{{"冉庙乡", "2", "1"}, {"插花镇", "3", "2"}, {"合计", "5"}},
				Widths:  []int{2, 1, 1},
			},
			&Figure{PNG: testPNG(320, 160), Width: 120, Alt: "发明专利申请量趋势", Caption: "图1 发明专利申请量"},
			&Chart{Kind: ChartLine, Title: "发明专利申请量（件）", Height: 70, Caption: "图2 发明专利申请量同比",
				Categories: []string{"1月", "2月", "3月", "4月", "5月"},
				Series: []ChartSeries{
					{Name: "今年", Values: []float64{5, 8, 12, 7, 12}},
					{Name: "去年同期", Values: []float64{4, 6, math.NaN(), 10, 8}, Dashed: true},
				}},
			&Chart{Kind: ChartFunnel, Title: "高新技术企业培育（家）", Height: 60, Caption: "图3 高企培育漏斗",
				Categories: []string{"科技型中小企业", "培育库", "申报", "认定"},
				Series:     []ChartSeries{{Name: "企业数", Values: []float64{120, 40, 6, 4}}}},
			&Chart{Kind: ChartDoughnut, Title: "科技计划资金构成（万元）", Height: 70, Caption: "图4 资金构成",
				Categories: []string{"重大专项", "重点研发", "科技扶贫"},
				Series:     []ChartSeries{{Name: "资金", Values: []float64{200, 120.5, 50}}}},
			&Chart{Kind: ChartColumn, Title: "各乡镇科技型中小企业（家）", Height: 70, Caption: "图5 各乡镇科技型中小企业",
				Categories: []string{"冉庙乡", "插花镇", "袁寨镇"},
				Series:     []ChartSeries{{Name: "企业数", Values: []float64{12, 30, 7}}}},
			&Paragraph{Text: long + "\n" + long},
			&Paragraph{Text: strings.Repeat(long, 5)}, // more than a page
			&Part{Text: "2026年下半年工作计划"},
			&Heading{Level: 1, Text: "加强产学研平台建设"},
			&Paragraph{Text: "一是计划高新技术企业通过认定2家以上，培育高新技术企业10家。" + long},
			&PageBreak{},
			&Heading{Level: 1, Text: "进一步做好科技扶贫工作"},
			&Paragraph{Text: "抓好科技扶贫工作。"},
		},
		Signature: &Signature{Org: "颍东区科学技术局", Date: time.Date(2026, 7, 10, 0, 0, 0, 0, time.UTC)},
	}
}
