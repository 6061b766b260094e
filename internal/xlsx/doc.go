// Package xlsx imports and exports business tables as Excel workbooks
// (.xlsx) and CSV files, streaming, so that 100,000 rows cost about as much
// memory as ten. It knows nothing of the bureau's business: an area
// describes its table as a Sheet of Columns and gets rows of text back; the
// validation of the values is the area's.
//
// # Templates and the rows the reader skips
//
// WriteTemplate writes a workbook with one sheet: a bold header row (row 1,
// frozen; required columns marked with a red * and a warmer fill), then a
// note row and an example row in grey, and every column formatted as text
// (@) so that codes keep their leading zeros when users type them:
//
//	row 1  *统一社会信用代码      *企业名称             注册资本（万元）
//	row 2  说明：必填；18位，字母大写  必填                   数字，保留两位小数
//	row 3  示例：91340100MA2N12345X  示例科技有限公司       500.00
//
// The reader skips such rows: directly below the header, and before the
// first data row, a row whose first cell (column A of the file) starts with
// 示例：, 说明：, 例：, 注：, 填写说明, "Example:" or "e.g." (full- or
// half-width colon, spaces ignored) is a note or example row, not data. The
// same text further down is data. A user who overwrites the example row with
// a real record therefore imports it.
//
// # Headers
//
// The header row is the first non-empty row, among the first ten, with at
// least one cell that names a column; rows above it (a title, a date) are
// ignored. A header cell names a column when it equals the column's Header
// or one of its Aliases after folding full-width forms to half-width,
// dropping every space (including the ideographic space and line breaks),
// dropping the * marks and ignoring letter case: "＊企业　名称", "企业名称"
// and "*企业名称" are the same header, as are "注册资本（万元）" and
// "注册资本(万元)". Headers that name no column are ignored and listed in
// Summary.Unknown; a required column that is absent is an error.
//
// # Numbers, and what cannot be recovered
//
// Cells come back as the text Excel shows, trimmed: text cells as typed,
// dates in the built-in short date format as 2006-01-02, other formatted
// numbers as formatted. Numbers that would otherwise come back in
// E-notation (9.13412345678901E+17) are written out in digits
// (913412345678901000), so a code typed as a number keeps its digits where
// the number still holds them; text cells in that notation (pasted from
// Excel's display) are written out the same way. A formula cell gives the
// value last computed and saved with the file; a merged range, its value
// in the top-left cell. Two things are lost for good when a code is
// stored as a number rather than as text: its leading zeros (0551 becomes
// 551, which the caller's length check catches) and every digit after the
// 15th significant one, because Excel keeps only 15 (an 18-digit credit code
// or ID number comes back as 913412345678901000). Such a value must be
// refused, not stored: LooksMangled recognises it, in either form, so the
// caller can ask the user to format the column as text and type the codes
// again.
//
// # Errors
//
// Read and ReadCSV return *i18n.Error values of code Invalid for problems
// with the file as a whole; their keys, and the arguments of each:
//
//	xlsx.too_large           bigger than maxBytes; the limit, as "10 MB"
//	xlsx.unpacked_too_large  unpacks to more than 100 × maxBytes (at least 64 MB); that limit
//	xlsx.not_workbook        not a zip-packed workbook (.xlsx), or one without sheets
//	xlsx.legacy_format       an Excel 97-2003 .xls file, or a password-protected workbook
//	xlsx.corrupt             a worksheet that cannot be read; the row near which it failed
//	xlsx.no_header           no header row; how many rows were looked through, the headers expected
//	xlsx.missing_column      required columns are absent; their headers, joined with 、
//	xlsx.duplicate_column    two header cells name one column; both, as written
//	xlsx.csv_invalid         a CSV quoting error; the line
//
// Problems with values are the caller's to find; it reports them as
// CellError values (Sheet.CellError builds one from a column key), which
// carry the row number and column header and translate with Message.
//
// # CSV
//
// ReadCSV reads the same tables from CSV in UTF-8 (with or without a byte
// order mark) or in GB18030/GBK, the encoding of "CSV (逗号分隔)" saved by
// Excel and WPS on Chinese Windows; the encoding is decided at the first
// byte that is not ASCII. CSVWriter writes UTF-8 with a byte order mark so
// that Excel opens the Chinese correctly. CSV has no cell types: Excel turns
// long digit strings in a CSV into numbers when it opens one, so exports
// that users will edit should be workbooks.
package xlsx
