package calendar

import (
	"testing"
	"time"
)

func TestDefault(t *testing.T) {
	c := Default()
	counts := map[int]map[Kind]int{}
	for _, e := range c.Entries() {
		if counts[e.Date.Year] == nil {
			counts[e.Date.Year] = map[Kind]int{}
		}
		counts[e.Date.Year][e.Kind]++
		if e.Name == "" {
			t.Errorf("entry on %v has no name", e.Date)
		}
		wd := e.Date.Weekday()
		if e.Kind == Workday && wd != time.Saturday && wd != time.Sunday {
			t.Errorf("make-up working day %v (%s) is a %v, want a weekend day", e.Date, e.Name, wd)
		}
	}
	// Day counts as stated in the notices: 2025 has 1+8+3+5+3+8 days off and
	// 5 make-up days; 2026 has 3+9+3+5+3+3+7 and 6; 2027 lists only the
	// 13 statutory days.
	want := map[int]map[Kind]int{
		2025: {Holiday: 28, Workday: 5},
		2026: {Holiday: 33, Workday: 6},
		2027: {Holiday: 13},
	}
	for year, w := range want {
		for _, k := range []Kind{Holiday, Workday} {
			if got := counts[year][k]; got != w[k] {
				t.Errorf("%d %v entries: got %d, want %d", year, k, got, w[k])
			}
		}
	}
	if len(counts) != len(want) {
		t.Errorf("years with entries: got %d, want %d", len(counts), len(want))
	}
}

func TestConfirmed(t *testing.T) {
	tests := []struct {
		year int
		want bool
	}{
		{2024, false}, // no data
		{2025, true},
		{2026, true},
		{2027, false}, // provisional until the notice is published
		{2028, false},
	}
	for _, tc := range tests {
		if got := Default().Confirmed(tc.year); got != tc.want {
			t.Errorf("Confirmed(%d): got %v, want %v", tc.year, got, tc.want)
		}
	}
}

func TestIsWorkday(t *testing.T) {
	tests := []struct {
		name string
		d    string
		want bool
	}{
		{"ordinary Wednesday", "2026-09-30", true},
		{"ordinary Saturday", "2026-11-28", false},
		{"ordinary Sunday", "2026-11-29", false},
		{"元旦 2025 (Wednesday, no make-up day)", "2025-01-01", false},
		{"春节 2025 Sunday make-up day", "2025-01-26", true},
		{"春节 2025 last day, a Tuesday", "2025-02-04", false},
		{"春节 2025 Saturday make-up day", "2025-02-08", true},
		{"国庆中秋 2025 eighth day", "2025-10-08", false},
		{"国庆中秋 2025 Saturday make-up day", "2025-10-11", true},
		{"元旦 2026 Sunday make-up day", "2026-01-04", true},
		{"春节 2026 Monday", "2026-02-23", false},
		{"中秋 2026 Friday", "2026-09-25", false},
		{"国庆 2026 Sunday make-up day", "2026-09-20", true},
		{"国庆 2026 Wednesday", "2026-10-07", false},
		{"国庆 2026 Saturday make-up day", "2026-10-10", true},
		{"春节 2027 provisional Monday", "2027-02-08", false},
		{"2028 follows the ordinary week", "2028-01-03", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Default().IsWorkday(MustParse(tc.d)); got != tc.want {
				t.Errorf("IsWorkday(%s): got %v, want %v", tc.d, got, tc.want)
			}
		})
	}
}

func TestAddWorkdays(t *testing.T) {
	tests := []struct {
		name string
		d    string
		n    int
		want string
	}{
		{"zero is the day itself", "2026-10-03", 0, "2026-10-03"},
		{"ordinary week", "2026-11-23", 5, "2026-11-30"},
		{"from a Saturday", "2026-11-28", 1, "2026-11-30"},
		{"across 国庆 2026 with a make-up Saturday", "2026-09-30", 5, "2026-10-13"},
		{"into a make-up Saturday", "2026-09-30", 3, "2026-10-10"},
		{"onto the make-up Sunday before 国庆 2026", "2026-09-18", 1, "2026-09-20"},
		{"10 working days across 春节 2026", "2026-02-12", 10, "2026-03-04"},
		{"across 国庆中秋 2025 onto a make-up Saturday", "2025-09-29", 4, "2025-10-11"},
		{"across the year end", "2025-12-30", 2, "2026-01-04"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Default().AddWorkdays(MustParse(tc.d), tc.n)
			if got.String() != tc.want {
				t.Errorf("AddWorkdays(%s, %d): got %v, want %s", tc.d, tc.n, got, tc.want)
			}
		})
	}
}

func TestPublicityEnd(t *testing.T) {
	tests := []struct {
		name     string
		start    string
		workdays int
		want     string
	}{
		{"one day on a working day", "2026-11-27", 1, "2026-11-27"},
		{"one day starting on a Saturday", "2026-11-28", 1, "2026-11-30"},
		{"5 days across 国庆 2026", "2026-09-30", 5, "2026-10-12"},
		{"5 days starting on a holiday", "2026-10-01", 5, "2026-10-13"},
		{"10-day HTE list from a make-up Sunday", "2026-09-20", 10, "2026-10-09"},
		{"7 days ordinary", "2024-10-24", 7, "2024-11-01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Default().PublicityEnd(MustParse(tc.start), tc.workdays)
			if got.String() != tc.want {
				t.Errorf("PublicityEnd(%s, %d): got %v, want %s", tc.start, tc.workdays, got, tc.want)
			}
		})
	}
}

func TestWorkdaysBetween(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{"same day", "2026-09-30", "2026-09-30", 0},
		{"b before a", "2026-10-13", "2026-09-30", 0},
		{"across 国庆 2026", "2026-09-30", "2026-10-13", 5},
		{"a weekend only", "2026-11-27", "2026-11-29", 0},
		{"whole 2026", "2025-12-31", "2026-12-31", 248},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Default().WorkdaysBetween(MustParse(tc.a), MustParse(tc.b))
			if got != tc.want {
				t.Errorf("WorkdaysBetween(%s, %s): got %d, want %d", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

// TestAddWorkdaysAgreesWithWorkdaysBetween checks, for every start day of
// 2025–2027 and counts up to 30, that WorkdaysBetween undoes AddWorkdays, that
// the result is a working day, and that PublicityEnd covers exactly the
// requested number of working days.
func TestAddWorkdaysAgreesWithWorkdaysBetween(t *testing.T) {
	c := Default()
	for d := MustParse("2025-01-01"); d.Year <= 2027; d = d.AddDays(1) {
		for n := 1; n <= 30; n++ {
			end := c.AddWorkdays(d, n)
			if got := c.WorkdaysBetween(d, end); got != n {
				t.Fatalf("WorkdaysBetween(%v, AddWorkdays(%v, %d) = %v): got %d, want %d", d, d, n, end, got, n)
			}
			if !c.IsWorkday(end) {
				t.Fatalf("AddWorkdays(%v, %d) = %v is not a working day", d, n, end)
			}
			pub := c.PublicityEnd(d, n)
			if got := c.WorkdaysBetween(d.AddDays(-1), pub); got != n || !c.IsWorkday(pub) {
				t.Fatalf("PublicityEnd(%v, %d) = %v covers %d working days, want %d ending on a working day", d, n, pub, got, n)
			}
		}
	}
}

func TestNew(t *testing.T) {
	d := MustParse("2026-11-30") // a Monday
	own := []Entry{{Date: d, Kind: Holiday, Name: "区级活动"}}
	c, err := New(append(Default().Entries(), own...))
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkday(d) {
		t.Errorf("IsWorkday(%v) with a Holiday entry: got true, want false", d)
	}
	if got, want := len(c.Entries()), len(Default().Entries())+1; got != want {
		t.Errorf("entries: got %d, want %d", got, want)
	}

	// A later entry for the same date replaces the earlier one.
	c, err = New(append(own, Entry{Date: d, Kind: Workday, Name: "更正"}))
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := c.Lookup(d); e.Name != "更正" || !c.IsWorkday(d) {
		t.Errorf("Lookup(%v): got %+v, want the later Workday entry", d, e)
	}

	bad := []struct {
		name  string
		entry Entry
	}{
		{"zero date", Entry{Kind: Holiday, Name: "x"}},
		{"invalid date", Entry{Date: Date{2026, time.February, 30}, Kind: Holiday, Name: "x"}},
		{"zero kind", Entry{Date: d, Name: "x"}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New([]Entry{tc.entry}); err == nil {
				t.Errorf("New(%+v): got no error", tc.entry)
			}
		})
	}
}

func TestNegativeCountsPanic(t *testing.T) {
	tests := []struct {
		name string
		call func()
	}{
		{"AddWorkdays -1", func() { Default().AddWorkdays(MustParse("2026-01-05"), -1) }},
		{"PublicityEnd 0", func() { Default().PublicityEnd(MustParse("2026-01-05"), 0) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("got no panic")
				}
			}()
			tc.call()
		})
	}
}
