// Package docx writes official documents (公文) as Word .docx files in the
// format of GB/T 9704-2012 (党政机关公文格式), from a small document model:
// a title, a main recipient, numbered headings, body paragraphs, tables,
// PNG figures, native charts and the issuing body with the date.
//
// It uses the standard library only (archive/zip and string building with
// encoding/xml escaping) and writes the same bytes for the same document:
// zip entries carry a fixed time and core properties carry a date only when
// Document.Created is set.
//
// # Format
//
//   - A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, so the
//     text area is 156 mm × 225 mm (PageGeometry).
//   - Body 三号 (16 pt) 仿宋_GB2312, justified, first line indented two
//     characters, 22 lines a page on a line grid (linePitch 579 twips) and
//     28 characters a line (each character condensed by CharSpacing).
//   - Title 二号 方正小标宋简体, centred, an empty line below it.
//   - Headings: 一、 黑体; （一） 楷体_GB2312; 1. 仿宋 bold; all 三号 and
//     numbered by the writer.
//   - Page numbers "— 1 —", 四号宋体, 7 mm below the text area, odd pages
//     right and even pages left, one character in.
//   - Signature: the issuing body and the date (2026年7月10日) at the right,
//     placed as 7.3.5.1 places them for a document without a seal.
//
// The 公文 fonts are not free software. The font table names a fallback for
// each (宋体, 仿宋, 楷体) for Word and WPS; LibreOffice substitutes an
// installed CJK font (Noto with fonts-noto-cjk).
//
// # Figures and charts
//
// Word and WPS do not show SVG reliably, and turning SVG into PNG needs a
// font rasteriser the standard library lacks, so a Figure takes PNG bytes.
// For charts there is a better way than pictures: a Chart block is a native
// DrawingML chart (word/charts/chartN.xml) holding its categories and
// values inline; Word, WPS and LibreOffice draw it themselves — as
// vectors, in the document's fonts, editable by staff — as a line, column,
// bar, doughnut or funnel chart in package chart's colours. The report
// draws the same data with package chart for the web page and with Chart
// for the document.
package docx
