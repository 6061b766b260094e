package hightech

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/money"
)

// Text returns m in the language of p.
func (m Message) Text(p *i18n.Printer) string {
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		args[i] = a
	}
	return p.T(m.Key, args...)
}

// msg returns the message key with its arguments.
func msg(key string, args ...string) Message { return Message{Key: key, Args: args} }

// name returns the message that names a condition or an indicator.
func name(key string) Message { return Message{Key: key} }

func itoa(n int) string { return strconv.Itoa(n) }

// fixed returns num/den rounded down (towards −∞) to two decimals, with
// trailing zeros trimmed down to minDecimals: 9/100 as a percentage is
// "9.0", 2999/10000 is "29.99". Rounding down never shows a failing ratio
// as the threshold it misses. den must be positive.
func fixed(num, den *big.Int, factor int64, minDecimals int) string {
	q := new(big.Int).Mul(num, big.NewInt(factor*100))
	q.Div(q, den) // Euclidean division: the floor for a positive den
	sign := ""
	if q.Sign() < 0 {
		sign = "-"
		q.Neg(q)
	}
	whole, frac := new(big.Int).QuoRem(q, big.NewInt(100), new(big.Int))
	s := fmt.Sprintf("%02d", frac.Int64())
	for len(s) > minDecimals && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s == "" {
		return sign + whole.String()
	}
	return sign + whole.String() + "." + s
}

// pct returns num/den as a percentage with one or two decimals, such as
// 9.0% or 29.99%.
func pct(num, den *big.Int) string { return fixed(num, den, 100, 1) + "%" }

// ratPct returns r as a percentage, such as 30.0%.
func ratPct(r *big.Rat) string { return pct(r.Num(), r.Denom()) }

// average returns num/den with two decimals, such as 2.33.
func average(num, den *big.Int) string { return fixed(num, den, 1, 2) }

// bpText returns a threshold in basis points as a percentage without
// needless decimals, such as 10% or 4.5%.
func bpText(bp int64) string { return fixed(big.NewInt(bp), big.NewInt(100), 1, 0) + "%" }

// wan returns an amount in 万元 with its unit, for Chinese formats.
func wan(b *big.Int) string {
	if b.IsInt64() {
		return money.FormatWan(money.Fen(b.Int64()))
	}
	return b.String() + "分"
}

// yuanEN returns an amount in yuan with its unit, for English formats.
func yuanEN(b *big.Int) string {
	if b.IsInt64() {
		return money.Fen(b.Int64()).Yuan() + " yuan"
	}
	return b.String() + " fen"
}

// wanUp is wan rounded up to the next 0.01 万元 (100 元), for the amount
// still missing: a shortfall of 1 分 shows as 0.01万元, not 0.00万元.
func wanUp(b *big.Int) string {
	const step = 10000 // 分 in 0.01 万元
	q := new(big.Int).Add(b, big.NewInt(step-1))
	q.Div(q, big.NewInt(step))
	return wan(q.Mul(q, big.NewInt(step)))
}

// fen returns f as a big integer.
func fen(f money.Fen) *big.Int { return big.NewInt(int64(f)) }

// dates returns d for a Chinese and an English format.
func dates(d calendar.Date) (zh, en string) { return d.Chinese(), d.English() }

// amountList returns amounts for a Chinese and an English format, such as
// 1,000.00万元、1,300.00万元.
func amountList(v []money.Fen) (zh, en string) {
	z := make([]string, len(v))
	e := make([]string, len(v))
	for i, f := range v {
		z[i], e[i] = wan(fen(f)), yuanEN(fen(f))
	}
	return strings.Join(z, "、"), strings.Join(e, ", ")
}
