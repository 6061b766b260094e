package auth

import (
	"encoding/base32"
	"fmt"
	"strings"
	"testing"
	"time"

	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
)

// TestHOTPVectors checks the RFC 6238 appendix B SHA-1 vectors (T-AUTH-15).
func TestHOTPVectors(t *testing.T) {
	key := []byte("12345678901234567890")
	tests := []struct {
		unix int64
		want string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	}
	for _, tc := range tests {
		step := TOTPStep(time.Unix(tc.unix, 0))
		if got := hotp(key, uint64(step), 8); got != tc.want {
			t.Errorf("T=%d: got %s, want %s", tc.unix, got, tc.want)
		}
	}
	if got := hotp(key, 1, 8); got != "94287082" {
		t.Errorf("hotp(key, 1, 8): got %s, want 94287082", got)
	}
	// RFC 4226 appendix D, 6 digits.
	for i, want := range []string{"755224", "287082", "359152", "969429", "338314"} {
		if got := hotp(key, uint64(i), 6); got != want {
			t.Errorf("hotp(key, %d, 6): got %s, want %s", i, got, want)
		}
	}
}

// totpCode returns the 6-digit code of secret at t.
func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return hotp(key, uint64(TOTPStep(at)), totpDigits)
}

func TestNewTOTPSecret(t *testing.T) {
	a, b := NewTOTPSecret(), NewTOTPSecret()
	if key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(a); err != nil || len(key) < 20 {
		t.Errorf("NewTOTPSecret() = %q (%v): want at least 160 bits in base32", a, err)
	}
	if a == b {
		t.Errorf("two secrets are equal: %q", a)
	}
}

func TestCheckTOTP(t *testing.T) {
	const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // "12345678901234567890"
	now := time.Date(2026, 3, 2, 9, 0, 10, 0, time.UTC)
	step := TOTPStep(now)
	tests := []struct {
		name string
		code string
		want int64
	}{
		{"now", totpCode(t, secret, now), step},
		{"one step late", totpCode(t, secret, now.Add(-30*time.Second)), step - 1},
		{"one step early", totpCode(t, secret, now.Add(30*time.Second)), step + 1},
		{"two steps late", totpCode(t, secret, now.Add(-60*time.Second)), -1},
		{"two steps early", totpCode(t, secret, now.Add(60*time.Second)), -1},
		{"with spaces", " " + totpCode(t, secret, now) + " ", step},
		{"too short", totpCode(t, secret, now)[:5], -1},
		{"empty", "", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckTOTP(secret, tc.code, now); got != tc.want {
				t.Errorf("CheckTOTP(%q): got %d, want %d", tc.code, got, tc.want)
			}
		})
	}
	if got := CheckTOTP("not base32!", "123456", now); got != -1 {
		t.Errorf("bad secret: got %d, want -1", got)
	}
	if got := CheckTOTP(strings.ToLower(secret), totpCode(t, secret, now), now); got != step {
		t.Errorf("lower-case secret: got %d, want %d", got, step)
	}
}

// TestTOTPLogin covers T-AUTH-14/16: enabling, the second step of the login,
// replay refusal and the sealed secret.
func TestTOTPLogin(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, clk := newService(t, d)
		ctx := t.Context()
		u := mustCreate(t, s, "zhangsan", "341203", Staff)
		secret := NewTOTPSecret()

		err := s.EnableTOTP(ctx, u, secret, totpCode(t, secret, d.Now().Add(-5*time.Minute)))
		if fe := fieldError(err, "totp_code"); fe == nil || fe.Key != "auth.totp.wrong" {
			t.Errorf("enable with a stale code: got %v, want field totp_code auth.totp.wrong", err)
		}
		if err := s.EnableTOTP(ctx, u, secret, totpCode(t, secret, d.Now())); err != nil {
			t.Fatal(err)
		}
		if n := countEvents(t, d, "user.totp_enable"); n != 1 {
			t.Errorf("user.totp_enable events: got %d, want 1", n)
		}
		var sealed string
		if err := d.QueryRowContext(ctx, `SELECT totp_secret FROM users WHERE id = $1`, u.ID).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if sealed == "" || strings.Contains(sealed, secret) {
			t.Errorf("stored totp_secret %q: want it sealed, not the secret %q", sealed, secret)
		}
		if got, err := s.Keys.Open(sealed, totpAAD(u.ID)); err != nil || got != secret {
			t.Errorf("Open(stored secret): got %q, %v; want the secret", got, err)
		}
		if _, err := s.Keys.Open(sealed, totpAAD(u.ID+1)); err == nil {
			t.Errorf("Open(stored secret) for another user: got nil error, want ErrTampered")
		}

		res, err := s.Login(ctx, "zhangsan", testPassword, "192.0.2.1", "")
		if err != nil {
			t.Fatal(err)
		}
		if !res.NeedTOTP || !res.User.TOTPEnabled {
			t.Fatalf("got %+v, want NeedTOTP", res)
		}
		if _, sess, err := s.Authenticate(ctx, res.Token); err != nil || !sess.MFAPending {
			t.Errorf("session before the code: %+v, %v; want MFA pending", sess, err)
		}
		code := totpCode(t, secret, d.Now())
		err = s.VerifyTOTP(ctx, res.Token, code, "192.0.2.1")
		if fe := fieldError(err, "totp_code"); fe == nil || fe.Key != "auth.totp.wrong" {
			t.Errorf("the code used to enable TOTP: got %v, want refused (replay)", err)
		}
		if n := countEvents(t, d, "login.totp_fail"); n != 1 {
			t.Errorf("login.totp_fail events: got %d, want 1", n)
		}

		clk.advance(30 * time.Second)
		code = totpCode(t, secret, d.Now())
		if err := s.VerifyTOTP(ctx, res.Token, code, "192.0.2.1"); err != nil {
			t.Fatalf("the right code: %v", err)
		}
		if _, sess, err := s.Authenticate(ctx, res.Token); err != nil || sess.MFAPending {
			t.Errorf("session after the code: %+v, %v; want MFA done", sess, err)
		}
		if n := countEvents(t, d, "login.totp_ok"); n != 1 {
			t.Errorf("login.totp_ok events: got %d, want 1", n)
		}
		if err := s.VerifyTOTP(ctx, res.Token, code, "192.0.2.1"); i18n.ErrorCode(err) != i18n.Unauthorized {
			t.Errorf("a second code for a completed session: got %v, want unauthorized", err)
		}

		// The same code in the same step, for a new login: a replay.
		clk.advance(time.Second)
		res2, err := s.Login(ctx, "zhangsan", testPassword, "192.0.2.1", "")
		if err != nil {
			t.Fatal(err)
		}
		err = s.VerifyTOTP(ctx, res2.Token, code, "192.0.2.1")
		if fe := fieldError(err, "totp_code"); fe == nil || fe.Key != "auth.totp.wrong" {
			t.Errorf("replayed code: got %v, want refused", err)
		}
		if _, sess, err := s.Authenticate(ctx, res2.Token); err != nil || !sess.MFAPending {
			t.Errorf("session after a replayed code: %+v, %v; want still pending", sess, err)
		}

		if err := s.DisableTOTP(ctx, u, "wrong"); fieldError(err, "password") == nil {
			t.Errorf("disable with a wrong password: got %v, want a field error", err)
		}
		if err := s.DisableTOTP(ctx, u, testPassword); err != nil {
			t.Fatal(err)
		}
		if res, err := s.Login(ctx, "zhangsan", testPassword, "192.0.2.1", ""); err != nil || res.NeedTOTP {
			t.Errorf("login after disabling TOTP: %+v, %v; want no TOTP step", res, err)
		}
	})
}

// TestTOTPGuessing checks that wrong codes count as failed logins: the
// account locks after Policy.LockAfter of them, a password login in between
// does not reset the count, and the pending session ends.
func TestTOTPGuessing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, clk := newService(t, d)
		ctx := t.Context()
		u := mustCreate(t, s, "zhangsan", "341203", Staff)
		secret := NewTOTPSecret()
		if err := s.EnableTOTP(ctx, u, secret, totpCode(t, secret, d.Now())); err != nil {
			t.Fatal(err)
		}
		wrong := func() string { // a code valid in no accepted step
			for c := 0; ; c++ {
				code := fmt.Sprintf("%06d", c)
				if CheckTOTP(secret, code, d.Now()) < 0 {
					return code
				}
			}
		}
		clk.advance(time.Minute)
		res, err := s.Login(ctx, "zhangsan", testPassword, "192.0.2.1", "")
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if err := s.VerifyTOTP(ctx, res.Token, wrong(), "192.0.2.1"); fieldError(err, "totp_code") == nil {
				t.Fatalf("wrong code: got %v, want a field error", err)
			}
		}
		res, err = s.Login(ctx, "zhangsan", testPassword, "192.0.2.1", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.VerifyTOTP(ctx, res.Token, wrong(), "192.0.2.1"); fieldError(err, "totp_code") == nil {
			t.Fatalf("wrong code 4: got %v, want a field error", err)
		}
		err = s.VerifyTOTP(ctx, res.Token, wrong(), "192.0.2.1")
		wantErr(t, "wrong code 5", err, i18n.TooMany, "auth.login.now_locked")
		if n := count(t, d, "sessions", "user_id = $1 AND mfa_pending", u.ID); n != 0 {
			t.Errorf("pending sessions after the lock: got %d, want 0", n)
		}
		err = s.VerifyTOTP(ctx, res.Token, totpCode(t, secret, d.Now()), "192.0.2.1")
		wantErr(t, "right code after the lock", err, i18n.Unauthorized, "error.unauthorized")
		_, err = s.Login(ctx, "zhangsan", testPassword, "192.0.2.1", "")
		wantErr(t, "login after the lock", err, i18n.TooMany, "auth.login.locked")
		if n := countEvents(t, d, "user.lock"); n != 1 {
			t.Errorf("user.lock events: got %d, want 1", n)
		}
		if n := countEvents(t, d, "login.totp_fail"); n != 5 {
			t.Errorf("login.totp_fail events: got %d, want 5", n)
		}

		clk.advance(31 * time.Minute)
		res, err = s.Login(ctx, "zhangsan", testPassword, "192.0.2.1", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.VerifyTOTP(ctx, res.Token, totpCode(t, secret, d.Now()), "192.0.2.1"); err != nil {
			t.Errorf("after the lock ends: got %v, want the code accepted", err)
		}
		got, _ := s.User(ctx, u.ID)
		if got.FailedLogins != 0 {
			t.Errorf("failed logins after a full login: got %d, want 0", got.FailedLogins)
		}
	})
}
