// Package poverty keeps the bureau's S&T poverty-alleviation work (科技精准扶贫):
// the registered poor households (贫困户) of its paired village (结对帮扶村)
// with their members, income by year, status, the one-household-one-plan
// measures (一户一策) and follow-up visits (走访记录); changes to a household
// through change requests (变更申请) with approval and history; and the
// S&T poverty-alleviation projects (扶贫项目).
//
// The registry is sensitive personal information (security.md §2): resident
// ID numbers and phones are sealed with SM4-GCM bound to their row and
// column, found through a keyed blind index, and shown masked; the clear
// value leaves the service only through Reveal, which needs a reason and
// its own permission and is audited. Audit events and workflow history
// carry masked values only.
//
// The rules (domain-rules.md §10): the cause of poverty is one of the 12
// codes of the national registry system or OTHER with a note; the status
// moves not yet out → out → under monitoring, and back to not yet out
// (返贫) only with a reason and a date; a member's ID number must pass its
// check digit.
package poverty

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/ident"
)

// The causes of poverty (主要致贫原因) of the national poverty-alleviation
// information system: 12 codes and OTHER, which needs a note.
const (
	CauseIllness        = "ILLNESS"         // 因病
	CauseDisability     = "DISABILITY"      // 因残
	CauseEducation      = "EDUCATION"       // 因学
	CauseDisaster       = "DISASTER"        // 因灾
	CauseMarriage       = "MARRIAGE"        // 因婚
	CauseLackLand       = "LACK_LAND"       // 缺土地
	CauseLackWater      = "LACK_WATER"      // 缺水
	CauseLackSkills     = "LACK_SKILLS"     // 缺技术
	CauseLackCapital    = "LACK_CAPITAL"    // 缺资金
	CauseLackLabour     = "LACK_LABOUR"     // 缺劳力
	CausePoorTransport  = "POOR_TRANSPORT"  // 交通条件落后
	CauseLackMotivation = "LACK_MOTIVATION" // 自身发展动力不足
	CauseOther          = "OTHER"           // 其他
)

// Causes lists the cause codes in the registry's order.
var Causes = []string{CauseIllness, CauseDisability, CauseEducation, CauseDisaster, CauseMarriage, CauseLackLand, CauseLackWater,
	CauseLackSkills, CauseLackCapital, CauseLackLabour, CausePoorTransport, CauseLackMotivation, CauseOther}

// ValidCause reports whether code is one of Causes.
func ValidCause(code string) bool { return slices.Contains(Causes, code) }

// The statuses of a household.
const (
	NotOut     = "not_out"    // 未脱贫
	Out        = "out"        // 已脱贫
	Monitoring = "monitoring" // 监测户
)

// Statuses lists the statuses in display order.
var Statuses = []string{NotOut, Out, Monitoring}

// statusMoves are the status changes allowed: out of poverty, into
// monitoring after exit, out of monitoring when the risk is gone, and back
// to not yet out (返贫) from either.
var statusMoves = map[string][]string{
	NotOut:     {Out},
	Out:        {Monitoring, NotOut},
	Monitoring: {Out, NotOut},
}

// CheckStatusMove returns the field error that refuses moving a household
// from status from (dated prevOn) to status to on date on, or nil: the move
// must be allowed, a change of status needs its date, not before the last
// one, and a return to poverty (to NotOut) needs a reason.
func CheckStatusMove(from, to string, prevOn, on calendar.Date, reason string) error {
	if !slices.Contains(Statuses, to) {
		return i18n.FieldError("status", "error.invalid_value")
	}
	if from == to {
		return nil
	}
	if !slices.Contains(statusMoves[from], to) {
		return i18n.FieldError("status", "poverty.status.bad_move")
	}
	if on.IsZero() {
		return i18n.FieldError("status_on", "poverty.status.date_required")
	}
	if !prevOn.IsZero() && on.Before(prevOn) {
		return i18n.FieldError("status_on", "poverty.status.date_before", prevOn.String())
	}
	if to == NotOut && strings.TrimSpace(reason) == "" {
		return i18n.FieldError("reason", "poverty.status.return_reason")
	}
	return nil
}

// MaskID shows a resident ID number as its first four and last four
// characters with a star for each hidden one: 3412**********1234. The
// birth date (characters 7–14) is always hidden.
func MaskID(id string) string { return ident.MaskResidentID(id) }

// MaskPhone shows a phone as its first three and last four digits:
// 138****1234; a number of seven digits or fewer is hidden whole.
func MaskPhone(phone string) string {
	r := []rune(phone)
	if len(r) <= 7 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

// MaskName shows a person's family name and a star for each other
// character: 张*, 欧阳**.
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	if len(r) <= 1 {
		return string(r)
	}
	keep := 1
	if len(r) >= 4 {
		keep = 2 // a compound family name such as 欧阳 on a long name
	}
	return string(r[:keep]) + strings.Repeat("*", len(r)-keep)
}

// ParseID checks a resident ID number (GB 11643: length, characters,
// region, birth date not after today, check digit) and returns it
// normalised (a final x upper-cased). The error is a field error on field,
// with the ident package's message key; it never holds the number.
func ParseID(field, s string, today calendar.Date) (string, error) {
	id, err := ident.ParseResidentID(s, today)
	if err != nil {
		var p i18n.Problems
		p.AddErr(field, err)
		return "", p[0]
	}
	return id.String(), nil
}

var phoneRE = regexp.MustCompile(`^[0-9][0-9-]{6,19}$`)

// ParsePhone normalises a phone (spaces dropped) and checks it: digits and
// hyphens, 7 to 20 characters; "" stays "".
func ParsePhone(s string) (string, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if s == "" || phoneRE.MatchString(s) {
		return s, nil
	}
	return "", i18n.FieldError("phone", "poverty.bad_phone")
}

// Fields are a household's fields that a change request may change. The
// ID numbers and the phone are not among them: they are corrected by the
// people allowed to see them, not carried through a request's history.
type Fields struct {
	HeadName     string        `json:"head_name"`
	MembersCount int           `json:"members_count"`
	CauseCode    string        `json:"cause_code"`
	CauseNote    string        `json:"cause_note"`
	Status       string        `json:"status"`
	StatusOn     calendar.Date `json:"status_on"`
	Cadre        string        `json:"cadre"`
}

// ChangeFields names the fields of a change request, in form order.
var ChangeFields = []string{"head_name", "members_count", "cause_code", "cause_note", "status", "status_on", "cadre"}

// MaxText is the longest free text accepted, in characters.
const MaxText = 200

// MaxMembers is the largest household accepted.
const MaxMembers = 30

// Check returns the problems of f as a household's record: a head name, a
// size of 1 to MaxMembers, a known cause (OTHER with its note), a known
// status, texts within MaxText.
func (f Fields) Check() i18n.Problems {
	var p i18n.Problems
	text := func(field, v string, required bool) {
		switch {
		case required && v == "":
			p.Add(field, "error.required")
		case utf8.RuneCountInString(v) > MaxText:
			p.Add(field, "error.too_long", MaxText)
		}
	}
	text("head_name", f.HeadName, true)
	if f.MembersCount < 1 || f.MembersCount > MaxMembers {
		p.Add("members_count", "poverty.bad_members", MaxMembers)
	}
	switch {
	case !ValidCause(f.CauseCode):
		p.Add("cause_code", "poverty.bad_cause")
	case f.CauseCode == CauseOther && f.CauseNote == "":
		p.Add("cause_note", "poverty.cause_note_required")
	}
	text("cause_note", f.CauseNote, false)
	if !slices.Contains(Statuses, f.Status) {
		p.Add("status", "error.invalid_value")
	}
	text("cadre", f.Cadre, false)
	return p
}

// Propose applies a change request's proposed values (field → value as
// typed) to before and returns the household's fields after it, or the
// problems found: an unknown field, a value that does not parse, a record
// that fails Check, a status move that CheckStatusMove refuses (reason is
// the request's reason). Fields not proposed keep their values.
func Propose(before Fields, proposed map[string]string, reason string) (Fields, error) {
	after := before
	var p i18n.Problems
	if len(proposed) == 0 {
		p.Add("fields", "poverty.change.empty")
	}
	for k, v := range proposed {
		v = strings.TrimSpace(v)
		switch k {
		case "head_name":
			after.HeadName = v
		case "members_count":
			n, err := strconv.Atoi(v)
			if err != nil {
				p.Add(k, "error.invalid_value")
			}
			after.MembersCount = n
		case "cause_code":
			after.CauseCode = v
		case "cause_note":
			after.CauseNote = v
		case "status":
			after.Status = v
		case "status_on":
			d, err := calendar.Parse(v)
			if err != nil && v != "" {
				p.Add(k, "error.invalid_date")
			}
			after.StatusOn = d
		case "cadre":
			after.Cadre = v
		default:
			p.Add("fields", "poverty.change.unknown_field", k)
		}
	}
	if err := p.Err(); err != nil {
		return before, err
	}
	if p = after.Check(); len(p) > 0 {
		return before, p
	}
	if err := CheckStatusMove(before.Status, after.Status, before.StatusOn, after.StatusOn, reason); err != nil {
		return before, err
	}
	return after, nil
}

// Change is one field a change request changes, with its values before
// and after as text.
type Change struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Diff lists the fields that differ between a and b, in ChangeFields order.
func Diff(a, b Fields) []Change {
	va, vb := a.values(), b.values()
	var out []Change
	for _, f := range ChangeFields {
		if va[f] != vb[f] {
			out = append(out, Change{Field: f, Before: va[f], After: vb[f]})
		}
	}
	return out
}

func (f Fields) values() map[string]string {
	return map[string]string{"head_name": f.HeadName, "members_count": strconv.Itoa(f.MembersCount), "cause_code": f.CauseCode,
		"cause_note": f.CauseNote, "status": f.Status, "status_on": f.StatusOn.String(), "cadre": f.Cadre}
}

// --- 科技特派员 ---

// The levels of an S&T commissioner.
const (
	LevelProvince = "province" // 省级
	LevelCity     = "city"     // 市级
	LevelCounty   = "county"   // 县级
)

// Levels lists the commissioner levels, highest first.
var Levels = []string{LevelProvince, LevelCity, LevelCounty}

// The yearly ratings of a commissioner (优秀 / 良好 / 合格 / 不合格).
const (
	RatingExcellent = "excellent"
	RatingGood      = "good"
	RatingPass      = "pass"
	RatingFail      = "fail"
)

// Ratings lists the ratings, best first.
var Ratings = []string{RatingExcellent, RatingGood, RatingPass, RatingFail}

// MayReappoint reports whether a commissioner may be appointed for a year
// given the previous year's term: no previous term, or one not rated
// 不合格 (Bengbu 2021 practice: re-appointment needs 合格 or better; a term
// not yet rated does not block).
func MayReappoint(hadPrevious bool, previousRating string) bool {
	return !hadPrevious || previousRating != RatingFail
}

// The kinds of an assignment and of a service log entry.
const (
	AssignVillage    = "village"
	AssignHousehold  = "household"
	AssignEnterprise = "enterprise"

	ServiceVisit    = "service"  // 服务 (on-site guidance, consultation)
	ServiceTraining = "training" // 培训
)

// Assignment is a commissioner's assignment in a year.
type Assignment struct {
	ID             int64  `json:"id"`
	CommissionerID int64  `json:"commissioner_id"`
	Year           int    `json:"year"`
	Kind           string `json:"kind"`
	RegionCode     string `json:"region_code,omitempty"`
	PlaceName      string `json:"place_name,omitempty"` // the village, or the household's head (masked)
	HouseholdID    int64  `json:"household_id,omitempty"`
	EnterpriseName string `json:"enterprise_name,omitempty"`
	AgreementNo    string `json:"agreement_no,omitempty"`
}

// Incomplete reports whether the assignment lacks what it needs: a paired
// village's assignment without its assistance agreement (帮扶协议).
func (a Assignment) Incomplete() bool {
	return a.Kind == AssignVillage && strings.TrimSpace(a.AgreementNo) == ""
}

// ServiceLog is one entry of a commissioner's service log: a service or a
// training given, with its trainees.
type ServiceLog struct {
	ID             int64         `json:"id"`
	CommissionerID int64         `json:"commissioner_id"`
	AssignmentID   int64         `json:"assignment_id,omitempty"`
	ServedOn       calendar.Date `json:"served_on"`
	Kind           string        `json:"kind"`
	Topic          string        `json:"topic"`
	Trainees       int           `json:"trainees"`
	Notes          string        `json:"notes,omitempty"`
}

// YearSummary is a commissioner's year: assignments by kind, the services
// and trainings given, trainees, the distinct days served, and the
// assignments that are incomplete.
type YearSummary struct {
	Year        int     `json:"year"`
	Villages    int     `json:"villages"`
	Households  int     `json:"households"`
	Enterprises int     `json:"enterprises"`
	Services    int     `json:"services"`
	Trainings   int     `json:"trainings"`
	Trainees    int     `json:"trainees"`
	Days        int     `json:"days"`
	Incomplete  []int64 `json:"incomplete,omitempty"`
}

// Summarize computes the summary of year from a commissioner's assignments
// and service log (entries of other years are left out).
func Summarize(year int, as []Assignment, ss []ServiceLog) YearSummary {
	sum := YearSummary{Year: year}
	for _, a := range as {
		if a.Year != year {
			continue
		}
		switch a.Kind {
		case AssignVillage:
			sum.Villages++
		case AssignHousehold:
			sum.Households++
		case AssignEnterprise:
			sum.Enterprises++
		}
		if a.Incomplete() {
			sum.Incomplete = append(sum.Incomplete, a.ID)
		}
	}
	days := map[calendar.Date]bool{}
	for _, s := range ss {
		if s.ServedOn.Year != year {
			continue
		}
		days[s.ServedOn] = true
		if s.Kind == ServiceTraining {
			sum.Trainings++
			sum.Trainees += s.Trainees
		} else {
			sum.Services++
		}
	}
	sum.Days = len(days)
	return sum
}
