package region

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Errors returned (wrapped) by NewTree.
var (
	ErrDuplicate = errors.New("region: duplicate code")
	ErrOrphan    = errors.New("region: parent not found")
	ErrInvalid   = errors.New("region: invalid region")
)

// Tree is an immutable hierarchy of regions. It is safe for concurrent use.
// Methods that return slices return fresh copies.
type Tree struct {
	byCode   map[string]Region
	children map[string][]string // parent code → child codes, sorted
}

// NewTree builds a tree from rs, in any order. Every region needs a
// well-formed code whose shape matches its Level (see LevelOf), a name, and
// either Parent "" (a root, normally a province) or a Parent that is also in
// rs and sits at a higher level. NewTree refuses duplicate codes (ErrDuplicate)
// and regions whose parent is missing (ErrOrphan); other faults wrap
// ErrInvalid or ErrInvalidCode. The error names the offending code.
func NewTree(rs []Region) (*Tree, error) {
	t := &Tree{
		byCode:   make(map[string]Region, len(rs)),
		children: make(map[string][]string),
	}
	for _, r := range rs {
		shape, err := LevelOf(r.Code)
		if err != nil {
			return nil, err
		}
		if !r.Level.Valid() {
			return nil, fmt.Errorf("%w: %s %s has level %d", ErrInvalid, r.Code, r.Name, int(r.Level))
		}
		if shape != r.Level {
			return nil, fmt.Errorf("%w: %s %s is marked %s but its code has the shape of %s",
				ErrInvalid, r.Code, r.Name, r.Level.English(), shape.English())
		}
		if strings.TrimSpace(r.Name) == "" {
			return nil, fmt.Errorf("%w: %s has no name", ErrInvalid, r.Code)
		}
		if prev, ok := t.byCode[r.Code]; ok {
			return nil, fmt.Errorf("%w %s: %s and %s", ErrDuplicate, r.Code, prev.Name, r.Name)
		}
		t.byCode[r.Code] = r
	}
	for _, r := range rs {
		if r.Parent == "" {
			continue
		}
		p, ok := t.byCode[r.Parent]
		if !ok {
			return nil, fmt.Errorf("%w: %s %s has parent %s, which is not in the tree", ErrOrphan, r.Code, r.Name, r.Parent)
		}
		// A parent strictly above its child also rules out cycles.
		if p.Level >= r.Level {
			return nil, fmt.Errorf("%w: %s %s (%s) cannot have parent %s %s (%s)",
				ErrInvalid, r.Code, r.Name, r.Level.English(), p.Code, p.Name, p.Level.English())
		}
		t.children[r.Parent] = append(t.children[r.Parent], r.Code)
	}
	for _, cs := range t.children {
		slices.Sort(cs)
	}
	return t, nil
}

// Lookup returns the region with the given code.
func (t *Tree) Lookup(code string) (Region, bool) {
	r, ok := t.byCode[code]
	return r, ok
}

// Path returns the chain of regions from the root (normally the province)
// down to and including code, or nil if code is not in the tree.
func (t *Tree) Path(code string) []Region {
	var path []Region
	for c := code; c != ""; {
		r, ok := t.byCode[c]
		if !ok {
			return nil // only possible for the starting code: NewTree refuses orphans
		}
		path = append(path, r)
		c = r.Parent
	}
	slices.Reverse(path)
	return path
}

// FullName joins the names along Path with "/", e.g. 安徽省/阜阳市/颍州区 for
// 341202. It returns "" if code is not in the tree.
func (t *Tree) FullName(code string) string {
	path := t.Path(code)
	names := make([]string, len(path))
	for i, r := range path {
		names[i] = r.Name
	}
	return strings.Join(names, "/")
}

// Children returns the direct children of code, sorted by code. It returns
// nil for a leaf or a code not in the tree.
func (t *Tree) Children(code string) []Region {
	cs := t.children[code]
	if len(cs) == 0 {
		return nil
	}
	out := make([]Region, len(cs))
	for i, c := range cs {
		out[i] = t.byCode[c]
	}
	return out
}

// Descendants returns every region below code, not code itself, depth first
// with each level's children in code order (which, for regular codes, is
// plain code order). It returns nil for a leaf or a code not in the tree.
func (t *Tree) Descendants(code string) []Region {
	var out []Region
	var walk func(string)
	walk = func(c string) {
		for _, child := range t.children[c] {
			out = append(out, t.byCode[child])
			walk(child)
		}
	}
	walk(code)
	return out
}

// Contains reports whether code is ancestor itself or lies below it. This is
// the data-scope test: a viewer scoped to 341200 sees rows of 341202 and of
// the 341203xxx townships. It fails closed: if either code is not in the
// tree, Contains returns false.
func (t *Tree) Contains(ancestor, code string) bool {
	if _, ok := t.byCode[ancestor]; !ok {
		return false
	}
	for c := code; c != ""; {
		r, ok := t.byCode[c]
		if !ok {
			return false
		}
		if c == ancestor {
			return true
		}
		c = r.Parent
	}
	return false
}
