package feishu

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot"
)

func TestConfigDomain(t *testing.T) {
	tests := []struct {
		domain string
		want   string
	}{
		{"", "https://open.feishu.cn"},
		{"feishu", "https://open.feishu.cn"},
		{"lark", "https://open.larksuite.com"},
		{"Lark", "https://open.larksuite.com"},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080"},
	}
	for _, tt := range tests {
		cfg, err := Config{AppID: "cli_a", AppSecret: "s", Domain: tt.domain}.withDefaults()
		if err != nil {
			t.Fatalf("domain %q: %v", tt.domain, err)
		}
		if cfg.Domain != tt.want {
			t.Errorf("domain %q: got base URL %q, want %q", tt.domain, cfg.Domain, tt.want)
		}
	}
}

func TestConfigRejectsInvalid(t *testing.T) {
	tests := map[string]Config{
		"no app id":          {AppSecret: "s"},
		"no app secret":      {AppID: "cli_a"},
		"bad domain":         {AppID: "cli_a", AppSecret: "s", Domain: "open.feishu.cn"},
		"bad mode":           {AppID: "cli_a", AppSecret: "s", Mode: "webhook"},
		"http without token": {AppID: "cli_a", AppSecret: "s", Mode: ModeHTTP},
		"negative window":    {AppID: "cli_a", AppSecret: "s", FreshnessWindow: -time.Second},
	}
	for name, cfg := range tests {
		if _, err := cfg.withDefaults(); err == nil {
			t.Errorf("%s: got no error", name)
		}
	}
}

func TestConfigLogValueHidesSecrets(t *testing.T) {
	cfg := Config{AppID: "cli_a", AppSecret: "s3cret", VerificationToken: "v3rify", EncryptKey: "k3y"}
	got := cfg.LogValue().String()
	for _, secret := range []string{"s3cret", "v3rify", "k3y"} {
		if strings.Contains(got, secret) {
			t.Errorf("LogValue %q contains %q", got, secret)
		}
	}
}

func TestDecodeText(t *testing.T) {
	got, err := decodeText(`{"text":"log a call with Acme"}`)
	if err != nil || got != "log a call with Acme" {
		t.Errorf("got %q, %v; want %q", got, err, "log a call with Acme")
	}
	for _, bad := range []string{`log a call`, `{"image_key":"x"}`, `"text"`} {
		if _, err := decodeText(bad); err == nil {
			t.Errorf("decodeText(%q): got no error", bad)
		}
	}
}

func TestStripMentions(t *testing.T) {
	botMention := mention{Key: "@_user_1", Name: "crmbot"}
	person := mention{Key: "@_user_2", Name: "Wang Fang"}
	tests := []struct {
		name     string
		text     string
		mentions []mention
		want     string
	}{
		{"leading bot", "@_user_1 new customer Acme", []mention{botMention}, "new customer Acme"},
		{"person kept", "@_user_1 new deal for @_user_2", []mention{botMention, person}, "new deal for @Wang Fang"},
		{"marked bot anywhere", "new deal @_user_1", []mention{{Key: "@_user_1", MentionedType: "bot"}}, "new deal"},
		{"line breaks kept", "@_user_1 note:\nline two", []mention{botMention}, "note:\nline two"},
		{"key prefix of another", "@_user_1 hi @_user_10",
			[]mention{botMention, {Key: "@_user_10", Name: "Li"}}, "hi @Li"},
	}
	for _, tt := range tests {
		if got := stripMentions(tt.text, tt.mentions); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestRenderCardEscapesOdooValues(t *testing.T) {
	out := renderReply(bot.Reply{
		Text:    "Create *this* lead?",
		Fields:  []bot.Field{{Label: "Company", Value: "R&D <Sales> [x](javascript:y)"}},
		Buttons: []bot.Button{{Label: "Confirm", Token: "tok1"}, {Label: "", Token: "tok2"}},
		Record:  &bot.Record{URL: "https://odoo.test/odoo/crm/42?a=(1)"},
	})
	if out.msgType != msgTypeInteractive {
		t.Fatalf("got msg_type %q, want %q", out.msgType, msgTypeInteractive)
	}
	if out.skipped != 1 {
		t.Errorf("got %d skipped buttons, want 1 (empty label)", out.skipped)
	}
	content := string(out.content)
	for _, raw := range []string{"*this*", "<Sales>", "[x]", "R&D"} {
		if strings.Contains(content, raw) {
			t.Errorf("card %s contains unescaped %q", content, raw)
		}
	}
	if !strings.Contains(content, `(https://odoo.test/odoo/crm/42?a=%281%29)`) {
		t.Errorf("card %s lacks the escaped record link target", content)
	}

	var c struct {
		Config struct {
			UpdateMulti bool `json:"update_multi"`
		} `json:"config"`
		Elements []struct {
			Tag     string `json:"tag"`
			Actions []struct {
				Value json.RawMessage `json:"value"`
			} `json:"actions"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(out.content, &c); err != nil {
		t.Fatal(err)
	}
	if !c.Config.UpdateMulti {
		t.Error("got update_multi false, want true")
	}
	last := c.Elements[len(c.Elements)-1]
	if last.Tag != "action" || len(last.Actions) != 1 {
		t.Fatalf("got last element %+v, want one button", last)
	}
	if got, want := string(last.Actions[0].Value), `{"t":"tok1"}`; got != want {
		t.Errorf("got button value %s, want %s", got, want)
	}
}

func TestRenderPlainTextIsPost(t *testing.T) {
	out := renderReply(bot.Reply{Text: "Done *now*", Record: &bot.Record{URL: "javascript:alert(1)"}})
	if out.msgType != msgTypePost {
		t.Fatalf("got msg_type %q, want %q", out.msgType, msgTypePost)
	}
	want := `{"zh_cn":{"title":"","content":[[{"tag":"text","text":"Done *now*"}],` +
		`[{"tag":"text","text":"javascript:alert(1)"}]]}}`
	if got := string(out.content); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestSendUUIDStable(t *testing.T) {
	a, b := sendUUID("feishu:om_1", 0), sendUUID("feishu:om_1", 0)
	if a != b {
		t.Errorf("got %q and %q for the same reply, want equal", a, b)
	}
	if sendUUID("feishu:om_1", 1) == a {
		t.Error("got the same uuid for two replies")
	}
	if len(a) != 36 {
		t.Errorf("got uuid %q of %d characters, want 36", a, len(a))
	}
}
