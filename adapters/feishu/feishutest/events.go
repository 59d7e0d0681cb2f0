package feishutest

import (
	"encoding/json"
	"maps"
	"strconv"
	"time"
)

// BotOpenID is the open_id of the bot in every fake tenant.
const BotOpenID = "ou_bot"

// TenantKey is the tenant_key of every event.
const TenantKey = "tenant-test"

// Event is an event or callback built by the server, ready to push over
// the long connection or to deliver over HTTP.
type Event struct {
	// ID is the header's event_id.
	ID string
	// Type is the header's event_type.
	Type string
	// MessageID is the user's message for a message event, and the card
	// that carried the button for a card action.
	MessageID string
	ChatID    string
	body      map[string]any
}

// JSON returns the event as Feishu sends it, unencrypted.
func (e Event) JSON() []byte {
	b, err := json.Marshal(e.body)
	if err != nil {
		panic("feishutest: encode event: " + err.Error())
	}
	return b
}

// withToken returns a copy of e whose header carries token.
func (e Event) withToken(token string) Event {
	e.body = maps.Clone(e.body)
	header := maps.Clone(e.body["header"].(map[string]any))
	header["token"] = token
	e.body["header"] = header
	return e
}

// P2PChatID returns the chat_id of the private chat between the bot and
// the user openID.
func P2PChatID(openID string) string { return "oc_p2p_" + openID }

// NewP2P builds a text message from user openID in their private chat
// with the bot.
func (s *Server) NewP2P(openID, text string) Event {
	return s.newMessage(P2PChatID(openID), "p2p", openID, "text",
		map[string]any{"text": text}, nil)
}

// NewMention builds a group message from user openID in chatID that
// starts with an @-mention of the bot, as Feishu sends it: the text
// holds the placeholder "@_user_1" and mentions names the bot. The
// mention has no mentioned_type, as in older events.
func (s *Server) NewMention(chatID, openID, text string) Event {
	mentions := []any{map[string]any{
		"key":        "@_user_1",
		"id":         map[string]any{"open_id": BotOpenID},
		"name":       "crmbot",
		"tenant_key": TenantKey,
	}}
	return s.newMessage(chatID, "group", openID, "text",
		map[string]any{"text": "@_user_1 " + text}, mentions)
}

// NewNonText builds a message of msgType, such as "image", in the private
// chat of openID.
func (s *Server) NewNonText(openID, msgType string) Event {
	return s.newMessage(P2PChatID(openID), "p2p", openID, msgType,
		map[string]any{"image_key": "img_v2_test"}, nil)
}

func (s *Server) newMessage(chatID, chatType, openID, msgType string,
	content map[string]any, mentions []any,
) Event {
	s.mu.Lock()
	eventID := s.nextIDLocked("ev_")
	messageID := s.nextIDLocked("om_user_")
	s.mu.Unlock()

	encoded, _ := json.Marshal(content) // a map of strings always encodes
	message := map[string]any{
		"message_id":   messageID,
		"chat_id":      chatID,
		"chat_type":    chatType,
		"message_type": msgType,
		// content is a JSON object inside a JSON string.
		"content":     string(encoded),
		"create_time": strconv.FormatInt(time.Now().UnixMilli(), 10),
	}
	if mentions != nil {
		message["mentions"] = mentions
	}
	event := map[string]any{
		"sender": map[string]any{
			"sender_id":   map[string]any{"open_id": openID, "union_id": "on_" + openID, "user_id": "u_" + openID},
			"sender_type": "user",
			"tenant_key":  TenantKey,
		},
		"message": message,
	}
	return Event{
		ID: eventID, Type: "im.message.receive_v1", MessageID: messageID, ChatID: chatID,
		body: s.envelope(eventID, "im.message.receive_v1", event),
	}
}

// NewClick builds a card.action.trigger callback: user openID clicked a
// button whose value is value (any JSON value: an object, or a string as
// foreign cards send) on the bot's message messageID.
func (s *Server) NewClick(messageID string, value any, openID string) Event {
	s.mu.Lock()
	chatID := ""
	if m, ok := s.messages[messageID]; ok {
		chatID = m.ChatID
	}
	eventID := s.nextIDLocked("ev_")
	token := s.nextIDLocked("c-")
	s.mu.Unlock()

	event := map[string]any{
		"operator": map[string]any{"open_id": openID, "user_id": "u_" + openID, "tenant_key": TenantKey},
		"token":    token,
		"action":   map[string]any{"tag": "button", "value": value},
		"host":     "im_message",
		"context":  map[string]any{"open_message_id": messageID, "open_chat_id": chatID},
	}
	return Event{
		ID: eventID, Type: "card.action.trigger", MessageID: messageID, ChatID: chatID,
		body: s.envelope(eventID, "card.action.trigger", event),
	}
}

// WithNewID returns a copy of e with a new event_id, as Feishu sends a
// message again after a failed delivery.
func (s *Server) WithNewID(e Event) Event {
	s.mu.Lock()
	e.ID = s.nextIDLocked("ev_")
	s.mu.Unlock()
	e.body = maps.Clone(e.body)
	header := maps.Clone(e.body["header"].(map[string]any))
	header["event_id"] = e.ID
	e.body["header"] = header
	return e
}

// envelope wraps event in the schema 2.0 envelope.
func (s *Server) envelope(eventID, eventType string, event map[string]any) map[string]any {
	return map[string]any{
		"schema": "2.0",
		"header": map[string]any{
			"event_id":    eventID,
			"event_type":  eventType,
			"create_time": strconv.FormatInt(time.Now().UnixMilli(), 10),
			"token":       s.opts.VerificationToken,
			"app_id":      s.opts.AppID,
			"tenant_key":  TenantKey,
		},
		"event": event,
	}
}

// URLVerification returns the body of a url_verification request
// carrying token, unencrypted.
func URLVerification(token, challenge string) []byte {
	b, _ := json.Marshal(map[string]string{
		"challenge": challenge, "token": token, "type": "url_verification",
	})
	return b
}
