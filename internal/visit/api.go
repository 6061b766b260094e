package visit

import (
	"net/http"
	"strconv"

	"kejiju/internal/web"
)

// apiPage reads ?limit=&offset=&sort= of an API list.
func apiPage(r *http.Request) web.Page {
	q := r.URL.Query()
	lim, _ := strconv.Atoi(q.Get("limit"))
	off, _ := strconv.Atoi(q.Get("offset"))
	return web.Page{Limit: lim, Offset: off, Sort: q.Get("sort")}
}

func (h *Handlers) apiVisits(w http.ResponseWriter, r *http.Request) error {
	items, total, err := h.Service.Visits(r.Context(), web.UserFrom(r.Context()), visitFilterOf(r, apiPage(r)))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"total": total, "items": items})
}

// apiVisitInput is a visit as the API takes it, with the reason for a
// change and, for updates, the version the client read.
type apiVisitInput struct {
	VisitInput
	Version int    `json:"version"`
	Reason  string `json:"reason"`
}

func (h *Handlers) apiCreateVisit(w http.ResponseWriter, r *http.Request) error {
	var in apiVisitInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := h.Service.CreateVisit(r.Context(), web.UserFrom(r.Context()), in.VisitInput)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, v)
}

func (h *Handlers) apiVisit(w http.ResponseWriter, r *http.Request) error {
	v, err := h.getVisit(r)
	if err != nil {
		return err
	}
	needs, _, err := h.Service.Needs(r.Context(), web.UserFrom(r.Context()), NeedFilter{VisitID: v.ID, Limit: 1000, Sort: "collected_on"})
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"visit": v, "needs": needs})
}

func (h *Handlers) apiUpdateVisit(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in apiVisitInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := h.Service.UpdateVisit(r.Context(), web.UserFrom(r.Context()), id, in.Version, in.VisitInput, in.Reason)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, v)
}

func (h *Handlers) apiNeeds(w http.ResponseWriter, r *http.Request) error {
	items, total, err := h.Service.Needs(r.Context(), web.UserFrom(r.Context()), needFilterOf(r, apiPage(r)))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"total": total, "items": items})
}

// apiNeedInput is a need as the API takes it.
type apiNeedInput struct {
	NeedInput
	Version int    `json:"version"`
	Reason  string `json:"reason"`
}

func (h *Handlers) apiCreateNeed(w http.ResponseWriter, r *http.Request) error {
	var in apiNeedInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := h.Service.CreateNeed(r.Context(), web.UserFrom(r.Context()), in.NeedInput)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, n)
}

func (h *Handlers) apiNeed(w http.ResponseWriter, r *http.Request) error {
	n, err := h.getNeed(r)
	if err != nil {
		return err
	}
	hist, err := h.Service.History(r.Context(), web.UserFrom(r.Context()), n.ID)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"need": n, "history": hist})
}

func (h *Handlers) apiUpdateNeed(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in apiNeedInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := h.Service.UpdateNeed(r.Context(), web.UserFrom(r.Context()), id, in.Version, in.NeedInput, in.Reason)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, n)
}

func (h *Handlers) apiTransition(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		To     string `json:"to"`
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := h.Service.Transition(r.Context(), web.UserFrom(r.Context()), id, in.To, in.Reason)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, n)
}

func (h *Handlers) apiBatches(w http.ResponseWriter, r *http.Request) error {
	p := apiPage(r)
	items, total, err := h.Service.Batches(r.Context(), web.UserFrom(r.Context()), p.Limit, p.Offset)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (h *Handlers) apiCreateBatch(w http.ResponseWriter, r *http.Request) error {
	var in BatchInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	b, err := h.Service.CreateBatch(r.Context(), web.UserFrom(r.Context()), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, b)
}

func (h *Handlers) apiMatches(w http.ResponseWriter, r *http.Request) error {
	items, total, err := h.Service.Matches(r.Context(), web.UserFrom(r.Context()), matchFilterOf(r, apiPage(r)))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (h *Handlers) apiCreateMatch(w http.ResponseWriter, r *http.Request) error {
	var in MatchInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := h.Service.CreateMatch(r.Context(), web.UserFrom(r.Context()), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, m)
}
