package event

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
	return web.Templates{Prefix: "event", FS: sub}
}

// Routes lists the pages and API of events. Reading takes PermFieldView
// (the city viewer reads; a township assistant reads its township's);
// recording PermFieldManage, within the scope.
func (h *Handlers) Routes(rs *web.Routes) {
	rs.Page("GET /events", auth.PermFieldView, h.list)
	rs.Page("GET /events/new", auth.PermFieldManage, h.newEvent)
	rs.Page("POST /events", auth.PermFieldManage, h.create)
	rs.Page("GET /events/summary", auth.PermFieldView, h.summary)
	rs.Page("GET /events/summary.xlsx", auth.PermFieldView, h.summarySheet)
	rs.Page("GET /events/{id}", auth.PermFieldView, h.show)
	rs.Page("GET /events/{id}/edit", auth.PermFieldManage, h.edit)
	rs.Page("POST /events/{id}", auth.PermFieldManage, h.update)

	rs.API("GET /api/v1/events", auth.PermFieldView, "List events in the caller's scope (?year=&region=&kind=&domain=&q=&limit=&offset=&sort=)", h.apiList)
	rs.API("POST /api/v1/events", auth.PermFieldManage, "Record an event with its sign-in sheet (attendees: [{name, unit, phone}])", h.apiCreate)
	rs.API("GET /api/v1/events/summary", auth.PermFieldView, "Yearly summary by kind: events, planned, attended, materials (?year=&region=&domain=)", h.apiSummary)
	rs.API("GET /api/v1/events/{id}", auth.PermFieldView, "One event with its sign-in sheet", h.apiGet)
	rs.API("PUT /api/v1/events/{id}", auth.PermFieldManage, "Change an event and replace its sign-in sheet (send the version you read)", h.apiUpdate)
}

// Nav lists the area's entries of the main navigation.
func Nav() []web.NavItem {
	return []web.NavItem{
		{Group: "nav.group.field", Key: "nav.events", Href: "/events", Perm: auth.PermFieldView},
		{Group: "nav.group.field", Key: "nav.event_summary", Href: "/events/summary", Perm: auth.PermFieldView},
	}
}
