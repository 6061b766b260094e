package review

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kejiju/internal/auth"
	"kejiju/internal/i18n"
	"kejiju/internal/web"
)

// Accounts finds login accounts, to link an expert record to one by
// username; auth.Service provides it.
type Accounts interface {
	UserByName(ctx context.Context, username string) (*auth.User, error)
	User(ctx context.Context, id int64) (*auth.User, error)
}

// Fact is one labelled line of a Subject.
type Fact struct {
	Label string
	Value string
}

// Subject is what an expert reads of the object under review, once they
// have signed the declaration with no conflict.
type Subject struct {
	Title string
	Facts []Fact
}

// Subjects describes an object under review to u, an expert on its panel;
// the area that owns the object provides it (wired in app), reading the
// object in u's scope (see Assigned), so nothing is shown before the seat
// is accepted.
type Subjects func(ctx context.Context, u *auth.User, objectType string, objectID int64) (*Subject, error)

// Handlers serve the pages and API of the expert registry, the panels and
// the experts' own reviews.
type Handlers struct {
	Web      *web.Server
	Service  *Service
	Accounts Accounts
	Subjects Subjects
	// Objects maps an object type to the page of the object, e.g.
	// "program_application" → "/applications/%d"; for staff links.
	Objects map[string]string
}

var (
	expertsCrumb   = web.Crumb{Key: "nav.experts", Href: "/experts"}
	myReviewsCrumb = web.Crumb{Key: "nav.my_reviews", Href: "/my/reviews"}
)

func idOf(id int64) string { return strconv.FormatInt(id, 10) }

// --- Expert registry ---

type expertList struct {
	Items []*ExpertRecord
	Page  web.Page
	Field string
	Query string
}

func (h *Handlers) experts(w http.ResponseWriter, r *http.Request) error {
	p := web.ListPage(r, 50)
	q := r.URL.Query()
	f := ExpertFilter{Field: strings.TrimSpace(q.Get("field")), Query: strings.TrimSpace(q.Get("q")), Limit: p.Limit, Offset: p.Offset}
	items, total, err := h.Service.Experts(r.Context(), web.UserFrom(r.Context()), f)
	if err != nil {
		return err
	}
	p.Total = total
	return h.Web.Render(w, r, "review/experts.html", "nav.experts", expertList{Items: items, Page: p, Field: f.Field, Query: f.Query}, expertsCrumb)
}

// expertPage is the expert form, and for a stored expert their relations
// and dismissed conflicts.
type expertPage struct {
	E          *ExpertRecord
	Credits    []string
	Kinds      []string
	Relations  []Relation
	Dismissals []Dismissal
}

func expertValues(e *ExpertRecord, username string) url.Values {
	f := url.Values{}
	f.Set("expert_name", e.Name)
	f.Set("expert_title", e.Title)
	f.Set("expert_employer", e.Employer)
	f.Set("region_code", e.RegionCode)
	f.Set("expert_fields", strings.Join(e.Fields, "\n"))
	f.Set("phone", e.Phone)
	f.Set("email", e.Email)
	if e.Available {
		f.Set("available", "1")
	}
	f.Set("expert_credit", e.Credit)
	f.Set("expert_credit_note", e.CreditNote)
	f.Set("expert_max_load", strconv.Itoa(e.MaxLoad))
	f.Set("expert_user", username)
	f.Set("note", e.Note)
	f.Set("version", strconv.Itoa(e.Version))
	return f
}

// splitList reads a list typed one a line, or separated by commas or 、.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' || r == '，' || r == '、' || r == ';' || r == '；' }) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// expertInputOf reads the expert form; the linked account is given by
// username.
func (h *Handlers) expertInputOf(r *http.Request) (ExpertInput, i18n.Problems) {
	f := r.PostForm
	var p i18n.Problems
	in := ExpertInput{Name: f.Get("expert_name"), Title: f.Get("expert_title"), Employer: f.Get("expert_employer"),
		RegionCode: f.Get("region_code"), Fields: splitList(f.Get("expert_fields")), Phone: f.Get("phone"), Email: f.Get("email"),
		Available: f.Get("available") != "", Credit: f.Get("expert_credit"), CreditNote: f.Get("expert_credit_note"), Note: f.Get("note")}
	if s := strings.TrimSpace(f.Get("expert_max_load")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			p.Add("expert_max_load", "error.invalid_value")
		}
		in.MaxLoad = n
	}
	if name := strings.TrimSpace(f.Get("expert_user")); name != "" {
		u, err := h.Accounts.UserByName(r.Context(), name)
		switch {
		case i18n.ErrorCode(err) == i18n.NotFound:
			p.Add("expert_user", "review.expert.user")
		case err != nil:
			p.AddErr("expert_user", err)
		default:
			in.UserID = u.ID
		}
	}
	return in, p
}

func (h *Handlers) newExpert(w http.ResponseWriter, r *http.Request) error {
	v := url.Values{"available": {"1"}, "expert_credit": {CreditGood}, "expert_max_load": {"0"}}
	return h.Web.RenderValues(w, r, "review/expert.html", "review.expert.new", &expertPage{Credits: Credits, Kinds: Kinds}, v,
		expertsCrumb, web.Crumb{Key: "review.expert.new"})
}

func (h *Handlers) createExpert(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	in, p := h.expertInputOf(r)
	var e *ExpertRecord
	var err error
	if len(p) == 0 {
		e, err = h.Service.CreateExpert(r.Context(), web.UserFrom(r.Context()), in)
	}
	if err = p.With(err); err != nil {
		return h.Web.RenderForm(w, r, "review/expert.html", "review.expert.new", &expertPage{Credits: Credits, Kinds: Kinds}, err,
			expertsCrumb, web.Crumb{Key: "review.expert.new"})
	}
	return h.Web.Redirect(w, r, "/experts/"+idOf(e.ID), "review.expert.saved")
}

// expertPage reads an expert with relations and dismissals.
func (h *Handlers) expertPage(r *http.Request) (*expertPage, string, error) {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return nil, "", err
	}
	u := web.UserFrom(r.Context())
	e, err := h.Service.Expert(r.Context(), u, id)
	if err != nil {
		return nil, "", err
	}
	d := &expertPage{E: e, Credits: Credits, Kinds: Kinds}
	if d.Relations, err = h.Service.Relations(r.Context(), u, id); err != nil {
		return nil, "", err
	}
	if d.Dismissals, err = h.Service.DismissalsOf(r.Context(), u, id); err != nil {
		return nil, "", err
	}
	username := ""
	if e.UserID != 0 {
		if acct, err := h.Accounts.User(r.Context(), e.UserID); err == nil {
			username = acct.Username
		}
	}
	return d, username, nil
}

func (h *Handlers) showExpert(w http.ResponseWriter, r *http.Request) error {
	d, username, err := h.expertPage(r)
	if err != nil {
		return err
	}
	return h.Web.RenderValues(w, r, "review/expert.html", "review.expert.edit", d, expertValues(d.E, username),
		expertsCrumb, web.Crumb{Key: "review.expert.edit"})
}

// renderExpert shows the expert page again with a form's error.
func (h *Handlers) renderExpert(w http.ResponseWriter, r *http.Request, err error) error {
	if i18n.ErrorCode(err) != i18n.Invalid && i18n.ErrorCode(err) != i18n.Conflict {
		return err
	}
	d, _, derr := h.expertPage(r)
	if derr != nil {
		return derr
	}
	return h.Web.RenderForm(w, r, "review/expert.html", "review.expert.edit", d, err, expertsCrumb, web.Crumb{Key: "review.expert.edit"})
}

func (h *Handlers) updateExpert(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	in, p := h.expertInputOf(r)
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	if len(p) == 0 {
		_, err = h.Service.UpdateExpert(r.Context(), web.UserFrom(r.Context()), id, version, in, r.PostForm.Get("reason"))
	}
	if err = p.With(err); err != nil {
		return h.renderExpert(w, r, err)
	}
	return h.Web.Redirect(w, r, "/experts/"+idOf(id), "review.expert.saved")
}

func (h *Handlers) addRelation(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	var p i18n.Problems
	rel := Relation{ExpertID: id, Kind: f.Get("relation_kind"), Party: f.Get("relation_party"), Since: web.FormDate(f.Get("relation_since"), "relation_since", &p),
		Until: web.FormDate(f.Get("relation_until"), "relation_until", &p), Note: f.Get("relation_note")}
	if len(p) == 0 {
		_, err = h.Service.AddRelation(r.Context(), web.UserFrom(r.Context()), rel)
	}
	if err = p.With(err); err != nil {
		return h.renderExpert(w, r, err)
	}
	return h.Web.Redirect(w, r, "/experts/"+idOf(id), "review.relation.saved")
}

func (h *Handlers) deleteRelation(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	rel, err := web.IntParam(r, "rel")
	if err != nil {
		return err
	}
	if err := h.Service.DeleteRelation(r.Context(), web.UserFrom(r.Context()), rel, r.PostForm.Get("reason")); err != nil {
		return h.renderExpert(w, r, err)
	}
	return h.Web.Redirect(w, r, "/experts/"+idOf(id), "review.relation.deleted")
}

func (h *Handlers) dismiss(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	d := Dismissal{ExpertID: id, ApplicantKey: strings.TrimSpace(f.Get("applicant_key")), Kind: f.Get("dismiss_kind"),
		Party: f.Get("dismiss_party"), Reason: f.Get("dismiss_reason")}
	if _, err := h.Service.Dismiss(r.Context(), web.UserFrom(r.Context()), d); err != nil {
		return h.renderExpert(w, r, err)
	}
	return h.Web.Redirect(w, r, "/experts/"+idOf(id), "review.dismissal.saved")
}

// --- Panels ---

// panelPage is a panel as staff see it.
type panelPage struct {
	P      *PanelRecord
	Sheets map[int64]ScoreSheet
	Names  map[int64]string // experts of the draw record by id
	Replay string           // "", "ok" or "mismatch"
	Object string           // the link to the object under review
	Rubric string           // the rubric form's default text
}

// Name returns the name of an expert of the draw record.
func (d *panelPage) Name(id int64) string {
	if n, ok := d.Names[id]; ok {
		return n
	}
	return "#" + idOf(id)
}

// Sheet returns an expert's score sheet, or nil.
func (d *panelPage) Sheet(id int64) *ScoreSheet {
	if s, ok := d.Sheets[id]; ok {
		return &s
	}
	return nil
}

// DefaultRubric is the rubric a panel's form suggests before one is set:
// the usual criteria of a district S&T plan project review.
var DefaultRubric = Rubric{Criteria: []Criterion{
	{Key: "innovation", Name: "技术创新性", Max: 30},
	{Key: "feasibility", Name: "技术可行性", Max: 25},
	{Key: "benefit", Name: "经济社会效益", Max: 25},
	{Key: "foundation", Name: "实施基础与团队", Max: 20},
}}

// RubricText writes a rubric one criterion a line: "key 名称 max [weight]".
func RubricText(rb Rubric) string {
	var b strings.Builder
	for _, c := range rb.Criteria {
		fmt.Fprintf(&b, "%s %s %d", c.Key, c.Name, c.Max)
		if c.Weight > 1 {
			fmt.Fprintf(&b, " %d", c.Weight)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// ParseRubric reads what RubricText writes; Rubric.Validate judges the rest.
func ParseRubric(s string) (Rubric, error) {
	var rb Rubric
	for i, line := range strings.Split(s, "\n") {
		fs := strings.Fields(line)
		if len(fs) == 0 {
			continue
		}
		if len(fs) < 3 || len(fs) > 4 {
			return rb, i18n.FieldError("rubric", "review.rubric.line", i+1)
		}
		c := Criterion{Key: fs[0], Name: fs[1]}
		var err error
		if c.Max, err = strconv.Atoi(fs[2]); err != nil {
			return rb, i18n.FieldError("rubric", "review.rubric.line", i+1)
		}
		if len(fs) == 4 {
			if c.Weight, err = strconv.Atoi(fs[3]); err != nil {
				return rb, i18n.FieldError("rubric", "review.rubric.line", i+1)
			}
		}
		rb.Criteria = append(rb.Criteria, c)
	}
	return rb, nil
}

func (h *Handlers) panelPage(r *http.Request) (*panelPage, error) {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return nil, err
	}
	u := web.UserFrom(r.Context())
	p, err := h.Service.Panel(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	d := &panelPage{P: p, Sheets: map[int64]ScoreSheet{}, Names: map[int64]string{}, Rubric: RubricText(p.Rubric)}
	if len(p.Rubric.Criteria) == 0 {
		d.Rubric = RubricText(DefaultRubric)
	}
	sheets, err := h.Service.Scores(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	for _, s := range sheets {
		d.Sheets[s.ExpertID] = s
	}
	for _, m := range p.Roster {
		d.Names[m.ExpertID] = m.Name
	}
	ids := append([]int64{}, p.Pool...)
	for _, x := range p.Excluded {
		ids = append(ids, x.ExpertID)
	}
	for _, eid := range ids {
		if _, ok := d.Names[eid]; ok {
			continue
		}
		if e, err := h.Service.Expert(r.Context(), u, eid); err == nil {
			d.Names[eid] = e.Name
		}
	}
	if f, ok := h.Objects[p.ObjectType]; ok {
		d.Object = fmt.Sprintf(f, p.ObjectID)
	}
	if r.URL.Query().Get("replay") != "" {
		ok, err := h.Service.Replay(r.Context(), u, id)
		if err != nil {
			return nil, err
		}
		d.Replay = "mismatch"
		if ok {
			d.Replay = "ok"
		}
	}
	return d, nil
}

func (h *Handlers) showPanel(w http.ResponseWriter, r *http.Request) error {
	d, err := h.panelPage(r)
	if err != nil {
		return err
	}
	return h.Web.RenderValues(w, r, "review/panel.html", "review.panel.title", d, url.Values{"rubric": {d.Rubric}},
		web.Crumb{Key: "review.panel.title"})
}

func (h *Handlers) renderPanel(w http.ResponseWriter, r *http.Request, err error) error {
	if c := i18n.ErrorCode(err); c != i18n.Invalid && c != i18n.Conflict {
		return err
	}
	d, derr := h.panelPage(r)
	if derr != nil {
		return derr
	}
	return h.Web.RenderForm(w, r, "review/panel.html", "review.panel.title", d, err, web.Crumb{Key: "review.panel.title"})
}

func (h *Handlers) setRubric(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	rb, err := ParseRubric(r.PostForm.Get("rubric"))
	if err == nil {
		err = h.Service.SetRubric(r.Context(), web.UserFrom(r.Context()), id, rb)
	}
	if err != nil {
		return h.renderPanel(w, r, err)
	}
	return h.Web.Redirect(w, r, "/panels/"+idOf(id), "review.rubric.saved")
}

func (h *Handlers) closePanel(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Service.ClosePanel(r.Context(), web.UserFrom(r.Context()), id); err != nil {
		return h.renderPanel(w, r, err)
	}
	return h.Web.Redirect(w, r, "/panels/"+idOf(id), "review.panel.closed_ok")
}

// --- The expert's own reviews ---

type myList struct {
	Expert bool // the account is linked to an expert record
	Items  []Assignment
}

func (h *Handlers) myReviews(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	d := myList{}
	_, err := expertID(r.Context(), h.Service.DB, u)
	switch {
	case i18n.ErrorCode(err) == i18n.NotFound:
	case err != nil:
		return err
	default:
		d.Expert = true
		if d.Items, err = h.Service.Assignments(r.Context(), u); err != nil {
			return err
		}
	}
	return h.Web.Render(w, r, "review/my_reviews.html", "nav.my_reviews", d, myReviewsCrumb)
}

// myPage is one seat of the expert: the panel as they see it.
type myPage struct {
	P       *PanelRecord
	M       *Member
	Sheet   *ScoreSheet
	Subject *Subject
}

// Invited reports whether the expert has still to sign the declaration.
func (d *myPage) Invited() bool { return d.M.Status == StatusInvited && d.M.SignedAt.IsZero() }

// Accepted reports whether the expert holds an accepted, declared seat.
func (d *myPage) Accepted() bool { return d.M.Status == StatusAccepted && d.M.DeclaredNoConflict }

// Score returns the expert's score of a criterion, as form text.
func (d *myPage) Score(key string) string {
	if d.Sheet == nil {
		return ""
	}
	if v, ok := d.Sheet.Scores[key]; ok {
		return strconv.Itoa(v)
	}
	return ""
}

func (h *Handlers) myPage(r *http.Request) (*myPage, error) {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return nil, err
	}
	u := web.UserFrom(r.Context())
	p, m, err := h.Service.expertPanel(r.Context(), h.Service.DB, u, id)
	if err != nil {
		return nil, err
	}
	d := &myPage{P: redact(p, m)}
	d.M = &d.P.Roster[0]
	if d.Sheet, err = h.Service.Sheet(r.Context(), u, id, m.ExpertID); err != nil {
		return nil, err
	}
	if d.Accepted() && h.Subjects != nil {
		if d.Subject, err = h.Subjects(r.Context(), u, p.ObjectType, p.ObjectID); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (h *Handlers) myReview(w http.ResponseWriter, r *http.Request) error {
	d, err := h.myPage(r)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, "review/my_review.html", "review.my.title", d, myReviewsCrumb, web.Crumb{Key: "review.my.title"})
}

func (h *Handlers) renderMine(w http.ResponseWriter, r *http.Request, err error) error {
	if c := i18n.ErrorCode(err); c != i18n.Invalid && c != i18n.Conflict {
		return err
	}
	d, derr := h.myPage(r)
	if derr != nil {
		return derr
	}
	return h.Web.RenderForm(w, r, "review/my_review.html", "review.my.title", d, err, myReviewsCrumb, web.Crumb{Key: "review.my.title"})
}

func (h *Handlers) declare(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	noConflict := r.PostForm.Get("declaration") == "no_conflict"
	if err := h.Service.Declare(r.Context(), web.UserFrom(r.Context()), id, noConflict, r.PostForm.Get("declaration_note")); err != nil {
		return h.renderMine(w, r, err)
	}
	if !noConflict {
		return h.Web.Redirect(w, r, "/my/reviews", "review.declaration.conflict_ok")
	}
	return h.Web.Redirect(w, r, "/my/reviews/"+idOf(id), "review.declaration.signed_ok")
}

func (h *Handlers) score(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	scores := map[string]int{}
	var p i18n.Problems
	for k, v := range r.PostForm {
		key, ok := strings.CutPrefix(k, "score_")
		if !ok || k == "score_comment" {
			continue
		}
		s := strings.TrimSpace(v[0])
		if s == "" {
			continue // the rubric check names what is missing
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			p.Add("scores", "review.score.range_text", key)
			continue
		}
		scores[key] = n
	}
	if len(p) == 0 {
		err = h.Service.SubmitScores(r.Context(), web.UserFrom(r.Context()), id, scores, r.PostForm.Get("score_comment"))
	}
	if err = p.With(err); err != nil {
		return h.renderMine(w, r, err)
	}
	return h.Web.Redirect(w, r, "/my/reviews/"+idOf(id), "review.score.saved")
}

func (h *Handlers) decline(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	if err := h.Service.Decline(r.Context(), web.UserFrom(r.Context()), id, 0, r.PostForm.Get("reason")); err != nil {
		return h.renderMine(w, r, err)
	}
	return h.Web.Redirect(w, r, "/my/reviews", "review.member.declined_ok")
}

// --- API ---

func (h *Handlers) apiMyReviews(w http.ResponseWriter, r *http.Request) error {
	items, err := h.Service.Assignments(r.Context(), web.UserFrom(r.Context()))
	if err != nil {
		return err
	}
	if items == nil {
		items = []Assignment{}
	}
	return web.JSON(w, http.StatusOK, map[string]any{"total": len(items), "items": items})
}

func (h *Handlers) apiScores(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Scores  map[string]int `json:"scores"`
		Comment string         `json:"comment"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	if err := h.Service.SubmitScores(r.Context(), u, id, in.Scores, in.Comment); err != nil {
		return err
	}
	eid, err := expertID(r.Context(), h.Service.DB, u)
	if err != nil {
		return err
	}
	s, err := h.Service.Sheet(r.Context(), u, id, eid)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, s)
}
