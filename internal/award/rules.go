package award

import (
	"cmp"
	"math/big"
	"slices"
	"strings"
	"unicode/utf8"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/review"
)

// Limits of the free texts and lists.
const (
	maxTitle        = 200
	maxSummary      = 5000
	maxName         = 100
	maxUnits        = 30
	maxContributors = 50
	maxMembers      = 99
	maxLevels       = 10
)

// ReturnFields are the fields a return for revision may give reasons for.
var ReturnFields = []string{"title", "units", "contributors", "summary", "proposed_level"}

func clean(s string) string { return strings.TrimSpace(s) }

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// CheckRound validates a round and returns it cleaned, with the defaults
// filled in (30 calendar days of objection window).
func CheckRound(in RoundInput) (RoundInput, error) {
	var p i18n.Problems
	in.Title = clean(in.Title)
	if in.Title == "" {
		p.Add("title", "error.required")
	} else if tooLong(in.Title, maxTitle) {
		p.Add("title", "error.too_long", maxTitle)
	}
	if in.Year < 2000 || in.Year > 2100 {
		p.Add("year", "award.round.bad_year")
	}
	switch {
	case in.Opens.IsZero():
		p.Add("opens", "error.required")
	case in.Closes.IsZero():
		p.Add("closes", "error.required")
	case in.Closes.Before(in.Opens):
		p.Add("closes", "award.round.closes_before_opens")
	}
	if in.ObjectionDays == 0 {
		in.ObjectionDays = DefaultObjectionDays
	}
	if in.ObjectionDays < 1 || in.ObjectionDays > 90 {
		p.Add("objection_days", "award.round.bad_objection_days")
	}
	if in.PanelSize < 3 || in.PanelSize > maxMembers {
		p.Add("panel_size", "award.round.bad_panel_size", maxMembers)
	}
	if len(in.Levels) == 0 || len(in.Levels) > maxLevels {
		p.Add("levels", "award.round.no_levels")
	}
	for i := range in.Levels {
		l := &in.Levels[i]
		l.Name = clean(l.Name)
		switch {
		case l.Rank != i+1:
			p.Add("levels", "award.round.bad_rank", i+1)
		case l.Name == "" || tooLong(l.Name, 20):
			p.Add("levels", "award.round.bad_level_name", i+1)
		case l.Quota < 0 || l.Quota > 1000:
			p.Add("levels", "award.round.bad_quota", l.Name)
		}
	}
	return in, p.Err()
}

// CheckNomination validates a nomination's content for round r and returns
// it cleaned. Each problem names its field; nothing is written on error.
func CheckNomination(r *Round, in NominationInput) (NominationInput, error) {
	var p i18n.Problems
	in.Title = clean(in.Title)
	if in.Title == "" {
		p.Add("title", "error.required")
	} else if tooLong(in.Title, maxTitle) {
		p.Add("title", "error.too_long", maxTitle)
	}
	in.Summary = clean(in.Summary)
	if in.Summary == "" {
		p.Add("summary", "error.required")
	} else if tooLong(in.Summary, maxSummary) {
		p.Add("summary", "error.too_long", maxSummary)
	}
	var units []string
	for _, u := range in.Units {
		if u = clean(u); u != "" {
			units = append(units, u)
		}
	}
	in.Units = units
	switch {
	case len(units) == 0:
		p.Add("units", "award.nomination.no_units")
	case len(units) > maxUnits:
		p.Add("units", "error.too_many", maxUnits)
	}
	for i, u := range units {
		if tooLong(u, maxName) {
			p.Add("units", "award.nomination.bad_unit", i+1)
			break
		}
		if slices.Index(units, u) != i {
			p.Add("units", "award.nomination.dup_unit", u)
			break
		}
	}
	var cs []Contributor
	for _, c := range in.Contributors {
		c.Name = clean(c.Name)
		if c.Name != "" || c.Rank != 0 {
			cs = append(cs, c)
		}
	}
	slices.SortStableFunc(cs, func(a, b Contributor) int { return cmp.Compare(a.Rank, b.Rank) })
	in.Contributors = cs
	switch {
	case len(cs) == 0:
		p.Add("contributors", "award.nomination.no_contributors")
	case len(cs) > maxContributors:
		p.Add("contributors", "error.too_many", maxContributors)
	}
	for i, c := range cs {
		if c.Rank != i+1 {
			p.Add("contributors", "award.nomination.bad_rank", i+1)
			break
		}
		if c.Name == "" || tooLong(c.Name, maxName) {
			p.Add("contributors", "award.nomination.bad_contributor", c.Rank)
			break
		}
	}
	if _, ok := r.Level(in.ProposedLevel); !ok {
		p.Add("proposed_level", "award.nomination.bad_level")
	}
	return in, p.Err()
}

// CheckMembers validates a committee's members against the round's panel
// size: one name each, the expert ids (when given) unique.
func CheckMembers(r *Round, ms []Member) ([]Member, error) {
	var p i18n.Problems
	var out []Member
	ids := map[int64]bool{}
	for _, m := range ms {
		m.Name = clean(m.Name)
		if m.Name == "" && m.ExpertID == 0 {
			continue
		}
		if m.Name == "" || tooLong(m.Name, maxName) {
			p.Add("members", "award.session.bad_member", len(out)+1)
		}
		if m.ExpertID < 0 || (m.ExpertID > 0 && ids[m.ExpertID]) {
			p.Add("members", "award.session.dup_expert", m.ExpertID)
		}
		ids[m.ExpertID] = true
		out = append(out, m)
	}
	if len(out) != r.PanelSize {
		p.Add("members", "award.session.size", r.PanelSize, len(out))
	}
	return out, p.Err()
}

// CheckTallies validates the ballots of one nomination: levels of the
// round, at most one ballot each, counts not negative and together no more
// than the members present (a member who must withdraw (回避) casts none).
func CheckTallies(r *Round, present int, ts []Tally) error {
	var p i18n.Problems
	seen := map[int]bool{}
	for _, t := range ts {
		l, ok := r.Level(t.Level)
		switch {
		case !ok || seen[t.Level]:
			p.Add("votes", "award.vote.bad_level", t.Level)
		case t.Yes < 0 || t.No < 0 || t.Abstain < 0:
			p.Add("votes", "award.vote.negative", l.Name)
		case t.Yes+t.No+t.Abstain > present:
			p.Add("votes", "award.vote.too_many", l.Name, t.Yes+t.No+t.Abstain, present)
		}
		seen[t.Level] = true
	}
	return p.Err()
}

// Passes reports whether the ballot at one level passes (review.Vote with
// the 2/3 quorum of members and 2/3 of those present, both inclusive).
func Passes(present, members int, t Tally) bool {
	_, pass := review.Vote(present, members, t.Yes, QuorumNum, QuorumDen)
	return pass
}

// Quorate reports whether the session had its quorum: ≥ 2/3 of the members.
func Quorate(present, members int) bool {
	q, _ := review.Vote(present, members, 0, QuorumNum, QuorumDen)
	return q
}

// Allocate gives each candidate its level within the quotas. used counts
// the nominations of the round already holding each level (in publicity or
// awarded). The rule:
//
//  1. Votes are counted per level voted, not cumulated: the committee votes
//     one motion per level, and a level passes for a nomination when its
//     own yes ≥ 2/3 of the members present, with the quorum of 2/3 of the
//     members (review.Vote).
//  2. Levels are allocated from the highest down. At each level the
//     candidates not yet allocated whose vote at that level passed are
//     ranked by their yes-share there (yes ÷ present, higher first), ties
//     by the earlier nomination (submission time, then id); they take the
//     level's remaining quota in that order.
//  3. A candidate that misses a level for want of quota competes at the
//     next lower level it passed; one that passed some level but finds
//     every one of them full gets no level and Full (not awarded).
//
// The result is in the order of cands.
func Allocate(levels []Level, used map[int]int, present, members int, cands []Candidate) []Allocation {
	out := make([]Allocation, len(cands))
	for i, c := range cands {
		out[i].ID = c.ID
		for _, l := range levels {
			for _, t := range c.Votes {
				if t.Level == l.Rank && Passes(present, members, t) {
					out[i].Passed = append(out[i].Passed, l.Rank)
					if out[i].Share == nil {
						out[i].Share = big.NewRat(int64(t.Yes), int64(present))
					}
				}
			}
		}
	}
	share := func(c Candidate, level int) *big.Rat {
		for _, t := range c.Votes {
			if t.Level == level {
				return big.NewRat(int64(t.Yes), int64(max(present, 1)))
			}
		}
		return new(big.Rat)
	}
	ls := slices.Clone(levels)
	slices.SortFunc(ls, func(a, b Level) int { return cmp.Compare(a.Rank, b.Rank) })
	for _, l := range ls {
		var idx []int
		for i := range cands {
			if out[i].Level == 0 && slices.Contains(out[i].Passed, l.Rank) {
				idx = append(idx, i)
			}
		}
		slices.SortStableFunc(idx, func(a, b int) int {
			if c := share(cands[b], l.Rank).Cmp(share(cands[a], l.Rank)); c != 0 {
				return c
			}
			if c := cands[a].SubmittedAt.Compare(cands[b].SubmittedAt); c != 0 {
				return c
			}
			return cmp.Compare(cands[a].ID, cands[b].ID)
		})
		left := l.Quota - used[l.Rank]
		for _, i := range idx {
			if left <= 0 {
				break
			}
			out[i].Level = l.Rank
			left--
		}
	}
	for i := range out {
		out[i].Full = out[i].Level == 0 && len(out[i].Passed) > 0
	}
	return out
}

// ObjectionEnd is the last day objections to a proposed award are taken:
// days calendar days counted from the day after the announcement (民法典
// 第二百零一条: the first day is not counted), moved to the next working
// day when it falls on a rest day or holiday (第二百零三条). The length is
// in calendar days because the municipal source gives "30 days" (§13.1),
// not working days as the HTE list's 10 working days.
func ObjectionEnd(cal *calendar.Calendar, announced calendar.Date, days int) calendar.Date {
	end := announced.AddDays(days)
	for i := 0; i < 60 && !cal.IsWorkday(end); i++ {
		end = end.AddDays(1)
	}
	return end
}

// WithinWindow checks that day lies in the round's nomination window.
func WithinWindow(r *Round, day calendar.Date) error {
	if day.Before(r.Opens) || day.After(r.Closes) {
		return i18n.E(i18n.Conflict, "award.window.closed", r.Opens.Chinese(), r.Closes.Chinese())
	}
	return nil
}
