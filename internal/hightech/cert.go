package hightech

import (
	"slices"
	"time"

	"kejiju/internal/calendar"
)

// HTEExpiry returns the last day of validity of a 高新技术企业 certificate
// issued on issued: valid for three years from the issue date
// (国科发火〔2016〕32号), the issue day counting as the first, so a
// certificate issued on 2021-11-30 expires on 2024-11-29. It applies the
// default rules; HTEParams.Expiry applies another version's.
func HTEExpiry(issued calendar.Date) calendar.Date { return DefaultHTE().Expiry(issued) }

// Expiry returns the last day of validity of a certificate issued on
// issued: the day before the same date ValidityYears later. For a
// certificate issued on 29 February the anniversary in a common year is
// 1 March, so it expires on 28 February.
func (p HTEParams) Expiry(issued calendar.Date) calendar.Date {
	t := time.Date(issued.Year+p.ValidityYears, issued.Month, issued.Day, 0, 0, 0, 0, time.UTC)
	return calendar.FromTime(t, time.UTC).AddDays(-1)
}

// RecertReminderFrom returns the day re-certification (重新认定) reminders
// start for a certificate that expires on expiry: the first day of the
// month leadMonths months before the month of expiry. With a lead of 10
// months (HTEParams.RecertLeadMonths), a certificate that expires on
// 2024-11-29 is reminded from 2024-01-01, so the enterprise applies again in
// the year it expires.
func RecertReminderFrom(expiry calendar.Date, leadMonths int) calendar.Date {
	t := time.Date(expiry.Year, expiry.Month-time.Month(leadMonths), 1, 0, 0, 0, 0, time.UTC)
	return calendar.FromTime(t, time.UTC)
}

// RevocationCandidate reports whether an HTE that did not file its annual
// development report (年度发展情况报表) in the years missed is a candidate for
// revocation of its status (取消资格), and the first missing year, from
// which the tax benefits would be recovered. 国科发火〔2016〕32号
// counts 累计两年 (two years in total, not necessarily consecutive) without
// filing; pass the years missed during the current certificate's validity.
// It applies the default rules; HTEParams.RevocationCandidate applies
// another version's.
func RevocationCandidate(missedAnnualReportYears []int) (bool, int) {
	return DefaultHTE().RevocationCandidate(missedAnnualReportYears)
}

// RevocationCandidate reports whether MissedReports years are missed (in a
// row, if MissedConsecutive), and the first year of the ones that count.
func (p HTEParams) RevocationCandidate(missed []int) (bool, int) {
	ys := slices.Compact(slices.Sorted(slices.Values(missed)))
	need := max(p.MissedReports, 1)
	if !p.MissedConsecutive {
		if len(ys) >= need {
			return true, ys[0]
		}
		return false, 0
	}
	for i := range ys {
		run := 1
		for run < need && i+run < len(ys) && ys[i+run] == ys[i+run-1]+1 {
			run++
		}
		if run >= need {
			return true, ys[i]
		}
	}
	return false, 0
}

// LateChangeReport reports whether a material change (更名、分立、合并、重组
// 或经营业务变化) that happened on changed and was reported on reported
// missed the three-month deadline (国科发火〔2016〕32号). For a change
// not yet reported, pass today's date: true means it is already late. It
// applies the default rules; HTEParams.LateChangeReport applies another
// version's.
func LateChangeReport(changed, reported calendar.Date) bool {
	return DefaultHTE().LateChangeReport(changed, reported)
}

// LateChangeReport reports whether reported is after the deadline: the same
// day ChangeReportMonths months after changed, or the last day of that
// month when it has no such day (as 《民法典》第二百零二条 counts periods in
// months).
func (p HTEParams) LateChangeReport(changed, reported calendar.Date) bool {
	return reported.After(addMonths(changed, p.ChangeReportMonths))
}

// addMonths returns the same day n months after d (before d if n is
// negative), or the last day of that month when it has no such day.
func addMonths(d calendar.Date, n int) calendar.Date {
	first := time.Date(d.Year, d.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return calendar.Date{Year: first.Year(), Month: first.Month(), Day: min(d.Day, last)}
}

// UsableClassI returns the number of Class I (Ⅰ类) items an HTE application
// made on applyOn can count: those granted on or before that day. Class I
// items may serve several applications.
func UsableClassI(items []IPItem, applyOn calendar.Date) int {
	n := 0
	for _, it := range items {
		if it.Class == 1 && granted(it, applyOn) {
			n++
		}
	}
	return n
}

// UsableClassII returns the number of Class II (Ⅱ类) items an HTE
// application made on applyOn can count: those granted on or before that
// day and not used in an earlier year's HTE application, since a Class II
// item serves one application only (国科发火〔2016〕195号). An item marked as
// used in the application's own year counts: that is this application.
func UsableClassII(items []IPItem, applyOn calendar.Date) int {
	n := 0
	for _, it := range items {
		if it.Class == 2 && granted(it, applyOn) && (it.UsedInHTE == 0 || it.UsedInHTE >= applyOn.Year) {
			n++
		}
	}
	return n
}

// granted reports whether the item was granted on or before the day.
func granted(it IPItem, on calendar.Date) bool {
	return it.GrantedOn.IsValid() && !it.GrantedOn.After(on)
}
