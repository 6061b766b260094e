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

const matchColumns = `m.id, m.enterprise_id, m.enterprise_name, m.credit_code, m.region_code, COALESCE(m.need_id, 0),
	COALESCE((SELECT n.title FROM needs n WHERE n.id = m.need_id), ''), m.partner, m.partner_contact, m.partner_phone, m.event_date,
	m.kind, m.topic, m.outcome, m.agreement, m.agreement_on, m.agreement_amount, m.version, COALESCE(m.created_by, 0),
	m.created_at, m.updated_at`

// matchScope are the columns the data scope filters matchmakings on.
var matchScope = auth.Columns{Region: "m.region_code", Enterprise: "m.enterprise_id"}

func scanMatch(sc interface{ Scan(...any) error }, extra ...any) (*Match, error) {
	m := &Match{}
	err := sc.Scan(append([]any{&m.ID, &m.EnterpriseID, &m.EnterpriseName, &m.CreditCode, &m.RegionCode, &m.NeedID, &m.NeedTitle,
		&m.Partner, &m.PartnerContact, &m.PartnerPhone, &m.Date, &m.Kind, &m.Topic, &m.Outcome, &m.Agreement, &m.AgreementOn,
		&m.AgreementAmount, &m.Version, &m.CreatedBy, &m.CreatedAt, &m.UpdatedAt}, extra...)...)
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	return m, err
}

func getMatch(ctx context.Context, q db.Querier, u *auth.User, id int64) (*Match, error) {
	args := []any{id}
	cond := u.Scope().Where(matchScope, &args)
	m, err := scanMatch(q.QueryRowContext(ctx, `SELECT `+matchColumns+` FROM matchmakings m WHERE m.id = $1 AND `+cond, args...))
	if db.IsNoRows(err) {
		return nil, notFound
	}
	return m, db.Normalize(err)
}

// Match returns one matchmaking, or NotFound.
func (s *Service) Match(ctx context.Context, u *auth.User, id int64) (*Match, error) {
	return getMatch(ctx, s.DB, u, id)
}

// MatchFilter selects matchmakings for a list.
type MatchFilter struct {
	From, To     calendar.Date // the event date, both inclusive
	RegionCode   string
	EnterpriseID int64
	NeedID       int64
	Agreement    string // "1" signed, "0" not signed, "" either
	Query        string // enterprise, partner or topic
	Limit        int
	Offset       int
	Sort         string // date, enterprise, partner; "-" reverses
}

var matchSorts = map[string]string{
	"date": "m.event_date, m.id", "-date": "m.event_date DESC, m.id DESC",
	"enterprise": "m.enterprise_name, m.event_date DESC", "-enterprise": "m.enterprise_name DESC, m.event_date DESC",
	"partner": "m.partner, m.event_date DESC", "-partner": "m.partner DESC, m.event_date DESC",
}

// Matches returns the matchmakings in u's scope that match f, newest
// first unless sorted otherwise, and their total.
func (s *Service) Matches(ctx context.Context, u *auth.User, f MatchFilter) ([]*Match, int, error) {
	q := scoped(u, matchScope)
	if !f.From.IsZero() {
		q.Add("m.event_date >= ?", f.From)
	}
	if !f.To.IsZero() {
		q.Add("m.event_date <= ?", f.To)
	}
	if f.RegionCode != "" {
		q.Add(`m.region_code LIKE ? ESCAPE '\'`, escapeLike(f.RegionCode)+"%")
	}
	if f.EnterpriseID > 0 {
		q.Add("m.enterprise_id = ?", f.EnterpriseID)
	}
	if f.NeedID > 0 {
		q.Add("m.need_id = ?", f.NeedID)
	}
	switch f.Agreement {
	case "1":
		q.Add("m.agreement = ?", true)
	case "0":
		q.Add("m.agreement = ?", false)
	}
	if t := clean(f.Query); t != "" {
		like := "%" + escapeLike(t) + "%"
		q.Add(`(m.enterprise_name LIKE ? ESCAPE '\' OR m.partner LIKE ? ESCAPE '\' OR m.topic LIKE ? ESCAPE '\')`, like, like, like)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+matchColumns+`, COUNT(*) OVER () FROM matchmakings m WHERE `+q.SQL()+
		` ORDER BY `+sortOf(matchSorts, f.Sort, "m.event_date DESC, m.id DESC")+page(f.Limit, f.Offset), q.Args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	return db.CollectCounted(rows, scanMatch)
}

// matchAudit is what the audit log keeps of a matchmaking.
func matchAudit(m *Match) map[string]any {
	return map[string]any{"enterprise_id": m.EnterpriseID, "enterprise_name": m.EnterpriseName, "need_id": m.NeedID, "partner": m.Partner,
		"partner_contact": m.PartnerContact, "partner_phone": m.PartnerPhone, "date": m.Date, "kind": m.Kind, "topic": m.Topic,
		"outcome": m.Outcome, "agreement": m.Agreement, "agreement_on": m.AgreementOn, "agreement_amount": m.AgreementAmount}
}

// prepareMatch validates in for u: the enterprise (current is the one the
// matchmaking has, 0 for a new one), and the need, which must be one of
// the enterprise's.
func (s *Service) prepareMatch(ctx context.Context, u *auth.User, in MatchInput, current int64) (MatchInput, *Match, error) {
	in, p := checkMatch(in, s.today())
	var e Summary
	var title string
	if in.EnterpriseID > 0 {
		var err error
		if e, err = s.enterprise(ctx, u, in.EnterpriseID, current); err != nil {
			if i18n.ErrorCode(err) != i18n.Invalid {
				return in, nil, err
			}
			p.AddErr("enterprise_id", err)
		}
	}
	if in.NeedID > 0 && e.ID > 0 {
		n, err := s.Need(ctx, u, in.NeedID)
		switch {
		case i18n.ErrorCode(err) == i18n.NotFound:
			p.Add("match_need", "visit.match.need_unknown")
		case err != nil:
			return in, nil, err
		case n.EnterpriseID != e.ID:
			p.Add("match_need", "visit.match.need_other")
		default:
			title = n.Title
		}
	}
	m := &Match{EnterpriseID: e.ID, EnterpriseName: e.Name, CreditCode: e.CreditCode, RegionCode: e.RegionCode, NeedID: in.NeedID,
		NeedTitle: title, Partner: in.Partner, PartnerContact: in.PartnerContact, PartnerPhone: in.PartnerPhone, Date: in.Date,
		Kind: in.Kind, Topic: in.Topic, Outcome: in.Outcome, Agreement: in.Agreement, AgreementOn: in.AgreementOn,
		AgreementAmount: in.AgreementAmount}
	return in, m, p.Err()
}

// markMatched moves the matchmaking's need to matched, in tx, unless it
// is matched already; a need the machine cannot move (solved, closed) is a
// conflict that undoes the whole change.
func (s *Service) markMatched(ctx context.Context, tx *db.Tx, u *auth.User, m *Match) error {
	n, err := getNeed(ctx, tx, u, m.NeedID)
	if err != nil {
		return err
	}
	if n.Status == Matched {
		return nil
	}
	reason := "产学研对接：" + m.Partner
	if _, err := CheckTransition(n, Matched, reason, false, false); err != nil {
		return err
	}
	return s.move(ctx, tx, u, n, Matched, reason, nil, m.ID)
}

// CreateMatch records a matchmaking; with in.MarkMatched its need moves to
// matched in the same transaction.
func (s *Service) CreateMatch(ctx context.Context, u *auth.User, in MatchInput) (*Match, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	in, m, err := s.prepareMatch(ctx, u, in, 0)
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		m.Version, m.CreatedBy, m.CreatedAt, m.UpdatedAt = 1, u.ID, tx.Now, tx.Now
		if err := tx.QueryRowContext(ctx, `INSERT INTO matchmakings (enterprise_id, enterprise_name, credit_code, region_code, need_id,
			partner, partner_contact, partner_phone, event_date, kind, topic, outcome, agreement, agreement_on, agreement_amount,
			created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id`,
			m.EnterpriseID, m.EnterpriseName, m.CreditCode, m.RegionCode, nullID(m.NeedID), m.Partner, m.PartnerContact, m.PartnerPhone,
			m.Date, m.Kind, m.Topic, m.Outcome, m.Agreement, m.AgreementOn, m.AgreementAmount, u.ID, tx.Now).Scan(&m.ID); err != nil {
			return db.Normalize(err)
		}
		if _, err := s.Audit.Append(ctx, tx, audit.Event{Action: "match.create", ObjectType: "match", ObjectID: strconv.FormatInt(m.ID, 10),
			RegionCode: m.RegionCode, After: audit.JSON(matchAudit(m))}); err != nil {
			return err
		}
		if in.MarkMatched {
			return s.markMatched(ctx, tx, u, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// UpdateMatch changes a matchmaking (version as for UpdateVisit); with
// in.MarkMatched its need moves to matched in the same transaction.
func (s *Service) UpdateMatch(ctx context.Context, u *auth.User, id int64, version int, in MatchInput, reason string) (*Match, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var current int64
	if before, err := getMatch(ctx, s.DB, u, id); err == nil {
		current = before.EnterpriseID
	}
	in, m, err := s.prepareMatch(ctx, u, in, current)
	if err != nil {
		return nil, err
	}
	load := func(tx *db.Tx) (*Match, error) { return getMatch(ctx, tx, u, id) }
	return db.Update(ctx, s.DB, version, "visit.stale", load, func(tx *db.Tx, before *Match) (*Match, sql.Result, error) {
		m.ID, m.Version, m.CreatedBy, m.CreatedAt, m.UpdatedAt = id, before.Version+1, before.CreatedBy, before.CreatedAt, tx.Now
		res, err := tx.ExecContext(ctx, `UPDATE matchmakings SET enterprise_id = $1, enterprise_name = $2, credit_code = $3, region_code = $4,
			need_id = $5, partner = $6, partner_contact = $7, partner_phone = $8, event_date = $9, kind = $10, topic = $11, outcome = $12,
			agreement = $13, agreement_on = $14, agreement_amount = $15, version = version + 1, updated_at = $16 WHERE id = $17 AND version = $18`,
			m.EnterpriseID, m.EnterpriseName, m.CreditCode, m.RegionCode, nullID(m.NeedID), m.Partner, m.PartnerContact, m.PartnerPhone,
			m.Date, m.Kind, m.Topic, m.Outcome, m.Agreement, m.AgreementOn, m.AgreementAmount, tx.Now, id, version)
		return m, res, db.Normalize(err)
	}, func(tx *db.Tx, before, after *Match) error {
		if _, err := s.Audit.Append(ctx, tx, audit.Event{Action: "match.update", ObjectType: "match", ObjectID: strconv.FormatInt(id, 10),
			RegionCode: after.RegionCode, Before: audit.JSON(matchAudit(before)), After: audit.JSON(matchAudit(after)), Reason: strings.TrimSpace(reason)}); err != nil {
			return err
		}
		if in.MarkMatched {
			return s.markMatched(ctx, tx, u, after)
		}
		return nil
	})
}
