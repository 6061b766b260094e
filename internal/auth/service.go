// Package auth holds accounts, roles and permissions, passwords, sessions,
// lockout and throttling, TOTP, API tokens, field encryption keys and the
// data scope that every list query carries.
package auth

import (
	"kejiju/internal/audit"
	"kejiju/internal/db"
)

// Service runs every account operation in one transaction with its audit
// event.
type Service struct {
	DB     *db.DB
	Audit  *audit.Log
	Keys   *Keyring
	Policy Policy
	// Issuer names the system in authenticator apps.
	Issuer string
}
