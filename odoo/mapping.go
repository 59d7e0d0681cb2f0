package odoo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// FieldMapping maps each value that the assistant collects to a field of
// Model, and lists the values that every record written through it gets.
type FieldMapping struct {
	// Model is the Odoo model written to, e.g. "crm.lead".
	Model string
	// Fields maps an assistant slot to an Odoo field, e.g. "amount" to
	// "expected_revenue" or to a custom "x_budget".
	Fields map[string]string
	// Fixed contains values written to every record as they are sent to
	// Odoo, e.g. "team_id": 1 or "tag_ids": [][]any{{6, 0, []int{3}}}.
	Fixed map[string]any
}

// FieldUse is one field that the assistant writes, with the Odoo field
// types that can hold its value.
type FieldUse struct {
	// Field is the Odoo field name.
	Field string
	// Kinds are the compatible field types, e.g. char, text and html for
	// free text, or float, monetary and integer for an amount. Empty
	// means any type.
	Kinds []string
	// Slot is the assistant slot that fills the field, or "". It only
	// labels problems.
	Slot string
}

// Problem is one reason why a mapping cannot be used as it is.
type Problem struct {
	// Field is the Odoo field concerned, or "" for the model.
	Field string
	// Slot is the assistant slot concerned, or "".
	Slot string
	// Message describes the problem and names the model and the field,
	// e.g. `crm.lead has no field "x_budget"`.
	Message string
	// Err is the failure that stopped the validation, such as a network
	// error, or nil for a problem of the mapping itself.
	Err error
}

// String returns the message, after the slot when there is one.
func (p Problem) String() string {
	if p.Slot != "" {
		return fmt.Sprintf("slot %q: %s", p.Slot, p.Message)
	}
	return p.Message
}

// fieldTypes are the field types that Odoo 19 defines, as fields_get
// reports them. Image fields report "binary".
var fieldTypes = []string{"binary", "boolean", "char", "date", "datetime",
	"float", "html", "integer", "json", "many2many", "many2one",
	"many2one_reference", "monetary", "one2many", "properties",
	"properties_definition", "reference", "selection", "text"}

// ValidateMapping checks m against the fields of m.Model. slotKinds gives
// the compatible field types of each slot the assistant fills. A slot of
// m that is missing from slotKinds is a problem, because the assistant
// would never fill it. It returns every problem found, or nil.
func (s *Schema) ValidateMapping(ctx context.Context, m FieldMapping,
	slotKinds map[string][]string) []Problem {
	if m.Model == "" {
		return []Problem{{Message: "missing model: set the Odoo model " +
			"the mapping writes to, e.g. crm.lead"}}
	}

	var problems []Problem
	uses := make([]FieldUse, 0, len(m.Fields))
	for _, slot := range slices.Sorted(maps.Keys(m.Fields)) {
		kinds, ok := slotKinds[slot]
		if !ok {
			problems = append(problems, Problem{Field: m.Fields[slot],
				Slot: slot, Message: fmt.Sprintf("unknown slot %q "+
					"(known slots: %s)", slot, quotedList(
					slices.Sorted(maps.Keys(slotKinds))))})
		}
		uses = append(uses, FieldUse{Field: m.Fields[slot], Kinds: kinds,
			Slot: slot})
	}
	return append(problems, s.Validate(ctx, m.Model, uses, m.Fixed)...)
}

// Validate checks that model has each field of uses, writable and of one
// of the use's kinds. It also checks that each fixed value goes to a
// writable field, has the JSON type of that field, is a key of a
// selection, and is not false for a required field. A field that is both
// used and fixed is a problem too, because the two values would compete.
//
// It returns every problem found, in the order of uses and then of the
// fixed field names, or nil. When the fields of model cannot be read, it
// returns one problem whose Err is the failure.
func (s *Schema) Validate(ctx context.Context, model string,
	uses []FieldUse, fixed map[string]any) []Problem {
	fields, err := s.Fields(ctx, model)
	if err != nil {
		return []Problem{modelProblem(model, err)}
	}

	var problems []Problem
	usedBy := map[string]string{}
	for _, use := range uses {
		problems = append(problems, checkUse(model, fields, use, fixed)...)
		previous, ok := usedBy[use.Field]
		if !ok || use.Field == "" {
			usedBy[use.Field] = use.Slot
			continue
		}
		message := fmt.Sprintf("field %q of %s is used more than once",
			use.Field, model)
		if previous != "" {
			message = fmt.Sprintf("field %q of %s is already filled from "+
				"slot %q", use.Field, model, previous)
		}
		problems = append(problems, Problem{Field: use.Field, Slot: use.Slot,
			Message: message})
	}

	for _, name := range slices.Sorted(maps.Keys(fixed)) {
		problems = append(problems, checkFixed(model, fields, name,
			fixed[name])...)
	}
	return problems
}

// modelProblem reports why the fields of model could not be read.
func modelProblem(model string, err error) Problem {
	if IsNotFound(err) {
		return Problem{Err: err, Message: fmt.Sprintf("model %q not "+
			"found on the server: check the name or install its module",
			model)}
	}
	return Problem{Err: err, Message: fmt.Sprintf("read the fields of "+
		"%s: %v", model, err)}
}

// checkUse returns the problems of one field use.
func checkUse(model string, fields map[string]Field, use FieldUse,
	fixed map[string]any) []Problem {
	problem := func(format string, args ...any) Problem {
		return Problem{Field: use.Field, Slot: use.Slot,
			Message: fmt.Sprintf(format, args...)}
	}
	if use.Field == "" {
		return []Problem{problem("missing Odoo field name")}
	}

	var problems []Problem
	for _, kind := range use.Kinds {
		if !slices.Contains(fieldTypes, kind) {
			problems = append(problems, problem("unknown field type %q "+
				"(known types: %s)", kind, strings.Join(fieldTypes, ", ")))
		}
	}
	f, ok := fields[use.Field]
	if !ok {
		return append(problems, problem("%s has no field %q", model,
			use.Field))
	}

	if len(use.Kinds) > 0 && !slices.Contains(use.Kinds, f.Type) {
		problems = append(problems, problem("field %q of %s is %s, want %s",
			use.Field, model, f.Type, orList(use.Kinds)))
	}
	if f.Readonly {
		problems = append(problems, problem("field %q of %s is read-only",
			use.Field, model))
	}
	if _, ok := fixed[use.Field]; ok {
		problems = append(problems, problem("field %q of %s is both "+
			"filled from a slot and fixed: remove one of them",
			use.Field, model))
	}
	return problems
}

// checkFixed returns the problems of one fixed value.
func checkFixed(model string, fields map[string]Field, name string,
	value any) []Problem {
	problem := func(format string, args ...any) Problem {
		return Problem{Field: name, Message: fmt.Sprintf(format, args...)}
	}
	f, ok := fields[name]
	if !ok {
		return []Problem{problem("%s has no field %q", model, name)}
	}

	var problems []Problem
	if f.Readonly {
		problems = append(problems, problem("field %q of %s is read-only",
			name, model))
	}
	wire, err := wireValue(value)
	if err != nil {
		return append(problems, problem("fixed value of field %q of %s: %v",
			name, model, err))
	}
	if isEmptyValue(wire) && f.Type != "boolean" {
		if f.Required {
			problems = append(problems, problem("field %q of %s is "+
				"required, so its fixed value cannot be empty", name, model))
		}
		return problems
	}
	if msg := checkValueType(f, wire); msg != "" {
		problems = append(problems, problem("fixed value of field %q of "+
			"%s: %s", name, model, msg))
	}
	return problems
}

// wireValue returns v as Odoo will receive it: encoded to JSON and
// decoded again, with numbers as json.Number.
func wireValue(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode as JSON: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var wire any
	if err := dec.Decode(&wire); err != nil {
		return nil, fmt.Errorf("decode JSON: %w", err)
	}
	return wire, nil
}

// isEmptyValue reports whether v clears a field: false, as Odoo sends
// for every empty value, or null.
func isEmptyValue(v any) bool {
	return v == nil || v == false
}

// checkValueType returns why v, a decoded JSON value other than false or
// null, does not suit a field of f's type, or "".
func checkValueType(f Field, v any) string {
	switch f.Type {
	case "char", "text", "html", "binary":
		return wantType(v, isString(v), "a string")
	case "boolean":
		return wantType(v, isBool(v), "true or false")
	case "integer", "many2one_reference":
		return wantType(v, isInteger(v), "an integer")
	case "float", "monetary":
		return wantType(v, isNumber(v), "a number")
	case "many2one":
		return wantType(v, isRecordID(v), "a record id (a positive integer)")
	case "selection":
		return checkSelection(f, v)
	case "date":
		return checkTimeText(v, time.DateOnly, `a date "YYYY-MM-DD"`)
	case "datetime":
		return checkDatetime(v)
	case "reference":
		return wantType(v, isReference(v), `a reference "model,id"`)
	case "one2many", "many2many":
		return checkX2Many(v)
	}
	// json, properties and types unknown here take any JSON value.
	return ""
}

// wantType returns "" when ok, or a message that names v's JSON type and
// the wanted one.
func wantType(v any, ok bool, want string) string {
	if ok {
		return ""
	}
	return fmt.Sprintf("got %s, want %s", describeJSON(v), want)
}

func checkSelection(f Field, v any) string {
	key, ok := v.(string)
	if !ok {
		return fmt.Sprintf("got %s, want one of the keys %s", describeJSON(v),
			selectionKeys(f))
	}
	for _, option := range f.Selection {
		if option[0] == key {
			return ""
		}
	}
	for _, option := range f.Selection {
		if strings.EqualFold(option[1], key) {
			return fmt.Sprintf("%q is the label of key %q: use the key",
				key, option[0])
		}
	}
	return fmt.Sprintf("%q is not one of the keys %s", key, selectionKeys(f))
}

// selectionKeys lists the keys of a selection field, at most ten of them.
func selectionKeys(f Field) string {
	const maxKeys = 10
	keys := make([]string, 0, min(len(f.Selection), maxKeys))
	for _, option := range f.Selection[:min(len(f.Selection), maxKeys)] {
		keys = append(keys, option[0])
	}
	list := quotedList(keys)
	if len(f.Selection) > maxKeys {
		list += fmt.Sprintf(" and %d more", len(f.Selection)-maxKeys)
	}
	return list
}

func checkTimeText(v any, layout, want string) string {
	text, ok := v.(string)
	if !ok {
		return fmt.Sprintf("got %s, want %s", describeJSON(v), want)
	}
	if _, err := time.Parse(layout, text); err != nil {
		return fmt.Sprintf("got %q, want %s", text, want)
	}
	return ""
}

// checkDatetime checks a datetime value. Odoo 19 rejects the ISO 8601 "T"
// separator with HTTP 500.
func checkDatetime(v any) string {
	const want = `a UTC datetime "YYYY-MM-DD HH:MM:SS"`
	if text, ok := v.(string); ok && len(text) > 10 && text[10] == 'T' {
		return fmt.Sprintf("got %q, want %s with a space, not \"T\", "+
			"between date and time", text, want)
	}
	return checkTimeText(v, time.DateTime, want)
}

// checkX2Many checks a one2many or many2many value: a list of record ids
// or of commands such as [6, 0, [ids]] (replace), [4, id] (link),
// [3, id] (unlink) or [0, 0, {values}] (create).
func checkX2Many(v any) string {
	items, ok := v.([]any)
	if !ok {
		return fmt.Sprintf("got %s, want a list of commands such as "+
			"[[6, 0, [ids]]]", describeJSON(v))
	}
	for i, item := range items {
		if isRecordID(item) {
			continue
		}
		if msg := checkX2ManyCommand(item); msg != "" {
			return fmt.Sprintf("item %d: %s", i, msg)
		}
	}
	return ""
}

// checkX2ManyCommand checks one command of Odoo's x2many command list.
func checkX2ManyCommand(item any) string {
	command, ok := item.([]any)
	if !ok || len(command) == 0 || !isInteger(command[0]) {
		return fmt.Sprintf("got %s, want a record id or a command list "+
			"such as [4, id]", describeJSON(item))
	}
	op, _ := command[0].(json.Number).Int64()
	argument := func(i int) any {
		if i < len(command) {
			return command[i]
		}
		return nil
	}

	switch op {
	case 0, 1:
		_, isObject := argument(2).(map[string]any)
		if len(command) != 3 || !isObject || op == 1 && !isRecordID(command[1]) {
			return fmt.Sprintf("command %d wants [%d, id, {values}]", op, op)
		}
	case 2, 3, 4:
		if len(command) < 2 || len(command) > 3 || !isRecordID(command[1]) {
			return fmt.Sprintf("command %d wants [%d, id]", op, op)
		}
	case 5:
		if len(command) > 3 {
			return "command 5 wants [5]"
		}
	case 6:
		ids, isList := argument(2).([]any)
		if len(command) != 3 || !isList || !allRecordIDs(ids) {
			return "command 6 wants [6, 0, [ids]]"
		}
	default:
		return fmt.Sprintf("unknown command %d, want 0 to 6", op)
	}
	return ""
}

func allRecordIDs(ids []any) bool {
	for _, id := range ids {
		if !isRecordID(id) {
			return false
		}
	}
	return true
}

func isString(v any) bool {
	_, ok := v.(string)
	return ok
}

func isBool(v any) bool {
	_, ok := v.(bool)
	return ok
}

func isNumber(v any) bool {
	_, ok := v.(json.Number)
	return ok
}

func isInteger(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	_, err := n.Int64()
	return err == nil
}

func isRecordID(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	id, err := n.Int64()
	return err == nil && id > 0
}

// isReference reports whether v is a reference value "model,id".
func isReference(v any) bool {
	text, ok := v.(string)
	if !ok {
		return false
	}
	model, id, found := strings.Cut(text, ",")
	return found && model != "" && isRecordID(json.Number(id))
}

// describeJSON names the JSON type of a decoded value, with the value
// itself for a string, a number or a boolean.
func describeJSON(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return fmt.Sprintf("%t", v)
	case string:
		return fmt.Sprintf("the string %q", v)
	case json.Number:
		return "the number " + v.String()
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// quotedList returns the items quoted and separated by commas:
// "a", "b", "c".
func quotedList(items []string) string {
	quoted := make([]string, len(items))
	for i, item := range items {
		quoted[i] = fmt.Sprintf("%q", item)
	}
	return strings.Join(quoted, ", ")
}

// orList returns "a", "a or b" or "a, b or c".
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " +
		items[len(items)-1]
}
