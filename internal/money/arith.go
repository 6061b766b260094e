package money

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// MulRate returns f × num / den rounded to the nearest 分, halves away from
// zero (四舍五入 on the magnitude, so MulRate(-f, …) is -MulRate(f, …)). The
// product is computed exactly in 128 bits. A result beyond the range of Fen
// is an *Error of KindOverflow. MulRate panics if den is 0, like integer
// division.
//
// For example, the second instalment of 60% of 400,000 元 is
// MulRate(40_000_000, 60, 100) = 24_000_000 分, 240,000 元.
func MulRate(f Fen, num, den int64) (Fen, error) {
	if den == 0 {
		panic("money: MulRate with zero denominator")
	}
	negative := (f < 0) != (num < 0) != (den < 0)
	hi, lo := bits.Mul64(magnitude(int64(f)), magnitude(num))
	d := magnitude(den)
	if hi >= d { // the quotient needs more than 64 bits
		return 0, overflow(f, num, den)
	}
	q, r := bits.Div64(hi, lo, d)
	if r >= d-r { // r/d ≥ ½
		q++
	}
	if q > math.MaxInt64 {
		return 0, overflow(f, num, den)
	}
	if negative {
		return -Fen(q), nil
	}
	return Fen(q), nil
}

func overflow(f Fen, num, den int64) *Error {
	return &Error{Kind: KindOverflow, Input: fmt.Sprintf("%d × %d / %d 分", f, num, den)}
}

// Percent returns the share of f given in basis points (万分之一): bp = 6000
// is 60%, bp = 3500 is 35%, bp = 1 is 0.01%. It rounds like MulRate.
func Percent(f Fen, bp int64) (Fen, error) { return MulRate(f, bp, 10_000) }

// Split divides total into parts proportional to shares, rounded to whole 分
// so that the parts add up to exactly total. Each part is the exact share
// rounded down in magnitude; the 分 left over go one each to the parts with
// the largest remainders, earlier parts first on a tie (the largest-remainder
// method). Shares must be non-negative with a positive sum that fits in an
// int64 (KindInvalidShares otherwise).
//
// For example, Split(40_000_000, []int64{60, 40}) is [24_000_000 16_000_000]
// and Split(100, []int64{1, 1, 1}) is [34 33 33].
func Split(total Fen, shares []int64) ([]Fen, error) {
	d, ok := sumShares(shares)
	if !ok {
		return nil, &Error{Kind: KindInvalidShares, Input: fmt.Sprint(shares)}
	}
	whole := magnitude(int64(total))
	parts := make([]uint64, len(shares))
	remainders := make([]uint64, len(shares))
	left := whole
	for i, s := range shares {
		hi, lo := bits.Mul64(whole, uint64(s))
		parts[i], remainders[i] = bits.Div64(hi, lo, d) // hi < d because s ≤ sum
		left -= parts[i]
	}
	// left < len(shares): each part lost less than one 分.
	order := make([]int, len(shares))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(remainders[b], remainders[a]) })
	for _, i := range order[:left] {
		parts[i]++
	}
	out := make([]Fen, len(shares))
	for i, p := range parts {
		out[i] = Fen(p)
		if total < 0 {
			out[i] = -out[i]
		}
	}
	return out, nil
}

// sumShares returns the sum of shares, and false if a share is negative, the
// sum is zero or it overflows an int64.
func sumShares(shares []int64) (uint64, bool) {
	var sum int64
	for _, s := range shares {
		if s < 0 || sum > math.MaxInt64-s {
			return 0, false
		}
		sum += s
	}
	return uint64(sum), sum > 0
}
