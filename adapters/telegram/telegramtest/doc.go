// Package telegramtest runs a fake Telegram Bot API server for tests.
//
// The fake speaks the wire format that github.com/go-telegram-bot-api/telegram-bot-api/v5
// (v5.5.1) uses against the real service: every method is a form POST to
// /bot<token>/<method>, structured parameters such as reply_markup arrive as
// JSON strings inside the form, and every response is an envelope,
// {"ok":true,"result":...} on success or
// {"ok":false,"error_code":N,"description":"...","parameters":{...}} on
// failure, sent with the HTTP status N.
//
// It implements getMe, getUpdates, sendMessage, editMessageText and
// answerCallbackQuery, and it rejects requests the way Telegram does:
//
//   - a wrong token gets 401 Unauthorized and an unknown method 404 Not Found;
//   - callback_data outside 1..64 bytes gets 400 BUTTON_DATA_INVALID;
//   - text over 4096 characters gets 400 "message is too long";
//   - HTML text with an unknown tag, or a bare <, > or & outside a tag or
//     entity, gets 400 "can't parse entities";
//   - an edit that changes neither text nor keyboard gets 400
//     "message is not modified";
//   - a callback query answered twice, or never issued, gets 400
//     "query is too old".
//
// getUpdates long-polls: it blocks until an update is queued or its timeout
// passes, and an offset confirms every update below it, as in the Bot API.
// FailNext makes the next call of a method fail with any error, such as a
// 429 with retry_after or a 403 "bot was blocked by the user".
//
// A test queues user actions with SendText, Click and QueueRaw, and reads
// the bot's messages as they are now, after edits, with Messages and
// WaitMessages:
//
//	srv := telegramtest.NewServer(t, "123:test")
//	cfg := telegram.Config{Token: "123:test", APIEndpoint: srv.Endpoint()}
//	// start the bot with cfg, then:
//	srv.SendText(111, 111, "create lead Acme GmbH")
//	msgs := srv.WaitMessages(t, 111, 1, 5*time.Second)
//
// The fake keeps all state in memory and serves one bot token. It does not
// model rate limits, webhooks, media or inline mode.
package telegramtest
