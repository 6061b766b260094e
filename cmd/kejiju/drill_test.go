package main

import (
	"database/sql"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestBackupDrillUnderWriteLoad is the restore drill (T-BAK-01, T-BAK-02,
// T-BAK-06): while four clients keep logging in (each answered login is a
// committed session and audit event), `kejiju backup --drill` takes an
// online backup, restores it into an empty folder and verifies it. Every
// login answered before the backup began is in the restored copy, the
// copy's tables equal the backup's, its integrity check, audit chain and
// ledger pass, the writers were never stopped, and the drill is recorded in
// the live audit log.
func TestBackupDrillUnderWriteLoad(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir, "--demo")
	pw := ts.Passwords["zhangsan"]
	loginsOK := func(path string) int {
		t.Helper()
		raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		var n int
		if err := raw.QueryRow(`SELECT COUNT(*) FROM audit_events WHERE action = 'login.ok'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	base := loginsOK(filepath.Join(dir, "kejiju.db"))

	var acked atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var failures atomic.Int64
	for range 4 {
		wg.Go(func() {
			c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := c.PostForm(ts.URL+"/login", url.Values{"username": {"zhangsan"}, "password": {pw}})
				if err != nil {
					failures.Add(1)
					continue
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusSeeOther {
					acked.Add(1)
				} else {
					failures.Add(1)
				}
			}
		})
	}
	for acked.Load() < 8 && failures.Load() == 0 { // the writers are under way
		time.Sleep(10 * time.Millisecond)
	}
	before := acked.Load()
	restored := filepath.Join(t.TempDir(), "restored")
	out, err := kejiju(t, "", "backup", "--data", dir, "--out", filepath.Join(t.TempDir(), "drill.db"), "--drill", "--restore-to", restored)
	during := acked.Load() - before
	close(stop)
	wg.Wait()
	if err != nil || !strings.Contains(out, "restore drill ok: integrity ok") || !strings.Contains(out, "audit chain ok") || !strings.Contains(out, "ledger ok") {
		t.Fatalf("drill: %v\n%s", err, out)
	}
	t.Logf("%d logins answered before the backup, %d during the drill\n%s", before, during, out)
	if failures.Load() > 0 {
		t.Errorf("%d logins failed while the backup ran", failures.Load())
	}
	if during == 0 {
		t.Errorf("no login was answered while the drill ran: the writers were held off")
	}
	if got, want := loginsOK(filepath.Join(restored, "kejiju.db")), base+int(before); got < want {
		t.Errorf("the restored copy has %d logins, but %d were acknowledged before the backup began", got, want)
	}
	ts.Stop()
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "kejiju.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var rec string
	if err := raw.QueryRow(`SELECT after_json FROM audit_events WHERE action = 'system.restore_drill'`).Scan(&rec); err != nil || !strings.Contains(rec, `"ok":true`) || !strings.Contains(rec, `"integrity":"ok"`) {
		t.Errorf("the drill is not recorded: %v %s", err, rec)
	}
	if out, err := kejiju(t, "", "verify-audit", "--data", restored); err != nil {
		t.Errorf("verify-audit on the restored copy: %v\n%s", err, out)
	}
}
