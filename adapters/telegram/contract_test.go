package telegram_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmbot/crmbot/adapters/adaptertest"
	"github.com/crmbot/crmbot/adapters/telegram"
	"github.com/crmbot/crmbot/adapters/telegram/telegramtest"
	"github.com/crmbot/crmbot/bot"
)

const (
	contractToken = "123456:contract-token"
	contractChat  = int64(4242)
)

// contractHarness drives the Telegram connector through telegramtest.
type contractHarness struct {
	srv        *telegramtest.Server
	lastUpdate int
}

func (h *contractHarness) Start(t *testing.T, handler bot.Handler) {
	a, err := telegram.New(telegram.Config{Token: contractToken, APIEndpoint: h.srv.Endpoint(),
		PollTimeout: time.Second}, handler, nil)
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
}

func (h *contractHarness) SendText(t *testing.T, text string) {
	h.lastUpdate = h.srv.SendText(contractChat, contractChat, text)
}

func (h *contractHarness) Click(t *testing.T, index int, label string) {
	m := h.srv.Messages(contractChat)[index]
	for _, b := range m.Buttons {
		if b.Text == label {
			h.lastUpdate = h.srv.Click(contractChat, contractChat, m.ID, b.Data)
			return
		}
	}
	t.Fatalf("message %d has no %q button", index, label)
}

func (h *contractHarness) RedeliverLast(t *testing.T) { h.srv.Redeliver(h.lastUpdate) }

func (h *contractHarness) Messages(t *testing.T) []adaptertest.Message {
	var out []adaptertest.Message
	for _, m := range h.srv.Messages(contractChat) {
		msg := adaptertest.Message{Text: m.Text}
		for _, b := range m.Buttons {
			msg.Buttons = append(msg.Buttons, b.Text)
		}
		out = append(out, msg)
	}
	return out
}

func TestConnectorContract(t *testing.T) {
	adaptertest.Run(t, func(t *testing.T) adaptertest.Harness {
		return &contractHarness{srv: telegramtest.NewServer(t, contractToken)}
	})
}
