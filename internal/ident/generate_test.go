package ident

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestCheckCharsMakeValidNumbers builds random numbers the way the demo-data
// generator will, with the CheckChar functions, and checks that they parse
// back to what was built.
func TestCheckCharsMakeValidNumbers(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pick := func(chars string, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = chars[r.IntN(len(chars))]
		}
		return string(b)
	}
	must := func(c byte, err error) string {
		if err != nil {
			t.Fatal(err)
		}
		return string(c)
	}
	types := []PatentType{Invention, UtilityModel, Design, PCTInvention, PCTUtilityModel}
	for range 2_000 {
		code := "91341203" + pick(creditCodeChars, 8)
		code += must(OrgCodeCheckChar(code[8:]))
		code += must(CreditCodeCheckChar(code))
		if c, err := ParseCreditCode(code); err != nil || c.String() != code {
			t.Fatalf("credit code %s: got %v, %v", code, c, err)
		}

		birth := today.AddDays(-r.IntN(120 * 365))
		id := fmt.Sprintf("341203%04d%02d%02d%03d", birth.Year, int(birth.Month), birth.Day, r.IntN(1000))
		id += must(ResidentIDCheckChar(id))
		if got, err := ParseResidentID(id, today); err != nil || got.String() != id || got.Birth != birth {
			t.Fatalf("resident ID %s: got %v, %v", id, got, err)
		}

		want := PatentNumber{Year: 2003 + r.IntN(24), Type: types[r.IntN(len(types))], Serial: r.IntN(10_000_000)}
		digits := fmt.Sprintf("%04d%d%07d", want.Year, int(want.Type), want.Serial)
		if r.IntN(2) == 0 {
			want.Legacy, want.Year, want.Serial = true, 1985+r.IntN(19), r.IntN(100_000)
			digits = fmt.Sprintf("%02d%d%05d", want.Year%100, int(want.Type), want.Serial)
		}
		want.Check = must(PatentCheckChar(digits))[0]
		if got, err := ParsePatentNumber(digits + "." + string(want.Check)); err != nil || got != want {
			t.Fatalf("patent %s.%c: got %+v, %v, want %+v", digits, want.Check, got, err, want)
		}
	}
}
