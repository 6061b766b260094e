package subsidy

import (
	"strconv"
	"time"

	"kejiju/internal/calendar"
	"kejiju/internal/ident"
	"kejiju/internal/money"
)

// The calculators: pure functions from a policy's parameters, a claim's
// input and what the enterprise already received in the period to the
// amount, with one explanation line per step of the rule. A rate of an
// amount is rounded to the nearest fen (四舍五入, money.Percent); the caps
// apply after rounding, so no result is ever above a cap.

// Kind is a kind of subsidy, the calculator that applies.
type Kind string

// The kinds of subsidy.
const (
	// Equipment is the R&D instrument and equipment post-subsidy
	// (研发仪器设备后补助, 皖政〔2017〕52号).
	Equipment Kind = "equipment"
	// Purchase is the technology-purchase subsidy (购买省外科技成果补助).
	Purchase Kind = "purchase"
	// Patent is the patent subsidies in quarterly batches, pledge-loan items
	// included (专利资助).
	Patent Kind = "patent"
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{Equipment, Purchase, Patent}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == Equipment || k == Purchase || k == Patent }

// Status is what a calculation decides.
type Status string

// The statuses of a calculation.
const (
	Payable Status = "payable" // the amount may be approved
	Pending Status = "pending" // not yet payable (e.g. a loan not repaid)
	Refused Status = "refused" // the policy gives nothing; Lines say why
)

// Line is one step of a calculation: an i18n key of the subsidy catalog and
// its arguments, already formatted (amounts in 元).
type Line struct {
	Key  string   `json:"key"`
	Args []string `json:"args,omitempty"`
}

// Result is a calculation: the amount, whether it is payable, whether a cap
// cut it, and the rule's lines.
type Result struct {
	Amount money.Fen `json:"amount"`
	Status Status    `json:"status"`
	Capped bool      `json:"capped"`
	Lines  []Line    `json:"lines"`
}

func (r *Result) say(key string, args ...string) {
	r.Lines = append(r.Lines, Line{Key: key, Args: args})
}

func (r *Result) refuse(key string, args ...string) Result {
	r.say(key, args...)
	r.Status, r.Amount = Refused, 0
	return *r
}

// capTo limits r.Amount to limit, saying so with key.
func (r *Result) capTo(limit money.Fen, key string) {
	if limit < 0 {
		limit = 0
	}
	if r.Amount > limit {
		r.Amount, r.Capped = limit, true
		r.say(key, yuan(limit))
	}
}

func yuan(f money.Fen) string { return f.Yuan() }
func pct(bp int64) string     { return money.Fen(bp).String() }

// rate is bp basis points of f, rounded to the nearest fen.
func rate(f money.Fen, bp int64) money.Fen {
	v, err := money.Percent(f, bp)
	if err != nil { // beyond int64: inputs are bounded far below
		return 0
	}
	return v
}

// --- R&D equipment post-subsidy ---

// EquipmentParams are the parameters of the equipment post-subsidy at one
// level (province, city or county each pay under the same rule).
type EquipmentParams struct {
	MinSales      money.Fen `json:"min_sales"`      // annual sales at least (5,000,000 元), unless incubated or a new R&D institution
	MinDevice     money.Fen `json:"min_device"`     // original value per device at least (100,000 元)
	RateBP        int64     `json:"rate_bp"`        // share of the year's spending (1500 = 15%)
	DeviceCap     money.Fen `json:"device_cap"`     // per device (2,000,000 元)
	EnterpriseCap money.Fen `json:"enterprise_cap"` // per enterprise per year (5,000,000 元)
}

// Device is one instrument of an equipment claim.
type Device struct {
	Name  string    `json:"name"`
	Value money.Fen `json:"value"` // original value
	ForRD bool      `json:"for_rd"`
}

// EquipmentInput is an equipment claim.
type EquipmentInput struct {
	Sales      money.Fen `json:"sales"`        // last year's sales
	Incubated  bool      `json:"incubated"`    // in an S&T incubator
	RDInstitut bool      `json:"rd_institute"` // a new-type R&D institution
	Devices    []Device  `json:"devices"`
}

// EquipmentSubsidy computes the post-subsidy: each eligible device gives
// min(rate × value, device cap), the total at most the enterprise cap less
// what the enterprise already received this year (prior).
func EquipmentSubsidy(p EquipmentParams, in EquipmentInput, prior money.Fen) Result {
	r := Result{Status: Payable}
	if in.Sales < p.MinSales && !in.Incubated && !in.RDInstitut {
		return r.refuse("subsidy.line.equipment.sales", yuan(in.Sales), yuan(p.MinSales))
	}
	var spend money.Fen
	for _, d := range in.Devices {
		switch {
		case !d.ForRD:
			r.say("subsidy.line.equipment.not_rd", d.Name)
		case d.Value < p.MinDevice:
			r.say("subsidy.line.equipment.too_small", d.Name, yuan(d.Value), yuan(p.MinDevice))
		default:
			spend += d.Value
			share := rate(d.Value, p.RateBP)
			if share > p.DeviceCap {
				r.say("subsidy.line.equipment.device_capped", d.Name, yuan(d.Value), pct(p.RateBP), yuan(share), yuan(p.DeviceCap))
				share, r.Capped = p.DeviceCap, true
			} else {
				r.say("subsidy.line.equipment.device", d.Name, yuan(d.Value), pct(p.RateBP), yuan(share))
			}
			r.Amount += share
		}
	}
	if spend == 0 {
		return r.refuse("subsidy.line.equipment.none")
	}
	r.say("subsidy.line.equipment.total", yuan(spend), yuan(r.Amount))
	if prior > 0 {
		r.say("subsidy.line.prior", yuan(prior))
	}
	r.capTo(p.EnterpriseCap-prior, "subsidy.line.enterprise_cap")
	if r.Amount == 0 {
		return r.refuse("subsidy.line.cap_used", yuan(p.EnterpriseCap))
	}
	return r
}

// --- Technology purchase ---

// PurchaseParams are the parameters of the technology-purchase subsidy
// ([N]: the rate and cap were not found in the sources; they are data).
type PurchaseParams struct {
	RateBP        int64     `json:"rate_bp"`        // share of the registered contract amount
	Cap           money.Fen `json:"cap"`            // per contract
	EnterpriseCap money.Fen `json:"enterprise_cap"` // per enterprise per year; 0: none
	HomeProvince  string    `json:"home_province"`  // two-digit code; the seller must be outside (34 = Anhui)
}

// PurchaseInput is a technology-purchase claim.
type PurchaseInput struct {
	ContractNo   string    `json:"contract_no"`
	Registered   bool      `json:"registered"` // 技术合同认定登记
	SellerName   string    `json:"seller_name"`
	SellerRegion string    `json:"seller_region"` // the seller's region code (6 digits)
	Amount       money.Fen `json:"amount"`        // registered contract amount actually paid
}

// PurchaseSubsidy computes the technology-purchase subsidy: min(rate × amount,
// cap, enterprise cap − prior), for a registered contract with a seller
// outside the home province.
func PurchaseSubsidy(p PurchaseParams, in PurchaseInput, prior money.Fen) Result {
	r := Result{Status: Payable}
	if !in.Registered {
		return r.refuse("subsidy.line.purchase.unregistered", in.ContractNo)
	}
	if len(in.SellerRegion) < 2 || in.SellerRegion[:2] == p.HomeProvince {
		return r.refuse("subsidy.line.purchase.in_province", in.SellerName)
	}
	r.Amount = rate(in.Amount, p.RateBP)
	r.say("subsidy.line.purchase.rate", yuan(in.Amount), pct(p.RateBP), yuan(r.Amount))
	r.capTo(p.Cap, "subsidy.line.claim_cap")
	if p.EnterpriseCap > 0 {
		if prior > 0 {
			r.say("subsidy.line.prior", yuan(prior))
		}
		r.capTo(p.EnterpriseCap-prior, "subsidy.line.enterprise_cap")
		if r.Amount == 0 {
			return r.refuse("subsidy.line.cap_used", yuan(p.EnterpriseCap))
		}
	}
	return r
}

// --- Patents ---

// Item is a patent subsidy item.
type Item string

// The patent subsidy items (domain rules §7.3).
const (
	InventionGrant       Item = "invention_grant"
	UtilityGrant         Item = "utility_grant"
	DesignGrant          Item = "design_grant"
	AnnualFee            Item = "annual_fee"
	PledgeInterest       Item = "pledge_interest"
	PledgeAssessment     Item = "pledge_assessment"
	PledgeGuarantee      Item = "pledge_guarantee"
	EnforcementInsurance Item = "enforcement_insurance"
)

// Items lists the items in display order.
var Items = []Item{InventionGrant, UtilityGrant, DesignGrant, AnnualFee, PledgeInterest, PledgeAssessment, PledgeGuarantee, EnforcementInsurance}

// grantType is the patent type an item's application number must carry
// (a PCT application in the Chinese national phase counts as its kind).
var grantType = map[Item]ident.PatentType{InventionGrant: ident.Invention, UtilityGrant: ident.UtilityModel, DesignGrant: ident.Design, AnnualFee: ident.Invention}

// kindOf folds the PCT types into the kinds they enter as.
func kindOf(t ident.PatentType) ident.PatentType {
	switch t {
	case ident.PCTInvention:
		return ident.Invention
	case ident.PCTUtilityModel:
		return ident.UtilityModel
	}
	return t
}

// IsPatentItem reports whether the item is about one patent (its reference
// is an application number) rather than a pledge loan (its reference is
// the loan contract).
func (i Item) IsPatentItem() bool { _, ok := grantType[i]; return ok || i == EnforcementInsurance }

// ItemRule is how one item is paid: a fixed amount per patent (Face), or a
// share of a base — the official fee, the loan, the interest or the fee
// paid — with a cap per claim and per enterprise per year. 0 means none.
type ItemRule struct {
	Face          money.Fen `json:"face,omitempty"`
	RateBP        int64     `json:"rate_bp,omitempty"`
	Cap           money.Fen `json:"cap,omitempty"`
	EnterpriseCap money.Fen `json:"enterprise_cap,omitempty"`
}

// PatentParams are a patent subsidy policy.
type PatentParams struct {
	Items map[Item]ItemRule `json:"items"`
	// CNIPA2021 applies 《关于进一步严格规范专利申请行为的通知》 (2021-01-27):
	// only granted invention patents, at most FeeShareBP of the official fee,
	// and no grant subsidy for a batch from GrantsEnd on.
	CNIPA2021  bool          `json:"cnipa_2021"`
	FeeShareBP int64         `json:"fee_share_bp,omitempty"` // 5000 = 50%
	GrantsEnd  calendar.Date `json:"grants_end,omitzero"`    // 2025-01-01
	// InterestBase says how the pledge interest subsidy is computed:
	// "benchmark" — RateBP of (loan × BenchmarkBP × years); "loan" — RateBP
	// of the loan, at most the interest actually paid.
	InterestBase string `json:"interest_base,omitempty"`
}

// PatentInput is a patent subsidy claim.
type PatentInput struct {
	Item      Item          `json:"item"`
	AppNo     string        `json:"app_no,omitempty"`    // for the patent items
	GrantDate calendar.Date `json:"grant_date,omitzero"` // for the grant items
	Fee       money.Fen     `json:"fee,omitempty"`       // official fee, assessment, guarantee or premium paid
	LoanNo    string        `json:"loan_no,omitempty"`   // for the pledge items
	Loan      money.Fen     `json:"loan,omitempty"`      // loan amount
	Interest  money.Fen     `json:"interest,omitempty"`  // interest actually paid
	BenchBP   int64         `json:"bench_bp,omitempty"`  // benchmark rate, basis points a year (435 = 4.35%)
	Months    int           `json:"months,omitempty"`    // loan term
	Repaid    bool          `json:"repaid,omitempty"`    // repaid in full and on time
}

// Ref is what makes a claim unique for its item: the application number or
// the loan contract.
func (in PatentInput) Ref() string {
	if in.Item.IsPatentItem() {
		return in.AppNo
	}
	return in.LoanNo
}

// PatentSubsidy computes a patent subsidy item for a batch dated on (the
// quarter's first day), given what the enterprise already received for the
// item this year (prior). The application number's form and check digit
// are the store's to check; here its type must match the item.
func PatentSubsidy(p PatentParams, in PatentInput, on calendar.Date, prior money.Fen) Result {
	r := Result{Status: Payable}
	if p.CNIPA2021 {
		switch {
		case in.Item == UtilityGrant || in.Item == DesignGrant || in.Item == AnnualFee:
			return r.refuse("subsidy.line.patent.cnipa_item")
		case in.Item == InventionGrant && !p.GrantsEnd.IsZero() && !on.Before(p.GrantsEnd):
			return r.refuse("subsidy.line.patent.cnipa_ended", p.GrantsEnd.String())
		}
	}
	rule, ok := p.Items[in.Item]
	if !ok {
		return r.refuse("subsidy.line.patent.not_covered")
	}
	if want, ok := grantType[in.Item]; ok {
		n, err := ident.ParsePatentNumber(in.AppNo)
		if err != nil {
			return r.refuse("subsidy.line.patent.bad_number", in.AppNo)
		}
		if kindOf(n.Type) != want {
			return r.refuse("subsidy.line.patent.type_mismatch", in.AppNo, n.Type.Chinese())
		}
	}
	switch in.Item {
	case InventionGrant, UtilityGrant, DesignGrant, AnnualFee:
		if in.Item != AnnualFee && in.GrantDate.IsZero() {
			return r.refuse("subsidy.line.patent.not_granted", in.AppNo)
		}
		r.Amount = rule.Face
		r.say("subsidy.line.patent.face", yuan(rule.Face))
		if p.CNIPA2021 && p.FeeShareBP > 0 {
			r.capTo(rate(in.Fee, p.FeeShareBP), "subsidy.line.patent.fee_share")
		}
	case PledgeInterest:
		if !in.Repaid {
			r.say("subsidy.line.pledge.not_repaid", in.LoanNo)
			r.Status = Pending
			return r
		}
		if p.InterestBase == "benchmark" {
			base := rate(in.Loan, in.BenchBP*int64(in.Months)/12)
			r.Amount = rate(base, rule.RateBP)
			r.say("subsidy.line.pledge.benchmark", yuan(in.Loan), pct(in.BenchBP), strconv.Itoa(in.Months), pct(rule.RateBP), yuan(r.Amount))
		} else {
			r.Amount = rate(in.Loan, rule.RateBP)
			r.say("subsidy.line.pledge.loan_rate", yuan(in.Loan), pct(rule.RateBP), yuan(r.Amount))
			r.capTo(in.Interest, "subsidy.line.pledge.interest_paid")
		}
	case PledgeAssessment, PledgeGuarantee, EnforcementInsurance:
		if rule.RateBP > 0 && in.Loan > 0 {
			r.Amount = rate(in.Loan, rule.RateBP)
			r.say("subsidy.line.pledge.loan_rate", yuan(in.Loan), pct(rule.RateBP), yuan(r.Amount))
			r.capTo(in.Fee, "subsidy.line.fee_paid")
		} else {
			r.Amount = in.Fee
			r.say("subsidy.line.fee", yuan(in.Fee))
		}
	}
	if rule.Cap > 0 {
		r.capTo(rule.Cap, "subsidy.line.claim_cap")
	}
	if rule.EnterpriseCap > 0 {
		if prior > 0 {
			r.say("subsidy.line.prior", yuan(prior))
		}
		r.capTo(rule.EnterpriseCap-prior, "subsidy.line.enterprise_cap")
	}
	if r.Amount == 0 {
		return r.refuse("subsidy.line.nothing")
	}
	return r
}

// Quarter is the quarter (1–4) of d.
func Quarter(d calendar.Date) int { return (int(d.Month)-1)/3 + 1 }

// QuarterStart is the first day of quarter q of year.
func QuarterStart(year, q int) calendar.Date {
	return calendar.Date{Year: year, Month: time.Month((q-1)*3 + 1), Day: 1}
}
