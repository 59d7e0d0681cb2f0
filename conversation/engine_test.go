package conversation

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// keywordUnderstander is a minimal Understander for engine tests: "new
// customer X" and "new opportunity for X" start intents; anything else
// answers the pending question.
type keywordUnderstander struct{}

func (keywordUnderstander) Understand(_ context.Context, req UnderstandRequest) (Understanding, error) {
	switch {
	case strings.HasPrefix(req.Text, "new customer"):
		name := strings.TrimSpace(strings.TrimPrefix(req.Text, "new customer"))
		u := Understanding{Intent: IntentCreateCustomer}
		if name != "" {
			u.Values = map[string]string{SlotName: name}
		}
		return u, nil
	case strings.HasPrefix(req.Text, "new opportunity for "):
		return Understanding{Intent: IntentCreateOpportunity,
			Values: map[string]string{SlotPartner: strings.TrimPrefix(req.Text, "new opportunity for ")}}, nil
	case strings.HasPrefix(req.Text, "phone "):
		return Understanding{Values: map[string]string{SlotPhone: strings.TrimPrefix(req.Text, "phone ")}}, nil
	case req.Text == "garbage":
		return Understanding{}, errors.New("llm returned garbage")
	case req.Text == "llm down, new customer Fallback":
		return Understanding{Intent: IntentCreateCustomer, Values: map[string]string{SlotName: "Fallback"}},
			errors.New("llm unavailable")
	}
	return Understanding{}, nil
}

// memBackend is an in-memory Backend that can fail on demand.
type memBackend struct {
	mu       sync.Mutex
	records  map[string][]map[string]any
	partners []Ref
	// failNext is returned by the next Create; lose makes the next Create
	// write the record and then report an unknown outcome.
	failNext error
	lose     bool
	creates  int
}

func newMemBackend() *memBackend { return &memBackend{records: map[string][]map[string]any{}} }

func (b *memBackend) Create(_ context.Context, model string, vals map[string]any) (int64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.creates++
	if err := b.failNext; err != nil {
		b.failNext = nil
		return 0, err
	}
	rec := map[string]any{"id": int64(len(b.records[model]) + 1)}
	for k, v := range vals {
		rec[k] = v
	}
	b.records[model] = append(b.records[model], rec)
	if b.lose {
		b.lose = false
		return 0, &BackendError{Kind: OutcomeUnknown, Message: "connection reset"}
	}
	return rec["id"].(int64), nil
}

func (b *memBackend) FindPartners(_ context.Context, name string, limit int) ([]Ref, error) {
	var out []Ref
	for _, p := range b.partners {
		if strings.Contains(strings.ToLower(p.Name), strings.ToLower(name)) {
			out = append(out, p)
		}
	}
	return out, nil
}

func (b *memBackend) FindRecord(_ context.Context, model string, match map[string]any) (int64, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	recs := b.records[model]
	for i := len(recs) - 1; i >= 0; i-- {
		ok := true
		for k, v := range match {
			if recs[i][k] != v {
				ok = false
			}
		}
		if ok {
			return recs[i]["id"].(int64), true, nil
		}
	}
	return 0, false, nil
}

func (b *memBackend) RecordURL(model string, id int64) string {
	return "http://odoo.test/odoo/" + model
}

func (b *memBackend) count(model string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.records[model])
}

type harness struct {
	t       *testing.T
	engine  *Engine
	backend *memBackend
	store   *BoltStore
	path    string
	last    Output
	events  int
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, backend: newMemBackend(), path: filepath.Join(t.TempDir(), "state.db")}
	h.open()
	t.Cleanup(func() { h.store.Close() })
	return h
}

func (h *harness) open() {
	h.t.Helper()
	h.store = openTestStore(h.t, h.path)
	e, err := NewEngine(Config{Store: h.store, Backend: h.backend, Understander: keywordUnderstander{}, Region: "US"})
	if err != nil {
		h.t.Fatal(err)
	}
	h.engine = e
}

func (h *harness) restart() {
	h.t.Helper()
	if err := h.store.Close(); err != nil {
		h.t.Fatal(err)
	}
	h.open()
}

func (h *harness) send(user, text string) Output {
	h.events++
	h.last = h.engine.Handle(context.Background(), Input{Key: "chat:" + user, UserID: user, Text: text,
		EventID: "ev" + time.Now().Format("150405.000000000")})
	return h.last
}

func (h *harness) click(user string, label string) Output {
	h.t.Helper()
	token := h.token(label)
	h.last = h.engine.Handle(context.Background(), Input{Key: "chat:" + user, UserID: user, Action: token})
	return h.last
}

// token finds the button labelled label in the last output.
func (h *harness) token(label string) string {
	h.t.Helper()
	for _, m := range h.last.Messages {
		for _, b := range m.Buttons {
			if b.Key == label {
				return b.Token
			}
		}
	}
	h.t.Fatalf("no %q button in %+v", label, h.last.Messages)
	return ""
}

func keys(out Output) []string {
	var ks []string
	for _, m := range out.Messages {
		ks = append(ks, m.Key)
	}
	return ks
}

func wantKeys(t *testing.T, out Output, want ...string) {
	t.Helper()
	got := keys(out)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("message keys = %v, want %v", got, want)
	}
}

func TestEngineCustomerOverTurns(t *testing.T) {
	h := newHarness(t)
	wantKeys(t, h.send("u", "new customer"), MsgAsk)
	wantKeys(t, h.send("u", "Acme Robotics"), MsgAskOptional)
	wantKeys(t, h.send("u", "not a phone"), MsgInvalid, MsgAskOptional)
	wantKeys(t, h.send("u", "+1 415 555 0100"), MsgAskOptional)
	wantKeys(t, h.send("u", "skip"), MsgPreview)

	preview := h.last.Messages[0]
	var fields []string
	for _, f := range preview.Fields {
		fields = append(fields, f.Slot+"="+f.Value)
	}
	if got := strings.Join(fields, ";"); got != "name=Acme Robotics;phone=+1 415-555-0100;email=" {
		t.Errorf("preview fields = %q", got)
	}
	wantKeys(t, h.click("u", BtnConfirm), MsgDone)
	if !h.last.Messages[0].ReplaceSource {
		t.Error("done message does not replace the preview")
	}
	if n := h.backend.count("res.partner"); n != 1 {
		t.Errorf("partners created = %d, want 1", n)
	}
}

func TestEngineDoubleConfirmWritesOnce(t *testing.T) {
	h := newHarness(t)
	h.send("u", "new customer Acme")
	h.send("u", "skip")
	h.send("u", "skip")
	token := h.token(BtnConfirm)

	var wg sync.WaitGroup
	outs := make([]Output, 4)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i] = h.engine.Handle(context.Background(), Input{Key: "chat:u", UserID: "u", Action: token})
		}()
	}
	wg.Wait()
	done := 0
	for _, o := range outs {
		if len(o.Messages) > 0 && o.Messages[0].Key == MsgDone {
			done++
		}
	}
	if done != 1 {
		t.Errorf("%d clicks answered done, want 1", done)
	}
	if n := h.backend.count("res.partner"); n != 1 {
		t.Errorf("partners created = %d, want 1", n)
	}
}

func TestEngineRedeliveredEventIgnored(t *testing.T) {
	h := newHarness(t)
	in := Input{Key: "chat:u", UserID: "u", Text: "new customer", EventID: "telegram/1"}
	first := h.engine.Handle(context.Background(), in)
	wantKeys(t, first, MsgAsk)
	again := h.engine.Handle(context.Background(), in)
	wantKeys(t, again)
}

func TestEngineRestartMidConversation(t *testing.T) {
	h := newHarness(t)
	h.send("u", "new customer Acme")
	h.restart()
	wantKeys(t, h.send("u", "+1 415 555 0100"), MsgAskOptional)
	h.send("u", "skip")
	h.restart()
	wantKeys(t, h.click("u", BtnConfirm), MsgDone)
}

func TestEngineOldPreviewExpires(t *testing.T) {
	h := newHarness(t)
	h.send("u", "new customer Acme")
	h.send("u", "skip")
	h.send("u", "skip")
	old := h.token(BtnConfirm)
	wantKeys(t, h.send("u", "phone +1 415 555 0100"), MsgPreview)

	out := h.engine.Handle(context.Background(), Input{Key: "chat:u", UserID: "u", Action: old})
	wantKeys(t, out, MsgExpired)
	out = h.engine.Handle(context.Background(), Input{Key: "chat:u", UserID: "u", Action: "no-such-token"})
	wantKeys(t, out, MsgExpired)
	if n := h.backend.count("res.partner"); n != 0 {
		t.Errorf("partners created = %d, want 0", n)
	}
}

func TestEngineForeignClickRejected(t *testing.T) {
	h := newHarness(t)
	h.send("owner", "new customer Acme")
	h.send("owner", "skip")
	h.send("owner", "skip")
	token := h.token(BtnConfirm)
	out := h.engine.Handle(context.Background(), Input{Key: "chat:other", UserID: "other", Action: token})
	wantKeys(t, out, MsgNotOwner)
	if n := h.backend.count("res.partner"); n != 0 {
		t.Errorf("partners created = %d, want 0", n)
	}
}

func TestEngineRejectedThenFixed(t *testing.T) {
	h := newHarness(t)
	h.send("u", "new customer Acme")
	h.send("u", "skip")
	h.send("u", "skip")
	h.backend.failNext = &BackendError{Kind: Rejected, Message: "Contacts require a name"}
	out := h.click("u", BtnConfirm)
	wantKeys(t, out, MsgFailed)
	if got := out.Messages[0].Args[1]; got != "Contacts require a name" {
		t.Errorf("failure reason = %q", got)
	}
	wantKeys(t, h.click("u", BtnRetry), MsgDone)
	if n := h.backend.count("res.partner"); n != 1 {
		t.Errorf("partners created = %d, want 1", n)
	}
}

func TestEngineUnknownOutcomeNotWrittenTwice(t *testing.T) {
	h := newHarness(t)
	h.send("u", "new customer Acme")
	h.send("u", "skip")
	h.send("u", "skip")
	h.backend.lose = true
	wantKeys(t, h.click("u", BtnConfirm), MsgOutcomeUnknown)
	wantKeys(t, h.click("u", BtnRetry), MsgDone)
	if n := h.backend.count("res.partner"); n != 1 {
		t.Errorf("partners = %d after a lost response and a retry, want 1", n)
	}
	if h.backend.creates != 1 {
		t.Errorf("Create calls = %d, want 1 (the retry must find the record)", h.backend.creates)
	}
}

func TestEngineRecoverAfterCrash(t *testing.T) {
	h := newHarness(t)
	h.send("u", "new customer Acme")
	h.send("u", "skip")
	h.send("u", "skip")
	// Simulate a crash after the confirm transaction: executing state and
	// an outbox entry, but no record yet.
	ctx := context.Background()
	err := h.store.Update(ctx, func(tx Tx) error {
		st, _, err := tx.State("chat:u")
		if err != nil {
			return err
		}
		st.Phase = PhaseExecuting
		if err := tx.PutState(st); err != nil {
			return err
		}
		return tx.PutOutbox(OutboxEntry{Key: st.Key, Version: st.Version, Draft: st.Draft, Attempts: 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	h.restart()
	if err := h.engine.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	if n := h.backend.count("res.partner"); n != 1 {
		t.Fatalf("partners after recovery = %d, want 1", n)
	}
	if err := h.engine.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	if n := h.backend.count("res.partner"); n != 1 {
		t.Errorf("partners after a second recovery = %d, want 1", n)
	}
}

func TestEngineInvalidValueNamed(t *testing.T) {
	h := newHarness(t)
	h.send("u", "new customer Acme")
	out := h.send("u", "phone 12")
	wantKeys(t, out, MsgInvalid, MsgAskOptional)
	if got := out.Messages[0].Args; len(got) != 2 || got[0] != "phone" || got[1] != "12" {
		t.Errorf("invalid args = %v, want [phone 12]", got)
	}
}

func TestEngineCancelAnywhere(t *testing.T) {
	h := newHarness(t)
	wantKeys(t, h.send("u", "取消"), MsgNothingToCancel)
	h.send("u", "new customer")
	wantKeys(t, h.send("u", "/cancel"), MsgCancelled)
	wantKeys(t, h.send("u", "Acme"), MsgNotUnderstood)
}

func TestEngineOpportunityChoosesPartner(t *testing.T) {
	h := newHarness(t)
	h.backend.partners = []Ref{{ID: 3, Name: "Acme Corp"}, {ID: 4, Name: "Acme Robotics"}}
	out := h.send("u", "new opportunity for Acme")
	wantKeys(t, out, MsgChoose)
	if got := len(out.Messages[0].Buttons); got != 4 {
		t.Errorf("choice buttons = %d, want 2 partners + create + cancel", got)
	}
	h.last.Messages[0].Buttons = h.last.Messages[0].Buttons[1:] // pick the second partner
	wantKeys(t, h.click("u", BtnChoose), MsgAsk)
	wantKeys(t, h.send("u", "Fleet deal"), MsgAskOptional)
	wantKeys(t, h.send("u", "50k"), MsgPreview)
	wantKeys(t, h.click("u", BtnConfirm), MsgDone)
	lead := h.backend.records["crm.lead"][0]
	if lead["partner_id"] != int64(4) || lead["expected_revenue"] != 50000.0 || lead["type"] != "opportunity" {
		t.Errorf("lead = %v, want partner 4, revenue 50000, type opportunity", lead)
	}
}

func TestEngineCreatesMissingPartnerThenResumes(t *testing.T) {
	h := newHarness(t)
	wantKeys(t, h.send("u", "new opportunity for Nova"), MsgNoMatch)
	wantKeys(t, h.click("u", BtnCreatePartner), MsgSwitched, MsgAskOptional)
	h.send("u", "skip")
	wantKeys(t, h.send("u", "skip"), MsgPreview)
	wantKeys(t, h.click("u", BtnConfirm), MsgDone, MsgPartnerCreatedTo, MsgResumed, MsgAsk)
	h.send("u", "Pilot")
	h.send("u", "skip")
	wantKeys(t, h.click("u", BtnConfirm), MsgDone)
	lead := h.backend.records["crm.lead"][0]
	if lead["partner_id"] != int64(1) {
		t.Errorf("lead partner_id = %v, want the new partner 1", lead["partner_id"])
	}
}

func TestEngineUnderstandErrorAsksToRephrase(t *testing.T) {
	h := newHarness(t)
	wantKeys(t, h.send("u", "garbage"), MsgRephrase)
}

func TestEngineUnderstandErrorUsesFallback(t *testing.T) {
	h := newHarness(t)
	wantKeys(t, h.send("u", "llm down, new customer Fallback"), MsgAskOptional)
}

func TestEngineOldQuestionButtonsExpire(t *testing.T) {
	h := newHarness(t)
	h.send("u", "new customer Foo")
	oldCancel := h.token(BtnCancel)
	wantKeys(t, h.send("u", "new opportunity for Acme"), MsgSwitched, MsgNoMatch)
	out := h.engine.Handle(context.Background(), Input{Key: "chat:u", UserID: "u", Action: oldCancel})
	wantKeys(t, out, MsgExpired)
}

func TestEngineSkipAfterInvalidValue(t *testing.T) {
	h := newHarness(t)
	h.send("u", "new customer Foo")
	wantKeys(t, h.send("u", "phone 12"), MsgInvalid, MsgAskOptional)
	wantKeys(t, h.click("u", BtnSkip), MsgAskOptional)
	if got := h.last.Messages[0].Args[1]; got != SlotEmail {
		t.Errorf("question after skipping the phone = %q, want email", got)
	}
	wantKeys(t, h.send("u", "skip"), MsgPreview)
}

func TestEngineResumeAsksUnansweredQuestion(t *testing.T) {
	h := newHarness(t)
	h.backend.partners = []Ref{{ID: 3, Name: "Acme"}}
	h.send("u", "new customer Zeta") // asks for the phone
	h.send("u", "new opportunity for Acme")
	h.send("u", "Chairs")
	h.send("u", "skip")
	out := h.click("u", BtnConfirm)
	wantKeys(t, out, MsgDone, MsgResumed, MsgAskOptional)
	if got := out.Messages[2].Args[1]; got != SlotPhone {
		t.Errorf("question after resuming = %q, want the unanswered phone", got)
	}
}

func TestEngineSameIntentStartsAnother(t *testing.T) {
	h := newHarness(t)
	h.send("u", "new customer Omega")
	wantKeys(t, h.send("u", "new customer Sigma"), MsgSwitched, MsgAskOptional)
	h.send("u", "skip")
	h.send("u", "skip")
	wantKeys(t, h.click("u", BtnConfirm), MsgDone, MsgResumed, MsgAskOptional)
	h.send("u", "skip")
	h.send("u", "skip")
	wantKeys(t, h.click("u", BtnConfirm), MsgDone)
	var names []string
	for _, r := range h.backend.records["res.partner"] {
		names = append(names, r["name"].(string))
	}
	if strings.Join(names, ",") != "Sigma,Omega" {
		t.Errorf("partners = %v, want Sigma then Omega", names)
	}
}

func TestEngineTypedConfirmations(t *testing.T) {
	h := newHarness(t)
	wantKeys(t, h.send("u", "new opportunity for Nova"), MsgNoMatch)
	wantKeys(t, h.send("u", "yes"), MsgSwitched, MsgAskOptional)
	h.send("u", "skip")
	h.send("u", "skip")
	wantKeys(t, h.send("u", "确认"), MsgDone, MsgPartnerCreatedTo, MsgResumed, MsgAsk)
	if n := h.backend.count("res.partner"); n != 1 {
		t.Errorf("partners = %d, want 1", n)
	}
	if name := h.backend.records["res.partner"][0]["name"]; name != "Nova" {
		t.Errorf("partner name = %v, want Nova", name)
	}
}

func TestEngineRepliesQuoteWholeValue(t *testing.T) {
	h := newHarness(t)
	h.send("u", "new customer Foo")
	long := strings.Repeat("x", 5000)
	out := h.send("u", "phone "+long)
	wantKeys(t, out, MsgInvalid, MsgAskOptional)
	if n := len([]rune(out.Messages[0].Args[1])); n > maxQuoteLen {
		t.Errorf("quoted value is %d characters, want at most %d", n, maxQuoteLen)
	}
}

func TestEngineNameNeedsLetters(t *testing.T) {
	h := newHarness(t)
	h.send("u", "new customer")
	wantKeys(t, h.send("u", "😀🎉!!"), MsgInvalid, MsgAsk)
	wantKeys(t, h.send("u", "3M"), MsgAskOptional)
}

func TestEngineDuplicateCandidatesTold(t *testing.T) {
	h := newHarness(t)
	h.backend.partners = []Ref{{ID: 10, Name: "Acme Corp", Detail: "info@acme.example"},
		{ID: 14, Name: "Acme Corp", Detail: "info@acme.example"}, {ID: 15, Name: "Acme Ltd"}}
	out := h.send("u", "new opportunity for Acme")
	var labels []string
	for _, b := range out.Messages[0].Buttons[:3] {
		labels = append(labels, b.Arg)
	}
	want := "Acme Corp · info@acme.example · #10,Acme Corp · info@acme.example · #14,Acme Ltd"
	if got := strings.Join(labels, ","); got != want {
		t.Errorf("labels = %q, want %q", got, want)
	}
}

func TestEngineLanguageFollowsRequests(t *testing.T) {
	h := newHarness(t)
	send := func(text, lang string) Output {
		return h.engine.Handle(context.Background(), Input{Key: "chat:u", UserID: "u", Text: text, Lang: lang})
	}
	if out := send("取消", "zh"); out.Lang != "zh" {
		t.Errorf("lang after 取消 = %q, want zh", out.Lang)
	}
	if out := send("new customer", "en"); out.Lang != "en" {
		t.Errorf("lang after new customer = %q, want en", out.Lang)
	}
	if out := send("星河科技", "zh"); out.Lang != "en" {
		t.Errorf("lang after a Chinese name in an English conversation = %q, want en", out.Lang)
	}
}

func TestOnlyLabelsAround(t *testing.T) {
	tests := []struct {
		text, value string
		want        bool
	}{
		{"phone: +1 415 555 0100", "+1 415 555 0100", true},
		{"电话是 13800138000。", "13800138000", true},
		{"-5", "5", false},
		{"50%", "50", false},
		{"not-an-email", "not-an", false},
		{"about 50k", "50k", true},
		{"50k", "60k", false},
	}
	for _, tt := range tests {
		if got := onlyLabelsAround(tt.text, tt.value); got != tt.want {
			t.Errorf("onlyLabelsAround(%q, %q) = %v, want %v", tt.text, tt.value, got, tt.want)
		}
	}
}

func TestEngineEditAfterDoneNotReopened(t *testing.T) {
	h := newHarness(t)
	h.send("u", "new customer Acme")
	h.send("u", "skip")
	h.send("u", "skip")
	edit := h.token(BtnEdit)
	cancel := h.token(BtnCancel)
	wantKeys(t, h.click("u", BtnConfirm), MsgDone)

	for _, token := range []string{edit, cancel} {
		out := h.engine.Handle(context.Background(), Input{Key: "chat:u", UserID: "u", Action: token})
		wantKeys(t, out, MsgExpired)
	}
	var st State
	h.store.View(context.Background(), func(tx Tx) error { st, _, _ = tx.State("chat:u"); return nil })
	if st.Phase != PhaseDone {
		t.Errorf("phase after old Edit and Cancel = %s, want done", st.Phase)
	}
}

func TestEngineRefusedClickAnsweredOnce(t *testing.T) {
	h := newHarness(t)
	in := Input{Key: "chat:u", UserID: "u", Action: "no-such-token", EventID: "test/callback-1"}
	wantKeys(t, h.engine.Handle(context.Background(), in), MsgExpired)
	wantKeys(t, h.engine.Handle(context.Background(), in))
}

func TestEngineSameNamedContactsOffered(t *testing.T) {
	h := newHarness(t)
	h.backend.partners = []Ref{{ID: 12, Name: "王芳"}, {ID: 13, Name: "Acme Corporation, 王芳"}}
	out := h.send("u", "new opportunity for 王芳")
	wantKeys(t, out, MsgChoose)
}

func TestEngineConfirmWordIsNoName(t *testing.T) {
	h := newHarness(t)
	h.send("u", "new customer")
	wantKeys(t, h.send("u", "yes"), MsgNotUnderstood, MsgAsk)
}

func TestEngineWarnsOfSameNameCustomer(t *testing.T) {
	h := newHarness(t)
	h.backend.partners = []Ref{{ID: 10, Name: "Acme Corporation"}}
	h.send("u", "new customer acme corporation")
	h.send("u", "skip")
	out := h.send("u", "skip")
	wantKeys(t, out, MsgDuplicate, MsgPreview)
	if got := out.Messages[0].Args[1]; got != "#10" {
		t.Errorf("duplicate ids = %q, want #10", got)
	}
}

func TestEngineManyMatchesRankedAndCounted(t *testing.T) {
	h := newHarness(t)
	for i := range 8 {
		h.backend.partners = append(h.backend.partners, Ref{ID: int64(20 + i), Name: fmt.Sprintf("Big Acme Branch %d", i)})
	}
	h.backend.partners = append(h.backend.partners, Ref{ID: 10, Name: "Acme"}, Ref{ID: 11, Name: "Acme Robotics"}, Ref{ID: 12, Name: "Acme"})
	out := h.send("u", "new opportunity for Acme")
	wantKeys(t, out, MsgChooseMore)
	if got := out.Messages[0].Args[1:]; strings.Join(got, ",") != "11,5" {
		t.Errorf("counts = %v, want 11 matches, 5 shown", got)
	}
	var first []string
	for _, b := range out.Messages[0].Buttons[:3] {
		first = append(first, b.Arg)
	}
	if got := strings.Join(first, ","); got != "Acme · #10,Acme · #12,Acme Robotics" {
		t.Errorf("first choices = %q, want the exact names, then the prefix match", got)
	}
}

func TestEngineEditBackToPreview(t *testing.T) {
	h := newHarness(t)
	h.send("u", "new customer Acme")
	h.send("u", "skip")
	h.send("u", "skip")
	wantKeys(t, h.click("u", BtnEdit), MsgEditWhich)
	wantKeys(t, h.click("u", BtnBack), MsgPreview)
	wantKeys(t, h.click("u", BtnConfirm), MsgDone)
}

func TestEngineControlCharactersStripped(t *testing.T) {
	h := newHarness(t)
	h.send("u", "new customer")
	h.send("u", "\x1b[31mRed\x07 Ltd")
	h.send("u", "skip")
	out := h.send("u", "skip")
	if got := out.Messages[0].Fields[0].Value; got != "Red Ltd" {
		t.Errorf("name = %q, want the control characters removed", got)
	}
}
