package patent

import (
	"net/http"
	"strconv"

	"kejiju/internal/i18n"
	"kejiju/internal/web"
)

func (h *Handlers) apiList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	offset, _ := strconv.Atoi(q.Get("offset"))
	f := filterOf(q, web.Page{Limit: limit, Offset: offset, Sort: q.Get("sort")})
	items, total, err := h.Service.List(r.Context(), web.UserFrom(r.Context()), f)
	if err != nil {
		return err
	}
	if items == nil {
		items = []*Patent{}
	}
	return web.JSON(w, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (h *Handlers) apiGet(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	p, err := h.Service.Get(r.Context(), u, id)
	if err != nil {
		return err
	}
	hist, err := h.Service.History(r.Context(), u, id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"patent": p, "history": hist})
}

func (h *Handlers) apiCreate(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Input
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.Service.Create(r.Context(), web.UserFrom(r.Context()), in.Input, in.Reason)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, p)
}

func (h *Handlers) apiStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var ch StatusChange
	if err := web.DecodeJSON(w, r, &ch); err != nil {
		return err
	}
	p, err := h.Service.SetStatus(r.Context(), web.UserFrom(r.Context()), id, ch)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, p)
}

func (h *Handlers) apiImport(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	r.Body = http.MaxBytesReader(w, r.Body, MaxImportBytes+1<<20)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return i18n.FieldError("file", "patent.import.no_file")
	}
	defer f.Close()
	q := r.URL.Query()
	mapping, err := h.Service.Mapping(r.Context(), q.Get("source"))
	if err != nil {
		return err
	}
	rows, err := ReadRows(f, hdr.Filename, SheetFor(mapping))
	if err != nil {
		return err
	}
	tree, err := h.Regions.Tree(r.Context())
	if err != nil {
		return err
	}
	rep, err := h.Service.Import(r.Context(), u, tree, rows, ImportOptions{DryRun: q.Get("dry_run") != "", Source: q.Get("source"),
		Reason: "接口导入：" + hdr.Filename})
	if err != nil {
		return err
	}
	h.translate(r, rep)
	status := http.StatusOK
	if len(rep.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return web.JSON(w, status, rep)
}

func (h *Handlers) apiStats(w http.ResponseWriter, r *http.Request) error {
	p, reg := periodOf(r.URL.Query())
	st, err := h.Service.Statistics(r.Context(), web.UserFrom(r.Context()), StatsQuery{Period: p, RegionCode: reg})
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"stats": st, "summary": st.Summary()})
}

func (h *Handlers) apiAgencies(w http.ResponseWriter, r *http.Request) error {
	items, err := h.Service.Agencies(r.Context(), web.UserFrom(r.Context()))
	if err != nil {
		return err
	}
	if items == nil {
		items = []Agency{}
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": items})
}

func (h *Handlers) apiLoans(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	items, err := h.Service.Loans(r.Context(), web.UserFrom(r.Context()), q.Get("status"), limit)
	if err != nil {
		return err
	}
	if items == nil {
		items = []*Loan{}
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": items})
}

func (h *Handlers) apiCreateLoan(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		LoanInput
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	l, err := h.Service.CreateLoan(r.Context(), web.UserFrom(r.Context()), in.LoanInput, in.Reason)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, l)
}

func (h *Handlers) apiMoveLoan(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Status         string `json:"status"`
		RegistrationNo string `json:"registration_no"`
		Reason         string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	l, err := h.Service.MoveLoan(r.Context(), web.UserFrom(r.Context()), id, in.Status, in.RegistrationNo, in.Reason)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, l)
}
