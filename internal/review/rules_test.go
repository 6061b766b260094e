package review_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/review"
	"kejiju/internal/review/reviewtest"
)

func day(s string) calendar.Date { return calendar.MustParse(s) }

func appErr(err error) *i18n.Error {
	e, _ := errors.AsType[*i18n.Error](err)
	return e
}

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"阜阳金麦乐面业有限公司", "阜阳金麦乐面业"},
		{" 阜阳金麦乐面业有限责任公司 ", "阜阳金麦乐面业"},
		{"阜阳金麦乐面业股份有限公司", "阜阳金麦乐面业"},
		{"阜阳金麦乐面业（集团）股份有限公司", "阜阳金麦乐面业"},
		{"阜阳金麦乐面业集团有限公司", "阜阳金麦乐面业"},
		{"阜阳金麦乐面业(集团)有限公司。", "阜阳金麦乐面业"},
		{"联想（北京）有限公司", "联想"},
		{"联想(上海)有限公司", "联想"},
		{"安徽　思杰　食品有限公司", "安徽思杰食品"},
		{"阜阳第１号科技有限公司", "阜阳第1号科技"},
		{"ＡＢＣ Technology Co., Ltd.", "abctechnology"},
		{"Zinc Inc.", "zinc"},
		{"Zinc", "zinc"},
		{"阜阳师范大学", "阜阳师范大学"},
		{"有限公司", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := review.NormalizeName(tc.in); got != tc.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestConflicts(t *testing.T) {
	on := day("2026-06-15")
	a := review.Applicant{Key: "enterprise:7", Name: "阜阳金麦乐面业有限公司", Employers: []string{"阜阳金麦乐面业有限公司", "安徽思杰食品有限公司"},
		Collaborators: []string{"阜阳师范大学", "李明"}, Field: "新材料"}
	expert := func(employer string) review.Expert {
		return review.Expert{ID: 1, Name: "王伟", Employer: employer, Fields: []string{"新材料"}, Available: true}
	}
	rel := func(kind, party string, since, until string) review.Relation {
		r := review.Relation{ExpertID: 1, Kind: kind, Party: party}
		if since != "" {
			r.Since = day(since)
		}
		if until != "" {
			r.Until = day(until)
		}
		return r
	}
	tests := []struct {
		name  string
		e     review.Expert
		rels  []review.Relation
		kinds []string
	}{
		{"unrelated", expert("合肥工业大学"), nil, nil},
		{"same employer, other legal form", expert("阜阳金麦乐面业（集团）股份有限公司"), nil, []string{review.KindSameEmployer}},
		{"employed by the co-applicant", expert("安徽思杰食品股份有限公司"), nil, []string{review.KindSameEmployer}},
		{"employed by a partner", expert("阜阳师范大学"), nil, []string{review.KindCollaborator}},
		{"named as a project member", review.Expert{ID: 1, Name: "李明", Employer: "合肥工业大学"}, nil, []string{review.KindCollaborator}},
		{"relative, by key", expert("x"), []review.Relation{rel(review.KindRelative, "enterprise:7", "", "")}, []string{review.KindRelative}},
		{"relative of a project member", expert("x"), []review.Relation{rel(review.KindRelative, "李明", "", "")}, []string{review.KindRelative}},
		{"collaboration ongoing", expert("x"), []review.Relation{rel(review.KindCollaborator, "安徽思杰食品有限公司", "2024-01-01", "")}, []string{review.KindCollaborator}},
		{"collaboration ended 3 years ago to the day", expert("x"), []review.Relation{rel(review.KindCollaborator, "阜阳金麦乐面业有限公司", "2020-01-01", "2023-06-15")}, []string{review.KindCollaborator}},
		{"collaboration ended 3 years and a day ago", expert("x"), []review.Relation{rel(review.KindCollaborator, "阜阳金麦乐面业有限公司", "2020-01-01", "2023-06-14")}, nil},
		{"collaboration 4 years ago", expert("x"), []review.Relation{rel(review.KindCollaborator, "阜阳金麦乐面业有限公司", "2021-01-01", "2022-06-01")}, nil},
		{"collaboration not yet begun", expert("x"), []review.Relation{rel(review.KindCollaborator, "阜阳金麦乐面业有限公司", "2026-07-01", "")}, nil},
		{"former employee within 3 years", expert("x"), []review.Relation{rel(review.KindSameEmployer, "阜阳金麦乐面业有限公司", "2015-01-01", "2025-12-31")}, []string{review.KindSameEmployer}},
		{"paid service long ago", expert("x"), []review.Relation{rel(review.KindPaidService, "安徽思杰食品有限公司", "2009-01-01", "2010-01-01")}, []string{review.KindPaidService}},
		{"declared interest", expert("x"), []review.Relation{rel(review.KindDeclared, "enterprise:7", "2026-01-01", "")}, []string{review.KindDeclared}},
		{"relation with someone else", expert("x"), []review.Relation{rel(review.KindRelative, "安徽国顺药业有限公司", "", "")}, nil},
		{"another expert's relation", expert("x"), []review.Relation{{ExpertID: 2, Kind: review.KindRelative, Party: "enterprise:7"}}, nil},
		{"several at once", expert("阜阳金麦乐面业有限公司"), []review.Relation{rel(review.KindRelative, "enterprise:7", "", ""),
			rel(review.KindPaidService, "阜阳金麦乐面业有限公司", "", "")}, []string{review.KindPaidService, review.KindRelative, review.KindSameEmployer}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var kinds []string
			for _, c := range review.Conflicts(tc.e, a, tc.rels, on) {
				kinds = append(kinds, c.Kind)
				if c.Key == "" || i18n.Default()[i18n.Chinese][c.Key] == "" {
					t.Errorf("conflict %+v has no message", c)
				}
			}
			if !slices.Equal(kinds, tc.kinds) {
				t.Errorf("kinds %v, want %v", kinds, tc.kinds)
			}
		})
	}
}

// scenario is the must-show registry: 40 drawable experts in 电子信息 and
// 12 applicants. For applicant i (0…11) these are planted:
//
//	expert 1+i       works for the applicant (its name in another legal form)
//	expert 13+i      a declared relative of the applicant
//	expert 25+i%8    collaborated with the applicant until a year ago
//	expert 33+i%4    collaborated with it until four years ago — eligible
//	expert 37+i%4    was paid by its co-applicant ten years ago
//
// Experts 41 and 42 are in the field but not available and banned; 43–45
// are in another field. Every expert sits on at most 3 panels a year.
type scenario struct {
	experts    []review.Expert
	applicants []review.Applicant
	rels       []review.Relation
	conflicted []map[int64]string // per applicant: expert → the planted kind
	old        []int64            // per applicant: the eligible old collaborator
}

var on = day("2026-06-15")

func newScenario() *scenario {
	s := &scenario{}
	for i := range 12 {
		name := fmt.Sprintf("阜阳第%d号科技有限公司", i+1)
		co := fmt.Sprintf("颍东第%d号材料有限公司", i+1)
		s.applicants = append(s.applicants, review.Applicant{Key: fmt.Sprintf("enterprise:%d", 100+i), Name: name,
			Employers: []string{name, co}, Collaborators: []string{"阜阳师范大学"}, Field: "电子信息"})
	}
	for id := int64(1); id <= 45; id++ {
		e := review.Expert{ID: id, Name: fmt.Sprintf("专家%02d", id), Title: "教授", Employer: fmt.Sprintf("第%d研究所", id),
			RegionCode: "341203", Fields: []string{"电子信息"}, Available: true, Credit: review.CreditGood, MaxLoad: 3}
		switch {
		case id <= 12:
			e.Employer = fmt.Sprintf("阜阳第%d号科技（集团）股份有限公司", id) // applicant id-1's
		case id == 41:
			e.Available = false
		case id == 42:
			e.Credit = review.CreditBanned
		case id > 42:
			e.Fields = []string{"新材料"}
		}
		if id%5 == 0 {
			e.Credit = review.CreditWarned // warned experts are still drawn
		}
		s.experts = append(s.experts, e)
	}
	for i, a := range s.applicants {
		c := map[int64]string{int64(1 + i): review.KindSameEmployer}
		rel := func(id int64, kind, party string, since, until calendar.Date) {
			s.rels = append(s.rels, review.Relation{ExpertID: id, Kind: kind, Party: party, Since: since, Until: until})
		}
		rel(int64(13+i), review.KindRelative, a.Key, calendar.Date{}, calendar.Date{})
		c[int64(13+i)] = review.KindRelative
		rel(int64(25+i%8), review.KindCollaborator, a.Name, on.AddYears(-3), on.AddYears(-1))
		c[int64(25+i%8)] = review.KindCollaborator
		old := int64(33 + i%4)
		rel(old, review.KindCollaborator, a.Name, on.AddYears(-6), on.AddYears(-4))
		s.old = append(s.old, old)
		rel(int64(37+i%4), review.KindPaidService, a.Employers[1], on.AddYears(-10), on.AddYears(-10).AddDays(90))
		c[int64(37+i%4)] = review.KindPaidService
		s.conflicted = append(s.conflicted, c)
	}
	return s
}

func TestDrawScenario(t *testing.T) {
	s := newScenario()
	type stored struct {
		panel review.Panel
		pool  []review.Expert // the registry as it was at the draw
	}
	var draws []stored
	load := map[int64]int{}
	for i, a := range s.applicants {
		seed := uint64(20261128 + i)
		p, err := review.Draw(seed, review.Algorithm, s.experts, a, s.rels, nil, 5, 2, on)
		if err != nil {
			t.Fatalf("applicant %d: %v", i, err)
		}
		draws = append(draws, stored{p, slices.Clone(s.experts)})
		if len(p.Members) != 5 || len(p.Alternates) != 2 {
			t.Fatalf("applicant %d: %d members, %d alternates", i, len(p.Members), len(p.Alternates))
		}
		if p.Seed != seed || p.Algorithm != review.Algorithm || p.PoolHash != review.PoolHash(p.Pool) {
			t.Errorf("applicant %d: panel record %d %q %q", i, p.Seed, p.Algorithm, p.PoolHash)
		}
		excluded := map[int64]review.Exclusion{}
		for _, x := range p.Excluded {
			excluded[x.ExpertID] = x
		}
		for id, kind := range s.conflicted[i] {
			x, ok := excluded[id]
			if !ok || !slices.Contains(x.Reasons, review.ReasonConflict) || !slices.ContainsFunc(x.Conflicts, func(c review.Conflict) bool { return c.Kind == kind }) {
				t.Errorf("applicant %d: planted %s expert %d not excluded for it: %+v", i, kind, id, x)
			}
		}
		for _, id := range slices.Concat(p.Members, p.Alternates) {
			if kind, bad := s.conflicted[i][id]; bad {
				t.Errorf("applicant %d: drew expert %d, who has a %s conflict", i, id, kind)
			}
			if cs := review.Conflicts(s.experts[id-1], a, s.rels, on); len(cs) > 0 {
				t.Errorf("applicant %d: drew expert %d with conflicts %v", i, id, cs)
			}
			if id > 40 {
				t.Errorf("applicant %d: drew expert %d, who is not drawable", i, id)
			}
		}
		if x, ok := excluded[s.old[i]]; ok && slices.Contains(x.Reasons, review.ReasonConflict) {
			t.Errorf("applicant %d: the collaborator of four years ago (expert %d) is excluded: %+v", i, s.old[i], x)
		}
		for _, id := range []int64{41, 42} {
			if _, ok := excluded[id]; !ok {
				t.Errorf("applicant %d: expert %d (unavailable or banned) not listed as excluded", i, id)
			}
		}
		for _, x := range p.Excluded {
			if x.ExpertID > 42 {
				t.Errorf("applicant %d: expert %d of another field listed", i, x.ExpertID)
			}
		}
		for _, id := range p.Members {
			s.experts[id-1].Load++
			load[id]++
		}
	}
	full := 0
	for id, n := range load {
		if n > 3 {
			t.Errorf("expert %d sits on %d panels, limit 3", id, n)
		}
		if n == 3 {
			full++
		}
	}
	if full == 0 {
		t.Errorf("no expert reached the load limit; the scenario does not exercise it (loads %v)", load)
	}
	eligibleOld := 0
	for i, d := range draws {
		if slices.Contains(d.panel.Pool, s.old[i]) {
			eligibleOld++
		}
		ok, err := review.Replay(d.panel, d.pool, s.applicants[i], s.rels, nil, on)
		if err != nil || !ok {
			t.Errorf("replay of draw %d: %v %v", i, ok, err)
		}
		if !review.Verify(d.panel) {
			t.Errorf("draw %d does not verify", i)
		}
		tampered := d.panel
		tampered.Seed++
		if review.Verify(tampered) {
			t.Errorf("draw %d verifies with another seed", i)
		}
		tampered = d.panel
		tampered.Members = slices.Clone(d.panel.Members)
		tampered.Members[0], tampered.Members[1] = tampered.Members[1], tampered.Members[0]
		if review.Verify(tampered) {
			t.Errorf("draw %d verifies with its members reordered", i)
		}
	}
	if eligibleOld == 0 {
		t.Error("the collaborators of four years ago were never in a pool")
	}
}

func TestDrawIsDeterministic(t *testing.T) {
	s := newScenario()
	a := s.applicants[0]
	p1, err := review.Draw(7, review.Algorithm, s.experts, a, s.rels, nil, 5, 3, on)
	if err != nil {
		t.Fatal(err)
	}
	shuffled := slices.Clone(s.experts)
	slices.Reverse(shuffled)
	p2, err := review.Draw(7, review.Algorithm, shuffled, a, s.rels, nil, 5, 3, on)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p1, p2); diff != "" {
		t.Errorf("the order of the registry changed the draw (-first +reversed):\n%s", diff)
	}
	more, err := review.Draw(7, review.Algorithm, s.experts, a, s.rels, nil, 5, 6, on)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(more.Members, p1.Members) || !slices.Equal(more.Alternates[:3], p1.Alternates) {
		t.Errorf("more alternates changed the draw: %v %v, then %v %v", p1.Members, p1.Alternates, more.Members, more.Alternates)
	}
	other, _ := review.Draw(8, review.Algorithm, s.experts, a, s.rels, nil, 5, 3, on)
	if slices.Equal(other.Members, p1.Members) {
		t.Errorf("seeds 7 and 8 drew the same panel %v", p1.Members)
	}
	// The algorithm is fixed: this draw must never change.
	if want := []int64{3, 27, 18, 22, 8}; !slices.Equal(p1.Members, want) {
		t.Errorf("seed 7 drew %v; chacha8-fisher-yates-v1 gave %v", p1.Members, want)
	}
	if _, err := review.Draw(7, "math-rand-v1", s.experts, a, s.rels, nil, 5, 3, on); appErr(err) == nil || appErr(err).Key != "review.draw.algorithm" {
		t.Errorf("unknown algorithm: %v", err)
	}
}

func TestDrawPoolTooSmall(t *testing.T) {
	s := newScenario()
	a := s.applicants[0]
	// Experts 1–20, 41 and 42: 1 and 13 are in conflict with applicant 0,
	// 41 and 42 are not drawable, and 5–8 are made unavailable: 14 left.
	pool := slices.Clone(s.experts[:20])
	pool = append(pool, s.experts[40], s.experts[41])
	for _, i := range []int{4, 5, 6, 7} {
		pool[i].Available = false
	}
	p, err := review.Draw(1, review.Algorithm, pool, a, s.rels, nil, 5, 2, on)
	e := appErr(err)
	if e == nil || e.Code != i18n.Invalid || e.Key != review.ErrPoolTooSmall {
		t.Fatalf("got %v, want %s", err, review.ErrPoolTooSmall)
	}
	if len(p.Pool) != 14 || !slices.Equal(e.Args, []any{14, 5, 15}) {
		t.Errorf("pool %d, args %v; want 14 and [14 5 15]", len(p.Pool), e.Args)
	}
	if p.Members != nil {
		t.Errorf("a too-small pool drew %v", p.Members)
	}
	msg := i18n.Default().Printer(i18n.Chinese).Error(err)
	if msg != "符合条件的专家仅14人，少于抽取人数5的3倍（至少需要15人），不能抽取" {
		t.Errorf("message %q", msg)
	}
	pool[4].Available = true
	if p, err := review.Draw(1, review.Algorithm, pool, a, s.rels, nil, 5, 2, on); err != nil || len(p.Members) != 5 {
		t.Errorf("15 eligible for 5: %v %v", p.Members, err)
	}
	if _, err := review.Draw(1, review.Algorithm, pool, a, s.rels, nil, 5, 11, on); appErr(err) == nil || appErr(err).Key != "review.draw.alternates_too_many" {
		t.Errorf("11 alternates from 15 for 5: %v", err)
	}
	for _, n := range []int{0, -1, 100} {
		if _, err := review.Draw(1, review.Algorithm, pool, a, s.rels, nil, n, 0, on); i18n.ErrorCode(err) != i18n.Invalid {
			t.Errorf("n = %d: %v", n, err)
		}
	}
}

func TestDismissedConflict(t *testing.T) {
	a := review.Applicant{Key: "enterprise:9", Name: "联想（北京）有限公司", Employers: []string{"联想（北京）有限公司"}, Field: "电子信息"}
	var pool []review.Expert
	for id := int64(1); id <= 16; id++ {
		pool = append(pool, review.Expert{ID: id, Name: fmt.Sprint("专家", id), Employer: fmt.Sprint("第", id, "研究所"), Fields: []string{"电子信息"}, Available: true})
	}
	pool[0].Employer = "联想（上海）有限公司" // the same group, another company: flagged
	pool[1].Employer = "联想（深圳）有限公司"
	rels := []review.Relation{{ExpertID: 2, Kind: review.KindRelative, Party: "enterprise:9"}}
	cs := review.Conflicts(pool[0], a, rels, on)
	if len(cs) != 1 || cs[0].Kind != review.KindSameEmployer || cs[0].Party != "联想" {
		t.Fatalf("conflicts %+v", cs)
	}
	p, err := review.Screen(pool, a, rels, nil, on)
	if err != nil || slices.Contains(p.Pool, 1) || len(p.Pool) != 14 {
		t.Fatalf("before the dismissal: pool %v, %v", p.Pool, err)
	}
	dismissed := map[review.DismissKey]bool{
		cs[0].DismissKey(1, a.Key): true,
		cs[0].DismissKey(2, a.Key): true, // expert 2 is also a relative: that still counts
	}
	p, err = review.Screen(pool, a, rels, dismissed, on)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(p.Pool, 1) || slices.Contains(p.Pool, 2) {
		t.Errorf("after the dismissal: pool %v", p.Pool)
	}
	if len(p.Dismissed) != 1 || p.Dismissed[0].ExpertID != 1 {
		t.Errorf("dismissed %+v", p.Dismissed)
	}
	if len(p.Excluded) != 1 || p.Excluded[0].ExpertID != 2 || len(p.Excluded[0].Conflicts) != 1 || p.Excluded[0].Conflicts[0].Kind != review.KindRelative {
		t.Errorf("excluded %+v", p.Excluded)
	}
	other := review.Applicant{Key: "enterprise:10", Name: "联想（北京）有限公司", Employers: []string{"联想（北京）有限公司"}, Field: "电子信息"}
	if p, _ := review.Screen(pool, other, rels, dismissed, on); slices.Contains(p.Pool, 1) {
		t.Error("a dismissal for one applicant cleared the expert for another")
	}
}

func TestAggregate(t *testing.T) {
	single := review.Rubric{Criteria: []review.Criterion{{Key: "total", Name: "综合评价", Max: 100}}}
	sheets := func(totals ...int) map[int64]map[string]int {
		out := map[int64]map[string]int{}
		for i, v := range totals {
			out[int64(i+1)] = map[string]int{"total": v}
		}
		return out
	}
	tests := []struct {
		name        string
		rubric      review.Rubric
		scores      map[int64]map[string]int
		mean, tmean float64
		trimmed     bool
		spread      int
		disagree    bool
	}{
		{"five experts", single, sheets(60, 70, 80, 90, 100), 80, 80, true, 40, true},
		{"five, one outlier high", single, sheets(78, 80, 80, 82, 95), 83, 242.0 / 3, true, 17, false},
		{"spread exactly 20% is not disagreement", single, sheets(78, 80, 80, 82, 98), 83.6, 242.0 / 3, true, 20, false},
		{"spread 21% is", single, sheets(78, 80, 80, 82, 99), 83.8, 242.0 / 3, true, 21, true},
		{"three experts: no trimming", single, sheets(70, 80, 91), 241.0 / 3, 241.0 / 3, false, 21, true},
		{"four experts: no trimming", single, sheets(70, 80, 80, 90), 80, 80, false, 20, false},
		{"seven experts drop one each end", single, sheets(10, 80, 80, 80, 80, 80, 100), 510.0 / 7, 80, true, 90, true},
		{"a lower threshold", review.Rubric{Criteria: single.Criteria, DisagreePercent: 10}, sheets(70, 80, 81), 77, 77, false, 11, true},
		{"weights", review.Rubric{Criteria: []review.Criterion{{Key: "tech", Name: "技术", Max: 10, Weight: 3}, {Key: "money", Name: "经济", Max: 10}}},
			map[int64]map[string]int{1: {"tech": 10, "money": 10}, 2: {"tech": 5, "money": 0}, 3: {"tech": 8, "money": 6}},
			float64(40+15+30) / 3, float64(40+15+30) / 3, false, 25, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := review.Aggregate(tc.scores, tc.rubric)
			if err != nil {
				t.Fatal(err)
			}
			if r.Mean != tc.mean || r.TrimmedMean != tc.tmean || r.Trimmed != tc.trimmed || r.Spread != tc.spread || r.Disagreement != tc.disagree {
				t.Errorf("got mean %v trimmed %v (%v) spread %d disagree %v; want %v %v (%v) %d %v",
					r.Mean, r.TrimmedMean, r.Trimmed, r.Spread, r.Disagreement, tc.mean, tc.tmean, tc.trimmed, tc.spread, tc.disagree)
			}
			if r.Experts != len(tc.scores) || len(r.Totals) != len(tc.scores) {
				t.Errorf("experts %d, totals %v", r.Experts, r.Totals)
			}
		})
	}
	bad := []struct {
		name   string
		scores map[int64]map[string]int
		rubric review.Rubric
	}{
		{"none", nil, single},
		{"over the maximum", sheets(80, 101), single},
		{"negative", sheets(80, -1), single},
		{"missing criterion", map[int64]map[string]int{1: {}}, single},
		{"unknown criterion", map[int64]map[string]int{1: {"total": 80, "extra": 1}}, single},
		{"no criteria", sheets(80), review.Rubric{}},
		{"duplicate keys", sheets(80), review.Rubric{Criteria: []review.Criterion{{Key: "total", Name: "a", Max: 100}, {Key: "total", Name: "b", Max: 10}}}},
	}
	for _, tc := range bad {
		if _, err := review.Aggregate(tc.scores, tc.rubric); i18n.ErrorCode(err) != i18n.Invalid {
			t.Errorf("%s: got %v, want invalid", tc.name, err)
		}
	}
}

func TestRank(t *testing.T) {
	items := []review.Item{
		{Key: "project:5", TrimmedMean: 80, Mean: 81},
		{Key: "project:3", TrimmedMean: 85, Mean: 84},
		{Key: "project:4", TrimmedMean: 80, Mean: 81},
		{Key: "project:1", TrimmedMean: 80, Mean: 82},
		{Key: "project:2", TrimmedMean: 80, Mean: 81, Tiebreak: 0.6},
		{Key: "project:6", TrimmedMean: 70, Mean: 70},
	}
	type line struct {
		key  string
		rank int
		tied bool
	}
	want := []line{{"project:3", 1, false}, {"project:1", 2, false}, {"project:2", 3, false}, {"project:4", 4, true}, {"project:5", 4, true}, {"project:6", 6, false}}
	for _, perm := range [][]int{{0, 1, 2, 3, 4, 5}, {5, 4, 3, 2, 1, 0}, {2, 0, 4, 1, 5, 3}} {
		in := make([]review.Item, len(items))
		for i, j := range perm {
			in[i] = items[j]
		}
		var got []line
		for _, r := range review.Rank(in) {
			got = append(got, line{r.Key, r.Rank, r.Tied})
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(line{})); diff != "" {
			t.Errorf("input order %v (-want +got):\n%s", perm, diff)
		}
	}
}

func TestVote(t *testing.T) {
	tests := []struct {
		name                  string
		present, members, yes int
		quorate, pass         bool
	}{
		{"15 members, 9 present: no quorum", 9, 15, 9, false, false},
		{"15 members, 10 present (exactly 2/3)", 10, 15, 7, true, true},
		{"10 present, 6 yes", 10, 15, 6, true, false},
		{"12 members, 8 present (exactly 2/3)", 8, 12, 6, true, true},
		{"9 present, 6 yes (exactly 2/3)", 9, 12, 6, true, true},
		{"9 present, 5 yes", 9, 12, 5, true, false},
		{"7 members, 5 present (5/7 > 2/3)", 5, 7, 4, true, true},
		{"7 members, 4 present (4/7 < 2/3)", 4, 7, 4, false, false},
		{"all present, all yes", 7, 7, 7, true, true},
		{"nobody", 0, 7, 0, false, false},
		{"more present than members", 8, 7, 8, false, false},
		{"more yes than present", 5, 7, 6, false, false},
		{"no members", 0, 0, 0, false, false},
	}
	for _, tc := range tests {
		q, p := review.Vote(tc.present, tc.members, tc.yes, 2, 3)
		if q != tc.quorate || p != tc.pass {
			t.Errorf("%s: quorate %v pass %v, want %v %v", tc.name, q, p, tc.quorate, tc.pass)
		}
	}
	if q, p := review.Vote(10, 15, 10, 3, 2); q || p {
		t.Error("a fraction above 1 counted")
	}
	if q, p := review.Vote(8, 15, 5, 1, 2); !q || !p {
		t.Errorf("simple majority: %v %v", q, p)
	}
}

// BenchmarkDraw10k draws 5 members and 2 alternates from 10,000 experts
// (about 1,500 in each field) with the relations of 500 applicants (6,000)
// to check, one applicant after another.
func BenchmarkDraw10k(b *testing.B) {
	d := reviewtest.Generate(10_000, 500, 1)
	i := 0
	for b.Loop() {
		a := d.Applicants[i%len(d.Applicants)]
		if _, err := review.Draw(uint64(i), review.Algorithm, d.Experts, a, d.Relations, nil, 5, 2, reviewtest.On); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func TestGeneratedDataDraws(t *testing.T) {
	d := reviewtest.Generate(10_000, 500, 1)
	conflicts, panels := 0, 0
	for i, a := range d.Applicants[:50] {
		p, err := review.Draw(uint64(i), review.Algorithm, d.Experts, a, d.Relations, nil, 5, 2, reviewtest.On)
		if err != nil {
			t.Fatal(err)
		}
		panels++
		for _, x := range p.Excluded {
			if slices.Contains(x.Reasons, review.ReasonConflict) {
				conflicts++
			}
		}
		for _, id := range p.Members {
			if cs := review.Conflicts(d.Experts[id-1], a, d.Relations, reviewtest.On); len(cs) > 0 {
				t.Errorf("applicant %d drew expert %d with %v", i, id, cs)
			}
		}
	}
	if conflicts < panels*3 {
		t.Errorf("only %d conflicts in %d draws: the generator plants too few", conflicts, panels)
	}
}
