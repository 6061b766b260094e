package quake

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
	return web.Templates{Prefix: "quake", FS: sub}
}

// Routes lists the pages and API of earthquake prevention. Reading takes
// PermFieldView (the city viewer reads; a township assistant reads its
// township); recording PermFieldManage, within the scope.
func (h *Handlers) Routes(rs *web.Routes) {
	rs.Page("GET /quake/assistants", auth.PermFieldView, h.registry)
	rs.Page("GET /quake/assistants/new", auth.PermFieldManage, h.newAssistant)
	rs.Page("POST /quake/assistants", auth.PermFieldManage, h.register)
	rs.Page("GET /quake/assistants/{id}", auth.PermFieldView, h.showAssistant)
	rs.Page("POST /quake/assistants/{id}/replace", auth.PermFieldManage, h.replace)
	rs.Page("POST /quake/assistants/{id}/end", auth.PermFieldManage, h.end)
	rs.Page("GET /quake/drills", auth.PermFieldView, h.drills)
	rs.Page("GET /quake/drills/new", auth.PermFieldManage, h.newDrill)
	rs.Page("POST /quake/drills", auth.PermFieldManage, h.createDrill)
	rs.Page("GET /quake/drills/{id}", auth.PermFieldView, h.showDrill)
	rs.Page("GET /quake/drills/{id}/edit", auth.PermFieldManage, h.editDrill)
	rs.Page("POST /quake/drills/{id}", auth.PermFieldManage, h.updateDrill)
	rs.Page("GET /quake/publicity", auth.PermFieldView, h.publicity)
	rs.Page("GET /quake/publicity/new", auth.PermFieldManage, h.newPublicity)
	rs.Page("POST /quake/publicity", auth.PermFieldManage, h.createPublicity)
	rs.Page("GET /quake/summary", auth.PermFieldView, h.summary)
	rs.Page("GET /quake/summary.xlsx", auth.PermFieldView, h.summarySheet)

	rs.API("GET /api/v1/quake/assistants", auth.PermFieldView, "List township earthquake assistants in the caller's scope (?region=&history=1&q=&limit=&offset=); vacant lists townships without one", h.apiAssistants)
	rs.API("POST /api/v1/quake/assistants", auth.PermFieldManage, "Register the assistant of a township without one (a second current assistant is refused on region_code)", h.apiRegister)
	rs.API("GET /api/v1/quake/assistants/{id}", auth.PermFieldView, "One assistant's term with the township's history", h.apiAssistant)
	rs.API("POST /api/v1/quake/assistants/{id}/replace", auth.PermFieldManage, "Re-register the township: end this term and appoint the successor in one transaction ({name, phone, …, appointed_on, reason})", h.apiReplace)
	rs.API("GET /api/v1/quake/drills", auth.PermFieldView, "List evacuation drills in the caller's scope (?year=&region=&site_kind=&q=&limit=&offset=&sort=)", h.apiDrills)
	rs.API("POST /api/v1/quake/drills", auth.PermFieldManage, "Record an evacuation drill (participants > 0; dated after today it is planned)", h.apiCreateDrill)
	rs.API("GET /api/v1/quake/drills/{id}", auth.PermFieldView, "One evacuation drill", h.apiDrill)
	rs.API("GET /api/v1/quake/publicity", auth.PermFieldView, "List publicity-week distributions of materials (?year=&region=&q=&limit=&offset=)", h.apiPublicity)
	rs.API("POST /api/v1/quake/publicity", auth.PermFieldManage, "Record a distribution of materials to a school or unit", h.apiCreatePublicity)
	rs.API("GET /api/v1/quake/summary", auth.PermFieldView, "Yearly summary per township: assistant, drills, participants, trainings, people trained, materials (?year=)", h.apiSummary)
}

// Nav lists the area's entries of the main navigation.
func Nav() []web.NavItem {
	return []web.NavItem{
		{Group: "nav.group.field", Key: "nav.quake", Href: "/quake/assistants", Perm: auth.PermFieldView},
		{Group: "nav.group.field", Key: "nav.quake_drills", Href: "/quake/drills", Perm: auth.PermFieldView},
		{Group: "nav.group.field", Key: "nav.quake_publicity", Href: "/quake/publicity", Perm: auth.PermFieldView},
		{Group: "nav.group.field", Key: "nav.quake_summary", Href: "/quake/summary", Perm: auth.PermFieldView},
	}
}
