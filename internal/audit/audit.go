// Package audit is the append-only, hash-chained event log. Every change of
// state appends one event in the same transaction as the change; each event's
// hash covers its fields and the previous event's hash, so a row that is
// changed, removed or reordered breaks the chain at that row, and Verify names
// it. SM3 (GB/T 32905) is the default hash; SHA-256 may be configured.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// The hash algorithms.
const (
	SM3    = "sm3"
	SHA256 = "sha256"
)

// Retention is the minimum age of an event before it may be purged: 等保 2.0
// asks for at least six months of audit records.
const Retention = 184 * 24 * time.Hour

// Event is one entry of the log.
type Event struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	ActorID    int64     `json:"actor_id,omitempty"` // 0 for the system itself
	Actor      string    `json:"actor"`
	IP         string    `json:"ip,omitempty"`
	Action     string    `json:"action"`      // e.g. "user.create", "login.fail"
	ObjectType string    `json:"object_type"` // e.g. "user"
	ObjectID   string    `json:"object_id"`
	RegionCode string    `json:"region_code,omitempty"`
	Before     string    `json:"before,omitempty"` // JSON of the object before the change
	After      string    `json:"after,omitempty"`  // JSON of the object after the change
	Reason     string    `json:"reason,omitempty"`
	Alg        string    `json:"alg"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

// Log appends to and verifies the chain.
type Log struct {
	alg string
}

// New returns a log that hashes new events with alg (SM3 or SHA256).
func New(alg string) (*Log, error) {
	if _, err := newHash(alg); err != nil {
		return nil, err
	}
	return &Log{alg: alg}, nil
}

func newHash(alg string) (hash.Hash, error) {
	switch alg {
	case SM3:
		return sm3.New(), nil
	case SHA256:
		return sha256.New(), nil
	}
	return nil, fmt.Errorf("audit: unknown hash algorithm %q (want sm3 or sha256)", alg)
}

// JSON encodes v for Event.Before and After; nil gives "".
func JSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return string(b)
}

// Append adds e to the chain inside tx and returns it with its sequence
// number and hashes. The actor comes from e, or else from the context (see
// WithActor). Appends are serialised by the row lock on audit_head, which
// the UPDATE takes until tx ends.
func (l *Log) Append(ctx context.Context, tx *db.Tx, e Event) (Event, error) {
	if e.Actor == "" {
		a := ActorFrom(ctx)
		e.ActorID, e.Actor, e.IP = a.ID, a.Name, a.IP
	}
	if e.Action == "" || e.ObjectType == "" || e.Actor == "" {
		return e, i18n.Wrap(fmt.Errorf("action, object type and actor are required"), "audit: append")
	}
	e.At = tx.Now.UTC().Truncate(time.Microsecond) // PostgreSQL keeps microseconds
	e.Alg = l.alg
	if err := tx.QueryRowContext(ctx, `UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`).Scan(&e.Seq, &e.PrevHash); err != nil {
		return e, db.Normalize(fmt.Errorf("audit: head: %w", err))
	}
	h, err := e.compute()
	if err != nil {
		return e, err
	}
	e.Hash = h
	var actorID any
	if e.ActorID != 0 {
		actorID = e.ActorID
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_events
		(seq, at, actor_id, actor, ip, action, object_type, object_id, region_code, before_json, after_json, reason, alg, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		e.Seq, e.At, actorID, e.Actor, e.IP, e.Action, e.ObjectType, e.ObjectID, e.RegionCode, e.Before, e.After, e.Reason, e.Alg, e.PrevHash, e.Hash); err != nil {
		return e, db.Normalize(fmt.Errorf("audit: insert: %w", err))
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, e.Hash); err != nil {
		return e, db.Normalize(fmt.Errorf("audit: head: %w", err))
	}
	return e, nil
}

// compute returns the hex hash of e's fields and its previous hash. Fields
// are length-prefixed so no two different events share an encoding.
func (e Event) compute() (string, error) {
	h, err := newHash(e.Alg)
	if err != nil {
		return "", err
	}
	for _, f := range []string{
		strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(e.ActorID, 10), e.Actor, e.IP, e.Action, e.ObjectType, e.ObjectID,
		e.RegionCode, e.Before, e.After, e.Reason, e.Alg, e.PrevHash,
	} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Actor is who acts in a request: a user, or the system.
type Actor struct {
	ID   int64
	Name string
	IP   string
}

type actorKey struct{}

// WithActor returns ctx carrying the actor of the request.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or the system actor.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Name: "system"}
}

// Filter selects events for the viewer.
type Filter struct {
	ActorID    int64
	Action     string // prefix match, e.g. "login."
	ObjectType string
	ObjectID   string
	From, To   time.Time // To is exclusive
	Limit      int
	Offset     int
}

// List returns the events matching f, newest first, and the total count.
func List(ctx context.Context, q db.Querier, f Filter) ([]Event, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.ActorID != 0 {
		add("actor_id = ?", f.ActorID)
	}
	if f.Action != "" {
		add(`action LIKE ? ESCAPE '\'`, escapeLike(f.Action)+"%")
	}
	if f.ObjectType != "" {
		add("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("object_id = ?", f.ObjectID)
	}
	if !f.From.IsZero() {
		add("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("at < ?", f.To.UTC())
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	rows, err := q.QueryContext(ctx, `SELECT seq, at, COALESCE(actor_id, 0), actor, ip, action, object_type, object_id, region_code,
		before_json, after_json, reason, alg, prev_hash, hash, COUNT(*) OVER ()
		FROM audit_events WHERE `+strings.Join(where, " AND ")+`
		ORDER BY seq DESC LIMIT `+strconv.Itoa(f.Limit)+` OFFSET `+strconv.Itoa(max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, db.Normalize(fmt.Errorf("audit: list: %w", err))
	}
	defer rows.Close()
	var out []Event
	total := 0
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.Seq, &e.At, &e.ActorID, &e.Actor, &e.IP, &e.Action, &e.ObjectType, &e.ObjectID, &e.RegionCode,
			&e.Before, &e.After, &e.Reason, &e.Alg, &e.PrevHash, &e.Hash, &total); err != nil {
			return nil, 0, db.Normalize(err)
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, total, db.Normalize(rows.Err())
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
