package feishu_test

import (
	"context"
	"testing"

	"github.com/crmbot/crmbot/adapters/adaptertest"
	"github.com/crmbot/crmbot/adapters/feishu"
	"github.com/crmbot/crmbot/adapters/feishu/feishutest"
	"github.com/crmbot/crmbot/bot"
)

const contractUser = "ou_contract"

// contractHarness drives the Feishu connector over the long connection
// through feishutest, as one user in a private chat.
type contractHarness struct {
	srv   *feishutest.Server
	appID string
	last  feishutest.Event
}

func (h *contractHarness) Start(t *testing.T, handler bot.Handler) {
	a, err := feishu.New(feishu.Config{AppID: h.appID, AppSecret: "contract-secret", Domain: h.srv.URL()}, handler, nil)
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
	h.srv.WaitConnected(t, adaptertest.Timeout)
}

func (h *contractHarness) SendText(t *testing.T, text string) {
	h.last = h.srv.SendP2P(contractUser, text)
}

func (h *contractHarness) Click(t *testing.T, index int, label string) {
	m := h.srv.Messages(feishutest.P2PChatID(contractUser))[index]
	for _, b := range m.Buttons {
		if b.Label == label {
			h.last = h.srv.Click(m.ID, b.Value, contractUser)
			return
		}
	}
	t.Fatalf("message %d has no %q button", index, label)
}

// RedeliverLast pushes the last message again with a new event id, as
// Feishu does when it did not see the acknowledgement.
func (h *contractHarness) RedeliverLast(t *testing.T) { h.srv.Redeliver(h.last) }

func (h *contractHarness) Messages(t *testing.T) []adaptertest.Message {
	var out []adaptertest.Message
	for _, m := range h.srv.Messages(feishutest.P2PChatID(contractUser)) {
		msg := adaptertest.Message{Text: m.Text}
		for _, b := range m.Buttons {
			msg.Buttons = append(msg.Buttons, b.Label)
		}
		out = append(out, msg)
	}
	return out
}

func TestConnectorContract(t *testing.T) {
	adaptertest.Run(t, func(t *testing.T) adaptertest.Harness {
		appID := feishutest.AppID(t)
		return &contractHarness{srv: feishutest.NewServer(t, feishutest.Options{AppID: appID, AppSecret: "contract-secret"}), appID: appID}
	})
}
