package understand

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/conversation"
)

const testAPIKey = "sk-test-secret-key"

// fakeReply is one HTTP response of the fake LLM server.
type fakeReply struct {
	status  int
	header  map[string]string
	body    string
	delay   time.Duration
	rawBody bool // send body as is, without a Content-Type of JSON
}

// fakeLLM is an OpenAI-compatible chat completions server that sends
// scripted replies in order and records the requests it receives.
type fakeLLM struct {
	t        *testing.T
	server   *httptest.Server
	mu       sync.Mutex
	replies  []fakeReply
	requests []map[string]any
	auth     []string
}

func newFakeLLM(t *testing.T, replies ...fakeReply) *fakeLLM {
	t.Helper()
	f := &fakeLLM{t: t, replies: replies}
	f.server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.server.Close)
	return f
}

func (f *fakeLLM) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/chat/completions" {
		http.NotFound(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var request map[string]any
	if err := json.Unmarshal(body, &request); err != nil {
		f.t.Errorf("fake llm: request body is not JSON: %v", err)
	}

	f.mu.Lock()
	f.requests = append(f.requests, request)
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	if len(f.replies) == 0 {
		f.mu.Unlock()
		f.t.Errorf("fake llm: unexpected request %d", len(f.requests))
		http.Error(w, "no reply scripted", http.StatusInternalServerError)
		return
	}
	reply := f.replies[0]
	f.replies = f.replies[1:]
	f.mu.Unlock()

	if reply.delay > 0 {
		select {
		case <-time.After(reply.delay):
		case <-r.Context().Done():
			return
		}
	}
	for k, v := range reply.header {
		w.Header().Set(k, v)
	}
	if reply.rawBody {
		w.Header().Set("Content-Type", "text/html")
	} else {
		w.Header().Set("Content-Type", "application/json")
	}
	status := reply.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	io.WriteString(w, reply.body)
}

func (f *fakeLLM) requestCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}

func (f *fakeLLM) request(i int) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[i]
}

// completion returns a chat completion body with one choice.
func completion(message, finishReason string) string {
	return `{"id":"chatcmpl-1","object":"chat.completion","created":1764800000,"model":"test-model",` +
		`"choices":[{"index":0,"message":` + message + `,"finish_reason":"` + finishReason + `"}],` +
		`"usage":{"prompt_tokens":412,"completion_tokens":31,"total_tokens":443,"prompt_tokens_details":{"cached_tokens":256}}}`
}

// toolCallMessage returns an assistant message with one tool call whose
// arguments are the JSON string of arguments.
func toolCallMessage(id, name, arguments string) string {
	quoted, _ := json.Marshal(arguments)
	idField := ""
	if id != "" {
		idField = `"id":"` + id + `",`
	}
	return `{"role":"assistant","content":null,"tool_calls":[{` + idField +
		`"type":"function","function":{"name":"` + name + `","arguments":` + string(quoted) + `}}]}`
}

func apiError(code, errType, message string) string {
	return `{"error":{"message":"` + message + `","type":"` + errType + `","param":null,"code":"` + code + `"}}`
}

// testLLM returns an LLM understander that talks to f, the sleeps it was
// asked for, and its log output.
func testLLM(t *testing.T, f *fakeLLM, timeout time.Duration) (*LLM, *[]time.Duration, *bytes.Buffer) {
	t.Helper()
	logs := &bytes.Buffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	l := NewLLM(LLMConfig{
		BaseURL: f.server.URL + "/v1/",
		Model:   "test-model",
		APIKey:  testAPIKey,
		Timeout: timeout,
		Logger:  logger,
		Region:  "CN",
	}, &Rules{Region: "CN"})
	var sleeps []time.Duration
	l.sleep = func(ctx context.Context, d time.Duration) error {
		sleeps = append(sleeps, d)
		return ctx.Err()
	}
	return l, &sleeps, logs
}

func understandText(t *testing.T, l *LLM, text string) (conversation.Understanding, error) {
	t.Helper()
	return l.Understand(context.Background(), conversation.UnderstandRequest{Text: text, Now: testNow})
}

const acmeText = "we signed Acme Robotics, their phone is +1 415 555 0100"

func checkAcme(t *testing.T, got conversation.Understanding, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("Understand error: %v", err)
	}
	if got.Intent != customer {
		t.Errorf("intent = %q, want %q", got.Intent, customer)
	}
	if got.Values["name"] != "Acme Robotics" {
		t.Errorf("name = %q, want %q", got.Values["name"], "Acme Robotics")
	}
	if got.Values["phone"] != "+1 415 555 0100" {
		t.Errorf("phone = %q, want %q", got.Values["phone"], "+1 415 555 0100")
	}
}

const acmeArguments = `{"name":"Acme Robotics","phone":"+1 415 555 0100"}`

func TestLLMToolCall(t *testing.T) {
	f := newFakeLLM(t, fakeReply{body: completion(toolCallMessage("call_abc", customer, acmeArguments), "tool_calls")})
	l, _, logs := testLLM(t, f, 0)

	got, err := understandText(t, l, acmeText)
	checkAcme(t, got, err)

	if n := f.requestCount(); n != 1 {
		t.Fatalf("requests = %d, want 1", n)
	}
	if f.auth[0] != "Bearer "+testAPIKey {
		t.Errorf("Authorization = %q, want the bearer key", f.auth[0])
	}
	request := f.request(0)
	if request["model"] != "test-model" {
		t.Errorf("model = %v, want test-model", request["model"])
	}
	if _, ok := request["temperature"]; ok {
		t.Errorf("request sets temperature %v, want it left out", request["temperature"])
	}

	tools, _ := request["tools"].([]any)
	if len(tools) != len(conversation.Intents()) {
		t.Fatalf("tools = %d, want %d", len(tools), len(conversation.Intents()))
	}
	for i, intent := range conversation.Intents() {
		function := tools[i].(map[string]any)["function"].(map[string]any)
		if function["name"] != intent.Name {
			t.Errorf("tool %d name = %v, want %s", i, function["name"], intent.Name)
		}
		properties := function["parameters"].(map[string]any)["properties"].(map[string]any)
		for _, s := range intent.Slots {
			property, ok := properties[s.Name].(map[string]any)
			if !ok {
				t.Errorf("tool %s has no parameter %s", intent.Name, s.Name)
				continue
			}
			if property["type"] != "string" {
				t.Errorf("parameter %s.%s type = %v, want string", intent.Name, s.Name, property["type"])
			}
			if property["description"] != s.Description {
				t.Errorf("parameter %s.%s description = %v, want the slot's", intent.Name, s.Name, property["description"])
			}
		}
	}

	messages := request["messages"].([]any)
	system := messages[0].(map[string]any)
	prompt, _ := system["content"].(string)
	if system["role"] != "system" {
		t.Errorf("first message role = %v, want system", system["role"])
	}
	for _, want := range []string{"2026-12-04", "Friday", "UTC+08:00", "exactly as the user wrote"} {
		if !strings.Contains(prompt, want) {
			t.Errorf("system prompt lacks %q:\n%s", want, prompt)
		}
	}
	user := messages[1].(map[string]any)
	if user["content"] != acmeText {
		t.Errorf("user message = %v, want the text", user["content"])
	}

	if strings.Contains(logs.String(), "Acme") || strings.Contains(logs.String(), testAPIKey) {
		t.Errorf("logs contain the message or the key:\n%s", logs)
	}
	if !strings.Contains(logs.String(), "cached_tokens=256") {
		t.Errorf("logs lack the cached token count:\n%s", logs)
	}
}

func TestLLMStopWithReasoning(t *testing.T) {
	quoted, _ := json.Marshal(acmeArguments)
	message := `{"role":"assistant","content":"","reasoning_content":"The user wants a customer.",` +
		`"tool_calls":[{"type":"function","function":{"name":"create_customer","arguments":` + string(quoted) + `}}]}`
	f := newFakeLLM(t, fakeReply{body: completion(message, "stop")})
	l, _, _ := testLLM(t, f, 0)

	got, err := understandText(t, l, acmeText)
	checkAcme(t, got, err)
}

func TestLLMFencedJSONInContent(t *testing.T) {
	content, _ := json.Marshal("Sure.\n```json\n{\"name\": \"create_customer\", \"arguments\": " + acmeArguments + "}\n```")
	f := newFakeLLM(t, fakeReply{body: completion(`{"role":"assistant","content":`+string(content)+`}`, "stop")})
	l, _, _ := testLLM(t, f, 0)

	got, err := understandText(t, l, acmeText)
	checkAcme(t, got, err)
}

func TestLLMArgumentsAsObject(t *testing.T) {
	message := `{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",` +
		`"function":{"name":"create_customer","arguments":` + acmeArguments + `}}]}`
	f := newFakeLLM(t, fakeReply{body: completion(message, "tool_calls")})
	l, _, logs := testLLM(t, f, 0)

	got, err := understandText(t, l, acmeText)
	checkAcme(t, got, err)
	if !strings.Contains(logs.String(), "converted them to a string") {
		t.Errorf("logs lack the rewrite:\n%s", logs)
	}
}

func TestLLMBodyWithLeadingBlankLines(t *testing.T) {
	body := "\n\n  " + completion(toolCallMessage("call_1", customer, acmeArguments), "tool_calls")
	f := newFakeLLM(t, fakeReply{body: body})
	l, _, _ := testLLM(t, f, 0)

	got, err := understandText(t, l, acmeText)
	checkAcme(t, got, err)
}

const truncatedArguments = `{"name":"Acme Robotics","email":"ops@acme.te`

func TestLLMTruncatedArgumentsRepaired(t *testing.T) {
	f := newFakeLLM(t,
		fakeReply{body: completion(toolCallMessage("", customer, truncatedArguments), "length")},
		fakeReply{body: completion(toolCallMessage("call_2", customer, acmeArguments), "tool_calls")},
	)
	l, _, _ := testLLM(t, f, 0)

	got, err := understandText(t, l, acmeText)
	checkAcme(t, got, err)
	if n := f.requestCount(); n != 2 {
		t.Fatalf("requests = %d, want 2", n)
	}

	messages := f.request(1)["messages"].([]any)
	if len(messages) != 4 {
		t.Fatalf("repair request has %d messages, want 4", len(messages))
	}
	assistant := messages[2].(map[string]any)
	call := assistant["tool_calls"].([]any)[0].(map[string]any)
	arguments, isString := call["function"].(map[string]any)["arguments"].(string)
	if !isString || arguments != truncatedArguments {
		t.Errorf("replayed arguments = %#v, want the original string", call["function"].(map[string]any)["arguments"])
	}
	tool := messages[3].(map[string]any)
	if tool["role"] != "tool" {
		t.Errorf("last message role = %v, want tool", tool["role"])
	}
	if tool["tool_call_id"] != call["id"] || call["id"] == "" {
		t.Errorf("tool_call_id = %v, call id = %v, want equal and not empty", tool["tool_call_id"], call["id"])
	}
}

func TestLLMTruncatedTwiceAsksUser(t *testing.T) {
	truncated := fakeReply{body: completion(toolCallMessage("call_1", customer, truncatedArguments), "length")}
	f := newFakeLLM(t, truncated, truncated)
	l, _, _ := testLLM(t, f, 0)

	got, err := understandText(t, l, "new customer Acme Robotics, email ops@acme.test")
	if !errors.Is(err, ErrRephrase) {
		t.Fatalf("error = %v, want ErrRephrase", err)
	}
	var llmErr *LLMError
	if !errors.As(err, &llmErr) || llmErr.Code != "truncated_arguments" {
		t.Errorf("error = %#v, want code truncated_arguments", err)
	}
	if n := f.requestCount(); n != 2 {
		t.Errorf("requests = %d, want 2", n)
	}
	if got.Intent != customer || got.Values["email"] != "ops@acme.test" {
		t.Errorf("understanding = %+v, want the rules result", got)
	}
}

func TestLLMNonStringArgumentRepaired(t *testing.T) {
	f := newFakeLLM(t,
		fakeReply{body: completion(toolCallMessage("call_1", opportunity, `{"partner":"Acme","amount":50000}`), "tool_calls")},
		fakeReply{body: completion(toolCallMessage("call_2", opportunity, `{"partner":"Acme","amount":"50k"}`), "tool_calls")},
	)
	l, _, _ := testLLM(t, f, 0)

	got, err := understandText(t, l, "Acme wants robots, about 50k")
	if err != nil {
		t.Fatal(err)
	}
	if got.Intent != opportunity || got.Values["amount"] != "50k" || got.Values["partner"] != "Acme" {
		t.Errorf("understanding = %+v, want Acme and 50k", got)
	}
}

func TestLLMTwoToolCalls(t *testing.T) {
	message := `{"role":"assistant","content":null,"tool_calls":[` +
		`{"id":"call_1","type":"function","function":{"name":"create_customer","arguments":"{\"name\":\"Acme Robotics\"}"}},` +
		`{"id":"call_2","type":"function","function":{"name":"create_customer","arguments":"{\"phone\":\"+1 415 555 0100\"}"}},` +
		`{"id":"call_3","type":"function","function":{"name":"create_opportunity","arguments":"{\"partner\":\"Acme Robotics\"}"}}]}`
	f := newFakeLLM(t, fakeReply{body: completion(message, "tool_calls")})
	l, _, _ := testLLM(t, f, 0)

	got, err := understandText(t, l, acmeText)
	checkAcme(t, got, err)
	if _, ok := got.Values["partner"]; ok {
		t.Errorf("values = %v, want no partner from the other function", got.Values)
	}
}

func TestLLMDropsInventedValue(t *testing.T) {
	f := newFakeLLM(t, fakeReply{body: completion(toolCallMessage("call_1", customer,
		`{"name":"Acme Robotics","email":"info@acmerobotics.com"}`), "tool_calls")})
	l, _, _ := testLLM(t, f, 0)

	got, err := understandText(t, l, "we signed Acme Robotics")
	if err != nil {
		t.Fatal(err)
	}
	if got.Values["name"] != "Acme Robotics" {
		t.Errorf("name = %q, want Acme Robotics", got.Values["name"])
	}
	if email, ok := got.Values["email"]; ok {
		t.Errorf("email = %q, want none because the message has none", email)
	}
}

func TestLLMRateLimitRetried(t *testing.T) {
	f := newFakeLLM(t,
		fakeReply{status: 429, header: map[string]string{"Retry-After": "2"},
			body: apiError("rate_limit_exceeded", "requests", "Rate limit reached for requests")},
		fakeReply{body: completion(toolCallMessage("call_1", customer, acmeArguments), "tool_calls")},
	)
	l, sleeps, _ := testLLM(t, f, 0)

	got, err := understandText(t, l, acmeText)
	checkAcme(t, got, err)
	if len(*sleeps) != 1 || (*sleeps)[0] != 2*time.Second {
		t.Errorf("sleeps = %v, want [2s]", *sleeps)
	}
}

func TestLLMRateLimitBounded(t *testing.T) {
	limited := fakeReply{status: 429, header: map[string]string{"Retry-After": "1"},
		body: apiError("rate_limit_exceeded", "requests", "Rate limit reached for requests")}
	f := newFakeLLM(t, limited, limited, limited)
	l, sleeps, _ := testLLM(t, f, 0)

	_, err := understandText(t, l, acmeText)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("error = %v, want ErrUnavailable", err)
	}
	if n := f.requestCount(); n != maxRateLimitAttempts {
		t.Errorf("requests = %d, want %d", n, maxRateLimitAttempts)
	}
	if len(*sleeps) != maxRateLimitAttempts-1 {
		t.Errorf("sleeps = %v, want %d", *sleeps, maxRateLimitAttempts-1)
	}
}

func TestLLMRateLimitLongRetryAfter(t *testing.T) {
	f := newFakeLLM(t, fakeReply{status: 429, header: map[string]string{"Retry-After": "60"},
		body: apiError("rate_limit_exceeded", "requests", "Rate limit reached for requests")})
	l, sleeps, _ := testLLM(t, f, 0)

	_, err := understandText(t, l, acmeText)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("error = %v, want ErrUnavailable", err)
	}
	if len(*sleeps) != 0 {
		t.Errorf("sleeps = %v, want none for a 60 s Retry-After", *sleeps)
	}
}

func TestLLMInsufficientQuota(t *testing.T) {
	f := newFakeLLM(t, fakeReply{status: 429, header: map[string]string{"Retry-After": "1"},
		body: apiError("insufficient_quota", "insufficient_quota", "You exceeded your current quota, please check your plan and billing details.")})
	l, sleeps, logs := testLLM(t, f, 0)

	got, err := understandText(t, l, "new customer Acme Robotics")
	if !errors.Is(err, ErrQuotaExceeded) {
		t.Fatalf("error = %v, want ErrQuotaExceeded", err)
	}
	if n := f.requestCount(); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
	if len(*sleeps) != 0 {
		t.Errorf("sleeps = %v, want none", *sleeps)
	}
	if got.Intent != customer || got.Values["name"] != "Acme Robotics" {
		t.Errorf("understanding = %+v, want the rules result", got)
	}
	for _, want := range []string{"host=127.0.0.1", "model=test-model", "status=429", "code=insufficient_quota"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
	if strings.Contains(logs.String(), "Acme") || strings.Contains(logs.String(), testAPIKey) {
		t.Errorf("logs contain the message or the key:\n%s", logs)
	}
}

func TestLLMHTTPFailures(t *testing.T) {
	tests := []struct {
		name   string
		reply  fakeReply
		kind   error
		status int
		code   string
	}{
		{"context length", fakeReply{status: 400, body: apiError("context_length_exceeded", "invalid_request_error",
			"This model's maximum context length is 8192 tokens.")}, ErrRephrase, 400, "context_length_exceeded"},
		{"deepseek too long", fakeReply{status: 400, body: `{"error":{"message":"This model's maximum context length is 65536 tokens.","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}`},
			ErrRephrase, 400, "invalid_request_error"},
		{"dashscope moderation", fakeReply{status: 400, body: apiError("data_inspection_failed", "data_inspection_failed",
			"Input data may contain inappropriate content.")}, ErrRephrase, 400, "data_inspection_failed"},
		{"azure content filter", fakeReply{status: 400, body: `{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":true,"severity":"high"}}}}}`},
			ErrRephrase, 400, "ResponsibleAIPolicyViolation"},
		{"ollama no tools", fakeReply{status: 400, body: `{"error":{"message":"registry.ollama.ai/library/gemma:2b does not support tools"}}`},
			ErrUnavailable, 400, "tools_unsupported"},
		{"ollama no tools bare string", fakeReply{status: 400, body: `{"error":"registry.ollama.ai/library/gemma:2b does not support tools"}`},
			ErrUnavailable, 400, "tools_unsupported"},
		{"deepseek balance", fakeReply{status: 402, body: apiError("invalid_request_error", "unknown_error", "Insufficient Balance")},
			ErrQuotaExceeded, 402, "invalid_request_error"},
		{"html 502", fakeReply{status: 502, rawBody: true, body: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>"},
			ErrUnavailable, 502, ""},
		{"empty choices", fakeReply{body: `{"id":"x","object":"chat.completion","choices":[],"usage":{"prompt_tokens":10}}`},
			ErrUnavailable, 0, "empty_choices"},
		{"finish content filter", fakeReply{body: completion(`{"role":"assistant","content":""}`, "content_filter")},
			ErrRephrase, 0, "content_filter"},
		{"html 200", fakeReply{rawBody: true, body: "<html>maintenance</html>"},
			ErrUnavailable, 0, "invalid_response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeLLM(t, tt.reply)
			l, sleeps, logs := testLLM(t, f, 0)

			got, err := understandText(t, l, "new customer Acme Robotics")
			if !errors.Is(err, tt.kind) {
				t.Fatalf("error = %v, want %v", err, tt.kind)
			}
			var llmErr *LLMError
			if !errors.As(err, &llmErr) {
				t.Fatalf("error = %T, want *LLMError", err)
			}
			if llmErr.Status != tt.status {
				t.Errorf("status = %d, want %d", llmErr.Status, tt.status)
			}
			if llmErr.Code != tt.code {
				t.Errorf("code = %q, want %q", llmErr.Code, tt.code)
			}
			if strings.Contains(err.Error(), "<html>") {
				t.Errorf("error text contains the HTML body: %v", err)
			}
			if n := f.requestCount(); n != 1 {
				t.Errorf("requests = %d, want 1", n)
			}
			if len(*sleeps) != 0 {
				t.Errorf("sleeps = %v, want none", *sleeps)
			}
			if got.Intent != customer || got.Values["name"] != "Acme Robotics" {
				t.Errorf("understanding = %+v, want the rules result", got)
			}
			if strings.Contains(logs.String(), "Acme") {
				t.Errorf("logs contain the message:\n%s", logs)
			}
		})
	}
}

func TestLLMTimeout(t *testing.T) {
	f := newFakeLLM(t, fakeReply{delay: 5 * time.Second, body: completion(toolCallMessage("call_1", customer, acmeArguments), "tool_calls")})
	l, _, _ := testLLM(t, f, 200*time.Millisecond)

	start := time.Now()
	got, err := understandText(t, l, "new customer Acme Robotics")
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Understand took %v, want about the 200 ms timeout", elapsed)
	}
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("error = %v, want ErrUnavailable", err)
	}
	var llmErr *LLMError
	if !errors.As(err, &llmErr) || llmErr.Code != "timeout" {
		t.Errorf("error = %v, want code timeout", err)
	}
	if got.Intent != customer {
		t.Errorf("intent = %q, want the rules result %q", got.Intent, customer)
	}
}

func TestLLMNoCallUsesRules(t *testing.T) {
	f := newFakeLLM(t, fakeReply{body: completion(`{"role":"assistant","content":"Hello! How can I help?"}`, "stop")})
	l, _, _ := testLLM(t, f, 0)

	got, err := understandText(t, l, "hello there")
	if err != nil {
		t.Fatal(err)
	}
	if got.Intent != "" || len(got.Values) != 0 {
		t.Errorf("understanding = %+v, want empty", got)
	}
}

func TestLLMSkippedForRulesReplies(t *testing.T) {
	tests := []struct {
		name, text, intent, pending string
		want                        conversation.Understanding
	}{
		{"cancel", "取消", customer, "phone", conversation.Understanding{Intent: conversation.IntentCancel}},
		{"help", "/help", "", "", conversation.Understanding{Intent: conversation.IntentHelp}},
		{"valid phone", "138 0013 8000", customer, "phone", conversation.Understanding{Values: values("phone", "138 0013 8000")}},
		{"valid date", "下周五", opportunity, "close_date", conversation.Understanding{Values: values("close_date", "下周五")}},
		{"valid amount", "5万", opportunity, "amount", conversation.Understanding{Values: values("amount", "5万")}},
		{"free text", "Acme Robotics", customer, "name", conversation.Understanding{Values: values("name", "Acme Robotics")}},
		{"partner", "星河科技", opportunity, "partner", conversation.Understanding{Values: values("partner", "星河科技")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeLLM(t)
			l, _, _ := testLLM(t, f, 0)
			req := conversation.UnderstandRequest{Text: tt.text, Intent: tt.intent, Pending: tt.pending, Now: testNow}
			got, err := l.Understand(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if n := f.requestCount(); n != 0 {
				t.Errorf("requests = %d, want 0", n)
			}
			if got.Intent != tt.want.Intent {
				t.Errorf("intent = %q, want %q", got.Intent, tt.want.Intent)
			}
			for name, want := range tt.want.Values {
				if got.Values[name] != want {
					t.Errorf("%s = %q, want %q", name, got.Values[name], want)
				}
			}
		})
	}
}

func TestLLMPendingReplyParserRejects(t *testing.T) {
	f := newFakeLLM(t, fakeReply{body: completion(toolCallMessage("call_1", customer, `{"phone":"138 0013 8000"}`), "tool_calls")})
	l, _, _ := testLLM(t, f, 0)

	req := conversation.UnderstandRequest{Text: "it's 138 0013 8000 I think", Intent: customer, Pending: "phone", Now: testNow}
	got, err := l.Understand(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.requestCount(); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
	if got.Intent != "" {
		t.Errorf("intent = %q, want empty for a reply", got.Intent)
	}
	if got.Values["phone"] != "138 0013 8000" {
		t.Errorf("phone = %q, want 138 0013 8000", got.Values["phone"])
	}
	prompt := f.request(0)["messages"].([]any)[0].(map[string]any)["content"].(string)
	if !strings.Contains(prompt, `asked for "phone"`) {
		t.Errorf("system prompt does not name the pending slot:\n%s", prompt)
	}
}

// roles returns the role of each message in a recorded request.
func roles(messages []any) []string {
	var out []string
	for _, m := range messages {
		role, _ := m.(map[string]any)["role"].(string)
		out = append(out, role)
	}
	return out
}

// checkHistory checks that messages sent to the model carry tool call
// arguments as strings and give every tool call exactly one result.
func checkHistory(t *testing.T, messages []any) {
	t.Helper()
	open := map[string]bool{}
	for i, m := range messages {
		message := m.(map[string]any)
		calls, _ := message["tool_calls"].([]any)
		for _, c := range calls {
			call := c.(map[string]any)
			function, _ := call["function"].(map[string]any)
			if _, ok := function["arguments"].(string); !ok {
				t.Errorf("message %d: arguments = %#v, want a string", i, function["arguments"])
			}
			id, _ := call["id"].(string)
			if id == "" {
				t.Errorf("message %d: tool call without an id", i)
			}
			open[id] = true
		}
		if message["role"] == "tool" {
			id, _ := message["tool_call_id"].(string)
			if !open[id] {
				t.Errorf("message %d: tool result for %q follows no open tool call", i, id)
			}
			delete(open, id)
		}
	}
	for id := range open {
		t.Errorf("tool call %q has no result", id)
	}
}

const (
	acmeEmailText    = "we signed Acme Robotics, email ops@acme.test"
	cutEmailArgs     = `{"name":"Acme Robotics","email":"ops@acme.te"}`
	acmeEmailArgs    = `{"name":"Acme Robotics","email":"ops@acme.test"}`
	acmeEmailAddress = "ops@acme.test"
)

func TestLLMLengthCutValidJSONRepaired(t *testing.T) {
	f := newFakeLLM(t,
		fakeReply{body: completion(toolCallMessage("call_1", customer, cutEmailArgs), "length")},
		fakeReply{body: completion(toolCallMessage("call_2", customer, acmeEmailArgs), "tool_calls")},
	)
	l, _, _ := testLLM(t, f, 0)

	got, err := understandText(t, l, acmeEmailText)
	if err != nil {
		t.Fatalf("Understand error: %v", err)
	}
	if got.Values["email"] != acmeEmailAddress {
		t.Errorf("email = %q, want %q", got.Values["email"], acmeEmailAddress)
	}
	if n := f.requestCount(); n != 2 {
		t.Fatalf("requests = %d, want 2", n)
	}
	messages := f.request(1)["messages"].([]any)
	if got, want := strings.Join(roles(messages), " "), "system user assistant tool"; got != want {
		t.Errorf("repair request roles = %s, want %s", got, want)
	}
	checkHistory(t, messages)
}

func TestLLMLengthCutValidJSONTwice(t *testing.T) {
	cut := fakeReply{body: completion(toolCallMessage("call_1", customer, cutEmailArgs), "length")}
	f := newFakeLLM(t, cut, cut)
	l, _, _ := testLLM(t, f, 0)

	got, err := understandText(t, l, "new customer Acme Robotics, email ops@acme.test")
	if !errors.Is(err, ErrRephrase) {
		t.Fatalf("error = %v, want ErrRephrase", err)
	}
	var llmErr *LLMError
	if !errors.As(err, &llmErr) || llmErr.Code != "truncated_arguments" {
		t.Errorf("error = %#v, want code truncated_arguments", err)
	}
	if n := f.requestCount(); n != 2 {
		t.Errorf("requests = %d, want 2", n)
	}
	if got.Values["email"] != acmeEmailAddress {
		t.Errorf("email = %q, want the rules result %q", got.Values["email"], acmeEmailAddress)
	}
}

func TestLLMDropsValueCutMidToken(t *testing.T) {
	f := newFakeLLM(t, fakeReply{body: completion(toolCallMessage("call_1", customer, cutEmailArgs), "tool_calls")})
	l, _, _ := testLLM(t, f, 0)

	got, err := understandText(t, l, acmeEmailText)
	if err != nil {
		t.Fatal(err)
	}
	if got.Values["name"] != "Acme Robotics" {
		t.Errorf("name = %q, want Acme Robotics", got.Values["name"])
	}
	if email, ok := got.Values["email"]; ok {
		t.Errorf("email = %q, want none because it is a prefix of %q", email, acmeEmailAddress)
	}
}

func TestLLMLengthCutContentCallReplayed(t *testing.T) {
	tests := []struct {
		name    string
		content string
	}{
		{"broken json in fence", "```json\n{\"name\": \"create_customer\", \"arguments\": {\"name\": \"Acme Robotics\", \"email\": \"ops@acme.te"},
		{"valid json in fence", "```json\n{\"name\": \"create_customer\", \"arguments\": " + cutEmailArgs + "}\n```"},
		{"valid bare json", "{\"name\": \"create_customer\", \"arguments\": " + cutEmailArgs + "}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			content, _ := json.Marshal(tt.content)
			f := newFakeLLM(t,
				fakeReply{body: completion(`{"role":"assistant","content":`+string(content)+`}`, "length")},
				fakeReply{body: completion(toolCallMessage("call_2", customer, acmeEmailArgs), "tool_calls")},
			)
			l, _, _ := testLLM(t, f, 0)

			got, err := understandText(t, l, acmeEmailText)
			if err != nil {
				t.Fatalf("Understand error: %v", err)
			}
			if got.Values["email"] != acmeEmailAddress {
				t.Errorf("email = %q, want %q", got.Values["email"], acmeEmailAddress)
			}
			if n := f.requestCount(); n != 2 {
				t.Fatalf("requests = %d, want 2", n)
			}
			messages := f.request(1)["messages"].([]any)
			if got, want := strings.Join(roles(messages), " "), "system user assistant user"; got != want {
				t.Fatalf("repair request roles = %s, want %s", got, want)
			}
			if replayed := messages[2].(map[string]any)["content"]; replayed != tt.content {
				t.Errorf("replayed content = %q, want the model's content %q", replayed, tt.content)
			}
			if instruction, _ := messages[3].(map[string]any)["content"].(string); instruction != repairInstruction {
				t.Errorf("last message = %q, want the repair instruction", instruction)
			}
			checkHistory(t, messages)
		})
	}
}

// argumentsMessage returns an assistant message with one tool call whose
// arguments field is the raw JSON value arguments.
func argumentsMessage(arguments string) string {
	return `{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",` +
		`"function":{"name":"create_customer","arguments":` + arguments + `}}]}`
}

func TestLLMNonStringArgumentsRepaired(t *testing.T) {
	for _, arguments := range []string{`5`, `-1.5e3`, `true`, `false`, `["Acme Robotics"]`} {
		t.Run(arguments, func(t *testing.T) {
			f := newFakeLLM(t,
				fakeReply{body: completion(argumentsMessage(arguments), "tool_calls")},
				fakeReply{body: completion(toolCallMessage("call_2", customer, acmeArguments), "tool_calls")},
			)
			l, _, logs := testLLM(t, f, 0)

			got, err := understandText(t, l, acmeText)
			checkAcme(t, got, err)
			if n := f.requestCount(); n != 2 {
				t.Fatalf("requests = %d, want 2", n)
			}
			messages := f.request(1)["messages"].([]any)
			checkHistory(t, messages)
			call := messages[2].(map[string]any)["tool_calls"].([]any)[0].(map[string]any)
			if replayed := call["function"].(map[string]any)["arguments"]; replayed != arguments {
				t.Errorf("replayed arguments = %#v, want the string %q", replayed, arguments)
			}
			if !strings.Contains(logs.String(), "converted them to a string") {
				t.Errorf("logs lack the rewrite:\n%s", logs)
			}
		})
	}
}

func TestLLMNullArgumentsHaveNoValues(t *testing.T) {
	f := newFakeLLM(t, fakeReply{body: completion(argumentsMessage(`null`), "tool_calls")})
	l, _, _ := testLLM(t, f, 0)

	got, err := understandText(t, l, acmeText)
	if err != nil {
		t.Fatal(err)
	}
	if got.Intent != customer {
		t.Errorf("intent = %q, want %q", got.Intent, customer)
	}
	if len(got.Values) != 0 {
		t.Errorf("values = %v, want none", got.Values)
	}
	if n := f.requestCount(); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
}

func TestLLMUnsupportedToolCallFormat(t *testing.T) {
	tests := []struct {
		name    string
		message string
	}{
		{"tool_calls object", `{"role":"assistant","content":null,"tool_calls":{"id":"call_1","type":"function",` +
			`"function":{"name":"create_customer","arguments":"{}"}}}`},
		{"function string", `{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",` +
			`"function":"create_customer"}]}`},
		{"name number", `{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",` +
			`"function":{"name":7,"arguments":"{}"}}]}`},
		{"id number", `{"role":"assistant","content":null,"tool_calls":[{"id":1,"type":"function",` +
			`"function":{"name":"create_customer","arguments":"{}"}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeLLM(t, fakeReply{body: completion(tt.message, "tool_calls")})
			l, _, logs := testLLM(t, f, 0)

			got, err := understandText(t, l, "new customer Acme Robotics")
			if !errors.Is(err, ErrUnavailable) {
				t.Fatalf("error = %v, want ErrUnavailable", err)
			}
			var llmErr *LLMError
			if !errors.As(err, &llmErr) || llmErr.Code != "unsupported_tool_call_format" {
				t.Errorf("error = %v, want code unsupported_tool_call_format", err)
			}
			if n := f.requestCount(); n != 1 {
				t.Errorf("requests = %d, want 1", n)
			}
			if got.Intent != customer || got.Values["name"] != "Acme Robotics" {
				t.Errorf("understanding = %+v, want the rules result", got)
			}
			if !strings.Contains(logs.String(), `msg="llm provider returned an unsupported tool-call format" host=127.0.0.1`) {
				t.Errorf("logs lack the unsupported format line with the host:\n%s", logs)
			}
		})
	}
}
