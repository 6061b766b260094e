package task

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
	return web.Templates{Prefix: "task", FS: sub}
}

// Routes lists the pages and API of targets and responsibility tasks.
// Reading takes PermTaskView, every change PermTaskManage — and the
// service checks each again.
func (h *Handlers) Routes(rs *web.Routes) {
	rs.Page("GET /targets", auth.PermTaskView, h.targets)
	rs.Page("POST /targets", auth.PermTaskManage, h.createTarget)
	rs.Page("POST /targets/{id}/value", auth.PermTaskManage, h.setValue)
	rs.Page("GET /tasks", auth.PermTaskView, h.tasks)
	rs.Page("POST /tasks", auth.PermTaskManage, h.createTask)
	rs.Page("GET /tasks/overdue", auth.PermTaskView, h.overdue)
	rs.Page("GET /tasks/print", auth.PermTaskView, h.print)
	rs.Page("GET /tasks/export.xlsx", auth.PermTaskView, h.export)
	rs.Page("GET /tasks/{id}", auth.PermTaskView, h.showTask)
	rs.Page("POST /tasks/{id}", auth.PermTaskManage, h.updateTask)
	rs.Page("POST /tasks/{id}/reports", auth.PermTaskManage, h.addReport)

	rs.API("GET /api/v1/targets", auth.PermTaskView, "The year's targets with their achieved value and progress (?year=)", h.apiTargets)
	rs.API("GET /api/v1/tasks", auth.PermTaskView, "The year's responsibility tasks (?year=), or every overdue one (?overdue=1)", h.apiTasks)
	rs.API("POST /api/v1/tasks", auth.PermTaskManage, "Add a responsibility task: {year, category, text, lead_leader, section, responsible (names separated by 、), deadline (YYYY-MM-DD)}", h.apiCreateTask)
	rs.API("POST /api/v1/tasks/{id}/reports", auth.PermTaskManage, "Report progress on a task: {reported_on, text, evidence, done}; done needs evidence", h.apiReport)
}

// Nav lists the area's entries of the main navigation.
func Nav() []web.NavItem {
	return []web.NavItem{
		{Group: "nav.group.tasks", Key: "nav.targets", Href: "/targets", Perm: auth.PermTaskView},
		{Group: "nav.group.tasks", Key: "nav.tasks", Href: "/tasks", Perm: auth.PermTaskView},
		{Group: "nav.group.tasks", Key: "nav.tasks_overdue", Href: "/tasks/overdue", Perm: auth.PermTaskView},
	}
}
