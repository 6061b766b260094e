package ledger

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/money"
)

// The finance views: what the ledger says per budget line, per fund source
// and year, what is due, and whether it all adds up. They read only.

// Stage is the first part of an account code: fund, budget, commit,
// payable or paid.
func Stage(code string) string { s, _, _ := strings.Cut(code, ":"); return s }

// Budget is one budget line (a call's budget, a voucher batch, a year's
// subsidy budget): what was appropriated to it, what is still available,
// committed and not yet payable, payable and not yet paid, and paid.
type Budget struct {
	Code         string    `json:"code"`
	Name         string    `json:"name"`
	RegionCode   string    `json:"region_code"`
	Appropriated money.Fen `json:"appropriated"`
	Available    money.Fen `json:"available"`
	Committed    money.Fen `json:"committed"`
	Payable      money.Fen `json:"payable"`
	Paid         money.Fen `json:"paid"`
}

// Balanced reports whether the line adds up: every fen appropriated is
// available, committed, payable or paid.
func (b Budget) Balanced() bool {
	return b.Appropriated == b.Available+b.Committed+b.Payable+b.Paid
}

// Obligated is what the line has promised: committed, payable and paid.
func (b Budget) Obligated() money.Fen { return b.Committed + b.Payable + b.Paid }

// Budgets lists the budget lines in scope with their figures. Appropriated
// is what fund moves put on the budget account, paid what pay moves took
// off the line's payables (both net of reversals, which move the same
// accounts back); available, committed and payable are kept balances.
func Budgets(ctx context.Context, q db.Querier, scope auth.Scope) ([]Budget, error) {
	var args []any
	cond := scope.Where(auth.Columns{Region: "b.region_code"}, &args)
	rows, err := q.QueryContext(ctx, `SELECT b.code, b.name, b.region_code, b.balance,
		COALESCE((SELECT SUM(c.balance) FROM ledger_accounts c WHERE c.purpose = b.code AND c.code LIKE 'commit:%'), 0),
		COALESCE((SELECT SUM(c.balance) FROM ledger_accounts c WHERE c.purpose = b.code AND c.code LIKE 'payable:%'), 0),
		COALESCE((SELECT SUM(p.amount) FROM ledger_postings p WHERE p.account_id = b.id AND p.transaction_id IN
			(SELECT f.transaction_id FROM ledger_postings f JOIN ledger_accounts fa ON fa.id = f.account_id WHERE fa.code LIKE 'fund:%')), 0),
		COALESCE((SELECT -SUM(p.amount) FROM ledger_postings p JOIN ledger_accounts c ON c.id = p.account_id
			WHERE c.purpose = b.code AND c.code LIKE 'payable:%' AND p.transaction_id IN
			(SELECT f.transaction_id FROM ledger_postings f JOIN ledger_accounts fa ON fa.id = f.account_id WHERE fa.code LIKE 'paid:%')), 0)
		FROM ledger_accounts b WHERE b.code LIKE 'budget:%' AND `+cond+` ORDER BY b.region_code, b.id`, args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(s interface{ Scan(...any) error }) (Budget, error) {
		var b Budget
		err := s.Scan(&b.Code, &b.Name, &b.RegionCode, &b.Available, &b.Committed, &b.Payable, &b.Appropriated, &b.Paid)
		return b, err
	})
}

// FundSource is a fund source of a year (fund:<region>:<year>): what was
// appropriated out of it to budget lines, and what the lines of that
// region and year paid out (paid:<region>:<year>).
type FundSource struct {
	Code         string    `json:"code"`
	Name         string    `json:"name"`
	RegionCode   string    `json:"region_code"`
	Year         int       `json:"year"`
	Appropriated money.Fen `json:"appropriated"`
	Paid         money.Fen `json:"paid"`
}

// Outstanding is what was appropriated and not yet paid.
func (f FundSource) Outstanding() money.Fen { return f.Appropriated - f.Paid }

// FundSources lists the fund sources in scope, newest year first.
func FundSources(ctx context.Context, q db.Querier, scope auth.Scope) ([]FundSource, error) {
	var args []any
	cond := scope.Where(auth.Columns{Region: "f.region_code"}, &args)
	rows, err := q.QueryContext(ctx, `SELECT f.code, f.name, f.region_code, f.balance,
		COALESCE((SELECT p.balance FROM ledger_accounts p WHERE p.code = 'paid:' || substr(f.code, 6)), 0)
		FROM ledger_accounts f WHERE f.code LIKE 'fund:%' AND `+cond+` ORDER BY f.code DESC`, args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(s interface{ Scan(...any) error }) (FundSource, error) {
		var f FundSource
		err := s.Scan(&f.Code, &f.Name, &f.RegionCode, &f.Appropriated, &f.Paid)
		f.Year = yearOf(f.Code)
		return f, err
	})
}

// yearOf reads the year off a code "stage:<region>:<year>" (0 if none).
func yearOf(code string) int {
	y, _ := strconv.Atoi(code[strings.LastIndexByte(code, ':')+1:])
	return y
}

// Due is a payable not yet paid: what is owed to whom, on which budget
// line, since when.
type Due struct {
	Code       string    `json:"code"` // payable:<object type>:<id>
	Name       string    `json:"name"`
	RegionCode string    `json:"region_code"`
	Budget     string    `json:"budget"` // the budget line's name
	Amount     money.Fen `json:"amount"`
	Since      time.Time `json:"since"` // the last time it grew
}

// Object returns the business object the payable belongs to, from its code
// payable:<type>:<id>.
func (d Due) Object() (typ, id string) {
	_, rest, _ := strings.Cut(d.Code, ":")
	typ, id, _ = strings.Cut(rest, ":")
	return typ, id
}

// Payables lists what is due and not yet paid in scope, oldest first.
func Payables(ctx context.Context, q db.Querier, scope auth.Scope) ([]Due, error) {
	var args []any
	cond := scope.Where(auth.Columns{Region: "a.region_code"}, &args)
	// The time is read straight off ledger_transactions (not through an
	// aggregate) so that SQLite keeps its column type.
	rows, err := q.QueryContext(ctx, `SELECT x.code, x.name, x.region_code, x.budget, x.balance, t.posted_at FROM
		(SELECT a.id, a.code, a.name, a.region_code, COALESCE(b.name, '') AS budget, a.balance,
			(SELECT MAX(p.transaction_id) FROM ledger_postings p WHERE p.account_id = a.id AND p.amount > 0) AS last_tx
		FROM ledger_accounts a LEFT JOIN ledger_accounts b ON b.code = a.purpose
		WHERE a.code LIKE 'payable:%' AND a.balance > 0 AND `+cond+`) x
		LEFT JOIN ledger_transactions t ON t.id = x.last_tx ORDER BY x.last_tx, x.id`, args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(s interface{ Scan(...any) error }) (Due, error) {
		var d Due
		var since sql.NullTime
		err := s.Scan(&d.Code, &d.Name, &d.RegionCode, &d.Budget, &d.Amount, &since)
		d.Since = since.Time
		return d, err
	})
}

// Reconciliation is the ledger's trial balance in scope: the money of the
// fund sources against where it is now. It balances when
// Funds = Budgets + Commitments + Payables + Paid, every budget line adds
// up, no stage account is outside a budget line, and every kept balance
// equals the sum of its postings.
type Reconciliation struct {
	Funds       money.Fen `json:"funds"`
	Budgets     money.Fen `json:"budgets"`
	Commitments money.Fen `json:"commitments"`
	Payables    money.Fen `json:"payables"`
	Paid        money.Fen `json:"paid"`
	// Unassigned lists budget, commitment and payable accounts that belong
	// to no budget line.
	Unassigned []string `json:"unassigned"`
	// Unbalanced lists the budget lines that do not add up.
	Unbalanced []string `json:"unbalanced"`
	// Verify is the check of every kept balance and transaction (whole
	// ledger, not only the scope).
	Verify Report `json:"verify"`
}

// Difference is Funds − (Budgets + Commitments + Payables + Paid); 0 when
// the trial balance holds.
func (r Reconciliation) Difference() money.Fen {
	return r.Funds - r.Budgets - r.Commitments - r.Payables - r.Paid
}

// OK reports whether everything balances.
func (r Reconciliation) OK() bool {
	return r.Difference() == 0 && len(r.Unassigned) == 0 && len(r.Unbalanced) == 0 && r.Verify.OK()
}

// Reconcile computes the reconciliation in scope; run it in one read
// transaction for a consistent snapshot.
func Reconcile(ctx context.Context, q db.Querier, scope auth.Scope) (Reconciliation, error) {
	var r Reconciliation
	var args []any
	cond := scope.Where(auth.Columns{Region: "a.region_code"}, &args)
	rows, err := q.QueryContext(ctx, `SELECT a.code, a.purpose, a.balance FROM ledger_accounts a WHERE `+cond, args...)
	if err != nil {
		return r, db.Normalize(err)
	}
	type acct struct {
		code, purpose string
		balance       money.Fen
	}
	accts, err := db.Collect(rows, func(s interface{ Scan(...any) error }) (acct, error) {
		var a acct
		return a, s.Scan(&a.code, &a.purpose, &a.balance)
	})
	if err != nil {
		return r, err
	}
	for _, a := range accts {
		stage := Stage(a.code)
		switch stage {
		case "fund":
			r.Funds += a.balance
		case "budget":
			r.Budgets += a.balance
		case "commit":
			r.Commitments += a.balance
		case "payable":
			r.Payables += a.balance
		case "paid":
			r.Paid += a.balance
		}
		if (stage == "budget" || stage == "commit" || stage == "payable") && a.purpose == "" {
			r.Unassigned = append(r.Unassigned, a.code)
		}
	}
	budgets, err := Budgets(ctx, q, scope)
	if err != nil {
		return r, err
	}
	for _, b := range budgets {
		if !b.Balanced() {
			r.Unbalanced = append(r.Unbalanced, b.Code)
		}
	}
	r.Verify, err = Verify(ctx, q)
	return r, err
}
