package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// TOTP parameters (RFC 6238 as authenticator apps implement it).
const (
	totpStep   = 30 * time.Second
	totpDigits = 6
)

// NewTOTPSecret returns a random 160-bit secret in base32, as authenticator
// apps expect it.
func NewTOTPSecret() string {
	b := make([]byte, 20)
	rand.Read(b)
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

// TOTPURL returns the otpauth:// URL to show as a QR code or type in.
func TOTPURL(issuer, account, secret string) string {
	v := url.Values{"secret": {secret}, "issuer": {issuer}, "digits": {fmt.Sprint(totpDigits)}, "period": {"30"}}
	return "otpauth://totp/" + url.PathEscape(issuer+":"+account) + "?" + v.Encode()
}

// hotp computes RFC 4226 HOTP with HMAC-SHA1.
func hotp(key []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	code := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, code%mod)
}

// TOTPStep returns the time step of t.
func TOTPStep(t time.Time) int64 { return t.Unix() / int64(totpStep/time.Second) }

// CheckTOTP reports the time step at which code is valid for secret within
// one step of clock skew either side, or -1. The caller refuses a step not
// newer than the last one used, so a code works once.
func CheckTOTP(secret, code string, now time.Time) int64 {
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(strings.TrimSpace(secret)))
	code = strings.TrimSpace(code)
	if err != nil || len(code) != totpDigits {
		return -1
	}
	step := TOTPStep(now)
	for _, s := range []int64{step, step - 1, step + 1} {
		if hmac.Equal([]byte(hotp(key, uint64(s), totpDigits)), []byte(code)) {
			return s
		}
	}
	return -1
}
