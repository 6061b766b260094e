package xlsx_test

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"kejiju/internal/xlsx"
)

// TestWriteForm writes a form with a title, particulars, a whole-number
// and a decimal column, and reads it back: our reader finds the header
// under the title and returns the rows; excelize sees the merged title and
// the particulars.
func TestWriteForm(t *testing.T) {
	sheet := xlsx.Sheet{Name: "KJ02", Columns: []xlsx.Column{{Key: "region", Header: "地区", Required: true},
		{Key: "n", Header: "项目数（项）", Required: true}, {Key: "yuan", Header: "拨付资金（元）", Required: true}}}
	var buf bytes.Buffer
	if err := xlsx.WriteForm(&buf, xlsx.Form{Sheet: sheet, Title: "科技项目与资金统计季报", Decimals: 2,
		Lines: []string{"填报单位：颍东区", "报告期：2026年第1季度"},
		Rows:  [][]any{{"口孜镇", int64(3), 12345.5}, {"合计", int64(3), 12345.5}}, Notes: []string{"填表人：张科员"}}); err != nil {
		t.Fatal(err)
	}
	var got [][]string
	if _, err := xlsx.Read(bytes.NewReader(buf.Bytes()), sheet, 1<<20, func(r xlsx.Row) error {
		got = append(got, []string{r.Values["region"], r.Values["n"], r.Values["yuan"]})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"口孜镇", "3", "12345.50"}, {"合计", "3", "12345.50"}, {"填表人：张科员", "", ""}}
	if len(got) != len(want) {
		t.Fatalf("rows %q, want %q", got, want)
	}
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Errorf("row %d col %d: %q, want %q", i, j, got[i][j], want[i][j])
			}
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	merged, _ := f.GetMergeCells("KJ02")
	if len(merged) != 1 || merged[0].GetStartAxis() != "A1" || merged[0].GetEndAxis() != "C1" {
		t.Errorf("merged %v", merged)
	}
	if v, _ := f.GetCellValue("KJ02", "A1"); v != "科技项目与资金统计季报" {
		t.Errorf("title %q", v)
	}
	if v, _ := f.GetCellValue("KJ02", "A2"); v != "填报单位：颍东区" {
		t.Errorf("A2 %q", v)
	}
	if err := xlsx.WriteForm(&bytes.Buffer{}, xlsx.Form{Sheet: sheet, Rows: [][]any{{"a", 1, 2.0, "extra"}}}); err == nil {
		t.Error("a row longer than the columns was written")
	}
}
