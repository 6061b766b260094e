package voucher

import (
	"context"
	"encoding/json"
	"strings"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/ledger"
	"kejiju/internal/money"
)

// The states of a voucher.
const (
	StatusApplied = "applied"
	StatusIssued  = "issued"
	StatusExpired = "expired"
)

// Voucher is one enterprise's voucher in a batch.
type Voucher struct {
	ID             int64         `json:"id"`
	BatchID        int64         `json:"batch_id"`
	BatchTitle     string        `json:"batch_title"`
	EnterpriseID   int64         `json:"enterprise_id"`
	EnterpriseName string        `json:"enterprise_name"`
	RegionCode     string        `json:"region_code"`
	Status         string        `json:"status"`
	Face           money.Fen     `json:"face"`
	Used           money.Fen     `json:"used"`
	Shareholders   []string      `json:"shareholders"`
	ValidTo        calendar.Date `json:"valid_to"`
	Version        int64         `json:"version"`
}

// Remaining is what is left to claim on the voucher.
func (v *Voucher) Remaining() money.Fen {
	if v.Status != StatusIssued {
		return 0
	}
	return v.Face - v.Used
}

// ApplyInput is an enterprise's application for a voucher of a batch.
type ApplyInput struct {
	Face string `json:"face"` // 元, at most the batch's per-enterprise cap
	// Shareholders are the enterprise's shareholders' names, for the
	// related-party check of its claims.
	Shareholders []string `json:"shareholders"`
}

const voucherColumns = `v.id, v.batch_id, b.title, v.enterprise_id, v.enterprise_name, v.region_code, v.status, v.face, v.used, v.shareholders, b.valid_to, v.version`

const voucherFrom = ` FROM vouchers v JOIN voucher_batches b ON b.id = v.batch_id`

func scanVoucher(sc interface{ Scan(...any) error }) (*Voucher, error) {
	v := &Voucher{}
	var sh, to string
	if err := sc.Scan(&v.ID, &v.BatchID, &v.BatchTitle, &v.EnterpriseID, &v.EnterpriseName, &v.RegionCode, &v.Status, &v.Face, &v.Used, &sh, &to, &v.Version); err != nil {
		return nil, err
	}
	v.ValidTo = rowDate(to)
	_ = json.Unmarshal([]byte(sh), &v.Shareholders)
	return v, nil
}

// voucherScope: an enterprise user sees its own vouchers (and their
// claims) only; staff and finance those of their regions. Queries name the
// voucher v.
func voucherScope(u *auth.User, q *db.Where) {
	q.AddNumbered(u.Scope().Where(auth.Columns{Region: "v.region_code", Enterprise: "v.enterprise_id"}, &q.Args))
}

func (s *Service) getVoucher(ctx context.Context, dq db.Querier, u *auth.User, id int64) (*Voucher, error) {
	q := &db.Where{}
	q.Add("v.id = ?", id)
	voucherScope(u, q)
	v, err := scanVoucher(dq.QueryRowContext(ctx, `SELECT `+voucherColumns+voucherFrom+` WHERE `+q.SQL(), q.Args...))
	if db.IsNoRows(err) {
		return nil, notFound()
	}
	return v, db.Normalize(err)
}

// Voucher returns one voucher u may see.
func (s *Service) Voucher(ctx context.Context, u *auth.User, id int64) (*Voucher, error) {
	return s.getVoucher(ctx, s.DB, u, id)
}

// VoucherFilter selects vouchers: of one batch when BatchID > 0; a page of
// Limit (at most 1,000) from Offset.
type VoucherFilter struct {
	BatchID       int64
	Limit, Offset int
}

// Vouchers lists a page of the vouchers u may see (an enterprise: its own),
// newest first, and how many there are.
func (s *Service) Vouchers(ctx context.Context, u *auth.User, f VoucherFilter) ([]*Voucher, int, error) {
	q := &db.Where{}
	voucherScope(u, q)
	if f.BatchID > 0 {
		q.Add("v.batch_id = ?", f.BatchID)
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*)`+voucherFrom+` WHERE `+q.SQL(), q.Args...).Scan(&total); err != nil {
		return nil, 0, db.Normalize(err)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+voucherColumns+voucherFrom+` WHERE `+q.SQL()+` ORDER BY v.id DESC LIMIT `+itoa(max(lim(f.Limit), 1))+
		` OFFSET `+itoa(max(f.Offset, 0)), q.Args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	items, err := db.Collect(rows, scanVoucher)
	return items, total, err
}

// Apply records u's enterprise's application for a voucher of batch: the
// face value within the per-enterprise cap, while the batch is valid, and
// only when its last voucher was used more than 80% (NextAllowed).
func (s *Service) Apply(ctx context.Context, u *auth.User, batchID int64, in ApplyInput) (*Voucher, error) {
	if err := mayApply(u); err != nil {
		return nil, err
	}
	var p i18n.Problems
	face := amountField(&p, "face", in.Face)
	if err := p.Err(); err != nil {
		return nil, err
	}
	// Read outside the transaction: the holder's record is another area's
	// and does not change what this transaction decides.
	h, err := s.Enterprises.Holder(ctx, u, u.EnterpriseID)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		b, err := s.getBatch(ctx, tx, u, batchID)
		if err != nil {
			return err
		}
		if today(tx).After(b.ValidTo) {
			return i18n.FieldError("batch", "voucher.expired", b.ValidTo.String())
		}
		if face > b.EnterpriseCap {
			return i18n.FieldError("face", "voucher.apply.over_cap", money.FormatYuan(b.EnterpriseCap))
		}
		var lastFace, lastUsed money.Fen
		err = tx.QueryRowContext(ctx, `SELECT face, used FROM vouchers WHERE enterprise_id = $1 AND batch_id <> $2 AND status IN ('issued', 'expired')
			ORDER BY issued_at DESC, id DESC LIMIT 1`, u.EnterpriseID, batchID).Scan(&lastFace, &lastUsed)
		if err != nil && !db.IsNoRows(err) {
			return db.Normalize(err)
		}
		if !NextAllowed(lastFace, lastUsed) {
			return i18n.FieldError("batch", "voucher.apply.last_unused", money.FormatYuan(lastUsed), money.FormatYuan(lastFace))
		}
		var sh []string
		for _, x := range in.Shareholders {
			if x = clean(x); x != "" {
				sh = append(sh, x)
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO vouchers (batch_id, enterprise_id, enterprise_name, region_code, status, face, shareholders, applied_at)
			VALUES ($1, $2, $3, $4, 'applied', $5, $6, $7) RETURNING id`,
			batchID, u.EnterpriseID, h.Name, h.RegionCode, face, jsonText(nonNil(sh)), tx.Now).Scan(&id); err != nil {
			if db.IsUnique(err) {
				return i18n.FieldError("batch", "voucher.apply.duplicate")
			}
			return db.Normalize(err)
		}
		v, err := s.getVoucher(ctx, tx, u, id)
		if err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "voucher.apply", ObjectType: objVoucher, ObjectID: idOf(id), RegionCode: v.RegionCode, After: audit.JSON(v)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Voucher(ctx, u, id)
}

// Issue issues an applied voucher: its face value is committed from the
// batch budget (refused when the batch is short, nothing changes).
func (s *Service) Issue(ctx context.Context, u *auth.User, id int64) (*Voucher, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		v, err := s.getVoucher(ctx, tx, u, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE vouchers SET status = 'issued', issued_by = $1, issued_at = $2, version = version + 1
			WHERE id = $3 AND status = 'applied'`, u.ID, tx.Now, id)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return i18n.E(i18n.Conflict, "voucher.not_applied")
		}
		for _, a := range []ledger.Account{
			{Code: commitAccount(id), Name: "创新券已承诺：" + v.EnterpriseName, Kind: ledger.Asset, FloorZero: true, RegionCode: v.RegionCode, Purpose: budgetAccount(v.BatchID)},
			{Code: payableAccount(id), Name: "创新券应兑付：" + v.EnterpriseName, Kind: ledger.Asset, FloorZero: true, RegionCode: v.RegionCode, Purpose: budgetAccount(v.BatchID)},
		} {
			if _, err := ledger.Open(ctx, tx, a); err != nil {
				return err
			}
		}
		avail, err := balance(ctx, tx, budgetAccount(v.BatchID))
		if err != nil {
			return err
		}
		short := i18n.E(i18n.Conflict, "voucher.batch.short", money.FormatYuan(avail), money.FormatYuan(v.Face))
		if avail < v.Face {
			return short
		}
		_, _, err = ledger.Commit(ctx, tx, s.Audit, u, ledger.Move{Key: "voucher.commit:" + idOf(id), From: budgetAccount(v.BatchID),
			To: commitAccount(id), Amount: v.Face, ObjectType: objVoucher, ObjectID: idOf(id), Memo: "发放创新券"})
		if isKey(err, "ledger.insufficient") {
			return short
		}
		if err != nil {
			return err
		}
		after, err := s.getVoucher(ctx, tx, u, id)
		if err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "voucher.issue", ObjectType: objVoucher, ObjectID: idOf(id), RegionCode: v.RegionCode,
			Before: audit.JSON(v), After: audit.JSON(after)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Voucher(ctx, u, id)
}

// Expire expires every issued voucher in u's scope whose batch's validity
// ended before on: each releases its unused commitment (face − used) back
// to its batch budget. It returns how many vouchers expired. Claims still
// pending on an expired voucher can no longer be approved.
func (s *Service) Expire(ctx context.Context, u *auth.User, on calendar.Date) (int, error) {
	if err := mayManage(u); err != nil {
		return 0, err
	}
	q := &db.Where{}
	q.Add("v.status = 'issued' AND b.valid_to < ?", on.String())
	voucherScope(u, q)
	rows, err := s.DB.QueryContext(ctx, `SELECT v.id`+voucherFrom+` WHERE `+q.SQL()+` ORDER BY v.id`, q.Args...)
	if err != nil {
		return 0, db.Normalize(err)
	}
	ids, err := db.Collect(rows, func(sc interface{ Scan(...any) error }) (id int64, err error) { return id, sc.Scan(&id) })
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		done := false
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			done = false
			var face, used money.Fen
			var batchID int64
			var region string
			err := tx.QueryRowContext(ctx, `UPDATE vouchers SET status = 'expired', version = version + 1 WHERE id = $1 AND status = 'issued'
				RETURNING face, used, batch_id, region_code`, id).Scan(&face, &used, &batchID, &region)
			if db.IsNoRows(err) {
				return nil
			}
			if err != nil {
				return db.Normalize(err)
			}
			if left := face - used; left > 0 {
				if _, _, err := ledger.Release(ctx, tx, s.Audit, u, ledger.Move{Key: "voucher.release:" + idOf(id), From: commitAccount(id),
					To: budgetAccount(batchID), Amount: left, ObjectType: objVoucher, ObjectID: idOf(id), Memo: "创新券到期，未使用额度退回批次预算"}); err != nil {
					return err
				}
			}
			if _, err := s.Audit.Append(ctx, tx, audit.Event{Action: "voucher.expire", ObjectType: objVoucher, ObjectID: idOf(id), RegionCode: region,
				Reason: "到期日 " + on.String(), After: audit.JSON(map[string]any{"face": face, "used": used, "released": face - used})}); err != nil {
				return err
			}
			done = true
			return nil
		})
		if err != nil {
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}

func itoa(n int) string { return idOf(int64(n)) }

func providerParty(pr Provider) Party {
	return Party{CreditCode: pr.CreditCode, LegalRep: pr.LegalRep, Shareholders: pr.Shareholders, Address: pr.Address, Phone: pr.Phone}
}

func findProvider(b *Batch, code string) (Provider, bool) {
	code = strings.ToUpper(clean(code))
	for _, pr := range b.Providers {
		if pr.CreditCode == code {
			return pr, true
		}
	}
	return Provider{}, false
}
