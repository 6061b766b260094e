package ident

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Scheme names an identifier scheme. Its value is the middle part of the
// message keys, as in ident.credit_code.checksum.
type Scheme string

// The identifier schemes.
const (
	SchemeCreditCode     Scheme = "credit_code"     // 统一社会信用代码
	SchemeResidentID     Scheme = "resident_id"     // 公民身份号码
	SchemePatentNumber   Scheme = "patent_number"   // 专利申请号
	SchemeRegionCode     Scheme = "region_code"     // 行政区划代码
	SchemeHTECertificate Scheme = "hte_certificate" // 高新技术企业证书编号
)

// Kind says what is wrong with an identifier.
type Kind int

// The kinds of Error. Each scheme uses the kinds that apply to it; the
// comment gives the arguments that Error.Args returns for the kind.
const (
	KindEmpty       Kind = iota + 1 // nothing but spaces
	KindLength                      // wrong number of characters; Args: the number found
	KindCharset                     // a character the scheme does not use; Args: its position (from 1) and the character
	KindFormat                      // not in any accepted layout
	KindRegion                      // the division or province code does not exist; Args: the province digits, for region codes and HTE certificates
	KindDate                        // the birth date is not a real date
	KindFuture                      // the birth date is after today
	KindType                        // unknown patent type digit; Args: the digit
	KindYear                        // the patent year does not fit the number's form; Args: the year digits
	KindOrgChecksum                 // credit code: positions 9–17 (the organisation code) fail their check
	KindChecksum                    // the final check character does not match
)

var kindNames = [...]string{
	KindEmpty:       "empty",
	KindLength:      "length",
	KindCharset:     "charset",
	KindFormat:      "format",
	KindRegion:      "region",
	KindDate:        "date",
	KindFuture:      "future",
	KindType:        "type",
	KindYear:        "year",
	KindOrgChecksum: "org_checksum",
	KindChecksum:    "checksum",
}

// String returns the last part of the message key, such as "org_checksum".
func (k Kind) String() string {
	if k < KindEmpty || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// Error reports an identifier that failed a check.
type Error struct {
	Scheme Scheme
	Kind   Kind
	Value  string // the input after normalisation; for a resident ID this is personal data
	args   []any
}

func newError(scheme Scheme, kind Kind, value string, args ...any) *Error {
	return &Error{Scheme: scheme, Kind: kind, Value: value, args: args}
}

// Error describes the failure for logs. A resident ID in it is masked.
func (e *Error) Error() string {
	v := e.Value
	if e.Scheme == SchemeResidentID {
		v = MaskResidentID(v)
	}
	return fmt.Sprintf("ident: %s %q: %s", e.Scheme, v, e.Kind)
}

// Key returns the i18n message key, such as ident.credit_code.checksum.
func (e *Error) Key() string { return "ident." + string(e.Scheme) + "." + e.Kind.String() }

// Args returns the values the message formats with %[1]v, %[2]v, …; see Kind
// for what each kind supplies.
func (e *Error) Args() []any { return e.args }

// normalize trims s and maps what people type to the ASCII the schemes use:
// full-width forms (０-９, Ａ-Ｚ, ．) to ASCII, the ideographic full stop 。 to
// '.', the ideographic space to a space, and lower-case letters to upper case.
func normalize(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			r -= '！' - '!'
		case r == '　':
			r = ' '
		case r == '。':
			r = '.'
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// checkChars checks a fixed-length identifier: it must not be empty, must
// have n characters, and each character must satisfy valid (given its index
// from 0). It returns the first problem found, or nil.
func checkChars(scheme Scheme, v string, n int, valid func(i int, c byte) bool) *Error {
	if v == "" {
		return newError(scheme, KindEmpty, v)
	}
	if got := utf8.RuneCountInString(v); got != n {
		return newError(scheme, KindLength, v, got)
	}
	i := 0
	for _, r := range v {
		if r >= utf8.RuneSelf || !valid(i, byte(r)) {
			return newError(scheme, KindCharset, v, i+1, string(r))
		}
		i++
	}
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(s string) bool {
	for i := range len(s) {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// weightedSum returns Σ value(s[i])·weights[i] over the characters of s.
func weightedSum(s string, weights []int, value func(c byte) int) int {
	sum := 0
	for i := range len(s) {
		sum += value(s[i]) * weights[i]
	}
	return sum
}

func digitValue(c byte) int { return int(c - '0') }
