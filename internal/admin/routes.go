package admin

import (
	"kejiju/internal/auth"
	"kejiju/internal/web"
)

// Routes lists the administration routes.
func (h *Handlers) Routes(rs *web.Routes) {
	rs.Page("GET /admin/users", auth.PermUserView, h.listUsers)
	rs.Page("GET /admin/users/new", auth.PermUserView, h.newUser)
	rs.Page("POST /admin/users", auth.PermUserView, h.createUser)
	rs.Page("GET /admin/users/{id}", auth.PermUserView, h.showUser)
	rs.Page("POST /admin/users/{id}", auth.PermUserView, h.updateUser)
	rs.Page("POST /admin/users/{id}/disable", auth.PermUserManage, h.disableUser)
	rs.Page("POST /admin/users/{id}/enable", auth.PermUserManage, h.enableUser)
	rs.Page("POST /admin/users/{id}/reset", auth.PermUserView, h.resetPassword)
	rs.Page("POST /admin/users/{id}/unlock", auth.PermUserUnlock, h.unlockUser)
	rs.Page("GET /regions", auth.PermRegionView, h.listRegions)
	rs.Page("POST /regions", auth.PermRegionManage, h.saveRegion)
	rs.Page("GET /admin/audit", auth.PermAuditView, h.listAudit)
	rs.Page("GET /admin/audit/verify", auth.PermAuditView, h.verifyAudit)
	rs.Page("GET /admin/scope", auth.PermScopeExplain, h.explainScope)
	rs.Page("GET /admin/policy", auth.PermPolicy, h.showPolicy)
	rs.Page("POST /admin/policy", auth.PermPolicy, h.savePolicy)
	rs.Page("GET /calendar", auth.PermRegionView, h.showCalendar)
	rs.Page("POST /calendar", auth.PermCalendar, h.saveHoliday)
	rs.Page("POST /calendar/{day}/delete", auth.PermCalendar, h.deleteHoliday)
	rs.Page("GET /admin/ident-overrides", auth.PermIdentOverride, h.listOverrides)
	rs.Page("POST /admin/ident-overrides", auth.PermIdentOverride, h.addOverride)

	rs.API("GET /api/v1/users", auth.PermUserView, "List accounts", h.apiUsers)
	rs.API("POST /api/v1/users", auth.PermUserView, "Create an account; the initial password is returned once", h.apiCreateUser)
	rs.API("GET /api/v1/regions", auth.PermRegionView, "List regions in the caller's scope", h.apiRegions)
	rs.API("GET /api/v1/workdays", auth.PermRegionView, "Working-day arithmetic: ?start=2026-09-30&days=5 gives the end of a publicity period", h.apiWorkdays)
	rs.API("GET /api/v1/audit", auth.PermAuditView, "Search the audit log", h.apiAudit)
	rs.API("POST /api/v1/ident-overrides", auth.PermIdentOverride, "Accept a real credit code that fails its check digits", h.apiAddOverride)
}

// Nav lists the administration entries of the main navigation.
func Nav() []web.NavItem {
	return []web.NavItem{
		{Group: "nav.group.district", Key: "nav.regions", Href: "/regions", Perm: auth.PermRegionView},
		{Group: "nav.group.district", Key: "nav.calendar", Href: "/calendar", Perm: auth.PermRegionView},
		{Group: "nav.group.district", Key: "nav.ident_overrides", Href: "/admin/ident-overrides", Perm: auth.PermIdentOverride},
		{Group: "nav.group.system", Key: "nav.users", Href: "/admin/users", Perm: auth.PermUserView},
		{Group: "nav.group.system", Key: "nav.policy", Href: "/admin/policy", Perm: auth.PermPolicy},
		{Group: "nav.group.system", Key: "nav.scope", Href: "/admin/scope", Perm: auth.PermScopeExplain},
		{Group: "nav.group.system", Key: "nav.audit", Href: "/admin/audit", Perm: auth.PermAuditView},
	}
}
