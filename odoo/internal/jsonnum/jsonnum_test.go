package jsonnum

import (
	"encoding/json"
	"testing"
)

func TestInt(t *testing.T) {
	tests := []struct {
		in   any
		want int64
		ok   bool
	}{
		{json.Number("42"), 42, true},
		{json.Number("42.0"), 42, true},
		{json.Number("4.5"), 0, false},
		{float64(7), 7, true},
		{7.5, 0, false},
		{int(3), 3, true},
		{int64(-2), -2, true},
		{false, 0, false},
		{"12", 0, false},
	}
	for _, tt := range tests {
		got, ok := Int(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Int(%#v) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFloat(t *testing.T) {
	tests := []struct {
		in   any
		want float64
		ok   bool
	}{
		{json.Number("12500.5"), 12500.5, true},
		{json.Number("x"), 0, false},
		{2.25, 2.25, true},
		{int(3), 3, true},
		{int64(4), 4, true},
		{false, 0, false},
	}
	for _, tt := range tests {
		got, ok := Float(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Float(%#v) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
