package visit

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

const needColumns = `n.id, n.enterprise_id, n.enterprise_name, n.credit_code, n.region_code, n.category, n.title, n.description,
	n.expected, n.budget, n.contact_name, n.contact_phone, n.source, COALESCE(n.visit_id, 0), n.collected_on, n.status,
	COALESCE(n.batch_id, 0), n.forwarded_on, n.version, COALESCE(n.created_by, 0), n.created_at, n.updated_at`

// needScope are the columns the data scope filters needs on: an enterprise
// user sees its own.
var needScope = auth.Columns{Region: "n.region_code", Enterprise: "n.enterprise_id"}

func scanNeed(sc interface{ Scan(...any) error }, extra ...any) (*Need, error) {
	n := &Need{}
	err := sc.Scan(append([]any{&n.ID, &n.EnterpriseID, &n.EnterpriseName, &n.CreditCode, &n.RegionCode, &n.Category, &n.Title,
		&n.Description, &n.Expected, &n.Budget, &n.ContactName, &n.ContactPhone, &n.Source, &n.VisitID, &n.CollectedOn, &n.Status,
		&n.BatchID, &n.ForwardedOn, &n.Version, &n.CreatedBy, &n.CreatedAt, &n.UpdatedAt}, extra...)...)
	n.CreatedAt, n.UpdatedAt = n.CreatedAt.UTC(), n.UpdatedAt.UTC()
	return n, err
}

func getNeed(ctx context.Context, q db.Querier, u *auth.User, id int64) (*Need, error) {
	args := []any{id}
	cond := u.Scope().Where(needScope, &args)
	n, err := scanNeed(q.QueryRowContext(ctx, `SELECT `+needColumns+` FROM needs n WHERE n.id = $1 AND `+cond, args...))
	if db.IsNoRows(err) {
		return nil, notFound
	}
	return n, db.Normalize(err)
}

// Need returns one need, or NotFound when it does not exist or lies outside
// u's scope.
func (s *Service) Need(ctx context.Context, u *auth.User, id int64) (*Need, error) {
	return getNeed(ctx, s.DB, u, id)
}

// NeedFilter selects needs for a list.
type NeedFilter struct {
	Status       string
	Category     string
	Source       string
	RegionCode   string
	EnterpriseID int64
	VisitID      int64
	BatchID      int64         // needs forwarded in this batch (whatever their status now)
	From, To     calendar.Date // the collection date, both inclusive
	Query        string        // title, enterprise name or credit code
	Limit        int
	Offset       int
	Sort         string // collected_on, title, enterprise, status; "-" reverses
}

var needSorts = map[string]string{
	"collected_on": "n.collected_on, n.id", "-collected_on": "n.collected_on DESC, n.id DESC",
	"title": "n.title, n.id", "-title": "n.title DESC, n.id",
	"enterprise": "n.enterprise_name, n.id", "-enterprise": "n.enterprise_name DESC, n.id",
	"status": statusOrder + ", n.collected_on DESC", "-status": statusOrder + " DESC, n.collected_on DESC",
}

// statusOrder sorts needs by their place in the status machine.
const statusOrder = `CASE n.status WHEN 'collected' THEN 1 WHEN 'forwarded' THEN 2 WHEN 'matched' THEN 3 WHEN 'solved' THEN 4 ELSE 5 END`

func needQuery(u *auth.User, f NeedFilter) *db.Where {
	q := scoped(u, needScope)
	for _, c := range [][2]string{{"n.status = ?", f.Status}, {"n.category = ?", f.Category}, {"n.source = ?", f.Source}} {
		if c[1] != "" {
			q.Add(c[0], c[1])
		}
	}
	if f.RegionCode != "" {
		q.Add(`n.region_code LIKE ? ESCAPE '\'`, escapeLike(f.RegionCode)+"%")
	}
	if f.EnterpriseID > 0 {
		q.Add("n.enterprise_id = ?", f.EnterpriseID)
	}
	if f.VisitID > 0 {
		q.Add("n.visit_id = ?", f.VisitID)
	}
	if f.BatchID > 0 {
		q.Add("n.id IN (SELECT need_id FROM need_batch_items WHERE batch_id = ?)", f.BatchID)
	}
	if !f.From.IsZero() {
		q.Add("n.collected_on >= ?", f.From)
	}
	if !f.To.IsZero() {
		q.Add("n.collected_on <= ?", f.To)
	}
	if t := clean(f.Query); t != "" {
		like := "%" + escapeLike(t) + "%"
		q.Add(`(n.title LIKE ? ESCAPE '\' OR n.enterprise_name LIKE ? ESCAPE '\' OR n.credit_code LIKE ? ESCAPE '\')`, like, like, strings.ToUpper(like))
	}
	return q
}

// Needs returns the needs in u's scope that match f, newest first unless
// sorted otherwise, and their total.
func (s *Service) Needs(ctx context.Context, u *auth.User, f NeedFilter) ([]*Need, int, error) {
	q := needQuery(u, f)
	rows, err := s.DB.QueryContext(ctx, `SELECT `+needColumns+`, COUNT(*) OVER () FROM needs n WHERE `+q.SQL()+
		` ORDER BY `+sortOf(needSorts, f.Sort, "n.collected_on DESC, n.id DESC")+page(f.Limit, f.Offset), q.Args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	return db.CollectCounted(rows, scanNeed)
}

// History returns the status changes of a need, oldest first.
func (s *Service) History(ctx context.Context, u *auth.User, id int64) ([]Change, error) {
	if _, err := getNeed(ctx, s.DB, u, id); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT from_status, to_status, reason, COALESCE(batch_id, 0), COALESCE(match_id, 0),
		COALESCE(actor_id, 0), actor_name, at FROM needs_history WHERE need_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		if err := rows.Scan(&c.From, &c.To, &c.Reason, &c.BatchID, &c.MatchID, &c.ActorID, &c.ActorName, &c.At); err != nil {
			return nil, db.Normalize(err)
		}
		c.At = c.At.UTC()
		out = append(out, c)
	}
	return out, db.Normalize(rows.Err())
}

// needAudit is what the audit log keeps of a need's content.
func needAudit(n *Need) map[string]any {
	return map[string]any{"enterprise_id": n.EnterpriseID, "enterprise_name": n.EnterpriseName, "category": n.Category, "title": n.Title,
		"description": n.Description, "expected": n.Expected, "budget": n.Budget, "contact_name": n.ContactName,
		"contact_phone": n.ContactPhone, "source": n.Source, "visit_id": n.VisitID, "collected_on": n.CollectedOn, "status": n.Status}
}

// CreateNeed records a need. An enterprise user reports its own (企业自报);
// staff record one collected on a visit (the need takes the visit's
// enterprise, and its date unless another is given) or otherwise. The
// contact defaults to the enterprise's.
func (s *Service) CreateNeed(ctx context.Context, u *auth.User, in NeedInput) (*Need, error) {
	if err := u.MayWrite(); err != nil {
		return nil, err
	}
	source := SourceStaff
	if u.IsEnterprise() {
		in.EnterpriseID, in.VisitID, source = u.Scope().EnterpriseID, 0, SourceSelf
	} else if err := mayManage(u); err != nil {
		return nil, err
	}
	in, p := checkNeed(in, s.today())
	if in.VisitID > 0 {
		source = SourceVisit
		v, err := s.Visit(ctx, u, in.VisitID)
		switch {
		case i18n.ErrorCode(err) == i18n.NotFound:
			p.Add("need_visit", "visit.need.visit_unknown")
		case err != nil:
			return nil, err
		case in.EnterpriseID > 0 && in.EnterpriseID != v.EnterpriseID:
			p.Add("enterprise_id", "visit.need.visit_enterprise")
		default:
			in.EnterpriseID = v.EnterpriseID
			if in.CollectedOn.IsZero() {
				in.CollectedOn = v.Date
			}
		}
	}
	var e Summary
	if in.EnterpriseID <= 0 {
		if p.Field("enterprise_id") == nil && p.Field("need_visit") == nil {
			p.Add("enterprise_id", "error.required")
		}
	} else {
		var err error
		if e, err = s.enterprise(ctx, u, in.EnterpriseID, 0); err != nil {
			if i18n.ErrorCode(err) != i18n.Invalid {
				return nil, err
			}
			p.AddErr("enterprise_id", err)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if in.CollectedOn.IsZero() {
		in.CollectedOn = s.today()
	}
	if in.ContactName == "" && in.ContactPhone == "" {
		in.ContactName, in.ContactPhone = e.ContactName, e.ContactPhone
	}
	var n *Need
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		n = &Need{EnterpriseID: e.ID, EnterpriseName: e.Name, CreditCode: e.CreditCode, RegionCode: e.RegionCode, Category: in.Category,
			Title: in.Title, Description: in.Description, Expected: in.Expected, Budget: in.Budget, ContactName: in.ContactName,
			ContactPhone: in.ContactPhone, Source: source, VisitID: in.VisitID, CollectedOn: in.CollectedOn, Status: Collected,
			Version: 1, CreatedBy: u.ID, CreatedAt: tx.Now, UpdatedAt: tx.Now}
		if err := tx.QueryRowContext(ctx, `INSERT INTO needs (enterprise_id, enterprise_name, credit_code, region_code, category, title,
			description, expected, budget, contact_name, contact_phone, source, visit_id, collected_on, status, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id`,
			n.EnterpriseID, n.EnterpriseName, n.CreditCode, n.RegionCode, n.Category, n.Title, n.Description, n.Expected, n.Budget,
			n.ContactName, n.ContactPhone, n.Source, nullID(n.VisitID), n.CollectedOn, n.Status, u.ID, tx.Now).Scan(&n.ID); err != nil {
			return db.Normalize(err)
		}
		if err := history(ctx, tx, u, n.ID, "", Collected, "", 0, 0); err != nil {
			return err
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "need.create", ObjectType: "need", ObjectID: strconv.FormatInt(n.ID, 10),
			RegionCode: n.RegionCode, After: audit.JSON(needAudit(n))})
		return err
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// UpdateNeed changes the content of a need that is still collected: staff
// any in their scope, an enterprise user the needs it reported itself.
// The enterprise and the source do not change.
func (s *Service) UpdateNeed(ctx context.Context, u *auth.User, id int64, version int, in NeedInput, reason string) (*Need, error) {
	if err := u.MayWrite(); err != nil {
		return nil, err
	}
	if !u.IsEnterprise() {
		if err := mayManage(u); err != nil {
			return nil, err
		}
	}
	in, p := checkNeed(in, s.today())
	if err := p.Err(); err != nil {
		return nil, err
	}
	// An enterprise edits only what it reported itself, and nobody a need
	// past collection.
	load := func(tx *db.Tx) (*Need, error) {
		n, err := getNeed(ctx, tx, u, id)
		switch {
		case err != nil:
			return nil, err
		case u.IsEnterprise() && n.Source != SourceSelf:
			return nil, i18n.E(i18n.Forbidden, "visit.need.not_own_report")
		case !Editable(n.Status):
			return nil, i18n.E(i18n.Conflict, "visit.need.not_editable")
		}
		return n, nil
	}
	return db.Update(ctx, s.DB, version, "visit.stale", load, func(tx *db.Tx, before *Need) (*Need, sql.Result, error) {
		after := *before
		after.Category, after.Title, after.Description, after.Expected, after.Budget = in.Category, in.Title, in.Description, in.Expected, in.Budget
		after.ContactName, after.ContactPhone = in.ContactName, in.ContactPhone
		if !in.CollectedOn.IsZero() {
			after.CollectedOn = in.CollectedOn
		}
		after.Version, after.UpdatedAt = before.Version+1, tx.Now
		res, err := tx.ExecContext(ctx, `UPDATE needs SET category = $1, title = $2, description = $3, expected = $4, budget = $5,
			contact_name = $6, contact_phone = $7, collected_on = $8, version = version + 1, updated_at = $9
			WHERE id = $10 AND version = $11 AND status = $12`,
			after.Category, after.Title, after.Description, after.Expected, after.Budget, after.ContactName, after.ContactPhone,
			after.CollectedOn, tx.Now, id, version, Collected)
		return &after, res, db.Normalize(err)
	}, func(tx *db.Tx, before, after *Need) error {
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "need.update", ObjectType: "need", ObjectID: strconv.FormatInt(id, 10),
			RegionCode: after.RegionCode, Before: audit.JSON(needAudit(before)), After: audit.JSON(needAudit(after)), Reason: reason})
		return err
	})
}

// Transition moves a need to status to, as the status machine allows (see
// Transitions), with the reason; it records the change in the need's
// history and the audit log. Forwarding to the city goes through
// CreateBatch.
func (s *Service) Transition(ctx context.Context, u *auth.User, id int64, to, reason string) (*Need, error) {
	if err := u.MayWrite(); err != nil {
		return nil, err
	}
	ent := u.IsEnterprise()
	if !ent {
		if err := mayManage(u); err != nil {
			return nil, err
		}
	}
	reason = text(reason)
	if err := checkReason(reason); err != nil {
		return nil, err
	}
	var n *Need
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if n, err = getNeed(ctx, tx, u, id); err != nil {
			return err
		}
		if _, err := CheckTransition(n, to, reason, ent, false); err != nil {
			return err
		}
		return s.move(ctx, tx, u, n, to, reason, nil, 0)
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

func checkReason(reason string) error {
	var p i18n.Problems
	tooLong(&p, "reason", reason, maxShort)
	return p.Err()
}

// move applies a checked transition to n inside tx: the row (guarded by
// its current status, so a concurrent change is a conflict), the history
// row and the audit event. batch is the forwarding batch, matchID the
// matchmaking that made the change.
func (s *Service) move(ctx context.Context, tx *db.Tx, u *auth.User, n *Need, to, reason string, batch *Batch, matchID int64) error {
	from := n.Status
	batchID, forwardedOn := n.BatchID, n.ForwardedOn
	switch {
	case to == Forwarded && batch != nil:
		batchID, forwardedOn = batch.ID, batch.SentOn
	case to == Collected:
		batchID, forwardedOn = 0, calendar.Date{}
	}
	res, err := tx.ExecContext(ctx, `UPDATE needs SET status = $1, batch_id = $2, forwarded_on = $3, version = version + 1, updated_at = $4
		WHERE id = $5 AND status = $6`, to, nullID(batchID), forwardedOn, tx.Now, n.ID, from)
	if err != nil {
		return db.Normalize(err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return i18n.E(i18n.Conflict, "visit.need.changed")
	}
	var bid int64
	if batch != nil {
		bid = batch.ID
	}
	if err := history(ctx, tx, u, n.ID, from, to, reason, bid, matchID); err != nil {
		return err
	}
	n.Status, n.BatchID, n.ForwardedOn, n.Version, n.UpdatedAt = to, batchID, forwardedOn, n.Version+1, tx.Now
	after := map[string]any{"status": to}
	if bid != 0 {
		after["batch_id"] = bid
	}
	if matchID != 0 {
		after["match_id"] = matchID
	}
	_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "need.transition", ObjectType: "need", ObjectID: strconv.FormatInt(n.ID, 10),
		RegionCode: n.RegionCode, Before: audit.JSON(map[string]string{"status": from}), After: audit.JSON(after), Reason: reason})
	return err
}

func history(ctx context.Context, tx *db.Tx, u *auth.User, needID int64, from, to, reason string, batchID, matchID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO needs_history (need_id, from_status, to_status, reason, batch_id, match_id, actor_id, actor_name, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, needID, from, to, reason, nullID(batchID), nullID(matchID), nullID(u.ID), u.DisplayName, tx.Now)
	return db.Normalize(err)
}

// --- Forwarding batches ---

const batchColumns = `b.id, b.number, b.sent_on, b.note, b.region_code, b.need_count, COALESCE(b.created_by, 0), b.created_name, b.created_at`

// batchScope are the columns the data scope filters batches on; a batch
// belongs to the district (or township) of whoever made it, and
// enterprise users see none.
var batchScope = auth.Columns{Region: "b.region_code"}

func scanBatch(sc interface{ Scan(...any) error }, extra ...any) (*Batch, error) {
	b := &Batch{}
	err := sc.Scan(append([]any{&b.ID, &b.Number, &b.SentOn, &b.Note, &b.RegionCode, &b.Count, &b.CreatedBy, &b.CreatedName, &b.CreatedAt}, extra...)...)
	b.CreatedAt = b.CreatedAt.UTC()
	return b, err
}

// Batch returns one forwarding batch, or NotFound.
func (s *Service) Batch(ctx context.Context, u *auth.User, id int64) (*Batch, error) {
	args := []any{id}
	cond := u.Scope().Where(batchScope, &args)
	b, err := scanBatch(s.DB.QueryRowContext(ctx, `SELECT `+batchColumns+` FROM need_batches b WHERE b.id = $1 AND `+cond, args...))
	if db.IsNoRows(err) {
		return nil, notFound
	}
	return b, db.Normalize(err)
}

// Batches returns the forwarding batches in u's scope, newest first, and
// their total.
func (s *Service) Batches(ctx context.Context, u *auth.User, lim, off int) ([]*Batch, int, error) {
	q := scoped(u, batchScope)
	rows, err := s.DB.QueryContext(ctx, `SELECT `+batchColumns+`, COUNT(*) OVER () FROM need_batches b WHERE `+q.SQL()+
		` ORDER BY b.sent_on DESC, b.id DESC`+page(lim, off), q.Args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	return db.CollectCounted(rows, scanBatch)
}

// BatchNeeds returns the needs a batch forwarded, in the batch's order,
// with their township names (for the city's sheet).
func (s *Service) BatchNeeds(ctx context.Context, u *auth.User, id int64) (*Batch, []*Need, []string, error) {
	b, err := s.Batch(ctx, u, id)
	if err != nil {
		return nil, nil, nil, err
	}
	args := []any{id}
	cond := u.Scope().Where(needScope, &args)
	rows, err := s.DB.QueryContext(ctx, `SELECT `+needColumns+`, COALESCE(r.name, '') FROM need_batch_items i
		JOIN needs n ON n.id = i.need_id
		LEFT JOIN regions r ON LENGTH(n.region_code) >= 9 AND r.code = SUBSTR(n.region_code, 1, 9)
		WHERE i.batch_id = $1 AND `+cond+` ORDER BY i.seq`, args...)
	if err != nil {
		return nil, nil, nil, db.Normalize(err)
	}
	defer rows.Close()
	var needs []*Need
	var towns []string
	for rows.Next() {
		var town string
		n, err := scanNeed(rows, &town)
		if err != nil {
			return nil, nil, nil, db.Normalize(err)
		}
		needs, towns = append(needs, n), append(towns, town)
	}
	return b, needs, towns, db.Normalize(rows.Err())
}

// SuggestBatchNumber returns the number a new batch sent on d would
// usually get in u's district: 2026-03, or 2026-03-2 when that is taken.
func (s *Service) SuggestBatchNumber(ctx context.Context, u *auth.User, d calendar.Date) (string, error) {
	base := BatchNumber(d)
	for i := 1; i < 100; i++ {
		n := base
		if i > 1 {
			n = base + "-" + strconv.Itoa(i)
		}
		var taken int
		if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM need_batches WHERE region_code = $1 AND number = $2`, u.RegionCode, n).Scan(&taken); err != nil {
			return "", db.Normalize(err)
		}
		if taken == 0 {
			return n, nil
		}
	}
	return base, nil
}

// CreateBatch forwards the chosen needs to the city bureau in one batch, in
// one transaction: every need must be in u's scope and collected; each
// moves to forwarded with a history row and an audit event, and the batch
// keeps their order for the city's sheet.
func (s *Service) CreateBatch(ctx context.Context, u *auth.User, in BatchInput) (*Batch, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	in, p := checkBatch(in, s.today())
	if err := p.Err(); err != nil {
		return nil, err
	}
	var b *Batch
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		b = &Batch{Number: in.Number, SentOn: in.SentOn, Note: in.Note, RegionCode: u.RegionCode, Count: len(in.NeedIDs),
			CreatedBy: u.ID, CreatedName: u.DisplayName, CreatedAt: tx.Now}
		err := tx.QueryRowContext(ctx, `INSERT INTO need_batches (region_code, number, sent_on, note, need_count, created_by, created_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, b.RegionCode, b.Number, b.SentOn, b.Note, b.Count, nullID(u.ID),
			b.CreatedName, tx.Now).Scan(&b.ID)
		if db.IsUnique(err) {
			return i18n.FieldError("batch_number", "visit.batch.number_taken", b.Number)
		}
		if err != nil {
			return db.Normalize(err)
		}
		for i, id := range in.NeedIDs {
			n, err := getNeed(ctx, tx, u, id)
			if err != nil {
				return err
			}
			if _, err := CheckTransition(n, Forwarded, "", false, true); err != nil {
				return err
			}
			if err := s.move(ctx, tx, u, n, Forwarded, "上报市局（批次"+b.Number+"）", b, 0); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO need_batch_items (batch_id, need_id, seq) VALUES ($1, $2, $3)`, b.ID, n.ID, i+1); err != nil {
				return db.Normalize(err)
			}
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "need.batch", ObjectType: "need_batch", ObjectID: strconv.FormatInt(b.ID, 10),
			RegionCode: b.RegionCode, After: audit.JSON(map[string]any{"number": b.Number, "sent_on": b.SentOn, "note": b.Note, "need_ids": in.NeedIDs})})
		return err
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}
