package i18n

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error for the caller: it decides the HTTP status and
// whether the error is logged. The message the user reads comes from Key.
type Code string

// The error codes. Every error that leaves a service has one of them; an
// error without one is Internal.
const (
	Invalid      Code = "invalid"      // bad input; nothing was written
	NotFound     Code = "not_found"    // no such record, or not in the caller's scope
	Conflict     Code = "conflict"     // duplicate, stale version, or a state that forbids the change
	Forbidden    Code = "forbidden"    // authenticated but not allowed
	Unauthorized Code = "unauthorized" // not logged in, or the credential failed
	TooMany      Code = "too_many"     // throttled or locked out
	TooLarge     Code = "too_large"    // the request body is over its limit
	Unavailable  Code = "unavailable"  // a feature whose dependency is missing (e.g. no browser for PDF)
	Internal     Code = "internal"     // a bug or an outage; the cause is logged, never shown
)

// Error is the application error: a code, a message key with its arguments,
// the form field it concerns (if any) and the wrapped internal cause.
// Error() is for logs; users read the translation of Key.
type Error struct {
	Code  Code
	Key   string
	Args  []any
	Field string
	Err   error
}

// E returns a new error with the code, message key and arguments.
func E(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// FieldError returns an Invalid error about one form field.
func FieldError(field, key string, args ...any) *Error {
	return &Error{Code: Invalid, Key: key, Args: args, Field: field}
}

// Wrap returns an Internal error that keeps cause for the log.
func Wrap(cause error, format string, args ...any) *Error {
	return &Error{Code: Internal, Key: "error.internal", Err: fmt.Errorf(format+": %w", append(args, cause)...)}
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Field != "" {
		b.WriteString(" [" + e.Field + "]")
	}
	b.WriteString(": " + e.Key)
	if len(e.Args) > 0 {
		fmt.Fprintf(&b, " %v", e.Args)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the code of err, Internal for errors of other types,
// and "" for nil. Problems are Invalid.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	if _, ok := errors.AsType[Problems](err); ok {
		return Invalid
	}
	return Internal
}

// Problems collects field-level validation errors so a form can show all of
// them at once. The zero value is ready to use.
type Problems []*Error

// Add records a problem with field.
func (p *Problems) Add(field, key string, args ...any) {
	*p = append(*p, FieldError(field, key, args...))
}

// AddErr records err against field: an *Error keeps its key and arguments
// (and gets the field), any other error is recorded as a generic invalid value.
func (p *Problems) AddErr(field string, err error) {
	if err == nil {
		return
	}
	if k, ok := err.(interface {
		Key() string
		Args() []any
	}); ok {
		p.Add(field, k.Key(), k.Args()...)
		return
	}
	if e, ok := errors.AsType[*Error](err); ok {
		c := *e
		c.Field, c.Code = field, Invalid
		*p = append(*p, &c)
		return
	}
	p.Add(field, "error.invalid_value")
}

// Err returns p as an error, or nil when nothing was recorded.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return p
}

// With returns the problems a form found before calling a service together
// with the service's error, so the form shows them all: the service's field
// errors are added for fields p has not flagged. With no problems it is err.
func (p Problems) With(err error) error {
	if len(p) == 0 {
		return err
	}
	var more Problems
	if sp, ok := errors.AsType[Problems](err); ok {
		more = sp
	} else if e, ok := errors.AsType[*Error](err); ok && e.Field != "" {
		more = Problems{e}
	}
	for _, e := range more {
		if p.Field(e.Field) == nil {
			p = append(p, e)
		}
	}
	return p
}

// Field returns the first problem recorded for field, or nil.
func (p Problems) Field(field string) *Error {
	for _, e := range p {
		if e.Field == field {
			return e
		}
	}
	return nil
}

func (p Problems) Error() string {
	parts := make([]string, len(p))
	for i, e := range p {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}
