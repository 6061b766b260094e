package ident

import (
	"testing"

	"kejiju/internal/region"
)

func TestParseRegionCode(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		level      region.Level
		parent     string // "" when there is none
		province   string
		prefecture string // "" when there is none
		kind       Kind
	}{
		// §3 testable rules; the names 安徽省/阜阳市/颍州区 come from the region package.
		{"颍州区", "341202", region.County, "341200", "340000", "341200", 0},
		{"阜阳市 is a prefecture", "341200", region.Prefecture, "340000", "340000", "341200", 0},
		{"安徽省", "340000", region.Province, "", "340000", "", 0},
		{"township", "341203100", region.Township, "341203", "340000", "341200", 0},
		{"village", "341203100201", region.Village, "341203100", "340000", "341200", 0},
		{"township of a city without counties", "441900003", region.Township, "441900", "440000", "441900", 0},
		{"full-width", "３４１２０２", region.County, "341200", "340000", "341200", 0},
		{"empty", "", 0, "", "", "", KindEmpty},
		{"5 digits", "34120", 0, "", "", "", KindFormat},
		{"letters", "34120A", 0, "", "", "", KindFormat},
		{"township 000", "341203000", 0, "", "", "", KindFormat},
		{"12 digits padded with zeros", "341203000000", 0, "", "", "", KindFormat},
		{"province 00", "001202", 0, "", "", "", KindFormat},
		{"no province 99", "991202", 0, "", "", "", KindRegion},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseRegionCode(tc.in)
			checkErr(t, err, SchemeRegionCode, tc.kind)
			if tc.kind != 0 {
				return
			}
			if c.Level() != tc.level {
				t.Errorf("Level: got %v, want %v", c.Level(), tc.level)
			}
			p, ok := c.Parent()
			if p.String() != tc.parent || ok != (tc.parent != "") {
				t.Errorf("Parent: got %q, %v, want %q", p, ok, tc.parent)
			}
			if got := c.Province().String(); got != tc.province {
				t.Errorf("Province: got %q, want %q", got, tc.province)
			}
			pre, ok := c.Prefecture()
			if pre.String() != tc.prefecture || ok != (tc.prefecture != "") {
				t.Errorf("Prefecture: got %q, %v, want %q", pre, ok, tc.prefecture)
			}
		})
	}
}

func TestZeroRegionCode(t *testing.T) {
	var c RegionCode
	if c.Level() != 0 || c.Province() != c {
		t.Errorf("zero code: got level %v, province %q", c.Level(), c.Province())
	}
	if _, ok := c.Parent(); ok {
		t.Error("zero code has a parent")
	}
	if _, ok := c.Prefecture(); ok {
		t.Error("zero code has a prefecture")
	}
}
