// Package admin is the administrators' area: accounts (system and security
// administrators), the district's regions, the audit viewer (audit
// administrator only), and "why can user U see record R?".
package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/ident"
	"kejiju/internal/region"
	"kejiju/internal/web"
)

// Handlers serve the administration pages.
type Handlers struct {
	Web       *web.Server
	Auth      *auth.Service
	Regions   *region.Store
	Audit     *audit.Log
	Overrides *ident.Overrides
	Calendar  *calendar.Store
}

var usersCrumb = web.Crumb{Key: "nav.users", Href: "/admin/users"}

type userList struct {
	Users  []*auth.User
	Page   web.Page
	Roles  []auth.Role
	Filter auth.UserFilter
}

func (h *Handlers) listUsers(w http.ResponseWriter, r *http.Request) error {
	p := web.ListPage(r, 20)
	q := r.URL.Query()
	f := auth.UserFilter{Query: q.Get("q"), Role: auth.Role(q.Get("role")), RegionCode: q.Get("region"), Limit: p.Limit, Offset: p.Offset, Sort: p.Sort}
	users, total, err := h.Auth.Users(r.Context(), f)
	if err != nil {
		return err
	}
	p.Total = total
	return h.Web.Render(w, r, "admin/users.html", "nav.users", userList{Users: users, Page: p, Roles: auth.Roles, Filter: f}, usersCrumb)
}

// userForm is what the user form page needs besides the submitted values.
type userForm struct {
	User     *auth.User
	Roles    []auth.Role
	Regions  []region.Region
	Password string // a new password, shown once
	Actor    *auth.User
}

func (h *Handlers) formData(r *http.Request, u *auth.User) (*userForm, error) {
	rs, err := h.Regions.All(r.Context())
	if err != nil {
		return nil, err
	}
	return &userForm{User: u, Roles: assignable(web.UserFrom(r.Context())), Regions: rs, Actor: web.UserFrom(r.Context())}, nil
}

// assignable returns the roles actor may grant.
func assignable(actor *auth.User) []auth.Role {
	var out []auth.Role
	for _, r := range auth.Roles {
		if (r.IsAdmin() && actor.Can(auth.PermAdminRoles)) || (!r.IsAdmin() && actor.Can(auth.PermUserManage)) {
			out = append(out, r)
		}
	}
	return out
}

func (h *Handlers) newUser(w http.ResponseWriter, r *http.Request) error {
	d, err := h.formData(r, nil)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "admin/user.html", "user.new", d, usersCrumb, web.Crumb{Key: "user.new"})
}

func userInput(r *http.Request) auth.UserInput {
	f := r.PostForm
	in := auth.UserInput{Username: f.Get("username"), DisplayName: f.Get("display_name"), RegionCode: f.Get("region_code"),
		Phone: f.Get("phone"), Email: f.Get("email"), Password: f.Get("password")}
	for _, v := range f["roles"] {
		in.Roles = append(in.Roles, auth.Role(v))
	}
	in.EnterpriseID, _ = strconv.ParseInt(f.Get("enterprise_id"), 10, 64)
	return in
}

func (h *Handlers) createUser(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	u, pw, err := h.Auth.CreateUser(r.Context(), web.UserFrom(r.Context()), userInput(r))
	if err != nil {
		r.PostForm.Del("password")
		d, derr := h.formData(r, nil)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "admin/user.html", "user.new", d, err, usersCrumb, web.Crumb{Key: "user.new"})
	}
	return h.renderUser(w, r, u, pw)
}

// renderUser shows the edit page of u, with a new password shown once.
func (h *Handlers) renderUser(w http.ResponseWriter, r *http.Request, u *auth.User, pw string) error {
	d, err := h.formData(r, u)
	if err != nil {
		return err
	}
	d.Password = pw
	return h.Web.RenderValues(w, r, "admin/user.html", "user.edit", d, userValues(u), usersCrumb, web.Crumb{Key: "user.edit"})
}

func userValues(u *auth.User) map[string][]string {
	v := map[string][]string{"username": {u.Username}, "display_name": {u.DisplayName}, "region_code": {u.RegionCode},
		"phone": {u.Phone}, "email": {u.Email}}
	if u.EnterpriseID > 0 {
		v["enterprise_id"] = []string{strconv.FormatInt(u.EnterpriseID, 10)}
	}
	for _, r := range u.Roles {
		v["roles"] = append(v["roles"], string(r))
	}
	return v
}

func (h *Handlers) user(r *http.Request) (*auth.User, error) {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return nil, err
	}
	return h.Auth.User(r.Context(), id)
}

func (h *Handlers) showUser(w http.ResponseWriter, r *http.Request) error {
	u, err := h.user(r)
	if err != nil {
		return err
	}
	return h.renderUser(w, r, u, "")
}

func (h *Handlers) updateUser(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	u, err := h.Auth.UpdateUser(r.Context(), web.UserFrom(r.Context()), id, userInput(r), r.PostForm.Get("reason"))
	if err != nil {
		before, gerr := h.Auth.User(r.Context(), id)
		if gerr != nil {
			return gerr
		}
		d, derr := h.formData(r, before)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "admin/user.html", "user.edit", d, err, usersCrumb, web.Crumb{Key: "user.edit"})
	}
	return h.Web.Redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10), "user.saved")
}

func (h *Handlers) setDisabled(w http.ResponseWriter, r *http.Request, disabled bool) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	if err := h.Auth.SetDisabled(r.Context(), web.UserFrom(r.Context()), id, disabled, r.PostForm.Get("reason")); err != nil {
		return err
	}
	key := "user.enabled"
	if disabled {
		key = "user.disabled"
	}
	return h.Web.Redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10), key)
}

func (h *Handlers) disableUser(w http.ResponseWriter, r *http.Request) error {
	return h.setDisabled(w, r, true)
}
func (h *Handlers) enableUser(w http.ResponseWriter, r *http.Request) error {
	return h.setDisabled(w, r, false)
}

func (h *Handlers) resetPassword(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	pw, err := h.Auth.ResetPassword(r.Context(), web.UserFrom(r.Context()), id, r.PostForm.Get("reason"))
	if err != nil {
		return err
	}
	u, err := h.Auth.User(r.Context(), id)
	if err != nil {
		return err
	}
	return h.renderUser(w, r, u, pw)
}

func (h *Handlers) unlockUser(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	if err := h.Auth.Unlock(r.Context(), web.UserFrom(r.Context()), id, r.PostForm.Get("reason")); err != nil {
		return err
	}
	return h.Web.Redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10), "user.unlocked")
}

// regionNode is one row of the indented region list.
type regionNode struct {
	region.Region
	Depth    int
	FullName string
}

// visibleRegions returns the regions u may see, as an indented list: for
// region managers the whole table, for others the subtrees of their scope.
func (h *Handlers) visibleRegions(r *http.Request, u *auth.User) ([]regionNode, error) {
	t, err := h.Regions.Tree(r.Context())
	if err != nil {
		return nil, err
	}
	var roots []string
	if u.Can(auth.PermRegionManage) {
		roots = []string{region.ProvinceCode}
	} else {
		roots = u.Scope().Regions
	}
	var out []regionNode
	for _, code := range roots {
		root, ok := t.Lookup(code)
		if !ok {
			continue
		}
		base := int(root.Level)
		out = append(out, regionNode{Region: root, FullName: t.FullName(code)})
		for _, d := range t.Descendants(code) {
			out = append(out, regionNode{Region: d, Depth: int(d.Level) - base, FullName: t.FullName(d.Code)})
		}
	}
	return out, nil
}

func (h *Handlers) listRegions(w http.ResponseWriter, r *http.Request) error {
	nodes, err := h.visibleRegions(r, web.UserFrom(r.Context()))
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "admin/regions.html", "nav.regions", nodes, web.Crumb{Key: "nav.regions"})
}

func (h *Handlers) saveRegion(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	if err := h.Regions.Save(r.Context(), region.Region{Code: f.Get("code"), Name: f.Get("name")}, f.Get("reason")); err != nil {
		nodes, nerr := h.visibleRegions(r, web.UserFrom(r.Context()))
		if nerr != nil {
			return nerr
		}
		return h.Web.RenderForm(w, r, "admin/regions.html", "nav.regions", nodes, err, web.Crumb{Key: "nav.regions"})
	}
	return h.Web.Redirect(w, r, "/regions", "region.saved")
}

type auditList struct {
	Events []audit.Event
	Page   web.Page
}

func auditFilter(r *http.Request, p web.Page) (audit.Filter, error) {
	q := r.URL.Query()
	f := audit.Filter{Action: strings.TrimSpace(q.Get("action")), ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"), Limit: p.Limit, Offset: p.Offset}
	if v := q.Get("actor_id"); v != "" {
		f.ActorID, _ = strconv.ParseInt(v, 10, 64)
	}
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			t, err := time.ParseInLocation("2006-01-02", v, time.FixedZone("CST", 8*3600))
			if err != nil {
				return f, i18n.FieldError(name, "error.invalid_date")
			}
			if name == "to" {
				t = t.AddDate(0, 0, 1)
			}
			*dst = t
		}
	}
	return f, nil
}

func (h *Handlers) listAudit(w http.ResponseWriter, r *http.Request) error {
	p := web.ListPage(r, 50)
	f, err := auditFilter(r, p)
	if err != nil {
		return err
	}
	evs, total, err := h.searchAudit(r, f)
	if err != nil {
		return err
	}
	p.Total = total
	return h.Web.Render(w, r, "admin/audit.html", "nav.audit", auditList{Events: evs, Page: p}, web.Crumb{Key: "nav.audit"})
}

// searchAudit lists audit events and records the search itself: reading
// the audit log is an audited act (T-AUD-01).
func (h *Handlers) searchAudit(r *http.Request, f audit.Filter) ([]audit.Event, int, error) {
	evs, total, err := audit.List(r.Context(), h.Auth.DB, f)
	if err != nil {
		return nil, 0, err
	}
	err = h.Auth.DB.InTx(r.Context(), func(tx *db.Tx) error {
		_, err := h.Audit.Append(r.Context(), tx, audit.Event{Action: "audit.search", ObjectType: "audit", ObjectID: "*", After: audit.JSON(f)})
		return err
	})
	return evs, total, err
}

func (h *Handlers) verifyAudit(w http.ResponseWriter, r *http.Request) error {
	res, err := audit.Verify(r.Context(), h.Auth.DB)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "admin/verify.html", "audit.verify", res, web.Crumb{Key: "nav.audit", Href: "/admin/audit"}, web.Crumb{Key: "audit.verify"})
}

// scopeAnswer explains whether a user may see a record.
type scopeAnswer struct {
	User     *auth.User
	Region   string
	Enterp   int64
	Asked    bool
	Allowed  bool
	Scope    auth.Scope
	Reason   string // i18n key
	FullName string
}

// explainScope answers "why can user U see record R?" for a record given by
// its region code (and enterprise, for enterprise-owned rows).
func (h *Handlers) explainScope(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	a := scopeAnswer{Region: strings.TrimSpace(q.Get("region")), Asked: q.Get("username") != ""}
	a.Enterp, _ = strconv.ParseInt(q.Get("enterprise_id"), 10, 64)
	if a.Asked {
		u, err := h.Auth.UserByName(r.Context(), q.Get("username"))
		if err != nil {
			return err
		}
		a.User, a.Scope = u, u.Scope()
		a.Allowed = a.Scope.Allows(a.Region, a.Enterp)
		a.Reason = scopeReason(u, a)
		if t, err := h.Regions.Tree(r.Context()); err == nil {
			a.FullName = t.FullName(a.Region)
		}
	}
	return h.Web.Render(w, r, "admin/scope.html", "nav.scope", a, web.Crumb{Key: "nav.scope"})
}

func scopeReason(u *auth.User, a scopeAnswer) string {
	switch {
	case u.Disabled:
		return "scope.reason.disabled"
	case u.IsAdmin():
		return "scope.reason.admin"
	case a.Scope.EnterpriseID > 0 && a.Allowed:
		return "scope.reason.own_enterprise"
	case a.Scope.EnterpriseID > 0:
		return "scope.reason.other_enterprise"
	case u.Has(auth.Enterprise):
		return "scope.reason.no_enterprise"
	case a.Scope.ExpertUserID > 0:
		return "scope.reason.expert"
	case a.Allowed:
		return "scope.reason.in_region"
	}
	return "scope.reason.outside_region"
}

var overridesCrumb = web.Crumb{Key: "nav.ident_overrides"}

func (h *Handlers) listOverrides(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Overrides.List(r.Context())
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "admin/overrides.html", "ident.override.title", list, overridesCrumb)
}

func (h *Handlers) addOverride(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	if _, err := h.Overrides.Add(r.Context(), r.PostForm.Get("value"), r.PostForm.Get("reason")); err != nil {
		list, lerr := h.Overrides.List(r.Context())
		if lerr != nil {
			return lerr
		}
		return h.Web.RenderForm(w, r, "admin/overrides.html", "ident.override.title", list, err, overridesCrumb)
	}
	return h.Web.Redirect(w, r, "/admin/ident-overrides", "ident.override.saved")
}

// policyFields lists the policy form's fields in display order.
var policyFields = []string{"min_length", "min_classes", "history", "max_age_days", "lock_after", "lock_for_minutes",
	"ip_failures_per_minute", "idle_minutes", "admin_idle_minutes", "absolute_hours"}

func policyValues(p auth.Policy) url.Values {
	v := url.Values{}
	for k, n := range p.Form() {
		v.Set(k, strconv.Itoa(n))
	}
	return v
}

var policyCrumb = web.Crumb{Key: "nav.policy"}

func (h *Handlers) showPolicy(w http.ResponseWriter, r *http.Request) error {
	return h.Web.RenderValues(w, r, "admin/policy.html", "nav.policy", policyFields, policyValues(h.Auth.CurrentPolicy()), policyCrumb)
}

func (h *Handlers) savePolicy(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	var probs i18n.Problems
	form := map[string]int{}
	for _, f := range policyFields {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get(f)))
		if err != nil {
			probs.Add(f, "error.whole_number")
			continue
		}
		form[f] = n
	}
	p := auth.PolicyFromForm(form)
	if cerr, ok := errors.AsType[i18n.Problems](p.Check()); ok {
		for _, e := range cerr {
			if _, parsed := form[e.Field]; parsed {
				probs = append(probs, e)
			}
		}
	}
	err := probs.Err()
	if err == nil {
		err = h.Auth.SavePolicy(r.Context(), web.UserFrom(r.Context()), p, r.PostForm.Get("reason"))
	}
	if err != nil {
		return h.Web.RenderForm(w, r, "admin/policy.html", "nav.policy", policyFields, err, policyCrumb)
	}
	return h.Web.Redirect(w, r, "/admin/policy", "policy.saved")
}

// calendarPage is the year's calendar with the bureau's own entries and the
// working-day calculator.
type calendarPage struct {
	Year      int
	Entries   []calendar.Entry
	Own       map[calendar.Date]bool
	Confirmed bool
	Calc      *workdayAnswer
}

// workdayAnswer is the calculator's result.
type workdayAnswer struct {
	Start       calendar.Date
	Days        int
	End         calendar.Date // PublicityEnd: the last day of the period
	After       calendar.Date // AddWorkdays: n working days after start
	Provisional bool
}

var calendarCrumb = web.Crumb{Key: "nav.calendar"}

func (h *Handlers) calendarData(r *http.Request) (*calendarPage, error) {
	cal := h.Calendar.Current()
	year, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil || year < 2000 || year > 2100 {
		year = calendar.Today(nil).Year
	}
	own, err := h.Calendar.Own(r.Context())
	if err != nil {
		return nil, err
	}
	p := &calendarPage{Year: year, Own: map[calendar.Date]bool{}, Confirmed: cal.Confirmed(year)}
	for _, e := range own {
		p.Own[e.Date] = true
	}
	for _, e := range cal.Entries() {
		if e.Date.Year == year {
			p.Entries = append(p.Entries, e)
		}
	}
	return p, nil
}

// workdays answers the calculator's query (?start=…&days=…), or nil.
func (h *Handlers) workdays(r *http.Request) (*workdayAnswer, error) {
	q := r.URL.Query()
	if q.Get("start") == "" {
		return nil, nil
	}
	start, err := calendar.Parse(q.Get("start"))
	if err != nil {
		return nil, i18n.FieldError("start", "error.invalid_date")
	}
	n, err := strconv.Atoi(q.Get("days"))
	if err != nil || n < 1 || n > 365 {
		return nil, i18n.FieldError("days", "calendar.days.range")
	}
	cal := h.Calendar.Current()
	a := &workdayAnswer{Start: start, Days: n, End: cal.PublicityEnd(start, n), After: cal.AddWorkdays(start, n)}
	a.Provisional = !cal.Confirmed(start.Year) || !cal.Confirmed(a.After.Year)
	return a, nil
}

func (h *Handlers) showCalendar(w http.ResponseWriter, r *http.Request) error {
	p, err := h.calendarData(r)
	if err != nil {
		return err
	}
	if p.Calc, err = h.workdays(r); err != nil {
		return err
	}
	return h.Web.Render(w, r, "admin/calendar.html", "nav.calendar", p, calendarCrumb)
}

func (h *Handlers) saveHoliday(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	e := calendar.Entry{Name: f.Get("name")}
	d, derr := calendar.Parse(f.Get("day"))
	e.Date = d
	switch f.Get("kind") {
	case "holiday":
		e.Kind = calendar.Holiday
	case "workday":
		e.Kind = calendar.Workday
	}
	err := h.Calendar.Save(r.Context(), e, f.Get("reason"))
	if derr != nil {
		err = i18n.FieldError("day", "error.invalid_date")
	}
	if err != nil {
		p, perr := h.calendarData(r)
		if perr != nil {
			return perr
		}
		return h.Web.RenderForm(w, r, "admin/calendar.html", "nav.calendar", p, err, calendarCrumb)
	}
	return h.Web.Redirect(w, r, "/calendar?year="+strconv.Itoa(d.Year), "calendar.saved")
}

func (h *Handlers) deleteHoliday(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	d, err := calendar.Parse(r.PathValue("day"))
	if err != nil {
		return i18n.E(i18n.NotFound, "error.not_found")
	}
	if err := h.Calendar.Delete(r.Context(), d, r.PostForm.Get("reason")); err != nil {
		return err
	}
	return h.Web.Redirect(w, r, "/calendar?year="+strconv.Itoa(d.Year), "calendar.deleted")
}
