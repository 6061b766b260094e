package i18n_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"kejiju/internal/i18n"
)

func TestCatalogsComplete(t *testing.T) {
	for lang, keys := range i18n.Default().Missing() {
		if len(keys) > 0 {
			t.Errorf("%s lacks %d keys: %s", lang, len(keys), strings.Join(keys, ", "))
		}
	}
}

// keyUses finds the message keys the code and templates name literally:
// {{.T "key"}} in templates, and the key argument of the i18n constructors,
// Problems.Add and flash redirects in Go.
var keyUses = []*regexp.Regexp{
	regexp.MustCompile(`\.T "([a-z0-9_.]+)"`),
	regexp.MustCompile(`i18n\.E\([^,]+, "([a-z0-9_.]+)"`),
	regexp.MustCompile(`FieldError\("[a-z0-9_]+", "([a-z0-9_.]+)"`),
	regexp.MustCompile(`\.Add\("[a-z0-9_]+", "([a-z0-9_.]+)"`),
	regexp.MustCompile(`Redirect\(w, r, "[^"]*", "([a-z0-9_.]+)"\)`),
	regexp.MustCompile(`Key: "([a-z0-9_]+\.[a-z0-9_.]+)"`),
}

// TestEveryUsedKeyExists fails when a template or Go file names a message
// key that the catalog does not define.
func TestEveryUsedKeyExists(t *testing.T) {
	cat := i18n.Default()
	root := filepath.Join("..", "..")
	missing := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "kejiju-data" || d.Name() == "bench") {
			return filepath.SkipDir
		}
		ext := filepath.Ext(path)
		if d.IsDir() || (ext != ".go" && ext != ".html") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, re := range keyUses {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				key := strings.Trim(m[len(m)-1], `"`)
				if key == "key" || strings.HasSuffix(key, ".") || strings.HasSuffix(key, ".html") || strings.HasSuffix(key, ".go") {
					continue // a prefix filter or a file name, not a key
				}
				if !cat.Has(key) {
					missing[key] = append(missing[key], path)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(missing))
	for k := range missing {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Errorf("key %q is used in %s but not defined", k, strings.Join(missing[k], ", "))
	}
}
