package odoo

import (
	"encoding/json"
	"slices"
	"testing"
)

// falseRow is a row as Odoo sends it, with false for empty values.
const falseRow = `{"id": 7, "name": "王芳", "email": false, "phone": false,
	"parent_id": false, "user_id": [2, "Mitchell Admin"],
	"expected_revenue": 12500.0, "probability": false, "active": false,
	"is_company": true, "tag_ids": [9, 10], "category_id": [],
	"child_ids": false, "color": 3}`

func decodeRow(t *testing.T, numbers bool) Record {
	t.Helper()
	var r Record
	var err error
	if numbers {
		err = decodeNumbers([]byte(falseRow), &r)
	} else {
		err = json.Unmarshal([]byte(falseRow), &r)
	}
	if err != nil {
		t.Fatalf("decode row: %v", err)
	}
	return r
}

func TestRecordTreatsFalseAsEmpty(t *testing.T) {
	// Rows decoded with json.Number (as Read returns them) and with
	// float64 (as a plain json.Unmarshal gives) read the same.
	for _, numbers := range []bool{true, false} {
		r := decodeRow(t, numbers)

		strings := []struct{ field, want string }{
			{"name", "王芳"}, {"email", ""}, {"phone", ""}, {"missing", ""},
			{"parent_id", ""},
		}
		for _, tt := range strings {
			if got := r.String(tt.field); got != tt.want {
				t.Errorf("String(%q): got %q, want %q", tt.field, got, tt.want)
			}
		}

		ints := []struct {
			field string
			want  int64
		}{
			{"id", 7}, {"color", 3}, {"parent_id", 0}, {"user_id", 2},
			{"email", 0},
		}
		for _, tt := range ints {
			if got := r.Int(tt.field); got != tt.want {
				t.Errorf("Int(%q): got %d, want %d", tt.field, got, tt.want)
			}
		}

		floats := []struct {
			field string
			want  float64
		}{
			{"expected_revenue", 12500}, {"probability", 0}, {"missing", 0},
		}
		for _, tt := range floats {
			if got := r.Float(tt.field); got != tt.want {
				t.Errorf("Float(%q): got %v, want %v", tt.field, got, tt.want)
			}
		}

		bools := []struct {
			field string
			want  bool
		}{
			{"active", false}, {"is_company", true}, {"email", false},
		}
		for _, tt := range bools {
			if got := r.Bool(tt.field); got != tt.want {
				t.Errorf("Bool(%q): got %v, want %v", tt.field, got, tt.want)
			}
		}

		if id, name, ok := r.Many2One("parent_id"); ok || id != 0 ||
			name != "" {
			t.Errorf("Many2One(parent_id): got (%d, %q, %v), want (0, \"\", "+
				"false)", id, name, ok)
		}
		if id, name, ok := r.Many2One("user_id"); !ok || id != 2 ||
			name != "Mitchell Admin" {
			t.Errorf("Many2One(user_id): got (%d, %q, %v), want (2, %q, "+
				"true)", id, name, ok, "Mitchell Admin")
		}

		ids := []struct {
			field string
			want  []int64
		}{
			{"tag_ids", []int64{9, 10}}, {"category_id", nil},
			{"child_ids", nil}, {"missing", nil},
		}
		for _, tt := range ids {
			if got := r.IDs(tt.field); !slices.Equal(got, tt.want) {
				t.Errorf("IDs(%q): got %v, want %v", tt.field, got, tt.want)
			}
		}
	}
}

func TestTypedValuesDecodeFalse(t *testing.T) {
	var row struct {
		Name     Text     `json:"name"`
		Email    Text     `json:"email"`
		ParentID Many2One `json:"parent_id"`
		UserID   Many2One `json:"user_id"`
	}
	if err := json.Unmarshal([]byte(falseRow), &row); err != nil {
		t.Fatalf("decode typed row: %v", err)
	}
	if row.Name != "王芳" {
		t.Errorf("Name: got %q, want %q", row.Name, "王芳")
	}
	if row.Email != "" {
		t.Errorf("Email: got %q, want empty", row.Email)
	}
	if row.ParentID.Valid() {
		t.Errorf("ParentID: got %v, want empty", row.ParentID)
	}
	if want := (Many2One{2, "Mitchell Admin"}); row.UserID != want {
		t.Errorf("UserID: got %v, want %v", row.UserID, want)
	}

	out, err := json.Marshal(map[string]Many2One{"a": {}, "b": {ID: 5}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(out), `{"a":false,"b":5}`; got != want {
		t.Errorf("marshal many2one: got %s, want %s", got, want)
	}
}

func TestNameResultDecode(t *testing.T) {
	var results []NameResult
	data := `[[43, "Wire Test Company"], [44, "Wire Test Company, Jane Wire"]]`
	if err := json.Unmarshal([]byte(data), &results); err != nil {
		t.Fatalf("decode: %v", err)
	}
	want := []NameResult{{43, "Wire Test Company"},
		{44, "Wire Test Company, Jane Wire"}}
	if !slices.Equal(results, want) {
		t.Errorf("results: got %v, want %v", results, want)
	}
}
