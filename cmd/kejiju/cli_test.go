package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kejiju/internal/ident"

	_ "modernc.org/sqlite"
)

// kejiju runs one CLI command and returns its output and error.
func kejiju(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errb)
	return out.String() + errb.String(), err
}

// TestVerifyAuditNamesTamperedEntry changes one audit row directly in the
// database file: verify-audit must fail and name it.
func TestVerifyAuditNamesTamperedEntry(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir, "--demo")
	login(t, ts.URL, "zhangsan", ts.Passwords["zhangsan"]) // a few more events
	ts.Stop()

	out, err := kejiju(t, "", "verify-audit", "--data", dir)
	if err != nil || !strings.Contains(out, "audit chain OK") {
		t.Fatalf("untouched chain: %v\n%s", err, out)
	}
	raw, err := sql.Open("sqlite", filepath.Join(dir, "kejiju.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE audit_events SET actor = 'someone-else' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	out, err = kejiju(t, "", "verify-audit", "--data", dir)
	if err == nil || exitCode(err) != 3 || !strings.Contains(out, "BROKEN at entry 3") {
		t.Fatalf("tampered chain: exit %d, err %v\n%s", exitCode(err), err, out)
	}
}

func login(t *testing.T, base, user, password string) *http.Response {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/login", url.Values{"username": {user}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// TestBackupWhileServingAndRestore backs up a serving database, restores it
// into a new data directory, starts on it, and finds the same users and an
// intact audit chain.
func TestBackupWhileServingAndRestore(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir, "--demo")
	if resp := login(t, ts.URL, "juzhang", ts.Passwords["juzhang"]); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login before backup: %d", resp.StatusCode)
	}
	backupFile := filepath.Join(t.TempDir(), "kejiju.bak")
	out, err := kejiju(t, "", "backup", "--data", dir, "--out", backupFile)
	if err != nil || !strings.Contains(out, "sm3:") {
		t.Fatalf("backup while serving: %v\n%s", err, out)
	}
	srcUsers, srcAudit := counts(t, ts, "juzhang")
	ts.Stop()

	// A backup that was changed is refused.
	bad := filepath.Join(t.TempDir(), "bad.bak")
	b, _ := os.ReadFile(backupFile)
	b[len(b)/2] ^= 0xff
	os.WriteFile(bad, b, 0o600)
	sum, _ := os.ReadFile(backupFile + ".sm3")
	os.WriteFile(bad+".sm3", sum, 0o600)
	if out, err := kejiju(t, "", "restore", "--from", bad, "--data", t.TempDir()); err == nil || !strings.Contains(err.Error(), "SM3") {
		t.Errorf("a changed backup was restored: %v\n%s", err, out)
	}

	restored := t.TempDir()
	os.MkdirAll(filepath.Join(restored, "keys"), 0o700)
	key, _ := os.ReadFile(filepath.Join(dir, "keys", "master.key"))
	os.WriteFile(filepath.Join(restored, "keys", "master.key"), key, 0o600)
	out, err = kejiju(t, "", "restore", "--from", backupFile, "--data", restored)
	if err != nil || !strings.Contains(out, "audit chain ok") {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	ts2 := startServer(t, restored)
	if len(ts2.Passwords) != 0 {
		t.Errorf("the restored database was bootstrapped again: %v", ts2.Passwords)
	}
	if resp := login(t, ts2.URL, "juzhang", ts.Passwords["juzhang"]); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login on the restored data: %d", resp.StatusCode)
	}
	users, auditN := counts(t, ts2, "")
	if users != srcUsers {
		t.Errorf("restored %d users, want %d", users, srcUsers)
	}
	if auditN < srcAudit {
		t.Errorf("restored %d audit events, fewer than the %d at backup time", auditN, srcAudit)
	}
	ts2.Stop()
	if out, err := kejiju(t, "", "verify-audit", "--data", restored); err != nil {
		t.Errorf("verify-audit on the restored data: %v\n%s", err, out)
	}
}

// counts reads the number of users and audit events of a server's data dir.
func counts(t *testing.T, ts *testServer, _ string) (users, events int) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(ts.DataDir, "kejiju.db")+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if err := raw.QueryRow(`SELECT COUNT(*) FROM users`).Scan(&users); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT COUNT(*) FROM audit_events`).Scan(&events); err != nil {
		t.Fatal(err)
	}
	return users, events
}

func TestUserAddErrors(t *testing.T) {
	dir := t.TempDir()
	if out, err := kejiju(t, "", "migrate", "--data", dir); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	ts := startServer(t, dir) // seeds regions and the administrators
	ts.Stop()
	tests := []struct {
		name, stdin string
		args        []string
		want        string // part of the error, in Chinese
	}{
		{"unknown role", "", []string{"--username", "wu", "--name", "吴", "--role", "boss"}, "角色“boss”不存在"},
		{"duplicate username", "", []string{"--username", "SYSADMIN", "--name", "重名", "--role", "staff"}, "已被使用"},
		{"weak password", "abc12345\n", []string{"--username", "wuyi", "--name", "吴一", "--role", "staff"}, "密码"},
		{"unknown region", "", []string{"--username", "wuer", "--name", "吴二", "--role", "staff", "--region", "999999"}, "行政区划"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := kejiju(t, tc.stdin, append([]string{"user", "add", "--data", dir}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v (output %q), want an error containing %q", err, out, tc.want)
			}
		})
	}
	out, err := kejiju(t, "Zhengque#Mima2026\n", "user", "add", "--data", dir, "--username", "wusan", "--name", "吴三", "--role", "staff")
	if err != nil || !strings.Contains(out, "created user wusan") || strings.Contains(out, "Zhengque") {
		t.Errorf("user add: %v\n%s", err, out)
	}
	out, err = kejiju(t, "", "user", "token", "wusan", "--data", dir, "--name", "对接")
	if err != nil || !strings.HasPrefix(strings.TrimSpace(out), "kjt_") {
		t.Errorf("user token: %v\n%s", err, out)
	}
	out, err = kejiju(t, "", "user", "disable", "wusan", "--data", dir, "--reason", "离职")
	if err != nil || !strings.Contains(out, "disabled wusan") {
		t.Errorf("user disable: %v\n%s", err, out)
	}
}

func TestImportEnterprisesCLI(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir, "--demo")
	ts.Stop()
	bad := writeWorkbook(t, 300, map[int]string{5: "checksum", 250: "phone"})
	out, err := kejiju(t, "", "import", "enterprises", bad, "--data", dir, "--as", "zhangsan")
	if err == nil || !strings.Contains(out, "第6行 统一社会信用代码") || !strings.Contains(out, "第251行 联系电话") || !strings.Contains(out, "未写入任何数据") {
		t.Fatalf("bad workbook: %v\n%s", err, out)
	}
	good := writeWorkbook(t, 300, nil)
	out, err = kejiju(t, "", "import", "enterprises", good, "--data", dir, "--as", "zhangsan", "--dry-run")
	if err != nil || !strings.Contains(out, "新增300家") || !strings.Contains(out, "预检通过") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	out, err = kejiju(t, "", "import", "enterprises", good, "--data", dir, "--as", "zhangsan")
	if err != nil || !strings.Contains(out, "导入完成") || !strings.Contains(out, "写入 [####") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out, err = kejiju(t, "", "import", "enterprises", good, "--data", dir, "--as", "zhangsan")
	if err != nil || !strings.Contains(out, "无变化300家") {
		t.Errorf("repeated import: %v\n%s", err, out)
	}
	if _, err := kejiju(t, "", "import", "enterprises", good, "--data", dir, "--as", "sysadmin"); err == nil {
		t.Errorf("an administrator imported enterprises")
	}
}

// TestImportPatentsCLI imports a patent list from the command line: a bad
// check digit and a repeated number named with their rows, a dry run,
// the import, and a repeat that changes nothing.
func TestImportPatentsCLI(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir, "--demo")
	ts.Stop()
	write := func(rows []string) string {
		path := filepath.Join(t.TempDir(), "patents.csv")
		if err := os.WriteFile(path, []byte("申请号,专利名称,申请人,申请日,法律状态\n"+strings.Join(rows, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	var rows []string
	for i := range 50 {
		digits := fmt.Sprintf("2026%d%07d", 1+i%3, 8_000_000+i)
		c, _ := ident.PatentCheckChar(digits)
		rows = append(rows, fmt.Sprintf("%s.%c,测试专利%d,某大学,2026-03-%02d,在审", digits, c, i, 1+i%28))
	}
	bad := append([]string{}, rows...)
	wrong := byte('0') // a check character other than the right one
	if bad[4][13] == '0' {
		wrong = '1'
	}
	bad[4] = bad[4][:13] + string(wrong) + bad[4][14:]
	bad = append(bad, rows[10])
	out, err := kejiju(t, "", "import", "patents", write(bad), "--data", dir, "--as", "zhangsan")
	if err == nil || !strings.Contains(out, "第6行 申请号") || !strings.Contains(out, "第52行 申请号") || !strings.Contains(out, "未写入任何数据") {
		t.Fatalf("bad list: %v\n%s", err, out)
	}
	good := write(rows)
	out, err = kejiju(t, "", "import", "patents", good, "--data", dir, "--as", "zhangsan", "--dry-run")
	if err != nil || !strings.Contains(out, "新增 50 件") || !strings.Contains(out, "校验通过") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	out, err = kejiju(t, "", "import", "patents", good, "--data", dir, "--as", "zhangsan", "--source", "区局模板")
	if err != nil || !strings.Contains(out, "导入完成") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out, err = kejiju(t, "", "import", "patents", good, "--data", dir, "--as", "zhangsan")
	if err != nil || !strings.Contains(out, "无变化 50 件") {
		t.Errorf("repeated import: %v\n%s", err, out)
	}
	if _, err := kejiju(t, "", "import", "patents", good, "--data", dir, "--as", "caiwu"); err == nil {
		t.Errorf("finance imported patents")
	}
}

// TestVerifyLedger posts through the ledger, then changes a kept balance
// behind its back: verify-ledger must fail and name the account.
func TestVerifyLedger(t *testing.T) {
	dir := t.TempDir()
	out, err := kejiju(t, "", "verify-ledger", "--data", dir)
	if err != nil || !strings.Contains(out, "ledger OK: 0 accounts") {
		t.Fatalf("empty ledger: %v\n%s", err, out)
	}
	raw, err := sql.Open("sqlite", filepath.Join(dir, "kejiju.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		`INSERT INTO ledger_accounts (id, code, name, kind, normal_sign, floor_zero, region_code, balance, version, created_at) VALUES
			(1, 'fund:district:2026', '区级资金', 'equity', -1, TRUE, '341203', 100000, 1, '2026-11-29 00:00:00+00:00'),
			(2, 'budget:program:1', '项目预算', 'asset', 1, TRUE, '341203', 100000, 1, '2026-11-29 00:00:00+00:00')`,
		`INSERT INTO ledger_transactions (id, idem_key, digest, kind, object_type, object_id, memo, actor_id, actor_name, posted_at) VALUES
			(1, 'fund-1', 'x', 'fund', 'program', '1', '', NULL, 'test', '2026-11-29 00:00:00+00:00')`,
		`INSERT INTO ledger_postings (transaction_id, account_id, amount) VALUES (1, 2, 100000), (1, 1, -100000)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := kejiju(t, "", "verify-ledger", "--data", dir); err != nil || !strings.Contains(out, "2 accounts, 1 transactions, 2 postings") {
		t.Fatalf("balanced ledger: %v\n%s", err, out)
	}
	if _, err := raw.Exec(`UPDATE ledger_accounts SET balance = 90000 WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	out, err = kejiju(t, "", "verify-ledger", "--data", dir)
	if exitCode(err) != 3 || !strings.Contains(out, "account budget:program:1: kept balance 900.00, postings say 1,000.00") {
		t.Fatalf("tampered ledger: exit %d %v\n%s", exitCode(err), err, out)
	}
}

// TestVerifyPatents writes a patent behind the service's back, so the
// statistics' rollups miss it: verify-patents must fail and name the
// rows; --repair rebuilds them and the check passes.
func TestVerifyPatents(t *testing.T) {
	dir := t.TempDir()
	out, err := kejiju(t, "", "verify-patents", "--data", dir)
	if err != nil || !strings.Contains(out, "patent rollups OK: 0 patents") {
		t.Fatalf("no patents: %v\n%s", err, out)
	}
	raw, err := sql.Open("sqlite", filepath.Join(dir, "kejiju.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`INSERT INTO patents (app_no, type, title, region_code, application_date, grant_date, status, created_at, updated_at)
		VALUES ('202510000001.X', 'invention', '一种测试方法', '341203100', '2025-03-04', '2026-01-05', 'valid', '2026-11-29 00:00:00+00:00', '2026-11-29 00:00:00+00:00')`); err != nil {
		t.Fatal(err)
	}
	out, err = kejiju(t, "", "verify-patents", "--data", dir)
	for _, want := range []string{"applied 202503 341203100 enterprise 0 invention: rollup 0, recount 1",
		"granted 202601 341203100 enterprise 0 invention: rollup 0, recount 1", "valid_invention 202601 341203100 all enterprises invention: rollup 0, recount 1"} {
		if exitCode(err) != 3 || !strings.Contains(out, want) {
			t.Fatalf("a patent behind the rollups: exit %d %v, want %q\n%s", exitCode(err), err, want, out)
		}
	}
	out, err = kejiju(t, "", "verify-patents", "--data", dir, "--repair")
	if err != nil || !strings.Contains(out, "rebuilt (6 rows differed)") || !strings.Contains(out, "patent rollups OK: 1 patents") {
		t.Fatalf("repair: %v\n%s", err, out)
	}
	var events int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM audit_events WHERE action = 'patent.rollups.rebuild'`).Scan(&events); err != nil || events != 1 {
		t.Fatalf("repair audit events: %d %v", events, err)
	}
}
