package award

import (
	"context"
	"database/sql"
	"slices"

	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/workflow"
)

// Submit submits a nomination (or resubmits one returned for revision)
// within the round's window. key is the form's idempotency token: a second
// submit with the same key returns the nomination as the first left it,
// with one history row.
func (s *Service) Submit(ctx context.Context, u *auth.User, id int64, key string) (*Nomination, error) {
	if err := mayNominate(u); err != nil {
		return nil, err
	}
	if len(key) > workflow.MaxKey-40 {
		return nil, i18n.FieldError("idempotency_key", "error.too_long", workflow.MaxKey-40)
	}
	var n *Nomination
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if key != "" {
			first, err := workflow.Once(ctx, tx, "award.submit:"+idText(id)+":"+key)
			if err != nil {
				return err
			}
			if !first {
				n, err = s.getNom(ctx, tx, u, id)
				return err
			}
		}
		cur, err := s.getNom(ctx, tx, u, id)
		if err != nil {
			return err
		}
		action := "submit"
		if cur.State == "returned" {
			action = "resubmit"
		}
		n, err = s.act(ctx, tx, u, cur, action, ActionInput{})
		return err
	})
	return n, err
}

// Act takes action on a nomination for u: every action of the lifecycle,
// with what ActionInput carries for it. The transition, its history row,
// the row change and the audit event are one transaction; a refused guard
// is the guard's error and nothing is written.
func (s *Service) Act(ctx context.Context, u *auth.User, id int64, action string, in ActionInput) (*Nomination, error) {
	if action == "submit" || action == "resubmit" {
		return s.Submit(ctx, u, id, "")
	}
	var n *Nomination
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		cur, err := s.getNom(ctx, tx, u, id)
		if err != nil {
			return err
		}
		n, err = s.act(ctx, tx, u, cur, action, in)
		return err
	})
	return n, err
}

// usedQuota counts the nominations of a round holding each level: those in
// publicity and those awarded.
func usedQuota(ctx context.Context, q db.Querier, roundID int64) (map[int]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT awarded_level, COUNT(*) FROM award_nominations
		WHERE round_id = $1 AND state IN ('publicity', 'awarded') AND awarded_level > 0 GROUP BY awarded_level`, roundID)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var l, c int
		if err := rows.Scan(&l, &c); err != nil {
			return nil, db.Normalize(err)
		}
		out[l] = c
	}
	return out, db.Normalize(rows.Err())
}

// candidates returns the round's nominations in panel review with their
// ballots, for Allocate.
func candidates(ctx context.Context, q db.Querier, roundID int64) ([]Candidate, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, submitted_at, created_at FROM award_nominations
		WHERE round_id = $1 AND state = 'panel_review' ORDER BY id`, roundID)
	if err != nil {
		return nil, db.Normalize(err)
	}
	var out []Candidate
	for rows.Next() {
		var c Candidate
		var sub sql.NullTime
		if err := rows.Scan(&c.ID, &sub, &c.SubmittedAt); err != nil {
			rows.Close()
			return nil, db.Normalize(err)
		}
		if sub.Valid {
			c.SubmittedAt = sub.Time
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, db.Normalize(err)
	}
	for i := range out {
		if out[i].Votes, err = votes(ctx, q, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// allocation runs Allocate over the round's nominations in panel review,
// the levels already held counting against the quotas.
func allocation(ctx context.Context, q db.Querier, r *Round) ([]Allocation, *Session, error) {
	ss, err := sessionOf(ctx, q, r.ID)
	if err != nil || ss == nil {
		return nil, ss, err
	}
	used, err := usedQuota(ctx, q, r.ID)
	if err != nil {
		return nil, nil, err
	}
	cs, err := candidates(ctx, q, r.ID)
	if err != nil {
		return nil, nil, err
	}
	return Allocate(r.Levels, used, ss.Present(), len(ss.Members), cs), ss, nil
}

// votePassed is the guard vote_passed of n: the session had its quorum, a
// level's vote passed, and a level with quota is left for it by Allocate's
// rule. It returns the level allocated.
func votePassed(ctx context.Context, tx *db.Tx, r *Round, n *Nomination) (int, error) {
	all, ss, err := allocation(ctx, tx, r)
	if err != nil {
		return 0, err
	}
	if ss == nil {
		return 0, i18n.E(i18n.Conflict, "award.session.none")
	}
	if !Quorate(ss.Present(), len(ss.Members)) {
		return 0, i18n.E(i18n.Conflict, "award.vote.no_quorum", ss.Present(), len(ss.Members))
	}
	for _, a := range all {
		if a.ID != n.ID {
			continue
		}
		switch {
		case a.Level > 0:
			return a.Level, nil
		case a.Full:
			var names []any
			for _, l := range a.Passed {
				names = append(names, r.LevelName(l))
			}
			return 0, i18n.E(i18n.Conflict, "award.quota.full", joinNames(names))
		}
	}
	return 0, i18n.E(i18n.Conflict, "award.vote.failed", ss.Present())
}

func joinNames(vs []any) string {
	out := ""
	for i, v := range vs {
		if i > 0 {
			out += "、"
		}
		out += v.(string)
	}
	return out
}

// act takes action on n (read in tx through u's scope).
func (s *Service) act(ctx context.Context, tx *db.Tx, u *auth.User, n *Nomination, action string, in ActionInput) (*Nomination, error) {
	now, day := tx.Now, today(tx)
	in.Reason = clean(in.Reason)
	r, err := roundByID(ctx, tx, n.RoundID)
	if err != nil {
		return nil, err
	}
	var data any
	var p i18n.Problems
	level := 0
	switch action {
	case "return":
		for k, v := range in.Fields {
			if !slices.Contains(ReturnFields, k) {
				p.Add("fields", "award.return.bad_field", k)
			} else if tooLong(v, workflow.MaxReason) {
				p.Add(k, "error.too_long", workflow.MaxReason)
			}
		}
		if len(in.Fields) > 0 {
			data = map[string]any{"fields": in.Fields}
		}
	case "propose_award":
		if in.PublicityStart.IsZero() {
			in.PublicityStart = day
		}
	case "record_objection":
		if in.ReceivedOn.IsZero() {
			in.ReceivedOn = day
		}
		switch {
		case in.ReceivedOn.After(day):
			p.Add("received_on", "award.objection.future")
		case in.ReceivedOn.Before(n.PublicityStart):
			p.Add("received_on", "award.objection.early", n.PublicityStart.Chinese())
		case in.ReceivedOn.After(n.PublicityEnd):
			p.Add("received_on", "award.objection.late", n.PublicityEnd.Chinese())
		}
		data = map[string]any{"received_on": in.ReceivedOn}
	case "answer_objection":
		found := false
		for _, o := range n.Objections {
			if o.ID == in.ObjectionID && !o.Answered() {
				found = true
			}
		}
		if !found {
			p.Add("objection_id", "award.objection.unknown")
		}
		data = map[string]any{"objection_id": in.ObjectionID}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	guards := workflow.Guards{
		workflow.GuardWithinWindow: func() error { return WithinWindow(r, day) },
		workflow.GuardVotePassed: func() error {
			var err error
			level, err = votePassed(ctx, tx, r, n)
			return err
		},
		workflow.GuardPublicityOver: func() error {
			if n.PublicityEnd.IsZero() || !day.After(n.PublicityEnd) {
				return i18n.E(i18n.Conflict, "award.publicity.not_over", n.PublicityEnd.Chinese())
			}
			return nil
		},
		workflow.GuardObjectionsAnswered: func() error {
			if n.Unanswered() > 0 {
				return i18n.E(i18n.Conflict, "award.objection.unanswered", n.Unanswered())
			}
			return nil
		},
	}
	if action == "propose_award" {
		// The level and the window go with the history row; the guard
		// computes the level, so it runs once before Apply for the data.
		lv, err := func() (int, error) {
			if _, err := Machine.Check(u, owner(u, n), n.State, action, in.Reason, workflow.Guards{
				workflow.GuardVotePassed: func() error { return nil }}); err != nil {
				return 0, err
			}
			return votePassed(ctx, tx, r, n)
		}()
		if err != nil {
			return nil, err
		}
		end := ObjectionEnd(s.cal(), in.PublicityStart, r.ObjectionDays)
		data = map[string]any{"level": lv, "level_name": r.LevelName(lv), "publicity_start": in.PublicityStart,
			"publicity_end": end, "objection_days": r.ObjectionDays}
	}
	obj := workflow.Object{Type: objectType, ID: n.ID, State: n.State, RegionCode: n.RegionCode, Owner: owner(u, n)}
	to, err := workflow.Apply(ctx, tx, s.Audit, Machine, obj, u, action, in.Reason, data, guards)
	if err != nil {
		return nil, err
	}
	if to != n.State {
		if err := workflow.Advance(ctx, tx, "award_nominations", "id", n.ID, n.State, to); err != nil {
			return nil, err
		}
	}
	exec := func(q string, args ...any) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return db.Normalize(err)
	}
	var err2 error
	switch action {
	case "submit", "resubmit":
		err2 = exec(`UPDATE award_nominations SET submitted_at = COALESCE(submitted_at, $1) WHERE id = $2`, now, n.ID)
	case "propose_award":
		d := data.(map[string]any)
		err2 = exec(`UPDATE award_nominations SET awarded_level = $1, publicity_start = $2, publicity_end = $3 WHERE id = $4`,
			level, d["publicity_start"], d["publicity_end"], n.ID)
	case "record_objection":
		err2 = exec(`INSERT INTO award_objections (nomination_id, text, received_on, raised_by, raised_at) VALUES ($1, $2, $3, $4, $5)`,
			n.ID, in.Reason, in.ReceivedOn, u.ID, now)
	case "answer_objection":
		err2 = exec(`UPDATE award_objections SET answer = $1, answered_by = $2, answered_at = $3 WHERE id = $4 AND nomination_id = $5`,
			in.Reason, u.ID, now, in.ObjectionID, n.ID)
	case "not_award":
		// A refusal after the publicity gives the level back to the quota.
		err2 = exec(`UPDATE award_nominations SET awarded_level = 0 WHERE id = $1`, n.ID)
	}
	if err2 != nil {
		return nil, err2
	}
	if err := exec(`UPDATE award_nominations SET version = version + 1, updated_at = $1 WHERE id = $2`, now, n.ID); err != nil {
		return nil, err
	}
	return s.getNom(ctx, tx, u, n.ID)
}

// ProposeAll takes propose_award, in one transaction, for every nomination
// of a round in panel review to which Allocate gives a level, in ranking
// order, with the publicity starting on start (zero: today). Nominations
// that failed the vote or found the quotas full stay in panel review, for
// staff to refuse with a reason (not_award).
func (s *Service) ProposeAll(ctx context.Context, u *auth.User, roundID int64, in ActionInput) ([]*Nomination, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var out []*Nomination
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		out = nil
		r, err := s.getRound(ctx, tx, u, roundID)
		if err != nil {
			return err
		}
		all, ss, err := allocation(ctx, tx, r)
		if err != nil {
			return err
		}
		if ss == nil {
			return i18n.E(i18n.Conflict, "award.session.none")
		}
		for _, a := range all {
			if a.Level == 0 {
				continue
			}
			n, err := s.getNom(ctx, tx, u, a.ID)
			if err != nil {
				return err
			}
			if n, err = s.act(ctx, tx, u, n, "propose_award", in); err != nil {
				return err
			}
			out = append(out, n)
		}
		return nil
	})
	return out, err
}

// LevelResult is one level of a round's results.
type LevelResult struct {
	Level       Level
	Used        int           // nominations in publicity or awarded at this level
	Nominations []*Nomination // those nominations
}

// Results returns a round's results per level: the quota, the number used
// and the nominations holding the level (in publicity or awarded), and the
// allocation Allocate would make now for those still in panel review.
func (s *Service) Results(ctx context.Context, u *auth.User, roundID int64) ([]LevelResult, []Allocation, error) {
	r, err := s.getRound(ctx, s.DB, u, roundID)
	if err != nil {
		return nil, nil, err
	}
	if u.IsEnterprise() {
		return nil, nil, notFound
	}
	held, _, err := s.Nominations(ctx, u, Filter{RoundID: roundID, Limit: 1000})
	if err != nil {
		return nil, nil, err
	}
	var out []LevelResult
	for _, l := range r.Levels {
		lr := LevelResult{Level: l}
		for _, n := range held {
			if n.AwardedLevel == l.Rank && (n.State == "publicity" || n.State == "awarded") {
				lr.Used++
				lr.Nominations = append(lr.Nominations, n)
			}
		}
		out = append(out, lr)
	}
	all, _, err := allocation(ctx, s.DB, r)
	return out, all, err
}
