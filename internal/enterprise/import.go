package enterprise

import (
	"context"
	"database/sql"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/ident"
	"kejiju/internal/money"
	"kejiju/internal/region"
	"kejiju/internal/xlsx"
)

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
	Total     int        `json:"total"`
	New       int        `json:"new"`
	Updated   int        `json:"updated"`
	Unchanged int        `json:"unchanged"`
	Errors    []RowError `json:"errors,omitempty"`
	DryRun    bool       `json:"dry_run"`
	Written   bool       `json:"written"`
}

// Sheet is the enterprise workbook: its columns, with the Chinese headers of
// the template, in template order.
var Sheet = xlsx.Sheet{Name: "企业名录", Columns: []xlsx.Column{
	{Key: "credit_code", Header: "统一社会信用代码", Aliases: []string{"信用代码", "Credit code"}, Required: true, Example: "91341200MA2N00001A", Note: "18位，字母大写"},
	{Key: "name", Header: "企业名称", Aliases: []string{"名称", "Name"}, Required: true, Example: "阜阳示例科技有限公司"},
	{Key: "legal_rep", Header: "法定代表人", Aliases: []string{"法人"}, Example: "张三"},
	{Key: "registered_on", Header: "成立日期", Example: "2018-06-01", Note: "如2018-06-01"},
	{Key: "registered_capital", Header: "注册资本（万元）", Aliases: []string{"注册资本"}, Example: "500", Note: "单位：万元"},
	{Key: "address", Header: "注册地址", Aliases: []string{"地址"}, Example: "颍东区冉庙乡工业园1号"},
	{Key: "region", Header: "所属乡镇（街道）", Aliases: []string{"所属乡镇", "乡镇"}, Required: true, Example: "冉庙乡", Note: "名称或9位区划代码"},
	{Key: "industry_code", Header: "国民经济行业代码", Aliases: []string{"行业代码"}, Example: "C3911", Note: "GB/T 4754，如C3911"},
	{Key: "tech_field", Header: "技术领域", Example: "电子信息", Note: "八大高新技术领域之一"},
	{Key: "contact_name", Header: "联系人", Example: "李四"},
	{Key: "contact_phone", Header: "联系电话", Example: "13800000000"},
}}

// regionIndex resolves the region column: a code, or a unique name among
// the regions in the importer's scope.
type regionIndex struct {
	byCode map[string]region.Region
	byName map[string][]string
}

func newRegionIndex(t *region.Tree, u *auth.User) regionIndex {
	ix := regionIndex{byCode: map[string]region.Region{}, byName: map[string][]string{}}
	for _, root := range u.Scope().Regions {
		r, ok := t.Lookup(root)
		if !ok {
			continue
		}
		for _, d := range append([]region.Region{r}, t.Descendants(root)...) {
			if d.Level < region.County || d.Level > region.Township {
				continue
			}
			ix.byCode[d.Code] = d
			ix.byName[d.Name] = append(ix.byName[d.Name], d.Code)
		}
	}
	return ix
}

func (ix regionIndex) resolve(v string) (string, *RowError) {
	if r, ok := ix.byCode[v]; ok {
		return r.Code, nil
	}
	switch codes := ix.byName[v]; len(codes) {
	case 1:
		return codes[0], nil
	case 0:
		return "", &RowError{Field: "region", Key: "enterprise.region.unknown", Args: []any{v}}
	default:
		return "", &RowError{Field: "region", Key: "enterprise.region.ambiguous", Args: []any{v}}
	}
}

var dateLayouts = regexp.MustCompile(`^(\d{4})\D(\d{1,2})\D(\d{1,2})日?$`)

// parseDate accepts 2018-06-01, 2018/6/1, 2018.6.1, 2018年6月1日 and 20180601.
func parseDate(v string) (calendar.Date, error) {
	if len(v) == 8 && strings.Trim(v, "0123456789") == "" {
		v = v[:4] + "-" + v[4:6] + "-" + v[6:]
	}
	m := dateLayouts.FindStringSubmatch(v)
	if m == nil {
		return calendar.Date{}, i18n.E(i18n.Invalid, "error.invalid_date")
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	date := calendar.Date{Year: y, Month: time.Month(mo), Day: d}
	if !date.IsValid() {
		return calendar.Date{}, i18n.E(i18n.Invalid, "error.invalid_date")
	}
	return date, nil
}

// rowInput turns a row into an Input, collecting its problems.
func rowInput(row xlsx.Row, ix regionIndex) (Input, []RowError) {
	v := row.Values
	in := Input{CreditCode: v["credit_code"], Name: v["name"], LegalRep: v["legal_rep"], Address: v["address"],
		IndustryCode: v["industry_code"], TechField: v["tech_field"], ContactName: v["contact_name"], ContactPhone: v["contact_phone"]}
	var errs []RowError
	fail := func(field, key string, args ...any) {
		errs = append(errs, RowError{Row: row.Number, Field: field, Key: key, Args: args})
	}
	if xlsx.LooksMangled(v["credit_code"]) {
		fail("credit_code", "enterprise.import.mangled")
	}
	if s := clean(v["registered_on"]); s != "" {
		d, err := parseDate(s)
		if err != nil {
			fail("registered_on", "error.invalid_date")
		}
		in.RegisteredOn = d
	}
	if s := clean(v["registered_capital"]); s != "" {
		f, err := money.ParseYuan(strings.TrimSuffix(strings.TrimSuffix(s, "万元"), "万") + "万")
		if err != nil {
			fail("registered_capital", "enterprise.capital.format")
		}
		in.RegisteredCapital = f
	}
	if s := clean(v["region"]); s == "" {
		fail("region", "error.required")
	} else if code, e := ix.resolve(s); e != nil {
		e.Row = row.Number
		errs = append(errs, *e)
	} else {
		in.RegionCode = code
	}
	return in, errs
}

// existing is what an import needs to know of a record already on file.
type existing struct {
	id      int64
	version int
	region  string
	input   Input
	status  string
}

// ImportOptions steer an import.
type ImportOptions struct {
	DryRun bool   // validate and count only; write nothing
	Reason string // kept on every version and in the audit log
	// Progress, when set, is told how many rows are done of how many, first
	// while checking and then while writing.
	Progress func(stage string, done, total int)
}

// Import validates every row, then — unless it is a dry run or any row is
// bad — creates or updates the records in one transaction, keyed by credit
// code. A repeated import of the same rows changes nothing. Rows whose code
// belongs to a record outside the importer's scope are refused.
func (s *Service) Import(ctx context.Context, u *auth.User, tree *region.Tree, rows []xlsx.Row, opt ImportOptions) (*ImportReport, error) {
	dryRun, reason := opt.DryRun, opt.Reason
	progress := opt.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	if err := mayManage(u); err != nil {
		return nil, err
	}
	rep := &ImportReport{Total: len(rows), DryRun: dryRun}
	ix := newRegionIndex(tree, u)
	inputs := make([]Input, len(rows))
	seen := map[string]int{}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		for i, row := range rows {
			in, errs := rowInput(row, ix)
			in, p := validate(in, func(code string) (string, error) { return ident.AcceptCreditCode(ctx, tx, code) })
			for _, e := range p {
				if e.Field == "region_code" {
					if in.RegionCode == "" {
						continue // the region column's own error says why
					}
					e.Field = "region"
				}
				errs = append(errs, RowError{Row: row.Number, Field: e.Field, Key: e.Key, Args: e.Args})
			}
			if first, dup := seen[in.CreditCode]; dup && in.CreditCode != "" {
				errs = append(errs, RowError{Row: row.Number, Field: "credit_code", Key: "enterprise.import.duplicate", Args: []any{first}})
			} else {
				seen[in.CreditCode] = row.Number
			}
			rep.Errors = append(rep.Errors, errs...)
			inputs[i] = in
			if (i+1)%500 == 0 || i+1 == len(rows) {
				progress("check", i+1, len(rows))
			}
		}
		known, err := loadExisting(ctx, tx, inputs)
		if err != nil {
			return err
		}
		scope := u.Scope()
		for i, in := range inputs {
			if ex, ok := known[in.CreditCode]; ok && (!scope.Allows(ex.region, ex.id) || ex.status != Active) {
				rep.Errors = append(rep.Errors, RowError{Row: rows[i].Number, Field: "credit_code", Key: "enterprise.import.elsewhere", Args: []any{in.CreditCode}})
			}
		}
		if len(rep.Errors) > 0 {
			return errRefused
		}
		for _, in := range inputs {
			ex, ok := known[in.CreditCode]
			switch {
			case !ok:
				rep.New++
			case changed(ex.input, in):
				rep.Updated++
			default:
				rep.Unchanged++
			}
		}
		if dryRun {
			return errRefused // roll back: a dry run writes nothing
		}
		w, err := newWriter(ctx, tx, u, reason)
		if err != nil {
			return err
		}
		defer w.close()
		for i, in := range inputs {
			if (i+1)%500 == 0 || i+1 == len(inputs) {
				progress("write", i+1, len(inputs))
			}
			ex, ok := known[in.CreditCode]
			switch {
			case !ok:
				if err := w.create(ctx, in); err != nil {
					return err
				}
			case changed(ex.input, in):
				before := &Enterprise{ID: ex.id, Version: ex.version, Status: Active}
				e, err := update(ctx, tx, before, in)
				if err != nil {
					return err
				}
				if err := w.record(ctx, e, false); err != nil {
					return err
				}
			}
		}
		rep.Written = true
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "enterprise.import", ObjectType: "enterprise", ObjectID: "*",
			RegionCode: u.RegionCode, After: audit.JSON(map[string]int{"total": rep.Total, "new": rep.New, "updated": rep.Updated, "unchanged": rep.Unchanged}),
			Reason: reason})
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

// errRefused rolls an import's transaction back on purpose.
var errRefused = i18n.E(i18n.Invalid, "enterprise.import.refused")

// writer writes an import's records with statements prepared once per
// transaction: a 100,000-row import would otherwise parse the same SQL
// 300,000 times (and make SQLite's FTS5 flush its index at each one). The
// import's one audit event covers the batch; each record gets its version.
type writer struct {
	tx                      *db.Tx
	u                       *auth.User
	reason                  string
	ins, ver, ftsDel, ftsIn *sql.Stmt
}

func newWriter(ctx context.Context, tx *db.Tx, u *auth.User, reason string) (*writer, error) {
	w := &writer{tx: tx, u: u, reason: reason}
	var err error
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = tx.PrepareContext(ctx, q)
		return st
	}
	w.ins, w.ver = prep(insertSQL), prep(versionSQL)
	if tx.Dialect.Engine == db.SQLite {
		w.ftsDel, w.ftsIn = prep(ftsDeleteSQL), prep(ftsInsertSQL)
	}
	if err != nil {
		w.close()
		return nil, db.Normalize(err)
	}
	return w, nil
}

func (w *writer) close() {
	for _, st := range []*sql.Stmt{w.ins, w.ver, w.ftsDel, w.ftsIn} {
		if st != nil {
			st.Close()
		}
	}
}

// create inserts a new record with its version and index rows.
func (w *writer) create(ctx context.Context, in Input) error {
	e, err := insertWith(ctx, w.tx, w.ins.QueryRowContext, in)
	if err != nil {
		return err
	}
	return w.record(ctx, e, true)
}

// record writes e's version row and search index; a new record has no old
// index row to delete.
func (w *writer) record(ctx context.Context, e *Enterprise, isNew bool) error {
	data, _ := json.Marshal(e.input())
	if _, err := w.ver.ExecContext(ctx, e.ID, e.Version, string(data), w.u.ID, w.u.DisplayName, w.tx.Now, w.reason); err != nil {
		return db.Normalize(err)
	}
	if w.ftsIn == nil {
		return nil
	}
	if !isNew {
		if _, err := w.ftsDel.ExecContext(ctx, e.ID); err != nil {
			return db.Normalize(err)
		}
	}
	_, err := w.ftsIn.ExecContext(ctx, e.ID, e.Name, e.Address)
	return db.Normalize(err)
}

// loadExisting returns the records already on file for the inputs' codes,
// in batches.
func loadExisting(ctx context.Context, tx *db.Tx, inputs []Input) (map[string]existing, error) {
	out := map[string]existing{}
	const batch = 500
	for start := 0; start < len(inputs); start += batch {
		part := inputs[start:min(start+batch, len(inputs))]
		args := make([]any, 0, len(part))
		ph := make([]string, 0, len(part))
		for _, in := range part {
			if in.CreditCode == "" {
				continue
			}
			args = append(args, in.CreditCode)
			ph = append(ph, "$"+strconv.Itoa(len(args)))
		}
		if len(args) == 0 {
			continue
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+columns+` FROM enterprises e WHERE e.credit_code IN (`+strings.Join(ph, ", ")+`)`, args...)
		if err != nil {
			return nil, db.Normalize(err)
		}
		for rows.Next() {
			e, err := scan(rows)
			if err != nil {
				rows.Close()
				return nil, db.Normalize(err)
			}
			out[e.CreditCode] = existing{id: e.ID, version: e.Version, region: e.RegionCode, input: e.input(), status: e.Status}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, db.Normalize(err)
		}
	}
	return out, nil
}
