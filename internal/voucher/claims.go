package voucher

import (
	"context"
	"errors"
	"strings"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/ledger"
	"kejiju/internal/money"
)

// The states of a claim.
const (
	ClaimSubmitted     = "submitted"
	ClaimFirstApproved = "first_approved" // a related-party claim awaiting its second approver
	ClaimApproved      = "approved"
	ClaimPaid          = "paid"
)

// Claim is a redemption of a voucher against a service contract.
type Claim struct {
	ID           int64         `json:"id"`
	VoucherID    int64         `json:"voucher_id"`
	ProviderID   int64         `json:"provider_id"`
	ProviderName string        `json:"provider_name"`
	Service      string        `json:"service"`
	ContractNo   string        `json:"contract_no"`
	InvoiceNo    string        `json:"invoice_no"`
	PaidAmount   money.Fen     `json:"paid_amount"`
	PaidOn       calendar.Date `json:"paid_on"`
	Evidence     string        `json:"evidence"`
	Related      bool          `json:"related"`
	RelatedWhy   []string      `json:"related_why"`
	Status       string        `json:"status"`
	// Estimate is the payable computed when the claim was made; Payable is
	// what approval made payable, recomputed then against what was left,
	// and Limit names the bound that decided it (rate, remaining, cap).
	Estimate      money.Fen `json:"estimate"`
	Payable       money.Fen `json:"payable"`
	Limit         Limit     `json:"limit"`
	FirstApprover int64     `json:"first_approver,omitempty"`
	Approver      int64     `json:"approver,omitempty"`
	RegionCode    string    `json:"region_code"`
	EnterpriseID  int64     `json:"enterprise_id"`
}

// ClaimInput is the enterprise's claim: the service contract with a
// whitelisted provider, the invoice and the payment (evidence as text).
type ClaimInput struct {
	ProviderCode string `json:"provider_code"` // the provider's unified social credit code
	Service      string `json:"service"`
	ContractNo   string `json:"contract_no"`
	InvoiceNo    string `json:"invoice_no"`
	PaidAmount   string `json:"paid_amount"` // 元
	PaidOn       string `json:"paid_on"`     // YYYY-MM-DD
	Evidence     string `json:"evidence"`    // bank slip number and notes
}

const claimColumns = `c.id, c.voucher_id, c.provider_id, p.name, c.service, c.contract_no, c.invoice_no, c.paid_amount, c.paid_on, c.evidence,
	c.related, c.related_why, c.status, c.estimate, c.payable, c.limit_reason, COALESCE(c.first_approver, 0), COALESCE(c.approver, 0),
	v.region_code, v.enterprise_id`

const claimFrom = ` FROM voucher_claims c JOIN vouchers v ON v.id = c.voucher_id JOIN voucher_providers p ON p.id = c.provider_id`

func scanClaim(sc interface{ Scan(...any) error }) (*Claim, error) {
	c := &Claim{}
	var on, why, limit string
	if err := sc.Scan(&c.ID, &c.VoucherID, &c.ProviderID, &c.ProviderName, &c.Service, &c.ContractNo, &c.InvoiceNo, &c.PaidAmount, &on, &c.Evidence,
		&c.Related, &why, &c.Status, &c.Estimate, &c.Payable, &limit, &c.FirstApprover, &c.Approver, &c.RegionCode, &c.EnterpriseID); err != nil {
		return nil, err
	}
	c.PaidOn, c.Limit = rowDate(on), Limit(limit)
	if why != "" {
		c.RelatedWhy = strings.Split(why, ",")
	}
	return c, nil
}

func (s *Service) getClaim(ctx context.Context, dq db.Querier, u *auth.User, id int64) (*Claim, error) {
	q := &db.Where{}
	q.Add("c.id = ?", id)
	voucherScope(u, q) // a claim is seen with its voucher
	c, err := scanClaim(dq.QueryRowContext(ctx, `SELECT `+claimColumns+claimFrom+` WHERE `+q.SQL(), q.Args...))
	if db.IsNoRows(err) {
		return nil, notFound()
	}
	return c, db.Normalize(err)
}

// Claim returns one claim u may see.
func (s *Service) Claim(ctx context.Context, u *auth.User, id int64) (*Claim, error) {
	return s.getClaim(ctx, s.DB, u, id)
}

// ClaimFilter selects claims: of one voucher, in one status; a page of
// Limit (at most 1,000) from Offset.
type ClaimFilter struct {
	VoucherID     int64
	Status        string
	Limit, Offset int
}

// Claims lists a page of the claims u may see (an enterprise: its own),
// oldest first, and how many there are.
func (s *Service) Claims(ctx context.Context, u *auth.User, f ClaimFilter) ([]*Claim, int, error) {
	q := &db.Where{}
	voucherScope(u, q) // a claim is seen with its voucher
	if f.VoucherID > 0 {
		q.Add("c.voucher_id = ?", f.VoucherID)
	}
	if f.Status != "" {
		q.Add("c.status = ?", f.Status)
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*)`+claimFrom+` WHERE `+q.SQL(), q.Args...).Scan(&total); err != nil {
		return nil, 0, db.Normalize(err)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+claimColumns+claimFrom+` WHERE `+q.SQL()+` ORDER BY c.id LIMIT `+itoa(max(lim(f.Limit), 1))+
		` OFFSET `+itoa(max(f.Offset, 0)), q.Args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	items, err := db.Collect(rows, scanClaim)
	return items, total, err
}

// Submit records u's enterprise's claim on its voucher. Bad input is a
// field error and nothing is written: an amount that is negative, zero or
// a fraction of a fen; a provider off the batch's whitelist; a service not
// eligible in the batch; an expired or unissued voucher; a payment date in
// the future or outside the batch's validity. A provider related to the
// enterprise is flagged (the claim then needs two different approvers).
func (s *Service) Submit(ctx context.Context, u *auth.User, voucherID int64, in ClaimInput) (*Claim, error) {
	if err := mayApply(u); err != nil {
		return nil, err
	}
	var p i18n.Problems
	paid := amountField(&p, "paid_amount", in.PaidAmount)
	on, err := dateOf(in.PaidOn)
	if err != nil {
		p.Add("paid_on", "error.invalid_value")
	}
	for _, f := range []struct {
		name string
		val  *string
	}{{"provider_code", &in.ProviderCode}, {"service", &in.Service}, {"contract_no", &in.ContractNo}, {"invoice_no", &in.InvoiceNo}} {
		if *f.val = clean(*f.val); *f.val == "" {
			p.Add(f.name, "error.required")
		} else if tooLong(*f.val, maxText) {
			p.Add(f.name, "error.too_long", maxText)
		}
	}
	if in.Evidence = clean(in.Evidence); tooLong(in.Evidence, 2000) {
		p.Add("evidence", "error.too_long", 2000)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	// The holder of a voucher never changes: read it, from the enterprise
	// area, before the transaction.
	held, err := s.Voucher(ctx, u, voucherID)
	if err != nil {
		return nil, err
	}
	h, err := s.Enterprises.Holder(ctx, u, held.EnterpriseID)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		v, err := s.getVoucher(ctx, tx, u, voucherID)
		if err != nil {
			return err
		}
		b, err := s.getBatch(ctx, tx, u, v.BatchID)
		if err != nil {
			return err
		}
		now := today(tx)
		var p i18n.Problems
		switch {
		case v.Status == StatusExpired || now.After(b.ValidTo):
			p.Add("voucher", "voucher.expired", b.ValidTo.String())
		case v.Status != StatusIssued:
			p.Add("voucher", "voucher.not_issued")
		case v.Remaining() <= 0:
			p.Add("voucher", "voucher.exhausted")
		}
		pr, ok := findProvider(b, in.ProviderCode)
		if !ok {
			p.Add("provider_code", "voucher.claim.not_whitelisted", in.ProviderCode)
		}
		if !containsFold(b.Services, in.Service) {
			p.Add("service", "voucher.claim.bad_service")
		}
		if on.After(now) || on.Before(b.ValidFrom) || on.After(b.ValidTo) {
			p.Add("paid_on", "voucher.claim.bad_date", b.ValidFrom.String(), b.ValidTo.String())
		}
		if err := p.Err(); err != nil {
			return err
		}
		// One invoice of a provider is claimed once: the same claim sent
		// again (a double click, a retry) answers with the first; any other
		// claim on that invoice is refused.
		prior, same, err := priorClaim(ctx, tx, pr.ID, v.ID, in, paid, on)
		if err != nil {
			return err
		}
		if same {
			id = prior
			return errReplay
		}
		ep := h.Party
		ep.Shareholders = v.Shareholders
		why := Related(ep, providerParty(pr))
		est, limit := Payable(b.RateBP, paid, v.Remaining(), b.ClaimCap)
		if err := tx.QueryRowContext(ctx, `INSERT INTO voucher_claims (voucher_id, provider_id, service, contract_no, invoice_no, paid_amount,
			paid_on, evidence, related, related_why, status, estimate, limit_reason, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'submitted', $11, $12, $13, $13) RETURNING id`,
			v.ID, pr.ID, in.Service, in.ContractNo, in.InvoiceNo, paid, on.String(), in.Evidence, len(why) > 0, strings.Join(why, ","),
			est, string(limit), tx.Now).Scan(&id); err != nil {
			if db.IsUnique(err) {
				return i18n.FieldError("invoice_no", "voucher.claim.duplicate_invoice", in.InvoiceNo)
			}
			return db.Normalize(err)
		}
		c, err := s.getClaim(ctx, tx, u, id)
		if err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "voucher.claim.submit", ObjectType: objClaim, ObjectID: idOf(id), RegionCode: v.RegionCode, After: audit.JSON(c)})
		return err
	})
	if err != nil && !errors.Is(err, errReplay) {
		return nil, err
	}
	return s.Claim(ctx, u, id)
}

// errReplay ends a transaction that found its work already done.
var errReplay = errors.New("voucher: replay")

// priorClaim finds the claim on the provider's invoice, if any: this same
// claim (same voucher, contract, amount and date) answers its id and true;
// another claim on the invoice is refused with the field named.
func priorClaim(ctx context.Context, tx *db.Tx, providerID, voucherID int64, in ClaimInput, paid money.Fen, on calendar.Date) (int64, bool, error) {
	var id, vid int64
	var contract, day string
	var amount money.Fen
	err := tx.QueryRowContext(ctx, `SELECT id, voucher_id, contract_no, paid_amount, paid_on FROM voucher_claims WHERE provider_id = $1 AND invoice_no = $2`,
		providerID, in.InvoiceNo).Scan(&id, &vid, &contract, &amount, &day)
	if db.IsNoRows(err) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, db.Normalize(err)
	}
	if vid != voucherID || contract != in.ContractNo || amount != paid || rowDate(day) != on {
		return id, false, i18n.FieldError("invoice_no", "voucher.claim.duplicate_invoice", in.InvoiceNo)
	}
	return id, true, nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(normText(x), normText(s)) {
			return true
		}
	}
	return false
}

// Approve approves a claim for u (staff). A related-party claim takes two
// approvals by different staff: the first only records it. The approval
// that decides locks the voucher row, recomputes the payable against what
// is left on the voucher at that moment (min(rate × paid, remaining, cap)),
// and moves it from the commitment to the payable (MakePayable; the
// commitment's floor refuses any over-payment). A voucher with nothing
// left, expired or past its validity refuses the approval and nothing
// changes.
func (s *Service) Approve(ctx context.Context, u *auth.User, id int64) (*Claim, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.getClaim(ctx, tx, u, id)
		if err != nil {
			return err
		}
		// Lock the voucher row first: concurrent approvals on one voucher
		// serialise here and each sees what the one before it used.
		var face, used money.Fen
		var status string
		var batchID int64
		if err := tx.QueryRowContext(ctx, `UPDATE vouchers SET version = version + 1 WHERE id = $1 RETURNING face, used, status, batch_id`,
			c.VoucherID).Scan(&face, &used, &status, &batchID); err != nil {
			return db.Normalize(err)
		}
		if c, err = s.getClaim(ctx, tx, u, id); err != nil {
			return err
		}
		b, err := s.getBatch(ctx, tx, u, batchID)
		if err != nil {
			return err
		}
		if status == StatusExpired || today(tx).After(b.ValidTo) {
			return i18n.FieldError("voucher", "voucher.expired", b.ValidTo.String())
		}
		switch {
		case c.Status != ClaimSubmitted && c.Status != ClaimFirstApproved:
			return i18n.E(i18n.Conflict, "voucher.claim.not_pending")
		case c.Related && c.Status == ClaimFirstApproved && c.FirstApprover == u.ID:
			return i18n.E(i18n.Conflict, "voucher.claim.second_approver")
		case c.Related && c.Status == ClaimSubmitted:
			if _, err := tx.ExecContext(ctx, `UPDATE voucher_claims SET status = 'first_approved', first_approver = $1, updated_at = $2
				WHERE id = $3 AND status = 'submitted'`, u.ID, tx.Now, id); err != nil {
				return db.Normalize(err)
			}
			_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "voucher.claim.first_approve", ObjectType: objClaim, ObjectID: idOf(id),
				RegionCode: c.RegionCode, Reason: "关联方：" + strings.Join(c.RelatedWhy, ",")})
			return err
		}
		amount, limit := Payable(b.RateBP, c.PaidAmount, face-used, b.ClaimCap)
		if amount <= 0 {
			return i18n.E(i18n.Conflict, "voucher.exhausted")
		}
		res, err := tx.ExecContext(ctx, `UPDATE vouchers SET used = used + $1 WHERE id = $2 AND status = 'issued' AND used + $1 <= face`, amount, c.VoucherID)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return i18n.E(i18n.Conflict, "voucher.exhausted")
		}
		if _, _, err := ledger.MakePayable(ctx, tx, s.Audit, u, ledger.Move{Key: "voucher.payable:" + idOf(id), From: commitAccount(c.VoucherID),
			To: payableAccount(c.VoucherID), Amount: amount, ObjectType: objClaim, ObjectID: idOf(id),
			Memo: "创新券兑付审核通过，发票号 " + c.InvoiceNo}); err != nil {
			if isKey(err, "ledger.insufficient") {
				return i18n.E(i18n.Conflict, "voucher.exhausted")
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE voucher_claims SET status = 'approved', approver = $1, payable = $2, limit_reason = $3, updated_at = $4
			WHERE id = $5`, u.ID, amount, string(limit), tx.Now, id); err != nil {
			return db.Normalize(err)
		}
		after, err := s.getClaim(ctx, tx, u, id)
		if err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "voucher.claim.approve", ObjectType: objClaim, ObjectID: idOf(id), RegionCode: c.RegionCode,
			Before: audit.JSON(c), After: audit.JSON(after)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Claim(ctx, u, id)
}

// Pay records finance's payment of an approved claim: Pay payable → paid
// of the batch's region and year. bankRef is the bank slip number.
func (s *Service) Pay(ctx context.Context, u *auth.User, id int64, bankRef string) (*Claim, error) {
	if err := mayPay(u); err != nil {
		return nil, err
	}
	if bankRef = clean(bankRef); bankRef == "" {
		return nil, i18n.FieldError("bank_ref", "error.required")
	} else if tooLong(bankRef, maxText) {
		return nil, i18n.FieldError("bank_ref", "error.too_long", maxText)
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.getClaim(ctx, tx, u, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE voucher_claims SET status = 'paid', updated_at = $1 WHERE id = $2 AND status = 'approved'`, tx.Now, id)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return i18n.E(i18n.Conflict, "voucher.claim.not_approved")
		}
		var region string
		var year int
		if err := tx.QueryRowContext(ctx, `SELECT b.region_code, b.year FROM vouchers v JOIN voucher_batches b ON b.id = v.batch_id WHERE v.id = $1`,
			c.VoucherID).Scan(&region, &year); err != nil {
			return db.Normalize(err)
		}
		paid := ledger.PaidAccount(region, year)
		if _, err := ledger.Open(ctx, tx, paid); err != nil {
			return err
		}
		if _, _, err := ledger.Pay(ctx, tx, s.Audit, u, ledger.Move{Key: "voucher.pay:" + idOf(id), From: payableAccount(c.VoucherID),
			To: paid.Code, Amount: c.Payable, ObjectType: objClaim, ObjectID: idOf(id), Memo: "创新券兑付 银行流水号 " + bankRef}); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "voucher.claim.pay", ObjectType: objClaim, ObjectID: idOf(id), RegionCode: c.RegionCode,
			Reason: bankRef, After: audit.JSON(map[string]any{"payable": c.Payable})})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Claim(ctx, u, id)
}
