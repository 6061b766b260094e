package calendar

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
)

// Kind says whether an Entry makes its date a day off or a working day.
type Kind int

// The kinds of Entry. The zero Kind is not valid.
const (
	Holiday Kind = iota + 1 // 放假: a statutory holiday or a day off moved next to one
	Workday                 // 调休上班: a weekend day that is worked instead
)

// String returns "holiday" or "workday".
func (k Kind) String() string {
	switch k {
	case Holiday:
		return "holiday"
	case Workday:
		return "workday"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Entry overrides the ordinary week (Monday to Friday work, Saturday and
// Sunday off) for one date.
type Entry struct {
	Date Date
	Kind Kind
	Name string // the festival, e.g. 春节 or 国庆节; for a Workday, the festival it makes up for

	// Provisional marks an entry taken from the law rather than from the
	// State Council's yearly notice, which has not been published yet.
	Provisional bool
}

// Calendar tells working days from days off. A date without an Entry follows
// the ordinary week. A Calendar is immutable and safe for concurrent use.
type Calendar struct {
	entries map[Date]Entry
}

// New returns a calendar built from entries. When several entries share a
// date the last one wins, so a bureau extends or corrects the defaults with
//
//	calendar.New(append(calendar.Default().Entries(), own...))
//
// Every entry needs a valid date and kind.
func New(entries []Entry) (*Calendar, error) {
	c := &Calendar{entries: make(map[Date]Entry, len(entries))}
	for _, e := range entries {
		if !e.Date.IsValid() {
			return nil, fmt.Errorf("calendar: entry %q has an invalid date %v", e.Name, e.Date)
		}
		if e.Kind != Holiday && e.Kind != Workday {
			return nil, fmt.Errorf("calendar: entry %q on %v has an invalid kind %v", e.Name, e.Date, e.Kind)
		}
		c.entries[e.Date] = e
	}
	return c, nil
}

//go:embed holidays.json
var holidaysJSON []byte

// Default returns the calendar of the State Council's holiday arrangements
// for 2025 and 2026, and the statutory holidays of 2027 marked Provisional
// until the 2027 arrangement is published. The data is embedded from
// holidays.json, which cites the source of each year.
func Default() *Calendar { return defaultCalendar() }

var defaultCalendar = sync.OnceValue(func() *Calendar {
	c, err := New(mustParseYears(holidaysJSON))
	if err != nil {
		panic(err) // the embedded file is checked by TestDefault
	}
	return c
})

// mustParseYears reads the embedded data format: per year, the holiday ranges
// and the make-up working days as printed in the State Council's notice. It
// panics on malformed data, which TestDefault would catch.
func mustParseYears(data []byte) []Entry {
	var file struct {
		Years []struct {
			Year        int
			Provisional bool
			Holidays    []struct {
				Name     string
				From, To Date
			}
			Workdays []struct {
				Name string
				Date Date
			}
		}
	}
	if err := json.Unmarshal(data, &file); err != nil {
		panic(fmt.Sprintf("calendar: holidays.json: %v", err))
	}
	var entries []Entry
	add := func(year int, e Entry) {
		if e.Date.Year != year {
			panic(fmt.Sprintf("calendar: holidays.json: %v (%s) is listed under %d", e.Date, e.Name, year))
		}
		entries = append(entries, e)
	}
	for _, y := range file.Years {
		for _, h := range y.Holidays {
			if h.From.IsZero() || h.To.Before(h.From) {
				panic(fmt.Sprintf("calendar: holidays.json: %s has the range %v to %v", h.Name, h.From, h.To))
			}
			for d := h.From; !d.After(h.To); d = d.AddDays(1) {
				add(y.Year, Entry{Date: d, Kind: Holiday, Name: h.Name, Provisional: y.Provisional})
			}
		}
		for _, w := range y.Workdays {
			add(y.Year, Entry{Date: w.Date, Kind: Workday, Name: w.Name, Provisional: y.Provisional})
		}
	}
	return entries
}

// Entries returns the calendar's entries sorted by date.
func (c *Calendar) Entries() []Entry {
	return slices.SortedFunc(maps.Values(c.entries), func(a, b Entry) int { return a.Date.Compare(b.Date) })
}

// Lookup returns the entry for d, if there is one.
func (c *Calendar) Lookup(d Date) (Entry, bool) {
	e, ok := c.entries[d]
	return e, ok
}

// Confirmed reports whether the calendar holds the published arrangement for
// year: it has entries in that year and none of them is Provisional. Working
// days counted in a year that is not confirmed may change when the State
// Council publishes its notice, so a caller should say so next to a deadline
// that falls in one.
func (c *Calendar) Confirmed(year int) bool {
	found := false
	for d, e := range c.entries {
		if d.Year != year {
			continue
		}
		if e.Provisional {
			return false
		}
		found = true
	}
	return found
}

// IsWorkday reports whether d is a working day: a Workday entry, or a Monday
// to Friday without a Holiday entry.
func (c *Calendar) IsWorkday(d Date) bool {
	if e, ok := c.entries[d]; ok {
		return e.Kind == Workday
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkdays returns the date that is n working days after d. The day d
// itself is not counted, whether or not it is a working day: the result is
// the n-th working day after d. AddWorkdays(d, 0) is d. It panics if n is
// negative.
//
// For example, with the 2026 arrangement (国庆节 1–7 October, make-up working
// day Saturday 10 October), AddWorkdays(2026-09-30, 5) is 2026-10-13:
// 10-08, 10-09, 10-10, 10-12 and 10-13 are the five working days.
func (c *Calendar) AddWorkdays(d Date, n int) Date {
	if n < 0 {
		panic(fmt.Sprintf("calendar: AddWorkdays with negative count %d", n))
	}
	for n > 0 {
		d = d.AddDays(1)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// WorkdaysBetween returns the number of working days after a up to and
// including b; it is 0 if b is not after a. It is the inverse of AddWorkdays:
// WorkdaysBetween(a, c.AddWorkdays(a, n)) == n.
func (c *Calendar) WorkdaysBetween(a, b Date) int {
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

// PublicityEnd returns the last day of a period (such as a 公示) that starts
// on start and lasts the given number of working days. The start day counts
// as the first day when it is a working day; otherwise the period begins on
// the next working day. It panics if workdays is less than 1.
//
// For example, a 5-working-day 公示 starting on Wednesday 2026-09-30 runs on
// 09-30, 10-08, 10-09, 10-10 (a make-up Saturday) and 10-12, so it ends on
// 2026-10-12.
func (c *Calendar) PublicityEnd(start Date, workdays int) Date {
	if workdays < 1 {
		panic(fmt.Sprintf("calendar: PublicityEnd with %d working days", workdays))
	}
	return c.AddWorkdays(start.AddDays(-1), workdays)
}
