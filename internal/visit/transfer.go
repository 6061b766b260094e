package visit

import (
	"context"
	"io"
	"strconv"

	"kejiju/internal/auth"
	"kejiju/internal/i18n"
	"kejiju/internal/money"
	"kejiju/internal/xlsx"
)

// CitySheet is the city bureau's sheet of forwarded technical needs
// (企业技术难题需求汇总表), one row per need in the batch's order.
var CitySheet = xlsx.Sheet{Name: "技术难题需求", Columns: []xlsx.Column{
	{Key: "seq", Header: "序号", Width: 6},
	{Key: "enterprise", Header: "企业名称", Width: 30},
	{Key: "credit_code", Header: "统一社会信用代码", Width: 22},
	{Key: "township", Header: "所属乡镇", Width: 12},
	{Key: "category", Header: "需求类别", Width: 12},
	{Key: "title", Header: "需求名称", Width: 26},
	{Key: "description", Header: "需求描述", Width: 50},
	{Key: "expected", Header: "预期目标", Width: 36},
	{Key: "budget", Header: "拟投入资金（万元）", Width: 14},
	{Key: "contact", Header: "联系人", Width: 10},
	{Key: "phone", Header: "联系电话", Width: 15},
	{Key: "collected_on", Header: "收集日期", Width: 12},
}}

// wanNumber returns an amount in 万元 as a number for a spreadsheet cell
// (exact: a fen is 0.000001 万元), or nil for no amount.
func wanNumber(f money.Fen) any {
	if f == 0 {
		return nil
	}
	v, _ := strconv.ParseFloat(strconv.FormatInt(int64(f), 10)+"e-6", 64)
	return v
}

// WriteSheet writes the city's sheet of batch id to w, in Chinese whatever
// the reader's language: it is a document for the city bureau.
func (s *Service) WriteSheet(ctx context.Context, u *auth.User, id int64, w io.Writer) (*Batch, error) {
	b, needs, towns, err := s.BatchNeeds(ctx, u, id)
	if err != nil {
		return nil, err
	}
	zh := i18n.Default().Printer(i18n.Chinese)
	xw, err := xlsx.NewWriter(w, CitySheet)
	if err != nil {
		return nil, err
	}
	for i, n := range needs {
		if err := xw.Write([]any{i + 1, n.EnterpriseName, n.CreditCode, towns[i], zh.T("visit.category." + n.Category), n.Title,
			n.Description, n.Expected, wanNumber(n.Budget), n.ContactName, n.ContactPhone, n.CollectedOn}); err != nil {
			return nil, err
		}
	}
	return b, xw.Close()
}

// SheetName is the file name of a batch's sheet.
func SheetName(b *Batch) string { return "技术难题需求汇总表（" + b.Number + "）.xlsx" }
