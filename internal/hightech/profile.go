package hightech

import (
	"context"
	"slices"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/money"
)

// Profile is an enterprise as the 高企/科小 work sees it: its identity, its
// fiscal years and its certificates. The enterprise registry owns these
// facts; this package reads them through Enterprises and never writes them.
type Profile struct {
	ID           int64         `json:"id"`
	Name         string        `json:"name"`
	CreditCode   string        `json:"credit_code"`
	RegionCode   string        `json:"region_code"`
	TechField    string        `json:"tech_field"`
	RegisteredOn calendar.Date `json:"registered_on,omitzero"`
	Blacklisted  bool          `json:"blacklisted"`
	Years        []ProfileYear `json:"years"`        // oldest first
	Certificates []Certificate `json:"certificates"` // any order
	// Patents are the patent registry's patents linked to the enterprise
	// that are granted and in force: inventions Class I, utility models
	// and designs Class II, with their grant dates (see FactsOf).
	Patents []IPItem `json:"patents"`
}

// ProfileYear holds one fiscal year's figures as the registry keeps them.
type ProfileYear struct {
	Year             int          `json:"year"`
	Revenue          money.Fen    `json:"revenue"`
	HiTechRevenue    money.Fen    `json:"hitech_revenue"`
	TotalAssets      money.Fen    `json:"total_assets"`
	NetAssets        money.Fen    `json:"net_assets"`
	TotalCostExpense money.Fen    `json:"total_cost_expense"`
	RDTotal          money.Fen    `json:"rd_total"`
	RDDomestic       money.Fen    `json:"rd_domestic"`
	RDCategories     [8]money.Fen `json:"rd_categories"`
	Staff            int          `json:"staff"`
	STStaff          int          `json:"st_staff"`
	IPClass1         int          `json:"ip_class1"`
	IPClass2         int          `json:"ip_class2"`
	Conversions      int          `json:"conversions"`
	AnnualReport     bool         `json:"annual_report"` // the 高企 年报 for this year was filed
}

// Certificate is a status the enterprise holds: a 高新技术企业证书 (Kind
// CertHTE, Number GR…), a 科技型中小企业 registration (CertTechSME), or
// another kind the registry keeps.
type Certificate struct {
	Kind      string        `json:"kind"`
	Number    string        `json:"number"`
	Year      int           `json:"year"`
	ValidFrom calendar.Date `json:"valid_from,omitzero"`
	ValidTo   calendar.Date `json:"valid_to,omitzero"` // zero: the default validity of its kind
}

// The kinds of certificate the pipeline reads (the registry's status kinds).
const (
	CertHTE     = "hte"      // 高新技术企业证书, valid 3 years from issue
	CertTechSME = "tech_sme" // 科技型中小企业入库登记编号, valid for its year
)

// Enterprises is what the pipeline needs of the enterprise registry. The
// caller (app) implements it over the enterprise service; every method
// applies u's data scope.
type Enterprises interface {
	// Profile returns one enterprise with its years and certificates, or a
	// NotFound error when it does not exist or lies outside u's scope.
	Profile(ctx context.Context, u *auth.User, id int64) (*Profile, error)
	// List returns every active enterprise in u's scope with its years and
	// certificates, for the board and the reminders.
	List(ctx context.Context, u *auth.User) ([]Profile, error)
	// AddCertificate records a recognised enterprise's 高企 certificate on
	// its record, inside the caller's transaction tx.
	AddCertificate(ctx context.Context, tx *db.Tx, u *auth.User, enterpriseID int64, number string, year int, issued calendar.Date) error
}

// Expires returns the last day of the certificate's validity: ValidTo, or
// when that is not recorded, the default of its kind (three years from issue
// for an HTE certificate, the end of its year for a tech-SME registration).
// It is zero when neither is known.
func (c Certificate) Expires() calendar.Date {
	switch {
	case !c.ValidTo.IsZero():
		return c.ValidTo
	case c.Kind == CertHTE && c.ValidFrom.IsValid():
		return HTEExpiry(c.ValidFrom)
	case c.Kind == CertTechSME && c.Year > 0:
		return calendar.Date{Year: c.Year, Month: 12, Day: 31}
	}
	return calendar.Date{}
}

// ValidOn reports whether the certificate is in force on d: issued on or
// before d and not yet expired. An HTE certificate without an issue date is
// never in force.
func (c Certificate) ValidOn(d calendar.Date) bool {
	from, to := c.ValidFrom, c.Expires()
	if from.IsZero() && c.Kind == CertTechSME && c.Year > 0 {
		from = calendar.Date{Year: c.Year, Month: 1, Day: 1}
	}
	return from.IsValid() && to.IsValid() && !d.Before(from) && !d.After(to)
}

// HTEOn returns the HTE certificate in force on d (the one that runs
// longest when several are), and whether there is one.
func (p *Profile) HTEOn(d calendar.Date) (Certificate, bool) {
	var best Certificate
	found := false
	for _, c := range p.Certificates {
		if c.Kind != CertHTE || !c.ValidOn(d) {
			continue
		}
		if !found || c.Expires().After(best.Expires()) {
			best, found = c, true
		}
	}
	return best, found
}

// TechSMEIn reports whether the enterprise holds a 科技型中小企业
// registration for year (registration numbers are valid for their year).
func (p *Profile) TechSMEIn(year int) bool {
	return slices.ContainsFunc(p.Certificates, func(c Certificate) bool { return c.Kind == CertTechSME && c.Year == year })
}

// Year returns the figures of one fiscal year, and whether there are any.
func (p *Profile) Year(year int) (ProfileYear, bool) {
	for _, y := range p.Years {
		if y.Year == year {
			return y, true
		}
	}
	return ProfileYear{}, false
}

// fiscalYears returns the profile's years before on's year, oldest first: an
// application made in 2026 uses the fiscal years up to 2025, and figures of
// the running year are not final.
func fiscalYears(p *Profile, on calendar.Date) []ProfileYear {
	ys := slices.Clone(p.Years)
	slices.SortFunc(ys, func(a, b ProfileYear) int { return a.Year - b.Year })
	return slices.DeleteFunc(ys, func(y ProfileYear) bool { return y.Year >= on.Year })
}

// FactsOf builds the facts of a pre-check made on the date on from an
// enterprise's profile and the experts' scores:
//
//   - the last three fiscal years before on's year (oldest first), with
//     the staff, S&T staff and Class I/II counts of the latest of them;
//   - the technology field and registration date of the record;
//   - MainlandResident is true: the registry holds only enterprises with a
//     统一社会信用代码, which is issued to entities registered in mainland
//     China;
//   - the Class I and II counts are each the larger of the figure staff
//     entered for that fiscal year — the enterprise's whole IP as it
//     declared it, patents included — and the registry's patents in force
//     granted on or before on (Profile.Patents): never their sum, so a
//     patent both entered by hand and in the registry counts once, and the
//     registry raises the count when the entered figure is behind it;
//   - CoreIP is true when the enterprise holds any Class I or II IP; whether
//     it supports the main products is the experts' judgement;
//   - CleanRecord and the tech-SME yes/no facts (industry, accidents and
//     misconduct, abnormal-operation and dishonesty lists) are true unless
//     the enterprise is blacklisted. They mean "no adverse record in this
//     system", not a legal certification of a clean record; the
//     application itself needs the official evidence.
func FactsOf(p *Profile, on calendar.Date, scores ExpertScores) Facts {
	f := Facts{
		RegisteredOn:     p.RegisteredOn,
		ApplyOn:          on,
		MainlandResident: true,
		TechField:        p.TechField,
		Expert:           scores,
	}
	ys := fiscalYears(p, on)
	if len(ys) > 3 {
		ys = ys[len(ys)-3:]
	}
	for _, y := range ys {
		f.Years = append(f.Years, YearFacts{
			Year: y.Year, Revenue: y.Revenue, RD: y.RDTotal, RDDomestic: y.RDDomestic, RDCategories: y.RDCategories,
			HiTechRevenue: y.HiTechRevenue, NetAssets: y.NetAssets, TotalAssets: y.TotalAssets,
			TotalCostExpense: y.TotalCostExpense, Conversions: y.Conversions,
		})
	}
	if n := len(ys); n > 0 {
		latest := ys[n-1]
		f.Staff, f.STStaff = latest.Staff, latest.STStaff
		f.ClassI, f.ClassII = latest.IPClass1, latest.IPClass2
	}
	f.ClassI = max(f.ClassI, UsableClassI(p.Patents, on))
	f.ClassII = max(f.ClassII, UsableClassII(p.Patents, on))
	f.CoreIP = f.ClassI > 0 || f.ClassII > 0
	clean := !p.Blacklisted
	f.CleanRecord = clean
	f.NotProhibitedIndustry, f.SMEClean, f.NotAbnormalListed, f.NotDishonest = clean, clean, clean, clean
	return f
}

// DirectOf returns the direct-qualification facts of a tech-SME evaluation
// on the date on that the profile shows: a 高企 certificate in force. The
// other routes (national award, R&D institution, standard) are not kept in
// the registry and stay empty.
func DirectOf(p *Profile, on calendar.Date) DirectFacts {
	c, ok := p.HTEOn(on)
	if !ok {
		return DirectFacts{}
	}
	return DirectFacts{HTECertificate: c.Number, HTEIssuedOn: c.ValidFrom, HTEExpiresOn: c.Expires()}
}

// DefaultScores returns the expert scores a pre-check assumes before the
// panel has scored: 0 for every judgement, except the IP quantity score,
// which the number of Class I and II items bounds from below, at the low end
// of its band (so the pre-check shows the least the enterprise can expect,
// not an invalid score).
func DefaultScores(p HTEParams, classI, classII int) ExpertScores {
	return ExpertScores{IPQuantity: quantityBandOf(p, classI, classII).Low}
}

// quantityBandOf returns the IP quantity band of the item counts: the
// better of the Class I and Class II tables (as EvaluateHTE does).
func quantityBandOf(p HTEParams, classI, classII int) Band {
	e := &hteEval{p: p, f: Facts{ClassI: classI, ClassII: classII}}
	return e.quantityBand()
}
