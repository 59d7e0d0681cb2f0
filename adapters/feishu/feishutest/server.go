package feishutest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Error codes the fake returns. Codes that the SDK treats specially are
// Feishu's own; the others are the fake's choice and not Feishu's.
const (
	// CodeInvalidToken is Feishu's "invalid tenant access token"; the SDK
	// fetches a new token and retries once.
	CodeInvalidToken = 99991663
	// CodeInvalidCredentials answers a wrong app id or secret.
	CodeInvalidCredentials = 10014
	// CodeInvalidRequest answers a malformed request, such as content
	// that is not a JSON object in a string.
	CodeInvalidRequest = 230001
	// CodeNotUpdatable answers a PATCH of a message that is not a card
	// sent with config.update_multi true.
	CodeNotUpdatable = 230099
)

// Options configure a Server. AppID and AppSecret are required.
type Options struct {
	AppID     string
	AppSecret string
	// VerificationToken goes into every event the server builds.
	VerificationToken string
	// EncryptKey, when set, makes Deliver encrypt and sign HTTP
	// callbacks, as Feishu does for an app with an encrypt key.
	EncryptKey string
}

// Server is a fake Feishu Open Platform for one app. Its methods are safe
// for concurrent use.
type Server struct {
	opts     Options
	srv      *httptest.Server
	upgrader websocket.Upgrader

	mu sync.Mutex
	// changed is closed and replaced on every state change, so waiters can
	// block until something happens.
	changed  chan struct{}
	seq      int
	tokens   map[string]bool
	messages map[string]*Message // by message id
	order    []*Message          // send order
	uuids    map[string]uuidUse
	calls    map[string]int
	conn     *wsConn
	queue    [][]byte
	// frames maps a pushed frame's message_id to what it carried.
	frames map[string]pushedFrame
	acks   []Ack
}

type uuidUse struct {
	message *Message
	at      time.Time
}

// NewServer starts a fake Feishu on 127.0.0.1 for the app in opts and
// closes it when the test ends.
func NewServer(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.AppID == "" || opts.AppSecret == "" {
		t.Fatal("feishutest: Options.AppID and Options.AppSecret are required")
	}
	s := &Server{
		opts:     opts,
		changed:  make(chan struct{}),
		tokens:   make(map[string]bool),
		messages: make(map[string]*Message),
		uuids:    make(map[string]uuidUse),
		calls:    make(map[string]int),
		frames:   make(map[string]pushedFrame),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /open-apis/auth/v3/tenant_access_token/internal", s.tenantAccessToken)
	mux.HandleFunc("POST /open-apis/im/v1/messages", s.sendMessage)
	mux.HandleFunc("PATCH /open-apis/im/v1/messages/{id}", s.patchMessage)
	mux.HandleFunc("POST /callback/ws/endpoint", s.wsEndpoint)
	mux.HandleFunc("GET /ws", s.serveWS)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.close)
	return s
}

// URL returns the server's base URL, for Config.Domain.
func (s *Server) URL() string { return s.srv.URL }

// Calls returns how many requests the server received for an operation:
// "token", "send", "patch" or "endpoint".
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

func (s *Server) close() {
	s.mu.Lock()
	conn := s.conn
	s.conn = nil
	s.mu.Unlock()
	if conn != nil {
		conn.close()
	}
	s.srv.Close()
}

// countLocked counts a call of op and wakes waiters. The caller holds s.mu.
func (s *Server) countLocked(op string) {
	s.calls[op]++
	s.notifyLocked()
}

// notifyLocked wakes every waiter. The caller holds s.mu.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// nextIDLocked returns prefix followed by a new sequence number.
func (s *Server) nextIDLocked(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%d", prefix, s.seq)
}

// wait calls cond under s.mu until it returns true, failing the test
// after timeout.
func (s *Server) wait(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ok := cond()
		changed := s.changed
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("feishutest: timed out after %v waiting for %s", timeout, what)
		}
	}
}

// tenantAccessToken answers with the flat {code, msg,
// tenant_access_token, expire} object, without a data envelope.
func (s *Server) tenantAccessToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AppID     string `json:"app_id"`
		AppSecret string `json:"app_secret"`
	}
	_ = json.NewDecoder(r.Body).Decode(&req) // empty fields are rejected below

	s.mu.Lock()
	defer s.mu.Unlock()
	s.countLocked("token")
	if req.AppID != s.opts.AppID || req.AppSecret != s.opts.AppSecret {
		writeJSON(w, map[string]any{"code": CodeInvalidCredentials, "msg": "app secret invalid"})
		return
	}
	token := s.nextIDLocked("t-" + s.opts.AppID + "-")
	s.tokens[token] = true
	writeJSON(w, map[string]any{
		"code": 0, "msg": "ok", "tenant_access_token": token, "expire": 7200,
	})
}

// authorizedLocked reports whether r carries a token the server issued.
// The caller holds s.mu.
func (s *Server) authorizedLocked(r *http.Request) bool {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && s.tokens[token]
}

// writeJSON writes v with status 200, as Feishu does for business errors.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if err := json.NewEncoder(w).Encode(v); err != nil {
		panic(fmt.Sprintf("feishutest: encode response: %v", err))
	}
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, map[string]any{"code": code, "msg": msg})
}

// appIDs numbers the app ids that AppID returns.
var appIDs atomic.Int64

// AppID returns an app id for t that no other test in the process uses,
// even when tests repeat with -count. The SDK caches tenant tokens per
// app id for the whole process and (v3.13.0) keeps using a cached token
// that a new fake server never issued, so tests must not share app ids.
func AppID(t testing.TB) string {
	name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
	return fmt.Sprintf("cli_%s_%d", name, appIDs.Add(1))
}
