package program

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/ledger"
	"kejiju/internal/money"
)

// Programme money in the ledger (see the ledger package for the mechanism).
//
//	fund:<region>:<year>       equity,  floored  what the district appropriated to its calls of the year (下达资金)
//	budget:call:<call>         asset,   floored  a call's money not yet committed to a contract
//	commit:application:<app>   asset,   floored  a signed contract's grant not yet payable
//	payable:application:<app>  asset,   floored  installments due and not yet paid
//	paid:<region>:<year>       expense           installments paid out of the calls of the year
//
// The moves and when they happen, each in the same transaction as the
// business change it belongs to:
//
//	Appropriate       Fund        fund → budget:call       "program.fund:<call>:<form token>"
//	sign_contract     Commit      budget → commit          "program.commit:<app>"
//	installment due   MakePayable commit → payable         "program.payable:<app>:<seq>"
//	pay               Pay         payable → paid           "program.pay:<app>:<seq>"
//	fail_acceptance,  reclaim     payable → commit         "program.reclaim:<app>:<seq>" (due, unpaid)
//	terminate, revoke Release     commit → budget:call     "program.release:<app>"
//
// The fund account is the ledger's floored equity: a Fund credits it, so
// its balance grows with every appropriation and is the total the district
// made available; nothing else moves it, so its floor never bites. The
// region and year of the fund and paid accounts are the call's.
// The budget floor refuses an over-commitment (signing is refused with
// "program.funds.insufficient" and nothing changes), the commitment floor
// an installment beyond the grant, the payable floor a payment of what is
// not due. The keys are deterministic per business event (the
// appropriation's by its form token) so a retried transition or a double
// submit is one effect. Money already paid stays paid when a project fails
// or is terminated: reclaiming it from the enterprise is out of scope.

// The account codes.
func fundAccount(region string, year int) string { return ledger.FundAccount(region, year).Code }
func budgetAccount(callID int64) string          { return "budget:call:" + idOf(callID) }
func commitAccount(appID int64) string           { return "commit:application:" + idOf(appID) }
func payableAccount(appID int64) string          { return "payable:application:" + idOf(appID) }
func paidAccount(region string, year int) string { return ledger.PaidAccount(region, year).Code }

// MayFund reports whether u appropriates money to calls: finance
// (PermFinancePay), which posts every money move of the bureau; the
// director's decision to appropriate reaches the ledger through finance.
func MayFund(u *auth.User) bool {
	return u != nil && u.MayWrite() == nil && u.Can(auth.PermFinancePay) && !u.IsEnterprise()
}

// FundInput is an appropriation to a call's budget (下达资金).
type FundInput struct {
	// Amount is typed in 元 (or 万元 with the unit), positive, in whole fen.
	Amount string `json:"amount"`
	Reason string `json:"reason"`
	// Key is the form's token: a double submit with the same key is one
	// appropriation.
	Key string `json:"key"`
}

// CallFunds is the money of a call: its budget account's balance, what was
// appropriated to it and is not committed to a contract.
type CallFunds struct {
	Available money.Fen `json:"available"`
}

// AppFunds is the money of a signed contract: committed and not yet
// payable, payable and not yet paid, paid.
type AppFunds struct {
	Committed money.Fen `json:"committed"`
	Payable   money.Fen `json:"payable"`
	Paid      money.Fen `json:"paid"`
}

// balance reads an account's balance; an account never opened holds 0.
func balance(ctx context.Context, q db.Querier, code string) (money.Fen, error) {
	b, err := ledger.Balance(ctx, q, code)
	if i18n.ErrorCode(err) == i18n.NotFound {
		return 0, nil
	}
	return b, err
}

// Appropriate funds the budget of a call from the district's fund of the
// call's year, for u (finance, see MayFund). A bad amount (negative, zero,
// a fraction of a fen) or a missing reason is a field error and nothing is
// posted. It returns the call's money after the appropriation.
func (s *Service) Appropriate(ctx context.Context, u *auth.User, callID int64, in FundInput) (*CallFunds, error) {
	if err := u.MayWrite(); err != nil {
		return nil, err
	}
	if !MayFund(u) {
		return nil, i18n.E(i18n.Forbidden, "error.forbidden")
	}
	var p i18n.Problems
	amount, err := ledger.ParseAmount(in.Amount)
	if err != nil {
		p.AddErr("ledger_amount", err)
	}
	in.Reason = clean(in.Reason)
	if in.Reason == "" {
		p.Add("fund_reason", "error.required")
	} else if tooLong(in.Reason, maxRef*4) {
		p.Add("fund_reason", "error.too_long", maxRef*4)
	}
	in.Key = strings.TrimSpace(in.Key)
	if in.Key == "" {
		in.Key = rand.Text()
	} else if len(in.Key) > 64 {
		p.Add("key", "error.too_long", 64)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.getCall(ctx, tx, u, callID)
		if err != nil {
			return err
		}
		if err := openCallAccounts(ctx, tx, c); err != nil {
			return err
		}
		_, _, err = ledger.Fund(ctx, tx, s.Audit, u, ledger.Move{Key: "program.fund:" + idOf(c.ID) + ":" + in.Key,
			From: fundAccount(c.RegionCode, c.Year), To: budgetAccount(c.ID), Amount: amount,
			ObjectType: "program_call", ObjectID: idOf(c.ID), Memo: in.Reason})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Funds(ctx, u, callID)
}

// Funds returns the money of a call u may see.
func (s *Service) Funds(ctx context.Context, u *auth.User, callID int64) (*CallFunds, error) {
	c, err := s.getCall(ctx, s.DB, u, callID)
	if err != nil {
		return nil, err
	}
	return callFunds(ctx, s.DB, c.ID)
}

func callFunds(ctx context.Context, q db.Querier, callID int64) (*CallFunds, error) {
	b, err := balance(ctx, q, budgetAccount(callID))
	if err != nil {
		return nil, err
	}
	return &CallFunds{Available: b}, nil
}

// appFunds reads the money of application a.
func appFunds(ctx context.Context, q db.Querier, a *Application) (*AppFunds, error) {
	f := &AppFunds{}
	var err error
	if f.Committed, err = balance(ctx, q, commitAccount(a.ID)); err != nil {
		return nil, err
	}
	if f.Payable, err = balance(ctx, q, payableAccount(a.ID)); err != nil {
		return nil, err
	}
	for _, i := range a.Installments {
		if i.Status == InstPaid {
			f.Paid += i.Amount
		}
	}
	return f, nil
}

func openCallAccounts(ctx context.Context, tx *db.Tx, c *Call) error {
	for _, a := range []ledger.Account{
		ledger.FundAccount(c.RegionCode, c.Year),
		{Code: budgetAccount(c.ID), Name: "专项预算：" + c.Title, Kind: ledger.Asset, FloorZero: true, RegionCode: c.RegionCode, Purpose: budgetAccount(c.ID)},
	} {
		if _, err := ledger.Open(ctx, tx, a); err != nil {
			return err
		}
	}
	return nil
}

func openAppAccounts(ctx context.Context, tx *db.Tx, a *Application, c *Call) error {
	for _, acc := range []ledger.Account{
		{Code: budgetAccount(c.ID), Name: "专项预算：" + c.Title, Kind: ledger.Asset, FloorZero: true, RegionCode: c.RegionCode, Purpose: budgetAccount(c.ID)},
		{Code: commitAccount(a.ID), Name: "已承诺：" + a.EnterpriseName, Kind: ledger.Asset, FloorZero: true, RegionCode: c.RegionCode, Purpose: budgetAccount(c.ID)},
		{Code: payableAccount(a.ID), Name: "应拨付：" + a.EnterpriseName, Kind: ledger.Asset, FloorZero: true, RegionCode: c.RegionCode, Purpose: budgetAccount(c.ID)},
		ledger.PaidAccount(c.RegionCode, c.Year),
	} {
		if _, err := ledger.Open(ctx, tx, acc); err != nil {
			return err
		}
	}
	return nil
}

// commitGrant commits the contract budget of a (being signed) from its
// call's budget; too little budget is a Conflict naming the amounts.
func (s *Service) commitGrant(ctx context.Context, tx *db.Tx, u *auth.User, a *Application, c *Call) error {
	if err := openAppAccounts(ctx, tx, a, c); err != nil {
		return err
	}
	avail, err := balance(ctx, tx, budgetAccount(c.ID))
	if err != nil {
		return err
	}
	if avail < a.Budget {
		return i18n.E(i18n.Conflict, "program.funds.insufficient", money.FormatYuan(avail), money.FormatYuan(a.Budget))
	}
	_, _, err = ledger.Commit(ctx, tx, s.Audit, u, ledger.Move{Key: "program.commit:" + idOf(a.ID), From: budgetAccount(c.ID),
		To: commitAccount(a.ID), Amount: a.Budget, ObjectType: objectType, ObjectID: idOf(a.ID), Memo: "签订任务书"})
	if isKey(err, "ledger.insufficient") {
		return i18n.E(i18n.Conflict, "program.funds.insufficient", money.FormatYuan(avail), money.FormatYuan(a.Budget))
	}
	return err
}

// makePayable flips the planned installments of a due on the condition to
// payable, each moving its amount from the commitment to the payable.
func (s *Service) makePayable(ctx context.Context, tx *db.Tx, u *auth.User, a *Application, due string) error {
	for _, i := range a.Installments {
		if i.Due != due || i.Status != InstPlanned {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE program_installments SET status = $1 WHERE application_id = $2 AND seq = $3 AND status = $4`,
			InstPayable, a.ID, i.Seq, InstPlanned); err != nil {
			return db.Normalize(err)
		}
		if _, _, err := ledger.MakePayable(ctx, tx, s.Audit, u, ledger.Move{Key: instKey("program.payable", a.ID, i.Seq),
			From: commitAccount(a.ID), To: payableAccount(a.ID), Amount: i.Amount, ObjectType: objectType, ObjectID: idOf(a.ID),
			Memo: "第" + strconv.Itoa(i.Seq) + "期拨款到期"}); err != nil {
			return err
		}
	}
	return nil
}

// pay records the payment of installment seq of a.
func (s *Service) pay(ctx context.Context, tx *db.Tx, u *auth.User, a *Application, c *Call, in ActionInput) error {
	for _, i := range a.Installments {
		if i.Seq != in.Installment {
			continue
		}
		_, _, err := ledger.Pay(ctx, tx, s.Audit, u, ledger.Move{Key: instKey("program.pay", a.ID, i.Seq),
			From: payableAccount(a.ID), To: paidAccount(c.RegionCode, c.Year), Amount: i.Amount, ObjectType: objectType, ObjectID: idOf(a.ID),
			Memo: fmt.Sprintf("第%d期拨款 银行流水号 %s 拨付日期 %s", i.Seq, in.BankRef, in.PaidOn)})
		return err
	}
	return i18n.FieldError("installment", "program.pay.unknown")
}

// release returns what a stopped project (failed, terminated, revoked)
// still holds to its call's budget: each installment due and unpaid is
// reclaimed from the payable to the commitment, then the whole commitment
// is released. Paid money stays paid.
func (s *Service) release(ctx context.Context, tx *db.Tx, u *auth.User, a *Application, c *Call) error {
	for _, i := range a.Installments {
		if i.Status != InstPayable {
			continue
		}
		if _, _, err := ledger.Post(ctx, tx, s.Audit, u, ledger.Entry{Key: instKey("program.reclaim", a.ID, i.Seq), Kind: "reclaim",
			ObjectType: objectType, ObjectID: idOf(a.ID), Memo: fmt.Sprintf("第%d期拨款未拨付，收回", i.Seq),
			Lines: []ledger.Line{{AccountCode: commitAccount(a.ID), Amount: i.Amount}, {AccountCode: payableAccount(a.ID), Amount: -i.Amount}}}); err != nil {
			return err
		}
	}
	left, err := balance(ctx, tx, commitAccount(a.ID))
	if err != nil || left == 0 {
		return err
	}
	_, _, err = ledger.Release(ctx, tx, s.Audit, u, ledger.Move{Key: "program.release:" + idOf(a.ID), From: commitAccount(a.ID),
		To: budgetAccount(c.ID), Amount: left, ObjectType: objectType, ObjectID: idOf(a.ID), Memo: "项目终止，未拨付资金退回专项预算"})
	return err
}

func isKey(err error, k string) bool {
	var e *i18n.Error
	return errors.As(err, &e) && e.Key == k
}

func instKey(prefix string, appID int64, seq int) string {
	return prefix + ":" + idOf(appID) + ":" + strconv.Itoa(seq)
}
