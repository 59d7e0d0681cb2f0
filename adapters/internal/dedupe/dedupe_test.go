package dedupe

import (
	"testing"
	"time"
)

func TestSetExpiresKeys(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	s := New(time.Hour, func() time.Time { return now })
	if s.Seen("a") {
		t.Error("first Seen(a) = true, want false")
	}
	if !s.Seen("a") {
		t.Error("second Seen(a) = false, want true")
	}
	now = now.Add(time.Hour)
	if s.Seen("a") {
		t.Error("Seen(a) after the ttl = true, want false")
	}
}

func TestSetPrunes(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	s := New(time.Hour, func() time.Time { return now })
	for _, k := range []string{"a", "b", "c"} {
		s.Seen(k)
	}
	now = now.Add(2 * time.Hour)
	s.Seen("d")
	if got := s.Len(); got != 1 {
		t.Errorf("keys held after the others expired = %d, want 1", got)
	}
}
