package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"kejiju/internal/app"
	"kejiju/internal/audit"
	"kejiju/internal/db"
	"kejiju/internal/enterprise"
)

// exportCmd writes the whole database as an engine-neutral dump (a JSON
// lines file per table and an SM3 manifest) and audits it.
func exportCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var out string
	return withApp(ctx, "export", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "folder to write the dump to (default: DATA/exports/kejiju-YYYYMMDD-HHMMSS)")
	}, func(a *app.App) error {
		if out == "" {
			out = filepath.Join(a.Config.DataDir, "exports", "kejiju-"+time.Now().Format("20060102-150405"))
		}
		m, err := db.Export(ctx, a.DB, out)
		if err != nil {
			return err
		}
		digest, err := os.ReadFile(filepath.Join(out, "manifest.sm3"))
		if err != nil {
			return err
		}
		sum := strings.Fields(string(digest))[0]
		var rows int64
		for _, t := range m.Tables {
			rows += t.Rows
		}
		err = a.DB.InTx(ctx, func(tx *db.Tx) error {
			_, err := a.Audit.Append(ctx, tx, audit.Event{Action: "system.export", ObjectType: "database", ObjectID: filepath.Base(out),
				After: audit.JSON(map[string]any{"manifest_sm3": sum, "tables": len(m.Tables), "rows": rows, "schema_version": m.SchemaVersion})})
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "export written: %s (%s, schema %d, %d tables, %d rows)\nmanifest sm3: %s\n", out, m.Engine, m.SchemaVersion, len(m.Tables), rows, sum)
		return nil
	})
}

// importDatabase loads a dump into an empty database of either engine, all
// or nothing, then rebuilds SQLite's search index and audits the import in
// the same transaction. The master key must already be in the data folder.
func importDatabase(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) < 2 || strings.HasPrefix(args[1], "-") {
		return exitError{2, errors.New("usage: kejiju import database DUMPDIR [--data DIR | --db postgres://…]")}
	}
	dir := args[1]
	m, err := db.ReadManifest(dir)
	if err != nil {
		return err
	}
	var cfg app.Config
	fs := flags("import", getenv, stderr, &cfg)
	if err := fs.Parse(args[2:]); err != nil {
		return exitError{2, err}
	}
	if _, err := os.Stat(cfg.KeyPath()); err != nil {
		return fmt.Errorf("import: no master key at %s: copy the source's keys/master.key there first, or sealed fields cannot be read", cfg.KeyPath())
	}
	return withApp(ctx, "import", args[2:], getenv, stderr, nil, func(a *app.App) error {
		digest, _ := os.ReadFile(filepath.Join(dir, "manifest.sm3"))
		var rows int64
		_, err := db.Import(ctx, a.DB, dir, db.ImportOptions{
			Progress: func(table string, n int64) { rows += n; fmt.Fprintf(stderr, "\r载入 %-40s %d", table, n) },
			After: func(ctx context.Context, tx *db.Tx) error {
				if err := enterprise.RebuildSearch(ctx, tx); err != nil {
					return err
				}
				_, err := a.Audit.Append(ctx, tx, audit.Event{Action: "system.import", ObjectType: "database", ObjectID: filepath.Base(dir),
					After: audit.JSON(map[string]any{"manifest_sm3": strings.Fields(string(digest) + " ")[0], "from": m.Engine, "tables": len(m.Tables), "schema_version": m.SchemaVersion})})
				return err
			},
		})
		fmt.Fprintln(stderr)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "imported %s into %s: %d tables, %d rows, every table's checksum verified\n", dir, redactDB(cfg), len(m.Tables), rows)
		return nil
	})
}
