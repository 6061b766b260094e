package task

import (
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

func clean(s string) string { return strings.TrimSpace(s) }
func idOf(id int64) string  { return strconv.FormatInt(id, 10) }
func forbidden() error      { return i18n.E(i18n.Forbidden, "error.forbidden") }
func notFound() error       { return i18n.E(i18n.NotFound, "error.not_found") }

// The object types in the audit log.
const (
	objTarget = "target"
	objTask   = "task"
)

// Metrics gives the value of a whitelisted metric for a year, counted
// over the rows in scope; the app provides it with queries over the other
// areas' tables (wired in app).
type Metrics interface {
	Value(ctx context.Context, key string, year int, scope auth.Scope) (int64, error)
}

// Sources, when the Metrics also implement it, links a metric to the list
// of the records it counts (shown beside the achieved value).
type Sources interface {
	Source(key string, year int) string
}

// Service keeps targets and responsibility tasks: reads through the
// caller's data scope, every change in one transaction with its audit
// event. PermTaskManage changes, PermTaskView reads.
type Service struct {
	DB      *db.DB
	Audit   *audit.Log
	Metrics Metrics
}

// Today is the service's today (its database clock, in China).
func (s *Service) Today() calendar.Date { return calendar.FromTime(s.DB.Now(), calendar.Shanghai) }

func mayView(u *auth.User) error {
	if !u.Can(auth.PermTaskView) || u.IsEnterprise() {
		return forbidden()
	}
	return nil
}

func mayManage(u *auth.User) error {
	if err := u.MayWrite(); err != nil {
		return err
	}
	if !u.Can(auth.PermTaskManage) || u.IsEnterprise() {
		return forbidden()
	}
	return nil
}

// CanManage reports whether u may set targets and tasks (for the pages).
func CanManage(u *auth.User) bool { return mayManage(u) == nil }

func regionOf(u *auth.User, code string, p *i18n.Problems) string {
	if code = clean(code); code == "" {
		code = u.RegionCode
	}
	if !u.Scope().Allows(code, 0) {
		p.Add("region_code", "task.bad_region")
	}
	return code
}

func scopeOf(u *auth.User, col string, q *db.Where) {
	q.AddNumbered(u.Scope().Where(auth.Columns{Region: col}, &q.Args))
}

// --- Targets ---

// Target is one line of the year's plan with its progress: Achieved comes
// from its metric, counted over the target's own district, or from the
// value kept by hand when it has none.
type Target struct {
	ID          int64    `json:"id"`
	RegionCode  string   `json:"region_code"`
	Year        int      `json:"year"`
	Title       string   `json:"title"`
	Unit        string   `json:"unit"`
	Planned     int64    `json:"planned"`
	Metric      string   `json:"metric"`
	ManualValue int64    `json:"manual_value"`
	Section     string   `json:"section"`
	Note        string   `json:"note"`
	Achieved    int64    `json:"achieved"`
	Progress    Progress `json:"progress"`
	// Source is the page listing the records a metric counts ("" if none).
	Source string `json:"source,omitempty"`
}

// TargetInput is a target as typed.
type TargetInput struct {
	RegionCode string `json:"region_code"`
	Year       int    `json:"year"`
	Title      string `json:"title"`
	Unit       string `json:"unit"`
	Planned    int64  `json:"planned"`
	Metric     string `json:"metric"`
	Section    string `json:"section"`
	Note       string `json:"note"`
}

// CreateTarget adds a target of the year. Refused input writes nothing.
func (s *Service) CreateTarget(ctx context.Context, u *auth.User, in TargetInput) (*Target, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var p i18n.Problems
	in.RegionCode = regionOf(u, in.RegionCode, &p)
	if in.Year < 2000 || in.Year > 2100 {
		p.Add("year", "error.invalid_value")
	}
	if in.Title = clean(in.Title); in.Title == "" {
		p.Add("title", "error.required")
	} else if tooLong(in.Title, maxText) {
		p.Add("title", "error.too_long", maxText)
	}
	if in.Planned < 0 {
		p.Add("planned", "error.invalid_value")
	}
	if in.Metric = clean(in.Metric); !ValidMetric(in.Metric) {
		p.Add("metric", "task.bad_metric")
	}
	in.Unit, in.Section, in.Note = clean(in.Unit), clean(in.Section), clean(in.Note)
	for field, v := range map[string]string{"unit": in.Unit, "section": in.Section, "note": in.Note} {
		if tooLong(v, maxText) {
			p.Add(field, "error.too_long", maxText)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO targets (region_code, year, title, unit, planned, metric, section, note, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
			in.RegionCode, in.Year, in.Title, in.Unit, in.Planned, in.Metric, in.Section, in.Note, u.ID, tx.Now).Scan(&id); err != nil {
			return db.Normalize(err)
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "target.create", ObjectType: objTarget, ObjectID: idOf(id),
			RegionCode: in.RegionCode, After: audit.JSON(in)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Target(ctx, u, id)
}

const targetColumns = `t.id, t.region_code, t.year, t.title, t.unit, t.planned, t.metric, t.manual_value, t.section, t.note`

func scanTarget(sc interface{ Scan(...any) error }) (*Target, error) {
	t := &Target{}
	err := sc.Scan(&t.ID, &t.RegionCode, &t.Year, &t.Title, &t.Unit, &t.Planned, &t.Metric, &t.ManualValue, &t.Section, &t.Note)
	return t, err
}

// measure fills in a target's achieved value and progress.
func (s *Service) measure(ctx context.Context, t *Target) error {
	t.Achieved = t.ManualValue
	if t.Metric != "" {
		if s.Metrics == nil {
			return i18n.E(i18n.Unavailable, "task.no_metrics")
		}
		v, err := s.Metrics.Value(ctx, t.Metric, t.Year, auth.Scope{Regions: []string{t.RegionCode}})
		if err != nil {
			return err
		}
		t.Achieved = v
		if src, ok := s.Metrics.(Sources); ok {
			t.Source = src.Source(t.Metric, t.Year)
		}
	}
	t.Progress = ProgressOf(t.Planned, t.Achieved)
	return nil
}

// Target returns one target u may see, measured.
func (s *Service) Target(ctx context.Context, u *auth.User, id int64) (*Target, error) {
	if err := mayView(u); err != nil {
		return nil, err
	}
	q := &db.Where{}
	q.Add("t.id = ?", id)
	scopeOf(u, "t.region_code", q)
	t, err := scanTarget(s.DB.QueryRowContext(ctx, `SELECT `+targetColumns+` FROM targets t WHERE `+q.SQL(), q.Args...))
	if db.IsNoRows(err) {
		return nil, notFound()
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	return t, s.measure(ctx, t)
}

// Targets lists the targets of year u may see, measured, in the order
// they were set.
func (s *Service) Targets(ctx context.Context, u *auth.User, year int) ([]*Target, error) {
	if err := mayView(u); err != nil {
		return nil, err
	}
	q := &db.Where{}
	q.Add("t.year = ?", year)
	scopeOf(u, "t.region_code", q)
	rows, err := s.DB.QueryContext(ctx, `SELECT `+targetColumns+` FROM targets t WHERE `+q.SQL()+` ORDER BY t.id LIMIT 500`, q.Args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	out, err := db.Collect(rows, scanTarget)
	if err != nil {
		return nil, err
	}
	for _, t := range out {
		if err := s.measure(ctx, t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SetValue records the achieved value of a target kept by hand (one
// without a metric: a metric's value is never typed over).
func (s *Service) SetValue(ctx context.Context, u *auth.User, id, value int64) (*Target, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	t, err := s.Target(ctx, u, id)
	if err != nil {
		return nil, err
	}
	switch {
	case t.Metric != "":
		return nil, i18n.FieldError("value", "task.value_computed")
	case value < 0:
		return nil, i18n.FieldError("value", "error.invalid_value")
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE targets SET manual_value = $1, updated_at = $2 WHERE id = $3`, value, tx.Now, t.ID); err != nil {
			return db.Normalize(err)
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "target.value", ObjectType: objTarget, ObjectID: idOf(t.ID), RegionCode: t.RegionCode,
			Before: audit.JSON(map[string]int64{"value": t.ManualValue}), After: audit.JSON(map[string]int64{"value": value})})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Target(ctx, u, id)
}

// --- Responsibility tasks ---

// Task is one row of the decomposition table.
type Task struct {
	ID          int64         `json:"id"`
	RegionCode  string        `json:"region_code"`
	Year        int           `json:"year"`
	Category    string        `json:"category"`
	Text        string        `json:"text"`
	LeadLeader  string        `json:"lead_leader"`
	Section     string        `json:"section"`
	Responsible string        `json:"responsible"`
	Deadline    calendar.Date `json:"deadline"`
	State       string        `json:"state"`
	DoneOn      calendar.Date `json:"done_on"`
	Version     int           `json:"version"`
	Overdue     bool          `json:"overdue"`
	Reports     []Report      `json:"reports,omitempty"`
	// LastReport is the date of the latest progress report (zero: none).
	LastReport calendar.Date `json:"last_report"`
}

// Report is a progress report on a task, with its evidence.
type Report struct {
	ID         int64         `json:"id"`
	ReportedOn calendar.Date `json:"reported_on"`
	Text       string        `json:"text"`
	Evidence   string        `json:"evidence"`
	By         string        `json:"by"`
	At         time.Time     `json:"at"`
}

// CreateTask adds a row to the decomposition table. A task without a
// responsible person — or with any other refused input — is a set of field
// errors and writes nothing.
func (s *Service) CreateTask(ctx context.Context, u *auth.User, in TaskInput) (*Task, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var p i18n.Problems
	in.RegionCode = regionOf(u, in.RegionCode, &p)
	in, deadline, err := CheckTask(in)
	if err = p.With(err); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO tasks (region_code, year, category, text, lead_leader, section, responsible, deadline, state,
			created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
			in.RegionCode, in.Year, in.Category, in.Text, in.LeadLeader, in.Section, in.Responsible, deadline, StateOpen, u.ID, tx.Now).Scan(&id); err != nil {
			return db.Normalize(err)
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "task.create", ObjectType: objTask, ObjectID: idOf(id), RegionCode: in.RegionCode,
			After: audit.JSON(in)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Task(ctx, u, id)
}

// UpdateTask corrects a row of the table — its text, leader, section,
// responsible persons, deadline — at version (the one the form was read
// at; 0 takes the current). The same checks as CreateTask apply: taking the
// last responsible person off is refused and writes nothing. Its state and
// reports stay.
func (s *Service) UpdateTask(ctx context.Context, u *auth.User, id int64, version int, in TaskInput) (*Task, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	t, err := s.Task(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if version == 0 {
		version = t.Version
	}
	in.RegionCode, in.Year = t.RegionCode, t.Year
	in, deadline, err := CheckTask(in)
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tasks SET category = $1, text = $2, lead_leader = $3, section = $4, responsible = $5, deadline = $6,
			version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9`,
			in.Category, in.Text, in.LeadLeader, in.Section, in.Responsible, deadline, tx.Now, t.ID, version)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return i18n.E(i18n.Conflict, "error.conflict")
		}
		before := *t
		before.Reports = nil
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "task.update", ObjectType: objTask, ObjectID: idOf(t.ID), RegionCode: t.RegionCode,
			Before: audit.JSON(before), After: audit.JSON(in)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Task(ctx, u, id)
}

const taskColumns = `k.id, k.region_code, k.year, k.category, k.text, k.lead_leader, k.section, k.responsible, k.deadline, k.state, k.done_on, k.version,
	(SELECT MAX(r.reported_on) FROM task_reports r WHERE r.task_id = k.id)`

func scanTask(on calendar.Date) func(sc interface{ Scan(...any) error }) (*Task, error) {
	return func(sc interface{ Scan(...any) error }) (*Task, error) {
		t := &Task{}
		err := sc.Scan(&t.ID, &t.RegionCode, &t.Year, &t.Category, &t.Text, &t.LeadLeader, &t.Section, &t.Responsible, &t.Deadline, &t.State,
			&t.DoneOn, &t.Version, &t.LastReport)
		t.Overdue = Overdue(t.Deadline, t.State, on)
		return t, err
	}
}

func (s *Service) task(ctx context.Context, dq db.Querier, u *auth.User, id int64) (*Task, error) {
	if err := mayView(u); err != nil {
		return nil, err
	}
	q := &db.Where{}
	q.Add("k.id = ?", id)
	scopeOf(u, "k.region_code", q)
	t, err := scanTask(s.Today())(dq.QueryRowContext(ctx, `SELECT `+taskColumns+` FROM tasks k WHERE `+q.SQL(), q.Args...))
	if db.IsNoRows(err) {
		return nil, notFound()
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	rows, err := dq.QueryContext(ctx, `SELECT r.id, r.reported_on, r.text, r.evidence, COALESCE(u.display_name, ''), r.created_at
		FROM task_reports r LEFT JOIN users u ON u.id = r.created_by WHERE r.task_id = $1 ORDER BY r.reported_on, r.id`, t.ID)
	if err != nil {
		return nil, db.Normalize(err)
	}
	t.Reports, err = db.Collect(rows, func(sc interface{ Scan(...any) error }) (Report, error) {
		var r Report
		err := sc.Scan(&r.ID, &r.ReportedOn, &r.Text, &r.Evidence, &r.By, &r.At)
		r.At = r.At.UTC()
		return r, err
	})
	return t, err
}

// Task returns one task u may see, with its progress reports.
func (s *Service) Task(ctx context.Context, u *auth.User, id int64) (*Task, error) {
	return s.task(ctx, s.DB, u, id)
}

// TaskFilter selects tasks: a year (0: any), only the overdue ones.
type TaskFilter struct {
	Year    int
	Overdue bool
}

// Tasks lists the tasks u may see, in the table's order: by year, then as
// they were set.
func (s *Service) Tasks(ctx context.Context, u *auth.User, f TaskFilter) ([]*Task, error) {
	if err := mayView(u); err != nil {
		return nil, err
	}
	on := s.Today()
	q := &db.Where{}
	if f.Year != 0 {
		q.Add("k.year = ?", f.Year)
	}
	if f.Overdue {
		q.Add("k.state <> ? AND k.deadline < ?", StateDone, on)
	}
	scopeOf(u, "k.region_code", q)
	rows, err := s.DB.QueryContext(ctx, `SELECT `+taskColumns+` FROM tasks k WHERE `+q.SQL()+` ORDER BY k.year, k.id LIMIT 2000`, q.Args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, scanTask(on))
}

// ReportInput is a progress report as typed; Done marks the task done
// with this report, which then needs its evidence.
type ReportInput struct {
	ReportedOn string `json:"reported_on"`
	Text       string `json:"text"`
	Evidence   string `json:"evidence"`
	Done       bool   `json:"done"`
}

// AddReport records a progress report on a task: an open task moves to in
// progress, and to done when the report says so (with evidence). A done
// task takes no more reports.
func (s *Service) AddReport(ctx context.Context, u *auth.User, taskID int64, in ReportInput) (*Task, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	t, err := s.Task(ctx, u, taskID)
	if err != nil {
		return nil, err
	}
	var p i18n.Problems
	today := s.Today()
	var on calendar.Date
	if v := clean(in.ReportedOn); v == "" {
		on = today
	} else if d, err := calendar.Parse(v); err != nil {
		p.Add("reported_on", "error.invalid_date")
	} else if d.After(today) {
		p.Add("reported_on", "task.future_date")
	} else {
		on = d
	}
	if in.Text, in.Evidence = clean(in.Text), clean(in.Evidence); in.Text == "" {
		p.Add("report_text", "error.required")
	} else if tooLong(in.Text, 4000) {
		p.Add("report_text", "error.too_long", 4000)
	}
	if tooLong(in.Evidence, 2000) {
		p.Add("evidence", "error.too_long", 2000)
	}
	if in.Done && in.Evidence == "" {
		p.Add("evidence", "task.done_needs_evidence")
	}
	if t.State == StateDone {
		p.Add("report_text", "task.already_done")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	state := StateInProgress
	var doneOn calendar.Date
	if in.Done {
		state, doneOn = StateDone, on
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tasks SET state = $1, done_on = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5`,
			state, doneOn, tx.Now, t.ID, t.Version)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return i18n.E(i18n.Conflict, "error.conflict")
		}
		var rid int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO task_reports (task_id, reported_on, text, evidence, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, t.ID, on, in.Text, in.Evidence, u.ID, tx.Now).Scan(&rid); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "task.report", ObjectType: objTask, ObjectID: idOf(t.ID), RegionCode: t.RegionCode,
			Before: audit.JSON(map[string]string{"state": t.State}),
			After:  audit.JSON(map[string]any{"state": state, "report": rid, "reported_on": on, "text": in.Text, "evidence": in.Evidence})})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Task(ctx, u, taskID)
}

// OverdueCount counts the overdue tasks u may see (the home page's reminder).
func (s *Service) OverdueCount(ctx context.Context, u *auth.User) (int, error) {
	if mayView(u) != nil {
		return 0, nil
	}
	ts, err := s.Tasks(ctx, u, TaskFilter{Overdue: true})
	return len(ts), err
}

// Years lists the years that have targets or tasks u may see, newest
// first, with this year always in.
func (s *Service) Years(ctx context.Context, u *auth.User) ([]int, error) {
	if err := mayView(u); err != nil {
		return nil, err
	}
	out := []int{s.Today().Year}
	for _, tbl := range []string{"targets", "tasks"} {
		q := &db.Where{}
		scopeOf(u, "k.region_code", q)
		rows, err := s.DB.QueryContext(ctx, `SELECT DISTINCT k.year FROM `+tbl+` k WHERE `+q.SQL(), q.Args...)
		if err != nil {
			return nil, db.Normalize(err)
		}
		ys, err := db.Collect(rows, func(sc interface{ Scan(...any) error }) (int, error) { var y int; err := sc.Scan(&y); return y, err })
		if err != nil {
			return nil, err
		}
		for _, y := range ys {
			if !slices.Contains(out, y) {
				out = append(out, y)
			}
		}
	}
	slices.Sort(out)
	slices.Reverse(out)
	return out, nil
}
