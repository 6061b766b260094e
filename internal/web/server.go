// Package web is the HTTP shell: the server and its middleware (security
// headers, cross-origin protection, sessions and bearer tokens, locale,
// permissions), the route table, the template renderer, form and JSON
// helpers, static assets, and the pages every user sees: login, home, my
// account.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// Config is what the server needs besides its services.
type Config struct {
	BureauName   string // shown in the header and on the login page
	SecureCookie bool   // set the Secure flag (behind TLS)
	Version      string
	// Figures gives the key figures of the home page for a user; the app
	// composes them from the areas. Nil shows none.
	Figures func(ctx context.Context, u *auth.User) ([]Figure, error)
}

// Figure is one key figure of the home page, linked to the records behind it.
type Figure struct {
	Key   string // i18n key of the label
	Value string
	Note  string // already translated, e.g. the same period last year
	Href  string
}

// Server serves the UI and the API.
type Server struct {
	cfg     Config
	auth    *auth.Service
	catalog i18n.Catalog
	render  *Renderer
	routes  *Routes
	nav     []NavItem
	log     *slog.Logger
	mux     *http.ServeMux
	ready   func() bool
	handler http.Handler
}

// NavItem is an entry of the main navigation, shown to users with Perm.
type NavItem struct {
	Group string // i18n key of the group heading
	Key   string // i18n key of the label
	Href  string
	Perm  auth.Permission
}

// New builds the server from the route table the areas filled in, their
// navigation and their templates. ready tells /healthz whether start-up
// (migrations) has finished.
func New(cfg Config, a *auth.Service, routes *Routes, nav []NavItem, tmpls []Templates, log *slog.Logger, ready func() bool) (*Server, error) {
	s := &Server{cfg: cfg, auth: a, catalog: i18n.Default(), routes: routes, nav: nav, log: log, mux: http.NewServeMux(), ready: ready}
	s.addShellRoutes(routes)
	r, err := NewRenderer(append([]Templates{{Prefix: "", FS: shellTemplates()}}, tmpls...)...)
	if err != nil {
		return nil, err
	}
	s.render = r
	for _, rt := range routes.List() {
		s.mux.Handle(rt.Pattern, s.wrap(rt))
	}
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler()))
	s.mux.HandleFunc("GET /api/v1/openapi.json", s.openAPI)
	cop := http.NewCrossOriginProtection()
	app := s.recover(securityHeaders(cop.Handler(s.mux)))
	// The health probe answers load balancers and monitors, not browsers:
	// it skips the browser-facing wrappers.
	s.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" && r.Method == http.MethodGet {
			s.healthz(w, r)
			return
		}
		app.ServeHTTP(w, r)
	})
	return s, nil
}

// Routes returns the route table, for the OpenAPI document and the
// authorization matrix test.
func (s *Server) Routes() []Route { return s.routes.List() }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if !s.ready() {
		http.Error(w, "starting", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok"))
}

// recover is the last-resort handler (T-ERR-01): a panicking handler gets
// a 500 naming only a request id, which the log line (with the panic and
// its stack, one escaped line) carries too; the server goes on serving.
func (s *Server) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				id := requestID()
				s.log.Error("panic", "request_id", id, "method", r.Method, "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
				h := w.Header()
				h.Del("Content-Disposition")
				h.Set("X-Request-Id", id)
				http.Error(w, "服务器内部错误 / Internal Server Error — "+id, http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// requestID returns a random id to name a failed request by.
func requestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// securityHeaders sets the headers every response carries: a strict
// content security policy (own scripts and styles only), no framing, no
// MIME sniffing, no referrer to other sites.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

type ctxKey int

const (
	userKey ctxKey = iota
	routeKey
)

// UserFrom returns the logged-in user of the request, or nil.
func UserFrom(ctx context.Context) *auth.User {
	u, _ := ctx.Value(userKey).(*auth.User)
	return u
}

// ClientIP returns the address of the client.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// wrap turns a route into an http.Handler: it finds the user (session
// cookie, or bearer token on the API), keeps half-logged-in users on the
// TOTP page and users with an expired password on the password page, checks
// the route's permission, puts the actor in the context for the audit log,
// runs the handler and maps its error.
func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), routeKey, rt)
		u, sess := s.identify(r, rt.API)
		if u != nil {
			ctx = context.WithValue(ctx, userKey, u)
			ctx = audit.WithActor(ctx, audit.Actor{ID: u.ID, Name: u.Username, IP: ClientIP(r)})
		} else {
			ctx = audit.WithActor(ctx, audit.Actor{Name: "anonymous", IP: ClientIP(r)})
		}
		r = r.WithContext(ctx)
		w = &trackingWriter{ResponseWriter: w}
		// A backstop for every route; handlers set tighter limits.
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		if !rt.API && u != nil {
			switch p := rt.Path(); {
			case sess.MFAPending && p != "/login/totp" && p != "/logout":
				http.Redirect(w, r, "/login/totp", http.StatusSeeOther)
				return
			case !sess.MFAPending && u.PasswordExpired(s.auth.CurrentPolicy(), s.auth.DB.Now()) && p != "/account/password" && p != "/logout" && rt.Access != Public:
				http.Redirect(w, r, "/account/password", http.StatusSeeOther)
				return
			}
		}
		if !rt.Allows(u) {
			if u == nil {
				s.Error(w, r, i18n.E(i18n.Unauthorized, "error.unauthorized"))
				return
			}
			s.denied(r, u, rt)
			s.Error(w, r, i18n.E(i18n.Forbidden, "error.forbidden"))
			return
		}
		if err := rt.handler(w, r); err != nil {
			if bodyTooLarge(r) {
				err = i18n.E(i18n.TooLarge, "error.too_large")
			}
			s.Error(w, r, err)
		}
	})
}

// MaxBody bounds the body of any request: the largest upload (an import of
// 32 MB) with room for its form.
const MaxBody = 40 << 20

// bodyTooLarge reports whether the handler's http.MaxBytesReader refused
// the body (T-UP-01): whatever the handler made of the cut-off body, the
// client hears 413. The reader keeps its error, so one more read tells.
func bodyTooLarge(r *http.Request) bool {
	if r.Body == nil {
		return false
	}
	var b [1]byte
	_, err := r.Body.Read(b[:])
	_, ok := errors.AsType[*http.MaxBytesError](err)
	return ok
}

// denied audits an authorization denial (ASVS 16.3.2).
func (s *Server) denied(r *http.Request, u *auth.User, rt Route) {
	ctx := r.Context()
	err := s.auth.DB.InTx(ctx, func(tx *db.Tx) error {
		_, err := s.auth.Audit.Append(ctx, tx, audit.Event{Action: "access.denied", ObjectType: "route", ObjectID: rt.Pattern,
			RegionCode: u.RegionCode, After: audit.JSON(map[string]string{"method": r.Method, "path": r.URL.Path})})
		return err
	})
	if err != nil {
		s.log.Error("audit access denial", "err", err)
	}
}

func (s *Server) identify(r *http.Request, api bool) (*auth.User, *auth.Session) {
	if api {
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			u, err := s.auth.AuthenticateToken(r.Context(), strings.TrimSpace(tok))
			if err == nil {
				return u, &auth.Session{}
			}
			return nil, nil
		}
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, nil
	}
	u, sess, err := s.auth.Authenticate(r.Context(), c.Value)
	if err != nil {
		return nil, nil
	}
	if sess.MFAPending && api {
		return nil, nil
	}
	return u, sess
}

// trackingWriter remembers whether the response has begun, so an error
// after the first byte is logged instead of written as a second response.
type trackingWriter struct {
	http.ResponseWriter
	started bool
}

func (t *trackingWriter) WriteHeader(code int) { t.started = true; t.ResponseWriter.WriteHeader(code) }
func (t *trackingWriter) Write(b []byte) (int, error) {
	t.started = true
	return t.ResponseWriter.Write(b)
}
func (t *trackingWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// Error writes err as the response: JSON on the API, a page otherwise. Only
// internal errors are logged, with their cause; users never see a cause. A
// client that went away, or a response already begun, gets nothing more.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	code := i18n.ErrorCode(err)
	status := statusOf(code)
	if r.Context().Err() != nil {
		s.log.Debug("client went away", "method", r.Method, "path", r.URL.Path, "err", err)
		return
	}
	if tw, ok := w.(*trackingWriter); ok && tw.started {
		s.log.Warn("error after the response began", "method", r.Method, "path", r.URL.Path, "err", err)
		return
	}
	if code == i18n.Internal {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	p := s.printer(r)
	rt, _ := r.Context().Value(routeKey).(Route)
	if rt.API || strings.HasPrefix(r.URL.Path, "/api/") {
		s.writeAPIError(w, p, status, code, err)
		return
	}
	if code == i18n.Unauthorized {
		target := "/login"
		if r.Method == http.MethodGet && r.URL.Path != "/" {
			target += "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	w.WriteHeader(status)
	s.render.page(w, s.view(r, "error.title", map[string]any{"Status": status, "Message": p.Error(err)}), "error.html")
}

func statusOf(c i18n.Code) int {
	switch c {
	case i18n.Invalid:
		return http.StatusUnprocessableEntity
	case i18n.NotFound:
		return http.StatusNotFound
	case i18n.Conflict:
		return http.StatusConflict
	case i18n.Forbidden:
		return http.StatusForbidden
	case i18n.Unauthorized:
		return http.StatusUnauthorized
	case i18n.TooMany:
		return http.StatusTooManyRequests
	case i18n.TooLarge:
		return http.StatusRequestEntityTooLarge
	case i18n.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// printer returns the printer for the request's language: the lang cookie
// (set by the switch), else the user's choice, else Chinese. The browser's
// Accept-Language is not consulted: the bureau works in Chinese, and English
// is there for whoever asks for it.
func (s *Server) printer(r *http.Request) *i18n.Printer { return s.Printer(r) }

// Printer returns the printer for the request's language.
func (s *Server) Printer(r *http.Request) *i18n.Printer {
	return s.catalog.Printer(s.lang(r))
}

func (s *Server) lang(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil {
		return i18n.Match(c.Value)
	}
	if u := UserFrom(r.Context()); u != nil && u.Lang != "" {
		return i18n.Match(u.Lang)
	}
	return i18n.Chinese
}

// IntParam returns the path value name as an int64, or a NotFound error.
func IntParam(r *http.Request, name string) (int64, error) {
	v, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || v <= 0 {
		return 0, i18n.E(i18n.NotFound, "error.not_found")
	}
	return v, nil
}
