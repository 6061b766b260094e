package auth

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Scope is the data a user may see: rows whose region lies under one of
// Regions, or — for an enterprise user — rows of one enterprise, or — for an
// expert — what is assigned to them. The zero Scope sees nothing.
type Scope struct {
	// Regions are region codes; a row is visible when its region_code is
	// one of them or lies under one (341203 covers 341203200 and 341203200205;
	// 341200 covers the whole city).
	Regions []string
	// EnterpriseID, when set, limits rows to one enterprise.
	EnterpriseID int64
	// ExpertUserID, when set, limits rows to those assigned to this expert.
	ExpertUserID int64
	// ReadOnly forbids every change (the city viewer).
	ReadOnly bool
}

// Columns names, for one query, the columns a scope filters on. An empty
// name means the table has no such column, and a scope that needs it
// matches no rows.
type Columns struct {
	Region     string // e.g. "e.region_code"
	Enterprise string // e.g. "e.id" or "a.enterprise_id"
	// Assigned is a condition with one "?" for the expert's user id, e.g.
	// "a.id IN (SELECT application_id FROM review_assignments WHERE expert_user_id = ?)".
	Assigned string
}

// Where returns an SQL condition that keeps only the rows in scope, and
// appends its bound parameters to args (placeholders are numbered after
// those already in args). It never returns a condition that matches all
// rows: an empty scope gives "1 = 0".
func (s Scope) Where(c Columns, args *[]any) string {
	param := func(v any) string {
		*args = append(*args, v)
		return "$" + strconv.Itoa(len(*args))
	}
	switch {
	case s.EnterpriseID > 0:
		if c.Enterprise == "" {
			return "1 = 0"
		}
		return c.Enterprise + " = " + param(s.EnterpriseID)
	case s.ExpertUserID > 0:
		if c.Assigned == "" {
			return "1 = 0"
		}
		return strings.Replace(c.Assigned, "?", param(s.ExpertUserID), 1)
	case len(s.Regions) == 0 || c.Region == "":
		return "1 = 0"
	}
	conds := make([]string, 0, len(s.Regions))
	for _, r := range s.Regions {
		p := regionPrefix(r)
		if p == "" {
			continue
		}
		// A range rather than LIKE 'p%', so both engines walk the index:
		// region codes are digits, so every code with prefix p lies in
		// [p, p with its last digit raised by one).
		upper := p[:len(p)-1] + string(p[len(p)-1]+1)
		conds = append(conds, "("+c.Region+" >= "+param(p)+" AND "+c.Region+" < "+param(upper)+")")
	}
	if len(conds) == 0 {
		return "1 = 0"
	}
	// A prefix alone would also match malformed codes such as 3412039.
	return "((" + strings.Join(conds, " OR ") + ") AND LENGTH(" + c.Region + ") IN (6, 9, 12))"
}

// Allows reports whether one row, with its region and enterprise, is in
// scope — the check every object fetched by id must pass. It agrees with
// Where on every row.
func (s Scope) Allows(regionCode string, enterpriseID int64) bool {
	if s.EnterpriseID > 0 {
		return enterpriseID == s.EnterpriseID
	}
	if s.ExpertUserID > 0 {
		return false // experts reach objects through their assignments only
	}
	if n := utf8.RuneCountInString(regionCode); n != 6 && n != 9 && n != 12 {
		return false // as in Where: a malformed code is in no scope
	}
	for _, r := range s.Regions {
		if p := regionPrefix(r); p != "" && strings.HasPrefix(regionCode, p) {
			return true
		}
	}
	return false
}

// regionPrefix returns the code prefix shared by a region and everything
// under it: 340000 → 34, 341200 → 3412, 341203 → 341203, and a township or
// village code itself. A malformed code gives "" (which matches nothing).
func regionPrefix(code string) string {
	for _, r := range code {
		if r < '0' || r > '9' {
			return ""
		}
	}
	switch len(code) {
	case 6:
		switch {
		case code[2:] == "0000":
			return code[:2]
		case code[4:] == "00":
			return code[:4]
		}
		return code
	case 9, 12:
		return code
	}
	return ""
}
