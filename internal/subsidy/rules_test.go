package subsidy

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/ident"
	"kejiju/internal/money"
)

const yuanFen = 100 // fen in a 元

// appNo returns a valid application number of year, type and serial.
func appNo(t *testing.T, year int, typ ident.PatentType, serial int) string {
	t.Helper()
	digits := fmt.Sprintf("%04d%d%07d", year, typ, serial)
	c, err := ident.PatentCheckChar(digits)
	if err != nil {
		t.Fatal(err)
	}
	return digits + "." + string(c)
}

// keys lists the keys of r's lines, each checked to be in both catalogs
// with as many arguments as the line carries.
func keys(t *testing.T, r Result) []string {
	t.Helper()
	var out []string
	for _, l := range r.Lines {
		for _, lang := range []string{i18n.Chinese, i18n.English} {
			args := make([]any, len(l.Args))
			for i, a := range l.Args {
				args[i] = a
			}
			if got := i18n.Default().Printer(lang).T(l.Key, args...); got == l.Key || strings.Contains(got, "%!") {
				t.Errorf("%s: line %s %v reads %q", lang, l.Key, l.Args, got)
			}
		}
		out = append(out, l.Key)
	}
	return out
}

// The 皖政〔2017〕52号 parameters at one level.
var anhui2017 = EquipmentParams{MinSales: 5_000_000 * yuanFen, MinDevice: 100_000 * yuanFen, RateBP: 1500,
	DeviceCap: 2_000_000 * yuanFen, EnterpriseCap: 5_000_000 * yuanFen}

func TestEquipment(t *testing.T) {
	dev := func(v int64) Device { return Device{Name: "仪器", Value: money.Fen(v * yuanFen), ForRD: true} }
	big := EquipmentInput{Sales: 8_000_000 * yuanFen}
	with := func(in EquipmentInput, ds ...Device) EquipmentInput { in.Devices = ds; return in }
	cases := []struct {
		name     string
		in       EquipmentInput
		prior    int64
		want     int64 // 元
		status   Status
		capped   bool
		mentions string
	}{
		{"sales 4,900,000 → not eligible", with(EquipmentInput{Sales: 4_900_000 * yuanFen}, dev(500_000)), 0, 0, Refused, false, "subsidy.line.equipment.sales"},
		{"sales 4,900,000 but incubated", with(EquipmentInput{Sales: 4_900_000 * yuanFen, Incubated: true}, dev(500_000)), 0, 75_000, Payable, false, ""},
		{"sales 4,900,000 but a new R&D institution", with(EquipmentInput{Sales: 4_900_000 * yuanFen, RDInstitut: true}, dev(500_000)), 0, 75_000, Payable, false, ""},
		{"sales exactly 5,000,000", with(EquipmentInput{Sales: 5_000_000 * yuanFen}, dev(500_000)), 0, 75_000, Payable, false, ""},
		{"device 99,999 excluded", with(big, dev(99_999)), 0, 0, Refused, false, "subsidy.line.equipment.too_small"},
		{"device 100,000 included", with(big, dev(100_000)), 0, 15_000, Payable, false, ""},
		{"device not for R&D excluded", with(big, Device{Name: "叉车", Value: 300_000 * yuanFen}), 0, 0, Refused, false, "subsidy.line.equipment.not_rd"},
		{"spending 20,000,000 over two devices → 3,000,000", with(big, dev(10_000_000), dev(10_000_000)), 0, 3_000_000, Payable, false, ""},
		{"one device 15,000,000 → 2,000,000 per device", with(big, dev(15_000_000)), 0, 2_000_000, Payable, true, "subsidy.line.equipment.device_capped"},
		{"device 13,333,333.33: 15% rounds to the device cap, not over it", with(big, Device{Name: "仪器", Value: 1_333_333_333, ForRD: true}), 0, 2_000_000, Payable, false, ""},
		{"device 13,333,340.00: 15% is over the device cap by one fen", with(big, dev(13_333_340)), 0, 2_000_000, Payable, true, "subsidy.line.equipment.device_capped"},
		{"enterprise cap 5,000,000", with(big, dev(15_000_000), dev(15_000_000), dev(15_000_000)), 0, 5_000_000, Payable, true, "subsidy.line.enterprise_cap"},
		{"enterprise cap less prior 4,000,000", with(big, dev(10_000_000)), 4_000_000, 1_000_000, Payable, true, "subsidy.line.prior"},
		{"enterprise cap used up", with(big, dev(10_000_000)), 5_000_000, 0, Refused, true, "subsidy.line.cap_used"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := EquipmentSubsidy(anhui2017, c.in, money.Fen(c.prior*yuanFen))
			want := money.Fen(c.want * yuanFen)
			if r.Amount != want || r.Status != c.status || r.Capped != c.capped {
				t.Errorf("got %d %s capped=%v, want %d %s capped=%v; lines %v", r.Amount, r.Status, r.Capped, want, c.status, c.capped, keys(t, r))
			}
			if c.mentions != "" && !slices.Contains(keys(t, r), c.mentions) {
				t.Errorf("lines %v do not say %s", keys(t, r), c.mentions)
			}
			if len(r.Lines) == 0 {
				t.Error("no explanation")
			}
		})
	}
}

func TestPurchase(t *testing.T) {
	p := PurchaseParams{RateBP: 1000, Cap: 500_000 * yuanFen, EnterpriseCap: 800_000 * yuanFen, HomeProvince: "34"}
	in := PurchaseInput{ContractNo: "2026340001", Registered: true, SellerName: "上海某研究院", SellerRegion: "310104", Amount: 3_000_000 * yuanFen}
	cases := []struct {
		name   string
		mod    func(*PurchaseInput)
		prior  int64
		want   int64
		status Status
		capped bool
	}{
		{"10% of 3,000,000", func(*PurchaseInput) {}, 0, 300_000, Payable, false},
		{"at the claim cap exactly", func(i *PurchaseInput) { i.Amount = 5_000_000 * yuanFen }, 0, 500_000, Payable, false},
		{"over the claim cap pays the cap", func(i *PurchaseInput) { i.Amount = 5_000_001 * yuanFen }, 0, 500_000, Payable, true},
		{"enterprise cap less prior", func(*PurchaseInput) {}, 600_000, 200_000, Payable, true},
		{"enterprise cap used", func(*PurchaseInput) {}, 800_000, 0, Refused, true},
		{"unregistered contract", func(i *PurchaseInput) { i.Registered = false }, 0, 0, Refused, false},
		{"seller inside Anhui", func(i *PurchaseInput) { i.SellerRegion = "340104" }, 0, 0, Refused, false},
		{"seller region missing", func(i *PurchaseInput) { i.SellerRegion = "" }, 0, 0, Refused, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			i := in
			c.mod(&i)
			r := PurchaseSubsidy(p, i, money.Fen(c.prior*yuanFen))
			if r.Amount != money.Fen(c.want*yuanFen) || r.Status != c.status || r.Capped != c.capped {
				t.Errorf("got %d %s capped=%v; lines %v", r.Amount, r.Status, r.Capped, keys(t, r))
			}
		})
	}
}

func TestPatent(t *testing.T) {
	huangshan := PatentParams{Items: map[Item]ItemRule{
		InventionGrant:   {Face: 4_000 * yuanFen},
		UtilityGrant:     {Face: 1_000 * yuanFen},
		PledgeInterest:   {RateBP: 5000},
		PledgeAssessment: {Cap: 50_000 * yuanFen},
	}, InterestBase: "benchmark"}
	compliant := PatentParams{Items: huangshan.Items, CNIPA2021: true, FeeShareBP: 5000, GrantsEnd: calendar.MustParse("2025-01-01")}
	other := PatentParams{Items: map[Item]ItemRule{
		PledgeInterest:   {RateBP: 300, EnterpriseCap: 360_000 * yuanFen},
		PledgeGuarantee:  {RateBP: 120, EnterpriseCap: 150_000 * yuanFen},
		PledgeAssessment: {RateBP: 50, EnterpriseCap: 60_000 * yuanFen},
	}, InterestBase: "loan"}
	inv := appNo(t, 2022, ident.Invention, 1234567)
	util := appNo(t, 2022, ident.UtilityModel, 7654321)
	granted := calendar.MustParse("2022-03-01")
	q2024, q2026 := QuarterStart(2024, 2), QuarterStart(2026, 4)
	cases := []struct {
		name   string
		p      PatentParams
		in     PatentInput
		on     calendar.Date
		prior  int64
		want   int64 // fen
		status Status
		says   string
	}{
		{"invention grant, face 4,000", huangshan, PatentInput{Item: InventionGrant, AppNo: inv, GrantDate: granted}, q2024, 0, 400_000, Payable, "subsidy.line.patent.face"},
		{"a utility number under the invention item", huangshan, PatentInput{Item: InventionGrant, AppNo: util, GrantDate: granted}, q2024, 0, 0, Refused, "subsidy.line.patent.type_mismatch"},
		{"a wrong check digit", huangshan, PatentInput{Item: InventionGrant, AppNo: inv[:len(inv)-1] + "0", GrantDate: granted}, q2024, 0, 0, Refused, "subsidy.line.patent.bad_number"},
		{"not granted", huangshan, PatentInput{Item: InventionGrant, AppNo: inv}, q2024, 0, 0, Refused, "subsidy.line.patent.not_granted"},
		{"an item the policy does not cover", huangshan, PatentInput{Item: DesignGrant, AppNo: inv}, q2024, 0, 0, Refused, "subsidy.line.patent.not_covered"},
		{"CNIPA 2021: utility grant refused", compliant, PatentInput{Item: UtilityGrant, AppNo: util, GrantDate: granted}, q2024, 0, 0, Refused, "subsidy.line.patent.cnipa_item"},
		{"CNIPA 2021: official fee 900 → at most 450", compliant, PatentInput{Item: InventionGrant, AppNo: inv, GrantDate: granted, Fee: 900 * yuanFen}, q2024, 0, 45_000, Payable, "subsidy.line.patent.fee_share"},
		{"CNIPA 2021: no grant subsidy from 2025", compliant, PatentInput{Item: InventionGrant, AppNo: inv, GrantDate: granted, Fee: 900 * yuanFen}, q2026, 0, 0, Refused, "subsidy.line.patent.cnipa_ended"},
		{"CNIPA 2021: on the last day before the end", compliant, PatentInput{Item: InventionGrant, AppNo: inv, GrantDate: granted, Fee: 900 * yuanFen}, calendar.MustParse("2024-12-31"), 0, 45_000, Payable, ""},
		{"pledge interest at 50% of the benchmark: 2,000,000 × 4.35% × 1 year", huangshan, PatentInput{Item: PledgeInterest, LoanNo: "JK-1", Loan: 2_000_000 * yuanFen, BenchBP: 435, Months: 12, Repaid: true}, q2026, 0, 4_350_000, Payable, "subsidy.line.pledge.benchmark"},
		{"pledge interest before repayment → pending", huangshan, PatentInput{Item: PledgeInterest, LoanNo: "JK-1", Loan: 2_000_000 * yuanFen, BenchBP: 435, Months: 12}, q2026, 0, 0, Pending, "subsidy.line.pledge.not_repaid"},
		{"assessment fee 60,000 → the cap 50,000", huangshan, PatentInput{Item: PledgeAssessment, LoanNo: "JK-1", Fee: 60_000 * yuanFen}, q2026, 0, 5_000_000, Payable, "subsidy.line.claim_cap"},
		{"assessment fee 50,000 at the cap exactly", huangshan, PatentInput{Item: PledgeAssessment, LoanNo: "JK-1", Fee: 50_000 * yuanFen}, q2026, 0, 5_000_000, Payable, ""},
		{"3% of 10,000,000 with interest paid 500,000 → 300,000", other, PatentInput{Item: PledgeInterest, LoanNo: "JK-2", Loan: 10_000_000 * yuanFen, Interest: 500_000 * yuanFen, Repaid: true}, q2026, 0, 30_000_000, Payable, ""},
		{"… at most the interest paid", other, PatentInput{Item: PledgeInterest, LoanNo: "JK-2", Loan: 10_000_000 * yuanFen, Interest: 200_000 * yuanFen, Repaid: true}, q2026, 0, 20_000_000, Payable, "subsidy.line.pledge.interest_paid"},
		{"… annual cap 360,000 less prior claims 100,000", other, PatentInput{Item: PledgeInterest, LoanNo: "JK-2", Loan: 10_000_000 * yuanFen, Interest: 500_000 * yuanFen, Repaid: true}, q2026, 100_000, 26_000_000, Payable, "subsidy.line.enterprise_cap"},
		{"guarantee fee ≤ 1.2% of the loan", other, PatentInput{Item: PledgeGuarantee, LoanNo: "JK-2", Loan: 10_000_000 * yuanFen, Fee: 200_000 * yuanFen}, q2026, 0, 12_000_000, Payable, ""},
		{"guarantee fee at most the fee paid", other, PatentInput{Item: PledgeGuarantee, LoanNo: "JK-2", Loan: 10_000_000 * yuanFen, Fee: 100_000 * yuanFen}, q2026, 0, 10_000_000, Payable, "subsidy.line.fee_paid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := PatentSubsidy(c.p, c.in, c.on, money.Fen(c.prior*yuanFen))
			if r.Amount != money.Fen(c.want) || r.Status != c.status {
				t.Errorf("got %d %s, want %d %s; lines %v", r.Amount, r.Status, c.want, c.status, keys(t, r))
			}
			if c.says != "" && !slices.Contains(keys(t, r), c.says) {
				t.Errorf("lines %v do not say %s", keys(t, r), c.says)
			}
		})
	}
}

func TestQuarter(t *testing.T) {
	for m := 1; m <= 12; m++ {
		d := calendar.Date{Year: 2026, Month: time.Month(m), Day: 15}
		q := Quarter(d)
		if s := QuarterStart(2026, q); s.After(d) || s.AddDays(92).Before(d) || Quarter(s) != q {
			t.Errorf("month %d: quarter %d starts %s", m, q, s)
		}
	}
}
