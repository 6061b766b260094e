package web

import "crypto/rand"

// FormKey returns a random token for a form's hidden idempotency key: the
// form carries it, so a double submit of the same form is one effect.
func FormKey() string { return rand.Text() }
