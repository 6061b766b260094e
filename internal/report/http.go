package report

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Templates returns the report pages' templates.
func Templates() web.Templates {
	sub, _ := fs.Sub(templateFS, "templates")
	return web.Templates{Prefix: "report", FS: sub}
}

// Handlers serve the dashboard and each figure's provenance.
type Handlers struct {
	Web     *web.Server
	DB      *db.DB
	Catalog *Catalog
	Bureau  string // the bureau's name, for the documents
	Goals   Goals  // the year's targets, for the plan; nil: no plan
	Drafts  *Drafts
}

// Routes lists the report pages and API; reading takes PermDashboard.
func (h *Handlers) Routes(rs *web.Routes) {
	rs.Page("GET /dashboard", auth.PermDashboard, h.dashboard)
	rs.Page("GET /dashboard/figures/{name}", auth.PermDashboard, h.figure)
	rs.Page("GET /reports/summary", auth.PermDashboard, h.summary)
	rs.Page("GET /reports/summary.docx", auth.PermDashboard, h.summaryDocx)
	rs.Page("GET /reports/summary.pdf", auth.PermDashboard, h.summaryPDF)
	rs.Page("POST /reports/summary/texts", auth.PermReportEdit, h.saveTexts)
	rs.Page("POST /reports/summary/lock", auth.PermReportEdit, h.lock)
	rs.Page("POST /reports/summary/unlock", auth.PermReportEdit, h.unlock)
	rs.API("GET /api/v1/figures", auth.PermDashboard, "The bureau's figures for a period (?from=&to=, default this year to date) beside the same period last year", h.apiFigures)
	rs.API("GET /api/v1/figures/{name}", auth.PermDashboard, "The records one figure counts in a period (?from=&to=), and its query", h.apiFigure)
}

// Nav lists the dashboard entry of the main navigation.
func Nav() []web.NavItem {
	return []web.NavItem{
		{Group: "nav.group.reports", Key: "nav.dashboard", Href: "/dashboard", Perm: auth.PermDashboard},
		{Group: "nav.group.reports", Key: "nav.summary", Href: "/reports/summary", Perm: auth.PermDashboard},
	}
}

// periodOf reads ?from=&to= (or ?year=&half=1), defaulting to this year to
// date; a bad period is a field error.
func periodOf(q url.Values) (Period, error) {
	today := calendar.Today(calendar.Shanghai)
	if y, err := strconv.Atoi(q.Get("year")); err == nil {
		if q.Get("half") == "1" {
			return FirstHalf(y), nil
		}
		return Period{From: calendar.Date{Year: y, Month: 1, Day: 1}, To: calendar.Date{Year: y, Month: 12, Day: 31}}, nil
	}
	p := YearToDate(today)
	var probs i18n.Problems
	if v := q.Get("from"); v != "" {
		p.From = web.FormDate(v, "from", &probs)
	}
	if v := q.Get("to"); v != "" {
		p.To = web.FormDate(v, "to", &probs)
	}
	if err := probs.Err(); err != nil {
		return p, err
	}
	if !p.Valid() {
		return p, i18n.FieldError("to", "report.bad_period")
	}
	return p, nil
}

func (p Period) query() string {
	return url.Values{"from": {p.From.String()}, "to": {p.To.String()}}.Encode()
}

type dashboardPage struct {
	Period  Period
	Figures []Figure
	Charts  []template.HTML
}

// Link is the page of the records behind the figure named name.
func (d dashboardPage) Link(name string) string {
	return "/dashboard/figures/" + url.PathEscape(name) + "?" + d.Period.query()
}

func (h *Handlers) dashboard(w http.ResponseWriter, r *http.Request) error {
	p, err := periodOf(r.URL.Query())
	if err != nil {
		return err
	}
	scope := web.UserFrom(r.Context()).Scope()
	figs, err := h.Catalog.Figures(r.Context(), h.DB, scope, p)
	if err != nil {
		return err
	}
	charts, err := h.Catalog.Charts(r.Context(), h.DB, scope, p, figs, h.Web.Printer(r))
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "report/dashboard.html", "nav.dashboard", dashboardPage{Period: p, Figures: figs, Charts: charts}, web.Crumb{Key: "nav.dashboard"})
}

type figurePage struct {
	Period  Period
	Measure *Measure
	Figure  Figure
	Records []Record
	Page    web.Page
}

// figureData is a figure and its records: a page of them when paged (the
// HTML page), all of them otherwise (the API).
func (h *Handlers) figureData(r *http.Request, paged bool) (*figurePage, error) {
	m, err := h.Catalog.Get(r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	p, err := periodOf(r.URL.Query())
	if err != nil {
		return nil, err
	}
	scope := web.UserFrom(r.Context()).Scope()
	n, sum, err := m.Figure(r.Context(), h.DB, scope, p)
	if err != nil {
		return nil, err
	}
	d := &figurePage{Period: p, Measure: m, Figure: Figure{Name: m.Name, Unit: m.Unit, Value: m.value(n, sum), Count: n}}
	d.Page = web.ListPage(r, recordsPerPage)
	d.Page.Total = n
	if !paged {
		d.Page.Limit, d.Page.Offset = 0, 0
	}
	d.Records, err = m.RecordsPage(r.Context(), h.DB, scope, p, d.Page.Limit, d.Page.Offset)
	return d, err
}

// recordsPerPage is how many of a figure's records its page lists at once.
const recordsPerPage = 200

func (h *Handlers) figure(w http.ResponseWriter, r *http.Request) error {
	d, err := h.figureData(r, true)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "report/figure.html", "report.measure."+d.Measure.Name, d,
		web.Crumb{Key: "nav.dashboard", Href: "/dashboard?" + d.Period.query()}, web.Crumb{Key: "report.measure." + d.Measure.Name})
}

func (h *Handlers) apiFigures(w http.ResponseWriter, r *http.Request) error {
	p, err := periodOf(r.URL.Query())
	if err != nil {
		return err
	}
	figs, err := h.Catalog.Figures(r.Context(), h.DB, web.UserFrom(r.Context()).Scope(), p)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"period": p, "items": figs})
}

func (h *Handlers) apiFigure(w http.ResponseWriter, r *http.Request) error {
	d, err := h.figureData(r, false)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"period": d.Period, "figure": d.Figure, "query": d.Measure.SQL, "records": nonNil(d.Records)})
}

func nonNil(rs []Record) []Record {
	if rs == nil {
		return []Record{}
	}
	return rs
}

type summaryPage struct {
	Draft
	Period Period
	Saved  *Saved
	Edit   bool
}

// Link is the page of the records behind the figure named name.
func (d summaryPage) Link(name string) string { return dashboardPage{Period: d.Period}.Link(name) }

func yearOf(r *http.Request) int {
	if y, err := strconv.Atoi(r.FormValue("year")); err == nil && y > 2000 && y < 2100 {
		return y
	}
	return calendar.Today(calendar.Shanghai).Year
}

// summaryData drafts the half-year summary of ?year= (default this year)
// from the records with the district's wording over it — or, once the
// draft is locked, the draft as it was locked.
func (h *Handlers) summaryData(r *http.Request) (*summaryPage, error) {
	year := yearOf(r)
	u := web.UserFrom(r.Context())
	d := &summaryPage{Period: FirstHalf(year), Edit: MayEdit(u), Saved: &Saved{Year: year}}
	var err error
	if h.Drafts != nil {
		if d.Saved, err = h.Drafts.Get(r.Context(), h.DB, u, year); err != nil {
			return nil, err
		}
	}
	if d.Saved.Locked {
		d.Draft = *d.Saved.Snapshot
		return d, nil
	}
	d.Draft, err = h.generate(r, u, year)
	d.Saved.Apply(&d.Draft)
	return d, err
}

// generate writes the draft afresh from the records.
func (h *Handlers) generate(r *http.Request, u *auth.User, year int) (Draft, error) {
	dr := Draft{Bureau: h.Bureau, Year: year, On: time.Now().In(calendar.Shanghai)}
	var err error
	if dr.Paragraphs, err = h.Catalog.Summary(r.Context(), h.DB, u.Scope(), FirstHalf(year), h.Web.Printer(r)); err != nil {
		return dr, err
	}
	if h.Goals != nil {
		dr.Goals, err = h.Goals(r.Context(), u, year)
	}
	return dr, err
}

// onDraft runs act and shows the summary again, with act's refusal beside
// the form.
func (h *Handlers) onDraft(w http.ResponseWriter, r *http.Request, flash string, act func(year int, version int64) error) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	year := yearOf(r)
	version, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	if err := act(year, version); err != nil {
		if !web.Shown(err) {
			return err
		}
		d, derr := h.summaryData(r)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "report/summary.html", "nav.summary", d, err, web.Crumb{Key: "nav.summary"})
	}
	return h.Web.Redirect(w, r, "/reports/summary?year="+strconv.Itoa(year), flash)
}

func (h *Handlers) saveTexts(w http.ResponseWriter, r *http.Request) error {
	return h.onDraft(w, r, "report.draft.saved", func(year int, version int64) error {
		texts := map[string]string{}
		for _, p := range Parts {
			texts[p.Heading] = r.PostForm.Get("text_" + p.Heading)
		}
		return h.Drafts.SaveTexts(r.Context(), web.UserFrom(r.Context()), year, version, texts)
	})
}

func (h *Handlers) lock(w http.ResponseWriter, r *http.Request) error {
	return h.onDraft(w, r, "report.draft.locked_flash", func(year int, version int64) error {
		u := web.UserFrom(r.Context())
		saved, err := h.Drafts.Get(r.Context(), h.DB, u, year)
		if err != nil {
			return err
		}
		dr, err := h.generate(r, u, year)
		if err != nil {
			return err
		}
		saved.Apply(&dr)
		return h.Drafts.Lock(r.Context(), u, version, dr)
	})
}

func (h *Handlers) unlock(w http.ResponseWriter, r *http.Request) error {
	return h.onDraft(w, r, "report.draft.unlocked", func(year int, version int64) error {
		return h.Drafts.Unlock(r.Context(), web.UserFrom(r.Context()), year, version, r.PostForm.Get("reason"))
	})
}

// summary shows the draft, every figure linked to what it counts.
func (h *Handlers) summary(w http.ResponseWriter, r *http.Request) error {
	d, err := h.summaryData(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "report/summary.html", "nav.summary", d, web.Crumb{Key: "nav.summary"})
}

// summaryDocx writes the draft as a 公文 DOCX.
func (h *Handlers) summaryDocx(w http.ResponseWriter, r *http.Request) error {
	d, err := h.summaryData(r)
	if err != nil {
		return err
	}
	pr := h.Web.Printer(r)
	doc := Document(d.Draft, pr)
	b, err := doc.Bytes()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(pr.T("report.doc.part", d.Year)+".docx"))
	_, err = w.Write(b)
	return err
}

// summaryPDF prints the draft to PDF (headless Chromium on the server).
func (h *Handlers) summaryPDF(w http.ResponseWriter, r *http.Request) error {
	d, err := h.summaryData(r)
	if err != nil {
		return err
	}
	pr := h.Web.Printer(r)
	b, err := PDF(r.Context(), d.Draft, pr)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(pr.T("report.doc.part", d.Year)+".pdf"))
	_, err = w.Write(b)
	return err
}
