package slack

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/crmbot/crmbot/adapters/internal/dedupe"
)

// Connection modes of Config.Mode.
const (
	// ModeSocket receives events over a Socket Mode WebSocket, which needs
	// no public URL.
	ModeSocket = "socket"
	// ModeHTTP receives events as HTTP requests from Slack to Handler.
	ModeHTTP = "http"
)

// defaultAddr is the listen address of http mode when Config.Addr is empty.
const defaultAddr = ":3000"

// requestTimeout bounds every Web API call made with the default client.
const requestTimeout = 20 * time.Second

// Config configures an Adapter. Every field except BotToken, and AppToken
// or SigningSecret for the chosen mode, has a default for its zero value.
type Config struct {
	// BotToken is the bot user OAuth token (xoxb-...). It is a secret:
	// the adapter never logs it.
	BotToken string
	// AppToken is the app-level token (xapp-...) with the
	// connections:write scope. Socket Mode needs it. It is a secret.
	AppToken string
	// SigningSecret is the app's signing secret, which http mode needs to
	// check the X-Slack-Signature of every request. It is a secret.
	SigningSecret string

	// Mode is ModeSocket or ModeHTTP. Empty means ModeSocket.
	Mode string
	// Addr is the listen address of Run in http mode, such as ":3000".
	// Empty means ":3000". Socket Mode ignores it.
	Addr string

	// APIURL is the Web API base URL, for tests. It must end with "/",
	// because slack-go appends the method name to it. Empty means
	// slack.APIURL.
	APIURL string
	// HTTPClient sends the Web API requests. Nil means a client with a
	// 20-second timeout.
	HTTPClient *http.Client

	// Dedupe reports whether key was seen before and records it, so that
	// a message or click delivered twice is handled once. Keys are short strings
	// such as "message:C123:1718000000.000100". Nil means an in-memory set
	// that drops keys after an hour. A durable implementation also drops repeats across restarts.
	Dedupe func(key string) bool
}

// LogValue implements slog.LogValuer so that logging a Config never logs
// its secrets.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("bot_token_set", c.BotToken != ""),
		slog.Bool("app_token_set", c.AppToken != ""),
		slog.Bool("signing_secret_set", c.SigningSecret != ""),
		slog.String("mode", c.Mode),
		slog.String("addr", c.Addr),
		slog.String("api_url", c.APIURL),
	)
}

// withDefaults returns c with defaults filled in, or an error naming the
// invalid field.
func (c Config) withDefaults() (Config, error) {
	if strings.TrimSpace(c.BotToken) == "" {
		return c, errors.New("slack: missing Config.BotToken: " +
			"set the bot user OAuth token (xoxb-...) from the app's OAuth & Permissions page")
	}

	switch c.Mode {
	case "", ModeSocket:
		c.Mode = ModeSocket
		if !strings.HasPrefix(c.AppToken, "xapp-") {
			return c, errors.New("slack: missing or invalid Config.AppToken: Socket Mode needs " +
				"an app-level token (xapp-...) with the connections:write scope, " +
				"from the app's Basic Information page")
		}
	case ModeHTTP:
		if c.SigningSecret == "" {
			return c, errors.New("slack: missing Config.SigningSecret: http mode needs " +
				"the signing secret from the app's Basic Information page")
		}
		if c.Addr == "" {
			c.Addr = defaultAddr
		}
	default:
		return c, fmt.Errorf("slack: invalid Config.Mode %q: want %q or %q",
			c.Mode, ModeSocket, ModeHTTP)
	}

	if c.APIURL == "" {
		c.APIURL = slack.APIURL
	}
	if !strings.HasSuffix(c.APIURL, "/") {
		return c, fmt.Errorf("slack: invalid Config.APIURL %q: must end with \"/\"", c.APIURL)
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: requestTimeout}
	}
	if c.Dedupe == nil {
		c.Dedupe = dedupe.New(dedupeTTL, time.Now).Seen
	}
	return c, nil
}
