package money

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMessages checks that the catalogs hold a message for each error the
// package returns, and nothing else, and that each formats its arguments.
func TestMessages(t *testing.T) {
	errs := []error{}
	for _, s := range []string{"x", "1.234", "-1", "92233720368547758.08"} {
		_, err := ParseYuan(s)
		errs = append(errs, err)
	}
	_, err := Split(1, nil)
	errs = append(errs, err)
	_, err = MulRate(math.MaxInt64, 2, 1)
	errs = append(errs, err)

	produced := map[string][]any{}
	for _, err := range errs {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("got %v, want *Error", err)
		}
		produced[e.Key()] = e.Args()
	}
	for _, lang := range []string{"zh-CN", "en"} {
		t.Run(lang, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("..", "i18n", "locales", lang, "money.json"))
			if err != nil {
				t.Fatal(err)
			}
			var catalog map[string]string
			if err := json.Unmarshal(b, &catalog); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(slices.Sorted(maps.Keys(produced)), slices.Sorted(maps.Keys(catalog))); diff != "" {
				t.Errorf("keys mismatch (-returned +in catalog):\n%s", diff)
			}
			for key, args := range produced {
				if out := fmt.Sprintf(catalog[key], args...); strings.Contains(out, "%!") {
					t.Errorf("%s formats as %q", key, out)
				}
			}
		})
	}
}
