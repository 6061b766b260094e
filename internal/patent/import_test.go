package patent_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
	"kejiju/internal/patent"
	"kejiju/internal/region"
	"kejiju/internal/xlsx"
)

// listRow is one row of a generated patent list.
type listRow struct {
	no, typ, title, applicants, inventors, applied, granted, status, agency, region string
}

func (r listRow) csv() string {
	return strings.Join([]string{r.no, r.typ, r.title, r.applicants, r.inventors, r.applied, r.granted, r.status, r.agency, r.region}, ",")
}

const listHeader = "申请号,专利类型,专利名称,申请人,发明人,申请日,授权公告日,法律状态,代理机构,所属乡镇"

// planted is a problem planted in a generated list, as the report must
// name it.
type planted struct {
	Row        int
	Field, Key string
}

// makeList generates n rows (row 2 onwards, under the header) of the
// enterprises' and unlinked patents, and plants bad numbers, wrong check
// digits, unknown types, bad dates and duplicates every so often,
// returning the clean rows and the planted problems separately.
func makeList(t *testing.T, e *env, n int) (good []listRow, all []listRow, want []planted) {
	rng := rand.New(rand.NewPCG(50, 000))
	agencies := []string{"", "阜阳市金诚专利代理事务所", "合肥市科大专利代理有限责任公司"}
	typeNames := map[int]string{1: "发明", 2: "实用新型", 3: "外观设计", 8: "发明", 9: "实用新型"}
	digits := []int{1, 2, 3, 8, 9}
	for i := range n {
		row := len(all) + 2
		year := 2020 + rng.IntN(6)
		d := digits[rng.IntN(len(digits))]
		r := listRow{no: number(t, year, d, 1_000_000+i), typ: typeNames[d], title: fmt.Sprintf("一种测试装置%d", i),
			inventors: fmt.Sprint(1 + rng.IntN(6)), applied: fmt.Sprintf("%d-%02d-%02d", year, 1+rng.IntN(12), 1+rng.IntN(28)),
			agency: agencies[rng.IntN(len(agencies))]}
		if k := rng.IntN(len(e.ents) + 1); k < len(e.ents) {
			r.applicants = e.ents[k].Name + "；张三"
		} else {
			r.applicants = "某大学"
			r.region = []string{"口孜镇", "插花镇", "341203200"}[rng.IntN(3)]
		}
		switch rng.IntN(3) {
		case 0:
			r.status = "在审"
		case 1:
			r.status, r.granted = "授权", fmt.Sprintf("%d/%d/%d", year+1, 1+rng.IntN(12), 1+rng.IntN(28))
		default:
			r.status, r.granted = "有效", fmt.Sprintf("%d年%d月%d日", year+2, 1+rng.IntN(12), 1+rng.IntN(28))
		}
		switch {
		case i%997 == 11: // wrong check digit
			bad := r
			wrong := "0"
			if strings.HasSuffix(bad.no, "0") {
				wrong = "1"
			}
			bad.no = bad.no[:len(bad.no)-1] + wrong
			all = append(all, bad)
			want = append(want, planted{row, "app_no", "ident.patent_number.checksum"})
			continue
		case i%997 == 23: // not a number at all
			bad := r
			bad.no = "CN1108239" + fmt.Sprint(i) + "A"
			all = append(all, bad)
			want = append(want, planted{row, "app_no", "ident.patent_number.format"})
			continue
		case i%997 == 37: // type digit 4
			bad := r
			bad.no = number(t, year, 4, 1_000_000+i)
			all = append(all, bad)
			want = append(want, planted{row, "app_no", "ident.patent_number.type"})
			continue
		case i%997 == 41: // an unknown type in the type column
			bad := r
			bad.typ = "软件著作权"
			all = append(all, bad)
			want = append(want, planted{row, "type", "patent.import.unknown_type"})
			continue
		case i%997 == 53: // a date that is no date
			bad := r
			bad.applied = fmt.Sprintf("%d-02-30", year)
			all = append(all, bad)
			want = append(want, planted{row, "application_date", "error.invalid_date"})
			continue
		}
		all = append(all, r)
		good = append(good, r)
		if i%997 == 71 { // the same number again, further down
			all = append(all, r)
			want = append(want, planted{len(all) + 1, "app_no", "patent.import.duplicate"})
		}
	}
	return good, all, want
}

func csvOf(rows []listRow) []byte {
	var b bytes.Buffer
	b.WriteString(listHeader + "\n")
	for _, r := range rows {
		b.WriteString(r.csv() + "\n")
	}
	return b.Bytes()
}

func (e *env) importCSV(t *testing.T, u *auth.User, tree *region.Tree, data []byte, dry bool) *patent.ImportReport {
	t.Helper()
	rows, err := patent.ReadRows(bytes.NewReader(data), "list.csv", patent.Sheet)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := e.s.Import(context.Background(), u, tree, rows, patent.ImportOptions{DryRun: dry, Source: "测试导出"})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestImportList imports a generated list with planted problems: the
// preview names each planted row and nothing else, nothing is written;
// the clean list imports, links the enterprises' patents by name for
// staff to confirm, and a second import of the same list changes
// nothing; a later list with status changes adds history rows, and one
// that moves a status back is refused whole.
func TestImportList(t *testing.T) {
	n := 50_000
	if testing.Short() {
		n = 3_000
	}
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 5)
		ctx := context.Background()
		tree, err := (&region.Store{DB: d}).Tree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		good, all, want := makeList(t, e, n)
		for _, dry := range []bool{true, false} {
			rep := e.importCSV(t, staff, tree, csvOf(all), dry)
			var got []planted
			for _, er := range rep.Errors {
				got = append(got, planted{er.Row, er.Field, er.Key})
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("dry run %v: problems (-planted +reported):\n%s", dry, diff)
			}
			if rep.Written || count(t, d, `SELECT COUNT(*) FROM patents`) != 0 || count(t, d, `SELECT COUNT(*) FROM patent_agencies`) != 0 {
				t.Fatalf("a refused import wrote: %+v", rep)
			}
		}
		if len(want) < 5*(n/997) {
			t.Fatalf("only %d problems planted", len(want))
		}

		rep := e.importCSV(t, staff, tree, csvOf(good), false)
		if !rep.Written || rep.New != len(good) || rep.Updated != 0 || rep.NewAgencies != 2 {
			t.Fatalf("clean import: %+v", rep)
		}
		if got := count(t, d, `SELECT COUNT(*) FROM patents`); got != len(good) {
			t.Fatalf("%d patents on file, want %d", got, len(good))
		}
		if got := count(t, d, `SELECT COUNT(*) FROM patent_status_history`); got != len(good) {
			t.Fatalf("%d history rows, want one per patent, %d", got, len(good))
		}
		// Applicants named like an enterprise are suggested, not linked.
		named := 0
		for _, r := range good {
			if r.applicants != "某大学" {
				named++
			}
		}
		if rep.Suggested != named || count(t, d, `SELECT COUNT(*) FROM patents WHERE candidate_id IS NOT NULL AND enterprise_id IS NULL`) != named {
			t.Errorf("suggested %d, want %d", rep.Suggested, named)
		}
		// The type comes from the number; PCT applications count as their kind.
		if got := count(t, d, `SELECT COUNT(*) FROM patents WHERE pct = TRUE AND type = 'design'`); got != 0 {
			t.Errorf("%d PCT designs", got)
		}

		// The same list again: nothing changes.
		hist := count(t, d, `SELECT COUNT(*) FROM patent_status_history`)
		again := e.importCSV(t, staff, tree, csvOf(good), false)
		if again.New != 0 || again.Updated != 0 || again.Unchanged != len(good) || again.StatusChanges != 0 || again.NewAgencies != 0 {
			t.Errorf("repeated import: %+v", again)
		}
		if count(t, d, `SELECT COUNT(*) FROM patent_status_history`) != hist || count(t, d, `SELECT COUNT(*) FROM patents WHERE version <> 1`) != 0 {
			t.Errorf("a repeated import changed records")
		}

		// Later: some applications granted, some valid patents lapsed.
		later := slices.Clone(good[:200])
		moves := 0
		for i := range later {
			r := &later[i]
			switch r.status {
			case "在审":
				y := r.applied[:4]
				r.status, r.granted = "授权", y+"-12-31"
				moves++
			case "有效":
				r.status = "失效"
				moves++
			}
		}
		rep = e.importCSV(t, staff, tree, csvOf(later), false)
		if rep.StatusChanges != moves || rep.Updated != moves || rep.Unchanged != len(later)-moves {
			t.Errorf("status update: %+v, want %d moves", rep, moves)
		}
		if got := count(t, d, `SELECT COUNT(*) FROM patent_status_history`); got != hist+moves {
			t.Errorf("%d history rows, want %d", got, hist+moves)
		}
		// Back to 在审 is refused, whole.
		back := slices.Clone(later[:20])
		var backWant []planted
		for i := range back {
			if back[i].status == "授权" {
				back[i].status, back[i].granted = "在审", ""
				backWant = append(backWant, planted{i + 2, "status", "patent.status.bad_move"})
			}
		}
		rep = e.importCSV(t, staff, tree, csvOf(back), false)
		var got []planted
		for _, er := range rep.Errors {
			got = append(got, planted{er.Row, er.Field, er.Key})
		}
		if diff := cmp.Diff(backWant, got); diff != "" || rep.Written || len(backWant) == 0 {
			t.Errorf("moving back (-want +got):\n%s", diff)
		}
		// Another district's staff may not touch these numbers.
		var linked []listRow
		for _, r := range good {
			if r.region == "" && len(linked) < 3 {
				linked = append(linked, r)
			}
		}
		rep = e.importCSV(t, outsider, tree, csvOf(linked), true)
		if len(rep.Errors) != 3 || rep.Errors[0].Key != "patent.import.elsewhere" {
			t.Errorf("another district's import: %+v", rep.Errors)
		}
		if _, err := e.s.Import(ctx, e.users[0], tree, nil, patent.ImportOptions{}); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("an enterprise user imported: %v", err)
		}
	})
}

// TestImportMappingAndLinks reads a workbook whose headers only a saved
// mapping names, links by credit code at once and by name on staff's
// confirmation.
func TestImportMappingAndLinks(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 2)
		ctx := context.Background()
		theirs := xlsx.Sheet{Name: "Sheet1", Columns: []xlsx.Column{{Key: "a", Header: "Application No."}, {Key: "b", Header: "Title (CN)"},
			{Key: "c", Header: "Assignee"}, {Key: "d", Header: "Assignee USCC"}, {Key: "e", Header: "Filing date"}, {Key: "f", Header: "Legal status"}}}
		var b bytes.Buffer
		w, err := xlsx.NewWriter(&b, theirs)
		if err != nil {
			t.Fatal(err)
		}
		rows := [][]any{
			{number(t, 2025, 1, 1), "一种除尘装置", e.ents[0].Name, e.ents[0].CreditCode, "2025-03-04", "在审"},
			{number(t, 2025, 2, 2), "一种搅拌机", strings.NewReplacer("(", "（").Replace(e.ents[1].Name), "", "2025-04-05", "实质审查"},
		}
		for _, r := range rows {
			if err := w.Write(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := patent.ReadRows(bytes.NewReader(b.Bytes()), "x.xlsx", patent.Sheet); err == nil {
			t.Fatal("a workbook with foreign headers read without a mapping")
		}
		m, err := patent.ParseMapping("申请号=Application No.\n专利名称 = Title (CN)\napplicants=Assignee\n申请人统一社会信用代码=Assignee USCC\n申请日=Filing date\n法律状态=Legal status")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := patent.ParseMapping("没有这一列=X"); field(err) != "mapping:patent.import.bad_mapping" {
			t.Errorf("unknown column in a mapping: %v", err)
		}
		if err := e.s.SaveSource(ctx, staff, "incoPat", m); err != nil {
			t.Fatal(err)
		}
		saved, err := e.s.Mapping(ctx, "incoPat")
		if err != nil || !cmp.Equal(saved, m) {
			t.Fatalf("saved mapping %v %v, want %v", saved, err, m)
		}
		list, err := patent.ReadRows(bytes.NewReader(b.Bytes()), "x.xlsx", patent.SheetFor(saved))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := e.s.Import(ctx, staff, nil, list, patent.ImportOptions{Source: "incoPat"})
		if err != nil || !rep.Written || rep.Linked != 1 || rep.Suggested != 1 {
			t.Fatalf("import: %+v %v", rep, err)
		}
		p1, err := e.s.ByNumber(ctx, staff, rows[0][0].(string))
		if err != nil || p1.EnterpriseID != e.ents[0].ID || p1.RegionCode != e.ents[0].RegionCode {
			t.Fatalf("linked by code: %+v %v", p1, err)
		}
		p2, err := e.s.ByNumber(ctx, staff, rows[1][0].(string))
		if err != nil || p2.EnterpriseID != 0 || p2.CandidateID != e.ents[1].ID {
			t.Fatalf("suggested by name: %+v %v", p2, err)
		}
		// The enterprise sees the linked patent, not the suggested one,
		// until staff confirm.
		if _, n, _ := e.s.List(ctx, e.users[1], patent.Filter{}); n != 0 {
			t.Errorf("the enterprise sees %d patents before confirmation", n)
		}
		if _, n, _ := e.s.List(ctx, staff, patent.Filter{Unconfirmed: true}); n != 1 {
			t.Errorf("%d patents wait for confirmation, want 1", n)
		}
		if _, err := e.s.Link(ctx, staff, p2.ID, p2.CandidateID, "名称一致，已核实"); err != nil {
			t.Fatal(err)
		}
		if _, n, _ := e.s.List(ctx, e.users[1], patent.Filter{}); n != 1 {
			t.Errorf("the enterprise sees %d patents after confirmation, want 1", n)
		}
		h, err := e.s.History(ctx, staff, p2.ID)
		if err != nil || len(h) != 1 || h[0].Source != "import:incoPat" {
			t.Errorf("history %+v %v", h, err)
		}
	})
}
