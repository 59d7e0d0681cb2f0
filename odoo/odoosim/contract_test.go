package odoosim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// capture is one request and response recorded from a real Odoo 19.0
// server.
type capture struct {
	Request struct {
		Method  string            `json:"method"`
		URL     string            `json:"url"`
		Headers map[string]string `json:"headers"`
		Body    json.RawMessage   `json:"body"`
	} `json:"request"`
	Status          int               `json:"status"`
	ResponseHeaders map[string]string `json:"response_headers"`
	Response        json.RawMessage   `json:"response"`
}

// compareMode is how much of a captured response the simulator must
// reproduce.
type compareMode int

const (
	// exact compares every string and the length of every list. Numbers
	// (ids, amounts) and datetimes are left aside.
	exact compareMode = iota
	// shape compares types and object keys only, for responses that
	// depend on the demo data of the captured database.
	shape
	// subset is shape, but a response object may have keys the capture
	// lacks and an HTML body is not compared. A real server with other
	// modules installed than the captured one passes it.
	subset
)

// replayStep is one capture of the replayed sequence.
type replayStep struct {
	file string
	mode compareMode
}

// replaySequence lists the JSON-2 and JSON-RPC captures in the order they were made
// on the real server, so that each step finds the state it expects.
var replaySequence = []replayStep{
	{"00_version_json_version.json", exact},
	{"00_version_web_version.json", exact},
	{"01_jsonrpc_common_version.json", exact},
	{"02_jsonrpc_common_login_ok.json", exact},
	{"02_jsonrpc_common_authenticate_ok.json", exact},
	{"02_jsonrpc_common_login_with_apikey.json", exact},
	{"03_jsonrpc_common_login_bad_password.json", exact},
	{"03_jsonrpc_common_authenticate_bad_password.json", exact},
	{"04_jsonrpc_common_login_bad_db.json", exact},
	{"04_jsonrpc_execute_kw_bad_db.json", exact},
	{"05_jsonrpc_execute_kw_bad_apikey.json", exact},
	{"05_jsonrpc_execute_kw_ok_password.json", exact},
	{"06_json2_context_get_ok_admin.json", exact},
	{"06_json2_context_get_ok_sales1.json", exact},
	{"07_json2_bad_apikey.json", exact},
	{"07_json2_no_authorization_header.json", exact},
	{"07_json2_password_as_bearer.json", exact},
	{"08_json2_bad_database.json", exact},
	{"08_json2_no_database_header.json", exact},
	{"10_json2_partner_fields_get.json", exact},
	{"11_json2_partner_create_company.json", exact},
	{"12_json2_partner_create_contact.json", exact},
	{"12_json2_partner_create_dict_instead_of_list.json", exact},
	{"13_json2_partner_name_search.json", exact},
	{"14_json2_partner_search_read_domain.json", exact},
	{"15_json2_partner_write.json", exact},
	{"15_json2_partner_read_after_write.json", exact},
	{"16_json2_partner_search_count.json", exact},
	{"17_json2_partner_create_for_unlink.json", exact},
	{"17_json2_partner_unlink.json", exact},
	{"18_jsonrpc_partner_create_company.json", exact},
	{"18_jsonrpc_partner_create_contact.json", exact},
	{"18_jsonrpc_partner_name_search.json", exact},
	{"18_jsonrpc_partner_search_read.json", exact},
	{"18_jsonrpc_partner_write.json", exact},
	{"18_jsonrpc_partner_unlink.json", exact},
	{"18_jsonrpc_partner_fields_get.json", exact},
	{"20_json2_lead_fields_get.json", exact},
	{"21_json2_crm_stage_search_read.json", exact},
	{"22_json2_crm_tag_name_create.json", exact},
	{"22_json2_crm_tag_name_create_second.json", exact},
	{"23_json2_crm_lost_reason_search_read.json", exact},
	{"24_json2_lead_create_type_lead.json", exact},
	{"25_json2_lead_create_type_opportunity.json", exact},
	{"26_json2_lead_read_back.json", exact},
	{"27_json2_lead_write_stage.json", exact},
	{"27_json2_lead_read_stage_after_write.json", exact},
	{"28_json2_lead_create_for_conversion.json", exact},
	{"28_json2_lead_convert_by_write_type.json", exact},
	{"28_json2_lead_read_after_convert.json", exact},
	{"28_json2_err_convert_opportunity_needs_record.json", exact},
	{"29_json2_lead_action_set_won.json", exact},
	{"29_json2_lead_read_after_won.json", exact},
	{"30_json2_lead_action_set_lost.json", exact},
	{"30_json2_lead_read_lost_needs_active_test.json", exact},
	{"30_json2_lead_search_lost_default.json", exact},
	{"30_json2_lead_search_lost_with_context.json", exact},
	{"31_jsonrpc_lead_create.json", exact},
	{"31_jsonrpc_lead_write_stage.json", exact},
	{"31_jsonrpc_lead_action_set_won.json", exact},
	{"31_jsonrpc_lead_create_second.json", exact},
	{"31_jsonrpc_lead_action_set_lost.json", exact},
	{"31_jsonrpc_err_lose_won_lead.json", exact},
	{"31_jsonrpc_crm_tag_name_create.json", exact},
	{"31_jsonrpc_crm_stage_search_read.json", exact},
	{"40_json2_ir_model_lookup.json", exact},
	{"41_json2_activity_type_search_read.json", exact},
	{"42_json2_activity_create.json", exact},
	{"42_json2_activity_create_res_model_name.json", exact},
	{"43_json2_lead_activity_schedule.json", exact},
	{"44_json2_activity_search_read_mine.json", exact},
	{"44_json2_lead_read_activities.json", exact},
	{"44_json2_activity_action_feedback.json", exact},
	{"44_json2_lead_message_post_note.json", exact},
	// The third message is a notification generated by modules the
	// simulator does not have.
	{"44_json2_lead_message_read_back.json", shape},
	// The captured database also had the demo team "Pre-Sales".
	{"44_json2_crm_team_search_read.json", shape},
	{"44_json2_users_name_search.json", exact},
	{"45_json2_calendar_event_create.json", exact},
	{"45_json2_calendar_event_allday.json", exact},
	{"45_json2_calendar_event_create_iso_T.json", exact},
	{"46_jsonrpc_activity_create.json", exact},
	{"46_jsonrpc_calendar_event_create.json", exact},
	{"50_json2_err_lead_create_without_name.json", exact},
	{"50_json2_err_partner_create_without_name.json", exact},
	{"50_json2_partner_create_empty_name_accepted.json", exact},
	{"51_json2_err_read_unknown_field.json", exact},
	{"51_json2_err_search_unknown_field_in_domain.json", exact},
	{"51_json2_err_write_unknown_field.json", exact},
	{"52_json2_read_deleted_id_returns_empty.json", exact},
	{"52_json2_err_write_deleted_id.json", exact},
	{"53_json2_err_bad_selection_value.json", exact},
	{"53_json2_err_bad_selection_value_partner.json", exact},
	{"54_json2_err_many2many_missing_id.json", exact},
	{"54_json2_err_many2one_missing_id.json", exact},
	{"54_json2_err_wrong_type_value.json", exact},
	{"55_json2_setup_admin_lead.json", exact},
	{"55_json2_sales1_create_partner_ok.json", exact},
	{"55_json2_sales1_read_own_lead.json", exact},
	// The captured database had demo leads without a salesperson.
	{"55_json2_sales1_search_read_filters_silently.json", shape},
	{"55_json2_err_sales1_read_other_users_lead.json", exact},
	{"55_json2_err_sales1_write_other_users_lead.json", exact},
	{"55_json2_err_sales1_unlink_stage.json", exact},
	{"56_json2_err_unknown_model.json", exact},
	{"57_json2_err_unknown_method.json", exact},
	{"58_json2_err_api_private_method.json", exact},
	{"58_json2_err_private_method.json", exact},
	{"59_json2_err_body_is_array.json", exact},
	{"59_json2_err_domain_malformed.json", exact},
	{"59_json2_err_get_method.json", exact},
	{"59_json2_err_ids_on_model_method.json", exact},
	{"59_json2_err_lose_won_lead.json", exact},
	{"59_json2_err_malformed_json.json", exact},
	{"59_json2_err_path_without_method.json", exact},
	{"59_json2_err_positional_style_args.json", exact},
	{"59_json2_err_unexpected_kwarg.json", exact},
	{"59_json2_err_unlink_partner_in_use.json", exact},
	{"59_json2_err_wrong_content_type.json", exact},
	{"60_jsonrpc_err_partner_create_without_name.json", exact},
	{"61_jsonrpc_err_write_unknown_field.json", exact},
	{"62_jsonrpc_read_deleted_id_returns_empty.json", exact},
	{"63_jsonrpc_err_bad_selection_value.json", exact},
	{"64_jsonrpc_err_many2one_missing_id.json", exact},
	{"65_jsonrpc_err_sales1_read_other_users_lead.json", exact},
	{"65_jsonrpc_err_sales1_write_other_users_lead.json", exact},
	{"66_jsonrpc_err_unknown_model.json", exact},
	{"67_jsonrpc_err_unknown_method.json", exact},
	{"68_jsonrpc_err_private_method.json", exact},
	{"69_jsonrpc_err_malformed_json.json", exact},
	{"69_jsonrpc_err_uid_key_mismatch.json", exact},
	{"69_jsonrpc_err_unknown_service.json", exact},
}

// skippedCaptures are the captures the replay leaves out, with the reason.
var skippedCaptures = map[string]string{
	"09_web_session_authenticate_bad_password.json": "browser sessions are not simulated",
	"09_web_session_authenticate_ok.json":           "browser sessions are not simulated",
	"70_xmlrpc2_common_version.json":                "XML-RPC is not simulated",
	"70_xmlrpc2_object_access_error.json":           "XML-RPC is not simulated",
	"70_xmlrpc2_object_search_count.json":           "XML-RPC is not simulated",
	"90_server_log_excerpt.json":                    "server log, not an exchange",
	"95_latency_benchmark.json":                     "timings, not an exchange",
}

// captureTime is when the captures were made. The simulator clock is set
// to it so that activity states match.
var captureTime = time.Date(2026, 12, 4, 15, 18, 30, 0, time.UTC)

// findWireDir walks up from the package directory to the folder that
// holds a shared/odoo19-wire directory of captures.
func findWireDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("get working directory: %v", err)
	}
	for {
		candidate := filepath.Join(dir, "shared", "odoo19-wire")
		if info, err := os.Stat(candidate); err == nil && info.IsDir() {
			return candidate
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			// CI lays the captures beside the clone, so there a missing
			// folder is a broken setup, not a reason to skip.
			if os.Getenv("CI") != "" {
				t.Fatal("no shared/odoo19-wire directory of Odoo 19 captures " +
					"above the package directory, and CI is set: the contract test must run")
			}
			t.Skip("no shared/odoo19-wire directory of Odoo 19 captures " +
				"above the package directory; contract test skipped")
		}
		dir = parent
	}
}

func loadCapture(t *testing.T, dir, file string) capture {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatalf("read capture: %v", err)
	}
	var c capture
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("decode capture %s: %v", file, err)
	}
	return c
}

func TestReplayCaptures(t *testing.T) {
	dir := findWireDir(t)
	sim := New(Options{})
	sim.now = func() time.Time { return captureTime }
	handler := sim.Handler()

	for _, step := range replaySequence {
		c := loadCapture(t, dir, step.file)
		t.Run(strings.TrimSuffix(step.file, ".json"), func(t *testing.T) {
			alignNextID(sim, c)
			status, headers, body := replay(t, handler, sim, c)
			if status != c.Status {
				t.Fatalf("status: got %d, want %d; body %s", status,
					c.Status, body)
			}
			compareHeaders(t, c.ResponseHeaders, headers)
			compareBody(t, c, body, step.mode)
		})
	}
}

// TestReplayCoversCaptures fails when a capture is neither
// replayed nor listed as skipped.
func TestReplayCoversCaptures(t *testing.T) {
	dir := findWireDir(t)
	listed := map[string]bool{}
	for _, step := range replaySequence {
		listed[step.file] = true
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		if listed[name] {
			continue
		}
		if _, ok := skippedCaptures[name]; !ok {
			t.Errorf("capture %s: neither replayed nor skipped", name)
		}
	}
}

// alignNextID makes the simulator hand out the id the real server did for
// the records a capture creates, so later captures can name them.
func alignNextID(sim *Server, c capture) {
	if c.Status != http.StatusOK {
		return
	}
	path := strings.TrimPrefix(urlPath(c.Request.URL), "/json/2/")
	modelName, method, _ := strings.Cut(path, "/")
	var created any
	_ = json.Unmarshal(c.Response, &created)
	if path == "/jsonrpc" {
		modelName, method, created = legacyCall(c)
	}
	first := created
	if list, ok := created.([]any); ok && len(list) > 0 {
		first = list[0]
	}
	id, ok := first.(float64)
	if !ok {
		return
	}
	switch method {
	case "create", "name_create":
	case "message_post", "action_feedback":
		modelName = "mail.message"
	case "activity_schedule":
		modelName = "mail.activity"
	default:
		return
	}
	sim.setNextID(modelName, int64(id))
}

// legacyCall returns the model, method and result of an execute_kw
// capture.
func legacyCall(c capture) (string, string, any) {
	var req struct {
		Params struct {
			Args []any `json:"args"`
		} `json:"params"`
	}
	var resp struct {
		Result any `json:"result"`
	}
	_ = json.Unmarshal(c.Request.Body, &req)
	_ = json.Unmarshal(c.Response, &resp)
	if len(req.Params.Args) < 5 {
		return "", "", nil
	}
	modelName, _ := req.Params.Args[3].(string)
	method, _ := req.Params.Args[4].(string)
	return modelName, method, resp.Result
}

func urlPath(raw string) string {
	if i := strings.Index(raw, "://"); i >= 0 {
		raw = raw[i+3:]
		if j := strings.IndexByte(raw, '/'); j >= 0 {
			return raw[j:]
		}
	}
	return raw
}

// replay sends the captured request to the simulator.
func replay(t *testing.T, handler http.Handler, sim *Server,
	c capture) (int, http.Header, []byte) {
	t.Helper()
	replacer := strings.NewReplacer(
		"<API_KEY_ADMIN>", sim.AdminKey(),
		"<API_KEY_SALES1>", sim.SalesKey(),
		"<PASSWORD_ADMIN>", sim.users[AdminUID].password,
		"<PASSWORD_SALES1>", sim.users[SalesUID].password,
	)
	var body io.Reader
	var text string
	switch {
	case len(c.Request.Body) == 0 || string(c.Request.Body) == "null":
	case json.Unmarshal(c.Request.Body, &text) == nil:
		// A string body is the raw text that was sent, such as bad JSON.
		body = strings.NewReader(text)
	default:
		body = strings.NewReader(replacer.Replace(string(c.Request.Body)))
	}
	req := httptest.NewRequest(c.Request.Method, urlPath(c.Request.URL), body)
	for key, value := range c.Request.Headers {
		req.Header.Set(key, replacer.Replace(value))
	}
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	return rec.Code, rec.Header(), rec.Body.Bytes()
}

// comparedHeaders are the response headers the simulator must send as the
// real server did.
var comparedHeaders = []string{"Content-Type", "WWW-Authenticate",
	"X-Content-Type-Options", "Accept"}

func compareHeaders(t *testing.T, want map[string]string, got http.Header) {
	t.Helper()
	for _, key := range comparedHeaders {
		wantValue, captured := want[key]
		gotValue := got.Get(key)
		if !captured {
			if gotValue != "" {
				t.Errorf("header %s: got %q, want none", key, gotValue)
			}
			continue
		}
		if gotValue != wantValue {
			t.Errorf("header %s: got %q, want %q", key, gotValue, wantValue)
		}
	}
	if _, captured := want["Set-Cookie"]; captured && got.Get("Set-Cookie") == "" {
		t.Errorf("header Set-Cookie: got none, want a session cookie")
	}
}

func compareBody(t *testing.T, c capture, body []byte, mode compareMode) {
	t.Helper()
	var want any
	if err := json.Unmarshal(c.Response, &want); err != nil {
		t.Fatalf("decode captured response: %v", err)
	}
	if html, isHTML := want.(string); isHTML &&
		strings.HasPrefix(c.ResponseHeaders["Content-Type"], "text/html") {
		if mode != subset && string(body) != html {
			t.Errorf("HTML body:\ngot  %q\nwant %q", body, html)
		}
		return
	}
	var got any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("decode response %q: %v", body, err)
	}
	if c.Status != http.StatusOK {
		compareErrorBody(t, want, got)
		return
	}
	if wantRPC, ok := want.(map[string]any); ok && wantRPC["error"] != nil {
		compareRPCError(t, wantRPC, got)
		return
	}
	compareValue(t, "response", want, got, mode)
}

// compareErrorBody compares the members and the exception name, because
// message texts are the simulator's own words.
func compareErrorBody(t *testing.T, want, got any) {
	t.Helper()
	wantBody, _ := want.(map[string]any)
	gotBody, ok := got.(map[string]any)
	if !ok {
		t.Fatalf("error body: got %v, want an object", got)
	}
	compareKeys(t, "error body", wantBody, gotBody)
	if gotBody["name"] != wantBody["name"] {
		t.Errorf("error name: got %v, want %v", gotBody["name"],
			wantBody["name"])
	}
	if message, _ := gotBody["message"].(string); message == "" {
		t.Errorf("error message: got %v, want a text", gotBody["message"])
	}
	wantArgs, _ := wantBody["arguments"].([]any)
	gotArgs, _ := gotBody["arguments"].([]any)
	if len(gotArgs) != len(wantArgs) {
		t.Errorf("error arguments: got %d, want %d", len(gotArgs),
			len(wantArgs))
	}
}

// compareRPCError compares a JSON-RPC error response. The envelope must
// match exactly and the data is compared as an error body.
func compareRPCError(t *testing.T, want map[string]any, got any) {
	t.Helper()
	gotRPC, ok := got.(map[string]any)
	if !ok {
		t.Fatalf("JSON-RPC answer: got %v, want an object", got)
	}
	compareKeys(t, "JSON-RPC answer", want, gotRPC)
	wantError, _ := want["error"].(map[string]any)
	gotError, ok := gotRPC["error"].(map[string]any)
	if !ok {
		t.Fatalf("JSON-RPC error: got %v, want an object", gotRPC["error"])
	}
	compareKeys(t, "JSON-RPC error", wantError, gotError)
	for _, key := range []string{"code", "message"} {
		if gotError[key] != wantError[key] {
			t.Errorf("JSON-RPC error %s: got %v, want %v", key,
				gotError[key], wantError[key])
		}
	}
	compareErrorBody(t, wantError["data"], gotError["data"])
}

var datetimePattern = regexp.MustCompile(
	`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`)

// compareValue compares want and got as described by mode.
func compareValue(t *testing.T, path string, want, got any,
	mode compareMode) {
	t.Helper()
	if mode != exact && (want == false || got == false) {
		// false is the empty value of every type.
		return
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			t.Errorf("%s: got %v, want an object", path, got)
			return
		}
		if mode == subset {
			compareRequiredKeys(t, path, w, g)
		} else {
			compareKeys(t, path, w, g)
		}
		for key, value := range w {
			if gotValue, ok := g[key]; ok {
				compareValue(t, path+"."+key, value, gotValue, mode)
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			t.Errorf("%s: got %v, want a list", path, got)
			return
		}
		if mode != exact {
			if len(w) > 0 && len(g) > 0 {
				compareValue(t, path+"[0]", w[0], g[0], mode)
			}
			return
		}
		if len(g) != len(w) {
			t.Errorf("%s: got %d items %v, want %d %v", path, len(g), g,
				len(w), w)
			return
		}
		for i := range w {
			compareValue(t, path+"["+strconv.Itoa(i)+"]", w[i], g[i], mode)
		}
	case string:
		g, ok := got.(string)
		if !ok {
			t.Errorf("%s: got %v, want a string", path, got)
			return
		}
		if mode == exact && !datetimePattern.MatchString(w) && g != w {
			t.Errorf("%s: got %q, want %q", path, g, w)
		}
	case float64:
		if _, ok := got.(float64); !ok {
			t.Errorf("%s: got %v, want a number", path, got)
		}
	case bool:
		if got != w {
			t.Errorf("%s: got %v, want %v", path, got, w)
		}
	case nil:
		if got != nil {
			t.Errorf("%s: got %v, want null", path, got)
		}
	}
}

func compareKeys(t *testing.T, path string, want, got map[string]any) {
	t.Helper()
	compareRequiredKeys(t, path, want, got)
	for key := range got {
		if _, ok := want[key]; !ok {
			t.Errorf("%s: unexpected key %q", path, key)
		}
	}
}

// compareRequiredKeys fails for each key of want that got lacks.
func compareRequiredKeys(t *testing.T, path string, want,
	got map[string]any) {
	t.Helper()
	for key := range want {
		if _, ok := got[key]; !ok {
			t.Errorf("%s: missing key %q", path, key)
		}
	}
}
