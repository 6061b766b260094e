package program

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/workflow"
)

// review is what Reviews said of one application.
type review struct {
	complete bool
	mean     *big.Rat
}

// today is the current date in Beijing in tx.
func today(tx *db.Tx) calendar.Date { return calendar.FromTime(tx.Now, nil) }

// Act takes action on an application for u: every action of the
// lifecycle other than submit and resubmit (see Submit), with what
// ActionInput carries for it. The transition, its history row, the row
// change and the audit event are one transaction; a refused guard is the
// guard's error and nothing is written.
func (s *Service) Act(ctx context.Context, u *auth.User, id int64, action string, in ActionInput) (*Application, error) {
	if action == "submit" || action == "resubmit" {
		return s.Submit(ctx, u, id, "")
	}
	var revs map[int64]review
	if action == "rank" {
		a, err := s.getApp(ctx, s.DB, u, id)
		if err != nil {
			return nil, err
		}
		if revs, err = s.reviews(ctx, []*Application{a}); err != nil {
			return nil, err
		}
	}
	var a *Application
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		cur, err := s.getApp(ctx, tx, u, id)
		if err != nil {
			return err
		}
		c, err := s.getCall(ctx, tx, u, cur.CallID)
		if i18n.ErrorCode(err) == i18n.NotFound {
			// An enterprise user sees its application after the call
			// was withdrawn to draft; the call's own row is the staff's.
			c, err = s.callByID(ctx, tx, cur.CallID)
		}
		if err != nil {
			return err
		}
		a, err = s.act(ctx, tx, u, cur, c, action, in, revs)
		return err
	})
	return a, err
}

func (s *Service) callByID(ctx context.Context, q db.Querier, id int64) (*Call, error) {
	c, err := scanCall(q.QueryRowContext(ctx, `SELECT `+callColumns+` FROM program_calls c WHERE c.id = $1`, id))
	if err != nil {
		return nil, db.Normalize(err)
	}
	return c, nil
}

// reviews asks Reviews about each application.
func (s *Service) reviews(ctx context.Context, as []*Application) (map[int64]review, error) {
	out := map[int64]review{}
	if s.Reviews == nil {
		return out, nil
	}
	for _, a := range as {
		ok, mean, err := s.Reviews.Done(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		out[a.ID] = review{complete: ok && mean != nil, mean: mean}
	}
	return out, nil
}

// act takes action on a (read in tx through u's scope) of call c.
func (s *Service) act(ctx context.Context, tx *db.Tx, u *auth.User, a *Application, c *Call, action string, in ActionInput, revs map[int64]review) (*Application, error) {
	now, day := tx.Now, today(tx)
	in.Reason = clean(in.Reason)
	var data any
	var p i18n.Problems
	switch action {
	case "return":
		for k, v := range in.Fields {
			if tooLong(v, workflow.MaxReason) {
				p.Add(k, "error.too_long", workflow.MaxReason)
			}
		}
		if len(in.Fields) > 0 {
			data = map[string]any{"fields": in.Fields}
		}
	case "approve":
		if in.PublicityStart.IsZero() {
			in.PublicityStart = day
		}
		end := s.cal().PublicityEnd(in.PublicityStart, max(c.PublicityDays, 1))
		data = map[string]any{"publicity_start": in.PublicityStart, "publicity_end": end, "workdays": c.PublicityDays}
	case "answer_objection":
		found := false
		for _, o := range a.Objections {
			if o.ID == in.ObjectionID && !o.Answered() {
				found = true
			}
		}
		if !found {
			p.Add("objection_id", "program.objection.unknown")
		}
		data = map[string]any{"objection_id": in.ObjectionID}
	case "pay":
		in.BankRef = clean(in.BankRef)
		if in.BankRef == "" {
			p.Add("bank_ref", "error.required")
		} else if tooLong(in.BankRef, maxRef) {
			p.Add("bank_ref", "error.too_long", maxRef)
		}
		if in.PaidOn.IsZero() {
			p.Add("paid_on", "error.required")
		} else if in.PaidOn.After(day) {
			p.Add("paid_on", "program.pay.future")
		}
		data = map[string]any{"installment": in.Installment, "bank_ref": in.BankRef, "paid_on": in.PaidOn}
	case "request_extension":
		data = map[string]any{"until": in.Until, "contract_end": a.ContractEnd}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	guards := workflow.Guards{
		workflow.GuardWithinWindow: func() error { return WithinWindow(c, now) },
		workflow.GuardReviewsComplete: func() error {
			if !revs[a.ID].complete {
				return i18n.E(i18n.Conflict, "program.reviews.incomplete")
			}
			return nil
		},
		workflow.GuardPublicityOver: func() error {
			if a.PublicityEnd.IsZero() || !day.After(a.PublicityEnd) {
				return i18n.E(i18n.Conflict, "program.publicity.not_over", a.PublicityEnd.Chinese())
			}
			return nil
		},
		workflow.GuardObjectionsAnswered: func() error {
			for _, o := range a.Objections {
				if !o.Answered() {
					return i18n.E(i18n.Conflict, "program.objection.unanswered")
				}
			}
			return nil
		},
		workflow.GuardPlanTotals: func() error {
			var sum int64
			var total int64
			for _, i := range a.Installments {
				sum += i.ShareBP
				total += int64(i.Amount)
			}
			if len(a.Installments) == 0 || sum != FullShare || total != int64(a.Budget) || a.Budget <= 0 {
				return i18n.FieldError("installment_plan", "program.plan.total", PercentText(sum))
			}
			if a.ContractEnd.IsZero() || a.Goals == "" {
				return i18n.FieldError("contract", "program.contract.incomplete")
			}
			return nil
		},
		workflow.GuardInstallmentDue: func() error {
			for _, i := range a.Installments {
				if i.Seq == in.Installment {
					if i.Status != InstPayable {
						return i18n.FieldError("installment", "program.pay.not_due", i.Seq)
					}
					return nil
				}
			}
			return i18n.FieldError("installment", "program.pay.unknown")
		},
		workflow.GuardExtensionOnce:   func() error { return ExtensionOnce(a.Extensions) },
		workflow.GuardExtensionEarly:  func() error { return ExtensionEarly(day, a.ContractEnd) },
		workflow.GuardExtensionLength: func() error { return ExtensionLength(a.ContractEnd, in.Until) },
		workflow.GuardRectificationInTime: func() error {
			if a.RectificationDue.IsZero() || day.After(a.RectificationDue) {
				return i18n.E(i18n.Conflict, "program.rectification.late", a.RectificationDue.Chinese())
			}
			return nil
		},
		workflow.GuardInstallmentsSettled: func() error {
			for _, i := range a.Installments {
				if i.Status == InstPlanned || i.Status == InstPayable {
					return i18n.E(i18n.Conflict, "program.installments.unsettled", i.Seq)
				}
			}
			return nil
		},
	}
	obj := workflow.Object{Type: objectType, ID: a.ID, State: a.State, RegionCode: a.RegionCode, Owner: owner(u, a)}
	to, err := workflow.Apply(ctx, tx, s.Audit, Machine, obj, u, action, in.Reason, data, guards)
	if err != nil {
		return nil, err
	}
	if to != a.State {
		if err := workflow.Advance(ctx, tx, "program_applications", "id", a.ID, a.State, to); err != nil {
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
		err2 = exec(`UPDATE program_applications SET submitted_at = COALESCE(submitted_at, $1) WHERE id = $2`, now, a.ID)
	case "approve":
		d := data.(map[string]any)
		err2 = exec(`UPDATE program_applications SET publicity_start = $1, publicity_end = $2 WHERE id = $3`,
			d["publicity_start"], d["publicity_end"], a.ID)
	case "record_objection":
		err2 = exec(`INSERT INTO program_objections (application_id, text, raised_by, raised_at) VALUES ($1, $2, $3, $4)`,
			a.ID, in.Reason, u.ID, now)
	case "answer_objection":
		err2 = exec(`UPDATE program_objections SET answer = $1, answered_by = $2, answered_at = $3 WHERE id = $4 AND application_id = $5`,
			in.Reason, u.ID, now, in.ObjectionID, a.ID)
	case "end_publicity":
		// The contract starts from the call's budget and plan; staff
		// change them on the contract page.
		if len(a.Installments) == 0 && c.Budget > 0 {
			inst, err := Installments(c.Budget, c.Plan)
			if err == nil {
				err = exec(`UPDATE program_applications SET budget = $1 WHERE id = $2`, c.Budget, a.ID)
			}
			if err == nil {
				err = saveInstallments(ctx, tx, a.ID, inst)
			}
			err2 = err
		}
	case "sign_contract":
		err2 = exec(`UPDATE program_applications SET signed_on = $1 WHERE id = $2`, day, a.ID)
		if err2 == nil {
			err2 = s.commitGrant(ctx, tx, u, a, c)
		}
		if err2 == nil {
			err2 = s.makePayable(ctx, tx, u, a, DueSigning)
		}
	case "pass_midterm":
		err2 = s.makePayable(ctx, tx, u, a, DueMidterm)
	case "pass_acceptance", "pass_after_rectification":
		err2 = s.makePayable(ctx, tx, u, a, DueAcceptance)
	case "require_rectification":
		err2 = exec(`UPDATE program_applications SET rectification_due = $1 WHERE id = $2`, RectificationDue(day), a.ID)
	case "request_extension":
		err2 = exec(`UPDATE program_applications SET extension_until = $1 WHERE id = $2`, in.Until, a.ID)
	case "approve_extension":
		err2 = exec(`UPDATE program_applications SET contract_end = extension_until, extension_until = NULL, extensions = extensions + 1
			WHERE id = $1`, a.ID)
	case "reject_extension":
		err2 = exec(`UPDATE program_applications SET extension_until = NULL WHERE id = $1`, a.ID)
	case "pay":
		err2 = exec(`UPDATE program_installments SET status = $1, bank_ref = $2, paid_on = $3, paid_by = $4
			WHERE application_id = $5 AND seq = $6 AND status = $7`, InstPaid, in.BankRef, in.PaidOn, u.ID, a.ID, in.Installment, InstPayable)
		if err2 == nil {
			err2 = s.pay(ctx, tx, u, a, c, in)
		}
	case "fail_acceptance", "terminate", "revoke":
		err2 = exec(`UPDATE program_installments SET status = $1 WHERE application_id = $2 AND status IN ($3, $4)`,
			InstCancelled, a.ID, InstPlanned, InstPayable)
		if err2 == nil {
			err2 = s.release(ctx, tx, u, a, c)
		}
	}
	if err2 != nil {
		return nil, err2
	}
	if err := exec(`UPDATE program_applications SET version = version + 1, updated_at = $1 WHERE id = $2`, now, a.ID); err != nil {
		return nil, err
	}
	return s.getApp(ctx, tx, u, a.ID)
}

// DrawPanel draws the expert panel of an application in expert review
// (staff only) through Panels, and returns the panel's id. The draw's own
// errors (too small a pool, a panel already drawn) come back unchanged.
func (s *Service) DrawPanel(ctx context.Context, u *auth.User, id int64, field string, n, alternates int) (int64, error) {
	if err := mayManage(u); err != nil {
		return 0, err
	}
	if s.Panels == nil {
		return 0, i18n.E(i18n.Unavailable, "error.unavailable")
	}
	a, err := s.getApp(ctx, s.DB, u, id)
	if err != nil {
		return 0, err
	}
	if a.State != "expert_review" {
		return 0, i18n.E(i18n.Conflict, "program.panel.not_in_review")
	}
	field = clean(field)
	if field == "" {
		return 0, i18n.FieldError("panel_field", "error.required")
	}
	return s.Panels.Draw(ctx, u, a.ID, a.EnterpriseID, a.EnterpriseName, field, n, alternates)
}

// RankCall moves every application of a call in expert review whose
// reviews are complete to ranking (the rank action, guarded by
// reviews_complete), keeps each one's trimmed mean, and numbers the call's
// scored applications by Rank's order. Applications whose reviews are not
// complete stay in expert review. It returns the ranking.
func (s *Service) RankCall(ctx context.Context, u *auth.User, callID int64) ([]*Application, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	if _, err := s.getCall(ctx, s.DB, u, callID); err != nil {
		return nil, err
	}
	waiting, _, err := s.Applications(ctx, u, AppFilter{CallID: callID, State: "expert_review", Limit: 1000})
	if err != nil {
		return nil, err
	}
	revs, err := s.reviews(ctx, waiting)
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.getCall(ctx, tx, u, callID)
		if err != nil {
			return err
		}
		for _, w := range waiting {
			if !revs[w.ID].complete {
				continue
			}
			a, err := s.getApp(ctx, tx, u, w.ID)
			if err != nil {
				return err
			}
			if _, err := s.act(ctx, tx, u, a, c, "rank", ActionInput{}, revs); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE program_applications SET score = $1 WHERE id = $2`,
				revs[w.ID].mean.RatString(), w.ID); err != nil {
				return db.Normalize(err)
			}
		}
		return renumber(ctx, tx, callID)
	})
	if err != nil {
		return nil, err
	}
	return s.Ranking(ctx, u, callID)
}

// renumber sets rank_no of a call's scored applications by Rank's order.
func renumber(ctx context.Context, tx *db.Tx, callID int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, score, submitted_at, created_at FROM program_applications
		WHERE call_id = $1 AND score <> ''`, callID)
	if err != nil {
		return db.Normalize(err)
	}
	var rs []Ranked
	for rows.Next() {
		var r Ranked
		var score string
		var sub sql.NullTime
		if err := rows.Scan(&r.ID, &score, &sub, &r.SubmittedAt); err != nil {
			rows.Close()
			return db.Normalize(err)
		}
		if sub.Valid {
			r.SubmittedAt = sub.Time
		}
		var ok bool
		if r.Score, ok = new(big.Rat).SetString(score); !ok {
			rows.Close()
			return i18n.Wrap(fmt.Errorf("application %d: bad score %q", r.ID, score), "renumber")
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return db.Normalize(err)
	}
	Rank(rs)
	for i, r := range rs {
		if _, err := tx.ExecContext(ctx, `UPDATE program_applications SET rank_no = $1 WHERE id = $2`, i+1, r.ID); err != nil {
			return db.Normalize(err)
		}
	}
	return nil
}

// Ranking returns the scored applications of a call in rank order.
func (s *Service) Ranking(ctx context.Context, u *auth.User, callID int64) ([]*Application, error) {
	all, _, err := s.Applications(ctx, u, AppFilter{CallID: callID, Limit: 1000})
	if err != nil {
		return nil, err
	}
	var out []*Application
	for _, a := range all {
		if a.Rank > 0 {
			out = append(out, a)
		}
	}
	return out, nil
}

// ScoreText shows a stored score with two decimals.
func ScoreText(score string) string {
	r, ok := new(big.Rat).SetString(score)
	if !ok {
		return ""
	}
	return r.FloatString(2)
}

// ProposeTop proposes the n best-ranked applications of a call still in
// ranking for approval (the propose action), in one transaction.
func (s *Service) ProposeTop(ctx context.Context, u *auth.User, callID int64, n int) ([]*Application, error) {
	return s.batch(ctx, u, callID, "ranking", n, "propose", ActionInput{})
}

// ApproveProposed approves (立项) every application of a call awaiting
// approval, with the publicity starting on start (zero: today), in one
// transaction: the director's decision on the proposed list.
func (s *Service) ApproveProposed(ctx context.Context, u *auth.User, callID int64, start calendar.Date) ([]*Application, error) {
	return s.batch(ctx, u, callID, "approval", 0, "approve", ActionInput{PublicityStart: start})
}

// batch takes action on the first n (all when n is 0) applications of a
// call in state, in rank order.
func (s *Service) batch(ctx context.Context, u *auth.User, callID int64, state string, n int, action string, in ActionInput) ([]*Application, error) {
	if n < 0 {
		return nil, i18n.FieldError("count", "program.rank.bad_count")
	}
	var out []*Application
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		out = nil
		c, err := s.getCall(ctx, tx, u, callID)
		if err != nil {
			return err
		}
		args := []any{callID, state}
		cond := u.Scope().Where(appScope, &args)
		rows, err := tx.QueryContext(ctx, `SELECT a.id FROM program_applications a WHERE a.call_id = $1 AND a.state = $2 AND `+cond+`
			ORDER BY CASE WHEN a.rank_no > 0 THEN 0 ELSE 1 END, a.rank_no, a.id`, args...)
		if err != nil {
			return db.Normalize(err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return db.Normalize(err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return db.Normalize(err)
		}
		if n > 0 && len(ids) > n {
			ids = ids[:n]
		}
		for _, id := range ids {
			a, err := s.getApp(ctx, tx, u, id)
			if err != nil {
				return err
			}
			if a, err = s.act(ctx, tx, u, a, c, action, in, nil); err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	return out, err
}
