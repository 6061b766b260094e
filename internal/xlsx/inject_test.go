package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// formulaLike are texts a spreadsheet would run as a formula, or that turn
// into one when pasted (leading = + - @, tab, carriage return).
var formulaLike = []string{`=HYPERLINK("http://evil.example","点此")`, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"}

// TestFormulaInjectionEscaped is T-PII-06 (ASVS 1.2.10) for both export
// writers: every formula-like text is stored with a leading apostrophe —
// in the CSV bytes and in the workbook's cell values — while numbers such
// as -5 stay as they are, and reading the file back gives the text as it
// was.
func TestFormulaInjectionEscaped(t *testing.T) {
	var x, c bytes.Buffer
	xw, err := NewWriter(&x, testSheet)
	if err != nil {
		t.Fatal(err)
	}
	cw, err := NewCSVWriter(&c, testSheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range formulaLike {
		row := []any{fmt.Sprintf("CODE%02d", i), v, "-5", nil, nil, v}
		if err := xw.Write(row); err != nil {
			t.Fatal(err)
		}
		if err := cw.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := xw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := cw.Close(); err != nil {
		t.Fatal(err)
	}

	f, err := excelize.OpenReader(bytes.NewReader(x.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, v := range formulaLike {
		for _, col := range []string{"B", "F"} {
			cell := fmt.Sprintf("%s%d", col, i+2)
			got, err := f.GetCellValue("企业名单", cell, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if got != "'"+v {
				t.Errorf("workbook %s = %q, want %q", cell, got, "'"+v)
			}
			if formula, _ := f.GetCellFormula("企业名单", cell); formula != "" {
				t.Errorf("workbook %s holds a formula %q", cell, formula)
			}
		}
		if got, _ := f.GetCellValue("企业名单", fmt.Sprintf("C%d", i+2)); got != "-5" {
			t.Errorf("the number -5 became %q", got)
		}
	}
	csv := c.String()
	for _, v := range formulaLike {
		q := "'" + v
		if strings.ContainsAny(v, "\"\r") {
			// quoted; encoding/csv with CRLF line ends drops a bare \r
			q = `"'` + strings.ReplaceAll(strings.ReplaceAll(v, `"`, `""`), "\r", "") + `"`
		}
		if !strings.Contains(csv, ","+q+",") {
			t.Errorf("CSV does not hold %q guarded:\n%q", v, csv)
		}
	}

	for name, b := range map[string][]byte{"xlsx": x.Bytes(), "csv": c.Bytes()} {
		var rows []Row
		var err error
		if name == "xlsx" {
			rows, _, err = readAll(t, b, testSheet)
		} else {
			rows, _, err = readCSV(t, b)
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, r := range rows {
			// The reader trims the value's edges (tabs, returns).
			if want := strings.TrimSpace(formulaLike[i]); r.Values["remark"] != want {
				t.Errorf("%s row %d read back %q, want %q", name, i, r.Values["remark"], want)
			}
		}
	}
}

// TestManyEntriesRefused is T-UP-03: a package of more than maxEntries
// parts is refused before excelize parses anything, however small.
func TestManyEntriesRefused(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range maxEntries + 1 {
		w, err := zw.Create(fmt.Sprintf("xl/media/p%d.bin", i))
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte{1})
	}
	zw.Close()
	_, err := Read(bytes.NewReader(buf.Bytes()), testSheet, 8<<20, func(Row) error { return nil })
	if got := errKey(err); got != "xlsx.too_many_entries" {
		t.Errorf("%d entries: %v, want xlsx.too_many_entries", maxEntries+1, err)
	}
}
