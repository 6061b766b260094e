package enterprise

import (
	"fmt"
	"io"

	"kejiju/internal/ident"
	"kejiju/internal/xlsx"
)

// SampleCode returns the n-th synthetic credit code of the demo district
// (n < 1,000,000): valid check digits, registered in 341203, never a real
// code (real ones do not use the MA prefix with a zero-padded serial).
func SampleCode(n int) string {
	first16 := fmt.Sprintf("91341203MA%06d", n)
	org, _ := ident.OrgCodeCheckChar(first16[8:16])
	first17 := first16 + string(org)
	c, _ := ident.CreditCodeCheckChar(first17)
	return first17 + string(c)
}

// sampleTowns are townships of the demo district, by name and by code.
var sampleTowns = []string{"冉庙乡", "插花镇", "341203100", "袁寨镇", "新华街道"}

// sampleFields cycles through some of the 8 high-tech fields.
var sampleFields = []string{"电子信息", "新材料", "先进制造与自动化", "生物与新医药", ""}

// SampleRow returns the n-th synthetic enterprise as an import row, in
// Sheet's column order. spoil makes it wrong in one named way: "checksum",
// "township", "phone", "date" or "" for a good row.
func SampleRow(n int, spoil string) []any {
	code, town, phone, date := SampleCode(n), sampleTowns[n%len(sampleTowns)], fmt.Sprintf("138%08d", n), fmt.Sprintf("20%02d-%02d-%02d", 10+n%14, 1+n%12, 1+n%28)
	switch spoil {
	case "checksum":
		last := byte('0')
		if code[17] == '0' {
			last = '1'
		}
		code = code[:17] + string(last)
	case "township":
		town = "不存在镇"
	case "phone":
		phone = "12345"
	case "date":
		date = "2019-02-30"
	}
	return []any{code, fmt.Sprintf("阜阳颍东示例%04d科技有限公司", n), "张三", date, fmt.Sprint(100 + n%900),
		fmt.Sprintf("颍东区示例路%d号", n), town, "C3911", sampleFields[n%len(sampleFields)], "李四", phone}
}

// WriteSampleWorkbook writes n synthetic enterprises as an import
// workbook; spoil maps data-row numbers (from 1) to the way each is wrong.
// It serves the tests, the benchmarks and the demo.
func WriteSampleWorkbook(w io.Writer, n int, spoil map[int]string) error {
	xw, err := xlsx.NewWriter(w, Sheet)
	if err != nil {
		return err
	}
	for i := 1; i <= n; i++ {
		if err := xw.Write(SampleRow(i, spoil[i])); err != nil {
			return err
		}
	}
	return xw.Close()
}
