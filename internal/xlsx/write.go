package xlsx

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// Writer streams the rows of a table into a workbook (.xlsx). Rows go to a
// temporary file as they are written, so memory stays flat however many
// there are; Close packs the workbook and writes it out.
type Writer struct {
	out  io.Writer
	f    *excelize.File
	sw   *excelize.StreamWriter
	st   styles
	cols int
	row  int // the last row written
	err  error
	cell []any
}

// errClosed is returned by Write and Close after Close.
var errClosed = errors.New("xlsx: writer is closed")

// NewWriter starts a workbook with one sheet named s.Name whose header row
// is styled like the template's (required columns marked, frozen, text
// format for every column). It writes nothing to w until Close.
func NewWriter(w io.Writer, s Sheet) (*Writer, error) {
	if _, err := newLayout(s); err != nil {
		return nil, err
	}
	f := excelize.NewFile()
	st, err := newStyles(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	sw, err := startSheet(f, s, st)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &Writer{out: w, f: f, sw: sw, st: st, cols: len(s.Columns), row: 1, cell: make([]any, len(s.Columns))}, nil
}

// Write adds a row with one value per column, in the order of the columns;
// missing values at the end are empty cells. Strings (and fmt.Stringers)
// are written as text, so codes keep their leading zeros (a text a
// spreadsheet would take for a formula with an apostrophe first, which
// Read removes, as CSVWriter does); integers and
// floats (int64 fen divided into 元, say) as numbers; nil, and nil
// pointers, as empty cells; a time.Time as text, 2006-01-02 when it has
// no clock time and 2006-01-02 15:04:05 otherwise, in its own location;
// driver.Valuers (sql.NullString and friends) as their value.
func (w *Writer) Write(values []any) error {
	if w.err != nil {
		return w.err
	}
	if len(values) > w.cols {
		return fmt.Errorf("xlsx: %d values for %d columns", len(values), w.cols)
	}
	clear(w.cell)
	for i, v := range values {
		c, err := plain(v)
		if err != nil {
			return fmt.Errorf("xlsx: column %d: %w", i+1, err)
		}
		switch c := c.(type) {
		case nil:
		case string:
			if c != "" {
				// Text cells are not formulas, but a copy into another
				// sheet or a save as CSV makes them one (T-PII-06).
				w.cell[i] = excelize.Cell{StyleID: w.st.text, Value: guard(c)}
			}
		default:
			w.cell[i] = excelize.Cell{StyleID: w.st.number, Value: c}
		}
	}
	w.row++
	if err := w.sw.SetRow(cellName(1, w.row), w.cell); err != nil {
		w.err = fmt.Errorf("xlsx: row %d: %w", w.row, err)
		return w.err
	}
	return nil
}

// Close finishes the workbook and writes it to the io.Writer given to
// NewWriter, which it does not close, and removes the temporary file.
func (w *Writer) Close() error {
	if w.err == errClosed {
		return w.err
	}
	defer func() {
		w.f.Close()
		w.err = errClosed
	}()
	if w.err != nil {
		return w.err
	}
	if err := w.sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: flush: %w", err)
	}
	if err := w.f.Write(w.out); err != nil {
		return fmt.Errorf("xlsx: writing the workbook: %w", err)
	}
	return nil
}

// Abort gives the workbook up: it writes nothing and removes the temporary
// file. Call it (or Close) when an export fails half-way; after Close it
// does nothing.
func (w *Writer) Abort() {
	if w.err != errClosed {
		w.f.Close()
		w.err = errClosed
	}
}

// plain reduces v to nil, string, int64, uint64, float64 or bool.
func plain(v any) (any, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		return v, nil
	case []byte:
		return string(v), nil
	case int:
		return int64(v), nil
	case int64:
		return v, nil
	case int32:
		return int64(v), nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("not a finite number: %v", v)
		}
		return v, nil
	case bool:
		return v, nil
	case time.Time:
		if v.IsZero() {
			return nil, nil
		}
		if h, m, s := v.Clock(); h == 0 && m == 0 && s == 0 && v.Nanosecond() == 0 {
			return v.Format(time.DateOnly), nil
		}
		return v.Format(time.DateTime), nil
	case driver.Valuer:
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return nil, nil
		}
		x, err := v.Value()
		if err != nil {
			return nil, err
		}
		return plain(x)
	case fmt.Stringer:
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return nil, nil
		}
		return v.String(), nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return nil, nil
		}
		return plain(rv.Elem().Interface())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return rv.Uint(), nil
	case reflect.Float32:
		// Through the shortest decimal, so float32(0.1) is 0.1, not 0.10000000149011612.
		f, _ := strconv.ParseFloat(strconv.FormatFloat(rv.Float(), 'g', -1, 32), 64)
		return plain(f)
	case reflect.Float64:
		return plain(rv.Float())
	case reflect.String:
		return rv.String(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	}
	return fmt.Sprint(v), nil
}
