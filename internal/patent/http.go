package patent

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/chart"
	"kejiju/internal/i18n"
	"kejiju/internal/region"
	"kejiju/internal/web"
	"kejiju/internal/xlsx"
)

// Handlers serve the patent pages and API.
type Handlers struct {
	Web     *web.Server
	Service *Service
	Regions *region.Store
}

var (
	listCrumb     = web.Crumb{Key: "nav.patents", Href: "/patents"}
	statsCrumb    = web.Crumb{Key: "nav.patent_stats", Href: "/patents/stats"}
	loansCrumb    = web.Crumb{Key: "nav.patent_loans", Href: "/patents/loans"}
	agenciesCrumb = web.Crumb{Key: "nav.patent_agencies", Href: "/patents/agencies"}
	importCrumb   = web.Crumb{Key: "nav.patent_import", Href: "/patents/import"}
)

// townships returns the counties and townships in u's scope, and a code →
// name map for display.
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
	if u.IsEnterprise() {
		out = nil
	}
	return out, names, nil
}

// --- List and detail ---

type listPage struct {
	Items     []*Patent
	Page      web.Page
	Filter    Filter
	Townships []region.Region
	Names     map[string]string
	Types     []string
	Statuses  []string
	Manage    bool
	// Period is the message key of a date filter from the statistics
	// ("" when none), with its first and last day.
	Period                 string
	PeriodFrom, PeriodLast calendar.Date
}

func filterOf(q url.Values, p web.Page) Filter {
	f := Filter{Query: q.Get("q"), Type: q.Get("type"), Status: q.Get("status"), RegionCode: q.Get("region"),
		Unconfirmed: q.Get("unconfirmed") != "", Limit: p.Limit, Offset: p.Offset, Sort: p.Sort}
	f.Year, _ = strconv.Atoi(q.Get("year"))
	f.EnterpriseID, _ = strconv.ParseInt(q.Get("enterprise_id"), 10, 64)
	f.AgencyID, _ = strconv.ParseInt(q.Get("agency_id"), 10, 64)
	for _, d := range []struct {
		key string
		to  *calendar.Date
	}{{"applied_from", &f.AppliedFrom}, {"applied_until", &f.AppliedUntil}, {"granted_from", &f.GrantedFrom}, {"granted_until", &f.GrantedUntil}} {
		if v, err := calendar.Parse(q.Get(d.key)); err == nil {
			*d.to = v
		}
	}
	return f
}

// exportLink is the workbook of the page's figures: the same period and
// township (a whole URL, which html/template leaves readable, where a
// query spliced after "?" would be escaped into one parameter).
func exportLink(st *Stats) string {
	v := url.Values{"year": {strconv.Itoa(st.Period.Year)}, "kind": {string(st.Period.Kind)}, "n": {strconv.Itoa(st.Period.N)}}
	if st.RegionCode != "" {
		v.Set("region", st.RegionCode)
	}
	return "/patents/stats.xlsx?" + v.Encode()
}

// recordsLink is the list of the patents behind a figure of the
// statistics: of the type ("" or "total": all), applied for (grants:
// granted) in the period, in the township asked for.
func recordsLink(st *Stats, typ string, grants bool) string {
	from, until := st.Period.Range()
	v := url.Values{}
	if typ != "" && typ != "total" {
		v.Set("type", typ)
	}
	if st.RegionCode != "" {
		v.Set("region", st.RegionCode)
	}
	kind := "applied"
	if grants {
		kind = "granted"
	}
	v.Set(kind+"_from", from.String())
	v.Set(kind+"_until", until.String())
	return "/patents?" + v.Encode()
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	p := web.ListPage(r, 20)
	f := filterOf(r.URL.Query(), p)
	items, total, err := h.Service.List(r.Context(), u, f)
	if err != nil {
		return err
	}
	p.Total = total
	towns, names, err := h.townships(r, u)
	if err != nil {
		return err
	}
	d := listPage{Items: items, Page: p, Filter: f, Townships: towns, Names: names, Types: Types, Statuses: Statuses, Manage: CanManage(u)}
	if !f.AppliedFrom.IsZero() && !f.AppliedUntil.IsZero() {
		d.Period, d.PeriodFrom, d.PeriodLast = "patent.list.applied_between", f.AppliedFrom, f.AppliedUntil.AddDays(-1)
	}
	if !f.GrantedFrom.IsZero() && !f.GrantedUntil.IsZero() {
		d.Period, d.PeriodFrom, d.PeriodLast = "patent.list.granted_between", f.GrantedFrom, f.GrantedUntil.AddDays(-1)
	}
	return h.Web.Render(w, r, "patent/list.html", "nav.patents", d, listCrumb)
}

type showPage struct {
	P           *Patent
	History     []History
	RegionName  string
	Manage      bool
	Next        []string // the statuses the patent may move to
	Enterprises []Applicant
}

func (h *Handlers) showData(r *http.Request, id int64) (*showPage, error) {
	u := web.UserFrom(r.Context())
	p, err := h.Service.Get(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	d := &showPage{P: p, Manage: CanManage(u)}
	if d.History, err = h.Service.History(r.Context(), u, id); err != nil {
		return nil, err
	}
	if t, err := h.Regions.Tree(r.Context()); err == nil {
		d.RegionName = t.FullName(p.RegionCode)
	}
	for _, st := range Statuses {
		if CanMove(p.Status, st) {
			d.Next = append(d.Next, st)
		}
	}
	if d.Manage && p.EnterpriseID == 0 {
		if d.Enterprises, err = h.Service.Enterprises.InScope(r.Context(), u); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (h *Handlers) show(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	d, err := h.showData(r, id)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, showForm.Page, showForm.Title, d, showForm.Crumbs...)
}

// onPatent runs an action on the patent of the path and returns to its
// page: with the errors on it when the input was refused.
func (h *Handlers) onPatent(w http.ResponseWriter, r *http.Request, flash string, act func(id int64) error) error {
	return web.Act(h.Web, w, r, showForm, "/patents/", flash, h.showData, act)
}

var showForm = web.Form{Page: "patent/show.html", Title: "patent.title", Crumbs: []web.Crumb{listCrumb, {Key: "patent.title"}}}

func (h *Handlers) setStatus(w http.ResponseWriter, r *http.Request) error {
	return h.onPatent(w, r, "patent.status.saved", func(id int64) error {
		f := r.PostForm
		var p i18n.Problems
		ch := StatusChange{Status: f.Get("status"), Reason: f.Get("reason"),
			Effective: web.FormDate(f.Get("effective"), "effective", &p), GrantDate: web.FormDate(f.Get("grant_date"), "grant_date", &p)}
		ch.Version, _ = strconv.Atoi(f.Get("version"))
		if len(p) > 0 {
			return p.Err()
		}
		_, err := h.Service.SetStatus(r.Context(), web.UserFrom(r.Context()), id, ch)
		return err
	})
}

func (h *Handlers) link(w http.ResponseWriter, r *http.Request) error {
	return h.onPatent(w, r, "patent.link.saved", func(id int64) error {
		ent, _ := strconv.ParseInt(r.PostForm.Get("enterprise_id"), 10, 64)
		_, err := h.Service.Link(r.Context(), web.UserFrom(r.Context()), id, ent, r.PostForm.Get("reason"))
		return err
	})
}

// --- New patent ---

type formPage struct {
	Townships   []region.Region
	Statuses    []string
	Agencies    []Agency
	Enterprises []Applicant
}

func (h *Handlers) formData(r *http.Request) (*formPage, error) {
	u := web.UserFrom(r.Context())
	towns, _, err := h.townships(r, u)
	if err != nil {
		return nil, err
	}
	d := &formPage{Townships: towns, Statuses: Statuses}
	if d.Agencies, err = h.Service.Agencies(r.Context(), u); err != nil {
		return nil, err
	}
	if d.Enterprises, err = h.Service.Enterprises.InScope(r.Context(), u); err != nil {
		return nil, err
	}
	return d, nil
}

func (h *Handlers) newForm(w http.ResponseWriter, r *http.Request) error {
	d, err := h.formData(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, newForm.Page, newForm.Title, d, newForm.Crumbs...)
}

func inputOf(f url.Values) (Input, i18n.Problems) {
	var p i18n.Problems
	in := Input{AppNo: f.Get("app_no"), Title: f.Get("title"), Applicants: f.Get("applicants"), RegionCode: f.Get("region_code"),
		Status: f.Get("status"), IPCMain: f.Get("ipc_main"),
		ApplicationDate: web.FormDate(f.Get("application_date"), "application_date", &p), GrantDate: web.FormDate(f.Get("grant_date"), "grant_date", &p)}
	in.EnterpriseID, _ = strconv.ParseInt(f.Get("enterprise_id"), 10, 64)
	in.AgencyID, _ = strconv.ParseInt(f.Get("agency_id"), 10, 64)
	if v := strings.TrimSpace(f.Get("inventors")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			p.Add("inventors", "error.whole_number")
		}
		in.Inventors = n
	}
	return in, p
}

var newForm = web.Form{Page: "patent/form.html", Title: "patent.new", Crumbs: []web.Crumb{listCrumb, {Key: "patent.new"}}}

func (h *Handlers) create(w http.ResponseWriter, r *http.Request) error {
	page := func(r *http.Request, _ *Patent) (*formPage, error) { return h.formData(r) }
	read := func(r *http.Request) (Input, i18n.Problems) { return inputOf(r.PostForm) }
	create := func(ctx context.Context, u *auth.User, in Input) (*Patent, error) {
		return h.Service.Create(ctx, u, in, r.PostForm.Get("reason"))
	}
	return web.Create(h.Web, w, r, newForm, "patent.saved", page, read, create, func(p *Patent) string { return "/patents/" + idOf(p.ID) })
}

// --- Import: upload → preview → confirm ---

type importPage struct {
	Report   *ImportReport
	FileName string
	Token    string // the previewed upload, kept until it is confirmed
	Source   string
	Mapping  string
	Reason   string
	Sources  []Source
	Columns  []xlsx.Column
}

func (h *Handlers) importForm(w http.ResponseWriter, r *http.Request) error {
	srcs, err := h.Service.Sources(r.Context())
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "patent/import.html", "nav.patent_import", importPage{Sources: srcs, Columns: Sheet.Columns}, listCrumb, importCrumb)
}

// pending is where previewed uploads wait for confirmation.
func pending() string { return filepath.Join(os.TempDir(), "kejiju-patent-import") }

var tokenRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

func pendingPath(u *auth.User, token string) (string, error) {
	if !tokenRE.MatchString(token) {
		return "", i18n.FieldError("file", "patent.import.expired")
	}
	return filepath.Join(pending(), fmt.Sprintf("%d-%s", u.ID, token)), nil
}

// translate fills in each row error's message and column header in the
// request's language.
func (h *Handlers) translate(r *http.Request, rep *ImportReport) {
	p := h.Web.Printer(r)
	for i, e := range rep.Errors {
		rep.Errors[i].Message = p.T(e.Key, e.Args...)
		for _, c := range Sheet.Columns {
			if c.Key == e.Field {
				rep.Errors[i].Field = c.Header
			}
		}
	}
}

// mappingText writes a mapping as the form shows it.
func mappingText(m map[string]string) string {
	var b strings.Builder
	for _, c := range Sheet.Columns {
		if v := m[c.Key]; v != "" {
			b.WriteString(c.Header + "=" + v + "\n")
		}
	}
	return b.String()
}

// importFile previews an upload (keeping it under a token) or, given the
// token of a previewed upload, imports it.
func (h *Handlers) importFile(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	r.Body = http.MaxBytesReader(w, r.Body, MaxImportBytes+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil && err != http.ErrNotMultipart {
		return i18n.E(i18n.Invalid, "error.invalid_form")
	}
	d := importPage{Source: clean(r.FormValue("source")), Mapping: r.FormValue("mapping"), Reason: r.FormValue("reason"), Columns: Sheet.Columns}
	render := func(err error) error {
		d.Sources, _ = h.Service.Sources(r.Context())
		if err != nil {
			return h.Web.RenderForm(w, r, "patent/import.html", "nav.patent_import", d, err, listCrumb, importCrumb)
		}
		if d.Report != nil && len(d.Report.Errors) > 0 {
			w.WriteHeader(http.StatusUnprocessableEntity)
		}
		return h.Web.Render(w, r, "patent/import.html", "nav.patent_import", d, listCrumb, importCrumb)
	}
	mapping, err := h.Service.Mapping(r.Context(), d.Source)
	if err != nil {
		return err
	}
	if strings.TrimSpace(d.Mapping) != "" {
		if mapping, err = ParseMapping(d.Mapping); err != nil {
			return render(err)
		}
	} else {
		d.Mapping = mappingText(mapping)
	}
	var data []byte
	confirm := r.FormValue("token") != ""
	if confirm {
		path, err := pendingPath(u, r.FormValue("token"))
		if err != nil {
			return render(err)
		}
		if data, err = os.ReadFile(path); err != nil {
			return render(i18n.FieldError("file", "patent.import.expired"))
		}
		d.FileName = r.FormValue("file_name")
		defer os.Remove(path)
	} else {
		f, hdr, err := r.FormFile("file")
		if err != nil {
			return render(i18n.FieldError("file", "patent.import.no_file"))
		}
		defer f.Close()
		if data, err = io.ReadAll(io.LimitReader(f, MaxImportBytes+1)); err != nil {
			return render(i18n.FieldError("file", "patent.import.no_file"))
		}
		d.FileName = hdr.Filename
	}
	rows, err := ReadRows(bytes.NewReader(data), d.FileName, SheetFor(mapping))
	if err != nil {
		return render(err)
	}
	tree, err := h.Regions.Tree(r.Context())
	if err != nil {
		return err
	}
	reason := d.Reason
	if reason == "" {
		reason = "批量导入：" + d.FileName
	}
	rep, err := h.Service.Import(r.Context(), u, tree, rows, ImportOptions{DryRun: !confirm, Source: d.Source, Reason: reason})
	if err != nil {
		return render(err)
	}
	h.translate(r, rep)
	d.Report = rep
	if !confirm && len(rep.Errors) == 0 {
		if d.Token, err = keep(u, data); err != nil {
			return err
		}
	}
	if confirm && rep.Written && d.Source != "" {
		if err := h.Service.SaveSource(r.Context(), u, d.Source, mapping); err != nil {
			return err
		}
	}
	return render(nil)
}

// keep stores a previewed upload for its confirmation.
func keep(u *auth.User, data []byte) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := hex.EncodeToString(b)
	if err := os.MkdirAll(pending(), 0o700); err != nil {
		return "", i18n.Wrap(err, "patent import: pending dir")
	}
	// Previews never confirmed are dropped after a day.
	if old, err := os.ReadDir(pending()); err == nil {
		for _, f := range old {
			if info, err := f.Info(); err == nil && time.Since(info.ModTime()) > 24*time.Hour {
				os.Remove(filepath.Join(pending(), f.Name()))
			}
		}
	}
	path, _ := pendingPath(u, token)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", i18n.Wrap(err, "patent import: keep upload")
	}
	return token, nil
}

func attachment(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="kejiju.xlsx"; filename*=UTF-8''`+url.PathEscape(name))
}

func (h *Handlers) template(w http.ResponseWriter, r *http.Request) error {
	attachment(w, "专利清单导入模板.xlsx")
	return xlsx.WriteTemplate(w, Sheet)
}

// --- Statistics ---

type statsPage struct {
	S         *Stats
	Townships []region.Region
	Names     map[string]string
	Types     []string
	Kinds     []PeriodKind
	Years     []int
	Manage    bool
	Chart     template.HTML
	Export    string // the export of the same figures
	// Links lead from a figure to its records: "a:" or "g:" and the type.
	Links map[string]string
}

// periodOf reads the period selector; the default is this year up to this
// month (1–N月).
func periodOf(q url.Values) (Period, string) {
	today := calendar.Today(calendar.Shanghai)
	p := Period{Year: today.Year, Kind: ToMonth, N: int(today.Month)}
	if y, err := strconv.Atoi(q.Get("year")); err == nil {
		p.Year = y
	}
	if k := PeriodKind(q.Get("kind")); k != "" {
		p.Kind = k
		p.N = 1
	}
	if n, err := strconv.Atoi(q.Get("n")); err == nil {
		p.N = n
	}
	return p, strings.TrimSpace(q.Get("region"))
}

func (h *Handlers) statsData(r *http.Request) (*statsPage, error) {
	u := web.UserFrom(r.Context())
	p, reg := periodOf(r.URL.Query())
	st, err := h.Service.Statistics(r.Context(), u, StatsQuery{Period: p, RegionCode: reg})
	if err != nil {
		return nil, err
	}
	towns, names, err := h.townships(r, u)
	if err != nil {
		return nil, err
	}
	for i := range st.ByTownship {
		st.ByTownship[i].Name = names[st.ByTownship[i].Key]
		if st.ByTownship[i].Name == "" {
			st.ByTownship[i].Name = st.ByTownship[i].Key
		}
	}
	d := &statsPage{S: st, Links: map[string]string{}, Townships: towns, Names: names, Types: Types, Kinds: []PeriodKind{ToMonth, Month, Quarter, Half, Year},
		Manage: CanManage(u), Chart: seriesChart(st), Export: exportLink(st)}
	for _, f := range st.ByType {
		d.Links["a:"+f.Type] = recordsLink(st, f.Type, false)
		d.Links["g:"+f.Type] = recordsLink(st, f.Type, true)
	}
	this := calendar.Today(calendar.Shanghai).Year
	for y := this; y >= this-9; y-- {
		d.Years = append(d.Years, y)
	}
	return d, nil
}

func (h *Handlers) stats(w http.ResponseWriter, r *http.Request) error {
	d, err := h.statsData(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "patent/stats.html", "nav.patent_stats", d, statsCrumb)
}

// seriesChart draws the year's applications, this year beside last year,
// as an SVG, straight from the figures.
func seriesChart(st *Stats) template.HTML {
	unit := map[PeriodKind]string{Month: "月", Quarter: "季度", Half: "半年"}
	var periods []string
	now, last := chart.Series{Name: strconv.Itoa(st.Period.Year) + "年"}, chart.Series{Name: strconv.Itoa(st.Period.Year-1) + "年", Dashed: true}
	for _, pt := range st.Series {
		label := strconv.Itoa(pt.N) + unit[Month]
		if len(st.Series) == 4 {
			label = "第" + strconv.Itoa(pt.N) + unit[Quarter]
		} else if len(st.Series) == 2 {
			label = []string{"上", "下"}[pt.N-1] + unit[Half]
		}
		periods = append(periods, label)
		now.Values = append(now.Values, float64(pt.Now.TotalApplications()))
		last.Values = append(last.Values, float64(pt.LastYear.TotalApplications()))
	}
	return template.HTML(chart.Trend{Title: "专利申请量", Unit: "件", Periods: periods, Series: []chart.Series{now, last}}.SVG())
}

// statsExport writes the period's figures as a workbook: the totals, the
// same period last year, then each township, enterprise and industry.
func (h *Handlers) statsExport(w http.ResponseWriter, r *http.Request) error {
	d, err := h.statsData(r)
	if err != nil {
		return err
	}
	st := d.S
	sheet := xlsx.Sheet{Name: "专利统计", Columns: []xlsx.Column{{Key: "group", Header: "分组"}, {Key: "name", Header: "名称"},
		{Key: "ia", Header: "发明申请"}, {Key: "ig", Header: "发明授权"}, {Key: "ua", Header: "实用新型申请"}, {Key: "ug", Header: "实用新型授权"},
		{Key: "da", Header: "外观设计申请"}, {Key: "dg", Header: "外观设计授权"}, {Key: "ta", Header: "申请合计"}, {Key: "tg", Header: "授权合计"}}}
	attachment(w, "专利统计"+st.Period.Label()+".xlsx")
	xw, err := xlsx.NewWriter(w, sheet)
	if err != nil {
		return err
	}
	row := func(group, name string, c Counts) error {
		return xw.Write([]any{group, name, c.Applications[Invention], c.Grants[Invention], c.Applications[Utility], c.Grants[Utility],
			c.Applications[Design], c.Grants[Design], c.TotalApplications(), c.TotalGrants()})
	}
	now, then := newCounts(), newCounts()
	for _, f := range st.ByType {
		if f.Type == "total" {
			continue
		}
		now.Applications[f.Type], now.Grants[f.Type] = f.Applications.Now, f.Grants.Now
		then.Applications[f.Type], then.Grants[f.Type] = f.Applications.Then, f.Grants.Then
	}
	err = row("合计", st.Period.Label(), now)
	if err == nil {
		err = row("上年同期", st.Period.LastYear().Label(), then)
	}
	for _, l := range st.ByTownship {
		if err == nil {
			err = row("乡镇", l.Name, l.Counts)
		}
	}
	for _, l := range st.ByEnterprise {
		name := l.Name
		if l.Key == "0" {
			name = "未关联企业"
		}
		if err == nil {
			err = row("企业", name, l.Counts)
		}
	}
	for _, l := range st.ByIndustry {
		if err == nil {
			err = row("行业", l.Name, l.Counts)
		}
	}
	if err == nil {
		err = xw.Write([]any{"有效发明专利", st.Period.Label() + "末", st.ValidInventions})
	}
	if err == nil && st.Population > 0 {
		err = xw.Write([]any{"万人发明专利拥有量", fmt.Sprintf("%d年人口 %d", st.PopulationYear, st.Population), st.PerTenThousand})
	}
	if err != nil {
		xw.Abort()
		return err
	}
	return xw.Close()
}

func (h *Handlers) setPopulation(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	year, _ := strconv.Atoi(f.Get("year"))
	pop, err := strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(f.Get("population")), ",", ""), 10, 64)
	if err != nil {
		return i18n.FieldError("population", "error.whole_number")
	}
	if err := h.Service.SetPopulation(r.Context(), web.UserFrom(r.Context()), f.Get("region_code"), year, pop, f.Get("source")); err != nil {
		return err
	}
	return h.Web.Redirect(w, r, "/patents/stats?"+url.Values{"year": {f.Get("year")}, "kind": {"year"}}.Encode(), "patent.population.saved")
}

// --- Agencies ---

type agencyPage struct {
	Items  []Agency
	Manage bool
}

func (h *Handlers) agencies(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	items, err := h.Service.Agencies(r.Context(), u)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "patent/agencies.html", "nav.patent_agencies", agencyPage{Items: items, Manage: CanManage(u)}, agenciesCrumb)
}

func (h *Handlers) createAgency(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	f := r.PostForm
	_, err := h.Service.CreateAgency(r.Context(), u, AgencyInput{Code: f.Get("code"), Name: f.Get("name"), Contact: f.Get("contact"),
		Phone: f.Get("phone"), Address: f.Get("address")})
	if err != nil {
		if !web.Shown(err) {
			return err
		}
		items, lerr := h.Service.Agencies(r.Context(), u)
		if lerr != nil {
			return lerr
		}
		return h.Web.RenderForm(w, r, "patent/agencies.html", "nav.patent_agencies", agencyPage{Items: items, Manage: CanManage(u)}, err, agenciesCrumb)
	}
	return h.Web.Redirect(w, r, "/patents/agencies", "patent.agency.saved")
}

// --- Pledge loans ---

type loanList struct {
	Items    []*Loan
	Status   string
	Statuses []string
	Manage   bool
}

func (h *Handlers) loans(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	st := r.URL.Query().Get("status")
	items, err := h.Service.Loans(r.Context(), u, st, 500)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "patent/loans.html", "nav.patent_loans", loanList{Items: items, Status: st, Statuses: LoanStatuses, Manage: CanManage(u)}, loansCrumb)
}

type loanForm struct {
	Enterprises []Applicant
}

func (h *Handlers) loanFormData(r *http.Request) (*loanForm, error) {
	ents, err := h.Service.Enterprises.InScope(r.Context(), web.UserFrom(r.Context()))
	return &loanForm{Enterprises: ents}, err
}

func (h *Handlers) newLoan(w http.ResponseWriter, r *http.Request) error {
	d, err := h.loanFormData(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "patent/loan_form.html", "patent.loan.new", d, loansCrumb, web.Crumb{Key: "patent.loan.new"})
}

func (h *Handlers) createLoan(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	var p i18n.Problems
	in := LoanInput{Pledgor: f.Get("pledgor"), Bank: f.Get("bank"), Amount: f.Get("amount"), AssessedValue: f.Get("assessed_value"),
		Assessor: f.Get("assessor"), RegistrationNo: f.Get("registration_no"), StartDate: web.FormDate(f.Get("start_date"), "start_date", &p),
		AppNos: web.Lines(f.Get("app_nos"))}
	in.EnterpriseID, _ = strconv.ParseInt(f.Get("enterprise_id"), 10, 64)
	in.TermMonths, _ = strconv.Atoi(strings.TrimSpace(f.Get("term_months")))
	var l *Loan
	var err error
	if len(p) == 0 {
		l, err = h.Service.CreateLoan(r.Context(), web.UserFrom(r.Context()), in, f.Get("reason"))
	}
	if err = p.With(err); err != nil {
		d, derr := h.loanFormData(r)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "patent/loan_form.html", "patent.loan.new", d, err, loansCrumb, web.Crumb{Key: "patent.loan.new"})
	}
	return h.Web.Redirect(w, r, "/patents/loans/"+idOf(l.ID), "patent.loan.saved")
}

type loanPage struct {
	L      *Loan
	Manage bool
	Next   []string
}

func (h *Handlers) loanData(r *http.Request) (*loanPage, error) {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return nil, err
	}
	u := web.UserFrom(r.Context())
	l, err := h.Service.Loan(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	d := &loanPage{L: l, Manage: CanManage(u)}
	for _, st := range LoanStatuses {
		if CanMoveLoan(l.Status, st) {
			d.Next = append(d.Next, st)
		}
	}
	return d, nil
}

func (h *Handlers) showLoan(w http.ResponseWriter, r *http.Request) error {
	d, err := h.loanData(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "patent/loan.html", "patent.loan.title", d, loansCrumb, web.Crumb{Key: "patent.loan.title"})
}

func (h *Handlers) moveLoan(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	if _, err := h.Service.MoveLoan(r.Context(), web.UserFrom(r.Context()), id, f.Get("status"), f.Get("registration_no"), f.Get("reason")); err != nil {
		if !web.Shown(err) {
			return err
		}
		d, derr := h.loanData(r)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "patent/loan.html", "patent.loan.title", d, err, loansCrumb, web.Crumb{Key: "patent.loan.title"})
	}
	return h.Web.Redirect(w, r, "/patents/loans/"+idOf(id), "patent.loan.moved")
}
