package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/crmbot/crmbot/adapters/console"
	"github.com/crmbot/crmbot/adapters/feishu"
	"github.com/crmbot/crmbot/adapters/slack"
	"github.com/crmbot/crmbot/adapters/telegram"
	"github.com/crmbot/crmbot/bot"
	"github.com/crmbot/crmbot/conversation"
	"github.com/crmbot/crmbot/odoo"
)

// app is a wired bot: state, Odoo, understanding, engine and service.
type app struct {
	odoo    *odoo.Client
	mapping map[string]conversation.IntentMapping
	store   *conversation.BoltStore
	engine  *conversation.Engine
	service *bot.Service
	log     *slog.Logger
}

// appConfig is the input of newApp, gathered from a config file or from
// the demo's defaults.
type appConfig struct {
	statePath string
	odoo      odoo.Config
	region    string
	location  *time.Location
	llm       LLMConfig
	llmKey    string
	log       *slog.Logger
	mapping   map[string]conversation.IntentMapping
}

// newApp opens the state file and wires the engine. The caller closes
// the app, which releases the state file.
func newApp(ctx context.Context, cfg appConfig) (*app, error) {
	client, err := odoo.New(cfg.odoo)
	if err != nil {
		return nil, fmt.Errorf("configure odoo: %w", err)
	}
	if cfg.location == nil {
		cfg.location = odooTimeZone(ctx, client, cfg.log)
	}
	store, err := conversation.OpenBolt(cfg.statePath, conversation.BoltOptions{})
	if err != nil {
		return nil, err
	}
	engine, err := conversation.NewEngine(conversation.Config{
		Store:        store,
		Backend:      bot.OdooBackend{Client: client, Logger: cfg.log},
		Understander: newUnderstander(cfg),
		Region:       cfg.region,
		Location:     cfg.location,
		Logger:       cfg.log,
		Mapping:      cfg.mapping,
	})
	if err != nil {
		store.Close()
		return nil, err
	}
	if err := engine.Recover(ctx); err != nil {
		cfg.log.Error("recover outbox", "error", err)
	}
	return &app{
		odoo:    client,
		mapping: cfg.mapping,
		store:   store,
		engine:  engine,
		service: bot.NewService(engine, cfg.log),
		log:     cfg.log,
	}, nil
}

func (a *app) Close() error { return a.store.Close() }

// odooTimeZone returns the time zone of the API key's user in Odoo, for
// relative dates, or UTC when Odoo cannot tell.
func odooTimeZone(ctx context.Context, client *odoo.Client, log *slog.Logger) *time.Location {
	ctx, cancel := context.WithTimeout(ctx, odooCheckTimeout)
	defer cancel()
	info, err := client.ContextGet(ctx)
	if err != nil {
		return time.UTC
	}
	name, _ := info["tz"].(string)
	loc, err := time.LoadLocation(name)
	if name == "" || err != nil {
		log.Warn("odoo user has no usable time zone; relative dates use UTC (set time_zone to choose one)", "tz", name)
		return time.UTC
	}
	log.Info("relative dates use the odoo user's time zone", "tz", name)
	return loc
}

// odooCheckTimeout bounds the start-up check of the Odoo credentials.
const odooCheckTimeout = 15 * time.Second

// checkOdoo reads from Odoo whose the API key is. A rejected key or an
// unknown database stops the start, because no chat could succeed. An
// unreachable server is only logged, since the bot keeps drafts until
// Odoo is back.
func (a *app) checkOdoo(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, odooCheckTimeout)
	defer cancel()
	info, err := a.odoo.ContextGet(ctx)
	switch {
	case odoo.IsInvalidKey(err):
		return fmt.Errorf("odoo rejected the API key in %s: %w; create a new key in Odoo (Preferences, Account Security)", envOdooKey, err)
	case odoo.IsDatabaseNotFound(err):
		return fmt.Errorf("odoo database: %w; check odoo.database", err)
	case err != nil:
		a.log.Warn("odoo is unreachable at start-up; users will be told and drafts kept", "error", err)
		return nil
	}
	a.log.Info("odoo credentials accepted", "uid", info["uid"], "tz", info["tz"])
	return a.checkMapping(ctx)
}

// checkMapping stops the start when a configured mapping names fields
// that Odoo does not have or cannot take, since every confirmed action of
// that intent would fail. A failure to read the fields is only logged.
func (a *app) checkMapping(ctx context.Context) error {
	if len(a.mapping) == 0 {
		return nil
	}
	results, err := validateMapping(ctx, a.odoo, a.mapping)
	if err != nil {
		return err
	}
	var faults []string
	for _, r := range results {
		for _, p := range r.problems {
			if p.Err != nil {
				a.log.Warn("read odoo fields for the mapping check", "intent", r.intent.Name, "error", p.Err)
				continue
			}
			faults = append(faults, r.intent.Name+": "+p.Message)
		}
	}
	if len(faults) > 0 {
		return fmt.Errorf("mapping does not fit odoo: %s; run crmbot check for details", strings.Join(faults, "; "))
	}
	return nil
}

// purgeInterval is how often a running bot deletes expired button tokens
// and event ids from the state file.
const purgeInterval = time.Hour

// purgeEvery purges expired ids every interval until ctx is done.
func (a *app) purgeEvery(ctx context.Context, interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if err := a.engine.Purge(ctx); err != nil && ctx.Err() == nil {
				a.log.Error("purge expired ids", "error", err)
			}
		}
	}
}

// runConsole chats on in and out until the input ends or ctx is done.
func (a *app) runConsole(ctx context.Context, in io.Reader, out io.Writer, jsonOut, prompt bool) error {
	c := console.New(console.Config{In: in, Out: out, JSON: jsonOut, Prompt: prompt}, a.service, a.log)
	return c.Run(ctx)
}

// runTelegram long-polls Telegram until ctx is done.
func (a *app) runTelegram(ctx context.Context, cfg TelegramConfig, token string) error {
	tg, err := telegram.New(telegram.Config{
		Token:       token,
		APIEndpoint: cfg.APIEndpoint,
		PollTimeout: cfg.PollTimeout,
	}, a.service, a.log)
	if err != nil {
		return fmt.Errorf("start telegram: %w", err)
	}
	a.log.Info("telegram connector started")
	return tg.Run(ctx)
}

// runSlack serves Slack until ctx is done.
func (a *app) runSlack(ctx context.Context, cfg SlackConfig, sec secrets) error {
	sl, err := slack.New(slack.Config{
		BotToken:      sec.slackBotToken,
		AppToken:      sec.slackAppToken,
		SigningSecret: sec.slackSigningSecret,
		Mode:          cfg.Mode,
		Addr:          cfg.Addr,
		APIURL:        cfg.APIURL,
	}, a.service, a.log)
	if err != nil {
		return fmt.Errorf("start slack: %w", err)
	}
	a.log.Info("slack connector started", "mode", cfg.Mode)
	return sl.Run(ctx)
}

// runFeishu serves Feishu or Lark until ctx is done.
func (a *app) runFeishu(ctx context.Context, cfg FeishuConfig, sec secrets) error {
	fs, err := feishu.New(feishu.Config{
		AppID:             cfg.AppID,
		AppSecret:         sec.feishuAppSecret,
		VerificationToken: sec.feishuVerificationToken,
		EncryptKey:        sec.feishuEncryptKey,
		Domain:            cfg.Domain,
		Mode:              cfg.Mode,
		Addr:              cfg.Addr,
	}, a.service, a.log)
	if err != nil {
		return fmt.Errorf("start feishu: %w", err)
	}
	a.log.Info("feishu connector started", "mode", cfg.Mode, "domain", cfg.Domain)
	return fs.Run(ctx)
}

// newLogger returns a text logger at level on w.
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}
