package voucher_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/enterprise"
	"kejiju/internal/i18n"
	"kejiju/internal/ledger"
	"kejiju/internal/money"
	"kejiju/internal/region"
	"kejiju/internal/voucher"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

var (
	staff   = &auth.User{ID: 1, Username: "staff", DisplayName: "张科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"}
	staff2  = &auth.User{ID: 2, Username: "staff2", DisplayName: "王科长", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"}
	finance = &auth.User{ID: 3, Username: "finance", DisplayName: "李会计", Roles: []auth.Role{auth.Finance}, RegionCode: "341203"}
)

type env struct {
	d     *db.DB
	s     *voucher.Service
	users []*auth.User
	now   time.Time
	mu    sync.Mutex
}

func (e *env) setDay(s string) {
	at, _ := time.ParseInLocation("2006-01-02 15:04", s+" 10:00", calendar.Shanghai)
	e.mu.Lock()
	e.now = at.UTC()
	e.mu.Unlock()
}

func setup(t *testing.T, d *db.DB, n int) *env {
	t.Helper()
	ctx := context.Background()
	lg, err := audit.New(audit.SM3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&region.Store{DB: d, Audit: lg}).Seed(ctx, append(region.Anhui(), region.DemoDistrict()...)); err != nil {
		t.Fatal(err)
	}
	ent := &enterprise.Service{DB: d, Audit: lg}
	e := &env{d: d, s: &voucher.Service{DB: d, Audit: lg, Enterprises: holders{ent}}}
	e.setDay("2026-03-01")
	d.Now = func() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }
	for i := range n {
		got, err := ent.Create(ctx, staff, enterprise.Input{CreditCode: enterprise.SampleCode(i + 1), Name: fmt.Sprintf("颍东测试科技有限公司%02d", i+1),
			RegionCode: "341203200", LegalRep: "刘总", Address: fmt.Sprintf("颍东区测试路%d号", i+1), ContactName: "刘经理", ContactPhone: "13800000001"}, "")
		if err != nil {
			t.Fatal(err)
		}
		e.users = append(e.users, &auth.User{ID: int64(100 + i), Username: fmt.Sprintf("ent%02d", i+1), DisplayName: got.Name,
			Roles: []auth.Role{auth.Enterprise}, RegionCode: "341203", EnterpriseID: got.ID})
	}
	return e
}

const uni = "12340000485001234X" // 某大学 (whitelisted)
const lab = "91341200MA2T00000K" // 检测中心, same phone as the enterprises

func (e *env) batch(t *testing.T, budget, ecap, ccap string) *voucher.Batch {
	t.Helper()
	b, err := e.s.CreateBatch(context.Background(), staff, voucher.BatchInput{Year: 2026, Title: "2026年第一批科技创新券", Budget: budget,
		RateBP: 3500, EnterpriseCap: ecap, ClaimCap: ccap, ValidFrom: "2026-01-01", ValidTo: "2026-12-31",
		Services: []string{"检验检测", "研发设计"},
		Providers: []voucher.Provider{{CreditCode: uni, Name: "某大学", LegalRep: "陈校长", Address: "合肥市蜀山区", Phone: "0551-63600000"},
			{CreditCode: lab, Name: "某检测中心", LegalRep: "孙主任", Address: "阜阳市", Phone: "138 0000 0001"}}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *env) issued(t *testing.T, b *voucher.Batch, ent int, face string) *voucher.Voucher {
	t.Helper()
	ctx := context.Background()
	v, err := e.s.Apply(ctx, e.users[ent], b.ID, voucher.ApplyInput{Face: face})
	if err != nil {
		t.Fatal(err)
	}
	if v, err = e.s.Issue(ctx, staff, v.ID); err != nil {
		t.Fatal(err)
	}
	return v
}

// invoices numbers the test claims' invoices: each claimIn is a new one.
var invoices atomic.Int64

func claimIn(paid string) voucher.ClaimInput {
	return voucher.ClaimInput{ProviderCode: uni, Service: "检验检测", ContractNo: "HT-2026-001", InvoiceNo: fmt.Sprintf("%08d", invoices.Add(1)),
		PaidAmount: paid, PaidOn: "2026-02-20", Evidence: "银行回单 20260220-01"}
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

func verify(t *testing.T, d *db.DB) {
	t.Helper()
	r, err := ledger.Verify(context.Background(), d)
	if err != nil || !r.OK() {
		t.Fatalf("ledger verify: %+v %v", r, err)
	}
	if res, err := audit.Verify(context.Background(), d); err != nil {
		t.Fatalf("audit verify: %+v %v", res, err)
	}
}

func field(err error) string {
	if p, ok := err.(i18n.Problems); ok && len(p) > 0 {
		return p[0].Field + ":" + p[0].Key
	}
	if e, ok := err.(*i18n.Error); ok {
		return e.Field + ":" + e.Key
	}
	return fmt.Sprint(err)
}

func TestFlow(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d, 2)
		b := e.batch(t, "100万元", "20万元", "5万元")
		if got := bal(t, d, "budget:voucher-batch:"+fmt.Sprint(b.ID)); got != 1_000_000_00 {
			t.Fatalf("batch budget %d", got)
		}
		v := e.issued(t, b, 0, "200000")
		if v.EnterpriseName != e.users[0].DisplayName || v.RegionCode != "341203200" {
			t.Fatalf("holder %q in %s", v.EnterpriseName, v.RegionCode)
		}
		if got := bal(t, d, fmt.Sprintf("commit:voucher:%d", v.ID)); got != 200_000_00 {
			t.Fatalf("commit %d", got)
		}
		// 100,000 at 35% → 35,000 (under the 50,000 cap).
		c, err := e.s.Submit(ctx, e.users[0], v.ID, claimIn("100000"))
		if err != nil {
			t.Fatal(err)
		}
		if c.Estimate != 35_000_00 || c.Related {
			t.Fatalf("claim %+v", c)
		}
		if _, err := e.s.Approve(ctx, e.users[0], c.ID); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Fatalf("enterprise approves own claim: %v", err)
		}
		if c, err = e.s.Approve(ctx, staff, c.ID); err != nil || c.Payable != 35_000_00 || c.Limit != voucher.LimitRate {
			t.Fatalf("approve %+v %v", c, err)
		}
		// Over the cap: 200,000 at 35% = 70,000 → pays the 50,000 cap and says so.
		c2, err := e.s.Submit(ctx, e.users[0], v.ID, claimIn("200000"))
		if err != nil || c2.Estimate != 50_000_00 || c2.Limit != voucher.LimitCap {
			t.Fatalf("capped claim %+v %v", c2, err)
		}
		if c2, err = e.s.Approve(ctx, staff, c2.ID); err != nil || c2.Payable != 50_000_00 || c2.Limit != voucher.LimitCap {
			t.Fatalf("approve capped %+v %v", c2, err)
		}
		if _, err := e.s.Pay(ctx, staff, c.ID, "YH001"); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Fatalf("staff pays: %v", err)
		}
		if c, err = e.s.Pay(ctx, finance, c.ID, "YH001"); err != nil || c.Status != voucher.ClaimPaid {
			t.Fatalf("pay %+v %v", c, err)
		}
		if _, err := e.s.Pay(ctx, finance, c.ID, "YH001"); i18n.ErrorCode(err) != i18n.Conflict {
			t.Fatalf("second pay: %v", err)
		}
		if got := bal(t, d, "paid:341203:2026"); got != 35_000_00 {
			t.Fatalf("paid %d", got)
		}
		if got := bal(t, d, fmt.Sprintf("payable:voucher:%d", v.ID)); got != 50_000_00 {
			t.Fatalf("payable %d", got)
		}
		if got := bal(t, d, fmt.Sprintf("commit:voucher:%d", v.ID)); got != 115_000_00 {
			t.Fatalf("commit %d", got)
		}
		// Scope: another enterprise sees nothing of this voucher or claim.
		if _, err := e.s.Voucher(ctx, e.users[1], v.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Fatalf("other enterprise reads voucher: %v", err)
		}
		if _, err := e.s.Claim(ctx, e.users[1], c.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Fatalf("other enterprise reads claim: %v", err)
		}
		if vs, n, err := e.s.Vouchers(ctx, e.users[1], voucher.VoucherFilter{}); err != nil || len(vs) != 0 || n != 0 {
			t.Fatalf("other enterprise lists %d vouchers, %v", len(vs), err)
		}
		if vs, n, err := e.s.Vouchers(ctx, e.users[0], voucher.VoucherFilter{}); err != nil || len(vs) != 1 || n != 1 || vs[0].Remaining() != 115_000_00 {
			t.Fatalf("own vouchers %+v, %v", vs, err)
		}
		// Issuing beyond the batch budget is refused, nothing posted.
		b2 := e.batch(t, "10万元", "20万元", "5万元")
		v2, err := e.s.Apply(ctx, e.users[1], b2.ID, voucher.ApplyInput{Face: "150000"})
		if err != nil {
			t.Fatal(err)
		}
		before := count(t, d, `SELECT COUNT(*) FROM ledger_transactions`)
		if _, err := e.s.Issue(ctx, staff, v2.ID); field(err) != ":voucher.batch.short" {
			t.Fatalf("short batch: %v", err)
		}
		if after := count(t, d, `SELECT COUNT(*) FROM ledger_transactions`); after != before {
			t.Fatalf("short issue posted %d transactions", after-before)
		}
		verify(t, d)
	})
}

func TestBadInput(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d, 1)
		b := e.batch(t, "100万元", "20万元", "5万元")
		v := e.issued(t, b, 0, "100000")
		before := count(t, d, `SELECT COUNT(*) FROM ledger_transactions`)
		claims := func() int { return count(t, d, `SELECT COUNT(*) FROM voucher_claims`) }
		for _, c := range []struct {
			name string
			in   func(*voucher.ClaimInput)
			want string
		}{
			{"negative", func(in *voucher.ClaimInput) { in.PaidAmount = "-100" }, "paid_amount:"},
			{"fraction of a fen", func(in *voucher.ClaimInput) { in.PaidAmount = "100.001" }, "paid_amount:"},
			{"zero", func(in *voucher.ClaimInput) { in.PaidAmount = "0" }, "paid_amount:"},
			{"provider off the whitelist", func(in *voucher.ClaimInput) { in.ProviderCode = "91110000000000000X" }, "provider_code:voucher.claim.not_whitelisted"},
			{"service not eligible", func(in *voucher.ClaimInput) { in.Service = "市场推广" }, "service:voucher.claim.bad_service"},
			{"future payment", func(in *voucher.ClaimInput) { in.PaidOn = "2026-05-01" }, "paid_on:voucher.claim.bad_date"},
			{"no invoice", func(in *voucher.ClaimInput) { in.InvoiceNo = " " }, "invoice_no:error.required"},
		} {
			in := claimIn("1000")
			c.in(&in)
			_, err := e.s.Submit(ctx, e.users[0], v.ID, in)
			if got := field(err); len(got) < len(c.want) || got[:len(c.want)] != c.want {
				t.Errorf("%s: %v (%s), want %s", c.name, err, got, c.want)
			}
		}
		// An expired voucher: the clock passes the validity.
		e.setDay("2027-01-05")
		if _, err := e.s.Submit(ctx, e.users[0], v.ID, claimIn("1000")); field(err) != "voucher:voucher.expired" {
			t.Errorf("expired: %v", err)
		}
		if n := claims(); n != 0 {
			t.Errorf("%d claims written", n)
		}
		if after := count(t, d, `SELECT COUNT(*) FROM ledger_transactions`); after != before {
			t.Errorf("bad input posted %d transactions", after-before)
		}
		// A bad rate for a batch is a field error.
		_, err := e.s.CreateBatch(ctx, staff, voucher.BatchInput{Year: 2026, Title: "x", Budget: "1000", RateBP: 4500, EnterpriseCap: "100",
			ClaimCap: "100", ValidFrom: "2026-01-01", ValidTo: "2026-12-31", Services: []string{"a"}, Providers: []voucher.Provider{{CreditCode: "A", Name: "A"}}})
		if field(err) != "rate_bp:voucher.batch.bad_rate" {
			t.Errorf("bad rate: %v", err)
		}
		verify(t, d)
	})
}

func TestRelatedPartyNeedsSecondApprover(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d, 1)
		b := e.batch(t, "100万元", "20万元", "5万元")
		v := e.issued(t, b, 0, "100000")
		in := claimIn("10000")
		in.ProviderCode = lab // same phone as the enterprise
		c, err := e.s.Submit(ctx, e.users[0], v.ID, in)
		if err != nil || !c.Related || len(c.RelatedWhy) != 1 || c.RelatedWhy[0] != voucher.RelSamePhone {
			t.Fatalf("related claim %+v %v", c, err)
		}
		before := count(t, d, `SELECT COUNT(*) FROM ledger_transactions`)
		if c, err = e.s.Approve(ctx, staff, c.ID); err != nil || c.Status != voucher.ClaimFirstApproved || c.Payable != 0 {
			t.Fatalf("first approval %+v %v", c, err)
		}
		if _, err := e.s.Approve(ctx, staff, c.ID); field(err) != ":voucher.claim.second_approver" {
			t.Fatalf("same approver twice: %v", err)
		}
		if after := count(t, d, `SELECT COUNT(*) FROM ledger_transactions`); after != before {
			t.Fatalf("first approval posted %d", after-before)
		}
		if c, err = e.s.Approve(ctx, staff2, c.ID); err != nil || c.Status != voucher.ClaimApproved || c.Payable != 3_500_00 {
			t.Fatalf("second approval %+v %v", c, err)
		}
		verify(t, d)
	})
}

func TestConcurrentClaims(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d, 1)
		// Face 10,000 元, claims capped at 1,000 元: room for exactly 10.
		const room = 10
		b := e.batch(t, "100万元", "20万元", "1000")
		v := e.issued(t, b, 0, "10000")
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, refused := 0, 0
		var total money.Fen
		var other []error
		for range 200 {
			wg.Go(func() {
				c, err := e.s.Submit(ctx, e.users[0], v.ID, claimIn("10000"))
				if err == nil {
					c, err = e.s.Approve(ctx, staff, c.ID)
				}
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
					total += c.Payable
				case i18n.ErrorCode(err) == i18n.Conflict || i18n.ErrorCode(err) == i18n.Invalid:
					refused++
				default:
					other = append(other, err)
				}
			})
		}
		wg.Wait()
		if len(other) > 0 {
			t.Fatalf("%d unexpected errors, first %v", len(other), other[0])
		}
		if ok != room || refused != 200-room || total != 10_000_00 {
			t.Fatalf("approved %d (total %d), refused %d", ok, total, refused)
		}
		if got := bal(t, d, fmt.Sprintf("commit:voucher:%d", v.ID)); got != 0 {
			t.Fatalf("commit left %d", got)
		}
		if got := bal(t, d, fmt.Sprintf("payable:voucher:%d", v.ID)); got != 10_000_00 {
			t.Fatalf("payable %d", got)
		}
		// The floor refuses anything more even past the service.
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, _, err := ledger.MakePayable(ctx, tx, e.s.Audit, staff, ledger.Move{Key: "test.over", From: fmt.Sprintf("commit:voucher:%d", v.ID),
				To: fmt.Sprintf("payable:voucher:%d", v.ID), Amount: 1})
			return err
		})
		if field(err) != ":ledger.insufficient" {
			t.Fatalf("floor: %v", err)
		}
		verify(t, d)
	})
}

func TestExpiryAndNext(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d, 1)
		b := e.batch(t, "100万元", "20万元", "5万元")
		v := e.issued(t, b, 0, "100000")
		c, err := e.s.Submit(ctx, e.users[0], v.ID, claimIn("100000")) // 35,000
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Approve(ctx, staff, c.ID); err != nil {
			t.Fatal(err)
		}
		budget := fmt.Sprintf("budget:voucher-batch:%d", b.ID)
		if got := bal(t, d, budget); got != 900_000_00 {
			t.Fatalf("budget before expiry %d", got)
		}
		if n, err := e.s.Expire(ctx, staff, calendar.MustParse("2026-12-31")); err != nil || n != 0 {
			t.Fatalf("expire on the last valid day: %d %v", n, err)
		}
		e.setDay("2027-01-01")
		if n, err := e.s.Expire(ctx, staff, calendar.MustParse("2027-01-01")); err != nil || n != 1 {
			t.Fatalf("expire: %d %v", n, err)
		}
		if n, err := e.s.Expire(ctx, staff, calendar.MustParse("2027-01-01")); err != nil || n != 0 {
			t.Fatalf("second expire: %d %v", n, err)
		}
		if got := bal(t, d, budget); got != 965_000_00 {
			t.Fatalf("budget after expiry %d, want 965,000", got)
		}
		if got := bal(t, d, fmt.Sprintf("commit:voucher:%d", v.ID)); got != 0 {
			t.Fatalf("commit after expiry %d", got)
		}
		// 35% used → the next batch is refused.
		b2, err := e.s.CreateBatch(ctx, staff, voucher.BatchInput{Year: 2027, Title: "2027年第一批", Budget: "10万元", EnterpriseCap: "5万元",
			ClaimCap: "1万元", ValidFrom: "2027-01-01", ValidTo: "2027-12-31", Services: []string{"检验检测"}, Providers: []voucher.Provider{{CreditCode: uni, Name: "某大学"}}})
		if err != nil {
			t.Fatal(err)
		}
		if b2.RateBP != voucher.DefaultRateBP {
			t.Fatalf("default rate %d", b2.RateBP)
		}
		if _, err := e.s.Apply(ctx, e.users[0], b2.ID, voucher.ApplyInput{Face: "50000"}); field(err) != "batch:voucher.apply.last_unused" {
			t.Fatalf("next after 35%% use: %v", err)
		}
		verify(t, d)
	})
}

// holders adapts the enterprise service to voucher.Enterprises, as app will.
type holders struct{ s *enterprise.Service }

func (a holders) Holder(ctx context.Context, u *auth.User, id int64) (voucher.Holder, error) {
	e, err := a.s.Get(ctx, u, id)
	if err != nil {
		return voucher.Holder{}, err
	}
	return voucher.Holder{Name: e.Name, RegionCode: e.RegionCode,
		Party: voucher.Party{CreditCode: e.CreditCode, LegalRep: e.LegalRep, Address: e.Address, Phone: e.ContactPhone}}, nil
}

// TestInvoiceClaimedOnce: the same claim sent twice (or twenty times at
// once) makes one claim; another claim on that invoice, by the same
// enterprise with another amount or by another enterprise, is refused with
// the invoice named.
func TestInvoiceClaimedOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d, 2)
		b := e.batch(t, "100万元", "20万元", "5万元")
		v0, v1 := e.issued(t, b, 0, "200000"), e.issued(t, b, 1, "200000")
		in := claimIn("100000")
		first, err := e.s.Submit(ctx, e.users[0], v0.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		again, err := e.s.Submit(ctx, e.users[0], v0.ID, in)
		if err != nil || again.ID != first.ID {
			t.Fatalf("same claim again: %+v %v", again, err)
		}
		other := in
		other.PaidAmount = "90000"
		if _, err := e.s.Submit(ctx, e.users[0], v0.ID, other); field(err) != "invoice_no:voucher.claim.duplicate_invoice" {
			t.Fatalf("same invoice, other amount: %v", err)
		}
		if _, err := e.s.Submit(ctx, e.users[1], v1.ID, in); field(err) != "invoice_no:voucher.claim.duplicate_invoice" {
			t.Fatalf("same invoice, other enterprise: %v", err)
		}

		burst := claimIn("50000")
		var wg sync.WaitGroup
		var mu sync.Mutex
		ids := map[int64]bool{}
		var other2 []error
		for range 20 {
			wg.Go(func() {
				c, err := e.s.Submit(ctx, e.users[0], v0.ID, burst)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ids[c.ID] = true
				case field(err) == "invoice_no:voucher.claim.duplicate_invoice":
				default:
					other2 = append(other2, err)
				}
			})
		}
		wg.Wait()
		var n int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM voucher_claims WHERE invoice_no = $1`, burst.InvoiceNo).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 || len(ids) != 1 || len(other2) > 0 {
			t.Fatalf("20 identical claims at once: %d rows, %d distinct answers, errors %v", n, len(ids), other2)
		}
	})
}

// TestPages: the voucher and claim lists come a page at a time with the
// total count.
func TestPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d, 5)
		b := e.batch(t, "100万元", "10万元", "5万元")
		var ids []int64
		for i := range 5 {
			v := e.issued(t, b, i, "10000")
			ids = append(ids, v.ID)
			if _, err := e.s.Submit(ctx, e.users[i], v.ID, claimIn("1000")); err != nil {
				t.Fatal(err)
			}
		}
		if bs, err := e.s.Batches(ctx, staff, 10); err != nil || len(bs) != 1 || bs[0].Available != 95*1_000_000 {
			t.Fatalf("batch list: %+v (%v)", bs, err)
		}
		var seen []int64
		for off := 0; off < 6; off += 2 {
			vs, n, err := e.s.Vouchers(ctx, staff, voucher.VoucherFilter{BatchID: b.ID, Limit: 2, Offset: off})
			if err != nil || n != 5 || len(vs) != min(2, 5-off) {
				t.Fatalf("offset %d: %d of %d (%v)", off, len(vs), n, err)
			}
			for _, v := range vs {
				seen = append(seen, v.ID)
			}
		}
		if len(seen) != 5 || seen[0] != ids[4] || seen[4] != ids[0] {
			t.Errorf("pages gave %v, issued %v (newest first)", seen, ids)
		}
		cs, n, err := e.s.Claims(ctx, staff, voucher.ClaimFilter{Status: voucher.ClaimSubmitted, Limit: 3, Offset: 3})
		if err != nil || n != 5 || len(cs) != 2 {
			t.Errorf("claims page 2: %d of %d (%v)", len(cs), n, err)
		}
		if cs, n, err := e.s.Claims(ctx, e.users[0], voucher.ClaimFilter{}); err != nil || n != 1 || len(cs) != 1 {
			t.Errorf("an enterprise's own claims: %d of %d (%v)", len(cs), n, err)
		}
	})
}

// TestProperty runs random sequences of apply-and-issue, claim, approve,
// pay and — past the batch's validity — expire, and after every step checks
// that no money was created or lost: the ledger verifies and reconciles,
// the batch budget is what the model says (budget − issued + released), no
// voucher is used beyond its face, the payables are the approved unpaid
// claims and the paid account the paid ones. A refused step changes nothing.
func TestProperty(t *testing.T) {
	for _, seed := range []uint64{7, 8} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			dbtest.Run(t, func(t *testing.T, d *db.DB) { voucherProperty(t, d, seed) })
		})
	}
}

func voucherProperty(t *testing.T, d *db.DB, seed uint64) {
	ctx := context.Background()
	const n = 6
	e := setup(t, d, n)
	b := e.batch(t, "30万元", "10万元", "5万元")
	budget := money.Fen(30 * 1_000_000)
	r := rand.New(rand.NewPCG(seed, seed*31))
	type vstate struct {
		id         int64
		face, used money.Fen
		expired    bool
	}
	vouchers := map[int]*vstate{} // by enterprise index
	claims := map[int64]*voucher.Claim{}
	var payable, paid money.Fen
	expired := false
	sumAll := func() (money.Fen, money.Fen, money.Fen) {
		var bud, pay, pd money.Fen
		bud = bal(t, d, fmt.Sprintf("budget:voucher-batch:%d", b.ID))
		for _, v := range vouchers {
			pay += bal(t, d, fmt.Sprintf("payable:voucher:%d", v.id))
		}
		if p, err := ledger.Balance(ctx, d, "paid:341203:2026"); err == nil {
			pd = p
		}
		return bud, pay, pd
	}
	for step := range 80 {
		bud0, pay0, paid0 := sumAll()
		var err error
		switch op := r.IntN(10); {
		case step == 60 && !expired:
			e.setDay("2027-01-01")
			if _, err = e.s.Expire(ctx, staff, calendar.MustParse("2027-01-01")); err == nil {
				expired = true
				for _, v := range vouchers {
					if !v.expired {
						budget += v.face - v.used
						v.expired = true
					}
				}
			}
		case op < 3:
			i := r.IntN(n)
			face := money.Fen(1+r.IntN(10)) * 1_000_000
			var v *voucher.Voucher
			if v, err = e.s.Apply(ctx, e.users[i], b.ID, voucher.ApplyInput{Face: face.String()}); err == nil {
				if v, err = e.s.Issue(ctx, staff, v.ID); err != nil {
					break // too little budget left: refused, nothing moves
				}
				if _, dup := vouchers[i]; dup {
					t.Fatalf("step %d: a second voucher for enterprise %d", step, i)
				}
				vouchers[i] = &vstate{id: v.ID, face: face}
				budget -= face
			}
		case op < 6 && len(vouchers) > 0:
			i := r.IntN(n)
			v, ok := vouchers[i]
			if !ok {
				continue
			}
			var c *voucher.Claim
			if c, err = e.s.Submit(ctx, e.users[i], v.id, claimIn(money.Fen(1+r.IntN(200_000)).String())); err == nil {
				claims[c.ID] = c
			}
		case op < 8 && len(claims) > 0:
			for id, c := range claims {
				if c.Status != voucher.ClaimSubmitted {
					continue
				}
				var got *voucher.Claim
				if got, err = e.s.Approve(ctx, staff, id); err == nil {
					claims[id] = got
					payable += got.Payable
					for _, v := range vouchers {
						if v.id == got.VoucherID {
							v.used += got.Payable
						}
					}
				}
				break
			}
		default:
			for id, c := range claims {
				if c.Status != voucher.ClaimApproved {
					continue
				}
				var got *voucher.Claim
				if got, err = e.s.Pay(ctx, finance, id, fmt.Sprintf("BANK-%d-%d", seed, step)); err == nil {
					claims[id] = got
					payable -= got.Payable
					paid += got.Payable
				}
				break
			}
		}
		bud, pay, pd := sumAll()
		if err != nil {
			if c := i18n.ErrorCode(err); c != i18n.Invalid && c != i18n.Conflict {
				t.Fatalf("step %d: %v", step, err)
			}
			if bud != bud0 || pay != pay0 || pd != paid0 {
				t.Fatalf("step %d: a refused step (%v) moved money", step, err)
			}
		}
		if bud != budget || pay != payable || pd != paid || bud < 0 {
			t.Fatalf("step %d: budget %d payable %d paid %d, model %d %d %d", step, bud, pay, pd, budget, payable, paid)
		}
		for i, v := range vouchers {
			got, err := e.s.Voucher(ctx, e.users[i], v.id)
			if err != nil || got.Used != v.used || got.Used > got.Face {
				t.Fatalf("step %d: voucher %d used %d of %d, model %d (%v)", step, v.id, got.Used, got.Face, v.used, err)
			}
		}
		if rec, err := ledger.Reconcile(ctx, d, staff.Scope()); err != nil || !rec.OK() {
			t.Fatalf("step %d: reconciliation %+v (%v)", step, rec, err)
		}
	}
	if len(claims) == 0 || paid == 0 || !expired || len(vouchers) < 2 {
		t.Fatalf("the sequence exercised too little: %d vouchers, %d claims, %d paid, expired %v", len(vouchers), len(claims), paid, expired)
	}
}
