// Package dedupe is the in-memory set of recently seen keys that the chat
// connectors use to drop platform events delivered more than once. The
// bot's event store drops them durably too; this set catches them before
// any work starts.
package dedupe

import (
	"sync"
	"time"
)

// Set remembers each key for a fixed time after it was added. It is safe
// for concurrent use.
type Set struct {
	ttl time.Duration
	now func() time.Time

	mu        sync.Mutex
	expires   map[string]time.Time
	nextPrune time.Time
}

// New returns a set that keeps keys for ttl, reading the time from now
// (nil means time.Now).
func New(ttl time.Duration, now func() time.Time) *Set {
	if now == nil {
		now = time.Now
	}
	return &Set{ttl: ttl, now: now, expires: make(map[string]time.Time)}
}

// Seen reports whether key was added less than ttl ago, and adds it if
// not.
func (s *Set) Seen(key string) bool {
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

// pruneLocked drops expired keys, at most once per ttl/10, so the set
// holds about the keys added within 1.1 ttl.
func (s *Set) pruneLocked(now time.Time) {
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

// Len returns the number of keys held, expired ones not yet pruned
// included.
func (s *Set) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.expires)
}
