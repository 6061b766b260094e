package event

import (
	"net/http"

	"kejiju/internal/web"
)

func (h *Handlers) apiList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := filterOf(q)
	f.Limit, f.Offset, f.Sort = web.Int(q.Get("limit")), web.Int(q.Get("offset")), q.Get("sort")
	return web.ListJSON(w, r, f, h.Service.Events)
}

func (h *Handlers) apiCreate(w http.ResponseWriter, r *http.Request) error {
	return web.CreateJSON(w, r, h.Service.Create)
}

func (h *Handlers) apiGet(w http.ResponseWriter, r *http.Request) error {
	return web.GetJSON(w, r, h.get)
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
