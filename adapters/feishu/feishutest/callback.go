package feishutest

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// DeliverOptions change how Deliver sends a callback, to forge one.
type DeliverOptions struct {
	// Timestamp is the X-Lark-Request-Timestamp. Zero means now.
	Timestamp time.Time
	// Token replaces the verification token in the event header.
	Token string
	// Signature replaces the computed X-Lark-Signature.
	Signature string
}

// Result is the bot's response to an HTTP callback.
type Result struct {
	Status int
	Body   []byte
	// Answer is the decoded card callback answer, for a card action
	// answered with 200.
	Answer *Answer
}

// Deliver posts ev to url as Feishu's HTTP callback does: encrypted and
// signed when the server has an encrypt key, plain otherwise. When a card
// action is answered with a card, the clicked card is replaced.
func (s *Server) Deliver(t testing.TB, url string, ev Event) Result {
	t.Helper()
	return s.DeliverWith(t, url, ev, DeliverOptions{})
}

// DeliverWith is Deliver with options that forge the request.
func (s *Server) DeliverWith(t testing.TB, url string, ev Event, o DeliverOptions) Result {
	t.Helper()
	if o.Token != "" {
		ev = ev.withToken(o.Token)
	}
	body := ev.JSON()
	if s.opts.EncryptKey != "" {
		body = Encrypt(s.opts.EncryptKey, body)
	}
	res := s.post(t, url, body, o)
	if ev.Type == "card.action.trigger" && res.Status == http.StatusOK {
		res.Answer = decodeAnswer(res.Body)
		if res.Answer != nil && res.Answer.Card != nil {
			s.mu.Lock()
			if m, ok := s.messages[ev.MessageID]; ok {
				s.replaceCardLocked(m, string(res.Answer.Card))
			}
			s.mu.Unlock()
		}
	}
	return res
}

// PostRaw posts body to url as it is, signed when the server has an
// encrypt key, such as a URLVerification body.
func (s *Server) PostRaw(t testing.TB, url string, body []byte) Result {
	t.Helper()
	return s.post(t, url, body, DeliverOptions{})
}

func (s *Server) post(t testing.TB, url string, body []byte, o DeliverOptions) Result {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("feishutest: build callback request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if s.opts.EncryptKey != "" {
		at := o.Timestamp
		if at.IsZero() {
			at = time.Now()
		}
		Sign(req.Header, s.opts.EncryptKey, body, at)
		if o.Signature != "" {
			req.Header.Set("X-Lark-Signature", o.Signature)
		}
	}

	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("feishutest: post callback: %v", err)
	}
	defer resp.Body.Close()
	respBody, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("feishutest: read callback response: %v", err)
	}
	return Result{Status: resp.StatusCode, Body: respBody}
}

// Encrypt returns the body Feishu sends for plain when the app has
// encryptKey: {"encrypt": base64(iv || AES-256-CBC(plain))}, with the AES
// key SHA-256(encryptKey), a random 16-byte IV and PKCS#7 padding.
func Encrypt(encryptKey string, plain []byte) []byte {
	key := sha256.Sum256([]byte(encryptKey))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		panic("feishutest: " + err.Error()) // a 32-byte key is always valid
	}
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	padded := append(bytes.Clone(plain), bytes.Repeat([]byte{byte(pad)}, pad)...)

	out := make([]byte, aes.BlockSize+len(padded))
	iv := out[:aes.BlockSize]
	if _, err := rand.Read(iv); err != nil {
		panic("feishutest: read random IV: " + err.Error())
	}
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out[aes.BlockSize:], padded)

	body, _ := json.Marshal(map[string]string{"encrypt": base64.StdEncoding.EncodeToString(out)})
	return body
}

// Sign sets the signature headers Feishu sends with a callback when the
// app has encryptKey: X-Lark-Request-Timestamp (Unix seconds),
// X-Lark-Request-Nonce, and X-Lark-Signature, the hex SHA-256 of
// timestamp + nonce + encryptKey + body.
func Sign(h http.Header, encryptKey string, body []byte, at time.Time) {
	timestamp := strconv.FormatInt(at.Unix(), 10)
	var nonceBytes [8]byte
	_, _ = rand.Read(nonceBytes[:])
	nonce := hex.EncodeToString(nonceBytes[:])

	sum := sha256.Sum256([]byte(timestamp + nonce + encryptKey + string(body)))
	h.Set("X-Lark-Request-Timestamp", timestamp)
	h.Set("X-Lark-Request-Nonce", nonce)
	h.Set("X-Lark-Signature", hex.EncodeToString(sum[:]))
}
