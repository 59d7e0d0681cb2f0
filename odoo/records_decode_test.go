package odoo_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/odoo"
)

func TestSearchReadRejectsOddShapes(t *testing.T) {
	tests := []struct{ body, want string }{
		{`{"id": 1}`, "want a list"},
		{`[1, 2]`, "want an object"},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, tt.body)
		}))
		c, err := odoo.New(odoo.Config{URL: srv.URL, APIKey: "k"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.SearchRead(context.Background(), "res.partner", nil, []string{"name"}, odoo.SearchOptions{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("body %s: got %v, want an error containing %q", tt.body, err, tt.want)
		}
		srv.Close()
	}
}

func TestSearchReadEmptyList(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `[]`)
	}))
	defer srv.Close()
	c, err := odoo.New(odoo.Config{URL: srv.URL, APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := c.SearchRead(context.Background(), "res.partner", nil, []string{"name"}, odoo.SearchOptions{})
	if err != nil || len(rows) != 0 {
		t.Errorf("empty result: got %v, %v; want no rows and no error", rows, err)
	}
}
