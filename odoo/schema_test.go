package odoo

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/odoo/odoosim"
)

const schemaTestTTL = time.Minute

// schemaFixture is a simulator, a Schema of its administrator with a fake
// clock, and the gate that the Schema's requests pass through.
type schemaFixture struct {
	sim    *odoosim.Server
	schema *Schema
	clock  *stepClock
	gate   *gateTransport
}

func newSchemaFixture(t *testing.T) schemaFixture {
	t.Helper()
	sim := odoosim.New(odoosim.Options{})
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	t.Cleanup(func() { _ = sim.Close() })

	gate := &gateTransport{next: http.DefaultTransport}
	c, err := New(Config{URL: url, Database: sim.Database(),
		APIKey: sim.AdminKey(), HTTPClient: &http.Client{Transport: gate}})
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	clock := newStepClock()
	schema := NewSchema(c, schemaTestTTL)
	schema.Now = clock.Now
	return schemaFixture{sim: sim, schema: schema, clock: clock, gate: gate}
}

// gateTransport passes requests to next. Once closed, it holds every
// request until it is opened again or the request's context ends.
type gateTransport struct {
	next http.RoundTripper

	mu     sync.Mutex
	closed chan struct{}
}

// Close makes the following requests wait.
func (g *gateTransport) Close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = make(chan struct{})
}

// Open lets the waiting and following requests through.
func (g *gateTransport) Open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed != nil {
		close(g.closed)
		g.closed = nil
	}
}

func (g *gateTransport) RoundTrip(req *http.Request) (*http.Response,
	error) {
	g.mu.Lock()
	closed := g.closed
	g.mu.Unlock()
	if closed != nil {
		select {
		case <-closed:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	}
	return g.next.RoundTrip(req)
}

// waitForWaiters waits until n callers wait for the load of key.
func waitForWaiters(t *testing.T, s *Schema, key schemaKey, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		call := s.inflight[key]
		waiters := 0
		if call != nil {
			waiters = call.waiters
		}
		s.mu.Unlock()
		if waiters == n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("callers waiting for %v: want %d, timed out", key, n)
}

func TestSchemaFields(t *testing.T) {
	f := newSchemaFixture(t)
	fields, err := f.schema.Fields(context.Background(), "crm.lead")
	if err != nil {
		t.Fatalf("fields of crm.lead: %v", err)
	}

	want := map[string]Field{
		"name": {Name: "name", String: "Opportunity", Type: "char",
			Required: true},
		"expected_revenue": {Name: "expected_revenue",
			String: "Expected Revenue", Type: "monetary"},
		"stage_id": {Name: "stage_id", String: "Stage", Type: "many2one",
			Relation: "crm.stage"},
		"display_name": {Name: "display_name", String: "Display Name",
			Type: "char", Readonly: true},
		"priority": {Name: "priority", String: "Priority", Type: "selection",
			Selection: [][2]string{{"0", "Low"}, {"1", "Medium"},
				{"2", "High"}, {"3", "Very High"}}},
	}
	for name, w := range want {
		got, ok := fields[name]
		if !ok {
			t.Errorf("field %s: missing", name)
			continue
		}
		if got.Name != w.Name || got.String != w.String ||
			got.Type != w.Type || got.Required != w.Required ||
			got.Readonly != w.Readonly || got.Relation != w.Relation ||
			!slices.Equal(got.Selection, w.Selection) {
			t.Errorf("field %s: got %+v, want %+v", name, got, w)
		}
	}
	if _, ok := fields["mobile"]; ok {
		t.Error("field mobile: present, want absent in Odoo 19")
	}
}

func TestSchemaFieldsCachedWithinTTL(t *testing.T) {
	f := newSchemaFixture(t)
	ctx := context.Background()
	start := f.sim.Calls()

	for i := range 3 {
		if _, err := f.schema.Fields(ctx, "crm.lead"); err != nil {
			t.Fatalf("fields %d: %v", i, err)
		}
	}
	if got := f.sim.Calls() - start; got != 1 {
		t.Errorf("requests for 3 reads of one model: got %d, want 1", got)
	}

	if _, err := f.schema.Fields(ctx, "res.partner"); err != nil {
		t.Fatalf("fields of res.partner: %v", err)
	}
	if got := f.sim.Calls() - start; got != 2 {
		t.Errorf("requests after a second model: got %d, want 2", got)
	}

	f.clock.Advance(schemaTestTTL - time.Nanosecond)
	if _, err := f.schema.Fields(ctx, "crm.lead"); err != nil {
		t.Fatalf("fields just before expiry: %v", err)
	}
	if got := f.sim.Calls() - start; got != 2 {
		t.Errorf("requests just before expiry: got %d, want 2", got)
	}

	f.clock.Advance(time.Nanosecond)
	if _, err := f.schema.Fields(ctx, "crm.lead"); err != nil {
		t.Fatalf("fields at expiry: %v", err)
	}
	if got := f.sim.Calls() - start; got != 3 {
		t.Errorf("requests at expiry: got %d, want 3", got)
	}
}

func TestSchemaFieldsReturnsCopy(t *testing.T) {
	f := newSchemaFixture(t)
	ctx := context.Background()
	fields, err := f.schema.Fields(ctx, "crm.lead")
	if err != nil {
		t.Fatalf("fields: %v", err)
	}
	delete(fields, "name")

	fields, err = f.schema.Fields(ctx, "crm.lead")
	if err != nil {
		t.Fatalf("fields again: %v", err)
	}
	if _, ok := fields["name"]; !ok {
		t.Error("field name: missing after the caller deleted it from a copy")
	}
}

func TestSchemaFieldsUnknownModel(t *testing.T) {
	f := newSchemaFixture(t)
	_, err := f.schema.Fields(context.Background(), "helpdesk.ticket")
	if !IsNotFound(err) {
		t.Errorf("fields of an unknown model: got %v, want IsNotFound", err)
	}
}

func TestSchemaErrorsNotCached(t *testing.T) {
	f := newSchemaFixture(t)
	ctx := context.Background()
	start := f.sim.Calls()

	f.sim.InjectError("crm.lead", "fields_get", odoosim.ErrAccess,
		"You are not allowed to access this model.")
	if _, err := f.schema.Fields(ctx, "crm.lead"); !IsAccessDenied(err) {
		t.Fatalf("fields with an injected error: got %v, want access denied",
			err)
	}
	fields, err := f.schema.Fields(ctx, "crm.lead")
	if err != nil {
		t.Fatalf("fields after the error: %v", err)
	}
	if len(fields) == 0 {
		t.Error("fields after the error: got none")
	}
	if got := f.sim.Calls() - start; got != 2 {
		t.Errorf("requests: got %d, want 2 (the error is not cached)", got)
	}
}

func TestSchemaConcurrentCallersShareCall(t *testing.T) {
	f := newSchemaFixture(t)
	start := f.sim.Calls()
	const callers = 10

	f.gate.Close()
	results := make(chan map[string]Field, callers)
	errs := make(chan error, callers)
	for range callers {
		go func() {
			fields, err := f.schema.Fields(context.Background(), "crm.lead")
			results <- fields
			errs <- err
		}()
	}
	waitForWaiters(t, f.schema, schemaKey{"fields", "crm.lead"}, callers)
	f.gate.Open()

	for range callers {
		if err := <-errs; err != nil {
			t.Errorf("caller: %v", err)
		}
		if fields := <-results; fields["name"].Type != "char" {
			t.Errorf("caller: got field name %+v, want a char field",
				fields["name"])
		}
	}
	if got := f.sim.Calls() - start; got != 1 {
		t.Errorf("requests for %d concurrent callers: got %d, want 1",
			callers, got)
	}
}

func TestSchemaCancelledCallerLeavesOthers(t *testing.T) {
	f := newSchemaFixture(t)
	start := f.sim.Calls()
	key := schemaKey{"fields", "crm.lead"}

	f.gate.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancelled := make(chan error, 1)
	go func() {
		_, err := f.schema.Fields(ctx, "crm.lead")
		cancelled <- err
	}()
	waitForWaiters(t, f.schema, key, 1)
	other := make(chan error, 1)
	go func() {
		_, err := f.schema.Fields(context.Background(), "crm.lead")
		other <- err
	}()
	waitForWaiters(t, f.schema, key, 2)

	cancel()
	if err := <-cancelled; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled caller: got %v, want context.Canceled", err)
	}
	f.gate.Open()
	if err := <-other; err != nil {
		t.Errorf("other caller: %v", err)
	}
	if got := f.sim.Calls() - start; got != 1 {
		t.Errorf("requests: got %d, want 1", got)
	}
}

func TestSchemaLastCallerCancelsLoad(t *testing.T) {
	f := newSchemaFixture(t)
	key := schemaKey{"fields", "crm.lead"}

	f.gate.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := f.schema.Fields(ctx, "crm.lead")
		done <- err
	}()
	waitForWaiters(t, f.schema, key, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled caller: got %v, want context.Canceled", err)
	}

	// The cancelled load is forgotten, so a new caller starts its own
	// load instead of getting the cancellation.
	f.gate.Open()
	if _, err := f.schema.Fields(context.Background(),
		"crm.lead"); err != nil {
		t.Errorf("caller after the cancelled load: %v", err)
	}
}

func TestSchemaInvalidate(t *testing.T) {
	f := newSchemaFixture(t)
	ctx := context.Background()
	load := func() {
		t.Helper()
		if _, err := f.schema.Fields(ctx, "crm.lead"); err != nil {
			t.Fatalf("fields: %v", err)
		}
		if _, err := f.schema.Reference(ctx, RefTags); err != nil {
			t.Fatalf("tags: %v", err)
		}
		if _, err := f.schema.ModelID(ctx, "crm.lead"); err != nil {
			t.Fatalf("model id: %v", err)
		}
	}
	load()

	start := f.sim.Calls()
	f.schema.Invalidate("crm.tag")
	load()
	if got := f.sim.Calls() - start; got != 1 {
		t.Errorf("requests after Invalidate(crm.tag): got %d, want 1", got)
	}

	start = f.sim.Calls()
	f.schema.Invalidate("crm.lead")
	load()
	if got := f.sim.Calls() - start; got != 2 {
		t.Errorf("requests after Invalidate(crm.lead): got %d, want 2", got)
	}

	start = f.sim.Calls()
	f.schema.InvalidateAll()
	load()
	if got := f.sim.Calls() - start; got != 3 {
		t.Errorf("requests after InvalidateAll: got %d, want 3", got)
	}
}

func TestSchemaInvalidateDuringLoad(t *testing.T) {
	f := newSchemaFixture(t)
	ctx := context.Background()
	key := schemaKey{"ref:tags", "crm.tag"}

	f.gate.Close()
	done := make(chan error, 1)
	go func() {
		_, err := f.schema.Reference(ctx, RefTags)
		done <- err
	}()
	waitForWaiters(t, f.schema, key, 1)
	f.schema.Invalidate("crm.tag")
	f.gate.Open()
	if err := <-done; err != nil {
		t.Fatalf("tags during invalidation: %v", err)
	}

	// The load began before the invalidation, so its result is not kept.
	start := f.sim.Calls()
	if _, err := f.schema.Reference(ctx, RefTags); err != nil {
		t.Fatalf("tags: %v", err)
	}
	if got := f.sim.Calls() - start; got != 1 {
		t.Errorf("requests after an invalidated load: got %d, want 1", got)
	}
}

func TestSchemaReference(t *testing.T) {
	f := newSchemaFixture(t)
	ctx := context.Background()
	tests := []struct {
		kind RefKind
		want []Ref
	}{
		{RefStages, []Ref{{1, "New", 1, false}, {2, "Qualified", 2, false},
			{3, "Proposition", 3, false}, {4, "Won", 70, true}}},
		{RefTags, []Ref{{3, "Consulting", 0, false}, {1, "Product", 0, false},
			{2, "Services", 0, false}}},
		{RefLostReasons, []Ref{{3, "Not enough stock", 0, false},
			{1, "Too expensive", 0, false},
			{2, "We don't have people/skills", 0, false}}},
		{RefActivityTypes, []Ref{{4, "To-Do", 3, false}, {1, "Email", 5, false},
			{2, "Call", 6, false}, {3, "Meeting", 10, false},
			{5, "Document", 12, false}}},
		{RefUsers, []Ref{{2, "Mitchell Admin", 0, false},
			{7, "Sales One", 0, false}}},
	}
	for _, tt := range tests {
		start := f.sim.Calls()
		for range 2 {
			got, err := f.schema.Reference(ctx, tt.kind)
			if err != nil {
				t.Fatalf("%s: %v", tt.kind, err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s: got %+v, want %+v", tt.kind, got, tt.want)
			}
		}
		if got := f.sim.Calls() - start; got != 1 {
			t.Errorf("%s: got %d requests for 2 reads, want 1", tt.kind, got)
		}
	}
}

func TestSchemaReferenceLeavesOutShareUsers(t *testing.T) {
	f := newSchemaFixture(t)
	ctx := context.Background()
	c := f.schema.client
	partnerID, err := c.Create(ctx, "res.partner",
		map[string]any{"name": "Portal Pat"})
	if err != nil {
		t.Fatalf("create partner: %v", err)
	}
	if _, err := c.Create(ctx, "res.users", map[string]any{
		"name": "Portal Pat", "login": "pat", "partner_id": partnerID,
		"share": true}); err != nil {
		t.Fatalf("create portal user: %v", err)
	}

	users, err := f.schema.Reference(ctx, RefUsers)
	if err != nil {
		t.Fatalf("users: %v", err)
	}
	for _, u := range users {
		if u.Name == "Portal Pat" {
			t.Errorf("users: got portal user %+v, want internal users only", u)
		}
	}
}

func TestSchemaReferenceUnknownKind(t *testing.T) {
	f := newSchemaFixture(t)
	_, err := f.schema.Reference(context.Background(), "pipelines")
	if err == nil {
		t.Fatal("unknown list: got no error")
	}
}

func TestSchemaModelID(t *testing.T) {
	f := newSchemaFixture(t)
	ctx := context.Background()
	start := f.sim.Calls()
	for range 2 {
		id, err := f.schema.ModelID(ctx, "crm.lead")
		if err != nil {
			t.Fatalf("model id of crm.lead: %v", err)
		}
		if id != 421 {
			t.Errorf("model id of crm.lead: got %d, want 421", id)
		}
	}
	if got := f.sim.Calls() - start; got != 1 {
		t.Errorf("requests for 2 reads: got %d, want 1", got)
	}

	start = f.sim.Calls()
	for range 2 {
		_, err := f.schema.ModelID(ctx, "helpdesk.ticket")
		if !errors.Is(err, ErrModelNotFound) {
			t.Errorf("model id of a missing model: got %v, "+
				"want ErrModelNotFound", err)
		}
	}
	if got := f.sim.Calls() - start; got != 2 {
		t.Errorf("requests for a missing model: got %d, want 2 "+
			"(not found is not cached)", got)
	}
}

func TestNewSchemaDefaultTTL(t *testing.T) {
	s := NewSchema(nil, 0)
	if s.ttl != DefaultSchemaTTL {
		t.Errorf("ttl for 0: got %v, want %v", s.ttl, DefaultSchemaTTL)
	}
}

func TestDecodeFieldIntegerSelection(t *testing.T) {
	var got Field
	err := json.Unmarshal([]byte(`{"type": "selection",
		"string": "Day", "required": false, "readonly": "state == 'done'",
		"selection": [[1, "Monday"], [2, "Tuesday"]]}`), &got)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	want := [][2]string{{"1", "Monday"}, {"2", "Tuesday"}}
	if !slices.Equal(got.Selection, want) {
		t.Errorf("selection: got %v, want %v", got.Selection, want)
	}
	if got.Readonly {
		t.Error("readonly expression: got true, want false")
	}

	var bad Field
	err = json.Unmarshal([]byte(`{"type": "selection",
		"selection": [["only key"]]}`), &bad)
	if err == nil {
		t.Error("malformed selection option: got no error")
	}
}
