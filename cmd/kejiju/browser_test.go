package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// newBrowser returns a chromedp context on a fresh headless Chromium. The
// test is skipped when Chromium is not installed, unless
// KEJIJU_REQUIRE_BROWSER is set (CI sets it), where it fails.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("KEJIJU_REQUIRE_BROWSER") != "" {
			t.Fatalf("KEJIJU_REQUIRE_BROWSER is set but %s is missing", chromiumPath)
		}
		t.Skip("chromium is not installed; apt-get install chromium fonts-noto-cjk")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "en-US"), // a browser that prefers English still gets Chinese first
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	// Start the browser on this context, so the shorter contexts of each
	// step do not own (and close) it.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// browser wraps the steps of a test so each failure names its step and
// leaves a screenshot.
type browser struct {
	t   *testing.T
	ctx context.Context
	url string
}

// stepTimeout bounds one step, so a missing element fails fast with a
// screenshot instead of hanging until the test's deadline.
const stepTimeout = 20 * time.Second

func (b *browser) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, stepTimeout)
}

func (b *browser) fail(step string, err error) {
	b.t.Helper()
	if png, serr := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)); serr == nil {
		path := filepath.Join(b.t.TempDir(), "failure.png")
		if dir := os.Getenv("KEJIJU_ARTIFACTS"); dir != "" {
			path = filepath.Join(dir, strings.ReplaceAll(b.t.Name(), "/", "_")+".png")
		}
		os.WriteFile(path, png, 0o644)
		b.t.Logf("screenshot: %s", path)
	}
	b.t.Fatalf("%s: %v", step, err)
}

// open navigates to path.
func (b *browser) open(path string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(b.url+path)); err != nil {
		b.fail("open "+path, err)
	}
}

// fill types values into inputs by id.
func (b *browser) fill(fields map[string]string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	for id, v := range fields {
		if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.ID(id), v)); err != nil {
			b.fail("fill #"+id, err)
		}
	}
}

// submit clicks a button and waits for the page it leads to.
func (b *browser) submit(sel string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		b.fail("click "+sel, err)
	}
}

// text returns the text of the first element matching the CSS selector.
func (b *browser) text(sel string) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.fail("read "+sel, err)
	}
	return s
}

// page returns the text of the whole page.
func (b *browser) page() string { b.t.Helper(); return b.text("body") }

func (b *browser) location() string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	l, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.fail("location", err)
	}
	return l
}

func (b *browser) login(user, password string) {
	b.t.Helper()
	b.open("/login")
	b.fill(map[string]string{"username": user, "password": password})
	b.submit("[data-testid=login]")
}

func (b *browser) logout() {
	b.t.Helper()
	b.submit("[data-testid=logout]")
}

// changePassword answers the forced password change after a first login.
func (b *browser) changePassword(old, pw string) {
	b.t.Helper()
	if !strings.HasSuffix(b.location(), "/account/password") {
		b.fail("forced password change", errString("landed on "+b.location()))
	}
	b.fill(map[string]string{"old_password": old, "password": pw, "password2": pw})
	b.submit("[data-testid=change-password]")
}

type errString string

func (e errString) Error() string { return string(e) }

// TestBrowserSpine walks the spine as people would: the system administrator
// logs in with the printed credential, switches language, adds a township
// of another district and a section staff user; the new user sees only
// their own district; five wrong passwords lock the account.
func TestBrowserSpine(t *testing.T) {
	ctx := newBrowser(t)
	ts := startServer(t, t.TempDir())
	b := &browser{t: t, ctx: ctx, url: ts.URL}

	// The login page is in Chinese although the browser prefers English.
	b.open("/login")
	if got := b.text("h1"); got != "用户登录" {
		t.Fatalf("login heading %q, want 用户登录", got)
	}

	// The printed one-time credential works and must be replaced.
	b.login("sysadmin", ts.Passwords["sysadmin"])
	b.changePassword(ts.Passwords["sysadmin"], "Xitong#Guanli2026")
	if got := b.text("[data-testid=page-title]"); !strings.Contains(got, "您好") {
		t.Fatalf("home title %q, want a Chinese greeting", got)
	}

	// English and back.
	b.submit("[data-testid=lang-en]")
	if got := b.text("[data-testid=page-title]"); !strings.Contains(got, "Welcome") {
		t.Fatalf("after switching to English the title is %q", got)
	}
	b.submit("[data-testid=lang-zh]")
	if got := b.text("[data-testid=page-title]"); !strings.Contains(got, "您好") {
		t.Fatalf("after switching back the title is %q", got)
	}

	// A township in another district (颍州区), which the new user must not see.
	b.open("/regions")
	b.fill(map[string]string{"code": "341202100", "name": "测试镇（颍州区）", "reason": "浏览器测试"})
	b.submit("form[action='/regions'] button")
	if got := b.text("[data-testid=flash]"); !strings.Contains(got, "已保存") {
		t.Fatalf("saving a region: flash %q", got)
	}

	// Bad input first: a weak password is refused with a field error.
	b.open("/admin/users/new")
	b.fill(map[string]string{"username": "liwei", "display_name": "李伟", "region_code": "341203", "password": "12345678"})
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("[data-testid=role-staff]"))); err != nil {
		b.fail("tick staff role", err)
	}
	b.submit("[data-testid=save-user]")
	if got := b.page(); !strings.Contains(got, "密码") || !strings.Contains(got, "至少") && !strings.Contains(got, "常见") {
		t.Fatalf("weak password was not refused with a field error:\n%s", got)
	}

	// Then a good one.
	b.fill(map[string]string{"password": "Keji@Bureau2026"})
	b.submit("[data-testid=save-user]")
	if got := b.text("[data-testid=initial-password]"); got != "Keji@Bureau2026" {
		t.Fatalf("initial password shown %q", got)
	}
	b.logout()

	// The staff user logs in, must change the password, and sees only the
	// district's regions.
	b.login("liwei", "Keji@Bureau2026")
	b.changePassword("Keji@Bureau2026", "Keji#Bureau2027")
	b.open("/regions")
	regions := b.text("[data-testid=regions]")
	if !strings.Contains(regions, "冉庙乡") || !strings.Contains(regions, "梧樟村") {
		t.Errorf("district staff do not see their own townships and villages:\n%s", regions)
	}
	if strings.Contains(regions, "测试镇") || strings.Contains(regions, "颍州区") {
		t.Errorf("district staff see another district's regions:\n%s", regions)
	}
	b.open("/admin/users")
	if got := b.text("main"); !strings.Contains(got, "无权") {
		t.Errorf("staff reached user administration: %q", got)
	}
	b.open("/")
	b.logout()

	// Five wrong passwords lock the account; then even the right one fails.
	for i := 1; i <= 5; i++ {
		b.login("liwei", "wrong-password")
	}
	if got := b.text("[data-testid=form-error]"); !strings.Contains(got, "锁定") {
		t.Fatalf("after 5 failures the message is %q, want a lock notice", got)
	}
	b.login("liwei", "Keji#Bureau2027")
	if got := b.text("[data-testid=form-error]"); !strings.Contains(got, "锁定") {
		t.Fatalf("a locked account logged in; message %q", got)
	}
}
