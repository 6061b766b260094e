package app

import (
	"context"
	"fmt"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/enterprise"
	"kejiju/internal/event"
	"kejiju/internal/hightech"
	"kejiju/internal/ident"
	"kejiju/internal/incubator"
	"kejiju/internal/money"
	"kejiju/internal/patent"
	"kejiju/internal/quake"
	"kejiju/internal/region"
	"kejiju/internal/report"
	"kejiju/internal/subsidy"
	"kejiju/internal/task"
	"kejiju/internal/voucher"
	"kejiju/internal/xlsx"
)

// demoFirst is the first sample number of the demo enterprises: far from
// the numbers tests and benchmarks import, so a demo database can take them.
const demoFirst = 900001

// demoEnterprises is how many enterprises the demo district gets.
const demoEnterprises = 60

// seedDemo gives the demo district its enterprises and, for a dozen of
// them, three years of facts, this year's innovation voucher batch, the
// paired village's poverty registry, and a handful of patents with an
// agency and a pledge loan, entered as the demo director would.
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
	if err := a.seedPoverty(ctx, director); err != nil {
		return err
	}
	if err := a.seedField(ctx, director); err != nil {
		return err
	}
	if err := a.seedIncubator(ctx, director, this); err != nil {
		return err
	}
	if err := a.seedTasks(ctx, director, this); err != nil {
		return err
	}
	if err := a.seedDemoPatents(ctx, director, svc, this); err != nil {
		return err
	}
	return a.seedReturnLock(ctx, director)
}

// seedReturnLock sends (locks) last quarter's KJ02 return of the director's
// district, through the locks as the director would, so a first start
// shows a locked return with its history. The audit log has the director
// as its actor, not the setup that runs the seeding.
func (a *App) seedReturnLock(ctx context.Context, director *auth.User) error {
	ctx = audit.WithActor(ctx, audit.Actor{ID: director.ID, Name: director.Username})
	returns, err := report.NewReturns(a.Figures, StatisticalReturns()...)
	if err != nil {
		return err
	}
	ret, err := returns.Get("KJ02")
	if err != nil {
		return err
	}
	tree, err := a.Regions.Tree(ctx)
	if err != nil {
		return err
	}
	reg, ok := tree.Lookup(director.RegionCode)
	if !ok {
		return fmt.Errorf("app: demo return: no region %s", director.RegionCode)
	}
	rp := report.PeriodOf(report.Quarterly, calendar.Today(calendar.Shanghai)).Prev()
	locks := &report.Locks{DB: a.DB, Audit: a.Audit}
	_, err = locks.Lock(ctx, director, ret.Code, rp.Key(), reg.Code, func(q db.Querier, now time.Time) (*report.Filled, error) {
		return returns.Fill(ctx, q, ret, rp, reg, tree.Children(reg.Code), now)
	})
	return err
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

// demoCreditCode makes a credit code of the demo district from the first
// 8 characters of an organisation code, with both check characters.
func demoCreditCode(org8 string) string {
	o, err := ident.OrgCodeCheckChar(org8)
	if err != nil {
		panic(err) // the demo's own constants
	}
	first17 := "91341203" + org8 + string(o)
	c, err := ident.CreditCodeCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}

// seedIncubator registers the 徽清科技园 incubator: five tenants (three of
// them registered enterprises, one established too long before entering to
// count, one graduated), the statistics of the last two years graded, and
// two prospects of the city innovation centre's 招商.
func (a *App) seedIncubator(ctx context.Context, director *auth.User, year int) error {
	s := a.Incubators
	inc, err := s.Create(ctx, director, incubator.Input{Name: "徽清科技园科技企业孵化器", OperatorName: "阜阳徽清科技园运营管理有限公司",
		OperatorCode: demoCreditCode("MA2XHQ01"), Level: incubator.City, AreaM2: 12000, TenantAreaM2: 9000,
		RecognisedYear: year - 2, OperatingSince: fmt.Sprintf("%d-05-01", year-4), Note: "争取通过省级科技孵化器认定"})
	if err != nil {
		return err
	}
	tenants := []incubator.TenantInput{
		{CreditCode: enterprise.SampleCode(demoFirst + 20), EnteredOn: fmt.Sprintf("%d-03-01", year-2)},
		{CreditCode: enterprise.SampleCode(demoFirst + 21), EnteredOn: fmt.Sprintf("%d-09-15", year-1)},
		{CreditCode: enterprise.SampleCode(demoFirst + 22), EnteredOn: fmt.Sprintf("%d-01-10", year-1)},
		{Name: "阜阳智造电子科技有限公司", CreditCode: demoCreditCode("MA2XHQ02"), EstablishedOn: fmt.Sprintf("%d-01-01", year-4),
			EnteredOn: fmt.Sprintf("%d-07-01", year-1)},
		{Name: "颍东生物医药研发有限公司", CreditCode: demoCreditCode("MA2XHQ03"), EstablishedOn: fmt.Sprintf("%d-06-01", year-3),
			EnteredOn: fmt.Sprintf("%d-08-01", year-3), LongField: true},
	}
	var graduate int64
	for i, in := range tenants {
		t, err := s.AddTenant(ctx, director, inc.ID, in)
		if err != nil {
			return fmt.Errorf("app: demo tenant %d: %w", i+1, err)
		}
		if i == 0 {
			graduate = t.ID
		}
	}
	if _, err := s.ExitTenant(ctx, director, graduate, fmt.Sprintf("%d-12-20", year-1), true); err != nil {
		return err
	}
	const wan = 1_000_000 // fen
	for _, f := range []incubator.Figures{
		{Year: year - 2, Tenants: 38, NewTenants: 12, Graduates: 3, GraduatesTotal: 9, Staff: 9, StaffProfessional: 7, Mentors: 4,
			Fund: 300 * wan, TenantsFinanced: 4, FundCases: 2, TenantsPatent: 15, TenantsValidIP: 10, TenantsGrown: 8, Services: 46,
			ServiceIncome: 60 * wan, TotalIncome: 260 * wan, StatisticsReported: true},
		{Year: year - 1, Tenants: 45, NewTenants: 10, Graduates: 4, GraduatesTotal: 13, Staff: 10, StaffProfessional: 8, Mentors: 5,
			Fund: 500 * wan, TenantsFinanced: 7, FundCases: 3, TenantsPatent: 20, TenantsValidIP: 14, TenantsGrown: 12, Services: 58,
			ServiceIncome: 90 * wan, TotalIncome: 300 * wan, StatisticsReported: true},
	} {
		if err := s.SaveYear(ctx, director, inc.ID, f); err != nil {
			return err
		}
		if _, err := s.Assess(ctx, director, inc.ID, f.Year, "演示数据"); err != nil {
			return err
		}
	}
	for _, p := range []incubator.Prospect{
		{Name: "江南大学功能性食品研究中心（筹）", Kind: "institute", Contact: "陈教授", Status: "negotiating", Note: "与国顺药业等4家企业对接后提出"},
		{Name: "阜阳光正新材料科技有限公司", Kind: "tech_sme", Contact: "刘总 0558-2200000", Status: "contacted"},
	} {
		if _, err := s.SaveProspect(ctx, director, inc.ID, p); err != nil {
			return err
		}
	}
	return nil
}

// seedTasks sets this year's targets of the half-year report's plan
// (高企 recognised ≥ 2 and 10 cultivated, measured by the system; one
// provincial engineering research centre, kept by hand), puts three demo
// enterprises in the cultivation pool, and decomposes four party-conduct
// tasks: one done with its evidence, one in progress, two open.
func (a *App) seedTasks(ctx context.Context, director *auth.User, year int) error {
	for _, in := range []task.TargetInput{
		{Year: year, Title: "高新技术企业通过认定", Unit: "家", Planned: 2, Metric: task.MetricHTERecognised, Section: "高新科"},
		{Year: year, Title: "培育高新技术企业", Unit: "家", Planned: 10, Metric: task.MetricCultivated, Section: "高新科"},
		{Year: year, Title: "申报省级工程技术研究中心", Unit: "家", Planned: 1, Section: "高新科"},
	} {
		if _, err := a.Tasks.CreateTarget(ctx, director, in); err != nil {
			return err
		}
	}
	ht := &hightech.Service{DB: a.DB, Audit: a.Audit, Enterprises: hightechEnterprises{a.Enterprises, a.Patents}}
	for i := range 3 {
		id, _, err := a.Enterprises.Lookup(ctx, enterprise.SampleCode(demoFirst+i))
		if err != nil {
			return err
		}
		if err := ht.EnterPool(ctx, director, id, calendar.Date{Year: year - 1, Month: 11, Day: 10 + i}, "研发投入占比高，成长性好"); err != nil {
			return err
		}
	}
	rows := []task.TaskInput{
		{Category: "主体责任", Text: "制订下发年度党风廉政建设和反腐败主要工作任务分解表，将制度细化、工作量化，责任落实到人", LeadLeader: "王局长",
			Section: "办公室", Responsible: "张三", Deadline: fmt.Sprintf("%d-03-31", year)},
		{Category: "主体责任", Text: "认真学习贯彻2个《准则》3个《条例》，开展“两学一做”学习教育", LeadLeader: "王局长",
			Section: "机关党支部", Responsible: "张三、李会计", Deadline: fmt.Sprintf("%d-06-30", year)},
		{Category: "监督责任", Text: "落实中央八项规定精神、六项禁令，纠正“四风”，开展专项检查", LeadLeader: "王局长",
			Section: "办公室", Responsible: "李会计", Deadline: fmt.Sprintf("%d-12-20", year)},
		{Category: "作风建设", Text: "每周四企业调研日深入企业宣传科技政策，廉洁服务企业", LeadLeader: "王局长",
			Section: "高新科", Responsible: "张三", Deadline: fmt.Sprintf("%d-12-31", year)},
	}
	for i, in := range rows {
		in.Year = year
		t, err := a.Tasks.CreateTask(ctx, director, in)
		if err != nil {
			return err
		}
		switch i {
		case 0:
			_, err = a.Tasks.AddReport(ctx, director, t.ID, task.ReportInput{Text: "任务分解表已印发至各科室", Evidence: "局党组会议纪要及分解表文件", Done: true})
		case 1:
			_, err = a.Tasks.AddReport(ctx, director, t.ID, task.ReportInput{Text: "已开展集中学习2次、警示教育1次", Evidence: "学习签到表"})
		}
		if err != nil {
			return err
		}
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

// seedField gives the demo district its earthquake prevention and events:
// assistants for three townships (冉庙乡 re-registered once, so its history
// shows; the other townships vacant, so the registry's alert shows), the
// last publicity week's drills at schools and distributions of materials,
// a district-wide training of the assistants with its sign-in sheet and a
// township one, a planned drill, and the year's S&T conference. The dates
// are those of the most recent first half-year that is over, so none lies
// after today.
func (a *App) seedField(ctx context.Context, director *auth.User) error {
	today := calendar.FromTime(a.DB.Now(), calendar.Shanghai)
	y := today.Year
	if today.Before(calendar.Date{Year: y, Month: 7, Day: 1}) {
		y--
	}
	on := func(md string) calendar.Date { return calendar.MustParse(fmt.Sprintf("%d-%s", y, md)) }
	const ranmiao, chahua, kouzi = "341203200", "341203101", "341203100"
	first, err := a.Quake.RegisterAssistant(ctx, director, quake.AssistantInput{RegionCode: ranmiao, Name: "李明", Phone: "13805581201",
		Employer: "冉庙乡人民政府", Position: "副乡长", AppointedOn: on("01-01").AddYears(-2)})
	if err != nil {
		return err
	}
	if _, err := a.Quake.ReplaceAssistant(ctx, director, first.ID, quake.AssistantInput{Name: "周伟", Phone: "13805581202",
		Employer: "冉庙乡人民政府", Position: "应急管理办公室主任", AppointedOn: on("03-01")}, "乡镇领导班子调整，重新登记"); err != nil {
		return err
	}
	for _, in := range []quake.AssistantInput{
		{RegionCode: chahua, Name: "陈刚", Phone: "13805581203", Employer: "插花镇人民政府", Position: "党委委员", AppointedOn: on("01-01").AddYears(-1)},
		{RegionCode: kouzi, Name: "刘洋", Phone: "0558-2751234", Employer: "口孜镇人民政府", Position: "应急办干事", AppointedOn: on("02-15")},
	} {
		if _, err := a.Quake.RegisterAssistant(ctx, director, in); err != nil {
			return err
		}
	}
	for _, in := range []event.Input{
		{Kind: event.Conference, Title: fmt.Sprintf("%d年全区科技创新大会", y), Date: on("02-26"), Place: "区政务中心报告厅", Organiser: "区委、区政府",
			RegionCode: region.DemoDistrictCode, Planned: 320, Attended: 306, Outcome: "表彰科技创新先进单位12家，发布年度科技工作要点。"},
		{Kind: event.Training, Domain: event.Quake, Title: fmt.Sprintf("%d年全区防震减灾助理员业务培训", y), Date: on("03-20"),
			Place: "区科技局三楼会议室", Organiser: "区科技局", RegionCode: region.DemoDistrictCode, Planned: 12, DurationMin: 180,
			Materials: "《防震减灾助理员工作手册》", MaterialsN: 12, Outcome: "讲解灾情速报流程和宏观异常观测要求。",
			Attendees: []event.Attendee{{Name: "周伟", Unit: "冉庙乡人民政府", Phone: "13805581202"}, {Name: "陈刚", Unit: "插花镇人民政府", Phone: "13805581203"},
				{Name: "刘洋", Unit: "口孜镇人民政府"}}},
		{Kind: event.Training, Domain: event.Quake, Title: "冉庙乡村级灾害信息员培训", Date: on("04-16"), Place: "冉庙乡政府会议室",
			Organiser: "冉庙乡人民政府", RegionCode: ranmiao, Planned: 25, Attended: 23, DurationMin: 120, Materials: "宣传折页", MaterialsN: 50},
		{Kind: event.Matchmaking, Title: "颍东区农业科技成果对接会", Date: on("04-22"), Place: "冉庙乡梧樟村", Organiser: "区科技局",
			RegionCode: ranmiao, Planned: 60, Attended: 58, Outcome: "达成合作意向3项。"},
		{Kind: event.Publicity, Domain: event.Quake, Title: "防震减灾宣传周进校园", Date: on("05-12"), Place: "冉庙乡中心学校", Organiser: "区科技局、冉庙乡",
			RegionCode: ranmiao, Attended: 640, Materials: "防震减灾知识手册、宣传挂图", MaterialsN: 700},
	} {
		if _, err := a.Events.Create(ctx, director, in); err != nil {
			return err
		}
	}
	for _, in := range []quake.DrillInput{
		{RegionCode: ranmiao, Site: "冉庙乡中心学校", Date: on("05-12"), Scenario: "课间发生5.0级地震，全校师生疏散至操场", Participants: 620,
			DurationMin: 25, EvacuationSec: 150, Rating: "good", Evaluation: "疏散有序，用时2分30秒；二楼东侧楼梯口一度拥挤，已调整班级疏散路线。"},
		{RegionCode: chahua, Site: "插花镇第一小学", Date: on("05-13"), Scenario: "地震伴发火情，分楼层疏散", Participants: 480,
			DurationMin: 30, EvacuationSec: 185, Rating: "excellent", Evaluation: "各班按预定路线撤离，清点人数及时。"},
		{RegionCode: kouzi, SiteKind: "community", Site: "口孜镇东城社区", Date: on("06-18"), Participants: 150, DurationMin: 40, Rating: "fair",
			Evaluation: "老年居民疏散较慢，需增加志愿者引导。"},
		{RegionCode: chahua, Site: "插花镇中学", Date: today.AddDays(14), Scenario: "地震应急疏散（计划）", Participants: 900, DurationMin: 30},
	} {
		if _, err := a.Quake.CreateDrill(ctx, director, in); err != nil {
			return err
		}
	}
	for _, in := range []quake.PublicityInput{
		{RegionCode: ranmiao, Recipient: "梧樟小学", Materials: "防震减灾知识手册", Quantity: 40, DistributedOn: on("05-11"), Activity: fmt.Sprintf("%d年防震减灾宣传周", y)},
		{RegionCode: ranmiao, Recipient: "冉庙乡中心学校", Materials: "宣传挂图", Quantity: 30, DistributedOn: on("05-11"), Activity: fmt.Sprintf("%d年防震减灾宣传周", y)},
		{RegionCode: chahua, Recipient: "插花镇第一小学", Materials: "防震减灾知识手册、应急包示范", Quantity: 60, DistributedOn: on("05-12"), Activity: fmt.Sprintf("%d年防震减灾宣传周", y)},
	} {
		if _, err := a.Quake.CreatePublicity(ctx, director, in); err != nil {
			return err
		}
	}
	return nil
}
