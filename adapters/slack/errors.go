package slack

import (
	"errors"
	"time"

	"github.com/slack-go/slack"
)

// ErrUnauthorized reports that Slack rejected a token. Retrying cannot
// help: the token is wrong, revoked, or of the wrong kind.
var ErrUnauthorized = errors.New("slack: token rejected")

// authErrors are the Web API errors that mean the token is unusable.
var authErrors = map[string]bool{
	"invalid_auth":           true,
	"not_authed":             true,
	"token_revoked":          true,
	"token_expired":          true,
	"account_inactive":       true,
	"not_allowed_token_type": true,
}

// isAuthError reports whether err is a Web API error that rejects the
// token.
func isAuthError(err error) bool {
	var e slack.SlackErrorResponse
	if errors.As(err, &e) {
		return authErrors[e.Err]
	}
	return authErrors[errorText(err)]
}

// errorText returns err's text, or "" for nil. slack-go returns some Web
// API errors, such as the ones of apps.connections.open, as plain errors
// whose text is Slack's error code.
func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// retryAfter returns the wait that a 429 response asked for, or zero.
func retryAfter(err error) time.Duration {
	var e *slack.RateLimitedError
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}
