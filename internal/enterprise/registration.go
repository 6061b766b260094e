package enterprise

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/ident"
	"kejiju/internal/region"
)

// Registration is an enterprise's request for a portal account, waiting
// for the bureau's approval.
type Registration struct {
	ID           int64     `json:"id"`
	CreditCode   string    `json:"credit_code"`
	Name         string    `json:"name"`
	RegionCode   string    `json:"region_code"`
	ContactName  string    `json:"contact_name"`
	ContactPhone string    `json:"contact_phone"`
	Username     string    `json:"username"`
	Status       string    `json:"status"` // pending, approved, rejected
	Reason       string    `json:"reason,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	DecidedAt    time.Time `json:"decided_at,omitzero"`
	EnterpriseID int64     `json:"enterprise_id,omitempty"`
	UserID       int64     `json:"user_id,omitempty"`
}

// RegistrationInput is what an enterprise fills in at /register.
type RegistrationInput struct {
	CreditCode   string `json:"credit_code"`
	Name         string `json:"name"`
	RegionCode   string `json:"region_code"`
	ContactName  string `json:"contact_name"`
	ContactPhone string `json:"contact_phone"`
	Username     string `json:"username"`
	Password     string `json:"password"`
}

// registrationsPerHour bounds registrations from one address (anti-automation).
const registrationsPerHour = 5

// Register records a registration from the public page. It refuses a code
// that already has a pending registration or a portal account, and
// throttles one address.
func (s *Service) Register(ctx context.Context, in RegistrationInput, ip string) (*Registration, error) {
	var r *Registration
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var recent int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM enterprise_registrations WHERE ip = $1 AND created_at > $2`,
			ip, tx.Now.Add(-time.Hour)).Scan(&recent); err != nil {
			return db.Normalize(err)
		}
		if recent >= registrationsPerHour {
			return i18n.E(i18n.TooMany, "error.too_many")
		}
		var p i18n.Problems
		code, err := ident.AcceptCreditCode(ctx, tx, in.CreditCode)
		p.AddErr("credit_code", err)
		in.Name, in.ContactName = strings.TrimSpace(in.Name), clean(in.ContactName)
		in.ContactPhone, in.RegionCode = clean(in.ContactPhone), clean(in.RegionCode)
		if n := utf8.RuneCountInString(in.Name); n == 0 || n > 100 {
			p.Add("name", "error.required")
		}
		if in.ContactName == "" {
			p.Add("contact_name", "error.required")
		}
		if !mobileOrPhoneRE.MatchString(in.ContactPhone) {
			p.Add("contact_phone", "enterprise.phone.format")
		}
		var level int
		if err := tx.QueryRowContext(ctx, `SELECT level FROM regions WHERE code = $1 AND active`, in.RegionCode).Scan(&level); err != nil || level < int(region.County) {
			p.Add("region_code", "enterprise.region.unknown", in.RegionCode)
		}
		if err := s.Accounts.CheckNewAccount(ctx, tx, in.Username, in.Password); err != nil {
			if ps, ok := err.(i18n.Problems); ok {
				p = append(p, ps...)
			} else {
				return err
			}
		}
		if code != "" {
			var pending int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM enterprise_registrations WHERE credit_code = $1 AND status = 'pending'`, code).Scan(&pending); err != nil {
				return db.Normalize(err)
			}
			if pending > 0 {
				p.Add("credit_code", "enterprise.register.pending")
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		r = &Registration{CreditCode: code, Name: in.Name, RegionCode: in.RegionCode, ContactName: in.ContactName,
			ContactPhone: in.ContactPhone, Username: auth.NormalizeUsername(in.Username), Status: "pending", CreatedAt: tx.Now}
		if err := tx.QueryRowContext(ctx, `INSERT INTO enterprise_registrations (credit_code, name, region_code, contact_name, contact_phone,
			username, password_hash, ip, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			r.CreditCode, r.Name, r.RegionCode, r.ContactName, r.ContactPhone, r.Username, auth.HashPassword(in.Password), ip, tx.Now).Scan(&r.ID); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Actor: "anonymous", IP: ip, Action: "enterprise.register", ObjectType: "registration",
			ObjectID: strconv.FormatInt(r.ID, 10), RegionCode: r.RegionCode, After: audit.JSON(r)})
		return err
	})
	return r, err
}

// Registrations lists the registrations in u's scope with a status
// ("" for pending), newest first.
func (s *Service) Registrations(ctx context.Context, u *auth.User, status string) ([]Registration, error) {
	if status == "" {
		status = "pending"
	}
	args := []any{status}
	cond := u.Scope().Where(auth.Columns{Region: "r.region_code"}, &args)
	rows, err := s.DB.QueryContext(ctx, `SELECT r.id, r.credit_code, r.name, r.region_code, r.contact_name, r.contact_phone, r.username,
		r.status, r.reason, r.created_at, r.decided_at, COALESCE(r.enterprise_id, 0), COALESCE(r.user_id, 0)
		FROM enterprise_registrations r WHERE r.status = $1 AND `+cond+` ORDER BY r.created_at DESC, r.id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []Registration
	for rows.Next() {
		var r Registration
		var decided *time.Time
		if err := rows.Scan(&r.ID, &r.CreditCode, &r.Name, &r.RegionCode, &r.ContactName, &r.ContactPhone, &r.Username,
			&r.Status, &r.Reason, &r.CreatedAt, &decided, &r.EnterpriseID, &r.UserID); err != nil {
			return nil, db.Normalize(err)
		}
		if decided != nil {
			r.DecidedAt = decided.UTC()
		}
		r.CreatedAt = r.CreatedAt.UTC()
		out = append(out, r)
	}
	return out, db.Normalize(rows.Err())
}

// Decide approves or rejects a pending registration in one transaction. An
// approval links the enterprise record with the same credit code (or
// registers it) and creates the portal account with the password its
// owner chose; a rejection needs a reason.
func (s *Service) Decide(ctx context.Context, u *auth.User, id int64, approve bool, reason string) error {
	if err := mayManage(u); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if !approve && reason == "" {
		return i18n.FieldError("reason", "error.required")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var r Registration
		var hash string
		args := []any{id}
		cond := u.Scope().Where(auth.Columns{Region: "region_code"}, &args)
		err := tx.QueryRowContext(ctx, `SELECT credit_code, name, region_code, contact_name, contact_phone, username, password_hash, status
			FROM enterprise_registrations WHERE id = $1 AND `+cond, args...).Scan(&r.CreditCode, &r.Name, &r.RegionCode, &r.ContactName,
			&r.ContactPhone, &r.Username, &hash, &r.Status)
		if db.IsNoRows(err) {
			return notFound
		}
		if err != nil {
			return db.Normalize(err)
		}
		if r.Status != "pending" {
			return i18n.E(i18n.Conflict, "enterprise.register.decided")
		}
		status := "rejected"
		var entID, userID any
		if approve {
			status = "approved"
			e, err := s.findOrCreate(ctx, tx, u, r)
			if err != nil {
				return err
			}
			acct, _, err := s.Accounts.CreateUserTx(ctx, tx, nil, auth.UserInput{Username: r.Username, DisplayName: r.ContactName,
				Roles: []auth.Role{auth.Enterprise}, RegionCode: e.RegionCode, EnterpriseID: e.ID, Phone: mobileOnly(r.ContactPhone), PasswordHash: hash})
			if err != nil {
				return err
			}
			entID, userID = e.ID, acct.ID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE enterprise_registrations SET status = $1, reason = $2, decided_by = $3, decided_at = $4,
			enterprise_id = $5, user_id = $6, password_hash = '' WHERE id = $7`, status, reason, u.ID, tx.Now, entID, userID, id); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "enterprise.registration." + status, ObjectType: "registration",
			ObjectID: strconv.FormatInt(id, 10), RegionCode: r.RegionCode, Reason: reason})
		return err
	})
}

// findOrCreate returns the record with the registration's credit code,
// registering it from the registration when there is none.
func (s *Service) findOrCreate(ctx context.Context, tx *db.Tx, u *auth.User, r Registration) (*Enterprise, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM enterprises WHERE credit_code = $1 AND status = $2`, r.CreditCode, Active).Scan(&id)
	if err == nil {
		return get(ctx, tx, u, id)
	}
	if !db.IsNoRows(err) {
		return nil, db.Normalize(err)
	}
	in, err := prepare(ctx, tx, u, Input{CreditCode: r.CreditCode, Name: r.Name, RegionCode: r.RegionCode, ContactName: r.ContactName, ContactPhone: r.ContactPhone})
	if err != nil {
		return nil, err
	}
	e, err := insert(ctx, tx, in)
	if err != nil {
		return nil, err
	}
	return e, s.record(ctx, tx, u, e, nil, "enterprise.create", "企业注册审核通过")
}

// mobileOnly keeps a phone number for the account when it is a mobile.
func mobileOnly(p string) string {
	if len(p) == 11 && p[0] == '1' {
		return p
	}
	return ""
}
