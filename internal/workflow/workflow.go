// Package workflow runs small state machines declared as data: the states
// of an object (a project application, an award nomination, …), the
// transitions between them, who may take each transition, the guards that
// must pass, the fields that may still change in each state, and the history
// of every transition taken.
//
// A business area declares its Machine (see ProjectLifecycle and
// AwardLifecycle), asks Available which actions to offer on a page, and in
// its service transaction calls Apply, which checks the transition and
// records it, and then Advance, which moves its own row:
//
//	err := d.InTx(ctx, func(tx *db.Tx) error {
//		p, err := getProject(ctx, tx, id) // fetched through the data scope
//		if err != nil {
//			return err
//		}
//		obj := workflow.Object{Type: "project", ID: p.ID, State: p.State,
//			RegionCode: p.RegionCode, Owner: u.EnterpriseID == p.EnterpriseID}
//		to, err := workflow.Apply(ctx, tx, s.Audit, workflow.ProjectLifecycle, obj, u,
//			action, reason, data, workflow.Guards{
//				workflow.GuardPlanTotals: func() error { return checkPlan(p) },
//			})
//		if err != nil {
//			return err
//		}
//		return workflow.Advance(ctx, tx, "projects", "id", p.ID, p.State, to)
//	})
//
// Advance updates the row only while it is still in the state the
// transition was checked against (WHERE state = from), so of two people who
// act on the same object at once one wins and the other gets a Conflict,
// and its transaction — history row and audit event included — rolls back.
package workflow

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"kejiju/internal/auth"
	"kejiju/internal/i18n"
)

// Machine is a state machine declared as data. The first state is the
// initial one.
type Machine struct {
	// Name names the machine in the history and in audit actions
	// ("workflow.<name>.<action>").
	Name        string
	States      []State
	Transitions []Transition
}

// AnyField, in State.Editable, lets every field change.
const AnyField = "*"

// State is one state of a machine.
type State struct {
	Name string
	Key  string // i18n key of its label
	// Final says the object's life is over: no transition leaves it.
	Final bool
	// Editable lists the fields that may still change in this state
	// (AnyField for all of them); the names are the owning area's form
	// fields.
	Editable []string
	// Perms lets a user with any of these permissions change the Editable
	// fields; Owner lets the object's owner (e.g. the applying enterprise's
	// user) change them.
	Perms []auth.Permission
	Owner bool
}

// Transition is one action that moves an object from one of the From states
// to To. An empty To keeps the state: the action is only recorded in the
// history (a payment, an objection and its answer).
type Transition struct {
	Action string
	From   []string
	To     string
	// Perms lets a user with any of these permissions take it.
	Perms []auth.Permission
	// Owner lets the object's owner take it.
	Owner bool
	// Reason says a reason is required.
	Reason bool
	// Guards names the guards that must pass, in order; the caller supplies
	// them to Check and Apply.
	Guards []string
	Key    string // i18n key of the action's label
}

// Guards are the caller's checks that a transition names, by name. A guard
// returns nil when the transition may go ahead, or the error that refuses
// it — typically an i18n field error for the form.
type Guards map[string]func() error

// MaxReason is the longest reason accepted, in characters.
const MaxReason = 2000

// State returns the state called name.
func (m *Machine) State(name string) (State, bool) {
	for _, s := range m.States {
		if s.Name == name {
			return s, true
		}
	}
	return State{}, false
}

// Initial returns the name of the initial state ("" for a machine without
// states).
func (m *Machine) Initial() string {
	if len(m.States) == 0 {
		return ""
	}
	return m.States[0].Name
}

// Editable reports whether field may still change in state.
func (m *Machine) Editable(state, field string) bool {
	s, ok := m.State(state)
	return ok && (slices.Contains(s.Editable, field) || slices.Contains(s.Editable, AnyField))
}

// CanEdit reports whether u may change field of an object in state; owner
// says u is the object's owner. A read-only user may change nothing.
func (m *Machine) CanEdit(u *auth.User, owner bool, state, field string) bool {
	if !m.Editable(state, field) || !canWrite(u) {
		return false
	}
	s, _ := m.State(state)
	return (owner && s.Owner) || canAny(u, s.Perms)
}

// Available returns the transitions u may take from state, in declaration
// order; owner says u is the object's owner. Guards and reasons are not
// looked at: a page offers these actions, and Check says why one is refused.
func (m *Machine) Available(u *auth.User, owner bool, state string) []Transition {
	if !canWrite(u) {
		return nil
	}
	var out []Transition
	for _, t := range m.Transitions {
		if slices.Contains(t.From, state) && may(u, owner, t) {
			out = append(out, t)
		}
	}
	return out
}

// Check returns the transition action takes from state, or the error that
// refuses it, in this order:
//   - an action the machine does not know, or does not allow from state:
//     Conflict (key workflow.error.unknown_action, or
//     workflow.illegal.<state> naming the current state; the log also
//     names the action);
//   - a user who may not take it (read-only, disabled, without the
//     permission, or not the owner of an owner-only step): Forbidden;
//   - a missing or too long reason: Invalid on the field "reason";
//   - a failing guard: the guard's own error, unchanged;
//   - a guard the caller did not supply: Internal (fail closed).
//
// A state the machine does not declare is Internal: the stored row and the
// declaration disagree.
func (m *Machine) Check(u *auth.User, owner bool, state, action, reason string, guards Guards) (Transition, error) {
	if _, ok := m.State(state); !ok {
		return Transition{}, i18n.Wrap(fmt.Errorf("unknown state %q", state), "workflow %s", m.Name)
	}
	t, ok := m.find(state, action)
	if !ok {
		if !slices.ContainsFunc(m.Transitions, func(t Transition) bool { return t.Action == action }) {
			return Transition{}, &i18n.Error{Code: i18n.Conflict, Key: "workflow.error.unknown_action",
				Err: fmt.Errorf("workflow %s: unknown action %q in state %q", m.Name, action, state)}
		}
		key := "workflow.illegal." + state
		if !i18n.Default().Has(key) {
			key = "workflow.error.illegal"
		}
		return Transition{}, &i18n.Error{Code: i18n.Conflict, Key: key,
			Err: fmt.Errorf("workflow %s: action %q is not allowed in state %q", m.Name, action, state)}
	}
	switch {
	case u != nil && u.Scope().ReadOnly:
		return t, i18n.E(i18n.Forbidden, "workflow.error.read_only")
	case !canWrite(u) || !may(u, owner, t):
		return t, i18n.E(i18n.Forbidden, "workflow.error.forbidden")
	}
	reason = strings.TrimSpace(reason)
	switch {
	case t.Reason && reason == "":
		return t, i18n.FieldError("reason", "workflow.error.reason_required")
	case utf8.RuneCountInString(reason) > MaxReason:
		return t, i18n.FieldError("reason", "error.too_long", MaxReason)
	}
	for _, g := range t.Guards {
		f := guards[g]
		if f == nil {
			return t, i18n.Wrap(fmt.Errorf("guard %q not supplied", g), "workflow %s: %s", m.Name, action)
		}
		if err := f(); err != nil {
			return t, err
		}
	}
	return t, nil
}

// find returns the transition action takes from state.
func (m *Machine) find(state, action string) (Transition, bool) {
	for _, t := range m.Transitions {
		if t.Action == action && slices.Contains(t.From, state) {
			return t, true
		}
	}
	return Transition{}, false
}

// canWrite reports whether u may change business data at all: not a
// read-only user (the city viewer), not disabled, and holding
// auth.PermWrite (which administrators lack).
func canWrite(u *auth.User) bool {
	return u != nil && !u.Disabled && !u.Scope().ReadOnly && u.Can(auth.PermWrite)
}

// may reports whether u may take t: as the owner of an owner step, or with
// one of its permissions.
func may(u *auth.User, owner bool, t Transition) bool {
	return (owner && t.Owner) || canAny(u, t.Perms)
}

func canAny(u *auth.User, ps []auth.Permission) bool {
	return slices.ContainsFunc(ps, u.Can)
}

// DefectKind names one way a declaration can be wrong.
type DefectKind string

// The defects Validate finds.
const (
	NoStates     DefectKind = "no states"                              // the machine declares no state
	BadName      DefectKind = "bad name"                               // a machine, state or action name is not [a-z][a-z0-9_]*
	NoKey        DefectKind = "no label key"                           // a state or transition without an i18n key
	DupState     DefectKind = "duplicate state"                        // two states share a name
	DupAction    DefectKind = "duplicate action"                       // one action declared twice from the same state
	UnknownState DefectKind = "unknown state"                          // a From or To that is not declared
	NoFrom       DefectKind = "no from state"                          // a transition from nowhere
	Nobody       DefectKind = "nobody may take it"                     // a transition with neither Perms nor Owner
	BadGuard     DefectKind = "bad guard name"                         // a guard name is not [a-z][a-z0-9_]*
	FinalExit    DefectKind = "transition out of a final state"        // a transition leaves a Final state
	Unreachable  DefectKind = "unreachable state"                      // no path from the initial state
	DeadEnd      DefectKind = "no way out"                             // a non-final state from which no final state is reachable
	EmptyField   DefectKind = "empty editable field"                   // "" in Editable
	NobodyEdits  DefectKind = "editable fields that nobody may change" // Editable without Perms or Owner
)

// Defect is one thing wrong with a machine declaration.
type Defect struct {
	Kind DefectKind
	// Subject names what is wrong: a state, an action, "<action> from
	// <state>", "<action> to <state>" or "<action> guard <name>" ("" for
	// the machine itself).
	Subject string
}

// Defects are all the defects of one machine; as an error it lists them.
type Defects []Defect

func (ds Defects) Error() string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = string(d.Kind)
		if d.Subject != "" {
			parts[i] += " " + d.Subject
		}
	}
	return "workflow: " + strings.Join(parts, "; ")
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Validate checks that m is well formed and returns every defect it finds as
// Defects, or nil: names are well formed and unique, every state and action
// has a label key, every From and To is declared, someone may take every
// transition, no transition leaves a final state, every state is reachable
// from the initial state, and from every non-final state a final state is
// reachable (so no state is a dead end and no loop is a trap).
func (m *Machine) Validate() error {
	var ds Defects
	add := func(k DefectKind, subject string) { ds = append(ds, Defect{k, subject}) }
	if !nameRE.MatchString(m.Name) {
		add(BadName, m.Name)
	}
	if len(m.States) == 0 {
		add(NoStates, "")
		return ds
	}
	final := map[string]bool{}
	for _, s := range m.States {
		if _, dup := final[s.Name]; dup {
			add(DupState, s.Name)
		}
		final[s.Name] = s.Final
		if !nameRE.MatchString(s.Name) {
			add(BadName, s.Name)
		}
		if s.Key == "" {
			add(NoKey, s.Name)
		}
		if slices.Contains(s.Editable, "") {
			add(EmptyField, s.Name)
		}
		if len(s.Editable) > 0 && len(s.Perms) == 0 && !s.Owner {
			add(NobodyEdits, s.Name)
		}
	}
	next := map[string][]string{} // state → states one step on
	taken := map[[2]string]bool{} // (from, action) pairs seen
	for _, t := range m.Transitions {
		if !nameRE.MatchString(t.Action) {
			add(BadName, t.Action)
		}
		if t.Key == "" {
			add(NoKey, t.Action)
		}
		if len(t.From) == 0 {
			add(NoFrom, t.Action)
		}
		if len(t.Perms) == 0 && !t.Owner {
			add(Nobody, t.Action)
		}
		for _, g := range t.Guards {
			if !nameRE.MatchString(g) {
				add(BadGuard, t.Action+" guard "+g)
			}
		}
		if _, ok := final[t.To]; t.To != "" && !ok {
			add(UnknownState, t.Action+" to "+t.To)
		}
		for _, f := range t.From {
			isFinal, ok := final[f]
			switch {
			case !ok:
				add(UnknownState, t.Action+" from "+f)
				continue
			case isFinal:
				add(FinalExit, t.Action+" from "+f)
			}
			if taken[[2]string{f, t.Action}] {
				add(DupAction, t.Action+" from "+f)
			}
			taken[[2]string{f, t.Action}] = true
			if _, ok := final[t.To]; ok && t.To != f {
				next[f] = append(next[f], t.To)
			}
		}
	}
	reached := walk([]string{m.States[0].Name}, next)
	prev := map[string][]string{}
	var finals []string
	for f, tos := range next {
		for _, to := range tos {
			prev[to] = append(prev[to], f)
		}
	}
	for _, s := range m.States {
		if s.Final {
			finals = append(finals, s.Name)
		}
	}
	ending := walk(finals, prev)
	for _, s := range m.States {
		if !reached[s.Name] {
			add(Unreachable, s.Name)
		}
		if !s.Final && !ending[s.Name] {
			add(DeadEnd, s.Name)
		}
	}
	if len(ds) == 0 {
		return nil
	}
	return ds
}

// walk returns the states reachable from start along edges.
func walk(start []string, edges map[string][]string) map[string]bool {
	seen := map[string]bool{}
	queue := slices.Clone(start)
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if seen[s] {
			continue
		}
		seen[s] = true
		queue = append(queue, edges[s]...)
	}
	return seen
}

// MustValidate returns m, and panics when m is not well formed: for the
// declarations made at package level.
func MustValidate(m *Machine) *Machine {
	if err := m.Validate(); err != nil {
		panic(err)
	}
	return m
}
