package poverty

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/money"
)

// Project is an S&T poverty-alleviation project (科技扶贫项目): its funds,
// the townships it serves, the beneficiary households and people, the
// village collective's added income (村集体经济收入) and its progress.
type Project struct {
	ID               int64     `json:"id"`
	RegionCode       string    `json:"region_code"`
	Year             int       `json:"year"`
	Title            string    `json:"title"`
	Funds            money.Fen `json:"funds"`
	Townships        []string  `json:"townships"`
	TownshipNames    []string  `json:"township_names"`
	Households       int       `json:"households"`
	People           int       `json:"people"`
	CollectiveIncome money.Fen `json:"collective_income"`
	Progress         int       `json:"progress"` // percent
	ProgressNote     string    `json:"progress_note,omitempty"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// ProjectInput is what staff type for a project; amounts in 元 or 万元.
type ProjectInput struct {
	RegionCode       string   `json:"region_code"` // "" is the user's district
	Year             int      `json:"year"`
	Title            string   `json:"title"`
	Funds            string   `json:"funds"`
	Townships        []string `json:"townships"`
	Households       int      `json:"households"`
	People           int      `json:"people"`
	CollectiveIncome string   `json:"collective_income"`
	Progress         int      `json:"progress"`
	ProgressNote     string   `json:"progress_note"`
}

// ProgressInput updates a project's progress.
type ProgressInput struct {
	Progress         int    `json:"progress"`
	ProgressNote     string `json:"progress_note"`
	CollectiveIncome string `json:"collective_income"`
}

func checkProgress(p *i18n.Problems, progress int, note, income string) money.Fen {
	if progress < 0 || progress > 100 {
		p.Add("progress", "poverty.project.bad_progress")
	}
	if tooLong(strings.TrimSpace(note), MaxNotes) {
		p.Add("progress_note", "error.too_long", MaxNotes)
	}
	f := money.Fen(0)
	if strings.TrimSpace(income) != "" {
		var err error
		if f, err = money.ParseYuan(income); err != nil {
			p.AddErr("collective_income", err)
		}
	}
	return f
}

// CreateProject records a project of u's district: a title, funds above
// zero, at least one township of the district (active, in scope), people
// at least as many as households.
func (s *Service) CreateProject(ctx context.Context, u *auth.User, in ProjectInput) (*Project, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var p i18n.Problems
	if in.RegionCode = clean(in.RegionCode); in.RegionCode == "" {
		in.RegionCode = u.RegionCode
	}
	if len(in.RegionCode) != 6 || !u.Scope().Allows(in.RegionCode, 0) {
		p.Add("region_code", "poverty.project.bad_region")
	}
	if in.Year < 2000 || in.Year > 2100 {
		p.Add("year", "error.invalid_value")
	}
	in.Title = clean(in.Title)
	requiredText(&p, "title", in.Title)
	funds, err := money.ParseYuan(in.Funds)
	switch {
	case err != nil:
		p.AddErr("funds", err)
	case funds <= 0:
		p.Add("funds", "poverty.project.funds_positive")
	}
	if in.Households < 0 {
		p.Add("households", "error.invalid_value")
	}
	if in.People < in.Households {
		p.Add("people", "poverty.project.people_below_households")
	}
	income := checkProgress(&p, in.Progress, in.ProgressNote, in.CollectiveIncome)
	var towns []string
	for _, t := range in.Townships {
		if t = clean(t); t != "" && !slices.Contains(towns, t) {
			towns = append(towns, t)
		}
	}
	if len(towns) == 0 {
		p.Add("townships", "error.required")
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		q := append(i18n.Problems{}, p...)
		for _, t := range towns {
			var level int
			err := tx.QueryRowContext(ctx, `SELECT level FROM regions WHERE code = $1 AND active`, t).Scan(&level)
			if err != nil && !db.IsNoRows(err) {
				return db.Normalize(err)
			}
			if err != nil || level != 4 || !strings.HasPrefix(t, in.RegionCode) || !u.Scope().Allows(t, 0) {
				q.Add("townships", "poverty.project.bad_township", t)
				break
			}
		}
		if err := q.Err(); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO poverty_projects (region_code, year, title, funds, townships, households, people,
			collective_income, progress, progress_note, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
			in.RegionCode, in.Year, in.Title, funds, jsonText(towns), in.Households, in.People, income, in.Progress,
			strings.TrimSpace(in.ProgressNote), u.ID, tx.Now).Scan(&id); err != nil {
			return db.Normalize(err)
		}
		pr, err := s.getProject(ctx, tx, u, id)
		if err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, event(ctx, u, audit.Event{Action: "poverty.project.create", ObjectType: objProject, ObjectID: idOf(id),
			RegionCode: pr.RegionCode, After: audit.JSON(pr)}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Project(ctx, u, id)
}

// UpdateProgress records a project's progress (0–100%), its note and the
// village collective's added income so far.
func (s *Service) UpdateProgress(ctx context.Context, u *auth.User, id int64, in ProgressInput) (*Project, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var p i18n.Problems
	income := checkProgress(&p, in.Progress, in.ProgressNote, in.CollectiveIncome)
	if err := p.Err(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.getProject(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE poverty_projects SET progress = $1, progress_note = $2, collective_income = $3, updated_at = $4
			WHERE id = $5`, in.Progress, strings.TrimSpace(in.ProgressNote), income, tx.Now, id); err != nil {
			return db.Normalize(err)
		}
		after, err := s.getProject(ctx, tx, u, id)
		if err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, event(ctx, u, audit.Event{Action: "poverty.project.progress", ObjectType: objProject, ObjectID: idOf(id),
			RegionCode: after.RegionCode, Before: audit.JSON(before), After: audit.JSON(after)}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Project(ctx, u, id)
}

const projectColumns = `p.id, p.region_code, p.year, p.title, p.funds, p.townships, p.households, p.people, p.collective_income,
	p.progress, p.progress_note, p.updated_at`

func scanProject(sc interface{ Scan(...any) error }) (*Project, error) {
	p := &Project{}
	var towns string
	if err := sc.Scan(&p.ID, &p.RegionCode, &p.Year, &p.Title, &p.Funds, &towns, &p.Households, &p.People, &p.CollectiveIncome,
		&p.Progress, &p.ProgressNote, &p.UpdatedAt); err != nil {
		return nil, err
	}
	p.UpdatedAt = p.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(towns), &p.Townships); err != nil {
		return nil, i18n.Wrap(err, "poverty project %d townships", p.ID)
	}
	return p, nil
}

func (s *Service) names(ctx context.Context, q db.Querier, ps ...*Project) error {
	for _, p := range ps {
		p.TownshipNames = p.TownshipNames[:0]
		for _, t := range p.Townships {
			name := t
			if err := q.QueryRowContext(ctx, `SELECT name FROM regions WHERE code = $1`, t).Scan(&name); err != nil && !db.IsNoRows(err) {
				return db.Normalize(err)
			}
			p.TownshipNames = append(p.TownshipNames, name)
		}
	}
	return nil
}

func (s *Service) getProject(ctx context.Context, q db.Querier, u *auth.User, id int64) (*Project, error) {
	if err := mayView(u); err != nil {
		return nil, err
	}
	w := &db.Where{}
	w.Add("p.id = ?", id)
	w.AddNumbered(u.Scope().Where(auth.Columns{Region: "p.region_code"}, &w.Args))
	p, err := scanProject(q.QueryRowContext(ctx, `SELECT `+projectColumns+` FROM poverty_projects p WHERE `+w.SQL(), w.Args...))
	if db.IsNoRows(err) {
		return nil, notFound()
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	return p, s.names(ctx, q, p)
}

// Project returns one project u may see.
func (s *Service) Project(ctx context.Context, u *auth.User, id int64) (*Project, error) {
	return s.getProject(ctx, s.DB, u, id)
}

// ProjectTotals sums a list of projects: funds, beneficiary households and
// people, and the collective income added.
type ProjectTotals struct {
	Funds            money.Fen `json:"funds"`
	Households       int       `json:"households"`
	People           int       `json:"people"`
	CollectiveIncome money.Fen `json:"collective_income"`
	Townships        int       `json:"townships"`
}

// Totals sums ps; Townships counts the distinct townships served.
func Totals(ps []*Project) ProjectTotals {
	var t ProjectTotals
	seen := map[string]bool{}
	for _, p := range ps {
		t.Funds += p.Funds
		t.Households += p.Households
		t.People += p.People
		t.CollectiveIncome += p.CollectiveIncome
		for _, c := range p.Townships {
			seen[c] = true
		}
	}
	t.Townships = len(seen)
	return t
}

// Projects lists the projects in u's scope of a year (0: every year),
// newest first.
func (s *Service) Projects(ctx context.Context, u *auth.User, year int) ([]*Project, error) {
	if err := mayView(u); err != nil {
		return nil, err
	}
	w := &db.Where{}
	w.AddNumbered(u.Scope().Where(auth.Columns{Region: "p.region_code"}, &w.Args))
	if year > 0 {
		w.Add("p.year = ?", year)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+projectColumns+` FROM poverty_projects p WHERE `+w.SQL()+
		` ORDER BY p.year DESC, p.id DESC LIMIT `+strconv.Itoa(1000), w.Args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	out, err := db.Collect(rows, scanProject)
	if err != nil {
		return nil, err
	}
	return out, s.names(ctx, s.DB, out...)
}
