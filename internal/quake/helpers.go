package quake

import (
	"context"
	"regexp"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"kejiju/internal/auth"
	"kejiju/internal/calendar"
	"kejiju/internal/i18n"
	"kejiju/internal/region"
)

// phoneRE matches a mobile number or a landline with area code.
var phoneRE = regexp.MustCompile(`^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$`)

// clean trims and folds full-width forms, as people paste them from Word.
func clean(s string) string { return strings.TrimSpace(norm.NFKC.String(s)) }

// cleanPhone removes spaces and folds dashes.
func cleanPhone(s string) string { return strings.NewReplacer(" ", "", "—", "-").Replace(clean(s)) }

// MayManage refuses users who may not record earthquake work: a read-only
// scope, no PermFieldManage, or an enterprise user.
func MayManage(u *auth.User) error {
	if err := u.MayWrite(); err != nil {
		return err
	}
	if !u.Can(auth.PermFieldManage) || u.IsEnterprise() {
		return i18n.E(i18n.Forbidden, "error.forbidden")
	}
	return nil
}

// checkTownship returns an error on field unless code is a township (乡镇
// or 街道) inside u's scope.
func checkTownship(ctx context.Context, rs *region.Store, u *auth.User, code, field string) error {
	t, err := rs.Tree(ctx)
	if err != nil {
		return err
	}
	r, ok := t.Lookup(code)
	switch {
	case !ok || !u.Scope().Allows(code, 0):
		return i18n.FieldError(field, "quake.region.outside")
	case r.Level != region.Township:
		return i18n.FieldError(field, "quake.region.township")
	}
	return nil
}

// yearRange returns the first and last day of year.
func yearRange(year int) (calendar.Date, calendar.Date) {
	return calendar.Date{Year: year, Month: time.January, Day: 1}, calendar.Date{Year: year, Month: time.December, Day: 31}
}
