// Package auth holds accounts, roles and permissions, passwords, sessions,
// lockout and throttling, TOTP, API tokens, field encryption keys and the
// data scope that every list query carries.
package auth

import (
	"sync/atomic"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/db"
)

// Service runs every account operation in one transaction with its audit
// event.
type Service struct {
	DB    *db.DB
	Audit *audit.Log
	Keys  *Keyring
	// Policy is the configured policy; CurrentPolicy returns the one in
	// force, which the security administrator may have changed since.
	Policy Policy
	// Issuer names the system in authenticator apps.
	Issuer string

	saved atomic.Pointer[Policy]
}

// now is the current instant in UTC, as db.Tx.Now is. Times bound as
// parameters must be UTC: SQLite compares them as text, and db.DB.Now may
// be a clock in another zone.
func (s *Service) now() time.Time { return s.DB.Now().UTC() }
