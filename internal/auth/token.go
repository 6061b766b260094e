package auth

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kejiju/internal/audit"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// tokenPrefix marks kejiju API tokens so secret scanners can find leaks.
const tokenPrefix = "kjt_"

// APIToken is a bearer token for /api/v1, stored as a hash; its clear value
// is shown once, when issued.
type APIToken struct {
	ID         int64     `json:"id"`
	UserID     int64     `json:"user_id"`
	Name       string    `json:"name"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at,omitzero"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
}

// IssueToken creates a token for user id, valid for ttl (0: until revoked),
// and returns its clear value. Users issue their own; the system
// administrator may issue for others.
func (s *Service) IssueToken(ctx context.Context, actor *User, userID int64, name string, ttl time.Duration) (string, *APIToken, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", nil, i18n.FieldError("name", "error.required")
	}
	if utf8.RuneCountInString(name) > 50 {
		return "", nil, i18n.FieldError("name", "error.too_long", 50)
	}
	token, th := newToken(tokenPrefix)
	t := &APIToken{UserID: userID, Name: name}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		owner, err := getUser(ctx, tx, "u.id = $1", userID)
		if err != nil {
			return err
		}
		if actor != nil && actor.ID != userID {
			if err := mayAssign(actor, owner.Roles...); err != nil {
				return err
			}
		}
		if owner.Disabled {
			return i18n.E(i18n.Conflict, "auth.user.disabled")
		}
		t.CreatedAt = tx.Now
		var exp any
		if ttl > 0 {
			t.ExpiresAt = tx.Now.Add(ttl)
			exp = t.ExpiresAt
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			userID, name, th, tx.Now, exp).Scan(&t.ID); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "token.issue", ObjectType: "api_token", ObjectID: strconv.FormatInt(t.ID, 10),
			RegionCode: owner.RegionCode, After: audit.JSON(map[string]any{"user_id": userID, "name": name, "expires_at": t.ExpiresAt})})
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return token, t, nil
}

// RevokeToken ends a token at once.
func (s *Service) RevokeToken(ctx context.Context, actor *User, id int64) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var ownerID int64
		if err := tx.QueryRowContext(ctx, `SELECT user_id FROM api_tokens WHERE id = $1`, id).Scan(&ownerID); err != nil {
			return db.Normalize(err)
		}
		owner, err := getUser(ctx, tx, "u.id = $1", ownerID)
		if err != nil {
			return err
		}
		if actor != nil && actor.ID != ownerID && mayAssign(actor, owner.Roles...) != nil {
			return i18n.E(i18n.NotFound, "error.not_found")
		}
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, tx.Now, id)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // already revoked: nothing changed, nothing to audit
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "token.revoke", ObjectType: "api_token", ObjectID: strconv.FormatInt(id, 10), RegionCode: owner.RegionCode})
		return err
	})
}

// Tokens lists the tokens of a user.
func (s *Service) Tokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, user_id, name, created_at, expires_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var exp, used, rev *time.Time
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.CreatedAt, &exp, &used, &rev); err != nil {
			return nil, db.Normalize(err)
		}
		t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt = t.CreatedAt.UTC(), deref(exp), deref(used), deref(rev)
		out = append(out, t)
	}
	return out, db.Normalize(rows.Err())
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// AuthenticateToken returns the user of a bearer token that is neither
// revoked, expired, nor owned by a disabled account.
func (s *Service) AuthenticateToken(ctx context.Context, token string) (*User, error) {
	if !strings.HasPrefix(token, tokenPrefix) {
		return nil, i18n.E(i18n.Unauthorized, "error.unauthorized")
	}
	th := hashToken(token)
	var uid int64
	var exp, used *time.Time
	err := s.DB.QueryRowContext(ctx, `SELECT user_id, expires_at, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, th).Scan(&uid, &exp, &used)
	now := s.now()
	if err != nil || (exp != nil && now.After(*exp)) {
		return nil, i18n.E(i18n.Unauthorized, "error.unauthorized")
	}
	u, err := s.User(ctx, uid)
	if err != nil || u.Disabled {
		return nil, i18n.E(i18n.Unauthorized, "error.unauthorized")
	}
	if used == nil || now.Sub(*used) > time.Minute {
		s.DB.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2`, now, th)
	}
	return u, nil
}
