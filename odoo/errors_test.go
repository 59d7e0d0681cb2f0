package odoo

import (
	"strings"
	"testing"
)

func TestErrorString(t *testing.T) {
	err := &Error{Model: "res.partner", Method: "create", Status: 422,
		Name:    "odoo.exceptions.ValidationError",
		Message: "The operation cannot be completed: Contacts require a name",
		Debug:   "Traceback (most recent call last):\n  ...\n"}
	want := "odoo: res.partner.create: ValidationError: The operation " +
		"cannot be completed: Contacts require a name"
	if got := err.Error(); got != want {
		t.Errorf("Error(): got %q, want %q", got, want)
	}
}

func TestUserMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"prefix trimmed", &Error{Status: 422,
			Name:      nameValidationError,
			Message:   "The operation cannot be completed: Contacts require a name",
			Arguments: []any{"The operation cannot be completed: Contacts require a name"}},
			"Contacts require a name"},
		{"required field hints dropped", &Error{Status: 422,
			Name: nameValidationError,
			Message: "The operation cannot be completed: Missing required " +
				"value for the field 'Opportunity' (name).\nModel: 'Lead' " +
				"(crm.lead)\n- create/update: a mandatory field is not set\n"},
			"Missing required value for the field 'Opportunity' (name)."},
		{"missing linked record", &Error{Status: 422, Method: "create",
			Name: nameValidationError,
			Message: "The operation cannot be completed: Another model is " +
				"using the record you are trying to delete.\n\nThe " +
				"troublemaker is: 'Lead' (crm.lead)\nThanks to the following " +
				"constraint: 'Contact' (partner_id)\nHow about archiving the " +
				"record instead?"},
			"A linked record does not exist or was deleted (field " +
				"'Contact' (partner_id))."},
		{"redirect warning uses first argument", &Error{Status: 500,
			Name:      nameRedirectWarning,
			Message:   "You cannot delete contacts.\n{'type': 'ir.actions'}\nGo",
			Arguments: []any{"You cannot delete contacts.", map[string]any{}}},
			"You cannot delete contacts."},
		{"invalid key", &Error{Status: 401, Message: "Invalid apikey"},
			"Odoo rejected the API key. Create a new key in Odoo " +
				"(Preferences, Account Security) and connect again."},
		{"unavailable", &Error{Status: 503},
			"Odoo is temporarily unavailable. Try again in a moment."},
		{"database", &Error{Status: 404, Err: ErrDatabaseNotFound},
			"The Odoo database was not found. Check the database name."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.err.Debug = "Traceback (most recent call last):\n  secret\n"
			got := tt.err.UserMessage()
			if got != tt.want {
				t.Errorf("UserMessage(): got %q, want %q", got, tt.want)
			}
			if strings.Contains(got, "Traceback") {
				t.Errorf("UserMessage(): got %q, want no traceback", got)
			}
		})
	}
}

func TestIsTransient(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"502", &Error{Status: 502}, true},
		{"503", &Error{Status: 503}, true},
		{"504", &Error{Status: 504}, true},
		{"409", &Error{Status: 409}, true},
		{"serialization", &Error{Status: 500,
			Name: "psycopg2.errors.SerializationFailure"}, true},
		{"validation", &Error{Status: 422, Name: nameValidationError}, false},
		{"server error", &Error{Status: 500, Name: "builtins.ValueError"},
			false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		if got := IsTransient(tt.err); got != tt.want {
			t.Errorf("IsTransient(%s): got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestErrorKindsAreExclusive(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"401", &Error{Status: 401,
			Name: "werkzeug.exceptions.Unauthorized"}, "IsInvalidKey"},
		{"access denied on JSON-RPC", &Error{Status: 200,
			Name: nameAccessDenied}, "IsInvalidKey"},
		{"403", &Error{Status: 403, Name: nameAccessError},
			"IsAccessDenied"},
		{"access error on JSON-RPC", &Error{Status: 200,
			Name: nameAccessError}, "IsAccessDenied"},
		{"user error", &Error{Status: 422, Name: nameUserError},
			"IsValidation"},
		{"redirect warning", &Error{Status: 500, Name: nameRedirectWarning},
			"IsValidation"},
		{"missing record", &Error{Status: 404, Name: nameMissingError},
			"IsMissing"},
		{"unknown model", &Error{Status: 404, Name: nameNotFound},
			"IsNotFound"},
		{"not found name without 404", &Error{Status: 200,
			Name: nameNotFound}, ""},
		{"value error", &Error{Status: 500, Name: "builtins.ValueError"}, ""},
		{"kind set by the client", &Error{Status: 200,
			Name: nameUserError, kind: kindNotFound}, "IsNotFound"},
	}
	helpers := map[string]func(error) bool{
		"IsAccessDenied": IsAccessDenied, "IsValidation": IsValidation,
		"IsMissing": IsMissing, "IsNotFound": IsNotFound,
		"IsInvalidKey": IsInvalidKey,
	}
	for _, tt := range tests {
		for name, helper := range helpers {
			want := name == tt.want
			if got := helper(tt.err); got != want {
				t.Errorf("%s(%s): got %v, want %v", name, tt.name, got, want)
			}
		}
	}
}
