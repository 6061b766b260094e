package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/enterprise"
	"kejiju/internal/ledger"
	"kejiju/internal/program"
	"kejiju/internal/review"
)

// scenarioClock is a settable clock for d.Now, in Beijing time.
type scenarioClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *scenarioClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *scenarioClock) set(t *testing.T, s string) {
	t.Helper()
	at, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Shanghai)
	if err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	c.t = at.UTC()
	c.mu.Unlock()
}

// apiJSON sends payload (marshalled unless nil) with token and decodes a
// 2xx answer into out; it returns the status and the error message of a
// refused request.
func apiJSON(t *testing.T, e *env, method, path, token string, payload, out any, hdr ...string) (int, string) {
	t.Helper()
	var rd *strings.Reader
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			t.Fatal(err)
		}
		rd = strings.NewReader(string(b))
	} else {
		rd = strings.NewReader("")
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b := body(t, resp)
	if resp.StatusCode/100 != 2 {
		var ae struct {
			Error struct {
				Message string            `json:"message"`
				Fields  map[string]string `json:"fields"`
			} `json:"error"`
		}
		json.Unmarshal([]byte(b), &ae)
		msg := ae.Error.Message
		for k, v := range ae.Error.Fields {
			msg += " [" + k + ": " + v + "]"
		}
		return resp.StatusCode, msg
	}
	if out != nil {
		if err := json.Unmarshal([]byte(b), out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
	return resp.StatusCode, ""
}

// postForm posts a page form with a logged-in client.
func postForm(t *testing.T, e *env, c *http.Client, path string, v url.Values) (int, string, string) {
	t.Helper()
	resp, err := c.PostForm(e.srv.URL+path, v)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Location"), body(t, resp)
}

// publicityEndByHand counts n working days from start by the State
// Council's 2026 arrangement, written out here rather than read from the
// calendar package: 中秋 on Friday 25 September, 国庆 1–7 October, make-up
// working days Sunday 20 September and Saturday 10 October.
func publicityEndByHand(start time.Time, n int) string {
	holidays := map[string]bool{"2026-09-25": true}
	for d := 1; d <= 7; d++ {
		holidays[fmt.Sprintf("2026-10-%02d", d)] = true
	}
	makeup := map[string]bool{"2026-09-20": true, "2026-10-10": true}
	d := start
	for {
		s := d.Format("2006-01-02")
		wd := d.Weekday()
		working := makeup[s] || (!holidays[s] && wd != time.Saturday && wd != time.Sunday)
		if working {
			n--
			if n == 0 {
				return s
			}
		}
		d = d.AddDate(0, 0, 1)
	}
}

// TestProgramScenario runs the must-show through the real app:
// a district plan call with 12 applications, panels of 5 drawn from a pool
// of 40 experts with planted conflicts, scores, ranking, 立项 of the top 6,
// 公示 across 国庆, contracts of 40万元 at 60/40, the first payment, the
// mid-term check and one acceptance; and a second call whose pool is too
// small to draw from.
func TestProgramScenario(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := &scenarioClock{}
		clk.set(t, "2026-09-01 09:00")
		d.Now = clk.now
		e := newEnv(t, d)
		a := e.app

		user := func(name string) *auth.User {
			u, err := a.Auth.UserByName(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		staffU := user("staff")
		if _, _, err := a.Auth.CreateUser(ctx, nil, auth.UserInput{Username: "finance", DisplayName: "李会计", Roles: []auth.Role{auth.Finance},
			RegionCode: "341203", Password: testPassword}); err != nil {
			t.Fatal(err)
		}
		ents := &enterprise.Service{DB: d, Audit: a.Audit, Accounts: a.Auth}
		rs := &review.Service{DB: d, Audit: a.Audit} // as app.Server wires it

		// 12 enterprises of 颍东区, each with its enterprise user.
		const nApps = 12
		type company struct {
			id    int64
			name  string
			token string
		}
		cos := make([]company, nApps)
		for i := range nApps {
			en, err := ents.Create(ctx, staffU, enterprise.Input{CreditCode: enterprise.SampleCode(i + 1), Name: fmt.Sprintf("颍东情景科技有限公司%02d", i+1),
				RegionCode: "341203200", ContactName: "刘经理", ContactPhone: "13800000001"}, "")
			if err != nil {
				t.Fatal(err)
			}
			uname := fmt.Sprintf("qiye%02d", i+1)
			if _, _, err := a.Auth.CreateUser(ctx, nil, auth.UserInput{Username: uname, DisplayName: en.Name, Roles: []auth.Role{auth.Enterprise},
				RegionCode: "341203", EnterpriseID: en.ID, Password: testPassword}); err != nil {
				t.Fatal(err)
			}
			cos[i] = company{id: en.ID, name: en.Name, token: e.token(uname)}
		}

		// The expert pool: 40 in 电子信息, each with an expert account, and
		// 12 in 生物医药 for the second call.
		const field, field2 = "电子信息", "生物医药"
		type expert struct {
			id    int64
			user  *auth.User
			token string
		}
		experts := make([]expert, 40)
		bio := make([]int64, 12)
		mkExpert := func(n int, fld, employer string) expert {
			uname := fmt.Sprintf("zhuanjia%02d", n)
			u, _, err := a.Auth.CreateUser(ctx, nil, auth.UserInput{Username: uname, DisplayName: fmt.Sprintf("专家%02d", n), Roles: []auth.Role{auth.Expert},
				RegionCode: "341203", Password: testPassword})
			if err != nil {
				t.Fatal(err)
			}
			x, err := rs.CreateExpert(ctx, staffU, review.ExpertInput{UserID: u.ID, Name: u.DisplayName, Title: "高级工程师", Employer: employer,
				RegionCode: "341200", Fields: []string{fld}, Phone: fmt.Sprintf("139%08d", n), Available: true})
			if err != nil {
				t.Fatalf("expert %d: %v", n, err)
			}
			return expert{id: x.ID, user: u}
		}
		for i := range experts {
			employer := fmt.Sprintf("阜阳第%d研究院", i+1)
			if i < 4 { // planted: employed by applicants 0–3
				employer = cos[i].name
			}
			experts[i] = mkExpert(i+1, field, employer)
			experts[i].token = e.token(fmt.Sprintf("zhuanjia%02d", i+1))
		}
		for i := range bio {
			employer := fmt.Sprintf("合肥第%d医学院", i+1)
			if i < 2 { // two employed by applicant 0: 10 of 12 eligible for it
				employer = cos[0].name
			}
			bio[i] = mkExpert(41+i, field2, employer).id
		}
		// Planted relations (the draws happen on 2026-09-22).
		rel := func(ex int, kind, party, since, until string) {
			t.Helper()
			r := review.Relation{ExpertID: experts[ex].id, Kind: kind, Party: party, Note: "情景测试"}
			if since != "" {
				r.Since = calendar.MustParse(since)
			}
			if until != "" {
				r.Until = calendar.MustParse(until)
			}
			if _, err := rs.AddRelation(ctx, staffU, r); err != nil {
				t.Fatalf("relation of expert %d: %v", ex, err)
			}
		}
		rel(4, review.KindRelative, cos[4].name, "", "")
		rel(5, review.KindCollaborator, cos[5].name, "2024-03-01", "2025-12-31")
		rel(6, review.KindCollaborator, cos[6].name, "2021-01-01", "2023-09-30") // ended < 3 years before the draw
		rel(7, review.KindDeclared, cos[7].name, "2026-01-01", "")
		rel(8, review.KindPaidService, cos[8].name, "2019-01-01", "2020-06-30")
		rel(9, review.KindCollaborator, cos[9].name, "2020-01-01", "2022-06-30") // 4 years ago: stays eligible
		rel(10, review.KindSameEmployer, cos[10].name, "2018-01-01", "2025-01-01")
		rel(11, review.KindCollaborator, "enterprise:"+strconv.FormatInt(cos[11].id, 10), "2025-05-01", "")
		// conflicted[i] are the experts (by index) who may not review applicant i.
		conflicted := map[int][]int{0: {0}, 1: {1}, 2: {2}, 3: {3}, 4: {4}, 5: {5}, 6: {6}, 7: {7}, 8: {8}, 10: {10}, 11: {11}}

		// The calls, opened by staff.
		staffTok := e.token("staff")
		at := func(s string) time.Time {
			v, _ := time.ParseInLocation("2006-01-02 15:04", s, calendar.Shanghai)
			return v
		}
		form := program.Form{
			Fields: []program.Field{
				{Key: "project_name", Label: "项目名称", Type: program.FieldText, Required: true, Max: 100},
				{Key: "summary", Label: "项目简介", Type: program.FieldText, Required: true, Max: 2000},
				{Key: "total_cost", Label: "项目总投资", Type: program.FieldMoney, Required: true},
			},
			// No attachments: files are uploaded on the application page,
			// which this scenario does not exercise.
		}
		var call, call2 program.Call
		for _, c := range []struct {
			title string
			out   *program.Call
		}{{"2026年度颍东区科技计划项目申报", &call}, {"2026年度颍东区生物医药专项申报", &call2}} {
			in := map[string]any{"type": program.TypeDistrictPlan, "year": 2026, "title": c.title,
				"opens_at": at("2026-09-01 08:00"), "closes_at": at("2026-09-20 17:00"), "grace_minutes": 30,
				"eligibility": []string{program.CondInDistrict, program.CondNotBlacklisted}, "form": form,
				"plan": []int64{6000, 4000}, "budget": 40_0000_00, "open": true}
			if code, msg := apiJSON(t, e, "POST", "/api/v1/calls", staffTok, in, c.out); code != 201 || c.out.Status != program.CallOpen {
				t.Fatalf("create call: %d %s", code, msg)
			}
		}
		if call.PublicityDays != program.DefaultPublicityDays {
			t.Errorf("publicity days %d", call.PublicityDays)
		}

		// Each enterprise drafts and submits.
		clk.set(t, "2026-09-10 10:00")
		apps := make([]program.Application, nApps)
		apply := func(i int, c program.Call) program.Application {
			t.Helper()
			var ap program.Application
			if code, msg := apiJSON(t, e, "POST", "/api/v1/applications", cos[i].token, map[string]any{"call_id": c.ID}, &ap); code != 201 {
				t.Fatalf("draft %d: %d %s", i, code, msg)
			}
			answers := map[string]any{"answers": map[string]string{"project_name": fmt.Sprintf("智能产线改造项目%02d", i+1),
				"summary": "面向食品加工的智能化改造。", "total_cost": "120万元"}}
			if code, msg := apiJSON(t, e, "PUT", fmt.Sprintf("/api/v1/applications/%d", ap.ID), cos[i].token, answers, &ap); code != 200 {
				t.Fatalf("save %d: %d %s", i, code, msg)
			}
			if code, msg := apiJSON(t, e, "POST", fmt.Sprintf("/api/v1/applications/%d/submit", ap.ID), cos[i].token, nil, &ap,
				"Idempotency-Key", fmt.Sprintf("submit-%d-%d", c.ID, i)); code != 200 || ap.State != "submitted" {
				t.Fatalf("submit %d: %d %s", i, code, msg)
			}
			return ap
		}
		for i := range nApps {
			apps[i] = apply(i, call)
		}
		small := apply(0, call2)

		// Staff receive them and send them to the experts.
		clk.set(t, "2026-09-22 09:00")
		act := func(tok string, id int64, action string, in any) (program.Application, int, string) {
			t.Helper()
			var out program.Application
			code, msg := apiJSON(t, e, "POST", fmt.Sprintf("/api/v1/applications/%d/actions/%s", id, action), tok, in, &out)
			return out, code, msg
		}
		for _, ap := range append(slices.Clone(apps), small) {
			for _, action := range []string{"receive", "send_to_experts"} {
				if _, code, msg := act(staffTok, ap.ID, action, nil); code != 200 {
					t.Fatalf("%s %d: %d %s", action, ap.ID, code, msg)
				}
			}
		}

		// Panels of 5 (and 2 alternates) through the application page's draw.
		staffWeb := e.client("staff")
		draw := func(appID int64, fld string) (int, string, string) {
			return postForm(t, e, staffWeb, fmt.Sprintf("/applications/%d/panel", appID),
				url.Values{"panel_field": {fld}, "panel_size": {"5"}, "panel_alternates": {"2"}})
		}
		idx := map[int64]int{} // expert id → index
		for i, x := range experts {
			idx[x.id] = i
		}
		panels := make([]*review.PanelRecord, nApps)
		for i, ap := range apps {
			code, loc, b := draw(ap.ID, field)
			if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/panels/") {
				t.Fatalf("draw %d: %d %s %.300s", i, code, loc, b)
			}
			p, err := rs.PanelFor(ctx, staffU, program.PanelObject, ap.ID)
			if err != nil {
				t.Fatal(err)
			}
			if loc != fmt.Sprintf("/panels/%d", p.ID) || len(p.Members) != 5 || len(p.Alternates) != 2 || p.Seats != 5 {
				t.Fatalf("panel of %d: %s, %d members, %d alternates", i, loc, len(p.Members), len(p.Alternates))
			}
			// No drawn expert is in conflict with this applicant; each planted
			// conflict is excluded for it, with its kind.
			for _, id := range slices.Concat(p.Members, p.Alternates) {
				if slices.Contains(conflicted[i], idx[id]) {
					t.Errorf("applicant %d: conflicted expert %d drawn", i, idx[id])
				}
			}
			excluded := map[int]bool{}
			for _, x := range p.Excluded {
				if !slices.Contains(x.Reasons, review.ReasonConflict) || len(x.Conflicts) == 0 {
					t.Errorf("applicant %d: expert %d excluded for %v", i, idx[x.ExpertID], x.Reasons)
				}
				excluded[idx[x.ExpertID]] = true
			}
			if want := conflicted[i]; len(p.Excluded) != len(want) || (len(want) > 0 && !excluded[want[0]]) {
				t.Errorf("applicant %d: excluded %v, want %v", i, excluded, want)
			}
			if len(p.Pool) != 40-len(conflicted[i]) {
				t.Errorf("applicant %d: pool of %d", i, len(p.Pool))
			}
			if i == 9 && !slices.Contains(p.Pool, experts[9].id) {
				t.Errorf("a collaborator of 4 years ago was left out of the pool")
			}
			if ok, err := rs.Replay(ctx, staffU, p.ID); err != nil || !ok {
				t.Errorf("replay of panel %d: %v %v", p.ID, ok, err)
			}
			panels[i] = p
		}
		if _, _, msg := act(staffTok, apps[0].ID, "rank", nil); msg == "" {
			t.Errorf("rank before the reviews are done was taken")
		}

		// Second call: 12 experts of 生物医药, 2 employed by the applicant —
		// 10 eligible for a panel of 5 (15 needed). Clear error, nothing stored.
		panelsBefore := e.count(`SELECT COUNT(*) FROM panels`)
		membersBefore := e.count(`SELECT COUNT(*) FROM panel_members`)
		drawsBefore := e.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'review.panel.draw'`)
		code, _, b := draw(small.ID, field2)
		if code != http.StatusUnprocessableEntity || !strings.Contains(b, "符合条件的专家仅10人，少于抽取人数5的3倍（至少需要15人）") {
			t.Errorf("draw from a pool of 10 for 5: %d, page without the pool message", code)
		}
		if e.count(`SELECT COUNT(*) FROM panels`) != panelsBefore || e.count(`SELECT COUNT(*) FROM panel_members`) != membersBefore ||
			e.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'review.panel.draw'`) != drawsBefore {
			t.Errorf("a refused draw stored something")
		}
		if _, err := rs.PanelFor(ctx, staffU, program.PanelObject, small.ID); err == nil {
			t.Errorf("a refused draw left a panel")
		}

		// Each member, with their own account, signs the declaration and
		// scores under the rubric. Applicant i's quality is q(i), a
		// permutation of 0…11; the five totals are 45+2q−2 … 45+2q+2, so
		// the trimmed mean is 45+2q.
		q := func(i int) int { return i * 5 % nApps }
		for i, p := range panels {
			if err := rs.SetRubric(ctx, staffU, p.ID, review.DefaultRubric); err != nil {
				t.Fatal(err)
			}
			for j, id := range p.Members {
				x := experts[idx[id]]
				if err := rs.Declare(ctx, x.user, p.ID, true, ""); err != nil {
					t.Fatalf("declaration of expert %d on panel %d: %v", idx[id], p.ID, err)
				}
				sc := map[string]any{"scores": map[string]int{"innovation": 10 + q(i), "feasibility": 10 + q(i), "benefit": 15, "foundation": 10 + j - 2},
					"comment": "创新性较好"}
				if code, msg := apiJSON(t, e, "POST", fmt.Sprintf("/api/v1/panels/%d/scores", p.ID), x.token, sc, nil); code/100 != 2 {
					t.Fatalf("scores of expert %d: %d %s", idx[id], code, msg)
				}
			}
			res, err := rs.ClosePanel(ctx, staffU, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Trimmed || res.TrimmedMean != float64(45+2*q(i)) || res.Disagreement {
				t.Errorf("panel %d: %+v", i, res)
			}
		}

		// Ranking (the call page's button), proposal of the top 6.
		if code, _, b := postForm(t, e, staffWeb, fmt.Sprintf("/calls/%d/rank", call.ID), nil); code != http.StatusSeeOther {
			t.Fatalf("rank: %d %.300s", code, b)
		}
		var list struct {
			Total int                    `json:"total"`
			Items []*program.Application `json:"items"`
		}
		if code, msg := apiJSON(t, e, "GET", fmt.Sprintf("/api/v1/calls/%d/applications?limit=100", call.ID), staffTok, nil, &list); code != 200 || list.Total != nApps {
			t.Fatalf("ranking list: %d %s %d", code, msg, list.Total)
		}
		byID := map[int64]int{}
		for i, ap := range apps {
			byID[ap.ID] = i
		}
		for r, ap := range list.Items {
			i := byID[ap.ID]
			if ap.Rank != r+1 || ap.State != "ranking" || q(i) != nApps-1-r || program.ScoreText(ap.Score) != fmt.Sprintf("%d.00", 45+2*q(i)) {
				t.Errorf("rank %d: applicant %d (q %d) rank %d state %s score %s", r+1, i, q(i), ap.Rank, ap.State, ap.Score)
			}
		}
		if code, _, b := postForm(t, e, staffWeb, fmt.Sprintf("/calls/%d/propose", call.ID), url.Values{"count": {"6"}}); code != http.StatusSeeOther {
			t.Fatalf("propose: %d %.300s", code, b)
		}

		// The director approves with the 公示 from Wednesday 30 September:
		// 5 working days across 国庆.
		clk.set(t, "2026-09-29 15:00")
		director := e.client("director")
		if code, _, b := postForm(t, e, director, fmt.Sprintf("/calls/%d/approve", call.ID), url.Values{"publicity_start": {"2026-09-30"}}); code != http.StatusSeeOther {
			t.Fatalf("approve: %d %.300s", code, b)
		}
		wantEnd := publicityEndByHand(time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC), 5)
		if wantEnd != "2026-10-12" {
			t.Fatalf("hand count: %s", wantEnd)
		}
		if code, msg := apiJSON(t, e, "GET", fmt.Sprintf("/api/v1/calls/%d/applications?state=publicity&limit=100", call.ID), staffTok, nil, &list); code != 200 || list.Total != 6 {
			t.Fatalf("in publicity: %d %s %d", code, msg, list.Total)
		}
		top := list.Items
		for _, ap := range top {
			if ap.Rank > 6 || ap.PublicityStart.String() != "2026-09-30" || ap.PublicityEnd.String() != wantEnd {
				t.Errorf("approved %d: rank %d, publicity %s–%s, want 2026-09-30–%s", ap.ID, ap.Rank, ap.PublicityStart, ap.PublicityEnd, wantEnd)
			}
		}
		if n := e.count(`SELECT COUNT(*) FROM program_applications WHERE call_id = $1 AND state = 'ranking'`, call.ID); n != 6 {
			t.Errorf("%d left in ranking, want 6", n)
		}

		// End of 公示: refused on its last day, taken the day after.
		clk.set(t, "2026-10-12 16:00")
		if _, code, msg := act(staffTok, top[0].ID, "end_publicity", nil); code != http.StatusConflict || !strings.Contains(msg, "2026年10月12日") {
			t.Errorf("end of publicity on its last day: %d %s", code, msg)
		}
		clk.set(t, "2026-10-13 09:00")
		for _, ap := range top {
			if got, code, msg := act(staffTok, ap.ID, "end_publicity", nil); code != 200 || got.State != "contract" {
				t.Fatalf("end publicity %d: %d %s", ap.ID, code, msg)
			}
		}

		// Contracts: 40万元 at 60/40 → 240,000 元 first; signed; finance pays.
		financeTok := e.token("finance")
		contract := map[string]any{"goals": "完成智能产线改造，产能提升30%", "budget": 40_0000_00, "plan": []int64{6000, 4000},
			"milestones": []map[string]string{{"title": "设备选型", "due": "2027-01-31"}, {"title": "试运行", "due": "2027-08-31"}},
			"start":      "2026-10-15", "end": "2027-10-14"}
		// Finance funds the call with 6 × 40万元 (下达资金); a bad amount
		// is refused and nothing is posted.
		if code, _ := apiJSON(t, e, "POST", fmt.Sprintf("/api/v1/calls/%d/fund", call.ID), financeTok,
			map[string]string{"amount": "-1", "reason": "年度预算"}, nil); code != http.StatusUnprocessableEntity && code != http.StatusBadRequest {
			t.Errorf("fund with a negative amount: %d", code)
		}
		if n := e.count(`SELECT COUNT(*) FROM ledger_transactions`); n != 0 {
			t.Fatalf("a refused appropriation posted %d", n)
		}
		var funds program.CallFunds
		if code, msg := apiJSON(t, e, "POST", fmt.Sprintf("/api/v1/calls/%d/fund", call.ID), financeTok,
			map[string]string{"amount": "240万元", "reason": "2026年度区科技计划专项资金"}, &funds, "Idempotency-Key", "fund-2026-1"); code != 200 || funds.Available != 6*40_0000_00 {
			t.Fatalf("fund: %d %s %+v", code, msg, funds)
		}
		for _, ap := range top {
			var got program.Application
			if code, msg := apiJSON(t, e, "POST", fmt.Sprintf("/api/v1/applications/%d/contract", ap.ID), staffTok, contract, &got); code != 200 {
				t.Fatalf("contract %d: %d %s", ap.ID, code, msg)
			}
			if len(got.Installments) != 2 || got.Installments[0].Amount != 24_000_000 || got.Installments[1].Amount != 16_000_000 || got.Budget != 40_0000_00 {
				t.Errorf("installments of %d: %+v", ap.ID, got.Installments)
			}
			if got, code, msg := act(staffTok, ap.ID, "sign_contract", nil); code != 200 || got.State != "implementing" {
				t.Fatalf("sign %d: %d %s", ap.ID, code, msg)
			}
		}
		clk.set(t, "2026-10-20 10:00")
		for _, ap := range top {
			got, code, msg := act(financeTok, ap.ID, "pay", map[string]any{"installment": 1, "bank_ref": fmt.Sprintf("HX2026102000%d", ap.ID), "paid_on": "2026-10-20"})
			if code != 200 || got.Installments[0].Status != program.InstPaid || got.Installments[0].Amount != 24_000_000 || got.Installments[1].Status != program.InstPlanned {
				t.Fatalf("pay %d: %d %s %+v", ap.ID, code, msg, got.Installments)
			}
		}
		if n := e.count(`SELECT COUNT(*) FROM workflow_history WHERE action = 'pay'`); n != 6 {
			t.Errorf("%d payments, want 6", n)
		}
		if b, err := ledger.Balance(ctx, d, "paid:341203:2026"); err != nil || b != 6*24_000_000 {
			t.Errorf("paid: %d %v, want 6 × 240,000 元", b, err)
		}
		if b, err := ledger.Balance(ctx, d, fmt.Sprintf("budget:call:%d", call.ID)); err != nil || b != 0 {
			t.Errorf("call budget after six contracts: %d %v", b, err)
		}
		if r, err := ledger.Verify(ctx, d); err != nil || !r.OK() {
			t.Errorf("ledger verify: %+v %v", r, err)
		}

		// Mid-term check for all six; acceptance of one.
		clk.set(t, "2027-04-15 10:00")
		for _, ap := range top {
			if _, code, msg := act(staffTok, ap.ID, "start_midterm", nil); code != 200 {
				t.Fatalf("start midterm %d: %d %s", ap.ID, code, msg)
			}
			if got, code, msg := act(staffTok, ap.ID, "pass_midterm", nil); code != 200 || got.State != "implementing" {
				t.Fatalf("pass midterm %d: %d %s", ap.ID, code, msg)
			}
		}
		clk.set(t, "2027-10-20 10:00")
		done := top[0]
		if _, code, msg := act(cos[byID[done.ID]].token, done.ID, "apply_acceptance", nil); code != 200 {
			t.Fatalf("apply acceptance: %d %s", code, msg)
		}
		got, code, msg := act(staffTok, done.ID, "pass_acceptance", nil)
		if code != 200 || got.State != "accepted" || got.Installments[1].Status != program.InstPayable {
			t.Fatalf("pass acceptance: %d %s %s %+v", code, msg, got.State, got.Installments)
		}
		var hist []string
		h, err := (&program.Service{DB: d, Audit: a.Audit}).History(ctx, staffU, done.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range h {
			hist = append(hist, x.Action)
		}
		want := []string{"submit", "receive", "send_to_experts", "rank", "propose", "approve", "end_publicity", "sign_contract", "pay",
			"start_midterm", "pass_midterm", "apply_acceptance", "pass_acceptance"}
		if !slices.Equal(hist, want) {
			t.Errorf("history %v", hist)
		}
	})
}
