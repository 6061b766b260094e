package enterprise

import (
	"kejiju/internal/auth"
	"kejiju/internal/web"
)

// Routes lists the enterprise routes.
func (h *Handlers) Routes(rs *web.Routes) {
	rs.Page("GET /enterprises", auth.PermEnterpriseView, h.list)
	rs.Page("GET /enterprises/new", auth.PermEnterpriseManage, h.newForm)
	rs.Page("POST /enterprises", auth.PermEnterpriseManage, h.create)
	rs.Page("GET /enterprises/import", auth.PermEnterpriseManage, h.importForm)
	rs.Page("POST /enterprises/import", auth.PermEnterpriseManage, h.importFile)
	rs.Page("GET /enterprises/template.xlsx", auth.PermEnterpriseView, h.template)
	rs.Page("GET /enterprises/export.xlsx", auth.PermEnterpriseView, h.export)
	rs.Page("GET /register", web.Public, h.registerForm)
	rs.Page("POST /register", web.Public, h.register)
	rs.Page("GET /registrations", auth.PermEnterpriseManage, h.listRegistrations)
	rs.Page("POST /registrations/{id}/approve", auth.PermEnterpriseManage, h.approve)
	rs.Page("POST /registrations/{id}/reject", auth.PermEnterpriseManage, h.reject)
	rs.Page("GET /enterprises/{id}", auth.PermEnterpriseView, h.show)
	rs.Page("GET /enterprises/{id}/edit", auth.PermWrite, h.editForm)
	rs.Page("POST /enterprises/{id}", auth.PermWrite, h.update)
	rs.Page("GET /enterprises/{id}/years", auth.PermEnterpriseView, h.pickYear)
	rs.Page("GET /enterprises/{id}/years/{year}", auth.PermEnterpriseView, h.yearForm)
	rs.Page("POST /enterprises/{id}/years/{year}", auth.PermWrite, h.saveYear)
	rs.Page("POST /enterprises/{id}/statuses", auth.PermEnterpriseManage, h.addStatus)
	rs.Page("POST /enterprises/{id}/merge", auth.PermEnterpriseManage, h.merge)
	rs.Page("POST /enterprises/{id}/blacklist", auth.PermEnterpriseManage, h.blacklist)

	rs.API("GET /api/v1/enterprises", auth.PermEnterpriseView, "List and search enterprises in the caller's scope (?q=&region=&limit=&offset=)", h.apiList)
	rs.API("POST /api/v1/enterprises", auth.PermEnterpriseManage, "Register an enterprise", h.apiCreate)
	rs.API("GET /api/v1/enterprises/{id}", auth.PermEnterpriseView, "One enterprise with its years and statuses", h.apiGet)
	rs.API("PUT /api/v1/enterprises/{id}", auth.PermWrite, "Change an enterprise (send the version you read)", h.apiUpdate)
	rs.API("PUT /api/v1/enterprises/{id}/years/{year}", auth.PermWrite, "Save one year's facts", h.apiSaveYear)
	rs.API("POST /api/v1/enterprises/import", auth.PermEnterpriseManage, "Import an xlsx or CSV workbook (?dry_run=1 to preview); all or nothing", h.apiImport)
}

// Nav lists the area's entries of the main navigation.
func Nav() []web.NavItem {
	return []web.NavItem{
		{Group: "nav.group.enterprise", Key: "nav.enterprises", Href: "/enterprises", Perm: auth.PermEnterpriseView},
		{Group: "nav.group.enterprise", Key: "nav.enterprise_import", Href: "/enterprises/import", Perm: auth.PermEnterpriseManage},
		{Group: "nav.group.enterprise", Key: "nav.registrations", Href: "/registrations", Perm: auth.PermEnterpriseManage},
	}
}
