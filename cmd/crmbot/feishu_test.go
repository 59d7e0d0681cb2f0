package main

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/crmbot/crmbot/adapters/feishu/feishutest"
)

// TestRunFeishuCreatesCustomer runs "crmbot run" with platform feishu over
// the long connection, against the fake Feishu and the Odoo simulator.
func TestRunFeishuCreatesCustomer(t *testing.T) {
	sim, url := startSim(t)
	appID := feishutest.AppID(t)
	fake := feishutest.NewServer(t, feishutest.Options{AppID: appID, AppSecret: "run-secret"})
	cfg := writeConfig(t, fmt.Sprintf(`platform: feishu
feishu: {app_id: %q, domain: %q}
odoo: {url: %q, database: %q}
state: {path: %q}
region: CN
`, appID, fake.URL(), url, sim.Database(), filepath.Join(t.TempDir(), "state.db")))
	t.Setenv(envOdooKey, sim.AdminKey())
	t.Setenv(envFeishuAppSecret, "run-secret")

	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"run", "--config", cfg}, nil, &stdout, &stderr) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v\n%s", err, stderr.String())
		}
	}()
	fake.WaitConnected(t, waitFor)

	const user = "ou_run_user"
	chat := feishutest.P2PChatID(user)
	for i, text := range []string{"新客户 飞书星河科技", "电话 0755-8888 6666", "跳过"} {
		fake.SendP2P(user, text)
		fake.WaitMessages(t, chat, i+1, waitFor)
	}
	msgs := fake.Messages(chat)
	preview := msgs[len(msgs)-1]
	var value any
	for _, b := range preview.Buttons {
		if b.Label == "确认" {
			value = b.Value
		}
	}
	if value == nil {
		t.Fatalf("preview %q has no 确认 button: %+v", preview.Text, preview.Buttons)
	}
	fake.Click(preview.ID, value, user)
	eventually(t, "the partner", func() bool { return len(partnersNamed(sim, "飞书星河科技")) == 1 })
	if p := partnersNamed(sim, "飞书星河科技")[0]; p["phone"] != "+86 755 8888 6666" {
		t.Errorf("phone = %v, want +86 755 8888 6666", p["phone"])
	}
}
