package slack

import (
	"sync"
	"time"
)

// dedupeTTL is how long the default dedupe set remembers a key. Slack
// retries an unacknowledged event three times within about five minutes,
// so an hour leaves a wide margin.
const dedupeTTL = time.Hour

// seenSet is an in-memory set of keys that drops each key ttl after it
// was added. It is safe for concurrent use.
type seenSet struct {
	ttl time.Duration
	now func() time.Time

	mu        sync.Mutex
	expires   map[string]time.Time
	nextPrune time.Time
}

func newSeenSet(ttl time.Duration, now func() time.Time) *seenSet {
	return &seenSet{ttl: ttl, now: now, expires: make(map[string]time.Time)}
}

// seen reports whether key was added less than ttl ago, and adds it if
// not.
func (s *seenSet) seen(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()

	now := s.now()
	s.pruneLocked(now)
	if exp, ok := s.expires[key]; ok && now.Before(exp) {
		return true
	}
	s.expires[key] = now.Add(s.ttl)
	return false
}

// pruneLocked drops expired keys, at most once per ttl/10, so memory holds about
// the keys added within 1.1 ttl.
func (s *seenSet) pruneLocked(now time.Time) {
	if now.Before(s.nextPrune) {
		return
	}
	for key, exp := range s.expires {
		if !now.Before(exp) {
			delete(s.expires, key)
		}
	}
	s.nextPrune = now.Add(s.ttl / 10)
}
