package hightech

import (
	"kejiju/internal/auth"
	"kejiju/internal/web"
)

// Routes lists the routes of the pre-check and the pipeline. Reading needs
// PermEnterpriseView within the data scope (an enterprise user sees its
// own pre-check); every change is staff work and needs PermEnterpriseManage.
func (h *Handlers) Routes(rs *web.Routes) {
	rs.Page("GET /enterprises/{id}/precheck", auth.PermEnterpriseView, h.precheck)
	rs.Page("POST /enterprises/{id}/precheck", auth.PermEnterpriseManage, h.record)

	rs.Page("GET /hightech", auth.PermEnterpriseView, h.board)
	rs.Page("GET /hightech/stage", auth.PermEnterpriseView, h.stage)
	rs.Page("GET /hightech/reminders", auth.PermEnterpriseView, h.reminders)
	rs.Page("GET /hightech/applications", auth.PermEnterpriseView, h.applications)
	rs.Page("GET /hightech/enterprises/{id}", auth.PermEnterpriseView, h.enterprise)
	rs.Page("POST /hightech/enterprises/{id}/pool", auth.PermEnterpriseManage, h.enterPool)
	rs.Page("POST /hightech/enterprises/{id}/pool/exit", auth.PermEnterpriseManage, h.exitPool)
	rs.Page("POST /hightech/enterprises/{id}/applications", auth.PermEnterpriseManage, h.apply)
	rs.Page("POST /hightech/enterprises/{id}/awards", auth.PermEnterpriseManage, h.addAward)
	rs.Page("POST /hightech/applications/{id}/decide", auth.PermEnterpriseManage, h.decide)

	rs.API("GET /api/v1/enterprises/{id}/precheck", auth.PermEnterpriseView,
		"高企 and 科小 pre-check of one enterprise (?on=YYYY-MM-DD): both results with message keys, and the messages in the caller's language", h.apiPrecheck)
	rs.API("GET /api/v1/hightech/board", auth.PermEnterpriseView, "Pipeline board: enterprises at each stage by township (?year=)", h.apiBoard)
	rs.API("GET /api/v1/hightech/reminders", auth.PermEnterpriseView, "Reminders: certificates expiring, annual reports due or overdue, revocation candidates (?on=)", h.apiReminders)
}

// Nav lists the area's entries of the main navigation.
func Nav() []web.NavItem {
	return []web.NavItem{
		{Group: "nav.group.enterprise", Key: "nav.hightech", Href: "/hightech", Perm: auth.PermEnterpriseView},
		{Group: "nav.group.enterprise", Key: "nav.hightech_reminders", Href: "/hightech/reminders", Perm: auth.PermEnterpriseView},
	}
}
