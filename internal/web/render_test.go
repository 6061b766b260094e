package web

import (
	"slices"
	"testing"

	"kejiju/internal/auth"
)

func TestPageWindow(t *testing.T) {
	tests := []struct {
		total, offset int
		want          []int
	}{
		{0, 0, []int{1}},
		{60, 0, []int{1, 2, 3}},
		{100000, 0, []int{1, 2, 3, 0, 5000}},
		{100000, 20 * 2499, []int{1, 0, 2498, 2499, 2500, 2501, 2502, 0, 5000}},
		{100000, 20 * 4999, []int{1, 0, 4998, 4999, 5000}},
		{140, 20 * 3, []int{1, 2, 3, 4, 5, 6, 7}},
	}
	for _, tc := range tests {
		got := Page{Total: tc.total, Limit: 20, Offset: tc.offset}.Window()
		if !slices.Equal(got, tc.want) {
			t.Errorf("total %d offset %d: %v, want %v", tc.total, tc.offset, got, tc.want)
		}
	}
}

// TestGroupNav: entries the user may not open are left out, and a group
// named again further down the list joins its first heading.
func TestGroupNav(t *testing.T) {
	items := []NavItem{
		{Group: "g.enterprise", Key: "enterprises", Perm: auth.PermEnterpriseView},
		{Group: "g.program", Key: "calls", Perm: auth.PermProgramManage},
		{Group: "g.system", Key: "users", Perm: auth.PermUserManage},
		{Group: "g.enterprise", Key: "visits", Perm: auth.PermEnterpriseView},
	}
	can := func(p auth.Permission) bool { return p != auth.PermUserManage }
	var got []string
	for _, g := range groupNav(items, can) {
		for _, it := range g.Items {
			got = append(got, g.Key+"/"+it.Key)
		}
	}
	want := []string{"g.enterprise/enterprises", "g.enterprise/visits", "g.program/calls"}
	if !slices.Equal(got, want) {
		t.Fatalf("nav %v, want %v", got, want)
	}
}
