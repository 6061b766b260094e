package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"kejiju/internal/app"
	"kejiju/internal/enterprise"
	"kejiju/internal/i18n"
	"kejiju/internal/patent"
)

// importCmd runs `kejiju import enterprises FILE [--dry-run] --as USER`
// and `kejiju import patents FILE [--dry-run] --as USER [--source NAME]`:
// the same all-or-nothing imports as the web pages, acting as USER (whose
// scope and name the import carries), with a progress bar on stderr.
func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) >= 2 && args[0] == "patents" && !strings.HasPrefix(args[1], "-") {
		return importPatents(ctx, args, getenv, stdout, stderr)
	}
	if len(args) < 2 || args[0] != "enterprises" || strings.HasPrefix(args[1], "-") {
		return exitError{2, errors.New("usage: kejiju import enterprises|patents FILE.xlsx|FILE.csv --as USERNAME [--dry-run] [--reason …] [--source NAME (patents)]")}
	}
	file := args[1]
	var as, reason string
	var dryRun bool
	return withApp(ctx, "import", args[2:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "the staff member the import is made by (their scope applies)")
		fs.BoolVar(&dryRun, "dry-run", false, "check every row and count, write nothing")
		fs.StringVar(&reason, "reason", "", "reason kept with every change")
	}, func(a *app.App) error {
		if as == "" {
			return exitError{2, errors.New("import: --as USERNAME is required")}
		}
		u, err := a.Auth.UserByName(ctx, as)
		if err != nil {
			return explain(err)
		}
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		fmt.Fprintf(stderr, "读取 %s …\n", file)
		rows, err := enterprise.ReadRows(f, file)
		if err != nil {
			return explain(err)
		}
		tree, err := a.Regions.Tree(ctx)
		if err != nil {
			return err
		}
		if reason == "" {
			reason = "命令行导入：" + file
		}
		svc := &enterprise.Service{DB: a.DB, Audit: a.Audit, Accounts: a.Auth}
		rep, err := svc.Import(ctx, u, tree, rows, enterprise.ImportOptions{DryRun: dryRun, Reason: reason, Progress: progressBar(stderr)})
		if err != nil {
			return explain(err)
		}
		p := i18n.Default().Printer(i18n.Chinese)
		for _, e := range rep.Errors {
			fmt.Fprintf(stdout, "第%d行 %s：%s\n", e.Row, columnOf(e.Field), p.T(e.Key, e.Args...))
		}
		fmt.Fprintln(stdout, p.T("enterprise.import.summary", rep.Total, rep.New, rep.Updated, rep.Unchanged))
		switch {
		case len(rep.Errors) > 0:
			fmt.Fprintln(stdout, p.T("enterprise.import.nothing_written"))
			return exitError{1, fmt.Errorf("%d problems; nothing imported", len(rep.Errors))}
		case dryRun:
			fmt.Fprintln(stdout, p.T("enterprise.import.preview_ok"))
		default:
			fmt.Fprintln(stdout, p.T("enterprise.import.done"))
		}
		return nil
	})
}

// importPatents imports a patent list, read with the headers of the
// source's saved column mapping (--source) as well as the usual ones.
func importPatents(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	file := args[1]
	var as, reason, source string
	var dryRun bool
	return withApp(ctx, "import", args[2:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&as, "as", "", "the staff member the import is made by (their scope applies)")
		fs.BoolVar(&dryRun, "dry-run", false, "check every row and count, write nothing")
		fs.StringVar(&reason, "reason", "", "reason kept in the audit log")
		fs.StringVar(&source, "source", "", "the source whose saved column mapping applies (e.g. incoPat)")
	}, func(a *app.App) error {
		if as == "" {
			return exitError{2, errors.New("import: --as USERNAME is required")}
		}
		u, err := a.Auth.UserByName(ctx, as)
		if err != nil {
			return explain(err)
		}
		mapping, err := a.Patents.Mapping(ctx, source)
		if err != nil {
			return err
		}
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		fmt.Fprintf(stderr, "读取 %s …\n", file)
		rows, err := patent.ReadRows(f, file, patent.SheetFor(mapping))
		if err != nil {
			return explain(err)
		}
		tree, err := a.Regions.Tree(ctx)
		if err != nil {
			return err
		}
		if reason == "" {
			reason = "命令行导入：" + file
		}
		rep, err := a.Patents.Import(ctx, u, tree, rows, patent.ImportOptions{DryRun: dryRun, Source: source, Reason: reason, Progress: progressBar(stderr)})
		if err != nil {
			return explain(err)
		}
		p := i18n.Default().Printer(i18n.Chinese)
		for _, e := range rep.Errors {
			fmt.Fprintf(stdout, "第%d行 %s：%s\n", e.Row, patentColumn(e.Field), p.T(e.Key, e.Args...))
		}
		fmt.Fprintln(stdout, p.T("patent.import.summary", rep.Total, rep.New, rep.Updated, rep.Unchanged, rep.StatusChanges))
		switch {
		case len(rep.Errors) > 0:
			fmt.Fprintln(stdout, p.T("patent.import.nothing_written"))
			return exitError{1, fmt.Errorf("%d problems; nothing imported", len(rep.Errors))}
		case dryRun:
			fmt.Fprintln(stdout, p.T("patent.import.preview_ok"))
		default:
			fmt.Fprintln(stdout, p.T("patent.import.done"))
		}
		return nil
	})
}

// patentColumn names a field of the patent list by its header.
func patentColumn(key string) string {
	for _, c := range patent.Sheet.Columns {
		if c.Key == key {
			return c.Header
		}
	}
	return key
}

// columnOf names a field by its header in the workbook.
func columnOf(key string) string {
	for _, c := range enterprise.Sheet.Columns {
		if c.Key == key {
			return c.Header
		}
	}
	return key
}

// progressBar draws [#####-----] 12,000/100,000 on one line per stage.
func progressBar(w io.Writer) func(stage string, done, total int) {
	names := map[string]string{"check": "校验", "write": "写入"}
	return func(stage string, done, total int) {
		const width = 30
		n := width * done / max(total, 1)
		fmt.Fprintf(w, "\r%s [%s%s] %d/%d", names[stage], strings.Repeat("#", n), strings.Repeat("-", width-n), done, total)
		if done == total {
			fmt.Fprintln(w)
		}
	}
}
