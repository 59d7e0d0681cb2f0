package slack

import (
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/crmbot/crmbot/bot"
)

func TestEscapeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<script>&*bold*", "&lt;script&gt;&amp;∗bold∗"},
		{"_italic_ ~strike~ `code`", "＿italic＿ ∼strike∼ ˋcodeˋ"},
		{"first_last@example.com", "first_last@example.com"},
		{"<!channel> <@U1>", "&lt;!channel&gt; &lt;@U1&gt;"},
		{"R&D 5*3", "R&amp;D 5*3"},
	}
	for _, tt := range tests {
		if got := escapeText(tt.in); got != tt.want {
			t.Errorf("escapeText(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitTextKeepsEntities(t *testing.T) {
	text := escapeText(strings.Repeat("a", 2998) + "&&&" + strings.Repeat("b", 10))
	chunks := splitText(text, maxSectionText)
	if got, want := len(chunks), 2; got != want {
		t.Fatalf("got %d chunks, want %d", got, want)
	}
	for i, c := range chunks {
		if n := textLength(c); n > maxSectionText {
			t.Errorf("chunk %d: got %d characters, want at most %d", i, n, maxSectionText)
		}
	}
	if got := strings.Join(chunks, ""); got != text {
		t.Errorf("chunks joined differ from the text")
	}
	if !strings.HasPrefix(chunks[1], "&amp;") {
		t.Errorf("got second chunk starting %q, want a whole entity", chunks[1][:8])
	}
}

func TestRenderReplyLimits(t *testing.T) {
	var fields []bot.Field
	for range 23 {
		fields = append(fields, bot.Field{Label: "L", Value: "v"})
	}
	var buttons []bot.Button
	for range 30 {
		buttons = append(buttons, bot.Button{Label: "B", Token: "t"})
	}
	buttons = append(buttons, bot.Button{Label: "Long", Token: strings.Repeat("x", 2001)})
	r := bot.Reply{Text: strings.Repeat("word ", 61*50), Fields: fields, Buttons: buttons}

	out := renderReply(r)
	if got, want := len(out.rejected), 1; got != want {
		t.Errorf("got %d rejected buttons, want %d", got, want)
	}
	buttonCount := 0
	for i, m := range out.messages {
		if n := len(m.blocks); n > maxBlocks {
			t.Errorf("message %d: got %d blocks, want at most %d", i, n, maxBlocks)
		}
		for _, b := range m.blocks {
			switch b := b.(type) {
			case *slack.SectionBlock:
				if b.Text != nil && textLength(b.Text.Text) > maxSectionText {
					t.Errorf("message %d: section text of %d characters", i, textLength(b.Text.Text))
				}
				if len(b.Fields) > maxFields {
					t.Errorf("message %d: section with %d fields", i, len(b.Fields))
				}
			case *slack.ActionBlock:
				if b.BlockID == "" {
					t.Errorf("message %d: actions block without block_id", i)
				}
				buttonCount += len(b.Elements.ElementSet)
			}
		}
	}
	if got, want := buttonCount, 30; got != want {
		t.Errorf("got %d buttons, want %d", got, want)
	}
}

func TestRecordLinkSchemes(t *testing.T) {
	tests := []struct{ url, want string }{
		{"https://odoo.test/odoo/crm/42", "<https://odoo.test/odoo/crm/42>"},
		{"https://odoo.test/a?x=1&y=|", "<https://odoo.test/a?x=1&amp;y=%7C>"},
		{"javascript:alert(1)", "javascript:alert(1)"},
	}
	for _, tt := range tests {
		if got := recordLink(&bot.Record{URL: tt.url}); got != tt.want {
			t.Errorf("recordLink(%q): got %q, want %q", tt.url, got, tt.want)
		}
	}
}

func TestConfigLogValueHidesSecrets(t *testing.T) {
	cfg := Config{BotToken: "xoxb-secret", AppToken: "xapp-secret", SigningSecret: "sign-secret"}
	got := cfg.LogValue().String()
	for _, secret := range []string{"xoxb-secret", "xapp-secret", "sign-secret"} {
		if strings.Contains(got, secret) {
			t.Errorf("LogValue %q contains %q", got, secret)
		}
	}
}

func TestConfigRejectsInvalid(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no bot token", Config{AppToken: "xapp-1"}, "Config.BotToken"},
		{"socket without app token", Config{BotToken: "xoxb-1"}, "Config.AppToken"},
		{"http without secret", Config{BotToken: "xoxb-1", Mode: ModeHTTP}, "Config.SigningSecret"},
		{"unknown mode", Config{BotToken: "xoxb-1", Mode: "rtm"}, "Config.Mode"},
		{"api url without slash", Config{BotToken: "xoxb-1", AppToken: "xapp-1",
			APIURL: "http://127.0.0.1:1/api"}, "Config.APIURL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.cfg.withDefaults()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error naming %s", err, tt.want)
			}
		})
	}
}

func TestSplitTextAmpersandWithoutEntity(t *testing.T) {
	text := "Notes for Johnson & Johnson: " + strings.Repeat("a", 3500)
	done := make(chan []string, 1)
	go func() { done <- splitText(text, maxSectionText) }()
	select {
	case chunks := <-done:
		if got := strings.Join(chunks, ""); got != text {
			t.Errorf("chunks do not add up to the text: got %d bytes, want %d", len(got), len(text))
		}
		for i, c := range chunks {
			if n := textLength(c); n > maxSectionText {
				t.Errorf("chunk %d has %d characters, over %d", i, n, maxSectionText)
			}
		}
	case <-time.After(5 * time.Second):
		t.Fatal("splitText did not return within 5s")
	}
}
