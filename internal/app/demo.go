package app

import (
	"context"
	"fmt"
	"time"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/enterprise"
	"kejiju/internal/ident"
	"kejiju/internal/money"
	"kejiju/internal/patent"
	"kejiju/internal/subsidy"
	"kejiju/internal/voucher"
	"kejiju/internal/xlsx"
)

// demoFirst is the first sample number of the demo enterprises: far from
// the numbers tests and benchmarks import, so a demo database can take them.
const demoFirst = 900001

// demoEnterprises is how many enterprises the demo district gets.
const demoEnterprises = 60

// seedDemo gives the demo district its enterprises and, for a dozen of
// them, three years of facts, this year's innovation voucher batch, and a
// handful of patents with an agency and a pledge loan, entered as the demo
// director would.
func (a *App) seedDemo(ctx context.Context, director *auth.User) error {
	svc := &enterprise.Service{DB: a.DB, Audit: a.Audit, Accounts: a.Auth}
	tree, err := a.Regions.Tree(ctx)
	if err != nil {
		return err
	}
	rows := make([]xlsx.Row, 0, demoEnterprises)
	for i := range demoEnterprises {
		vals := enterprise.SampleRow(demoFirst+i, "")
		row := xlsx.Row{Number: i + 2, Values: map[string]string{}}
		for j, c := range enterprise.Sheet.Columns {
			row.Values[c.Key] = fmt.Sprint(vals[j])
		}
		rows = append(rows, row)
	}
	rep, err := svc.Import(ctx, director, tree, rows, enterprise.ImportOptions{Reason: "演示数据"})
	if err != nil {
		return err
	}
	if len(rep.Errors) > 0 {
		return fmt.Errorf("app: demo enterprises: %d bad rows, first %+v", len(rep.Errors), rep.Errors[0])
	}
	this := calendar.Today(nil).Year
	for i := range 12 {
		id, _, err := svc.Lookup(ctx, enterprise.SampleCode(demoFirst+i))
		if err != nil {
			return err
		}
		base := money.Fen(int64(3000+i*900) * 10000 * 100) // 3,000万 and up
		for k, y := range []int{this - 3, this - 2, this - 1} {
			rev := base + base*money.Fen(k*(15+i))/100
			rd := rev * money.Fen(3+i%4) / 100
			f := enterprise.Year{EnterpriseID: id, Year: y, Revenue: rev, HiTechRevenue: rev * money.Fen(50+i*3) / 100,
				TotalAssets: rev * 2, NetAssets: rev + money.Fen(k)*base/5, TotalCostExpense: rev * 8 / 10,
				RDTotal: rd, RDDomestic: rd * money.Fen(90+i%10) / 100, Staff: 60 + i*10 + k*5, STStaff: 5 + i*2 + k,
				IPClass1: i % 3, IPClass2: 2 + i%5, Conversions: 1 + i%4, AnnualReport: k < 2 || i%3 != 0}
			if err := svc.SaveYear(ctx, director, f, "演示数据"); err != nil {
				return err
			}
		}
	}
	_, err = a.Vouchers.CreateBatch(ctx, director, voucher.BatchInput{Year: this, Title: fmt.Sprintf("%d年科技创新券（第一批）", this),
		Budget: "200万元", RateBP: voucher.DefaultRateBP, EnterpriseCap: "20万元", ClaimCap: "5万元",
		ValidFrom: fmt.Sprintf("%d-01-01", this), ValidTo: fmt.Sprintf("%d-12-31", this),
		Services: []string{"检验检测", "研发设计", "技术咨询"},
		Providers: []voucher.Provider{
			{CreditCode: "12340000485001234X", Name: "阜阳师范大学科技服务中心", LegalRep: "陈主任", Address: "阜阳市颍州区清河西路100号", Phone: "0558-2590000"},
			{CreditCode: "91341200MA2T00000K", Name: "阜阳市产品质量检测中心", LegalRep: "孙主任", Address: "阜阳市颍东区新华路8号", Phone: "0558-2210000"},
		}})
	if err != nil {
		return err
	}
	if err := a.seedSubsidies(ctx, director, this); err != nil {
		return err
	}
	return a.seedDemoPatents(ctx, director, svc, this)
}

// demoPatentSerial is the first serial of the demo patents' numbers, far
// from those tests use.
const demoPatentSerial = 9_000_000

// seedDemoPatents registers, for the first six demo enterprises, an
// invention applied for two years ago and granted last year, a utility model
// and a design of this year and an invention still pending, handled by a
// demo agency; one granted invention is pledged for a loan.
func (a *App) seedDemoPatents(ctx context.Context, director *auth.User, svc *enterprise.Service, this int) error {
	ag, err := a.Patents.CreateAgency(ctx, director, patent.AgencyInput{Name: "阜阳市演示专利代理事务所", Contact: "周代理", Phone: "0558-2000000"})
	if err != nil {
		return err
	}
	serial := demoPatentSerial
	no := func(year, typ int) string {
		serial++
		digits := fmt.Sprintf("%04d%d%07d", year, typ, serial)
		c, _ := ident.PatentCheckChar(digits)
		return digits + "." + string(c)
	}
	day := func(y, m, d int) calendar.Date { return calendar.Date{Year: y, Month: time.Month(m), Day: d} }
	var pledged string
	var pledgedBy int64
	for i := range 6 {
		id, _, err := svc.Lookup(ctx, enterprise.SampleCode(demoFirst+i))
		if err != nil {
			return err
		}
		e, err := svc.Get(ctx, director, id)
		if err != nil {
			return err
		}
		for _, in := range []patent.Input{
			{AppNo: no(this-2, 1), Title: fmt.Sprintf("一种农产品智能分拣装置（%d）", i+1), Status: patent.Granted,
				ApplicationDate: day(this-2, 3+i, 10), GrantDate: day(this-1, 6+i, 20)},
			{AppNo: no(this, 2), Title: fmt.Sprintf("一种节能烘干机（%d）", i+1), Status: patent.Applied, ApplicationDate: day(this, 1+i%4, 8)},
			{AppNo: no(this, 3), Title: fmt.Sprintf("包装盒（%d）", i+1), Status: patent.Applied, ApplicationDate: day(this, 2, 12+i)},
			{AppNo: no(this, 1), Title: fmt.Sprintf("一种秸秆综合利用方法（%d）", i+1), Status: patent.Applied, ApplicationDate: day(this, 1+i%5, 15)},
		} {
			in.Applicants, in.EnterpriseID, in.Inventors, in.AgencyID, in.IPCMain = e.Name, id, 2+i%3, ag.ID, "A01B 49/00"
			p, err := a.Patents.Create(ctx, director, in, "演示数据")
			if err != nil {
				return fmt.Errorf("demo patent %s: %w", in.AppNo, err)
			}
			if i == 0 && p.Status == patent.Granted {
				pledged, pledgedBy = p.AppNo, id
			}
		}
	}
	if _, err := a.Patents.CreateLoan(ctx, director, patent.LoanInput{EnterpriseID: pledgedBy, Bank: "徽商银行阜阳分行", Amount: "300万元",
		TermMonths: 12, StartDate: day(this, 3, 1), AssessedValue: "500万元", Assessor: "演示资产评估有限公司", AppNos: []string{pledged}}, "演示数据"); err != nil {
		return err
	}
	return nil
}

// seedSubsidies appropriates this year's subsidy budgets (as finance) and
// files three claims: an equipment post-subsidy approved and awaiting
// payment, a pledge assessment fee submitted, and a pledge interest claim
// waiting for the loan's repayment.
func (a *App) seedSubsidies(ctx context.Context, director *auth.User, year int) error {
	fin, err := a.Auth.UserByName(ctx, "caiwu")
	if err != nil {
		return err
	}
	for k, amount := range map[subsidy.Kind]string{subsidy.Equipment: "500万元", subsidy.Purchase: "100万元", subsidy.Patent: "50万元"} {
		if err := a.Subsidies.FundBudget(ctx, fin, subsidy.FundInput{Year: year, Kind: k, Amount: amount, Key: "demo"}); err != nil {
			return err
		}
	}
	const wan = 1_000_000 // fen
	eq, err := a.Subsidies.Submit(ctx, director, subsidy.ClaimInput{Kind: subsidy.Equipment, CreditCode: enterprise.SampleCode(demoFirst),
		Equipment: &subsidy.EquipmentInput{Sales: 3200 * wan, Devices: []subsidy.Device{
			{Name: "扫描电子显微镜", Value: 1500 * wan, ForRD: true}, {Name: "高效液相色谱仪", Value: 68 * wan, ForRD: true}}}})
	if err != nil {
		return err
	}
	if _, err := a.Subsidies.Approve(ctx, director, eq.ID); err != nil {
		return err
	}
	for _, in := range []subsidy.PatentInput{
		{Item: subsidy.PledgeAssessment, LoanNo: fmt.Sprintf("ZY%d-001", year), Loan: 800 * wan, Fee: 6 * wan},
		{Item: subsidy.PledgeInterest, LoanNo: fmt.Sprintf("ZY%d-001", year), Loan: 800 * wan, Interest: 30 * wan},
	} {
		if _, err := a.Subsidies.Submit(ctx, director, subsidy.ClaimInput{Kind: subsidy.Patent, CreditCode: enterprise.SampleCode(demoFirst + 1), Patent: &in}); err != nil {
			return err
		}
	}
	return nil
}
