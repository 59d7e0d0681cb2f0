package understand

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/crmbot/crmbot/conversation"
	"github.com/crmbot/crmbot/conversation/slot"
	openai "github.com/sashabaranov/go-openai"
)

// LLMConfig configures an LLM understander. Zero values are defaults.
type LLMConfig struct {
	// BaseURL is the OpenAI-compatible API root, for example
	// "https://api.deepseek.com/v1". Empty means OpenAI's.
	BaseURL string
	// Model is the model name sent with each request. It is required.
	Model  string
	APIKey string
	// Timeout bounds one Understand call's whole exchange with the
	// service, retries included. Zero means 30 seconds.
	Timeout time.Duration
	// HTTPClient sends the requests. Nil means a new http.Client.
	HTTPClient *http.Client
	// Logger receives one line per failure and per rewritten response.
	// Nil discards the logs.
	Logger *slog.Logger
	// Region is the default phone region ("CN", "US") used to check a
	// reply to a pending phone question before asking the LLM. Empty
	// means only numbers with a "+" country code pass that check.
	Region string
}

const defaultTimeout = 30 * time.Second

// LLM is a conversation.Understander that reads messages with one chat
// completion per message, using one tool per intent, and falls back to
// another understander (usually Rules).
//
// Commands and replies that the fallback handles well skip the LLM: cancel
// and help, replies to a pending free-text slot, and replies to a pending
// phone, email, amount or date slot that the slot parser accepts.
type LLM struct {
	client   *openai.Client
	fallback conversation.Understander
	model    string
	host     string
	timeout  time.Duration
	region   string
	logger   *slog.Logger
	tools    []openai.Tool
	// sleep waits between rate-limited attempts. Tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
}

var _ conversation.Understander = (*LLM)(nil)

// NewLLM returns an LLM understander that falls back to fallback.
func NewLLM(cfg LLMConfig, fallback conversation.Understander) *LLM {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	httpClient := cfg.HTTPClient
	if httpClient == nil {
		httpClient = &http.Client{}
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}

	clientConfig := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		clientConfig.BaseURL = cfg.BaseURL
	}
	host := clientConfig.BaseURL
	if u, err := url.Parse(clientConfig.BaseURL); err == nil && u.Host != "" {
		host = u.Host
	}
	clientConfig.HTTPClient = &argumentsTransport{client: httpClient, logger: logger, host: host}

	return &LLM{
		client:   openai.NewClientWithConfig(clientConfig),
		fallback: fallback,
		model:    cfg.Model,
		host:     host,
		timeout:  timeout,
		region:   cfg.Region,
		logger:   logger,
		tools:    buildTools(),
		sleep:    sleepContext,
	}
}

// Understand returns the LLM's reading of req.Text, or the fallback's when
// the LLM is skipped, calls no function or fails.
//
// When the LLM fails, Understand returns the fallback's understanding
// together with an *LLMError, and that understanding is valid to use. Use
// errors.Is with ErrUnavailable, ErrQuotaExceeded or ErrRephrase to pick
// the reply. An error from the fallback itself is returned as it is.
//
// A function call for req.Intent while a slot is pending is returned with
// an empty Intent, because it is a reply and not a new request.
func (l *LLM) Understand(ctx context.Context, req conversation.UnderstandRequest) (conversation.Understanding, error) {
	fallback, err := l.fallback.Understand(ctx, req)
	if err != nil {
		return fallback, err
	}
	if !l.needsLLM(req, fallback) {
		return fallback, nil
	}

	got, err := l.ask(ctx, req)
	if err != nil {
		return fallback, err
	}
	if got.Intent == "" {
		return fallback, nil
	}
	if req.Pending != "" && got.Intent == req.Intent {
		got.Intent = ""
	}
	return got, nil
}

// needsLLM reports whether req should go to the LLM, given the fallback's
// understanding.
func (l *LLM) needsLLM(req conversation.UnderstandRequest, fallback conversation.Understanding) bool {
	if fallback.Intent == conversation.IntentCancel || fallback.Intent == conversation.IntentHelp {
		return false
	}
	if req.Pending == "" || fallback.Intent != "" {
		return true
	}
	intent, ok := conversation.LookupIntent(req.Intent)
	if !ok {
		return false
	}
	pending, ok := intent.Slot(req.Pending)
	if !ok {
		return false
	}

	value := fallback.Values[req.Pending]
	var parseErr error
	switch pending.Kind {
	case conversation.KindPhone:
		_, parseErr = slot.Phone(value, l.region)
	case conversation.KindEmail:
		_, parseErr = slot.Email(value)
	case conversation.KindAmount:
		_, parseErr = slot.Amount(value)
	case conversation.KindDate:
		_, parseErr = slot.Date(value, req.Now)
	}
	return parseErr != nil
}

// ask runs the exchange with the service and logs its outcome.
func (l *LLM) ask(ctx context.Context, req conversation.UnderstandRequest) (conversation.Understanding, error) {
	ctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()

	ex := &exchange{llm: l, req: req}
	got, err := ex.run(ctx)
	if err != nil {
		llmErr := l.newError(err)
		l.logger.Warn("llm understand failed, used the rules",
			"host", l.host, "model", l.model, "status", llmErr.Status, "code", llmErr.Code,
			"prompt_tokens", ex.usage.PromptTokens, "completion_tokens", ex.usage.CompletionTokens,
			"attempts", ex.attempts, "error", llmErr)
		return conversation.Understanding{}, llmErr
	}

	l.logger.Debug("llm understood message",
		"host", l.host, "model", l.model, "intent", got.Intent, "values", len(got.Values),
		"prompt_tokens", ex.usage.PromptTokens, "completion_tokens", ex.usage.CompletionTokens,
		"cached_tokens", cachedTokens(ex.usage), "attempts", ex.attempts)
	return got, nil
}

// newError turns a failure from the exchange into an *LLMError.
func (l *LLM) newError(err error) *LLMError {
	var f failure
	if !errors.As(err, &f) {
		f = classify(err)
	}
	return &LLMError{Kind: f.kind, Host: l.host, Model: l.model, Status: f.status, Code: f.code, Err: f.err}
}

func (f failure) Error() string {
	if f.err != nil {
		return f.code + ": " + f.err.Error()
	}
	return f.code
}

func cachedTokens(usage openai.Usage) int {
	if usage.PromptTokensDetails == nil {
		return 0
	}
	return usage.PromptTokensDetails.CachedTokens
}

func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
