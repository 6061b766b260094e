package auth

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"math/big"
	"runtime"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"kejiju/internal/i18n"
)

// Policy holds the security parameters. Defaults follow 等保 2.0 level 3 as
// assessors apply it; the security administrator may change them.
type Policy struct {
	MinLength        int           // 8
	MinClasses       int           // 3 of upper, lower, digit, symbol
	MaxAge           time.Duration // 90 days; 0 disables expiry
	History          int           // the last 5 passwords may not be reused
	LockAfter        int           // 5 consecutive failures lock the account
	LockFor          time.Duration // 30 minutes
	IPFailuresPerMin int           // more failures from one address are throttled
	Idle             time.Duration // 30 minutes
	AdminIdle        time.Duration // 15 minutes for the three administrators
	Absolute         time.Duration // 12 hours, however active
}

// DefaultPolicy is the 等保 default.
var DefaultPolicy = Policy{
	MinLength: 8, MinClasses: 3, MaxAge: 90 * 24 * time.Hour, History: 5,
	LockAfter: 5, LockFor: 30 * time.Minute, IPFailuresPerMin: 20,
	Idle: 30 * time.Minute, AdminIdle: 15 * time.Minute, Absolute: 12 * time.Hour,
}

// maxPasswordLen allows long passphrases (ASVS asks for at least 64).
const maxPasswordLen = 128

//go:embed common_passwords.txt
var commonPasswordsText string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	s := bufio.NewScanner(strings.NewReader(commonPasswordsText))
	for s.Scan() {
		if w := strings.TrimSpace(s.Text()); w != "" && !strings.HasPrefix(w, "#") {
			m[strings.ToLower(w)] = true
		}
	}
	return m
}()

// CheckPassword reports why pw does not meet the policy, as a field error on
// "password", or nil.
func (p Policy) CheckPassword(pw, username string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < p.MinLength:
		return i18n.FieldError("password", "auth.password.too_short", p.MinLength)
	case n > maxPasswordLen:
		return i18n.FieldError("password", "error.too_long", maxPasswordLen)
	case classes(pw) < p.MinClasses:
		return i18n.FieldError("password", "auth.password.classes", p.MinClasses)
	case commonPasswords[strings.ToLower(pw)]:
		return i18n.FieldError("password", "auth.password.common")
	case username != "" && strings.Contains(strings.ToLower(pw), strings.ToLower(username)):
		return i18n.FieldError("password", "auth.password.has_username")
	}
	return nil
}

func classes(pw string) int {
	var upper, lower, digit, other bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	n := 0
	for _, b := range []bool{upper, lower, digit, other} {
		if b {
			n++
		}
	}
	return n
}

// Argon2id parameters: the OWASP minimum (19 MiB, 2 passes, 1 lane).
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32

	// The largest parameters VerifyPassword accepts from a stored hash
	// (1 GiB, 16 passes), so a corrupt row cannot exhaust the server.
	maxArgonMemory = 1 << 20
	maxArgonTime   = 16
)

// hashSlots bounds the argon2id hashes running at once to the number of
// cores: each takes 19 MiB, and more hashes than cores only make every one
// of them slower and the memory peak higher.
var hashSlots = make(chan struct{}, runtime.GOMAXPROCS(0))

// idKey is argon2.IDKey within a hash slot.
func idKey(pw, salt []byte, t, m uint32, p uint8, n uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey(pw, salt, t, m, p, n)
}

// HashPassword returns a PHC string: $argon2id$v=19$m=…,t=…,p=…$salt$hash.
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := idKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// VerifyPassword reports whether pw matches the PHC string, using the
// parameters stored in it (so they can be raised without a migration).
func VerifyPassword(phc, pw string) bool {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	// argon2 panics on t or p of 0, and a corrupt m could ask for terabytes.
	if t < 1 || t > maxArgonTime || p < 1 || m < 8*uint32(p) || m > maxArgonMemory {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := idKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash lets a login for an unknown user spend the same time as a real
// one, so timing does not tell which usernames exist.
var dummyHash = HashPassword("kejiju-dummy-password")

// RandomPassword returns a password that meets the default policy, for
// first-start and reset credentials shown once.
func RandomPassword() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
	for {
		out := make([]byte, 14)
		for i := range out {
			out[i] = alphabet[randIntn(len(alphabet))]
		}
		pw := string(out[:4]) + "-" + string(out[4:9]) + "-" + string(out[9:])
		// Upper, lower and digits, plus the dashes: four classes, as any
		// policy the security administrator may set asks at most.
		if classes(pw) == 4 && !commonPasswords[strings.ToLower(pw)] {
			return pw
		}
	}
}

// randIntn returns a uniform random int in [0, n) from crypto/rand.
func randIntn(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return int(v.Int64())
}
