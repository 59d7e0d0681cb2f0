package slot

import "fmt"

// Value kinds reported in Error.Kind.
const (
	KindPhone  = "phone"
	KindEmail  = "email"
	KindAmount = "amount"
	KindDate   = "date"
)

// Error reports an invalid value. Kind is "phone", "email", "amount" or
// "date", Value is the raw text and Reason is a short English reason for
// logs. The chat reply comes from the engine's message catalog, not from
// Error's text.
type Error struct{ Kind, Value, Reason string }

func (e *Error) Error() string {
	return fmt.Sprintf("invalid %s %q: %s", e.Kind, e.Value, e.Reason)
}

func invalid(kind, value, reason string) *Error {
	return &Error{Kind: kind, Value: value, Reason: reason}
}
