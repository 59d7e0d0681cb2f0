package bot

import "context"

// Event is one platform update, normalized by a connector in adapters/.
// Exactly one of Text and Action is set.
type Event struct {
	// Platform names the connector: "telegram", "console", "slack", "feishu".
	Platform string
	// ChatID identifies the chat (a private chat, a group or a thread).
	ChatID string
	// UserID identifies the sender within the platform.
	UserID string
	// UserName is the sender's display name, for logs and group replies.
	UserName string
	// EventID is unique per platform update and stable across redelivery,
	// so the bot can process a redelivered update once.
	EventID string
	// MessageID is the platform's id of the message that was sent or, for
	// a click, of the message that carried the button.
	MessageID string
	// Text is the user's message.
	Text string
	// Action is the opaque token of the button that was clicked.
	Action string
	// Group reports whether the chat has more than one human member.
	Group bool
	// Locale is the sender's language tag when the platform reports one
	// ("en", "zh-CN"); empty means unknown.
	Locale string
	// Edited reports that Text is a new version of an earlier message.
	Edited bool
}

// Button is one choice under a reply. Token is at most 64 bytes, opaque
// to connectors, and comes back as Event.Action when the button is clicked.
type Button struct {
	Label string
	Token string
}

// Field is one labelled line of a preview.
type Field struct {
	Label string
	Value string
}

// Record names an Odoo record that an action created or changed.
type Record struct {
	Model string
	ID    int64
	URL   string
}

// Reply is one message from the bot, free of platform markup: connectors
// escape Text and Fields for their own format.
type Reply struct {
	Text    string
	Fields  []Field
	Buttons []Button
	Record  *Record
	// ReplaceSource asks the connector to edit the message that carried the
	// clicked button (Event.MessageID) instead of sending a new message, so
	// the old buttons disappear. Connectors that cannot edit send it anew.
	ReplaceSource bool
}

// Handler turns one event into the replies to send, in order. It never
// fails: errors become replies that tell the user what to do.
type Handler interface {
	Handle(ctx context.Context, ev Event) []Reply
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, ev Event) []Reply

// Handle calls f(ctx, ev).
func (f HandlerFunc) Handle(ctx context.Context, ev Event) []Reply { return f(ctx, ev) }
