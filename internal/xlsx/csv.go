package xlsx

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// ReadCSV reads the rows of a CSV file like Read reads a workbook, with the
// same header matching, skipped rows and Row numbers (the row Excel shows
// the record on, blank lines counted). The file may be UTF-8, with or
// without a byte order mark, or GB18030 (which includes GBK); Summary.Encoding
// says which. Values are left as written: a CSV saved by Excel holds long
// numbers as shown, such as 9.13412E+17, which LooksMangled recognises.
//
// ReadCSV does not limit the size of r, which it streams; wrap r in an
// http.MaxBytesReader or io.LimitReader to bound it. A quoting error is an
// *i18n.Error with the key xlsx.csv_invalid and the line.
func ReadCSV(r io.Reader, s Sheet, fn func(row Row) error) (Summary, error) {
	l, err := newLayout(s)
	if err != nil {
		return Summary{}, err
	}
	dec := newDecoder(r)
	cr := csv.NewReader(dec)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	rd := &rowReader{layout: l, fn: fn}
	number, end := 0, 0 // the row number, and the line the last record ended on
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			rd.sum.Encoding = dec.encoding
			if pe, ok := errors.AsType[*csv.ParseError](err); ok {
				return rd.sum, csvInvalid(pe.StartLine, err)
			}
			return rd.sum, fmt.Errorf("xlsx: reading the CSV: %w", err)
		}
		// The csv package skips blank lines, which Excel shows as empty rows.
		first, _ := cr.FieldPos(0)
		last, _ := cr.FieldPos(len(rec) - 1)
		number += first - end
		end = last + strings.Count(rec[len(rec)-1], "\n")
		for i, v := range rec {
			rec[i] = unguard(validUTF8(v))
		}
		if err := rd.row(number, rec); err != nil {
			rd.sum.Encoding = dec.encoding
			return rd.sum, err
		}
	}
	rd.sum.Encoding = dec.encoding
	return rd.sum, rd.finish()
}

// decoder passes ASCII through and, at the first byte that is not ASCII,
// decides between UTF-8 and GB18030 by whether what follows is valid UTF-8.
// ASCII is the same in both, so the decision can wait until then.
type decoder struct {
	br       *bufio.Reader
	r        io.Reader // the decided reader; nil while only ASCII has been seen
	encoding string
}

// sniffLen is how many bytes from the first non-ASCII byte must be valid
// UTF-8 for the file to be taken as UTF-8. GBK text is almost never valid
// UTF-8 over more than a few characters.
const sniffLen = 4 << 10

var utf8BOM = []byte{0xef, 0xbb, 0xbf}

func newDecoder(r io.Reader) *decoder {
	d := &decoder{br: bufio.NewReaderSize(r, 64<<10), encoding: "UTF-8"}
	if b, _ := d.br.Peek(len(utf8BOM)); bytes.Equal(b, utf8BOM) {
		d.br.Discard(len(utf8BOM))
		d.r = d.br
	}
	return d
}

func (d *decoder) Read(p []byte) (int, error) {
	if d.r != nil {
		return d.r.Read(p)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if _, err := d.br.Peek(1); err != nil {
		return 0, err
	}
	buf, _ := d.br.Peek(min(d.br.Buffered(), len(p)))
	n := 0
	for n < len(buf) && buf[n] < utf8.RuneSelf {
		n++
	}
	if n > 0 {
		copy(p, buf[:n])
		d.br.Discard(n)
		return n, nil
	}
	window, err := d.br.Peek(sniffLen)
	if isUTF8(window, err != nil) {
		d.r = d.br
	} else {
		d.r = transform.NewReader(d.br, simplifiedchinese.GB18030.NewDecoder())
		d.encoding = "GB18030"
	}
	return d.r.Read(p)
}

// isUTF8 reports whether b is valid UTF-8, allowing a rune cut off at the
// end unless b ends the input.
func isUTF8(b []byte, atEOF bool) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			return !atEOF && !utf8.FullRune(b)
		}
		b = b[size:]
	}
	return true
}

// guarded reports whether a spreadsheet would take text starting with c for
// a formula.
func guarded(c byte) bool {
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r'
}

// guard prefixes text that a spreadsheet would run as a formula with an
// apostrophe (CSV injection); numbers such as -5 are left alone.
func guard(s string) string {
	if s == "" || !guarded(s[0]) {
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return s
	}
	return "'" + s
}

// unguard removes the apostrophe that guard adds.
func unguard(s string) string {
	if len(s) > 1 && s[0] == '\'' && guarded(s[1]) {
		return s[1:]
	}
	return s
}

// CSVWriter writes the rows of a table as CSV in UTF-8 with a byte order
// mark, so Excel opens the Chinese correctly. It takes the same values as
// Writer, so a handler can offer either format through one interface.
type CSVWriter struct {
	cw   *csv.Writer
	cols int
	rec  []string
}

// NewCSVWriter writes the byte order mark and the header row (the Chinese
// headers, unmarked) to w.
func NewCSVWriter(w io.Writer, s Sheet) (*CSVWriter, error) {
	if _, err := newLayout(s); err != nil {
		return nil, err
	}
	if _, err := w.Write(utf8BOM); err != nil {
		return nil, fmt.Errorf("xlsx: writing the CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	rec := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		rec[i] = guard(c.Header)
	}
	if err := cw.Write(rec); err != nil {
		return nil, fmt.Errorf("xlsx: writing the CSV: %w", err)
	}
	return &CSVWriter{cw: cw, cols: len(s.Columns), rec: rec}, nil
}

// Write adds a row, taking values like Writer.Write. Numbers are written
// in plain digits (1234.5, never 1.2345e+03); text that a spreadsheet would
// take for a formula (=, +, - or @ first, and not a number) gets an
// apostrophe in front, which ReadCSV removes.
func (w *CSVWriter) Write(values []any) error {
	if len(values) > w.cols {
		return fmt.Errorf("xlsx: %d values for %d columns", len(values), w.cols)
	}
	clear(w.rec)
	for i, v := range values {
		c, err := plain(v)
		if err != nil {
			return fmt.Errorf("xlsx: column %d: %w", i+1, err)
		}
		switch c := c.(type) {
		case string:
			w.rec[i] = guard(c)
		case int64:
			w.rec[i] = strconv.FormatInt(c, 10)
		case uint64:
			w.rec[i] = strconv.FormatUint(c, 10)
		case float64:
			w.rec[i] = strconv.FormatFloat(c, 'f', -1, 64)
		case bool:
			w.rec[i] = strings.ToUpper(strconv.FormatBool(c))
		}
	}
	if err := w.cw.Write(w.rec); err != nil {
		return fmt.Errorf("xlsx: writing the CSV: %w", err)
	}
	return nil
}

// Close flushes the rows written; it does not close the io.Writer.
func (w *CSVWriter) Close() error {
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		return fmt.Errorf("xlsx: writing the CSV: %w", err)
	}
	return nil
}
