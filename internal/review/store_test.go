package review_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
	"kejiju/internal/region"
	"kejiju/internal/review"
	"kejiju/internal/web/webtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

// The people of the store tests. Staff hold auth.PermEnterpriseManage,
// which IsStaff accepts until auth/roles.go grants review.manage.
var (
	staff  = &auth.User{ID: 1, Username: "staff", DisplayName: "张科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"}
	other  = &auth.User{ID: 2, Username: "other", DisplayName: "颍州科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341202"}
	viewer = &auth.User{ID: 3, Username: "viewer", DisplayName: "市局", Roles: []auth.Role{auth.CityViewer}, RegionCode: "341200"}
)

// expertUser is the account of the n-th test expert.
func expertUser(n int) *auth.User {
	return &auth.User{ID: int64(100 + n), Username: fmt.Sprintf("expert%02d", n), DisplayName: fmt.Sprintf("专家%02d", n),
		Roles: []auth.Role{auth.Expert}, RegionCode: "341203"}
}

// now is the database clock of the store tests: 5 March 2026, 10:00 in Beijing.
var now = time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC)

const field = "新材料"

// env is a migrated database with regions, staff, and 15 experts in 新材料
// (ids in ids, each with an account expertUser(i+1)), 4 in 电子信息.
type env struct {
	d       *db.DB
	s       *review.Service
	ids     []int64
	users   map[int64]*auth.User // expert id → account
	applied review.Applicant
}

func setup(t *testing.T, d *db.DB) *env {
	t.Helper()
	ctx := context.Background()
	d.Now = func() time.Time { return now }
	lg, err := audit.New(audit.SM3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&region.Store{DB: d, Audit: lg}).Seed(ctx, append(region.Anhui(), region.DemoDistrict()...)); err != nil {
		t.Fatal(err)
	}
	e := &env{d: d, s: &review.Service{DB: d, Audit: lg, Seed: func() (uint64, error) { return 20260305, nil }}, users: map[int64]*auth.User{}}
	for _, u := range []*auth.User{staff, other, viewer} {
		webtest.AddUser(t, d, u)
	}
	for i := range 19 {
		u := expertUser(i + 1)
		webtest.AddUser(t, d, u)
		in := review.ExpertInput{UserID: u.ID, Name: u.DisplayName, Title: "教授", Employer: fmt.Sprintf("第%d研究院", i+1),
			RegionCode: "340100", Fields: []string{field}, Phone: "1380000" + fmt.Sprintf("%04d", i), Available: true, MaxLoad: 5}
		if i >= 15 {
			in.Fields = []string{"电子信息"}
		}
		x, err := e.s.CreateExpert(ctx, staff, in)
		if err != nil {
			t.Fatal(err)
		}
		if i < 15 {
			e.ids = append(e.ids, x.ID)
		}
		e.users[x.ID] = u
	}
	e.applied = review.Applicant{Key: "project:1", Name: "阜阳金麦乐面业有限公司", Employers: []string{"阜阳金麦乐面业有限公司"}, Field: field}
	return e
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func key(err error) string {
	if e := appErr(err); e != nil {
		return e.Key
	}
	return ""
}

// problem reports whether err holds the problem key with field.
func problem(err error, field, key string) bool {
	p, ok := err.(i18n.Problems)
	return ok && p.Field(field) != nil && p.Field(field).Key == key
}

// draw draws 3 members and 2 alternates for project id.
func (e *env) draw(t *testing.T, id int64) *review.PanelRecord {
	t.Helper()
	a := e.applied
	a.Key = fmt.Sprintf("project:%d", id)
	p, err := e.s.DrawFor(context.Background(), staff, "project", id, a, "", 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var rubric = review.Rubric{Criteria: []review.Criterion{
	{Key: "innovation", Name: "创新性", Max: 40}, {Key: "feasibility", Name: "可行性", Max: 30}, {Key: "benefit", Name: "预期效益", Max: 30}}}

func TestRegistry(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		bad := []struct {
			name   string
			in     review.ExpertInput
			fields []string
		}{
			{"empty", review.ExpertInput{}, []string{"expert_name", "expert_employer", "expert_fields"}},
			{"banned without a reason", review.ExpertInput{Name: "甲", Employer: "乙", Fields: []string{field}, Credit: review.CreditBanned}, []string{"expert_credit_note"}},
			{"bad phone and region", review.ExpertInput{Name: "甲", Employer: "乙", Fields: []string{field}, Phone: "电话", RegionCode: "34"}, []string{"phone", "region_code"}},
			{"negative limit", review.ExpertInput{Name: "甲", Employer: "乙", Fields: []string{field}, MaxLoad: -1}, []string{"expert_max_load"}},
			{"not an expert's account", review.ExpertInput{Name: "甲", Employer: "乙", Fields: []string{field}, UserID: staff.ID}, []string{"expert_user"}},
			{"an account taken", review.ExpertInput{Name: "甲", Employer: "乙", Fields: []string{field}, UserID: expertUser(1).ID}, []string{"expert_user"}},
		}
		before := count(t, d, `SELECT COUNT(*) FROM experts`)
		for _, tc := range bad {
			_, err := e.s.CreateExpert(ctx, staff, tc.in)
			if i18n.ErrorCode(err) != i18n.Invalid {
				t.Errorf("%s: got %v, want invalid", tc.name, err)
				continue
			}
			got := map[string]bool{}
			if p, ok := err.(i18n.Problems); ok {
				for _, x := range p {
					got[x.Field] = true
				}
			} else if x := appErr(err); x != nil {
				got[x.Field] = true
			}
			for _, f := range tc.fields {
				if !got[f] {
					t.Errorf("%s: no problem with %s (%v)", tc.name, f, err)
				}
			}
		}
		if n := count(t, d, `SELECT COUNT(*) FROM experts`); n != before {
			t.Errorf("refused input wrote %d experts", n-before)
		}
		x, err := e.s.Expert(ctx, staff, e.ids[0])
		if err != nil || x.Phone != "13800000000" || !slices.Equal(x.Fields, []string{field}) || x.RegistryRegion != "341203" {
			t.Fatalf("read back: %+v %v", x, err)
		}
		for _, u := range []*auth.User{other, viewer, expertUser(1)} {
			if _, err := e.s.Expert(ctx, u, e.ids[0]); err == nil {
				t.Errorf("%s reads an expert of 颍东区", u.Username)
			}
		}
		in := review.ExpertInput{UserID: x.UserID, Name: x.Name, Title: "研究员", Employer: x.Employer, Fields: []string{field, "电子信息"},
			Phone: x.Phone, Available: true, Credit: review.CreditWarned, CreditNote: "2025年评审迟交意见", MaxLoad: 4}
		y, err := e.s.UpdateExpert(ctx, staff, x.ID, x.Version, in, "职称晋升")
		if err != nil || y.Version != 2 || y.Title != "研究员" || len(y.Fields) != 2 {
			t.Fatalf("update: %+v %v", y, err)
		}
		if _, err := e.s.UpdateExpert(ctx, staff, x.ID, x.Version, in, ""); i18n.ErrorCode(err) != i18n.Conflict {
			t.Errorf("stale update: %v", err)
		}
		list, total, err := e.s.Experts(ctx, staff, review.ExpertFilter{Field: "电子信息"})
		if err != nil || total != 5 || len(list) != 5 {
			t.Errorf("experts in 电子信息: %d %v", total, err)
		}
		if _, total, _ := e.s.Experts(ctx, other, review.ExpertFilter{}); total != 0 {
			t.Errorf("颍州 staff see %d experts of 颍东", total)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action = 'review.expert.update' AND before_json LIKE '%138****0000%'`); n != 1 {
			t.Errorf("%d update events with the masked phone, want 1", n)
		}
		if err := e.s.DeleteExpert(ctx, staff, e.ids[14], "重复登记"); err != nil {
			t.Errorf("delete: %v", err)
		}
		if _, err := e.s.Expert(ctx, staff, e.ids[14]); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("deleted expert: %v", err)
		}
	})
}

func TestDrawStoredAndReplayed(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		// Expert 1 works for the applicant; expert 2 is a relative; expert
		// 3 collaborated four years ago and stays eligible.
		x1, _ := e.s.Expert(ctx, staff, e.ids[0])
		in := review.ExpertInput{UserID: x1.UserID, Name: x1.Name, Employer: "阜阳金麦乐面业（集团）股份有限公司", Fields: x1.Fields, Available: true, MaxLoad: 5}
		if _, err := e.s.UpdateExpert(ctx, staff, x1.ID, x1.Version, in, "调动"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.AddRelation(ctx, staff, review.Relation{ExpertID: e.ids[1], Kind: review.KindRelative, Party: "project:1"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.AddRelation(ctx, staff, review.Relation{ExpertID: e.ids[2], Kind: review.KindCollaborator, Party: "阜阳金麦乐面业有限公司",
			Since: day("2020-01-01"), Until: day("2022-01-31")}); err != nil {
			t.Fatal(err)
		}
		p := e.draw(t, 1)
		if p.Seed != 20260305 || p.Algorithm != review.Algorithm || len(p.Members) != 3 || len(p.Alternates) != 2 || len(p.Pool) != 13 {
			t.Fatalf("panel: seed %d alg %q members %v alternates %v pool %d", p.Seed, p.Algorithm, p.Members, p.Alternates, len(p.Pool))
		}
		for _, id := range slices.Concat(p.Members, p.Alternates) {
			if id == e.ids[0] || id == e.ids[1] {
				t.Errorf("drew conflicted expert %d", id)
			}
		}
		if !slices.Contains(p.Pool, e.ids[2]) {
			t.Error("the collaborator of four years ago is not in the pool")
		}
		stored, err := e.s.Panel(ctx, staff, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Seed != p.Seed || stored.PoolHash != p.PoolHash || !slices.Equal(stored.Members, p.Members) ||
			!slices.Equal(stored.Alternates, p.Alternates) || !slices.Equal(stored.Pool, p.Pool) || len(stored.Excluded) != 2 {
			t.Errorf("stored panel differs: %+v", stored.Panel)
		}
		if ok, err := e.s.Replay(ctx, staff, p.ID); err != nil || !ok {
			t.Errorf("replay from the database: %v %v", ok, err)
		}
		// The same draw, made by hand from the stored seed and the registry.
		pool, _, err := e.s.Experts(ctx, staff, review.ExpertFilter{Field: field, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var experts []review.Expert
		for _, x := range pool {
			x.Load = 0 // as at the draw
			experts = append(experts, x.Expert)
		}
		rels, _ := e.s.Relations(ctx, staff, e.ids[1])
		rels3, _ := e.s.Relations(ctx, staff, e.ids[2])
		ok, err := review.Replay(stored.Panel, experts, stored.Applicant, append(rels, rels3...), nil, stored.On)
		if err != nil || !ok {
			t.Errorf("replay by hand: %v %v", ok, err)
		}
		if _, err := d.Exec(`UPDATE panels SET seed = '20260306' WHERE id = $1`, p.ID); err != nil {
			t.Fatal(err)
		}
		if ok, err := e.s.Replay(ctx, staff, p.ID); err != nil || ok {
			t.Errorf("replay of a tampered seed: %v %v", ok, err)
		}
		if _, err := e.s.DrawFor(ctx, staff, "project", 1, e.applied, "", 3, 2); key(err) != "review.panel.exists" {
			t.Errorf("second draw for the same object: %v", err)
		}
		if _, err := e.s.DrawFor(ctx, staff, "project", 2, e.applied, "电子信息", 2, 0); key(err) != review.ErrPoolTooSmall {
			t.Errorf("4 experts for 2 seats: %v", err)
		}
		if _, err := e.s.DrawFor(ctx, viewer, "project", 3, e.applied, "", 3, 0); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("city viewer draws: %v", err)
		}
		if _, err := e.s.DrawFor(ctx, expertUser(1), "project", 3, e.applied, "", 3, 0); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("an expert draws: %v", err)
		}
		if _, err := e.s.Panel(ctx, other, p.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("颍州 staff read the panel: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM panels`); n != 1 {
			t.Errorf("%d panels, want 1", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action = 'review.panel.draw' AND after_json LIKE '%"seed":"20260305"%'`); n != 1 {
			t.Errorf("%d draw events with the seed", n)
		}
		// The drawn members' load counts in the next draw.
		x, _ := e.s.Expert(ctx, staff, p.Members[0])
		if x.Load != 1 {
			t.Errorf("member's load %d, want 1", x.Load)
		}
	})
}

func TestExpertSeesOnlyTheirAssignment(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		p := e.draw(t, 1)
		member, alternate := e.users[p.Members[0]], e.users[p.Alternates[0]]
		var outsider *auth.User
		for _, id := range e.ids {
			if !slices.Contains(p.Members, id) && !slices.Contains(p.Alternates, id) {
				outsider = e.users[id]
				break
			}
		}
		got, err := e.s.Panel(ctx, member, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Seed != 0 || got.Pool != nil || got.Excluded != nil || len(got.Roster) != 1 || got.Roster[0].ExpertID != p.Members[0] || got.Applicant.Name == "" {
			t.Errorf("member's view: %+v", got)
		}
		for _, u := range []*auth.User{alternate, outsider} {
			if _, err := e.s.Panel(ctx, u, p.ID); i18n.ErrorCode(err) != i18n.NotFound {
				t.Errorf("%s reads the panel: %v", u.Username, err)
			}
			if as, _ := e.s.Assignments(ctx, u); len(as) != 0 {
				t.Errorf("%s has assignments %+v", u.Username, as)
			}
		}
		as, err := e.s.Assignments(ctx, member)
		if err != nil || len(as) != 1 || as[0].PanelID != p.ID || as[0].Status != review.StatusInvited || as[0].ApplicantName != "阜阳金麦乐面业有限公司" {
			t.Errorf("assignments %+v %v", as, err)
		}
		if ok, _ := e.s.MaySee(ctx, member, "project", 1); ok {
			t.Error("a member sees the application before signing the declaration")
		}
		if err := e.s.Declare(ctx, member, p.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if ok, _ := e.s.MaySee(ctx, member, "project", 1); !ok {
			t.Error("a member who signed does not see the application")
		}
		if ok, _ := e.s.MaySee(ctx, outsider, "project", 1); ok {
			t.Error("an outsider sees the application")
		}
		if ok, _ := e.s.MaySee(ctx, staff, "project", 1); !ok {
			t.Error("staff do not see the application")
		}
		// The scope condition for the areas' lists.
		var args []any
		cond := member.Scope().Where(auth.Columns{Assigned: review.Assigned("project", "x.id")}, &args)
		var n int
		if err := d.QueryRow(`SELECT COUNT(*) FROM (SELECT 1 AS id UNION ALL SELECT 2) x WHERE `+cond, args...).Scan(&n); err != nil || n != 1 {
			t.Errorf("assigned rows: %d %v", n, err)
		}
	})
}

func TestScoringNeedsDeclarationAndIsSealed(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		p := e.draw(t, 1)
		a, b, c := e.users[p.Members[0]], e.users[p.Members[1]], e.users[p.Members[2]]
		sheet := map[string]int{"innovation": 32, "feasibility": 24, "benefit": 20}
		if err := e.s.SubmitScores(ctx, a, p.ID, sheet, ""); key(err) != "review.score.sign_first" || i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("scoring before the declaration: %v", err)
		}
		if err := e.s.Declare(ctx, a, p.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Declare(ctx, a, p.ID, true, ""); key(err) != "review.declaration.signed" {
			t.Errorf("signing twice: %v", err)
		}
		if err := e.s.SubmitScores(ctx, a, p.ID, sheet, ""); key(err) != "review.rubric.none" {
			t.Errorf("scoring without a rubric: %v", err)
		}
		if err := e.s.SetRubric(ctx, a, p.ID, rubric); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("an expert sets the rubric: %v", err)
		}
		if err := e.s.SetRubric(ctx, staff, p.ID, rubric); err != nil {
			t.Fatal(err)
		}
		if err := e.s.SubmitScores(ctx, a, p.ID, map[string]int{"innovation": 41, "feasibility": 24}, ""); i18n.ErrorCode(err) != i18n.Invalid {
			t.Errorf("out of range and incomplete: %v", err)
		}
		if err := e.s.SubmitScores(ctx, a, p.ID, sheet, "创新点突出"); err != nil {
			t.Fatal(err)
		}
		sheet["benefit"] = 22 // a second submission replaces the first
		if err := e.s.SubmitScores(ctx, a, p.ID, sheet, "创新点突出，效益测算偏保守"); err != nil {
			t.Fatal(err)
		}
		if err := e.s.SetRubric(ctx, staff, p.ID, rubric); key(err) != "review.rubric.locked" {
			t.Errorf("rubric changed after a score: %v", err)
		}
		for _, u := range []*auth.User{b, c} {
			if err := e.s.Declare(ctx, u, p.ID, true, ""); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.s.SubmitScores(ctx, b, p.ID, map[string]int{"innovation": 20, "feasibility": 20, "benefit": 15}, ""); err != nil {
			t.Fatal(err)
		}
		// b may not read a's sheet before the panel is closed.
		if _, err := e.s.Sheet(ctx, b, p.ID, p.Members[0]); key(err) != "review.score.sealed" || i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("reading another's sheet before close: %v", err)
		}
		own, err := e.s.Scores(ctx, b, p.ID)
		if err != nil || len(own) != 1 || own[0].ExpertID != p.Members[1] || own[0].Total != 55 {
			t.Errorf("b's sheets before close: %+v %v", own, err)
		}
		all, err := e.s.Scores(ctx, staff, p.ID)
		if err != nil || len(all) != 2 || all[0].Total != 78 || all[0].Comment != "创新点突出，效益测算偏保守" {
			t.Errorf("staff's sheets: %+v %v", all, err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM panel_scores WHERE panel_id = $1`, p.ID); n != 6 {
			t.Errorf("%d score rows, want 6", n)
		}
		if _, err := e.s.ClosePanel(ctx, staff, p.ID); key(err) != "review.panel.unscored" {
			t.Errorf("closing with a sheet missing: %v", err)
		}
		if err := e.s.SubmitScores(ctx, c, p.ID, map[string]int{"innovation": 30, "feasibility": 25, "benefit": 25}, ""); err != nil {
			t.Fatal(err)
		}
		res, err := e.s.ClosePanel(ctx, staff, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Experts != 3 || res.Mean != float64(78+55+80)/3 || res.Trimmed || res.Spread != 25 || !res.Disagreement {
			t.Errorf("result %+v", res)
		}
		if sh, err := e.s.Sheet(ctx, b, p.ID, p.Members[0]); err != nil || sh.Total != 78 {
			t.Errorf("reading another's sheet after close: %+v %v", sh, err)
		}
		if err := e.s.SubmitScores(ctx, a, p.ID, sheet, ""); key(err) != "review.panel.closed" {
			t.Errorf("scoring after close: %v", err)
		}
		if got, _ := e.s.Panel(ctx, a, p.ID); got.Result == nil || got.Result.Spread != 25 {
			t.Errorf("member's view of the result: %+v", got.Result)
		}
	})
}

func TestDeclinePromotesAlternate(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		p := e.draw(t, 1)
		first, second := p.Members[0], p.Members[1]
		if err := e.s.Decline(ctx, e.users[first], p.ID, 0, ""); i18n.ErrorCode(err) != i18n.Invalid {
			t.Errorf("declining without a reason: %v", err)
		}
		if err := e.s.Decline(ctx, e.users[first], p.ID, second, "出差"); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("declining for another member: %v", err)
		}
		if err := e.s.Decline(ctx, e.users[first], p.ID, 0, "同期出国交流"); err != nil {
			t.Fatal(err)
		}
		got, _ := e.s.Panel(ctx, staff, p.ID)
		byID := map[int64]review.Member{}
		for _, m := range got.Roster {
			byID[m.ExpertID] = m
		}
		out, in := byID[first], byID[p.Alternates[0]]
		if out.Status != review.StatusDeclined || out.ReplacedBy != p.Alternates[0] || out.Reason != "同期出国交流" {
			t.Errorf("declined member %+v", out)
		}
		if in.Role != review.RoleMember || in.Status != review.StatusInvited || in.Replaces != first || in.DrawnAs != review.RoleAlternate {
			t.Errorf("promoted alternate %+v", in)
		}
		if got.Short != 0 || !slices.Equal(got.Members, p.Members) || !slices.Equal(got.Alternates, p.Alternates) {
			t.Errorf("after one decline: short %d, drawn %v %v", got.Short, got.Members, got.Alternates)
		}
		if ok, _ := e.s.Replay(ctx, staff, p.ID); !ok {
			t.Error("a decline broke the replay of the draw")
		}
		if _, err := e.s.Panel(ctx, e.users[first], p.ID); err != nil {
			t.Errorf("the declined member cannot read their refusal: %v", err)
		}
		if as, _ := e.s.Assignments(ctx, e.users[first]); len(as) != 0 {
			t.Errorf("declined member still assigned: %+v", as)
		}
		// The second member declares a conflict: replaced, and recorded.
		if err := e.s.Declare(ctx, e.users[second], p.ID, false, ""); i18n.ErrorCode(err) != i18n.Invalid {
			t.Errorf("a conflict without a note: %v", err)
		}
		if err := e.s.Declare(ctx, e.users[second], p.ID, false, "本人配偶在申报单位任职"); err != nil {
			t.Fatal(err)
		}
		got, _ = e.s.Panel(ctx, staff, p.ID)
		for _, m := range got.Roster {
			byID[m.ExpertID] = m
		}
		if m := byID[second]; m.Status != review.StatusReplaced || m.DeclaredNoConflict || m.SignedAt.IsZero() || m.ReplacedBy != p.Alternates[1] {
			t.Errorf("member who declared a conflict %+v", m)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM expert_relations WHERE expert_id = $1 AND kind = 'declared' AND party = 'project:1'`, second); n != 1 {
			t.Errorf("%d declared relations, want 1", n)
		}
		// Staff record a refusal by telephone; no alternate is left.
		if err := e.s.Decline(ctx, staff, p.ID, p.Alternates[1], "电话告知无法参加"); err != nil {
			t.Fatal(err)
		}
		got, _ = e.s.Panel(ctx, staff, p.ID)
		if got.Short != 1 {
			t.Errorf("short %d, want 1", got.Short)
		}
		if err := e.s.SetRubric(ctx, staff, p.ID, rubric); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.ClosePanel(ctx, staff, p.ID); key(err) != "review.panel.short" {
			t.Errorf("closing a short panel: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action IN ('review.member.decline', 'review.declaration.conflict') AND object_id = $1`,
			fmt.Sprint(p.ID)); n != 3 {
			t.Errorf("%d audit events for the changes of seat, want 3", n)
		}
		// The declared conflict keeps the expert out of the next draw for the applicant.
		el, err := e.s.Eligibility(ctx, staff, review.Applicant{Key: "project:1", Name: "阜阳金麦乐面业有限公司", Field: field})
		if err != nil || slices.Contains(el.Pool, second) {
			t.Errorf("after declaring a conflict the expert is still eligible: %v", err)
		}
	})
}

func TestDismissalAtTheStore(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		x, _ := e.s.Expert(ctx, staff, e.ids[0])
		in := review.ExpertInput{UserID: x.UserID, Name: x.Name, Employer: "阜阳金麦乐面业（颍上）有限公司", Fields: x.Fields, Available: true}
		if _, err := e.s.UpdateExpert(ctx, staff, x.ID, x.Version, in, ""); err != nil {
			t.Fatal(err)
		}
		el, err := e.s.Eligibility(ctx, staff, e.applied)
		if err != nil || slices.Contains(el.Pool, x.ID) || len(el.Excluded) != 1 {
			t.Fatalf("before: %+v %v", el.Excluded, err)
		}
		c := el.Excluded[0].Conflicts[0]
		dm := review.Dismissal{ExpertID: x.ID, ApplicantKey: e.applied.Key, Kind: c.Kind, Party: c.Party}
		if _, err := e.s.Dismiss(ctx, staff, dm); i18n.ErrorCode(err) != i18n.Invalid {
			t.Errorf("dismissal without a reason: %v", err)
		}
		dm.Reason = "颍上公司为独立法人，与申报单位无隶属关系（经查营业执照）"
		if _, err := e.s.Dismiss(ctx, other, dm); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("颍州 staff dismiss: %v", err)
		}
		if _, err := e.s.Dismiss(ctx, staff, dm); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Dismiss(ctx, staff, dm); key(err) != "review.dismissal.exists" {
			t.Errorf("dismissing twice: %v", err)
		}
		el, _ = e.s.Eligibility(ctx, staff, e.applied)
		if !slices.Contains(el.Pool, x.ID) || len(el.Dismissed) != 1 {
			t.Errorf("after: pool %v dismissed %+v", el.Pool, el.Dismissed)
		}
		p := e.draw(t, 1)
		if len(p.Dismissed) != 1 || p.Dismissed[0].ExpertID != x.ID {
			t.Errorf("the draw does not show the dismissal: %+v", p.Dismissed)
		}
		ds, _ := e.s.Dismissals(ctx, staff, e.applied.Key)
		if len(ds) != 1 || ds[0].DismissedName != "张科员" {
			t.Errorf("dismissals %+v", ds)
		}
	})
}

// closedPanel draws a panel for project id, has every member accept and
// score total points (split over the rubric), and closes it.
func (e *env) closedPanel(t *testing.T, id int64, totals ...int) *review.PanelRecord {
	t.Helper()
	ctx := context.Background()
	p := e.draw(t, id)
	if err := e.s.SetRubric(ctx, staff, p.ID, rubric); err != nil {
		t.Fatal(err)
	}
	for i, mid := range p.Members {
		u := e.users[mid]
		if err := e.s.Declare(ctx, u, p.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		v := totals[i]
		if err := e.s.SubmitScores(ctx, u, p.ID, map[string]int{"innovation": min(v, 40), "feasibility": min(max(v-40, 0), 30), "benefit": max(v-70, 0)}, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.s.ClosePanel(ctx, staff, p.ID); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRankingLocksWhenPublished(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		// Each expert sits on at most 5 panels a year; three panels of 3.
		p1 := e.closedPanel(t, 1, 80, 82, 84)
		p2 := e.closedPanel(t, 2, 90, 70, 80)
		p3 := e.closedPanel(t, 3, 82, 84, 80)
		open := e.draw(t, 4)
		if _, err := e.s.SaveRanking(ctx, staff, 0, 0, review.RankingInput{Title: "2026年度区科技计划项目评审排名",
			Entries: []review.RankEntry{{PanelID: p1.ID}, {PanelID: open.ID}}}); !problem(err, "ranking_panels", "review.ranking.open") {
			t.Errorf("ranking an open panel: %v", err)
		}
		rk, err := e.s.SaveRanking(ctx, staff, 0, 0, review.RankingInput{Title: "2026年度区科技计划项目评审排名",
			Entries: []review.RankEntry{{PanelID: p1.ID}, {PanelID: p2.ID}, {PanelID: p3.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range rk.Items {
			got = append(got, fmt.Sprintf("%s#%d", it.Key, it.Rank))
		}
		// p1 and p3 tie at a mean of 82 (three experts: no trimming) and
		// are listed by key; p2 (80) comes third.
		if want := []string{"project:1#1", "project:3#1", "project:2#3"}; !slices.Equal(got, want) {
			t.Errorf("ranking %v, want %v", got, want)
		}
		rk, err = e.s.SaveRanking(ctx, staff, rk.ID, rk.Version, review.RankingInput{Title: "2026年度区科技计划项目评审排名",
			Entries: []review.RankEntry{{PanelID: p1.ID}, {PanelID: p2.ID}, {PanelID: p3.ID, Tiebreak: 0.45}}})
		if err != nil || rk.Items[0].Key != "project:3" || rk.Version != 2 {
			t.Fatalf("remade with a tiebreak: %+v %v", rk, err)
		}
		if _, err := e.s.SaveRanking(ctx, staff, rk.ID, 1, review.RankingInput{Title: "x", Entries: []review.RankEntry{{PanelID: p1.ID}}}); i18n.ErrorCode(err) != i18n.Conflict {
			t.Errorf("stale remake: %v", err)
		}
		pub, err := e.s.PublishRanking(ctx, staff, rk.ID)
		if err != nil || !pub.Published() {
			t.Fatalf("publish: %v", err)
		}
		if _, err := e.s.SaveRanking(ctx, staff, rk.ID, pub.Version, review.RankingInput{Title: "改", Entries: []review.RankEntry{{PanelID: p1.ID}}}); key(err) != "review.ranking.published" {
			t.Errorf("changing a published ranking: %v", err)
		}
		if _, err := e.s.PublishRanking(ctx, staff, rk.ID); key(err) != "review.ranking.published" {
			t.Errorf("publishing twice: %v", err)
		}
		again, err := e.s.Ranking(ctx, staff, rk.ID)
		if err != nil || again.Items[0].Key != "project:3" || again.PublishedAt.IsZero() {
			t.Errorf("read back: %+v %v", again, err)
		}
		if _, err := e.s.Ranking(ctx, other, rk.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("颍州 staff read the ranking: %v", err)
		}
	})
}
