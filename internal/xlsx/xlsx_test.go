package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"kejiju/internal/i18n"
)

var testSheet = Sheet{
	Name: "企业名单",
	Columns: []Column{
		{Key: "credit_code", Header: "统一社会信用代码", Aliases: []string{"Credit code", "信用代码"}, Required: true, Example: "91340100MA2N12345X", Note: "18位，字母大写"},
		{Key: "name", Header: "企业名称", Aliases: []string{"Company name"}, Required: true, Example: "示例科技有限公司"},
		{Key: "region", Header: "行政区划代码", Example: "340102001001", Note: "12位"},
		{Key: "capital", Header: "注册资本(万元)", Example: "500.00", Note: "数字"},
		{Key: "employees", Header: "职工人数"},
		{Key: "remark", Header: "备注", Width: 30},
	},
}

// readAll reads a workbook and returns its rows.
func readAll(t *testing.T, b []byte, s Sheet) ([]Row, Summary, error) {
	t.Helper()
	var rows []Row
	sum, err := Read(bytes.NewReader(b), s, 10<<20, func(r Row) error {
		rows = append(rows, r)
		return nil
	})
	return rows, sum, err
}

// workbook returns a workbook whose first sheet holds rows from row 1;
// a nil row is left out, so the sheet has no row element for it.
func workbook(t testing.TB, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		if r == nil {
			continue
		}
		if err := f.SetSheetRow("Sheet1", cellName(1, i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// errKey returns the message key of an *i18n.Error, or "" for any other error.
func errKey(err error) string {
	if e, ok := errors.AsType[*i18n.Error](err); ok {
		return e.Key
	}
	return ""
}

func TestTemplateRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, testSheet); err != nil {
		t.Fatal(err)
	}
	rows, sum, err := readAll(t, buf.Bytes(), testSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 0 {
		t.Errorf("got %d rows, want 0: %v", len(rows), rows)
	}
	want := Summary{Sheet: "企业名单", HeaderRow: 1, Skipped: 2}
	if diff := cmp.Diff(want, sum); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}

	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !cmp.Equal(got, []string{"企业名单"}) {
		t.Errorf("sheets %v, want [企业名单]", got)
	}
	for cell, want := range map[string]string{
		"A1": "*统一社会信用代码",
		"C1": "行政区划代码",
		"A2": "说明：必填；18位，字母大写",
		"B2": "必填",
		"A3": "示例：91340100MA2N12345X",
		"C3": "340102001001",
	} {
		if got, _ := f.GetCellValue("企业名单", cell); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
	}
	panes, err := f.GetPanes("企业名单")
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v, want the header row frozen", panes)
	}
	for _, cell := range []string{"A1", "C3", "A100", "F5000"} {
		id, err := f.GetCellStyle("企业名单", cell)
		if err != nil {
			t.Fatal(err)
		}
		style, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if style.NumFmt != numFmtText {
			t.Errorf("%s has number format %d, want text (%d)", cell, style.NumFmt, numFmtText)
		}
	}
	if w, _ := f.GetColWidth("企业名单", "F"); w != 30 {
		t.Errorf("column F width %v, want 30", w)
	}
}

// TestTemplateFilledIn types rows below the template's example row, as a
// user does, and reads them back with their row numbers.
func TestTemplateFilledIn(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, testSheet); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for row, vals := range map[int][]any{
		4: {"91340100MA2N00001A", "甲公司", "0340102001"},
		6: {"91340100MA2N00002B", "乙公司", nil, 12.5, 30, "示例：不是示例行"},
	} {
		if err := f.SetSheetRow("企业名单", cellName(1, row), &vals); err != nil {
			t.Fatal(err)
		}
	}
	buf.Reset()
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	rows, sum, err := readAll(t, buf.Bytes(), testSheet)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Number: 4, Values: map[string]string{"credit_code": "91340100MA2N00001A", "name": "甲公司", "region": "0340102001", "capital": "", "employees": "", "remark": ""}},
		{Number: 6, Values: map[string]string{"credit_code": "91340100MA2N00002B", "name": "乙公司", "region": "", "capital": "12.5", "employees": "30", "remark": "示例：不是示例行"}},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if sum.Skipped != 2 || sum.Rows != 2 {
		t.Errorf("skipped %d and read %d rows, want 2 and 2", sum.Skipped, sum.Rows)
	}
}

// testRow returns the values written for row i and the text expected back.
func testRow(i int) ([]any, map[string]string) {
	code := fmt.Sprintf("%018d", i) // leading zeros
	if i%2 == 1 {
		code = fmt.Sprintf("91340100MA2N%05dX", i)
	}
	name := fmt.Sprintf("合肥第%d科技有限公司", i)
	wantName := name
	switch i % 50 {
	case 7:
		name, wantName = "  两端有空格  ", "两端有空格"
	case 8:
		name, wantName = "=1+1", "=1+1"
	}
	region := fmt.Sprintf("%012d", i*7)
	var capital any = float64(i)*1.25 + 0.01
	wantCapital := strconv.FormatFloat(float64(i)*1.25+0.01, 'f', -1, 64)
	if i%3 == 0 {
		capital, wantCapital = int64(i*100), strconv.Itoa(i*100)
	}
	var employees any = i
	wantEmployees := strconv.Itoa(i)
	if i%7 == 0 {
		employees, wantEmployees = nil, ""
	}
	remark := fmt.Sprintf("第%d行，含“引号”、<尖括号>和&\n第二行", i)
	if i%10 == 0 {
		remark = ""
	}
	return []any{code, name, region, capital, employees, remark}, map[string]string{
		"credit_code": code, "name": wantName, "region": region,
		"capital": wantCapital, "employees": wantEmployees, "remark": remark,
	}
}

func TestWriterRoundTrip(t *testing.T) {
	const n = 1000
	var buf bytes.Buffer
	w, err := NewWriter(&buf, testSheet)
	if err != nil {
		t.Fatal(err)
	}
	var want []Row
	for i := range n {
		values, text := testRow(i)
		if err := w.Write(values); err != nil {
			t.Fatal(err)
		}
		want = append(want, Row{Number: i + 2, Values: text})
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]any{"x"}); err == nil {
		t.Error("Write after Close succeeded")
	}
	rows, sum, err := readAll(t, buf.Bytes(), testSheet)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if sum.Rows != n || sum.HeaderRow != 1 || sum.Sheet != "企业名单" {
		t.Errorf("summary %+v, want %d rows under a header in row 1 of 企业名单", sum, n)
	}

	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for cell, text := range map[string]bool{
		"A2": true, // a code with leading zeros stays text
		"C2": true,
		"D2": false, // money as a number
		"D3": false,
		"E3": false,
	} {
		got, err := f.GetCellType("企业名单", cell)
		if err != nil {
			t.Fatal(err)
		}
		if isText := got == excelize.CellTypeInlineString; isText != text {
			t.Errorf("%s has type %v; text %v, want %v", cell, got, isText, text)
		}
	}
}

func TestWriterValues(t *testing.T) {
	type status int
	s := "指针"
	var nilPtr *string
	tests := []struct {
		in   any
		want string
	}{
		{nil, ""},
		{"", ""},
		{&s, "指针"},
		{nilPtr, ""},
		{status(3), "3"},
		{float32(0.1), "0.1"},
		{uint8(7), "7"},
		{true, "TRUE"},
		{[]byte("字节"), "字节"},
	}
	s1 := Sheet{Name: "值", Columns: []Column{{Key: "v", Header: "值"}, {Key: "k", Header: "序号"}}}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, s1)
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range tests {
		if err := w.Write([]any{tc.in, i}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Write([]any{1, 2, 3}); err == nil {
		t.Error("Write of 3 values into 2 columns succeeded")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rows, _, err := readAll(t, buf.Bytes(), s1)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(tests) {
		t.Fatalf("got %d rows, want %d", len(rows), len(tests))
	}
	for i, tc := range tests {
		if got := rows[i].Values["v"]; got != tc.want {
			t.Errorf("%#v reads back as %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestHeaderVariants(t *testing.T) {
	tests := []struct {
		name    string
		header  []any
		want    map[string]string
		unknown []string
	}{
		{"printed", []any{"统一社会信用代码", "企业名称"}, map[string]string{"credit_code": "a", "name": "b"}, nil},
		{"marked required", []any{"*统一社会信用代码", "＊企业名称"}, map[string]string{"credit_code": "a", "name": "b"}, nil},
		{"English aliases", []any{"Credit code", "COMPANY NAME"}, map[string]string{"credit_code": "a", "name": "b"}, nil},
		{"full-width English", []any{"ＣＲＥＤＩＴ　ＣＯＤＥ", "Company  name"}, map[string]string{"credit_code": "a", "name": "b"}, nil},
		{"spaces and line breaks", []any{" 统一社会\n信用代码 ", "企业　名称"}, map[string]string{"credit_code": "a", "name": "b"}, nil},
		{"older name", []any{"信用代码", "企业名称"}, map[string]string{"credit_code": "a", "name": "b"}, nil},
		{"full-width brackets", []any{"信用代码", "企业名称", "注册资本（万元）"}, map[string]string{"credit_code": "a", "name": "b", "capital": "c"}, nil},
		{"unknown headers", []any{"联系人", "信用代码", "", "企业名称"}, map[string]string{"credit_code": "b", "name": "d"}, []string{"联系人"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := []any{"a", "b", "c", "d"}[:len(tc.header)]
			rows, sum, err := readAll(t, workbook(t, tc.header, data), testSheet)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 {
				t.Fatalf("got %d rows, want 1", len(rows))
			}
			if diff := cmp.Diff(tc.want, rows[0].Values); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.unknown, sum.Unknown); diff != "" {
				t.Errorf("unknown headers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMissingRequired(t *testing.T) {
	tests := []struct {
		header []any
		want   string
	}{
		{[]any{"统一社会信用代码", "备注"}, "企业名称"},
		{[]any{"备注", "职工人数"}, "统一社会信用代码、企业名称"},
	}
	for _, tc := range tests {
		_, _, err := readAll(t, workbook(t, tc.header, []any{"x", "y"}), testSheet)
		e, ok := errors.AsType[*i18n.Error](err)
		if !ok || e.Key != "xlsx.missing_column" || e.Code != i18n.Invalid {
			t.Fatalf("header %v: got %v, want xlsx.missing_column", tc.header, err)
		}
		if len(e.Args) != 1 || e.Args[0] != tc.want {
			t.Errorf("header %v: args %v, want [%s]", tc.header, e.Args, tc.want)
		}
	}
}

func TestFileErrors(t *testing.T) {
	valid := workbook(t, []any{"统一社会信用代码", "企业名称"}, []any{"a", "b"})
	var title [][]any
	for i := range headerScan {
		title = append(title, []any{fmt.Sprintf("标题%d", i)})
	}
	title = append(title, []any{"统一社会信用代码", "企业名称"})
	tests := []struct {
		name     string
		file     []byte
		maxBytes int64
		want     string
	}{
		{"too large", valid, int64(len(valid)) - 1, "xlsx.too_large"},
		{"empty", nil, 1 << 20, "xlsx.not_workbook"},
		{"text", []byte("统一社会信用代码,企业名称\n"), 1 << 20, "xlsx.not_workbook"},
		{"xls", append(append([]byte{}, oleMagic...), make([]byte, 504)...), 1 << 20, "xlsx.legacy_format"},
		{"zip of something else", zipOf(t, "readme.txt", strings.NewReader("hello")), 1 << 20, "xlsx.not_workbook"},
		{"zip bomb", zipOf(t, "xl/worksheets/sheet1.xml", &zeros{n: minUnpacked + 1}), 200 << 10, "xlsx.unpacked_too_large"},
		{"no rows", workbook(t), 1 << 20, "xlsx.no_header"},
		{"header too far down", workbook(t, title...), 1 << 20, "xlsx.no_header"},
		{"duplicate column", workbook(t, []any{"统一社会信用代码", "企业名称", "Credit code"}), 1 << 20, "xlsx.duplicate_column"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tc.file), testSheet, tc.maxBytes, func(Row) error { return nil })
			if got := errKey(err); got != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
			if c := i18n.ErrorCode(err); c != i18n.Invalid {
				t.Errorf("code %s, want %s", c, i18n.Invalid)
			}
		})
	}
	if _, err := Read(bytes.NewReader(valid), testSheet, int64(len(valid)), func(Row) error { return nil }); err != nil {
		t.Errorf("a file of exactly maxBytes: %v", err)
	}
}

func TestTitleAndGaps(t *testing.T) {
	b := workbook(t,
		[]any{"2026年企业名单"},
		[]any{"企业名称", "统一社会信用代码"},
		[]any{"甲", "A"},
		nil, // no row element at all
		[]any{"", "", ""},
		[]any{"示例：乙", "B"}, // below data: not an example row
	)
	rows, sum, err := readAll(t, b, testSheet)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Number: 3, Values: map[string]string{"name": "甲", "credit_code": "A"}},
		{Number: 6, Values: map[string]string{"name": "示例：乙", "credit_code": "B"}},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if sum.HeaderRow != 2 || sum.Skipped != 0 {
		t.Errorf("header row %d, skipped %d; want 2 and 0", sum.HeaderRow, sum.Skipped)
	}
	wantMissing := []string{"region", "capital", "employees", "remark"}
	if diff := cmp.Diff(wantMissing, sum.Missing); diff != "" {
		t.Errorf("missing (-want +got):\n%s", diff)
	}
}

func TestSheetChoice(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	if _, err := f.NewSheet("企业名单"); err != nil {
		t.Fatal(err)
	}
	f.SetSheetRow("Sheet1", "A1", &[]any{"统一社会信用代码", "企业名称"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"first", "sheet"})
	f.SetSheetRow("企业名单", "A1", &[]any{"统一社会信用代码", "企业名称"})
	f.SetSheetRow("企业名单", "A2", &[]any{"named", "sheet"})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ sheet, want string }{{"企业名单", "named"}, {"别的名字", "first"}} {
		s := testSheet
		s.Name = tc.sheet
		rows, _, err := readAll(t, buf.Bytes(), s)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Values["credit_code"] != tc.want {
			t.Errorf("sheet %q: got %v, want the row %q", tc.sheet, rows, tc.want)
		}
	}
}

func TestFnErrorStops(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, testSheet)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		values, _ := testRow(i)
		w.Write(values)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	calls := 0
	sum, err := Read(&buf, testSheet, 1<<20, func(r Row) error {
		calls++
		if r.Number == 4 {
			return stop
		}
		return nil
	})
	if err != stop {
		t.Errorf("got %v, want the error fn returned", err)
	}
	if calls != 3 || sum.Rows != 3 {
		t.Errorf("fn called %d times, %d rows; want 3", calls, sum.Rows)
	}
}

func TestNumbersAsShown(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	twoPlaces, _ := f.NewStyle(&excelize.Style{NumFmt: 2})
	text, _ := f.NewStyle(&excelize.Style{NumFmt: numFmtText})
	cells := []struct {
		value any
		style int
		want  string
	}{
		{int64(340102001001), 0, "340102001001"},
		{int64(913412345678901234), 0, "913412345678901000"}, // 15 significant digits kept, the rest lost
		{int64(913412345678901234), text, "913412345678901000"},
		{1234.5, 0, "1234.5"},
		{0.1 + 0.2, 0, "0.3"},
		{500, twoPlaces, "500.00"},
		{1.5e-7, 0, "0.00000015"},
		{45352, date, "2024-03-01"},
		{true, 0, "TRUE"},
		{"9.13412E+17", 0, "913412000000000000"}, // text in E-notation is taken for a number
		{"913401001234567E89", 0, "913401001234567E89"},
		{"0551", 0, "0551"},
	}
	f.SetCellValue("Sheet1", "A1", "统一社会信用代码")
	f.SetCellValue("Sheet1", "B1", "企业名称")
	for i, c := range cells {
		cell := cellName(1, i+2)
		if err := f.SetCellValue("Sheet1", cell, c.value); err != nil {
			t.Fatal(err)
		}
		if c.style != 0 {
			f.SetCellStyle("Sheet1", cell, cell, c.style)
		}
		f.SetCellValue("Sheet1", cellName(2, i+2), "x")
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	rows, _, err := readAll(t, buf.Bytes(), testSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(cells) {
		t.Fatalf("got %d rows, want %d", len(rows), len(cells))
	}
	for i, c := range cells {
		if got := rows[i].Values["credit_code"]; got != c.want {
			t.Errorf("%#v (style %d) reads as %q, want %q", c.value, c.style, got, c.want)
		}
	}
}

// TestMangledCode writes an 18-digit code as a number, as Excel does when
// the column is not formatted as text, and checks that the value read is
// flagged.
func TestMangledCode(t *testing.T) {
	b := workbook(t,
		[]any{"统一社会信用代码", "企业名称"},
		[]any{int64(913412345678901234), "数字"},
		[]any{9.13412345678901e17, "浮点数"},
		[]any{"913412345678901234", "文本"},
	)
	rows, _, err := readAll(t, b, testSheet)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"数字": true, "浮点数": true, "文本": false}
	for _, r := range rows {
		v := r.Values["credit_code"]
		if got := LooksMangled(v); got != want[r.Values["name"]] {
			t.Errorf("%s cell read as %q: LooksMangled = %v, want %v", r.Values["name"], v, got, !got)
		}
	}
}

func TestLooksMangled(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"9.13412E+17", true},
		{"9.13412345678901E+17", true},
		{"1E+17", true},
		{"9.13412e-05", true},
		{"913412345678901000", true},
		{" 913412345678901000 ", true},
		{"6222021234567890", true},
		{"913412345678901234", false},
		{"91340100MA2N12345X", false},
		{"913401001234567E89", false}, // a credit code with an E: no sign, no dot
		{"340102000000", false},       // a region code ending in zeros
		{"000000000000000000", false},
		{"012345678901234000", false}, // a leading zero: typed as text
		{"123456789012345", false},
		{"", false},
		{"0.5", false},
	}
	for _, tc := range tests {
		if got := LooksMangled(tc.in); got != tc.want {
			t.Errorf("LooksMangled(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestBadSheets(t *testing.T) {
	tests := []Sheet{
		{Name: "", Columns: testSheet.Columns},
		{Name: "x"},
		{Name: "x", Columns: []Column{{Key: "", Header: "a"}}},
		{Name: "x", Columns: []Column{{Key: "a", Header: "a"}, {Key: "a", Header: "b"}}},
		{Name: "x", Columns: []Column{{Key: "a", Header: " "}}},
		{Name: "x", Columns: []Column{{Key: "a", Header: "企业名称"}, {Key: "b", Header: "b", Aliases: []string{"企业 名称"}}}},
		{Name: "bad/name", Columns: []Column{{Key: "a", Header: "a"}}},
	}
	for _, s := range tests {
		var buf bytes.Buffer
		if err := WriteTemplate(&buf, s); err == nil {
			t.Errorf("WriteTemplate(%+v) succeeded", s)
		}
		if _, err := NewWriter(&buf, s); err == nil {
			t.Errorf("NewWriter(%+v) succeeded", s)
		}
	}
}

func TestCellError(t *testing.T) {
	e := testSheet.CellError(12, "credit_code", "ident.credit_code.length", 17)
	want := &CellError{Row: 12, Column: "统一社会信用代码", Key: "ident.credit_code.length", Args: []any{17}}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	got := e.Message(i18n.Default().Printer(i18n.Chinese).T)
	if !strings.HasPrefix(got, "第12行“统一社会信用代码”：") || !strings.Contains(got, "17") || strings.Contains(got, "ident.") {
		t.Errorf("message %q, want the row, the header and the translated message", got)
	}
	whole := &CellError{Row: 3, Key: "xlsx.not_workbook"}
	if got := whole.Message(i18n.Default().Printer(i18n.English).T); !strings.HasPrefix(got, "Row 3: The file") {
		t.Errorf("row message %q", got)
	}
	if got := e.Error(); got != `row 12 "统一社会信用代码": ident.credit_code.length [17]` {
		t.Errorf("Error() = %q", got)
	}
}

func TestSizeText(t *testing.T) {
	for n, want := range map[int64]string{10 << 20: "10 MB", 3 << 19: "1.5 MB", 512 << 10: "512 KB", 100: "100 B"} {
		if got := sizeText(n); got != want {
			t.Errorf("sizeText(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestTempFileRemoved writes enough rows for the stream writer to spill to
// a temporary file and checks that Close and Abort remove it.
func TestTempFileRemoved(t *testing.T) {
	for _, abort := range []bool{false, true} {
		dir := t.TempDir()
		t.Setenv("TMPDIR", dir)
		var buf bytes.Buffer
		w, err := NewWriter(&buf, testSheet)
		if err != nil {
			t.Fatal(err)
		}
		spilled := false
		for i := 0; !spilled; i++ {
			values, _ := testRow(i)
			if err := w.Write(values); err != nil {
				t.Fatal(err)
			}
			if i%1000 == 0 {
				entries, _ := os.ReadDir(dir)
				spilled = len(entries) > 0
			}
		}
		if abort {
			w.Abort()
			if buf.Len() != 0 {
				t.Errorf("Abort wrote %d bytes", buf.Len())
			}
			if err := w.Write([]any{"x"}); err == nil {
				t.Error("Write after Abort succeeded")
			}
		} else if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			t.Errorf("abort %v: %d temporary files left, want none", abort, len(entries))
		}
	}
}
