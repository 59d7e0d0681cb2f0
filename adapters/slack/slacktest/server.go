package slacktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Credentials and ids of the fake workspace and its bot.
const (
	BotToken      = "xoxb-1-fake-bot-token"
	AppToken      = "xapp-1-fake-app-token"
	SigningSecret = "fake-signing-secret"
	TeamID        = "T0FAKE"
	AppID         = "A0FAKE"
	BotUserID     = "U0BOT"
	BotID         = "B0BOT"
)

// DefaultPingInterval is the time between the WebSocket pings the server
// sends. slack-go drops a connection after 30 seconds without a ping.
const DefaultPingInterval = 5 * time.Second

// User is a workspace member as users.info returns it.
type User struct {
	ID       string
	Name     string
	RealName string
	// Locale is the IETF language tag of the user's Slack client, such as
	// "en-US" or "zh-CN". users.info returns it only when the request sets
	// include_locale.
	Locale string
}

// Server is a fake Slack for one workspace and one bot. Its methods are
// safe for concurrent use.
type Server struct {
	srv *httptest.Server
	// PingInterval is the time between WebSocket pings. Set it before the
	// client connects. Zero means DefaultPingInterval.
	PingInterval time.Duration

	mu sync.Mutex
	// changed is closed and replaced on every state change, so waiters can
	// block until something happens.
	changed   chan struct{}
	baseTime  int64
	lastSeq   int
	users     map[string]User
	channels  map[string]*channel
	envelopes map[string]envelope
	pending   []envelope
	conn      *socketConn
	acks      []Ack
	calls     map[string]int
	failures  map[string][]failure
	http      *httpTarget
	responses []Response
}

type failure struct {
	status     int
	err        string
	retryAfter int
}

// NewServer starts a fake Slack on 127.0.0.1 and closes it when the test
// ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		changed:   make(chan struct{}),
		baseTime:  time.Now().Unix(),
		users:     make(map[string]User),
		channels:  make(map[string]*channel),
		envelopes: make(map[string]envelope),
		calls:     make(map[string]int),
		failures:  make(map[string][]failure),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveAPI)
	mux.HandleFunc("/link/", s.serveSocket)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		s.closeSocket()
		s.srv.Close()
	})
	return s
}

// APIURL returns the Web API base URL, ending in "/", as
// slack.OptionAPIURL expects.
func (s *Server) APIURL() string {
	return s.srv.URL + "/api/"
}

// AddUser adds or replaces a workspace member. Users that act in SendDM,
// Mention, ThreadReply or Click without being added are added with the
// locale "en-US".
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// FailNext makes the next call of method fail. A status of 429 sends the
// rate-limit response, with a Retry-After header of retryAfter seconds
// when retryAfter is above zero. Any other status sends the envelope
// {"ok":false,"error":slackErr} with that status. Several calls queue
// several failures, used in order.
func (s *Server) FailNext(method string, status int, slackErr string, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := failure{status: status, err: slackErr, retryAfter: retryAfter}
	s.failures[method] = append(s.failures[method], f)
}

// Calls returns how many requests for method the server has received,
// including failed ones.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// serveAPI routes /api/<method> to the method's handler.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	if r.Method != http.MethodPost {
		writeError(w, "invalid_request")
		return
	}
	if f, failed := s.takeFailure(method); failed {
		writeFailure(w, f)
		return
	}

	if method == "apps.connections.open" {
		s.openConnection(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		writeError(w, "invalid_form_data")
		return
	}
	if r.PostForm.Get("token") != BotToken {
		writeError(w, "invalid_auth")
		return
	}

	var result map[string]any
	var errCode string
	switch method {
	case "auth.test":
		result = map[string]any{
			"url": "https://fake.slack.test/", "team": "Fake", "user": "crmbot",
			"team_id": TeamID, "user_id": BotUserID, "bot_id": BotID,
		}
	case "users.info":
		result, errCode = s.usersInfo(r.PostForm)
	case "chat.postMessage":
		result, errCode = s.postMessage(r.PostForm)
	case "chat.update":
		result, errCode = s.updateMessage(r.PostForm)
	default:
		errCode = "unknown_method"
	}
	if errCode != "" {
		writeError(w, errCode)
		return
	}
	writeOK(w, result)
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

func (s *Server) usersInfo(form map[string][]string) (map[string]any, string) {
	id := first(form["user"])
	s.mu.Lock()
	u, ok := s.users[id]
	s.mu.Unlock()
	if !ok {
		return nil, "user_not_found"
	}

	user := map[string]any{
		"id": u.ID, "team_id": TeamID, "name": u.Name, "real_name": u.RealName,
		"profile": map[string]any{"real_name": u.RealName, "display_name": u.Name},
	}
	if first(form["include_locale"]) == "true" && u.Locale != "" {
		user["locale"] = u.Locale
	}
	return map[string]any{"user": user}, ""
}

// openConnection serves apps.connections.open, which slack-go sends as a
// JSON POST with the app-level token as a bearer token.
func (s *Server) openConnection(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+AppToken {
		writeError(w, "invalid_auth")
		return
	}
	s.mu.Lock()
	ticket := s.nextSeqLocked()
	s.mu.Unlock()

	url := "ws" + strings.TrimPrefix(s.srv.URL, "http") +
		"/link/?ticket=" + strconv.Itoa(ticket) + "&app_id=" + AppID
	writeOK(w, map[string]any{"url": url})
}

// nextSeqLocked returns a number that is new on this server. The caller
// holds s.mu.
func (s *Server) nextSeqLocked() int {
	s.lastSeq++
	return s.lastSeq
}

// nextTSLocked returns a new message timestamp in Slack's format, seconds
// and six digits, increasing with every call. The caller holds s.mu.
func (s *Server) nextTSLocked() string {
	seq := s.nextSeqLocked()
	return fmt.Sprintf("%d.%06d", s.baseTime+int64(seq/1000000), seq%1000000)
}

// notifyLocked wakes every waiter. The caller holds s.mu.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func writeOK(w http.ResponseWriter, result map[string]any) {
	body := map[string]any{"ok": true}
	for k, v := range result {
		body[k] = v
	}
	writeJSON(w, http.StatusOK, body)
}

func writeError(w http.ResponseWriter, code string) {
	writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": code})
}

func writeFailure(w http.ResponseWriter, f failure) {
	if f.status == http.StatusTooManyRequests {
		if f.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
		}
		writeJSON(w, f.status, map[string]any{"ok": false, "error": "ratelimited"})
		return
	}
	writeJSON(w, f.status, map[string]any{"ok": false, "error": f.err})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(body); err != nil {
		panic(fmt.Sprintf("slacktest: encode response: %v", err))
	}
}

func first(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}
