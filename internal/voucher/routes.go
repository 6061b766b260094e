package voucher

import (
	"embed"
	"io/fs"

	"kejiju/internal/auth"
	"kejiju/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Templates returns the area's page templates.
func Templates() web.Templates {
	sub, _ := fs.Sub(templateFS, "templates")
	return web.Templates{Prefix: "voucher", FS: sub}
}

// Routes lists the pages and API of innovation vouchers. Reading takes
// PermEnterpriseView (an enterprise reads its district's batches and its own
// vouchers and claims; finance and the city viewer read); batches, issuing
// and approving claims take PermProgramManage, applying and claiming
// PermApply, paying PermFinancePay — and the service checks each again.
func (h *Handlers) Routes(rs *web.Routes) {
	rs.Page("GET /vouchers/batches", auth.PermEnterpriseView, h.batches)
	rs.Page("GET /vouchers/batches/new", auth.PermProgramManage, h.newBatch)
	rs.Page("POST /vouchers/batches", auth.PermProgramManage, h.createBatch)
	rs.Page("GET /vouchers/batches/{id}", auth.PermEnterpriseView, h.showBatch)
	rs.Page("POST /vouchers/batches/{id}/apply", auth.PermApply, h.apply)
	rs.Page("GET /vouchers", auth.PermEnterpriseView, h.vouchers)
	rs.Page("GET /vouchers/{id}", auth.PermEnterpriseView, h.showVoucher)
	rs.Page("POST /vouchers/{id}/issue", auth.PermProgramManage, h.issue)
	rs.Page("POST /vouchers/{id}/claims", auth.PermApply, h.submit)
	rs.Page("GET /vouchers/claims", auth.PermEnterpriseView, h.claims)
	rs.Page("POST /vouchers/claims/{id}/approve", auth.PermProgramManage, h.approve)
	rs.Page("POST /vouchers/claims/{id}/pay", auth.PermFinancePay, h.pay)

	rs.API("GET /api/v1/voucher-batches", auth.PermEnterpriseView, "List the voucher batches the caller may see, newest first (?limit=)", h.apiBatches)
	rs.API("GET /api/v1/vouchers", auth.PermEnterpriseView, "List the vouchers the caller may see, an enterprise its own (?batch_id=&limit=)", h.apiVouchers)
	rs.API("POST /api/v1/voucher-batches/{id}/apply", auth.PermApply, "Apply for a voucher of the batch: {face (元), shareholders: [names]}", h.apiApply)
	rs.API("POST /api/v1/vouchers/{id}/claims", auth.PermApply, `Claim against the voucher: {provider_code, service, contract_no, invoice_no, paid_amount (元), paid_on (YYYY-MM-DD), evidence}; the same claim sent again answers with the first`, h.apiClaim)
	rs.API("POST /api/v1/voucher-claims/{id}/approve", auth.PermProgramManage, "Approve a claim (a related-party claim takes two different approvers)", h.apiApprove)
	rs.API("POST /api/v1/voucher-claims/{id}/pay", auth.PermFinancePay, "Record the payment of an approved claim: {bank_ref}", h.apiPay)
}

// Nav lists the area's entries of the main navigation.
func Nav() []web.NavItem {
	return []web.NavItem{
		{Group: "nav.group.voucher", Key: "nav.voucher_batches", Href: "/vouchers/batches", Perm: auth.PermEnterpriseView},
		{Group: "nav.group.voucher", Key: "nav.vouchers", Href: "/vouchers", Perm: auth.PermEnterpriseView},
		{Group: "nav.group.voucher", Key: "nav.voucher_claims", Href: "/vouchers/claims", Perm: auth.PermEnterpriseView},
	}
}
