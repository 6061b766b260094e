package ident

import (
	"errors"
	"testing"
)

// checkErr fails the test unless err is an *Error of the given kind for the
// scheme, or nil when kind is 0.
func checkErr(t *testing.T, err error, scheme Scheme, kind Kind) {
	t.Helper()
	if kind == 0 {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v, want an *Error of kind %v", err, kind)
	}
	if e.Scheme != scheme || e.Kind != kind {
		t.Fatalf("got %s %v, want %s %v", e.Scheme, e.Kind, scheme, kind)
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"already clean", "91350100M000100Y43", "91350100M000100Y43"},
		{"spaces and tabs", " \t91350100M000100Y43\n", "91350100M000100Y43"},
		{"ideographic space", "　91350100M000100Y43　", "91350100M000100Y43"},
		{"lower case", "91350100m000100y43", "91350100M000100Y43"},
		{"full-width", "９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"},
		{"full-width lower case and dot", "２０１９１１０５０２６２．ｘ", "201911050262.X"},
		{"ideographic full stop", "201911050262。8", "201911050262.8"},
		{"other scripts untouched", "é中", "é中"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := normalize(tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		name    string
		err     *Error
		key     string
		message string
	}{
		{
			"credit code",
			newError(SchemeCreditCode, KindChecksum, "91350100M000100Y44"),
			"ident.credit_code.checksum",
			`ident: credit_code "91350100M000100Y44": checksum`,
		},
		{
			"resident ID is masked",
			newError(SchemeResidentID, KindChecksum, "341202199001011233"),
			"ident.resident_id.checksum",
			`ident: resident_id "3412**********1233": checksum`,
		},
		{
			"organisation code",
			newError(SchemeCreditCode, KindOrgChecksum, "x"),
			"ident.credit_code.org_checksum",
			`ident: credit_code "x": org_checksum`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Key(); got != tc.key {
				t.Errorf("Key: got %q, want %q", got, tc.key)
			}
			if got := tc.err.Error(); got != tc.message {
				t.Errorf("Error: got %q, want %q", got, tc.message)
			}
		})
	}
}
