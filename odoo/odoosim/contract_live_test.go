package odoosim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// Environment variables that name the real Odoo 19 server the live replay
// calls. The replay is skipped unless all three are set.
const (
	envLiveURL      = "CRMBOT_TEST_ODOO_URL"
	envLiveDatabase = "CRMBOT_TEST_ODOO_DB"
	// envLiveKey is the API key of an administrator of that database.
	envLiveKey = "CRMBOT_TEST_ODOO_KEY"
)

// capturedDatabase is the database name in the captured requests.
const capturedDatabase = "crm19"

// liveCaptures are the captures replayed against a real server. Each one
// only reads or is rejected before it could change anything, and none
// names a record id of the captured database, except the calls of private
// methods, which Odoo rejects before it looks at the ids. They need only
// an administrator's API key.
//
// Left out:
//   - every create, write, unlink and action, because they would change
//     the real database, and the later captures use the ids that the
//     captured database gave out;
//   - the captures made with the salesperson's key or a password, which
//     the variables do not provide;
//   - the failed login attempts, which the server logs and counts against
//     the client address;
//   - 08_json2_no_database_header, which holds only on a server with a
//     single database.
var liveCaptures = []string{
	"00_version_json_version.json",
	"00_version_web_version.json",
	"01_jsonrpc_common_version.json",
	"04_jsonrpc_execute_kw_bad_db.json",
	"05_jsonrpc_execute_kw_bad_apikey.json",
	"06_json2_context_get_ok_admin.json",
	"07_json2_bad_apikey.json",
	"07_json2_no_authorization_header.json",
	"08_json2_bad_database.json",
	"10_json2_partner_fields_get.json",
	"18_jsonrpc_partner_fields_get.json",
	"20_json2_lead_fields_get.json",
	"21_json2_crm_stage_search_read.json",
	"23_json2_crm_lost_reason_search_read.json",
	"31_jsonrpc_crm_stage_search_read.json",
	"40_json2_ir_model_lookup.json",
	"41_json2_activity_type_search_read.json",
	"44_json2_crm_team_search_read.json",
	"44_json2_users_name_search.json",
	"51_json2_err_search_unknown_field_in_domain.json",
	"56_json2_err_unknown_model.json",
	"57_json2_err_unknown_method.json",
	"58_json2_err_api_private_method.json",
	"58_json2_err_private_method.json",
	"59_json2_err_body_is_array.json",
	"59_json2_err_domain_malformed.json",
	"59_json2_err_get_method.json",
	"59_json2_err_ids_on_model_method.json",
	"59_json2_err_malformed_json.json",
	"59_json2_err_path_without_method.json",
	"59_json2_err_positional_style_args.json",
	"59_json2_err_unexpected_kwarg.json",
	"59_json2_err_wrong_content_type.json",
	"66_jsonrpc_err_unknown_model.json",
	"67_jsonrpc_err_unknown_method.json",
	"68_jsonrpc_err_private_method.json",
	"69_jsonrpc_err_malformed_json.json",
	"69_jsonrpc_err_unknown_service.json",
}

// liveServer is the real Odoo server named by the environment variables.
type liveServer struct {
	baseURL  string
	database string
	key      string
	// uid is the id of the key's owner, which replaces the captured
	// administrator's uid 2 in execute_kw calls.
	uid    int64
	client *http.Client
}

// TestReplayCapturesLive replays liveCaptures against a real Odoo 19
// server and compares the status, the headers and the body shape, so that
// a difference between the captures and the current server shows up.
func TestReplayCapturesLive(t *testing.T) {
	replayLive(t, newLiveServer(t))
}

// TestLiveReplayOnSimulator runs the live replay against the simulator
// on 127.0.0.1, which checks the request rewriting and the comparisons
// without a real server.
func TestLiveReplayOnSimulator(t *testing.T) {
	sim := New(Options{Database: "live_check"})
	sim.now = func() time.Time { return captureTime }
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	t.Setenv(envLiveURL, url)
	t.Setenv(envLiveDatabase, sim.Database())
	t.Setenv(envLiveKey, sim.AdminKey())

	replayLive(t, newLiveServer(t))
}

func replayLive(t *testing.T, server *liveServer) {
	t.Helper()
	dir := findWireDir(t)
	for _, file := range liveCaptures {
		c := loadCapture(t, dir, file)
		t.Run(strings.TrimSuffix(file, ".json"), func(t *testing.T) {
			status, headers, body := server.replay(t, c)
			if status != c.Status {
				t.Fatalf("status: got %d, want %d; body %s", status,
					c.Status, body)
			}
			compareHeaders(t, trimmedValues(c.ResponseHeaders), headers)
			compareBody(t, c, body, subset)
		})
	}
}

// newLiveServer reads the environment variables, skipping the test when
// one is unset, and looks up the uid of the key's owner.
func newLiveServer(t *testing.T) *liveServer {
	t.Helper()
	rawURL := os.Getenv(envLiveURL)
	database := os.Getenv(envLiveDatabase)
	key := os.Getenv(envLiveKey)
	if rawURL == "" || database == "" || key == "" {
		t.Skipf("live replay skipped: set %s (such as "+
			"http://127.0.0.1:8069), %s (the database name) and %s (an "+
			"administrator's API key) to replay the captures against a "+
			"real Odoo 19 server", envLiveURL, envLiveDatabase, envLiveKey)
	}
	base, err := url.Parse(rawURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") ||
		base.Host == "" {
		t.Fatalf("%s=%q: want an http or https URL with a host",
			envLiveURL, rawURL)
	}

	server := &liveServer{
		baseURL:  strings.TrimRight(base.String(), "/"),
		database: database,
		key:      key,
		client: &http.Client{
			Timeout: 30 * time.Second,
			// A Transport without Proxy ignores HTTP_PROXY, so requests
			// go only to the named server.
			Transport: &http.Transport{},
			// A redirect could lead to another host, so none is followed.
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
	}
	t.Cleanup(server.client.CloseIdleConnections)
	server.uid = server.contextUID(t)
	return server
}

// contextUID returns the uid that res.users/context_get reports for the
// key.
func (s *liveServer) contextUID(t *testing.T) int64 {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(),
		http.MethodPost, s.baseURL+"/json/2/res.users/context_get",
		strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "bearer "+s.key)
	req.Header.Set("X-Odoo-Database", s.database)
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("context_get on %s: %v", s.baseURL, err)
	}
	defer resp.Body.Close()
	var userContext struct {
		UID int64 `json:"uid"`
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("context_get on %s: got status %d, want 200: check %s "+
			"and %s", s.baseURL, resp.StatusCode, envLiveDatabase, envLiveKey)
	}
	if err := json.NewDecoder(resp.Body).Decode(&userContext); err != nil {
		t.Fatalf("decode context_get response: %v", err)
	}
	return userContext.UID
}

// replay sends the captured request to the live server, with its
// database, key and uid in place of the captured ones.
func (s *liveServer) replay(t *testing.T, c capture) (int, http.Header,
	[]byte) {
	t.Helper()
	body, err := s.requestBody(c)
	if err != nil {
		t.Fatalf("prepare request body: %v", err)
	}
	req, err := http.NewRequestWithContext(context.Background(),
		c.Request.Method, s.baseURL+urlPath(c.Request.URL), body)
	if err != nil {
		t.Fatal(err)
	}
	for name, value := range c.Request.Headers {
		switch {
		case name == "X-Odoo-Database" && value == capturedDatabase:
			value = s.database
		default:
			value = strings.ReplaceAll(value, "<API_KEY_ADMIN>", s.key)
		}
		req.Header.Set(name, value)
	}

	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("send to %s: %v", s.baseURL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	return resp.StatusCode, resp.Header, raw
}

// requestBody returns the captured body with the live key, database and
// uid. A captured string is sent as raw text, such as invalid JSON.
func (s *liveServer) requestBody(c capture) (io.Reader, error) {
	raw := c.Request.Body
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var text string
	if json.Unmarshal(raw, &text) == nil {
		return strings.NewReader(text), nil
	}
	raw = bytes.ReplaceAll(raw, []byte("<API_KEY_ADMIN>"), []byte(s.key))
	if urlPath(c.Request.URL) != "/jsonrpc" {
		return bytes.NewReader(raw), nil
	}

	var call map[string]any
	if err := json.Unmarshal(raw, &call); err != nil {
		return nil, fmt.Errorf("decode JSON-RPC request: %w", err)
	}
	params, _ := call["params"].(map[string]any)
	args, _ := params["args"].([]any)
	if len(args) > 0 && args[0] == capturedDatabase {
		args[0] = s.database
	}
	if params["service"] == "object" && len(args) > 1 &&
		args[1] == float64(AdminUID) {
		args[1] = s.uid
	}
	rewritten, err := json.Marshal(call)
	if err != nil {
		return nil, fmt.Errorf("encode JSON-RPC request: %w", err)
	}
	return bytes.NewReader(rewritten), nil
}

// trimmedValues returns headers without the spaces around each value,
// which Go's HTTP client removes when it parses a response, such as the
// trailing space of Odoo's "WWW-Authenticate: Bearer ".
func trimmedValues(headers map[string]string) map[string]string {
	trimmed := make(map[string]string, len(headers))
	for name, value := range headers {
		trimmed[name] = strings.TrimSpace(value)
	}
	return trimmed
}
