package region

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// mustTree builds the tree of 安徽省 plus the demo district, and any extra
// rows (as the bureau's database would add them).
func mustTree(tb testing.TB, extra ...Region) *Tree {
	tb.Helper()
	rs := append(Anhui(), DemoDistrict()...)
	t, err := NewTree(append(rs, extra...))
	if err != nil {
		tb.Fatalf("NewTree: %v", err)
	}
	return t
}

func codes(rs []Region) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Code
	}
	return out
}

func TestPathAndFullName(t *testing.T) {
	tree := mustTree(t)
	tests := []struct {
		code     string
		path     []string
		fullName string
	}{
		{"340000", []string{"340000"}, "安徽省"},
		{"341200", []string{"340000", "341200"}, "安徽省/阜阳市"},
		{"341202", []string{"340000", "341200", "341202"}, "安徽省/阜阳市/颍州区"},
		{"341282", []string{"340000", "341200", "341282"}, "安徽省/阜阳市/界首市"},
		{"340102", []string{"340000", "340100", "340102"}, "安徽省/合肥市/瑶海区"},
		{"341203200", []string{"340000", "341200", "341203", "341203200"}, "安徽省/阜阳市/颍东区/冉庙乡"},
		{"341203200205", []string{"340000", "341200", "341203", "341203200", "341203200205"}, "安徽省/阜阳市/颍东区/冉庙乡/梧樟村"},
		{"341201", nil, ""}, // 市辖区 placeholder: not in the data
		{"999999", nil, ""},
		{"", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			path := tree.Path(tc.code)
			var got []string
			if path != nil {
				got = codes(path)
			}
			if diff := cmp.Diff(tc.path, got); diff != "" {
				t.Errorf("Path(%q) (-want +got):\n%s", tc.code, diff)
			}
			if got := tree.FullName(tc.code); got != tc.fullName {
				t.Errorf("FullName(%q) = %q, want %q", tc.code, got, tc.fullName)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	tree := mustTree(t)
	tests := []struct {
		code string
		want Region
		ok   bool
	}{
		{"341200", Region{Code: "341200", Name: "阜阳市", Level: Prefecture, Parent: "340000"}, true},
		{"341203", Region{Code: "341203", Name: "颍东区", Level: County, Parent: "341200"}, true},
		{"340000", Region{Code: "340000", Name: "安徽省", Level: Province}, true},
		{"341223", Region{}, false}, // 涡阳县 moved to 亳州市 (341621) long ago
	}
	for _, tc := range tests {
		got, ok := tree.Lookup(tc.code)
		if ok != tc.ok {
			t.Errorf("Lookup(%q) ok = %v, want %v", tc.code, ok, tc.ok)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Lookup(%q) (-want +got):\n%s", tc.code, diff)
		}
	}
}

func TestChildren(t *testing.T) {
	tree := mustTree(t)
	tests := []struct {
		code string
		want []string
	}{
		{DemoCityCode, []string{"341202", "341203", "341204", "341221", "341222", "341225", "341226", "341282"}},
		{ProvinceCode, []string{
			"340100", "340200", "340300", "340400", "340500", "340600", "340700", "340800",
			"341000", "341100", "341200", "341300", "341500", "341600", "341700", "341800",
		}},
		{DemoDistrictCode, []string{
			"341203001", "341203002", "341203003",
			"341203100", "341203101", "341203102", "341203103", "341203104", "341203105", "341203106", "341203107",
			"341203200",
		}},
		{"341203200", []string{"341203200205", "341203200901", "341203200902"}},
		{"341203200205", nil}, // leaf
		{"341202", nil},       // no townships loaded for 颍州区
		{"999999", nil},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			cs := tree.Children(tc.code)
			var got []string
			if cs != nil {
				got = codes(cs)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Children(%q) (-want +got):\n%s", tc.code, diff)
			}
			for _, c := range cs {
				if c.Parent != tc.code {
					t.Errorf("child %s has Parent %q, want %q", c.Code, c.Parent, tc.code)
				}
			}
		})
	}
}

func TestDescendants(t *testing.T) {
	tree := mustTree(t)
	tests := []struct {
		code string
		want int
	}{
		{ProvinceCode, 16 + 104 + 15},
		{DemoCityCode, 8 + 15},
		{DemoDistrictCode, 15},
		{"341203200", 3},
		{"341203200205", 0},
		{"999999", 0},
	}
	for _, tc := range tests {
		ds := tree.Descendants(tc.code)
		if len(ds) != tc.want {
			t.Errorf("len(Descendants(%q)) = %d, want %d", tc.code, len(ds), tc.want)
		}
		got := codes(ds)
		if !slices.IsSorted(got) {
			t.Errorf("Descendants(%q) not in code order: %v", tc.code, got)
		}
		if slices.Contains(got, tc.code) {
			t.Errorf("Descendants(%q) includes the code itself", tc.code)
		}
		for _, d := range ds {
			if !tree.Contains(tc.code, d.Code) {
				t.Errorf("Descendants(%q) has %s, which it does not contain", tc.code, d.Code)
			}
		}
	}
}

func TestContains(t *testing.T) {
	tree := mustTree(t)
	tests := []struct {
		ancestor, code string
		want           bool
	}{
		{"341200", "341200", true}, // itself
		{"341200", "341202", true}, // city viewer sees a district
		{"341200", "341203001", true},
		{"341200", "341203200205", true},
		{"340000", "341203200205", true},
		{"341203", "341203200", true},
		{"341203200", "341203200205", true},
		{"341203", "341202", false}, // sibling district
		{"341202", "341203200", false},
		{"341202", "341200", false}, // child does not contain parent
		{"341100", "341202", false}, // other city
		{"341203200", "341203101", false},
		{"341200", "341299", false},       // unknown code: fail closed
		{"341299", "341299", false},       // unknown ancestor, even itself
		{"341200", "341202001", false},    // 颍州区 township not loaded
		{"", "341202", false},             // no scope, no rows
		{"341200", "", false},             // row without a region
		{"3412", "341202", false},         // prefixes are not codes
		{"341203", "341203200999", false}, // unknown village
	}
	for _, tc := range tests {
		if got := tree.Contains(tc.ancestor, tc.code); got != tc.want {
			t.Errorf("Contains(%q, %q) = %v, want %v", tc.ancestor, tc.code, got, tc.want)
		}
	}
}

func TestTreeWithDatabaseRows(t *testing.T) {
	// 插花镇 兰楼村 341203101205, as the bureau might add it at run time.
	lanlou := Region{Code: "341203101205", Name: "兰楼村", Level: Village, Parent: "341203101"}
	tree := mustTree(t, lanlou)
	if got, want := tree.FullName(lanlou.Code), "安徽省/阜阳市/颍东区/插花镇/兰楼村"; got != want {
		t.Errorf("FullName = %q, want %q", got, want)
	}
	if !tree.Contains(DemoCityCode, lanlou.Code) {
		t.Errorf("Contains(%q, %q) = false, want true", DemoCityCode, lanlou.Code)
	}
}

func TestTreeReturnsCopies(t *testing.T) {
	tree := mustTree(t)
	cs := tree.Children(DemoCityCode)
	cs[0].Name = "changed"
	clear(cs[1:])
	if got := tree.FullName("341202"); got != "安徽省/阜阳市/颍州区" {
		t.Errorf("FullName after mutating Children result = %q", got)
	}
	if got := len(tree.Children(DemoCityCode)); got != 8 {
		t.Errorf("len(Children) after mutating an earlier result = %d, want 8", got)
	}
}

func TestNewTreeErrors(t *testing.T) {
	province := Region{Code: "340000", Name: "安徽省", Level: Province}
	city := Region{Code: "341200", Name: "阜阳市", Level: Prefecture, Parent: "340000"}
	tests := []struct {
		name    string
		rs      []Region
		wantErr error
		wantMsg string
	}{
		{
			name:    "duplicate",
			rs:      []Region{province, city, {Code: "341200", Name: "阜阳", Level: Prefecture, Parent: "340000"}},
			wantErr: ErrDuplicate,
			wantMsg: "341200",
		},
		{
			name:    "orphan",
			rs:      []Region{province, {Code: "341202", Name: "颍州区", Level: County, Parent: "341200"}},
			wantErr: ErrOrphan,
			wantMsg: "341202 颍州区 has parent 341200",
		},
		{
			name:    "orphan village",
			rs:      append(Anhui(), Region{Code: "341203200205", Name: "梧樟村", Level: Village, Parent: "341203200"}),
			wantErr: ErrOrphan,
			wantMsg: "341203200205",
		},
		{
			name:    "bad code",
			rs:      []Region{province, {Code: "34120", Name: "阜阳市", Level: Prefecture, Parent: "340000"}},
			wantErr: ErrInvalidCode,
			wantMsg: "34120",
		},
		{
			name:    "zero level",
			rs:      []Region{province, {Code: "341200", Name: "阜阳市", Parent: "340000"}},
			wantErr: ErrInvalid,
			wantMsg: "341200",
		},
		{
			name:    "level does not match code",
			rs:      []Region{province, {Code: "341200", Name: "阜阳市", Level: County, Parent: "340000"}},
			wantErr: ErrInvalid,
			wantMsg: "marked county",
		},
		{
			name:    "no name",
			rs:      []Region{province, {Code: "341200", Name: " ", Level: Prefecture, Parent: "340000"}},
			wantErr: ErrInvalid,
			wantMsg: "no name",
		},
		{
			name: "parent not above child",
			rs: []Region{province, city,
				{Code: "341202", Name: "颍州区", Level: County, Parent: "341200"},
				{Code: "341203", Name: "颍东区", Level: County, Parent: "341202"}},
			wantErr: ErrInvalid,
			wantMsg: "cannot have parent 341202",
		},
		{
			name: "cycle",
			rs: []Region{
				{Code: "341200", Name: "阜阳市", Level: Prefecture, Parent: "341202"},
				{Code: "341202", Name: "颍州区", Level: County, Parent: "341200"}},
			wantErr: ErrInvalid,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree, err := NewTree(tc.rs)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("NewTree error = %v, want %v", err, tc.wantErr)
			}
			if tree != nil {
				t.Errorf("NewTree returned a tree with an error")
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("NewTree error = %q, want it to mention %q", err, tc.wantMsg)
			}
		})
	}
}

func TestNewTreeEmpty(t *testing.T) {
	tree, err := NewTree(nil)
	if err != nil {
		t.Fatalf("NewTree(nil): %v", err)
	}
	if tree.Contains("", "") || tree.FullName("340000") != "" || tree.Children("") != nil {
		t.Errorf("empty tree answers as if it had regions")
	}
}
