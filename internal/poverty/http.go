package poverty

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/web"
)

// Handlers serve the pages of S&T poverty alleviation.
type Handlers struct {
	Web     *web.Server
	Service *Service
}

var (
	householdsCrumb = web.Crumb{Key: "nav.poverty_households", Href: "/poverty/households"}
	changesCrumb    = web.Crumb{Key: "nav.poverty_changes", Href: "/poverty/changes"}
	projectsCrumb   = web.Crumb{Key: "nav.poverty_projects", Href: "/poverty/projects"}
)

// --- Households ---

type householdList struct {
	Items    []*Household
	Page     web.Page
	Villages []Place
	Causes   []string
	Statuses []string
	Manage   bool
}

func (h *Handlers) listData(r *http.Request) (householdList, error) {
	u := web.UserFrom(r.Context())
	q := r.URL.Query()
	pg := web.ListPage(r, 50)
	items, total, err := h.Service.Households(r.Context(), u, Filter{RegionCode: q.Get("village"), Status: q.Get("status"),
		CauseCode: q.Get("cause"), Limit: pg.Limit, Offset: pg.Offset})
	if err != nil {
		return householdList{}, err
	}
	pg.Total = total
	vs, err := h.Service.Places(r.Context(), u, 5)
	return householdList{Items: items, Page: pg, Villages: vs, Causes: Causes, Statuses: Statuses, Manage: CanManage(u)}, err
}

func (h *Handlers) households(w http.ResponseWriter, r *http.Request) error {
	d, err := h.listData(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "poverty/households.html", "nav.poverty_households", d, householdsCrumb)
}

// lookup finds a household by a resident ID number typed into the list
// page's form (a POST: the number stays out of URLs and access logs).
func (h *Handlers) lookup(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	found, err := h.Service.Lookup(r.Context(), web.UserFrom(r.Context()), r.PostForm.Get("id_number"))
	if i18n.ErrorCode(err) == i18n.NotFound {
		err = i18n.FieldError("id_number", "poverty.lookup.none")
	}
	if err != nil {
		if !web.Shown(err) {
			return err
		}
		d, derr := h.listData(r)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "poverty/households.html", "nav.poverty_households", d, err, householdsCrumb)
	}
	return h.Web.Redirect(w, r, "/poverty/households/"+idOf(found.ID), "")
}

type formData struct {
	Villages  []Place
	Townships []Place
	Causes    []string
	Statuses  []string
}

func (h *Handlers) formData(r *http.Request) (formData, error) {
	u := web.UserFrom(r.Context())
	vs, err := h.Service.Places(r.Context(), u, 5)
	if err != nil {
		return formData{}, err
	}
	ts, err := h.Service.Places(r.Context(), u, 4)
	return formData{Villages: vs, Townships: ts, Causes: Causes, Statuses: Statuses}, err
}

func (h *Handlers) newHousehold(w http.ResponseWriter, r *http.Request) error {
	d, err := h.formData(r)
	if err != nil {
		return err
	}
	v := url.Values{"members_count": {"1"}, "status": {NotOut}}
	return h.Web.RenderValues(w, r, "poverty/household_form.html", "poverty.household.new", d, v, householdsCrumb, web.Crumb{Key: "poverty.household.new"})
}

func (h *Handlers) createHousehold(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	hh, err := h.Service.CreateHousehold(r.Context(), web.UserFrom(r.Context()), HouseholdInput{RegionCode: f.Get("region_code"),
		HeadName: f.Get("head_name"), HeadID: f.Get("head_id"), Phone: f.Get("phone"), MembersCount: web.Int(f.Get("members_count")),
		CauseCode: f.Get("cause_code"), CauseNote: f.Get("cause_note"), Status: f.Get("status"), StatusOn: f.Get("status_on"), Cadre: f.Get("cadre")})
	if err != nil {
		if !web.Shown(err) {
			return err
		}
		d, derr := h.formData(r)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "poverty/household_form.html", "poverty.household.new", d, err, householdsCrumb, web.Crumb{Key: "poverty.household.new"})
	}
	return h.Web.Redirect(w, r, "/poverty/households/"+idOf(hh.ID), "poverty.household.saved")
}

type householdPage struct {
	R        *Record
	Causes   []string
	Statuses []string
	Fields   []string
	Manage   bool
	Reveal   bool
	Today    calendar.Date
	// Revealed holds the clear values a reveal just returned, by field
	// ("head_id", "phone", "member:<id>"), for this response only.
	Revealed map[string]string
}

func (h *Handlers) householdData(r *http.Request, id int64) (householdPage, error) {
	u := web.UserFrom(r.Context())
	rec, err := h.Service.Record(r.Context(), u, id)
	if err != nil {
		return householdPage{}, err
	}
	return householdPage{R: rec, Causes: Causes, Statuses: Statuses, Fields: ChangeFields, Manage: CanManage(u), Reveal: CanReveal(u),
		Today: calendar.FromTime(time.Now(), calendar.Shanghai)}, nil
}

func (h *Handlers) showHousehold(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	d, err := h.householdData(r, id)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "poverty/household.html", "poverty.household.title", d, householdsCrumb, web.Crumb{Key: "poverty.household.title"})
}

// onHousehold runs an action on the household of the path and returns to
// its page: with the errors on it when the input was refused.
func (h *Handlers) onHousehold(w http.ResponseWriter, r *http.Request, flash string, act func(id int64) error) error {
	return web.Act(h.Web, w, r, householdForm, "/poverty/households/", flash, h.householdData, act)
}

var householdForm = web.Form{Page: "poverty/household.html", Title: "poverty.household.title",
	Crumbs: []web.Crumb{householdsCrumb, {Key: "poverty.household.title"}}}

// reveal shows one clear value on the household's page, in this response
// only (pages are sent with Cache-Control: no-store).
func (h *Handlers) reveal(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	in := RevealInput{Field: f.Get("field"), Reason: f.Get("reason")}
	in.MemberID, _ = strconv.ParseInt(f.Get("member_id"), 10, 64)
	plain, err := h.Service.Reveal(r.Context(), web.UserFrom(r.Context()), id, in)
	if err != nil && !web.Shown(err) {
		return err
	}
	d, derr := h.householdData(r, id)
	if derr != nil {
		return derr
	}
	crumbs := []web.Crumb{householdsCrumb, {Key: "poverty.household.title"}}
	if err != nil {
		return h.Web.RenderForm(w, r, "poverty/household.html", "poverty.household.title", d, err, crumbs...)
	}
	key := in.Field
	if in.Field == RevealMemberID {
		key = "member:" + idOf(in.MemberID)
	}
	d.Revealed = map[string]string{key: plain}
	return h.Web.Render(w, r, "poverty/household.html", "poverty.household.title", d, crumbs...)
}

func (h *Handlers) addMember(w http.ResponseWriter, r *http.Request) error {
	return h.onHousehold(w, r, "poverty.member.saved", func(id int64) error {
		f := r.PostForm
		_, err := h.Service.AddMember(r.Context(), web.UserFrom(r.Context()), id, MemberInput{Name: f.Get("name"), Relation: f.Get("relation"),
			ResidentID: f.Get("resident_id"), Labour: f.Get("labour"), Health: f.Get("health"), Schooling: f.Get("schooling")})
		return err
	})
}

func (h *Handlers) setIncome(w http.ResponseWriter, r *http.Request) error {
	return h.onHousehold(w, r, "poverty.income.saved", func(id int64) error {
		_, err := h.Service.SetIncome(r.Context(), web.UserFrom(r.Context()), id, web.Int(r.PostForm.Get("year")), r.PostForm.Get("per_capita"))
		return err
	})
}

func (h *Handlers) addMeasure(w http.ResponseWriter, r *http.Request) error {
	return h.onHousehold(w, r, "poverty.measure.saved", func(id int64) error {
		f := r.PostForm
		_, err := h.Service.AddMeasure(r.Context(), web.UserFrom(r.Context()), id, MeasureInput{Measure: f.Get("measure"), Cadre: f.Get("cadre"),
			TargetOn: f.Get("target_on")})
		return err
	})
}

func (h *Handlers) completeMeasure(w http.ResponseWriter, r *http.Request) error {
	return h.onHousehold(w, r, "poverty.measure.done_flash", func(id int64) error {
		mid, err := web.IntParam(r, "mid")
		if err != nil {
			return err
		}
		u := web.UserFrom(r.Context())
		if _, err := h.Service.Household(r.Context(), u, id); err != nil {
			return err
		}
		_, err = h.Service.CompleteMeasure(r.Context(), u, mid, r.PostForm.Get("done_on"))
		return err
	})
}

func (h *Handlers) addVisit(w http.ResponseWriter, r *http.Request) error {
	return h.onHousehold(w, r, "poverty.visit.saved", func(id int64) error {
		f := r.PostForm
		_, err := h.Service.AddVisit(r.Context(), web.UserFrom(r.Context()), id, VisitInput{VisitedOn: f.Get("visited_on"), Visitor: f.Get("visitor"),
			Notes: f.Get("notes")})
		return err
	})
}

// createChange drafts a change request from the household page's form:
// the fields left empty are not changed.
func (h *Handlers) createChange(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	fields := map[string]string{}
	for _, k := range ChangeFields {
		if v := strings.TrimSpace(r.PostForm.Get("new_" + k)); v != "" {
			fields[k] = v
		}
	}
	c, err := h.Service.CreateChange(r.Context(), web.UserFrom(r.Context()), id, ChangeInput{Fields: fields, Reason: r.PostForm.Get("reason")})
	if err != nil {
		if !web.Shown(err) {
			return err
		}
		d, derr := h.householdData(r, id)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "poverty/household.html", "poverty.household.title", d, err, householdsCrumb, web.Crumb{Key: "poverty.household.title"})
	}
	return h.Web.Redirect(w, r, "/poverty/changes/"+idOf(c.ID), "poverty.change.saved")
}

// --- Change requests ---

type changeList struct {
	Items []*ChangeRequest
	State string
}

func (h *Handlers) changes(w http.ResponseWriter, r *http.Request) error {
	st := r.URL.Query().Get("state")
	if _, ok := ChangeLifecycle.State(st); !ok {
		st = ""
	}
	items, err := h.Service.Changes(r.Context(), web.UserFrom(r.Context()), ChangeFilter{State: st, Limit: 500})
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "poverty/changes.html", "nav.poverty_changes", changeList{Items: items, State: st}, changesCrumb)
}

type changePage struct {
	C       *ChangeRequest
	Actions []string
}

func (h *Handlers) changeData(r *http.Request, id int64) (changePage, error) {
	u := web.UserFrom(r.Context())
	c, err := h.Service.Change(r.Context(), u, id)
	if err != nil {
		return changePage{}, err
	}
	d := changePage{C: c}
	for _, t := range Actions(u, c) {
		d.Actions = append(d.Actions, t.Action)
	}
	return d, nil
}

func (h *Handlers) showChange(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	d, err := h.changeData(r, id)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "poverty/change.html", "poverty.change.title", d, changesCrumb, web.Crumb{Key: "poverty.change.title"})
}

func (h *Handlers) act(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Service.Act(r.Context(), web.UserFrom(r.Context()), id, r.PathValue("action"), r.PostForm.Get("reason")); err != nil {
		if !web.Shown(err) {
			return err
		}
		d, derr := h.changeData(r, id)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "poverty/change.html", "poverty.change.title", d, err, changesCrumb, web.Crumb{Key: "poverty.change.title"})
	}
	return h.Web.Redirect(w, r, "/poverty/changes/"+idOf(id), "poverty.change.done")
}

// --- Projects ---

type projectList struct {
	Items  []*Project
	Totals ProjectTotals
	Year   int
	Manage bool
}

func (h *Handlers) projects(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	year := web.Int(r.URL.Query().Get("year"))
	items, err := h.Service.Projects(r.Context(), u, year)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "poverty/projects.html", "nav.poverty_projects", projectList{Items: items, Totals: Totals(items), Year: year, Manage: CanManage(u)}, projectsCrumb)
}

func (h *Handlers) newProject(w http.ResponseWriter, r *http.Request) error {
	d, err := h.formData(r)
	if err != nil {
		return err
	}
	v := url.Values{"year": {strconv.Itoa(time.Now().In(calendar.Shanghai).Year())}, "progress": {"0"}}
	return h.Web.RenderValues(w, r, "poverty/project_form.html", "poverty.project.new", d, v, projectsCrumb, web.Crumb{Key: "poverty.project.new"})
}

func (h *Handlers) createProject(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	p, err := h.Service.CreateProject(r.Context(), web.UserFrom(r.Context()), ProjectInput{Year: web.Int(f.Get("year")), Title: f.Get("title"),
		Funds: f.Get("funds"), Townships: f["townships"], Households: web.Int(f.Get("households")), People: web.Int(f.Get("people")),
		CollectiveIncome: f.Get("collective_income"), Progress: web.Int(f.Get("progress")), ProgressNote: f.Get("progress_note")})
	if err != nil {
		if !web.Shown(err) {
			return err
		}
		d, derr := h.formData(r)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "poverty/project_form.html", "poverty.project.new", d, err, projectsCrumb, web.Crumb{Key: "poverty.project.new"})
	}
	return h.Web.Redirect(w, r, "/poverty/projects/"+idOf(p.ID), "poverty.project.saved")
}

type projectPage struct {
	P      *Project
	Manage bool
}

func (h *Handlers) showProject(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	p, err := h.Service.Project(r.Context(), u, id)
	if err != nil {
		return err
	}
	v := url.Values{"progress": {strconv.Itoa(p.Progress)}, "progress_note": {p.ProgressNote}, "collective_income": {p.CollectiveIncome.String()}}
	return h.Web.RenderValues(w, r, "poverty/project.html", "poverty.project.title", projectPage{P: p, Manage: CanManage(u)}, v, projectsCrumb, web.Crumb{Key: "poverty.project.title"})
}

func (h *Handlers) progress(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	f := r.PostForm
	if _, err := h.Service.UpdateProgress(r.Context(), u, id, ProgressInput{Progress: web.Int(f.Get("progress")), ProgressNote: f.Get("progress_note"),
		CollectiveIncome: f.Get("collective_income")}); err != nil {
		if !web.Shown(err) {
			return err
		}
		p, perr := h.Service.Project(r.Context(), u, id)
		if perr != nil {
			return perr
		}
		return h.Web.RenderForm(w, r, "poverty/project.html", "poverty.project.title", projectPage{P: p, Manage: CanManage(u)}, err, projectsCrumb, web.Crumb{Key: "poverty.project.title"})
	}
	return h.Web.Redirect(w, r, "/poverty/projects/"+idOf(id), "poverty.project.progress_saved")
}
