package hightech_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/enterprise"
	"kejiju/internal/hightech"
	"kejiju/internal/i18n"
	"kejiju/internal/money"
	"kejiju/internal/region"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

var (
	staff  = &auth.User{ID: 1, Username: "staff", DisplayName: "张科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"}
	other  = &auth.User{ID: 2, Username: "other", DisplayName: "颍州科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341202"}
	viewer = &auth.User{ID: 3, Username: "viewer", DisplayName: "市局", Roles: []auth.Role{auth.CityViewer}, RegionCode: "341200"}
	helper = &auth.User{ID: 5, Username: "zhuliyuan", DisplayName: "乡镇助理员", Roles: []auth.Role{auth.Assistant}, RegionCode: "341203200"}
)

// company returns the portal user of one enterprise.
func company(id int64) *auth.User {
	return &auth.User{ID: 100 + id, Username: fmt.Sprintf("qiye%d", id), Roles: []auth.Role{auth.Enterprise}, RegionCode: "341203", EnterpriseID: id}
}

// now is the tests' clock: 15 June 2026, 10:00 in China.
var now = time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC)

func day(s string) calendar.Date { return calendar.MustParse(s) }

// wan returns an amount in 万元.
func wan(n int64) money.Fen { return money.Fen(n) * 10000 * 100 }

// registry is the tests' Enterprises over the enterprise service, as app
// wires it.
type registry struct{ es *enterprise.Service }

func (r registry) Profile(ctx context.Context, u *auth.User, id int64) (*hightech.Profile, error) {
	e, err := r.es.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	return r.profile(ctx, u, e)
}

func (r registry) profile(ctx context.Context, u *auth.User, e *enterprise.Enterprise) (*hightech.Profile, error) {
	ys, err := r.es.Years(ctx, u, e.ID)
	if err != nil {
		return nil, err
	}
	sts, err := r.es.Statuses(ctx, u, e.ID)
	if err != nil {
		return nil, err
	}
	p := &hightech.Profile{ID: e.ID, Name: e.Name, CreditCode: e.CreditCode, RegionCode: e.RegionCode, TechField: e.TechField,
		RegisteredOn: e.RegisteredOn, Blacklisted: e.Blacklisted}
	for _, y := range slices.Backward(ys) {
		p.Years = append(p.Years, hightech.ProfileYear{Year: y.Year, Revenue: y.Revenue, HiTechRevenue: y.HiTechRevenue,
			TotalAssets: y.TotalAssets, NetAssets: y.NetAssets, TotalCostExpense: y.TotalCostExpense, RDTotal: y.RDTotal,
			RDDomestic: y.RDDomestic, RDCategories: y.RDCategories, Staff: y.Staff, STStaff: y.STStaff, IPClass1: y.IPClass1,
			IPClass2: y.IPClass2, Conversions: y.Conversions, AnnualReport: y.AnnualReport})
	}
	for _, st := range sts {
		p.Certificates = append(p.Certificates, hightech.Certificate{Kind: st.Kind, Number: st.Number, Year: st.Year,
			ValidFrom: st.ValidFrom, ValidTo: st.ValidTo})
	}
	return p, nil
}

func (r registry) AddCertificate(ctx context.Context, tx *db.Tx, u *auth.User, id int64, number string, year int, issued calendar.Date) error {
	return r.es.AddCertificateTx(ctx, tx, u, id, number, year, issued)
}

func (r registry) List(ctx context.Context, u *auth.User) ([]hightech.Profile, error) {
	var out []hightech.Profile
	for offset := 0; ; offset += 1000 {
		es, total, err := r.es.List(ctx, u, enterprise.Filter{Limit: 1000, Offset: offset})
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			p, err := r.profile(ctx, u, e)
			if err != nil {
				return nil, err
			}
			out = append(out, *p)
		}
		if offset+len(es) >= total || len(es) == 0 {
			return out, nil
		}
	}
}

type env struct {
	t  *testing.T
	d  *db.DB
	lg *audit.Log
	rs *region.Store
	es *enterprise.Service
	s  *hightech.Service
}

func setup(t *testing.T, d *db.DB) *env {
	t.Helper()
	d.Now = func() time.Time { return now }
	lg, err := audit.New(audit.SM3)
	if err != nil {
		t.Fatal(err)
	}
	rs := &region.Store{DB: d, Audit: lg}
	if _, err := rs.Seed(context.Background(), append(region.Anhui(), region.DemoDistrict()...)); err != nil {
		t.Fatal(err)
	}
	es := &enterprise.Service{DB: d, Audit: lg}
	return &env{t: t, d: d, lg: lg, rs: rs, es: es, s: &hightech.Service{DB: d, Audit: lg, Enterprises: registry{es}}}
}

// facts of one fiscal year: the passing enterprise of the rule tests
// (innovation score 74 with passingScores), with stST S&T staff of 100.
type yearFacts struct {
	year                               int
	revenue, hitech, rd, dom, na, cost int64 // 万元
	conv                               int
}

var threeYears = []yearFacts{
	{2023, 3000, 2000, 200, 200, 1000, 2500, 3},
	{2024, 3600, 2500, 220, 200, 1300, 3000, 3},
	{2025, 4320, 3000, 260, 250, 1690, 3600, 3},
}

// passingScores are the panel's scores that, with threeYears, give 74.
var passingScores = hightech.ExpertScores{IPAdvancement: 7, IPCoreSupport: 7, IPQuantity: 7, IPAcquisition: 5,
	OrgManagement: 5, OrgInstitution: 5, OrgConversion: 3, OrgTalent: 3}

// add registers an enterprise in township (or district) region with the
// three years of figures and stST S&T staff of 100.
func (e *env) add(n int, regionCode string, stST int) int64 {
	e.t.Helper()
	ctx := context.Background()
	u := staff
	if strings.HasPrefix(regionCode, "341202") {
		u = other
	}
	ent, err := e.es.Create(ctx, u, enterprise.Input{CreditCode: enterprise.SampleCode(n), Name: fmt.Sprintf("阜阳示例%d科技有限公司", n),
		LegalRep: "张三", RegisteredOn: day("2018-05-02"), RegionCode: regionCode, IndustryCode: "C3911", TechField: "先进制造与自动化"}, "")
	if err != nil {
		e.t.Fatal(err)
	}
	for _, y := range threeYears {
		if err := e.es.SaveYear(ctx, u, enterprise.Year{EnterpriseID: ent.ID, Year: y.year, Revenue: wan(y.revenue), HiTechRevenue: wan(y.hitech),
			TotalAssets: wan(5000), NetAssets: wan(y.na), TotalCostExpense: wan(y.cost), RDTotal: wan(y.rd), RDDomestic: wan(y.dom),
			Staff: 100, STStaff: stST, IPClass1: 1, IPClass2: 6, Conversions: y.conv, AnnualReport: true}, ""); err != nil {
			e.t.Fatal(err)
		}
	}
	return ent.ID
}

// certify records a certificate on the enterprise.
func (e *env) certify(id int64, kind, number string, year int, from string) {
	e.t.Helper()
	u := staff
	if p, err := e.s.Enterprises.Profile(context.Background(), other, id); err == nil && p != nil {
		u = other
	}
	st := enterprise.Status{EnterpriseID: id, Kind: kind, Number: number, Year: year}
	if from != "" {
		st.ValidFrom = day(from)
	}
	if _, err := e.es.AddStatus(context.Background(), u, st, ""); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.d.QueryRow(q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// fields returns the field → key of a validation error.
func fields(err error) map[string]string {
	out := map[string]string{}
	if p, ok := err.(i18n.Problems); ok {
		for _, e := range p {
			out[e.Field] = e.Key
		}
	}
	if e, ok := err.(*i18n.Error); ok && e.Field != "" {
		out[e.Field] = e.Key
	}
	return out
}

func code(err error) i18n.Code { return i18n.ErrorCode(err) }

var zh = i18n.Default().Printer(i18n.Chinese)

func TestPrecheckNamesFailingConditions(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		id := e.add(1, "341203200", 9) // 9 S&T staff of 100
		on := day("2026-06-03")

		scores := passingScores
		pc, err := e.s.PrecheckWith(ctx, staff, id, on, &scores)
		if err != nil {
			t.Fatal(err)
		}
		if got := hightech.Failing(pc.HTE.Conditions); !slices.Equal(got, []string{"C4"}) {
			t.Errorf("failing conditions %v, want [C4]", got)
		}
		if pc.HTE.Score.Total != 74 {
			t.Errorf("innovation score %d, want 74", pc.HTE.Score.Total)
		}
		text := hightech.HTEText(zh, pc.HTE)
		c4 := text.Conditions[3]
		if c4.ID != "C4" || c4.Pass || !strings.Contains(strings.Join(c4.Explain, ""), "9.0%") || !strings.Contains(strings.Join(c4.Explain, ""), "10%") {
			t.Errorf("C4 in words: %+v", c4)
		}
		if !slices.ContainsFunc(text.Hints, func(h string) bool { return strings.Contains(h, "科技人员") }) {
			t.Errorf("no hint about S&T staff: %q", text.Hints)
		}
		if f := pc.HTE.Facts; len(f.Years) != 3 || f.Years[0].Year != 2023 || f.Staff != 100 || f.STStaff != 9 || f.ClassI != 1 || !f.CleanRecord || !f.CoreIP {
			t.Errorf("facts from the profile: %+v", f)
		}
		// The SME: 9% S&T staff scores 0 on personnel, which fails S5.
		if pc.SME.Pass || !slices.Equal(hightech.Failing(pc.SME.Conditions), []string{"S5"}) || pc.SME.RDOption != hightech.RDBest {
			t.Errorf("SME: pass %v failing %v option %s", pc.SME.Pass, hightech.Failing(pc.SME.Conditions), pc.SME.RDOption)
		}

		// Without the panel's scores the innovation score is a floor, and
		// C8 fails beside C4.
		pc, err = e.s.Precheck(ctx, staff, id, on)
		if err != nil {
			t.Fatal(err)
		}
		if got := hightech.Failing(pc.HTE.Conditions); !slices.Equal(got, []string{"C4", "C8"}) || len(pc.HTE.Problems) != 0 {
			t.Errorf("default scores: failing %v, problems %v; want [C4 C8] and none", got, pc.HTE.Problems)
		}
		if pc.Scores.IPQuantity != 7 || pc.Scored {
			t.Errorf("default scores %+v, want IP quantity at its band's low end (7)", pc.Scores)
		}

		// A valid 高企 certificate qualifies the SME directly.
		e.certify(id, "hte", "GR202434000123", 2024, "2024-11-30")
		pc, err = e.s.Precheck(ctx, staff, id, on)
		if err != nil {
			t.Fatal(err)
		}
		if !pc.SME.Pass || pc.SME.Basis != hightech.DirectHTE {
			t.Errorf("SME with a valid certificate: pass %v basis %q", pc.SME.Pass, pc.SME.Basis)
		}

		// A blacklisted enterprise fails C9 and the SME's S3 and S4.
		if _, err := d.Exec(`UPDATE enterprises SET blacklisted = TRUE WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		pc, _ = e.s.PrecheckWith(ctx, staff, id, on, &scores)
		if got := hightech.Failing(pc.HTE.Conditions); !slices.Equal(got, []string{"C4", "C9"}) {
			t.Errorf("blacklisted: failing %v, want [C4 C9]", got)
		}

		// Scope: another district's staff sees nothing; the city viewer reads.
		if _, err := e.s.Precheck(ctx, other, id, on); code(err) != i18n.NotFound {
			t.Errorf("other district: %v, want not found", err)
		}
		if _, err := e.s.Precheck(ctx, company(id+1), id, on); code(err) != i18n.NotFound {
			t.Errorf("another enterprise's user: %v, want not found", err)
		}
		if _, err := e.s.Precheck(ctx, viewer, id, on); err != nil {
			t.Errorf("city viewer: %v", err)
		}
		if _, err := e.s.Precheck(ctx, company(id), id, on); err != nil {
			t.Errorf("the enterprise itself: %v", err)
		}
		if _, err := e.s.Precheck(ctx, staff, id, day("2015-06-01")); fields(err)["on"] != "hightech.ui.no_rules" {
			t.Errorf("before any rules: %v", err)
		}
	})
}

func TestRecordAndReplay(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		id := e.add(1, "341203200", 9)

		bad := passingScores
		bad.IPAdvancement, bad.IPQuantity = 9, 3
		if _, err := e.s.Record(ctx, staff, id, bad); !cmp.Equal(fields(err), map[string]string{
			"ip_advancement": "hightech.ui.score.range", "ip_quantity": "hightech.ui.score.range"}) {
			t.Errorf("scores out of range: %v", fields(err))
		}
		for _, tc := range []struct {
			name string
			u    *auth.User
			want i18n.Code
		}{
			{"city viewer", viewer, i18n.Forbidden},
			{"assistant", helper, i18n.Forbidden},
			{"the enterprise", company(id), i18n.Forbidden},
			{"other district", other, i18n.NotFound},
		} {
			if _, err := e.s.Record(ctx, tc.u, id, passingScores); code(err) != tc.want {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
			}
		}
		if n := e.count(`SELECT COUNT(*) FROM rule_evaluations`) + e.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'hte.evaluate'`); n != 0 {
			t.Fatalf("refused evaluations wrote %d rows", n)
		}

		hteID, err := e.s.Record(ctx, staff, id, passingScores)
		if err != nil {
			t.Fatal(err)
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'hte.evaluate' AND object_id = $1`, fmt.Sprint(id)); n != 1 {
			t.Errorf("%d audit events, want 1", n)
		}
		evs, err := e.s.Evaluations(ctx, staff, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 2 {
			t.Fatalf("%d evaluations, want 2 (HTE and SME)", len(evs))
		}
		byRules := map[string]hightech.Evaluation{}
		for _, ev := range evs {
			byRules[ev.Rules] = ev
			if !ev.Replayed {
				t.Errorf("%s evaluation does not replay", ev.Rules)
			}
		}
		h := byRules[hightech.RulesHTE]
		if h.ID != hteID || h.RuleID != "hte-2016" || h.Pass || h.Total != 74 || !slices.Equal(h.Failing, []string{"C4"}) || h.CreatedBy != staff.ID {
			t.Errorf("HTE evaluation %+v", h)
		}
		if s := byRules[hightech.RulesSME]; s.RuleID != "sme-2017" || s.Pass || s.Document != "国科发政〔2017〕115号" {
			t.Errorf("SME evaluation %+v", s)
		}

		// The stored row holds the parameters, the facts and the result.
		var params, facts, result string
		if err := d.QueryRow(`SELECT params, facts, result FROM rule_evaluations WHERE id = $1`, hteID).Scan(&params, &facts, &result); err != nil {
			t.Fatal(err)
		}
		var p hightech.HTEParams
		var f hightech.Facts
		if json.Unmarshal([]byte(params), &p) != nil || json.Unmarshal([]byte(facts), &f) != nil || p.ScoreAbove != 70 || f.STStaff != 9 || f.ApplyOn != day("2026-06-15") {
			t.Errorf("stored params %.80s… facts %.80s…", params, facts)
		}

		// A tampered result no longer replays; the other row still does.
		var r map[string]any
		if err := json.Unmarshal([]byte(result), &r); err != nil {
			t.Fatal(err)
		}
		r["pass"] = true
		tampered, _ := json.Marshal(r)
		if _, err := d.Exec(`UPDATE rule_evaluations SET result = $1 WHERE id = $2`, string(tampered), hteID); err != nil {
			t.Fatal(err)
		}
		evs, _ = e.s.Evaluations(ctx, staff, id)
		for _, ev := range evs {
			if want := ev.ID != hteID; ev.Replayed != want {
				t.Errorf("after tampering, evaluation %d (%s) replays %v, want %v", ev.ID, ev.Rules, ev.Replayed, want)
			}
		}
		// So do tampered facts, and a verdict column that disagrees.
		if _, err := d.Exec(`UPDATE rule_evaluations SET result = $1, facts = $2 WHERE id = $3`, result, strings.Replace(facts, `"st_staff":9`, `"st_staff":19`, 1), hteID); err != nil {
			t.Fatal(err)
		}
		if evs, _ = e.s.Evaluations(ctx, staff, id); evs[len(evs)-1].Replayed {
			t.Error("tampered facts replay")
		}

		if _, err := e.s.Evaluations(ctx, other, id); code(err) != i18n.NotFound {
			t.Errorf("other district reads evaluations: %v", err)
		}
		if evs, err := e.s.Evaluations(ctx, company(id), id); err != nil || len(evs) != 2 {
			t.Errorf("the enterprise reads its evaluations: %d, %v", len(evs), err)
		}
	})
}

func TestReplayRejectsForeignParams(t *testing.T) {
	p := hightech.DefaultHTE()
	pc, hp, _, err := hightech.Evaluate(hightech.DefaultPolicies(), &hightech.Profile{RegisteredOn: day("2018-01-01")}, day("2026-06-01"), nil)
	if err != nil {
		t.Fatal(err)
	}
	params, _ := json.Marshal(hp)
	facts, _ := json.Marshal(pc.HTE.Facts)
	result, _ := json.Marshal(pc.HTE)
	if r := hightech.Replay(p.RuleID, params, facts, result, pc.HTE.Pass); !r.OK || r.Rules != hightech.RulesHTE {
		t.Fatalf("unchanged: %+v", r)
	}
	if r := hightech.Replay("hte-2099", params, facts, result, pc.HTE.Pass); r.OK {
		t.Error("a row naming other rules than its parameters replays")
	}
	if r := hightech.Replay(p.RuleID, params, facts, result, !pc.HTE.Pass); r.OK {
		t.Error("a row whose verdict column disagrees replays")
	}
	// Changed parameters (a looser threshold) give another result.
	hp.MinSTStaffBP = 500
	loose, _ := json.Marshal(hp)
	pc2, _, _, _ := hightech.Evaluate(hightech.DefaultPolicies(), &hightech.Profile{RegisteredOn: day("2018-01-01"),
		Years: []hightech.ProfileYear{{Year: 2025, Staff: 100, STStaff: 6}}}, day("2026-06-01"), nil)
	result2, _ := json.Marshal(pc2.HTE)
	facts2, _ := json.Marshal(pc2.HTE.Facts)
	if r := hightech.Replay(p.RuleID, loose, facts2, result2, pc2.HTE.Pass); r.OK {
		t.Error("a result replays under other parameters than it was computed with")
	}
	if r := hightech.Replay(p.RuleID, []byte(`{"nothing":1}`), facts, result, false); r.OK || r.Rules != "" {
		t.Errorf("unknown parameters: %+v", r)
	}
}

func TestPool(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		id := e.add(1, "341203200", 20)

		tests := []struct {
			name   string
			on     calendar.Date
			reason string
			want   map[string]string
		}{
			{"no reason", day("2026-03-01"), " ", map[string]string{"reason": "error.required"}},
			{"no date", calendar.Date{}, "科小入库", map[string]string{"entered_on": "error.required"}},
			{"future", day("2026-06-16"), "科小入库", map[string]string{"entered_on": "hightech.ui.date.future"}},
		}
		for _, tc := range tests {
			if err := e.s.EnterPool(ctx, staff, id, tc.on, tc.reason); !cmp.Equal(fields(err), tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, fields(err), tc.want)
			}
		}
		if err := e.s.EnterPool(ctx, viewer, id, day("2026-03-01"), "x"); code(err) != i18n.Forbidden {
			t.Errorf("city viewer: %v", err)
		}
		if err := e.s.EnterPool(ctx, company(id), id, day("2026-03-01"), "x"); code(err) != i18n.Forbidden {
			t.Errorf("the enterprise: %v", err)
		}
		if err := e.s.EnterPool(ctx, other, id, day("2026-03-01"), "x"); code(err) != i18n.NotFound {
			t.Errorf("other district: %v", err)
		}
		if n := e.count(`SELECT COUNT(*) FROM cultivation_pool`) + e.count(`SELECT COUNT(*) FROM audit_events WHERE action LIKE 'hte.%'`); n != 0 {
			t.Fatalf("refused entries wrote %d rows", n)
		}

		if err := e.s.ExitPool(ctx, staff, id, day("2026-03-01"), "不再培育"); fields(err)["exited_on"] != "hightech.ui.pool.not_in" {
			t.Errorf("exit while out: %v", err)
		}
		if err := e.s.EnterPool(ctx, staff, id, day("2026-03-01"), "科技型中小企业，研发投入高"); err != nil {
			t.Fatal(err)
		}
		if err := e.s.EnterPool(ctx, staff, id, day("2026-04-01"), "再次入库"); fields(err)["entered_on"] != "hightech.ui.pool.already" {
			t.Errorf("enter twice: %v", err)
		}
		if err := e.s.ExitPool(ctx, staff, id, day("2026-02-01"), "不再培育"); fields(err)["exited_on"] != "hightech.ui.pool.exit_before" {
			t.Errorf("exit before entering: %v", err)
		}
		if err := e.s.ExitPool(ctx, staff, id, day("2026-05-01"), ""); fields(err)["exit_reason"] != "error.required" {
			t.Errorf("exit without reason: %v", err)
		}
		if err := e.s.ExitPool(ctx, other, id, day("2026-05-01"), "x"); code(err) != i18n.NotFound {
			t.Errorf("other district exits: %v", err)
		}
		if err := e.s.ExitPool(ctx, staff, id, day("2026-05-01"), "企业迁出本区"); err != nil {
			t.Fatal(err)
		}
		if err := e.s.EnterPool(ctx, staff, id, day("2026-06-01"), "重新纳入培育"); err != nil {
			t.Fatal(err)
		}
		ep, err := e.s.Pipeline(ctx, staff, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(ep.Pool) != 2 || ep.InPool() == nil || ep.InPool().EnteredOn != day("2026-06-01") ||
			ep.Pool[1].ExitedOn != day("2026-05-01") || ep.Pool[1].ExitReason != "企业迁出本区" || ep.Pool[1].Reason != "科技型中小企业，研发投入高" {
			t.Errorf("pool history %+v", ep.Pool)
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_events WHERE action LIKE 'hte.pool.%'`); n != 3 {
			t.Errorf("%d pool audit events, want 3", n)
		}
		if _, err := e.s.Pipeline(ctx, other, id); code(err) != i18n.NotFound {
			t.Errorf("other district reads the pipeline: %v", err)
		}
	})
}

func TestApplyAndDecide(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		first := e.add(1, "341203200", 20)
		recert := e.add(2, "341203200", 20)
		e.certify(recert, "hte", "GR202334000101", 2023, "2023-11-30") // expires 2026-11-29
		valid := e.add(3, "341203001", 20)
		e.certify(valid, "hte", "GR202534000102", 2025, "2025-12-01") // expires 2028-11-30

		a, err := e.s.Apply(ctx, staff, first, 2026, 1)
		if err != nil {
			t.Fatal(err)
		}
		if a.Kind != hightech.KindFirst || a.Status != hightech.StatusSubmitted || a.Year != 2026 {
			t.Errorf("first application %+v", a)
		}
		if _, err := e.s.Apply(ctx, staff, first, 2026, 2); fields(err)["year"] != "hightech.ui.apply.taken" {
			t.Errorf("a second application in one year: %v", err)
		}
		r, err := e.s.Apply(ctx, staff, recert, 2026, 2)
		if err != nil {
			t.Fatal(err)
		}
		if r.Kind != hightech.KindRecert || r.Batch != 2 {
			t.Errorf("certificate expiring in 2026: %+v, want a re-certification", r)
		}
		if _, err := e.s.Apply(ctx, staff, valid, 2026, 1); fields(err)["year"] != "hightech.ui.apply.still_valid" {
			t.Errorf("certificate valid beyond the year: %v", err)
		}
		for _, tc := range []struct {
			name        string
			year, batch int
			want        map[string]string
		}{
			{"year", 1999, 1, map[string]string{"year": "hightech.ui.year.range"}},
			{"far year", 2028, 1, map[string]string{"year": "hightech.ui.year.range"}},
			{"batch", 2026, 0, map[string]string{"batch": "hightech.ui.batch.range"}},
		} {
			if _, err := e.s.Apply(ctx, staff, valid, tc.year, tc.batch); !cmp.Equal(fields(err), tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, fields(err), tc.want)
			}
		}
		if _, err := e.s.Apply(ctx, viewer, first, 2025, 1); code(err) != i18n.Forbidden {
			t.Errorf("city viewer applies: %v", err)
		}
		if _, err := e.s.Apply(ctx, other, first, 2025, 1); code(err) != i18n.NotFound {
			t.Errorf("other district applies: %v", err)
		}

		decided := day("2026-06-10")
		for _, tc := range []struct {
			name, status, cert string
			on                 calendar.Date
			want               map[string]string
		}{
			{"no number", "recognized", "", decided, map[string]string{"certificate_no": "error.required"}},
			{"bad number", "recognized", "GR2026340001", decided, map[string]string{"certificate_no": "ident.format"}},
			{"other year", "recognized", "GR202534000123", decided, map[string]string{"certificate_no": "hightech.ui.decide.cert_year"}},
			{"no date", "recognized", "GR202634000123", calendar.Date{}, map[string]string{"decided_on": "error.required"}},
			{"future", "rejected", "", day("2026-07-01"), map[string]string{"decided_on": "hightech.ui.date.future"}},
			{"status", "approved", "", decided, map[string]string{"status": "error.invalid_value"}},
			{"back to submitted", "submitted", "", decided, map[string]string{"status": "error.invalid_value"}},
		} {
			err := e.s.Decide(ctx, staff, a.ID, tc.status, tc.cert, tc.on, "")
			got := fields(err)
			if tc.name == "bad number" {
				if got["certificate_no"] == "" {
					t.Errorf("%s: %v, want an error on certificate_no", tc.name, got)
				}
				continue
			}
			if !cmp.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
		if err := e.s.Decide(ctx, other, a.ID, "rejected", "", decided, ""); code(err) != i18n.NotFound {
			t.Errorf("other district decides: %v", err)
		}
		if err := e.s.Decide(ctx, viewer, a.ID, "rejected", "", decided, ""); code(err) != i18n.Forbidden {
			t.Errorf("city viewer decides: %v", err)
		}
		if err := e.s.Decide(ctx, staff, a.ID, "recognized", " gr202634000123 ", decided, "2026年第一批"); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Decide(ctx, staff, a.ID, "rejected", "", decided, ""); code(err) != i18n.Conflict {
			t.Errorf("deciding twice: %v, want conflict", err)
		}
		if err := e.s.Decide(ctx, staff, r.ID, "rejected", "GR202634000999", decided, "专家评审未通过"); err != nil {
			t.Fatal(err)
		}
		got, err := e.s.Application(ctx, staff, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != hightech.StatusRecognized || got.CertificateNo != "GR202634000123" || got.DecidedOn != decided || got.Version != 2 || got.Note != "2026年第一批" {
			t.Errorf("recognised application %+v", got)
		}
		prof, err := e.s.Enterprises.Profile(ctx, staff, got.EnterpriseID)
		if err != nil || len(prof.Certificates) == 0 || prof.Certificates[0].Number != "GR202634000123" || prof.Certificates[0].ValidFrom != decided ||
			prof.Certificates[0].ValidTo != decided.AddDays(-1).AddYears(3) {
			t.Errorf("the recognition did not put the certificate on the record: %+v %v", prof, err)
		}
		if got, _ := e.s.Application(ctx, staff, r.ID); got.Status != hightech.StatusRejected || got.CertificateNo != "" {
			t.Errorf("rejected application keeps a certificate number: %+v", got)
		}
		apps, err := e.s.Applications(ctx, staff, 2026, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(apps) != 2 || apps[0].EnterpriseName == "" {
			t.Errorf("applications of 2026: %+v", apps)
		}
		if apps, _ := e.s.Applications(ctx, other, 2026, ""); len(apps) != 0 {
			t.Errorf("other district sees %d applications", len(apps))
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_events WHERE action IN ('hte.apply', 'hte.decide')`); n != 4 {
			t.Errorf("%d audit events, want 4", n)
		}
	})
}

func TestAwards(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		id := e.add(1, "341203200", 20)
		for _, tc := range []struct {
			name, kind, result, note string
			amount                   money.Fen
			want                     map[string]string
		}{
			{"kind", "bonus", "", "", 0, map[string]string{"kind": "error.invalid_value"}},
			{"performance without result", hightech.AwardPerformance, "", "", 0, map[string]string{"result": "error.required"}},
			{"other without note", hightech.AwardOther, "", "", 0, map[string]string{"note": "error.required"}},
			{"negative", hightech.AwardRecert, "", "", -1, map[string]string{"amount": "money.negative"}},
		} {
			if _, err := e.s.AddAward(ctx, staff, id, 2025, tc.kind, tc.result, tc.amount, tc.note); !cmp.Equal(fields(err), tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, fields(err), tc.want)
			}
		}
		if _, err := e.s.AddAward(ctx, viewer, id, 2025, hightech.AwardPerformance, "优秀", 0, ""); code(err) != i18n.Forbidden {
			t.Errorf("city viewer: %v", err)
		}
		if _, err := e.s.AddAward(ctx, other, id, 2025, hightech.AwardPerformance, "优秀", 0, ""); code(err) != i18n.NotFound {
			t.Errorf("other district: %v", err)
		}
		if _, err := e.s.AddAward(ctx, staff, id, 2025, hightech.AwardPerformance, "优秀", 0, "2025年度绩效评价"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.AddAward(ctx, staff, id, 2026, hightech.AwardFirstRecognition, "", wan(10), "首次认定"); err != nil {
			t.Fatal(err)
		}
		ep, err := e.s.Pipeline(ctx, staff, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(ep.Awards) != 2 || ep.Awards[0].Year != 2026 || ep.Awards[0].Amount != wan(10) || ep.Awards[1].Result != "优秀" {
			t.Errorf("awards %+v", ep.Awards)
		}
	})
}

func TestBoard(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		// 冉庙乡 (341203200): one in the pool that applied, one that left the
		// pool and was recognised. 河东街道 (341203001): a valid HTE and 科小
		// whose re-certification failed, and one with nothing. 颍州区: one in
		// the pool, outside 颍东区 staff's scope.
		e1 := e.add(1, "341203200", 20)
		e2 := e.add(2, "341203200205", 20) // a village of 冉庙乡
		e3 := e.add(3, "341203001", 20)
		e.add(4, "341203001", 20)
		e5 := e.add(5, "341202", 20)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(e.s.EnterPool(ctx, staff, e1, day("2026-03-01"), "入库"))
		must(e.s.EnterPool(ctx, staff, e2, day("2025-09-01"), "入库"))
		must(e.s.ExitPool(ctx, staff, e2, day("2026-05-01"), "已申报"))
		must(e.s.EnterPool(ctx, other, e5, day("2026-01-05"), "入库"))
		_, err := e.s.Apply(ctx, staff, e1, 2026, 1)
		must(err)
		a2, err := e.s.Apply(ctx, staff, e2, 2026, 1)
		must(err)
		must(e.s.Decide(ctx, staff, a2.ID, "recognized", "GR202634000201", day("2026-06-01"), ""))
		e.certify(e3, "hte", "GR202334000301", 2023, "2023-11-20") // expires 2026-11-19
		e.certify(e3, "tech_sme", "2026341203A0000301", 2026, "2026-04-10")
		a3, err := e.s.Apply(ctx, staff, e3, 2026, 1)
		must(err)
		must(e.s.Decide(ctx, staff, a3.ID, "rejected", "", day("2026-06-02"), ""))

		b, err := e.s.Board(ctx, staff, 2026)
		if err != nil {
			t.Fatal(err)
		}
		want := &hightech.Board{Year: 2026, AsOf: day("2026-06-15"), Stages: hightech.Stages,
			Rows: []hightech.BoardRow{
				{Region: "341203001", Counts: map[string]int{"rejected": 1, "hte": 1, "tech_sme": 1}},
				{Region: "341203200", Counts: map[string]int{"pool": 1, "applied": 1, "recognized": 1, "hte": 1}}, // recognised: its certificate is on record
			},
			Total: map[string]int{"pool": 1, "applied": 1, "recognized": 1, "rejected": 1, "hte": 2, "tech_sme": 1},
		}
		if diff := cmp.Diff(want, b); diff != "" {
			t.Errorf("board of 2026 (-want +got):\n%s", diff)
		}

		// At the end of 2025 only e2 was in the pool, and e3 held its
		// certificate; nothing was applied for.
		b, _ = e.s.Board(ctx, staff, 2025)
		if !cmp.Equal(b.Total, map[string]int{"pool": 1, "hte": 1}) || b.AsOf != day("2025-12-31") {
			t.Errorf("board of 2025: %v as of %v", b.Total, b.AsOf)
		}

		// The city viewer sees both districts; 颍州区 staff only theirs.
		b, _ = e.s.Board(ctx, viewer, 2026)
		if b.Total["pool"] != 2 || len(b.Rows) != 3 {
			t.Errorf("city board: %v in %d rows", b.Total, len(b.Rows))
		}
		b, _ = e.s.Board(ctx, other, 2026)
		if !cmp.Equal(b.Total, map[string]int{"pool": 1}) || len(b.Rows) != 1 || b.Rows[0].Region != "341202" {
			t.Errorf("颍州区 board: %+v", b)
		}

		// The lists behind the numbers.
		for _, tc := range []struct {
			stage, region string
			want          []int64
		}{
			{"pool", "", []int64{e1}},
			{"pool", "341203001", nil},
			{"recognized", "341203200", []int64{e2}},
			{"hte", "", []int64{e3, e2}},
			{"tech_sme", "341203001", []int64{e3}},
		} {
			ps, err := e.s.StageList(ctx, staff, 2026, tc.stage, tc.region)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, p := range ps {
				ids = append(ids, p.ID)
			}
			if !slices.Equal(ids, tc.want) {
				t.Errorf("%s in %q: %v, want %v", tc.stage, tc.region, ids, tc.want)
			}
		}
		if _, err := e.s.StageList(ctx, staff, 2026, "nonsense", ""); fields(err)["stage"] == "" {
			t.Errorf("unknown stage: %v", err)
		}
	})
}

func TestRemindersFromTheRegistry(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		id := e.add(1, "341203200", 20)
		e.certify(id, "hte", "GR202334000101", 2023, "2023-11-30") // expires 2026-11-29
		if _, err := d.Exec(`UPDATE enterprise_years SET annual_report = FALSE WHERE enterprise_id = $1 AND year IN (2024, 2025)`, id); err != nil {
			t.Fatal(err)
		}
		rs, err := e.s.Reminders(ctx, staff, day("2026-06-15"))
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, r := range rs {
			kinds = append(kinds, r.Kind)
		}
		if want := []string{"revocation", "report_overdue", "recert"}; !slices.Equal(kinds, want) {
			t.Errorf("reminders %v, want %v", kinds, want)
		}
		if rs, _ := e.s.Reminders(ctx, other, day("2026-06-15")); len(rs) != 0 {
			t.Errorf("other district sees %d reminders", len(rs))
		}
		if rs, _ := e.s.Reminders(ctx, company(id), day("2026-06-15")); len(rs) != 3 {
			t.Errorf("the enterprise sees %d of its reminders, want 3", len(rs))
		}
	})
}
