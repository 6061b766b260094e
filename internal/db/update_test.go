package db_test

import (
	"database/sql"
	"errors"
	"testing"

	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
)

type note struct {
	ID      int64
	Text    string
	Version int
}

func (n *note) RowVersion() int { return n.Version }

// TestUpdate checks db.Update on both engines: a change made to the version
// it saw is written and recorded; one made to an older version, or whose
// UPDATE finds the row changed meanwhile, is a conflict that writes nothing;
// a failing record undoes the write.
func TestUpdate(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		if _, err := d.ExecContext(ctx, `CREATE TABLE update_notes (id BIGINT PRIMARY KEY, text TEXT NOT NULL, version INTEGER NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, `INSERT INTO update_notes (id, text, version) VALUES (1, 'a', 1)`); err != nil {
			t.Fatal(err)
		}
		read := func(q db.Querier) (*note, error) {
			n := &note{}
			err := q.QueryRowContext(ctx, `SELECT id, text, version FROM update_notes WHERE id = 1`).Scan(&n.ID, &n.Text, &n.Version)
			return n, err
		}
		var recorded []string
		change := func(seen int, text string, load func(*db.Tx) (*note, error), record error) (*note, error) {
			return db.Update(ctx, d, seen, "test.stale", load, func(tx *db.Tx, before *note) (*note, sql.Result, error) {
				after := *before
				after.Text, after.Version = text, before.Version+1
				res, err := tx.ExecContext(ctx, `UPDATE update_notes SET text = $1, version = version + 1 WHERE id = $2 AND version = $3`,
					text, before.ID, seen)
				return &after, res, err
			}, func(tx *db.Tx, before, after *note) error {
				recorded = append(recorded, before.Text+">"+after.Text)
				return record
			})
		}
		load := func(tx *db.Tx) (*note, error) { return read(tx) }
		stale := func(err error, version int) {
			t.Helper()
			e, ok := errors.AsType[*i18n.Error](err)
			if !ok || e.Code != i18n.Conflict || e.Key != "test.stale" || len(e.Args) != 1 || e.Args[0] != version {
				t.Errorf("error %v, want the stale conflict at version %d", err, version)
			}
		}
		check := func(text string, version int) {
			t.Helper()
			n, err := read(d)
			if err != nil || n.Text != text || n.Version != version {
				t.Errorf("row %+v (%v), want %q at version %d", n, err, text, version)
			}
		}

		n, err := change(1, "b", load, nil)
		if err != nil || n.Text != "b" || n.Version != 2 {
			t.Fatalf("save at the version seen: %+v, %v", n, err)
		}
		check("b", 2)

		_, err = change(1, "c", load, nil)
		stale(err, 2)
		check("b", 2)

		// The row changed after load read it: the UPDATE finds nothing.
		behind := func(tx *db.Tx) (*note, error) { return &note{ID: 1, Text: "b", Version: 1}, nil }
		_, err = change(1, "d", behind, nil)
		stale(err, 1)
		check("b", 2)

		boom := errors.New("record failed")
		if _, err := change(2, "e", load, boom); !errors.Is(err, boom) {
			t.Errorf("a failing record: %v", err)
		}
		check("b", 2)

		refused := i18n.E(i18n.Forbidden, "error.forbidden")
		if _, err := change(2, "f", func(*db.Tx) (*note, error) { return nil, refused }, nil); err != refused {
			t.Errorf("a refused load: %v", err)
		}
		check("b", 2)

		if want := []string{"a>b", "b>e"}; len(recorded) != 2 || recorded[0] != want[0] || recorded[1] != want[1] {
			t.Errorf("recorded %v, want %v", recorded, want)
		}
	})
}
