package ident

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseHTECertificate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want HTECertificate
		kind Kind
		args []any
	}{
		// §3 testable rule: province 34 is Anhui.
		{"Anhui 2023", "GR202334000123", HTECertificate{2023, RegionCode{"340000"}, 123}, 0, nil},
		{"lower case and spaces", " gr202334000123 ", HTECertificate{2023, RegionCode{"340000"}, 123}, 0, nil},
		{"empty", "", HTECertificate{}, KindEmpty, nil},
		{"GF prefix", "GF201434000123", HTECertificate{}, KindFormat, nil},
		{"short serial", "GR20233400012", HTECertificate{}, KindFormat, nil},
		{"letter in digits", "GR2023340001A3", HTECertificate{}, KindFormat, nil},
		{"no province 99", "GR202399000123", HTECertificate{}, KindRegion, []any{"99"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseHTECertificate(tc.in)
			checkErr(t, err, SchemeHTECertificate, tc.kind)
			if tc.kind != 0 {
				if diff := cmp.Diff(tc.args, err.(*Error).Args()); diff != "" {
					t.Errorf("Args mismatch (-want +got):\n%s", diff)
				}
				return
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if got.String() != "GR202334000123" {
				t.Errorf("String: got %q, want GR202334000123", got)
			}
		})
	}
}

func TestZeroValuesPrintEmpty(t *testing.T) {
	for _, v := range []interface{ String() string }{CreditCode{}, ResidentID{}, PatentNumber{}, RegionCode{}, HTECertificate{}} {
		if s := v.String(); s != "" {
			t.Errorf("%T{}.String(): got %q, want empty", v, s)
		}
	}
}
