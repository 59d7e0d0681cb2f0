package slack_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/adapters/adaptertest"
	"github.com/crmbot/crmbot/adapters/slack"
	"github.com/crmbot/crmbot/adapters/slack/slacktest"
	"github.com/crmbot/crmbot/bot"
)

const contractUser = "U0CONTRACT"

// contractHarness drives the Slack connector in Socket Mode through
// slacktest, as one user in a direct message.
type contractHarness struct {
	srv  *slacktest.Server
	last slacktest.Sent
}

func (h *contractHarness) Start(t *testing.T, handler bot.Handler) {
	a, err := slack.New(slack.Config{BotToken: slacktest.BotToken, AppToken: slacktest.AppToken,
		APIURL: h.srv.APIURL()}, handler, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	deadline := time.Now().Add(adaptertest.Timeout)
	for !h.srv.Connected() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
}

func (h *contractHarness) SendText(t *testing.T, text string) {
	h.last = h.srv.SendDM(contractUser, text)
}

func (h *contractHarness) Click(t *testing.T, index int, label string) {
	m := h.srv.Messages(slacktest.DMChannel(contractUser))[index]
	for _, b := range m.Buttons {
		if b.Text == label {
			h.last = h.srv.Click(m.TS, b.Value, contractUser)
			return
		}
	}
	t.Fatalf("message %d has no %q button", index, label)
}

func (h *contractHarness) RedeliverLast(t *testing.T) {
	h.srv.Redeliver(h.last.EnvelopeIDs[len(h.last.EnvelopeIDs)-1])
}

// Messages returns the text as Slack shows it: the connector sends text
// as plain_text, which Slack shows as written.
func (h *contractHarness) Messages(t *testing.T) []adaptertest.Message {
	var out []adaptertest.Message
	for _, m := range h.srv.Messages(slacktest.DMChannel(contractUser)) {
		text := m.Text
		if len(m.Sections) > 0 {
			text = strings.Join(m.Sections, "\n")
		}
		msg := adaptertest.Message{Text: text}
		for _, b := range m.Buttons {
			msg.Buttons = append(msg.Buttons, b.Text)
		}
		out = append(out, msg)
	}
	return out
}

func TestConnectorContract(t *testing.T) {
	adaptertest.Run(t, func(t *testing.T) adaptertest.Harness {
		return &contractHarness{srv: slacktest.NewServer(t)}
	})
}
