package hightech

import (
	"testing"

	"kejiju/internal/calendar"
)

func TestHTEExpiry(t *testing.T) {
	tests := []struct {
		name           string
		issued, expiry calendar.Date
	}{
		{"issued 2021-11-30 expires 2024-11-29 (3 years, inclusive of the start day)", d("2021-11-30"), d("2024-11-29")},
		{"issued 2023-11-30 expires 2026-11-29", d("2023-11-30"), d("2026-11-29")},
		{"issued 2024-03-01 expires 2027-02-28", d("2024-03-01"), d("2027-02-28")},
		{"issued on a leap day expires on 28 February", d("2020-02-29"), d("2023-02-28")},
		{"issued 1 January expires 31 December", d("2021-01-01"), d("2023-12-31")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := HTEExpiry(tc.issued); got != tc.expiry {
				t.Errorf("got %s, want %s", got, tc.expiry)
			}
		})
	}
}

func TestRecertReminderFrom(t *testing.T) {
	tests := []struct {
		name   string
		expiry calendar.Date
		lead   int
		want   calendar.Date
	}{
		{"a certificate expiring 2024-11-29 is reminded from January 2024 (lead 10 months)", d("2024-11-29"), DefaultHTE().RecertLeadMonths, d("2024-01-01")},
		{"a lead of 12 months starts in the previous year", d("2024-11-29"), 12, d("2023-11-01")},
		{"no lead starts in the month of expiry", d("2024-11-29"), 0, d("2024-11-01")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := RecertReminderFrom(tc.expiry, tc.lead); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestRevocationCandidate(t *testing.T) {
	consecutive := DefaultHTE()
	consecutive.MissedConsecutive = true
	tests := []struct {
		name      string
		p         HTEParams
		missed    []int
		candidate bool
		first     int
	}{
		{"two consecutive missed annual reports make a candidate from the first missing year", DefaultHTE(), []int{2022, 2023}, true, 2022},
		{"one missed report does not", DefaultHTE(), []int{2023}, false, 0},
		{"two missed reports in total (累计) make a candidate under the 2016 rules", DefaultHTE(), []int{2023, 2021}, true, 2021},
		{"a year listed twice counts once", DefaultHTE(), []int{2023, 2023}, false, 0},
		{"rules that require consecutive years ignore gaps", consecutive, []int{2019, 2021, 2023}, false, 0},
		{"rules that require consecutive years find the run", consecutive, []int{2019, 2022, 2021}, true, 2021},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, first := tc.p.RevocationCandidate(tc.missed)
			if got != tc.candidate || first != tc.first {
				t.Errorf("got %v %d, want %v %d", got, first, tc.candidate, tc.first)
			}
		})
	}
	if got, first := RevocationCandidate([]int{2022, 2023}); !got || first != 2022 {
		t.Errorf("RevocationCandidate: got %v %d, want true 2022", got, first)
	}
}

func TestLateChangeReport(t *testing.T) {
	tests := []struct {
		name              string
		changed, reported calendar.Date
		late              bool
	}{
		{"a rename reported 95 days after the change is late (>3 months)", d("2024-01-10"), d("2024-01-10").AddDays(95), true},
		{"reported on the same day 3 months later is in time", d("2024-01-10"), d("2024-04-10"), false},
		{"reported the day after is late", d("2024-01-10"), d("2024-04-11"), true},
		{"a change on 30 November is due by the end of February", d("2024-11-30"), d("2025-02-28"), false},
		{"and late on 1 March", d("2024-11-30"), d("2025-03-01"), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := LateChangeReport(tc.changed, tc.reported); got != tc.late {
				t.Errorf("got %v, want %v", got, tc.late)
			}
		})
	}
}

func TestUsableIP(t *testing.T) {
	items := []IPItem{
		{ID: "ZL202120000001.1", Class: 2, GrantedOn: d("2020-05-01"), UsedInHTE: 2021}, // used in a 2021 application
		{ID: "ZL202220000002.2", Class: 2, GrantedOn: d("2022-05-01")},
		{ID: "ZL202320000003.3", Class: 2, GrantedOn: d("2024-06-03"), UsedInHTE: 2024}, // this application
		{ID: "ZL202420000004.4", Class: 2, GrantedOn: d("2024-06-04")},                  // granted after applying
		{ID: "ZL202410000005.5", Class: 1, GrantedOn: d("2019-01-01"), UsedInHTE: 2021}, // Class I may be reused
		{ID: "ZL202410000006.6", Class: 1},                                              // not granted
		{ID: "trademark", Class: 0, GrantedOn: d("2019-01-01")},
	}
	applyOn := d("2024-06-03")
	if got := UsableClassII(items, applyOn); got != 2 {
		t.Errorf("a Class II patent used in a 2021 application is excluded from a 2024 re-certification: got %d usable, want 2", got)
	}
	if got := UsableClassI(items, applyOn); got != 1 {
		t.Errorf("got %d Class I, want 1", got)
	}
}
