package db

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"kejiju/internal/i18n"
)

// kind is what a driver error means to the application.
type kind int

const (
	kindOther kind = iota
	kindUnique
	kindForeignKey
	kindCheck
	kindRetry
)

func classify(err error) kind {
	if pg, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch pg.Code {
		case "23505":
			return kindUnique
		case "23503":
			return kindForeignKey
		case "23514", "23502":
			return kindCheck
		case "40001", "40P01":
			return kindRetry
		}
		return kindOther
	}
	if se, ok := errors.AsType[*sqlite.Error](err); ok {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return kindUnique
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return kindForeignKey
		case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return kindCheck
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_BUSY_SNAPSHOT:
			return kindRetry
		}
	}
	return kindOther
}

// IsUnique reports whether err is a unique-constraint violation.
func IsUnique(err error) bool { return classify(err) == kindUnique }

// IsRetryable reports whether err is a serialization failure or lock
// timeout after which the whole transaction may be run again.
func IsRetryable(err error) bool { return classify(err) == kindRetry }

// Normalize turns a driver error into an application error: no rows →
// NotFound, unique → Conflict, foreign key or check → Invalid, serialization
// failure → TooMany ("busy, retry"). Other errors become Internal with the
// cause kept for the log. Application errors pass through unchanged.
func Normalize(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*i18n.Error](err); ok {
		return err
	}
	if IsNoRows(err) {
		return &i18n.Error{Code: i18n.NotFound, Key: "error.not_found", Err: err}
	}
	switch classify(err) {
	case kindUnique:
		return &i18n.Error{Code: i18n.Conflict, Key: "error.conflict", Err: err}
	case kindForeignKey, kindCheck:
		return &i18n.Error{Code: i18n.Invalid, Key: "error.invalid_value", Err: err}
	case kindRetry:
		return &i18n.Error{Code: i18n.TooMany, Key: "error.retry", Err: err}
	}
	return &i18n.Error{Code: i18n.Internal, Key: "error.internal", Err: err}
}
