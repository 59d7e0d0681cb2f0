package feishu

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	larkevent "github.com/larksuite/oapi-sdk-go/v3/event"
)

// maxCallbackBytes bounds the body of an HTTP callback. Events are a few
// kilobytes.
const maxCallbackBytes = 1 << 20

// errUnauthenticated marks a callback that fails a check: it gets 401.
var errUnauthenticated = errors.New("unauthenticated")

// callbackEnvelope is the part of a decrypted callback that routes it.
// A url_verification request has Type, Challenge and Token at the top; a
// schema 2.0 event or callback has Header.
type callbackEnvelope struct {
	Type      string       `json:"type"`
	Challenge string       `json:"challenge"`
	Token     string       `json:"token"`
	Header    *eventHeader `json:"header"`
}

// Handler returns the HTTP handler for the event callback and the card
// callback; both callback URLs of the app may point at it. It answers
// url_verification, checks the verification token, decrypts encrypted
// bodies and, when Config.EncryptKey is set, checks the X-Lark-Signature
// header and rejects a X-Lark-Request-Timestamp outside
// Config.FreshnessWindow. A request that fails a check gets 401 and is
// not handled. A message event is answered at once and handled after; a
// card action is answered within 3 seconds with a toast and card.
func (a *Adapter) Handler() http.Handler {
	return http.HandlerFunc(a.serveCallback)
}

func (a *Adapter) serveCallback(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCallbackBytes))
	if err != nil {
		a.logger.Warn("feishu callback rejected: body unreadable or over 1 MiB", "error", err)
		http.Error(w, "invalid body", http.StatusBadRequest)
		return
	}

	plain, env, err := a.openCallback(r, body)
	if errors.Is(err, errUnauthenticated) {
		a.logger.Warn("feishu callback rejected", "reason", err, "remote_addr", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	if err != nil {
		a.logger.Warn("feishu callback rejected: invalid body", "error", err, "remote_addr", r.RemoteAddr)
		http.Error(w, "invalid body", http.StatusBadRequest)
		return
	}

	if env.Type == "url_verification" {
		writeJSON(w, map[string]string{"challenge": env.Challenge})
		return
	}
	switch env.Header.EventType {
	case eventMessageReceive:
		a.acceptMessage(plain)
		writeJSON(w, struct{}{})
	case eventCardAction:
		var ev cardActionEvent
		if err := json.Unmarshal(plain, &ev); err != nil {
			a.logger.Warn("feishu card action rejected: invalid JSON", "error", err)
			http.Error(w, "invalid body", http.StatusBadRequest)
			return
		}
		writeJSON(w, a.answerCardAction(ev.action()))
	default:
		// Acknowledged, so Feishu does not retry an event the app
		// subscribed to but this connector does not use.
		a.logger.Debug("feishu callback ignored: unsupported event type",
			"event_type", env.Header.EventType, "event_id", env.Header.EventID)
		writeJSON(w, struct{}{})
	}
}

// openCallback decrypts and authenticates a callback body. It returns the
// plain JSON and its envelope, or an error wrapping errUnauthenticated
// when a check fails.
func (a *Adapter) openCallback(r *http.Request, body []byte) ([]byte, callbackEnvelope, error) {
	var env callbackEnvelope
	plain, err := a.decrypt(body)
	if err != nil {
		return nil, env, err
	}
	if err := json.Unmarshal(plain, &env); err != nil {
		return nil, env, err
	}

	token := env.Token
	if env.Type != "url_verification" {
		if env.Header == nil {
			return nil, env, errors.New("no header: only schema 2.0 callbacks are supported")
		}
		token = env.Header.Token
		// Feishu does not sign url_verification, so only other requests
		// are checked (as in the SDK's dispatcher, v3.13.0).
		if err := a.checkSignature(r, body); err != nil {
			return nil, env, err
		}
	}
	if a.cfg.VerificationToken != "" &&
		subtle.ConstantTimeCompare([]byte(token), []byte(a.cfg.VerificationToken)) != 1 {
		return nil, env, errors.Join(errUnauthenticated, errors.New("wrong verification token"))
	}
	return plain, env, nil
}

// decrypt returns the plain JSON of body. With an encrypt key every body
// must be {"encrypt": "<base64>"}: AES-256-CBC under SHA-256 of the key,
// the IV in the first 16 bytes.
func (a *Adapter) decrypt(body []byte) ([]byte, error) {
	var sealed struct {
		Encrypt string `json:"encrypt"`
	}
	if err := json.Unmarshal(body, &sealed); err != nil {
		return nil, err
	}
	if a.cfg.EncryptKey == "" {
		if sealed.Encrypt != "" {
			return nil, errors.New("encrypted body but Config.EncryptKey is not set")
		}
		return body, nil
	}
	if sealed.Encrypt == "" {
		return nil, errors.Join(errUnauthenticated, errors.New("body not encrypted"))
	}
	plain, err := larkevent.EventDecrypt(sealed.Encrypt, a.cfg.EncryptKey)
	if err != nil {
		return nil, errors.Join(errUnauthenticated, errors.New("body does not decrypt with Config.EncryptKey"))
	}
	return plain, nil
}

// checkSignature checks X-Lark-Signature, SHA-256 of timestamp, nonce,
// encrypt key and body, and the age of X-Lark-Request-Timestamp (Unix
// seconds). Without an encrypt key Feishu signs nothing, so only a
// timestamp header, when present, is checked.
func (a *Adapter) checkSignature(r *http.Request, body []byte) error {
	timestamp := r.Header.Get(larkevent.EventRequestTimestamp)
	if a.cfg.EncryptKey != "" {
		nonce := r.Header.Get(larkevent.EventRequestNonce)
		want := larkevent.Signature(timestamp, nonce, a.cfg.EncryptKey, string(body))
		got := r.Header.Get(larkevent.EventSignature)
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return errors.Join(errUnauthenticated, errors.New("invalid or missing signature"))
		}
	} else if timestamp == "" {
		return nil
	}

	seconds, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return errors.Join(errUnauthenticated, errors.New("invalid request timestamp"))
	}
	age := a.now().Sub(time.Unix(seconds, 0))
	if age > a.cfg.FreshnessWindow || age < -a.cfg.FreshnessWindow {
		return errors.Join(errUnauthenticated, errors.New("request timestamp outside the freshness window"))
	}
	return nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v) // a write error means the caller left
}
