package app

import "kejiju/internal/report"

// StatisticalReturns are the periodic tables a district sends the city
// (统计报表), built from the measures, so a return's cell and the dashboard's
// figure count the same records. Rows are the reporting region's children
// — a district's townships, a city's districts — and their total; titles
// are report.return.<code> in the catalogs. Users choose a return and a
// period: there is no query of theirs anywhere. The periodic returns show
// 本年累计 beside every figure, and 上年同期 with 同比 beside the headline
// ones; the year's return shows 上年 and 同比 beside every figure.
func StatisticalReturns() []report.Return {
	return []report.Return{
		{Code: "KJ01", Frequency: report.Monthly, Columns: []string{"hte.applied", "hte.recognized", "pool.entered", "visits",
			"needs.collected", "needs.forwarded", "patents.invention_applied", "patents.invention_granted"},
			ToDate: []string{"hte.applied", "hte.recognized", "pool.entered", "visits", "needs.collected", "needs.forwarded",
				"patents.invention_applied", "patents.invention_granted"},
			LastYear: []string{"hte.applied", "visits", "needs.collected", "patents.invention_applied"}},
		{Code: "KJ02", Frequency: report.Quarterly, Columns: []string{"projects.signed", "projects.paid", "vouchers.issued", "vouchers.redeemed",
			"subsidies.granted", "patents.loans", "patents.loan_amount"},
			ToDate: []string{"projects.signed", "projects.paid", "vouchers.issued", "vouchers.redeemed", "subsidies.granted",
				"patents.loans", "patents.loan_amount"},
			LastYear: []string{"projects.signed", "projects.paid", "subsidies.granted", "patents.loan_amount"}},
		{Code: "KJ03", Frequency: report.HalfYearly, Columns: []string{"events.trainings", "events.trained", "quake.drills", "quake.drilled",
			"quake.materials", "poverty.projects", "poverty.funds", "poverty.people"},
			ToDate:   []string{"events.trainings", "events.trained", "quake.drills", "quake.drilled", "poverty.projects", "poverty.funds", "poverty.people"},
			LastYear: []string{"events.trained", "quake.drilled", "poverty.funds"}},
		{Code: "KJ04", Frequency: report.Yearly, Columns: []string{"hte.applied", "hte.recognized", "visits", "needs.collected",
			"projects.signed", "projects.paid", "patents.invention_applied", "patents.invention_granted", "events.trainings", "quake.drills",
			"poverty.projects"},
			LastYear: []string{"hte.applied", "hte.recognized", "visits", "needs.collected", "projects.signed", "projects.paid",
				"patents.invention_applied", "patents.invention_granted", "events.trainings", "quake.drills", "poverty.projects"}},
	}
}
