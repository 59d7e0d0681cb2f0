package odoosim

import (
	"bytes"
	"io"
	"net/http"
	"time"
)

// callMatch selects calls by model and method. "" matches any.
type callMatch struct {
	model, method string
}

func (c callMatch) matches(model, method string) bool {
	return (c.model == "" || c.model == model) &&
		(c.method == "" || c.method == method)
}

// takeMatch removes the first entry of *list matching the call and reports
// whether there was one. The caller holds s.mu.
func takeMatch(list *[]callMatch, model, method string) bool {
	for i, c := range *list {
		if c.matches(model, method) {
			*list = append((*list)[:i:i], (*list)[i+1:]...)
			return true
		}
	}
	return false
}

// SetLatency makes every request wait d before the simulator handles it,
// as a slow network or a busy server would. A request canceled during the
// wait gets no response and changes nothing. 0 removes the latency.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// DropNext makes the simulator close the connection of the next call of
// method on model without a response and without running the call, as a
// proxy or a crashed worker would. Each call of DropNext drops one call.
// "" for model or method matches any. On /jsonrpc, the model and method
// are those of execute_kw, and the common service matches model "".
//
// The connection is hijacked and closed, so the handler must run under a
// net/http server such as the one Start runs. Under a ResponseRecorder it
// panics with http.ErrAbortHandler instead.
func (s *Server) DropNext(model, method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drops = append(s.drops, callMatch{model: model, method: method})
}

// LoseNextResponse makes the simulator run the next call of method on
// model as usual, committing its changes when it succeeds, and then close
// the connection before sending the response. The client cannot tell
// whether the call was applied: the outcome-unknown case. Matching and
// the server requirement are those of DropNext.
func (s *Server) LoseNextResponse(model, method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.losses = append(s.losses, callMatch{model: model, method: method})
}

// waitLatency waits for the configured latency and reports false when
// the request was canceled first.
func (s *Server) waitLatency(r *http.Request) bool {
	s.mu.Lock()
	d := s.latency
	s.mu.Unlock()
	if d <= 0 {
		return true
	}
	// net/http notices that the client closed the connection, and cancels
	// the request context, only once the body has been read to its end.
	if r.Body != nil {
		raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			return false
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-r.Context().Done():
		return false
	case <-timer.C:
		return true
	}
}

// takeDrop reports whether the call must be dropped before it runs.
func (s *Server) takeDrop(model, method string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return takeMatch(&s.drops, model, method)
}

// takeLoss reports whether the response of the call must be lost.
func (s *Server) takeLoss(model, method string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return takeMatch(&s.losses, model, method)
}

// dropConnection closes the client connection without writing a response.
func (s *Server) dropConnection(w http.ResponseWriter, model,
	method string) {
	s.logger.Debug("odoo call dropped", "model", model, "method", method)
	hijacker, ok := w.(http.Hijacker)
	if ok {
		conn, _, err := hijacker.Hijack()
		if err == nil {
			_ = conn.Close()
			return
		}
	}
	// The server aborts the response and closes the connection.
	panic(http.ErrAbortHandler)
}
