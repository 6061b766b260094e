package ident

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMessages checks the catalogs against the errors the parsers return:
// every error key has a message in both languages, every message belongs to
// an error the package can return, and every message formats its arguments
// without fmt complaints.
func TestMessages(t *testing.T) {
	parse := map[Scheme]func(string) error{
		SchemeCreditCode:     func(s string) error { _, err := ParseCreditCode(s); return err },
		SchemeResidentID:     func(s string) error { _, err := ParseResidentID(s, today); return err },
		SchemePatentNumber:   func(s string) error { _, err := ParsePatentNumber(s); return err },
		SchemeRegionCode:     func(s string) error { _, err := ParseRegionCode(s); return err },
		SchemeHTECertificate: func(s string) error { _, err := ParseHTECertificate(s); return err },
	}
	// One input for each error every parser can return.
	inputs := map[Scheme][]string{
		SchemeCreditCode:     {"", "9135", "91350100I000100Y43", "91350100M000100Y56", "91350100M000100Y44"},
		SchemeResidentID:     {"", "3412", "3412021990010112X2", "991202199001011233", "11010519490231002X", "341202209901011234", "341202199001011233"},
		SchemePatentNumber:   {"", "2019", "200211050262.2", "201941050262.4", "201911050262.7"},
		SchemeRegionCode:     {"", "3412", "991202"},
		SchemeHTECertificate: {"", "GR2023", "GR202399000123"},
	}
	produced := map[string][]any{}
	for scheme, ins := range inputs {
		for _, in := range ins {
			var e *Error
			if !errors.As(parse[scheme](in), &e) {
				t.Fatalf("%s %q: got no *Error", scheme, in)
			}
			produced[e.Key()] = e.Args()
		}
	}
	keys := slices.Sorted(maps.Keys(produced))

	for _, lang := range []string{"zh-CN", "en"} {
		t.Run(lang, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("..", "i18n", "locales", lang, "ident.json"))
			if err != nil {
				t.Fatal(err)
			}
			var catalog map[string]string
			if err := json.Unmarshal(b, &catalog); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(keys, slices.Sorted(maps.Keys(catalog))); diff != "" {
				t.Errorf("keys mismatch (-returned by parsers +in catalog):\n%s", diff)
			}
			for key, args := range produced {
				msg, ok := catalog[key]
				if !ok {
					continue
				}
				if out := fmt.Sprintf(msg, args...); strings.Contains(out, "%!") {
					t.Errorf("%s formats as %q", key, out)
				}
				for i := range args {
					if !strings.Contains(msg, fmt.Sprintf("%%[%d]v", i+1)) {
						t.Errorf("%s does not show argument %d", key, i+1)
					}
				}
			}
		})
	}
}
