package workflow_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/auth"
	"kejiju/internal/i18n"
	"kejiju/internal/workflow"
)

// The people of the tests. The test machine uses permissions that roles
// grant today: enterprise.manage (staff and director) and ident.override
// (director only).
var (
	staff    = &auth.User{ID: 1, Username: "staff", DisplayName: "张科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"}
	chief    = &auth.User{ID: 2, Username: "chief", DisplayName: "王局长", Roles: []auth.Role{auth.Director}, RegionCode: "341203"}
	company  = &auth.User{ID: 3, Username: "company", DisplayName: "某科技公司", Roles: []auth.Role{auth.Enterprise}, EnterpriseID: 7}
	viewer   = &auth.User{ID: 4, Username: "viewer", DisplayName: "市局", Roles: []auth.Role{auth.CityViewer}, RegionCode: "341200"}
	admin    = &auth.User{ID: 5, Username: "admin", DisplayName: "管理员", Roles: []auth.Role{auth.SysAdmin}, RegionCode: "341203"}
	disabled = &auth.User{ID: 6, Username: "gone", DisplayName: "离职科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341203", Disabled: true}
)

var (
	manage  = []auth.Permission{auth.PermEnterpriseManage}
	approve = []auth.Permission{auth.PermIdentOverride}
)

// testMachine is a small application: the owner drafts and submits, staff
// review, the director decides.
func testMachine() *workflow.Machine {
	return &workflow.Machine{
		Name: "test",
		States: []workflow.State{
			{Name: "draft", Key: "workflow.state.draft", Editable: []string{workflow.AnyField}, Owner: true},
			{Name: "review", Key: "workflow.state.formal_review", Editable: []string{"checklist"}, Perms: manage},
			{Name: "done", Key: "workflow.state.closed", Final: true},
			{Name: "withdrawn", Key: "workflow.state.withdrawn", Final: true},
		},
		Transitions: []workflow.Transition{
			{Action: "submit", From: []string{"draft"}, To: "review", Owner: true, Guards: []string{"window", "complete"}, Key: "workflow.action.submit"},
			{Action: "return", From: []string{"review"}, To: "draft", Perms: manage, Reason: true, Key: "workflow.action.return"},
			{Action: "note", From: []string{"review"}, Perms: manage, Reason: true, Key: "workflow.action.record_objection"},
			{Action: "approve", From: []string{"review"}, To: "done", Perms: approve, Key: "workflow.action.approve"},
			{Action: "withdraw", From: []string{"draft", "review"}, To: "withdrawn", Owner: true, Reason: true, Key: "workflow.action.withdraw"},
		},
	}
}

func TestValidateTestMachine(t *testing.T) {
	if err := testMachine().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateBroken(t *testing.T) {
	tests := []struct {
		name   string
		change func(m *workflow.Machine)
		want   workflow.Defects
	}{
		{"no states", func(m *workflow.Machine) { m.States, m.Transitions = nil, nil },
			workflow.Defects{{workflow.NoStates, ""}}},
		{"bad machine name", func(m *workflow.Machine) { m.Name = "Test-1" },
			workflow.Defects{{workflow.BadName, "Test-1"}}},
		{"bad state name", func(m *workflow.Machine) {
			m.States = append(m.States, workflow.State{Name: "Closed", Key: "k", Final: true})
			m.Transitions = append(m.Transitions, workflow.Transition{Action: "shut", From: []string{"review"}, To: "Closed", Perms: manage, Key: "k"})
		}, workflow.Defects{{workflow.BadName, "Closed"}}},
		{"bad action name", func(m *workflow.Machine) { m.Transitions[1].Action = "send back" },
			workflow.Defects{{workflow.BadName, "send back"}}},
		{"duplicate state", func(m *workflow.Machine) {
			m.States = append(m.States, workflow.State{Name: "review", Key: "k"})
		}, workflow.Defects{{workflow.DupState, "review"}}},
		{"duplicate action from one state", func(m *workflow.Machine) {
			m.Transitions = append(m.Transitions, workflow.Transition{Action: "approve", From: []string{"review"}, To: "withdrawn", Perms: manage, Key: "k"})
		}, workflow.Defects{{workflow.DupAction, "approve from review"}}},
		{"unknown from", func(m *workflow.Machine) { m.Transitions[4].From = []string{"draft", "limbo"} },
			workflow.Defects{{workflow.UnknownState, "withdraw from limbo"}}},
		{"unknown to", func(m *workflow.Machine) { m.Transitions[3].To = "heaven" },
			// review still reaches a final state by withdraw; done is now unreachable.
			workflow.Defects{{workflow.UnknownState, "approve to heaven"}, {workflow.Unreachable, "done"}}},
		{"no from", func(m *workflow.Machine) { m.Transitions[2].From = nil },
			workflow.Defects{{workflow.NoFrom, "note"}}},
		{"nobody may take it", func(m *workflow.Machine) { m.Transitions[3].Perms = nil },
			workflow.Defects{{workflow.Nobody, "approve"}}},
		{"no keys", func(m *workflow.Machine) { m.States[1].Key, m.Transitions[0].Key = "", "" },
			workflow.Defects{{workflow.NoKey, "review"}, {workflow.NoKey, "submit"}}},
		{"bad guard name", func(m *workflow.Machine) { m.Transitions[0].Guards = []string{"in window"} },
			workflow.Defects{{workflow.BadGuard, "submit guard in window"}}},
		{"transition out of a final state", func(m *workflow.Machine) {
			m.Transitions = append(m.Transitions, workflow.Transition{Action: "reopen", From: []string{"done"}, To: "review", Perms: manage, Key: "k"})
		}, workflow.Defects{{workflow.FinalExit, "reopen from done"}}},
		{"recorded action in a final state", func(m *workflow.Machine) { m.Transitions[2].From = []string{"review", "done"} },
			workflow.Defects{{workflow.FinalExit, "note from done"}}},
		{"unreachable state", func(m *workflow.Machine) {
			m.States = append(m.States, workflow.State{Name: "archived", Key: "k", Final: true})
		}, workflow.Defects{{workflow.Unreachable, "archived"}}},
		{"dead end", func(m *workflow.Machine) {
			m.States = append(m.States, workflow.State{Name: "limbo", Key: "k"})
			m.Transitions = append(m.Transitions, workflow.Transition{Action: "park", From: []string{"review"}, To: "limbo", Perms: manage, Key: "k"})
		}, workflow.Defects{{workflow.DeadEnd, "limbo"}}},
		{"a loop with no way out", func(m *workflow.Machine) {
			m.States = append(m.States, workflow.State{Name: "ping", Key: "k"}, workflow.State{Name: "pong", Key: "k"})
			m.Transitions = append(m.Transitions,
				workflow.Transition{Action: "to_ping", From: []string{"review", "pong"}, To: "ping", Perms: manage, Key: "k"},
				workflow.Transition{Action: "to_pong", From: []string{"ping"}, To: "pong", Perms: manage, Key: "k"},
				workflow.Transition{Action: "stay", From: []string{"pong"}, Perms: manage, Key: "k"})
		}, workflow.Defects{{workflow.DeadEnd, "ping"}, {workflow.DeadEnd, "pong"}}},
		{"no final state", func(m *workflow.Machine) {
			for i := range m.States {
				m.States[i].Final = false
			}
		}, workflow.Defects{{workflow.DeadEnd, "draft"}, {workflow.DeadEnd, "review"}, {workflow.DeadEnd, "done"}, {workflow.DeadEnd, "withdrawn"}}},
		{"empty editable field", func(m *workflow.Machine) { m.States[1].Editable = []string{""} },
			workflow.Defects{{workflow.EmptyField, "review"}}},
		{"editable by nobody", func(m *workflow.Machine) { m.States[1].Perms = nil },
			workflow.Defects{{workflow.NobodyEdits, "review"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := testMachine()
			tc.change(m)
			err := m.Validate()
			got, ok := errors.AsType[workflow.Defects](err)
			if !ok {
				t.Fatalf("Validate() = %v, want Defects", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("defects (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMustValidatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustValidate of a broken machine did not panic")
		}
	}()
	m := testMachine()
	m.States = nil
	workflow.MustValidate(m)
}

// code returns the code, key and field of an application error.
func code(err error) (i18n.Code, string, string) {
	if e, ok := errors.AsType[*i18n.Error](err); ok {
		return e.Code, e.Key, e.Field
	}
	return i18n.ErrorCode(err), "", ""
}

func TestCheck(t *testing.T) {
	errLate := i18n.FieldError("deadline", "test.too_late")
	pass := func() error { return nil }
	ok := workflow.Guards{"window": pass, "complete": pass}
	tests := []struct {
		name          string
		u             *auth.User
		owner         bool
		state, action string
		reason        string
		guards        workflow.Guards
		wantTo        string
		wantCode      i18n.Code
		wantKey       string
		wantField     string
		wantErr       error // when set, the exact error a guard returned
	}{
		{name: "owner submits", u: company, owner: true, state: "draft", action: "submit", guards: ok, wantTo: "review"},
		{name: "staff returns with reason", u: staff, state: "review", action: "return", reason: "缺营业执照", wantTo: "draft"},
		{name: "director approves", u: chief, state: "review", action: "approve", wantTo: "done"},
		{name: "recorded action keeps state", u: staff, state: "review", action: "note", reason: "异议一", wantTo: ""},
		{name: "owner withdraws from review", u: company, owner: true, state: "review", action: "withdraw", reason: "放弃", wantTo: "withdrawn"},

		{name: "unknown action", u: staff, state: "review", action: "explode",
			wantCode: i18n.Conflict, wantKey: "workflow.error.unknown_action"},
		{name: "wrong state", u: chief, state: "draft", action: "approve",
			wantCode: i18n.Conflict, wantKey: "workflow.illegal.draft"},
		{name: "from a final state, generic message", u: chief, state: "done", action: "approve",
			wantCode: i18n.Conflict, wantKey: "workflow.error.illegal"},
		{name: "unknown state", u: chief, state: "limbo", action: "approve",
			wantCode: i18n.Internal, wantKey: "error.internal"},

		{name: "staff may not approve", u: staff, state: "review", action: "approve",
			wantCode: i18n.Forbidden, wantKey: "workflow.error.forbidden"},
		{name: "enterprise may not return", u: company, owner: true, state: "review", action: "return", reason: "x",
			wantCode: i18n.Forbidden, wantKey: "workflow.error.forbidden"},
		{name: "owner-only: staff may not submit", u: staff, state: "draft", action: "submit", guards: ok,
			wantCode: i18n.Forbidden, wantKey: "workflow.error.forbidden"},
		{name: "owner-only: another enterprise may not submit", u: company, owner: false, state: "draft", action: "submit", guards: ok,
			wantCode: i18n.Forbidden, wantKey: "workflow.error.forbidden"},
		{name: "owner-only: staff may not withdraw", u: staff, state: "review", action: "withdraw", reason: "x",
			wantCode: i18n.Forbidden, wantKey: "workflow.error.forbidden"},
		{name: "read-only user", u: viewer, owner: true, state: "draft", action: "submit", guards: ok,
			wantCode: i18n.Forbidden, wantKey: "workflow.error.read_only"},
		{name: "administrator", u: admin, state: "review", action: "return", reason: "x",
			wantCode: i18n.Forbidden, wantKey: "workflow.error.forbidden"},
		{name: "disabled user", u: disabled, state: "review", action: "return", reason: "x",
			wantCode: i18n.Forbidden, wantKey: "workflow.error.forbidden"},
		{name: "nobody", u: nil, owner: true, state: "draft", action: "submit", guards: ok,
			wantCode: i18n.Forbidden, wantKey: "workflow.error.forbidden"},

		{name: "missing reason", u: staff, state: "review", action: "return",
			wantCode: i18n.Invalid, wantKey: "workflow.error.reason_required", wantField: "reason"},
		{name: "blank reason", u: staff, state: "review", action: "return", reason: " \t　",
			wantCode: i18n.Invalid, wantKey: "workflow.error.reason_required", wantField: "reason"},
		{name: "reason too long", u: staff, state: "review", action: "return", reason: string(make([]rune, workflow.MaxReason+1)),
			wantCode: i18n.Invalid, wantKey: "error.too_long", wantField: "reason"},

		{name: "failing guard passes its error", u: company, owner: true, state: "draft", action: "submit",
			guards: workflow.Guards{"window": func() error { return errLate }, "complete": pass}, wantErr: errLate},
		{name: "guards run in order", u: company, owner: true, state: "draft", action: "submit",
			guards: workflow.Guards{"window": pass, "complete": func() error { return errLate }}, wantErr: errLate},
		{name: "missing guard fails closed", u: company, owner: true, state: "draft", action: "submit",
			guards: workflow.Guards{"window": pass}, wantCode: i18n.Internal, wantKey: "error.internal"},
	}
	m := testMachine()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := m.Check(tc.u, tc.owner, tc.state, tc.action, tc.reason, tc.guards)
			if tc.wantErr != nil {
				if err != tc.wantErr {
					t.Fatalf("Check: got %v, want the guard's error %v", err, tc.wantErr)
				}
				return
			}
			if tc.wantCode == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				if tr.Action != tc.action || tr.To != tc.wantTo {
					t.Errorf("got %s → %q, want %s → %q", tr.Action, tr.To, tc.action, tc.wantTo)
				}
				return
			}
			c, key, field := code(err)
			if c != tc.wantCode || key != tc.wantKey || field != tc.wantField {
				t.Errorf("got %s %q [%s] (%v), want %s %q [%s]", c, key, field, err, tc.wantCode, tc.wantKey, tc.wantField)
			}
		})
	}
}

func actions(ts []workflow.Transition) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Action)
	}
	return out
}

func TestAvailable(t *testing.T) {
	m := testMachine()
	tests := []struct {
		name  string
		u     *auth.User
		owner bool
		state string
		want  []string
	}{
		{"owner in draft", company, true, "draft", []string{"submit", "withdraw"}},
		{"other enterprise in draft", company, false, "draft", nil},
		{"staff in review", staff, false, "review", []string{"return", "note"}},
		{"director in review", chief, false, "review", []string{"return", "note", "approve"}},
		{"owner in review", company, true, "review", []string{"withdraw"}},
		{"final state", chief, false, "done", nil},
		{"read-only", viewer, true, "draft", nil},
		{"administrator", admin, false, "review", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := actions(m.Available(tc.u, tc.owner, tc.state))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Available (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEditable(t *testing.T) {
	m := testMachine()
	tests := []struct {
		state, field string
		u            *auth.User
		owner        bool
		editable     bool
		canEdit      bool
	}{
		{"draft", "title", company, true, true, true},
		{"draft", "title", company, false, true, false},
		{"draft", "title", staff, false, true, false},
		{"draft", "title", viewer, true, true, false},
		{"review", "checklist", staff, false, true, true},
		{"review", "checklist", company, true, true, false},
		{"review", "title", staff, false, false, false},
		{"done", "title", chief, false, false, false},
		{"limbo", "title", chief, false, false, false},
	}
	for _, tc := range tests {
		if got := m.Editable(tc.state, tc.field); got != tc.editable {
			t.Errorf("Editable(%s, %s) = %v, want %v", tc.state, tc.field, got, tc.editable)
		}
		if got := m.CanEdit(tc.u, tc.owner, tc.state, tc.field); got != tc.canEdit {
			t.Errorf("CanEdit(%s, owner %v, %s, %s) = %v, want %v", tc.u.Username, tc.owner, tc.state, tc.field, got, tc.canEdit)
		}
	}
}

func TestStateLookup(t *testing.T) {
	m := testMachine()
	if got := m.Initial(); got != "draft" {
		t.Errorf("Initial() = %q, want draft", got)
	}
	s, ok := m.State("done")
	if !ok || !s.Final || s.Key != "workflow.state.closed" {
		t.Errorf("State(done) = %+v, %v", s, ok)
	}
	if _, ok := m.State("limbo"); ok {
		t.Error("State(limbo) found")
	}
	if got := (&workflow.Machine{}).Initial(); got != "" {
		t.Errorf("empty machine Initial() = %q", got)
	}
	if !slices.Equal(actions(m.Transitions[:1]), []string{"submit"}) {
		t.Error("declaration order changed")
	}
}
