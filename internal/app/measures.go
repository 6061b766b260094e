package app

import (
	"strings"

	"kejiju/internal/report"
)

// Measures are the figures of the bureau's work that the dashboard and the
// half-year summary report. Each query lists the records it counts —
// id, label, link id, amount, date — between $1 and $2, with %s for the
// reader's scope; the figure is their count or the sum of their amounts, so
// a figure and its provenance are one query. They live here, in the layer
// that knows every area's tables; the report package only runs them.
func Measures() []report.Measure {
	loans := report.Measure{Name: "patents.loans", Unit: report.Items, Region: "l.region_code", Bounds: report.Dates, Href: "/patents/loans/%d",
		SQL: `SELECT l.id, l.pledgor || '（' || l.bank || '）', l.id, 0, l.start_date FROM pledge_loans l
			WHERE l.status IN ('registered', 'repaid', 'defaulted') AND l.start_date >= $1 AND l.start_date <= $2 AND %s ORDER BY l.start_date, l.id`}
	trainings := report.Measure{Name: "events.trainings", Unit: report.Times, Region: "v.region_code", Bounds: report.Dates, Href: "/events/%d",
		SQL: `SELECT v.id, v.title, v.id, 0, v.event_date FROM events v
			WHERE v.kind = 'training' AND v.event_date >= $1 AND v.event_date <= $2 AND %s ORDER BY v.event_date, v.id`}
	drills := report.Measure{Name: "quake.drills", Unit: report.Times, Region: "q.region_code", Bounds: report.Dates, Href: "/quake/drills/%d",
		SQL: `SELECT q.id, q.site, q.id, 0, q.drill_date FROM quake_drills q
			WHERE q.drill_date >= $1 AND q.drill_date <= $2 AND %s ORDER BY q.drill_date, q.id`}
	poverty := report.Measure{Name: "poverty.projects", Unit: report.Items, Region: "p.region_code", Bounds: report.Instants, Href: "/poverty/projects/%d",
		SQL: `SELECT p.id, p.title, p.id, 0, p.created_at FROM poverty_projects p
			WHERE p.created_at >= $1 AND p.created_at < $2 AND %s ORDER BY p.created_at, p.id`}
	return []report.Measure{
		{Name: "hte.applied", Unit: report.Enterprises, Region: "e.region_code", Bounds: report.Instants, Href: "/enterprises/%d",
			SQL: `SELECT a.id, e.name, e.id, 0, a.created_at FROM hte_applications a JOIN enterprises e ON e.id = a.enterprise_id
				WHERE a.status IN ('submitted', 'recognized', 'rejected') AND a.created_at >= $1 AND a.created_at < $2 AND %s ORDER BY a.created_at, a.id`},
		{Name: "hte.recert", Unit: report.Enterprises, Region: "e.region_code", Bounds: report.Instants, Href: "/enterprises/%d",
			SQL: `SELECT a.id, e.name, e.id, 0, a.created_at FROM hte_applications a JOIN enterprises e ON e.id = a.enterprise_id
				WHERE a.kind = 'recert' AND a.status IN ('submitted', 'recognized', 'rejected') AND a.created_at >= $1 AND a.created_at < $2 AND %s ORDER BY a.created_at, a.id`},
		{Name: "hte.recognized", Unit: report.Enterprises, Region: "e.region_code", Bounds: report.Dates, Href: "/enterprises/%d",
			SQL: `SELECT a.id, e.name, e.id, 0, a.decided_on FROM hte_applications a JOIN enterprises e ON e.id = a.enterprise_id
				WHERE a.status = 'recognized' AND a.decided_on >= $1 AND a.decided_on <= $2 AND %s ORDER BY a.decided_on, a.id`},
		{Name: "pool.entered", Unit: report.Enterprises, Region: "e.region_code", Bounds: report.Dates, Href: "/enterprises/%d",
			SQL: `SELECT p.id, e.name, e.id, 0, p.entered_on FROM cultivation_pool p JOIN enterprises e ON e.id = p.enterprise_id
				WHERE p.entered_on >= $1 AND p.entered_on <= $2 AND %s ORDER BY p.entered_on, p.id`},
		{Name: "visits", Unit: report.Times, Region: "v.region_code", Bounds: report.Dates, Href: "/visits/%d",
			SQL: `SELECT v.id, v.enterprise_name, v.id, 0, v.visit_date FROM visits v
				WHERE v.visit_date >= $1 AND v.visit_date <= $2 AND %s ORDER BY v.visit_date, v.id`},
		{Name: "needs.collected", Unit: report.Items, Region: "n.region_code", Bounds: report.Dates, Href: "/needs/%d",
			SQL: `SELECT n.id, n.enterprise_name || '：' || n.title, n.id, 0, n.collected_on FROM needs n
				WHERE n.collected_on >= $1 AND n.collected_on <= $2 AND %s ORDER BY n.collected_on, n.id`},
		{Name: "needs.forwarded", Unit: report.Items, Region: "n.region_code", Bounds: report.Dates, Href: "/needs/%d",
			SQL: `SELECT n.id, n.enterprise_name || '：' || n.title, n.id, 0, n.forwarded_on FROM needs n
				WHERE n.forwarded_on >= $1 AND n.forwarded_on <= $2 AND %s ORDER BY n.forwarded_on, n.id`},
		{Name: "projects.signed", Unit: report.Items, Region: "a.region_code", Bounds: report.Dates, Href: "/applications/%d",
			SQL: `SELECT a.id, a.enterprise_name, a.id, a.budget, a.signed_on FROM program_applications a
				WHERE a.signed_on >= $1 AND a.signed_on <= $2 AND %s ORDER BY a.signed_on, a.id`},
		{Name: "projects.paid", Unit: report.Yuan, Region: "a.region_code", Bounds: report.Dates, Href: "/applications/%d",
			SQL: `SELECT a.id * 100 + i.seq, a.enterprise_name, a.id, i.amount, i.paid_on FROM program_installments i
				JOIN program_applications a ON a.id = i.application_id
				WHERE i.status = 'paid' AND i.paid_on >= $1 AND i.paid_on <= $2 AND %s ORDER BY i.paid_on, a.id, i.seq`},
		{Name: "awards.awarded", Unit: report.Items, Region: "n.region_code", Bounds: report.Instants, Href: "/awards/nominations/%d",
			SQL: `SELECT n.id, n.enterprise_name || '：' || n.title, n.id, 0, n.updated_at FROM award_nominations n
				WHERE n.state = 'awarded' AND n.updated_at >= $1 AND n.updated_at < $2 AND %s ORDER BY n.updated_at, n.id`},
		{Name: "vouchers.issued", Unit: report.Yuan, Region: "v.region_code", Bounds: report.Instants, Href: "/vouchers/%d",
			SQL: `SELECT v.id, v.enterprise_name, v.id, v.face, v.issued_at FROM vouchers v
				WHERE v.issued_at >= $1 AND v.issued_at < $2 AND %s ORDER BY v.issued_at, v.id`},
		{Name: "vouchers.redeemed", Unit: report.Yuan, Region: "v.region_code", Bounds: report.Instants, Href: "/vouchers/%d",
			SQL: `SELECT c.id, v.enterprise_name, v.id, c.payable, c.updated_at FROM voucher_claims c JOIN vouchers v ON v.id = c.voucher_id
				WHERE c.status = 'paid' AND c.updated_at >= $1 AND c.updated_at < $2 AND %s ORDER BY c.updated_at, c.id`},
		{Name: "subsidies.granted", Unit: report.Yuan, Region: "c.region_code", Bounds: report.Instants, Href: "/subsidies/%d",
			SQL: `SELECT c.id, c.enterprise_name, c.id, c.amount, c.decided_at FROM subsidy_claims c
				WHERE c.state IN ('approved', 'paid') AND c.decided_at >= $1 AND c.decided_at < $2 AND %s ORDER BY c.decided_at, c.id`},
		{Name: "patents.invention_applied", Unit: report.Items, Region: "p.region_code", Bounds: report.Dates, Href: "/patents/%d",
			SQL: `SELECT p.id, p.app_no || ' ' || p.title, p.id, 0, p.application_date FROM patents p
				WHERE p.type = 'invention' AND p.application_date >= $1 AND p.application_date <= $2 AND %s ORDER BY p.application_date, p.id`,
			Rollup: patentRollup("applied")},
		{Name: "patents.invention_granted", Unit: report.Items, Region: "p.region_code", Bounds: report.Dates, Href: "/patents/%d",
			SQL: `SELECT p.id, p.app_no || ' ' || p.title, p.id, 0, p.grant_date FROM patents p
				WHERE p.type = 'invention' AND p.grant_date >= $1 AND p.grant_date <= $2 AND %s ORDER BY p.grant_date, p.id`,
			Rollup: patentRollup("granted")},
		loans,
		summing(loans, "patents.loan_amount", report.Yuan, "l.amount"),
		trainings,
		summing(trainings, "events.trained", report.People, "v.attended"),
		drills,
		summing(drills, "quake.drilled", report.People, "q.participants"),
		{Name: "quake.materials", Unit: report.Copies, Region: "q.region_code", Bounds: report.Dates, Href: "/quake/publicity?id=%d",
			SQL: `SELECT q.id, q.recipient || '：' || q.materials, q.id, q.quantity, q.distributed_on FROM quake_publicity q
				WHERE q.distributed_on >= $1 AND q.distributed_on <= $2 AND %s ORDER BY q.distributed_on, q.id`},
		poverty,
		summing(poverty, "poverty.funds", report.Yuan, "p.funds"),
		summing(poverty, "poverty.people", report.People, "p.people"),
	}
}

// patentRollup counts invention patents by the month of their application
// or grant date (measure "applied" or "granted") from the patent rollups,
// which the patent package keeps exact: the rows of all enterprises (-1).
func patentRollup(measure string) *report.Rollup {
	return &report.Rollup{Region: "c.region_code",
		SQL: `SELECT c.region_code, c.n FROM patent_counts c
			WHERE c.measure = '` + measure + `' AND c.enterprise_id = -1 AND c.month >= $1 AND c.month <= $2 AND c.type = 'invention' AND %s`}
}

// summing is m summing the records' value column instead of counting them:
// the same records, so a count and its sum always agree.
func summing(m report.Measure, name string, unit report.Unit, value string) report.Measure {
	m.Of, m.Sums = m.Name, value
	m.Name, m.Unit, m.SQL = name, unit, strings.Replace(m.SQL, ", 0, ", ", "+value+", ", 1)
	return m
}
