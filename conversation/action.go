package conversation

import (
	"context"
	"fmt"
)

// Button actions stored behind tokens. They share names with the label
// keys of the buttons that carry them.
const (
	actConfirm       = BtnConfirm
	actEdit          = BtnEdit
	actCancel        = BtnCancel
	actRetry         = BtnRetry
	actChoose        = BtnChoose
	actCreatePartner = BtnCreatePartner
	actEditSlot      = BtnEditSlot
	actSkip          = BtnSkip
	actBack          = BtnBack
)

// handleAction processes a button click.
func (e *Engine) handleAction(ctx context.Context, in Input) (Output, error) {
	expired := Output{Lang: in.Lang, Messages: []Message{{Key: MsgExpired}}}
	var (
		ref ButtonRef
		ok  bool
	)
	err := e.cfg.Store.View(ctx, func(tx Tx) error {
		var err error
		ref, ok, err = tx.Button(in.Action)
		return err
	})
	if err != nil {
		return expired, fmt.Errorf("load button: %w", err)
	}
	if !ok || ref.Expires.Before(e.cfg.Now()) {
		return e.rejectClick(ctx, in, expired)
	}

	unlock := e.locks.lock(ref.Key)
	defer unlock()
	if seen, err := e.seen(ctx, in.EventID); err != nil || seen {
		return Output{Lang: in.Lang}, err
	}
	in.Lang = ""
	t, err := e.begin(ctx, ref.Key, in)
	if err != nil {
		return expired, err
	}
	st := &t.state
	expired.Lang = st.Lang
	if st.Owner != "" && in.UserID != st.Owner {
		return e.rejectClick(ctx, in, Output{Lang: st.Lang, Messages: []Message{{Key: MsgNotOwner}}})
	}
	if ref.Version != st.Version {
		return e.rejectClick(ctx, in, expired)
	}

	// A button acts only in the phase that showed it: after Confirm ran,
	// the same preview's Edit and Cancel must not reopen the draft.
	switch {
	case ref.Action == actConfirm || ref.Action == actRetry:
		return e.confirm(ctx, t)
	case ref.Action == actEdit && (st.Phase == PhaseConfirming || st.Phase == PhaseFailed):
		e.editWhich(t)
	case ref.Action == actEditSlot && st.Phase == PhaseCollecting && st.Pending == "":
		if !e.editSlot(t, ref.Arg) {
			return e.rejectClick(ctx, in, expired)
		}
	case ref.Action == actSkip && st.Phase == PhaseCollecting:
		err = e.advance(ctx, t)
	case ref.Action == actBack && st.Phase == PhaseCollecting && st.Pending == "":
		err = e.advance(ctx, t)
	case ref.Action == actChoose && st.Phase == PhaseChoosing && ref.Arg >= 0 && ref.Arg < len(st.Choices):
		e.choose(t, ref.Arg)
		err = e.advance(ctx, t)
	case ref.Action == actCreatePartner && st.Phase == PhaseChoosing:
		err = e.createPartnerFirst(ctx, t)
	case ref.Action == actCancel && st.Phase.active():
		err = e.cancel(ctx, t)
	default:
		return e.rejectClick(ctx, in, expired)
	}
	if err != nil {
		return expired, err
	}
	replaceFirst(t.msgs)
	return t.save(ctx, nil)
}

// rejectClick returns out for a click that does nothing, once per event,
// so a redelivered click gets no second reply.
func (e *Engine) rejectClick(ctx context.Context, in Input, out Output) (Output, error) {
	if in.EventID == "" {
		return out, nil
	}
	var seen bool
	err := e.cfg.Store.Update(ctx, func(tx Tx) error {
		var err error
		seen, err = tx.MarkEvent(in.EventID, e.cfg.Now().Add(e.cfg.EventTTL))
		return err
	})
	if err != nil {
		return out, fmt.Errorf("mark event %s: %w", in.EventID, err)
	}
	if seen {
		return Output{Lang: out.Lang}, nil
	}
	return out, nil
}

// replaceFirst marks the first reply to a click as the new content of the
// clicked message, so its buttons disappear.
func replaceFirst(msgs []Message) {
	if len(msgs) > 0 {
		msgs[0].ReplaceSource = true
	}
}

// editWhich offers the slots of the draft to change.
func (e *Engine) editWhich(t *turn) {
	st := &t.state
	in, _ := LookupIntent(st.Draft.Intent)
	st.Phase = PhaseCollecting
	st.Pending = ""
	st.Version++
	m := Message{Key: MsgEditWhich, Args: []string{in.Name}}
	for i, s := range in.Slots {
		m.Buttons = append(m.Buttons, t.button(BtnEditSlot, s.Name, actEditSlot, i))
	}
	m.Buttons = append(m.Buttons, t.button(BtnBack, "", actBack, 0), t.button(BtnCancel, "", actCancel, 0))
	t.say(m)
}

// editSlot requests slot number n of the draft again.
func (e *Engine) editSlot(t *turn, n int) bool {
	st := &t.state
	in, _ := LookupIntent(st.Draft.Intent)
	if n < 0 || n >= len(in.Slots) || !st.Phase.active() {
		return false
	}
	e.ask(t, in, in.Slots[n])
	return true
}

// createPartnerFirst suspends the current draft and starts creating the
// partner it names; when that is done, the draft resumes linked to it.
func (e *Engine) createPartnerFirst(ctx context.Context, t *turn) error {
	st := &t.state
	name := st.Draft.value(st.Pending)
	old := st.Draft
	customer, _ := LookupIntent(IntentCreateCustomer)
	e.start(t, customer)
	st.Suspended = &old
	st.Draft.set(SlotName, name)
	return e.advance(ctx, t)
}
