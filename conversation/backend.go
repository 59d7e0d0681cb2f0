package conversation

import (
	"context"
	"errors"
	"fmt"
)

// Backend is the CRM the engine writes confirmed actions to. The bot
// implements it on the Odoo client; values use Odoo field names.
type Backend interface {
	// Create writes one record and returns its id.
	Create(ctx context.Context, model string, vals map[string]any) (int64, error)
	// FindPartners returns up to limit partners whose name matches name.
	FindPartners(ctx context.Context, name string, limit int) ([]Ref, error)
	// FindRecord returns the newest record of model whose fields equal
	// match, so an action whose outcome is unknown is not written twice.
	FindRecord(ctx context.Context, model string, match map[string]any) (int64, bool, error)
	// RecordURL returns a link that opens the record in the CRM.
	RecordURL(model string, id int64) string
}

// BackendErrorKind classifies a backend failure by what the user can do.
type BackendErrorKind int

const (
	// Rejected: the CRM refused the values or the user's rights; retrying
	// the same action fails again, so the user must change something.
	Rejected BackendErrorKind = iota
	// Unavailable: the CRM could not be reached; retrying later may work.
	Unavailable
	// OutcomeUnknown: the request may or may not have been written.
	OutcomeUnknown
	// Misconfigured: the CRM rejected the bot's credentials or database,
	// so no change to the draft helps; an administrator must act.
	Misconfigured
)

// BackendError is a failure of a Backend call, with a message that is safe
// to show to a chat user (never a traceback or a key).
type BackendError struct {
	Kind BackendErrorKind
	// Message is the CRM's reason in plain words.
	Message string
	Err     error
}

func (e *BackendError) Error() string {
	return fmt.Sprintf("backend: %s: %v", e.Message, e.Err)
}

func (e *BackendError) Unwrap() error { return e.Err }

// asBackendError classifies err, treating unknown errors as unavailable.
func asBackendError(err error) *BackendError {
	var be *BackendError
	if errors.As(err, &be) {
		return be
	}
	return &BackendError{Kind: Unavailable, Message: "", Err: err}
}
