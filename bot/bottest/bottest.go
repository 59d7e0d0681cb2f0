// Package bottest wires the bot's real stack for tests of connectors and
// the bot itself: the Service over a conversation engine with a bbolt
// store in a temporary folder, the rules understanding, and the Odoo
// simulator on 127.0.0.1.
package bottest

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot"
	"github.com/crmbot/crmbot/conversation"
	"github.com/crmbot/crmbot/conversation/understand"
	"github.com/crmbot/crmbot/odoo"
	"github.com/crmbot/crmbot/odoo/odoosim"
)

// NewStack returns the bot's Handler and the simulator it writes to. The
// bot calls Odoo with key, or with the simulator's administrator key when
// key is empty. Phone numbers default to region CN and dates to UTC.
// Everything is closed when the test ends.
func NewStack(t testing.TB, key string) (*bot.Service, *odoosim.Server) {
	t.Helper()
	sim := odoosim.New(odoosim.Options{})
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })

	if key == "" {
		key = sim.AdminKey()
	}
	client, err := odoo.New(odoo.Config{URL: url, Database: sim.Database(), APIKey: key})
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
