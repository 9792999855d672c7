package zhenxing

import (
	"errors"
	"fmt"
	"strings"
)

// FieldError is one problem with one field of a form or of an import row. Field is the field's
// name (the form field, or the column of an import file), Message a Chinese sentence fit to show
// beside it.
type FieldError struct {
	Field   string
	Message string
}

// FieldErrors are every problem found in one form or record. Validation returns them wrapped in
// an EInvalid error (Err); forms get them back with AsFieldErrors.
type FieldErrors []FieldError

func (fe FieldErrors) Error() string {
	parts := make([]string, len(fe))
	for i, e := range fe {
		parts[i] = e.Field + ": " + e.Message
	}
	return strings.Join(parts, "; ")
}

// For returns the message for field, "" when the field has no problem.
func (fe FieldErrors) For(field string) string {
	for _, e := range fe {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// Add records a problem with field.
func (fe *FieldErrors) Add(field, format string, args ...any) {
	*fe = append(*fe, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when there is no problem, else an EInvalid error wrapping the field errors,
// whose message says that what (in Chinese: 商品, 申请) has problems and lists them.
func (fe FieldErrors) Err(what string) error {
	if len(fe) == 0 {
		return nil
	}
	msgs := make([]string, len(fe))
	for i, e := range fe {
		msgs[i] = e.Message
	}
	return &Error{Code: EInvalid, Message: what + "信息有误：" + strings.Join(msgs, ";"), Err: fe}
}

// AsFieldErrors returns the field errors inside err, or nil.
func AsFieldErrors(err error) FieldErrors {
	var fe FieldErrors
	if errors.As(err, &fe) {
		return fe
	}
	return nil
}
