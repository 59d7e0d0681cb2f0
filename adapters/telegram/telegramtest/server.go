package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Bot is the user that getMe returns for every fake server.
var Bot = User{ID: 7000001, FirstName: "crmbot", UserName: "crmbot_test_bot"}

// User is a Telegram user as it appears in updates and in getMe.
type User struct {
	ID        int64
	FirstName string
	UserName  string
	// LanguageCode is the IETF language tag of the user's client, such as
	// "en" or "zh-hans". Empty omits the field.
	LanguageCode string
}

// Server is a fake Telegram Bot API server for one bot token. Its methods
// are safe for concurrent use.
type Server struct {
	token string
	srv   *httptest.Server
	// done is closed when the server shuts down, to release long polls.
	done chan struct{}

	mu sync.Mutex
	// changed is closed and replaced on every state change, so waiters can
	// block until something happens.
	changed      chan struct{}
	lastUpdateID int
	lastQueryID  int
	queue        []queuedUpdate
	// delivered keeps every queued update's JSON by update_id for Redeliver.
	delivered map[int]string
	chats     map[int64]*chat
	// queries maps each issued callback query id to whether it was answered.
	queries  map[string]bool
	answers  int
	calls    map[string]int
	failures map[string][]failure
}

type failure struct {
	code        int
	description string
	retryAfter  int
}

// NewServer starts a fake Bot API on 127.0.0.1 that accepts token, and
// closes it when the test ends.
func NewServer(t testing.TB, token string) *Server {
	t.Helper()
	s := &Server{
		token:     token,
		done:      make(chan struct{}),
		changed:   make(chan struct{}),
		delivered: make(map[int]string),
		chats:     make(map[int64]*chat),
		queries:   make(map[string]bool),
		calls:     make(map[string]int),
		failures:  make(map[string][]failure),
		// Real update ids are large and increase by one per update.
		lastUpdateID: 100000,
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	t.Cleanup(func() {
		close(s.done)
		s.srv.Close()
	})
	return s
}

// Endpoint returns the API endpoint format string for this server, with %s
// verbs for the token and the method, as Config.APIEndpoint and
// tgbotapi.NewBotAPIWithAPIEndpoint expect.
func (s *Server) Endpoint() string {
	return s.srv.URL + "/bot%s/%s"
}

// FailNext makes the next call of method fail with the HTTP status and
// error_code code and the given description, such as
// "Forbidden: bot was blocked by the user". A retryAfter above zero adds
// parameters.retry_after in seconds, as Telegram does with 429. Several
// calls queue several failures, used in order.
func (s *Server) FailNext(method string, code int, description string, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := failure{code: code, description: description, retryAfter: retryAfter}
	s.failures[method] = append(s.failures[method], f)
}

// Calls returns how many requests for method the server has received,
// including failed ones.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// CallbackAnswers returns how many callback queries were answered with
// answerCallbackQuery. Rejected answers, such as a second answer to the
// same query, are not counted.
func (s *Server) CallbackAnswers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.answers
}

// apiError is a Bot API error response.
type apiError struct {
	code        int
	description string
	retryAfter  int
}

func badRequest(description string) *apiError {
	return &apiError{code: http.StatusBadRequest, description: "Bad Request: " + description}
}

// serveHTTP routes /bot<token>/<method> to the method's handler.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	token, method, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/bot"), "/")
	if !ok || !strings.HasPrefix(r.URL.Path, "/bot") {
		writeError(w, &apiError{code: http.StatusNotFound, description: "Not Found"})
		return
	}
	if token != s.token {
		writeError(w, &apiError{code: http.StatusUnauthorized, description: "Unauthorized"})
		return
	}
	if err := r.ParseForm(); err != nil {
		writeError(w, badRequest("invalid request body"))
		return
	}

	if f, failed := s.takeFailure(method); failed {
		writeError(w, &apiError{code: f.code, description: f.description, retryAfter: f.retryAfter})
		return
	}

	var result any
	var apiErr *apiError
	switch method {
	case "getMe":
		result = userJSON(Bot, true)
	case "getUpdates":
		result, apiErr = s.getUpdates(r)
	case "sendMessage":
		result, apiErr = s.sendMessage(r.Form)
	case "editMessageText":
		result, apiErr = s.editMessageText(r.Form)
	case "answerCallbackQuery":
		result, apiErr = s.answerCallbackQuery(r.Form)
	default:
		apiErr = &apiError{code: http.StatusNotFound, description: "Not Found"}
	}
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	writeResult(w, result)
}

// takeFailure counts a call of method and pops the failure queued for it.
func (s *Server) takeFailure(method string) (failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[method]++
	s.notifyLocked()

	queued := s.failures[method]
	if len(queued) == 0 {
		return failure{}, false
	}
	s.failures[method] = queued[1:]
	return queued[0], true
}

// notifyLocked wakes every waiter. The caller holds s.mu.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func writeResult(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	body := map[string]any{"ok": true, "result": result}
	if err := json.NewEncoder(w).Encode(body); err != nil {
		panic(fmt.Sprintf("telegramtest: encode response: %v", err))
	}
}

func writeError(w http.ResponseWriter, e *apiError) {
	body := map[string]any{
		"ok":          false,
		"error_code":  e.code,
		"description": e.description,
	}
	if e.retryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": e.retryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.code)
	if err := json.NewEncoder(w).Encode(body); err != nil {
		panic(fmt.Sprintf("telegramtest: encode error response: %v", err))
	}
}

func userJSON(u User, isBot bool) map[string]any {
	m := map[string]any{"id": u.ID, "is_bot": isBot, "first_name": u.FirstName}
	if u.UserName != "" {
		m["username"] = u.UserName
	}
	if u.LanguageCode != "" {
		m["language_code"] = u.LanguageCode
	}
	return m
}
