package feishu

import (
	"sync"
	"time"
)

// dedupeTTL is how long the default dedupe set keeps a key. Feishu
// retries an undelivered event after 15 seconds, 5 minutes, 1 hour and
// 6 hours, so a day covers every retry.
const dedupeTTL = 24 * time.Hour

// seenSet is an in-memory set of keys that expire after a TTL.
type seenSet struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	expires map[string]time.Time
	// nextPurge is when expired keys are next removed, so the map does
	// not grow for ever and is not scanned on every call.
	nextPurge time.Time
}

func newSeenSet(ttl time.Duration, now func() time.Time) *seenSet {
	return &seenSet{ttl: ttl, now: now, expires: make(map[string]time.Time)}
}

// seen reports whether key was recorded within the TTL, and records it.
func (s *seenSet) seen(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()

	now := s.now()
	if now.After(s.nextPurge) {
		for k, exp := range s.expires {
			if now.After(exp) {
				delete(s.expires, k)
			}
		}
		s.nextPurge = now.Add(s.ttl / 24)
	}

	if exp, ok := s.expires[key]; ok && !now.After(exp) {
		return true
	}
	s.expires[key] = now.Add(s.ttl)
	return false
}
