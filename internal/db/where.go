package db

import (
	"strconv"
	"strings"
)

// Where collects the conditions and arguments of a query. A "?" in a
// condition given to Add becomes the next numbered placeholder ($1, $2, …),
// so conditions can be added in any order without counting.
type Where struct {
	Conds []string
	Args  []any
}

// Add appends cond, numbering its "?" placeholders for vs.
func (w *Where) Add(cond string, vs ...any) {
	for _, v := range vs {
		w.Args = append(w.Args, v)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.Args)), 1)
	}
	w.Conds = append(w.Conds, cond)
}

// AddNumbered appends a condition whose placeholders were already numbered
// against w.Args (the data scope's, which appends its own arguments).
func (w *Where) AddNumbered(cond string) { w.Conds = append(w.Conds, cond) }

// SQL returns the conditions joined by AND, or a condition that is always
// true when there are none.
func (w *Where) SQL() string {
	if len(w.Conds) == 0 {
		return "1 = 1"
	}
	return strings.Join(w.Conds, " AND ")
}
