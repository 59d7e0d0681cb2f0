package feishu

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/adapters/feishu/feishutest"
	"github.com/crmbot/crmbot/bot"
)

const (
	testSecret       = "secret-app-key-do-not-log"
	testVerification = "verification-token-do-not-log"
	testEncryptKey   = "encrypt-key-do-not-log"
	testUser         = "ou_wangfang"
	waitLimit        = 5 * time.Second
)

// harness runs an Adapter against a fake Feishu and records what the
// handler receives.
type harness struct {
	srv     *feishutest.Server
	adapter *Adapter
	// callbackURL is the adapter's Handler in http mode.
	callbackURL string
	logs        *syncBuffer

	mu     sync.Mutex
	events []bot.Event
}

type harnessOptions struct {
	mode       string
	encryptKey string
}

// startAdapter runs an Adapter with handler h until the test ends. Each
// run gets its own app id (see feishutest.AppID).
func startAdapter(t *testing.T, o harnessOptions, h bot.HandlerFunc) *harness {
	t.Helper()
	appID := feishutest.AppID(t)
	hr := &harness{logs: &syncBuffer{}}
	hr.srv = feishutest.NewServer(t, feishutest.Options{
		AppID: appID, AppSecret: testSecret,
		VerificationToken: testVerification, EncryptKey: o.encryptKey,
	})
	logger := slog.New(slog.NewTextHandler(hr.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	recording := bot.HandlerFunc(func(ctx context.Context, ev bot.Event) []bot.Reply {
		hr.mu.Lock()
		hr.events = append(hr.events, ev)
		hr.mu.Unlock()
		return h(ctx, ev)
	})
	cfg := Config{
		AppID: appID, AppSecret: testSecret,
		VerificationToken: testVerification, EncryptKey: o.encryptKey,
		Domain: hr.srv.URL(), Mode: o.mode,
	}
	a, err := New(cfg, recording, logger)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	hr.adapter = a
	if o.mode == ModeHTTP {
		callbacks := httptest.NewServer(a.Handler())
		t.Cleanup(callbacks.Close)
		hr.callbackURL = callbacks.URL + "/feishu/callback"
	}

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
		for _, secret := range []string{testSecret, testVerification, testEncryptKey} {
			if strings.Contains(hr.logs.String(), secret) {
				t.Errorf("logs contain the secret %q:\n%s", secret, hr.logs.String())
			}
		}
	})
	if o.mode != ModeHTTP {
		hr.srv.WaitConnected(t, waitLimit)
	}
	return hr
}

func (hr *harness) recordedEvents() []bot.Event {
	hr.mu.Lock()
	defer hr.mu.Unlock()
	return slices.Clone(hr.events)
}

func (hr *harness) clicks() int {
	n := 0
	for _, ev := range hr.recordedEvents() {
		if ev.Action != "" {
			n++
		}
	}
	return n
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

// previewHandler replies to text with a lead preview carrying Confirm and
// Cancel buttons, to the token "confirm:1" with a reply that replaces
// the preview and a follow-up message, and to any other token with the
// bot's "expired" answer.
func previewHandler(_ context.Context, ev bot.Event) []bot.Reply {
	switch ev.Action {
	case "":
		return []bot.Reply{{
			Text:    "Create this lead?",
			Fields:  []bot.Field{{Label: "Company", Value: ev.Text}},
			Buttons: []bot.Button{{Label: "Confirm", Token: "confirm:1"}, {Label: "Cancel", Token: "cancel:1"}},
		}}
	case "confirm:1":
		return []bot.Reply{
			{
				Text:          "Lead created",
				Record:        &bot.Record{Model: "crm.lead", ID: 42, URL: "https://odoo.test/odoo/crm/42"},
				ReplaceSource: true,
			},
			{Text: "Anything else?"},
		}
	default:
		return []bot.Reply{{Text: "This button has expired. Send a new message to start again."}}
	}
}

func TestLongConnectionMessageGetsCard(t *testing.T) {
	hr := startAdapter(t, harnessOptions{}, previewHandler)
	ev := hr.srv.SendP2P(testUser, "Acme GmbH")

	chat := feishutest.P2PChatID(testUser)
	msgs := hr.srv.WaitMessages(t, chat, 1, waitLimit)
	if got, want := msgs[0].MsgType, "interactive"; got != want {
		t.Errorf("got msg_type %q, want %q", got, want)
	}
	if got, want := msgs[0].Text, "Create this lead?\nCompany: Acme GmbH"; got != want {
		t.Errorf("got text %q, want %q", got, want)
	}
	if !msgs[0].UpdateMulti {
		t.Error("card sent without config.update_multi")
	}
	wantButtons := []feishutest.Button{
		{Label: "Confirm", Value: map[string]any{"t": "confirm:1"}},
		{Label: "Cancel", Value: map[string]any{"t": "cancel:1"}},
	}
	if got := msgs[0].Buttons; !buttonsEqual(got, wantButtons) {
		t.Errorf("got buttons %+v, want %+v", got, wantButtons)
	}

	if got, want := hr.srv.WaitAck(t, ev, waitLimit).Code, 200; got != want {
		t.Errorf("got ack code %d, want %d", got, want)
	}
	want := bot.Event{
		Platform: "feishu", ChatID: chat, UserID: testUser,
		EventID: "feishu:" + ev.MessageID, MessageID: ev.MessageID, Text: "Acme GmbH",
	}
	if got := hr.recordedEvents()[0]; got != want {
		t.Errorf("got event %+v, want %+v", got, want)
	}
}

func buttonsEqual(got, want []feishutest.Button) bool {
	return slices.EqualFunc(got, want, func(g, w feishutest.Button) bool {
		gv, gok := g.Value.(map[string]any)
		wv := w.Value.(map[string]any)
		return gok && g.Label == w.Label && len(gv) == len(wv) && gv["t"] == wv["t"]
	})
}

func TestLongConnectionClickReplacesCard(t *testing.T) {
	hr := startAdapter(t, harnessOptions{}, previewHandler)
	chat := feishutest.P2PChatID(testUser)
	hr.srv.SendP2P(testUser, "Acme GmbH")
	preview := hr.srv.WaitMessages(t, chat, 1, waitLimit)[0]

	click := hr.srv.Click(preview.ID, map[string]any{"t": "confirm:1"}, testUser)
	ack := hr.srv.WaitAck(t, click, waitLimit)
	if ack.Code != 200 || ack.Answer == nil || ack.Answer.Card == nil {
		t.Fatalf("got ack %+v, want code 200 with a card", ack)
	}

	msgs := hr.srv.WaitMessages(t, chat, 2, waitLimit)
	if got, want := msgs[0].Text, "Lead created\n[https://odoo.test/odoo/crm/42](https://odoo.test/odoo/crm/42)"; got != want {
		t.Errorf("got updated card text %q, want %q", got, want)
	}
	if got := msgs[0].Buttons; len(got) != 0 {
		t.Errorf("got buttons %+v after the click, want none", got)
	}
	if got, want := msgs[0].Updates, 1; got != want {
		t.Errorf("got %d updates, want %d", got, want)
	}
	if got, want := msgs[1].Text, "Anything else?"; got != want {
		t.Errorf("got follow-up %q, want %q", got, want)
	}

	ev := hr.recordedEvents()[1]
	if got, want := ev.Action, "confirm:1"; got != want {
		t.Errorf("got action %q, want %q", got, want)
	}
	if got, want := ev.EventID, "feishu:card:"+click.ID; got != want {
		t.Errorf("got event id %q, want %q", got, want)
	}
	if got, want := ev.MessageID, preview.ID; got != want {
		t.Errorf("got message id %q, want %q", got, want)
	}
}

func TestHTTPClickReplacesCard(t *testing.T) {
	hr := startAdapter(t, harnessOptions{mode: ModeHTTP, encryptKey: testEncryptKey}, previewHandler)
	chat := feishutest.P2PChatID(testUser)
	res := hr.srv.Deliver(t, hr.callbackURL, hr.srv.NewP2P(testUser, "Acme GmbH"))
	if res.Status != http.StatusOK {
		t.Fatalf("got status %d for the message, want 200", res.Status)
	}
	preview := hr.srv.WaitMessages(t, chat, 1, waitLimit)[0]

	res = hr.srv.Deliver(t, hr.callbackURL, hr.srv.NewClick(preview.ID, map[string]any{"t": "confirm:1"}, testUser))
	if res.Status != http.StatusOK || res.Answer == nil || res.Answer.Card == nil {
		t.Fatalf("got status %d answer %+v, want 200 with a card", res.Status, res.Answer)
	}
	msgs := hr.srv.WaitMessages(t, chat, 2, waitLimit)
	if got := msgs[0].Buttons; len(got) != 0 {
		t.Errorf("got buttons %+v after the click, want none", got)
	}
	if !strings.HasPrefix(msgs[0].Text, "Lead created") {
		t.Errorf("got card text %q, want it to start with %q", msgs[0].Text, "Lead created")
	}
}

func TestMessagePushedTwiceHandledOnce(t *testing.T) {
	hr := startAdapter(t, harnessOptions{}, previewHandler)
	first := hr.srv.SendP2P(testUser, "log a call with Acme")
	again := hr.srv.Redeliver(first)
	hr.srv.WaitAck(t, first, waitLimit)
	hr.srv.WaitAck(t, again, waitLimit)
	hr.srv.WaitMessages(t, feishutest.P2PChatID(testUser), 1, waitLimit)

	// A later message is handled after the copy would have been, since
	// messages of one chat are handled in order.
	hr.srv.SendP2P(testUser, "Beta Ltd")
	hr.srv.WaitMessages(t, feishutest.P2PChatID(testUser), 2, waitLimit)
	var texts []string
	for _, ev := range hr.recordedEvents() {
		texts = append(texts, ev.Text)
	}
	if want := []string{"log a call with Acme", "Beta Ltd"}; !slices.Equal(texts, want) {
		t.Errorf("got handled texts %q, want %q", texts, want)
	}
}

func TestHTTPMessagePushedTwiceHandledOnce(t *testing.T) {
	hr := startAdapter(t, harnessOptions{mode: ModeHTTP}, previewHandler)
	ev := hr.srv.NewP2P(testUser, "log a call with Acme")
	for _, e := range []feishutest.Event{ev, hr.srv.WithNewID(ev)} {
		if res := hr.srv.Deliver(t, hr.callbackURL, e); res.Status != http.StatusOK {
			t.Fatalf("got status %d, want 200", res.Status)
		}
	}
	hr.srv.WaitMessages(t, feishutest.P2PChatID(testUser), 1, waitLimit)
	hr.adapter.pending.Wait()
	if got := len(hr.recordedEvents()); got != 1 {
		t.Errorf("handler called %d times, want 1", got)
	}
	if got := len(hr.srv.Messages(feishutest.P2PChatID(testUser))); got != 1 {
		t.Errorf("got %d replies, want 1", got)
	}
}

func TestHTTPStringValueGetsToast(t *testing.T) {
	hr := startAdapter(t, harnessOptions{mode: ModeHTTP, encryptKey: testEncryptKey}, previewHandler)
	res := hr.srv.Deliver(t, hr.callbackURL, hr.srv.NewClick("om_demo1", "confirm_lead_42", testUser))
	if res.Status != http.StatusOK {
		t.Fatalf("got status %d, want 200", res.Status)
	}
	if res.Answer == nil || res.Answer.Toast != notUnderstoodToast {
		t.Errorf("got answer %+v, want the toast %q", res.Answer, notUnderstoodToast)
	}
	if res.Answer != nil && res.Answer.Card != nil {
		t.Errorf("got card %s, want none", res.Answer.Card)
	}
	if got := hr.clicks(); got != 0 {
		t.Errorf("handler got %d clicks, want 0", got)
	}
}

func TestMalformedValueGetsToast(t *testing.T) {
	values := map[string]any{
		"number token":  map[string]any{"t": 5},
		"no token":      map[string]any{"action": "confirm"},
		"empty token":   map[string]any{"t": ""},
		"long token":    map[string]any{"t": strings.Repeat("x", 65)},
		"array value":   []any{"t"},
		"string value":  "confirm_lead_42",
		"missing value": nil,
	}
	hr := startAdapter(t, harnessOptions{mode: ModeHTTP}, previewHandler)
	for name, value := range values {
		t.Run(name, func(t *testing.T) {
			res := hr.srv.Deliver(t, hr.callbackURL, hr.srv.NewClick("om_demo1", value, testUser))
			if res.Status != http.StatusOK || res.Answer == nil {
				t.Fatalf("got status %d answer %+v, want 200 with a toast", res.Status, res.Answer)
			}
			if got, want := res.Answer.Toast, notUnderstoodToast; got != want {
				t.Errorf("got toast %q, want %q", got, want)
			}
		})
	}
	if got := hr.clicks(); got != 0 {
		t.Errorf("handler got %d clicks, want 0", got)
	}
}

func TestLongConnectionStringValueNoAction(t *testing.T) {
	hr := startAdapter(t, harnessOptions{}, previewHandler)
	click := hr.srv.Click("om_demo1", "confirm_lead_42", testUser)

	// The SDK cannot decode a string value, so it acknowledges with 500
	// and the connector never sees the click (see eventDispatcher).
	if got, want := hr.srv.WaitAck(t, click, waitLimit).Code, 500; got != want {
		t.Errorf("got ack code %d, want %d", got, want)
	}
	if got := hr.clicks(); got != 0 {
		t.Errorf("handler got %d clicks, want 0", got)
	}

	// The connection survives: the next message is handled.
	hr.srv.SendP2P(testUser, "Acme")
	hr.srv.WaitMessages(t, feishutest.P2PChatID(testUser), 1, waitLimit)
}

func TestUnknownTokenToastFromHandler(t *testing.T) {
	hr := startAdapter(t, harnessOptions{}, previewHandler)
	click := hr.srv.Click("om_old", map[string]any{"t": "gone"}, testUser)
	ack := hr.srv.WaitAck(t, click, waitLimit)
	if ack.Answer == nil {
		t.Fatalf("got ack %+v, want an answer", ack)
	}
	if got, want := ack.Answer.Toast, "This button has expired. Send a new message to start again."; got != want {
		t.Errorf("got toast %q, want %q", got, want)
	}
	if ack.Answer.Card != nil {
		t.Errorf("got card %s, want none", ack.Answer.Card)
	}
	hr.adapter.pending.Wait()
	if got := hr.srv.Calls("send"); got != 0 {
		t.Errorf("got %d sent messages, want 0 (the toast is the answer)", got)
	}
}

func TestSlowHandlerCardUpdatedLater(t *testing.T) {
	release := make(chan struct{})
	hr := startAdapter(t, harnessOptions{}, func(ctx context.Context, ev bot.Event) []bot.Reply {
		if ev.Action != "" {
			<-release
		}
		return previewHandler(ctx, ev)
	})
	hr.adapter.answerBudget = 50 * time.Millisecond
	chat := feishutest.P2PChatID(testUser)
	hr.srv.SendP2P(testUser, "Acme")
	preview := hr.srv.WaitMessages(t, chat, 1, waitLimit)[0]

	click := hr.srv.Click(preview.ID, map[string]any{"t": "confirm:1"}, testUser)
	ack := hr.srv.WaitAck(t, click, waitLimit)
	if ack.Answer != nil && (ack.Answer.Card != nil || ack.Answer.Toast != "") {
		t.Errorf("got answer %+v before the handler returned, want an empty one", ack.Answer)
	}
	close(release)

	msgs := hr.srv.WaitMessages(t, chat, 2, waitLimit)
	if got := msgs[0].Buttons; len(got) != 0 {
		t.Errorf("got buttons %+v after the late update, want none", got)
	}
	if got, want := hr.srv.Calls("patch"), 1; got != want {
		t.Errorf("got %d PATCH calls, want %d", got, want)
	}
}

func TestGroupMentionStripped(t *testing.T) {
	hr := startAdapter(t, harnessOptions{}, previewHandler)
	hr.srv.MentionInGroup("oc_sales", testUser, "new customer Acme")
	hr.srv.WaitMessages(t, "oc_sales", 1, waitLimit)

	ev := hr.recordedEvents()[0]
	if got, want := ev.Text, "new customer Acme"; got != want {
		t.Errorf("got text %q, want %q", got, want)
	}
	if !ev.Group {
		t.Error("got Group false for a group message, want true")
	}
}

func TestNonTextMessageGetsReply(t *testing.T) {
	hr := startAdapter(t, harnessOptions{}, previewHandler)
	hr.srv.Push(hr.srv.NewNonText(testUser, "image"))
	msgs := hr.srv.WaitMessages(t, feishutest.P2PChatID(testUser), 1, waitLimit)
	if got, want := msgs[0].Text, nonTextReply; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := len(hr.recordedEvents()); got != 0 {
		t.Errorf("handler called %d times, want 0", got)
	}
}

func TestHTTPRejectsForgedRequests(t *testing.T) {
	tests := []struct {
		name string
		opts feishutest.DeliverOptions
	}{
		{"forged signature", feishutest.DeliverOptions{Signature: strings.Repeat("ab", 32)}},
		{"wrong verification token", feishutest.DeliverOptions{Token: "forged-token"}},
		{"stale timestamp", feishutest.DeliverOptions{Timestamp: time.Now().Add(-6 * time.Minute)}},
		{"future timestamp", feishutest.DeliverOptions{Timestamp: time.Now().Add(6 * time.Minute)}},
	}
	hr := startAdapter(t, harnessOptions{mode: ModeHTTP, encryptKey: testEncryptKey}, previewHandler)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, ev := range []feishutest.Event{
				hr.srv.NewP2P(testUser, "Acme"),
				hr.srv.NewClick("om_demo1", map[string]any{"t": "confirm:1"}, testUser),
			} {
				res := hr.srv.DeliverWith(t, hr.callbackURL, ev, tt.opts)
				if got, want := res.Status, http.StatusUnauthorized; got != want {
					t.Errorf("%s: got status %d, want %d", ev.Type, got, want)
				}
			}
		})
	}
	hr.adapter.pending.Wait()
	if got := len(hr.recordedEvents()); got != 0 {
		t.Errorf("handler called %d times, want 0", got)
	}
}

func TestHTTPRejectsWrongTokenWithoutEncryption(t *testing.T) {
	hr := startAdapter(t, harnessOptions{mode: ModeHTTP}, previewHandler)
	res := hr.srv.DeliverWith(t, hr.callbackURL, hr.srv.NewP2P(testUser, "Acme"),
		feishutest.DeliverOptions{Token: "forged-token"})
	if got, want := res.Status, http.StatusUnauthorized; got != want {
		t.Errorf("got status %d, want %d", got, want)
	}
	hr.adapter.pending.Wait()
	if got := len(hr.recordedEvents()); got != 0 {
		t.Errorf("handler called %d times, want 0", got)
	}
}

func TestHTTPRejectsUnencryptedBody(t *testing.T) {
	hr := startAdapter(t, harnessOptions{mode: ModeHTTP, encryptKey: testEncryptKey}, previewHandler)
	res := hr.srv.PostRaw(t, hr.callbackURL, hr.srv.NewP2P(testUser, "Acme").JSON())
	if got, want := res.Status, http.StatusUnauthorized; got != want {
		t.Errorf("got status %d, want %d", got, want)
	}
}

func TestHTTPURLVerification(t *testing.T) {
	for _, key := range []string{"", testEncryptKey} {
		t.Run("encrypt key "+map[bool]string{true: "set", false: "unset"}[key != ""], func(t *testing.T) {
			hr := startAdapter(t, harnessOptions{mode: ModeHTTP, encryptKey: key}, previewHandler)
			body := feishutest.URLVerification(testVerification, "challenge-123")
			if key != "" {
				body = feishutest.Encrypt(key, body)
			}
			res := hr.srv.PostRaw(t, hr.callbackURL, body)
			if res.Status != http.StatusOK {
				t.Fatalf("got status %d, want 200", res.Status)
			}
			if got, want := strings.TrimSpace(string(res.Body)), `{"challenge":"challenge-123"}`; got != want {
				t.Errorf("got body %s, want %s", got, want)
			}

			wrong := feishutest.URLVerification("forged-token", "challenge-123")
			if key != "" {
				wrong = feishutest.Encrypt(key, wrong)
			}
			if got, want := hr.srv.PostRaw(t, hr.callbackURL, wrong).Status, http.StatusUnauthorized; got != want {
				t.Errorf("wrong token: got status %d, want %d", got, want)
			}
		})
	}
}

func TestHTTPEncryptedEventDecrypted(t *testing.T) {
	hr := startAdapter(t, harnessOptions{mode: ModeHTTP, encryptKey: testEncryptKey}, previewHandler)
	ev := hr.srv.NewP2P(testUser, "新客户 北京星河")
	if res := hr.srv.Deliver(t, hr.callbackURL, ev); res.Status != http.StatusOK {
		t.Fatalf("got status %d, want 200", res.Status)
	}
	hr.srv.WaitMessages(t, feishutest.P2PChatID(testUser), 1, waitLimit)
	if got, want := hr.recordedEvents()[0].Text, "新客户 北京星河"; got != want {
		t.Errorf("got text %q, want %q", got, want)
	}
}

func TestNewRejectsBadCredentials(t *testing.T) {
	appID := feishutest.AppID(t)
	srv := feishutest.NewServer(t, feishutest.Options{AppID: appID, AppSecret: testSecret})
	_, err := New(Config{AppID: appID, AppSecret: "wrong", Domain: srv.URL()},
		bot.HandlerFunc(previewHandler), nil)
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("got error %v, want ErrUnauthorized", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error %q contains the secret", err)
	}
}
