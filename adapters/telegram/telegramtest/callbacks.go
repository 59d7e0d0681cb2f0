package telegramtest

import "net/url"

// answerCallbackQuery accepts the first answer to each callback query the
// server issued. Telegram rejects a second answer, or an answer to an
// unknown id, as too old.
func (s *Server) answerCallbackQuery(form url.Values) (any, *apiError) {
	id := form.Get("callback_query_id")

	s.mu.Lock()
	defer s.mu.Unlock()
	answered, issued := s.queries[id]
	if !issued || answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	s.queries[id] = true
	s.answers++
	s.notifyLocked()
	return true, nil
}
