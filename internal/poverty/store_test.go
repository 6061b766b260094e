package poverty_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
	"kejiju/internal/ident"
	"kejiju/internal/poverty"
	"kejiju/internal/region"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

const village = "341203200205" // 梧樟村, 冉庙乡, 颍东区

var (
	director = &auth.User{ID: 1, Username: "juzhang", DisplayName: "王局长", Roles: []auth.Role{auth.Director}, RegionCode: "341203"}
	staff    = &auth.User{ID: 2, Username: "staff", DisplayName: "张科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"}
	staff2   = &auth.User{ID: 3, Username: "staff2", DisplayName: "刘科长", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"}
	outsider = &auth.User{ID: 4, Username: "other", DisplayName: "外区科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341202"}
	finance  = &auth.User{ID: 5, Username: "caiwu", DisplayName: "李会计", Roles: []auth.Role{auth.Finance}, RegionCode: "341203"}
)

func setup(t *testing.T, d *db.DB) *poverty.Service {
	t.Helper()
	lg, err := audit.New(audit.SM3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&region.Store{DB: d, Audit: lg}).Seed(context.Background(), append(region.Anhui(), region.DemoDistrict()...)); err != nil {
		t.Fatal(err)
	}
	keys, err := auth.NewKeyring(bytes.Repeat([]byte{7}, auth.MasterKeySize))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	d.Now = func() time.Time { return at }
	return &poverty.Service{DB: d, Audit: lg, Keys: keys}
}

// idNo returns a valid resident ID number of someone born in 颍东区 on
// birth with sequence number seq.
func idNo(birth string, seq int) string {
	first17 := "341203" + strings.ReplaceAll(birth, "-", "") + fmt.Sprintf("%03d", seq)
	c, err := ident.ResidentIDCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}

func household(t *testing.T, s *poverty.Service, head, headID string) *poverty.Household {
	t.Helper()
	h, err := s.CreateHousehold(context.Background(), staff, poverty.HouseholdInput{RegionCode: village, HeadName: head, HeadID: headID,
		Phone: "138 0558 1234", MembersCount: 3, CauseCode: poverty.CauseIllness, Cadre: "赵干部"})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func errField(err error) (i18n.Code, string, string) {
	if p, ok := errors.AsType[i18n.Problems](err); ok && len(p) > 0 {
		return i18n.Invalid, p[0].Field, p[0].Key
	}
	if e, ok := errors.AsType[*i18n.Error](err); ok {
		return e.Code, e.Field, e.Key
	}
	return i18n.ErrorCode(err), "", ""
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestNoPlaintextID is the must-show of issue 7: after households and
// members are recorded with their ID numbers (and a reveal, a lookup and
// an approved change request have run), no plaintext ID number is in any
// table, in the audit log or the workflow history — and, on SQLite, not in
// the bytes of the database file and its WAL. A head's name, which is
// stored in clear, is found in the same bytes: the search itself works.
func TestNoPlaintextID(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		ctx := context.Background()
		var plain []string
		for i := range 4 {
			head := idNo(fmt.Sprintf("19%d0-0%d-1%d", 5+i, 1+i, i), 11+2*i)
			h := household(t, s, fmt.Sprintf("梧樟户主%d", i), head)
			plain = append(plain, head)
			for j := range 2 {
				m := idNo(fmt.Sprintf("198%d-0%d-2%d", i, 1+j, j), 100+10*i+j)
				if _, err := s.AddMember(ctx, staff, h.ID, poverty.MemberInput{Name: fmt.Sprintf("成员%d%d", i, j), Relation: "子女", ResidentID: m}); err != nil {
					t.Fatal(err)
				}
				plain = append(plain, m)
			}
			if i == 0 {
				got, err := s.Reveal(ctx, director, h.ID, poverty.RevealInput{Field: poverty.RevealHeadID, Reason: "入户核实户籍信息"})
				if err != nil || got != head {
					t.Fatalf("reveal: %q, %v", got, err)
				}
				if _, err := s.Lookup(ctx, staff, plain[1]); err != nil {
					t.Fatal(err)
				}
				c, err := s.CreateChange(ctx, staff, h.ID, poverty.ChangeInput{Fields: map[string]string{"members_count": "4"}, Reason: "新生儿落户"})
				if err != nil {
					t.Fatal(err)
				}
				for _, step := range []struct {
					u      *auth.User
					action string
				}{{staff, "submit"}, {staff2, "approve"}} {
					if _, err := s.Act(ctx, step.u, c.ID, step.action, ""); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		// Every text of every row of the area's tables, the audit log and
		// the workflow history.
		var texts []string
		for _, table := range []string{"poverty_households", "poverty_members", "poverty_changes", "audit_events", "workflow_history"} {
			rows, err := d.QueryContext(ctx, `SELECT * FROM `+table)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for _, v := range vals {
					texts = append(texts, fmt.Sprint(v))
				}
			}
			rows.Close()
		}
		all := strings.Join(texts, "\n")
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action = 'poverty.reveal'`); n != 1 {
			t.Fatalf("%d reveal events, want 1", n)
		}
		for _, id := range plain {
			if strings.Contains(all, id) {
				t.Errorf("plaintext ID %s found in the tables or the audit log", ident.MaskResidentID(id))
			}
			if !strings.Contains(all, poverty.MaskID(id)) {
				t.Errorf("masked ID %s not stored", poverty.MaskID(id))
			}
		}
		if !strings.Contains(all, "梧樟户主0") {
			t.Fatal("the search finds not even the head's name: it proves nothing")
		}
		if d.Path == "" {
			return
		}
		if _, err := d.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
			t.Fatal(err)
		}
		var file []byte
		for _, suffix := range []string{"", "-wal", "-shm"} {
			b, err := os.ReadFile(d.Path + suffix)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			file = append(file, b...)
		}
		if !bytes.Contains(file, []byte("梧樟户主3")) {
			t.Fatal("the database bytes hold not even the head's name: the grep proves nothing")
		}
		for _, id := range plain {
			if bytes.Contains(file, []byte(id)) {
				t.Errorf("plaintext ID %s found in the SQLite file", ident.MaskResidentID(id))
			}
		}
	})
}

// TestWrongCheckDigit: an ID number with a wrong check digit is a field
// error naming the field, and nothing is written — no household, no
// member, no audit event.
func TestWrongCheckDigit(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		ctx := context.Background()
		good := idNo("1970-02-28", 12)
		bad := good[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", good[17])+1)%11])
		events := count(t, d, `SELECT COUNT(*) FROM audit_events`)
		_, err := s.CreateHousehold(ctx, staff, poverty.HouseholdInput{RegionCode: village, HeadName: "错号户", HeadID: bad, MembersCount: 2,
			CauseCode: poverty.CauseLackSkills})
		if code, field, key := errField(err); code != i18n.Invalid || field != "head_id" || key != "ident.resident_id.checksum" {
			t.Errorf("household with a wrong check digit: %s %s %s (%v), want invalid head_id ident.resident_id.checksum", code, field, key, err)
		}
		if strings.Contains(fmt.Sprint(err), bad) {
			t.Errorf("the error %q holds the number", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM poverty_households`); n != 0 {
			t.Errorf("%d households written", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events`); n != events {
			t.Errorf("%d audit events written by a refused household", n-events)
		}
		h := household(t, s, "正确户", good)
		events = count(t, d, `SELECT COUNT(*) FROM audit_events`)
		_, err = s.AddMember(ctx, staff, h.ID, poverty.MemberInput{Name: "错号成员", Relation: "配偶", ResidentID: bad[:6] + "19710101" + bad[14:]})
		if code, field, _ := errField(err); code != i18n.Invalid || field != "resident_id" {
			t.Errorf("member with a bad number: %s %s (%v), want invalid resident_id", code, field, err)
		}
		_, err = s.AddMember(ctx, staff, h.ID, poverty.MemberInput{Name: "重号成员", Relation: "配偶", ResidentID: good})
		if _, field, key := errField(err); field != "resident_id" || key != "poverty.id_taken" {
			t.Errorf("member with the head's number: %s %s (%v), want resident_id poverty.id_taken", field, key, err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM poverty_members`); n != 0 {
			t.Errorf("%d members written", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events`); n != events {
			t.Errorf("%d audit events written by refused input", n-events)
		}
	})
}

// TestReveal: the director sees a clear value with a reason, audited with
// who, which household and the reason; without a reason, or without the
// permission (staff), the value is refused and the refusal audited.
func TestReveal(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		ctx := context.Background()
		head := idNo("1962-07-15", 31)
		h := household(t, s, "孙有田", head)
		if h.HeadIDMasked != poverty.MaskID(head) || h.PhoneMasked != "138****1234" {
			t.Errorf("masked %s %s", h.HeadIDMasked, h.PhoneMasked)
		}
		member := idNo("1990-03-03", 42)
		m, err := s.AddMember(ctx, staff, h.ID, poverty.MemberInput{Name: "孙小田", Relation: "子女", ResidentID: member, Labour: "有劳动能力"})
		if err != nil {
			t.Fatal(err)
		}
		refusals := []struct {
			name string
			u    *auth.User
			in   poverty.RevealInput
			code i18n.Code
		}{
			{"no reason", director, poverty.RevealInput{Field: poverty.RevealHeadID, Reason: "  "}, i18n.Invalid},
			{"a short reason", director, poverty.RevealInput{Field: poverty.RevealHeadID, Reason: "看看"}, i18n.Invalid},
			{"staff", staff, poverty.RevealInput{Field: poverty.RevealHeadID, Reason: "入户核实户籍信息"}, i18n.Forbidden},
		}
		for _, tc := range refusals {
			got, err := s.Reveal(ctx, tc.u, h.ID, tc.in)
			if code, field, _ := errField(err); got != "" || code != tc.code || (code == i18n.Invalid && field != "reason") {
				t.Errorf("%s: %q, %s %s (%v); want nothing, %s", tc.name, got, code, field, err, tc.code)
			}
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action = 'poverty.reveal.refused'`); n != 3 {
			t.Errorf("%d refusals audited, want 3", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action = 'poverty.reveal'`); n != 0 {
			t.Errorf("%d reveals audited before any reveal", n)
		}
		if _, err := s.Reveal(ctx, outsider, h.ID, poverty.RevealInput{Field: poverty.RevealHeadID, Reason: "入户核实户籍信息"}); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("another district's staff: %v, want not found", err)
		}
		for _, tc := range []struct {
			in   poverty.RevealInput
			want string
		}{
			{poverty.RevealInput{Field: poverty.RevealHeadID, Reason: "入户核实户籍信息"}, head},
			{poverty.RevealInput{Field: poverty.RevealPhone, Reason: "电话回访帮扶情况"}, "13805581234"},
			{poverty.RevealInput{Field: poverty.RevealMemberID, MemberID: m.ID, Reason: "办理助学补助核对"}, member},
		} {
			got, err := s.Reveal(ctx, director, h.ID, tc.in)
			if err != nil || got != tc.want {
				t.Errorf("reveal %s: %q, %v", tc.in.Field, got, err)
			}
		}
		var actor int64
		var object, after, reason string
		if err := d.QueryRowContext(ctx, `SELECT actor_id, object_id, after_json, reason FROM audit_events WHERE action = 'poverty.reveal' ORDER BY seq LIMIT 1`).
			Scan(&actor, &object, &after, &reason); err != nil {
			t.Fatal(err)
		}
		if actor != director.ID || object != fmt.Sprint(h.ID) || reason != "入户核实户籍信息" || !strings.Contains(after, `"field":"head_id"`) ||
			!strings.Contains(after, poverty.MaskID(head)) || strings.Contains(after, head) {
			t.Errorf("reveal event: actor %d object %s reason %q after %s", actor, object, reason, after)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action = 'poverty.reveal'`); n != 3 {
			t.Errorf("%d reveals audited, want 3", n)
		}
	})
}

// TestLookup finds a household by a member's or the head's ID number
// through the blind index, in scope only.
func TestLookup(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		ctx := context.Background()
		h1 := household(t, s, "周一", idNo("1955-05-05", 51))
		h2 := household(t, s, "吴二", idNo("1966-06-06", 61))
		member := idNo("2001-01-01", 72)
		if _, err := s.AddMember(ctx, staff, h2.ID, poverty.MemberInput{Name: "吴小二", Relation: "子女", ResidentID: member}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			number string
			want   int64
		}{{idNo("1955-05-05", 51), h1.ID}, {strings.ToLower(member), h2.ID}} {
			got, err := s.Lookup(ctx, staff, tc.number)
			if err != nil || got.ID != tc.want {
				t.Errorf("lookup %s: %+v, %v; want household %d", poverty.MaskID(tc.number), got, err, tc.want)
			}
		}
		if _, err := s.Lookup(ctx, staff, idNo("1977-07-07", 77)); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("unknown number: %v, want not found", err)
		}
		if _, err := s.Lookup(ctx, outsider, member); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("another district: %v, want not found", err)
		}
		if _, field, _ := errField(mustErr(s.Lookup(ctx, staff, "341203195505050000"))); field != "id_number" {
			t.Errorf("bad number: field %q, want id_number", field)
		}
		if _, err := s.Lookup(ctx, finance, member); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("finance: %v, want forbidden", err)
		}
		list, total, err := s.Households(ctx, outsider, poverty.Filter{Limit: 50})
		if err != nil || total != 0 || len(list) != 0 {
			t.Errorf("another district's list: %d of %d, %v", len(list), total, err)
		}
		list, total, err = s.Households(ctx, staff, poverty.Filter{Limit: 50, Status: poverty.NotOut})
		if err != nil || total != 2 || len(list) != 2 || list[0].VillageName != "梧樟村" {
			t.Errorf("list: %d of %d, %v", len(list), total, err)
		}
	})
}

func mustErr(_ any, err error) error { return err }

// TestChangeRequest: a change goes draft → submitted → approved and is
// applied with its history; the drafter may not approve it; a rejected
// one changes nothing.
func TestChangeRequest(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		ctx := context.Background()
		h := household(t, s, "郑大河", idNo("1958-08-08", 81))
		c, err := s.CreateChange(ctx, staff, h.ID, poverty.ChangeInput{Fields: map[string]string{"status": "out", "status_on": "2026-10-31",
			"members_count": "3", "cadre": "钱干部"}, Reason: "年度脱贫验收通过"})
		if err != nil {
			t.Fatal(err)
		}
		if c.State != "draft" || len(c.Proposed) != 3 || c.Proposed["members_count"] != "" {
			t.Errorf("draft %+v: want state draft and the 3 fields that change", c)
		}
		if _, err := s.Act(ctx, staff2, c.ID, "approve", ""); i18n.ErrorCode(err) != i18n.Conflict {
			t.Errorf("approving a draft: %v, want conflict", err)
		}
		if c, err = s.Act(ctx, staff, c.ID, "submit", ""); err != nil || c.State != "submitted" {
			t.Fatalf("submit: %+v, %v", c, err)
		}
		if _, err := s.Act(ctx, staff, c.ID, "approve", ""); i18n.ErrorCode(err) != i18n.Conflict {
			t.Errorf("the drafter approving: %v, want conflict", err)
		}
		if got, _ := s.Household(ctx, staff, h.ID); got.Status != poverty.NotOut || got.Version != h.Version {
			t.Errorf("household changed before approval: %+v", got)
		}
		if c, err = s.Act(ctx, staff2, c.ID, "approve", ""); err != nil || c.State != "approved" {
			t.Fatalf("approve: %+v, %v", c, err)
		}
		got, err := s.Household(ctx, staff, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != poverty.Out || got.StatusOn.String() != "2026-10-31" || got.Cadre != "钱干部" || got.Version != h.Version+1 {
			t.Errorf("after approval: %+v", got)
		}
		wantDiff := []poverty.Change{{Field: "status", Before: "not_out", After: "out"}, {Field: "status_on", Before: "", After: "2026-10-31"},
			{Field: "cadre", Before: "赵干部", After: "钱干部"}}
		if diff := cmp.Diff(wantDiff, c.Diff); diff != "" {
			t.Errorf("diff kept (-want +got):\n%s", diff)
		}
		var steps []string
		for _, e := range c.History {
			steps = append(steps, e.From+">"+e.To+":"+e.ActorName)
		}
		if want := []string{"draft>submitted:张科员", "submitted>approved:刘科长"}; !cmp.Equal(steps, want) {
			t.Errorf("history %v, want %v", steps, want)
		}
		if !strings.Contains(string(c.History[1].Data), `"status_on"`) {
			t.Errorf("the approval's history data %s lacks the diff", c.History[1].Data)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action = 'poverty.household.change' AND object_id = $1`, fmt.Sprint(h.ID)); n != 1 {
			t.Errorf("%d household change events, want 1", n)
		}
		if _, err := s.Act(ctx, staff2, c.ID, "reject", "重复"); i18n.ErrorCode(err) != i18n.Conflict {
			t.Errorf("rejecting an approved request: %v, want conflict", err)
		}

		// A rejected request changes nothing.
		before, _ := s.Household(ctx, staff, h.ID)
		r, err := s.CreateChange(ctx, staff, h.ID, poverty.ChangeInput{Fields: map[string]string{"status": "not_out", "status_on": "2026-11-15"}, Reason: "因病返贫"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Act(ctx, staff, r.ID, "submit", ""); err != nil {
			t.Fatal(err)
		}
		if _, field, _ := errField(mustErr(s.Act(ctx, staff2, r.ID, "reject", ""))); field != "reason" {
			t.Errorf("reject without a reason: field %q, want reason", field)
		}
		if r, err = s.Act(ctx, staff2, r.ID, "reject", "经核实收入稳定，不属返贫"); err != nil || r.State != "rejected" || len(r.Diff) != 0 {
			t.Fatalf("reject: %+v, %v", r, err)
		}
		after, _ := s.Household(ctx, staff, h.ID)
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("a rejected request changed the household (-before +after):\n%s", diff)
		}
		if len(r.History) != 2 || r.History[1].Reason != "经核实收入稳定，不属返贫" {
			t.Errorf("rejection history %+v", r.History)
		}

		// Refused proposals write nothing.
		n := count(t, d, `SELECT COUNT(*) FROM poverty_changes`)
		for _, in := range []poverty.ChangeInput{
			{Fields: map[string]string{"status": "not_out", "status_on": "2026-11-15"}}, // 返贫 without a reason
			{Fields: map[string]string{"cadre": "钱干部"}, Reason: "无变化"},                  // changes nothing
			{Fields: map[string]string{"cause_code": "UNLUCKY"}, Reason: "改致贫原因"},
		} {
			if _, err := s.CreateChange(ctx, staff, h.ID, in); i18n.ErrorCode(err) != i18n.Invalid {
				t.Errorf("proposal %v: %v, want invalid", in.Fields, err)
			}
		}
		if got := count(t, d, `SELECT COUNT(*) FROM poverty_changes`); got != n {
			t.Errorf("refused proposals wrote %d requests", got-n)
		}
		if _, err := s.CreateChange(ctx, outsider, h.ID, poverty.ChangeInput{Fields: map[string]string{"cadre": "x"}}); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("another district's change: %v, want not found", err)
		}
	})
}

// TestPlanVisitsIncomeProjects covers the rest of the record and the
// projects, with their refusals.
func TestPlanVisitsIncomeProjects(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		ctx := context.Background()
		h := household(t, s, "冯三", idNo("1960-01-20", 91))
		m, err := s.AddMeasure(ctx, staff, h.ID, poverty.MeasureInput{Measure: "食用菌种植技术培训", Cadre: "赵干部", TargetOn: "2026-06-30"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddMeasure(ctx, staff, h.ID, poverty.MeasureInput{Measure: "", Cadre: "", TargetOn: "6月"}); i18n.ErrorCode(err) != i18n.Invalid {
			t.Errorf("empty measure: %v", err)
		}
		if !m.Overdue(calendar.MustParse("2026-11-20")) {
			t.Error("a measure past its target date and not done is not overdue")
		}
		if m, err = s.CompleteMeasure(ctx, staff, m.ID, "2026-06-28"); err != nil || !m.Done {
			t.Fatalf("complete: %+v, %v", m, err)
		}
		if _, err := s.CompleteMeasure(ctx, staff, m.ID, "2026-06-29"); i18n.ErrorCode(err) != i18n.Conflict {
			t.Errorf("completing twice: %v", err)
		}
		if _, err := s.AddVisit(ctx, staff, h.ID, poverty.VisitInput{VisitedOn: "2026-12-01", Visitor: "赵干部"}); i18n.ErrorCode(err) != i18n.Invalid {
			t.Errorf("visit in the future: %v", err)
		}
		if _, err := s.AddVisit(ctx, staff, h.ID, poverty.VisitInput{VisitedOn: "2026-11-19", Visitor: "赵干部", Notes: "菌棚长势良好"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetIncome(ctx, staff, h.ID, 2025, "5,200"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetIncome(ctx, staff, h.ID, 2025, "5,600.50"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetIncome(ctx, staff, h.ID, 2030, "100"); i18n.ErrorCode(err) != i18n.Invalid {
			t.Errorf("income of a future year: %v", err)
		}
		r, err := s.Record(ctx, director, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Measures) != 1 || len(r.Visits) != 1 || len(r.Incomes) != 1 || r.Incomes[0].PerCapita != 5_600_50 {
			t.Errorf("record: %d measures, %d visits, incomes %+v", len(r.Measures), len(r.Visits), r.Incomes)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action = 'poverty.household.view'`); n != 1 {
			t.Errorf("%d household views audited, want 1", n)
		}

		p, err := s.CreateProject(ctx, staff, poverty.ProjectInput{Year: 2026, Title: "梧樟村食用菌科技扶贫项目", Funds: "12万元",
			Townships: []string{"341203200"}, Households: 21, People: 68, CollectiveIncome: "3.5万元", Progress: 40})
		if err != nil {
			t.Fatal(err)
		}
		if p.Funds != 12_0000_00 || p.CollectiveIncome != 3_5000_00 || len(p.TownshipNames) != 1 || p.TownshipNames[0] != "冉庙乡" {
			t.Errorf("project %+v", p)
		}
		if p, err = s.UpdateProgress(ctx, staff, p.ID, poverty.ProgressInput{Progress: 100, ProgressNote: "已完工", CollectiveIncome: "5万元"}); err != nil || p.Progress != 100 {
			t.Fatalf("progress: %+v, %v", p, err)
		}
		for _, tc := range []struct {
			in    poverty.ProjectInput
			field string
		}{
			{poverty.ProjectInput{Year: 2026, Title: "x", Funds: "0", Townships: []string{"341203200"}}, "funds"},
			{poverty.ProjectInput{Year: 2026, Title: "x", Funds: "1万元", Townships: []string{"341202001"}}, "townships"},
			{poverty.ProjectInput{Year: 2026, Title: "x", Funds: "1万元", Townships: []string{"341203200205"}}, "townships"},
			{poverty.ProjectInput{Year: 2026, Title: "x", Funds: "1万元", Townships: []string{"341203200"}, Households: 5, People: 3}, "people"},
			{poverty.ProjectInput{Year: 2026, Title: "x", Funds: "1万元", Townships: []string{"341203200"}, Progress: 120}, "progress"},
		} {
			if _, field, _ := errField(mustErr(s.CreateProject(ctx, staff, tc.in))); field != tc.field {
				t.Errorf("project %+v: field %q, want %q", tc.in, field, tc.field)
			}
		}
		ps, err := s.Projects(ctx, staff, 2026)
		if err != nil || len(ps) != 1 {
			t.Fatalf("projects: %d, %v", len(ps), err)
		}
		if ps, _ := s.Projects(ctx, outsider, 0); len(ps) != 0 {
			t.Errorf("another district sees %d projects", len(ps))
		}
	})
}
