package odoosim

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// condition is a compiled domain: it reports whether a record matches.
type condition func(r row) bool

// domainParser compiles a domain in Odoo's prefix notation: "&", "|" and
// "!" operators followed by their operands, and [field, operator, value]
// leaves. Top-level terms are joined with "&".
type domainParser struct {
	e     *env
	m     *model
	items []any
	pos   int
}

// compileDomain compiles domain for model m. It also reports whether a
// leaf filters on "active", which turns off the implicit active filter.
func (e *env) compileDomain(m *model, domain []any) (condition, bool,
	*rpcError) {
	p := &domainParser{e: e, m: m, items: domain}
	var terms []condition
	for p.pos < len(p.items) {
		term, err := p.parse()
		if err != nil {
			return nil, false, err
		}
		terms = append(terms, term)
	}
	mentionsActive := false
	for _, item := range domain {
		if leaf, ok := item.([]any); ok && len(leaf) > 0 &&
			leaf[0] == "active" {
			mentionsActive = true
		}
	}
	return func(r row) bool {
		for _, term := range terms {
			if !term(r) {
				return false
			}
		}
		return true
	}, mentionsActive, nil
}

func (p *domainParser) parse() (condition, *rpcError) {
	if p.pos >= len(p.items) {
		return nil, errValue("Domain() invalid domain: " +
			pyRepr(p.items) + " (missing operand)")
	}
	item := p.items[p.pos]
	p.pos++
	switch item {
	case "!":
		inner, err := p.parse()
		if err != nil {
			return nil, err
		}
		return func(r row) bool { return !inner(r) }, nil
	case "&", "|":
		left, err := p.parse()
		if err != nil {
			return nil, err
		}
		right, err := p.parse()
		if err != nil {
			return nil, err
		}
		if item == "&" {
			return func(r row) bool { return left(r) && right(r) }, nil
		}
		return func(r row) bool { return left(r) || right(r) }, nil
	}
	leaf, ok := item.([]any)
	if !ok || len(leaf) != 3 {
		return nil, errValue("Domain() invalid item in domain: " +
			pyRepr(item))
	}
	return p.e.compileLeaf(p.m, leaf)
}

// operators lists the supported domain operators.
var operators = []string{"=", "!=", "<", ">", "<=", ">=", "like",
	"not like", "ilike", "not ilike", "=like", "=ilike", "in", "not in",
	"child_of"}

// compileLeaf compiles one [field, operator, value] leaf. A dotted field
// path such as "partner_id.email" follows a relational field.
func (e *env) compileLeaf(m *model, leaf []any) (condition, *rpcError) {
	path, okPath := leaf[0].(string)
	op, okOp := leaf[1].(string)
	op = strings.ToLower(op)
	if !okPath || !okOp || !slices.Contains(operators, op) {
		return nil, errValue("Domain() invalid item in domain: " +
			pyRepr(leaf))
	}
	value := leaf[2]

	name, rest, dotted := strings.Cut(path, ".")
	f := m.fields[name]
	if f == nil {
		return nil, errValue(fmt.Sprintf(
			"Invalid field %s.%s in condition %s", m.name, name,
			pyTuple(leaf)))
	}

	if dotted {
		related := e.model(f.Relation)
		if related == nil {
			return nil, errValue(fmt.Sprintf(
				"Invalid field %s.%s in condition %s", m.name, path,
				pyTuple(leaf)))
		}
		inner, err := e.compileLeaf(related, []any{rest, op, value})
		if err != nil {
			return nil, err
		}
		return func(r row) bool {
			for _, id := range relatedIDs(e.get(m, r, name)) {
				if inner(e.db.row(related.name, id)) {
					return true
				}
			}
			return false
		}, nil
	}

	if op == "child_of" {
		return e.compileChildOf(m, value)
	}
	if strings.HasPrefix(op, "not ") || op == "!=" {
		positive := map[string]string{"not like": "like",
			"not ilike": "ilike", "not in": "in", "!=": "="}[op]
		inner, err := e.compileLeaf(m, []any{path, positive, value})
		if err != nil {
			return nil, err
		}
		return func(r row) bool { return !inner(r) }, nil
	}
	return func(r row) bool {
		return e.matchLeaf(m, f, r, op, value)
	}, nil
}

// relatedIDs returns the ids held by a many2one or x2many value.
func relatedIDs(v any) []int64 {
	switch x := v.(type) {
	case int64:
		return []int64{x}
	case []int64:
		return x
	}
	return nil
}

// matchLeaf evaluates a positive operator on one record.
func (e *env) matchLeaf(m *model, f *field, r row, op string,
	value any) bool {
	stored := e.get(m, r, f.Name)

	if f.isRelational() {
		return e.matchRelational(f, stored, op, value)
	}
	switch op {
	case "=":
		return equalStored(stored, value)
	case "in":
		list, _ := value.([]any)
		for _, item := range list {
			if equalStored(stored, item) {
				return true
			}
		}
		return false
	case "like", "ilike", "=like", "=ilike":
		s, _ := stored.(string)
		return stored != nil && likeMatch(op, s, value)
	}
	if stored == nil {
		return false
	}
	c := compareValues(stored, comparable(value))
	switch op {
	case "<":
		return c < 0
	case ">":
		return c > 0
	case "<=":
		return c <= 0
	}
	return c >= 0
}

// comparable converts a domain value to the stored form used by
// compareValues.
func comparable(v any) any {
	if f, ok := asFloat(v); ok {
		return f
	}
	return v
}

// equalStored compares a stored value with a domain value. false matches
// an empty value.
func equalStored(stored, value any) bool {
	if value == false || value == nil {
		if b, isBool := stored.(bool); isBool {
			return !b
		}
		return stored == nil || stored == ""
	}
	if value == true {
		b, _ := stored.(bool)
		return b
	}
	if x, ok := asFloat(stored); ok {
		y, ok := asFloat(value)
		return ok && x == y
	}
	return stored == value
}

// matchRelational evaluates an operator on a many2one or x2many field:
// ids compare with = and in, and strings match the display names.
func (e *env) matchRelational(f *field, stored any, op string,
	value any) bool {
	ids := relatedIDs(stored)
	if value == false || value == nil {
		return op == "=" && len(ids) == 0
	}

	if s, isString := value.(string); isString {
		if op == "=" || op == "in" {
			op = "=like"
		}
		for _, id := range ids {
			if likeMatch(op, e.displayName(f.Relation, id), s) {
				return true
			}
		}
		return false
	}

	wanted, isList := asIDs(value)
	if !isList {
		id, ok := asInt(value)
		if !ok {
			return false
		}
		wanted = []int64{id}
	}
	for _, id := range ids {
		if slices.Contains(wanted, id) {
			return true
		}
	}
	return false
}

// likeMatch implements SQL LIKE: % and _ are wildcards, like and ilike
// match anywhere in the text, =like and =ilike match the whole text, and
// the i variants ignore case.
func likeMatch(op, text string, value any) bool {
	pattern, ok := value.(string)
	if !ok {
		pattern = stringOf(value)
	}
	if op == "like" || op == "ilike" {
		pattern = "%" + pattern + "%"
	}
	var expr strings.Builder
	if op == "ilike" || op == "=ilike" {
		expr.WriteString("(?i)")
	}
	expr.WriteString("(?s)^")
	for _, c := range pattern {
		switch c {
		case '%':
			expr.WriteString(".*")
		case '_':
			expr.WriteString(".")
		default:
			expr.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	expr.WriteString("$")
	re, err := regexp.Compile(expr.String())
	return err == nil && re.MatchString(text)
}

// compileChildOf matches the given records and everything below them in
// the model's parent hierarchy.
func (e *env) compileChildOf(m *model, value any) (condition, *rpcError) {
	roots, ok := asIDs(value)
	if !ok {
		id, isInt := asInt(value)
		if !isInt {
			return nil, errValue("Domain() invalid child_of value: " +
				pyRepr(value))
		}
		roots = []int64{id}
	}
	if m.parentField == "" {
		return func(r row) bool {
			id, _ := r["id"].(int64)
			return slices.Contains(roots, id)
		}, nil
	}
	return func(r row) bool {
		for depth := 0; r != nil && depth < 32; depth++ {
			id, _ := r["id"].(int64)
			if slices.Contains(roots, id) {
				return true
			}
			parentID, _ := r[m.parentField].(int64)
			r = e.db.row(m.name, parentID)
		}
		return false
	}, nil
}
