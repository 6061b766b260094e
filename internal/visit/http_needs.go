package visit

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kejiju/internal/i18n"
	"kejiju/internal/region"
	"kejiju/internal/web"
)

// needList is the need list with its filter.
type needList struct {
	Items      []*Need
	Page       web.Page
	Filter     NeedFilter
	Batch      *Batch // the batch the list is filtered on, if any
	Townships  []region.Region
	Names      map[string]string
	Statuses   []string
	Categories []string
	Manage     bool
	Bureau     bool // not an enterprise user
	Report     bool // an enterprise user, who reports its own needs
}

func needFilterOf(r *http.Request, p web.Page) NeedFilter {
	q := r.URL.Query()
	return NeedFilter{Status: q.Get("status"), Category: q.Get("category"), Source: q.Get("source"), RegionCode: q.Get("region"),
		EnterpriseID: queryID(r, "enterprise"), VisitID: queryID(r, "visit"), BatchID: queryID(r, "batch"),
		From: queryDay(r, "from"), To: queryDay(r, "to"), Query: q.Get("q"), Limit: p.Limit, Offset: p.Offset, Sort: p.Sort}
}

func (h *Handlers) needs(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	p := web.ListPage(r, 20)
	f := needFilterOf(r, p)
	items, total, err := h.Service.Needs(r.Context(), u, f)
	if err != nil {
		return err
	}
	p.Total = total
	d := needList{Items: items, Page: p, Filter: f, Statuses: Statuses, Categories: Categories, Manage: canManage(u),
		Bureau: !u.IsEnterprise(), Report: u.IsEnterprise() && u.MayWrite() == nil}
	if f.BatchID > 0 {
		if d.Batch, err = h.Service.Batch(r.Context(), u, f.BatchID); err != nil {
			return err
		}
	}
	if d.Townships, _, err = h.townships(r, u); err != nil {
		return err
	}
	codes := make([]string, len(items))
	for i, n := range items {
		codes[i] = n.RegionCode
	}
	if d.Names, err = h.townNames(r, codes); err != nil {
		return err
	}
	return h.Web.Render(w, r, "visit/need_list.html", "nav.needs", d, needsCrumb)
}

// needForm is the need form.
type needForm struct {
	N           *Need  // nil for a new need
	Visit       *Visit // the visit a new need is collected on, if any
	Enterprises []Summary
	Categories  []string
	Staff       bool // staff choose the enterprise; an enterprise user reports its own
}

func (h *Handlers) needForm(r *http.Request, n *Need, visitID int64) (*needForm, error) {
	u := web.UserFrom(r.Context())
	staff := !u.IsEnterprise()
	if err := u.MayWrite(); err != nil || (staff && !canManage(u)) {
		return nil, i18n.E(i18n.Forbidden, "error.forbidden")
	}
	d := &needForm{N: n, Categories: Categories, Staff: staff}
	if n == nil && visitID > 0 && staff {
		v, err := h.Service.Visit(r.Context(), u, visitID)
		if err != nil {
			return nil, err
		}
		d.Visit = v
	}
	if n == nil && d.Visit == nil && staff {
		es, err := h.Service.EnterpriseChoices(r.Context(), u)
		if err != nil {
			return nil, err
		}
		d.Enterprises = es
	}
	return d, nil
}

func needValues(n *Need) url.Values {
	v := url.Values{}
	v.Set("need_category", n.Category)
	v.Set("need_title", n.Title)
	v.Set("need_description", n.Description)
	v.Set("need_expected", n.Expected)
	v.Set("need_budget", wanValue(n.Budget))
	v.Set("contact_name", n.ContactName)
	v.Set("contact_phone", n.ContactPhone)
	v.Set("need_collected_on", n.CollectedOn.String())
	v.Set("version", strconv.Itoa(n.Version))
	return v
}

// needInputOf reads the need form; amounts are entered in 万元.
func (h *Handlers) needInputOf(r *http.Request, creating bool) (NeedInput, i18n.Problems) {
	f := r.PostForm
	var p i18n.Problems
	in := NeedInput{Category: f.Get("need_category"), Title: f.Get("need_title"), Description: f.Get("need_description"),
		Expected: f.Get("need_expected"), ContactName: f.Get("contact_name"), ContactPhone: f.Get("contact_phone"),
		CollectedOn: day(f.Get("need_collected_on"), "need_collected_on", &p), Budget: wan(f.Get("need_budget"), "need_budget", &p)}
	u := web.UserFrom(r.Context())
	if creating && !u.IsEnterprise() {
		in.VisitID, _ = strconv.ParseInt(f.Get("visit_id"), 10, 64)
		if in.VisitID == 0 {
			if strings.TrimSpace(f.Get("enterprise")) == "" {
				p.Add("enterprise_id", "error.required")
			} else if e, err := h.Service.FindEnterprise(r.Context(), u, f.Get("enterprise")); err != nil {
				p.AddErr("enterprise_id", err)
			} else {
				in.EnterpriseID = e.ID
			}
		}
	}
	return in, p
}

func (h *Handlers) newNeed(w http.ResponseWriter, r *http.Request) error {
	visitID := queryID(r, "visit")
	d, err := h.needForm(r, nil, visitID)
	if err != nil {
		return err
	}
	v := url.Values{}
	if d.Visit != nil {
		v.Set("visit_id", strconv.FormatInt(d.Visit.ID, 10))
		v.Set("need_collected_on", d.Visit.Date.String())
	}
	return h.Web.ShowForm(w, r, newNeedForm, d, v)
}

func needPath(n *Need) string { return "/needs/" + strconv.FormatInt(n.ID, 10) }

// needEditForm is the form of need n as it is, or of a new need of no visit.
func (h *Handlers) needEditForm(r *http.Request, n *Need) (*needForm, error) {
	return h.needForm(r, n, 0)
}

func (h *Handlers) createNeed(w http.ResponseWriter, r *http.Request) error {
	// The form shown again keeps the visit the need was collected on.
	page := func(r *http.Request, _ *Need) (*needForm, error) {
		visitID, _ := strconv.ParseInt(r.PostForm.Get("visit_id"), 10, 64)
		return h.needForm(r, nil, visitID)
	}
	read := func(r *http.Request) (NeedInput, i18n.Problems) { return h.needInputOf(r, true) }
	return web.Create(h.Web, w, r, newNeedForm, "visit.need.saved", page, read, h.Service.CreateNeed, needPath)
}

func (h *Handlers) getNeed(r *http.Request) (*Need, error) { return web.Record(r, h.Service.Need) }

// needPage is one need with its history, the steps one may take, and its
// matchmakings.
type needPage struct {
	N          *Need
	History    []Change
	Actions    []Transition
	Matches    []*Match
	RegionName string
	Edit       bool
	Manage     bool
}

func (h *Handlers) showNeed(w http.ResponseWriter, r *http.Request) error {
	n, err := h.getNeed(r)
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	ent := u.IsEnterprise()
	d := &needPage{N: n, Manage: canManage(u)}
	writable := u.MayWrite() == nil && (d.Manage || ent)
	if writable {
		d.Actions = Actions(n, ent)
		d.Edit = Editable(n.Status) && (d.Manage || n.Source == SourceSelf)
	}
	ctx := r.Context()
	if d.History, err = h.Service.History(ctx, u, n.ID); err != nil {
		return err
	}
	if d.Matches, _, err = h.Service.Matches(ctx, u, MatchFilter{NeedID: n.ID, Limit: 100, Sort: "date"}); err != nil {
		return err
	}
	if t, err := h.Regions.Tree(ctx); err == nil {
		d.RegionName = t.FullName(n.RegionCode)
	}
	return h.Web.Render(w, r, "visit/need_show.html", "visit.need.title", d, needsCrumb, web.Crumb{Key: "visit.need.title"})
}

func (h *Handlers) editNeed(w http.ResponseWriter, r *http.Request) error {
	return web.Edit(h.Web, w, r, editNeedForm, h.getNeed, h.needEditForm, needValues)
}

func (h *Handlers) updateNeed(w http.ResponseWriter, r *http.Request) error {
	read := func(r *http.Request) (NeedInput, i18n.Problems) { return h.needInputOf(r, false) }
	return web.Update(h.Web, w, r, editNeedForm, "visit.need.saved", h.getNeed, h.needEditForm, read, func(n *Need, in NeedInput) error {
		version, _ := strconv.Atoi(r.PostForm.Get("version"))
		_, err := h.Service.UpdateNeed(r.Context(), web.UserFrom(r.Context()), n.ID, version, in, r.PostForm.Get("reason"))
		return err
	}, needPath)
}

// transition takes a step of the status machine from the need's page.
func (h *Handlers) transition(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Service.Transition(r.Context(), web.UserFrom(r.Context()), id, r.PostForm.Get("to"), r.PostForm.Get("reason")); err != nil {
		return err
	}
	return h.Web.Redirect(w, r, "/needs/"+strconv.FormatInt(id, 10), "visit.need.moved")
}

// --- Forwarding batches ---

// batchList is the list of forwarding batches.
type batchList struct {
	Items  []*Batch
	Page   web.Page
	Manage bool
}

func (h *Handlers) batches(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	p := web.ListPage(r, 20)
	items, total, err := h.Service.Batches(r.Context(), u, p.Limit, p.Offset)
	if err != nil {
		return err
	}
	p.Total = total
	return h.Web.Render(w, r, "visit/batch_list.html", "visit.batch.title", batchList{Items: items, Page: p, Manage: canManage(u)},
		needsCrumb, web.Crumb{Key: "visit.batch.title"})
}

// batchForm offers the collected needs for a new batch.
type batchForm struct {
	Needs []*Need
	Names map[string]string
}

var batchCrumbs = []web.Crumb{needsCrumb, batchesCrumb, {Key: "visit.batch.new"}}

func (h *Handlers) batchForm(r *http.Request) (*batchForm, error) {
	u := web.UserFrom(r.Context())
	if !canManage(u) {
		return nil, i18n.E(i18n.Forbidden, "error.forbidden")
	}
	needs, _, err := h.Service.Needs(r.Context(), u, NeedFilter{Status: Collected, Limit: 1000, Sort: "collected_on"})
	if err != nil {
		return nil, err
	}
	codes := make([]string, len(needs))
	for i, n := range needs {
		codes[i] = n.RegionCode
	}
	names, err := h.townNames(r, codes)
	if err != nil {
		return nil, err
	}
	return &batchForm{Needs: needs, Names: names}, nil
}

func (h *Handlers) newBatch(w http.ResponseWriter, r *http.Request) error {
	d, err := h.batchForm(r)
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	today := h.Service.today()
	number, err := h.Service.SuggestBatchNumber(r.Context(), u, today)
	if err != nil {
		return err
	}
	v := url.Values{"batch_number": {number}, "batch_sent_on": {today.String()}}
	for _, n := range d.Needs {
		v.Add("need_ids", strconv.FormatInt(n.ID, 10))
	}
	return h.Web.RenderValues(w, r, "visit/batch_form.html", "visit.batch.new", d, v, batchCrumbs...)
}

func (h *Handlers) createBatch(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	var p i18n.Problems
	in := BatchInput{Number: f.Get("batch_number"), SentOn: day(f.Get("batch_sent_on"), "batch_sent_on", &p), Note: f.Get("note")}
	for _, v := range f["need_ids"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.NeedIDs = append(in.NeedIDs, id)
		}
	}
	var b *Batch
	var err error
	if len(p) == 0 {
		b, err = h.Service.CreateBatch(r.Context(), web.UserFrom(r.Context()), in)
	}
	if err = p.With(err); err != nil {
		d, derr := h.batchForm(r)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "visit/batch_form.html", "visit.batch.new", d, err, batchCrumbs...)
	}
	return h.Web.Redirect(w, r, "/needs?batch="+strconv.FormatInt(b.ID, 10), "visit.batch.saved")
}

// sheet sends the city's sheet of a batch. It is built in memory first, so
// an error is still an error page rather than half a file.
func (h *Handlers) sheet(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	b, err := h.Service.WriteSheet(r.Context(), web.UserFrom(r.Context()), id, &buf)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="needs-`+b.SentOn.String()+`.xlsx"; filename*=UTF-8''`+url.PathEscape(SheetName(b)))
	w.Header().Set("Cache-Control", "no-store")
	_, err = buf.WriteTo(w)
	return err
}
