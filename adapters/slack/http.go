package slack

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// maxRequestBody bounds the body of a request from Slack.
const maxRequestBody = 1 << 20

// httpShutdownTimeout bounds the graceful shutdown of the http mode
// server.
const httpShutdownTimeout = 5 * time.Second

// Handler returns the HTTP handler of http mode. It serves Events API
// requests at POST /slack/events and interactivity requests at POST
// /slack/interactions. Every request must carry a valid X-Slack-Signature
// made with Config.SigningSecret less than 5 minutes ago; any other gets
// 401 and is not handled. Valid requests get 200 at once and are handled
// afterwards, well within the 3 seconds Slack waits. Run serves it on
// Config.Addr; a caller with its own server can mount it instead.
func (a *Adapter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/events", a.serveEvents)
	mux.HandleFunc("POST /slack/interactions", a.serveInteractions)
	return mux
}

// runHTTP serves Handler on Config.Addr until ctx is cancelled.
func (a *Adapter) runHTTP(ctx context.Context) error {
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return err // net's error names the address
	}
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	a.logger.Info("slack events server started", "addr", ln.Addr().String())
	defer a.logger.Info("slack events server stopped", "addr", ln.Addr().String())

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), httpShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		a.logger.Warn("slack events server shutdown incomplete", "error", err)
	}
	return nil
}

// verifiedBody reads r's body and checks its signature. On failure it
// responds with 401, logs the reason and returns false.
func (a *Adapter) verifiedBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		http.Error(w, "request body too large or unreadable", http.StatusBadRequest)
		return nil, false
	}
	if err := verifySignature(r.Header, body, a.cfg.SigningSecret); err != nil {
		a.logger.Warn("slack request rejected: invalid signature",
			"path", r.URL.Path, "remote_addr", r.RemoteAddr, "error", err)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}

// verifySignature checks X-Slack-Signature against body. slack-go's
// verifier rejects a missing header, a bad signature and a timestamp more
// than 5 minutes from now.
func verifySignature(h http.Header, body []byte, secret string) error {
	sv, err := slack.NewSecretsVerifier(h, secret)
	if err != nil {
		return err
	}
	if _, err := sv.Write(body); err != nil {
		return err
	}
	return sv.Ensure()
}

// serveEvents responds to an Events API request with the challenge of a
// url_verification, or 200 at once for an event_callback, which is then
// handled in the background.
func (a *Adapter) serveEvents(w http.ResponseWriter, r *http.Request) {
	body, ok := a.verifiedBody(w, r)
	if !ok {
		return
	}
	ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
	if err != nil {
		a.logger.Warn("slack event rejected: invalid JSON", "error", err)
		http.Error(w, "invalid event", http.StatusBadRequest)
		return
	}

	if ev.Type == slackevents.URLVerification {
		var challenge slackevents.ChallengeResponse
		if err := json.Unmarshal(body, &challenge); err != nil || challenge.Challenge == "" {
			http.Error(w, "missing challenge", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(challenge)
		return
	}

	// Slack counts a retry in X-Slack-Retry-Num; dedupe by channel and ts
	// makes a retry harmless, so it is only logged.
	retry, _ := strconv.Atoi(r.Header.Get("X-Slack-Retry-Num"))
	w.WriteHeader(http.StatusOK)
	a.onEventsAPI(ev, retry)
}

// serveInteractions responds to an interactivity request with 200 at once
// and handles the click in the background.
func (a *Adapter) serveInteractions(w http.ResponseWriter, r *http.Request) {
	body, ok := a.verifiedBody(w, r)
	if !ok {
		return
	}
	cb, err := parseInteraction(body)
	if err != nil {
		a.logger.Warn("slack interaction rejected", "error", err)
		http.Error(w, "invalid payload", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
	a.onClick(cb, 0)
}

// parseInteraction decodes the form field payload of an interactivity
// request body.
func parseInteraction(body []byte) (slack.InteractionCallback, error) {
	var cb slack.InteractionCallback
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return cb, err
	}
	payload := form.Get("payload")
	if payload == "" {
		return cb, errors.New("missing form field payload")
	}
	if err := json.Unmarshal([]byte(payload), &cb); err != nil {
		return cb, err
	}
	return cb, nil
}
