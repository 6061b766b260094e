package visit

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kejiju/internal/i18n"
	"kejiju/internal/region"
	"kejiju/internal/web"
)

// matchList is the matchmaking list with its filter.
type matchList struct {
	Items     []*Match
	Page      web.Page
	Filter    MatchFilter
	Townships []region.Region
	Names     map[string]string
	Manage    bool
}

func matchFilterOf(r *http.Request, p web.Page) MatchFilter {
	q := r.URL.Query()
	return MatchFilter{From: queryDay(r, "from"), To: queryDay(r, "to"), RegionCode: q.Get("region"), EnterpriseID: queryID(r, "enterprise"),
		NeedID: queryID(r, "need"), Agreement: q.Get("agreement"), Query: q.Get("q"), Limit: p.Limit, Offset: p.Offset, Sort: p.Sort}
}

func (h *Handlers) matches(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	p := web.ListPage(r, 20)
	f := matchFilterOf(r, p)
	items, total, err := h.Service.Matches(r.Context(), u, f)
	if err != nil {
		return err
	}
	p.Total = total
	d := matchList{Items: items, Page: p, Filter: f, Manage: canManage(u)}
	if d.Townships, _, err = h.townships(r, u); err != nil {
		return err
	}
	codes := make([]string, len(items))
	for i, m := range items {
		codes[i] = m.RegionCode
	}
	if d.Names, err = h.townNames(r, codes); err != nil {
		return err
	}
	return h.Web.Render(w, r, "visit/match_list.html", "nav.matches", d, matchesCrumb)
}

// matchForm is the matchmaking form.
type matchForm struct {
	M           *Match // nil for a new one
	Enterprises []Summary
	Needs       []*Need // the open needs of the enterprise in the form, to link one
	Kinds       []string
}

func (h *Handlers) matchForm(r *http.Request, m *Match, enterpriseID int64) (*matchForm, error) {
	u := web.UserFrom(r.Context())
	if !canManage(u) {
		return nil, i18n.E(i18n.Forbidden, "error.forbidden")
	}
	es, err := h.Service.EnterpriseChoices(r.Context(), u)
	if err != nil {
		return nil, err
	}
	d := &matchForm{M: m, Enterprises: es, Kinds: MatchKinds}
	if enterpriseID > 0 {
		needs, _, err := h.Service.Needs(r.Context(), u, NeedFilter{EnterpriseID: enterpriseID, Limit: 200, Sort: "-collected_on"})
		if err != nil {
			return nil, err
		}
		for _, n := range needs {
			if n.Status != Solved && n.Status != Closed || (m != nil && m.NeedID == n.ID) {
				d.Needs = append(d.Needs, n)
			}
		}
	}
	return d, nil
}

func matchValues(m *Match) url.Values {
	v := url.Values{}
	v.Set("enterprise", m.CreditCode)
	if m.NeedID > 0 {
		v.Set("match_need", strconv.FormatInt(m.NeedID, 10))
	}
	v.Set("match_partner", m.Partner)
	v.Set("match_partner_contact", m.PartnerContact)
	v.Set("match_partner_phone", m.PartnerPhone)
	v.Set("match_date", m.Date.String())
	v.Set("match_kind", m.Kind)
	v.Set("match_topic", m.Topic)
	v.Set("match_outcome", m.Outcome)
	if m.Agreement {
		v.Set("match_agreement", "1")
	}
	v.Set("match_agreement_on", m.AgreementOn.String())
	v.Set("match_agreement_amount", wanValue(m.AgreementAmount))
	v.Set("version", strconv.Itoa(m.Version))
	return v
}

// matchInputOf reads the matchmaking form; amounts are entered in 万元.
func (h *Handlers) matchInputOf(r *http.Request) (MatchInput, i18n.Problems) {
	f := r.PostForm
	var p i18n.Problems
	in := MatchInput{Partner: f.Get("match_partner"), PartnerContact: f.Get("match_partner_contact"), PartnerPhone: f.Get("match_partner_phone"),
		Date: day(f.Get("match_date"), "match_date", &p), Kind: f.Get("match_kind"), Topic: f.Get("match_topic"), Outcome: f.Get("match_outcome"),
		Agreement: f.Get("match_agreement") != "", AgreementOn: day(f.Get("match_agreement_on"), "match_agreement_on", &p),
		AgreementAmount: wan(f.Get("match_agreement_amount"), "match_agreement_amount", &p), MarkMatched: f.Get("match_mark_matched") != ""}
	in.NeedID, _ = strconv.ParseInt(f.Get("match_need"), 10, 64)
	if strings.TrimSpace(f.Get("enterprise")) == "" {
		p.Add("enterprise_id", "error.required")
	} else if e, err := h.Service.FindEnterprise(r.Context(), web.UserFrom(r.Context()), f.Get("enterprise")); err != nil {
		p.AddErr("enterprise_id", err)
	} else {
		in.EnterpriseID = e.ID
	}
	return in, p
}

func (h *Handlers) newMatch(w http.ResponseWriter, r *http.Request) error {
	u := web.UserFrom(r.Context())
	v := url.Values{"match_date": {h.Service.today().String()}, "match_kind": {"meeting"}}
	var enterpriseID int64
	if id := queryID(r, "need"); id > 0 {
		n, err := h.Service.Need(r.Context(), u, id)
		if err != nil {
			return err
		}
		enterpriseID = n.EnterpriseID
		v.Set("enterprise", n.CreditCode)
		v.Set("match_need", strconv.FormatInt(n.ID, 10))
		v.Set("match_topic", n.Title)
		v.Set("match_mark_matched", "1")
	} else if id := queryID(r, "enterprise"); id > 0 {
		if e, err := h.Service.enterprise(r.Context(), u, id, 0); err == nil {
			enterpriseID = e.ID
			v.Set("enterprise", e.CreditCode)
		}
	}
	d, err := h.matchForm(r, nil, enterpriseID)
	if err != nil {
		return err
	}
	return h.Web.ShowForm(w, r, newMatchForm, d, v)
}

func matchPath(m *Match) string { return "/matches/" + strconv.FormatInt(m.ID, 10) }

// rematchForm rebuilds the form after a refused save of in, offering the
// needs of the enterprise that was typed (else of the match's own).
func (h *Handlers) rematchForm(in *MatchInput) func(*http.Request, *Match) (*matchForm, error) {
	return func(r *http.Request, m *Match) (*matchForm, error) {
		id := in.EnterpriseID
		if id == 0 && m != nil {
			id = m.EnterpriseID
		}
		return h.matchForm(r, m, id)
	}
}

// typedMatch reads the matchmaking form as matchInputOf does and keeps
// what was typed in *in, for the form shown again.
func (h *Handlers) typedMatch(in *MatchInput) func(*http.Request) (MatchInput, i18n.Problems) {
	return func(r *http.Request) (MatchInput, i18n.Problems) {
		var p i18n.Problems
		*in, p = h.matchInputOf(r)
		return *in, p
	}
}

func (h *Handlers) createMatch(w http.ResponseWriter, r *http.Request) error {
	var in MatchInput
	return web.Create(h.Web, w, r, newMatchForm, "visit.match.saved", h.rematchForm(&in), h.typedMatch(&in), h.Service.CreateMatch, matchPath)
}

func (h *Handlers) getMatch(r *http.Request) (*Match, error) { return web.Record(r, h.Service.Match) }

// matchPage is one matchmaking.
type matchPage struct {
	M          *Match
	Need       *Need
	RegionName string
	Manage     bool
}

func (h *Handlers) showMatch(w http.ResponseWriter, r *http.Request) error {
	m, err := h.getMatch(r)
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	d := &matchPage{M: m, Manage: canManage(u)}
	if m.NeedID > 0 {
		if d.Need, err = h.Service.Need(r.Context(), u, m.NeedID); err != nil {
			return err
		}
	}
	if t, err := h.Regions.Tree(r.Context()); err == nil {
		d.RegionName = t.FullName(m.RegionCode)
	}
	return h.Web.Render(w, r, "visit/match_show.html", "visit.match.title", d, matchesCrumb, web.Crumb{Key: "visit.match.title"})
}

func (h *Handlers) editMatch(w http.ResponseWriter, r *http.Request) error {
	return web.Edit(h.Web, w, r, editMatchForm, h.getMatch, func(r *http.Request, m *Match) (*matchForm, error) {
		return h.matchForm(r, m, m.EnterpriseID)
	}, matchValues)
}

func (h *Handlers) updateMatch(w http.ResponseWriter, r *http.Request) error {
	var in MatchInput
	return web.Update(h.Web, w, r, editMatchForm, "visit.match.saved", h.getMatch, h.rematchForm(&in), h.typedMatch(&in), func(m *Match, in MatchInput) error {
		version, _ := strconv.Atoi(r.PostForm.Get("version"))
		_, err := h.Service.UpdateMatch(r.Context(), web.UserFrom(r.Context()), m.ID, version, in, r.PostForm.Get("reason"))
		return err
	}, matchPath)
}
