package award

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
	return web.Templates{Prefix: "award", FS: sub}
}

// Routes lists the routes of award rounds and nominations. Reading takes
// PermEnterpriseView (enterprise users read their district's rounds and
// their own nominations; the city viewer reads); nominating takes
// PermNominate and the service decides what (an enterprise user for itself,
// staff for any enterprise in scope);
// rounds and committee sessions take PermAwardManage; lifecycle actions
// take PermWrite and the machine decides (staff PermAwardManage, the
// director PermAwardApprove, the nominator as owner).
func (h *Handlers) Routes(rs *web.Routes) {
	rs.Page("GET /awards/rounds", auth.PermEnterpriseView, h.rounds)
	rs.Page("POST /awards/rounds", auth.PermAwardManage, h.createRound)
	rs.Page("GET /awards/rounds/new", auth.PermAwardManage, h.newRound)
	rs.Page("GET /awards/rounds/{id}", auth.PermEnterpriseView, h.showRound)
	rs.Page("GET /awards/rounds/{id}/session", auth.PermAwardManage, h.showSession)
	rs.Page("POST /awards/rounds/{id}/session", auth.PermAwardManage, h.saveSession)
	rs.Page("POST /awards/rounds/{id}/propose", auth.PermAwardManage, h.proposeAll)
	rs.Page("GET /awards/rounds/{id}/results", auth.PermAwardManage, h.results)
	rs.Page("GET /awards/nominations", auth.PermEnterpriseView, h.nominations)
	rs.Page("GET /awards/nominations/new", auth.PermNominate, h.newNomination)
	rs.Page("POST /awards/nominations", auth.PermNominate, h.createNomination)
	rs.Page("GET /awards/nominations/{id}", auth.PermEnterpriseView, h.showNomination)
	rs.Page("POST /awards/nominations/{id}", auth.PermNominate, h.saveNomination)
	rs.Page("POST /awards/nominations/{id}/votes", auth.PermAwardManage, h.saveVotes)
	rs.Page("POST /awards/nominations/{id}/actions/{action}", auth.PermWrite, h.act)

	rs.API("GET /api/v1/award-rounds", auth.PermEnterpriseView, "List the award rounds the caller may see (?year=&limit=&offset=)", h.apiRounds)
	rs.API("POST /api/v1/nominations", auth.PermNominate, `Nominate an achievement: {round_id, enterprise_id (staff only), title, units, contributors: [{rank, name}], summary, proposed_level}`, h.apiNominate)
	rs.API("POST /api/v1/nominations/{id}/actions/{action}", auth.PermWrite, "Take a lifecycle action on a nomination: {reason, fields, publicity_start, received_on, objection_id}; submit honours the Idempotency-Key header", h.apiAct)
}

// Nav lists the area's entries of the main navigation.
func Nav() []web.NavItem {
	return []web.NavItem{
		{Group: "nav.group.award", Key: "nav.award_rounds", Href: "/awards/rounds", Perm: auth.PermAwardManage},
		{Group: "nav.group.award", Key: "nav.award_nominations", Href: "/awards/nominations", Perm: auth.PermAwardManage},
		{Group: "nav.group.award", Key: "nav.my_nominations", Href: "/awards/nominations?mine=1", Perm: auth.PermApply},
	}
}
