package enterprise

import (
	"net/http"
	"strconv"

	"kejiju/internal/region"
	"kejiju/internal/web"
)

// registerPage is the public registration form.
type registerPage struct {
	Townships []region.Region
	Done      *Registration
}

// allTownships lists the county-level regions and townships an enterprise
// may choose when registering (no user scope applies yet).
func (h *Handlers) allTownships(r *http.Request) ([]region.Region, error) {
	rs, err := h.Regions.All(r.Context())
	if err != nil {
		return nil, err
	}
	var out []region.Region
	for _, x := range rs {
		if x.Level == region.Township {
			out = append(out, x)
		}
	}
	return out, nil
}

func (h *Handlers) registerForm(w http.ResponseWriter, r *http.Request) error {
	towns, err := h.allTownships(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "enterprise/register.html", "register.title", registerPage{Townships: towns})
}

func (h *Handlers) register(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	reg, err := h.Service.Register(r.Context(), RegistrationInput{CreditCode: f.Get("credit_code"), Name: f.Get("name"), RegionCode: f.Get("region_code"),
		ContactName: f.Get("contact_name"), ContactPhone: f.Get("contact_phone"), Username: f.Get("username"), Password: f.Get("password")}, web.ClientIP(r))
	towns, terr := h.allTownships(r)
	if terr != nil {
		return terr
	}
	if err != nil {
		f.Del("password")
		return h.Web.RenderForm(w, r, "enterprise/register.html", "register.title", registerPage{Townships: towns}, err)
	}
	return h.Web.Render(w, r, "enterprise/register.html", "register.title", registerPage{Done: reg})
}

var registrationsCrumb = web.Crumb{Key: "nav.registrations", Href: "/registrations"}

func (h *Handlers) listRegistrations(w http.ResponseWriter, r *http.Request) error {
	status := r.URL.Query().Get("status")
	list, err := h.Service.Registrations(r.Context(), web.UserFrom(r.Context()), status)
	if err != nil {
		return err
	}
	_, names, err := h.townships(r, web.UserFrom(r.Context()))
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "enterprise/registrations.html", "nav.registrations",
		map[string]any{"Items": list, "Status": status, "Names": names}, listCrumb, registrationsCrumb)
}

func (h *Handlers) decide(w http.ResponseWriter, r *http.Request, approve bool) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	if err := h.Service.Decide(r.Context(), web.UserFrom(r.Context()), id, approve, r.PostForm.Get("reason")); err != nil {
		return err
	}
	key := "register.rejected"
	if approve {
		key = "register.approved"
	}
	return h.Web.Redirect(w, r, "/registrations?done="+strconv.FormatInt(id, 10), key)
}

func (h *Handlers) approve(w http.ResponseWriter, r *http.Request) error { return h.decide(w, r, true) }
func (h *Handlers) reject(w http.ResponseWriter, r *http.Request) error  { return h.decide(w, r, false) }
