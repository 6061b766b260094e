package patent

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"kejiju/internal/audit"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
)

// The statistics read monthly counts (table patent_counts) rather than the
// patents: applications by application month, grants by grant month, and
// invention patents in force by grant month, each by region, enterprise
// (0: none; and once more under -1, all of them) and type. Every write that moves a count changes it in the same
// transaction — Create, SetStatus, Link, Import — and RebuildRollups
// recounts them from the patents (for bulk loaders, and as a repair);
// VerifyRollups compares the two.

// The rollup measures.
const (
	measureApplied        = "applied"
	measureGranted        = "granted"
	measureValidInvention = "valid_invention"
)

// countKey is one rollup row's key.
type countKey struct {
	Measure    string `json:"measure"`
	Month      int    `json:"month"` // year*100+month
	RegionCode string `json:"region_code"`
	Enterprise int64  `json:"enterprise_id"`
	Type       string `json:"type"`
}

func yearMonth(d calendar.Date) int { return d.Year*100 + int(d.Month) }

// deltas are changes of rollup counts.
type deltas map[countKey]int64

// add counts a patent's contributions sign times (+1 for the record
// after a change, -1 for the record before it), under its enterprise and
// under allEnterprises. It is the Go twin of countsSelect.
func (d deltas) add(p *Patent, sign int64) {
	if p == nil {
		return
	}
	for _, ent := range []int64{p.EnterpriseID, allEnterprises} {
		k := countKey{Measure: measureApplied, Month: yearMonth(p.ApplicationDate), RegionCode: p.RegionCode, Enterprise: ent, Type: p.Type}
		d[k] += sign
		if p.GrantDate.IsZero() {
			continue
		}
		k.Month, k.Measure = yearMonth(p.GrantDate), measureGranted
		d[k] += sign
		if p.Type == Invention && InForce(p.Status) {
			k.Measure = measureValidInvention
			d[k] += sign
		}
	}
}

// allEnterprises is the rollups' enterprise_id of the rows that count
// every patent, linked to an enterprise or not: a district's totals.
const allEnterprises = -1

// change counts the move of one patent from before to after (either may be
// nil) and writes it.
func change(ctx context.Context, tx *db.Tx, before, after *Patent) error {
	d := deltas{}
	d.add(before, -1)
	d.add(after, +1)
	return d.apply(ctx, tx)
}

// apply adds the non-zero deltas to the rollups, in key order (so that two
// transactions take the rows' locks in the same order), in batches of
// upserts.
func (d deltas) apply(ctx context.Context, tx *db.Tx) error {
	keys := make([]countKey, 0, len(d))
	for k, n := range d {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b countKey) int {
		return cmp.Or(cmp.Compare(a.Measure, b.Measure), cmp.Compare(a.Month, b.Month), cmp.Compare(a.RegionCode, b.RegionCode),
			cmp.Compare(a.Enterprise, b.Enterprise), cmp.Compare(a.Type, b.Type))
	})
	const batch = 50
	for start := 0; start < len(keys); start += batch {
		part := keys[start:min(start+batch, len(keys))]
		args := make([]any, 0, len(part)*6)
		for _, k := range part {
			args = append(args, k.Measure, k.Month, k.RegionCode, k.Enterprise, k.Type, d[k])
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO patent_counts (measure, month, region_code, enterprise_id, type, n) VALUES `+
			placeholders(len(part), 6)+upsert, args...); err != nil {
			return db.Normalize(err)
		}
	}
	return nil
}

const upsert = ` ON CONFLICT (measure, month, region_code, enterprise_id, type) DO UPDATE SET n = patent_counts.n + excluded.n`

// countsSelect is the SELECT of the rollup rows of the patents p matching
// where (with its arguments numbered from $1): measure, month,
// region_code, enterprise_id, type, n, each patent under its enterprise
// and under allEnterprises. It is the SQL twin of deltas.add.
func countsSelect(d db.Dialect, where string) string {
	month := func(col string) string { return "(" + d.YearOf(col) + " * 100 + " + d.MonthOf(col) + ")" }
	var parts []string
	for _, ent := range []string{"COALESCE(p.enterprise_id, 0)", strconv.Itoa(allEnterprises)} {
		parts = append(parts,
			`SELECT '`+measureApplied+`' AS measure, `+month("p.application_date")+` AS month, p.region_code AS region_code, `+ent+` AS enterprise_id,
				p.type AS type FROM patents p WHERE `+where,
			`SELECT '`+measureGranted+`', `+month("p.grant_date")+`, p.region_code, `+ent+`, p.type
				FROM patents p WHERE p.grant_date IS NOT NULL AND `+where,
			`SELECT '`+measureValidInvention+`', `+month("p.grant_date")+`, p.region_code, `+ent+`, p.type
				FROM patents p WHERE p.grant_date IS NOT NULL AND p.type = 'invention' AND p.status IN ('granted', 'valid') AND `+where)
	}
	return `SELECT measure, month, region_code, enterprise_id, type, COUNT(*) AS n FROM (` + strings.Join(parts, "\nUNION ALL\n") + `
	) c WHERE true GROUP BY measure, month, region_code, enterprise_id, type`
}

// addCounts adds the counts of the patents matching where to the rollups
// in one statement.
func addCounts(ctx context.Context, tx *db.Tx, where string, args ...any) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO patent_counts (measure, month, region_code, enterprise_id, type, n) `+
		countsSelect(tx.Dialect, where)+` ORDER BY measure, month, region_code, enterprise_id, type`+upsert, args...)
	return db.Normalize(err)
}

// RebuildRollups recounts the statistics' rollups from the patents, in
// tx: for bulk loaders that write patents directly, and as a repair after
// VerifyRollups found a difference.
func (s *Service) RebuildRollups(ctx context.Context, tx *db.Tx) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM patent_counts`); err != nil {
		return db.Normalize(err)
	}
	return addCounts(ctx, tx, "true")
}

// RollupDiff is one rollup row that differs from the recount.
type RollupDiff struct {
	countKey
	Rollup  int64 `json:"rollup"`
	Recount int64 `json:"recount"`
}

func (d RollupDiff) String() string {
	ent := "enterprise " + strconv.FormatInt(d.Enterprise, 10)
	if d.Enterprise == allEnterprises {
		ent = "all enterprises"
	}
	return fmt.Sprintf("%s %d %s %s %s: rollup %d, recount %d", d.Measure, d.Month, d.RegionCode, ent, d.Type, d.Rollup, d.Recount)
}

// VerifyRollups recounts the rollups from the patents in one read and
// returns every row where they differ (rows of 0 and missing rows are the
// same), in key order; none means the statistics are exact.
func (s *Service) VerifyRollups(ctx context.Context) ([]RollupDiff, error) {
	var diffs []RollupDiff
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		diffs = nil
		got, err := readCounts(ctx, tx, `SELECT measure, month, region_code, enterprise_id, type, n FROM patent_counts WHERE n <> 0`)
		if err != nil {
			return err
		}
		want, err := readCounts(ctx, tx, countsSelect(tx.Dialect, "true"))
		if err != nil {
			return err
		}
		for k, n := range got {
			if want[k] != n {
				diffs = append(diffs, RollupDiff{countKey: k, Rollup: n, Recount: want[k]})
			}
		}
		for k, n := range want {
			if _, ok := got[k]; !ok {
				diffs = append(diffs, RollupDiff{countKey: k, Recount: n})
			}
		}
		return nil
	})
	slices.SortFunc(diffs, func(a, b RollupDiff) int { return strings.Compare(a.String(), b.String()) })
	return diffs, err
}

func readCounts(ctx context.Context, tx *db.Tx, q string) (map[countKey]int64, error) {
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return nil, db.Normalize(err)
	}
	out := map[countKey]int64{}
	_, err = db.Collect(rows, func(sc interface{ Scan(...any) error }) (struct{}, error) {
		var k countKey
		var n int64
		err := sc.Scan(&k.Measure, &k.Month, &k.RegionCode, &k.Enterprise, &k.Type, &n)
		out[k] += n
		return struct{}{}, err
	})
	return out, err
}

// RepairRollups rebuilds the rollups in one transaction with its audit
// event (by the system, as the operator's CLI runs it), returning how many
// rows differed before.
func (s *Service) RepairRollups(ctx context.Context, reason string) (int, error) {
	diffs, err := s.VerifyRollups(ctx)
	if err != nil {
		return 0, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.RebuildRollups(ctx, tx); err != nil {
			return err
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Actor: "system", Action: "patent.rollups.rebuild", ObjectType: "patent_counts", ObjectID: "*",
			After: audit.JSON(map[string]int{"differing_rows": len(diffs)}), Reason: reason})
		return err
	})
	return len(diffs), err
}
