// Package region holds Chinese administrative divisions: the GB/T 2260 codes
// of 安徽省 down to county level, the townships and villages (NBS 统计用区划代码)
// of the demo district 颍东区, and a Tree that answers path, name and
// containment questions over any set of regions, including rows the bureau
// maintains in its database.
//
// Store keeps them in the database; the rest of the package is pure data.
package region

import (
	"embed"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Well-known codes of the bureau's own area.
const (
	ProvinceCode     = "340000" // 安徽省
	DemoCityCode     = "341200" // 阜阳市
	DemoDistrictCode = "341203" // 颍东区
)

// Level is the administrative level of a region.
type Level int

// The five levels, from the top. The zero Level is not valid.
const (
	Province   Level = iota + 1 // 省级
	Prefecture                  // 地级
	County                      // 县级
	Township                    // 乡级
	Village                     // 村级
)

var levelNames = [...]struct{ zh, en string }{
	Province:   {"省级", "province"},
	Prefecture: {"地级", "prefecture"},
	County:     {"县级", "county"},
	Township:   {"乡级", "township"},
	Village:    {"村级", "village"},
}

// Valid reports whether l is one of the five levels.
func (l Level) Valid() bool { return l >= Province && l <= Village }

// String returns the Chinese name of the level, such as 县级.
func (l Level) String() string {
	if !l.Valid() {
		return fmt.Sprintf("Level(%d)", int(l))
	}
	return levelNames[l].zh
}

// English returns the English name of the level in lower case, such as
// "county". It is also the spelling used in the embedded data files.
func (l Level) English() string {
	if !l.Valid() {
		return fmt.Sprintf("Level(%d)", int(l))
	}
	return levelNames[l].en
}

// parseLevel is the inverse of Level.English.
func parseLevel(s string) (Level, bool) {
	for l := Province; l <= Village; l++ {
		if levelNames[l].en == s {
			return l, true
		}
	}
	return 0, false
}

// Region is one administrative division.
type Region struct {
	Code   string // 6 digits (GB/T 2260), 9 or 12 digits (NBS statistical code)
	Name   string // official name, e.g. 颍州区
	Level  Level
	Parent string // code of the parent region; "" for a province
}

// ErrInvalidCode is returned (wrapped) for a code that is not a well-formed
// region code.
var ErrInvalidCode = errors.New("region: invalid code")

// LevelOf derives the level from the shape of a code: xx0000 is a province,
// xxyy00 a prefecture, any other 6-digit code a county, 9 digits a township
// and 12 digits a village. It returns an error wrapping ErrInvalidCode for
// anything else.
func LevelOf(code string) (Level, error) {
	if !allDigits(code) {
		return 0, fmt.Errorf("%w %q: want 6, 9 or 12 digits", ErrInvalidCode, code)
	}
	switch len(code) {
	case 6:
		switch {
		case code[:2] == "00":
			return 0, fmt.Errorf("%w %q: province part is 00", ErrInvalidCode, code)
		case code[2:] == "0000":
			return Province, nil
		case code[4:] == "00":
			return Prefecture, nil
		}
		return County, nil
	case 9, 12:
		if code[len(code)-3:] == "000" {
			return 0, fmt.Errorf("%w %q: last three digits are 000", ErrInvalidCode, code)
		}
		if _, err := LevelOf(code[:len(code)-3]); err != nil {
			return 0, fmt.Errorf("%w %q: bad prefix", ErrInvalidCode, code)
		}
		if len(code) == 9 {
			return Township, nil
		}
		return Village, nil
	}
	return 0, fmt.Errorf("%w %q: want 6, 9 or 12 digits", ErrInvalidCode, code)
}

// ParentCode computes the parent of a code from its shape: xxyy00 → xx0000,
// xxyyzz → xxyy00, 9 digits → the first 6, 12 digits → the first 9. A
// province has the parent "". The computed parent is the usual one; a few
// real divisions (for example county-level cities directly under a province)
// have another, which is why Region carries its Parent explicitly.
func ParentCode(code string) (string, error) {
	l, err := LevelOf(code)
	if err != nil {
		return "", err
	}
	switch l {
	case Province:
		return "", nil
	case Prefecture:
		return code[:2] + "0000", nil
	case County:
		return code[:4] + "00", nil
	case Township:
		return code[:6], nil
	default: // Village
		return code[:9], nil
	}
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

//go:embed data/anhui.tsv data/yingdong.tsv
var dataFS embed.FS

// The embedded files are parsed once, when the package is initialised; a
// malformed file is a build defect and panics here (TestEmbeddedData proves
// both files parse).
var (
	anhuiRows    = mustParseFile("data/anhui.tsv")
	yingdongRows = mustParseFile("data/yingdong.tsv")
)

// Anhui returns 安徽省, its 16 prefecture-level cities and their 104
// county-level units, sorted by code. The caller owns the returned slice.
func Anhui() []Region { return regions(anhuiRows) }

// DemoDistrict returns the townships of 颍东区 (341203) and the villages known
// for 冉庙乡, sorted by code. Their parents chain up to DemoDistrictCode, which
// is in Anhui(); build a Tree from both. The caller owns the returned slice.
func DemoDistrict() []Region { return regions(yingdongRows) }

// row is one parsed data line: the region and the free-text note column.
type row struct {
	Region
	Note string
}

func regions(rows []row) []Region {
	rs := make([]Region, len(rows))
	for i, r := range rows {
		rs[i] = r.Region
	}
	return rs
}

func mustParseFile(name string) []row {
	b, err := dataFS.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("region: %v", err))
	}
	rows, err := parse(string(b))
	if err != nil {
		panic(fmt.Sprintf("region: %s: %v", name, err))
	}
	return rows
}

// parse reads the tab-separated data format: code, name, level and an
// optional note, one region a line; blank lines and lines starting with # are
// skipped. Each row's level must match the shape of its code, its parent is
// computed with ParentCode, and the rows come back sorted by code.
func parse(text string) ([]row, error) {
	var rows []row
	seen := make(map[string]bool)
	n := 0
	for line := range strings.Lines(text) {
		n++
		line = strings.TrimRight(line, "\r\n")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 && len(f) != 4 {
			return nil, fmt.Errorf("line %d: want 3 or 4 tab-separated fields, got %d", n, len(f))
		}
		code, name, levelName := f[0], strings.TrimSpace(f[1]), f[2]
		l, ok := parseLevel(levelName)
		if !ok {
			return nil, fmt.Errorf("line %d: unknown level %q", n, levelName)
		}
		shape, err := LevelOf(code)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if shape != l {
			return nil, fmt.Errorf("line %d: code %s has the shape of level %s, not %s", n, code, shape.English(), l.English())
		}
		if name == "" {
			return nil, fmt.Errorf("line %d: code %s has no name", n, code)
		}
		if seen[code] {
			return nil, fmt.Errorf("line %d: duplicate code %s", n, code)
		}
		seen[code] = true
		parent, _ := ParentCode(code) // cannot fail: LevelOf accepted the code
		r := row{Region: Region{Code: code, Name: name, Level: l, Parent: parent}}
		if len(f) == 4 {
			r.Note = strings.TrimSpace(f[3])
		}
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b row) int { return strings.Compare(a.Code, b.Code) })
	return rows, nil
}
