package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// maxUpdatesPerCall is the Bot API's default and maximum getUpdates limit.
const maxUpdatesPerCall = 100

// queuedUpdate is an update waiting for the bot to confirm it.
type queuedUpdate struct {
	id   int
	json string
	// redelivery marks a copy queued by Redeliver. It is served once even
	// if the bot has already confirmed its update_id.
	redelivery bool
	served     bool
}

// SendText queues a text message from user userID in the private chat
// chatID and returns its update_id. The user's language_code is "en".
func (s *Server) SendText(chatID, userID int64, text string) (updateID int) {
	s.mu.Lock()
	defer s.mu.Unlock()

	c := s.chatLocked(chatID)
	c.lastMessageID++
	c.userMessages[c.lastMessageID] = true
	from := User{ID: userID, FirstName: "Test", UserName: "test_user", LanguageCode: "en"}
	msg := map[string]any{
		"message_id": c.lastMessageID,
		"from":       userJSON(from, false),
		"chat":       privateChatJSON(chatID),
		"date":       time.Now().Unix(),
		"text":       text,
	}
	return s.queueLocked(map[string]any{"message": msg})
}

// Click queues a callback_query from user userID who pressed a button
// carrying data under the bot message messageID in chat chatID, and returns
// its update_id. The query's message is the bot message as it is now, or a
// bare message with that id if the server never sent it. Each click
// gets a new callback query id, which the bot may answer once.
func (s *Server) Click(chatID, userID int64, messageID int, data string) (updateID int) {
	s.mu.Lock()
	defer s.mu.Unlock()

	msg := map[string]any{
		"message_id": messageID,
		"from":       userJSON(Bot, true),
		"chat":       privateChatJSON(chatID),
		"date":       time.Now().Unix(),
	}
	if m := s.chatLocked(chatID).find(messageID); m != nil {
		msg["text"] = m.Text
		if len(m.Buttons) > 0 {
			msg["reply_markup"] = keyboardJSON(m.Buttons)
		}
	}

	s.lastQueryID++
	queryID := strconv.Itoa(4000000000 + s.lastQueryID)
	s.queries[queryID] = false
	query := map[string]any{
		"id":            queryID,
		"from":          userJSON(User{ID: userID, FirstName: "Test", LanguageCode: "en"}, false),
		"message":       msg,
		"chat_instance": fmt.Sprintf("instance-%d", chatID),
		"data":          data,
	}
	return s.queueLocked(map[string]any{"callback_query": query})
}

// QueueRaw queues an update given as JSON, such as an edited_message or a
// callback_query without a message. It panics unless the JSON is an object
// with a positive update_id. Updates queued later get higher ids, and the
// id of a callback_query in the JSON becomes answerable.
func (s *Server) QueueRaw(updateJSON string) {
	var head struct {
		UpdateID      int `json:"update_id"`
		CallbackQuery *struct {
			ID string `json:"id"`
		} `json:"callback_query"`
	}
	if err := json.Unmarshal([]byte(updateJSON), &head); err != nil {
		panic(fmt.Sprintf("telegramtest: QueueRaw: invalid update JSON: %v", err))
	}
	if head.UpdateID <= 0 {
		panic("telegramtest: QueueRaw: update_id is missing or not positive")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if head.CallbackQuery != nil && head.CallbackQuery.ID != "" {
		s.queries[head.CallbackQuery.ID] = false
	}
	s.lastUpdateID = max(s.lastUpdateID, head.UpdateID)
	s.delivered[head.UpdateID] = updateJSON
	s.queue = append(s.queue, queuedUpdate{id: head.UpdateID, json: updateJSON})
	s.notifyLocked()
}

// Redeliver queues the update updateID again with the same update_id, as
// Telegram does when a confirmation is lost. The copy is served on the
// next getUpdates even if the bot has already confirmed that id.
func (s *Server) Redeliver(updateID int) {
	s.mu.Lock()
	defer s.mu.Unlock()

	raw, ok := s.delivered[updateID]
	if !ok {
		panic(fmt.Sprintf("telegramtest: Redeliver: update %d was never queued", updateID))
	}
	s.queue = append(s.queue, queuedUpdate{id: updateID, json: raw, redelivery: true})
	s.notifyLocked()
}

// queueLocked assigns the next update_id to the update body and queues it.
// The caller holds s.mu.
func (s *Server) queueLocked(body map[string]any) int {
	s.lastUpdateID++
	body["update_id"] = s.lastUpdateID
	raw, err := json.Marshal(body)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: encode update: %v", err))
	}
	s.delivered[s.lastUpdateID] = string(raw)
	s.queue = append(s.queue, queuedUpdate{id: s.lastUpdateID, json: string(raw)})
	s.notifyLocked()
	return s.lastUpdateID
}

// getUpdates serves a long poll. It confirms the updates below offset,
// then returns the pending ones at once or waits up to timeout seconds for
// one to be queued.
func (s *Server) getUpdates(r *http.Request) (any, *apiError) {
	offset, err := intParam(r.Form.Get("offset"), 0)
	if err != nil {
		return nil, badRequest("invalid offset")
	}
	limit, err := intParam(r.Form.Get("limit"), maxUpdatesPerCall)
	if err != nil || limit < 1 || limit > maxUpdatesPerCall {
		limit = maxUpdatesPerCall
	}
	timeout, err := intParam(r.Form.Get("timeout"), 0)
	if err != nil || timeout < 0 {
		return nil, badRequest("invalid timeout")
	}

	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		s.confirmLocked(offset)
		batch := s.takeBatchLocked(limit)
		changed := s.changed
		s.mu.Unlock()

		if len(batch) > 0 || timeout == 0 {
			return batch, nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return []json.RawMessage{}, nil
		case <-s.done:
			return []json.RawMessage{}, nil
		case <-r.Context().Done():
			return nil, &apiError{code: http.StatusGatewayTimeout, description: "request cancelled"}
		}
	}
}

// confirmLocked drops the updates below offset, keeping redelivered
// copies that have not been served yet. An offset of zero or less confirms
// nothing. (The Bot API reads a negative offset as counting from the end
// of the queue, which this fake does not model.)
func (s *Server) confirmLocked(offset int) {
	if offset <= 0 {
		return
	}
	kept := s.queue[:0]
	for _, u := range s.queue {
		if u.id >= offset || (u.redelivery && !u.served) {
			kept = append(kept, u)
		}
	}
	s.queue = kept
}

// takeBatchLocked returns up to limit queued updates in queue order and
// marks them served. They stay queued until an offset confirms them.
func (s *Server) takeBatchLocked(limit int) []json.RawMessage {
	batch := []json.RawMessage{}
	for i := range s.queue {
		if len(batch) == limit {
			break
		}
		s.queue[i].served = true
		batch = append(batch, json.RawMessage(s.queue[i].json))
	}
	return batch
}

func intParam(value string, fallback int) (int, error) {
	if value == "" {
		return fallback, nil
	}
	return strconv.Atoi(value)
}

func privateChatJSON(chatID int64) map[string]any {
	return map[string]any{"id": chatID, "type": "private", "first_name": "Test"}
}
