package db

import (
	"context"
	"fmt"
	"os"
)

// Backup writes a consistent copy of an SQLite database to path while the
// database stays in use (VACUUM INTO reads one snapshot; writers go on).
// path must not exist. PostgreSQL deployments back up with the server's own
// tools (pg_basebackup and WAL archiving), which this does not replace.
func (d *DB) Backup(ctx context.Context, path string) error {
	if d.Dialect.Engine != SQLite {
		return fmt.Errorf("db: online backup is built in for SQLite only; back up PostgreSQL with pg_basebackup or pg_dump")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("db: backup target %s already exists", path)
	}
	if _, err := d.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	return nil
}

// IntegrityCheck runs SQLite's integrity check and returns its first
// complaint, or nil when the file is sound.
func (d *DB) IntegrityCheck(ctx context.Context) error {
	if d.Dialect.Engine != SQLite {
		return nil
	}
	var res string
	if err := d.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("db: integrity check: %s", res)
	}
	return nil
}
