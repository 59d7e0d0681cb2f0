package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/odoo/odoosim"
)

// runCheckOn runs "crmbot check" with the given config body (its odoo
// section is filled in for sim) and returns the output and the error.
func runCheckOn(t *testing.T, sim *odoosim.Server, url, extra, key string) (string, error) {
	t.Helper()
	cfg := writeConfig(t, fmt.Sprintf("platform: console\nodoo: {url: %q, database: %q%s}\nstate: {path: %q}\n",
		url, sim.Database(), extra, filepath.Join(t.TempDir(), "state.db")))
	t.Setenv(envOdooKey, key)
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"check", "--config", cfg}, nil, &stdout, &stderr)
	return stdout.String(), err
}

func startSim(t *testing.T) (*odoosim.Server, string) {
	t.Helper()
	sim := odoosim.New(odoosim.Options{})
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim, url
}

func TestCheckPassesOnSimulator(t *testing.T) {
	for _, transport := range []string{"", ", transport: jsonrpc, login: admin", ", transport: auto, login: admin"} {
		sim, url := startSim(t)
		out, err := runCheckOn(t, sim, url, transport, sim.AdminKey())
		if err != nil {
			t.Fatalf("check with %q: %v\n%s", transport, err, out)
		}
		if strings.Contains(out, "FAIL") || !strings.Contains(out, "all checks passed") {
			t.Errorf("check with %q output:\n%s", transport, out)
		}
		for _, want := range []string{"Odoo 19.0", "Mitchell Admin", "module crm installed", "may create crm.lead"} {
			if !strings.Contains(out, want) {
				t.Errorf("check output does not contain %q:\n%s", want, out)
			}
		}
	}
}

func TestCheckNamesEachFault(t *testing.T) {
	sim, url := startSim(t)
	if err := sim.SetModuleState("calendar", "uninstalled"); err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, fmt.Sprintf(`platform: console
odoo: {url: %q, database: %q}
mapping:
  create_opportunity:
    fields: {amount: x_budget}
`, url, sim.Database()))
	t.Setenv(envOdooKey, sim.AdminKey())
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"check", "--config", cfg}, nil, &stdout, &stderr)
	if err == nil {
		t.Fatalf("check passed a broken setup:\n%s", stdout.String())
	}
	for _, want := range []string{`FAIL  module calendar is not installed`, `FAIL  fields of create_opportunity: crm.lead has no field "x_budget"`} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output does not contain %q:\n%s", want, stdout.String())
		}
	}

	out, err := runCheckOn(t, sim, url, "", "wrong-key")
	if err == nil || !strings.Contains(out, "FAIL  credentials: Odoo rejected the API key in "+envOdooKey) {
		t.Errorf("check with a wrong key: %v\n%s", err, out)
	}
}

func TestCheckSalespersonRights(t *testing.T) {
	sim, url := startSim(t)
	out, err := runCheckOn(t, sim, url, "", sim.SalesKey())
	if err != nil {
		t.Fatalf("check with the salesperson's key: %v\n%s", err, out)
	}
	if !strings.Contains(out, "Sales One") {
		t.Errorf("output does not name the key's user:\n%s", out)
	}
}

func TestCheckUnreachableServer(t *testing.T) {
	sim, url := startSim(t)
	sim.Close()
	out, err := runCheckOn(t, sim, url, "", "any")
	if err == nil || !strings.Contains(out, "FAIL  server "+url+" is not reachable") {
		t.Errorf("check against a stopped server: %v\n%s", err, out)
	}
}

func TestRunRejectsBadMapping(t *testing.T) {
	sim, url := startSim(t)
	cfg := writeConfig(t, fmt.Sprintf(`platform: console
odoo: {url: %q, database: %q}
state: {path: %q}
mapping:
  create_customer:
    fields: {phone: x_mobile}
`, url, sim.Database(), filepath.Join(t.TempDir(), "state.db")))
	t.Setenv(envOdooKey, sim.AdminKey())
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"run", "--config", cfg}, strings.NewReader("help\n"), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), `res.partner has no field "x_mobile"`) {
		t.Errorf("run with a bad mapping: %v, want the missing field named", err)
	}
}

func TestCheckWrongDatabase(t *testing.T) {
	sim, url := startSim(t)
	cfg := writeConfig(t, fmt.Sprintf("platform: console\nodoo: {url: %q, database: nope}\n", url))
	t.Setenv(envOdooKey, sim.AdminKey())
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"check", "--config", cfg}, nil, &stdout, &stderr)
	if err == nil || !strings.Contains(stdout.String(), `has no database "nope"`) {
		t.Errorf("check with a wrong database: %v\n%s", err, stdout.String())
	}
}

func TestCheckMissingCRMModule(t *testing.T) {
	sim, url := startSim(t)
	if err := sim.SetModuleState("crm", "uninstalled"); err != nil {
		t.Fatal(err)
	}
	out, err := runCheckOn(t, sim, url, "", sim.AdminKey())
	if err == nil {
		t.Fatalf("check passed without the crm module:\n%s", out)
	}
	for _, want := range []string{"FAIL  module crm is not installed", "FAIL  rights on crm.lead: the model does not exist"} {
		if !strings.Contains(out, want) {
			t.Errorf("output does not contain %q:\n%s", want, out)
		}
	}
}

func TestCustomFieldMappingEndToEnd(t *testing.T) {
	sim := odoosim.New(odoosim.Options{CustomFields: map[string][]odoosim.CustomField{
		"crm.lead": {{Name: "x_budget", Type: "monetary", String: "Budget"}},
	}})
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	body := fmt.Sprintf(`platform: console
console: {json: true}
odoo: {url: %q, database: %q}
state: {path: %q}
mapping:
  create_opportunity:
    fields: {amount: x_budget}
    fixed: {priority: "2"}
`, url, sim.Database(), filepath.Join(t.TempDir(), "state.db"))
	cfg := writeConfig(t, body)
	t.Setenv(envOdooKey, sim.AdminKey())

	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"check", "--config", cfg}, nil, &stdout, &stderr); err != nil {
		t.Fatalf("check with an existing custom field: %v\n%s", err, stdout.String())
	}

	script := "new opportunity for Acme Corporation, 50k\nRobot arms\n/click 1\n"
	stdout.Reset()
	if err := run(context.Background(), []string{"run", "--config", cfg}, strings.NewReader(script), &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	var lead map[string]any
	for _, r := range sim.Records("crm.lead") {
		if r["name"] == "Robot arms" {
			lead = r
		}
	}
	if lead == nil {
		t.Fatalf("no lead named Robot arms; output:\n%s", stdout.String())
	}
	if lead["x_budget"] != 50000.0 || lead["priority"] != "2" {
		t.Errorf("lead x_budget = %v, priority = %v; want 50000 and \"2\"", lead["x_budget"], lead["priority"])
	}
	if v := lead["expected_revenue"]; v != nil && v != false && v != 0.0 {
		t.Errorf("expected_revenue = %v, want it left empty when amount maps to x_budget", v)
	}
}
