package money

import (
	"errors"
	"testing"
)

func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{
		"240000", "240,000.00", "24万", "24万元", "0.5万元", "¥1,234.56", "２４０，０００．００",
		"1.001", "-5", "-¥1,234.56", "1,5", "92233720368547758.07", "92233720368547758.08", "1.234567万", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		signed, signedErr := ParseSignedYuan(s)
		unsigned, err := ParseYuan(s)
		if err == nil {
			if signedErr != nil || signed != unsigned || unsigned < 0 {
				t.Fatalf("ParseYuan(%q) = %d but ParseSignedYuan = %d, %v", s, unsigned, signed, signedErr)
			}
			if again, err := ParseYuan(unsigned.Yuan()); err != nil || again != unsigned {
				t.Fatalf("ParseYuan(%q) = %d, but ParseYuan(%q) = %d, %v", s, unsigned, unsigned.Yuan(), again, err)
			}
		}
		if signedErr != nil {
			var e *Error
			if !errors.As(signedErr, &e) || e.Kind < KindInvalid || e.Kind > KindOverflow {
				t.Fatalf("ParseSignedYuan(%q): got error %#v, want a parse *Error", s, signedErr)
			}
			return
		}
		for _, text := range []string{signed.Yuan(), signed.String(), FormatYuan(signed)} {
			if again, err := ParseSignedYuan(text); err != nil || again != signed {
				t.Fatalf("ParseSignedYuan(%q) = %d, but ParseSignedYuan(%q) = %d, %v", s, signed, text, again, err)
			}
		}
	})
}
