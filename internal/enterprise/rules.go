package enterprise

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/unicode/norm"

	"kejiju/internal/i18n"
)

// TechFields are the 8 areas of 《国家重点支持的高新技术领域》 (国科发火〔2016〕32号
// 附件), as their official names.
var TechFields = []string{"电子信息", "生物与新医药", "航空航天", "新材料", "高技术服务", "新能源与节能", "资源与环境", "先进制造与自动化"}

// industryRE matches a GB/T 4754-2017 code: a section letter, optionally
// followed by the 2-digit division, 3-digit group or 4-digit class.
var industryRE = regexp.MustCompile(`^[A-T](\d{2}|\d{3}|\d{4})?$`)

// mobileOrPhoneRE matches a mobile number or a landline with area code.
var mobileOrPhoneRE = regexp.MustCompile(`^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$`)

// clean trims and folds full-width forms, as people paste them from Word.
func clean(s string) string { return strings.TrimSpace(norm.NFKC.String(s)) }

// normalize cleans every field of in, upper-cases codes, and leaves the
// credit code check to validate.
func normalize(in Input) Input {
	in.CreditCode = strings.ToUpper(clean(in.CreditCode))
	in.Name = strings.TrimSpace(in.Name) // keep full-width brackets in names: （）are official
	in.LegalRep = clean(in.LegalRep)
	in.Address = strings.TrimSpace(in.Address)
	in.RegionCode = clean(in.RegionCode)
	in.IndustryCode = strings.ToUpper(clean(in.IndustryCode))
	in.TechField = clean(in.TechField)
	in.ContactName = clean(in.ContactName)
	in.ContactPhone = strings.ReplaceAll(clean(in.ContactPhone), " ", "")
	return in
}

// validate checks the fields that need no database and returns every
// problem. acceptCode says whether a credit code that fails only its check
// digits has an audited override.
func validate(in Input, acceptCode func(string) (string, error)) (Input, i18n.Problems) {
	var p i18n.Problems
	in = normalize(in)
	if in.CreditCode == "" {
		p.Add("credit_code", "error.required")
	} else if code, err := acceptCode(in.CreditCode); err != nil {
		p.AddErr("credit_code", err)
	} else {
		in.CreditCode = code
	}
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		p.Add("name", "error.required")
	case n > 100:
		p.Add("name", "error.too_long", 100)
	}
	if utf8.RuneCountInString(in.LegalRep) > 30 {
		p.Add("legal_rep", "error.too_long", 30)
	}
	if utf8.RuneCountInString(in.Address) > 200 {
		p.Add("address", "error.too_long", 200)
	}
	if in.RegionCode == "" {
		p.Add("region_code", "error.required")
	}
	if in.IndustryCode != "" && !industryRE.MatchString(in.IndustryCode) {
		p.Add("industry_code", "enterprise.industry.format")
	}
	if in.TechField != "" && !contains(TechFields, in.TechField) {
		p.Add("tech_field", "enterprise.tech_field.unknown", in.TechField)
	}
	if in.ContactPhone != "" && !mobileOrPhoneRE.MatchString(in.ContactPhone) {
		p.Add("contact_phone", "enterprise.phone.format")
	}
	if in.RegisteredCapital < 0 {
		p.Add("registered_capital", "money.negative")
	}
	return in, p
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// initialsArgs gives the first letter of each character's reading.
var initialsArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = pinyin.FirstLetter
	a.Fallback = func(r rune, _ pinyin.Args) []string {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return []string{strings.ToLower(string(r))}
		}
		return nil
	}
	return a
}()

// Initials returns the pinyin initials of a name for search: 阜阳市科技有限公司
// → fyskjyxgs. Letters and digits are kept; punctuation is dropped.
func Initials(name string) string {
	var b strings.Builder
	for _, s := range pinyin.LazyPinyin(name, initialsArgs) {
		b.WriteString(s)
	}
	return b.String()
}

// changed reports whether two inputs differ.
func changed(a, b Input) bool { return a != b }
