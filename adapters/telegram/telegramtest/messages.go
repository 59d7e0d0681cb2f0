package telegramtest

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"
	"unicode/utf16"
)

// Bot API limits on message text and callback data.
const (
	maxTextLength        = 4096 // characters after entity parsing
	maxCallbackDataBytes = 64
)

// Message is a message the bot sent, as it is now after edits.
type Message struct {
	ID int
	// Text is the visible text, with HTML markup removed and entities
	// decoded.
	Text string
	// RawText is the text field of the last sendMessage or editMessageText
	// request, markup included.
	RawText string
	// ParseMode is the parse_mode of that request, such as "HTML".
	ParseMode string
	// Buttons lists the inline keyboard row by row, left to right.
	Buttons []Button
	// Edits counts the successful editMessageText calls on this message.
	Edits int
}

// Button is one inline keyboard button.
type Button struct {
	Text string
	// Data is the callback_data, empty for a URL button.
	Data string
	URL  string
	// Row is the keyboard row, counted from 0.
	Row int
}

// chat is one chat's message history. Message ids are shared between the
// user's messages and the bot's, as in a Telegram private chat.
type chat struct {
	lastMessageID int
	userMessages  map[int]bool
	botMessages   []*Message
}

func (c *chat) find(messageID int) *Message {
	for _, m := range c.botMessages {
		if m.ID == messageID {
			return m
		}
	}
	return nil
}

func (s *Server) chatLocked(chatID int64) *chat {
	c, ok := s.chats[chatID]
	if !ok {
		c = &chat{userMessages: make(map[int]bool)}
		s.chats[chatID] = c
	}
	return c
}

// Messages returns copies of the bot's messages in chat chatID, oldest
// first, as they are now after edits.
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.messagesLocked(chatID)
}

func (s *Server) messagesLocked(chatID int64) []Message {
	c, ok := s.chats[chatID]
	if !ok {
		return nil
	}
	out := make([]Message, 0, len(c.botMessages))
	for _, m := range c.botMessages {
		copied := *m
		copied.Buttons = slices.Clone(m.Buttons)
		out = append(out, copied)
	}
	return out
}

// WaitMessages waits until the bot has sent at least n messages to chat
// chatID and returns them all. It fails the test if timeout passes first.
func (s *Server) WaitMessages(t testing.TB, chatID int64, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		msgs := s.messagesLocked(chatID)
		changed := s.changed
		s.mu.Unlock()

		if len(msgs) >= n {
			return msgs
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("chat %d: got %d bot messages after %v, want %d", chatID, len(msgs), timeout, n)
			return nil
		}
	}
}

// sendMessage stores a new bot message and returns it as Telegram does.
func (s *Server) sendMessage(form url.Values) (any, *apiError) {
	chatID, err := strconv.ParseInt(form.Get("chat_id"), 10, 64)
	if err != nil || chatID == 0 {
		return nil, badRequest("chat not found")
	}
	msg, apiErr := parseMessageForm(form)
	if apiErr != nil {
		return nil, apiErr
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	c.lastMessageID++
	msg.ID = c.lastMessageID
	c.botMessages = append(c.botMessages, msg)
	s.notifyLocked()
	return messageJSON(chatID, msg), nil
}

// editMessageText replaces a bot message's text and keyboard. A request
// without reply_markup removes the keyboard.
func (s *Server) editMessageText(form url.Values) (any, *apiError) {
	if form.Get("inline_message_id") != "" {
		return nil, badRequest("message to edit not found")
	}
	chatID, err := strconv.ParseInt(form.Get("chat_id"), 10, 64)
	if err != nil || chatID == 0 {
		return nil, badRequest("chat not found")
	}
	messageID, err := strconv.Atoi(form.Get("message_id"))
	if err != nil {
		return nil, badRequest("message identifier is not specified")
	}
	edited, apiErr := parseMessageForm(form)
	if apiErr != nil {
		return nil, apiErr
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	if c.userMessages[messageID] {
		return nil, badRequest("message can't be edited")
	}
	current := c.find(messageID)
	if current == nil {
		return nil, badRequest("message to edit not found")
	}
	if current.RawText == edited.RawText && current.ParseMode == edited.ParseMode &&
		slices.Equal(current.Buttons, edited.Buttons) {
		return nil, badRequest("message is not modified: specified new message content " +
			"and reply markup are exactly the same as a current content and reply markup of the message")
	}

	current.Text = edited.Text
	current.RawText = edited.RawText
	current.ParseMode = edited.ParseMode
	current.Buttons = edited.Buttons
	current.Edits++
	s.notifyLocked()
	return messageJSON(chatID, current), nil
}

// parseMessageForm reads text, parse_mode and reply_markup and checks them
// against the Bot API's rules.
func parseMessageForm(form url.Values) (*Message, *apiError) {
	msg := &Message{RawText: form.Get("text"), ParseMode: form.Get("parse_mode")}

	switch msg.ParseMode {
	case "":
		msg.Text = msg.RawText
	case "HTML":
		plain, err := parseHTML(msg.RawText)
		if err != nil {
			return nil, badRequest("can't parse entities: " + err.Error())
		}
		msg.Text = plain
	default:
		// MarkdownV2 is not modelled: a test that needs it should add it.
		return nil, badRequest("unsupported parse_mode " + strconv.Quote(msg.ParseMode))
	}
	if msg.Text == "" {
		return nil, badRequest("message text is empty")
	}
	if len(utf16.Encode([]rune(msg.Text))) > maxTextLength {
		return nil, badRequest("message is too long")
	}

	buttons, apiErr := parseReplyMarkup(form.Get("reply_markup"))
	if apiErr != nil {
		return nil, apiErr
	}
	msg.Buttons = buttons
	return msg, nil
}

// inlineKeyboard is the reply_markup JSON of an inline keyboard.
type inlineKeyboard struct {
	InlineKeyboard [][]struct {
		Text         string  `json:"text"`
		CallbackData *string `json:"callback_data"`
		URL          *string `json:"url"`
	} `json:"inline_keyboard"`
}

// parseReplyMarkup decodes the reply_markup form field, a JSON string.
// The SDK sends the literal null when no markup is set.
func parseReplyMarkup(field string) ([]Button, *apiError) {
	if field == "" || field == "null" {
		return nil, nil
	}
	var markup inlineKeyboard
	if err := json.Unmarshal([]byte(field), &markup); err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}

	var buttons []Button
	for row, keys := range markup.InlineKeyboard {
		for _, key := range keys {
			if key.Text == "" {
				return nil, badRequest("can't parse inline keyboard button: text is empty")
			}
			b := Button{Text: key.Text, Row: row}
			switch {
			case key.CallbackData != nil:
				if n := len(*key.CallbackData); n < 1 || n > maxCallbackDataBytes {
					return nil, badRequest("BUTTON_DATA_INVALID")
				}
				b.Data = *key.CallbackData
			case key.URL != nil:
				b.URL = *key.URL
			default:
				return nil, badRequest("text buttons are unallowed in the inline keyboard")
			}
			buttons = append(buttons, b)
		}
	}
	return buttons, nil
}

func keyboardJSON(buttons []Button) map[string]any {
	var rows [][]map[string]any
	for _, b := range buttons {
		if b.Row >= len(rows) {
			rows = append(rows, make([][]map[string]any, b.Row-len(rows)+1)...)
		}
		key := map[string]any{"text": b.Text}
		if b.URL != "" {
			key["url"] = b.URL
		} else {
			key["callback_data"] = b.Data
		}
		rows[b.Row] = append(rows[b.Row], key)
	}
	return map[string]any{"inline_keyboard": rows}
}

func messageJSON(chatID int64, m *Message) map[string]any {
	out := map[string]any{
		"message_id": m.ID,
		"from":       userJSON(Bot, true),
		"chat":       privateChatJSON(chatID),
		"date":       time.Now().Unix(),
		"text":       m.Text,
	}
	if m.Edits > 0 {
		out["edit_date"] = time.Now().Unix()
	}
	if len(m.Buttons) > 0 {
		out["reply_markup"] = keyboardJSON(m.Buttons)
	}
	return out
}
