package subsidy

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/ledger"
	"kejiju/internal/money"
	"kejiju/internal/web"
	"kejiju/internal/xlsx"
)

// Handlers serve the pages of subsidies.
type Handlers struct {
	Web     *web.Server
	Service *Service
}

var (
	listCrumb     = web.Crumb{Key: "nav.subsidies", Href: "/subsidies"}
	policiesCrumb = web.Crumb{Key: "nav.subsidy_policies", Href: "/subsidies/policies"}
)

// --- Claims ---

type listPage struct {
	Items  []*Claim
	Page   web.Page
	Filter Filter
	Kinds  []Kind
	States []State
	Claim  bool
}

func filterOf(q url.Values) Filter {
	f := Filter{Kind: Kind(q.Get("kind")), State: State(q.Get("state")), Year: web.Int(q.Get("year")), Quarter: web.Int(q.Get("quarter"))}
	if !f.Kind.Valid() {
		f.Kind = ""
	}
	return f
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	p := web.ListPage(r, 30)
	f := filterOf(r.URL.Query())
	f.Limit, f.Offset = p.Limit, p.Offset
	items, total, err := h.Service.Claims(r.Context(), u, f)
	if err != nil {
		return err
	}
	p.Total = total
	return h.Web.Render(w, r, "subsidy/list.html", "nav.subsidies", listPage{Items: items, Page: p, Filter: f, Kinds: Kinds,
		States: []State{Submitted, Waiting, Approved, Paid, Rejected}, Claim: CanClaim(u)}, listCrumb)
}

type formPage struct {
	Kind  Kind
	Items []Item
	Staff bool
	Key   string
	Calc  *Calculation
}

func (h *Handlers) newClaim(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	if !CanClaim(u) {
		return forbidden()
	}
	k := Kind(r.URL.Query().Get("kind"))
	if !k.Valid() {
		k = Equipment
	}
	v := url.Values{"kind": {string(k)}, "key": {web.FormKey()}}
	return h.Web.RenderValues(w, r, "subsidy/form.html", "subsidy.new", formPage{Kind: k, Items: Items, Staff: CanManage(u)}, v,
		listCrumb, web.Crumb{Key: "subsidy.new"})
}

// yuanField reads an optional amount in 元 (empty is 0).
func yuanField(p *i18n.Problems, f url.Values, name string) money.Fen {
	s := strings.TrimSpace(f.Get(name))
	if s == "" {
		return 0
	}
	v, err := money.ParseYuan(s)
	if err != nil {
		p.AddErr(name, err)
	}
	return v
}

// percentBP reads a percentage such as "4.35" as basis points.
func percentBP(p *i18n.Problems, f url.Values, name string) int64 {
	s := strings.TrimSpace(f.Get(name))
	if s == "" {
		return 0
	}
	v, err := money.ParseYuan(s) // two decimals, like 元 in fen
	if err != nil {
		p.Add(name, "error.invalid_value")
	}
	return int64(v)
}

// inputOf reads the claim form of its kind. Devices come one per line as
// "名称|原值（元）", with "|否" at the end for one not used for R&D.
func inputOf(f url.Values) (ClaimInput, i18n.Problems) {
	var p i18n.Problems
	in := ClaimInput{Kind: Kind(f.Get("kind")), CreditCode: f.Get("credit_code"), Key: f.Get("key")}
	on := func(name string) bool { return f.Get(name) != "" }
	switch in.Kind {
	case Equipment:
		e := &EquipmentInput{Sales: yuanField(&p, f, "sales"), Incubated: on("incubated"), RDInstitut: on("rd_institute")}
		for i, line := range web.Lines(f.Get("devices")) {
			parts := strings.Split(line, "|")
			d := Device{Name: strings.TrimSpace(parts[0]), ForRD: true}
			if len(parts) < 2 {
				p.Add("devices", "subsidy.bad_device", i+1)
				continue
			}
			v, err := money.ParseYuan(strings.TrimSpace(parts[1]))
			if err != nil {
				p.Add("devices", "subsidy.bad_device", i+1)
			}
			d.Value = v
			if len(parts) > 2 && strings.TrimSpace(parts[2]) == "否" {
				d.ForRD = false
			}
			e.Devices = append(e.Devices, d)
		}
		in.Equipment = e
	case Purchase:
		in.Purchase = &PurchaseInput{ContractNo: f.Get("contract_no"), Registered: on("registered"), SellerName: f.Get("seller_name"),
			SellerRegion: f.Get("seller_region"), Amount: yuanField(&p, f, "amount")}
	case Patent:
		pi := &PatentInput{Item: Item(f.Get("item")), AppNo: f.Get("app_no"), LoanNo: f.Get("loan_no"), Fee: yuanField(&p, f, "fee"),
			Loan: yuanField(&p, f, "loan"), Interest: yuanField(&p, f, "interest"), BenchBP: percentBP(&p, f, "bench_rate"),
			Months: web.Int(f.Get("months")), Repaid: on("repaid")}
		if s := strings.TrimSpace(f.Get("grant_date")); s != "" {
			pi.GrantDate = web.FormDate(s, "grant_date", &p)
		}
		in.Patent = pi
	}
	return in, p
}

func (h *Handlers) create(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	in, p := inputOf(r.PostForm)
	page := formPage{Kind: in.Kind, Items: Items, Staff: CanManage(u)}
	fail := func(err error) error {
		if !web.Shown(err) {
			return err
		}
		return h.Web.RenderForm(w, r, "subsidy/form.html", "subsidy.new", page, err, listCrumb, web.Crumb{Key: "subsidy.new"})
	}
	if err := p.Err(); err != nil {
		return fail(err)
	}
	if r.PostForm.Get("action") == "preview" {
		calc, err := h.Service.Calculate(r.Context(), u, in)
		if err != nil {
			return fail(err)
		}
		page.Calc = calc
		return h.Web.RenderValues(w, r, "subsidy/form.html", "subsidy.new", page, r.PostForm, listCrumb, web.Crumb{Key: "subsidy.new"})
	}
	c, err := h.Service.Submit(r.Context(), u, in)
	if err != nil {
		return fail(err)
	}
	return h.Web.Redirect(w, r, "/subsidies/"+idOf(c.ID), "subsidy.submitted")
}

type claimPage struct {
	C      *Claim
	Manage bool
	Pay    bool
}

func (h *Handlers) claimPage(r *http.Request) (*claimPage, error) {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return nil, err
	}
	u := web.UserFrom(r.Context())
	c, err := h.Service.Claim(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	return &claimPage{C: c, Manage: CanManage(u), Pay: CanPay(u)}, nil
}

func (h *Handlers) show(w http.ResponseWriter, r *http.Request) error {
	d, err := h.claimPage(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "subsidy/claim.html", "nav.subsidies", d, listCrumb, web.Crumb{Key: "subsidy.claim"})
}

// onClaim runs act on the claim of the path and shows the claim again.
func (h *Handlers) onClaim(w http.ResponseWriter, r *http.Request, flash string, act func(id int64) error) error {
	return web.Act(h.Web, w, r, claimForm, "/subsidies/", flash, func(r *http.Request, _ int64) (*claimPage, error) { return h.claimPage(r) }, act)
}

var claimForm = web.Form{Page: "subsidy/claim.html", Title: "nav.subsidies", Crumbs: []web.Crumb{listCrumb, {Key: "subsidy.claim"}}}

func (h *Handlers) approve(w http.ResponseWriter, r *http.Request) error {
	return h.onClaim(w, r, "subsidy.approved", func(id int64) error {
		_, err := h.Service.Approve(r.Context(), web.UserFrom(r.Context()), id)
		return err
	})
}

func (h *Handlers) reject(w http.ResponseWriter, r *http.Request) error {
	return h.onClaim(w, r, "subsidy.rejected", func(id int64) error {
		_, err := h.Service.Reject(r.Context(), web.UserFrom(r.Context()), id, r.PostForm.Get("reason"))
		return err
	})
}

func (h *Handlers) pay(w http.ResponseWriter, r *http.Request) error {
	return h.onClaim(w, r, "subsidy.paid", func(id int64) error {
		_, err := h.Service.Pay(r.Context(), web.UserFrom(r.Context()), id, r.PostForm.Get("bank_ref"))
		return err
	})
}

// --- Policies ---

type policiesPage struct {
	Items  []Policy
	Kinds  []Kind
	Manage bool
}

func (h *Handlers) policiesData(r *http.Request) (policiesPage, error) {
	items, err := h.Service.Policies(r.Context())
	return policiesPage{Items: items, Kinds: Kinds, Manage: CanManage(web.UserFrom(r.Context()))}, err
}

func (h *Handlers) policies(w http.ResponseWriter, r *http.Request) error {
	d, err := h.policiesData(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "subsidy/policies.html", "nav.subsidy_policies", d, policiesCrumb)
}

func (h *Handlers) addPolicy(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	_, err := h.Service.AddPolicy(r.Context(), web.UserFrom(r.Context()), PolicyInput{Kind: Kind(f.Get("kind")), Title: f.Get("title"),
		DocumentNo: f.Get("document_no"), EffectiveFrom: f.Get("effective_from"), EffectiveTo: f.Get("effective_to"), Params: f.Get("params")})
	if err != nil {
		if !web.Shown(err) {
			return err
		}
		d, derr := h.policiesData(r)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "subsidy/policies.html", "nav.subsidy_policies", d, err, policiesCrumb)
	}
	return h.Web.Redirect(w, r, "/subsidies/policies", "subsidy.policy.added")
}

// --- Budgets ---

type budgetsPage struct {
	Items []ledger.Budget
	Kinds []Kind
	Pay   bool
	Key   string
	Year  int
}

func (h *Handlers) budgetsData(r *http.Request) (budgetsPage, error) {
	u := web.UserFrom(r.Context())
	items, err := h.Service.Budgets(r.Context(), u)
	return budgetsPage{Items: items, Kinds: Kinds, Pay: CanPay(u), Key: web.FormKey(), Year: calendar.Today(calendar.Shanghai).Year}, err
}

func (h *Handlers) budgets(w http.ResponseWriter, r *http.Request) error {
	d, err := h.budgetsData(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "subsidy/budgets.html", "subsidy.budgets", d, listCrumb, web.Crumb{Key: "subsidy.budgets"})
}

func (h *Handlers) fund(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	err := h.Service.FundBudget(r.Context(), web.UserFrom(r.Context()), FundInput{Year: web.Int(f.Get("year")), Kind: Kind(f.Get("kind")),
		Amount: f.Get("amount"), Key: f.Get("key")})
	if err != nil {
		if !web.Shown(err) {
			return err
		}
		d, derr := h.budgetsData(r)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "subsidy/budgets.html", "subsidy.budgets", d, err, listCrumb, web.Crumb{Key: "subsidy.budgets"})
	}
	return h.Web.Redirect(w, r, "/subsidies/budgets", "subsidy.funded")
}

// --- Report ---

type reportPage struct {
	Year, Quarter int
	ByItem        []ReportRow
	ByTownship    []ReportRow
	Towns         []string
	Total         ReportRow
}

func (h *Handlers) reportData(r *http.Request) (*reportPage, error) {
	q := r.URL.Query()
	d := &reportPage{Year: web.Int(q.Get("year")), Quarter: web.Int(q.Get("quarter"))}
	if d.Year == 0 {
		today := calendar.Today(calendar.Shanghai)
		d.Year, d.Quarter = today.Year, Quarter(today)
	}
	if d.Quarter < 0 || d.Quarter > 4 {
		d.Quarter = 0
	}
	var err error
	d.ByItem, d.ByTownship, d.Towns, err = h.Service.Report(r.Context(), web.UserFrom(r.Context()), d.Year, d.Quarter)
	for _, row := range d.ByItem {
		d.Total.Claims += row.Claims
		d.Total.Granted += row.Granted
		d.Total.Amount += row.Amount
		d.Total.PaidCount += row.PaidCount
		d.Total.Paid += row.Paid
	}
	return d, err
}

func (h *Handlers) report(w http.ResponseWriter, r *http.Request) error {
	d, err := h.reportData(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "subsidy/report.html", "nav.subsidy_report", d, web.Crumb{Key: "nav.subsidy_report"})
}

// ReportSheet is the quarterly batch report as a spreadsheet.
var ReportSheet = xlsx.Sheet{Name: "补助汇总", Columns: []xlsx.Column{
	{Key: "kind", Header: "补助类别", Width: 20},
	{Key: "item", Header: "资助事项", Width: 20},
	{Key: "claims", Header: "申报数", Width: 10},
	{Key: "granted", Header: "核定数", Width: 10},
	{Key: "amount", Header: "核定金额（元）", Width: 16},
	{Key: "paid_count", Header: "已拨付数", Width: 10},
	{Key: "paid", Header: "已拨付金额（元）", Width: 16},
}}

func (h *Handlers) reportSheet(w http.ResponseWriter, r *http.Request) error {
	d, err := h.reportData(r)
	if err != nil {
		return err
	}
	zh := i18n.Default().Printer(i18n.Chinese)
	name := strconv.Itoa(d.Year) + "年"
	if d.Quarter != 0 {
		name += "第" + strconv.Itoa(d.Quarter) + "季度"
	}
	var rows [][]any
	for _, row := range append(d.ByItem, d.Total) {
		kind, item := zh.T("subsidy.total"), ""
		if row.Kind != "" {
			kind = zh.T("subsidy.kind." + string(row.Kind))
		}
		if row.Item != "" {
			item = zh.T("subsidy.item." + string(row.Item))
		}
		rows = append(rows, []any{kind, item, row.Claims, row.Granted, row.Amount.YuanNumber(), row.PaidCount, row.Paid.YuanNumber()})
	}
	return web.Workbook(w, name+"补助汇总表.xlsx", ReportSheet, rows)
}
