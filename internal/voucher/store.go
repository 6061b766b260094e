package voucher

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/ledger"
	"kejiju/internal/money"
)

// Voucher money in the ledger (see the ledger package for the mechanism).
//
//	fund:<region>:<year>           equity, floored  the district's fund of the batch's year
//	budget:voucher-batch:<batch>   asset,  floored  batch budget not yet committed to a voucher
//	commit:voucher:<voucher>       asset,  floored  a voucher's face value not yet claimed
//	payable:voucher:<voucher>      asset,  floored  approved claims not yet paid
//	paid:<region>:<year>           expense          paid out
//
//	CreateBatch  Fund        fund → budget          "voucher.fund:<batch>"
//	Issue        Commit      budget → commit        "voucher.commit:<voucher>"
//	Approve      MakePayable commit → payable       "voucher.payable:<claim>"
//	Pay          Pay         payable → paid         "voucher.pay:<claim>"
//	Expire       Release     commit → budget        "voucher.release:<voucher>"
//
// Each move is posted in the same transaction as the business change and
// its audit event, with a key deterministic per business event, so a
// retried transaction is one effect.

func fundAccount(region string, year int) string { return ledger.FundAccount(region, year).Code }
func budgetAccount(batchID int64) string         { return "budget:voucher-batch:" + idOf(batchID) }
func commitAccount(voucherID int64) string       { return "commit:voucher:" + idOf(voucherID) }
func payableAccount(voucherID int64) string      { return "payable:voucher:" + idOf(voucherID) }
func idOf(id int64) string                       { return strconv.FormatInt(id, 10) }
func clean(s string) string                      { return strings.TrimSpace(s) }
func tooLong(s string, n int) bool               { return utf8.RuneCountInString(s) > n }
func jsonText(v any) string                      { b, _ := json.Marshal(v); return string(b) }
func today(tx *db.Tx) calendar.Date              { return calendar.FromTime(tx.Now, calendar.Shanghai) }
func isKey(err error, k string) bool {
	e, ok := errors.AsType[*i18n.Error](err)
	return ok && e.Key == k
}
func nonNil(s []string) []string             { return append([]string{}, s...) }
func lim(n int) int                          { return min(max(n, 0), 1000) }
func forbidden() error                       { return i18n.E(i18n.Forbidden, "error.forbidden") }
func notFound() error                        { return i18n.E(i18n.NotFound, "error.not_found") }
func dateOf(s string) (calendar.Date, error) { return calendar.Parse(clean(s)) }
func rowDate(s string) calendar.Date         { d, _ := calendar.Parse(s); return d }

const maxText = 200

// The object types in the audit log and the ledger.
const (
	objBatch   = "voucher_batch"
	objVoucher = "voucher"
	objClaim   = "voucher_claim"
)

// Service runs every read through the caller's data scope and every change
// in one transaction with its audit event and ledger postings.
//
// Who does what: the bureau's staff run batches, issue vouchers and approve
// claims — PermProgramManage, the permission of the staff who run the
// bureau's subsidy programmes (PermEnterpriseManage is about the registry
// of enterprises, not money); finance pays (PermFinancePay); an enterprise
// user applies and claims for its own enterprise (PermApply).
type Service struct {
	DB          *db.DB
	Audit       *audit.Log
	Enterprises Enterprises
}

// Holder is what the voucher area needs to know of the enterprise that
// applies for or holds a voucher: its name and district, and its side of
// the related-party check (shareholders come with the application).
type Holder struct {
	Name       string
	RegionCode string
	Party      Party
}

// Enterprises tells who an enterprise is; the enterprise area provides it
// (wired in app).
type Enterprises interface {
	// Holder returns the enterprise with id, or a NotFound error when it
	// does not exist or lies outside u's scope.
	Holder(ctx context.Context, u *auth.User, enterpriseID int64) (Holder, error)
}

func mayManage(u *auth.User) error {
	if err := u.MayWrite(); err != nil {
		return err
	}
	if !u.Can(auth.PermProgramManage) || u.IsEnterprise() {
		return forbidden()
	}
	return nil
}

func mayPay(u *auth.User) error {
	if err := u.MayWrite(); err != nil {
		return err
	}
	if !u.Can(auth.PermFinancePay) || u.IsEnterprise() {
		return forbidden()
	}
	return nil
}

func mayApply(u *auth.User) error {
	if err := u.MayWrite(); err != nil {
		return err
	}
	if !u.IsEnterprise() || !u.Can(auth.PermApply) || u.EnterpriseID == 0 {
		return forbidden()
	}
	return nil
}

// CanManage, CanPay and CanApply report the roles for the pages.
func CanManage(u *auth.User) bool { return mayManage(u) == nil }
func CanPay(u *auth.User) bool    { return mayPay(u) == nil }
func CanApply(u *auth.User) bool  { return mayApply(u) == nil }

// --- Batches ---

// Provider is a whitelisted service provider of a batch (高校、院所、检测机构).
type Provider struct {
	ID           int64    `json:"id"`
	CreditCode   string   `json:"credit_code"`
	Name         string   `json:"name"`
	LegalRep     string   `json:"legal_rep"`
	Shareholders []string `json:"shareholders"`
	Address      string   `json:"address"`
	Phone        string   `json:"phone"`
}

// Batch is a batch of vouchers.
type Batch struct {
	ID            int64         `json:"id"`
	RegionCode    string        `json:"region_code"`
	Year          int           `json:"year"`
	Title         string        `json:"title"`
	Budget        money.Fen     `json:"budget"`
	RateBP        int64         `json:"rate_bp"`
	EnterpriseCap money.Fen     `json:"enterprise_cap"`
	ClaimCap      money.Fen     `json:"claim_cap"`
	ValidFrom     calendar.Date `json:"valid_from"`
	ValidTo       calendar.Date `json:"valid_to"`
	Services      []string      `json:"services"`
	Providers     []Provider    `json:"providers"`
	// Available is the batch budget not committed to vouchers (ledger).
	Available money.Fen `json:"available"`
}

// RatePercent is the batch's rate in percent, for display (3500 → "35").
func (b *Batch) RatePercent() string {
	return strconv.FormatFloat(float64(b.RateBP)/100, 'f', -1, 64)
}

// BatchInput is what staff type for a new batch; amounts in 元 (or 万元).
type BatchInput struct {
	RegionCode    string     `json:"region_code"`
	Year          int        `json:"year"`
	Title         string     `json:"title"`
	Budget        string     `json:"budget"`
	RateBP        int64      `json:"rate_bp"` // 0 takes DefaultRateBP
	EnterpriseCap string     `json:"enterprise_cap"`
	ClaimCap      string     `json:"claim_cap"`
	ValidFrom     string     `json:"valid_from"`
	ValidTo       string     `json:"valid_to"`
	Services      []string   `json:"services"`
	Providers     []Provider `json:"providers"`
}

func amountField(p *i18n.Problems, field, s string) money.Fen {
	f, err := ledger.ParseAmount(s)
	if err != nil {
		p.AddErr(field, err)
	}
	return f
}

// CreateBatch records a batch and funds its budget from the district's fund
// of its year (a Fund move), in one transaction.
func (s *Service) CreateBatch(ctx context.Context, u *auth.User, in BatchInput) (*Batch, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var p i18n.Problems
	if in.RegionCode = clean(in.RegionCode); in.RegionCode == "" {
		in.RegionCode = u.RegionCode
	}
	if !u.Scope().Allows(in.RegionCode, 0) {
		p.Add("region_code", "voucher.batch.bad_region")
	}
	if in.Year < 2000 || in.Year > 2100 {
		p.Add("year", "error.invalid_value")
	}
	if in.Title = clean(in.Title); in.Title == "" {
		p.Add("title", "error.required")
	} else if tooLong(in.Title, maxText) {
		p.Add("title", "error.too_long", maxText)
	}
	budget := amountField(&p, "budget", in.Budget)
	if in.RateBP == 0 {
		in.RateBP = DefaultRateBP
	}
	if in.RateBP < MinRateBP || in.RateBP > MaxRateBP {
		p.Add("rate_bp", "voucher.batch.bad_rate", MinRateBP/100, MaxRateBP/100)
	}
	ecap := amountField(&p, "enterprise_cap", in.EnterpriseCap)
	ccap := amountField(&p, "claim_cap", in.ClaimCap)
	from, err1 := dateOf(in.ValidFrom)
	to, err2 := dateOf(in.ValidTo)
	if err1 != nil {
		p.Add("valid_from", "error.invalid_value")
	}
	if err2 != nil {
		p.Add("valid_to", "error.invalid_value")
	}
	if err1 == nil && err2 == nil && to.Before(from) {
		p.Add("valid_to", "voucher.batch.bad_validity")
	}
	var services []string
	for _, sv := range in.Services {
		if sv = clean(sv); sv != "" && !slices.Contains(services, sv) {
			services = append(services, sv)
		}
	}
	if len(services) == 0 {
		p.Add("services", "error.required")
	}
	if len(in.Providers) == 0 {
		p.Add("providers", "error.required")
	}
	seen := map[string]bool{}
	for i := range in.Providers {
		pr := &in.Providers[i]
		pr.CreditCode, pr.Name = strings.ToUpper(clean(pr.CreditCode)), clean(pr.Name)
		if pr.CreditCode == "" || pr.Name == "" || seen[pr.CreditCode] {
			p.Add("providers", "voucher.batch.bad_provider", i+1)
		}
		seen[pr.CreditCode] = true
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO voucher_batches (region_code, year, title, budget, rate_bp, enterprise_cap, claim_cap,
			valid_from, valid_to, services, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			in.RegionCode, in.Year, in.Title, budget, in.RateBP, ecap, ccap, from.String(), to.String(), jsonText(services), u.ID, tx.Now).Scan(&id); err != nil {
			return db.Normalize(err)
		}
		for _, pr := range in.Providers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO voucher_providers (batch_id, credit_code, name, legal_rep, shareholders, address, phone)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, pr.CreditCode, pr.Name, clean(pr.LegalRep), jsonText(nonNil(pr.Shareholders)),
				clean(pr.Address), clean(pr.Phone)); err != nil {
				return db.Normalize(err)
			}
		}
		for _, a := range []ledger.Account{
			ledger.FundAccount(in.RegionCode, in.Year),
			{Code: budgetAccount(id), Name: "创新券预算：" + in.Title, Kind: ledger.Asset, FloorZero: true, RegionCode: in.RegionCode, Purpose: budgetAccount(id)},
		} {
			if _, err := ledger.Open(ctx, tx, a); err != nil {
				return err
			}
		}
		if _, _, err := ledger.Fund(ctx, tx, s.Audit, u, ledger.Move{Key: "voucher.fund:" + idOf(id), From: fundAccount(in.RegionCode, in.Year),
			To: budgetAccount(id), Amount: budget, ObjectType: objBatch, ObjectID: idOf(id), Memo: "创新券批次预算：" + in.Title}); err != nil {
			return err
		}
		b, err := s.getBatch(ctx, tx, u, id)
		if err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "voucher.batch.create", ObjectType: objBatch, ObjectID: idOf(id),
			RegionCode: b.RegionCode, After: audit.JSON(b)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Batch(ctx, u, id)
}

const batchColumns = `b.id, b.region_code, b.year, b.title, b.budget, b.rate_bp, b.enterprise_cap, b.claim_cap, b.valid_from, b.valid_to, b.services`

func scanProvider(sc interface{ Scan(...any) error }) (Provider, error) {
	var pr Provider
	var sh string
	if err := sc.Scan(&pr.ID, &pr.CreditCode, &pr.Name, &pr.LegalRep, &sh, &pr.Address, &pr.Phone); err != nil {
		return pr, err
	}
	_ = json.Unmarshal([]byte(sh), &pr.Shareholders)
	return pr, nil
}

func scanBatch(sc interface{ Scan(...any) error }) (*Batch, error) {
	b := &Batch{}
	var from, to, services string
	if err := sc.Scan(&b.ID, &b.RegionCode, &b.Year, &b.Title, &b.Budget, &b.RateBP, &b.EnterpriseCap, &b.ClaimCap, &from, &to, &services); err != nil {
		return nil, err
	}
	b.ValidFrom, b.ValidTo = rowDate(from), rowDate(to)
	if err := json.Unmarshal([]byte(services), &b.Services); err != nil {
		return nil, i18n.Wrap(err, "batch %d services", b.ID)
	}
	return b, nil
}

// batchScope: staff see the batches of their regions; an enterprise user
// sees the batches of the district it belongs to.
func batchScope(u *auth.User, q *db.Where) {
	if u.IsEnterprise() {
		q.Add(`? LIKE b.region_code || '%'`, u.RegionCode)
		return
	}
	q.AddNumbered(u.Scope().Where(auth.Columns{Region: "b.region_code"}, &q.Args))
}

func (s *Service) getBatch(ctx context.Context, dq db.Querier, u *auth.User, id int64) (*Batch, error) {
	q := &db.Where{}
	q.Add("b.id = ?", id)
	batchScope(u, q)
	b, err := scanBatch(dq.QueryRowContext(ctx, `SELECT `+batchColumns+` FROM voucher_batches b WHERE `+q.SQL(), q.Args...))
	if db.IsNoRows(err) {
		return nil, notFound()
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	rows, err := dq.QueryContext(ctx, `SELECT id, credit_code, name, legal_rep, shareholders, address, phone FROM voucher_providers
		WHERE batch_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, db.Normalize(err)
	}
	if b.Providers, err = db.Collect(rows, scanProvider); err != nil {
		return nil, err
	}
	if b.Available, err = balance(ctx, dq, budgetAccount(id)); err != nil {
		return nil, err
	}
	return b, nil
}

// Batch returns one batch u may see.
func (s *Service) Batch(ctx context.Context, u *auth.User, id int64) (*Batch, error) {
	return s.getBatch(ctx, s.DB, u, id)
}

// Batches lists the batches u may see, newest first.
func (s *Service) Batches(ctx context.Context, u *auth.User, limit int) ([]*Batch, error) {
	q := &db.Where{}
	batchScope(u, q)
	// The budget balance comes in the same query (the account code is
	// budget:voucher-batch:<id>, see budgetAccount).
	rows, err := s.DB.QueryContext(ctx, `SELECT `+batchColumns+`, COALESCE(a.balance, 0) FROM voucher_batches b
		LEFT JOIN ledger_accounts a ON a.code = 'budget:voucher-batch:' || b.id
		WHERE `+q.SQL()+` ORDER BY b.year DESC, b.id DESC LIMIT `+strconv.Itoa(max(lim(limit), 1)), q.Args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (*Batch, error) {
		var avail money.Fen
		b, err := scanBatch(scanWith{sc, &avail})
		if b != nil {
			b.Available = avail
		}
		return b, err
	})
}

// scanWith scans a row into the destinations a scan function asks for,
// then into extra.
type scanWith struct {
	sc    interface{ Scan(...any) error }
	extra any
}

func (s scanWith) Scan(dest ...any) error { return s.sc.Scan(append(dest, s.extra)...) }

func balance(ctx context.Context, q db.Querier, code string) (money.Fen, error) {
	b, err := ledger.Balance(ctx, q, code)
	if i18n.ErrorCode(err) == i18n.NotFound {
		return 0, nil
	}
	return b, err
}
