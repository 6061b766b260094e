package poverty

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"

	"github.com/emmansun/gmsm/sm3"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/web"
	"kejiju/internal/xlsx"
)

// ExportSheet is the registry's download: masked, as the lists show it.
var ExportSheet = xlsx.Sheet{Name: "贫困户名单", Columns: []xlsx.Column{
	{Key: "village", Header: "行政村", Width: 14},
	{Key: "head", Header: "户主（脱敏）", Width: 12},
	{Key: "head_id", Header: "户主身份证号（脱敏）", Width: 22},
	{Key: "phone", Header: "联系电话（脱敏）", Width: 14},
	{Key: "members", Header: "家庭人口", Width: 10},
	{Key: "cause", Header: "致贫原因", Width: 12},
	{Key: "status", Header: "状态", Width: 10},
	{Key: "cadre", Header: "帮扶责任人", Width: 12},
}}

// maxExport bounds one download of the registry.
const maxExport = 1000

// Export is a download of personal data made by Export.
type Export struct {
	File    []byte
	Name    string
	Rows    int
	SM3     string
	Request string
}

// Export writes the households of the filter in u's scope as a workbook
// with every personal field masked (names 张*, ID numbers
// 3412**********1234, phones 138****1234: there is no clear export),
// stamped with who exported it, when, and an export number, and records
// the export — rows, filter, export number and the file's SM3 digest — in
// the audit log before the file is handed out (PIPL; GB/T 35273 7.1;
// T-PII-05).
func (s *Service) Export(ctx context.Context, u *auth.User, f Filter) (*Export, error) {
	if err := mayView(u); err != nil {
		return nil, err
	}
	f.Limit, f.Offset = maxExport, 0
	items, total, err := s.Households(ctx, u, f)
	if err != nil {
		return nil, err
	}
	if total > maxExport {
		return nil, i18n.E(i18n.Invalid, "poverty.export.too_many", maxExport)
	}
	zh := i18n.Default().Printer(i18n.Chinese)
	var buf bytes.Buffer
	xw, err := xlsx.NewWriter(&buf, ExportSheet)
	if err != nil {
		return nil, err
	}
	for _, h := range items {
		if err := xw.Write([]any{h.VillageName, MaskName(h.HeadName), h.HeadIDMasked, h.PhoneMasked, h.MembersCount,
			zh.T("poverty.cause." + h.CauseCode), zh.T("poverty.status." + h.Status), h.Cadre}); err != nil {
			xw.Abort()
			return nil, err
		}
	}
	b := make([]byte, 8)
	rand.Read(b)
	e := &Export{Rows: len(items), Request: "PX-" + hex.EncodeToString(b)}
	if err := xw.Stamp(xlsx.Watermark{By: u.DisplayName + "（" + u.Username + "）", At: s.DB.Now(), Request: e.Request, Note: "个人信息已脱敏；仅限本单位工作使用，不得外传"}); err != nil {
		xw.Abort()
		return nil, err
	}
	if err := xw.Close(); err != nil {
		return nil, err
	}
	e.File = buf.Bytes()
	sum := sm3.Sum(e.File)
	e.SM3 = hex.EncodeToString(sum[:])
	e.Name = "贫困户名单" + calendar.FromTime(s.DB.Now(), calendar.Shanghai).String() + ".xlsx"
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		_, err := s.Audit.Append(ctx, tx, event(ctx, u, audit.Event{Action: "poverty.export", ObjectType: "poverty_household", ObjectID: e.Request, RegionCode: u.RegionCode,
			After: audit.JSON(map[string]any{"rows": e.Rows, "masked": true, "sm3": e.SM3, "file": e.Name,
				"filter": map[string]string{"village": f.RegionCode, "status": f.Status, "cause": f.CauseCode}})}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// export downloads the filtered registry, masked and stamped.
func (h *Handlers) export(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	e, err := h.Service.Export(r.Context(), web.UserFrom(r.Context()), Filter{RegionCode: q.Get("village"), Status: q.Get("status"), CauseCode: q.Get("cause")})
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	hd.Set("Content-Disposition", "attachment; filename=\"poverty.xlsx\"; filename*=UTF-8''"+url.PathEscape(e.Name))
	hd.Set("Cache-Control", "private, no-store")
	hd.Set("X-Export-Id", e.Request)
	_, err = w.Write(e.File)
	return err
}
