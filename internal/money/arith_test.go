package money

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMulRate(t *testing.T) {
	tests := []struct {
		name     string
		f        Fen
		num, den int64
		want     Fen
		kind     Kind
	}{
		{"60% of 400,000 元", 40_000_000, 60, 100, 24_000_000, 0},
		{"one third, rounds down", 100, 1, 3, 33, 0},
		{"two thirds, rounds up", 100, 2, 3, 67, 0},
		{"exact half rounds up", 1, 1, 2, 1, 0},
		{"just below half rounds down", 499, 1, 1000, 0, 0},
		{"negative half rounds away from zero", -1, 1, 2, -1, 0},
		{"negative rate", 100, -1, 3, -33, 0},
		{"negative denominator", 100, 2, -3, -67, 0},
		{"zero", 0, 5, 7, 0, 0},
		{"large intermediate product", math.MaxInt64, 3, 4, 6_917_529_027_641_081_855, 0},
		{"largest result", math.MaxInt64, 1, 1, math.MaxInt64, 0},
		{"most negative by one", math.MinInt64, 1, 1, 0, KindOverflow},
		{"overflow", math.MaxInt64, 2, 1, 0, KindOverflow},
		{"overflow by rounding", math.MaxInt64, 3, 2, 0, KindOverflow},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MulRate(tc.f, tc.num, tc.den)
			checkKind(t, err, tc.kind)
			if got != tc.want {
				t.Errorf("MulRate(%d, %d, %d): got %d, want %d", tc.f, tc.num, tc.den, got, tc.want)
			}
		})
	}
}

func TestMulRateZeroDenominatorPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("got no panic")
		}
	}()
	MulRate(100, 1, 0)
}

func TestPercent(t *testing.T) {
	tests := []struct {
		name string
		f    Fen
		bp   int64
		want Fen
	}{
		{"60% of 400,000 元", 40_000_000, 6000, 24_000_000},
		{"35% voucher of 12,345.67 元", 1_234_567, 3500, 432_098},
		{"0.01%", 1_000_000, 1, 100},
		{"100%", 777, 10_000, 777},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Percent(tc.f, tc.bp)
			if err != nil || got != tc.want {
				t.Errorf("Percent(%d, %d): got %d, %v, want %d", tc.f, tc.bp, got, err, tc.want)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name   string
		total  Fen
		shares []int64
		want   []Fen
		kind   Kind
	}{
		{"60/40 of 400,000 元", 40_000_000, []int64{60, 40}, []Fen{24_000_000, 16_000_000}, 0},
		{"thirds: the first part gets the extra 分", 100, []int64{1, 1, 1}, []Fen{34, 33, 33}, 0},
		{"largest remainder wins", 100, []int64{1, 2, 4}, []Fen{14, 29, 57}, 0},
		{"zero share", 100, []int64{0, 1}, []Fen{0, 100}, 0},
		{"negative total", -100, []int64{1, 1, 1}, []Fen{-34, -33, -33}, 0},
		{"zero total", 0, []int64{3, 7}, []Fen{0, 0}, 0},
		{"most negative total", math.MinInt64, []int64{1}, []Fen{math.MinInt64}, 0},
		{"large shares", math.MaxInt64, []int64{math.MaxInt64 - 1, 1}, []Fen{math.MaxInt64 - 1, 1}, 0},
		{"no shares", 100, nil, nil, KindInvalidShares},
		{"all zero", 100, []int64{0, 0}, nil, KindInvalidShares},
		{"negative share", 100, []int64{2, -1}, nil, KindInvalidShares},
		{"sum overflows", 100, []int64{math.MaxInt64, 1}, nil, KindInvalidShares},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Split(tc.total, tc.shares)
			checkKind(t, err, tc.kind)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Split(%d, %v) mismatch (-want +got):\n%s", tc.total, tc.shares, diff)
			}
		})
	}
}

// TestSplitProperties checks random splits: the parts add up to the total,
// and each part is the exact proportional share rounded down or up.
func TestSplitProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 5_000 {
		total := Fen(r.Int64N(1_000_000_000_000))
		if r.IntN(4) == 0 {
			total = Fen(r.Int64()) // anywhere in range
		}
		if r.IntN(2) == 0 {
			total = -total
		}
		shares := make([]int64, 1+r.IntN(8))
		for i := range shares {
			shares[i] = r.Int64N(1_000_000)
		}
		shares[r.IntN(len(shares))]++ // at least one positive share
		parts, err := Split(total, shares)
		if err != nil {
			t.Fatalf("Split(%d, %v): %v", total, shares, err)
		}
		var sum, shareSum big.Int
		for _, s := range shares {
			shareSum.Add(&shareSum, big.NewInt(s))
		}
		for i, p := range parts {
			sum.Add(&sum, big.NewInt(int64(p)))
			// |p·Σshares − total·share| < Σshares: p is within 1 分 of exact.
			var exact, got, diff big.Int
			exact.Mul(big.NewInt(int64(total)), big.NewInt(shares[i]))
			got.Mul(big.NewInt(int64(p)), &shareSum)
			if diff.Sub(&got, &exact).Abs(&diff).Cmp(&shareSum) >= 0 {
				t.Fatalf("Split(%d, %v): part %d = %d is not the rounded share", total, shares, i, p)
			}
		}
		if sum.Cmp(big.NewInt(int64(total))) != 0 {
			t.Fatalf("Split(%d, %v) = %v: parts add up to %v", total, shares, parts, &sum)
		}
	}
}
