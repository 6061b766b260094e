package web

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
)

const (
	sessionCookie = "kejiju_session"
	langCookie    = "kejiju_lang"
	flashCookie   = "kejiju_flash"
)

// view builds the View of a request.
// groupNav keeps the entries the user may open and gathers them under
// their group headings, in the order each group first appears: two areas
// that share a group (enterprises and research visits) share its heading.
func groupNav(items []NavItem, can func(auth.Permission) bool) []NavGroup {
	var out []NavGroup
	at := map[string]int{}
	for _, it := range items {
		if it.Perm != "" && !can(it.Perm) {
			continue
		}
		i, ok := at[it.Group]
		if !ok {
			i = len(out)
			at[it.Group] = i
			out = append(out, NavGroup{Key: it.Group})
		}
		out[i].Items = append(out[i].Items, it)
	}
	return out
}

func (s *Server) view(r *http.Request, title string, data any) *View {
	u := UserFrom(r.Context())
	lang := s.lang(r)
	v := &View{p: s.catalog.Printer(lang), Lang: lang, User: u, BureauName: s.cfg.BureauName, Title: title,
		Path: r.URL.Path, Query: r.URL.Query(), Data: data, Form: url.Values{}, Version: s.cfg.Version}
	if u != nil {
		v.Nav = groupNav(s.nav, u.Can)
	}
	if c, err := r.Cookie(flashCookie); err == nil {
		if b, err := base64.RawURLEncoding.DecodeString(c.Value); err == nil {
			v.Flash = v.T(string(b))
		}
	}
	return v
}

// Render writes page name with data; crumbs go from the home page down.
func (s *Server) Render(w http.ResponseWriter, r *http.Request, name, title string, data any, crumbs ...Crumb) error {
	v := s.view(r, title, data)
	v.Crumbs = crumbs
	s.clearFlash(w, r)
	return s.render.page(w, v, name)
}

// RenderValues renders a form page filled with values (an edit page).
func (s *Server) RenderValues(w http.ResponseWriter, r *http.Request, name, title string, data any, values url.Values, crumbs ...Crumb) error {
	v := s.view(r, title, data)
	v.Crumbs = crumbs
	v.Form = values
	s.clearFlash(w, r)
	return s.render.page(w, v, name)
}

// Shown reports whether err is refused input a page shows next to its form
// (Invalid or Conflict); any other error gets the error page.
func Shown(err error) bool {
	c := i18n.ErrorCode(err)
	return c == i18n.Invalid || c == i18n.Conflict
}

// RenderForm re-renders a form page with the submitted values and the
// errors of err: field errors next to their fields, others at the top. The
// status is 422 for invalid input, else the error's status.
func (s *Server) RenderForm(w http.ResponseWriter, r *http.Request, name, title string, data any, err error, crumbs ...Crumb) error {
	code := i18n.ErrorCode(err)
	if code == i18n.Internal {
		return err
	}
	status := statusOf(code)
	if err != nil && bodyTooLarge(r) {
		// The body was cut off at its limit: say so (413) whatever the
		// handler made of the rest (T-UP-01).
		status = http.StatusRequestEntityTooLarge
		if e, ok := errors.AsType[*i18n.Error](err); !ok || !strings.Contains(e.Key, "too_large") {
			field := ""
			if ok {
				field = e.Field
			}
			err = i18n.FieldError(field, "error.too_large")
		}
	}
	v := s.view(r, title, data)
	v.Crumbs = crumbs
	v.Form = r.PostForm
	if p, ok := errors.AsType[i18n.Problems](err); ok {
		v.Problems = p
	} else if e, ok := errors.AsType[*i18n.Error](err); ok && e.Field != "" {
		v.Problems = i18n.Problems{e}
	}
	v.FormError = v.p.Error(err)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	return s.render.page(w, v, name)
}

// Redirect sends the browser to target after a successful POST, with a
// flash message (an i18n key) for the next page.
func (s *Server) Redirect(w http.ResponseWriter, r *http.Request, target, flashKey string) error {
	if flashKey != "" {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(flashKey)),
			Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookie, MaxAge: 60})
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

func (s *Server) clearFlash(w http.ResponseWriter, r *http.Request) {
	if _, err := r.Cookie(flashCookie); err == nil {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookie})
	}
}

// ListPage reads paging and sorting from the query: ?page=N&sort=col.
func ListPage(r *http.Request, limit int) Page {
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	n = max(n, 1)
	return Page{Limit: limit, Offset: (n - 1) * limit, Sort: r.URL.Query().Get("sort")}
}

// maxForm bounds a form body.
const maxForm = 1 << 20

// ParseForm reads a POST form (bounded in size).
func ParseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return i18n.E(i18n.Invalid, "error.invalid_form")
	}
	return nil
}

// Lines splits a text area into its non-empty lines, trimmed.
func Lines(v string) []string {
	var out []string
	for _, l := range strings.Split(v, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// SafeNext returns next when it is a local path, else fallback: a login
// must never redirect to another site.
func SafeNext(next, fallback string) string {
	if strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.HasPrefix(next, "/\\") {
		return next
	}
	return fallback
}

// JSON writes v as a JSON response with status.
func JSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// DecodeJSON reads a JSON body (bounded, unknown fields refused) into v.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxForm))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return i18n.E(i18n.Invalid, "error.invalid_json")
	}
	if _, err := dec.Token(); err != io.EOF {
		return i18n.E(i18n.Invalid, "error.invalid_json")
	}
	return nil
}

type apiError struct {
	Code    i18n.Code         `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func (s *Server) writeAPIError(w http.ResponseWriter, p *i18n.Printer, status int, code i18n.Code, err error) {
	e := apiError{Code: code, Message: p.Error(err)}
	if pr, ok := errors.AsType[i18n.Problems](err); ok {
		e.Fields = map[string]string{}
		for _, f := range pr {
			e.Fields[f.Field] = p.T(f.Key, f.Args...)
		}
		e.Message = p.T("error.invalid_form")
	} else if fe, ok := errors.AsType[*i18n.Error](err); ok && fe.Field != "" {
		e.Fields = map[string]string{fe.Field: p.T(fe.Key, fe.Args...)}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="kejiju"`)
	}
	JSON(w, status, map[string]apiError{"error": e})
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookie, MaxAge: int((12 * time.Hour).Seconds())})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookie})
}

// FormDate reads a date field (2026-11-28) of a form: empty gives the zero
// date, a bad one a field error in p.
func FormDate(v, field string, p *i18n.Problems) calendar.Date {
	v = strings.TrimSpace(v)
	if v == "" {
		return calendar.Date{}
	}
	d, err := calendar.Parse(v)
	if err != nil {
		p.Add(field, "error.invalid_date")
	}
	return d
}

// Int reads a whole number typed in a form or a query (spaces around it
// allowed); empty or malformed is 0, which the caller's checks refuse where
// 0 is not a value.
func Int(s string) int { n, _ := strconv.Atoi(strings.TrimSpace(s)); return n }
