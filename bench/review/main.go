// Command review measures the expert draw at the scale of issue 4: a
// registry of 10,000 experts and the relations of 500 applicants, one draw
// of 5 members and 2 alternates per applicant, 500 draws. It prints the
// time per draw — median, p99 and max — beside the target of 20 ms, for
// two figures:
//
//   - draw: review.Draw itself, in memory (screening every expert of the
//     field for availability, credit, load and conflicts, then the seeded
//     shuffle);
//   - stored draw: review.Service.DrawFor on a database — reading the
//     field's experts, their loads, relations and the dismissals, the draw,
//     and writing the panel, its 7 seats and the audit event in one
//     transaction.
//
// It measures and prints; it asserts nothing (ARCHITECTURE §6).
//
//	go run ./bench/review                  # SQLite in a temp dir
//	go run ./bench/review -db 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable'
//	go run ./bench/review -db none         # the in-memory draw only
//
// On PostgreSQL it creates a database kejiju_bench_review_<random> and
// drops it at the end, also after a failure or Ctrl-C; the temp dir is
// removed. The table goes to stdout, progress to stderr.
package main

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"kejiju/bench/internal/kit"
	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/region"
	"kejiju/internal/review"
	"kejiju/internal/review/reviewtest"
)

// target is the figure: a draw of 5 from 10,000 experts with
// conflict checks under 20 ms.
const target = 20 * time.Millisecond

type options struct {
	experts, applicants, draws int
	members, alternates        int
	dbURL                      string
	seed                       uint64
}

func main() {
	var o options
	flag.IntVar(&o.experts, "experts", 10_000, "experts in the registry")
	flag.IntVar(&o.applicants, "applicants", 500, "applicants, each with about 12 relations to experts")
	flag.IntVar(&o.draws, "draws", 500, "draws to time (one per applicant, in turn)")
	flag.IntVar(&o.members, "n", 5, "members per panel")
	flag.IntVar(&o.alternates, "alternates", 2, "alternates per panel")
	flag.StringVar(&o.dbURL, "db", "", "PostgreSQL URL of a server where a database may be created; empty: SQLite in a temp dir; none: skip the stored draw")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of the generated registry")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, o)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/review:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, "bench/review: "+format+"\n", args...) }

// stats are the figures of a series of timings.
type stats struct {
	n                  int
	median, p99, worst time.Duration
}

func summarise(ds []time.Duration) stats {
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	return stats{n: len(s), median: at(0.5), p99: at(0.99), worst: s[len(s)-1]}
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
}

func run(ctx context.Context, o options) error {
	logf("generating %d experts and %d applicants", o.experts, o.applicants)
	data := reviewtest.Generate(o.experts, o.applicants, o.seed)
	perField := map[string]int{}
	for _, e := range data.Experts {
		for _, f := range e.Fields {
			perField[f]++
		}
	}
	logf("%d relations; %d–%d experts per field", len(data.Relations), slices.Min(slices.Collect(maps.Values(perField))), slices.Max(slices.Collect(maps.Values(perField))))

	pure, pool, excluded, err := timePure(ctx, o, data)
	if err != nil {
		return err
	}
	rows := [][]string{row(fmt.Sprintf("draw (in memory; pool of %d–%d eligible, %d excluded per draw on average)",
		slices.Min(pool), slices.Max(pool), excluded), pure)}

	if o.dbURL != "none" {
		engine, st, err := timeStored(ctx, o, data)
		if err != nil {
			return err
		}
		rows = append(rows, row("stored draw ("+engine+": read the field, draw, write panel, seats and audit event)", st))
	}

	fmt.Printf("\n### Expert draw: %d of %d experts, %d alternates, %d applicants' relations (%s, %d CPUs)\n\n",
		o.members, o.experts, o.alternates, o.applicants, runtime.Version(), runtime.NumCPU())
	fmt.Println("| figure | draws | median | p99 | max | target | median ÷ target |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		fmt.Println("| " + strings.Join(r, " | ") + " |")
	}
	return nil
}

func row(name string, s stats) []string {
	return []string{name, strconv.Itoa(s.n), ms(s.median), ms(s.p99), ms(s.worst), "< " + ms(target),
		strconv.FormatFloat(float64(s.median)/float64(target), 'f', 2, 64)}
}

// timePure times review.Draw for each applicant in turn.
func timePure(ctx context.Context, o options, data reviewtest.Data) (stats, []int, int, error) {
	logf("timing %d in-memory draws", o.draws)
	var ds []time.Duration
	var pools []int
	excluded := 0
	for i := range o.draws {
		if err := ctx.Err(); err != nil {
			return stats{}, nil, 0, err
		}
		a := data.Applicants[i%len(data.Applicants)]
		start := time.Now()
		p, err := review.Draw(uint64(i), review.Algorithm, data.Experts, a, data.Relations, nil, o.members, o.alternates, reviewtest.On)
		ds = append(ds, time.Since(start))
		if err != nil {
			return stats{}, nil, 0, fmt.Errorf("draw %d: %w", i, err)
		}
		pools = append(pools, len(p.Pool))
		excluded += len(p.Excluded)
	}
	return summarise(ds), pools, excluded / o.draws, nil
}

// timeStored loads the registry into a fresh database and times DrawFor.
func timeStored(ctx context.Context, o options, data reviewtest.Data) (string, stats, error) {
	sc, err := kit.NewScratch(ctx, o.dbURL, "review")
	if err != nil {
		return "", stats{}, err
	}
	defer sc.Drop()
	engine := sc.Engine
	d, err := sc.Open(ctx)
	if err != nil {
		return "", stats{}, err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return "", stats{}, err
	}
	lg, err := audit.New(audit.SM3)
	if err != nil {
		return "", stats{}, err
	}
	if _, err := (&region.Store{DB: d, Audit: lg}).Seed(ctx, append(region.Anhui(), region.DemoDistrict()...)); err != nil {
		return "", stats{}, err
	}
	staff := &auth.User{ID: 1, Username: "bench", DisplayName: "评审基准", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"}
	logf("loading %d experts and %d relations into %s", len(data.Experts), len(data.Relations), engine)
	if err := load(ctx, d, staff, data); err != nil {
		return "", stats{}, err
	}
	// The draws happen on the generated review date, so the loads count.
	on := reviewtest.On
	d.Now = func() time.Time { return time.Date(on.Year, on.Month, on.Day, 2, 0, 0, 0, time.UTC) }
	n := uint64(0)
	s := &review.Service{DB: d, Audit: lg, Seed: func() (uint64, error) { n++; return n, nil }}
	logf("timing %d stored draws on %s", o.draws, engine)
	var ds []time.Duration
	for i := range o.draws {
		if err := ctx.Err(); err != nil {
			return "", stats{}, err
		}
		if i%100 == 50 && d.Dialect.Engine == db.Postgres {
			// Stand in for autovacuum, which this run outpaces: the
			// panels grow by hundreds in seconds, and a plan cached
			// while they were empty would scan them once per panel.
			if _, err := d.ExecContext(ctx, `ANALYZE panels, panel_members`); err != nil {
				return "", stats{}, err
			}
		}
		a := data.Applicants[i%len(data.Applicants)]
		start := time.Now()
		_, err := s.DrawFor(ctx, staff, "bench", int64(i+1), a, "", o.members, o.alternates)
		ds = append(ds, time.Since(start))
		if err != nil {
			return "", stats{}, fmt.Errorf("stored draw %d: %w", i, err)
		}
	}
	return engine, summarise(ds), nil
}

// load writes the staff account, the experts, their fields and relations
// in one transaction, by plain INSERTs (the registry's own CreateExpert
// would add an audit event per expert; that is not what is measured).
func load(ctx context.Context, d *db.DB, staff *auth.User, data reviewtest.Data) error {
	return d.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, username, display_name, region_code, password_hash, password_changed_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 'x', $5, $5, $5)`, staff.ID, staff.Username, staff.DisplayName, staff.RegionCode, tx.Now); err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO experts (id, registry_region, name, title, employer, region_code, available, credit, max_load, created_at, updated_at)
			VALUES ($1, '341203', $2, $3, $4, $5, $6, $7, $8, $9, $9)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		fld, err := tx.PrepareContext(ctx, `INSERT INTO expert_fields (expert_id, field) VALUES ($1, $2)`)
		if err != nil {
			return err
		}
		defer fld.Close()
		for _, e := range data.Experts {
			if _, err := ins.ExecContext(ctx, e.ID, e.Name, e.Title, e.Employer, e.RegionCode, e.Available, e.Credit, e.MaxLoad, tx.Now); err != nil {
				return err
			}
			for _, f := range e.Fields {
				if _, err := fld.ExecContext(ctx, e.ID, f); err != nil {
					return err
				}
			}
		}
		rel, err := tx.PrepareContext(ctx, `INSERT INTO expert_relations (expert_id, kind, party, since, until, created_at) VALUES ($1, $2, $3, $4, $5, $6)`)
		if err != nil {
			return err
		}
		defer rel.Close()
		for _, r := range data.Relations {
			if _, err := rel.ExecContext(ctx, r.ExpertID, r.Kind, r.Party, r.Since, r.Until, tx.Now); err != nil {
				return err
			}
		}
		if d.Dialect.Engine == db.Postgres {
			// Ids were given explicitly: move the identity past them.
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('experts', 'id'), (SELECT MAX(id) FROM experts))`); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `ANALYZE`); err != nil {
				return err
			}
		}
		return nil
	})
}
