// Package feishu connects the bot to Feishu (open.feishu.cn) and Lark
// (open.larksuite.com) through github.com/larksuite/oapi-sdk-go/v3.
//
// New checks the app credentials by fetching a tenant access token. Run
// then receives events until its context is cancelled: over the SDK's
// long connection (Config.Mode "ws", the default, no public URL needed)
// or as HTTP callbacks served by Adapter.Handler (Config.Mode "http").
//
// # Messages
//
// im.message.receive_v1 events become bot.Events. The content, a JSON
// object inside a JSON string, is decoded; in a group only messages that
// @-mention someone are handled, and the bot's mention placeholder (such
// as "@_user_1") is removed. A message that is not text gets a short
// reply that only text is understood. Feishu may push one message twice
// with different event_ids, so messages are deduplicated on message_id
// (Config.Dedupe) and Event.EventID is "feishu:<message_id>", which the
// bot's durable event store also drops after a restart. Events are
// acknowledged at once and handled in the background, the messages of
// one chat in order. Event.Locale stays empty: Feishu reports no
// language, so the bot detects it from the text.
//
// # Replies
//
// A reply with fields or buttons, or one that replaces a card, is sent as
// an interactive card with config.update_multi true: Markdown text with
// every Odoo value escaped, a fields section, a link for Record.URL and
// buttons whose value is the object {"t": "<token>"}. Other replies are
// sent as posts. Every send uses receive_id_type chat_id and a uuid
// derived from the event id and the reply's position, so a repeated send
// within an hour is dropped by Feishu. An error is either a transport
// error or a response code other than 0; both are logged.
//
// # Card actions
//
// A click (card.action.trigger) is answered within 3 seconds with a toast
// and a card. The token is read from action.value.t; any other value,
// such as the string "confirm_lead_42" of another app's card, is answered
// with a fixed "not understood" toast and never reaches the handler. A
// reply with ReplaceSource becomes the answer's card, so the old buttons
// disappear; a first reply of plain text that replaces nothing, such as
// "This button has expired", becomes the toast; other replies are sent as
// new messages after the answer. When the handler takes longer than 2.5
// seconds, the answer is empty and the card is updated with the PATCH
// API when the handler returns. Event.EventID of a click is
// "feishu:card:<event_id>", so the bot acts once per click.
//
// Over the long connection, card actions arrive as type=event frames (the
// SDK, v3.13.0, drops frames of type card). The SDK decodes them itself
// and cannot decode a string value: such a click is acknowledged with an
// error by the SDK and never reaches this connector.
//
// # HTTP callbacks
//
// Handler answers url_verification, checks the verification token in
// constant time, decrypts bodies encrypted with Config.EncryptKey and,
// when the key is set, checks X-Lark-Signature and rejects a request
// whose X-Lark-Request-Timestamp is outside Config.FreshnessWindow (the
// SDK checks no timestamp). A request that fails a check gets 401 and
// nothing is handled.
//
// # Logs
//
// Errors are logged with slog. The app secret, verification token,
// encrypt key and message text are never logged; the SDK's debug and info
// lines are dropped because they contain whole event payloads.
package feishu
