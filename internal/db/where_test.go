package db

import (
	"slices"
	"testing"
)

func TestWhere(t *testing.T) {
	var w Where
	if got := w.SQL(); got != "1 = 1" {
		t.Errorf("empty: %q", got)
	}
	w.Args = append(w.Args, "scope")
	w.AddNumbered("r.region >= $1")
	w.Add("a = ? AND b < ?", 7, "x")
	w.Add("c IS NULL")
	if got, want := w.SQL(), "r.region >= $1 AND a = $2 AND b < $3 AND c IS NULL"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !slices.Equal(w.Args, []any{"scope", 7, "x"}) {
		t.Errorf("args %v", w.Args)
	}
}
