package program

import (
	"net/http"
	"strconv"

	"kejiju/internal/web"
)

// apiPage reads ?limit=&offset= of an API list.
func apiPage(r *http.Request) (int, int) {
	q := r.URL.Query()
	lim, _ := strconv.Atoi(q.Get("limit"))
	off, _ := strconv.Atoi(q.Get("offset"))
	return lim, off
}

func (h *Handlers) apiCalls(w http.ResponseWriter, r *http.Request) error {
	lim, off := apiPage(r)
	q := r.URL.Query()
	year, _ := strconv.Atoi(q.Get("year"))
	items, total, err := h.Service.Calls(r.Context(), web.UserFrom(r.Context()), CallFilter{Year: year, Type: q.Get("type"),
		Status: q.Get("status"), Limit: lim, Offset: off})
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"total": total, "items": items})
}

// apiCallInput is a call as the API takes it: open publishes it at once.
type apiCallInput struct {
	CallInput
	Open bool `json:"open"`
}

func (h *Handlers) apiCreateCall(w http.ResponseWriter, r *http.Request) error {
	var in apiCallInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	c, err := h.Service.CreateCall(r.Context(), u, in.CallInput)
	if err != nil {
		return err
	}
	if in.Open {
		if c, err = h.Service.OpenCall(r.Context(), u, c.ID); err != nil {
			return err
		}
	}
	return web.JSON(w, http.StatusCreated, c)
}

func (h *Handlers) apiCallApplications(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Service.Call(r.Context(), web.UserFrom(r.Context()), id); err != nil {
		return err // a call the caller may not see answers as no call
	}
	lim, off := apiPage(r)
	items, total, err := h.Service.Applications(r.Context(), web.UserFrom(r.Context()), AppFilter{CallID: id,
		State: r.URL.Query().Get("state"), Limit: lim, Offset: off})
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (h *Handlers) apiCreateApplication(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		CallID int64 `json:"call_id"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := h.Service.CreateDraft(r.Context(), web.UserFrom(r.Context()), in.CallID)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, a)
}

func (h *Handlers) apiApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	a, err := h.Service.Application(r.Context(), u, id)
	if err != nil {
		return err
	}
	ret, err := h.Service.ReturnReasons(r.Context(), u, a)
	if err != nil {
		return err
	}
	var actions []string
	for _, t := range Actions(u, a) {
		actions = append(actions, t.Action)
	}
	return web.JSON(w, http.StatusOK, map[string]any{"application": a, "returned": ret, "actions": actions})
}

func (h *Handlers) apiSaveApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Answers map[string]string `json:"answers"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := h.Service.SaveDraft(r.Context(), web.UserFrom(r.Context()), id, in.Answers)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, a)
}

func (h *Handlers) apiSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	a, err := h.Service.Submit(r.Context(), web.UserFrom(r.Context()), id, r.Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, a)
}

func (h *Handlers) apiAct(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in ActionInput
	if r.ContentLength != 0 {
		if err := web.DecodeJSON(w, r, &in); err != nil {
			return err
		}
	}
	a, err := h.Service.Act(r.Context(), web.UserFrom(r.Context()), id, r.PathValue("action"), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, a)
}

func (h *Handlers) apiSaveContract(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in ContractInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := h.Service.SaveContract(r.Context(), web.UserFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, a)
}

func (h *Handlers) apiFund(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in FundInput
	if r.ContentLength != 0 {
		if err := web.DecodeJSON(w, r, &in); err != nil {
			return err
		}
	}
	if k := r.Header.Get("Idempotency-Key"); k != "" {
		in.Key = k
	}
	f, err := h.Service.Appropriate(r.Context(), web.UserFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, f)
}
