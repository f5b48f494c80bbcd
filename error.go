// Package dtfund holds the domain types of the management system for
// Changchun's SME digital-transformation special fund (中小企业数字化转型专项资金)
// and the one error type every layer speaks.
package dtfund

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. They map to HTTP statuses in the web layer and to exit codes in
// the CLI; the message is always safe to show to the user.
const (
	EINVALID      = "invalid"      // bad input: the message names the field
	ENOTFOUND     = "not_found"    // absent, or outside the caller's jurisdiction
	EFORBIDDEN    = "forbidden"    // the role may not do this
	EUNAUTHORIZED = "unauthorized" // not logged in, or bad credentials
	ECONFLICT     = "conflict"     // a uniqueness or state conflict
	ETHROTTLED    = "throttled"    // too many attempts
	EINTERNAL     = "internal"     // a bug or an outage: details go to the log only
)

// Error is the application error. Message is Chinese and safe to show; Field,
// when set, names the form field the message is about.
type Error struct {
	Code    string
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Errorf returns an *Error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error about one field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not *Error.
func ErrorCode(err error) string {
	var e *Error
	var v ValidationErrors
	switch {
	case errors.As(err, &v):
		return EINVALID
	case errors.As(err, &e):
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err; internal errors get a
// generic text so that no driver detail leaks to the user.
func ErrorMessage(err error) string {
	var e *Error
	var v ValidationErrors
	switch {
	case errors.As(err, &v):
		return v.Messages()
	case errors.As(err, &e):
		return e.Message
	}
	return "系统内部错误，请稍后重试或联系管理员"
}

// ValidationErrors collects several field errors of one form, so that the
// user sees every problem at once.
type ValidationErrors []*Error

func (v ValidationErrors) Error() string {
	if len(v) == 0 {
		return ""
	}
	s := v[0].Error()
	for _, e := range v[1:] {
		s += "；" + e.Error()
	}
	return s
}

// Messages joins the user-facing messages, without the field names.
func (v ValidationErrors) Messages() string {
	msgs := make([]string, len(v))
	for i, e := range v {
		msgs[i] = e.Message
	}
	return strings.Join(msgs, "；")
}

// Add appends a field error.
func (v *ValidationErrors) Add(field, format string, args ...any) {
	*v = append(*v, FieldError(field, format, args...))
}

// Err returns nil when empty, so that callers can `return v.Err()`.
func (v ValidationErrors) Err() error {
	if len(v) == 0 {
		return nil
	}
	return v
}

// ByField returns the message for one field, for rendering beside it.
func (v ValidationErrors) ByField() map[string]string {
	m := make(map[string]string, len(v))
	for _, e := range v {
		if _, ok := m[e.Field]; !ok {
			m[e.Field] = e.Message
		}
	}
	return m
}
