package poverty

import (
	"net/http"
	"strconv"

	"kejiju/internal/web"
)

func (h *Handlers) apiHouseholds(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	lim, _ := strconv.Atoi(q.Get("limit"))
	off, _ := strconv.Atoi(q.Get("offset"))
	if lim <= 0 {
		lim = 100
	}
	items, total, err := h.Service.Households(r.Context(), web.UserFrom(r.Context()), Filter{RegionCode: q.Get("village"), Status: q.Get("status"),
		CauseCode: q.Get("cause"), Limit: lim, Offset: off})
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": items, "total": total})
}

func (h *Handlers) apiCreateHousehold(w http.ResponseWriter, r *http.Request) error {
	var in HouseholdInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	hh, err := h.Service.CreateHousehold(r.Context(), web.UserFrom(r.Context()), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, hh)
}

func (h *Handlers) apiHousehold(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	rec, err := h.Service.Record(r.Context(), web.UserFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, rec)
}

func (h *Handlers) apiAddMember(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in MemberInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := h.Service.AddMember(r.Context(), web.UserFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, m)
}

func (h *Handlers) apiReveal(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in RevealInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := h.Service.Reveal(r.Context(), web.UserFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"household_id": id, "field": in.Field, "member_id": in.MemberID, "value": v})
}

func (h *Handlers) apiLookup(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		IDNumber string `json:"id_number"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	hh, err := h.Service.Lookup(r.Context(), web.UserFrom(r.Context()), in.IDNumber)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, hh)
}

func (h *Handlers) apiCreateChange(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in ChangeInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.Service.CreateChange(r.Context(), web.UserFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, c)
}

func (h *Handlers) apiAct(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.Service.Act(r.Context(), web.UserFrom(r.Context()), id, r.PathValue("action"), in.Reason)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, c)
}

func (h *Handlers) apiProjects(w http.ResponseWriter, r *http.Request) error {
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	items, err := h.Service.Projects(r.Context(), web.UserFrom(r.Context()), year)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": items, "totals": Totals(items)})
}

func (h *Handlers) apiCreateProject(w http.ResponseWriter, r *http.Request) error {
	var in ProjectInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.Service.CreateProject(r.Context(), web.UserFrom(r.Context()), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, p)
}
