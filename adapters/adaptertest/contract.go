// Package adaptertest is the contract every chat connector must meet,
// written once as a test suite. Each connector's tests implement Harness
// on the connector's platform fake and call Run.
package adaptertest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot"
)

// Timeout bounds every wait of the suite.
const Timeout = 10 * time.Second

// Message is a bot message as the user now sees it, after edits.
type Message struct {
	Text    string
	Buttons []string
}

// Harness drives one connector through its platform fake, as one user in
// a private chat.
type Harness interface {
	// Start runs the connector with h until the test ends.
	Start(t *testing.T, h bot.Handler)
	// SendText delivers a text message from the user.
	SendText(t *testing.T, text string)
	// Click presses the button labelled label on the bot message at
	// index (as counted by Messages).
	Click(t *testing.T, index int, label string)
	// RedeliverLast delivers the user's last update again, as the
	// platform does when it did not see an acknowledgement. Connectors
	// whose platform never redelivers may skip the test with t.Skip.
	RedeliverLast(t *testing.T)
	// Messages returns the bot's messages in the chat, oldest first.
	Messages(t *testing.T) []Message
}

// recorder is the bot side of the suite: it records events and answers
// text with a preview and clicks with a replacement.
type recorder struct {
	mu     sync.Mutex
	events []bot.Event
}

func (r *recorder) Handle(_ context.Context, ev bot.Event) []bot.Reply {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
	if ev.Action != "" {
		return []bot.Reply{{Text: "done " + ev.Action, ReplaceSource: true}}
	}
	return []bot.Reply{{
		Text:    "preview of " + ev.Text + " <b>&amp; *x*",
		Fields:  []bot.Field{{Label: "Name", Value: ev.Text}},
		Buttons: []bot.Button{{Label: "Confirm", Token: "tok-confirm"}, {Label: "Cancel", Token: "tok-cancel"}},
	}}
}

func (r *recorder) snapshot() []bot.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Event(nil), r.events...)
}

// waitFor polls cond until it holds or Timeout passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(Timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Run runs the contract against the connector that newHarness builds,
// one fresh harness per case.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("TextReachesHandler", func(t *testing.T) { textReachesHandler(t, newHarness(t)) })
	t.Run("ReplyShowsButtons", func(t *testing.T) { replyShowsButtons(t, newHarness(t)) })
	t.Run("ClickReplacesPreview", func(t *testing.T) { clickReplacesPreview(t, newHarness(t)) })
	t.Run("RedeliveryKeepsEventID", func(t *testing.T) { redeliveryKeepsEventID(t, newHarness(t)) })
	t.Run("MarkupShownLiterally", func(t *testing.T) { markupShownLiterally(t, newHarness(t)) })
}

func start(t *testing.T, h Harness) *recorder {
	rec := &recorder{}
	h.Start(t, rec)
	return rec
}

func textReachesHandler(t *testing.T, h Harness) {
	rec := start(t, h)
	h.SendText(t, "new customer Acme")
	waitFor(t, "the event", func() bool { return len(rec.snapshot()) == 1 })
	ev := rec.snapshot()[0]
	if ev.Text != "new customer Acme" {
		t.Errorf("Text = %q, want the message", ev.Text)
	}
	if ev.Platform == "" || ev.ChatID == "" || ev.UserID == "" {
		t.Errorf("event %+v lacks Platform, ChatID or UserID", ev)
	}
	if ev.Action != "" {
		t.Errorf("Action = %q on a text message", ev.Action)
	}
}

func replyShowsButtons(t *testing.T, h Harness) {
	start(t, h)
	h.SendText(t, "Acme")
	waitFor(t, "the preview", func() bool { return len(h.Messages(t)) == 1 })
	m := h.Messages(t)[0]
	if !strings.Contains(m.Text, "preview of Acme") {
		t.Errorf("preview text = %q", m.Text)
	}
	if strings.Join(m.Buttons, ",") != "Confirm,Cancel" {
		t.Errorf("buttons = %v, want Confirm, Cancel", m.Buttons)
	}
}

func clickReplacesPreview(t *testing.T, h Harness) {
	rec := start(t, h)
	h.SendText(t, "Acme")
	waitFor(t, "the preview", func() bool { return len(h.Messages(t)) == 1 })
	h.Click(t, 0, "Confirm")
	waitFor(t, "the click", func() bool { return len(rec.snapshot()) == 2 })
	if got := rec.snapshot()[1].Action; got != "tok-confirm" {
		t.Errorf("Action = %q, want the button's token", got)
	}
	waitFor(t, "the preview to be replaced", func() bool {
		msgs := h.Messages(t)
		return len(msgs) > 0 && strings.Contains(msgs[0].Text, "done tok-confirm")
	})
	msgs := h.Messages(t)
	if len(msgs[0].Buttons) != 0 {
		t.Errorf("replaced preview still has buttons %v", msgs[0].Buttons)
	}
	if len(msgs) != 1 {
		t.Errorf("messages = %d after a replacing reply, want 1", len(msgs))
	}
}

func redeliveryKeepsEventID(t *testing.T, h Harness) {
	rec := start(t, h)
	h.SendText(t, "Acme")
	waitFor(t, "the event", func() bool { return len(rec.snapshot()) == 1 })
	h.RedeliverLast(t)
	// The connector may drop the copy itself or pass it on with the same
	// EventID for the bot to drop; both keep the action single.
	time.Sleep(200 * time.Millisecond)
	events := rec.snapshot()
	for _, ev := range events[1:] {
		if ev.EventID != events[0].EventID {
			t.Errorf("redelivered event id %q, first %q: want the same", ev.EventID, events[0].EventID)
		}
	}
	if events[0].EventID == "" {
		t.Error("EventID is empty: a redelivery could not be recognised")
	}
}

func markupShownLiterally(t *testing.T, h Harness) {
	start(t, h)
	h.SendText(t, "Acme")
	waitFor(t, "the preview", func() bool { return len(h.Messages(t)) == 1 })
	if text := h.Messages(t)[0].Text; !strings.Contains(text, "<b>&amp; *x*") {
		t.Errorf("text = %q, want the markup characters shown as typed", text)
	}
}
