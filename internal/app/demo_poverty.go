package app

import (
	"context"
	"fmt"
	"strings"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/ident"
	"kejiju/internal/poverty"
)

// demoVillage is the bureau's paired village in the demo: 梧樟村, 冉庙乡.
const demoVillage = "341203200205"

// demoID makes a synthetic resident ID number of someone born in 颍东区
// (the check character computed, the person made up).
func demoID(birth string, seq int) string {
	first17 := fmt.Sprintf("341203%s%03d", birth, seq)
	c, _ := ident.ResidentIDCheckChar(first17)
	return first17 + string(c)
}

// demoHouseholds are the paired village's eight registered households.
var demoHouseholds = []struct {
	head, birth, cause, status, cadre string
	members                           []string // name:relation:birth
	measure                           string
}{
	{"李德贵", "19580312", poverty.CauseIllness, poverty.NotOut, "王局长", []string{"王秀英:配偶:19600521", "李小军:子女:19881103"}, "大病医疗救助衔接，发展庭院食用菌种植"},
	{"张守田", "19621120", poverty.CauseLackSkills, poverty.Out, "张三", []string{"刘桂兰:配偶:19640708"}, "参加蔬菜大棚种植技术培训"},
	{"赵长林", "19550905", poverty.CauseDisability, poverty.Monitoring, "王局长", []string{"赵玉梅:配偶:19570214", "赵晓东:子女:19850627", "赵欣:孙辈:20120918"}, "残疾人就业帮扶，申请光伏收益分配"},
	{"孙庆华", "19700118", poverty.CauseEducation, poverty.Out, "张三", []string{"周丽:配偶:19720306", "孙浩:子女:20050811"}, "雨露计划助学补助"},
	{"周广才", "19480726", poverty.CauseLackLabour, poverty.NotOut, "王局长", nil, "公益岗位安置，落实兜底保障"},
	{"吴士兰", "19660430", poverty.CauseIllness, poverty.NotOut, "张三", []string{"陈建国:配偶:19640115"}, "慢性病签约服务，发展小龙虾养殖"},
	{"郑宝山", "19590802", poverty.CauseLackCapital, poverty.Out, "王局长", []string{"郑小花:子女:19900224"}, "小额信贷贴息，发展肉牛养殖"},
	{"钱玉珍", "19630615", poverty.CauseDisaster, poverty.Monitoring, "张三", []string{"钱磊:子女:19920419"}, "农业保险理赔，恢复种植"},
}

// seedPoverty gives the demo district's paired village its households
// with members, plans, a visit and last year's incomes, a change request
// waiting for approval, and an S&T poverty-alleviation project.
func (a *App) seedPoverty(ctx context.Context, director *auth.User) error {
	this := calendar.Today(nil).Year
	var first int64
	for i, d := range demoHouseholds {
		in := poverty.HouseholdInput{RegionCode: demoVillage, HeadName: d.head, HeadID: demoID(d.birth, 11+2*i), Phone: fmt.Sprintf("1385581%04d", 1200+i),
			MembersCount: 1 + len(d.members), CauseCode: d.cause, Status: d.status, Cadre: d.cadre}
		if d.status != poverty.NotOut {
			in.StatusOn = fmt.Sprintf("%d-12-20", this-2)
		}
		h, err := a.Poverty.CreateHousehold(ctx, director, in)
		if err != nil {
			return fmt.Errorf("household %s: %w", d.head, err)
		}
		if i == 0 {
			first = h.ID
		}
		for j, m := range d.members {
			parts := strings.Split(m, ":")
			name, rel, birth := parts[0], parts[1], parts[2]
			if _, err := a.Poverty.AddMember(ctx, director, h.ID, poverty.MemberInput{Name: name, Relation: rel, ResidentID: demoID(birth, 100+10*i+2*j)}); err != nil {
				return fmt.Errorf("member %s: %w", name, err)
			}
		}
		if _, err := a.Poverty.SetIncome(ctx, director, h.ID, this-1, fmt.Sprintf("%d", 4800+i*650)); err != nil {
			return err
		}
		if _, err := a.Poverty.AddMeasure(ctx, director, h.ID, poverty.MeasureInput{Measure: d.measure, Cadre: d.cadre,
			TargetOn: fmt.Sprintf("%d-12-31", this)}); err != nil {
			return err
		}
	}
	if _, err := a.Poverty.AddVisit(ctx, director, first, poverty.VisitInput{VisitedOn: calendar.Today(nil).AddDays(-7).String(), Visitor: "王局长",
		Notes: "菌棚已搭建，首批菌棒下田；医疗报销已到账。"}); err != nil {
		return err
	}
	c, err := a.Poverty.CreateChange(ctx, director, first, poverty.ChangeInput{Fields: map[string]string{"members_count": "4"}, Reason: "孙女出生落户"})
	if err != nil {
		return err
	}
	if _, err := a.Poverty.Act(ctx, director, c.ID, "submit", ""); err != nil {
		return err
	}
	if err := a.seedCommissioners(ctx, director, first, this); err != nil {
		return err
	}
	_, err = a.Poverty.CreateProject(ctx, director, poverty.ProjectInput{Year: this, Title: "梧樟村食用菌种植科技扶贫项目", Funds: "8.5万元",
		Townships: []string{"341203200"}, Households: 8, People: 21, CollectiveIncome: "2.4万元", Progress: 60,
		ProgressNote: "菌棚 6 座建成，技术培训 3 期"})
	return err
}

// seedCommissioners gives the demo two S&T commissioners appointed for
// this year: one serving the paired village (with its agreement) and a
// household, with a training and a visit logged; one serving an
// enterprise, whose village assignment still lacks its agreement.
func (a *App) seedCommissioners(ctx context.Context, director *auth.User, household int64, this int) error {
	today := calendar.Today(nil)
	for _, c := range []struct {
		in      poverty.CommissionerInput
		assign  []poverty.AssignmentInput
		service []poverty.ServiceInput
	}{
		{poverty.CommissionerInput{Name: "陈立农", Level: poverty.LevelProvince, Expertise: "食用菌栽培", Employer: "安徽农业大学"},
			[]poverty.AssignmentInput{{Year: this, Kind: poverty.AssignVillage, VillageCode: demoVillage, AgreementNo: fmt.Sprintf("颍东科特帮〔%d〕1号", this)},
				{Year: this, Kind: poverty.AssignHousehold, HouseholdID: household}},
			[]poverty.ServiceInput{{ServedOn: today.AddDays(-30).String(), Kind: poverty.ServiceTraining, Topic: "食用菌菌棒制作与出菇管理", Trainees: 32},
				{ServedOn: today.AddDays(-8).String(), Kind: poverty.ServiceVisit, Topic: "菌棚温湿度调控现场指导"}}},
		{poverty.CommissionerInput{Name: "黄牧远", Level: poverty.LevelCounty, Expertise: "肉牛养殖", Employer: "颍东区农业技术推广中心"},
			[]poverty.AssignmentInput{{Year: this, Kind: poverty.AssignEnterprise, EnterpriseName: "阜阳市颍东区牧歌肉牛养殖专业合作社"},
				{Year: this, Kind: poverty.AssignVillage, VillageCode: demoVillage}},
			[]poverty.ServiceInput{{ServedOn: today.AddDays(-15).String(), Kind: poverty.ServiceTraining, Topic: "肉牛科学饲养与疫病防控", Trainees: 24}}},
	} {
		cm, err := a.Poverty.CreateCommissioner(ctx, director, c.in)
		if err != nil {
			return err
		}
		if err := a.Poverty.Appoint(ctx, director, cm.ID, this); err != nil {
			return err
		}
		for _, in := range c.assign {
			if _, err := a.Poverty.Assign(ctx, director, cm.ID, in); err != nil {
				return err
			}
		}
		for _, in := range c.service {
			if _, err := a.Poverty.LogService(ctx, director, cm.ID, in); err != nil {
				return err
			}
		}
	}
	return nil
}
