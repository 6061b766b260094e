package ident

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePatentNumber(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want PatentNumber
		norm string
		kind Kind
		args []any
	}{
		// §3.3 worked examples and the testable rules.
		{"invention 2019", "201911050262.8", PatentNumber{2019, Invention, 1050262, '8', false}, "201911050262.8", 0, nil},
		{"invention 2020", "202011167667.2", PatentNumber{2020, Invention, 1167667, '2', false}, "202011167667.2", 0, nil},
		{"certificate number with ZL", "ZL2013106997442", PatentNumber{2013, Invention, 699744, '2', false}, "201310699744.2", 0, nil},
		{"legacy with check X", "95115608.X", PatentNumber{1995, Invention, 15608, 'X', true}, "95115608.X", 0, nil},
		{"synthetic check X", "201710100006.X", PatentNumber{2017, Invention, 100006, 'X', false}, "201710100006.X", 0, nil},
		{"wrong check digit", "201911050262.7", PatentNumber{}, "", KindChecksum, nil},
		{"no dot", "2019110502628", PatentNumber{2019, Invention, 1050262, '8', false}, "201911050262.8", 0, nil},
		{"ZL prefix", "ZL201911050262.8", PatentNumber{2019, Invention, 1050262, '8', false}, "201911050262.8", 0, nil},
		{"type digit 4", "201941050262.4", PatentNumber{}, "", KindType, []any{"4"}},
		{"12 digits in 2002", "200211050262.2", PatentNumber{}, "", KindYear, []any{"2002"}},
		// Prefixes, case and full-width forms.
		{"CN prefix", "CN201911050262.8", PatentNumber{2019, Invention, 1050262, '8', false}, "201911050262.8", 0, nil},
		{"lower-case zl and x", "zl201710100006.x", PatentNumber{2017, Invention, 100006, 'X', false}, "201710100006.X", 0, nil},
		{"space after ZL", "ZL 201911050262.8", PatentNumber{2019, Invention, 1050262, '8', false}, "201911050262.8", 0, nil},
		{"full-width with Chinese full stop", "２０１９１１０５０２６２。８", PatentNumber{2019, Invention, 1050262, '8', false}, "201911050262.8", 0, nil},
		// Other types and years.
		{"utility model", "201721234567.0", PatentNumber{2017, UtilityModel, 1234567, '0', false}, "201721234567.0", 0, nil},
		{"PCT invention", "202081234567.5", PatentNumber{2020, PCTInvention, 1234567, '5', false}, "202081234567.5", 0, nil},
		{"PCT invention, legacy 1998", "98805256.3", PatentNumber{1998, PCTInvention, 5256, '3', true}, "98805256.3", 0, nil},
		{"legacy 2000 utility model", "00215608.3", PatentNumber{2000, UtilityModel, 15608, '3', true}, "00215608.3", 0, nil},
		{"legacy wrong check", "00215608.4", PatentNumber{}, "", KindChecksum, nil},
		{"legacy 2003", "03115608.8", PatentNumber{2003, Invention, 15608, '8', true}, "03115608.8", 0, nil},
		{"legacy 1984", "84115608.5", PatentNumber{}, "", KindYear, []any{"84"}},
		// Format failures.
		{"empty", "", PatentNumber{}, "", KindEmpty, nil},
		{"10 digits", "2019110502.8", PatentNumber{}, "", KindFormat, nil},
		{"two check characters", "201911050262.88", PatentNumber{}, "", KindFormat, nil},
		{"letter check other than X", "201911050262.A", PatentNumber{}, "", KindFormat, nil},
		{"dot only", ".", PatentNumber{}, "", KindFormat, nil},
		{"publication number", "CN110823978A", PatentNumber{}, "", KindFormat, nil},
		{"both prefixes", "ZLCN201911050262.8", PatentNumber{}, "", KindFormat, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePatentNumber(tc.in)
			checkErr(t, err, SchemePatentNumber, tc.kind)
			if tc.kind != 0 {
				if diff := cmp.Diff(tc.args, err.(*Error).Args()); diff != "" {
					t.Errorf("Args mismatch (-want +got):\n%s", diff)
				}
				return
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if got.String() != tc.norm {
				t.Errorf("String: got %q, want %q", got, tc.norm)
			}
		})
	}
}

func TestPatentTypeNames(t *testing.T) {
	// §3 testable rule: the 5th digit of 2019 1 … gives the type, invention.
	p, err := ParsePatentNumber("201911050262.8")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		typ         PatentType
		chinese, en string
	}{
		{p.Type, "发明", "invention"},
		{UtilityModel, "实用新型", "utility model"},
		{Design, "外观设计", "design"},
		{PCTInvention, "PCT发明（进入中国国家阶段）", "PCT invention (Chinese national phase)"},
		{PCTUtilityModel, "PCT实用新型（进入中国国家阶段）", "PCT utility model (Chinese national phase)"},
	}
	for _, tc := range tests {
		if tc.typ.Chinese() != tc.chinese || tc.typ.English() != tc.en || tc.typ.String() != tc.en {
			t.Errorf("type %d: got %q / %q, want %q / %q", int(tc.typ), tc.typ.Chinese(), tc.typ.English(), tc.chinese, tc.en)
		}
	}
}

func TestPatentCheckChar(t *testing.T) {
	tests := []struct {
		digits  string
		want    byte
		wantErr bool
	}{
		{"201911050262", '8', false},
		{"201710100006", 'X', false},
		{"95115608", 'X', false},
		{"2019110502", 0, true},
		{"20191105026A", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.digits, func(t *testing.T) {
			got, err := PatentCheckChar(tc.digits)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("got %q, %v, want %q (error %v)", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// TestPatentCheckCatchesTypos: the check character catches every change of
// one digit and every swap of two neighbouring different digits, in both
// forms — the weights are 2–9 (never 0 mod 11) and neighbours differ by 1 or
// 7, which 11 (a prime) does not divide. A changed type or year digit may be
// refused as KindType or KindYear first; it is refused either way.
func TestPatentCheckCatchesTypos(t *testing.T) {
	for _, n := range []string{"201911050262.8", "202011167667.2", "201310699744.2", "201710100006.X", "95115608.X", "00215608.3", "98805256.3"} {
		digits, check, _ := strings.Cut(n, ".")
		try := func(what, d string) {
			t.Helper()
			if _, err := ParsePatentNumber(d + "." + check); err == nil {
				t.Errorf("%s: %s of %s passes the check", n, what, d)
			}
		}
		for i := range len(digits) {
			for c := byte('0'); c <= '9'; c++ {
				if c != digits[i] {
					try(fmt.Sprintf("digit %d changed to %c", i+1, c), digits[:i]+string(c)+digits[i+1:])
				}
			}
			if i+1 < len(digits) && digits[i] != digits[i+1] {
				try(fmt.Sprintf("digits %d and %d swapped", i+1, i+2), digits[:i]+string(digits[i+1])+string(digits[i])+digits[i+2:])
			}
		}
	}
}
