package slack

import (
	"sync"
	"time"
)

// threadTTL is how long the adapter keeps handling replies without a
// mention in a thread after its last message there.
const threadTTL = 24 * time.Hour

// threadSet records the channel threads where the bot talks, keyed by
// ChatID, so that replies in them need no mention. It is safe for
// concurrent use.
//
// NOTE: the set is in memory. After a restart, a reply in an old thread
// is ignored until the user mentions the bot there again.
type threadSet struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	expires map[string]time.Time
}

func newThreadSet(ttl time.Duration, now func() time.Time) *threadSet {
	return &threadSet{ttl: ttl, now: now, expires: make(map[string]time.Time)}
}

// add marks the thread active for another ttl and drops expired threads.
func (s *threadSet) add(chatID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for id, exp := range s.expires {
		if !now.Before(exp) {
			delete(s.expires, id)
		}
	}
	s.expires[chatID] = now.Add(s.ttl)
}

// active reports whether the bot talked in the thread within ttl.
func (s *threadSet) active(chatID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.expires[chatID]
	return ok && s.now().Before(exp)
}
