package report_test

import (
	"testing"

	"kejiju/internal/report"
)

// FuzzParsePeriod reads any ?period= a browser may send: a key that is
// read back is the period's own key, its days are a real span of its
// year, and the period containing its first day is itself.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2026-M03", "2026-Q1", "2026-H2", "2026-Y", "2026-M13", "1999-Y", "2026-Q0", "２０２６-Q1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		for _, fr := range []report.Frequency{report.Monthly, report.Quarterly, report.HalfYearly, report.Yearly} {
			rp, err := report.ParsePeriod(fr, key)
			if err != nil {
				continue
			}
			if rp.Key() != key {
				t.Fatalf("%s (%s) read as %s", key, fr, rp.Key())
			}
			p := rp.Period()
			if !p.Valid() || p.From.Year != rp.Year || p.To.Year != rp.Year || report.PeriodOf(fr, p.From) != rp || report.PeriodOf(fr, p.To) != rp {
				t.Fatalf("%s (%s): days %v", key, fr, p)
			}
		}
	})
}
