package patent

import (
	"embed"
	"io/fs"

	"kejiju/internal/auth"
	"kejiju/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Templates returns the area's page templates.
func Templates() web.Templates {
	sub, _ := fs.Sub(templateFS, "templates")
	return web.Templates{Prefix: "patent", FS: sub}
}

// Routes lists the pages and API of patents. Reading takes
// PermEnterpriseView (an enterprise user reads its own patents and loans;
// staff, finance, assistants and the city viewer those of their regions);
// keeping the registry takes PermPatentManage — and the service checks each
// again.
func (h *Handlers) Routes(rs *web.Routes) {
	rs.Page("GET /patents", auth.PermEnterpriseView, h.list)
	rs.Page("GET /patents/new", auth.PermPatentManage, h.newForm)
	rs.Page("POST /patents", auth.PermPatentManage, h.create)
	rs.Page("GET /patents/import", auth.PermPatentManage, h.importForm)
	rs.Page("POST /patents/import", auth.PermPatentManage, h.importFile)
	rs.Page("GET /patents/template.xlsx", auth.PermEnterpriseView, h.template)
	rs.Page("GET /patents/stats", auth.PermEnterpriseView, h.stats)
	rs.Page("GET /patents/stats.xlsx", auth.PermEnterpriseView, h.statsExport)
	rs.Page("POST /patents/populations", auth.PermPatentManage, h.setPopulation)
	rs.Page("GET /patents/agencies", auth.PermEnterpriseView, h.agencies)
	rs.Page("POST /patents/agencies", auth.PermPatentManage, h.createAgency)
	rs.Page("GET /patents/loans", auth.PermEnterpriseView, h.loans)
	rs.Page("GET /patents/loans/new", auth.PermPatentManage, h.newLoan)
	rs.Page("POST /patents/loans", auth.PermPatentManage, h.createLoan)
	rs.Page("GET /patents/loans/{id}", auth.PermEnterpriseView, h.showLoan)
	rs.Page("POST /patents/loans/{id}/status", auth.PermPatentManage, h.moveLoan)
	rs.Page("GET /patents/{id}", auth.PermEnterpriseView, h.show)
	rs.Page("POST /patents/{id}/status", auth.PermPatentManage, h.setStatus)
	rs.Page("POST /patents/{id}/link", auth.PermPatentManage, h.link)

	rs.API("GET /api/v1/patents", auth.PermEnterpriseView, "List the patents the caller may see, an enterprise its own (?q=&type=&status=&region=&year=&limit=&offset=&sort=)", h.apiList)
	rs.API("POST /api/v1/patents", auth.PermPatentManage, "Register a patent: {app_no, title, applicants, enterprise_id, region_code, inventors, application_date, grant_date, status, ipc_main, agency_id, reason}", h.apiCreate)
	rs.API("GET /api/v1/patents/{id}", auth.PermEnterpriseView, "One patent with its legal-status history", h.apiGet)
	rs.API("POST /api/v1/patents/{id}/status", auth.PermPatentManage, "Change a patent's legal status: {version, status, effective, grant_date, reason}", h.apiStatus)
	rs.API("POST /api/v1/patents/import", auth.PermPatentManage, "Import a patent list, xlsx or CSV as the multipart field file (?dry_run=1 to preview, &source= for a saved column mapping); all or nothing", h.apiImport)
	rs.API("GET /api/v1/patents/stats", auth.PermEnterpriseView, "Applications and grants of a period by type, township and enterprise, beside the same period last year (?year=&kind=month|quarter|half|year|ytd&n=&region=)", h.apiStats)
	rs.API("GET /api/v1/patent-agencies", auth.PermEnterpriseView, "The patent agencies with the patents they handled in the caller's scope", h.apiAgencies)
	rs.API("GET /api/v1/patent-loans", auth.PermEnterpriseView, "List the patent pledge loans the caller may see (?status=&limit=)", h.apiLoans)
	rs.API("POST /api/v1/patent-loans", auth.PermPatentManage, "Record a pledge loan: {enterprise_id, bank, amount (元), term_months, start_date, assessed_value, assessor, registration_no, app_nos: [..]}", h.apiCreateLoan)
	rs.API("POST /api/v1/patent-loans/{id}/status", auth.PermPatentManage, "Move a pledge loan: {status: registered|repaid|defaulted, registration_no, reason}", h.apiMoveLoan)
}

// Nav lists the area's entries of the main navigation.
func Nav() []web.NavItem {
	return []web.NavItem{
		{Group: "nav.group.patent", Key: "nav.patents", Href: "/patents", Perm: auth.PermEnterpriseView},
		{Group: "nav.group.patent", Key: "nav.patent_stats", Href: "/patents/stats", Perm: auth.PermEnterpriseView},
		{Group: "nav.group.patent", Key: "nav.patent_loans", Href: "/patents/loans", Perm: auth.PermEnterpriseView},
		{Group: "nav.group.patent", Key: "nav.patent_agencies", Href: "/patents/agencies", Perm: auth.PermEnterpriseView},
		{Group: "nav.group.patent", Key: "nav.patent_import", Href: "/patents/import", Perm: auth.PermPatentManage},
	}
}
