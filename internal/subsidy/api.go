package subsidy

import (
	"net/http"

	"kejiju/internal/web"
)

func (h *Handlers) apiList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := filterOf(q)
	f.Limit, f.Offset = web.Int(q.Get("limit")), web.Int(q.Get("offset"))
	items, total, err := h.Service.Claims(r.Context(), web.UserFrom(r.Context()), f)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"total": total, "items": nonNil(items)})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (h *Handlers) apiSubmit(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ClaimInput
		Preview bool `json:"preview"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Key == "" {
		in.Key = r.Header.Get("Idempotency-Key")
	}
	u := web.UserFrom(r.Context())
	if in.Preview {
		c, err := h.Service.Calculate(r.Context(), u, in.ClaimInput)
		if err != nil {
			return err
		}
		return web.JSON(w, http.StatusOK, c)
	}
	c, err := h.Service.Submit(r.Context(), u, in.ClaimInput)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, c)
}

// apiOn decodes the body into v (when not nil), runs act on the claim of
// the path and answers with the claim.
func (h *Handlers) apiOn(w http.ResponseWriter, r *http.Request, v any, act func(id int64) (*Claim, error)) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	if v != nil {
		if err := web.DecodeJSON(w, r, v); err != nil {
			return err
		}
	}
	c, err := act(id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, c)
}

func (h *Handlers) apiApprove(w http.ResponseWriter, r *http.Request) error {
	return h.apiOn(w, r, nil, func(id int64) (*Claim, error) {
		return h.Service.Approve(r.Context(), web.UserFrom(r.Context()), id)
	})
}

func (h *Handlers) apiReject(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reason string `json:"reason"`
	}
	return h.apiOn(w, r, &in, func(id int64) (*Claim, error) {
		return h.Service.Reject(r.Context(), web.UserFrom(r.Context()), id, in.Reason)
	})
}

func (h *Handlers) apiPay(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		BankRef string `json:"bank_ref"`
	}
	return h.apiOn(w, r, &in, func(id int64) (*Claim, error) {
		return h.Service.Pay(r.Context(), web.UserFrom(r.Context()), id, in.BankRef)
	})
}

func (h *Handlers) apiPolicies(w http.ResponseWriter, r *http.Request) error {
	items, err := h.Service.Policies(r.Context())
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": nonNil(items)})
}
