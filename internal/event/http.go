package event

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

// Handlers serve the pages and API of events.
type Handlers struct {
	Web     *web.Server
	Service *Service
	Regions *region.Store
}

var (
	listCrumb    = web.Crumb{Key: "nav.events", Href: "/events"}
	summaryCrumb = web.Crumb{Key: "nav.event_summary", Href: "/events/summary"}
)

// Towns returns the district and townships in u's scope (for the filters
// and forms), and a code → name map for display.
func Towns(r *http.Request, rs *region.Store, u *auth.User) ([]region.Region, map[string]string, error) {
	t, err := rs.Tree(r.Context())
	if err != nil {
		return nil, nil, err
	}
	var out []region.Region
	names := map[string]string{}
	for _, root := range u.Scope().Regions {
		if rr, ok := t.Lookup(root); ok {
			for _, d := range append([]region.Region{rr}, t.Descendants(root)...) {
				if d.Level == region.County || d.Level == region.Township {
					if _, dup := names[d.Code]; !dup {
						out = append(out, d)
					}
					names[d.Code] = d.Name
				}
			}
		}
	}
	return out, names, nil
}

// Years returns the years a year filter offers: this one and four back.
func Years(today calendar.Date) []int {
	return []int{today.Year, today.Year - 1, today.Year - 2, today.Year - 3, today.Year - 4}
}

// number reads an optional whole number of a form: empty is 0, anything
// but digits (with a minus sign) a problem on field.
func number(v, field string, p *i18n.Problems) int {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		p.Add(field, "event.number")
	}
	return n
}

// --- List ---

type listPage struct {
	Items   []*Event
	Page    web.Page
	Filter  Filter
	Towns   []region.Region
	Names   map[string]string
	Years   []int
	Kinds   []string
	Domains []string
	Manage  bool
}

func filterOf(q url.Values) Filter {
	return Filter{Year: web.Int(q.Get("year")), RegionCode: q.Get("region"), Kind: q.Get("kind"), Domain: q.Get("domain"), Query: q.Get("q")}
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	p := web.ListPage(r, 20)
	f := filterOf(r.URL.Query())
	f.Limit, f.Offset, f.Sort = p.Limit, p.Offset, p.Sort
	items, total, err := h.Service.Events(r.Context(), u, f)
	if err != nil {
		return err
	}
	p.Total = total
	towns, names, err := Towns(r, h.Regions, u)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "event/list.html", "nav.events", listPage{Items: items, Page: p, Filter: f, Towns: towns, Names: names,
		Years: Years(h.Service.today()), Kinds: Kinds, Domains: Domains, Manage: MayManage(u) == nil}, listCrumb)
}

// --- Form ---

type formPage struct {
	E       *Event // nil for a new event
	Towns   []region.Region
	Kinds   []string
	Domains []string
}

func (h *Handlers) form(r *http.Request, e *Event) (*formPage, error) {
	u := web.UserFrom(r.Context())
	if err := MayManage(u); err != nil {
		return nil, err
	}
	towns, _, err := Towns(r, h.Regions, u)
	if err != nil {
		return nil, err
	}
	return &formPage{E: e, Towns: towns, Kinds: Kinds, Domains: Domains}, nil
}

func values(e *Event) url.Values {
	f := url.Values{}
	f.Set("event_kind", e.Kind)
	f.Set("event_domain", e.Domain)
	f.Set("event_title", e.Title)
	f.Set("event_date", e.Date.String())
	f.Set("event_place", e.Place)
	f.Set("event_organiser", e.Organiser)
	f.Set("event_region", e.RegionCode)
	for k, n := range map[string]int{"event_planned": e.Planned, "event_attended": e.Attended, "event_duration": e.DurationMin, "event_materials_count": e.MaterialsN} {
		if n != 0 {
			f.Set(k, strconv.Itoa(n))
		}
	}
	f.Set("event_materials", e.Materials)
	f.Set("event_outcome", e.Outcome)
	f.Set("event_attendees", FormatAttendees(e.Attendees))
	f.Set("version", strconv.Itoa(e.Version))
	return f
}

// inputOf reads the event form.
func inputOf(r *http.Request) (Input, i18n.Problems) {
	f := r.PostForm
	var p i18n.Problems
	in := Input{Kind: f.Get("event_kind"), Domain: f.Get("event_domain"), Title: f.Get("event_title"),
		Date: web.FormDate(f.Get("event_date"), "event_date", &p), Place: f.Get("event_place"), Organiser: f.Get("event_organiser"),
		RegionCode: f.Get("event_region"), Materials: f.Get("event_materials"), Outcome: f.Get("event_outcome")}
	in.Planned = number(f.Get("event_planned"), "event_planned", &p)
	in.Attended = number(f.Get("event_attended"), "event_attended", &p)
	in.DurationMin = number(f.Get("event_duration"), "event_duration", &p)
	in.MaterialsN = number(f.Get("event_materials_count"), "event_materials_count", &p)
	var ap i18n.Problems
	in.Attendees, ap = ParseAttendees(f.Get("event_attendees"), "event_attendees")
	return in, append(p, ap...)
}

var (
	newForm  = web.Form{Page: "event/form.html", Title: "event.new", Crumbs: []web.Crumb{listCrumb, {Key: "event.new"}}}
	editForm = web.Form{Page: "event/form.html", Title: "event.edit", Crumbs: []web.Crumb{listCrumb, {Key: "event.edit"}}}
)

func (h *Handlers) newEvent(w http.ResponseWriter, r *http.Request) error {
	d, err := h.form(r, nil)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := url.Values{"event_date": {h.Service.today().String()}, "event_kind": {q.Get("kind")}, "event_domain": {q.Get("domain")},
		"event_region": {q.Get("region")}}
	if v.Get("event_region") == "" {
		v.Set("event_region", web.UserFrom(r.Context()).RegionCode)
	}
	return h.Web.ShowForm(w, r, newForm, d, v)
}

func (h *Handlers) create(w http.ResponseWriter, r *http.Request) error {
	return web.Create(h.Web, w, r, newForm, "event.saved", h.form, inputOf, h.Service.Create, pathOf)
}

func pathOf(e *Event) string { return "/events/" + strconv.FormatInt(e.ID, 10) }

func (h *Handlers) get(r *http.Request) (*Event, error) { return web.Record(r, h.Service.Event) }

type showPage struct {
	E          *Event
	RegionName string
	Manage     bool
}

func (h *Handlers) show(w http.ResponseWriter, r *http.Request) error {
	e, err := h.get(r)
	if err != nil {
		return err
	}
	d := &showPage{E: e, Manage: MayManage(web.UserFrom(r.Context())) == nil}
	if t, err := h.Regions.Tree(r.Context()); err == nil {
		d.RegionName = t.FullName(e.RegionCode)
	}
	return h.Web.Render(w, r, "event/show.html", "event.title", d, listCrumb, web.Crumb{Key: "event.title"})
}

func (h *Handlers) edit(w http.ResponseWriter, r *http.Request) error {
	return web.Edit(h.Web, w, r, editForm, h.get, h.form, values)
}

func (h *Handlers) update(w http.ResponseWriter, r *http.Request) error {
	return web.Update(h.Web, w, r, editForm, "event.saved", h.get, h.form, inputOf, func(e *Event, in Input) error {
		_, err := h.Service.Update(r.Context(), web.UserFrom(r.Context()), e.ID, web.Int(r.PostForm.Get("version")), in)
		return err
	}, pathOf)
}

// --- Summary ---

type summaryPage struct {
	Year    int
	Filter  Filter
	Rows    []SummaryRow
	Towns   []region.Region
	Years   []int
	Domains []string
}

func (h *Handlers) summaryData(r *http.Request) (*summaryPage, error) {
	u := web.UserFrom(r.Context())
	f := filterOf(r.URL.Query())
	f.Kind, f.Query = "", ""
	if f.Year == 0 {
		f.Year = h.Service.today().Year
	}
	rows, err := h.Service.Summary(r.Context(), u, f)
	if err != nil {
		return nil, err
	}
	towns, _, err := Towns(r, h.Regions, u)
	if err != nil {
		return nil, err
	}
	return &summaryPage{Year: f.Year, Filter: f, Rows: rows, Towns: towns, Years: Years(h.Service.today()), Domains: Domains}, nil
}

func (h *Handlers) summary(w http.ResponseWriter, r *http.Request) error {
	d, err := h.summaryData(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "event/summary.html", "nav.event_summary", d, summaryCrumb)
}

// SummarySheet is the yearly summary of events as a spreadsheet.
var SummarySheet = xlsx.Sheet{Name: "活动培训汇总", Columns: []xlsx.Column{
	{Key: "kind", Header: "活动类型", Width: 16},
	{Key: "events", Header: "场次", Width: 10},
	{Key: "planned", Header: "计划人数", Width: 12},
	{Key: "attended", Header: "参加人数", Width: 12},
	{Key: "materials", Header: "发放材料（份）", Width: 16},
}}

func (h *Handlers) summarySheet(w http.ResponseWriter, r *http.Request) error {
	d, err := h.summaryData(r)
	if err != nil {
		return err
	}
	zh := i18n.Default().Printer(i18n.Chinese)
	var rows [][]any
	for _, row := range d.Rows {
		kind := zh.T("event.total")
		if row.Kind != "" {
			kind = zh.T("event.kind." + row.Kind)
		}
		rows = append(rows, []any{kind, row.Events, row.Planned, row.Attended, row.MaterialsN})
	}
	return web.Workbook(w, strconv.Itoa(d.Year)+"年活动培训汇总表.xlsx", SummarySheet, rows)
}
