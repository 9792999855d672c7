// Package zhenxing holds the few types every part of the program shares: the error codes that
// domain packages return and the site maps to HTTP statuses and pages.
package zhenxing

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in the site package.
const (
	ENotFound     = "not_found"
	EInvalid      = "invalid"
	EConflict     = "conflict"
	EUnauthorized = "unauthorized"
	EForbidden    = "forbidden"
	ETooMany      = "too_many"
	EUnavailable  = "unavailable" // a dependency (the database) cannot be reached; try again later
	EInternal     = "internal"
)

// Error is an error with a code and a message fit to show a user (in Chinese).
// Internal details belong in a wrapped error, never in Message.
type Error struct {
	Code    string
	Message string
	Err     error // the cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and a formatted user message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal for any other
// non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user message of the first *Error in err's chain, or a generic
// message for any other error, so internals never reach a user.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "服务器内部错误，请稍后再试。"
}
