package enterprise

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/web"
	"kejiju/internal/xlsx"
)

// MaxImportBytes bounds an uploaded workbook.
const MaxImportBytes = 32 << 20

// ReadRows reads every row of an xlsx workbook or a CSV file (told apart
// by the zip signature) into memory for validation; rows are small, and an
// import is all or nothing, so it needs them all before writing any.
func ReadRows(r io.Reader, name string) ([]xlsx.Row, error) {
	br := bufio.NewReader(io.LimitReader(r, MaxImportBytes+1))
	head, _ := br.Peek(4)
	var rows []xlsx.Row
	collect := func(row xlsx.Row) error { rows = append(rows, row); return nil }
	var err error
	if bytes.HasPrefix(head, []byte("PK")) || strings.EqualFold(filepath.Ext(name), ".xlsx") {
		_, err = xlsx.Read(br, Sheet, MaxImportBytes, collect)
	} else {
		_, err = xlsx.ReadCSV(br, Sheet, collect)
	}
	return rows, err
}

// importPage shows the form and, after an upload, the report.
type importPage struct {
	Report   *ImportReport
	FileName string
}

var importCrumbs = []web.Crumb{listCrumb, {Key: "nav.enterprise_import"}}

func (h *Handlers) importForm(w http.ResponseWriter, r *http.Request) error {
	return h.Web.Render(w, r, "enterprise/import.html", "nav.enterprise_import", importPage{}, importCrumbs...)
}

// translate fills in each row error's message in the request's language.
func (h *Handlers) translate(r *http.Request, rep *ImportReport) {
	p := h.Web.Printer(r)
	for i, e := range rep.Errors {
		rep.Errors[i].Message = p.T(e.Key, e.Args...)
		if rep.Errors[i].Field != "" {
			rep.Errors[i].Field = columnHeader(e.Field)
		}
	}
}

// columnHeader names a field by its column header in the workbook.
func columnHeader(field string) string {
	for _, c := range Sheet.Columns {
		if c.Key == field {
			return c.Header
		}
	}
	return field
}

// runImport reads the upload and imports it (or previews it).
func (h *Handlers) runImport(w http.ResponseWriter, r *http.Request, dryRun bool) (*ImportReport, string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxImportBytes+1<<20)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return nil, "", i18n.FieldError("file", "enterprise.import.no_file")
	}
	defer f.Close()
	rows, err := ReadRows(f, hdr.Filename)
	if err != nil {
		return nil, hdr.Filename, err
	}
	tree, err := h.Regions.Tree(r.Context())
	if err != nil {
		return nil, hdr.Filename, err
	}
	reason := r.FormValue("reason")
	if reason == "" {
		reason = "批量导入：" + hdr.Filename
	}
	rep, err := h.Service.Import(r.Context(), web.UserFrom(r.Context()), tree, rows, ImportOptions{DryRun: dryRun, Reason: reason})
	if err != nil {
		return nil, hdr.Filename, err
	}
	h.translate(r, rep)
	return rep, hdr.Filename, nil
}

func (h *Handlers) importFile(w http.ResponseWriter, r *http.Request) error {
	// Bound the body before FormValue parses it (runImport's bound would
	// come too late for the form already read).
	r.Body = http.MaxBytesReader(w, r.Body, MaxImportBytes+1<<20)
	rep, name, err := h.runImport(w, r, r.FormValue("dry_run") != "")
	if err != nil {
		return h.Web.RenderForm(w, r, "enterprise/import.html", "nav.enterprise_import", importPage{FileName: name}, err, importCrumbs...)
	}
	if len(rep.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return h.Web.Render(w, r, "enterprise/import.html", "nav.enterprise_import", importPage{Report: rep, FileName: name}, importCrumbs...)
}

func (h *Handlers) apiImport(w http.ResponseWriter, r *http.Request) error {
	rep, _, err := h.runImport(w, r, r.URL.Query().Get("dry_run") != "")
	if err != nil {
		return err
	}
	status := http.StatusOK
	if len(rep.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return web.JSON(w, status, rep)
}

func attachment(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="kejiju.xlsx"; filename*=UTF-8''`+url.PathEscape(name))
}

func (h *Handlers) template(w http.ResponseWriter, r *http.Request) error {
	attachment(w, "企业名录导入模板.xlsx")
	return xlsx.WriteTemplate(w, Sheet)
}

// export writes the filtered list as a workbook with the template's
// columns, so an export can be edited and imported again.
func (h *Handlers) export(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	tree, err := h.Regions.Tree(r.Context())
	if err != nil {
		return err
	}
	attachment(w, "企业名录"+calendar.Today(nil).String()+".xlsx")
	xw, err := xlsx.NewWriter(w, Sheet)
	if err != nil {
		return err
	}
	f := filterOf(r, web.Page{})
	err = h.Service.Each(r.Context(), u, f, func(e *Enterprise) error {
		var on, capital, town string
		if !e.RegisteredOn.IsZero() {
			on = e.RegisteredOn.String()
		}
		if e.RegisteredCapital != 0 {
			capital = strings.ReplaceAll(e.RegisteredCapital.Wan(), ",", "")
		}
		town = e.RegionCode
		if rr, ok := tree.Lookup(e.RegionCode); ok {
			town = rr.Name
		}
		return xw.Write([]any{e.CreditCode, e.Name, e.LegalRep, on, capital, e.Address, town, e.IndustryCode, e.TechField, e.ContactName, e.ContactPhone})
	})
	if err != nil {
		xw.Abort()
		return err
	}
	return xw.Close()
}
