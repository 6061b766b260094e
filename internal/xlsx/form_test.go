package xlsx_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kejiju/internal/xlsx"
)

// TestWriteForm writes a form with a title, particulars, a whole-number
// and a decimal column and a note, and reads it back: our reader (as a
// Form) finds the header under the title and returns the table's rows and
// not the note under it; excelize sees the merged title, the particulars
// and the note marked 注：.
func TestWriteForm(t *testing.T) {
	sheet := xlsx.Sheet{Name: "KJ02", Form: true, Columns: []xlsx.Column{{Key: "region", Header: "地区", Required: true},
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
	want := [][]string{{"口孜镇", "3", "12345.50"}, {"合计", "3", "12345.50"}}
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
	if v, _ := f.GetCellValue("KJ02", "A7"); v != "注：填表人：张科员" {
		t.Errorf("the note %q, want it under a blank row and marked", v)
	}
	// A reader that is not told it reads a form still does not take the
	// note for a row's name: it starts with 注：.
	plain := sheet
	plain.Form = false
	xlsx.Read(bytes.NewReader(buf.Bytes()), plain, 1<<20, func(r xlsx.Row) error {
		if r.Values["region"] == "填表人：张科员" {
			t.Error("the note reads as a region")
		}
		return nil
	})
	if err := xlsx.WriteForm(&bytes.Buffer{}, xlsx.Form{Sheet: sheet, Rows: [][]any{{"a", 1, 2.0, "extra"}}}); err == nil {
		t.Error("a row longer than the columns was written")
	}
}

// TestWriteFormTwoHeaders writes a form whose header has two rows — the
// measure over 本期, 本年累计 and 同比 — and reads it back as a Form: the
// second header row is not a data row, the measure's header names its
// first column, and the rows after a blank row are not read.
func TestWriteFormTwoHeaders(t *testing.T) {
	sheet := xlsx.Sheet{Name: "KJ01", Form: true, Columns: []xlsx.Column{{Key: "region", Header: "地区"},
		{Key: "n", Header: "调研（次）"}, {Key: "n.ytd", Header: "调研（次）本年累计"}, {Key: "n.yoy", Header: "调研（次）同比"}, {Key: "m", Header: "入库（家）"}}}
	var buf bytes.Buffer
	if err := xlsx.WriteForm(&buf, xlsx.Form{Sheet: sheet, Title: "月报", Lines: []string{"填报单位：颍东区"},
		Groups: []string{"", "调研（次）", "调研（次）", "调研（次）", ""}, Subs: []string{"", "本期", "本年累计", "同比", ""},
		Rows:  [][]any{{"口孜镇", int64(2), int64(5), "—", int64(1)}, {"合计", int64(2), int64(5), "+25.0%", int64(1)}},
		Notes: []string{"本表为2026-04-01 09:00由王局长报送锁定的数据。"}}); err != nil {
		t.Fatal(err)
	}
	read := xlsx.Sheet{Name: "KJ01", Form: true, Columns: []xlsx.Column{{Key: "region", Header: "地区", Required: true}, {Key: "n", Header: "调研（次）", Required: true},
		{Key: "m", Header: "入库（家）", Required: true}}}
	var got []string
	sum, err := xlsx.Read(bytes.NewReader(buf.Bytes()), read, 1<<20, func(r xlsx.Row) error {
		got = append(got, r.Values["region"]+"="+r.Values["n"]+"/"+r.Values["m"])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ";") != "口孜镇=2/1;合计=2/1" || sum.HeaderRow != 3 {
		t.Errorf("read %q (header row %d)", got, sum.HeaderRow)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("KJ01")
	if len(rows) < 6 || strings.Join(rows[3], ",") != ",本期,本年累计,同比" || strings.Join(rows[5], ",") != "合计,2,5,+25.0%,1" {
		t.Errorf("rows %q", rows)
	}
	merged, _ := f.GetMergeCells("KJ01")
	var spans []string
	for _, m := range merged {
		spans = append(spans, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	for _, want := range []string{"A3:A4", "B3:D3", "E3:E4"} {
		if !slices.Contains(spans, want) {
			t.Errorf("merged %v, want %s", spans, want)
		}
	}
	if err := xlsx.WriteForm(&bytes.Buffer{}, xlsx.Form{Sheet: sheet, Groups: []string{""}, Subs: []string{""}}); err == nil {
		t.Error("groups that do not match the columns were written")
	}
}
