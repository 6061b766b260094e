package xlsx

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Form is a statistical table as the forms sent upwards print it: a title
// across the table, a row of particulars (填报单位, 报告期, 制表日期, units),
// the header row of the columns, the rows, and notes below. The reader
// (Read) finds the header row under the title and particulars, so a Form
// reads back as its rows. A Form may have a header of two rows (Groups
// and Subs: the measure, then 本期, 本年累计, …). The notes come after a
// blank row and start with 注：, so a reader with Sheet.Form stops before
// them (and any reader sees a note, not a row).
type Form struct {
	Sheet Sheet    // the worksheet name and the columns
	Title string   // e.g. 科技工作统计季报
	Lines []string // the particulars, each in its own cell of the row under the title
	// Groups, when set, is per column the header above its own, the same
	// text of neighbouring columns merged into one cell; Subs is then the
	// header under it. A column without a group has its Header across
	// both header rows.
	Groups []string
	Subs   []string
	Rows   [][]any  // one value per column: text, or whole numbers, or float64 (Decimal columns)
	Notes  []string // lines below the table
	// Decimals is the number of decimal places float64 values show.
	Decimals int
}

// WriteForm writes f as a workbook to w. The table is small: it is built
// in memory.
func WriteForm(w io.Writer, f Form) error {
	if _, err := newLayout(f.Sheet); err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	name := f.Sheet.Name
	if err := x.SetSheetName(x.GetSheetName(0), name); err != nil {
		return fmt.Errorf("xlsx: sheet name %q: %w", name, err)
	}
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	numFmt := "0"
	if f.Decimals > 0 {
		numFmt = "0." + fmt.Sprintf("%0*d", f.Decimals, 0)
	}
	var title, line, head, text, num, dec, note int
	for _, s := range []struct {
		id *int
		st *excelize.Style
	}{
		{&title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: center}},
		{&line, &excelize.Style{NumFmt: numFmtText}},
		{&head, &excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: center, Border: border, NumFmt: numFmtText}},
		{&text, &excelize.Style{Border: border, NumFmt: numFmtText}},
		{&num, &excelize.Style{Border: border, NumFmt: 1}},
		{&dec, &excelize.Style{Border: border, CustomNumFmt: &numFmt}},
		{&note, &excelize.Style{Font: &excelize.Font{Color: "595959"}, NumFmt: numFmtText}},
	} {
		id, err := x.NewStyle(s.st)
		if err != nil {
			return fmt.Errorf("xlsx: style: %w", err)
		}
		*s.id = id
	}
	n := len(f.Sheet.Columns)
	last, _ := excelize.ColumnNumberToName(n)
	cell := func(col, row int) string { c, _ := excelize.CoordinatesToCellName(col, row); return c }
	set := func(col, row int, v any, style int) error {
		if err := x.SetCellValue(name, cell(col, row), v); err != nil {
			return err
		}
		return x.SetCellStyle(name, cell(col, row), cell(col, row), style)
	}
	if err := set(1, 1, f.Title, title); err != nil {
		return err
	}
	if err := x.MergeCell(name, "A1", last+"1"); err != nil {
		return err
	}
	x.SetRowHeight(name, 1, 30)
	for i, l := range f.Lines {
		if err := set(1+i*max(1, n/max(1, len(f.Lines))), 2, l, line); err != nil {
			return err
		}
	}
	if f.Groups != nil && (len(f.Groups) != n || len(f.Subs) != n) {
		return fmt.Errorf("xlsx: %d groups and %d sub-headers for %d columns", len(f.Groups), len(f.Subs), n)
	}
	heads := 1
	if f.Groups != nil {
		heads = 2
	}
	for i, c := range f.Sheet.Columns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		x.SetColWidth(name, col, col, colWidth(c))
		if heads == 1 {
			if err := set(i+1, 3, c.Header, head); err != nil {
				return err
			}
			continue
		}
		g := f.Groups[i]
		text, sub := g, f.Subs[i]
		if g == "" {
			text, sub = c.Header, ""
		}
		if err := set(i+1, 4, sub, head); err != nil {
			return err
		}
		if g != "" && i > 0 && f.Groups[i-1] == g {
			// Inside the merged cell: a value here would overwrite its first.
			if err := x.SetCellStyle(name, cell(i+1, 3), cell(i+1, 3), head); err != nil {
				return err
			}
			continue
		}
		if err := set(i+1, 3, text, head); err != nil {
			return err
		}
		end := i
		for g != "" && end+1 < n && f.Groups[end+1] == g {
			end++
		}
		var err error
		if g == "" {
			err = x.MergeCell(name, cell(i+1, 3), cell(i+1, 4))
		} else if end > i {
			err = x.MergeCell(name, cell(i+1, 3), cell(end+1, 3))
		}
		if err != nil {
			return err
		}
	}
	for r := 3; r < 3+heads; r++ {
		x.SetRowHeight(name, r, float64(48/heads))
	}
	first := 3 + heads
	for r, vals := range f.Rows {
		if len(vals) > n {
			return fmt.Errorf("xlsx: %d values for %d columns", len(vals), n)
		}
		for c, v := range vals {
			style := text
			switch v.(type) {
			case int, int64, int32:
				style = num
			case float64:
				style = dec
			case string:
			default:
				return fmt.Errorf("xlsx: column %d: unsupported %T", c+1, v)
			}
			if err := set(c+1, first+r, v, style); err != nil {
				return err
			}
		}
	}
	for i, l := range f.Notes {
		if !isNoteCell(l) {
			l = "注：" + l
		}
		if err := set(1, first+1+len(f.Rows)+i, l, note); err != nil {
			return err
		}
	}
	return x.Write(w)
}
