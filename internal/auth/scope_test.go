package auth

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
)

func TestScopeWhereEmpty(t *testing.T) {
	tests := []struct {
		name  string
		scope Scope
		cols  Columns
	}{
		{"zero scope", Scope{}, Columns{Region: "r.region_code", Enterprise: "r.enterprise_id", Assigned: "r.id = ?"}},
		{"read-only flag alone", Scope{ReadOnly: true}, Columns{Region: "r.region_code"}},
		{"five-digit region", Scope{Regions: []string{"34120"}}, Columns{Region: "r.region_code"}},
		{"seven-digit region", Scope{Regions: []string{"3412039"}}, Columns{Region: "r.region_code"}},
		{"region with letters", Scope{Regions: []string{"34120x"}}, Columns{Region: "r.region_code"}},
		{"region with a wildcard", Scope{Regions: []string{"3412%_"}}, Columns{Region: "r.region_code"}},
		{"empty region code", Scope{Regions: []string{""}}, Columns{Region: "r.region_code"}},
		{"region scope, table without region", Scope{Regions: []string{"341203"}}, Columns{Enterprise: "r.enterprise_id"}},
		{"enterprise scope, table without enterprise", Scope{EnterpriseID: 7, Regions: []string{"341203"}}, Columns{Region: "r.region_code"}},
		{"expert scope, table without assignments", Scope{ExpertUserID: 9}, Columns{Region: "r.region_code", Enterprise: "r.enterprise_id"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := []any{"a", "b"}
			if got := tc.scope.Where(tc.cols, &args); got != "1 = 0" {
				t.Errorf("got %q, want %q", got, "1 = 0")
			}
			if len(args) != 2 {
				t.Errorf("got %d args, want the 2 given (nothing added)", len(args))
			}
		})
	}
}

func TestScopeWherePlaceholders(t *testing.T) {
	tests := []struct {
		name     string
		scope    Scope
		cols     Columns
		wantCond string
		wantArgs []any
	}{
		{"enterprise", Scope{EnterpriseID: 7}, Columns{Enterprise: "e.id"}, "e.id = $3", []any{"a", "b", int64(7)}},
		{"expert", Scope{ExpertUserID: 9}, Columns{Assigned: "a.id IN (SELECT application_id FROM review_assignments WHERE expert_user_id = ?)"},
			"a.id IN (SELECT application_id FROM review_assignments WHERE expert_user_id = $3)", []any{"a", "b", int64(9)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := []any{"a", "b"}
			if got := tc.scope.Where(tc.cols, &args); got != tc.wantCond {
				t.Errorf("got %q, want %q", got, tc.wantCond)
			}
			if diff := cmp.Diff(tc.wantArgs, args); diff != "" {
				t.Errorf("args (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("regions", func(t *testing.T) {
		args := []any{"a", "b"}
		cond := Scope{Regions: []string{"341203", "341202"}}.Where(Columns{Region: "r.region_code"}, &args)
		if strings.Contains(cond, "$1 ") || strings.Contains(cond, "$2 ") || !strings.Contains(cond, "$3") || !strings.Contains(cond, "$6") {
			t.Errorf("condition %q: want placeholders $3 to $6 only", cond)
		}
		if diff := cmp.Diff([]any{"a", "b", "341203", "341204", "341202", "341203"}, args); diff != "" {
			t.Errorf("args (-want +got):\n%s", diff)
		}
	})
}

// scopeRow is a row of the scoped test table.
type scopeRow struct {
	id         int
	region     string
	enterprise int64
}

// scopeRows returns the fixed rows of the brief and pseudo-random codes
// around them: valid 6-, 9- and 12-digit codes and malformed ones.
func scopeRows() []scopeRow {
	codes := []string{"341203", "341203200", "341203200205", "341202", "341200", "3412039", "340000", "341102", "110101"}
	rnd := rand.New(rand.NewPCG(1, 2))
	prefixes := []string{"34", "3412", "341203", "341202", "341203200", "341103"}
	for range 300 {
		p := prefixes[rnd.IntN(len(prefixes))]
		n := []int{5, 6, 7, 8, 9, 10, 12, 13}[rnd.IntN(8)]
		for len(p) < n {
			p += string(rune('0' + rnd.IntN(10)))
		}
		codes = append(codes, p[:n])
	}
	var rows []scopeRow
	for i, c := range codes {
		rows = append(rows, scopeRow{id: i + 1, region: c, enterprise: int64(i%5 + 1)})
	}
	return rows
}

func loadScopeRows(t *testing.T, d *db.DB, rows []scopeRow) {
	t.Helper()
	ctx := context.Background()
	if _, err := d.ExecContext(ctx, `CREATE TABLE scoped (id INTEGER PRIMARY KEY, region_code TEXT NOT NULL, enterprise_id BIGINT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if _, err := d.ExecContext(ctx, `INSERT INTO scoped (id, region_code, enterprise_id) VALUES ($1, $2, $3)`, r.id, r.region, r.enterprise); err != nil {
			t.Fatal(err)
		}
	}
}

// selectScoped runs the scope's condition after two parameters of its own
// and returns the region codes of the rows it keeps, sorted.
func selectScoped(t *testing.T, d *db.DB, s Scope, cols Columns) []string {
	t.Helper()
	args := []any{"none-1", "none-2"}
	cond := s.Where(cols, &args)
	rows, err := d.QueryContext(context.Background(), `SELECT r.region_code FROM scoped r
		WHERE r.region_code <> $1 AND r.region_code <> $2 AND `+cond+` ORDER BY r.region_code, r.id`, args...)
	if err != nil {
		t.Fatalf("%q %v: %v", cond, args, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestScopeWhereOnEngines runs the conditions on both engines: district
// staff see exactly their district with its townships and villages, the city
// viewer the whole city, and malformed codes are seen by no one.
func TestScopeWhereOnEngines(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		fixed := []scopeRow{}
		for i, c := range []string{"341203", "341203200", "341203200205", "341202", "341200", "3412039", "340000", "341102"} {
			fixed = append(fixed, scopeRow{id: i + 1, region: c, enterprise: 1})
		}
		loadScopeRows(t, d, fixed)
		cols := Columns{Region: "r.region_code"}
		tests := []struct {
			name  string
			scope Scope
			want  []string
		}{
			{"district staff", (&User{Roles: []Role{Staff}, RegionCode: "341203"}).Scope(), []string{"341203", "341203200", "341203200205"}},
			{"city viewer", (&User{Roles: []Role{CityViewer}, RegionCode: "341200"}).Scope(), []string{"341200", "341202", "341203", "341203200", "341203200205"}},
			{"province", Scope{Regions: []string{"340000"}}, []string{"340000", "341102", "341200", "341202", "341203", "341203200", "341203200205"}},
			{"township assistant", (&User{Roles: []Role{Assistant}, RegionCode: "341203200"}).Scope(), []string{"341203200", "341203200205"}},
			{"two districts", Scope{Regions: []string{"341203", "341202"}}, []string{"341202", "341203", "341203200", "341203200205"}},
			{"empty scope", Scope{}, nil},
			{"malformed region", Scope{Regions: []string{"3412039"}}, nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if diff := cmp.Diff(tc.want, selectScoped(t, d, tc.scope, cols)); diff != "" {
					t.Errorf("rows (-want +got):\n%s", diff)
				}
			})
		}
	})
}

// TestScopeAllowsAgreesWithWhere is the property test of the data scope:
// for every scope and every row, Allows(row) holds exactly when the row is
// in the result of the query filtered by Where.
func TestScopeAllowsAgreesWithWhere(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		rows := scopeRows()
		loadScopeRows(t, d, rows)
		scopes := []Scope{
			{},
			{Regions: []string{"340000"}},
			{Regions: []string{"341200"}},
			{Regions: []string{"341203"}},
			{Regions: []string{"341202", "341203200"}},
			{Regions: []string{"341203200"}},
			{Regions: []string{"341203200205"}},
			{Regions: []string{"3412039"}},
			{Regions: []string{"34120"}},
			{Regions: []string{"341203"}, ReadOnly: true},
			{EnterpriseID: 3},
			{EnterpriseID: 3, Regions: []string{"341203"}},
			{ExpertUserID: 4},
		}
		for ci, cols := range []Columns{
			{Region: "r.region_code", Enterprise: "r.enterprise_id"},
			{Region: "r.region_code"},
		} {
			for si, s := range scopes {
				t.Run(fmt.Sprintf("columns%d/scope%d", ci, si), func(t *testing.T) {
					args := []any{}
					cond := s.Where(cols, &args)
					q, err := d.QueryContext(context.Background(), `SELECT r.id FROM scoped r WHERE `+cond, args...)
					if err != nil {
						t.Fatalf("%q: %v", cond, err)
					}
					var in []int
					for q.Next() {
						var id int
						if err := q.Scan(&id); err != nil {
							t.Fatal(err)
						}
						in = append(in, id)
					}
					q.Close()
					for _, r := range rows {
						allows := s.Allows(r.region, r.enterprise)
						if cols.Enterprise == "" && s.EnterpriseID > 0 {
							allows = false // the table has no enterprise column: nothing is visible
						}
						if got := slices.Contains(in, r.id); got != allows {
							t.Errorf("scope %+v, row %s (enterprise %d): in Where result %v, Allows %v", s, r.region, r.enterprise, got, allows)
						}
					}
				})
			}
		}
	})
}

func TestUserScope(t *testing.T) {
	tests := []struct {
		name string
		user *User
		want Scope
	}{
		{"nil user", nil, Scope{}},
		{"sysadmin", &User{ID: 1, Roles: []Role{SysAdmin}, RegionCode: "341203"}, Scope{}},
		{"secadmin", &User{ID: 1, Roles: []Role{SecAdmin}, RegionCode: "341203"}, Scope{}},
		{"auditadmin", &User{ID: 1, Roles: []Role{AuditAdmin}, RegionCode: "341203"}, Scope{}},
		{"disabled staff", &User{ID: 1, Roles: []Role{Staff}, RegionCode: "341203", Disabled: true}, Scope{}},
		{"staff", &User{ID: 1, Roles: []Role{Staff}, RegionCode: "341203"}, Scope{Regions: []string{"341203"}}},
		{"director", &User{ID: 1, Roles: []Role{Director}, RegionCode: "341203"}, Scope{Regions: []string{"341203"}}},
		{"finance", &User{ID: 1, Roles: []Role{Finance}, RegionCode: "341203"}, Scope{Regions: []string{"341203"}}},
		{"assistant", &User{ID: 1, Roles: []Role{Assistant}, RegionCode: "341203200"}, Scope{Regions: []string{"341203200"}}},
		{"city viewer", &User{ID: 1, Roles: []Role{CityViewer}, RegionCode: "341200"}, Scope{Regions: []string{"341200"}, ReadOnly: true}},
		{"enterprise", &User{ID: 1, Roles: []Role{Enterprise}, RegionCode: "341203", EnterpriseID: 42}, Scope{EnterpriseID: 42}},
		{"enterprise without enterprise", &User{ID: 1, Roles: []Role{Enterprise}, RegionCode: "341203"}, Scope{}},
		{"expert", &User{ID: 5, Roles: []Role{Expert}, RegionCode: "341203"}, Scope{ExpertUserID: 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.user.Scope()); diff != "" {
				t.Errorf("Scope() (-want +got):\n%s", diff)
			}
		})
	}
}
