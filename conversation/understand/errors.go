package understand

import (
	"errors"
	"fmt"

	openai "github.com/sashabaranov/go-openai"
)

// Kinds of LLM failure. An *LLMError matches exactly one of them with
// errors.Is. LLM.Understand returns the rules understanding together with
// the error, so the engine can go on with that result and choose a reply.
var (
	// ErrUnavailable means the LLM service could not be used: a network
	// error, a timeout, a 5xx, a rate limit that outlasted the retries, a
	// response this bot cannot read, or a configuration the service
	// rejects. The rules understanding was used instead.
	ErrUnavailable = errors.New("llm service unavailable")

	// ErrQuotaExceeded means the LLM account has no quota or balance left.
	// Retrying does not help, and an administrator must check the account.
	// The rules understanding was used instead.
	ErrQuotaExceeded = errors.New("llm account quota exceeded")

	// ErrRephrase means the service worked but could not handle this
	// message: the tool arguments were cut off or invalid after one repair
	// attempt, the message was too long, or the provider's content filter
	// rejected it. The user should say it again more simply. The rules
	// understanding is still returned and may be usable.
	ErrRephrase = errors.New("llm could not read the message")
)

// LLMError is a failed LLM exchange. It never contains the user's text or
// the API key.
type LLMError struct {
	// Kind is ErrUnavailable, ErrQuotaExceeded or ErrRephrase.
	Kind error
	// Host is the host of the configured base URL.
	Host  string
	Model string
	// Status is the HTTP status code, or 0 when no response arrived.
	Status int
	// Code is the provider's error code ("insufficient_quota",
	// "content_filter") or one of this package's codes such as "timeout",
	// "empty_choices" and "truncated_arguments".
	Code string
	// Err is the underlying error, if any.
	Err error
}

func (e *LLMError) Error() string {
	msg := fmt.Sprintf("understand with llm at %s: %v", e.Host, e.Kind)
	if e.Status != 0 {
		msg += fmt.Sprintf(" (status %d)", e.Status)
	}
	if e.Code != "" {
		msg += ": " + e.Code
	}
	if e.Err != nil {
		msg += ": " + describeCause(e.Err)
	}
	return msg
}

// Is reports whether target is e's Kind.
func (e *LLMError) Is(target error) bool { return target == e.Kind }

func (e *LLMError) Unwrap() error { return e.Err }

// describeCause returns err's text without response bodies, which may be
// whole HTML pages.
func describeCause(err error) string {
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		if reqErr.Err == nil {
			return reqErr.HTTPStatus
		}
		var apiErr *openai.APIError
		if errors.As(reqErr.Err, &apiErr) && apiErr.Message == "" {
			return reqErr.HTTPStatus
		}
		return reqErr.Err.Error()
	}
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		return apiErr.Message
	}
	return err.Error()
}
