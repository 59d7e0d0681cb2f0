package slack

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/adapters/slack/slacktest"
	"github.com/crmbot/crmbot/bot"
)

const (
	testUser  = "U1"
	waitLimit = 5 * time.Second
)

var testDM = slacktest.DMChannel(testUser)

// harness runs an Adapter in Socket Mode against a fake Slack and records
// what the handler receives.
type harness struct {
	srv     *slacktest.Server
	adapter *Adapter
	logs    *syncBuffer

	mu     sync.Mutex
	events []bot.Event
	sleeps []time.Duration
}

// startAdapter runs an Adapter with handler h until the test ends. Waits
// requested by the adapter are recorded and skipped.
func startAdapter(t *testing.T, h bot.HandlerFunc) *harness {
	t.Helper()
	srv := slacktest.NewServer(t)
	hr := newHarness(t, srv, Config{
		BotToken: slacktest.BotToken, AppToken: slacktest.AppToken, APIURL: srv.APIURL(),
	}, h)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- hr.adapter.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: got %v, want nil after cancel", err)
			}
		case <-time.After(waitLimit):
			t.Errorf("Run did not return within %v of cancel", waitLimit)
		}
	})
	waitFor(t, "the socket mode connection", srv.Connected)
	return hr
}

// newHarness creates an Adapter with cfg and a recording handler around h.
func newHarness(t *testing.T, srv *slacktest.Server, cfg Config, h bot.HandlerFunc) *harness {
	t.Helper()
	hr := &harness{srv: srv, logs: &syncBuffer{}}
	logger := slog.New(slog.NewTextHandler(hr.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	recording := bot.HandlerFunc(func(ctx context.Context, ev bot.Event) []bot.Reply {
		hr.mu.Lock()
		hr.events = append(hr.events, ev)
		hr.mu.Unlock()
		return h(ctx, ev)
	})
	a, err := New(cfg, recording, logger)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	a.sleep = func(ctx context.Context, d time.Duration) error {
		hr.mu.Lock()
		hr.sleeps = append(hr.sleeps, d)
		hr.mu.Unlock()
		return ctx.Err()
	}
	hr.adapter = a
	t.Cleanup(func() {
		for _, secret := range []string{slacktest.BotToken, slacktest.AppToken, slacktest.SigningSecret} {
			if strings.Contains(hr.logs.String(), secret) {
				t.Errorf("logs contain the secret %q", secret)
			}
		}
	})
	return hr
}

func (hr *harness) recordedEvents() []bot.Event {
	hr.mu.Lock()
	defer hr.mu.Unlock()
	return slices.Clone(hr.events)
}

func (hr *harness) waitEvents(t *testing.T, n int) []bot.Event {
	t.Helper()
	waitFor(t, strconv.Itoa(n)+" handled events", func() bool { return len(hr.recordedEvents()) >= n })
	return hr.recordedEvents()
}

// waitFor polls cond until it holds, failing the test after waitLimit.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", waitLimit, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// settle waits long enough for a wrongly handled duplicate to show up.
func settle() { time.Sleep(200 * time.Millisecond) }

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// echoHandler replies to text with a lead preview carrying Confirm and
// Cancel buttons, and to a click with a reply that replaces the preview.
func echoHandler(_ context.Context, ev bot.Event) []bot.Reply {
	if ev.Action != "" {
		return []bot.Reply{{
			Text:          "Lead created",
			Record:        &bot.Record{Model: "crm.lead", ID: 42, URL: "https://odoo.test/odoo/crm/42"},
			ReplaceSource: true,
		}}
	}
	return []bot.Reply{{
		Text:    "Create this lead?",
		Fields:  []bot.Field{{Label: "Company", Value: ev.Text}},
		Buttons: []bot.Button{{Label: "Confirm", Token: "confirm:1"}, {Label: "Cancel", Token: "cancel:1"}},
	}}
}

func TestDMGetsPreviewWithButtons(t *testing.T) {
	hr := startAdapter(t, echoHandler)
	sent := hr.srv.SendDM(testUser, "Acme GmbH")

	msgs := hr.srv.WaitMessages(t, testDM, 1, waitLimit)
	if got, want := msgs[0].Sections, []string{"Create this lead?"}; !slices.Equal(got, want) {
		t.Errorf("got sections %q, want %q", got, want)
	}
	if got, want := msgs[0].Fields, []string{"Company\nAcme GmbH"}; !slices.Equal(got, want) {
		t.Errorf("got fields %q, want %q", got, want)
	}
	wantButtons := []slacktest.Button{
		{BlockID: "crmbot_actions_0", ActionID: "crmbot_btn_0", Text: "Confirm", Value: "confirm:1"},
		{BlockID: "crmbot_actions_0", ActionID: "crmbot_btn_1", Text: "Cancel", Value: "cancel:1"},
	}
	if got := msgs[0].Buttons; !slices.Equal(got, wantButtons) {
		t.Errorf("got buttons %+v, want %+v", got, wantButtons)
	}
	if got := msgs[0].ThreadTS; got != "" {
		t.Errorf("got thread_ts %q for a DM reply, want none", got)
	}

	ev := hr.recordedEvents()[0]
	want := bot.Event{
		Platform: "slack", ChatID: testDM, UserID: testUser, UserName: "u1",
		EventID: "slack:" + testDM + ":" + sent.TS, MessageID: sent.TS,
		Text: "Acme GmbH", Locale: "en-US",
	}
	if ev != want {
		t.Errorf("got event %+v, want %+v", ev, want)
	}
}

func TestClickUpdatesPreview(t *testing.T) {
	hr := startAdapter(t, echoHandler)
	hr.srv.SendDM(testUser, "Acme GmbH")
	preview := hr.srv.WaitMessages(t, testDM, 1, waitLimit)[0]

	click := hr.srv.Click(preview.TS, "confirm:1", testUser)
	hr.srv.WaitAck(t, click.EnvelopeIDs[0], waitLimit)
	waitFor(t, "the preview to be updated", func() bool { return hr.srv.Messages(testDM)[0].Updates == 1 })

	msgs := hr.srv.Messages(testDM)
	if got, want := len(msgs), 1; got != want {
		t.Fatalf("got %d messages, want %d (the updated preview only)", got, want)
	}
	wantSections := []string{"Lead created", "<https://odoo.test/odoo/crm/42>"}
	if got := msgs[0].Sections; !slices.Equal(got, wantSections) {
		t.Errorf("got sections %q, want %q", got, wantSections)
	}
	if got := msgs[0].Buttons; len(got) != 0 {
		t.Errorf("got buttons %+v after the update, want none", got)
	}

	ev := hr.waitEvents(t, 2)[1]
	if got, want := ev.Action, "confirm:1"; got != want {
		t.Errorf("got action %q, want %q", got, want)
	}
	if got, want := ev.MessageID, preview.TS; got != want {
		t.Errorf("got message id %q, want the preview's ts %q", got, want)
	}
	if got, want := ev.ChatID, testDM; got != want {
		t.Errorf("got chat id %q, want %q", got, want)
	}
	if !strings.HasPrefix(ev.EventID, "slack:click:") {
		t.Errorf("got event id %q, want the slack:click: prefix", ev.EventID)
	}
}

func TestEnvelopeAckedBeforeHandlerFinishes(t *testing.T) {
	release := make(chan struct{})
	hr := startAdapter(t, func(ctx context.Context, ev bot.Event) []bot.Reply {
		<-release
		return []bot.Reply{{Text: "done"}}
	})
	defer close(release)

	sent := hr.srv.SendDM(testUser, "slow request")
	hr.waitEvents(t, 1) // the handler is blocked now
	hr.srv.WaitAck(t, sent.EnvelopeIDs[0], waitLimit)
	if got := hr.srv.Messages(testDM); len(got) != 0 {
		t.Errorf("got %d replies before the handler returned, want 0", len(got))
	}
}

func TestRetriedEnvelopeHandledOnce(t *testing.T) {
	hr := startAdapter(t, echoHandler)
	sent := hr.srv.SendDM(testUser, "Acme GmbH")
	hr.srv.WaitMessages(t, testDM, 1, waitLimit)

	retry := hr.srv.Redeliver(sent.EnvelopeIDs[0])
	hr.srv.WaitAck(t, retry, waitLimit)
	settle()
	if got, want := len(hr.recordedEvents()), 1; got != want {
		t.Errorf("got %d handled events after a retry, want %d", got, want)
	}
	if got, want := len(hr.srv.Messages(testDM)), 1; got != want {
		t.Errorf("got %d replies after a retry, want %d", got, want)
	}
}

func TestMentionAndMessagePairHandledOnce(t *testing.T) {
	hr := startAdapter(t, echoHandler)
	const channel = "C1"
	mention := hr.srv.Mention(channel, testUser, "Acme GmbH")
	hr.srv.WaitMessages(t, channel, 1, waitLimit)

	// A mention inside the bot's thread passes the filters both as
	// app_mention and as message.
	reply := hr.srv.ThreadReply(channel, mention.TS, testUser, "<@"+slacktest.BotUserID+"> Beta Ltd")
	if got, want := len(reply.EnvelopeIDs), 2; got != want {
		t.Fatalf("fake sent %d envelopes for a mention in a thread, want %d", got, want)
	}
	hr.srv.WaitMessages(t, channel, 2, waitLimit)
	settle()

	events := hr.recordedEvents()
	if got, want := len(events), 2; got != want {
		t.Fatalf("got %d handled events, want %d (one per message)", got, want)
	}
	if got, want := events[1].Text, "Beta Ltd"; got != want {
		t.Errorf("got text %q, want %q with the mention removed", got, want)
	}
	if got, want := len(hr.srv.Messages(channel)), 2; got != want {
		t.Errorf("got %d replies, want %d", got, want)
	}
}

func TestMentionRepliesInThread(t *testing.T) {
	hr := startAdapter(t, echoHandler)
	const channel = "C1"
	mention := hr.srv.Mention(channel, testUser, "Acme GmbH")

	msgs := hr.srv.WaitMessages(t, channel, 1, waitLimit)
	if got, want := msgs[0].ThreadTS, mention.TS; got != want {
		t.Errorf("got reply thread_ts %q, want the mention's ts %q", got, want)
	}
	ev := hr.recordedEvents()[0]
	if got, want := ev.Text, "Acme GmbH"; got != want {
		t.Errorf("got text %q, want %q", got, want)
	}
	if got, want := ev.ChatID, channel+":"+mention.TS; got != want {
		t.Errorf("got chat id %q, want %q", got, want)
	}
	if !ev.Group {
		t.Error("got Group false for a channel mention, want true")
	}
}

func TestThreadReplyContinuesConversation(t *testing.T) {
	hr := startAdapter(t, echoHandler)
	const channel = "C1"
	mention := hr.srv.Mention(channel, testUser, "new customer")
	hr.srv.WaitMessages(t, channel, 1, waitLimit)

	reply := hr.srv.ThreadReply(channel, mention.TS, testUser, "Acme GmbH")
	msgs := hr.srv.WaitMessages(t, channel, 2, waitLimit)

	events := hr.waitEvents(t, 2)
	if got, want := events[1].ChatID, events[0].ChatID; got != want {
		t.Errorf("got thread reply chat id %q, want the mention's %q", got, want)
	}
	if got, want := events[1].MessageID, reply.TS; got != want {
		t.Errorf("got message id %q, want %q", got, want)
	}
	if got, want := msgs[1].ThreadTS, mention.TS; got != want {
		t.Errorf("got reply thread_ts %q, want %q", got, want)
	}
}

func TestChannelChatterIgnored(t *testing.T) {
	hr := startAdapter(t, echoHandler)
	// A thread the bot never joined.
	hr.srv.ThreadReply("C2", "1700000000.000001", testUser, "lunch?")
	// A bot message, an edit and a deletion in a DM.
	hr.srv.SendEvent(map[string]any{
		"type": "message", "channel": testDM, "channel_type": "im", "ts": "1700000000.000002",
		"user": slacktest.BotUserID, "bot_id": slacktest.BotID, "text": "echo",
	})
	hr.srv.SendEvent(map[string]any{
		"type": "message", "subtype": "message_changed", "channel": testDM, "channel_type": "im",
		"ts": "1700000000.000003",
		"message": map[string]any{"type": "message", "user": testUser, "text": "edited",
			"ts": "1700000000.000001", "edited": map[string]any{"user": testUser, "ts": "1700000000.000003"}},
	})
	hr.srv.SendEvent(map[string]any{
		"type": "message", "subtype": "message_deleted", "channel": testDM, "channel_type": "im",
		"ts": "1700000000.000004", "deleted_ts": "1700000000.000001",
	})
	last := hr.srv.SendDM(testUser, "real message")
	hr.srv.WaitMessages(t, testDM, 1, waitLimit)
	settle()

	events := hr.recordedEvents()
	if got, want := len(events), 1; got != want {
		t.Fatalf("got %d handled events, want %d: %+v", got, want, events)
	}
	if got, want := events[0].MessageID, last.TS; got != want {
		t.Errorf("got handled message %q, want %q", got, want)
	}
}

func TestClickOnExpiredTokenIsAnswered(t *testing.T) {
	hr := startAdapter(t, func(_ context.Context, ev bot.Event) []bot.Reply {
		if ev.Action == "stale" {
			return []bot.Reply{{Text: "This button has expired. Please start again."}}
		}
		return []bot.Reply{{Text: "Pick one", Buttons: []bot.Button{{Label: "Old", Token: "stale"}}}}
	})
	hr.srv.SendDM(testUser, "hello")
	preview := hr.srv.WaitMessages(t, testDM, 1, waitLimit)[0]

	click := hr.srv.Click(preview.TS, "stale", testUser)
	hr.srv.WaitAck(t, click.EnvelopeIDs[0], waitLimit)
	msgs := hr.srv.WaitMessages(t, testDM, 2, waitLimit)
	if got, want := msgs[1].Sections, []string{"This button has expired. Please start again."}; !slices.Equal(got, want) {
		t.Errorf("got sections %q, want %q", got, want)
	}
}

func TestFailedUpdatePostsReply(t *testing.T) {
	hr := startAdapter(t, echoHandler)
	hr.srv.SendDM(testUser, "Acme GmbH")
	preview := hr.srv.WaitMessages(t, testDM, 1, waitLimit)[0]

	hr.srv.FailNext("chat.update", 200, "cant_update_message", 0)
	hr.srv.Click(preview.TS, "confirm:1", testUser)
	msgs := hr.srv.WaitMessages(t, testDM, 2, waitLimit)
	if got, want := msgs[1].Sections[0], "Lead created"; got != want {
		t.Errorf("got posted reply %q, want %q", got, want)
	}
}

func TestRateLimitWaitsRetryAfter(t *testing.T) {
	hr := startAdapter(t, echoHandler)
	hr.srv.FailNext("chat.postMessage", 429, "", 3)
	hr.srv.SendDM(testUser, "Acme GmbH")

	hr.srv.WaitMessages(t, testDM, 1, waitLimit)
	hr.mu.Lock()
	sleeps := slices.Clone(hr.sleeps)
	hr.mu.Unlock()
	if want := []time.Duration{3 * time.Second}; !slices.Equal(sleeps, want) {
		t.Errorf("got waits %v, want %v", sleeps, want)
	}
}

func TestRateLimitBounded(t *testing.T) {
	hr := startAdapter(t, echoHandler)
	hr.srv.FailNext("chat.postMessage", 429, "", 120)
	hr.srv.SendDM(testUser, "Acme GmbH")

	waitFor(t, "the failure to be logged", func() bool {
		return strings.Contains(hr.logs.String(), "chat.postMessage failed")
	})
	if got := hr.srv.Messages(testDM); len(got) != 0 {
		t.Errorf("got %d messages after a 120 s Retry-After, want 0", len(got))
	}
}

func TestLocaleFromUsersInfo(t *testing.T) {
	hr := startAdapter(t, echoHandler)
	hr.srv.AddUser(slacktest.User{ID: "U2", Name: "wang", RealName: "王芳", Locale: "zh-CN"})
	hr.srv.SendDM("U2", "新客户")
	hr.srv.SendDM("U2", "跳过")

	events := hr.waitEvents(t, 2)
	for i, ev := range events {
		if got, want := ev.Locale, "zh-CN"; got != want {
			t.Errorf("event %d: got locale %q, want %q", i, got, want)
		}
		if got, want := ev.UserName, "wang"; got != want {
			t.Errorf("event %d: got user name %q, want %q", i, got, want)
		}
	}
	if got, want := hr.srv.Calls("users.info"), 1; got != want {
		t.Errorf("got %d users.info calls for one user, want %d", got, want)
	}
}

func TestRepliesShownAsTyped(t *testing.T) {
	hr := startAdapter(t, func(_ context.Context, ev bot.Event) []bot.Reply {
		return []bot.Reply{{Text: ev.Text, Fields: []bot.Field{{Label: "Name", Value: ev.Text}}}}
	})
	hr.srv.SendDM(testUser, "<script>&*bold*")

	// Text and fields are plain_text objects, which Slack shows as
	// written, so nothing in them is escaped or formatted.
	msg := hr.srv.WaitMessages(t, testDM, 1, waitLimit)[0]
	const want = "<script>&*bold*"
	if got := msg.Sections[0]; got != want {
		t.Errorf("got section %q, want %q", got, want)
	}
	if got := msg.Fields[0]; got != "Name\n"+want {
		t.Errorf("got field %q, want %q", got, "Name\n"+want)
	}
}

func TestNewRejectsBadBotToken(t *testing.T) {
	srv := slacktest.NewServer(t)
	_, err := New(Config{BotToken: "xoxb-wrong", AppToken: slacktest.AppToken, APIURL: srv.APIURL()},
		bot.HandlerFunc(echoHandler), nil)
	if err == nil {
		t.Fatal("New with a wrong token: got nil error")
	}
	if !errors.Is(err, ErrUnauthorized) {
		t.Errorf("got %v, want an error wrapping ErrUnauthorized", err)
	}
	if !strings.Contains(err.Error(), "Config.BotToken") {
		t.Errorf("got %q, want it to name Config.BotToken", err)
	}
}

func TestRunRejectsBadAppToken(t *testing.T) {
	srv := slacktest.NewServer(t)
	a, err := New(Config{BotToken: slacktest.BotToken, AppToken: "xapp-wrong", APIURL: srv.APIURL()},
		bot.HandlerFunc(echoHandler), nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	err = a.Run(ctx)
	if !errors.Is(err, ErrUnauthorized) {
		t.Errorf("got %v, want an error wrapping ErrUnauthorized", err)
	}
	if err != nil && !strings.Contains(err.Error(), "Config.AppToken") {
		t.Errorf("got %q, want it to name Config.AppToken", err)
	}
}
