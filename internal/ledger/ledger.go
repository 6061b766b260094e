// Package ledger is the double-entry money ledger: accounts, transactions of
// signed postings that sum to zero, idempotency keys and reversals.
//
// # Sign convention
//
// A posting's amount is signed: a debit is positive, a credit negative, in
// fen (money.Fen, int64, so a fraction of a fen cannot be expressed). The
// postings of a transaction sum to exactly 0. Each account keeps its balance
// in its normal direction: debit-normal kinds (asset, expense) have
// balance = Σ postings; credit-normal kinds (liability, equity, income) have
// balance = −Σ postings. A floored account (FloorZero) refuses any posting
// that would take its normal-direction balance below 0: the posting is
// refused with Conflict "ledger.insufficient" and the caller's transaction
// rolls back, so nothing is written.
//
// # Account design for programme money
//
// Money earmarked for a purpose sits in debit-normal "stage" accounts, and
// moves down the stages; the fund it came from is credit-normal equity:
//
//	fund:district:2026      equity,  floored  appropriations received (Σ of what was funded out of it)
//	budget:program:12       asset,   floored  programme budget not yet committed
//	commit:application:34   asset,   floored  committed to a grant, not yet payable
//	payable:enterprise:56   asset,   floored  due to the payee, not yet paid
//	paid:enterprise:56      expense           paid out (cumulative)
//
//	Fund        Dr budget   Cr fund      (budget appropriated from a fund source)
//	Commit      Dr commit   Cr budget    budget floored: a budget cannot be over-committed
//	MakePayable Dr payable  Cr commit    commit floored: a commitment cannot be over-paid
//	Pay         Dr paid     Cr payable   payable floored: only what is due can be paid
//	Release     Dr budget   Cr commit    an unused commitment goes back to the budget
//
// Because every stage account is floored, for every programme
// funded ≥ committed (commit + payable + paid) ≥ paid at all times, and the
// accounting identity Σ fund = Σ budget + Σ commit + Σ payable + Σ paid holds
// by construction. A reversal is a new transaction with the opposite lines
// (it, too, respects the floors: a commitment already made payable cannot be
// reversed until the payable is reversed).
//
// Balances are kept on the account row (O(1) reads) and can be re-derived
// from the postings at any time by Verify, which backs `kejiju verify-ledger`.
// Every posted transaction also appends one event to the audit chain in the
// same database transaction.
package ledger

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/money"
)

// Kind is the kind of an account.
type Kind string

// The account kinds.
const (
	Asset     Kind = "asset"
	Liability Kind = "liability"
	Equity    Kind = "equity"
	Income    Kind = "income"
	Expense   Kind = "expense"
)

// NormalSign is +1 for debit-normal kinds and −1 for credit-normal kinds,
// 0 for an unknown kind.
func (k Kind) NormalSign() int64 {
	switch k {
	case Asset, Expense:
		return 1
	case Liability, Equity, Income:
		return -1
	}
	return 0
}

// Limits of the input.
const (
	MaxKey    = 200                  // characters of an idempotency key
	MaxLines  = 100                  // lines in one transaction
	MaxAmount = money.Fen(1e15)      // |amount| of one line: 10 trillion 元; sums cannot overflow int64
	maxCode   = 200                  // characters of an account code
	maxText   = 2000                 // characters of a memo or reason
	keyField  = "idempotency_key"    // the form field of the key
	linesFld  = "ledger_lines"       // the form field of the lines
	amountFld = "ledger_amount"      // the form field of a move's amount
	acctFld   = "ledger_account"     // the form field of an account code
	txKindRev = "reversal"           // the kind of a reversing transaction
	auditPost = "ledger.post"        // the audit action of a posting
	auditOpen = "ledger.account"     // the audit object type of an account
	auditTx   = "ledger_transaction" // the audit object type of a transaction
)

// Account is a ledger account.
type Account struct {
	ID         int64  `json:"id"`
	Code       string `json:"code"` // e.g. "budget:program:12"
	Name       string `json:"name"`
	Kind       Kind   `json:"kind"`
	FloorZero  bool   `json:"floor_zero"`
	RegionCode string `json:"region_code,omitempty"`
	// Purpose is the code of the budget account the money belongs to: a
	// budget account names itself, its commitments and payables name it;
	// fund and paid accounts have none. The finance views group by it.
	Purpose   string    `json:"purpose,omitempty"`
	Balance   money.Fen `json:"balance"` // kept, normal direction
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
}

// Line is one posting of an entry: debit positive, credit negative.
type Line struct {
	AccountCode string    `json:"account"`
	Amount      money.Fen `json:"amount"`
}

// Entry is a transaction to post.
type Entry struct {
	Key        string // idempotency key, required
	Kind       string // e.g. "commit", "pay"
	ObjectType string // the business object it belongs to
	ObjectID   string
	Memo       string
	Lines      []Line
}

// Open creates the account a (by its code) and returns its id. Opening an
// existing code with the same kind and floor returns the existing id;
// with a different kind or floor it is a Conflict.
func Open(ctx context.Context, tx *db.Tx, a Account) (int64, error) {
	var p i18n.Problems
	switch {
	case strings.TrimSpace(a.Code) == "":
		p.Add("code", "error.required")
	case utf8.RuneCountInString(a.Code) > maxCode:
		p.Add("code", "error.too_long", maxCode)
	}
	if a.Kind.NormalSign() == 0 {
		p.Add("kind", "ledger.bad_kind", string(a.Kind))
	}
	if err := p.Err(); err != nil {
		return 0, err
	}
	if a.Name == "" {
		a.Name = a.Code
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO ledger_accounts (code, name, kind, normal_sign, floor_zero, region_code, purpose, balance, version, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 1, $8) ON CONFLICT (code) DO NOTHING RETURNING id`,
		a.Code, a.Name, string(a.Kind), a.Kind.NormalSign(), a.FloorZero, a.RegionCode, a.Purpose, tx.Now.UTC().Truncate(time.Microsecond)).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !db.IsNoRows(err) {
		return 0, db.Normalize(fmt.Errorf("ledger: open %s: %w", a.Code, err))
	}
	var kind string
	var floor bool
	if err := tx.QueryRowContext(ctx, `SELECT id, kind, floor_zero FROM ledger_accounts WHERE code = $1`, a.Code).Scan(&id, &kind, &floor); err != nil {
		return 0, db.Normalize(fmt.Errorf("ledger: open %s: %w", a.Code, err))
	}
	if Kind(kind) != a.Kind || floor != a.FloorZero {
		return 0, i18n.E(i18n.Conflict, "ledger.account_differs", a.Code)
	}
	return id, nil
}

// Validate checks an entry without touching the database: the key, at least
// two lines, each on a distinct account with a non-zero amount within
// MaxAmount, summing to exactly 0. It returns i18n.Problems.
func Validate(e Entry) error {
	var p i18n.Problems
	switch {
	case strings.TrimSpace(e.Key) == "":
		p.Add(keyField, "error.required")
	case utf8.RuneCountInString(e.Key) > MaxKey:
		p.Add(keyField, "error.too_long", MaxKey)
	}
	if strings.TrimSpace(e.Kind) == "" {
		p.Add("kind", "error.required")
	}
	if utf8.RuneCountInString(e.Memo) > maxText {
		p.Add("memo", "error.too_long", maxText)
	}
	switch {
	case len(e.Lines) < 2:
		p.Add(linesFld, "ledger.too_few_lines")
	case len(e.Lines) > MaxLines:
		p.Add(linesFld, "ledger.too_many_lines", MaxLines)
	default:
		var sum money.Fen
		seen := map[string]bool{}
		ok := true
		for i, l := range e.Lines {
			n := i + 1
			switch {
			case strings.TrimSpace(l.AccountCode) == "":
				p.Add(linesFld, "ledger.line_no_account", n)
				ok = false
			case seen[l.AccountCode]:
				p.Add(linesFld, "ledger.duplicate_account", n, l.AccountCode)
			}
			seen[l.AccountCode] = true
			switch {
			case l.Amount == 0:
				p.Add(linesFld, "ledger.zero_amount", n)
			case l.Amount > MaxAmount || l.Amount < -MaxAmount:
				p.Add(linesFld, "ledger.amount_too_large", n)
				ok = false
			}
			sum += l.Amount
		}
		if ok && sum != 0 {
			p.Add(linesFld, "ledger.unbalanced", int64(sum))
		}
	}
	return p.Err()
}

// digest is the hash of what the entry does, compared when a key is reused.
func digest(e Entry, reverses int64) string {
	h := sha256.New()
	for _, f := range []string{e.Kind, e.ObjectType, e.ObjectID, e.Memo, strconv.FormatInt(reverses, 10)} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	for _, l := range e.Lines {
		fmt.Fprintf(h, "%d:%s=%d;", len(l.AccountCode), l.AccountCode, int64(l.Amount))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Post posts e inside tx: it validates e, applies its idempotency key, moves
// the kept balances (refusing to take a floored account below 0), inserts
// the transaction and its postings, and appends one audit event. The same
// key with the same content returns the original transaction with
// replay=true and changes nothing; the same key with other content is a
// Conflict. On any error the caller must roll tx back (db.InTx does).
func Post(ctx context.Context, tx *db.Tx, lg *audit.Log, u *auth.User, e Entry) (txID int64, replay bool, err error) {
	return post(ctx, tx, lg, u, e, 0)
}

func post(ctx context.Context, tx *db.Tx, lg *audit.Log, u *auth.User, e Entry, reverses int64) (int64, bool, error) {
	if err := Validate(e); err != nil {
		return 0, false, err
	}
	dg := digest(e, reverses)
	var actorID any
	actorName := "system"
	if u != nil {
		actorID, actorName = u.ID, u.Username
	} else if a := audit.ActorFrom(ctx); a.Name != "" {
		actorName = a.Name
		if a.ID != 0 {
			actorID = a.ID
		}
	}
	var rev any
	if reverses != 0 {
		rev = reverses
	}
	// The key row first: a concurrent first use of the same key waits here
	// (PostgreSQL: on the unique index; SQLite: writers are serialised) and
	// then finds the committed original.
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO ledger_transactions
		(idem_key, digest, kind, object_type, object_id, memo, actor_id, actor_name, posted_at, reverses)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (idem_key) DO NOTHING RETURNING id`,
		e.Key, dg, e.Kind, e.ObjectType, e.ObjectID, e.Memo, actorID, actorName, tx.Now.UTC().Truncate(time.Microsecond), rev).Scan(&id)
	if db.IsNoRows(err) {
		var old string
		if err := tx.QueryRowContext(ctx, `SELECT id, digest FROM ledger_transactions WHERE idem_key = $1`, e.Key).Scan(&id, &old); err != nil {
			return 0, false, db.Normalize(fmt.Errorf("ledger: key %q: %w", e.Key, err))
		}
		if old != dg {
			return 0, false, &i18n.Error{Code: i18n.Conflict, Key: "ledger.key_reused", Field: keyField}
		}
		return id, true, nil
	}
	if err != nil {
		if db.IsUnique(err) && reverses != 0 {
			return 0, false, i18n.E(i18n.Conflict, "ledger.already_reversed", reverses)
		}
		return 0, false, db.Normalize(fmt.Errorf("ledger: insert transaction: %w", err))
	}
	// Move the balances in a fixed order (by code) so two transactions on
	// the same accounts cannot deadlock on PostgreSQL's row locks.
	lines := slices.Clone(e.Lines)
	slices.SortFunc(lines, func(a, b Line) int { return cmp.Compare(a.AccountCode, b.AccountCode) })
	ids := make(map[string]int64, len(lines))
	for _, l := range lines {
		var aid, bal int64
		err := tx.QueryRowContext(ctx, `UPDATE ledger_accounts
			SET balance = balance + normal_sign * CAST($1 AS BIGINT), version = version + 1
			WHERE code = $2 AND (NOT floor_zero OR balance + normal_sign * CAST($1 AS BIGINT) >= 0)
			RETURNING id, balance`, int64(l.Amount), l.AccountCode).Scan(&aid, &bal)
		if db.IsNoRows(err) {
			var exists int64
			if err := tx.QueryRowContext(ctx, `SELECT id FROM ledger_accounts WHERE code = $1`, l.AccountCode).Scan(&exists); db.IsNoRows(err) {
				return 0, false, i18n.FieldError(acctFld, "ledger.unknown_account", l.AccountCode)
			} else if err != nil {
				return 0, false, db.Normalize(fmt.Errorf("ledger: account %s: %w", l.AccountCode, err))
			}
			return 0, false, i18n.E(i18n.Conflict, "ledger.insufficient", l.AccountCode)
		}
		if err != nil {
			return 0, false, db.Normalize(fmt.Errorf("ledger: balance %s: %w", l.AccountCode, err))
		}
		ids[l.AccountCode] = aid
	}
	for _, l := range e.Lines {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_postings (transaction_id, account_id, amount) VALUES ($1, $2, $3)`,
			id, ids[l.AccountCode], int64(l.Amount)); err != nil {
			return 0, false, db.Normalize(fmt.Errorf("ledger: insert posting: %w", err))
		}
	}
	if lg != nil {
		ev := audit.Event{
			Action:     auditPost,
			ObjectType: auditTx,
			ObjectID:   strconv.FormatInt(id, 10),
			After: audit.JSON(map[string]any{
				"key": e.Key, "kind": e.Kind, "object_type": e.ObjectType, "object_id": e.ObjectID,
				"lines": e.Lines, "reverses": reverses, "digest": dg,
			}),
			Reason: e.Memo,
		}
		if u != nil {
			ev.ActorID, ev.Actor, ev.RegionCode = u.ID, u.Username, u.RegionCode
		}
		if _, err := lg.Append(ctx, tx, ev); err != nil {
			return 0, false, err
		}
	}
	return id, false, nil
}

// Reverse posts a new transaction with the opposite lines of transaction
// txID, linked to it by reverses. A transaction is reversed at most once
// (a second reversal is a Conflict), and a reversal cannot itself be
// reversed (post a new entry instead). key is the reversal's idempotency key.
func Reverse(ctx context.Context, tx *db.Tx, lg *audit.Log, u *auth.User, txID int64, key, reason string) (int64, bool, error) {
	var p i18n.Problems
	if strings.TrimSpace(reason) == "" {
		p.Add("reason", "error.required")
	} else if utf8.RuneCountInString(reason) > maxText {
		p.Add("reason", "error.too_long", maxText)
	}
	if strings.TrimSpace(key) == "" {
		p.Add(keyField, "error.required")
	}
	if err := p.Err(); err != nil {
		return 0, false, err
	}
	var objType, objID string
	var revOf *int64
	if err := tx.QueryRowContext(ctx, `SELECT object_type, object_id, reverses FROM ledger_transactions WHERE id = $1`, txID).
		Scan(&objType, &objID, &revOf); err != nil {
		return 0, false, db.Normalize(fmt.Errorf("ledger: transaction %d: %w", txID, err))
	}
	if revOf != nil {
		return 0, false, i18n.E(i18n.Conflict, "ledger.reversal_of_reversal", txID)
	}
	rows, err := tx.QueryContext(ctx, `SELECT a.code, p.amount FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id
		WHERE p.transaction_id = $1 ORDER BY p.id`, txID)
	if err != nil {
		return 0, false, db.Normalize(fmt.Errorf("ledger: transaction %d: %w", txID, err))
	}
	var lines []Line
	for rows.Next() {
		var l Line
		if err := rows.Scan(&l.AccountCode, &l.Amount); err != nil {
			rows.Close()
			return 0, false, db.Normalize(err)
		}
		l.Amount = -l.Amount
		lines = append(lines, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, false, db.Normalize(err)
	}
	e := Entry{Key: key, Kind: txKindRev, ObjectType: objType, ObjectID: objID, Memo: reason, Lines: lines}
	// A reused key for a reversal of the same transaction replays; check the
	// key before the "already reversed" test so a retry is not refused.
	var prior int64
	var prevDigest string
	err = tx.QueryRowContext(ctx, `SELECT id, digest FROM ledger_transactions WHERE idem_key = $1`, key).Scan(&prior, &prevDigest)
	switch {
	case err == nil && prevDigest == digest(e, txID):
		return prior, true, nil
	case err == nil:
		return 0, false, &i18n.Error{Code: i18n.Conflict, Key: "ledger.key_reused", Field: keyField}
	case !db.IsNoRows(err):
		return 0, false, db.Normalize(err)
	}
	var other int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM ledger_transactions WHERE reverses = $1`, txID).Scan(&other); err == nil {
		return 0, false, i18n.E(i18n.Conflict, "ledger.already_reversed", txID)
	} else if !db.IsNoRows(err) {
		return 0, false, db.Normalize(err)
	}
	return post(ctx, tx, lg, u, e, txID)
}

// Balance returns the kept balance of the account code (normal direction).
func Balance(ctx context.Context, q db.Querier, code string) (money.Fen, error) {
	var b int64
	if err := q.QueryRowContext(ctx, `SELECT balance FROM ledger_accounts WHERE code = $1`, code).Scan(&b); err != nil {
		if db.IsNoRows(err) {
			return 0, i18n.E(i18n.NotFound, "ledger.unknown_account", code)
		}
		return 0, db.Normalize(fmt.Errorf("ledger: balance %s: %w", code, err))
	}
	return money.Fen(b), nil
}

// Get returns the account with the code.
func Get(ctx context.Context, q db.Querier, code string) (Account, error) {
	var a Account
	var kind string
	err := q.QueryRowContext(ctx, `SELECT id, code, name, kind, floor_zero, region_code, purpose, balance, version, created_at
		FROM ledger_accounts WHERE code = $1`, code).
		Scan(&a.ID, &a.Code, &a.Name, &kind, &a.FloorZero, &a.RegionCode, &a.Purpose, &a.Balance, &a.Version, &a.CreatedAt)
	if db.IsNoRows(err) {
		return a, i18n.E(i18n.NotFound, "ledger.unknown_account", code)
	}
	a.Kind = Kind(kind)
	return a, db.Normalize(err)
}

// Posting is one line of an account's statement.
type Posting struct {
	ID            int64     `json:"id"`
	TransactionID int64     `json:"transaction_id"`
	Amount        money.Fen `json:"amount"` // signed: debit +, credit −
	Kind          string    `json:"kind"`
	ObjectType    string    `json:"object_type"`
	ObjectID      string    `json:"object_id"`
	Memo          string    `json:"memo"`
	Actor         string    `json:"actor"`
	PostedAt      time.Time `json:"posted_at"`
	Reverses      int64     `json:"reverses,omitempty"`
}

// Statement lists the postings of the account code, newest first, and
// their total count.
func Statement(ctx context.Context, q db.Querier, code string, limit, offset int) ([]Posting, int, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	if offset < 0 {
		offset = 0
	}
	var aid int64
	if err := q.QueryRowContext(ctx, `SELECT id FROM ledger_accounts WHERE code = $1`, code).Scan(&aid); err != nil {
		if db.IsNoRows(err) {
			return nil, 0, i18n.E(i18n.NotFound, "ledger.unknown_account", code)
		}
		return nil, 0, db.Normalize(err)
	}
	var total int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger_postings WHERE account_id = $1`, aid).Scan(&total); err != nil {
		return nil, 0, db.Normalize(err)
	}
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.transaction_id, p.amount, t.kind, t.object_type, t.object_id, t.memo, t.actor_name, t.posted_at, t.reverses
		FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.transaction_id
		WHERE p.account_id = $1 ORDER BY p.id DESC LIMIT $2 OFFSET $3`, aid, limit, offset)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	defer rows.Close()
	var out []Posting
	for rows.Next() {
		var p Posting
		var rev *int64
		if err := rows.Scan(&p.ID, &p.TransactionID, &p.Amount, &p.Kind, &p.ObjectType, &p.ObjectID, &p.Memo, &p.Actor, &p.PostedAt, &rev); err != nil {
			return nil, 0, db.Normalize(err)
		}
		if rev != nil {
			p.Reverses = *rev
		}
		out = append(out, p)
	}
	return out, total, db.Normalize(rows.Err())
}
