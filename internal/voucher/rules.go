// Package voucher runs the innovation vouchers (科技创新券): batches with
// their parameters and provider whitelist, enterprises' applications,
// issuing, claims against service contracts, a second approval for
// related-party claims, payment and expiry, with the money in the ledger.
//
// The rules (domain-rules.md §4): the redemption rate is a per-batch
// parameter of 30%–40% (3000–4000 basis points); a claim pays
// min(rate × paid, what is left on the voucher, the per-claim cap); an
// enterprise needs to have used strictly more than 80% of its last voucher
// before it applies for the next (Hefei 合创券); vouchers expire at the end
// of their batch's validity and the unused commitment returns to the batch
// budget.
package voucher

import (
	"math/big"
	"slices"
	"strings"
	"unicode"

	"kejiju/internal/money"
)

// The limits of the rate, in basis points (万分之一).
const (
	MinRateBP     = 3000
	MaxRateBP     = 4000
	DefaultRateBP = 3500
)

// NextUseBP is the share of the last voucher that must be exceeded before
// the next application: 80%, strictly more.
const NextUseBP = 8000

// Limit names the bound that decided a claim's payable amount.
type Limit string

// The limits of Payable.
const (
	LimitRate      Limit = "rate"      // rate × paid amount
	LimitRemaining Limit = "remaining" // what is left on the voucher
	LimitCap       Limit = "cap"       // the per-claim cap
)

// Payable is what a claim pays: min(rate × paid, remaining, perClaimCap),
// the rate product rounded down to the whole fen (a subsidy never rounds up
// to more than the rate allows), with the binding limit named. On a tie the
// cap is named before the remaining balance, and the rate only when
// nothing held it back, so that a claim over the cap says so. Negative inputs count as 0.
func Payable(rateBP int64, paid, remaining, perClaimCap money.Fen) (money.Fen, Limit) {
	byRate := floorRate(paid, rateBP)
	amount, why := byRate, LimitRate
	if remaining < amount {
		amount, why = remaining, LimitRemaining
	}
	if perClaimCap < byRate && perClaimCap <= amount {
		amount, why = perClaimCap, LimitCap
	}
	if amount < 0 {
		amount = 0
	}
	return amount, why
}

// floorRate is paid × bp / 10000 rounded down, exact in big integers.
func floorRate(paid money.Fen, bp int64) money.Fen {
	if paid <= 0 || bp <= 0 {
		return 0
	}
	p := new(big.Int).Mul(big.NewInt(int64(paid)), big.NewInt(bp))
	p.Quo(p, big.NewInt(10000))
	if !p.IsInt64() {
		return money.Fen(1<<63 - 1)
	}
	return money.Fen(p.Int64())
}

// NextAllowed reports whether an enterprise whose last voucher had face
// value lastFace, of which lastUsed was used, may apply for the next:
// strictly more than 80% used (used/face > 8000/10000, in integers). No
// last voucher (face 0) allows.
func NextAllowed(lastFace, lastUsed money.Fen) bool {
	if lastFace <= 0 {
		return true
	}
	u := new(big.Int).Mul(big.NewInt(int64(lastUsed)), big.NewInt(10000))
	f := new(big.Int).Mul(big.NewInt(int64(lastFace)), big.NewInt(NextUseBP))
	return u.Cmp(f) > 0
}

// Party is what related-party detection compares of an enterprise or a
// service provider.
type Party struct {
	CreditCode   string
	LegalRep     string
	Shareholders []string
	Address      string
	Phone        string
}

// The grounds of a related party.
const (
	RelSameCode        = "credit_code"
	RelSameLegalRep    = "legal_rep"
	RelSameShareholder = "shareholder"
	RelSameAddress     = "address"
	RelSamePhone       = "phone"
)

// Related returns the grounds on which the enterprise e and the provider p
// are related parties: the same credit code, legal representative,
// shareholder name, address or phone, each compared normalised (case,
// full-width forms, spaces and punctuation ignored; a phone by its digits
// without a +86/86 prefix). Empty values never match.
func Related(e, p Party) []string {
	var why []string
	same := func(a, b string, norm func(string) string) bool {
		x, y := norm(a), norm(b)
		return x != "" && x == y
	}
	if same(e.CreditCode, p.CreditCode, normText) {
		why = append(why, RelSameCode)
	}
	if same(e.LegalRep, p.LegalRep, normText) {
		why = append(why, RelSameLegalRep)
	}
	for _, a := range e.Shareholders {
		if slices.ContainsFunc(p.Shareholders, func(b string) bool { return same(a, b, normText) }) {
			why = append(why, RelSameShareholder)
			break
		}
	}
	if same(e.Address, p.Address, normText) {
		why = append(why, RelSameAddress)
	}
	if same(e.Phone, p.Phone, normPhone) {
		why = append(why, RelSamePhone)
	}
	return why
}

// normText folds full-width forms and case and drops spaces and
// punctuation.
func normText(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0
		}
		if r == 0x3000 || unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// normPhone keeps the digits (full-width folded) and drops a leading
// +86/86 country code from a mobile number.
func normPhone(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '０' && r <= '９' {
			r -= 0xFEE0
		}
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if len(d) == 13 && strings.HasPrefix(d, "86") {
		d = d[2:]
	}
	return d
}
