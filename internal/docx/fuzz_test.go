package docx

import (
	"strings"
	"testing"
	"time"
)

// FuzzText checks that any text, from staff editing the wording or from
// records, gives a document whose parts are all well-formed XML and whose
// text comes back (less the characters XML cannot carry).
func FuzzText(f *testing.F) {
	f.Add("标题", "正文<b>&amp;</b>", "乡镇")
	f.Add("\x00\x1b\xff\xfe", "\uFFFE\uFFFF\U0010FFFF", "\n\t\r")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		d := &Document{
			Title: a, Recipient: b, Creator: c, Header: c,
			Body: []Block{
				&Part{Text: a},
				&Heading{Level: 1, Text: a, After: b},
				&Paragraph{Text: b},
				&Table{Caption: c, Header: []string{a, b}, Rows: [][]string{{c, a}}},
				&Chart{Kind: ChartDoughnut, Title: a, Categories: []string{b, c}, Series: []ChartSeries{{Name: c, Values: []float64{1, 2}}}},
			},
			Signature: &Signature{Org: c, Date: time.Date(2026, 7, 10, 0, 0, 0, 0, time.UTC)},
		}
		parts := write(t, d)
		for name, data := range parts {
			if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
				parseXML(t, name, data)
			}
		}
		doc := parseXML(t, "document", parts["word/document.xml"])
		var paras []string
		for _, p := range doc.all("p") {
			paras = append(paras, p.text())
		}
		all := strings.Join(paras, "")
		// A text made only of characters XML carries, without line
		// breaks and tabs (which become elements), comes back whole.
		if plain(b) && !strings.Contains(all, b) {
			t.Errorf("paragraph text %q lost", b)
		}
	})
}

func plain(s string) bool {
	for _, r := range s {
		if r == '\n' || r == '\t' || r == '\r' || r < 0x20 || (r >= 0xD800 && r <= 0xDFFF) || r == 0xFFFE || r == 0xFFFF || r == 0xFFFD {
			return false
		}
	}
	return strings.ToValidUTF8(s, "") == s
}
