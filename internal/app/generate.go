package app

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/ident"
	"kejiju/internal/ledger"
	"kejiju/internal/money"
	"kejiju/internal/poverty"
	"kejiju/internal/region"
)

// The scale data generator (`kejiju demo --scale`): a deterministic,
// seeded dataset of a district, a city or a province, written in bulk —
// multi-row INSERTs in large transactions, patents by one INSERT … SELECT
// over a generated series — around the per-record services, but as they
// would have written it: valid check digits, resident IDs sealed with the
// keyring, ledger entries posted through the ledger (without an audit
// event each), and no audit events of its own beyond those of the regions
// and accounts it adds through their services.

// Scale is the size of a generated dataset.
type Scale struct {
	Name        string
	Counties    []string // the districts (县级) that get data, the first the demo district
	Enterprises int      // per county
	Patents     int      // in all
	Households  int      // in all
	Townships   int      // per county, generated where the region seed has none
	Villages    int      // per township
	Seed        uint64
}

// ScaleNamed returns the scale of a name: test, district, city, province.
func ScaleNamed(name string) (Scale, error) {
	switch name {
	case "test":
		return Scale{Name: name, Counties: []string{"341203", "341204"}, Enterprises: 60, Patents: 3000, Households: 200, Townships: 3, Villages: 3, Seed: 9}, nil
	case "district":
		return Scale{Name: name, Counties: []string{region.DemoDistrictCode}, Enterprises: 2000, Patents: 200_000, Households: 10_000, Townships: 10, Villages: 8, Seed: 1}, nil
	case "city":
		return Scale{Name: name, Counties: cityCounties, Enterprises: 2500, Patents: 2_000_000, Households: 80_000, Townships: 10, Villages: 10, Seed: 1}, nil
	case "province":
		cs := anhuiCounties()
		if len(cs) > 100 {
			cs = cs[:100]
		}
		// The demo district first, so the director's district has data.
		cs = append([]string{region.DemoDistrictCode}, without(cs, region.DemoDistrictCode)...)[:100]
		return Scale{Name: name, Counties: cs, Enterprises: 2000, Patents: 10_000_000, Households: 1_000_000, Townships: 10, Villages: 10, Seed: 1}, nil
	}
	return Scale{}, fmt.Errorf("app: unknown scale %q (test, district, city, province)", name)
}

// cityCounties are the eight districts and counties of 阜阳市.
var cityCounties = []string{"341203", "341202", "341204", "341221", "341222", "341225", "341226", "341282"}

func anhuiCounties() []string {
	var out []string
	for _, r := range region.Anhui() {
		if r.Level == region.County {
			out = append(out, r.Code)
		}
	}
	return out
}

func without(xs []string, x string) []string {
	out := make([]string, 0, len(xs))
	for _, v := range xs {
		if v != x {
			out = append(out, v)
		}
	}
	return out
}

// Tally is what the generator wrote that one figure counts: per county and
// Shanghai day, how many records and the sum of their values. Tests
// compare the dashboard with it.
type Tally map[tallyKey]*tallyCell

type tallyKey struct {
	Measure, County string
	Day             calendar.Date
}

type tallyCell struct{ N, Sum int64 }

func (t Tally) add(measure, county string, day calendar.Date, value int64) {
	k := tallyKey{measure, county, day}
	c := t[k]
	if c == nil {
		c = &tallyCell{}
		t[k] = c
	}
	c.N++
	c.Sum += value
}

// Count returns how many records of measure the generator wrote in the
// counties whose code starts with prefix, dated from..to (both included),
// and the sum of their values.
func (t Tally) Count(measure, prefix string, from, to calendar.Date) (n, sum int64) {
	for k, c := range t {
		if k.Measure == measure && strings.HasPrefix(k.County, prefix) && !k.Day.Before(from) && !to.Before(k.Day) {
			n += c.N
			sum += c.Sum
		}
	}
	return n, sum
}

// Generated is the result of Generate: the rows written per table and,
// when asked for, the tally of every figure.
type Generated struct {
	Rows  []TableRows
	Tally Tally
}

// TableRows is a table and the rows the generator added to it.
type TableRows struct {
	Table string
	Rows  int64
}

// gen is one run of the generator.
type gen struct {
	a        *App
	sc       Scale
	log      io.Writer
	today    calendar.Date
	this     int // this year
	start    calendar.Date
	tally    Tally
	counts   map[string]int64
	order    []string
	nextID   map[string]int64
	towns    map[string][]string // county → townships
	villages map[string][]string // county → villages
	ents     []genEnterprise
	director *auth.User
}

type genEnterprise struct {
	id                 int64
	county, town, name string
	code               string
	registered         calendar.Date
}

// SettingScale is the settings key that records the scale a database was
// generated at.
const SettingScale = "demo.scale"

// GeneratedScale returns the scale a database was generated at, "" if none.
func (a *App) GeneratedScale(ctx context.Context) (string, error) {
	var s string
	err := a.DB.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, SettingScale).Scan(&s)
	if db.IsNoRows(err) {
		return "", nil
	}
	return s, db.Normalize(err)
}

// Generate writes the dataset of sc into a bootstrapped database (regions
// and subsidy policies seeded, a director of the demo district to act as)
// and, with tally set, keeps the tally of every figure. It refuses a
// database that already holds a generated dataset. Progress goes to log.
func (a *App) Generate(ctx context.Context, sc Scale, director *auth.User, tally bool, log io.Writer) (*Generated, error) {
	if s, err := a.GeneratedScale(ctx); err != nil {
		return nil, err
	} else if s != "" {
		return nil, fmt.Errorf("app: this database already holds the %s dataset", s)
	}
	today := calendar.FromTime(a.DB.Now(), calendar.Shanghai)
	g := &gen{a: a, sc: sc, log: log, today: today, this: today.Year, start: calendar.Date{Year: today.Year - 1, Month: 1, Day: 1},
		counts: map[string]int64{}, nextID: map[string]int64{}, director: director}
	if tally {
		g.tally = Tally{}
	}
	began := time.Now()
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"regions", g.regions},
		{"enterprises", g.enterprises},
		{"hightech", g.hightech},
		{"visits and needs", g.visits},
		{"programmes and ledger", g.programs},
		{"vouchers", g.vouchers},
		{"subsidies", g.subsidies},
		{"events, drills, publicity", g.field},
		{"poverty", g.poverty},
		{"patents", g.patents},
		{"derived tables", g.derived},
	}
	for _, s := range steps {
		t := time.Now()
		g.progress("%s …", s.name)
		if err := s.fn(ctx); err != nil {
			return nil, fmt.Errorf("app: generate %s: %w", s.name, err)
		}
		g.progress("%s done in %s", s.name, time.Since(t).Round(time.Millisecond))
	}
	if _, err := a.DB.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)`, SettingScale, sc.Name); err != nil {
		return nil, db.Normalize(err)
	}
	g.progress("all done in %s", time.Since(began).Round(time.Second))
	out := &Generated{Tally: g.tally}
	for _, t := range g.order {
		out.Rows = append(out.Rows, TableRows{t, g.counts[t]})
	}
	return out, nil
}

func (g *gen) progress(format string, args ...any) {
	if g.log != nil {
		fmt.Fprintf(g.log, "demo --scale %s: %s\n", g.sc.Name, fmt.Sprintf(format, args...))
	}
}

// rng is the random source of one part of the data: the same seed, part
// and county give the same numbers on every run.
func (g *gen) rng(part string, county string) *rand.Rand {
	var h uint64 = 14695981039346656037
	for _, c := range []byte(part + "/" + county) {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return rand.New(rand.NewPCG(g.sc.Seed, h))
}

// id hands out the next id of table (ids are written explicitly, so
// records can refer to each other without reading them back).
func (g *gen) id(ctx context.Context, table string) (int64, error) {
	if _, ok := g.nextID[table]; !ok {
		var max int64
		if err := g.a.DB.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&max); err != nil {
			return 0, db.Normalize(err)
		}
		g.nextID[table] = max
	}
	g.nextID[table]++
	return g.nextID[table], nil
}

// day is a random day from 1 January last year to today.
func (g *gen) day(r *rand.Rand) calendar.Date {
	span := daysBetween(g.start, g.today)
	return g.start.AddDays(r.IntN(span + 1))
}

// daysBetween is the number of days from a to b.
func daysBetween(a, b calendar.Date) int {
	ta := time.Date(a.Year, a.Month, a.Day, 0, 0, 0, 0, time.UTC)
	tb := time.Date(b.Year, b.Month, b.Day, 0, 0, 0, 0, time.UTC)
	return int(tb.Sub(ta) / (24 * time.Hour))
}

// at is an instant in office hours of day d (Shanghai), in UTC.
func at(r *rand.Rand, d calendar.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 9+r.IntN(8), r.IntN(60), r.IntN(60), 0, calendar.Shanghai).UTC()
}

func (g *gen) count(table string, n int64) {
	if _, ok := g.counts[table]; !ok {
		g.order = append(g.order, table)
	}
	g.counts[table] += n
}

func (g *gen) note(measure, county string, day calendar.Date, value int64) {
	if g.tally != nil {
		g.tally.add(measure, county, day, value)
	}
}

// bulk collects rows of one table and writes them as multi-row INSERTs.
type bulk struct {
	g     *gen
	tx    *db.Tx
	table string
	cols  []string
	per   int
	vals  []any
	n     int
	deps  []*bulk // flushed first: the tables this one refers to
}

func (g *gen) bulk(tx *db.Tx, table string, cols ...string) *bulk {
	return &bulk{g: g, tx: tx, table: table, cols: cols, per: max(1, min(500, 30000/len(cols)))}
}

func (b *bulk) add(ctx context.Context, vals ...any) error {
	if len(vals) != len(b.cols) {
		panic(fmt.Sprintf("bulk %s: %d values for %d columns", b.table, len(vals), len(b.cols)))
	}
	b.vals = append(b.vals, vals...)
	b.n++
	if b.n == b.per {
		return b.flush(ctx)
	}
	return nil
}

// after makes b flush the rows of deps before its own, so its rows never
// refer to rows not yet written.
func (b *bulk) after(deps ...*bulk) *bulk {
	b.deps = append(b.deps, deps...)
	return b
}

func (b *bulk) flush(ctx context.Context) error {
	if b.n == 0 {
		return nil
	}
	for _, d := range b.deps {
		if err := d.flush(ctx); err != nil {
			return err
		}
	}
	var s strings.Builder
	s.WriteString("INSERT INTO " + b.table + " (" + strings.Join(b.cols, ", ") + ") VALUES ")
	k := 0
	for i := range b.n {
		if i > 0 {
			s.WriteString(", ")
		}
		s.WriteByte('(')
		for j := range b.cols {
			if j > 0 {
				s.WriteString(", ")
			}
			k++
			fmt.Fprintf(&s, "$%d", k)
		}
		s.WriteByte(')')
	}
	if _, err := b.tx.ExecContext(ctx, s.String(), b.vals...); err != nil {
		return db.Normalize(fmt.Errorf("insert %s: %w", b.table, err))
	}
	b.g.count(b.table, int64(b.n))
	b.vals, b.n = b.vals[:0], 0
	return nil
}

// inTx runs fn in one transaction of the database.
func (g *gen) inTx(ctx context.Context, fn func(tx *db.Tx) error) error {
	return g.a.DB.InTx(ctx, fn)
}

// Names of places and firms, combined deterministically.
var (
	placeStems = []string{"东岳", "西湖", "南照", "北照", "王店", "张集", "李集", "刘寨", "陈庄", "杨桥", "周棚", "吴营",
		"黄岗", "赵庙", "孙集", "马店", "朱楼", "胡集", "郭庄", "何寨", "高塘", "林湖", "罗庄", "梁营", "宋集", "郑桥", "谢庄",
		"韩楼", "唐集", "冯庙", "于寨", "董集", "程桥", "曹庄", "袁集", "邓楼", "许庄", "傅集", "沈桥", "曾庄"}
	firmStems = []string{"华科", "中天", "恒瑞", "鑫源", "金禾", "瑞丰", "宏达", "振兴", "新锐", "博远", "弘毅", "创元", "盛世",
		"联创", "启明", "嘉禾", "汇智", "永信", "泰和", "天成", "富民", "润泽", "卓越", "正源", "同舟", "凯盛", "德润", "安泰",
		"晶科", "裕丰", "海纳", "光正", "国顺", "明远", "通达", "华宇", "科瑞", "绿源", "益农", "佳禾"}
	trades = []string{"电子科技", "生物医药", "新材料", "农业科技", "食品", "机械制造", "智能装备", "化工", "纺织",
		"环保科技", "信息技术", "新能源", "医疗器械", "建材", "包装", "汽车零部件", "光电科技", "软件", "农产品加工", "家居"}
	surnames = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"}
	given    = []string{"伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "桂英", "建华", "国强", "玉兰"}
)

// regions adds townships to counties the seed has none for, and villages
// to townships, through the region store (one audit event).
func (g *gen) regions(ctx context.Context) error {
	all, err := g.a.Regions.All(ctx)
	if err != nil {
		return err
	}
	byParent := map[string][]region.Region{}
	names := map[string]string{}
	for _, r := range all {
		byParent[r.Parent] = append(byParent[r.Parent], r)
		names[r.Code] = r.Name
	}
	var add []region.Region
	g.towns, g.villages = map[string][]string{}, map[string][]string{}
	for ci, c := range g.sc.Counties {
		if names[c] == "" {
			return fmt.Errorf("county %s is not in the region seed", c)
		}
		var towns []string
		for _, r := range byParent[c] {
			if r.Level == region.Township && len(towns) < g.sc.Townships {
				towns = append(towns, r.Code)
			}
		}
		for k := len(towns); k < g.sc.Townships; k++ {
			code := fmt.Sprintf("%s%03d", c, 150+k)
			stem := placeStems[(ci*7+k)%len(placeStems)]
			add = append(add, region.Region{Code: code, Name: stem + "镇", Level: region.Township, Parent: c})
			towns = append(towns, code)
		}
		g.towns[c] = towns
		for ti, t := range towns {
			for k := range g.sc.Villages {
				code := fmt.Sprintf("%s%03d", t, 211+k)
				add = append(add, region.Region{Code: code, Name: placeStems[(ci*13+ti*5+k)%len(placeStems)] + "村", Level: region.Village, Parent: t})
				g.villages[c] = append(g.villages[c], code)
			}
		}
	}
	n, err := g.a.Regions.Seed(ctx, add)
	g.count("regions", int64(n))
	return err
}

// enterprises registers sc.Enterprises per county, spread over its
// townships, with valid credit codes.
func (g *gen) enterprises(ctx context.Context) error {
	return g.inTx(ctx, func(tx *db.Tx) error {
		b := g.bulk(tx, "enterprises", "id", "credit_code", "name", "name_initials", "legal_rep", "registered_on", "registered_capital",
			"address", "region_code", "industry_code", "tech_field", "contact_name", "contact_phone", "created_at", "updated_at")
		serial := 0
		for _, c := range g.sc.Counties {
			r := g.rng("enterprises", c)
			county := ""
			if reg, ok := g.a.regionName(ctx, c); ok {
				county = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(reg, "区"), "县"), "市")
			}
			for i := range g.sc.Enterprises {
				serial++
				id, err := g.id(ctx, "enterprises")
				if err != nil {
					return err
				}
				town := g.towns[c][i%len(g.towns[c])]
				name := fmt.Sprintf("%s%s%s有限公司", county, firmStems[r.IntN(len(firmStems))]+firmStems[r.IntN(len(firmStems))], trades[r.IntN(len(trades))])
				if i%17 == 0 {
					name = fmt.Sprintf("安徽%s%s股份有限公司", firmStems[r.IntN(len(firmStems))]+placeStems[r.IntN(len(placeStems))], trades[r.IntN(len(trades))])
				}
				code := genCreditCode(c, serial)
				reg := calendar.Date{Year: 1995 + r.IntN(28), Month: time.Month(1 + r.IntN(12)), Day: 1 + r.IntN(28)}
				rep := surnames[r.IntN(len(surnames))] + given[r.IntN(len(given))]
				g.ents = append(g.ents, genEnterprise{id: id, county: c, town: town, name: name, code: code, registered: reg})
				if err := b.add(ctx, id, code, name, "", rep, reg.String(), int64(100+r.IntN(9900))*1_000_000,
					fmt.Sprintf("%s工业园区%d号", county, 1+i), town, fmt.Sprintf("C%02d", 13+r.IntN(30)), trades[r.IntN(len(trades))],
					rep, fmt.Sprintf("1%d%09d", 3+r.IntN(6), serial), tx.Now, tx.Now); err != nil {
					return err
				}
			}
		}
		return b.flush(ctx)
	})
}

func (a *App) regionName(ctx context.Context, code string) (string, bool) {
	var n string
	err := a.DB.QueryRowContext(ctx, `SELECT name FROM regions WHERE code = $1`, code).Scan(&n)
	return n, err == nil
}

// genCreditCode is the 统一社会信用代码 of generated enterprise serial in
// county: 91 (an enterprise registered by market regulation), the county,
// an organisation code of G and seven digits with its check character,
// and the check character of the whole.
func genCreditCode(county string, serial int) string {
	org8 := fmt.Sprintf("G%07d", serial)
	o, err := ident.OrgCodeCheckChar(org8)
	if err != nil {
		panic(err)
	}
	first17 := "91" + county + org8 + string(o)
	c, err := ident.CreditCodeCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}

// hightech writes the 高企 pipeline: a tenth of the enterprises apply each
// year (a third to be re-recognised), decided 90 days after applying if
// that day has come; a twelfth enter the cultivation pool.
func (g *gen) hightech(ctx context.Context) error {
	return g.inTx(ctx, func(tx *db.Tx) error {
		apps := g.bulk(tx, "hte_applications", "id", "enterprise_id", "year", "kind", "status", "certificate_no", "decided_on", "created_at", "updated_at")
		pool := g.bulk(tx, "cultivation_pool", "id", "enterprise_id", "entered_on", "reason", "created_by", "created_at")
		r := g.rng("hightech", "")
		for _, e := range g.ents {
			for _, y := range []int{g.this - 1, g.this} {
				if r.IntN(10) != 0 {
					continue
				}
				d := g.dayIn(r, y)
				created := at(r, d)
				kind := "first"
				if r.IntN(3) == 0 {
					kind = "recert"
				}
				status, cert := "submitted", ""
				var decided any
				dd := d.AddDays(90)
				if !g.today.Before(dd) {
					decided = dd.String()
					if r.IntN(100) < 65 {
						status = "recognized"
						cert = fmt.Sprintf("GR%d34%06d", dd.Year, e.id%1_000_000)
						g.note("hte.recognized", e.county, dd, 0)
					} else {
						status = "rejected"
					}
				}
				g.note("hte.applied", e.county, d, 0)
				if kind == "recert" {
					g.note("hte.recert", e.county, d, 0)
				}
				id, err := g.id(ctx, "hte_applications")
				if err != nil {
					return err
				}
				if err := apps.add(ctx, id, e.id, y, kind, status, cert, decided, created, created); err != nil {
					return err
				}
			}
			if r.IntN(12) == 0 {
				d := g.day(r)
				id, err := g.id(ctx, "cultivation_pool")
				if err != nil {
					return err
				}
				g.note("pool.entered", e.county, d, 0)
				if err := pool.add(ctx, id, e.id, d.String(), "研发投入占比高，成长性好", g.director.ID, at(r, d)); err != nil {
					return err
				}
			}
		}
		if err := apps.flush(ctx); err != nil {
			return err
		}
		return pool.flush(ctx)
	})
}

// dayIn is a random day of year y, not after today.
func (g *gen) dayIn(r *rand.Rand, y int) calendar.Date {
	first := calendar.Date{Year: y, Month: 1, Day: 1}
	last := calendar.Date{Year: y, Month: 12, Day: 31}
	if g.today.Before(last) {
		last = g.today
	}
	return first.AddDays(r.IntN(daysBetween(first, last) + 1))
}

var (
	needTitles = []string{"生产线自动化改造技术", "产品检测方法优化", "新型复合材料配方", "废水处理工艺", "农产品保鲜技术",
		"节能降耗方案", "工业软件国产化替代", "关键零部件精密加工", "发酵工艺提升", "智能仓储系统"}
	needCats = []string{"技术攻关", "成果转化", "人才引进", "检验检测", "产学研合作"}
)

// visits writes research visits, three for every two enterprises over the
// two years; two in five leave a technical need, half of which are
// forwarded to the city ten days later.
func (g *gen) visits(ctx context.Context) error {
	return g.inTx(ctx, func(tx *db.Tx) error {
		vs := g.bulk(tx, "visits", "id", "visit_date", "enterprise_id", "enterprise_name", "credit_code", "region_code", "topics", "notes",
			"created_by", "created_at", "updated_at")
		ns := g.bulk(tx, "needs", "id", "enterprise_id", "enterprise_name", "credit_code", "region_code", "category", "title", "description",
			"source", "visit_id", "collected_on", "status", "forwarded_on", "created_by", "created_at", "updated_at").after(vs)
		r := g.rng("visits", "")
		for _, e := range g.ents {
			n := 1 + r.IntN(2)
			if r.IntN(2) == 0 {
				n = r.IntN(2)
			}
			for range n {
				d := g.day(r)
				vid, err := g.id(ctx, "visits")
				if err != nil {
					return err
				}
				g.note("visits", e.county, d, 0)
				if err := vs.add(ctx, vid, d.String(), e.id, e.name, e.code, e.town, `["政策宣传","技术需求"]`, "走访了解企业研发和生产情况",
					g.director.ID, at(r, d), at(r, d)); err != nil {
					return err
				}
				if r.IntN(5) >= 2 {
					continue
				}
				nid, err := g.id(ctx, "needs")
				if err != nil {
					return err
				}
				status := "collected"
				var fwd any
				if fd := d.AddDays(10); r.IntN(2) == 0 && !g.today.Before(fd) {
					status, fwd = "forwarded", fd.String()
					g.note("needs.forwarded", e.county, fd, 0)
				}
				g.note("needs.collected", e.county, d, 0)
				t := needTitles[r.IntN(len(needTitles))]
				if err := ns.add(ctx, nid, e.id, e.name, e.code, e.town, needCats[r.IntN(len(needCats))], t, "企业希望解决"+t+"问题",
					"visit", vid, d.String(), status, fwd, g.director.ID, at(r, d), at(r, d)); err != nil {
					return err
				}
			}
		}
		if err := vs.flush(ctx); err != nil {
			return err
		}
		return ns.flush(ctx)
	})
}

// programs writes each county's yearly call of the 科技计划项目 with its
// budget funded in the ledger, and contracts with 3 % of the enterprises
// a year: signed, committed, the first installment (40 %) paid a fortnight
// after signing and the midterm one (30 %) half a year on, where those
// days have come — each a ledger entry posted through the ledger.
func (g *gen) programs(ctx context.Context) error {
	byCounty := map[string][]genEnterprise{}
	for _, e := range g.ents {
		byCounty[e.county] = append(byCounty[e.county], e)
	}
	for _, c := range g.sc.Counties {
		err := g.inTx(ctx, func(tx *db.Tx) error {
			r := g.rng("programs", c)
			calls := g.bulk(tx, "program_calls", "id", "region_code", "type", "year", "title", "status", "opens_at", "closes_at", "budget", "created_by", "created_at", "updated_at")
			apps := g.bulk(tx, "program_applications", "id", "call_id", "region_code", "enterprise_id", "enterprise_name", "state", "submitted_at",
				"goals", "budget", "contract_start", "contract_end", "signed_on", "created_by", "created_at", "updated_at").after(calls)
			insts := g.bulk(tx, "program_installments", "application_id", "seq", "share_bp", "amount", "due", "status", "bank_ref", "paid_on").after(apps)
			type move struct {
				kind     string
				key      string
				from, to string
				amount   money.Fen
				obj      string
			}
			var moves []move
			var opens []ledger.Account
			for _, y := range []int{g.this - 1, g.this} {
				callID, err := g.id(ctx, "program_calls")
				if err != nil {
					return err
				}
				budgetAcc := "budget:call:" + fmt.Sprint(callID)
				var budget money.Fen = 0
				var yearApps []func() error
				for _, e := range byCounty[c] {
					if r.IntN(33) != 0 {
						continue
					}
					signed := g.dayIn(r, y)
					appID, err := g.id(ctx, "program_applications")
					if err != nil {
						return err
					}
					amount := money.Fen(int64(10+r.IntN(91)) * 1_000_000) // 10–100万元
					budget += amount
					g.note("projects.signed", c, signed, int64(amount))
					e, signed, y := e, signed, y
					yearApps = append(yearApps, func() error {
						sub := at(r, signed.AddDays(-60))
						if err := apps.add(ctx, appID, callID, e.town, e.id, e.name, "implementing", sub, "完成关键技术研发并实现产业化", int64(amount),
							signed.String(), signed.AddYears(2).String(), signed.String(), g.director.ID, sub, at(r, signed)); err != nil {
							return err
						}
						commit, payable := fmt.Sprintf("commit:application:%d", appID), fmt.Sprintf("payable:application:%d", appID)
						opens = append(opens,
							ledger.Account{Code: commit, Name: "已承诺：" + e.name, Kind: ledger.Asset, FloorZero: true, RegionCode: c, Purpose: budgetAcc},
							ledger.Account{Code: payable, Name: "应拨付：" + e.name, Kind: ledger.Asset, FloorZero: true, RegionCode: c, Purpose: budgetAcc},
							ledger.PaidAccount(c, y))
						moves = append(moves, move{"commit", fmt.Sprintf("program.commit:%d", appID), budgetAcc, commit, amount, fmt.Sprint(appID)})
						for seq, in := range []struct {
							bp   int64
							due  string
							days int
						}{{4000, "signing", 15}, {3000, "midterm", 180}, {3000, "acceptance", 720}} {
							part := amount * money.Fen(in.bp) / 10000
							paid := signed.AddDays(in.days)
							status, ref := "planned", ""
							var on any
							if !g.today.Before(paid) {
								status, ref, on = "paid", fmt.Sprintf("BK%d%02d", appID, seq+1), paid.String()
								g.note("projects.paid", c, paid, int64(part))
								moves = append(moves,
									move{"payable", fmt.Sprintf("program.payable:%d:%d", appID, seq+1), commit, payable, part, fmt.Sprint(appID)},
									move{"pay", fmt.Sprintf("program.pay:%d:%d", appID, seq+1), payable, ledger.PaidAccount(c, y).Code, part, fmt.Sprint(appID)})
							}
							if err := insts.add(ctx, appID, seq+1, in.bp, int64(part), in.due, status, ref, on); err != nil {
								return err
							}
						}
						return nil
					})
				}
				budget += money.Fen(int64(50+r.IntN(50)) * 1_000_000) // what is left for later
				name, _ := g.a.regionName(ctx, c)
				title := fmt.Sprintf("%s%d年度科技计划项目", name, y)
				opensAt := at(r, calendar.Date{Year: y, Month: 1, Day: 10})
				if err := calls.add(ctx, callID, c, "general", y, title, "closed", opensAt, opensAt.AddDate(0, 2, 0), int64(budget),
					g.director.ID, opensAt, opensAt); err != nil {
					return err
				}
				fund := ledger.FundAccount(c, y)
				opens = append(opens, fund, ledger.Account{Code: budgetAcc, Name: "专项预算：" + title, Kind: ledger.Asset, FloorZero: true, RegionCode: c, Purpose: budgetAcc})
				moves = append(moves, move{"fund", fmt.Sprintf("program.fund:%d", callID), fund.Code, budgetAcc, budget, fmt.Sprint(callID)})
				if err := calls.flush(ctx); err != nil {
					return err
				}
				for _, f := range yearApps {
					if err := f(); err != nil {
						return err
					}
				}
			}
			for _, b := range []*bulk{apps, insts} {
				if err := b.flush(ctx); err != nil {
					return err
				}
			}
			for _, acc := range opens {
				if _, err := ledger.Open(ctx, tx, acc); err != nil {
					return err
				}
			}
			for _, m := range moves {
				objType := "program_application"
				if m.kind == "fund" {
					objType = "program_call"
				}
				mv := ledger.Move{Key: m.key, From: m.from, To: m.to, Amount: m.amount, ObjectType: objType, ObjectID: m.obj, Memo: "演示数据"}
				var err error
				switch m.kind {
				case "fund":
					_, _, err = ledger.Fund(ctx, tx, nil, g.director, mv)
				case "commit":
					_, _, err = ledger.Commit(ctx, tx, nil, g.director, mv)
				case "payable":
					_, _, err = ledger.MakePayable(ctx, tx, nil, g.director, mv)
				case "pay":
					_, _, err = ledger.Pay(ctx, tx, nil, g.director, mv)
				}
				if err != nil {
					return fmt.Errorf("ledger %s: %w", m.key, err)
				}
			}
			g.count("ledger_transactions", int64(len(moves)))
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// vouchers writes each county's yearly innovation voucher batch with two
// providers; a twentieth of the enterprises get a voucher, half of which
// have a paid claim.
func (g *gen) vouchers(ctx context.Context) error {
	return g.inTx(ctx, func(tx *db.Tx) error {
		batches := g.bulk(tx, "voucher_batches", "id", "region_code", "year", "title", "budget", "rate_bp", "enterprise_cap", "claim_cap",
			"valid_from", "valid_to", "services", "created_by", "created_at")
		provs := g.bulk(tx, "voucher_providers", "id", "batch_id", "credit_code", "name", "legal_rep", "address", "phone").after(batches)
		vs := g.bulk(tx, "vouchers", "id", "batch_id", "enterprise_id", "region_code", "status", "face", "used", "applied_at", "issued_by", "issued_at").after(batches)
		cs := g.bulk(tx, "voucher_claims", "id", "voucher_id", "provider_id", "service", "contract_no", "invoice_no", "paid_amount", "paid_on",
			"status", "estimate", "payable", "created_at", "updated_at").after(vs, provs)
		byCounty := map[string][]genEnterprise{}
		for _, e := range g.ents {
			byCounty[e.county] = append(byCounty[e.county], e)
		}
		for ci, c := range g.sc.Counties {
			r := g.rng("vouchers", c)
			for _, y := range []int{g.this - 1, g.this} {
				bid, err := g.id(ctx, "voucher_batches")
				if err != nil {
					return err
				}
				created := at(r, calendar.Date{Year: y, Month: 1, Day: 5})
				if err := batches.add(ctx, bid, c, y, fmt.Sprintf("%d年科技创新券", y), int64(2_000_000)*100, 3500, int64(200_000)*100, int64(50_000)*100,
					fmt.Sprintf("%d-01-01", y), fmt.Sprintf("%d-12-31", y), `["检验检测","研发设计","技术咨询"]`, g.director.ID, created); err != nil {
					return err
				}
				var pids []int64
				for k := range 2 {
					pid, err := g.id(ctx, "voucher_providers")
					if err != nil {
						return err
					}
					pids = append(pids, pid)
					code := genCreditCode(c, 9_000_000+ci*10+k)
					if err := provs.add(ctx, pid, bid, code, []string{"科技服务中心", "产品质量检测中心"}[k], "主任", "服务大厦", "0558-2200000"); err != nil {
						return err
					}
				}
				for _, e := range byCounty[c] {
					if r.IntN(20) != 0 {
						continue
					}
					d := g.dayIn(r, y)
					vid, err := g.id(ctx, "vouchers")
					if err != nil {
						return err
					}
					face := int64(5+r.IntN(16)) * 1_000_000 // 5–20万元
					issued := at(r, d)
					used := int64(0)
					g.note("vouchers.issued", c, d, face)
					claimDay := d.AddDays(30 + r.IntN(60))
					paid := r.IntN(2) == 0 && !g.today.Before(claimDay)
					if paid {
						used = face / 2
					}
					if err := vs.add(ctx, vid, bid, e.id, e.town, "issued", face, used, issued.Add(-72*time.Hour), g.director.ID, issued); err != nil {
						return err
					}
					if !paid {
						continue
					}
					cid, err := g.id(ctx, "voucher_claims")
					if err != nil {
						return err
					}
					when := at(r, claimDay)
					g.note("vouchers.redeemed", c, claimDay, used)
					if err := cs.add(ctx, cid, vid, pids[r.IntN(2)], "检验检测", fmt.Sprintf("HT%d", cid), fmt.Sprintf("FP%08d", cid), used*100/35,
						claimDay.AddDays(-5).String(), "paid", used, used, when, when); err != nil {
						return err
					}
				}
			}
		}
		for _, b := range []*bulk{batches, provs, vs, cs} {
			if err := b.flush(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

// subsidies writes equipment post-subsidies decided for a twentieth of the
// enterprises a year.
func (g *gen) subsidies(ctx context.Context) error {
	var policy int64
	if err := g.a.DB.QueryRowContext(ctx, `SELECT id FROM subsidy_policies WHERE kind = 'equipment' ORDER BY effective_from LIMIT 1`).Scan(&policy); err != nil {
		return db.Normalize(fmt.Errorf("no equipment subsidy policy (is the database bootstrapped?): %w", err))
	}
	return g.inTx(ctx, func(tx *db.Tx) error {
		cs := g.bulk(tx, "subsidy_claims", "id", "policy_id", "kind", "region_code", "year", "quarter", "enterprise_id", "enterprise_name", "credit_code",
			"input", "amount", "state", "idem_key", "submitted_by", "submitted_at", "decided_by", "decided_at")
		r := g.rng("subsidies", "")
		for _, e := range g.ents {
			for _, y := range []int{g.this - 1, g.this} {
				if r.IntN(20) != 0 {
					continue
				}
				d := g.dayIn(r, y)
				id, err := g.id(ctx, "subsidy_claims")
				if err != nil {
					return err
				}
				amount := int64(5+r.IntN(46)) * 1_000_000
				sub := at(r, d.AddDays(-20))
				dec := at(r, d)
				g.note("subsidies.granted", e.county, d, amount)
				if err := cs.add(ctx, id, policy, "equipment", e.town, y, (int(d.Month)-1)/3+1, e.id, e.name, e.code, `{"demo":true}`, amount,
					"approved", fmt.Sprintf("demo-scale:%d", id), g.director.ID, sub, g.director.ID, dec); err != nil {
					return err
				}
			}
		}
		return cs.flush(ctx)
	})
}

// field writes each county's trainings (a dozen a year), earthquake drills
// (eight) and distributions of publicity materials (six).
func (g *gen) field(ctx context.Context) error {
	return g.inTx(ctx, func(tx *db.Tx) error {
		evs := g.bulk(tx, "events", "id", "kind", "domain", "title", "event_date", "place", "organiser", "region_code", "planned", "attended",
			"duration_min", "created_by", "created_at", "updated_at")
		drs := g.bulk(tx, "quake_drills", "id", "region_code", "site_kind", "site", "drill_date", "scenario", "participants", "duration_min",
			"rating", "created_by", "created_at", "updated_at")
		pub := g.bulk(tx, "quake_publicity", "id", "region_code", "recipient", "materials", "quantity", "distributed_on", "activity", "created_by", "created_at")
		for _, c := range g.sc.Counties {
			r := g.rng("field", c)
			for _, y := range []int{g.this - 1, g.this} {
				for k := range 12 {
					d := g.dayIn(r, y)
					id, err := g.id(ctx, "events")
					if err != nil {
						return err
					}
					n := 20 + r.IntN(80)
					g.note("events.trainings", c, d, int64(n))
					if err := evs.add(ctx, id, "training", "general", fmt.Sprintf("%d年科技政策培训（第%d期）", y, k+1), d.String(), "区科技局会议室", "区科技局",
						g.towns[c][k%len(g.towns[c])], n+5, n, 120, g.director.ID, at(r, d), at(r, d)); err != nil {
						return err
					}
				}
				for k := range 8 {
					d := g.dayIn(r, y)
					id, err := g.id(ctx, "quake_drills")
					if err != nil {
						return err
					}
					n := 100 + r.IntN(700)
					g.note("quake.drills", c, d, int64(n))
					if err := drs.add(ctx, id, g.towns[c][k%len(g.towns[c])], "school", placeStems[r.IntN(len(placeStems))]+"中心学校", d.String(),
						"地震应急疏散演练", n, 30, "good", g.director.ID, at(r, d), at(r, d)); err != nil {
						return err
					}
				}
				for k := range 6 {
					d := g.dayIn(r, y)
					id, err := g.id(ctx, "quake_publicity")
					if err != nil {
						return err
					}
					n := 20 + r.IntN(200)
					g.note("quake.materials", c, d, int64(n))
					if err := pub.add(ctx, id, g.towns[c][k%len(g.towns[c])], placeStems[r.IntN(len(placeStems))]+"小学", "防震减灾知识手册", n, d.String(),
						fmt.Sprintf("%d年防震减灾宣传周", y), g.director.ID, at(r, d)); err != nil {
						return err
					}
				}
			}
		}
		for _, b := range []*bulk{evs, drs, pub} {
			if err := b.flush(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

// poverty registers the households of the poverty registry over the
// counties' villages, each head's resident ID sealed and blind-indexed
// with the keyring as the poverty service does, and five S&T poverty
// projects a year per county.
func (g *gen) poverty(ctx context.Context) error {
	keys := g.a.Poverty.Keys
	per := g.sc.Households / len(g.sc.Counties)
	for ci, c := range g.sc.Counties {
		r := g.rng("poverty", c)
		const chunk = 20_000
		for lo := 0; lo < per || lo == 0; lo += chunk {
			err := g.inTx(ctx, func(tx *db.Tx) error {
				hs := g.bulk(tx, "poverty_households", "id", "region_code", "head_name", "head_id_sealed", "head_id_index", "head_id_masked",
					"members_count", "cause_code", "status", "status_on", "created_by", "created_at", "updated_at")
				for k := lo; k < min(per, lo+chunk); k++ {
					id, err := g.id(ctx, "poverty_households")
					if err != nil {
						return err
					}
					rid := genResidentID(c, k)
					status, on := "not_out", ""
					if r.IntN(10) < 8 {
						status, on = "out", fmt.Sprintf("%d-12-31", 2016+r.IntN(5))
					}
					if err := hs.add(ctx, id, g.villages[c][k%len(g.villages[c])], surnames[r.IntN(len(surnames))]+given[r.IntN(len(given))],
						keys.Seal(rid, fmt.Sprintf("poverty_households:%d:head_id", id)), keys.BlindIndex("resident_id:"+rid), poverty.MaskID(rid),
						1+r.IntN(6), []string{"illness", "disability", "lack_skills", "lack_labour", "lack_funds"}[r.IntN(5)], status, on,
						g.director.ID, tx.Now, tx.Now); err != nil {
						return err
					}
				}
				return hs.flush(ctx)
			})
			if err != nil {
				return err
			}
			if per >= 100_000 {
				g.progress("households of %s: %d of %d (county %d of %d)", c, min(per, lo+chunk), per, ci+1, len(g.sc.Counties))
			}
			if per == 0 {
				break
			}
		}
		err := g.inTx(ctx, func(tx *db.Tx) error {
			ps := g.bulk(tx, "poverty_projects", "id", "region_code", "year", "title", "funds", "townships", "households", "people",
				"progress", "created_by", "created_at", "updated_at")
			for _, y := range []int{g.this - 1, g.this} {
				for k := range 5 {
					d := g.dayIn(r, y)
					id, err := g.id(ctx, "poverty_projects")
					if err != nil {
						return err
					}
					funds := int64(10+r.IntN(90)) * 1_000_000
					people := 20 + r.IntN(300)
					when := at(r, d)
					g.note("poverty.projects", c, d, 0)
					g.note("poverty.funds", c, d, funds)
					g.note("poverty.people", c, d, int64(people))
					if err := ps.add(ctx, id, c, y, fmt.Sprintf("%s特色种养殖科技示范项目（%d-%d）", placeStems[r.IntN(len(placeStems))], y, k+1), funds,
						fmt.Sprintf(`[%q]`, g.towns[c][k%len(g.towns[c])]), people/3, people, r.IntN(101), g.director.ID, when, when); err != nil {
						return err
					}
				}
			}
			return ps.flush(ctx)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// genResidentID is the resident ID of the k-th generated person of county:
// born on one of 18,000 days from 1 January 1940, the sequence number the
// rest of k, and the check character — unique per county and k.
func genResidentID(county string, k int) string {
	birth := calendar.Date{Year: 1940, Month: 1, Day: 1}.AddDays(k % 18000)
	first17 := fmt.Sprintf("%s%04d%02d%02d%03d", county, birth.Year, int(birth.Month), birth.Day, (k/18000)%1000)
	c, err := ident.ResidentIDCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}

// derived rebuilds the tables derived from what was loaded — the exact
// monthly patent rollups of the statistics — and on PostgreSQL vacuums the
// tables and refreshes their statistics.
func (g *gen) derived(ctx context.Context) error {
	if err := g.inTx(ctx, func(tx *db.Tx) error { return g.a.Patents.RebuildRollups(ctx, tx) }); err != nil {
		return err
	}
	if g.a.DB.Dialect.Engine == db.Postgres {
		for t := range g.nextID {
			if _, err := g.a.DB.ExecContext(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT MAX(id) FROM %s))`, t, t)); err != nil {
				return db.Normalize(fmt.Errorf("sequence of %s: %w", t, err))
			}
		}
		// VACUUM too: it sets the visibility map, without which the
		// counts cannot be read from the indexes alone.
		_, err := g.a.DB.ExecContext(ctx, `VACUUM ANALYZE`)
		return db.Normalize(err)
	}
	_, err := g.a.DB.ExecContext(ctx, `ANALYZE`)
	return db.Normalize(err)
}

// patentTypes are the type digit of a patent by (i/10)%10: four in ten
// inventions, four utility models, two designs.
var patentTypes = [10]int{1, 1, 1, 1, 2, 2, 2, 2, 3, 3}

// genPatent is the i-th generated patent (i from 1), as patents writes it
// in SQL: filed in one of the last ten years (this year up to today), its
// type, serial i/10, the county (i/100)%counties and the enterprise (i/13)%n of
// it, and the grant — a third of inventions after 540+ days, three in four
// utility models after 150+, designs after 120+ — if that day has come.
func (g *gen) genPatent(i int64) (county int, typ int, app calendar.Date, grant calendar.Date, granted bool) {
	y := g.this - int(i%10)
	typ = patentTypes[(i/10)%10]
	bound := int64(365)
	if y == g.this {
		bound = int64(daysBetween(calendar.Date{Year: y, Month: 1, Day: 1}, g.today)) + 1
	}
	app = calendar.Date{Year: y, Month: 1, Day: 1}.AddDays(int((i * 7919) % bound))
	lag := -1
	switch {
	case typ == 1 && i%3 == 0:
		lag = int(540 + i%180)
	case typ == 2 && i%4 != 0:
		lag = int(150 + i%60)
	case typ == 3:
		lag = int(120 + i%30)
	}
	if lag >= 0 {
		grant = app.AddDays(lag)
		granted = !g.today.Before(grant)
	}
	return int((i / 100) % int64(len(g.sc.Counties))), typ, app, grant, granted
}

// patents writes sc.Patents patents by INSERT … SELECT over a generated
// series (PostgreSQL generate_series, SQLite a recursive CTE), in chunks
// of half a million, the SQL computing what genPatent computes.
func (g *gen) patents(ctx context.Context) error {
	if g.sc.Patents == 0 {
		return nil
	}
	var base int64
	if err := g.a.DB.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM patents`).Scan(&base); err != nil {
		return db.Normalize(err)
	}
	g.nextID["patents"] = base + int64(g.sc.Patents)
	// The counties: their index, first enterprise id, enterprises and
	// townships; the townships by county and index.
	first := map[string]int64{}
	n := map[string]int{}
	for _, e := range g.ents {
		if _, ok := first[e.county]; !ok {
			first[e.county] = e.id
		}
		n[e.county]++
	}
	var cs, ts []string
	for k, c := range g.sc.Counties {
		cs = append(cs, fmt.Sprintf("(%d, %d, %d, %d)", k, first[c], n[c], len(g.towns[c])))
		for j, t := range g.towns[c] {
			ts = append(ts, fmt.Sprintf("(%d, %d, '%s')", k, j, t))
		}
	}
	pg := g.a.DB.Dialect.Engine == db.Postgres
	series := `s(i) AS (SELECT CAST($1 AS BIGINT) UNION ALL SELECT i + 1 FROM s WHERE i < $2)`
	date := func(y, days string) string {
		return "date(printf('%04d-01-01', " + y + "), '+' || (" + days + ") || ' days')"
	}
	plus := func(d, days string) string { return "date(" + d + ", '+' || (" + days + ") || ' days')" }
	appNo := `printf('%04d%d%07d.', y, t, sn)`
	if pg {
		series = `s(i) AS (SELECT generate_series(CAST($1 AS BIGINT), CAST($2 AS BIGINT)))`
		date = func(y, days string) string {
			return "(make_date(CAST(" + y + " AS INTEGER), 1, 1) + CAST(" + days + " AS INTEGER))"
		}
		plus = func(d, days string) string { return "(" + d + " + CAST(" + days + " AS INTEGER))" }
		appNo = `lpad(CAST(y AS TEXT), 4, '0') || CAST(t AS TEXT) || lpad(CAST(sn AS TEXT), 7, '0') || '.'`
	}
	todayDoy := daysBetween(calendar.Date{Year: g.this, Month: 1, Day: 1}, g.today) + 1
	check := `substr('0123456789X', CAST(1 + ((y / 1000 % 10) * 2 + (y / 100 % 10) * 3 + (y / 10 % 10) * 4 + (y % 10) * 5 + t * 6
		+ (sn / 1000000 % 10) * 7 + (sn / 100000 % 10) * 8 + (sn / 10000 % 10) * 9 + (sn / 1000 % 10) * 2 + (sn / 100 % 10) * 3
		+ (sn / 10 % 10) * 4 + (sn % 10) * 5) % 11 AS INTEGER), 1)`
	q := fmt.Sprintf(`WITH RECURSIVE %s,
		counties (k, lo, n, nt) AS (VALUES %s),
		towns (ck, tk, code) AS (VALUES %s),
		a AS (SELECT i, %d - i %% 10 AS y,
			CASE WHEN (i / 10) %% 10 < 4 THEN 1 WHEN (i / 10) %% 10 < 8 THEN 2 ELSE 3 END AS t, i / 10 AS sn FROM s),
		b AS (SELECT i, y, t, sn, %s AS ad,
			CASE WHEN t = 1 AND i %% 3 = 0 THEN 540 + i %% 180 WHEN t = 2 AND i %% 4 <> 0 THEN 150 + i %% 60 WHEN t = 3 THEN 120 + i %% 30 END AS lag FROM a),
		c AS (SELECT b.*, CASE WHEN lag IS NOT NULL THEN %s END AS gd FROM b)
		INSERT INTO patents (id, app_no, type, title, applicants, enterprise_id, region_code, inventors, application_date, grant_date, status, ipc_main, created_at, updated_at)
		SELECT %d + i, %s || %s, CASE t WHEN 1 THEN 'invention' WHEN 2 THEN 'utility' ELSE 'design' END,
			CASE i %% 5 WHEN 0 THEN '一种农产品智能分拣装置' WHEN 1 THEN '一种节能烘干机' WHEN 2 THEN '一种秸秆综合利用方法' WHEN 3 THEN '一种新型复合材料及其制备方法' ELSE '包装盒' END,
			'', co.lo + (i / 13) %% co.n, w.code, 1 + i %% 5, ad,
			CASE WHEN gd <= $3 THEN gd END, CASE WHEN gd <= $3 THEN 'granted' ELSE 'applied' END,
			CASE i %% 3 WHEN 0 THEN 'A01B 49/00' WHEN 1 THEN 'F26B 9/06' ELSE 'C08L 97/02' END, $4, $4
		FROM c JOIN counties co ON co.k = (i / 100) %% %d JOIN towns w ON w.ck = co.k AND w.tk = ((i / 13) %% co.n) %% co.nt`,
		series, strings.Join(cs, ", "), strings.Join(ts, ", "), g.this,
		date("y", fmt.Sprintf("(i * 7919) %% (CASE WHEN y = %d THEN %d ELSE 365 END)", g.this, todayDoy)),
		plus("ad", "lag"), base, appNo, check, len(g.sc.Counties))
	var today any = g.today.String()
	const chunk = 500_000
	// One transaction: the secondary indexes are dropped, the rows
	// written, the indexes built again (much faster than growing them row
	// by row); a failure rolls all of it back, indexes included.
	err := g.inTx(ctx, func(tx *db.Tx) error {
		idx, err := secondaryIndexes(ctx, tx, "patents")
		if err != nil {
			return err
		}
		for _, ix := range idx {
			if _, err := tx.ExecContext(ctx, `DROP INDEX `+ix.name); err != nil {
				return db.Normalize(err)
			}
		}
		for lo := int64(1); lo <= int64(g.sc.Patents); lo += chunk {
			hi := min(int64(g.sc.Patents), lo+chunk-1)
			res, err := tx.ExecContext(ctx, q, lo, hi, today, tx.Now)
			if err != nil {
				return db.Normalize(err)
			}
			k, _ := res.RowsAffected()
			g.count("patents", k)
			if g.sc.Patents > chunk {
				g.progress("patents: %d of %d", hi, g.sc.Patents)
			}
		}
		for _, ix := range idx {
			if _, err := tx.ExecContext(ctx, ix.sql); err != nil {
				return db.Normalize(err)
			}
			if g.sc.Patents > chunk {
				g.progress("patents: index %s built", ix.name)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if g.tally != nil {
		for i := int64(1); i <= int64(g.sc.Patents); i++ {
			k, typ, app, grant, granted := g.genPatent(i)
			if typ != 1 {
				continue
			}
			g.note("patents.invention_applied", g.sc.Counties[k], app, 0)
			if granted {
				g.note("patents.invention_granted", g.sc.Counties[k], grant, 0)
			}
		}
	}
	return nil
}

// scaleUsers are the accounts a generated dataset is read as: the demo
// district's director and the city's viewer.
var scaleUsers = []auth.UserInput{
	{Username: "juzhang", DisplayName: "王局长", Roles: []auth.Role{auth.Director}, RegionCode: region.DemoDistrictCode},
	{Username: "shiju", DisplayName: "市科技局（查看）", Roles: []auth.Role{auth.CityViewer}, RegionCode: "341200"},
}

// DemoScale bootstraps the database (regions, policies, administrators),
// adds the director and the city viewer where missing — their one-time
// passwords printed to out — and generates the dataset of scale name,
// printing the rows written per table to out and progress to log; with
// tally set it keeps the tally of every figure (see Generate).
func (a *App) DemoScale(ctx context.Context, name string, tally bool, out, log io.Writer) (*Generated, error) {
	sc, err := ScaleNamed(name)
	if err != nil {
		return nil, err
	}
	if err := a.Bootstrap(ctx, out); err != nil {
		return nil, err
	}
	var director *auth.User
	for _, in := range scaleUsers {
		u, err := a.Auth.UserByName(ctx, in.Username)
		if err != nil {
			var pw string
			if u, pw, err = a.Auth.CreateUser(ctx, nil, in); err != nil {
				return nil, fmt.Errorf("app: demo user %s: %w", in.Username, err)
			}
			fmt.Fprintf(out, "  %-12s %-14s %s\n", u.Username, pw, u.DisplayName)
		}
		if u.Has(auth.Director) {
			director = u
		}
	}
	res, err := a.Generate(ctx, sc, director, tally, log)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "\n%s dataset written:\n", name)
	for _, t := range res.Rows {
		fmt.Fprintf(out, "  %-24s %12d\n", t.Table, t.Rows)
	}
	return res, nil
}

// index is a secondary index: its name and the statement that creates it.
type index struct{ name, sql string }

// secondaryIndexes lists the indexes of table that no constraint owns
// (not its primary key or a UNIQUE column), as the catalog gives them.
func secondaryIndexes(ctx context.Context, tx *db.Tx, table string) ([]index, error) {
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL ORDER BY name`
	if tx.Dialect.Engine == db.Postgres {
		q = `SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename = $1
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) ORDER BY i.indexname`
	}
	rows, err := tx.QueryContext(ctx, q, table)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (index, error) {
		var ix index
		return ix, sc.Scan(&ix.name, &ix.sql)
	})
}
