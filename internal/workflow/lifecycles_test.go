package workflow_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/i18n"
	"kejiju/internal/workflow"
)

var lifecycles = []*workflow.Machine{workflow.ProjectLifecycle, workflow.AwardLifecycle}

func TestLifecyclesValidate(t *testing.T) {
	for _, m := range lifecycles {
		if err := m.Validate(); err != nil {
			t.Errorf("%s: %v", m.Name, err)
		}
	}
}

// TestLifecycleKeys fails when a label or a state's refusal message is
// missing from a catalog.
func TestLifecycleKeys(t *testing.T) {
	cat := i18n.Default()
	for _, m := range lifecycles {
		var keys []string
		for _, s := range m.States {
			keys = append(keys, s.Key, "workflow.illegal."+s.Name)
		}
		for _, tr := range m.Transitions {
			keys = append(keys, tr.Key)
		}
		for _, k := range keys {
			for _, lang := range i18n.Languages {
				if _, ok := cat[lang][k]; !ok {
					t.Errorf("%s: %s lacks %q", m.Name, lang, k)
				}
			}
		}
	}
}

// TestLifecycleGuards fails when a lifecycle names a guard that is not one
// of the exported constants (a typo the caller could never supply).
func TestLifecycleGuards(t *testing.T) {
	known := []string{workflow.GuardWithinWindow, workflow.GuardReviewsComplete, workflow.GuardPublicityOver,
		workflow.GuardObjectionsAnswered, workflow.GuardPlanTotals, workflow.GuardInstallmentDue, workflow.GuardExtensionOnce,
		workflow.GuardExtensionEarly, workflow.GuardExtensionLength, workflow.GuardRectificationInTime,
		workflow.GuardInstallmentsSettled, workflow.GuardVotePassed}
	for _, m := range lifecycles {
		for _, tr := range m.Transitions {
			for _, g := range tr.Guards {
				if !slices.Contains(known, g) {
					t.Errorf("%s.%s names guard %q, not a Guard constant", m.Name, tr.Action, g)
				}
			}
		}
	}
}

// who describes who may take a transition: "owner", a permission, or both.
func who(tr workflow.Transition) string {
	var parts []string
	if tr.Owner {
		parts = append(parts, "owner")
	}
	for _, p := range tr.Perms {
		parts = append(parts, string(p))
	}
	return strings.Join(parts, "+")
}

// TestProjectWho pins who takes each step of a project, as the issue
// assigns them.
func TestProjectWho(t *testing.T) {
	const (
		owner   = "owner"
		staff   = "program.manage"
		chief   = "program.approve"
		finance = "finance.pay"
	)
	want := map[string]string{
		"submit": owner, "resubmit": owner, "withdraw": owner, "request_extension": owner,
		"submit_rectification": owner, "apply_acceptance": owner + "+" + staff,
		"receive": staff, "return": staff, "send_to_experts": staff, "rank": staff, "propose": staff,
		"record_objection": staff, "answer_objection": staff, "end_publicity": staff, "sign_contract": staff,
		"start_midterm": staff, "pass_midterm": staff, "pass_acceptance": staff, "require_rectification": staff,
		"pass_after_rectification": staff, "fail_acceptance": staff, "close": staff,
		"approve": chief, "approve_extension": chief, "reject_extension": chief, "terminate": chief, "revoke": chief,
		"pay": finance,
	}
	got := map[string]string{}
	for _, tr := range workflow.ProjectLifecycle.Transitions {
		if tr.Action == "reject" {
			continue // staff at formal review, the director at approval: below
		}
		got[tr.Action] = who(tr)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("who takes what (-want +got):\n%s", diff)
	}
	for _, c := range []struct{ from, who string }{{"formal_review", staff}, {"approval", chief}} {
		if tr, ok := find(workflow.ProjectLifecycle, c.from, "reject"); !ok || who(tr) != c.who {
			t.Errorf("reject from %s: %q, want %q", c.from, who(tr), c.who)
		}
	}
}

func TestAwardWho(t *testing.T) {
	want := map[string]string{
		"submit": "owner", "resubmit": "owner", "withdraw": "owner",
		"return": "award.manage", "reject": "award.manage", "send_to_panel": "award.manage", "propose_award": "award.manage",
		"record_objection": "award.manage", "answer_objection": "award.manage",
		"confirm_award": "award.approve",
	}
	got := map[string]string{}
	for _, tr := range workflow.AwardLifecycle.Transitions {
		if tr.Action == "not_award" {
			continue
		}
		got[tr.Action] = who(tr)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("who takes what (-want +got):\n%s", diff)
	}
	for _, c := range []struct{ from, who string }{{"panel_review", "award.manage"}, {"publicity", "award.approve"}} {
		if tr, ok := find(workflow.AwardLifecycle, c.from, "not_award"); !ok || who(tr) != c.who {
			t.Errorf("not_award from %s: %q, want %q", c.from, who(tr), c.who)
		}
	}
}

func find(m *workflow.Machine, from, action string) (workflow.Transition, bool) {
	for _, tr := range m.Transitions {
		if tr.Action == action && slices.Contains(tr.From, from) {
			return tr, true
		}
	}
	return workflow.Transition{}, false
}

// TestLifecyclePaths walks the lives the issue describes, step by step.
func TestLifecyclePaths(t *testing.T) {
	tests := []struct {
		name    string
		m       *workflow.Machine
		actions []string
		want    string
	}{
		{"project passes", workflow.ProjectLifecycle, []string{"submit", "receive", "send_to_experts", "rank", "propose", "approve",
			"record_objection", "answer_objection", "end_publicity", "sign_contract", "pay", "start_midterm", "pass_midterm",
			"request_extension", "approve_extension", "apply_acceptance", "pass_acceptance", "pay", "close"}, "closed"},
		{"project revised and passed after rectification", workflow.ProjectLifecycle, []string{"submit", "receive", "return", "resubmit",
			"send_to_experts", "rank", "propose", "approve", "end_publicity", "sign_contract", "apply_acceptance",
			"require_rectification", "submit_rectification", "pass_after_rectification", "close"}, "closed"},
		{"project fails after rectification", workflow.ProjectLifecycle, []string{"submit", "receive", "send_to_experts", "rank", "propose",
			"approve", "end_publicity", "sign_contract", "apply_acceptance", "require_rectification", "submit_rectification",
			"fail_acceptance"}, "failed"},
		{"rectification never comes", workflow.ProjectLifecycle, []string{"submit", "receive", "send_to_experts", "rank", "propose",
			"approve", "end_publicity", "sign_contract", "apply_acceptance", "require_rectification", "fail_acceptance"}, "failed"},
		{"project rejected at formal review", workflow.ProjectLifecycle, []string{"submit", "receive", "reject"}, "rejected"},
		{"project not approved", workflow.ProjectLifecycle, []string{"submit", "receive", "send_to_experts", "rank", "propose", "reject"}, "rejected"},
		{"project withdrawn", workflow.ProjectLifecycle, []string{"submit", "withdraw"}, "withdrawn"},
		{"objection upheld", workflow.ProjectLifecycle, []string{"submit", "receive", "send_to_experts", "rank", "propose", "approve",
			"record_objection", "revoke"}, "revoked"},
		{"project terminated", workflow.ProjectLifecycle, []string{"submit", "receive", "send_to_experts", "rank", "propose", "approve",
			"end_publicity", "sign_contract", "start_midterm", "terminate"}, "terminated"},
		{"extension refused", workflow.ProjectLifecycle, []string{"submit", "receive", "send_to_experts", "rank", "propose", "approve",
			"end_publicity", "sign_contract", "request_extension", "reject_extension"}, "implementing"},
		{"award given", workflow.AwardLifecycle, []string{"submit", "return", "resubmit", "send_to_panel", "propose_award",
			"record_objection", "answer_objection", "confirm_award"}, "awarded"},
		{"award refused after objection", workflow.AwardLifecycle, []string{"submit", "send_to_panel", "propose_award", "record_objection", "not_award"}, "not_awarded"},
		{"award not proposed", workflow.AwardLifecycle, []string{"submit", "send_to_panel", "not_award"}, "not_awarded"},
		{"nomination withdrawn", workflow.AwardLifecycle, []string{"submit", "send_to_panel", "withdraw"}, "withdrawn"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			state := tc.m.Initial()
			for _, a := range tc.actions {
				tr, ok := find(tc.m, state, a)
				if !ok {
					t.Fatalf("%s: no %s from %s", tc.m.Name, a, state)
				}
				if tr.To != "" {
					state = tr.To
				}
			}
			if state != tc.want {
				t.Errorf("ended in %s, want %s", state, tc.want)
			}
		})
	}
}

// TestLifecycleRules pins the rules that the declaration carries.
func TestLifecycleRules(t *testing.T) {
	p := workflow.ProjectLifecycle
	for _, c := range []struct {
		from, action string
		reason       bool
		guards       []string
	}{
		{"draft", "submit", false, []string{workflow.GuardWithinWindow}},
		{"formal_review", "return", true, nil},
		{"publicity", "end_publicity", false, []string{workflow.GuardPublicityOver, workflow.GuardObjectionsAnswered}},
		{"contract", "sign_contract", false, []string{workflow.GuardPlanTotals}},
		{"implementing", "request_extension", true, []string{workflow.GuardExtensionOnce, workflow.GuardExtensionEarly, workflow.GuardExtensionLength}},
		{"rectification", "submit_rectification", false, []string{workflow.GuardRectificationInTime}},
		{"accepted", "pay", false, []string{workflow.GuardInstallmentDue}},
		{"implementing", "terminate", true, nil},
		{"accepted", "revoke", true, nil},
		{"draft", "withdraw", true, nil},
	} {
		tr, ok := find(p, c.from, c.action)
		if !ok {
			t.Errorf("no %s from %s", c.action, c.from)
			continue
		}
		if tr.Reason != c.reason || !slices.Equal(tr.Guards, c.guards) {
			t.Errorf("%s from %s: reason %v guards %v, want %v %v", c.action, c.from, tr.Reason, tr.Guards, c.reason, c.guards)
		}
	}
	// One rectification: the re-examined project cannot be sent back again.
	if _, ok := find(p, "rectified", "require_rectification"); ok {
		t.Error("a rectified project may be sent to rectification again")
	}
	// One extension at a time, and none while one is pending.
	if _, ok := find(p, "extension_requested", "request_extension"); ok {
		t.Error("an extension may be requested while one is pending")
	}
	// The enterprise edits its application only in draft and when returned.
	for _, s := range p.States {
		if got, want := p.Editable(s.Name, "budget"), s.Name == "draft" || s.Name == "returned"; got != want {
			t.Errorf("budget editable in %s: %v, want %v", s.Name, got, want)
		}
	}
}

// TestProjectOwnerSteps checks the enterprise's own steps through Check:
// those need no permission the program area has yet to grant.
func TestProjectOwnerSteps(t *testing.T) {
	p := workflow.ProjectLifecycle
	open := workflow.Guards{workflow.GuardWithinWindow: func() error { return nil }}
	if _, err := p.Check(company, true, "draft", "submit", "", open); err != nil {
		t.Errorf("owner submit: %v", err)
	}
	if _, err := p.Check(company, false, "draft", "submit", "", open); i18n.ErrorCode(err) != i18n.Forbidden {
		t.Errorf("other enterprise submit: got %v, want forbidden", err)
	}
	if _, err := p.Check(company, true, "approval", "approve", "", nil); i18n.ErrorCode(err) != i18n.Forbidden {
		t.Errorf("owner approves: got %v, want forbidden", err)
	}
	if _, err := p.Check(company, true, "submitted", "submit", "", open); i18n.ErrorCode(err) != i18n.Conflict {
		t.Errorf("second submit: got %v, want conflict", err)
	}
}
