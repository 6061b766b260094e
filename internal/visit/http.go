package visit

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/money"
	"kejiju/internal/region"
	"kejiju/internal/web"
)

// Handlers serve the pages and API of visits, needs and matchmaking.
type Handlers struct {
	Web     *web.Server
	Service *Service
	Regions *region.Store
}

var (
	visitsCrumb  = web.Crumb{Key: "nav.visits", Href: "/visits"}
	needsCrumb   = web.Crumb{Key: "nav.needs", Href: "/needs"}
	batchesCrumb = web.Crumb{Key: "visit.batch.title", Href: "/needs/batches"}
	matchesCrumb = web.Crumb{Key: "nav.matches", Href: "/matches"}
)

// The forms of visits, needs and matchmaking.
var (
	newVisitForm  = web.Form{Page: "visit/form.html", Title: "visit.new", Crumbs: []web.Crumb{visitsCrumb, {Key: "visit.new"}}}
	editVisitForm = web.Form{Page: "visit/form.html", Title: "visit.edit", Crumbs: []web.Crumb{visitsCrumb, {Key: "visit.edit"}}}
	newNeedForm   = web.Form{Page: "visit/need_form.html", Title: "visit.need.new", Crumbs: []web.Crumb{needsCrumb, {Key: "visit.need.new"}}}
	editNeedForm  = web.Form{Page: "visit/need_form.html", Title: "visit.need.edit", Crumbs: []web.Crumb{needsCrumb, {Key: "visit.need.edit"}}}
	newMatchForm  = web.Form{Page: "visit/match_form.html", Title: "visit.match.new", Crumbs: []web.Crumb{matchesCrumb, {Key: "visit.match.new"}}}
	editMatchForm = web.Form{Page: "visit/match_form.html", Title: "visit.match.edit", Crumbs: []web.Crumb{matchesCrumb, {Key: "visit.match.edit"}}}
)

// canManage reports whether u is staff who may change this area's records.
func canManage(u *auth.User) bool { return mayManage(u) == nil }

// townships returns the townships (and districts) in u's scope, and a
// code → name map for display.
func (h *Handlers) townships(r *http.Request, u *auth.User) ([]region.Region, map[string]string, error) {
	t, err := h.Regions.Tree(r.Context())
	if err != nil {
		return nil, nil, err
	}
	var out []region.Region
	names := map[string]string{}
	for _, root := range u.Scope().Regions {
		if rr, ok := t.Lookup(root); ok {
			for _, d := range append([]region.Region{rr}, t.Descendants(root)...) {
				names[d.Code] = d.Name
				if d.Level == region.County || d.Level == region.Township {
					out = append(out, d)
				}
			}
		}
	}
	return out, names, nil
}

// townNames maps each region code to the name of its township (乡镇), or
// of the region itself above township level, for the lists.
func (h *Handlers) townNames(r *http.Request, codes []string) (map[string]string, error) {
	t, err := h.Regions.Tree(r.Context())
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, code := range codes {
		if _, done := names[code]; done {
			continue
		}
		for _, rr := range t.Path(code) {
			if rr.Level <= region.Township {
				names[code] = rr.Name
			}
		}
	}
	return names, nil
}

// day reads an optional date; a bad one is a field error.
func day(v, field string, p *i18n.Problems) calendar.Date {
	v = strings.TrimSpace(v)
	if v == "" {
		return calendar.Date{}
	}
	d, err := calendar.Parse(v)
	if err != nil {
		p.Add(field, "error.invalid_date")
	}
	return d
}

// queryDay reads a date filter from the query; a bad one is ignored.
func queryDay(r *http.Request, name string) calendar.Date {
	d, _ := calendar.Parse(strings.TrimSpace(r.URL.Query().Get(name)))
	return d
}

func queryID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	return max(id, 0)
}

// wan parses an optional amount entered in 万元.
func wan(v, field string, p *i18n.Problems) money.Fen {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	f, err := money.ParseYuan(strings.TrimSuffix(strings.TrimSuffix(v, "万元"), "万") + "万")
	if err != nil {
		p.AddErr(field, err)
	}
	return f
}

// wanValue shows an amount in a form field, in 万元 without separators.
func wanValue(f money.Fen) string {
	if f == 0 {
		return ""
	}
	s := strconv.FormatInt(int64(f), 10)
	for len(s) < 7 {
		s = "0" + s
	}
	whole, frac := s[:len(s)-6], strings.TrimRight(s[len(s)-6:], "0")
	if frac == "" {
		return whole
	}
	return whole + "." + frac
}

// --- Visits ---

// visitList is the visit list with its filter.
type visitList struct {
	Items     []*Visit
	Page      web.Page
	Filter    VisitFilter
	Townships []region.Region
	Names     map[string]string
	Manage    bool
}

func visitFilterOf(r *http.Request, p web.Page) VisitFilter {
	q := r.URL.Query()
	return VisitFilter{From: queryDay(r, "from"), To: queryDay(r, "to"), RegionCode: q.Get("region"), EnterpriseID: queryID(r, "enterprise"),
		Query: q.Get("q"), Limit: p.Limit, Offset: p.Offset, Sort: p.Sort}
}

func (h *Handlers) visits(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	p := web.ListPage(r, 20)
	f := visitFilterOf(r, p)
	items, total, err := h.Service.Visits(r.Context(), u, f)
	if err != nil {
		return err
	}
	p.Total = total
	towns, _, err := h.townships(r, u)
	if err != nil {
		return err
	}
	codes := make([]string, len(items))
	for i, v := range items {
		codes[i] = v.RegionCode
	}
	names, err := h.townNames(r, codes)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "visit/list.html", "nav.visits", visitList{Items: items, Page: p, Filter: f, Townships: towns,
		Names: names, Manage: canManage(u)}, visitsCrumb)
}

// visitForm is the visit form.
type visitForm struct {
	V           *Visit // nil for a new visit
	Colleagues  []Person
	Enterprises []Summary
	Warning     string // the research-day warning of the date in the form
	Today       string
}

func (h *Handlers) visitForm(r *http.Request, v *Visit, date string) (*visitForm, error) {
	u := web.UserFrom(r.Context())
	if !canManage(u) {
		return nil, i18n.E(i18n.Forbidden, "error.forbidden")
	}
	cs, err := h.Service.Colleagues(r.Context(), u)
	if err != nil {
		return nil, err
	}
	es, err := h.Service.EnterpriseChoices(r.Context(), u)
	if err != nil {
		return nil, err
	}
	d := &visitForm{V: v, Colleagues: cs, Enterprises: es, Today: h.Service.today().String()}
	if day, err := calendar.Parse(date); err == nil {
		d.Warning = DayWarning(day, h.Service.cal())
	}
	return d, nil
}

func visitValues(v *Visit) url.Values {
	f := url.Values{}
	f.Set("visit_date", v.Date.String())
	f.Set("enterprise", v.CreditCode)
	for _, p := range v.Staff {
		if p.UserID > 0 {
			f.Add("visit_staff", strconv.FormatInt(p.UserID, 10))
		} else {
			f.Set("visit_others", strings.TrimPrefix(f.Get("visit_others")+"、"+p.Name, "、"))
		}
	}
	f.Set("visit_topics", v.Topics)
	f.Set("visit_notes", v.Notes)
	f.Set("visit_off_day_note", v.OffDayNote)
	f.Set("version", strconv.Itoa(v.Version))
	return f
}

// visitInputOf reads the visit form.
func (h *Handlers) visitInputOf(r *http.Request) (VisitInput, i18n.Problems) {
	f := r.PostForm
	var p i18n.Problems
	in := VisitInput{Date: day(f.Get("visit_date"), "visit_date", &p), Topics: f.Get("visit_topics"), Notes: f.Get("visit_notes"),
		OffDayNote: f.Get("visit_off_day_note"), Others: []string{f.Get("visit_others")}}
	for _, v := range f["visit_staff"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.StaffIDs = append(in.StaffIDs, id)
		}
	}
	if strings.TrimSpace(f.Get("enterprise")) != "" {
		e, err := h.Service.FindEnterprise(r.Context(), web.UserFrom(r.Context()), f.Get("enterprise"))
		if err != nil {
			p.AddErr("enterprise_id", err)
		}
		in.EnterpriseID = e.ID
	}
	return in, p
}

func (h *Handlers) newVisit(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	today := h.Service.today().String()
	d, err := h.visitForm(r, nil, today)
	if err != nil {
		return err
	}
	v := url.Values{"visit_date": {today}, "visit_staff": {strconv.FormatInt(u.ID, 10)}}
	if id := queryID(r, "enterprise"); id > 0 {
		if e, err := h.Service.enterprise(r.Context(), u, id, 0); err == nil {
			v.Set("enterprise", e.CreditCode)
		}
	}
	return h.Web.ShowForm(w, r, newVisitForm, d, v)
}

func visitPath(v *Visit) string { return "/visits/" + strconv.FormatInt(v.ID, 10) }

// postedVisitForm is the visit form shown again after a refused save: its
// day warning is for the date that was typed.
func (h *Handlers) postedVisitForm(r *http.Request, v *Visit) (*visitForm, error) {
	return h.visitForm(r, v, r.PostForm.Get("visit_date"))
}

func (h *Handlers) createVisit(w http.ResponseWriter, r *http.Request) error {
	return web.Create(h.Web, w, r, newVisitForm, "visit.saved", h.postedVisitForm, h.visitInputOf, h.Service.CreateVisit, visitPath)
}

func (h *Handlers) getVisit(r *http.Request) (*Visit, error) { return web.Record(r, h.Service.Visit) }

// visitPage is one visit with the needs collected on it.
type visitPage struct {
	V          *Visit
	Needs      []*Need
	RegionName string
	Manage     bool
}

func (h *Handlers) showVisit(w http.ResponseWriter, r *http.Request) error {
	v, err := h.getVisit(r)
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	d := &visitPage{V: v, Manage: canManage(u)}
	if d.Needs, _, err = h.Service.Needs(r.Context(), u, NeedFilter{VisitID: v.ID, Limit: 1000, Sort: "collected_on"}); err != nil {
		return err
	}
	if t, err := h.Regions.Tree(r.Context()); err == nil {
		d.RegionName = t.FullName(v.RegionCode)
	}
	return h.Web.Render(w, r, "visit/show.html", "visit.title", d, visitsCrumb, web.Crumb{Key: "visit.title"})
}

func (h *Handlers) editVisit(w http.ResponseWriter, r *http.Request) error {
	return web.Edit(h.Web, w, r, editVisitForm, h.getVisit, func(r *http.Request, v *Visit) (*visitForm, error) {
		return h.visitForm(r, v, v.Date.String())
	}, visitValues)
}

func (h *Handlers) updateVisit(w http.ResponseWriter, r *http.Request) error {
	return web.Update(h.Web, w, r, editVisitForm, "visit.saved", h.getVisit, h.postedVisitForm, h.visitInputOf, func(v *Visit, in VisitInput) error {
		version, _ := strconv.Atoi(r.PostForm.Get("version"))
		_, err := h.Service.UpdateVisit(r.Context(), web.UserFrom(r.Context()), v.ID, version, in, r.PostForm.Get("reason"))
		return err
	}, visitPath)
}
