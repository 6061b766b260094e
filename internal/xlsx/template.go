package xlsx

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// The number formats used: General and Text (@).
const (
	numFmtGeneral = 0
	numFmtText    = 49
)

// styles are the cell styles of templates and exports.
type styles struct {
	header   int // bold, grey-blue fill, centred, text
	required int // header of a required column: as header with a warm fill
	text     int // data cell holding text: format @
	number   int // data cell holding a number: format General
	note     int // the template's note row: grey italic, wrapped, text
	example  int // the template's example row: grey, text
}

func newStyles(f *excelize.File) (styles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "A6A6A6", Style: 1},
		{Type: "right", Color: "A6A6A6", Style: 1},
		{Type: "top", Color: "A6A6A6", Style: 1},
		{Type: "bottom", Color: "A6A6A6", Style: 1},
	}
	headerStyle := func(fill string) *excelize.Style {
		return &excelize.Style{
			Border:    border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}},
			Font:      &excelize.Font{Bold: true},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
			NumFmt:    numFmtText,
		}
	}
	defs := []struct {
		id    *int
		style *excelize.Style
	}{
		{nil, headerStyle("DDEBF7")},
		{nil, headerStyle("FCE4D6")},
		{nil, &excelize.Style{NumFmt: numFmtText}},
		{nil, &excelize.Style{NumFmt: numFmtGeneral}},
		{nil, &excelize.Style{
			Font:      &excelize.Font{Italic: true, Color: "7F7F7F"},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF9E5"}},
			Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
			NumFmt:    numFmtText,
		}},
		{nil, &excelize.Style{Font: &excelize.Font{Color: "7F7F7F"}, NumFmt: numFmtText}},
	}
	var st styles
	ids := []*int{&st.header, &st.required, &st.text, &st.number, &st.note, &st.example}
	for i, d := range defs {
		id, err := f.NewStyle(d.style)
		if err != nil {
			return styles{}, fmt.Errorf("xlsx: style: %w", err)
		}
		*ids[i] = id
	}
	return st, nil
}

// headerCell returns the header cell of c: rich text with a red * for a
// required column.
func (st styles) headerCell(c Column) excelize.Cell {
	if !c.Required {
		return excelize.Cell{StyleID: st.header, Value: c.Header}
	}
	return excelize.Cell{StyleID: st.required, Value: []excelize.RichTextRun{
		{Text: "*", Font: &excelize.Font{Bold: true, Size: 11, Color: "FF0000"}},
		{Text: c.Header, Font: &excelize.Font{Bold: true, Size: 11, Color: "000000"}},
	}}
}

// frozenHeader freezes row 1.
var frozenHeader = excelize.Panes{
	Freeze:      true,
	YSplit:      1,
	TopLeftCell: "A2",
	ActivePane:  "bottomLeft",
	Selection:   []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
}

// headerHeight is the height of the header row in points.
const headerHeight = 24

// WriteTemplate writes the import template of s to w: a workbook with one
// sheet named s.Name, the header row, a note row (when a column is required
// or has a Note) and an example row (when a column has an Example). Every
// column is formatted as text. Read skips the note and example rows; see
// the package documentation.
func WriteTemplate(w io.Writer, s Sheet) error {
	if _, err := newLayout(s); err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	sw, err := startSheet(f, s, st)
	if err != nil {
		return err
	}
	var notes, examples []any
	hasNote, hasExample := false, false
	lines := 1 // of the tallest note
	for i, c := range s.Columns {
		note := c.Note
		if c.Required {
			note = "必填"
			if c.Note != "" {
				note += "；" + c.Note
			}
		}
		example := c.Example
		if i == 0 {
			note = "说明：" + note
			example = "示例：" + example
		}
		hasNote = hasNote || c.Required || c.Note != ""
		lines = max(lines, wrappedLines(note, colWidth(c)))
		hasExample = hasExample || c.Example != ""
		notes = append(notes, styled(st.note, note))
		examples = append(examples, styled(st.example, example))
	}
	row := 2
	if hasNote {
		if err := sw.SetRow(cellName(1, row), notes, excelize.RowOpts{Height: float64(lineHeight * lines)}); err != nil {
			return fmt.Errorf("xlsx: template note row: %w", err)
		}
		row++
	}
	if hasExample {
		if err := sw.SetRow(cellName(1, row), examples); err != nil {
			return fmt.Errorf("xlsx: template example row: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: template: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("xlsx: writing the template: %w", err)
	}
	return nil
}

// startSheet renames the new file's only sheet to s.Name and starts it with
// a stream writer: column widths, text format for every column, the frozen
// header row.
func startSheet(f *excelize.File, s Sheet, st styles) (*excelize.StreamWriter, error) {
	if err := f.SetSheetName(f.GetSheetName(0), s.Name); err != nil {
		return nil, fmt.Errorf("xlsx: sheet name %q: %w", s.Name, err)
	}
	sw, err := f.NewStreamWriter(s.Name)
	if err != nil {
		return nil, fmt.Errorf("xlsx: sheet %q: %w", s.Name, err)
	}
	for i, c := range s.Columns {
		if err := sw.SetColWidth(i+1, i+1, colWidth(c)); err != nil {
			return nil, fmt.Errorf("xlsx: column %q: %w", c.Key, err)
		}
	}
	if err := sw.SetColStyle(1, len(s.Columns), st.text); err != nil {
		return nil, fmt.Errorf("xlsx: column style: %w", err)
	}
	if err := sw.SetPanes(&frozenHeader); err != nil {
		return nil, fmt.Errorf("xlsx: panes: %w", err)
	}
	head := make([]any, len(s.Columns))
	for i, c := range s.Columns {
		head[i] = st.headerCell(c)
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{Height: headerHeight}); err != nil {
		return nil, fmt.Errorf("xlsx: header row: %w", err)
	}
	return sw, nil
}

// lineHeight is the height in points of a line of 11-point text.
const lineHeight = 16

// wrappedLines returns how many lines s takes when wrapped in a column of
// the given width, at most 6.
func wrappedLines(s string, width float64) int {
	per := max(1, int(width)-1)
	return min(6, max(1, (displayWidth(s)+per-1)/per))
}

// styled returns a cell of style id holding s, or a blank cell of that
// style when s is empty.
func styled(id int, s string) excelize.Cell {
	if s == "" {
		return excelize.Cell{StyleID: id}
	}
	return excelize.Cell{StyleID: id, Value: s}
}

// cellName returns the A1-style name of a cell; col and row count from 1.
func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}
