// Package i18n holds the message catalogs (Simplified Chinese first, English
// second), the printer that formats them for one request, and the
// application error type whose messages they translate.
//
// Catalogs are flat JSON objects under locales/<lang>/<area>.json, one file
// per area so areas can add keys without touching each other; a key defined
// twice in one language is a start-up error.
package i18n

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"golang.org/x/text/language"
)

//go:embed locales
var localeFS embed.FS

// The supported languages; the first is the default.
const (
	Chinese = "zh-CN"
	English = "en"
)

// Languages lists the supported languages, the default first.
var Languages = []string{Chinese, English}

var matcher = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})

// Catalog maps language → key → message format.
type Catalog map[string]map[string]string

var defaultCatalog = mustLoad(localeFS)

// Default returns the embedded catalog.
func Default() Catalog { return defaultCatalog }

func mustLoad(fsys fs.FS) Catalog {
	c, err := Load(fsys)
	if err != nil {
		panic(err)
	}
	return c
}

// Load reads locales/<lang>/*.json from fsys.
func Load(fsys fs.FS) (Catalog, error) {
	c := Catalog{}
	for _, lang := range Languages {
		files, err := fs.Glob(fsys, path.Join("locales", lang, "*.json"))
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, err
			}
			var part map[string]string
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", f, err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("i18n: %s: key %q defined twice", f, k)
				}
				m[k] = v
			}
		}
		c[lang] = m
	}
	return c, nil
}

// Missing returns, for each language, the keys that another language has and
// it lacks, sorted.
func (c Catalog) Missing() map[string][]string {
	all := map[string]bool{}
	for _, m := range c {
		for k := range m {
			all[k] = true
		}
	}
	out := map[string][]string{}
	for lang, m := range c {
		for k := range all {
			if _, ok := m[k]; !ok {
				out[lang] = append(out[lang], k)
			}
		}
		sort.Strings(out[lang])
	}
	return out
}

// Has reports whether the default language defines key.
func (c Catalog) Has(key string) bool {
	_, ok := c[Chinese][key]
	return ok
}

// Match returns the supported language that best fits a user preference
// or an Accept-Language header; Chinese when nothing fits.
func Match(prefs ...string) string {
	for _, p := range prefs {
		if p == "" {
			continue
		}
		tags, _, err := language.ParseAcceptLanguage(p)
		if err != nil || len(tags) == 0 {
			continue
		}
		_, idx, conf := matcher.Match(tags...)
		if conf != language.No {
			return Languages[idx]
		}
	}
	return Chinese
}

// Printer formats messages in one language.
type Printer struct {
	Lang string
	msgs map[string]string
}

// Printer returns a printer for lang (a supported language; others fall back
// to Chinese).
func (c Catalog) Printer(lang string) *Printer {
	m, ok := c[lang]
	if !ok {
		lang, m = Chinese, c[Chinese]
	}
	return &Printer{Lang: lang, msgs: m}
}

// T formats the message for key with args (fmt verbs such as %[1]v). An
// unknown key prints as itself, so a missing translation is visible, not fatal.
func (p *Printer) T(key string, args ...any) string {
	f, ok := p.msgs[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, args...)
}

// Error returns the message a user should read for err: the translated key of
// an application error, the joined field messages of Problems, and a generic
// message for anything else (whose details belong in the log only).
func (p *Printer) Error(err error) string {
	if pr, ok := errors.AsType[Problems](err); ok {
		parts := make([]string, len(pr))
		for i, e := range pr {
			parts[i] = p.FieldError(e)
		}
		return strings.Join(parts, "；")
	}
	if e, ok := errors.AsType[*Error](err); ok && e.Code != Internal {
		if e.Field != "" {
			return p.FieldError(e)
		}
		return p.T(e.Key, e.Args...)
	}
	return p.T("error.internal")
}

// FieldError formats a field error as "<field label>: <message>", the label
// being the translation of "field.<name>" when the catalog has one.
func (p *Printer) FieldError(e *Error) string {
	msg := p.T(e.Key, e.Args...)
	if e.Field == "" {
		return msg
	}
	label := p.T("field." + e.Field)
	if label == "field."+e.Field {
		label = e.Field
	}
	return label + p.T("punct.colon") + msg
}
