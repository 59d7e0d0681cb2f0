package conversation

import (
	"strings"
	"testing"
)

func TestApplyMapping(t *testing.T) {
	mapped, err := ApplyMapping(map[string]IntentMapping{
		IntentCreateOpportunity: {
			Fields: map[string]string{SlotAmount: "x_budget"},
			Fixed:  map[string]any{"team_id": 1},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var opp Intent
	for _, in := range mapped {
		if in.Name == IntentCreateOpportunity {
			opp = in
		}
	}
	s, _ := opp.Slot(SlotAmount)
	if s.Field != "x_budget" {
		t.Errorf("amount field = %q, want x_budget", s.Field)
	}
	if opp.Fixed["team_id"] != 1 || opp.Fixed["type"] != "opportunity" {
		t.Errorf("fixed = %v, want team_id added to type", opp.Fixed)
	}
	declared, _ := LookupIntent(IntentCreateOpportunity)
	if s, _ := declared.Slot(SlotAmount); s.Field != "expected_revenue" {
		t.Errorf("declared intent changed: amount field = %q", s.Field)
	}
	if _, ok := declared.Fixed["team_id"]; ok {
		t.Error("declared intent's fixed values changed")
	}
}

func TestApplyMappingRejectsUnknownNames(t *testing.T) {
	tests := []struct {
		m    map[string]IntentMapping
		want string
	}{
		{map[string]IntentMapping{"create_deal": {}}, `unknown intent "create_deal"`},
		{map[string]IntentMapping{IntentCreateCustomer: {Fields: map[string]string{"mobile": "mobile"}}}, `no slot "mobile"`},
		{map[string]IntentMapping{IntentCreateCustomer: {Fields: map[string]string{SlotPhone: ""}}}, "empty field name"},
	}
	for _, tt := range tests {
		_, err := ApplyMapping(tt.m)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ApplyMapping(%v) = %v, want an error containing %q", tt.m, err, tt.want)
		}
	}
}

func TestEngineWritesMappedFields(t *testing.T) {
	h := newHarness(t)
	e, err := NewEngine(Config{Store: h.store, Backend: h.backend, Understander: keywordUnderstander{},
		Mapping: map[string]IntentMapping{IntentCreateCustomer: {
			Fields: map[string]string{SlotPhone: "x_phone"},
			Fixed:  map[string]any{"category_id": []any{[]any{6, 0, []any{3}}}},
		}}})
	if err != nil {
		t.Fatal(err)
	}
	h.engine = e
	h.send("u", "new customer Mapped Ltd")
	h.send("u", "+1 415 555 0100")
	h.send("u", "skip")
	wantKeys(t, h.click("u", BtnConfirm), MsgDone)
	rec := h.backend.records["res.partner"][0]
	if rec["x_phone"] != "+1 415-555-0100" || rec["phone"] != nil {
		t.Errorf("record = %v, want the phone in x_phone only", rec)
	}
	if rec["category_id"] == nil {
		t.Errorf("record = %v, want the fixed category_id", rec)
	}
}
