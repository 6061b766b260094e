package program

import (
	"crypto/rand"
	"encoding/hex"
)

// newKey returns a random token for a form's hidden idempotency key.
func newKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
