// Package review is the expert-review mechanism the business areas share
// (programme projects, awards, recommendations): the expert registry, the
// conflict-of-interest engine, a seeded random draw that an auditor can
// replay, rubric scoring with aggregation and a disagreement flag, ranking
// snapshots that lock when published, and the committee vote.
//
// rules.go holds the pure rules, with no IO: Conflicts, Draw, Replay,
// Verify, Aggregate, Rank and Vote. store.go keeps experts, relations,
// dismissals, panels, scores and rankings in the database, each change in
// one transaction with its audit event.
//
// The package knows nothing of the areas that use it: an area describes the
// party under review as an Applicant and names the object a panel reviews
// by (object type, object id).
package review

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
)

// The credit standings of an expert. A warned expert is still drawn; a
// banned one never is (e.g. after research misconduct, 国科发监〔2022〕221号).
const (
	CreditGood   = "good"
	CreditWarned = "warned"
	CreditBanned = "banned"
)

// Credits lists the credit standings in display order.
var Credits = []string{CreditGood, CreditWarned, CreditBanned}

// Expert is one person in the expert pool, as the draw sees them.
type Expert struct {
	ID         int64    `json:"id"`
	Name       string   `json:"name"`
	Title      string   `json:"title"`
	Employer   string   `json:"employer"`
	RegionCode string   `json:"region_code"`
	Fields     []string `json:"fields"`
	Available  bool     `json:"available"`
	Credit     string   `json:"credit"`
	// MaxLoad is the most panels the expert sits on in one calendar year;
	// 0 means no limit.
	MaxLoad int `json:"max_load"`
	// Load is the number of panels the expert already sits on in the year
	// of the draw (as an invited or accepted member).
	Load int `json:"load"`
}

// Full reports whether the expert has reached their load limit.
func (e Expert) Full() bool { return e.MaxLoad > 0 && e.Load >= e.MaxLoad }

// Applicant is the party under review, as the conflict checks see it.
type Applicant struct {
	// Key identifies the party across the system, e.g. "enterprise:42".
	Key  string `json:"key"`
	Name string `json:"name"`
	// Employers are the names of the applying units: the applicant's own
	// name and those of its co-applicants (联合申报单位). An expert employed
	// by one of them is in conflict.
	Employers []string `json:"employers"`
	// Collaborators are the units and people the application names as
	// partners or project members (合作单位, 项目组成员). An expert who is
	// one of them (by name: a namesake is a false positive for staff to
	// dismiss), or works for one, is in conflict.
	Collaborators []string `json:"collaborators,omitempty"`
	// Field is the technical field the panel is drawn by.
	Field string `json:"field"`
}

// The kinds of relation and of conflict.
const (
	KindSameEmployer = "same_employer" // works (or worked) for the party
	KindRelative     = "relative"      // close relative, supervisor or student (近亲属、师生)
	KindCollaborator = "collaborator"  // joint project, award, paper or patent
	KindPaidService  = "paid_service"  // paid consulting, part-time post, fees from the party
	KindDeclared     = "declared"      // any other interest the expert declared
)

// Kinds lists the relation kinds in display order.
var Kinds = []string{KindSameEmployer, KindRelative, KindCollaborator, KindPaidService, KindDeclared}

// CollaborationYears is how long after it ends a collaboration, or a past
// employment, still disqualifies: "与被评审对象近3年内有合作关系" (沪科规〔2025〕5号
// Art. 15). A collaboration that ended exactly three years before the
// review date still counts; one day earlier does not.
const CollaborationYears = 3

// Relation is a fact about an expert and another party, recorded by staff
// or declared by the expert. Since and Until bound it; a zero Since means
// "long ago", a zero Until means "still so".
//
// When a relation counts against an applicant whose name, key,
// co-applicants or collaborators include Party, on the review date on:
//
//	relative, declared    while it holds (Since ≤ on, and Until is zero or ≥ on)
//	collaborator,
//	same_employer         from Since until CollaborationYears after Until
//	paid_service          at any time after Since, however long ago: money
//	                      paid by the party is an interest the rules name
//	                      without a time limit, and staff can dismiss a stale case
type Relation struct {
	ID       int64         `json:"id,omitempty"`
	ExpertID int64         `json:"expert_id"`
	Kind     string        `json:"kind"`
	Party    string        `json:"party"` // the other side's name, or its key
	Since    calendar.Date `json:"since,omitzero"`
	Until    calendar.Date `json:"until,omitzero"`
	Note     string        `json:"note,omitempty"`
}

// Conflict is one reason an expert may not review an applicant. Key and
// Args are its explanation as an i18n message.
type Conflict struct {
	Kind string `json:"kind"`
	// Party is the applicant-side name or key the conflict matched, in
	// normalised form (see NormalizeName); with Kind it identifies the
	// conflict for a dismissal.
	Party string `json:"party"`
	Key   string `json:"key"`
	Args  []any  `json:"args,omitempty"`
}

// DismissKey names one conflict of one expert with one applicant that staff
// have dismissed as a false positive (with a reason, kept by the store).
// Another conflict of the same expert, of another kind or with another
// party, still counts.
type DismissKey struct {
	ExpertID     int64
	ApplicantKey string
	Kind         string
	Party        string
}

// DismissKey returns the key that dismisses c for the expert and applicant.
func (c Conflict) DismissKey(expertID int64, applicantKey string) DismissKey {
	return DismissKey{ExpertID: expertID, ApplicantKey: applicantKey, Kind: c.Kind, Party: c.Party}
}

// legalForms are the suffixes NormalizeName strips, longest first. They
// are compared after full-width forms are folded, spaces removed and Latin
// letters lower-cased.
var legalForms = []string{
	"股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "股份公司", "集团公司", "公司", "集团",
	"co.,ltd.", "co.,ltd", "co.ltd.", "co.ltd", "corporation", "limited", "company", "corp.", "inc.", "ltd.", "ltd",
}

// NormalizeName returns the form in which two names of one organisation
// compare equal, for the same-employer and party checks:
//
//  1. full-width ASCII forms (U+FF01–U+FF5E) become their ASCII twins,
//     so （ ） become ( ); Latin letters are lower-cased;
//  2. every white space is removed, the ideographic space U+3000 included;
//  3. every bracketed part is removed, wherever it stands:
//     联想（北京）有限公司 → 联想有限公司;
//  4. legal-form suffixes and then trailing punctuation (. , 。 ， 、 -)
//     are removed, repeatedly: 股份有限公司, 有限责任公司, 集团有限公司,
//     有限公司, 股份公司, 集团公司, 公司, 集团, and co.,ltd(.) / co.ltd(.) /
//     ltd(.) / limited / company / corporation / corp. / inc. (the short
//     Latin forms only with their dot, so "zinc" stays "zinc").
//
// The result errs towards matching: 联想（北京）有限公司 and 联想（上海）有限公司
// both become 联想, and an expert at one is flagged for the other. Such
// false positives are what dismissals are for. A name that is nothing but
// a legal form normalises to "" and matches nothing.
func NormalizeName(s string) string {
	if s == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(s))
	depth := 0
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFF01 - 0x21
		case r == 0x3000:
			r = ' '
		}
		switch {
		case r == '(' || r == '【' || r == '[' || r == '〔':
			depth++
			continue
		case r == ')' || r == '】' || r == ']' || r == '〕':
			if depth > 0 {
				depth--
			}
			continue
		case depth > 0, unicode.IsSpace(r):
			continue
		case r < utf8.RuneSelf && 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	out := b.String()
	for {
		t := out
		for _, f := range legalForms {
			if strings.HasSuffix(t, f) {
				t = strings.TrimSuffix(t, f)
				break
			}
		}
		if t = strings.TrimRight(t, ".,。，、-"); t == out {
			return out
		}
		out = t
	}
}

// party is one applicant-side name with its normalised form.
type party struct {
	norm, name string
	collab     bool // named as a collaborator, not as an applying unit
}

// matcher answers whether a name or key belongs to one applicant. Screen
// builds it once per applicant, so each expert costs one normalisation of
// their employer.
type matcher struct {
	key     string
	parties map[string]party
}

func newMatcher(a Applicant) *matcher {
	m := &matcher{key: strings.TrimSpace(a.Key), parties: map[string]party{}}
	add := func(name string, collab bool) {
		if n := NormalizeName(name); n != "" {
			if p, ok := m.parties[n]; ok && !p.collab {
				return // an applying unit stays one even if also named a partner
			}
			m.parties[n] = party{norm: n, name: strings.TrimSpace(name), collab: collab}
		}
	}
	add(a.Name, false)
	for _, e := range a.Employers {
		add(e, false)
	}
	for _, c := range a.Collaborators {
		add(c, true)
	}
	return m
}

// match returns the applicant-side party that name (or key) designates.
func (m *matcher) match(name string) (party, bool) {
	name = strings.TrimSpace(name)
	if name == "" {
		return party{}, false
	}
	if m.key != "" && name == m.key {
		return party{norm: m.key, name: m.key}, true
	}
	p, ok := m.parties[NormalizeName(name)]
	return p, ok
}

// Conflicts returns the conflicts of interest between e and a on the review
// date on, sorted by kind and party, each kind and party once. rels may hold
// relations of other experts too; only e's count. Dismissals are not
// applied here (Draw applies them):
//
//   - same_employer: e's employer normalises (NormalizeName) to the name of
//     the applicant or a co-applicant; or a same_employer relation with one
//     of them, held on `on` or ended within CollaborationYears;
//   - collaborator: e, or e's employer, is one of the application's
//     collaborators; or a collaborator relation with the applicant, a
//     co-applicant or a collaborator, ongoing or ended within
//     CollaborationYears before on;
//   - relative, declared: such a relation with any of them, holding on `on`;
//   - paid_service: such a relation with any of them, at any time before on.
//
// Relations match by the applicant's key (exactly) or by name (normalised).
func Conflicts(e Expert, a Applicant, rels []Relation, on calendar.Date) []Conflict {
	return newMatcher(a).conflicts(e, rels, on)
}

func (m *matcher) conflicts(e Expert, rels []Relation, on calendar.Date) []Conflict {
	var out []Conflict
	add := func(c Conflict) {
		for _, o := range out {
			if o.Kind == c.Kind && o.Party == c.Party {
				return
			}
		}
		out = append(out, c)
	}
	if p, ok := m.match(e.Employer); ok {
		if p.collab {
			add(Conflict{Kind: KindCollaborator, Party: p.norm, Key: "review.conflict.partner_employer", Args: []any{e.Employer, p.name}})
		} else {
			add(Conflict{Kind: KindSameEmployer, Party: p.norm, Key: "review.conflict.same_employer", Args: []any{e.Employer, p.name}})
		}
	}
	if p, ok := m.match(e.Name); ok && p.collab {
		add(Conflict{Kind: KindCollaborator, Party: p.norm, Key: "review.conflict.named_partner", Args: []any{p.name}})
	}
	horizon := on.AddYears(-CollaborationYears)
	for _, r := range rels {
		if r.ExpertID != e.ID {
			continue
		}
		p, ok := m.match(r.Party)
		if !ok || (!r.Since.IsZero() && r.Since.After(on)) {
			continue
		}
		switch r.Kind {
		case KindRelative, KindDeclared:
			if r.Until.IsZero() || !r.Until.Before(on) {
				add(Conflict{Kind: r.Kind, Party: p.norm, Key: "review.conflict." + r.Kind, Args: []any{p.name}})
			}
		case KindCollaborator, KindSameEmployer:
			switch {
			case r.Until.IsZero() || !r.Until.Before(on):
				add(Conflict{Kind: r.Kind, Party: p.norm, Key: "review.conflict." + r.Kind + "_ongoing", Args: []any{p.name}})
			case !r.Until.Before(horizon):
				add(Conflict{Kind: r.Kind, Party: p.norm, Key: "review.conflict." + r.Kind + "_recent", Args: []any{p.name, r.Until.String()}})
			}
		case KindPaidService:
			add(Conflict{Kind: r.Kind, Party: p.norm, Key: "review.conflict.paid_service", Args: []any{p.name}})
		}
	}
	slices.SortStableFunc(out, func(a, b Conflict) int {
		return cmp.Or(strings.Compare(a.Kind, b.Kind), strings.Compare(a.Party, b.Party))
	})
	return out
}

// Algorithm names the draw algorithm Draw implements; it is stored with
// every panel. A different algorithm would get a new name, and Replay
// refuses names it does not know.
//
// chacha8-fisher-yates-v1:
//
//  1. The eligible experts' ids are sorted ascending (the pool).
//  2. A ChaCha8 generator (math/rand/v2, the C2SP chacha8rand stream) is
//     keyed with 32 bytes: the seed as 8 little-endian bytes, then 24
//     zero bytes.
//  3. A forward partial Fisher–Yates shuffle takes k = members + alternates
//     ids: for i = 0 … k−1, with m = len(pool) − i, take x = the next
//     Uint64 of the generator and compute the 128-bit product x·m; while
//     its low 64 bits are below (2^64 − m) mod m, take a new x (Lemire's
//     unbiased bounded integer); j = i + (its high 64 bits); swap pool[i]
//     and pool[j].
//  4. pool[0 … n−1] are the members in draw order, pool[n … k−1] the
//     alternates in the order they are promoted.
//
// Only the ChaCha8 stream is taken from the standard library (its output
// is fixed by the chacha8rand specification); the bounded integers and the
// shuffle are written here, so a change in math/rand/v2's helpers cannot
// change a stored draw. Because positions below i are never touched again,
// drawing more alternates later extends the same sequence.
const Algorithm = "chacha8-fisher-yates-v1"

// MinPoolFactor is the smallest ratio of eligible experts to panel seats:
// "专家库…不少于评审专家需求数量的3倍" (HTE rules, applied to every draw).
const MinPoolFactor = 3

// The reasons an expert in the field is not in the pool.
const (
	ReasonUnavailable = "unavailable"
	ReasonBanned      = "banned"
	ReasonFull        = "full" // at the load limit
	ReasonConflict    = "conflict"
)

// Exclusion says why an expert in the field was left out of the pool, or
// (in Panel.Dismissed) which conflicts of an expert in the pool staff had
// dismissed.
type Exclusion struct {
	ExpertID  int64      `json:"expert_id"`
	Reasons   []string   `json:"reasons,omitempty"`
	Conflicts []Conflict `json:"conflicts,omitempty"`
}

// Panel is the record of one draw: everything an auditor needs to see who
// could have been drawn, why others could not, and to replay it.
type Panel struct {
	// Seed is shown as a decimal string in JSON so no client rounds it.
	Seed         uint64        `json:"seed,string"`
	Algorithm    string        `json:"algorithm"`
	ApplicantKey string        `json:"applicant_key"`
	Field        string        `json:"field"`
	On           calendar.Date `json:"on"`
	// Pool are the eligible experts' ids, ascending; PoolHash is PoolHash(Pool).
	Pool     []int64 `json:"pool"`
	PoolHash string  `json:"pool_hash"`
	// Members are the drawn members in draw order; Alternates the
	// alternates in the order they are promoted.
	Members    []int64 `json:"members"`
	Alternates []int64 `json:"alternates"`
	// Excluded are the experts of the field left out, by id, with reasons.
	// Experts of other fields are not candidates and are not listed.
	Excluded []Exclusion `json:"excluded"`
	// Dismissed are experts in the pool whose conflicts staff dismissed.
	Dismissed []Exclusion `json:"dismissed,omitempty"`
}

// Size returns the number of seats: the members drawn.
func (p Panel) Size() int { return len(p.Members) }

// PoolHash returns the hex SHA-256 of the ids written in decimal and joined
// by commas ("3,17,42"), in the order given (a pool is ascending).
func PoolHash(ids []int64) string {
	h := sha256.New()
	var buf []byte
	for i, id := range ids {
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(buf, id, 10)
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ErrPoolTooSmall is the key of the error Draw returns when fewer than
// MinPoolFactor × n experts are eligible (POOL_INSUFFICIENT). Its arguments
// are the number eligible, n and the number needed.
const ErrPoolTooSmall = "review.draw.pool_too_small"

// Screen sorts the experts of pool who have a.Field among their fields
// into the eligible and the excluded: an expert is eligible when they are
// available, not banned, under their load limit, and have no conflict with
// a on `on` that is not in dismissed. It returns a Panel without seed or
// draw: the pool (ascending), its hash, the exclusions with their reasons,
// and the experts whose conflicts were dismissed. Experts of other fields
// are not candidates and are not listed.
func Screen(pool []Expert, a Applicant, rels []Relation, dismissed map[DismissKey]bool, on calendar.Date) (Panel, error) {
	var pr i18n.Problems
	field := strings.TrimSpace(a.Field)
	if field == "" {
		pr.Add("tech_field", "error.required")
	}
	if strings.TrimSpace(a.Key) == "" {
		pr.Add("applicant", "error.required")
	}
	if !on.IsValid() {
		pr.Add("draw_on", "error.required")
	}
	if err := pr.Err(); err != nil {
		return Panel{}, err
	}
	m := newMatcher(a)
	byExpert := make(map[int64][]Relation)
	for _, r := range rels {
		byExpert[r.ExpertID] = append(byExpert[r.ExpertID], r)
	}
	p := Panel{ApplicantKey: strings.TrimSpace(a.Key), Field: field, On: on, Pool: []int64{}, Excluded: []Exclusion{}}
	seen := make(map[int64]bool, len(pool))
	for _, e := range pool {
		if seen[e.ID] {
			return Panel{}, i18n.Wrap(fmt.Errorf("expert %d twice in the pool", e.ID), "review: screen")
		}
		seen[e.ID] = true
		if !slices.Contains(e.Fields, field) {
			continue
		}
		var x Exclusion
		if !e.Available {
			x.Reasons = append(x.Reasons, ReasonUnavailable)
		}
		if e.Credit == CreditBanned {
			x.Reasons = append(x.Reasons, ReasonBanned)
		}
		if e.Full() {
			x.Reasons = append(x.Reasons, ReasonFull)
		}
		var waived []Conflict
		for _, c := range m.conflicts(e, byExpert[e.ID], on) {
			if dismissed[c.DismissKey(e.ID, p.ApplicantKey)] {
				waived = append(waived, c)
			} else {
				x.Conflicts = append(x.Conflicts, c)
			}
		}
		if len(x.Conflicts) > 0 {
			x.Reasons = append(x.Reasons, ReasonConflict)
		}
		if len(x.Reasons) > 0 {
			x.ExpertID = e.ID
			p.Excluded = append(p.Excluded, x)
			continue
		}
		if len(waived) > 0 {
			p.Dismissed = append(p.Dismissed, Exclusion{ExpertID: e.ID, Conflicts: waived})
		}
		p.Pool = append(p.Pool, e.ID)
	}
	slices.Sort(p.Pool)
	slices.SortFunc(p.Excluded, func(a, b Exclusion) int { return cmp.Compare(a.ExpertID, b.ExpertID) })
	slices.SortFunc(p.Dismissed, func(a, b Exclusion) int { return cmp.Compare(a.ExpertID, b.ExpertID) })
	p.PoolHash = PoolHash(p.Pool)
	return p, nil
}

// Draw draws a panel of n members and `alternates` alternates for a from
// pool: it screens the pool (see Screen) and shuffles the eligible experts
// by Algorithm from seed; algorithm must be Algorithm. Fewer than
// MinPoolFactor × n eligible experts is an Invalid error (ErrPoolTooSmall)
// — never a smaller panel — and so is asking for more alternates than the
// pool holds beyond the members. On those two errors the screened Panel is
// returned too, so the caller can show who was excluded and why.
func Draw(seed uint64, algorithm string, pool []Expert, a Applicant, rels []Relation, dismissed map[DismissKey]bool, n, alternates int, on calendar.Date) (Panel, error) {
	if algorithm != Algorithm {
		return Panel{}, i18n.E(i18n.Invalid, "review.draw.algorithm", algorithm)
	}
	var pr i18n.Problems
	if n < 1 || n > 99 {
		pr.Add("panel_size", "review.draw.size", 99)
	}
	if alternates < 0 || alternates > 99 {
		pr.Add("panel_alternates", "review.draw.alternates", 99)
	}
	if err := pr.Err(); err != nil {
		return Panel{}, err
	}
	p, err := Screen(pool, a, rels, dismissed, on)
	if err != nil {
		return Panel{}, err
	}
	p.Seed, p.Algorithm = seed, algorithm
	if len(p.Pool) < MinPoolFactor*n {
		return p, i18n.E(i18n.Invalid, ErrPoolTooSmall, len(p.Pool), n, MinPoolFactor*n)
	}
	if n+alternates > len(p.Pool) {
		return p, i18n.E(i18n.Invalid, "review.draw.alternates_too_many", alternates, len(p.Pool)-n)
	}
	order := shuffle(seed, p.Pool, n+alternates)
	p.Members, p.Alternates = order[:n], order[n:]
	return p, nil
}

// shuffle returns the first k ids of Algorithm's shuffle of pool (which it
// does not change).
func shuffle(seed uint64, pool []int64, k int) []int64 {
	ids := slices.Clone(pool)
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:8], seed)
	r := rand.NewChaCha8(key)
	for i := range k {
		j := i + int(below(r, uint64(len(ids)-i)))
		ids[i], ids[j] = ids[j], ids[i]
	}
	return slices.Clip(ids[:k])
}

// below returns a uniform integer in [0, n), n > 0, by Lemire's method.
func below(r *rand.ChaCha8, n uint64) uint64 {
	hi, lo := bits.Mul64(r.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(r.Uint64(), n)
		}
	}
	return hi
}

// Verify reports whether a stored panel is consistent with itself: its
// algorithm is known, its pool is ascending without repeats and hashes to
// PoolHash, and shuffling the pool from Seed gives exactly its members and
// alternates. It is the replay an auditor can make from the stored record
// alone, whatever has changed in the registry since.
func Verify(p Panel) bool {
	k := len(p.Members) + len(p.Alternates)
	if p.Algorithm != Algorithm || len(p.Members) == 0 || k > len(p.Pool) || PoolHash(p.Pool) != p.PoolHash {
		return false
	}
	for i := 1; i < len(p.Pool); i++ {
		if p.Pool[i] <= p.Pool[i-1] {
			return false
		}
	}
	got := shuffle(p.Seed, p.Pool, k)
	return slices.Equal(got[:len(p.Members)], p.Members) && slices.Equal(got[len(p.Members):], p.Alternates)
}

// Replay draws again from the registry as it was at the draw (pool, rels,
// dismissed) with the stored seed and algorithm, and reports whether the
// same pool, members and alternates come out.
func Replay(stored Panel, pool []Expert, a Applicant, rels []Relation, dismissed map[DismissKey]bool, on calendar.Date) (bool, error) {
	got, err := Draw(stored.Seed, stored.Algorithm, pool, a, rels, dismissed, len(stored.Members), len(stored.Alternates), on)
	if err != nil {
		return false, err
	}
	return got.PoolHash == stored.PoolHash && slices.Equal(got.Pool, stored.Pool) &&
		slices.Equal(got.Members, stored.Members) && slices.Equal(got.Alternates, stored.Alternates), nil
}

// Criterion is one line of a rubric: an expert scores it from 0 to Max
// whole points, and it counts Weight times in the total.
type Criterion struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	Max  int    `json:"max"`
	// Weight multiplies the criterion's score in the total; 0 means 1.
	Weight int `json:"weight,omitempty"`
}

func (c Criterion) weight() int { return max(c.Weight, 1) }

// DefaultDisagreePercent is the spread of totals, as a percentage of the
// maximum total, above which a panel is flagged as disagreeing.
const DefaultDisagreePercent = 20

// Rubric is how a panel scores.
type Rubric struct {
	Criteria []Criterion `json:"criteria"`
	// DisagreePercent: a spread (highest total − lowest total) greater
	// than this percentage of MaxTotal flags disagreement; equal to it does
	// not. 0 means DefaultDisagreePercent.
	DisagreePercent int `json:"disagree_percent,omitempty"`
}

// MaxTotal returns the highest possible total.
func (r Rubric) MaxTotal() int {
	t := 0
	for _, c := range r.Criteria {
		t += c.Max * c.weight()
	}
	return t
}

func (r Rubric) disagreePercent() int {
	if r.DisagreePercent == 0 {
		return DefaultDisagreePercent
	}
	return r.DisagreePercent
}

// Validate returns the rubric's problems: at least one criterion, keys of
// lower-case letters, digits and _ (unique), names, Max from 1 to 1000,
// weights from 0 to 100, and a disagreement percentage from 0 to 100.
func (r Rubric) Validate() error {
	var p i18n.Problems
	if len(r.Criteria) == 0 || len(r.Criteria) > 50 {
		p.Add("rubric", "review.rubric.criteria")
	}
	seen := map[string]bool{}
	for _, c := range r.Criteria {
		switch {
		case !validKey(c.Key) || seen[c.Key]:
			p.Add("rubric", "review.rubric.key", c.Key)
		case strings.TrimSpace(c.Name) == "":
			p.Add("rubric", "review.rubric.name", c.Key)
		case c.Max < 1 || c.Max > 1000 || c.Weight < 0 || c.Weight > 100:
			p.Add("rubric", "review.rubric.max", c.Key)
		}
		seen[c.Key] = true
	}
	if r.DisagreePercent < 0 || r.DisagreePercent > 100 {
		p.Add("rubric", "review.rubric.disagree")
	}
	return p.Err()
}

func validKey(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}

// Total returns the weighted total of one expert's scores. Every criterion
// must be scored, each from 0 to its Max, and nothing else; otherwise the
// problems (field "scores") name the criteria.
func (r Rubric) Total(scores map[string]int) (int, error) {
	var p i18n.Problems
	t := 0
	for _, c := range r.Criteria {
		s, ok := scores[c.Key]
		switch {
		case !ok:
			p.Add("scores", "review.score.missing", c.Name)
		case s < 0 || s > c.Max:
			p.Add("scores", "review.score.range", c.Name, c.Max)
		}
		t += s * c.weight()
	}
	for k := range scores {
		if !slices.ContainsFunc(r.Criteria, func(c Criterion) bool { return c.Key == k }) {
			p.Add("scores", "review.score.unknown", k)
		}
	}
	return t, p.Err()
}

// TrimFrom is the smallest panel whose trimmed mean drops one highest and
// one lowest total. Below it the trimmed mean is the plain mean: with four
// or fewer totals, dropping two would leave too few to mean anything.
const TrimFrom = 5

// Result is the aggregate of a panel's scores.
type Result struct {
	// Totals are the experts' weighted totals, by expert id.
	Totals   map[int64]int `json:"totals"`
	Experts  int           `json:"experts"`
	MaxTotal int           `json:"max_total"`
	Mean     float64       `json:"mean"`
	// TrimmedMean drops one highest and one lowest total when at least
	// TrimFrom experts scored (Trimmed); otherwise it equals Mean.
	TrimmedMean float64 `json:"trimmed_mean"`
	Trimmed     bool    `json:"trimmed"`
	Min         int     `json:"min"`
	Max         int     `json:"max"`
	Spread      int     `json:"spread"` // Max − Min
	// Disagreement is set when Spread × 100 > DisagreePercent × MaxTotal.
	Disagreement bool `json:"disagreement"`
}

// Aggregate totals each expert's scores under r and returns the mean, the
// trimmed mean, the spread and the disagreement flag. Means are exact
// quotients of integer sums (float64 division of integers, correctly
// rounded). An invalid rubric, no scores, or a sheet that is incomplete or
// out of range is an error.
func Aggregate(scores map[int64]map[string]int, r Rubric) (Result, error) {
	if err := r.Validate(); err != nil {
		return Result{}, err
	}
	if len(scores) == 0 {
		return Result{}, i18n.E(i18n.Invalid, "review.score.none")
	}
	res := Result{Totals: make(map[int64]int, len(scores)), Experts: len(scores), MaxTotal: r.MaxTotal()}
	totals := make([]int, 0, len(scores))
	for id, s := range scores {
		t, err := r.Total(s)
		if err != nil {
			return Result{}, err
		}
		res.Totals[id] = t
		totals = append(totals, t)
	}
	slices.Sort(totals)
	sum := 0
	for _, t := range totals {
		sum += t
	}
	res.Min, res.Max = totals[0], totals[len(totals)-1]
	res.Spread = res.Max - res.Min
	res.Mean = float64(sum) / float64(len(totals))
	res.TrimmedMean = res.Mean
	if len(totals) >= TrimFrom {
		res.Trimmed = true
		res.TrimmedMean = float64(sum-res.Min-res.Max) / float64(len(totals)-2)
	}
	res.Disagreement = res.Spread*100 > r.disagreePercent()*res.MaxTotal
	return res, nil
}

// Item is one entry to rank.
type Item struct {
	Key         string  `json:"key"`
	TrimmedMean float64 `json:"trimmed_mean"`
	Mean        float64 `json:"mean"`
	// Tiebreak is a secondary key the area supplies (e.g. the
	// self-funding ratio, §5 "break by a documented secondary key");
	// higher ranks first.
	Tiebreak float64 `json:"tiebreak,omitempty"`
}

// Ranked is an item with its place.
type Ranked struct {
	Item
	// Rank is 1-based; items equal on TrimmedMean, Mean and Tiebreak share
	// it, and the next rank skips (1, 2, 2, 4).
	Rank int  `json:"rank"`
	Tied bool `json:"tied,omitempty"`
}

// Rank orders items by trimmed mean, then mean, then tiebreak (each higher
// first). Items equal on all three share a rank and are listed by Key
// ascending, so the order never depends on the order of the input.
func Rank(items []Item) []Ranked {
	out := make([]Ranked, len(items))
	for i, it := range items {
		out[i] = Ranked{Item: it}
	}
	same := func(a, b Item) int {
		return cmp.Or(cmp.Compare(b.TrimmedMean, a.TrimmedMean), cmp.Compare(b.Mean, a.Mean), cmp.Compare(b.Tiebreak, a.Tiebreak))
	}
	slices.SortFunc(out, func(a, b Ranked) int { return cmp.Or(same(a.Item, b.Item), strings.Compare(a.Key, b.Key)) })
	for i := range out {
		out[i].Rank = i + 1
		if i > 0 && same(out[i-1].Item, out[i].Item) == 0 {
			out[i].Rank = out[i-1].Rank
			out[i].Tied, out[i-1].Tied = true, true
		}
	}
	return out
}

// Vote decides a committee ballot (§8: "会议有效须2/3以上委员出席，
// 获奖须出席委员2/3以上同意"): the meeting is quorate when
// present ≥ quorumNum/quorumDen × members, and the motion passes when it is
// quorate and yes ≥ quorumNum/quorumDen × present — both inclusive, in exact
// integer arithmetic (present × den ≥ members × num), which is the same as
// comparing with the ceiling. The one fraction serves both tests, as in the
// rules. Impossible inputs (present > members, yes > present, negative
// numbers, a fraction outside 0…1) are neither quorate nor passed.
func Vote(present, members, yes int, quorumNum, quorumDen int) (quorate, pass bool) {
	if members <= 0 || present < 0 || present > members || yes < 0 || yes > present ||
		quorumNum < 0 || quorumDen <= 0 || quorumNum > quorumDen {
		return false, false
	}
	quorate = present > 0 && present*quorumDen >= members*quorumNum
	pass = quorate && yes*quorumDen >= present*quorumNum
	return quorate, pass
}
