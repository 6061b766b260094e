package app

import (
	"context"
	"math/big"
	"slices"
	"strconv"
	"time"

	"kejiju/internal/auth"
	"kejiju/internal/award"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/enterprise"
	"kejiju/internal/event"
	"kejiju/internal/hightech"
	"kejiju/internal/i18n"
	"kejiju/internal/incubator"
	"kejiju/internal/patent"
	"kejiju/internal/program"
	"kejiju/internal/quake"
	"kejiju/internal/region"
	"kejiju/internal/report"
	"kejiju/internal/review"
	"kejiju/internal/subsidy"
	"kejiju/internal/task"
	"kejiju/internal/visit"
	"kejiju/internal/voucher"
)

// visitEnterprises lets the visit area look up enterprises through the
// enterprise service, in the caller's scope.
type visitEnterprises struct{ s *enterprise.Service }

func visitSummary(e *enterprise.Enterprise) visit.Summary {
	return visit.Summary{ID: e.ID, Name: e.Name, CreditCode: e.CreditCode, RegionCode: e.RegionCode,
		ContactName: e.ContactName, ContactPhone: e.ContactPhone, Closed: e.Status != enterprise.Active}
}

func (a visitEnterprises) Get(ctx context.Context, u *auth.User, id int64) (visit.Summary, error) {
	e, err := a.s.Get(ctx, u, id)
	if err != nil {
		return visit.Summary{}, err
	}
	return visitSummary(e), nil
}

func (a visitEnterprises) Find(ctx context.Context, u *auth.User, q string, limit int) ([]visit.Summary, error) {
	list, _, err := a.s.List(ctx, u, enterprise.Filter{Query: q, Limit: limit})
	out := make([]visit.Summary, 0, len(list))
	for _, e := range list {
		out = append(out, visitSummary(e))
	}
	return out, err
}

// hightechEnterprises gives the 高企 pipeline the enterprises, their years
// and certificates, through the enterprise service, and their granted
// patents in force from the patent registry, in the caller's scope.
type hightechEnterprises struct {
	s       *enterprise.Service
	patents *patent.Service
}

// ipItems are the registry's patents as the 高企/科小 rules count them.
func ipItems(ps []patent.IPPatent) []hightech.IPItem {
	out := make([]hightech.IPItem, 0, len(ps))
	for _, p := range ps {
		out = append(out, hightech.IPItem{ID: p.AppNo, Class: p.Class, GrantedOn: p.GrantDate})
	}
	return out
}

func hightechProfile(r *enterprise.Record) hightech.Profile {
	e := r.Enterprise
	p := hightech.Profile{ID: e.ID, Name: e.Name, CreditCode: e.CreditCode, RegionCode: e.RegionCode, TechField: e.TechField,
		RegisteredOn: e.RegisteredOn, Blacklisted: e.Blacklisted}
	for _, y := range slices.Backward(r.Years) { // the pipeline wants the oldest first
		p.Years = append(p.Years, hightech.ProfileYear{Year: y.Year, Revenue: y.Revenue, HiTechRevenue: y.HiTechRevenue,
			TotalAssets: y.TotalAssets, NetAssets: y.NetAssets, TotalCostExpense: y.TotalCostExpense, RDTotal: y.RDTotal,
			RDDomestic: y.RDDomestic, RDCategories: y.RDCategories, Staff: y.Staff, STStaff: y.STStaff, IPClass1: y.IPClass1,
			IPClass2: y.IPClass2, Conversions: y.Conversions, AnnualReport: y.AnnualReport})
	}
	for _, st := range r.Statuses {
		p.Certificates = append(p.Certificates, hightech.Certificate{Kind: st.Kind, Number: st.Number, Year: st.Year,
			ValidFrom: st.ValidFrom, ValidTo: st.ValidTo})
	}
	return p
}

func (a hightechEnterprises) Profile(ctx context.Context, u *auth.User, id int64) (*hightech.Profile, error) {
	r, err := a.s.RecordOf(ctx, u, id)
	if err != nil {
		return nil, err
	}
	p := hightechProfile(r)
	if a.patents != nil {
		m, err := a.patents.InForce(ctx, u, id)
		if err != nil {
			return nil, err
		}
		p.Patents = ipItems(m[id])
	}
	return &p, nil
}

func (a hightechEnterprises) List(ctx context.Context, u *auth.User) ([]hightech.Profile, error) {
	rs, err := a.s.Records(ctx, u)
	if err != nil {
		return nil, err
	}
	var m map[int64][]patent.IPPatent
	if a.patents != nil {
		if m, err = a.patents.InForce(ctx, u); err != nil {
			return nil, err
		}
	}
	out := make([]hightech.Profile, len(rs))
	for i := range rs {
		out[i] = hightechProfile(&rs[i])
		out[i].Patents = ipItems(m[out[i].ID])
	}
	return out, nil
}

func (a hightechEnterprises) AddCertificate(ctx context.Context, tx *db.Tx, u *auth.User, id int64, number string, year int, issued calendar.Date) error {
	return a.s.AddCertificateTx(ctx, tx, u, id, number, year, issued)
}

// programEnterprises tells the program area whether an enterprise may
// apply: where it is registered, its 高企 and 科小 standing, the blacklist.
type programEnterprises struct{ s *enterprise.Service }

func (a programEnterprises) Eligibility(ctx context.Context, u *auth.User, id int64) (program.Facts, error) {
	r, err := a.s.RecordOf(ctx, u, id)
	if err != nil {
		return program.Facts{}, err
	}
	today := calendar.Today(nil)
	f := program.Facts{Name: r.Name, RegionCode: r.RegionCode, Blacklisted: r.Blacklisted}
	for _, st := range r.Statuses {
		valid := !st.ValidFrom.After(today) && (st.ValidTo.IsZero() || !st.ValidTo.Before(today))
		switch {
		case st.Kind == enterprise.KindHTE && valid:
			f.HTEValid = true
		case st.Kind == enterprise.KindTechSME && st.Year == today.Year:
			f.TechSME = true
		}
	}
	return f, nil
}

// ApplicationPanel is the object type of an application's expert panel.
const ApplicationPanel = program.PanelObject

// bureau is the system acting for the bureau itself: asking its own review
// records a question inside a staff member's transition (are the reviews
// done, with what score) and running the nightly jobs (vouchers expiring).
// It never logs in.
var bureau = &auth.User{Username: "system", DisplayName: "系统", Roles: []auth.Role{auth.Director}, RegionCode: region.ProvinceCode}

// programReviews answers from the review panels whether an application's
// expert review is complete, and its trimmed mean.
type programReviews struct{ s *review.Service }

func (a programReviews) Done(ctx context.Context, applicationID int64) (bool, *big.Rat, error) {
	p, err := a.s.PanelFor(ctx, bureau, ApplicationPanel, applicationID)
	if i18n.ErrorCode(err) == i18n.NotFound {
		return false, nil, nil
	}
	if err != nil {
		return false, nil, err
	}
	if !p.Closed() || p.Result == nil {
		return false, nil, nil
	}
	return true, trimmedMean(p.Result), nil
}

// Draw draws the panel of an application, the applying enterprise being
// the party under review.
func (a programReviews) Draw(ctx context.Context, u *auth.User, applicationID, enterpriseID int64, enterpriseName, field string, n, alternates int) (int64, error) {
	ap := review.Applicant{Key: "enterprise:" + strconv.FormatInt(enterpriseID, 10), Name: enterpriseName,
		Employers: []string{enterpriseName}, Field: field}
	p, err := a.s.DrawFor(ctx, u, ApplicationPanel, applicationID, ap, field, n, alternates)
	if err != nil {
		return 0, err
	}
	return p.ID, nil
}

// PanelOf returns the application's panel, as u (staff) sees it.
func (a programReviews) PanelOf(ctx context.Context, u *auth.User, applicationID int64) (int64, bool, error) {
	p, err := a.s.PanelFor(ctx, u, ApplicationPanel, applicationID)
	switch i18n.ErrorCode(err) {
	case i18n.NotFound, i18n.Forbidden:
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return p.ID, p.Closed(), nil
}

// reviewSubjects shows an expert the application their panel reviews,
// read through the program service in the expert's scope.
func reviewSubjects(s *program.Service) review.Subjects {
	return func(ctx context.Context, u *auth.User, objectType string, id int64) (*review.Subject, error) {
		if objectType != ApplicationPanel {
			return nil, nil
		}
		sum, err := s.Summary(ctx, u, id)
		if err != nil {
			return nil, err
		}
		out := &review.Subject{Title: sum.CallTitle + "：" + sum.EnterpriseName}
		for _, a := range sum.Answers {
			out.Facts = append(out.Facts, review.Fact{Label: a.Label, Value: a.Value})
		}
		return out, nil
	}
}

// trimmedMean is the panel's trimmed mean as an exact fraction, from the
// experts' integer totals (the Result's float is for display).
func trimmedMean(r *review.Result) *big.Rat {
	totals := make([]int, 0, len(r.Totals))
	for _, t := range r.Totals {
		totals = append(totals, t)
	}
	slices.Sort(totals)
	if r.Trimmed && len(totals) > 2 {
		totals = totals[1 : len(totals)-1]
	}
	if len(totals) == 0 {
		return new(big.Rat)
	}
	sum := 0
	for _, t := range totals {
		sum += t
	}
	return big.NewRat(int64(sum), int64(len(totals)))
}

// awardEnterprises names a nominated enterprise and its region, in the
// caller's scope.
type awardEnterprises struct{ s *enterprise.Service }

func (a awardEnterprises) Unit(ctx context.Context, u *auth.User, id int64) (award.Unit, error) {
	e, err := a.s.Get(ctx, u, id)
	if err != nil {
		return award.Unit{}, err
	}
	return award.Unit{Name: e.Name, RegionCode: e.RegionCode}, nil
}

// voucherEnterprises tells the voucher area who holds or applies for a
// voucher.
type voucherEnterprises struct{ s *enterprise.Service }

func (a voucherEnterprises) Holder(ctx context.Context, u *auth.User, id int64) (voucher.Holder, error) {
	e, err := a.s.Get(ctx, u, id)
	if err != nil {
		return voucher.Holder{}, err
	}
	return voucher.Holder{Name: e.Name, RegionCode: e.RegionCode,
		Party: voucher.Party{CreditCode: e.CreditCode, LegalRep: e.LegalRep, Address: e.Address, Phone: e.ContactPhone}}, nil
}

// patentEnterprises tells the patent area about enterprises: one by id,
// and those in the caller's scope for matching applicants by credit code
// and name.
type patentEnterprises struct{ s *enterprise.Service }

func patentApplicant(e *enterprise.Enterprise) patent.Applicant {
	return patent.Applicant{ID: e.ID, Name: e.Name, CreditCode: e.CreditCode, RegionCode: e.RegionCode}
}

func (a patentEnterprises) Applicant(ctx context.Context, u *auth.User, id int64) (patent.Applicant, error) {
	e, err := a.s.Get(ctx, u, id)
	if err != nil {
		return patent.Applicant{}, err
	}
	return patentApplicant(e), nil
}

func (a patentEnterprises) InScope(ctx context.Context, u *auth.User) ([]patent.Applicant, error) {
	var out []patent.Applicant
	err := a.s.Each(ctx, u, enterprise.Filter{}, func(e *enterprise.Enterprise) error {
		out = append(out, patentApplicant(e))
		return nil
	})
	return out, err
}

// subsidyEnterprises tells the subsidy area who claims.
type subsidyEnterprises struct{ s *enterprise.Service }

func (a subsidyEnterprises) Applicant(ctx context.Context, u *auth.User, id int64) (subsidy.Applicant, error) {
	e, err := a.s.Get(ctx, u, id)
	if err != nil {
		return subsidy.Applicant{}, err
	}
	return subsidy.Applicant{ID: e.ID, Name: e.Name, CreditCode: e.CreditCode, RegionCode: e.RegionCode}, nil
}

func (a subsidyEnterprises) ApplicantByCode(ctx context.Context, u *auth.User, code string) (subsidy.Applicant, error) {
	e, err := a.s.ByCode(ctx, u, code)
	if err != nil {
		return subsidy.Applicant{}, err
	}
	return a.Applicant(ctx, u, e.ID)
}

// quakeTrainings gives the quake area the earthquake-prevention trainings
// recorded as events, in the caller's scope.
type quakeTrainings struct{ s *event.Service }

func (a quakeTrainings) QuakeTrainings(ctx context.Context, u *auth.User, year int, region string) ([]quake.Training, error) {
	list, err := a.s.QuakeTrainings(ctx, u, year, region)
	out := make([]quake.Training, len(list))
	for i, t := range list {
		out[i] = quake.Training{ID: t.ID, Date: t.Date, Title: t.Title, RegionCode: t.RegionCode, Attended: t.Attended}
	}
	return out, err
}

// incubatorEnterprises links an incubator's tenant to the registered
// enterprise of its credit code, in the caller's scope.
type incubatorEnterprises struct{ s *enterprise.Service }

var _ incubator.Enterprises = incubatorEnterprises{}

func (a incubatorEnterprises) ByCode(ctx context.Context, u *auth.User, code string) (int64, string, error) {
	e, err := a.s.ByCode(ctx, u, code)
	if err != nil {
		return 0, "", err
	}
	return e.ID, e.Name, nil
}

// taskMetrics answers the whitelisted metrics of annual targets. Where the
// dashboard has the same figure the metric is that measure's count of
// records for the year (so a target and the dashboard never disagree, and
// the target links to the records); "cultivated" — enterprises in the pool
// at any time of the year — is its own query. Each key is one fixed query;
// nothing of the key reaches the SQL.
type taskMetrics struct {
	d       *db.DB
	catalog *report.Catalog
}

var (
	_ task.Metrics = taskMetrics{}
	_ task.Sources = taskMetrics{}
)

// taskMeasures maps metrics to the dashboard's measures.
var taskMeasures = map[string]string{
	task.MetricHTERecognised:  "hte.recognized",
	task.MetricHTEApplied:     "hte.applied",
	task.MetricVouchersIssued: "vouchers.issued",
	task.MetricProjectsSigned: "projects.signed",
	task.MetricVisits:         "visits",
}

func yearPeriod(year int) report.Period {
	return report.Period{From: calendar.Date{Year: year, Month: time.January, Day: 1}, To: calendar.Date{Year: year, Month: time.December, Day: 31}}
}

func (m taskMetrics) Value(ctx context.Context, key string, year int, sc auth.Scope) (int64, error) {
	p := yearPeriod(year)
	if name, ok := taskMeasures[key]; ok {
		ms, err := m.catalog.Get(name)
		if err != nil {
			return 0, err
		}
		rs, err := ms.Records(ctx, m.d, sc, p)
		return int64(len(rs)), err
	}
	if key != task.MetricCultivated {
		return 0, i18n.FieldError("metric", "task.bad_metric")
	}
	args := []any{p.To, p.From}
	cond := sc.Where(auth.Columns{Region: "e.region_code", Enterprise: "e.id"}, &args)
	var n int64
	err := m.d.QueryRowContext(ctx, `SELECT COUNT(DISTINCT c.enterprise_id) FROM cultivation_pool c JOIN enterprises e ON e.id = c.enterprise_id
		WHERE c.entered_on <= $1 AND (c.exited_on IS NULL OR c.exited_on >= $2) AND `+cond, args...).Scan(&n)
	return n, db.Normalize(err)
}

// Source links a metric to the dashboard's list of the records it counts.
func (m taskMetrics) Source(key string, year int) string {
	name, ok := taskMeasures[key]
	if !ok {
		return ""
	}
	p := yearPeriod(year)
	return "/dashboard/figures/" + name + "?from=" + p.From.String() + "&to=" + p.To.String()
}

// reportGoals gives the half-year plan the year's targets with what the
// system counts of them so far; a reader who may not see the targets gets
// a summary without the plan.
func reportGoals(t *task.Service) report.Goals {
	return func(ctx context.Context, u *auth.User, year int) ([]report.Goal, error) {
		if !u.Can(auth.PermTaskView) {
			return nil, nil
		}
		ts, err := t.Targets(ctx, u, year)
		out := make([]report.Goal, len(ts))
		for i, g := range ts {
			out[i] = report.Goal{Title: g.Title, Unit: g.Unit, Planned: g.Planned, Achieved: g.Achieved}
		}
		return out, err
	}
}
