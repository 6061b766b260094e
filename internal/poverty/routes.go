package poverty

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
	return web.Templates{Prefix: "poverty", FS: sub}
}

// Routes lists the pages and API of S&T poverty alleviation and the S&T
// commissioners. Reading takes
// PermPovertyView, every change PermPovertyManage, showing a clear ID
// number or phone PermPovertyReveal — and the service checks each again.
// A lookup by ID number is a POST, so the number never sits in a URL or an
// access log.
func (h *Handlers) Routes(rs *web.Routes) {
	rs.Page("GET /poverty/households", auth.PermPovertyView, h.households)
	rs.Page("GET /poverty/households/new", auth.PermPovertyManage, h.newHousehold)
	rs.Page("GET /poverty/households/export.xlsx", auth.PermPovertyView, h.export)
	rs.Page("POST /poverty/households", auth.PermPovertyManage, h.createHousehold)
	rs.Page("POST /poverty/lookup", auth.PermPovertyView, h.lookup)
	rs.Page("GET /poverty/households/{id}", auth.PermPovertyView, h.showHousehold)
	rs.Page("POST /poverty/households/{id}/reveal", auth.PermPovertyReveal, h.reveal)
	rs.Page("POST /poverty/households/{id}/members", auth.PermPovertyManage, h.addMember)
	rs.Page("POST /poverty/households/{id}/incomes", auth.PermPovertyManage, h.setIncome)
	rs.Page("POST /poverty/households/{id}/measures", auth.PermPovertyManage, h.addMeasure)
	rs.Page("POST /poverty/households/{id}/measures/{mid}/done", auth.PermPovertyManage, h.completeMeasure)
	rs.Page("POST /poverty/households/{id}/visits", auth.PermPovertyManage, h.addVisit)
	rs.Page("POST /poverty/households/{id}/changes", auth.PermPovertyManage, h.createChange)
	rs.Page("GET /poverty/changes", auth.PermPovertyView, h.changes)
	rs.Page("GET /poverty/changes/{id}", auth.PermPovertyView, h.showChange)
	rs.Page("POST /poverty/changes/{id}/actions/{action}", auth.PermPovertyManage, h.act)
	rs.Page("GET /poverty/projects", auth.PermPovertyView, h.projects)
	rs.Page("GET /poverty/projects/new", auth.PermPovertyManage, h.newProject)
	rs.Page("POST /poverty/projects", auth.PermPovertyManage, h.createProject)
	rs.Page("GET /poverty/projects/{id}", auth.PermPovertyView, h.showProject)
	rs.Page("POST /poverty/projects/{id}/progress", auth.PermPovertyManage, h.progress)
	rs.Page("GET /poverty/commissioners", auth.PermPovertyView, h.commissioners)
	rs.Page("POST /poverty/commissioners", auth.PermPovertyManage, h.createCommissioner)
	rs.Page("GET /poverty/commissioners/{id}", auth.PermPovertyView, h.showCommissioner)
	rs.Page("POST /poverty/commissioners/{id}/terms", auth.PermPovertyManage, h.appoint)
	rs.Page("POST /poverty/commissioners/{id}/terms/{year}/rating", auth.PermPovertyManage, h.rate)
	rs.Page("POST /poverty/commissioners/{id}/assignments", auth.PermPovertyManage, h.assign)
	rs.Page("POST /poverty/commissioners/{id}/services", auth.PermPovertyManage, h.logService)

	rs.API("GET /api/v1/poverty/households", auth.PermPovertyView, "List the poor households in scope, ID numbers masked (?village=&status=&cause=&limit=&offset=)", h.apiHouseholds)
	rs.API("POST /api/v1/poverty/households", auth.PermPovertyManage, "Register a household: {region_code (village), head_name, head_id, phone, members_count, cause_code, cause_note, status, status_on, cadre}", h.apiCreateHousehold)
	rs.API("GET /api/v1/poverty/households/{id}", auth.PermPovertyView, "A household's record, masked: members, incomes, plan measures, visits, change requests (the read is audited)", h.apiHousehold)
	rs.API("POST /api/v1/poverty/households/{id}/members", auth.PermPovertyManage, "Add a member: {name, relation, resident_id, labour, health, schooling}", h.apiAddMember)
	rs.API("POST /api/v1/poverty/households/{id}/reveal", auth.PermPovertyReveal, "Show one clear value: {field: head_id|phone|member_id, member_id, reason (≥ 5 characters)}; audited", h.apiReveal)
	rs.API("POST /api/v1/poverty/lookup", auth.PermPovertyView, "Find the household of a resident ID number (head or member) through the blind index: {id_number}", h.apiLookup)
	rs.API("POST /api/v1/poverty/households/{id}/changes", auth.PermPovertyManage, "Draft a change request: {fields: {head_name, members_count, cause_code, cause_note, status, status_on, cadre}, reason}", h.apiCreateChange)
	rs.API("POST /api/v1/poverty/changes/{id}/actions/{action}", auth.PermPovertyManage, "Take an action on a change request (submit, approve, reject, cancel): {reason}", h.apiAct)
	rs.API("GET /api/v1/poverty/projects", auth.PermPovertyView, "List the S&T poverty-alleviation projects in scope (?year=)", h.apiProjects)
	rs.API("GET /api/v1/poverty/commissioners", auth.PermPovertyView, "List the S&T commissioners (科技特派员) in scope", h.apiCommissioners)
	rs.API("POST /api/v1/poverty/commissioners", auth.PermPovertyManage, "Register a commissioner: {name, level: province|city|county, expertise, employer}", h.apiCreateCommissioner)
	rs.API("GET /api/v1/poverty/commissioners/{id}/summary", auth.PermPovertyView, "A commissioner's yearly summary: assignments by kind, services, trainings, trainees, days, incomplete assignments (?year=)", h.apiCommissionerSummary)
	rs.API("POST /api/v1/poverty/commissioners/{id}/services", auth.PermPovertyManage, "Log a service or training: {assignment_id, served_on, kind: service|training, topic, trainees, notes}", h.apiLogService)
	rs.API("POST /api/v1/poverty/projects", auth.PermPovertyManage, "Record a project: {year, title, funds (元), townships: [codes], households, people, collective_income (元), progress (%), progress_note}", h.apiCreateProject)
}

// Nav lists the area's entries of the main navigation.
func Nav() []web.NavItem {
	return []web.NavItem{
		{Group: "nav.group.poverty", Key: "nav.poverty_households", Href: "/poverty/households", Perm: auth.PermPovertyView},
		{Group: "nav.group.poverty", Key: "nav.poverty_changes", Href: "/poverty/changes", Perm: auth.PermPovertyView},
		{Group: "nav.group.poverty", Key: "nav.poverty_projects", Href: "/poverty/projects", Perm: auth.PermPovertyView},
		{Group: "nav.group.poverty", Key: "nav.poverty_commissioners", Href: "/poverty/commissioners", Perm: auth.PermPovertyView},
	}
}
