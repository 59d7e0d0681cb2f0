package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// runBot implements "crmbot run --config FILE".
func runBot(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	path := fs.String("config", "", "configuration `file` (YAML); see configs/crmbot.example.yaml")
	if err := parseFlags(fs, args, stderr); err != nil {
		return ignoreHelp(err)
	}
	if *path == "" {
		return fmt.Errorf("%w: run needs --config FILE", errUsage)
	}
	cfg, err := loadConfig(*path)
	if err != nil {
		return err
	}
	sec, err := readSecrets(cfg, os.Getenv)
	if err != nil {
		return err
	}
	var loc *time.Location
	if cfg.TimeZone != "" {
		loc, _ = time.LoadLocation(cfg.TimeZone)
	}
	log := newLogger(stderr, cfg.LogLevel)

	a, err := newApp(ctx, appConfig{
		statePath: cfg.State.Path,
		odoo:      odooConfig(cfg, sec.odooKey, log),
		region:    cfg.Region,
		location:  loc,
		llm:       cfg.LLM,
		llmKey:    sec.llmKey,
		log:       log,
		mapping:   cfg.Mapping,
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.checkOdoo(ctx); err != nil {
		return err
	}
	if cfg.LLM.BaseURL != "" && sec.llmKey == "" {
		log.Warn("llm is configured but " + envLLMKey + " is not set; services other than a local model server will reject the requests")
	}
	log.Info("crmbot started", "version", buildVersion(), "platform", cfg.Platform,
		"odoo", cfg.Odoo.URL, "state", cfg.State.Path, "llm", cfg.LLM.Model != "")
	defer log.Info("crmbot stopped")

	purgeCtx, stopPurge := context.WithCancel(ctx)
	defer stopPurge()
	go a.purgeEvery(purgeCtx, purgeInterval)

	switch cfg.Platform {
	case "console":
		return a.runConsole(ctx, stdin, stdout, cfg.Console.JSON, false)
	case "slack":
		return a.runSlack(ctx, cfg.Slack, sec)
	case "feishu":
		return a.runFeishu(ctx, cfg.Feishu, sec)
	}
	return a.runTelegram(ctx, cfg.Telegram, sec.telegramToken)
}

func ignoreHelp(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}
