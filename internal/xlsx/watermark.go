package xlsx

import (
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"
)

// Watermark says who exported a file of personal data, when, and under
// which request, for the file itself to carry (PIPL; T-PII-05).
type Watermark struct {
	By      string    // who, e.g. 王局长（juzhang）
	At      time.Time // when
	Request string    // an id the audit event carries too
	Note    string    // e.g. 已脱敏 · 仅限工作使用
}

// Text is the watermark as one line.
func (m Watermark) Text() string {
	return fmt.Sprintf("导出人：%s；导出时间：%s；导出编号：%s；%s", m.By, m.At.In(shanghai).Format("2006年1月2日 15:04"), m.Request, m.Note)
}

var shanghai = time.FixedZone("CST", 8*3600)

// SheetWatermark is the name of the sheet Stamp adds.
const SheetWatermark = "导出信息"

// Stamp marks the workbook with m before Close: in its document
// properties (author, description, keywords: what a file browser and
// Excel's 信息 pane show) and on a sheet of its own after the data.
func (w *Writer) Stamp(m Watermark) error {
	if w.err != nil {
		return w.err
	}
	if err := w.f.SetDocProps(&excelize.DocProperties{
		Creator: m.By, LastModifiedBy: m.By, Title: SheetWatermark, Description: m.Text(), Keywords: m.Request,
		Created: m.At.UTC().Format(time.RFC3339), Modified: m.At.UTC().Format(time.RFC3339),
	}); err != nil {
		return fmt.Errorf("xlsx: stamp: %w", err)
	}
	if _, err := w.f.NewSheet(SheetWatermark); err != nil {
		return fmt.Errorf("xlsx: stamp: %w", err)
	}
	for i, kv := range [][2]string{{"导出人", m.By}, {"导出时间", m.At.In(shanghai).Format("2006年1月2日 15:04:05")}, {"导出编号", m.Request}, {"说明", m.Note}} {
		if err := w.f.SetSheetRow(SheetWatermark, cellName(1, i+1), &[]any{kv[0], guard(kv[1])}); err != nil {
			return fmt.Errorf("xlsx: stamp: %w", err)
		}
	}
	return nil
}
