package review

import (
	"embed"
	"io/fs"

	"kejiju/internal/auth"
	"kejiju/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Templates returns the mechanism's page templates.
func Templates() web.Templates {
	sub, _ := fs.Sub(templateFS, "templates")
	return web.Templates{Prefix: "review", FS: sub}
}

// Routes lists the pages of the expert registry and the panels, which take
// PermReviewManage, and the expert's own pages, which take PermWrite: any
// user may open them, and the service decides from the expert record
// linked to the account (experts.user_id) what they see and may do.
func (h *Handlers) Routes(rs *web.Routes) {
	rs.Page("GET /experts", auth.PermReviewManage, h.experts)
	rs.Page("GET /experts/new", auth.PermReviewManage, h.newExpert)
	rs.Page("POST /experts", auth.PermReviewManage, h.createExpert)
	rs.Page("GET /experts/{id}", auth.PermReviewManage, h.showExpert)
	rs.Page("POST /experts/{id}", auth.PermReviewManage, h.updateExpert)
	rs.Page("POST /experts/{id}/relations", auth.PermReviewManage, h.addRelation)
	rs.Page("POST /experts/{id}/relations/{rel}/delete", auth.PermReviewManage, h.deleteRelation)
	rs.Page("POST /experts/{id}/dismissals", auth.PermReviewManage, h.dismiss)
	rs.Page("GET /panels/{id}", auth.PermReviewManage, h.showPanel)
	rs.Page("POST /panels/{id}/rubric", auth.PermReviewManage, h.setRubric)
	rs.Page("POST /panels/{id}/close", auth.PermReviewManage, h.closePanel)

	rs.Page("GET /my/reviews", auth.PermReview, h.myReviews)
	rs.Page("GET /my/reviews/{id}", auth.PermReview, h.myReview)
	rs.Page("POST /my/reviews/{id}/declaration", auth.PermReview, h.declare)
	rs.Page("POST /my/reviews/{id}/scores", auth.PermReview, h.score)
	rs.Page("POST /my/reviews/{id}/decline", auth.PermReview, h.decline)

	rs.API("GET /api/v1/my/reviews", auth.PermReview, "The caller's panel seats as an expert (invited or accepted), newest first", h.apiMyReviews)
	rs.API("POST /api/v1/panels/{id}/scores", auth.PermReview, `Submit (or replace) the caller's scores on a panel: {"scores": {"key": 8}, "comment": "…"}`, h.apiScores)
}

// Nav lists the mechanism's entries of the main navigation. My reviews is
// shown to every PermWrite holder (the expert role has no permission of its
// own); the page says so when the account is not linked to an expert.
func Nav() []web.NavItem {
	return []web.NavItem{
		{Group: "nav.group.review", Key: "nav.experts", Href: "/experts", Perm: auth.PermReviewManage},
		{Group: "nav.group.review", Key: "nav.my_reviews", Href: "/my/reviews", Perm: auth.PermReview},
	}
}
