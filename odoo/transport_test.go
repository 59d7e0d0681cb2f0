package odoo

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/odoo/odoosim"
)

// requestCounter counts the requests that reach a handler, by path and,
// for /jsonrpc, by service and method ("/jsonrpc common.login").
type requestCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *requestCounter) count(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[key]
}

// wrap returns next behind the counter. When legacyVersion is set, a
// /jsonrpc common.version returns the version of an Odoo 17 server.
func (c *requestCounter) wrap(next http.Handler,
	legacyVersion bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Path
		if key == "/jsonrpc" {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var req struct {
				Params struct{ Service, Method string } `json:"params"`
			}
			_ = json.Unmarshal(body, &req)
			key += " " + req.Params.Service + "." + req.Params.Method
		}
		c.mu.Lock()
		if c.counts == nil {
			c.counts = map[string]int{}
		}
		c.counts[key]++
		c.mu.Unlock()

		switch {
		case legacyVersion && key == "/json/version",
			legacyVersion && strings.HasPrefix(key, "/json/2/"):
			http.NotFound(w, r)
		case legacyVersion && key == "/jsonrpc common.version":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"jsonrpc": "2.0", "id": 1, "result": `+
				`{"server_version": "17.0", "server_version_info": `+
				`[17, 0, 0, "final", 0, ""], "protocol_version": 1}}`)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// countedSim serves a simulator behind a request counter. With
// legacyVersion, the server presents itself as Odoo 17: no /json/version
// route, no JSON-2, and version 17.0 from common.version.
func countedSim(t *testing.T, legacyVersion bool) (*odoosim.Server,
	*requestCounter, string) {
	t.Helper()
	sim := odoosim.New(odoosim.Options{})
	counter := &requestCounter{}
	server := httptest.NewServer(counter.wrap(sim.Handler(), legacyVersion))
	t.Cleanup(server.Close)
	return sim, counter, server.URL
}

func TestTransportFixed(t *testing.T) {
	tests := []struct {
		config string
		want   string
	}{
		{"", TransportJSON2},
		{TransportJSON2, TransportJSON2},
		{TransportJSONRPC, TransportJSONRPC},
	}
	for _, tt := range tests {
		c, err := New(Config{URL: "http://127.0.0.1:1", Transport: tt.config,
			Login: "admin", Database: "crm19"})
		if err != nil {
			t.Fatalf("New(transport %q): %v", tt.config, err)
		}
		got, err := c.Transport(context.Background())
		if err != nil || got != tt.want {
			t.Errorf("Transport() with %q: got %q, %v, want %q", tt.config,
				got, err, tt.want)
		}
	}
}

func TestNewValidatesTransport(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"unknown", Config{Transport: "xmlrpc"}, `invalid transport "xmlrpc"`},
		{"jsonrpc without login", Config{Transport: TransportJSONRPC,
			Database: "crm19"}, "Config.Login"},
		{"jsonrpc without database", Config{Transport: TransportJSONRPC,
			Login: "admin"}, "Config.Database"},
	}
	for _, tt := range tests {
		tt.cfg.URL = "http://127.0.0.1:8069"
		_, err := New(tt.cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%s): got %v, want an error containing %q",
				tt.name, err, tt.want)
		}
	}
}

func TestAutoChoosesJSON2OnOdoo19(t *testing.T) {
	ctx := context.Background()
	sim, counter, url := countedSim(t, false)
	c, err := New(Config{URL: url, Database: sim.Database(),
		APIKey: sim.AdminKey(), Transport: TransportAuto})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Transport(ctx)
	if err != nil {
		t.Fatalf("Transport: %v", err)
	}
	if got != TransportJSON2 {
		t.Errorf("Transport: got %q, want %q", got, TransportJSON2)
	}
	if _, err := c.SearchCount(ctx, "res.partner", nil); err != nil {
		t.Fatalf("search_count: %v", err)
	}
	if n := counter.count("/json/2/res.partner/search_count"); n != 1 {
		t.Errorf("JSON-2 search_count requests: got %d, want 1", n)
	}
	if n := counter.count("/json/version"); n != 1 {
		t.Errorf("/json/version requests: got %d, want 1", n)
	}
}

func TestAutoChoosesJSONRPCOnOdoo17(t *testing.T) {
	ctx := context.Background()
	sim, counter, url := countedSim(t, true)
	c, err := New(Config{URL: url, Database: sim.Database(),
		APIKey: sim.SalesKey(), Login: "sales1", Transport: TransportAuto})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Transport(ctx)
	if err != nil {
		t.Fatalf("Transport: %v", err)
	}
	if got != TransportJSONRPC {
		t.Errorf("Transport: got %q, want %q", got, TransportJSONRPC)
	}

	userContext, err := c.ContextGet(ctx)
	if err != nil {
		t.Fatalf("context_get: %v", err)
	}
	if uid := Record(userContext).Int("uid"); uid != odoosim.SalesUID {
		t.Errorf("uid: got %d, want %d", uid, odoosim.SalesUID)
	}
	checks := []struct {
		key  string
		want int
	}{
		{"/json/version", 1},
		{"/jsonrpc common.version", 1},
		{"/jsonrpc common.login", 1},
		{"/jsonrpc object.execute_kw", 1},
		{"/json/2/res.users/context_get", 0},
	}
	for _, check := range checks {
		if got := counter.count(check.key); got != check.want {
			t.Errorf("%s requests: got %d, want %d", check.key, got,
				check.want)
		}
	}
}

func TestAutoOnOdoo17NeedsLogin(t *testing.T) {
	sim, _, url := countedSim(t, true)
	c, err := New(Config{URL: url, Database: sim.Database(),
		APIKey: sim.AdminKey(), Transport: TransportAuto})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ContextGet(context.Background())
	if !IsInvalidKey(err) {
		t.Errorf("IsInvalidKey: got false, want true; error %v", err)
	}
	if err == nil || !strings.Contains(err.Error(), "Config.Login") {
		t.Errorf("error: got %v, want it to name Config.Login", err)
	}
}

func TestAutoResolvesOnceConcurrently(t *testing.T) {
	ctx := context.Background()
	sim, counter, url := countedSim(t, true)
	c, err := New(Config{URL: url, Database: sim.Database(),
		APIKey: sim.AdminKey(), Login: "admin", Transport: TransportAuto})
	if err != nil {
		t.Fatal(err)
	}

	const workers = 16
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			if _, err := c.SearchCount(ctx, "crm.lead", nil); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("search_count: %v", err)
	}

	checks := []struct {
		key  string
		want int
	}{
		{"/json/version", 1},
		{"/jsonrpc common.version", 1},
		{"/jsonrpc common.login", 1},
		{"/jsonrpc object.execute_kw", workers},
	}
	for _, check := range checks {
		if got := counter.count(check.key); got != check.want {
			t.Errorf("%s requests: got %d, want %d", check.key, got,
				check.want)
		}
	}
}

func TestLoginOncePerClient(t *testing.T) {
	ctx := context.Background()
	sim, counter, url := countedSim(t, false)
	newClient := func() *Client {
		c, err := New(Config{URL: url, Database: sim.Database(),
			APIKey: sim.AdminKey(), Login: "admin",
			Transport: TransportJSONRPC})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	first := newClient()
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if _, err := first.ContextGet(ctx); err != nil {
				t.Errorf("context_get: %v", err)
			}
		})
	}
	wg.Wait()
	for range 3 {
		if _, err := first.SearchCount(ctx, "res.partner", nil); err != nil {
			t.Fatalf("search_count: %v", err)
		}
	}
	if got := counter.count("/jsonrpc common.login"); got != 1 {
		t.Errorf("logins of one client: got %d, want 1", got)
	}

	if _, err := newClient().ContextGet(ctx); err != nil {
		t.Fatalf("context_get of a second client: %v", err)
	}
	if got := counter.count("/jsonrpc common.login"); got != 2 {
		t.Errorf("logins of two clients: got %d, want 2", got)
	}
}

func TestLoginNotCachedAfterFailure(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	logins := 0
	server := httptest.NewServer(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			mu.Lock()
			defer mu.Unlock()
			result := "true"
			if bytes.Contains(body, []byte(`"login"`)) {
				logins++
				// The first login is rejected, as when the key was
				// created after the client started.
				result = "false"
				if logins > 1 {
					result = "2"
				}
			}
			_, _ = io.WriteString(w, `{"jsonrpc": "2.0", "id": 1, `+
				`"result": `+result+`}`)
		}))
	defer server.Close()
	c, err := New(Config{URL: server.URL, Database: "crm19", APIKey: "k",
		Login: "admin", Transport: TransportJSONRPC})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetWon(ctx, 1); !IsInvalidKey(err) {
		t.Errorf("first call: got %v, want an invalid key error", err)
	}
	if err := c.SetWon(ctx, 1); err != nil {
		t.Errorf("second call: %v", err)
	}
	if err := c.SetWon(ctx, 1); err != nil {
		t.Errorf("third call: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if logins != 2 {
		t.Errorf("logins: got %d, want 2", logins)
	}
}

func TestAutoFailureNotCached(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	unavailable := true
	sim := odoosim.New(odoosim.Options{})
	server := httptest.NewServer(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			down := unavailable
			mu.Unlock()
			if down {
				http.Error(w, "restarting", http.StatusServiceUnavailable)
				return
			}
			sim.Handler().ServeHTTP(w, r)
		}))
	defer server.Close()
	c, err := New(Config{URL: server.URL, Database: sim.Database(),
		APIKey: sim.AdminKey(), Transport: TransportAuto})
	if err != nil {
		t.Fatal(err)
	}
	c.backoff = time.Millisecond

	_, err = c.Transport(ctx)
	if !IsTransient(err) {
		t.Errorf("Transport while down: got %v, want a transient error", err)
	}
	mu.Lock()
	unavailable = false
	mu.Unlock()
	got, err := c.Transport(ctx)
	if err != nil || got != TransportJSON2 {
		t.Errorf("Transport after restart: got %q, %v, want %q", got, err,
			TransportJSON2)
	}
}

func TestAutoStopsOnMissingDatabase(t *testing.T) {
	sim, counter, url := countedSim(t, false)
	c, err := New(Config{URL: url, Database: "nosuchdb",
		APIKey: sim.AdminKey(), Transport: TransportAuto})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ContextGet(context.Background())
	if !IsDatabaseNotFound(err) {
		t.Errorf("error: got %v, want database not found", err)
	}
	if got := counter.count("/jsonrpc common.version"); got != 0 {
		t.Errorf("common.version requests: got %d, want 0", got)
	}
}

func TestTransportHonorsContext(t *testing.T) {
	release := make(chan struct{})
	server := httptest.NewServer(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			<-release
			http.NotFound(w, r)
		}))
	defer server.Close()
	defer close(release)
	c, err := New(Config{URL: server.URL, Transport: TransportAuto})
	if err != nil {
		t.Fatal(err)
	}

	// The first caller holds the resolution while the server hangs.
	go func() { _, _ = c.Transport(context.Background()) }()
	time.Sleep(20 * time.Millisecond)

	ctx, cancel := context.WithTimeout(context.Background(),
		30*time.Millisecond)
	defer cancel()
	_, err = c.Transport(ctx)
	if asError(err) == nil {
		t.Errorf("error: got %v (%T), want *odoo.Error", err, err)
	}
	if !IsTransient(err) {
		t.Errorf("IsTransient: got false, want true for a deadline; "+
			"error %v", err)
	}
}
