package region

import (
	"context"
	"strings"
	"unicode/utf8"

	"kejiju/internal/audit"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// Store keeps the regions in the database: the GB/T 2260 rows seeded at
// first start, and the townships and villages the bureau maintains.
type Store struct {
	DB    *db.DB
	Audit *audit.Log
}

// Seed inserts rs (parents before children) where their codes are missing,
// and returns how many it inserted. It is what first start and --demo run.
func (s *Store) Seed(ctx context.Context, rs []Region) (int, error) {
	n := 0
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, r := range rs {
			var parent any
			if r.Parent != "" {
				parent = r.Parent
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO regions (code, name, level, parent_code, updated_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (code) DO NOTHING`, r.Code, r.Name, int(r.Level), parent, tx.Now)
			if err != nil {
				return db.Normalize(err)
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
		if n == 0 {
			return nil
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "region.seed", ObjectType: "region", ObjectID: "*",
			After: audit.JSON(map[string]int{"inserted": n})})
		return err
	})
	return n, err
}

// All returns every active region.
func (s *Store) All(ctx context.Context) ([]Region, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT code, name, level, COALESCE(parent_code, '') FROM regions WHERE active ORDER BY code`)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []Region
	for rows.Next() {
		var r Region
		var lvl int
		if err := rows.Scan(&r.Code, &r.Name, &lvl, &r.Parent); err != nil {
			return nil, db.Normalize(err)
		}
		r.Level = Level(lvl)
		out = append(out, r)
	}
	return out, db.Normalize(rows.Err())
}

// Tree returns the active regions as a tree.
func (s *Store) Tree(ctx context.Context) (*Tree, error) {
	rs, err := s.All(ctx)
	if err != nil {
		return nil, err
	}
	t, err := NewTree(rs)
	if err != nil {
		return nil, i18n.Wrap(err, "region: tree")
	}
	return t, nil
}

// Save adds or renames a township or village of the bureau's area. Codes
// above township level come from GB/T 2260 and are not edited here.
func (s *Store) Save(ctx context.Context, r Region, reason string) error {
	var p i18n.Problems
	r.Code, r.Name = strings.TrimSpace(r.Code), strings.TrimSpace(r.Name)
	lvl, err := LevelOf(r.Code)
	switch {
	case err != nil:
		p.Add("code", "region.code.format")
	case lvl != Township && lvl != Village:
		p.Add("code", "region.code.not_local")
	}
	switch n := utf8.RuneCountInString(r.Name); {
	case n == 0:
		p.Add("name", "error.required")
	case n > 40:
		p.Add("name", "error.too_long", 40)
	}
	if err := p.Err(); err != nil {
		return err
	}
	r.Level = lvl
	r.Parent, _ = ParentCode(r.Code)
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var before string
		err := tx.QueryRowContext(ctx, `SELECT name FROM regions WHERE code = $1`, r.Code).Scan(&before)
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM regions WHERE code = $1`, r.Parent).Scan(&n); err != nil {
			return db.Normalize(err)
		}
		if n == 0 {
			return i18n.FieldError("code", "region.parent.missing", r.Parent)
		}
		action := "region.update"
		switch {
		case db.IsNoRows(err):
			action = "region.create"
			_, err = tx.ExecContext(ctx, `INSERT INTO regions (code, name, level, parent_code, updated_at) VALUES ($1, $2, $3, $4, $5)`,
				r.Code, r.Name, int(r.Level), r.Parent, tx.Now)
		case err == nil:
			_, err = tx.ExecContext(ctx, `UPDATE regions SET name = $1, active = TRUE, updated_at = $2 WHERE code = $3`, r.Name, tx.Now, r.Code)
		}
		if err != nil {
			return db.Normalize(err)
		}
		ev := audit.Event{Action: action, ObjectType: "region", ObjectID: r.Code, RegionCode: r.Code, After: audit.JSON(r), Reason: reason}
		if before != "" {
			ev.Before = audit.JSON(map[string]string{"name": before})
		}
		_, err = s.Audit.Append(ctx, tx, ev)
		return err
	})
}
