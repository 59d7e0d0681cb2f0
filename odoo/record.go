package odoo

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/crmbot/crmbot/odoo/internal/jsonnum"
)

// Record is one row as read from Odoo: field name to JSON value. Odoo sends
// false for an empty value of any type, so the accessors treat false as
// the zero value.
type Record map[string]any

// ID returns the "id" field.
func (r Record) ID() int64 { return r.Int("id") }

// String returns a char, text, html, selection, date or datetime field,
// or "" when it is false or absent.
func (r Record) String(field string) string {
	s, _ := r[field].(string)
	return s
}

// Int returns an integer field, the id of a many2one, or 0 when the field
// is false or absent.
func (r Record) Int(field string) int64 {
	if pair, ok := r[field].([]any); ok && len(pair) == 2 {
		id, _ := toInt(pair[0])
		return id
	}
	n, _ := toInt(r[field])
	return n
}

// Float returns a float or monetary field, or 0 when it is false or
// absent.
func (r Record) Float(field string) float64 {
	f, _ := toFloat(r[field])
	return f
}

// Bool returns a boolean field. False, absent and any other type read as
// false.
func (r Record) Bool(field string) bool {
	b, _ := r[field].(bool)
	return b
}

// Many2One returns the id and display name of a many2one field sent as
// [id, "name"]. ok is false when the field is false, absent or malformed.
func (r Record) Many2One(field string) (id int64, name string, ok bool) {
	pair, isList := r[field].([]any)
	if !isList || len(pair) != 2 {
		return 0, "", false
	}
	id, ok = toInt(pair[0])
	if !ok {
		return 0, "", false
	}
	name, _ = pair[1].(string)
	return id, name, true
}

// IDs returns the ids of a one2many or many2many field, or nil when it is
// false, absent or empty.
func (r Record) IDs(field string) []int64 {
	list, _ := r[field].([]any)
	if len(list) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(list))
	for _, v := range list {
		if id, ok := toInt(v); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// Time returns a datetime field, sent by Odoo in UTC, in loc (nil means
// UTC). It returns the zero time when the field is false, absent or not a
// datetime "YYYY-MM-DD HH:MM:SS".
func (r Record) Time(field string, loc *time.Location) time.Time {
	s, _ := r[field].(string)
	t, err := ParseDatetime(s, loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Date returns a date field as midnight UTC of that day (see ParseDate),
// or the zero time when the field is false, absent or not a date
// "YYYY-MM-DD".
func (r Record) Date(field string) time.Time {
	s, _ := r[field].(string)
	t, err := ParseDate(s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// toInt and toFloat convert decoded JSON numbers; see package jsonnum.
var (
	toInt   = jsonnum.Int
	toFloat = jsonnum.Float
)

// Many2One is a many2one value for typed results: [id, "name"] on the
// wire, or false when empty, which decodes to the zero value.
type Many2One struct {
	ID   int64
	Name string
}

// Valid reports whether the value names a record.
func (m Many2One) Valid() bool { return m.ID != 0 }

// UnmarshalJSON decodes [id, "name"], false or null.
func (m *Many2One) UnmarshalJSON(data []byte) error {
	*m = Many2One{}
	if isEmptyJSON(data) {
		return nil
	}
	var pair []any
	if err := decodeNumbers(data, &pair); err != nil {
		return fmt.Errorf("decode many2one %s: %w", data, err)
	}
	if len(pair) == 0 {
		return nil
	}
	id, ok := toInt(pair[0])
	if !ok {
		return fmt.Errorf("decode many2one %s: id is not an integer", data)
	}
	m.ID = id
	if len(pair) > 1 {
		m.Name, _ = pair[1].(string)
	}
	return nil
}

// MarshalJSON encodes the id as Odoo expects in write and create, or false
// for the zero value.
func (m Many2One) MarshalJSON() ([]byte, error) {
	if m.ID == 0 {
		return []byte("false"), nil
	}
	return []byte(strconv.FormatInt(m.ID, 10)), nil
}

// Text is a char, text, html, selection, date or datetime value for typed
// results: false and null decode to "".
type Text string

// UnmarshalJSON decodes a JSON string, false or null.
func (t *Text) UnmarshalJSON(data []byte) error {
	if isEmptyJSON(data) {
		*t = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("decode text %s: %w", data, err)
	}
	*t = Text(s)
	return nil
}

// NameResult is one match of NameSearch: the id and display name.
type NameResult struct {
	ID   int64
	Name string
}

// UnmarshalJSON decodes the [id, "display name"] pair sent by Odoo.
func (n *NameResult) UnmarshalJSON(data []byte) error {
	var m Many2One
	if err := m.UnmarshalJSON(data); err != nil {
		return err
	}
	*n = NameResult(m)
	return nil
}

func isEmptyJSON(data []byte) bool {
	s := string(data)
	return s == "false" || s == "null"
}
