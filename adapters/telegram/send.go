package telegram

import (
	"context"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/crmbot/crmbot/bot"
)

// Retries of a request that got 429 Too Many Requests.
const (
	maxRateLimitRetries = 2
	// maxRetryAfter is the longest retry_after the connector waits for
	// before a retry. A longer wait would hold up the next getUpdates,
	// which waits for every update of the batch.
	maxRetryAfter = 30 * time.Second
)

// parseMode is the Bot API parse mode of every message the connector sends.
const parseMode = tgbotapi.ModeHTML

// deliver sends replies to chatID in order. sourceID is the message that
// carried the clicked button, or zero. The first reply with ReplaceSource
// edits that message, and later ones are sent as new messages because a
// second edit would overwrite the first. After a 403 the remaining replies
// are dropped, since the chat no longer accepts messages.
func (a *Adapter) deliver(ctx context.Context, chatID int64, sourceID int, replies []bot.Reply) {
	for i, r := range replies {
		var err error
		if r.ReplaceSource && sourceID != 0 {
			err = a.replace(ctx, chatID, sourceID, r)
			sourceID = 0
		} else {
			err = a.send(ctx, chatID, r)
		}
		if isForbidden(err) {
			a.logger.Warn("telegram chat rejects the bot, remaining replies dropped",
				"chat_id", chatID, "error", err, "replies_dropped", len(replies)-i)
			return
		}
	}
}

// send sends r as new messages. Errors are logged, and only the error of a
// chat that rejects the bot is returned, so that deliver can stop.
func (a *Adapter) send(ctx context.Context, chatID int64, r bot.Reply) error {
	out := a.render(chatID, r)
	return a.sendChunks(ctx, chatID, out.chunks, out.keyboard)
}

// replace edits message messageID to show r. If the edit fails, r is sent
// as new messages instead.
func (a *Adapter) replace(ctx context.Context, chatID int64, messageID int, r bot.Reply) error {
	out := a.render(chatID, r)
	if len(out.chunks) == 0 {
		return nil
	}

	// Only the last chunk carries the keyboard. An edit without
	// reply_markup removes the message's keyboard, so old buttons go away.
	edit := tgbotapi.EditMessageTextConfig{
		BaseEdit:              tgbotapi.BaseEdit{ChatID: chatID, MessageID: messageID},
		Text:                  out.chunks[0],
		ParseMode:             parseMode,
		DisableWebPagePreview: true,
	}
	if len(out.chunks) == 1 {
		edit.ReplyMarkup = out.keyboard
	}

	_, err := a.requestWithRetry(ctx, edit)
	switch {
	case err == nil || isNotModified(err):
		return a.sendChunks(ctx, chatID, out.chunks[1:], out.keyboard)
	case isForbidden(err):
		return err
	default:
		a.logger.Warn("telegram editMessageText failed; sending the reply as a new message",
			"chat_id", chatID, "message_id", messageID, "error", err)
		return a.sendChunks(ctx, chatID, out.chunks, out.keyboard)
	}
}

// render renders r and logs the buttons it had to leave out.
func (a *Adapter) render(chatID int64, r bot.Reply) rendered {
	out := renderReply(r)
	for _, b := range out.rejected {
		a.logger.Error("telegram button left out of reply: invalid callback data or label",
			"chat_id", chatID, "button_index", b.index, "reason", b.reason, "token_bytes", b.bytes)
	}
	if len(out.chunks) == 0 {
		a.logger.Error("telegram reply not sent: no text", "chat_id", chatID, "buttons", len(r.Buttons))
	}
	return out
}

// sendChunks sends each chunk as a message, with the keyboard under the
// last. It stops at the first error, logs it and returns only a 403.
func (a *Adapter) sendChunks(ctx context.Context, chatID int64, chunks []string,
	keyboard *tgbotapi.InlineKeyboardMarkup,
) error {
	for i, chunk := range chunks {
		msg := tgbotapi.NewMessage(chatID, chunk)
		msg.ParseMode = parseMode
		msg.DisableWebPagePreview = true
		if i == len(chunks)-1 && keyboard != nil {
			msg.ReplyMarkup = *keyboard
		}

		_, err := a.requestWithRetry(ctx, msg)
		if isForbidden(err) {
			return err // deliver logs it
		}
		if err != nil {
			a.logger.Error("telegram sendMessage failed",
				"chat_id", chatID, "part", i+1, "parts", len(chunks), "error", err)
			return nil
		}
	}
	return nil
}

// requestWithRetry sends c and retries after the retry_after of a 429, at
// most maxRateLimitRetries times and only for waits up to maxRetryAfter.
// Other errors are returned at once: a send that failed in transit may
// have been delivered, and sending it again could duplicate it.
func (a *Adapter) requestWithRetry(ctx context.Context, c tgbotapi.Chattable,
) (*tgbotapi.APIResponse, error) {
	for attempt := 0; ; attempt++ {
		resp, err := a.request(ctx, c)
		wait := retryAfter(err)
		if wait == 0 || wait > maxRetryAfter || attempt == maxRateLimitRetries {
			return resp, err
		}

		a.logger.Warn("telegram request rate limited, retrying after retry_after",
			"error", err, "retry_in", wait, "attempt", attempt+1)
		if err := a.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// answerCallback answers a callback query without showing text. A query
// that is too old to answer is ignored: the client stopped waiting.
func (a *Adapter) answerCallback(ctx context.Context, queryID string) {
	_, err := a.request(ctx, tgbotapi.NewCallback(queryID, ""))
	switch {
	case err == nil:
	case isQueryTooOld(err):
		a.logger.Debug("telegram callback query too old to answer", "callback_query_id", queryID)
	default:
		a.logger.Warn("telegram answerCallbackQuery failed", "callback_query_id", queryID, "error", err)
	}
}
