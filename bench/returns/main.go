// Command returns measures a statistical return at city scale: n research
// visits spread over the districts of 阜阳市 and the townships of 颍东区,
// and one return (KJ04, the yearly one of eleven columns) filled for the
// city (its districts and the total) and for the district (its townships),
// beside the bare SQL aggregate of the only column with records — visits
// counted by region code — and a one-column return of the same visits. It
// measures and prints; it asserts nothing (ARCHITECTURE §6).
//
//	go run ./bench/returns                   # SQLite in a temp dir, 200,000 visits
//	go run ./bench/returns -db 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable'
//
// On PostgreSQL it creates a database kejiju_bench_returns_<random> and
// drops it at the end.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"time"

	"kejiju/bench/internal/kit"
	"kejiju/internal/app"
	"kejiju/internal/db"
	"kejiju/internal/report"
)

func main() {
	n := flag.Int("n", 200_000, "visits")
	rounds := flag.Int("rounds", 5, "runs of each figure (the median is reported)")
	dbURL := flag.String("db", "", "PostgreSQL admin URL; empty: SQLite in a temp dir")
	flag.Parse()
	if err := run(context.Background(), *n, *rounds, *dbURL); err != nil {
		fmt.Fprintln(os.Stderr, "bench/returns:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, n, rounds int, dbURL string) error {
	sc, err := kit.NewScratch(ctx, dbURL, "returns")
	if err != nil {
		return err
	}
	defer sc.Drop()
	dir, engine := sc.Dir, sc.Engine
	d, err := sc.Open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return err
	}
	a, err := app.New(app.Config{DataDir: dir}, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	if err := a.Bootstrap(ctx, io.Discard); err != nil {
		return err
	}
	tree, err := a.Regions.Tree(ctx)
	if err != nil {
		return err
	}
	var regs []string
	for _, c := range tree.Children("341200") {
		regs = append(regs, c.Code)
		for _, t := range tree.Children(c.Code) {
			regs = append(regs, t.Code)
		}
	}
	now := time.Now().UTC()
	var ent int64
	if err := d.QueryRowContext(ctx, `INSERT INTO enterprises (credit_code, name, region_code, created_at, updated_at)
		VALUES ('91341200BENCH0000X', '基准企业', '341203', $1, $1) RETURNING id`, now).Scan(&ent); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "loading %d visits over %d regions…\n", n, len(regs))
	for start := 0; start < n; start += 10_000 {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for i := start; i < min(n, start+10_000); i++ {
				if _, err := tx.ExecContext(ctx, `INSERT INTO visits (visit_date, enterprise_id, enterprise_name, credit_code, region_code, topics, created_at, updated_at)
					VALUES ($1, $2, '基准企业', '91341200BENCH0000X', $3, '[]', $4, $4)`,
					fmt.Sprintf("%d-%02d-%02d", 2025+i%2, 1+i%12, 1+i%28), ent, regs[i%len(regs)], now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	rs, err := report.NewReturns(a.Figures, append(app.StatisticalReturns(), report.Return{Code: "VISITS", Frequency: report.Yearly, Columns: []string{"visits"}})...)
	if err != nil {
		return err
	}
	rp, _ := report.ParsePeriod(report.Yearly, "2026-Y")
	median := func(fn func() error) (time.Duration, error) {
		var ts []time.Duration
		for range rounds {
			st := time.Now()
			if err := fn(); err != nil {
				return 0, err
			}
			ts = append(ts, time.Since(st))
		}
		slices.Sort(ts)
		return ts[len(ts)/2], nil
	}
	fmt.Printf("%s, %d visits (2025–2026) over %d regions; median of %d runs\n\n", engine, n, len(regs), rounds)
	fmt.Println("| region | rows | KJ04 (11 columns) | one-column return (visits) | its records listed (the cells' provenance) | bare GROUP BY of visits | ratio one-column / bare |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for _, code := range []string{"341200", "341203"} {
		reg, _ := tree.Lookup(code)
		children := tree.Children(code)
		full, err := median(func() error {
			_, err := rs.Fill(ctx, d, must(rs.Get("KJ04")), rp, reg, children, now)
			return err
		})
		if err != nil {
			return err
		}
		one, err := median(func() error {
			_, err := rs.Fill(ctx, d, must(rs.Get("VISITS")), rp, reg, children, now)
			return err
		})
		if err != nil {
			return err
		}
		listed, err := median(func() error {
			_, _, _, err := report.Split(ctx, d, must(a.Figures.Get("visits")), rp.Period(), code, children)
			return err
		})
		if err != nil {
			return err
		}
		// The bare aggregate: visits of the year by region code under the
		// region's prefix (a city's codes share 3412), which the rows then
		// sum up.
		lo, hi := code, code[:5]+string(code[5]+1)
		if code == "341200" {
			lo, hi = "3412", "3413"
		}
		bare, err := median(func() error {
			rows, err := d.QueryContext(ctx, `SELECT region_code, COUNT(*) FROM visits
				WHERE visit_date >= '2026-01-01' AND visit_date <= '2026-12-31' AND region_code >= $1 AND region_code < $2 GROUP BY region_code`, lo, hi)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
			}
			return rows.Err()
		})
		if err != nil {
			return err
		}
		fmt.Printf("| %s %s | %d + total | %v | %v | %v | %v | %.1f× |\n", code, reg.Name, len(children), full.Round(time.Millisecond), one.Round(time.Millisecond),
			listed.Round(time.Millisecond), bare.Round(100*time.Microsecond), float64(one)/float64(bare))
	}
	return nil
}

func must[T any](r T, err error) T {
	if err != nil {
		panic(err)
	}
	return r
}
