package odoosim

import (
	"fmt"
	"net/http"
	"strings"
)

// ErrorKind selects the failure that InjectError makes the next matching
// call return.
type ErrorKind int

// Failures that InjectError can simulate, with the response Odoo 19 (or
// the proxy in front of it) sends for each.
const (
	// ErrAccess is an odoo.exceptions.AccessError, HTTP 403.
	ErrAccess ErrorKind = iota + 1
	// ErrValidation is an odoo.exceptions.ValidationError, HTTP 422.
	ErrValidation
	// ErrUser is an odoo.exceptions.UserError, HTTP 422.
	ErrUser
	// ErrMissing is an odoo.exceptions.MissingError, HTTP 404.
	ErrMissing
	// ErrServer is an unexpected server error, HTTP 500.
	ErrServer
	// ErrUnavailable is an HTML 503 page, as a proxy sends while Odoo
	// restarts.
	ErrUnavailable
	// ErrConflict is a database serialization failure, HTTP 409.
	ErrConflict
	// ErrBadGateway is an HTML 502 page from a proxy.
	ErrBadGateway
	// ErrGatewayTimeout is an HTML 504 page from a proxy that stopped
	// waiting for Odoo. The call still runs to its end, so its changes
	// are committed when it succeeds, as they would be on a real server.
	ErrGatewayTimeout
)

// String returns the name of the constant, e.g. "ErrAccess".
func (k ErrorKind) String() string {
	names := map[ErrorKind]string{ErrAccess: "ErrAccess",
		ErrValidation: "ErrValidation", ErrUser: "ErrUser",
		ErrMissing: "ErrMissing", ErrServer: "ErrServer",
		ErrUnavailable: "ErrUnavailable", ErrConflict: "ErrConflict",
		ErrBadGateway: "ErrBadGateway", ErrGatewayTimeout: "ErrGatewayTimeout"}
	if name, ok := names[k]; ok {
		return name
	}
	return fmt.Sprintf("ErrorKind(%d)", int(k))
}

// rpcError is an error response in the JSON-2 body format
// {name, message, arguments, context, debug}.
type rpcError struct {
	status    int
	name      string
	message   string
	arguments []any
	// html, when set, is sent as a text/html body instead of JSON.
	html string
}

func (e *rpcError) Error() string { return e.name + ": " + e.message }

// body returns the JSON error body.
func (e *rpcError) body() object {
	args := e.arguments
	if args == nil {
		args = []any{e.message}
		// werkzeug HTTP exceptions carry the status as a second argument.
		if strings.HasPrefix(e.name, "werkzeug.") {
			args = append(args, e.status)
		}
	}
	short := e.name[strings.LastIndexByte(e.name, '.')+1:]
	debug := "Traceback (most recent call last):\n" +
		"  (simulated by odoosim)\n" + short + ": " + e.message + "\n"
	return object{
		{"name", e.name},
		{"message", e.message},
		{"arguments", args},
		{"context", map[string]any{}},
		{"debug", debug},
	}
}

func newError(status int, name, message string) *rpcError {
	return &rpcError{status: status, name: name, message: message}
}

func errValue(message string) *rpcError {
	return newError(http.StatusInternalServerError, "builtins.ValueError",
		message)
}

func errKey(key string) *rpcError {
	return newError(http.StatusInternalServerError, "builtins.KeyError", key)
}

func errType(message string) *rpcError {
	return newError(http.StatusInternalServerError, "builtins.TypeError",
		message)
}

func errAccess(message string) *rpcError {
	return newError(http.StatusForbidden, "odoo.exceptions.AccessError",
		message)
}

// errValidation is a ValidationError. Odoo 19 also sends UserError raised
// by business rules under this name over JSON-2.
func errValidation(message string) *rpcError {
	return newError(http.StatusUnprocessableEntity,
		"odoo.exceptions.ValidationError", message)
}

func errMissing(message string) *rpcError {
	return newError(http.StatusNotFound, "odoo.exceptions.MissingError",
		message)
}

func errNotFound(message string) *rpcError {
	return newError(http.StatusNotFound, "werkzeug.exceptions.NotFound",
		message)
}

func errUnprocessable(message string) *rpcError {
	return newError(http.StatusUnprocessableEntity,
		"werkzeug.exceptions.UnprocessableEntity", message)
}

// injectedError builds the response for a failure requested by InjectError.
func injectedError(kind ErrorKind, message string) *rpcError {
	switch kind {
	case ErrAccess:
		return errAccess(message)
	case ErrValidation:
		return errValidation(message)
	case ErrUser:
		return newError(http.StatusUnprocessableEntity,
			"odoo.exceptions.UserError", message)
	case ErrMissing:
		return errMissing(message)
	case ErrConflict:
		return newError(http.StatusConflict,
			"psycopg2.errors.SerializationFailure", message)
	case ErrUnavailable:
		return &rpcError{status: http.StatusServiceUnavailable,
			html: htmlPage("503 Service Unavailable", message)}
	case ErrBadGateway:
		return &rpcError{status: http.StatusBadGateway,
			html: htmlPage("502 Bad Gateway", message)}
	case ErrGatewayTimeout:
		return &rpcError{status: http.StatusGatewayTimeout,
			html: htmlPage("504 Gateway Time-out", message)}
	}
	return newError(http.StatusInternalServerError, "builtins.RuntimeError",
		message)
}

func htmlPage(title, message string) string {
	return "<html>\n<head><title>" + title + "</title></head>\n<body>\n" +
		"<center><h1>" + title + "</h1></center>\n<p>" + message +
		"</p>\n</body>\n</html>\n"
}
