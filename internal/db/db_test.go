package db_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"sync"
	"testing"

	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

// TestMigrationsAgree fails when the two engines' migration folders do not
// hold the same versions with the same names.
func TestMigrationsAgree(t *testing.T) {
	lite, err := db.Migrations(db.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := db.Migrations(db.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) != len(pg) {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].Version != pg[i].Version || lite[i].Name != pg[i].Name {
			t.Errorf("migration %d: sqlite %04d_%s, postgres %04d_%s", i, lite[i].Version, lite[i].Name, pg[i].Version, pg[i].Name)
		}
		if i > 0 && lite[i].Version != lite[i-1].Version+1 {
			t.Errorf("migration versions skip from %d to %d", lite[i-1].Version, lite[i].Version)
		}
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		n, err := d.Migrate(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("second Migrate applied %d migrations, want 0", n)
		}
		v, err := d.Version(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		ms, _ := db.Migrations(d.Dialect.Engine)
		if want := ms[len(ms)-1].Version; v != want {
			t.Errorf("version %d, want %d", v, want)
		}
	})
}

func TestNormalize(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		insert := func(key string) error {
			return d.InTx(ctx, func(tx *db.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)`, key, "v")
				return err
			})
		}
		if err := insert("a"); err != nil {
			t.Fatal(err)
		}
		err := insert("a")
		if !db.IsUnique(err) {
			t.Fatalf("duplicate insert: got %v, want a unique violation", err)
		}
		if got := i18n.ErrorCode(db.Normalize(err)); got != i18n.Conflict {
			t.Errorf("normalized duplicate: code %q, want %q", got, i18n.Conflict)
		}
		var v string
		err = d.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, "missing").Scan(&v)
		if got := i18n.ErrorCode(db.Normalize(err)); got != i18n.NotFound {
			t.Errorf("no rows: code %q, want %q", got, i18n.NotFound)
		}
		_, err = d.ExecContext(ctx, `INSERT INTO regions (code, name, level, parent_code, updated_at) VALUES ('1', 'x', 9, NULL, $1)`, d.Now())
		if got := i18n.ErrorCode(db.Normalize(err)); got != i18n.Invalid {
			t.Errorf("check violation: code %q, want %q (err %v)", got, i18n.Invalid, err)
		}
	})
}

func TestInTxRollsBackOnError(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		boom := errors.New("boom")
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('k', 'v')`); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("got %v, want boom", err)
		}
		var n int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM settings`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d rows after rollback, want 0", n)
		}
	})
}

// TestConcurrentReadModifyWrite checks that read-then-write transactions
// from many goroutines neither fail nor lose updates on either engine.
func TestConcurrentReadModifyWrite(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('n', '0')`); err != nil {
			t.Fatal(err)
		}
		const workers, each = 8, 25
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for range workers {
			wg.Go(func() {
				for range each {
					errs <- d.InTx(ctx, func(tx *db.Tx) error {
						var v int
						// FOR UPDATE is not portable; UPDATE … RETURNING takes
						// the row lock on PostgreSQL and the write lock on SQLite.
						if err := tx.QueryRowContext(ctx, `UPDATE settings SET value = value WHERE key = 'n' RETURNING CAST(value AS INTEGER)`).Scan(&v); err != nil {
							return err
						}
						_, err := tx.ExecContext(ctx, `UPDATE settings SET value = $1 WHERE key = 'n'`, strconv.Itoa(v+1))
						return err
					})
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var got string
		d.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'n'`).Scan(&got)
		if want := strconv.Itoa(workers * each); got != want {
			t.Errorf("counter %s, want %s", got, want)
		}
	})
}

// TestWidenCache checks that a widened cache holds for the transaction and
// that restore gives the connection its own size back (SQLite; nothing to
// see on PostgreSQL, whose cache is the server's).
func TestWidenCache(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		if d.Dialect.Engine != db.SQLite {
			// The server's buffers are its own: nothing is sent, and the
			// transaction goes on as before.
			if err := d.InTx(ctx, func(tx *db.Tx) error {
				restore, err := tx.WidenCache(ctx, 48)
				if err != nil {
					return err
				}
				restore()
				var one int
				return tx.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
			}); err != nil {
				t.Errorf("WidenCache on PostgreSQL: %v", err)
			}
			return
		}
		size := func(tx *db.Tx) int {
			t.Helper()
			var n int
			if err := tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			was := size(tx)
			restore, err := tx.WidenCache(ctx, 48)
			if err != nil {
				return err
			}
			if got := size(tx); got != -48*1024 {
				t.Errorf("cache_size %d while widened, want %d", got, -48*1024)
			}
			restore()
			if got := size(tx); got != was {
				t.Errorf("cache_size %d after restore, want %d as before", got, was)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	})
}
