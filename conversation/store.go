package conversation

import (
	"context"
	"time"
)

// Store persists conversations. Every event is handled in one Update
// transaction, so a crash leaves either the old or the new state.
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
	View(ctx context.Context, fn func(Tx) error) error
	Close() error
}

// Tx is one transaction of a Store. Its methods must not be used after
// the function passed to Update or View returns.
type Tx interface {
	State(key string) (State, bool, error)
	PutState(s State) error

	Button(token string) (ButtonRef, bool, error)
	PutButton(token string, b ButtonRef) error

	// MarkEvent records a platform event id until expires and reports
	// whether it had been recorded before.
	MarkEvent(id string, expires time.Time) (seen bool, err error)
	// EventSeen reports whether MarkEvent recorded id.
	EventSeen(id string) (bool, error)

	Outbox() ([]OutboxEntry, error)
	PutOutbox(e OutboxEntry) error
	DeleteOutbox(key string) error

	AppendAudit(e AuditEntry) error
	Audit(fn func(AuditEntry) error) error

	// Purge deletes buttons and event ids that expired before now.
	Purge(now time.Time) error
}

// ButtonRef is what a button token stands for.
type ButtonRef struct {
	Key     string    `json:"key"`
	Version int       `json:"version"`
	Action  string    `json:"action"`
	Arg     int       `json:"arg,omitempty"`
	Expires time.Time `json:"expires"`
}

// OutboxEntry is a confirmed action not yet known to be written to Odoo.
type OutboxEntry struct {
	Key     string    `json:"key"`
	Version int       `json:"version"`
	Draft   Draft     `json:"draft"`
	Created time.Time `json:"created"`
	// Attempts counts the executions started for this entry.
	Attempts int `json:"attempts"`
	// Steps holds the ids of records written by earlier steps of a
	// multi-step action, by step name, so a retry skips them.
	Steps map[string]int64 `json:"steps,omitempty"`
}

// AuditEntry records one executed action.
type AuditEntry struct {
	Time    time.Time `json:"time"`
	Key     string    `json:"key"`
	User    string    `json:"user"`
	Intent  string    `json:"intent"`
	Model   string    `json:"model,omitempty"`
	ID      int64     `json:"id,omitempty"`
	Outcome string    `json:"outcome"`
	Detail  string    `json:"detail,omitempty"`
	// Values are the slot values the action wrote or tried to write.
	Values map[string]string `json:"values,omitempty"`
	// Steps are the ids of records written by the steps of the action,
	// such as the contact created with a customer.
	Steps map[string]int64 `json:"steps,omitempty"`
}
