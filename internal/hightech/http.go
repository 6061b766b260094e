package hightech

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/money"
	"kejiju/internal/region"
	"kejiju/internal/web"
)

// Handlers serve the pre-check and pipeline pages and API.
type Handlers struct {
	Web     *web.Server
	Service *Service
	Regions *region.Store // for township names; nil shows codes
}

var boardCrumb = web.Crumb{Key: "nav.hightech", Href: "/hightech"}

// manages reports whether u may act in the pipeline (see mayManage).
func manages(u *auth.User) bool { return mayManage(u) == nil }

// regionNames returns the names of the codes (code → name), the code itself
// where it has none.
func (h *Handlers) regionNames(r *http.Request, codes ...string) map[string]string {
	out := make(map[string]string, len(codes))
	var t *region.Tree
	if h.Regions != nil {
		t, _ = h.Regions.Tree(r.Context())
	}
	for _, c := range codes {
		out[c] = c
		if t != nil {
			if rg, ok := t.Lookup(c); ok {
				out[c] = rg.Name
			}
		}
	}
	return out
}

// dayOf reads a date parameter; blank gives def.
func dayOf(field, v string, def calendar.Date) (calendar.Date, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return def, nil
	}
	d, err := calendar.Parse(v)
	if err != nil {
		return def, i18n.FieldError(field, "error.invalid_date")
	}
	return d, nil
}

// yearOf reads a year parameter; blank or not a number gives def.
func yearOf(v string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 2000 || n > 9999 {
		return def
	}
	return n
}

// join adds the service's error to the problems found reading the form.
func join(p i18n.Problems, err error) error {
	if len(p) == 0 {
		return err
	}
	switch e := err.(type) {
	case i18n.Problems:
		for _, f := range e {
			if p.Field(f.Field) == nil {
				p = append(p, f)
			}
		}
	case *i18n.Error:
		if e.Field != "" && p.Field(e.Field) == nil {
			p = append(p, e)
		}
	}
	return p
}

// renamed returns err with its fields renamed by m, for a page whose forms
// name a service's field differently.
func renamed(err error, m map[string]string) error {
	re := func(e *i18n.Error) *i18n.Error {
		if to, ok := m[e.Field]; ok {
			c := *e
			c.Field = to
			return &c
		}
		return e
	}
	switch e := err.(type) {
	case i18n.Problems:
		out := make(i18n.Problems, len(e))
		for i, f := range e {
			out[i] = re(f)
		}
		return out
	case *i18n.Error:
		return re(e)
	}
	return err
}

// wanOf reads an amount entered in 万元.
func wanOf(field, v string, p *i18n.Problems) money.Fen {
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

// ---- the pre-check ----

// scoreField is one expert sub-score of the form.
type scoreField struct {
	Name string // the form field, as ExpertScores names it in JSON
	Key  string // the item's name
	Max  int
	dst  func(*ExpertScores) *int
}

func scoreFields(p HTEParams) []scoreField {
	it, ot := p.IPItems, p.OrgItems
	return []scoreField{
		{"ip_advancement", "hightech.ip.advancement", it.Advancement, func(x *ExpertScores) *int { return &x.IPAdvancement }},
		{"ip_core_support", "hightech.ip.core_support", it.CoreSupport, func(x *ExpertScores) *int { return &x.IPCoreSupport }},
		{"ip_quantity", "hightech.ip.quantity", it.Quantity, func(x *ExpertScores) *int { return &x.IPQuantity }},
		{"ip_acquisition", "hightech.ip.acquisition", it.Acquisition, func(x *ExpertScores) *int { return &x.IPAcquisition }},
		{"ip_standards", "hightech.ip.standards", it.Standards, func(x *ExpertScores) *int { return &x.IPStandards }},
		{"org_management", "hightech.org.management", ot.Management, func(x *ExpertScores) *int { return &x.OrgManagement }},
		{"org_institution", "hightech.org.institution", ot.Institution, func(x *ExpertScores) *int { return &x.OrgInstitution }},
		{"org_conversion", "hightech.org.conversion", ot.Conversion, func(x *ExpertScores) *int { return &x.OrgConversion }},
		{"org_talent", "hightech.org.talent", ot.Talent, func(x *ExpertScores) *int { return &x.OrgTalent }},
	}
}

// scoresOf reads the expert sub-scores of a form; a blank field keeps its
// value in def. given reports whether any field was filled in.
func scoresOf(v url.Values, fields []scoreField, def ExpertScores) (x ExpertScores, given bool, p i18n.Problems) {
	x = def
	for _, f := range fields {
		s := strings.TrimSpace(v.Get(f.Name))
		if s == "" {
			continue
		}
		given = true
		n, err := strconv.Atoi(s)
		if err != nil {
			p.Add(f.Name, "error.whole_number")
			continue
		}
		*f.dst(&x) = n
	}
	return x, given, p
}

// scoreValues returns the form values showing x.
func scoreValues(fields []scoreField, x ExpertScores, on calendar.Date) url.Values {
	v := url.Values{}
	for _, f := range fields {
		v.Set(f.Name, strconv.Itoa(*f.dst(&x)))
	}
	v.Set("on", on.String())
	return v
}

// precheckPage is the pre-check of one enterprise.
type precheckPage struct {
	P          *Precheck
	HTE        TextHTE
	SME        TextSME
	Fields     []scoreField
	Evals      []Evaluation
	RegionName string
	Manage     bool // may record an evaluation
	Staff      bool // may open the pipeline page
	Today      calendar.Date
}

func (h *Handlers) precheckPage(r *http.Request, pc *Precheck) (*precheckPage, error) {
	u := web.UserFrom(r.Context())
	hp, _ := h.Service.policies().HTEOn(pc.On)
	d := &precheckPage{P: pc, HTE: HTEText(h.Web.Printer(r), pc.HTE), SME: SMEText(h.Web.Printer(r), pc.SME), Fields: scoreFields(hp),
		Manage: manages(u), Staff: u.Scope().EnterpriseID == 0, Today: h.Service.Today()}
	d.RegionName = h.regionNames(r, pc.Enterprise.RegionCode)[pc.Enterprise.RegionCode]
	var err error
	d.Evals, err = h.Service.Evaluations(r.Context(), u, pc.Enterprise.ID)
	return d, err
}

func precheckCrumbs(p *Profile) []web.Crumb {
	return []web.Crumb{{Key: "nav.enterprises", Href: "/enterprises"}, {Key: "enterprise.title", Href: "/enterprises/" + strconv.FormatInt(p.ID, 10)},
		{Key: "hightech.ui.precheck.title"}}
}

// evaluate runs the pre-check the request asks for: on ?on= (today by
// default), with the scores of the form when some are given, the defaults
// for the others.
func (h *Handlers) evaluate(r *http.Request, v url.Values) (*Precheck, i18n.Problems, error) {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return nil, nil, err
	}
	u := web.UserFrom(r.Context())
	on, err := dayOf("on", v.Get("on"), h.Service.Today())
	if err != nil {
		return nil, nil, err
	}
	pc, err := h.Service.Precheck(r.Context(), u, id, on)
	if err != nil {
		return nil, nil, err
	}
	hp, _ := h.Service.policies().HTEOn(on)
	x, given, p := scoresOf(v, scoreFields(hp), pc.Scores)
	if !given || len(p) > 0 {
		return pc, p, nil
	}
	pc, err = h.Service.PrecheckWith(r.Context(), u, id, on, &x)
	return pc, nil, err
}

func (h *Handlers) precheck(w http.ResponseWriter, r *http.Request) error {
	pc, p, err := h.evaluate(r, r.URL.Query())
	if err != nil {
		return err
	}
	d, err := h.precheckPage(r, pc)
	if err != nil {
		return err
	}
	if len(p) > 0 {
		r.PostForm = r.URL.Query()
		return h.Web.RenderForm(w, r, "hightech/precheck.html", "hightech.ui.precheck.title", d, p, precheckCrumbs(pc.Enterprise)...)
	}
	return h.Web.RenderValues(w, r, "hightech/precheck.html", "hightech.ui.precheck.title", d,
		scoreValues(d.Fields, pc.Scores, pc.On), precheckCrumbs(pc.Enterprise)...)
}

// record stores an evaluation with the panel's scores (blank ones take the
// defaults), on today's date.
func (h *Handlers) record(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	form := url.Values{}
	for k, v := range r.PostForm {
		if k != "on" {
			form[k] = v
		}
	}
	def, _, err := h.evaluate(r, url.Values{})
	if err != nil {
		return err
	}
	hp, _ := h.Service.policies().HTEOn(def.On)
	x, _, p := scoresOf(form, scoreFields(hp), def.Scores)
	if len(p) == 0 {
		_, err = h.Service.Record(r.Context(), web.UserFrom(r.Context()), def.Enterprise.ID, x)
	}
	if err = join(p, err); err != nil {
		d, derr := h.precheckPage(r, def)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "hightech/precheck.html", "hightech.ui.precheck.title", d, err, precheckCrumbs(def.Enterprise)...)
	}
	return h.Web.Redirect(w, r, "/enterprises/"+strconv.FormatInt(def.Enterprise.ID, 10)+"/precheck", "hightech.ui.recorded")
}

func (h *Handlers) apiPrecheck(w http.ResponseWriter, r *http.Request) error {
	pc, p, err := h.evaluate(r, r.URL.Query())
	if err != nil {
		return err
	}
	if len(p) > 0 {
		return p
	}
	pr := h.Web.Printer(r)
	e := pc.Enterprise
	return web.JSON(w, http.StatusOK, map[string]any{
		"enterprise": map[string]any{"id": e.ID, "name": e.Name, "credit_code": e.CreditCode, "region_code": e.RegionCode},
		"on":         pc.On, "lang": pr.Lang, "scores": pc.Scores, "scored": pc.Scored,
		"hte": pc.HTE, "sme": pc.SME,
		"text": map[string]any{"hte": HTEText(pr, pc.HTE), "sme": SMEText(pr, pc.SME)},
	})
}

// ---- the board ----

// boardPage is the pipeline board.
type boardPage struct {
	B     *Board
	Names map[string]string
	Years []int
}

func (h *Handlers) board(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	if id := u.Scope().EnterpriseID; id > 0 {
		// An enterprise has no board: it sees its own pre-check.
		http.Redirect(w, r, "/enterprises/"+strconv.FormatInt(id, 10)+"/precheck", http.StatusSeeOther)
		return nil
	}
	today := h.Service.Today()
	year := yearOf(r.URL.Query().Get("year"), today.Year)
	b, err := h.Service.Board(r.Context(), u, year)
	if err != nil {
		return err
	}
	codes := make([]string, 0, len(b.Rows))
	for _, row := range b.Rows {
		codes = append(codes, row.Region)
	}
	d := &boardPage{B: b, Names: h.regionNames(r, codes...)}
	for y := today.Year + 1; y >= today.Year-5; y-- {
		d.Years = append(d.Years, y)
	}
	return h.Web.Render(w, r, "hightech/board.html", "nav.hightech", d, web.Crumb{Key: "nav.hightech"})
}

func (h *Handlers) apiBoard(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	b, err := h.Service.Board(r.Context(), u, yearOf(r.URL.Query().Get("year"), h.Service.Today().Year))
	if err != nil {
		return err
	}
	codes := make([]string, 0, len(b.Rows))
	for _, row := range b.Rows {
		codes = append(codes, row.Region)
	}
	return web.JSON(w, http.StatusOK, map[string]any{"board": b, "regions": h.regionNames(r, codes...)})
}

// stagePage lists the enterprises behind one number of the board.
type stagePage struct {
	Stage, Region string
	Year          int
	Items         []Profile
	Names         map[string]string
}

func (h *Handlers) stage(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	q := r.URL.Query()
	d := &stagePage{Stage: q.Get("stage"), Region: q.Get("region"), Year: yearOf(q.Get("year"), h.Service.Today().Year)}
	var err error
	if d.Items, err = h.Service.StageList(r.Context(), u, d.Year, d.Stage, d.Region); err != nil {
		return err
	}
	codes := []string{d.Region}
	for _, p := range d.Items {
		codes = append(codes, TownshipOf(p.RegionCode))
	}
	d.Names = h.regionNames(r, codes...)
	return h.Web.Render(w, r, "hightech/stage.html", "hightech.ui.stage."+d.Stage, d, boardCrumb, web.Crumb{Key: "hightech.ui.stage." + d.Stage})
}

// ---- reminders ----

// remindersPage lists the reminders of a day.
type remindersPage struct {
	On    calendar.Date
	Items []Reminder
	Names map[string]string
	Kinds []string
}

func (h *Handlers) remindersOf(r *http.Request) (calendar.Date, []Reminder, error) {
	on, err := dayOf("on", r.URL.Query().Get("on"), h.Service.Today())
	if err != nil {
		return on, nil, err
	}
	rs, err := h.Service.Reminders(r.Context(), web.UserFrom(r.Context()), on)
	return on, rs, err
}

func (h *Handlers) reminders(w http.ResponseWriter, r *http.Request) error {
	on, rs, err := h.remindersOf(r)
	if err != nil {
		return err
	}
	codes := make([]string, 0, len(rs))
	for _, rm := range rs {
		codes = append(codes, TownshipOf(rm.RegionCode))
	}
	d := &remindersPage{On: on, Items: rs, Names: h.regionNames(r, codes...), Kinds: ReminderKinds}
	return h.Web.Render(w, r, "hightech/reminders.html", "nav.hightech_reminders", d, web.Crumb{Key: "nav.hightech_reminders"})
}

func (h *Handlers) apiReminders(w http.ResponseWriter, r *http.Request) error {
	on, rs, err := h.remindersOf(r)
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []Reminder{}
	}
	return web.JSON(w, http.StatusOK, map[string]any{"on": on, "items": rs})
}

// ---- applications ----

// applicationsPage lists a year's applications.
type applicationsPage struct {
	Year     int
	Status   string
	Years    []int
	Statuses []string
	Items    []Application
	Names    map[string]string
}

func (h *Handlers) applications(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	q := r.URL.Query()
	today := h.Service.Today()
	d := &applicationsPage{Year: yearOf(q.Get("year"), today.Year), Status: q.Get("status"), Statuses: Statuses}
	if !slices.Contains(Statuses, d.Status) {
		d.Status = ""
	}
	for y := today.Year + 1; y >= today.Year-5; y-- {
		d.Years = append(d.Years, y)
	}
	var err error
	if d.Items, err = h.Service.Applications(r.Context(), u, d.Year, d.Status); err != nil {
		return err
	}
	codes := make([]string, 0, len(d.Items))
	for _, a := range d.Items {
		codes = append(codes, TownshipOf(a.RegionCode))
	}
	d.Names = h.regionNames(r, codes...)
	return h.Web.Render(w, r, "hightech/applications.html", "hightech.ui.applications", d, boardCrumb, web.Crumb{Key: "hightech.ui.applications"})
}

// ---- one enterprise in the pipeline ----

// enterprisePage is an enterprise's pool history, applications and awards
// with the staff's forms.
type enterprisePage struct {
	EP         *EnterprisePipeline
	Open       *PoolEntry
	HTE        *Certificate // in force today
	RegionName string
	Manage     bool
	ThisYear   int
	Kind       string // how it would apply this year; "" when its certificate stays valid
	Decisions  []string
	AwardKinds []string
	DecideID   int64 // the application whose decision form failed
}

func (h *Handlers) enterprisePage(r *http.Request, id int64) (*enterprisePage, error) {
	u := web.UserFrom(r.Context())
	ep, err := h.Service.Pipeline(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	today := h.Service.Today()
	d := &enterprisePage{EP: ep, Open: ep.InPool(), Manage: manages(u), ThisYear: today.Year,
		Decisions: Transitions[StatusSubmitted], AwardKinds: AwardKinds}
	if c, ok := ep.Enterprise.HTEOn(today); ok {
		d.HTE = &c
	}
	d.Kind, _, _ = ApplicationKind(ep.Enterprise, today.Year)
	d.RegionName = h.regionNames(r, ep.Enterprise.RegionCode)[ep.Enterprise.RegionCode]
	return d, nil
}

func enterpriseCrumbs() []web.Crumb {
	return []web.Crumb{boardCrumb, {Key: "hightech.ui.enterprise.title"}}
}

func enterpriseURL(id int64) string { return "/hightech/enterprises/" + strconv.FormatInt(id, 10) }

func (h *Handlers) enterprise(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	d, err := h.enterprisePage(r, id)
	if err != nil {
		return err
	}
	today := h.Service.Today()
	v := url.Values{}
	v.Set("entered_on", today.String())
	v.Set("exited_on", today.String())
	v.Set("year", strconv.Itoa(today.Year))
	v.Set("batch", "1")
	v.Set("award_year", strconv.Itoa(today.Year-1))
	v.Set("decided_on", today.String())
	return h.Web.RenderValues(w, r, "hightech/enterprise.html", "hightech.ui.enterprise.title", d, v, enterpriseCrumbs()...)
}

// act runs one of the enterprise page's forms: read reads the form and calls
// the service; on failure the page comes back with the errors.
func (h *Handlers) act(w http.ResponseWriter, r *http.Request, flash string, run func(u *auth.User, id int64, f url.Values) error) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	if err := run(web.UserFrom(r.Context()), id, r.PostForm); err != nil {
		d, derr := h.enterprisePage(r, id)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "hightech/enterprise.html", "hightech.ui.enterprise.title", d, err, enterpriseCrumbs()...)
	}
	return h.Web.Redirect(w, r, enterpriseURL(id), flash)
}

func (h *Handlers) enterPool(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, "hightech.ui.pool.entered", func(u *auth.User, id int64, f url.Values) error {
		on, err := dayOf("entered_on", f.Get("entered_on"), calendar.Date{})
		if err != nil {
			return err
		}
		return h.Service.EnterPool(r.Context(), u, id, on, f.Get("reason"))
	})
}

func (h *Handlers) exitPool(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, "hightech.ui.pool.exited", func(u *auth.User, id int64, f url.Values) error {
		on, err := dayOf("exited_on", f.Get("exited_on"), calendar.Date{})
		if err != nil {
			return err
		}
		return h.Service.ExitPool(r.Context(), u, id, on, f.Get("exit_reason"))
	})
}

func (h *Handlers) apply(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, "hightech.ui.applied", func(u *auth.User, id int64, f url.Values) error {
		var p i18n.Problems
		year, err := strconv.Atoi(strings.TrimSpace(f.Get("year")))
		if err != nil {
			p.Add("year", "error.whole_number")
		}
		batch, err := strconv.Atoi(strings.TrimSpace(f.Get("batch")))
		if err != nil {
			p.Add("batch", "error.whole_number")
		}
		if len(p) > 0 {
			return p
		}
		_, err = h.Service.Apply(r.Context(), u, id, year, batch)
		return err
	})
}

func (h *Handlers) addAward(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, "hightech.ui.award.saved", func(u *auth.User, id int64, f url.Values) error {
		var p i18n.Problems
		year, err := strconv.Atoi(strings.TrimSpace(f.Get("award_year")))
		if err != nil {
			p.Add("award_year", "error.whole_number")
		}
		amount := wanOf("amount", f.Get("amount"), &p)
		if len(p) == 0 {
			_, err = h.Service.AddAward(r.Context(), u, id, year, f.Get("kind"), f.Get("result"), amount, f.Get("award_note"))
		} else {
			err = nil
		}
		return join(p, renamed(err, map[string]string{"year": "award_year", "note": "award_note"}))
	})
}

// decide records an application's outcome; the page it returns to is its
// enterprise's.
func (h *Handlers) decide(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	appID, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	a, err := h.Service.Application(r.Context(), u, appID)
	if err != nil {
		return err
	}
	f := r.PostForm
	on, err := dayOf("decided_on", f.Get("decided_on"), calendar.Date{})
	if err == nil {
		err = h.Service.Decide(r.Context(), u, a.ID, f.Get("status"), f.Get("certificate_no"), on, f.Get("note"))
	}
	if err != nil {
		d, derr := h.enterprisePage(r, a.EnterpriseID)
		if derr != nil {
			return derr
		}
		d.DecideID = a.ID
		return h.Web.RenderForm(w, r, "hightech/enterprise.html", "hightech.ui.enterprise.title", d, err, enterpriseCrumbs()...)
	}
	return h.Web.Redirect(w, r, enterpriseURL(a.EnterpriseID), "hightech.ui.decided")
}
