package docx_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"time"

	"kejiju/internal/docx"
)

// The half-year report (package report) builds its document from the
// figures it has queried, then writes it to the HTTP response or a file.
func Example() {
	// A picture (PNG), e.g. a photograph; here a plain one.
	img := image.NewGray(image.Rect(0, 0, 64, 32))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	var chartPNG bytes.Buffer
	png.Encode(&chartPNG, img)

	applied, renewed := 6, 4 // from the records, never written in a template
	d := &docx.Document{
		Title:     "颍东区科学技术局\n2026年上半年工作总结及下半年工作计划",
		Recipient: "市科技局",
		Creator:   "颍东区科学技术局",
		Body: []docx.Block{
			&docx.Part{Text: "2026年上半年工作总结"},
			&docx.Heading{Level: 1, Text: "重点业务工作取得明显成效"},
			&docx.Heading{Level: 2, Text: "加大高新技术企业的培育力度"},
			&docx.Paragraph{Text: fmt.Sprintf("2026年第一批申报高新技术企业%d家（其中：%d家重新认定）。", applied, renewed)},
			&docx.Table{
				Caption: "表1 高新技术企业申报情况",
				Header:  []string{"乡镇", "申报（家）", "认定（家）"},
				Rows:    [][]string{{"冉庙乡", "2", "1"}, {"插花镇", "4", "3"}},
			},
			&docx.Chart{Kind: docx.ChartFunnel, Title: "高新技术企业培育（家）", Height: 60, Caption: "图1 高企培育",
				Categories: []string{"科技型中小企业", "培育库", "申报", "认定"},
				Series:     []docx.ChartSeries{{Name: "企业数", Values: []float64{120, 40, float64(applied), float64(renewed)}}}},
			&docx.Figure{PNG: chartPNG.Bytes(), Width: 120, Alt: "现场照片", Caption: "图2 现场照片"},
			&docx.Part{Text: "2026年下半年工作计划"},
			&docx.Heading{Level: 1, Text: "加强产学研平台建设", After: "计划高新技术企业通过认定2家以上。"},
		},
		Signature: &docx.Signature{Org: "颍东区科学技术局", Date: time.Date(2026, 7, 10, 0, 0, 0, 0, time.Local)},
	}
	var out bytes.Buffer // an http.ResponseWriter or an *os.File in report
	if err := d.Write(&out); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(docx.Number(1, 2), docx.Number(2, 1), docx.Number(3, 3), docx.DateCN(d.Signature.Date))
	fmt.Println(bytes.HasPrefix(out.Bytes(), []byte("PK")))
	// Output:
	// 二、 （一） 3. 2026年7月10日
	// true
}
