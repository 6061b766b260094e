package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
)

// shanghai is the zone of the bureau's servers. The tests run with it as
// time.Local (pgx returns TIMESTAMPTZ values in time.Local) and the test
// clock gives times in it, so a time that is not normalised to UTC before
// it is stored or compared shows up as a failure.
var shanghai = time.FixedZone("CST", 8*60*60)

func TestMain(m *testing.M) {
	time.Local = shanghai
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

// clock is the test's time: the service reads it through d.Now only.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newService returns a Service on d with a fresh key, the default policy and
// the regions 340000 > 341200 > 341203, 341202 > 341203200, and replaces d's
// clock with one the test advances.
func newService(t *testing.T, d *db.DB) (*Service, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, shanghai)}
	d.Now = clk.now
	lg, err := audit.New(audit.SM3)
	if err != nil {
		t.Fatal(err)
	}
	master := make([]byte, MasterKeySize)
	rand.Read(master)
	keys, err := NewKeyring(master)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		code, name string
		level      int
		parent     any
	}{
		{"340000", "安徽省", 1, nil},
		{"341200", "阜阳市", 2, "340000"},
		{"341203", "颍东区", 3, "341200"},
		{"341202", "颍州区", 3, "341200"},
		{"341203200", "插花镇", 4, "341203"},
	} {
		if _, err := d.ExecContext(t.Context(), `INSERT INTO regions (code, name, level, parent_code, updated_at) VALUES ($1, $2, $3, $4, $5)`,
			r.code, r.name, r.level, r.parent, clk.now().UTC()); err != nil {
			t.Fatal(err)
		}
	}
	return &Service{DB: d, Audit: lg, Keys: keys, Policy: DefaultPolicy, Issuer: "科技局"}, clk
}

// testPassword meets the default policy and is used for most accounts.
const testPassword = "Yd#7kq2Lw9"

// mustCreate creates an account with testPassword as the system would (no
// actor) and fails the test on error.
func mustCreate(t *testing.T, s *Service, username, region string, roles ...Role) *User {
	t.Helper()
	u, _, err := s.CreateUser(t.Context(), nil, UserInput{Username: username, DisplayName: "测试" + username,
		Roles: roles, RegionCode: region, Password: testPassword})
	if err != nil {
		t.Fatalf("create %s: %v", username, err)
	}
	return u
}

// mustLogin logs in with testPassword and returns the session token.
func mustLogin(t *testing.T, s *Service, username string) string {
	t.Helper()
	res, err := s.Login(t.Context(), username, testPassword, "192.0.2.1", "test")
	if err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	return res.Token
}

// count returns the number of rows of a table (optionally with a condition).
func count(t *testing.T, q db.Querier, table string, where string, args ...any) int {
	t.Helper()
	if where == "" {
		where = "1 = 1"
	}
	var n int
	if err := q.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table+` WHERE `+where, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// events returns the audit events whose action starts with action.
func events(t *testing.T, d *db.DB, action string) []audit.Event {
	t.Helper()
	evs, _, err := audit.List(context.Background(), d, audit.Filter{Action: action, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// countEvents returns how many audit events have exactly action. (It does
// not use audit.List: its prefix match escapes "_" with a backslash, which
// SQLite's LIKE does not honour without an ESCAPE clause.)
func countEvents(t *testing.T, d *db.DB, action string) int {
	t.Helper()
	return count(t, d, "audit_events", "action = $1", action)
}

// codeKey returns the code and key of an application error, or of the
// first problem of a Problems.
func codeKey(err error) (i18n.Code, string) {
	if e, ok := errors.AsType[*i18n.Error](err); ok {
		return e.Code, e.Key
	}
	if p, ok := errors.AsType[i18n.Problems](err); ok && len(p) > 0 {
		return p[0].Code, p[0].Key
	}
	return i18n.ErrorCode(err), ""
}

// fieldError returns the error about field in err, which may be one field
// error or a Problems, or nil.
func fieldError(err error, field string) *i18n.Error {
	if p, ok := errors.AsType[i18n.Problems](err); ok {
		return p.Field(field)
	}
	if e, ok := errors.AsType[*i18n.Error](err); ok && e.Field == field {
		return e
	}
	return nil
}

// wantErr fails the test unless err has code and key.
func wantErr(t *testing.T, what string, err error, code i18n.Code, key string) {
	t.Helper()
	if gotCode, gotKey := codeKey(err); gotCode != code || gotKey != key {
		t.Errorf("%s: got %v (%s, %s), want (%s, %s)", what, err, gotCode, gotKey, code, key)
	}
}
