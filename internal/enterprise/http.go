package enterprise

import (
	"context"
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

// Handlers serve the enterprise pages and API.
type Handlers struct {
	Web     *web.Server
	Service *Service
	Regions *region.Store
	// Patents counts the enterprise's patents in the patent registry (wired
	// in app); nil shows none.
	Patents PatentIP
}

// PatentIP counts an enterprise's granted patents in force by IP class:
// Class I (inventions) and Class II (utility models and designs).
type PatentIP interface {
	IPCounts(ctx context.Context, u *auth.User, enterpriseID int64) (classI, classII int, err error)
}

var listCrumb = web.Crumb{Key: "nav.enterprises", Href: "/enterprises"}

// listPage is the enterprise list with its filter.
type listPage struct {
	Items      []*Enterprise
	Page       web.Page
	Filter     Filter
	Townships  []region.Region
	TechFields []string
	Names      map[string]string // region code → name
	Export     string            // the export URL with the same filter
}

func filterOf(r *http.Request, p web.Page) Filter {
	q := r.URL.Query()
	return Filter{Query: q.Get("q"), RegionCode: q.Get("region"), TechField: q.Get("tech_field"), Status: q.Get("status"),
		Limit: p.Limit, Offset: p.Offset, Sort: p.Sort}
}

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

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	if u.Scope().EnterpriseID > 0 {
		http.Redirect(w, r, "/enterprises/"+strconv.FormatInt(u.Scope().EnterpriseID, 10), http.StatusSeeOther)
		return nil
	}
	p := web.ListPage(r, 20)
	f := filterOf(r, p)
	items, total, err := h.Service.List(r.Context(), u, f)
	if err != nil {
		return err
	}
	p.Total = total
	towns, names, err := h.townships(r, u)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	q.Del("page")
	return h.Web.Render(w, r, "enterprise/list.html", "nav.enterprises", listPage{Items: items, Page: p, Filter: f,
		Townships: towns, TechFields: TechFields, Names: names, Export: "/enterprises/export.xlsx?" + q.Encode()}, listCrumb)
}

// formPage is the record form.
type formPage struct {
	E          *Enterprise
	Townships  []region.Region
	TechFields []string
	Manage     bool
}

func (h *Handlers) formPage(r *http.Request, e *Enterprise) (*formPage, error) {
	u := web.UserFrom(r.Context())
	towns, _, err := h.townships(r, u)
	if err != nil {
		return nil, err
	}
	return &formPage{E: e, Townships: towns, TechFields: TechFields, Manage: u.Can(auth.PermEnterpriseManage)}, nil
}

func formValues(e *Enterprise) url.Values {
	v := url.Values{}
	v.Set("credit_code", e.CreditCode)
	v.Set("name", e.Name)
	v.Set("legal_rep", e.LegalRep)
	if !e.RegisteredOn.IsZero() {
		v.Set("registered_on", e.RegisteredOn.String())
	}
	if e.RegisteredCapital != 0 {
		v.Set("registered_capital", strings.ReplaceAll(e.RegisteredCapital.Wan(), ",", ""))
	}
	v.Set("address", e.Address)
	v.Set("region_code", e.RegionCode)
	v.Set("industry_code", e.IndustryCode)
	v.Set("tech_field", e.TechField)
	v.Set("contact_name", e.ContactName)
	v.Set("contact_phone", e.ContactPhone)
	v.Set("version", strconv.Itoa(e.Version))
	return v
}

// inputOf reads the record form; amounts are entered in 万元.
func inputOf(r *http.Request) (Input, i18n.Problems) {
	f := r.PostForm
	in := Input{CreditCode: f.Get("credit_code"), Name: f.Get("name"), LegalRep: f.Get("legal_rep"), Address: f.Get("address"),
		RegionCode: f.Get("region_code"), IndustryCode: f.Get("industry_code"), TechField: f.Get("tech_field"),
		ContactName: f.Get("contact_name"), ContactPhone: f.Get("contact_phone")}
	var p i18n.Problems
	if v := strings.TrimSpace(f.Get("registered_on")); v != "" {
		d, err := calendar.Parse(v)
		if err != nil {
			p.Add("registered_on", "error.invalid_date")
		}
		in.RegisteredOn = d
	}
	in.RegisteredCapital = wan(f.Get("registered_capital"), "registered_capital", &p)
	return in, p
}

// wan parses an amount entered in 万元.
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

func (h *Handlers) newForm(w http.ResponseWriter, r *http.Request) error {
	d, err := h.formPage(r, nil)
	if err != nil {
		return err
	}
	return h.Web.ShowForm(w, r, newForm, d, url.Values{})
}

var (
	newForm  = web.Form{Page: "enterprise/form.html", Title: "enterprise.new", Crumbs: []web.Crumb{listCrumb, {Key: "enterprise.new"}}}
	editForm = web.Form{Page: "enterprise/form.html", Title: "enterprise.edit", Crumbs: []web.Crumb{listCrumb, {Key: "enterprise.edit"}}}
)

func pathOf(e *Enterprise) string { return "/enterprises/" + strconv.FormatInt(e.ID, 10) }

func (h *Handlers) create(w http.ResponseWriter, r *http.Request) error {
	create := func(ctx context.Context, u *auth.User, in Input) (*Enterprise, error) {
		return h.Service.Create(ctx, u, in, r.PostForm.Get("reason"))
	}
	return web.Create(h.Web, w, r, newForm, "enterprise.saved", h.formPage, inputOf, create, pathOf)
}

func (h *Handlers) get(r *http.Request) (*Enterprise, error) { return web.Record(r, h.Service.Get) }

// showPage is one record with everything kept about it.
type showPage struct {
	E           *Enterprise
	Years       []Year
	Statuses    []Status
	Versions    []Version
	RegionName  string
	Manage      bool
	Write       bool
	ThisYear    int
	RecentYears []int // last year first: the years whose facts one usually fills in
	Kinds       []string
	MergedInto  string
	// The registry's granted patents in force, by class (HasPatents: the
	// registry is wired).
	HasPatents                  bool
	PatentClassI, PatentClassII int
}

func (h *Handlers) show(w http.ResponseWriter, r *http.Request) error {
	e, err := h.get(r)
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	d := &showPage{E: e, Manage: u.Can(auth.PermEnterpriseManage) && !u.Scope().ReadOnly, Write: u.Can(auth.PermWrite) && !u.Scope().ReadOnly,
		ThisYear: calendar.Today(nil).Year, Kinds: StatusKinds}
	for y := d.ThisYear - 1; y >= d.ThisYear-5; y-- {
		d.RecentYears = append(d.RecentYears, y)
	}
	ctx := r.Context()
	if d.Years, err = h.Service.Years(ctx, u, e.ID); err != nil {
		return err
	}
	if d.Statuses, err = h.Service.Statuses(ctx, u, e.ID); err != nil {
		return err
	}
	if d.Versions, err = h.Service.Versions(ctx, u, e.ID); err != nil {
		return err
	}
	if t, err := h.Regions.Tree(ctx); err == nil {
		d.RegionName = t.FullName(e.RegionCode)
	}
	if h.Patents != nil {
		d.HasPatents = true
		if d.PatentClassI, d.PatentClassII, err = h.Patents.IPCounts(ctx, u, e.ID); err != nil {
			return err
		}
	}
	return h.Web.Render(w, r, "enterprise/show.html", "enterprise.title", d, listCrumb, web.Crumb{Key: "enterprise.title"})
}

func (h *Handlers) editForm(w http.ResponseWriter, r *http.Request) error {
	return web.Edit(h.Web, w, r, editForm, h.get, h.formPage, formValues)
}

func (h *Handlers) update(w http.ResponseWriter, r *http.Request) error {
	return web.Update(h.Web, w, r, editForm, "enterprise.saved", h.get, h.formPage, inputOf, func(e *Enterprise, in Input) error {
		version, _ := strconv.Atoi(r.PostForm.Get("version"))
		_, err := h.Service.Update(r.Context(), web.UserFrom(r.Context()), e.ID, version, in, r.PostForm.Get("reason"))
		return err
	}, pathOf)
}

// yearPage is the form of one year's facts.
type yearPage struct {
	E     *Enterprise
	Year  int
	RDKey [8]string
	Write bool
}

var yearMoney = []string{"revenue", "hitech_revenue", "total_assets", "net_assets", "total_cost_expense", "rd_total", "rd_domestic"}
var yearCounts = []string{"staff", "st_staff", "ip_class1", "ip_class2", "conversions"}

func yearValues(y Year) url.Values {
	v := url.Values{}
	amt := func(f money.Fen) string { return strings.ReplaceAll(f.Wan(), ",", "") }
	for k, f := range map[string]money.Fen{"revenue": y.Revenue, "hitech_revenue": y.HiTechRevenue, "total_assets": y.TotalAssets,
		"net_assets": y.NetAssets, "total_cost_expense": y.TotalCostExpense, "rd_total": y.RDTotal, "rd_domestic": y.RDDomestic} {
		v.Set(k, amt(f))
	}
	for i, f := range y.RDCategories {
		if f != 0 {
			v.Set("rd_cat"+strconv.Itoa(i), amt(f))
		}
	}
	for k, n := range map[string]int{"staff": y.Staff, "st_staff": y.STStaff, "ip_class1": y.IPClass1, "ip_class2": y.IPClass2, "conversions": y.Conversions} {
		v.Set(k, strconv.Itoa(n))
	}
	if y.AnnualReport {
		v.Set("annual_report", "1")
	}
	return v
}

// yearOf reads the year form.
func yearOf(f url.Values) (Year, i18n.Problems) {
	var p i18n.Problems
	y := Year{}
	dst := map[string]*money.Fen{"revenue": &y.Revenue, "hitech_revenue": &y.HiTechRevenue, "total_assets": &y.TotalAssets,
		"net_assets": &y.NetAssets, "total_cost_expense": &y.TotalCostExpense, "rd_total": &y.RDTotal, "rd_domestic": &y.RDDomestic}
	for _, k := range yearMoney {
		v := strings.TrimSpace(f.Get(k))
		if k == "net_assets" && strings.HasPrefix(v, "-") {
			n, err := money.ParseSignedYuan(strings.TrimSuffix(v, "万") + "万")
			if err != nil {
				p.AddErr(k, err)
			}
			*dst[k] = n
			continue
		}
		*dst[k] = wan(v, k, &p)
	}
	for i := range y.RDCategories {
		y.RDCategories[i] = wan(f.Get("rd_cat"+strconv.Itoa(i)), "rd_cat"+strconv.Itoa(i), &p)
	}
	cnt := map[string]*int{"staff": &y.Staff, "st_staff": &y.STStaff, "ip_class1": &y.IPClass1, "ip_class2": &y.IPClass2, "conversions": &y.Conversions}
	for _, k := range yearCounts {
		v := strings.TrimSpace(f.Get(k))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			p.Add(k, "error.whole_number")
		}
		*cnt[k] = n
	}
	y.AnnualReport = f.Get("annual_report") != ""
	return y, p
}

func (h *Handlers) yearPage(r *http.Request) (*yearPage, []Year, error) {
	e, err := h.get(r)
	if err != nil {
		return nil, nil, err
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return nil, nil, i18n.E(i18n.NotFound, "error.not_found")
	}
	u := web.UserFrom(r.Context())
	ys, err := h.Service.Years(r.Context(), u, e.ID)
	if err != nil {
		return nil, nil, err
	}
	return &yearPage{E: e, Year: year, RDKey: RDCategoryKeys, Write: u.Can(auth.PermWrite) && !u.Scope().ReadOnly}, ys, nil
}

func (h *Handlers) yearCrumbs(e *Enterprise) []web.Crumb {
	return []web.Crumb{listCrumb, {Key: "enterprise.title", Href: "/enterprises/" + strconv.FormatInt(e.ID, 10)}, {Key: "enterprise.year.title"}}
}

func (h *Handlers) yearForm(w http.ResponseWriter, r *http.Request) error {
	d, ys, err := h.yearPage(r)
	if err != nil {
		return err
	}
	v := url.Values{}
	for _, y := range ys {
		if y.Year == d.Year {
			v = yearValues(y)
		}
	}
	return h.Web.RenderValues(w, r, "enterprise/year.html", "enterprise.year.title", d, v, h.yearCrumbs(d.E)...)
}

func (h *Handlers) saveYear(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	d, _, err := h.yearPage(r)
	if err != nil {
		return err
	}
	y, p := yearOf(r.PostForm)
	y.EnterpriseID, y.Year = d.E.ID, d.Year
	if len(p) == 0 {
		err = h.Service.SaveYear(r.Context(), web.UserFrom(r.Context()), y, r.PostForm.Get("reason"))
	}
	if err = p.With(err); err != nil {
		return h.Web.RenderForm(w, r, "enterprise/year.html", "enterprise.year.title", d, err, h.yearCrumbs(d.E)...)
	}
	return h.Web.Redirect(w, r, "/enterprises/"+strconv.FormatInt(d.E.ID, 10), "enterprise.year.saved")
}

func (h *Handlers) addStatus(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	e, err := h.get(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	st := Status{EnterpriseID: e.ID, Kind: f.Get("kind"), Number: f.Get("number"), Note: f.Get("note")}
	var p i18n.Problems
	st.Year, err = strconv.Atoi(f.Get("year"))
	if err != nil {
		p.Add("year", "error.whole_number")
	}
	for field, dst := range map[string]*calendar.Date{"valid_from": &st.ValidFrom, "valid_to": &st.ValidTo} {
		if v := strings.TrimSpace(f.Get(field)); v != "" {
			d, err := calendar.Parse(v)
			if err != nil {
				p.Add(field, "error.invalid_date")
			}
			*dst = d
		}
	}
	err = nil
	if len(p) == 0 {
		_, err = h.Service.AddStatus(r.Context(), web.UserFrom(r.Context()), st, f.Get("reason"))
	}
	if err = p.With(err); err != nil {
		return err
	}
	return h.Web.Redirect(w, r, "/enterprises/"+strconv.FormatInt(e.ID, 10), "enterprise.status.saved")
}

func (h *Handlers) merge(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	keep, err := h.get(r)
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	dup, err := h.Service.ByCode(r.Context(), u, r.PostForm.Get("duplicate_code"))
	if err != nil {
		return i18n.FieldError("duplicate_code", "enterprise.merge.not_found")
	}
	if err := h.Service.Merge(r.Context(), u, keep.ID, dup.ID, r.PostForm.Get("reason")); err != nil {
		return err
	}
	return h.Web.Redirect(w, r, "/enterprises/"+strconv.FormatInt(keep.ID, 10), "enterprise.merged")
}

// pickYear sends the year picker to that year's form.
func (h *Handlers) pickYear(w http.ResponseWriter, r *http.Request) error {
	e, err := h.get(r)
	if err != nil {
		return err
	}
	year, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil {
		return i18n.FieldError("year", "error.whole_number")
	}
	http.Redirect(w, r, "/enterprises/"+strconv.FormatInt(e.ID, 10)+"/years/"+strconv.Itoa(year), http.StatusSeeOther)
	return nil
}

// blacklist puts the record on the credit blacklist or takes it off.
func (h *Handlers) blacklist(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	e, err := h.get(r)
	if err != nil {
		return err
	}
	on := r.PostForm.Get("blacklisted") == "1"
	if err := h.Service.SetBlacklisted(r.Context(), web.UserFrom(r.Context()), e.ID, on, r.PostForm.Get("reason")); err != nil {
		return err
	}
	return h.Web.Redirect(w, r, "/enterprises/"+strconv.FormatInt(e.ID, 10), "enterprise.saved")
}
