package odoo

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmbot/crmbot/odoo/odoosim"
)

// testSim is a running simulator and its base URL.
type testSim struct {
	*odoosim.Server
	url string
}

func startSim(t *testing.T) testSim {
	t.Helper()
	sim := odoosim.New(odoosim.Options{})
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	return testSim{Server: sim, url: url}
}

// client returns a JSON-2 client for the simulator with a short retry
// backoff.
func (s testSim) client(t *testing.T, key string) *Client {
	t.Helper()
	return s.clientFor(t, TransportJSON2, key, "")
}

// transports lists the transports that the tests run on.
var transports = []string{TransportJSON2, TransportJSONRPC}

// clientFor returns a client for the simulator on transport, with a short
// retry backoff. login is the simulator login of key's user.
func (s testSim) clientFor(t *testing.T, transport, key,
	login string) *Client {
	t.Helper()
	c, err := New(Config{URL: s.url, Database: s.Database(), APIKey: key,
		Transport: transport, Login: login})
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	c.backoff = time.Millisecond
	return c
}

// admin and sales return clients for the seeded users on transport.
func (s testSim) admin(t *testing.T, transport string) *Client {
	t.Helper()
	return s.clientFor(t, transport, s.AdminKey(), "admin")
}

func (s testSim) sales(t *testing.T, transport string) *Client {
	t.Helper()
	return s.clientFor(t, transport, s.SalesKey(), "sales1")
}

func TestClientRoundTrip(t *testing.T) {
	ctx := context.Background()
	sim := startSim(t)
	c := sim.client(t, sim.AdminKey())

	companyID, err := c.Create(ctx, "res.partner", map[string]any{
		"name": "Globex", "is_company": true, "email": "info@globex.example"})
	if err != nil {
		t.Fatalf("create company: %v", err)
	}
	contactID, err := c.Create(ctx, "res.partner", map[string]any{
		"name": "Hank Scorpio", "parent_id": companyID,
		"email": "Hank@Globex.example"})
	if err != nil {
		t.Fatalf("create contact: %v", err)
	}

	rows, err := c.Read(ctx, "res.partner", []int64{contactID},
		[]string{"name", "parent_id", "email_normalized", "phone",
			"display_name"})
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if len(rows) != 1 {
		t.Fatalf("read rows: got %d, want 1", len(rows))
	}
	row := rows[0]
	if got := row.ID(); got != contactID {
		t.Errorf("id: got %d, want %d", got, contactID)
	}
	if got := row.String("display_name"); got != "Globex, Hank Scorpio" {
		t.Errorf("display_name: got %q, want %q", got, "Globex, Hank Scorpio")
	}
	if got := row.String("email_normalized"); got != "hank@globex.example" {
		t.Errorf("email_normalized: got %q, want %q", got,
			"hank@globex.example")
	}
	if got := row.String("phone"); got != "" {
		t.Errorf("phone: got %q, want empty", got)
	}
	parentID, parentName, ok := row.Many2One("parent_id")
	if !ok || parentID != companyID || parentName != "Globex" {
		t.Errorf("parent_id: got (%d, %q, %v), want (%d, %q, true)",
			parentID, parentName, ok, companyID, "Globex")
	}

	found, err := c.SearchRead(ctx, "res.partner",
		[]any{[]any{"email_normalized", "=", "hank@globex.example"}},
		[]string{"name"}, SearchOptions{Limit: 5, Order: "id desc"})
	if err != nil {
		t.Fatalf("search_read: %v", err)
	}
	if len(found) != 1 || found[0].ID() != contactID {
		t.Errorf("search_read: got %v, want the contact %d", found, contactID)
	}

	count, err := c.SearchCount(ctx, "res.partner",
		[]any{[]any{"parent_id", "=", companyID}})
	if err != nil {
		t.Fatalf("search_count: %v", err)
	}
	if count != 1 {
		t.Errorf("search_count: got %d, want 1", count)
	}

	matches, err := c.NameSearch(ctx, "res.partner", "globex", nil, 10)
	if err != nil {
		t.Fatalf("name_search: %v", err)
	}
	want := []NameResult{{companyID, "Globex"},
		{contactID, "Globex, Hank Scorpio"}}
	if len(matches) != len(want) {
		t.Fatalf("name_search: got %v, want %v", matches, want)
	}
	for i := range want {
		if matches[i] != want[i] {
			t.Errorf("name_search[%d]: got %v, want %v", i, matches[i],
				want[i])
		}
	}

	if err := c.Write(ctx, "res.partner", []int64{contactID},
		map[string]any{"function": "CEO"}); err != nil {
		t.Fatalf("write: %v", err)
	}
	rows, err = c.Read(ctx, "res.partner", []int64{contactID},
		[]string{"function"})
	if err != nil {
		t.Fatalf("read after write: %v", err)
	}
	if got := rows[0].String("function"); got != "CEO" {
		t.Errorf("function after write: got %q, want %q", got, "CEO")
	}

	if err := c.Unlink(ctx, "res.partner", []int64{contactID}); err != nil {
		t.Fatalf("unlink: %v", err)
	}
	rows, err = c.Read(ctx, "res.partner", []int64{contactID}, nil)
	if err != nil {
		t.Fatalf("read after unlink: %v", err)
	}
	if len(rows) != 0 {
		t.Errorf("read after unlink: got %d rows, want 0", len(rows))
	}
}

func TestClientLeadLifecycle(t *testing.T) {
	ctx := context.Background()
	sim := startSim(t)
	c := sim.client(t, sim.AdminKey())

	leadID, err := c.Create(ctx, "crm.lead", map[string]any{
		"name": "Fleet deal", "type": "opportunity", "partner_id": 10,
		"expected_revenue": 90000.0})
	if err != nil {
		t.Fatalf("create lead: %v", err)
	}
	rows, err := c.Read(ctx, "crm.lead", []int64{leadID},
		[]string{"stage_id", "user_id", "team_id", "partner_name",
			"expected_revenue", "won_status"})
	if err != nil {
		t.Fatalf("read lead: %v", err)
	}
	lead := rows[0]
	if _, name, _ := lead.Many2One("stage_id"); name != "New" {
		t.Errorf("stage: got %q, want %q", name, "New")
	}
	if id, name, _ := lead.Many2One("user_id"); id != 2 ||
		name != "Mitchell Admin" {
		t.Errorf("user: got (%d, %q), want (2, %q)", id, name,
			"Mitchell Admin")
	}
	if got := lead.String("partner_name"); got != "Acme Corporation" {
		t.Errorf("partner_name: got %q, want %q", got, "Acme Corporation")
	}
	if got := lead.Float("expected_revenue"); got != 90000 {
		t.Errorf("expected_revenue: got %v, want 90000", got)
	}

	err = c.Call(ctx, "crm.lead", "action_set_lost",
		map[string]any{"ids": []int64{leadID}, "lost_reason_id": 1}, nil)
	if err != nil {
		t.Fatalf("action_set_lost: %v", err)
	}
	domain := []any{[]any{"id", "=", leadID}}
	hidden, err := c.SearchRead(ctx, "crm.lead", domain, []string{"name"},
		SearchOptions{})
	if err != nil {
		t.Fatalf("search lost lead: %v", err)
	}
	if len(hidden) != 0 {
		t.Errorf("default search of a lost lead: got %d rows, want 0",
			len(hidden))
	}
	archived, err := c.SearchRead(ctx, "crm.lead", domain,
		[]string{"active", "won_status"},
		SearchOptions{Context: map[string]any{"active_test": false}})
	if err != nil {
		t.Fatalf("search lost lead with active_test: %v", err)
	}
	if len(archived) != 1 {
		t.Fatalf("search with active_test false: got %d rows, want 1",
			len(archived))
	}
	if got := archived[0].String("won_status"); got != "lost" {
		t.Errorf("won_status: got %q, want %q", got, "lost")
	}
	if archived[0].Bool("active") {
		t.Errorf("active: got true, want false")
	}
}

func TestClientContextAndVersion(t *testing.T) {
	ctx := context.Background()
	sim := startSim(t)

	tests := []struct {
		name    string
		key     string
		wantUID int64
	}{
		{"admin", sim.AdminKey(), 2},
		{"salesperson", sim.SalesKey(), 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			userContext, err := sim.client(t, tt.key).ContextGet(ctx)
			if err != nil {
				t.Fatalf("context_get: %v", err)
			}
			if got := Record(userContext).Int("uid"); got != tt.wantUID {
				t.Errorf("uid: got %d, want %d", got, tt.wantUID)
			}
			if got := Record(userContext).String("tz"); got == "" {
				t.Errorf("tz: got empty, want a time zone")
			}
		})
	}

	info, err := sim.client(t, "").Version(ctx)
	if err != nil {
		t.Fatalf("version: %v", err)
	}
	if info.Version != "19.0" || info.Major() != 19 {
		t.Errorf("version: got %q (major %d), want 19.0 (major 19)",
			info.Version, info.Major())
	}
}

// testClients are the clients of the seeded users on one transport.
type testClients struct {
	transport    string
	admin, sales *Client
}

func TestClientErrorKinds(t *testing.T) {
	ctx := context.Background()
	sim := startSim(t)

	// jsonStatus and rpcStatus are the HTTP statuses on JSON-2 and
	// JSON-RPC, which sends Odoo errors with 200.
	tests := []struct {
		name       string
		call       func(c testClients) error
		want       string
		jsonStatus int
		rpcStatus  int
	}{
		{"access denied", func(c testClients) error {
			_, err := c.sales.Read(ctx, "crm.lead", []int64{1}, nil)
			return err
		}, "IsAccessDenied", 403, 200},
		{"write other user's lead", func(c testClients) error {
			return c.sales.Write(ctx, "crm.lead", []int64{1},
				map[string]any{"name": "hijack"})
		}, "IsAccessDenied", 403, 200},
		{"unlink stage as salesperson", func(c testClients) error {
			return c.sales.Unlink(ctx, "crm.stage", []int64{2})
		}, "IsAccessDenied", 403, 200},
		{"partner without name", func(c testClients) error {
			_, err := c.admin.Create(ctx, "res.partner",
				map[string]any{"email": "x@example.com"})
			return err
		}, "IsValidation", 422, 200},
		{"many2one to missing id", func(c testClients) error {
			_, err := c.admin.Create(ctx, "crm.lead",
				map[string]any{"name": "x", "partner_id": 999999})
			return err
		}, "IsValidation", 422, 200},
		{"write deleted id", func(c testClients) error {
			return c.admin.Write(ctx, "res.partner", []int64{999999},
				map[string]any{"name": "x"})
		}, "IsMissing", 404, 200},
		{"set won on deleted id", func(c testClients) error {
			return c.admin.SetWon(ctx, 999999)
		}, "IsMissing", 404, 200},
		{"unknown model", func(c testClients) error {
			_, err := c.admin.SearchCount(ctx, "crm.opportunity", nil)
			return err
		}, "IsNotFound", 404, 200},
		{"unknown method", func(c testClients) error {
			return c.admin.Call(ctx, "res.partner", "do_magic",
				map[string]any{"ids": []int64{1}}, nil)
		}, "IsNotFound", 404, 200},
		{"invalid key", func(c testClients) error {
			_, err := sim.clientFor(t, c.transport, "not-a-key", "admin").
				ContextGet(ctx)
			return err
		}, "IsInvalidKey", 401, 200},
		{"unknown database", func(c testClients) error {
			wrongDB, err := New(Config{URL: sim.url, Database: "nosuchdb",
				APIKey: sim.AdminKey(), Login: "admin",
				Transport: c.transport})
			if err != nil {
				t.Fatal(err)
			}
			_, err = wrongDB.ContextGet(ctx)
			return err
		}, "IsDatabaseNotFound", 404, 404},
	}
	helpers := map[string]func(error) bool{
		"IsAccessDenied": IsAccessDenied, "IsValidation": IsValidation,
		"IsMissing": IsMissing, "IsNotFound": IsNotFound,
		"IsInvalidKey": IsInvalidKey, "IsDatabaseNotFound": IsDatabaseNotFound,
		"IsTransient": IsTransient, "IsOutcomeUnknown": IsOutcomeUnknown,
	}
	for _, transport := range transports {
		clients := testClients{transport: transport,
			admin: sim.admin(t, transport), sales: sim.sales(t, transport)}
		for _, tt := range tests {
			t.Run(transport+"/"+tt.name, func(t *testing.T) {
				err := tt.call(clients)
				var odooErr *Error
				if !errors.As(err, &odooErr) {
					t.Fatalf("error: got %v (%T), want *odoo.Error", err,
						err)
				}
				wantStatus := tt.jsonStatus
				if transport == TransportJSONRPC {
					wantStatus = tt.rpcStatus
				}
				if odooErr.Status != wantStatus {
					t.Errorf("status: got %d, want %d", odooErr.Status,
						wantStatus)
				}
				for name, helper := range helpers {
					want := name == tt.want
					if got := helper(err); got != want {
						t.Errorf("%s: got %v, want %v; error %v", name, got,
							want, err)
					}
				}
				if strings.Contains(err.Error(), "Traceback") {
					t.Errorf("Error(): got %q, want no traceback",
						err.Error())
				}
			})
		}
	}
}

func TestClientDatabaseNotFoundMessage(t *testing.T) {
	sim := startSim(t)
	c, err := New(Config{URL: sim.url, Database: "nosuchdb",
		APIKey: sim.AdminKey()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ContextGet(context.Background())
	if err == nil {
		t.Fatal("context_get on a missing database: got nil error")
	}
	if !strings.Contains(err.Error(), `database "nosuchdb" not found`) {
		t.Errorf("error: got %q, want it to name the database", err)
	}
	if strings.Contains(err.Error(), "<") {
		t.Errorf("error: got %q, want no HTML", err)
	}
}

func TestClientPlainNotFound(t *testing.T) {
	// A base URL with a wrong path prefix gets a 404 page that does not
	// talk about databases.
	server := httptest.NewServer(http.NotFoundHandler())
	defer server.Close()
	c, err := New(Config{URL: server.URL + "/wrong", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ContextGet(context.Background())
	if IsDatabaseNotFound(err) {
		t.Errorf("IsDatabaseNotFound: got true, want false; error %v", err)
	}
	if !strings.Contains(err.Error(), "404") {
		t.Errorf("error: got %q, want the status 404", err)
	}
}

func TestClientInjectedErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		kind odoosim.ErrorKind
		want func(error) bool
	}{
		{odoosim.ErrAccess, IsAccessDenied},
		{odoosim.ErrValidation, IsValidation},
		{odoosim.ErrUser, IsValidation},
		{odoosim.ErrMissing, IsMissing},
		{odoosim.ErrConflict, IsTransient},
	}
	for _, tt := range tests {
		sim := startSim(t)
		c := sim.client(t, sim.AdminKey())
		// Conflicts are retried, so inject one per try.
		for range 3 {
			sim.InjectError("res.partner", "search_count", tt.kind, "injected")
		}
		_, err := c.SearchCount(ctx, "res.partner", nil)
		if !tt.want(err) {
			t.Errorf("%v: got %v, want the matching helper to be true",
				tt.kind, err)
		}
	}
}

func TestClientRetries(t *testing.T) {
	ctx := context.Background()

	t.Run("bounded on 503", func(t *testing.T) {
		sim := startSim(t)
		c := sim.client(t, sim.AdminKey())
		for range 5 {
			sim.InjectError("res.partner", "search_read",
				odoosim.ErrUnavailable, "restarting")
		}
		before := sim.Calls()
		_, err := c.SearchRead(ctx, "res.partner", nil, []string{"name"},
			SearchOptions{})
		if !IsTransient(err) {
			t.Errorf("error: got %v, want a transient error", err)
		}
		if got := sim.Calls() - before; got != 3 {
			t.Errorf("calls: got %d, want 3", got)
		}
	})

	t.Run("succeeds after one 503", func(t *testing.T) {
		sim := startSim(t)
		c := sim.client(t, sim.AdminKey())
		sim.InjectError("res.partner", "search_count",
			odoosim.ErrUnavailable, "restarting")
		before := sim.Calls()
		if _, err := c.SearchCount(ctx, "res.partner", nil); err != nil {
			t.Fatalf("search_count: %v", err)
		}
		if got := sim.Calls() - before; got != 2 {
			t.Errorf("calls: got %d, want 2", got)
		}
	})

	t.Run("create not resent on 503", func(t *testing.T) {
		sim := startSim(t)
		c := sim.client(t, sim.AdminKey())
		sim.InjectError("res.partner", "create", odoosim.ErrUnavailable,
			"restarting")
		before := sim.Calls()
		partnersBefore := len(sim.Records("res.partner"))
		_, err := c.Create(ctx, "res.partner", map[string]any{"name": "Once"})
		if !IsTransient(err) {
			t.Errorf("error: got %v, want a transient error", err)
		}
		if got := sim.Calls() - before; got != 1 {
			t.Errorf("calls: got %d, want 1", got)
		}
		if got := len(sim.Records("res.partner")); got != partnersBefore {
			t.Errorf("partners: got %d, want %d", got, partnersBefore)
		}
	})

	t.Run("create outcome unknown on dropped connection", func(t *testing.T) {
		var requests atomic.Int32
		server := httptest.NewServer(http.HandlerFunc(
			func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				conn, _, err := w.(http.Hijacker).Hijack()
				if err == nil {
					_ = conn.Close()
				}
			}))
		defer server.Close()
		c, err := New(Config{URL: server.URL, APIKey: "k"})
		if err != nil {
			t.Fatal(err)
		}
		c.backoff = time.Millisecond
		_, err = c.Create(ctx, "res.partner", map[string]any{"name": "x"})
		if !IsOutcomeUnknown(err) {
			t.Errorf("IsOutcomeUnknown: got false, want true; error %v", err)
		}
		if !IsTransient(err) {
			t.Errorf("IsTransient: got false, want true; error %v", err)
		}
		if got := requests.Load(); got != 1 {
			t.Errorf("requests: got %d, want 1", got)
		}
	})

	t.Run("read resent on dropped connection", func(t *testing.T) {
		var requests atomic.Int32
		server := httptest.NewServer(http.HandlerFunc(
			func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				conn, _, err := w.(http.Hijacker).Hijack()
				if err == nil {
					_ = conn.Close()
				}
			}))
		defer server.Close()
		c, err := New(Config{URL: server.URL, APIKey: "k"})
		if err != nil {
			t.Fatal(err)
		}
		c.backoff = time.Millisecond
		_, err = c.Read(ctx, "res.partner", []int64{1}, nil)
		if !IsTransient(err) {
			t.Errorf("IsTransient: got false, want true; error %v", err)
		}
		if got := requests.Load(); got != 3 {
			t.Errorf("requests: got %d, want 3", got)
		}
	})

	t.Run("create outcome unknown on timeout", func(t *testing.T) {
		release := make(chan struct{})
		server := httptest.NewServer(http.HandlerFunc(
			func(w http.ResponseWriter, r *http.Request) {
				<-release
			}))
		defer server.Close()
		defer close(release)
		c, err := New(Config{URL: server.URL, APIKey: "k",
			HTTPClient: &http.Client{Timeout: 50 * time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Create(ctx, "res.partner", map[string]any{"name": "x"})
		if !IsTransient(err) {
			t.Errorf("IsTransient: got false, want true; error %v", err)
		}
		if !IsOutcomeUnknown(err) {
			t.Errorf("IsOutcomeUnknown: got false, want true; error %v", err)
		}
	})

	t.Run("connection refused", func(t *testing.T) {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := listener.Addr().String()
		_ = listener.Close()
		c, err := New(Config{URL: "http://" + addr, APIKey: "k"})
		if err != nil {
			t.Fatal(err)
		}
		c.backoff = time.Millisecond
		_, err = c.Create(ctx, "res.partner", map[string]any{"name": "x"})
		if !IsTransient(err) {
			t.Errorf("IsTransient: got false, want true; error %v", err)
		}
		if IsOutcomeUnknown(err) {
			t.Errorf("IsOutcomeUnknown: got true, want false; error %v", err)
		}
	})
}

func TestNewValidatesURL(t *testing.T) {
	tests := []struct {
		url     string
		wantErr bool
	}{
		{"http://127.0.0.1:8069", false},
		{"https://odoo.example.com/", false},
		{"", true},
		{"127.0.0.1:8069", true},
		{"ftp://odoo.example.com", true},
		{"http://", true},
		{"http://odoo.example.com/?db=x", true},
	}
	for _, tt := range tests {
		_, err := New(Config{URL: tt.url})
		if (err != nil) != tt.wantErr {
			t.Errorf("New(%q): got error %v, want error %v", tt.url, err,
				tt.wantErr)
		}
	}
}

func TestRecordURL(t *testing.T) {
	c, err := New(Config{URL: "http://127.0.0.1:8069/"})
	if err != nil {
		t.Fatal(err)
	}
	got := c.RecordURL("crm.lead", 46)
	want := "http://127.0.0.1:8069/odoo/crm.lead/46"
	if got != want {
		t.Errorf("RecordURL: got %q, want %q", got, want)
	}
}

func TestConfigLogValueHidesKey(t *testing.T) {
	var out bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&out, nil))
	key := "0123456789abcdef0123456789abcdef01234567"
	cfg := Config{URL: "http://127.0.0.1:8069", APIKey: key}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	logger.Info("configured", "config", cfg, "client", c,
		"key", Secret(key))
	if strings.Contains(out.String(), key) {
		t.Errorf("log output: got %s, want the key redacted", out.String())
	}
	if !strings.Contains(out.String(), redacted) {
		t.Errorf("log output: got %s, want %q", out.String(), redacted)
	}
}
