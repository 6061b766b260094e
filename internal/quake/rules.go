package quake

import (
	"slices"
	"strings"
	"unicode/utf8"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
)

// The limits of the texts, in characters, and of the numbers.
const (
	maxName         = 30
	maxEmployer     = 100
	maxPosition     = 50
	maxNote         = 500
	maxSite         = 100
	maxScenario     = 200
	maxEvaluation   = 4000
	maxMaterials    = 200
	maxActivity     = 100
	maxParticipants = 100_000
	maxDurationMin  = 24 * 60
	maxEvacuation   = 24 * 3600
	maxQuantity     = 1_000_000
)

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

// pastDate checks a required date that cannot lie after today.
func pastDate(p *i18n.Problems, field string, d, today calendar.Date) {
	switch {
	case d.IsZero():
		p.Add(field, "error.required")
	case d.After(today):
		p.Add(field, "quake.date.future")
	}
}

// CheckAssistant cleans in and returns every problem that needs no
// database. The phone is required: an assistant must be reachable day and
// night.
func CheckAssistant(in AssistantInput, today calendar.Date) (AssistantInput, i18n.Problems) {
	var p i18n.Problems
	in.RegionCode, in.Name = clean(in.RegionCode), clean(in.Name)
	in.Employer, in.Position, in.Note = clean(in.Employer), clean(in.Position), strings.TrimSpace(in.Note)
	in.Phone = cleanPhone(in.Phone)
	if in.RegionCode == "" {
		p.Add("assistant_region", "error.required")
	}
	required(&p, "assistant_name", in.Name, maxName)
	switch {
	case in.Phone == "":
		p.Add("assistant_phone", "error.required")
	case !phoneRE.MatchString(in.Phone):
		p.Add("assistant_phone", "quake.phone.format")
	}
	tooLong(&p, "assistant_employer", in.Employer, maxEmployer)
	tooLong(&p, "assistant_position", in.Position, maxPosition)
	tooLong(&p, "assistant_note", in.Note, maxNote)
	pastDate(&p, "assistant_appointed_on", in.AppointedOn, today)
	return in, p
}

// CheckSuccession checks the end of a term: a reason, and an end date
// (the successor's appointment) neither before the term began nor after
// today.
func CheckSuccession(current *Assistant, endOn calendar.Date, reason string, today calendar.Date) i18n.Problems {
	var p i18n.Problems
	if strings.TrimSpace(reason) == "" {
		p.Add("reason", "quake.assistant.reason_required")
	}
	switch {
	case endOn.IsZero():
		p.Add("assistant_appointed_on", "error.required")
	case endOn.After(today):
		p.Add("assistant_appointed_on", "quake.date.future")
	case endOn.Before(current.AppointedOn):
		p.Add("assistant_appointed_on", "quake.assistant.before_term", current.AppointedOn.String())
	}
	return p
}

// CheckDrill cleans in and returns every problem that needs no database.
// A drill after today is planned: its participants are the plan's, and it
// has no evaluation yet. Participants must be more than none.
func CheckDrill(in DrillInput, today calendar.Date) (DrillInput, i18n.Problems) {
	var p i18n.Problems
	in.RegionCode, in.SiteKind, in.Rating = clean(in.RegionCode), clean(in.SiteKind), clean(in.Rating)
	in.Site, in.Scenario, in.Evaluation = clean(in.Site), strings.TrimSpace(in.Scenario), strings.TrimSpace(in.Evaluation)
	if in.SiteKind == "" {
		in.SiteKind = "school"
	}
	if in.RegionCode == "" {
		p.Add("drill_region", "error.required")
	}
	if !slices.Contains(SiteKinds, in.SiteKind) {
		p.Add("drill_site_kind", "error.invalid_value")
	}
	required(&p, "drill_site", in.Site, maxSite)
	if in.Date.IsZero() {
		p.Add("drill_date", "error.required")
	}
	tooLong(&p, "drill_scenario", in.Scenario, maxScenario)
	switch {
	case in.Participants <= 0:
		p.Add("drill_participants", "quake.drill.participants")
	case in.Participants > maxParticipants:
		p.Add("drill_participants", "quake.count.too_large", maxParticipants)
	}
	switch {
	case in.DurationMin < 0:
		p.Add("drill_duration", "quake.count.negative")
	case in.DurationMin > maxDurationMin:
		p.Add("drill_duration", "quake.count.too_large", maxDurationMin)
	}
	switch {
	case in.EvacuationSec < 0:
		p.Add("drill_evacuation", "quake.count.negative")
	case in.EvacuationSec > maxEvacuation:
		p.Add("drill_evacuation", "quake.count.too_large", maxEvacuation)
	case in.EvacuationSec > 0 && in.DurationMin > 0 && in.EvacuationSec > in.DurationMin*60:
		p.Add("drill_evacuation", "quake.drill.evacuation_longer")
	}
	if in.Rating != "" && !slices.Contains(Ratings, in.Rating) {
		p.Add("drill_rating", "error.invalid_value")
	}
	tooLong(&p, "drill_evaluation", in.Evaluation, maxEvaluation)
	if !in.Date.IsZero() && in.Date.After(today) && (in.Rating != "" || in.Evaluation != "" || in.EvacuationSec > 0) {
		p.Add("drill_rating", "quake.drill.planned_evaluated")
	}
	return in, p
}

// CheckPublicity cleans in and returns every problem that needs no
// database.
func CheckPublicity(in PublicityInput, today calendar.Date) (PublicityInput, i18n.Problems) {
	var p i18n.Problems
	in.RegionCode, in.Recipient = clean(in.RegionCode), clean(in.Recipient)
	in.Materials, in.Activity = strings.TrimSpace(in.Materials), clean(in.Activity)
	if in.RegionCode == "" {
		p.Add("publicity_region", "error.required")
	}
	required(&p, "publicity_recipient", in.Recipient, maxSite)
	required(&p, "publicity_materials", in.Materials, maxMaterials)
	switch {
	case in.Quantity <= 0:
		p.Add("publicity_quantity", "quake.publicity.quantity")
	case in.Quantity > maxQuantity:
		p.Add("publicity_quantity", "quake.count.too_large", maxQuantity)
	}
	pastDate(&p, "publicity_date", in.DistributedOn, today)
	tooLong(&p, "publicity_activity", in.Activity, maxActivity)
	return in, p
}

// Town is a row of the summary: a township, or the district for what was
// held for the whole district.
type Town struct {
	Code, Name string
	District   bool
}

// townOf returns the index of the town whose code is the longest prefix
// of code, or -1.
func townOf(towns []Town, code string) int {
	best := -1
	for i, t := range towns {
		if strings.HasPrefix(code, t.Code) && (best < 0 || len(t.Code) > len(towns[best].Code)) {
			best = i
		}
	}
	return best
}

// Summarise builds the yearly summary: one row per township of towns in
// their order, with its current assistant (from current, township code →
// name), drills and participants (planned drills not counted), trainings
// and people trained, and the materials handed out with the number of
// recipients; a district row only when something was held for the whole
// district; the total last. Records under no town are left out.
func Summarise(towns []Town, current map[string]string, drills []Drill, trainings []Training, pubs []Publicity) []SummaryRow {
	rows := make([]SummaryRow, len(towns))
	for i, t := range towns {
		rows[i] = SummaryRow{RegionCode: t.Code, Name: t.Name, District: t.District, Assistant: current[t.Code]}
	}
	for _, d := range drills {
		if i := townOf(towns, d.RegionCode); i >= 0 && !d.Planned {
			rows[i].Drills++
			rows[i].Participants += d.Participants
		}
	}
	for _, t := range trainings {
		if i := townOf(towns, t.RegionCode); i >= 0 {
			rows[i].Trainings++
			rows[i].Trained += t.Attended
		}
	}
	for _, p := range pubs {
		if i := townOf(towns, p.RegionCode); i >= 0 {
			rows[i].Recipients++
			rows[i].Materials += p.Quantity
		}
	}
	var out []SummaryRow
	var total SummaryRow
	for i, r := range rows {
		if towns[i].District && r.Drills+r.Trainings+r.Recipients == 0 {
			continue
		}
		out = append(out, r)
		total.Drills += r.Drills
		total.Participants += r.Participants
		total.Trainings += r.Trainings
		total.Trained += r.Trained
		total.Recipients += r.Recipients
		total.Materials += r.Materials
	}
	return append(out, total)
}
