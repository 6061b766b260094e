package money

import "fmt"

// Kind says what is wrong with an amount.
type Kind int

// The kinds of Error.
const (
	KindInvalid       Kind = iota + 1 // not an amount
	KindTooPrecise                    // more decimals than 分 allow
	KindNegative                      // a minus sign where only amounts ≥ 0 are accepted
	KindOverflow                      // beyond ±92,233,720,368,547,758.07 元, the int64 range of Fen
	KindInvalidShares                 // Split shares that are negative or sum to zero
)

var kindNames = [...]string{
	KindInvalid:       "invalid",
	KindTooPrecise:    "too_precise",
	KindNegative:      "negative",
	KindOverflow:      "overflow",
	KindInvalidShares: "invalid_shares",
}

// String returns the last part of the message key, such as "too_precise".
func (k Kind) String() string {
	if k < KindInvalid || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// Error reports an amount that cannot be parsed or computed.
type Error struct {
	Kind  Kind
	Input string // the text given to the parser, or a description of the computation
	args  []any
}

// Error describes the failure for logs.
func (e *Error) Error() string { return fmt.Sprintf("money: %s: %q", e.Kind, e.Input) }

// Key returns the i18n message key, such as money.too_precise.
func (e *Error) Key() string { return "money." + e.Kind.String() }

// Args returns the values the message formats: for KindTooPrecise, the
// number of decimals allowed in the unit used (2 for 元, 6 for 万元); nothing
// otherwise.
func (e *Error) Args() []any { return e.args }
