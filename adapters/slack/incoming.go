package slack

import (
	"context"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/crmbot/crmbot/bot"
)

// incoming is a user's message, from a message or an app_mention event.
type incoming struct {
	kind        string // the event type, for logs
	channel     string
	channelType string // "im", "mpim", "group" or "channel"
	user        string
	text        string
	ts          string
	threadTS    string
	botID       string
	subtype     string
	edited      bool
}

func fromMessage(e *slackevents.MessageEvent) incoming {
	return incoming{
		kind: "message", channel: e.Channel, channelType: e.ChannelType,
		user: e.User, text: e.Text, ts: e.TimeStamp, threadTS: e.ThreadTimeStamp,
		botID: e.BotID, subtype: e.SubType,
		edited: e.Message != nil && e.Message.Edited != nil,
	}
}

func fromMention(e *slackevents.AppMentionEvent) incoming {
	return incoming{
		kind: "app_mention", channel: e.Channel, channelType: channelTypeOf(e.Channel),
		user: e.User, text: e.Text, ts: e.TimeStamp, threadTS: e.ThreadTimeStamp,
		botID: e.BotID, edited: e.Edited != nil,
	}
}

// channelTypeOf guesses a channel's type from its id, for events that do
// not carry channel_type: D is a direct message, G a private channel or
// group DM, anything else a channel.
func channelTypeOf(channel string) string {
	switch {
	case strings.HasPrefix(channel, "D"):
		return "im"
	case strings.HasPrefix(channel, "G"):
		return "group"
	}
	return "channel"
}

func (m incoming) direct() bool { return m.channelType == "im" }

// conversationTS returns the ts of the thread that the bot's replies go
// to, or "" for a reply in the DM itself. A mention outside a thread
// starts a thread under the mention, so the channel stays readable and
// the replies that follow belong to the same conversation.
func (m incoming) conversationTS() string {
	if m.threadTS != "" || m.direct() {
		return m.threadTS
	}
	return m.ts
}

// chatID returns the Event.ChatID: the channel, and the thread's ts after
// a colon for a conversation in a thread.
func chatID(channel, threadTS string) string {
	if threadTS == "" {
		return channel
	}
	return channel + ":" + threadTS
}

// skipReason returns why the adapter ignores m, or "" if it handles it.
func (a *Adapter) skipReason(m incoming) string {
	switch {
	case m.botID != "" || m.user == a.botUserID:
		return "bot message"
	case m.user == "":
		return "no sender"
	// thread_broadcast is a thread reply that is also shown in the
	// channel: a user's message like any other.
	case m.subtype != "" && m.subtype != "thread_broadcast":
		return "subtype " + m.subtype
	case m.edited:
		return "edited"
	case m.kind == "app_mention" || m.direct():
		return ""
	// A channel message without a mention is for the bot only as a
	// reply in a thread where the bot is talking.
	case m.threadTS == "" || !a.threads.active(chatID(m.channel, m.threadTS)):
		return "channel message outside the bot's threads"
	}
	return ""
}

// onMessage handles a message or app_mention event: it drops bot messages,
// edits and repeats, then spawns the handler.
func (a *Adapter) onMessage(m incoming, retry int) {
	log := a.logger.With("event_type", m.kind, "channel", m.channel, "ts", m.ts,
		"retry_attempt", retry)
	if reason := a.skipReason(m); reason != "" {
		log.Debug("slack event skipped", "reason", reason)
		return
	}
	text := stripMention(m.text, a.botUserID)
	if text == "" {
		log.Debug("slack event skipped", "reason", "no text")
		return
	}
	// The same message arrives as app_mention and as message, and again
	// on every retry, always with the same channel and ts.
	if a.cfg.Dedupe("message:" + m.channel + ":" + m.ts) {
		log.Debug("slack event skipped", "reason", "duplicate")
		return
	}

	thread := m.conversationTS()
	chat := chatID(m.channel, thread)
	if !m.direct() {
		a.threads.add(chat)
	}
	a.spawn(chat, func(ctx context.Context) {
		ev := bot.Event{
			Platform:  platform,
			ChatID:    chat,
			UserID:    m.user,
			EventID:   platform + ":" + m.channel + ":" + m.ts,
			MessageID: m.ts,
			Text:      text,
			Group:     !m.direct(),
		}
		a.addUserInfo(ctx, &ev)
		replies := a.handler.Handle(ctx, ev)
		a.deliver(ctx, target{channel: m.channel, threadTS: thread}, replies)
	})
}

// stripMention removes the bot's mention "<@U123>" from the start of text,
// where Slack puts it for an app_mention, and trims spaces.
func stripMention(text, botUserID string) string {
	text = strings.TrimSpace(text)
	mention := "<@" + botUserID + ">"
	if botUserID != "" && strings.HasPrefix(text, mention) {
		text = strings.TrimSpace(strings.TrimPrefix(text, mention))
	}
	return text
}

// onClick handles a block_actions interaction on one of the adapter's
// buttons: it drops repeats, then spawns the handler.
func (a *Adapter) onClick(cb slack.InteractionCallback, retry int) {
	log := a.logger.With("interaction_type", cb.Type, "retry_attempt", retry)
	if cb.Type != slack.InteractionTypeBlockActions {
		log.Debug("slack interaction skipped", "reason", "not a block action")
		return
	}
	action := findButtonAction(cb.ActionCallback.BlockActions)
	if action == nil || action.Value == "" || cb.User.ID == "" {
		log.Debug("slack interaction skipped", "reason", "no crmbot button, value or user")
		return
	}

	channel := first(cb.Container.ChannelID, cb.Channel.ID)
	messageTS := first(cb.Container.MessageTs, cb.Message.Timestamp)
	thread := first(cb.Container.ThreadTs, cb.Message.ThreadTimestamp)
	// trigger_id is new for every click and the same in a retry.
	clickID := first(cb.TriggerID, channel+":"+messageTS+":"+action.ActionTs)
	if a.cfg.Dedupe("click:" + clickID) {
		log.Debug("slack interaction skipped", "reason", "duplicate", "channel", channel)
		return
	}

	chat := chatID(channel, thread)
	a.spawn(chat, func(ctx context.Context) {
		ev := bot.Event{
			Platform:  platform,
			ChatID:    chat,
			UserID:    cb.User.ID,
			EventID:   platform + ":click:" + clickID,
			MessageID: messageTS,
			Action:    action.Value,
			Group:     channelTypeOf(channel) != "im",
		}
		a.addUserInfo(ctx, &ev)
		replies := a.handler.Handle(ctx, ev)
		a.deliver(ctx, target{channel: channel, threadTS: thread, sourceTS: messageTS}, replies)
	})
}

// findButtonAction returns the first action on a crmbot button, or nil.
func findButtonAction(actions []*slack.BlockAction) *slack.BlockAction {
	for _, act := range actions {
		if act != nil && strings.HasPrefix(act.ActionID, buttonActionPrefix) {
			return act
		}
	}
	return nil
}

// first returns the first non-empty value.
func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
