package money

import (
	"strconv"
	"strings"
)

// Fen is an amount of money in 分 (0.01 元). The zero Fen is 0 元.
type Fen int64

// ParseYuan parses an amount that people type or that a spreadsheet holds,
// in 元 unless it ends in 万 or 万元:
//
//	240000   240,000.00   ¥1,234.56   240000元   24万   24万元   0.5万元
//
// Full-width digits and punctuation (２４０，０００．００, ￥) are accepted,
// and spaces around the number and the unit. Thousands separators must group
// by three, so 1,5 is refused rather than guessed at. An amount in 元 takes at
// most 2 decimals and one in 万 at most 6, the digits that still name whole
// 分 (KindTooPrecise; extra zeros count too). ParseYuan refuses a minus sign
// (KindNegative); use ParseSignedYuan where negative amounts are meaningful.
// Amounts beyond the range of Fen are KindOverflow; anything else that is not
// an amount is KindInvalid.
func ParseYuan(s string) (Fen, error) { return parse(s, false) }

// ParseSignedYuan is like ParseYuan but accepts a leading minus sign, as in
// -1,234.56 or -¥1,234.56.
func ParseSignedYuan(s string) (Fen, error) { return parse(s, true) }

func parse(s string, signed bool) (Fen, error) {
	fail := func(k Kind, args ...any) (Fen, error) { return 0, &Error{Kind: k, Input: s, args: args} }
	t := normalize(s)
	negative := false
	if rest, ok := strings.CutPrefix(t, "-"); ok {
		t, negative = rest, true
	}
	t = strings.TrimSpace(strings.TrimPrefix(t, "¥"))
	t = strings.TrimSpace(strings.TrimSuffix(t, "元"))
	decimals := 2
	if rest, ok := strings.CutSuffix(t, "万"); ok {
		t, decimals = strings.TrimSpace(rest), 6
	}
	whole, frac, dotted := strings.Cut(t, ".")
	whole, ok := ungroup(whole)
	if !ok || (dotted && !allDigits(frac)) {
		return fail(KindInvalid)
	}
	if len(frac) > decimals {
		return fail(KindTooPrecise, decimals)
	}
	if negative && !signed {
		return fail(KindNegative)
	}
	n, err := strconv.ParseInt(whole+frac+strings.Repeat("0", decimals-len(frac)), 10, 64)
	if err != nil { // only ErrRange: the text is all digits
		return fail(KindOverflow)
	}
	if negative {
		n = -n
	}
	return Fen(n), nil
}

// normalize trims s and maps full-width forms (０-９, ，, ．, －, ￥) and the
// ideographic space to their ASCII or Latin-1 equivalents.
func normalize(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			return r - ('！' - '!')
		case r == '￥':
			return '¥'
		case r == '　':
			return ' '
		}
		return r
	}, s))
}

// ungroup removes the thousands separators from the whole part of a number.
// It reports false unless whole is digits, grouped by three if it has commas.
func ungroup(whole string) (string, bool) {
	groups := strings.Split(whole, ",")
	for i, g := range groups {
		if !allDigits(g) || (i > 0 && len(g) != 3) || (i == 0 && len(groups) > 1 && len(g) > 3) {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// magnitude returns |x|, without overflowing for math.MinInt64.
func magnitude(x int64) uint64 {
	if x < 0 {
		return -uint64(x)
	}
	return uint64(x)
}

// Yuan returns f in 元 with thousands separators and two decimals, such as
// 240,000.00 or -1,234.56.
func (f Fen) Yuan() string { return formatHundredths(magnitude(int64(f)), f < 0, true) }

// Wan returns f in 万元 with thousands separators and two decimals, such as
// 24.00 for 240,000 元. It rounds to the nearest 0.01 万元 (100 元), halves
// away from zero: 12,345 元 is 1.23 and 12,350 元 is 1.24.
func (f Fen) Wan() string {
	h := (magnitude(int64(f)) + 5_000) / 10_000 // hundredths of 万元
	return formatHundredths(h, f < 0 && h != 0, true)
}

// String returns f in 元 with two decimals and no separators, such as
// 240000.00: a form that ParseYuan reads back and spreadsheets take as a
// number.
func (f Fen) String() string { return formatHundredths(magnitude(int64(f)), f < 0, false) }

// FormatYuan returns f for display in 元, such as 240,000.00元.
func FormatYuan(f Fen) string { return f.Yuan() + "元" }

// FormatWan returns f for display in 万元, rounded as by Wan, such as
// 24.00万元.
func FormatWan(f Fen) string { return f.Wan() + "万元" }

// formatHundredths writes n/100 with two decimals, a minus sign if negative,
// and commas between groups of three digits if grouped.
func formatHundredths(n uint64, negative, grouped bool) string {
	whole := strconv.FormatUint(n/100, 10)
	var b strings.Builder
	if negative {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if grouped && i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	b.WriteByte('.')
	frac := n % 100
	b.WriteByte(byte('0' + frac/10))
	b.WriteByte(byte('0' + frac%10))
	return b.String()
}

// YuanNumber is the amount in 元 as a number, for a spreadsheet cell: the
// nearest float64 to the decimal, exact to the fen for every amount a
// spreadsheet can show (under 2^53 fen).
func (f Fen) YuanNumber() float64 {
	v, _ := strconv.ParseFloat(strconv.FormatInt(int64(f), 10)+"e-2", 64)
	return v
}
