package slack

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/crmbot/crmbot/bot"
)

// userCacheTTL is how long a user's name and locale are kept before
// users.info is called again, so a changed language is noticed.
const userCacheTTL = 12 * time.Hour

// userInfoTimeout bounds one users.info call.
const userInfoTimeout = 5 * time.Second

// userInfo is the name and locale of a Slack user.
type userInfo struct {
	name   string
	locale string
}

// userCache calls users.info once per user and caches the result for ttl.
// Concurrent lookups of the same user share one call. Failed calls are not
// cached, so the next event tries again.
type userCache struct {
	api *slack.Client
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[string]*userEntry
}

type userEntry struct {
	ready   chan struct{} // closed when info and err are set
	info    userInfo
	err     error
	expires time.Time
}

func newUserCache(api *slack.Client, ttl time.Duration, now func() time.Time) *userCache {
	return &userCache{api: api, ttl: ttl, now: now, entries: make(map[string]*userEntry)}
}

// lookup returns the user's name and locale.
func (c *userCache) lookup(ctx context.Context, userID string) (userInfo, error) {
	c.mu.Lock()
	e, ok := c.entries[userID]
	if ok {
		select {
		case <-e.ready:
			if e.err != nil || !c.now().Before(e.expires) {
				ok = false
			}
		default: // another goroutine is calling users.info
		}
	}
	if !ok {
		e = &userEntry{ready: make(chan struct{})}
		c.entries[userID] = e
		go c.fetch(ctx, userID, e)
	}
	c.mu.Unlock()

	select {
	case <-e.ready:
		return e.info, e.err
	case <-ctx.Done():
		return userInfo{}, ctx.Err()
	}
}

// fetch calls users.info for one entry. It runs without the caller's
// cancellation, so other callers waiting on the entry get a result.
func (c *userCache) fetch(ctx context.Context, userID string, e *userEntry) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), userInfoTimeout)
	defer cancel()

	u, err := c.api.GetUserInfoContext(ctx, userID, slack.GetUserInfoOptionIncludeLocale(true))
	if err == nil {
		e.info = userInfo{name: displayName(u), locale: u.Locale}
	}
	e.err = err
	e.expires = c.now().Add(c.ttl)
	close(e.ready)
}

// displayName returns the name Slack shows for u: the display name, else
// the real name, else the user name.
func displayName(u *slack.User) string {
	for _, name := range []string{u.Profile.DisplayName, u.Profile.RealName, u.RealName, u.Name} {
		if name = strings.TrimSpace(name); name != "" {
			return name
		}
	}
	return ""
}

// addUserInfo sets ev.UserName and ev.Locale from users.info. When the
// call fails, the event goes on without them and the error is logged.
func (a *Adapter) addUserInfo(ctx context.Context, ev *bot.Event) {
	info, err := a.users.lookup(ctx, ev.UserID)
	if err != nil {
		a.logger.Warn("slack users.info failed, handling the event without locale",
			"user", ev.UserID, "error", err)
		return
	}
	ev.UserName, ev.Locale = info.name, info.locale
}
