package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// Object is what a transition acts on, as its owning area knows it.
type Object struct {
	Type       string // e.g. "project"; the history and audit object type
	ID         int64
	State      string // its current state, as read in this transaction
	RegionCode string // for the audit event
	// Owner says the acting user owns the object (e.g. is the user of the
	// applying enterprise); the caller decides.
	Owner bool
}

// Entry is one row of an object's history.
type Entry struct {
	ID         int64           `json:"id"`
	Machine    string          `json:"machine"`
	ObjectType string          `json:"object_type"`
	ObjectID   int64           `json:"object_id"`
	From       string          `json:"from"`
	To         string          `json:"to"`
	Action     string          `json:"action"`
	ActorID    int64           `json:"actor_id,omitempty"`
	ActorName  string          `json:"actor_name"`
	Reason     string          `json:"reason,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"` // as given to Apply
	At         time.Time       `json:"at"`
}

// Apply takes action on obj for u inside tx: it checks the transition (see
// Machine.Check), writes a history row and appends the audit event
// "workflow.<machine>.<action>", and returns the state obj moves to (its
// current state for an action that keeps it). data, when not nil, is kept
// as JSON with the history row and in the audit event — e.g. the per-field
// reasons of a return for revision as map[string]string.
//
// Apply does not touch the object's own row: the caller moves it in the
// same transaction, with Advance or its own UPDATE … WHERE state = from, so
// that a stale state rolls the whole transaction back. Data scope is the
// caller's too: obj must have been fetched through u's scope.
func Apply(ctx context.Context, tx *db.Tx, lg *audit.Log, m *Machine, obj Object, u *auth.User, action, reason string, data any, guards Guards) (to string, err error) {
	if lg == nil || obj.Type == "" || obj.ID <= 0 {
		return "", i18n.Wrap(fmt.Errorf("audit log, object type and id are required"), "workflow %s: apply", m.Name)
	}
	t, err := m.Check(u, obj.Owner, obj.State, action, reason, guards)
	if err != nil {
		return "", err
	}
	to = t.To
	if to == "" {
		to = obj.State
	}
	reason = strings.TrimSpace(reason)
	var dataJSON string
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			return "", i18n.Wrap(err, "workflow %s: data of %s", m.Name, action)
		}
		dataJSON = string(b)
	}
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	var actorID any
	if u.ID != 0 {
		actorID = u.ID
	}
	at := tx.Now.UTC().Truncate(time.Microsecond) // PostgreSQL keeps microseconds
	if _, err := tx.ExecContext(ctx, `INSERT INTO workflow_history
		(machine, object_type, object_id, from_state, to_state, action, actor_id, actor_name, reason, data, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		m.Name, obj.Type, obj.ID, obj.State, to, action, actorID, name, reason, dataJSON, at); err != nil {
		return "", db.Normalize(fmt.Errorf("workflow: history: %w", err))
	}
	// The request's actor carries the client's address; keep it when it is u.
	a := audit.ActorFrom(ctx)
	if a.ID != u.ID || a.ID == 0 {
		a = audit.Actor{ID: u.ID, Name: name}
	}
	after := map[string]any{"state": to}
	if data != nil {
		after["data"] = json.RawMessage(dataJSON)
	}
	if _, err := lg.Append(ctx, tx, audit.Event{
		ActorID: a.ID, Actor: a.Name, IP: a.IP,
		Action: "workflow." + m.Name + "." + action, ObjectType: obj.Type, ObjectID: strconv.FormatInt(obj.ID, 10),
		RegionCode: obj.RegionCode, Before: audit.JSON(map[string]any{"state": obj.State}), After: audit.JSON(after),
		Reason: reason,
	}); err != nil {
		return "", err
	}
	return to, nil
}

// sqlName is what a table or column name passed to Advance must look like.
var sqlName = regexp.MustCompile(`^[a-z_]+$`)

// Advance moves the row of table whose idColumn is id from state from to
// state to — UPDATE <table> SET state = $1 WHERE <idColumn> = $2 AND state = $3
// — and returns a Conflict when the row is no longer in state from (someone
// else moved it first), NotFound when there is no such row. table and
// idColumn are the caller's constants, never user input; a name that is not
// [a-z_]+ is refused.
func Advance(ctx context.Context, tx *db.Tx, table, idColumn string, id int64, from, to string) error {
	if !sqlName.MatchString(table) || !sqlName.MatchString(idColumn) {
		return i18n.Wrap(fmt.Errorf("bad table or column name %q.%q", table, idColumn), "workflow: advance")
	}
	res, err := tx.ExecContext(ctx, `UPDATE `+table+` SET state = $1 WHERE `+idColumn+` = $2 AND state = $3`, to, id, from)
	if err != nil {
		return db.Normalize(fmt.Errorf("workflow: advance %s %d: %w", table, id, err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return db.Normalize(fmt.Errorf("workflow: advance %s %d: %w", table, id, err))
	}
	if n == 1 {
		return nil
	}
	var now string
	err = tx.QueryRowContext(ctx, `SELECT state FROM `+table+` WHERE `+idColumn+` = $1`, id).Scan(&now)
	if err != nil {
		return db.Normalize(fmt.Errorf("workflow: advance %s %d: %w", table, id, err))
	}
	return &i18n.Error{Code: i18n.Conflict, Key: "workflow.error.stale",
		Err: fmt.Errorf("workflow: %s %d is %q, not %q", table, id, now, from)}
}

// History returns the transitions of one object, oldest first.
func History(ctx context.Context, q db.Querier, objectType string, id int64) ([]Entry, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, machine, object_type, object_id, from_state, to_state, action,
		COALESCE(actor_id, 0), actor_name, reason, data, at
		FROM workflow_history WHERE object_type = $1 AND object_id = $2
		ORDER BY at, id`, objectType, id)
	if err != nil {
		return nil, db.Normalize(fmt.Errorf("workflow: history: %w", err))
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var data string
		if err := rows.Scan(&e.ID, &e.Machine, &e.ObjectType, &e.ObjectID, &e.From, &e.To, &e.Action,
			&e.ActorID, &e.ActorName, &e.Reason, &data, &e.At); err != nil {
			return nil, db.Normalize(fmt.Errorf("workflow: history: %w", err))
		}
		if data != "" {
			e.Data = json.RawMessage(data)
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, db.Normalize(rows.Err())
}

// MaxKey is the longest idempotency key accepted, in characters.
const MaxKey = 200

// Once records an idempotency key inside tx and reports whether this is its
// first use. A submit calls it first: on true it does the work; on false the
// request is a retry (a double click, a resent form) and it returns the
// result already made. The key should name what it guards, e.g.
// "project.submit:42:<form token>". When tx rolls back the key goes with it,
// so a failed attempt may be retried. Concurrent first uses wait for each
// other: exactly one of them gets true.
func Once(ctx context.Context, tx *db.Tx, key string) (first bool, err error) {
	switch {
	case strings.TrimSpace(key) == "":
		return false, i18n.FieldError("idempotency_key", "error.required")
	case utf8.RuneCountInString(key) > MaxKey:
		return false, i18n.FieldError("idempotency_key", "error.too_long", MaxKey)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (key, created_at) VALUES ($1, $2)
		ON CONFLICT (key) DO NOTHING`, key, tx.Now.UTC().Truncate(time.Microsecond))
	if err != nil {
		return false, db.Normalize(fmt.Errorf("workflow: idempotency key: %w", err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, db.Normalize(fmt.Errorf("workflow: idempotency key: %w", err))
	}
	return n == 1, nil
}
