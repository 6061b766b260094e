package subsidy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/ident"
	"kejiju/internal/ledger"
	"kejiju/internal/money"
)

// ClaimInput is a claim as the enterprise (or staff on its behalf) files
// it: the kind, the kind's input (amounts in fen) and the form's key.
type ClaimInput struct {
	Kind Kind `json:"kind"`
	// Staff name the enterprise by CreditCode (or EnterpriseID); an
	// enterprise user claims for its own.
	EnterpriseID int64           `json:"enterprise_id,omitempty"`
	CreditCode   string          `json:"credit_code,omitempty"`
	Equipment    *EquipmentInput `json:"equipment,omitempty"`
	Purchase     *PurchaseInput  `json:"purchase,omitempty"`
	Patent       *PatentInput    `json:"patent,omitempty"`
	// Key makes a double submit one claim; empty: the claim's content is
	// the key, so the same claim sent twice is one claim.
	Key string `json:"key,omitempty"`
}

// Calculation is a claim worked out before it is filed: the policy that
// applies, the result, and what identifies the claim.
type Calculation struct {
	Policy    *Policy   `json:"policy"`
	Result    Result    `json:"result"`
	Applicant Applicant `json:"applicant"`
	Year      int       `json:"year"`
	Quarter   int       `json:"quarter"`
	Item      Item      `json:"item,omitempty"`
	Ref       string    `json:"ref,omitempty"`
	Prior     money.Fen `json:"prior"`
	input     []byte
}

// applicant is the enterprise the claim is for.
func (s *Service) applicant(ctx context.Context, u *auth.User, in ClaimInput) (Applicant, error) {
	switch {
	case CanManage(u) && in.EnterpriseID != 0:
		return s.Enterprises.Applicant(ctx, u, in.EnterpriseID)
	case CanManage(u):
		code := strings.ToUpper(clean(in.CreditCode))
		if code == "" {
			return Applicant{}, i18n.FieldError("credit_code", "error.required")
		}
		a, err := s.Enterprises.ApplicantByCode(ctx, u, code)
		if i18n.ErrorCode(err) == i18n.NotFound {
			return a, i18n.FieldError("credit_code", "subsidy.unknown_enterprise", code)
		}
		return a, err
	case CanClaim(u):
		return s.Enterprises.Applicant(ctx, u, u.EnterpriseID)
	}
	return Applicant{}, forbidden()
}

// check validates the input of the claim's kind and returns it as stored,
// with its item and reference.
func check(in ClaimInput) (input []byte, item Item, ref string, err error) {
	var p i18n.Problems
	nonNeg := func(field string, f money.Fen) {
		if f < 0 {
			p.Add(field, "subsidy.negative")
		} else if f > ledger.MaxAmount {
			p.Add(field, "ledger.amount_too_large", 1)
		}
	}
	var v any
	switch in.Kind {
	case Equipment:
		e := in.Equipment
		if e == nil || len(e.Devices) == 0 {
			p.Add("devices", "error.required")
			break
		}
		nonNeg("sales", e.Sales)
		for i := range e.Devices {
			d := &e.Devices[i]
			if d.Name = clean(d.Name); d.Name == "" || d.Value <= 0 {
				p.Add("devices", "subsidy.bad_device", i+1)
			}
			nonNeg("devices", d.Value)
		}
		v = e
	case Purchase:
		c := in.Purchase
		if c == nil {
			p.Add("contract_no", "error.required")
			break
		}
		if c.ContractNo = clean(c.ContractNo); c.ContractNo == "" {
			p.Add("contract_no", "error.required")
		}
		if c.SellerName = clean(c.SellerName); c.SellerName == "" {
			p.Add("seller_name", "error.required")
		}
		if _, err := ident.ParseRegionCode(clean(c.SellerRegion)); err != nil {
			p.AddErr("seller_region", err)
		}
		if c.Amount <= 0 {
			p.Add("amount", "ledger.amount_positive")
		}
		nonNeg("amount", c.Amount)
		v, ref = c, c.ContractNo
	case Patent:
		c := in.Patent
		if c == nil || !validItem(c.Item) {
			p.Add("item", "error.invalid_value")
			break
		}
		item = c.Item
		if c.Item.IsPatentItem() {
			n, err := ident.ParsePatentNumber(c.AppNo)
			if err != nil {
				p.AddErr("app_no", err)
			} else {
				c.AppNo = n.String()
			}
		} else if c.LoanNo = clean(c.LoanNo); c.LoanNo == "" {
			p.Add("loan_no", "error.required")
		}
		for f, a := range map[string]money.Fen{"fee": c.Fee, "loan": c.Loan, "interest": c.Interest} {
			nonNeg(f, a)
		}
		if c.BenchBP < 0 || c.BenchBP > 10_000 {
			p.Add("bench_bp", "error.invalid_value")
		}
		if c.Months < 0 || c.Months > 120 {
			p.Add("months", "error.invalid_value")
		}
		v, ref = c, c.Ref()
	default:
		p.Add("kind", "error.invalid_value")
	}
	if err := p.Err(); err != nil {
		return nil, "", "", err
	}
	input, _ = json.Marshal(v)
	return input, item, ref, nil
}

func validItem(i Item) bool {
	for _, x := range Items {
		if x == i {
			return true
		}
	}
	return false
}

// calculate works the claim out on the date on, reading the policy and
// what the enterprise already received for the same kind and item this year.
func (s *Service) calculate(ctx context.Context, q db.Querier, u *auth.User, in ClaimInput, on calendar.Date) (*Calculation, error) {
	input, item, ref, err := check(in)
	if err != nil {
		return nil, err
	}
	a, err := s.applicant(ctx, u, in)
	if err != nil {
		return nil, err
	}
	id := a.ID
	pol, err := s.PolicyOn(ctx, q, in.Kind, on)
	if err != nil {
		return nil, err
	}
	c := &Calculation{Policy: pol, Applicant: a, Year: on.Year, Quarter: Quarter(on), Item: item, Ref: ref, input: input}
	if c.Prior, err = prior(ctx, q, id, in.Kind, item, on.Year, 0); err != nil {
		return nil, err
	}
	c.Result, err = work(pol, in, QuarterStart(c.Year, c.Quarter), c.Prior)
	return c, err
}

// prior is what the enterprise was granted for the kind and item in year,
// leaving out the claim except (0: none).
func prior(ctx context.Context, q db.Querier, enterpriseID int64, k Kind, item Item, year int, except int64) (money.Fen, error) {
	var f money.Fen
	err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount), 0) FROM subsidy_claims WHERE enterprise_id = $1 AND kind = $2 AND item = $3
		AND year = $4 AND state IN ('approved', 'paid') AND id <> $5`, enterpriseID, string(k), string(item), year, except).Scan(&f)
	return f, db.Normalize(err)
}

// work runs the policy's calculator on the claim's input for a batch
// dated on.
func work(pol *Policy, in ClaimInput, on calendar.Date, prior money.Fen) (Result, error) {
	params, err := decodeParams(pol.Kind, pol.Params)
	if err != nil {
		return Result{}, err
	}
	switch p := params.(type) {
	case *EquipmentParams:
		return EquipmentSubsidy(*p, *in.Equipment, prior), nil
	case *PurchaseParams:
		return PurchaseSubsidy(*p, *in.Purchase, prior), nil
	case *PatentParams:
		return PatentSubsidy(*p, *in.Patent, on, prior), nil
	}
	return Result{}, i18n.FieldError("kind", "error.invalid_value")
}

// Calculate works a claim out without filing it (试算).
func (s *Service) Calculate(ctx context.Context, u *auth.User, in ClaimInput) (*Calculation, error) {
	if !CanClaim(u) {
		return nil, forbidden()
	}
	return s.calculate(ctx, s.DB, u, in, calendar.FromTime(s.DB.Now(), calendar.Shanghai))
}

// refusal is the error of a refused calculation: its last line, the reason.
func refusal(r Result) error {
	l := r.Lines[len(r.Lines)-1]
	args := make([]any, len(l.Args))
	for i, a := range l.Args {
		args[i] = a
	}
	return i18n.E(i18n.Invalid, l.Key, args...)
}

// Submit files a claim: it is worked out with the policy in force today,
// and refused — nothing written — when the policy gives nothing or the same
// patent or contract was already claimed for the item. A calculation that
// is Pending is filed as pending. The same key again returns the first claim.
func (s *Service) Submit(ctx context.Context, u *auth.User, in ClaimInput) (*Claim, error) {
	if !CanClaim(u) {
		return nil, forbidden()
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.calculate(ctx, tx, u, in, today(tx))
		if err != nil {
			return err
		}
		key := in.Key
		if key = clean(key); key == "" {
			sum := sha256.Sum256(append([]byte(string(in.Kind)+"|"+c.Applicant.CreditCode+"|"), c.input...))
			key = hex.EncodeToString(sum[:])
		}
		key = "subsidy:" + key
		if err := tx.QueryRowContext(ctx, `SELECT id FROM subsidy_claims WHERE idem_key = $1`, key).Scan(&id); err == nil {
			return nil
		} else if !db.IsNoRows(err) {
			return db.Normalize(err)
		}
		if c.Result.Status == Refused {
			return refusal(c.Result)
		}
		if c.Ref != "" {
			var other int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM subsidy_claims WHERE kind = $1 AND item = $2 AND ref = $3 AND state <> 'rejected'`,
				string(in.Kind), string(c.Item), c.Ref).Scan(&other)
			if err == nil {
				return i18n.E(i18n.Conflict, "subsidy.duplicate", c.Ref, other)
			} else if !db.IsNoRows(err) {
				return db.Normalize(err)
			}
		}
		state := Submitted
		if c.Result.Status == Pending {
			state = Waiting
		}
		lines, _ := json.Marshal(c.Result.Lines)
		if err := tx.QueryRowContext(ctx, `INSERT INTO subsidy_claims (policy_id, kind, region_code, year, quarter, enterprise_id, enterprise_name,
			credit_code, item, ref, input, amount, lines, state, idem_key, submitted_by, submitted_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
			c.Policy.ID, string(in.Kind), c.Applicant.RegionCode, c.Year, c.Quarter, c.Applicant.ID, c.Applicant.Name, c.Applicant.CreditCode,
			string(c.Item), c.Ref, string(c.input), c.Result.Amount, string(lines), string(state), key, u.ID, tx.Now).Scan(&id); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "subsidy.claim.submit", ObjectType: objClaim, ObjectID: idOf(id),
			RegionCode: c.Applicant.RegionCode, After: audit.JSON(map[string]any{"kind": in.Kind, "enterprise": c.Applicant.Name,
				"amount": c.Result.Amount, "state": state, "policy": c.Policy.DocumentNo})})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Claim(ctx, u, id)
}

const claimColumns = `c.id, c.policy_id, p.title, p.document_no, c.kind, c.region_code, c.year, c.quarter, c.enterprise_id, c.enterprise_name,
	c.credit_code, c.item, c.ref, c.input, c.amount, c.lines, c.state, c.reason, c.bank_ref, c.submitted_at, c.version`

func scanClaim(sc interface{ Scan(...any) error }) (*Claim, error) {
	c := &Claim{}
	var input, lines string
	if err := sc.Scan(&c.ID, &c.PolicyID, &c.PolicyTitle, &c.DocumentNo, &c.Kind, &c.RegionCode, &c.Year, &c.Quarter, &c.EnterpriseID,
		&c.EnterpriseName, &c.CreditCode, &c.Item, &c.Ref, &input, &c.Amount, &lines, &c.State, &c.Reason, &c.BankRef, &c.SubmittedAt, &c.Version); err != nil {
		return nil, err
	}
	c.Input = json.RawMessage(input)
	if err := json.Unmarshal([]byte(lines), &c.Lines); err != nil {
		return nil, i18n.Wrap(err, "claim %d lines", c.ID)
	}
	return c, nil
}

func claimScope(u *auth.User, w *db.Where) {
	w.AddNumbered(u.Scope().Where(auth.Columns{Region: "c.region_code", Enterprise: "c.enterprise_id"}, &w.Args))
}

func (s *Service) getClaim(ctx context.Context, q db.Querier, u *auth.User, id int64) (*Claim, error) {
	var w db.Where
	w.Add("c.id = ?", id)
	claimScope(u, &w)
	c, err := scanClaim(q.QueryRowContext(ctx, `SELECT `+claimColumns+` FROM subsidy_claims c JOIN subsidy_policies p ON p.id = c.policy_id
		WHERE `+w.SQL(), w.Args...))
	if db.IsNoRows(err) {
		return nil, notFound()
	}
	return c, db.Normalize(err)
}

// Claim returns a claim in u's scope.
func (s *Service) Claim(ctx context.Context, u *auth.User, id int64) (*Claim, error) {
	return s.getClaim(ctx, s.DB, u, id)
}

// Filter narrows the list of claims; zero fields do not filter.
type Filter struct {
	Kind    Kind  `json:"kind"`
	State   State `json:"state"`
	Year    int   `json:"year"`
	Quarter int   `json:"quarter"`
	Limit   int   `json:"limit"`
	Offset  int   `json:"offset"`
}

// Claims lists the claims in u's scope, newest first, and how many match.
func (s *Service) Claims(ctx context.Context, u *auth.User, f Filter) ([]*Claim, int, error) {
	var w db.Where
	claimScope(u, &w)
	if f.Kind != "" {
		w.Add("c.kind = ?", string(f.Kind))
	}
	if f.State != "" {
		w.Add("c.state = ?", string(f.State))
	}
	if f.Year != 0 {
		w.Add("c.year = ?", f.Year)
	}
	if f.Quarter != 0 {
		w.Add("c.quarter = ?", f.Quarter)
	}
	var n int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM subsidy_claims c WHERE `+w.SQL(), w.Args...).Scan(&n); err != nil {
		return nil, 0, db.Normalize(err)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+claimColumns+` FROM subsidy_claims c JOIN subsidy_policies p ON p.id = c.policy_id
		WHERE `+w.SQL()+` ORDER BY c.id DESC LIMIT `+itoa(limit)+` OFFSET `+itoa(max(f.Offset, 0)), w.Args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	out, err := db.Collect(rows, scanClaim)
	return out, n, err
}

func itoa(n int) string { return idOf(int64(n)) }

// transition moves claim id from one of the states from to state to, or
// refuses with a Conflict when another change came first.
func transition(ctx context.Context, tx *db.Tx, c *Claim, to State, set string, args ...any) error {
	q := `UPDATE subsidy_claims SET state = $1, version = version + 1` + set + ` WHERE id = $2 AND version = $3`
	res, err := tx.ExecContext(ctx, q, append([]any{string(to), c.ID, c.Version}, args...)...)
	if err != nil {
		return db.Normalize(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return i18n.E(i18n.Conflict, "error.conflict")
	}
	return nil
}

// Approve grants a submitted claim: it is worked out again with what the
// enterprise received meanwhile (approvals of one budget are serialised),
// and the amount is committed from the year's budget and made payable.
func (s *Service) Approve(ctx context.Context, u *auth.User, id int64) (*Claim, error) {
	if err := may(u, auth.PermProgramManage); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.getClaim(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if c.State != Submitted {
			return i18n.E(i18n.Conflict, "subsidy.not_submitted")
		}
		res, err := tx.ExecContext(ctx, `UPDATE subsidy_budgets SET approvals = approvals + 1 WHERE region_code = $1 AND year = $2 AND kind = $3`,
			budgetRegion(c.RegionCode), c.Year, string(c.Kind))
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return i18n.E(i18n.Conflict, "subsidy.no_budget", c.Year)
		}
		calc, err := s.recalculate(ctx, tx, u, c)
		if err != nil {
			return err
		}
		if calc.Result.Status != Payable {
			return refusal(calc.Result)
		}
		amount := calc.Result.Amount
		lines, _ := json.Marshal(calc.Result.Lines)
		budget := budgetAccount(budgetRegion(c.RegionCode), c.Year, c.Kind)
		for _, a := range []ledger.Account{
			{Code: commitAccount(id), Name: "补助已承诺：" + c.EnterpriseName, Kind: ledger.Asset, FloorZero: true, RegionCode: c.RegionCode, Purpose: budget},
			{Code: payableAccount(id), Name: "补助应拨付：" + c.EnterpriseName, Kind: ledger.Asset, FloorZero: true, RegionCode: c.RegionCode, Purpose: budget},
		} {
			if _, err := ledger.Open(ctx, tx, a); err != nil {
				return err
			}
		}
		avail, err := ledger.Balance(ctx, tx, budget)
		if err != nil {
			return err
		}
		if avail < amount {
			return i18n.E(i18n.Conflict, "subsidy.budget_short", avail.Yuan(), amount.Yuan())
		}
		m := ledger.Move{Key: "subsidy.commit:" + idOf(id), From: budget, To: commitAccount(id), Amount: amount, ObjectType: objClaim, ObjectID: idOf(id),
			Memo: "补助核定：" + c.EnterpriseName}
		if _, _, err := ledger.Commit(ctx, tx, s.Audit, u, m); err != nil {
			return err
		}
		m.Key, m.From, m.To = "subsidy.payable:"+idOf(id), commitAccount(id), payableAccount(id)
		if _, _, err := ledger.MakePayable(ctx, tx, s.Audit, u, m); err != nil {
			return err
		}
		if err := transition(ctx, tx, c, Approved, `, amount = $4, lines = $5, decided_by = $6, decided_at = $7`, amount, string(lines), u.ID, tx.Now); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "subsidy.claim.approve", ObjectType: objClaim, ObjectID: idOf(id), RegionCode: c.RegionCode,
			Before: audit.JSON(map[string]any{"amount": c.Amount}), After: audit.JSON(map[string]any{"amount": amount, "state": Approved})})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Claim(ctx, u, id)
}

// budgetRegion is the district whose budget pays a claim of an enterprise
// in region (a township or village code lies under its district).
func budgetRegion(region string) string { return region[:min(len(region), 6)] }

// recalculate works a filed claim out again under its own policy and
// quarter, with what the enterprise received since it was filed.
func (s *Service) recalculate(ctx context.Context, tx *db.Tx, u *auth.User, c *Claim) (*Calculation, error) {
	in := ClaimInput{Kind: c.Kind, EnterpriseID: c.EnterpriseID}
	var err error
	switch c.Kind {
	case Equipment:
		in.Equipment = &EquipmentInput{}
		err = json.Unmarshal(c.Input, in.Equipment)
	case Purchase:
		in.Purchase = &PurchaseInput{}
		err = json.Unmarshal(c.Input, in.Purchase)
	case Patent:
		in.Patent = &PatentInput{}
		err = json.Unmarshal(c.Input, in.Patent)
	}
	if err != nil {
		return nil, i18n.Wrap(err, "claim %d input", c.ID)
	}
	pol, err := s.policy(ctx, tx, c.PolicyID)
	if err != nil {
		return nil, err
	}
	calc := &Calculation{Policy: pol}
	if calc.Prior, err = prior(ctx, tx, c.EnterpriseID, c.Kind, c.Item, c.Year, c.ID); err != nil {
		return nil, err
	}
	if calc.Result, err = work(pol, in, QuarterStart(c.Year, c.Quarter), calc.Prior); err != nil {
		return nil, err
	}
	return calc, nil
}

// Reject refuses a submitted or pending claim with a reason; nothing moves.
func (s *Service) Reject(ctx context.Context, u *auth.User, id int64, reason string) (*Claim, error) {
	if err := may(u, auth.PermProgramManage); err != nil {
		return nil, err
	}
	if reason = clean(reason); reason == "" {
		return nil, i18n.FieldError("reason", "error.required")
	} else if len([]rune(reason)) > maxText {
		return nil, i18n.FieldError("reason", "error.too_long", maxText)
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.getClaim(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if c.State != Submitted && c.State != Waiting {
			return i18n.E(i18n.Conflict, "subsidy.not_submitted")
		}
		if err := transition(ctx, tx, c, Rejected, `, reason = $4, decided_by = $5, decided_at = $6`, reason, u.ID, tx.Now); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "subsidy.claim.reject", ObjectType: objClaim, ObjectID: idOf(id), RegionCode: c.RegionCode, Reason: reason})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Claim(ctx, u, id)
}

// Pay records finance's bank transfer of an approved claim.
func (s *Service) Pay(ctx context.Context, u *auth.User, id int64, bankRef string) (*Claim, error) {
	if err := may(u, auth.PermFinancePay); err != nil {
		return nil, err
	}
	if bankRef = clean(bankRef); bankRef == "" {
		return nil, i18n.FieldError("bank_ref", "error.required")
	} else if len([]rune(bankRef)) > maxText {
		return nil, i18n.FieldError("bank_ref", "error.too_long", maxText)
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.getClaim(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if c.State != Approved {
			return i18n.E(i18n.Conflict, "subsidy.not_approved")
		}
		paid := ledger.PaidAccount(budgetRegion(c.RegionCode), c.Year)
		if _, err := ledger.Open(ctx, tx, paid); err != nil {
			return err
		}
		if _, _, err := ledger.Pay(ctx, tx, s.Audit, u, ledger.Move{Key: "subsidy.pay:" + idOf(id), From: payableAccount(id), To: paid.Code,
			Amount: c.Amount, ObjectType: objClaim, ObjectID: idOf(id), Memo: "补助拨付 银行流水号 " + bankRef}); err != nil {
			return err
		}
		if err := transition(ctx, tx, c, Paid, `, bank_ref = $4, paid_by = $5, paid_at = $6`, bankRef, u.ID, tx.Now); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "subsidy.claim.pay", ObjectType: objClaim, ObjectID: idOf(id), RegionCode: c.RegionCode,
			Reason: bankRef, After: audit.JSON(map[string]any{"amount": c.Amount})})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Claim(ctx, u, id)
}

// --- Budgets ---

// FundInput is finance's appropriation to a year's budget of one kind.
type FundInput struct {
	Year   int    `json:"year"`
	Kind   Kind   `json:"kind"`
	Amount string `json:"amount"` // 元 (or 万元 with the unit)
	Key    string `json:"key"`    // the form's token: a double submit is one appropriation
}

// FundBudget appropriates money from the district's fund of the year to the
// year's budget of the kind, opening it the first time.
func (s *Service) FundBudget(ctx context.Context, u *auth.User, in FundInput) error {
	if err := may(u, auth.PermFinancePay); err != nil {
		return err
	}
	var p i18n.Problems
	if in.Year < 2000 || in.Year > 2100 {
		p.Add("year", "error.invalid_value")
	}
	if !in.Kind.Valid() {
		p.Add("kind", "error.invalid_value")
	}
	amount, err := ledger.ParseAmount(in.Amount)
	if err != nil {
		p.AddErr("amount", err)
	}
	if in.Key = clean(in.Key); in.Key == "" {
		p.Add("key", "error.required")
	}
	if err := p.Err(); err != nil {
		return err
	}
	region := budgetRegion(u.RegionCode)
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO subsidy_budgets (region_code, year, kind, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (region_code, year, kind) DO NOTHING`, region, in.Year, string(in.Kind), tx.Now); err != nil {
			return db.Normalize(err)
		}
		fund := ledger.FundAccount(region, in.Year)
		budget := budgetAccount(region, in.Year, in.Kind)
		for _, a := range []ledger.Account{fund,
			{Code: budget, Name: itoa(in.Year) + "年度" + KindNames[in.Kind] + "预算", Kind: ledger.Asset, FloorZero: true, RegionCode: region, Purpose: budget},
		} {
			if _, err := ledger.Open(ctx, tx, a); err != nil {
				return err
			}
		}
		_, replay, err := ledger.Fund(ctx, tx, s.Audit, u, ledger.Move{Key: "subsidy.fund:" + budget + ":" + in.Key, From: fund.Code, To: budget,
			Amount: amount, ObjectType: objBudget, ObjectID: budget, Memo: "下达" + KindNames[in.Kind] + "预算"})
		if err != nil || replay {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "subsidy.budget.fund", ObjectType: objBudget, ObjectID: budget, RegionCode: region,
			After: audit.JSON(map[string]any{"year": in.Year, "kind": in.Kind, "amount": amount})})
		return err
	})
}

// KindNames are the Chinese names of the kinds, for ledger account names
// (the pages use the catalog).
var KindNames = map[Kind]string{Equipment: "研发仪器设备后补助", Purchase: "技术购买补助", Patent: "专利资助"}

// Budgets lists the subsidy budget lines in u's scope with their figures.
func (s *Service) Budgets(ctx context.Context, u *auth.User) ([]ledger.Budget, error) {
	all, err := ledger.Budgets(ctx, s.DB, u.Scope())
	if err != nil {
		return nil, err
	}
	var out []ledger.Budget
	for _, b := range all {
		if strings.HasPrefix(b.Code, "budget:subsidy:") {
			out = append(out, b)
		}
	}
	return out, nil
}

// --- Quarterly report ---

// ReportRow is one line of a batch report: a kind and item, how many claims
// stand where, and the amounts granted and paid.
type ReportRow struct {
	Kind      Kind      `json:"kind"`
	Item      Item      `json:"item,omitempty"`
	Claims    int       `json:"claims"`
	Granted   int       `json:"granted"` // approved or paid
	Amount    money.Fen `json:"amount"`  // granted
	PaidCount int       `json:"paid_count"`
	Paid      money.Fen `json:"paid"`
}

// Report totals the claims of a year (and quarter, when not 0) in u's scope
// by kind and item, and by township (the first 9 digits of the region).
func (s *Service) Report(ctx context.Context, u *auth.User, year, quarter int) (byItem, byTownship []ReportRow, towns []string, err error) {
	var w db.Where
	claimScope(u, &w)
	w.Add("c.year = ?", year)
	if quarter != 0 {
		w.Add("c.quarter = ?", quarter)
	}
	sums := `COUNT(*), SUM(CASE WHEN c.state IN ('approved', 'paid') THEN 1 ELSE 0 END),
		COALESCE(SUM(CASE WHEN c.state IN ('approved', 'paid') THEN c.amount ELSE 0 END), 0),
		SUM(CASE WHEN c.state = 'paid' THEN 1 ELSE 0 END), COALESCE(SUM(CASE WHEN c.state = 'paid' THEN c.amount ELSE 0 END), 0)`
	rows, err := s.DB.QueryContext(ctx, `SELECT c.kind, c.item, `+sums+` FROM subsidy_claims c WHERE `+w.SQL()+` GROUP BY c.kind, c.item ORDER BY c.kind, c.item`, w.Args...)
	if err != nil {
		return nil, nil, nil, db.Normalize(err)
	}
	byItem, err = db.Collect(rows, func(sc interface{ Scan(...any) error }) (ReportRow, error) {
		var r ReportRow
		return r, sc.Scan(&r.Kind, &r.Item, &r.Claims, &r.Granted, &r.Amount, &r.PaidCount, &r.Paid)
	})
	if err != nil {
		return nil, nil, nil, err
	}
	rows, err = s.DB.QueryContext(ctx, `SELECT substr(c.region_code, 1, 9) AS town, `+sums+` FROM subsidy_claims c WHERE `+w.SQL()+` GROUP BY substr(c.region_code, 1, 9) ORDER BY town`, w.Args...)
	if err != nil {
		return nil, nil, nil, db.Normalize(err)
	}
	byTownship, err = db.Collect(rows, func(sc interface{ Scan(...any) error }) (ReportRow, error) {
		var r ReportRow
		var town string
		err := sc.Scan(&town, &r.Claims, &r.Granted, &r.Amount, &r.PaidCount, &r.Paid)
		towns = append(towns, town)
		return r, err
	})
	return byItem, byTownship, towns, err
}
