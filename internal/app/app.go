// Package app builds the whole program from its configuration: the
// database, the services, the web routes of every area, and the first-start
// bootstrap.
package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"kejiju/internal/admin"
	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/award"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/enterprise"
	"kejiju/internal/event"
	"kejiju/internal/hightech"
	"kejiju/internal/ident"
	"kejiju/internal/incubator"
	"kejiju/internal/jobs"
	"kejiju/internal/ledger"
	"kejiju/internal/patent"
	"kejiju/internal/poverty"
	"kejiju/internal/program"
	"kejiju/internal/quake"
	"kejiju/internal/region"
	"kejiju/internal/report"
	"kejiju/internal/review"
	"kejiju/internal/subsidy"
	"kejiju/internal/task"
	"kejiju/internal/visit"
	"kejiju/internal/voucher"
	"kejiju/internal/web"
)

// Version is set at build time with -ldflags "-X kejiju/internal/app.Version=…".
var Version = "dev"

// Config is the program's configuration, from flags and KEJIJU_* variables.
type Config struct {
	Addr         string // listen address, e.g. 127.0.0.1:8080
	DataDir      string // SQLite file, keys, backups
	DBURL        string // postgres://… ; empty: SQLite in DataDir
	Demo         bool   // load demo data on first start
	BureauName   string
	AuditHash    string // sm3 or sha256
	SecureCookie bool
}

// DBPath returns where the database is: the PostgreSQL URL, or the SQLite
// file in the data directory.
func (c Config) DBPath() string {
	if c.DBURL != "" {
		return c.DBURL
	}
	return filepath.Join(c.DataDir, "kejiju.db")
}

// KeyPath is the master key file, kept outside the database.
func (c Config) KeyPath() string { return filepath.Join(c.DataDir, "keys", "master.key") }

// App is the assembled program.
type App struct {
	Config   Config
	DB       *db.DB
	Audit    *audit.Log
	Auth     *auth.Service
	Regions  *region.Store
	Calendar *calendar.Store
	Jobs     *jobs.Queue
	Web      *web.Server
	Log      *slog.Logger

	Enterprises *enterprise.Service
	Vouchers    *voucher.Service
	Subsidies   *subsidy.Service
	Poverty     *poverty.Service
	Events      *event.Service
	Quake       *quake.Service
	Incubators  *incubator.Service
	Tasks       *task.Service
	Patents     *patent.Service
	// Figures are the measures of the bureau's work (see Measures) that the
	// dashboard, the half-year summary and the targets count.
	Figures *report.Catalog
}

// Open opens and migrates the database and builds the services (no web
// server; see Server). The caller closes the App.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("app: data dir: %w", err)
	}
	d, err := db.Open(ctx, cfg.DBPath())
	if err != nil {
		return nil, err
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	a, err := New(cfg, d, log)
	if err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

// New builds the services on an open, migrated database; the master key
// lives in cfg.DataDir.
func New(cfg Config, d *db.DB, log *slog.Logger) (*App, error) {
	if cfg.AuditHash == "" {
		cfg.AuditHash = audit.SM3
	}
	lg, err := audit.New(cfg.AuditHash)
	if err != nil {
		return nil, err
	}
	key, err := auth.LoadOrCreateKey(cfg.KeyPath())
	if err != nil {
		return nil, err
	}
	keys, err := auth.NewKeyring(key)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, DB: d, Audit: lg, Log: log,
		Auth:     &auth.Service{DB: d, Audit: lg, Keys: keys, Policy: auth.DefaultPolicy, Issuer: cfg.BureauName},
		Regions:  &region.Store{DB: d, Audit: lg},
		Calendar: &calendar.Store{DB: d, Audit: lg},
		Jobs:     &jobs.Queue{DB: d, Log: log, Audit: lg},
	}
	a.Enterprises = &enterprise.Service{DB: d, Audit: lg, Accounts: a.Auth}
	a.Vouchers = &voucher.Service{DB: d, Audit: lg, Enterprises: voucherEnterprises{a.Enterprises}}
	a.Subsidies = &subsidy.Service{DB: d, Audit: lg, Enterprises: subsidyEnterprises{a.Enterprises}}
	a.Poverty = &poverty.Service{DB: d, Audit: lg, Keys: keys}
	a.Events = &event.Service{DB: d, Audit: lg, Regions: a.Regions}
	a.Quake = &quake.Service{DB: d, Audit: lg, Regions: a.Regions, Trainings: quakeTrainings{a.Events}}
	a.Incubators = &incubator.Service{DB: d, Audit: lg, Enterprises: incubatorEnterprises{a.Enterprises}}
	if a.Figures, err = report.NewCatalog(Measures()...); err != nil {
		return nil, err
	}
	a.Tasks = &task.Service{DB: d, Audit: lg, Metrics: taskMetrics{d: d, catalog: a.Figures}}
	a.Patents = &patent.Service{DB: d, Audit: lg, Enterprises: patentEnterprises{a.Enterprises}}
	a.schedule()
	if err := a.Auth.LoadPolicy(context.Background()); err != nil {
		return nil, err
	}
	if err := a.Calendar.Load(context.Background()); err != nil {
		return nil, err
	}
	return a, nil
}

// Close closes the database.
func (a *App) Close() error { return a.DB.Close() }

// Server builds the web server with every area's routes.
func (a *App) Server(ready func() bool) (*web.Server, error) {
	routes := &web.Routes{}
	var nav []web.NavItem
	var tmpls []web.Templates

	ent := &enterprise.Handlers{Service: a.Enterprises, Regions: a.Regions, Patents: a.Patents}
	ent.Routes(routes)
	nav = append(nav, enterprise.Nav()...)
	tmpls = append(tmpls, enterprise.Templates())

	ht := &hightech.Handlers{Service: &hightech.Service{DB: a.DB, Audit: a.Audit, Enterprises: hightechEnterprises{ent.Service, a.Patents}}, Regions: a.Regions}
	ht.Routes(routes)
	nav = append(nav, hightech.Nav()...)
	tmpls = append(tmpls, hightech.Templates())

	reviews := &review.Service{DB: a.DB, Audit: a.Audit}
	prog := &program.Handlers{Service: &program.Service{DB: a.DB, Audit: a.Audit, Enterprises: programEnterprises{ent.Service},
		Reviews: programReviews{reviews}, Panels: programReviews{reviews}, Calendar: a.Calendar}}
	prog.Routes(routes)
	nav = append(nav, program.Nav()...)
	tmpls = append(tmpls, program.Templates())

	rev := &review.Handlers{Service: reviews, Accounts: a.Auth, Subjects: reviewSubjects(prog.Service),
		Objects: map[string]string{ApplicationPanel: "/applications/%d"}}
	rev.Routes(routes)
	nav = append(nav, review.Nav()...)
	tmpls = append(tmpls, review.Templates())

	aw := &award.Handlers{Service: &award.Service{DB: a.DB, Audit: a.Audit, Enterprises: awardEnterprises{ent.Service}, Calendar: a.Calendar}}
	aw.Routes(routes)
	nav = append(nav, award.Nav()...)
	tmpls = append(tmpls, award.Templates())

	vou := &voucher.Handlers{Service: a.Vouchers}
	vou.Routes(routes)
	nav = append(nav, voucher.Nav()...)
	tmpls = append(tmpls, voucher.Templates())

	sub := &subsidy.Handlers{Service: a.Subsidies}
	sub.Routes(routes)
	nav = append(nav, subsidy.Nav()...)
	tmpls = append(tmpls, subsidy.Templates())

	fin := &ledger.Handlers{DB: a.DB, Objects: map[string]string{"application": "/applications/", "voucher": "/vouchers/", "subsidy": "/subsidies/"}}
	fin.Routes(routes)
	nav = append(nav, ledger.Nav()...)
	tmpls = append(tmpls, ledger.Templates())

	rep := &report.Handlers{DB: a.DB, Catalog: a.Figures, Bureau: a.Config.BureauName, Goals: reportGoals(a.Tasks),
		Drafts: &report.Drafts{DB: a.DB, Audit: a.Audit}}
	rep.Routes(routes)
	nav = append(nav, report.Nav()...)
	tmpls = append(tmpls, report.Templates())
	returns, err := report.NewReturns(a.Figures, StatisticalReturns()...)
	if err != nil {
		return nil, err
	}
	ret := &report.ReturnHandlers{DB: a.DB, Returns: returns, Locks: &report.Locks{DB: a.DB, Audit: a.Audit}, Regions: a.Regions, Bureau: a.Config.BureauName}
	ret.Routes(routes)
	nav = append(nav, report.ReturnNav()...)

	inc := &incubator.Handlers{Service: a.Incubators}
	inc.Routes(routes)
	nav = append(nav, incubator.Nav()...)
	tmpls = append(tmpls, incubator.Templates())

	tsk := &task.Handlers{Service: a.Tasks}
	tsk.Routes(routes)
	nav = append(nav, task.Nav()...)
	tmpls = append(tmpls, task.Templates())

	pat := &patent.Handlers{Service: a.Patents, Regions: a.Regions}
	pat.Routes(routes)
	nav = append(nav, patent.Nav()...)
	tmpls = append(tmpls, patent.Templates())

	vis := &visit.Handlers{Service: &visit.Service{DB: a.DB, Audit: a.Audit, Enterprises: visitEnterprises{ent.Service}, Calendar: a.Calendar}, Regions: a.Regions}
	vis.Routes(routes)
	nav = append(nav, visit.Nav()...)
	tmpls = append(tmpls, visit.Templates())

	pov := &poverty.Handlers{Service: a.Poverty}
	pov.Routes(routes)
	nav = append(nav, poverty.Nav()...)
	tmpls = append(tmpls, poverty.Templates())

	evt := &event.Handlers{Service: a.Events, Regions: a.Regions}
	evt.Routes(routes)
	nav = append(nav, event.Nav()...)
	tmpls = append(tmpls, event.Templates())

	qk := &quake.Handlers{Service: a.Quake, Regions: a.Regions}
	qk.Routes(routes)
	nav = append(nav, quake.Nav()...)
	tmpls = append(tmpls, quake.Templates())

	adm := &admin.Handlers{Auth: a.Auth, Regions: a.Regions, Audit: a.Audit, Overrides: &ident.Overrides{DB: a.DB, Audit: a.Audit}, Calendar: a.Calendar}
	adm.Routes(routes)
	nav = append(nav, admin.Nav()...)
	tmpls = append(tmpls, admin.Templates())

	s, err := web.New(web.Config{BureauName: a.Config.BureauName, SecureCookie: a.Config.SecureCookie, Version: Version, Figures: a.figures(ent.Service)},
		a.Auth, routes, nav, tmpls, a.Log, ready)
	if err != nil {
		return nil, err
	}
	adm.Web, ent.Web, ht.Web, vis.Web, prog.Web, rev.Web, aw.Web, vou.Web, sub.Web = s, s, s, s, s, s, s, s, s
	fin.Web, rep.Web, pov.Web, evt.Web, qk.Web, inc.Web, tsk.Web, pat.Web = s, s, s, s, s, s, s, s
	ret.Web = s
	a.Web = s
	return s, nil
}

// Bootstrap prepares a new database: the regions, and — when there is no
// account yet — the three separated administrators with one-time
// passwords printed to out (there is no default password). With demo set
// it also adds the demo district's staff.
func (a *App) Bootstrap(ctx context.Context, out io.Writer) error {
	if _, err := a.Regions.Seed(ctx, append(region.Anhui(), region.DemoDistrict()...)); err != nil {
		return err
	}
	if err := a.Subsidies.Seed(ctx, nil); err != nil {
		return err
	}
	var n int
	if err := a.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return db.Normalize(err)
	}
	if n > 0 {
		return nil
	}
	firsts := []auth.UserInput{
		{Username: "sysadmin", DisplayName: "系统管理员", Roles: []auth.Role{auth.SysAdmin}},
		{Username: "secadmin", DisplayName: "安全管理员", Roles: []auth.Role{auth.SecAdmin}},
		{Username: "auditadmin", DisplayName: "审计管理员", Roles: []auth.Role{auth.AuditAdmin}},
	}
	if a.Config.Demo {
		firsts = append(firsts, demoUsers...)
	}
	var b strings.Builder
	b.WriteString("\n首次启动：已创建以下账号，初始密码只显示这一次，首次登录须修改密码。\n")
	b.WriteString("First start: these accounts were created; each initial password is shown only now and must be changed at first login.\n\n")
	var director *auth.User
	for _, in := range firsts {
		in.RegionCode = region.DemoDistrictCode
		u, pw, err := a.Auth.CreateUser(ctx, nil, in)
		if err != nil {
			return fmt.Errorf("app: bootstrap %s: %w", in.Username, err)
		}
		if u.Has(auth.Director) {
			director = u
		}
		fmt.Fprintf(&b, "  %-12s %-14s %s\n", u.Username, pw, u.DisplayName)
	}
	b.WriteString("\n")
	if a.Config.Demo {
		if err := a.seedDemo(ctx, director); err != nil {
			return fmt.Errorf("app: demo data: %w", err)
		}
	}
	_, err := io.WriteString(out, b.String())
	return err
}

// demoUsers are the demo district's people.
var demoUsers = []auth.UserInput{
	{Username: "juzhang", DisplayName: "王局长", Roles: []auth.Role{auth.Director}},
	{Username: "zhangsan", DisplayName: "张三（高新科）", Roles: []auth.Role{auth.Staff}},
	{Username: "caiwu", DisplayName: "李会计", Roles: []auth.Role{auth.Finance}},
}

// AuditRetention is how long audit events are kept before the nightly job
// purges them; audit.Purge refuses anything under its 184-day minimum.
var AuditRetention = 365 * 24 * time.Hour

// schedule registers the background jobs and their schedules.
func (a *App) schedule() {
	a.Jobs.Handle("audit.retention", func(ctx context.Context, _ json.RawMessage) error {
		return a.DB.InTx(ctx, func(tx *db.Tx) error {
			_, err := a.Audit.Purge(ctx, tx, tx.Now.Add(-AuditRetention), "保留期满自动清理")
			return err
		})
	})
	a.Jobs.Daily("audit.retention", 2, 30, calendar.Shanghai)

	a.Jobs.Handle("voucher.expire", func(ctx context.Context, _ json.RawMessage) error {
		_, err := a.ExpireVouchers(ctx)
		return err
	})
	a.Jobs.Daily("voucher.expire", 0, 30, calendar.Shanghai)
}

// ExpireVouchers expires, for the nightly job, every issued innovation
// voucher whose batch's validity has ended: each releases its unused
// amount back to its batch's budget. It returns how many expired.
func (a *App) ExpireVouchers(ctx context.Context) (int, error) {
	return a.Vouchers.Expire(ctx, bureau, calendar.FromTime(a.DB.Now(), calendar.Shanghai))
}

// figures composes the home page's key figures from the areas.
func (a *App) figures(ent *enterprise.Service) func(ctx context.Context, u *auth.User) ([]web.Figure, error) {
	return func(ctx context.Context, u *auth.User) ([]web.Figure, error) {
		if !u.Can(auth.PermEnterpriseView) || u.Scope().EnterpriseID > 0 {
			return nil, nil
		}
		_, n, err := ent.List(ctx, u, enterprise.Filter{Limit: 1})
		if err != nil {
			return nil, err
		}
		figs := []web.Figure{{Key: "home.card.enterprises", Value: strconv.Itoa(n), Href: "/enterprises"}}
		if u.Can(auth.PermTaskView) {
			// The overdue reminder: responsibility tasks past their deadline and not done.
			n, err := a.Tasks.OverdueCount(ctx, u)
			if err != nil {
				return nil, err
			}
			figs = append(figs, web.Figure{Key: "home.card.tasks_overdue", Value: strconv.Itoa(n), Href: "/tasks/overdue"})
		}
		return figs, nil
	}
}
