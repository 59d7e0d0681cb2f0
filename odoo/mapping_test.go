package odoo

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/odoo/odoosim"
)

// testSlotKinds are the slots of the tests and the field types that can
// hold their values.
var testSlotKinds = map[string][]string{
	"title":      {"char"},
	"notes":      {"char", "text", "html"},
	"amount":     {"float", "monetary", "integer"},
	"close_date": {"date"},
	"customer":   {"many2one"},
	"email":      {"char"},
	"phone":      {"char"},
	"company":    {"many2one"},
}

// problemMessages returns the String of each problem.
func problemMessages(problems []Problem) []string {
	messages := make([]string, len(problems))
	for i, p := range problems {
		messages[i] = p.String()
	}
	return messages
}

func TestValidateMappingValid(t *testing.T) {
	f := newSchemaFixture(t)
	ctx := context.Background()
	tests := []FieldMapping{
		{Model: "crm.lead",
			Fields: map[string]string{"title": "name",
				"amount": "expected_revenue", "close_date": "date_deadline",
				"notes": "description", "customer": "partner_id",
				"email": "email_from", "phone": "phone"},
			Fixed: map[string]any{"team_id": 1, "type": "opportunity",
				"priority": "2", "tag_ids": [][]any{{6, 0, []int{3}}},
				"user_id": false, "probability": 20.5, "active": true}},
		{Model: "res.partner",
			Fields: map[string]string{"title": "name", "phone": "phone",
				"email": "email", "company": "parent_id",
				"notes": "comment"},
			Fixed: map[string]any{"company_type": "person",
				"category_id": []int64{}, "lang": "en_US"}},
	}
	for _, m := range tests {
		if problems := f.schema.ValidateMapping(ctx, m,
			testSlotKinds); problems != nil {
			t.Errorf("%s mapping: got problems %q, want none", m.Model,
				problemMessages(problems))
		}
	}
}

func TestValidateMappingReportsEveryProblem(t *testing.T) {
	f := newSchemaFixture(t)
	m := FieldMapping{Model: "crm.lead",
		Fields: map[string]string{
			"amount":   "x_budget",
			"company":  "name",
			"notes":    "email_normalized",
			"customer": "team_id",
			"nickname": "contact_name",
		},
		Fixed: map[string]any{
			"team_id":    "Sales",
			"priority":   "5",
			"x_source":   "chat",
			"won_status": "won",
		},
	}
	got := problemMessages(f.schema.ValidateMapping(context.Background(), m,
		testSlotKinds))
	want := []string{
		`slot "nickname": unknown slot "nickname" (known slots: "amount", ` +
			`"close_date", "company", "customer", "email", "notes", ` +
			`"phone", "title")`,
		`slot "amount": crm.lead has no field "x_budget"`,
		`slot "company": field "name" of crm.lead is char, want many2one`,
		`slot "customer": field "team_id" of crm.lead is both filled ` +
			`from a slot and fixed: remove one of them`,
		`slot "notes": field "email_normalized" of crm.lead is read-only`,
		`fixed value of field "priority" of crm.lead: "5" is not one of ` +
			`the keys "0", "1", "2", "3"`,
		`fixed value of field "team_id" of crm.lead: got the string ` +
			`"Sales", want a record id (a positive integer)`,
		`field "won_status" of crm.lead is read-only`,
		`crm.lead has no field "x_source"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\ngot  %q\nwant %q", got, want)
	}
}

func TestValidatePartnerPhoneType(t *testing.T) {
	f := newSchemaFixture(t)
	problems := f.schema.Validate(context.Background(), "res.partner",
		[]FieldUse{{Field: "country_id", Kinds: []string{"char"}},
			{Field: "phone", Kinds: []string{"char", "text"}}}, nil)
	if len(problems) != 1 {
		t.Fatalf("problems: got %q, want one", problemMessages(problems))
	}
	p := problems[0]
	want := `field "country_id" of res.partner is many2one, want char`
	if p.Message != want {
		t.Errorf("message: got %q, want %q", p.Message, want)
	}
	if p.Field != "country_id" {
		t.Errorf("field: got %q, want country_id", p.Field)
	}
	if p.Err != nil {
		t.Errorf("err: got %v, want nil", p.Err)
	}
}

func TestValidateFixedValues(t *testing.T) {
	f := newSchemaFixture(t)
	tests := []struct {
		name  string
		model string
		field string
		value any
		want  string // "" for no problem
	}{
		{"selection number", "crm.lead", "priority", 2,
			`got the number 2, want one of the keys "0", "1", "2", "3"`},
		{"selection label", "crm.lead", "type", "Opportunity",
			`"Opportunity" is the label of key "opportunity": use the key`},
		{"long selection", "res.partner", "tz", "Mars/Olympus",
			`"Mars/Olympus" is not one of the keys "Africa/Abidjan"`},
		{"monetary string", "crm.lead", "expected_revenue", "lots",
			`got the string "lots", want a number`},
		{"monetary integer", "crm.lead", "expected_revenue", 5000, ""},
		{"date layout", "crm.lead", "date_deadline", "31/01/2026",
			`got "31/01/2026", want a date "YYYY-MM-DD"`},
		{"date", "crm.lead", "date_deadline", "2026-01-31", ""},
		{"boolean string", "crm.lead", "active", "yes",
			`got the string "yes", want true or false`},
		{"boolean false", "crm.lead", "active", false, ""},
		{"many2many not a list", "crm.lead", "tag_ids", 3,
			`got the number 3, want a list of commands such as [[6, 0, [ids]]]`},
		{"many2many bad command", "crm.lead", "tag_ids",
			[]any{[]any{6, 0, 3}}, `item 0: command 6 wants [6, 0, [ids]]`},
		{"many2many ids", "crm.lead", "tag_ids", []int{1, 2}, ""},
		{"many2one float", "crm.lead", "stage_id", 1.5,
			`got the number 1.5, want a record id (a positive integer)`},
		{"required false", "crm.lead", "name", false,
			`field "name" of crm.lead is required, so its fixed value ` +
				`cannot be empty`},
		{"required null", "crm.lead", "type", nil,
			`field "type" of crm.lead is required, so its fixed value ` +
				`cannot be empty`},
		{"optional false", "crm.lead", "partner_id", false, ""},
		{"datetime T", "calendar.event", "start", "2026-01-31T10:00:00",
			`want a UTC datetime "YYYY-MM-DD HH:MM:SS" with a space, not "T"`},
		{"datetime", "calendar.event", "start", "2026-01-31 10:00:00", ""},
		{"not JSON", "crm.lead", "name", make(chan int),
			`fixed value of field "name" of crm.lead: encode as JSON`},
	}
	for _, tt := range tests {
		problems := f.schema.Validate(context.Background(), tt.model, nil,
			map[string]any{tt.field: tt.value})
		if tt.want == "" {
			if problems != nil {
				t.Errorf("%s: got %q, want no problem", tt.name,
					problemMessages(problems))
			}
			continue
		}
		if len(problems) != 1 {
			t.Errorf("%s: got %q, want one problem", tt.name,
				problemMessages(problems))
			continue
		}
		if !strings.Contains(problems[0].Message, tt.want) {
			t.Errorf("%s: got %q, want it to contain %q", tt.name,
				problems[0].Message, tt.want)
		}
		if problems[0].Field != tt.field {
			t.Errorf("%s: got field %q, want %q", tt.name, problems[0].Field,
				tt.field)
		}
	}
}

func TestValidateUses(t *testing.T) {
	f := newSchemaFixture(t)
	tests := []struct {
		name string
		uses []FieldUse
		want []string
	}{
		{"any kind", []FieldUse{{Field: "description"}}, nil},
		{"unknown kind", []FieldUse{{Field: "name", Kinds: []string{"string"}}},
			[]string{`unknown field type "string" (known types: binary, `,
				`field "name" of crm.lead is char, want string`}},
		{"missing name", []FieldUse{{Slot: "notes"}},
			[]string{`slot "notes": missing Odoo field name`}},
		{"field used twice", []FieldUse{
			{Field: "description", Slot: "notes"},
			{Field: "description", Slot: "summary"}},
			[]string{`slot "summary": field "description" of crm.lead is ` +
				`already filled from slot "notes"`}},
		{"field used twice without slots", []FieldUse{
			{Field: "description"}, {Field: "description"}},
			[]string{`field "description" of crm.lead is used more than once`}},
	}
	for _, tt := range tests {
		got := problemMessages(f.schema.Validate(context.Background(),
			"crm.lead", tt.uses, nil))
		if len(got) != len(tt.want) {
			t.Errorf("%s: got %q, want %d problems", tt.name, got, len(tt.want))
			continue
		}
		for i := range got {
			if !strings.HasPrefix(got[i], tt.want[i]) {
				t.Errorf("%s: problem %d: got %q, want it to start with %q",
					tt.name, i, got[i], tt.want[i])
			}
		}
	}
}

func TestValidateUnknownModel(t *testing.T) {
	f := newSchemaFixture(t)
	problems := f.schema.ValidateMapping(context.Background(),
		FieldMapping{Model: "crm.opportunity",
			Fields: map[string]string{"title": "name"}}, testSlotKinds)
	if len(problems) != 1 {
		t.Fatalf("problems: got %q, want one", problemMessages(problems))
	}
	want := `model "crm.opportunity" not found on the server: ` +
		`check the name or install its module`
	if problems[0].Message != want {
		t.Errorf("message: got %q, want %q", problems[0].Message, want)
	}
	if !IsNotFound(problems[0].Err) {
		t.Errorf("err: got %v, want IsNotFound", problems[0].Err)
	}
}

func TestValidateMissingModel(t *testing.T) {
	f := newSchemaFixture(t)
	problems := f.schema.ValidateMapping(context.Background(),
		FieldMapping{Fields: map[string]string{"title": "name"}},
		testSlotKinds)
	if len(problems) != 1 || !strings.HasPrefix(problems[0].Message,
		"missing model") {
		t.Errorf("problems: got %q, want one about the missing model",
			problemMessages(problems))
	}
}

func TestValidateFieldsError(t *testing.T) {
	f := newSchemaFixture(t)
	f.sim.InjectError("crm.lead", "fields_get", odoosim.ErrAccess,
		"You are not allowed to access 'Lead' (crm.lead) records.")
	problems := f.schema.Validate(context.Background(), "crm.lead",
		[]FieldUse{{Field: "name"}}, nil)
	if len(problems) != 1 {
		t.Fatalf("problems: got %q, want one", problemMessages(problems))
	}
	if !IsAccessDenied(problems[0].Err) {
		t.Errorf("err: got %v, want access denied", problems[0].Err)
	}
	if !strings.HasPrefix(problems[0].Message, "read the fields of crm.lead: ") {
		t.Errorf("message: got %q, want it to name the failed read",
			problems[0].Message)
	}
}

func TestCheckValueType(t *testing.T) {
	tests := []struct {
		fieldType string
		value     any
		ok        bool
	}{
		{"char", "x", true},
		{"char", 1, false},
		{"html", "<p>x</p>", true},
		{"integer", 3, true},
		{"integer", 3.5, false},
		{"float", 3.5, true},
		{"many2one", 0, false},
		{"many2one", -4, false},
		{"many2one", 4, true},
		{"reference", "res.partner,7", true},
		{"reference", "res.partner", false},
		{"json", map[string]any{"a": 1}, true},
		{"properties", []any{}, true},
		{"many2many", []any{[]any{4, 7}, []any{3, 8, 0}, []any{5}}, true},
		{"one2many", []any{[]any{0, 0, map[string]any{"name": "x"}}}, true},
		{"one2many", []any{[]any{0, 0, "x"}}, false},
		{"one2many", []any{[]any{1, 9, map[string]any{}}}, true},
		{"many2many", []any{[]any{2}}, false},
		{"many2many", []any{[]any{7, 1}}, false},
		{"many2many", []any{"a"}, false},
		{"datetime", "2026-01-31 10:00", false},
		{"date", "2026-02-30", false},
	}
	for _, tt := range tests {
		wire, err := wireValue(tt.value)
		if err != nil {
			t.Fatalf("%s %v: %v", tt.fieldType, tt.value, err)
		}
		msg := checkValueType(Field{Type: tt.fieldType}, wire)
		if got := msg == ""; got != tt.ok {
			t.Errorf("%s %v: got ok=%t (%q), want ok=%t", tt.fieldType,
				tt.value, got, msg, tt.ok)
		}
	}
}

func TestProblemString(t *testing.T) {
	p := Problem{Field: "x_budget", Message: `crm.lead has no field "x_budget"`}
	if got := p.String(); got != p.Message {
		t.Errorf("without slot: got %q, want %q", got, p.Message)
	}
	p.Slot = "amount"
	want := `slot "amount": crm.lead has no field "x_budget"`
	if got := p.String(); got != want {
		t.Errorf("with slot: got %q, want %q", got, want)
	}
}
