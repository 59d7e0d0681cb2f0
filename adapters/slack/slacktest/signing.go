package slacktest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// Paths of the bot's HTTP endpoints that DeliverHTTP posts to.
const (
	EventsPath       = "/slack/events"
	InteractionsPath = "/slack/interactions"
)

// httpTimeout bounds each HTTP delivery. Slack itself waits 3 seconds.
const httpTimeout = 10 * time.Second

// httpTarget is the bot's base URL and signing secret for HTTP delivery.
type httpTarget struct {
	baseURL string
	secret  string
	client  *http.Client
}

// Response is the bot's HTTP response to one delivery.
type Response struct {
	EnvelopeID string
	Path       string
	// Status is the HTTP status, or 0 when the request failed.
	Status int
	Body   string
	// Elapsed is the time from sending the request to reading the response.
	Elapsed time.Duration
}

// DeliverHTTP makes later events go to baseURL + EventsPath and clicks to
// baseURL + InteractionsPath, as Events API and interactivity requests
// signed with secret, instead of over Socket Mode. Each delivery waits for
// the bot's response, which Responses returns.
func (s *Server) DeliverHTTP(baseURL, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.http = &httpTarget{baseURL: baseURL, secret: secret, client: &http.Client{Timeout: httpTimeout}}
}

// Responses returns the bot's answers to HTTP deliveries, oldest first.
func (s *Server) Responses() []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.responses)
}

// deliverHTTP posts e to the bot, signed, and records the answer.
func (s *Server) deliverHTTP(target *httpTarget, e envelope) {
	path, contentType, body := EventsPath, "application/json", []byte(e.Payload)
	if e.Type == "interactive" {
		path, contentType, body = InteractionsPath, "application/x-www-form-urlencoded", formBody(e.Payload)
	}
	req := NewSignedRequest(target.baseURL+path, contentType, body, target.secret, time.Now())
	if e.RetryAttempt > 0 {
		req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(e.RetryAttempt))
		req.Header.Set("X-Slack-Retry-Reason", e.RetryReason)
	}

	start := time.Now()
	resp := Response{EnvelopeID: e.ID, Path: path}
	if r, err := target.client.Do(req); err == nil {
		answer, _ := io.ReadAll(r.Body)
		r.Body.Close()
		resp.Status, resp.Body = r.StatusCode, string(answer)
	}
	resp.Elapsed = time.Since(start)

	s.mu.Lock()
	s.responses = append(s.responses, resp)
	s.notifyLocked()
	s.mu.Unlock()
}

// Sign sets the X-Slack-Request-Timestamp and X-Slack-Signature headers
// for body as Slack does: "v0=" and the hex HMAC-SHA256, keyed with
// secret, of "v0:<timestamp>:<body>", with the timestamp in Unix seconds.
func Sign(h http.Header, secret string, body []byte, at time.Time) {
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
}

// NewSignedRequest returns a POST of body to url, signed with secret as
// of at. It panics if url is invalid.
func NewSignedRequest(url, contentType string, body []byte, secret string, at time.Time) *http.Request {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		panic("slacktest: NewSignedRequest: " + err.Error())
	}
	req.Header.Set("Content-Type", contentType)
	Sign(req.Header, secret, body, at)
	return req
}

// formBody returns the interactivity form body, payload=<JSON>.
func formBody(payload []byte) []byte {
	return []byte(url.Values{"payload": {string(payload)}}.Encode())
}
