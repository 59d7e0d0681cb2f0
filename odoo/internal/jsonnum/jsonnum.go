// Package jsonnum converts numbers decoded from JSON, as json.Number,
// float64 or a Go integer, to int64 and float64. The Odoo client and the
// simulator both decode Odoo's JSON values with it.
package jsonnum

import (
	"encoding/json"
	"math"
)

// Int converts v to int64. It accepts json.Number, float64 with no
// fraction, int and int64, and reports false for anything else.
func Int(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i, true
		}
		f, err := n.Float64()
		if err != nil || f != math.Trunc(f) {
			return 0, false
		}
		return int64(f), true
	case float64:
		if n != math.Trunc(n) {
			return 0, false
		}
		return int64(n), true
	case int:
		return int64(n), true
	case int64:
		return n, true
	}
	return 0, false
}

// Float converts v to float64. It accepts json.Number, float64, int and
// int64, and reports false for anything else.
func Float(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}
