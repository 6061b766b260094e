package enterprise

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
	f := filterOf(r, web.Page{Limit: limit, Offset: offset, Sort: q.Get("sort")})
	items, total, err := h.Service.List(r.Context(), web.UserFrom(r.Context()), f)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"total": total, "items": items})
}

// apiInput is an enterprise as the API takes it, with the reason for the
// change and, for updates, the version the client read.
type apiInput struct {
	Input
	Version int    `json:"version"`
	Reason  string `json:"reason"`
}

func (h *Handlers) apiCreate(w http.ResponseWriter, r *http.Request) error {
	var in apiInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	e, err := h.Service.Create(r.Context(), web.UserFrom(r.Context()), in.Input, in.Reason)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, e)
}

func (h *Handlers) apiGet(w http.ResponseWriter, r *http.Request) error {
	e, err := h.get(r)
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	years, err := h.Service.Years(r.Context(), u, e.ID)
	if err != nil {
		return err
	}
	statuses, err := h.Service.Statuses(r.Context(), u, e.ID)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"enterprise": e, "years": years, "statuses": statuses})
}

func (h *Handlers) apiUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in apiInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	e, err := h.Service.Update(r.Context(), web.UserFrom(r.Context()), id, in.Version, in.Input, in.Reason)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, e)
}

func (h *Handlers) apiSaveYear(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return i18n.E(i18n.NotFound, "error.not_found")
	}
	var in struct {
		Year
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	in.Year.EnterpriseID, in.Year.Year = id, year
	if err := h.Service.SaveYear(r.Context(), web.UserFrom(r.Context()), in.Year, in.Reason); err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"saved": true})
}
