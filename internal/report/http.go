package report

import (
	"embed"
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
}

// Routes lists the report pages and API; reading takes PermDashboard.
func (h *Handlers) Routes(rs *web.Routes) {
	rs.Page("GET /dashboard", auth.PermDashboard, h.dashboard)
	rs.Page("GET /dashboard/figures/{name}", auth.PermDashboard, h.figure)
	rs.Page("GET /reports/summary", auth.PermDashboard, h.summary)
	rs.Page("GET /reports/summary.docx", auth.PermDashboard, h.summaryDocx)
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
	figs, err := h.Catalog.Figures(r.Context(), h.DB, web.UserFrom(r.Context()).Scope(), p)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "report/dashboard.html", "nav.dashboard", dashboardPage{Period: p, Figures: figs}, web.Crumb{Key: "nav.dashboard"})
}

type figurePage struct {
	Period  Period
	Measure *Measure
	Figure  Figure
	Records []Record
}

func (h *Handlers) figureData(r *http.Request) (*figurePage, error) {
	m, err := h.Catalog.Get(r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	p, err := periodOf(r.URL.Query())
	if err != nil {
		return nil, err
	}
	rs, err := m.Records(r.Context(), h.DB, web.UserFrom(r.Context()).Scope(), p)
	if err != nil {
		return nil, err
	}
	return &figurePage{Period: p, Measure: m, Records: rs, Figure: Figure{Name: m.Name, Unit: m.Unit, Value: m.Value(rs), Count: len(rs)}}, nil
}

func (h *Handlers) figure(w http.ResponseWriter, r *http.Request) error {
	d, err := h.figureData(r)
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
	d, err := h.figureData(r)
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
	Period     Period
	Year       int
	Paragraphs []Paragraph
}

// Link is the page of the records behind the figure named name.
func (d summaryPage) Link(name string) string { return dashboardPage{Period: d.Period}.Link(name) }

// summaryData drafts the half-year summary of ?year= (default this year)
// from the records.
func (h *Handlers) summaryData(r *http.Request) (*summaryPage, error) {
	year := calendar.Today(calendar.Shanghai).Year
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y > 2000 && y < 2100 {
		year = y
	}
	p := FirstHalf(year)
	paras, err := h.Catalog.Summary(r.Context(), h.DB, web.UserFrom(r.Context()).Scope(), p, h.Web.Printer(r))
	return &summaryPage{Period: p, Year: year, Paragraphs: paras}, err
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
	doc := Document(h.Bureau, d.Year, d.Paragraphs, pr, time.Now().In(calendar.Shanghai))
	b, err := doc.Bytes()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(pr.T("report.doc.part", d.Year)+".docx"))
	_, err = w.Write(b)
	return err
}
