package telegram

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/crmbot/crmbot/bot"
)

func decodeTestUpdate(t *testing.T, raw string) tgbotapi.Update {
	t.Helper()
	p := decodeUpdate(json.RawMessage(raw))
	if p.decodeErr != nil {
		t.Fatalf("decode update: %v", p.decodeErr)
	}
	return p.update
}

func TestMessageEvent(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want bot.Event
	}{
		{
			name: "private message",
			raw: `{"update_id":10,"message":{"message_id":3,"date":1,
				"from":{"id":222,"first_name":"Wang","last_name":"Fang","language_code":"zh-hans"},
				"chat":{"id":222,"type":"private"},"text":"create lead Acme"}}`,
			want: bot.Event{
				Platform: "telegram", ChatID: "222", UserID: "222", UserName: "Wang Fang",
				EventID: "telegram:10", MessageID: "3", Text: "create lead Acme", Locale: "zh-hans",
			},
		},
		{
			name: "supergroup message",
			raw: `{"update_id":11,"message":{"message_id":4,"date":1,
				"from":{"id":222,"first_name":"","username":"wf"},
				"chat":{"id":-100123,"type":"supergroup"},"text":"hi"}}`,
			want: bot.Event{
				Platform: "telegram", ChatID: "-100123", UserID: "222", UserName: "wf",
				EventID: "telegram:11", MessageID: "4", Text: "hi", Group: true,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := decodeTestUpdate(t, tt.raw)
			if got := messageEvent(u.UpdateID, u.Message, false); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCallbackEvent(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want bot.Event
	}{
		{
			name: "click under a group message",
			raw: `{"update_id":12,"callback_query":{"id":"q1","chat_instance":"i",
				"from":{"id":222,"first_name":"Wang","language_code":"en"},
				"message":{"message_id":8,"date":1,"chat":{"id":-5,"type":"group"},"text":"preview"},
				"data":"t:7f3a9c"}}`,
			want: bot.Event{
				Platform: "telegram", ChatID: "-5", UserID: "222", UserName: "Wang",
				EventID: "telegram:callback:q1", MessageID: "8", Action: "t:7f3a9c",
				Group: true, Locale: "en",
			},
		},
		{
			name: "click without message",
			raw: `{"update_id":13,"callback_query":{"id":"q2","chat_instance":"i",
				"from":{"id":333,"first_name":"Li"},"inline_message_id":"AAA","data":"t:1"}}`,
			want: bot.Event{
				Platform: "telegram", ChatID: "333", UserID: "333", UserName: "Li",
				EventID: "telegram:callback:q2", Action: "t:1",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := decodeTestUpdate(t, tt.raw)
			if got := callbackEvent(u.CallbackQuery); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeUpdateInvalid(t *testing.T) {
	p := decodeUpdate(json.RawMessage(`{"update_id":14,"message":{"message_id":"not a number"}}`))
	if p.decodeErr == nil {
		t.Fatal("got no decode error, want one")
	}
	if got, want := p.id, 14; got != want {
		t.Errorf("got id %d, want %d", got, want)
	}
}

func TestConfigLogValueHidesToken(t *testing.T) {
	var logs strings.Builder
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	logger.Info("starting", "config", Config{Token: "123:very-secret"})

	if strings.Contains(logs.String(), "very-secret") {
		t.Errorf("got log %q containing the token", logs.String())
	}
	if !strings.Contains(logs.String(), "config.token_set=true") {
		t.Errorf("got log %q, want config.token_set=true", logs.String())
	}
}

func TestConfigDefaults(t *testing.T) {
	tests := []struct {
		name            string
		cfg             Config
		wantErr         bool
		wantPollTimeout string
	}{
		{name: "zero poll timeout", cfg: Config{Token: "t"}, wantPollTimeout: "30s"},
		{name: "rounded up", cfg: Config{Token: "t", PollTimeout: 1500 * time.Millisecond}, wantPollTimeout: "2s"},
		{name: "below a second", cfg: Config{Token: "t", PollTimeout: time.Nanosecond}, wantPollTimeout: "1s"},
		{name: "missing token", cfg: Config{}, wantErr: true},
		{name: "negative poll timeout", cfg: Config{Token: "t", PollTimeout: -1}, wantErr: true},
		{name: "endpoint without verbs", cfg: Config{Token: "t", APIEndpoint: "http://127.0.0.1/"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cfg.withDefaults()
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if err == nil && got.PollTimeout.String() != tt.wantPollTimeout {
				t.Errorf("got poll timeout %v, want %s", got.PollTimeout, tt.wantPollTimeout)
			}
			if err == nil && got.HTTPClient.Timeout <= got.PollTimeout {
				t.Errorf("got HTTP timeout %v, want more than %v", got.HTTPClient.Timeout, got.PollTimeout)
			}
		})
	}
}
