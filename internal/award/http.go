package award

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/web"
)

// Handlers serve the pages and API of award rounds and nominations.
type Handlers struct {
	Web     *web.Server
	Service *Service
}

var (
	roundsCrumb = web.Crumb{Key: "nav.award_rounds", Href: "/awards/rounds"}
	nomsCrumb   = web.Crumb{Key: "nav.award_nominations", Href: "/awards/nominations"}
)

func idOf(id int64) string { return strconv.FormatInt(id, 10) }

// --- Rounds ---

type roundList struct {
	Items  []*Round
	Page   web.Page
	Manage bool
}

func (h *Handlers) rounds(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	p := web.ListPage(r, 20)
	items, total, err := h.Service.Rounds(r.Context(), u, web.Int(r.URL.Query().Get("year")), p.Limit, p.Offset)
	if err != nil {
		return err
	}
	p.Total = total
	return h.Web.Render(w, r, "award/rounds.html", "nav.award_rounds", roundList{Items: items, Page: p, Manage: CanManage(u)}, roundsCrumb)
}

// roundInputOf reads the round form; levels are lines of "名称 名额", the
// highest first.
func roundInputOf(f url.Values) (RoundInput, i18n.Problems) {
	var p i18n.Problems
	in := RoundInput{Title: f.Get("title"), Year: web.Int(f.Get("year")), Opens: web.FormDate(f.Get("opens"), "opens", &p),
		Closes: web.FormDate(f.Get("closes"), "closes", &p), ObjectionDays: web.Int(f.Get("objection_days")), PanelSize: web.Int(f.Get("panel_size"))}
	for i, l := range web.Lines(f.Get("levels")) {
		fs := strings.Fields(l)
		q := -1
		if len(fs) == 2 {
			if n, err := strconv.Atoi(fs[1]); err == nil {
				q = n
			}
		}
		if q < 0 {
			p.Add("levels", "award.round.bad_level_line", i+1)
			continue
		}
		in.Levels = append(in.Levels, Level{Rank: i + 1, Name: fs[0], Quota: q})
	}
	return in, p
}

func (h *Handlers) newRound(w http.ResponseWriter, r *http.Request) error {
	y := time.Now().In(calendar.Shanghai).Year()
	levels := make([]string, len(DefaultLevelNames))
	for i, n := range DefaultLevelNames {
		levels[i] = n + " "
	}
	v := url.Values{"year": {strconv.Itoa(y)}, "objection_days": {strconv.Itoa(DefaultObjectionDays)}, "panel_size": {"9"},
		"levels": {strings.Join(levels, "\n")}}
	return h.Web.RenderValues(w, r, "award/round_form.html", "award.round.new", nil, v, roundsCrumb, web.Crumb{Key: "award.round.new"})
}

func (h *Handlers) createRound(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	in, p := roundInputOf(r.PostForm)
	var rd *Round
	var err error
	if len(p) == 0 {
		rd, err = h.Service.CreateRound(r.Context(), web.UserFrom(r.Context()), in)
	}
	if err = p.With(err); err != nil {
		return h.Web.RenderForm(w, r, "award/round_form.html", "award.round.new", nil, err, roundsCrumb, web.Crumb{Key: "award.round.new"})
	}
	return h.Web.Redirect(w, r, "/awards/rounds/"+idOf(rd.ID), "award.round.saved")
}

type roundPage struct {
	R        *Round
	Noms     []*Nomination
	Manage   bool
	Nominate bool
}

func (h *Handlers) showRound(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	rd, err := h.Service.Round(r.Context(), u, id)
	if err != nil {
		return err
	}
	d := roundPage{R: rd, Manage: CanManage(u), Nominate: CanNominate(u)}
	if d.Noms, _, err = h.Service.Nominations(r.Context(), u, Filter{RoundID: id, Limit: 1000}); err != nil {
		return err
	}
	return h.Web.Render(w, r, "award/round.html", "nav.award_rounds", d, roundsCrumb, web.Crumb{Key: "nav.award_rounds"})
}

// sessionPage is a round's committee session: attendance and, per
// nomination in panel review, the ballots.
type sessionPage struct {
	R       *Round
	S       *Session
	Rows    []Member // PanelSize rows, filled from the session
	Noms    []*Nomination
	Quorate bool
}

func (h *Handlers) sessionData(r *http.Request, id int64) (sessionPage, error) {
	u := web.UserFrom(r.Context())
	rd, err := h.Service.Round(r.Context(), u, id)
	if err != nil {
		return sessionPage{}, err
	}
	ss, err := h.Service.Session(r.Context(), u, id)
	if err != nil {
		return sessionPage{}, err
	}
	d := sessionPage{R: rd, S: ss, Rows: make([]Member, rd.PanelSize)}
	if ss != nil {
		copy(d.Rows, ss.Members)
		d.Quorate = Quorate(ss.Present(), len(ss.Members))
	}
	d.Noms, _, err = h.Service.Nominations(r.Context(), u, Filter{RoundID: id, State: "panel_review", Limit: 1000})
	if err != nil {
		return d, err
	}
	for i, n := range d.Noms {
		if d.Noms[i], err = h.Service.Nomination(r.Context(), u, n.ID); err != nil {
			return d, err
		}
	}
	return d, nil
}

func sessionValues(d sessionPage) url.Values {
	v := url.Values{}
	if d.S != nil {
		v.Set("held_on", d.S.HeldOn.String())
	}
	for i, m := range d.Rows {
		k := strconv.Itoa(i)
		v.Set("m_name_"+k, m.Name)
		if m.ExpertID > 0 {
			v.Set("m_expert_"+k, idOf(m.ExpertID))
		}
		if m.Present {
			v.Set("m_present_"+k, "1")
		}
	}
	for _, n := range d.Noms {
		for _, t := range n.Votes {
			k := idOf(n.ID) + "_" + strconv.Itoa(t.Level)
			v.Set("yes_"+k, strconv.Itoa(t.Yes))
			v.Set("no_"+k, strconv.Itoa(t.No))
			v.Set("abstain_"+k, strconv.Itoa(t.Abstain))
		}
	}
	return v
}

func (h *Handlers) showSession(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	d, err := h.sessionData(r, id)
	if err != nil {
		return err
	}
	return h.Web.RenderValues(w, r, "award/session.html", "award.session.title", d, sessionValues(d), roundsCrumb,
		web.Crumb{Key: "nav.award_rounds", Href: "/awards/rounds/" + idOf(id)}, web.Crumb{Key: "award.session.title"})
}

// saveSession reads held_on and the member rows m_name_<i>, m_expert_<i>,
// m_present_<i>.
func (h *Handlers) saveSession(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	var p i18n.Problems
	held := web.FormDate(f.Get("held_on"), "held_on", &p)
	var ms []Member
	for i := 0; i < maxMembers; i++ {
		k := strconv.Itoa(i)
		if _, ok := f["m_name_"+k]; !ok {
			break
		}
		exp, _ := strconv.ParseInt(strings.TrimSpace(f.Get("m_expert_"+k)), 10, 64)
		ms = append(ms, Member{Name: f.Get("m_name_" + k), ExpertID: exp, Present: f.Get("m_present_"+k) != ""})
	}
	if len(p) == 0 {
		_, err = h.Service.SaveSession(r.Context(), web.UserFrom(r.Context()), id, held, ms)
	}
	if err = p.With(err); err != nil {
		if i18n.ErrorCode(err) != i18n.Invalid {
			return err
		}
		d, derr := h.sessionData(r, id)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "award/session.html", "award.session.title", d, err, roundsCrumb, web.Crumb{Key: "award.session.title"})
	}
	return h.Web.Redirect(w, r, "/awards/rounds/"+idOf(id)+"/session", "award.session.saved")
}

// saveVotes reads yes_<id>_<level>, no_…, abstain_… for each level of the
// round; a level left blank is not voted.
func (h *Handlers) saveVotes(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	n, err := h.Service.Nomination(r.Context(), u, id)
	if err != nil {
		return err
	}
	rd, err := h.Service.Round(r.Context(), u, n.RoundID)
	if err != nil {
		return err
	}
	f := r.PostForm
	var p i18n.Problems
	var ts []Tally
	for _, l := range rd.Levels {
		k := idOf(id) + "_" + strconv.Itoa(l.Rank)
		vals := []string{strings.TrimSpace(f.Get("yes_" + k)), strings.TrimSpace(f.Get("no_" + k)), strings.TrimSpace(f.Get("abstain_" + k))}
		if vals[0] == "" && vals[1] == "" && vals[2] == "" {
			continue
		}
		t := Tally{Level: l.Rank}
		for i, ptr := range []*int{&t.Yes, &t.No, &t.Abstain} {
			if vals[i] == "" {
				continue
			}
			v, err := strconv.Atoi(vals[i])
			if err != nil {
				p.Add("votes", "error.whole_number")
			}
			*ptr = v
		}
		ts = append(ts, t)
	}
	if len(p) == 0 {
		_, err = h.Service.RecordVotes(r.Context(), u, id, ts)
	}
	if err = p.With(err); err != nil {
		if c := i18n.ErrorCode(err); c != i18n.Invalid && c != i18n.Conflict {
			return err
		}
		d, derr := h.sessionData(r, n.RoundID)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "award/session.html", "award.session.title", d, err, roundsCrumb, web.Crumb{Key: "award.session.title"})
	}
	return h.Web.Redirect(w, r, "/awards/rounds/"+idOf(n.RoundID)+"/session", "award.vote.saved")
}

func (h *Handlers) proposeAll(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	var p i18n.Problems
	start := web.FormDate(r.PostForm.Get("publicity_start"), "publicity_start", &p)
	if err := p.Err(); err != nil {
		return err
	}
	if _, err := h.Service.ProposeAll(r.Context(), web.UserFrom(r.Context()), id, ActionInput{PublicityStart: start}); err != nil {
		return err
	}
	return h.Web.Redirect(w, r, "/awards/rounds/"+idOf(id)+"/results", "award.proposed")
}

type resultsPage struct {
	R       *Round
	Levels  []LevelResult
	Pending []pendingRow
}

type pendingRow struct {
	N *Nomination
	A Allocation
}

func (h *Handlers) results(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	rd, err := h.Service.Round(r.Context(), u, id)
	if err != nil {
		return err
	}
	levels, alloc, err := h.Service.Results(r.Context(), u, id)
	if err != nil {
		return err
	}
	d := resultsPage{R: rd, Levels: levels}
	for _, a := range alloc {
		n, err := h.Service.Nomination(r.Context(), u, a.ID)
		if err != nil {
			return err
		}
		d.Pending = append(d.Pending, pendingRow{N: n, A: a})
	}
	return h.Web.Render(w, r, "award/results.html", "award.results.title", d, roundsCrumb,
		web.Crumb{Key: "nav.award_rounds", Href: "/awards/rounds/" + idOf(id)}, web.Crumb{Key: "award.results.title"})
}

// --- Nominations ---

type nomList struct {
	Items    []*Nomination
	Page     web.Page
	Nominate bool
}

func (h *Handlers) nominations(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	p := web.ListPage(r, 20)
	q := r.URL.Query()
	rid, _ := strconv.ParseInt(q.Get("round"), 10, 64)
	items, total, err := h.Service.Nominations(r.Context(), u, Filter{RoundID: rid, State: q.Get("state"), Limit: p.Limit, Offset: p.Offset})
	if err != nil {
		return err
	}
	p.Total = total
	return h.Web.Render(w, r, "award/nominations.html", "nav.award_nominations", nomList{Items: items, Page: p, Nominate: CanNominate(u)}, nomsCrumb)
}

// nomForm is the nomination form's data.
type nomForm struct {
	N      *Nomination
	Rounds []*Round
	Staff  bool // names the enterprise
	Round  *Round
}

func (h *Handlers) formData(r *http.Request) (nomForm, error) {
	u := web.UserFrom(r.Context())
	rs, _, err := h.Service.Rounds(r.Context(), u, 0, 100, 0)
	return nomForm{Rounds: rs, Staff: !u.IsEnterprise()}, err
}

// nomInputOf reads the nomination form: units one a line, contributors one
// a line in rank order.
func nomInputOf(f url.Values) NominationInput {
	in := NominationInput{Title: f.Get("title"), Units: web.Lines(f.Get("units")), Summary: f.Get("summary"),
		ProposedLevel: web.Int(f.Get("proposed_level"))}
	in.RoundID, _ = strconv.ParseInt(strings.TrimSpace(f.Get("round_id")), 10, 64)
	in.EnterpriseID, _ = strconv.ParseInt(strings.TrimSpace(f.Get("enterprise_id")), 10, 64)
	for i, name := range web.Lines(f.Get("contributors")) {
		in.Contributors = append(in.Contributors, Contributor{Rank: i + 1, Name: name})
	}
	return in
}

func nomValues(n *Nomination) url.Values {
	v := url.Values{"title": {n.Title}, "units": {strings.Join(n.Units, "\n")}, "summary": {n.Summary},
		"proposed_level": {strconv.Itoa(n.ProposedLevel)}, "round_id": {idOf(n.RoundID)}, "enterprise_id": {idOf(n.EnterpriseID)}}
	var cs []string
	for _, c := range n.Contributors {
		cs = append(cs, c.Name)
	}
	v.Set("contributors", strings.Join(cs, "\n"))
	return v
}

func (h *Handlers) newNomination(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	if err := mayNominate(u); err != nil {
		return err
	}
	d, err := h.formData(r)
	if err != nil {
		return err
	}
	v := url.Values{"round_id": {r.URL.Query().Get("round")}, "proposed_level": {"1"}}
	return h.Web.RenderValues(w, r, "award/nomination_form.html", "award.nomination.new", d, v, nomsCrumb, web.Crumb{Key: "award.nomination.new"})
}

func (h *Handlers) createNomination(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	n, err := h.Service.Nominate(r.Context(), web.UserFrom(r.Context()), nomInputOf(r.PostForm))
	if err != nil {
		if i18n.ErrorCode(err) != i18n.Invalid {
			return err
		}
		d, derr := h.formData(r)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "award/nomination_form.html", "award.nomination.new", d, err, nomsCrumb, web.Crumb{Key: "award.nomination.new"})
	}
	return h.Web.Redirect(w, r, "/awards/nominations/"+idOf(n.ID), "award.nomination.saved")
}

// nomPage is one nomination with its actions.
type nomPage struct {
	N        *Nomination
	R        *Round
	Edit     bool
	Actions  []string
	Returned *Returned
	Key      string
	Fields   []string
}

// Reason returns the return reason for field, if any.
func (d nomPage) Reason(field string) string {
	if d.Returned == nil {
		return ""
	}
	return d.Returned.Fields[field]
}

func (h *Handlers) nomData(r *http.Request, id int64) (nomPage, error) {
	u := web.UserFrom(r.Context())
	n, err := h.Service.Nomination(r.Context(), u, id)
	if err != nil {
		return nomPage{}, err
	}
	rd, err := roundByID(r.Context(), h.Service.DB, n.RoundID)
	if err != nil {
		return nomPage{}, err
	}
	d := nomPage{N: n, R: rd, Edit: Machine.CanEdit(u, owner(u, n), n.State, "content") && CanNominate(u), Key: web.FormKey(), Fields: ReturnFields}
	for _, t := range Actions(u, n) {
		d.Actions = append(d.Actions, t.Action)
	}
	d.Returned, err = h.Service.ReturnReasons(r.Context(), n)
	return d, err
}

func (h *Handlers) showNomination(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	d, err := h.nomData(r, id)
	if err != nil {
		return err
	}
	return h.Web.RenderValues(w, r, "award/nomination.html", "nav.award_nominations", d, nomValues(d.N), nomsCrumb, web.Crumb{Key: "nav.award_nominations"})
}

// saveNomination saves the content, and with submit=1 submits it with the
// form's idempotency key.
func (h *Handlers) saveNomination(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	d, err := h.nomData(r, id)
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	flash := "award.nomination.saved"
	if d.Edit {
		_, err = h.Service.Update(r.Context(), u, id, nomInputOf(r.PostForm))
	}
	if err == nil && r.PostForm.Get("submit") != "" {
		_, err = h.Service.Submit(r.Context(), u, id, r.PostForm.Get("key"))
		flash = "award.nomination.submitted"
	}
	if err != nil {
		if c := i18n.ErrorCode(err); c != i18n.Invalid && c != i18n.Conflict {
			return err
		}
		return h.Web.RenderForm(w, r, "award/nomination.html", "nav.award_nominations", d, err, nomsCrumb, web.Crumb{Key: "nav.award_nominations"})
	}
	return h.Web.Redirect(w, r, "/awards/nominations/"+idOf(id), flash)
}

// actionInputOf reads an action's form: reason, reason_<field>,
// publicity_start, received_on, objection_id.
func actionInputOf(f url.Values) (ActionInput, i18n.Problems) {
	var p i18n.Problems
	in := ActionInput{Reason: f.Get("reason"), PublicityStart: web.FormDate(f.Get("publicity_start"), "publicity_start", &p),
		ReceivedOn: web.FormDate(f.Get("received_on"), "received_on", &p)}
	in.ObjectionID, _ = strconv.ParseInt(f.Get("objection_id"), 10, 64)
	for k, v := range f {
		if name, ok := strings.CutPrefix(k, "reason_"); ok && strings.TrimSpace(v[0]) != "" {
			if in.Fields == nil {
				in.Fields = map[string]string{}
			}
			in.Fields[name] = strings.TrimSpace(v[0])
		}
	}
	return in, p
}

func (h *Handlers) act(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(w, r); err != nil {
		return err
	}
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	in, p := actionInputOf(r.PostForm)
	if len(p) == 0 {
		_, err = h.Service.Act(r.Context(), web.UserFrom(r.Context()), id, r.PathValue("action"), in)
	}
	if err = p.With(err); err != nil {
		if c := i18n.ErrorCode(err); c != i18n.Invalid && c != i18n.Conflict {
			return err
		}
		d, derr := h.nomData(r, id)
		if derr != nil {
			return derr
		}
		return h.Web.RenderForm(w, r, "award/nomination.html", "nav.award_nominations", d, err, nomsCrumb, web.Crumb{Key: "nav.award_nominations"})
	}
	return h.Web.Redirect(w, r, "/awards/nominations/"+idOf(id), "")
}
