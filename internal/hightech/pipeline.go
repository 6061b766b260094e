package hightech

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"kejiju/internal/calendar"
	"kejiju/internal/money"
)

// PoolEntry is one stay of an enterprise in the 培育库 (cultivation pool):
// when and why it entered, and when and why it left (zero ExitedOn while it
// is still in).
type PoolEntry struct {
	ID           int64         `json:"id"`
	EnterpriseID int64         `json:"enterprise_id"`
	EnteredOn    calendar.Date `json:"entered_on"`
	Reason       string        `json:"reason"`
	ExitedOn     calendar.Date `json:"exited_on,omitzero"`
	ExitReason   string        `json:"exit_reason,omitempty"`
	CreatedBy    int64         `json:"created_by,omitempty"`
	CreatedAt    time.Time     `json:"created_at"`
}

// Open reports whether the enterprise is still in the pool by this entry.
func (e PoolEntry) Open() bool { return e.ExitedOn.IsZero() }

// InOn reports whether the entry covers the day d: entered on or before it
// and not left by then (the exit day is outside the pool).
func (e PoolEntry) InOn(d calendar.Date) bool {
	return !e.EnteredOn.After(d) && (e.ExitedOn.IsZero() || e.ExitedOn.After(d))
}

// Application is one year's 高企 申报 of an enterprise: a first application
// or a 重新认定 (re-certification) when its certificate expires, and the
// outcome.
type Application struct {
	ID             int64         `json:"id"`
	EnterpriseID   int64         `json:"enterprise_id"`
	EnterpriseName string        `json:"enterprise_name,omitempty"`
	RegionCode     string        `json:"region_code,omitempty"`
	Year           int           `json:"year"`
	Batch          int           `json:"batch"`
	Kind           string        `json:"kind"`   // KindFirst or KindRecert
	Status         string        `json:"status"` // Status…
	CertificateNo  string        `json:"certificate_no,omitempty"`
	DecidedOn      calendar.Date `json:"decided_on,omitzero"`
	Note           string        `json:"note,omitempty"`
	Version        int           `json:"version"`
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
}

// The kinds of application.
const (
	KindFirst  = "first"  // 首次申报
	KindRecert = "recert" // 重新认定: the enterprise's certificate expires
)

// The statuses of an application.
const (
	StatusSubmitted  = "submitted"  // 已申报
	StatusRecognized = "recognized" // 认定
	StatusRejected   = "rejected"   // 未通过
	StatusWithdrawn  = "withdrawn"  // 撤回
)

// Statuses lists the statuses in display order.
var Statuses = []string{StatusSubmitted, StatusRecognized, StatusRejected, StatusWithdrawn}

// Transitions is the state table of an application: for each status, the
// statuses a decision may move it to. A status that is not a key is final.
var Transitions = map[string][]string{
	StatusSubmitted: {StatusRecognized, StatusRejected, StatusWithdrawn},
}

// CanMove reports whether a decision may move an application from one
// status to another.
func CanMove(from, to string) bool { return slices.Contains(Transitions[from], to) }

// Award is a result or a reward the bureau records for an enterprise: a
// 绩效评价 (performance evaluation) result, or a local reward for a
// first-time recognition or a re-certification.
type Award struct {
	ID           int64     `json:"id"`
	EnterpriseID int64     `json:"enterprise_id"`
	Year         int       `json:"year"`
	Kind         string    `json:"kind"`   // Award…
	Result       string    `json:"result"` // such as 优秀 for a performance evaluation
	Amount       money.Fen `json:"amount"`
	Note         string    `json:"note,omitempty"`
	CreatedBy    int64     `json:"created_by,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

// The kinds of award. The amounts are the locality's (domain rules §1.3:
// Fuyang and district amounts are not published), entered per award.
const (
	AwardPerformance      = "performance"       // 绩效评价 result, with or without money
	AwardFirstRecognition = "first_recognition" // 首次认定奖励
	AwardRecert           = "recert"            // 重新认定奖励
	AwardOther            = "other"             // any other reward or result, named in the note
)

// AwardKinds lists the kinds of award in display order.
var AwardKinds = []string{AwardPerformance, AwardFirstRecognition, AwardRecert, AwardOther}

// ApplicationKind says how an enterprise applies in year: KindRecert when it
// holds an HTE certificate that expires in or before that year, else
// KindFirst. When a certificate stays in force past the end of year the
// enterprise has nothing to apply for; ApplicationKind then returns that
// certificate and false.
func ApplicationKind(p *Profile, year int) (kind string, valid Certificate, ok bool) {
	kind = KindFirst
	for _, c := range p.Certificates {
		if c.Kind != CertHTE || !c.ValidFrom.IsValid() || c.ValidFrom.Year > year {
			continue
		}
		if exp := c.Expires(); exp.Year > year {
			return "", c, false
		}
		kind = KindRecert
	}
	return kind, Certificate{}, true
}

// The stages of the pipeline board.
const (
	StagePool       = "pool"       // in the 培育库
	StageApplied    = "applied"    // applied this year, not yet decided
	StageRecognized = "recognized" // recognised this year
	StageRejected   = "rejected"   // not recognised this year
	StageHTE        = "hte"        // holds an HTE certificate in force
	StageTechSME    = "tech_sme"   // holds a 科技型中小企业 registration for the year
)

// Stages lists the stages in the order of the board.
var Stages = []string{StagePool, StageApplied, StageRecognized, StageRejected, StageHTE, StageTechSME}

// BoardDate returns the day a board of year describes: the last day of a
// past year, today for the running year (and for a later one).
func BoardDate(year int, today calendar.Date) calendar.Date {
	if year < today.Year {
		return calendar.Date{Year: year, Month: time.December, Day: 31}
	}
	return today
}

// StagesOf returns the stages an enterprise stands at in year, as of the day
// asOf (see BoardDate): in the pool on asOf, its application of year
// submitted, recognised or rejected, an HTE certificate in force on asOf,
// a 科小 registration for year. pool and apps are the enterprise's own.
func StagesOf(p *Profile, pool []PoolEntry, apps []Application, year int, asOf calendar.Date) []string {
	var out []string
	if slices.ContainsFunc(pool, func(e PoolEntry) bool { return e.InOn(asOf) }) {
		out = append(out, StagePool)
	}
	for _, a := range apps {
		if a.Year != year {
			continue
		}
		switch a.Status {
		case StatusSubmitted:
			out = append(out, StageApplied)
		case StatusRecognized:
			out = append(out, StageRecognized)
		case StatusRejected:
			out = append(out, StageRejected)
		}
	}
	if _, ok := p.HTEOn(asOf); ok {
		out = append(out, StageHTE)
	}
	if p.TechSMEIn(year) {
		out = append(out, StageTechSME)
	}
	return out
}

// TownshipOf returns the township (乡镇街道) a region code lies in: its first
// nine digits, or the code itself above township level.
func TownshipOf(regionCode string) string {
	if len(regionCode) > 9 {
		return regionCode[:9]
	}
	return regionCode
}

// Board counts the enterprises at each stage of the pipeline, by township
// and in total, for a year.
type Board struct {
	Year   int            `json:"year"`
	AsOf   calendar.Date  `json:"as_of"`
	Stages []string       `json:"stages"`
	Rows   []BoardRow     `json:"rows"` // by township code
	Total  map[string]int `json:"total"`
}

// BoardRow is one township's line of the board.
type BoardRow struct {
	Region string         `json:"region"` // township code (see TownshipOf)
	Counts map[string]int `json:"counts"` // by stage
}

// Tally builds the board of year as of asOf over the profiles, with the
// pool entries and applications of each enterprise (by id). Every township
// with an enterprise has a row, even when all its counts are 0.
func Tally(profiles []Profile, pool map[int64][]PoolEntry, apps map[int64][]Application, year int, asOf calendar.Date) Board {
	b := Board{Year: year, AsOf: asOf, Stages: slices.Clone(Stages), Total: map[string]int{}}
	rows := map[string]map[string]int{}
	for i := range profiles {
		p := &profiles[i]
		t := TownshipOf(p.RegionCode)
		if rows[t] == nil {
			rows[t] = map[string]int{}
		}
		for _, st := range StagesOf(p, pool[p.ID], apps[p.ID], year, asOf) {
			rows[t][st]++
			b.Total[st]++
		}
	}
	for _, code := range slices.Sorted(maps.Keys(rows)) {
		b.Rows = append(b.Rows, BoardRow{Region: code, Counts: rows[code]})
	}
	return b
}

// The kinds of reminder.
const (
	ReminderRecert        = "recert"         // the HTE certificate expires within ReminderMonths: apply for 重新认定
	ReminderReportDue     = "report_due"     // the 年报 of last year is due by 31 May
	ReminderReportOverdue = "report_overdue" // the 年报 of last year was not filed by 31 May
	ReminderRevocation    = "revocation"     // reports missed during the certificate's validity make a revocation candidate
)

// ReminderKinds lists the kinds of reminder in display order.
var ReminderKinds = []string{ReminderRevocation, ReminderReportOverdue, ReminderReportDue, ReminderRecert}

// ReminderMonths is how long before its expiry a certificate is reminded:
// from the first day of the month ReminderMonths before the month it
// expires (RecertReminderFrom), so that re-certification can be prepared a
// year ahead.
const ReminderMonths = 12

// Reminder is one thing an enterprise or the bureau must see to.
type Reminder struct {
	Kind           string        `json:"kind"` // Reminder…
	EnterpriseID   int64         `json:"enterprise_id"`
	EnterpriseName string        `json:"enterprise_name"`
	RegionCode     string        `json:"region_code"`
	Certificate    string        `json:"certificate"`        // the HTE certificate concerned
	Expires        calendar.Date `json:"expires"`            // its last day of validity
	Year           int           `json:"year,omitempty"`     // the fiscal year of a report
	Due            calendar.Date `json:"due,omitzero"`       // the report's deadline, or the certificate's expiry
	Missed         []int         `json:"missed,omitempty"`   // years whose report is missing (revocation)
	FromYear       int           `json:"from_year,omitzero"` // the first missed year counted, from which tax benefits would be recovered
}

// ReportDeadline returns the day the 年报 (annual development report) of a
// fiscal year is due: 31 May of the next year.
func ReportDeadline(year int) calendar.Date {
	return calendar.Date{Year: year + 1, Month: time.May, Day: 31}
}

// Remind returns the reminders of the profiles on today under the HTE rules
// p, most urgent kind first:
//
//   - ReminderRecert: the HTE certificate in force expires within
//     ReminderMonths (today is on or after RecertReminderFrom(expiry,
//     ReminderMonths));
//   - ReminderReportDue / ReminderReportOverdue: the enterprise holds a
//     certificate in force that it already held last year, and last year's
//     report is not filed — due up to 31 May, overdue after;
//   - ReminderRevocation: counting the fiscal years of the certificate in
//     force whose report deadline has passed within its validity, the
//     missed reports make a revocation candidate (p.RevocationCandidate: two
//     in total under 国科发火〔2016〕32号).
func Remind(profiles []Profile, today calendar.Date, p HTEParams) []Reminder {
	var out []Reminder
	for i := range profiles {
		pr := &profiles[i]
		c, ok := pr.HTEOn(today)
		if !ok {
			continue
		}
		base := Reminder{EnterpriseID: pr.ID, EnterpriseName: pr.Name, RegionCode: pr.RegionCode, Certificate: c.Number, Expires: c.Expires()}
		if !today.Before(RecertReminderFrom(base.Expires, ReminderMonths)) {
			r := base
			r.Kind, r.Due = ReminderRecert, base.Expires
			out = append(out, r)
		}
		last := today.Year - 1
		if c.ValidFrom.Year <= last {
			if y, _ := pr.Year(last); !y.AnnualReport {
				r := base
				r.Kind, r.Year, r.Due = ReminderReportDue, last, ReportDeadline(last)
				if today.After(r.Due) {
					r.Kind = ReminderReportOverdue
				}
				out = append(out, r)
			}
		}
		var missed []int
		for y := c.ValidFrom.Year; ; y++ {
			due := ReportDeadline(y)
			if due.After(base.Expires) || !today.After(due) {
				break
			}
			if fy, _ := pr.Year(y); !fy.AnnualReport {
				missed = append(missed, y)
			}
		}
		if cand, from := p.RevocationCandidate(missed); cand {
			r := base
			r.Kind, r.Missed, r.FromYear = ReminderRevocation, missed, from
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b Reminder) int {
		return cmp.Or(
			cmp.Compare(slices.Index(ReminderKinds, a.Kind), slices.Index(ReminderKinds, b.Kind)),
			a.Due.Compare(b.Due),
			cmp.Compare(a.RegionCode, b.RegionCode),
			cmp.Compare(a.EnterpriseID, b.EnterpriseID),
		)
	})
	return out
}

// Township returns the township the enterprise lies in (see TownshipOf).
func (p Profile) Township() string { return TownshipOf(p.RegionCode) }

// Township returns the township of the application's enterprise.
func (a Application) Township() string { return TownshipOf(a.RegionCode) }

// Township returns the township of the reminder's enterprise.
func (r Reminder) Township() string { return TownshipOf(r.RegionCode) }
