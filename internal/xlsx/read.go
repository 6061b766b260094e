package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Row is one data row of an import.
type Row struct {
	Number int               // the row number as the user sees it in the spreadsheet, from 1
	Values map[string]string // by Column.Key, trimmed; only the columns the file has, "" for an empty cell
}

// Summary describes what a read found.
type Summary struct {
	Sheet     string   // the worksheet read; "" for CSV
	Encoding  string   // CSV only: "UTF-8" or "GB18030"
	HeaderRow int      // the row number of the header row
	Rows      int      // data rows passed to fn
	Skipped   int      // note and example rows skipped
	Unknown   []string // header cells that name no column, as written
	Missing   []string // keys of the optional columns the file lacks
}

// unpackRatio bounds how much a workbook may unpack to, as a multiple of
// maxBytes (with a floor of minUnpacked); sheet XML compresses about tenfold.
const (
	unpackRatio = 100
	minUnpacked = 64 << 20
)

// Read reads the rows of a workbook (.xlsx) and calls fn for each data row,
// in order. It reads at most maxBytes from r and refuses a bigger file; the
// rows are then streamed from the sheet named s.Name, or else the first
// sheet. Fully empty rows, rows above the header and the template's note
// and example rows are skipped (see the package documentation).
//
// Problems with the file as a whole are *i18n.Error values (listed under
// Errors in the package documentation); an error from fn stops the read
// and is returned as it is.
// The Summary describes the rows read up to the point of return.
func Read(r io.Reader, s Sheet, maxBytes int64, fn func(row Row) error) (Summary, error) {
	l, err := newLayout(s)
	if err != nil {
		return Summary{}, err
	}
	if maxBytes <= 0 {
		return Summary{}, fmt.Errorf("xlsx: maxBytes %d is not positive", maxBytes)
	}
	b, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return Summary{}, fmt.Errorf("xlsx: reading the upload: %w", err)
	}
	if int64(len(b)) > maxBytes {
		return Summary{}, tooLarge(maxBytes)
	}
	unpacked := int64(minUnpacked)
	if maxBytes < math.MaxInt64/unpackRatio {
		unpacked = max(unpacked, maxBytes*unpackRatio)
	}
	if err := checkPackage(b, unpacked); err != nil {
		return Summary{}, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{
		UnzipSizeLimit:   unpacked,
		ShortDatePattern: "yyyy-mm-dd",
		CultureInfo:      excelize.CultureNameZhCN,
	})
	if err != nil {
		return Summary{}, notWorkbook(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return Summary{}, notWorkbook(fmt.Errorf("no sheets"))
	}
	name := sheets[0]
	for _, n := range sheets {
		if normHeader(n) == normHeader(s.Name) {
			name = n
			break
		}
	}
	rows, err := f.Rows(name)
	if err != nil {
		return Summary{}, corrupt(1, err)
	}
	defer rows.Close()

	rd := &rowReader{layout: l, fn: fn, expand: true}
	rd.sum.Sheet = name
	number := 0
	for rows.Next() {
		number++ // Next steps through every row number, absent rows included
		cells, err := rows.Columns()
		if err != nil {
			return rd.sum, corrupt(number, err)
		}
		for i, c := range cells {
			cells[i] = unguard(c) // the apostrophe Writer puts before a formula-like text
		}
		if err := rd.row(number, cells); err != nil {
			return rd.sum, err
		}
	}
	if err := rows.Error(); err != nil {
		return rd.sum, corrupt(number, err)
	}
	return rd.sum, rd.finish()
}

// oleMagic starts an OLE compound file: an Excel 97-2003 workbook, or an
// encrypted .xlsx.
var oleMagic = []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}

// maxEntries bounds the parts of a workbook package: a real workbook has a
// few dozen; a package of many tiny entries is a decompression bomb of
// another kind (T-UP-03, ASVS 5.2.3).
const maxEntries = 10_000

// checkPackage refuses what is not a zip package, a package of more than
// maxEntries parts and one that unpacks to more than limit bytes, before
// anything is parsed. The sizes are the package's own word for them, which
// archive/zip holds each part to while unpacking.
func checkPackage(b []byte, limit int64) error {
	if bytes.HasPrefix(b, oleMagic) {
		return legacyFormat()
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return notWorkbook(err)
	}
	if len(zr.File) > maxEntries {
		return tooManyEntries(maxEntries)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(limit) {
			return unpackedTooLarge(limit)
		}
	}
	return nil
}

// rowReader turns rows of cells, from a workbook or a CSV file, into Rows.
type rowReader struct {
	layout  *layout
	fn      func(Row) error
	expand  bool // write E-notation numbers out in digits (workbooks)
	sum     Summary
	cols    []int // file column → index in Sheet.Columns or -1; nil until the header is found
	scanned int   // non-empty rows seen before the header
	data    bool  // a data row has been seen
	under   bool  // the row under the header has been seen
	ended   bool  // a Form's table has ended at a blank row
}

// row handles the row number with its cells, which it may change.
func (rd *rowReader) row(number int, cells []string) error {
	empty := true
	for i, c := range cells {
		if c = trim(c); c != "" {
			empty = false
		}
		cells[i] = c
	}
	form := rd.layout.sheet.Form
	if rd.ended || empty && form && rd.data {
		rd.ended = true
		if !empty {
			rd.sum.Skipped++
		}
		return nil
	}
	if empty {
		return nil
	}
	if rd.cols == nil {
		return rd.header(number, cells)
	}
	if under := rd.under; !under {
		rd.under = true
		if form && cells[0] == "" {
			return nil // the second header row: 本期, 本年累计, …
		}
	}
	if !rd.data && isNoteCell(cells[0]) {
		rd.sum.Skipped++
		return nil
	}
	rd.data = true
	values := make(map[string]string, len(rd.layout.sheet.Columns))
	for i, j := range rd.cols {
		if j < 0 {
			continue
		}
		v := ""
		if i < len(cells) {
			v = cells[i]
			if rd.expand {
				v = expandExponent(v)
			}
		}
		values[rd.layout.sheet.Columns[j].Key] = v
	}
	rd.sum.Rows++
	return rd.fn(Row{Number: number, Values: values})
}

// header takes the row as the header row if any cell names a column.
func (rd *rowReader) header(number int, cells []string) error {
	cols, n := rd.layout.match(cells)
	if n == 0 {
		rd.scanned++
		if rd.scanned >= headerScan {
			return noHeader(rd.layout)
		}
		return nil
	}
	columns := rd.layout.sheet.Columns
	seen := make([]int, len(columns)) // index in cells + 1
	for i, j := range cols {
		switch {
		case j >= 0 && seen[j] > 0:
			return duplicateColumn(cells[seen[j]-1], cells[i])
		case j >= 0:
			seen[j] = i + 1
		case cells[i] != "":
			rd.sum.Unknown = append(rd.sum.Unknown, cells[i])
		}
	}
	var missing []int
	for j, c := range columns {
		switch {
		case seen[j] > 0:
		case c.Required:
			missing = append(missing, j)
		default:
			rd.sum.Missing = append(rd.sum.Missing, c.Key)
		}
	}
	if len(missing) > 0 {
		return missingColumn(rd.layout, missing)
	}
	rd.cols = cols
	rd.sum.HeaderRow = number
	return nil
}

// finish reports a file without a header row.
func (rd *rowReader) finish() error {
	if rd.cols == nil {
		return noHeader(rd.layout)
	}
	return nil
}

// exponent matches a number in E-notation with a signed exponent, as
// excelize and Excel print numbers of more than 15 digits: 9.13412345678901E+17.
var exponent = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?[Ee][+-][0-9]+$`)

// expandExponent writes a number in E-notation out in digits; other text,
// and numbers too large or too small to write out, it returns unchanged.
func expandExponent(v string) string {
	if !strings.ContainsAny(v, "Ee") || !exponent.MatchString(v) {
		return v
	}
	f, err := strconv.ParseFloat(v, 64)
	if a := math.Abs(f); err != nil || a >= 1e21 || (a != 0 && a < 1e-9) {
		return v
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// LooksMangled reports whether v looks like a long code that went through a
// spreadsheet number, which keeps only 15 significant digits: E-notation
// with a signed exponent (9.13412E+17, as Excel shows it and writes it to
// CSV), or more than 15 digits without a leading zero whose digits after the
// 15th are all zeros (913412345678901000, as Read returns it).
//
// It is a heuristic for columns that hold long codes (credit codes, ID and
// account numbers): a genuine 18-digit code whose last three digits are 000
// is flagged too (about one in a thousand; one in ten for 16 digits), and a
// value from a text cell with a leading zero never is. Shorter codes stored
// as numbers lose only their leading zeros, which a length check catches.
func LooksMangled(v string) bool {
	v = trim(v)
	if exponent.MatchString(v) {
		return true
	}
	if len(v) <= 15 || v[0] == '0' {
		return false
	}
	for i := range len(v) {
		if v[i] < '0' || v[i] > '9' || (i >= 15 && v[i] != '0') {
			return false
		}
	}
	return true
}
