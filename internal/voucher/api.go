package voucher

import (
	"net/http"
	"strconv"

	"kejiju/internal/web"
)

func (h *Handlers) apiBatches(w http.ResponseWriter, r *http.Request) error {
	lim, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	items, err := h.Service.Batches(r.Context(), web.UserFrom(r.Context()), lim)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": items})
}

func (h *Handlers) apiVouchers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	batch, _ := strconv.ParseInt(q.Get("batch_id"), 10, 64)
	lim, _ := strconv.Atoi(q.Get("limit"))
	off, _ := strconv.Atoi(q.Get("offset"))
	items, total, err := h.Service.Vouchers(r.Context(), web.UserFrom(r.Context()), VoucherFilter{BatchID: batch, Limit: lim, Offset: off})
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (h *Handlers) apiApply(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in ApplyInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := h.Service.Apply(r.Context(), web.UserFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, v)
}

func (h *Handlers) apiClaim(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in ClaimInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.Service.Submit(r.Context(), web.UserFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, c)
}

func (h *Handlers) apiApprove(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Service.Approve(r.Context(), web.UserFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, c)
}

func (h *Handlers) apiPay(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		BankRef string `json:"bank_ref"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.Service.Pay(r.Context(), web.UserFrom(r.Context()), id, in.BankRef)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, c)
}
