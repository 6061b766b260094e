package subsidy

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
	return web.Templates{Prefix: "subsidy", FS: sub}
}

// Routes lists the pages and API of subsidies. Reading takes
// PermEnterpriseView (an enterprise reads its own claims); claiming
// PermSubsidyClaim (an enterprise its own, staff on its behalf); approving, rejecting and the
// policies PermProgramManage; budgets and paying PermFinancePay.
func (h *Handlers) Routes(rs *web.Routes) {
	rs.Page("GET /subsidies", auth.PermEnterpriseView, h.list)
	rs.Page("GET /subsidies/new", auth.PermSubsidyClaim, h.newClaim)
	rs.Page("POST /subsidies", auth.PermSubsidyClaim, h.create)
	rs.Page("GET /subsidies/{id}", auth.PermEnterpriseView, h.show)
	rs.Page("POST /subsidies/{id}/approve", auth.PermProgramManage, h.approve)
	rs.Page("POST /subsidies/{id}/reject", auth.PermProgramManage, h.reject)
	rs.Page("POST /subsidies/{id}/pay", auth.PermFinancePay, h.pay)
	rs.Page("GET /subsidies/policies", auth.PermEnterpriseView, h.policies)
	rs.Page("POST /subsidies/policies", auth.PermProgramManage, h.addPolicy)
	rs.Page("GET /subsidies/budgets", auth.PermEnterpriseView, h.budgets)
	rs.Page("POST /subsidies/budgets", auth.PermFinancePay, h.fund)
	rs.Page("GET /subsidies/report", auth.PermEnterpriseView, h.report)
	rs.Page("GET /subsidies/report.xlsx", auth.PermEnterpriseView, h.reportSheet)

	rs.API("GET /api/v1/subsidies", auth.PermEnterpriseView, "List the subsidy claims the caller may see, newest first (?kind=&state=&year=&quarter=&limit=&offset=)", h.apiList)
	rs.API("POST /api/v1/subsidies", auth.PermSubsidyClaim, `File a claim: {kind: equipment|purchase|patent, credit_code (staff), equipment|purchase|patent: {…amounts in fen}, key}; with "preview": true it is only worked out (试算); the same key again answers with the first`, h.apiSubmit)
	rs.API("POST /api/v1/subsidies/{id}/approve", auth.PermProgramManage, "Approve a submitted claim: the amount is worked out again, committed and made payable", h.apiApprove)
	rs.API("POST /api/v1/subsidies/{id}/reject", auth.PermProgramManage, "Reject a claim: {reason}", h.apiReject)
	rs.API("POST /api/v1/subsidies/{id}/pay", auth.PermFinancePay, "Record the payment of an approved claim: {bank_ref}", h.apiPay)
	rs.API("GET /api/v1/subsidy-policies", auth.PermEnterpriseView, "List the subsidy policy versions with their parameters", h.apiPolicies)
}

// Nav lists the area's entries of the main navigation.
func Nav() []web.NavItem {
	return []web.NavItem{
		{Group: "nav.group.funds", Key: "nav.subsidies", Href: "/subsidies", Perm: auth.PermEnterpriseView},
		{Group: "nav.group.funds", Key: "nav.subsidy_report", Href: "/subsidies/report", Perm: auth.PermProgramManage},
		{Group: "nav.group.funds", Key: "nav.subsidy_policies", Href: "/subsidies/policies", Perm: auth.PermProgramManage},
	}
}
