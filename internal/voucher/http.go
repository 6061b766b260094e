package voucher

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/web"
)

// Handlers serve the pages of innovation vouchers.
type Handlers struct {
	Web     *web.Server
	Service *Service
}

var (
	batchesCrumb  = web.Crumb{Key: "nav.voucher_batches", Href: "/vouchers/batches"}
	vouchersCrumb = web.Crumb{Key: "nav.vouchers", Href: "/vouchers"}
	claimsCrumb   = web.Crumb{Key: "nav.voucher_claims", Href: "/vouchers/claims"}
)

// --- Batches ---

type batchList struct {
	Items  []*Batch
	Manage bool
}

func (h *Handlers) batches(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	items, err := h.Service.Batches(r.Context(), u, 200)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "voucher/batches.html", "nav.voucher_batches", batchList{Items: items, Manage: CanManage(u)}, batchesCrumb)
}

// batchInputOf reads the batch form: the rate in percent, services one per
// line, providers one per line as "统一社会信用代码|名称|法定代表人|地址|电话".
func batchInputOf(f url.Values) (BatchInput, i18n.Problems) {
	var p i18n.Problems
	in := BatchInput{Title: f.Get("title"), Budget: f.Get("budget"), EnterpriseCap: f.Get("enterprise_cap"), ClaimCap: f.Get("claim_cap"),
		ValidFrom: f.Get("valid_from"), ValidTo: f.Get("valid_to"), Services: web.Lines(f.Get("services"))}
	in.Year, _ = strconv.Atoi(strings.TrimSpace(f.Get("year")))
	if rate := strings.TrimSpace(f.Get("rate")); rate != "" {
		pct, err := strconv.ParseFloat(rate, 64)
		if err != nil {
			p.Add("rate_bp", "error.invalid_value")
		}
		in.RateBP = int64(pct*100 + 0.5)
	}
	for _, l := range web.Lines(f.Get("providers")) {
		fs := strings.Split(l, "|")
		for len(fs) < 5 {
			fs = append(fs, "")
		}
		in.Providers = append(in.Providers, Provider{CreditCode: strings.TrimSpace(fs[0]), Name: strings.TrimSpace(fs[1]),
			LegalRep: strings.TrimSpace(fs[2]), Address: strings.TrimSpace(fs[3]), Phone: strings.TrimSpace(fs[4])})
	}
	return in, p
}

func (h *Handlers) newBatch(w http.ResponseWriter, r *http.Request) error {
	y := time.Now().In(calendar.Shanghai).Year()
	v := url.Values{"year": {strconv.Itoa(y)}, "rate": {strconv.FormatFloat(float64(DefaultRateBP)/100, 'f', -1, 64)},
		"valid_from": {strconv.Itoa(y) + "-01-01"}, "valid_to": {strconv.Itoa(y) + "-12-31"}}
	return h.Web.RenderValues(w, r, "voucher/batch_form.html", "voucher.batch.new", nil, v, batchesCrumb, web.Crumb{Key: "voucher.batch.new"})
}

func (h *Handlers) createBatch(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	in, p := batchInputOf(r.PostForm)
	var b *Batch
	var err error
	if len(p) == 0 {
		b, err = h.Service.CreateBatch(r.Context(), web.UserFrom(r.Context()), in)
	}
	if err = p.With(err); err != nil {
		return h.Web.RenderForm(w, r, "voucher/batch_form.html", "voucher.batch.new", nil, err, batchesCrumb, web.Crumb{Key: "voucher.batch.new"})
	}
	return h.Web.Redirect(w, r, "/vouchers/batches/"+idOf(b.ID), "voucher.batch.saved")
}

type batchPage struct {
	B        *Batch
	Vouchers []*Voucher
	Page     web.Page
	Manage   bool
	Apply    bool
}

func (h *Handlers) batchData(r *http.Request) (batchPage, error) {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return batchPage{}, err
	}
	u := web.UserFrom(r.Context())
	b, err := h.Service.Batch(r.Context(), u, id)
	if err != nil {
		return batchPage{}, err
	}
	d := batchPage{B: b, Page: web.ListPage(r, 50), Manage: CanManage(u), Apply: CanApply(u)}
	d.Vouchers, d.Page.Total, err = h.Service.Vouchers(r.Context(), u, VoucherFilter{BatchID: id, Limit: d.Page.Limit, Offset: d.Page.Offset})
	return d, err
}

func (h *Handlers) showBatch(w http.ResponseWriter, r *http.Request) error {
	d, err := h.batchData(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "voucher/batch.html", "nav.voucher_batches", d, batchesCrumb, web.Crumb{Key: "nav.voucher_batches"})
}

func (h *Handlers) apply(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	v, err := h.Service.Apply(r.Context(), web.UserFrom(r.Context()), id,
		ApplyInput{Face: r.PostForm.Get("face"), Shareholders: web.Lines(r.PostForm.Get("shareholders"))})
	if err != nil {
		if !web.Shown(err) {
			return err
		}
		d, derr := h.batchData(r)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "voucher/batch.html", "nav.voucher_batches", d, err, batchesCrumb, web.Crumb{Key: "nav.voucher_batches"})
	}
	return h.Web.Redirect(w, r, "/vouchers/"+idOf(v.ID), "voucher.applied")
}

// --- Vouchers ---

type voucherList struct {
	Items []*Voucher
	Page  web.Page
}

func (h *Handlers) vouchers(w http.ResponseWriter, r *http.Request) error {
	d := voucherList{Page: web.ListPage(r, 50)}
	var err error
	d.Items, d.Page.Total, err = h.Service.Vouchers(r.Context(), web.UserFrom(r.Context()), VoucherFilter{Limit: d.Page.Limit, Offset: d.Page.Offset})
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "voucher/vouchers.html", "nav.vouchers", d, vouchersCrumb)
}

type voucherPage struct {
	V      *Voucher
	B      *Batch
	Claims []*Claim
	Manage bool
	Apply  bool
	Pay    bool
}

func (h *Handlers) voucherData(r *http.Request, id int64) (voucherPage, error) {
	u := web.UserFrom(r.Context())
	v, err := h.Service.Voucher(r.Context(), u, id)
	if err != nil {
		return voucherPage{}, err
	}
	d := voucherPage{V: v, Manage: CanManage(u), Apply: CanApply(u), Pay: CanPay(u)}
	if d.B, err = h.Service.Batch(r.Context(), u, v.BatchID); err != nil {
		return d, err
	}
	d.Claims, _, err = h.Service.Claims(r.Context(), u, ClaimFilter{VoucherID: id, Limit: 1000})
	return d, err
}

func (h *Handlers) showVoucher(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	d, err := h.voucherData(r, id)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "voucher/voucher.html", "nav.vouchers", d, vouchersCrumb, web.Crumb{Key: "nav.vouchers"})
}

// onVoucher runs an action on the voucher of the path, or on one of its
// claims (voucherOf finds the claim's voucher), and returns to the
// voucher's page: with the errors on it when the input was refused.
func (h *Handlers) onVoucher(w http.ResponseWriter, r *http.Request, flash string, voucherOf func(id int64) (int64, error), act func(id int64) error) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	vid, err := voucherOf(id)
	if err != nil {
		return err
	}
	if err := act(id); err != nil {
		if !web.Shown(err) {
			return err
		}
		d, derr := h.voucherData(r, vid)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "voucher/voucher.html", "nav.vouchers", d, err, vouchersCrumb, web.Crumb{Key: "nav.vouchers"})
	}
	return h.Web.Redirect(w, r, "/vouchers/"+idOf(vid), flash)
}

func itself(id int64) (int64, error) { return id, nil }

func (h *Handlers) claimVoucher(r *http.Request) func(id int64) (int64, error) {
	return func(id int64) (int64, error) {
		c, err := h.Service.Claim(r.Context(), web.UserFrom(r.Context()), id)
		if err != nil {
			return 0, err
		}
		return c.VoucherID, nil
	}
}

func (h *Handlers) issue(w http.ResponseWriter, r *http.Request) error {
	return h.onVoucher(w, r, "voucher.issued", itself, func(id int64) error {
		_, err := h.Service.Issue(r.Context(), web.UserFrom(r.Context()), id)
		return err
	})
}

func (h *Handlers) submit(w http.ResponseWriter, r *http.Request) error {
	return h.onVoucher(w, r, "voucher.claim.submitted", itself, func(id int64) error {
		f := r.PostForm
		_, err := h.Service.Submit(r.Context(), web.UserFrom(r.Context()), id, ClaimInput{ProviderCode: f.Get("provider_code"),
			Service: f.Get("service"), ContractNo: f.Get("contract_no"), InvoiceNo: f.Get("invoice_no"), PaidAmount: f.Get("paid_amount"),
			PaidOn: f.Get("paid_on"), Evidence: f.Get("evidence")})
		return err
	})
}

// --- Claims ---

type claimList struct {
	Items  []*Claim
	Page   web.Page
	Status string
	Manage bool
	Pay    bool
}

func (h *Handlers) claims(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	st := r.URL.Query().Get("status")
	switch st {
	case ClaimSubmitted, ClaimApproved, ClaimPaid:
	default:
		st = ""
	}
	p := web.ListPage(r, 50)
	items, total, err := h.Service.Claims(r.Context(), u, ClaimFilter{Status: st, Limit: p.Limit, Offset: p.Offset})
	if err != nil {
		return err
	}
	p.Total = total
	return h.Web.Render(w, r, "voucher/claims.html", "nav.voucher_claims", claimList{Items: items, Page: p, Status: st, Manage: CanManage(u), Pay: CanPay(u)}, claimsCrumb)
}

func (h *Handlers) approve(w http.ResponseWriter, r *http.Request) error {
	return h.onVoucher(w, r, "voucher.claim.approved_flash", h.claimVoucher(r), func(id int64) error {
		_, err := h.Service.Approve(r.Context(), web.UserFrom(r.Context()), id)
		return err
	})
}

func (h *Handlers) pay(w http.ResponseWriter, r *http.Request) error {
	return h.onVoucher(w, r, "voucher.claim.paid_flash", h.claimVoucher(r), func(id int64) error {
		_, err := h.Service.Pay(r.Context(), web.UserFrom(r.Context()), id, r.PostForm.Get("bank_ref"))
		return err
	})
}
