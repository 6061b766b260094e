package program_test

import (
	"context"
	"math/big"
	"slices"
	"testing"

	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
	"kejiju/internal/ledger"
	"kejiju/internal/money"
	"kejiju/internal/program"
	"kejiju/internal/workflow"
)

// TestDistrictPlanScenario runs the script at the service level:
// a district plan call with 12 applications from draft to closing.
func TestDistrictPlanScenario(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d, 13)
		call := e.districtCall(t)

		// Drafts and submissions.
		apps := make([]*program.Application, 12)
		for i := range 12 {
			u := e.users[i]
			a, err := e.s.CreateDraft(ctx, u, call.ID)
			if err != nil {
				t.Fatalf("draft %d: %v", i, err)
			}
			// Auto-save twice: a partial answer first.
			if _, err := e.s.SaveDraft(ctx, u, a.ID, map[string]string{"project_name": "草稿"}); err != nil {
				t.Fatal(err)
			}
			if a, err = e.s.SaveDraft(ctx, u, a.ID, goodAnswers(i)); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				e.upload(t, u, a.ID, "license") // the budget sheet comes later
			} else {
				e.upload(t, u, a.ID, "license", "budget_sheet")
			}
			apps[i] = a
		}

		// Bad input: a required field missing is named, nothing written.
		missing := goodAnswers(0)
		delete(missing, "summary")
		if _, err := e.s.SaveDraft(ctx, e.users[0], apps[0].ID, missing); err != nil {
			t.Fatal(err)
		}
		historyBefore := count(t, d, `SELECT COUNT(*) FROM workflow_history`)
		_, err := e.s.Submit(ctx, e.users[0], apps[0].ID, "tok-bad")
		if i18n.ErrorCode(err) != i18n.Invalid || fields(err)["summary"] != "program.answer.required" ||
			fields(err)["attachment_budget_sheet"] != "program.attachment.required" {
			t.Fatalf("submit without summary and budget sheet: %v %v", err, fields(err))
		}
		if got, _ := e.s.Application(ctx, e.users[0], apps[0].ID); got.State != "draft" ||
			count(t, d, `SELECT COUNT(*) FROM workflow_history`) != historyBefore ||
			count(t, d, `SELECT COUNT(*) FROM idempotency_keys`) != 0 {
			t.Fatalf("refused submit wrote: state %s", got.State)
		}
		if _, err := e.s.SaveDraft(ctx, e.users[0], apps[0].ID, goodAnswers(0)); err != nil {
			t.Fatal(err)
		}
		e.upload(t, e.users[0], apps[0].ID, "budget_sheet")

		// Loose auto-save still refuses unknown keys.
		if _, err := e.s.SaveDraft(ctx, e.users[1], apps[1].ID, map[string]string{"nope": "x"}); i18n.ErrorCode(err) != i18n.Invalid {
			t.Errorf("save with an unknown key: %v", err)
		}

		for i, a := range apps {
			e.clock.set(t, "2026-09-10 10:00")
			if i == 11 {
				e.clock.set(t, "2026-09-20 17:20") // after the close, within the grace
			}
			got, err := e.s.Submit(ctx, e.users[i], a.ID, "tok-"+string(rune('a'+i)))
			if err != nil {
				t.Fatalf("submit %d: %v", i, err)
			}
			if got.State != "submitted" || got.SubmittedAt.IsZero() {
				t.Fatalf("submit %d: state %s", i, got.State)
			}
			apps[i] = got
		}
		// A double click: same key, one submission, one history row.
		again, err := e.s.Submit(ctx, e.users[2], apps[2].ID, "tok-c")
		if err != nil || again.State != "submitted" || again.Version != apps[2].Version {
			t.Fatalf("repeated submit: %v %+v", err, again)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM workflow_history WHERE object_id = $1 AND action = 'submit'`, apps[2].ID); n != 1 {
			t.Errorf("double submit: %d history rows", n)
		}
		// Without the key, a second submit is refused as a conflict.
		if _, err := e.s.Submit(ctx, e.users[2], apps[2].ID, ""); i18n.ErrorCode(err) != i18n.Conflict {
			t.Errorf("second submit without a key: %v", err)
		}
		// After the grace period the window is shut.
		late, err := e.s.CreateDraft(ctx, e.users[12], call.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.SaveDraft(ctx, e.users[12], late.ID, goodAnswers(12)); err != nil {
			t.Fatal(err)
		}
		e.upload(t, e.users[12], late.ID, "license", "budget_sheet")
		e.clock.set(t, "2026-09-20 17:31")
		if _, err := e.s.Submit(ctx, e.users[12], late.ID, "tok-late"); key(err) != "program.window.closed" {
			t.Errorf("submit after the grace: %v", err)
		}

		// Scope: another enterprise neither sees nor acts; another district neither.
		for _, u := range []*auth.User{e.users[1], other} {
			if _, err := e.s.Application(ctx, u, apps[0].ID); i18n.ErrorCode(err) != i18n.NotFound {
				t.Errorf("%s reads another's application: %v", u.Username, err)
			}
			if _, err := e.s.Act(ctx, u, apps[0].ID, "withdraw", program.ActionInput{Reason: "x"}); i18n.ErrorCode(err) != i18n.NotFound {
				t.Errorf("%s withdraws another's application: %v", u.Username, err)
			}
		}
		if _, err := e.s.SaveDraft(ctx, e.users[1], apps[0].ID, goodAnswers(0)); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("another enterprise saves: %v", err)
		}
		if list, total, err := e.s.Applications(ctx, e.users[1], program.AppFilter{CallID: call.ID}); err != nil || total != 1 || list[0].ID != apps[1].ID {
			t.Errorf("an enterprise's list: %d %v", total, err)
		}
		if _, total, _ := e.s.Applications(ctx, other, program.AppFilter{CallID: call.ID}); total != 0 {
			t.Errorf("another district lists %d", total)
		}
		if _, err := e.s.Act(ctx, e.users[0], apps[0].ID, "receive", program.ActionInput{}); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("an enterprise receives its own: %v", err)
		}

		// Formal review: one returned with reasons by field and resubmitted.
		e.clock.set(t, "2026-09-22 09:00")
		for i, a := range apps {
			if apps[i], err = e.s.Act(ctx, staff, a.ID, "receive", program.ActionInput{}); err != nil {
				t.Fatal(err)
			}
		}
		ret, err := e.s.Act(ctx, staff, apps[4].ID, "return", program.ActionInput{Reason: "材料不全",
			Fields: map[string]string{"summary": "请补充项目创新点", "attachment_budget_sheet": "预算表未盖章"}})
		if err != nil || ret.State != "returned" {
			t.Fatalf("return: %v", err)
		}
		if _, err := e.s.Act(ctx, staff, apps[5].ID, "return", program.ActionInput{}); fields(err)["reason"] == "" {
			t.Errorf("return without a reason: %v", err)
		}
		rr, err := e.s.ReturnReasons(ctx, e.users[4], ret)
		if err != nil || rr == nil || rr.Reason != "材料不全" || rr.Fields["summary"] != "请补充项目创新点" {
			t.Fatalf("return reasons: %+v %v", rr, err)
		}
		fixed := goodAnswers(4)
		fixed["summary"] = "面向食品加工的智能化改造，创新点为视觉检测。"
		if _, err := e.s.SaveDraft(ctx, e.users[4], ret.ID, fixed); err != nil {
			t.Fatal(err)
		}
		if apps[4], err = e.s.Submit(ctx, e.users[4], ret.ID, "tok-re"); err != nil || apps[4].State != "formal_review" {
			t.Fatalf("resubmit: %v", err)
		}
		for i, a := range apps {
			if apps[i], err = e.s.Act(ctx, staff, a.ID, "send_to_experts", program.ActionInput{}); err != nil {
				t.Fatal(err)
			}
		}

		// Expert review (fake): scores 70 + i, apps[1] and apps[2] tied,
		// apps[7] still being scored.
		for i, a := range apps {
			e.reviews.scores[a.ID] = big.NewRat(int64(700+10*i), 10)
		}
		e.reviews.scores[apps[2].ID] = big.NewRat(355, 5) // 71, tied with apps[1]
		e.reviews.scores[apps[11].ID] = big.NewRat(2431, 30)
		e.reviews.pending[apps[7].ID] = true
		if _, err := e.s.Act(ctx, staff, apps[7].ID, "rank", program.ActionInput{}); key(err) != "program.reviews.incomplete" {
			t.Errorf("rank before the reviews are done: %v", err)
		}
		ranked, err := e.s.RankCall(ctx, staff, call.ID)
		if err != nil || len(ranked) != 11 {
			t.Fatalf("rank: %d %v", len(ranked), err)
		}
		delete(e.reviews.pending, apps[7].ID)
		if ranked, err = e.s.RankCall(ctx, staff, call.ID); err != nil || len(ranked) != 12 {
			t.Fatalf("rank again: %d %v", len(ranked), err)
		}
		var order []int64
		for _, a := range ranked {
			order = append(order, a.ID)
		}
		// apps[11] scores 81.03; apps[1] and apps[2] tie on 71 and the
		// earlier submission (apps[1]) goes first.
		want := []int64{apps[11].ID, apps[10].ID, apps[9].ID, apps[8].ID, apps[7].ID, apps[6].ID, apps[5].ID, apps[4].ID, apps[3].ID, apps[1].ID, apps[2].ID, apps[0].ID}
		if !slices.Equal(order, want) {
			t.Fatalf("ranking %v, want %v", order, want)
		}
		if program.ScoreText(ranked[0].Score) != "81.03" {
			t.Errorf("top score %q", ranked[0].Score)
		}

		// Approval of the top 6 by the director; 公示 over the National Day holiday.
		if _, err := e.s.ApproveProposed(ctx, staff, call.ID, day("2026-09-30")); err != nil {
			t.Fatal(err) // nothing proposed yet: no-op
		}
		top, err := e.s.ProposeTop(ctx, staff, call.ID, 6)
		if err != nil || len(top) != 6 {
			t.Fatalf("propose: %d %v", len(top), err)
		}
		if _, err := e.s.ApproveProposed(ctx, staff, call.ID, day("2026-09-30")); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("staff approve: %v", err)
		}
		e.clock.set(t, "2026-09-29 15:00")
		approved, err := e.s.ApproveProposed(ctx, chief, call.ID, day("2026-09-30"))
		if err != nil || len(approved) != 6 {
			t.Fatalf("approve: %d %v", len(approved), err)
		}
		end := e.cal.Current().PublicityEnd(day("2026-09-30"), 5)
		if end != day("2026-10-12") {
			t.Fatalf("calendar: 5 working days from 2026-09-30 end %s", end)
		}
		for _, a := range approved {
			if a.State != "publicity" || a.PublicityStart != day("2026-09-30") || a.PublicityEnd != end {
				t.Errorf("approved %d: %s %s–%s", a.ID, a.State, a.PublicityStart, a.PublicityEnd)
			}
		}
		if approved[0].PublicityEnd.Chinese() != "2026年10月12日" {
			t.Errorf("end shown as %q", approved[0].PublicityEnd.Chinese())
		}
		objected := approved[1]
		if _, err := e.s.Act(ctx, staff, objected.ID, "record_objection", program.ActionInput{Reason: "申报单位研发人员数据存疑"}); err != nil {
			t.Fatal(err)
		}
		e.clock.set(t, "2026-10-12 16:00")
		if _, err := e.s.Act(ctx, staff, approved[0].ID, "end_publicity", program.ActionInput{}); key(err) != "program.publicity.not_over" {
			t.Errorf("end of publicity on its last day: %v", err)
		}
		e.clock.set(t, "2026-10-13 09:00")
		if _, err := e.s.Act(ctx, staff, objected.ID, "end_publicity", program.ActionInput{}); key(err) != "program.objection.unanswered" {
			t.Errorf("end of publicity with an open objection: %v", err)
		}
		obj, _ := e.s.Application(ctx, staff, objected.ID)
		if _, err := e.s.Act(ctx, staff, objected.ID, "answer_objection", program.ActionInput{ObjectionID: obj.Objections[0].ID,
			Reason: "经核实，研发人员数据属实"}); err != nil {
			t.Fatal(err)
		}
		for i, a := range approved {
			if approved[i], err = e.s.Act(ctx, staff, a.ID, "end_publicity", program.ActionInput{}); err != nil || approved[i].State != "contract" {
				t.Fatalf("end publicity %d: %v", a.ID, err)
			}
		}

		// Contracts: 40万元 at 60/40; 60/35 refused, nothing written.
		p := approved[0]
		if len(p.Installments) != 2 || p.Installments[0].Amount != 24_000_000 || p.Budget != 40_0000_00 {
			t.Errorf("default installments from the call: %+v", p.Installments)
		}
		contract := program.ContractInput{Goals: "完成智能产线改造，产能提升30%", Budget: 40_0000_00, Plan: []int64{6000, 3500},
			Milestones: []program.Milestone{{Title: "设备选型", Due: day("2027-01-31")}, {Title: "试运行", Due: day("2027-08-31")}},
			Start:      day("2026-10-15"), End: day("2027-10-14")}
		before := count(t, d, `SELECT COUNT(*) FROM audit_events`)
		_, err = e.s.SaveContract(ctx, staff, p.ID, contract)
		if fields(err)["installment_plan"] != "program.plan.total" {
			t.Fatalf("60/35 plan: %v", err)
		}
		if got, _ := e.s.Application(ctx, staff, p.ID); got.Version != p.Version || got.Goals != "" ||
			count(t, d, `SELECT COUNT(*) FROM audit_events`) != before {
			t.Errorf("refused contract wrote something")
		}
		contract.Plan = []int64{6000, 4000}

		// Money: signing with too little budget is refused and nothing
		// changes; a bad appropriation is a field error and nothing is
		// posted; finance funds 6 × 40万元, a double submit is one effect.
		if _, err := e.s.SaveContract(ctx, staff, p.ID, contract); err != nil {
			t.Fatal(err)
		}
		before = count(t, d, `SELECT COUNT(*) FROM audit_events`)
		if _, err := e.s.Act(ctx, staff, p.ID, "sign_contract", program.ActionInput{}); i18n.ErrorCode(err) != i18n.Conflict || key(err) != "program.funds.insufficient" {
			t.Fatalf("sign without funds: %v", err)
		}
		if got, _ := e.s.Application(ctx, staff, p.ID); got.State != "contract" || got.Installments[0].Status != program.InstPlanned || got.Funds != nil ||
			count(t, d, `SELECT COUNT(*) FROM ledger_transactions`) != 0 || count(t, d, `SELECT COUNT(*) FROM audit_events`) != before {
			t.Fatalf("refused signing wrote: %s %+v", got.State, got.Installments)
		}
		for _, bad := range []string{"-5", "1.001", "0", "abc"} {
			if _, err := e.s.Appropriate(ctx, finance, call.ID, program.FundInput{Amount: bad, Reason: "年度预算", Key: "k-bad"}); i18n.ErrorCode(err) != i18n.Invalid || fields(err)["ledger_amount"] == "" {
				t.Errorf("appropriation of %q: %v", bad, err)
			}
		}
		if _, err := e.s.Appropriate(ctx, finance, call.ID, program.FundInput{Amount: "10万元", Key: "k-noreason"}); fields(err)["fund_reason"] != "error.required" {
			t.Errorf("appropriation without a reason: %v", err)
		}
		if _, err := e.s.Appropriate(ctx, staff, call.ID, program.FundInput{Amount: "10万元", Reason: "x", Key: "k-staff"}); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("staff appropriates: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM ledger_transactions`); n != 0 {
			t.Fatalf("refused appropriations posted %d", n)
		}
		for range 2 {
			f, err := e.s.Appropriate(ctx, finance, call.ID, program.FundInput{Amount: "240万元", Reason: "2026年度区科技计划专项资金", Key: "k-fund"})
			if err != nil || f.Available != 6*40_0000_00 {
				t.Fatalf("appropriate: %v %+v", err, f)
			}
		}
		if n := count(t, d, `SELECT COUNT(*) FROM ledger_transactions`); n != 1 {
			t.Fatalf("double submit of an appropriation: %d transactions", n)
		}
		for i, a := range approved {
			if approved[i], err = e.s.SaveContract(ctx, staff, a.ID, contract); err != nil {
				t.Fatal(err)
			}
			inst := approved[i].Installments
			if len(inst) != 2 || inst[0].Amount != 24_000_000 || inst[1].Amount != 16_000_000 || inst[0].Amount+inst[1].Amount != contract.Budget {
				t.Fatalf("installments: %+v", inst)
			}
			if money.FormatYuan(inst[0].Amount) != "240,000.00元" {
				t.Errorf("first installment shown as %s", money.FormatYuan(inst[0].Amount))
			}
			if approved[i], err = e.s.Act(ctx, staff, a.ID, "sign_contract", program.ActionInput{}); err != nil || approved[i].State != "implementing" {
				t.Fatalf("sign: %v", err)
			}
			if approved[i].Installments[0].Status != program.InstPayable || approved[i].Installments[1].Status != program.InstPlanned {
				t.Errorf("after signing: %+v", approved[i].Installments)
			}
		}

		// Finance pays the first installment; the second is not due.
		e.clock.set(t, "2026-10-20 10:00")
		p = approved[0]
		if _, err := e.s.Act(ctx, staff, p.ID, "pay", program.ActionInput{Installment: 1, BankRef: "X", PaidOn: day("2026-10-20")}); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("staff pays: %v", err)
		}
		if _, err := e.s.Act(ctx, finance, p.ID, "pay", program.ActionInput{Installment: 1}); fields(err)["bank_ref"] == "" || fields(err)["paid_on"] == "" {
			t.Errorf("pay without a reference: %v", err)
		}
		if _, err := e.s.Act(ctx, finance, p.ID, "pay", program.ActionInput{Installment: 2, BankRef: "HX20261020002", PaidOn: day("2026-10-20")}); key(err) != "program.pay.not_due" {
			t.Errorf("second installment before acceptance: %v", err)
		}
		for i, a := range approved {
			if approved[i], err = e.s.Act(ctx, finance, a.ID, "pay", program.ActionInput{Installment: 1, BankRef: "HX20261020001", PaidOn: day("2026-10-20")}); err != nil {
				t.Fatal(err)
			}
		}
		if got := approved[0].Installments[0]; got.Status != program.InstPaid || got.BankRef != "HX20261020001" || got.PaidOn != day("2026-10-20") {
			t.Errorf("paid installment: %+v", got)
		}

		// Extension: one app asks early and gets it; a second request is refused.
		ext := approved[5]
		owner := func(a *program.Application) *auth.User {
			for _, u := range e.users {
				if u.EnterpriseID == a.EnterpriseID {
					return u
				}
			}
			t.Fatal("no owner")
			return nil
		}
		if _, err := e.s.Act(ctx, owner(ext), ext.ID, "request_extension", program.ActionInput{Reason: "设备到货延迟", Until: day("2028-12-31")}); fields(err)["extension_until"] != "program.extension.too_long" {
			t.Errorf("extension of more than a year: %v", err)
		}
		if ext, err = e.s.Act(ctx, owner(ext), ext.ID, "request_extension", program.ActionInput{Reason: "设备到货延迟", Until: day("2028-04-14")}); err != nil {
			t.Fatal(err)
		}
		if ext, err = e.s.Act(ctx, chief, ext.ID, "approve_extension", program.ActionInput{}); err != nil || ext.ContractEnd != day("2028-04-14") || ext.Extensions != 1 {
			t.Fatalf("approve extension: %v %+v", err, ext)
		}
		if _, err := e.s.Act(ctx, owner(ext), ext.ID, "request_extension", program.ActionInput{Reason: "再次延期", Until: day("2028-06-30")}); fields(err)["extension_until"] != "program.extension.once" {
			t.Errorf("second extension: %v", err)
		}

		// Mid-term check.
		e.clock.set(t, "2027-04-15 10:00")
		for i, a := range approved[:5] {
			if _, err := e.s.Act(ctx, staff, a.ID, "start_midterm", program.ActionInput{}); err != nil {
				t.Fatal(err)
			}
			if approved[i], err = e.s.Act(ctx, staff, a.ID, "pass_midterm", program.ActionInput{}); err != nil || approved[i].State != "implementing" {
				t.Fatalf("midterm: %v", err)
			}
		}

		// An extension asked two months before the end is late.
		e.clock.set(t, "2027-08-14 10:00")
		if _, err := e.s.Act(ctx, owner(approved[0]), approved[0].ID, "request_extension", program.ActionInput{Reason: "延期", Until: day("2028-04-14")}); fields(err)["extension_until"] != "program.extension.late" {
			t.Errorf("extension two months before the end: %v", err)
		}

		// Acceptance: passed and closed; rectified; failed.
		e.clock.set(t, "2027-10-20 10:00")
		pass, rect, fail := approved[0], approved[1], approved[2]
		for _, a := range []*program.Application{pass, rect, fail} {
			if _, err := e.s.Act(ctx, owner(a), a.ID, "apply_acceptance", program.ActionInput{}); err != nil {
				t.Fatal(err)
			}
		}
		if pass, err = e.s.Act(ctx, staff, pass.ID, "pass_acceptance", program.ActionInput{}); err != nil || pass.Installments[1].Status != program.InstPayable {
			t.Fatalf("pass acceptance: %v", err)
		}
		if _, err := e.s.Act(ctx, staff, pass.ID, "close", program.ActionInput{}); key(err) != "program.installments.unsettled" {
			t.Errorf("close with an unpaid installment: %v", err)
		}
		if _, err := e.s.Act(ctx, finance, pass.ID, "pay", program.ActionInput{Installment: 2, BankRef: "HX20271020001", PaidOn: day("2027-10-20")}); err != nil {
			t.Fatal(err)
		}
		if pass, err = e.s.Act(ctx, staff, pass.ID, "close", program.ActionInput{}); err != nil || pass.State != "closed" {
			t.Fatalf("close: %v", err)
		}
		if rect, err = e.s.Act(ctx, staff, rect.ID, "require_rectification", program.ActionInput{Reason: "财务资料不全"}); err != nil || rect.RectificationDue != day("2028-01-20") {
			t.Fatalf("rectification: %v %s", err, rect.RectificationDue)
		}
		e.clock.set(t, "2028-01-10 10:00")
		if _, err := e.s.Act(ctx, owner(rect), rect.ID, "submit_rectification", program.ActionInput{}); err != nil {
			t.Fatal(err)
		}
		if rect, err = e.s.Act(ctx, staff, rect.ID, "pass_after_rectification", program.ActionInput{}); err != nil || rect.State != "accepted" ||
			rect.Installments[1].Status != program.InstPayable {
			t.Fatalf("pass after rectification: %v", err)
		}
		if fail, err = e.s.Act(ctx, staff, fail.ID, "fail_acceptance", program.ActionInput{Reason: "主要指标未完成"}); err != nil || fail.State != "failed" ||
			fail.Installments[1].Status != program.InstCancelled || fail.Installments[0].Status != program.InstPaid {
			t.Fatalf("fail acceptance: %v %+v", err, fail.Installments)
		}

		// The history of the closed project tells its life; the audit log
		// has every transition.
		h, err := e.s.History(ctx, staff, pass.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, x := range h {
			actions = append(actions, x.Action)
		}
		wantActions := []string{"submit", "receive", "send_to_experts", "rank", "propose", "approve", "end_publicity", "sign_contract", "pay",
			"start_midterm", "pass_midterm", "apply_acceptance", "pass_acceptance", "pay", "close"}
		if !slices.Equal(actions, wantActions) {
			t.Errorf("history %v", actions)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events WHERE object_id = $1 AND action LIKE 'workflow.project.%'`, itoa(pass.ID)); n != len(wantActions) {
			t.Errorf("audit events: %d", n)
		}
		if _, err := e.s.History(ctx, e.users[12], pass.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("another enterprise reads the history: %v", err)
		}
		// The city viewer reads but may not act.
		if _, err := e.s.Application(ctx, viewer, rect.ID); err != nil {
			t.Errorf("city viewer reads: %v", err)
		}
		if _, err := e.s.Act(ctx, viewer, rect.ID, "close", program.ActionInput{}); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("city viewer acts: %v", err)
		}
		// Revoking the rectified project reclaims its due, unpaid
		// installment; paid money stays paid.
		if rect, err = e.s.Act(ctx, chief, rect.ID, "revoke", program.ActionInput{Reason: "发现申报材料造假"}); err != nil || rect.State != "revoked" ||
			rect.Installments[1].Status != program.InstCancelled || rect.Funds.Payable != 0 || rect.Funds.Committed != 0 || rect.Funds.Paid != 24_000_000 {
			t.Fatalf("revoke: %v %+v", err, rect.Funds)
		}

		// The ledger: committed 0 once closed or stopped, paid = the paid
		// installments, the rest back in the call's budget; Verify clean.
		var paid money.Fen
		for _, a := range approved {
			got, err := e.s.Application(ctx, staff, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			var open money.Fen
			for _, i := range got.Installments {
				switch i.Status {
				case program.InstPaid:
					paid += i.Amount
				case program.InstPlanned:
					open += i.Amount
				}
			}
			if got.Funds == nil || got.Funds.Committed != open || got.Funds.Payable != 0 {
				t.Errorf("funds of %d (%s): %+v, want committed %d", got.ID, got.State, got.Funds, open)
			}
			if (got.State == "closed" || got.State == "failed" || got.State == "revoked") && got.Funds.Committed != 0 {
				t.Errorf("%s project still commits %d", got.State, got.Funds.Committed)
			}
		}
		if paid != 6*24_000_000+16_000_000 {
			t.Errorf("paid installments %d", paid)
		}
		if b, err := ledger.Balance(ctx, d, "paid:341203:2026"); err != nil || b != paid {
			t.Errorf("paid account %d %v, want %d", b, err, paid)
		}
		if f, err := e.s.Funds(ctx, staff, call.ID); err != nil || f.Available != 2*16_000_000 {
			t.Errorf("call budget after the failed and the revoked project: %+v %v", f, err)
		}
		if r, err := ledger.Verify(ctx, d); err != nil || !r.OK() {
			t.Errorf("ledger verify: %+v %v", r, err)
		}

		_ = workflow.MaxKey
	})
}

func itoa(n int64) string { return big.NewInt(n).String() }
