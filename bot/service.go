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
	if ev.Edited {
		// An edit may be of any earlier message: a request that already
		// ran or an answer to an old question. Acting on it could repeat
		// or undo something, so the user is asked to send it anew.
		lang := in.Lang
		if lang == "" {
			lang = "en"
		}
		return []Reply{{Text: text(lang, "edited_ignored")}}
	}
	return render(s.conv.Handle(ctx, in))
}

// ConversationKey names the conversation of ev's user in ev's chat.
func ConversationKey(ev Event) string {
	return ev.Platform + ":" + ev.ChatID + ":" + ev.UserID
}

// language returns the reply language for ev. The platform's locale
// chooses it when there is one, but text starting in Chinese always gets
// Chinese replies. Without a locale the first letter of the text decides:
// "新客户 Acme" is Chinese and "new opportunity for 王芳" English. A click
// or text without letters gives "" (unknown). The engine decides when the
// conversation follows it.
func language(ev Event) string {
	first := firstLetterLanguage(ev.Text)
	switch loc := strings.ToLower(ev.Locale); {
	case strings.HasPrefix(loc, "zh") && ev.Text != "":
		return "zh"
	case loc != "" && ev.Text != "":
		if first == "zh" {
			return "zh"
		}
		return "en"
	}
	return first
}

// firstLetterLanguage returns "zh" or "en" by the first Han or Latin
// letter of text, or "" when it has neither.
func firstLetterLanguage(text string) string {
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			return "zh"
		case unicode.IsLetter(r) && r < unicode.MaxLatin1:
			return "en"
		}
	}
	return ""
}
