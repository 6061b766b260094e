package quake

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/region"
	"kejiju/internal/web"
	"kejiju/internal/xlsx"
)

// Handlers serve the pages and API of earthquake prevention.
type Handlers struct {
	Web     *web.Server
	Service *Service
	Regions *region.Store
}

var (
	registryCrumb  = web.Crumb{Key: "nav.quake", Href: "/quake/assistants"}
	drillsCrumb    = web.Crumb{Key: "nav.quake_drills", Href: "/quake/drills"}
	publicityCrumb = web.Crumb{Key: "nav.quake_publicity", Href: "/quake/publicity"}
	summaryCrumb   = web.Crumb{Key: "nav.quake_summary", Href: "/quake/summary"}
)

// number reads an optional whole number of a form: empty is 0, anything
// else that is not a number a problem on field.
func number(v, field string, p *i18n.Problems) int {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		p.Add(field, "quake.number")
	}
	return n
}

func years(today calendar.Date) []int {
	return []int{today.Year, today.Year - 1, today.Year - 2, today.Year - 3, today.Year - 4}
}

// towns returns the townships in u's scope and a code → name map of them
// and their districts.
func (h *Handlers) towns(r *http.Request, u *auth.User) ([]Town, map[string]string, error) {
	all, err := h.Service.Towns(r.Context(), u)
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	var out []Town
	for _, t := range all {
		names[t.Code] = t.Name
		if !t.District {
			out = append(out, t)
		}
	}
	return out, names, nil
}

func canManage(u *auth.User) bool { return MayManage(u) == nil }

// --- Registry ---

type registryPage struct {
	Items  []*Assistant
	Page   web.Page
	Filter AssistantFilter
	Towns  []Town
	Names  map[string]string
	Vacant []Town
	Manage bool
}

func assistantFilterOf(q url.Values) AssistantFilter {
	return AssistantFilter{RegionCode: q.Get("region"), History: q.Get("history") == "1", Query: q.Get("q")}
}

func (h *Handlers) registry(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	p := web.ListPage(r, 50)
	f := assistantFilterOf(r.URL.Query())
	f.Limit, f.Offset = p.Limit, p.Offset
	items, total, err := h.Service.Assistants(r.Context(), u, f)
	if err != nil {
		return err
	}
	p.Total = total
	towns, names, err := h.towns(r, u)
	if err != nil {
		return err
	}
	vacant, err := h.Service.Vacant(r.Context(), u)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "quake/registry.html", "nav.quake", registryPage{Items: items, Page: p, Filter: f, Towns: towns, Names: names,
		Vacant: vacant, Manage: canManage(u)}, registryCrumb)
}

type assistantForm struct {
	Towns []Town
}

func (h *Handlers) assistantForm(r *http.Request) (*assistantForm, error) {
	u := web.UserFrom(r.Context())
	if err := MayManage(u); err != nil {
		return nil, err
	}
	towns, _, err := h.towns(r, u)
	return &assistantForm{Towns: towns}, err
}

// assistantFormOf is assistantForm as the form of a new assistant.
func (h *Handlers) assistantFormOf(r *http.Request, _ *Assistant) (*assistantForm, error) {
	return h.assistantForm(r)
}

var (
	newAssistantForm = web.Form{Page: "quake/assistant_form.html", Title: "quake.assistant.new",
		Crumbs: []web.Crumb{registryCrumb, {Key: "quake.assistant.new"}}}
	assistantPageForm = web.Form{Page: "quake/assistant.html", Title: "quake.assistant.title",
		Crumbs: []web.Crumb{registryCrumb, {Key: "quake.assistant.title"}}}
	newDrillForm  = web.Form{Page: "quake/drill_form.html", Title: "quake.drill.new", Crumbs: []web.Crumb{drillsCrumb, {Key: "quake.drill.new"}}}
	editDrillForm = web.Form{Page: "quake/drill_form.html", Title: "quake.drill.edit", Crumbs: []web.Crumb{drillsCrumb, {Key: "quake.drill.edit"}}}
	publicityForm = web.Form{Page: "quake/publicity_form.html", Title: "quake.publicity.new",
		Crumbs: []web.Crumb{publicityCrumb, {Key: "quake.publicity.new"}}}
)

func assistantPath(a *Assistant) string { return "/quake/assistants/" + strconv.FormatInt(a.ID, 10) }

func assistantInputOf(r *http.Request) (AssistantInput, i18n.Problems) {
	f := r.PostForm
	var p i18n.Problems
	in := AssistantInput{RegionCode: f.Get("assistant_region"), Name: f.Get("assistant_name"), Phone: f.Get("assistant_phone"),
		Employer: f.Get("assistant_employer"), Position: f.Get("assistant_position"), Note: f.Get("assistant_note"),
		AppointedOn: web.FormDate(f.Get("assistant_appointed_on"), "assistant_appointed_on", &p)}
	return in, p
}

func (h *Handlers) newAssistant(w http.ResponseWriter, r *http.Request) error {
	d, err := h.assistantForm(r)
	if err != nil {
		return err
	}
	v := url.Values{"assistant_region": {r.URL.Query().Get("region")}, "assistant_appointed_on": {h.Service.today().String()}}
	return h.Web.ShowForm(w, r, newAssistantForm, d, v)
}

func (h *Handlers) register(w http.ResponseWriter, r *http.Request) error {
	return web.Create(h.Web, w, r, newAssistantForm, "quake.assistant.saved", h.assistantFormOf, assistantInputOf, h.Service.RegisterAssistant,
		assistantPath)
}

type assistantPage struct {
	A          *Assistant
	RegionName string
	History    []*Assistant
	Trainings  []Training
	Manage     bool
	Today      string
}

func (h *Handlers) assistantData(r *http.Request) (*assistantPage, error) {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return nil, err
	}
	u := web.UserFrom(r.Context())
	a, err := h.Service.Assistant(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	d := &assistantPage{A: a, Manage: canManage(u) && a.Current(), Today: h.Service.today().String()}
	if d.History, err = h.Service.History(r.Context(), u, a.RegionCode); err != nil {
		return nil, err
	}
	if h.Service.Trainings != nil {
		// The township's own trainings, and those held for its whole
		// district (which every assistant attends), during the term.
		all, err := h.Service.Trainings.QuakeTrainings(r.Context(), u, 0, "")
		if err != nil {
			return nil, err
		}
		for _, t := range all {
			if strings.HasPrefix(a.RegionCode, t.RegionCode) && !t.Date.Before(a.AppointedOn) && (a.Current() || !t.Date.After(a.EndedOn)) {
				d.Trainings = append(d.Trainings, t)
			}
		}
	}
	if t, err := h.Regions.Tree(r.Context()); err == nil {
		d.RegionName = t.FullName(a.RegionCode)
	}
	return d, nil
}

func (h *Handlers) showAssistant(w http.ResponseWriter, r *http.Request) error {
	d, err := h.assistantData(r)
	if err != nil {
		return err
	}
	return h.Web.ShowForm(w, r, assistantPageForm, d, url.Values{"assistant_appointed_on": {d.Today}, "ended_on": {d.Today}})
}

// assistantPageOf is assistantData for the forms on an assistant's page.
func (h *Handlers) assistantPageOf(r *http.Request, _ int64) (*assistantPage, error) {
	return h.assistantData(r)
}

func (h *Handlers) replace(w http.ResponseWriter, r *http.Request) error {
	return web.Submit(h.Web, w, r, assistantPageForm, "quake.assistant.replaced", web.PathID, h.assistantPageOf, func(id int64) (string, error) {
		in, p := assistantInputOf(r)
		if len(p) > 0 {
			return "", p
		}
		a, err := h.Service.ReplaceAssistant(r.Context(), web.UserFrom(r.Context()), id, in, r.PostForm.Get("reason"))
		if err != nil {
			return "", err
		}
		return assistantPath(a), nil
	})
}

func (h *Handlers) end(w http.ResponseWriter, r *http.Request) error {
	return web.Submit(h.Web, w, r, assistantPageForm, "quake.assistant.ended_flash", web.PathID, h.assistantPageOf, func(id int64) (string, error) {
		var p i18n.Problems
		endOn := web.FormDate(r.PostForm.Get("ended_on"), "assistant_ended_on", &p)
		if len(p) > 0 {
			return "", p
		}
		_, err := h.Service.EndAssistant(r.Context(), web.UserFrom(r.Context()), id, endOn, r.PostForm.Get("end_reason"))
		return "/quake/assistants/" + strconv.FormatInt(id, 10), err
	})
}

// --- Drills ---

type drillList struct {
	Items  []*Drill
	Page   web.Page
	Filter DrillFilter
	Towns  []Town
	Names  map[string]string
	Years  []int
	Kinds  []string
	Manage bool
}

func drillFilterOf(q url.Values) DrillFilter {
	return DrillFilter{Year: web.Int(q.Get("year")), RegionCode: q.Get("region"), SiteKind: q.Get("site_kind"), Query: q.Get("q")}
}

func (h *Handlers) drills(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	p := web.ListPage(r, 20)
	f := drillFilterOf(r.URL.Query())
	f.Limit, f.Offset, f.Sort = p.Limit, p.Offset, p.Sort
	items, total, err := h.Service.Drills(r.Context(), u, f)
	if err != nil {
		return err
	}
	p.Total = total
	towns, names, err := h.towns(r, u)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "quake/drills.html", "nav.quake_drills", drillList{Items: items, Page: p, Filter: f, Towns: towns, Names: names,
		Years: years(h.Service.today()), Kinds: SiteKinds, Manage: canManage(u)}, drillsCrumb)
}

type drillForm struct {
	D       *Drill
	Towns   []Town
	Kinds   []string
	Ratings []string
}

func (h *Handlers) drillForm(r *http.Request, d *Drill) (*drillForm, error) {
	u := web.UserFrom(r.Context())
	if err := MayManage(u); err != nil {
		return nil, err
	}
	towns, _, err := h.towns(r, u)
	return &drillForm{D: d, Towns: towns, Kinds: SiteKinds, Ratings: Ratings}, err
}

func drillValues(d *Drill) url.Values {
	v := url.Values{"drill_region": {d.RegionCode}, "drill_site_kind": {d.SiteKind}, "drill_site": {d.Site}, "drill_date": {d.Date.String()},
		"drill_scenario": {d.Scenario}, "drill_participants": {strconv.Itoa(d.Participants)}, "drill_rating": {d.Rating},
		"drill_evaluation": {d.Evaluation}, "version": {strconv.Itoa(d.Version)}}
	if d.DurationMin > 0 {
		v.Set("drill_duration", strconv.Itoa(d.DurationMin))
	}
	if d.EvacuationSec > 0 {
		v.Set("drill_evacuation", strconv.Itoa(d.EvacuationSec))
	}
	return v
}

func drillInputOf(r *http.Request) (DrillInput, i18n.Problems) {
	f := r.PostForm
	var p i18n.Problems
	in := DrillInput{RegionCode: f.Get("drill_region"), SiteKind: f.Get("drill_site_kind"), Site: f.Get("drill_site"),
		Date: web.FormDate(f.Get("drill_date"), "drill_date", &p), Scenario: f.Get("drill_scenario"), Rating: f.Get("drill_rating"),
		Evaluation: f.Get("drill_evaluation")}
	in.Participants = number(f.Get("drill_participants"), "drill_participants", &p)
	in.DurationMin = number(f.Get("drill_duration"), "drill_duration", &p)
	in.EvacuationSec = number(f.Get("drill_evacuation"), "drill_evacuation", &p)
	return in, p
}

func (h *Handlers) newDrill(w http.ResponseWriter, r *http.Request) error {
	d, err := h.drillForm(r, nil)
	if err != nil {
		return err
	}
	region := r.URL.Query().Get("region")
	if region == "" && len(d.Towns) == 1 {
		region = d.Towns[0].Code
	}
	v := url.Values{"drill_region": {region}, "drill_site_kind": {"school"}, "drill_date": {h.Service.today().String()}}
	return h.Web.ShowForm(w, r, newDrillForm, d, v)
}

func drillPath(d *Drill) string { return "/quake/drills/" + strconv.FormatInt(d.ID, 10) }

func (h *Handlers) createDrill(w http.ResponseWriter, r *http.Request) error {
	return web.Create(h.Web, w, r, newDrillForm, "quake.drill.saved", h.drillForm, drillInputOf, h.Service.CreateDrill, drillPath)
}

func (h *Handlers) getDrill(r *http.Request) (*Drill, error) { return web.Record(r, h.Service.Drill) }

type drillPage struct {
	D          *Drill
	RegionName string
	Manage     bool
}

func (h *Handlers) showDrill(w http.ResponseWriter, r *http.Request) error {
	dr, err := h.getDrill(r)
	if err != nil {
		return err
	}
	d := &drillPage{D: dr, Manage: canManage(web.UserFrom(r.Context()))}
	if t, err := h.Regions.Tree(r.Context()); err == nil {
		d.RegionName = t.FullName(dr.RegionCode)
	}
	return h.Web.Render(w, r, "quake/drill.html", "quake.drill.title", d, drillsCrumb, web.Crumb{Key: "quake.drill.title"})
}

func (h *Handlers) editDrill(w http.ResponseWriter, r *http.Request) error {
	return web.Edit(h.Web, w, r, editDrillForm, h.getDrill, h.drillForm, drillValues)
}

func (h *Handlers) updateDrill(w http.ResponseWriter, r *http.Request) error {
	return web.Update(h.Web, w, r, editDrillForm, "quake.drill.saved", h.getDrill, h.drillForm, drillInputOf, func(d *Drill, in DrillInput) error {
		_, err := h.Service.UpdateDrill(r.Context(), web.UserFrom(r.Context()), d.ID, web.Int(r.PostForm.Get("version")), in)
		return err
	}, drillPath)
}

// --- Publicity ---

type publicityList struct {
	Items  []*Publicity
	Page   web.Page
	Filter PublicityFilter
	Towns  []Town
	Names  map[string]string
	Years  []int
	Total  int // copies in the list's filter, this page
	Manage bool
}

func (h *Handlers) publicity(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	p := web.ListPage(r, 20)
	q := r.URL.Query()
	f := PublicityFilter{Year: web.Int(q.Get("year")), RegionCode: q.Get("region"), Query: q.Get("q"), Limit: p.Limit, Offset: p.Offset}
	items, total, err := h.Service.Publicities(r.Context(), u, f)
	if err != nil {
		return err
	}
	p.Total = total
	towns, names, err := h.towns(r, u)
	if err != nil {
		return err
	}
	d := publicityList{Items: items, Page: p, Filter: f, Towns: towns, Names: names, Years: years(h.Service.today()), Manage: canManage(u)}
	for _, it := range items {
		d.Total += it.Quantity
	}
	return h.Web.Render(w, r, "quake/publicity.html", "nav.quake_publicity", d, publicityCrumb)
}

func (h *Handlers) newPublicity(w http.ResponseWriter, r *http.Request) error {
	d, err := h.assistantForm(r)
	if err != nil {
		return err
	}
	region := r.URL.Query().Get("region")
	if region == "" && len(d.Towns) == 1 {
		region = d.Towns[0].Code
	}
	v := url.Values{"publicity_region": {region}, "publicity_date": {h.Service.today().String()}}
	return h.Web.ShowForm(w, r, publicityForm, d, v)
}

func publicityInputOf(r *http.Request) (PublicityInput, i18n.Problems) {
	f := r.PostForm
	var p i18n.Problems
	in := PublicityInput{RegionCode: f.Get("publicity_region"), Recipient: f.Get("publicity_recipient"), Materials: f.Get("publicity_materials"),
		DistributedOn: web.FormDate(f.Get("publicity_date"), "publicity_date", &p), Activity: f.Get("publicity_activity")}
	in.Quantity = number(f.Get("publicity_quantity"), "publicity_quantity", &p)
	return in, p
}

func (h *Handlers) createPublicity(w http.ResponseWriter, r *http.Request) error {
	page := func(r *http.Request, _ *Publicity) (*assistantForm, error) { return h.assistantForm(r) }
	list := func(*Publicity) string { return "/quake/publicity" }
	return web.Create(h.Web, w, r, publicityForm, "quake.publicity.saved", page, publicityInputOf, h.Service.CreatePublicity, list)
}

// --- Summary ---

type summaryPage struct {
	Year  int
	Years []int
	Rows  []SummaryRow
}

func (h *Handlers) summaryData(r *http.Request) (*summaryPage, error) {
	year := web.Int(r.URL.Query().Get("year"))
	if year < 1 || year > 9999 {
		year = h.Service.today().Year
	}
	rows, err := h.Service.Summary(r.Context(), web.UserFrom(r.Context()), year)
	return &summaryPage{Year: year, Years: years(h.Service.today()), Rows: rows}, err
}

func (h *Handlers) summary(w http.ResponseWriter, r *http.Request) error {
	d, err := h.summaryData(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "quake/summary.html", "nav.quake_summary", d, summaryCrumb)
}

// SummarySheet is the yearly summary per township as a spreadsheet.
var SummarySheet = xlsx.Sheet{Name: "防震减灾工作汇总", Columns: []xlsx.Column{
	{Key: "township", Header: "乡镇（街道）", Width: 16},
	{Key: "assistant", Header: "防震减灾助理员", Width: 16},
	{Key: "drills", Header: "应急疏散演练（次）", Width: 18},
	{Key: "participants", Header: "参演人数", Width: 12},
	{Key: "trainings", Header: "培训（次）", Width: 12},
	{Key: "trained", Header: "参训人数", Width: 12},
	{Key: "recipients", Header: "发放学校/单位", Width: 14},
	{Key: "materials", Header: "宣传材料（份）", Width: 14},
}}

func (h *Handlers) summarySheet(w http.ResponseWriter, r *http.Request) error {
	d, err := h.summaryData(r)
	if err != nil {
		return err
	}
	zh := i18n.Default().Printer(i18n.Chinese)
	var rows [][]any
	for _, row := range d.Rows {
		name := row.Name
		if row.RegionCode == "" {
			name = zh.T("quake.total")
		}
		rows = append(rows, []any{name, row.Assistant, row.Drills, row.Participants, row.Trainings, row.Trained, row.Recipients, row.Materials})
	}
	return web.Workbook(w, strconv.Itoa(d.Year)+"年防震减灾工作汇总表.xlsx", SummarySheet, rows)
}
