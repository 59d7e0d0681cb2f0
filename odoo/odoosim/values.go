package odoosim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/crmbot/crmbot/odoo/internal/jsonnum"
)

// member is one key and value of an object.
type member struct {
	key   string
	value any
}

// object is a JSON object that keeps its member order, as Odoo sends "id"
// first and then the fields in the requested order.
type object []member

// MarshalJSON encodes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			buf.WriteString(", ")
		}
		key, _ := json.Marshal(m.key)
		buf.Write(key)
		buf.WriteString(": ")
		value, err := json.Marshal(m.value)
		if err != nil {
			return nil, err
		}
		buf.Write(value)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// pyFloat is a float encoded as Python's json module does: 100.0, not 100.
type pyFloat float64

// MarshalJSON encodes f with a fractional part.
func (f pyFloat) MarshalJSON() ([]byte, error) {
	text := strconv.FormatFloat(float64(f), 'f', -1, 64)
	if !strings.ContainsAny(text, ".eE") {
		text += ".0"
	}
	return []byte(text), nil
}

// asInt converts a decoded JSON value to an integer id or number.
var asInt = jsonnum.Int

func asFloat(v any) (float64, bool) {
	if n, ok := v.(pyFloat); ok {
		return float64(n), true
	}
	return jsonnum.Float(v)
}

// asIDs converts a JSON list of integers. ok is false for any other value.
func asIDs(v any) ([]int64, bool) {
	list, isList := v.([]any)
	if !isList {
		if ids, isIDs := v.([]int64); isIDs {
			return ids, true
		}
		return nil, false
	}
	ids := make([]int64, 0, len(list))
	for _, item := range list {
		id, ok := asInt(item)
		if !ok {
			return nil, false
		}
		ids = append(ids, id)
	}
	return ids, true
}

// isFalsy reports whether v is empty in Python's sense (False, None, 0,
// "" or an empty list).
func isFalsy(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case []int64:
		return len(x) == 0
	}
	if f, ok := asFloat(v); ok {
		return f == 0
	}
	return false
}

// pyRepr formats v as Python's repr would, for error messages that quote
// values the way Odoo does.
func pyRepr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		return "'" + strings.ReplaceAll(x, "'", `\'`) + "'"
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for i, item := range x {
			parts[i] = pyRepr(item)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = pyRepr(k) + ": " + pyRepr(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

// pyTuple formats a domain leaf as a Python tuple.
func pyTuple(items []any) string {
	parts := make([]string, len(items))
	for i, item := range items {
		parts[i] = pyRepr(item)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
