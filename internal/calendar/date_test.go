package calendar

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Date
		wantErr bool
	}{
		{"ordinary", "2026-11-28", Date{2026, time.November, 28}, false},
		{"leap day", "2024-02-29", Date{2024, time.February, 29}, false},
		{"not a leap year", "2026-02-29", Date{}, true},
		{"day 31 in a 30-day month", "2026-04-31", Date{}, true},
		{"month 13", "2026-13-01", Date{}, true},
		{"single-digit month", "2026-1-05", Date{}, true},
		{"slashes", "2026/11/28", Date{}, true},
		{"Chinese form", "2026年11月28日", Date{}, true},
		{"year 0", "0000-01-01", Date{}, true},
		{"surrounding space", " 2026-11-28", Date{}, true},
		{"empty", "", Date{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Parse(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		name                  string
		d                     Date
		iso, chinese, english string
	}{
		{"november", MustParse("2026-11-28"), "2026-11-28", "2026年11月28日", "28 Nov 2026"},
		{"single digits", MustParse("2026-01-04"), "2026-01-04", "2026年1月4日", "4 Jan 2026"},
		{"zero", Date{}, "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.d.String(); got != tc.iso {
				t.Errorf("String: got %q, want %q", got, tc.iso)
			}
			if got := tc.d.Chinese(); got != tc.chinese {
				t.Errorf("Chinese: got %q, want %q", got, tc.chinese)
			}
			if got := tc.d.English(); got != tc.english {
				t.Errorf("English: got %q, want %q", got, tc.english)
			}
		})
	}
}

func TestWeekday(t *testing.T) {
	tests := []struct {
		d    string
		want time.Weekday
	}{
		{"2026-11-28", time.Saturday},
		{"2026-01-04", time.Sunday},
		{"2026-09-30", time.Wednesday},
		{"2024-02-29", time.Thursday},
	}
	for _, tc := range tests {
		t.Run(tc.d, func(t *testing.T) {
			if got := MustParse(tc.d).Weekday(); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestIsValid(t *testing.T) {
	tests := []struct {
		name string
		d    Date
		want bool
	}{
		{"ordinary", Date{2026, time.November, 28}, true},
		{"zero", Date{}, false},
		{"February 30", Date{2026, time.February, 30}, false},
		{"day 0", Date{2026, time.March, 0}, false},
		{"month 0", Date{2026, 0, 1}, false},
		{"year 10000", Date{10000, time.January, 1}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.d.IsValid(); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestArithmetic(t *testing.T) {
	tests := []struct {
		name string
		d    string
		n    int
		want string
	}{
		{"same day", "2026-11-28", 0, "2026-11-28"},
		{"across a month", "2026-01-31", 1, "2026-02-01"},
		{"across a leap day", "2024-02-28", 2, "2024-03-01"},
		{"across a year", "2026-12-31", 1, "2027-01-01"},
		{"backwards", "2026-03-01", -1, "2026-02-28"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := MustParse(tc.d)
			got := d.AddDays(tc.n)
			if got.String() != tc.want {
				t.Errorf("AddDays(%d): got %v, want %s", tc.n, got, tc.want)
			}
			wantCmp := 0
			switch {
			case tc.n > 0:
				wantCmp = -1
			case tc.n < 0:
				wantCmp = 1
			}
			if c := d.Compare(got); c != wantCmp {
				t.Errorf("Compare: got %d, want %d", c, wantCmp)
			}
			if d.Before(got) != (wantCmp < 0) || d.After(got) != (wantCmp > 0) {
				t.Errorf("Before/After disagree with Compare %d", wantCmp)
			}
		})
	}
}

func TestFromTime(t *testing.T) {
	instant := time.Date(2026, time.November, 27, 16, 30, 0, 0, time.UTC) // 00:30 on the 28th in Beijing
	tests := []struct {
		name string
		loc  *time.Location
		want string
	}{
		{"nil means Shanghai", nil, "2026-11-28"},
		{"Shanghai", Shanghai, "2026-11-28"},
		{"UTC", time.UTC, "2026-11-27"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := FromTime(instant, tc.loc); got.String() != tc.want {
				t.Errorf("got %v, want %s", got, tc.want)
			}
		})
	}
	if got := Today(nil); !got.IsValid() {
		t.Errorf("Today(nil) = %v, want a valid date", got)
	}
}

func TestScan(t *testing.T) {
	tests := []struct {
		name    string
		src     any
		want    Date
		wantErr bool
	}{
		{"NULL", nil, Date{}, false},
		{"SQLite TEXT", "2026-11-28", MustParse("2026-11-28"), false},
		{"bytes", []byte("2026-11-28"), MustParse("2026-11-28"), false},
		{"PostgreSQL DATE", time.Date(2026, time.November, 28, 0, 0, 0, 0, time.UTC), MustParse("2026-11-28"), false},
		{"time in another zone keeps its own date", time.Date(2026, time.November, 28, 23, 0, 0, 0, time.FixedZone("X", -5*3600)), MustParse("2026-11-28"), false},
		{"empty text", "", Date{}, false},
		{"bad text", "28/11/2026", Date{}, true},
		{"integer", int64(20261128), Date{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := MustParse("2000-01-01") // Scan must overwrite, including with NULL
			err := d.Scan(tc.src)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Scan(%v) error = %v, want error %v", tc.src, err, tc.wantErr)
			}
			if err == nil && d != tc.want {
				t.Errorf("got %v, want %v", d, tc.want)
			}
		})
	}
}

func TestValue(t *testing.T) {
	tests := []struct {
		name    string
		d       Date
		want    any
		wantErr bool
	}{
		{"date", MustParse("2026-11-28"), "2026-11-28", false},
		{"zero is NULL", Date{}, nil, false},
		{"invalid", Date{2026, time.February, 30}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.d.Value()
			if (err != nil) != tc.wantErr {
				t.Fatalf("Value() error = %v, want error %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	type form struct {
		Start    Date `json:"start"`
		Deadline Date `json:"deadline,omitzero"`
	}
	tests := []struct {
		name string
		in   form
		want string
	}{
		{"both", form{MustParse("2026-09-30"), MustParse("2026-10-12")}, `{"start":"2026-09-30","deadline":"2026-10-12"}`},
		{"zero start encodes empty, zero deadline omitted", form{}, `{"start":""}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("got %s, want %s", b, tc.want)
			}
			var back form
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if back != tc.in {
				t.Errorf("round trip: got %v, want %v", back, tc.in)
			}
		})
	}
	if _, err := json.Marshal(form{Start: Date{2026, time.February, 30}}); err == nil {
		t.Error("marshalling an invalid date: got no error")
	}
	var f form
	if err := json.Unmarshal([]byte(`{"start":"2026-02-30"}`), &f); err == nil {
		t.Error("unmarshalling 2026-02-30: got no error")
	}
}

func TestAddYears(t *testing.T) {
	tests := []struct {
		in, want string
		n        int
	}{
		{"2021-11-30", "2024-11-30", 3},
		{"2024-02-29", "2027-02-28", 3},
		{"2024-02-29", "2028-02-29", 4},
		{"2026-01-31", "2025-01-31", -1},
	}
	for _, tc := range tests {
		if got := MustParse(tc.in).AddYears(tc.n).String(); got != tc.want {
			t.Errorf("%s + %d years = %s, want %s", tc.in, tc.n, got, tc.want)
		}
	}
}
