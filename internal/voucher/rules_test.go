package voucher

import (
	"slices"
	"testing"

	"kejiju/internal/money"
)

func TestPayable(t *testing.T) {
	const yuan = money.Fen(100)
	for _, c := range []struct {
		name                   string
		rate                   int64
		paid, remaining, capAt money.Fen
		want                   money.Fen
		why                    Limit
	}{
		{"domain example: 100,000 at 35% under a 200,000 cap", 3500, 100_000 * yuan, 200_000 * yuan, 200_000 * yuan, 35_000 * yuan, LimitRate},
		{"rate exactly at the cap pays by rate", 3500, 100_000 * yuan, 200_000 * yuan, 35_000 * yuan, 35_000 * yuan, LimitRate},
		{"one fen over the cap pays the cap", 3500, 100_000*yuan + 3, 200_000 * yuan, 35_000 * yuan, 35_000 * yuan, LimitCap},
		{"far over the cap pays the cap", 4000, 1_000_000 * yuan, 1_000_000 * yuan, 50_000 * yuan, 50_000 * yuan, LimitCap},
		{"remaining smaller than rate × paid pays remaining", 3000, 100_000 * yuan, 10_000 * yuan, 50_000 * yuan, 10_000 * yuan, LimitRemaining},
		{"remaining exactly rate × paid pays by rate", 3000, 100_000 * yuan, 30_000 * yuan, 50_000 * yuan, 30_000 * yuan, LimitRate},
		{"remaining one fen short", 3000, 100_000 * yuan, 30_000*yuan - 1, 50_000 * yuan, 30_000*yuan - 1, LimitRemaining},
		{"cap below remaining below rate pays cap", 4000, 100_000 * yuan, 30_000 * yuan, 20_000 * yuan, 20_000 * yuan, LimitCap},
		{"remaining below cap below rate pays remaining", 4000, 100_000 * yuan, 10_000 * yuan, 20_000 * yuan, 10_000 * yuan, LimitRemaining},
		{"cap equal to remaining below rate names the cap", 4000, 100_000 * yuan, 20_000 * yuan, 20_000 * yuan, 20_000 * yuan, LimitCap},
		{"rounds down: 35% of 0.01 元 is 0", 3500, 1, 100, 100, 0, LimitRate},
		{"rounds down: 35% of 0.03 元 is 0.01 (not 0.0105→ round)", 3500, 3, 100, 100, 1, LimitRate},
		{"rounds down where MulRate would round up: 35% of 0.09 is 0.03", 3500, 9, 100, 100, 3, LimitRate},
		{"nothing remaining pays 0", 3500, 100 * yuan, 0, 100 * yuan, 0, LimitRemaining},
		{"huge amount does not overflow", 4000, 1e15, 1e15, 1e15, 4e14, LimitRate},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, why := Payable(c.rate, c.paid, c.remaining, c.capAt)
			if got != c.want || why != c.why {
				t.Errorf("Payable(%d, %d, %d, %d) = %d %s, want %d %s", c.rate, c.paid, c.remaining, c.capAt, got, why, c.want, c.why)
			}
		})
	}
}

func TestNextAllowed(t *testing.T) {
	for _, c := range []struct {
		face, used money.Fen
		want       bool
	}{
		{0, 0, true},             // no last voucher
		{100_000, 80_000, false}, // exactly 80% → not allowed
		{100_000, 80_010, true},  // 80.01% → allowed
		{100_000, 80_001, true},  // one fen more than 80%
		{100_000, 79_000, false}, // 79%
		{100_000, 81_000, true},  // 81%
		{100_000, 100_000, true}, // all used
		{3, 2, false},            // 66.7%
		{5, 4, false},            // exactly 80% at a tiny face
		{7, 6, true},             // 85.7%
		{1e15, 8e14, false},      // exactly 80% at the largest amounts
		{1e15, 8e14 + 1, true},   // one fen over
		{100_000, 0, false},      // unused
	} {
		if got := NextAllowed(c.face, c.used); got != c.want {
			t.Errorf("NextAllowed(%d, %d) = %v, want %v", c.face, c.used, got, c.want)
		}
	}
}

func TestRelated(t *testing.T) {
	ent := Party{CreditCode: "91341200MA2N000001", LegalRep: "张 三", Shareholders: []string{"李四", "ＡＢＣ投资有限公司"},
		Address: "阜阳市颍东区幸福路 1 号", Phone: "+86 138-0000-0001"}
	for _, c := range []struct {
		name string
		p    Party
		want []string
	}{
		{"unrelated", Party{CreditCode: "X", LegalRep: "王五", Shareholders: []string{"赵六"}, Address: "合肥市", Phone: "0551-1234567"}, nil},
		{"same legal rep with spaces", Party{LegalRep: "张三"}, []string{RelSameLegalRep}},
		{"same shareholder full-width and case", Party{Shareholders: []string{"abc投资有限公司"}}, []string{RelSameShareholder}},
		{"same address punctuation", Party{Address: "阜阳市颍东区幸福路1号"}, []string{RelSameAddress}},
		{"same phone without country code", Party{Phone: "13800000001"}, []string{RelSamePhone}},
		{"same credit code", Party{CreditCode: "91341200ma2n000001"}, []string{RelSameCode}},
		{"empty values never match", Party{}, nil},
		{"several grounds", Party{LegalRep: "张三", Phone: "138 0000 0001"}, []string{RelSameLegalRep, RelSamePhone}},
	} {
		if got := Related(ent, c.p); !slices.Equal(got, c.want) {
			t.Errorf("%s: Related = %v, want %v", c.name, got, c.want)
		}
	}
	if got := Related(Party{}, Party{}); got != nil {
		t.Errorf("two empty parties are related: %v", got)
	}
}
