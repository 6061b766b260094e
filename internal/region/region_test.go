package region

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLevelNames(t *testing.T) {
	tests := []struct {
		level       Level
		zh, english string
	}{
		{Province, "省级", "province"},
		{Prefecture, "地级", "prefecture"},
		{County, "县级", "county"},
		{Township, "乡级", "township"},
		{Village, "村级", "village"},
		{0, "Level(0)", "Level(0)"},
		{6, "Level(6)", "Level(6)"},
	}
	for _, tc := range tests {
		if got := tc.level.String(); got != tc.zh {
			t.Errorf("Level(%d).String() = %q, want %q", int(tc.level), got, tc.zh)
		}
		if got := tc.level.English(); got != tc.english {
			t.Errorf("Level(%d).English() = %q, want %q", int(tc.level), got, tc.english)
		}
		if tc.level.Valid() {
			if got, ok := parseLevel(tc.english); !ok || got != tc.level {
				t.Errorf("parseLevel(%q) = %v, %v; want %v, true", tc.english, got, ok, tc.level)
			}
		}
	}
}

func TestLevelOfAndParentCode(t *testing.T) {
	tests := []struct {
		code   string
		level  Level
		parent string
	}{
		{"340000", Province, ""},
		{"341200", Prefecture, "340000"},
		{"341203", County, "341200"},
		{"341282", County, "341200"},
		{"341201", County, "341200"}, // a 市辖区 placeholder still has a computable parent
		{"341203200", Township, "341203"},
		{"341203001", Township, "341203"},
		{"341203200205", Village, "341203200"},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			l, err := LevelOf(tc.code)
			if err != nil || l != tc.level {
				t.Errorf("LevelOf(%q) = %v, %v; want %v, nil", tc.code, l, err, tc.level)
			}
			p, err := ParentCode(tc.code)
			if err != nil || p != tc.parent {
				t.Errorf("ParentCode(%q) = %q, %v; want %q, nil", tc.code, p, err, tc.parent)
			}
		})
	}
}

func TestLevelOfInvalid(t *testing.T) {
	for _, code := range []string{
		"", "34", "34120", "3412030", "34120320", "3412032002", "3412032002051",
		"34120a", "３４１２０３", " 341203", "000000", "001200",
		"341203000",    // township part 000
		"341203200000", // village part 000
		"341203000205", // township part 000 inside a village code
		"000000200205", // bad county prefix
	} {
		if l, err := LevelOf(code); !errors.Is(err, ErrInvalidCode) {
			t.Errorf("LevelOf(%q) = %v, %v; want ErrInvalidCode", code, l, err)
		}
		if p, err := ParentCode(code); !errors.Is(err, ErrInvalidCode) {
			t.Errorf("ParentCode(%q) = %q, %v; want ErrInvalidCode", code, p, err)
		}
	}
}

func FuzzLevelOf(f *testing.F) {
	for _, s := range []string{"340000", "341200", "341203", "341203200", "341203200205", "34120", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		l, err := LevelOf(code)
		if err != nil {
			return
		}
		p, err := ParentCode(code)
		if err != nil {
			t.Fatalf("LevelOf(%q) = %v but ParentCode fails: %v", code, l, err)
		}
		if l == Province {
			if p != "" {
				t.Fatalf("ParentCode(%q) = %q, want \"\" for a province", code, p)
			}
			return
		}
		pl, err := LevelOf(p)
		if err != nil || pl >= l {
			t.Fatalf("ParentCode(%q) = %q with level %v, %v; want a valid level above %v", code, p, pl, err, l)
		}
	})
}

// TestEmbeddedData proves the embedded files parse; a malformed file would
// panic at package initialisation.
func TestEmbeddedData(t *testing.T) {
	tests := []struct {
		file string
		want int
	}{
		{"data/anhui.tsv", 1 + 16 + 104},
		{"data/yingdong.tsv", 12 + 3},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			b, err := dataFS.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := parse(string(b))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if len(rows) != tc.want {
				t.Errorf("got %d rows, want %d", len(rows), tc.want)
			}
		})
	}
}

func TestAnhuiCodes(t *testing.T) {
	rs := Anhui()
	byCode := make(map[string]Region)
	for _, r := range rs {
		if len(r.Code) != 6 || !allDigits(r.Code) {
			t.Errorf("%s %s: code is not 6 digits", r.Code, r.Name)
		}
		if !strings.HasPrefix(r.Code, "34") {
			t.Errorf("%s %s: not in 安徽省", r.Code, r.Name)
		}
		if strings.HasSuffix(r.Code, "01") && r.Level == County {
			t.Errorf("%s %s: 市辖区 placeholder", r.Code, r.Name)
		}
		if _, dup := byCode[r.Code]; dup {
			t.Errorf("%s: duplicate code", r.Code)
		}
		byCode[r.Code] = r
	}
	counts := make(map[Level]int)
	for _, r := range rs {
		counts[r.Level]++
		if r.Code == ProvinceCode {
			if r.Parent != "" || r.Level != Province || r.Name != "安徽省" {
				t.Errorf("province row = %+v", r)
			}
			continue
		}
		if _, ok := byCode[r.Parent]; !ok {
			t.Errorf("%s %s: parent %q missing", r.Code, r.Name, r.Parent)
		}
	}
	want := map[Level]int{Province: 1, Prefecture: 16, County: 104}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("level counts (-want +got):\n%s", diff)
	}
}

func TestAnhuiCountyNames(t *testing.T) {
	suffixes := make(map[string]int)
	for _, r := range Anhui() {
		switch r.Level {
		case Prefecture:
			if !strings.HasSuffix(r.Name, "市") {
				t.Errorf("%s %s: prefecture name should end in 市", r.Code, r.Name)
			}
		case County:
			last := string([]rune(r.Name)[len([]rune(r.Name))-1])
			suffixes[last]++
		}
	}
	// 安徽省: 45 districts, 50 counties, 9 county-level cities.
	want := map[string]int{"区": 45, "县": 50, "市": 9}
	if diff := cmp.Diff(want, suffixes); diff != "" {
		t.Errorf("county-level name suffixes (-want +got):\n%s", diff)
	}
}

func TestAnhuiReturnsCopy(t *testing.T) {
	a := Anhui()
	a[0].Name = "changed"
	if got := Anhui()[0].Name; got != "安徽省" {
		t.Errorf("Anhui()[0].Name = %q after mutating an earlier result, want 安徽省", got)
	}
}

func TestDemoDistrict(t *testing.T) {
	byCode := make(map[string]Region)
	for _, r := range DemoDistrict() {
		byCode[r.Code] = r
	}
	tests := []Region{
		{Code: "341203200", Name: "冉庙乡", Level: Township, Parent: DemoDistrictCode},
		{Code: "341203200205", Name: "梧樟村", Level: Village, Parent: "341203200"},
		{Code: "341203001", Name: "河东街道", Level: Township, Parent: DemoDistrictCode},
		{Code: "341203101", Name: "插花镇", Level: Township, Parent: DemoDistrictCode},
	}
	for _, want := range tests {
		if diff := cmp.Diff(want, byCode[want.Code]); diff != "" {
			t.Errorf("region %s (-want +got):\n%s", want.Code, diff)
		}
	}

	townships := 0
	for _, r := range DemoDistrict() {
		if !strings.HasPrefix(r.Code, DemoDistrictCode) {
			t.Errorf("%s %s: not in 颍东区", r.Code, r.Name)
		}
		switch r.Level {
		case Township:
			townships++
			if !hasAnySuffix(r.Name, "乡", "镇", "街道") {
				t.Errorf("%s %s: township name should end in 乡, 镇 or 街道", r.Code, r.Name)
			}
		case Village:
			if !hasAnySuffix(r.Name, "村", "社区", "居委会") {
				t.Errorf("%s %s: village name should end in 村, 社区 or 居委会", r.Code, r.Name)
			}
		default:
			t.Errorf("%s %s: unexpected level %v", r.Code, r.Name, r.Level)
		}
	}
	if townships != 12 {
		t.Errorf("got %d townships in 颍东区, want 12", townships)
	}
}

// TestDemoDistrictUnverified pins the rows whose codes are placeholders, so a
// change to the data file has to update this list (and the report) on purpose.
func TestDemoDistrictUnverified(t *testing.T) {
	var got []string
	for _, r := range yingdongRows {
		if strings.HasPrefix(r.Note, "unverified") {
			got = append(got, r.Code+" "+r.Name)
		}
	}
	for _, r := range anhuiRows {
		if strings.HasPrefix(r.Note, "unverified") {
			got = append(got, r.Code+" "+r.Name)
		}
	}
	want := []string{"341203200901 冉庙村", "341203200902 兰堂村"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("unverified rows (-want +got):\n%s", diff)
	}
}

func TestParse(t *testing.T) {
	got, err := parse("# comment\n\n341203200205\t梧樟村\tvillage\r\n341203200\t冉庙乡\ttownship\tsome note\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []row{
		{Region: Region{Code: "341203200", Name: "冉庙乡", Level: Township, Parent: "341203"}, Note: "some note"},
		{Region: Region{Code: "341203200205", Name: "梧樟村", Level: Village, Parent: "341203200"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parse (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, text, wantErr string
	}{
		{"too few fields", "341200\t阜阳市\n", "line 1: want 3 or 4"},
		{"too many fields", "341200\t阜阳市\tprefecture\tnote\textra\n", "line 1: want 3 or 4"},
		{"spaces not tabs", "341200 阜阳市 prefecture\n", "line 1: want 3 or 4"},
		{"unknown level", "341200\t阜阳市\tcity\n", `line 1: unknown level "city"`},
		{"bad code", "34120\t阜阳市\tprefecture\n", "line 1: region: invalid code"},
		{"level mismatch", "# c\n341202\t颍州区\tprefecture\n", "line 2: code 341202 has the shape of level county"},
		{"no name", "341200\t \tprefecture\n", "line 1: code 341200 has no name"},
		{"duplicate", "341200\t阜阳市\tprefecture\n341200\t阜阳\tprefecture\n", "line 2: duplicate code 341200"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(tc.text)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parse error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func hasAnySuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}
