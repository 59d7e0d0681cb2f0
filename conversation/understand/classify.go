package understand

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// failure is a classified error from one chat completion request.
type failure struct {
	kind      error
	status    int
	code      string
	retryable bool
	err       error
}

// classify sorts err from CreateChatCompletion into a failure kind. The
// rules follow what OpenAI, Azure OpenAI, DeepSeek, DashScope and Ollama
// return for these cases.
func classify(err error) failure {
	var reqErr *openai.RequestError
	var apiErr *openai.APIError
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return failure{kind: ErrUnavailable, code: "timeout", err: err}

	case errors.Is(err, errUnsupportedToolCalls):
		return failure{kind: ErrUnavailable, code: "unsupported_tool_call_format", err: err}

	// A RequestError wraps an empty APIError when the body is
	// {"error":"text"}, so it is checked first.
	case errors.As(err, &reqErr):
		return classifyStatus(reqErr.HTTPStatusCode, "", string(reqErr.Body), err)

	case errors.As(err, &apiErr):
		code := fmt.Sprint(apiErr.Code)
		if apiErr.Code == nil {
			code = apiErr.Type
		}
		if apiErr.InnerError != nil && apiErr.InnerError.Code != "" {
			code = apiErr.InnerError.Code
		}
		return classifyStatus(apiErr.HTTPStatusCode, code, apiErr.Type+" "+apiErr.Message, err)
	}
	return failure{kind: ErrUnavailable, code: "invalid_response", err: err}
}

// classifyStatus sorts an HTTP error by status, provider code and message.
func classifyStatus(status int, code, message string, err error) failure {
	f := failure{kind: ErrUnavailable, status: status, code: code, err: err}
	lowerCode := strings.ToLower(code)
	lowerMessage := strings.ToLower(message)

	switch {
	case status == http.StatusPaymentRequired,
		lowerCode == "insufficient_quota", lowerCode == "billing_hard_limit_reached",
		lowerCode == "arrearage", strings.Contains(lowerMessage, "insufficient_quota"):
		f.kind = ErrQuotaExceeded

	case status == http.StatusTooManyRequests,
		lowerCode == "rate_limit_exceeded", strings.HasPrefix(lowerCode, "throttling"):
		f.retryable = true

	case lowerCode == "context_length_exceeded",
		strings.Contains(lowerMessage, "maximum context length"),
		strings.Contains(lowerMessage, "context length"):
		f.kind = ErrRephrase
		if f.code == "" {
			f.code = "context_length_exceeded"
		}

	case lowerCode == "content_filter", lowerCode == "data_inspection_failed",
		lowerCode == "responsibleaipolicyviolation",
		strings.Contains(lowerMessage, "inappropriate content"):
		f.kind = ErrRephrase

	case strings.Contains(lowerMessage, "does not support tools"):
		f.code = "tools_unsupported"
	}
	return f
}

// Retry limits for rate-limited requests.
const (
	maxRateLimitAttempts = 3
	defaultRetryDelay    = time.Second
	// maxRetryDelay is the longest Retry-After the client waits for. A
	// longer wait would leave the user without a reply, so the rules
	// understanding is used instead.
	maxRetryDelay = 5 * time.Second
)

// retryDelay returns how long to wait before retrying, from a Retry-After
// header in seconds or as an HTTP date, and false when the wait is longer
// than maxRetryDelay.
func retryDelay(header http.Header, now time.Time) (time.Duration, bool) {
	value := strings.TrimSpace(header.Get("Retry-After"))
	delay := defaultRetryDelay
	if seconds, err := strconv.ParseFloat(value, 64); err == nil && seconds >= 0 {
		delay = time.Duration(seconds * float64(time.Second))
	} else if at, err := http.ParseTime(value); err == nil {
		delay = max(at.Sub(now), 0)
	}
	return delay, delay <= maxRetryDelay
}
