package slack

import (
	"context"
	"time"

	"github.com/slack-go/slack"

	"github.com/crmbot/crmbot/bot"
)

// Retries of a Web API call that got 429 Too Many Requests.
const (
	maxRateLimitRetries = 2
	// maxRetryAfter is the longest Retry-After the adapter waits for. A
	// longer wait holds up the chat's next messages for too long, so the
	// reply is dropped and logged instead.
	maxRetryAfter = 30 * time.Second
)

// target is the destination of the replies to one event.
type target struct {
	channel string
	// threadTS is the thread's ts, or "" to post in the channel itself.
	threadTS string
	// sourceTS is the message that carried the clicked button, or "".
	sourceTS string
}

// deliver sends replies in order. The first reply with ReplaceSource
// updates the clicked message with chat.update, so its buttons go away.
// Later ones are posted, because a second update would overwrite the
// first. A reply whose update fails is posted instead.
func (a *Adapter) deliver(ctx context.Context, to target, replies []bot.Reply) {
	sourceTS := to.sourceTS
	for _, r := range replies {
		out := a.render(to, r)
		msgs := out.messages
		if r.ReplaceSource && sourceTS != "" && len(msgs) > 0 {
			if a.update(ctx, to, sourceTS, msgs[0]) {
				msgs = msgs[1:]
			}
			sourceTS = ""
		}
		for _, m := range msgs {
			a.post(ctx, to, m)
		}
		if len(msgs) > 0 && to.threadTS != "" && channelTypeOf(to.channel) != "im" {
			a.threads.add(chatID(to.channel, to.threadTS))
		}
	}
}

// render renders r and logs the buttons it had to leave out.
func (a *Adapter) render(to target, r bot.Reply) rendered {
	out := renderReply(r)
	for _, b := range out.rejected {
		a.logger.Error("slack button left out of reply",
			"channel", to.channel, "button_index", b.index, "reason", b.reason)
	}
	if len(out.messages) == 0 {
		a.logger.Error("slack reply not sent: no text", "channel", to.channel,
			"buttons", len(r.Buttons))
	}
	return out
}

// post sends m with chat.postMessage and logs a failure.
func (a *Adapter) post(ctx context.Context, to target, m slackMessage) {
	opts := []slack.MsgOption{
		slack.MsgOptionText(m.text, false),
		slack.MsgOptionBlocks(m.blocks...),
	}
	if to.threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(to.threadTS))
	}
	err := a.withRetry(ctx, "chat.postMessage", func() error {
		_, _, err := a.api.PostMessageContext(ctx, to.channel, opts...)
		return err
	})
	if err != nil {
		a.logger.Error("slack chat.postMessage failed",
			"channel", to.channel, "thread_ts", to.threadTS, "error", err)
	}
}

// update replaces message ts with m using chat.update and reports whether
// it succeeded. A failure is logged.
func (a *Adapter) update(ctx context.Context, to target, ts string, m slackMessage) bool {
	err := a.withRetry(ctx, "chat.update", func() error {
		_, _, _, err := a.api.UpdateMessageContext(ctx, to.channel, ts,
			slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...))
		return err
	})
	if err != nil {
		a.logger.Warn("slack chat.update failed, posting the reply as a new message",
			"channel", to.channel, "ts", ts, "error", err)
		return false
	}
	return true
}

// withRetry runs call and repeats it after the Retry-After of a 429, at
// most maxRateLimitRetries times and only for waits up to maxRetryAfter.
// Other errors are returned at once: a post that failed in transit may
// have arrived, and posting it again could show it twice.
func (a *Adapter) withRetry(ctx context.Context, method string, call func() error) error {
	for attempt := 0; ; attempt++ {
		err := call()
		wait := retryAfter(err)
		if wait <= 0 || wait > maxRetryAfter || attempt == maxRateLimitRetries {
			return err
		}

		a.logger.Warn("slack request rate limited, retrying after Retry-After",
			"method", method, "retry_in", wait, "attempt", attempt+1)
		if err := a.sleep(ctx, wait); err != nil {
			return err
		}
	}
}
