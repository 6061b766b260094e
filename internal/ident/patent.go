package ident

import (
	"fmt"
	"strconv"
	"strings"
)

// patentWeights are the ZC 0006-2003 check weights; the 8-digit form uses the
// first eight.
var patentWeights = []int{2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5}

// PatentType is the kind of application, the digit after the year.
type PatentType int

// The patent types of ZC 0006-2003.
const (
	Invention       PatentType = 1 // 发明
	UtilityModel    PatentType = 2 // 实用新型
	Design          PatentType = 3 // 外观设计
	PCTInvention    PatentType = 8 // PCT invention application entering the Chinese national phase
	PCTUtilityModel PatentType = 9 // PCT utility model application entering the Chinese national phase
)

var patentTypeNames = map[PatentType]struct{ zh, en string }{
	Invention:       {"发明", "invention"},
	UtilityModel:    {"实用新型", "utility model"},
	Design:          {"外观设计", "design"},
	PCTInvention:    {"PCT发明（进入中国国家阶段）", "PCT invention (Chinese national phase)"},
	PCTUtilityModel: {"PCT实用新型（进入中国国家阶段）", "PCT utility model (Chinese national phase)"},
}

// Chinese returns the type's Chinese name, such as 实用新型.
func (t PatentType) Chinese() string { return patentTypeNames[t].zh }

// English returns the type's English name, such as "utility model".
func (t PatentType) English() string { return patentTypeNames[t].en }

// String returns the English name.
func (t PatentType) String() string { return t.English() }

// PatentNumber is a valid Chinese patent application number taken apart.
type PatentNumber struct {
	Year   int        // application year, four digits
	Type   PatentType // kind of application
	Serial int        // serial number within the year and type: 7 digits, or 5 in the legacy form
	Check  byte       // check character, 0–9 or X
	Legacy bool       // the 8-digit form of applications filed before 2003-10-01
}

// ParsePatentNumber normalises s and checks that it is a patent application
// number. It accepts an optional ZL (patent certificate) or CN prefix, the
// dot before the check character or none, and a lower-case x. Two forms exist
// (KindFormat otherwise):
//
//   - since 2003-10-01, 12 digits: year (2003 or later), type, 7-digit serial,
//     as in 201911050262.8;
//   - before, 8 digits: two-digit year (85–99 for 1985–1999, 00–03 for
//     2000–2003), type, 5-digit serial, as in 95115608.X.
//
// A year that does not fit the form is KindYear, so a 12-digit number of 2002
// is refused. The type must be 1, 2, 3, 8 or 9 (KindType). The check character
// is Σ digit·weight mod 11 with weights 2 3 4 5 6 7 8 9 2 3 4 5, 10 written X
// (KindChecksum). A year after the present is not refused here.
func ParsePatentNumber(s string) (PatentNumber, error) {
	v := normalize(s)
	if v == "" {
		return PatentNumber{}, newError(SchemePatentNumber, KindEmpty, v)
	}
	digits, check, ok := splitPatentNumber(v)
	if !ok {
		return PatentNumber{}, newError(SchemePatentNumber, KindFormat, v)
	}
	p := PatentNumber{Check: check, Legacy: len(digits) == 8}
	yearDigits := digits[:4]
	if p.Legacy {
		yearDigits = digits[:2]
	}
	p.Year, _ = strconv.Atoi(yearDigits)
	switch {
	case !p.Legacy && p.Year >= 2003: // the year as written
	case p.Legacy && p.Year >= 85:
		p.Year += 1900
	case p.Legacy && p.Year <= 3:
		p.Year += 2000
	default:
		return PatentNumber{}, newError(SchemePatentNumber, KindYear, v, yearDigits)
	}
	rest := digits[len(yearDigits):]
	p.Type = PatentType(digitValue(rest[0]))
	if _, known := patentTypeNames[p.Type]; !known {
		return PatentNumber{}, newError(SchemePatentNumber, KindType, v, rest[:1])
	}
	if patentCheck(digits) != check {
		return PatentNumber{}, newError(SchemePatentNumber, KindChecksum, v)
	}
	p.Serial, _ = strconv.Atoi(rest[1:])
	return p, nil
}

// splitPatentNumber strips a ZL or CN prefix from v and splits the rest into
// its 12 or 8 digits and the check character, with or without a dot between.
func splitPatentNumber(v string) (digits string, check byte, ok bool) {
	for _, prefix := range []string{"ZL", "CN"} {
		if rest, found := strings.CutPrefix(v, prefix); found {
			v = strings.TrimSpace(rest)
			break
		}
	}
	digits, c, dotted := strings.Cut(v, ".")
	if !dotted && len(v) > 0 {
		digits, c = v[:len(v)-1], v[len(v)-1:]
	}
	if (len(digits) != 12 && len(digits) != 8) || !allDigits(digits) ||
		len(c) != 1 || (!isDigit(c[0]) && c[0] != 'X') {
		return "", 0, false
	}
	return digits, c[0], true
}

// String returns the normalised number, such as 201911050262.8 or
// 95115608.X, without a prefix, or "" for the zero PatentNumber.
func (p PatentNumber) String() string {
	if p == (PatentNumber{}) {
		return ""
	}
	if p.Legacy {
		return fmt.Sprintf("%02d%d%05d.%c", p.Year%100, int(p.Type), p.Serial, p.Check)
	}
	return fmt.Sprintf("%04d%d%07d.%c", p.Year, int(p.Type), p.Serial, p.Check)
}

// PatentCheckChar returns the check character (0–9 or X) for the 12 digits of
// an application number, or the 8 digits of a legacy one. It fails for
// anything else.
func PatentCheckChar(digits string) (byte, error) {
	if (len(digits) != 12 && len(digits) != 8) || !allDigits(digits) {
		return 0, fmt.Errorf("ident: PatentCheckChar(%q): want 12 or 8 digits", digits)
	}
	return patentCheck(digits), nil
}

func patentCheck(digits string) byte {
	return "0123456789X"[weightedSum(digits, patentWeights, digitValue)%11]
}
