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

// Routes lists the routes of innovation vouchers. Reading takes
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
}

// Nav lists the area's entries of the main navigation.
func Nav() []web.NavItem {
	return []web.NavItem{
		{Group: "nav.group.voucher", Key: "nav.voucher_batches", Href: "/vouchers/batches", Perm: auth.PermEnterpriseView},
		{Group: "nav.group.voucher", Key: "nav.vouchers", Href: "/vouchers", Perm: auth.PermEnterpriseView},
		{Group: "nav.group.voucher", Key: "nav.voucher_claims", Href: "/vouchers/claims", Perm: auth.PermEnterpriseView},
	}
}
