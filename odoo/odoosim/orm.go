package odoosim

import (
	"fmt"
	"slices"
	"strings"
)

// orderTerm is one field of an order clause.
type orderTerm struct {
	field string
	desc  bool
}

// parseOrder parses an order clause such as "sequence, id desc".
func parseOrder(m *model, order string) ([]orderTerm, *rpcError) {
	var terms []orderTerm
	for _, part := range strings.Split(order, ",") {
		words := strings.Fields(part)
		if len(words) == 0 {
			continue
		}
		term := orderTerm{field: words[0]}
		if len(words) > 1 {
			switch strings.ToLower(words[1]) {
			case "desc":
				term.desc = true
			case "asc":
			default:
				return nil, errValue("Invalid order: " + pyRepr(order))
			}
		}
		if m.fields[term.field] == nil {
			return nil, errValue(fmt.Sprintf(
				"Invalid field %s on model %s", pyRepr(term.field),
				pyRepr(m.name)))
		}
		terms = append(terms, term)
	}
	return terms, nil
}

// search returns the ids of the records matching domain that the user may
// read, in order, after offset and up to limit (0 means no limit).
func (e *env) search(m *model, domain []any, order string, offset,
	limit int) ([]int64, *rpcError) {
	match, mentionsActive, err := e.compileDomain(m, domain)
	if err != nil {
		return nil, err
	}
	if order == "" {
		order = m.order
	}
	terms, err := parseOrder(m, order)
	if err != nil {
		return nil, err
	}
	filterActive := m.hasActive() && e.activeTest() && !mentionsActive

	var ids []int64
	for _, id := range e.db.sortedIDs(m.name) {
		r := e.db.row(m.name, id)
		if filterActive && r["active"] != true {
			continue
		}
		if e.visible(m, r) && match(r) {
			ids = append(ids, id)
		}
	}
	e.sortIDs(m, ids, append(terms, orderTerm{field: "id"}))

	if offset > len(ids) {
		offset = len(ids)
	}
	ids = ids[offset:]
	if limit > 0 && limit < len(ids) {
		ids = ids[:limit]
	}
	return ids, nil
}

// checkFields fails on a field name the model does not have.
func checkFields(m *model, fields []string) *rpcError {
	for _, name := range fields {
		if m.fields[name] == nil {
			return errValue(fmt.Sprintf("Invalid field %s on %s",
				pyRepr(name), pyRepr(m.name)))
		}
	}
	return nil
}

// read returns the records ids that exist, as Odoo's read does: a deleted
// id is left out without an error.
func (e *env) read(m *model, ids []int64, fields []string) ([]object,
	*rpcError) {
	if err := checkFields(m, fields); err != nil {
		return nil, err
	}
	if err := e.checkAccess(m, "read", ids); err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		fields = defaultReadFields(m)
	}

	records := []object{}
	for _, id := range ids {
		if !e.exists(m.name, id) {
			continue
		}
		r := e.db.row(m.name, id)
		record := object{{"id", id}}
		for _, name := range fields {
			if name == "id" {
				continue
			}
			record = append(record, member{name, e.wire(m, r, name)})
		}
		records = append(records, record)
	}
	return records, nil
}

// defaultReadFields returns the fields read when none are named: all of
// them except binary ones, which Odoo also skips to keep responses small.
func defaultReadFields(m *model) []string {
	var names []string
	for _, name := range m.fieldNames() {
		if m.fields[name].Type != "binary" {
			names = append(names, name)
		}
	}
	return names
}

// create creates one record per vals and returns their ids.
func (e *env) create(m *model, valsList []map[string]any) ([]int64,
	*rpcError) {
	if err := e.checkModelAccess(m, "create"); err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(valsList))
	for _, vals := range valsList {
		r := row{}
		for name, v := range e.defaults(m, vals) {
			r[name] = v
		}
		if err := e.assign(m, r, vals); err != nil {
			return nil, err
		}
		if err := e.checkConstraints(m, r, vals); err != nil {
			return nil, err
		}
		if err := e.checkRuleAfter(m, r, "create"); err != nil {
			return nil, err
		}
		r["create_date"] = e.nowText()
		r["write_date"] = e.nowText()
		r["create_uid"] = e.uid
		r["write_uid"] = e.uid
		id := e.db.insert(m.name, r)
		if err := e.afterCreate(m, r); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// assign converts vals and stores them in r. Unknown fields fail with a
// KeyError as in Odoo. Computed fields are ignored.
func (e *env) assign(m *model, r row, vals map[string]any) *rpcError {
	for _, name := range sortedKeys(vals) {
		f := m.fields[name]
		if f == nil {
			return errKey(name)
		}
		if _, computed := e.compute(m, r, name); computed || name == "id" {
			continue
		}
		value, err := e.convert(m, f, vals[name], r[name])
		if err != nil {
			return err
		}
		if value == nil {
			delete(r, name)
		} else {
			r[name] = value
		}
	}
	return e.onChange(m, r, vals)
}

// checkConstraints runs the required-field check and the database check
// constraints that Odoo 19 declares on the simulated models.
func (e *env) checkConstraints(m *model, r row, vals map[string]any) *rpcError {
	if err := e.checkRequired(m, r, vals); err != nil {
		return err
	}
	if m.name == "crm.tag" {
		// crm.tag's unique constraint on name.
		self, _ := asInt(r["id"])
		for id, other := range e.db.tables[m.name].rows {
			if id != self && other["name"] == r["name"] {
				return errValidation("The operation cannot be completed: Tag name already exists!")
			}
		}
	}
	if m.name == "crm.lead" {
		// crm.lead's check_probability constraint: 0 <= probability <= 100.
		if p, ok := asFloat(r["probability"]); ok && (p < 0 || p > 100) {
			return errValidation("The operation cannot be completed: " +
				"The probability of closing the deal should be between 0% and 100%!")
		}
	}
	return nil
}

// checkRequired fails when a required field is empty after defaults.
func (e *env) checkRequired(m *model, r row, vals map[string]any) *rpcError {
	if m.name == "res.partner" {
		// The name is not required by the schema but by a check
		// constraint that allows "" and only rejects a missing value.
		if _, ok := r["name"]; !ok {
			return errValidation(
				"The operation cannot be completed: Contacts require a name")
		}
		return nil
	}
	for _, name := range m.fieldNames() {
		f := m.fields[name]
		if !f.Required || f.Type == "boolean" {
			continue
		}
		if v, ok := r[name]; ok && v != "" {
			continue
		}
		return errValidation(fmt.Sprintf("The operation cannot be "+
			"completed: Missing required value for the field '%s' (%s).\n"+
			"Model: '%s' (%s)", f.String, f.Name, m.description, m.name))
	}
	return nil
}

// write sets vals on every record ids.
func (e *env) write(m *model, ids []int64, vals map[string]any) *rpcError {
	if err := e.checkMissing(m, ids); err != nil {
		return err
	}
	if err := e.checkAccess(m, "write", ids); err != nil {
		return err
	}
	for _, id := range ids {
		r := e.db.row(m.name, id)
		if err := e.assign(m, r, vals); err != nil {
			return err
		}
		if err := e.checkConstraints(m, r, vals); err != nil {
			return err
		}
		if err := e.checkRuleAfter(m, r, "write"); err != nil {
			return err
		}
		r["write_date"] = e.nowText()
		r["write_uid"] = e.uid
	}
	return nil
}

// unlink deletes the records ids.
func (e *env) unlink(m *model, ids []int64) *rpcError {
	if err := e.checkMissing(m, ids); err != nil {
		return err
	}
	if err := e.checkAccess(m, "unlink", ids); err != nil {
		return err
	}
	if err := e.beforeUnlink(m, ids); err != nil {
		return err
	}
	for _, id := range ids {
		delete(e.db.tables[m.name].rows, id)
	}
	e.clearReferences(m, ids)
	return nil
}

// clearReferences empties the many2one fields that pointed to deleted
// records (ON DELETE SET NULL) and removes them from x2many fields.
func (e *env) clearReferences(deleted *model, ids []int64) {
	for _, other := range e.sim.models {
		for _, f := range other.fields {
			if f.Relation != deleted.name || f.Type == "one2many" {
				continue
			}
			for _, r := range e.db.tables[other.name].rows {
				switch v := r[f.Name].(type) {
				case int64:
					if slices.Contains(ids, v) {
						delete(r, f.Name)
					}
				case []int64:
					r[f.Name] = slices.DeleteFunc(slices.Clone(v),
						func(id int64) bool { return slices.Contains(ids, id) })
				}
			}
		}
	}
}

// checkMissing fails with a MissingError when an id does not exist.
func (e *env) checkMissing(m *model, ids []int64) *rpcError {
	var missing []string
	for _, id := range ids {
		if !e.exists(m.name, id) {
			missing = append(missing, fmt.Sprint(id))
		}
	}
	if missing == nil {
		return nil
	}
	return errMissing(fmt.Sprintf("Record does not exist or has been "+
		"deleted.\n(Record: %s(%s,), User: %d)", m.name,
		strings.Join(missing, ", "), e.uid))
}

func sortedKeys(vals map[string]any) []string {
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
