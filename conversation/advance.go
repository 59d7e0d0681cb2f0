package conversation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// maxCandidates bounds the partners offered as buttons, and lookupLimit
// the partners read to pick them from.
const (
	maxCandidates = 5
	lookupLimit   = 50
)

// advance decides the next step of the current draft: resolve a
// reference, ask for a missing slot, or show the preview.
func (e *Engine) advance(ctx context.Context, t *turn) error {
	st := &t.state
	in, ok := LookupIntent(st.Draft.Intent)
	if !ok {
		e.reset(t)
		t.say(Message{Key: MsgHelp})
		return nil
	}
	st.Phase = PhaseCollecting
	st.Pending = ""
	st.Choices = nil

	for _, s := range in.Slots {
		if s.Kind != KindPartner || st.Draft.value(s.Name) == "" {
			continue
		}
		if _, resolved := st.Draft.Refs[s.Name]; !resolved {
			return e.resolve(ctx, t, s)
		}
	}
	for _, s := range in.Slots {
		if s.Required && st.Draft.value(s.Name) == "" {
			e.ask(t, in, s)
			return nil
		}
	}
	for _, s := range in.Slots {
		if s.Ask && st.Draft.value(s.Name) == "" && !st.Draft.asked(s.Name) {
			e.ask(t, in, s)
			return nil
		}
	}
	if in.Name == IntentCreateCustomer {
		e.warnDuplicate(ctx, t, st.Draft.value(SlotName))
	}
	e.preview(t, in)
	return nil
}

// warnDuplicate warns the user when a partner of the same name exists, so
// a customer is not created twice by mistake. A failed lookup is only
// logged, because the preview still shows and Odoo decides on Confirm.
func (e *Engine) warnDuplicate(ctx context.Context, t *turn, name string) {
	found, err := e.cfg.Backend.FindPartners(ctx, name, maxCandidates)
	if err != nil {
		e.log.Warn("look up duplicate partner", "key", t.state.Key, "error", err)
		return
	}
	var same []string
	for _, r := range found {
		if strings.EqualFold(strings.TrimSpace(r.Name), name) {
			same = append(same, "#"+strconv.FormatInt(r.ID, 10))
		}
	}
	if len(same) > 0 {
		t.say(Message{Key: MsgDuplicate, Args: []string{quote(name), strings.Join(same, ", ")}})
	}
}

// ask sends the question for slot s. Optional slots get a Skip button and
// count as asked. Every question starts a new version, so the buttons of
// earlier steps expire.
func (e *Engine) ask(t *turn, in Intent, s Slot) {
	st := &t.state
	st.Phase = PhaseCollecting
	st.Pending = s.Name
	st.Version++
	if s.Required {
		t.say(Message{Key: MsgAsk, Args: []string{in.Name, s.Name},
			Buttons: []Button{t.button(BtnCancel, "", BtnCancel, 0)}})
		return
	}
	if !st.Draft.asked(s.Name) {
		st.Draft.Asked = append(st.Draft.Asked, s.Name)
	}
	t.say(Message{
		Key:     MsgAskOptional,
		Args:    []string{in.Name, s.Name},
		Buttons: []Button{t.button(BtnSkip, "", BtnSkip, 0), t.button(BtnCancel, "", BtnCancel, 0)},
	})
}

// repeatQuestion repeats the pending question, or shows the next step.
func (e *Engine) repeatQuestion(ctx context.Context, t *turn) error {
	st := &t.state
	in, _ := LookupIntent(st.Draft.Intent)
	if s, ok := in.Slot(st.Pending); ok && st.Phase == PhaseCollecting {
		e.ask(t, in, s)
		return nil
	}
	return e.advance(ctx, t)
}

// resolve looks up the partner named in slot s and either links the only
// match or offers a choice.
func (e *Engine) resolve(ctx context.Context, t *turn, s Slot) error {
	st := &t.state
	name := st.Draft.value(s.Name)
	found, err := e.cfg.Backend.FindPartners(ctx, name, lookupLimit)
	if err != nil {
		e.log.Warn("look up partner", "key", st.Key, "error", err)
		st.Pending = s.Name
		var be *BackendError
		if errors.As(err, &be) && be.Kind == Misconfigured {
			t.say(Message{Key: MsgMisconfigured, Args: []string{st.Draft.Intent, be.Message}})
			return nil
		}
		t.say(Message{Key: MsgLookupFailed, Args: []string{name}})
		return nil
	}

	// A contact's display name is "Company, Person": its own name counts
	// for an exact match too, so two people of one name are both offered.
	var exact []Ref
	for _, r := range found {
		own := r.Name
		if i := strings.LastIndex(own, ", "); i >= 0 {
			own = own[i+2:]
		}
		if strings.EqualFold(strings.TrimSpace(r.Name), name) || strings.EqualFold(strings.TrimSpace(own), name) {
			exact = append(exact, r)
		}
	}
	if len(exact) == 1 {
		found = exact
	}
	if len(found) == 1 {
		e.link(st, s.Name, found[0])
		return e.advance(ctx, t)
	}

	st.Phase = PhaseChoosing
	st.Pending = s.Name
	st.Version++
	if len(found) == 0 {
		t.say(Message{
			Key:  MsgNoMatch,
			Args: []string{name},
			Buttons: []Button{
				t.button(BtnCreatePartner, name, BtnCreatePartner, 0),
				t.button(BtnCancel, "", BtnCancel, 0),
			},
		})
		return nil
	}
	total := len(found)
	found = rankCandidates(found, name)
	if len(found) > maxCandidates {
		found = found[:maxCandidates]
	}
	st.Choices = found
	m := Message{Key: MsgChoose, Args: []string{name}}
	if total > len(found) {
		count := strconv.Itoa(total)
		if total >= lookupLimit {
			count += "+"
		}
		m = Message{Key: MsgChooseMore, Args: []string{name, count, strconv.Itoa(len(found))}}
	}
	for i, label := range candidateLabels(found) {
		m.Buttons = append(m.Buttons, t.button(BtnChoose, label, BtnChoose, i))
	}
	m.Buttons = append(m.Buttons,
		t.button(BtnCreatePartner, name, BtnCreatePartner, 0),
		t.button(BtnCancel, "", BtnCancel, 0))
	t.say(m)
	return nil
}

// rankCandidates orders partners by how well their names match name:
// the same name first, then names starting with it, then the rest, each
// group in the backend's order.
func rankCandidates(refs []Ref, name string) []Ref {
	rank := func(r Ref) int {
		own := strings.ToLower(strings.TrimSpace(r.Name))
		want := strings.ToLower(name)
		switch {
		case own == want:
			return 0
		case strings.HasPrefix(own, want):
			return 1
		}
		return 2
	}
	ranked := slices.Clone(refs)
	slices.SortStableFunc(ranked, func(a, b Ref) int { return rank(a) - rank(b) })
	return ranked
}

// candidateLabels names each candidate with its detail, adding the record
// id where two labels would otherwise be the same.
func candidateLabels(refs []Ref) []string {
	labels := make([]string, len(refs))
	count := map[string]int{}
	for i, r := range refs {
		labels[i] = r.Name
		if r.Detail != "" {
			labels[i] += " · " + r.Detail
		}
		count[labels[i]]++
	}
	for i, r := range refs {
		if count[labels[i]] > 1 {
			labels[i] += fmt.Sprintf(" · #%d", r.ID)
		}
	}
	return labels
}

func (e *Engine) link(st *State, slotName string, r Ref) {
	if st.Draft.Refs == nil {
		st.Draft.Refs = map[string]Ref{}
	}
	st.Draft.Refs[slotName] = r
	st.Draft.set(slotName, r.Name)
}

// choose links candidate idx to the pending slot.
func (e *Engine) choose(t *turn, idx int) {
	st := &t.state
	e.link(st, st.Pending, st.Choices[idx])
	st.Choices = nil
	st.Pending = ""
	st.Phase = PhaseCollecting
}

// preview shows the draft with Confirm, Edit and Cancel.
func (e *Engine) preview(t *turn, in Intent) {
	st := &t.state
	st.Phase = PhaseConfirming
	st.Pending = ""
	st.Version++
	m := Message{Key: MsgPreview, Args: []string{in.Name}}
	for _, s := range in.Slots {
		v := display(s, st.Draft)
		switch {
		case v != "":
			m.Fields = append(m.Fields, Field{Slot: s.Name, Value: v})
		case s.Required || s.Ask:
			m.Fields = append(m.Fields, Field{Slot: s.Name, Empty: true})
		}
	}
	m.Buttons = []Button{
		t.button(BtnConfirm, "", BtnConfirm, 0),
		t.button(BtnEdit, "", BtnEdit, 0),
		t.button(BtnCancel, "", BtnCancel, 0),
	}
	t.say(m)
}

// resume continues a suspended draft.
func (e *Engine) resume(ctx context.Context, t *turn, d Draft) error {
	st := &t.state
	st.Draft = d
	st.Suspended = nil
	st.Phase = PhaseCollecting
	t.say(Message{Key: MsgResumed, Args: []string{d.Intent, d.label()}})
	return e.advance(ctx, t)
}
