package auth

import (
	"fmt"
	"testing"
	"time"

	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
)

func TestLogin(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		ctx := t.Context()
		u := mustCreate(t, s, "zhangsan", "341203", Staff)
		res, err := s.Login(ctx, "Ｚhangsan", testPassword, "192.0.2.1", "Mozilla/5.0")
		if err != nil {
			t.Fatal(err)
		}
		if res.Token == "" || res.NeedTOTP || res.User.ID != u.ID {
			t.Errorf("got %+v, want a token for user %d without TOTP", res, u.ID)
		}
		got, sess, err := s.Authenticate(ctx, res.Token)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != u.ID || sess.MFAPending || sess.UserID != u.ID {
			t.Errorf("got user %d, session %+v; want user %d, no MFA pending", got.ID, sess, u.ID)
		}
		if !sess.ExpiresAt.Equal(d.Now().Add(12*time.Hour)) || sess.CreatedAt.Location() != time.UTC || sess.ExpiresAt.Location() != time.UTC {
			t.Errorf("session %+v, want created now and expiring in 12h, in UTC", sess)
		}
		if n := count(t, d, "sessions", "token_hash = $1", res.Token); n != 0 {
			t.Errorf("the clear token is stored in sessions")
		}
		if n := countEvents(t, d, "login.ok"); n != 1 {
			t.Errorf("login.ok events: got %d, want 1", n)
		}
		if _, _, err := s.Authenticate(ctx, res.Token+"x"); i18n.ErrorCode(err) != i18n.Unauthorized {
			t.Errorf("Authenticate(wrong token): got %v, want unauthorized", err)
		}
		if _, _, err := s.Authenticate(ctx, ""); i18n.ErrorCode(err) != i18n.Unauthorized {
			t.Errorf("Authenticate(\"\"): got %v, want unauthorized", err)
		}

		_, err = s.Login(ctx, "nobody", testPassword, "192.0.2.1", "")
		wantErr(t, "unknown username", err, i18n.Unauthorized, "auth.login.bad_credentials")
		_, err = s.Login(ctx, "zhangsan", testPassword+"x", "192.0.2.1", "")
		wantErr(t, "wrong password", err, i18n.Unauthorized, "auth.login.bad_credentials")
		if n := countEvents(t, d, "login.fail"); n != 2 {
			t.Errorf("login.fail events: got %d, want 2", n)
		}
	})
}

// TestLockout covers T-AUTH-07.
func TestLockout(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, clk := newService(t, d)
		ctx := t.Context()
		u := mustCreate(t, s, "zhangsan", "341203", Staff)

		// Failures that a success interrupts do not lock.
		for range 4 {
			s.Login(ctx, "zhangsan", "wrong", "192.0.2.1", "")
		}
		mustLogin(t, s, "zhangsan")
		for range 4 {
			s.Login(ctx, "zhangsan", "wrong", "192.0.2.1", "")
		}
		mustLogin(t, s, "zhangsan")
		if n := countEvents(t, d, "login.fail"); n != 8 {
			t.Fatalf("login.fail events: got %d, want 8", n)
		}
		failsBefore := 8

		for i := 1; i <= 5; i++ {
			clk.advance(time.Second)
			_, err := s.Login(ctx, "zhangsan", "wrong", "192.0.2.1", "")
			if i < 5 {
				wantErr(t, fmt.Sprintf("failure %d", i), err, i18n.Unauthorized, "auth.login.bad_credentials")
			} else {
				wantErr(t, "failure 5", err, i18n.TooMany, "auth.login.now_locked")
			}
		}
		_, err := s.Login(ctx, "zhangsan", testPassword, "192.0.2.1", "")
		wantErr(t, "right password while locked", err, i18n.TooMany, "auth.login.locked")
		if got := countEvents(t, d, "login.fail") - failsBefore; got != 5 {
			t.Errorf("login.fail events: got %d, want 5", got)
		}
		if got := countEvents(t, d, "user.lock"); got != 1 {
			t.Errorf("user.lock events: got %d, want 1", got)
		}
		if got := countEvents(t, d, "login.locked"); got != 1 {
			t.Errorf("login.locked events: got %d, want 1", got)
		}
		got, err := s.User(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := d.Now().Add(30 * time.Minute); !got.LockedUntil.Equal(want) || got.LockedUntil.Location() != time.UTC {
			t.Errorf("locked until %v, want %v in UTC", got.LockedUntil, want.UTC())
		}

		clk.advance(29 * time.Minute)
		_, err = s.Login(ctx, "zhangsan", testPassword, "192.0.2.1", "")
		wantErr(t, "right password after 29 minutes", err, i18n.TooMany, "auth.login.locked")
		clk.advance(2 * time.Minute)
		mustLogin(t, s, "zhangsan")
	})
}

// TestUnlock checks that the security administrator may clear a lockout
// and the system administrator may not.
func TestUnlock(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		ctx := t.Context()
		sys := mustCreate(t, s, "sysadmin", "341203", SysAdmin)
		sec := mustCreate(t, s, "secadmin", "341203", SecAdmin)
		u := mustCreate(t, s, "zhangsan", "341203", Staff)
		for range 5 {
			s.Login(ctx, "zhangsan", "wrong", "192.0.2.1", "")
		}
		if err := s.Unlock(ctx, sys, u.ID, ""); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("sysadmin unlocks: got %v, want forbidden", err)
		}
		if err := s.Unlock(ctx, sec, u.ID, "本人来电"); err != nil {
			t.Fatal(err)
		}
		mustLogin(t, s, "zhangsan")
		if n := countEvents(t, d, "user.unlock"); n != 1 {
			t.Errorf("user.unlock events: got %d, want 1", n)
		}
	})
}

// TestThrottle covers T-AUTH-08: more than 20 failures a minute from one
// address refuse every login from it, for any user.
func TestThrottle(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, clk := newService(t, d)
		ctx := t.Context()
		mustCreate(t, s, "zhangsan", "341203", Staff)
		const ip = "203.0.113.7"
		for i := range 20 {
			clk.advance(2 * time.Second)
			_, err := s.Login(ctx, fmt.Sprintf("guess%d", i), "wrong", ip, "")
			wantErr(t, fmt.Sprintf("failure %d", i+1), err, i18n.Unauthorized, "auth.login.bad_credentials")
		}
		_, err := s.Login(ctx, "zhangsan", testPassword, ip, "")
		wantErr(t, "21st attempt", err, i18n.TooMany, "auth.login.throttled")
		if n := countEvents(t, d, "login.throttled"); n != 1 {
			t.Errorf("login.throttled events: got %d, want 1", n)
		}
		mustLogin(t, s, "zhangsan") // from another address

		clk.advance(61 * time.Second)
		if _, err := s.Login(ctx, "zhangsan", testPassword, ip, ""); err != nil {
			t.Errorf("a minute later: got %v, want the login to work", err)
		}
	})
}

// TestSessionTimeouts covers T-AUTH-09/10/11.
func TestSessionTimeouts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, clk := newService(t, d)
		ctx := t.Context()
		mustCreate(t, s, "staff1", "341203", Staff)
		mustCreate(t, s, "secadmin", "341203", SecAdmin)

		t.Run("idle 31 minutes", func(t *testing.T) {
			tok := mustLogin(t, s, "staff1")
			clk.advance(29 * time.Minute)
			if _, _, err := s.Authenticate(ctx, tok); err != nil {
				t.Fatalf("after 29 idle minutes: %v", err)
			}
			before := countEvents(t, d, "logout.timeout")
			clk.advance(31 * time.Minute)
			_, _, err := s.Authenticate(ctx, tok)
			wantErr(t, "after 31 idle minutes", err, i18n.Unauthorized, "auth.session.expired")
			if n := count(t, d, "sessions", "token_hash = $1", hashToken(tok)); n != 0 {
				t.Errorf("session rows: got %d, want 0", n)
			}
			if n := countEvents(t, d, "logout.timeout") - before; n != 1 {
				t.Errorf("logout.timeout events: got %d, want 1", n)
			}
		})

		t.Run("admin idle 16 minutes", func(t *testing.T) {
			staff := mustLogin(t, s, "staff1")
			admin := mustLogin(t, s, "secadmin")
			clk.advance(16 * time.Minute)
			if _, _, err := s.Authenticate(ctx, admin); err == nil {
				t.Errorf("admin after 16 idle minutes: got nil error, want expired")
			}
			if _, _, err := s.Authenticate(ctx, staff); err != nil {
				t.Errorf("staff after 16 idle minutes: got %v, want the session kept", err)
			}
		})

		t.Run("absolute 12 hours", func(t *testing.T) {
			tok := mustLogin(t, s, "staff1")
			for i := 1; i < 36; i++ { // 35 × 20 minutes = 11h40m
				clk.advance(20 * time.Minute)
				if _, _, err := s.Authenticate(ctx, tok); err != nil {
					t.Fatalf("after %v of activity: %v", time.Duration(i)*20*time.Minute, err)
				}
			}
			clk.advance(21 * time.Minute)
			_, _, err := s.Authenticate(ctx, tok)
			wantErr(t, "after 12h01m of activity", err, i18n.Unauthorized, "auth.session.expired")
			if n := count(t, d, "sessions", "token_hash = $1", hashToken(tok)); n != 0 {
				t.Errorf("session rows: got %d, want 0", n)
			}
		})

		t.Run("logout", func(t *testing.T) {
			tok := mustLogin(t, s, "staff1")
			u, _, err := s.Authenticate(ctx, tok)
			if err != nil {
				t.Fatal(err)
			}
			other := mustLogin(t, s, "staff1")
			before := countEvents(t, d, "logout")
			if err := s.Logout(ctx, u, tok); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.Authenticate(ctx, tok); i18n.ErrorCode(err) != i18n.Unauthorized {
				t.Errorf("replayed token after logout: got %v, want unauthorized", err)
			}
			if _, _, err := s.Authenticate(ctx, other); err != nil {
				t.Errorf("the user's other session: got %v, want it kept", err)
			}
			if n := countEvents(t, d, "logout") - before; n != 1 {
				t.Errorf("logout events: got %d, want 1", n)
			}
			if err := s.Logout(ctx, u, tok); err != nil {
				t.Errorf("second logout: got %v, want nil", err)
			}
		})
	})
}

// TestPasswordLifecycle covers T-AUTH-04/05: the temporary password must be
// changed, passwords expire after 90 days, and the last 5 cannot be reused.
func TestPasswordLifecycle(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, clk := newService(t, d)
		ctx := t.Context()
		u := mustCreate(t, s, "zhangsan", "341203", Staff)
		if !u.MustChangePassword || !u.PasswordExpired(s.Policy, d.Now()) {
			t.Errorf("new account: must change %v, expired %v; want both true", u.MustChangePassword, u.PasswordExpired(s.Policy, d.Now()))
		}

		err := s.ChangePassword(ctx, u, "wrong", "Nw#5pass-A")
		if fe := fieldError(err, "old_password"); fe == nil || fe.Key != "auth.password.wrong" {
			t.Errorf("wrong old password: got %v, want field old_password auth.password.wrong", err)
		}
		err = s.ChangePassword(ctx, u, testPassword, "password1")
		if fe := fieldError(err, "password"); fe == nil {
			t.Errorf("weak new password: got %v, want a field error on password", err)
		}
		err = s.ChangePassword(ctx, u, testPassword, testPassword)
		if fe := fieldError(err, "password"); fe == nil || fe.Key != "auth.password.reused" {
			t.Errorf("the same password: got %v, want auth.password.reused", err)
		}
		if n := countEvents(t, d, "user.change_password"); n != 0 {
			t.Errorf("user.change_password events after refusals: got %d, want 0", n)
		}

		pws := []string{testPassword, "Nw#1pass-A", "Nw#2pass-B", "Nw#3pass-C", "Nw#4pass-D", "Nw#5pass-E"}
		tok := mustLogin(t, s, "zhangsan")
		for i := 1; i < len(pws); i++ {
			clk.advance(time.Minute)
			if err := s.ChangePassword(ctx, u, pws[i-1], pws[i]); err != nil {
				t.Fatalf("change %d: %v", i, err)
			}
		}
		got, err := s.User(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.MustChangePassword || got.PasswordExpired(s.Policy, d.Now()) {
			t.Errorf("after a change: must change %v, expired %v; want both false", got.MustChangePassword, got.PasswordExpired(s.Policy, d.Now()))
		}
		if !got.PasswordChangedAt.Equal(d.Now()) {
			t.Errorf("password changed at %v, want %v", got.PasswordChangedAt, d.Now().UTC())
		}
		if _, _, err := s.Authenticate(ctx, tok); err != nil {
			t.Errorf("the session that changed the password: got %v, want it kept", err)
		}
		if n := countEvents(t, d, "user.change_password"); n != 5 {
			t.Errorf("user.change_password events: got %d, want 5", n)
		}

		current := pws[5]
		for _, old := range pws[1:5] {
			err := s.ChangePassword(ctx, got, current, old)
			if fe := fieldError(err, "password"); fe == nil || fe.Key != "auth.password.reused" {
				t.Errorf("reuse of %q: got %v, want auth.password.reused", old, err)
			}
		}
		clk.advance(time.Hour)
		if err := s.ChangePassword(ctx, got, current, pws[0]); err != nil {
			t.Errorf("the sixth-newest password: got %v, want it accepted", err)
		}

		if _, err := s.Login(ctx, "zhangsan", pws[0], "192.0.2.1", ""); err != nil {
			t.Fatal(err)
		}
		got, _ = s.User(ctx, u.ID)
		clk.advance(89 * 24 * time.Hour)
		if got.PasswordExpired(s.Policy, d.Now()) {
			t.Errorf("after 89 days: expired, want not yet")
		}
		clk.advance(2 * 24 * time.Hour)
		if !got.PasswordExpired(s.Policy, d.Now()) {
			t.Errorf("after 91 days: not expired, want expired")
		}
	})
}

// TestResetPassword checks that a reset gives a temporary password, ends the
// sessions and clears a lockout.
func TestResetPassword(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		ctx := t.Context()
		sys := mustCreate(t, s, "sysadmin", "341203", SysAdmin)
		u := mustCreate(t, s, "zhangsan", "341203", Staff)
		tok := mustLogin(t, s, "zhangsan")
		for range 5 {
			s.Login(ctx, "zhangsan", "wrong", "192.0.2.1", "")
		}
		pw, err := s.ResetPassword(ctx, sys, u.ID, "忘记密码")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Authenticate(ctx, tok); err == nil {
			t.Errorf("session after a reset: still valid, want ended")
		}
		res, err := s.Login(ctx, "zhangsan", pw, "192.0.2.1", "")
		if err != nil {
			t.Fatalf("login with the reset password: %v", err)
		}
		if !res.User.MustChangePassword {
			t.Errorf("after a reset: must change false, want true")
		}
		if n := countEvents(t, d, "user.reset_password"); n != 1 {
			t.Errorf("user.reset_password events: got %d, want 1", n)
		}
	})
}

func TestSetLang(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		u := mustCreate(t, s, "zhangsan", "341203", Staff)
		if err := s.SetLang(t.Context(), u, "fr"); fieldError(err, "lang") == nil {
			t.Errorf("SetLang(fr): got %v, want a field error on lang", err)
		}
		if err := s.SetLang(t.Context(), u, "en"); err != nil {
			t.Fatal(err)
		}
		got, _ := s.User(t.Context(), u.ID)
		if got.Lang != "en" {
			t.Errorf("lang: got %q, want en", got.Lang)
		}
		if n := countEvents(t, d, "user.set_lang"); n != 1 {
			t.Errorf("user.set_lang events: got %d, want 1", n)
		}
	})
}
