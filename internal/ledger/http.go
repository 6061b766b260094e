package ledger

import (
	"embed"
	"io/fs"
	"net/http"
	"net/url"

	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/web"
	"kejiju/internal/xlsx"
)

//go:embed templates/*.html
var templateFS embed.FS

// Templates returns the finance pages' templates.
func Templates() web.Templates {
	sub, _ := fs.Sub(templateFS, "templates")
	return web.Templates{Prefix: "ledger", FS: sub}
}

// Handlers serve the finance views, read only, in the reader's scope.
type Handlers struct {
	Web *web.Server
	DB  *db.DB
	// Objects maps a payable's object type to its page, e.g.
	// "application" → "/applications/".
	Objects map[string]string
}

// Routes lists the finance pages and API; reading takes PermFinanceView.
func (h *Handlers) Routes(rs *web.Routes) {
	rs.Page("GET /finance", auth.PermFinanceView, h.overview)
	rs.Page("GET /finance/budgets.xlsx", auth.PermFinanceView, h.sheet)
	rs.API("GET /api/v1/finance/budgets", auth.PermFinanceView, "The budget lines in scope: appropriated, available, committed, payable, paid (fen), and whether each adds up", h.apiBudgets)
	rs.API("GET /api/v1/finance/reconciliation", auth.PermFinanceView, "The trial balance in scope and the ledger's verification; ok is true when everything balances", h.apiReconciliation)
}

// Nav lists the finance entry of the main navigation.
func Nav() []web.NavItem {
	return []web.NavItem{{Group: "nav.group.funds", Key: "nav.finance", Href: "/finance", Perm: auth.PermFinanceView}}
}

type overview struct {
	Budgets []Budget
	Total   Budget
	Funds   []FundSource
	Due     []Due
	Links   []string
	Rec     Reconciliation
}

func (h *Handlers) data(r *http.Request) (*overview, error) {
	scope := web.UserFrom(r.Context()).Scope()
	d := &overview{}
	// One read transaction: the figures are one snapshot.
	err := h.DB.InTx(r.Context(), func(tx *db.Tx) error {
		var err error
		if d.Budgets, err = Budgets(r.Context(), tx, scope); err != nil {
			return err
		}
		if d.Funds, err = FundSources(r.Context(), tx, scope); err != nil {
			return err
		}
		if d.Due, err = Payables(r.Context(), tx, scope); err != nil {
			return err
		}
		d.Rec, err = Reconcile(r.Context(), tx, scope)
		return err
	})
	for _, b := range d.Budgets {
		d.Total.Appropriated += b.Appropriated
		d.Total.Available += b.Available
		d.Total.Committed += b.Committed
		d.Total.Payable += b.Payable
		d.Total.Paid += b.Paid
	}
	for _, due := range d.Due {
		typ, id := due.Object()
		link := ""
		if p, ok := h.Objects[typ]; ok {
			link = p + id
		}
		d.Links = append(d.Links, link)
	}
	return d, err
}

func (h *Handlers) overview(w http.ResponseWriter, r *http.Request) error {
	d, err := h.data(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "ledger/finance.html", "nav.finance", d, web.Crumb{Key: "nav.finance"})
}

// BudgetSheet is the budget execution table as a spreadsheet (资金执行情况表).
var BudgetSheet = xlsx.Sheet{Name: "资金执行情况", Columns: []xlsx.Column{
	{Key: "budget", Header: "预算项目", Width: 36},
	{Key: "region", Header: "区划代码", Width: 10},
	{Key: "appropriated", Header: "已下达（元）", Width: 16},
	{Key: "available", Header: "可用余额（元）", Width: 16},
	{Key: "committed", Header: "已承诺未到期（元）", Width: 18},
	{Key: "payable", Header: "应付未付（元）", Width: 16},
	{Key: "paid", Header: "已拨付（元）", Width: 16},
	{Key: "balanced", Header: "勾稽", Width: 8},
}}

func (h *Handlers) sheet(w http.ResponseWriter, r *http.Request) error {
	d, err := h.data(r)
	if err != nil {
		return err
	}
	zh := i18n.Default().Printer(i18n.Chinese)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape("资金执行情况表.xlsx"))
	xw, err := xlsx.NewWriter(w, BudgetSheet)
	if err != nil {
		return err
	}
	d.Total.Name = zh.T("finance.total")
	for _, b := range append(d.Budgets, d.Total) {
		ok := zh.T("finance.balanced")
		if !b.Balanced() {
			ok = zh.T("finance.unbalanced")
		}
		if err := xw.Write([]any{b.Name, b.RegionCode, b.Appropriated.YuanNumber(), b.Available.YuanNumber(), b.Committed.YuanNumber(),
			b.Payable.YuanNumber(), b.Paid.YuanNumber(), ok}); err != nil {
			xw.Abort()
			return err
		}
	}
	return xw.Close()
}

func (h *Handlers) apiBudgets(w http.ResponseWriter, r *http.Request) error {
	d, err := h.data(r)
	if err != nil {
		return err
	}
	type line struct {
		Budget
		Balanced bool `json:"balanced"`
	}
	items := make([]line, len(d.Budgets))
	for i, b := range d.Budgets {
		items[i] = line{b, b.Balanced()}
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": items})
}

func (h *Handlers) apiReconciliation(w http.ResponseWriter, r *http.Request) error {
	d, err := h.data(r)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"ok": d.Rec.OK(), "difference": d.Rec.Difference(), "reconciliation": d.Rec})
}
