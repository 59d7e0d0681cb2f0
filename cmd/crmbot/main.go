// Command crmbot is a CRM assistant for Odoo that chats in Telegram, Slack,
// Feishu or on a console. Run "crmbot help" for its subcommands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	// Time zones for relative dates, also on hosts without tzdata.
	_ "time/tzdata"
)

func main() {
	// A closed output pipe ("crmbot demo | head") then ends the program
	// through a write error, so deferred clean-up still runs.
	signal.Ignore(syscall.SIGPIPE)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "crmbot:", err)
		os.Exit(exitCode(err))
	}
}
