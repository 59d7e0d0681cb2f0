package telegram

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// ErrUnauthorized reports that the Bot API rejected the token. Retrying
// cannot help: the token is wrong or was revoked in @BotFather.
var ErrUnauthorized = errors.New("telegram: bot token rejected by the Bot API")

// apiError returns the Bot API error inside err, if there is one.
func apiError(err error) (*tgbotapi.Error, bool) {
	var e *tgbotapi.Error
	ok := errors.As(err, &e)
	return e, ok
}

// hasDescription reports whether err is a Bot API error whose description
// contains text. Telegram's descriptions are the only way to tell apart
// errors that share a code, such as the 400s below.
func hasDescription(err error, text string) bool {
	e, ok := apiError(err)
	return ok && strings.Contains(strings.ToLower(e.Message), text)
}

// isNotModified reports an edit whose text and keyboard equal the current
// ones. The message already shows what was asked, so it counts as success.
func isNotModified(err error) bool {
	return hasDescription(err, "message is not modified")
}

// isQueryTooOld reports an answerCallbackQuery that came too late or
// repeated an answer. The client has given up waiting, so it is ignored.
func isQueryTooOld(err error) bool {
	return hasDescription(err, "query is too old")
}

// isForbidden reports a 403, such as "bot was blocked by the user" or "bot
// was kicked from the group chat". Nothing can be sent to that chat.
func isForbidden(err error) bool {
	e, ok := apiError(err)
	return ok && e.Code == http.StatusForbidden
}

func isUnauthorized(err error) bool {
	e, ok := apiError(err)
	return ok && (e.Code == http.StatusUnauthorized || e.Code == http.StatusNotFound)
}

// retryAfter returns the retry_after of a 429 response, or zero.
func retryAfter(err error) time.Duration {
	e, ok := apiError(err)
	if !ok || e.Code != http.StatusTooManyRequests {
		return 0
	}
	return time.Duration(e.RetryAfter) * time.Second
}

// redactToken replaces the token in err's text with "<token>". The HTTP
// client's errors (*url.Error) carry the request URL, and the Bot API puts
// the token in the URL path.
func redactToken(err error, token string) error {
	if err == nil || token == "" {
		return err
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) && strings.Contains(urlErr.URL, token) {
		return &url.Error{
			Op:  urlErr.Op,
			URL: strings.ReplaceAll(urlErr.URL, token, "<token>"),
			Err: redactToken(urlErr.Err, token),
		}
	}
	if strings.Contains(err.Error(), token) {
		return errors.New(strings.ReplaceAll(err.Error(), token, "<token>"))
	}
	return err
}
