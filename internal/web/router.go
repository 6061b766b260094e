package web

import (
	"net/http"
	"slices"
	"strings"

	"kejiju/internal/auth"
)

// Access says who may reach a route.
type Access string

// The access levels below a permission.
const (
	Public   Access = "public"   // anyone, logged in or not
	LoggedIn Access = "loggedin" // any logged-in user
)

// Handler is an HTTP handler that returns its error instead of writing it;
// the server maps errors to responses in one place.
type Handler func(w http.ResponseWriter, r *http.Request) error

// Route is one entry of the route table: the pattern, who may use it, and
// for the API its documentation.
type Route struct {
	Pattern string // ServeMux pattern with method, e.g. "GET /admin/users/{id}"
	// Perm is the permission required; when empty, Access decides.
	Perm    auth.Permission
	Access  Access
	API     bool   // a JSON route under /api/v1 (bearer tokens)
	Summary string // one line for the OpenAPI document
	handler Handler
}

// Method returns the route's HTTP method.
func (rt Route) Method() string { m, _, _ := strings.Cut(rt.Pattern, " "); return m }

// Path returns the route's path pattern.
func (rt Route) Path() string { _, p, _ := strings.Cut(rt.Pattern, " "); return p }

// Allows reports whether u may use the route (nil u: not logged in).
func (rt Route) Allows(u *auth.User) bool {
	switch {
	case rt.Perm != "":
		return u.Can(rt.Perm)
	case rt.Access == Public:
		return true
	}
	return u != nil
}

// Routes collects the route table; each area adds its routes from its own
// routes.go.
type Routes struct {
	list []Route
}

// Page adds an HTML route that needs perm (or Access when perm is one of
// the Access values).
func (rs *Routes) Page(pattern string, perm any, h Handler) {
	rs.add(Route{Pattern: pattern, handler: h}, perm)
}

// API adds a JSON route under /api/v1 with a one-line summary.
func (rs *Routes) API(pattern string, perm any, summary string, h Handler) {
	rs.add(Route{Pattern: pattern, API: true, Summary: summary, handler: h}, perm)
}

func (rs *Routes) add(rt Route, perm any) {
	switch p := perm.(type) {
	case auth.Permission:
		rt.Perm = p
	case Access:
		rt.Access = p
	default:
		panic("web: route " + rt.Pattern + ": access must be an auth.Permission or a web.Access")
	}
	if slices.ContainsFunc(rs.list, func(o Route) bool { return o.Pattern == rt.Pattern }) {
		panic("web: route " + rt.Pattern + " registered twice")
	}
	rs.list = append(rs.list, rt)
}

// List returns the route table, for the OpenAPI document and the
// authorization matrix test.
func (rs *Routes) List() []Route { return slices.Clone(rs.list) }
