package db

import (
	"context"
	"database/sql"

	"kejiju/internal/i18n"
)

// Versioned is a row whose version goes up by one with every change, so
// that a change made to an older version than the current one is refused.
type Versioned interface{ RowVersion() int }

// Update makes one change of a versioned row in a transaction and returns
// the row as changed. load reads the row, and refuses a change the caller
// may not make; a row no longer at seen, the version the editor saw, is
// stale: a Conflict with staleKey and the row's version. write writes the
// change by an UPDATE … WHERE version = seen and returns the row's new state
// with the UPDATE's result; an UPDATE that changed no row (someone saved in
// between) is stale too. record then writes what goes with the change, such
// as its audit event, from the row before and after.
func Update[T Versioned](ctx context.Context, d *DB, seen int, staleKey string, load func(*Tx) (T, error),
	write func(tx *Tx, before T) (T, sql.Result, error), record func(tx *Tx, before, after T) error) (T, error) {
	var out T
	err := d.InTx(ctx, func(tx *Tx) error {
		before, err := load(tx)
		if err != nil {
			return err
		}
		stale := i18n.E(i18n.Conflict, staleKey, before.RowVersion())
		if before.RowVersion() != seen {
			return stale
		}
		after, res, err := write(tx, before)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return stale
		}
		if err := record(tx, before, after); err != nil {
			return err
		}
		out = after
		return nil
	})
	if err != nil {
		var none T
		return none, err
	}
	return out, nil
}
