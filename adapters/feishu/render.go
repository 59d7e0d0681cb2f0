package feishu

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/crmbot/crmbot/bot"
)

// Message types of the im/v1/messages API.
const (
	msgTypePost        = "post"
	msgTypeInteractive = "interactive"
)

// maxTokenBytes is the longest button token the bot issues (bot.Button).
const maxTokenBytes = 64

// markdownEscaper replaces every character that Feishu card Markdown
// treats as markup with its numeric HTML entity, so a value from Odoo
// such as "R&D *urgent* <b>" is shown as written.
//
// NOTE: the character list follows the escaping table of Feishu's card
// Markdown documentation; it has not been checked against a real client.
var markdownEscaper = func() *strings.Replacer {
	var pairs []string
	for _, r := range "&<>*_~`#[]()!+-|\\/:\"'$" {
		pairs = append(pairs, string(r), "&#"+strconv.Itoa(int(r))+";")
	}
	return strings.NewReplacer(pairs...)
}()

func escapeMarkdown(s string) string { return markdownEscaper.Replace(s) }

// rendered is a reply ready to send: a message type and its content, a
// JSON object that the API takes as a string.
type rendered struct {
	msgType string
	content []byte
	// skipped counts the buttons left out because their label or token
	// was invalid.
	skipped int
}

// renderReply renders r as an interactive card when it has fields or
// buttons or must replace a card, and as a post otherwise.
func renderReply(r bot.Reply) rendered {
	if len(r.Fields) > 0 || len(r.Buttons) > 0 || r.ReplaceSource {
		c, skipped := buildCard(r)
		return rendered{msgType: msgTypeInteractive, content: mustJSON(c), skipped: skipped}
	}
	return rendered{msgType: msgTypePost, content: mustJSON(buildPost(r))}
}

// card is a message card. Every card sets update_multi, because Feishu
// updates a card (by the PATCH API or a callback answer) only when it was
// sent with it.
type card struct {
	Config   cardConfig `json:"config"`
	Elements []any      `json:"elements"`
}

type cardConfig struct {
	WideScreenMode bool `json:"wide_screen_mode"`
	UpdateMulti    bool `json:"update_multi"`
}

type cardText struct {
	Tag     string `json:"tag"`
	Content string `json:"content"`
}

type markdownElement struct {
	Tag     string `json:"tag"` // "markdown"
	Content string `json:"content"`
}

type fieldsElement struct {
	Tag    string      `json:"tag"` // "div"
	Fields []cardField `json:"fields"`
}

type cardField struct {
	IsShort bool     `json:"is_short"`
	Text    cardText `json:"text"`
}

type actionElement struct {
	Tag     string       `json:"tag"` // "action"
	Actions []cardButton `json:"actions"`
}

// cardButton is a callback button. Its value is an object, because
// Feishu returns the value as action.value in card.action.trigger and
// the SDK (v3.13.0) decodes that field only as an object.
type cardButton struct {
	Tag   string      `json:"tag"` // "button"
	Text  cardText    `json:"text"`
	Type  string      `json:"type"`
	Value buttonValue `json:"value"`
}

// buttonValue carries a bot.Button token under the key "t".
type buttonValue struct {
	T string `json:"t"`
}

// buildCard returns the card for r and the number of buttons left out.
func buildCard(r bot.Reply) (card, int) {
	c := card{Config: cardConfig{WideScreenMode: true, UpdateMulti: true}}
	if r.Text != "" {
		c.Elements = append(c.Elements, markdownElement{Tag: "markdown", Content: escapeMarkdown(r.Text)})
	}
	if len(r.Fields) > 0 {
		div := fieldsElement{Tag: "div"}
		for _, f := range r.Fields {
			content := "**" + escapeMarkdown(f.Label) + "**: " + escapeMarkdown(f.Value)
			div.Fields = append(div.Fields, cardField{Text: cardText{Tag: "lark_md", Content: content}})
		}
		c.Elements = append(c.Elements, div)
	}
	if r.Record != nil && r.Record.URL != "" {
		c.Elements = append(c.Elements, markdownElement{Tag: "markdown", Content: recordMarkdown(r.Record.URL)})
	}

	skipped := 0
	action := actionElement{Tag: "action"}
	for i, b := range r.Buttons {
		if !validButton(b) {
			skipped++
			continue
		}
		kind := "default"
		if i == 0 {
			kind = "primary"
		}
		action.Actions = append(action.Actions, cardButton{
			Tag:   "button",
			Text:  cardText{Tag: "plain_text", Content: b.Label},
			Type:  kind,
			Value: buttonValue{T: b.Token},
		})
	}
	if len(action.Actions) > 0 {
		c.Elements = append(c.Elements, action)
	}

	// Feishu rejects a card without elements.
	if len(c.Elements) == 0 {
		c.Elements = append(c.Elements, markdownElement{Tag: "markdown", Content: " "})
	}
	return c, skipped
}

func validButton(b bot.Button) bool {
	n := len(b.Token)
	return n > 0 && n <= maxTokenBytes && utf8.ValidString(b.Token) && strings.TrimSpace(b.Label) != ""
}

// recordMarkdown links to rawURL when it is an http or https URL. Any
// other scheme, such as javascript:, is shown as text.
func recordMarkdown(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return escapeMarkdown(rawURL)
	}
	// u.String percent-encodes spaces and brackets, so the link target
	// cannot end the Markdown link early.
	target := strings.NewReplacer("(", "%28", ")", "%29").Replace(u.String())
	return "[" + escapeMarkdown(rawURL) + "](" + target + ")"
}

// post is the content of a rich-text message in one language. Its text
// needs no escaping: post text elements are shown as written.
type post struct {
	ZhCN postBody `json:"zh_cn"`
}

type postBody struct {
	Title   string       `json:"title"`
	Content [][]postElem `json:"content"`
}

type postElem struct {
	Tag  string `json:"tag"` // "text" or "a"
	Text string `json:"text"`
	Href string `json:"href,omitempty"`
}

// buildPost returns the post for a reply without fields or buttons: one
// paragraph per line of text, then the record link.
func buildPost(r bot.Reply) post {
	var body postBody
	for _, line := range strings.Split(r.Text, "\n") {
		body.Content = append(body.Content, []postElem{{Tag: "text", Text: line}})
	}
	if r.Record != nil && r.Record.URL != "" {
		link := postElem{Tag: "text", Text: r.Record.URL}
		if u, err := url.Parse(r.Record.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			link = postElem{Tag: "a", Text: r.Record.URL, Href: r.Record.URL}
		}
		body.Content = append(body.Content, []postElem{link})
	}
	return post{ZhCN: body}
}

// mustJSON encodes v, which is built from strings and slices only, so
// encoding cannot fail.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("feishu: encode message content: " + err.Error())
	}
	return b
}
