package conversation

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode"
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
	st := &t.state
	if !e.expired(t) && IsConfirm(in.Text) && (st.Phase == PhaseConfirming || st.Phase == PhaseFailed) {
		return e.confirm(ctx, t)
	}
	if err := e.text(ctx, t); err != nil {
		return Output{Lang: t.state.Lang}, err
	}
	return t.save(ctx, nil)
}

func (e *Engine) text(ctx context.Context, t *turn) error {
	st := &t.state
	text := strings.TrimSpace(t.in.Text)

	if e.expired(t) {
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
	if st.Phase == PhaseChoosing && len(st.Choices) == 0 && IsConfirm(text) {
		return e.createPartnerFirst(ctx, t)
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
	e.wholeReply(t, text, &u)
	return e.apply(ctx, t, text, u)
}

// expired reports whether the conversation waited longer than the expiry
// for the user. An executing action never expires.
func (e *Engine) expired(t *turn) bool {
	st := &t.state
	return st.Phase.active() && st.Phase != PhaseExecuting && t.now.Sub(st.UpdatedAt) > e.cfg.Expiry
}

// switchLang makes the message's language the conversation's.
func (e *Engine) switchLang(t *turn) {
	if t.in.Lang != "" {
		t.state.Lang = t.in.Lang
	}
}

// wholeReply keeps a reply to a pending question as the user wrote it when
// the text around the value the understander picked out is more than
// label words. So "-5" is rejected as "-5" by the amount question and kept
// as "-5" by the name question, never read as "5".
func (e *Engine) wholeReply(t *turn, text string, u *Understanding) {
	pending, ok := e.pendingSlot(&t.state)
	phase := t.state.Phase
	if !ok || (phase != PhaseCollecting && phase != PhaseChoosing) || u.Intent != "" {
		return
	}
	raw, found := u.Values[pending.Name]
	if !found || len(u.Values) != 1 {
		return
	}
	if !onlyLabelsAround(text, raw) {
		u.Values[pending.Name] = text
	}
}

// onlyLabelsAround reports whether text is value with nothing around it
// but words, spaces and label punctuation ("phone: …", "电话是 …").
func onlyLabelsAround(text, value string) bool {
	before, after, found := strings.Cut(text, value)
	if !found {
		return false
	}
	for _, r := range before + after {
		if !unicode.IsLetter(r) && !unicode.IsSpace(r) && !strings.ContainsRune(":：,，.。", r) {
			return false
		}
	}
	return true
}

// apply merges an understanding into the conversation.
func (e *Engine) apply(ctx context.Context, t *turn, text string, u Understanding) error {
	st := &t.state
	switch u.Intent {
	case IntentCancel:
		return e.cancel(ctx, t)
	case IntentHelp:
		e.switchLang(t)
		t.say(Message{Key: MsgHelp})
		if st.Phase.active() && st.Phase != PhaseExecuting {
			// After a restart the user may not see the waiting step.
			return e.repeatQuestion(ctx, t)
		}
		return nil
	}

	in, known := LookupIntent(u.Intent)
	if known {
		e.switchLang(t)
	}
	switch {
	case known && (u.Intent != e.currentIntent(st) || e.restarts(st, in, u)):
		e.start(t, in)
	case !st.Phase.active() || st.Phase == PhaseExecuting:
		t.say(Message{Key: MsgNotUnderstood, Args: []string{quote(text)}})
		return nil
	}

	values := u.Values
	if pending := e.currentPending(st); pending != "" && len(values) == 0 {
		if s, ok := e.pendingSlot(st); ok && !s.Required && IsSkip(text) {
			return e.advance(ctx, t)
		}
		if IsConfirm(text) {
			// "yes" answers no question; it must not become a name.
			t.say(Message{Key: MsgNotUnderstood, Args: []string{quote(text)}})
			return e.repeatQuestion(ctx, t)
		}
		values = map[string]string{pending: text}
	}
	if len(values) == 0 && !known {
		// Text that neither answers the question nor names anything.
		t.say(Message{Key: MsgNotUnderstood, Args: []string{quote(text)}})
		return e.repeatQuestion(ctx, t)
	}
	if e.merge(t, values) {
		return nil
	}
	return e.advance(ctx, t)
}

// restarts reports whether u requests another record of the intent being
// gathered ("new customer Sigma" while gathering customer Omega) rather
// than a correction. That is the case when u names the intent with no
// values, or gives the first required slot a new value.
func (e *Engine) restarts(st *State, in Intent, u Understanding) bool {
	if len(u.Values) == 0 {
		return true
	}
	for _, s := range in.Slots {
		if !s.Required {
			continue
		}
		v, ok := u.Values[s.Name]
		cur := st.Draft.value(s.Name)
		return ok && cur != "" && !strings.EqualFold(strings.TrimSpace(v), cur)
	}
	return false
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
		// The question left unanswered is asked again on resume.
		old.Asked = slices.DeleteFunc(slices.Clone(old.Asked), func(s string) bool { return s == st.Pending })
		st.Suspended = &old
		t.say(Message{Key: MsgSwitched, Args: []string{old.Intent, in.Name, old.label()}})
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
	t.say(Message{Key: MsgCancelled, Args: []string{st.Draft.Intent, st.Draft.label()}})
	suspended := st.Suspended
	e.reset(t)
	st.Phase = PhaseCancelled
	if suspended != nil {
		return e.resume(ctx, t, *suspended)
	}
	return nil
}
