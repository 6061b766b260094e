package patent

import (
	"context"
	"strconv"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/ledger"
	"kejiju/internal/money"
)

const loanColumns = `l.id, l.enterprise_id, COALESCE(e.name, ''), l.region_code, l.pledgor, l.bank, l.amount, l.term_months, l.start_date,
	l.assessed_value, l.assessor, l.registration_no, l.status, l.version`

const loanFrom = ` FROM pledge_loans l LEFT JOIN enterprises e ON e.id = l.enterprise_id`

func scanLoan(sc interface{ Scan(...any) error }) (*Loan, error) {
	l := &Loan{}
	err := sc.Scan(&l.ID, &l.EnterpriseID, &l.EnterpriseName, &l.RegionCode, &l.Pledgor, &l.Bank, &l.Amount, &l.TermMonths, &l.StartDate,
		&l.AssessedValue, &l.Assessor, &l.RegistrationNo, &l.Status, &l.Version)
	return l, err
}

func loanScope(u *auth.User, q *db.Where) {
	q.AddNumbered(u.Scope().Where(auth.Columns{Region: "l.region_code", Enterprise: "l.enterprise_id"}, &q.Args))
}

func (s *Service) getLoan(ctx context.Context, dq db.Querier, u *auth.User, id int64) (*Loan, error) {
	q := &db.Where{}
	q.Add("l.id = ?", id)
	loanScope(u, q)
	l, err := scanLoan(dq.QueryRowContext(ctx, `SELECT `+loanColumns+loanFrom+` WHERE `+q.SQL(), q.Args...))
	if db.IsNoRows(err) {
		return nil, notFound()
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	rows, err := dq.QueryContext(ctx, `SELECT p.id, p.app_no, p.title FROM pledge_loan_patents lp JOIN patents p ON p.id = lp.patent_id
		WHERE lp.loan_id = $1 ORDER BY p.app_no`, id)
	if err != nil {
		return nil, db.Normalize(err)
	}
	l.Patents, err = db.Collect(rows, func(sc interface{ Scan(...any) error }) (Pledged, error) {
		var p Pledged
		return p, sc.Scan(&p.ID, &p.AppNo, &p.Title)
	})
	return l, err
}

// Loan returns one pledge loan u may see, with its pledged patents.
func (s *Service) Loan(ctx context.Context, u *auth.User, id int64) (*Loan, error) {
	return s.getLoan(ctx, s.DB, u, id)
}

// Loans lists the pledge loans u may see (an enterprise: its own), of one
// status when status is set, newest first.
func (s *Service) Loans(ctx context.Context, u *auth.User, status string, limit int) ([]*Loan, error) {
	q := &db.Where{}
	loanScope(u, q)
	if status != "" {
		q.Add("l.status = ?", status)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+loanColumns+loanFrom+` WHERE `+q.SQL()+` ORDER BY l.start_date DESC, l.id DESC LIMIT `+
		strconv.Itoa(lim(limit, 200)), q.Args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, scanLoan)
}

func amountField(p *i18n.Problems, field, s string, optional bool) money.Fen {
	if optional && clean(s) == "" {
		return 0
	}
	f, err := ledger.ParseAmount(s)
	if err != nil {
		p.AddErr(field, err)
	}
	return f
}

// CreateLoan records a pledge loan of an enterprise in u's scope with the
// patents it pledges: each on file, the enterprise's own, granted and in
// force, and not pledged to another loan that is still running.
func (s *Service) CreateLoan(ctx context.Context, u *auth.User, in LoanInput, reason string) (*Loan, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var p i18n.Problems
	var a Applicant
	if in.EnterpriseID <= 0 {
		p.Add("enterprise_id", "error.required")
	} else if got, err := s.Enterprises.Applicant(ctx, u, in.EnterpriseID); err != nil {
		p.Add("enterprise_id", "patent.enterprise.unknown")
	} else {
		a = got
	}
	if in.Pledgor = clean(in.Pledgor); in.Pledgor == "" {
		in.Pledgor = a.Name
	}
	if in.Bank = clean(in.Bank); in.Bank == "" {
		p.Add("bank", "error.required")
	} else if tooLong(in.Bank, 200) {
		p.Add("bank", "error.too_long", 200)
	}
	amount := amountField(&p, "amount", in.Amount, false)
	assessed := amountField(&p, "assessed_value", in.AssessedValue, true)
	if in.TermMonths < 1 || in.TermMonths > 360 {
		p.Add("term_months", "patent.loan.bad_term")
	}
	if in.StartDate.IsZero() {
		p.Add("start_date", "error.required")
	}
	in.Assessor, in.RegistrationNo = clean(in.Assessor), clean(in.RegistrationNo)
	if tooLong(in.Assessor, 200) {
		p.Add("assessor", "error.too_long", 200)
	}
	if tooLong(in.RegistrationNo, 100) {
		p.Add("registration_no", "error.too_long", 100)
	}
	var nos []string
	seen := map[string]bool{}
	for _, s := range in.AppNos {
		if clean(s) == "" {
			continue
		}
		n, err := ParseNumber("app_nos", s)
		if err != nil {
			p.AddErr("app_nos", err)
			continue
		}
		if !seen[n.String()] {
			seen[n.String()] = true
			nos = append(nos, n.String())
		}
	}
	if len(nos) == 0 && p.Field("app_nos") == nil {
		p.Add("app_nos", "error.required")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	status := LoanApplying
	if in.RegistrationNo != "" {
		status = LoanRegistered
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var ids []int64
		for _, no := range nos {
			var pid, owner int64
			var st string
			err := tx.QueryRowContext(ctx, `SELECT id, COALESCE(enterprise_id, 0), status FROM patents WHERE app_no = $1`, no).Scan(&pid, &owner, &st)
			if db.IsNoRows(err) || (err == nil && owner != a.ID) {
				return i18n.FieldError("app_nos", "patent.loan.not_owned", no)
			}
			if err != nil {
				return db.Normalize(err)
			}
			if !InForce(st) {
				return i18n.FieldError("app_nos", "patent.loan.not_in_force", no)
			}
			var busy int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pledge_loan_patents lp JOIN pledge_loans l ON l.id = lp.loan_id
				WHERE lp.patent_id = $1 AND l.status IN ('applying', 'registered')`, pid).Scan(&busy); err != nil {
				return db.Normalize(err)
			}
			if busy > 0 {
				return i18n.FieldError("app_nos", "patent.loan.already_pledged", no)
			}
			ids = append(ids, pid)
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO pledge_loans (enterprise_id, region_code, pledgor, bank, amount, term_months, start_date,
			assessed_value, assessor, registration_no, status, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
			a.ID, a.RegionCode, in.Pledgor, in.Bank, amount, in.TermMonths, in.StartDate, assessed, in.Assessor, in.RegistrationNo,
			status, nullID(u.ID), tx.Now).Scan(&id)
		if err != nil {
			return db.Normalize(err)
		}
		for _, pid := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO pledge_loan_patents (loan_id, patent_id) VALUES ($1, $2)`, id, pid); err != nil {
				return db.Normalize(err)
			}
		}
		l, err := s.getLoan(ctx, tx, u, id)
		if err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "patent.loan.create", ObjectType: objLoan, ObjectID: idOf(id),
			RegionCode: l.RegionCode, After: audit.JSON(l), Reason: reason})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Loan(ctx, u, id)
}

// MoveLoan moves a pledge loan to its next state: registered (with the
// pledge registration number), repaid or defaulted.
func (s *Service) MoveLoan(ctx context.Context, u *auth.User, id int64, to, registrationNo, reason string) (*Loan, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.getLoan(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if !CanMoveLoan(before.Status, to) {
			return i18n.FieldError("loan_status", "patent.loan.bad_move", LoanStatusName(before.Status), LoanStatusName(to))
		}
		reg := before.RegistrationNo
		if to == LoanRegistered {
			if reg = clean(registrationNo); reg == "" {
				return i18n.FieldError("registration_no", "error.required")
			} else if tooLong(reg, 100) {
				return i18n.FieldError("registration_no", "error.too_long", 100)
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE pledge_loans SET status = $1, registration_no = $2, version = version + 1, updated_at = $3
			WHERE id = $4 AND status = $5`, to, reg, tx.Now, id, before.Status)
		if err != nil {
			return db.Normalize(err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return stale()
		}
		after, err := s.getLoan(ctx, tx, u, id)
		if err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "patent.loan." + to, ObjectType: objLoan, ObjectID: idOf(id),
			RegionCode: after.RegionCode, Before: audit.JSON(before), After: audit.JSON(after), Reason: reason})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Loan(ctx, u, id)
}
