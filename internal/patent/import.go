package patent

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/ident"
	"kejiju/internal/region"
	"kejiju/internal/xlsx"
)

// Sheet is the patent list's columns, with the headers of the bureau's
// template and, as aliases, those of the common patent search exports
// (CNIPA 专利检索及分析, incoPat, 智慧芽). A source's saved mapping adds
// its own headers (SheetFor).
var Sheet = xlsx.Sheet{Name: "专利清单", Columns: []xlsx.Column{
	{Key: "app_no", Header: "申请号", Aliases: []string{"专利申请号", "申请号/专利号", "专利号", "Application number"}, Required: true, Example: "201911050262.8", Note: "12位数字加校验位，可带ZL/CN前缀"},
	{Key: "title", Header: "专利名称", Aliases: []string{"名称", "发明名称", "标题", "Title"}, Required: true, Example: "一种秸秆还田装置"},
	{Key: "type", Header: "专利类型", Aliases: []string{"类型", "Type"}, Example: "发明", Note: "发明/实用新型/外观设计；可不填，按申请号判断"},
	{Key: "applicants", Header: "申请人", Aliases: []string{"申请（专利权）人", "专利权人", "申请人/专利权人", "当前权利人", "Applicants"}, Required: true, Example: "阜阳示例科技有限公司", Note: "多个以；分隔"},
	{Key: "credit_code", Header: "申请人统一社会信用代码", Aliases: []string{"统一社会信用代码", "信用代码"}, Example: "91341200MA2N00001A", Note: "可不填；填写时按代码关联企业"},
	{Key: "inventors", Header: "发明人", Aliases: []string{"发明人数", "发明（设计）人", "Inventors"}, Example: "3", Note: "人数，或以；分隔的姓名"},
	{Key: "application_date", Header: "申请日", Aliases: []string{"申请日期", "Application date"}, Required: true, Example: "2019-07-02"},
	{Key: "grant_date", Header: "授权公告日", Aliases: []string{"授权日", "授权日期", "授权公告日期", "Grant date"}, Example: "2021-03-05", Note: "已授权的填写"},
	{Key: "status", Header: "法律状态", Aliases: []string{"当前法律状态", "专利状态", "Legal status"}, Example: "有效", Note: "在审/授权/有效/驳回/撤回/失效；可不填"},
	{Key: "ipc_main", Header: "IPC主分类号", Aliases: []string{"主分类号", "IPC主分类", "IPC"}, Example: "A01B 49/00"},
	{Key: "agency", Header: "代理机构", Aliases: []string{"专利代理机构", "Agency"}, Example: "阜阳示例专利代理事务所"},
	{Key: "region", Header: "所属乡镇", Aliases: []string{"乡镇", "所属乡镇（街道）"}, Example: "口孜镇", Note: "未关联企业的专利按此归属；名称或9位区划代码"},
}}

// SheetFor returns Sheet with the headers of a saved mapping (column key →
// the header the source uses) accepted for their columns.
func SheetFor(mapping map[string]string) xlsx.Sheet {
	out := xlsx.Sheet{Name: Sheet.Name, Columns: make([]xlsx.Column, len(Sheet.Columns))}
	for i, c := range Sheet.Columns {
		c.Aliases = append([]string(nil), c.Aliases...)
		if h := clean(mapping[c.Key]); h != "" && h != c.Header {
			c.Aliases = append(c.Aliases, h)
		}
		out.Columns[i] = c
	}
	return out
}

// MaxImportBytes bounds an uploaded list.
const MaxImportBytes = 64 << 20

// ReadRows reads every row of an xlsx workbook or a CSV file (told apart
// by the zip signature) with the sheet's headers.
func ReadRows(r io.Reader, name string, sheet xlsx.Sheet) ([]xlsx.Row, error) {
	br := bufio.NewReader(io.LimitReader(r, MaxImportBytes+1))
	head, _ := br.Peek(4)
	var rows []xlsx.Row
	collect := func(row xlsx.Row) error { rows = append(rows, row); return nil }
	var err error
	if bytes.HasPrefix(head, []byte("PK")) || strings.EqualFold(filepath.Ext(name), ".xlsx") {
		_, err = xlsx.Read(br, sheet, MaxImportBytes, collect)
	} else {
		_, err = xlsx.ReadCSV(br, sheet, collect)
	}
	return rows, err
}

// --- Sources and their mappings ---

// Source is an import source with its saved column mapping.
type Source struct {
	Name    string            `json:"name"`
	Mapping map[string]string `json:"mapping"` // column key → header in the source's files
}

// Sources lists the saved sources.
func (s *Service) Sources(ctx context.Context) ([]Source, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT name, mapping FROM patent_import_sources ORDER BY name`)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (Source, error) {
		var src Source
		var m string
		if err := sc.Scan(&src.Name, &m); err != nil {
			return src, err
		}
		_ = json.Unmarshal([]byte(m), &src.Mapping)
		return src, nil
	})
}

// Mapping returns the saved mapping of a source, empty when there is none.
func (s *Service) Mapping(ctx context.Context, source string) (map[string]string, error) {
	var m string
	err := s.DB.QueryRowContext(ctx, `SELECT mapping FROM patent_import_sources WHERE name = $1`, clean(source)).Scan(&m)
	if db.IsNoRows(err) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	out := map[string]string{}
	_ = json.Unmarshal([]byte(m), &out)
	return out, nil
}

// ParseMapping reads a mapping typed one per line as 申请号=Application No.
// (our header, or the column key, = the source's header).
func ParseMapping(text string) (map[string]string, error) {
	out := map[string]string{}
	for i, line := range strings.Split(text, "\n") {
		line = clean(line)
		if line == "" {
			continue
		}
		ours, theirs, ok := strings.Cut(strings.ReplaceAll(line, "＝", "="), "=")
		key := ""
		for _, c := range Sheet.Columns {
			if clean(ours) == c.Header || clean(ours) == c.Key {
				key = c.Key
			}
		}
		if !ok || key == "" || clean(theirs) == "" {
			return nil, i18n.FieldError("mapping", "patent.import.bad_mapping", i+1)
		}
		out[key] = clean(theirs)
	}
	return out, nil
}

// SaveSource saves a source's column mapping, replacing the one before.
func (s *Service) SaveSource(ctx context.Context, u *auth.User, name string, mapping map[string]string) error {
	if err := mayManage(u); err != nil {
		return err
	}
	if name = clean(name); name == "" || tooLong(name, 100) {
		return i18n.FieldError("source", "error.required")
	}
	b, _ := json.Marshal(mapping)
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE patent_import_sources SET mapping = $1, updated_by = $2, updated_at = $3 WHERE name = $4`,
			string(b), nullID(u.ID), tx.Now, name)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO patent_import_sources (name, mapping, updated_by, updated_at) VALUES ($1, $2, $3, $4)`,
				name, string(b), nullID(u.ID), tx.Now); err != nil {
				return db.Normalize(err)
			}
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "patent.import.source", ObjectType: "patent_import_source", ObjectID: name,
			RegionCode: u.RegionCode, After: string(b)})
		return err
	})
}

// --- Import ---

// RowError is one problem of one row.
type RowError struct {
	Row   int    `json:"row"`
	Field string `json:"field"`
	Key   string `json:"-"`
	Args  []any  `json:"-"`
	// Message is the translated text, filled in by the caller's printer.
	Message string `json:"message"`
}

// ImportReport says what an import did or, for a dry run or a refused
// import, would do.
type ImportReport struct {
	Total         int        `json:"total"`
	New           int        `json:"new"`
	Updated       int        `json:"updated"`
	Unchanged     int        `json:"unchanged"`
	StatusChanges int        `json:"status_changes"` // history rows the import adds to patents on file
	Linked        int        `json:"linked"`         // new links to enterprises by credit code
	Suggested     int        `json:"suggested"`      // name matches left for staff to confirm
	NewAgencies   int        `json:"new_agencies"`
	Errors        []RowError `json:"errors,omitempty"`
	DryRun        bool       `json:"dry_run"`
	Written       bool       `json:"written"`
}

// ImportOptions steer an import.
type ImportOptions struct {
	DryRun bool   // validate and count only; write nothing
	Source string // the source, kept in the history rows
	Reason string // kept in the audit log
	// Progress, when set, is told how many rows are done of how many, first
	// while checking and then while writing.
	Progress func(stage string, done, total int)
}

var dateRE = regexp.MustCompile(`^(\d{4})\D(\d{1,2})\D(\d{1,2})日?$`)

// parseDate accepts 2019-07-02, 2019/7/2, 2019.7.2, 2019年7月2日 and 20190702.
func parseDate(v string) (calendar.Date, bool) {
	if len(v) == 8 && strings.Trim(v, "0123456789") == "" {
		v = v[:4] + "-" + v[4:6] + "-" + v[6:]
	}
	m := dateRE.FindStringSubmatch(v)
	if m == nil {
		return calendar.Date{}, false
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	date := calendar.Date{Year: y, Month: time.Month(mo), Day: d}
	return date, date.IsValid()
}

// typeNames maps what exports write in the type column.
var typeNames = map[string]string{
	"发明": Invention, "发明专利": Invention, "发明申请": Invention, "发明授权": Invention, "invention": Invention,
	"实用新型": Utility, "实用新型专利": Utility, "实用": Utility, "utility": Utility, "utility model": Utility,
	"外观设计": Design, "外观设计专利": Design, "外观": Design, "design": Design,
}

// statusNames maps the legal statuses exports write.
var statusNames = map[string]string{
	"申请": Applied, "在审": Applied, "审中": Applied, "公开": Applied, "实质审查": Applied, "实审": Applied, "applied": Applied, "pending": Applied,
	"授权": Granted, "granted": Granted,
	"有效": Valid, "维持": Valid, "专利权维持": Valid, "valid": Valid,
	"驳回": Rejected, "rejected": Rejected,
	"撤回": Withdrawn, "视为撤回": Withdrawn, "主动撤回": Withdrawn, "withdrawn": Withdrawn,
	"失效": Lapsed, "无效": Lapsed, "终止": Lapsed, "权利终止": Lapsed, "未缴年费": Lapsed, "期限届满": Lapsed, "放弃": Lapsed, "lapsed": Lapsed,
}

// normName folds full-width brackets and drops spaces, for matching an
// applicant's name to an enterprise's.
func normName(s string) string {
	return strings.NewReplacer("（", "(", "）", ")", " ", "", "　", "").Replace(clean(s))
}

func splitNames(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(";；,，、|", r) })
}

// parsed is a row turned into a record.
type parsed struct {
	row      int
	no       string
	typ      string
	pct      bool
	title    string
	apps     string
	code     string
	inv      int
	hasInv   bool
	applied  calendar.Date
	granted  calendar.Date
	status   string // "" when the file says nothing
	ipc      string
	agency   string
	region   string // resolved code, "" when not given
	hasGrant bool
}

// applicantIndex matches applicants to the enterprises in scope.
type applicantIndex struct {
	byCode map[string]Applicant
	byName map[string][]Applicant
}

func (s *Service) applicantIndex(ctx context.Context, u *auth.User) (applicantIndex, error) {
	ix := applicantIndex{byCode: map[string]Applicant{}, byName: map[string][]Applicant{}}
	list, err := s.Enterprises.InScope(ctx, u)
	if err != nil {
		return ix, err
	}
	for _, a := range list {
		ix.byCode[a.CreditCode] = a
		n := normName(a.Name)
		ix.byName[n] = append(ix.byName[n], a)
	}
	return ix, nil
}

// match returns the enterprise named by credit code (linked at once), or
// else the one enterprise whose name equals one of the applicants (a
// candidate for staff to confirm).
func (ix applicantIndex) match(code, applicants string) (linked, candidate Applicant) {
	if code != "" {
		if a, ok := ix.byCode[strings.ToUpper(code)]; ok {
			return a, Applicant{}
		}
	}
	for _, n := range splitNames(applicants) {
		if as := ix.byName[normName(n)]; len(as) == 1 {
			return Applicant{}, as[0]
		}
	}
	return Applicant{}, Applicant{}
}

// townIndex resolves the region column: a code, or a unique name, among
// the counties and townships in the importer's scope.
type townIndex struct {
	byCode map[string]bool
	byName map[string][]string
}

func newTownIndex(t *region.Tree, u *auth.User) townIndex {
	ix := townIndex{byCode: map[string]bool{}, byName: map[string][]string{}}
	if t == nil {
		return ix
	}
	for _, root := range u.Scope().Regions {
		r, ok := t.Lookup(root)
		if !ok {
			continue
		}
		for _, d := range append([]region.Region{r}, t.Descendants(root)...) {
			if d.Level < region.County || d.Level > region.Township {
				continue
			}
			ix.byCode[d.Code] = true
			ix.byName[d.Name] = append(ix.byName[d.Name], d.Code)
		}
	}
	return ix
}

// parseRow checks one row, collecting its problems.
func parseRow(row xlsx.Row, towns townIndex) (parsed, []RowError) {
	v := row.Values
	p := parsed{row: row.Number, title: clean(v["title"]), apps: clean(v["applicants"]), code: strings.ToUpper(clean(v["credit_code"])),
		ipc: strings.ToUpper(clean(v["ipc_main"])), agency: clean(v["agency"])}
	var errs []RowError
	fail := func(field, key string, args ...any) {
		errs = append(errs, RowError{Row: row.Number, Field: field, Key: key, Args: args})
	}
	n, err := ident.ParsePatentNumber(v["app_no"])
	if err != nil {
		if e, ok := errors.AsType[*ident.Error](err); ok {
			fail("app_no", e.Key(), e.Args()...)
		} else {
			fail("app_no", "error.invalid_value")
		}
	} else {
		p.no = n.String()
		p.typ, p.pct = TypeOf(n)
	}
	if t := clean(v["type"]); t != "" {
		named, ok := typeNames[strings.ToLower(strings.TrimPrefix(t, "PCT"))]
		switch {
		case !ok:
			fail("type", "patent.import.unknown_type", t)
		case p.no != "" && named != p.typ:
			fail("type", "patent.import.type_mismatch", t, p.no)
		}
	}
	if p.title == "" {
		fail("title", "error.required")
	} else if tooLong(p.title, maxText) {
		fail("title", "error.too_long", maxText)
	}
	if p.apps == "" {
		fail("applicants", "error.required")
	} else if tooLong(p.apps, maxText) {
		fail("applicants", "error.too_long", maxText)
	}
	if s := clean(v["inventors"]); s != "" {
		p.hasInv = true
		if k, err := strconv.Atoi(s); err == nil && k >= 0 && k <= 1000 {
			p.inv = k
		} else if strings.Trim(s, "0123456789") == "" {
			fail("inventors", "error.invalid_value")
		} else {
			p.inv = len(splitNames(s))
		}
	}
	if s := clean(v["application_date"]); s == "" {
		fail("application_date", "error.required")
	} else if d, ok := parseDate(s); !ok {
		fail("application_date", "error.invalid_date")
	} else {
		p.applied = d
	}
	if s := clean(v["grant_date"]); s != "" {
		if d, ok := parseDate(s); !ok {
			fail("grant_date", "error.invalid_date")
		} else {
			p.granted, p.hasGrant = d, true
		}
	}
	if s := clean(v["status"]); s != "" {
		st, ok := statusNames[strings.ToLower(s)]
		if !ok {
			fail("status", "patent.import.unknown_status", s)
		}
		p.status = st
	}
	if tooLong(p.ipc, 30) {
		fail("ipc_main", "error.too_long", 30)
	}
	if tooLong(p.agency, 200) {
		fail("agency", "error.too_long", 200)
	}
	if s := clean(v["region"]); s != "" {
		switch codes := towns.byName[s]; {
		case towns.byCode[s]:
			p.region = s
		case len(codes) == 1:
			p.region = codes[0]
		case len(codes) > 1:
			fail("region", "patent.import.region_ambiguous", s)
		default:
			fail("region", "patent.import.region_unknown", s)
		}
	}
	return p, errs
}

// onFile is what an import needs to know of a patent already on file.
type onFile struct {
	Patent
	agency string
}

// plan is what the import will write for one row.
type plan struct {
	p        parsed
	rec      Patent // the record after the import
	old      *onFile
	changed  bool
	moved    bool // a status change: a history row
	agencyID int64
}

// Import checks every row, then — unless it is a dry run or any row is bad
// — creates or updates the patents in one transaction, keyed by
// application number, with a history row for each new patent and each
// status change. Empty cells keep what is on file; a status may only move
// along the allowed transitions. Repeating an import changes nothing.
func (s *Service) Import(ctx context.Context, u *auth.User, tree *region.Tree, rows []xlsx.Row, opt ImportOptions) (*ImportReport, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	progress := opt.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	rep := &ImportReport{Total: len(rows), DryRun: opt.DryRun}
	var rowErrs []RowError
	apps, err := s.applicantIndex(ctx, u)
	if err != nil {
		return nil, err
	}
	towns := newTownIndex(tree, u)
	parsedRows := make([]parsed, 0, len(rows))
	seen := map[string]int{}
	for i, row := range rows {
		p, errs := parseRow(row, towns)
		if p.no != "" {
			if first, dup := seen[p.no]; dup {
				errs = append(errs, RowError{Row: row.Number, Field: "app_no", Key: "patent.import.duplicate", Args: []any{p.no, first}})
			} else {
				seen[p.no] = row.Number
			}
		}
		rowErrs = append(rowErrs, errs...)
		if len(errs) == 0 {
			parsedRows = append(parsedRows, p)
		}
		if (i+1)%1000 == 0 || i+1 == len(rows) {
			progress("check", i+1, len(rows))
		}
	}
	source := "import"
	if src := clean(opt.Source); src != "" {
		source = "import:" + src
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		// A retried transaction starts over from the rows' own problems.
		rep.New, rep.Updated, rep.Unchanged, rep.StatusChanges, rep.Linked, rep.Suggested, rep.NewAgencies, rep.Written = 0, 0, 0, 0, 0, 0, 0, false
		rep.Errors = slices.Clone(rowErrs)
		known, err := loadOnFile(ctx, tx, parsedRows)
		if err != nil {
			return err
		}
		agencies, err := loadAgencies(ctx, tx)
		if err != nil {
			return err
		}
		newAgencies := map[string]bool{}
		scope := u.Scope()
		plans := make([]plan, 0, len(parsedRows))
		var errs []RowError
		for _, p := range parsedRows {
			pl, e := planRow(p, known[p.no], apps, u, scope)
			if e != nil {
				errs = append(errs, *e)
				continue
			}
			if p.agency != "" {
				if id, ok := agencies[p.agency]; ok {
					pl.agencyID = id
				} else if !newAgencies[p.agency] {
					newAgencies[p.agency] = true
				}
			}
			plans = append(plans, pl)
		}
		rep.Errors = append(rep.Errors, errs...)
		if len(rep.Errors) > 0 {
			sortErrors(rep.Errors)
			return errRefused
		}
		rep.NewAgencies = len(newAgencies)
		for _, pl := range plans {
			switch {
			case pl.old == nil:
				rep.New++
			case pl.changed:
				rep.Updated++
			default:
				rep.Unchanged++
			}
			if pl.old != nil && pl.moved {
				rep.StatusChanges++
			}
			if pl.rec.EnterpriseID > 0 && (pl.old == nil || pl.old.EnterpriseID == 0) {
				rep.Linked++
			}
			if pl.rec.CandidateID > 0 && (pl.old == nil || pl.old.CandidateID != pl.rec.CandidateID) {
				rep.Suggested++
			}
		}
		if opt.DryRun {
			return errRefused // roll back: a dry run writes nothing
		}
		for name := range newAgencies {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO patent_agencies (name, created_at, created_by) VALUES ($1, $2, $3) RETURNING id`,
				name, tx.Now, nullID(u.ID)).Scan(&id); err != nil {
				return db.Normalize(err)
			}
			agencies[name] = id
		}
		for i := range plans {
			if plans[i].agencyID == 0 && plans[i].p.agency != "" {
				plans[i].agencyID = agencies[plans[i].p.agency]
			}
		}
		restore, err := tx.WidenCache(ctx, importCacheMiB)
		if err != nil {
			return err
		}
		defer restore()
		if err := s.write(ctx, tx, u, plans, source, progress); err != nil {
			return err
		}
		rep.Written = true
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "patent.import", ObjectType: objPatent, ObjectID: "*", RegionCode: u.RegionCode,
			After: audit.JSON(map[string]any{"source": opt.Source, "total": rep.Total, "new": rep.New, "updated": rep.Updated, "unchanged": rep.Unchanged,
				"status_changes": rep.StatusChanges, "new_agencies": rep.NewAgencies}), Reason: opt.Reason})
		return err
	})
	if err == errRefused {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// importCacheMiB is the page cache an import's writes have on SQLite
// (db.Tx.WidenCache): a file's new patents go into eight indexes at
// scattered places, and with the default 2 MiB the pages they change are
// spilled to the WAL before the commit and read back from it: over a
// quarter of the import's CPU time in its profile (bench/PATENT.md).
const importCacheMiB = 64

// errRefused rolls an import's transaction back on purpose.
var errRefused = i18n.E(i18n.Invalid, "patent.import.refused")

// sortErrors orders the problems by row, stable: a row's own problems
// first, then those found against the records on file.
func sortErrors(errs []RowError) {
	slices.SortStableFunc(errs, func(a, b RowError) int { return a.Row - b.Row })
}

// planRow merges a row into the record on file (or makes a new one).
func planRow(p parsed, old *onFile, apps applicantIndex, u *auth.User, scope auth.Scope) (plan, *RowError) {
	fail := func(field, key string, args ...any) (plan, *RowError) {
		return plan{}, &RowError{Row: p.row, Field: field, Key: key, Args: args}
	}
	pl := plan{p: p, old: old}
	linked, candidate := apps.match(p.code, p.apps)
	if old == nil {
		rec := Patent{AppNo: p.no, Type: p.typ, PCT: p.pct, Title: p.title, Applicants: p.apps, Inventors: p.inv,
			ApplicationDate: p.applied, GrantDate: p.granted, Status: p.status, IPCMain: p.ipc}
		if rec.Status == "" {
			rec.Status = Applied
			if p.hasGrant {
				rec.Status = Granted
			}
		}
		rec.EnterpriseID, rec.CandidateID = linked.ID, candidate.ID
		switch {
		case linked.ID > 0:
			rec.RegionCode = linked.RegionCode
		case p.region != "":
			rec.RegionCode = p.region
		case candidate.ID > 0:
			rec.RegionCode = candidate.RegionCode
		default:
			rec.RegionCode = u.RegionCode
		}
		pl.rec, pl.changed, pl.moved = rec, true, true
	} else {
		if !scope.Allows(old.RegionCode, 0) {
			return fail("app_no", "patent.import.elsewhere", p.no)
		}
		rec := old.Patent
		rec.Title, rec.Applicants, rec.ApplicationDate = p.title, p.apps, p.applied
		if p.hasInv {
			rec.Inventors = p.inv
		}
		if p.hasGrant {
			rec.GrantDate = p.granted
		}
		if p.ipc != "" {
			rec.IPCMain = p.ipc
		}
		if p.status != "" && p.status != old.Status {
			if !CanMove(old.Status, p.status) {
				return fail("status", "patent.status.bad_move", StatusName(old.Status), StatusName(p.status))
			}
			rec.Status, pl.moved = p.status, true
		} else if p.status == "" && p.hasGrant && old.Status == Applied {
			rec.Status, pl.moved = Granted, true // a grant date on an application: granted
		}
		if rec.EnterpriseID == 0 {
			if linked.ID > 0 {
				rec.EnterpriseID, rec.CandidateID, rec.RegionCode = linked.ID, 0, linked.RegionCode
			} else if candidate.ID > 0 {
				rec.CandidateID = candidate.ID
			}
		}
		if p.region != "" && rec.EnterpriseID == 0 {
			rec.RegionCode = p.region
		}
		pl.rec = rec
		pl.changed = rec.Title != old.Title || rec.Applicants != old.Applicants || rec.ApplicationDate != old.ApplicationDate ||
			rec.GrantDate != old.GrantDate || rec.Inventors != old.Inventors || rec.IPCMain != old.IPCMain || rec.Status != old.Status ||
			rec.EnterpriseID != old.EnterpriseID || rec.CandidateID != old.CandidateID || rec.RegionCode != old.RegionCode ||
			(p.agency != "" && p.agency != old.agency)
	}
	n, _ := ident.ParsePatentNumber(pl.rec.AppNo)
	if field, key := CheckDates(n, pl.rec.Status, pl.rec.ApplicationDate, pl.rec.GrantDate); key != "" {
		return fail(field, key)
	}
	if !scope.Allows(pl.rec.RegionCode, 0) {
		return fail("region", "patent.region.outside")
	}
	return pl, nil
}

// loadOnFile returns the patents on file for the rows' numbers, in batches.
func loadOnFile(ctx context.Context, tx *db.Tx, rows []parsed) (map[string]*onFile, error) {
	out := map[string]*onFile{}
	const batch = 500
	for start := 0; start < len(rows); start += batch {
		part := rows[start:min(start+batch, len(rows))]
		args := make([]any, 0, len(part))
		for _, p := range part {
			args = append(args, p.no)
		}
		q, err := tx.QueryContext(ctx, `SELECT `+columns+from+` WHERE p.app_no IN `+placeholders(1, len(part)), args...)
		if err != nil {
			return nil, db.Normalize(err)
		}
		list, err := db.Collect(q, scanPatent)
		if err != nil {
			return nil, err
		}
		for _, p := range list {
			out[p.AppNo] = &onFile{Patent: *p, agency: p.AgencyName}
		}
	}
	return out, nil
}

func loadAgencies(ctx context.Context, tx *db.Tx) (map[string]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, name FROM patent_agencies`)
	if err != nil {
		return nil, db.Normalize(err)
	}
	out := map[string]int64{}
	_, err = db.Collect(rows, func(sc interface{ Scan(...any) error }) (struct{}, error) {
		var id int64
		var name string
		err := sc.Scan(&id, &name)
		out[name] = id
		return struct{}{}, err
	})
	return out, err
}

// insertBatch is how many new patents one INSERT statement carries on
// PostgreSQL, where each statement is a round trip. SQLite runs in the
// process and parses numbered parameters in time quadratic in their
// number, so there each row is one execution of a prepared statement.
func insertBatch(tx *db.Tx) int {
	if tx.Dialect.Engine == db.SQLite {
		return 1
	}
	return 100
}

// write applies the plans: new patents in multi-row INSERTs (one row each
// on SQLite), changed ones one UPDATE each, the history rows, and the
// rollups' changes counted from the records written, in one batch.
func (s *Service) write(ctx context.Context, tx *db.Tx, u *auth.User, plans []plan, source string, progress func(string, int, int)) error {
	today := calendar.FromTime(tx.Now, calendar.Shanghai)
	var fresh []*plan
	var hist []histRow
	counts := deltas{} // the new patents, and the updated ones by their difference
	done := 0
	upd, err := tx.PrepareContext(ctx, `UPDATE patents SET title = $1, applicants = $2, inventors = $3, application_date = $4, grant_date = $5,
		status = $6, ipc_main = $7, agency_id = $8, enterprise_id = $9, candidate_id = $10, region_code = $11, version = version + 1, updated_at = $12
		WHERE id = $13 AND version = $14`)
	if err != nil {
		return db.Normalize(err)
	}
	defer upd.Close()
	for i := range plans {
		pl := &plans[i]
		switch {
		case pl.old == nil:
			fresh = append(fresh, pl)
			counts.add(&pl.rec, +1)
		case pl.changed:
			r := &pl.rec
			agency := pl.agencyID
			if agency == 0 {
				agency = pl.old.AgencyID
			}
			res, err := upd.ExecContext(ctx, r.Title, r.Applicants, r.Inventors, r.ApplicationDate, r.GrantDate, r.Status, r.IPCMain, nullID(agency),
				nullID(r.EnterpriseID), nullID(r.CandidateID), r.RegionCode, tx.Now, r.ID, pl.old.Version)
			if err != nil {
				return db.Normalize(err)
			}
			// The rollups move by the difference between the record read
			// and the one written: a record changed meanwhile is a conflict.
			if k, _ := res.RowsAffected(); k == 0 {
				return stale()
			}
			counts.add(&pl.old.Patent, -1)
			counts.add(r, +1)
			if pl.moved {
				hist = append(hist, histRow{id: r.ID, from: pl.old.Status, to: r.Status, eff: effectiveDate(*r, today)})
			}
		}
		done++
		if done%1000 == 0 {
			progress("write", done, len(plans))
		}
	}
	batch := insertBatch(tx)
	var firstID, lastID int64       // of the new patents
	stmts := map[string]*sql.Stmt{} // by SQL text: the full batches' statement is prepared once
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	prepared := func(q string) (*sql.Stmt, error) {
		if st, ok := stmts[q]; ok {
			return st, nil
		}
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return nil, db.Normalize(err)
		}
		stmts[q] = st
		return st, nil
	}
	// SQLite: no RETURNING, which makes it keep a statement journal for
	// every row; the rowid comes back without it.
	returning := ` RETURNING id`
	if batch == 1 {
		returning = ""
	}
	var insert *sql.Stmt
	for start := 0; start < len(fresh); start += batch {
		part := fresh[start:min(start+batch, len(fresh))]
		if insert == nil || len(part) < batch {
			if insert, err = prepared(`INSERT INTO patents (app_no, type, pct, title, applicants, enterprise_id, candidate_id, region_code, inventors,
				application_date, grant_date, status, ipc_main, agency_id, created_at, updated_at) VALUES ` + placeholders(len(part), 16) + returning); err != nil {
				return err
			}
		}
		args := make([]any, 0, len(part)*16)
		for _, pl := range part {
			r := &pl.rec
			args = append(args, r.AppNo, r.Type, r.PCT, r.Title, r.Applicants, nullID(r.EnterpriseID), nullID(r.CandidateID), r.RegionCode,
				r.Inventors, r.ApplicationDate, r.GrantDate, r.Status, r.IPCMain, nullID(pl.agencyID), tx.Now, tx.Now)
		}
		if returning == "" {
			res, err := insert.ExecContext(ctx, args...)
			if err != nil {
				return db.Normalize(err)
			}
			id, err := res.LastInsertId()
			if err != nil {
				return db.Normalize(err)
			}
			if firstID == 0 {
				firstID = id
			}
			firstID, lastID = min(firstID, id), max(lastID, id)
		} else {
			rows, err := insert.QueryContext(ctx, args...)
			if err != nil {
				return db.Normalize(err)
			}
			if _, err := db.Collect(rows, func(sc interface{ Scan(...any) error }) (struct{}, error) {
				var id int64
				err := sc.Scan(&id)
				if firstID == 0 || id < firstID {
					firstID = id
				}
				lastID = max(lastID, id)
				return struct{}{}, err
			}); err != nil {
				return err
			}
		}
		before := done
		if done += len(part); done/1000 > before/1000 {
			progress("write", done, len(plans))
		}
	}
	// The new patents' first history rows, in one statement: the patents
	// this transaction inserted are those stamped with its time among the
	// ids it was given, each without a history row yet. The effective date
	// is effectiveDate's, in SQL.
	if len(fresh) > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO patent_status_history (patent_id, from_status, to_status, effective, source, changed_by, changed_at)
			SELECT p.id, '', p.status, CASE WHEN p.status = 'applied' THEN p.application_date
				WHEN p.status IN ('granted', 'valid') AND p.grant_date IS NOT NULL THEN p.grant_date ELSE $1 END, $2, $3, $4
			FROM patents p WHERE p.id BETWEEN $5 AND $6 AND p.created_at = $4
				AND NOT EXISTS (SELECT 1 FROM patent_status_history h WHERE h.patent_id = p.id)
			ORDER BY p.id`, today, source, nullID(u.ID), tx.Now, firstID, lastID); err != nil {
			return db.Normalize(err)
		}
	}
	for start := 0; start < len(hist); start += batch {
		part := hist[start:min(start+batch, len(hist))]
		args := make([]any, 0, len(part)*7)
		for _, h := range part {
			args = append(args, h.id, h.from, h.to, h.eff, source, nullID(u.ID), tx.Now)
		}
		st, err := prepared(`INSERT INTO patent_status_history (patent_id, from_status, to_status, effective, source, changed_by, changed_at)
			VALUES ` + placeholders(len(part), 7))
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return db.Normalize(err)
		}
	}
	if err := counts.apply(ctx, tx); err != nil {
		return err
	}
	progress("write", len(plans), len(plans))
	return nil
}

// placeholders returns the VALUES lists of rows rows of cols parameters
// each, numbered from $1: "($1, $2), ($3, $4)" for 2 and 2.
func placeholders(rows, cols int) string {
	var b strings.Builder
	for i := range rows * cols {
		switch {
		case i == 0:
			b.WriteString("(")
		case i%cols == 0:
			b.WriteString("), (")
		default:
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(i+1))
	}
	if rows*cols > 0 {
		b.WriteString(")")
	}
	return b.String()
}

type histRow struct {
	id       int64
	from, to string
	eff      calendar.Date
}

// effectiveDate is when a record's status took effect as far as it says:
// the application date for an application, the grant date for a grant,
// else the day of the import.
func effectiveDate(r Patent, today calendar.Date) calendar.Date {
	switch {
	case r.Status == Applied:
		return r.ApplicationDate
	case (r.Status == Granted || r.Status == Valid) && !r.GrantDate.IsZero():
		return r.GrantDate
	}
	return today
}
