package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/crmbot/crmbot/bot"
)

// platform is the Event.Platform of this connector.
const platform = "slack"

// authTestTimeout bounds the auth.test call of New.
const authTestTimeout = 10 * time.Second

// shutdownGrace is how long Run waits, after its context is cancelled,
// for handlers that are still running to finish and send their replies.
// Then their context is cancelled too.
const shutdownGrace = 10 * time.Second

// Adapter is a Slack connector. Create it with New and start it with Run.
type Adapter struct {
	cfg     Config
	api     *slack.Client
	handler bot.Handler
	logger  *slog.Logger

	// botUserID and botID identify the bot's own messages, as auth.test
	// reports them.
	botUserID string
	botID     string

	users   *userCache
	threads *threadSet
	chats   chatLocks

	// work is the context of handler calls. It outlives Run's context by
	// up to shutdownGrace, so a click being handled can still reply.
	work     context.Context
	stopWork context.CancelFunc
	running  sync.WaitGroup

	// sleep waits for d or until ctx is done. Tests replace it to record
	// waits without spending them.
	sleep func(ctx context.Context, d time.Duration) error
}

// New returns an Adapter that passes Slack messages and clicks to h. It
// calls auth.test to check Config.BotToken and returns an error wrapping
// ErrUnauthorized if Slack rejects it. A nil logger discards logs.
func New(cfg Config, h bot.Handler, logger *slog.Logger) (*Adapter, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if h == nil {
		return nil, errors.New("slack: missing bot.Handler")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	api := slack.New(cfg.BotToken,
		slack.OptionAPIURL(cfg.APIURL),
		slack.OptionHTTPClient(cfg.HTTPClient),
		slack.OptionAppLevelToken(cfg.AppToken),
	)
	a := &Adapter{
		cfg:     cfg,
		api:     api,
		handler: h,
		logger:  logger.With("platform", platform),
		threads: newThreadSet(threadTTL, time.Now),
		sleep:   sleepContext,
	}
	a.users = newUserCache(api, userCacheTTL, time.Now)
	a.work, a.stopWork = context.WithCancel(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), authTestTimeout)
	defer cancel()
	auth, err := api.AuthTestContext(ctx)
	if isAuthError(err) {
		return nil, fmt.Errorf("%w: auth.test: %v; check Config.BotToken, "+
			"the bot user OAuth token (xoxb-...) of an installed app", ErrUnauthorized, err)
	}
	if err != nil {
		return nil, fmt.Errorf("slack: auth.test: %w", err)
	}
	a.botUserID, a.botID = auth.UserID, auth.BotID
	return a, nil
}

// BotUserID returns the bot's user id as auth.test reported it.
func (a *Adapter) BotUserID() string {
	return a.botUserID
}

// Run receives events until ctx is cancelled, then waits up to 10 seconds
// for running handlers to send their replies, and returns nil. In Socket
// Mode it returns an error wrapping ErrUnauthorized when Slack rejects
// Config.AppToken; other connection errors are logged and retried with
// backoff by slack-go. In http mode it serves Handler on Config.Addr and
// returns an error if it cannot listen.
func (a *Adapter) Run(ctx context.Context) error {
	var err error
	if a.cfg.Mode == ModeHTTP {
		err = a.runHTTP(ctx)
	} else {
		err = a.runSocket(ctx)
	}
	a.finishWork()
	return err
}

// finishWork waits for running handlers, for up to shutdownGrace, then
// cancels their context and waits for them to return.
func (a *Adapter) finishWork() {
	done := make(chan struct{})
	go func() {
		a.running.Wait()
		close(done)
	}()
	timer := time.NewTimer(shutdownGrace)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		a.logger.Warn("slack handlers still running after shutdown grace, cancelling them",
			"grace", shutdownGrace)
		a.stopWork()
		<-done
	}
}

// spawn runs fn in a new goroutine under the work context. The handlers
// of one chat run one at a time, in the order they were spawned, so the
// messages of a conversation are handled in order. A panic in fn is
// recovered and logged.
func (a *Adapter) spawn(chatID string, fn func(ctx context.Context)) {
	a.running.Add(1)
	wait, done := a.chats.enqueue(chatID)
	go func() {
		defer a.running.Done()
		defer done()
		defer func() {
			if r := recover(); r != nil {
				a.logger.Error("slack handler panicked",
					"chat_id", chatID, "panic", r, "stack", string(debug.Stack()))
			}
		}()
		<-wait
		fn(a.work)
	}()
}

// chatLocks queues the handlers of each chat behind each other.
type chatLocks struct {
	mu sync.Mutex
	// last maps a chat to a channel that is closed when the chat's most
	// recently queued handler finishes.
	last map[string]chan struct{}
}

// closed is a closed channel, so a receive from it returns at once.
var closed = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// enqueue returns a channel that is closed when the chat's earlier
// handlers have finished, and the function to call when this one has.
func (c *chatLocks) enqueue(chatID string) (wait <-chan struct{}, done func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last == nil {
		c.last = make(map[string]chan struct{})
	}
	prev, ok := c.last[chatID]
	if !ok {
		prev = closed
	}
	mine := make(chan struct{})
	c.last[chatID] = mine

	done = func() {
		c.mu.Lock()
		if c.last[chatID] == mine {
			delete(c.last, chatID)
		}
		c.mu.Unlock()
		close(mine)
	}
	return prev, done
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
