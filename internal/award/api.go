package award

import (
	"net/http"
	"strconv"

	"kejiju/internal/web"
)

func (h *Handlers) apiRounds(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	year, _ := strconv.Atoi(q.Get("year"))
	lim, _ := strconv.Atoi(q.Get("limit"))
	off, _ := strconv.Atoi(q.Get("offset"))
	items, total, err := h.Service.Rounds(r.Context(), web.UserFrom(r.Context()), year, lim, off)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (h *Handlers) apiNominate(w http.ResponseWriter, r *http.Request) error {
	var in NominationInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := h.Service.Nominate(r.Context(), web.UserFrom(r.Context()), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, n)
}

func (h *Handlers) apiAct(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	action := r.PathValue("action")
	var n *Nomination
	if action == "submit" || action == "resubmit" {
		n, err = h.Service.Submit(r.Context(), u, id, r.Header.Get("Idempotency-Key"))
	} else {
		var in ActionInput
		if err := web.DecodeJSON(w, r, &in); err != nil {
			return err
		}
		n, err = h.Service.Act(r.Context(), u, id, action, in)
	}
	if err != nil {
		return err
	}
	var actions []string
	for _, t := range Actions(u, n) {
		actions = append(actions, t.Action)
	}
	return web.JSON(w, http.StatusOK, map[string]any{"nomination": n, "actions": actions})
}
