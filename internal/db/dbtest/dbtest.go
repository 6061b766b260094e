// Package dbtest runs a test against every engine: always SQLite (a fresh
// file in a temp dir), and PostgreSQL too when KEJIJU_TEST_POSTGRES holds a
// DSN — each test then gets a fresh UTF-8 database cloned from a migrated
// template, dropped when the test ends.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"kejiju/internal/db"
)

// EnvPostgres names the environment variable with the PostgreSQL DSN.
const EnvPostgres = "KEJIJU_TEST_POSTGRES"

// Run runs fn as a subtest on each available engine, with a migrated
// database. The subtests are named "sqlite" and "postgres".
func Run(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	if os.Getenv(EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
	}
}

// SQLite returns a migrated database in a new file under t.TempDir().
func SQLite(tb testing.TB) *db.DB {
	tb.Helper()
	return open(tb, filepath.Join(tb.TempDir(), "test.db"))
}

// Postgres returns a migrated, empty PostgreSQL database made for this test,
// or skips the test when KEJIJU_TEST_POSTGRES is unset.
func Postgres(tb testing.TB) *db.DB {
	tb.Helper()
	return open(tb, PostgresURL(tb))
}

// PostgresURL makes a migrated, empty PostgreSQL database for this test, as
// Postgres does, and returns its URL instead of opening it (for tests that
// run the program on it), or skips the test when KEJIJU_TEST_POSTGRES is
// unset. The database is dropped when the test ends.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	admin := os.Getenv(EnvPostgres)
	if admin == "" {
		tb.Skip(EnvPostgres + " is not set")
	}
	tmpl, err := template(admin)
	if err != nil {
		tb.Fatal(err)
	}
	name := "kejiju_test_" + randomHex(6)
	if err := adminExec(admin, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, tmpl)); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := adminExec(admin, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			tb.Logf("drop %s: %v", name, err)
		}
	})
	return withDatabase(admin, name)
}

func open(tb testing.TB, dsn string) *db.DB {
	tb.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return d
}

var (
	tmplOnce sync.Once
	tmplName string
	tmplErr  error
)

// template makes, once per test process, a UTF-8 database with every
// migration applied, to clone for each test (much faster than migrating).
func template(admin string) (string, error) {
	tmplOnce.Do(func() {
		name := "kejiju_tmpl_" + randomHex(6)
		tmplErr = adminExec(admin, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`, name))
		if tmplErr != nil {
			return
		}
		var d *db.DB
		if d, tmplErr = db.Open(context.Background(), withDatabase(admin, name)); tmplErr != nil {
			return
		}
		_, tmplErr = d.Migrate(context.Background())
		d.Close()
		tmplName = name
	})
	return tmplName, tmplErr
}

// DropTemplates removes the template databases this process made; call it
// from TestMain after m.Run.
func DropTemplates() {
	if admin := os.Getenv(EnvPostgres); admin != "" && tmplName != "" {
		adminExec(admin, `DROP DATABASE IF EXISTS `+tmplName+` WITH (FORCE)`)
	}
}

func adminExec(admin, stmt string) error {
	a, err := sql.Open("pgx", admin)
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := a.Exec(stmt); err != nil {
		return fmt.Errorf("dbtest: %s: %w", stmt, err)
	}
	return nil
}

func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		panic(fmt.Sprintf("dbtest: bad %s: %v", EnvPostgres, err))
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
