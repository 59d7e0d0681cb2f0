package conversation

import (
	"context"
	"time"
)

// Command intents that the state machine handles itself.
const (
	IntentCancel = "cancel"
	IntentHelp   = "help"
)

// UnderstandRequest is one free-text turn to interpret.
type UnderstandRequest struct {
	Text string
	// Intent is the intent being gathered, empty when idle.
	Intent string
	// Pending is the slot the bot last asked for, empty if none.
	Pending string
	// Now is the current time in the user's time zone; relative dates
	// resolve against it.
	Now time.Time
}

// Understanding proposes an intent and raw slot values. Values are
// untrusted text: the engine parses and validates each one.
type Understanding struct {
	// Intent is an Intent.Name, IntentCancel, IntentHelp, or empty when
	// the text names no intent (for example a reply to a question).
	Intent string
	// Values maps slot names to raw text as the user wrote it.
	Values map[string]string
}

// Understander interprets free text. Implementations: rules only, or an
// LLM with the rules as fallback. An implementation that fails may return
// a partial Understanding with its error; the engine uses it when it names
// an intent or values.
type Understander interface {
	Understand(ctx context.Context, req UnderstandRequest) (Understanding, error)
}
