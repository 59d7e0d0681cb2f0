package odoo

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// stepClock is a fake clock whose sleep advances the time at once and
// records each requested duration.
type stepClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newStepClock() *stepClock {
	return &stepClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *stepClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *stepClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	return nil
}

// takeSleeps returns the sleeps recorded since the last call.
func (c *stepClock) takeSleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	sleeps := c.sleeps
	c.sleeps = nil
	return sleeps
}

// okTransport returns 200 "ok" for every request and counts them.
type okTransport struct{ requests atomic.Int64 }

func (t *okTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.requests.Add(1)
	return &http.Response{StatusCode: http.StatusOK,
		Body: io.NopCloser(strings.NewReader("ok")), Request: req}, nil
}

// getAll sends a GET to url and reads the whole body.
func getAll(ctx context.Context, client *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func TestLimitsDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   Limits
		want Limits
	}{
		{"zero", Limits{},
			Limits{DefaultMaxConcurrent, DefaultRatePerSecond, DefaultBurst}},
		{"set", Limits{3, 2.5, 4}, Limits{3, 2.5, 4}},
		{"negative burst", Limits{3, 2.5, -1}, Limits{3, 2.5, DefaultBurst}},
	}
	for _, tt := range tests {
		got := tt.in.withDefaults()
		if got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}

	unlimited := Limits{MaxConcurrent: -5, RatePerSecond: -1}.withDefaults()
	tr := newLimitedTransport(&okTransport{}, unlimited, time.Now, sleep)
	if tr.slots != nil {
		t.Errorf("negative MaxConcurrent: got %d slots, want no limit",
			cap(tr.slots))
	}
	if tr.limiter != nil {
		t.Errorf("negative RatePerSecond: got limit %v, want no limit",
			tr.limiter.Limit())
	}
}

func TestLimitedClientMaxConcurrent(t *testing.T) {
	const limit, total = 3, 20
	var inFlight, maxInFlight atomic.Int64
	release := make(chan struct{})
	server := httptest.NewServer(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for {
				m := maxInFlight.Load()
				if n <= m || maxInFlight.CompareAndSwap(m, n) {
					break
				}
			}
			<-release
			_, _ = io.WriteString(w, "ok")
		}))
	defer server.Close()

	client := LimitedHTTPClient(nil, Limits{MaxConcurrent: limit,
		RatePerSecond: -1})
	errs := make(chan error, total)
	for range total {
		go func() { errs <- getAll(context.Background(), client, server.URL) }()
	}

	// Wait until the limit is reached, then give a further request the
	// time to slip through if the limit were broken.
	deadline := time.Now().Add(5 * time.Second)
	for inFlight.Load() < limit && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	if got := inFlight.Load(); got != limit {
		t.Errorf("requests in flight while blocked: got %d, want %d",
			got, limit)
	}
	close(release)

	for range total {
		if err := <-errs; err != nil {
			t.Errorf("request: %v", err)
		}
	}
	if got := maxInFlight.Load(); got > limit {
		t.Errorf("max requests in flight: got %d, want at most %d", got, limit)
	}
}

func TestLimitedClientRate(t *testing.T) {
	clock := newStepClock()
	next := &okTransport{}
	tr := newLimitedTransport(next,
		Limits{MaxConcurrent: -1, RatePerSecond: 10, Burst: 2}.withDefaults(),
		clock.Now, clock.Sleep)
	client := &http.Client{Transport: tr}
	ctx := context.Background()

	for i := range 5 {
		if err := getAll(ctx, client, "http://odoo.test/"); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	// The burst of 2 starts at once, then one request every 100 ms.
	want := []time.Duration{100 * time.Millisecond, 100 * time.Millisecond,
		100 * time.Millisecond}
	if got := clock.takeSleeps(); !equalDurations(got, want) {
		t.Errorf("waits of 5 requests: got %v, want %v", got, want)
	}

	// After a second of idle time the burst is available again.
	clock.Advance(time.Second)
	for i := range 2 {
		if err := getAll(ctx, client, "http://odoo.test/"); err != nil {
			t.Fatalf("request after idle %d: %v", i, err)
		}
	}
	if got := clock.takeSleeps(); len(got) != 0 {
		t.Errorf("waits after idle: got %v, want none", got)
	}
	if got := next.requests.Load(); got != 7 {
		t.Errorf("requests sent: got %d, want 7", got)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestLimitedClientRateRealClock checks the rate with the real clock.
// Only a lower bound is checked, because timers never fire early but may
// fire late.
func TestLimitedClientRateRealClock(t *testing.T) {
	next := &okTransport{}
	client := &http.Client{Transport: newLimitedTransport(next,
		Limits{MaxConcurrent: -1, RatePerSecond: 20, Burst: 1}.withDefaults(),
		time.Now, sleep)}

	start := time.Now()
	for i := range 4 {
		if err := getAll(context.Background(), client,
			"http://odoo.test/"); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	// One request at once, then three at 50 ms intervals.
	if elapsed := time.Since(start); elapsed < 140*time.Millisecond {
		t.Errorf("4 requests at 20/s took %v, want at least 150ms", elapsed)
	}
}

func TestLimitedClientCancelWhileWaitingForSlot(t *testing.T) {
	var requests atomic.Int64
	started := make(chan struct{}, 1)
	release := make(chan struct{})
	server := httptest.NewServer(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			started <- struct{}{}
			<-release
		}))
	defer server.Close()
	client := LimitedHTTPClient(nil, Limits{MaxConcurrent: 1,
		RatePerSecond: -1})

	first := make(chan error, 1)
	go func() { first <- getAll(context.Background(), client, server.URL) }()
	<-started

	ctx, cancel := context.WithCancel(context.Background())
	second := make(chan error, 1)
	go func() { second <- getAll(ctx, client, server.URL) }()
	time.Sleep(20 * time.Millisecond)
	cancel()

	err := <-second
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled request: got %v, want context.Canceled", err)
	}
	if got := requests.Load(); got != 1 {
		t.Errorf("requests received: got %d, want 1", got)
	}

	close(release)
	if err := <-first; err != nil {
		t.Errorf("first request: %v", err)
	}
	// The slot of the first request is free again.
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	go func() { <-started }()
	if err := getAll(ctx, client, server.URL); err != nil {
		t.Errorf("request after release: %v", err)
	}
}

func TestLimitedClientTimeoutIncludesWait(t *testing.T) {
	var requests atomic.Int64
	release := make(chan struct{})
	server := httptest.NewServer(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			<-release
		}))
	defer server.Close()
	base := &http.Client{Timeout: 100 * time.Millisecond}
	client := LimitedHTTPClient(base, Limits{MaxConcurrent: 1,
		RatePerSecond: -1})

	// The first request, sent without a timeout through the same limited
	// transport, holds the only slot, so the second one times out while
	// it waits for the slot.
	holder := &http.Client{Transport: client.Transport}
	first := make(chan error, 1)
	go func() { first <- getAll(context.Background(), holder, server.URL) }()
	for requests.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	err := getAll(context.Background(), client, server.URL)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting request: got %v, want a timeout", err)
	}
	if got := requests.Load(); got != 1 {
		t.Errorf("requests received: got %d, want 1", got)
	}
	close(release)
	if err := <-first; err != nil {
		t.Errorf("first request: %v", err)
	}
}

func TestLimitedClientCancelWhileWaitingForRate(t *testing.T) {
	next := &okTransport{}
	// One request every 1000 s, so the second one waits.
	client := &http.Client{Transport: newLimitedTransport(next,
		Limits{MaxConcurrent: -1, RatePerSecond: 0.001,
			Burst: 1}.withDefaults(), time.Now, sleep)}
	if err := getAll(context.Background(), client,
		"http://odoo.test/"); err != nil {
		t.Fatalf("first request: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	err := getAll(ctx, client, "http://odoo.test/")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled request: got %v, want context.Canceled", err)
	}

	ctx, cancel = context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	err = getAll(ctx, client, "http://odoo.test/")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("request past deadline: got %v, want DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("request past deadline failed after %v, want at once",
			elapsed)
	}
	if got := next.requests.Load(); got != 1 {
		t.Errorf("requests sent: got %d, want 1", got)
	}
}

func TestLimitedClientCancelledWaitReturnsToken(t *testing.T) {
	clock := newStepClock()
	tr := newLimitedTransport(&okTransport{},
		Limits{MaxConcurrent: -1, RatePerSecond: 1, Burst: 1}.withDefaults(),
		clock.Now, clock.Sleep)
	client := &http.Client{Transport: tr}
	if err := getAll(context.Background(), client,
		"http://odoo.test/"); err != nil {
		t.Fatalf("first request: %v", err)
	}

	// The context ends during the wait for the second token.
	var waits []time.Duration
	tr.sleep = func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		return context.Canceled
	}
	err := getAll(context.Background(), client, "http://odoo.test/")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled request: got %v, want context.Canceled", err)
	}
	if len(waits) != 1 || waits[0] != time.Second {
		t.Fatalf("wait of the cancelled request: got %v, want [1s]", waits)
	}

	// The cancelled reservation is given back, so the next token is due
	// in 1 s, not 2 s.
	tr.sleep = clock.Sleep
	if err := getAll(context.Background(), client,
		"http://odoo.test/"); err != nil {
		t.Fatalf("request after cancel: %v", err)
	}
	want := []time.Duration{time.Second}
	if got := clock.takeSleeps(); !equalDurations(got, want) {
		t.Errorf("wait after a cancelled request: got %v, want %v", got, want)
	}
}

func TestLimitedClientReusesConnections(t *testing.T) {
	var newConns atomic.Int64
	server := httptest.NewUnstartedServer(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(time.Millisecond)
			_, _ = io.WriteString(w, strings.Repeat("x", 1000))
		}))
	server.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			newConns.Add(1)
		}
	}
	server.Start()
	defer server.Close()

	const limit = 4
	client := LimitedHTTPClient(nil, Limits{MaxConcurrent: limit,
		RatePerSecond: -1})
	for i := range 10 {
		if err := getAll(context.Background(), client, server.URL); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	if got := newConns.Load(); got != 1 {
		t.Errorf("connections for 10 sequential requests: got %d, want 1",
			got)
	}

	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 10 {
				if err := getAll(context.Background(), client,
					server.URL); err != nil {
					t.Errorf("concurrent request: %v", err)
				}
			}
		})
	}
	wg.Wait()
	if got := newConns.Load(); got > limit {
		t.Errorf("connections for 80 requests by 8 goroutines: got %d, "+
			"want at most %d", got, limit)
	}
}

func TestLimitedHTTPClientKeepsBase(t *testing.T) {
	next := &okTransport{}
	jar := &nullJar{}
	base := &http.Client{Transport: next, Timeout: 7 * time.Second, Jar: jar}
	client := LimitedHTTPClient(base, Limits{})

	if client == base {
		t.Fatal("got the base client, want a new one")
	}
	if client.Timeout != base.Timeout {
		t.Errorf("timeout: got %v, want %v", client.Timeout, base.Timeout)
	}
	if client.Jar != jar {
		t.Errorf("jar: got %v, want the base jar", client.Jar)
	}
	if err := getAll(context.Background(), client,
		"http://odoo.test/"); err != nil {
		t.Fatalf("request: %v", err)
	}
	if got := next.requests.Load(); got != 1 {
		t.Errorf("requests through the base transport: got %d, want 1", got)
	}
	if base.Transport != next {
		t.Error("base transport was replaced, want base left unchanged")
	}
}

func TestLimitedHTTPClientNilBase(t *testing.T) {
	client := LimitedHTTPClient(nil, Limits{MaxConcurrent: 12})
	if client.Timeout != 30*time.Second {
		t.Errorf("timeout: got %v, want 30s", client.Timeout)
	}
	tr, ok := client.Transport.(*limitedTransport)
	if !ok {
		t.Fatalf("transport: got %T, want *limitedTransport", client.Transport)
	}
	next, ok := tr.next.(*http.Transport)
	if !ok {
		t.Fatalf("underlying transport: got %T, want *http.Transport",
			tr.next)
	}
	if next == http.DefaultTransport {
		t.Error("underlying transport is http.DefaultTransport, want a clone")
	}
	if next.MaxIdleConnsPerHost != 12 {
		t.Errorf("MaxIdleConnsPerHost: got %d, want 12",
			next.MaxIdleConnsPerHost)
	}
}

// nullJar is a cookie jar that stores nothing.
type nullJar struct{}

func (*nullJar) SetCookies(*url.URL, []*http.Cookie) {}
func (*nullJar) Cookies(*url.URL) []*http.Cookie     { return nil }

func TestLimitedCreateNotSentIsNotUnknown(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "[1]")
	}))
	defer srv.Close()
	// One request every 1000 s: the second create waits past its deadline.
	hc := LimitedHTTPClient(nil, Limits{MaxConcurrent: -1, RatePerSecond: 0.001, Burst: 1})
	c, err := New(Config{URL: srv.URL, APIKey: "k", HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(context.Background(), "res.partner", map[string]any{"name": "A"}); err != nil {
		t.Fatalf("first create: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.Create(ctx, "res.partner", map[string]any{"name": "B"})
	if err == nil {
		t.Fatal("second create succeeded despite the rate limit")
	}
	if IsOutcomeUnknown(err) {
		t.Errorf("create that never left reported as outcome unknown: %v", err)
	}
}
