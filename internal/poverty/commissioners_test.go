package poverty_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
	"kejiju/internal/poverty"
)

// TestCommissioners: a commissioner rated 不合格 is not appointed the next
// year; assignments need a term; a paired village without its agreement is
// incomplete; the yearly summary counts the log.
func TestCommissioners(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		ctx := context.Background()
		if _, err := s.CreateCommissioner(ctx, staff, poverty.CommissionerInput{Name: "陈农艺", Level: "town"}); err == nil {
			t.Error("a commissioner of an unknown level was registered")
		} else if _, field, _ := errField(err); field != "level" {
			t.Errorf("unknown level: field %q", field)
		}
		failed, err := s.CreateCommissioner(ctx, staff, poverty.CommissionerInput{Name: "陈农艺", Level: poverty.LevelProvince,
			Expertise: "食用菌栽培", Employer: "安徽农业大学"})
		if err != nil {
			t.Fatal(err)
		}
		good, err := s.CreateCommissioner(ctx, staff, poverty.CommissionerInput{Name: "黄畜牧", Level: poverty.LevelCounty, Expertise: "肉牛养殖", Employer: "区农技站"})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []*poverty.Commissioner{failed, good} {
			if err := s.Appoint(ctx, staff, c.ID, 2025); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Rate(ctx, staff, failed.ID, 2025, poverty.RatingFail); err != nil {
			t.Fatal(err)
		}
		if err := s.Rate(ctx, staff, good.ID, 2025, poverty.RatingPass); err != nil {
			t.Fatal(err)
		}
		terms := count(t, d, `SELECT COUNT(*) FROM poverty_commissioner_terms`)
		if _, field, key := errField(s.Appoint(ctx, staff, failed.ID, 2026)); field != "year" || key != "poverty.commissioner.failed_last_year" {
			t.Errorf("re-appointing after 不合格: %s %s", field, key)
		}
		if got := count(t, d, `SELECT COUNT(*) FROM poverty_commissioner_terms`); got != terms {
			t.Errorf("a refused appointment wrote %d terms", got-terms)
		}
		if err := s.Appoint(ctx, staff, good.ID, 2026); err != nil {
			t.Fatalf("re-appointing after 合格: %v", err)
		}
		if err := s.Appoint(ctx, staff, good.ID, 2026); i18n.ErrorCode(err) != i18n.Conflict {
			t.Errorf("appointing twice: %v", err)
		}

		h := household(t, s, "黄大牛", idNo("1961-02-03", 13))
		if _, err := s.Assign(ctx, staff, good.ID, poverty.AssignmentInput{Year: 2024, Kind: poverty.AssignVillage, VillageCode: village}); i18n.ErrorCode(err) != i18n.Invalid {
			t.Errorf("an assignment without a term: %v", err)
		}
		v, err := s.Assign(ctx, staff, good.ID, poverty.AssignmentInput{Year: 2026, Kind: poverty.AssignVillage, VillageCode: village})
		if err != nil || !v.Incomplete() {
			t.Fatalf("village without agreement: %+v, %v (want incomplete)", v, err)
		}
		for _, in := range []poverty.AssignmentInput{
			{Year: 2026, Kind: poverty.AssignHousehold, HouseholdID: h.ID},
			{Year: 2026, Kind: poverty.AssignEnterprise, EnterpriseName: "阜阳某牧业有限公司"},
			{Year: 2026, Kind: poverty.AssignVillage, VillageCode: "341203200901", AgreementNo: "帮扶协议〔2026〕3号"},
		} {
			if _, err := s.Assign(ctx, staff, good.ID, in); err != nil {
				t.Fatalf("assign %+v: %v", in, err)
			}
		}
		if _, err := s.Assign(ctx, staff, good.ID, poverty.AssignmentInput{Year: 2026, Kind: poverty.AssignVillage, VillageCode: "341202001001"}); i18n.ErrorCode(err) != i18n.Invalid {
			t.Errorf("a village outside the district: %v", err)
		}

		if _, err := s.LogService(ctx, staff, good.ID, poverty.ServiceInput{AssignmentID: v.ID, ServedOn: "2026-04-10", Kind: poverty.ServiceVisit, Topic: "牛舍防疫指导"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.LogService(ctx, staff, good.ID, poverty.ServiceInput{ServedOn: "2026-05-20", Kind: poverty.ServiceTraining, Topic: "肉牛科学饲养", Trainees: 36}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			in    poverty.ServiceInput
			field string
		}{
			{poverty.ServiceInput{ServedOn: "2026-05-21", Kind: poverty.ServiceTraining, Topic: "无学员培训"}, "trainees"},
			{poverty.ServiceInput{ServedOn: "2026-12-01", Kind: poverty.ServiceVisit, Topic: "未来服务"}, "served_on"},
			{poverty.ServiceInput{ServedOn: "2026-05-21", Kind: poverty.ServiceVisit, Topic: "他人任务", AssignmentID: 999999}, "assignment_id"},
		} {
			if _, field, _ := errField(mustErr(s.LogService(ctx, staff, good.ID, tc.in))); field != tc.field {
				t.Errorf("log %+v: field %q, want %q", tc.in, field, tc.field)
			}
		}
		got, err := s.CommissionerSummary(ctx, director, good.ID, 2026)
		if err != nil {
			t.Fatal(err)
		}
		want := poverty.YearSummary{Year: 2026, Villages: 2, Households: 1, Enterprises: 1, Services: 1, Trainings: 1, Trainees: 36, Days: 2, Incomplete: []int64{v.ID}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("summary (-want +got):\n%s", diff)
		}
		if _, err := s.CommissionerRecord(ctx, outsider, good.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("another district: %v", err)
		}
		if list, _ := s.Commissioners(ctx, staff); len(list) != 2 || list[0].Level != poverty.LevelProvince {
			t.Errorf("list: %+v", list)
		}
	})
}
