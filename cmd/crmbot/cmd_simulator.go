package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/crmbot/crmbot/odoo/odoosim"
)

// runSimulator implements "crmbot simulator": the built-in Odoo 19
// simulator on its own, for trying "crmbot run" or any other Odoo client
// without a real server. It serves until ctx is cancelled.
func runSimulator(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("simulator", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8069", "`host:port` to listen on")
	if err := parseFlags(fs, args, stderr); err != nil {
		return ignoreHelp(err)
	}
	log := newLogger(stderr, "info")
	sim := odoosim.New(odoosim.Options{Logger: log})
	url, err := sim.Start(*addr)
	if err != nil {
		return fmt.Errorf("start odoo simulator on %s: %w", *addr, err)
	}
	defer sim.Close()

	fmt.Fprintf(stdout, `Odoo 19 simulator at %s
  database:  %s
  users:     Mitchell Admin (uid %d, login admin, administrator)  API key %s
             Sales One (uid %d, login sales1, salesperson, own leads only)  API key %s
Data lives in memory until the simulator stops (Ctrl-C).
Try it with crmbot run: set odoo.url to %s and odoo.database to %s, and
export CRMBOT_ODOO_API_KEY=%s
`, url, sim.Database(), odoosim.AdminUID, sim.AdminKey(), odoosim.SalesUID, sim.SalesKey(),
		url, sim.Database(), sim.AdminKey())
	<-ctx.Done()
	return nil
}
