package xlsx

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Column describes one column of a table: how it is printed, which headers
// an import accepts for it, and what the template says about it.
type Column struct {
	Key      string   // the caller's name for the column, e.g. "credit_code"; unique in its Sheet
	Header   string   // the header as printed, in Chinese, e.g. "统一社会信用代码"
	Aliases  []string // other accepted headers, e.g. "Credit code" or an older name
	Required bool     // an import without this column is refused; templates mark it with a red *
	Width    float64  // the column width in Excel units (about one digit); 0 picks one from the header and example
	Example  string   // the value in the template's example row
	Note     string   // the hint in the template's note row, e.g. "18位，字母大写"
}

// Sheet describes a table: the worksheet name and its columns, in order.
type Sheet struct {
	Name    string // the worksheet name: at most 31 characters, none of : \ / ? * [ ]
	Columns []Column
	// Form reads a Form as WriteForm lays it out: a second header row
	// (its first cell blank) is not data, and the table ends at its first
	// blank row, so the notes below it are not read.
	Form bool
}

// headerScan is how many non-empty rows the reader looks through for the
// header row.
const headerScan = 10

// layout is a checked Sheet with its header lookup.
type layout struct {
	sheet  Sheet
	byName map[string]int // normalised header or alias → index in sheet.Columns
}

// newLayout checks s and indexes its headers. A bad Sheet is a programming
// error, reported as a plain error.
func newLayout(s Sheet) (*layout, error) {
	if strings.TrimSpace(s.Name) == "" {
		return nil, fmt.Errorf("xlsx: sheet has no name")
	}
	if len(s.Columns) == 0 {
		return nil, fmt.Errorf("xlsx: sheet %q has no columns", s.Name)
	}
	l := &layout{sheet: s, byName: map[string]int{}}
	keys := map[string]bool{}
	for i, c := range s.Columns {
		if c.Key == "" {
			return nil, fmt.Errorf("xlsx: sheet %q: column %d has no key", s.Name, i+1)
		}
		if keys[c.Key] {
			return nil, fmt.Errorf("xlsx: sheet %q: key %q used twice", s.Name, c.Key)
		}
		keys[c.Key] = true
		for _, h := range append([]string{c.Header}, c.Aliases...) {
			n := normHeader(h)
			if n == "" {
				return nil, fmt.Errorf("xlsx: sheet %q: column %q has an empty header or alias", s.Name, c.Key)
			}
			if j, dup := l.byName[n]; dup && j != i {
				return nil, fmt.Errorf("xlsx: sheet %q: header %q names both %q and %q", s.Name, h, s.Columns[j].Key, c.Key)
			}
			l.byName[n] = i
		}
	}
	return l, nil
}

// normHeader folds a header for matching: full-width forms to half-width,
// no spaces of any kind, no * marks, lower case.
func normHeader(s string) string {
	s = width.Fold.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if isBlank(r) || r == '*' {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// isBlank reports whether r is a space, a line break or an invisible
// character that copy and paste leaves behind (zero-width space, BOM).
func isBlank(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
}

// trim removes blanks at both ends of s.
func trim(s string) string {
	if s == "" {
		return s
	}
	return strings.TrimFunc(s, isBlank)
}

// noteMarks are the starts, normalised, of a note or example row's first
// cell.
var noteMarks = []string{"示例:", "说明:", "例:", "注:", "填写说明", "example:", "e.g."}

// isNoteCell reports whether a row whose first cell is s is a template's
// note or example row.
func isNoteCell(s string) bool {
	if s == "" {
		return false
	}
	n := normHeader(s)
	for _, m := range noteMarks {
		if strings.HasPrefix(n, m) {
			return true
		}
	}
	return false
}

// colWidth returns the width of column c: its Width, or one that fits the
// header (with the required mark) and the example, between 8 and 60.
func colWidth(c Column) float64 {
	if c.Width > 0 {
		return c.Width
	}
	w := max(displayWidth(c.Header)+2, displayWidth(c.Example)) + 2
	return float64(min(max(w, 8), 60))
}

// displayWidth counts Chinese and other wide characters as two columns.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// match maps a row of cells onto the columns and returns how many cells
// name a column.
func (l *layout) match(cells []string) (cols []int, n int) {
	cols = make([]int, len(cells))
	for i, c := range cells {
		cols[i] = -1
		if j, ok := l.byName[normHeader(c)]; ok && c != "" {
			cols[i] = j
			n++
		}
	}
	return cols, n
}

// headers joins the headers of the columns at idx for a message.
func (l *layout) headers(idx []int) string {
	names := make([]string, len(idx))
	for i, j := range idx {
		names[i] = l.sheet.Columns[j].Header
	}
	return strings.Join(names, "、")
}

// validUTF8 replaces invalid bytes in s with U+FFFD.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
