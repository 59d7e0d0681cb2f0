package odoo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
)

// ErrDatabaseNotFound is the cause of an [*Error] returned when the server
// reports that the database named in the X-Odoo-Database header does not
// exist. Test for it with errors.Is or [IsDatabaseNotFound].
var ErrDatabaseNotFound = errors.New("database not found")

// Exception names sent by Odoo 19 in the "name" member of an error body.
const (
	nameAccessError     = "odoo.exceptions.AccessError"
	nameAccessDenied    = "odoo.exceptions.AccessDenied"
	nameValidationError = "odoo.exceptions.ValidationError"
	nameUserError       = "odoo.exceptions.UserError"
	nameRedirectWarning = "odoo.exceptions.RedirectWarning"
	nameMissingError    = "odoo.exceptions.MissingError"
	nameNotFound        = "werkzeug.exceptions.NotFound"
	nameSerialization   = "psycopg2.errors.SerializationFailure"
)

// Error is a failed call: an error body sent by Odoo, an unexpected
// response, or a transport failure (then Status is 0 and Err is set).
type Error struct {
	// Model and Method name the call, e.g. "res.partner" and "create".
	Model  string
	Method string
	// Status is the HTTP status code, or 0 when no response arrived.
	Status int
	// Name is Odoo's exception class, e.g. "odoo.exceptions.AccessError".
	Name string
	// Message is Odoo's message, or a description written by this client
	// when the response was not an Odoo error body.
	Message string
	// Arguments are the exception arguments sent by Odoo.
	Arguments []any
	// Debug is the server traceback. Error and UserMessage never include
	// it, so it does not reach logs or users by accident.
	Debug string
	// OutcomeUnknown reports that the request may have been applied
	// although no response arrived, so resending it could apply it twice.
	OutcomeUnknown bool
	// Err is the underlying cause, such as a network error or
	// ErrDatabaseNotFound.
	Err error

	// kind is the class of the failure when the client set it, as for
	// JSON-RPC errors, whose HTTP status is always 200. When it is
	// kindUnknown, the Is* helpers derive the class from Status and Name.
	kind errorKind
}

// errorKind is the class of a failure that the Is* helpers report. The
// classes are exclusive.
type errorKind int

const (
	kindUnknown errorKind = iota
	kindInvalidKey
	kindAccess
	kindValidation
	kindMissing
	kindNotFound
)

// kindOf returns the class of e.
func (e *Error) kindOf() errorKind {
	if e.kind != kindUnknown {
		return e.kind
	}
	return kindOfResponse(e.Status, e.Name)
}

// kindOfResponse classifies an error response by its HTTP status and
// exception name. Odoo raises AccessDenied only for bad credentials, and
// JSON-2 reports it with HTTP 401.
func kindOfResponse(status int, name string) errorKind {
	switch {
	case status == http.StatusUnauthorized || name == nameAccessDenied:
		return kindInvalidKey
	case status == http.StatusForbidden || name == nameAccessError:
		return kindAccess
	case name == nameMissingError:
		return kindMissing
	case status == http.StatusNotFound && name == nameNotFound:
		return kindNotFound
	case name == nameValidationError || name == nameUserError ||
		name == nameRedirectWarning:
		return kindValidation
	}
	return kindUnknown
}

// Error formats the error as "odoo: <model>.<method>: <Name>: <message>",
// with the short exception name and without the traceback.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("odoo: ")
	b.WriteString(e.Model)
	if e.Method != "" {
		b.WriteString(".")
		b.WriteString(e.Method)
	}
	b.WriteString(": ")
	if short := shortName(e.Name); short != "" {
		b.WriteString(short)
		b.WriteString(": ")
	}
	switch {
	case e.Message != "":
		b.WriteString(e.Message)
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	default:
		fmt.Fprintf(&b, "HTTP status %d", e.Status)
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// shortName returns the class name without its module path:
// "odoo.exceptions.ValidationError" becomes "ValidationError".
func shortName(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// asError returns the *Error in err's chain, or nil.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// IsAccessDenied reports whether Odoo rejected the call because the user
// lacks the access rights or record rules for it: an AccessError, which
// JSON-2 sends with HTTP 403. A rejected API key is IsInvalidKey instead.
func IsAccessDenied(err error) bool {
	return hasKind(err, kindAccess)
}

// IsValidation reports whether Odoo rejected the values or the action for
// a business reason (ValidationError, UserError or RedirectWarning), such
// as a missing required field or a won lead that cannot be marked lost.
// It is also true when the client rejected a value before sending it,
// such as a datetime with a "T" separator.
func IsValidation(err error) bool {
	return hasKind(err, kindValidation)
}

// IsMissing reports whether the call touched a record that does not exist
// or was deleted (MissingError). Note that read of a deleted id does not
// fail in Odoo 19: it returns no row.
func IsMissing(err error) bool {
	return hasKind(err, kindMissing)
}

// IsNotFound reports whether the model or the method does not exist on the
// server, for example a model of a module that is not installed. It is
// false for a missing database: see IsDatabaseNotFound.
func IsNotFound(err error) bool {
	return hasKind(err, kindNotFound)
}

// IsDatabaseNotFound reports whether the configured database does not exist
// on the server.
func IsDatabaseNotFound(err error) bool {
	return errors.Is(err, ErrDatabaseNotFound)
}

// IsInvalidKey reports whether the credentials were rejected. On JSON-2
// that is HTTP 401: the API key is wrong, expired or revoked, or a
// password was sent in its place. On JSON-RPC it is an AccessDenied
// error, or common.login returning false because the login and the key do
// not match. It is also true when the jsonrpc transport lacks the login or
// the database.
func IsInvalidKey(err error) bool {
	return hasKind(err, kindInvalidKey)
}

// hasKind reports whether err is an *Error of class kind.
func hasKind(err error, kind errorKind) bool {
	e := asError(err)
	return e != nil && e.kindOf() == kind
}

// IsOutcomeUnknown reports whether the call may have been applied although
// it failed, so that resending it could apply it twice. After a create
// fails this way, search for the record before creating it again.
func IsOutcomeUnknown(err error) bool {
	e := asError(err)
	return e != nil && e.OutcomeUnknown
}

// IsTransient reports whether the failure is likely temporary and the call
// may succeed later: connection refused or reset, a timeout, HTTP 409, 502,
// 503 or 504, or a database serialization failure. A canceled context is
// not transient.
func IsTransient(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	e := asError(err)
	if e == nil {
		return isTransientNetError(err)
	}
	switch e.Status {
	case http.StatusConflict, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	if e.Name == nameSerialization ||
		strings.Contains(e.Message, "could not serialize access") {
		return true
	}
	return e.Status == 0 && isTransientNetError(e.Err)
}

// isTransientNetError reports whether err is a refused or reset
// connection, an early end of the response, or a timeout.
func isTransientNetError(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return true
	}
	// The server closed the connection before responding.
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// isNotSent reports whether a transport error happened before any byte of
// the request could reach the server, so that resending it is safe for
// every method.
func isNotSent(err error) bool {
	var opErr *net.OpError
	return errors.Is(err, errNotSent) || errors.As(err, &opErr) && opErr.Op == "dial"
}

// errNotSent marks a request that failed before it left the client, such
// as a wait for the request limits that outlasted its context.
var errNotSent = errors.New("request not sent")
