package web

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"

	"kejiju/internal/xlsx"
)

// TestWorkbook downloads two rows and reads them back from the workbook.
func TestWorkbook(t *testing.T) {
	sheet := xlsx.Sheet{Name: "汇总", Columns: []xlsx.Column{{Key: "kind", Header: "类型"}, {Key: "n", Header: "场次"}}}
	w := httptest.NewRecorder()
	if err := Workbook(w, "2026年汇总表.xlsx", sheet, [][]any{{"培训", 3}, {"合计", 5}}); err != nil {
		t.Fatal(err)
	}
	if cd := w.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; ") || !strings.Contains(cd, "2026%E5%B9%B4") {
		t.Errorf("Content-Disposition %q", cd)
	}
	var got []string
	if _, err := xlsx.Read(bytes.NewReader(w.Body.Bytes()), sheet, 1<<20, func(r xlsx.Row) error {
		got = append(got, r.Values["kind"]+"="+r.Values["n"])
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "培训=3 合计=5" {
		t.Errorf("rows read back: %v", got)
	}
}
