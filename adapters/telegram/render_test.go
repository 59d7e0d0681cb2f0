package telegram

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/bot"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// longChineseToken is 43 characters but 71 bytes, over Telegram's 64-byte
// callback_data limit.
const longChineseToken = "convert_lead|北京星河远航信息技术有限公司|stage=Qualified"

func TestRenderReplyEscapesHTML(t *testing.T) {
	tests := []struct {
		name  string
		reply bot.Reply
		want  string
	}{
		{
			name:  "plain text",
			reply: bot.Reply{Text: "Lead created"},
			want:  "Lead created",
		},
		{
			name:  "special characters in text",
			reply: bot.Reply{Text: `a < b & c > "d"`},
			want:  "a &lt; b &amp; c &gt; &quot;d&quot;",
		},
		{
			name: "fields under the text",
			reply: bot.Reply{
				Text:   "Create this lead?",
				Fields: []bot.Field{{Label: "Company", Value: "R&D <Sales>"}, {Label: "Email", Value: "no email"}},
			},
			want: "Create this lead?\nCompany: R&amp;D &lt;Sales&gt;\nEmail: no email",
		},
		{
			name:  "entity-like value stays literal",
			reply: bot.Reply{Fields: []bot.Field{{Label: "Note", Value: "&lt;b&gt;"}}},
			want:  "Note: &amp;lt;b&amp;gt;",
		},
		{
			name:  "record link",
			reply: bot.Reply{Text: "Done", Record: &bot.Record{Model: "crm.lead", ID: 42, URL: "https://odoo.test/odoo/crm/42?a=1&b=2"}},
			want:  "Done\n<a href=\"https://odoo.test/odoo/crm/42?a=1&amp;b=2\">https://odoo.test/odoo/crm/42?a=1&amp;b=2</a>",
		},
		{
			name:  "record URL with another scheme is text",
			reply: bot.Reply{Text: "Done", Record: &bot.Record{URL: `javascript:alert("x")`}},
			want:  "Done\njavascript:alert(&quot;x&quot;)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := renderReply(tt.reply).chunks
			if len(got) != 1 {
				t.Fatalf("got %d chunks, want 1", len(got))
			}
			if got[0] != tt.want {
				t.Errorf("got %q, want %q", got[0], tt.want)
			}
		})
	}
}

func TestSplitChunks(t *testing.T) {
	tests := []struct {
		name       string
		lines      []line
		limit      int
		wantChunks []string
	}{
		{
			name:       "fits",
			lines:      []line{{text: "ab"}, {text: "cd"}},
			limit:      5,
			wantChunks: []string{"ab\ncd"},
		},
		{
			name:       "lines kept whole",
			lines:      []line{{text: "abc"}, {text: "def"}},
			limit:      5,
			wantChunks: []string{"abc", "def"},
		},
		{
			name:       "long line cut",
			lines:      []line{{text: "abcdefgh"}},
			limit:      3,
			wantChunks: []string{"abc", "def", "gh"},
		},
		{
			name:       "escaping does not count",
			lines:      []line{{text: "<&>"}},
			limit:      3,
			wantChunks: []string{"&lt;&amp;&gt;"},
		},
		{
			name:       "emoji counts as two",
			lines:      []line{{text: "😀😀😀"}},
			limit:      4,
			wantChunks: []string{"😀😀", "😀"},
		},
		{
			name:       "blank chunk dropped",
			lines:      []line{{text: ""}},
			limit:      4,
			wantChunks: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitChunks(tt.lines, tt.limit)
			if strings.Join(got, "|") != strings.Join(tt.wantChunks, "|") || len(got) != len(tt.wantChunks) {
				t.Errorf("got %q, want %q", got, tt.wantChunks)
			}
		})
	}
}

func TestRenderReplySplitsLongText(t *testing.T) {
	text := strings.Repeat("x", 5000)
	got := renderReply(bot.Reply{Text: text}).chunks
	if len(got) != 2 {
		t.Fatalf("got %d chunks, want 2", len(got))
	}
	if n := textLength(got[0]); n != maxMessageLength {
		t.Errorf("got first chunk of %d characters, want %d", n, maxMessageLength)
	}
	if got[0]+got[1] != text {
		t.Errorf("got chunks that do not join to the text")
	}
}

func TestBuildKeyboardLayout(t *testing.T) {
	tests := []struct {
		name    string
		buttons []bot.Button
		want    [][]string // labels per row
	}{
		{
			name:    "two short labels share a row",
			buttons: []bot.Button{{Label: "Confirm", Token: "c"}, {Label: "Cancel", Token: "x"}},
			want:    [][]string{{"Confirm", "Cancel"}},
		},
		{
			name:    "three short labels",
			buttons: []bot.Button{{Label: "A", Token: "a"}, {Label: "B", Token: "b"}, {Label: "C", Token: "c"}},
			want:    [][]string{{"A", "B"}, {"C"}},
		},
		{
			name: "long label gets its own row",
			buttons: []bot.Button{
				{Label: "Convert to opportunity", Token: "o"},
				{Label: "Cancel", Token: "x"},
			},
			want: [][]string{{"Convert to opportunity"}, {"Cancel"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keyboard, rejected := buildKeyboard(tt.buttons)
			if len(rejected) != 0 {
				t.Fatalf("got rejected %+v, want none", rejected)
			}
			var got [][]string
			for _, row := range keyboard.InlineKeyboard {
				var labels []string
				for _, b := range row {
					labels = append(labels, b.Text)
				}
				got = append(got, labels)
			}
			if gotJSON, wantJSON := mustJSON(t, got), mustJSON(t, tt.want); gotJSON != wantJSON {
				t.Errorf("got rows %s, want %s", gotJSON, wantJSON)
			}
		})
	}
}

func TestBuildKeyboardValidatesTokens(t *testing.T) {
	tests := []struct {
		name       string
		button     bot.Button
		wantReason string
	}{
		{"ascii 64 bytes", bot.Button{Label: "OK", Token: strings.Repeat("a", 64)}, ""},
		{"chinese 21 characters 63 bytes", bot.Button{Label: "OK", Token: strings.Repeat("北", 21)}, ""},
		{"chinese 43 characters 71 bytes", bot.Button{Label: "OK", Token: longChineseToken}, "token longer than 64 bytes"},
		{"ascii 65 bytes", bot.Button{Label: "OK", Token: strings.Repeat("a", 65)}, "token longer than 64 bytes"},
		{"empty token", bot.Button{Label: "OK", Token: ""}, "empty token"},
		{"invalid UTF-8", bot.Button{Label: "OK", Token: "a\xff"}, "token is not valid UTF-8"},
		{"blank label", bot.Button{Label: " ", Token: "a"}, "empty label"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok := bot.Button{Label: "Cancel", Token: "cancel"}
			keyboard, rejected := buildKeyboard([]bot.Button{tt.button, ok})

			gotReason := ""
			if len(rejected) > 0 {
				gotReason = rejected[0].reason
			}
			if gotReason != tt.wantReason {
				t.Errorf("got reason %q, want %q", gotReason, tt.wantReason)
			}
			for _, row := range keyboard.InlineKeyboard {
				for _, b := range row {
					if n := len(*b.CallbackData); n < 1 || n > maxCallbackDataBytes {
						t.Errorf("got callback_data of %d bytes in the keyboard, want 1..64", n)
					}
				}
			}
		})
	}
}

// TestRenderGolden compares the sendMessage text and reply_markup of a
// lead preview with testdata/lead_preview.golden. Run with -update to
// rewrite the file after an intended change.
func TestRenderGolden(t *testing.T) {
	reply := bot.Reply{
		Text: "Create this lead?",
		Fields: []bot.Field{
			{Label: "Company", Value: "北京星河远航信息技术有限公司"},
			{Label: "Contact", Value: "王芳 <wang.fang@example.test>"},
			{Label: "Team", Value: "R&D"},
		},
		Buttons: []bot.Button{
			{Label: "Confirm", Token: "t:7f3a9c"},
			{Label: "Cancel", Token: "t:0b1d44"},
			{Label: "Edit the company name", Token: "t:52ee10"},
			{Label: "Convert", Token: longChineseToken},
		},
	}
	out := renderReply(reply)
	got := mustJSON(t, map[string]any{"text": out.chunks, "reply_markup": out.keyboard}) + "\n"

	path := filepath.Join("testdata", "lead_preview.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatalf("write golden file: %v", err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // keep &, < and > readable in golden files
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatalf("encode JSON: %v", err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
