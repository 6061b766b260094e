package award_test

import (
	"context"
	"slices"
	"testing"

	"kejiju/internal/auth"
	"kejiju/internal/award"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
)

func TestNominationValidationWritesNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d, 1)
		r := e.round2026(t)
		audits := count(t, d, `SELECT COUNT(*) FROM audit_events`)
		_, err := e.s.Nominate(ctx, e.users[0], award.NominationInput{RoundID: r.ID, Title: "  ", Units: []string{" "},
			Contributors: []award.Contributor{{Rank: 1, Name: "张三"}, {Rank: 3, Name: "李四"}}, ProposedLevel: 9})
		want := map[string]string{"title": "error.required", "summary": "error.required", "units": "award.nomination.no_units",
			"contributors": "award.nomination.bad_rank", "proposed_level": "award.nomination.bad_level"}
		got := fields(err)
		for f, k := range want {
			if got[f] != k {
				t.Errorf("field %s: %q, want %q (%v)", f, got[f], k, err)
			}
		}
		if i18n.ErrorCode(err) != i18n.Invalid {
			t.Errorf("code %s", i18n.ErrorCode(err))
		}
		// Staff must name an enterprise; one outside scope is unknown.
		in := goodInput(r.ID, 0)
		if _, err := e.s.Nominate(ctx, staff, in); fields(err)["enterprise_id"] != "error.required" {
			t.Errorf("staff without an enterprise: %v", err)
		}
		in.EnterpriseID = e.ids[0]
		if _, err := e.s.Nominate(ctx, other, in); fields(err)["round_id"] == "" {
			t.Errorf("another district's staff nominate in this round: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM award_nominations`); n != 0 {
			t.Errorf("%d nominations written", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events`); n != audits {
			t.Errorf("%d audit events written", n-audits)
		}
		// The city viewer reads but nominates nothing.
		if _, err := e.s.Nominate(ctx, viewer, in); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("viewer nominates: %v", err)
		}
		if _, err := e.s.CreateRound(ctx, e.users[0], award.RoundInput{}); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("enterprise creates a round: %v", err)
		}
		if _, err := e.s.CreateRound(ctx, staff, award.RoundInput{Year: 2026, Title: "again", Opens: day("2026-03-01"), Closes: day("2026-03-02"),
			PanelSize: 9, Levels: r.Levels}); fields(err)["year"] != "award.round.duplicate" {
			t.Errorf("second round of a year: %v", err)
		}
	})
}

// TestAwardLifecycle runs four nominations from nomination to the
// director's decision, through the committee's vote and the quotas.
func TestAwardLifecycle(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d, 4)
		r := e.round2026(t)
		if r.ObjectionDays != 30 {
			t.Fatalf("objection days %d", r.ObjectionDays)
		}

		// Three enterprises nominate themselves; staff nominate the fourth.
		noms := make([]*award.Nomination, 4)
		for i := range 3 {
			in := goodInput(r.ID, i)
			in.EnterpriseID = e.ids[3] // ignored: an enterprise nominates itself
			n, err := e.s.Nominate(ctx, e.users[i], in)
			if err != nil {
				t.Fatal(err)
			}
			if n.EnterpriseID != e.ids[i] || n.NominatorKind != award.ByEnterprise || n.State != "nomination" {
				t.Fatalf("nomination %d: %+v", i, n)
			}
			noms[i] = n
		}
		in := goodInput(r.ID, 3)
		in.EnterpriseID = e.ids[3]
		n, err := e.s.Nominate(ctx, staff, in)
		if err != nil || n.NominatorKind != award.ByStaff {
			t.Fatalf("staff nomination: %v", err)
		}
		noms[3] = n
		if _, err := e.s.Nominate(ctx, e.users[0], goodInput(r.ID, 0)); fields(err)["title"] != "award.nomination.duplicate" {
			t.Errorf("same achievement twice: %v", err)
		}

		// Scope: an enterprise sees its own only; another district nothing.
		if list, total, err := e.s.Nominations(ctx, e.users[1], award.Filter{RoundID: r.ID}); err != nil || total != 1 || list[0].ID != noms[1].ID {
			t.Errorf("an enterprise's list: %d %v", total, err)
		}
		if _, total, _ := e.s.Nominations(ctx, staff, award.Filter{RoundID: r.ID}); total != 4 {
			t.Errorf("staff list %d", total)
		}
		for _, u := range []*auth.User{e.users[1], other} {
			if _, err := e.s.Nomination(ctx, u, noms[0].ID); i18n.ErrorCode(err) != i18n.NotFound {
				t.Errorf("%s reads another's nomination: %v", u.Username, err)
			}
			if _, err := e.s.Act(ctx, u, noms[0].ID, "withdraw", award.ActionInput{Reason: "x"}); i18n.ErrorCode(err) != i18n.NotFound {
				t.Errorf("%s withdraws another's nomination: %v", u.Username, err)
			}
		}
		if _, total, _ := e.s.Nominations(ctx, other, award.Filter{}); total != 0 {
			t.Errorf("another district lists %d", total)
		}
		if _, err := e.s.Round(ctx, other, r.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("another district reads the round: %v", err)
		}
		if _, err := e.s.Round(ctx, e.users[0], r.ID); err != nil {
			t.Errorf("an enterprise reads its district's round: %v", err)
		}

		// The window: not before it opens.
		e.clock.set(t, "2026-02-27 10:00")
		if _, err := e.s.Submit(ctx, e.users[0], noms[0].ID, "k0"); key(err) != "award.window.closed" {
			t.Errorf("submit before the window: %v", err)
		}
		if got, _ := e.s.Nomination(ctx, staff, noms[0].ID); got.State != "nomination" {
			t.Errorf("refused submit moved to %s", got.State)
		}
		e.clock.set(t, "2026-04-01 10:00")
		for i, n := range noms {
			u := staff
			if i < 3 {
				u = e.users[i]
			}
			e.clock.set(t, "2026-04-0"+string(rune('1'+i))+" 10:00") // submitted in order
			if noms[i], err = e.s.Submit(ctx, u, n.ID, "k"+string(rune('a'+i))); err != nil || noms[i].State != "formal_review" {
				t.Fatalf("submit %d: %v", i, err)
			}
		}
		again, err := e.s.Submit(ctx, e.users[0], noms[0].ID, "ka")
		if err != nil || again.Version != noms[0].Version {
			t.Errorf("double submit: %v", err)
		}
		if c := count(t, d, `SELECT COUNT(*) FROM workflow_history WHERE object_id = $1 AND action = 'submit'`, noms[0].ID); c != 1 {
			t.Errorf("double submit: %d history rows", c)
		}

		// Formal review: a return with reasons by field, and the resubmission.
		if _, err := e.s.Act(ctx, e.users[2], noms[2].ID, "send_to_panel", award.ActionInput{}); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("an enterprise sends to the panel: %v", err)
		}
		if _, err := e.s.Act(ctx, staff, noms[2].ID, "return", award.ActionInput{Reason: "x", Fields: map[string]string{"nope": "x"}}); fields(err)["fields"] == "" {
			t.Errorf("return with an unknown field: %v", err)
		}
		ret, err := e.s.Act(ctx, staff, noms[2].ID, "return", award.ActionInput{Reason: "材料不全",
			Fields: map[string]string{"contributors": "第三完成人无贡献说明", "summary": "请补充经济效益证明"}})
		if err != nil || ret.State != "returned" {
			t.Fatalf("return: %v", err)
		}
		rr, err := e.s.ReturnReasons(ctx, ret)
		if err != nil || rr == nil || rr.Reason != "材料不全" || rr.Fields["contributors"] != "第三完成人无贡献说明" {
			t.Fatalf("return reasons: %+v %v", rr, err)
		}
		fix := goodInput(r.ID, 2)
		fix.Contributors = fix.Contributors[:2]
		fix.ProposedLevel = 2
		if _, err := e.s.Update(ctx, e.users[2], ret.ID, fix); err != nil {
			t.Fatal(err)
		}
		e.clock.set(t, "2026-05-10 10:00") // after the window: a resubmission has no window
		if noms[2], err = e.s.Submit(ctx, e.users[2], ret.ID, "kr"); err != nil || noms[2].State != "formal_review" || len(noms[2].Contributors) != 2 {
			t.Fatalf("resubmit: %v", err)
		}
		if _, err := e.s.Update(ctx, e.users[2], ret.ID, fix); key(err) != "award.nomination.not_editable" {
			t.Errorf("edit in formal review: %v", err)
		}
		for i, n := range noms {
			if noms[i], err = e.s.Act(ctx, staff, n.ID, "send_to_panel", award.ActionInput{}); err != nil || noms[i].State != "panel_review" {
				t.Fatalf("send to panel %d: %v", i, err)
			}
		}

		// The committee: 9 members, 5 present at first (no quorum).
		members := make([]award.Member, 9)
		for i := range members {
			members[i] = award.Member{Name: "委员" + string(rune('A'+i)), Present: i < 5}
		}
		if _, err := e.s.SaveSession(ctx, staff, r.ID, day("2026-05-20"), members[:8]); fields(err)["members"] != "award.session.size" {
			t.Errorf("8 members for a panel of 9: %v", err)
		}
		if _, err := e.s.RecordVotes(ctx, staff, noms[0].ID, []award.Tally{{Level: 1, Yes: 5}}); key(err) != "award.session.none" {
			t.Errorf("votes without a session: %v", err)
		}
		if _, err := e.s.SaveSession(ctx, staff, r.ID, day("2026-05-20"), members); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.RecordVotes(ctx, staff, noms[0].ID, []award.Tally{{Level: 1, Yes: 5}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Act(ctx, staff, noms[0].ID, "propose_award", award.ActionInput{}); key(err) != "award.vote.no_quorum" {
			t.Errorf("propose without a quorum: %v", err)
		}
		// Six present: quorate.
		members[5].Present = true
		if _, err := e.s.SaveSession(ctx, staff, r.ID, day("2026-05-20"), members); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.RecordVotes(ctx, staff, noms[0].ID, []award.Tally{{Level: 1, Yes: 5, No: 1, Abstain: 1}}); fields(err)["votes"] != "award.vote.too_many" {
			t.Errorf("7 ballots from 6 present: %v", err)
		}
		// 6 present: 4 yes passes, 3 does not.
		votes := map[int][]award.Tally{
			0: {{Level: 1, Yes: 4, No: 2}, {Level: 2, Yes: 5, No: 1}}, // passes 1 (4/6) and 2 (5/6)
			1: {{Level: 1, Yes: 5, No: 1}},                            // passes 1 with a higher share
			2: {{Level: 2, Yes: 4, No: 2}},                            // passes 2 only
			3: {{Level: 3, Yes: 3, No: 3}},                            // fails: 3 of 6
		}
		for i, ts := range votes {
			if noms[i], err = e.s.RecordVotes(ctx, staff, noms[i].ID, ts); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.s.RecordVotes(ctx, e.users[0], noms[0].ID, votes[0]); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("an enterprise records votes: %v", err)
		}

		// Allocation: noms[1] takes the first prize (5/6 > 4/6); noms[0]
		// falls to the second, whose one place it takes (5/6 > 4/6);
		// noms[2] passed only the second and finds it full; noms[3]
		// failed the vote. Proposing noms[0] alone gives it the second
		// prize already: the ranking decides, not the order of clicks.
		e.clock.set(t, "2026-05-29 10:00")
		p0, err := e.s.Act(ctx, staff, noms[0].ID, "propose_award", award.ActionInput{PublicityStart: day("2026-06-01")})
		if err != nil || p0.State != "publicity" || p0.AwardedLevel != 2 {
			t.Fatalf("propose noms[0]: %v %+v", err, p0)
		}
		if p0.PublicityStart != day("2026-06-01") || p0.PublicityEnd != day("2026-07-01") {
			t.Errorf("publicity %s – %s", p0.PublicityStart, p0.PublicityEnd)
		}
		if _, err := e.s.Act(ctx, staff, noms[2].ID, "propose_award", award.ActionInput{}); key(err) != "award.quota.full" {
			t.Errorf("second prize full: %v", err)
		}
		if _, err := e.s.Act(ctx, staff, noms[3].ID, "propose_award", award.ActionInput{}); key(err) != "award.vote.failed" {
			t.Errorf("failed vote: %v", err)
		}
		proposed, err := e.s.ProposeAll(ctx, staff, r.ID, award.ActionInput{PublicityStart: day("2026-06-01")})
		if err != nil || len(proposed) != 1 || proposed[0].ID != noms[1].ID || proposed[0].AwardedLevel != 1 {
			t.Fatalf("propose all: %v %+v", err, proposed)
		}
		for _, i := range []int{2, 3} {
			if _, err := e.s.Act(ctx, staff, noms[i].ID, "not_award", award.ActionInput{}); fields(err)["reason"] == "" {
				t.Errorf("not_award without a reason: %v", err)
			}
			if noms[i], err = e.s.Act(ctx, staff, noms[i].ID, "not_award", award.ActionInput{Reason: "未获通过或名额已满"}); err != nil || noms[i].State != "not_awarded" {
				t.Fatalf("not award %d: %v", i, err)
			}
		}
		res, _, err := e.s.Results(ctx, staff, r.ID)
		if err != nil || len(res) != 3 || res[0].Used != 1 || res[1].Used != 1 || res[2].Used != 0 {
			t.Errorf("results: %v %+v", err, res)
		}

		// Publicity: objections within the window, one late; confirmation
		// only after the window with every objection answered.
		e.clock.set(t, "2026-06-15 10:00")
		if _, err := e.s.Act(ctx, staff, p0.ID, "record_objection", award.ActionInput{Reason: "第二完成人贡献存疑"}); err != nil {
			t.Fatal(err)
		}
		e.clock.set(t, "2026-07-01 16:00")
		if _, err := e.s.Act(ctx, staff, p0.ID, "record_objection", award.ActionInput{Reason: "最后一天的异议"}); err != nil {
			t.Errorf("objection on day 30: %v", err)
		}
		if _, err := e.s.Act(ctx, chief, proposed[0].ID, "confirm_award", award.ActionInput{}); key(err) != "award.publicity.not_over" {
			t.Errorf("confirm on the window's last day: %v", err)
		}
		e.clock.set(t, "2026-07-02 09:00")
		if _, err := e.s.Act(ctx, staff, p0.ID, "record_objection", award.ActionInput{Reason: "迟到的异议"}); fields(err)["received_on"] != "award.objection.late" {
			t.Errorf("objection on day 31: %v", err)
		}
		if _, err := e.s.Act(ctx, chief, p0.ID, "confirm_award", award.ActionInput{}); key(err) != "award.objection.unanswered" {
			t.Errorf("confirm with open objections: %v", err)
		}
		got, _ := e.s.Nomination(ctx, staff, p0.ID)
		if len(got.Objections) != 2 {
			t.Fatalf("objections: %+v", got.Objections)
		}
		for _, o := range got.Objections {
			if _, err := e.s.Act(ctx, staff, p0.ID, "answer_objection", award.ActionInput{ObjectionID: o.ID, Reason: "经核实，异议不成立"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.s.Act(ctx, staff, p0.ID, "confirm_award", award.ActionInput{}); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("staff confirm: %v", err)
		}
		for _, id := range []int64{p0.ID, proposed[0].ID} {
			if got, err := e.s.Act(ctx, chief, id, "confirm_award", award.ActionInput{}); err != nil || got.State != "awarded" {
				t.Fatalf("confirm %d: %v", id, err)
			}
		}

		// History and audit.
		h, err := e.s.History(ctx, e.users[0], p0.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, x := range h {
			actions = append(actions, x.Action)
		}
		want := []string{"submit", "send_to_panel", "propose_award", "record_objection", "record_objection", "answer_objection", "answer_objection", "confirm_award"}
		if !slices.Equal(actions, want) {
			t.Errorf("history %v", actions)
		}
		if c := count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action LIKE 'workflow.award.%'`); c == 0 {
			t.Error("no workflow audit events")
		}
		// An enterprise does not see the ballots or objections.
		if mine, err := e.s.Nomination(ctx, e.users[0], p0.ID); err != nil || mine.Votes != nil || mine.Objections != nil {
			t.Errorf("enterprise view: %v %+v", err, mine)
		}
	})
}
