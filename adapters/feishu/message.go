package feishu

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/crmbot/crmbot/bot"
)

// platform is the Event.Platform of this connector.
const platform = "feishu"

// eventMessageReceive is the event type of a message sent to the bot.
const eventMessageReceive = "im.message.receive_v1"

// nonTextReply is the reply to a message that is not text, such as an
// image or a file.
//
// TODO(i18n): take this text from the bot's message catalog once the
// connector has access to it; it is English for every user now.
const nonTextReply = "Sorry, I can only read text messages. Please type your request."

// messageEvent is an im.message.receive_v1 event in schema 2.0.
type messageEvent struct {
	Header eventHeader `json:"header"`
	Event  struct {
		Sender struct {
			SenderID struct {
				OpenID string `json:"open_id"`
			} `json:"sender_id"`
			// SenderType is "user" for a person.
			SenderType string `json:"sender_type"`
		} `json:"sender"`
		Message struct {
			MessageID string `json:"message_id"`
			ChatID    string `json:"chat_id"`
			// ChatType is "p2p" or "group".
			ChatType    string `json:"chat_type"`
			MessageType string `json:"message_type"`
			// Content is a JSON object encoded as a string, such as
			// "{\"text\":\"hi @_user_1\"}" for a text message.
			Content  string    `json:"content"`
			Mentions []mention `json:"mentions"`
		} `json:"message"`
	} `json:"event"`
}

// eventHeader is the header of a schema 2.0 event or callback.
type eventHeader struct {
	EventID   string `json:"event_id"`
	EventType string `json:"event_type"`
	Token     string `json:"token"`
	AppID     string `json:"app_id"`
}

// mention is one @-mention of a message. Key is its placeholder in the
// text, such as "@_user_1".
type mention struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	// MentionedType is "bot" when the bot itself is mentioned. Older
	// events leave it out.
	MentionedType string `json:"mentioned_type"`
}

// acceptMessage decodes a message event and hands it to the background,
// so the caller can acknowledge it at once. A message whose message_id
// was seen before is dropped: Feishu may push the same message again
// with a new event_id.
func (a *Adapter) acceptMessage(payload []byte) {
	var ev messageEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		a.logger.Error("feishu message event skipped: invalid JSON", "error", err)
		return
	}
	m := ev.Event.Message
	if m.MessageID == "" || m.ChatID == "" {
		a.logger.Warn("feishu message event skipped: no message_id or chat_id",
			"event_id", ev.Header.EventID)
		return
	}
	if t := ev.Event.Sender.SenderType; t != "" && t != "user" {
		a.logger.Debug("feishu message skipped: not sent by a user",
			"message_id", m.MessageID, "sender_type", t)
		return
	}
	if a.cfg.Dedupe("message:" + m.MessageID) {
		a.logger.Info("feishu duplicate message dropped",
			"message_id", m.MessageID, "event_id", ev.Header.EventID)
		return
	}

	a.goWork("message "+m.MessageID, func(ctx context.Context) {
		unlock := a.chats.lock(m.ChatID)
		defer unlock()
		a.handleMessage(ctx, ev)
	})
}

func (a *Adapter) handleMessage(ctx context.Context, ev messageEvent) {
	m := ev.Event.Message
	group := m.ChatType == "group"
	if group && len(m.Mentions) == 0 {
		// Without the permission to read every group message, Feishu
		// sends only @-mentions; with it, unmentioned chatter is not for
		// the bot.
		a.logger.Debug("feishu group message skipped: bot not mentioned", "message_id", m.MessageID)
		return
	}

	eventID := platform + ":" + m.MessageID
	if m.MessageType != "text" {
		a.logger.Debug("feishu message skipped: not text",
			"message_id", m.MessageID, "message_type", m.MessageType)
		a.deliver(ctx, m.ChatID, "", eventID, []bot.Reply{{Text: nonTextReply}})
		return
	}
	text, err := decodeText(m.Content)
	if err != nil {
		a.logger.Error("feishu message skipped: invalid content", "message_id", m.MessageID, "error", err)
		return
	}
	text = stripMentions(text, m.Mentions)
	if text == "" {
		a.logger.Debug("feishu message skipped: no text besides mentions", "message_id", m.MessageID)
		return
	}

	botEvent := bot.Event{
		Platform:  platform,
		ChatID:    m.ChatID,
		UserID:    ev.Event.Sender.SenderID.OpenID,
		EventID:   eventID,
		MessageID: m.MessageID,
		Text:      text,
		Group:     group,
		// Locale stays empty: message events carry no language, and the
		// contact API's user has no locale field, so the bot detects
		// the language from the text.
	}
	a.deliver(ctx, m.ChatID, "", eventID, a.handler.Handle(ctx, botEvent))
}

// decodeText returns the text of a text message's content, which is a
// JSON object encoded as a JSON string: {"text":"..."}.
func decodeText(content string) (string, error) {
	var body struct {
		Text *string `json:"text"`
	}
	if err := json.Unmarshal([]byte(content), &body); err != nil {
		return "", fmt.Errorf("decode text content: %w", err)
	}
	if body.Text == nil {
		return "", fmt.Errorf("decode text content: no text field")
	}
	return *body.Text, nil
}

// stripMentions removes the placeholders of the mentions addressed to the
// bot and replaces the others with "@name", so "@_user_1 new deal for
// @_user_2" becomes "new deal for @Wang Fang". The bot is the mention
// marked as a bot, or else every mention before the first word, as in
// "@crmbot new deal". Line breaks are kept.
func stripMentions(text string, mentions []mention) string {
	// Longer keys first, so "@_user_1" does not match inside "@_user_10".
	sorted := slices.Clone(mentions)
	slices.SortFunc(sorted, func(x, y mention) int { return len(y.Key) - len(x.Key) })

	marked := slices.ContainsFunc(sorted, func(m mention) bool { return m.MentionedType == "bot" })
	if !marked {
		text = trimLeadingMentions(text, sorted)
	}
	for _, m := range sorted {
		if m.Key == "" {
			continue
		}
		replacement := "@" + m.Name
		if m.MentionedType == "bot" {
			replacement = ""
		}
		text = strings.ReplaceAll(text, m.Key, replacement)
	}
	return strings.TrimSpace(text)
}

// trimLeadingMentions removes the mention placeholders that start text.
func trimLeadingMentions(text string, mentions []mention) string {
	for {
		rest := strings.TrimLeft(text, " ")
		i := slices.IndexFunc(mentions, func(m mention) bool {
			return m.Key != "" && strings.HasPrefix(rest, m.Key)
		})
		if i < 0 {
			return text
		}
		text = rest[len(mentions[i].Key):]
	}
}
