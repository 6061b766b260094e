package auth

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kejiju/internal/audit"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// User is an account.
type User struct {
	ID                 int64     `json:"id"`
	Username           string    `json:"username"`
	DisplayName        string    `json:"display_name"`
	Roles              []Role    `json:"roles"`
	RegionCode         string    `json:"region_code"`
	EnterpriseID       int64     `json:"enterprise_id,omitempty"`
	Phone              string    `json:"phone,omitempty"`
	Email              string    `json:"email,omitempty"`
	Lang               string    `json:"lang"`
	PasswordChangedAt  time.Time `json:"password_changed_at"`
	MustChangePassword bool      `json:"must_change_password"`
	TOTPEnabled        bool      `json:"totp_enabled"`
	FailedLogins       int       `json:"failed_logins"`
	LockedUntil        time.Time `json:"locked_until,omitzero"`
	Disabled           bool      `json:"disabled"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
}

// Can reports whether one of u's roles grants p. A read-only user (city
// viewer) never gets PermWrite.
func (u *User) Can(p Permission) bool {
	if u == nil || u.Disabled {
		return false
	}
	for _, r := range u.Roles {
		if r.Grants(p) {
			return true
		}
	}
	return false
}

// MayWrite returns a Forbidden error unless u may change business data:
// the write permission and a scope that is not read-only (the city viewer).
func (u *User) MayWrite() error {
	if !u.Can(PermWrite) || u.Scope().ReadOnly {
		return i18n.E(i18n.Forbidden, "error.forbidden")
	}
	return nil
}

// IsEnterprise reports whether u is an enterprise's user, who sees and acts
// on its own enterprise's records only.
func (u *User) IsEnterprise() bool { return u.Scope().EnterpriseID > 0 }

// Has reports whether u holds role r.
func (u *User) Has(r Role) bool { return u != nil && slices.Contains(u.Roles, r) }

// IsAdmin reports whether u is one of the three administrators.
func (u *User) IsAdmin() bool {
	return slices.ContainsFunc(u.Roles, Role.IsAdmin)
}

// Scope returns the business data u may see. Administrators see no business
// data; their pages check permissions instead.
func (u *User) Scope() Scope {
	switch {
	case u == nil || u.Disabled || u.IsAdmin():
		return Scope{}
	case u.Has(Enterprise):
		if u.EnterpriseID == 0 {
			return Scope{}
		}
		return Scope{EnterpriseID: u.EnterpriseID}
	case u.Has(Expert) && len(u.Roles) == 1:
		return Scope{ExpertUserID: u.ID}
	case u.Has(CityViewer) && len(u.Roles) == 1:
		return Scope{Regions: []string{u.RegionCode}, ReadOnly: true}
	}
	return Scope{Regions: []string{u.RegionCode}}
}

// PasswordExpired reports whether u must change the password before doing
// anything else: a temporary password, or one older than the policy allows.
func (u *User) PasswordExpired(p Policy, now time.Time) bool {
	return u.MustChangePassword || (p.MaxAge > 0 && now.Sub(u.PasswordChangedAt) > p.MaxAge)
}

// Locked reports whether u is locked out at now.
func (u *User) Locked(now time.Time) bool { return now.Before(u.LockedUntil) }

// auditView is what the audit log keeps of a user: never hashes or secrets.
func (u *User) auditView() map[string]any {
	return map[string]any{"username": u.Username, "display_name": u.DisplayName, "roles": u.Roles,
		"region_code": u.RegionCode, "enterprise_id": u.EnterpriseID, "phone": maskPhone(u.Phone),
		"email": u.Email, "disabled": u.Disabled, "totp": u.TOTPEnabled}
}

func maskPhone(p string) string {
	if len(p) < 7 {
		return p
	}
	return p[:3] + strings.Repeat("*", len(p)-7) + p[len(p)-4:]
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,31}$`)
var mobileRE = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// NormalizeUsername folds full-width forms and case, so "Ａｄｍｉｎ" and
// "admin" are the same login name.
func NormalizeUsername(s string) string {
	return strings.ToLower(strings.TrimSpace(norm.NFKC.String(s)))
}

// UserInput is what an administrator fills in to create or edit a user.
type UserInput struct {
	Username     string `json:"username"`
	DisplayName  string `json:"display_name"`
	Roles        []Role `json:"roles"`
	RegionCode   string `json:"region_code"`
	EnterpriseID int64  `json:"enterprise_id"`
	Phone        string `json:"phone"`
	Email        string `json:"email"`
	// Password is the initial password (create only); empty means generate one.
	Password string `json:"password,omitempty"`
	// PasswordHash, when set, is a password its owner already chose (see
	// CreateUserTx); never taken from outside.
	PasswordHash string `json:"-"`
}

// validate normalises in and returns every problem found.
func (s *Service) validate(ctx context.Context, q db.Querier, in *UserInput, creating bool) error {
	var p i18n.Problems
	in.Username = NormalizeUsername(in.Username)
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	in.Phone = strings.TrimSpace(norm.NFKC.String(in.Phone))
	in.Email = strings.TrimSpace(in.Email)
	in.RegionCode = strings.TrimSpace(in.RegionCode)
	if creating {
		switch {
		case in.Username == "":
			p.Add("username", "error.required")
		case !usernameRE.MatchString(in.Username):
			p.Add("username", "auth.username.format")
		}
	}
	switch n := utf8.RuneCountInString(in.DisplayName); {
	case n == 0:
		p.Add("display_name", "error.required")
	case n > 50:
		p.Add("display_name", "error.too_long", 50)
	}
	p.AddErr("roles", CheckRoles(in.Roles))
	if in.RegionCode == "" {
		p.Add("region_code", "error.required")
	} else {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM regions WHERE code = $1 AND active`, in.RegionCode).Scan(&n); err != nil {
			return db.Normalize(err)
		}
		if n == 0 {
			p.Add("region_code", "auth.region.unknown", in.RegionCode)
		}
	}
	if in.Phone != "" && !mobileRE.MatchString(in.Phone) {
		p.Add("phone", "auth.phone.format")
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			p.Add("email", "auth.email.format")
		}
	}
	if creating && in.Password != "" {
		p.AddErr("password", s.CurrentPolicy().CheckPassword(in.Password, in.Username))
	}
	return p.Err()
}

// mayAssign checks that actor may give or take away the roles: business
// roles need PermUserManage, administrator roles PermAdminRoles. A nil actor
// is the system itself (first start, CLI).
func mayAssign(actor *User, roles ...Role) error {
	if actor == nil {
		return nil
	}
	for _, r := range roles {
		need := PermUserManage
		if r.IsAdmin() {
			need = PermAdminRoles
		}
		if !actor.Can(need) {
			return i18n.E(i18n.Forbidden, "auth.role.not_yours", string(r))
		}
	}
	return nil
}

// CreateUser creates an account and returns it with the initial password
// (generated when in.Password is empty), which must be changed at first login.
func (s *Service) CreateUser(ctx context.Context, actor *User, in UserInput) (*User, string, error) {
	var u *User
	var password string
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		u, password, err = s.CreateUserTx(ctx, tx, actor, in)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return u, password, nil
}

// CreateUserTx is CreateUser inside the caller's transaction, for an area
// that creates an account as part of its own change (an approved enterprise
// registration). With in.PasswordHash set, the account keeps the password
// its owner chose (hashed when they chose it) and need not change it.
func (s *Service) CreateUserTx(ctx context.Context, tx *db.Tx, actor *User, in UserInput) (*User, string, error) {
	if err := mayAssign(actor, in.Roles...); err != nil {
		return nil, "", err
	}
	if err := s.validate(ctx, tx, &in, true); err != nil {
		return nil, "", err
	}
	password, hash, temporary := in.Password, in.PasswordHash, true
	switch {
	case hash != "":
		password, temporary = "", false
	case password == "":
		password = RandomPassword()
		fallthrough
	default:
		hash = HashPassword(password)
	}
	var id int64
	var ent any
	if in.EnterpriseID > 0 {
		ent = in.EnterpriseID
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, region_code, enterprise_id, phone, email,
		password_hash, password_changed_at, must_change_password, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $8) RETURNING id`,
		in.Username, in.DisplayName, in.RegionCode, ent, in.Phone, in.Email, hash, tx.Now, temporary).Scan(&id)
	if db.IsUnique(err) {
		return nil, "", i18n.FieldError("username", "auth.username.taken", in.Username)
	}
	if err != nil {
		return nil, "", db.Normalize(err)
	}
	if err := setRoles(ctx, tx, id, in.Roles); err != nil {
		return nil, "", err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO password_history (user_id, password_hash, changed_at) VALUES ($1, $2, $3)`, id, hash, tx.Now); err != nil {
		return nil, "", db.Normalize(err)
	}
	u, err := getUser(ctx, tx, "u.id = $1", id)
	if err != nil {
		return nil, "", err
	}
	_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "user.create", ObjectType: "user", ObjectID: strconv.FormatInt(id, 10),
		RegionCode: u.RegionCode, After: audit.JSON(u.auditView())})
	return u, password, err
}

// CheckNewAccount validates a username and password for an account that
// will be created later (a registration waiting for approval): format,
// not taken, and the password policy. Nothing is written.
func (s *Service) CheckNewAccount(ctx context.Context, q db.Querier, username, password string) error {
	var p i18n.Problems
	username = NormalizeUsername(username)
	switch {
	case username == "":
		p.Add("username", "error.required")
	case !usernameRE.MatchString(username):
		p.Add("username", "auth.username.format")
	default:
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE username = $1`, username).Scan(&n); err != nil {
			return db.Normalize(err)
		}
		if n > 0 {
			p.Add("username", "auth.username.taken", username)
		}
	}
	p.AddErr("password", s.CurrentPolicy().CheckPassword(password, username))
	return p.Err()
}

func setRoles(ctx context.Context, tx *db.Tx, id int64, roles []Role) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = $1`, id); err != nil {
		return db.Normalize(err)
	}
	for _, r := range roles {
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, string(r)); err != nil {
			return db.Normalize(err)
		}
	}
	return nil
}

// UpdateUser changes an account's name, roles, region and contacts.
func (s *Service) UpdateUser(ctx context.Context, actor *User, id int64, in UserInput, reason string) (*User, error) {
	var u *User
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := getUser(ctx, tx, "u.id = $1", id)
		if err != nil {
			return err
		}
		in.Username = before.Username
		if err := s.validate(ctx, tx, &in, false); err != nil {
			return err
		}
		if err := mayAssign(actor, changedRoles(before.Roles, in.Roles)...); err != nil {
			return err
		}
		if err := mayAssign(actor, before.Roles...); err != nil {
			return err // a system administrator cannot edit an administrator
		}
		var ent any
		if in.EnterpriseID > 0 {
			ent = in.EnterpriseID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET display_name = $1, region_code = $2, enterprise_id = $3, phone = $4,
			email = $5, updated_at = $6 WHERE id = $7`, in.DisplayName, in.RegionCode, ent, in.Phone, in.Email, tx.Now, id); err != nil {
			return db.Normalize(err)
		}
		if err := setRoles(ctx, tx, id, in.Roles); err != nil {
			return err
		}
		if u, err = getUser(ctx, tx, "u.id = $1", id); err != nil {
			return err
		}
		if !slices.Equal(before.Roles, u.Roles) || before.RegionCode != u.RegionCode || before.EnterpriseID != u.EnterpriseID {
			// Rights changed: end the sessions so the new rights apply at once.
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
				return db.Normalize(err)
			}
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "user.update", ObjectType: "user", ObjectID: strconv.FormatInt(id, 10),
			RegionCode: u.RegionCode, Before: audit.JSON(before.auditView()), After: audit.JSON(u.auditView()), Reason: reason})
		return err
	})
	return u, err
}

func changedRoles(a, b []Role) []Role {
	var out []Role
	for _, r := range a {
		if !slices.Contains(b, r) {
			out = append(out, r)
		}
	}
	for _, r := range b {
		if !slices.Contains(a, r) {
			out = append(out, r)
		}
	}
	return out
}

// SetDisabled disables or re-enables an account. Disabling ends its
// sessions and API tokens at once.
func (s *Service) SetDisabled(ctx context.Context, actor *User, id int64, disabled bool, reason string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		u, err := getUser(ctx, tx, "u.id = $1", id)
		if err != nil {
			return err
		}
		if actor != nil && actor.ID == id {
			return i18n.E(i18n.Conflict, "auth.user.not_self")
		}
		if err := mayAssign(actor, u.Roles...); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3`, disabled, tx.Now, id); err != nil {
			return db.Normalize(err)
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
				return db.Normalize(err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, tx.Now, id); err != nil {
				return db.Normalize(err)
			}
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: action, ObjectType: "user", ObjectID: strconv.FormatInt(id, 10),
			RegionCode: u.RegionCode, Reason: reason})
		return err
	})
}

// ResetPassword gives the account a new temporary password, returned once,
// which must be changed at the next login; it ends the account's sessions
// and clears a lockout.
func (s *Service) ResetPassword(ctx context.Context, actor *User, id int64, reason string) (string, error) {
	pw := RandomPassword()
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		u, err := getUser(ctx, tx, "u.id = $1", id)
		if err != nil {
			return err
		}
		if err := mayAssign(actor, u.Roles...); err != nil {
			return err
		}
		if err := s.storePassword(ctx, tx, id, pw, true); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "user.reset_password", ObjectType: "user", ObjectID: strconv.FormatInt(id, 10),
			RegionCode: u.RegionCode, Reason: reason})
		return err
	})
	return pw, err
}

// ChangePassword lets a user replace their own password.
func (s *Service) ChangePassword(ctx context.Context, u *User, old, pw string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var hash string
		if err := tx.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash); err != nil {
			return db.Normalize(err)
		}
		if !VerifyPassword(hash, old) {
			return i18n.FieldError("old_password", "auth.password.wrong")
		}
		if err := s.CurrentPolicy().CheckPassword(pw, u.Username); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY changed_at DESC LIMIT $2`, u.ID, s.CurrentPolicy().History)
		if err != nil {
			return db.Normalize(err)
		}
		var recent []string
		for rows.Next() {
			var h string
			if err := rows.Scan(&h); err != nil {
				rows.Close()
				return db.Normalize(err)
			}
			recent = append(recent, h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return db.Normalize(err)
		}
		for _, h := range recent {
			if VerifyPassword(h, pw) {
				return i18n.FieldError("password", "auth.password.reused", s.CurrentPolicy().History)
			}
		}
		if err := s.storePassword(ctx, tx, u.ID, pw, false); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "user.change_password", ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10), RegionCode: u.RegionCode})
		return err
	})
}

func (s *Service) storePassword(ctx context.Context, tx *db.Tx, id int64, pw string, temporary bool) error {
	hash := HashPassword(pw)
	if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, password_changed_at = $2, must_change_password = $3,
		failed_logins = 0, locked_until = NULL, updated_at = $2 WHERE id = $4`, hash, tx.Now, temporary, id); err != nil {
		return db.Normalize(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO password_history (user_id, password_hash, changed_at) VALUES ($1, $2, $3)`, id, hash, tx.Now); err != nil {
		return db.Normalize(err)
	}
	if temporary {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
			return db.Normalize(err)
		}
	}
	return nil
}

// Unlock clears a lockout (security administrator).
func (s *Service) Unlock(ctx context.Context, actor *User, id int64, reason string) error {
	if actor != nil && !actor.Can(PermUserUnlock) {
		return i18n.E(i18n.Forbidden, "error.forbidden")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		u, err := getUser(ctx, tx, "u.id = $1", id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL, updated_at = $1 WHERE id = $2`, tx.Now, id); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "user.unlock", ObjectType: "user", ObjectID: strconv.FormatInt(id, 10), RegionCode: u.RegionCode, Reason: reason})
		return err
	})
}

// SetLang stores the user's interface language.
func (s *Service) SetLang(ctx context.Context, u *User, lang string) error {
	if !slices.Contains(i18n.Languages, lang) {
		return i18n.FieldError("lang", "error.invalid_value")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET lang = $1, updated_at = $2 WHERE id = $3`, lang, tx.Now, u.ID); err != nil {
			return db.Normalize(err)
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "user.set_lang", ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10),
			RegionCode: u.RegionCode, After: audit.JSON(map[string]any{"lang": lang})})
		return err
	})
}

const userColumns = `u.id, u.username, u.display_name, u.region_code, COALESCE(u.enterprise_id, 0), u.phone, u.email, u.lang,
	u.password_changed_at, u.must_change_password, u.totp_secret <> '', u.failed_logins, u.locked_until, u.disabled, u.created_at, u.updated_at`

func scanUser(sc interface{ Scan(...any) error }, extra ...any) (*User, error) {
	u := &User{}
	var locked *time.Time
	dest := append([]any{&u.ID, &u.Username, &u.DisplayName, &u.RegionCode, &u.EnterpriseID, &u.Phone, &u.Email, &u.Lang,
		&u.PasswordChangedAt, &u.MustChangePassword, &u.TOTPEnabled, &u.FailedLogins, &locked, &u.Disabled, &u.CreatedAt, &u.UpdatedAt}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	if locked != nil {
		u.LockedUntil = locked.UTC()
	}
	u.PasswordChangedAt, u.CreatedAt, u.UpdatedAt = u.PasswordChangedAt.UTC(), u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, nil
}

func getUser(ctx context.Context, q db.Querier, where string, args ...any) (*User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE `+where, args...))
	if err != nil {
		return nil, db.Normalize(err)
	}
	if u.Roles, err = loadRoles(ctx, q, u.ID); err != nil {
		return nil, err
	}
	return u, nil
}

func loadRoles(ctx context.Context, q db.Querier, id int64) ([]Role, error) {
	rows, err := q.QueryContext(ctx, `SELECT role FROM user_roles WHERE user_id = $1`, id)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var rs []Role
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, db.Normalize(err)
		}
		rs = append(rs, Role(r))
	}
	sortRoles(rs)
	return rs, db.Normalize(rows.Err())
}

// User returns the account with id.
func (s *Service) User(ctx context.Context, id int64) (*User, error) {
	return getUser(ctx, s.DB, "u.id = $1", id)
}

// UserByName returns the account with the (normalised) username.
func (s *Service) UserByName(ctx context.Context, username string) (*User, error) {
	return getUser(ctx, s.DB, "u.username = $1", NormalizeUsername(username))
}

// UserFilter selects accounts for the user list.
type UserFilter struct {
	Query      string // part of username or display name
	Role       Role
	RegionCode string
	Limit      int
	Offset     int
	Sort       string // "username", "display_name", "created_at", "-created_at"
}

var userSorts = map[string]string{
	"username": "u.username", "-username": "u.username DESC",
	"display_name": "u.display_name", "-display_name": "u.display_name DESC",
	"created_at": "u.created_at", "-created_at": "u.created_at DESC",
	"region_code": "u.region_code, u.username", "-region_code": "u.region_code DESC, u.username",
}

// Users lists accounts matching f, with the total count.
func (s *Service) Users(ctx context.Context, f UserFilter) ([]*User, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		// ESCAPE is explicit: SQLite has no default escape character, and
		// LOWER because PostgreSQL's LIKE is case-sensitive and SQLite's is not.
		q = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(q))
		add(`(LOWER(u.username) LIKE ? ESCAPE '\' OR LOWER(u.display_name) LIKE ? ESCAPE '\')`, "%"+q+"%")
	}
	if f.Role != "" {
		add("u.id IN (SELECT user_id FROM user_roles WHERE role = ?)", string(f.Role))
	}
	if f.RegionCode != "" {
		add("u.region_code = ?", f.RegionCode)
	}
	order, ok := userSorts[f.Sort]
	if !ok {
		order = "u.id"
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 20
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+userColumns+`, COUNT(*) OVER () FROM users u WHERE `+strings.Join(where, " AND ")+
		` ORDER BY `+order+fmt.Sprintf(` LIMIT %d OFFSET %d`, f.Limit, max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, db.Normalize(err)
	}
	var out []*User
	total := 0
	for rows.Next() {
		u, err := scanUser(rows, &total)
		if err != nil {
			rows.Close()
			return nil, 0, db.Normalize(err)
		}
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, db.Normalize(err)
	}
	if err := loadRolesOf(ctx, s.DB, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// loadRolesOf fills in the roles of a page of users with one query.
func loadRolesOf(ctx context.Context, q db.Querier, users []*User) error {
	if len(users) == 0 {
		return nil
	}
	byID := make(map[int64]*User, len(users))
	ph := make([]string, len(users))
	args := make([]any, len(users))
	for i, u := range users {
		byID[u.ID] = u
		ph[i] = "$" + strconv.Itoa(i+1)
		args[i] = u.ID
	}
	rows, err := q.QueryContext(ctx, `SELECT user_id, role FROM user_roles WHERE user_id IN (`+strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return db.Normalize(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r string
		if err := rows.Scan(&id, &r); err != nil {
			return db.Normalize(err)
		}
		byID[id].Roles = append(byID[id].Roles, Role(r))
	}
	for _, u := range users {
		sortRoles(u.Roles)
	}
	return db.Normalize(rows.Err())
}

// sortRoles orders roles as Roles lists them.
func sortRoles(rs []Role) {
	slices.SortFunc(rs, func(a, b Role) int { return slices.Index(Roles, a) - slices.Index(Roles, b) })
}
