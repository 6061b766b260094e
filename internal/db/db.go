// Package db opens the database (an embedded SQLite file or PostgreSQL),
// applies the embedded migrations, runs transactions with retry, and turns
// driver errors into application errors. One SQL text serves both engines:
// $1… placeholders, RETURNING, ON CONFLICT, COUNT(*) OVER(); what differs
// lives in Dialect.
package db

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Engine names a database engine.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Dialect holds what differs between the engines.
type Dialect struct {
	Engine Engine
}

// YearOf returns an SQL expression for the year (an integer) of a DATE or
// TEXT 'YYYY-MM-DD' column.
func (d Dialect) YearOf(col string) string {
	if d.Engine == Postgres {
		return "CAST(EXTRACT(YEAR FROM " + col + ") AS INTEGER)"
	}
	return "CAST(substr(" + col + ", 1, 4) AS INTEGER)"
}

// MonthOf returns an SQL expression for the month (1–12) of a date column.
func (d Dialect) MonthOf(col string) string {
	if d.Engine == Postgres {
		return "CAST(EXTRACT(MONTH FROM " + col + ") AS INTEGER)"
	}
	return "CAST(substr(" + col + ", 6, 2) AS INTEGER)"
}

// Querier is what *sql.DB, *sql.Tx and *Tx have in common.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is an open database with its dialect.
type DB struct {
	*sql.DB
	Dialect Dialect
	// Path is the SQLite file ("" on PostgreSQL).
	Path string
	// Now is the clock; tests may replace it.
	Now func() time.Time
}

// Open opens the database named by dsn: a postgres:// or postgresql:// URL,
// or else the path of an SQLite file (created if missing, optionally written
// as sqlite:path). It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	d := &DB{Now: func() time.Time { return time.Now().UTC() }}
	var driver, source string
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		d.Dialect = Dialect{Engine: Postgres}
		driver, source = "pgx", dsn
	default:
		p := strings.TrimPrefix(dsn, "sqlite:")
		if p == "" {
			return nil, fmt.Errorf("db: empty database path")
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("db: %w", err)
		}
		d.Dialect, d.Path = Dialect{Engine: SQLite}, abs
		driver, source = "sqlite", sqliteDSN(abs)
	}
	sdb, err := sql.Open(driver, source)
	if err != nil {
		return nil, fmt.Errorf("db: open: %w", err)
	}
	if d.Dialect.Engine == SQLite {
		// One file, one writer at a time: a small pool avoids lock
		// convoys while still letting readers run beside the writer (WAL).
		sdb.SetMaxOpenConns(4)
	} else {
		sdb.SetMaxOpenConns(20)
	}
	sdb.SetConnMaxIdleTime(5 * time.Minute)
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("db: connect: %w", err)
	}
	d.DB = sdb
	return d, nil
}

// sqliteDSN sets the pragmas on every pooled connection: busy_timeout first
// (so the journal switch itself waits), WAL so readers never block the
// writer, FULL sync because money is written here, foreign keys on, and
// immediate transactions so a read-then-write transaction takes the write
// lock at BEGIN instead of failing with SQLITE_BUSY at its first write.
func sqliteDSN(path string) string {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(ON)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Redact returns dsn without its password, for logs.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
