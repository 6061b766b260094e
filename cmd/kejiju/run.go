package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"kejiju/internal/app"
	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/enterprise"
	"kejiju/internal/i18n"
	"kejiju/internal/ledger"
)

const usage = `kejiju — 科技局业务管理系统 (district S&T bureau system)

Usage: kejiju <command> [flags]

Commands:
  serve          run the web server (--demo loads demo data on first start)
  migrate        apply database migrations and exit
  demo --scale district|city|province
                 generate a large deterministic dataset into an empty database
  user add       create an account (password read from stdin; empty: generated)
  user disable   disable an account:   kejiju user disable USERNAME --reason "…"
  user reset     reset a password:     kejiju user reset USERNAME
  user token     issue an API token:   kejiju user token USERNAME --name "…"
  import enterprises FILE --as USER [--dry-run]
                 import an enterprise workbook (xlsx or csv), all or nothing
  import patents FILE --as USER [--dry-run] [--source NAME]
                 import a patent list (xlsx or csv) with a saved column mapping, all or nothing
  import database DUMPDIR
                 load a dump of kejiju export into an empty database (either engine), all or nothing
  export [--out DIR]
                 write every table as an engine-neutral dump (JSON lines, SM3 manifest)
  backup         write a consistent copy of the database while it serves
  restore        restore a backup into a data directory
  verify-audit   re-walk the audit hash chain; non-zero exit names the bad entry
  verify-ledger  recompute every balance from the postings; non-zero exit names what differs
  verify-patents recount the patent statistics' rollups from the patents; non-zero exit names
                 what differs; --repair rebuilds them (audited)
  version        print the version

Common flags (or environment variables):
  --data DIR     data directory (KEJIJU_DATA, default ./kejiju-data)
  --db URL       PostgreSQL URL instead of SQLite (KEJIJU_DB)
`

// exitError carries an exit code other than 1.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }

func exitCode(err error) int {
	if e, ok := errors.AsType[exitError](err); ok {
		return e.code
	}
	return 1
}

// run is the whole program; main only wires the process to it, so tests
// can run it with their own arguments, environment and streams.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitError{2, errors.New("no command")}
	}
	cmd, rest := args[0], args[1:]
	if cmd == "user" && len(rest) > 0 {
		cmd, rest = "user "+rest[0], rest[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, rest, getenv, stdout, stderr)
	case "demo":
		var scale string
		return withApp(ctx, "demo", rest, getenv, stderr, func(fs *flag.FlagSet) {
			fs.StringVar(&scale, "scale", "", "dataset size: district, city or province (test: a tiny one)")
		}, func(a *app.App) error {
			if scale == "" {
				return exitError{2, errors.New("demo: --scale district|city|province is required")}
			}
			_, err := a.DemoScale(ctx, scale, false, stdout, stderr)
			return err
		})
	case "migrate":
		return withApp(ctx, "migrate", rest, getenv, stderr, nil, func(a *app.App) error {
			v, err := a.DB.Version(ctx)
			fmt.Fprintf(stdout, "schema version %d\n", v)
			return err
		})
	case "user add":
		return userAdd(ctx, rest, getenv, stdin, stdout, stderr)
	case "user disable", "user reset", "user token":
		return userCommand(ctx, cmd, rest, getenv, stdout, stderr)
	case "import":
		if len(rest) > 0 && rest[0] == "database" {
			return importDatabase(ctx, rest, getenv, stdout, stderr)
		}
		return importCmd(ctx, rest, getenv, stdout, stderr)
	case "export":
		return exportCmd(ctx, rest, getenv, stdout, stderr)
	case "backup":
		return backup(ctx, rest, getenv, stdout, stderr)
	case "restore":
		return restore(ctx, rest, getenv, stdout, stderr)
	case "verify-audit":
		return withApp(ctx, "verify-audit", rest, getenv, stderr, nil, func(a *app.App) error {
			r, err := audit.Verify(ctx, a.DB)
			if err != nil {
				return err
			}
			if !r.OK() {
				fmt.Fprintf(stdout, "audit chain BROKEN at entry %d: %s (%d entries checked before it)\n", r.BadSeq, r.Problem, r.Checked-1)
				return exitError{3, fmt.Errorf("audit chain broken at entry %d", r.BadSeq)}
			}
			fmt.Fprintf(stdout, "audit chain OK: %d entries, last %d\n", r.Checked, r.LastSeq)
			return nil
		})
	case "verify-ledger":
		return withApp(ctx, "verify-ledger", rest, getenv, stderr, nil, func(a *app.App) error {
			r, err := ledger.Verify(ctx, a.DB)
			if err != nil {
				return err
			}
			for _, m := range r.Mismatches {
				fmt.Fprintf(stdout, "account %s: kept balance %s, postings say %s\n", m.Code, m.Kept.Yuan(), m.FromPostings.Yuan())
			}
			for _, u := range r.Unbalanced {
				fmt.Fprintf(stdout, "transaction %d: %d postings summing to %s\n", u.TransactionID, u.Postings, u.Sum.Yuan())
			}
			for _, code := range r.Negative {
				fmt.Fprintf(stdout, "account %s is below zero\n", code)
			}
			if !r.OK() {
				return exitError{3, fmt.Errorf("ledger does not verify")}
			}
			fmt.Fprintf(stdout, "ledger OK: %d accounts, %d transactions, %d postings\n", r.Accounts, r.Transactions, r.Postings)
			return nil
		})
	case "verify-patents":
		var repair bool
		return withApp(ctx, "verify-patents", rest, getenv, stderr, func(fs *flag.FlagSet) {
			fs.BoolVar(&repair, "repair", false, "rebuild the rollups from the patents")
		}, func(a *app.App) error {
			if repair {
				n, err := a.Patents.RepairRollups(ctx, "kejiju verify-patents --repair")
				if err != nil {
					return err
				}
				fmt.Fprintf(stdout, "patent rollups rebuilt (%d rows differed)\n", n)
			}
			diffs, err := a.Patents.VerifyRollups(ctx)
			if err != nil {
				return err
			}
			for _, d := range diffs {
				fmt.Fprintln(stdout, d)
			}
			if len(diffs) > 0 {
				return exitError{3, fmt.Errorf("patent rollups differ from the patents in %d rows", len(diffs))}
			}
			var n int
			if err := a.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM patents`).Scan(&n); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "patent rollups OK: %d patents recounted\n", n)
			return nil
		})
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "kejiju", app.Version)
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return exitError{2, fmt.Errorf("unknown command %q", strings.Join(args[:min(2, len(args))], " "))}
}

// flags returns the common flag set of a command, with defaults from the
// environment.
func flags(name string, getenv func(string) string, stderr io.Writer, cfg *app.Config) *flag.FlagSet {
	env := func(k, def string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", env("KEJIJU_DATA", "kejiju-data"), "data directory")
	fs.StringVar(&cfg.DBURL, "db", env("KEJIJU_DB", ""), "PostgreSQL URL (default: SQLite in the data directory)")
	fs.StringVar(&cfg.BureauName, "bureau", env("KEJIJU_BUREAU", "阜阳市颍东区科学技术局"), "the bureau's name")
	fs.StringVar(&cfg.AuditHash, "audit-hash", env("KEJIJU_AUDIT_HASH", audit.SM3), "audit chain hash: sm3 or sha256")
	return fs
}

// withApp parses the common flags, opens the app and runs fn.
func withApp(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer, extra func(*flag.FlagSet), fn func(*app.App) error) error {
	var cfg app.Config
	fs := flags(name, getenv, stderr, &cfg)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return exitError{2, err}
	}
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a)
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg app.Config
	fs := flags("serve", getenv, stderr, &cfg)
	fs.StringVar(&cfg.Addr, "addr", firstNonEmpty(getenv("KEJIJU_ADDR"), "127.0.0.1:8080"), "listen address")
	fs.BoolVar(&cfg.Demo, "demo", getenv("KEJIJU_DEMO") == "1", "load demo data on first start")
	fs.BoolVar(&cfg.SecureCookie, "secure-cookie", getenv("KEJIJU_SECURE_COOKIE") == "1", "mark cookies Secure (serving behind TLS)")
	if err := fs.Parse(args); err != nil {
		return exitError{2, err}
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	start := time.Now()
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Bootstrap(ctx, stdout); err != nil {
		return err
	}
	debug.FreeOSMemory() // give back what first-start password hashing took
	var ready atomic.Bool
	srv, err := a.Server(ready.Load)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}
	ready.Store(true)
	fmt.Fprintf(stdout, "kejiju %s serving on http://%s (%s, ready in %d ms)\n", app.Version, ln.Addr(), redactDB(cfg), time.Since(start).Milliseconds())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	jobsDone := make(chan struct{})
	go func() { a.Jobs.Run(ctx, 2); close(jobsDone) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Graceful stop: stop accepting, let in-flight requests finish.
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = hs.Shutdown(shutdown)
	<-jobsDone // the job in hand finishes
	fmt.Fprintln(stdout, "kejiju stopped")
	return err
}

func redactDB(cfg app.Config) string {
	if cfg.DBURL != "" {
		return "PostgreSQL"
	}
	return "SQLite " + cfg.DBPath()
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// userAdd creates an account from flags, reading the password from the
// first line of stdin (never from argv, where other users could see it).
func userAdd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	var in auth.UserInput
	var roles, region, company string
	return withApp(ctx, "user add", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&company, "enterprise-code", "", "for an enterprise user: the enterprise's credit code")
		fs.StringVar(&in.Username, "username", "", "login name")
		fs.StringVar(&in.DisplayName, "name", "", "person's name")
		fs.StringVar(&roles, "role", "", "role(s), comma-separated: "+roleList())
		fs.StringVar(&region, "region", "341203", "region code of the account's data scope")
		fs.StringVar(&in.Phone, "phone", "", "mobile number")
	}, func(a *app.App) error {
		for _, r := range strings.Split(roles, ",") {
			if r = strings.TrimSpace(r); r != "" {
				in.Roles = append(in.Roles, auth.Role(r))
			}
		}
		in.RegionCode = region
		if company != "" {
			id, rc, err := (&enterprise.Service{DB: a.DB, Audit: a.Audit}).Lookup(ctx, company)
			if err != nil {
				return explain(err)
			}
			in.EnterpriseID, in.RegionCode = id, rc
		}
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return err
		}
		in.Password = strings.TrimRight(line, "\r\n")
		u, pw, err := a.Auth.CreateUser(ctx, nil, in)
		if err != nil {
			return explain(err)
		}
		fmt.Fprintf(stdout, "created user %s (id %d)\n", u.Username, u.ID)
		if in.Password == "" {
			fmt.Fprintf(stdout, "initial password (shown once, must be changed at first login): %s\n", pw)
		}
		return nil
	})
}

func roleList() string {
	s := make([]string, len(auth.Roles))
	for i, r := range auth.Roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

func userCommand(ctx context.Context, cmd string, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var reason, name string
	var username string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		username, args = args[0], args[1:]
	}
	return withApp(ctx, cmd, args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&reason, "reason", "", "reason, kept in the audit log")
		fs.StringVar(&name, "name", "cli", "token name")
	}, func(a *app.App) error {
		if username == "" {
			return exitError{2, fmt.Errorf("%s: USERNAME is required", cmd)}
		}
		u, err := a.Auth.UserByName(ctx, username)
		if err != nil {
			return explain(err)
		}
		switch cmd {
		case "user disable":
			if err := a.Auth.SetDisabled(ctx, nil, u.ID, true, reason); err != nil {
				return explain(err)
			}
			fmt.Fprintf(stdout, "disabled %s; its sessions and tokens have ended\n", u.Username)
		case "user reset":
			pw, err := a.Auth.ResetPassword(ctx, nil, u.ID, reason)
			if err != nil {
				return explain(err)
			}
			fmt.Fprintf(stdout, "new password for %s (shown once, must be changed at next login): %s\n", u.Username, pw)
		case "user token":
			tok, _, err := a.Auth.IssueToken(ctx, nil, u.ID, name, 0)
			if err != nil {
				return explain(err)
			}
			fmt.Fprintf(stdout, "%s\n", tok)
		}
		return nil
	})
}

// explain turns an application error into a sentence for the console, in
// Chinese with the English beside it.
func explain(err error) error {
	c := i18n.Default()
	zh, en := c.Printer(i18n.Chinese).Error(err), c.Printer(i18n.English).Error(err)
	if i18n.ErrorCode(err) == i18n.Internal {
		return err
	}
	return fmt.Errorf("%s / %s", zh, en)
}
