package feishutest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	larkws "github.com/larksuite/oapi-sdk-go/v3/ws"
)

// serviceID is the service_id of the long-connection URL. The client
// puts it into every ping frame.
const serviceID = 7

// clientConfig is sent with the endpoint and with every pong. All four
// fields are set: the SDK (v3.13.0) takes a zero PingInterval as "ping
// without pause" and a zero ReconnectCount as "never reconnect".
var clientConfig = larkws.ClientConfig{
	ReconnectCount:    3,
	ReconnectInterval: 1,
	ReconnectNonce:    1,
	PingInterval:      60,
}

// Ack is the client's acknowledgement of a pushed event.
type Ack struct {
	EventID string
	// Code is the acknowledgement's code: 200 when the handler succeeded,
	// 500 when the SDK or the handler failed.
	Code int
	// Answer is the card callback answer the acknowledgement carried, or
	// nil.
	Answer *Answer
}

// Answer is a card callback answer: {"toast": {...}, "card": {...}}.
type Answer struct {
	ToastType string
	Toast     string
	// Card is the card.data JSON that replaces the clicked card, or nil.
	Card json.RawMessage
}

type pushedFrame struct {
	eventID   string
	messageID string
	isClick   bool
}

// wsConn is one long connection from the client.
type wsConn struct {
	mu   sync.Mutex // serializes writes
	conn *websocket.Conn
}

func (c *wsConn) write(f *larkws.Frame) error {
	b, err := f.Marshal()
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conn.WriteMessage(websocket.BinaryMessage, b)
}

func (c *wsConn) close() { _ = c.conn.Close() }

// wsEndpoint implements POST /callback/ws/endpoint: it checks the app
// credentials and returns the WebSocket URL with its device_id and
// numeric service_id.
func (s *Server) wsEndpoint(w http.ResponseWriter, r *http.Request) {
	var req larkws.BootstrapRequest
	_ = json.NewDecoder(r.Body).Decode(&req) // empty fields are rejected below

	s.mu.Lock()
	defer s.mu.Unlock()
	s.countLocked("endpoint")
	if req.AppID != s.opts.AppID || req.AppSecret != s.opts.AppSecret {
		writeError(w, CodeInvalidCredentials, "app id or secret invalid")
		return
	}
	wsURL := "ws://" + r.Host + "/ws?device_id=dev-test&service_id=" + strconv.Itoa(serviceID)
	writeJSON(w, larkws.EndpointResp{
		Code: 0,
		Data: &larkws.Endpoint{Url: wsURL, ClientConfig: &clientConfig},
	})
}

// serveWS accepts the long connection, sends the frames queued while no
// client was connected, and reads the client's frames until it leaves.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	conn, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has already written the error response
	}
	c := &wsConn{conn: conn}

	s.mu.Lock()
	old := s.conn
	s.conn = c
	queued := s.queue
	s.queue = nil
	s.countLocked("connect")
	s.mu.Unlock()
	if old != nil {
		old.close()
	}
	for _, payload := range queued {
		s.writeFrame(c, payload)
	}

	defer func() {
		s.mu.Lock()
		if s.conn == c {
			s.conn = nil
		}
		s.mu.Unlock()
		c.close()
	}()
	for {
		kind, data, err := conn.ReadMessage()
		if err != nil {
			return
		}
		var f larkws.Frame
		if kind != websocket.BinaryMessage || f.Unmarshal(data) != nil {
			continue
		}
		s.readFrame(c, f)
	}
}

// readFrame answers a ping with a pong and records an acknowledgement.
func (s *Server) readFrame(c *wsConn, f larkws.Frame) {
	headers := larkws.Headers(f.Headers)
	if larkws.FrameType(f.Method) == larkws.FrameTypeControl {
		if headers.GetString(larkws.HeaderType) != string(larkws.MessageTypePing) {
			return
		}
		s.mu.Lock()
		s.countLocked("ping")
		s.mu.Unlock()
		config, _ := json.Marshal(clientConfig) // a struct of ints always encodes
		pong := &larkws.Frame{
			Method:  int32(larkws.FrameTypeControl),
			Service: f.Service,
			Headers: []larkws.Header{{Key: larkws.HeaderType, Value: string(larkws.MessageTypePong)}},
			Payload: config,
		}
		_ = c.write(pong) // a failed write ends the read loop too
		return
	}
	s.recordAck(headers.GetString(larkws.HeaderMessageID), f.Payload)
}

// recordAck stores the acknowledgement of frame frameID and, for a click
// answered with a card, replaces the card as Feishu does.
func (s *Server) recordAck(frameID string, payload []byte) {
	var resp larkws.Response
	if err := json.Unmarshal(payload, &resp); err != nil {
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	pushed, ok := s.frames[frameID]
	if !ok {
		return
	}
	ack := Ack{EventID: pushed.eventID, Code: resp.StatusCode}
	if len(resp.Data) > 0 {
		ack.Answer = decodeAnswer(resp.Data)
	}
	s.acks = append(s.acks, ack)
	if pushed.isClick && ack.Answer != nil && ack.Answer.Card != nil {
		if m, ok := s.messages[pushed.messageID]; ok {
			s.replaceCardLocked(m, string(ack.Answer.Card))
		}
	}
	s.notifyLocked()
}

func decodeAnswer(data []byte) *Answer {
	var body struct {
		Toast *struct {
			Type    string `json:"type"`
			Content string `json:"content"`
		} `json:"toast"`
		Card *struct {
			Type string          `json:"type"`
			Data json.RawMessage `json:"data"`
		} `json:"card"`
	}
	if json.Unmarshal(data, &body) != nil {
		return nil
	}
	var a Answer
	if body.Toast != nil {
		a.ToastType, a.Toast = body.Toast.Type, body.Toast.Content
	}
	if body.Card != nil {
		a.Card = body.Card.Data
	}
	return &a
}

// Push sends ev to the connected client as a type=event data frame, or
// queues it until a client connects. Card actions go as type=event too:
// the SDK (v3.13.0) drops frames of type card.
func (s *Server) Push(ev Event) {
	s.mu.Lock()
	frameID := s.nextIDLocked("frame_")
	s.frames[frameID] = pushedFrame{
		eventID: ev.ID, messageID: ev.MessageID, isClick: ev.Type == "card.action.trigger",
	}
	f := &larkws.Frame{
		SeqID:   uint64(s.seq),
		LogID:   uint64(s.seq),
		Service: serviceID,
		Method:  int32(larkws.FrameTypeData),
		Headers: []larkws.Header{
			{Key: larkws.HeaderType, Value: string(larkws.MessageTypeEvent)},
			{Key: larkws.HeaderMessageID, Value: frameID},
			{Key: larkws.HeaderSum, Value: "1"},
			{Key: larkws.HeaderSeq, Value: "0"},
			{Key: larkws.HeaderTraceID, Value: "trace-" + frameID},
			{Key: larkws.HeaderTimestamp, Value: strconv.FormatInt(time.Now().UnixMilli(), 10)},
		},
		Payload: ev.JSON(),
	}
	payload, err := f.Marshal()
	if err != nil {
		s.mu.Unlock()
		panic("feishutest: encode frame: " + err.Error())
	}
	c := s.conn
	if c == nil {
		s.queue = append(s.queue, payload)
	}
	s.mu.Unlock()

	if c != nil {
		s.writeFrame(c, payload)
	}
}

func (s *Server) writeFrame(c *wsConn, payload []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.conn.WriteMessage(websocket.BinaryMessage, payload) // the client reconnects on failure
}

// SendP2P pushes a text message from user openID in their private chat.
func (s *Server) SendP2P(openID, text string) Event {
	ev := s.NewP2P(openID, text)
	s.Push(ev)
	return ev
}

// MentionInGroup pushes a group message from openID in chatID that
// mentions the bot first.
func (s *Server) MentionInGroup(chatID, openID, text string) Event {
	ev := s.NewMention(chatID, openID, text)
	s.Push(ev)
	return ev
}

// Click pushes a click by openID on a button with value under the bot's
// message messageID.
func (s *Server) Click(messageID string, value any, openID string) Event {
	ev := s.NewClick(messageID, value, openID)
	s.Push(ev)
	return ev
}

// Redeliver pushes ev again with a new event_id and returns the copy.
func (s *Server) Redeliver(ev Event) Event {
	again := s.WithNewID(ev)
	s.Push(again)
	return again
}

// Acks returns the acknowledgements received so far, in order.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ack(nil), s.acks...)
}

// WaitAck waits for the acknowledgement of ev and returns it.
func (s *Server) WaitAck(t testing.TB, ev Event, timeout time.Duration) Ack {
	t.Helper()
	var found Ack
	s.wait(t, "the acknowledgement of "+ev.ID, timeout, func() bool {
		for _, a := range s.acks {
			if a.EventID == ev.ID {
				found = a
				return true
			}
		}
		return false
	})
	return found
}

// WaitConnected waits until a client holds the long connection.
func (s *Server) WaitConnected(t testing.TB, timeout time.Duration) {
	t.Helper()
	s.wait(t, "a long connection", timeout, func() bool { return s.conn != nil })
}
