package incubator

import (
	"net/http"
	"net/url"
	"strconv"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/money"
	"kejiju/internal/web"
)

// Handlers serve the pages of incubators.
type Handlers struct {
	Web     *web.Server
	Service *Service
}

var listCrumb = web.Crumb{Key: "nav.incubators", Href: "/incubators"}

type listPage struct {
	Items  []*Incubator
	Manage bool
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	items, err := h.Service.List(r.Context(), u)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "incubator/list.html", "nav.incubators", listPage{Items: items, Manage: CanManage(u)}, listCrumb)
}

type formPage struct {
	Levels []Level
	ID     int64 // the incubator edited; 0 for a new one
}

func (h *Handlers) newIncubator(w http.ResponseWriter, r *http.Request) error {
	return h.Web.RenderValues(w, r, "incubator/form.html", "incubator.new", formPage{Levels: Levels}, url.Values{"level": {string(None)}},
		listCrumb, web.Crumb{Key: "incubator.new"})
}

func inputOf(f url.Values) Input {
	return Input{Name: f.Get("name"), OperatorName: f.Get("operator_name"), OperatorCode: f.Get("operator_code"), Level: Level(f.Get("level")),
		Specialised: f.Get("specialised") != "", AreaM2: web.Int(f.Get("area_m2")), TenantAreaM2: web.Int(f.Get("tenant_area_m2")),
		RecognisedYear: web.Int(f.Get("recognised_year")), OperatingSince: f.Get("operating_since"), Note: f.Get("note")}
}

func (h *Handlers) create(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	inc, err := h.Service.Create(r.Context(), web.UserFrom(r.Context()), inputOf(r.PostForm))
	if err != nil {
		return h.Web.RenderForm(w, r, "incubator/form.html", "incubator.new", formPage{Levels: Levels}, err, listCrumb, web.Crumb{Key: "incubator.new"})
	}
	return h.Web.Redirect(w, r, "/incubators/"+idOf(inc.ID), "incubator.saved")
}

func (h *Handlers) edit(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	inc, err := h.Service.Get(r.Context(), web.UserFrom(r.Context()), id)
	if err != nil {
		return err
	}
	v := url.Values{"name": {inc.Name}, "operator_name": {inc.OperatorName}, "operator_code": {inc.OperatorCode}, "level": {string(inc.Level)},
		"area_m2": {strconv.Itoa(inc.AreaM2)}, "tenant_area_m2": {strconv.Itoa(inc.TenantAreaM2)}, "note": {inc.Note},
		"version": {strconv.Itoa(inc.Version)}}
	if inc.Specialised {
		v.Set("specialised", "1")
	}
	if inc.RecognisedYear != 0 {
		v.Set("recognised_year", strconv.Itoa(inc.RecognisedYear))
	}
	if !inc.OperatingSince.IsZero() {
		v.Set("operating_since", inc.OperatingSince.String())
	}
	return h.Web.RenderValues(w, r, "incubator/form.html", "incubator.edit", formPage{Levels: Levels, ID: id}, v,
		listCrumb, web.Crumb{Key: "incubator.edit"})
}

func (h *Handlers) update(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Service.Update(r.Context(), web.UserFrom(r.Context()), id, web.Int(r.PostForm.Get("version")), inputOf(r.PostForm)); err != nil {
		return h.Web.RenderForm(w, r, "incubator/form.html", "incubator.edit", formPage{Levels: Levels, ID: id}, err, listCrumb, web.Crumb{Key: "incubator.edit"})
	}
	return h.Web.Redirect(w, r, "/incubators/"+idOf(id), "incubator.updated")
}

type showPage struct {
	I         *Incubator
	Manage    bool
	Prechecks []*Precheck
	Anhui     AnhuiFacts
	Revoked   int
	Legacy    bool
	Kinds     []string
	States    []string
	ThisYear  int
	// The form fields of a year's figures: counts, and amounts in 元.
	CountFields, AmountFields []string
}

func (h *Handlers) showData(r *http.Request) (*showPage, error) {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return nil, err
	}
	u := web.UserFrom(r.Context())
	inc, err := h.Service.Get(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	a := AnhuiFacts{Managers: web.Int(q.Get("managers")), ManagersWithDegree: web.Int(q.Get("managers_with_degree")), InvestmentLinks: q.Get("investment_links") != ""}
	on := h.Service.today()
	return &showPage{I: inc, Manage: CanManage(u), Prechecks: inc.Prechecks(a, on), Anhui: a, Revoked: Revoked(inc.Grades()),
		Legacy: LegacyExpired(inc.Level, "", on), Kinds: ProspectKinds, States: ProspectStates, ThisYear: on.Year,
		CountFields: []string{"tenants", "new_tenants", "graduates", "graduates_total", "staff", "staff_professional", "mentors",
			"tenants_financed", "fund_cases", "tenants_patent", "tenants_valid_ip", "tenants_grown", "services"},
		AmountFields: []string{"fund", "service_income", "total_income"}}, nil
}

func (h *Handlers) show(w http.ResponseWriter, r *http.Request) error {
	d, err := h.showData(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "incubator/show.html", "nav.incubators", d, listCrumb, web.Crumb{Key: "nav.incubators"})
}

// onIncubator runs act for the incubator of the path and returns to its
// page: with the errors on it when the input was refused.
func (h *Handlers) onIncubator(w http.ResponseWriter, r *http.Request, flash string, act func(id int64) error) error {
	return web.Act(h.Web, w, r, showForm, "/incubators/", flash, func(r *http.Request, _ int64) (*showPage, error) { return h.showData(r) }, act)
}

var showForm = web.Form{Page: "incubator/show.html", Title: "nav.incubators", Crumbs: []web.Crumb{listCrumb, {Key: "nav.incubators"}}}

func (h *Handlers) addTenant(w http.ResponseWriter, r *http.Request) error {
	return h.onIncubator(w, r, "incubator.tenant.saved", func(id int64) error {
		f := r.PostForm
		_, err := h.Service.AddTenant(r.Context(), web.UserFrom(r.Context()), id, TenantInput{Name: f.Get("name"), CreditCode: f.Get("credit_code"),
			EstablishedOn: f.Get("established_on"), EnteredOn: f.Get("entered_on"), LongField: f.Get("long_field") != "", Note: f.Get("note")})
		return err
	})
}

func (h *Handlers) exitTenant(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	t, err := h.Service.ExitTenant(r.Context(), web.UserFrom(r.Context()), id, r.PostForm.Get("exited_on"), r.PostForm.Get("graduated") != "")
	if err != nil {
		if !web.Shown(err) {
			return err
		}
		var inc int64
		if qerr := h.Service.DB.QueryRowContext(r.Context(), `SELECT incubator_id FROM incubator_tenants WHERE id = $1`, id).Scan(&inc); qerr != nil {
			return err
		}
		r.SetPathValue("id", idOf(inc))
		d, derr := h.showData(r)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "incubator/show.html", "nav.incubators", d, err, listCrumb, web.Crumb{Key: "nav.incubators"})
	}
	return h.Web.Redirect(w, r, "/incubators/"+idOf(t.IncubatorID), "incubator.tenant.left")
}

// figuresOf reads a year's figures from a form; amounts in 元 (or 万元).
func figuresOf(f url.Values) (Figures, i18n.Problems) {
	var p i18n.Problems
	amount := func(field string) money.Fen {
		v := clean(f.Get(field))
		if v == "" {
			return 0
		}
		a, err := money.ParseYuan(v)
		if err != nil {
			p.AddErr(field, err)
		}
		return a
	}
	return Figures{Year: web.Int(f.Get("year")), Tenants: web.Int(f.Get("tenants")), NewTenants: web.Int(f.Get("new_tenants")),
		Graduates: web.Int(f.Get("graduates")), GraduatesTotal: web.Int(f.Get("graduates_total")), Staff: web.Int(f.Get("staff")),
		StaffProfessional: web.Int(f.Get("staff_professional")), Mentors: web.Int(f.Get("mentors")), Fund: amount("fund"),
		TenantsFinanced: web.Int(f.Get("tenants_financed")), FundCases: web.Int(f.Get("fund_cases")), TenantsPatent: web.Int(f.Get("tenants_patent")),
		TenantsValidIP: web.Int(f.Get("tenants_valid_ip")), TenantsGrown: web.Int(f.Get("tenants_grown")), Services: web.Int(f.Get("services")),
		ServiceIncome: amount("service_income"), TotalIncome: amount("total_income"),
		StatisticsReported: f.Get("statistics_reported") != ""}, p
}

func (h *Handlers) saveYear(w http.ResponseWriter, r *http.Request) error {
	return h.onIncubator(w, r, "incubator.year.saved", func(id int64) error {
		fg, p := figuresOf(r.PostForm)
		if len(p) > 0 {
			return p
		}
		return h.Service.SaveYear(r.Context(), web.UserFrom(r.Context()), id, fg)
	})
}

func (h *Handlers) assess(w http.ResponseWriter, r *http.Request) error {
	return h.onIncubator(w, r, "incubator.assessed", func(id int64) error {
		_, err := h.Service.Assess(r.Context(), web.UserFrom(r.Context()), id, web.Int(r.PostForm.Get("year")), r.PostForm.Get("assess_note"))
		return err
	})
}

func (h *Handlers) saveProspect(w http.ResponseWriter, r *http.Request) error {
	return h.onIncubator(w, r, "incubator.prospect.saved", func(id int64) error {
		f := r.PostForm
		pid, _ := strconv.ParseInt(clean(f.Get("prospect_id")), 10, 64)
		_, err := h.Service.SaveProspect(r.Context(), web.UserFrom(r.Context()), id, Prospect{ID: pid, Name: f.Get("prospect_name"),
			Kind: f.Get("kind"), Contact: f.Get("contact"), Status: f.Get("status"), Note: f.Get("prospect_note")})
		return err
	})
}

// --- API ---

func (h *Handlers) apiList(w http.ResponseWriter, r *http.Request) error {
	items, err := h.Service.List(r.Context(), web.UserFrom(r.Context()))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": items})
}

func (h *Handlers) apiGet(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	inc, err := h.Service.Get(r.Context(), web.UserFrom(r.Context()), id)
	if err != nil {
		return err
	}
	on := calendar.FromTime(h.Service.DB.Now(), calendar.Shanghai)
	return web.JSON(w, http.StatusOK, map[string]any{"incubator": inc, "national_precheck": NationalCheck(inc.Facts(), on),
		"revoked_in": Revoked(inc.Grades())})
}
