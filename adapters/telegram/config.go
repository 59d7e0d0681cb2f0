package telegram

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

const (
	defaultPollTimeout = 30 * time.Second

	// pollTimeoutMargin is how much longer than the poll timeout the
	// connector waits for a getUpdates response before giving up.
	pollTimeoutMargin = 15 * time.Second

	// requestTimeout bounds every Bot API call except getUpdates.
	requestTimeout = 20 * time.Second
)

// Config configures an Adapter. Every field except Token has a default for
// its zero value.
type Config struct {
	// Token is the bot token from @BotFather. It is a secret: the adapter
	// never logs it and removes it from the errors it returns and logs.
	Token string

	// APIEndpoint is the Bot API URL as a format string with two %s verbs,
	// for the token and then the method, such as
	// "http://127.0.0.1:8081/bot%s/%s". Empty means tgbotapi.APIEndpoint.
	APIEndpoint string

	// PollTimeout is how long one getUpdates call waits for an update.
	// The Bot API takes whole seconds, so it is rounded up to one. Zero
	// means 30 seconds.
	PollTimeout time.Duration

	// HTTPClient sends the requests. Nil means a client whose Timeout is
	// PollTimeout plus 15 seconds. A client with a nonzero Timeout must
	// allow more than PollTimeout, or every long poll would time out.
	HTTPClient *http.Client
}

// LogValue implements slog.LogValuer so that logging a Config never logs
// the token.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("token_set", c.Token != ""),
		slog.String("api_endpoint", c.APIEndpoint),
		slog.Duration("poll_timeout", c.PollTimeout),
	)
}

// withDefaults returns cfg with defaults filled in, or an error naming the
// invalid field.
func (c Config) withDefaults() (Config, error) {
	if strings.TrimSpace(c.Token) == "" {
		return c, errors.New("telegram: missing Config.Token: set the bot token from @BotFather")
	}
	if c.APIEndpoint == "" {
		c.APIEndpoint = tgbotapi.APIEndpoint
	}
	if strings.Count(c.APIEndpoint, "%s") != 2 {
		return c, fmt.Errorf("telegram: invalid Config.APIEndpoint %q: "+
			"want a format string with two %%s verbs, for the token and the method",
			c.APIEndpoint)
	}

	switch {
	case c.PollTimeout < 0:
		return c, fmt.Errorf("telegram: invalid Config.PollTimeout %v: must not be negative",
			c.PollTimeout)
	case c.PollTimeout == 0:
		c.PollTimeout = defaultPollTimeout
	default:
		c.PollTimeout = (c.PollTimeout + time.Second - 1).Truncate(time.Second)
	}

	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: c.PollTimeout + pollTimeoutMargin}
	} else if t := c.HTTPClient.Timeout; t != 0 && t <= c.PollTimeout {
		return c, fmt.Errorf("telegram: invalid Config.HTTPClient.Timeout %v: "+
			"must exceed Config.PollTimeout %v, or long polls time out", t, c.PollTimeout)
	}
	return c, nil
}
