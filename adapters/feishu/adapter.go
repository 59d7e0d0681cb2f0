package feishu

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	lark "github.com/larksuite/oapi-sdk-go/v3"
	larkcore "github.com/larksuite/oapi-sdk-go/v3/core"

	"github.com/crmbot/crmbot/bot"
)

const (
	// answerBudget is how long a card callback waits for the handler
	// before it answers without a card. Feishu drops an answer that comes
	// after 3 seconds, and the answer still has to travel back.
	answerBudget = 2500 * time.Millisecond

	// shutdownGrace is how long Run waits, after its context is
	// cancelled, for messages that are being handled.
	shutdownGrace = 10 * time.Second
)

// Adapter is a Feishu or Lark connector. Create it with New and start it
// with Run.
type Adapter struct {
	cfg     Config
	client  *lark.Client
	handler bot.Handler
	logger  *slog.Logger

	// work is the context of the handling that outlives a callback's
	// answer. Run cancels it when it stops.
	work       context.Context
	cancelWork context.CancelFunc
	pending    sync.WaitGroup
	chats      chatLocks
	running    atomic.Bool

	// answerBudget and now are fields so tests can shorten the wait and
	// move the clock.
	answerBudget time.Duration
	now          func() time.Time
}

// New returns an Adapter that passes Feishu events to h. It fetches a
// tenant access token to check the credentials, and returns an error
// wrapping ErrUnauthorized if Feishu rejects them. A nil logger discards
// logs.
func New(cfg Config, h bot.Handler, logger *slog.Logger) (*Adapter, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if h == nil {
		return nil, errors.New("feishu: missing bot.Handler")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With("platform", platform)

	a := &Adapter{
		cfg:          cfg,
		handler:      h,
		logger:       logger,
		answerBudget: answerBudget,
		now:          time.Now,
	}
	a.work, a.cancelWork = context.WithCancel(context.Background())
	a.client = lark.NewClient(cfg.AppID, cfg.AppSecret,
		lark.WithOpenBaseUrl(cfg.Domain),
		lark.WithHttpClient(cfg.HTTPClient),
		lark.WithLogger(sdkLogger{logger}),
		lark.WithLogLevel(sdkLogLevel),
	)

	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	if err := a.checkCredentials(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// checkCredentials fetches a tenant access token. The SDK fetches its
// own token on the first API call; this one only proves the credentials.
func (a *Adapter) checkCredentials(ctx context.Context) error {
	resp, err := a.client.GetTenantAccessTokenBySelfBuiltApp(ctx,
		&larkcore.SelfBuiltTenantAccessTokenReq{AppID: a.cfg.AppID, AppSecret: a.cfg.AppSecret})
	if err != nil {
		return fmt.Errorf("feishu: fetch tenant access token from %s: %w", a.cfg.Domain, err)
	}
	if resp.Code != 0 {
		return fmt.Errorf("%w: tenant access token: code %d: %s; check Config.AppID, "+
			"Config.AppSecret and Config.Domain", ErrUnauthorized, resp.Code, resp.Msg)
	}
	return nil
}

// Run receives events until ctx is cancelled, then waits up to 10
// seconds for messages being handled and returns nil. In long-connection
// mode it returns an error when the connection fails for good, such as
// when Feishu rejects the app. In http mode with Config.Addr set it
// serves Handler on that address and returns an error if it cannot
// listen; without Addr it only waits, and the caller serves Handler.
// Run must not be called twice.
func (a *Adapter) Run(ctx context.Context) error {
	if !a.running.CompareAndSwap(false, true) {
		return errors.New("feishu: Run called twice")
	}
	defer a.stopWork()

	a.logger.Info("feishu connector started", "mode", a.cfg.Mode, "domain", a.cfg.Domain)
	defer a.logger.Info("feishu connector stopped")

	if a.cfg.Mode == ModeLongConnection {
		return a.runLongConnection(ctx)
	}
	if a.cfg.Addr == "" {
		<-ctx.Done()
		return nil
	}
	return a.serveHTTP(ctx)
}

// serveHTTP serves Handler on Config.Addr until ctx is cancelled.
func (a *Adapter) serveHTTP(ctx context.Context) error {
	srv := &http.Server{
		Addr:              a.cfg.Addr,
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
	}
	failed := make(chan error, 1)
	go func() { failed <- srv.ListenAndServe() }()

	select {
	case err := <-failed:
		return fmt.Errorf("feishu: serve callbacks on %s: %w", a.cfg.Addr, err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		a.logger.Warn("feishu callback server shutdown incomplete", "error", err)
	}
	return nil
}

// stopWork waits for pending handling, then cancels what remains.
func (a *Adapter) stopWork() {
	done := make(chan struct{})
	go func() { a.pending.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(shutdownGrace):
		a.logger.Warn("feishu handling still running at shutdown, cancelling it")
	}
	a.cancelWork()
}

// goWork runs f in the background under the work context. It recovers a
// panic, so one bad event never stops the connector.
func (a *Adapter) goWork(what string, f func(ctx context.Context)) {
	a.pending.Add(1)
	go func() {
		defer a.pending.Done()
		defer a.recoverPanic(what)
		f(a.work)
	}()
}

func (a *Adapter) recoverPanic(what string) {
	if r := recover(); r != nil {
		a.logger.Error("feishu handler panicked", "while", what, "panic", r)
	}
}

// chatLocks serializes the handling of messages per chat, so the replies
// to one message are sent before the next message of that chat is
// handled.
type chatLocks struct {
	mu    sync.Mutex
	locks map[string]*chatLock
}

type chatLock struct {
	mu    sync.Mutex
	users int
}

// lock locks chatID and returns its unlock function.
func (c *chatLocks) lock(chatID string) func() {
	c.mu.Lock()
	if c.locks == nil {
		c.locks = make(map[string]*chatLock)
	}
	l, ok := c.locks[chatID]
	if !ok {
		l = &chatLock{}
		c.locks[chatID] = l
	}
	l.users++
	c.mu.Unlock()

	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		c.mu.Lock()
		l.users--
		if l.users == 0 {
			delete(c.locks, chatID)
		}
		c.mu.Unlock()
	}
}
