package ident

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseCreditCode(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // normalised code when valid
		kind Kind   // expected error kind, 0 when valid
		args []any
	}{
		// §3.1 worked example and the testable rules.
		{"worked example", "91350100M000100Y43", "91350100M000100Y43", 0, nil},
		{"wrong position 18", "91350100M000100Y44", "", KindChecksum, nil},
		{"letter I not allowed", "91350100I000100Y43", "", KindCharset, []any{9, "I"}},
		{"lower case is upper-cased first", "91350100m000100y43", "91350100M000100Y43", 0, nil},
		// Real codes published with the 02020/vite validator.
		{"real 1", "91350200776049653A", "91350200776049653A", 0, nil},
		{"real 2", "9135021359498494XQ", "9135021359498494XQ", 0, nil},
		{"real 3", "91350200MA2YJ1XR9G", "91350200MA2YJ1XR9G", 0, nil},
		{"real 4", "913502000728319549", "913502000728319549", 0, nil},
		{"real 5, authority 1", "123502001549897397", "123502001549897397", 0, nil},
		{"real code that fails position 18", "91350203M0001QAY9B", "", KindChecksum, nil},
		// Synthetic Fuyang vectors.
		{"Fuyang 1", "91341200MA2N00001A", "91341200MA2N00001A", 0, nil},
		{"Fuyang 2", "91341200711000007C", "91341200711000007C", 0, nil},
		{"Fuyang 3", "91341200MA2RB7A163", "91341200MA2RB7A163", 0, nil},
		// Normalisation.
		{"full-width with spaces", " ９１３４１２００ＭＡ２Ｎ００００１Ａ ", "91341200MA2N00001A", 0, nil},
		// Other failures.
		{"position 18 right, organisation code wrong", "91350100M000100Y56", "", KindOrgChecksum, nil},
		{"empty", "  ", "", KindEmpty, nil},
		{"too short", "91350100M000100Y4", "", KindLength, []any{17}},
		{"too long", "91350100M000100Y433", "", KindLength, []any{19}},
		{"letter O", "9135010OM000100Y43", "", KindCharset, []any{8, "O"}},
		{"Chinese character", "91350100M000100Y4号", "", KindCharset, []any{18, "号"}},
		{"hyphen", "91350100-M000100Y4", "", KindCharset, []any{9, "-"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseCreditCode(tc.in)
			checkErr(t, err, SchemeCreditCode, tc.kind)
			if tc.kind != 0 {
				if diff := cmp.Diff(tc.args, err.(*Error).Args()); diff != "" {
					t.Errorf("Args mismatch (-want +got):\n%s", diff)
				}
				return
			}
			if got.String() != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCreditCodeParts(t *testing.T) {
	c, err := ParseCreditCode("91341200MA2N00001A")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		part      string
		got, want any
	}{
		{"Authority", c.Authority(), byte('9')},
		{"Category", c.Category(), byte('1')},
		{"Region", c.Region(), "341200"},
		{"OrgCode", c.OrgCode(), "MA2N00001"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.part, tc.got, tc.want)
		}
	}
}

func TestCreditCodeCheckChars(t *testing.T) {
	tests := []struct {
		name     string
		code     string // a valid code
		wantOrg  byte
		wantLast byte
	}{
		{"worked example", "91350100M000100Y43", '4', '3'},
		{"org check X", "9135021359498494XQ", 'X', 'Q'},
		{"Fuyang", "91341200MA2RB7A163", '6', '3'},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			org, err := OrgCodeCheckChar(tc.code[8:16])
			if err != nil || org != tc.wantOrg {
				t.Errorf("OrgCodeCheckChar(%q): got %q, %v, want %q", tc.code[8:16], org, err, tc.wantOrg)
			}
			last, err := CreditCodeCheckChar(tc.code[:17])
			if err != nil || last != tc.wantLast {
				t.Errorf("CreditCodeCheckChar(%q): got %q, %v, want %q", tc.code[:17], last, err, tc.wantLast)
			}
		})
	}

	bad := []struct {
		name string
		call func() (byte, error)
	}{
		{"CreditCodeCheckChar short", func() (byte, error) { return CreditCodeCheckChar("91350100M000100Y") }},
		{"CreditCodeCheckChar letter I", func() (byte, error) { return CreditCodeCheckChar("91350100I000100Y4") }},
		{"CreditCodeCheckChar lower case", func() (byte, error) { return CreditCodeCheckChar("91350100m000100y4") }},
		{"OrgCodeCheckChar long", func() (byte, error) { return OrgCodeCheckChar("M000100Y4") }},
		{"OrgCodeCheckChar punctuation", func() (byte, error) { return OrgCodeCheckChar("M000-00Y") }},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.call(); err == nil {
				t.Error("got no error")
			}
		})
	}
}
