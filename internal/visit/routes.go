package visit

import (
	"kejiju/internal/auth"
	"kejiju/internal/web"
)

// Routes lists the routes of visits, needs, forwarding batches and
// matchmaking. Reading needs PermEnterpriseView (the city viewer reads;
// enterprise users read their own needs and matchmakings); staff changes
// need PermEnterpriseManage; needs take PermNeedSubmit, since enterprise users
// report their own, and the service decides who may do what.
func (h *Handlers) Routes(rs *web.Routes) {
	rs.Page("GET /visits", auth.PermEnterpriseView, h.visits)
	rs.Page("GET /visits/new", auth.PermEnterpriseManage, h.newVisit)
	rs.Page("POST /visits", auth.PermEnterpriseManage, h.createVisit)
	rs.Page("GET /visits/{id}", auth.PermEnterpriseView, h.showVisit)
	rs.Page("GET /visits/{id}/edit", auth.PermEnterpriseManage, h.editVisit)
	rs.Page("POST /visits/{id}", auth.PermEnterpriseManage, h.updateVisit)

	rs.Page("GET /needs", auth.PermEnterpriseView, h.needs)
	rs.Page("GET /needs/new", auth.PermNeedSubmit, h.newNeed)
	rs.Page("POST /needs", auth.PermNeedSubmit, h.createNeed)
	rs.Page("GET /needs/{id}", auth.PermEnterpriseView, h.showNeed)
	rs.Page("GET /needs/{id}/edit", auth.PermNeedSubmit, h.editNeed)
	rs.Page("POST /needs/{id}", auth.PermNeedSubmit, h.updateNeed)
	rs.Page("POST /needs/{id}/transition", auth.PermNeedSubmit, h.transition)
	// A batch's needs are the need list filtered on it: /needs?batch={id}.
	rs.Page("GET /needs/batches", auth.PermEnterpriseView, h.batches)
	rs.Page("GET /needs/batches/new", auth.PermEnterpriseManage, h.newBatch)
	rs.Page("POST /needs/batches", auth.PermEnterpriseManage, h.createBatch)
	rs.Page("GET /needs/batches/{id}/sheet.xlsx", auth.PermEnterpriseView, h.sheet)

	rs.Page("GET /matches", auth.PermEnterpriseView, h.matches)
	rs.Page("GET /matches/new", auth.PermEnterpriseManage, h.newMatch)
	rs.Page("POST /matches", auth.PermEnterpriseManage, h.createMatch)
	rs.Page("GET /matches/{id}", auth.PermEnterpriseView, h.showMatch)
	rs.Page("GET /matches/{id}/edit", auth.PermEnterpriseManage, h.editMatch)
	rs.Page("POST /matches/{id}", auth.PermEnterpriseManage, h.updateMatch)

	rs.API("GET /api/v1/visits", auth.PermEnterpriseView, "List research visits in the caller's scope (?from=&to=&region=&enterprise=&q=&limit=&offset=&sort=)", h.apiVisits)
	rs.API("POST /api/v1/visits", auth.PermEnterpriseManage, "Record a research visit (a day other than Thursday is recorded with a warning)", h.apiCreateVisit)
	rs.API("GET /api/v1/visits/{id}", auth.PermEnterpriseView, "One research visit with the needs collected on it", h.apiVisit)
	rs.API("PUT /api/v1/visits/{id}", auth.PermEnterpriseManage, "Change a research visit (send the version you read)", h.apiUpdateVisit)
	rs.API("GET /api/v1/needs", auth.PermEnterpriseView, "List technical needs in the caller's scope (?status=&category=&region=&enterprise=&visit=&batch=&from=&to=&q=)", h.apiNeeds)
	rs.API("POST /api/v1/needs", auth.PermNeedSubmit, "Record a technical need (an enterprise user reports its own)", h.apiCreateNeed)
	rs.API("GET /api/v1/needs/{id}", auth.PermEnterpriseView, "One technical need with its status history", h.apiNeed)
	rs.API("PUT /api/v1/needs/{id}", auth.PermNeedSubmit, "Change a collected technical need (send the version you read)", h.apiUpdateNeed)
	rs.API("POST /api/v1/needs/{id}/transition", auth.PermNeedSubmit, `Move a need to another status: {"to": "matched", "reason": "…"}`, h.apiTransition)
	rs.API("GET /api/v1/needs/batches", auth.PermEnterpriseView, "List the batches of needs forwarded to the city bureau", h.apiBatches)
	rs.API("POST /api/v1/needs/batches", auth.PermEnterpriseManage, "Forward collected needs to the city bureau in one batch", h.apiCreateBatch)
	rs.API("GET /api/v1/needs/batches/{id}/sheet.xlsx", auth.PermEnterpriseView, "The city bureau's sheet of a batch (xlsx)", h.sheet)
	rs.API("GET /api/v1/matches", auth.PermEnterpriseView, "List 产学研 matchmakings in the caller's scope (?from=&to=&region=&enterprise=&need=&agreement=&q=)", h.apiMatches)
	rs.API("POST /api/v1/matches", auth.PermEnterpriseManage, "Record a matchmaking; mark_matched moves its need to matched in the same transaction", h.apiCreateMatch)
}

// Nav lists the area's entries of the main navigation.
func Nav() []web.NavItem {
	return []web.NavItem{
		{Group: "nav.group.enterprise", Key: "nav.visits", Href: "/visits", Perm: auth.PermEnterpriseView},
		{Group: "nav.group.enterprise", Key: "nav.needs", Href: "/needs", Perm: auth.PermEnterpriseView},
		{Group: "nav.group.enterprise", Key: "nav.matches", Href: "/matches", Perm: auth.PermEnterpriseView},
	}
}
