package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"kejiju/internal/app"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/enterprise"
	"kejiju/internal/ledger"
	"kejiju/internal/money"
	"kejiju/internal/voucher"
)

// voucherWorld is a district with one enterprise (and its user "qiye"),
// staff and finance, its clock at 2026-03-01.
type voucherWorld struct {
	e       *env
	a       *app.App
	clk     *scenarioClock
	staff   *auth.User
	finance *auth.User
	ent     *auth.User
	en      *enterprise.Enterprise
}

const university = "12340000485001234X" // 某大学, the whitelisted provider

func newVoucherWorld(t *testing.T, d *db.DB) *voucherWorld {
	t.Helper()
	ctx := context.Background()
	w := &voucherWorld{clk: &scenarioClock{}}
	w.clk.set(t, "2026-03-01 09:00")
	d.Now = w.clk.now
	w.e = newEnv(t, d)
	w.a = w.e.app
	var err error
	if w.staff, err = w.a.Auth.UserByName(ctx, "staff"); err != nil {
		t.Fatal(err)
	}
	if w.finance, _, err = w.a.Auth.CreateUser(ctx, nil, auth.UserInput{Username: "finance", DisplayName: "李会计", Roles: []auth.Role{auth.Finance},
		RegionCode: "341203", Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	if w.en, err = w.a.Enterprises.Create(ctx, w.staff, enterprise.Input{CreditCode: enterprise.SampleCode(1), Name: "颍东创新券科技有限公司",
		RegionCode: "341203200", LegalRep: "刘总", Address: "颍东区测试路1号", ContactName: "刘经理", ContactPhone: "13800000001"}, ""); err != nil {
		t.Fatal(err)
	}
	if w.ent, _, err = w.a.Auth.CreateUser(ctx, nil, auth.UserInput{Username: "qiye", DisplayName: w.en.Name, Roles: []auth.Role{auth.Enterprise},
		RegionCode: "341203", EnterpriseID: w.en.ID, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE`); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *voucherWorld) balance(t *testing.T, code string) money.Fen {
	t.Helper()
	b, err := ledger.Balance(context.Background(), w.a.DB, code)
	if err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	return b
}

// TestVoucherExpiryJob runs the nightly expiry through the app as wired: a
// voucher of 20万元 with 3.5万元 claimed and paid stays issued on the last
// day of its batch's validity, expires the day after and returns its
// unused 16.5万元 to the batch's budget; a second run changes nothing.
func TestVoucherExpiryJob(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newVoucherWorld(t, d)
		a, clk, staffU, fin, en, entU := w.a, w.clk, w.staff, w.finance, w.en, w.ent
		b, err := a.Vouchers.CreateBatch(ctx, staffU, voucher.BatchInput{Year: 2026, Title: "2026年第一批科技创新券", Budget: "100万元",
			RateBP: 3500, EnterpriseCap: "20万元", ClaimCap: "5万元", ValidFrom: "2026-01-01", ValidTo: "2026-06-30",
			Services:  []string{"检验检测"},
			Providers: []voucher.Provider{{CreditCode: university, Name: "某大学", LegalRep: "陈校长", Address: "合肥市蜀山区", Phone: "0551-63600000"}}})
		if err != nil {
			t.Fatal(err)
		}
		v, err := a.Vouchers.Apply(ctx, entU, b.ID, voucher.ApplyInput{Face: "200000"})
		if err != nil {
			t.Fatal(err)
		}
		if v.EnterpriseName != en.Name {
			t.Fatalf("holder %q, want %q", v.EnterpriseName, en.Name)
		}
		if _, err := a.Vouchers.Issue(ctx, staffU, v.ID); err != nil {
			t.Fatal(err)
		}
		c, err := a.Vouchers.Submit(ctx, entU, v.ID, voucher.ClaimInput{ProviderCode: university, Service: "检验检测",
			ContractNo: "HT-2026-001", InvoiceNo: "0012345", PaidAmount: "100000", PaidOn: "2026-02-20", Evidence: "银行回单"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Vouchers.Approve(ctx, staffU, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Vouchers.Pay(ctx, fin, c.ID, "BANK-0001"); err != nil {
			t.Fatal(err)
		}

		budget, commit := fmt.Sprintf("budget:voucher-batch:%d", b.ID), fmt.Sprintf("commit:voucher:%d", v.ID)
		balances := func() (money.Fen, money.Fen) { t.Helper(); return w.balance(t, budget), w.balance(t, commit) }
		if bb, cb := balances(); bb != 80_000_000 || cb != 16_500_000 {
			t.Fatalf("before expiry: budget %d, commitment %d", bb, cb)
		}

		clk.set(t, "2026-06-30 23:59")
		if n, err := a.ExpireVouchers(ctx); err != nil || n != 0 {
			t.Fatalf("on the last valid day: %d expired, %v", n, err)
		}
		clk.set(t, "2026-07-01 00:30")
		if n, err := a.ExpireVouchers(ctx); err != nil || n != 1 {
			t.Fatalf("the day after: %d expired, %v", n, err)
		}
		got, err := a.Vouchers.Voucher(ctx, staffU, v.ID)
		if err != nil || got.Status != voucher.StatusExpired {
			t.Fatalf("voucher %+v %v", got, err)
		}
		if bb, cb := balances(); bb != 96_500_000 || cb != 0 {
			t.Fatalf("after expiry: budget %d, commitment %d", bb, cb)
		}
		if n, err := a.ExpireVouchers(ctx); err != nil || n != 0 {
			t.Fatalf("second run: %d expired, %v", n, err)
		}
		if bb, _ := balances(); bb != 96_500_000 {
			t.Fatalf("second run moved money: budget %d", bb)
		}
	})
}

// TestVoucherPages walks a voucher through the pages as its users do: staff
// set up a batch (a bad rate refused with the field named and nothing
// written), the enterprise applies (twice refused), staff issue, the
// enterprise claims, staff approve, finance pays; another enterprise sees
// none of it and finance may not approve.
func TestVoucherPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newVoucherWorld(t, d)
		e := w.e
		staffC, entC, finC := e.client("staff"), e.client("qiye"), e.client("finance")
		get := func(c *http.Client, path string) (int, string) {
			t.Helper()
			resp, err := c.Get(e.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			return resp.StatusCode, body(t, resp)
		}
		if code, b := get(staffC, "/awards/rounds"); code != http.StatusOK || !strings.Contains(b, "评奖年度") {
			t.Fatalf("award rounds page: %d", code)
		}
		if code, b := get(staffC, "/vouchers/batches/new"); code != http.StatusOK || !strings.Contains(b, "新建创新券批次") {
			t.Fatalf("new batch page: %d", code)
		}

		form := url.Values{"title": {"2026年第一批科技创新券"}, "year": {"2026"}, "budget": {"100万元"}, "rate": {"50"},
			"enterprise_cap": {"20万元"}, "claim_cap": {"5万元"}, "valid_from": {"2026-01-01"}, "valid_to": {"2026-12-31"},
			"services": {"检验检测\n研发设计"}, "providers": {university + "|某大学|陈校长|合肥市蜀山区|0551-63600000"}}
		if code, _, b := postForm(t, e, staffC, "/vouchers/batches", form); code != http.StatusUnprocessableEntity ||
			!strings.Contains(b, "兑付比例应在 30% 至 40% 之间。") {
			t.Fatalf("rate 50%%: %d", code)
		}
		if n := e.count(`SELECT COUNT(*) FROM voucher_batches`); n != 0 {
			t.Fatalf("refused batch written: %d", n)
		}
		form.Set("rate", "35")
		code, loc, _ := postForm(t, e, staffC, "/vouchers/batches", form)
		if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/vouchers/batches/") {
			t.Fatalf("create batch: %d %q", code, loc)
		}
		batchPath := loc

		code, b := get(entC, batchPath)
		if code != http.StatusOK || !strings.Contains(b, `data-testid="apply-form"`) || !strings.Contains(b, "35%") || !strings.Contains(b, "某大学") {
			t.Fatalf("batch page for the enterprise: %d", code)
		}
		code, loc, _ = postForm(t, e, entC, batchPath+"/apply", url.Values{"face": {"200000"}, "shareholders": {"刘总"}})
		if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/vouchers/") {
			t.Fatalf("apply: %d %q", code, loc)
		}
		voucherPath := loc
		if code, _, b := postForm(t, e, entC, batchPath+"/apply", url.Values{"face": {"100000"}}); code == http.StatusSeeOther ||
			!strings.Contains(b, "本企业已申领过该批次创新券。") {
			t.Fatalf("second application: %d", code)
		}
		if code, _, _ := postForm(t, e, entC, voucherPath+"/issue", nil); code != http.StatusForbidden {
			t.Fatalf("enterprise issues its own voucher: %d", code)
		}
		if code, _, _ := postForm(t, e, staffC, voucherPath+"/issue", nil); code != http.StatusSeeOther {
			t.Fatalf("issue: %d", code)
		}
		if code, b := get(entC, voucherPath); code != http.StatusOK || !strings.Contains(b, "已发放") || !strings.Contains(b, `data-testid="claim-form"`) {
			t.Fatalf("issued voucher page: %d", code)
		}

		claim := url.Values{"provider_code": {university}, "service": {"检验检测"}, "contract_no": {"HT-2026-001"}, "invoice_no": {"0012345"},
			"paid_amount": {"100000"}, "paid_on": {"2026-02-20"}, "evidence": {"银行回单 20260220-01"}}
		bad := url.Values{}
		for k, v := range claim {
			bad[k] = v
		}
		bad.Set("provider_code", "91341200MA2T00000K")
		if code, _, b := postForm(t, e, entC, voucherPath+"/claims", bad); code != http.StatusUnprocessableEntity ||
			!strings.Contains(b, "不在本批次服务机构名单内") {
			t.Fatalf("claim on a provider off the whitelist: %d", code)
		}
		if code, _, _ := postForm(t, e, entC, voucherPath+"/claims", claim); code != http.StatusSeeOther {
			t.Fatalf("claim: %d", code)
		}
		var claimID int64
		if err := d.QueryRowContext(ctx, `SELECT id FROM voucher_claims`).Scan(&claimID); err != nil {
			t.Fatal(err)
		}
		claimPath := fmt.Sprintf("/vouchers/claims/%d", claimID)
		if code, _, _ := postForm(t, e, finC, claimPath+"/approve", nil); code != http.StatusForbidden {
			t.Fatalf("finance approves: %d", code)
		}
		if code, loc, _ := postForm(t, e, staffC, claimPath+"/approve", nil); code != http.StatusSeeOther || loc != voucherPath {
			t.Fatalf("approve: %d %q", code, loc)
		}
		if code, b := get(finC, "/vouchers/claims?status=approved"); code != http.StatusOK || !strings.Contains(b, "35,000.00") {
			t.Fatalf("finance's list of claims to pay: %d", code)
		}
		if code, _, _ := postForm(t, e, finC, claimPath+"/pay", url.Values{"bank_ref": {"BANK-0001"}}); code != http.StatusSeeOther {
			t.Fatalf("pay: %d", code)
		}
		if code, b := get(entC, voucherPath); code != http.StatusOK || !strings.Contains(b, "已拨付") || !strings.Contains(b, "165,000.00") {
			t.Fatalf("paid voucher page: %d", code)
		}
		vid, _ := strconv.ParseInt(strings.TrimPrefix(voucherPath, "/vouchers/"), 10, 64)
		if got := w.balance(t, fmt.Sprintf("commit:voucher:%d", vid)); got != 16_500_000 {
			t.Fatalf("commitment after payment: %d", got)
		}

		// Another enterprise of the district sees the batch but not the voucher.
		other, err := w.a.Enterprises.Create(ctx, w.staff, enterprise.Input{CreditCode: enterprise.SampleCode(2), Name: "颍东另一科技有限公司",
			RegionCode: "341203200", ContactName: "王经理", ContactPhone: "13800000002"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.a.Auth.CreateUser(ctx, nil, auth.UserInput{Username: "qiye2", DisplayName: other.Name, Roles: []auth.Role{auth.Enterprise},
			RegionCode: "341203", EnterpriseID: other.ID, Password: testPassword}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE`); err != nil {
			t.Fatal(err)
		}
		otherC := e.client("qiye2")
		if code, _ := get(otherC, voucherPath); code != http.StatusNotFound {
			t.Fatalf("another enterprise reads the voucher: %d", code)
		}
		if code, b := get(otherC, "/vouchers"); code != http.StatusOK || strings.Contains(b, w.en.Name) {
			t.Fatalf("another enterprise's voucher list: %d", code)
		}
		if code, _ := get(otherC, batchPath); code != http.StatusOK {
			t.Fatalf("another enterprise reads the batch: %d", code)
		}
	})
}

// TestVoucherAPI: an enterprise applies and claims with its token (the
// claim sent twice is one claim), staff approve and finance pay with
// theirs; the enterprise may not approve, and its voucher shows what was used.
func TestVoucherAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newVoucherWorld(t, d)
		e := w.e
		entTok, staffTok, finTok := e.token("qiye"), e.token("staff"), e.token("finance")
		b, err := w.a.Vouchers.CreateBatch(ctx, w.staff, voucher.BatchInput{Year: 2026, Title: "2026年第一批科技创新券", Budget: "100万元",
			EnterpriseCap: "20万元", ClaimCap: "5万元", ValidFrom: "2026-01-01", ValidTo: "2026-12-31", Services: []string{"检验检测"},
			Providers: []voucher.Provider{{CreditCode: university, Name: "某大学"}}})
		if err != nil {
			t.Fatal(err)
		}
		var batches struct{ Items []voucher.Batch }
		if code, msg := apiJSON(t, e, "GET", "/api/v1/voucher-batches", entTok, nil, &batches); code != http.StatusOK || len(batches.Items) != 1 {
			t.Fatalf("batches: %d %s", code, msg)
		}
		var v voucher.Voucher
		if code, msg := apiJSON(t, e, "POST", fmt.Sprintf("/api/v1/voucher-batches/%d/apply", b.ID), entTok,
			map[string]any{"face": "300000"}, &v); code != http.StatusUnprocessableEntity || !strings.Contains(msg, "超过单个企业上限") {
			t.Fatalf("over the cap: %d %s", code, msg)
		}
		if code, msg := apiJSON(t, e, "POST", fmt.Sprintf("/api/v1/voucher-batches/%d/apply", b.ID), entTok,
			map[string]any{"face": "200000", "shareholders": []string{"刘总"}}, &v); code != http.StatusCreated || v.Status != voucher.StatusApplied {
			t.Fatalf("apply: %d %s", code, msg)
		}
		if _, err := w.a.Vouchers.Issue(ctx, w.staff, v.ID); err != nil {
			t.Fatal(err)
		}
		claim := map[string]any{"provider_code": university, "service": "检验检测", "contract_no": "HT-2026-002", "invoice_no": "00998877",
			"paid_amount": "200000", "paid_on": "2026-02-25", "evidence": "银行回单"}
		var c1, c2 voucher.Claim
		path := fmt.Sprintf("/api/v1/vouchers/%d/claims", v.ID)
		if code, msg := apiJSON(t, e, "POST", path, entTok, claim, &c1); code != http.StatusCreated || c1.Estimate != 5_000_000 || c1.Limit != voucher.LimitCap {
			t.Fatalf("claim: %d %s %+v", code, msg, c1)
		}
		if code, msg := apiJSON(t, e, "POST", path, entTok, claim, &c2); code != http.StatusCreated || c2.ID != c1.ID {
			t.Fatalf("claim sent again: %d %s, id %d then %d", code, msg, c1.ID, c2.ID)
		}
		approve := fmt.Sprintf("/api/v1/voucher-claims/%d/approve", c1.ID)
		if code, _ := apiJSON(t, e, "POST", approve, entTok, nil, nil); code != http.StatusForbidden {
			t.Fatalf("enterprise approves: %d", code)
		}
		if code, msg := apiJSON(t, e, "POST", approve, staffTok, nil, &c1); code != http.StatusOK || c1.Payable != 5_000_000 {
			t.Fatalf("approve: %d %s %+v", code, msg, c1)
		}
		if code, msg := apiJSON(t, e, "POST", fmt.Sprintf("/api/v1/voucher-claims/%d/pay", c1.ID), finTok,
			map[string]any{"bank_ref": "BANK-0002"}, &c1); code != http.StatusOK || c1.Status != voucher.ClaimPaid {
			t.Fatalf("pay: %d %s %+v", code, msg, c1)
		}
		var mine struct{ Items []voucher.Voucher }
		if code, msg := apiJSON(t, e, "GET", "/api/v1/vouchers", entTok, nil, &mine); code != http.StatusOK || len(mine.Items) != 1 ||
			mine.Items[0].Used != 5_000_000 {
			t.Fatalf("own vouchers: %d %s %+v", code, msg, mine.Items)
		}
	})
}
