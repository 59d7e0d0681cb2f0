package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/bot"
	"github.com/crmbot/crmbot/bot/bottest"
	"github.com/crmbot/crmbot/odoo/odoosim"
)

// chat drives a Service wired to the rules, a bbolt store and the Odoo
// simulator, as one user of one chat.
type chat struct {
	t       *testing.T
	sim     *odoosim.Server
	service *bot.Service
	last    []bot.Reply
	seq     int
}

func newChat(t *testing.T) *chat { return newChatWithKey(t, "") }

// newChatWithKey uses key as the bot's Odoo API key; empty means the
// simulator's administrator key.
func newChatWithKey(t *testing.T, key string) *chat {
	t.Helper()
	service, sim := bottest.NewStack(t, key)
	return &chat{t: t, sim: sim, service: service}
}

func (c *chat) event(ev bot.Event) []bot.Reply {
	c.seq++
	ev.Platform, ev.ChatID, ev.UserID = "test", "c1", "u1"
	ev.EventID = fmt.Sprintf("e%d", c.seq)
	c.last = c.service.Handle(context.Background(), ev)
	return c.last
}

func (c *chat) say(text string) []bot.Reply { return c.event(bot.Event{Text: text}) }

func (c *chat) click(label string) []bot.Reply {
	c.t.Helper()
	for _, r := range c.last {
		for _, b := range r.Buttons {
			if b.Label == label {
				return c.event(bot.Event{Action: b.Token})
			}
		}
	}
	c.t.Fatalf("no %q button in %+v", label, c.last)
	return nil
}

func joined(replies []bot.Reply) string {
	var b strings.Builder
	for _, r := range replies {
		b.WriteString(r.Text + "\n")
		for _, f := range r.Fields {
			b.WriteString(f.Label + ": " + f.Value + "\n")
		}
	}
	return b.String()
}

func TestOdooRefusalsShownPlainly(t *testing.T) {
	tests := []struct {
		kind    odoosim.ErrorKind
		message string
		want    string
	}{
		{odoosim.ErrAccess, "You are not allowed to create 'Contact' (res.partner) records.",
			"You are not allowed to create 'Contact' (res.partner) records."},
		{odoosim.ErrValidation, "The operation cannot be completed: Contacts require a name",
			"Contacts require a name"},
	}
	for _, tt := range tests {
		t.Run(tt.message[:12], func(t *testing.T) {
			c := newChat(t)
			c.say("new customer Refusal Ltd")
			c.say("skip")
			c.say("skip")
			c.sim.InjectError("res.partner", "create", tt.kind, tt.message)

			out := c.click("Confirm")
			text := joined(out)
			if !strings.Contains(text, tt.want) {
				t.Errorf("reply %q does not contain Odoo's reason %q", text, tt.want)
			}
			for _, leak := range []string{"Traceback", "odoo.exceptions", "debug"} {
				if strings.Contains(text, leak) {
					t.Errorf("reply %q shows %q to the user", text, leak)
				}
			}
			if !out[0].ReplaceSource {
				t.Error("failure reply does not replace the preview")
			}

			// Fix the name through Edit, then confirm again.
			c.click("Edit")
			c.click("Name")
			c.say("Refusal Fixed Ltd")
			out = c.click("Confirm")
			if out[0].Record == nil || out[0].Record.Model != "res.partner" {
				t.Fatalf("confirm after fix = %q, want a created partner", joined(out))
			}
			var names []string
			for _, p := range c.sim.Records("res.partner") {
				if strings.HasPrefix(p["name"].(string), "Refusal") {
					names = append(names, p["name"].(string))
				}
			}
			if strings.Join(names, ",") != "Refusal Fixed Ltd" {
				t.Errorf("partners = %v, want only Refusal Fixed Ltd", names)
			}
		})
	}
}

func TestOdooUnavailableKeepsDraft(t *testing.T) {
	c := newChat(t)
	c.say("new customer Outage GmbH")
	c.say("skip")
	c.say("skip")
	c.sim.InjectError("res.partner", "create", odoosim.ErrUnavailable, "")
	out := c.click("Confirm")
	if text := joined(out); !strings.Contains(text, "could not be reached") {
		t.Errorf("reply to a 503 = %q, want the outage message", text)
	}
	out = c.click("Try again")
	if out[0].Record == nil {
		t.Fatalf("retry = %q, want the partner created", joined(out))
	}
}

func TestOdooFalseNeverShown(t *testing.T) {
	c := newChat(t)
	// 王芳 is stored with no email, phone or company: Odoo sends false.
	out := c.say("新商机 王芳 5万")
	text := joined(out)
	if strings.Contains(text, "false") {
		t.Errorf("reply shows Odoo's false: %q", text)
	}
	c.say("官网改版")
	out = c.say("跳过")
	text = joined(out)
	for _, want := range []string{"客户: 王芳", "预计收入: 50,000"} {
		if !strings.Contains(text, want) {
			t.Errorf("preview %q does not contain %q", text, want)
		}
	}
	out = c.click("确认")
	if out[0].Record == nil || out[0].Record.Model != "crm.lead" {
		t.Fatalf("confirm = %q, want a lead", joined(out))
	}
	leads := c.sim.Records("crm.lead")
	lead := leads[len(leads)-1]
	if got := fmt.Sprint(lead["partner_id"]); got != "[12 王芳]" {
		t.Errorf("lead partner_id = %s, want [12 王芳]", got)
	}
	if lead["type"] != "opportunity" {
		t.Errorf("lead type = %v, want opportunity", lead["type"])
	}
}

func TestPartnerChoice(t *testing.T) {
	c := newChat(t)
	c.say("new customer Acme Robotics")
	c.say("skip")
	c.say("skip")
	c.click("Confirm")

	out := c.say("new opportunity for Acme, 50k")
	if len(out) != 1 || len(out[0].Buttons) != 4 {
		t.Fatalf("reply = %+v, want a choice of 2 partners, create, cancel", out)
	}
	for _, b := range out[0].Buttons {
		if strings.Contains(b.Label, "false") {
			t.Errorf("button label %q shows Odoo's false", b.Label)
		}
	}
	c.click(out[0].Buttons[1].Label)
	c.say("Robot arms")
	out = c.say("skip")
	if text := joined(out); !strings.Contains(text, "Customer: ") {
		t.Fatalf("preview = %q", text)
	}
	c.click("Confirm")
}

func TestOdooServerErrorIsRejection(t *testing.T) {
	c := newChat(t)
	c.say("new customer Crash Ltd")
	c.say("skip")
	c.say("skip")
	c.sim.InjectError("res.partner", "create", odoosim.ErrServer, "invalid input syntax for type integer")
	text := joined(c.click("Confirm"))
	if strings.Contains(text, "could not be reached") {
		t.Errorf("an Odoo exception was reported as an outage: %q", text)
	}
	if !strings.Contains(text, "invalid input syntax") {
		t.Errorf("reply %q does not give Odoo's reason", text)
	}
}

func TestRevokedKeyTold(t *testing.T) {
	c := newChatWithKey(t, "revoked-key")
	out := c.say("new opportunity for Acme, 5k")
	if text := joined(out); !strings.Contains(text, "API key") {
		t.Errorf("lookup with a revoked key = %q, want the key named as the cause", text)
	}

	c.say("cancel")
	c.say("new customer Keyless Ltd")
	c.say("skip")
	c.say("skip")
	out = c.click("Confirm")
	if text := joined(out); !strings.Contains(text, "API key") {
		t.Errorf("confirm with a revoked key = %q, want the key named as the cause", text)
	}
	for _, b := range out[0].Buttons {
		if b.Label == "Edit" {
			t.Error("Edit is offered although no change to the draft can fix a revoked key")
		}
	}
}
