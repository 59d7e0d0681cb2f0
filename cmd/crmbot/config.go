package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/crmbot/crmbot/conversation"
	"github.com/crmbot/crmbot/odoo"
	"go.yaml.in/yaml/v3"
)

// Environment variables that hold secrets. The configuration file never
// contains secrets, so it can be committed and shared.
const (
	envOdooKey       = "CRMBOT_ODOO_API_KEY"
	envTelegramToken = "CRMBOT_TELEGRAM_TOKEN"
	envLLMKey        = "CRMBOT_LLM_API_KEY"

	envSlackBotToken      = "CRMBOT_SLACK_BOT_TOKEN"
	envSlackAppToken      = "CRMBOT_SLACK_APP_TOKEN"
	envSlackSigningSecret = "CRMBOT_SLACK_SIGNING_SECRET"

	envFeishuAppSecret         = "CRMBOT_FEISHU_APP_SECRET"
	envFeishuVerificationToken = "CRMBOT_FEISHU_VERIFICATION_TOKEN"
	envFeishuEncryptKey        = "CRMBOT_FEISHU_ENCRYPT_KEY"
)

// Config is the YAML configuration of "crmbot run". Zero values are
// documented defaults; configs/crmbot.example.yaml explains each field.
type Config struct {
	// Platform is "telegram", "slack", "feishu" or "console".
	Platform string         `yaml:"platform"`
	Telegram TelegramConfig `yaml:"telegram"`
	Slack    SlackConfig    `yaml:"slack"`
	Feishu   FeishuConfig   `yaml:"feishu"`
	Console  ConsoleConfig  `yaml:"console"`
	Odoo     OdooConfig     `yaml:"odoo"`
	LLM      LLMConfig      `yaml:"llm"`
	State    StateConfig    `yaml:"state"`
	// Region is the ISO 3166 region for phone numbers without a country
	// code. Default "US".
	Region string `yaml:"region"`
	// TimeZone is the IANA zone for relative dates. Empty means the time
	// zone of the API key's user in Odoo (Preferences), else UTC.
	TimeZone string `yaml:"time_zone"`
	// LogLevel is debug, info, warn or error. Default info.
	LogLevel string `yaml:"log_level"`
	// Mapping sends slots to other Odoo fields and adds fixed values, by
	// intent name. "crmbot check" validates it against the server.
	Mapping map[string]conversation.IntentMapping `yaml:"mapping"`
}

// TelegramConfig configures the Telegram connector.
type TelegramConfig struct {
	// APIEndpoint overrides the Bot API endpoint format (token, then
	// method), for a local Bot API server.
	APIEndpoint string        `yaml:"api_endpoint"`
	PollTimeout time.Duration `yaml:"poll_timeout"`
}

// SlackConfig configures the Slack connector. The tokens come from the
// environment: CRMBOT_SLACK_BOT_TOKEN (xoxb-) always, and
// CRMBOT_SLACK_APP_TOKEN (xapp-) for Socket Mode or
// CRMBOT_SLACK_SIGNING_SECRET for the HTTP Events API.
type SlackConfig struct {
	// Mode is "socket" (default: no public URL needed) or "http".
	Mode string `yaml:"mode"`
	// Addr is the listen address of the HTTP mode. Default ":3000".
	Addr string `yaml:"addr"`
	// APIURL overrides Slack's Web API URL; it must end with "/".
	APIURL string `yaml:"api_url"`
}

// FeishuConfig configures the Feishu / Lark connector. The app secret
// comes from CRMBOT_FEISHU_APP_SECRET; the HTTP callback mode also reads
// CRMBOT_FEISHU_VERIFICATION_TOKEN and CRMBOT_FEISHU_ENCRYPT_KEY.
type FeishuConfig struct {
	// AppID is the app's id, such as cli_a1b2c3 (not a secret).
	AppID string `yaml:"app_id"`
	// Domain is "feishu" (open.feishu.cn, default) or "lark"
	// (open.larksuite.com), or a base URL.
	Domain string `yaml:"domain"`
	// Mode is "ws" (long connection, default: no public URL needed) or
	// "http" (event and card callbacks on Addr).
	Mode string `yaml:"mode"`
	Addr string `yaml:"addr"`
}

// ConsoleConfig configures the console connector.
type ConsoleConfig struct {
	JSON bool `yaml:"json"`
}

// OdooConfig names the Odoo server. The API key comes from the
// environment variable CRMBOT_ODOO_API_KEY.
type OdooConfig struct {
	URL      string `yaml:"url"`
	Database string `yaml:"database"`
	// Transport is json2 (Odoo 19, the default), jsonrpc (Odoo 16-18) or
	// auto (chosen from the server version).
	Transport string `yaml:"transport"`
	// Login is the Odoo login of the key's user; jsonrpc and auto need it.
	Login string `yaml:"login"`
	// MaxConcurrent and RatePerSecond protect the server from a busy
	// chat. Zero means the odoo package defaults; negative, no limit.
	MaxConcurrent int     `yaml:"max_concurrent"`
	RatePerSecond float64 `yaml:"rate_per_second"`
}

// odooRequestTimeout bounds one request to Odoo.
const odooRequestTimeout = 30 * time.Second

// odooConfig returns the client configuration for cfg with key.
func odooConfig(cfg Config, key string, log *slog.Logger) odoo.Config {
	limits := odoo.Limits{MaxConcurrent: cfg.Odoo.MaxConcurrent, RatePerSecond: cfg.Odoo.RatePerSecond}
	return odoo.Config{
		URL:        cfg.Odoo.URL,
		Database:   cfg.Odoo.Database,
		APIKey:     key,
		Transport:  cfg.Odoo.Transport,
		Login:      cfg.Odoo.Login,
		HTTPClient: odoo.LimitedHTTPClient(&http.Client{Timeout: odooRequestTimeout}, limits),
		Logger:     log,
	}
}

// LLMConfig enables understanding free text with an OpenAI-compatible
// chat completion API. Empty BaseURL and Model mean rules only. The key
// comes from CRMBOT_LLM_API_KEY.
type LLMConfig struct {
	BaseURL string        `yaml:"base_url"`
	Model   string        `yaml:"model"`
	Timeout time.Duration `yaml:"timeout"`
}

// StateConfig locates the conversation state file.
type StateConfig struct {
	// Path of the bbolt file. Default "crmbot.db".
	Path string `yaml:"path"`
}

// secrets holds what the environment supplies.
type secrets struct {
	odooKey       string
	telegramToken string
	llmKey        string

	slackBotToken, slackAppToken, slackSigningSecret string

	feishuAppSecret, feishuVerificationToken, feishuEncryptKey string
}

// loadConfig reads and checks the configuration file at path.
func loadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	var cfg Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("parse config %s: %s", path, yamlProblem(err))
	}
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// yamlField matches yaml.v3's report of an unknown key.
var yamlField = regexp.MustCompile(`field (\S+) not found in type main\.(\w+)`)

// yamlSections names the configuration section each Go type decodes.
var yamlSections = map[string]string{
	"Config": "", "TelegramConfig": "telegram.", "ConsoleConfig": "console.", "SlackConfig": "slack.", "FeishuConfig": "feishu.",
	"OdooConfig": "odoo.", "LLMConfig": "llm.", "StateConfig": "state.",
}

// yamlProblem rewrites a YAML decoding error in configuration terms: an
// unknown key is named with its section, and a duration without a unit
// gets a hint. Secrets are never valid keys, so "odoo.api_key" is
// reported as unknown, with the environment variable to use.
func yamlProblem(err error) string {
	msg := err.Error()
	msg = yamlField.ReplaceAllStringFunc(msg, func(m string) string {
		parts := yamlField.FindStringSubmatch(m)
		key := yamlSections[parts[2]] + parts[1]
		hint := ""
		if strings.Contains(parts[1], "key") || strings.Contains(parts[1], "token") || strings.Contains(parts[1], "secret") {
			hint = fmt.Sprintf("; secrets come only from the environment (%s, %s, %s)", envOdooKey, envTelegramToken, envLLMKey)
		}
		return fmt.Sprintf("unknown key %q%s", key, hint)
	})
	if strings.Contains(msg, "time.Duration") {
		msg += " (write durations with a unit, such as 30s or 2m)"
	}
	return msg
}

func (c *Config) setDefaults() {
	if c.Region == "" {
		c.Region = "US"
	}
	if c.State.Path == "" {
		c.State.Path = "crmbot.db"
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	c.Region = strings.ToUpper(c.Region)
}

func (c *Config) validate() error {
	var problems []string
	switch c.Platform {
	case "telegram", "console", "slack", "feishu":
	case "":
		problems = append(problems, `platform is missing: set it to "telegram", "slack", "feishu" or "console"`)
	default:
		problems = append(problems, fmt.Sprintf(`platform %q is not supported: use "telegram", "slack", "feishu" or "console"`, c.Platform))
	}
	switch d := c.Feishu.Domain; {
	case d == "", d == "feishu", d == "lark":
	case strings.HasPrefix(d, "http://"), strings.HasPrefix(d, "https://"):
	default:
		problems = append(problems, fmt.Sprintf(`feishu.domain %q is not "feishu", "lark" or an http(s) URL`, d))
	}
	if c.Platform == "feishu" && c.Feishu.AppID == "" {
		problems = append(problems, "feishu.app_id is missing: copy it from the app's page in the Feishu or Lark developer console")
	}
	switch c.Feishu.Mode {
	case "", "ws", "http":
	default:
		problems = append(problems, fmt.Sprintf(`feishu.mode %q is not "ws" or "http"`, c.Feishu.Mode))
	}
	switch c.Slack.Mode {
	case "", "socket", "http":
	default:
		problems = append(problems, fmt.Sprintf(`slack.mode %q is not "socket" or "http"`, c.Slack.Mode))
	}
	if u, err := url.Parse(c.Odoo.URL); c.Odoo.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		problems = append(problems, fmt.Sprintf("odoo.url %q is not an http(s) URL such as https://odoo.example.com", c.Odoo.URL))
	}
	switch c.Odoo.Transport {
	case "", odoo.TransportJSON2:
	case odoo.TransportJSONRPC, odoo.TransportAuto:
		if c.Odoo.Login == "" {
			problems = append(problems, fmt.Sprintf("odoo.transport %s needs odoo.login, the login of the API key's user", c.Odoo.Transport))
		}
	default:
		problems = append(problems, fmt.Sprintf("odoo.transport %q is not json2, jsonrpc or auto", c.Odoo.Transport))
	}
	if c.Telegram.PollTimeout < 0 || c.LLM.Timeout < 0 {
		problems = append(problems, "telegram.poll_timeout and llm.timeout must not be negative")
	}
	if (c.LLM.BaseURL == "") != (c.LLM.Model == "") {
		problems = append(problems, "llm.base_url and llm.model must be set together (or both left empty for rules only)")
	}
	if _, err := time.LoadLocation(c.TimeZone); c.TimeZone != "" && err != nil {
		problems = append(problems, fmt.Sprintf("time_zone %q is not an IANA time zone such as Asia/Shanghai", c.TimeZone))
	}
	if phonenumbers.GetCountryCodeForRegion(c.Region) == 0 {
		problems = append(problems, fmt.Sprintf("region %q is not an ISO 3166 region code such as CN or US", c.Region))
	}
	if _, err := conversation.ApplyMapping(c.Mapping); err != nil {
		problems = append(problems, err.Error())
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		problems = append(problems, fmt.Sprintf("log_level %q is not one of debug, info, warn, error", c.LogLevel))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// readSecrets takes the secrets cfg needs from the environment.
func readSecrets(cfg Config, getenv func(string) string) (secrets, error) {
	s := secrets{
		odooKey:       strings.TrimSpace(getenv(envOdooKey)),
		telegramToken: strings.TrimSpace(getenv(envTelegramToken)),
		llmKey:        strings.TrimSpace(getenv(envLLMKey)),

		slackBotToken:      strings.TrimSpace(getenv(envSlackBotToken)),
		slackAppToken:      strings.TrimSpace(getenv(envSlackAppToken)),
		slackSigningSecret: strings.TrimSpace(getenv(envSlackSigningSecret)),

		feishuAppSecret:         strings.TrimSpace(getenv(envFeishuAppSecret)),
		feishuVerificationToken: strings.TrimSpace(getenv(envFeishuVerificationToken)),
		feishuEncryptKey:        strings.TrimSpace(getenv(envFeishuEncryptKey)),
	}
	var missing []string
	if s.odooKey == "" {
		missing = append(missing, envOdooKey)
	}
	if cfg.Platform == "telegram" && s.telegramToken == "" {
		missing = append(missing, envTelegramToken)
	}
	if cfg.Platform == "feishu" {
		if s.feishuAppSecret == "" {
			missing = append(missing, envFeishuAppSecret)
		}
		if cfg.Feishu.Mode == "http" && s.feishuVerificationToken == "" && s.feishuEncryptKey == "" {
			missing = append(missing, envFeishuVerificationToken+" (or "+envFeishuEncryptKey+")")
		}
	}
	if cfg.Platform == "slack" {
		if s.slackBotToken == "" {
			missing = append(missing, envSlackBotToken)
		}
		if cfg.Slack.Mode == "http" && s.slackSigningSecret == "" {
			missing = append(missing, envSlackSigningSecret)
		}
		if cfg.Slack.Mode != "http" && s.slackAppToken == "" {
			missing = append(missing, envSlackAppToken)
		}
	}
	if cfg.Platform == "slack" {
		if s.slackBotToken != "" && !strings.HasPrefix(s.slackBotToken, "xoxb-") {
			return s, fmt.Errorf("%s does not start with xoxb-: use the Bot User OAuth Token from the app's OAuth & Permissions page", envSlackBotToken)
		}
		if cfg.Slack.Mode != "http" && s.slackAppToken != "" && !strings.HasPrefix(s.slackAppToken, "xapp-") {
			return s, fmt.Errorf("%s does not start with xapp-: create an app-level token with connections:write on the app's Basic Information page", envSlackAppToken)
		}
	}
	if len(missing) > 0 {
		if len(missing) == 1 {
			return s, fmt.Errorf("environment variable %s is not set; export it before starting crmbot", missing[0])
		}
		return s, fmt.Errorf("environment variables %s are not set; export them before starting crmbot", strings.Join(missing, " and "))
	}
	return s, nil
}
