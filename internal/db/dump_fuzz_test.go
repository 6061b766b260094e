package db

import (
	"encoding/json"
	"testing"
)

// FuzzFromCanonical reads any value a dump file may hold for any kind of
// column on either engine: an error, never a panic; and an integer read
// from a JSON number is that number.
func FuzzFromCanonical(f *testing.F) {
	for _, s := range []string{`null`, `1`, `-3.5`, `"12"`, `"x"`, `"2026-11-28T01:02:03.000004Z"`, `"2026-11-28"`, `"aGVsbG8="`, `true`, `[]`, `{}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if !json.Valid([]byte(raw)) {
			return // a dump line that is not JSON is refused before its values are read
		}
		for _, kind := range []string{"bool", "int", "float", "text", "time", "bytes"} {
			for _, e := range []Engine{SQLite, Postgres} {
				v, err := fromCanonical(json.RawMessage(raw), kind, e)
				if n, ok := v.(int64); ok && err == nil && raw[0] != '"' {
					var back int64
					if json.Unmarshal([]byte(raw), &back) != nil || back != n {
						t.Fatalf("%s read as %d", raw, n)
					}
				}
			}
		}
	})
}
