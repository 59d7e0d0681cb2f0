package conversation

import (
	"context"
	"fmt"
)

// Step names of OutboxEntry.Steps.
const (
	stepMain    = "main"
	stepContact = "contact"
)

// confirm executes the previewed draft once: the state moves to executing
// and the outbox entry is written in one transaction before Odoo is called.
func (e *Engine) confirm(ctx context.Context, t *turn) (Output, error) {
	st := &t.state
	switch st.Phase {
	case PhaseDone:
		return e.reply(t, Message{Key: MsgAlreadyDone, Record: st.Result,
			Args: resultArgs(st.Draft.Intent, st.Result)})
	case PhaseExecuting:
		return e.reply(t, Message{Key: MsgExecuting, Args: []string{st.Draft.Intent}})
	case PhaseConfirming, PhaseFailed:
	default:
		return e.reply(t, Message{Key: MsgExpired})
	}

	st.Phase = PhaseExecuting
	entry := OutboxEntry{Key: st.Key, Version: st.Version, Draft: st.Draft, Created: t.now}
	_, err := t.save(ctx, func(tx Tx) error {
		entries, err := tx.Outbox()
		if err != nil {
			return err
		}
		for _, old := range entries {
			if old.Key == st.Key {
				// An earlier attempt may have written records: keep
				// its steps and count, so they are looked for first.
				entry.Steps = old.Steps
				entry.Attempts = old.Attempts
			}
		}
		entry.Attempts++
		return tx.PutOutbox(entry)
	})
	if err != nil || t.duplicate {
		return Output{Lang: st.Lang}, err
	}

	res, runErr := e.perform(ctx, &entry)
	return e.finish(ctx, t, entry, res, runErr)
}

// reply returns m as the only reply, leaving the conversation unchanged.
func (e *Engine) reply(t *turn, m Message) (Output, error) {
	return Output{Lang: t.state.Lang, Messages: []Message{m}}, nil
}

// perform writes the draft to the backend. A step that an earlier attempt
// may have written is looked for before it is created again.
func (e *Engine) perform(ctx context.Context, entry *OutboxEntry) (Result, error) {
	in, ok := e.written[entry.Draft.Intent]
	if !ok {
		return Result{}, &BackendError{Kind: Rejected, Message: "unknown action " + entry.Draft.Intent}
	}
	vals := odooValues(in, entry.Draft)
	id, err := e.createStep(ctx, entry, stepMain, in.Model, vals)
	if err != nil {
		return Result{}, err
	}
	name, _ := vals["name"].(string)
	res := Result{Model: in.Model, ID: id, Name: name, URL: e.cfg.Backend.RecordURL(in.Model, id)}

	if contact := entry.Draft.value(SlotContact); contact != "" && in.Model == "res.partner" {
		child := map[string]any{"name": contact, "parent_id": id, "type": "contact"}
		if _, err := e.createStep(ctx, entry, stepContact, "res.partner", child); err != nil {
			return res, err
		}
	}
	return res, nil
}

// identityFields are the values that identify a record written by an
// earlier attempt.
var identityFields = []string{"name", "type", "is_company", "partner_id", "parent_id", "email", "phone"}

func (e *Engine) createStep(ctx context.Context, entry *OutboxEntry, step, model string, vals map[string]any) (int64, error) {
	if id, ok := entry.Steps[step]; ok {
		return id, nil
	}
	if entry.Attempts > 1 {
		match := map[string]any{}
		for _, f := range identityFields {
			if v, ok := vals[f]; ok {
				match[f] = v
			}
		}
		id, found, err := e.cfg.Backend.FindRecord(ctx, model, match)
		if err != nil {
			return 0, err
		}
		if found {
			e.log.Info("found record of earlier attempt", "key", entry.Key, "model", model, "id", id)
			return id, e.saveStep(ctx, entry, step, id)
		}
	}
	id, err := e.cfg.Backend.Create(ctx, model, vals)
	if err != nil {
		return 0, err
	}
	return id, e.saveStep(ctx, entry, step, id)
}

func (e *Engine) saveStep(ctx context.Context, entry *OutboxEntry, step string, id int64) error {
	if entry.Steps == nil {
		entry.Steps = map[string]int64{}
	}
	entry.Steps[step] = id
	err := e.cfg.Store.Update(ctx, func(tx Tx) error { return tx.PutOutbox(*entry) })
	if err != nil {
		return fmt.Errorf("save outbox step %s of %s: %w", step, entry.Key, err)
	}
	return nil
}

// finish stores the outcome of an execution and the message reporting it.
func (e *Engine) finish(ctx context.Context, t *turn, entry OutboxEntry, res Result, runErr error) (Output, error) {
	st := &t.state
	t.in.EventID = "" // already marked by the first transaction
	t.msgs = nil
	t.buttons = map[string]ButtonRef{}
	audit := AuditEntry{Time: t.now, Key: st.Key, User: t.in.UserID, Intent: st.Draft.Intent,
		Model: res.Model, ID: res.ID, Values: st.Draft.Values, Steps: entry.Steps}
	keepOutbox := false

	if runErr == nil {
		st.Phase = PhaseDone
		st.Result = &res
		st.Failure = ""
		audit.Outcome = "done"
		t.say(Message{Key: MsgDone, Args: resultArgs(st.Draft.Intent, &res), Record: &res})
		if err := e.afterDone(ctx, t, res); err != nil {
			return Output{Lang: st.Lang}, err
		}
	} else {
		be := asBackendError(runErr)
		e.log.Warn("execute action", "key", st.Key, "intent", st.Draft.Intent, "attempt", entry.Attempts, "error", runErr)
		st.Phase = PhaseFailed
		st.Failure = be.Message
		audit.Outcome = "failed"
		audit.Detail = be.Message
		st.Version++
		m := Message{Key: MsgFailed, Args: []string{st.Draft.Intent, be.Message}}
		switch be.Kind {
		case Unavailable:
			m = Message{Key: MsgUnavailable, Args: []string{st.Draft.Intent}}
			keepOutbox = true
		case OutcomeUnknown:
			m = Message{Key: MsgOutcomeUnknown, Args: []string{st.Draft.Intent}}
			keepOutbox = true
		case Misconfigured:
			m = Message{Key: MsgMisconfigured, Args: []string{st.Draft.Intent, be.Message}}
		}
		m.Buttons = []Button{t.button(BtnRetry, "", actRetry, 0)}
		if be.Kind != Misconfigured {
			m.Buttons = append(m.Buttons, t.button(BtnEdit, "", actEdit, 0))
		}
		m.Buttons = append(m.Buttons, t.button(BtnCancel, "", actCancel, 0))
		t.say(m)
	}
	replaceFirst(t.msgs)
	return t.save(ctx, func(tx Tx) error {
		if !keepOutbox {
			if err := tx.DeleteOutbox(entry.Key); err != nil {
				return err
			}
		} else if err := tx.PutOutbox(entry); err != nil {
			return err
		}
		return tx.AppendAudit(audit)
	})
}

// afterDone resumes a suspended draft, linking the partner just created
// when the draft was waiting for it.
func (e *Engine) afterDone(ctx context.Context, t *turn, res Result) error {
	st := &t.state
	if st.Suspended == nil {
		return nil
	}
	d := *st.Suspended
	if st.Draft.Intent == IntentCreateCustomer {
		if in, ok := LookupIntent(d.Intent); ok {
			for _, s := range in.Slots {
				_, linked := d.Refs[s.Name]
				if s.Kind == KindPartner && !linked {
					if d.Refs == nil {
						d.Refs = map[string]Ref{}
					}
					d.Refs[s.Name] = Ref{ID: res.ID, Name: res.Name}
					d.set(s.Name, res.Name)
					t.say(Message{Key: MsgPartnerCreatedTo, Args: []string{res.Name}})
					break
				}
			}
		}
	}
	return e.resume(ctx, t, d)
}

func resultArgs(intent string, r *Result) []string {
	if r == nil {
		return []string{intent, "", ""}
	}
	return []string{intent, r.Name, fmt.Sprint(r.ID)}
}

// Recover finishes actions interrupted by a crash or a shutdown: each
// outbox entry whose conversation is still executing is looked for in the
// backend and written only if it is not there. Entries of failed
// conversations wait for the user's retry.
func (e *Engine) Recover(ctx context.Context) error {
	if err := e.Purge(ctx); err != nil {
		return fmt.Errorf("purge expired ids: %w", err)
	}
	var entries []OutboxEntry
	err := e.cfg.Store.View(ctx, func(tx Tx) error {
		var err error
		entries, err = tx.Outbox()
		return err
	})
	if err != nil {
		return fmt.Errorf("read outbox: %w", err)
	}
	for _, entry := range entries {
		if err := e.recoverEntry(ctx, entry); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) recoverEntry(ctx context.Context, entry OutboxEntry) error {
	unlock := e.locks.lock(entry.Key)
	defer unlock()
	t, err := e.begin(ctx, entry.Key, Input{Key: entry.Key})
	if err != nil {
		return err
	}
	if t.state.Phase != PhaseExecuting || t.state.Version != entry.Version {
		return nil
	}
	t.in.UserID = t.state.Owner
	// The first attempt may have reached the backend before the crash.
	entry.Attempts++
	res, runErr := e.perform(ctx, &entry)
	// TODO(notify): the outcome is stored and logged, and the user sees it
	// on their next message; connectors cannot yet push it unprompted.
	_, err = e.finish(ctx, t, entry, res, runErr)
	e.log.Info("recovered action", "key", entry.Key, "intent", entry.Draft.Intent, "phase", t.state.Phase)
	return err
}

// Purge deletes expired button tokens and event ids. Run it now and then;
// nothing else removes them.
func (e *Engine) Purge(ctx context.Context) error {
	now := e.cfg.Now()
	return e.cfg.Store.Update(ctx, func(tx Tx) error { return tx.Purge(now) })
}
