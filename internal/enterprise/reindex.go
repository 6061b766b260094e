package enterprise

import (
	"context"

	"kejiju/internal/db"
)

// RebuildSearch fills SQLite's full-text index anew from the records, as
// index keeps it for each record (active ones only); for a database loaded
// by `kejiju import database`. PostgreSQL needs nothing: pg_trgm indexes
// the table itself.
func RebuildSearch(ctx context.Context, tx *db.Tx) error {
	if tx.Dialect.Engine != db.SQLite {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM enterprise_search`); err != nil {
		return db.Normalize(err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO enterprise_search (rowid, name, address)
		SELECT id, name, address FROM enterprises WHERE status = $1`, Active)
	return db.Normalize(err)
}
