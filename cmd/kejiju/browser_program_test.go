package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kejiju/internal/calendar"
	"kejiju/internal/enterprise"
)

// set types v into the first element matching the CSS selector.
func (b *browser) set(sel, v string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(sel), v)); err != nil {
		b.fail("set "+sel, err)
	}
}

// count runs a script in the page that returns a number.
func (b *browser) count(js string) int {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](js))
	if err != nil {
		b.fail("eval "+js, err)
	}
	return n
}

// wantState checks the state label of the application page.
func (b *browser) wantState(step, want string) {
	b.t.Helper()
	if got := b.text("[data-testid=state]"); got != want {
		b.fail(step, errString(fmt.Sprintf("state %q, want %q; page:\n%s", got, want, b.page())))
	}
}

// act takes a lifecycle action from the application page.
func (b *browser) act(action string) {
	b.t.Helper()
	b.submit("[data-testid=action-" + action + "] button")
}

// TestBrowserProgramReview walks a district plan project from the call to
// its approval: staff publish a call; an enterprise applies (a double click
// on submit makes one submission); staff return it with a reason on a field
// and the enterprise resubmits; staff send it to experts and draw a panel;
// the drawn expert signs the declaration and scores; staff close the panel,
// rank and propose; the director approves (立项, then 公示).
func TestBrowserProgramReview(t *testing.T) {
	ctx := newBrowser(t)
	dir := t.TempDir()
	ts := startServer(t, dir, "--demo")
	pw := ts.Passwords
	ts.Stop()

	// Accounts: an enterprise user of the first demo enterprise and three
	// expert accounts (which one is drawn is up to the seed).
	code := enterprise.SampleCode(900001)
	if out, err := kejiju(t, "Qiye#Mima2026\n", "user", "add", "--data", dir, "--username", "qiye1", "--name", "企业联系人",
		"--role", "enterprise", "--enterprise-code", code); err != nil {
		t.Fatalf("user add qiye1: %v\n%s", err, out)
	}
	experts := map[string]string{"陈专家": "zj1", "林专家": "zj2", "赵专家": "zj3"}
	for name, user := range experts {
		if out, err := kejiju(t, "Pingshen#Mima2026\n", "user", "add", "--data", dir, "--username", user, "--name", name, "--role", "expert"); err != nil {
			t.Fatalf("user add %s: %v\n%s", user, err, out)
		}
	}
	ts = startServer(t, dir)
	b := &browser{t: t, ctx: ctx, url: ts.URL}

	// Staff publish a call through the form, and register the experts.
	b.login("zhangsan", pw["zhangsan"])
	b.changePassword(pw["zhangsan"], "Gaoxin#Keji2026")
	now := time.Now().In(calendar.Shanghai)
	b.open("/calls/new")
	b.fill(map[string]string{"title": "浏览器测试区科技计划项目", "opens_at": now.Add(-24 * time.Hour).Format("2006-01-02T15:04"),
		"closes_at": now.Add(30 * 24 * time.Hour).Format("2006-01-02T15:04"), "budget": "40万元"})
	b.submit("form[action='/calls'] button[type=submit]")
	callURL := b.location()
	if !strings.Contains(callURL, "/calls/") {
		t.Fatalf("saving the call landed on %s:\n%s", callURL, b.page())
	}
	b.submit("[data-testid=open-call]")
	if got := b.page(); !strings.Contains(got, "已发布") {
		t.Fatalf("the call is not published:\n%s", got)
	}
	for name, user := range experts {
		b.open("/experts/new")
		b.fill(map[string]string{"expert_name": name, "expert_title": "教授", "expert_employer": "阜阳师范大学" + user,
			"expert_fields": "电子信息", "phone": "13800000001", "expert_user": user})
		b.submit("[data-testid=save-expert]")
		if got := b.text("h1"); got != name {
			t.Fatalf("saving expert %s: page %q\n%s", name, got, b.page())
		}
	}
	b.open("/experts")
	if got := b.text("[data-testid=experts]"); strings.Count(got, "已关联账号") != 3 {
		t.Fatalf("the registry does not list the three linked experts:\n%s", got)
	}
	b.logout()

	// The enterprise applies; a double click on submit submits once.
	b.login("qiye1", "Qiye#Mima2026")
	b.changePassword("Qiye#Mima2026", "Qiye#Mima2027")
	b.open(strings.TrimPrefix(callURL, ts.URL))
	b.submit("[data-testid=apply]")
	appPath := strings.TrimPrefix(b.location(), ts.URL)
	b.wantState("draft", "草稿")
	b.fill(map[string]string{"f_project_name": "智能传感器"})
	b.count(`(() => { const btn = document.querySelector('[data-testid=submit]'); btn.click(); btn.click(); return 2 })()`)
	deadline := time.Now().Add(15 * time.Second)
	for {
		time.Sleep(300 * time.Millisecond)
		b.open(appPath)
		if b.text("[data-testid=state]") == "已申报" || time.Now().After(deadline) {
			break
		}
	}
	b.wantState("double-click submit", "已申报")
	submits := b.count(`document.querySelectorAll('[data-testid=history] tr[data-action=submit]').length`)
	if submits != 1 {
		t.Fatalf("a double click made %d submissions:\n%s", submits, b.text("[data-testid=history]"))
	}
	b.logout()

	// Staff receive it and return it with a reason on the project name.
	b.login("zhangsan", "Gaoxin#Keji2026")
	b.open(strings.TrimPrefix(callURL, ts.URL))
	if got := b.text("[data-testid=call-applications]"); strings.Count(got, "已申报") != 1 {
		t.Fatalf("staff do not see exactly one submitted application:\n%s", got)
	}
	b.open(appPath)
	b.act("receive")
	b.wantState("receive", "形式审查")
	b.set("[data-testid=action-return] input[name=reason_project_name]", "项目名称过于笼统，请写明具体产品")
	b.set("[data-testid=action-return] input[name=reason]", "材料需补正")
	b.act("return")
	b.wantState("return", "退回修改")
	b.logout()

	// The enterprise sees the reason next to the field and resubmits.
	b.login("qiye1", "Qiye#Mima2027")
	b.open(appPath)
	if got := b.text("[data-testid=reason-f_project_name]"); !strings.Contains(got, "项目名称过于笼统") {
		t.Fatalf("the return reason shown at the field is %q", got)
	}
	b.fill(map[string]string{"f_project_name": "面向工业物联网的智能压力传感器研发"})
	b.submit("[data-testid=submit]")
	b.wantState("resubmit", "形式审查")
	b.logout()

	// Staff send it to the experts and draw a panel of one from the three.
	b.login("zhangsan", "Gaoxin#Keji2026")
	b.open(appPath)
	b.act("send_to_experts")
	b.wantState("send to experts", "专家评审")
	b.fill(map[string]string{"panel_field": "电子信息", "panel_size": "2", "panel_alternates": "1"})
	b.submit("[data-testid=draw]")
	if got := b.text("[data-testid=form-error]"); !strings.Contains(got, "少于抽取人数2的3倍") {
		t.Fatalf("a pool of 3 for a panel of 2 was not refused clearly: %q", got)
	}
	b.fill(map[string]string{"panel_field": "电子信息", "panel_size": "1", "panel_alternates": "2"})
	b.submit("[data-testid=draw]")
	panelPath := strings.TrimPrefix(b.location(), ts.URL)
	if !strings.HasPrefix(panelPath, "/panels/") {
		t.Fatalf("the draw led to %s:\n%s", panelPath, b.page())
	}
	record := b.text("[data-testid=draw-record]")
	for _, want := range []string{"chacha8-fisher-yates-v1", "陈专家", "林专家", "赵专家"} {
		if !strings.Contains(record, want) {
			t.Errorf("the draw record lacks %q:\n%s", want, record)
		}
	}
	b.submit("[data-testid=replay]")
	if got := b.text("[data-testid=replay-result]"); !strings.Contains(got, "复核一致") {
		t.Errorf("replay: %q", got)
	}
	b.submit("[data-testid=save-rubric]")
	roster := b.text("[data-testid=roster]")
	member := ""
	for _, line := range strings.Split(roster, "\n") {
		if strings.Contains(line, "已邀请") {
			for name := range experts {
				if strings.Contains(line, name) {
					member = name
				}
			}
		}
	}
	if member == "" {
		t.Fatalf("no invited member in the roster:\n%s", roster)
	}
	b.open(appPath)
	if got := b.text("[data-testid=expert-panel]"); !strings.Contains(got, "评审中") {
		t.Errorf("the application page does not link its panel: %q", got)
	}
	b.logout()

	// The drawn expert signs the declaration, then reads and scores.
	b.login(experts[member], "Pingshen#Mima2026")
	b.changePassword("Pingshen#Mima2026", "Pingshen#Mima2027")
	b.open("/my/reviews")
	b.submit("[data-testid=assignments] a")
	if got := b.text("[data-testid=seat-status]"); got != "已邀请" {
		t.Fatalf("seat status before signing %q", got)
	}
	if strings.Contains(b.page(), "面向工业物联网") {
		t.Fatal("the expert reads the application before signing the declaration")
	}
	b.submit("[data-testid=sign]")
	if got := b.text("[data-testid=seat-status]"); got != "已接受" {
		t.Fatalf("seat status after signing %q", got)
	}
	if got := b.text("[data-testid=subject]"); !strings.Contains(got, "面向工业物联网的智能压力传感器研发") {
		t.Fatalf("the expert does not see the application after signing: %q", got)
	}
	b.fill(map[string]string{"score_innovation": "26", "score_feasibility": "21", "score_benefit": "20", "score_foundation": "17",
		"score_comment": "创新性较强，建议立项"})
	b.submit("[data-testid=submit-scores]")
	if got := b.text("[data-testid=my-total]"); !strings.Contains(got, "总分84分") {
		t.Fatalf("after scoring: %q", got)
	}
	b.logout()

	// Staff close the panel, rank and propose.
	b.login("zhangsan", "Gaoxin#Keji2026")
	b.open(panelPath)
	b.submit("[data-testid=close-panel]")
	if got := b.text("[data-testid=panel-state]"); got != "评审已结束" {
		t.Fatalf("panel state after closing %q:\n%s", got, b.page())
	}
	if got := b.text("[data-testid=trimmed-mean]"); !strings.HasPrefix(got, "84.00") {
		t.Errorf("trimmed mean %q, want 84.00", got)
	}
	b.open(appPath)
	b.act("rank")
	b.wantState("rank", "排序")
	b.act("propose")
	b.wantState("propose", "立项审批")
	b.logout()

	// The director approves: 立项, and the publicity begins.
	b.login("juzhang", pw["juzhang"])
	b.changePassword(pw["juzhang"], "Lingdao#Shenpi2026")
	b.open(appPath)
	b.act("approve")
	b.wantState("approve", "公示")
	if got := b.text("[data-testid=publicity]"); !strings.Contains(got, "至") && !strings.Contains(got, "–") {
		t.Errorf("no publicity period shown: %q", got)
	}
}
