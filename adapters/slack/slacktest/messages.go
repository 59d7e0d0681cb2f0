package slacktest

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Block Kit and chat.postMessage limits that the fake enforces.
const (
	maxBlocks          = 50
	maxSectionText     = 3000
	maxFields          = 10
	maxFieldText       = 2000
	maxActionElements  = 25
	maxButtonText      = 75
	maxButtonValue     = 2000
	maxIDLength        = 255 // action_id and block_id
	maxMessageTextSize = 40000
)

// Message is a message the bot sent, as it is now after updates.
type Message struct {
	Channel string
	TS      string
	// ThreadTS is the parent message's ts for a reply in a thread.
	ThreadTS string
	// Text is the top-level text field, which Slack shows in notifications.
	Text string
	// Sections lists the mrkdwn or plain text of each section block, in
	// order, as sent: entities such as &amp; are not decoded.
	Sections []string
	// Fields lists the text of every section field, in order, as sent.
	Fields []string
	// Buttons lists the buttons of every actions block, in order.
	Buttons []Button
	// Blocks is the blocks JSON of the last chat.postMessage or
	// chat.update request.
	Blocks json.RawMessage
	// Updates counts the successful chat.update calls on this message.
	Updates int
	// Deleted reports that DeleteMessage removed the message.
	Deleted bool
}

// Button is one button of an actions block.
type Button struct {
	BlockID  string
	ActionID string
	Text     string
	Value    string
	URL      string
}

// channel is one conversation's bot messages, oldest first.
type channel struct {
	messages []*Message
}

func (c *channel) find(ts string) *Message {
	for _, m := range c.messages {
		if m.TS == ts {
			return m
		}
	}
	return nil
}

// DMChannel returns the id of the direct message channel between the bot
// and user.
func DMChannel(user string) string {
	return "D" + user
}

// Messages returns copies of the bot's messages in channel, oldest first,
// as they are now after updates. Deleted messages are left out.
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.messagesLocked(channelID)
}

func (s *Server) messagesLocked(channelID string) []Message {
	c, ok := s.channels[channelID]
	if !ok {
		return nil
	}
	out := make([]Message, 0, len(c.messages))
	for _, m := range c.messages {
		if m.Deleted {
			continue
		}
		copied := *m
		copied.Sections = slices.Clone(m.Sections)
		copied.Fields = slices.Clone(m.Fields)
		copied.Buttons = slices.Clone(m.Buttons)
		out = append(out, copied)
	}
	return out
}

// WaitMessages waits until the bot has at least n messages in channel and
// returns them all. It fails the test if timeout passes first.
func (s *Server) WaitMessages(t testing.TB, channelID string, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		msgs := s.messagesLocked(channelID)
		changed := s.changed
		s.mu.Unlock()

		if len(msgs) >= n {
			return msgs
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("channel %s: got %d bot messages after %v, want %d",
				channelID, len(msgs), timeout, n)
			return nil
		}
	}
}

// DeleteMessage deletes the bot message ts in channel, as a user or an
// admin could. Later chat.update calls on it get message_not_found.
func (s *Server) DeleteMessage(channelID, ts string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.channels[channelID]; ok {
		if m := c.find(ts); m != nil {
			m.Deleted = true
			s.notifyLocked()
		}
	}
}

// findMessageLocked returns the bot message ts in any channel. The caller
// holds s.mu.
func (s *Server) findMessageLocked(ts string) *Message {
	for _, c := range s.channels {
		if m := c.find(ts); m != nil {
			return m
		}
	}
	return nil
}

// postMessage stores a new bot message and returns it as Slack does.
func (s *Server) postMessage(form url.Values) (map[string]any, string) {
	channelID := form.Get("channel")
	if channelID == "" {
		return nil, "channel_not_found"
	}
	content, errCode := parseContent(form)
	if errCode != "" {
		return nil, errCode
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[channelID]
	if !ok {
		c = &channel{}
		s.channels[channelID] = c
	}
	m := &Message{Channel: channelID, TS: s.nextTSLocked(), ThreadTS: form.Get("thread_ts")}
	content.applyTo(m)
	c.messages = append(c.messages, m)
	s.notifyLocked()
	return map[string]any{"channel": channelID, "ts": m.TS, "message": messageJSON(m)}, ""
}

// updateMessage replaces the text and blocks of a bot message. Blocks that
// the request leaves out are removed, as in Slack, so an update without an
// actions block removes the buttons.
func (s *Server) updateMessage(form url.Values) (map[string]any, string) {
	content, errCode := parseContent(form)
	if errCode != "" {
		return nil, errCode
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[form.Get("channel")]
	if !ok {
		return nil, "channel_not_found"
	}
	m := c.find(form.Get("ts"))
	if m == nil || m.Deleted {
		return nil, "message_not_found"
	}
	content.applyTo(m)
	m.Updates++
	s.notifyLocked()
	return map[string]any{
		"channel": m.Channel, "ts": m.TS, "text": m.Text, "message": messageJSON(m),
	}, ""
}

// content is the text and blocks of a chat.postMessage or chat.update.
type content struct {
	text     string
	blocks   json.RawMessage
	sections []string
	fields   []string
	buttons  []Button
}

func (c content) applyTo(m *Message) {
	m.Text = c.text
	m.Blocks = c.blocks
	m.Sections = c.sections
	m.Fields = c.fields
	m.Buttons = c.buttons
}

// parseContent reads text and blocks from a form and checks them against
// Slack's limits. It returns the Slack error code of an invalid request.
func parseContent(form url.Values) (content, string) {
	c := content{text: form.Get("text")}
	if utf8.RuneCountInString(c.text) > maxMessageTextSize {
		return c, "msg_too_long"
	}
	raw := form.Get("blocks")
	if raw == "" {
		if strings.TrimSpace(c.text) == "" {
			return c, "no_text"
		}
		return c, ""
	}

	var blocks []block
	if err := json.Unmarshal([]byte(raw), &blocks); err != nil {
		return c, "invalid_blocks_format"
	}
	if len(blocks) > maxBlocks {
		return c, "invalid_blocks"
	}
	if len(blocks) == 0 && strings.TrimSpace(c.text) == "" {
		return c, "no_text"
	}
	c.blocks = json.RawMessage(raw)

	blockIDs := map[string]bool{}
	for _, b := range blocks {
		if b.BlockID != "" {
			if blockIDs[b.BlockID] || len(b.BlockID) > maxIDLength {
				return c, "invalid_blocks"
			}
			blockIDs[b.BlockID] = true
		}
		if err := c.addBlock(b); err != "" {
			return c, err
		}
	}
	return c, ""
}

// block is the part of a Block Kit block that the fake reads.
type block struct {
	Type     string        `json:"type"`
	BlockID  string        `json:"block_id"`
	Text     *textObject   `json:"text"`
	Fields   []textObject  `json:"fields"`
	Elements []blockAction `json:"elements"`
}

type textObject struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type blockAction struct {
	Type     string     `json:"type"`
	ActionID string     `json:"action_id"`
	Text     textObject `json:"text"`
	Value    string     `json:"value"`
	URL      string     `json:"url"`
}

// addBlock records b and returns "invalid_blocks" if it breaks a limit.
func (c *content) addBlock(b block) string {
	switch b.Type {
	case "section":
		if b.Text == nil && len(b.Fields) == 0 {
			return "invalid_blocks"
		}
		if b.Text != nil {
			if !validText(*b.Text, maxSectionText) {
				return "invalid_blocks"
			}
			c.sections = append(c.sections, b.Text.Text)
		}
		if len(b.Fields) > maxFields {
			return "invalid_blocks"
		}
		for _, f := range b.Fields {
			if !validText(f, maxFieldText) {
				return "invalid_blocks"
			}
			c.fields = append(c.fields, f.Text)
		}
	case "actions":
		if len(b.Elements) == 0 || len(b.Elements) > maxActionElements {
			return "invalid_blocks"
		}
		for _, e := range b.Elements {
			if !validButton(e) {
				return "invalid_blocks"
			}
			c.buttons = append(c.buttons, Button{
				BlockID: b.BlockID, ActionID: e.ActionID, Text: e.Text.Text,
				Value: e.Value, URL: e.URL,
			})
		}
	case "context", "divider", "header":
	default:
		return "invalid_blocks"
	}
	return ""
}

func validText(t textObject, limit int) bool {
	if t.Type != "mrkdwn" && t.Type != "plain_text" {
		return false
	}
	n := utf8.RuneCountInString(t.Text)
	return n >= 1 && n <= limit
}

func validButton(e blockAction) bool {
	n := utf8.RuneCountInString(e.Text.Text)
	return e.Type == "button" && e.Text.Type == "plain_text" &&
		n >= 1 && n <= maxButtonText &&
		len(e.ActionID) <= maxIDLength &&
		utf8.RuneCountInString(e.Value) <= maxButtonValue
}

// messageJSON returns m as Slack returns a message object.
func messageJSON(m *Message) map[string]any {
	msg := map[string]any{
		"type": "message", "user": BotUserID, "bot_id": BotID,
		"app_id": AppID, "team": TeamID, "text": m.Text, "ts": m.TS,
	}
	if m.ThreadTS != "" {
		msg["thread_ts"] = m.ThreadTS
	}
	if len(m.Blocks) > 0 {
		msg["blocks"] = m.Blocks
	}
	return msg
}
