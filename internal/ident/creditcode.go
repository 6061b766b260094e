package ident

import (
	"fmt"
	"strings"
)

// creditCodeChars is the GB 32100 character set, in value order: the digits
// and the capital letters without I, O, Z, S and V.
const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCodeWeights are 3^(i−1) mod 31 for positions i = 1…17.
var creditCodeWeights = []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgCodeWeights are the GB 11714 weights of the organisation code's first
// eight characters.
var orgCodeWeights = []int{3, 7, 9, 10, 5, 8, 4, 2}

// CreditCode is a valid 统一社会信用代码. The zero CreditCode is "no code".
type CreditCode struct {
	code string
}

// ParseCreditCode normalises s and checks that it is a unified social credit
// code: 18 characters from the GB 32100 set, positions 9–17 an organisation
// code whose last character is its GB 11714 check digit (KindOrgChecksum),
// and position 18 the check character of the first 17 (KindChecksum). Both
// checks are enforced and reported separately, position 18 first.
//
// A few codes in use fail a check (91350203M0001QAY9B fails position 18). The
// caller that accepts one anyway, after review, can store Error.Value, which
// holds the normalised input.
func ParseCreditCode(s string) (CreditCode, error) {
	v := normalize(s)
	if err := checkChars(SchemeCreditCode, v, 18, func(_ int, c byte) bool {
		return strings.IndexByte(creditCodeChars, c) >= 0
	}); err != nil {
		return CreditCode{}, err
	}
	if creditCodeCheck(v[:17]) != v[17] {
		return CreditCode{}, newError(SchemeCreditCode, KindChecksum, v)
	}
	if orgCodeCheck(v[8:16]) != v[16] {
		return CreditCode{}, newError(SchemeCreditCode, KindOrgChecksum, v)
	}
	return CreditCode{v}, nil
}

// String returns the 18-character code.
func (c CreditCode) String() string { return c.code }

// Authority returns position 1, the registration authority: 1 机构编制,
// 5 民政, 9 工商 (market regulation), Y 其他, among others.
func (c CreditCode) Authority() byte { return c.code[0] }

// Category returns position 2, the organisation category within the
// authority. Under authority 9 it is 1 企业, 2 个体工商户 or 3 农民专业合作社;
// under 5 it is 1 社会团体, 2 民办非企业单位, 3 基金会 or 9 其他.
func (c CreditCode) Category() byte { return c.code[1] }

// Region returns positions 3–8, the GB/T 2260 code of the registering
// authority's division, such as 341200. It is not checked against GB/T 2260:
// national registrations use codes such as 100000.
func (c CreditCode) Region() string { return c.code[2:8] }

// OrgCode returns positions 9–17, the nine-character organisation code
// (组织机构代码, usually printed with a hyphen before its last character).
func (c CreditCode) OrgCode() string { return c.code[8:17] }

// CreditCodeCheckChar returns the position-18 check character for the first
// 17 characters of a credit code. It fails if first17 is not 17 characters of
// the GB 32100 set.
func CreditCodeCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 || strings.Trim(first17, creditCodeChars) != "" {
		return 0, fmt.Errorf("ident: CreditCodeCheckChar(%q): want 17 characters of %s", first17, creditCodeChars)
	}
	return creditCodeCheck(first17), nil
}

// OrgCodeCheckChar returns the GB 11714 check character (0–9 or X) for the
// first eight characters of an organisation code, positions 9–16 of a credit
// code. It fails if first8 is not eight digits or capital letters.
func OrgCodeCheckChar(first8 string) (byte, error) {
	if len(first8) != 8 || strings.Trim(first8, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return 0, fmt.Errorf("ident: OrgCodeCheckChar(%q): want 8 digits or capital letters", first8)
	}
	return orgCodeCheck(first8), nil
}

// creditCodeCheck computes C18 = 31 − (Σ value·weight mod 31), 31 becoming 0.
func creditCodeCheck(first17 string) byte {
	sum := weightedSum(first17, creditCodeWeights, func(c byte) int { return strings.IndexByte(creditCodeChars, c) })
	return creditCodeChars[(31-sum%31)%31]
}

// orgCodeCheck computes C9 = 11 − (Σ value·weight mod 11), digits valued 0–9
// and letters 10–35; 10 becomes X and 11 becomes 0.
func orgCodeCheck(first8 string) byte {
	sum := weightedSum(first8, orgCodeWeights, func(c byte) int {
		if isDigit(c) {
			return digitValue(c)
		}
		return int(c-'A') + 10
	})
	return "0123456789X"[(11-sum%11)%11]
}
