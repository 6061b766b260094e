package visit

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
)

// ResearchDay is the bureau's 企业调研日: "把每周四固定为企业调研日"
// (the work report). A visit on another day is recorded with a warning,
// never refused.
const ResearchDay = time.Thursday

// The research-day warnings, as i18n keys.
const (
	WarnNotThursday = "visit.day.not_thursday" // NOT_THURSDAY: the visit was not on a Thursday
	WarnHolidayWeek = "visit.day.holiday_week" // the week's Thursday was a day off, so the visit moved
)

// DayWarning returns the warning a visit on d carries, or "" when d is the
// research day. When the Thursday of d's week (Monday to Sunday) is a day
// off in cal — a holiday — the warning says the visit moved for it; a nil
// cal means the embedded holiday calendar.
func DayWarning(d calendar.Date, cal *calendar.Calendar) string {
	if d.IsZero() || d.Weekday() == ResearchDay {
		return ""
	}
	if cal == nil {
		cal = calendar.Default()
	}
	fromMonday := (int(d.Weekday()) + 6) % 7
	thursday := d.AddDays(3 - fromMonday)
	if !cal.IsWorkday(thursday) {
		return WarnHolidayWeek
	}
	return WarnNotThursday
}

// Categories are the kinds of technical need, in display order; each has
// the label visit.category.<code>:
//
//	product    新产品研发   a new product or a new generation of one
//	process    工艺改进     production process, yield, energy use
//	testing    检验检测     testing, inspection, certification
//	talent     人才需求     researchers, engineers, skilled workers
//	equipment  设备升级     equipment, automation, digitalisation
//	transfer   成果转化     buying, licensing or applying research results
//	other      其他
//
// The city bureau's sheet prints the Chinese label.
var Categories = []string{"product", "process", "testing", "talent", "equipment", "transfer", "other"}

// MatchKinds are the forms of a matchmaking, with labels visit.match.kind.<code>:
// meeting 对接会, visit 走访 (to the university or the enterprise), online 线上对接.
var MatchKinds = []string{"meeting", "visit", "online"}

// The statuses of a need.
const (
	Collected = "collected" // 已收集
	Forwarded = "forwarded" // 已上报市局
	Matched   = "matched"   // 已对接
	Solved    = "solved"    // 已解决
	Closed    = "closed"    // 已关闭
)

// Statuses lists the statuses of a need in their usual order; each has
// the label visit.need.status.<status>.
var Statuses = []string{Collected, Forwarded, Matched, Solved, Closed}

// Transition is one allowed change of a need's status.
type Transition struct {
	From, To string
	Key      string // i18n key of the action
	// Reason says the change needs a reason (every step back, and closing).
	Reason bool
	// Enterprise says an enterprise user may take it, on its own need.
	Enterprise bool
	// Batch says only a forwarding batch takes it (上报市局 goes with the
	// city's sheet, never one need at a time).
	Batch bool
	// Guard, when set, must hold for the need.
	Guard func(n *Need) bool
}

// wasForwarded reports whether the need is still with the city bureau.
func wasForwarded(n *Need) bool { return !n.ForwardedOn.IsZero() }

func notForwarded(n *Need) bool { return n.ForwardedOn.IsZero() }

// Transitions is the status machine of a need. Forward steps: collected →
// forwarded (by batch) → matched → solved; the bureau may also match a
// need itself without the city (collected → matched). Steps back: the city
// returns a need (forwarded → collected); a match falls through (matched →
// forwarded, or collected when the need never went to the city); a closed
// need is reopened (closed → collected). Solved is final.
var Transitions = []Transition{
	{From: Collected, To: Forwarded, Key: "visit.need.act.forward", Batch: true},
	{From: Collected, To: Matched, Key: "visit.need.act.match"},
	{From: Collected, To: Closed, Key: "visit.need.act.close", Reason: true, Enterprise: true},
	{From: Forwarded, To: Matched, Key: "visit.need.act.match"},
	{From: Forwarded, To: Collected, Key: "visit.need.act.return", Reason: true},
	{From: Forwarded, To: Closed, Key: "visit.need.act.close", Reason: true},
	{From: Matched, To: Solved, Key: "visit.need.act.solve"},
	{From: Matched, To: Forwarded, Key: "visit.need.act.fall_through", Reason: true, Guard: wasForwarded},
	{From: Matched, To: Collected, Key: "visit.need.act.fall_through", Reason: true, Guard: notForwarded},
	{From: Matched, To: Closed, Key: "visit.need.act.close", Reason: true},
	{From: Closed, To: Collected, Key: "visit.need.act.reopen", Reason: true},
}

// Editable reports whether a need's content may still change: only while
// collected, since once forwarded it is what the city received.
func Editable(status string) bool { return status == Collected }

// Actions returns the transitions a person may take on n from its page:
// not the batch step, and for an enterprise user only its own steps.
func Actions(n *Need, enterprise bool) []Transition {
	var out []Transition
	for _, t := range Transitions {
		if t.From != n.Status || t.Batch || (enterprise && !t.Enterprise) || (t.Guard != nil && !t.Guard(n)) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// CheckTransition returns the transition that moves n to status to, or the
// error that refuses it: Invalid for an unknown status or a missing reason,
// Conflict for a change the machine does not allow from n's status,
// Forbidden for an enterprise user taking a staff step. viaBatch says a
// forwarding batch asks.
func CheckTransition(n *Need, to, reason string, enterprise, viaBatch bool) (Transition, error) {
	if !slices.Contains(Statuses, to) {
		return Transition{}, i18n.FieldError("need_status", "visit.need.status.unknown", to)
	}
	for _, t := range Transitions {
		if t.From != n.Status || t.To != to || (t.Guard != nil && !t.Guard(n)) {
			continue
		}
		switch {
		case t.Batch != viaBatch:
			return t, i18n.E(i18n.Conflict, "visit.need.forward.batch_only")
		case enterprise && !t.Enterprise:
			return t, i18n.E(i18n.Forbidden, "error.forbidden")
		case t.Reason && strings.TrimSpace(reason) == "":
			return t, i18n.FieldError("reason", "visit.need.reason_required")
		}
		return t, nil
	}
	if viaBatch {
		return Transition{}, i18n.E(i18n.Conflict, "visit.batch.not_collected", n.Title)
	}
	return Transition{}, i18n.E(i18n.Conflict, "visit.need.illegal."+n.Status)
}

// phoneRE matches a mobile number or a landline with area code.
var phoneRE = regexp.MustCompile(`^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$`)

// clean trims and folds full-width forms, as people paste them from Word.
func clean(s string) string { return strings.TrimSpace(norm.NFKC.String(s)) }

// text trims a free text, keeping its full-width punctuation.
func text(s string) string { return strings.TrimSpace(s) }

func tooLong(p *i18n.Problems, field, s string, n int) {
	if utf8.RuneCountInString(s) > n {
		p.Add(field, "error.too_long", n)
	}
}

func required(p *i18n.Problems, field, s string, n int) {
	if s == "" {
		p.Add(field, "error.required")
		return
	}
	tooLong(p, field, s, n)
}

func phone(p *i18n.Problems, field string, s *string) {
	*s = strings.NewReplacer(" ", "", "—", "-").Replace(clean(*s))
	if *s != "" && !phoneRE.MatchString(*s) {
		p.Add(field, "visit.phone.format")
	}
}

// pastDate checks a required date that cannot lie after today.
func pastDate(p *i18n.Problems, field string, d, today calendar.Date) {
	switch {
	case d.IsZero():
		p.Add(field, "error.required")
	case d.After(today):
		p.Add(field, "visit.date.future")
	}
}

// SplitNames splits a list of names typed in one field: 张三、李四，王五.
func SplitNames(s string) []string {
	f := strings.FieldsFunc(norm.NFKC.String(s), func(r rune) bool {
		return r == '、' || r == ',' || r == ';' || r == '/' || r == '\n' || r == ' ' || r == '\t' || r == '\u3000'
	})
	var out []string
	for _, n := range f {
		if n = strings.TrimSpace(n); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func joinNames(ps []Person) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return strings.Join(names, "、")
}

// The limits of the free texts, in characters.
const (
	maxTopics      = 200
	maxNotes       = 4000
	maxShort       = 200
	maxName        = 30
	maxOthers      = 10
	maxTitle       = 100
	maxDescription = 2000
	maxExpected    = 1000
	maxPartner     = 100
	maxOutcome     = 2000
	maxBatchNumber = 30
	maxBatchNote   = 500
)

// checkVisit cleans in and returns every problem that needs no database.
func checkVisit(in VisitInput, today calendar.Date) (VisitInput, i18n.Problems) {
	var p i18n.Problems
	in.Topics, in.Notes, in.OffDayNote = text(in.Topics), text(in.Notes), text(in.OffDayNote)
	pastDate(&p, "visit_date", in.Date, today)
	if in.EnterpriseID <= 0 {
		p.Add("enterprise_id", "error.required")
	}
	required(&p, "visit_topics", in.Topics, maxTopics)
	tooLong(&p, "visit_notes", in.Notes, maxNotes)
	tooLong(&p, "visit_off_day_note", in.OffDayNote, maxShort)
	others := SplitNames(strings.Join(in.Others, "、"))
	if len(others) > maxOthers {
		p.Add("visit_others", "visit.staff.too_many", maxOthers)
	}
	for _, n := range others {
		if utf8.RuneCountInString(n) > maxName {
			p.Add("visit_others", "error.too_long", maxName)
			break
		}
	}
	in.Others = others
	var ids []int64
	for _, id := range in.StaffIDs {
		if id > 0 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	in.StaffIDs = ids
	return in, p
}

// checkNeed cleans in and returns every problem that needs no database.
func checkNeed(in NeedInput, today calendar.Date) (NeedInput, i18n.Problems) {
	var p i18n.Problems
	in.Category = clean(in.Category)
	in.Title, in.Description, in.Expected = text(in.Title), text(in.Description), text(in.Expected)
	in.ContactName = clean(in.ContactName)
	if in.Category == "" {
		p.Add("need_category", "error.required")
	} else if !slices.Contains(Categories, in.Category) {
		p.Add("need_category", "error.invalid_value")
	}
	required(&p, "need_title", in.Title, maxTitle)
	required(&p, "need_description", in.Description, maxDescription)
	tooLong(&p, "need_expected", in.Expected, maxExpected)
	if in.Budget < 0 {
		p.Add("need_budget", "money.negative")
	}
	tooLong(&p, "contact_name", in.ContactName, maxName)
	phone(&p, "contact_phone", &in.ContactPhone)
	if !in.CollectedOn.IsZero() && in.CollectedOn.After(today) {
		p.Add("need_collected_on", "visit.date.future")
	}
	return in, p
}

// checkBatch cleans in and returns every problem that needs no database.
func checkBatch(in BatchInput, today calendar.Date) (BatchInput, i18n.Problems) {
	var p i18n.Problems
	in.Number, in.Note = clean(in.Number), text(in.Note)
	required(&p, "batch_number", in.Number, maxBatchNumber)
	pastDate(&p, "batch_sent_on", in.SentOn, today)
	tooLong(&p, "note", in.Note, maxBatchNote)
	var ids []int64
	for _, id := range in.NeedIDs {
		if id > 0 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	in.NeedIDs = ids
	if len(ids) == 0 {
		p.Add("batch_needs", "visit.batch.empty")
	}
	return in, p
}

// BatchNumber is the usual number of a batch sent on d: its year and month,
// as 2026-03.
func BatchNumber(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()[:7]
}

// checkMatch cleans in and returns every problem that needs no database.
func checkMatch(in MatchInput, today calendar.Date) (MatchInput, i18n.Problems) {
	var p i18n.Problems
	in.Partner, in.PartnerContact = text(in.Partner), clean(in.PartnerContact)
	in.Kind, in.Topic, in.Outcome = clean(in.Kind), text(in.Topic), text(in.Outcome)
	if in.EnterpriseID <= 0 {
		p.Add("enterprise_id", "error.required")
	}
	required(&p, "match_partner", in.Partner, maxPartner)
	tooLong(&p, "match_partner_contact", in.PartnerContact, maxName)
	phone(&p, "match_partner_phone", &in.PartnerPhone)
	pastDate(&p, "match_date", in.Date, today)
	if in.Kind == "" {
		p.Add("match_kind", "error.required")
	} else if !slices.Contains(MatchKinds, in.Kind) {
		p.Add("match_kind", "error.invalid_value")
	}
	tooLong(&p, "match_topic", in.Topic, maxShort)
	tooLong(&p, "match_outcome", in.Outcome, maxOutcome)
	if in.Agreement {
		pastDate(&p, "match_agreement_on", in.AgreementOn, today)
		if in.AgreementAmount < 0 {
			p.Add("match_agreement_amount", "money.negative")
		}
	} else if !in.AgreementOn.IsZero() || in.AgreementAmount != 0 {
		p.Add("match_agreement", "visit.match.agreement_unticked")
	}
	if in.MarkMatched && in.NeedID <= 0 {
		p.Add("match_mark_matched", "visit.match.no_need")
	}
	return in, p
}
