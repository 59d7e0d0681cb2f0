package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmbot/crmbot/odoo/odoosim"
)

// fakeLLM answers every chat completion with one create_customer tool
// call, as OpenAI does, and records the requests' bearer keys.
func fakeLLM(t *testing.T, args string) (*httptest.Server, *atomic.Int32, *atomic.Value) {
	t.Helper()
	var calls atomic.Int32
	var auth atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		io.Copy(io.Discard, r.Body)
		calls.Add(1)
		auth.Store(r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"chatcmpl-1","object":"chat.completion","created":1733300000,"model":"test-model",
"choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,
"tool_calls":[{"id":"call_1","type":"function","function":{"name":"create_customer","arguments":%q}}]}}],
"usage":{"prompt_tokens":120,"completion_tokens":20,"total_tokens":140,"prompt_tokens_details":{"cached_tokens":0}}}`, args)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls, &auth
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "crmbot.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunConsoleWithLLM(t *testing.T) {
	sim := odoosim.New(odoosim.Options{})
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	llm, calls, auth := fakeLLM(t, `{"name":"Nimbus Labs","phone":"+1 415 555 0199"}`)

	cfg := writeConfig(t, fmt.Sprintf(`
platform: console
console: {json: true}
odoo: {url: %q, database: %q}
llm: {base_url: %q, model: test-model}
state: {path: %q}
region: US
`, url, sim.Database(), llm.URL+"/v1", filepath.Join(t.TempDir(), "state.db")))
	t.Setenv(envOdooKey, sim.AdminKey())
	t.Setenv(envLLMKey, "sk-test-key")

	script := "please put Nimbus Labs in as a customer, their number is +1 415 555 0199\nskip\n/click 1\n"
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"run", "--config", cfg}, strings.NewReader(script), &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	if calls.Load() == 0 {
		t.Fatal("the LLM was never called")
	}
	if got := auth.Load(); got != "Bearer sk-test-key" {
		t.Errorf("LLM Authorization = %v, want the key from %s", got, envLLMKey)
	}
	if strings.Contains(stderr.String(), "sk-test-key") || strings.Contains(stderr.String(), sim.AdminKey()) {
		t.Error("a secret appears in the logs")
	}
	var created []map[string]any
	for _, p := range sim.Records("res.partner") {
		if p["name"] == "Nimbus Labs" {
			created = append(created, p)
		}
	}
	if len(created) != 1 || created[0]["phone"] != "+1 415-555-0199" {
		t.Fatalf("partners named Nimbus Labs = %v, want one with phone +1 415-555-0199\noutput:\n%s", created, stdout.String())
	}
	last := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var reply struct{ Record *struct{ Model string } }
	if err := json.Unmarshal([]byte(last[len(last)-1]), &reply); err != nil || reply.Record == nil {
		t.Errorf("last output line %q has no record", last[len(last)-1])
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"no platform", "odoo: {url: http://127.0.0.1:8069}\n", []string{"platform is missing"}},
		{"bad platform", "platform: whatsapp\nodoo: {url: http://127.0.0.1:8069}\n", []string{`"whatsapp"`}},
		{"bad url", "platform: console\nodoo: {url: 'odoo.local'}\n", []string{`odoo.url "odoo.local"`}},
		{"secret in file", "platform: console\nodoo: {url: http://127.0.0.1:8069, api_key: abc}\n", []string{`unknown key "odoo.api_key"`, envOdooKey}},
		{"misspelled key", "platform: console\nodoo: {url: http://127.0.0.1:8069, databse: crm}\n", []string{`unknown key "odoo.databse"`}},
		{"duration without unit", "platform: console\nodoo: {url: http://127.0.0.1:8069}\ntelegram: {poll_timeout: 30}\n", []string{"30s"}},
		{"half llm", "platform: console\nodoo: {url: http://127.0.0.1:8069}\nllm: {model: m}\n", []string{"llm.base_url"}},
		{"bad zone", "platform: console\nodoo: {url: http://127.0.0.1:8069}\ntime_zone: Mars/Base\n", []string{"Mars/Base"}},
		{"bad region", "platform: console\nodoo: {url: http://127.0.0.1:8069}\nregion: XX\n", []string{`"XX"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadConfig(writeConfig(t, tt.yaml))
			if err == nil {
				t.Fatal("loadConfig accepted the file")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestRunMissingSecret(t *testing.T) {
	cfg := writeConfig(t, "platform: telegram\nodoo: {url: http://127.0.0.1:8069}\n")
	t.Setenv(envOdooKey, "")
	t.Setenv(envTelegramToken, "")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"run", "--config", cfg}, strings.NewReader(""), &stdout, &stderr)
	if err == nil {
		t.Fatal("run started without secrets")
	}
	for _, want := range []string{envOdooKey, envTelegramToken} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestExampleConfigLoads(t *testing.T) {
	cfg, err := loadConfig("../../configs/crmbot.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Platform != "telegram" || cfg.Region != "CN" || cfg.TimeZone != "Asia/Shanghai" {
		t.Errorf("example config = %+v", cfg)
	}
}

func TestUnknownCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"frobnicate"}, nil, &stdout, &stderr)
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), `"frobnicate"`) {
		t.Errorf("unknown command: err %v, exit %d; want usage error naming it", err, exitCode(err))
	}
	if err := run(context.Background(), []string{"version"}, nil, &stdout, &stderr); err != nil || !strings.HasPrefix(stdout.String(), "crmbot ") {
		t.Errorf("version: %v, %q", err, stdout.String())
	}
}

func TestSimulatorCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"simulator", "--addr", "127.0.0.1:0"}, nil, &stdout, &stderr) }()

	// The banner is written before the simulator waits for ctx.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(stdout.String(), "API key") {
		if time.Now().After(deadline) {
			t.Fatal("simulator printed no API keys within 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("simulator: %v", err)
	}
	for _, want := range []string{"database:  crm19", "Mitchell Admin", "Sales One", "CRMBOT_ODOO_API_KEY="} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("banner does not contain %q:\n%s", want, stdout.String())
		}
	}
}

// syncBuffer is a bytes.Buffer safe to write and read from two goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRunRejectsWrongOdooKey(t *testing.T) {
	sim := odoosim.New(odoosim.Options{})
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	cfg := writeConfig(t, fmt.Sprintf("platform: console\nodoo: {url: %q, database: %q}\nstate: {path: %q}\n",
		url, sim.Database(), filepath.Join(t.TempDir(), "state.db")))
	t.Setenv(envOdooKey, "not-a-valid-key")
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"run", "--config", cfg}, strings.NewReader("help\n"), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), envOdooKey) {
		t.Fatalf("run with a wrong key: %v, want an error naming %s", err, envOdooKey)
	}
	if stdout.Len() != 0 {
		t.Errorf("the bot chatted before its key was checked: %q", stdout.String())
	}
}

func TestPlatformSecretsChecked(t *testing.T) {
	tests := []struct {
		name, yaml string
		env        map[string]string
		want       string
	}{
		{"slack bot token", "platform: slack\nodoo: {url: http://127.0.0.1:8069}\n",
			map[string]string{envSlackBotToken: "bad", envSlackAppToken: "xapp-1"}, envSlackBotToken + " does not start with xoxb-"},
		{"slack app token", "platform: slack\nodoo: {url: http://127.0.0.1:8069}\n",
			map[string]string{envSlackBotToken: "xoxb-1", envSlackAppToken: "bad"}, envSlackAppToken + " does not start with xapp-"},
		{"feishu domain", "platform: feishu\nfeishu: {app_id: cli_1, domain: larksuite}\nodoo: {url: http://127.0.0.1:8069}\n",
			map[string]string{envFeishuAppSecret: "s"}, `feishu.domain "larksuite"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(envOdooKey, "k")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), []string{"run", "--config", writeConfig(t, tt.yaml)}, nil, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run: %v, want an error containing %q", err, tt.want)
			}
			if strings.Contains(stderr.String(), "crmbot started") {
				t.Error("the bot started before the fault was found")
			}
		})
	}
}
