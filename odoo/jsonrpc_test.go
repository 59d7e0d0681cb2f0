package odoo

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/odoo/odoosim"
)

// rpcCall is one JSON-RPC request as a fake server received it.
type rpcCall struct {
	Service string
	Method  string
	Args    []any
}

// fakeRPC is a JSON-RPC server that logs in every login as uid 2. It
// returns the next response of its queue for each execute_kw, or result
// true when the queue is empty.
type fakeRPC struct {
	mu        sync.Mutex
	calls     []rpcCall
	responses []string
}

// respond queues the JSON body of the next execute_kw response; an
// "error" or "result" member is wrapped in a JSON-RPC response.
func (f *fakeRPC) respond(members string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.responses = append(f.responses,
		`{"jsonrpc": "2.0", "id": 1, `+members+`}`)
}

func (f *fakeRPC) executeCalls() []rpcCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var calls []rpcCall
	for _, call := range f.calls {
		if call.Method == "execute_kw" {
			calls = append(calls, call)
		}
	}
	return calls
}

func (f *fakeRPC) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Params rpcCall `json:"params"`
	}
	if r.URL.Path != "/jsonrpc" || json.NewDecoder(r.Body).Decode(&req) != nil {
		http.Error(w, "Invalid JSON data", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.calls = append(f.calls, req.Params)
	body := `{"jsonrpc": "2.0", "id": 1, "result": true}`
	switch {
	case req.Params.Method == "login":
		body = `{"jsonrpc": "2.0", "id": 1, "result": 2}`
	case len(f.responses) > 0:
		body = f.responses[0]
		f.responses = f.responses[1:]
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = io.WriteString(w, body)
}

// startFakeRPC returns a fake JSON-RPC server and a jsonrpc client for it.
func startFakeRPC(t *testing.T) (*fakeRPC, *Client) {
	t.Helper()
	fake := &fakeRPC{}
	server := httptest.NewServer(fake)
	t.Cleanup(server.Close)
	c, err := New(Config{URL: server.URL, Database: "crm19", APIKey: "key",
		Login: "admin", Transport: TransportJSONRPC})
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	c.backoff = time.Millisecond
	return fake, c
}

// decodeJSON decodes a JSON literal of the test table.
func decodeJSON(t *testing.T, text string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("decode %s: %v", text, err)
	}
	return v
}

func TestExecuteKwWire(t *testing.T) {
	ctx := context.Background()
	day := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		result string
		call   func(c *Client) error
		// model, method, args and kwargs of execute_kw, in JSON.
		model, method, args, kwargs string
	}{
		{"create", `[48]`, func(c *Client) error {
			_, err := c.Create(ctx, "res.partner",
				map[string]any{"name": "Legacy Contact", "parent_id": 47})
			return err
		}, "res.partner", "create",
			`[[{"name": "Legacy Contact", "parent_id": 47}]]`, `{}`},
		{"create many", `[48, 49]`, func(c *Client) error {
			_, err := c.CreateMany(ctx, "crm.tag",
				[]map[string]any{{"name": "A"}, {"name": "B"}})
			return err
		}, "crm.tag", "create", `[[{"name": "A"}, {"name": "B"}]]`, `{}`},
		{"write", `true`, func(c *Client) error {
			return c.Write(ctx, "res.partner", []int64{48},
				map[string]any{"function": "CTO"})
		}, "res.partner", "write", `[[48], {"function": "CTO"}]`, `{}`},
		{"read", `[]`, func(c *Client) error {
			_, err := c.Read(ctx, "res.partner", []int64{46},
				[]string{"name"})
			return err
		}, "res.partner", "read", `[[46]]`, `{"fields": ["name"]}`},
		{"unlink", `true`, func(c *Client) error {
			return c.Unlink(ctx, "res.partner", []int64{48})
		}, "res.partner", "unlink", `[[48]]`, `{}`},
		{"search_read", `[]`, func(c *Client) error {
			_, err := c.SearchRead(ctx, "res.partner",
				[]any{[]any{"name", "ilike", "legacy"}},
				[]string{"name"}, SearchOptions{Limit: 10, Offset: 5,
					Order:   "id desc",
					Context: map[string]any{"active_test": false}})
			return err
		}, "res.partner", "search_read", `[[["name", "ilike", "legacy"]]]`,
			`{"fields": ["name"], "limit": 10, "offset": 5,
			"order": "id desc", "context": {"active_test": false}}`},
		{"search_count", `39`, func(c *Client) error {
			_, err := c.SearchCount(ctx, "res.partner", nil)
			return err
		}, "res.partner", "search_count", `[[]]`, `{}`},
		{"name_search", `[[47, "Legacy RPC Company"]]`, func(c *Client) error {
			_, err := c.NameSearch(ctx, "res.partner", "Legacy", nil, 5)
			return err
		}, "res.partner", "name_search", `["Legacy", [], "ilike", 5]`, `{}`},
		{"name_search default limit", `[]`, func(c *Client) error {
			_, err := c.NameSearch(ctx, "res.partner", "Legacy", nil, 0)
			return err
		}, "res.partner", "name_search", `["Legacy", [], "ilike"]`, `{}`},
		{"fields_get", `{}`, func(c *Client) error {
			_, err := c.FieldsGet(ctx, "res.partner",
				[]string{"string", "type"})
			return err
		}, "res.partner", "fields_get", `[]`,
			`{"attributes": ["string", "type"]}`},
		{"context_get", `{"uid": 2}`, func(c *Client) error {
			_, err := c.ContextGet(ctx)
			return err
		}, "res.users", "context_get", `[]`, `{}`},
		{"set won", `true`, func(c *Client) error {
			return c.SetWon(ctx, 48)
		}, "crm.lead", "action_set_won", `[[48]]`, `{}`},
		// Odoo returns None, so the response has no "result".
		{"set lost", ``, func(c *Client) error {
			return c.SetLost(ctx, 49, 1)
		}, "crm.lead", "action_set_lost", `[[49]]`, `{"lost_reason_id": 1}`},
		{"restore", `true`, func(c *Client) error {
			return c.Restore(ctx, 49)
		}, "crm.lead", "action_restore", `[[49]]`, `{}`},
		{"schedule activity", `[19]`, func(c *Client) error {
			_, err := c.ScheduleActivity(ctx, "crm.lead", 46, Activity{
				TypeXMLID: "mail.mail_activity_data_todo", Deadline: day,
				Summary: "Send quote", Note: "<p>v2</p>", UserID: 2})
			return err
		}, "crm.lead", "activity_schedule", `[[46]]`,
			`{"act_type_xmlid": "mail.mail_activity_data_todo",
			"date_deadline": "2026-12-05", "summary": "Send quote",
			"note": "<p>v2</p>", "user_id": 2}`},
		// An older server returns one id where JSON-2 returns a list.
		{"post note", `197`, func(c *Client) error {
			_, err := c.PostNote(ctx, "crm.lead", 46, "Customer asked")
			return err
		}, "crm.lead", "message_post", `[[46]]`,
			`{"body": "Customer asked", "message_type": "comment",
			"subtype_xmlid": "mail.mt_note"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, c := startFakeRPC(t)
			if tt.result != "" {
				fake.respond(`"result": ` + tt.result)
			} else {
				fake.respond(`"result_left_out": true`)
			}
			if err := tt.call(c); err != nil {
				t.Fatalf("call: %v", err)
			}
			calls := fake.executeCalls()
			if len(calls) != 1 {
				t.Fatalf("execute_kw calls: got %d, want 1", len(calls))
			}
			want := []any{"crm19", 2.0, "key", tt.model, tt.method,
				decodeJSON(t, tt.args), decodeJSON(t, tt.kwargs)}
			if got := calls[0].Args; !reflect.DeepEqual(got, want) {
				t.Errorf("execute_kw args:\ngot  %v\nwant %v", got, want)
			}
			if got := calls[0].Service; got != "object" {
				t.Errorf("service: got %q, want %q", got, "object")
			}
		})
	}
}

func TestJSONRPCResults(t *testing.T) {
	ctx := context.Background()
	fake, c := startFakeRPC(t)

	fake.respond(`"result": 47`)
	id, err := c.Create(ctx, "res.partner", map[string]any{"name": "X"})
	if err != nil {
		t.Fatalf("create with one id: %v", err)
	}
	if id != 47 {
		t.Errorf("create with one id: got %d, want 47", id)
	}

	fake.respond(`"result": [12, 13]`)
	_, err = c.PostNote(ctx, "crm.lead", 1, "x")
	if err == nil || !IsOutcomeUnknown(err) {
		t.Errorf("PostNote with two ids: got %v, want an outcome-unknown "+
			"error", err)
	}

	fake.respond(`"result": [{"id": 9007199254740993, "name": false}]`)
	rows, err := c.SearchRead(ctx, "res.partner", nil, nil, SearchOptions{})
	if err != nil {
		t.Fatalf("search_read: %v", err)
	}
	if got := rows[0].ID(); got != 9007199254740993 {
		t.Errorf("large id: got %d, want 9007199254740993", got)
	}
	if got := rows[0].String("name"); got != "" {
		t.Errorf("false name: got %q, want empty", got)
	}
}

// rpcErrorBody returns the error member of a JSON-RPC response as Odoo 19
// sends it.
func rpcErrorBody(name, message string) string {
	data, _ := json.Marshal(map[string]any{"code": 0,
		"message": "Odoo Server Error", "data": map[string]any{
			"name": name, "message": message, "arguments": []any{message},
			"context": map[string]any{},
			"debug":   "Traceback (most recent call last):\n  ...\n"}})
	return `"error": ` + string(data)
}

func TestJSONRPCErrorMapping(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		errName string
		message string
		want    string
	}{
		{"bad key", "odoo.exceptions.AccessDenied", "Access Denied",
			"IsInvalidKey"},
		{"record rule", "odoo.exceptions.AccessError",
			"Sorry, Sales One (id=7) doesn't have 'read' access to:\n" +
				"- Lead (crm.lead)", "IsAccessDenied"},
		{"private method", "odoo.exceptions.AccessError",
			"Private methods (such as 'res.partner._compute_display_name') " +
				"cannot be called remotely.", "IsAccessDenied"},
		{"missing name", "odoo.exceptions.ValidationError",
			"The operation cannot be completed: Contacts require a name",
			"IsValidation"},
		{"won lead", "odoo.exceptions.UserError",
			"A lead in a Won stage cannot be lost.", "IsValidation"},
		{"deleted record", "odoo.exceptions.MissingError",
			"Record does not exist or has been deleted.", "IsMissing"},
		{"unknown model", "odoo.exceptions.UserError",
			"Object crm.opportunity doesn't exist", "IsNotFound"},
		{"unknown method", "builtins.AttributeError",
			"The method 'res.partner.do_magic' does not exist", "IsNotFound"},
		{"missing database", "psycopg2.OperationalError",
			"connection to server on socket \"/run/.s.PGSQL.5432\" failed: " +
				"FATAL:  database \"crm19\" does not exist\n",
			"IsDatabaseNotFound"},
		{"serialization", "psycopg2.errors.SerializationFailure",
			"could not serialize access due to concurrent update",
			"IsTransient"},
		{"unknown field", "builtins.KeyError", "no_such_field", ""},
		{"bad selection", "builtins.ValueError",
			"Wrong value for crm.lead.type: 'deal'", ""},
	}
	helpers := map[string]func(error) bool{
		"IsAccessDenied": IsAccessDenied, "IsValidation": IsValidation,
		"IsMissing": IsMissing, "IsNotFound": IsNotFound,
		"IsInvalidKey": IsInvalidKey, "IsDatabaseNotFound": IsDatabaseNotFound,
		"IsTransient": IsTransient, "IsOutcomeUnknown": IsOutcomeUnknown,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, c := startFakeRPC(t)
			for range 3 {
				fake.respond(rpcErrorBody(tt.errName, tt.message))
			}
			err := c.Write(ctx, "res.partner", []int64{1},
				map[string]any{"name": "x"})
			var odooErr *Error
			if !asErrorTo(err, &odooErr) {
				t.Fatalf("error: got %v (%T), want *odoo.Error", err, err)
			}
			if odooErr.Status != http.StatusOK {
				t.Errorf("status: got %d, want 200", odooErr.Status)
			}
			if odooErr.Name != tt.errName {
				t.Errorf("name: got %q, want %q", odooErr.Name, tt.errName)
			}
			for name, helper := range helpers {
				want := name == tt.want
				if got := helper(err); got != want {
					t.Errorf("%s: got %v, want %v; error %v", name, got,
						want, err)
				}
			}
			if strings.Contains(err.Error(), "Traceback") {
				t.Errorf("Error(): got %q, want no traceback", err)
			}
			wantCalls := 1
			if tt.want == "IsTransient" {
				wantCalls = 3
			}
			if got := len(fake.executeCalls()); got != wantCalls {
				t.Errorf("execute_kw calls: got %d, want %d", got, wantCalls)
			}
		})
	}
}

// asErrorTo is errors.As for *Error, so that the table test reads short.
func asErrorTo(err error, target **Error) bool {
	*target = asError(err)
	return *target != nil
}

func TestJSONRPCDatabaseMessage(t *testing.T) {
	fake, c := startFakeRPC(t)
	fake.respond(rpcErrorBody("psycopg2.OperationalError",
		"connection to server on socket \"/run/.s.PGSQL.5432\" failed: "+
			"FATAL:  database \"crm19\" does not exist\n"))
	_, err := c.SearchCount(context.Background(), "res.partner", nil)
	if !strings.Contains(err.Error(), `database "crm19" not found`) {
		t.Errorf("error: got %q, want it to name the database", err)
	}
	if strings.Contains(err.Error(), "socket") {
		t.Errorf("error: got %q, want no PostgreSQL details", err)
	}
}

func TestJSONRPCLoginRejected(t *testing.T) {
	ctx := context.Background()
	sim := startSim(t)
	tests := []struct {
		name, login, key string
	}{
		{"wrong key", "admin", "not-a-key"},
		{"wrong login", "nobody", sim.AdminKey()},
		{"other user's key", "admin", sim.SalesKey()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := sim.clientFor(t, TransportJSONRPC, tt.key, tt.login)
			before := sim.Calls()
			_, err := c.SearchCount(ctx, "res.partner", nil)
			if !IsInvalidKey(err) {
				t.Errorf("IsInvalidKey: got false, want true; error %v", err)
			}
			if IsAccessDenied(err) || IsTransient(err) ||
				IsOutcomeUnknown(err) {
				t.Errorf("error: got %v, want only IsInvalidKey", err)
			}
			if !strings.Contains(err.Error(), "common.login") {
				t.Errorf("error: got %q, want it to name common.login", err)
			}
			// The login fails, so execute_kw is never sent.
			if got := sim.Calls() - before; got != 1 {
				t.Errorf("calls: got %d, want 1 (the login)", got)
			}
		})
	}
}

func TestJSONRPCRetries(t *testing.T) {
	ctx := context.Background()

	t.Run("serialization failure retried for reads", func(t *testing.T) {
		sim := startSim(t)
		c := sim.admin(t, TransportJSONRPC)
		if _, err := c.ContextGet(ctx); err != nil {
			t.Fatal(err)
		}
		sim.InjectError("res.partner", "search_count", odoosim.ErrConflict,
			"could not serialize access due to concurrent update")
		before := sim.Calls()
		if _, err := c.SearchCount(ctx, "res.partner", nil); err != nil {
			t.Fatalf("search_count: %v", err)
		}
		if got := sim.Calls() - before; got != 2 {
			t.Errorf("calls: got %d, want 2", got)
		}
	})

	t.Run("rolled-back create resent once", func(t *testing.T) {
		sim := startSim(t)
		c := sim.admin(t, TransportJSONRPC)
		if _, err := c.ContextGet(ctx); err != nil {
			t.Fatal(err)
		}
		// A serialization failure rolls the transaction back, so the
		// create was not applied and is safe to send again.
		sim.InjectError("res.partner", "create", odoosim.ErrConflict,
			"could not serialize access due to concurrent update")
		before := sim.Calls()
		if _, err := c.Create(ctx, "res.partner", map[string]any{"name": "Once"}); err != nil {
			t.Fatalf("create: %v", err)
		}
		if got := sim.Calls() - before; got != 2 {
			t.Errorf("calls: got %d, want 2", got)
		}
		var once int
		for _, r := range sim.Records("res.partner") {
			if r["name"] == "Once" {
				once++
			}
		}
		if once != 1 {
			t.Errorf("partners named Once: got %d, want 1", once)
		}
	})

	t.Run("bounded on 503 from a proxy", func(t *testing.T) {
		var mu sync.Mutex
		var executes, logins int
		server := httptest.NewServer(http.HandlerFunc(
			func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				mu.Lock()
				defer mu.Unlock()
				if strings.Contains(string(body), `"login"`) {
					logins++
					_, _ = io.WriteString(w, `{"jsonrpc":"2.0","id":1,"result":2}`)
					return
				}
				executes++
				http.Error(w, "<html>503 Service Unavailable</html>",
					http.StatusServiceUnavailable)
			}))
		defer server.Close()
		c, err := New(Config{URL: server.URL, Database: "crm19",
			APIKey: "k", Login: "admin", Transport: TransportJSONRPC})
		if err != nil {
			t.Fatal(err)
		}
		c.backoff = time.Millisecond

		_, err = c.SearchRead(ctx, "res.partner", nil, nil, SearchOptions{})
		if !IsTransient(err) {
			t.Errorf("search_read: got %v, want a transient error", err)
		}
		_, err = c.Create(ctx, "res.partner", map[string]any{"name": "x"})
		if !IsTransient(err) {
			t.Errorf("create: got %v, want a transient error", err)
		}
		mu.Lock()
		defer mu.Unlock()
		if executes != 4 {
			t.Errorf("execute_kw requests: got %d, want 4 (3 for "+
				"search_read, 1 for create)", executes)
		}
		if logins != 1 {
			t.Errorf("logins: got %d, want 1", logins)
		}
	})

	t.Run("login retried on 503", func(t *testing.T) {
		var mu sync.Mutex
		var logins int
		server := httptest.NewServer(http.HandlerFunc(
			func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				defer mu.Unlock()
				logins++
				if logins == 1 {
					http.Error(w, "restarting",
						http.StatusServiceUnavailable)
					return
				}
				_, _ = io.WriteString(w, `{"jsonrpc":"2.0","id":1,"result":2}`)
			}))
		defer server.Close()
		c, err := New(Config{URL: server.URL, Database: "crm19",
			APIKey: "k", Login: "admin", Transport: TransportJSONRPC})
		if err != nil {
			t.Fatal(err)
		}
		c.backoff = time.Millisecond
		// The create itself gets result 2 too, which is not a list of
		// ids but one id, accepted as older servers send it.
		if _, err := c.Create(ctx, "res.partner",
			map[string]any{"name": "x"}); err != nil {
			t.Fatalf("create after a failed login try: %v", err)
		}
		mu.Lock()
		defer mu.Unlock()
		if logins != 3 {
			t.Errorf("requests: got %d, want 3 (2 logins, 1 create)", logins)
		}
	})
}

func TestJSONRPCBadResponses(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name          string
		status        int
		body          string
		wantTransient bool
	}{
		{"invalid json answer", 400, "Invalid JSON data", false},
		{"html login page", 200, "<html>login</html>", false},
		{"endpoint removed", 404, "<html>Not Found</html>", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := httptest.NewServer(http.HandlerFunc(
				func(w http.ResponseWriter, r *http.Request) {
					body, _ := io.ReadAll(r.Body)
					if strings.Contains(string(body), `"login"`) {
						_, _ = io.WriteString(w,
							`{"jsonrpc":"2.0","id":1,"result":2}`)
						return
					}
					w.WriteHeader(tt.status)
					_, _ = io.WriteString(w, tt.body)
				}))
			defer server.Close()
			c, err := New(Config{URL: server.URL, Database: "crm19",
				APIKey: "k", Login: "admin", Transport: TransportJSONRPC})
			if err != nil {
				t.Fatal(err)
			}
			c.backoff = time.Millisecond
			_, err = c.SearchCount(ctx, "res.partner", nil)
			e := asError(err)
			if e == nil {
				t.Fatalf("error: got %v, want *odoo.Error", err)
			}
			if e.Status != tt.status {
				t.Errorf("status: got %d, want %d", e.Status, tt.status)
			}
			if got := IsTransient(err); got != tt.wantTransient {
				t.Errorf("IsTransient: got %v, want %v", got,
					tt.wantTransient)
			}
			if IsDatabaseNotFound(err) || IsNotFound(err) {
				t.Errorf("error: got %v, want no Odoo class", err)
			}
		})
	}
}

func TestExecuteKwArgs(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		params     map[string]any
		wantArgs   []any
		wantKwargs map[string]any
	}{
		{"model method without params", "context_get", map[string]any{},
			[]any{}, map[string]any{}},
		{"record method", "action_set_lost",
			map[string]any{"ids": []int64{4}, "lost_reason_id": 1},
			[]any{[]int64{4}}, map[string]any{"lost_reason_id": 1}},
		{"positional stops at a gap", "name_search",
			map[string]any{"name": "a", "limit": 3},
			[]any{"a"}, map[string]any{"limit": 3}},
		{"context stays a keyword", "search_count",
			map[string]any{"domain": []any{}, "context": map[string]any{}},
			[]any{[]any{}}, map[string]any{"context": map[string]any{}}},
	}
	for _, tt := range tests {
		args, kwargs := executeKwArgs(tt.method, tt.params)
		if !reflect.DeepEqual(args, tt.wantArgs) {
			t.Errorf("%s args: got %v, want %v", tt.name, args, tt.wantArgs)
		}
		if !reflect.DeepEqual(kwargs, tt.wantKwargs) {
			t.Errorf("%s kwargs: got %v, want %v", tt.name, kwargs,
				tt.wantKwargs)
		}
	}
}
