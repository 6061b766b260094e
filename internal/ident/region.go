package ident

import (
	"strings"

	"kejiju/internal/region"
)

// provinces lists the two-digit GB/T 2260 codes of the provincial-level
// divisions, including 71 台湾, 81 香港 and 82 澳门.
const provinces = " 11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 "

func isProvince(digits string) bool {
	return len(digits) == 2 && strings.Contains(provinces, " "+digits+" ")
}

// RegionCode is a well-formed administrative division code: 6 digits for a
// province (xx0000), prefecture (xxyy00) or county, 9 digits for a township
// and 12 for a village (NBS statistical codes). Its shape follows
// [region.LevelOf]; whether the division exists is for the region package to
// say. The zero RegionCode is "no code".
type RegionCode struct {
	code string
}

// ParseRegionCode normalises s and checks that it is a well-formed division
// code (KindFormat) under a provincial-level division that exists
// (KindRegion).
func ParseRegionCode(s string) (RegionCode, error) {
	v := normalize(s)
	if v == "" {
		return RegionCode{}, newError(SchemeRegionCode, KindEmpty, v)
	}
	if _, err := region.LevelOf(v); err != nil {
		return RegionCode{}, newError(SchemeRegionCode, KindFormat, v)
	}
	if !isProvince(v[:2]) {
		return RegionCode{}, newError(SchemeRegionCode, KindRegion, v, v[:2])
	}
	return RegionCode{v}, nil
}

// String returns the code's digits.
func (c RegionCode) String() string { return c.code }

// Level returns the level the code's shape implies, or 0 for the zero
// RegionCode.
func (c RegionCode) Level() region.Level {
	l, _ := region.LevelOf(c.code)
	return l
}

// Parent returns the code of the division above c, computed from its shape
// (see [region.ParentCode]); ok is false for a province.
func (c RegionCode) Parent() (parent RegionCode, ok bool) {
	p, err := region.ParentCode(c.code)
	if err != nil || p == "" {
		return RegionCode{}, false
	}
	return RegionCode{p}, true
}

// Province returns the code of c's provincial-level division, such as 340000.
func (c RegionCode) Province() RegionCode {
	if c.code == "" {
		return c
	}
	return RegionCode{c.code[:2] + "0000"}
}

// Prefecture returns the code of c's prefecture-level division, such as
// 341200 for 341202 or 341202001; ok is false when c is a province or lies
// directly under one.
func (c RegionCode) Prefecture() (prefecture RegionCode, ok bool) {
	if c.Level() < region.Prefecture || c.code[2:4] == "00" {
		return RegionCode{}, false
	}
	return RegionCode{c.code[:4] + "00"}, true
}
