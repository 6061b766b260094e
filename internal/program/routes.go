package program

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
	return web.Templates{Prefix: "program", FS: sub}
}

// Routes lists the routes of calls and applications. Reading takes
// PermEnterpriseView (enterprise users read the published calls and their
// own applications; the city viewer reads); an enterprise's drafts and
// submissions take PermApply; lifecycle actions take PermWrite and the
// service decides who may take which (staff PermProgramManage, the director
// PermProgramApprove, finance PermFinancePay, the enterprise as owner).
// Appropriating money to a call's budget (下达资金) takes PermFinancePay:
// finance posts the bureau's money moves (see funds.go).
// Attachments: uploading and deleting take PermApply (the service allows
// the owner while the application is editable); a download is open to any
// logged-in user and the service decides by the application's data scope,
// so that an expert with a signed seat (who has no PermEnterpriseView)
// reads the files as staff and the owner do, and anyone else gets 404.
// Supervision (重大项目督查): the list takes PermProgramManage (staff and
// the director; the city viewer and enterprises do not get it, and read a
// project's supervision section on its application page, read-only, within
// their scope); recording a milestone done takes PermWrite (the service
// allows staff and the project's enterprise); inspections and closing
// their rectifications take PermProgramManage.
func (h *Handlers) Routes(rs *web.Routes) {
	rs.Page("GET /calls", auth.PermEnterpriseView, h.calls)
	rs.Page("POST /calls", auth.PermProgramManage, h.createCall)
	rs.Page("GET /calls/new", auth.PermProgramManage, h.newCall)
	rs.Page("GET /calls/{id}", auth.PermEnterpriseView, h.showCall)
	rs.Page("GET /calls/{id}/edit", auth.PermProgramManage, h.editCall)
	rs.Page("POST /calls/{id}", auth.PermProgramManage, h.updateCall)
	rs.Page("POST /calls/{id}/status", auth.PermProgramManage, h.callStatus)
	rs.Page("POST /calls/{id}/apply", auth.PermApply, h.apply)
	rs.Page("POST /calls/{id}/rank", auth.PermProgramManage, h.rank)
	rs.Page("POST /calls/{id}/propose", auth.PermProgramManage, h.propose)
	rs.Page("POST /calls/{id}/approve", auth.PermProgramApprove, h.approve)
	rs.Page("POST /calls/{id}/fund", auth.PermFinancePay, h.fund)
	rs.Page("GET /applications", auth.PermEnterpriseView, h.applications)
	rs.Page("GET /applications/{id}", auth.PermEnterpriseView, h.showApplication)
	rs.Page("POST /applications/{id}", auth.PermApply, h.saveApplication)
	rs.Page("POST /applications/{id}/contract", auth.PermProgramManage, h.saveContract)
	rs.Page("POST /applications/{id}/panel", auth.PermProgramManage, h.drawPanel)
	rs.Page("POST /applications/{id}/actions/{action}", auth.PermWrite, h.act)
	rs.Page("POST /applications/{id}/attachments", auth.PermApply, h.uploadAttachment)
	rs.Page("GET /attachments/{id}", web.LoggedIn, h.downloadAttachment)
	rs.Page("POST /attachments/{id}/delete", auth.PermApply, h.deleteAttachment)
	rs.Page("GET /supervision", auth.PermProgramManage, h.supervision)
	rs.Page("POST /applications/{id}/milestones/{index}", auth.PermWrite, h.recordMilestone)
	rs.Page("POST /applications/{id}/inspections", auth.PermProgramManage, h.recordInspection)
	rs.Page("POST /applications/{id}/inspections/{inspection}/close", auth.PermProgramManage, h.closeRectification)

	rs.API("GET /api/v1/calls", auth.PermEnterpriseView, "List the calls for applications the caller may see (?year=&type=&status=&limit=&offset=)", h.apiCalls)
	rs.API("POST /api/v1/calls", auth.PermProgramManage, `Create a call (a draft; "open": true publishes it)`, h.apiCreateCall)
	rs.API("POST /api/v1/calls/{id}/fund", auth.PermFinancePay, `Appropriate money to a call's budget (下达资金): {"amount": "400万元", "reason": "...", "key": "..."} (or the Idempotency-Key header); returns {"available"}`, h.apiFund)
	rs.API("GET /api/v1/calls/{id}/applications", auth.PermEnterpriseView, "List a call's applications in the caller's scope, ranked first (?state=)", h.apiCallApplications)
	rs.API("POST /api/v1/applications", auth.PermApply, `Start the caller's enterprise's draft for a call: {"call_id": 1}`, h.apiCreateApplication)
	rs.API("GET /api/v1/applications/{id}", auth.PermEnterpriseView, "One application with its return reasons and the actions the caller may take", h.apiApplication)
	rs.API("PUT /api/v1/applications/{id}", auth.PermApply, `Save a draft's answers: {"answers": {...}} (files go through the application page's upload)`, h.apiSaveApplication)
	rs.API("POST /api/v1/applications/{id}/submit", auth.PermApply, "Submit (or resubmit) an application; idempotent with the Idempotency-Key header", h.apiSubmit)
	rs.API("POST /api/v1/applications/{id}/contract", auth.PermProgramManage, "Save the contract (任务书): goals, milestones, budget, plan in basis points totalling 10000", h.apiSaveContract)
	rs.API("POST /api/v1/applications/{id}/actions/{action}", auth.PermWrite, "Take a lifecycle action: {reason, fields, publicity_start, objection_id, installment, bank_ref, paid_on, until}", h.apiAct)
}

// Nav lists the area's entries of the main navigation.
func Nav() []web.NavItem {
	return []web.NavItem{
		{Group: "nav.group.program", Key: "nav.calls", Href: "/calls", Perm: auth.PermEnterpriseView},
		{Group: "nav.group.program", Key: "nav.applications", Href: "/applications", Perm: auth.PermProgramManage},
		{Group: "nav.group.program", Key: "nav.supervision", Href: "/supervision", Perm: auth.PermProgramManage},
		{Group: "nav.group.program", Key: "nav.my_applications", Href: "/applications?mine=1", Perm: auth.PermApply},
	}
}
