package quake

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

func (h *Handlers) apiAssistants(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := assistantFilterOf(q)
	f.Limit, f.Offset = web.Int(q.Get("limit")), web.Int(q.Get("offset"))
	u := web.UserFrom(r.Context())
	items, total, err := h.Service.Assistants(r.Context(), u, f)
	if err != nil {
		return err
	}
	vacant, err := h.Service.Vacant(r.Context(), u)
	if err != nil {
		return err
	}
	codes := []string{}
	for _, t := range vacant {
		codes = append(codes, t.Code)
	}
	return web.JSON(w, http.StatusOK, map[string]any{"total": total, "items": nonNil(items), "vacant": codes})
}

func (h *Handlers) apiRegister(w http.ResponseWriter, r *http.Request) error {
	return web.CreateJSON(w, r, h.Service.RegisterAssistant)
}

func (h *Handlers) apiAssistant(w http.ResponseWriter, r *http.Request) error {
	d, err := h.assistantData(r)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"assistant": d.A, "history": d.History, "trainings": nonNil(d.Trainings)})
}

func (h *Handlers) apiReplace(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		AssistantInput
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := h.Service.ReplaceAssistant(r.Context(), web.UserFrom(r.Context()), id, in.AssistantInput, in.Reason)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, a)
}

func (h *Handlers) apiDrills(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := drillFilterOf(q)
	f.Limit, f.Offset, f.Sort = web.Int(q.Get("limit")), web.Int(q.Get("offset")), q.Get("sort")
	return web.ListJSON(w, r, f, h.Service.Drills)
}

func (h *Handlers) apiCreateDrill(w http.ResponseWriter, r *http.Request) error {
	return web.CreateJSON(w, r, h.Service.CreateDrill)
}

func (h *Handlers) apiDrill(w http.ResponseWriter, r *http.Request) error {
	return web.GetJSON(w, r, h.getDrill)
}

func (h *Handlers) apiPublicity(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := PublicityFilter{Year: web.Int(q.Get("year")), RegionCode: q.Get("region"), Query: q.Get("q"), Limit: web.Int(q.Get("limit")), Offset: web.Int(q.Get("offset"))}
	return web.ListJSON(w, r, f, h.Service.Publicities)
}

func (h *Handlers) apiCreatePublicity(w http.ResponseWriter, r *http.Request) error {
	return web.CreateJSON(w, r, h.Service.CreatePublicity)
}

func (h *Handlers) apiSummary(w http.ResponseWriter, r *http.Request) error {
	d, err := h.summaryData(r)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"year": d.Year, "rows": d.Rows})
}
