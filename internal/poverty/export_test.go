package poverty_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm3"
	"github.com/xuri/excelize/v2"

	"kejiju/internal/audit"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
	"kejiju/internal/poverty"
	"kejiju/internal/xlsx"
)

// TestExportMaskedAndWatermarked is T-PII-05: the registry's download
// holds no clear name, ID number or phone — only the masked forms — and
// says inside the file who exported it, when, and under which export
// number (document properties and its own sheet); the audit log has the
// export with its rows and the file's SM3 digest, recorded before the file
// is handed out. Another district's staff export nothing of it; finance,
// without poverty.view, cannot export.
func TestExportMaskedAndWatermarked(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		ids := []string{idNo("1968-03-02", 113), idNo("1975-11-20", 27)}
		household(t, s, "李德贵", ids[0])
		household(t, s, "=HYPERLINK(\"http://x\")", ids[1]) // a formula-like name
		e, err := s.Export(context.Background(), director, poverty.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if e.Rows != 2 || !strings.HasPrefix(e.Request, "PX-") {
			t.Fatalf("export %+v", e)
		}
		f, err := excelize.OpenReader(bytes.NewReader(e.File))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var all strings.Builder
		for _, sheet := range f.GetSheetList() {
			rows, err := f.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				all.WriteString(strings.Join(r, "|") + "\n")
			}
		}
		text := all.String()
		for _, clear := range []string{ids[0], ids[1], ids[0][6:14], "李德贵", "13805581234", "0558"} {
			if strings.Contains(text, clear) || bytes.Contains(e.File, []byte(clear)) {
				t.Errorf("the export holds %q in clear", clear)
			}
		}
		for _, want := range []string{"李*", "3412**********" + ids[0][14:], "138****1234"} {
			if !strings.Contains(text, want) {
				t.Errorf("the export lacks the masked %q:\n%s", want, text)
			}
		}
		if regexp.MustCompile(`(?m)^[^|]*\|=`).MatchString(text) {
			t.Errorf("a formula-like name was not guarded:\n%s", text)
		}
		if !strings.Contains(text, "导出人|王局长（juzhang）") || !strings.Contains(text, "导出编号|"+e.Request) || !strings.Contains(text, "导出时间|2026年11月20日 10:00:00") {
			t.Errorf("no watermark sheet:\n%s", text)
		}
		props, err := f.GetDocProps()
		if err != nil || props.Creator != "王局长（juzhang）" || props.Keywords != e.Request || !strings.Contains(props.Description, "已脱敏") {
			t.Errorf("document properties %+v %v", props, err)
		}
		if f.GetSheetList()[0] != "贫困户名单" || f.GetSheetList()[1] != xlsx.SheetWatermark {
			t.Errorf("sheets %v", f.GetSheetList())
		}

		evs, _, err := audit.List(context.Background(), d, audit.Filter{Action: "poverty.export"})
		if err != nil || len(evs) != 1 {
			t.Fatalf("audit events %v %v", evs, err)
		}
		sum := sm3.Sum(e.File)
		if ev := evs[0]; ev.ObjectID != e.Request || ev.ActorID != director.ID ||
			!strings.Contains(ev.After, `"sm3":"`+hex.EncodeToString(sum[:])+`"`) || !strings.Contains(ev.After, `"masked":true`) || !strings.Contains(ev.After, `"rows":2`) {
			t.Errorf("audit event %+v", ev)
		}

		other, err := s.Export(context.Background(), outsider, poverty.Filter{})
		if err != nil || other.Rows != 0 {
			t.Errorf("another district's export: %v rows, %v", other, err)
		}
		if _, err := s.Export(context.Background(), finance, poverty.Filter{}); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("finance exported the registry: %v", err)
		}
	})
}
