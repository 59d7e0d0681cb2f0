package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/crmbot/crmbot/odoo"
	"github.com/crmbot/crmbot/odoo/odoosim"
)

// runDemo implements "crmbot demo": a console chat against an in-process
// Odoo 19 simulator, with the rules understanding and no keys.
func runDemo(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	jsonOut := fs.Bool("json", false, "print each reply as one JSON object per line")
	statePath := fs.String("state", "", "conversation state `file`; default a temporary file removed at exit")
	region := fs.String("region", "CN", "ISO 3166 `region` for phone numbers without a country code, such as CN or US")
	verbose := fs.Bool("v", false, "log debug messages to standard error")
	if err := parseFlags(fs, args, stderr); err != nil {
		return ignoreHelp(err)
	}
	level := "warn"
	if *verbose {
		level = "debug"
	}
	log := newLogger(stderr, level)
	if phonenumbers.GetCountryCodeForRegion(strings.ToUpper(*region)) == 0 {
		return fmt.Errorf("%w: --region %q is not an ISO 3166 region code such as CN or US", errUsage, *region)
	}

	sim := odoosim.New(odoosim.Options{Logger: log})
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("start odoo simulator: %w", err)
	}
	defer sim.Close()

	if *statePath == "" {
		dir, err := os.MkdirTemp("", "crmbot-demo-")
		if err != nil {
			return fmt.Errorf("create demo state folder: %w", err)
		}
		defer os.RemoveAll(dir)
		*statePath = filepath.Join(dir, "demo.db")
	}

	a, err := newApp(ctx, appConfig{
		statePath: *statePath,
		odoo:      odoo.Config{URL: url, Database: sim.Database(), APIKey: sim.AdminKey()},
		region:    strings.ToUpper(*region),
		location:  time.Local,
		log:       log,
	})
	if err != nil {
		return err
	}
	defer a.Close()

	if !*jsonOut {
		fmt.Fprintf(stdout, "crmbot demo: chatting with a built-in Odoo 19 simulator at %s (database %s).\n", url, sim.Database())
		fmt.Fprintln(stdout, `Type "help" for examples, "/click N" to press button N, Ctrl-D to quit.`)
	}
	return a.runConsole(ctx, stdin, stdout, *jsonOut, !*jsonOut && isTerminal(stdin))
}

// isTerminal reports whether r is an interactive terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
