package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/adapters/telegram/telegramtest"
	"github.com/crmbot/crmbot/odoo"
	"github.com/crmbot/crmbot/odoo/odoosim"
)

const (
	tgToken = "123456:TEST-token"
	tgChat  = int64(111)
	tgUser  = int64(111)
	waitFor = 10 * time.Second
)

// telegramBot is the real wiring of "crmbot run" with platform telegram,
// against a fake Bot API and the Odoo simulator.
type telegramBot struct {
	t      *testing.T
	tg     *telegramtest.Server
	sim    *odoosim.Server
	url    string
	state  string
	cancel context.CancelFunc
	done   chan error
	app    *app
}

func startTelegramBot(t *testing.T) *telegramBot {
	t.Helper()
	sim := odoosim.New(odoosim.Options{})
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	b := &telegramBot{
		t:     t,
		tg:    telegramtest.NewServer(t, tgToken),
		sim:   sim,
		url:   url,
		state: filepath.Join(t.TempDir(), "state.db"),
	}
	b.start()
	t.Cleanup(b.stop)
	return b
}

func (b *telegramBot) start() {
	b.t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := newApp(context.Background(), appConfig{
		statePath: b.state,
		odoo:      odoo.Config{URL: b.url, Database: b.sim.Database(), APIKey: b.sim.AdminKey()},
		region:    "US",
		location:  time.UTC,
		log:       log,
	})
	if err != nil {
		b.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.app, b.cancel, b.done = a, cancel, make(chan error, 1)
	go func() {
		b.done <- a.runTelegram(ctx, TelegramConfig{APIEndpoint: b.tg.Endpoint(), PollTimeout: time.Second}, tgToken)
	}()
}

// stop cancels the bot and closes its state file, like SIGTERM does.
func (b *telegramBot) stop() {
	if b.cancel == nil {
		return
	}
	b.cancel()
	if err := <-b.done; err != nil {
		b.t.Errorf("telegram connector stopped with %v", err)
	}
	b.app.Close()
	b.cancel = nil
}

// say sends text and waits for the bot's reply count to reach n.
func (b *telegramBot) say(text string, n int) []telegramtest.Message {
	b.t.Helper()
	b.tg.SendText(tgChat, tgUser, text)
	return b.tg.WaitMessages(b.t, tgChat, n, waitFor)
}

func buttonData(t *testing.T, m telegramtest.Message, label string) string {
	t.Helper()
	for _, btn := range m.Buttons {
		if btn.Text == label {
			return btn.Data
		}
	}
	t.Fatalf("message %q has no %q button (buttons %+v)", m.Text, label, m.Buttons)
	return ""
}

// waitFor polls cond until it holds or the wait times out.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestTelegramCreatesCustomer(t *testing.T) {
	b := startTelegramBot(t)

	msgs := b.say("new customer Acme Robotics", 1)
	if !strings.Contains(msgs[0].Text, "phone") {
		t.Fatalf("first reply = %q, want the phone question", msgs[0].Text)
	}
	b.say("+1 415 555 0100", 2)
	msgs = b.say("Sales@AcmeRobotics.example", 3)
	preview := msgs[2]
	for _, want := range []string{"Acme Robotics", "+1 415-555-0100", "sales@acmerobotics.example"} {
		if !strings.Contains(preview.Text, want) {
			t.Errorf("preview %q does not show %q", preview.Text, want)
		}
	}
	confirm := buttonData(t, preview, "Confirm")
	if len(confirm) > 64 {
		t.Errorf("callback data is %d bytes, over Telegram's 64", len(confirm))
	}

	b.tg.Click(tgChat, tgUser, preview.ID, confirm)
	eventually(t, "the preview to be edited", func() bool {
		m := b.tg.Messages(tgChat)[2]
		return m.Edits > 0 && strings.Contains(m.Text, "Created")
	})
	if edited := b.tg.Messages(tgChat)[2]; len(edited.Buttons) != 0 {
		t.Errorf("edited preview still has buttons %+v", edited.Buttons)
	}
	if !strings.Contains(b.tg.Messages(tgChat)[2].RawText, b.url+"/odoo/res.partner/") {
		t.Errorf("done message %q has no link to the partner", b.tg.Messages(tgChat)[2].RawText)
	}
	if got := b.tg.CallbackAnswers(); got != 1 {
		t.Errorf("callback answers = %d, want 1", got)
	}

	partners := partnersNamed(b.sim, "Acme Robotics")
	if len(partners) != 1 {
		t.Fatalf("partners named Acme Robotics = %d, want 1", len(partners))
	}
	p := partners[0]
	if p["phone"] != "+1 415-555-0100" {
		t.Errorf("phone = %v, want +1 415-555-0100", p["phone"])
	}
	if p["email"] != "sales@acmerobotics.example" {
		t.Errorf("email = %v, want sales@acmerobotics.example", p["email"])
	}
	if p["is_company"] != true {
		t.Errorf("is_company = %v, want true", p["is_company"])
	}
}

func partnersNamed(sim *odoosim.Server, name string) []map[string]any {
	var out []map[string]any
	for _, r := range sim.Records("res.partner") {
		if r["name"] == name {
			out = append(out, r)
		}
	}
	return out
}

func TestTelegramDoubleClickAndRedelivery(t *testing.T) {
	b := startTelegramBot(t)
	b.say("new customer Twice Ltd", 1)
	b.say("skip", 2)
	msgs := b.say("skip", 3)
	preview := msgs[2]
	confirm := buttonData(t, preview, "Confirm")

	first := b.tg.Click(tgChat, tgUser, preview.ID, confirm)
	b.tg.Click(tgChat, tgUser, preview.ID, confirm)
	b.tg.Redeliver(first)
	eventually(t, "three callback queries answered", func() bool { return b.tg.Calls("answerCallbackQuery") >= 3 })
	eventually(t, "the preview to be edited", func() bool { return b.tg.Messages(tgChat)[2].Edits > 0 })
	// Let any straggling work finish before counting.
	b.say("help", 4)

	if n := len(partnersNamed(b.sim, "Twice Ltd")); n != 1 {
		t.Errorf("partners named Twice Ltd = %d after a double click and a redelivery, want 1", n)
	}
}

func TestTelegramRestartMidConversation(t *testing.T) {
	b := startTelegramBot(t)
	b.say("new customer Restart GmbH", 1)
	b.say("+1 415 555 0100", 2)

	b.stop()
	b.start()

	msgs := b.say("ops@restart.example", 3)
	preview := msgs[2]
	if !strings.Contains(preview.Text, "Restart GmbH") || !strings.Contains(preview.Text, "+1 415-555-0100") {
		t.Fatalf("preview after restart = %q, want the values given before it", preview.Text)
	}
	b.tg.Click(tgChat, tgUser, preview.ID, buttonData(t, preview, "Confirm"))
	eventually(t, "the partner to be created", func() bool { return len(partnersNamed(b.sim, "Restart GmbH")) == 1 })
}

func TestTelegramEditedMessageDoesNotRepeatAction(t *testing.T) {
	b := startTelegramBot(t)
	b.say("new customer Edit Co", 1)
	b.say("skip", 2)
	msgs := b.say("skip", 3)
	preview := msgs[2]
	b.tg.Click(tgChat, tgUser, preview.ID, buttonData(t, preview, "Confirm"))
	eventually(t, "the partner to be created", func() bool { return len(partnersNamed(b.sim, "Edit Co")) == 1 })

	// An edited message, with and without a sender, must not panic or
	// run the finished action again.
	b.tg.QueueRaw(`{"update_id":900001,"edited_message":{"message_id":55,"chat":{"id":111,"type":"private"},"edit_date":1718000060,"text":"create lead Acme GmbH"}}`)
	b.tg.QueueRaw(`{"update_id":900002,"edited_message":{"message_id":56,"from":{"id":111,"is_bot":false,"first_name":"U"},"chat":{"id":111,"type":"private"},"date":1718000000,"edit_date":1718000060,"text":"new customer Edit Co"}}`)
	msgs = b.say("help", 5)
	if !strings.Contains(msgs[3].Text, "edited messages") {
		t.Errorf("reply to the edited message = %q, want the note that edits are not acted on", msgs[3].Text)
	}
	if n := len(partnersNamed(b.sim, "Edit Co")); n != 1 {
		t.Errorf("partners named Edit Co = %d after edits, want 1", n)
	}
}

func TestTelegramEditedOldCancelKeepsDraft(t *testing.T) {
	b := startTelegramBot(t)
	b.say("new customer First Co", 1)
	b.say("cancel", 2)
	b.say("new customer Second Co", 3)
	b.say("skip", 4)
	b.say("skip", 5)
	b.tg.QueueRaw(`{"update_id":900101,"edited_message":{"message_id":3,` +
		`"from":{"id":111,"is_bot":false,"first_name":"U","language_code":"en"},` +
		`"chat":{"id":111,"type":"private"},"date":1718000000,"edit_date":1718000060,"text":"Cancel."}}`)
	msgs := b.tg.WaitMessages(t, tgChat, 6, waitFor)
	if strings.Contains(msgs[5].Text, "Cancelled") {
		t.Errorf("an edit of an old message cancelled the current draft: %q", msgs[5].Text)
	}
	preview := msgs[4]
	b.tg.Click(tgChat, tgUser, preview.ID, buttonData(t, preview, "Confirm"))
	eventually(t, "the partner to be created", func() bool { return len(partnersNamed(b.sim, "Second Co")) == 1 })
}

func TestTelegramEditAfterDoneNotReopened(t *testing.T) {
	b := startTelegramBot(t)
	b.say("new customer Reopen Co", 1)
	b.say("skip", 2)
	msgs := b.say("skip", 3)
	preview := msgs[2]
	// The edit of the preview fails, so the old keyboard stays clickable.
	b.tg.FailNext("editMessageText", 400, "Bad Request: message can't be edited", 0)
	b.tg.Click(tgChat, tgUser, preview.ID, buttonData(t, preview, "Confirm"))
	eventually(t, "the partner to be created", func() bool { return len(partnersNamed(b.sim, "Reopen Co")) == 1 })
	b.tg.WaitMessages(t, tgChat, 4, waitFor)

	b.tg.Click(tgChat, tgUser, preview.ID, buttonData(t, preview, "Edit"))
	msgs = b.tg.WaitMessages(t, tgChat, 5, waitFor)
	if !strings.Contains(msgs[len(msgs)-1].Text, "expired") {
		t.Errorf("Edit on an executed preview = %q, want the expired note", msgs[len(msgs)-1].Text)
	}
	b.tg.Click(tgChat, tgUser, preview.ID, buttonData(t, preview, "Confirm"))
	b.say("help", 7)
	if n := len(partnersNamed(b.sim, "Reopen Co")); n != 1 {
		t.Errorf("partners named Reopen Co = %d, want 1", n)
	}
}
