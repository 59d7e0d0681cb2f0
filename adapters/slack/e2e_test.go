package slack

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot"
	"github.com/crmbot/crmbot/conversation"
	"github.com/crmbot/crmbot/conversation/understand"
	"github.com/crmbot/crmbot/odoo"
	"github.com/crmbot/crmbot/odoo/odoosim"
)

// newService returns the bot's real Handler over a conversation engine
// with a bolt store and the Odoo simulator.
func newService(t *testing.T) (*bot.Service, *odoosim.Server) {
	t.Helper()
	sim := odoosim.New(odoosim.Options{})
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	client, err := odoo.New(odoo.Config{URL: url, Database: sim.Database(), APIKey: sim.AdminKey()})
	if err != nil {
		t.Fatal(err)
	}
	store, err := conversation.OpenBolt(filepath.Join(t.TempDir(), "state.db"), conversation.BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	engine, err := conversation.NewEngine(conversation.Config{
		Store:        store,
		Backend:      bot.OdooBackend{Client: client},
		Understander: &understand.Rules{Region: "CN"},
		Region:       "CN",
		Location:     time.UTC,
	})
	if err != nil {
		t.Fatal(err)
	}
	return bot.NewService(engine, nil), sim
}

func TestEndToEndCreatesPartner(t *testing.T) {
	service, sim := newService(t)
	hr := startAdapter(t, service.Handle)

	// Each answer waits for the bot's question, as a user would.
	for i, text := range []string{"new customer Acme Robotics", "skip", "skip"} {
		hr.srv.SendDM(testUser, text)
		hr.srv.WaitMessages(t, testDM, i+1, waitLimit)
	}
	msgs := hr.srv.Messages(testDM)
	preview := msgs[len(msgs)-1]
	var confirm string
	for _, b := range preview.Buttons {
		if b.Text == "Confirm" {
			confirm = b.Value
		}
	}
	if confirm == "" {
		t.Fatalf("no Confirm button in the preview %+v", preview)
	}

	click := hr.srv.Click(preview.TS, confirm, testUser)
	waitFor(t, "the preview to be updated", func() bool {
		for _, m := range hr.srv.Messages(testDM) {
			if m.TS == preview.TS && m.Updates > 0 {
				return true
			}
		}
		return false
	})
	// The same click delivered again must not create a second partner.
	hr.srv.WaitAck(t, hr.srv.Redeliver(click.EnvelopeIDs[0]), waitLimit)
	settle()

	var partners []string
	for _, p := range sim.Records("res.partner") {
		if name, _ := p["name"].(string); strings.HasPrefix(name, "Acme Robotics") {
			partners = append(partners, name)
		}
	}
	if len(partners) != 1 {
		t.Errorf("got partners %q, want exactly one Acme Robotics", partners)
	}
	for _, m := range hr.srv.Messages(testDM) {
		if m.TS == preview.TS && len(m.Buttons) != 0 {
			t.Errorf("got buttons %+v on the confirmed preview, want none", m.Buttons)
		}
	}
}
