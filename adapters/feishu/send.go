package feishu

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strconv"

	larkim "github.com/larksuite/oapi-sdk-go/v3/service/im/v1"

	"github.com/crmbot/crmbot/bot"
)

// deliver sends replies to chatID in order. sourceID is the card that
// carried the clicked button, or "". The first reply with ReplaceSource
// updates that card; later ones are sent as new messages because a second
// update would overwrite the first. eventID names the event the replies
// answer, and makes each send idempotent (see sendUUID).
func (a *Adapter) deliver(ctx context.Context, chatID, sourceID, eventID string, replies []bot.Reply) {
	for i, r := range replies {
		out := a.render(chatID, r)
		if r.ReplaceSource && sourceID != "" {
			err := a.update(ctx, sourceID, out)
			if err == nil {
				sourceID = ""
				continue
			}
			a.logger.Warn("feishu card update failed, sending the reply as a new message",
				"chat_id", chatID, "message_id", sourceID, "error", err)
			sourceID = ""
		}
		if err := a.send(ctx, chatID, sendUUID(eventID, i), out); err != nil {
			a.logger.Error("feishu send message failed",
				"chat_id", chatID, "reply", i+1, "replies", len(replies), "error", err)
		}
	}
}

// render renders r and logs the buttons it had to leave out.
func (a *Adapter) render(chatID string, r bot.Reply) rendered {
	out := renderReply(r)
	if out.skipped > 0 {
		a.logger.Error("feishu buttons left out of reply: empty label or token not 1 to 64 bytes",
			"chat_id", chatID, "buttons_skipped", out.skipped)
	}
	return out
}

// send posts out to chatID. uuid makes Feishu drop a repeated send within
// an hour.
func (a *Adapter) send(ctx context.Context, chatID, uuid string, out rendered) error {
	req := larkim.NewCreateMessageReqBuilder().
		ReceiveIdType(larkim.CreateMessageV1ReceiveIDTypeChatId).
		Body(larkim.NewCreateMessageReqBodyBuilder().
			ReceiveId(chatID).
			MsgType(out.msgType).
			Content(string(out.content)).
			Uuid(uuid).
			Build()).
		Build()
	resp, err := a.client.Im.V1.Message.Create(ctx, req)
	if err != nil {
		return fmt.Errorf("feishu: send message: %w", err)
	}
	if !resp.Success() {
		return &APIError{Op: "send message", Code: resp.Code, Msg: resp.Msg}
	}
	return nil
}

// update replaces the content of card messageID with out, which must be a
// card.
func (a *Adapter) update(ctx context.Context, messageID string, out rendered) error {
	req := larkim.NewPatchMessageReqBuilder().
		MessageId(messageID).
		Body(larkim.NewPatchMessageReqBodyBuilder().Content(string(out.content)).Build()).
		Build()
	resp, err := a.client.Im.V1.Message.Patch(ctx, req)
	if err != nil {
		return fmt.Errorf("feishu: update card: %w", err)
	}
	if !resp.Success() {
		return &APIError{Op: "update card", Code: resp.Code, Msg: resp.Msg}
	}
	return nil
}

// sendUUID returns the idempotency key of reply index of event eventID:
// 128 bits of a SHA-256 hash, written like a UUID (36 characters; Feishu
// takes at most 50). It is the same when an event is handled again, so a
// repeated send within Feishu's one-hour window is dropped rather than
// shown twice.
func sendUUID(eventID string, index int) string {
	sum := sha256.Sum256([]byte(eventID + "#" + strconv.Itoa(index)))
	return fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}
