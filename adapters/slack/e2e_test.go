package slack

import (
	"strings"
	"testing"

	"github.com/crmbot/crmbot/bot"
	"github.com/crmbot/crmbot/bot/bottest"
	"github.com/crmbot/crmbot/odoo/odoosim"
)

// newService returns the bot's real Handler over the Odoo simulator.
func newService(t *testing.T) (*bot.Service, *odoosim.Server) {
	t.Helper()
	return bottest.NewStack(t, "")
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
