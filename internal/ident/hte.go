package ident

import (
	"fmt"
	"strconv"
)

// HTECertificate is a well-formed 高新技术企业证书编号, such as
// GR202334000123: GR, the year of recognition, the two-digit province code
// and a six-digit serial number.
type HTECertificate struct {
	Year     int
	Province RegionCode // the province that recognised the enterprise, such as 340000
	Serial   int
}

// ParseHTECertificate normalises s and checks that it is GR followed by 12
// digits (KindFormat) whose province digits name an existing provincial-level
// division (KindRegion). The year is not checked.
func ParseHTECertificate(s string) (HTECertificate, error) {
	v := normalize(s)
	if v == "" {
		return HTECertificate{}, newError(SchemeHTECertificate, KindEmpty, v)
	}
	if len(v) != 14 || v[:2] != "GR" || !allDigits(v[2:]) {
		return HTECertificate{}, newError(SchemeHTECertificate, KindFormat, v)
	}
	if !isProvince(v[6:8]) {
		return HTECertificate{}, newError(SchemeHTECertificate, KindRegion, v, v[6:8])
	}
	year, _ := strconv.Atoi(v[2:6])
	serial, _ := strconv.Atoi(v[8:])
	return HTECertificate{Year: year, Province: RegionCode{v[6:8] + "0000"}, Serial: serial}, nil
}

// String returns the certificate number, such as GR202334000123, or "" for
// the zero HTECertificate.
func (c HTECertificate) String() string {
	if c == (HTECertificate{}) {
		return ""
	}
	return fmt.Sprintf("GR%04d%s%06d", c.Year, c.Province.code[:2], c.Serial)
}
