package hightech

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/calendar"
)

func TestDefaultsValid(t *testing.T) {
	if err := DefaultHTE().Validate(); err != nil {
		t.Errorf("DefaultHTE: %v", err)
	}
	if err := DefaultSME().Validate(); err != nil {
		t.Errorf("DefaultSME: %v", err)
	}
	if len(TechAreas) != 8 {
		t.Errorf("got %d areas, want 8", len(TechAreas))
	}
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name   string
		change func(*HTEParams)
	}{
		{"no rule id", func(p *HTEParams) { p.RuleID = "" }},
		{"a window that ends before it starts", func(p *HTEParams) { p.EffectiveTo = d("2015-12-31") }},
		{"a band with Low above High", func(p *HTEParams) { p.Growth.Bands[0].Low = 11 }},
		{"bands out of order", func(p *HTEParams) { p.Conversion.Bands[1].Min = 6 }},
		{"R&D bands without an open last band", func(p *HTEParams) { p.RDRatio = p.RDRatio[:2] }},
		{"a ratio of 100% or more", func(p *HTEParams) { p.MinSTStaffBP = 10000 }},
		{"a zero scale", func(p *HTEParams) { p.Growth.Scale = 0 }},
		{"a repeated area", func(p *HTEParams) { p.TechAreas = append(p.TechAreas, p.TechAreas[0]) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultHTE()
			tc.change(&p)
			if p.Validate() == nil {
				t.Error("got no error")
			}
		})
	}
	s := DefaultSME()
	s.Personnel.Bands[0].High = -1
	if s.Validate() == nil {
		t.Error("SME: got no error for a negative band")
	}
}

// TestParamsJSON checks that both sets of rules survive storage as JSON
// data rows unchanged.
func TestParamsJSON(t *testing.T) {
	b, err := json.Marshal(DefaultPolicies())
	if err != nil {
		t.Fatal(err)
	}
	var got Policies
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(DefaultPolicies(), got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestInForce(t *testing.T) {
	old := DefaultHTE()
	old.RuleID, old.EffectiveFrom, old.EffectiveTo = "hte-2008", d("2008-01-01"), d("2015-12-31")
	next := DefaultHTE()
	next.RuleID, next.EffectiveFrom = "hte-2027", d("2027-01-01")
	list := []HTEParams{next, DefaultHTE(), old}
	tests := []struct {
		on   calendar.Date
		want string
	}{
		{d("2007-12-31"), ""},
		{d("2008-01-01"), "hte-2008"},
		{d("2015-12-31"), "hte-2008"},
		{d("2016-01-01"), "hte-2016"},
		{d("2026-12-31"), "hte-2016"},
		{d("2027-01-01"), "hte-2027"}, // the open-ended 2016 rules overlap; the later wins
	}
	for _, tc := range tests {
		p, ok := InForce(list, tc.on)
		if p.RuleID != tc.want || ok != (tc.want != "") {
			t.Errorf("%s: got %q %v, want %q", tc.on, p.RuleID, ok, tc.want)
		}
	}
	ps := DefaultPolicies()
	if p, ok := ps.SMEOn(d("2024-06-03")); !ok || p.RuleID != "sme-2017" {
		t.Errorf("SMEOn: got %q %v", p.RuleID, ok)
	}
	if _, ok := ps.SMEOn(d("2017-05-02")); ok {
		t.Error("SMEOn: rules in force before they were issued")
	}
	if p, ok := ps.HTEOn(d("2024-06-03")); !ok || p.RuleID != "hte-2016" {
		t.Errorf("HTEOn: got %q %v", p.RuleID, ok)
	}
}

// TestReplay stores params and facts as JSON, reads them back, evaluates
// again and expects the identical result; the stored result itself
// survives JSON too, and replaying it gives the original.
func TestReplay(t *testing.T) {
	f := passingHTE()
	f.Expert.NetAssetGrowth = ptr(7)
	f.STStaff = 9                             // a failing condition with a hint
	f.Years[2].RDCategories[RDOther] = w(100) // a warning
	original := EvaluateHTE(DefaultHTE(), f)

	var stored struct {
		Params HTEParams `json:"params"`
		Facts  Facts     `json:"facts"`
		Result HTEResult `json:"result"`
	}
	roundTrip(t, struct {
		Params HTEParams `json:"params"`
		Facts  Facts     `json:"facts"`
		Result HTEResult `json:"result"`
	}{DefaultHTE(), f, original}, &stored)

	if diff := cmp.Diff(original, EvaluateHTE(stored.Params, stored.Facts)); diff != "" {
		t.Errorf("re-evaluation (-original +replayed):\n%s", diff)
	}
	if diff := cmp.Diff(original, stored.Result); diff != "" {
		t.Errorf("stored result (-original +stored):\n%s", diff)
	}
	replayed, ok := ReplayHTE(stored.Params, stored.Result)
	if !ok {
		t.Fatal("ReplayHTE refused the rules it names")
	}
	if diff := cmp.Diff(original, replayed); diff != "" {
		t.Errorf("ReplayHTE (-original +replayed):\n%s", diff)
	}
	other := DefaultHTE()
	other.RuleID = "hte-2027"
	if _, ok := ReplayHTE(other, stored.Result); ok {
		t.Error("ReplayHTE accepted another version of the rules")
	}
}

func TestReplaySME(t *testing.T) {
	direct := DirectFacts{HTECertificate: "GR202334000123", HTEIssuedOn: d("2023-11-30"), HTEExpiresOn: d("2026-11-29")}
	f := sme()
	f.STStaff = 10
	original := EvaluateSME(DefaultSME(), f, RDBest, direct)
	var stored struct {
		Params SMEParams `json:"params"`
		Result SMEResult `json:"result"`
	}
	roundTrip(t, struct {
		Params SMEParams `json:"params"`
		Result SMEResult `json:"result"`
	}{DefaultSME(), original}, &stored)
	if diff := cmp.Diff(original, stored.Result); diff != "" {
		t.Errorf("stored result (-original +stored):\n%s", diff)
	}
	replayed, ok := ReplaySME(stored.Params, stored.Result)
	if !ok {
		t.Fatal("ReplaySME refused the rules it names")
	}
	if diff := cmp.Diff(original, replayed); diff != "" {
		t.Errorf("ReplaySME (-original +replayed):\n%s", diff)
	}
}

func roundTrip(t *testing.T, v, out any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
}
