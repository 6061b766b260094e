package xlsx

import (
	"fmt"
	"math"
	"strconv"

	"kejiju/internal/i18n"
)

func tooLarge(limit int64) error {
	return i18n.E(i18n.Invalid, "xlsx.too_large", sizeText(limit))
}

func unpackedTooLarge(limit int64) error {
	return i18n.E(i18n.Invalid, "xlsx.unpacked_too_large", sizeText(limit))
}

func tooManyEntries(limit int) error {
	return i18n.E(i18n.Invalid, "xlsx.too_many_entries", limit)
}

func notWorkbook(cause error) error {
	e := i18n.E(i18n.Invalid, "xlsx.not_workbook")
	e.Err = cause
	return e
}

func legacyFormat() error {
	return i18n.E(i18n.Invalid, "xlsx.legacy_format")
}

func corrupt(row int, cause error) error {
	e := i18n.E(i18n.Invalid, "xlsx.corrupt", row)
	e.Err = cause
	return e
}

func noHeader(l *layout) error {
	var want []int
	for i, c := range l.sheet.Columns {
		if c.Required {
			want = append(want, i)
		}
	}
	if len(want) == 0 {
		for i := range min(3, len(l.sheet.Columns)) {
			want = append(want, i)
		}
	}
	return i18n.E(i18n.Invalid, "xlsx.no_header", headerScan, l.headers(want))
}

func missingColumn(l *layout, idx []int) error {
	return i18n.E(i18n.Invalid, "xlsx.missing_column", l.headers(idx))
}

func duplicateColumn(first, second string) error {
	return i18n.E(i18n.Invalid, "xlsx.duplicate_column", first, second)
}

func csvInvalid(line int, cause error) error {
	e := i18n.E(i18n.Invalid, "xlsx.csv_invalid", line)
	e.Err = cause
	return e
}

// sizeText formats a byte count for a message: "10 MB", "1.5 MB", "512 KB".
func sizeText(n int64) string {
	const kb, mb = 1 << 10, 1 << 20
	f, unit := float64(n), "B"
	switch {
	case n >= mb:
		f, unit = f/mb, "MB"
	case n >= kb:
		f, unit = f/kb, "KB"
	}
	return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) + " " + unit
}

// CellError is a problem with one cell of an imported row, or with the
// whole row when Column is empty. The reader never returns one: callers
// build them while validating rows, and show them with Message.
type CellError struct {
	Row    int    // the row number as the user sees it, from 1
	Column string // the column header as printed; "" for the whole row
	Key    string // the i18n key of the message, e.g. "ident.credit_code.checksum"
	Args   []any  // the message arguments
}

// CellError returns the error for the cell of column key in row number
// row. An unknown key is used as the header.
func (s Sheet) CellError(row int, key, msgKey string, args ...any) *CellError {
	column := key
	for _, c := range s.Columns {
		if c.Key == key {
			column = c.Header
			break
		}
	}
	return &CellError{Row: row, Column: column, Key: msgKey, Args: args}
}

// Error describes the problem for logs.
func (e *CellError) Error() string {
	s := "row " + strconv.Itoa(e.Row)
	if e.Column != "" {
		s += " " + strconv.Quote(e.Column)
	}
	s += ": " + e.Key
	if len(e.Args) > 0 {
		s += fmt.Sprintf(" %v", e.Args)
	}
	return s
}

// Message translates the error with t, which is usually the T method of an
// i18n.Printer: "第12行“统一社会信用代码”：…", or "Row 12, “统一社会信用代码”: …"
// in English.
func (e *CellError) Message(t func(key string, args ...any) string) string {
	msg := t(e.Key, e.Args...)
	if e.Column == "" {
		return t("xlsx.row", e.Row, msg)
	}
	return t("xlsx.cell", e.Row, e.Column, msg)
}
