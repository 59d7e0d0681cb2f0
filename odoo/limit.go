package odoo

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits bound the load that one process puts on one Odoo server. The
// zero value means DefaultMaxConcurrent requests at a time and
// DefaultRatePerSecond requests per second with bursts of DefaultBurst.
type Limits struct {
	// MaxConcurrent is the maximum number of requests in flight at once.
	// A request counts until its response body is read to the end or
	// closed. 0 means DefaultMaxConcurrent and a negative value means no
	// limit.
	MaxConcurrent int
	// RatePerSecond is the sustained number of requests started per
	// second. 0 means DefaultRatePerSecond. A negative or infinite value
	// means no limit.
	RatePerSecond float64
	// Burst is the number of requests that may start at once after an
	// idle period, above the sustained rate. 0 or a negative value means
	// DefaultBurst. It has no effect when the rate is unlimited.
	Burst int
}

// Default limits, used for the zero fields of Limits.
//
// NOTE: these are estimates for a small Odoo deployment with a few
// workers, not measured limits. Raise them for a server with more
// workers.
const (
	DefaultMaxConcurrent = 8
	DefaultRatePerSecond = 10.0
	DefaultBurst         = 10
)

// limitedClientTimeout is the Timeout of the client built for a nil base,
// the same as that of a Client without Config.HTTPClient.
const limitedClientTimeout = 30 * time.Second

// unlimitedIdleConns is the idle connection pool size per host when the
// concurrency is unlimited.
const unlimitedIdleConns = 32

// withDefaults returns l with the zero fields set to their defaults and
// every unlimited setting expressed as -1 (or +Inf for the rate).
func (l Limits) withDefaults() Limits {
	switch {
	case l.MaxConcurrent == 0:
		l.MaxConcurrent = DefaultMaxConcurrent
	case l.MaxConcurrent < 0:
		l.MaxConcurrent = -1
	}

	switch {
	case math.IsNaN(l.RatePerSecond) || l.RatePerSecond == 0:
		l.RatePerSecond = DefaultRatePerSecond
	case l.RatePerSecond < 0:
		l.RatePerSecond = math.Inf(1)
	}

	if l.Burst <= 0 {
		l.Burst = DefaultBurst
	}
	return l
}

// LimitedHTTPClient returns an HTTP client for Config.HTTPClient that
// waits, before each request, for a free slot among l.MaxConcurrent and
// for a token of the l.RatePerSecond rate. The waits honour the request's
// context: a request whose context ends while it waits is never sent, and
// the error wraps the context's error. A request whose rate wait would
// outlast the context's deadline fails at once with
// context.DeadlineExceeded.
//
// The returned client keeps base's Timeout, which includes the wait,
// and its redirect policy and cookie jar, and sends through base's
// transport, so keep-alive connections are reused as before. A nil base
// means a client with a 30 s timeout. A nil base or a base without a
// Transport gets a clone of http.DefaultTransport that keeps up to
// MaxConcurrent idle connections to the server (32 without a concurrency
// limit), because the default keeps only 2.
//
// Each call has its own limits. To protect one server, give the same
// client to every Client that calls it, one per API key included.
func LimitedHTTPClient(base *http.Client, l Limits) *http.Client {
	l = l.withDefaults()

	limited := &http.Client{Timeout: limitedClientTimeout}
	if base != nil {
		*limited = *base
	}
	next := limited.Transport
	if next == nil {
		next = tunedTransport(l.MaxConcurrent)
	}
	limited.Transport = newLimitedTransport(next, l, time.Now, sleep)
	return limited
}

// tunedTransport returns a clone of http.DefaultTransport whose idle pool
// keeps a connection for each request that may be in flight.
func tunedTransport(maxConcurrent int) *http.Transport {
	idle := maxConcurrent
	if idle < 0 {
		idle = unlimitedIdleConns
	}

	var t *http.Transport
	if d, ok := http.DefaultTransport.(*http.Transport); ok {
		t = d.Clone()
	} else {
		// Another package replaced http.DefaultTransport, so build the
		// standard one.
		t = &http.Transport{
			Proxy: http.ProxyFromEnvironment,
			DialContext: (&net.Dialer{Timeout: 30 * time.Second,
				KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:     true,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
		}
	}
	t.MaxIdleConnsPerHost = idle
	t.MaxIdleConns = max(t.MaxIdleConns, idle)
	return t
}

// limitedTransport is an http.RoundTripper that waits for a concurrency
// slot and a rate token before passing each request to next.
type limitedTransport struct {
	next http.RoundTripper
	// slots has one element per request in flight. It is nil when the
	// concurrency is unlimited.
	slots chan struct{}
	// limiter is nil when the rate is unlimited.
	limiter *rate.Limiter
	// now and sleep are the clock, replaced in tests.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

func newLimitedTransport(next http.RoundTripper, l Limits,
	now func() time.Time,
	sleep func(context.Context, time.Duration) error) *limitedTransport {
	t := &limitedTransport{next: next, now: now, sleep: sleep}
	if l.MaxConcurrent > 0 {
		t.slots = make(chan struct{}, l.MaxConcurrent)
	}
	if !math.IsInf(l.RatePerSecond, 1) {
		t.limiter = rate.NewLimiter(rate.Limit(l.RatePerSecond), l.Burst)
	}
	return t
}

// RoundTrip waits for a slot and a token, then sends req. The slot is
// released when the response body reaches its end or is closed, or when
// sending fails.
func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response,
	error) {
	// Failures of the waits wrap errNotSent, so that Client does not
	// report a create that never left as one whose outcome is unknown.
	ctx := req.Context()
	if err := t.acquire(ctx); err != nil {
		closeRequestBody(req)
		return nil, fmt.Errorf("%w: wait for a request slot: %w", errNotSent, err)
	}
	if err := t.waitRate(ctx); err != nil {
		t.release()
		closeRequestBody(req)
		return nil, fmt.Errorf("%w: wait for the request rate: %w", errNotSent, err)
	}

	resp, err := t.next.RoundTrip(req)
	if err != nil {
		t.release()
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: t.release}
	return resp, nil
}

// CloseIdleConnections closes the idle connections of the underlying
// transport, so that http.Client.CloseIdleConnections reaches it.
func (t *limitedTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// acquire waits for a concurrency slot or for ctx to end.
func (t *limitedTransport) acquire(ctx context.Context) error {
	// Check first, because select picks at random when a slot is free
	// too.
	if err := ctx.Err(); err != nil {
		return err
	}
	if t.slots == nil {
		return nil
	}
	select {
	case t.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (t *limitedTransport) release() {
	if t.slots != nil {
		<-t.slots
	}
}

// waitRate waits until the rate limiter grants a token. It reserves the
// token first, so that a wait that cannot end before the context's
// deadline fails at once, and gives the token back when the wait is
// cut short.
func (t *limitedTransport) waitRate(ctx context.Context) error {
	if t.limiter == nil {
		return nil
	}
	now := t.now()
	reservation := t.limiter.ReserveN(now, 1)
	delay := reservation.DelayFrom(now)
	if delay == 0 {
		return nil
	}

	if deadline, ok := ctx.Deadline(); ok && deadline.Before(now.Add(delay)) {
		reservation.CancelAt(now)
		return context.DeadlineExceeded
	}
	if err := t.sleep(ctx, delay); err != nil {
		reservation.CancelAt(t.now())
		return err
	}
	return nil
}

// closeRequestBody closes the body of a request that is not sent, as the
// http.RoundTripper contract requires.
func closeRequestBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// releasingBody is a response body that frees the request's concurrency
// slot once, at the end of the body or when it is closed, whichever comes
// first.
type releasingBody struct {
	io.ReadCloser
	release func()
	once    sync.Once
}

func (b *releasingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		// An *http.Transport has put the connection back in its idle
		// pool by the time Read returns io.EOF, so the request that
		// takes this slot can reuse it.
		b.once.Do(b.release)
	}
	return n, err
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}
