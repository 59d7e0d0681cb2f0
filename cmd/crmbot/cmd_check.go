package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/crmbot/crmbot/conversation"
	"github.com/crmbot/crmbot/odoo"
)

// checkTimeout bounds all of "crmbot check".
const checkTimeout = 60 * time.Second

// verdict is the outcome of one check.
type verdict string

const (
	pass verdict = "PASS"
	fail verdict = "FAIL"
	note verdict = "NOTE"
)

// checker runs the compatibility checks and prints one line per check.
type checker struct {
	out    io.Writer
	client *odoo.Client
	cfg    Config
	failed int
}

func (c *checker) report(v verdict, format string, args ...any) {
	if v == fail {
		c.failed++
	}
	fmt.Fprintf(c.out, "%-4s  %s\n", v, fmt.Sprintf(format, args...))
}

// runCheck implements "crmbot check --config FILE": it checks the
// configuration against the live Odoo and exits non-zero when any check
// fails.
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	path := fs.String("config", "", "configuration `file` (YAML) to check")
	if err := parseFlags(fs, args, stderr); err != nil {
		return ignoreHelp(err)
	}
	if *path == "" {
		return fmt.Errorf("%w: check needs --config FILE", errUsage)
	}
	cfg, err := loadConfig(*path)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()

	c := &checker{out: stdout, cfg: cfg}
	c.report(pass, "configuration %s is valid", *path)
	key := strings.TrimSpace(os.Getenv(envOdooKey))
	if key == "" {
		c.report(fail, "environment variable %s is not set: export the Odoo API key of the bot's user", envOdooKey)
		return c.result()
	}
	c.client, err = odoo.New(odooConfig(cfg, key, nil))
	if err != nil {
		c.report(fail, "odoo.url: %v", err)
		return c.result()
	}
	if !c.checkServer(ctx) || !c.checkCredentials(ctx) {
		return c.result()
	}
	c.checkModules(ctx)
	c.checkMapping(ctx)
	c.checkRights(ctx)
	return c.result()
}

func (c *checker) result() error {
	if c.failed > 0 {
		return fmt.Errorf("%d check(s) failed", c.failed)
	}
	fmt.Fprintln(c.out, "all checks passed")
	return nil
}

// checkServer reports the server version and the transport in use.
func (c *checker) checkServer(ctx context.Context) bool {
	v, err := c.client.Version(ctx)
	switch {
	case odoo.IsDatabaseNotFound(err):
		c.report(fail, "server %s has no database %q: check odoo.database", c.cfg.Odoo.URL, c.cfg.Odoo.Database)
		return false
	case err != nil:
		c.report(fail, "server %s is not reachable: %v", c.cfg.Odoo.URL, err)
		return false
	}
	c.report(pass, "server %s reachable, Odoo %s", c.cfg.Odoo.URL, v.Version)
	if v.Major() < 16 {
		c.report(fail, "Odoo %s is too old: crmbot needs Odoo 16 or newer", v.Version)
	}
	transport, err := c.client.Transport(ctx)
	switch {
	case odoo.IsDatabaseNotFound(err):
		c.report(fail, "server %s has no database %q: check odoo.database", c.cfg.Odoo.URL, c.cfg.Odoo.Database)
		return false
	case err != nil:
		c.report(fail, "transport: %v", err)
		return false
	case c.cfg.Odoo.Transport == odoo.TransportAuto:
		c.report(pass, "transport %s (chosen by auto from the server version)", transport)
	default:
		c.report(pass, "transport %s", transport)
	}
	return true
}

// checkCredentials reports whose the API key is.
func (c *checker) checkCredentials(ctx context.Context) bool {
	info, err := c.client.ContextGet(ctx)
	switch {
	case odoo.IsInvalidKey(err) && c.cfg.Odoo.Login != "":
		c.report(fail, "credentials: Odoo rejected login %q with the API key in %s (%v); check odoo.login and the key", c.cfg.Odoo.Login, envOdooKey, err)
		return false
	case odoo.IsInvalidKey(err):
		c.report(fail, "credentials: Odoo rejected the API key in %s; create a new key in Odoo (Preferences, Account Security)", envOdooKey)
		return false
	case odoo.IsDatabaseNotFound(err):
		c.report(fail, "database %q not found: check odoo.database", c.cfg.Odoo.Database)
		return false
	case err != nil:
		c.report(fail, "credentials: %v", err)
		return false
	}
	uid, _ := info["uid"].(float64)
	users, err := c.client.Read(ctx, "res.users", []int64{int64(uid)}, []string{"name", "login"})
	if err != nil || len(users) == 0 {
		c.report(pass, "credentials valid (user id %d)", int64(uid))
		return true
	}
	c.report(pass, "credentials valid: %s (login %s, user id %d)", users[0].String("name"), users[0].String("login"), int64(uid))
	return true
}

// requiredModules are the Odoo apps crmbot's intents use.
var requiredModules = []string{"contacts", "crm", "calendar"}

// checkModules reports the required modules and optional ones.
func (c *checker) checkModules(ctx context.Context) {
	rows, err := c.client.SearchRead(ctx, "ir.module.module",
		[]any{[]any{"name", "in", append(append([]string{}, requiredModules...), "helpdesk")}},
		[]string{"name", "state"}, odoo.SearchOptions{})
	if err != nil {
		c.report(fail, "modules: cannot read ir.module.module: %v", err)
		return
	}
	state := map[string]string{}
	for _, r := range rows {
		state[r.String("name")] = r.String("state")
	}
	for _, m := range requiredModules {
		if state[m] == "installed" {
			c.report(pass, "module %s installed", m)
			continue
		}
		c.report(fail, "module %s is not installed (state %q): install it in Odoo's Apps", m, stateOrMissing(state[m]))
	}
	if state["helpdesk"] == "installed" {
		c.report(note, "module helpdesk installed (not used yet)")
	} else {
		c.report(note, "module helpdesk not installed (optional)")
	}
}

func stateOrMissing(s string) string {
	if s == "" {
		return "not present"
	}
	return s
}

// kindTypes lists the Odoo field types each slot kind can be written to.
var kindTypes = map[conversation.SlotKind][]string{
	conversation.KindText:    {"char", "text", "html"},
	conversation.KindPhone:   {"char"},
	conversation.KindEmail:   {"char"},
	conversation.KindAmount:  {"float", "monetary", "integer"},
	conversation.KindDate:    {"date", "datetime"},
	conversation.KindPartner: {"many2one"},
}

// intentFields is the outcome of validating one intent's fields.
type intentFields struct {
	intent   conversation.Intent
	fields   int
	problems []odoo.Problem
}

// validateMapping checks that every field the intents write exists with
// a compatible type, with mapping applied.
func validateMapping(ctx context.Context, client *odoo.Client, mapping map[string]conversation.IntentMapping) ([]intentFields, error) {
	intents, err := conversation.ApplyMapping(mapping)
	if err != nil {
		return nil, err
	}
	schema := odoo.NewSchema(client, time.Minute)
	var out []intentFields
	for _, in := range intents {
		var uses []odoo.FieldUse
		for _, s := range in.Slots {
			if s.Field != "" {
				uses = append(uses, odoo.FieldUse{Field: s.Field, Kinds: kindTypes[s.Kind], Slot: s.Name})
			}
		}
		problems := schema.Validate(ctx, in.Model, uses, in.Fixed)
		out = append(out, intentFields{intent: in, fields: len(uses) + len(in.Fixed), problems: problems})
	}
	return out, nil
}

// checkMapping reports the fields of each intent.
func (c *checker) checkMapping(ctx context.Context) {
	results, err := validateMapping(ctx, c.client, c.cfg.Mapping)
	if err != nil {
		c.report(fail, "mapping: %v", err)
		return
	}
	for _, r := range results {
		if len(r.problems) == 0 {
			c.report(pass, "fields of %s on %s: %d fields exist with compatible types", r.intent.Name, r.intent.Model, r.fields)
			continue
		}
		for _, p := range r.problems {
			c.report(fail, "fields of %s: %s", r.intent.Name, p.Message)
		}
	}
}

// checkRights checks that the bot's user may create what the intents
// create.
//
// NOTE: Odoo 18 deprecated check_access_rights in favour of has_access.
// Whether Odoo 19 still serves check_access_rights over the API is not
// confirmed on a real server, so has_access is tried when it is missing,
// and a server with neither gets a note instead of a verdict.
func (c *checker) checkRights(ctx context.Context) {
	for _, model := range []string{"res.partner", "crm.lead"} {
		var allowed bool
		err := c.client.Call(ctx, model, "check_access_rights",
			map[string]any{"operation": "create", "raise_exception": false}, &allowed)
		if odoo.IsNotFound(err) {
			err = c.client.Call(ctx, model, "has_access", map[string]any{"operation": "create"}, &allowed)
		}
		var missing bool
		if odoo.IsNotFound(err) {
			_, modelErr := c.client.SearchCount(ctx, model, nil)
			missing = odoo.IsNotFound(modelErr)
		}
		switch {
		case missing:
			c.report(fail, "rights on %s: the model does not exist on this server (is its module installed?)", model)
		case odoo.IsNotFound(err):
			// Unverified rights are not a pass: the exit status must not
			// promise what was not checked.
			c.report(fail, "rights on %s could not be checked: the server has neither check_access_rights nor has_access; verify by hand that the bot's user may create %s records", model, model)
		case err != nil:
			c.report(fail, "rights on %s: %v", model, err)
		case allowed:
			c.report(pass, "the bot's user may create %s records", model)
		default:
			c.report(fail, "the bot's user may not create %s records: grant it the Sales / User rights", model)
		}
	}
}
