package event

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

// The limits of the texts, in characters, and of the sign-in sheet.
const (
	maxTitle     = 100
	maxPlace     = 100
	maxName      = 30
	maxUnit      = 100
	maxMaterials = 500
	maxOutcome   = 4000
	maxAttendees = 2000
	maxCount     = 1_000_000
	maxMinutes   = 60 * 24 * 30
)

// PhoneRE matches a mobile number or a landline with area code.
var PhoneRE = regexp.MustCompile(`^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$`)

// Clean trims and folds full-width forms, as people paste them from Word.
func Clean(s string) string { return strings.TrimSpace(norm.NFKC.String(s)) }

// CleanPhone removes spaces and folds dashes.
func CleanPhone(s string) string {
	return strings.NewReplacer(" ", "", "—", "-").Replace(Clean(s))
}

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

// count checks a number of people, copies or minutes: never negative.
func count(p *i18n.Problems, field string, n, most int) {
	switch {
	case n < 0:
		p.Add(field, "event.count.negative")
	case n > most:
		p.Add(field, "event.count.too_large", most)
	}
}

// ParseAttendees reads a sign-in sheet typed or pasted one person a line:
// name, unit and phone separated by commas (full- or half-width), tabs or
// vertical bars; the unit and phone may be left out. A bad line is a
// problem on field naming its line number.
func ParseAttendees(text, field string) ([]Attendee, i18n.Problems) {
	var out []Attendee
	var p i18n.Problems
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = Clean(line)
		if line == "" {
			continue
		}
		parts := strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == '|' || r == '\t' || r == '、' || r == ';' })
		if len(parts) > 3 {
			p.Add(field, "event.attendee.line", i+1)
			continue
		}
		a := Attendee{Name: strings.TrimSpace(parts[0])}
		if len(parts) > 1 {
			a.Unit = strings.TrimSpace(parts[1])
		}
		if len(parts) > 2 {
			a.Phone = CleanPhone(parts[2])
		}
		out = append(out, a)
	}
	return out, p
}

// FormatAttendees is the inverse of ParseAttendees, for the form.
func FormatAttendees(as []Attendee) string {
	var b strings.Builder
	for _, a := range as {
		b.WriteString(a.Name)
		if a.Unit != "" || a.Phone != "" {
			b.WriteString("，" + a.Unit)
		}
		if a.Phone != "" {
			b.WriteString("，" + a.Phone)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// Check cleans in and returns every problem that needs no database. today
// decides whether the event is still to come: an upcoming event has no
// attendance yet. With a sign-in sheet and no number attending, the
// sheet's length is the number; a number below the sheet's length is an
// error (the sheet lists people who came).
func Check(in Input, today calendar.Date) (Input, i18n.Problems) {
	var p i18n.Problems
	in.Kind, in.Domain, in.RegionCode = Clean(in.Kind), Clean(in.Domain), Clean(in.RegionCode)
	in.Title, in.Place, in.Organiser = strings.TrimSpace(in.Title), strings.TrimSpace(in.Place), strings.TrimSpace(in.Organiser)
	in.Materials, in.Outcome = strings.TrimSpace(in.Materials), strings.TrimSpace(in.Outcome)
	if in.Domain == "" {
		in.Domain = General
	}
	switch {
	case in.Kind == "":
		p.Add("event_kind", "error.required")
	case !slices.Contains(Kinds, in.Kind):
		p.Add("event_kind", "error.invalid_value")
	case in.Domain == Quake && !slices.Contains(QuakeKinds, in.Kind):
		p.Add("event_kind", "event.kind.not_quake")
	}
	if !slices.Contains(Domains, in.Domain) {
		p.Add("event_domain", "error.invalid_value")
	}
	required(&p, "event_title", in.Title, maxTitle)
	if in.Date.IsZero() {
		p.Add("event_date", "error.required")
	}
	tooLong(&p, "event_place", in.Place, maxPlace)
	tooLong(&p, "event_organiser", in.Organiser, maxPlace)
	if in.RegionCode == "" {
		p.Add("event_region", "error.required")
	}
	count(&p, "event_planned", in.Planned, maxCount)
	count(&p, "event_attended", in.Attended, maxCount)
	count(&p, "event_duration", in.DurationMin, maxMinutes)
	count(&p, "event_materials_count", in.MaterialsN, maxCount)
	tooLong(&p, "event_materials", in.Materials, maxMaterials)
	tooLong(&p, "event_outcome", in.Outcome, maxOutcome)
	var sheet []Attendee
	for i, a := range in.Attendees {
		a.Name, a.Unit, a.Phone = Clean(a.Name), Clean(a.Unit), CleanPhone(a.Phone)
		switch {
		case a.Name == "" && a.Unit == "" && a.Phone == "":
			continue
		case a.Name == "":
			p.Add("event_attendees", "event.attendee.no_name", i+1)
		case utf8.RuneCountInString(a.Name) > maxName || utf8.RuneCountInString(a.Unit) > maxUnit:
			p.Add("event_attendees", "event.attendee.too_long", i+1)
		case a.Phone != "" && !PhoneRE.MatchString(a.Phone):
			p.Add("event_attendees", "event.attendee.phone", i+1, a.Name)
		}
		sheet = append(sheet, a)
	}
	in.Attendees = sheet
	if len(sheet) > maxAttendees {
		p.Add("event_attendees", "event.attendee.too_many", maxAttendees)
	}
	upcoming := !in.Date.IsZero() && in.Date.After(today)
	switch {
	case in.Attended < 0: // already refused above
	case upcoming && (in.Attended > 0 || len(sheet) > 0):
		p.Add("event_attended", "event.attended.upcoming")
	case in.Attended == 0:
		in.Attended = len(sheet)
	case in.Attended < len(sheet):
		p.Add("event_attended", "event.attended.below_sheet", len(sheet))
	}
	return in, p
}

// Summarise orders the rows of a yearly summary by kind, leaves out kinds
// without events, and adds the total as the last row (Kind "").
func Summarise(byKind map[string]SummaryRow) []SummaryRow {
	var out []SummaryRow
	var total SummaryRow
	for _, k := range Kinds {
		r, ok := byKind[k]
		if !ok || r.Events == 0 {
			continue
		}
		r.Kind = k
		out = append(out, r)
		total.Events += r.Events
		total.Planned += r.Planned
		total.Attended += r.Attended
		total.MaterialsN += r.MaterialsN
	}
	return append(out, total)
}

// YearRange returns the first and last day of year.
func YearRange(year int) (calendar.Date, calendar.Date) {
	return calendar.Date{Year: year, Month: time.January, Day: 1}, calendar.Date{Year: year, Month: time.December, Day: 31}
}
