package auth

import (
	"strings"
	"testing"
	"time"

	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
)

func TestAPITokens(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, clk := newService(t, d)
		ctx := t.Context()
		u := mustCreate(t, s, "zhangsan", "341203", Staff)
		other := mustCreate(t, s, "lisi", "341203", Staff)

		tok, info, err := s.IssueToken(ctx, u, u.ID, "  报表脚本 ", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(tok, "kjt_") || len(tok) < 40 {
			t.Errorf("token %q, want kjt_ and 32 random bytes", tok)
		}
		if info.Name != "报表脚本" || info.UserID != u.ID || !info.ExpiresAt.IsZero() {
			t.Errorf("got %+v, want the trimmed name, the owner and no expiry", info)
		}
		var stored string
		if err := d.QueryRowContext(ctx, `SELECT token_hash FROM api_tokens WHERE id = $1`, info.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored == tok || strings.Contains(stored, strings.TrimPrefix(tok, "kjt_")) {
			t.Errorf("stored %q: want a hash, not the token", stored)
		}
		got, err := s.AuthenticateToken(ctx, tok)
		if err != nil || got.ID != u.ID {
			t.Fatalf("AuthenticateToken: got %v, %v; want user %d", got, err, u.ID)
		}
		for _, bad := range []string{"", tok[4:], tok + "x", "kjt_" + strings.Repeat("A", 43)} {
			if _, err := s.AuthenticateToken(ctx, bad); i18n.ErrorCode(err) != i18n.Unauthorized {
				t.Errorf("AuthenticateToken(%q): got %v, want unauthorized", bad, err)
			}
		}

		toks, err := s.Tokens(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(toks) != 1 || toks[0].LastUsedAt.IsZero() || !toks[0].RevokedAt.IsZero() || toks[0].CreatedAt.Location() != time.UTC ||
			!toks[0].CreatedAt.Equal(info.CreatedAt) || toks[0].LastUsedAt.Location() != time.UTC {
			t.Errorf("Tokens: got %+v, want one used, unrevoked token with UTC times", toks)
		}

		if err := s.RevokeToken(ctx, other, info.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("another user revokes: got %v, want not found", err)
		}
		if err := s.RevokeToken(ctx, u, info.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AuthenticateToken(ctx, tok); err == nil {
			t.Errorf("revoked token: got nil error, want unauthorized")
		}
		if n := countEvents(t, d, "token.issue"); n != 1 {
			t.Errorf("token.issue events: got %d, want 1", n)
		}
		if n := countEvents(t, d, "token.revoke"); n != 1 {
			t.Errorf("token.revoke events: got %d, want 1", n)
		}

		tok, _, err = s.IssueToken(ctx, u, u.ID, "临时", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		clk.advance(59 * time.Minute)
		if _, err := s.AuthenticateToken(ctx, tok); err != nil {
			t.Errorf("after 59 minutes of a 1h token: %v", err)
		}
		clk.advance(2 * time.Minute)
		if _, err := s.AuthenticateToken(ctx, tok); err == nil {
			t.Errorf("after 61 minutes of a 1h token: got nil error, want unauthorized")
		}

		if _, _, err := s.IssueToken(ctx, u, u.ID, " ", 0); fieldError(err, "name") == nil {
			t.Errorf("empty name: got %v, want a field error", err)
		}
		if _, _, err := s.IssueToken(ctx, other, u.ID, "x", 0); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("staff issues for another user: got %v, want forbidden", err)
		}
	})
}
