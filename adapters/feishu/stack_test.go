package feishu_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmbot/crmbot/adapters/feishu"
	"github.com/crmbot/crmbot/adapters/feishu/feishutest"
	"github.com/crmbot/crmbot/bot"
	"github.com/crmbot/crmbot/bot/bottest"
	"github.com/crmbot/crmbot/odoo/odoosim"
)

const stackWait = 5 * time.Second

// newStack returns the bot's real handler over the Odoo simulator.
func newStack(t *testing.T) (*bot.Service, *odoosim.Server) {
	t.Helper()
	return bottest.NewStack(t, "")
}

func TestStackCreatesPartnerOnConfirm(t *testing.T) {
	service, sim := newStack(t)
	const user = "ou_sales1"
	appID := feishutest.AppID(t)
	srv := feishutest.NewServer(t, feishutest.Options{AppID: appID, AppSecret: "stack-secret"})
	a, err := feishu.New(feishu.Config{AppID: appID, AppSecret: "stack-secret", Domain: srv.URL()}, service, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	srv.WaitConnected(t, stackWait)

	// The bot requests two optional details, and each "skip" passes one.
	chat := feishutest.P2PChatID(user)
	sent := 0
	for _, text := range []string{"new customer Acme Robotics", "skip", "skip"} {
		srv.SendP2P(user, text)
		sent = len(srv.WaitMessages(t, chat, sent+1, stackWait))
	}

	msgs := srv.Messages(chat)
	preview := msgs[len(msgs)-1]
	var confirm *feishutest.Button
	for i, b := range preview.Buttons {
		if b.Label == "Confirm" {
			confirm = &preview.Buttons[i]
		}
	}
	if confirm == nil {
		t.Fatalf("last message %q has no Confirm button: %+v", preview.Text, preview.Buttons)
	}

	// Two clicks on the same button: the second must not create again.
	for range 2 {
		click := srv.Click(preview.ID, confirm.Value, user)
		if ack := srv.WaitAck(t, click, stackWait); ack.Code != 200 {
			t.Fatalf("got ack code %d, want 200", ack.Code)
		}
	}

	var names []string
	for _, p := range sim.Records("res.partner") {
		if name, _ := p["name"].(string); name == "Acme Robotics" {
			names = append(names, name)
		}
	}
	if len(names) != 1 {
		t.Errorf("got %d partners named Acme Robotics, want 1", len(names))
	}
	updated := srv.Messages(chat)[len(msgs)-1]
	if len(updated.Buttons) != 0 {
		t.Errorf("got buttons %+v on the confirmed preview, want none", updated.Buttons)
	}
}
