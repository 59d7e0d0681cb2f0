package odoosim

import (
	"fmt"
	"slices"
	"strings"
)

// Commands of one2many and many2many writes, as in Odoo's Command class.
const (
	commandCreate = 0
	commandUpdate = 1
	commandDelete = 2
	commandUnlink = 3
	commandLink   = 4
	commandClear  = 5
	commandSet    = 6
)

// convertX2Many applies a list of commands, or a plain list of ids that
// replaces the value, to the current ids.
func (e *env) convertX2Many(m *model, f *field, v, current any) (any,
	*rpcError) {
	ids, _ := current.([]int64)
	ids = slices.Clone(ids)
	list, ok := v.([]any)
	if !ok {
		return nil, errValue(fmt.Sprintf("Wrong value for %s.%s: %s",
			m.name, f.Name, pyRepr(v)))
	}
	if plain, isIDs := asIDs(list); isIDs {
		return e.checkLinked(m, f, plain)
	}

	for _, item := range list {
		command, _ := item.([]any)
		if len(command) == 0 {
			return nil, errValue(fmt.Sprintf(
				"Wrong value for %s.%s: %s", m.name, f.Name, pyRepr(v)))
		}
		code, _ := asInt(command[0])
		arg := func(i int) any {
			if i < len(command) {
				return command[i]
			}
			return nil
		}
		id, _ := asInt(arg(1))

		var err *rpcError
		switch code {
		case commandCreate:
			vals, _ := arg(2).(map[string]any)
			var newIDs []int64
			newIDs, err = e.create(e.model(f.Relation), []map[string]any{vals})
			ids = append(ids, newIDs...)
		case commandUpdate:
			vals, _ := arg(2).(map[string]any)
			err = e.write(e.model(f.Relation), []int64{id}, vals)
		case commandDelete, commandUnlink:
			ids = slices.DeleteFunc(ids, func(x int64) bool { return x == id })
		case commandLink:
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		case commandClear:
			ids = nil
		case commandSet:
			set, isIDs := asIDs(arg(2))
			if !isIDs {
				return nil, errValue(fmt.Sprintf(
					"Wrong value for %s.%s: %s", m.name, f.Name, pyRepr(v)))
			}
			ids = slices.Clone(set)
		default:
			return nil, errValue(fmt.Sprintf(
				"Wrong value for %s.%s: %s", m.name, f.Name, pyRepr(v)))
		}
		if err != nil {
			return nil, err
		}
	}
	return e.checkLinked(m, f, ids)
}

// checkLinked fails, like the foreign key of the relation table would,
// when an id does not exist.
func (e *env) checkLinked(m *model, f *field, ids []int64) (any,
	*rpcError) {
	if e.model(f.Relation) == nil {
		return ids, nil
	}
	for _, id := range ids {
		if e.exists(f.Relation, id) {
			continue
		}
		table := strings.ReplaceAll(f.Relation, ".", "_") + "_rel"
		column := strings.TrimSuffix(f.Name, "_ids") + "_id"
		return nil, errValidation(fmt.Sprintf("The operation cannot be "+
			"completed: Another model is using the record you are trying "+
			"to delete.\n\nThe troublemaker is: Unknown\nThanks to the "+
			"following constraint: %s_%s_fkey\nHow about archiving the "+
			"record instead?", table, column))
	}
	if ids == nil {
		ids = []int64{}
	}
	return ids, nil
}
