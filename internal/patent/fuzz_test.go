package patent

import (
	"slices"
	"testing"

	"kejiju/internal/ident"
	"kejiju/internal/xlsx"
)

// FuzzParseRow feeds the cells of an imported row to the row parser: it
// never panics, and a row it accepts has a valid normalised number whose
// type matches, a real application date (and grant date, when given), a
// known status or none, and a sane number of inventors.
func FuzzParseRow(f *testing.F) {
	for _, s := range [][6]string{
		{"201911050262.8", "发明", "2019-07-02", "", "在审", "3"},
		{"ZL2013106997442", "", "2013/9/1", "2015年3月4日", "有效", "张三；李四"},
		{"95115608.X", "PCT发明", "19950101", "1997.2.3", "失效", ""},
		{"201911050262.7", "软件著作权", "2019-02-30", "x", "未知", "-1"},
		{"", "", "", "", "", ""},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5])
	}
	towns := townIndex{byCode: map[string]bool{"341203100": true}, byName: map[string][]string{"口孜镇": {"341203100"}}}
	f.Fuzz(func(t *testing.T, no, typ, applied, granted, status, inventors string) {
		row := xlsx.Row{Number: 2, Values: map[string]string{"app_no": no, "type": typ, "title": "专利", "applicants": "某大学",
			"application_date": applied, "grant_date": granted, "status": status, "inventors": inventors, "region": "口孜镇"}}
		p, errs := parseRow(row, towns)
		for _, e := range errs {
			if e.Row != 2 || e.Key == "" || e.Field == "" {
				t.Fatalf("problem without its row, field or key: %+v", e)
			}
		}
		if len(errs) > 0 {
			return
		}
		n, err := ident.ParsePatentNumber(p.no)
		if err != nil || n.String() != p.no {
			t.Fatalf("accepted number %q does not parse back: %v", p.no, err)
		}
		if ty, pct := TypeOf(n); ty != p.typ || pct != p.pct {
			t.Fatalf("%q: type %s/%v, want %s/%v", p.no, p.typ, p.pct, ty, pct)
		}
		if !p.applied.IsValid() || (p.hasGrant && !p.granted.IsValid()) {
			t.Fatalf("accepted dates %v %v", p.applied, p.granted)
		}
		if p.status != "" && !slices.Contains(Statuses, p.status) {
			t.Fatalf("accepted status %q", p.status)
		}
		if p.inv < 0 || p.region != "341203100" {
			t.Fatalf("inventors %d, region %q", p.inv, p.region)
		}
	})
}

// FuzzParseMapping: a mapping either parses to known columns with
// non-empty headers, or is refused with the mapping field named.
func FuzzParseMapping(f *testing.F) {
	for _, s := range []string{"申请号=Application No.", "专利名称 ＝ Title\napplicants=Assignee", "没有=X", "=", "申请号=", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		m, err := ParseMapping(text)
		if err != nil {
			return
		}
		for k, v := range m {
			if v == "" || !slices.ContainsFunc(Sheet.Columns, func(c xlsx.Column) bool { return c.Key == k }) {
				t.Fatalf("mapping %q → %q", k, v)
			}
		}
		_ = SheetFor(m) // never panics on what ParseMapping accepts
	})
}
