package money

import (
	"errors"
	"math"
	"testing"
)

// checkKind fails the test unless err is an *Error of kind, or nil when kind
// is 0.
func checkKind(t *testing.T, err error, kind Kind) {
	t.Helper()
	if kind == 0 {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	var e *Error
	if !errors.As(err, &e) || e.Kind != kind {
		t.Fatalf("got error %v, want kind %v", err, kind)
	}
}

func TestParseYuan(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Fen
		kind Kind
	}{
		{"plain", "240000", 24_000_000, 0},
		{"separators and decimals", "240,000.00", 24_000_000, 0},
		{"万", "24万", 24_000_000, 0},
		{"万元", "24万元", 24_000_000, 0},
		{"half a 万", "0.5万元", 500_000, 0},
		{"yen sign", "¥1,234.56", 123_456, 0},
		{"full-width yen sign", "￥1,234.56", 123_456, 0},
		{"元", "240000元", 24_000_000, 0},
		{"full-width digits", "２４０，０００．００", 24_000_000, 0},
		{"spaces", " 24 万元 ", 24_000_000, 0},
		{"one decimal", "0.5", 50, 0},
		{"zero", "0", 0, 0},
		{"万 with 6 decimals", "1.234567万", 1_234_567, 0},
		{"万 with separators", "1,200万元", 1_200_000_000, 0},
		{"largest", "92233720368547758.07", math.MaxInt64, 0},
		{"three decimals", "1.001", 0, KindTooPrecise},
		{"trailing zero beyond 分", "1.000", 0, KindTooPrecise},
		{"万 with 7 decimals", "1.2345678万", 0, KindTooPrecise},
		{"negative", "-5", 0, KindNegative},
		{"overflow", "92233720368547758.08", 0, KindOverflow},
		{"overflow in 万", "10000000000000万", 0, KindOverflow},
		{"empty", "", 0, KindInvalid},
		{"unit only", "万元", 0, KindInvalid},
		{"bad grouping", "1,5", 0, KindInvalid},
		{"bad grouping 2", "12,34,567", 0, KindInvalid},
		{"leading group too long", "2400,000", 0, KindInvalid},
		{"no whole part", ".5", 0, KindInvalid},
		{"no decimals after dot", "5.", 0, KindInvalid},
		{"plus sign", "+5", 0, KindInvalid},
		{"letters", "12a", 0, KindInvalid},
		{"two dots", "1.2.3", 0, KindInvalid},
		{"亿 is not supported", "1亿", 0, KindInvalid},
		{"sign after yen", "¥-5", 0, KindInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseYuan(tc.in)
			checkKind(t, err, tc.kind)
			if got != tc.want {
				t.Errorf("ParseYuan(%q): got %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseSignedYuan(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Fen
		kind Kind
	}{
		{"negative", "-1,234.56", -123_456, 0},
		{"negative with yen sign", "-¥1,234.56", -123_456, 0},
		{"full-width minus", "－5万元", -5_000_000, 0},
		{"most negative", "-92233720368547758.07", -math.MaxInt64, 0},
		{"positive", "5", 500, 0},
		{"below range", "-92233720368547758.08", 0, KindOverflow},
		{"double minus", "--5", 0, KindInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSignedYuan(tc.in)
			checkKind(t, err, tc.kind)
			if got != tc.want {
				t.Errorf("ParseSignedYuan(%q): got %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		name                  string
		f                     Fen
		yuan, wan, str        string
		formatYuan, formatWan string
	}{
		{"400,000 元", 40_000_000, "400,000.00", "40.00", "400000.00", "400,000.00元", "40.00万元"},
		{"240,000 元", 24_000_000, "240,000.00", "24.00", "240000.00", "240,000.00元", "24.00万元"},
		{"zero", 0, "0.00", "0.00", "0.00", "0.00元", "0.00万元"},
		{"one 分", 1, "0.01", "0.00", "0.01", "0.01元", "0.00万元"},
		{"negative", -123_456, "-1,234.56", "-0.12", "-1234.56", "-1,234.56元", "-0.12万元"},
		{"rounds down below half", 1_234_499, "12,344.99", "1.23", "12344.99", "12,344.99元", "1.23万元"},
		{"rounds half up", 1_235_000, "12,350.00", "1.24", "12350.00", "12,350.00元", "1.24万元"},
		{"negative half rounds away from zero", -1_235_000, "-12,350.00", "-1.24", "-12350.00", "-12,350.00元", "-1.24万元"},
		{"small negative rounds to zero without sign", -4_999, "-49.99", "0.00", "-49.99", "-49.99元", "0.00万元"},
		{"large", 123_456_789_012, "1,234,567,890.12", "123,456.79", "1234567890.12", "1,234,567,890.12元", "123,456.79万元"},
		{"largest", math.MaxInt64, "92,233,720,368,547,758.07", "9,223,372,036,854.78", "92233720368547758.07", "92,233,720,368,547,758.07元", "9,223,372,036,854.78万元"},
		{"most negative", math.MinInt64, "-92,233,720,368,547,758.08", "-9,223,372,036,854.78", "-92233720368547758.08", "-92,233,720,368,547,758.08元", "-9,223,372,036,854.78万元"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, c := range []struct{ what, got, want string }{
				{"Yuan", tc.f.Yuan(), tc.yuan},
				{"Wan", tc.f.Wan(), tc.wan},
				{"String", tc.f.String(), tc.str},
				{"FormatYuan", FormatYuan(tc.f), tc.formatYuan},
				{"FormatWan", FormatWan(tc.f), tc.formatWan},
			} {
				if c.got != c.want {
					t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
				}
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	_, err := ParseYuan("1.234")
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want *Error", err)
	}
	if got, want := e.Error(), `money: too_precise: "1.234"`; got != want {
		t.Errorf("Error: got %q, want %q", got, want)
	}
	if got, want := e.Key(), "money.too_precise"; got != want {
		t.Errorf("Key: got %q, want %q", got, want)
	}
	if args := e.Args(); len(args) != 1 || args[0] != 2 {
		t.Errorf("Args: got %v, want [2]", args)
	}
	if _, err := ParseYuan("1.2345678万"); err.(*Error).Args()[0] != 6 {
		t.Errorf("Args in 万: got %v, want [6]", err.(*Error).Args())
	}
}
