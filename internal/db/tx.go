package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
