package odoosim

import (
	"fmt"
	"slices"
	"strings"
)

// method describes a public method callable over JSON-2.
type method struct {
	// params are the named parameters, required lists those without a
	// default value.
	params   []string
	required []string
	// extraKwargs reports a **kwargs parameter that accepts other names.
	extraKwargs bool
	// onRecords reports a method called on records, which takes ids.
	// Methods on the model reject ids.
	onRecords bool
	// models limits the method to these models. Nil means every model.
	models []string
	run    func(e *env, m *model, ids []int64, args map[string]any) (any,
		*rpcError)
}

// searchReadParams are the parameters of search_read. "load" is also
// accepted because search_read passes it on to read.
var searchReadParams = []string{"domain", "fields", "offset", "limit",
	"order"}

// activityModels are the models that inherit mail.thread and
// mail.activity.mixin.
var activityModels = []string{"crm.lead", "res.partner"}

var methods = map[string]*method{
	"create": {params: []string{"vals_list"}, required: []string{"vals_list"},
		run: runCreate},
	"read": {params: []string{"fields", "load"}, onRecords: true,
		run: runRead},
	"write": {params: []string{"vals"}, required: []string{"vals"},
		onRecords: true, run: runWrite},
	"unlink": {onRecords: true, run: runUnlink},
	"search_read": {params: searchReadParams, extraKwargs: true,
		run: runSearchRead},
	"search": {params: []string{"domain", "offset", "limit", "order"},
		required: []string{"domain"}, run: runSearch},
	"search_count": {params: []string{"domain", "limit"},
		required: []string{"domain"}, run: runSearchCount},
	"name_search": {params: []string{"name", "domain", "operator", "limit"},
		run: runNameSearch},
	"name_create": {params: []string{"name"}, required: []string{"name"},
		run: runNameCreate},
	"fields_get": {params: []string{"allfields", "attributes"},
		run: runFieldsGet},
	"context_get": {models: []string{"res.users"}, run: runContextGet},
	"check_access_rights": {params: []string{"operation",
		"raise_exception"}, required: []string{"operation"},
		run: runCheckAccessRights},
	"action_set_won": {onRecords: true, models: []string{"crm.lead"},
		run: runSetWon},
	"action_set_lost": {onRecords: true, extraKwargs: true,
		models: []string{"crm.lead"}, run: runSetLost},
	"action_restore": {onRecords: true, models: []string{"crm.lead"},
		run: runRestore},
	"convert_opportunity": {params: []string{"partner", "user_ids",
		"team_id"}, required: []string{"partner"}, onRecords: true,
		models: []string{"crm.lead"}, run: runConvertOpportunity},
	"message_post": {params: []string{"body", "message_type",
		"subtype_xmlid"}, extraKwargs: true, onRecords: true,
		models: activityModels, run: runMessagePost},
	"activity_schedule": {params: []string{"act_type_xmlid",
		"date_deadline", "summary", "note"}, extraKwargs: true,
		onRecords: true, models: activityModels, run: runActivitySchedule},
	"action_feedback": {params: []string{"feedback", "attachment_ids"},
		onRecords: true, models: []string{"mail.activity"},
		run: runActionFeedback},
}

// privateMethods are public in Python but marked @api.private in Odoo 19,
// so they cannot be called remotely.
var privateMethods = []string{"browse", "sudo", "with_user", "with_context",
	"with_env", "with_company", "exists", "ensure_one", "new", "filtered",
	"mapped", "sorted", "check_access", "init"}

func isPrivate(name string) bool {
	return strings.HasPrefix(name, "_") || slices.Contains(privateMethods, name)
}

// lookupMethod returns the method for the model, or nil.
func lookupMethod(m *model, name string) *method {
	spec := methods[name]
	if spec == nil || spec.models != nil && !slices.Contains(spec.models,
		m.name) {
		return nil
	}
	return spec
}

// bindArgs checks the named arguments against the signature, as Odoo
// binds them to the Python method (HTTP 422 when they do not fit).
func bindArgs(m *model, name string, spec *method, hasIDs bool,
	args map[string]any) *rpcError {
	if hasIDs && !spec.onRecords {
		return errUnprocessable(fmt.Sprintf("cannot call %s.%s with ids",
			m.name, name))
	}
	if !spec.extraKwargs {
		for _, key := range sortedKeys(args) {
			if !slices.Contains(spec.params, key) {
				return errUnprocessable(fmt.Sprintf(
					"got an unexpected keyword argument %s", pyRepr(key)))
			}
		}
	}
	for _, key := range spec.required {
		if _, ok := args[key]; !ok {
			return errUnprocessable(fmt.Sprintf(
				"missing a required argument: %s", pyRepr(key)))
		}
	}
	return nil
}

func runCreate(e *env, m *model, _ []int64, args map[string]any) (any,
	*rpcError) {
	var valsList []map[string]any
	switch v := args["vals_list"].(type) {
	case map[string]any:
		// A single dict is accepted in place of a list.
		valsList = []map[string]any{v}
	case []any:
		for _, item := range v {
			vals, ok := item.(map[string]any)
			if !ok {
				return nil, errType(fmt.Sprintf(
					"create() values must be dicts, not %s", pyRepr(item)))
			}
			valsList = append(valsList, vals)
		}
	default:
		return nil, errType("create() vals_list must be a list of dicts")
	}
	return e.create(m, valsList)
}

func runRead(e *env, m *model, ids []int64, args map[string]any) (any,
	*rpcError) {
	fields, err := stringList(args["fields"], "fields")
	if err != nil {
		return nil, err
	}
	return e.read(m, ids, fields)
}

func runWrite(e *env, m *model, ids []int64, args map[string]any) (any,
	*rpcError) {
	vals, ok := args["vals"].(map[string]any)
	if !ok {
		return nil, errType("write() vals must be a dict, not " +
			pyRepr(args["vals"]))
	}
	if err := e.write(m, ids, vals); err != nil {
		return nil, err
	}
	return true, nil
}

func runUnlink(e *env, m *model, ids []int64, _ map[string]any) (any,
	*rpcError) {
	if err := e.unlink(m, ids); err != nil {
		return nil, err
	}
	return true, nil
}

// searchArgs returns domain, offset, limit and order from the named
// arguments.
func searchArgs(args map[string]any) ([]any, int, int, string, *rpcError) {
	var domain []any
	if v := args["domain"]; v != nil && v != false {
		list, ok := v.([]any)
		if !ok {
			return nil, 0, 0, "", errValue("Domain() invalid domain: " +
				pyRepr(v))
		}
		domain = list
	}
	offset, _ := asInt(args["offset"])
	limit, _ := asInt(args["limit"])
	order, _ := args["order"].(string)
	return domain, int(offset), int(limit), order, nil
}

func runSearchRead(e *env, m *model, _ []int64, args map[string]any) (any,
	*rpcError) {
	// search_read passes unknown arguments on to read, which rejects them
	// with a TypeError (HTTP 500), not a 422.
	for _, key := range sortedKeys(args) {
		if !slices.Contains(searchReadParams, key) &&
			key != "load" {
			return nil, errType(fmt.Sprintf("BaseModel._read_format() got "+
				"an unexpected keyword argument %s", pyRepr(key)))
		}
	}
	fields, err := stringList(args["fields"], "fields")
	if err != nil {
		return nil, err
	}
	if err := checkFields(m, fields); err != nil {
		return nil, err
	}
	domain, offset, limit, order, err := searchArgs(args)
	if err != nil {
		return nil, err
	}
	ids, err := e.search(m, domain, order, offset, limit)
	if err != nil {
		return nil, err
	}
	return e.read(m, ids, fields)
}

func runSearch(e *env, m *model, _ []int64, args map[string]any) (any,
	*rpcError) {
	domain, offset, limit, order, err := searchArgs(args)
	if err != nil {
		return nil, err
	}
	ids, err := e.search(m, domain, order, offset, limit)
	if ids == nil {
		ids = []int64{}
	}
	return ids, err
}

func runSearchCount(e *env, m *model, _ []int64, args map[string]any) (any,
	*rpcError) {
	domain, _, limit, _, err := searchArgs(args)
	if err != nil {
		return nil, err
	}
	ids, err := e.search(m, domain, "id", 0, limit)
	return len(ids), err
}

func runNameSearch(e *env, m *model, _ []int64, args map[string]any) (any,
	*rpcError) {
	domain, _, limit, _, err := searchArgs(args)
	if err != nil {
		return nil, err
	}
	if _, ok := args["limit"]; !ok {
		limit = 100
	}
	name, _ := args["name"].(string)
	operator, _ := args["operator"].(string)
	if operator == "" {
		operator = "ilike"
	}
	if name != "" {
		domain = append([]any{[]any{"display_name", operator, name}},
			domain...)
	}
	ids, err := e.search(m, domain, "", 0, limit)
	if err != nil {
		return nil, err
	}
	results := make([]any, 0, len(ids))
	for _, id := range ids {
		results = append(results, []any{id, e.displayName(m.name, id)})
	}
	return results, nil
}

func runNameCreate(e *env, m *model, _ []int64, args map[string]any) (any,
	*rpcError) {
	field := "name"
	if m.fields[field] == nil {
		return nil, errValue(fmt.Sprintf(
			"Cannot execute name_create, no _rec_name defined on %s", m.name))
	}
	ids, err := e.create(m, []map[string]any{{field: args["name"]}})
	if err != nil {
		return nil, err
	}
	return []any{ids[0], e.displayName(m.name, ids[0])}, nil
}

func runFieldsGet(e *env, m *model, _ []int64, args map[string]any) (any,
	*rpcError) {
	names, err := stringList(args["allfields"], "allfields")
	if err != nil {
		return nil, err
	}
	attributes, err := stringList(args["attributes"], "attributes")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		names = m.fieldNames()
	}

	result := object{}
	for _, name := range names {
		f := m.fields[name]
		if f == nil {
			continue
		}
		result = append(result, member{name, fieldAttributes(f, attributes)})
	}
	return result, nil
}

// fieldAttributes returns the requested attributes of f, or all of them.
func fieldAttributes(f *field, attributes []string) object {
	all := object{
		{"readonly", f.Readonly},
		{"relation", f.Relation},
		{"required", f.Required},
		{"selection", f.Selection},
		{"string", f.String},
		{"type", f.Type},
	}
	var attrs object
	for _, a := range all {
		if a.key == "relation" && f.Relation == "" ||
			a.key == "selection" && f.Type != "selection" {
			continue
		}
		if attributes == nil || slices.Contains(attributes, a.key) {
			attrs = append(attrs, a)
		}
	}
	return attrs
}

func runContextGet(e *env, _ *model, _ []int64, _ map[string]any) (any,
	*rpcError) {
	u := e.db.row("res.users", e.uid)
	return object{{"lang", u["lang"]}, {"tz", u["tz"]}, {"uid", e.uid}}, nil
}

// stringList converts an optional list of strings.
func stringList(v any, name string) ([]string, *rpcError) {
	if v == nil || v == false {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, errType(fmt.Sprintf("%s must be a list of strings, "+
			"not %s", name, pyRepr(v)))
	}
	names := make([]string, 0, len(list))
	for _, item := range list {
		s, ok := item.(string)
		if !ok {
			return nil, errType(fmt.Sprintf("%s must be a list of strings, "+
				"not %s", name, pyRepr(v)))
		}
		names = append(names, s)
	}
	return names, nil
}
