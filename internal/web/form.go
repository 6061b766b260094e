package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"kejiju/internal/auth"
	"kejiju/internal/i18n"
)

// Form is a page with a form: its template, its title (an i18n key) and its
// breadcrumbs from the home page down.
type Form struct {
	Page   string
	Title  string
	Crumbs []Crumb
}

// ShowForm renders form f with data, its fields filled with values.
func (s *Server) ShowForm(w http.ResponseWriter, r *http.Request, f Form, data any, values url.Values) error {
	return s.RenderValues(w, r, f.Page, f.Title, data, values, f.Crumbs...)
}

// Edit shows the edit form f of the record get reads from the request: page
// builds the form's data for it, values fills the fields from it.
func Edit[T, D any](s *Server, w http.ResponseWriter, r *http.Request, f Form, get func(*http.Request) (T, error),
	page func(*http.Request, T) (D, error), values func(T) url.Values) error {
	rec, err := get(r)
	if err != nil {
		return err
	}
	d, err := page(r, rec)
	if err != nil {
		return err
	}
	return s.ShowForm(w, r, f, d, values(rec))
}

// Submit answers the POST of form f. Once the form is parsed, get reads the
// record the form is about (nil get: a new record, the zero T); an error
// there is the error page. save stores the input and returns the path to go
// to. When it fails, the form is shown again with the submitted values, the
// errors (see RenderForm) and the data page builds; after a save the browser
// goes to the path, with the flash message (an i18n key).
func Submit[T, D any](s *Server, w http.ResponseWriter, r *http.Request, f Form, flash string, get func(*http.Request) (T, error),
	page func(*http.Request, T) (D, error), save func(T) (string, error)) error {
	if err := ParseForm(w, r); err != nil {
		return err
	}
	var rec T
	if get != nil {
		var err error
		if rec, err = get(r); err != nil {
			return err
		}
	}
	next, err := save(rec)
	if err != nil {
		d, derr := page(r, rec)
		if derr != nil {
			return derr
		}
		return s.RenderForm(w, r, f.Page, f.Title, d, err, f.Crumbs...)
	}
	return s.Redirect(w, r, next, flash)
}

// Create is Submit for the form of a new record: read reads the form's
// input, and unless it found problems there, create makes the record as the
// user; the browser then goes to the record's path.
func Create[In, T, D any](s *Server, w http.ResponseWriter, r *http.Request, f Form, flash string, page func(*http.Request, T) (D, error),
	read func(*http.Request) (In, i18n.Problems), create func(context.Context, *auth.User, In) (T, error), path func(T) string) error {
	return Submit(s, w, r, f, flash, nil, page, func(T) (string, error) {
		in, p := read(r)
		if len(p) > 0 {
			return "", p
		}
		rec, err := create(r.Context(), UserFrom(r.Context()), in)
		if err != nil {
			return "", err
		}
		return path(rec), nil
	})
}

// Update is Submit for the edit form of the record get reads: read reads
// the form's input, and unless it found problems there, save stores it over
// the record; the browser then goes to the record's path.
func Update[In, T, D any](s *Server, w http.ResponseWriter, r *http.Request, f Form, flash string, get func(*http.Request) (T, error),
	page func(*http.Request, T) (D, error), read func(*http.Request) (In, i18n.Problems), save func(before T, in In) error, path func(T) string) error {
	return Submit(s, w, r, f, flash, get, page, func(before T) (string, error) {
		in, p := read(r)
		if len(p) > 0 {
			return "", p
		}
		return path(before), save(before, in)
	})
}

// Act answers the POST of an action on the record of the path ({id}) from
// the record's page f: act does it. Input it refused (see Shown) shows the
// page again with the errors and the data page builds; any other error is
// the error page. Done, the browser goes back to the record's page, home
// followed by the id, with the flash message.
func Act[D any](s *Server, w http.ResponseWriter, r *http.Request, f Form, home, flash string,
	page func(*http.Request, int64) (D, error), act func(id int64) error) error {
	if err := ParseForm(w, r); err != nil {
		return err
	}
	id, err := PathID(r)
	if err != nil {
		return err
	}
	if err := act(id); err != nil {
		if !Shown(err) {
			return err
		}
		d, derr := page(r, id)
		if derr != nil {
			return derr
		}
		return s.RenderForm(w, r, f.Page, f.Title, d, err, f.Crumbs...)
	}
	return s.Redirect(w, r, home+strconv.FormatInt(id, 10), flash)
}

// PathID is the id of the record of the path ({id}); a malformed one is
// NotFound.
func PathID(r *http.Request) (int64, error) { return IntParam(r, "id") }

// Record reads the record of the path ({id}) with get, as the user sees it.
func Record[T any](r *http.Request, get func(context.Context, *auth.User, int64) (T, error)) (T, error) {
	id, err := PathID(r)
	if err != nil {
		var none T
		return none, err
	}
	return get(r.Context(), UserFrom(r.Context()), id)
}
