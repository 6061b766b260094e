package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"kejiju/internal/db"
)

// bulkBatch is how many patents one INSERT … SELECT of the bulk load
// writes, one transaction each.
const bulkBatch = 500_000

// bulkLoad writes patents from through until-1 straight into the patents
// table, in SQL: generate_series on PostgreSQL, a recursive CTE on SQLite.
// Patent i is gen(i) as the import would have written it — the same
// number (with its check digit, computed in SQL), type, dates and status,
// linked to enterprise 1+i%ents (the enterprises as imported, in id order)
// and in its township — without the history rows, which the statistics do
// not read. The rollups are not touched: the caller rebuilds them.
func bulkLoad(ctx context.Context, d *db.DB, from, until, ents int) error {
	pg := d.Dialect.Engine == db.Postgres
	pad := func(expr string, n int) string {
		if pg {
			return "lpad((" + expr + ")::text, " + strconv.Itoa(n) + ", '0')"
		}
		return "printf('%0" + strconv.Itoa(n) + "d', " + expr + ")"
	}
	date := func(y, m, dd string) string {
		if pg {
			return "make_date(CAST(" + y + " AS INTEGER), CAST(" + m + " AS INTEGER), CAST(" + dd + " AS INTEGER))"
		}
		return "printf('%04d-%02d-%02d', " + y + ", " + m + ", " + dd + ")"
	}
	// The check digit of the 12 digits year(4) type(1) serial(7), weights
	// 2 3 4 5 | 6 | 7 8 9 2 3 4 5, mod 11 (ident.PatentCheckChar).
	var terms []string
	for k, w := range []int{2, 3, 4, 5} {
		terms = append(terms, fmt.Sprintf("((y / %d) %% 10) * %d", pow10(3-k), w))
	}
	terms = append(terms, "t * 6")
	for k, w := range []int{7, 8, 9, 2, 3, 4, 5} {
		terms = append(terms, fmt.Sprintf("((s / %d) %% 10) * %d", pow10(6-k), w))
	}
	check := "substr('0123456789X', CAST(((" + strings.Join(terms, " + ") + ") % 11) + 1 AS INTEGER), 1)"
	appNo := pad("y", 4) + " || " + pad("t", 1) + " || " + pad("s", 7) + " || '.' || " + check
	grant := "CASE WHEN i % 5 IN (1, 2, 4) THEN " + date("y + 1", "1 + (i / 12) % 12", "1 + i % 28") + " END"
	sel := `SELECT ` + appNo + `,
		CASE WHEN t IN (1, 8) THEN 'invention' WHEN t IN (2, 9) THEN 'utility' ELSE 'design' END,
		t IN (8, 9), '一种测试装置' || i, '阜阳颍东示例' || ` + pad("1 + i % "+strconv.Itoa(ents), 4) + ` || '科技有限公司',
		e.id, e.region_code, 3, ` + date("y", "1 + i % 12", "1 + i % 28") + `, ` + grant + `,
		CASE i % 5 WHEN 0 THEN 'applied' WHEN 1 THEN 'granted' WHEN 2 THEN 'valid' WHEN 3 THEN 'rejected' ELSE 'lapsed' END,
		'A01B 1/00', $3, $3
	FROM (SELECT i, 2020 + i % 7 AS y, CASE (i / 7) % 7 WHEN 0 THEN 1 WHEN 1 THEN 2 WHEN 2 THEN 3 WHEN 3 THEN 1 WHEN 4 THEN 2 WHEN 5 THEN 8 ELSE 9 END AS t,
		i / 7 AS s FROM g) x
	CROSS JOIN bench_enterprises e WHERE e.k = x.i % ` + strconv.Itoa(ents) // CROSS JOIN: SQLite keeps the series outside
	cols := `INSERT INTO patents (app_no, type, pct, title, applicants, enterprise_id, region_code, inventors, application_date, grant_date,
		status, ipc_main, created_at, updated_at) `
	var q string
	if pg {
		q = `WITH g AS (SELECT generate_series($1::bigint, $2::bigint - 1) AS i) ` + cols + sel
	} else {
		q = `WITH RECURSIVE g(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM g WHERE i + 1 < $2) ` + cols + sel
	}
	if _, err := d.ExecContext(ctx, `CREATE TABLE bench_enterprises (k BIGINT PRIMARY KEY, id BIGINT NOT NULL, region_code TEXT NOT NULL)`); err != nil {
		return err
	}
	rows, err := d.QueryContext(ctx, `SELECT id, region_code FROM enterprises ORDER BY id`)
	if err != nil {
		return err
	}
	var ids []int64
	var regions []string
	for rows.Next() {
		var id int64
		var r string
		if err := rows.Scan(&id, &r); err != nil {
			rows.Close()
			return err
		}
		ids, regions = append(ids, id), append(regions, r)
	}
	rows.Close()
	if len(ids) != ents {
		return fmt.Errorf("%d enterprises on file, want %d", len(ids), ents)
	}
	for k := range ids {
		if _, err := d.ExecContext(ctx, `INSERT INTO bench_enterprises (k, id, region_code) VALUES ($1, $2, $3)`, k, ids[k], regions[k]); err != nil {
			return err
		}
	}
	// The secondary indexes go and come back after the load, built once
	// rather than kept up row by row (the unique number stays).
	q2 := `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'patents' AND indexname LIKE 'patents\_%' AND indexdef NOT LIKE '%UNIQUE%'`
	if !pg {
		q2 = `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'patents' AND sql IS NOT NULL AND sql NOT LIKE '%UNIQUE%'`
	}
	irows, err := d.QueryContext(ctx, q2)
	if err != nil {
		return err
	}
	var indexes [][2]string
	for irows.Next() {
		var name, def string
		if err := irows.Scan(&name, &def); err != nil {
			irows.Close()
			return err
		}
		indexes = append(indexes, [2]string{name, def})
	}
	irows.Close()
	for _, ix := range indexes {
		if _, err := d.ExecContext(ctx, `DROP INDEX `+ix[0]); err != nil {
			return err
		}
	}
	now := time.Now().UTC()
	for start := from; start < until; start += bulkBatch {
		end := min(start+bulkBatch, until)
		t0 := time.Now()
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, q, start, end, now)
			return err
		}); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "  bulk %d/%d (%s)\n", end, until, time.Since(t0).Round(time.Second))
	}
	t0 := time.Now()
	for _, ix := range indexes {
		if _, err := d.ExecContext(ctx, ix[1]); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "  %d indexes rebuilt (%s)\n", len(indexes), time.Since(t0).Round(time.Second))
	if _, err = d.ExecContext(ctx, `DROP TABLE bench_enterprises`); err != nil {
		return err
	}
	// The SQL wrote what gen would have: a few numbers, with their
	// check digits, and their dates and status.
	for _, i := range []int{from, (from + until) / 2, until - 1} {
		r := gen(i, ents)
		var got string
		if err := d.QueryRowContext(ctx, `SELECT app_no FROM patents WHERE app_no = $1`, r.no).Scan(&got); err != nil {
			return fmt.Errorf("patent %d (%s) not as generated: %w", i, r.no, err)
		}
	}
	return nil
}

func pow10(k int) int {
	n := 1
	for range k {
		n *= 10
	}
	return n
}
