package poverty

import (
	"context"
	"slices"
	"strings"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

const (
	objCommissioner = "poverty_commissioner"
)

// Commissioner is an S&T commissioner (科技特派员) the bureau works with.
type Commissioner struct {
	ID         int64     `json:"id"`
	RegionCode string    `json:"region_code"`
	Name       string    `json:"name"`
	Level      string    `json:"level"`
	Expertise  string    `json:"expertise"`
	Employer   string    `json:"employer"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Term is a commissioner's appointment for a year, with the year's rating
// ("" until rated).
type Term struct {
	Year   int    `json:"year"`
	Rating string `json:"rating"`
}

// CommissionerRecord is a commissioner with the terms, assignments and
// service log, newest first.
type CommissionerRecord struct {
	*Commissioner
	Terms       []Term       `json:"terms"`
	Assignments []Assignment `json:"assignments"`
	Log         []ServiceLog `json:"log"`
}

// Summary is the record's summary of year.
func (r *CommissionerRecord) Summary(year int) YearSummary {
	return Summarize(year, r.Assignments, r.Log)
}

// Years lists the years of the record's terms, newest first.
func (r *CommissionerRecord) Years() []int {
	var ys []int
	for _, t := range r.Terms {
		ys = append(ys, t.Year)
	}
	return ys
}

// CommissionerInput registers a commissioner.
type CommissionerInput struct {
	Name      string `json:"name"`
	Level     string `json:"level"`
	Expertise string `json:"expertise"`
	Employer  string `json:"employer"`
}

// CreateCommissioner registers a commissioner in u's district.
func (s *Service) CreateCommissioner(ctx context.Context, u *auth.User, in CommissionerInput) (*Commissioner, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var p i18n.Problems
	c := &Commissioner{RegionCode: u.RegionCode, Name: clean(in.Name), Level: clean(in.Level), Expertise: clean(in.Expertise), Employer: clean(in.Employer)}
	requiredText(&p, "name", c.Name)
	if !slices.Contains(Levels, c.Level) {
		p.Add("level", "error.invalid_value")
	}
	for f, v := range map[string]string{"expertise": c.Expertise, "employer": c.Employer} {
		if tooLong(v, MaxText) {
			p.Add(f, "error.too_long", MaxText)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO poverty_commissioners (region_code, name, level, expertise, employer, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, c.RegionCode, c.Name, c.Level, c.Expertise, c.Employer, u.ID, tx.Now).Scan(&c.ID); err != nil {
			return db.Normalize(err)
		}
		c.UpdatedAt = tx.Now
		_, err := s.Audit.Append(ctx, tx, event(ctx, u, audit.Event{Action: "poverty.commissioner.create", ObjectType: objCommissioner,
			ObjectID: idOf(c.ID), RegionCode: c.RegionCode, After: audit.JSON(c)}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

const commissionerColumns = `c.id, c.region_code, c.name, c.level, c.expertise, c.employer, c.updated_at`

func scanCommissioner(sc interface{ Scan(...any) error }) (*Commissioner, error) {
	c := &Commissioner{}
	err := sc.Scan(&c.ID, &c.RegionCode, &c.Name, &c.Level, &c.Expertise, &c.Employer, &c.UpdatedAt)
	c.UpdatedAt = c.UpdatedAt.UTC()
	return c, err
}

func (s *Service) getCommissioner(ctx context.Context, q db.Querier, u *auth.User, id int64) (*Commissioner, error) {
	if err := mayView(u); err != nil {
		return nil, err
	}
	w := &db.Where{}
	w.Add("c.id = ?", id)
	w.AddNumbered(u.Scope().Where(auth.Columns{Region: "c.region_code"}, &w.Args))
	c, err := scanCommissioner(q.QueryRowContext(ctx, `SELECT `+commissionerColumns+` FROM poverty_commissioners c WHERE `+w.SQL(), w.Args...))
	if db.IsNoRows(err) {
		return nil, notFound()
	}
	return c, db.Normalize(err)
}

// Commissioners lists the commissioners in u's scope by level and name.
func (s *Service) Commissioners(ctx context.Context, u *auth.User) ([]*Commissioner, error) {
	if err := mayView(u); err != nil {
		return nil, err
	}
	w := &db.Where{}
	w.AddNumbered(u.Scope().Where(auth.Columns{Region: "c.region_code"}, &w.Args))
	rows, err := s.DB.QueryContext(ctx, `SELECT `+commissionerColumns+` FROM poverty_commissioners c WHERE `+w.SQL()+
		` ORDER BY CASE c.level WHEN 'province' THEN 1 WHEN 'city' THEN 2 ELSE 3 END, c.name, c.id LIMIT 1000`, w.Args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, scanCommissioner)
}

// CommissionerRecord returns a commissioner with terms, assignments and log.
func (s *Service) CommissionerRecord(ctx context.Context, u *auth.User, id int64) (*CommissionerRecord, error) {
	c, err := s.getCommissioner(ctx, s.DB, u, id)
	if err != nil {
		return nil, err
	}
	r := &CommissionerRecord{Commissioner: c}
	rows, err := s.DB.QueryContext(ctx, `SELECT year, rating FROM poverty_commissioner_terms WHERE commissioner_id = $1 ORDER BY year DESC`, id)
	if err != nil {
		return nil, db.Normalize(err)
	}
	if r.Terms, err = db.Collect(rows, func(sc interface{ Scan(...any) error }) (Term, error) {
		var t Term
		return t, sc.Scan(&t.Year, &t.Rating)
	}); err != nil {
		return nil, err
	}
	rows, err = s.DB.QueryContext(ctx, `SELECT a.id, a.commissioner_id, a.year, a.kind, a.region_code, COALESCE(r.name, ''), COALESCE(a.household_id, 0),
		COALESCE(h.head_name, ''), a.enterprise_name, a.agreement_no
		FROM poverty_assignments a LEFT JOIN regions r ON r.code = a.region_code LEFT JOIN poverty_households h ON h.id = a.household_id
		WHERE a.commissioner_id = $1 ORDER BY a.year DESC, a.id`, id)
	if err != nil {
		return nil, db.Normalize(err)
	}
	if r.Assignments, err = db.Collect(rows, func(sc interface{ Scan(...any) error }) (Assignment, error) {
		var a Assignment
		var village, head string
		err := sc.Scan(&a.ID, &a.CommissionerID, &a.Year, &a.Kind, &a.RegionCode, &village, &a.HouseholdID, &head, &a.EnterpriseName, &a.AgreementNo)
		a.PlaceName = village
		if a.Kind == AssignHousehold {
			a.PlaceName = village + " " + MaskName(head)
		}
		return a, err
	}); err != nil {
		return nil, err
	}
	rows, err = s.DB.QueryContext(ctx, `SELECT id, commissioner_id, COALESCE(assignment_id, 0), served_on, kind, topic, trainees, notes
		FROM poverty_services WHERE commissioner_id = $1 ORDER BY served_on DESC, id DESC`, id)
	if err != nil {
		return nil, db.Normalize(err)
	}
	r.Log, err = db.Collect(rows, func(sc interface{ Scan(...any) error }) (ServiceLog, error) {
		var l ServiceLog
		var on string
		err := sc.Scan(&l.ID, &l.CommissionerID, &l.AssignmentID, &on, &l.Kind, &l.Topic, &l.Trainees, &l.Notes)
		l.ServedOn = rowDate(on)
		return l, err
	})
	return r, err
}

func (s *Service) term(ctx context.Context, q db.Querier, id int64, year int) (Term, bool, error) {
	t := Term{Year: year}
	err := q.QueryRowContext(ctx, `SELECT rating FROM poverty_commissioner_terms WHERE commissioner_id = $1 AND year = $2`, id, year).Scan(&t.Rating)
	if db.IsNoRows(err) {
		return t, false, nil
	}
	return t, err == nil, db.Normalize(err)
}

// Appoint appoints a commissioner for a year. A commissioner whose term of
// the year before was rated 不合格 may not be appointed again (field
// error on year, nothing written); one already appointed for the year is a
// conflict.
func (s *Service) Appoint(ctx context.Context, u *auth.User, id int64, year int) error {
	if err := mayManage(u); err != nil {
		return err
	}
	if year < 2000 || year > 2100 {
		return i18n.FieldError("year", "error.invalid_value")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.getCommissioner(ctx, tx, u, id)
		if err != nil {
			return err
		}
		prev, had, err := s.term(ctx, tx, id, year-1)
		if err != nil {
			return err
		}
		if !MayReappoint(had, prev.Rating) {
			return i18n.FieldError("year", "poverty.commissioner.failed_last_year", year-1)
		}
		if _, exists, err := s.term(ctx, tx, id, year); err != nil {
			return err
		} else if exists {
			return i18n.E(i18n.Conflict, "poverty.commissioner.already_appointed", year)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO poverty_commissioner_terms (commissioner_id, year, appointed_at) VALUES ($1, $2, $3)`,
			id, year, tx.Now); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, event(ctx, u, audit.Event{Action: "poverty.commissioner.appoint", ObjectType: objCommissioner,
			ObjectID: idOf(id), RegionCode: c.RegionCode, After: audit.JSON(Term{Year: year})}))
		return err
	})
}

// Rate records the rating of a commissioner's term of a year.
func (s *Service) Rate(ctx context.Context, u *auth.User, id int64, year int, rating string) error {
	if err := mayManage(u); err != nil {
		return err
	}
	if !slices.Contains(Ratings, rating) {
		return i18n.FieldError("rating", "error.invalid_value")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.getCommissioner(ctx, tx, u, id)
		if err != nil {
			return err
		}
		before, had, err := s.term(ctx, tx, id, year)
		if err != nil {
			return err
		}
		if !had {
			return i18n.FieldError("year", "poverty.commissioner.not_appointed", year)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE poverty_commissioner_terms SET rating = $1 WHERE commissioner_id = $2 AND year = $3`,
			rating, id, year); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, event(ctx, u, audit.Event{Action: "poverty.commissioner.rate", ObjectType: objCommissioner,
			ObjectID: idOf(id), RegionCode: c.RegionCode, Before: audit.JSON(before), After: audit.JSON(Term{Year: year, Rating: rating})}))
		return err
	})
}

// AssignmentInput assigns a commissioner for a year to a village (with the
// assistance agreement's number), a household, or an enterprise.
type AssignmentInput struct {
	Year           int    `json:"year"`
	Kind           string `json:"kind"`
	VillageCode    string `json:"village_code"`
	HouseholdID    int64  `json:"household_id"`
	EnterpriseName string `json:"enterprise_name"`
	AgreementNo    string `json:"agreement_no"`
}

// Assign records an assignment of a commissioner appointed for the year:
// a village of u's scope, a household of the registry in scope, or an
// enterprise by name. A village without an agreement number is recorded
// but counts as incomplete.
func (s *Service) Assign(ctx context.Context, u *auth.User, id int64, in AssignmentInput) (*Assignment, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	a := &Assignment{CommissionerID: id, Year: in.Year, Kind: clean(in.Kind), AgreementNo: clean(in.AgreementNo)}
	if tooLong(a.AgreementNo, MaxText) {
		return nil, i18n.FieldError("agreement_no", "error.too_long", MaxText)
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.getCommissioner(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if _, had, err := s.term(ctx, tx, id, in.Year); err != nil {
			return err
		} else if !had {
			return i18n.FieldError("year", "poverty.commissioner.not_appointed", in.Year)
		}
		switch a.Kind {
		case AssignVillage:
			a.RegionCode = clean(in.VillageCode)
			if err := checkVillage(ctx, tx, u, "village_code", a.RegionCode); err != nil {
				return err
			}
		case AssignHousehold:
			h, err := s.getHousehold(ctx, tx, u, in.HouseholdID)
			if i18n.ErrorCode(err) == i18n.NotFound {
				return i18n.FieldError("household_id", "poverty.commissioner.bad_household")
			}
			if err != nil {
				return err
			}
			a.HouseholdID, a.RegionCode = h.ID, h.RegionCode
		case AssignEnterprise:
			if a.EnterpriseName = clean(in.EnterpriseName); a.EnterpriseName == "" {
				return i18n.FieldError("enterprise_name", "error.required")
			} else if tooLong(a.EnterpriseName, MaxText) {
				return i18n.FieldError("enterprise_name", "error.too_long", MaxText)
			}
		default:
			return i18n.FieldError("kind", "error.invalid_value")
		}
		var household any
		if a.HouseholdID > 0 {
			household = a.HouseholdID
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO poverty_assignments (commissioner_id, year, kind, region_code, household_id, enterprise_name,
			agreement_no, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, id, a.Year, a.Kind, a.RegionCode, household,
			a.EnterpriseName, a.AgreementNo, tx.Now).Scan(&a.ID); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, event(ctx, u, audit.Event{Action: "poverty.commissioner.assign", ObjectType: objCommissioner,
			ObjectID: idOf(id), RegionCode: c.RegionCode, After: audit.JSON(a)}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// ServiceInput is an entry of a commissioner's service log.
type ServiceInput struct {
	AssignmentID int64  `json:"assignment_id"` // 0: not tied to an assignment
	ServedOn     string `json:"served_on"`
	Kind         string `json:"kind"` // service or training
	Topic        string `json:"topic"`
	Trainees     int    `json:"trainees"` // a training has at least one
	Notes        string `json:"notes"`
}

// LogService records a service or a training a commissioner gave: its date
// (not after today), topic, trainees for a training, and the assignment
// (one of the commissioner's) it served.
func (s *Service) LogService(ctx context.Context, u *auth.User, id int64, in ServiceInput) (*ServiceLog, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var p i18n.Problems
	l := &ServiceLog{CommissionerID: id, AssignmentID: in.AssignmentID, Kind: clean(in.Kind), Topic: clean(in.Topic), Trainees: in.Trainees,
		Notes: strings.TrimSpace(in.Notes)}
	d, err := calendar.Parse(clean(in.ServedOn))
	if err != nil {
		p.Add("served_on", "error.invalid_date")
	}
	l.ServedOn = d
	requiredText(&p, "topic", l.Topic)
	switch {
	case l.Kind != ServiceVisit && l.Kind != ServiceTraining:
		p.Add("kind", "error.invalid_value")
	case l.Kind == ServiceTraining && l.Trainees < 1:
		p.Add("trainees", "poverty.commissioner.no_trainees")
	case l.Trainees < 0:
		p.Add("trainees", "error.invalid_value")
	}
	if tooLong(l.Notes, MaxNotes) {
		p.Add("notes", "error.too_long", MaxNotes)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.getCommissioner(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if d.After(today(tx)) {
			return i18n.FieldError("served_on", "poverty.date_future")
		}
		var assignment any
		if l.AssignmentID > 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM poverty_assignments WHERE id = $1 AND commissioner_id = $2`,
				l.AssignmentID, id).Scan(&n); err != nil {
				return db.Normalize(err)
			}
			if n == 0 {
				return i18n.FieldError("assignment_id", "error.invalid_value")
			}
			assignment = l.AssignmentID
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO poverty_services (commissioner_id, assignment_id, served_on, kind, topic, trainees, notes,
			created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, id, assignment, d.String(), l.Kind, l.Topic,
			l.Trainees, l.Notes, u.ID, tx.Now).Scan(&l.ID); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, event(ctx, u, audit.Event{Action: "poverty.commissioner.service", ObjectType: objCommissioner,
			ObjectID: idOf(id), RegionCode: c.RegionCode, After: audit.JSON(l)}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// CommissionerSummary returns a commissioner's summary of a year.
func (s *Service) CommissionerSummary(ctx context.Context, u *auth.User, id int64, year int) (YearSummary, error) {
	r, err := s.CommissionerRecord(ctx, u, id)
	if err != nil {
		return YearSummary{}, err
	}
	return r.Summary(year), nil
}
