package report

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"kejiju/internal/calendar"
)

func TestPeriod(t *testing.T) {
	p := Period{From: calendar.MustParse("2024-01-01"), To: calendar.MustParse("2024-02-29")}
	if ly := p.LastYear(); ly.From.String() != "2023-01-01" || ly.To.String() != "2023-02-28" {
		t.Errorf("last year of a leap period: %+v", ly)
	}
	if got := p.End().Sub(p.Start()); got != 60*24*time.Hour {
		t.Errorf("60 days span %v", got)
	}
	if s := p.Start().UTC().Format(time.RFC3339); s != "2023-12-31T16:00:00Z" {
		t.Errorf("start in Shanghai is %s UTC", s)
	}
	for _, c := range []struct {
		p    Period
		want bool
	}{
		{p, true},
		{Period{From: p.To, To: p.From}, false},
		{Period{From: p.From, To: p.From}, true},
		{Period{From: p.From, To: p.From.AddYears(10)}, false},
		{Period{}, false},
	} {
		if c.p.Valid() != c.want {
			t.Errorf("%+v valid = %v", c.p, !c.want)
		}
	}
	if h := FirstHalf(2026); h.From.String() != "2026-01-01" || h.To.String() != "2026-06-30" {
		t.Errorf("first half %+v", h)
	}
}

func TestFigureChange(t *testing.T) {
	for _, c := range []struct {
		now, then int64
		want      string
	}{{3, 1, "+200.0%"}, {1, 2, "-50.0%"}, {5, 0, ""}, {0, 4, "-100.0%"}, {7, 7, "+0.0%"}} {
		if got := (Figure{Value: c.now, LastYear: c.then}).Change(); got != c.want {
			t.Errorf("%d against %d: %q, want %q", c.now, c.then, got, c.want)
		}
	}
}

func TestCatalogRefusesBadMeasures(t *testing.T) {
	good := Measure{Name: "visits", Unit: Times, SQL: "SELECT 1 WHERE %s", Region: "v.region_code", Bounds: Dates, Href: "/visits/%d"}
	if _, err := NewCatalog(good); err != nil {
		t.Fatal(err)
	}
	if _, err := NewCatalog(good, good); err == nil {
		t.Error("a repeated name accepted")
	}
	noRegion := good
	noRegion.Region = ""
	if _, err := NewCatalog(noRegion); err == nil {
		t.Error("a measure without a scope column accepted")
	}
	rolled := good
	rolled.Rollup = &Rollup{SQL: "SELECT r.region_code, r.n FROM visit_counts r WHERE %s", Region: "r.region_code"}
	if _, err := NewCatalog(rolled); err != nil {
		t.Errorf("a counted measure with a monthly rollup refused: %v", err)
	}
	rolled.Unit = People
	if _, err := NewCatalog(rolled); err == nil {
		t.Error("a summed measure with a monthly rollup (of counts) accepted")
	}
	c, _ := NewCatalog(good)
	if _, err := c.Get("nope"); err == nil {
		t.Error("an unknown figure found")
	}
	if v := (&Measure{Unit: Yuan}).Value([]Record{{Value: 150}, {Value: 250}}); v != 400 {
		t.Errorf("yuan sum %d", v)
	}
	if v := good.Value([]Record{{Value: 150}, {Value: 250}}); v != 2 {
		t.Errorf("count %d", v)
	}
}

func TestByMonth(t *testing.T) {
	got := byMonth([]Record{{On: "2026-01-08"}, {On: "2026-03-01"}, {On: "2026-03-05"}, {On: "2026-12-31"}, {On: ""}, {On: "2026-13-01"}})
	want := []float64{1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1}
	if !slices.Equal(got, want) {
		t.Errorf("byMonth = %v, want %v", got, want)
	}
}

func TestTwin(t *testing.T) {
	base := &Measure{Name: "drills", SQL: "SELECT q.id, q.site, q.id, 0, q.drill_date FROM quake_drills q WHERE %s"}
	sum := &Measure{Name: "drilled", Of: "drills", Sums: "q.participants", SQL: "SELECT q.id, q.site, q.id, q.participants, q.drill_date FROM quake_drills q WHERE %s"}
	if !base.twin(sum) {
		t.Error("a sum over the same records is not a twin")
	}
	other := *sum
	other.SQL = "SELECT q.id, q.site, q.id, q.participants, q.drill_date FROM quake_drills q WHERE q.rating = 'good' AND %s"
	if base.twin(&other) {
		t.Error("a sum over other records taken for a twin")
	}
	named := *sum
	named.Of = "visits"
	if base.twin(&named) {
		t.Error("a sum of another measure taken for a twin")
	}
}

func TestMonthCut(t *testing.T) {
	for _, c := range []struct {
		from, to    string
		first, last int
		days        []string // from–to of the pieces outside the whole months
	}{
		{"2026-01-01", "2026-11-29", 202601, 202610, []string{"2026-11-01–2026-11-29"}},
		{"2026-01-01", "2026-06-30", 202601, 202606, nil},
		{"2026-01-15", "2026-03-31", 202602, 202603, []string{"2026-01-15–2026-01-31"}},
		{"2025-12-02", "2026-02-27", 202601, 202601, []string{"2025-12-02–2025-12-31", "2026-02-01–2026-02-27"}},
		{"2024-02-01", "2024-02-29", 202402, 202402, nil},
		{"2026-03-02", "2026-03-30", 1, 0, []string{"2026-03-02–2026-03-30"}},
		{"2026-03-31", "2026-04-01", 1, 0, []string{"2026-03-31–2026-04-01"}},
		{"2026-05-07", "2026-05-07", 1, 0, []string{"2026-05-07–2026-05-07"}},
		{"2026-12-01", "2026-12-31", 202612, 202612, nil},
	} {
		p := Period{From: calendar.MustParse(c.from), To: calendar.MustParse(c.to)}
		first, last, days := p.monthCut()
		var got []string
		for _, d := range days {
			got = append(got, d.From.String()+"–"+d.To.String())
		}
		if first != c.first || last != c.last || !slices.Equal(got, c.days) {
			t.Errorf("%s–%s: months %d–%d, days %v; want %d–%d, %v", c.from, c.to, first, last, got, c.first, c.last, c.days)
		}
		if first > last && len(days) != 1 {
			t.Errorf("%s–%s: no whole month, but %d pieces of days", c.from, c.to, len(days))
		}
	}
}

func TestParts(t *testing.T) {
	show := func(pts []part) []string {
		var out []string
		for _, pt := range pts {
			sign := "+"
			if pt.sign < 0 {
				sign = "-"
			}
			if pt.days.From.IsZero() {
				out = append(out, fmt.Sprintf("%s%d–%d", sign, pt.first, pt.last))
			} else {
				out = append(out, sign+pt.days.From.String()+"–"+pt.days.To.String())
			}
		}
		return out
	}
	for _, c := range []struct {
		from, to string
		want     []string
	}{
		// Most of November: the month less its last day.
		{"2026-01-01", "2026-11-29", []string{"+202601–202610", "+202611–202611", "-2026-11-30–2026-11-30"}},
		// A few days of a month are read as records.
		{"2026-01-01", "2026-03-05", []string{"+202601–202602", "+2026-03-01–2026-03-05"}},
		{"2025-12-02", "2026-02-27", []string{"+202601–202601", "+202512–202512", "-2025-12-01–2025-12-01", "+202602–202602", "-2026-02-28–2026-02-28"}},
		{"2026-05-07", "2026-05-07", []string{"+2026-05-07–2026-05-07"}},
		{"2026-05-02", "2026-05-30", []string{"+202605–202605", "-2026-05-01–2026-05-01", "-2026-05-31–2026-05-31"}},
		{"2026-03-31", "2026-04-01", []string{"+2026-03-31–2026-04-01"}},
		{"2026-01-01", "2026-06-30", []string{"+202601–202606"}},
	} {
		p := Period{From: calendar.MustParse(c.from), To: calendar.MustParse(c.to)}
		if got := show(p.parts()); !slices.Equal(got, c.want) {
			t.Errorf("%s–%s: %v, want %v", c.from, c.to, got, c.want)
		}
	}
}
