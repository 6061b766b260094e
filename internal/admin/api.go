package admin

import (
	"net/http"
	"strconv"

	"kejiju/internal/auth"
	"kejiju/internal/i18n"
	"kejiju/internal/web"
)

func (h *Handlers) apiUsers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	offset, _ := strconv.Atoi(q.Get("offset"))
	users, total, err := h.Auth.Users(r.Context(), auth.UserFilter{Query: q.Get("q"), Role: auth.Role(q.Get("role")), RegionCode: q.Get("region"), Limit: limit, Offset: offset, Sort: q.Get("sort")})
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"total": total, "items": users})
}

func (h *Handlers) apiCreateUser(w http.ResponseWriter, r *http.Request) error {
	var in auth.UserInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	u, pw, err := h.Auth.CreateUser(r.Context(), web.UserFrom(r.Context()), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, map[string]any{"user": u, "initial_password": pw})
}

func (h *Handlers) apiRegions(w http.ResponseWriter, r *http.Request) error {
	nodes, err := h.visibleRegions(r, web.UserFrom(r.Context()))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": nodes})
}

func (h *Handlers) apiAudit(w http.ResponseWriter, r *http.Request) error {
	p := web.ListPage(r, 100)
	f, err := auditFilter(r, p)
	if err != nil {
		return err
	}
	evs, total, err := h.searchAudit(r, f)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"total": total, "items": evs})
}

func (h *Handlers) apiAddOverride(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Value  string `json:"value"`
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	ov, err := h.Overrides.Add(r.Context(), in.Value, in.Reason)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, ov)
}

func (h *Handlers) apiWorkdays(w http.ResponseWriter, r *http.Request) error {
	a, err := h.workdays(r)
	if err != nil {
		return err
	}
	if a == nil {
		return i18n.FieldError("start", "error.required")
	}
	return web.JSON(w, http.StatusOK, map[string]any{"start": a.Start, "days": a.Days, "publicity_end": a.End,
		"workdays_after": a.After, "provisional": a.Provisional})
}
