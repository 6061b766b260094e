package main

import (
	"fmt"
	"strings"
	"testing"

	"kejiju/internal/calendar"
)

// TestBrowserFieldWork records, as section staff, an evacuation drill at a
// school and a quake training with its sign-in sheet; then 冉庙乡's
// township assistant logs in and sees its township's drills and the
// training, not 插花镇's drill from the demo data, which by its address is
// not found.
func TestBrowserFieldWork(t *testing.T) {
	ctx := newBrowser(t)
	dir := t.TempDir()
	ts := startServer(t, dir, "--demo")
	pw := ts.Passwords
	ts.Stop()
	if out, err := kejiju(t, "Zhuli#Mima2026\n", "user", "add", "--data", dir, "--username", "ranmiao", "--name", "冉庙乡防震减灾助理员",
		"--role", "assistant", "--region", "341203200"); err != nil {
		t.Fatalf("user add ranmiao: %v\n%s", err, out)
	}
	ts = startServer(t, dir)
	b := &browser{t: t, ctx: ctx, url: ts.URL}
	today := calendar.Today(nil).String()

	b.login("zhangsan", pw["zhangsan"])
	b.changePassword(pw["zhangsan"], "Gaoxin#Keji2026")
	b.open("/quake/drills")
	b.submit("[data-testid=new-drill]")
	b.fill(map[string]string{"drill_region": "341203200", "drill_site_kind": "school", "drill_site": "梧樟小学", "drill_date": today,
		"drill_scenario": "上课期间发生地震", "drill_participants": "186", "drill_duration": "20", "drill_evacuation": "95",
		"drill_rating": "excellent", "drill_evaluation": "两分钟内全部撤离到操场。"})
	b.submit("[data-testid=save-drill]")
	drillPath := strings.TrimPrefix(b.location(), ts.URL)
	if got := b.text("[data-testid=participants]"); got != "186" || !strings.HasPrefix(drillPath, "/quake/drills/") {
		t.Fatalf("after saving the drill, %s shows participants %q:\n%s", drillPath, got, b.page())
	}
	if facts := b.text("[data-testid=drill-facts]"); !strings.Contains(facts, "梧樟小学") || !strings.Contains(facts, "优秀") ||
		!strings.Contains(facts, calendar.Today(nil).Chinese()) {
		t.Fatalf("drill facts:\n%s", facts)
	}

	b.open("/events/new?kind=training&domain=quake&region=341203200")
	b.fill(map[string]string{"event_title": "冉庙乡防震减灾知识培训", "event_date": today, "event_place": "冉庙乡政府会议室", "event_planned": "20",
		"event_attendees": "周伟，冉庙乡人民政府，13805581202\n王芳，梧樟村委会\n赵强，冉庙村委会\n孙丽"})
	b.submit("[data-testid=save-event]")
	trainingPath := strings.TrimPrefix(b.location(), ts.URL)
	if got := b.text("[data-testid=attended]"); got != "4" {
		t.Fatalf("after saving the training, %s shows attended %q:\n%s", trainingPath, got, b.page())
	}
	if sheet := b.text("[data-testid=attendees]"); !strings.Contains(sheet, "梧樟村委会") || !strings.Contains(sheet, "孙丽") {
		t.Fatalf("sign-in sheet:\n%s", sheet)
	}
	b.open("/quake/drills?region=341203101")
	chahua := b.count(`parseInt(document.querySelector('[data-testid=drills] tbody a').getAttribute('href').split('/').pop())`)
	b.logout()

	b.login("ranmiao", "Zhuli#Mima2026")
	b.changePassword("Zhuli#Mima2026", "Zhuli#Mima2027")
	b.open("/quake/drills")
	list := b.text("[data-testid=drills]")
	if !strings.Contains(list, "梧樟小学") || !strings.Contains(list, "冉庙乡中心学校") || strings.Contains(list, "插花镇") || strings.Contains(list, "口孜镇") {
		t.Fatalf("冉庙乡's assistant's drills:\n%s", list)
	}
	b.open(fmt.Sprintf("/quake/drills/%d", chahua))
	if body := b.page(); !strings.Contains(body, "未找到该记录") || strings.Contains(body, "插花镇第一小学") {
		t.Fatalf("插花镇's drill as 冉庙乡's assistant:\n%s", body)
	}
	b.open("/events?domain=quake")
	if events := b.text("[data-testid=events]"); !strings.Contains(events, "冉庙乡防震减灾知识培训") || strings.Contains(events, "全区防震减灾助理员业务培训") {
		t.Fatalf("冉庙乡's assistant's quake events:\n%s", events)
	}
	b.open("/quake/summary")
	if sum := b.text("[data-testid=quake-summary]"); !strings.Contains(sum, "冉庙乡") || strings.Contains(sum, "插花镇") {
		t.Fatalf("冉庙乡's assistant's summary:\n%s", sum)
	}
}
