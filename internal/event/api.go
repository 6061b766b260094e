package event

import (
	"net/http"

	"kejiju/internal/web"
)

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (h *Handlers) apiList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := filterOf(q)
	f.Limit, f.Offset, f.Sort = web.Int(q.Get("limit")), web.Int(q.Get("offset")), q.Get("sort")
	items, total, err := h.Service.Events(r.Context(), web.UserFrom(r.Context()), f)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"total": total, "items": nonNil(items)})
}

func (h *Handlers) apiCreate(w http.ResponseWriter, r *http.Request) error {
	var in Input
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	e, err := h.Service.Create(r.Context(), web.UserFrom(r.Context()), in)
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
	return web.JSON(w, http.StatusOK, e)
}

func (h *Handlers) apiUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Input
		Version int `json:"version"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	e, err := h.Service.Update(r.Context(), web.UserFrom(r.Context()), id, in.Version, in.Input)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, e)
}

func (h *Handlers) apiSummary(w http.ResponseWriter, r *http.Request) error {
	d, err := h.summaryData(r)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"year": d.Year, "rows": d.Rows})
}
