package feishu

import (
	"context"
	"encoding/json"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/larksuite/oapi-sdk-go/v3/event/dispatcher/callback"

	"github.com/crmbot/crmbot/bot"
)

// eventCardAction is the callback type of a click on a card button.
const eventCardAction = "card.action.trigger"

// notUnderstoodToast answers a click whose button value is not one this
// connector sends, such as a string from a card of another app.
//
// TODO(i18n): take this text from the bot's message catalog.
const notUnderstoodToast = "This button is not understood. Send a new message to start again."

// Toast types of a card callback answer.
const (
	toastInfo    = "info"
	toastWarning = "warning"
)

// cardAction is a click on a card button, from either transport.
type cardAction struct {
	eventID string
	// token is the callback token Feishu issues per click.
	token     string
	openID    string
	messageID string
	chatID    string
	// value is action.value as sent: an object for the cards of this
	// connector, but anything for a foreign card.
	value json.RawMessage
}

// cardActionEvent is a card.action.trigger callback in schema 2.0, as
// sent over HTTP. Fields that carry no meaning here are left out.
type cardActionEvent struct {
	Header eventHeader `json:"header"`
	Event  struct {
		Token    string `json:"token"`
		Operator struct {
			OpenID string `json:"open_id"`
		} `json:"operator"`
		Action struct {
			Value json.RawMessage `json:"value"`
			Tag   string          `json:"tag"`
		} `json:"action"`
		Context struct {
			OpenMessageID string `json:"open_message_id"`
			OpenChatID    string `json:"open_chat_id"`
		} `json:"context"`
	} `json:"event"`
}

func (e cardActionEvent) action() cardAction {
	return cardAction{
		eventID:   e.Header.EventID,
		token:     e.Event.Token,
		openID:    e.Event.Operator.OpenID,
		messageID: e.Event.Context.OpenMessageID,
		chatID:    e.Event.Context.OpenChatID,
		value:     e.Event.Action.Value,
	}
}

// actionFromSDK converts the SDK's decoded callback, used over the long
// connection.
func actionFromSDK(ev *callback.CardActionTriggerEvent) cardAction {
	var act cardAction
	if ev.EventV2Base != nil && ev.EventV2Base.Header != nil {
		act.eventID = ev.EventV2Base.Header.EventID
	}
	if ev.Event == nil {
		return act
	}
	act.token = ev.Event.Token
	if ev.Event.Operator != nil {
		act.openID = ev.Event.Operator.OpenID
	}
	if ev.Event.Context != nil {
		act.messageID = ev.Event.Context.OpenMessageID
		act.chatID = ev.Event.Context.OpenChatID
	}
	if ev.Event.Action != nil && ev.Event.Action.Value != nil {
		// A map of JSON values always encodes.
		act.value, _ = json.Marshal(ev.Event.Action.Value)
	}
	return act
}

// buttonToken returns the bot.Button token in a button value, which this
// connector sends as {"t":"<token>"}. Any other value, such as the string
// "confirm_lead_42" or {"t":5}, is not a token.
func buttonToken(value json.RawMessage) (string, bool) {
	var v map[string]json.RawMessage
	if err := json.Unmarshal(value, &v); err != nil {
		return "", false
	}
	var token string
	if err := json.Unmarshal(v["t"], &token); err != nil {
		return "", false
	}
	if token == "" || len(token) > maxTokenBytes || !utf8.ValidString(token) {
		return "", false
	}
	return token, true
}

// answerCardAction handles a click and returns the callback answer. It
// waits for the handler up to the answer budget. A reply with
// ReplaceSource becomes the answer's card, so the clicked card loses its
// buttons at once, and a first reply of plain text that replaces nothing,
// such as "This button has expired", becomes the answer's toast. Other
// replies are sent as new messages after the answer. When the handler
// is slower than the budget, the answer is empty and all replies are
// delivered by the API when the handler returns.
func (a *Adapter) answerCardAction(act cardAction) *callback.CardActionTriggerResponse {
	token, ok := buttonToken(act.value)
	if !ok {
		a.logger.Warn("feishu card action not understood: button value is not {\"t\": token}",
			"event_id", act.eventID, "message_id", act.messageID, "value_bytes", len(act.value))
		return &callback.CardActionTriggerResponse{
			Toast: &callback.Toast{Type: toastWarning, Content: notUnderstoodToast},
		}
	}

	ev := bot.Event{
		Platform: platform,
		ChatID:   act.chatID,
		UserID:   act.openID,
		// The event_id is the same when a callback is delivered again and
		// new for every click, so the bot acts once per click.
		EventID:   platform + ":card:" + firstNonEmpty(act.eventID, act.token),
		MessageID: act.messageID,
		Action:    token,
		// NOTE: Group stays false for clicks: the callback names the chat
		// but not its type.
	}

	// gaveUp is set, under mu, when the answer went out without the
	// replies; the handler then delivers them itself.
	var (
		mu     sync.Mutex
		gaveUp bool
		result = make(chan []bot.Reply, 1)
	)
	a.goWork("card action "+act.eventID, func(ctx context.Context) {
		replies := a.handler.Handle(ctx, ev)
		mu.Lock()
		late := gaveUp
		mu.Unlock()
		if late {
			a.deliver(ctx, act.chatID, act.messageID, ev.EventID, replies)
			return
		}
		result <- replies
	})

	timer := time.NewTimer(a.answerBudget)
	defer timer.Stop()
	select {
	case replies := <-result:
		return a.answerWith(act, ev.EventID, replies)
	case <-timer.C:
	}

	mu.Lock()
	defer mu.Unlock()
	select {
	case replies := <-result:
		return a.answerWith(act, ev.EventID, replies)
	default:
		gaveUp = true
		a.logger.Warn("feishu card action answered before the handler returned; "+
			"its replies follow by the API",
			"event_id", act.eventID, "message_id", act.messageID, "budget", a.answerBudget)
		return &callback.CardActionTriggerResponse{}
	}
}

// answerWith builds the callback answer from the handler's replies and
// sends the replies that do not fit in it as new messages.
func (a *Adapter) answerWith(act cardAction, eventID string, replies []bot.Reply,
) *callback.CardActionTriggerResponse {
	answer := &callback.CardActionTriggerResponse{}
	var rest []bot.Reply
	for i, r := range replies {
		switch {
		case r.ReplaceSource && answer.Card == nil && act.messageID != "":
			c := a.render(act.chatID, r)
			answer.Card = &callback.Card{Type: "raw", Data: json.RawMessage(c.content)}
		case i == 0 && !r.ReplaceSource && isPlainText(r):
			answer.Toast = &callback.Toast{Type: toastInfo, Content: r.Text}
		default:
			rest = append(rest, r)
		}
	}
	if len(rest) > 0 {
		a.goWork("card action replies "+act.eventID, func(ctx context.Context) {
			// The source card is already replaced by the answer.
			a.deliver(ctx, act.chatID, "", eventID, rest)
		})
	}
	return answer
}

// isPlainText reports whether r is text alone, fit for a toast.
func isPlainText(r bot.Reply) bool {
	return r.Text != "" && len(r.Fields) == 0 && len(r.Buttons) == 0 && r.Record == nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
