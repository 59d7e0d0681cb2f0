package odoosim

import "net/http"

// serveJSONRPC answers the legacy /jsonrpc endpoint.
func (s *Server) serveJSONRPC(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	writeHTML(w, http.StatusNotFound, "not implemented")
}
