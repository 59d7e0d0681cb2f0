// Package slack connects the bot to Slack with github.com/slack-go/slack
// (v0.36.0), over Socket Mode by default or the Events API over HTTP.
//
// New checks Config.BotToken with auth.test. Run then receives events
// until its context is cancelled, turns each into a bot.Event, passes it
// to the bot.Handler and sends the returned replies in order. Events of
// one chat are handled one at a time, in the order they arrive; different
// chats are handled in parallel.
//
// # Delivery
//
// In Socket Mode every envelope is acknowledged at once, before any other
// work, and handled afterwards in its own goroutine. A slow handler (an
// LLM call, a slow Odoo) therefore never delays an acknowledgement, and
// Slack does not deliver the envelope again. In http mode, Handler checks the
// X-Slack-Signature of every request with slack.NewSecretsVerifier: a
// request that is unsigned, badly signed or more than 5 minutes old gets
// 401 and is not handled. A valid request is answered with 200 at once
// and handled afterwards, within the 3 seconds Slack waits. A
// url_verification request gets its challenge back.
//
// A message reaches the handler once even when Slack delivers it several
// times: on a retry (retry_attempt in Socket Mode, X-Slack-Retry-Num over
// HTTP) or as both app_mention and message. Config.Dedupe is keyed by
// channel and ts, which both copies share, not by event_id, which
// differs. Event.EventID is "slack:<channel>:<ts>", so the bot's durable
// event store also drops a repeat that arrives after a restart. A click is
// keyed by its trigger_id, new for every click, and its EventID is
// "slack:click:<trigger_id>".
//
// # Messages
//
//   - message with channel_type "im": a direct message. Its ChatID is the
//     DM channel, or "<channel>:<thread_ts>" in a thread of the DM.
//   - app_mention: a mention in a channel. The leading "<@BOT>" is removed
//     from the text. The bot replies in a thread under the mention, or in
//     the mention's thread, and ChatID is "<channel>:<thread ts>".
//   - message in a channel thread where the bot has talked in the last
//     24 hours: a reply in that conversation, even without a mention.
//     Other channel messages are skipped, since the mention covers them.
//   - messages from bots, including the bot itself, messages with a
//     subtype such as message_changed or message_deleted (thread_broadcast
//     excepted), edits and mentions without text: skipped with a debug log.
//
// Event.UserName and Event.Locale ("en-US", "zh-CN") come from users.info,
// called once per user and cached for 12 hours. If users.info fails, the
// event is handled without them.
//
// # Replies
//
// Replies are Block Kit messages: sections with the text, sections with up
// to 10 fields each (the label over the value), a section linking to
// Record.URL, and actions blocks with the buttons. Each actions block has
// a block_id, each button an action_id "crmbot_btn_<index>" and the token
// as its value. Text and fields are plain_text objects, which Slack shows
// exactly as written, so a value from Odoo such as "*Acme* <b>" is never
// formatted. Only the notification text and the link are mrkdwn, with &, <
// and > escaped. Text longer than 3000 characters is split into several sections,
// and a reply of more than 50 blocks into several messages. A button whose
// token is empty or longer than 2000 characters is left out and logged,
// because Slack rejects a message with an invalid button.
//
// A click gets its response at once (the Socket Mode ack or the HTTP 200), then
// handled. A reply with ReplaceSource updates the clicked message with
// chat.update, which removes its buttons. Other replies are posted with
// chat.postMessage in the same channel and thread. When the update fails,
// for example because the message was deleted, the reply is posted.
//
// A 429 is retried after its Retry-After, at most twice and only when
// Retry-After is at most 30 seconds. Other send errors are logged and the
// reply is dropped, because a repeated post could show twice.
//
// Tokens and the signing secret are never logged, and neither is message
// text.
package slack
