// Package slacktest runs a fake Slack for tests: the Web API methods a bot
// calls and a Socket Mode WebSocket server.
//
// The fake speaks the wire format that github.com/slack-go/slack (v0.36.0)
// uses against the real service. Web API methods are form POSTs to
// <APIURL><method> with the token as the form field "token", and blocks
// arrive as a JSON string in the form field "blocks". apps.connections.open
// is a JSON POST authorised by "Authorization: Bearer xapp-...". Every
// response is an envelope, {"ok":true,...} on success or
// {"ok":false,"error":"..."} on failure, sent with status 200; a rate limit
// is a 429 with a Retry-After header in seconds.
//
// It implements auth.test, users.info, chat.postMessage, chat.update and
// apps.connections.open, and it rejects requests the way Slack does:
//
//   - a wrong bot token gets invalid_auth, and a wrong app token on
//     apps.connections.open gets invalid_auth too;
//   - an unknown user on users.info gets user_not_found;
//   - a message without text and blocks gets no_text;
//   - blocks over Block Kit's limits get invalid_blocks. The limits are
//     50 blocks, 3000 characters of section text, 10 fields of up to 2000
//     characters, 25 elements in an actions block, 75 characters of button
//     label, 255 characters of action_id or block_id, and 2000 characters
//     of button value. A block_id used twice is invalid too;
//   - chat.update on a message that does not exist or was deleted gets
//     message_not_found.
//
// FailNext makes the next call of a method fail with any error, such as a
// 429 with Retry-After or ratelimited.
//
// # Socket Mode
//
// apps.connections.open returns a ws:// URL on the same server. The
// WebSocket server accepts the Origin "https://api.slack.com" that
// slack-go sends, sends "hello", then delivers events_api and interactive
// envelopes, each with an envelope_id and retry_attempt. It records every
// acknowledgement ({"envelope_id":...,"payload":...}) with Acks, and sends
// a WebSocket ping every PingInterval, because slack-go drops a connection
// that has seen no ping for 30 seconds. Envelopes sent while no client is
// connected wait for the next connection.
//
// # Users and events
//
// A test acts as Slack users with SendDM, Mention, ThreadReply and Click,
// repeats a delivery with Redeliver, and reads the bot's messages as they
// are now, after updates, with Messages and WaitMessages:
//
//	srv := slacktest.NewServer(t)
//	cfg := slack.Config{BotToken: slacktest.BotToken,
//		AppToken: slacktest.AppToken, APIURL: srv.APIURL()}
//	// start the bot with cfg, then:
//	srv.SendDM("U1", "create lead Acme GmbH")
//	msgs := srv.WaitMessages(t, slacktest.DMChannel("U1"), 1, 5*time.Second)
//
// DeliverHTTP switches delivery from Socket Mode to signed HTTP requests
// for the Events API and interactivity endpoints, and Sign and
// NewSignedRequest build such requests for tests of forged and stale
// signatures.
//
// The fake keeps all state in memory and serves one workspace with one bot.
// It does not model conversations.* methods, views, slash commands, files
// or Slack's own retries of unacknowledged envelopes.
package slacktest
