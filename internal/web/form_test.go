package web

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"kejiju/internal/auth"
	"kejiju/internal/i18n"
)

// formServer serves one test page that shows its data, the value of the
// field "name" and that field's error.
func formServer(t *testing.T) *Server {
	t.Helper()
	page := `{{define "title"}}t{{end}}{{define "content"}}data=[{{.Data}}] name=[{{.Val "name"}}] err=[{{.Err "name"}}]{{end}}`
	rd, err := NewRenderer(Templates{Prefix: "t", FS: fstest.MapFS{"form.html": {Data: []byte(page)}}})
	if err != nil {
		t.Fatal(err)
	}
	return &Server{catalog: i18n.Default(), render: rd}
}

var testForm = Form{Page: "t/form.html", Title: "nav.home", Crumbs: []Crumb{{Key: "nav.home"}}}

func post(form url.Values) *http.Request {
	r := httptest.NewRequest("POST", "/things/7", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.SetPathValue("id", "7")
	return r
}

type thing struct{ ID int64 }

func getThing(r *http.Request) (*thing, error) {
	id, err := PathID(r)
	return &thing{ID: id}, err
}

func thingPage(_ *http.Request, t *thing) (string, error) {
	if t == nil {
		return "new", nil
	}
	return "thing " + string(rune('0'+t.ID)), nil
}

func TestSubmit(t *testing.T) {
	s := formServer(t)
	t.Run("refused input shows the form again", func(t *testing.T) {
		w := httptest.NewRecorder()
		err := Submit(s, w, post(url.Values{"name": {"x y"}}), testForm, "flash.key", getThing, thingPage, func(th *thing) (string, error) {
			if th == nil || th.ID != 7 {
				t.Errorf("save got %+v, want the record of the path", th)
			}
			return "", i18n.Problems{i18n.FieldError("name", "error.required")}
		})
		body := w.Body.String()
		if err != nil || w.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, error %v", w.Code, err)
		}
		want := "err=[" + i18n.Default().Printer(i18n.Chinese).T("error.required") + "]"
		if !strings.Contains(body, "data=[thing 7]") || !strings.Contains(body, "name=[x y]") || !strings.Contains(body, want) {
			t.Errorf("page %s", body)
		}
	})
	t.Run("a save redirects with the flash", func(t *testing.T) {
		w := httptest.NewRecorder()
		err := Submit(s, w, post(url.Values{"name": {"x"}}), testForm, "flash.key", nil, thingPage, func(th *thing) (string, error) {
			if th != nil {
				t.Errorf("a new record's save got %+v", th)
			}
			return "/things/8", nil
		})
		if err != nil || w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/things/8" {
			t.Fatalf("status %d to %q, error %v", w.Code, w.Header().Get("Location"), err)
		}
		if c := w.Result().Cookies(); len(c) != 1 || c[0].Name != flashCookie || c[0].Value == "" {
			t.Errorf("cookies %v, want the flash", c)
		}
	})
	t.Run("a record that cannot be read is the error page", func(t *testing.T) {
		w := httptest.NewRecorder()
		r := post(nil)
		r.SetPathValue("id", "x")
		err := Submit(s, w, r, testForm, "flash.key", getThing, thingPage, func(*thing) (string, error) {
			t.Error("save called without a record")
			return "", nil
		})
		if i18n.ErrorCode(err) != i18n.NotFound || w.Body.Len() != 0 {
			t.Errorf("error %v, body %q", err, w.Body.String())
		}
	})
	t.Run("the page's error wins over the save's", func(t *testing.T) {
		denied := i18n.E(i18n.Forbidden, "error.forbidden")
		err := Submit(s, httptest.NewRecorder(), post(nil), testForm, "", nil, func(*http.Request, *thing) (string, error) { return "", denied },
			func(*thing) (string, error) { return "", i18n.E(i18n.Invalid, "error.invalid_form") })
		if err != denied {
			t.Errorf("error %v, want the page's", err)
		}
	})
}

func TestEdit(t *testing.T) {
	s := formServer(t)
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/things/7/edit", nil)
	r.SetPathValue("id", "7")
	err := Edit(s, w, r, testForm, getThing, thingPage, func(th *thing) url.Values { return url.Values{"name": {"no. " + string(rune('0'+th.ID))}} })
	if body := w.Body.String(); err != nil || w.Code != http.StatusOK || !strings.Contains(body, "data=[thing 7]") || !strings.Contains(body, "name=[no. 7]") {
		t.Errorf("status %d, error %v, page %s", w.Code, err, body)
	}
}

func TestAct(t *testing.T) {
	s := formServer(t)
	page := func(_ *http.Request, id int64) (string, error) { return "page of " + string(rune('0'+id)), nil }
	for _, c := range []struct {
		name   string
		err    error
		status int    // 0: the error comes back
		to     string // where a done action goes
	}{
		{"done", nil, http.StatusSeeOther, "/things/7"},
		{"refused input", i18n.FieldError("name", "error.required"), http.StatusUnprocessableEntity, ""},
		{"a conflict", i18n.E(i18n.Conflict, "error.conflict"), http.StatusConflict, ""},
		{"not allowed", i18n.E(i18n.Forbidden, "error.forbidden"), 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			var acted int64
			err := Act(s, w, post(url.Values{"name": {"y"}}), testForm, "/things/", "flash.key", page, func(id int64) error { acted = id; return c.err })
			if acted != 7 {
				t.Errorf("acted on %d, want 7", acted)
			}
			if c.status == 0 {
				if err != c.err || w.Body.Len() != 0 {
					t.Errorf("error %v, body %q; want the error back", err, w.Body.String())
				}
				return
			}
			if err != nil || w.Code != c.status || w.Header().Get("Location") != c.to {
				t.Errorf("status %d to %q, error %v", w.Code, w.Header().Get("Location"), err)
			}
			if c.status != http.StatusSeeOther && !strings.Contains(w.Body.String(), "data=[page of 7]") {
				t.Errorf("page %s", w.Body.String())
			}
		})
	}
}

func TestListAndCreateJSON(t *testing.T) {
	u := &auth.User{ID: 3}
	ctx := context.WithValue(context.Background(), userKey, u)
	w := httptest.NewRecorder()
	err := ListJSON(w, httptest.NewRequest("GET", "/api/v1/things", nil).WithContext(ctx), "filter",
		func(_ context.Context, got *auth.User, f string) ([]thing, int, error) {
			if got != u || f != "filter" {
				t.Errorf("list got %v, %q", got, f)
			}
			return nil, 0, nil
		})
	if body := strings.TrimSpace(w.Body.String()); err != nil || body != `{"items":[],"total":0}` {
		t.Errorf("empty list: %s (%v)", body, err)
	}

	w = httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/api/v1/things", strings.NewReader(`{"ID": 9}`)).WithContext(ctx)
	err = CreateJSON(w, r, func(_ context.Context, got *auth.User, in thing) (*thing, error) {
		if got != u {
			t.Errorf("create got user %v", got)
		}
		return &thing{ID: in.ID + 1}, nil
	})
	if body := strings.TrimSpace(w.Body.String()); err != nil || w.Code != http.StatusCreated || body != `{"ID":10}` {
		t.Errorf("create: %d %s (%v)", w.Code, body, err)
	}

	refused := errors.New("refused")
	err = CreateJSON(httptest.NewRecorder(), httptest.NewRequest("POST", "/", strings.NewReader(`{}`)).WithContext(ctx),
		func(context.Context, *auth.User, thing) (*thing, error) { return nil, refused })
	if err != refused {
		t.Errorf("a refused create: %v", err)
	}
}

func TestRecord(t *testing.T) {
	u := &auth.User{ID: 3}
	get := func(_ context.Context, got *auth.User, id int64) (*thing, error) {
		if got != u {
			t.Errorf("get got user %v", got)
		}
		return &thing{ID: id}, nil
	}
	r := httptest.NewRequest("GET", "/things/7", nil).WithContext(context.WithValue(context.Background(), userKey, u))
	r.SetPathValue("id", "7")
	if th, err := Record(r, get); err != nil || th.ID != 7 {
		t.Errorf("record %+v, %v", th, err)
	}
	r.SetPathValue("id", "-1")
	if th, err := Record(r, get); i18n.ErrorCode(err) != i18n.NotFound || th != nil {
		t.Errorf("a bad id: %+v, %v", th, err)
	}
}

func TestCreateAndUpdate(t *testing.T) {
	s := formServer(t)
	read := func(r *http.Request) (string, i18n.Problems) {
		if v := r.PostForm.Get("name"); v != "" {
			return v, nil
		}
		return "", i18n.Problems{i18n.FieldError("name", "error.required")}
	}
	path := func(th *thing) string { return "/things/" + string(rune('0'+th.ID)) }
	var made []string
	create := func(_ context.Context, _ *auth.User, in string) (*thing, error) {
		made = append(made, in)
		return &thing{ID: 8}, nil
	}
	save := func(th *thing, in string) error { made = append(made, in+" over "+path(th)); return nil }

	for _, c := range []struct {
		name, input string
		status      int
		to          string
	}{
		{"a new record", "x", http.StatusSeeOther, "/things/8"},
		{"a new record with problems", "", http.StatusUnprocessableEntity, ""},
		{"an edit", "y", http.StatusSeeOther, "/things/7"},
		{"an edit with problems", "", http.StatusUnprocessableEntity, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			var err error
			if strings.HasPrefix(c.name, "a new") {
				err = Create(s, w, post(url.Values{"name": {c.input}}), testForm, "flash.key", thingPage, read, create, path)
			} else {
				err = Update(s, w, post(url.Values{"name": {c.input}}), testForm, "flash.key", getThing, thingPage, read, save, path)
			}
			if err != nil || w.Code != c.status || w.Header().Get("Location") != c.to {
				t.Errorf("status %d to %q, error %v", w.Code, w.Header().Get("Location"), err)
			}
		})
	}
	if want := "x|y over /things/7"; strings.Join(made, "|") != want {
		t.Errorf("made %q, want %q (nothing made from input with problems)", strings.Join(made, "|"), want)
	}
}
