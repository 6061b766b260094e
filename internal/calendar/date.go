package calendar

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Shanghai is China Standard Time, UTC+08:00. China has kept this offset
// without daylight saving since 1991, so a fixed zone gives the same dates as
// the tz database's Asia/Shanghai for every date this system records, and it
// does not depend on the machine's zoneinfo files.
var Shanghai = time.FixedZone("CST", 8*60*60)

// Date is a calendar date without a time of day or a time zone, such as the
// day a publicity period starts or a deadline falls.
//
// Dates compare with == and order with Compare, Before and After. The zero
// Date means "no date": it stores as SQL NULL and encodes as the empty string,
// so one struct field serves nullable columns and optional form fields. Any
// other Date is expected to be valid (see IsValid); Parse and FromTime only
// produce valid ones.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// dateLayout is the ISO 8601 form used for storage, JSON, forms and String.
const dateLayout = "2006-01-02"

// Parse parses a date in the form 2026-11-28 (four-digit year, two-digit
// month and day). It rejects dates that do not exist, such as 2026-02-29.
func Parse(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("calendar: invalid date %q: want YYYY-MM-DD", s)
	}
	d := FromTime(t, time.UTC)
	if !d.IsValid() {
		return Date{}, fmt.Errorf("calendar: invalid date %q: year out of range", s)
	}
	return d, nil
}

// MustParse is like Parse but panics if s is not a valid date. It is meant
// for constants in code and tests.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// FromTime returns the date of the instant t in loc. A nil loc means
// Shanghai.
func FromTime(t time.Time, loc *time.Location) Date {
	if loc == nil {
		loc = Shanghai
	}
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// Today returns the current date in loc. A nil loc means Shanghai.
func Today(loc *time.Location) Date {
	return FromTime(time.Now(), loc)
}

// IsZero reports whether d is the zero Date, which means "no date".
func (d Date) IsZero() bool { return d == Date{} }

// IsValid reports whether d is a real calendar date with a year from 1 to
// 9999. The zero Date is not valid.
func (d Date) IsValid() bool {
	return d.Year >= 1 && d.Year <= 9999 && d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d == FromTime(d.midnight(), time.UTC)
}

// midnight returns the start of d in UTC. Arithmetic goes through it because
// time.Date normalises out-of-range days (January 32 is February 1).
func (d Date) midnight() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// AddDays returns the date n days after d (before d if n is negative).
func (d Date) AddDays(n int) Date {
	return FromTime(d.midnight().AddDate(0, 0, n), time.UTC)
}

// AddYears returns the same day n years later; 29 February becomes 28
// February in a year that has none (a 3-year certificate issued on a leap
// day does not run into March).
func (d Date) AddYears(n int) Date {
	e := Date{Year: d.Year + n, Month: d.Month, Day: d.Day}
	if !e.IsValid() {
		e.Day = 28
	}
	return e
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.midnight().Weekday() }

// Compare returns -1 if d is before e, +1 if d is after e, and 0 if they are
// the same date. The method value Date.Compare suits slices.SortFunc.
func (d Date) Compare(e Date) int { return d.midnight().Compare(e.midnight()) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// String returns d in the form 2026-11-28, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Chinese returns d in the form 2026年11月28日, or "" for the zero Date.
func (d Date) Chinese() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year, int(d.Month), d.Day)
}

// English returns d in the form 28 Nov 2026, or "" for the zero Date.
func (d Date) English() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d %s %d", d.Day, d.Month.String()[:3], d.Year)
}

// MarshalText implements [encoding.TextMarshaler]. The zero Date encodes as
// the empty string (use the omitzero JSON option to leave it out); an invalid
// Date is an error.
func (d Date) MarshalText() ([]byte, error) {
	if !d.IsZero() && !d.IsValid() {
		return nil, fmt.Errorf("calendar: invalid date %04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler]. The empty string
// decodes as the zero Date; anything else must be accepted by Parse.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Value implements [driver.Valuer]. A date is stored as the text
// 2026-11-28, which SQLite keeps as TEXT and PostgreSQL converts to DATE; the
// zero Date is stored as NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	b, err := d.MarshalText()
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// Scan implements [database/sql.Scanner]. It accepts NULL (the zero Date),
// the text forms that UnmarshalText accepts as string or []byte, and a
// time.Time, whose own year, month and day are taken without converting its
// zone (PostgreSQL DATE columns arrive as midnight UTC).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	case time.Time:
		*d = FromTime(v, v.Location())
		return nil
	}
	return fmt.Errorf("calendar: cannot scan %T into a Date", src)
}
