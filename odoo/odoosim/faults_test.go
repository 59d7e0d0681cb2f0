package odoosim_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/crmbot/crmbot/odoo"
	"github.com/crmbot/crmbot/odoo/odoosim"
)

// startClient starts a simulator on 127.0.0.1 and returns it with an odoo
// client that calls it with key.
func startClient(t *testing.T,
	key func(*odoosim.Server) string) (*odoosim.Server, *odoo.Client) {
	t.Helper()
	sim := odoosim.New(odoosim.Options{})
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	client, err := odoo.New(odoo.Config{URL: url, Database: sim.Database(),
		APIKey: key(sim)})
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	return sim, client
}

func adminKey(sim *odoosim.Server) string { return sim.AdminKey() }

// partnersNamed returns the partners of sim called name.
func partnersNamed(sim *odoosim.Server, name string) int {
	n := 0
	for _, r := range sim.Records("res.partner") {
		if r["name"] == name {
			n++
		}
	}
	return n
}

func TestLostCreateResponseCommits(t *testing.T) {
	ctx := context.Background()
	sim, client := startClient(t, adminKey)
	sim.LoseNextResponse("res.partner", "create")
	before := sim.Calls()

	_, err := client.Create(ctx, "res.partner",
		map[string]any{"name": "Lost Response Ltd"})
	if err == nil {
		t.Fatal("create: got no error, want the lost response to fail it")
	}
	if !odoo.IsOutcomeUnknown(err) {
		t.Errorf("IsOutcomeUnknown(%v): got false, want true", err)
	}
	if got := sim.Calls() - before; got != 1 {
		t.Errorf("requests: got %d, want 1 (create is never resent)", got)
	}
	if got := partnersNamed(sim, "Lost Response Ltd"); got != 1 {
		t.Errorf("partners created: got %d, want 1", got)
	}
}

func TestDroppedCreateChangesNothing(t *testing.T) {
	ctx := context.Background()
	sim, client := startClient(t, adminKey)
	sim.DropNext("res.partner", "create")

	_, err := client.Create(ctx, "res.partner",
		map[string]any{"name": "Dropped Ltd"})
	if err == nil {
		t.Fatal("create: got no error, want the dropped connection to fail it")
	}
	// The client cannot tell a drop before the call from one after it.
	if !odoo.IsOutcomeUnknown(err) {
		t.Errorf("IsOutcomeUnknown(%v): got false, want true", err)
	}
	if got := partnersNamed(sim, "Dropped Ltd"); got != 0 {
		t.Errorf("partners created: got %d, want 0", got)
	}
}

func TestDroppedReadIsRetried(t *testing.T) {
	ctx := context.Background()
	sim, client := startClient(t, adminKey)
	sim.DropNext("res.partner", "search_read")
	before := sim.Calls()

	records, err := client.SearchRead(ctx, "res.partner",
		[]any{[]any{"name", "=", "Jordan Lee"}}, []string{"name"},
		odoo.SearchOptions{})
	if err != nil {
		t.Fatalf("search_read: %v", err)
	}
	if len(records) != 1 {
		t.Errorf("records: got %d, want 1", len(records))
	}
	if got := sim.Calls() - before; got != 2 {
		t.Errorf("requests: got %d, want 2 (one dropped, one retry)", got)
	}
}

func TestDropMatchesOnlyItsCall(t *testing.T) {
	ctx := context.Background()
	sim, client := startClient(t, adminKey)
	sim.DropNext("crm.lead", "create")

	if _, err := client.Create(ctx, "res.partner",
		map[string]any{"name": "Unaffected"}); err != nil {
		t.Fatalf("create of another model: %v", err)
	}
	_, err := client.Create(ctx, "crm.lead", map[string]any{"name": "Drop"})
	if err == nil {
		t.Error("lead create: got no error, want the queued drop")
	}
	if _, err := client.Create(ctx, "crm.lead",
		map[string]any{"name": "Kept"}); err != nil {
		t.Errorf("second lead create: %v, want the drop used up", err)
	}
}

func TestGatewayTimeoutCommits(t *testing.T) {
	ctx := context.Background()
	sim, client := startClient(t, adminKey)
	sim.InjectError("res.partner", "create", odoosim.ErrGatewayTimeout,
		"upstream timed out")

	_, err := client.Create(ctx, "res.partner",
		map[string]any{"name": "Slow Ltd"})
	var odooErr *odoo.Error
	if !errors.As(err, &odooErr) {
		t.Fatalf("create: got %v, want an *odoo.Error", err)
	}
	if odooErr.Status != http.StatusGatewayTimeout {
		t.Errorf("status: got %d, want 504", odooErr.Status)
	}
	if !odoo.IsOutcomeUnknown(err) {
		t.Errorf("IsOutcomeUnknown(%v): got false, want true", err)
	}
	if got := partnersNamed(sim, "Slow Ltd"); got != 1 {
		t.Errorf("partners created: got %d, want 1", got)
	}
}

func TestLatencyDelaysCalls(t *testing.T) {
	ctx := context.Background()
	sim, client := startClient(t, adminKey)
	const latency = 80 * time.Millisecond
	sim.SetLatency(latency)

	start := time.Now()
	if _, err := client.ContextGet(ctx); err != nil {
		t.Fatalf("context_get: %v", err)
	}
	if elapsed := time.Since(start); elapsed < latency {
		t.Errorf("context_get took %v, want at least %v", elapsed, latency)
	}

	sim.SetLatency(0)
	start = time.Now()
	if _, err := client.ContextGet(ctx); err != nil {
		t.Fatalf("context_get without latency: %v", err)
	}
	if elapsed := time.Since(start); elapsed >= latency {
		t.Errorf("context_get without latency took %v, want under %v",
			elapsed, latency)
	}
}

func TestCancelDuringLatency(t *testing.T) {
	sim, client := startClient(t, adminKey)
	sim.SetLatency(time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(),
		50*time.Millisecond)
	defer cancel()

	start := time.Now()
	_, err := client.Create(ctx, "res.partner",
		map[string]any{"name": "Canceled Ltd"})
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("create: got %v, want context.DeadlineExceeded", err)
	}
	if elapsed > 2*time.Second {
		t.Errorf("create returned after %v, want soon after the 50ms "+
			"deadline", elapsed)
	}

	// The canceled call must not run: wait until the handler gave up,
	// then check that nothing was created.
	sim.SetLatency(0)
	start = time.Now()
	if err := sim.Close(); err != nil {
		t.Errorf("close simulator: %v", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("close took %v, want the canceled handler to have "+
			"returned", elapsed)
	}
	if got := partnersNamed(sim, "Canceled Ltd"); got != 0 {
		t.Errorf("partners created: got %d, want 0", got)
	}
}

func TestKeyOwnerName(t *testing.T) {
	tests := []struct {
		name     string
		key      func(*odoosim.Server) string
		wantName string
		wantUID  int64
	}{
		{"admin", adminKey, "Mitchell Admin", odoosim.AdminUID},
		{"salesperson", func(s *odoosim.Server) string { return s.SalesKey() },
			"Sales One", odoosim.SalesUID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			_, client := startClient(t, tt.key)
			userContext, err := client.ContextGet(ctx)
			if err != nil {
				t.Fatalf("context_get: %v", err)
			}
			uid, ok := userContext["uid"].(float64)
			if !ok || int64(uid) != tt.wantUID {
				t.Fatalf("uid: got %v, want %d", userContext["uid"],
					tt.wantUID)
			}

			users, err := client.Read(ctx, "res.users", []int64{int64(uid)},
				[]string{"name", "login", "share", "group_ids"})
			if err != nil {
				t.Fatalf("read res.users: %v", err)
			}
			if len(users) != 1 {
				t.Fatalf("users: got %d, want 1", len(users))
			}
			if got := users[0]["name"]; got != tt.wantName {
				t.Errorf("name: got %v, want %q", got, tt.wantName)
			}
			if got := users[0]["share"]; got != false {
				t.Errorf("share: got %v, want false (an internal user)", got)
			}
			if groups, _ := users[0]["group_ids"].([]any); len(groups) == 0 {
				t.Errorf("group_ids: got %v, want the user's groups",
					users[0]["group_ids"])
			}
		})
	}
}
