// Package chart draws the bureau's charts as standalone SVG documents: a
// trend (series over periods, this year against last year), bars (one value
// per category, vertical or horizontal), a funnel (stages with counts and
// each stage's share of the one before) and a share donut (parts of a
// whole).
//
// Each chart is a plain value whose SVG method is a pure function of it: the
// same value always gives the same bytes, so pages, printed reports and
// golden tests can rely on it. The output
//
//   - names a CJK font list (FontFamily) so Chinese labels render;
//   - prints every value on the chart, with thousands separators
//     (FormatValue) and the chart's unit;
//   - carries a <title>, a <desc> listing the data, role="img" and an
//     aria-label, for screen readers;
//   - escapes all text, drops control characters and repairs invalid UTF-8,
//     so any label gives well-formed XML;
//   - shortens long labels with … instead of overprinting;
//   - draws "暂无数据" when there is nothing to show (no categories, no
//     finite values, or a share whose total is zero).
//
// The package knows nothing of the bureau's business; report and the
// dashboard choose what to draw.
package chart
