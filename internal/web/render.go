package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/money"
)

//go:embed templates
var shellFS embed.FS

func shellTemplates() fs.FS {
	sub, _ := fs.Sub(shellFS, "templates")
	return sub
}

// Templates are an area's page templates: every *.html file at the root of
// FS is a page, named Prefix/file (or just file for the shell). Pages define
// "title" and "content" and may use the shell's partials.
type Templates struct {
	Prefix string
	FS     fs.FS
}

// Renderer holds every page, parsed once at start-up with the layout.
type Renderer struct {
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	"join": strings.Join,
	"add":  func(a, b int) int { return a + b },
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	"list": func(v ...string) []string { return v },
	"seq": func(n int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = i + 1
		}
		return s
	},
}

// NewRenderer parses the layout and partials of the shell, then each page of
// each Templates on a clone of them. A page that fails to parse, or two
// pages with one name, stop the start-up.
func NewRenderer(sets ...Templates) (*Renderer, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(shellFS, "templates/layout/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: layout: %w", err)
	}
	r := &Renderer{pages: map[string]*template.Template{}}
	for _, set := range sets {
		files, err := fs.Glob(set.FS, "*.html")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			name := path.Join(set.Prefix, f)
			if _, dup := r.pages[name]; dup {
				return nil, fmt.Errorf("web: page %s defined twice", name)
			}
			t, err := template.Must(base.Clone()).ParseFS(set.FS, f)
			if err != nil {
				return nil, fmt.Errorf("web: page %s: %w", name, err)
			}
			r.pages[name] = t
		}
	}
	return r, nil
}

// page renders a page into w through a buffer, so a template error never
// leaves half a page.
func (rd *Renderer) page(w io.Writer, v *View, name string) error {
	t, ok := rd.pages[name]
	if !ok {
		return fmt.Errorf("web: no page %s", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	if rw, ok := w.(http.ResponseWriter); ok {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		rw.Header().Set("Cache-Control", "no-store")
	}
	_, err := buf.WriteTo(w)
	return err
}

// Crumb is one step of the breadcrumbs.
type Crumb struct {
	Key  string // i18n key
	Href string
}

// View is what every template gets: the page's data plus the request's
// language, user, navigation, flash message and form state. Templates
// translate with {{.T "key"}} and format with {{.Date t}}, {{.Yuan f}}.
type View struct {
	p          *i18n.Printer
	Lang       string
	User       *auth.User
	BureauName string
	Title      string // i18n key
	Crumbs     []Crumb
	Nav        []NavGroup
	Path       string
	Query      url.Values
	Flash      string
	Data       any
	Problems   i18n.Problems
	FormError  string
	Form       url.Values
	Version    string
}

// NavGroup is a heading of the navigation with its entries.
type NavGroup struct {
	Key   string
	Items []NavItem
}

// T translates key.
func (v *View) T(key string, args ...any) string { return v.p.T(key, args...) }

// Tr translates key with arguments kept as strings (a line of a
// calculation stored with its formatted amounts).
func (v *View) Tr(key string, args []string) string {
	a := make([]any, len(args))
	for i, s := range args {
		a[i] = s
	}
	return v.p.T(key, a...)
}

// Label translates prefix+code when the catalog has it, and otherwise shows
// the code itself (e.g. an audit action no label was written for).
func (v *View) Label(prefix, code string) string {
	if s := v.p.T(prefix + code); s != prefix+code {
		return s
	}
	return code
}

// Err returns the translated error of a form field, or "".
func (v *View) Err(field string) string {
	if e := v.Problems.Field(field); e != nil {
		return v.p.T(e.Key, e.Args...)
	}
	return ""
}

// Val returns the submitted value of a form field.
func (v *View) Val(field string) string { return v.Form.Get(field) }

// Vals returns all submitted values of a form field.
func (v *View) Vals(field string) []string { return v.Form[field] }

// Has reports whether the submitted values of field include value.
func (v *View) Has(field, value string) bool {
	for _, s := range v.Form[field] {
		if s == value {
			return true
		}
	}
	return false
}

// Active reports whether href is the current section.
func (v *View) Active(href string) bool {
	return v.Path == href || (href != "/" && strings.HasPrefix(v.Path, href+"/"))
}

var shanghai = time.FixedZone("CST", 8*3600)

// Now is the current instant, for templates that compare with it.
func (v *View) Now() time.Time { return time.Now() }

// Date formats a date as 2026年11月28日 (English: 28 Nov 2026).
func (v *View) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(shanghai)
	if v.Lang == i18n.English {
		return t.Format("2 Jan 2006")
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

// Day formats a calendar date as 2026年11月28日 (English: 28 Nov 2026).
func (v *View) Day(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	if v.Lang == i18n.English {
		return d.English()
	}
	return d.Chinese()
}

// Weekday names a calendar date's day of the week: 星期六 / Sat.
func (v *View) Weekday(d calendar.Date) string {
	if v.Lang == i18n.English {
		return d.Weekday().String()[:3]
	}
	return "星期" + string([]rune("日一二三四五六")[d.Weekday()])
}

// DateTime formats an instant in Beijing time: 2026年11月28日 14:05.
func (v *View) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return v.Date(t) + " " + t.In(shanghai).Format("15:04")
}

// Yuan formats fen as 元 with thousands separators: 240,000.00 元.
func (v *View) Yuan(f money.Fen) string { return f.Yuan() + " " + v.T("unit.yuan") }

// Wan formats fen as 万元: 24.00 万元.
func (v *View) Wan(f money.Fen) string { return f.Wan() + " " + v.T("unit.wan") }

// Page is the paging state of a list.
type Page struct {
	Total, Limit, Offset int
	Sort                 string
}

// Pages returns the page numbers to show.
func (p Page) Pages() int {
	if p.Limit <= 0 {
		return 1
	}
	return max(1, (p.Total+p.Limit-1)/p.Limit)
}

// Window returns the page numbers the pager shows: the first, the last, and
// two either side of the current page, with 0 where pages are left out — so
// a list of 5,000 pages shows a dozen links, not 5,000.
func (p Page) Window() []int {
	n, cur := p.Pages(), p.Current()
	var out []int
	for i := 1; i <= n; i++ {
		if i == 1 || i == n || (i >= cur-2 && i <= cur+2) {
			out = append(out, i)
		} else if len(out) > 0 && out[len(out)-1] != 0 {
			out = append(out, 0)
		}
	}
	return out
}

// Current returns the current page number (from 1).
func (p Page) Current() int {
	if p.Limit <= 0 {
		return 1
	}
	return p.Offset/p.Limit + 1
}

// Link returns the URL of page n of the list at the view's path and query.
func (v *View) PageLink(n int) string {
	q := url.Values{}
	for k, vs := range v.Query {
		q[k] = vs
	}
	q.Set("page", fmt.Sprint(n))
	return v.Path + "?" + q.Encode()
}

// SortLink returns the URL that sorts the list by col, reversing the order
// when it is already sorted by col.
func (v *View) SortLink(col string) string {
	q := url.Values{}
	for k, vs := range v.Query {
		q[k] = vs
	}
	if q.Get("sort") == col {
		col = "-" + col
	}
	q.Set("sort", col)
	q.Del("page")
	return v.Path + "?" + q.Encode()
}

// SortMark returns ▲ or ▼ when the list is sorted by col.
func (v *View) SortMark(col string) string {
	switch v.Query.Get("sort") {
	case col:
		return "▲"
	case "-" + col:
		return "▼"
	}
	return ""
}
