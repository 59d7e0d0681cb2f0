package odoosim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
)

// Bodies Odoo 19 sends as HTML instead of JSON.
const (
	databaseNotFoundHTML = "<!DOCTYPE html>\n<title>404 Not Found</title>\n" +
		"<h1>Not Found</h1>\n<p>No database is selected and the requested " +
		"URL was not found in the server-wide controllers.</p>\n<p>Please " +
		"verify the hostname, <a href=/web/login>login</a> and try again." +
		"</p>\n\n<!-- Alternatively, use the X-Odoo-Database header. -->\n"
	unsupportedMediaHTML = "<!doctype html>\n<html lang=en>\n<title>415 " +
		"Unsupported Media Type</title>\n<h1>Unsupported Media Type</h1>\n" +
		"<p>Request inferred type is compatible with [&#39;http&#39;] but " +
		"&#39;/json/2/&lt;__model__&gt;/&lt;__method__&gt;&#39; is " +
		"type=&#39;json2&#39;.<br><br>Please verify the Content-Type " +
		"request header and try again.</p>\n"
)

// Messages of the 401 responses of Odoo 19.
const (
	messageNoKey      = "User not authenticated, use an API Key with a Bearer Authorization header."
	messageInvalidKey = "Invalid apikey"
	messageUsePost    = "Did you mean POST /json/2/<model>/<method>?"
)

// maxBody bounds the size of a request body.
const maxBody = 16 << 20

// Handler returns the HTTP handler: JSON-2 at POST /json/2/<model>/<method>,
// legacy JSON-RPC at POST /jsonrpc, and GET /json/version and /web/version.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(s.serveHTTP)
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.waitLatency(r) {
		s.logger.Debug("odoo request canceled during the simulated latency",
			"path", r.URL.Path)
		return
	}
	if db := r.Header.Get("X-Odoo-Database"); db != "" && db != s.database {
		writeHTML(w, http.StatusNotFound, databaseNotFoundHTML)
		return
	}
	switch {
	case r.URL.Path == "/json/version" || r.URL.Path == "/web/version":
		s.serveVersion(w)
	case r.URL.Path == "/jsonrpc":
		s.serveJSONRPC(w, r)
	case strings.HasPrefix(r.URL.Path, "/json/2/"):
		s.serveJSON2(w, r)
	case s.serveRecordPage(w, r):
	default:
		writeHTML(w, http.StatusNotFound, "<!doctype html>\n<html lang=en>\n"+
			"<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The "+
			"requested URL was not found on the server.</p>\n")
	}
}

// serveVersion handles /json/version and /web/version, which need no key.
func (s *Server) serveVersion(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: "session_id", Value: newKey(),
		Path: "/", MaxAge: 7 * 24 * 3600, HttpOnly: true,
		Expires: s.now().Add(7 * 24 * time.Hour)})
	w.Header().Set("X-Content-Type-Options", "nosniff")
	writeJSON(w, http.StatusOK, object{
		{"version_info", []any{19, 0, 0, "final", 0, ""}},
		{"version", "19.0"},
	})
}

// serveJSON2 handles POST /json/2/<model>/<method>.
func (s *Server) serveJSON2(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()

	modelName, methodName, _ := strings.Cut(
		strings.TrimPrefix(r.URL.Path, "/json/2/"), "/")
	if modelName == "" || methodName == "" || strings.Contains(methodName,
		"/") || r.Method != http.MethodPost {
		s.writeError(w, "", "", errNotFound(messageUsePost))
		return
	}
	if s.takeDrop(modelName, methodName) {
		s.dropConnection(w, modelName, methodName)
		return
	}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType != "application/json" {
		w.Header().Set("Accept", "application/json")
		writeHTML(w, http.StatusUnsupportedMediaType, unsupportedMediaHTML)
		return
	}
	uid, authErr := s.authenticate(r)
	if authErr != nil {
		w.Header().Set("WWW-Authenticate", "Bearer ")
		s.writeError(w, modelName, methodName, authErr)
		return
	}
	args, err := readArgs(r)
	if err != nil {
		s.writeError(w, modelName, methodName, err)
		return
	}

	result, err := s.call(uid, modelName, methodName, args)
	if s.takeLoss(modelName, methodName) {
		s.dropConnection(w, modelName, methodName)
		return
	}
	if err != nil {
		s.writeError(w, modelName, methodName, err)
		return
	}
	s.logger.Debug("odoo call", "model", modelName, "method", methodName,
		"uid", uid)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	writeJSON(w, http.StatusOK, result)
}

// authenticate returns the user of the bearer key.
func (s *Server) authenticate(r *http.Request) (int64, *rpcError) {
	header := r.Header.Get("Authorization")
	scheme, key, found := strings.Cut(header, " ")
	if !found || !strings.EqualFold(scheme, "bearer") {
		return 0, newError(http.StatusUnauthorized,
			"werkzeug.exceptions.Unauthorized", messageNoKey)
	}
	key = strings.TrimSpace(key)
	for _, u := range s.users {
		if key != "" && key == u.key {
			return u.id, nil
		}
	}
	return 0, newError(http.StatusUnauthorized,
		"werkzeug.exceptions.Unauthorized", messageInvalidKey)
}

// readArgs decodes the body into named arguments, keeping numbers exact.
// A JSON array or scalar gives no arguments, as Odoo 19 ignores a body
// that is not an object (the method then misses its arguments).
func readArgs(r *http.Request) (map[string]any, *rpcError) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return nil, newError(http.StatusBadRequest,
			"werkzeug.exceptions.BadRequest", "could not read the body: "+
				err.Error())
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var body any
	if err := dec.Decode(&body); err != nil {
		return nil, newError(http.StatusBadRequest,
			"werkzeug.exceptions.BadRequest",
			"could not parse the body as json: "+err.Error())
	}
	args, _ := body.(map[string]any)
	if args == nil {
		args = map[string]any{}
	}
	return args, nil
}

// call runs one method as uid in a transaction.
func (s *Server) call(uid int64, modelName, methodName string,
	args map[string]any) (any, *rpcError) {
	m := s.lookupModel(modelName)
	if m == nil {
		return nil, errNotFound(fmt.Sprintf("the model %s does not exist",
			pyRepr(modelName)))
	}
	if isPrivate(methodName) {
		return nil, errAccess(fmt.Sprintf("Private methods (such as "+
			"'%s.%s') cannot be called remotely.", modelName, methodName))
	}
	spec := lookupMethod(m, methodName)
	if spec == nil {
		return nil, errNotFound(fmt.Sprintf("The method '%s.%s' does not "+
			"exist", modelName, methodName))
	}

	rawIDs, hasIDs := args["ids"]
	delete(args, "ids")
	userContext, _ := args["context"].(map[string]any)
	delete(args, "context")
	if err := bindArgs(m, methodName, spec, hasIDs, args); err != nil {
		return nil, err
	}
	ids, ok := asIDs(rawIDs)
	if hasIDs && !ok {
		if id, isInt := asInt(rawIDs); isInt {
			ids = []int64{id}
		} else {
			return nil, errType("ids must be a list of integers, not " +
				pyRepr(rawIDs))
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	inj := s.takeInjection(modelName, methodName)
	if inj != nil && inj.kind != ErrGatewayTimeout {
		return nil, injectedError(inj.kind, inj.message)
	}
	tx := s.db.clone()
	e := s.newEnv(tx, uid, userContext)
	result, err := spec.run(e, m, ids, args)
	if err == nil {
		s.db = tx
	}
	// A gateway timeout replaces the response of a call that ran.
	if inj != nil {
		return nil, injectedError(inj.kind, inj.message)
	}
	return result, err
}

// writeError sends err as Odoo does: a JSON error body with the status,
// or an HTML page for proxy failures.
func (s *Server) writeError(w http.ResponseWriter, modelName,
	methodName string, err *rpcError) {
	level := s.logger.Debug
	if err.status >= http.StatusInternalServerError {
		level = s.logger.Warn
	}
	level("odoo call failed", "model", modelName, "method", methodName,
		"status", err.status, "error", err.Error())
	if err.html != "" {
		writeHTML(w, err.status, err.html)
		return
	}
	writeJSON(w, err.status, err.body())
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body, _ = json.Marshal(errType(err.Error()).body())
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Connection", "close")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeHTML(w http.ResponseWriter, status int, page string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Connection", "close")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, page)
}
