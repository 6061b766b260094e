package ident

import (
	"fmt"
	"strconv"
	"strings"

	"kejiju/internal/calendar"
)

// residentIDWeights are 2^(18−i) mod 11 for positions i = 1…17.
var residentIDWeights = []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// taiwanPermitRegion is the address code of 台湾居民居住证 numbers, which
// follow GB 11643 but use a code GB/T 2260 does not have (Taiwan is 710000
// there). The permits of Hong Kong and Macao residents use 810000 and 820000,
// which GB/T 2260 has.
const taiwanPermitRegion = "830000"

// Gender is the sex a resident ID records.
type Gender int

// The genders; the zero Gender is unknown.
const (
	Male   Gender = iota + 1 // 男: odd sequence number
	Female                   // 女: even sequence number
)

// Chinese returns 男 or 女.
func (g Gender) Chinese() string {
	switch g {
	case Male:
		return "男"
	case Female:
		return "女"
	}
	return ""
}

// English returns male or female.
func (g Gender) English() string {
	switch g {
	case Male:
		return "male"
	case Female:
		return "female"
	}
	return ""
}

// ResidentID is a valid 18-character 公民身份号码 taken apart.
type ResidentID struct {
	Region   RegionCode    // address code: the county of household registration when the number was issued
	Birth    calendar.Date // birth date
	Sequence int           // 顺序码, 0–999; odd for men, even for women
	Check    byte          // check character, 0–9 or X
}

// ParseResidentID normalises s (so a final x becomes X) and checks that it is
// a resident identity number: 18 characters, 17 digits and a digit or X
// (KindLength, KindCharset); a well-formed address code under an existing
// province (KindRegion); a birth date that exists (KindDate) and is not after
// today (KindFuture); and the ISO 7064 MOD 11-2 check character (KindChecksum).
// Whether the address code is a known, possibly historical, division is for
// the region package to say.
func ParseResidentID(s string, today calendar.Date) (ResidentID, error) {
	v := normalize(s)
	if err := checkChars(SchemeResidentID, v, 18, func(i int, c byte) bool {
		return isDigit(c) || (i == 17 && c == 'X')
	}); err != nil {
		return ResidentID{}, err
	}
	addr, ok := residentIDRegion(v[:6])
	if !ok {
		return ResidentID{}, newError(SchemeResidentID, KindRegion, v)
	}
	birth, err := calendar.Parse(v[6:10] + "-" + v[10:12] + "-" + v[12:14])
	if err != nil {
		return ResidentID{}, newError(SchemeResidentID, KindDate, v)
	}
	if birth.After(today) {
		return ResidentID{}, newError(SchemeResidentID, KindFuture, v)
	}
	if residentIDCheck(v[:17]) != v[17] {
		return ResidentID{}, newError(SchemeResidentID, KindChecksum, v)
	}
	seq, _ := strconv.Atoi(v[14:17]) // three digits, checked above
	return ResidentID{Region: addr, Birth: birth, Sequence: seq, Check: v[17]}, nil
}

// residentIDRegion parses the six-digit address code of a resident ID.
func residentIDRegion(code string) (RegionCode, bool) {
	if code == taiwanPermitRegion {
		return RegionCode{code}, true
	}
	r, err := ParseRegionCode(code)
	return r, err == nil
}

// Gender returns Male for an odd sequence number and Female for an even one.
func (id ResidentID) Gender() Gender {
	if id.Sequence%2 == 1 {
		return Male
	}
	return Female
}

// String returns the 18-character number, or "" for the zero ResidentID.
func (id ResidentID) String() string {
	if id == (ResidentID{}) {
		return ""
	}
	b := id.Birth
	return fmt.Sprintf("%s%04d%02d%02d%03d%c", id.Region, b.Year, int(b.Month), b.Day, id.Sequence, id.Check)
}

// ResidentIDCheckChar returns the check character (0–9 or X) for the first 17
// digits of a resident ID. It fails if first17 is not 17 digits.
func ResidentIDCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 || !allDigits(first17) {
		return 0, fmt.Errorf("ident: ResidentIDCheckChar(%q): want 17 digits", first17)
	}
	return residentIDCheck(first17), nil
}

// residentIDCheck looks Σ digit·weight mod 11 up in 1 0 X 9 8 7 6 5 4 3 2.
func residentIDCheck(first17 string) byte {
	return "10X98765432"[weightedSum(first17, residentIDWeights, digitValue)%11]
}

// MaskResidentID hides all but the first four and last four characters of
// id, as in 3412**********1232, for screens and logs that must not show the
// whole number. An id of eight characters or fewer is masked completely.
func MaskResidentID(id string) string {
	r := []rune(id)
	if len(r) <= 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-4:])
}
