package audit

import (
	"context"
	"fmt"
	"time"

	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// Result is the outcome of a verification.
type Result struct {
	Checked int64 // events walked
	LastSeq int64
	// BadSeq is the first event that does not verify (0 when all do), and
	// Problem says why.
	BadSeq  int64
	Problem string
}

// OK reports whether the whole chain verified.
func (r Result) OK() bool { return r.Problem == "" }

// Verify re-walks the chain from the last purge anchor to the head and
// reports the first event whose sequence, link or hash is wrong, or a head
// that does not match the last event (events removed from the end).
func Verify(ctx context.Context, q db.Querier) (Result, error) {
	var r Result
	var headSeq, from int64
	var headHash, prev string
	if err := q.QueryRowContext(ctx, `SELECT seq, hash, purged_through, purged_hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash, &from, &prev); err != nil {
		return r, db.Normalize(fmt.Errorf("audit: head: %w", err))
	}
	rows, err := q.QueryContext(ctx, `SELECT seq, at, COALESCE(actor_id, 0), actor, ip, action, object_type, object_id, region_code,
		before_json, after_json, reason, alg, prev_hash, hash FROM audit_events WHERE seq > $1 ORDER BY seq`, from)
	if err != nil {
		return r, db.Normalize(fmt.Errorf("audit: verify: %w", err))
	}
	defer rows.Close()
	want := from + 1
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.Seq, &e.At, &e.ActorID, &e.Actor, &e.IP, &e.Action, &e.ObjectType, &e.ObjectID, &e.RegionCode,
			&e.Before, &e.After, &e.Reason, &e.Alg, &e.PrevHash, &e.Hash); err != nil {
			return r, db.Normalize(err)
		}
		r.Checked++
		switch h, err := e.compute(); {
		case e.Seq != want:
			return r.bad(want, fmt.Sprintf("event %d is missing (found %d next)", want, e.Seq)), nil
		case e.PrevHash != prev:
			return r.bad(e.Seq, "link to the previous event is broken"), nil
		case err != nil:
			return r.bad(e.Seq, err.Error()), nil
		case h != e.Hash:
			return r.bad(e.Seq, "content does not match its hash (changed)"), nil
		}
		prev, r.LastSeq = e.Hash, e.Seq
		want++
	}
	if err := rows.Err(); err != nil {
		return r, db.Normalize(err)
	}
	if headSeq != want-1 || headHash != prev {
		return r.bad(want, fmt.Sprintf("the head says %d events, the table ends at %d (events removed from the end)", headSeq, want-1)), nil
	}
	return r, nil
}

func (r Result) bad(seq int64, problem string) Result {
	r.BadSeq, r.Problem = seq, problem
	return r
}

// Purge deletes the events older than cutoff, keeping the hash of the last
// one deleted as the new anchor of the chain, and appends an event saying so.
// A cutoff younger than the retention period is refused. It returns the
// number of events deleted.
func (l *Log) Purge(ctx context.Context, tx *db.Tx, cutoff time.Time, reason string) (int64, error) {
	if cutoff.After(tx.Now.Add(-Retention)) {
		return 0, i18n.FieldError("cutoff", "audit.purge.too_young", int(Retention.Hours()/24))
	}
	var through int64
	var anchor string
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_events WHERE at < $1 ORDER BY seq DESC LIMIT 1`, cutoff.UTC()).Scan(&through, &anchor)
	if db.IsNoRows(err) {
		return 0, nil
	}
	if err != nil {
		return 0, db.Normalize(err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM audit_events WHERE seq <= $1`, through)
	if err != nil {
		return 0, db.Normalize(err)
	}
	n, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET purged_through = $1, purged_hash = $2 WHERE id = 1`, through, anchor); err != nil {
		return 0, db.Normalize(err)
	}
	_, err = l.Append(ctx, tx, Event{Action: "audit.purge", ObjectType: "audit", ObjectID: fmt.Sprint(through),
		After: JSON(map[string]any{"through_seq": through, "deleted": n, "cutoff": cutoff.UTC()}), Reason: reason})
	return n, err
}
