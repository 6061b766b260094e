package workflow

import "kejiju/internal/auth"

// The guards the lifecycles name; the caller supplies each as a Guards
// entry when it takes a transition that names it.
const (
	// GuardWithinWindow: the call for applications (or nominations) is open.
	GuardWithinWindow = "within_window"
	// GuardReviewsComplete: every assigned expert has scored.
	GuardReviewsComplete = "reviews_complete"
	// GuardPublicityOver: the publicity period (N working days, a
	// parameter) has ended.
	GuardPublicityOver = "publicity_over"
	// GuardObjectionsAnswered: every objection raised during publicity has
	// been answered.
	GuardObjectionsAnswered = "objections_answered"
	// GuardPlanTotals: the installment plan totals 100% of the grant.
	GuardPlanTotals = "plan_totals_100"
	// GuardInstallmentDue: the next installment's condition holds (e.g. the
	// balance only after acceptance 通过 or 整改后通过).
	GuardInstallmentDue = "installment_due"
	// GuardExtensionOnce: no extension was granted before.
	GuardExtensionOnce = "extension_once"
	// GuardExtensionEarly: the request comes at least 3 months before the
	// contract ends.
	GuardExtensionEarly = "extension_early_enough"
	// GuardExtensionLength: the extension asked for is at most one year.
	GuardExtensionLength = "extension_at_most_one_year"
	// GuardRectificationInTime: the rectification comes within 3 months of
	// the notice.
	GuardRectificationInTime = "rectification_in_time"
	// GuardInstallmentsSettled: every installment is paid or cancelled.
	GuardInstallmentsSettled = "installments_settled"
	// GuardVotePassed: the committee had its quorum (≥ 2/3 of members) and
	// the award ≥ 2/3 of those present.
	GuardVotePassed = "vote_passed"
)

var (
	staff    = []auth.Permission{auth.PermProgramManage}
	director = []auth.Permission{auth.PermProgramApprove}
	finance  = []auth.Permission{auth.PermFinancePay}
)

// ProjectLifecycle is the life of a district S&T plan project, from the
// enterprise's draft application to its closing (domain rules §5). The
// enterprise (the owner) drafts, submits, revises, withdraws, reports and
// asks for an extension; staff run the reviews, the contract, the mid-term
// check and the acceptance; the director approves, rules on extensions,
// terminates and revokes; finance pays the installments.
//
// The acceptance result is the path taken: pass_acceptance is 通过,
// pass_after_rectification 整改后通过, fail_acceptance 不通过; the one
// rectification is the single way through rectification and rectified.
var ProjectLifecycle = MustValidate(&Machine{
	Name: "project",
	States: []State{
		{Name: "draft", Key: "workflow.state.draft", Editable: []string{AnyField}, Owner: true},
		{Name: "submitted", Key: "workflow.state.submitted"},
		{Name: "formal_review", Key: "workflow.state.formal_review", Editable: []string{"formal_checklist"}, Perms: staff},
		{Name: "returned", Key: "workflow.state.returned", Editable: []string{AnyField}, Owner: true},
		{Name: "expert_review", Key: "workflow.state.expert_review", Editable: []string{"expert_panel"}, Perms: staff},
		{Name: "ranking", Key: "workflow.state.ranking", Editable: []string{"ranking", "proposed_grant"}, Perms: staff},
		{Name: "approval", Key: "workflow.state.approval", Editable: []string{"approved_grant"}, Perms: director},
		{Name: "publicity", Key: "workflow.state.publicity", Editable: []string{"objections"}, Perms: staff},
		{Name: "contract", Key: "workflow.state.contract", Editable: []string{"contract", "installment_plan", "targets"}, Perms: staff},
		{Name: "implementing", Key: "workflow.state.implementing", Editable: []string{"progress_report"}, Owner: true},
		{Name: "extension_requested", Key: "workflow.state.extension_requested"},
		{Name: "midterm", Key: "workflow.state.midterm", Editable: []string{"midterm_report", "midterm_result"}, Perms: staff, Owner: true},
		{Name: "acceptance", Key: "workflow.state.acceptance", Editable: []string{"acceptance_task", "acceptance_finance"}, Perms: staff},
		{Name: "rectification", Key: "workflow.state.rectification", Editable: []string{"rectification_report"}, Owner: true},
		{Name: "rectified", Key: "workflow.state.rectified", Editable: []string{"acceptance_task", "acceptance_finance"}, Perms: staff},
		{Name: "accepted", Key: "workflow.state.accepted"},
		{Name: "closed", Key: "workflow.state.closed", Final: true},
		{Name: "withdrawn", Key: "workflow.state.withdrawn", Final: true},
		{Name: "rejected", Key: "workflow.state.rejected", Final: true},
		{Name: "terminated", Key: "workflow.state.terminated", Final: true},
		{Name: "revoked", Key: "workflow.state.revoked", Final: true},
		{Name: "failed", Key: "workflow.state.failed", Final: true},
	},
	Transitions: []Transition{
		// Application and formal review.
		{Action: "submit", From: []string{"draft"}, To: "submitted", Owner: true, Guards: []string{GuardWithinWindow}, Key: "workflow.action.submit"},
		{Action: "receive", From: []string{"submitted"}, To: "formal_review", Perms: staff, Key: "workflow.action.receive"},
		{Action: "return", From: []string{"formal_review"}, To: "returned", Perms: staff, Reason: true, Key: "workflow.action.return"},
		{Action: "resubmit", From: []string{"returned"}, To: "formal_review", Owner: true, Key: "workflow.action.resubmit"},
		{Action: "reject", From: []string{"formal_review"}, To: "rejected", Perms: staff, Reason: true, Key: "workflow.action.reject"},
		{Action: "withdraw", From: []string{"draft", "submitted", "formal_review", "returned"}, To: "withdrawn", Owner: true, Reason: true, Key: "workflow.action.withdraw"},
		// Expert review, ranking, approval and publicity.
		{Action: "send_to_experts", From: []string{"formal_review"}, To: "expert_review", Perms: staff, Key: "workflow.action.send_to_experts"},
		{Action: "rank", From: []string{"expert_review"}, To: "ranking", Perms: staff, Guards: []string{GuardReviewsComplete}, Key: "workflow.action.rank"},
		{Action: "propose", From: []string{"ranking"}, To: "approval", Perms: staff, Key: "workflow.action.propose"},
		{Action: "approve", From: []string{"approval"}, To: "publicity", Perms: director, Key: "workflow.action.approve"},
		{Action: "reject", From: []string{"approval"}, To: "rejected", Perms: director, Reason: true, Key: "workflow.action.reject"},
		{Action: "record_objection", From: []string{"publicity"}, Perms: staff, Reason: true, Key: "workflow.action.record_objection"},
		{Action: "answer_objection", From: []string{"publicity"}, Perms: staff, Reason: true, Key: "workflow.action.answer_objection"},
		{Action: "end_publicity", From: []string{"publicity"}, To: "contract", Perms: staff, Guards: []string{GuardPublicityOver, GuardObjectionsAnswered}, Key: "workflow.action.end_publicity"},
		// Contract, installments, mid-term check and extension.
		{Action: "sign_contract", From: []string{"contract"}, To: "implementing", Perms: staff, Guards: []string{GuardPlanTotals}, Key: "workflow.action.sign_contract"},
		{Action: "pay", From: []string{"implementing", "midterm", "accepted"}, Perms: finance, Guards: []string{GuardInstallmentDue}, Key: "workflow.action.pay"},
		{Action: "start_midterm", From: []string{"implementing"}, To: "midterm", Perms: staff, Key: "workflow.action.start_midterm"},
		{Action: "pass_midterm", From: []string{"midterm"}, To: "implementing", Perms: staff, Key: "workflow.action.pass_midterm"},
		{Action: "request_extension", From: []string{"implementing"}, To: "extension_requested", Owner: true, Reason: true,
			Guards: []string{GuardExtensionOnce, GuardExtensionEarly, GuardExtensionLength}, Key: "workflow.action.request_extension"},
		{Action: "approve_extension", From: []string{"extension_requested"}, To: "implementing", Perms: director, Key: "workflow.action.approve_extension"},
		{Action: "reject_extension", From: []string{"extension_requested"}, To: "implementing", Perms: director, Reason: true, Key: "workflow.action.reject_extension"},
		// Acceptance, the one rectification, and closing.
		{Action: "apply_acceptance", From: []string{"implementing"}, To: "acceptance", Owner: true, Perms: staff, Key: "workflow.action.apply_acceptance"},
		{Action: "pass_acceptance", From: []string{"acceptance"}, To: "accepted", Perms: staff, Key: "workflow.action.pass_acceptance"},
		{Action: "require_rectification", From: []string{"acceptance"}, To: "rectification", Perms: staff, Reason: true, Key: "workflow.action.require_rectification"},
		{Action: "submit_rectification", From: []string{"rectification"}, To: "rectified", Owner: true, Guards: []string{GuardRectificationInTime}, Key: "workflow.action.submit_rectification"},
		{Action: "pass_after_rectification", From: []string{"rectified"}, To: "accepted", Perms: staff, Key: "workflow.action.pass_after_rectification"},
		{Action: "fail_acceptance", From: []string{"acceptance", "rectification", "rectified"}, To: "failed", Perms: staff, Reason: true, Key: "workflow.action.fail_acceptance"},
		{Action: "close", From: []string{"accepted"}, To: "closed", Perms: staff, Guards: []string{GuardInstallmentsSettled}, Key: "workflow.action.close"},
		// Side exits.
		{Action: "terminate", From: []string{"contract", "implementing", "extension_requested", "midterm", "acceptance", "rectification", "rectified"},
			To: "terminated", Perms: director, Reason: true, Key: "workflow.action.terminate"},
		{Action: "revoke", From: []string{"publicity", "contract", "implementing", "extension_requested", "midterm", "acceptance", "rectification", "rectified", "accepted"},
			To: "revoked", Perms: director, Reason: true, Key: "workflow.action.revoke"},
	},
})

var (
	awardStaff    = []auth.Permission{auth.PermAwardManage}
	awardDirector = []auth.Permission{auth.PermAwardApprove}
)

// AwardLifecycle is the life of an S&T award nomination (domain rules §8):
// the nominator (the owner) drafts and submits it; staff run the formal
// review and record the panel's vote and the objections of the publicity;
// the director confirms or refuses the award when the publicity ends.
var AwardLifecycle = MustValidate(&Machine{
	Name: "award",
	States: []State{
		{Name: "nomination", Key: "workflow.state.nomination", Editable: []string{AnyField}, Owner: true},
		{Name: "formal_review", Key: "workflow.state.formal_review", Editable: []string{"formal_checklist"}, Perms: awardStaff},
		{Name: "returned", Key: "workflow.state.returned", Editable: []string{AnyField}, Owner: true},
		{Name: "panel_review", Key: "workflow.state.panel_review", Editable: []string{"panel_result"}, Perms: awardStaff},
		{Name: "publicity", Key: "workflow.state.publicity", Editable: []string{"objections"}, Perms: awardStaff},
		{Name: "awarded", Key: "workflow.state.awarded", Final: true},
		{Name: "not_awarded", Key: "workflow.state.not_awarded", Final: true},
		{Name: "withdrawn", Key: "workflow.state.withdrawn", Final: true},
	},
	Transitions: []Transition{
		{Action: "submit", From: []string{"nomination"}, To: "formal_review", Owner: true, Guards: []string{GuardWithinWindow}, Key: "workflow.action.submit"},
		{Action: "return", From: []string{"formal_review"}, To: "returned", Perms: awardStaff, Reason: true, Key: "workflow.action.return"},
		{Action: "resubmit", From: []string{"returned"}, To: "formal_review", Owner: true, Key: "workflow.action.resubmit"},
		{Action: "reject", From: []string{"formal_review"}, To: "not_awarded", Perms: awardStaff, Reason: true, Key: "workflow.action.reject"},
		{Action: "send_to_panel", From: []string{"formal_review"}, To: "panel_review", Perms: awardStaff, Key: "workflow.action.send_to_panel"},
		{Action: "propose_award", From: []string{"panel_review"}, To: "publicity", Perms: awardStaff, Guards: []string{GuardVotePassed}, Key: "workflow.action.propose_award"},
		{Action: "not_award", From: []string{"panel_review"}, To: "not_awarded", Perms: awardStaff, Reason: true, Key: "workflow.action.not_award"},
		{Action: "record_objection", From: []string{"publicity"}, Perms: awardStaff, Reason: true, Key: "workflow.action.record_objection"},
		{Action: "answer_objection", From: []string{"publicity"}, Perms: awardStaff, Reason: true, Key: "workflow.action.answer_objection"},
		{Action: "confirm_award", From: []string{"publicity"}, To: "awarded", Perms: awardDirector, Guards: []string{GuardPublicityOver, GuardObjectionsAnswered}, Key: "workflow.action.confirm_award"},
		{Action: "not_award", From: []string{"publicity"}, To: "not_awarded", Perms: awardDirector, Reason: true, Key: "workflow.action.not_award"},
		{Action: "withdraw", From: []string{"nomination", "formal_review", "returned", "panel_review"}, To: "withdrawn", Owner: true, Reason: true, Key: "workflow.action.withdraw"},
	},
})
