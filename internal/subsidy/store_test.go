package subsidy_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/enterprise"
	"kejiju/internal/i18n"
	"kejiju/internal/ident"
	"kejiju/internal/ledger"
	"kejiju/internal/money"
	"kejiju/internal/region"
	"kejiju/internal/subsidy"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

var (
	staff   = &auth.User{ID: 1, Username: "staff", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"}
	finance = &auth.User{ID: 3, Username: "finance", Roles: []auth.Role{auth.Finance}, RegionCode: "341203"}
)

// applicants adapts the enterprise service as the app does.
type applicants struct{ s *enterprise.Service }

func (a applicants) Applicant(ctx context.Context, u *auth.User, id int64) (subsidy.Applicant, error) {
	e, err := a.s.Get(ctx, u, id)
	if err != nil {
		return subsidy.Applicant{}, err
	}
	return subsidy.Applicant{ID: e.ID, Name: e.Name, CreditCode: e.CreditCode, RegionCode: e.RegionCode}, nil
}

func (a applicants) ApplicantByCode(ctx context.Context, u *auth.User, code string) (subsidy.Applicant, error) {
	e, err := a.s.ByCode(ctx, u, code)
	if err != nil {
		return subsidy.Applicant{}, err
	}
	return a.Applicant(ctx, u, e.ID)
}

type env struct {
	d     *db.DB
	s     *subsidy.Service
	users []*auth.User
}

func setup(t *testing.T, d *db.DB, n int, day string) *env {
	t.Helper()
	ctx := context.Background()
	lg, err := audit.New(audit.SM3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&region.Store{DB: d, Audit: lg}).Seed(ctx, append(region.Anhui(), region.DemoDistrict()...)); err != nil {
		t.Fatal(err)
	}
	at, _ := time.ParseInLocation("2006-01-02 15:04", day+" 10:00", calendar.Shanghai)
	d.Now = func() time.Time { return at.UTC() }
	ent := &enterprise.Service{DB: d, Audit: lg}
	e := &env{d: d, s: &subsidy.Service{DB: d, Audit: lg, Enterprises: applicants{ent}}}
	if err := e.s.Seed(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		got, err := ent.Create(ctx, staff, enterprise.Input{CreditCode: enterprise.SampleCode(i + 1), Name: fmt.Sprintf("颍东测试科技有限公司%02d", i+1),
			RegionCode: "341203200", LegalRep: "刘总", Address: "颍东区测试路1号", ContactName: "刘经理", ContactPhone: "13800000001"}, "")
		if err != nil {
			t.Fatal(err)
		}
		e.users = append(e.users, &auth.User{ID: int64(100 + i), Username: fmt.Sprintf("ent%02d", i+1), Roles: []auth.Role{auth.Enterprise},
			RegionCode: "341203", EnterpriseID: got.ID})
	}
	return e
}

func (e *env) fund(t *testing.T, k subsidy.Kind, amount string) {
	t.Helper()
	if err := e.s.FundBudget(context.Background(), finance, subsidy.FundInput{Year: 2026, Kind: k, Amount: amount, Key: "t-" + amount}); err != nil {
		t.Fatal(err)
	}
}

func equipment(values ...int64) subsidy.ClaimInput {
	in := &subsidy.EquipmentInput{Sales: 800 * 1_000_000}
	for i, v := range values {
		in.Devices = append(in.Devices, subsidy.Device{Name: fmt.Sprintf("研发仪器%d", i+1), Value: money.Fen(v * 100), ForRD: true})
	}
	return subsidy.ClaimInput{Kind: subsidy.Equipment, Equipment: in}
}

func bal(t *testing.T, d *db.DB, code string) money.Fen {
	t.Helper()
	b, err := ledger.Balance(context.Background(), d, code)
	if err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	return b
}

func count(t *testing.T, d *db.DB, q string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func key(err error) string {
	if p, ok := err.(i18n.Problems); ok && len(p) > 0 {
		return p[0].Field + ":" + p[0].Key
	}
	if e, ok := err.(*i18n.Error); ok {
		return e.Field + ":" + e.Key
	}
	return fmt.Sprint(err)
}

// TestFlow: an enterprise claims the equipment post-subsidy, staff approve,
// finance pays; the ledger and the finance views agree at every step.
func TestFlow(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d, 2, "2026-11-20")
		e.fund(t, subsidy.Equipment, "300万元")
		budget := "budget:subsidy:341203:2026:equipment"

		calc, err := e.s.Calculate(ctx, e.users[0], equipment(15_000_000, 800_000))
		if err != nil || calc.Result.Amount != (2_000_000+120_000)*100 || !calc.Result.Capped || calc.Policy.DocumentNo != "皖政〔2017〕52号" {
			t.Fatalf("calculate: %+v %v", calc, err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM subsidy_claims`); n != 0 {
			t.Fatalf("a calculation wrote %d claims", n)
		}
		in := equipment(15_000_000, 800_000)
		in.Key = "form-1"
		c, err := e.s.Submit(ctx, e.users[0], in)
		if err != nil || c.State != subsidy.Submitted || c.Amount != 212_000_000 || c.Quarter != 4 || len(c.Lines) < 3 {
			t.Fatalf("submit: %+v %v", c, err)
		}
		again, err := e.s.Submit(ctx, e.users[0], in)
		if err != nil || again.ID != c.ID {
			t.Fatalf("the same key again: %+v %v", again, err)
		}
		// The other enterprise sees nothing of it.
		if _, err := e.s.Claim(ctx, e.users[1], c.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Fatalf("another enterprise: %v", err)
		}
		// Only staff approve, only finance pays.
		if _, err := e.s.Approve(ctx, e.users[0], c.ID); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Fatalf("enterprise approves: %v", err)
		}
		if c, err = e.s.Approve(ctx, staff, c.ID); err != nil || c.State != subsidy.Approved {
			t.Fatalf("approve: %+v %v", c, err)
		}
		if got := bal(t, d, budget); got != 300*1_000_000-212_000_000 {
			t.Errorf("budget after approval %d", got)
		}
		if _, err := e.s.Pay(ctx, finance, c.ID, ""); key(err) != "bank_ref:error.required" {
			t.Fatalf("pay without a reference: %v", err)
		}
		if c, err = e.s.Pay(ctx, finance, c.ID, "BOC-20261120-7"); err != nil || c.State != subsidy.Paid || c.BankRef != "BOC-20261120-7" {
			t.Fatalf("pay: %+v %v", c, err)
		}
		if _, err := e.s.Pay(ctx, finance, c.ID, "BOC-20261120-7"); i18n.ErrorCode(err) != i18n.Conflict {
			t.Fatalf("paid twice: %v", err)
		}
		lines, err := e.s.Budgets(ctx, staff)
		if err != nil || len(lines) != 1 || lines[0].Paid != 212_000_000 || lines[0].Appropriated != 300*1_000_000 || !lines[0].Balanced() {
			t.Fatalf("budget line %+v %v", lines, err)
		}
		// A second claim the same year: the enterprise cap (500万元) less
		// what it received (212万元) is all it can get.
		c2, err := e.s.Submit(ctx, e.users[0], equipment(15_000_000, 15_000_000))
		if err != nil || c2.Amount != 288_000_000 {
			t.Fatalf("second claim: %+v %v", c2, err)
		}
		// … and the budget has only 88万元 left: approval is refused,
		// nothing moves.
		if _, err := e.s.Approve(ctx, staff, c2.ID); key(err) != ":subsidy.budget_short" {
			t.Fatalf("over the budget: %v", err)
		}
		if got := bal(t, d, budget); got != 88*1_000_000 {
			t.Errorf("budget after a refused approval %d", got)
		}
		if c2, err = e.s.Reject(ctx, staff, c2.ID, "预算不足，转下年度"); err != nil || c2.State != subsidy.Rejected {
			t.Fatalf("reject: %+v %v", c2, err)
		}
		rec, err := ledger.Reconcile(ctx, d, staff.Scope())
		if err != nil || !rec.OK() {
			t.Fatalf("reconcile %+v %v", rec, err)
		}
		byItem, byTown, towns, err := e.s.Report(ctx, staff, 2026, 4)
		if err != nil || len(byItem) != 1 || byItem[0].Claims != 2 || byItem[0].Granted != 1 || byItem[0].Paid != 212_000_000 ||
			len(byTown) != 1 || towns[0] != "341203200" {
			t.Fatalf("report %+v %+v %v %v", byItem, byTown, towns, err)
		}
		if r, err := audit.Verify(ctx, d); err != nil {
			t.Fatalf("audit chain: %+v %v", r, err)
		}
	})
}

// TestBadInput: each bad claim is refused naming the field or the rule,
// and nothing is written.
func TestBadInput(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d, 1, "2026-11-20")
		e.fund(t, subsidy.Patent, "10万元")
		digits := "202610012345"
		check, _ := ident.PatentCheckChar(digits)
		good := digits + "." + string(check)
		wrong := digits + "." + string("0123456789X"[(1+indexOf(check))%11])
		util := "202620012345"
		uc, _ := ident.PatentCheckChar(util)
		patent := func(p subsidy.PatentInput) subsidy.ClaimInput {
			return subsidy.ClaimInput{Kind: subsidy.Patent, Patent: &p}
		}
		before := count(t, d, `SELECT COUNT(*) FROM audit_events`)
		cases := []struct {
			name string
			in   subsidy.ClaimInput
			want string
		}{
			{"no devices", subsidy.ClaimInput{Kind: subsidy.Equipment, Equipment: &subsidy.EquipmentInput{}}, "devices:error.required"},
			{"a negative device value", equipment(-5), "devices:subsidy.bad_device"},
			{"sales too low", subsidy.ClaimInput{Kind: subsidy.Equipment, Equipment: &subsidy.EquipmentInput{Sales: 100, Devices: []subsidy.Device{{Name: "x", Value: 50_000_000, ForRD: true}}}}, ":subsidy.line.equipment.sales"},
			{"unknown kind", subsidy.ClaimInput{Kind: "bonus"}, "kind:error.invalid_value"},
			{"a wrong check digit", patent(subsidy.PatentInput{Item: subsidy.InventionGrant, AppNo: wrong, GrantDate: calendar.MustParse("2026-09-01")}), "app_no:ident.patent_number.checksum"},
			{"a utility model after 2021", patent(subsidy.PatentInput{Item: subsidy.UtilityGrant, AppNo: util + "." + string(uc), GrantDate: calendar.MustParse("2026-09-01")}), ":subsidy.line.patent.cnipa_item"},
			{"an invention grant in 2026", patent(subsidy.PatentInput{Item: subsidy.InventionGrant, AppNo: good, GrantDate: calendar.MustParse("2026-09-01"), Fee: 90_000}), ":subsidy.line.patent.cnipa_ended"},
			{"a pledge item without the loan", patent(subsidy.PatentInput{Item: subsidy.PledgeAssessment}), "loan_no:error.required"},
			{"a negative fee", patent(subsidy.PatentInput{Item: subsidy.PledgeAssessment, LoanNo: "JK-1", Fee: -1}), "fee:subsidy.negative"},
			{"seller region malformed", subsidy.ClaimInput{Kind: subsidy.Purchase, Purchase: &subsidy.PurchaseInput{ContractNo: "1", Registered: true, SellerName: "x", SellerRegion: "31x", Amount: 100}}, "seller_region:ident.region_code.format"},
		}
		for _, c := range cases {
			if _, err := e.s.Submit(ctx, e.users[0], c.in); key(err) != c.want {
				t.Errorf("%s: %v (%s), want %s", c.name, err, key(err), c.want)
			}
		}
		if n := count(t, d, `SELECT COUNT(*) FROM subsidy_claims`); n != 0 {
			t.Errorf("%d claims written", n)
		}
		if after := count(t, d, `SELECT COUNT(*) FROM audit_events`); after != before {
			t.Errorf("%d audit events written", after-before)
		}
		// The same loan's assessment claimed twice: the second is a
		// duplicate; a loan not yet repaid waits.
		in := patent(subsidy.PatentInput{Item: subsidy.PledgeAssessment, LoanNo: "JK-2026-01", Loan: 1_000 * 1_000_000, Fee: 80_000 * 100})
		c, err := e.s.Submit(ctx, e.users[0], in)
		if err != nil || c.Amount != 50_000*100 {
			t.Fatalf("assessment: %+v %v", c, err)
		}
		in.Patent.Fee = 70_000 * 100
		if _, err := e.s.Submit(ctx, e.users[0], in); key(err) != ":subsidy.duplicate" {
			t.Fatalf("the same loan again: %v", err)
		}
		w, err := e.s.Submit(ctx, e.users[0], patent(subsidy.PatentInput{Item: subsidy.PledgeInterest, LoanNo: "JK-2026-01", Loan: 1_000 * 1_000_000, Interest: 40 * 1_000_000}))
		if err != nil || w.State != subsidy.Waiting || w.Amount != 0 {
			t.Fatalf("interest before repayment: %+v %v", w, err)
		}
		if _, err := e.s.Approve(ctx, staff, w.ID); i18n.ErrorCode(err) != i18n.Conflict {
			t.Fatalf("a pending claim approved: %v", err)
		}
	})
}

func indexOf(c byte) int {
	for i, x := range []byte("0123456789X") {
		if x == c {
			return i
		}
	}
	return 0
}

// TestConcurrentApprovals: 40 claims of 3万元 each from 40 enterprises,
// approved by 40 goroutines at once against a budget of 60万元 → exactly 20
// are approved, the budget is 0, never below; the rest are refused.
func TestConcurrentApprovals(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const n = 40
		e := setup(t, d, n, "2026-11-20")
		e.fund(t, subsidy.Equipment, "60万元")
		ids := make([]int64, n)
		for i := range n {
			c, err := e.s.Submit(ctx, e.users[i], equipment(200_000))
			if err != nil {
				t.Fatal(err)
			}
			ids[i] = c.ID
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, short := 0, 0
		for _, id := range ids {
			wg.Go(func() {
				_, err := e.s.Approve(ctx, staff, id)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case key(err) == ":subsidy.budget_short":
					short++
				default:
					t.Errorf("approve %d: %v", id, err)
				}
			})
		}
		wg.Wait()
		if ok != 20 || short != 20 {
			t.Errorf("approved %d, refused %d", ok, short)
		}
		if b := bal(t, d, "budget:subsidy:341203:2026:equipment"); b != 0 {
			t.Errorf("budget left %d", b)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM subsidy_claims WHERE state = 'approved'`); n != 20 {
			t.Errorf("%d approved rows", n)
		}
		if r, err := ledger.Verify(ctx, d); err != nil || !r.OK() {
			t.Errorf("verify %+v %v", r, err)
		}
	})
}
