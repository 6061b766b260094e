package poverty

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"kejiju/internal/calendar"
	"kejiju/internal/web"
)

var commissionersCrumb = web.Crumb{Key: "nav.poverty_commissioners", Href: "/poverty/commissioners"}

type commissionerList struct {
	Items  []*Commissioner
	Levels []string
	Manage bool
}

func (h *Handlers) commissionerListData(r *http.Request) (commissionerList, error) {
	u := web.UserFrom(r.Context())
	items, err := h.Service.Commissioners(r.Context(), u)
	return commissionerList{Items: items, Levels: Levels, Manage: CanManage(u)}, err
}

func (h *Handlers) commissioners(w http.ResponseWriter, r *http.Request) error {
	d, err := h.commissionerListData(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "poverty/commissioners.html", "nav.poverty_commissioners", d, commissionersCrumb)
}

func (h *Handlers) createCommissioner(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	c, err := h.Service.CreateCommissioner(r.Context(), web.UserFrom(r.Context()), CommissionerInput{Name: f.Get("name"), Level: f.Get("level"),
		Expertise: f.Get("expertise"), Employer: f.Get("employer")})
	if err != nil {
		if !web.Shown(err) {
			return err
		}
		d, derr := h.commissionerListData(r)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "poverty/commissioners.html", "nav.poverty_commissioners", d, err, commissionersCrumb)
	}
	return h.Web.Redirect(w, r, "/poverty/commissioners/"+idOf(c.ID), "poverty.commissioner.saved")
}

type commissionerPage struct {
	R         *CommissionerRecord
	Summaries []YearSummary
	Villages  []Place
	Ratings   []string
	Manage    bool
	Year      int
}

func (h *Handlers) commissionerData(r *http.Request, id int64) (commissionerPage, error) {
	u := web.UserFrom(r.Context())
	rec, err := h.Service.CommissionerRecord(r.Context(), u, id)
	if err != nil {
		return commissionerPage{}, err
	}
	d := commissionerPage{R: rec, Ratings: Ratings, Manage: CanManage(u), Year: time.Now().In(calendar.Shanghai).Year()}
	for _, y := range rec.Years() {
		d.Summaries = append(d.Summaries, rec.Summary(y))
	}
	d.Villages, err = h.Service.Places(r.Context(), u, 5)
	return d, err
}

func (h *Handlers) showCommissioner(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	d, err := h.commissionerData(r, id)
	if err != nil {
		return err
	}
	v := url.Values{"year": {strconv.Itoa(d.Year)}, "served_on": {calendar.FromTime(time.Now(), calendar.Shanghai).String()}}
	return h.Web.ShowForm(w, r, commissionerForm, d, v)
}

// onCommissioner runs an action on the commissioner of the path and
// returns to its page, with the errors on it when the input was refused.
func (h *Handlers) onCommissioner(w http.ResponseWriter, r *http.Request, flash string, act func(id int64) error) error {
	return web.Act(h.Web, w, r, commissionerForm, "/poverty/commissioners/", flash, h.commissionerData, act)
}

var commissionerForm = web.Form{Page: "poverty/commissioner.html", Title: "nav.poverty_commissioners",
	Crumbs: []web.Crumb{commissionersCrumb, {Key: "poverty.commissioner.title"}}}

func (h *Handlers) appoint(w http.ResponseWriter, r *http.Request) error {
	return h.onCommissioner(w, r, "poverty.commissioner.appointed", func(id int64) error {
		return h.Service.Appoint(r.Context(), web.UserFrom(r.Context()), id, web.Int(r.PostForm.Get("year")))
	})
}

func (h *Handlers) rate(w http.ResponseWriter, r *http.Request) error {
	return h.onCommissioner(w, r, "poverty.commissioner.rated", func(id int64) error {
		return h.Service.Rate(r.Context(), web.UserFrom(r.Context()), id, web.Int(r.PathValue("year")), r.PostForm.Get("rating"))
	})
}

func (h *Handlers) assign(w http.ResponseWriter, r *http.Request) error {
	return h.onCommissioner(w, r, "poverty.commissioner.assigned", func(id int64) error {
		f := r.PostForm
		hid, _ := strconv.ParseInt(f.Get("household_id"), 10, 64)
		_, err := h.Service.Assign(r.Context(), web.UserFrom(r.Context()), id, AssignmentInput{Year: web.Int(f.Get("year")), Kind: f.Get("kind"),
			VillageCode: f.Get("village_code"), HouseholdID: hid, EnterpriseName: f.Get("enterprise_name"), AgreementNo: f.Get("agreement_no")})
		return err
	})
}

func (h *Handlers) logService(w http.ResponseWriter, r *http.Request) error {
	return h.onCommissioner(w, r, "poverty.commissioner.logged", func(id int64) error {
		f := r.PostForm
		aid, _ := strconv.ParseInt(f.Get("assignment_id"), 10, 64)
		_, err := h.Service.LogService(r.Context(), web.UserFrom(r.Context()), id, ServiceInput{AssignmentID: aid, ServedOn: f.Get("served_on"),
			Kind: f.Get("kind"), Topic: f.Get("topic"), Trainees: web.Int(f.Get("trainees")), Notes: f.Get("notes")})
		return err
	})
}

// --- API ---

func (h *Handlers) apiCommissioners(w http.ResponseWriter, r *http.Request) error {
	items, err := h.Service.Commissioners(r.Context(), web.UserFrom(r.Context()))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, map[string]any{"items": items})
}

func (h *Handlers) apiCreateCommissioner(w http.ResponseWriter, r *http.Request) error {
	var in CommissionerInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.Service.CreateCommissioner(r.Context(), web.UserFrom(r.Context()), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, c)
}

func (h *Handlers) apiCommissionerSummary(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	year := web.Int(r.URL.Query().Get("year"))
	if year == 0 {
		year = time.Now().In(calendar.Shanghai).Year()
	}
	sum, err := h.Service.CommissionerSummary(r.Context(), web.UserFrom(r.Context()), id, year)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, sum)
}

func (h *Handlers) apiLogService(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in ServiceInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	l, err := h.Service.LogService(r.Context(), web.UserFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusCreated, l)
}
