package conversation

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Config configures an Engine. Store, Backend and Understander are
// required; every other zero value is a documented default.
type Config struct {
	Store        Store
	Backend      Backend
	Understander Understander
	// Region is the ISO 3166 region assumed for phone numbers written
	// without a country code. Empty means "US".
	Region string
	// Location is the users' time zone for relative dates. Nil means UTC.
	Location *time.Location
	// Expiry is how long an unfinished conversation waits for the user.
	// Zero means 24 hours.
	Expiry time.Duration
	// ButtonTTL is how long a button stays clickable. Zero means 7 days.
	ButtonTTL time.Duration
	// EventTTL is how long event ids are kept to drop redelivered events.
	// Zero means 7 days, longer than any platform's redelivery window.
	EventTTL time.Duration
	// Now returns the current time. Nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
	// Mapping changes the Odoo fields and fixed values of intents; see
	// ApplyMapping. Nil writes the declared fields.
	Mapping map[string]IntentMapping
}

// Input is one event for the engine.
type Input struct {
	// Key names the conversation: one per platform, chat and user.
	Key    string
	UserID string
	// EventID is the platform's id of the event; a repeated id is dropped.
	// Empty disables the check.
	EventID string
	// Text is the user's message; Action is a clicked button's token.
	Text   string
	Action string
	// Lang is the language this message is written in, "en" or "zh", or
	// empty when unknown. It becomes the conversation's language when the
	// message starts something (a new intent, a command, any message while
	// idle), so a reply such as a Latin company name in a Chinese
	// conversation does not switch it.
	Lang string
}

// Engine runs conversations. It is safe for concurrent use; events of one
// conversation are handled one at a time.
type Engine struct {
	cfg   Config
	log   *slog.Logger
	locks keyedMutex
	// written holds the intents with the mapping applied: what a
	// confirmed action writes.
	written map[string]Intent
}

// NewEngine returns an engine for cfg.
func NewEngine(cfg Config) (*Engine, error) {
	if cfg.Store == nil || cfg.Backend == nil || cfg.Understander == nil {
		return nil, errors.New("conversation: Store, Backend and Understander are required")
	}
	if cfg.Region == "" {
		cfg.Region = "US"
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Expiry == 0 {
		cfg.Expiry = 24 * time.Hour
	}
	if cfg.ButtonTTL == 0 {
		cfg.ButtonTTL = 7 * 24 * time.Hour
	}
	if cfg.EventTTL == 0 {
		cfg.EventTTL = 7 * 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mapped, err := ApplyMapping(cfg.Mapping)
	if err != nil {
		return nil, err
	}
	written := map[string]Intent{}
	for _, in := range mapped {
		written[in.Name] = in
	}
	return &Engine{cfg: cfg, log: log, written: written}, nil
}

// Handle processes one event and returns the replies. Errors of the store
// or the backend become replies; nothing is lost, because the state is
// only saved when a step completes.
func (e *Engine) Handle(ctx context.Context, in Input) Output {
	var (
		out Output
		err error
	)
	if in.Action != "" {
		out, err = e.handleAction(ctx, in)
	} else {
		out, err = e.handleText(ctx, in)
	}
	if err != nil {
		e.log.Error("handle event", "key", in.Key, "event", in.EventID, "error", err)
		lang := out.Lang
		if lang == "" {
			lang = in.Lang
		}
		return Output{Lang: lang, Messages: []Message{{Key: MsgInternalError}}}
	}
	return out
}

// turn collects what one event changes, saved in one transaction.
type turn struct {
	e       *Engine
	in      Input
	state   State
	now     time.Time
	msgs    []Message
	buttons map[string]ButtonRef
	// duplicate is set when the event id was seen before.
	duplicate bool
}

// begin loads the conversation named key and checks the event id.
func (e *Engine) begin(ctx context.Context, key string, in Input) (*turn, error) {
	t := &turn{e: e, in: in, now: e.cfg.Now(), buttons: map[string]ButtonRef{}}
	err := e.cfg.Store.View(ctx, func(tx Tx) error {
		s, ok, err := tx.State(key)
		if err != nil {
			return err
		}
		if !ok {
			s = State{Key: key, Phase: PhaseIdle}
		}
		t.state = s
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load conversation %s: %w", key, err)
	}
	if in.Lang != "" && !t.state.Phase.active() {
		t.state.Lang = in.Lang
	}
	if t.state.Lang == "" {
		t.state.Lang = "en"
	}
	return t, nil
}

// save stores the state, new buttons and the event id, then returns the
// output. A duplicate event changes nothing and gets no reply.
func (t *turn) save(ctx context.Context, extra func(Tx) error) (Output, error) {
	t.state.UpdatedAt = t.now
	err := t.e.cfg.Store.Update(ctx, func(tx Tx) error {
		if t.in.EventID != "" {
			seen, err := tx.MarkEvent(t.in.EventID, t.now.Add(t.e.cfg.EventTTL))
			if err != nil {
				return err
			}
			if seen {
				t.duplicate = true
				return errDuplicate
			}
		}
		if err := tx.PutState(t.state); err != nil {
			return err
		}
		for token, ref := range t.buttons {
			if err := tx.PutButton(token, ref); err != nil {
				return err
			}
		}
		if extra != nil {
			return extra(tx)
		}
		return nil
	})
	if errors.Is(err, errDuplicate) {
		return Output{Lang: t.state.Lang}, nil
	}
	if err != nil {
		return Output{Lang: t.state.Lang}, fmt.Errorf("save conversation %s: %w", t.state.Key, err)
	}
	return Output{Lang: t.state.Lang, Messages: t.msgs}, nil
}

var errDuplicate = errors.New("duplicate event")

// seen reports whether the event was handled before, without marking it.
func (e *Engine) seen(ctx context.Context, id string) (bool, error) {
	if id == "" {
		return false, nil
	}
	var seen bool
	err := e.cfg.Store.View(ctx, func(tx Tx) error {
		var err error
		seen, err = tx.EventSeen(id)
		return err
	})
	return seen, err
}

func (t *turn) say(m Message) { t.msgs = append(t.msgs, m) }

// button issues a token for action on the current version.
func (t *turn) button(label, arg string, action string, n int) Button {
	token := newToken()
	t.buttons[token] = ButtonRef{
		Key:     t.state.Key,
		Version: t.state.Version,
		Action:  action,
		Arg:     n,
		Expires: t.now.Add(t.e.cfg.ButtonTTL),
	}
	return Button{Key: label, Arg: arg, Token: token}
}

// newToken returns 12 random URL-safe characters: opaque, unguessable
// and far below Telegram's 64-byte callback data limit.
func newToken() string {
	var b [9]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// keyedMutex serializes work per conversation key.
type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

type keyLock struct {
	mu   sync.Mutex
	refs int
}

func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyLock{}
	}
	l := k.locks[key]
	if l == nil {
		l = &keyLock{}
		k.locks[key] = l
	}
	l.refs++
	k.mu.Unlock()

	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		k.mu.Lock()
		l.refs--
		if l.refs == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}
