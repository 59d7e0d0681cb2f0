package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/crmbot/crmbot/bot"
)

// Backoff between failed getUpdates calls, doubling from min to max.
const (
	minPollBackoff = time.Second
	maxPollBackoff = 30 * time.Second
)

// shutdownConfirmTimeout bounds the getUpdates call that confirms the
// handled updates when Run stops.
const shutdownConfirmTimeout = 2 * time.Second

// Adapter is a Telegram connector. Create it with New and start it with
// Run.
type Adapter struct {
	token       string
	endpoint    string
	pollTimeout time.Duration
	httpClient  *http.Client
	self        tgbotapi.User
	handler     bot.Handler
	logger      *slog.Logger

	// sleep waits for d or until ctx is done. Tests replace it to record
	// waits without spending them.
	sleep func(ctx context.Context, d time.Duration) error
}

// New returns an Adapter that passes Telegram updates to h. It calls getMe
// to check the token and returns an error wrapping ErrUnauthorized if the
// Bot API rejects it. A nil logger discards logs.
func New(cfg Config, h bot.Handler, logger *slog.Logger) (*Adapter, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if h == nil {
		return nil, errors.New("telegram: missing bot.Handler")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	a := &Adapter{
		token:       cfg.Token,
		endpoint:    cfg.APIEndpoint,
		pollTimeout: cfg.PollTimeout,
		httpClient:  cfg.HTTPClient,
		handler:     h,
		logger:      logger.With("platform", "telegram"),
		sleep:       sleepContext,
	}

	resp, err := a.call(context.Background(), requestTimeout,
		func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) {
			return api.MakeRequest("getMe", nil)
		})
	if isUnauthorized(err) {
		return nil, fmt.Errorf("%w: getMe: %v; check Config.Token and Config.APIEndpoint",
			ErrUnauthorized, err)
	}
	if err != nil {
		return nil, fmt.Errorf("telegram: getMe: %w", err)
	}
	if err := json.Unmarshal(resp.Result, &a.self); err != nil {
		return nil, fmt.Errorf("telegram: decode getMe result: %w", err)
	}
	return a, nil
}

// Self returns the bot's own user as reported by getMe.
func (a *Adapter) Self() tgbotapi.User {
	return a.self
}

// Run long-polls the Bot API and handles updates until ctx is cancelled,
// then returns nil. It returns an error wrapping ErrUnauthorized when the
// token stops working. Other errors are logged and retried with backoff,
// honouring the retry_after of a 429. Run must not be called twice at the
// same time, because Telegram rejects a second poller with 409 Conflict.
func (a *Adapter) Run(ctx context.Context) error {
	a.logger.Info("telegram polling started", "bot", a.self.UserName, "poll_timeout", a.pollTimeout)
	defer a.logger.Info("telegram polling stopped", "bot", a.self.UserName)

	// offset is the last handled update_id plus one. sentOffset is the
	// offset of the last successful getUpdates call, which confirmed every
	// update below it.
	offset, sentOffset := 0, 0
	failures := 0
	for {
		updates, err := a.getUpdates(ctx, offset, a.pollTimeout, 0)
		if ctx.Err() != nil {
			a.confirmOnShutdown(ctx, offset, sentOffset)
			return nil
		}
		if isUnauthorized(err) {
			return fmt.Errorf("%w: getUpdates: %v", ErrUnauthorized, err)
		}
		if err != nil {
			failures++
			delay := pollBackoff(err, failures)
			a.logger.Warn("telegram getUpdates failed",
				"error", err, "attempt", failures, "retry_in", delay)
			if a.sleep(ctx, delay) != nil {
				a.confirmOnShutdown(ctx, offset, sentOffset)
				return nil
			}
			continue
		}

		failures = 0
		sentOffset = offset
		a.dispatchBatch(ctx, updates)
		for _, u := range updates {
			offset = max(offset, u.id+1)
		}
	}
}

// maxParallelChats bounds the chats whose updates are handled at once.
const maxParallelChats = 16

// dispatchBatch handles a batch of updates: the updates of one chat in
// order, different chats in parallel, so a slow reply (an LLM call, a
// slow Odoo) in one chat does not hold up the others. It returns when the
// whole batch is handled, so the next getUpdates confirms only handled
// updates. After ctx is cancelled no further update is started.
func (a *Adapter) dispatchBatch(ctx context.Context, updates []polledUpdate) {
	var (
		order  []int64
		byChat = map[int64][]polledUpdate{}
	)
	for _, u := range updates {
		chat := chatOf(u)
		if _, ok := byChat[chat]; !ok {
			order = append(order, chat)
		}
		byChat[chat] = append(byChat[chat], u)
	}

	var wg sync.WaitGroup
	slots := make(chan struct{}, maxParallelChats)
	for _, chat := range order {
		slots <- struct{}{}
		wg.Add(1)
		go func(queue []polledUpdate) {
			defer func() { <-slots; wg.Done() }()
			for _, u := range queue {
				if ctx.Err() != nil {
					return
				}
				a.dispatch(ctx, u)
			}
		}(byChat[chat])
	}
	wg.Wait()
}

// chatOf returns the chat an update belongs to, or 0 for updates without
// one (they are handled in order with each other).
func chatOf(p polledUpdate) int64 {
	u := p.update
	switch {
	case u.Message != nil && u.Message.Chat != nil:
		return u.Message.Chat.ID
	case u.EditedMessage != nil && u.EditedMessage.Chat != nil:
		return u.EditedMessage.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil && u.CallbackQuery.Message.Chat != nil:
		return u.CallbackQuery.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.From != nil:
		// A click without its message goes to the user's private chat.
		return u.CallbackQuery.From.ID
	}
	return 0
}

// confirmOnShutdown confirms the handled updates with a getUpdates call
// that does not wait, so that they are not delivered again after a
// restart. The updates it returns are left unconfirmed.
func (a *Adapter) confirmOnShutdown(ctx context.Context, offset, sentOffset int) {
	if offset <= sentOffset {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownConfirmTimeout)
	defer cancel()
	if _, err := a.getUpdates(ctx, offset, 0, 1); err != nil {
		a.logger.Warn("telegram failed to confirm handled updates on shutdown, "+
			"so they will be delivered again",
			"error", err, "offset", offset)
	}
}

// pollBackoff returns the wait before the next getUpdates call after
// failures consecutive failures, or the retry_after of a 429 response.
func pollBackoff(err error, failures int) time.Duration {
	if d := retryAfter(err); d > 0 {
		return d
	}
	delay := minPollBackoff
	for i := 1; i < failures && delay < maxPollBackoff; i++ {
		delay *= 2
	}
	return min(delay, maxPollBackoff)
}

func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
