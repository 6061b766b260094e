package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/web"
)

// routePolicy is the authorization policy written down a second time, route
// by route, apart from the routes files: the matrix test fails when a route
// is added, removed or changes its permission without this table following.
var routePolicy = map[string]string{
	"GET /targets":                                    "task.view",
	"POST /targets":                                   "task.manage",
	"POST /targets/{id}/value":                        "task.manage",
	"GET /tasks":                                      "task.view",
	"POST /tasks":                                     "task.manage",
	"GET /tasks/overdue":                              "task.view",
	"GET /tasks/print":                                "task.view",
	"GET /tasks/export.xlsx":                          "task.view",
	"GET /tasks/{id}":                                 "task.view",
	"POST /tasks/{id}":                                "task.manage",
	"POST /tasks/{id}/reports":                        "task.manage",
	"GET /api/v1/targets":                             "task.view",
	"GET /api/v1/tasks":                               "task.view",
	"POST /api/v1/tasks":                              "task.manage",
	"POST /api/v1/tasks/{id}/reports":                 "task.manage",
	"GET /incubators":                                 "enterprise.view",
	"GET /incubators/new":                             "incubator.manage",
	"POST /incubators":                                "incubator.manage",
	"GET /incubators/{id}/edit":                       "incubator.manage",
	"POST /incubators/{id}":                           "incubator.manage",
	"GET /incubators/{id}":                            "enterprise.view",
	"POST /incubators/{id}/tenants":                   "incubator.manage",
	"POST /incubators/tenants/{id}/exit":              "incubator.manage",
	"POST /incubators/{id}/years":                     "incubator.manage",
	"POST /incubators/{id}/assess":                    "incubator.manage",
	"POST /incubators/{id}/prospects":                 "incubator.manage",
	"GET /api/v1/incubators":                          "enterprise.view",
	"GET /api/v1/incubators/{id}":                     "enterprise.view",
	"GET /api/v1/voucher-batches":                     "enterprise.view",
	"GET /api/v1/vouchers":                            "enterprise.view",
	"POST /api/v1/voucher-batches/{id}/apply":         "program.apply",
	"POST /api/v1/vouchers/{id}/claims":               "program.apply",
	"GET /subsidies":                                  "enterprise.view",
	"GET /subsidies/new":                              "subsidy.claim",
	"POST /subsidies":                                 "subsidy.claim",
	"GET /subsidies/{id}":                             "enterprise.view",
	"POST /subsidies/{id}/approve":                    "program.manage",
	"POST /subsidies/{id}/reject":                     "program.manage",
	"POST /subsidies/{id}/pay":                        "finance.pay",
	"GET /subsidies/policies":                         "enterprise.view",
	"POST /subsidies/policies":                        "program.manage",
	"GET /subsidies/budgets":                          "enterprise.view",
	"POST /subsidies/budgets":                         "finance.pay",
	"GET /subsidies/report":                           "enterprise.view",
	"GET /subsidies/report.xlsx":                      "enterprise.view",
	"GET /api/v1/subsidies":                           "enterprise.view",
	"POST /api/v1/subsidies":                          "subsidy.claim",
	"POST /api/v1/subsidies/{id}/approve":             "program.manage",
	"POST /api/v1/subsidies/{id}/reject":              "program.manage",
	"POST /api/v1/subsidies/{id}/pay":                 "finance.pay",
	"GET /api/v1/subsidy-policies":                    "enterprise.view",
	"GET /dashboard":                                  "dashboard.view",
	"GET /dashboard/figures/{name}":                   "dashboard.view",
	"GET /reports/summary":                            "dashboard.view",
	"GET /reports/summary.docx":                       "dashboard.view",
	"GET /reports/summary.pdf":                        "dashboard.view",
	"POST /reports/summary/texts":                     "report.edit",
	"POST /reports/summary/lock":                      "report.edit",
	"POST /reports/summary/unlock":                    "report.edit",
	"GET /api/v1/figures":                             "dashboard.view",
	"GET /api/v1/figures/{name}":                      "dashboard.view",
	"GET /finance":                                    "finance.view",
	"GET /finance/budgets.xlsx":                       "finance.view",
	"GET /api/v1/finance/budgets":                     "finance.view",
	"GET /api/v1/finance/reconciliation":              "finance.view",
	"POST /api/v1/voucher-claims/{id}/approve":        "program.manage",
	"POST /api/v1/voucher-claims/{id}/pay":            "finance.pay",
	"GET /vouchers/batches":                           "enterprise.view",
	"GET /vouchers/batches/new":                       "program.manage",
	"POST /vouchers/batches":                          "program.manage",
	"GET /vouchers/batches/{id}":                      "enterprise.view",
	"POST /vouchers/batches/{id}/apply":               "program.apply",
	"GET /vouchers":                                   "enterprise.view",
	"GET /vouchers/{id}":                              "enterprise.view",
	"POST /vouchers/{id}/issue":                       "program.manage",
	"POST /vouchers/{id}/claims":                      "program.apply",
	"GET /vouchers/claims":                            "enterprise.view",
	"POST /vouchers/claims/{id}/approve":              "program.manage",
	"POST /vouchers/claims/{id}/pay":                  "finance.pay",
	"GET /api/v1/award-rounds":                        "enterprise.view",
	"GET /awards/nominations":                         "enterprise.view",
	"GET /awards/nominations/new":                     "award.nominate",
	"GET /awards/nominations/{id}":                    "enterprise.view",
	"GET /awards/rounds":                              "enterprise.view",
	"GET /awards/rounds/new":                          "award.manage",
	"GET /awards/rounds/{id}":                         "enterprise.view",
	"GET /awards/rounds/{id}/results":                 "award.manage",
	"GET /awards/rounds/{id}/session":                 "award.manage",
	"POST /api/v1/nominations":                        "award.nominate",
	"POST /api/v1/nominations/{id}/actions/{action}":  "business.write",
	"POST /awards/nominations":                        "award.nominate",
	"POST /awards/nominations/{id}":                   "award.nominate",
	"POST /awards/nominations/{id}/actions/{action}":  "business.write",
	"POST /awards/nominations/{id}/votes":             "award.manage",
	"POST /awards/rounds":                             "award.manage",
	"POST /awards/rounds/{id}/propose":                "award.manage",
	"POST /awards/rounds/{id}/session":                "award.manage",
	"POST /applications/{id}/attachments":             "program.apply",
	"GET /attachments/{id}":                           "loggedin",
	"POST /attachments/{id}/delete":                   "program.apply",
	"GET /api/v1/applications/{id}":                   "enterprise.view",
	"GET /api/v1/calls":                               "enterprise.view",
	"GET /api/v1/calls/{id}/applications":             "enterprise.view",
	"GET /applications":                               "enterprise.view",
	"GET /applications/{id}":                          "enterprise.view",
	"GET /calls":                                      "enterprise.view",
	"GET /calls/new":                                  "program.manage",
	"GET /calls/{id}":                                 "enterprise.view",
	"GET /calls/{id}/edit":                            "program.manage",
	"POST /api/v1/applications":                       "program.apply",
	"POST /api/v1/applications/{id}/actions/{action}": "business.write",
	"POST /api/v1/applications/{id}/contract":         "program.manage",
	"POST /api/v1/applications/{id}/submit":           "program.apply",
	"POST /api/v1/calls":                              "program.manage",
	"POST /applications/{id}":                         "program.apply",
	"POST /applications/{id}/actions/{action}":        "business.write",
	"POST /applications/{id}/contract":                "program.manage",
	"POST /calls":                                     "program.manage",
	"POST /calls/{id}":                                "program.manage",
	"POST /calls/{id}/apply":                          "program.apply",
	"POST /calls/{id}/approve":                        "program.approve",
	"POST /calls/{id}/fund":                           "finance.pay",
	"POST /api/v1/calls/{id}/fund":                    "finance.pay",
	"POST /calls/{id}/propose":                        "program.manage",
	"POST /calls/{id}/rank":                           "program.manage",
	"POST /calls/{id}/status":                         "program.manage",
	"PUT /api/v1/applications/{id}":                   "program.apply",
	"POST /applications/{id}/panel":                   "program.manage",
	"GET /experts":                                    "review.manage",
	"GET /experts/new":                                "review.manage",
	"POST /experts":                                   "review.manage",
	"GET /experts/{id}":                               "review.manage",
	"POST /experts/{id}":                              "review.manage",
	"POST /experts/{id}/relations":                    "review.manage",
	"POST /experts/{id}/relations/{rel}/delete":       "review.manage",
	"POST /experts/{id}/dismissals":                   "review.manage",
	"GET /panels/{id}":                                "review.manage",
	"POST /panels/{id}/rubric":                        "review.manage",
	"POST /panels/{id}/close":                         "review.manage",
	"GET /my/reviews":                                 "review.score",
	"GET /my/reviews/{id}":                            "review.score",
	"POST /my/reviews/{id}/declaration":               "review.score",
	"POST /my/reviews/{id}/scores":                    "review.score",
	"POST /my/reviews/{id}/decline":                   "review.score",
	"GET /api/v1/my/reviews":                          "review.score",
	"POST /api/v1/panels/{id}/scores":                 "review.score",
	"GET /enterprises":                                "enterprise.view",
	"GET /enterprises/new":                            "enterprise.manage",
	"POST /enterprises":                               "enterprise.manage",
	"GET /enterprises/import":                         "enterprise.manage",
	"POST /enterprises/import":                        "enterprise.manage",
	"GET /enterprises/template.xlsx":                  "enterprise.view",
	"GET /enterprises/export.xlsx":                    "enterprise.view",
	"GET /register":                                   "public",
	"POST /register":                                  "public",
	"GET /registrations":                              "enterprise.manage",
	"POST /registrations/{id}/approve":                "enterprise.manage",
	"POST /registrations/{id}/reject":                 "enterprise.manage",
	"GET /enterprises/{id}":                           "enterprise.view",
	"GET /enterprises/{id}/edit":                      "business.write",
	"POST /enterprises/{id}":                          "business.write",
	"GET /enterprises/{id}/years":                     "enterprise.view",
	"GET /enterprises/{id}/years/{year}":              "enterprise.view",
	"POST /enterprises/{id}/years/{year}":             "business.write",
	"POST /enterprises/{id}/statuses":                 "enterprise.manage",
	"POST /enterprises/{id}/merge":                    "enterprise.manage",
	"POST /enterprises/{id}/blacklist":                "enterprise.manage",
	"GET /api/v1/enterprises":                         "enterprise.view",
	"POST /api/v1/enterprises":                        "enterprise.manage",
	"GET /api/v1/enterprises/{id}":                    "enterprise.view",
	"PUT /api/v1/enterprises/{id}":                    "business.write",
	"PUT /api/v1/enterprises/{id}/years/{year}":       "business.write",
	"POST /api/v1/enterprises/import":                 "enterprise.manage",
	"GET /enterprises/{id}/precheck":                  "enterprise.view",
	"POST /enterprises/{id}/precheck":                 "enterprise.manage",
	"GET /hightech":                                   "enterprise.view",
	"GET /hightech/stage":                             "enterprise.view",
	"GET /hightech/reminders":                         "enterprise.view",
	"GET /hightech/applications":                      "enterprise.view",
	"GET /hightech/enterprises/{id}":                  "enterprise.view",
	"POST /hightech/enterprises/{id}/pool":            "enterprise.manage",
	"POST /hightech/enterprises/{id}/pool/exit":       "enterprise.manage",
	"POST /hightech/enterprises/{id}/applications":    "enterprise.manage",
	"POST /hightech/enterprises/{id}/awards":          "enterprise.manage",
	"POST /hightech/applications/{id}/decide":         "enterprise.manage",
	"GET /api/v1/enterprises/{id}/precheck":           "enterprise.view",
	"GET /api/v1/hightech/board":                      "enterprise.view",
	"GET /api/v1/hightech/reminders":                  "enterprise.view",
	"GET /visits":                                     "enterprise.view",
	"GET /visits/new":                                 "enterprise.manage",
	"POST /visits":                                    "enterprise.manage",
	"GET /visits/{id}":                                "enterprise.view",
	"GET /visits/{id}/edit":                           "enterprise.manage",
	"POST /visits/{id}":                               "enterprise.manage",
	"GET /needs":                                      "enterprise.view",
	"GET /needs/new":                                  "need.submit",
	"POST /needs":                                     "need.submit",
	"GET /needs/{id}":                                 "enterprise.view",
	"GET /needs/{id}/edit":                            "need.submit",
	"POST /needs/{id}":                                "need.submit",
	"POST /needs/{id}/transition":                     "need.submit",
	"GET /needs/batches":                              "enterprise.view",
	"GET /needs/batches/new":                          "enterprise.manage",
	"POST /needs/batches":                             "enterprise.manage",
	"GET /needs/batches/{id}/sheet.xlsx":              "enterprise.view",
	"GET /matches":                                    "enterprise.view",
	"GET /matches/new":                                "enterprise.manage",
	"POST /matches":                                   "enterprise.manage",
	"GET /matches/{id}":                               "enterprise.view",
	"GET /matches/{id}/edit":                          "enterprise.manage",
	"POST /matches/{id}":                              "enterprise.manage",
	"GET /api/v1/visits":                              "enterprise.view",
	"POST /api/v1/visits":                             "enterprise.manage",
	"GET /api/v1/visits/{id}":                         "enterprise.view",
	"PUT /api/v1/visits/{id}":                         "enterprise.manage",
	"GET /api/v1/needs":                               "enterprise.view",
	"POST /api/v1/needs":                              "need.submit",
	"GET /api/v1/needs/{id}":                          "enterprise.view",
	"PUT /api/v1/needs/{id}":                          "need.submit",
	"POST /api/v1/needs/{id}/transition":              "need.submit",
	"GET /api/v1/needs/batches":                       "enterprise.view",
	"POST /api/v1/needs/batches":                      "enterprise.manage",
	"GET /api/v1/needs/batches/{id}/sheet.xlsx":       "enterprise.view",
	"GET /api/v1/matches":                             "enterprise.view",
	"POST /api/v1/matches":                            "enterprise.manage",
	"GET /admin/users":                                "user.view",
	"GET /admin/users/new":                            "user.view",
	"POST /admin/users":                               "user.view",
	"GET /admin/users/{id}":                           "user.view",
	"POST /admin/users/{id}":                          "user.view",
	"POST /admin/users/{id}/disable":                  "user.manage",
	"POST /admin/users/{id}/enable":                   "user.manage",
	"POST /admin/users/{id}/reset":                    "user.view",
	"POST /admin/users/{id}/unlock":                   "user.unlock",
	"GET /regions":                                    "region.view",
	"POST /regions":                                   "region.manage",
	"GET /admin/audit":                                "audit.view",
	"GET /admin/audit/verify":                         "audit.view",
	"GET /admin/scope":                                "security.scope_explain",
	"GET /admin/policy":                               "security.policy",
	"POST /admin/policy":                              "security.policy",
	"GET /calendar":                                   "region.view",
	"POST /calendar":                                  "calendar.manage",
	"POST /calendar/{day}/delete":                     "calendar.manage",
	"GET /admin/ident-overrides":                      "ident.override",
	"POST /admin/ident-overrides":                     "ident.override",
	"GET /api/v1/users":                               "user.view",
	"POST /api/v1/users":                              "user.view",
	"GET /api/v1/regions":                             "region.view",
	"GET /api/v1/workdays":                            "region.view",
	"GET /api/v1/audit":                               "audit.view",
	"POST /api/v1/ident-overrides":                    "ident.override",
	"GET /{$}":                                        "loggedin",
	"GET /login":                                      "public",
	"POST /login":                                     "public",
	"GET /login/totp":                                 "loggedin",
	"POST /login/totp":                                "loggedin",
	"POST /logout":                                    "loggedin",
	"POST /lang":                                      "public",
	"GET /account":                                    "loggedin",
	"GET /account/password":                           "loggedin",
	"POST /account/password":                          "loggedin",
	"POST /account/totp":                              "loggedin",
	"POST /account/totp/disable":                      "loggedin",
	"POST /account/tokens":                            "loggedin",
	"POST /account/tokens/{id}/revoke":                "loggedin",
	"GET /api/v1/me":                                  "loggedin",

	// Statistical returns and the figures by region (report).
	"GET /reports/returns":                                "dashboard.view",
	"GET /reports/returns/{code}/{region}":                "dashboard.view",
	"GET /reports/returns/{code}/{region}/xlsx":           "dashboard.view",
	"GET /reports/returns/{code}/{region}/records/{name}": "dashboard.view",
	"POST /reports/returns/{code}/{region}/lock":          "report.return_lock",
	"POST /reports/returns/{code}/{region}/unlock":        "report.return_lock",
	"GET /dashboard/regions":                              "dashboard.view",
	"GET /dashboard/regions/{region}/figures/{name}":      "dashboard.view",
	"GET /api/v1/returns":                                 "dashboard.view",
	"GET /api/v1/returns/{code}/{region}":                 "dashboard.view",

	// S&T poverty alleviation (poverty).
	"GET /poverty/households":                              "poverty.view",
	"GET /poverty/households/new":                          "poverty.manage",
	"GET /poverty/households/export.xlsx":                  "poverty.view",
	"POST /poverty/households":                             "poverty.manage",
	"POST /poverty/lookup":                                 "poverty.view",
	"GET /poverty/households/{id}":                         "poverty.view",
	"POST /poverty/households/{id}/reveal":                 "poverty.reveal",
	"POST /poverty/households/{id}/members":                "poverty.manage",
	"POST /poverty/households/{id}/incomes":                "poverty.manage",
	"POST /poverty/households/{id}/measures":               "poverty.manage",
	"POST /poverty/households/{id}/measures/{mid}/done":    "poverty.manage",
	"POST /poverty/households/{id}/visits":                 "poverty.manage",
	"POST /poverty/households/{id}/changes":                "poverty.manage",
	"GET /poverty/changes":                                 "poverty.view",
	"GET /poverty/changes/{id}":                            "poverty.view",
	"POST /poverty/changes/{id}/actions/{action}":          "poverty.manage",
	"GET /poverty/projects":                                "poverty.view",
	"GET /poverty/projects/new":                            "poverty.manage",
	"POST /poverty/projects":                               "poverty.manage",
	"GET /poverty/projects/{id}":                           "poverty.view",
	"POST /poverty/projects/{id}/progress":                 "poverty.manage",
	"GET /api/v1/poverty/households":                       "poverty.view",
	"POST /api/v1/poverty/households":                      "poverty.manage",
	"GET /api/v1/poverty/households/{id}":                  "poverty.view",
	"POST /api/v1/poverty/households/{id}/members":         "poverty.manage",
	"POST /api/v1/poverty/households/{id}/reveal":          "poverty.reveal",
	"POST /api/v1/poverty/lookup":                          "poverty.view",
	"POST /api/v1/poverty/households/{id}/changes":         "poverty.manage",
	"POST /api/v1/poverty/changes/{id}/actions/{action}":   "poverty.manage",
	"GET /poverty/commissioners":                           "poverty.view",
	"POST /poverty/commissioners":                          "poverty.manage",
	"GET /poverty/commissioners/{id}":                      "poverty.view",
	"POST /poverty/commissioners/{id}/terms":               "poverty.manage",
	"POST /poverty/commissioners/{id}/terms/{year}/rating": "poverty.manage",
	"POST /poverty/commissioners/{id}/assignments":         "poverty.manage",
	"POST /poverty/commissioners/{id}/services":            "poverty.manage",
	"GET /api/v1/poverty/commissioners":                    "poverty.view",
	"POST /api/v1/poverty/commissioners":                   "poverty.manage",
	"GET /api/v1/poverty/commissioners/{id}/summary":       "poverty.view",
	"POST /api/v1/poverty/commissioners/{id}/services":     "poverty.manage",
	"GET /api/v1/poverty/projects":                         "poverty.view",
	"POST /api/v1/poverty/projects":                        "poverty.manage",

	// Patents (patent).
	"GET /patents":                          "enterprise.view",
	"GET /patents/new":                      "patent.manage",
	"POST /patents":                         "patent.manage",
	"GET /patents/import":                   "patent.manage",
	"POST /patents/import":                  "patent.manage",
	"GET /patents/template.xlsx":            "enterprise.view",
	"GET /patents/stats":                    "enterprise.view",
	"GET /patents/stats.xlsx":               "enterprise.view",
	"POST /patents/populations":             "patent.manage",
	"GET /patents/agencies":                 "enterprise.view",
	"POST /patents/agencies":                "patent.manage",
	"GET /patents/loans":                    "enterprise.view",
	"GET /patents/loans/new":                "patent.manage",
	"POST /patents/loans":                   "patent.manage",
	"GET /patents/loans/{id}":               "enterprise.view",
	"POST /patents/loans/{id}/status":       "patent.manage",
	"GET /patents/{id}":                     "enterprise.view",
	"POST /patents/{id}/status":             "patent.manage",
	"POST /patents/{id}/link":               "patent.manage",
	"GET /api/v1/patents":                   "enterprise.view",
	"POST /api/v1/patents":                  "patent.manage",
	"GET /api/v1/patents/{id}":              "enterprise.view",
	"POST /api/v1/patents/{id}/status":      "patent.manage",
	"POST /api/v1/patents/import":           "patent.manage",
	"GET /api/v1/patents/stats":             "enterprise.view",
	"GET /api/v1/patent-agencies":           "enterprise.view",
	"GET /api/v1/patent-loans":              "enterprise.view",
	"POST /api/v1/patent-loans":             "patent.manage",
	"POST /api/v1/patent-loans/{id}/status": "patent.manage",

	// Supervision of major projects (program).
	"GET /supervision":                                       "program.manage",
	"POST /applications/{id}/milestones/{index}":             "business.write",
	"POST /applications/{id}/inspections":                    "program.manage",
	"POST /applications/{id}/inspections/{inspection}/close": "program.manage",

	// Events and trainings; earthquake prevention (field work).
	"GET /events":                                "field.view",
	"GET /events/new":                            "field.manage",
	"POST /events":                               "field.manage",
	"GET /events/summary":                        "field.view",
	"GET /events/summary.xlsx":                   "field.view",
	"GET /events/{id}":                           "field.view",
	"GET /events/{id}/edit":                      "field.manage",
	"POST /events/{id}":                          "field.manage",
	"GET /api/v1/events":                         "field.view",
	"POST /api/v1/events":                        "field.manage",
	"GET /api/v1/events/summary":                 "field.view",
	"GET /api/v1/events/{id}":                    "field.view",
	"PUT /api/v1/events/{id}":                    "field.manage",
	"GET /quake/assistants":                      "field.view",
	"GET /quake/assistants/new":                  "field.manage",
	"POST /quake/assistants":                     "field.manage",
	"GET /quake/assistants/{id}":                 "field.view",
	"POST /quake/assistants/{id}/replace":        "field.manage",
	"POST /quake/assistants/{id}/end":            "field.manage",
	"GET /quake/drills":                          "field.view",
	"GET /quake/drills/new":                      "field.manage",
	"POST /quake/drills":                         "field.manage",
	"GET /quake/drills/{id}":                     "field.view",
	"GET /quake/drills/{id}/edit":                "field.manage",
	"POST /quake/drills/{id}":                    "field.manage",
	"GET /quake/publicity":                       "field.view",
	"GET /quake/publicity/new":                   "field.manage",
	"POST /quake/publicity":                      "field.manage",
	"GET /quake/summary":                         "field.view",
	"GET /quake/summary.xlsx":                    "field.view",
	"GET /api/v1/quake/assistants":               "field.view",
	"POST /api/v1/quake/assistants":              "field.manage",
	"GET /api/v1/quake/assistants/{id}":          "field.view",
	"POST /api/v1/quake/assistants/{id}/replace": "field.manage",
	"GET /api/v1/quake/drills":                   "field.view",
	"POST /api/v1/quake/drills":                  "field.manage",
	"GET /api/v1/quake/drills/{id}":              "field.view",
	"GET /api/v1/quake/publicity":                "field.view",
	"POST /api/v1/quake/publicity":               "field.manage",
	"GET /api/v1/quake/summary":                  "field.view",
}

// matrixRoles are the people of the matrix: one account per role, plus
// staff of another district and a user of another enterprise.
var matrixRoles = []struct {
	name   string
	role   auth.Role
	region string
}{
	{"director", auth.Director, "341203"},
	{"staff", auth.Staff, "341203"},
	{"finance", auth.Finance, "341203"},
	{"qiye", auth.Enterprise, "341203"},
	{"expert", auth.Expert, "341203"},
	{"assistant", auth.Assistant, "341203200"},
	{"viewer", auth.CityViewer, "341200"},
	{"admin", auth.SysAdmin, "341203"},
	{"security", auth.SecAdmin, "341203"},
	{"auditor", auth.AuditAdmin, "341203"},
	{"other", auth.Staff, "341202"},
	{"otherqiye", auth.Enterprise, "341202"},
}

var paramRE = regexp.MustCompile(`\{([a-z_]+)\.*\}`)

// TestAuthorizationMatrix requests every route as every role and checks
// the answer against the policy: allowed roles are never refused, others
// always are. Every GET with an object id is also asked for by staff of
// another district and by another enterprise's user, who must get 404 —
// ids in URLs are checked against the scope, not only lists.
func TestAuthorizationMatrix(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		staffTok := e.token("staff")
		mustAPI := func(method, path, body string) map[string]any {
			code, out := apiDo(t, e, method, path, staffTok, body)
			if code >= 300 {
				t.Fatalf("%s %s: %d %v", method, path, code, out)
			}
			return out
		}
		num := func(m map[string]any, k string) int64 { return int64(m[k].(float64)) }
		own := num(mustAPI("POST", "/api/v1/enterprises", fmt.Sprintf(`{"credit_code":%q,"name":"矩阵本区企业","region_code":"341203200"}`, creditCode(1))), "id")
		mustAPI("PUT", fmt.Sprintf("/api/v1/enterprises/%d/years/2025", own), `{"revenue":100000000,"staff":10,"st_staff":2}`)
		otherTok := ""
		for _, r := range matrixRoles {
			if r.name == "staff" {
				continue
			}
			in := auth.UserInput{Username: r.name, DisplayName: r.name, Roles: []auth.Role{r.role}, RegionCode: r.region, Password: testPassword}
			if r.name == "director" || r.name == "viewer" || r.name == "admin" {
				continue // newEnv made them
			}
			if r.role == auth.Enterprise {
				in.EnterpriseID = own
				if r.name == "otherqiye" {
					otherTok = e.token("other")
					code, out := apiDo(t, e, "POST", "/api/v1/enterprises", otherTok, fmt.Sprintf(`{"credit_code":%q,"name":"矩阵外区企业","region_code":"341202"}`, creditCode(2)))
					if code != 201 {
						t.Fatalf("other district's enterprise: %d %v", code, out)
					}
					in.EnterpriseID = num(out, "id")
				}
			}
			if _, _, err := e.app.Auth.CreateUser(ctx, nil, in); err != nil && r.name != "other" {
				t.Fatal(err)
			} else if err != nil {
				t.Fatal(err)
			}
			if r.name == "other" {
				otherTok = e.token("other")
			}
		}
		d.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE`)
		visit := num(mustAPI("POST", "/api/v1/visits", fmt.Sprintf(`{"date":"2026-11-26","enterprise_id":%d,"topics":"研发投入"}`, own)), "id")
		need := num(mustAPI("POST", "/api/v1/needs", fmt.Sprintf(`{"enterprise_id":%d,"category":"process","title":"工艺改进","description":"降低能耗","collected_on":"2026-11-26"}`, own)), "id")
		match := num(mustAPI("POST", "/api/v1/matches", fmt.Sprintf(`{"enterprise_id":%d,"partner":"合肥工业大学","date":"2026-11-26","kind":"meeting","topic":"节能"}`, own)), "id")
		training := num(mustAPI("POST", "/api/v1/events", `{"kind":"training","domain":"quake","title":"矩阵培训","date":"2026-11-20","region_code":"341203200","attended":3}`), "id")
		drill := num(mustAPI("POST", "/api/v1/quake/drills", `{"region_code":"341203200","site":"冉庙乡中心学校","date":"2026-11-20","participants":300}`), "id")
		assistant := num(mustAPI("POST", "/api/v1/quake/assistants", `{"region_code":"341203200","name":"李明","phone":"13800000002","appointed_on":"2026-01-01"}`), "id")
		batch := num(mustAPI("POST", "/api/v1/needs/batches", fmt.Sprintf(`{"number":"2026-11","sent_on":"2026-11-27","need_ids":[%d]}`, need)), "id")
		call := num(mustAPI("POST", "/api/v1/calls", `{"type":"district_plan","year":2026,"title":"2026年区科技计划项目","opens_at":"2026-01-01T00:00:00Z",
			"closes_at":"2030-12-31T00:00:00Z","plan":[6000,4000],"budget":40000000,"open":true}`), "id")
		code, app := apiDo(t, e, "POST", "/api/v1/applications", e.token("qiye"), fmt.Sprintf(`{"call_id":%d}`, call))
		if code != 201 {
			t.Fatalf("draft application: %d %v", code, app)
		}
		application := num(app, "id")
		pov := num(mustAPI("POST", "/api/v1/poverty/households", fmt.Sprintf(`{"region_code":"341203200205","head_name":"矩阵户","head_id":%q,
			"members_count":2,"cause_code":"ILLNESS"}`, residentID("19600101", 1))), "id")
		povChange := num(mustAPI("POST", fmt.Sprintf("/api/v1/poverty/households/%d/changes", pov), `{"fields":{"members_count":"3"},"reason":"新增人口"}`), "id")
		povProject := num(mustAPI("POST", "/api/v1/poverty/projects", `{"year":2026,"title":"矩阵扶贫项目","funds":"10万元","townships":["341203200"],
			"households":1,"people":2}`), "id")
		povCommissioner := num(mustAPI("POST", "/api/v1/poverty/commissioners", `{"name":"矩阵特派员","level":"county"}`), "id")
		pat := num(mustAPI("POST", "/api/v1/patents", fmt.Sprintf(`{"app_no":"201911050262.8","title":"矩阵专利","enterprise_id":%d,
			"application_date":"2019-07-02","grant_date":"2021-03-05","status":"valid"}`, own)), "id")
		loan := num(mustAPI("POST", "/api/v1/patent-loans", fmt.Sprintf(`{"enterprise_id":%d,"bank":"徽商银行","amount":"100万元","term_months":12,
			"start_date":"2026-03-01","app_nos":["201911050262.8"]}`, own)), "id")
		var staffID int64
		d.QueryRowContext(ctx, `SELECT id FROM users WHERE username = 'staff'`).Scan(&staffID)
		_ = otherTok
		tsk := num(mustAPI("POST", "/api/v1/tasks", `{"year":2026,"text":"矩阵任务","responsible":"张科员","deadline":"2026-12-31"}`), "id")
		_, incLoc, _ := postForm(t, e, e.client("staff"), "/incubators", url.Values{"name": {"矩阵孵化器"}, "operator_code": {creditCode(3)},
			"level": {"none"}, "area_m2": {"3000"}, "tenant_area_m2": {"2000"}})
		if !strings.HasPrefix(incLoc, "/incubators/") {
			t.Fatalf("incubator: %q", incLoc)
		}

		// Real objects for GETs; ids that exist nowhere for POSTs, so no
		// request of the matrix changes anything.
		getIDs := map[string]string{"/enterprises/": fmt.Sprint(own), "/hightech/enterprises/": fmt.Sprint(own), "/visits/": fmt.Sprint(visit),
			"/needs/batches/": fmt.Sprint(batch), "/needs/": fmt.Sprint(need), "/matches/": fmt.Sprint(match), "/admin/users/": fmt.Sprint(staffID),
			"/calls/": fmt.Sprint(call), "/applications/": fmt.Sprint(application), "/poverty/households/": fmt.Sprint(pov),
			"/poverty/changes/": fmt.Sprint(povChange), "/poverty/projects/": fmt.Sprint(povProject),
			"/poverty/commissioners/": fmt.Sprint(povCommissioner),
			"/events/":                fmt.Sprint(training), "/quake/drills/": fmt.Sprint(drill), "/quake/assistants/": fmt.Sprint(assistant),
			"/incubators/": strings.TrimPrefix(incLoc, "/incubators/"), "/tasks/": fmt.Sprint(tsk), "/patents/": fmt.Sprint(pat), "/patents/loans/": fmt.Sprint(loan),
			// A return of the district (颍东区, 341203), and a cell of it.
			"/reports/returns/": "KJ01", "/reports/returns/{code}/": "341203", "/reports/returns/{code}/{region}/records/": "visits",
			"/dashboard/regions/": "341203", "/dashboard/regions/{region}/figures/": "visits"}
		fill := func(pattern string, post bool) string {
			path := strings.SplitN(pattern, " ", 2)[1]
			path = strings.TrimSuffix(path, "{$}")
			return paramRE.ReplaceAllStringFunc(path, func(p string) string {
				name := paramRE.FindStringSubmatch(p)[1]
				switch {
				case name == "year":
					return "2025"
				case name == "day":
					return "2030-01-01"
				case post:
					return "999999999"
				}
				for prefix, id := range getIDs {
					if strings.Contains(path, prefix+p) {
						return id
					}
				}
				return "999999999"
			})
		}

		routes := e.app.Web.Routes()
		var patterns []string
		for _, rt := range routes {
			patterns = append(patterns, rt.Pattern)
			want, ok := routePolicy[rt.Pattern]
			got := string(rt.Perm)
			if got == "" {
				got = string(rt.Access)
			}
			if !ok {
				t.Errorf("route %s (%s) has no entry in routePolicy", rt.Pattern, got)
			} else if want != got {
				t.Errorf("route %s: policy says %s, the route requires %s", rt.Pattern, want, got)
			}
		}
		for p := range routePolicy {
			if !slices.Contains(patterns, p) {
				t.Errorf("routePolicy lists %s, which is not a route", p)
			}
		}

		users := map[string]*auth.User{}
		clients := map[string]*http.Client{}
		tokens := map[string]string{}
		for _, r := range matrixRoles {
			u, err := e.app.Auth.UserByName(ctx, r.name)
			if err != nil {
				t.Fatal(err)
			}
			users[r.name], clients[r.name], tokens[r.name] = u, e.client(r.name), e.token(r.name)
		}
		users[""], clients[""] = nil, e.client("")

		denied := func(rt web.Route, resp *http.Response) bool {
			switch resp.StatusCode {
			case http.StatusForbidden, http.StatusUnauthorized:
				return true
			case http.StatusSeeOther, http.StatusFound:
				return strings.HasPrefix(resp.Header.Get("Location"), "/login")
			}
			return false
		}
		_, before, err := db.Checksums(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		var seq0 int64
		if err := d.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM audit_events`).Scan(&seq0); err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, rt := range routes {
			switch {
			case rt.Pattern == "POST /logout", rt.Pattern == "POST /lang", rt.Pattern == "POST /login/totp", rt.Access == web.Public:
				continue // ends, changes or completes the session itself; public routes answer everyone
			}
			post := rt.Method() != http.MethodGet
			path := fill(rt.Pattern, post)
			for name, u := range users {
				var req *http.Request
				if post {
					req, _ = http.NewRequest(rt.Method(), e.srv.URL+path, strings.NewReader(url.Values{}.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				} else {
					req, _ = http.NewRequest(rt.Method(), e.srv.URL+path, nil)
				}
				c := clients[name]
				if rt.API && name != "" {
					req.Header.Set("Authorization", "Bearer "+tokens[name])
					c = clients[""]
				}
				if rt.API && post {
					req.Header.Set("Content-Type", "application/json")
				}
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				page := body(t, resp)
				if want := !rt.Allows(u); denied(rt, resp) != want {
					t.Errorf("%s as %q (%s): status %d, want denied=%v", rt.Pattern, name, path, resp.StatusCode, want)
				}
				// Whoever may use it, no page or answer is a server error.
				if resp.StatusCode >= 500 {
					t.Errorf("%s as %q (%s): status %d: %.300s", rt.Pattern, name, path, resp.StatusCode, page)
				}
				checked++
			}
			// Objects of another district or enterprise look like no object.
			if !post && paramRE.MatchString(rt.Pattern) && !strings.Contains(rt.Pattern, "/admin/") && !strings.Contains(rt.Pattern, "{year}") {
				for _, outsider := range []string{"other", "otherqiye"} {
					if !rt.Allows(users[outsider]) {
						continue
					}
					req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
					c := clients[outsider]
					if rt.API {
						req.Header.Set("Authorization", "Bearer "+tokens[outsider])
						c = clients[""]
					}
					resp, err := c.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					body(t, resp)
					if resp.StatusCode != http.StatusNotFound {
						t.Errorf("%s as %s: status %d for an object of 颍东区, want 404", path, outsider, resp.StatusCode)
					}
				}
			}
		}
		if checked < 1000 {
			t.Errorf("only %d route × role requests checked", checked)
		}
		t.Logf("%d routes, %d route × account requests checked", len(routes), checked)
		// The matrix's requests carry empty forms and name objects that do
		// not exist: they are refused or only read, and write no business
		// data — but for the few that are valid as they are, each audited.
		// Any request may write its security record: the audit events of
		// denials, sessions and the use of API tokens.
		_, after, err := db.Checksums(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		for table, sum := range after {
			if before[table] == sum || slices.Contains(securityRecords, table) {
				continue
			}
			action, ok := validEmpty[table]
			var n int
			if ok {
				if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE seq > $1 AND action = $2`, seq0, action).Scan(&n); err != nil {
					t.Fatal(err)
				}
			}
			if n == 0 {
				t.Errorf("the matrix's requests changed table %s without an audit event", table)
			}
		}
	})
}

// securityRecords are the tables any request may change: the audit chain,
// sessions and the use of API tokens.
var securityRecords = []string{"audit_events", "audit_head", "sessions", "api_tokens"}

// validEmpty are the tables an empty form may rightly change, with the
// audit action that must record it: the half-year summary's wording saved
// empty (every part back to its generated sentence).
var validEmpty = map[string]string{"report_drafts": "report.draft.save"}
