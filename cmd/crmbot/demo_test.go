package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/adapters/console"
	"github.com/crmbot/crmbot/conversation"
)

// runScript runs "crmbot demo --json" on script and returns the replies.
func runScript(t *testing.T, script string, extra ...string) []console.JSONReply {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args := append([]string{"demo", "--json"}, extra...)
	if err := run(context.Background(), args, strings.NewReader(script), &stdout, &stderr); err != nil {
		t.Fatalf("demo: %v\nstderr:\n%s", err, stderr.String())
	}
	var replies []console.JSONReply
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var r console.JSONReply
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("output line %q is not JSON: %v", line, err)
		}
		replies = append(replies, r)
	}
	return replies
}

func records(replies []console.JSONReply) []console.JSONRecord {
	var out []console.JSONRecord
	for _, r := range replies {
		if r.Record != nil {
			out = append(out, *r.Record)
		}
	}
	return out
}

func field(r console.JSONReply, label string) string {
	for _, f := range r.Fields {
		if f.Label == label {
			return f.Value
		}
	}
	return ""
}

func TestDemoScriptCustomerThenOpportunity(t *testing.T) {
	script := strings.Join([]string{
		"new customer",
		"Acme Robotics",
		"+1 415 555 0100",
		"Sales@AcmeRobotics.example",
		"/click 1",
		"new opportunity for Acme Robotics, 50k",
		"Robot arms",
		"/click 1",
	}, "\n")
	replies := runScript(t, script)

	recs := records(replies)
	if len(recs) != 2 {
		t.Fatalf("records = %+v, want a partner then a lead", recs)
	}
	if recs[0].Model != "res.partner" || recs[1].Model != "crm.lead" {
		t.Errorf("record models = %s, %s; want res.partner, crm.lead", recs[0].Model, recs[1].Model)
	}
	if !strings.Contains(recs[1].URL, "/odoo/crm.lead/") {
		t.Errorf("lead URL = %q, want an /odoo/crm.lead/ link", recs[1].URL)
	}

	var previews []console.JSONReply
	for _, r := range replies {
		if len(r.Fields) > 0 {
			previews = append(previews, r)
		}
	}
	if len(previews) != 2 {
		t.Fatalf("previews = %d, want 2", len(previews))
	}
	for label, want := range map[string]string{"Name": "Acme Robotics", "Phone": "+1 415-555-0100", "Email": "sales@acmerobotics.example"} {
		if got := field(previews[0], label); got != want {
			t.Errorf("customer preview %s = %q, want %q", label, got, want)
		}
	}
	for label, want := range map[string]string{"Customer": "Acme Robotics", "Expected revenue": "50,000", "Name": "Robot arms"} {
		if got := field(previews[1], label); got != want {
			t.Errorf("opportunity preview %s = %q, want %q", label, got, want)
		}
	}
	if got := previews[1].Buttons; strings.Join(got, ",") != "Confirm,Edit,Cancel" {
		t.Errorf("preview buttons = %v, want Confirm, Edit, Cancel", got)
	}
}

func TestDemoScriptChinese(t *testing.T) {
	replies := runScript(t, "新客户 深圳星河科技 电话 0755-8888 6666\n跳过\n/click 1\n", "--region", "CN")
	recs := records(replies)
	if len(recs) != 1 || recs[0].Model != "res.partner" {
		t.Fatalf("records = %+v, want one partner", recs)
	}
	var preview console.JSONReply
	for _, r := range replies {
		if len(r.Fields) > 0 {
			preview = r
		}
	}
	if got := field(preview, "电话"); got != "+86 755 8888 6666" {
		t.Errorf("电话 = %q, want +86 755 8888 6666", got)
	}
	if got := field(preview, "邮箱"); got != "无邮箱" {
		t.Errorf("邮箱 = %q, want 无邮箱 for a skipped email", got)
	}
}

func TestDemoClickOutOfRange(t *testing.T) {
	replies := runScript(t, "/click 1\nnew customer Acme\n/click 7\n")
	if replies[0].Error == "" || replies[2].Error == "" {
		t.Fatalf("replies = %+v, want errors for clicks without a matching button", replies)
	}
	if !strings.Contains(replies[2].Error, "7") {
		t.Errorf("error %q does not name the button number", replies[2].Error)
	}
}

func TestDemoStateFileHeld(t *testing.T) {
	path := filepath.Join(t.TempDir(), "held.db")
	held, err := conversation.OpenBolt(path, conversation.BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"demo", "--json", "--state", path}, strings.NewReader(""), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "another process") {
		t.Errorf("demo on a held state file: error %v, want one naming %s and another process", err, path)
	}
}
