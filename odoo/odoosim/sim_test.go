package odoosim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// callJSON2 sends one JSON-2 call to sim and returns the status and the
// decoded body.
func callJSON2(t *testing.T, sim *Server, key, model, method string,
	args map[string]any) (int, any) {
	t.Helper()
	body, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/json/2/"+model+"/"+method,
		strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "bearer "+key)
	rec := httptest.NewRecorder()
	sim.Handler().ServeHTTP(rec, req)
	var result any
	if err := json.Unmarshal(rec.Body.Bytes(), &result); err != nil {
		t.Fatalf("decode %s.%s answer %q: %v", model, method, rec.Body, err)
	}
	return rec.Code, result
}

// searchIDs returns the ids found by search.
func searchIDs(t *testing.T, sim *Server, key, model string,
	domain []any) []int64 {
	t.Helper()
	status, result := callJSON2(t, sim, key, model, "search",
		map[string]any{"domain": domain, "order": "id"})
	if status != http.StatusOK {
		t.Fatalf("search %v: got status %d, body %v", domain, status, result)
	}
	var ids []int64
	for _, v := range result.([]any) {
		ids = append(ids, int64(v.(float64)))
	}
	return ids
}

func TestDomainOperators(t *testing.T) {
	sim := New(Options{})
	key := sim.AdminKey()
	// Seeded partners: 1 YourCompany, 3 Mitchell Admin, 7 Sales One,
	// 10 Acme Corporation, 11 Jordan Lee (Acme), 12 王芳.
	tests := []struct {
		name   string
		domain []any
		want   []int64
	}{
		{"equal", []any{[]any{"name", "=", "Jordan Lee"}}, []int64{11}},
		{"ilike", []any{[]any{"name", "ilike", "ACME"}}, []int64{10}},
		{"like is case sensitive", []any{[]any{"name", "like", "acme"}}, nil},
		{"=ilike wildcard", []any{[]any{"email", "=ilike", "%@ACME.example"}},
			[]int64{10, 11}},
		{"underscore wildcard", []any{[]any{"name", "=like", "Jordan_Lee"}},
			[]int64{11}},
		{"in", []any{[]any{"id", "in", []any{3, 12, 999}}}, []int64{3, 12}},
		{"not in", []any{[]any{"id", "not in", []any{1, 3, 7, 10}}},
			[]int64{11, 12}},
		{"false means empty", []any{[]any{"email", "=", false}},
			[]int64{12}},
		{"many2one id", []any{[]any{"parent_id", "=", 10}}, []int64{11}},
		{"many2one name", []any{[]any{"parent_id", "ilike", "acme"}},
			[]int64{11}},
		{"dotted path", []any{[]any{"parent_id.city", "=", "Springfield"},
			[]any{"is_company", "=", false}}, []int64{3, 7, 11}},
		{"or", []any{"|", []any{"id", "=", 3}, []any{"id", "=", 12}},
			[]int64{3, 12}},
		{"not", []any{"!", []any{"id", "<", 11}}, []int64{11, 12}},
		{"and prefix", []any{"&", []any{"id", ">=", 3},
			[]any{"id", "<=", 7}}, []int64{3, 7}},
		{"child_of", []any{[]any{"id", "child_of", 10}}, []int64{10, 11}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := searchIDs(t, sim, key, "res.partner", tt.domain)
			if !slices.Equal(got, tt.want) {
				t.Errorf("search %v: got %v, want %v", tt.domain, got, tt.want)
			}
		})
	}
}

func TestSalespersonSeesOwnLeads(t *testing.T) {
	sim := New(Options{})
	// Seeded leads: 1 is Mitchell Admin's, 2 is unassigned, 3 is Sales
	// One's.
	got := searchIDs(t, sim, sim.SalesKey(), "crm.lead", []any{})
	if want := []int64{2, 3}; !slices.Equal(got, want) {
		t.Errorf("salesperson search: got %v, want %v", got, want)
	}
	status, _ := callJSON2(t, sim, sim.SalesKey(), "crm.lead", "write",
		map[string]any{"ids": []int64{1}, "vals": map[string]any{"name": "x"}})
	if status != http.StatusForbidden {
		t.Errorf("write of another user's lead: got status %d, want 403",
			status)
	}
	status, _ = callJSON2(t, sim, sim.SalesKey(), "res.partner", "create",
		map[string]any{"vals_list": []any{map[string]any{"name": "New"}}})
	if status != http.StatusOK {
		t.Errorf("partner create by salesperson: got status %d, want 200",
			status)
	}
}

func TestFailedCallChangesNothing(t *testing.T) {
	sim := New(Options{})
	before := len(sim.Records("res.partner"))
	status, _ := callJSON2(t, sim, sim.AdminKey(), "res.partner", "create",
		map[string]any{"vals_list": []any{
			map[string]any{"name": "Kept only if all succeed"},
			map[string]any{"email": "no-name@example.com"},
		}})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("create with one invalid row: got status %d, want 422",
			status)
	}
	if got := len(sim.Records("res.partner")); got != before {
		t.Errorf("partners after failed create: got %d, want %d", got, before)
	}
}

func TestInjectErrorFailsOneCall(t *testing.T) {
	sim := New(Options{})
	sim.InjectError("res.partner", "search_count", ErrAccess, "injected")
	args := map[string]any{"domain": []any{}}

	status, body := callJSON2(t, sim, sim.AdminKey(), "res.partner",
		"search_count", args)
	if status != http.StatusForbidden {
		t.Errorf("first call: got status %d, want 403", status)
	}
	if name := body.(map[string]any)["name"]; name !=
		"odoo.exceptions.AccessError" {
		t.Errorf("first call: got name %v, want AccessError", name)
	}
	status, _ = callJSON2(t, sim, sim.AdminKey(), "res.partner",
		"search_count", args)
	if status != http.StatusOK {
		t.Errorf("second call: got status %d, want 200", status)
	}
	if got := sim.Calls(); got != 2 {
		t.Errorf("Calls: got %d, want 2", got)
	}
}

func TestRecordsSnapshot(t *testing.T) {
	sim := New(Options{})
	stages := sim.Records("crm.stage")
	var names []string
	for _, stage := range stages {
		names = append(names, stage["name"].(string))
	}
	want := []string{"New", "Qualified", "Proposition", "Won"}
	if !slices.Equal(names, want) {
		t.Errorf("stages: got %v, want %v", names, want)
	}
	if got := sim.Records("crm.opportunity"); got != nil {
		t.Errorf("unknown model: got %v, want nil", got)
	}
}

func TestStartServesHTTP(t *testing.T) {
	sim := New(Options{Database: "demo"})
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	defer sim.Close()

	resp, err := http.Get(url + "/web/version")
	if err != nil {
		t.Fatalf("GET /web/version: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /web/version: got status %d, want 200",
			resp.StatusCode)
	}
	if got := sim.Database(); got != "demo" {
		t.Errorf("Database: got %q, want %q", got, "demo")
	}
}

func TestRecordPage(t *testing.T) {
	s := New(Options{})
	url, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	resp, err := http.Get(url + "/odoo/res.partner/10")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	if !strings.Contains(string(body), "Acme Corporation") {
		t.Errorf("page does not show the partner's name:\n%s", body)
	}

	resp, err = http.Get(url + "/odoo/res.partner/99999")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("missing record status = %d, want 404", resp.StatusCode)
	}
}

func TestJSONRPCProxyFailureIsHTML(t *testing.T) {
	s := New(Options{})
	url, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.InjectError("res.partner", "search_count", ErrUnavailable, "maintenance")
	body := `{"jsonrpc":"2.0","method":"call","id":1,"params":{"service":"object","method":"execute_kw",` +
		`"args":["` + s.Database() + `",2,"` + s.AdminKey() + `","res.partner","search_count",[[]]]}}`
	resp, err := http.Post(url+"/jsonrpc", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type = %q, want an HTML page", ct)
	}
}

func TestLeadProbabilityConstraint(t *testing.T) {
	s := New(Options{})
	h := s.Handler()
	for _, tt := range []struct {
		probability float64
		status      int
	}{{-1, http.StatusUnprocessableEntity}, {101, http.StatusUnprocessableEntity}, {0, http.StatusOK}, {100, http.StatusOK}} {
		body := fmt.Sprintf(`{"vals_list":[{"name":"P","type":"opportunity","probability":%v}]}`, tt.probability)
		req := httptest.NewRequest(http.MethodPost, "/json/2/crm.lead/create", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "bearer "+s.AdminKey())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.status {
			t.Errorf("probability %v: status %d, want %d: %s", tt.probability, rec.Code, tt.status, rec.Body)
		}
		if tt.status != http.StatusOK && !strings.Contains(rec.Body.String(), "between 0% and 100%") {
			t.Errorf("probability %v: body %s does not name the constraint", tt.probability, rec.Body)
		}
	}
}

func TestTagNameUnique(t *testing.T) {
	s := New(Options{})
	h := s.Handler()
	create := func(name string) int {
		req := httptest.NewRequest(http.MethodPost, "/json/2/crm.tag/create",
			strings.NewReader(`{"vals_list":[{"name":"`+name+`"}]}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "bearer "+s.AdminKey())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if got := create("Unique Tag"); got != http.StatusOK {
		t.Fatalf("first create: status %d", got)
	}
	if got := create("Unique Tag"); got != http.StatusUnprocessableEntity {
		t.Errorf("second create of the same name: status %d, want 422", got)
	}
}

func TestExpiredKeyRejected(t *testing.T) {
	s := New(Options{})
	h := s.Handler()
	old := s.SalesKey()
	fresh := s.ExpireKey(SalesUID)
	call := func(key string) int {
		req := httptest.NewRequest(http.MethodPost, "/json/2/res.users/context_get", strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "bearer "+key)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if got := call(old); got != http.StatusUnauthorized {
		t.Errorf("expired key: status %d, want 401", got)
	}
	if got := call(fresh); got != http.StatusOK {
		t.Errorf("new key: status %d, want 200", got)
	}
	if s.ExpireKey(999) != "" {
		t.Error("ExpireKey of an unknown user returned a key")
	}
}

func TestSalespersonCannotAssignOthers(t *testing.T) {
	s := New(Options{})
	h := s.Handler()
	call := func(method, body string) int {
		req := httptest.NewRequest(http.MethodPost, "/json/2/crm.lead/"+method, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "bearer "+s.SalesKey())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if got := call("create", `{"vals_list":[{"name":"Mine","user_id":7}]}`); got != http.StatusOK {
		t.Errorf("create own lead: status %d, want 200", got)
	}
	if got := call("create", `{"vals_list":[{"name":"Unassigned","user_id":false}]}`); got != http.StatusOK {
		t.Errorf("create unassigned lead: status %d, want 200", got)
	}
	if got := call("create", `{"vals_list":[{"name":"Theirs","user_id":2}]}`); got != http.StatusForbidden {
		t.Errorf("create a lead for the administrator: status %d, want 403", got)
	}
	for _, r := range s.Records("crm.lead") {
		if r["name"] == "Theirs" {
			t.Error("the refused lead was stored")
		}
	}
}
