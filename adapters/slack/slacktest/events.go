package slacktest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// verificationToken is the deprecated token Slack still puts in payloads.
const verificationToken = "fake-verification-token"

// Sent describes what a user action delivered to the bot.
type Sent struct {
	Channel string
	// TS is the ts of the user's message, or the action_ts of a click.
	TS string
	// ThreadTS is the parent's ts for a reply in a thread.
	ThreadTS string
	// EnvelopeIDs names each delivery, in order: one for most actions, two
	// for a mention (app_mention, then message). Redeliver takes one of
	// them, in HTTP delivery too.
	EnvelopeIDs []string
}

// SendDM delivers a direct message from user to the bot: a message event
// with channel_type "im" in DMChannel(user).
func (s *Server) SendDM(user, text string) Sent {
	s.mu.Lock()
	s.ensureUserLocked(user)
	channelID := DMChannel(user)
	ts := s.nextTSLocked()
	event := messageEvent(channelID, user, text, ts, "")
	s.mu.Unlock()

	return Sent{Channel: channelID, TS: ts, EnvelopeIDs: []string{s.SendEvent(event)}}
}

// Mention delivers a channel message from user that starts with the bot's
// mention "<@U0BOT> ". Slack sends it twice, as app_mention and as message
// with the same ts, when the app subscribes to both event types, and so
// does the fake, in that order.
func (s *Server) Mention(channelID, user, text string) Sent {
	return s.mention(channelID, "", user, text)
}

// ThreadReply delivers a reply in the thread under threadTS. If text
// mentions the bot ("<@U0BOT>"), Slack also sends an app_mention with the
// same ts, and so does the fake, after the message event.
func (s *Server) ThreadReply(channelID, threadTS, user, text string) Sent {
	s.mu.Lock()
	s.ensureUserLocked(user)
	ts := s.nextTSLocked()
	events := []map[string]any{messageEvent(channelID, user, text, ts, threadTS)}
	if strings.Contains(text, "<@"+BotUserID+">") {
		events = append(events, mentionEvent(channelID, user, text, ts, threadTS))
	}
	s.mu.Unlock()

	sent := Sent{Channel: channelID, TS: ts, ThreadTS: threadTS}
	for _, e := range events {
		sent.EnvelopeIDs = append(sent.EnvelopeIDs, s.SendEvent(e))
	}
	return sent
}

func (s *Server) mention(channelID, threadTS, user, text string) Sent {
	text = "<@" + BotUserID + "> " + text
	s.mu.Lock()
	s.ensureUserLocked(user)
	ts := s.nextTSLocked()
	events := []map[string]any{
		mentionEvent(channelID, user, text, ts, threadTS),
		messageEvent(channelID, user, text, ts, threadTS),
	}
	s.mu.Unlock()

	sent := Sent{Channel: channelID, TS: ts, ThreadTS: threadTS}
	for _, e := range events {
		sent.EnvelopeIDs = append(sent.EnvelopeIDs, s.SendEvent(e))
	}
	return sent
}

// SendEvent wraps an inner event, such as a message_changed message or a
// bot's message, in an event_callback and delivers it. It returns the
// envelope id.
func (s *Server) SendEvent(event map[string]any) string {
	return s.deliver("events_api", s.EventBody(event))
}

// EventBody returns the event_callback JSON for an inner event, with a new
// event_id, as the body of an Events API request.
func (s *Server) EventBody(event map[string]any) []byte {
	s.mu.Lock()
	eventID := fmt.Sprintf("Ev%08d", s.nextSeqLocked())
	s.mu.Unlock()
	return mustJSON(map[string]any{
		"token": verificationToken, "team_id": TeamID, "api_app_id": AppID,
		"event": event, "type": "event_callback", "event_id": eventID,
		"event_time": time.Now().Unix(), "is_ext_shared_channel": false,
		"authorizations": []map[string]any{{
			"team_id": TeamID, "user_id": BotUserID, "is_bot": true,
		}},
	})
}

// DMEvent returns a new message event from user in DMChannel(user), for
// EventBody.
func (s *Server) DMEvent(user, text string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ensureUserLocked(user)
	return messageEvent(DMChannel(user), user, text, s.nextTSLocked(), "")
}

// Click delivers a block_actions interaction: user pressed the button with
// value actionValue under the bot message messageTS. The payload carries
// the message as it is now. Click panics if the bot never sent messageTS
// or the message has no such button, because Slack users can only press
// buttons they see.
func (s *Server) Click(messageTS, actionValue, user string) Sent {
	s.mu.Lock()
	s.ensureUserLocked(user)
	m := s.findMessageLocked(messageTS)
	if m == nil {
		s.mu.Unlock()
		panic(fmt.Sprintf("slacktest: Click: no bot message with ts %s", messageTS))
	}
	payload, actionTS := s.clickPayloadLocked(m, actionValue, user)
	s.mu.Unlock()

	id := s.deliver("interactive", payload)
	return Sent{Channel: m.Channel, TS: actionTS, ThreadTS: m.ThreadTS, EnvelopeIDs: []string{id}}
}

// ClickBody returns the form body of an interactivity request for a click,
// as Click would deliver it over HTTP, for tests that sign it themselves.
func (s *Server) ClickBody(messageTS, actionValue, user string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ensureUserLocked(user)
	m := s.findMessageLocked(messageTS)
	if m == nil {
		panic(fmt.Sprintf("slacktest: ClickBody: no bot message with ts %s", messageTS))
	}
	payload, _ := s.clickPayloadLocked(m, actionValue, user)
	return formBody(payload)
}

func (s *Server) clickPayloadLocked(m *Message, value, user string) (json.RawMessage, string) {
	var button *Button
	for i := range m.Buttons {
		if m.Buttons[i].Value == value {
			button = &m.Buttons[i]
			break
		}
	}
	if button == nil {
		panic(fmt.Sprintf("slacktest: Click: message %s has no button with value %q", m.TS, value))
	}

	actionTS := s.nextTSLocked()
	container := map[string]any{
		"type": "message", "message_ts": m.TS, "channel_id": m.Channel, "is_ephemeral": false,
	}
	if m.ThreadTS != "" {
		container["thread_ts"] = m.ThreadTS
	}
	u := s.users[user]
	payload := mustJSON(map[string]any{
		"type":       "block_actions",
		"user":       map[string]any{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": TeamID},
		"api_app_id": AppID,
		"token":      verificationToken,
		"container":  container,
		"trigger_id": fmt.Sprintf("%d.%s.fake%06d", s.baseTime, TeamID, s.nextSeqLocked()),
		"team":       map[string]any{"id": TeamID, "domain": "fake"},
		"channel":    map[string]any{"id": m.Channel, "name": m.Channel},
		"message":    messageJSON(m),
		"state":      map[string]any{"values": map[string]any{}},
		// The bot must reply through the Web API, so the response URL
		// points at the fake, where it is not served.
		"response_url": s.srv.URL + "/response/" + strconv.Itoa(s.lastSeq),
		"actions": []map[string]any{{
			"action_id": button.ActionID, "block_id": button.BlockID,
			"text":  map[string]any{"type": "plain_text", "text": button.Text, "emoji": true},
			"value": button.Value, "type": "button", "action_ts": actionTS,
		}},
	})
	return payload, actionTS
}

// Redeliver delivers envelopeID again, as Slack does when it saw no
// acknowledgement in time: in Socket Mode a new envelope with
// retry_attempt one higher and retry_reason "timeout", over HTTP the same
// body with X-Slack-Retry-Num and X-Slack-Retry-Reason. It returns the new
// envelope id.
func (s *Server) Redeliver(envelopeID string) string {
	s.mu.Lock()
	e, ok := s.envelopes[envelopeID]
	if !ok {
		s.mu.Unlock()
		panic(fmt.Sprintf("slacktest: Redeliver: unknown envelope %s", envelopeID))
	}
	retry := envelope{
		ID:           s.newEnvelopeIDLocked(),
		Type:         e.Type,
		Payload:      e.Payload,
		RetryAttempt: e.RetryAttempt + 1,
		RetryReason:  "timeout",
	}
	s.envelopes[retry.ID] = retry
	target := s.http
	s.mu.Unlock()

	s.send(retry, target)
	return retry.ID
}

// deliver creates an envelope for payload and sends it.
func (s *Server) deliver(kind string, payload json.RawMessage) string {
	s.mu.Lock()
	e := envelope{ID: s.newEnvelopeIDLocked(), Type: kind, Payload: payload}
	s.envelopes[e.ID] = e
	target := s.http
	s.mu.Unlock()

	s.send(e, target)
	return e.ID
}

func (s *Server) send(e envelope, target *httpTarget) {
	if target != nil {
		s.deliverHTTP(target, e)
		return
	}
	s.deliverSocket(e)
}

func (s *Server) newEnvelopeIDLocked() string {
	return fmt.Sprintf("env-%08d", s.nextSeqLocked())
}

// ensureUserLocked adds user with default details unless it exists. The
// caller holds s.mu.
func (s *Server) ensureUserLocked(id string) {
	if _, ok := s.users[id]; !ok {
		name := strings.ToLower(id)
		s.users[id] = User{ID: id, Name: name, RealName: "User " + id, Locale: "en-US"}
	}
}

func messageEvent(channelID, user, text, ts, threadTS string) map[string]any {
	e := map[string]any{
		"client_msg_id": fmt.Sprintf("msg-%s", ts),
		"type":          "message", "text": text, "user": user, "ts": ts,
		"team": TeamID, "channel": channelID, "event_ts": ts,
		"channel_type": channelType(channelID),
	}
	if threadTS != "" {
		e["thread_ts"] = threadTS
	}
	return e
}

func mentionEvent(channelID, user, text, ts, threadTS string) map[string]any {
	e := map[string]any{
		"client_msg_id": fmt.Sprintf("msg-%s", ts),
		"type":          "app_mention", "text": text, "user": user, "ts": ts,
		"team": TeamID, "channel": channelID, "event_ts": ts,
	}
	if threadTS != "" {
		e["thread_ts"] = threadTS
	}
	return e
}

// channelType returns the channel_type of a message event from the
// channel id's prefix: D is a direct message, G a private channel or
// group DM, C a public channel.
func channelType(channelID string) string {
	switch {
	case strings.HasPrefix(channelID, "D"):
		return "im"
	case strings.HasPrefix(channelID, "G"):
		return "group"
	default:
		return "channel"
	}
}

func mustJSON(v any) json.RawMessage {
	raw, err := json.Marshal(v)
	if err != nil {
		panic("slacktest: encode JSON: " + err.Error())
	}
	return raw
}
