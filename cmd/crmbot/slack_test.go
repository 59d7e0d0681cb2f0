package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/adapters/slack/slacktest"
)

// TestRunSlackCreatesCustomer runs "crmbot run" with platform slack, in
// Socket Mode, against the fake Slack and the Odoo simulator.
func TestRunSlackCreatesCustomer(t *testing.T) {
	sim, url := startSim(t)
	fake := slacktest.NewServer(t)
	cfg := writeConfig(t, fmt.Sprintf(`platform: slack
slack: {api_url: %q}
odoo: {url: %q, database: %q}
state: {path: %q}
region: US
`, fake.APIURL(), url, sim.Database(), filepath.Join(t.TempDir(), "state.db")))
	t.Setenv(envOdooKey, sim.AdminKey())
	t.Setenv(envSlackBotToken, slacktest.BotToken)
	t.Setenv(envSlackAppToken, slacktest.AppToken)

	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"run", "--config", cfg}, nil, &stdout, &stderr) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v\n%s", err, stderr.String())
		}
	}()
	eventually(t, "the Socket Mode connection", fake.Connected)

	const user = "U0CUSTOMER"
	dm := slacktest.DMChannel(user)
	fake.SendDM(user, "new customer Slack Robotics")
	fake.WaitMessages(t, dm, 1, waitFor)
	fake.SendDM(user, "+1 415 555 0100")
	fake.WaitMessages(t, dm, 2, waitFor)
	fake.SendDM(user, "ops@slackrobotics.example")
	msgs := fake.WaitMessages(t, dm, 3, waitFor)
	preview := msgs[2]
	var confirm string
	for _, b := range preview.Buttons {
		if b.Text == "Confirm" {
			confirm = b.Value
		}
	}
	if confirm == "" {
		t.Fatalf("preview has no Confirm button: %+v", preview)
	}
	fake.Click(preview.TS, confirm, user)
	eventually(t, "the partner", func() bool { return len(partnersNamed(sim, "Slack Robotics")) == 1 })
	p := partnersNamed(sim, "Slack Robotics")[0]
	if p["phone"] != "+1 415-555-0100" || p["email"] != "ops@slackrobotics.example" {
		t.Errorf("partner = %v, want the normalized phone and email", p)
	}
	eventually(t, "the preview to lose its buttons", func() bool {
		m := fake.Messages(dm)[2]
		return len(m.Buttons) == 0 && strings.Contains(m.Text+strings.Join(m.Sections, " "), "Created")
	})
}
