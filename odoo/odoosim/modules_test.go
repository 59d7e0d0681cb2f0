package odoosim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// callExecuteKw sends object.execute_kw to /jsonrpc as uid and returns the
// decoded response.
func callExecuteKw(t *testing.T, sim *Server, uid int64, key, model,
	method string, args []any, kwargs map[string]any) map[string]any {
	t.Helper()
	body, err := json.Marshal(map[string]any{
		"jsonrpc": "2.0", "method": "call", "id": 1,
		"params": map[string]any{"service": "object", "method": "execute_kw",
			"args": []any{sim.Database(), uid, key, model, method, args,
				kwargs}},
	})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/jsonrpc",
		bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	sim.Handler().ServeHTTP(rec, req)
	var response map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &response); err != nil {
		t.Fatalf("decode %s.%s response %q: %v", model, method, rec.Body,
			err)
	}
	return response
}

// moduleStatesByName returns the state of each listed module found by
// search_read, by name.
func moduleStatesByName(t *testing.T, sim *Server,
	names ...string) map[string]string {
	t.Helper()
	status, result := callJSON2(t, sim, sim.SalesKey(), "ir.module.module",
		"search_read", map[string]any{
			"domain": []any{[]any{"name", "in", names}},
			"fields": []string{"name", "state", "shortdesc"}})
	if status != http.StatusOK {
		t.Fatalf("search_read ir.module.module: got status %d, body %v",
			status, result)
	}
	states := map[string]string{}
	for _, item := range result.([]any) {
		r := item.(map[string]any)
		states[r["name"].(string)] = r["state"].(string)
	}
	return states
}

func TestSeededModules(t *testing.T) {
	sim := New(Options{})
	got := moduleStatesByName(t, sim, "base", "contacts", "crm", "mail",
		"calendar", "helpdesk")
	for _, name := range []string{"base", "contacts", "crm", "mail",
		"calendar"} {
		if got[name] != "installed" {
			t.Errorf("module %s: got state %q, want installed", name,
				got[name])
		}
	}
	if state, ok := got["helpdesk"]; ok {
		t.Errorf("module helpdesk: got state %q, want no record", state)
	}
}

func TestUninstalledModuleHidesModels(t *testing.T) {
	sim := New(Options{})
	if err := sim.SetModuleState("crm", "uninstalled"); err != nil {
		t.Fatalf("SetModuleState: %v", err)
	}

	if got := moduleStatesByName(t, sim, "crm")["crm"]; got != "uninstalled" {
		t.Errorf("crm state: got %q, want uninstalled", got)
	}
	status, body := callJSON2(t, sim, sim.AdminKey(), "crm.lead",
		"search_count", map[string]any{"domain": []any{}})
	if status != http.StatusNotFound {
		t.Errorf("crm.lead search_count: got status %d, want 404", status)
	}
	if name := body.(map[string]any)["name"]; name !=
		"werkzeug.exceptions.NotFound" {
		t.Errorf("crm.lead error name: got %v, want NotFound", name)
	}
	found := searchIDs(t, sim, sim.AdminKey(), "ir.model",
		[]any{[]any{"model", "in", []any{"crm.lead", "crm.stage",
			"res.partner"}}})
	if want := []int64{85}; !slices.Equal(found, want) {
		t.Errorf("ir.model ids: got %v, want %v (res.partner only)", found,
			want)
	}
	response := callExecuteKw(t, sim, AdminUID, sim.AdminKey(), "crm.lead",
		"search_count", []any{[]any{}}, nil)
	data, _ := response["error"].(map[string]any)["data"].(map[string]any)
	if data["name"] != "odoo.exceptions.UserError" {
		t.Errorf("JSON-RPC error: got %v, want a UserError", response)
	}
	if got := searchIDs(t, sim, sim.AdminKey(), "res.partner",
		[]any{[]any{"id", "=", 10}}); len(got) != 1 {
		t.Errorf("res.partner search: got %v, want the base model intact",
			got)
	}

	if err := sim.SetModuleState("crm", "installed"); err != nil {
		t.Fatalf("SetModuleState back: %v", err)
	}
	status, _ = callJSON2(t, sim, sim.AdminKey(), "crm.lead",
		"search_count", map[string]any{"domain": []any{}})
	if status != http.StatusOK {
		t.Errorf("crm.lead after reinstall: got status %d, want 200", status)
	}
	found = searchIDs(t, sim, sim.AdminKey(), "ir.model",
		[]any{[]any{"model", "=", "crm.lead"}})
	if want := []int64{421}; !slices.Equal(found, want) {
		t.Errorf("ir.model of crm.lead after reinstall: got %v, want %v",
			found, want)
	}
}

func TestSetModuleStateAddsModule(t *testing.T) {
	sim := New(Options{})
	if err := sim.SetModuleState("helpdesk", "installed"); err != nil {
		t.Fatalf("SetModuleState: %v", err)
	}
	if got := moduleStatesByName(t, sim, "helpdesk")["helpdesk"]; got !=
		"installed" {
		t.Errorf("helpdesk state: got %q, want installed", got)
	}
}

func TestSetModuleStateRejects(t *testing.T) {
	sim := New(Options{})
	if err := sim.SetModuleState("crm", "gone"); err == nil {
		t.Error("state gone: got no error, want an invalid state error")
	}
	if err := sim.SetModuleState("base", "uninstalled"); err == nil {
		t.Error("module base: got no error, want a rejection")
	}
}

func TestCheckAccessRights(t *testing.T) {
	sim := New(Options{})
	tests := []struct {
		name       string
		key        string
		model      string
		args       map[string]any
		wantStatus int
		want       any
	}{
		{"salesperson stage create", sim.SalesKey(), "crm.stage",
			map[string]any{"operation": "create", "raise_exception": false},
			http.StatusOK, false},
		{"salesperson stage read", sim.SalesKey(), "crm.stage",
			map[string]any{"operation": "read", "raise_exception": false},
			http.StatusOK, true},
		{"salesperson partner create", sim.SalesKey(), "res.partner",
			map[string]any{"operation": "create", "raise_exception": false},
			http.StatusOK, true},
		{"salesperson lead create", sim.SalesKey(), "crm.lead",
			map[string]any{"operation": "create", "raise_exception": false},
			http.StatusOK, true},
		{"admin stage create", sim.AdminKey(), "crm.stage",
			map[string]any{"operation": "create", "raise_exception": false},
			http.StatusOK, true},
		{"raises by default", sim.SalesKey(), "crm.stage",
			map[string]any{"operation": "unlink"}, http.StatusForbidden, nil},
		{"invalid operation", sim.AdminKey(), "crm.stage",
			map[string]any{"operation": "delete"},
			http.StatusInternalServerError, nil},
		{"missing operation", sim.AdminKey(), "crm.stage",
			map[string]any{}, http.StatusUnprocessableEntity, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, got := callJSON2(t, sim, tt.key, tt.model,
				"check_access_rights", tt.args)
			if status != tt.wantStatus {
				t.Fatalf("status: got %d, want %d; body %v", status,
					tt.wantStatus, got)
			}
			if tt.want != nil && got != tt.want {
				t.Errorf("result: got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCheckAccessRightsJSONRPC(t *testing.T) {
	sim := New(Options{})
	tests := []struct {
		model string
		want  bool
	}{
		{"crm.stage", false},
		{"res.partner", true},
		{"crm.lead", true},
	}
	for _, tt := range tests {
		response := callExecuteKw(t, sim, SalesUID, sim.SalesKey(), tt.model,
			"check_access_rights", []any{"create"},
			map[string]any{"raise_exception": false})
		if got := response["result"]; got != tt.want {
			t.Errorf("%s create: got %v, want %v (response %v)", tt.model,
				got, tt.want, response)
		}
	}
}

func TestDropNextJSONRPC(t *testing.T) {
	sim := New(Options{})
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	sim.DropNext("res.partner", "search_count")

	body, err := json.Marshal(map[string]any{
		"jsonrpc": "2.0", "method": "call", "id": 1,
		"params": map[string]any{"service": "object", "method": "execute_kw",
			"args": []any{sim.Database(), AdminUID, sim.AdminKey(),
				"res.partner", "search_count", []any{[]any{}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	post := func() error {
		resp, err := http.Post(url+"/jsonrpc", "application/json",
			bytes.NewReader(body))
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	if err := post(); err == nil {
		t.Error("first execute_kw: got a response, want a closed connection")
	}
	if err := post(); err != nil {
		t.Errorf("second execute_kw: %v, want a response", err)
	}
}

func TestSnapshotRestore(t *testing.T) {
	sim := New(Options{})
	snap := sim.Snapshot()
	before := len(sim.Records("res.partner"))
	status, created := callJSON2(t, sim, sim.AdminKey(), "res.partner",
		"create", map[string]any{"vals_list": []any{
			map[string]any{"name": "Temporary"}}})
	if status != http.StatusOK {
		t.Fatalf("create: got status %d, body %v", status, created)
	}

	sim.Restore(snap)
	if got := len(sim.Records("res.partner")); got != before {
		t.Errorf("partners after restore: got %d, want %d", got, before)
	}
	_, again := callJSON2(t, sim, sim.AdminKey(), "res.partner", "create",
		map[string]any{"vals_list": []any{map[string]any{"name": "Again"}}})
	if !slices.Equal(again.([]any), created.([]any)) {
		t.Errorf("id after restore: got %v, want %v again", again, created)
	}
}
