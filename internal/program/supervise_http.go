package program

import (
	"net/http"
	"slices"
	"strconv"

	"kejiju/internal/auth"
	"kejiju/internal/i18n"
	"kejiju/internal/web"
)

var supervisionCrumb = web.Crumb{Key: "nav.supervision", Href: "/supervision"}

// supervisionList is the data of the supervision page.
type supervisionList struct {
	Items    []*SupervisedProject
	Types    []string // all call types, for the filter
	Selected []string // the types shown
	SoonDays int
}

// Shows reports whether the list shows call type t.
func (d *supervisionList) Shows(t string) bool { return slices.Contains(d.Selected, t) }

// supervision lists the projects under supervision: ?type= (repeatable)
// filters by call type, by default the provincial major projects and the
// district plan projects.
func (h *Handlers) supervision(w http.ResponseWriter, r *http.Request) error {
	var types []string
	for _, t := range r.URL.Query()["type"] {
		if slices.Contains(Types, t) && !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	if len(types) == 0 {
		types = SupervisionTypes
	}
	items, err := h.Service.Supervision(r.Context(), web.UserFrom(r.Context()), SupervisionFilter{Types: types})
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "program/supervision.html", "nav.supervision",
		&supervisionList{Items: items, Types: Types, Selected: types, SoonDays: EndingSoonDays}, supervisionCrumb)
}

// supervisionSection is the supervision part of an application's page.
type supervisionSection struct {
	W *Warnings
	// Record: the user may record milestones (staff, the owner);
	// Inspect: the user may record inspections and close rectifications.
	Record  bool
	Inspect bool
}

// supervisionOfPage fills the page's supervision section for a signed
// project; nil before the contract is signed.
func (h *Handlers) supervisionOfPage(r *http.Request, u *auth.User, a *Application) (*supervisionSection, error) {
	if !Supervised(a.State) && a.SignedOn.IsZero() {
		return nil, nil
	}
	w, err := h.Service.Supervise(r.Context(), u, a.ID)
	if err != nil {
		return nil, err
	}
	on := Supervised(a.State)
	return &supervisionSection{W: w, Record: on && u.MayWrite() == nil && (CanManage(u) || owner(u, a)), Inspect: on && CanManage(u)}, nil
}

// supervisionFailed re-renders the application page with err when it is
// the user's to correct (invalid input, a conflict); other errors go up.
func (h *Handlers) supervisionFailed(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	if c := i18n.ErrorCode(err); c != i18n.Invalid && c != i18n.Conflict {
		return err
	}
	d, derr := h.appPage(r, id)
	if derr != nil {
		return derr
	}
	return h.Web.RenderForm(w, r, "program/application.html", "nav.applications", d, err, appsCrumb, web.Crumb{Key: "nav.applications"})
}

// recordMilestone records milestone {index} as done: done_on, note.
func (h *Handlers) recordMilestone(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	// The index is the milestone's position in the contract, from 0.
	index, err := strconv.Atoi(r.PathValue("index"))
	if err != nil || index < 0 {
		return notFound
	}
	var p i18n.Problems
	in := MilestoneInput{DoneOn: web.FormDate(r.PostForm.Get("done_on"), "done_on", &p), Note: r.PostForm.Get("note")}
	if len(p) == 0 {
		_, err = h.Service.RecordMilestone(r.Context(), web.UserFrom(r.Context()), id, index, in)
	}
	if err = p.With(err); err != nil {
		return h.supervisionFailed(w, r, id, err)
	}
	return h.Web.Redirect(w, r, "/applications/"+idOf(id)+"#supervision", "program.milestone.saved")
}

// recordInspection records an inspection: inspected_on, inspectors,
// findings, rectification (a checkbox), rectification_due.
func (h *Handlers) recordInspection(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	var p i18n.Problems
	in := InspectionInput{InspectedOn: web.FormDate(f.Get("inspected_on"), "inspected_on", &p), Inspectors: f.Get("inspectors"),
		Findings: f.Get("findings"), RectificationRequired: f.Get("rectification") != "",
		RectificationDue: web.FormDate(f.Get("rectification_due"), "rectification_due", &p)}
	if len(p) == 0 {
		_, err = h.Service.RecordInspection(r.Context(), web.UserFrom(r.Context()), id, in)
	}
	if err = p.With(err); err != nil {
		return h.supervisionFailed(w, r, id, err)
	}
	return h.Web.Redirect(w, r, "/applications/"+idOf(id)+"#supervision", "program.inspection.saved")
}

// closeRectification closes inspection {inspection}'s rectification on
// closed_on.
func (h *Handlers) closeRectification(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	iid, err := web.IntParam(r, "inspection")
	if err != nil {
		return err
	}
	var p i18n.Problems
	on := web.FormDate(r.PostForm.Get("closed_on"), "closed_on", &p)
	if len(p) == 0 {
		_, err = h.Service.CloseRectification(r.Context(), web.UserFrom(r.Context()), id, iid, on)
	}
	if err = p.With(err); err != nil {
		return h.supervisionFailed(w, r, id, err)
	}
	return h.Web.Redirect(w, r, "/applications/"+idOf(id)+"#supervision", "program.inspection.closed")
}
