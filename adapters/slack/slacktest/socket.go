package slacktest

import (
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// slackOrigin is the Origin header slack-go sends when it dials the
// Socket Mode URL.
const slackOrigin = "https://api.slack.com"

// writeTimeout bounds every WebSocket write.
const writeTimeout = 5 * time.Second

// Ack is an acknowledgement the client sent for an envelope.
type Ack struct {
	EnvelopeID string
	// Payload is the ack's payload, or nil when it had none.
	Payload json.RawMessage
	// Received is when the server read the ack.
	Received time.Time
}

// envelope is one Socket Mode request.
type envelope struct {
	ID           string
	Type         string // "events_api" or "interactive"
	Payload      json.RawMessage
	RetryAttempt int
	RetryReason  string
	// Sent is when the envelope was written to a client, zero while it
	// waits for a connection.
	Sent time.Time
}

func (e envelope) frame() []byte {
	raw, err := json.Marshal(map[string]any{
		"type":                     e.Type,
		"envelope_id":              e.ID,
		"payload":                  e.Payload,
		"accepts_response_payload": e.Type == "interactive",
		"retry_attempt":            e.RetryAttempt,
		"retry_reason":             e.RetryReason,
	})
	if err != nil {
		panic("slacktest: encode envelope: " + err.Error())
	}
	return raw
}

// socketConn is one client connection. Writes are serialized by mu,
// because gorilla/websocket allows one writer at a time.
type socketConn struct {
	ws   *websocket.Conn
	mu   sync.Mutex
	done chan struct{}
}

func (c *socketConn) write(frame []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.ws.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return err
	}
	return c.ws.WriteMessage(websocket.TextMessage, frame)
}

var upgrader = websocket.Upgrader{
	// slack-go dials with Origin https://api.slack.com, which differs from
	// the fake's host, so the default same-origin check would reject it.
	CheckOrigin: func(r *http.Request) bool {
		origin := r.Header.Get("Origin")
		return origin == "" || origin == slackOrigin
	},
}

// serveSocket upgrades a Socket Mode connection, sends hello and the
// envelopes waiting for a client, then reads acks until the client goes.
// A new connection replaces the previous one.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has written the error response
	}
	c := &socketConn{ws: ws, done: make(chan struct{})}
	defer func() {
		close(c.done)
		ws.Close()
		s.mu.Lock()
		if s.conn == c {
			s.conn = nil
		}
		s.mu.Unlock()
	}()

	hello, _ := json.Marshal(map[string]any{
		"type": "hello", "num_connections": 1,
		"connection_info": map[string]any{"app_id": AppID},
		"debug_info": map[string]any{
			"host": "fake", "approximate_connection_time": 18060,
		},
	})
	if c.write(hello) != nil {
		return
	}

	s.mu.Lock()
	previous := s.conn
	s.conn = c
	pending := s.pending
	s.pending = nil
	s.mu.Unlock()
	if previous != nil {
		previous.ws.Close()
	}
	for _, e := range pending {
		s.deliverSocket(e)
	}

	go s.ping(c)
	s.readAcks(c)
}

// ping sends a WebSocket ping every PingInterval until c closes.
func (s *Server) ping(c *socketConn) {
	interval := s.PingInterval
	if interval <= 0 {
		interval = DefaultPingInterval
	}
	// The first ping goes out at once, so a client that checks for pings
	// soon after connecting finds one.
	for {
		err := c.ws.WriteControl(websocket.PingMessage, []byte("ping"),
			time.Now().Add(writeTimeout))
		if err != nil {
			return
		}
		select {
		case <-c.done:
			return
		case <-time.After(interval):
		}
	}
}

// readAcks records every acknowledgement until the connection fails.
func (s *Server) readAcks(c *socketConn) {
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(data, &ack) != nil || ack.EnvelopeID == "" {
			continue
		}
		s.mu.Lock()
		s.acks = append(s.acks, Ack{
			EnvelopeID: ack.EnvelopeID, Payload: ack.Payload, Received: time.Now(),
		})
		s.notifyLocked()
		s.mu.Unlock()
	}
}

// deliverSocket writes e to the connected client, or queues it for the
// next connection.
func (s *Server) deliverSocket(e envelope) {
	s.mu.Lock()
	c := s.conn
	if c == nil {
		s.pending = append(s.pending, e)
		s.mu.Unlock()
		return
	}
	e.Sent = time.Now()
	s.mu.Unlock()

	if err := c.write(e.frame()); err != nil {
		s.mu.Lock()
		s.pending = append(s.pending, e)
		s.mu.Unlock()
	}
}

// closeSocket closes the client connection, if there is one.
func (s *Server) closeSocket() {
	s.mu.Lock()
	c := s.conn
	s.conn = nil
	s.mu.Unlock()
	if c != nil {
		c.ws.Close()
	}
}

// Connected reports whether a Socket Mode client is connected.
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn != nil
}

// Acks returns the acknowledgements received so far, oldest first.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.acks)
}

// WaitAck waits for the acknowledgement of envelopeID and returns it. It
// fails the test if timeout passes first.
func (s *Server) WaitAck(t testing.TB, envelopeID string, timeout time.Duration) Ack {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		changed := s.changed
		for _, a := range s.acks {
			if a.EnvelopeID == envelopeID {
				s.mu.Unlock()
				return a
			}
		}
		s.mu.Unlock()

		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("envelope %s not acknowledged within %v", envelopeID, timeout)
			return Ack{}
		}
	}
}
