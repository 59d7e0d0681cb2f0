package telegram

import (
	"context"
	"runtime/debug"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/crmbot/crmbot/bot"
)

// platform is the Event.Platform of this connector.
const platform = "telegram"

// nonTextReply is the reply to a message that has no text, such as a photo.
//
// TODO(i18n): take this text from the bot's message catalog once the
// connector has access to it; it is English for every user now.
const nonTextReply = "Sorry, I can only read text messages. Please type your request."

// dispatch handles one update. A panic is recovered and logged, so one bad
// update never stops the poll loop.
func (a *Adapter) dispatch(ctx context.Context, p polledUpdate) {
	defer func() {
		if r := recover(); r != nil {
			a.logger.Error("telegram update handler panicked",
				"update_id", p.id, "panic", r, "stack", string(debug.Stack()))
		}
	}()

	if p.decodeErr != nil {
		a.logger.Error("telegram update skipped: invalid JSON",
			"update_id", p.id, "error", p.decodeErr)
		return
	}
	u := p.update
	switch {
	case u.Message != nil:
		a.handleMessage(ctx, u.UpdateID, u.Message, false)
	case u.EditedMessage != nil:
		a.handleMessage(ctx, u.UpdateID, u.EditedMessage, true)
	case u.CallbackQuery != nil:
		a.handleCallback(ctx, u.UpdateID, u.CallbackQuery)
	default:
		a.logger.Debug("telegram update skipped: unsupported kind", "update_id", u.UpdateID)
	}
}

func (a *Adapter) handleMessage(ctx context.Context, updateID int, m *tgbotapi.Message,
	edited bool,
) {
	if m.Chat == nil || m.From == nil {
		a.logger.Debug("telegram message skipped: no chat or sender", "update_id", updateID)
		return
	}
	if m.Text == "" {
		a.logger.Debug("telegram message skipped: no text",
			"update_id", updateID, "chat_id", m.Chat.ID, "edited", edited)
		// Only a new message in a private chat gets this reply. In a group
		// the message may be a service message or meant for other members.
		if !edited && m.Chat.IsPrivate() {
			a.deliver(ctx, m.Chat.ID, 0, []bot.Reply{{Text: nonTextReply}})
		}
		return
	}

	ev := messageEvent(updateID, m, edited)
	a.deliver(ctx, m.Chat.ID, 0, a.handler.Handle(ctx, ev))
}

func (a *Adapter) handleCallback(ctx context.Context, updateID int, q *tgbotapi.CallbackQuery) {
	// Answer first: the client shows a progress indicator until the query
	// is answered, and Telegram rejects an answer that comes too late.
	a.answerCallback(ctx, q.ID)

	if q.From == nil || q.Data == "" {
		a.logger.Debug("telegram callback query skipped: no sender or data",
			"update_id", updateID, "callback_query_id", q.ID)
		return
	}

	ev := callbackEvent(q)
	chatID := q.From.ID
	sourceID := 0
	if q.Message != nil && q.Message.Chat != nil {
		chatID = q.Message.Chat.ID
		sourceID = q.Message.MessageID
	}
	a.deliver(ctx, chatID, sourceID, a.handler.Handle(ctx, ev))
}

// messageEvent returns the Event for a text message. The caller has
// checked that m.Chat and m.From are set.
func messageEvent(updateID int, m *tgbotapi.Message, edited bool) bot.Event {
	return bot.Event{
		Platform:  platform,
		ChatID:    strconv.FormatInt(m.Chat.ID, 10),
		UserID:    strconv.FormatInt(m.From.ID, 10),
		UserName:  displayName(m.From),
		EventID:   platform + ":" + strconv.Itoa(updateID),
		MessageID: strconv.Itoa(m.MessageID),
		Text:      m.Text,
		Group:     isGroup(m.Chat),
		Locale:    m.From.LanguageCode,
		Edited:    edited,
	}
}

// callbackEvent returns the Event for a button click. The caller has
// checked that q.From is set. Without q.Message the chat is unknown, so
// the event names the user's private chat and carries no MessageID.
func callbackEvent(q *tgbotapi.CallbackQuery) bot.Event {
	ev := bot.Event{
		Platform: platform,
		ChatID:   strconv.FormatInt(q.From.ID, 10),
		UserID:   strconv.FormatInt(q.From.ID, 10),
		UserName: displayName(q.From),
		// The query id is the same when the update is delivered again and
		// new for every click, even on the same button.
		EventID: platform + ":callback:" + q.ID,
		Action:  q.Data,
		Locale:  q.From.LanguageCode,
	}
	if q.Message != nil && q.Message.Chat != nil {
		ev.ChatID = strconv.FormatInt(q.Message.Chat.ID, 10)
		ev.MessageID = strconv.Itoa(q.Message.MessageID)
		ev.Group = isGroup(q.Message.Chat)
	}
	return ev
}

func isGroup(c *tgbotapi.Chat) bool {
	return c.IsGroup() || c.IsSuperGroup()
}

// displayName returns the user's full name, or the username if the name is
// empty.
func displayName(u *tgbotapi.User) string {
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if name == "" {
		return u.UserName
	}
	return name
}
