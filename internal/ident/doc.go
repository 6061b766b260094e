// Package ident checks the identifiers of Chinese government data and takes
// them apart:
//
//   - 统一社会信用代码 (unified social credit code, GB 32100-2015): [ParseCreditCode]
//   - 公民身份号码 (resident identity number, GB 11643-1999): [ParseResidentID], [MaskResidentID]
//   - 专利申请号 (patent application number, ZC 0006-2003): [ParsePatentNumber]
//   - 行政区划代码 (administrative division code, GB/T 2260, and the 9- and
//     12-digit NBS statistical codes): [ParseRegionCode]
//   - 高新技术企业证书编号 (high-tech enterprise certificate number): [ParseHTECertificate]
//
// Every parser first normalises its input the way people type it: it trims
// spaces (including the full-width space), turns full-width digits and
// letters into ASCII, and upper-cases letters. A parsed value is the
// normalised form; its String method gives back the text to store.
//
// A rejected input returns an [*Error] whose Key names the message in the
// i18n catalog (ident.json) and whose Args fill its verbs. The message names
// the identifier (统一社会信用代码…) but not the form field; the caller adds
// that. The CheckChar functions compute check characters so that demo data and
// tests can make valid numbers.
//
// The package is pure: it imports the standard library and the kernel
// packages calendar (birth dates) and region (division code shapes).
package ident
