package xlsx

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

// FuzzRead feeds arbitrary bytes to Read: it must return rows or an error,
// never panic.
func FuzzRead(f *testing.F) {
	var tmpl bytes.Buffer
	if err := WriteTemplate(&tmpl, testSheet); err != nil {
		f.Fatal(err)
	}
	f.Add(tmpl.Bytes())
	f.Add(workbook(f, []any{"统一社会信用代码", "企业名称"}, []any{int64(913412345678901234), "甲"}))
	f.Add([]byte("PK\x03\x04"))
	f.Add(oleMagic)
	f.Fuzz(func(t *testing.T, b []byte) {
		Read(bytes.NewReader(b), testSheet, 1<<20, func(r Row) error {
			if r.Number < 1 {
				t.Errorf("row number %d", r.Number)
			}
			return nil
		})
	})
}

// FuzzReadCSV feeds arbitrary bytes to ReadCSV: it must not panic, and
// every value must be valid UTF-8 without blanks at either end.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("\ufeff统一社会信用代码,企业名称\nA,甲\n"))
	f.Add([]byte("Credit code,Company name\n\"a\nb\",\xd6\xd0\xce\xc4\n\n"))
	f.Add([]byte("统一社会信用代码,企业名称\n说明：x,y\n'=1,\"\"\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		last := 0
		ReadCSV(bytes.NewReader(b), testSheet, func(r Row) error {
			if r.Number <= last {
				t.Errorf("row number %d after %d", r.Number, last)
			}
			last = r.Number
			for k, v := range r.Values {
				if !utf8.ValidString(v) || trim(v) != v {
					t.Errorf("%s = %q", k, v)
				}
			}
			return nil
		})
	})
}
