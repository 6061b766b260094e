package auth

import (
	"strings"
	"testing"
)

// TestCheckPassword covers T-AUTH-02/03: composition, length and the list of
// common passwords.
func TestCheckPassword(t *testing.T) {
	passphrase := strings.Repeat("tea garden by the river ", 3)[:60] + "2026" // lower, space, digit
	if n := len(passphrase); n != 64 {
		t.Fatalf("passphrase has %d characters, want 64", n)
	}
	tests := []struct {
		name     string
		password string
		username string
		wantKey  string // "" means accepted
	}{
		{"common with 3 classes", "Aa123456", "", "auth.password.common"},
		{"common with symbol", "Aa123456!", "", "auth.password.common"},
		{"two classes", "password1", "", "auth.password.classes"},
		{"digits only", "12345678", "", "auth.password.classes"},
		{"7 characters", "Kq7#mz2", "", "auth.password.too_short"},
		{"8 characters, 3 classes", "Kq7mzw2T", "", ""},
		{"8 characters, 3 classes with symbol", "kq7#mzw2", "", ""},
		{"Chinese characters count as symbols", "科技kq7mz2", "", ""},
		{"contains the username", "Zhangsan#2026", "zhangsan", "auth.password.has_username"},
		{"contains the username in another case", "xZHANGSAN7!", "zhangsan", "auth.password.has_username"},
		{"no username given", "Zhangsan#2026", "", ""},
		{"129 characters", "Kq7#" + strings.Repeat("x", 125), "", "error.too_long"},
		{"128 characters", "Kq7#" + strings.Repeat("x", 124), "", ""},
		{"64-character passphrase", passphrase, "", ""},
		{"empty", "", "", "auth.password.too_short"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := DefaultPolicy.CheckPassword(tc.password, tc.username)
			if tc.wantKey == "" {
				if err != nil {
					t.Errorf("got %v, want accepted", err)
				}
				return
			}
			fe := fieldError(err, "password")
			if fe == nil {
				t.Fatalf("got %v, want a field error on password", err)
			}
			if fe.Key != tc.wantKey {
				t.Errorf("got key %q, want %q", fe.Key, tc.wantKey)
			}
		})
	}
}

func TestRandomPasswordMeetsPolicy(t *testing.T) {
	for range 20 {
		pw := RandomPassword()
		if err := DefaultPolicy.CheckPassword(pw, ""); err != nil {
			t.Errorf("RandomPassword() = %q: %v", pw, err)
		}
	}
}

func TestHashPassword(t *testing.T) {
	const pw = "Kq7#mzw2-长城"
	h1 := HashPassword(pw)
	h2 := HashPassword(pw)
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("got %q, want an argon2id PHC string with the OWASP parameters", h1)
	}
	if h1 == h2 {
		t.Errorf("two hashes of one password are equal (%q): not salted", h1)
	}
	if strings.Contains(h1, pw) || strings.Contains(h1, "Kq7#mzw2") {
		t.Errorf("hash %q contains the password", h1)
	}
	if !VerifyPassword(h1, pw) || !VerifyPassword(h2, pw) {
		t.Errorf("VerifyPassword(hash, right password) = false, want true")
	}

	parts := strings.Split(h1, "$")
	flip := func(s string) string { // change the first character of s
		c := byte('A')
		if s[0] == 'A' {
			c = 'B'
		}
		return string(c) + s[1:]
	}
	join := func(p ...string) string { return strings.Join(p, "$") }
	tests := []struct {
		name, phc, pw string
	}{
		{"wrong password", h1, "Kq7#mzw2-长"},
		{"empty password", h1, ""},
		{"hash changed", join(parts[0], parts[1], parts[2], parts[3], parts[4], flip(parts[5])), pw},
		{"salt changed", join(parts[0], parts[1], parts[2], parts[3], flip(parts[4]), parts[5]), pw},
		{"fewer passes", join(parts[0], parts[1], parts[2], "m=19456,t=1,p=1", parts[4], parts[5]), pw},
		{"zero passes", join(parts[0], parts[1], parts[2], "m=19456,t=0,p=1", parts[4], parts[5]), pw},
		{"zero lanes", join(parts[0], parts[1], parts[2], "m=19456,t=2,p=0", parts[4], parts[5]), pw},
		{"absurd memory", join(parts[0], parts[1], parts[2], "m=4294967295,t=2,p=1", parts[4], parts[5]), pw},
		{"other algorithm", join(parts[0], "argon2i", parts[2], parts[3], parts[4], parts[5]), pw},
		{"no hash", join(parts[0], parts[1], parts[2], parts[3], parts[4], ""), pw},
		{"truncated", h1[:len(h1)-10], pw},
		{"empty", "", pw},
		{"plaintext", pw, pw},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if VerifyPassword(tc.phc, tc.pw) {
				t.Errorf("VerifyPassword(%q, %q) = true, want false", tc.phc, tc.pw)
			}
		})
	}
}
