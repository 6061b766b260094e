package report

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"time"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/region"
	"kejiju/internal/web"
	"kejiju/internal/xlsx"
)

// RegionTree gives the regions, for the rows of returns.
type RegionTree interface {
	Tree(ctx context.Context) (*region.Tree, error)
}

// ReturnHandlers serve the statistical returns and the dashboard by
// region: each child region's figures and the total, every cell linked to
// the records it counts.
type ReturnHandlers struct {
	Web     *web.Server
	DB      *db.DB
	Returns *Returns
	Locks   *Locks
	Regions RegionTree
	Bureau  string
}

// Routes lists the returns' pages and API; reading takes PermDashboard,
// locking PermReturnLock.
func (h *ReturnHandlers) Routes(rs *web.Routes) {
	rs.Page("GET /reports/returns", auth.PermDashboard, h.list)
	rs.Page("GET /reports/returns/{code}/{region}", auth.PermDashboard, h.page)
	rs.Page("GET /reports/returns/{code}/{region}/xlsx", auth.PermDashboard, h.workbook)
	rs.Page("GET /reports/returns/{code}/{region}/records/{name}", auth.PermDashboard, h.records)
	rs.Page("POST /reports/returns/{code}/{region}/lock", auth.PermReturnLock, h.lock)
	rs.Page("POST /reports/returns/{code}/{region}/unlock", auth.PermReturnLock, h.unlock)
	rs.Page("GET /dashboard/regions", auth.PermDashboard, h.byRegion)
	rs.Page("GET /dashboard/regions/{region}/figures/{name}", auth.PermDashboard, h.regionFigure)
	rs.API("GET /api/v1/returns", auth.PermDashboard, "The statistical returns: code, title, frequency, columns", h.apiList)
	rs.API("GET /api/v1/returns/{code}/{region}", auth.PermDashboard, "A return of a region for a period (?period=2026-Q3): each child region's figures and the total, from the snapshot when locked", h.apiReturn)
}

// ReturnNav lists the returns and the dashboard by region in the main
// navigation.
func ReturnNav() []web.NavItem {
	return []web.NavItem{
		{Group: "nav.group.reports", Key: "nav.returns", Href: "/reports/returns", Perm: auth.PermDashboard},
		{Group: "nav.group.reports", Key: "nav.by_region", Href: "/dashboard/regions", Perm: auth.PermDashboard},
	}
}

// where is the region a request asks about (path value or ?region=,
// default the reader's own), with its children; a region the reader may
// not see is NotFound.
func (h *ReturnHandlers) where(r *http.Request, code string) (region.Region, []region.Region, error) {
	u := web.UserFrom(r.Context())
	if code == "" {
		code = u.RegionCode
	}
	if _, err := RegionScope(u.Scope(), code); err != nil {
		return region.Region{}, nil, err
	}
	t, err := h.Regions.Tree(r.Context())
	if err != nil {
		return region.Region{}, nil, err
	}
	reg, ok := t.Lookup(code)
	if !ok {
		return region.Region{}, nil, i18n.E(i18n.NotFound, "error.not_found")
	}
	return reg, t.Children(code), nil
}

type returnRef struct {
	Return  *Return
	Periods []periodRef
}

type periodRef struct {
	Key, Label string
	Locked     bool
}

type returnsPage struct {
	Region   region.Region
	Children []region.Region
	Returns  []returnRef
}

// recent is how many periods the list offers per frequency.
var recent = map[Frequency]int{Monthly: 6, Quarterly: 4, HalfYearly: 2, Yearly: 2}

func (h *ReturnHandlers) list(w http.ResponseWriter, r *http.Request) error {
	reg, children, err := h.where(r, r.URL.Query().Get("region"))
	if err != nil {
		return err
	}
	rows, err := h.DB.QueryContext(r.Context(), `SELECT return_code || ' ' || period FROM return_locks WHERE region_code = $1`, reg.Code)
	if err != nil {
		return db.Normalize(err)
	}
	keys, err := db.Collect(rows, func(sc interface{ Scan(...any) error }) (string, error) {
		var k string
		return k, sc.Scan(&k)
	})
	if err != nil {
		return err
	}
	locked := map[string]bool{}
	for _, k := range keys {
		locked[k] = true
	}
	pr := h.Web.Printer(r)
	d := returnsPage{Region: reg, Children: children}
	today := calendar.Today(calendar.Shanghai)
	for _, ret := range h.Returns.List() {
		ref := returnRef{Return: ret}
		for _, rp := range Recent(ret.Frequency, today, recent[ret.Frequency]) {
			ref.Periods = append(ref.Periods, periodRef{Key: rp.Key(), Label: rp.Label(pr), Locked: locked[ret.Code+" "+rp.Key()]})
		}
		d.Returns = append(d.Returns, ref)
	}
	return h.Web.Render(w, r, "report/returns.html", "nav.returns", d, web.Crumb{Key: "nav.returns"})
}

// returnPage is a return as shown: the snapshot when locked (Live beside
// it), else the live figures.
type returnPage struct {
	Return   *Return
	Period   ReportPeriod
	Label    string
	Shown    *Filled
	Live     *Filled
	Lock     *Lock
	Differs  bool // locked, and the records now say otherwise
	History  []LockEvent
	MayLock  bool
	Periods  []periodRef
	Children map[string]bool // rows whose region has its own return below
}

// CellLink is the page of the records behind a cell.
func (d *returnPage) CellLink(row Row, col int) string {
	q := url.Values{"period": {d.Period.Key()}}
	switch row.Kind {
	case RowRegion:
		q.Set("row", row.Region)
	case RowRest:
		q.Set("row", RowRest)
	}
	return "/reports/returns/" + d.Return.Code + "/" + d.Shown.Region + "/records/" + url.PathEscape(d.Shown.Columns[col].Name) + "?" + q.Encode()
}

// SpanLink is the page of the records behind a row's 本年累计 (span
// "to_date") or 上年同期 ("last_year") figure.
func (d *returnPage) SpanLink(row Row, col int, span string) string {
	return d.CellLink(row, col) + "&span=" + span
}

// LiveCell is the live figure of the shown row's cell when the return is
// locked and the records now say otherwise; nil when they agree.
func (d *returnPage) LiveCell(row Row, col int) *Cell {
	return d.LiveSpan(row, col, "")
}

// LiveSpan is LiveCell for the row's 本年累计 (span "to_date") or 上年同期
// ("last_year") figure.
func (d *returnPage) LiveSpan(row Row, col int, span string) *Cell {
	if d.Live == nil || d.Lock == nil {
		return nil
	}
	pick := func(r *Row) []Cell {
		switch span {
		case "to_date":
			return r.ToDate
		case "last_year":
			return r.LastYear
		}
		return r.Cells
	}
	live := Cell{}
	if lr := d.Live.Row(row.Kind, row.Region); lr != nil {
		live = cellAt(pick(lr), col)
	}
	if live == cellAt(pick(&row), col) {
		return nil
	}
	return &live
}

func (h *ReturnHandlers) returnData(r *http.Request) (*returnPage, error) {
	ret, err := h.Returns.Get(r.PathValue("code"))
	if err != nil {
		return nil, err
	}
	reg, children, err := h.where(r, r.PathValue("region"))
	if err != nil {
		return nil, err
	}
	today := calendar.Today(calendar.Shanghai)
	rp := PeriodOf(ret.Frequency, today)
	if k := r.FormValue("period"); k != "" {
		if rp, err = ParsePeriod(ret.Frequency, k); err != nil {
			return nil, err
		}
	}
	pr := h.Web.Printer(r)
	d := &returnPage{Return: ret, Period: rp, Label: rp.Label(pr), MayLock: MayLock(web.UserFrom(r.Context())), Children: map[string]bool{}}
	for _, p := range Recent(ret.Frequency, today, recent[ret.Frequency]) {
		d.Periods = append(d.Periods, periodRef{Key: p.Key(), Label: p.Label(pr)})
	}
	if d.Live, err = h.Returns.Fill(r.Context(), h.DB, ret, rp, reg, children, time.Now()); err != nil {
		return nil, err
	}
	if d.Lock, err = h.Locks.Get(r.Context(), h.DB, ret.Code, rp.Key(), reg.Code); err != nil {
		return nil, err
	}
	if d.History, err = h.Locks.History(r.Context(), h.DB, ret.Code, rp.Key(), reg.Code); err != nil {
		return nil, err
	}
	d.Shown = d.Live
	if d.Lock != nil {
		d.Shown = d.Lock.Snapshot
		d.Differs = !d.Lock.Snapshot.Equal(d.Live)
	}
	if lvl, err := region.LevelOf(reg.Code); err == nil && lvl < region.County {
		for _, c := range children {
			d.Children[c.Code] = true
		}
	}
	return d, nil
}

func (h *ReturnHandlers) title(r *http.Request, ret *Return) string {
	return h.Web.Printer(r).T("report.return." + ret.Code)
}

func (h *ReturnHandlers) page(w http.ResponseWriter, r *http.Request) error {
	d, err := h.returnData(r)
	if err != nil {
		return err
	}
	return h.render(w, r, d, nil)
}

func (h *ReturnHandlers) render(w http.ResponseWriter, r *http.Request, d *returnPage, formErr error) error {
	crumbs := []web.Crumb{{Key: "nav.returns", Href: "/reports/returns"}, {Key: "report.return." + d.Return.Code}}
	if formErr != nil {
		return h.Web.RenderForm(w, r, "report/return.html", "report.return."+d.Return.Code, d, formErr, crumbs...)
	}
	return h.Web.Render(w, r, "report/return.html", "report.return."+d.Return.Code, d, crumbs...)
}

// records lists the records behind one cell of a return: the measure in
// the return's period, in the row's region (?row=: a child, "rest" for
// 本级, none for the total).
func (h *ReturnHandlers) records(w http.ResponseWriter, r *http.Request) error {
	ret, err := h.Returns.Get(r.PathValue("code"))
	if err != nil {
		return err
	}
	rp := PeriodOf(ret.Frequency, calendar.Today(calendar.Shanghai))
	if k := r.FormValue("period"); k != "" {
		if rp, err = ParsePeriod(ret.Frequency, k); err != nil {
			return err
		}
	}
	p := rp.Period()
	switch r.FormValue("span") {
	case "":
	case "to_date":
		p = YearStart(p)
	case "last_year":
		p = YearBefore(p)
	default:
		return i18n.E(i18n.NotFound, "error.not_found")
	}
	d, err := h.cellRecords(r, p)
	if err != nil {
		return err
	}
	back := "/reports/returns/" + ret.Code + "/" + r.PathValue("region") + "?period=" + rp.Key()
	return h.Web.Render(w, r, "report/figure.html", "report.measure."+d.Measure.Name, d,
		web.Crumb{Key: "nav.returns", Href: "/reports/returns"}, web.Crumb{Key: "report.return." + ret.Code, Href: back}, web.Crumb{Key: "report.measure." + d.Measure.Name})
}

// cellRecords lists what the measure {name} counts in p in the row
// (?row=) of region {region}.
func (h *ReturnHandlers) cellRecords(r *http.Request, p Period) (*figurePage, error) {
	reg, children, err := h.where(r, r.PathValue("region"))
	if err != nil {
		return nil, err
	}
	m, err := h.Returns.Catalog.Get(r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	row := r.FormValue("row")
	child := slices.IndexFunc(children, func(c region.Region) bool { return c.Code == row })
	if row != "" && row != RowRest && child < 0 {
		return nil, i18n.E(i18n.NotFound, "error.not_found")
	}
	byChild, rest, rs, err := Split(r.Context(), h.DB, m, p, reg.Code, children)
	if err != nil {
		return nil, err
	}
	switch {
	case row == RowRest:
		rs = rest
	case child >= 0:
		rs = byChild[child]
	}
	return &figurePage{Period: p, Measure: m, Records: rs, Figure: Figure{Name: m.Name, Unit: m.Unit, Value: m.Value(rs), Count: len(rs)}}, nil
}

// onLock runs act on the return of the form's period and shows the return
// again, with act's refusal beside the form.
func (h *ReturnHandlers) onLock(w http.ResponseWriter, r *http.Request, flash string, act func(ret *Return, rp ReportPeriod, reg region.Region, children []region.Region) error) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	ret, err := h.Returns.Get(r.PathValue("code"))
	if err != nil {
		return err
	}
	reg, children, err := h.where(r, r.PathValue("region"))
	if err != nil {
		return err
	}
	rp, err := ParsePeriod(ret.Frequency, r.PostForm.Get("period"))
	if err != nil {
		return err
	}
	if err := act(ret, rp, reg, children); err != nil {
		if !web.Shown(err) {
			return err
		}
		d, derr := h.returnData(r)
		if derr != nil {
			return derr
		}
		return h.render(w, r, d, err)
	}
	return h.Web.Redirect(w, r, "/reports/returns/"+ret.Code+"/"+reg.Code+"?period="+rp.Key(), flash)
}

func (h *ReturnHandlers) lock(w http.ResponseWriter, r *http.Request) error {
	return h.onLock(w, r, "report.return.locked_flash", func(ret *Return, rp ReportPeriod, reg region.Region, children []region.Region) error {
		_, err := h.Locks.Lock(r.Context(), web.UserFrom(r.Context()), ret.Code, rp.Key(), reg.Code, func(q db.Querier, now time.Time) (*Filled, error) {
			return h.Returns.Fill(r.Context(), q, ret, rp, reg, children, now)
		})
		return err
	})
}

func (h *ReturnHandlers) unlock(w http.ResponseWriter, r *http.Request) error {
	return h.onLock(w, r, "report.return.unlocked_flash", func(ret *Return, rp ReportPeriod, reg region.Region, _ []region.Region) error {
		return h.Locks.Unlock(r.Context(), web.UserFrom(r.Context()), ret.Code, rp.Key(), reg.Code, r.PostForm.Get("reason"))
	})
}

// Form is the return as the city's form (in Chinese): title, 填报单位,
// 报告期, 制表日期 and units above the table, money in 元. When columns
// carry 本年累计 or 上年同期 the header has two rows: the measure, then
// 本期, 本年累计, 上年同期, 同比. A lock's note is below the table, after a
// blank row.
func (d *returnPage) Form(pr *i18n.Printer, bureau string) xlsx.Form {
	f := d.Shown
	split := f.Split()
	cols := []xlsx.Column{{Key: "region", Header: pr.T("report.return.xlsx.region"), Width: 18}}
	var groups, subs []string
	if split {
		groups, subs = []string{""}, []string{""}
	}
	for _, c := range f.Columns {
		head := pr.T("report.measure."+c.Name) + "（" + pr.T("report.unit."+string(c.Unit)) + "）"
		parts := []string{"this"}
		if c.ToDate {
			parts = append(parts, "to_date")
		}
		if c.LastYear {
			parts = append(parts, "last_year", "change")
		}
		for i, part := range parts {
			col := xlsx.Column{Key: c.Name, Header: head, Width: 14}
			if i > 0 {
				col.Key, col.Header, col.Width = c.Name+"."+part, head+pr.T("report.return."+part), 12
			}
			cols = append(cols, col)
			if split && len(parts) > 1 {
				groups, subs = append(groups, head), append(subs, pr.T("report.return."+part))
			} else if split {
				groups, subs = append(groups, ""), append(subs, "")
			}
		}
	}
	unit := f.RegionName
	if bureau != "" {
		unit += " " + bureau
	}
	made := calendar.FromTime(f.MadeAt, calendar.Shanghai)
	form := xlsx.Form{
		Sheet: xlsx.Sheet{Name: d.Return.Code, Columns: cols},
		Title: pr.T("report.return."+d.Return.Code) + "（" + d.Label + "）",
		Lines: []string{pr.T("report.return.xlsx.unit", unit), pr.T("report.return.xlsx.period", d.Label, f.From.Chinese(), f.To.Chinese()),
			pr.T("report.return.xlsx.made", made.Chinese()), pr.T("report.return.xlsx.money")},
		Groups:   groups,
		Subs:     subs,
		Decimals: 2,
	}
	for _, row := range f.Rows {
		vals := []any{rowName(pr, row)}
		for i, c := range row.Cells {
			col := f.Columns[i]
			fig := func(c Cell) any {
				if col.Unit == Yuan {
					return float64(c.Value) / 100
				}
				return c.Value
			}
			vals = append(vals, fig(c))
			if col.ToDate {
				vals = append(vals, fig(cellAt(row.ToDate, i)))
			}
			if col.LastYear {
				ch := "—"
				if i < len(row.Change) {
					ch = row.Change[i]
				}
				vals = append(vals, fig(cellAt(row.LastYear, i)), ch)
			}
		}
		form.Rows = append(form.Rows, vals)
	}
	if d.Lock != nil {
		form.Notes = append(form.Notes, pr.T("report.return.xlsx.locked", d.Lock.At.In(calendar.Shanghai).Format("2006-01-02 15:04"), d.Lock.By))
	}
	return form
}

// cellAt is cells[i], or a zero cell past its end.
func cellAt(cells []Cell, i int) Cell {
	if i < len(cells) {
		return cells[i]
	}
	return Cell{}
}

// rowName is a row's name as printed: the region, 本级 or 合计.
func rowName(pr *i18n.Printer, row Row) string {
	switch row.Kind {
	case RowRest:
		return pr.T("report.return.rest", row.Name)
	case RowTotal:
		return pr.T("report.return.total")
	}
	return row.Name
}

func (h *ReturnHandlers) workbook(w http.ResponseWriter, r *http.Request) error {
	d, err := h.returnData(r)
	if err != nil {
		return err
	}
	pr := i18n.Default().Printer(i18n.Chinese)
	var buf bytes.Buffer
	if err := xlsx.WriteForm(&buf, d.Form(pr, h.Bureau)); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(d.Shown.RegionName+pr.T("report.return."+d.Return.Code)+d.Period.Key()+".xlsx"))
	_, err = w.Write(buf.Bytes())
	return err
}

type returnDef struct {
	Code      string    `json:"code"`
	Title     string    `json:"title"`
	Frequency Frequency `json:"frequency"`
	Columns   []string  `json:"columns"`
	ToDate    []string  `json:"to_date"`   // the columns with 本年累计
	LastYear  []string  `json:"last_year"` // the columns with 上年同期 and 同比
}

func (h *ReturnHandlers) apiList(w http.ResponseWriter, r *http.Request) error {
	items := []returnDef{}
	for _, ret := range h.Returns.List() {
		items = append(items, returnDef{Code: ret.Code, Title: h.title(r, ret), Frequency: ret.Frequency, Columns: ret.Columns,
			ToDate: slices.Concat([]string{}, ret.ToDate), LastYear: slices.Concat([]string{}, ret.LastYear)})
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": items})
}

func (h *ReturnHandlers) apiReturn(w http.ResponseWriter, r *http.Request) error {
	d, err := h.returnData(r)
	if err != nil {
		return err
	}
	out := map[string]any{"return": returnDef{Code: d.Return.Code, Title: h.title(r, d.Return), Frequency: d.Return.Frequency, Columns: d.Return.Columns,
		ToDate: slices.Concat([]string{}, d.Return.ToDate), LastYear: slices.Concat([]string{}, d.Return.LastYear)},
		"period": d.Period.Key(), "label": d.Label, "figures": d.Shown, "locked": d.Lock != nil, "history": d.History}
	if d.History == nil {
		out["history"] = []LockEvent{}
	}
	if d.Lock != nil {
		out["locked_at"], out["locked_by"], out["live"], out["live_differs"] = d.Lock.At, d.Lock.By, d.Live, d.Differs
	}
	return web.JSON(w, http.StatusOK, out)
}

// byRegionPage is the dashboard by region: every measure in the period for
// each child region of the reader's region (a city's districts, a
// district's townships), the 本级 rest and the total.
type byRegionPage struct {
	Period Period
	Region region.Region
	Filled *Filled
}

// Link is the page of the records behind a cell.
func (d byRegionPage) Link(row Row, col int) string {
	q := url.Values{"from": {d.Period.From.String()}, "to": {d.Period.To.String()}}
	switch row.Kind {
	case RowRegion:
		q.Set("row", row.Region)
	case RowRest:
		q.Set("row", RowRest)
	}
	return "/dashboard/regions/" + d.Region.Code + "/figures/" + url.PathEscape(d.Filled.Columns[col].Name) + "?" + q.Encode()
}

func (h *ReturnHandlers) byRegion(w http.ResponseWriter, r *http.Request) error {
	p, err := periodOf(r.URL.Query())
	if err != nil {
		return err
	}
	reg, children, err := h.where(r, r.URL.Query().Get("region"))
	if err != nil {
		return err
	}
	all := &Return{Code: "dashboard", Frequency: Yearly}
	for _, m := range h.Returns.Catalog.Measures() {
		all.Columns = append(all.Columns, m.Name)
	}
	f, err := h.Returns.fillPeriod(r.Context(), h.DB, all, p, reg, children, time.Now())
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "report/by_region.html", "nav.by_region", byRegionPage{Period: p, Region: reg, Filled: f},
		web.Crumb{Key: "nav.dashboard", Href: "/dashboard?" + p.query()}, web.Crumb{Key: "nav.by_region"})
}

func (h *ReturnHandlers) regionFigure(w http.ResponseWriter, r *http.Request) error {
	p, err := periodOf(r.URL.Query())
	if err != nil {
		return err
	}
	d, err := h.cellRecords(r, p)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "report/figure.html", "report.measure."+d.Measure.Name, d,
		web.Crumb{Key: "nav.by_region", Href: "/dashboard/regions?region=" + r.PathValue("region") + "&" + p.query()}, web.Crumb{Key: "report.measure." + d.Measure.Name})
}
