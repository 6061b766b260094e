package subsidy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/money"
)

// Subsidy money in the ledger (see the ledger package for the mechanism).
//
//	fund:<region>:<year>                     equity, floored  the district's fund of the year
//	budget:subsidy:<region>:<year>:<kind>    asset,  floored  the year's budget of one kind of subsidy
//	commit:subsidy:<claim>                   asset,  floored  (passed through on approval)
//	payable:subsidy:<claim>                  asset,  floored  approved, not yet paid
//	paid:<region>:<year>                     expense          paid out
//
//	FundBudget  Fund        fund → budget                    "subsidy.fund:<region>:<year>:<kind>:<form key>"
//	Approve     Commit      budget → commit                  "subsidy.commit:<claim>"
//	            MakePayable commit → payable                 "subsidy.payable:<claim>"
//	Pay         Pay         payable → paid                   "subsidy.pay:<claim>"
//
// The budget floor refuses an approval beyond the year's budget; keys are
// deterministic per business event, so a retry is one effect.

func budgetAccount(region string, year int, k Kind) string {
	return fmt.Sprintf("budget:subsidy:%s:%d:%s", region, year, k)
}
func commitAccount(id int64) string  { return "commit:subsidy:" + idOf(id) }
func payableAccount(id int64) string { return "payable:subsidy:" + idOf(id) }
func idOf(id int64) string           { return strconv.FormatInt(id, 10) }
func clean(s string) string          { return strings.TrimSpace(s) }
func forbidden() error               { return i18n.E(i18n.Forbidden, "error.forbidden") }
func notFound() error                { return i18n.E(i18n.NotFound, "error.not_found") }
func today(tx *db.Tx) calendar.Date  { return calendar.FromTime(tx.Now, calendar.Shanghai) }

// The object types in the audit log and the ledger.
const (
	objClaim  = "subsidy_claim"
	objPolicy = "subsidy_policy"
	objBudget = "subsidy_budget"
	maxText   = 200
)

// Service runs every read through the caller's data scope and every change
// in one transaction with its audit event and ledger postings.
//
// Who does what: an enterprise user claims for its own enterprise
// (PermApply); staff claim on an enterprise's behalf, approve and reject
// (PermProgramManage) and keep the policies; finance funds the budgets and
// pays (PermFinancePay).
type Service struct {
	DB          *db.DB
	Audit       *audit.Log
	Enterprises Enterprises
}

// Applicant is what the subsidy area needs of the enterprise that claims.
type Applicant struct {
	ID         int64
	Name       string
	CreditCode string
	RegionCode string
}

// Enterprises tells who an enterprise is (wired in app).
type Enterprises interface {
	// Applicant returns the enterprise with id, or NotFound when it does
	// not exist or lies outside u's scope.
	Applicant(ctx context.Context, u *auth.User, enterpriseID int64) (Applicant, error)
	// ApplicantByCode finds the enterprise by its 统一社会信用代码 in u's
	// scope, or NotFound.
	ApplicantByCode(ctx context.Context, u *auth.User, creditCode string) (Applicant, error)
}

func may(u *auth.User, perm auth.Permission) error {
	if err := u.MayWrite(); err != nil {
		return err
	}
	if !u.Can(perm) || u.IsEnterprise() {
		return forbidden()
	}
	return nil
}

// CanManage, CanPay and CanClaim report the roles for the pages.
func CanManage(u *auth.User) bool { return may(u, auth.PermProgramManage) == nil }
func CanPay(u *auth.User) bool    { return may(u, auth.PermFinancePay) == nil }
func CanClaim(u *auth.User) bool {
	return u.MayWrite() == nil && u.Can(auth.PermSubsidyClaim) && (!u.IsEnterprise() || u.EnterpriseID != 0)
}

// --- Policies ---

// Policy is one version of an official subsidy rule.
type Policy struct {
	ID            int64           `json:"id"`
	Kind          Kind            `json:"kind"`
	Title         string          `json:"title"`
	DocumentNo    string          `json:"document_no"`
	EffectiveFrom calendar.Date   `json:"effective_from"`
	EffectiveTo   calendar.Date   `json:"effective_to,omitzero"`
	Params        json.RawMessage `json:"params"`
}

// Covers reports whether the policy is in force on d.
func (p Policy) Covers(d calendar.Date) bool {
	return !d.Before(p.EffectiveFrom) && (p.EffectiveTo.IsZero() || !d.After(p.EffectiveTo))
}

// decodeParams reads params strictly into the kind's parameter struct.
func decodeParams(k Kind, raw []byte) (any, error) {
	var v any
	switch k {
	case Equipment:
		v = &EquipmentParams{}
	case Purchase:
		v = &PurchaseParams{}
	case Patent:
		v = &PatentParams{}
	default:
		return nil, i18n.FieldError("kind", "error.invalid_value")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return nil, i18n.FieldError("params", "subsidy.policy.bad_params", err.Error())
	}
	return v, nil
}

// PolicyInput is a new policy version as staff type it.
type PolicyInput struct {
	Kind          Kind   `json:"kind"`
	Title         string `json:"title"`
	DocumentNo    string `json:"document_no"`
	EffectiveFrom string `json:"effective_from"`
	EffectiveTo   string `json:"effective_to"`
	Params        string `json:"params"`
}

// AddPolicy records a new policy version.
func (s *Service) AddPolicy(ctx context.Context, u *auth.User, in PolicyInput) (*Policy, error) {
	if err := may(u, auth.PermProgramManage); err != nil {
		return nil, err
	}
	var p i18n.Problems
	if !in.Kind.Valid() {
		p.Add("kind", "error.invalid_value")
	}
	for f, v := range map[string]*string{"title": &in.Title, "document_no": &in.DocumentNo} {
		if *v = clean(*v); *v == "" {
			p.Add(f, "error.required")
		} else if utf8.RuneCountInString(*v) > maxText {
			p.Add(f, "error.too_long", maxText)
		}
	}
	from, err := calendar.Parse(clean(in.EffectiveFrom))
	if err != nil {
		p.Add("effective_from", "error.invalid_value")
	}
	var to calendar.Date
	if v := clean(in.EffectiveTo); v != "" {
		if to, err = calendar.Parse(v); err != nil {
			p.Add("effective_to", "error.invalid_value")
		} else if to.Before(from) {
			p.Add("effective_to", "subsidy.policy.bad_window")
		}
	}
	var params []byte
	if in.Kind.Valid() {
		v, err := decodeParams(in.Kind, []byte(in.Params))
		if err != nil {
			p.AddErr("params", err)
		} else {
			params, _ = json.Marshal(v)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = s.insertPolicy(ctx, tx, u, Policy{Kind: in.Kind, Title: in.Title, DocumentNo: in.DocumentNo, EffectiveFrom: from, EffectiveTo: to, Params: params})
		if db.IsUnique(err) {
			return i18n.FieldError("effective_from", "subsidy.policy.duplicate")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.policy(ctx, s.DB, id)
}

func (s *Service) insertPolicy(ctx context.Context, tx *db.Tx, u *auth.User, p Policy) (int64, error) {
	var id int64
	var by *int64
	if u != nil {
		by = &u.ID
	}
	to := ""
	if !p.EffectiveTo.IsZero() {
		to = p.EffectiveTo.String()
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO subsidy_policies (kind, title, document_no, effective_from, effective_to, params, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, string(p.Kind), p.Title, p.DocumentNo, p.EffectiveFrom.String(), to,
		string(p.Params), by, tx.Now).Scan(&id); err != nil {
		return 0, db.Normalize(err)
	}
	p.ID = id
	_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "subsidy.policy.add", ObjectType: objPolicy, ObjectID: idOf(id), After: audit.JSON(p)})
	return id, err
}

const policyColumns = `id, kind, title, document_no, effective_from, effective_to, params`

func scanPolicy(sc interface{ Scan(...any) error }) (Policy, error) {
	var p Policy
	var from, to, params string
	if err := sc.Scan(&p.ID, &p.Kind, &p.Title, &p.DocumentNo, &from, &to, &params); err != nil {
		return p, err
	}
	p.EffectiveFrom, _ = calendar.Parse(from)
	p.EffectiveTo, _ = calendar.Parse(to)
	p.Params = json.RawMessage(params)
	return p, nil
}

func (s *Service) policy(ctx context.Context, q db.Querier, id int64) (*Policy, error) {
	p, err := scanPolicy(q.QueryRowContext(ctx, `SELECT `+policyColumns+` FROM subsidy_policies WHERE id = $1`, id))
	if db.IsNoRows(err) {
		return nil, notFound()
	}
	return &p, db.Normalize(err)
}

// Policies lists every policy version, by kind and newest first.
func (s *Service) Policies(ctx context.Context) ([]Policy, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT `+policyColumns+` FROM subsidy_policies ORDER BY kind, effective_from DESC`)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, scanPolicy)
}

// PolicyOn returns the policy of kind in force on d: the latest that
// covers it.
func (s *Service) PolicyOn(ctx context.Context, q db.Querier, k Kind, d calendar.Date) (*Policy, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+policyColumns+` FROM subsidy_policies WHERE kind = $1 AND effective_from <= $2
		ORDER BY effective_from DESC`, string(k), d.String())
	if err != nil {
		return nil, db.Normalize(err)
	}
	ps, err := db.Collect(rows, scanPolicy)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.Covers(d) {
			return &p, nil
		}
	}
	return nil, i18n.FieldError("kind", "subsidy.no_policy", d.String())
}

// --- Claims ---

// State is where a claim stands.
type State string

// The states of a claim.
const (
	Submitted State = "submitted"
	Approved  State = "approved"
	Rejected  State = "rejected"
	Paid      State = "paid"
	Waiting   State = "pending" // the calculation said Pending (a loan not yet repaid)
)

// Claim is an enterprise's application for one subsidy.
type Claim struct {
	ID             int64           `json:"id"`
	PolicyID       int64           `json:"policy_id"`
	PolicyTitle    string          `json:"policy_title"`
	DocumentNo     string          `json:"document_no"`
	Kind           Kind            `json:"kind"`
	RegionCode     string          `json:"region_code"`
	Year           int             `json:"year"`
	Quarter        int             `json:"quarter"`
	EnterpriseID   int64           `json:"enterprise_id"`
	EnterpriseName string          `json:"enterprise_name"`
	CreditCode     string          `json:"credit_code"`
	Item           Item            `json:"item,omitempty"`
	Ref            string          `json:"ref,omitempty"`
	Input          json.RawMessage `json:"input"`
	Amount         money.Fen       `json:"amount"`
	Lines          []Line          `json:"lines"`
	State          State           `json:"state"`
	Reason         string          `json:"reason,omitempty"`
	BankRef        string          `json:"bank_ref,omitempty"`
	SubmittedAt    time.Time       `json:"submitted_at"`
	Version        int64           `json:"version"`
}
