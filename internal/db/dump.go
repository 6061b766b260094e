package db

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

// DumpFormat names the layout of a dump written by Export.
const DumpFormat = "kejiju-dump/1"

// Manifest describes a dump: one JSON-lines file per table, in an order in
// which every table comes after the tables it refers to, each with its row
// count and the SM3 digest of its file. The file is the canonical form of
// the table (see Export), so the digest is also the table's checksum: two
// databases with the same checksums hold the same data, whatever engine.
type Manifest struct {
	Format        string       `json:"format"`
	Engine        Engine       `json:"engine"`
	SchemaVersion int          `json:"schema_version"`
	CreatedAt     time.Time    `json:"created_at"`
	Tables        []TableEntry `json:"tables"`
}

// TableEntry is one table of a dump.
type TableEntry struct {
	Name    string   `json:"name"`
	File    string   `json:"file"`
	Columns []string `json:"columns"` // sorted by name: the order of each row's values
	Rows    int64    `json:"rows"`
	SM3     string   `json:"sm3"`
}

// Rows returns the number of rows of each table.
func (m Manifest) Rows() map[string]int64 {
	out := make(map[string]int64, len(m.Tables))
	for _, t := range m.Tables {
		out[t.Name] = t.Rows
	}
	return out
}

// Checksums returns the SM3 checksum of each table's canonical form.
func (m Manifest) Checksums() map[string]string {
	out := make(map[string]string, len(m.Tables))
	for _, t := range m.Tables {
		out[t.Name] = t.SM3
	}
	return out
}

// manifestName and digestName are the files of a dump besides the tables;
// manifest.sm3 holds the SM3 digest of manifest.json, so a change to any
// file (a table's through its digest in the manifest) is found.
const (
	manifestName = "manifest.json"
	digestName   = "manifest.sm3"
)

// Export writes every table of the database (the migrations' bookkeeping
// and SQLite's full-text index aside, which each target rebuilds) into dir,
// which must not exist, as an engine-neutral dump, all read in one
// transaction so the dump is one consistent point in time.
//
// The canonical form of a row is a JSON array of its values, columns sorted
// by name: integers as numbers, booleans as 1 and 0 (SQLite keeps some
// flags as integers), instants as UTC RFC 3339 with microseconds (what
// PostgreSQL keeps), dates as 2006-01-02, binary data as base64, text as
// is. Rows are in primary-key order (bytewise for text), one per line.
func Export(ctx context.Context, d *DB, dir string) (*Manifest, error) {
	if _, err := os.Stat(dir); err == nil {
		return nil, fmt.Errorf("db: export: %s already exists", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("db: export: %w", err)
	}
	m := &Manifest{Format: DumpFormat, Engine: d.Dialect.Engine, CreatedAt: d.Now().UTC().Truncate(time.Second)}
	err := snapshot(ctx, d, func(q conn) error {
		if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&m.SchemaVersion); err != nil {
			return err
		}
		tables, err := tablesInOrder(ctx, q)
		if err != nil {
			return err
		}
		for i, name := range tables {
			te, err := exportTable(ctx, q, dir, fmt.Sprintf("%03d_%s.jsonl", i+1, name), name)
			if err != nil {
				return fmt.Errorf("db: export %s: %w", name, err)
			}
			m.Tables = append(m.Tables, te)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, manifestName), b, 0o600); err != nil {
		return nil, err
	}
	sum := sm3.Sum(b)
	if err := os.WriteFile(filepath.Join(dir, digestName), []byte(hex.EncodeToString(sum[:])+"  "+manifestName+"\n"), 0o600); err != nil {
		return nil, err
	}
	return m, nil
}

func exportTable(ctx context.Context, q conn, dir, file, name string) (TableEntry, error) {
	cols, err := columns(ctx, q, name)
	if err != nil {
		return TableEntry{}, err
	}
	te := TableEntry{Name: name, File: file, Columns: names(cols)}
	f, err := os.OpenFile(filepath.Join(dir, te.File), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return te, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	te.Rows, te.SM3, err = canonicalRows(ctx, q, name, cols, w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return te, err
}

// ReadManifest reads a dump's manifest and checks it against its digest.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return nil, fmt.Errorf("db: dump: %w", err)
	}
	want, err := os.ReadFile(filepath.Join(dir, digestName))
	if err != nil {
		return nil, fmt.Errorf("db: dump: %w", err)
	}
	sum := sm3.Sum(b)
	if f := strings.Fields(string(want)); len(f) == 0 || f[0] != hex.EncodeToString(sum[:]) {
		return nil, fmt.Errorf("db: dump: %s does not match its SM3 digest", manifestName)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("db: dump: %w", err)
	}
	if m.Format != DumpFormat {
		return nil, fmt.Errorf("db: dump: format %q, want %q", m.Format, DumpFormat)
	}
	return &m, nil
}

// seededByMigrations are the tables whose rows the migrations themselves
// write (the audit chain's head); an import replaces them.
var seededByMigrations = map[string]bool{"audit_head": true}

// ImportOptions adjust Import.
type ImportOptions struct {
	// After runs inside the import's transaction once every table is
	// loaded and checked, e.g. to rebuild a search index and append the
	// audit event; its error undoes the whole import.
	After func(ctx context.Context, tx *Tx) error
	// Progress, when set, is told of each table as it is loaded.
	Progress func(table string, rows int64)
}

// Import loads a dump written by Export (from either engine) into d, which
// must be migrated to the dump's schema version and hold no data, in one
// transaction: each file is checked against its SM3 digest as it is read,
// every table is read back afterwards and must give the manifest's
// checksum, and PostgreSQL's identity sequences are moved past the loaded
// keys. Any failure leaves the database as it was.
func Import(ctx context.Context, d *DB, dir string, opt ImportOptions) (*Manifest, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	v, err := d.Version(ctx)
	if err != nil {
		return nil, err
	}
	if v != m.SchemaVersion {
		return nil, fmt.Errorf("db: import: the dump is of schema version %d, the database of %d", m.SchemaVersion, v)
	}
	err = d.inTxOnce(ctx, func(tx *Tx) error {
		q := conn{tx, d.Dialect.Engine}
		if d.Dialect.Engine == SQLite {
			// Checked at commit instead of row by row, so a table that
			// refers to itself loads in any order.
			if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
				return err
			}
		}
		have, err := tablesInOrder(ctx, q)
		if err != nil {
			return err
		}
		if err := sameTables(have, m.Tables); err != nil {
			return err
		}
		for _, name := range have {
			var n int64
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quote(name)).Scan(&n); err != nil {
				return err
			}
			if n > 0 && !seededByMigrations[name] {
				return fmt.Errorf("db: import: the database is not empty (%s has %d rows); import into a new database", name, n)
			}
			if n > 0 {
				if _, err := tx.ExecContext(ctx, `DELETE FROM `+quote(name)); err != nil {
					return err
				}
			}
		}
		for _, te := range m.Tables {
			if err := loadTable(ctx, q, dir, te); err != nil {
				return fmt.Errorf("db: import %s: %w", te.Name, err)
			}
			if opt.Progress != nil {
				opt.Progress(te.Name, te.Rows)
			}
		}
		for _, te := range m.Tables {
			cols, err := columns(ctx, q, te.Name)
			if err != nil {
				return err
			}
			rows, sum, err := canonicalRows(ctx, q, te.Name, cols, io.Discard)
			if err != nil {
				return err
			}
			if rows != te.Rows || sum != te.SM3 {
				return fmt.Errorf("db: import %s: read back %d rows with checksum %s, the dump has %d rows with %s", te.Name, rows, sum, te.Rows, te.SM3)
			}
		}
		if err := resetSequences(ctx, q, m.Tables); err != nil {
			return err
		}
		if opt.After != nil {
			return opt.After(ctx, tx)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Checksums returns the row count and canonical checksum of every table of
// d, as Export would write them, without writing files.
func Checksums(ctx context.Context, d *DB) (rows map[string]int64, sums map[string]string, err error) {
	rows, sums = map[string]int64{}, map[string]string{}
	err = snapshot(ctx, d, func(q conn) error {
		tables, err := tablesInOrder(ctx, q)
		if err != nil {
			return err
		}
		for _, name := range tables {
			cols, err := columns(ctx, q, name)
			if err != nil {
				return err
			}
			if rows[name], sums[name], err = canonicalRows(ctx, q, name, cols, io.Discard); err != nil {
				return err
			}
		}
		return nil
	})
	return rows, sums, err
}

func sameTables(have []string, want []TableEntry) error {
	h := map[string]bool{}
	for _, t := range have {
		h[t] = true
	}
	for _, t := range want {
		if !h[t.Name] {
			return fmt.Errorf("db: import: the database has no table %s", t.Name)
		}
		delete(h, t.Name)
	}
	for t := range h {
		return fmt.Errorf("db: import: the dump has no table %s", t)
	}
	return nil
}

// column is a column with the kind of value it holds.
type column struct {
	Name string
	Kind string // int, float, bool, time, date, bytes, text
}

func names(cols []column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

// kindOf maps a declared column type of either engine to a kind.
func kindOf(decl string) string {
	t := strings.ToUpper(decl)
	switch {
	case t == "BOOLEAN" || t == "BOOL":
		return "bool"
	case strings.Contains(t, "INT"):
		return "int"
	case t == "REAL" || strings.HasPrefix(t, "DOUBLE") || strings.HasPrefix(t, "FLOAT") || strings.HasPrefix(t, "NUMERIC"):
		return "float"
	case strings.HasPrefix(t, "TIMESTAMP") || t == "DATETIME":
		return "time"
	case t == "DATE":
		return "date"
	case t == "BLOB" || t == "BYTEA":
		return "bytes"
	}
	return "text"
}

// columns returns a table's columns, sorted by name.
func columns(ctx context.Context, tx conn, table string) ([]column, error) {
	var q string
	if tx.engine == SQLite {
		q = `SELECT name, type FROM pragma_table_info($1) ORDER BY name`
	} else {
		q = `SELECT column_name, data_type FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 ORDER BY column_name`
	}
	rows, err := tx.QueryContext(ctx, q, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []column
	for rows.Next() {
		var c column
		var decl string
		if err := rows.Scan(&c.Name, &decl); err != nil {
			return nil, err
		}
		if tx.engine == Postgres {
			decl = strings.ToUpper(map[string]string{"timestamp with time zone": "TIMESTAMPTZ", "timestamp without time zone": "TIMESTAMP",
				"double precision": "DOUBLE", "boolean": "BOOLEAN"}[decl] + decl)
		}
		c.Kind = kindOf(strings.Fields(decl + " TEXT")[0])
		cols = append(cols, c)
	}
	sort.Slice(cols, func(i, j int) bool { return cols[i].Name < cols[j].Name })
	return cols, rows.Err()
}

// tablesInOrder returns the tables to dump, each after the tables its
// foreign keys name (ties by name).
func tablesInOrder(ctx context.Context, tx conn) ([]string, error) {
	var q string
	if tx.engine == SQLite {
		q = `SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`
	} else {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	all, err := strs(ctx, tx, q)
	if err != nil {
		return nil, err
	}
	deps := map[string][]string{}
	var tables []string
	for _, t := range all {
		if t == "schema_migrations" {
			continue
		}
		tables = append(tables, t)
		if tx.engine == SQLite {
			q = `SELECT DISTINCT "table" FROM pragma_foreign_key_list($1)`
		} else {
			q = `SELECT DISTINCT r.relname FROM pg_constraint c
				JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
				JOIN pg_namespace n ON n.oid = t.relnamespace
				WHERE c.contype = 'f' AND t.relname = $1 AND n.nspname = current_schema()`
		}
		if deps[t], err = strs(ctx, tx, q, t); err != nil {
			return nil, err
		}
	}
	sort.Strings(tables)
	var order []string
	done := map[string]bool{}
	for len(order) < len(tables) {
		progress := false
		for _, t := range tables {
			if done[t] {
				continue
			}
			ready := true
			for _, dep := range deps[t] {
				if dep != t && !done[dep] {
					ready = false
				}
			}
			if ready {
				order, done[t], progress = append(order, t), true, true
			}
		}
		if !progress {
			return nil, errors.New("db: export: the foreign keys between tables form a cycle")
		}
	}
	return order, nil
}

func strs(ctx context.Context, tx conn, q string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// orderBy returns the ORDER BY list of a table: its primary key, or every
// column; text compared bytewise on both engines.
func orderBy(ctx context.Context, tx conn, table string, cols []column) (string, error) {
	pk, err := primaryKey(ctx, tx, table)
	if err != nil {
		return "", err
	}
	if len(pk) == 0 {
		pk = names(cols)
	}
	kinds := map[string]string{}
	for _, c := range cols {
		kinds[c.Name] = c.Kind
	}
	parts := make([]string, len(pk))
	for i, c := range pk {
		parts[i] = quote(c)
		if kinds[c] == "text" && tx.engine == Postgres {
			parts[i] += ` COLLATE "C"`
		}
	}
	return strings.Join(parts, ", "), nil
}

// primaryKey returns the columns of a table's primary key.
func primaryKey(ctx context.Context, tx conn, table string) ([]string, error) {
	q := `SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk`
	if tx.engine == Postgres {
		q = `SELECT a.attname FROM pg_index i
			JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
			WHERE i.indrelid = to_regclass(quote_ident($1)) AND i.indisprimary
			ORDER BY array_position(i.indkey::int2[], a.attnum)`
	}
	return strs(ctx, tx, q, table)
}

// selfRefs returns the columns of a table that refer to the table itself
// (e.g. a successor), on PostgreSQL, which checks them row by row: they are
// loaded empty and set once every row is in. SQLite defers its checks.
func selfRefs(ctx context.Context, tx conn, table string) ([]string, error) {
	if tx.engine != Postgres {
		return nil, nil
	}
	return strs(ctx, tx, `SELECT DISTINCT a.attname FROM pg_constraint c
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
		WHERE c.contype = 'f' AND c.conrelid = c.confrelid AND c.conrelid = to_regclass(quote_ident($1))`, table)
}

// canonicalRows writes the canonical form of a table to w, one row a line,
// and returns the number of rows and the SM3 digest of what it wrote.
func canonicalRows(ctx context.Context, tx conn, table string, cols []column, w io.Writer) (int64, string, error) {
	order, err := orderBy(ctx, tx, table, cols)
	if err != nil {
		return 0, "", err
	}
	sel := make([]string, len(cols))
	for i, c := range cols {
		sel[i] = quote(c.Name)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+strings.Join(sel, ", ")+` FROM `+quote(table)+` ORDER BY `+order)
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	h := sm3.New()
	out := io.MultiWriter(w, h)
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	var line bytes.Buffer
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, "", err
		}
		line.Reset()
		line.WriteByte('[')
		for i, c := range cols {
			if i > 0 {
				line.WriteByte(',')
			}
			if err := canonical(&line, c, vals[i]); err != nil {
				return 0, "", fmt.Errorf("%s.%s: %w", table, c.Name, err)
			}
		}
		line.WriteString("]\n")
		if _, err := out.Write(line.Bytes()); err != nil {
			return 0, "", err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// canonical appends the canonical JSON of one value of column c.
func canonical(b *bytes.Buffer, c column, v any) error {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
		return nil
	case bool:
		if v {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
		return nil
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
		return nil
	case float64:
		b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		return nil
	case time.Time:
		if c.Kind == "date" {
			return writeString(b, v.Format(time.DateOnly))
		}
		return writeString(b, v.UTC().Format("2006-01-02T15:04:05.000000Z"))
	case []byte:
		if c.Kind == "bytes" {
			return writeString(b, base64.StdEncoding.EncodeToString(v))
		}
		return writeString(b, string(v))
	case string:
		if c.Kind == "time" {
			// An instant SQLite kept as text the driver did not parse.
			if t, err := parseTime(v); err == nil {
				return writeString(b, t.UTC().Format("2006-01-02T15:04:05.000000Z"))
			}
		}
		if c.Kind == "bytes" {
			return writeString(b, base64.StdEncoding.EncodeToString([]byte(v)))
		}
		return writeString(b, v)
	}
	return fmt.Errorf("value of type %T", v)
}

func writeString(b *bytes.Buffer, s string) error {
	j, err := json.Marshal(s)
	if err != nil {
		return err
	}
	b.Write(j)
	return nil
}

// parseTime reads an instant in the forms the engines and the dump use.
func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not an instant: %q", s)
}

// loadTable inserts the rows of one file, checking its digest.
func loadTable(ctx context.Context, tx conn, dir string, te TableEntry) error {
	if strings.ContainsAny(te.File, `/\`) {
		return fmt.Errorf("bad file name %q", te.File)
	}
	f, err := os.Open(filepath.Join(dir, te.File))
	if err != nil {
		return err
	}
	defer f.Close()
	cols, err := columns(ctx, tx, te.Name)
	if err != nil {
		return err
	}
	kinds := map[string]string{}
	for _, c := range cols {
		kinds[c.Name] = c.Kind
	}
	if len(cols) != len(te.Columns) {
		return fmt.Errorf("the dump has columns %v, the database %v", te.Columns, names(cols))
	}
	ph := make([]string, len(te.Columns))
	qc := make([]string, len(te.Columns))
	for i, c := range te.Columns {
		if _, ok := kinds[c]; !ok {
			return fmt.Errorf("the database has no column %s", c)
		}
		qc[i], ph[i] = quote(c), "$"+strconv.Itoa(i+1)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO `+quote(te.Name)+` (`+strings.Join(qc, ", ")+`) VALUES (`+strings.Join(ph, ", ")+`)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	later, err := newDeferred(ctx, tx, te)
	if err != nil {
		return err
	}
	h := sm3.New()
	r := bufio.NewReaderSize(io.TeeReader(f, h), 1<<20)
	args := make([]any, len(te.Columns))
	var n int64
	for {
		line, err := r.ReadBytes('\n')
		if err == io.EOF && len(line) == 0 {
			break
		}
		if err != nil && err != io.EOF {
			return err
		}
		n++
		var raw []json.RawMessage
		if err := json.Unmarshal(line, &raw); err != nil || len(raw) != len(te.Columns) {
			return fmt.Errorf("row %d: not %d values: %v", n, len(te.Columns), err)
		}
		for i, c := range te.Columns {
			if args[i], err = fromCanonical(raw[i], kinds[c], tx.engine); err != nil {
				return fmt.Errorf("row %d, %s: %w", n, c, err)
			}
		}
		later.hold(args)
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return Normalize(fmt.Errorf("row %d: %w", n, err))
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != te.SM3 {
		return fmt.Errorf("%s does not match its SM3 digest in the manifest", te.File)
	}
	if err := later.apply(ctx, tx, te.Name); err != nil {
		return err
	}
	if n != te.Rows {
		return fmt.Errorf("%d rows, the manifest says %d", n, te.Rows)
	}
	return nil
}

// deferred holds the self-referring values of a table's rows, to be set
// after every row is in.
type deferred struct {
	cols, pk []int // positions in the dump's columns
	names    []string
	pkNames  []string
	rows     [][]any // values of cols, then of pk
}

func newDeferred(ctx context.Context, tx conn, te TableEntry) (*deferred, error) {
	refs, err := selfRefs(ctx, tx, te.Name)
	if err != nil || len(refs) == 0 {
		return &deferred{}, err
	}
	pk, err := primaryKey(ctx, tx, te.Name)
	if err != nil {
		return nil, err
	}
	pos := map[string]int{}
	for i, c := range te.Columns {
		pos[c] = i
	}
	d := &deferred{names: refs, pkNames: pk}
	for _, c := range refs {
		d.cols = append(d.cols, pos[c])
	}
	for _, c := range pk {
		d.pk = append(d.pk, pos[c])
	}
	if len(pk) == 0 {
		return nil, fmt.Errorf("a table that refers to itself needs a primary key")
	}
	return d, nil
}

// hold takes the self-referring values out of args (loaded as NULL).
func (d *deferred) hold(args []any) {
	if len(d.cols) == 0 {
		return
	}
	row := make([]any, 0, len(d.cols)+len(d.pk))
	set := false
	for _, i := range d.cols {
		row = append(row, args[i])
		set = set || args[i] != nil
		args[i] = nil
	}
	if !set {
		return
	}
	for _, i := range d.pk {
		row = append(row, args[i])
	}
	d.rows = append(d.rows, row)
}

func (d *deferred) apply(ctx context.Context, tx conn, table string) error {
	if len(d.rows) == 0 {
		return nil
	}
	set := make([]string, len(d.names))
	for i, c := range d.names {
		set[i] = quote(c) + " = $" + strconv.Itoa(i+1)
	}
	where := make([]string, len(d.pkNames))
	for i, c := range d.pkNames {
		where[i] = quote(c) + " = $" + strconv.Itoa(len(d.names)+i+1)
	}
	stmt, err := tx.PrepareContext(ctx, `UPDATE `+quote(table)+` SET `+strings.Join(set, ", ")+` WHERE `+strings.Join(where, " AND "))
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, row := range d.rows {
		if _, err := stmt.ExecContext(ctx, row...); err != nil {
			return Normalize(err)
		}
	}
	return nil
}

// fromCanonical turns a canonical JSON value into an argument for a column
// of the given kind.
func fromCanonical(raw json.RawMessage, kind string, e Engine) (any, error) {
	if string(raw) == "null" {
		return nil, nil
	}
	if raw[0] != '"' {
		num := string(raw)
		switch kind {
		case "bool":
			return num != "0", nil
		case "int":
			return strconv.ParseInt(num, 10, 64)
		case "float":
			return strconv.ParseFloat(num, 64)
		case "text":
			return num, nil
		}
		return nil, fmt.Errorf("number %s for a %s column", num, kind)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	switch kind {
	case "time":
		return parseTime(s)
	case "bytes":
		return base64.StdEncoding.DecodeString(s)
	case "int":
		return strconv.ParseInt(s, 10, 64)
	}
	return s, nil
}

// resetSequences moves each identity sequence (PostgreSQL) past the
// largest key loaded, so the next insert gets a new one.
func resetSequences(ctx context.Context, tx conn, tables []TableEntry) error {
	if tx.engine != Postgres {
		return nil
	}
	for _, te := range tables {
		ids, err := strs(ctx, tx, `SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 AND is_identity = 'YES'`, te.Name)
		if err != nil {
			return err
		}
		for _, c := range ids {
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX(`+quote(c)+`) FROM `+quote(te.Name)+`), 0) + 1, false)`,
				quote(te.Name), c); err != nil {
				return fmt.Errorf("db: import: sequence of %s.%s: %w", te.Name, c, err)
			}
		}
	}
	return nil
}

// quote quotes an identifier for both engines.
func quote(id string) string { return `"` + strings.ReplaceAll(id, `"`, `""`) + `"` }

// snapshot runs fn on one consistent read of d: a deferred transaction on
// SQLite (the DSN makes BeginTx take the write lock, which would hold
// writers off for the whole read; WAL gives a deferred reader its snapshot
// while writers go on), a repeatable-read one on PostgreSQL.
func snapshot(ctx context.Context, d *DB, fn func(q conn) error) error {
	if d.Dialect.Engine == Postgres {
		tx, err := d.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			return Normalize(err)
		}
		defer tx.Rollback()
		return fn(conn{tx, Postgres})
	}
	c, err := d.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `BEGIN DEFERRED`); err != nil {
		return Normalize(err)
	}
	defer c.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
	return fn(conn{c, SQLite})
}

// conn is what the dump reads and writes through, with its engine.
type conn struct {
	sqlConn
	engine Engine
}

type sqlConn interface {
	Querier
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}
