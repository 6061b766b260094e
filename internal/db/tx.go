package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Tx is a transaction with the instant it started, so every row it writes
// carries the same time.
type Tx struct {
	*sql.Tx
	Dialect Dialect
	Now     time.Time
}

// maxAttempts bounds the retries of a transaction that lost a serialization
// race (PostgreSQL 40001/40P01, SQLite busy).
const maxAttempts = 5

// InTx runs fn in a transaction and commits it when fn returns nil. A
// transaction that fails because of a serialization conflict is run again
// (fn must therefore be safe to repeat: it should only touch the database).
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		err = d.inTxOnce(ctx, fn)
		if err == nil || !IsRetryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt*attempt) * 10 * time.Millisecond):
		}
	}
	return err
}

func (d *DB) inTxOnce(ctx context.Context, fn func(tx *Tx) error) (err error) {
	stx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return Normalize(fmt.Errorf("db: begin: %w", err))
	}
	tx := &Tx{Tx: stx, Dialect: d.Dialect, Now: d.Now().UTC()}
	defer func() {
		if p := recover(); p != nil {
			stx.Rollback()
			panic(p)
		}
		if err != nil {
			stx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = stx.Commit(); err != nil {
		return Normalize(fmt.Errorf("db: commit: %w", err))
	}
	return nil
}

// ErrNoRows is returned by QueryRow scans that find nothing.
var ErrNoRows = sql.ErrNoRows

// IsNoRows reports whether err means no row was found.
func IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// WidenCache gives the rest of a bulk write's transaction a page cache of
// mib MiB on SQLite (whose default is 2 MiB), so that the index pages a
// large import changes stay in memory until the commit instead of being
// spilled to the WAL in the middle of the transaction and read back from
// it. The pages are allocated only as they are used. restore gives the
// pooled connection its own cache size back, its pages freed as the
// commit leaves them clean; defer it inside the transaction. PostgreSQL's
// buffers are the server's: there it does nothing.
func (tx *Tx) WidenCache(ctx context.Context, mib int) (restore func(), err error) {
	if tx.Dialect.Engine != SQLite {
		return func() {}, nil
	}
	var was int
	if err := tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&was); err != nil {
		return nil, Normalize(err)
	}
	if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = `+strconv.Itoa(-mib*1024)); err != nil {
		return nil, Normalize(err)
	}
	return func() {
		// Also after a cancelled context: the connection goes back to the pool.
		tx.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = `+strconv.Itoa(was))
	}, nil
}
