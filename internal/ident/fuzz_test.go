package ident

import (
	"errors"
	"testing"
)

// checkRejection fails unless err is an *Error of the scheme with a known
// kind; a parser must never fail in any other way.
func checkRejection(t *testing.T, err error, scheme Scheme) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Scheme != scheme || e.Kind < KindEmpty || e.Kind > KindChecksum {
		t.Fatalf("got error %#v, want an *Error of scheme %s", err, scheme)
	}
}

func FuzzParseCreditCode(f *testing.F) {
	for _, s := range []string{
		"91350100M000100Y43", "91350100M000100Y44", "91350100I000100Y43", "91350100m000100y43",
		"91350200776049653A", "9135021359498494XQ", "91350203M0001QAY9B", "91341200MA2RB7A163",
		"91350100M000100Y56", "９１３４１２００ＭＡ２Ｎ００００１Ａ", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCreditCode(s)
		if err != nil {
			checkRejection(t, err, SchemeCreditCode)
			return
		}
		again, err := ParseCreditCode(c.String())
		if err != nil || again != c {
			t.Fatalf("re-parsing %q: got %v, %v, want %v", c, again, err, c)
		}
		code := c.String()
		if last, err := CreditCodeCheckChar(code[:17]); err != nil || last != code[17] {
			t.Fatalf("CreditCodeCheckChar(%q) = %q, %v, want %q", code[:17], last, err, code[17])
		}
		if org, err := OrgCodeCheckChar(code[8:16]); err != nil || org != code[16] {
			t.Fatalf("OrgCodeCheckChar(%q) = %q, %v, want %q", code[8:16], org, err, code[16])
		}
	})
}

func FuzzParseResidentID(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", "440524188001010014", "11010519490231002X",
		"341202199001011232", "341203198512310025", "341221197002280012", "830000199001011234",
		"341202199001011233", "341202209901011234", "341202900101123", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseResidentID(s, today)
		if err != nil {
			checkRejection(t, err, SchemeResidentID)
			return
		}
		again, err := ParseResidentID(id.String(), today)
		if err != nil || again != id {
			t.Fatalf("re-parsing %q: got %v, %v, want %v", id, again, err, id)
		}
		n := id.String()
		if c, err := ResidentIDCheckChar(n[:17]); err != nil || c != id.Check {
			t.Fatalf("ResidentIDCheckChar(%q) = %q, %v, want %q", n[:17], c, err, id.Check)
		}
		if id.Birth.After(today) || !id.Birth.IsValid() {
			t.Fatalf("%q: birth %v is not a valid past date", n, id.Birth)
		}
		if m := MaskResidentID(n); m[:4] != n[:4] || m[14:] != n[14:] || m[4:14] != "**********" {
			t.Fatalf("MaskResidentID(%q) = %q", n, m)
		}
	})
}

func FuzzParsePatentNumber(f *testing.F) {
	for _, s := range []string{
		"201911050262.8", "202011167667.2", "ZL2013106997442", "95115608.X", "201710100006.X",
		"201911050262.7", "2019110502628", "ZL201911050262.8", "CN201911050262.8", "201941050262.4",
		"200211050262.2", "98805256.3", "84115608.5", "zl 201710100006.x", "２０１９１１０５０２６２。８", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePatentNumber(s)
		if err != nil {
			checkRejection(t, err, SchemePatentNumber)
			return
		}
		again, err := ParsePatentNumber(p.String())
		if err != nil || again != p {
			t.Fatalf("re-parsing %q: got %+v, %v, want %+v", p, again, err, p)
		}
		digits := p.String()[:len(p.String())-2]
		if c, err := PatentCheckChar(digits); err != nil || c != p.Check {
			t.Fatalf("PatentCheckChar(%q) = %q, %v, want %q", digits, c, err, p.Check)
		}
		if p.Type.Chinese() == "" || (p.Legacy && (p.Year < 1985 || p.Year > 2003)) || (!p.Legacy && p.Year < 2003) {
			t.Fatalf("%q parsed to an impossible %+v", s, p)
		}
	})
}

func FuzzParseRegionCode(f *testing.F) {
	for _, s := range []string{
		"341202", "341200", "340000", "341203100", "341203100201", "441900003", "３４１２０２",
		"34120", "341203000", "341203000000", "001202", "991202", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseRegionCode(s)
		if err != nil {
			checkRejection(t, err, SchemeRegionCode)
			return
		}
		again, err := ParseRegionCode(c.String())
		if err != nil || again != c {
			t.Fatalf("re-parsing %q: got %v, %v, want %v", c, again, err, c)
		}
		// Walking up the parents ends at the province, one level at a time.
		for p := c; ; {
			parent, ok := p.Parent()
			if !ok {
				if p != c.Province() {
					t.Fatalf("%q: top of the parent chain is %q, want %q", c, p, c.Province())
				}
				break
			}
			if parent.Level() >= p.Level() {
				t.Fatalf("%q: parent %q of %q is not higher", c, parent, p)
			}
			if _, err := ParseRegionCode(parent.String()); err != nil {
				t.Fatalf("%q: parent %q does not parse: %v", c, parent, err)
			}
			p = parent
		}
	})
}

func FuzzParseHTECertificate(f *testing.F) {
	for _, s := range []string{"GR202334000123", " gr202334000123 ", "GF201434000123", "GR202399000123", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseHTECertificate(s)
		if err != nil {
			checkRejection(t, err, SchemeHTECertificate)
			return
		}
		again, err := ParseHTECertificate(c.String())
		if err != nil || again != c {
			t.Fatalf("re-parsing %q: got %+v, %v, want %+v", c, again, err, c)
		}
	})
}
