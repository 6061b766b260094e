package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
	"kejiju/internal/ledger"
	"kejiju/internal/money"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

var user = &auth.User{ID: 7, Username: "finance", RegionCode: "110101"}

func newLog(t *testing.T) *audit.Log {
	t.Helper()
	lg, err := audit.New(audit.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return lg
}

// chart opens the accounts of one programme chain and funds the budget.
func chart(t *testing.T, d *db.DB, lg *audit.Log, budget money.Fen) {
	t.Helper()
	err := d.InTx(t.Context(), func(tx *db.Tx) error {
		for _, a := range []ledger.Account{
			{Code: "fund:district:2026", Kind: ledger.Equity, FloorZero: true},
			{Code: "budget:program:1", Kind: ledger.Asset, FloorZero: true},
			{Code: "commit:application:1", Kind: ledger.Asset, FloorZero: true},
			{Code: "commit:application:2", Kind: ledger.Asset, FloorZero: true},
			{Code: "payable:enterprise:1", Kind: ledger.Asset, FloorZero: true},
			{Code: "payable:enterprise:2", Kind: ledger.Asset, FloorZero: true},
			{Code: "paid:enterprise:1", Kind: ledger.Expense},
			{Code: "paid:enterprise:2", Kind: ledger.Expense},
			{Code: "suspense", Kind: ledger.Liability},
		} {
			if _, err := ledger.Open(t.Context(), tx, a); err != nil {
				return err
			}
		}
		if budget > 0 {
			_, _, err := ledger.Fund(t.Context(), tx, lg, user, ledger.Move{Key: "fund-1", From: "fund:district:2026", To: "budget:program:1", Amount: budget})
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func post(t *testing.T, d *db.DB, lg *audit.Log, e ledger.Entry) (int64, bool, error) {
	t.Helper()
	var id int64
	var replay bool
	err := d.InTx(t.Context(), func(tx *db.Tx) error {
		var err error
		id, replay, err = ledger.Post(t.Context(), tx, lg, user, e)
		return err
	})
	return id, replay, err
}

func do(t *testing.T, d *db.DB, fn func(ctx context.Context, tx *db.Tx) error) error {
	t.Helper()
	return d.InTx(t.Context(), func(tx *db.Tx) error { return fn(t.Context(), tx) })
}

func count(t *testing.T, d *db.DB, q string) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(t.Context(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func bal(t *testing.T, d *db.DB, code string) money.Fen {
	t.Helper()
	b, err := ledger.Balance(t.Context(), d, code)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustVerify(t *testing.T, d *db.DB) ledger.Report {
	t.Helper()
	r, err := ledger.Verify(t.Context(), d)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("verify: %+v", r)
	}
	return r
}

type snapshot struct{ tx, postings, audit int }

func snap(t *testing.T, d *db.DB) snapshot {
	return snapshot{
		count(t, d, `SELECT COUNT(*) FROM ledger_transactions`),
		count(t, d, `SELECT COUNT(*) FROM ledger_postings`),
		count(t, d, `SELECT COUNT(*) FROM audit_events`),
	}
}

func hasKey(err error, key string) bool {
	if p, ok := errors.AsType[i18n.Problems](err); ok {
		for _, e := range p {
			if e.Key == key {
				return true
			}
		}
		return false
	}
	if e, ok := errors.AsType[*i18n.Error](err); ok {
		return e.Key == key
	}
	return false
}

func TestValidation(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		lg := newLog(t)
		chart(t, d, lg, 1_000_000)
		before := snap(t, d)
		l := func(code string, a money.Fen) ledger.Line { return ledger.Line{AccountCode: code, Amount: a} }
		for _, tc := range []struct {
			name string
			e    ledger.Entry
			code i18n.Code
			key  string
		}{
			{"unbalanced", ledger.Entry{Key: "k1", Kind: "x", Lines: []ledger.Line{l("budget:program:1", -100), l("commit:application:1", 99)}}, i18n.Invalid, "ledger.unbalanced"},
			{"single line", ledger.Entry{Key: "k2", Kind: "x", Lines: []ledger.Line{l("budget:program:1", 0)}}, i18n.Invalid, "ledger.too_few_lines"},
			{"no lines", ledger.Entry{Key: "k3", Kind: "x"}, i18n.Invalid, "ledger.too_few_lines"},
			{"zero amount", ledger.Entry{Key: "k4", Kind: "x", Lines: []ledger.Line{l("budget:program:1", 0), l("commit:application:1", 0)}}, i18n.Invalid, "ledger.zero_amount"},
			{"missing key", ledger.Entry{Key: " ", Kind: "x", Lines: []ledger.Line{l("budget:program:1", -1), l("commit:application:1", 1)}}, i18n.Invalid, "error.required"},
			{"key too long", ledger.Entry{Key: string(make([]byte, ledger.MaxKey+1)), Kind: "x", Lines: []ledger.Line{l("budget:program:1", -1), l("commit:application:1", 1)}}, i18n.Invalid, "error.too_long"},
			{"duplicate account", ledger.Entry{Key: "k5", Kind: "x", Lines: []ledger.Line{l("budget:program:1", -1), l("budget:program:1", 1)}}, i18n.Invalid, "ledger.duplicate_account"},
			{"too large", ledger.Entry{Key: "k6", Kind: "x", Lines: []ledger.Line{l("budget:program:1", -ledger.MaxAmount-1), l("commit:application:1", ledger.MaxAmount+1)}}, i18n.Invalid, "ledger.amount_too_large"},
			{"overflowing sum", ledger.Entry{Key: "k7", Kind: "x", Lines: []ledger.Line{l("a", 1<<62), l("b", 1<<62), l("c", -(1 << 62)), l("d", -(1 << 62))}}, i18n.Invalid, "ledger.amount_too_large"},
			{"unknown account", ledger.Entry{Key: "k8", Kind: "x", Lines: []ledger.Line{l("budget:program:1", -1), l("nope", 1)}}, i18n.Invalid, "ledger.unknown_account"},
			{"no kind", ledger.Entry{Key: "k9", Lines: []ledger.Line{l("budget:program:1", -1), l("commit:application:1", 1)}}, i18n.Invalid, "error.required"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, _, err := post(t, d, lg, tc.e)
				if i18n.ErrorCode(err) != tc.code || !hasKey(err, tc.key) {
					t.Fatalf("err = %v, want %s %s", err, tc.code, tc.key)
				}
				if got := snap(t, d); got != before {
					t.Fatalf("something was written: %+v -> %+v", before, got)
				}
			})
		}
		// Moves: negative and zero amounts; amounts typed with fractional fen.
		for _, a := range []money.Fen{0, -100} {
			err := do(t, d, func(ctx context.Context, tx *db.Tx) error {
				_, _, err := ledger.Commit(ctx, tx, lg, user, ledger.Move{Key: "m", From: "budget:program:1", To: "commit:application:1", Amount: a})
				return err
			})
			if i18n.ErrorCode(err) != i18n.Invalid || !hasKey(err, "ledger.amount_positive") {
				t.Errorf("commit %d: err = %v", a, err)
			}
		}
		for in, key := range map[string]string{"1.005": "money.too_precise", "-3": "money.negative", "0": "ledger.amount_positive", "abc": "money.invalid"} {
			if _, err := ledger.ParseAmount(in); i18n.ErrorCode(err) != i18n.Invalid || !hasKey(err, key) {
				t.Errorf("ParseAmount(%q) = %v, want %s", in, err, key)
			}
		}
		if f, err := ledger.ParseAmount("1,234.56"); err != nil || f != 123456 {
			t.Errorf("ParseAmount = %d, %v", f, err)
		}
		if got := snap(t, d); got != before {
			t.Fatalf("something was written: %+v -> %+v", before, got)
		}
		mustVerify(t, d)
	})
}

func TestOpen(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		var id1, id2 int64
		err := do(t, d, func(ctx context.Context, tx *db.Tx) error {
			var err error
			if id1, err = ledger.Open(ctx, tx, ledger.Account{Code: "budget:program:9", Kind: ledger.Asset, FloorZero: true}); err != nil {
				return err
			}
			id2, err = ledger.Open(ctx, tx, ledger.Account{Code: "budget:program:9", Kind: ledger.Asset, FloorZero: true})
			return err
		})
		if err != nil || id1 != id2 || id1 == 0 {
			t.Fatalf("open twice: %d %d %v", id1, id2, err)
		}
		err = do(t, d, func(ctx context.Context, tx *db.Tx) error {
			_, err := ledger.Open(ctx, tx, ledger.Account{Code: "budget:program:9", Kind: ledger.Liability})
			return err
		})
		if i18n.ErrorCode(err) != i18n.Conflict {
			t.Fatalf("open with other kind: %v", err)
		}
		err = do(t, d, func(ctx context.Context, tx *db.Tx) error {
			_, err := ledger.Open(ctx, tx, ledger.Account{Code: "x", Kind: "cash"})
			return err
		})
		if !hasKey(err, "ledger.bad_kind") {
			t.Fatalf("bad kind: %v", err)
		}
	})
}

func TestIdempotency(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		lg := newLog(t)
		chart(t, d, lg, 1_000_000)
		m := ledger.Move{Key: "commit-a1", From: "budget:program:1", To: "commit:application:1", Amount: 300_000, ObjectType: "application", ObjectID: "1"}
		commit := func(m ledger.Move) (id int64, replay bool, err error) {
			err = do(t, d, func(ctx context.Context, tx *db.Tx) error {
				id, replay, err = ledger.Commit(ctx, tx, lg, user, m)
				return err
			})
			return
		}
		id, replay, err := commit(m)
		if err != nil || replay {
			t.Fatalf("first: %d %v %v", id, replay, err)
		}
		before := snap(t, d)
		id2, replay, err := commit(m)
		if err != nil || !replay || id2 != id {
			t.Fatalf("retry: %d %v %v, want %d replay", id2, replay, err, id)
		}
		if got := snap(t, d); got != before {
			t.Fatalf("retry wrote: %+v -> %+v", before, got)
		}
		m2 := m
		m2.Amount = 300_001
		if _, _, err := commit(m2); i18n.ErrorCode(err) != i18n.Conflict || !hasKey(err, "ledger.key_reused") {
			t.Fatalf("same key other amount: %v", err)
		}
		m3 := m
		m3.To = "commit:application:2"
		if _, _, err := commit(m3); i18n.ErrorCode(err) != i18n.Conflict {
			t.Fatalf("same key other account: %v", err)
		}
		if got := snap(t, d); got != before {
			t.Fatalf("conflict wrote: %+v -> %+v", before, got)
		}
		if b := bal(t, d, "budget:program:1"); b != 700_000 {
			t.Fatalf("budget = %d", b)
		}
		mustVerify(t, d)
	})
}

func TestReverse(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		lg := newLog(t)
		chart(t, d, lg, 1_000_000)
		var cid, pid int64
		err := do(t, d, func(ctx context.Context, tx *db.Tx) error {
			var err error
			if cid, _, err = ledger.Commit(ctx, tx, lg, user, ledger.Move{Key: "c", From: "budget:program:1", To: "commit:application:1", Amount: 500_000}); err != nil {
				return err
			}
			pid, _, err = ledger.MakePayable(ctx, tx, lg, user, ledger.Move{Key: "p", From: "commit:application:1", To: "payable:enterprise:1", Amount: 200_000})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		reverse := func(id int64, key, reason string) (rid int64, replay bool, err error) {
			err = do(t, d, func(ctx context.Context, tx *db.Tx) error {
				rid, replay, err = ledger.Reverse(ctx, tx, lg, user, id, key, reason)
				return err
			})
			return
		}
		// The commitment cannot be reversed while part of it is payable:
		// the commit account would go negative.
		if _, _, err := reverse(cid, "r-c", "wrong application"); !hasKey(err, "ledger.insufficient") {
			t.Fatalf("reverse commit with payable outstanding: %v", err)
		}
		if _, _, err := reverse(pid, "r-p", ""); !hasKey(err, "error.required") {
			t.Fatalf("reverse without reason: %v", err)
		}
		rp, replay, err := reverse(pid, "r-p", "entered twice")
		if err != nil || replay {
			t.Fatalf("reverse payable: %v", err)
		}
		if again, replay, err := reverse(pid, "r-p", "entered twice"); err != nil || !replay || again != rp {
			t.Fatalf("reverse retried: %d %v %v", again, replay, err)
		}
		if _, _, err := reverse(pid, "r-p2", "again"); i18n.ErrorCode(err) != i18n.Conflict || !hasKey(err, "ledger.already_reversed") {
			t.Fatalf("second reversal: %v", err)
		}
		if _, _, err := reverse(rp, "r-rp", "undo"); !hasKey(err, "ledger.reversal_of_reversal") {
			t.Fatalf("reversal of reversal: %v", err)
		}
		if _, _, err := reverse(cid, "r-c", "wrong application"); err != nil {
			t.Fatalf("reverse commit: %v", err)
		}
		for code, want := range map[string]money.Fen{"budget:program:1": 1_000_000, "commit:application:1": 0, "payable:enterprise:1": 0} {
			if b := bal(t, d, code); b != want {
				t.Errorf("%s = %d, want %d", code, b, want)
			}
		}
		st, total, err := ledger.Statement(t.Context(), d, "commit:application:1", 10, 0)
		if err != nil || total != 4 || len(st) != 4 || st[0].Reverses != cid || st[0].Amount != -500_000 {
			t.Fatalf("statement: %d %+v %v", total, st, err)
		}
		// Postings and the kept balance of every account agree; the audit
		// chain got one event per transaction.
		r := mustVerify(t, d)
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action = 'ledger.post'`); n != r.Transactions {
			t.Fatalf("audit events %d, transactions %d", n, r.Transactions)
		}
	})
}

func TestFloors(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		lg := newLog(t)
		chart(t, d, lg, 100_000)
		before := snap(t, d)
		err := do(t, d, func(ctx context.Context, tx *db.Tx) error {
			_, _, err := ledger.Commit(ctx, tx, lg, user, ledger.Move{Key: "c", From: "budget:program:1", To: "commit:application:1", Amount: 100_001})
			return err
		})
		if i18n.ErrorCode(err) != i18n.Conflict || !hasKey(err, "ledger.insufficient") {
			t.Fatalf("over-commit: %v", err)
		}
		if e, _ := errors.AsType[*i18n.Error](err); e == nil || len(e.Args) != 1 || e.Args[0] != "budget:program:1" {
			t.Fatalf("over-commit names %v", err)
		}
		if got := snap(t, d); got != before {
			t.Fatalf("over-commit wrote: %+v -> %+v", before, got)
		}
		// Commit 60,000, make 60,000 payable, pay 60,000; paying or making
		// payable one fen more is refused, and a failing step in a
		// business transaction takes the earlier steps with it.
		err = do(t, d, func(ctx context.Context, tx *db.Tx) error {
			for _, s := range []struct {
				f func(context.Context, *db.Tx, *audit.Log, *auth.User, ledger.Move) (int64, bool, error)
				m ledger.Move
			}{
				{ledger.Commit, ledger.Move{Key: "c1", From: "budget:program:1", To: "commit:application:1", Amount: 60_000}},
				{ledger.MakePayable, ledger.Move{Key: "p1", From: "commit:application:1", To: "payable:enterprise:1", Amount: 60_000}},
				{ledger.Pay, ledger.Move{Key: "y1", From: "payable:enterprise:1", To: "paid:enterprise:1", Amount: 60_000}},
			} {
				if _, _, err := s.f(ctx, tx, lg, user, s.m); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		before = snap(t, d)
		for _, s := range []struct {
			name string
			f    func(context.Context, *db.Tx, *audit.Log, *auth.User, ledger.Move) (int64, bool, error)
			m    ledger.Move
		}{
			{"over-pay", ledger.Pay, ledger.Move{Key: "y2", From: "payable:enterprise:1", To: "paid:enterprise:1", Amount: 1}},
			{"over-payable", ledger.MakePayable, ledger.Move{Key: "p2", From: "commit:application:1", To: "payable:enterprise:1", Amount: 1}},
			{"over-release", ledger.Release, ledger.Move{Key: "r2", From: "commit:application:1", To: "budget:program:1", Amount: 1}},
		} {
			err := do(t, d, func(ctx context.Context, tx *db.Tx) error {
				_, _, err := s.f(ctx, tx, lg, user, s.m)
				return err
			})
			if !hasKey(err, "ledger.insufficient") {
				t.Errorf("%s: %v", s.name, err)
			}
		}
		// A business transaction whose second move overdraws rolls the
		// first back too.
		err = do(t, d, func(ctx context.Context, tx *db.Tx) error {
			if _, _, err := ledger.Commit(ctx, tx, lg, user, ledger.Move{Key: "c3", From: "budget:program:1", To: "commit:application:2", Amount: 40_000}); err != nil {
				return err
			}
			_, _, err := ledger.MakePayable(ctx, tx, lg, user, ledger.Move{Key: "p3", From: "commit:application:2", To: "payable:enterprise:2", Amount: 40_001})
			return err
		})
		if !hasKey(err, "ledger.insufficient") {
			t.Fatalf("second move: %v", err)
		}
		if got := snap(t, d); got != before {
			t.Fatalf("refused moves wrote: %+v -> %+v", before, got)
		}
		if b := bal(t, d, "budget:program:1"); b != 40_000 {
			t.Fatalf("budget = %d", b)
		}
		// A non-floored account may go below zero.
		if _, _, err := post(t, d, lg, ledger.Entry{Key: "s", Kind: "adjust", Lines: []ledger.Line{{AccountCode: "suspense", Amount: 5}, {AccountCode: "budget:program:1", Amount: -5}}}); err != nil {
			t.Fatal(err)
		}
		if b := bal(t, d, "suspense"); b != -5 {
			t.Fatalf("suspense = %d", b)
		}
		mustVerify(t, d)
	})
}

// TestVerifyFindsTampering changes a kept balance and a posting behind the
// ledger's back and expects Verify to name both.
func TestVerifyFindsTampering(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		lg := newLog(t)
		chart(t, d, lg, 1_000)
		if _, err := d.ExecContext(t.Context(), `UPDATE ledger_accounts SET balance = balance + 1 WHERE code = 'budget:program:1'`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(t.Context(), `UPDATE ledger_postings SET amount = amount + 7 WHERE id = (SELECT MIN(id) FROM ledger_postings)`); err != nil {
			t.Fatal(err)
		}
		r, err := ledger.Verify(t.Context(), d)
		if err != nil {
			t.Fatal(err)
		}
		if r.OK() || len(r.Unbalanced) != 1 || r.Unbalanced[0].Sum != 7 || len(r.Mismatches) == 0 {
			t.Fatalf("verify after tampering: %+v", r)
		}
		found := false
		for _, m := range r.Mismatches {
			found = found || m.Code == "budget:program:1"
		}
		if !found {
			t.Fatalf("budget mismatch not reported: %+v", r)
		}
	})
}

// TestProperty runs seeded random sequences of fund, commit, make payable,
// pay, release, reverse and invalid posts against a model, checking every
// invariant after each step.
func TestProperty(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		steps := 300
		if testing.Short() {
			steps = 60
		}
		for _, seed := range []uint64{1, 2} {
			t.Run(fmt.Sprint(seed), func(t *testing.T) { property(t, d, seed, steps) })
		}
	})
}

func property(t *testing.T, d *db.DB, seed uint64, steps int) {
	ctx := t.Context()
	lg := newLog(t)
	pfx := fmt.Sprintf("s%d:", seed)
	fundC, budgetC := fmt.Sprintf("fund:s%d", seed), fmt.Sprintf("budget:s%d", seed)
	acct := func(stage string, i int) string { return fmt.Sprintf("%s:s%d:%d", stage, seed, i) }
	apps := 3
	codes := []string{fundC, budgetC}
	kinds := map[string]ledger.Kind{fundC: ledger.Equity, budgetC: ledger.Asset}
	for i := range apps {
		for _, c := range []string{"commit", "payable", "paid"} {
			code := acct(c, i)
			codes = append(codes, code)
			kinds[code] = ledger.Asset
			if c == "paid" {
				kinds[code] = ledger.Expense
			}
		}
	}
	err := do(t, d, func(ctx context.Context, tx *db.Tx) error {
		for _, c := range codes {
			if _, err := ledger.Open(ctx, tx, ledger.Account{Code: c, Kind: kinds[c], FloorZero: kinds[c] != ledger.Expense,
				RegionCode: "341204", Purpose: purposeOf(c, budgetC)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	model := map[string]money.Fen{}             // expected balances
	type posted struct{ lines []ledger.Line }   // what a transaction did
	txs := map[int64]posted{}                   // reversible transactions
	reversed := map[int64]bool{}                //
	var funded, committed, paid money.Fen       // cumulative, net of reversals and releases
	r := rand.New(rand.NewPCG(seed, seed*7919)) //
	fl := func(c string) bool { return kinds[c] != ledger.Expense }
	apply := func(lines []ledger.Line, sign money.Fen) {
		for _, l := range lines {
			model[l.AccountCode] += sign * l.Amount * money.Fen(kinds[l.AccountCode].NormalSign())
		}
	}
	fits := func(lines []ledger.Line) bool {
		for _, l := range lines {
			if fl(l.AccountCode) && model[l.AccountCode]+l.Amount*money.Fen(kinds[l.AccountCode].NormalSign()) < 0 {
				return false
			}
		}
		return true
	}
	track := func(kind string, m ledger.Move, sign money.Fen) {
		switch kind {
		case ledger.KindFund:
			funded += sign * m.Amount
		case ledger.KindCommit:
			committed += sign * m.Amount
		case ledger.KindRelease:
			committed -= sign * m.Amount
		case ledger.KindPay:
			paid += sign * m.Amount
		}
	}
	kindOf := map[int64]string{}
	moveOf := map[int64]ledger.Move{}
	for step := range steps {
		key := fmt.Sprintf("%sk%d", pfx, step)
		a := r.IntN(apps)
		amt := money.Fen(1 + r.IntN(50_000))
		var kind string
		var m ledger.Move
		var f func(context.Context, *db.Tx, *audit.Log, *auth.User, ledger.Move) (int64, bool, error)
		op := r.IntN(10)
		switch op {
		case 0:
			kind, f, m = ledger.KindFund, ledger.Fund, ledger.Move{From: fundC, To: budgetC, Amount: amt * 3}
		case 1, 2:
			kind, f, m = ledger.KindCommit, ledger.Commit, ledger.Move{From: budgetC, To: acct("commit", a), Amount: amt}
		case 3, 4:
			kind, f, m = ledger.KindMakePayable, ledger.MakePayable, ledger.Move{From: acct("commit", a), To: acct("payable", a), Amount: amt}
		case 5, 6:
			kind, f, m = ledger.KindPay, ledger.Pay, ledger.Move{From: acct("payable", a), To: acct("paid", a), Amount: amt}
		case 7:
			kind, f, m = ledger.KindRelease, ledger.Release, ledger.Move{From: acct("commit", a), To: budgetC, Amount: amt}
		}
		m.Key = key
		switch {
		case f != nil:
			lines := []ledger.Line{{AccountCode: m.To, Amount: m.Amount}, {AccountCode: m.From, Amount: -m.Amount}}
			want := fits(lines)
			var id int64
			err := do(t, d, func(ctx context.Context, tx *db.Tx) error {
				var err error
				id, _, err = f(ctx, tx, lg, user, m)
				return err
			})
			if want != (err == nil) || (err != nil && !hasKey(err, "ledger.insufficient")) {
				t.Fatalf("step %d %s %+v: err = %v, model says fits=%v (model %v)", step, kind, m, err, want, model)
			}
			if err == nil {
				apply(lines, 1)
				txs[id] = posted{lines}
				kindOf[id], moveOf[id] = kind, m
				track(kind, m, 1)
				// A retry replays.
				if r.IntN(4) == 0 {
					var id2 int64
					var replay bool
					err := do(t, d, func(ctx context.Context, tx *db.Tx) error {
						var err error
						id2, replay, err = f(ctx, tx, lg, user, m)
						return err
					})
					if err != nil || !replay || id2 != id {
						t.Fatalf("step %d retry: %d %v %v", step, id2, replay, err)
					}
				}
			}
		case op == 8 && len(txs) > 0:
			ids := make([]int64, 0, len(txs))
			for id := range txs {
				ids = append(ids, id)
			}
			minID := ids[0]
			for _, id := range ids {
				minID = min(minID, id)
			}
			id := ids[r.IntN(len(ids))]
			inv := make([]ledger.Line, len(txs[id].lines))
			for i, l := range txs[id].lines {
				inv[i] = ledger.Line{AccountCode: l.AccountCode, Amount: -l.Amount}
			}
			want := !reversed[id] && fits(inv)
			err := do(t, d, func(ctx context.Context, tx *db.Tx) error {
				_, _, err := ledger.Reverse(ctx, tx, lg, user, id, key, "random reversal")
				return err
			})
			if want != (err == nil) {
				t.Fatalf("step %d reverse %d: err = %v, model says %v", step, id, err, want)
			}
			if err == nil {
				apply(txs[id].lines, -1)
				reversed[id] = true
				track(kindOf[id], moveOf[id], -1)
			}
		default:
			// An invalid entry: unbalanced by one fen.
			_, _, err := post(t, d, lg, ledger.Entry{Key: key, Kind: "bad", Lines: []ledger.Line{{AccountCode: budgetC, Amount: -amt}, {AccountCode: acct("commit", a), Amount: amt + 1}}})
			if i18n.ErrorCode(err) != i18n.Invalid {
				t.Fatalf("step %d unbalanced: %v", step, err)
			}
		}
		// Invariants after every step.
		mustVerify(t, d)
		for _, c := range codes {
			b := bal(t, d, c)
			if b != model[c] {
				t.Fatalf("step %d: %s = %d, model %d", step, c, b, model[c])
			}
			if fl(c) && b < 0 {
				t.Fatalf("step %d: floored %s negative: %d", step, c, b)
			}
		}
		var commitSide, paidSide money.Fen
		for i := range apps {
			commitSide += bal(t, d, acct("commit", i)) + bal(t, d, acct("payable", i)) + bal(t, d, acct("paid", i))
			paidSide += bal(t, d, acct("paid", i))
		}
		budget := bal(t, d, budgetC)
		fund := bal(t, d, fundC)
		if fund != budget+commitSide {
			t.Fatalf("step %d: fund %d != budget %d + committed %d", step, fund, budget, commitSide)
		}
		if !(fund >= commitSide && commitSide >= paidSide && paidSide >= 0) {
			t.Fatalf("step %d: funded %d ≥ committed %d ≥ paid %d violated", step, fund, commitSide, paidSide)
		}
		if funded != fund || paid != paidSide {
			t.Fatalf("step %d: model funded %d paid %d, ledger %d %d", step, funded, paid, fund, paidSide)
		}
		// The finance view of the budget line tells the same.
		if step%10 == 9 || step == steps-1 {
			line := budgetLine(t, d, budgetC)
			want := ledger.Budget{Code: budgetC, Name: budgetC, RegionCode: "341204", Appropriated: funded, Available: budget,
				Committed: commitSum(t, d, acct, "commit", apps), Payable: commitSum(t, d, acct, "payable", apps), Paid: paid}
			if line != want || !line.Balanced() {
				t.Fatalf("step %d: finance view %+v, want %+v", step, line, want)
			}
			if rec, err := ledger.Reconcile(ctx, d, financeScope); err != nil || !rec.OK() {
				t.Fatalf("step %d: reconciliation %+v (%v)", step, rec, err)
			}
		}
	}
	_ = committed
	if n := count(t, d, `SELECT COUNT(*) FROM ledger_transactions t WHERE (SELECT SUM(amount) FROM ledger_postings p WHERE p.transaction_id = t.id) <> 0`); n != 0 {
		t.Fatalf("%d unbalanced transactions", n)
	}
	_ = ctx
}

// purposeOf is the budget line of a test account: fund and paid accounts
// have none.
func purposeOf(code, budget string) string {
	if s := ledger.Stage(code); s == "fund" || s == "paid" {
		return ""
	}
	return budget
}

var financeScope = auth.Scope{Regions: []string{"341204"}}

func budgetLine(t *testing.T, d *db.DB, code string) ledger.Budget {
	t.Helper()
	lines, err := ledger.Budgets(t.Context(), d, financeScope)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if l.Code == code {
			return l
		}
	}
	t.Fatalf("no budget line %s in %+v", code, lines)
	return ledger.Budget{}
}

func commitSum(t *testing.T, d *db.DB, acct func(string, int) string, stage string, n int) money.Fen {
	var s money.Fen
	for i := range n {
		s += bal(t, d, acct(stage, i))
	}
	return s
}

// TestConcurrentCommits: 200 goroutines each commit 10,000 fen against a
// budget of 1,000,000 fen with distinct keys: exactly 100 succeed.
func TestConcurrentCommits(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		lg := newLog(t)
		chart(t, d, lg, 1_000_000)
		const n = 200
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				errs[i] = d.InTx(t.Context(), func(tx *db.Tx) error {
					_, _, err := ledger.Commit(t.Context(), tx, lg, user, ledger.Move{
						Key: fmt.Sprintf("approve-%d", i), From: "budget:program:1", To: "commit:application:1", Amount: 10_000,
						ObjectType: "application", ObjectID: fmt.Sprint(i)})
					return err
				})
			})
		}
		wg.Wait()
		ok, short := 0, 0
		for i, err := range errs {
			switch {
			case err == nil:
				ok++
			case hasKey(err, "ledger.insufficient") && i18n.ErrorCode(err) == i18n.Conflict:
				short++
			default:
				t.Errorf("goroutine %d: %v", i, err)
			}
		}
		if ok != 100 || short != 100 {
			t.Fatalf("succeeded %d, insufficient %d; want 100 and 100", ok, short)
		}
		if b := bal(t, d, "budget:program:1"); b != 0 {
			t.Fatalf("budget = %d, want 0", b)
		}
		if b := bal(t, d, "commit:application:1"); b != 1_000_000 {
			t.Fatalf("committed = %d", b)
		}
		mustVerify(t, d)
	})
}

// TestConcurrentSameKey: 200 goroutines retry the same request: one effect.
func TestConcurrentSameKey(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		lg := newLog(t)
		chart(t, d, lg, 1_000_000)
		const n = 200
		var wg sync.WaitGroup
		ids := make([]int64, n)
		replays := make([]bool, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				errs[i] = d.InTx(t.Context(), func(tx *db.Tx) error {
					var err error
					ids[i], replays[i], err = ledger.Commit(t.Context(), tx, lg, user, ledger.Move{
						Key: "approve-once", From: "budget:program:1", To: "commit:application:1", Amount: 10_000})
					return err
				})
			})
		}
		wg.Wait()
		firsts := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("goroutine %d: %v", i, errs[i])
			}
			if ids[i] != ids[0] {
				t.Fatalf("goroutine %d got transaction %d, others %d", i, ids[i], ids[0])
			}
			if !replays[i] {
				firsts++
			}
		}
		if firsts != 1 {
			t.Fatalf("%d first uses, want 1", firsts)
		}
		if b := bal(t, d, "budget:program:1"); b != 990_000 {
			t.Fatalf("budget = %d, want 990000", b)
		}
		if c := count(t, d, `SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'commit'`); c != 1 {
			t.Fatalf("%d commit transactions", c)
		}
		mustVerify(t, d)
	})
}

// TestFinanceViews: the budget lines, fund sources, payables due and the
// reconciliation of a small chart, and what the reconciliation catches.
func TestFinanceViews(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		lg := newLog(t)
		open := func(code string, kind ledger.Kind, purpose string) {
			t.Helper()
			if err := do(t, d, func(ctx context.Context, tx *db.Tx) error {
				_, err := ledger.Open(ctx, tx, ledger.Account{Code: code, Name: code, Kind: kind, FloorZero: kind != ledger.Expense, RegionCode: "341204", Purpose: purpose})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		move := func(f func(context.Context, *db.Tx, *audit.Log, *auth.User, ledger.Move) (int64, bool, error), key, from, to string, amt money.Fen) {
			t.Helper()
			if err := do(t, d, func(ctx context.Context, tx *db.Tx) error {
				_, _, err := f(ctx, tx, lg, user, ledger.Move{Key: key, From: from, To: to, Amount: amt})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		open("fund:341204:2026", ledger.Equity, "")
		open("paid:341204:2026", ledger.Expense, "")
		for _, line := range []string{"budget:call:1", "budget:call:2"} {
			open(line, ledger.Asset, line)
		}
		open("commit:application:1", ledger.Asset, "budget:call:1")
		open("payable:application:1", ledger.Asset, "budget:call:1")
		move(ledger.Fund, "f1", "fund:341204:2026", "budget:call:1", 1_000_000)
		move(ledger.Fund, "f2", "fund:341204:2026", "budget:call:2", 500_000)
		move(ledger.Commit, "c1", "budget:call:1", "commit:application:1", 400_000)
		move(ledger.MakePayable, "p1", "commit:application:1", "payable:application:1", 240_000)
		move(ledger.Pay, "y1", "payable:application:1", "paid:341204:2026", 100_000)

		got, err := ledger.Budgets(t.Context(), d, financeScope)
		if err != nil {
			t.Fatal(err)
		}
		want := []ledger.Budget{
			{Code: "budget:call:1", Name: "budget:call:1", RegionCode: "341204", Appropriated: 1_000_000, Available: 600_000, Committed: 160_000, Payable: 140_000, Paid: 100_000},
			{Code: "budget:call:2", Name: "budget:call:2", RegionCode: "341204", Appropriated: 500_000, Available: 500_000},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("budgets (-want +got):\n%s", diff)
		}
		funds, err := ledger.FundSources(t.Context(), d, financeScope)
		if err != nil || len(funds) != 1 || funds[0].Appropriated != 1_500_000 || funds[0].Paid != 100_000 || funds[0].Year != 2026 || funds[0].Outstanding() != 1_400_000 {
			t.Errorf("fund sources %+v (%v)", funds, err)
		}
		due, err := ledger.Payables(t.Context(), d, financeScope)
		if err != nil || len(due) != 1 || due[0].Amount != 140_000 || due[0].Budget != "budget:call:1" || due[0].Since.IsZero() {
			t.Fatalf("payables %+v (%v)", due, err)
		}
		if typ, id := due[0].Object(); typ != "application" || id != "1" {
			t.Errorf("object %s %s", typ, id)
		}
		rec, err := ledger.Reconcile(t.Context(), d, financeScope)
		if err != nil || !rec.OK() || rec.Funds != 1_500_000 || rec.Budgets != 1_100_000 || rec.Commitments != 160_000 || rec.Payables != 140_000 || rec.Paid != 100_000 {
			t.Errorf("reconciliation %+v (%v)", rec, err)
		}
		// An enterprise's scope sees none of it.
		if b, err := ledger.Budgets(t.Context(), d, auth.Scope{EnterpriseID: 1}); err != nil || len(b) != 0 {
			t.Errorf("enterprise scope: %+v (%v)", b, err)
		}

		// Money moved across budget lines, and an account of no line: the
		// reconciliation names both.
		open("commit:application:2", ledger.Asset, "budget:call:1")
		move(ledger.Commit, "c2", "budget:call:2", "commit:application:2", 50_000)
		open("payable:stray:1", ledger.Asset, "")
		rec, err = ledger.Reconcile(t.Context(), d, financeScope)
		if err != nil || rec.OK() || !slices.Equal(rec.Unbalanced, []string{"budget:call:1", "budget:call:2"}) || !slices.Equal(rec.Unassigned, []string{"payable:stray:1"}) {
			t.Errorf("reconciliation after a cross-line move: %+v (%v)", rec, err)
		}
		if rec.Difference() != 0 {
			t.Errorf("the trial balance itself still holds: %d", rec.Difference())
		}
	})
}
