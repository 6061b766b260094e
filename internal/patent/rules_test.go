package patent

import (
	"testing"

	"kejiju/internal/calendar"
	"kejiju/internal/ident"
)

func TestTypeOf(t *testing.T) {
	tests := []struct {
		no   string
		typ  string
		pct  bool
		year int
	}{
		{"201911050262.8", Invention, false, 2019},
		{"202081234567.5", Invention, true, 2020},
		{"201721234567.0", Utility, false, 2017},
		{"98805256.3", Invention, true, 1998},
		{"00215608.3", Utility, false, 2000},
	}
	for _, tc := range tests {
		n, err := ident.ParsePatentNumber(tc.no)
		if err != nil {
			t.Fatalf("%s: %v", tc.no, err)
		}
		typ, pct := TypeOf(n)
		if typ != tc.typ || pct != tc.pct || n.Year != tc.year {
			t.Errorf("%s: got %s pct=%v year %d, want %s pct=%v year %d", tc.no, typ, pct, n.Year, tc.typ, tc.pct, tc.year)
		}
	}
	// Every type digit maps to one of the three counted types, the design
	// digit to design.
	for _, d := range []ident.PatentType{ident.Invention, ident.UtilityModel, ident.Design, ident.PCTInvention, ident.PCTUtilityModel} {
		typ, pct := TypeOf(ident.PatentNumber{Type: d})
		want := map[ident.PatentType]string{1: Invention, 2: Utility, 3: Design, 8: Invention, 9: Utility}[d]
		if typ != want || pct != (d >= 8) {
			t.Errorf("type digit %d: got %s pct=%v", d, typ, pct)
		}
	}
}

func TestCanMove(t *testing.T) {
	tests := []struct {
		from, to string
		ok       bool
	}{
		{Applied, Granted, true},
		{Applied, Valid, true},
		{Applied, Rejected, true},
		{Applied, Withdrawn, true},
		{Applied, Lapsed, false},
		{Granted, Valid, true},
		{Granted, Lapsed, true},
		{Granted, Applied, false},
		{Valid, Lapsed, true},
		{Valid, Granted, false},
		{Lapsed, Valid, true},
		{Rejected, Applied, false},
		{Rejected, Granted, false},
		{Withdrawn, Applied, false},
		{Applied, Applied, false},
		{"", Applied, false},
	}
	for _, tc := range tests {
		if got := CanMove(tc.from, tc.to); got != tc.ok {
			t.Errorf("CanMove(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.ok)
		}
	}
}

func TestCanMoveLoan(t *testing.T) {
	tests := []struct {
		from, to string
		ok       bool
	}{
		{LoanApplying, LoanRegistered, true},
		{LoanApplying, LoanRepaid, false},
		{LoanRegistered, LoanRepaid, true},
		{LoanRegistered, LoanDefaulted, true},
		{LoanRepaid, LoanDefaulted, false},
		{LoanDefaulted, LoanRepaid, false},
	}
	for _, tc := range tests {
		if got := CanMoveLoan(tc.from, tc.to); got != tc.ok {
			t.Errorf("CanMoveLoan(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.ok)
		}
	}
}

func TestCheckDates(t *testing.T) {
	n, _ := ident.ParsePatentNumber("201911050262.8")
	d := calendar.MustParse
	var zero calendar.Date
	tests := []struct {
		name           string
		status         string
		applied, grant calendar.Date
		field, key     string
	}{
		{"applied, no grant", Applied, d("2019-07-02"), zero, "", ""},
		{"granted with date", Granted, d("2019-07-02"), d("2021-03-05"), "", ""},
		{"no application date", Applied, zero, zero, "application_date", "error.required"},
		{"applied after the number's year", Applied, d("2020-01-02"), zero, "application_date", "patent.date.year_mismatch"},
		{"divisional keeps an earlier date", Applied, d("2017-05-02"), zero, "", ""},
		{"granted without date", Granted, d("2019-07-02"), zero, "grant_date", "patent.date.grant_required"},
		{"lapsed without date", Lapsed, d("2019-07-02"), zero, "grant_date", "patent.date.grant_required"},
		{"rejected with grant date", Rejected, d("2019-07-02"), d("2020-07-02"), "grant_date", "patent.date.grant_unexpected"},
		{"grant before application", Valid, d("2019-07-02"), d("2019-07-01"), "grant_date", "patent.date.grant_before_application"},
		{"grant on the application day", Valid, d("2019-07-02"), d("2019-07-02"), "", ""},
	}
	for _, tc := range tests {
		field, key := CheckDates(n, tc.status, tc.applied, tc.grant)
		if field != tc.field || key != tc.key {
			t.Errorf("%s: got %q %q, want %q %q", tc.name, field, key, tc.field, tc.key)
		}
	}
}

func TestPeriod(t *testing.T) {
	tests := []struct {
		p           Period
		from, until string
		label       string
	}{
		{Period{2026, Month, 2}, "2026-02-01", "2026-03-01", "2026年2月"},
		{Period{2026, Month, 12}, "2026-12-01", "2027-01-01", "2026年12月"},
		{Period{2026, Quarter, 1}, "2026-01-01", "2026-04-01", "2026年第一季度"},
		{Period{2026, Quarter, 4}, "2026-10-01", "2027-01-01", "2026年第四季度"},
		{Period{2026, Half, 1}, "2026-01-01", "2026-07-01", "2026年上半年"},
		{Period{2026, Half, 2}, "2026-07-01", "2027-01-01", "2026年下半年"},
		{Period{2026, Year, 0}, "2026-01-01", "2027-01-01", "2026年"},
		{Period{2026, ToMonth, 5}, "2026-01-01", "2026-06-01", "2026年1–5月"},
		{Period{2026, ToMonth, 1}, "2026-01-01", "2026-02-01", "2026年1月"},
	}
	for _, tc := range tests {
		if !tc.p.Valid() {
			t.Errorf("%+v: not valid", tc.p)
		}
		from, until := tc.p.Range()
		if from.String() != tc.from || until.String() != tc.until || tc.p.Label() != tc.label {
			t.Errorf("%+v: got %s – %s %q, want %s – %s %q", tc.p, from, until, tc.p.Label(), tc.from, tc.until, tc.label)
		}
		ly := tc.p.LastYear()
		lf, lu := ly.Range()
		if lf.Year != from.Year-1 || lf.Month != from.Month || lu.Month != until.Month || lu.Year != until.Year-1 {
			t.Errorf("%+v: last year %s – %s", tc.p, lf, lu)
		}
		// Contains agrees with the range at its edges.
		if !tc.p.Contains(from) || tc.p.Contains(until) || tc.p.Contains(from.AddDays(-1)) || !tc.p.Contains(until.AddDays(-1)) {
			t.Errorf("%+v: Contains disagrees with the range at its edges", tc.p)
		}
	}
	for _, p := range []Period{{2026, Month, 0}, {2026, Month, 13}, {2026, Quarter, 5}, {2026, Half, 3}, {2026, ToMonth, 0}, {1984, Year, 0}, {2026, "week", 1}} {
		if p.Valid() {
			t.Errorf("%+v: valid, want invalid", p)
		}
	}
}

func TestBucket(t *testing.T) {
	// Every month falls into the bucket whose period contains it.
	for _, kind := range []PeriodKind{Month, Quarter, Half, Year} {
		for m := 1; m <= 12; m++ {
			b := Bucket(kind, m)
			if b < 0 || b >= Buckets(kind) {
				t.Fatalf("%s month %d: bucket %d of %d", kind, m, b, Buckets(kind))
			}
			p := Period{Year: 2026, Kind: kind, N: b + 1}
			if !p.Contains(calendar.Date{Year: 2026, Month: monthOf(m), Day: 15}) {
				t.Errorf("%s month %d: bucket %d's period %s does not contain it", kind, m, b, p.Label())
			}
		}
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		now, then int
		diff      int
		pct       string
	}{
		{44, 40, 4, "+10.0%"},
		{2, 8, -6, "−75.0%"},
		{5, 0, 5, "—"},
		{0, 0, 0, "—"},
		{1, 3, -2, "−66.7%"},
		{2, 3, -1, "−33.3%"},
		{7, 8, -1, "−12.5%"}, // exactly half a tenth: away from zero
		{9, 8, 1, "+12.5%"},  // exactly half a tenth: away from zero
		{1001, 1000, 1, "+0.1%"},
		{10, 10, 0, "+0.0%"},
	}
	for _, tc := range tests {
		c := Compare(tc.now, tc.then)
		if c.Diff != tc.diff || c.Percent() != tc.pct {
			t.Errorf("Compare(%d, %d) = %+v %s, want diff %d %s", tc.now, tc.then, c, c.Percent(), tc.diff, tc.pct)
		}
	}
}

func TestPerTenThousand(t *testing.T) {
	tests := []struct {
		count int
		pop   int64
		want  string
	}{
		{1234, 1_000_000, "12.34"},
		{1, 30_000, "0.33"},
		{1, 8_000, "1.25"},
		{1, 16_000, "0.63"}, // 0.625 rounds half up
		{0, 500_000, "0.00"},
		{5, 0, "—"},
	}
	for _, tc := range tests {
		if got := FormatRatio(PerTenThousand(tc.count, tc.pop)); got != tc.want {
			t.Errorf("PerTenThousand(%d, %d) = %s, want %s", tc.count, tc.pop, got, tc.want)
		}
	}
}
