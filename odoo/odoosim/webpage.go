package odoosim

import (
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// recordPage shows one record at the path Odoo 19's web client uses,
// /odoo/<model>/<id>, so the links the bot sends open something in a demo.
// It is a plain read-only table, not Odoo's form view, and needs no key:
// the simulator serves only loopback addresses and holds demo data.
var recordPage = template.Must(template.New("record").Parse(`<!doctype html>
<html lang="en"><meta charset="utf-8">
<title>{{.Model}} {{.ID}} · Odoo simulator</title>
<style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em .8em;text-align:left;border-bottom:1px solid #ddd}</style>
<h1>{{.Model}} {{.ID}}</h1>
<p>Odoo 19 simulator, database {{.Database}}: a read-only view of the stored record.</p>
<table>{{range .Fields}}<tr><th>{{.Name}}</th><td>{{.Value}}</td></tr>{{end}}</table>
`))

type pageField struct{ Name, Value string }

// serveRecordPage handles GET /odoo/<model>/<id>.
func (s *Server) serveRecordPage(w http.ResponseWriter, r *http.Request) bool {
	rest, ok := strings.CutPrefix(r.URL.Path, "/odoo/")
	if !ok || r.Method != http.MethodGet {
		return false
	}
	model, idText, ok := strings.Cut(rest, "/")
	id, err := strconv.ParseFloat(idText, 64)
	if !ok || err != nil {
		return false
	}
	for _, rec := range s.Records(model) {
		if rec["id"] != id {
			continue
		}
		var fields []pageField
		for name, v := range rec {
			text, _ := json.Marshal(v)
			fields = append(fields, pageField{Name: name, Value: string(text)})
		}
		slices.SortFunc(fields, func(a, b pageField) int { return strings.Compare(a.Name, b.Name) })
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		data := map[string]any{"Model": model, "ID": idText, "Database": s.database, "Fields": fields}
		if err := recordPage.Execute(w, data); err != nil {
			s.logger.Warn("render record page", "model", model, "id", idText, "error", err)
		}
		return true
	}
	return false
}
