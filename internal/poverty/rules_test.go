package poverty

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/ident"
)

// randomID returns a valid resident ID number: an Anhui address code, a
// real birth date between 1930 and 2020, a sequence number and the check
// character of GB 11643.
func randomID(r *rand.Rand) string {
	regions := []string{"341203", "341202", "341221", "340104", "341282"}
	birth := calendar.Date{Year: 1930, Month: 1, Day: 1}.AddDays(r.IntN(90 * 365))
	first17 := fmt.Sprintf("%s%04d%02d%02d%03d", regions[r.IntN(len(regions))], birth.Year, int(birth.Month), birth.Day, r.IntN(1000))
	c, err := ident.ResidentIDCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}

var maskRE = regexp.MustCompile(`^[0-9]{4}\*{10}[0-9]{3}[0-9X]$`)

// TestMaskIDProperty: for random valid ID numbers, the mask keeps the
// first four and the last four characters, keeps the length, stars the
// rest, and so never shows the birth date (characters 7–14).
func TestMaskIDProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	today := calendar.Date{Year: 2026, Month: 11, Day: 29}
	for range 2000 {
		id := randomID(r)
		if _, err := ident.ParseResidentID(id, today); err != nil {
			t.Fatalf("generator made an invalid ID: %v", err)
		}
		m := MaskID(id)
		switch {
		case len(m) != len(id):
			t.Fatalf("MaskID(%s) = %s: length %d, want %d", id, m, len(m), len(id))
		case m[:4] != id[:4] || m[14:] != id[14:]:
			t.Fatalf("MaskID(%s) = %s: first four and last four not kept", id, m)
		case !maskRE.MatchString(m):
			t.Fatalf("MaskID(%s) = %s: not 4 digits, 10 stars, 4 characters", id, m)
		case strings.Contains(m, id[6:14]):
			t.Fatalf("MaskID(%s) = %s shows the birth date", id, m)
		}
	}
}

func TestMaskPhoneAndName(t *testing.T) {
	tests := []struct{ in, phone, name string }{
		{"13812341234", "138****1234", "-"},
		{"0558-2210000", "055*****0000", "-"},
		{"1234567", "*******", "-"},
		{"张三", "-", "张*"},
		{"李小山", "-", "李**"},
		{"欧阳小明", "-", "欧阳**"},
		{"", "", ""},
	}
	for _, tc := range tests {
		if got := MaskPhone(tc.in); tc.phone != "-" && got != tc.phone {
			t.Errorf("MaskPhone(%q) = %q, want %q", tc.in, got, tc.phone)
		}
		if got := MaskName(tc.in); tc.name != "-" && got != tc.name {
			t.Errorf("MaskName(%q) = %q, want %q", tc.in, got, tc.name)
		}
	}
}

func fieldKey(err error) (string, string) {
	if p, ok := errors.AsType[i18n.Problems](err); ok && len(p) > 0 {
		return p[0].Field, p[0].Key
	}
	if e, ok := errors.AsType[*i18n.Error](err); ok {
		return e.Field, e.Key
	}
	return "", ""
}

func TestParseID(t *testing.T) {
	today := calendar.Date{Year: 2026, Month: 11, Day: 29}
	tests := []struct {
		in, want, key string
	}{
		{"341202199001011232", "341202199001011232", ""},
		{" 11010519491231002x ", "11010519491231002X", ""},
		{"341202199001011233", "", "ident.resident_id.checksum"},
		{"34120219900101123", "", "ident.resident_id.length"},
		{"341202203001011232", "", "ident.resident_id.future"},
		{"", "", "ident.resident_id.empty"},
	}
	for _, tc := range tests {
		got, err := ParseID("head_id", tc.in, today)
		field, key := fieldKey(err)
		if got != tc.want || key != tc.key || (err != nil && field != "head_id") {
			t.Errorf("ParseID(%q) = %q, %s %s; want %q, %s on head_id", tc.in, got, field, key, tc.want, tc.key)
		}
		if err != nil && strings.Contains(err.Error(), strings.TrimSpace(tc.in)) && tc.in != "" {
			t.Errorf("ParseID(%q): the error %q holds the number", tc.in, err)
		}
	}
}

func TestCheckStatusMove(t *testing.T) {
	d := func(s string) calendar.Date { return calendar.MustParse(s) }
	var zero calendar.Date
	tests := []struct {
		name, from, to string
		prev, on       calendar.Date
		reason         string
		field, key     string
	}{
		{"unchanged", NotOut, NotOut, zero, zero, "", "", ""},
		{"out of poverty", NotOut, Out, zero, d("2026-06-30"), "", "", ""},
		{"out needs a date", NotOut, Out, zero, zero, "", "status_on", "poverty.status.date_required"},
		{"straight to monitoring", NotOut, Monitoring, zero, d("2026-06-30"), "", "status", "poverty.status.bad_move"},
		{"into monitoring", Out, Monitoring, d("2025-12-20"), d("2026-06-30"), "", "", ""},
		{"date before the last", Out, Monitoring, d("2026-07-01"), d("2026-06-30"), "", "status_on", "poverty.status.date_before"},
		{"return needs a reason", Monitoring, NotOut, d("2026-01-01"), d("2026-06-30"), " ", "reason", "poverty.status.return_reason"},
		{"return with a reason", Out, NotOut, d("2026-01-01"), d("2026-06-30"), "因病返贫", "", ""},
		{"unknown status", Out, "green", zero, d("2026-06-30"), "", "status", "error.invalid_value"},
	}
	for _, tc := range tests {
		err := CheckStatusMove(tc.from, tc.to, tc.prev, tc.on, tc.reason)
		field, key := fieldKey(err)
		if field != tc.field || key != tc.key {
			t.Errorf("%s: got %s %s (%v), want %s %s", tc.name, field, key, err, tc.field, tc.key)
		}
	}
}

func TestProposeAndDiff(t *testing.T) {
	before := Fields{HeadName: "李大山", MembersCount: 4, CauseCode: CauseIllness, Status: NotOut, Cadre: "王干部"}
	after, err := Propose(before, map[string]string{"members_count": "5", "status": "out", "status_on": "2026-10-01", "cadre": "赵干部"}, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{
		{Field: "members_count", Before: "4", After: "5"},
		{Field: "status", Before: "not_out", After: "out"},
		{Field: "status_on", Before: "", After: "2026-10-01"},
		{Field: "cadre", Before: "王干部", After: "赵干部"},
	}
	if diff := cmp.Diff(want, Diff(before, after)); diff != "" {
		t.Errorf("Diff (-want +got):\n%s", diff)
	}
	refused := []struct {
		name       string
		proposed   map[string]string
		field, key string
	}{
		{"nothing", map[string]string{}, "fields", "poverty.change.empty"},
		{"unknown field", map[string]string{"head_id": "341202199001011232"}, "fields", "poverty.change.unknown_field"},
		{"bad count", map[string]string{"members_count": "四"}, "members_count", "error.invalid_value"},
		{"too many members", map[string]string{"members_count": "31"}, "members_count", "poverty.bad_members"},
		{"unknown cause", map[string]string{"cause_code": "BAD_LUCK"}, "cause_code", "poverty.bad_cause"},
		{"other without a note", map[string]string{"cause_code": "OTHER"}, "cause_note", "poverty.cause_note_required"},
		{"out without a date", map[string]string{"status": "out"}, "status_on", "poverty.status.date_required"},
		{"empty name", map[string]string{"head_name": " "}, "head_name", "error.required"},
	}
	for _, tc := range refused {
		got, err := Propose(before, tc.proposed, "")
		field, key := fieldKey(err)
		if field != tc.field || key != tc.key {
			t.Errorf("%s: got %s %s (%v), want %s %s", tc.name, field, key, err, tc.field, tc.key)
		}
		if got != before {
			t.Errorf("%s: a refused proposal returned %+v, want the fields unchanged", tc.name, got)
		}
	}
	if len(Causes) != 13 || Causes[12] != CauseOther {
		t.Errorf("Causes: %d codes, last %s; want the 12 official codes and OTHER", len(Causes), Causes[len(Causes)-1])
	}
}

func TestTotals(t *testing.T) {
	ps := []*Project{
		{Funds: 10_0000_00, Townships: []string{"341203200"}, Households: 12, People: 40, CollectiveIncome: 3_0000_00},
		{Funds: 8_0000_00, Townships: []string{"341203200", "341203100"}, Households: 5, People: 18},
	}
	want := ProjectTotals{Funds: 18_0000_00, Households: 17, People: 58, CollectiveIncome: 3_0000_00, Townships: 2}
	if got := Totals(ps); got != want {
		t.Errorf("Totals = %+v, want %+v", got, want)
	}
}

func TestMayReappoint(t *testing.T) {
	tests := []struct {
		had    bool
		rating string
		want   bool
	}{
		{false, "", true},
		{true, "", true},
		{true, RatingExcellent, true},
		{true, RatingPass, true},
		{true, RatingFail, false},
	}
	for _, tc := range tests {
		if got := MayReappoint(tc.had, tc.rating); got != tc.want {
			t.Errorf("MayReappoint(%v, %q) = %v, want %v", tc.had, tc.rating, got, tc.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	d := calendar.MustParse
	as := []Assignment{
		{ID: 1, Year: 2026, Kind: AssignVillage, AgreementNo: "XY-2026-01"},
		{ID: 2, Year: 2026, Kind: AssignVillage},
		{ID: 3, Year: 2026, Kind: AssignHousehold},
		{ID: 4, Year: 2026, Kind: AssignEnterprise, EnterpriseName: "阜阳某食品公司"},
		{ID: 5, Year: 2025, Kind: AssignVillage},
	}
	ss := []ServiceLog{
		{ServedOn: d("2026-03-05"), Kind: ServiceVisit},
		{ServedOn: d("2026-03-05"), Kind: ServiceTraining, Trainees: 30},
		{ServedOn: d("2026-04-10"), Kind: ServiceTraining, Trainees: 25},
		{ServedOn: d("2025-12-30"), Kind: ServiceVisit},
	}
	want := YearSummary{Year: 2026, Villages: 2, Households: 1, Enterprises: 1, Services: 1, Trainings: 2, Trainees: 55, Days: 2, Incomplete: []int64{2}}
	if diff := cmp.Diff(want, Summarize(2026, as, ss)); diff != "" {
		t.Errorf("Summarize (-want +got):\n%s", diff)
	}
}
