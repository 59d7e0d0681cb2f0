// Package telegram connects the bot to Telegram through the Bot API, using
// long polling and github.com/go-telegram-bot-api/telegram-bot-api/v5.
//
// New checks the token with getMe. Run then calls getUpdates in a loop
// until its context is cancelled, turns each update into a bot.Event,
// passes it to the bot.Handler and sends the returned replies in order.
// The updates of one chat are handled in the order Telegram delivers them;
// different chats of a batch are handled in parallel, and the next
// getUpdates waits for the whole batch.
//
// # Updates
//
//   - message with text: an Event with Text.
//   - message without text, such as a photo, a sticker or a voice note: a
//     short reply that only text is understood. In a group there is no reply.
//   - edited_message with text: an Event with Edited set and the MessageID
//     of the original message, so the handler can tell that it has seen the
//     message before. The connector never re-runs anything by itself.
//   - callback_query: answered with answerCallbackQuery at once, before the
//     handler runs, so the client stops its loading spinner. Then an Event
//     with Action set to the callback data and MessageID set to the message
//     that carried the button. A query whose message is missing (a button
//     under an inline-mode message) gets an Event without MessageID whose
//     ChatID is the user's private chat.
//   - anything else, such as my_chat_member or channel_post, and a message
//     without a sender or chat: skipped with a debug log.
//
// A panic while handling one update is recovered and logged, and the loop
// goes on with the next update. An update that does not decode is logged
// and skipped, and the other updates of its batch are still handled.
//
// # Event ids
//
// A message's EventID is "telegram:<update_id>". A click's EventID is
// "telegram:callback:<callback query id>". Both are stable when Telegram
// delivers an update again, so the bot can drop the copy. A new click on
// the same button is a new callback query with a new id, so it is a new
// event. Clicks use the query id rather than the update_id because the
// query id is unique on its own. Update ids restart from a random number
// after a week without updates (as documented on Update.UpdateID in
// telegram-bot-api v5.5.1), which matters to a dedupe store that keeps
// keys longer than a week.
//
// # Delivery
//
// Updates are confirmed by the next getUpdates call, whose offset is the
// last handled update_id plus one, so an update is confirmed only after its
// replies were sent (at-least-once delivery). When Run stops, it confirms
// the handled updates with one more short call. An update whose handling
// was interrupted is delivered again after a restart with the same EventID.
//
// # Replies
//
// Replies are sent in HTML parse mode. Text and field values are escaped,
// so values from Odoo such as "R&D <Sales>" appear as written. Fields are
// lines "Label: value" under the text, and a record URL is a link line.
// Buttons become an inline keyboard, two per row when both labels are
// short and one per row otherwise. A button whose token is not 1 to 64
// bytes of valid UTF-8 is left out and logged, because Telegram rejects
// the whole message for one invalid button (BUTTON_DATA_INVALID). Text
// longer than 4096 characters is split into several messages, and the
// keyboard goes under the last one.
//
// A reply with ReplaceSource that answers a click edits the clicked message
// with editMessageText, which replaces its keyboard or removes it. Telegram's
// "message is not modified" counts as success. If the edit fails for
// another reason, the reply is sent as a new message.
//
// A 429 response is retried after its retry_after, at most twice and only
// when retry_after is at most 30 seconds. A 403 (the user blocked the bot
// or the bot left the group) is logged and not retried, and the remaining
// replies of that event are dropped. Other send errors are logged.
//
// The token is never logged: errors from the HTTP client carry the request
// URL, which contains the token, and the connector replaces it with
// "<token>".
package telegram
