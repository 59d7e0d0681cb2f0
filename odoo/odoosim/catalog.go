package odoosim

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// The field catalogues of res.partner and crm.lead are the fields_get
// responses of an Odoo 19.0 Community server with the crm, contacts and
// calendar modules, so types, selections and relations match a real one.
//
//go:embed catalog/*.json
var catalogFiles embed.FS

// field describes one field as fields_get reports it.
type field struct {
	Name      string      `json:"-"`
	Type      string      `json:"type"`
	String    string      `json:"string"`
	Required  bool        `json:"required"`
	Readonly  bool        `json:"readonly"`
	Selection [][2]string `json:"selection,omitempty"`
	Relation  string      `json:"relation,omitempty"`
}

// isRelational reports whether the field stores record ids.
func (f *field) isRelational() bool {
	switch f.Type {
	case "many2one", "one2many", "many2many":
		return true
	}
	return false
}

func (f *field) isMany() bool {
	return f.Type == "one2many" || f.Type == "many2many"
}

// model is the schema and behaviour of one simulated model.
type model struct {
	name        string
	description string
	fields      map[string]*field
	// order is the default order of searches, as in _order.
	order string
	// parentField names the many2one used by child_of, or "".
	parentField string
}

func (m *model) hasActive() bool { return m.fields["active"] != nil }

// fieldNames returns the field names in alphabetical order.
func (m *model) fieldNames() []string {
	names := make([]string, 0, len(m.fields))
	for name := range m.fields {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// loadCatalog reads an embedded fields_get response.
func loadCatalog(name string) map[string]*field {
	raw, err := catalogFiles.ReadFile("catalog/" + name + ".json")
	if err != nil {
		panic(fmt.Sprintf("odoosim: read catalogue of %s: %v", name, err))
	}
	fields := map[string]*field{}
	if err := json.Unmarshal(raw, &fields); err != nil {
		panic(fmt.Sprintf("odoosim: decode catalogue of %s: %v", name, err))
	}
	for fieldName, f := range fields {
		f.Name = fieldName
	}
	return fields
}

// parseFields builds fields from compact specs "name type [relation]
// [required] [readonly] [sel=key:Label,key:Label]", where "~" in a
// key or label stands for a space. Every model gets id,
// display_name, create_date and write_date as Odoo adds them.
func parseFields(specs ...string) map[string]*field {
	fields := map[string]*field{
		"id":           {Type: "integer", String: "ID", Readonly: true},
		"display_name": {Type: "char", String: "Display Name", Readonly: true},
		"create_date":  {Type: "datetime", String: "Created on", Readonly: true},
		"write_date":   {Type: "datetime", String: "Last Updated on", Readonly: true},
		"create_uid": {Type: "many2one", String: "Created by",
			Relation: "res.users", Readonly: true},
		"write_uid": {Type: "many2one", String: "Last Updated by",
			Relation: "res.users", Readonly: true},
	}
	for _, spec := range specs {
		words := strings.Fields(spec)
		f := &field{Name: words[0], Type: words[1], String: label(words[0])}
		for _, word := range words[2:] {
			switch {
			case word == "required":
				f.Required = true
			case word == "readonly":
				f.Readonly = true
			case strings.HasPrefix(word, "sel="):
				for _, pair := range strings.Split(word[4:], ",") {
					key, text, _ := strings.Cut(pair, ":")
					key = strings.ReplaceAll(key, "~", " ")
					text = strings.ReplaceAll(text, "~", " ")
					f.Selection = append(f.Selection, [2]string{key, text})
				}
			default:
				f.Relation = word
			}
		}
		fields[f.Name] = f
	}
	for name, f := range fields {
		f.Name = name
	}
	return fields
}

// label turns a field name into a field label: "date_deadline" becomes
// "Date Deadline".
func label(name string) string {
	name = strings.TrimSuffix(strings.TrimSuffix(name, "_ids"), "_id")
	words := strings.Split(name, "_")
	for i, w := range words {
		if w != "" {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}

// newModels returns the schemas of every simulated model.
func newModels() map[string]*model {
	models := []*model{
		{name: "res.partner", description: "Contact",
			fields: loadCatalog("res.partner"),
			order:  "display_name, id desc", parentField: "parent_id"},
		{name: "crm.lead", description: "Lead",
			fields: loadCatalog("crm.lead"), order: "priority desc, id desc"},
		{name: "res.users", description: "User", order: "name, id",
			fields: parseFields("name char required", "login char required",
				"partner_id many2one res.partner required", "active boolean",
				"email char", "lang char", "tz char", "share boolean readonly",
				"company_id many2one res.company",
				"group_ids many2many res.groups")},
		{name: "res.groups", description: "Access Groups", order: "name, id",
			fields: parseFields("name char required",
				"full_name char readonly")},
		{name: "res.company", description: "Companies", order: "id",
			fields: parseFields("name char required",
				"partner_id many2one res.partner",
				"currency_id many2one res.currency")},
		{name: "res.currency", description: "Currency", order: "name",
			fields: parseFields("name char required", "symbol char",
				"active boolean")},
		{name: "crm.stage", description: "CRM Stages",
			order: "sequence, name, id",
			fields: parseFields("name char required", "sequence integer",
				"is_won boolean", "fold boolean",
				"team_ids many2many crm.team", "requirements text")},
		{name: "crm.tag", description: "CRM Tag", order: "name, id",
			fields: parseFields("name char required", "color integer")},
		{name: "crm.lost.reason", description: "Opp. Lost Reason",
			order: "id", fields: parseFields("name char required",
				"active boolean")},
		{name: "crm.team", description: "Sales Team", order: "sequence, id",
			fields: parseFields("name char required", "sequence integer",
				"active boolean", "user_id many2one res.users",
				"member_ids many2many res.users",
				"company_id many2one res.company")},
		{name: "ir.module.module", description: "Module", order: "name",
			fields: parseFields("name char required readonly",
				"shortdesc char readonly", "state selection readonly "+
					moduleStateSelection)},
		{name: "ir.model", description: "Models", order: "model",
			fields: parseFields("model char required", "name char required",
				"transient boolean readonly")},
		{name: "mail.activity.type", description: "Activity Type",
			order: "sequence, id",
			fields: parseFields("name char required", "sequence integer",
				"active boolean", "delay_count integer", "res_model char",
				"category selection sel=default:None,upload_file:Upload~Document,"+
					"phonecall:Phonecall,meeting:Meeting")},
		{name: "mail.activity", description: "Activity",
			order: "date_deadline, id",
			fields: parseFields("res_model_id many2one ir.model",
				"res_model char readonly", "res_id integer",
				"res_name char readonly",
				"activity_type_id many2one mail.activity.type",
				"summary char", "note html", "date_deadline date required",
				"user_id many2one res.users",
				"state selection readonly sel=overdue:Overdue,today:Today,"+
					"planned:Planned,done:Done")},
		{name: "mail.message.subtype", description: "Message subtypes",
			order: "sequence, id", fields: parseFields("name char required",
				"sequence integer", "internal boolean")},
		{name: "mail.message", description: "Message", order: "id desc",
			fields: parseFields("model char", "res_id integer", "body html",
				"message_type selection sel=email:Incoming~Email,"+
					"comment:Comment,notification:System~notification",
				"subtype_id many2one mail.message.subtype",
				"author_id many2one res.partner", "date datetime")},
		{name: "calendar.event", description: "Calendar Event",
			order: "start desc, id desc",
			fields: parseFields("name char required", "start datetime",
				"stop datetime", "allday boolean", "start_date date",
				"stop_date date", "duration float", "location char",
				"description html", "partner_ids many2many res.partner",
				"user_id many2one res.users", "res_model_id many2one ir.model",
				"res_model char readonly", "res_id integer",
				"opportunity_id many2one crm.lead", "active boolean")},
	}

	byName := make(map[string]*model, len(models))
	for _, m := range models {
		byName[m.name] = m
	}
	return byName
}
