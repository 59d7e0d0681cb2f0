package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/crmbot/crmbot/conversation"
)

// runAudit implements "crmbot audit --config FILE": it prints the audit
// log as JSON lines. It opens the state file read-only, but bbolt's file
// lock still makes it wait for a running bot to stop.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	path := fs.String("config", "", "configuration `file` (YAML) naming the state file")
	state := fs.String("state", "", "state `file` to read, instead of the one in --config")
	if err := parseFlags(fs, args, stderr); err != nil {
		return ignoreHelp(err)
	}
	file := *state
	if file == "" {
		if *path == "" {
			return fmt.Errorf("%w: audit needs --config FILE or --state FILE", errUsage)
		}
		cfg, err := loadConfig(*path)
		if err != nil {
			return err
		}
		file = cfg.State.Path
	}
	store, err := conversation.OpenBolt(file, conversation.BoltOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer store.Close()
	enc := json.NewEncoder(stdout)
	return store.View(ctx, func(tx conversation.Tx) error {
		return tx.Audit(func(e conversation.AuditEntry) error { return enc.Encode(e) })
	})
}
