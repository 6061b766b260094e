package hightech

import (
	"strings"

	"kejiju/internal/i18n"
)

// The results with every message rendered in one language, for the pages
// and for API clients that show them as they are.

// TextCondition is a Condition in words.
type TextCondition struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Pass    bool     `json:"pass"`
	Explain []string `json:"explain"`
}

// TextIndicator is an Indicator in words.
type TextIndicator struct {
	Name    string `json:"name"`
	Band    string `json:"band"`
	Low     int    `json:"low"`
	High    int    `json:"high"`
	Points  int    `json:"points"`
	Max     int    `json:"max"`
	Value   string `json:"value,omitempty"`
	Explain string `json:"explain"`
}

// TextGroup is a Group in words.
type TextGroup struct {
	Name    string          `json:"name"`
	Items   []TextIndicator `json:"items"`
	Sum     int             `json:"sum"`
	Points  int             `json:"points"`
	Max     int             `json:"max"`
	Explain string          `json:"explain"`
}

// TextHTE is an HTEResult in words.
type TextHTE struct {
	RuleID       string          `json:"rule_id"`
	Document     string          `json:"document"`
	Pass         bool            `json:"pass"`
	Failing      []string        `json:"failing"` // ids of the failing conditions
	Conditions   []TextCondition `json:"conditions"`
	IP           TextGroup       `json:"ip"`
	Conversion   TextIndicator   `json:"conversion"`
	Organisation TextGroup       `json:"organisation"`
	Growth       TextGroup       `json:"growth"`
	Total        int             `json:"total"`
	Hints        []string        `json:"hints"`
	Problems     []string        `json:"problems"`
	Warnings     []string        `json:"warnings"`
}

// TextSME is an SMEResult in words.
type TextSME struct {
	RuleID       string          `json:"rule_id"`
	Document     string          `json:"document"`
	Pass         bool            `json:"pass"`
	Basis        string          `json:"basis"`
	BasisText    string          `json:"basis_text"`
	Failing      []string        `json:"failing"`
	Conditions   []TextCondition `json:"conditions"`
	Personnel    TextIndicator   `json:"personnel"`
	RDBySales    TextIndicator   `json:"rd_by_sales"`
	RDByCost     TextIndicator   `json:"rd_by_cost"`
	RD           TextIndicator   `json:"rd"`
	RDUsed       string          `json:"rd_used"`
	Achievements TextIndicator   `json:"achievements"`
	Total        int             `json:"total"`
	Hints        []string        `json:"hints"`
	Problems     []string        `json:"problems"`
}

func textsOf(p *i18n.Printer, ms []Message) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.Text(p))
	}
	return out
}

func textConditions(p *i18n.Printer, cs []Condition) []TextCondition {
	out := make([]TextCondition, 0, len(cs))
	for _, c := range cs {
		out = append(out, TextCondition{ID: c.ID, Name: c.Name.Text(p), Pass: c.Pass, Explain: textsOf(p, c.Explain)})
	}
	return out
}

func textIndicator(p *i18n.Printer, in Indicator) TextIndicator {
	t := TextIndicator{Name: in.Name.Text(p), Band: in.Band, Low: in.Low, High: in.High, Points: in.Points, Max: in.Max, Value: in.Value}
	if in.Explain.Key != "" {
		t.Explain = in.Explain.Text(p)
	}
	return t
}

func textGroup(p *i18n.Printer, g Group) TextGroup {
	t := TextGroup{Name: g.Name.Text(p), Sum: g.Sum, Points: g.Points, Max: g.Max, Explain: g.Explain.Text(p)}
	for _, it := range g.Items {
		t.Items = append(t.Items, textIndicator(p, it))
	}
	return t
}

// HTEText renders r in the language of p.
func HTEText(p *i18n.Printer, r HTEResult) TextHTE {
	return TextHTE{
		RuleID: r.RuleID, Document: r.Document, Pass: r.Pass, Failing: nonNil(Failing(r.Conditions)),
		Conditions: textConditions(p, r.Conditions),
		IP:         textGroup(p, r.Score.IP), Conversion: textIndicator(p, r.Score.Conversion),
		Organisation: textGroup(p, r.Score.Organisation), Growth: textGroup(p, r.Score.Growth), Total: r.Score.Total,
		Hints: textsOf(p, r.Hints), Problems: textsOf(p, r.Problems), Warnings: textsOf(p, r.Warnings),
	}
}

// BasisKey returns the message key that names an SME basis (BasisScore,
// Direct…), or that says it fails when basis is "".
func BasisKey(basis string) string {
	if basis == "" {
		return "hightech.ui.basis.none"
	}
	return "hightech.ui.basis." + strings.ToLower(basis)
}

// SMEText renders r in the language of p.
func SMEText(p *i18n.Printer, r SMEResult) TextSME {
	s := r.Score
	return TextSME{
		RuleID: r.RuleID, Document: r.Document, Pass: r.Pass, Basis: r.Basis, BasisText: p.T(BasisKey(r.Basis)),
		Failing: nonNil(Failing(r.Conditions)), Conditions: textConditions(p, r.Conditions),
		Personnel: textIndicator(p, s.Personnel), RDBySales: textIndicator(p, s.RDBySales), RDByCost: textIndicator(p, s.RDByCost),
		RD: textIndicator(p, s.RD), RDUsed: string(s.RDUsed), Achievements: textIndicator(p, s.Achievements), Total: s.Total,
		Hints: textsOf(p, r.Hints), Problems: textsOf(p, r.Problems),
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
