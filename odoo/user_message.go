package odoo

import (
	"net/http"
	"regexp"
	"strings"
)

// operationPrefix starts the messages of errors that Odoo raises from
// database constraints. It means nothing to a user.
const operationPrefix = "The operation cannot be completed:"

// inUseConstraint matches the message Odoo 19 sends when a many2one or
// many2many value names a record that does not exist. The wording talks
// about deleting a record, which misleads on create and write.
var inUseConstraint = regexp.MustCompile(
	`Another model is using the record you are trying to delete\.[\s\S]*` +
		`constraint: ([^\n]+)`)

// UserMessage returns Odoo's message in plain words, safe to show a chat
// user: without the traceback, without the "The operation cannot be
// completed:" prefix and without the technical hints that follow a missing
// required field. For failures that carry no Odoo message it returns a
// short description of the failure class.
func (e *Error) UserMessage() string {
	switch {
	case IsDatabaseNotFound(e):
		return "The Odoo database was not found. Check the database name."
	case e.Status == http.StatusUnauthorized, IsInvalidKey(e):
		return "Odoo rejected the API key. Create a new key in Odoo " +
			"(Preferences, Account Security) and connect again."
	case e.Status == 0 && e.Err != nil:
		return "Odoo could not be reached. Try again in a moment."
	case e.Status >= 502 && e.Status <= 504:
		return "Odoo is temporarily unavailable. Try again in a moment."
	}

	text := e.plainMessage()
	if text == "" {
		return "Odoo could not complete the request."
	}
	return text
}

// plainMessage returns the first exception argument, or the message, with
// the constraint prefix and technical hints removed.
func (e *Error) plainMessage() string {
	text := e.Message
	// The first argument is the message without the extra lines that some
	// exceptions (RedirectWarning) append to it.
	if len(e.Arguments) > 0 {
		if first, ok := e.Arguments[0].(string); ok && first != "" {
			text = first
		}
	}
	text = strings.TrimSpace(text)
	text = strings.TrimSpace(strings.TrimPrefix(text, operationPrefix))

	if m := inUseConstraint.FindStringSubmatch(text); m != nil &&
		e.Method != "unlink" {
		return "A linked record does not exist or was deleted " +
			"(field " + strings.TrimSpace(m[1]) + ")."
	}

	// "Missing required value for the field 'X' (x).\nModel: ...\n- hints"
	if strings.HasPrefix(text, "Missing required value") {
		text, _, _ = strings.Cut(text, "\n")
	}
	return text
}
