package feishutest

import (
	"encoding/json"
	"html"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// uuidWindow is how long Feishu drops a repeated send with the same uuid.
const uuidWindow = time.Hour

// Message is a message the bot sent, as it is now after updates.
type Message struct {
	ID     string
	ChatID string
	// MsgType is "text", "post" or "interactive".
	MsgType string
	// Content is the JSON content of the last send or update.
	Content string
	// Text is the visible text: a card's Markdown and field texts with
	// entities decoded and "**" removed, a post's paragraphs, one per
	// line.
	Text string
	// Buttons lists a card's buttons in order.
	Buttons []Button
	// UpdateMulti reports the card's config.update_multi.
	UpdateMulti bool
	// Updates counts the PATCH requests and callback answers that
	// replaced the card.
	Updates int
}

// Button is a card button.
type Button struct {
	Label string
	// Value is the button's value as decoded JSON: map[string]any for an
	// object, string for a string.
	Value any
}

// Messages returns copies of the bot's messages in chatID, oldest first,
// as they are now after updates.
func (s *Server) Messages(chatID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.messagesLocked(chatID)
}

func (s *Server) messagesLocked(chatID string) []Message {
	var out []Message
	for _, m := range s.order {
		if m.ChatID == chatID {
			copied := *m
			copied.Buttons = slices.Clone(m.Buttons)
			out = append(out, copied)
		}
	}
	return out
}

// WaitMessages waits until the bot has sent at least n messages to chatID
// and returns them all. It fails the test if timeout passes first.
func (s *Server) WaitMessages(t testing.TB, chatID string, n int, timeout time.Duration) []Message {
	t.Helper()
	var msgs []Message
	s.wait(t, "bot messages in "+chatID, timeout, func() bool {
		msgs = s.messagesLocked(chatID)
		return len(msgs) >= n
	})
	return msgs
}

// sendMessage implements POST /open-apis/im/v1/messages.
func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ReceiveID string `json:"receive_id"`
		MsgType   string `json:"msg_type"`
		Content   string `json:"content"`
		UUID      string `json:"uuid"`
	}
	decodeErr := json.NewDecoder(r.Body).Decode(&req)

	s.mu.Lock()
	defer s.mu.Unlock()
	s.countLocked("send")
	if !s.authorizedLocked(r) {
		writeError(w, CodeInvalidToken, "Invalid access token for authorization")
		return
	}
	chatID := req.ReceiveID
	switch r.URL.Query().Get("receive_id_type") {
	case "chat_id":
	case "open_id":
		chatID = P2PChatID(req.ReceiveID)
	default:
		writeError(w, CodeInvalidRequest, "invalid receive_id_type")
		return
	}
	if decodeErr != nil || chatID == "" {
		writeError(w, CodeInvalidRequest, "invalid request body")
		return
	}
	if use, ok := s.uuids[req.UUID]; ok && req.UUID != "" && time.Since(use.at) < uuidWindow {
		writeJSON(w, messageResponse(use.message))
		return
	}

	m := &Message{ChatID: chatID, MsgType: req.MsgType}
	if err := m.setContent(req.Content); err != nil {
		writeError(w, CodeInvalidRequest, "invalid message content: "+err.Error())
		return
	}
	m.ID = s.nextIDLocked("om_bot_")
	s.messages[m.ID] = m
	s.order = append(s.order, m)
	if req.UUID != "" {
		s.uuids[req.UUID] = uuidUse{message: m, at: time.Now()}
	}
	s.notifyLocked()
	writeJSON(w, messageResponse(m))
}

// patchMessage implements PATCH /open-apis/im/v1/messages/:message_id,
// which replaces a shared card.
func (s *Server) patchMessage(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Content string `json:"content"`
	}
	decodeErr := json.NewDecoder(r.Body).Decode(&req)

	s.mu.Lock()
	defer s.mu.Unlock()
	s.countLocked("patch")
	if !s.authorizedLocked(r) {
		writeError(w, CodeInvalidToken, "Invalid access token for authorization")
		return
	}
	if decodeErr != nil {
		writeError(w, CodeInvalidRequest, "invalid request body")
		return
	}
	m, ok := s.messages[r.PathValue("id")]
	if !ok {
		writeError(w, CodeInvalidRequest, "message not found")
		return
	}
	if apiErr := s.replaceCardLocked(m, req.Content); apiErr != "" {
		writeError(w, CodeNotUpdatable, apiErr)
		return
	}
	writeJSON(w, map[string]any{"code": 0, "msg": "success", "data": map[string]any{}})
}

// replaceCardLocked replaces card m with content, a card's JSON, and
// returns why it cannot, or "". The caller holds s.mu.
func (s *Server) replaceCardLocked(m *Message, content string) string {
	if m.MsgType != "interactive" || !m.UpdateMulti {
		return "only cards sent with config.update_multi true can be updated"
	}
	updated := *m
	if err := updated.setContent(content); err != nil {
		return "invalid card: " + err.Error()
	}
	updated.Updates++
	*m = updated
	s.notifyLocked()
	return ""
}

func messageResponse(m *Message) map[string]any {
	return map[string]any{"code": 0, "msg": "success", "data": map[string]any{
		"message_id": m.ID, "chat_id": m.ChatID, "msg_type": m.MsgType,
		"body": map[string]any{"content": m.Content},
	}}
}

// setContent decodes content, a JSON object in a string, for m.MsgType.
func (m *Message) setContent(content string) error {
	var err error
	switch m.MsgType {
	case "text":
		var v struct {
			Text string `json:"text"`
		}
		err = json.Unmarshal([]byte(content), &v)
		m.Text = v.Text
	case "post":
		m.Text, err = postText(content)
	case "interactive":
		err = m.setCard(content)
	default:
		return errorString("unsupported msg_type " + m.MsgType)
	}
	if err != nil {
		return err
	}
	m.Content = content
	return nil
}

type errorString string

func (e errorString) Error() string { return string(e) }

// postText returns the text of a post in any language, one paragraph per
// line.
func postText(content string) (string, error) {
	var langs map[string]struct {
		Title   string `json:"title"`
		Content [][]struct {
			Text string `json:"text"`
		} `json:"content"`
	}
	if err := json.Unmarshal([]byte(content), &langs); err != nil {
		return "", err
	}
	for _, body := range langs {
		var lines []string
		for _, paragraph := range body.Content {
			var line strings.Builder
			for _, elem := range paragraph {
				line.WriteString(elem.Text)
			}
			lines = append(lines, line.String())
		}
		return strings.Join(lines, "\n"), nil
	}
	return "", errorString("post has no language")
}

// cardJSON is the part of a message card that the fake reads.
type cardJSON struct {
	Config struct {
		UpdateMulti bool `json:"update_multi"`
	} `json:"config"`
	Elements []struct {
		Tag     string `json:"tag"`
		Content string `json:"content"`
		Text    *struct {
			Content string `json:"content"`
		} `json:"text"`
		Fields []struct {
			Text struct {
				Content string `json:"content"`
			} `json:"text"`
		} `json:"fields"`
		Actions []struct {
			Tag  string `json:"tag"`
			Text struct {
				Content string `json:"content"`
			} `json:"text"`
			Value any `json:"value"`
		} `json:"actions"`
	} `json:"elements"`
}

func (m *Message) setCard(content string) error {
	var c cardJSON
	if err := json.Unmarshal([]byte(content), &c); err != nil {
		return err
	}
	if len(c.Elements) == 0 {
		return errorString("card has no elements")
	}
	var lines []string
	var buttons []Button
	for _, e := range c.Elements {
		switch e.Tag {
		case "markdown":
			lines = append(lines, visible(e.Content))
		case "div":
			if e.Text != nil {
				lines = append(lines, visible(e.Text.Content))
			}
			for _, f := range e.Fields {
				lines = append(lines, visible(f.Text.Content))
			}
		case "action":
			for _, b := range e.Actions {
				buttons = append(buttons, Button{Label: b.Text.Content, Value: b.Value})
			}
		}
	}
	m.Text = strings.TrimSpace(strings.Join(lines, "\n"))
	m.Buttons = buttons
	m.UpdateMulti = c.Config.UpdateMulti
	return nil
}

// visible returns card Markdown as a reader sees it, roughly: bold
// markers removed and entities decoded. Links stay in Markdown form.
func visible(markdown string) string {
	return html.UnescapeString(strings.ReplaceAll(markdown, "**", ""))
}
