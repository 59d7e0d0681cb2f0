package bot

import (
	"context"
	"log/slog"
	"strings"
	"unicode"

	"github.com/crmbot/crmbot/conversation"
)

// Conversations is the conversation engine as the bot uses it.
type Conversations interface {
	Handle(ctx context.Context, in conversation.Input) conversation.Output
}

// Service is the Handler every connector calls: it names the
// conversation, picks the reply language and renders the engine's
// messages.
type Service struct {
	conv Conversations
	log  *slog.Logger
}

// NewService returns a Service on conv. A nil logger discards logs.
func NewService(conv Conversations, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{conv: conv, log: logger}
}

// Handle implements Handler.
func (s *Service) Handle(ctx context.Context, ev Event) []Reply {
	in := conversation.Input{
		Key:    ConversationKey(ev),
		UserID: ev.UserID,
		Text:   ev.Text,
		Action: ev.Action,
		Lang:   language(ev),
	}
	if ev.EventID != "" {
		in.EventID = ev.Platform + "/" + ev.EventID
	}
	s.log.Debug("event", "platform", ev.Platform, "chat", ev.ChatID, "user", ev.UserID,
		"event", ev.EventID, "click", ev.Action != "", "edited", ev.Edited)
	return render(s.conv.Handle(ctx, in))
}

// ConversationKey names the conversation of ev's user in ev's chat.
func ConversationKey(ev Event) string {
	return ev.Platform + ":" + ev.ChatID + ":" + ev.UserID
}

// language picks the reply language: Chinese text means Chinese, else
// the platform's locale; empty keeps the conversation's language, so a
// phone number or a Latin company name does not switch it.
func language(ev Event) string {
	for _, r := range ev.Text {
		if unicode.Is(unicode.Han, r) {
			return "zh"
		}
	}
	switch loc := strings.ToLower(ev.Locale); {
	case strings.HasPrefix(loc, "zh"):
		return "zh"
	case loc != "" && ev.Text != "":
		return "en"
	}
	return ""
}
