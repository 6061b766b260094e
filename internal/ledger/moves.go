package ledger

import (
	"context"
	"fmt"
	"strings"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/money"
)

// Move is a business move of a positive amount from one account to another:
// the From account is credited, the To account debited (see the package
// comment for the account design).
type Move struct {
	Key        string
	From, To   string // account codes
	Amount     money.Fen
	ObjectType string
	ObjectID   string
	Memo       string
}

// The transaction kinds of the business moves.
const (
	KindFund        = "fund"
	KindCommit      = "commit"
	KindMakePayable = "payable"
	KindPay         = "pay"
	KindRelease     = "release"
)

func (m Move) entry(kind string) (Entry, error) {
	var p i18n.Problems
	switch {
	case m.Amount <= 0:
		p.Add(amountFld, "ledger.amount_positive")
	case m.Amount > MaxAmount:
		p.Add(amountFld, "ledger.amount_too_large", 1)
	}
	if strings.TrimSpace(m.From) == "" || strings.TrimSpace(m.To) == "" {
		p.Add(acctFld, "error.required")
	}
	if err := p.Err(); err != nil {
		return Entry{}, err
	}
	return Entry{Key: m.Key, Kind: kind, ObjectType: m.ObjectType, ObjectID: m.ObjectID, Memo: m.Memo,
		Lines: []Line{{AccountCode: m.To, Amount: m.Amount}, {AccountCode: m.From, Amount: -m.Amount}}}, nil
}

func move(ctx context.Context, tx *db.Tx, lg *audit.Log, u *auth.User, kind string, m Move) (int64, bool, error) {
	e, err := m.entry(kind)
	if err != nil {
		return 0, false, err
	}
	return Post(ctx, tx, lg, u, e)
}

// Fund appropriates m.Amount from a fund source (m.From, "fund:district:2026")
// to a programme budget (m.To, "budget:program:12").
func Fund(ctx context.Context, tx *db.Tx, lg *audit.Log, u *auth.User, m Move) (int64, bool, error) {
	return move(ctx, tx, lg, u, KindFund, m)
}

// Commit commits m.Amount of a budget (m.From, floored: no over-commitment)
// to a grant (m.To, "commit:application:34").
func Commit(ctx context.Context, tx *db.Tx, lg *audit.Log, u *auth.User, m Move) (int64, bool, error) {
	return move(ctx, tx, lg, u, KindCommit, m)
}

// MakePayable makes m.Amount of a commitment (m.From, floored: no
// over-payment) payable to the payee (m.To, "payable:enterprise:56").
func MakePayable(ctx context.Context, tx *db.Tx, lg *audit.Log, u *auth.User, m Move) (int64, bool, error) {
	return move(ctx, tx, lg, u, KindMakePayable, m)
}

// Pay records the payment of m.Amount that is payable (m.From, floored) as
// paid (m.To, an expense account such as "paid:enterprise:56").
func Pay(ctx context.Context, tx *db.Tx, lg *audit.Log, u *auth.User, m Move) (int64, bool, error) {
	return move(ctx, tx, lg, u, KindPay, m)
}

// Release returns m.Amount of an unused commitment (m.From, floored) to its
// budget (m.To).
func Release(ctx context.Context, tx *db.Tx, lg *audit.Log, u *auth.User, m Move) (int64, bool, error) {
	return move(ctx, tx, lg, u, KindRelease, m)
}

// ParseAmount reads a positive amount typed in 元 (or 万元) for a move: a
// negative amount, zero or more decimals than whole fen are field errors.
func ParseAmount(s string) (money.Fen, error) {
	f, err := money.ParseYuan(s)
	if err != nil {
		var p i18n.Problems
		p.AddErr(amountFld, err)
		return 0, p.Err()
	}
	if f <= 0 {
		return 0, i18n.FieldError(amountFld, "ledger.amount_positive")
	}
	if f > MaxAmount {
		return 0, i18n.FieldError(amountFld, "ledger.amount_too_large", 1)
	}
	return f, nil
}

// Mismatch is an account whose kept balance differs from its postings.
type Mismatch struct {
	Code         string    `json:"code"`
	Kept         money.Fen `json:"kept"`
	FromPostings money.Fen `json:"from_postings"`
}

// Unbalanced is a transaction whose postings do not sum to 0, or that has
// fewer than two postings.
type Unbalanced struct {
	TransactionID int64     `json:"transaction_id"`
	Sum           money.Fen `json:"sum"`
	Postings      int       `json:"postings"`
}

// Report is the result of Verify.
type Report struct {
	Accounts     int          `json:"accounts"`
	Transactions int          `json:"transactions"`
	Postings     int          `json:"postings"`
	Mismatches   []Mismatch   `json:"mismatches,omitempty"`
	Unbalanced   []Unbalanced `json:"unbalanced,omitempty"`
	Negative     []string     `json:"negative,omitempty"` // floored accounts below 0
}

// OK reports whether the ledger verified clean.
func (r Report) OK() bool {
	return len(r.Mismatches) == 0 && len(r.Unbalanced) == 0 && len(r.Negative) == 0
}

// Verify recomputes every account's balance from its postings, checks that
// every transaction has at least two postings summing to 0 and that no
// floored account is negative, and reports what differs. It backs
// `kejiju verify-ledger`; run it in one read transaction (or on a quiet
// database) for a consistent snapshot.
func Verify(ctx context.Context, q db.Querier) (Report, error) {
	var r Report
	if err := q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM ledger_accounts), (SELECT COUNT(*) FROM ledger_transactions),
		(SELECT COUNT(*) FROM ledger_postings)`).Scan(&r.Accounts, &r.Transactions, &r.Postings); err != nil {
		return r, db.Normalize(err)
	}
	rows, err := q.QueryContext(ctx, `SELECT a.code, a.balance, a.normal_sign * COALESCE(s.total, 0), a.floor_zero
		FROM ledger_accounts a
		LEFT JOIN (SELECT account_id, SUM(amount) AS total FROM ledger_postings GROUP BY account_id) s ON s.account_id = a.id
		ORDER BY a.code`)
	if err != nil {
		return r, db.Normalize(err)
	}
	for rows.Next() {
		var m Mismatch
		var floor bool
		if err := rows.Scan(&m.Code, &m.Kept, &m.FromPostings, &floor); err != nil {
			rows.Close()
			return r, db.Normalize(err)
		}
		if m.Kept != m.FromPostings {
			r.Mismatches = append(r.Mismatches, m)
		}
		if floor && (m.Kept < 0 || m.FromPostings < 0) {
			r.Negative = append(r.Negative, m.Code)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, db.Normalize(err)
	}
	rows, err = q.QueryContext(ctx, `SELECT t.id, COALESCE(SUM(p.amount), 0), COUNT(p.id)
		FROM ledger_transactions t LEFT JOIN ledger_postings p ON p.transaction_id = t.id
		GROUP BY t.id HAVING COALESCE(SUM(p.amount), 0) <> 0 OR COUNT(p.id) < 2 ORDER BY t.id`)
	if err != nil {
		return r, db.Normalize(err)
	}
	defer rows.Close()
	for rows.Next() {
		var u Unbalanced
		if err := rows.Scan(&u.TransactionID, &u.Sum, &u.Postings); err != nil {
			return r, db.Normalize(err)
		}
		r.Unbalanced = append(r.Unbalanced, u)
	}
	return r, db.Normalize(rows.Err())
}

// VerifyAccount recomputes one account's balance from its postings and
// returns it beside the kept balance.
func VerifyAccount(ctx context.Context, q db.Querier, code string) (kept, fromPostings money.Fen, err error) {
	err = q.QueryRowContext(ctx, `SELECT a.balance, a.normal_sign * COALESCE((SELECT SUM(p.amount) FROM ledger_postings p WHERE p.account_id = a.id), 0)
		FROM ledger_accounts a WHERE a.code = $1`, code).Scan(&kept, &fromPostings)
	if db.IsNoRows(err) {
		return 0, 0, i18n.E(i18n.NotFound, "ledger.unknown_account", code)
	}
	return kept, fromPostings, db.Normalize(err)
}

// FundAccount is the fund source of a region's year (fund:<region>:<year>,
// equity, floored), the account every area appropriates its budgets from.
func FundAccount(region string, year int) Account {
	return Account{Code: fmt.Sprintf("fund:%s:%d", region, year), Name: fmt.Sprintf("%s %d年度科技专项资金", region, year),
		Kind: Equity, FloorZero: true, RegionCode: region}
}

// PaidAccount is what the budgets of a region's year paid out
// (paid:<region>:<year>, expense).
func PaidAccount(region string, year int) Account {
	return Account{Code: fmt.Sprintf("paid:%s:%d", region, year), Name: fmt.Sprintf("%s %d年度科技专项已拨付", region, year),
		Kind: Expense, RegionCode: region}
}
