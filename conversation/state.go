package conversation

import "time"

// Phase is the position of a conversation in the state machine.
type Phase string

// Phases of a conversation; the package documentation draws the moves.
const (
	PhaseIdle       Phase = "idle"
	PhaseCollecting Phase = "collecting"
	PhaseChoosing   Phase = "choosing"
	PhaseConfirming Phase = "confirming"
	PhaseExecuting  Phase = "executing"
	PhaseDone       Phase = "done"
	PhaseFailed     Phase = "failed"
	PhaseCancelled  Phase = "cancelled"
)

// active reports whether the phase belongs to an unfinished action.
func (p Phase) active() bool {
	switch p {
	case PhaseCollecting, PhaseChoosing, PhaseConfirming, PhaseExecuting, PhaseFailed:
		return true
	}
	return false
}

// Ref is an existing Odoo record that a slot refers to.
type Ref struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Detail string `json:"detail,omitempty"`
}

// Draft is the action being gathered: an intent and its slot values.
type Draft struct {
	Intent string `json:"intent"`
	// Values holds normalized slot values as text: an international
	// phone number, a lower-case email, an amount such as "50000", a date
	// as YYYY-MM-DD, or a partner's name as the user wrote it.
	Values map[string]string `json:"values,omitempty"`
	// Refs holds the records that reference slots resolved to.
	Refs map[string]Ref `json:"refs,omitempty"`
	// Asked lists optional slots already asked for, so each is asked once.
	Asked []string `json:"asked,omitempty"`
}

func (d *Draft) value(slot string) string { return d.Values[slot] }

// label names the draft for messages: its name, or for a draft without
// one the partner it is for; empty when neither is known yet.
func (d *Draft) label() string {
	if v := d.value(SlotName); v != "" {
		return quote(v)
	}
	return quote(d.value(SlotPartner))
}

func (d *Draft) set(slot, value string) {
	if d.Values == nil {
		d.Values = map[string]string{}
	}
	d.Values[slot] = value
}

func (d *Draft) asked(slot string) bool {
	for _, s := range d.Asked {
		if s == slot {
			return true
		}
	}
	return false
}

// State is one conversation, stored as JSON under its key.
type State struct {
	Key   string `json:"key"`
	Phase Phase  `json:"phase"`
	// Owner is the user who started the current action; in a group chat
	// only the owner's clicks act on its buttons.
	Owner string `json:"owner,omitempty"`
	// Lang is the reply language, "en" or "zh".
	Lang  string `json:"lang,omitempty"`
	Draft Draft  `json:"draft"`
	// Suspended is an action the user left to start another one; it
	// resumes when the other one ends.
	Suspended *Draft `json:"suspended,omitempty"`
	// Pending is the slot the bot asked for last.
	Pending string `json:"pending,omitempty"`
	// Choices are the candidates offered while choosing for slot Pending.
	Choices []Ref `json:"choices,omitempty"`
	// Version counts the previews and choice lists shown; every button
	// names the version it belongs to.
	Version int `json:"version"`
	// Result is the record written by the last executed action.
	Result *Result `json:"result,omitempty"`
	// Failure is the user-safe reason of the last failed execution.
	Failure   string    `json:"failure,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Result names the record an executed action wrote.
type Result struct {
	Model string `json:"model"`
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	URL   string `json:"url,omitempty"`
}
