package ident

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/calendar"
	"kejiju/internal/region"
)

var today = calendar.MustParse("2026-06-30")

func TestParseResidentID(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want ResidentID
		kind Kind
	}{
		// §3.2 worked examples and the testable rules.
		{"worked example with X", "11010519491231002X",
			ResidentID{RegionCode{"110105"}, calendar.MustParse("1949-12-31"), 2, 'X'}, 0},
		{"lower-case x is upper-cased", "11010519491231002x",
			ResidentID{RegionCode{"110105"}, calendar.MustParse("1949-12-31"), 2, 'X'}, 0},
		{"born 1880", "440524188001010014",
			ResidentID{RegionCode{"440524"}, calendar.MustParse("1880-01-01"), 1, '4'}, 0},
		{"February 31 is not a date", "11010519490231002X", ResidentID{}, KindDate},
		// Synthetic Fuyang vectors.
		{"颍州区, male", "341202199001011232",
			ResidentID{RegionCode{"341202"}, calendar.MustParse("1990-01-01"), 123, '2'}, 0},
		{"颍东区, female", "341203198512310025",
			ResidentID{RegionCode{"341203"}, calendar.MustParse("1985-12-31"), 2, '5'}, 0},
		{"临泉县", "341221197002280012",
			ResidentID{RegionCode{"341221"}, calendar.MustParse("1970-02-28"), 1, '2'}, 0},
		// Residence permits of Hong Kong and Taiwan residents.
		{"Hong Kong permit", "810000199001011230",
			ResidentID{RegionCode{"810000"}, calendar.MustParse("1990-01-01"), 123, '0'}, 0},
		{"Taiwan permit", "830000199001011234",
			ResidentID{RegionCode{"830000"}, calendar.MustParse("1990-01-01"), 123, '4'}, 0},
		// Normalisation.
		{"full-width with spaces", " ３４１２０２１９９００１０１１２３２ ",
			ResidentID{RegionCode{"341202"}, calendar.MustParse("1990-01-01"), 123, '2'}, 0},
		// Failures.
		{"wrong check character", "341202199001011233", ResidentID{}, KindChecksum},
		{"empty", "", ResidentID{}, KindEmpty},
		{"old 15-digit number", "341202900101123", ResidentID{}, KindLength},
		{"X inside", "3412021990010112X2", ResidentID{}, KindCharset},
		{"unknown province", "991202199001011233", ResidentID{}, KindRegion},
		{"born in the future", "341202209901011234", ResidentID{}, KindFuture},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseResidentID(tc.in, today)
			checkErr(t, err, SchemeResidentID, tc.kind)
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(RegionCode{})); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResidentIDParts(t *testing.T) {
	// §3 testable rule: 341203198512310025 is a woman born 1985-12-31 in
	// county 341203 (颍东区; the name comes from the region package).
	id, err := ParseResidentID("341203198512310025", today)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		part      string
		got, want any
	}{
		{"Gender", id.Gender(), Female},
		{"Gender.Chinese", id.Gender().Chinese(), "女"},
		{"Birth", id.Birth.String(), "1985-12-31"},
		{"Region", id.Region.String(), "341203"},
		{"Region level", id.Region.Level(), region.County},
		{"String", id.String(), "341203198512310025"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.part, tc.got, tc.want)
		}
	}
	if g := (ResidentID{Sequence: 123}).Gender(); g != Male || g.English() != "male" {
		t.Errorf("sequence 123: got %v, want male", g.English())
	}
}

func TestBornToday(t *testing.T) {
	first17 := "341202" + "20260630" + "123"
	c, err := ResidentIDCheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	id := first17 + string(c)
	if _, err := ParseResidentID(id, today); err != nil {
		t.Errorf("born today: got %v, want no error", err)
	}
	_, err = ParseResidentID(id, today.AddDays(-1))
	checkErr(t, err, SchemeResidentID, KindFuture)
}

func TestResidentIDCheckChar(t *testing.T) {
	tests := []struct {
		first17 string
		want    byte
		wantErr bool
	}{
		{"11010519491231002", 'X', false},
		{"44052418800101001", '4', false},
		{"34120319851231002", '5', false},
		{"1101051949123100", 0, true},
		{"1101051949123100A", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.first17, func(t *testing.T) {
			got, err := ResidentIDCheckChar(tc.first17)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("got %q, %v, want %q (error %v)", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestMaskResidentID(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"341202199001011232", "3412**********1232"},
		{"11010519491231002X", "1101**********002X"},
		{"341202900101123", "3412*******1123"},
		{"123456789", "1234*6789"},
		{"12345678", "********"},
		{"", ""},
		{"３４１２０２１９９００１０１１２３２", "３４１２**********１２３２"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := MaskResidentID(tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
