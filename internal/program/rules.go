package program

import (
	"cmp"
	"math"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/money"
)

// DefaultPublicityDays is the publicity length of a district plan project
// when the call does not say: domain rules §5.2 and §13.1 found no source,
// so it is a parameter with this default.
const DefaultPublicityDays = 5

// FullShare is 100% in basis points: the installment shares of a plan
// total exactly this.
const FullShare = 10000

// Limits of the free texts.
const (
	maxTitle  = 200
	maxAnswer = 20000
	maxGoals  = 5000
	maxRef    = 100
)

var keyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

func clean(s string) string { return strings.TrimSpace(s) }

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// CheckForm checks a form definition: well-formed unique keys, labels,
// known types, choices for a choice field.
func CheckForm(f Form, p *i18n.Problems) {
	seen := map[string]bool{}
	for i, fd := range f.Fields {
		switch {
		case !keyRE.MatchString(fd.Key) || seen[fd.Key]:
			p.Add("form", "program.form.bad_key", i+1, fd.Key)
		case clean(fd.Label) == "":
			p.Add("form", "program.form.no_label", fd.Key)
		case !slices.Contains(FieldTypes, fd.Type):
			p.Add("form", "program.form.bad_type", fd.Key, fd.Type)
		case fd.Type == FieldChoice && len(fd.Choices) == 0:
			p.Add("form", "program.form.no_choices", fd.Key)
		case fd.Max < 0:
			p.Add("form", "program.form.bad_max", fd.Key)
		}
		seen[fd.Key] = true
	}
	for i, a := range f.Attachments {
		switch {
		case !keyRE.MatchString(a.Key) || seen["attachment:"+a.Key]:
			p.Add("form", "program.form.bad_key", len(f.Fields)+i+1, a.Key)
		case clean(a.Label) == "":
			p.Add("form", "program.form.no_label", a.Key)
		}
		seen["attachment:"+a.Key] = true
	}
}

// CheckCall validates a call and returns it cleaned, with the defaults
// filled in (5 publicity working days, a 60/40 plan).
func CheckCall(in CallInput) (CallInput, error) {
	var p i18n.Problems
	in.Title = clean(in.Title)
	if in.Title == "" {
		p.Add("title", "error.required")
	} else if tooLong(in.Title, maxTitle) {
		p.Add("title", "error.too_long", maxTitle)
	}
	if !slices.Contains(Types, in.Type) {
		p.Add("call_type", "program.call.bad_type")
	}
	if in.Year < 2000 || in.Year > 2100 {
		p.Add("year", "program.call.bad_year")
	}
	switch {
	case in.OpensAt.IsZero():
		p.Add("opens_at", "error.required")
	case in.ClosesAt.IsZero():
		p.Add("closes_at", "error.required")
	case !in.ClosesAt.After(in.OpensAt):
		p.Add("closes_at", "program.call.closes_before_opens")
	}
	if in.GraceMinutes < 0 || in.GraceMinutes > 7*24*60 {
		p.Add("grace_minutes", "program.call.bad_grace")
	}
	seen := map[string]bool{}
	for _, c := range in.Eligibility {
		if !slices.Contains(Conditions, c) || seen[c] {
			p.Add("eligibility", "program.call.bad_condition", c)
		}
		seen[c] = true
	}
	CheckForm(in.Form, &p)
	if in.PublicityDays == 0 {
		in.PublicityDays = DefaultPublicityDays
	}
	if in.PublicityDays < 1 || in.PublicityDays > 60 {
		p.Add("publicity_days", "program.call.bad_publicity")
	}
	if len(in.Plan) == 0 {
		in.Plan = []int64{6000, 4000}
	}
	if err := CheckPlan(in.Plan); err != nil {
		p.AddErr("installment_plan", err)
	}
	if in.Budget < 0 {
		p.Add("budget", "program.budget.negative")
	}
	return in, p.Err()
}

// CheckPlan checks an installment plan: one to ten shares, each positive,
// totalling exactly 10000 basis points (100%).
func CheckPlan(plan []int64) error {
	if len(plan) == 0 || len(plan) > 10 {
		return i18n.FieldError("installment_plan", "program.plan.count")
	}
	var sum int64
	for _, s := range plan {
		if s <= 0 || s > FullShare {
			return i18n.FieldError("installment_plan", "program.plan.share")
		}
		sum += s
	}
	if sum != FullShare {
		return i18n.FieldError("installment_plan", "program.plan.total", PercentText(sum))
	}
	return nil
}

// PercentText shows basis points as a percentage: 6000 → 60%, 3350 → 33.5%.
func PercentText(bp int64) string {
	return strconv.FormatFloat(float64(bp)/100, 'f', -1, 64) + "%"
}

// PlanText shows a plan as 60/40.
func PlanText(plan []int64) string {
	parts := make([]string, len(plan))
	for i, s := range plan {
		parts[i] = strings.TrimSuffix(PercentText(s), "%")
	}
	return strings.Join(parts, "/")
}

// ParsePlan reads a plan typed as percentages, 60/40 or 60,40 or 33.5/66.5.
func ParsePlan(s string) ([]int64, error) {
	s = strings.NewReplacer("％", "", "%", "", "，", "/", ",", "/", "、", "/", " ", "").Replace(s)
	if s == "" {
		return nil, nil
	}
	var out []int64
	for _, part := range strings.Split(s, "/") {
		f, err := strconv.ParseFloat(part, 64)
		if err != nil || f < 0 || f > 100 {
			return nil, i18n.FieldError("installment_plan", "program.plan.share")
		}
		bp := math.Round(f * 100)
		if math.Abs(f*100-bp) > 1e-6 {
			return nil, i18n.FieldError("installment_plan", "program.plan.share")
		}
		out = append(out, int64(bp))
	}
	return out, nil
}

// Installments divides budget by plan with money.Split, so that the
// amounts add up exactly to the budget: 40万元 at 60/40 gives 240,000 元
// and 160,000 元. The first is due after signing, the last after
// acceptance, any in between after the mid-term check.
func Installments(budget money.Fen, plan []int64) ([]Installment, error) {
	if err := CheckPlan(plan); err != nil {
		return nil, err
	}
	amounts, err := money.Split(budget, plan)
	if err != nil {
		return nil, i18n.FieldError("budget", "program.budget.invalid")
	}
	out := make([]Installment, len(plan))
	for i := range plan {
		due := DueMidterm
		switch {
		case i == 0:
			due = DueSigning
		case i == len(plan)-1:
			due = DueAcceptance
		}
		out[i] = Installment{Seq: i + 1, ShareBP: plan[i], Amount: amounts[i], Due: due, Status: InstPlanned}
	}
	return out, nil
}

// AddMonths returns the same day n months after d, or the last day of
// the month when it has no such day (a notice of 30 November has its
// 3-month deadline on 28 February, or 29 in a leap year). The calendar
// package has no AddMonths, so it lives here.
func AddMonths(d calendar.Date, n int) calendar.Date {
	m := int(d.Month) - 1 + n
	y := d.Year + floorDiv(m, 12)
	mon := time.Month(m - floorDiv(m, 12)*12 + 1)
	last := time.Date(y, mon+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return calendar.Date{Year: y, Month: mon, Day: min(d.Day, last)}
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// RectificationDue is the deadline of a rectification noticed on the given
// day: three months later (domain rules §5.2, once, within 3 months).
func RectificationDue(noticed calendar.Date) calendar.Date { return AddMonths(noticed, 3) }

// WithinWindow is the within_window guard: a submission at now is taken
// from the opening up to the close plus the grace period, while the call
// is open.
func WithinWindow(c *Call, now time.Time) error {
	switch {
	case c.Status != CallOpen:
		return i18n.E(i18n.Conflict, "program.window.not_open")
	case now.Before(c.OpensAt):
		return i18n.E(i18n.Conflict, "program.window.not_yet", c.OpensAt.In(calendar.Shanghai).Format("2006-01-02 15:04"))
	case now.After(c.Deadline()):
		return i18n.E(i18n.Conflict, "program.window.closed", c.ClosesAt.In(calendar.Shanghai).Format("2006-01-02 15:04"))
	}
	return nil
}

// Eligible checks the call's conditions against an enterprise's facts and
// names each unmet condition as a problem of the field "eligibility".
func Eligible(c *Call, f Facts) error {
	var p i18n.Problems
	for _, cond := range c.Eligibility {
		ok := true
		switch cond {
		case CondInDistrict:
			ok = f.RegionCode != "" && strings.HasPrefix(f.RegionCode, c.RegionCode)
		case CondHTEValid:
			ok = f.HTEValid
		case CondTechSME:
			ok = f.TechSME
		case CondNotBlacklisted:
			ok = !f.Blacklisted
		}
		if !ok {
			p.Add("eligibility", "program.cond.unmet."+cond, f.Name)
		}
	}
	return p.Err()
}

// CheckAnswersLoose is the check of an auto-save: only known field keys,
// and no answer beyond maxAnswer characters. Required fields and formats
// wait for the submit.
func CheckAnswersLoose(f Form, answers map[string]string) error {
	var p i18n.Problems
	for k, v := range answers {
		if !slices.ContainsFunc(f.Fields, func(fd Field) bool { return fd.Key == k }) {
			p.Add("answers", "program.answer.unknown", k)
		} else if tooLong(v, maxAnswer) {
			p.Add(k, "error.too_long", maxAnswer)
		}
	}
	return p.Err()
}

// CheckAnswers is the check of a submit: every required field answered and
// every answer well formed for its type, every required attachment with at
// least one stored file (attachments: key → names of the stored files).
// Each problem names the field (by its key; attachments as
// attachment_<key>) and carries its label as the first argument.
func CheckAnswers(f Form, answers map[string]string, attachments map[string][]string) error {
	if err := CheckAnswersLoose(f, answers); err != nil {
		return err
	}
	var p i18n.Problems
	for _, fd := range f.Fields {
		v := clean(answers[fd.Key])
		if v == "" {
			if fd.Required {
				p.Add(fd.Key, "program.answer.required", fd.Label)
			}
			continue
		}
		switch fd.Type {
		case FieldText, FieldTable:
			if fd.Max > 0 && int64(utf8.RuneCountInString(v)) > fd.Max {
				p.Add(fd.Key, "program.answer.too_long", fd.Label, fd.Max)
			}
		case FieldNumber:
			n, err := strconv.ParseFloat(v, 64)
			switch {
			case err != nil:
				p.Add(fd.Key, "program.answer.not_number", fd.Label)
			case fd.Max > 0 && n > float64(fd.Max):
				p.Add(fd.Key, "program.answer.too_large", fd.Label, fd.Max)
			}
		case FieldMoney:
			a, err := money.ParseYuan(v)
			switch {
			case err != nil:
				p.Add(fd.Key, "program.answer.not_money", fd.Label)
			case fd.Max > 0 && a > money.Fen(fd.Max*100):
				p.Add(fd.Key, "program.answer.too_large", fd.Label, fd.Max)
			}
		case FieldDate:
			if _, err := calendar.Parse(v); err != nil {
				p.Add(fd.Key, "program.answer.not_date", fd.Label)
			}
		case FieldChoice:
			if !slices.Contains(fd.Choices, v) {
				p.Add(fd.Key, "program.answer.not_choice", fd.Label)
			}
		}
	}
	for _, a := range f.Attachments {
		if a.Required && len(attachments[a.Key]) == 0 {
			p.Add("attachment_"+a.Key, "program.attachment.required", a.Label)
		}
	}
	return p.Err()
}

// CheckContract validates a contract: goals, milestones with dates, a
// positive budget, the plan (see CheckPlan), and a start before the end.
func CheckContract(in ContractInput) (ContractInput, error) {
	var p i18n.Problems
	in.Goals = clean(in.Goals)
	if in.Goals == "" {
		p.Add("goals", "error.required")
	} else if tooLong(in.Goals, maxGoals) {
		p.Add("goals", "error.too_long", maxGoals)
	}
	for i := range in.Milestones {
		in.Milestones[i].Title = clean(in.Milestones[i].Title)
		if in.Milestones[i].Title == "" || in.Milestones[i].Due.IsZero() {
			p.Add("milestones", "program.contract.bad_milestone", i+1)
		}
	}
	if in.Budget <= 0 {
		p.Add("budget", "program.budget.invalid")
	}
	if err := CheckPlan(in.Plan); err != nil {
		p.AddErr("installment_plan", err)
	}
	switch {
	case in.Start.IsZero():
		p.Add("contract_start", "error.required")
	case in.End.IsZero():
		p.Add("contract_end", "error.required")
	case !in.End.After(in.Start):
		p.Add("contract_end", "program.contract.end_before_start")
	}
	return in, p.Err()
}

// ExtensionOnce is the extension_once guard: one extension per project.
func ExtensionOnce(granted int) error {
	if granted > 0 {
		return i18n.FieldError("extension_until", "program.extension.once")
	}
	return nil
}

// ExtensionEarly is the extension_early_enough guard: the request comes at
// least 3 months before the contract ends (domain rules §5.2).
func ExtensionEarly(today, end calendar.Date) error {
	if end.IsZero() || AddMonths(today, 3).After(end) {
		return i18n.FieldError("extension_until", "program.extension.late")
	}
	return nil
}

// ExtensionLength is the extension_at_most_one_year guard: the new end is
// after the current one and at most one year later.
func ExtensionLength(end, until calendar.Date) error {
	switch {
	case until.IsZero():
		return i18n.FieldError("extension_until", "error.required")
	case !until.After(end):
		return i18n.FieldError("extension_until", "program.extension.not_later")
	case until.After(end.AddYears(1)):
		return i18n.FieldError("extension_until", "program.extension.too_long")
	}
	return nil
}

// Ranked is one application as the ranking orders it.
type Ranked struct {
	ID          int64
	Score       *big.Rat
	SubmittedAt time.Time
}

// Rank orders applications by score, highest first. A tie goes to the
// earlier first submission, then to the lower id (the earlier draft):
// documented keys, so the order never depends on how rows come back.
func Rank(rs []Ranked) {
	slices.SortStableFunc(rs, func(a, b Ranked) int {
		if c := b.Score.Cmp(a.Score); c != 0 {
			return c
		}
		if c := a.SubmittedAt.Compare(b.SubmittedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}
