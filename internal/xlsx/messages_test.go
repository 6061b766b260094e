package xlsx

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

	"kejiju/internal/i18n"
)

// TestMessages checks that the catalogs hold a message for each error the
// package returns, and for the CellError wrappers, and nothing else, and
// that each formats its arguments.
func TestMessages(t *testing.T) {
	l, err := newLayout(testSheet)
	if err != nil {
		t.Fatal(err)
	}
	errs := []error{
		tooLarge(10 << 20), unpackedTooLarge(64 << 20), tooManyEntries(10_000), notWorkbook(nil), legacyFormat(),
		corrupt(12, nil), noHeader(l), missingColumn(l, []int{0, 1}),
		duplicateColumn("信用代码", "Credit code"), csvInvalid(3, nil),
	}
	produced := map[string][]any{
		"xlsx.cell": {12, "统一社会信用代码", "…"},
		"xlsx.row":  {12, "…"},
	}
	for _, err := range errs {
		e, ok := errors.AsType[*i18n.Error](err)
		if !ok || e.Code != i18n.Invalid {
			t.Fatalf("got %v, want an Invalid *i18n.Error", err)
		}
		produced[e.Key] = e.Args
	}
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("..", "i18n", "locales", lang, "xlsx.json"))
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
				out := fmt.Sprintf(catalog[key], args...)
				if strings.Contains(out, "%!") {
					t.Errorf("%s formats as %q", key, out)
				}
				for _, a := range args {
					if !strings.Contains(out, fmt.Sprint(a)) {
						t.Errorf("%s does not show the argument %v: %q", key, a, out)
					}
				}
			}
		})
	}
}
