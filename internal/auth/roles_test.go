package auth

import (
	"testing"
)

// TestCheckRoles covers 三权分立 (T-AC-03): one administrator role per
// account, never beside a business role.
func TestCheckRoles(t *testing.T) {
	tests := []struct {
		name    string
		roles   []Role
		wantKey string // "" means valid
	}{
		{"empty", nil, "error.required"},
		{"unknown", []Role{"root"}, "auth.role.unknown"},
		{"unknown beside a valid one", []Role{Staff, "Staff"}, "auth.role.unknown"},
		{"sysadmin and secadmin", []Role{SysAdmin, SecAdmin}, "auth.role.two_admins"},
		{"secadmin and auditadmin", []Role{SecAdmin, AuditAdmin}, "auth.role.two_admins"},
		{"all three admins", []Role{SysAdmin, SecAdmin, AuditAdmin}, "auth.role.two_admins"},
		{"admin and business", []Role{SysAdmin, Staff}, "auth.role.admin_and_business"},
		{"business and auditadmin", []Role{Director, AuditAdmin}, "auth.role.admin_and_business"},
		{"director and staff", []Role{Director, Staff}, ""},
		{"sysadmin alone", []Role{SysAdmin}, ""},
		{"secadmin alone", []Role{SecAdmin}, ""},
		{"auditadmin alone", []Role{AuditAdmin}, ""},
	}
	for _, r := range []Role{Director, Staff, Finance, Enterprise, Expert, Assistant, CityViewer} {
		tests = append(tests, struct {
			name    string
			roles   []Role
			wantKey string
		}{"single " + string(r), []Role{r}, ""})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckRoles(tc.roles)
			if tc.wantKey == "" {
				if err != nil {
					t.Errorf("got %v, want nil", err)
				}
				return
			}
			fe := fieldError(err, "roles")
			if fe == nil {
				t.Fatalf("got %v, want a field error on roles", err)
			}
			if fe.Key != tc.wantKey {
				t.Errorf("got key %q, want %q", fe.Key, tc.wantKey)
			}
		})
	}
}

func TestPermissions(t *testing.T) {
	allPerms := []Permission{PermDashboard, PermRegionView, PermRegionManage, PermUserView, PermUserManage, PermAdminRoles,
		PermUserUnlock, PermPolicy, PermScopeExplain, PermAuditView, PermBackup, PermIdentOverride, PermWrite}
	tests := []struct {
		name string
		role Role
		perm Permission
		want bool
	}{
		{"sysadmin cannot read the audit log", SysAdmin, PermAuditView, false},
		{"sysadmin cannot set security policy", SysAdmin, PermPolicy, false},
		{"sysadmin cannot grant admin roles", SysAdmin, PermAdminRoles, false},
		{"sysadmin cannot change business data", SysAdmin, PermWrite, false},
		{"sysadmin manages users", SysAdmin, PermUserManage, true},
		{"secadmin cannot read the audit log", SecAdmin, PermAuditView, false},
		{"secadmin cannot back up", SecAdmin, PermBackup, false},
		{"secadmin grants admin roles", SecAdmin, PermAdminRoles, true},
		{"city viewer cannot write", CityViewer, PermWrite, false},
		{"city viewer sees the dashboard", CityViewer, PermDashboard, true},
		{"staff writes", Staff, PermWrite, true},
		{"staff cannot manage users", Staff, PermUserManage, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.role.Grants(tc.perm); got != tc.want {
				t.Errorf("%s.Grants(%s): got %v, want %v", tc.role, tc.perm, got, tc.want)
			}
			u := &User{Roles: []Role{tc.role}}
			if got := u.Can(tc.perm); got != tc.want {
				t.Errorf("user with %s: Can(%s): got %v, want %v", tc.role, tc.perm, got, tc.want)
			}
		})
	}

	t.Run("auditadmin has only audit.view", func(t *testing.T) {
		for _, p := range allPerms {
			if got, want := AuditAdmin.Grants(p), p == PermAuditView; got != want {
				t.Errorf("auditadmin.Grants(%s): got %v, want %v", p, got, want)
			}
		}
	})
	t.Run("the poverty registry: director and staff, reveal by the director only", func(t *testing.T) {
		for _, r := range Roles {
			for _, p := range []Permission{PermPovertyView, PermPovertyManage, PermPovertyReveal} {
				want := r == Director || (r == Staff && p != PermPovertyReveal)
				if got := r.Grants(p); got != want {
					t.Errorf("%s.Grants(%s): got %v, want %v", r, p, got, want)
				}
			}
		}
	})
	t.Run("only auditadmin reads the audit log", func(t *testing.T) {
		for _, r := range Roles {
			if got, want := r.Grants(PermAuditView), r == AuditAdmin; got != want {
				t.Errorf("%s.Grants(audit.view): got %v, want %v", r, got, want)
			}
		}
	})
	t.Run("a disabled user can do nothing", func(t *testing.T) {
		u := &User{Roles: []Role{Director}, Disabled: true}
		for _, p := range allPerms {
			if u.Can(p) {
				t.Errorf("disabled director: Can(%s) = true, want false", p)
			}
		}
	})
}
