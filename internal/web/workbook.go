package web

import (
	"net/http"
	"net/url"

	"kejiju/internal/xlsx"
)

// Workbook answers with a spreadsheet download named name: the columns of
// sheet, then rows. A row that cannot be written gives the workbook up.
func Workbook(w http.ResponseWriter, name string, sheet xlsx.Sheet, rows [][]any) error {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	xw, err := xlsx.NewWriter(w, sheet)
	if err != nil {
		return err
	}
	for _, row := range rows {
		if err := xw.Write(row); err != nil {
			xw.Abort()
			return err
		}
	}
	return xw.Close()
}
