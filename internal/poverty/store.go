package poverty

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// The object types in the audit log and the workflow history.
const (
	objHousehold = "poverty_household"
	objMember    = "poverty_member"
	objChange    = "poverty_change"
	objProject   = "poverty_project"
)

// MinReason is the shortest reason a reveal accepts, in characters.
const MinReason = 5

// Service runs every read through the caller's data scope and every change
// in one transaction with its audit event. Keys seals the ID numbers and
// phones and computes their blind index.
type Service struct {
	DB    *db.DB
	Audit *audit.Log
	Keys  *auth.Keyring
}

func idOf(id int64) string          { return strconv.FormatInt(id, 10) }
func clean(s string) string         { return strings.TrimSpace(s) }
func tooLong(s string, n int) bool  { return utf8.RuneCountInString(s) > n }
func today(tx *db.Tx) calendar.Date { return calendar.FromTime(tx.Now, calendar.Shanghai) }
func rowDate(s string) calendar.Date {
	d, _ := calendar.Parse(s)
	return d
}
func forbidden() error { return i18n.E(i18n.Forbidden, "error.forbidden") }
func notFound() error  { return i18n.E(i18n.NotFound, "error.not_found") }

func mayView(u *auth.User) error {
	if !u.Can(auth.PermPovertyView) || u.IsEnterprise() {
		return forbidden()
	}
	return nil
}

func mayManage(u *auth.User) error {
	if err := u.MayWrite(); err != nil {
		return err
	}
	if !u.Can(auth.PermPovertyManage) || u.IsEnterprise() {
		return forbidden()
	}
	return nil
}

// CanManage and CanReveal report the permissions for the pages.
func CanManage(u *auth.User) bool { return mayManage(u) == nil }
func CanReveal(u *auth.User) bool { return u.Can(auth.PermPovertyReveal) && !u.IsEnterprise() }

// event returns e with u as its actor (keeping the request's address when
// the request is u's).
func event(ctx context.Context, u *auth.User, e audit.Event) audit.Event {
	a := audit.ActorFrom(ctx)
	if a.ID != u.ID || a.ID == 0 {
		name := u.DisplayName
		if name == "" {
			name = u.Username
		}
		a = audit.Actor{ID: u.ID, Name: name}
	}
	e.ActorID, e.Actor, e.IP = a.ID, a.Name, a.IP
	return e
}

// indexOf is the blind index of a normalised resident ID number.
func (s *Service) indexOf(id string) string { return s.Keys.BlindIndex("resident_id:" + id) }

// aad binds a sealed value to its table, row and column.
func aad(table string, id int64, column string) string {
	return table + ":" + idOf(id) + ":" + column
}

// --- Households ---

// Household is a registered poor household as the pages and the API see
// it: ID number and phone masked only.
type Household struct {
	ID           int64         `json:"id"`
	RegionCode   string        `json:"region_code"`
	VillageName  string        `json:"village_name"`
	HeadName     string        `json:"head_name"`
	HeadIDMasked string        `json:"head_id_masked"`
	PhoneMasked  string        `json:"phone_masked,omitempty"`
	MembersCount int           `json:"members_count"`
	CauseCode    string        `json:"cause_code"`
	CauseNote    string        `json:"cause_note,omitempty"`
	Status       string        `json:"status"`
	StatusOn     calendar.Date `json:"status_on,omitzero"`
	Cadre        string        `json:"cadre,omitempty"`
	Version      int64         `json:"version"`
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`
}

// Fields returns the household's fields a change request may change.
func (h *Household) Fields() Fields {
	return Fields{HeadName: h.HeadName, MembersCount: h.MembersCount, CauseCode: h.CauseCode, CauseNote: h.CauseNote,
		Status: h.Status, StatusOn: h.StatusOn, Cadre: h.Cadre}
}

// HeadNameMasked is the head's name for lists: 张*.
func (h *Household) HeadNameMasked() string { return MaskName(h.HeadName) }

// HouseholdInput is what staff type for a new household.
type HouseholdInput struct {
	RegionCode   string `json:"region_code"` // the village (12 digits)
	HeadName     string `json:"head_name"`
	HeadID       string `json:"head_id"`
	Phone        string `json:"phone"`
	MembersCount int    `json:"members_count"`
	CauseCode    string `json:"cause_code"`
	CauseNote    string `json:"cause_note"`
	Status       string `json:"status"`    // "" is not_out
	StatusOn     string `json:"status_on"` // YYYY-MM-DD
	Cadre        string `json:"cadre"`
}

// checkVillage returns the field error for a region code that is not an
// active village in u's scope.
func checkVillage(ctx context.Context, q db.Querier, u *auth.User, field, code string) error {
	if len(code) != 12 || !u.Scope().Allows(code, 0) {
		return i18n.FieldError(field, "poverty.bad_village")
	}
	var level int
	err := q.QueryRowContext(ctx, `SELECT level FROM regions WHERE code = $1 AND active`, code).Scan(&level)
	if db.IsNoRows(err) || (err == nil && level != 5) {
		return i18n.FieldError(field, "poverty.bad_village")
	}
	return db.Normalize(err)
}

// idTaken reports whether a resident ID's blind index is already the head
// of a household or a member.
func idTaken(ctx context.Context, q db.Querier, index string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM poverty_households WHERE head_id_index = $1) +
		(SELECT COUNT(*) FROM poverty_members WHERE id_index = $1)`, index).Scan(&n)
	return n > 0, db.Normalize(err)
}

// CreateHousehold registers a household of a village in u's scope: the
// head's ID number is checked (a wrong check digit is a field error on
// head_id, nothing written), sealed, indexed and masked; it must not be
// anyone's already in the registry.
func (s *Service) CreateHousehold(ctx context.Context, u *auth.User, in HouseholdInput) (*Household, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var p i18n.Problems
	in.RegionCode = clean(in.RegionCode)
	if in.Status = clean(in.Status); in.Status == "" {
		in.Status = NotOut
	}
	f := Fields{HeadName: clean(in.HeadName), MembersCount: in.MembersCount, CauseCode: clean(in.CauseCode), CauseNote: clean(in.CauseNote),
		Status: in.Status, Cadre: clean(in.Cadre)}
	if v := clean(in.StatusOn); v != "" {
		d, err := calendar.Parse(v)
		if err != nil {
			p.Add("status_on", "error.invalid_date")
		}
		f.StatusOn = d
	}
	if f.Status != NotOut && f.StatusOn.IsZero() && p.Field("status_on") == nil {
		p.Add("status_on", "poverty.status.date_required")
	}
	p = append(p, f.Check()...)
	phone, err := ParsePhone(in.Phone)
	p.AddErr("phone", err)
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		q := append(i18n.Problems{}, p...)
		if err := checkVillage(ctx, tx, u, "region_code", in.RegionCode); err != nil {
			q.AddErr("region_code", err)
		}
		headID, err := ParseID("head_id", in.HeadID, today(tx))
		if err != nil && q.Field("head_id") == nil {
			q.AddErr("head_id", err)
		}
		index := ""
		if headID != "" {
			index = s.indexOf(headID)
			if taken, err := idTaken(ctx, tx, index); err != nil {
				return err
			} else if taken {
				q.Add("head_id", "poverty.id_taken")
			}
		}
		if err := q.Err(); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO poverty_households (region_code, head_name, head_id_sealed, head_id_index, head_id_masked,
			phone_masked, members_count, cause_code, cause_note, status, status_on, cadre, created_by, created_at, updated_at)
			VALUES ($1, $2, '', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
			in.RegionCode, f.HeadName, index, MaskID(headID), MaskPhone(phone), f.MembersCount, f.CauseCode, f.CauseNote, f.Status,
			f.StatusOn.String(), f.Cadre, u.ID, tx.Now).Scan(&id); err != nil {
			if db.IsUnique(err) {
				return i18n.FieldError("head_id", "poverty.id_taken")
			}
			return db.Normalize(err)
		}
		sealedPhone := ""
		if phone != "" {
			sealedPhone = s.Keys.Seal(phone, aad("poverty_households", id, "phone"))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE poverty_households SET head_id_sealed = $1, phone_sealed = $2 WHERE id = $3`,
			s.Keys.Seal(headID, aad("poverty_households", id, "head_id")), sealedPhone, id); err != nil {
			return db.Normalize(err)
		}
		h, err := s.getHousehold(ctx, tx, u, id)
		if err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, event(ctx, u, audit.Event{Action: "poverty.household.create", ObjectType: objHousehold,
			ObjectID: idOf(id), RegionCode: h.RegionCode, After: audit.JSON(h)}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.getHousehold(ctx, s.DB, u, id)
}

const householdColumns = `h.id, h.region_code, COALESCE(r.name, ''), h.head_name, h.head_id_masked, h.phone_masked, h.members_count,
	h.cause_code, h.cause_note, h.status, h.status_on, h.cadre, h.version, h.created_at, h.updated_at`

const householdFrom = ` FROM poverty_households h LEFT JOIN regions r ON r.code = h.region_code`

func scanHousehold(sc interface{ Scan(...any) error }) (*Household, error) {
	h := &Household{}
	var on string
	if err := sc.Scan(&h.ID, &h.RegionCode, &h.VillageName, &h.HeadName, &h.HeadIDMasked, &h.PhoneMasked, &h.MembersCount,
		&h.CauseCode, &h.CauseNote, &h.Status, &on, &h.Cadre, &h.Version, &h.CreatedAt, &h.UpdatedAt); err != nil {
		return nil, err
	}
	h.StatusOn = rowDate(on)
	h.CreatedAt, h.UpdatedAt = h.CreatedAt.UTC(), h.UpdatedAt.UTC()
	return h, nil
}

func householdScope(u *auth.User, q *db.Where) {
	q.AddNumbered(u.Scope().Where(auth.Columns{Region: "h.region_code"}, &q.Args))
}

func (s *Service) getHousehold(ctx context.Context, dq db.Querier, u *auth.User, id int64) (*Household, error) {
	if err := mayView(u); err != nil {
		return nil, err
	}
	q := &db.Where{}
	q.Add("h.id = ?", id)
	householdScope(u, q)
	h, err := scanHousehold(dq.QueryRowContext(ctx, `SELECT `+householdColumns+householdFrom+` WHERE `+q.SQL(), q.Args...))
	if db.IsNoRows(err) {
		return nil, notFound()
	}
	return h, db.Normalize(err)
}

// Filter selects households.
type Filter struct {
	RegionCode string // a village, or "" for all in scope
	Status     string
	CauseCode  string
	Limit      int
	Offset     int
}

// Households lists the households in u's scope (masked), by village and
// id, with the total that match.
func (s *Service) Households(ctx context.Context, u *auth.User, f Filter) ([]*Household, int, error) {
	if err := mayView(u); err != nil {
		return nil, 0, err
	}
	q := &db.Where{}
	householdScope(u, q)
	if f.RegionCode != "" {
		q.Add("h.region_code = ?", f.RegionCode)
	}
	if f.Status != "" {
		q.Add("h.status = ?", f.Status)
	}
	if f.CauseCode != "" {
		q.Add("h.cause_code = ?", f.CauseCode)
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM poverty_households h WHERE `+q.SQL(), q.Args...).Scan(&total); err != nil {
		return nil, 0, db.Normalize(err)
	}
	limit := min(max(f.Limit, 1), 1000)
	rows, err := s.DB.QueryContext(ctx, `SELECT `+householdColumns+householdFrom+` WHERE `+q.SQL()+
		` ORDER BY h.region_code, h.id LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(max(f.Offset, 0)), q.Args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	out, err := db.Collect(rows, scanHousehold)
	return out, total, err
}

// Household returns one household u may see (masked).
func (s *Service) Household(ctx context.Context, u *auth.User, id int64) (*Household, error) {
	return s.getHousehold(ctx, s.DB, u, id)
}

// Lookup finds the household whose head or member has the resident ID
// number, through the blind index, in u's scope. A number that fails its
// checks is a field error on id_number; no household is NotFound. The
// lookup is audited without the number.
func (s *Service) Lookup(ctx context.Context, u *auth.User, number string) (*Household, error) {
	if err := mayView(u); err != nil {
		return nil, err
	}
	var found *Household
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		id, err := ParseID("id_number", number, today(tx))
		if err != nil {
			return err
		}
		index := s.indexOf(id)
		var hid int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM poverty_households WHERE head_id_index = $1
			UNION SELECT household_id FROM poverty_members WHERE id_index = $1`, index).Scan(&hid)
		if err != nil && !db.IsNoRows(err) {
			return db.Normalize(err)
		}
		if hid > 0 {
			if found, err = s.getHousehold(ctx, tx, u, hid); err != nil && i18n.ErrorCode(err) != i18n.NotFound {
				return err
			}
		}
		ev := audit.Event{Action: "poverty.household.lookup", ObjectType: objHousehold, ObjectID: "*",
			After: audit.JSON(map[string]any{"found": found != nil, "masked": MaskID(id)})}
		if found != nil {
			ev.ObjectID, ev.RegionCode = idOf(found.ID), found.RegionCode
		}
		_, err = s.Audit.Append(ctx, tx, event(ctx, u, ev))
		return err
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, notFound()
	}
	return found, nil
}

// --- Members ---

// Member is a household member (家庭成员), ID number masked.
type Member struct {
	ID          int64  `json:"id"`
	HouseholdID int64  `json:"household_id"`
	Name        string `json:"name"`
	Relation    string `json:"relation"`
	IDMasked    string `json:"id_masked"`
	Labour      string `json:"labour,omitempty"`
	Health      string `json:"health,omitempty"`
	Schooling   string `json:"schooling,omitempty"`
}

// MemberInput is a new member of a household.
type MemberInput struct {
	Name       string `json:"name"`
	Relation   string `json:"relation"` // 与户主关系
	ResidentID string `json:"resident_id"`
	Labour     string `json:"labour"`    // 劳动能力
	Health     string `json:"health"`    // 健康状况
	Schooling  string `json:"schooling"` // 在校生情况
}

// AddMember adds a member to a household: the ID number checked (a wrong
// check digit is a field error on resident_id), sealed, indexed, masked,
// and not already in the registry.
func (s *Service) AddMember(ctx context.Context, u *auth.User, householdID int64, in MemberInput) (*Member, error) {
	if err := mayManage(u); err != nil {
		return nil, err
	}
	var p i18n.Problems
	in.Name, in.Relation = clean(in.Name), clean(in.Relation)
	for _, f := range []struct {
		name, v  string
		required bool
	}{{"name", in.Name, true}, {"relation", in.Relation, true}, {"labour", clean(in.Labour), false},
		{"health", clean(in.Health), false}, {"schooling", clean(in.Schooling), false}} {
		switch {
		case f.required && f.v == "":
			p.Add(f.name, "error.required")
		case tooLong(f.v, MaxText):
			p.Add(f.name, "error.too_long", MaxText)
		}
	}
	var m *Member
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		h, err := s.getHousehold(ctx, tx, u, householdID)
		if err != nil {
			return err
		}
		q := append(i18n.Problems{}, p...)
		rid, err := ParseID("resident_id", in.ResidentID, today(tx))
		if err != nil {
			q.AddErr("resident_id", err)
		}
		index := ""
		if rid != "" {
			index = s.indexOf(rid)
			if taken, err := idTaken(ctx, tx, index); err != nil {
				return err
			} else if taken {
				q.Add("resident_id", "poverty.id_taken")
			}
		}
		if err := q.Err(); err != nil {
			return err
		}
		m = &Member{HouseholdID: h.ID, Name: in.Name, Relation: in.Relation, IDMasked: MaskID(rid), Labour: clean(in.Labour),
			Health: clean(in.Health), Schooling: clean(in.Schooling)}
		if err := tx.QueryRowContext(ctx, `INSERT INTO poverty_members (household_id, name, relation, id_sealed, id_index, id_masked,
			labour, health, schooling, created_at) VALUES ($1, $2, $3, '', $4, $5, $6, $7, $8, $9) RETURNING id`,
			h.ID, m.Name, m.Relation, index, m.IDMasked, m.Labour, m.Health, m.Schooling, tx.Now).Scan(&m.ID); err != nil {
			if db.IsUnique(err) {
				return i18n.FieldError("resident_id", "poverty.id_taken")
			}
			return db.Normalize(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE poverty_members SET id_sealed = $1 WHERE id = $2`,
			s.Keys.Seal(rid, aad("poverty_members", m.ID, "id")), m.ID); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, event(ctx, u, audit.Event{Action: "poverty.member.add", ObjectType: objMember,
			ObjectID: idOf(m.ID), RegionCode: h.RegionCode, After: audit.JSON(m)}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (s *Service) members(ctx context.Context, q db.Querier, householdID int64) ([]*Member, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, household_id, name, relation, id_masked, labour, health, schooling
		FROM poverty_members WHERE household_id = $1 ORDER BY id`, householdID)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (*Member, error) {
		m := &Member{}
		return m, sc.Scan(&m.ID, &m.HouseholdID, &m.Name, &m.Relation, &m.IDMasked, &m.Labour, &m.Health, &m.Schooling)
	})
}

// --- Reveal ---

// The values Reveal can show.
const (
	RevealHeadID   = "head_id"
	RevealPhone    = "phone"
	RevealMemberID = "member_id"
)

// RevealInput asks for one clear value of a household: the head's ID
// number, the phone, or a member's ID number (MemberID), with the reason.
type RevealInput struct {
	Field    string `json:"field"`
	MemberID int64  `json:"member_id"`
	Reason   string `json:"reason"`
}

// Reveal returns one clear value of a household in u's scope to u alone:
// it needs PermPovertyReveal and a reason of at least MinReason
// characters. Each reveal is audited — who, which household and field, the
// reason — with the masked value only; a refusal (no permission, no
// reason) is audited too and changes nothing.
func (s *Service) Reveal(ctx context.Context, u *auth.User, householdID int64, in RevealInput) (string, error) {
	if err := mayView(u); err != nil {
		return "", err
	}
	in.Reason = clean(in.Reason)
	var refusal error
	switch {
	case !CanReveal(u):
		refusal = forbidden()
	case utf8.RuneCountInString(in.Reason) < MinReason:
		refusal = i18n.FieldError("reason", "poverty.reveal.reason_required", MinReason)
	case tooLong(in.Reason, MaxText):
		refusal = i18n.FieldError("reason", "error.too_long", MaxText)
	}
	var plain string
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		h, err := s.getHousehold(ctx, tx, u, householdID)
		if err != nil {
			return err
		}
		var sealed, masked, ad, objType, objID string
		switch in.Field {
		case RevealHeadID:
			err = tx.QueryRowContext(ctx, `SELECT head_id_sealed, head_id_masked FROM poverty_households WHERE id = $1`, h.ID).Scan(&sealed, &masked)
			ad, objType, objID = aad("poverty_households", h.ID, "head_id"), objHousehold, idOf(h.ID)
		case RevealPhone:
			err = tx.QueryRowContext(ctx, `SELECT phone_sealed, phone_masked FROM poverty_households WHERE id = $1`, h.ID).Scan(&sealed, &masked)
			ad, objType, objID = aad("poverty_households", h.ID, "phone"), objHousehold, idOf(h.ID)
		case RevealMemberID:
			err = tx.QueryRowContext(ctx, `SELECT id_sealed, id_masked FROM poverty_members WHERE id = $1 AND household_id = $2`,
				in.MemberID, h.ID).Scan(&sealed, &masked)
			ad, objType, objID = aad("poverty_members", in.MemberID, "id"), objMember, idOf(in.MemberID)
		default:
			return i18n.FieldError("field", "error.invalid_value")
		}
		if db.IsNoRows(err) {
			return notFound()
		}
		if err != nil {
			return db.Normalize(err)
		}
		detail := map[string]any{"household_id": h.ID, "field": in.Field, "masked": masked}
		if in.Field == RevealMemberID {
			detail["member_id"] = in.MemberID
		}
		if refusal != nil {
			detail["refused"] = string(i18n.ErrorCode(refusal))
			_, err := s.Audit.Append(ctx, tx, event(ctx, u, audit.Event{Action: "poverty.reveal.refused", ObjectType: objType,
				ObjectID: objID, RegionCode: h.RegionCode, After: audit.JSON(detail), Reason: in.Reason}))
			return err
		}
		if sealed == "" {
			return notFound() // no phone recorded
		}
		if plain, err = s.Keys.Open(sealed, ad); err != nil {
			return i18n.Wrap(err, "poverty: open %s of %s %s", in.Field, objType, objID)
		}
		_, err = s.Audit.Append(ctx, tx, event(ctx, u, audit.Event{Action: "poverty.reveal", ObjectType: objType,
			ObjectID: objID, RegionCode: h.RegionCode, After: audit.JSON(detail), Reason: in.Reason}))
		return err
	})
	if err != nil {
		return "", err
	}
	if refusal != nil {
		return "", refusal
	}
	return plain, nil
}

// --- The record ---

// Record is everything of one household: the household, its members,
// incomes, plan measures, visits and change requests.
type Record struct {
	*Household
	Members  []*Member        `json:"members"`
	Incomes  []Income         `json:"incomes"`
	Measures []*Measure       `json:"measures"`
	Visits   []*Visit         `json:"visits"`
	Changes  []*ChangeRequest `json:"changes"`
}

// Record returns a household's whole record (masked) and audits the read
// (security.md T-PII-04: every view of a household's detail is recorded).
func (s *Service) Record(ctx context.Context, u *auth.User, id int64) (*Record, error) {
	var r *Record
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		h, err := s.getHousehold(ctx, tx, u, id)
		if err != nil {
			return err
		}
		r = &Record{Household: h}
		if r.Members, err = s.members(ctx, tx, id); err != nil {
			return err
		}
		if r.Incomes, err = incomes(ctx, tx, id); err != nil {
			return err
		}
		if r.Measures, err = measures(ctx, tx, id); err != nil {
			return err
		}
		if r.Visits, err = visits(ctx, tx, id); err != nil {
			return err
		}
		if r.Changes, err = s.changes(ctx, tx, u, ChangeFilter{HouseholdID: id}); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, event(ctx, u, audit.Event{Action: "poverty.household.view", ObjectType: objHousehold,
			ObjectID: idOf(id), RegionCode: h.RegionCode}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Place is a village or township u may choose.
type Place struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Places lists the active regions of a level (4 townships, 5 villages) in
// u's scope, by code.
func (s *Service) Places(ctx context.Context, u *auth.User, level int) ([]Place, error) {
	if err := mayView(u); err != nil {
		return nil, err
	}
	q := &db.Where{}
	q.Add("level = ? AND active", level)
	q.AddNumbered(u.Scope().Where(auth.Columns{Region: "code"}, &q.Args))
	rows, err := s.DB.QueryContext(ctx, `SELECT code, name FROM regions WHERE `+q.SQL()+` ORDER BY code`, q.Args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (Place, error) {
		var p Place
		return p, sc.Scan(&p.Code, &p.Name)
	})
}
