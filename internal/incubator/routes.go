package incubator

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
	return web.Templates{Prefix: "incubator", FS: sub}
}

// Routes lists the pages and API of incubators. Reading takes
// PermEnterpriseView (in the caller's scope); every change takes
// PermIncubatorManage — and the service checks each again.
func (h *Handlers) Routes(rs *web.Routes) {
	rs.Page("GET /incubators", auth.PermEnterpriseView, h.list)
	rs.Page("GET /incubators/new", auth.PermIncubatorManage, h.newIncubator)
	rs.Page("POST /incubators", auth.PermIncubatorManage, h.create)
	rs.Page("GET /incubators/{id}", auth.PermEnterpriseView, h.show)
	rs.Page("GET /incubators/{id}/edit", auth.PermIncubatorManage, h.edit)
	rs.Page("POST /incubators/{id}", auth.PermIncubatorManage, h.update)
	rs.Page("POST /incubators/{id}/tenants", auth.PermIncubatorManage, h.addTenant)
	rs.Page("POST /incubators/tenants/{id}/exit", auth.PermIncubatorManage, h.exitTenant)
	rs.Page("POST /incubators/{id}/years", auth.PermIncubatorManage, h.saveYear)
	rs.Page("POST /incubators/{id}/assess", auth.PermIncubatorManage, h.assess)
	rs.Page("POST /incubators/{id}/prospects", auth.PermIncubatorManage, h.saveProspect)

	rs.API("GET /api/v1/incubators", auth.PermEnterpriseView, "List the incubators the caller may see, with current tenants and latest grade", h.apiList)
	rs.API("GET /api/v1/incubators/{id}", auth.PermEnterpriseView, "One incubator: tenants, yearly figures, assessments, 招商 prospects, the national pre-check and the revocation year", h.apiGet)
}

// Nav lists the area's entries of the main navigation.
func Nav() []web.NavItem {
	return []web.NavItem{
		{Group: "nav.group.enterprise", Key: "nav.incubators", Href: "/incubators", Perm: auth.PermEnterpriseView},
	}
}
