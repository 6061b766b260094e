package enterprise_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/enterprise"
	"kejiju/internal/i18n"
	"kejiju/internal/region"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

var (
	staff    = &auth.User{ID: 1, Username: "staff", DisplayName: "张科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341203"}
	other    = &auth.User{ID: 2, Username: "other", DisplayName: "颍州科员", Roles: []auth.Role{auth.Staff}, RegionCode: "341202"}
	viewer   = &auth.User{ID: 3, Username: "viewer", DisplayName: "市局", Roles: []auth.Role{auth.CityViewer}, RegionCode: "341200"}
	sysadmin = &auth.User{ID: 4, Username: "admin", DisplayName: "管理员", Roles: []auth.Role{auth.SysAdmin}, RegionCode: "341203"}
)

func setup(t *testing.T, d *db.DB) (*enterprise.Service, *region.Tree) {
	t.Helper()
	lg, _ := audit.New(audit.SM3)
	rs := &region.Store{DB: d, Audit: lg}
	if _, err := rs.Seed(context.Background(), append(region.Anhui(), region.DemoDistrict()...)); err != nil {
		t.Fatal(err)
	}
	tree, err := rs.Tree(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return &enterprise.Service{DB: d, Audit: lg}, tree
}

var code = enterprise.SampleCode

func sample(n int) enterprise.Input {
	return enterprise.Input{CreditCode: code(n), Name: fmt.Sprintf("阜阳颍东示例%d科技有限公司", n), LegalRep: "张三",
		Address: "颍东区冉庙乡工业园" + fmt.Sprint(n) + "号", RegionCode: "341203200", IndustryCode: "C3911", TechField: "电子信息"}
}

func fields(err error) map[string]string {
	out := map[string]string{}
	p, _ := err.(i18n.Problems)
	for _, e := range p {
		out[e.Field] = e.Key
	}
	if e, ok := err.(*i18n.Error); ok && e.Field != "" {
		out[e.Field] = e.Key
	}
	return out
}

func count(t *testing.T, d *db.DB, q string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCreateValidatesAndWritesNothingOnError(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := setup(t, d)
		ctx := context.Background()
		tests := []struct {
			name   string
			edit   func(*enterprise.Input)
			fields []string
		}{
			{"bad check digit", func(in *enterprise.Input) { in.CreditCode = in.CreditCode[:17] + "0" }, []string{"credit_code"}},
			{"letter I", func(in *enterprise.Input) { in.CreditCode = "91341203I" + in.CreditCode[9:] }, []string{"credit_code"}},
			{"no name, bad phone, bad industry", func(in *enterprise.Input) { in.Name = ""; in.ContactPhone = "12345"; in.IndustryCode = "Z99" },
				[]string{"name", "contact_phone", "industry_code"}},
			{"unknown field", func(in *enterprise.Input) { in.TechField = "人工智能" }, []string{"tech_field"}},
			{"other district", func(in *enterprise.Input) { in.RegionCode = "341202" }, []string{"region_code"}},
			{"city level", func(in *enterprise.Input) { in.RegionCode = "341200" }, []string{"region_code"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				in := sample(1)
				tc.edit(&in)
				_, err := s.Create(ctx, staff, in, "")
				got := fields(err)
				for _, f := range tc.fields {
					if got[f] == "" {
						t.Errorf("no error on %s; got %v", f, got)
					}
				}
			})
		}
		if n := count(t, d, `SELECT COUNT(*) FROM enterprises`) + count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action LIKE 'enterprise.%'`); n != 0 {
			t.Errorf("refused input wrote %d rows", n)
		}
		if _, err := s.Create(ctx, viewer, sample(1), ""); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("city viewer create: %v, want forbidden", err)
		}
		if _, err := s.Create(ctx, sysadmin, sample(1), ""); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("system administrator create: %v, want forbidden", err)
		}
		e, err := s.Create(ctx, staff, sample(1), "首次登记")
		if err != nil {
			t.Fatal(err)
		}
		if e.NameInitials != "fyydsl1kjyxgs" {
			t.Errorf("initials %q", e.NameInitials)
		}
		low := sample(1)
		low.CreditCode = strings.ToLower(low.CreditCode)
		if _, err := s.Create(ctx, staff, low, ""); fields(err)["credit_code"] != "enterprise.code.taken" {
			t.Errorf("duplicate code in lower case: %v", err)
		}
	})
}

func TestScopeOnEveryRead(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := setup(t, d)
		ctx := context.Background()
		mine, err := s.Create(ctx, staff, sample(1), "")
		if err != nil {
			t.Fatal(err)
		}
		in := sample(2)
		in.RegionCode = "341202"
		theirs, err := s.Create(ctx, other, in, "")
		if err != nil {
			t.Fatal(err)
		}
		company := &auth.User{ID: 9, Roles: []auth.Role{auth.Enterprise}, EnterpriseID: mine.ID, RegionCode: "341203"}
		tests := []struct {
			user *auth.User
			id   int64
			ok   bool
		}{
			{staff, mine.ID, true}, {staff, theirs.ID, false}, {other, theirs.ID, true}, {other, mine.ID, false},
			{viewer, mine.ID, true}, {viewer, theirs.ID, true}, {sysadmin, mine.ID, false},
			{company, mine.ID, true}, {company, theirs.ID, false},
		}
		for _, tc := range tests {
			_, err := s.Get(ctx, tc.user, tc.id)
			if (err == nil) != tc.ok || (err != nil && i18n.ErrorCode(err) != i18n.NotFound) {
				t.Errorf("%s get %d: %v, want ok=%v (else not found)", tc.user.Username, tc.id, err, tc.ok)
			}
			list, total, err := s.List(ctx, tc.user, enterprise.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, e := range list {
				found = found || e.ID == tc.id
			}
			if found != tc.ok {
				t.Errorf("%s list (total %d) contains %d: %v, want %v", tc.user.Username, total, tc.id, found, tc.ok)
			}
		}
		if _, err := s.Update(ctx, company, mine.ID, mine.Version, sample(1), ""); err != nil && i18n.ErrorCode(err) == i18n.NotFound {
			t.Errorf("enterprise user cannot see its own record for update: %v", err)
		}
	})
}

func TestUpdateVersionsAndConflicts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := setup(t, d)
		ctx := context.Background()
		e, _ := s.Create(ctx, staff, sample(1), "登记")
		in := sample(1)
		in.Address = "颍东区新华街道1号"
		e2, err := s.Update(ctx, staff, e.ID, e.Version, in, "迁址")
		if err != nil || e2.Version != 2 {
			t.Fatalf("update: %v %+v", err, e2)
		}
		if _, err := s.Update(ctx, staff, e.ID, e.Version, sample(1), "旧版本"); i18n.ErrorCode(err) != i18n.Conflict {
			t.Errorf("stale update: %v, want conflict", err)
		}
		vs, err := s.Versions(ctx, staff, e.ID)
		if err != nil || len(vs) != 2 || vs[0].Reason != "迁址" || vs[0].ChangedName != "张科员" || vs[1].Data.Address == vs[0].Data.Address {
			t.Errorf("versions: %v %+v", err, vs)
		}
		if e3, _ := s.Update(ctx, staff, e.ID, 2, in, "无变化"); e3 == nil || e3.Version != 2 {
			t.Errorf("an unchanged save made a new version: %+v", e3)
		}
	})
}

func TestSearch(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := setup(t, d)
		ctx := context.Background()
		names := []string{"阜阳华夏新材料有限公司", "颍东区精密机械制造厂", "安徽省华源生物科技股份有限公司"}
		for i, n := range names {
			in := sample(i + 1)
			in.Name = n
			if _, err := s.Create(ctx, staff, in, ""); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			q    string
			want []string
		}{
			{"新材料", []string{names[0]}},
			{"精密机械", []string{names[1]}},
			{"华", []string{names[0], names[2]}}, // one character: substring
			{"华源", []string{names[2]}},          // two characters
			{"fyhx", []string{names[0]}},        // pinyin initials
			{code(2)[:10], nil},                 // a prefix shared by all synthetic codes
			{"工业园3号", []string{names[2]}},       // address
			{"不存在的企业", nil},
		}
		for _, tc := range tests {
			list, _, err := s.List(ctx, staff, enterprise.Filter{Query: tc.q, Sort: "credit_code"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range list {
				got = append(got, e.Name)
			}
			if tc.q == code(2)[:10] {
				if len(got) != 3 {
					t.Errorf("code prefix %q: %v, want all 3", tc.q, got)
				}
				continue
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("search %q: %v, want %v", tc.q, got, tc.want)
			}
		}
	})
}

func TestMerge(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := setup(t, d)
		ctx := context.Background()
		keep, _ := s.Create(ctx, staff, sample(1), "")
		dup, _ := s.Create(ctx, staff, sample(2), "")
		if err := s.SaveYear(ctx, staff, enterprise.Year{EnterpriseID: dup.ID, Year: 2025, Revenue: 100, Staff: 10, STStaff: 2}, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.Merge(ctx, staff, keep.ID, dup.ID, ""); fields(err)["reason"] == "" {
			t.Errorf("merge without reason: %v", err)
		}
		if err := s.Merge(ctx, staff, keep.ID, dup.ID, "同一企业重复登记"); err != nil {
			t.Fatal(err)
		}
		ys, _ := s.Years(ctx, staff, keep.ID)
		if len(ys) != 1 || ys[0].Revenue != 100 {
			t.Errorf("years after merge: %+v", ys)
		}
		list, _, _ := s.List(ctx, staff, enterprise.Filter{})
		if len(list) != 1 || list[0].ID != keep.ID {
			t.Errorf("active list after merge: %d records", len(list))
		}
		got, err := s.Get(ctx, staff, dup.ID)
		if err != nil || got.Status != enterprise.Merged || got.MergedInto != keep.ID {
			t.Errorf("duplicate after merge: %+v %v", got, err)
		}
		if vs, _ := s.Versions(ctx, staff, dup.ID); len(vs) != 2 {
			t.Errorf("the duplicate's history has %d versions, want 2", len(vs))
		}
	})
}

func TestYearsAndStatuses(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := setup(t, d)
		ctx := context.Background()
		e, _ := s.Create(ctx, staff, sample(1), "")
		bad := enterprise.Year{EnterpriseID: e.ID, Year: 2025, Revenue: 100, HiTechRevenue: 200, Staff: 5, STStaff: 6, RDTotal: 10, RDDomestic: 20}
		err := s.SaveYear(ctx, staff, bad, "")
		for _, f := range []string{"hitech_revenue", "st_staff", "rd_domestic"} {
			if fields(err)[f] == "" {
				t.Errorf("no error on %s: %v", f, err)
			}
		}
		good := enterprise.Year{EnterpriseID: e.ID, Year: 2025, Revenue: 5_000_000_00, HiTechRevenue: 4_000_000_00, Staff: 50, STStaff: 8, RDTotal: 300_000_00, RDDomestic: 300_000_00}
		if err := s.SaveYear(ctx, staff, good, ""); err != nil {
			t.Fatal(err)
		}
		good.Staff = 60
		if err := s.SaveYear(ctx, staff, good, "更正"); err != nil {
			t.Fatal(err)
		}
		if ys, _ := s.Years(ctx, staff, e.ID); len(ys) != 1 || ys[0].Staff != 60 {
			t.Errorf("years: %+v", ys)
		}
		_, err = s.AddStatus(ctx, staff, enterprise.Status{EnterpriseID: e.ID, Kind: enterprise.KindHTE, Year: 2021, Number: "GR2021340001"}, "")
		if fields(err)["number"] == "" {
			t.Errorf("short HTE number: %v", err)
		}
		from, _ := enterprise.ParseDateForTest("2021-11-30")
		st, err := s.AddStatus(ctx, staff, enterprise.Status{EnterpriseID: e.ID, Kind: enterprise.KindHTE, Year: 2021, Number: "gr202134000123", ValidFrom: from}, "")
		if err != nil || st.Number != "GR202134000123" || st.ValidTo.String() != "2024-11-29" {
			t.Errorf("HTE certificate: %+v %v", st, err)
		}
	})
}

func TestBlacklist(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := setup(t, d)
		ctx := context.Background()
		e, _ := s.Create(ctx, staff, sample(1), "")
		if err := s.SetBlacklisted(ctx, staff, e.ID, true, ""); fields(err)["reason"] == "" {
			t.Errorf("blacklisting without a reason: %v", err)
		}
		if err := s.SetBlacklisted(ctx, viewer, e.ID, true, "失信"); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("city viewer blacklisting: %v", err)
		}
		if err := s.SetBlacklisted(ctx, other, e.ID, true, "失信"); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("another district blacklisting: %v", err)
		}
		if err := s.SetBlacklisted(ctx, staff, e.ID, true, "列入严重失信主体名单"); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Get(ctx, staff, e.ID)
		if !got.Blacklisted || count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action = 'enterprise.blacklist'`) != 1 {
			t.Errorf("blacklisted %v", got.Blacklisted)
		}
	})
}
