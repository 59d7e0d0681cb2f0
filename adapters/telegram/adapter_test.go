package telegram

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/adapters/telegram/telegramtest"
	"github.com/crmbot/crmbot/bot"
)

const (
	testToken = "123456:AAE-secret-test-token"
	testChat  = 111
	testUser  = 111
	waitLimit = 5 * time.Second
)

// harness runs an Adapter against a fake Bot API and records what the
// handler receives.
type harness struct {
	srv     *telegramtest.Server
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
	hr := &harness{srv: telegramtest.NewServer(t, testToken), logs: &syncBuffer{}}
	logger := slog.New(slog.NewTextHandler(hr.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	recording := bot.HandlerFunc(func(ctx context.Context, ev bot.Event) []bot.Reply {
		hr.mu.Lock()
		hr.events = append(hr.events, ev)
		hr.mu.Unlock()
		return h(ctx, ev)
	})
	cfg := Config{Token: testToken, APIEndpoint: hr.srv.Endpoint(), PollTimeout: 10 * time.Second}
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

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
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
		if strings.Contains(hr.logs.String(), testToken) {
			t.Errorf("logs contain the bot token")
		}
	})
	return hr
}

func (hr *harness) recordedEvents() []bot.Event {
	hr.mu.Lock()
	defer hr.mu.Unlock()
	return slices.Clone(hr.events)
}

func (hr *harness) recordedSleeps() []time.Duration {
	hr.mu.Lock()
	defer hr.mu.Unlock()
	return slices.Clone(hr.sleeps)
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

// echoHandler replies to text with a lead preview carrying Confirm and Cancel
// buttons, and to a click with a reply that replaces the preview.
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

func TestAdapterMessageGetsPreview(t *testing.T) {
	hr := startAdapter(t, echoHandler)
	updateID := hr.srv.SendText(testChat, testUser, "Acme GmbH")

	msgs := hr.srv.WaitMessages(t, testChat, 1, waitLimit)
	if got, want := msgs[0].Text, "Create this lead?\nCompany: Acme GmbH"; got != want {
		t.Errorf("got text %q, want %q", got, want)
	}
	wantButtons := []telegramtest.Button{
		{Text: "Confirm", Data: "confirm:1", Row: 0},
		{Text: "Cancel", Data: "cancel:1", Row: 0},
	}
	if got := msgs[0].Buttons; !slices.Equal(got, wantButtons) {
		t.Errorf("got buttons %+v, want %+v", got, wantButtons)
	}

	ev := hr.recordedEvents()[0]
	want := bot.Event{
		Platform: "telegram", ChatID: "111", UserID: "111", UserName: "Test",
		EventID: "telegram:" + strconv.Itoa(updateID), MessageID: "1",
		Text: "Acme GmbH", Locale: "en",
	}
	if ev != want {
		t.Errorf("got event %+v, want %+v", ev, want)
	}
}

func TestAdapterClickEditsPreview(t *testing.T) {
	hr := startAdapter(t, echoHandler)
	hr.srv.SendText(testChat, testUser, "Acme GmbH")
	preview := hr.srv.WaitMessages(t, testChat, 1, waitLimit)[0]

	hr.srv.Click(testChat, testUser, preview.ID, "confirm:1")
	waitFor(t, "the preview to be edited", func() bool { return hr.srv.Messages(testChat)[0].Edits == 1 })

	msgs := hr.srv.Messages(testChat)
	if got, want := len(msgs), 1; got != want {
		t.Fatalf("got %d messages, want %d (the edited preview only)", got, want)
	}
	if got, want := msgs[0].Text, "Lead created\nhttps://odoo.test/odoo/crm/42"; got != want {
		t.Errorf("got text %q, want %q", got, want)
	}
	if got := msgs[0].Buttons; len(got) != 0 {
		t.Errorf("got buttons %+v after the edit, want none", got)
	}
	if got, want := hr.srv.CallbackAnswers(), 1; got != want {
		t.Errorf("got %d callback answers, want %d", got, want)
	}

	click := hr.recordedEvents()[1]
	if got, want := click.Action, "confirm:1"; got != want {
		t.Errorf("got action %q, want %q", got, want)
	}
	if got, want := click.MessageID, strconv.Itoa(preview.ID); got != want {
		t.Errorf("got message id %q, want %q", got, want)
	}
	if !strings.HasPrefix(click.EventID, "telegram:callback:") {
		t.Errorf("got event id %q, want prefix %q", click.EventID, "telegram:callback:")
	}
}

func TestAdapterAnswersClickBeforeHandler(t *testing.T) {
	var srv *telegramtest.Server
	answersSeen := make(chan int, 1)
	hr := startAdapter(t, func(ctx context.Context, ev bot.Event) []bot.Reply {
		if ev.Action != "" {
			answersSeen <- srv.CallbackAnswers()
		}
		return nil
	})
	srv = hr.srv

	hr.srv.Click(testChat, testUser, 1, "confirm:1")
	select {
	case got := <-answersSeen:
		if got != 1 {
			t.Errorf("got %d callback answers when the handler ran, want 1", got)
		}
	case <-time.After(waitLimit):
		t.Fatal("handler did not receive the click")
	}
}

func TestAdapterNotModifiedEditIsSuccess(t *testing.T) {
	// The click handler returns the preview unchanged, so the edit is
	// rejected as "message is not modified".
	hr := startAdapter(t, func(ctx context.Context, ev bot.Event) []bot.Reply {
		replies := echoHandler(ctx, bot.Event{Text: "Acme"})
		replies[0].ReplaceSource = ev.Action != ""
		return replies
	})
	hr.srv.SendText(testChat, testUser, "Acme")
	preview := hr.srv.WaitMessages(t, testChat, 1, waitLimit)[0]
	hr.srv.Click(testChat, testUser, preview.ID, "confirm:1")
	waitFor(t, "editMessageText", func() bool { return hr.srv.Calls("editMessageText") == 1 })

	// Updates are handled in order, so once the reply to the next message
	// arrives, the click is fully handled.
	hr.srv.SendText(testChat, testUser, "Acme")
	hr.srv.WaitMessages(t, testChat, 2, waitLimit)
	if got, want := hr.srv.Calls("sendMessage"), 2; got != want {
		t.Errorf("got %d sendMessage calls, want %d (no resend after an unmodified edit)", got, want)
	}
}

func TestAdapterFailedEditSendsNewMessage(t *testing.T) {
	hr := startAdapter(t, echoHandler)
	hr.srv.SendText(testChat, testUser, "Acme")
	preview := hr.srv.WaitMessages(t, testChat, 1, waitLimit)[0]

	hr.srv.FailNext("editMessageText", 400, "Bad Request: message to edit not found", 0)
	hr.srv.Click(testChat, testUser, preview.ID, "confirm:1")

	msgs := hr.srv.WaitMessages(t, testChat, 2, waitLimit)
	if got, want := msgs[1].Text, "Lead created\nhttps://odoo.test/odoo/crm/42"; got != want {
		t.Errorf("got text %q, want %q", got, want)
	}
}

func TestAdapterEditedMessage(t *testing.T) {
	hr := startAdapter(t, echoHandler)

	// An edited message without a sender is skipped without a panic.
	hr.srv.QueueRaw(`{"update_id":9001,"edited_message":{"message_id":55,
		"chat":{"id":111,"type":"private"},"edit_date":1718000060,
		"text":"create lead Acme GmbH"}}`)
	hr.srv.QueueRaw(`{"update_id":9002,"edited_message":{"message_id":55,"date":1718000000,
		"from":{"id":111,"first_name":"Test"},"chat":{"id":111,"type":"private"},
		"edit_date":1718000060,"text":"create lead Acme GmbH"}}`)
	hr.srv.SendText(testChat, testUser, "still working")

	events := hr.waitEvents(t, 2)
	edited, next := events[0], events[1]
	if !edited.Edited {
		t.Errorf("got Edited false for an edited_message, want true")
	}
	if got, want := edited.MessageID, "55"; got != want {
		t.Errorf("got message id %q, want %q", got, want)
	}
	if got, want := edited.EventID, "telegram:9002"; got != want {
		t.Errorf("got event id %q, want %q", got, want)
	}
	if got, want := next.Text, "still working"; got != want {
		t.Errorf("got next text %q, want %q", got, want)
	}
	if strings.Contains(hr.logs.String(), "panicked") {
		t.Errorf("got a panic in the logs:\n%s", hr.logs.String())
	}
}

func TestAdapterCallbackWithoutMessage(t *testing.T) {
	hr := startAdapter(t, echoHandler)
	hr.srv.QueueRaw(`{"update_id":9101,"callback_query":{"id":"q-inline","chat_instance":"i",
		"from":{"id":333,"first_name":"Li"},"inline_message_id":"AAA","data":"confirm:1"}}`)

	msgs := hr.srv.WaitMessages(t, 333, 1, waitLimit)
	if got, want := msgs[0].Text, "Lead created\nhttps://odoo.test/odoo/crm/42"; got != want {
		t.Errorf("got text %q, want %q", got, want)
	}
	if got, want := hr.srv.CallbackAnswers(), 1; got != want {
		t.Errorf("got %d callback answers, want %d", got, want)
	}
	ev := hr.recordedEvents()[0]
	if ev.MessageID != "" {
		t.Errorf("got message id %q, want empty", ev.MessageID)
	}
	if got, want := ev.ChatID, "333"; got != want {
		t.Errorf("got chat id %q, want %q", got, want)
	}
}

func TestAdapterLongButtonTokenNeverSent(t *testing.T) {
	hr := startAdapter(t, func(context.Context, bot.Event) []bot.Reply {
		return []bot.Reply{{
			Text: "Convert this lead?",
			Buttons: []bot.Button{
				{Label: "Convert", Token: longChineseToken},
				{Label: "Cancel", Token: "cancel:1"},
			},
		}}
	})
	hr.srv.SendText(testChat, testUser, "convert")

	msgs := hr.srv.WaitMessages(t, testChat, 1, waitLimit)
	want := []telegramtest.Button{{Text: "Cancel", Data: "cancel:1"}}
	if got := msgs[0].Buttons; !slices.Equal(got, want) {
		t.Errorf("got buttons %+v, want %+v", got, want)
	}
	if got, want := hr.srv.Calls("sendMessage"), 1; got != want {
		t.Errorf("got %d sendMessage calls, want %d (none rejected)", got, want)
	}
	logs := hr.logs.String()
	if !strings.Contains(logs, "token longer than 64 bytes") {
		t.Errorf("got no error log for the long token:\n%s", logs)
	}
	if strings.Contains(logs, "北京") {
		t.Errorf("logs contain the token's text:\n%s", logs)
	}
}

func TestAdapterRedeliveryKeepsEventID(t *testing.T) {
	hr := startAdapter(t, echoHandler)

	messageUpdate := hr.srv.SendText(testChat, testUser, "Acme")
	hr.waitEvents(t, 1)
	hr.srv.Redeliver(messageUpdate)
	clickUpdate := hr.srv.Click(testChat, testUser, 1, "cancel:1")
	hr.waitEvents(t, 3)
	hr.srv.Redeliver(clickUpdate)
	hr.srv.Click(testChat, testUser, 1, "cancel:1")
	events := hr.waitEvents(t, 5)

	tests := []struct {
		name     string
		a, b     bot.Event
		wantSame bool
	}{
		{"redelivered message", events[0], events[1], true},
		{"redelivered click", events[2], events[3], true},
		{"second click on the same button", events[2], events[4], false},
	}
	for _, tt := range tests {
		if got := tt.a.EventID == tt.b.EventID; got != tt.wantSame {
			t.Errorf("%s: got event ids %q and %q, want same %v", tt.name, tt.a.EventID, tt.b.EventID, tt.wantSame)
		}
	}
	if got, want := events[0].EventID, "telegram:"+strconv.Itoa(messageUpdate); got != want {
		t.Errorf("got event id %q, want %q", got, want)
	}
}

func TestAdapterEscapesHTML(t *testing.T) {
	hr := startAdapter(t, echoHandler)
	value := `R&D <Sales> "Nord" &amp; 北京`
	hr.srv.SendText(testChat, testUser, value)

	msgs := hr.srv.WaitMessages(t, testChat, 1, waitLimit)
	if got, want := msgs[0].Text, "Create this lead?\nCompany: "+value; got != want {
		t.Errorf("got text %q, want %q", got, want)
	}
	if got, want := msgs[0].ParseMode, "HTML"; got != want {
		t.Errorf("got parse mode %q, want %q", got, want)
	}
}

func TestAdapterRateLimitHonoursRetryAfter(t *testing.T) {
	hr := startAdapter(t, echoHandler)
	hr.srv.FailNext("sendMessage", 429, "Too Many Requests: retry after 3", 3)
	hr.srv.SendText(testChat, testUser, "Acme")

	hr.srv.WaitMessages(t, testChat, 1, waitLimit)
	if got, want := hr.srv.Calls("sendMessage"), 2; got != want {
		t.Errorf("got %d sendMessage calls, want %d", got, want)
	}
	if got, want := hr.recordedSleeps(), []time.Duration{3 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("got waits %v, want %v", got, want)
	}
}

func TestAdapterRateLimitBounded(t *testing.T) {
	hr := startAdapter(t, echoHandler)
	hr.srv.FailNext("sendMessage", 429, "Too Many Requests: retry after 600", 600)
	hr.srv.SendText(testChat, testUser, "first")
	hr.srv.SendText(testChat, testUser, "second")

	msgs := hr.srv.WaitMessages(t, testChat, 1, waitLimit)
	if got, want := msgs[0].Text, "Create this lead?\nCompany: second"; got != want {
		t.Errorf("got text %q, want %q (the first reply dropped)", got, want)
	}
	if got := hr.recordedSleeps(); len(got) != 0 {
		t.Errorf("got waits %v, want none for a retry_after over 30s", got)
	}
}

func TestAdapterPollRateLimitHonoursRetryAfter(t *testing.T) {
	hr := startAdapter(t, echoHandler)
	hr.srv.FailNext("getUpdates", 429, "Too Many Requests: retry after 4", 4)
	hr.srv.SendText(testChat, testUser, "Acme")

	hr.srv.WaitMessages(t, testChat, 1, waitLimit)
	// The poll under way when FailNext ran may deliver the message first,
	// so the 429 can come on the next poll: wait for its sleep.
	deadline := time.Now().Add(waitLimit)
	sleeps := hr.recordedSleeps()
	for !slices.Contains(sleeps, 4*time.Second) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		sleeps = hr.recordedSleeps()
	}
	if !slices.Contains(sleeps, 4*time.Second) {
		t.Errorf("got waits %v, want one of 4s", sleeps)
	}
}

func TestAdapterBlockedUserNotRetried(t *testing.T) {
	hr := startAdapter(t, func(context.Context, bot.Event) []bot.Reply {
		return []bot.Reply{{Text: "one"}, {Text: "two"}}
	})
	hr.srv.FailNext("sendMessage", 403, "Forbidden: bot was blocked by the user", 0)
	hr.srv.SendText(testChat, testUser, "first")
	hr.srv.SendText(testChat, testUser, "second")

	hr.srv.WaitMessages(t, testChat, 2, waitLimit)
	if got, want := hr.srv.Calls("sendMessage"), 3; got != want {
		t.Errorf("got %d sendMessage calls, want %d (one failed, none retried, two sent)", got, want)
	}
	if !strings.Contains(hr.logs.String(), "bot was blocked by the user") {
		t.Errorf("got no log of the 403:\n%s", hr.logs.String())
	}
}

func TestAdapterSplitsLongReply(t *testing.T) {
	hr := startAdapter(t, func(context.Context, bot.Event) []bot.Reply {
		return []bot.Reply{{
			Text:    strings.Repeat("Acme ", 1000), // 5000 characters
			Buttons: []bot.Button{{Label: "OK", Token: "ok"}},
		}}
	})
	hr.srv.SendText(testChat, testUser, "long")

	msgs := hr.srv.WaitMessages(t, testChat, 2, waitLimit)
	if got := len(msgs[0].Buttons); got != 0 {
		t.Errorf("got %d buttons on the first part, want 0", got)
	}
	if got := len(msgs[1].Buttons); got != 1 {
		t.Errorf("got %d buttons on the last part, want 1", got)
	}
}

func TestAdapterSkipsBadUpdates(t *testing.T) {
	hr := startAdapter(t, func(ctx context.Context, ev bot.Event) []bot.Reply {
		if ev.Text == "panic" {
			panic("handler bug")
		}
		return echoHandler(ctx, ev)
	})
	hr.srv.QueueRaw(`{"update_id":9201,"message":{"message_id":"not a number"}}`)
	hr.srv.QueueRaw(`{"update_id":9202,"my_chat_member":{"chat":{"id":111,"type":"private"}}}`)
	hr.srv.SendText(testChat, testUser, "panic")
	// Telegram's update ids only grow: the photo's id must be above the
	// id SendText gave the update queued before it, or a poll that had
	// confirmed that one would drop the photo as already seen.
	hr.srv.QueueRaw(`{"update_id":200000,"message":{"message_id":70,"date":1,
		"from":{"id":111,"first_name":"Test"},"chat":{"id":111,"type":"private"},
		"photo":[{"file_id":"f","file_unique_id":"u","width":1,"height":1}]}}`)
	hr.srv.SendText(testChat, testUser, "Acme")

	msgs := hr.srv.WaitMessages(t, testChat, 2, waitLimit)
	if got, want := msgs[0].Text, nonTextReply; got != want {
		t.Errorf("got reply to a photo %q, want %q", got, want)
	}
	if got, want := msgs[1].Text, "Create this lead?\nCompany: Acme"; got != want {
		t.Errorf("got text %q, want %q", got, want)
	}
	// Updates without a chat are handled beside the chat's updates, so
	// their log lines may come after the replies.
	for _, want := range []string{"invalid JSON", "panicked", "unsupported kind"} {
		waitFor(t, "a log line with "+want, func() bool { return strings.Contains(hr.logs.String(), want) })
	}
}

func TestAdapterRunReturnsOnCancel(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	cfg := Config{Token: testToken, APIEndpoint: srv.Endpoint(), PollTimeout: 30 * time.Second}
	a, err := New(cfg, bot.HandlerFunc(echoHandler), nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	waitFor(t, "a long poll", func() bool { return srv.Calls("getUpdates") >= 1 })

	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("got %v, want nil", err)
		}
		if elapsed := time.Since(start); elapsed > time.Second {
			t.Errorf("got return after %v, want under 1s", elapsed)
		}
	case <-time.After(waitLimit):
		t.Fatal("Run did not return after cancel")
	}
}

func TestNewRejectsBadToken(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	cfg := Config{Token: "999:wrong-secret", APIEndpoint: srv.Endpoint()}
	_, err := New(cfg, bot.HandlerFunc(echoHandler), nil)
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("got %v, want ErrUnauthorized", err)
	}
	if strings.Contains(err.Error(), "wrong-secret") {
		t.Errorf("got error %q containing the token", err)
	}
}

func TestNewRedactsTokenFromNetworkErrors(t *testing.T) {
	closed := httptest.NewServer(nil)
	endpoint := closed.URL + "/bot%s/%s"
	closed.Close()

	_, err := New(Config{Token: testToken, APIEndpoint: endpoint}, bot.HandlerFunc(echoHandler), nil)
	if err == nil {
		t.Fatal("got nil error for an unreachable endpoint, want one")
	}
	if strings.Contains(err.Error(), testToken) {
		t.Errorf("got error %q containing the token", err)
	}
	if !strings.Contains(err.Error(), "<token>") {
		t.Errorf("got error %q, want the token replaced by <token>", err)
	}
}

// slowHandler blocks chat 1's events until released and answers other
// chats at once.
type slowHandler struct {
	release chan struct{}
}

func (h slowHandler) Handle(ctx context.Context, ev bot.Event) []bot.Reply {
	if ev.ChatID == "1" {
		select {
		case <-h.release:
		case <-ctx.Done():
		}
	}
	return []bot.Reply{{Text: "echo " + ev.Text}}
}

func TestSlowChatDoesNotBlockOthers(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	h := slowHandler{release: make(chan struct{})}
	a, err := New(Config{Token: testToken, APIEndpoint: srv.Endpoint(), PollTimeout: time.Second}, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Both updates are queued before polling starts, so they arrive in
	// one batch.
	srv.SendText(1, 1, "slow")
	srv.SendText(2, 2, "fast")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() { cancel(); <-done }()

	msgs := srv.WaitMessages(t, 2, 1, 5*time.Second)
	if msgs[0].Text != "echo fast" {
		t.Errorf("chat 2 reply = %q, want echo fast", msgs[0].Text)
	}
	if n := len(srv.Messages(1)); n != 0 {
		t.Errorf("chat 1 has %d replies before its handler returned, want 0", n)
	}
	close(h.release)
	srv.WaitMessages(t, 1, 1, 5*time.Second)
}
