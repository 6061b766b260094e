package auth

import (
	"slices"

	"kejiju/internal/i18n"
)

// Role is a named set of permissions. A user holds one or more roles.
type Role string

// The business roles.
const (
	Director   Role = "director"    // 局长/分管领导
	Staff      Role = "staff"       // 业务科室人员
	Finance    Role = "finance"     // 财务人员
	Enterprise Role = "enterprise"  // 企业用户: its own enterprise only
	Expert     Role = "expert"      // 评审专家: what is assigned to them only
	Assistant  Role = "assistant"   // 乡镇助理员: their township only
	CityViewer Role = "city_viewer" // 市局查看: the whole city, read-only
)

// The three separated administrators of 等保 2.0 (三权分立). No account may
// hold two of them, nor an administrator role together with a business role.
const (
	SysAdmin   Role = "sysadmin"   // 系统管理员: accounts, regions, settings, backup
	SecAdmin   Role = "secadmin"   // 安全管理员: security policy, unlocks, administrator roles
	AuditAdmin Role = "auditadmin" // 审计管理员: reads the audit log, nothing else
)

// Roles lists every role in display order.
var Roles = []Role{Director, Staff, Finance, Enterprise, Expert, Assistant, CityViewer, SysAdmin, SecAdmin, AuditAdmin}

// IsAdmin reports whether r is one of the three administrator roles.
func (r Role) IsAdmin() bool { return r == SysAdmin || r == SecAdmin || r == AuditAdmin }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Key is the i18n key of the role's name.
func (r Role) Key() string { return "role." + string(r) }

// Permission names an action; roles grant permissions.
type Permission string

// The permissions of the spine; each area adds its own.
const (
	PermDashboard     Permission = "dashboard.view"
	PermRegionView    Permission = "region.view"
	PermRegionManage  Permission = "region.manage"
	PermUserView      Permission = "user.view"
	PermUserManage    Permission = "user.manage"      // create, edit, disable, reset; business roles
	PermAdminRoles    Permission = "user.admin_roles" // grant or revoke administrator roles
	PermUserUnlock    Permission = "user.unlock"
	PermPolicy        Permission = "security.policy"
	PermScopeExplain  Permission = "security.scope_explain"
	PermAuditView     Permission = "audit.view"
	PermBackup        Permission = "system.backup"
	PermIdentOverride Permission = "ident.override"
	PermCalendar      Permission = "calendar.manage" // holidays and make-up working days
	PermWrite         Permission = "business.write"  // any change of business data
	// PermEnterpriseView reads enterprise records (within the scope).
	PermEnterpriseView Permission = "enterprise.view"
	// PermEnterpriseManage registers, imports, merges and certifies enterprises.
	PermEnterpriseManage Permission = "enterprise.manage"
	// PermNeedSubmit records technical needs: staff for any enterprise in
	// scope, an enterprise user for its own.
	PermNeedSubmit Permission = "need.submit"
	// PermProgramManage runs a programme's applications: receiving, formal
	// review, expert review, ranking, publicity, contracts, mid-term checks
	// and acceptance.
	PermProgramManage Permission = "program.manage"
	// PermProgramApprove decides: approval (立项), rejection at approval,
	// extensions, termination and revocation.
	PermProgramApprove Permission = "program.approve"
	// PermFinancePay disburses installments.
	PermFinancePay Permission = "finance.pay"
	// PermSubsidyClaim files subsidy claims: an enterprise its own, staff on
	// an enterprise's behalf.
	PermSubsidyClaim Permission = "subsidy.claim"
	// PermFinanceView reads the finance views: budget lines, fund sources,
	// payables due and the reconciliation.
	PermFinanceView Permission = "finance.view"
	// PermAwardManage runs the award nominations.
	PermAwardManage Permission = "award.manage"
	// PermAwardApprove confirms or refuses an award after its publicity.
	PermAwardApprove Permission = "award.approve"
	// PermReviewManage keeps the expert registry, draws and closes panels,
	// reads every score in scope, and publishes rankings.
	PermReviewManage Permission = "review.manage"
	// PermApply drafts, saves and submits an enterprise's own applications.
	PermApply Permission = "program.apply"
	// PermReview lets an expert open, declare on and score their own panel
	// seats; the review store decides which seats are theirs.
	PermReview Permission = "review.score"
	// PermNominate nominates achievements for awards: an enterprise its own,
	// staff any enterprise in scope.
	PermNominate Permission = "award.nominate"
	// PermPovertyView reads the poverty registry (households with their ID
	// numbers masked, plans, visits, change requests, projects); every read
	// of a household's record is audited.
	PermPovertyView Permission = "poverty.view"
	// PermPovertyManage records households, members, incomes, plans, visits
	// and projects, and drafts, submits and decides change requests.
	PermPovertyManage Permission = "poverty.manage"
	// PermPovertyReveal shows one resident ID number or phone in clear,
	// with a reason, audited.
	PermPovertyReveal Permission = "poverty.reveal"
	// PermFieldView reads field work: events and trainings, the earthquake
	// assistant registry, drills and publicity records (within the scope:
	// a township assistant sees its township).
	PermFieldView Permission = "field.view"
	// PermFieldManage records events, attendance, assistants, drills and
	// publicity records within the scope.
	PermFieldManage Permission = "field.manage"
	// PermIncubatorManage registers incubators, their tenants, yearly
	// figures, assessments and 招商 prospects (reading takes
	// PermEnterpriseView).
	PermIncubatorManage Permission = "incubator.manage"
	// PermTaskView reads the year's targets and responsibility tasks.
	PermTaskView Permission = "task.view"
	// PermTaskManage sets targets, decomposes responsibility tasks and
	// reports their progress.
	PermTaskManage Permission = "task.manage"
	// PermReportEdit words, locks and unlocks the district's half-year
	// summary.
	PermReportEdit Permission = "report.edit"
	// PermReturnLock locks (报送) a statistical return of a period for a
	// region in the scope, and unlocks it with a reason.
	PermReturnLock Permission = "report.return_lock"
	// PermPatentManage keeps the patent registry: registers and imports
	// patents, records their legal status, confirms applicant links, keeps
	// the agencies, the pledge loans and the population figures.
	PermPatentManage Permission = "patent.manage"
)

var grants = map[Role][]Permission{
	Director:   {PermDashboard, PermRegionView, PermWrite, PermIdentOverride, PermCalendar, PermEnterpriseView, PermEnterpriseManage, PermNeedSubmit, PermProgramManage, PermProgramApprove, PermAwardManage, PermAwardApprove, PermReviewManage, PermNominate, PermFinanceView, PermSubsidyClaim, PermPovertyView, PermPovertyManage, PermPovertyReveal, PermFieldView, PermFieldManage, PermIncubatorManage, PermTaskView, PermTaskManage, PermReportEdit, PermReturnLock, PermPatentManage},
	Staff:      {PermDashboard, PermRegionView, PermWrite, PermEnterpriseView, PermEnterpriseManage, PermNeedSubmit, PermProgramManage, PermAwardManage, PermReviewManage, PermNominate, PermFinanceView, PermSubsidyClaim, PermPovertyView, PermPovertyManage, PermFieldView, PermFieldManage, PermIncubatorManage, PermTaskView, PermTaskManage, PermReportEdit, PermReturnLock, PermPatentManage},
	Finance:    {PermDashboard, PermRegionView, PermWrite, PermEnterpriseView, PermFinancePay, PermFinanceView, PermTaskView},
	Enterprise: {PermWrite, PermEnterpriseView, PermNeedSubmit, PermApply, PermNominate, PermSubsidyClaim},
	Expert:     {PermWrite, PermReview},
	Assistant:  {PermDashboard, PermRegionView, PermWrite, PermEnterpriseView, PermFieldView, PermFieldManage},
	CityViewer: {PermDashboard, PermRegionView, PermEnterpriseView, PermFinanceView, PermFieldView},
	SysAdmin:   {PermUserView, PermUserManage, PermRegionView, PermRegionManage, PermBackup, PermIdentOverride, PermCalendar},
	SecAdmin:   {PermUserView, PermAdminRoles, PermUserUnlock, PermPolicy, PermScopeExplain},
	AuditAdmin: {PermAuditView},
}

// Grants reports whether r grants p.
func (r Role) Grants(p Permission) bool { return slices.Contains(grants[r], p) }

// CheckRoles validates a set of roles for one account: at least one, all
// known, no two administrator roles, no administrator role beside a business
// role. The error names the field "roles".
func CheckRoles(rs []Role) error {
	if len(rs) == 0 {
		return i18n.FieldError("roles", "error.required")
	}
	admins := 0
	for _, r := range rs {
		if !r.Valid() {
			return i18n.FieldError("roles", "auth.role.unknown", string(r))
		}
		if r.IsAdmin() {
			admins++
		}
	}
	switch {
	case admins > 1:
		return i18n.FieldError("roles", "auth.role.two_admins")
	case admins == 1 && len(rs) > 1:
		return i18n.FieldError("roles", "auth.role.admin_and_business")
	}
	return nil
}
