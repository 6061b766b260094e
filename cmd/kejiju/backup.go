package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"kejiju/internal/app"
	"kejiju/internal/audit"
	"kejiju/internal/db"
)

// backup writes a snapshot of the SQLite database and an SM3 digest file
// beside it. The master key is not in the backup: keep keys/master.key
// apart from it, as the deployment guide says.
func backup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var out string
	return withApp(ctx, "backup", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "backup file to write (default: DATA/backups/kejiju-YYYYMMDD-HHMMSS.db)")
	}, func(a *app.App) error {
		if out == "" {
			out = filepath.Join(a.Config.DataDir, "backups", "kejiju-"+time.Now().Format("20060102-150405")+".db")
		}
		if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
			return err
		}
		if err := a.DB.Backup(ctx, out); err != nil {
			return err
		}
		sum, err := sm3File(out)
		if err != nil {
			return err
		}
		if err := os.WriteFile(out+".sm3", []byte(sum+"  "+filepath.Base(out)+"\n"), 0o600); err != nil {
			return err
		}
		err = a.DB.InTx(ctx, func(tx *db.Tx) error {
			_, err := a.Audit.Append(ctx, tx, audit.Event{Action: "system.backup", ObjectType: "database", ObjectID: filepath.Base(out), After: audit.JSON(map[string]string{"sm3": sum})})
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "backup written: %s\nsm3: %s\n", out, sum)
		return nil
	})
}

// restore checks a backup against its digest, copies it into an empty data
// directory, and proves it: integrity check, migrations, audit chain.
func restore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg app.Config
	var from string
	fs := flags("restore", getenv, stderr, &cfg)
	fs.StringVar(&from, "from", "", "backup file")
	if err := fs.Parse(args); err != nil {
		return exitError{2, err}
	}
	if from == "" {
		return exitError{2, errors.New("restore: --from is required")}
	}
	if cfg.DBURL != "" {
		return errors.New("restore: built-in restore is for SQLite; restore PostgreSQL with its own tools")
	}
	if want, err := os.ReadFile(from + ".sm3"); err == nil {
		got, err := sm3File(from)
		if err != nil {
			return err
		}
		if f := strings.Fields(string(want)); len(f) == 0 || f[0] != got {
			return fmt.Errorf("restore: %s does not match its SM3 digest", from)
		}
	} else {
		fmt.Fprintf(stderr, "warning: no digest file %s.sm3; restoring without checking it\n", from)
	}
	target := cfg.DBPath()
	if _, err := os.Stat(target); err == nil {
		return fmt.Errorf("restore: %s already exists; restore into a new data directory", target)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return err
	}
	if err := copyFile(from, target); err != nil {
		return err
	}
	if _, err := os.Stat(cfg.KeyPath()); err != nil {
		fmt.Fprintf(stderr, "warning: no master key at %s: copy the original keys/master.key there before serving, or encrypted fields (TOTP secrets) cannot be read\n", cfg.KeyPath())
	}
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.DB.IntegrityCheck(ctx); err != nil {
		return err
	}
	r, err := audit.Verify(ctx, a.DB)
	if err != nil {
		return err
	}
	if !r.OK() {
		return fmt.Errorf("restore: audit chain broken at entry %d: %s", r.BadSeq, r.Problem)
	}
	var users int
	a.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&users)
	fmt.Fprintf(stdout, "restored into %s: integrity ok, %d users, audit chain ok (%d entries)\n", target, users, r.Checked)
	return nil
}

func sm3File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sm3.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
