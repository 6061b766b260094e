package program

// Supervision of major projects (重大项目督查): the supervision group follows
// the signed projects' milestones, records its inspections and the
// rectifications they require, and watches the contracts run out.
//
// The milestones are the contract's (Application.Milestones, fixed once the
// contract is signed); their completion is kept by position in that list
// in program_milestone_progress. Inspections are program_inspections.
// Supervise computes the warnings from these and today, with no database;
// the service reads everything through the applications' data scope.

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// SupervisedStates are the states of a project under supervision: signed
// and not yet accepted (implementation with a pending extension, the
// mid-term check, the acceptance with its rectification).
var SupervisedStates = []string{"implementing", "extension_requested", "midterm", "acceptance", "rectification", "rectified"}

// SupervisionTypes are the call types the supervision list shows by
// default: the provincial major projects and the district plan projects.
var SupervisionTypes = []string{TypeProvincialMajor, TypeDistrictPlan}

// EndingSoonDays is how many days before the contract's end the list warns.
const EndingSoonDays = 90

// Limits of the supervision texts, in characters.
const (
	maxNote       = 500
	maxInspectors = 200
	maxFindings   = 2000
)

// Supervised reports whether a project in state is under supervision.
func Supervised(state string) bool { return slices.Contains(SupervisedStates, state) }

// Progress is the recorded completion of one contract milestone.
type Progress struct {
	Index      int           `json:"index"` // position in Application.Milestones
	DoneOn     calendar.Date `json:"done_on"`
	Note       string        `json:"note,omitempty"`
	RecordedBy int64         `json:"recorded_by"`
	RecordedAt time.Time     `json:"recorded_at"`
}

// MilestoneInput records a milestone as done.
type MilestoneInput struct {
	DoneOn calendar.Date `json:"done_on"`
	Note   string        `json:"note"`
}

// Inspection is one inspection (督查) of a project.
type Inspection struct {
	ID                    int64         `json:"id"`
	ApplicationID         int64         `json:"application_id"`
	InspectedOn           calendar.Date `json:"inspected_on"`
	Inspectors            string        `json:"inspectors"`
	Findings              string        `json:"findings"`
	RectificationRequired bool          `json:"rectification_required"`
	RectificationDue      calendar.Date `json:"rectification_due,omitzero"`
	ClosedOn              calendar.Date `json:"closed_on,omitzero"` // the day the rectification was done
	RecordedBy            int64         `json:"recorded_by"`
	RecordedAt            time.Time     `json:"recorded_at"`
}

// Open reports whether the inspection's rectification is still to be done.
func (i *Inspection) Open() bool { return i.RectificationRequired && i.ClosedOn.IsZero() }

// InspectionInput is what staff record of an inspection.
type InspectionInput struct {
	InspectedOn           calendar.Date `json:"inspected_on"`
	Inspectors            string        `json:"inspectors"`
	Findings              string        `json:"findings"`
	RectificationRequired bool          `json:"rectification_required"`
	RectificationDue      calendar.Date `json:"rectification_due,omitzero"`
}

// MilestoneState is a milestone with its completion and flags.
type MilestoneState struct {
	Index  int
	Title  string
	Due    calendar.Date
	DoneOn calendar.Date // zero while not done
	Note   string
	Done   bool
	// Overdue: not done and due before today (due today is not overdue).
	Overdue bool
	// Late: done after its due date; it stays flagged.
	Late bool
	// DaysOverdue counts the days past due of an overdue milestone.
	DaysOverdue int
}

// InspectionState is an inspection with its rectification's flags.
type InspectionState struct {
	Inspection
	// OpenRect: a rectification is required and not closed; OverdueRect:
	// and its due date has passed.
	OpenRect    bool
	OverdueRect bool
	DaysOverdue int
}

// Warnings are a project's supervision flags on a day.
type Warnings struct {
	Milestones []MilestoneState // in the contract's order
	// Next is the earliest-due milestone not done (nil when all are).
	Next     *MilestoneState
	Overdue  int // milestones overdue
	DoneLate int // milestones done after their due date
	// Inspections newest first; Last is the newest (nil when none).
	Inspections           []InspectionState
	Last                  *InspectionState
	OpenRectifications    int
	OverdueRectifications int
	// ContractEnd and DaysLeft until it (negative once past); EndingSoon
	// within EndingSoonDays, Ended after the end day.
	ContractEnd calendar.Date
	DaysLeft    int
	EndingSoon  bool
	Ended       bool
	// MaxDaysOverdue is the longest delay of an overdue milestone or
	// rectification, for ordering.
	MaxDaysOverdue int
}

// Red counts the overdue items: milestones and rectifications.
func (w *Warnings) Red() int { return w.Overdue + w.OverdueRectifications }

// DaysPast is the number of days since the contract ended (for display).
func (w *Warnings) DaysPast() int { return -w.DaysLeft }

// days returns the number of days from a to b (negative when b is earlier).
func days(a, b calendar.Date) int {
	ta := time.Date(a.Year, a.Month, a.Day, 0, 0, 0, 0, time.UTC)
	tb := time.Date(b.Year, b.Month, b.Day, 0, 0, 0, 0, time.UTC)
	return int(tb.Sub(ta).Hours() / 24)
}

// Supervise computes a project's warnings from its contract milestones, the
// recorded completions, its inspections and contract end, on today. A
// milestone due today is not overdue; due yesterday and not done it is. A
// milestone done after its due date is done but flagged late. A required
// rectification not closed is open, and overdue once its due date has
// passed. The contract warns within EndingSoonDays days of its end (90
// days left warns, 91 does not).
func Supervise(ms []Milestone, done []Progress, ins []Inspection, end, today calendar.Date) Warnings {
	w := Warnings{ContractEnd: end}
	byIndex := map[int]Progress{}
	for _, p := range done {
		byIndex[p.Index] = p
	}
	for i, m := range ms {
		st := MilestoneState{Index: i, Title: m.Title, Due: m.Due}
		if p, ok := byIndex[i]; ok {
			st.Done, st.DoneOn, st.Note = true, p.DoneOn, p.Note
			st.Late = !m.Due.IsZero() && p.DoneOn.After(m.Due)
		} else if !m.Due.IsZero() && m.Due.Before(today) {
			st.Overdue, st.DaysOverdue = true, days(m.Due, today)
		}
		if st.Overdue {
			w.Overdue++
			w.MaxDaysOverdue = max(w.MaxDaysOverdue, st.DaysOverdue)
		}
		if st.Late {
			w.DoneLate++
		}
		w.Milestones = append(w.Milestones, st)
	}
	for i := range w.Milestones {
		m := &w.Milestones[i]
		if !m.Done && (w.Next == nil || m.Due.Before(w.Next.Due)) {
			w.Next = m
		}
	}
	sorted := slices.Clone(ins)
	slices.SortStableFunc(sorted, func(a, b Inspection) int {
		return cmp.Or(b.InspectedOn.Compare(a.InspectedOn), cmp.Compare(b.ID, a.ID))
	})
	for _, in := range sorted {
		st := InspectionState{Inspection: in, OpenRect: in.Open()}
		if st.OpenRect && !in.RectificationDue.IsZero() && in.RectificationDue.Before(today) {
			st.OverdueRect, st.DaysOverdue = true, days(in.RectificationDue, today)
			w.OverdueRectifications++
			w.MaxDaysOverdue = max(w.MaxDaysOverdue, st.DaysOverdue)
		}
		if st.OpenRect {
			w.OpenRectifications++
		}
		w.Inspections = append(w.Inspections, st)
	}
	if len(w.Inspections) > 0 {
		w.Last = &w.Inspections[0]
	}
	if !end.IsZero() {
		w.DaysLeft = days(today, end)
		w.Ended = w.DaysLeft < 0
		w.EndingSoon = !w.Ended && w.DaysLeft <= EndingSoonDays
	}
	return w
}

// SupervisedProject is one line of the supervision list.
type SupervisedProject struct {
	A        *Application
	CallType string
	W        Warnings
}

// SortSupervision orders the list with the most overdue first: most
// overdue items, then the longest delay, then the contract ending first
// (no end last), then by id.
func SortSupervision(ps []*SupervisedProject) {
	slices.SortStableFunc(ps, func(a, b *SupervisedProject) int {
		endKey := func(p *SupervisedProject) int {
			if p.W.ContractEnd.IsZero() {
				return 1 << 30
			}
			return p.W.DaysLeft
		}
		return cmp.Or(cmp.Compare(b.W.Red(), a.W.Red()), cmp.Compare(b.W.MaxDaysOverdue, a.W.MaxDaysOverdue),
			cmp.Compare(endKey(a), endKey(b)), cmp.Compare(a.A.ID, b.A.ID))
	})
}

// maySupervise refuses users who do not run programmes; the supervision
// list is the bureau's (staff and the director).
func maySupervise(u *auth.User) error {
	if !u.Can(auth.PermProgramManage) || u.IsEnterprise() {
		return i18n.E(i18n.Forbidden, "error.forbidden")
	}
	return nil
}

// SupervisionFilter selects the supervision list; no types means
// SupervisionTypes.
type SupervisionFilter struct {
	Types []string
}

// Supervision lists the projects under supervision in u's scope whose
// call is of one of f's types, with their warnings on today, the most
// overdue first.
func (s *Service) Supervision(ctx context.Context, u *auth.User, f SupervisionFilter) ([]*SupervisedProject, error) {
	if err := maySupervise(u); err != nil {
		return nil, err
	}
	types := f.Types
	if len(types) == 0 {
		types = SupervisionTypes
	}
	q := &db.Where{}
	q.AddNumbered(u.Scope().Where(appScope, &q.Args))
	q.Add(`a.state IN (`+marks(len(SupervisedStates))+`)`, anys(SupervisedStates)...)
	q.Add(`c.type IN (`+marks(len(types))+`)`, anys(types)...)
	rows, err := s.DB.QueryContext(ctx, `SELECT `+appColumns+`, c.type`+appFrom+` WHERE `+q.SQL()+` ORDER BY a.id`, q.Args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []*SupervisedProject
	for rows.Next() {
		p := &SupervisedProject{}
		if p.A, err = scanApp(rows, &p.CallType); err != nil {
			return nil, db.Normalize(err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, db.Normalize(err)
	}
	rows.Close()
	today := calendar.FromTime(s.DB.Now(), nil)
	for _, p := range out {
		done, ins, err := supervisionOf(ctx, s.DB, p.A.ID)
		if err != nil {
			return nil, err
		}
		p.W = Supervise(p.A.Milestones, done, ins, p.A.ContractEnd, today)
	}
	SortSupervision(out)
	return out, nil
}

func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// Supervise returns the supervision warnings of one project u may see
// (NotFound otherwise), on today.
func (s *Service) Supervise(ctx context.Context, u *auth.User, id int64) (*Warnings, error) {
	a, err := s.getApp(ctx, s.DB, u, id)
	if err != nil {
		return nil, err
	}
	done, ins, err := supervisionOf(ctx, s.DB, a.ID)
	if err != nil {
		return nil, err
	}
	w := Supervise(a.Milestones, done, ins, a.ContractEnd, calendar.FromTime(s.DB.Now(), nil))
	return &w, nil
}

// supervisionOf reads the recorded completions and the inspections of an
// application; the caller has checked the scope.
func supervisionOf(ctx context.Context, q db.Querier, id int64) ([]Progress, []Inspection, error) {
	rows, err := q.QueryContext(ctx, `SELECT milestone_index, done_on, note, recorded_by, recorded_at FROM program_milestone_progress
		WHERE application_id = $1 ORDER BY milestone_index`, id)
	if err != nil {
		return nil, nil, db.Normalize(err)
	}
	defer rows.Close()
	var done []Progress
	for rows.Next() {
		var p Progress
		if err := rows.Scan(&p.Index, &p.DoneOn, &p.Note, &p.RecordedBy, &p.RecordedAt); err != nil {
			return nil, nil, db.Normalize(err)
		}
		p.RecordedAt = p.RecordedAt.UTC()
		done = append(done, p)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, db.Normalize(err)
	}
	rows.Close()
	ins, err := inspections(ctx, q, id, 0)
	return done, ins, err
}

const inspectionColumns = `id, application_id, inspected_on, inspectors, findings, rectification_required, rectification_due,
	closed_on, recorded_by, recorded_at`

// inspections reads the inspections of an application (only inspection
// inspID when it is not 0), oldest first.
func inspections(ctx context.Context, q db.Querier, id, inspID int64) ([]Inspection, error) {
	cond, args := `application_id = $1`, []any{id}
	if inspID != 0 {
		cond, args = cond+` AND id = $2`, append(args, inspID)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+inspectionColumns+` FROM program_inspections WHERE `+cond+` ORDER BY inspected_on, id`, args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []Inspection
	for rows.Next() {
		var i Inspection
		if err := rows.Scan(&i.ID, &i.ApplicationID, &i.InspectedOn, &i.Inspectors, &i.Findings, &i.RectificationRequired,
			&i.RectificationDue, &i.ClosedOn, &i.RecordedBy, &i.RecordedAt); err != nil {
			return nil, db.Normalize(err)
		}
		i.RecordedAt = i.RecordedAt.UTC()
		out = append(out, i)
	}
	return out, db.Normalize(rows.Err())
}

// supervisedApp fetches an application through u's scope inside tx and
// refuses one that is not under supervision.
func (s *Service) supervisedApp(ctx context.Context, tx *db.Tx, u *auth.User, id int64) (*Application, error) {
	a, err := s.getApp(ctx, tx, u, id)
	if err != nil {
		return nil, err
	}
	if !Supervised(a.State) {
		return nil, i18n.E(i18n.Conflict, "program.supervision.not_supervised")
	}
	return a, nil
}

// RecordMilestone records milestone index (its position in the contract's
// list) of a project as done on in.DoneOn, with a note; recording it again
// corrects the record. Staff (PermProgramManage) and the project's
// enterprise record; the project must be under supervision; the day may
// not lie in the future.
func (s *Service) RecordMilestone(ctx context.Context, u *auth.User, id int64, index int, in MilestoneInput) (*Warnings, error) {
	if err := u.MayWrite(); err != nil {
		return nil, err
	}
	in.Note = clean(in.Note)
	var w *Warnings
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		a, err := s.getApp(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if !owner(u, a) && mayManage(u) != nil {
			return i18n.E(i18n.Forbidden, "error.forbidden")
		}
		if !Supervised(a.State) {
			return i18n.E(i18n.Conflict, "program.supervision.not_supervised")
		}
		var p i18n.Problems
		if index < 0 || index >= len(a.Milestones) {
			p.Add("milestone", "program.milestone.unknown")
		}
		switch {
		case in.DoneOn.IsZero():
			p.Add("done_on", "error.required")
		case in.DoneOn.After(today(tx)):
			p.Add("done_on", "program.supervision.future")
		}
		if tooLong(in.Note, maxNote) {
			p.Add("note", "error.too_long", maxNote)
		}
		if len(p) > 0 {
			return p
		}
		done, _, err := supervisionOf(ctx, tx, id)
		if err != nil {
			return err
		}
		var before *Progress
		for i := range done {
			if done[i].Index == index {
				before = &done[i]
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO program_milestone_progress (application_id, milestone_index, done_on, note, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (application_id, milestone_index)
			DO UPDATE SET done_on = excluded.done_on, note = excluded.note, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`,
			id, index, in.DoneOn, in.Note, u.ID, tx.Now); err != nil {
			return db.Normalize(err)
		}
		ev := audit.Event{Action: "program.milestone.record", ObjectType: objectType, ObjectID: strconv.FormatInt(id, 10), RegionCode: a.RegionCode,
			After: audit.JSON(map[string]any{"milestone": index, "title": a.Milestones[index].Title, "due": a.Milestones[index].Due,
				"done_on": in.DoneOn, "note": in.Note})}
		if before != nil {
			ev.Before = audit.JSON(before)
		}
		if _, err := s.Audit.Append(ctx, tx, ev); err != nil {
			return err
		}
		done, ins, err := supervisionOf(ctx, tx, id)
		if err != nil {
			return err
		}
		sw := Supervise(a.Milestones, done, ins, a.ContractEnd, today(tx))
		w = &sw
		return nil
	})
	return w, err
}

// RecordInspection records an inspection (督查) of a project under
// supervision: its day (not in the future), the inspectors, the findings,
// and whether a rectification is required, by when (not before the
// inspection). Staff only.
func (s *Service) RecordInspection(ctx context.Context, u *auth.User, id int64, in InspectionInput) (*Inspection, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	in.Inspectors, in.Findings = clean(in.Inspectors), clean(in.Findings)
	var out *Inspection
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		a, err := s.supervisedApp(ctx, tx, u, id)
		if err != nil {
			return err
		}
		var p i18n.Problems
		switch {
		case in.InspectedOn.IsZero():
			p.Add("inspected_on", "error.required")
		case in.InspectedOn.After(today(tx)):
			p.Add("inspected_on", "program.supervision.future")
		}
		switch {
		case in.Inspectors == "":
			p.Add("inspectors", "error.required")
		case tooLong(in.Inspectors, maxInspectors):
			p.Add("inspectors", "error.too_long", maxInspectors)
		}
		switch {
		case in.Findings == "":
			p.Add("findings", "error.required")
		case tooLong(in.Findings, maxFindings):
			p.Add("findings", "error.too_long", maxFindings)
		}
		if !in.RectificationRequired {
			in.RectificationDue = calendar.Date{}
		} else if in.RectificationDue.IsZero() {
			p.Add("rectification_due", "error.required")
		} else if !in.InspectedOn.IsZero() && in.RectificationDue.Before(in.InspectedOn) {
			p.Add("rectification_due", "program.inspection.due_before")
		}
		if len(p) > 0 {
			return p
		}
		var iid int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO program_inspections (application_id, inspected_on, inspectors, findings,
			rectification_required, rectification_due, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			id, in.InspectedOn, in.Inspectors, in.Findings, in.RectificationRequired, in.RectificationDue, u.ID, tx.Now).Scan(&iid); err != nil {
			return db.Normalize(err)
		}
		got, err := inspections(ctx, tx, id, iid)
		if err != nil {
			return err
		}
		out = &got[0]
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "program.inspection.record", ObjectType: objectType,
			ObjectID: strconv.FormatInt(id, 10), RegionCode: a.RegionCode, After: audit.JSON(out)})
		return err
	})
	return out, err
}

// CloseRectification closes the rectification an inspection required, on
// the day it was rectified (not before the inspection, not in the future).
// Staff only; the project need no longer be under supervision.
func (s *Service) CloseRectification(ctx context.Context, u *auth.User, id, inspectionID int64, closedOn calendar.Date) (*Inspection, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var out *Inspection
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		a, err := s.getApp(ctx, tx, u, id)
		if err != nil {
			return err
		}
		got, err := inspections(ctx, tx, id, inspectionID)
		if err != nil {
			return err
		}
		if len(got) == 0 {
			return notFound
		}
		before := got[0]
		switch {
		case !before.RectificationRequired:
			return i18n.E(i18n.Conflict, "program.inspection.no_rectification")
		case !before.ClosedOn.IsZero():
			return i18n.E(i18n.Conflict, "program.inspection.already_closed")
		case closedOn.IsZero():
			return i18n.FieldError("closed_on", "error.required")
		case closedOn.After(today(tx)):
			return i18n.FieldError("closed_on", "program.supervision.future")
		case closedOn.Before(before.InspectedOn):
			return i18n.FieldError("closed_on", "program.inspection.closed_before")
		}
		res, err := tx.ExecContext(ctx, `UPDATE program_inspections SET closed_on = $1, closed_by = $2, closed_at = $3
			WHERE id = $4 AND application_id = $5 AND closed_on IS NULL`, closedOn, u.ID, tx.Now, inspectionID, id)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return i18n.E(i18n.Conflict, "program.inspection.already_closed")
		}
		if got, err = inspections(ctx, tx, id, inspectionID); err != nil {
			return err
		}
		out = &got[0]
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "program.inspection.close", ObjectType: objectType,
			ObjectID: strconv.FormatInt(id, 10), RegionCode: a.RegionCode, Before: audit.JSON(before), After: audit.JSON(out)})
		return err
	})
	return out, err
}
