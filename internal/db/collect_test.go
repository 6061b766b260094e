package db_test

import (
	"context"
	"slices"
	"testing"

	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
)

// TestCollect reads every row in order, and a scan error comes back with
// nothing collected.
func TestCollect(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		query := `SELECT 1 AS n UNION ALL SELECT 2 ORDER BY 1`
		scanN := func(sc interface{ Scan(...any) error }) (n int64, err error) { return n, sc.Scan(&n) }
		rows, err := d.QueryContext(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Collect(rows, scanN)
		if err != nil || !slices.Equal(got, []int64{1, 2}) {
			t.Fatalf("collect %v, %v", got, err)
		}
		rows, err = d.QueryContext(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		bad := func(sc interface{ Scan(...any) error }) (n int, err error) {
			var a, b string
			return n, sc.Scan(&a, &b)
		}
		if got, err := db.Collect(rows, bad); err == nil || got != nil {
			t.Fatalf("a scan error: %v, %v", got, err)
		}
		rows, err = d.QueryContext(ctx, `SELECT n, COUNT(*) OVER () FROM (SELECT 5 AS n UNION ALL SELECT 6 UNION ALL SELECT 7) t ORDER BY n LIMIT 2`)
		if err != nil {
			t.Fatal(err)
		}
		page, total, err := db.CollectCounted(rows, func(sc interface{ Scan(...any) error }, extra ...any) (n int64, err error) {
			return n, sc.Scan(append([]any{&n}, extra...)...)
		})
		if err != nil || !slices.Equal(page, []int64{5, 6}) || total != 3 {
			t.Fatalf("a page: %v of %d, %v", page, total, err)
		}
	})
}
