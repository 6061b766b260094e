package ident

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"kejiju/internal/audit"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// Override is a real credit code that fails its check digits and that an
// authorised user has accepted, with the reason, so that records can carry
// it (GB 32100 codes issued in error exist; see domain-rules §3.1).
type Override struct {
	Value     string    `json:"value"`
	Reason    string    `json:"reason"`
	UserID    int64     `json:"user_id"`
	UserName  string    `json:"user_name"`
	CreatedAt time.Time `json:"created_at"`
}

// Overrides keeps the accepted exceptions in the database.
type Overrides struct {
	DB    *db.DB
	Audit *audit.Log
}

// Add accepts a credit code that fails only its check digits. A code that
// is well-formed needs no override, and one of the wrong length or with
// characters the scheme does not use is refused: both are field errors on
// "value" and nothing is written. The acting user comes from the context.
func (o *Overrides) Add(ctx context.Context, value, reason string) (*Override, error) {
	var p i18n.Problems
	_, err := ParseCreditCode(value)
	e, isIdent := errors.AsType[*Error](err)
	switch {
	case err == nil:
		p.Add("value", "ident.override.not_needed")
	case !isIdent || (e.Kind != KindChecksum && e.Kind != KindOrgChecksum):
		p.AddErr("value", err)
	}
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		p.Add("reason", "error.required")
	case n > 200:
		p.Add("reason", "error.too_long", 200)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	actor := audit.ActorFrom(ctx)
	if actor.ID == 0 {
		return nil, i18n.E(i18n.Forbidden, "error.forbidden")
	}
	ov := &Override{Value: e.Value, Reason: reason, UserID: actor.ID, UserName: actor.Name}
	err = o.DB.InTx(ctx, func(tx *db.Tx) error {
		ov.CreatedAt = tx.Now
		_, err := tx.ExecContext(ctx, `INSERT INTO ident_overrides (kind, value, reason, user_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
			string(SchemeCreditCode), ov.Value, reason, actor.ID, tx.Now)
		if db.IsUnique(err) {
			return i18n.FieldError("value", "ident.override.exists")
		}
		if err != nil {
			return db.Normalize(err)
		}
		_, err = o.Audit.Append(ctx, tx, audit.Event{Action: "ident.override", ObjectType: "credit_code", ObjectID: ov.Value,
			After: audit.JSON(map[string]string{"value": ov.Value, "check": e.Kind.String()}), Reason: reason})
		return err
	})
	if err != nil {
		return nil, err
	}
	return ov, nil
}

// List returns the accepted exceptions, newest first.
func (o *Overrides) List(ctx context.Context) ([]Override, error) {
	rows, err := o.DB.QueryContext(ctx, `SELECT o.value, o.reason, o.user_id, u.display_name, o.created_at
		FROM ident_overrides o JOIN users u ON u.id = o.user_id WHERE o.kind = $1 ORDER BY o.created_at DESC`, string(SchemeCreditCode))
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	var out []Override
	for rows.Next() {
		var ov Override
		if err := rows.Scan(&ov.Value, &ov.Reason, &ov.UserID, &ov.UserName, &ov.CreatedAt); err != nil {
			return nil, db.Normalize(err)
		}
		ov.CreatedAt = ov.CreatedAt.UTC()
		out = append(out, ov)
	}
	return out, db.Normalize(rows.Err())
}

// AcceptCreditCode parses a credit code for a record: a code that fails
// only its check digits is accepted when it has an override. It returns the
// normalised code.
func AcceptCreditCode(ctx context.Context, q db.Querier, value string) (string, error) {
	c, err := ParseCreditCode(value)
	if err == nil {
		return c.String(), nil
	}
	e, ok := errors.AsType[*Error](err)
	if !ok || (e.Kind != KindChecksum && e.Kind != KindOrgChecksum) {
		return "", err
	}
	var n int
	if qerr := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM ident_overrides WHERE kind = $1 AND value = $2`, string(SchemeCreditCode), e.Value).Scan(&n); qerr != nil {
		return "", db.Normalize(qerr)
	}
	if n == 0 {
		return "", err
	}
	return e.Value, nil
}
