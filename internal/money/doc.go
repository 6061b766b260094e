// Package money holds amounts of renminbi as whole 分 (fen, 0.01 元) in an
// int64, so sums are exact and a ledger always balances. It parses what
// people type (240,000.00, 24万元, ¥1,234.56, full-width digits), formats in
// 元 and 万元, and does the little arithmetic the ledger and vouchers need
// (rates, percentages, proportional splits) with stated rounding and
// overflow checks, never with floating point.
//
// The package imports only the standard library.
package money
