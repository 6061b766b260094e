package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// zipOf returns a zip file holding one file.
func zipOf(t *testing.T, name string, content io.Reader) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(w, content); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zeros reads n zero bytes.
type zeros struct{ n int }

func (z *zeros) Read(p []byte) (int, error) {
	if z.n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), z.n)
	clear(p[:k])
	z.n -= k
	return k, nil
}

func readCSV(t *testing.T, b []byte) ([]Row, Summary, error) {
	t.Helper()
	var rows []Row
	sum, err := ReadCSV(bytes.NewReader(b), testSheet, func(r Row) error {
		rows = append(rows, r)
		return nil
	})
	return rows, sum, err
}

func encode(t *testing.T, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadCSVEncodings(t *testing.T) {
	const text = "统一社会信用代码,企业名称,备注\r\n" +
		"91340100MA2N12345X,合肥示例科技有限公司,\"含逗号,和“引号”\"\r\n" +
		"0340,䶮（GB18030 扩展字）,\r\n"
	want := []Row{
		{Number: 2, Values: map[string]string{"credit_code": "91340100MA2N12345X", "name": "合肥示例科技有限公司", "remark": "含逗号,和“引号”"}},
		{Number: 3, Values: map[string]string{"credit_code": "0340", "name": "䶮（GB18030 扩展字）", "remark": ""}},
	}
	gbk := strings.ReplaceAll(text, "䶮（GB18030 扩展字）", "中文名称")
	wantGBK := []Row{want[0], {Number: 3, Values: map[string]string{"credit_code": "0340", "name": "中文名称", "remark": ""}}}
	tests := []struct {
		name     string
		file     []byte
		want     []Row
		encoding string
	}{
		{"UTF-8 with BOM", append([]byte("\ufeff"), text...), want, "UTF-8"},
		{"UTF-8", []byte(text), want, "UTF-8"},
		{"GB18030", encode(t, simplifiedchinese.GB18030, text), want, "GB18030"},
		{"GBK", encode(t, simplifiedchinese.GBK, gbk), wantGBK, "GB18030"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, sum, err := readCSV(t, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, rows); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			if sum.Encoding != tc.encoding {
				t.Errorf("encoding %q, want %q", sum.Encoding, tc.encoding)
			}
			if diff := cmp.Diff([]string{"region", "capital", "employees"}, sum.Missing); diff != "" {
				t.Errorf("missing (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadCSVLateChinese has 200 KB of ASCII before the first Chinese
// character, well past any fixed-size sniffing window.
func TestReadCSVLateChinese(t *testing.T) {
	var b strings.Builder
	b.WriteString("Credit code,Company name\n")
	const n = 10000
	for range n {
		b.WriteString("91340100MA2N12345X,ASCII Company Limited\n")
	}
	b.WriteString("91340100MA2N12345Y,最后一行的中文\n")
	for _, tc := range []struct {
		enc  encoding.Encoding
		want string
	}{{encoding.Nop, "UTF-8"}, {simplifiedchinese.GBK, "GB18030"}} {
		rows, sum, err := readCSV(t, encode(t, tc.enc, b.String()))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != n+1 {
			t.Fatalf("%s: got %d rows, want %d", tc.want, len(rows), n+1)
		}
		last := rows[n]
		if last.Values["name"] != "最后一行的中文" || last.Number != n+2 || sum.Encoding != tc.want {
			t.Errorf("%s: last row %+v, encoding %s", tc.want, last, sum.Encoding)
		}
	}
}

func TestReadCSVRowNumbers(t *testing.T) {
	const text = "企业名单\n" + // a title row
		"统一社会信用代码,企业名称,备注\n" +
		"说明：18位,必填,\n" +
		"A,甲,\"两行\n备注\"\n" +
		"\n" + // a blank line: an empty row in Excel
		",,\n" +
		"B,乙,\n"
	rows, sum, err := readCSV(t, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Number: 4, Values: map[string]string{"credit_code": "A", "name": "甲", "remark": "两行\n备注"}},
		{Number: 7, Values: map[string]string{"credit_code": "B", "name": "乙", "remark": ""}},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if sum.HeaderRow != 2 || sum.Skipped != 1 {
		t.Errorf("header row %d, skipped %d; want 2 and 1", sum.HeaderRow, sum.Skipped)
	}
}

func TestReadCSVErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"bad quote", "统一社会信用代码,企业名称\nA,\"甲\n", "xlsx.csv_invalid"},
		{"missing column", "统一社会信用代码,备注\nA,x\n", "xlsx.missing_column"},
		{"empty", "", "xlsx.no_header"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readCSV(t, []byte(tc.text))
			if got := errKey(err); got != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
		})
	}
}

func TestCSVWriterRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewCSVWriter(&buf, testSheet)
	if err != nil {
		t.Fatal(err)
	}
	var want []Row
	for i := range 200 {
		values, text := testRow(i)
		if err := w.Write(values); err != nil {
			t.Fatal(err)
		}
		want = append(want, Row{Number: i + 2, Values: text})
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("\ufeff统一社会信用代码,企业名称,")) {
		t.Errorf("file starts %q, want a BOM and the headers", b[:40])
	}
	if !bytes.Contains(b, []byte(",'=1+1,")) {
		t.Error("a formula-like name is not guarded with an apostrophe")
	}
	rows, _, err := readCSV(t, b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestGuard(t *testing.T) {
	for in, want := range map[string]string{
		"=SUM(A1)": "'=SUM(A1)", "+86 551": "'+86 551", "@x": "'@x", "-5": "-5", "-1.5e3": "-1.5e3",
		"- 项目": "'- 项目", "普通": "普通", "": "",
	} {
		if got := guard(in); got != want {
			t.Errorf("guard(%q) = %q, want %q", in, got, want)
		}
		if got := unguard(guard(in)); got != in {
			t.Errorf("unguard(guard(%q)) = %q", in, got)
		}
	}
}

func TestIsUTF8(t *testing.T) {
	zhong := []byte("中") // e4 b8 ad
	tests := []struct {
		b     []byte
		atEOF bool
		want  bool
	}{
		{[]byte("中文"), true, true},
		{zhong[:2], false, true},                       // cut off by the window: more may follow
		{zhong[:2], true, false},                       // cut off by the end of the file
		{[]byte{0xd6, 0xd0, 0xce, 0xc4}, false, false}, // 中文 in GBK
		{[]byte{0xd6}, true, false},
		{[]byte{0xd6, 'A'}, false, false},
	}
	for _, tc := range tests {
		if got := isUTF8(tc.b, tc.atEOF); got != tc.want {
			t.Errorf("isUTF8(% x, %v) = %v, want %v", tc.b, tc.atEOF, got, tc.want)
		}
	}
}
