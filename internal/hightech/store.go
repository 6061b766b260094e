package hightech

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/ident"
	"kejiju/internal/money"
)

// Service runs the 高企/科小 pipeline: pre-checks and their stored
// evaluations, the cultivation pool, yearly applications and their
// decisions, awards, reminders and the board. Every change runs in one
// transaction with its audit event.
//
// The pipeline's tables (cultivation_pool, hte_applications,
// rule_evaluations, enterprise_awards) carry no region of their own: every
// read and write first asks Enterprises, which applies the caller's data
// scope, and only rows of the enterprises it returns are shown. An
// enterprise out of scope is NotFound, exactly like one that does not exist.
type Service struct {
	DB          *db.DB
	Audit       *audit.Log
	Enterprises Enterprises
	// Policies are the versions of the rules the bureau uses; when empty,
	// DefaultPolicies.
	Policies Policies
}

func (s *Service) policies() Policies {
	if len(s.Policies.HTE) == 0 && len(s.Policies.SME) == 0 {
		return DefaultPolicies()
	}
	return s.Policies
}

// today returns the current date in China (the database clock, which tests
// may set).
func (s *Service) today() calendar.Date {
	now := time.Now
	if s.DB != nil && s.DB.Now != nil {
		now = s.DB.Now
	}
	return calendar.FromTime(now(), calendar.Shanghai)
}

// Today returns the service's current date in China, for pages that default
// to it.
func (s *Service) Today() calendar.Date { return s.today() }

var notFound = i18n.E(i18n.NotFound, "error.not_found")

// mayManage refuses users who may not act in the pipeline: it is staff
// work (PermEnterpriseManage), and read-only users (the city viewer) change
// nothing.
func mayManage(u *auth.User) error {
	if !u.Can(auth.PermWrite) || !u.Can(auth.PermEnterpriseManage) || u.Scope().ReadOnly {
		return i18n.E(i18n.Forbidden, "error.forbidden")
	}
	return nil
}

// profile returns the enterprise if u may see it.
func (s *Service) profile(ctx context.Context, u *auth.User, id int64) (*Profile, error) {
	if id <= 0 {
		return nil, notFound
	}
	return s.Enterprises.Profile(ctx, u, id)
}

// Precheck is a pre-check of one enterprise on a date: both rule results,
// with the facts and scores they used.
type Precheck struct {
	Enterprise *Profile      `json:"enterprise"`
	On         calendar.Date `json:"on"`
	Scores     ExpertScores  `json:"scores"`
	Scored     bool          `json:"scored"` // the scores were given, not the defaults
	HTE        HTEResult     `json:"hte"`
	SME        SMEResult     `json:"sme"`
}

// Evaluate runs the pre-check of profile p on the date on under the rules
// in force then (HTE, and SME with the "best" R&D option and the direct
// facts of a valid HTE certificate). scores nil means DefaultScores. It
// returns the pre-check and the rule versions used, or an Invalid error when
// no version is in force on that date.
func Evaluate(ps Policies, p *Profile, on calendar.Date, scores *ExpertScores) (*Precheck, HTEParams, SMEParams, error) {
	hp, ok := ps.HTEOn(on)
	if !ok {
		return nil, HTEParams{}, SMEParams{}, i18n.FieldError("on", "hightech.ui.no_rules", on.String())
	}
	sp, ok := ps.SMEOn(on)
	if !ok {
		return nil, HTEParams{}, SMEParams{}, i18n.FieldError("on", "hightech.ui.no_rules", on.String())
	}
	pc := &Precheck{Enterprise: p, On: on}
	f := FactsOf(p, on, ExpertScores{})
	if scores != nil {
		pc.Scores, pc.Scored = *scores, true
	} else {
		pc.Scores = DefaultScores(hp, f.ClassI, f.ClassII)
	}
	f.Expert = pc.Scores
	pc.HTE = EvaluateHTE(hp, f)
	pc.SME = EvaluateSME(sp, f, RDBest, DirectOf(p, on))
	return pc, hp, sp, nil
}

// Precheck evaluates an enterprise on the date on with the default expert
// scores (see DefaultScores and FactsOf for what it assumes). It returns
// NotFound when the enterprise lies outside u's scope.
func (s *Service) Precheck(ctx context.Context, u *auth.User, enterpriseID int64, on calendar.Date) (*Precheck, error) {
	return s.PrecheckWith(ctx, u, enterpriseID, on, nil)
}

// PrecheckWith is Precheck with the experts' scores (nil: the defaults),
// for trying scores out before recording them; it stores nothing.
func (s *Service) PrecheckWith(ctx context.Context, u *auth.User, enterpriseID int64, on calendar.Date, scores *ExpertScores) (*Precheck, error) {
	if !on.IsValid() {
		return nil, i18n.FieldError("on", "error.invalid_date")
	}
	p, err := s.profile(ctx, u, enterpriseID)
	if err != nil {
		return nil, err
	}
	pc, _, _, err := Evaluate(s.policies(), p, on, scores)
	return pc, err
}

// CheckScores returns a field error (named by the ExpertScores JSON names)
// for every score outside its item's range under p; the IP quantity score
// must also lie within the band of the item counts.
func CheckScores(p HTEParams, x ExpertScores, classI, classII int) i18n.Problems {
	var pr i18n.Problems
	check := func(field string, v, lo, hi int) {
		if v < lo || v > hi {
			pr.Add(field, "hightech.ui.score.range", lo, hi)
		}
	}
	it, ot := p.IPItems, p.OrgItems
	check("ip_advancement", x.IPAdvancement, 0, it.Advancement)
	check("ip_core_support", x.IPCoreSupport, 0, it.CoreSupport)
	q := quantityBandOf(p, classI, classII)
	check("ip_quantity", x.IPQuantity, q.Low, min(q.High, it.Quantity))
	check("ip_acquisition", x.IPAcquisition, 0, it.Acquisition)
	check("ip_standards", x.IPStandards, 0, it.Standards)
	check("org_management", x.OrgManagement, 0, ot.Management)
	check("org_institution", x.OrgInstitution, 0, ot.Institution)
	check("org_conversion", x.OrgConversion, 0, ot.Conversion)
	check("org_talent", x.OrgTalent, 0, ot.Talent)
	return pr
}

// Record evaluates an enterprise today with the panel's scores and stores
// one evaluation per rule (HTE and SME): its rule id, document, parameters,
// facts and result, so that it can be replayed. It returns the id of the
// HTE evaluation. Scores outside their ranges are field errors and nothing
// is written.
func (s *Service) Record(ctx context.Context, u *auth.User, enterpriseID int64, scores ExpertScores) (int64, error) {
	if err := mayManage(u); err != nil {
		return 0, err
	}
	p, err := s.profile(ctx, u, enterpriseID)
	if err != nil {
		return 0, err
	}
	on := s.today()
	pc, hp, sp, err := Evaluate(s.policies(), p, on, &scores)
	if err != nil {
		return 0, err
	}
	if pr := CheckScores(hp, scores, pc.HTE.Facts.ClassI, pc.HTE.Facts.ClassII); len(pr) > 0 {
		return 0, pr
	}
	type row struct {
		rule, doc      string
		params, result any
		facts          Facts
		pass           bool
	}
	rows := []row{
		{hp.RuleID, hp.Document, hp, pc.HTE, pc.HTE.Facts, pc.HTE.Pass},
		{sp.RuleID, sp.Document, sp, pc.SME, pc.SME.Facts, pc.SME.Pass},
	}
	var ids []int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		ids = ids[:0]
		for _, r := range rows {
			params, err := json.Marshal(r.params)
			if err != nil {
				return i18n.Wrap(err, "hightech: params")
			}
			facts, err := json.Marshal(r.facts)
			if err != nil {
				return i18n.Wrap(err, "hightech: facts")
			}
			result, err := json.Marshal(r.result)
			if err != nil {
				return i18n.Wrap(err, "hightech: result")
			}
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO rule_evaluations (enterprise_id, rule_id, document, params, facts, result, pass, created_by, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
				p.ID, r.rule, r.doc, string(params), string(facts), string(result), r.pass, u.ID, tx.Now).Scan(&id); err != nil {
				return db.Normalize(err)
			}
			ids = append(ids, id)
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "hte.evaluate", ObjectType: "enterprise", ObjectID: strconv.FormatInt(p.ID, 10),
			RegionCode: p.RegionCode, After: audit.JSON(map[string]any{
				"evaluations": ids, "on": on, "scores": scores,
				"hte": map[string]any{"rule_id": hp.RuleID, "pass": pc.HTE.Pass, "total": pc.HTE.Score.Total, "failing": Failing(pc.HTE.Conditions)},
				"sme": map[string]any{"rule_id": sp.RuleID, "pass": pc.SME.Pass, "total": pc.SME.Score.Total, "basis": pc.SME.Basis},
			})})
		return err
	})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// Failing returns the ids of the conditions that fail, in order.
func Failing(cs []Condition) []string {
	var out []string
	for _, c := range cs {
		if !c.Pass {
			out = append(out, c.ID)
		}
	}
	return out
}

// Evaluation is one stored rule evaluation and whether it replays.
type Evaluation struct {
	ID           int64     `json:"id"`
	EnterpriseID int64     `json:"enterprise_id"`
	Rules        string    `json:"rules"` // RulesHTE or RulesSME, "" when the stored parameters name neither
	RuleID       string    `json:"rule_id"`
	Document     string    `json:"document"`
	Pass         bool      `json:"pass"`
	Total        int       `json:"total"`   // the score of the stored result
	Failing      []string  `json:"failing"` // the failing conditions of the stored result
	CreatedBy    int64     `json:"created_by,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	// Replayed is true when evaluating the stored facts again under the
	// stored parameters gives exactly the stored result, and the stored
	// facts and verdict agree with it.
	Replayed bool `json:"replayed"`
}

// The two sets of rules an evaluation may hold.
const (
	RulesHTE = "hte"
	RulesSME = "sme"
)

// Evaluations returns the stored evaluations of an enterprise, newest
// first, each replayed.
func (s *Service) Evaluations(ctx context.Context, u *auth.User, enterpriseID int64) ([]Evaluation, error) {
	p, err := s.profile(ctx, u, enterpriseID)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, enterprise_id, rule_id, document, params, facts, result, pass, COALESCE(created_by, 0), created_at
		FROM rule_evaluations WHERE enterprise_id = $1 ORDER BY created_at DESC, id DESC`, p.ID)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []Evaluation
	for rows.Next() {
		var ev Evaluation
		var params, facts, result string
		if err := rows.Scan(&ev.ID, &ev.EnterpriseID, &ev.RuleID, &ev.Document, &params, &facts, &result, &ev.Pass, &ev.CreatedBy, &ev.CreatedAt); err != nil {
			return nil, db.Normalize(err)
		}
		ev.CreatedAt = ev.CreatedAt.UTC()
		r := Replay(ev.RuleID, []byte(params), []byte(facts), []byte(result), ev.Pass)
		ev.Rules, ev.Total, ev.Failing, ev.Replayed = r.Rules, r.Total, r.Failing, r.OK
		out = append(out, ev)
	}
	return out, db.Normalize(rows.Err())
}

// ReplayCheck is the outcome of Replay.
type ReplayCheck struct {
	Rules   string   // RulesHTE, RulesSME, or "" when the parameters name neither
	Total   int      // the stored result's score
	Failing []string // the stored result's failing conditions
	OK      bool     // the replay gives the stored result
}

// Replay checks one stored evaluation: the stored parameters (which set of
// rules they are is told by their fields), facts, result and verdict. OK is
// true when the parameters are valid and name the stored rule id, the
// result replays exactly (ReplayHTE or ReplaySME), and the stored facts and
// verdict are the result's.
func Replay(ruleID string, params, facts, result []byte, pass bool) ReplayCheck {
	var probe map[string]json.RawMessage
	if json.Unmarshal(params, &probe) != nil {
		return ReplayCheck{}
	}
	_, isSME := probe["max_staff"]
	_, isHTE := probe["ip_max"]
	var rc ReplayCheck
	var storedFacts Facts
	if json.Unmarshal(facts, &storedFacts) != nil {
		return rc
	}
	switch {
	case isHTE && !isSME:
		rc.Rules = RulesHTE
		var p HTEParams
		var stored HTEResult
		if json.Unmarshal(params, &p) != nil || json.Unmarshal(result, &stored) != nil {
			return rc
		}
		rc.Total, rc.Failing = stored.Score.Total, Failing(stored.Conditions)
		if p.RuleID != ruleID || p.Validate() != nil {
			return rc
		}
		again, ok := ReplayHTE(p, stored)
		rc.OK = ok && sameJSON(again, stored) && sameJSON(storedFacts, stored.Facts) && stored.Pass == pass
	case isSME && !isHTE:
		rc.Rules = RulesSME
		var p SMEParams
		var stored SMEResult
		if json.Unmarshal(params, &p) != nil || json.Unmarshal(result, &stored) != nil {
			return rc
		}
		rc.Total, rc.Failing = stored.Score.Total, Failing(stored.Conditions)
		if p.RuleID != ruleID || p.Validate() != nil {
			return rc
		}
		again, ok := ReplaySME(p, stored)
		rc.OK = ok && sameJSON(again, stored) && sameJSON(storedFacts, stored.Facts) && stored.Pass == pass
	}
	return rc
}

// sameJSON reports whether a and b encode to the same JSON.
func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// ---- the cultivation pool ----

const poolColumns = `id, enterprise_id, entered_on, reason, exited_on, exit_reason, COALESCE(created_by, 0), created_at`

func scanPool(sc interface{ Scan(...any) error }) (PoolEntry, error) {
	var e PoolEntry
	err := sc.Scan(&e.ID, &e.EnterpriseID, &e.EnteredOn, &e.Reason, &e.ExitedOn, &e.ExitReason, &e.CreatedBy, &e.CreatedAt)
	e.CreatedAt = e.CreatedAt.UTC()
	return e, err
}

func queryPool(ctx context.Context, q db.Querier, where string, args ...any) ([]PoolEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+poolColumns+` FROM cultivation_pool WHERE `+where+` ORDER BY entered_on DESC, id DESC`, args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []PoolEntry
	for rows.Next() {
		e, err := scanPool(rows)
		if err != nil {
			return nil, db.Normalize(err)
		}
		out = append(out, e)
	}
	return out, db.Normalize(rows.Err())
}

// checkDay refuses a missing day, or one after today.
func checkDay(field string, d, today calendar.Date, p *i18n.Problems) {
	switch {
	case d.IsZero():
		p.Add(field, "error.required")
	case !d.IsValid():
		p.Add(field, "error.invalid_date")
	case d.After(today):
		p.Add(field, "hightech.ui.date.future")
	}
}

// EnterPool puts an enterprise in the 培育库 on the day on, for reason
// (required). An enterprise is in the pool once at a time: entering again
// while an entry is open is a field error.
func (s *Service) EnterPool(ctx context.Context, u *auth.User, enterpriseID int64, on calendar.Date, reason string) error {
	if err := mayManage(u); err != nil {
		return err
	}
	var pr i18n.Problems
	reason = strings.TrimSpace(reason)
	checkDay("entered_on", on, s.today(), &pr)
	if reason == "" {
		pr.Add("reason", "error.required")
	}
	if err := pr.Err(); err != nil {
		return err
	}
	p, err := s.profile(ctx, u, enterpriseID)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		// The audit event comes first: its append holds the lock of the
		// audit chain until the transaction ends, so two requests entering
		// the same enterprise at once run one after the other, and the
		// second sees the first's open entry below.
		if _, err := s.Audit.Append(ctx, tx, audit.Event{Action: "hte.pool.enter", ObjectType: "enterprise", ObjectID: strconv.FormatInt(p.ID, 10),
			RegionCode: p.RegionCode, After: audit.JSON(map[string]any{"entered_on": on, "reason": reason}), Reason: reason}); err != nil {
			return err
		}
		open, err := queryPool(ctx, tx, `enterprise_id = $1 AND exited_on IS NULL`, p.ID)
		if err != nil {
			return err
		}
		if len(open) > 0 {
			return i18n.FieldError("entered_on", "hightech.ui.pool.already", open[0].EnteredOn.String())
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO cultivation_pool (enterprise_id, entered_on, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5)`,
			p.ID, on, reason, u.ID, tx.Now)
		return db.Normalize(err)
	})
}

// ExitPool takes an enterprise out of the 培育库 on the day on, for reason
// (required): it closes the open entry. An enterprise not in the pool, or
// a day before it entered, is a field error.
func (s *Service) ExitPool(ctx context.Context, u *auth.User, enterpriseID int64, on calendar.Date, reason string) error {
	if err := mayManage(u); err != nil {
		return err
	}
	var pr i18n.Problems
	reason = strings.TrimSpace(reason)
	checkDay("exited_on", on, s.today(), &pr)
	if reason == "" {
		pr.Add("exit_reason", "error.required")
	}
	if err := pr.Err(); err != nil {
		return err
	}
	p, err := s.profile(ctx, u, enterpriseID)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		open, err := queryPool(ctx, tx, `enterprise_id = $1 AND exited_on IS NULL`, p.ID)
		if err != nil {
			return err
		}
		if len(open) == 0 {
			return i18n.FieldError("exited_on", "hightech.ui.pool.not_in")
		}
		e := open[0]
		if on.Before(e.EnteredOn) {
			return i18n.FieldError("exited_on", "hightech.ui.pool.exit_before", e.EnteredOn.String())
		}
		res, err := tx.ExecContext(ctx, `UPDATE cultivation_pool SET exited_on = $1, exit_reason = $2 WHERE id = $3 AND exited_on IS NULL`, on, reason, e.ID)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return i18n.FieldError("exited_on", "hightech.ui.pool.not_in")
		}
		before := e
		e.ExitedOn, e.ExitReason = on, reason
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "hte.pool.exit", ObjectType: "cultivation_pool", ObjectID: strconv.FormatInt(e.ID, 10),
			RegionCode: p.RegionCode, Before: audit.JSON(before), After: audit.JSON(e), Reason: reason})
		return err
	})
}

// ---- applications ----

const appColumns = `id, enterprise_id, year, batch, kind, status, certificate_no, decided_on, note, version, created_at, updated_at`

func scanApp(sc interface{ Scan(...any) error }) (Application, error) {
	var a Application
	err := sc.Scan(&a.ID, &a.EnterpriseID, &a.Year, &a.Batch, &a.Kind, &a.Status, &a.CertificateNo, &a.DecidedOn, &a.Note, &a.Version, &a.CreatedAt, &a.UpdatedAt)
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, err
}

func queryApps(ctx context.Context, q db.Querier, where string, args ...any) ([]Application, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+appColumns+` FROM hte_applications WHERE `+where+` ORDER BY year DESC, batch, id`, args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []Application
	for rows.Next() {
		a, err := scanApp(rows)
		if err != nil {
			return nil, db.Normalize(err)
		}
		out = append(out, a)
	}
	return out, db.Normalize(rows.Err())
}

// yearRange checks a year against 2000 … next year.
func (s *Service) yearRange(field string, year int, p *i18n.Problems) {
	if hi := s.today().Year + 1; year < 2000 || year > hi {
		p.Add(field, "hightech.ui.year.range", 2000, hi)
	}
}

// Apply records an enterprise's 申报 of year in batch (1 or more): a
// 重新认定 (KindRecert) when it holds an HTE certificate that expires in or
// before that year, else a first application; its status is submitted. An
// enterprise applies once a year (a second is a field error), and not while
// its certificate stays in force past that year.
func (s *Service) Apply(ctx context.Context, u *auth.User, enterpriseID int64, year, batch int) (*Application, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var pr i18n.Problems
	s.yearRange("year", year, &pr)
	if batch < 1 || batch > 99 {
		pr.Add("batch", "hightech.ui.batch.range", 1, 99)
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	p, err := s.profile(ctx, u, enterpriseID)
	if err != nil {
		return nil, err
	}
	kind, valid, ok := ApplicationKind(p, year)
	if !ok {
		return nil, i18n.FieldError("year", "hightech.ui.apply.still_valid", valid.Number, valid.Expires().String())
	}
	a := &Application{EnterpriseID: p.ID, EnterpriseName: p.Name, RegionCode: p.RegionCode, Year: year, Batch: batch, Kind: kind,
		Status: StatusSubmitted, Version: 1}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		a.CreatedAt, a.UpdatedAt = tx.Now, tx.Now
		err := tx.QueryRowContext(ctx, `INSERT INTO hte_applications (enterprise_id, year, batch, kind, status, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id`, a.EnterpriseID, a.Year, a.Batch, a.Kind, a.Status, tx.Now).Scan(&a.ID)
		if db.IsUnique(err) {
			return i18n.FieldError("year", "hightech.ui.apply.taken", year)
		}
		if err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "hte.apply", ObjectType: "hte_application", ObjectID: strconv.FormatInt(a.ID, 10),
			RegionCode: p.RegionCode, After: audit.JSON(a)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// application returns one application if u may see its enterprise.
func (s *Service) application(ctx context.Context, u *auth.User, id int64) (*Application, *Profile, error) {
	as, err := queryApps(ctx, s.DB, `id = $1`, id)
	if err != nil {
		return nil, nil, err
	}
	if len(as) == 0 {
		return nil, nil, notFound
	}
	p, err := s.profile(ctx, u, as[0].EnterpriseID)
	if err != nil {
		return nil, nil, err
	}
	a := as[0]
	a.EnterpriseName, a.RegionCode = p.Name, p.RegionCode
	return &a, p, nil
}

// Application returns one application, or NotFound when it does not exist
// or its enterprise lies outside u's scope.
func (s *Service) Application(ctx context.Context, u *auth.User, id int64) (*Application, error) {
	a, _, err := s.application(ctx, u, id)
	return a, err
}

// Decide records the outcome of a submitted application: status
// recognized (认定), rejected (未通过) or withdrawn, on the day decidedOn
// (required, not in the future), with a note. A recognition needs the
// certificate number (GR + the application's year + province + serial,
// ident.ParseHTECertificate). Transitions says which moves are allowed; a
// decided application is final.
func (s *Service) Decide(ctx context.Context, u *auth.User, applicationID int64, status, certificateNo string, decidedOn calendar.Date, note string) error {
	if err := mayManage(u); err != nil {
		return err
	}
	a, p, err := s.application(ctx, u, applicationID)
	if err != nil {
		return err
	}
	var pr i18n.Problems
	if !slices.Contains(Statuses, status) || status == StatusSubmitted {
		pr.Add("status", "error.invalid_value")
	}
	checkDay("decided_on", decidedOn, s.today(), &pr)
	certificateNo = strings.ToUpper(strings.TrimSpace(certificateNo))
	if status == StatusRecognized {
		if certificateNo == "" {
			pr.Add("certificate_no", "error.required")
		} else if c, err := ident.ParseHTECertificate(certificateNo); err != nil {
			pr.AddErr("certificate_no", err)
		} else if c.Year != a.Year {
			pr.Add("certificate_no", "hightech.ui.decide.cert_year", c.Year, a.Year)
		} else {
			certificateNo = c.String()
		}
	} else {
		certificateNo = ""
	}
	if err := pr.Err(); err != nil {
		return err
	}
	if !CanMove(a.Status, status) {
		return i18n.E(i18n.Conflict, "hightech.ui.decide.final")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE hte_applications SET status = $1, certificate_no = $2, decided_on = $3, note = $4,
			version = version + 1, updated_at = $5 WHERE id = $6 AND status = $7 AND version = $8`,
			status, certificateNo, decidedOn, strings.TrimSpace(note), tx.Now, a.ID, a.Status, a.Version)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return i18n.E(i18n.Conflict, "hightech.ui.decide.final")
		}
		if status == StatusRecognized {
			// The certificate goes on the enterprise's record, in this transaction.
			if err := s.Enterprises.AddCertificate(ctx, tx, u, a.EnterpriseID, certificateNo, a.Year, decidedOn); err != nil {
				return err
			}
		}
		after := *a
		after.Status, after.CertificateNo, after.DecidedOn, after.Note = status, certificateNo, decidedOn, strings.TrimSpace(note)
		after.Version, after.UpdatedAt = a.Version+1, tx.Now
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "hte.decide", ObjectType: "hte_application", ObjectID: strconv.FormatInt(a.ID, 10),
			RegionCode: p.RegionCode, Before: audit.JSON(a), After: audit.JSON(after), Reason: after.Note})
		return err
	})
}

// ---- awards ----

const awardColumns = `id, enterprise_id, year, kind, result, amount, note, COALESCE(created_by, 0), created_at`

func queryAwards(ctx context.Context, q db.Querier, where string, args ...any) ([]Award, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+awardColumns+` FROM enterprise_awards WHERE `+where+` ORDER BY year DESC, id DESC`, args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []Award
	for rows.Next() {
		var a Award
		if err := rows.Scan(&a.ID, &a.EnterpriseID, &a.Year, &a.Kind, &a.Result, &a.Amount, &a.Note, &a.CreatedBy, &a.CreatedAt); err != nil {
			return nil, db.Normalize(err)
		}
		a.CreatedAt = a.CreatedAt.UTC()
		out = append(out, a)
	}
	return out, db.Normalize(rows.Err())
}

// AddAward records an award or result of an enterprise for year: kind is
// one of AwardKinds; a performance evaluation needs its result (such as
// 优秀), an "other" award a note saying what it is; amount is the money
// granted (0 for none, never negative). It returns the award's id.
func (s *Service) AddAward(ctx context.Context, u *auth.User, enterpriseID int64, year int, kind, result string, amount money.Fen, note string) (int64, error) {
	if err := mayManage(u); err != nil {
		return 0, err
	}
	result, note = strings.TrimSpace(result), strings.TrimSpace(note)
	var pr i18n.Problems
	s.yearRange("year", year, &pr)
	if !slices.Contains(AwardKinds, kind) {
		pr.Add("kind", "error.invalid_value")
	}
	if kind == AwardPerformance && result == "" {
		pr.Add("result", "error.required")
	}
	if kind == AwardOther && note == "" {
		pr.Add("note", "error.required")
	}
	if amount < 0 {
		pr.Add("amount", "money.negative")
	}
	if err := pr.Err(); err != nil {
		return 0, err
	}
	p, err := s.profile(ctx, u, enterpriseID)
	if err != nil {
		return 0, err
	}
	a := Award{EnterpriseID: p.ID, Year: year, Kind: kind, Result: result, Amount: amount, Note: note, CreatedBy: u.ID}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		a.CreatedAt = tx.Now
		if err := tx.QueryRowContext(ctx, `INSERT INTO enterprise_awards (enterprise_id, year, kind, result, amount, note, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, a.EnterpriseID, a.Year, a.Kind, a.Result, a.Amount, a.Note, u.ID, tx.Now).Scan(&a.ID); err != nil {
			return db.Normalize(err)
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "hte.award", ObjectType: "enterprise_award", ObjectID: strconv.FormatInt(a.ID, 10),
			RegionCode: p.RegionCode, After: audit.JSON(a)})
		return err
	})
	if err != nil {
		return 0, err
	}
	return a.ID, nil
}

// ---- reads across the pipeline ----

// EnterprisePipeline is everything the pipeline holds of one enterprise.
type EnterprisePipeline struct {
	Enterprise   *Profile      `json:"enterprise"`
	Pool         []PoolEntry   `json:"pool"`         // newest first
	Applications []Application `json:"applications"` // newest year first
	Awards       []Award       `json:"awards"`       // newest year first
}

// InPool returns the open pool entry, if any.
func (ep *EnterprisePipeline) InPool() *PoolEntry {
	for i := range ep.Pool {
		if ep.Pool[i].Open() {
			return &ep.Pool[i]
		}
	}
	return nil
}

// Pipeline returns an enterprise's pool history, applications and awards,
// or NotFound when it lies outside u's scope.
func (s *Service) Pipeline(ctx context.Context, u *auth.User, enterpriseID int64) (*EnterprisePipeline, error) {
	p, err := s.profile(ctx, u, enterpriseID)
	if err != nil {
		return nil, err
	}
	ep := &EnterprisePipeline{Enterprise: p}
	if ep.Pool, err = queryPool(ctx, s.DB, `enterprise_id = $1`, p.ID); err != nil {
		return nil, err
	}
	if ep.Applications, err = queryApps(ctx, s.DB, `enterprise_id = $1`, p.ID); err != nil {
		return nil, err
	}
	for i := range ep.Applications {
		ep.Applications[i].EnterpriseName, ep.Applications[i].RegionCode = p.Name, p.RegionCode
	}
	if ep.Awards, err = queryAwards(ctx, s.DB, `enterprise_id = $1`, p.ID); err != nil {
		return nil, err
	}
	return ep, nil
}

// inScope returns the enterprises in u's scope by id.
func (s *Service) inScope(ctx context.Context, u *auth.User) ([]Profile, map[int64]*Profile, error) {
	ps, err := s.Enterprises.List(ctx, u)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[int64]*Profile, len(ps))
	for i := range ps {
		byID[ps[i].ID] = &ps[i]
	}
	return ps, byID, nil
}

// Applications returns the applications of year of the enterprises in u's
// scope, with their names, by batch. status "" means every status.
func (s *Service) Applications(ctx context.Context, u *auth.User, year int, status string) ([]Application, error) {
	_, byID, err := s.inScope(ctx, u)
	if err != nil {
		return nil, err
	}
	where, args := `year = $1`, []any{year}
	if status != "" {
		where, args = where+` AND status = $2`, append(args, status)
	}
	all, err := queryApps(ctx, s.DB, where, args...)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, a := range all {
		if p := byID[a.EnterpriseID]; p != nil {
			a.EnterpriseName, a.RegionCode = p.Name, p.RegionCode
			out = append(out, a)
		}
	}
	return out, nil
}

// stageData gathers what the board needs: the enterprises in scope, their
// pool entries covering asOf, and their applications of year.
func (s *Service) stageData(ctx context.Context, u *auth.User, year int, asOf calendar.Date) ([]Profile, map[int64][]PoolEntry, map[int64][]Application, error) {
	ps, byID, err := s.inScope(ctx, u)
	if err != nil {
		return nil, nil, nil, err
	}
	pool := map[int64][]PoolEntry{}
	entries, err := queryPool(ctx, s.DB, `entered_on <= $1 AND (exited_on IS NULL OR exited_on > $1)`, asOf)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, e := range entries {
		if byID[e.EnterpriseID] != nil {
			pool[e.EnterpriseID] = append(pool[e.EnterpriseID], e)
		}
	}
	apps := map[int64][]Application{}
	as, err := queryApps(ctx, s.DB, `year = $1`, year)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, a := range as {
		if byID[a.EnterpriseID] != nil {
			apps[a.EnterpriseID] = append(apps[a.EnterpriseID], a)
		}
	}
	return ps, pool, apps, nil
}

// Board counts the enterprises in u's scope at each stage of the pipeline
// in year, by township and in total (see Tally and BoardDate).
func (s *Service) Board(ctx context.Context, u *auth.User, year int) (*Board, error) {
	asOf := BoardDate(year, s.today())
	ps, pool, apps, err := s.stageData(ctx, u, year, asOf)
	if err != nil {
		return nil, err
	}
	b := Tally(ps, pool, apps, year, asOf)
	return &b, nil
}

// StageList returns the enterprises behind one number of the board: those
// in u's scope at stage in year, in the township region ("" for all), by
// region and name.
func (s *Service) StageList(ctx context.Context, u *auth.User, year int, stage, region string) ([]Profile, error) {
	if !slices.Contains(Stages, stage) {
		return nil, i18n.FieldError("stage", "error.invalid_value")
	}
	asOf := BoardDate(year, s.today())
	ps, pool, apps, err := s.stageData(ctx, u, year, asOf)
	if err != nil {
		return nil, err
	}
	var out []Profile
	for i := range ps {
		p := &ps[i]
		if region != "" && TownshipOf(p.RegionCode) != region {
			continue
		}
		if slices.Contains(StagesOf(p, pool[p.ID], apps[p.ID], year, asOf), stage) {
			out = append(out, *p)
		}
	}
	slices.SortStableFunc(out, func(a, b Profile) int {
		if c := strings.Compare(a.RegionCode, b.RegionCode); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

// Reminders returns the reminders of the enterprises in u's scope on today
// (see Remind), under the HTE rules in force then.
func (s *Service) Reminders(ctx context.Context, u *auth.User, today calendar.Date) ([]Reminder, error) {
	hp, ok := s.policies().HTEOn(today)
	if !ok {
		return nil, i18n.FieldError("on", "hightech.ui.no_rules", today.String())
	}
	ps, err := s.Enterprises.List(ctx, u)
	if err != nil {
		return nil, err
	}
	return Remind(ps, today, hp), nil
}
