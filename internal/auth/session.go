package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// Session is a server-side login session; the browser holds only its token.
type Session struct {
	TokenHash  string
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	MFAPending bool // password given, TOTP code still due
}

func newToken(prefix string) (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// LoginResult is the outcome of a password login.
type LoginResult struct {
	Token string // the session token for the cookie
	User  *User
	// NeedTOTP means the session is not usable until VerifyTOTP succeeds.
	NeedTOTP bool
}

// ErrBadCredentials is the one message for an unknown user, a wrong
// password and a disabled account, so none of them can be told apart.
var errBadCredentials = i18n.E(i18n.Unauthorized, "auth.login.bad_credentials")

// Login checks a username and password from ip. It throttles an address
// with too many recent failures, locks an account after Policy.LockAfter
// consecutive failures, and audits every attempt.
func (s *Service) Login(ctx context.Context, username, password, ip, userAgent string) (*LoginResult, error) {
	username = NormalizeUsername(username)
	now := s.now()
	var fails int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM login_attempts WHERE ip = $1 AND at > $2 AND NOT ok`,
		ip, now.Add(-time.Minute)).Scan(&fails); err != nil {
		return nil, db.Normalize(err)
	}
	if fails >= s.CurrentPolicy().IPFailuresPerMin {
		s.recordAttempt(ctx, nil, username, ip, "login.throttled", false)
		return nil, i18n.E(i18n.TooMany, "auth.login.throttled")
	}
	u, err := s.UserByName(ctx, username)
	if i18n.ErrorCode(err) == i18n.NotFound {
		VerifyPassword(dummyHash, password)
		s.recordAttempt(ctx, nil, username, ip, "login.fail", false)
		return nil, errBadCredentials
	}
	if err != nil {
		return nil, err
	}
	if u.Locked(now) {
		s.recordAttempt(ctx, u, username, ip, "login.locked", false)
		return nil, i18n.E(i18n.TooMany, "auth.login.locked", minutesLeft(u.LockedUntil, now))
	}
	var hash string
	if err := s.DB.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash); err != nil {
		return nil, db.Normalize(err)
	}
	if !VerifyPassword(hash, password) || u.Disabled {
		return nil, s.loginFailed(ctx, u, ip, "login.fail")
	}
	res := &LoginResult{User: u, NeedTOTP: u.TOTPEnabled}
	var th string
	res.Token, th = newToken("")
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		// With TOTP the failures are cleared by VerifyTOTP, so a known
		// password does not give unlimited guesses at the code.
		if !res.NeedTOTP {
			// Only a row with something to clear is written (and locked), so
			// concurrent logins of one account do not queue on it.
			if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL
				WHERE id = $1 AND (failed_logins <> 0 OR locked_until IS NOT NULL)`, u.ID); err != nil {
				return db.Normalize(err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, mfa_pending, ip, user_agent)
			VALUES ($1, $2, $3, $3, $4, $5, $6, $7)`, th, u.ID, tx.Now, tx.Now.Add(s.CurrentPolicy().Absolute), res.NeedTOTP, ip, truncate(userAgent, 200)); err != nil {
			return db.Normalize(err)
		}
		return s.logAttempt(ctx, tx, u, username, ip, "login.ok", true)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// loginFailed counts a failure (a wrong password or TOTP code, audited as
// action) against u and locks the account when the count reaches the
// policy's limit; a lock also ends the sessions still waiting for a code.
func (s *Service) loginFailed(ctx context.Context, u *User, ip, action string) error {
	locked := false
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins`, u.ID).Scan(&n); err != nil {
			return db.Normalize(err)
		}
		if err := s.logAttempt(ctx, tx, u, u.Username, ip, action, false); err != nil {
			return err
		}
		if n < s.CurrentPolicy().LockAfter || u.Disabled {
			return nil
		}
		locked = true
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = $1 WHERE id = $2`, tx.Now.Add(s.CurrentPolicy().LockFor), u.ID); err != nil {
			return db.Normalize(err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND mfa_pending`, u.ID); err != nil {
			return db.Normalize(err)
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Actor: u.Username, ActorID: u.ID, IP: ip, Action: "user.lock", ObjectType: "user",
			ObjectID: strconv.FormatInt(u.ID, 10), RegionCode: u.RegionCode, Reason: strconv.Itoa(s.CurrentPolicy().LockAfter) + " failed logins"})
		return err
	})
	if err != nil {
		return err
	}
	if locked {
		return i18n.E(i18n.TooMany, "auth.login.now_locked", s.CurrentPolicy().LockAfter, int(s.CurrentPolicy().LockFor.Minutes()))
	}
	return errBadCredentials
}

// recordAttempt logs an attempt in its own transaction.
func (s *Service) recordAttempt(ctx context.Context, u *User, username, ip, action string, ok bool) {
	s.DB.InTx(ctx, func(tx *db.Tx) error { return s.logAttempt(ctx, tx, u, username, ip, action, ok) })
}

func (s *Service) logAttempt(ctx context.Context, tx *db.Tx, u *User, username, ip, action string, ok bool) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO login_attempts (username, ip, at, ok) VALUES ($1, $2, $3, $4)`, truncate(username, 64), ip, tx.Now, ok); err != nil {
		return db.Normalize(err)
	}
	e := audit.Event{Actor: truncate(username, 64), IP: ip, Action: action, ObjectType: "user", ObjectID: truncate(username, 64)}
	if u != nil {
		e.ActorID, e.ObjectID, e.RegionCode = u.ID, strconv.FormatInt(u.ID, 10), u.RegionCode
	}
	if e.Actor == "" {
		e.Actor = "-"
	}
	_, err := s.Audit.Append(ctx, tx, e)
	return err
}

func minutesLeft(until, now time.Time) int {
	return int(until.Sub(now).Minutes()) + 1
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// VerifyTOTP completes a login whose session waits for a TOTP code. A code
// is accepted once: its time step must be newer than the last one used. A
// wrong code counts as a failed login (see loginFailed).
func (s *Service) VerifyTOTP(ctx context.Context, token, code, ip string) error {
	var uid int64
	wrong := false
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var last int64
		var sealed string
		err := tx.QueryRowContext(ctx, `SELECT u.id, u.totp_secret, u.totp_last_step FROM sessions s JOIN users u ON u.id = s.user_id
			WHERE s.token_hash = $1 AND s.mfa_pending AND s.expires_at > $2`, hashToken(token), tx.Now).Scan(&uid, &sealed, &last)
		if db.IsNoRows(err) {
			return i18n.E(i18n.Unauthorized, "error.unauthorized")
		}
		if err != nil {
			return db.Normalize(err)
		}
		secret, err := s.Keys.Open(sealed, totpAAD(uid))
		if err != nil {
			return i18n.Wrap(err, "auth: totp secret of user %d", uid)
		}
		step := CheckTOTP(secret, code, tx.Now)
		if step < 0 || step <= last {
			wrong = true // audited and counted below: returning an error here would roll the audit back
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = $1, failed_logins = 0, locked_until = NULL WHERE id = $2`, step, uid); err != nil {
			return db.Normalize(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET mfa_pending = FALSE, last_seen_at = $1 WHERE token_hash = $2`, tx.Now, hashToken(token)); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{ActorID: uid, Actor: strconv.FormatInt(uid, 10), IP: ip, Action: "login.totp_ok", ObjectType: "user", ObjectID: strconv.FormatInt(uid, 10)})
		return err
	})
	if err != nil || !wrong {
		return err
	}
	u, err := s.User(ctx, uid)
	if err != nil {
		return err
	}
	if err := s.loginFailed(ctx, u, ip, "login.totp_fail"); i18n.ErrorCode(err) != i18n.Unauthorized {
		return err // locked now, or an internal error
	}
	return i18n.FieldError("totp_code", "auth.totp.wrong")
}

func totpAAD(uid int64) string { return "users:" + strconv.FormatInt(uid, 10) + ":totp_secret" }

// touchEvery limits how often a request writes last_seen_at.
const touchEvery = 30 * time.Second

// Authenticate returns the user of a session token, ending the session
// when it has been idle too long or has lived past the absolute limit.
// A session still waiting for its TOTP code is returned with MFAPending set;
// callers must not let it reach anything but the TOTP page.
func (s *Service) Authenticate(ctx context.Context, token string) (*User, *Session, error) {
	if token == "" {
		return nil, nil, i18n.E(i18n.Unauthorized, "error.unauthorized")
	}
	th := hashToken(token)
	sess := &Session{TokenHash: th}
	err := s.DB.QueryRowContext(ctx, `SELECT user_id, created_at, last_seen_at, expires_at, mfa_pending FROM sessions WHERE token_hash = $1`, th).
		Scan(&sess.UserID, &sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt, &sess.MFAPending)
	if err != nil {
		return nil, nil, i18n.E(i18n.Unauthorized, "error.unauthorized")
	}
	sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = sess.CreatedAt.UTC(), sess.LastSeenAt.UTC(), sess.ExpiresAt.UTC()
	u, err := s.User(ctx, sess.UserID)
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	idle := s.CurrentPolicy().Idle
	if u.IsAdmin() {
		idle = s.CurrentPolicy().AdminIdle
	}
	if u.Disabled || now.After(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > idle {
		s.endSession(ctx, u, th, "logout.timeout")
		return nil, nil, i18n.E(i18n.Unauthorized, "auth.session.expired")
	}
	if now.Sub(sess.LastSeenAt) > touchEvery {
		if _, err := s.DB.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`, now, th); err != nil {
			return nil, nil, db.Normalize(err)
		}
	}
	return u, sess, nil
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, u *User, token string) error {
	if u == nil {
		return nil // no valid session: nothing to end
	}
	return s.endSession(ctx, u, hashToken(token), "logout")
}

func (s *Service) endSession(ctx context.Context, u *User, th, action string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, th)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // already ended by a concurrent request
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{ActorID: u.ID, Actor: u.Username, Action: action, ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10), RegionCode: u.RegionCode})
		return err
	})
}

// EnableTOTP stores secret for u after checking a first code from it.
func (s *Service) EnableTOTP(ctx context.Context, u *User, secret, code string) error {
	now := s.now()
	step := CheckTOTP(secret, code, now)
	if step < 0 {
		return i18n.FieldError("totp_code", "auth.totp.wrong")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = $1, totp_last_step = $2, updated_at = $3 WHERE id = $4`,
			s.Keys.Seal(secret, totpAAD(u.ID)), step, tx.Now, u.ID); err != nil {
			return db.Normalize(err)
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "user.totp_enable", ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10), RegionCode: u.RegionCode})
		return err
	})
}

// DisableTOTP removes u's TOTP after checking the password.
func (s *Service) DisableTOTP(ctx context.Context, u *User, password string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var hash string
		if err := tx.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash); err != nil {
			return db.Normalize(err)
		}
		if !VerifyPassword(hash, password) {
			return i18n.FieldError("password", "auth.password.wrong")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = '', updated_at = $1 WHERE id = $2`, tx.Now, u.ID); err != nil {
			return db.Normalize(err)
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{Action: "user.totp_disable", ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10), RegionCode: u.RegionCode})
		return err
	})
}
