package feishu

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	lark "github.com/larksuite/oapi-sdk-go/v3"

	"github.com/crmbot/crmbot/adapters/internal/dedupe"
)

// Connection modes.
const (
	// ModeLongConnection receives events over the SDK's WebSocket long
	// connection. The app needs no public URL.
	ModeLongConnection = "ws"
	// ModeHTTP receives events and card callbacks as HTTP POST requests
	// served by Adapter.Handler.
	ModeHTTP = "http"
)

const (
	defaultFreshnessWindow = 5 * time.Minute
	// requestTimeout bounds every REST call when Config.HTTPClient is nil.
	requestTimeout = 20 * time.Second
)

// Config configures an Adapter. Every field except AppID and AppSecret has
// a default for its zero value.
type Config struct {
	// AppID and AppSecret are the credentials of a self-built app, from
	// the developer console. AppSecret is a secret: the adapter never
	// logs it.
	AppID     string
	AppSecret string

	// VerificationToken is the token Feishu puts in every HTTP callback.
	// EncryptKey, when set, makes Feishu encrypt callbacks and sign them
	// with the X-Lark-Signature header. Both are secrets, used in http
	// mode only, and at least one of them is required there.
	VerificationToken string
	EncryptKey        string

	// Domain is "feishu" (https://open.feishu.cn), "lark"
	// (https://open.larksuite.com) or a full base URL such as a test
	// server's "http://127.0.0.1:8080". Empty means "feishu".
	Domain string

	// Mode is ModeLongConnection ("ws") or ModeHTTP ("http"). Empty means
	// ModeLongConnection.
	Mode string

	// Addr is the listen address of Run in http mode, such as ":8080".
	// Empty means Run does not listen, and the caller serves Handler.
	Addr string

	// HTTPClient sends the REST calls and fetches the long-connection
	// endpoint. Nil means a client with a 20-second timeout.
	HTTPClient *http.Client

	// Dedupe reports whether key was seen before, and records it. The
	// adapter calls it with one key per received message, so a message
	// that Feishu pushes twice is handled once. Nil means an in-memory
	// set that forgets keys after 24 hours and is lost on restart.
	Dedupe func(key string) bool

	// FreshnessWindow is the maximum age of a signed HTTP callback,
	// judged by its X-Lark-Request-Timestamp header. Older or future
	// requests by more than this are rejected with 401, so a captured
	// request cannot be replayed later. Zero means 5 minutes.
	FreshnessWindow time.Duration
}

// LogValue implements slog.LogValuer so that logging a Config never logs
// its secrets.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("app_id", c.AppID),
		slog.Bool("app_secret_set", c.AppSecret != ""),
		slog.Bool("verification_token_set", c.VerificationToken != ""),
		slog.Bool("encrypt_key_set", c.EncryptKey != ""),
		slog.String("domain", c.Domain),
		slog.String("mode", c.Mode),
		slog.String("addr", c.Addr),
		slog.Duration("freshness_window", c.FreshnessWindow),
	)
}

// withDefaults returns c with defaults filled in and Domain replaced by
// its base URL, or an error naming the invalid field.
func (c Config) withDefaults() (Config, error) {
	if strings.TrimSpace(c.AppID) == "" {
		return c, errors.New("feishu: missing Config.AppID: set the app id (cli_...) from the developer console")
	}
	if c.AppSecret == "" {
		return c, errors.New("feishu: missing Config.AppSecret: set the app secret from the developer console")
	}

	base, err := baseURL(c.Domain)
	if err != nil {
		return c, err
	}
	c.Domain = base

	switch c.Mode {
	case "":
		c.Mode = ModeLongConnection
	case ModeLongConnection:
	case ModeHTTP:
		if c.VerificationToken == "" && c.EncryptKey == "" {
			return c, errors.New("feishu: http mode needs Config.VerificationToken or Config.EncryptKey, " +
				"or anyone could post events")
		}
	default:
		return c, fmt.Errorf("feishu: invalid Config.Mode %q: want %q or %q",
			c.Mode, ModeLongConnection, ModeHTTP)
	}

	switch {
	case c.FreshnessWindow < 0:
		return c, fmt.Errorf("feishu: invalid Config.FreshnessWindow %v: must not be negative",
			c.FreshnessWindow)
	case c.FreshnessWindow == 0:
		c.FreshnessWindow = defaultFreshnessWindow
	}

	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: requestTimeout}
	}
	if c.Dedupe == nil {
		c.Dedupe = dedupe.New(dedupeTTL, time.Now).Seen
	}
	return c, nil
}

// baseURL returns the Open Platform base URL for a Config.Domain value.
func baseURL(domain string) (string, error) {
	switch strings.ToLower(domain) {
	case "", "feishu":
		return lark.FeishuBaseUrl, nil
	case "lark":
		return lark.LarkBaseUrl, nil
	}
	u, err := url.Parse(domain)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("feishu: invalid Config.Domain %q: "+
			`want "feishu", "lark" or a base URL such as "https://open.feishu.cn"`, domain)
	}
	return strings.TrimRight(domain, "/"), nil
}
