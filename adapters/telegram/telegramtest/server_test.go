package telegramtest

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

const testToken = "123456:test-token"

func newBot(t *testing.T, srv *Server) *tgbotapi.BotAPI {
	t.Helper()
	api, err := tgbotapi.NewBotAPIWithAPIEndpoint(testToken, srv.Endpoint())
	if err != nil {
		t.Fatalf("NewBotAPIWithAPIEndpoint: %v", err)
	}
	return api
}

// botError returns the Bot API error in err, failing the test if there is
// none.
func botError(t *testing.T, err error) *tgbotapi.Error {
	t.Helper()
	var e *tgbotapi.Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v, want a *tgbotapi.Error", err)
	}
	return e
}

func TestServerGetMe(t *testing.T) {
	srv := NewServer(t, testToken)
	api := newBot(t, srv)
	if got, want := api.Self.UserName, Bot.UserName; got != want {
		t.Errorf("got username %q, want %q", got, want)
	}

	_, err := tgbotapi.NewBotAPIWithAPIEndpoint("999:wrong", srv.Endpoint())
	if got, want := botError(t, err).Code, 401; got != want {
		t.Errorf("wrong token: got code %d, want %d", got, want)
	}
}

func TestServerSendMessageRejects(t *testing.T) {
	tests := []struct {
		name      string
		msg       func() tgbotapi.MessageConfig
		wantError string
	}{
		{
			name: "callback data over 64 bytes",
			msg: func() tgbotapi.MessageConfig {
				m := tgbotapi.NewMessage(1, "preview")
				data := "convert_lead|北京星河远航信息技术有限公司|stage=Qualified"
				m.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(
					tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Convert", data)))
				return m
			},
			wantError: "Bad Request: BUTTON_DATA_INVALID",
		},
		{
			name: "bare ampersand in HTML",
			msg: func() tgbotapi.MessageConfig {
				m := tgbotapi.NewMessage(1, "R&D team")
				m.ParseMode = tgbotapi.ModeHTML
				return m
			},
			wantError: "Bad Request: can't parse entities",
		},
		{
			name: "unknown HTML tag",
			msg: func() tgbotapi.MessageConfig {
				m := tgbotapi.NewMessage(1, "<Sales> team")
				m.ParseMode = tgbotapi.ModeHTML
				return m
			},
			wantError: "Bad Request: can't parse entities",
		},
		{
			name:      "text over 4096 characters",
			msg:       func() tgbotapi.MessageConfig { return tgbotapi.NewMessage(1, strings.Repeat("é", 4097)) },
			wantError: "Bad Request: message is too long",
		},
		{
			name:      "empty text",
			msg:       func() tgbotapi.MessageConfig { return tgbotapi.NewMessage(1, "") },
			wantError: "Bad Request: message text is empty",
		},
	}
	srv := NewServer(t, testToken)
	api := newBot(t, srv)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := api.Send(tt.msg())
			e := botError(t, err)
			if got, want := e.Code, 400; got != want {
				t.Errorf("got code %d, want %d", got, want)
			}
			if !strings.HasPrefix(e.Message, tt.wantError) {
				t.Errorf("got description %q, want prefix %q", e.Message, tt.wantError)
			}
		})
	}
	if got := srv.Messages(1); len(got) != 0 {
		t.Errorf("got %d stored messages after rejected sends, want 0", len(got))
	}
}

func TestServerStoresHTMLAndButtons(t *testing.T) {
	srv := NewServer(t, testToken)
	api := newBot(t, srv)

	m := tgbotapi.NewMessage(5, "<b>Company:</b> R&amp;D &lt;Sales&gt; &#21271;")
	m.ParseMode = tgbotapi.ModeHTML
	m.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("Confirm", "c:1"),
			tgbotapi.NewInlineKeyboardButtonData("Cancel", "x:1")),
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonURL("Open", "https://odoo.test/")))
	if _, err := api.Send(m); err != nil {
		t.Fatalf("Send: %v", err)
	}

	msgs := srv.Messages(5)
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	if got, want := msgs[0].Text, "Company: R&D <Sales> 北"; got != want {
		t.Errorf("got text %q, want %q", got, want)
	}
	wantButtons := []Button{
		{Text: "Confirm", Data: "c:1", Row: 0},
		{Text: "Cancel", Data: "x:1", Row: 0},
		{Text: "Open", URL: "https://odoo.test/", Row: 1},
	}
	if got := msgs[0].Buttons; !slices.Equal(got, wantButtons) {
		t.Errorf("got buttons %+v, want %+v", got, wantButtons)
	}
}

func TestServerEditMessageText(t *testing.T) {
	srv := NewServer(t, testToken)
	api := newBot(t, srv)

	m := tgbotapi.NewMessage(5, "preview")
	keyboard := tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Confirm", "c:1")))
	m.ReplyMarkup = keyboard
	sent, err := api.Send(m)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}

	same := tgbotapi.NewEditMessageTextAndMarkup(5, sent.MessageID, "preview", keyboard)
	_, err = api.Send(same)
	if got, want := botError(t, err).Message, "Bad Request: message is not modified"; !strings.HasPrefix(got, want) {
		t.Errorf("identical edit: got %q, want prefix %q", got, want)
	}

	if _, err := api.Send(tgbotapi.NewEditMessageText(5, sent.MessageID, "done")); err != nil {
		t.Fatalf("edit without keyboard: %v", err)
	}
	got := srv.Messages(5)[0]
	if got.Text != "done" {
		t.Errorf("got text %q, want %q", got.Text, "done")
	}
	if len(got.Buttons) != 0 {
		t.Errorf("got buttons %+v after an edit without reply_markup, want none", got.Buttons)
	}
	if got.Edits != 1 {
		t.Errorf("got %d edits, want 1", got.Edits)
	}

	_, err = api.Send(tgbotapi.NewEditMessageText(5, 999, "done"))
	if got, want := botError(t, err).Message, "Bad Request: message to edit not found"; got != want {
		t.Errorf("unknown message: got %q, want %q", got, want)
	}
}

func TestServerAnswerCallbackQueryTwice(t *testing.T) {
	srv := NewServer(t, testToken)
	api := newBot(t, srv)
	srv.Click(5, 5, 1, "c:1")

	updates, err := api.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	if len(updates) != 1 || updates[0].CallbackQuery == nil {
		t.Fatalf("got updates %+v, want one callback_query", updates)
	}
	queryID := updates[0].CallbackQuery.ID

	if _, err := api.Request(tgbotapi.NewCallback(queryID, "")); err != nil {
		t.Fatalf("first answer: %v", err)
	}
	_, err = api.Request(tgbotapi.NewCallback(queryID, ""))
	if got, want := botError(t, err).Message, "Bad Request: query is too old"; !strings.HasPrefix(got, want) {
		t.Errorf("second answer: got %q, want prefix %q", got, want)
	}
	if got, want := srv.CallbackAnswers(), 1; got != want {
		t.Errorf("got %d answers, want %d", got, want)
	}
}

func TestServerGetUpdatesLongPoll(t *testing.T) {
	srv := NewServer(t, testToken)
	api := newBot(t, srv)

	type result struct {
		updates []tgbotapi.Update
		err     error
	}
	done := make(chan result, 1)
	go func() {
		updates, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 10})
		done <- result{updates, err}
	}()

	select {
	case r := <-done:
		t.Fatalf("getUpdates returned before an update was queued: %+v, %v", r.updates, r.err)
	case <-time.After(100 * time.Millisecond):
	}
	id := srv.SendText(5, 5, "hello")

	var r result
	select {
	case r = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("getUpdates did not return within 5s of an update being queued")
	}
	if r.err != nil {
		t.Fatalf("GetUpdates: %v", r.err)
	}
	if len(r.updates) != 1 || r.updates[0].UpdateID != id {
		t.Fatalf("got %+v, want update %d", r.updates, id)
	}
	if got, want := r.updates[0].Message.Text, "hello"; got != want {
		t.Errorf("got text %q, want %q", got, want)
	}

	// Without a higher offset the update is served again.
	again, err := api.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(again) != 1 {
		t.Fatalf("unconfirmed: got %d updates, %v, want 1", len(again), err)
	}
	confirmed, err := api.GetUpdates(tgbotapi.UpdateConfig{Offset: id + 1})
	if err != nil || len(confirmed) != 0 {
		t.Fatalf("confirmed: got %d updates, %v, want 0", len(confirmed), err)
	}

	srv.Redeliver(id)
	redelivered, err := api.GetUpdates(tgbotapi.UpdateConfig{Offset: id + 1})
	if err != nil || len(redelivered) != 1 || redelivered[0].UpdateID != id {
		t.Fatalf("redelivered: got %+v, %v, want update %d", redelivered, err, id)
	}
}

func TestServerFailNext(t *testing.T) {
	srv := NewServer(t, testToken)
	api := newBot(t, srv)
	srv.FailNext("sendMessage", 429, "Too Many Requests: retry after 7", 7)

	_, err := api.Send(tgbotapi.NewMessage(5, "hi"))
	e := botError(t, err)
	if got, want := e.Code, 429; got != want {
		t.Errorf("got code %d, want %d", got, want)
	}
	if got, want := e.RetryAfter, 7; got != want {
		t.Errorf("got retry_after %d, want %d", got, want)
	}

	if _, err := api.Send(tgbotapi.NewMessage(5, "hi")); err != nil {
		t.Errorf("second send: got %v, want success", err)
	}
	if got, want := srv.Calls("sendMessage"), 2; got != want {
		t.Errorf("got %d sendMessage calls, want %d", got, want)
	}
}
