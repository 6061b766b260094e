package program

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/money"
	"kejiju/internal/web"
	"kejiju/internal/workflow"
)

// Handlers serve the pages and API of calls and applications.
type Handlers struct {
	Web     *web.Server
	Service *Service
}

var (
	callsCrumb = web.Crumb{Key: "nav.calls", Href: "/calls"}
	appsCrumb  = web.Crumb{Key: "nav.applications", Href: "/applications"}
)

func idOf(id int64) string { return strconv.FormatInt(id, 10) }

// --- Calls ---

type callList struct {
	Items  []*Call
	Page   web.Page
	Manage bool
}

func (h *Handlers) calls(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	p := web.ListPage(r, 20)
	items, total, err := h.Service.Calls(r.Context(), u, CallFilter{Status: r.URL.Query().Get("status"), Limit: p.Limit, Offset: p.Offset})
	if err != nil {
		return err
	}
	p.Total = total
	return h.Web.Render(w, r, "program/calls.html", "nav.calls", callList{Items: items, Page: p, Manage: CanManage(u)}, callsCrumb)
}

// callForm is the call form's data.
type callForm struct {
	C          *Call
	Types      []string
	Conditions []string
}

func callValues(c *Call) url.Values {
	f := url.Values{}
	f.Set("title", c.Title)
	f.Set("call_type", c.Type)
	f.Set("year", strconv.Itoa(c.Year))
	f.Set("opens_at", c.OpensAt.In(calendar.Shanghai).Format("2006-01-02T15:04"))
	f.Set("closes_at", c.ClosesAt.In(calendar.Shanghai).Format("2006-01-02T15:04"))
	f.Set("grace_minutes", strconv.Itoa(c.GraceMinutes))
	f["eligibility"] = c.Eligibility
	b, _ := json.MarshalIndent(c.Form, "", "  ")
	f.Set("form", string(b))
	f.Set("publicity_days", strconv.Itoa(c.PublicityDays))
	f.Set("installment_plan", PlanText(c.Plan))
	f.Set("budget", c.Budget.String())
	f.Set("version", strconv.Itoa(c.Version))
	return f
}

func instant(v, field string, p *i18n.Problems) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", v, calendar.Shanghai)
	if err != nil {
		p.Add(field, "error.invalid_value")
	}
	return t
}

func callInputOf(r *http.Request) (CallInput, i18n.Problems) {
	f := r.PostForm
	var p i18n.Problems
	in := CallInput{Title: f.Get("title"), Type: f.Get("call_type"), OpensAt: instant(f.Get("opens_at"), "opens_at", &p),
		ClosesAt: instant(f.Get("closes_at"), "closes_at", &p), Eligibility: f["eligibility"]}
	in.Year, _ = strconv.Atoi(strings.TrimSpace(f.Get("year")))
	in.GraceMinutes, _ = strconv.Atoi(strings.TrimSpace(f.Get("grace_minutes")))
	in.PublicityDays, _ = strconv.Atoi(strings.TrimSpace(f.Get("publicity_days")))
	if s := strings.TrimSpace(f.Get("form")); s != "" {
		if err := json.Unmarshal([]byte(s), &in.Form); err != nil {
			p.Add("form", "program.form.invalid_json")
		}
	}
	plan, err := ParsePlan(f.Get("installment_plan"))
	if err != nil {
		p.AddErr("installment_plan", err)
	}
	in.Plan = plan
	if s := strings.TrimSpace(f.Get("budget")); s != "" {
		b, err := money.ParseYuan(s)
		if err != nil {
			p.AddErr("budget", err)
		}
		in.Budget = b
	}
	return in, p
}

func (h *Handlers) newCall(w http.ResponseWriter, r *http.Request) error {
	v := url.Values{"call_type": {TypeDistrictPlan}, "year": {strconv.Itoa(time.Now().In(calendar.Shanghai).Year())},
		"publicity_days": {strconv.Itoa(DefaultPublicityDays)}, "installment_plan": {"60/40"}, "grace_minutes": {"30"},
		"form": {`{"fields": [{"key": "project_name", "label": "项目名称", "type": "text", "required": true, "max": 100}], "attachments": []}`}}
	return h.Web.RenderValues(w, r, "program/call_form.html", "program.call.new", callForm{Types: Types, Conditions: Conditions}, v,
		callsCrumb, web.Crumb{Key: "program.call.new"})
}

func (h *Handlers) createCall(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	in, p := callInputOf(r)
	var c *Call
	var err error
	if len(p) == 0 {
		c, err = h.Service.CreateCall(r.Context(), web.UserFrom(r.Context()), in)
	}
	if err = p.With(err); err != nil {
		return h.Web.RenderForm(w, r, "program/call_form.html", "program.call.new", callForm{Types: Types, Conditions: Conditions}, err,
			callsCrumb, web.Crumb{Key: "program.call.new"})
	}
	return h.Web.Redirect(w, r, "/calls/"+idOf(c.ID), "program.call.saved")
}

func (h *Handlers) getCall(r *http.Request) (*Call, error) {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return nil, err
	}
	return h.Service.Call(r.Context(), web.UserFrom(r.Context()), id)
}

func (h *Handlers) editCall(w http.ResponseWriter, r *http.Request) error {
	c, err := h.getCall(r)
	if err != nil {
		return err
	}
	return h.Web.RenderValues(w, r, "program/call_form.html", "program.call.edit", callForm{C: c, Types: Types, Conditions: Conditions},
		callValues(c), callsCrumb, web.Crumb{Key: "program.call.edit"})
}

func (h *Handlers) updateCall(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	c, err := h.getCall(r)
	if err != nil {
		return err
	}
	in, p := callInputOf(r)
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	if len(p) == 0 {
		_, err = h.Service.UpdateCall(r.Context(), web.UserFrom(r.Context()), c.ID, version, in, r.PostForm.Get("reason"))
	}
	if err = p.With(err); err != nil {
		return h.Web.RenderForm(w, r, "program/call_form.html", "program.call.edit", callForm{C: c, Types: Types, Conditions: Conditions}, err,
			callsCrumb, web.Crumb{Key: "program.call.edit"})
	}
	return h.Web.Redirect(w, r, "/calls/"+idOf(c.ID), "program.call.saved")
}

func (h *Handlers) callStatus(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	flash := "program.call.opened"
	if r.PostForm.Get("status") == CallClosed {
		flash = "program.call.closed"
		_, err = h.Service.CloseCall(r.Context(), u, id)
	} else {
		_, err = h.Service.OpenCall(r.Context(), u, id)
	}
	if err != nil {
		return err
	}
	return h.Web.Redirect(w, r, "/calls/"+idOf(id), flash)
}

// callPage is one call with its applications.
type callPage struct {
	C       *Call
	Apps    []*Application
	Manage  bool
	Approve bool
	Apply   bool
	Mine    *Application
	// Funds is the call's budget balance (nil for enterprise users);
	// Fund says u may appropriate money to it, with the form's Key.
	Funds *CallFunds
	Fund  bool
	Key   string
}

func (h *Handlers) callPage(r *http.Request, c *Call) (*callPage, error) {
	u := web.UserFrom(r.Context())
	d := &callPage{C: c, Manage: CanManage(u), Approve: u.Can(auth.PermProgramApprove) && !u.IsEnterprise(), Apply: CanApply(u),
		Fund: MayFund(u), Key: web.FormKey()}
	var err error
	if d.Apps, _, err = h.Service.Applications(r.Context(), u, AppFilter{CallID: c.ID, State: r.URL.Query().Get("state"), Limit: 1000}); err != nil {
		return nil, err
	}
	if d.Apply && len(d.Apps) > 0 {
		d.Mine = d.Apps[0]
	}
	if !u.IsEnterprise() {
		if d.Funds, err = callFunds(r.Context(), h.Service.DB, c.ID); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (h *Handlers) showCall(w http.ResponseWriter, r *http.Request) error {
	c, err := h.getCall(r)
	if err != nil {
		return err
	}
	d, err := h.callPage(r, c)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "program/call.html", "nav.calls", d, callsCrumb, web.Crumb{Key: "nav.calls"})
}

// fund appropriates money to the call's budget (下达资金) from the form's
// ledger_amount, fund_reason and key.
func (h *Handlers) fund(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	c, err := h.getCall(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	_, err = h.Service.Appropriate(r.Context(), web.UserFrom(r.Context()), c.ID,
		FundInput{Amount: f.Get("ledger_amount"), Reason: f.Get("fund_reason"), Key: f.Get("key")})
	if err != nil {
		if i18n.ErrorCode(err) != i18n.Invalid {
			return err
		}
		d, derr := h.callPage(r, c)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "program/call.html", "nav.calls", d, err, callsCrumb, web.Crumb{Key: "nav.calls"})
	}
	return h.Web.Redirect(w, r, "/calls/"+idOf(c.ID), "program.funds.appropriated")
}

func (h *Handlers) apply(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	a, err := h.Service.CreateDraft(r.Context(), web.UserFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return h.Web.Redirect(w, r, "/applications/"+idOf(a.ID), "")
}

func (h *Handlers) rank(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Service.RankCall(r.Context(), web.UserFrom(r.Context()), id); err != nil {
		return err
	}
	return h.Web.Redirect(w, r, "/calls/"+idOf(id), "")
}

func (h *Handlers) propose(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(r.PostForm.Get("count"))
	if n <= 0 {
		return i18n.FieldError("count", "program.rank.bad_count")
	}
	if _, err := h.Service.ProposeTop(r.Context(), web.UserFrom(r.Context()), id, n); err != nil {
		return err
	}
	return h.Web.Redirect(w, r, "/calls/"+idOf(id), "")
}

func (h *Handlers) approve(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var p i18n.Problems
	start := web.FormDate(r.PostForm.Get("publicity_start"), "publicity_start", &p)
	if err := p.Err(); err != nil {
		return err
	}
	if _, err := h.Service.ApproveProposed(r.Context(), web.UserFrom(r.Context()), id, start); err != nil {
		return err
	}
	return h.Web.Redirect(w, r, "/calls/"+idOf(id), "")
}

// --- Applications ---

type appList struct {
	Items  []*Application
	Page   web.Page
	State  string
	CallID int64
	States []workflow.State
}

func (h *Handlers) applications(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	p := web.ListPage(r, 50)
	callID, _ := strconv.ParseInt(r.URL.Query().Get("call"), 10, 64)
	f := AppFilter{CallID: callID, State: r.URL.Query().Get("state"), Limit: p.Limit, Offset: p.Offset}
	items, total, err := h.Service.Applications(r.Context(), u, f)
	if err != nil {
		return err
	}
	p.Total = total
	title := "nav.applications"
	if u.IsEnterprise() {
		title = "nav.my_applications"
	}
	return h.Web.Render(w, r, "program/applications.html", title, appList{Items: items, Page: p, State: f.State, CallID: callID,
		States: Machine.States}, web.Crumb{Key: title, Href: "/applications"})
}

// appPage is one application with what its page offers.
type appPage struct {
	A        *Application
	C        *Call
	Returned *Returned
	Actions  []workflow.Transition
	History  []workflow.Entry
	Edit     bool // the owner may change the answers
	Contract bool // staff may change the contract
	Key      string
	// Draw: staff may draw the expert panel (in expert review, none yet);
	// PanelID and PanelClosed say what was drawn.
	Draw        bool
	PanelID     int64
	PanelClosed bool
	// Files are the stored attachments by slot; MaxPerSlot and MaxMB the
	// limits the upload form states.
	Files      map[string][]*File
	MaxPerSlot int
	MaxMB      int64
	// Sup is the supervision section of a signed project (nil before).
	Sup *supervisionSection
}

// CanUpload reports whether the owner may add a file to slot now.
func (d *appPage) CanUpload(slot string) bool { return d.Edit && len(d.Files[slot]) < d.MaxPerSlot }

// Reason returns the return reason for a field, for the form.
func (d *appPage) Reason(field string) string {
	if d.Returned == nil {
		return ""
	}
	return d.Returned.Fields[field]
}

func (h *Handlers) appPage(r *http.Request, id int64) (*appPage, error) {
	u := web.UserFrom(r.Context())
	a, err := h.Service.Application(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	c, err := h.Service.Call(r.Context(), u, a.CallID)
	if i18n.ErrorCode(err) == i18n.NotFound {
		c, err = h.Service.callByID(r.Context(), h.Service.DB, a.CallID)
	}
	if err != nil {
		return nil, err
	}
	d := &appPage{A: a, C: c, Actions: Actions(u, a), Edit: owner(u, a) && Machine.CanEdit(u, true, a.State, "answers"),
		Contract: CanManage(u) && Machine.CanEdit(u, false, a.State, "contract"), Key: web.FormKey()}
	if d.Returned, err = h.Service.ReturnReasons(r.Context(), u, a); err != nil {
		return nil, err
	}
	fs, err := files(r.Context(), h.Service.DB, a.ID)
	if err != nil {
		return nil, err
	}
	l := h.Service.limits()
	d.Files, d.MaxPerSlot, d.MaxMB = map[string][]*File{}, l.MaxPerSlot, l.MaxSize>>20
	for _, f := range fs {
		d.Files[f.Slot] = append(d.Files[f.Slot], f)
	}
	if d.History, err = workflow.History(r.Context(), h.Service.DB, objectType, a.ID); err != nil {
		return nil, err
	}
	if d.Sup, err = h.supervisionOfPage(r, u, a); err != nil {
		return nil, err
	}
	if h.Service.Panels != nil && CanManage(u) && u.Can(auth.PermReviewManage) {
		if d.PanelID, d.PanelClosed, err = h.Service.Panels.PanelOf(r.Context(), u, a.ID); err != nil {
			return nil, err
		}
		d.Draw = d.PanelID == 0 && a.State == "expert_review"
	}
	return d, nil
}

func appValues(a *Application) url.Values {
	f := url.Values{}
	for k, v := range a.Answers {
		f.Set("f_"+k, v)
	}
	f.Set("goals", a.Goals)
	f.Set("budget", a.Budget.String())
	var plan []int64
	for _, i := range a.Installments {
		plan = append(plan, i.ShareBP)
	}
	f.Set("installment_plan", PlanText(plan))
	f.Set("contract_start", a.ContractStart.String())
	f.Set("contract_end", a.ContractEnd.String())
	var ms []string
	for _, m := range a.Milestones {
		ms = append(ms, m.Due.String()+" "+m.Title)
	}
	f.Set("milestones", strings.Join(ms, "\n"))
	return f
}

// panelDefaults are the draw form's defaults: five members, two alternates.
var panelDefaults = url.Values{"panel_size": {"5"}, "panel_alternates": {"2"}}

func (h *Handlers) showApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	d, err := h.appPage(r, id)
	if err != nil {
		return err
	}
	v := appValues(d.A)
	for k, x := range panelDefaults {
		v[k] = x
	}
	return h.Web.RenderValues(w, r, "program/application.html", "nav.applications", d, v, appsCrumb,
		web.Crumb{Key: "nav.applications"})
}

// drawPanel draws the application's expert panel from the form's field of
// expertise, number of experts and alternates, and leads to the panel.
func (h *Handlers) drawPanel(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	var p i18n.Problems
	n, nerr := strconv.Atoi(strings.TrimSpace(f.Get("panel_size")))
	if nerr != nil || n <= 0 {
		p.Add("panel_size", "error.invalid_value")
	}
	alt, aerr := strconv.Atoi(strings.TrimSpace(f.Get("panel_alternates")))
	if aerr != nil || alt < 0 {
		p.Add("panel_alternates", "error.invalid_value")
	}
	var panelID int64
	if len(p) == 0 {
		panelID, err = h.Service.DrawPanel(r.Context(), web.UserFrom(r.Context()), id, f.Get("panel_field"), n, alt)
	}
	if err = p.With(err); err != nil {
		if c := i18n.ErrorCode(err); c != i18n.Invalid && c != i18n.Conflict {
			return err
		}
		d, derr := h.appPage(r, id)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "program/application.html", "nav.applications", d, err, appsCrumb, web.Crumb{Key: "nav.applications"})
	}
	return h.Web.Redirect(w, r, "/panels/"+idOf(panelID), "program.panel.drawn")
}

// answersOf reads the application form's f_<key> answers.
func answersOf(f url.Values, c *Call) map[string]string {
	answers := map[string]string{}
	for _, fd := range c.Form.Fields {
		if v, ok := f["f_"+fd.Key]; ok {
			answers[fd.Key] = strings.TrimSpace(v[0])
		}
	}
	return answers
}

// saveApplication saves the answers, and with submit=1 submits them with
// the form's idempotency key.
func (h *Handlers) saveApplication(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	d, err := h.appPage(r, id)
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	answers := answersOf(r.PostForm, d.C)
	flash := "program.application.saved"
	if d.Edit {
		_, err = h.Service.SaveDraft(r.Context(), u, id, answers)
	}
	if err == nil && r.PostForm.Get("submit") != "" {
		_, err = h.Service.Submit(r.Context(), u, id, r.PostForm.Get("key"))
		flash = "program.application.submitted"
	}
	if err != nil {
		if i18n.ErrorCode(err) != i18n.Invalid {
			return err
		}
		if d2, derr := h.appPage(r, id); derr == nil {
			d = d2
		}
		return h.Web.RenderForm(w, r, "program/application.html", "nav.applications", d, err, appsCrumb, web.Crumb{Key: "nav.applications"})
	}
	return h.Web.Redirect(w, r, "/applications/"+idOf(id), flash)
}

// contractInputOf reads the contract form; milestones are lines of
// "2027-01-31 title".
func contractInputOf(f url.Values) (ContractInput, i18n.Problems) {
	var p i18n.Problems
	in := ContractInput{Goals: f.Get("goals"), Start: web.FormDate(f.Get("contract_start"), "contract_start", &p),
		End: web.FormDate(f.Get("contract_end"), "contract_end", &p)}
	if b, err := money.ParseYuan(strings.TrimSpace(f.Get("budget"))); err != nil {
		p.AddErr("budget", err)
	} else {
		in.Budget = b
	}
	plan, err := ParsePlan(f.Get("installment_plan"))
	if err != nil {
		p.AddErr("installment_plan", err)
	}
	in.Plan = plan
	for i, line := range strings.Split(f.Get("milestones"), "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		date, title, _ := strings.Cut(line, " ")
		d, err := calendar.Parse(date)
		if err != nil {
			p.Add("milestones", "program.contract.bad_milestone", i+1)
		}
		in.Milestones = append(in.Milestones, Milestone{Title: strings.TrimSpace(title), Due: d})
	}
	return in, p
}

func (h *Handlers) saveContract(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	in, p := contractInputOf(r.PostForm)
	if len(p) == 0 {
		_, err = h.Service.SaveContract(r.Context(), web.UserFrom(r.Context()), id, in)
	}
	if err = p.With(err); err != nil {
		d, derr := h.appPage(r, id)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "program/application.html", "nav.applications", d, err, appsCrumb, web.Crumb{Key: "nav.applications"})
	}
	return h.Web.Redirect(w, r, "/applications/"+idOf(id), "program.contract.saved")
}

// act takes the action of the path with the fields of its form: reason,
// reason_<field> (per-field return reasons), publicity_start,
// objection_id, installment, bank_ref, paid_on, until.
func (h *Handlers) act(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	var p i18n.Problems
	in := ActionInput{Reason: f.Get("reason"), PublicityStart: web.FormDate(f.Get("publicity_start"), "publicity_start", &p),
		BankRef: f.Get("bank_ref"), PaidOn: web.FormDate(f.Get("paid_on"), "paid_on", &p), Until: web.FormDate(f.Get("until"), "extension_until", &p)}
	in.ObjectionID, _ = strconv.ParseInt(f.Get("objection_id"), 10, 64)
	in.Installment, _ = strconv.Atoi(f.Get("installment"))
	for k, v := range f {
		if name, ok := strings.CutPrefix(k, "reason_"); ok && strings.TrimSpace(v[0]) != "" {
			if in.Fields == nil {
				in.Fields = map[string]string{}
			}
			in.Fields[name] = strings.TrimSpace(v[0])
		}
	}
	if len(p) == 0 {
		_, err = h.Service.Act(r.Context(), web.UserFrom(r.Context()), id, r.PathValue("action"), in)
	}
	if err = p.With(err); err != nil {
		if i18n.ErrorCode(err) != i18n.Invalid {
			return err
		}
		d, derr := h.appPage(r, id)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "program/application.html", "nav.applications", d, err, appsCrumb, web.Crumb{Key: "nav.applications"})
	}
	return h.Web.Redirect(w, r, "/applications/"+idOf(id), "")
}
