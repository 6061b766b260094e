package app_test

import (
	"context"
	"fmt"
	"testing"

	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/enterprise"
	"kejiju/internal/ledger"
	"kejiju/internal/money"
	"kejiju/internal/voucher"
)

// TestVoucherExpiryJob runs the nightly expiry through the app as wired: a
// voucher of 20万元 with 3.5万元 claimed and paid stays issued on the last
// day of its batch's validity, expires the day after and returns its
// unused 16.5万元 to the batch's budget; a second run changes nothing.
func TestVoucherExpiryJob(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := &scenarioClock{}
		clk.set(t, "2026-03-01 09:00")
		d.Now = clk.now
		a := newEnv(t, d).app

		staffU, err := a.Auth.UserByName(ctx, "staff")
		if err != nil {
			t.Fatal(err)
		}
		fin, _, err := a.Auth.CreateUser(ctx, nil, auth.UserInput{Username: "finance", DisplayName: "李会计", Roles: []auth.Role{auth.Finance},
			RegionCode: "341203", Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		en, err := a.Enterprises.Create(ctx, staffU, enterprise.Input{CreditCode: enterprise.SampleCode(1), Name: "颍东创新券科技有限公司",
			RegionCode: "341203200", LegalRep: "刘总", Address: "颍东区测试路1号", ContactName: "刘经理", ContactPhone: "13800000001"}, "")
		if err != nil {
			t.Fatal(err)
		}
		entU, _, err := a.Auth.CreateUser(ctx, nil, auth.UserInput{Username: "qiye", DisplayName: en.Name, Roles: []auth.Role{auth.Enterprise},
			RegionCode: "341203", EnterpriseID: en.ID, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}

		b, err := a.Vouchers.CreateBatch(ctx, staffU, voucher.BatchInput{Year: 2026, Title: "2026年第一批科技创新券", Budget: "100万元",
			RateBP: 3500, EnterpriseCap: "20万元", ClaimCap: "5万元", ValidFrom: "2026-01-01", ValidTo: "2026-06-30",
			Services: []string{"检验检测"},
			Providers: []voucher.Provider{{CreditCode: "12340000485001234X", Name: "某大学", LegalRep: "陈校长", Address: "合肥市蜀山区", Phone: "0551-63600000"}}})
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
		c, err := a.Vouchers.Submit(ctx, entU, v.ID, voucher.ClaimInput{ProviderCode: "12340000485001234X", Service: "检验检测",
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
		balances := func() (money.Fen, money.Fen) {
			t.Helper()
			bb, err := ledger.Balance(ctx, d, budget)
			if err != nil {
				t.Fatal(err)
			}
			cb, err := ledger.Balance(ctx, d, commit)
			if err != nil {
				t.Fatal(err)
			}
			return bb, cb
		}
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
