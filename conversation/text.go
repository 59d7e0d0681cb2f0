package conversation

import (
	"context"
	"strconv"
	"strings"
)

// handleText processes a message the user typed.
func (e *Engine) handleText(ctx context.Context, in Input) (Output, error) {
	unlock := e.locks.lock(in.Key)
	defer unlock()

	if seen, err := e.seen(ctx, in.EventID); err != nil || seen {
		return Output{Lang: in.Lang}, err
	}
	t, err := e.begin(ctx, in.Key, in)
	if err != nil {
		return Output{Lang: in.Lang}, err
	}
	if err := e.text(ctx, t); err != nil {
		return Output{Lang: t.state.Lang}, err
	}
	return t.save(ctx, nil)
}

func (e *Engine) text(ctx context.Context, t *turn) error {
	st := &t.state
	text := strings.TrimSpace(t.in.Text)

	if st.Phase.active() && t.now.Sub(st.UpdatedAt) > e.cfg.Expiry && st.Phase != PhaseExecuting {
		t.say(Message{Key: MsgTimedOut, Args: []string{st.Draft.Intent}})
		e.reset(t)
	}
	if IsCancel(text) {
		return e.cancel(ctx, t)
	}
	if st.Phase == PhaseExecuting {
		t.say(Message{Key: MsgExecuting, Args: []string{st.Draft.Intent}})
		return nil
	}
	if st.Phase == PhaseChoosing && e.chooseByText(ctx, t, text) {
		return nil
	}

	// A reply that a validator accepts fills the pending slot without
	// asking the understander.
	if pending, ok := e.pendingSlot(st); ok && st.Phase == PhaseCollecting {
		if !pending.Required && IsSkip(text) {
			return e.advance(ctx, t)
		}
		if pending.Kind != KindText && pending.Kind != KindPartner {
			if v, err := e.parse(pending, text, t); err == nil {
				st.Draft.set(pending.Name, v)
				return e.advance(ctx, t)
			}
		}
	}

	u, err := e.cfg.Understander.Understand(ctx, UnderstandRequest{
		Text:    text,
		Intent:  e.currentIntent(st),
		Pending: e.currentPending(st),
		Now:     t.now.In(e.cfg.Location),
	})
	if err != nil {
		// An understander that fails may still return what its fallback
		// rules understood; use it, and ask to rephrase only when there
		// is nothing.
		e.log.Warn("understand message", "key", st.Key, "error", err)
		if u.Intent == "" && len(u.Values) == 0 {
			t.say(Message{Key: MsgRephrase})
			return nil
		}
	}
	return e.apply(ctx, t, text, u)
}

// apply merges an understanding into the conversation.
func (e *Engine) apply(ctx context.Context, t *turn, text string, u Understanding) error {
	st := &t.state
	switch u.Intent {
	case IntentCancel:
		return e.cancel(ctx, t)
	case IntentHelp:
		t.say(Message{Key: MsgHelp})
		return nil
	}

	in, known := LookupIntent(u.Intent)
	switch {
	case known && u.Intent != e.currentIntent(st):
		e.start(t, in)
	case !st.Phase.active() || st.Phase == PhaseExecuting:
		t.say(Message{Key: MsgNotUnderstood, Args: []string{text}})
		return nil
	}

	values := u.Values
	if pending := e.currentPending(st); pending != "" && len(values) == 0 {
		if s, ok := e.pendingSlot(st); ok && !s.Required && IsSkip(text) {
			return e.advance(ctx, t)
		}
		values = map[string]string{pending: text}
	}
	if len(values) == 0 && !known {
		// Text that neither answers the question nor names anything.
		t.say(Message{Key: MsgNotUnderstood, Args: []string{text}})
		return e.repeatQuestion(ctx, t)
	}
	if e.merge(t, values) {
		return nil
	}
	return e.advance(ctx, t)
}

// merge validates and stores proposed values in slot order. It reports
// whether a value was invalid, in which case the user was asked again.
func (e *Engine) merge(t *turn, values map[string]string) (rejected bool) {
	st := &t.state
	in, _ := LookupIntent(st.Draft.Intent)
	for _, s := range in.Slots {
		raw, ok := values[s.Name]
		if !ok || strings.TrimSpace(raw) == "" {
			continue
		}
		v, err := e.parse(s, raw, t)
		if err != nil {
			if !rejected {
				t.say(invalid(s, raw, err))
				e.ask(t, in, s)
			}
			rejected = true
			continue
		}
		if s.Kind == KindPartner && v != st.Draft.value(s.Name) {
			delete(st.Draft.Refs, s.Name)
		}
		st.Draft.set(s.Name, v)
	}
	return rejected
}

// chooseByText picks a candidate by its number or exact name. It reports
// whether the text was a choice.
func (e *Engine) chooseByText(ctx context.Context, t *turn, text string) bool {
	st := &t.state
	idx := -1
	if n, err := strconv.Atoi(text); err == nil && n >= 1 && n <= len(st.Choices) {
		idx = n - 1
	}
	for i, c := range st.Choices {
		if strings.EqualFold(c.Name, text) {
			idx = i
		}
	}
	if idx < 0 {
		return false
	}
	e.choose(t, idx)
	if err := e.advance(ctx, t); err != nil {
		e.log.Error("advance after choice", "key", st.Key, "error", err)
	}
	return true
}

func (e *Engine) currentIntent(st *State) string {
	if st.Phase.active() {
		return st.Draft.Intent
	}
	return ""
}

func (e *Engine) currentPending(st *State) string {
	if st.Phase == PhaseCollecting || st.Phase == PhaseChoosing {
		return st.Pending
	}
	return ""
}

func (e *Engine) pendingSlot(st *State) (Slot, bool) {
	in, ok := LookupIntent(e.currentIntent(st))
	if !ok || st.Pending == "" {
		return Slot{}, false
	}
	return in.Slot(st.Pending)
}

// start begins a new intent, keeping an unfinished one to resume later.
func (e *Engine) start(t *turn, in Intent) {
	st := &t.state
	if st.Phase.active() && st.Phase != PhaseExecuting && len(st.Draft.Values) > 0 {
		old := st.Draft
		st.Suspended = &old
		t.say(Message{Key: MsgSwitched, Args: []string{old.Intent, in.Name}})
	}
	st.Draft = Draft{Intent: in.Name}
	st.Phase = PhaseCollecting
	st.Owner = t.in.UserID
	st.Pending = ""
	st.Choices = nil
	st.Failure = ""
}

// reset returns the conversation to idle, dropping the draft.
func (e *Engine) reset(t *turn) {
	st := &t.state
	st.Phase = PhaseIdle
	st.Draft = Draft{}
	st.Pending = ""
	st.Choices = nil
	st.Failure = ""
	st.Suspended = nil
	st.Version++
}

// cancel ends the current action; a suspended one resumes.
func (e *Engine) cancel(ctx context.Context, t *turn) error {
	st := &t.state
	switch {
	case st.Phase == PhaseExecuting:
		t.say(Message{Key: MsgExecuting, Args: []string{st.Draft.Intent}})
		return nil
	case !st.Phase.active():
		t.say(Message{Key: MsgNothingToCancel})
		return nil
	}
	t.say(Message{Key: MsgCancelled, Args: []string{st.Draft.Intent}})
	suspended := st.Suspended
	e.reset(t)
	st.Phase = PhaseCancelled
	if suspended != nil {
		return e.resume(ctx, t, *suspended)
	}
	return nil
}
