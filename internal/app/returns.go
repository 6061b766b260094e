package app

import "kejiju/internal/report"

// StatisticalReturns are the periodic tables a district sends the city
// (统计报表), built from the measures, so a return's cell and the dashboard's
// figure count the same records. Rows are the reporting region's children
// — a district's townships, a city's districts — and their total; titles
// are report.return.<code> in the catalogs. Users choose a return and a
// period: there is no query of theirs anywhere.
func StatisticalReturns() []report.Return {
	return []report.Return{
		{Code: "KJ01", Frequency: report.Monthly, Columns: []string{"hte.applied", "hte.recognized", "pool.entered", "visits",
			"needs.collected", "needs.forwarded", "patents.invention_applied", "patents.invention_granted"}},
		{Code: "KJ02", Frequency: report.Quarterly, Columns: []string{"projects.signed", "projects.paid", "vouchers.issued", "vouchers.redeemed",
			"subsidies.granted", "patents.loans", "patents.loan_amount"}},
		{Code: "KJ03", Frequency: report.HalfYearly, Columns: []string{"events.trainings", "events.trained", "quake.drills", "quake.drilled",
			"quake.materials", "poverty.projects", "poverty.funds", "poverty.people"}},
		{Code: "KJ04", Frequency: report.Yearly, Columns: []string{"hte.applied", "hte.recognized", "visits", "needs.collected",
			"projects.signed", "projects.paid", "patents.invention_applied", "patents.invention_granted", "events.trainings", "quake.drills",
			"poverty.projects"}},
	}
}
