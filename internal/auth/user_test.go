package auth

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
)

// TestCreateUserValidation checks that each bad field is reported with its
// key and that nothing is written.
func TestCreateUserValidation(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		ctx := t.Context()
		good := UserInput{Username: "lisi", DisplayName: "李四", Roles: []Role{Staff}, RegionCode: "341203",
			Phone: "13800138000", Email: "lisi@example.cn", Password: testPassword}
		tests := []struct {
			name   string
			edit   func(*UserInput)
			fields map[string]string // field → key
		}{
			{"username too short", func(in *UserInput) { in.Username = "ab" }, map[string]string{"username": "auth.username.format"}},
			{"username with a space", func(in *UserInput) { in.Username = "li si" }, map[string]string{"username": "auth.username.format"}},
			{"username in Chinese", func(in *UserInput) { in.Username = "李四" }, map[string]string{"username": "auth.username.format"}},
			{"username empty", func(in *UserInput) { in.Username = " " }, map[string]string{"username": "error.required"}},
			{"display name empty", func(in *UserInput) { in.DisplayName = "  " }, map[string]string{"display_name": "error.required"}},
			{"display name too long", func(in *UserInput) { in.DisplayName = strings.Repeat("名", 51) }, map[string]string{"display_name": "error.too_long"}},
			{"no roles", func(in *UserInput) { in.Roles = nil }, map[string]string{"roles": "error.required"}},
			{"two admin roles", func(in *UserInput) { in.Roles = []Role{SysAdmin, SecAdmin} }, map[string]string{"roles": "auth.role.two_admins"}},
			{"unknown region", func(in *UserInput) { in.RegionCode = "341299" }, map[string]string{"region_code": "auth.region.unknown"}},
			{"no region", func(in *UserInput) { in.RegionCode = "" }, map[string]string{"region_code": "error.required"}},
			{"bad phone", func(in *UserInput) { in.Phone = "0558-1234567" }, map[string]string{"phone": "auth.phone.format"}},
			{"short phone", func(in *UserInput) { in.Phone = "1380013800" }, map[string]string{"phone": "auth.phone.format"}},
			{"bad email", func(in *UserInput) { in.Email = "lisi@" }, map[string]string{"email": "auth.email.format"}},
			{"email with a name", func(in *UserInput) { in.Email = "Li Si <lisi@example.cn>" }, map[string]string{"email": "auth.email.format"}},
			{"weak password", func(in *UserInput) { in.Password = "Aa123456" }, map[string]string{"password": "auth.password.common"}},
			{"password with the username", func(in *UserInput) { in.Password = "Lisi#2026x" }, map[string]string{"password": "auth.password.has_username"}},
			{"everything wrong at once", func(in *UserInput) {
				*in = UserInput{Username: "x", Roles: []Role{"boss"}, RegionCode: "999999", Phone: "1", Email: "@", Password: "1"}
			}, map[string]string{"username": "auth.username.format", "display_name": "error.required", "roles": "auth.role.unknown",
				"region_code": "auth.region.unknown", "phone": "auth.phone.format", "email": "auth.email.format", "password": "auth.password.too_short"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				users, events := count(t, d, "users", ""), count(t, d, "audit_events", "")
				in := good
				in.Roles = append([]Role(nil), good.Roles...)
				tc.edit(&in)
				u, _, err := s.CreateUser(ctx, nil, in)
				if err == nil {
					t.Fatalf("created %+v, want an error", u)
				}
				p, ok := err.(i18n.Problems)
				if !ok {
					t.Fatalf("got %T %v, want i18n.Problems", err, err)
				}
				if len(p) != len(tc.fields) {
					t.Errorf("got %d problems (%v), want %d", len(p), p, len(tc.fields))
				}
				for field, key := range tc.fields {
					if fe := p.Field(field); fe == nil || fe.Key != key || fe.Code != i18n.Invalid {
						t.Errorf("field %s: got %v, want an invalid error with key %s", field, fe, key)
					}
				}
				if got := count(t, d, "users", ""); got != users {
					t.Errorf("users: got %d, want %d (nothing written)", got, users)
				}
				if got := count(t, d, "audit_events", ""); got != events {
					t.Errorf("audit events: got %d, want %d (nothing written)", got, events)
				}
			})
		}
		if _, _, err := s.CreateUser(ctx, nil, good); err != nil {
			t.Errorf("the good input: got %v, want it created", err)
		}
	})
}

// TestCreateUserDuplicate covers T-AUTH-01: a login name is unique after
// folding case and full-width forms.
func TestCreateUserDuplicate(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		mustCreate(t, s, "zhangsan", "341203", Staff)
		for _, name := range []string{"zhangsan", "Zhangsan", "ZHANGSAN", "ｚｈａｎｇｓａｎ", "Ｚｈａｎｇｓａｎ", " zhangsan "} {
			t.Run(name, func(t *testing.T) {
				users, events := count(t, d, "users", ""), count(t, d, "audit_events", "")
				_, _, err := s.CreateUser(t.Context(), nil, UserInput{Username: name, DisplayName: "张三二", Roles: []Role{Staff}, RegionCode: "341203"})
				fe := fieldError(err, "username")
				if fe == nil || fe.Key != "auth.username.taken" {
					t.Errorf("got %v, want field error username auth.username.taken", err)
				}
				if got := count(t, d, "users", ""); got != users {
					t.Errorf("users: got %d, want %d", got, users)
				}
				if got := count(t, d, "audit_events", ""); got != events {
					t.Errorf("audit events: got %d, want %d", got, events)
				}
			})
		}
		u, err := s.UserByName(t.Context(), "ＺＨＡＮＧＳＡＮ")
		if err != nil || u.Username != "zhangsan" {
			t.Errorf("UserByName(full-width upper case): got %v, %v, want zhangsan", u, err)
		}
	})
}

// TestCreateUserAdminRoles covers 三权分立: only the security administrator
// grants administrator roles.
func TestCreateUserAdminRoles(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		sys := mustCreate(t, s, "sysadmin", "341203", SysAdmin)
		sec := mustCreate(t, s, "secadmin", "341203", SecAdmin)
		staff := mustCreate(t, s, "staff1", "341203", Staff)
		tests := []struct {
			name     string
			actor    *User
			roles    []Role
			wantCode i18n.Code // "" means created
		}{
			{"sysadmin creates staff", sys, []Role{Staff}, ""},
			{"sysadmin creates an auditadmin", sys, []Role{AuditAdmin}, i18n.Forbidden},
			{"sysadmin creates a secadmin", sys, []Role{SecAdmin}, i18n.Forbidden},
			{"secadmin creates an auditadmin", sec, []Role{AuditAdmin}, ""},
			{"secadmin creates staff", sec, []Role{Staff}, i18n.Forbidden},
			{"staff creates staff", staff, []Role{Staff}, i18n.Forbidden},
		}
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				users := count(t, d, "users", "")
				name := "new" + strconv.Itoa(i)
				_, _, err := s.CreateUser(t.Context(), tc.actor, UserInput{Username: name, DisplayName: "新用户", Roles: tc.roles, RegionCode: "341203"})
				if got := i18n.ErrorCode(err); got != tc.wantCode {
					t.Fatalf("got %v, want code %q", err, tc.wantCode)
				}
				want := users
				if tc.wantCode == "" {
					want++
				}
				if got := count(t, d, "users", ""); got != want {
					t.Errorf("users: got %d, want %d", got, want)
				}
			})
		}
	})
}

// TestCreateUserAudit checks the user.create event and that no hash or
// password reaches the audit log or the users table in clear.
func TestCreateUserAudit(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		ctx := audit.WithActor(t.Context(), audit.Actor{ID: 99, Name: "sysadmin", IP: "192.0.2.9"})
		u, pw, err := s.CreateUser(ctx, nil, UserInput{Username: "Wangwu", DisplayName: "王五", Roles: []Role{Staff}, RegionCode: "341203",
			Phone: "13900001234"})
		if err != nil {
			t.Fatal(err)
		}
		if u.Username != "wangwu" || !u.MustChangePassword || u.Disabled || u.TOTPEnabled {
			t.Errorf("created %+v, want username wangwu, must change password, enabled, no TOTP", u)
		}
		if err := DefaultPolicy.CheckPassword(pw, u.Username); err != nil {
			t.Errorf("generated password %q: %v", pw, err)
		}
		if u.CreatedAt.Location() != time.UTC || !u.CreatedAt.Equal(d.Now()) {
			t.Errorf("created at %v, want %v in UTC", u.CreatedAt, d.Now().UTC())
		}
		evs := events(t, d, "user.create")
		if len(evs) != 1 {
			t.Fatalf("got %d user.create events, want 1", len(evs))
		}
		e := evs[0]
		if e.ObjectType != "user" || e.ObjectID != strconv.FormatInt(u.ID, 10) || e.Actor != "sysadmin" || e.ActorID != 99 || e.RegionCode != "341203" {
			t.Errorf("event %+v, want object user/%d by sysadmin (99) in 341203", e, u.ID)
		}
		for _, bad := range []string{"argon2", "password", pw, "13900001234"} {
			if strings.Contains(e.After, bad) {
				t.Errorf("after_json %s contains %q", e.After, bad)
			}
		}
		if !strings.Contains(e.After, `"wangwu"`) || !strings.Contains(e.After, "139****1234") {
			t.Errorf("after_json %s: want the username and the masked phone", e.After)
		}
		var hash string
		if err := d.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(hash, pw) || !VerifyPassword(hash, pw) {
			t.Errorf("stored hash %q: want a hash of the password, not the password", hash)
		}
	})
}

// TestUpdateUser checks that a change of rights ends the sessions (new
// rights apply at once) and that other edits do not.
func TestUpdateUser(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		ctx := t.Context()
		sys := mustCreate(t, s, "sysadmin", "341203", SysAdmin)
		u := mustCreate(t, s, "zhaoliu", "341203", Staff)
		in := UserInput{DisplayName: "赵六", Roles: []Role{Staff}, RegionCode: "341203", Phone: "13800138000"}

		tok := mustLogin(t, s, "zhaoliu")
		got, err := s.UpdateUser(ctx, sys, u.ID, in, "电话变更")
		if err != nil {
			t.Fatal(err)
		}
		if got.DisplayName != "赵六" || got.Phone != "13800138000" {
			t.Errorf("updated %+v, want the new name and phone", got)
		}
		if _, _, err := s.Authenticate(ctx, tok); err != nil {
			t.Errorf("after a change of name and phone: %v, want the session kept", err)
		}

		in.Roles = []Role{Staff, Finance}
		if _, err := s.UpdateUser(ctx, sys, u.ID, in, "兼任财务"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Authenticate(ctx, tok); err == nil {
			t.Errorf("after a change of roles: session still valid, want it ended")
		}
		if n := count(t, d, "sessions", "user_id = $1", u.ID); n != 0 {
			t.Errorf("sessions after a change of roles: got %d, want 0", n)
		}

		tok = mustLogin(t, s, "zhaoliu")
		in.RegionCode = "341202"
		if _, err := s.UpdateUser(ctx, sys, u.ID, in, "调动"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Authenticate(ctx, tok); err == nil {
			t.Errorf("after a change of region: session still valid, want it ended")
		}
		if n := countEvents(t, d, "user.update"); n != 3 {
			t.Errorf("user.update events: got %d, want 3", n)
		}

		_, err = s.UpdateUser(ctx, sys, u.ID, UserInput{DisplayName: "赵六", Roles: []Role{AuditAdmin}, RegionCode: "341203"}, "")
		if got := i18n.ErrorCode(err); got != i18n.Forbidden {
			t.Errorf("sysadmin grants auditadmin: got %v, want forbidden", err)
		}
	})
}

// TestSetDisabled covers T-AC-01: disabling ends sessions and tokens at
// once, and nobody disables himself.
func TestSetDisabled(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		ctx := t.Context()
		sys := mustCreate(t, s, "sysadmin", "341203", SysAdmin)
		sec := mustCreate(t, s, "secadmin", "341203", SecAdmin)
		u := mustCreate(t, s, "sunqi", "341203", Staff)
		tok := mustLogin(t, s, "sunqi")
		apiTok, _, err := s.IssueToken(ctx, u, u.ID, "脚本", 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Authenticate(ctx, tok); err != nil {
			t.Fatalf("before disabling: %v", err)
		}
		if _, err := s.AuthenticateToken(ctx, apiTok); err != nil {
			t.Fatalf("before disabling: %v", err)
		}

		if err := s.SetDisabled(ctx, sys, u.ID, true, "离职"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Authenticate(ctx, tok); err == nil {
			t.Errorf("Authenticate after disabling: got nil error, want refused")
		}
		if _, err := s.AuthenticateToken(ctx, apiTok); err == nil {
			t.Errorf("AuthenticateToken after disabling: got nil error, want refused")
		}
		if n := count(t, d, "sessions", "user_id = $1", u.ID); n != 0 {
			t.Errorf("sessions: got %d, want 0", n)
		}
		if n := count(t, d, "api_tokens", "user_id = $1 AND revoked_at IS NULL", u.ID); n != 0 {
			t.Errorf("unrevoked tokens: got %d, want 0", n)
		}
		_, err = s.Login(ctx, "sunqi", testPassword, "192.0.2.1", "")
		wantErr(t, "login of a disabled account", err, i18n.Unauthorized, "auth.login.bad_credentials")
		if n := countEvents(t, d, "user.disable"); n != 1 {
			t.Errorf("user.disable events: got %d, want 1", n)
		}

		if err := s.SetDisabled(ctx, sys, u.ID, false, "返聘"); err != nil {
			t.Fatal(err)
		}
		mustLogin(t, s, "sunqi")
		if n := countEvents(t, d, "user.enable"); n != 1 {
			t.Errorf("user.enable events: got %d, want 1", n)
		}

		for _, a := range []*User{sys, sec} {
			err := s.SetDisabled(ctx, a, a.ID, true, "")
			wantErr(t, a.Username+" disables himself", err, i18n.Conflict, "auth.user.not_self")
			if got, _ := s.User(ctx, a.ID); got == nil || got.Disabled {
				t.Errorf("%s after disabling himself: %+v, want still enabled", a.Username, got)
			}
		}
		if err := s.SetDisabled(ctx, sys, sec.ID, true, ""); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("sysadmin disables the secadmin: got %v, want forbidden", err)
		}
	})
}

func TestUsersList(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		mustCreate(t, s, "staff1", "341203", Staff)
		mustCreate(t, s, "staff2", "341202", Staff, Director)
		mustCreate(t, s, "viewer", "341200", CityViewer)
		us, total, err := s.Users(t.Context(), UserFilter{Role: Staff, Sort: "username", Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || len(us) != 1 || us[0].Username != "staff1" {
			t.Fatalf("got %d of %d users, want staff1 of 2", len(us), total)
		}
		if us[0].Roles[0] != Staff || us[0].LockedUntil != (time.Time{}) || us[0].EnterpriseID != 0 {
			t.Errorf("got %+v, want roles loaded and NULL columns as zero values", us[0])
		}
		us, total, err = s.Users(t.Context(), UserFilter{RegionCode: "341202"})
		if err != nil || total != 1 || us[0].Username != "staff2" || len(us[0].Roles) != 2 {
			t.Errorf("region 341202: got %v, %d, %v; want staff2 with 2 roles", us, total, err)
		}

		if _, _, err := s.CreateUser(t.Context(), nil, UserInput{Username: "wang_wu", DisplayName: "Wang Wu 王五", Roles: []Role{Staff},
			RegionCode: "341203", Password: testPassword}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			query string
			want  []string
		}{
			{"staff", []string{"staff1", "staff2"}},
			{"STAFF", []string{"staff1", "staff2"}},
			{"_", []string{"wang_wu"}},
			{"%", nil},
			{"wang wu", []string{"wang_wu"}},
			{"王五", []string{"wang_wu"}},
			{"测试view", []string{"viewer"}},
		}
		for _, tc := range tests {
			us, total, err := s.Users(t.Context(), UserFilter{Query: tc.query, Sort: "username"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range us {
				got = append(got, u.Username)
			}
			if !slices.Equal(got, tc.want) || total != len(tc.want) {
				t.Errorf("query %q: got %v (total %d), want %v", tc.query, got, total, tc.want)
			}
		}
	})
}
