// Package feishutest runs a fake Feishu Open Platform on 127.0.0.1 for
// tests, speaking the wire format of github.com/larksuite/oapi-sdk-go/v3
// (v3.13.0):
//
//   - POST /open-apis/auth/v3/tenant_access_token/internal returns the
//     flat {code, msg, tenant_access_token, expire} object;
//   - POST /open-apis/im/v1/messages?receive_id_type=chat_id|open_id
//     stores a message (content is a JSON object inside a string) and
//     drops a repeated uuid within an hour;
//   - PATCH /open-apis/im/v1/messages/:message_id replaces a card, only
//     one sent with config.update_multi true;
//   - POST /callback/ws/endpoint returns the long-connection URL with a
//     ClientConfig whose four fields are all set;
//   - GET /ws is the long connection: binary protobuf frames
//     (larkws.Frame). A ping gets a pong; events go out as type=event
//     data frames with message_id, sum, seq and trace_id headers; the
//     client's acknowledgements are recorded, and a card in a click's
//     answer replaces the clicked card, as Feishu does.
//
// Business errors are answered with HTTP 200 and a nonzero code, as
// Feishu does; codes the SDK does not act on are the fake's own.
//
// A test builds events with NewP2P, NewMention, NewClick and WithNewID
// and sends them over the long connection (Push, SendP2P, MentionInGroup,
// Click, Redeliver) or as HTTP callbacks (Deliver, DeliverWith, PostRaw),
// encrypted and signed like Feishu's when Options.EncryptKey is set. It
// reads the bot's messages as they are after updates with Messages and
// WaitMessages:
//
//	appID := feishutest.AppID(t)
//	srv := feishutest.NewServer(t, feishutest.Options{AppID: appID, AppSecret: "s"})
//	cfg := feishu.Config{AppID: appID, AppSecret: "s", Domain: srv.URL()}
//	// start the adapter with cfg, then:
//	srv.SendP2P("ou_1", "new customer Acme")
//	msgs := srv.WaitMessages(t, feishutest.P2PChatID("ou_1"), 1, 5*time.Second)
//
// The SDK caches tenant tokens per app id for the whole process, so each
// test should take its app id from AppID. The fake keeps all state in memory and
// does not model rate limits, message splitting (sum > 1), media or the
// contact API.
package feishutest
