package odoosim

import "fmt"

// seedRecord is one record of the seed data, created with a fixed id.
type seedRecord struct {
	model string
	id    int64
	vals  map[string]any
}

// irModelIDs are the ir.model ids of the simulated models. Those of
// crm.lead, mail.activity and calendar.event are the ids a real Odoo 19
// database with crm and calendar gave them. The others are arbitrary.
var irModelIDs = []struct {
	id          int64
	model, name string
}{
	{85, "res.partner", "Contact"},
	{95, "res.users", "User"},
	{90, "res.company", "Companies"},
	{92, "res.currency", "Currency"},
	{10, "ir.model", "Models"},
	{33, "ir.module.module", "Module"},
	{67, "res.groups", "Access Groups"},
	{160, "mail.message", "Message"},
	{165, "mail.message.subtype", "Message subtypes"},
	{177, "mail.activity.type", "Activity Type"},
	{178, "mail.activity", "Activity"},
	{378, "calendar.event", "Calendar Event"},
	{413, "crm.team", "Sales Team"},
	{415, "crm.lost.reason", "Opp. Lost Reason"},
	{417, "crm.stage", "CRM Stages"},
	{419, "crm.tag", "CRM Tag"},
	{421, "crm.lead", "Lead"},
}

// seedRecords returns the seed data in creation order.
func seedRecords() []seedRecord {
	records := []seedRecord{
		{"res.currency", 1, map[string]any{"name": "USD", "symbol": "$"}},
		{"res.partner", 1, map[string]any{"name": "YourCompany",
			"is_company": true, "email": "info@yourcompany.example",
			"phone": "+1 555 0110", "city": "Springfield"}},
		{"res.company", 1, map[string]any{"name": "YourCompany",
			"partner_id": 1, "currency_id": 1}},
		{"res.partner", 3, map[string]any{"name": "Mitchell Admin",
			"parent_id": 1, "email": "admin@yourcompany.example",
			"function": "Chief Executive Officer"}},
		{"res.partner", 7, map[string]any{"name": "Sales One",
			"parent_id": 1, "email": "sales1@yourcompany.example"}},
		{"res.groups", 1, map[string]any{"name": "Internal User",
			"full_name": "Role / Internal User"}},
		{"res.groups", 2, map[string]any{"name": "Settings",
			"full_name": "Administration / Settings"}},
		{"res.groups", 3, map[string]any{"name": "User: Own Documents Only",
			"full_name": "Sales / User: Own Documents Only"}},
		{"res.groups", 4, map[string]any{"name": "User: All Documents",
			"full_name": "Sales / User: All Documents"}},
		{"res.groups", 5, map[string]any{"name": "Administrator",
			"full_name": "Sales / Administrator"}},
		{"res.users", 2, map[string]any{"name": "Mitchell Admin",
			"login": "admin", "partner_id": 3, "share": false,
			"email":     "admin@yourcompany.example",
			"group_ids": []any{1, 2, 3, 4, 5}}},
		{"res.users", 7, map[string]any{"name": "Sales One",
			"login": "sales1", "partner_id": 7, "share": false,
			"email":     "sales1@yourcompany.example",
			"group_ids": []any{1, 3}}},
		{"res.partner", 10, map[string]any{"name": "Acme Corporation",
			"is_company": true, "email": "info@acme.example",
			"phone": "+1 555 0142", "city": "Springfield",
			"website": "https://acme.example"}},
		{"res.partner", 11, map[string]any{"name": "Jordan Lee",
			"parent_id": 10, "function": "Purchasing Manager",
			"email": "jordan.lee@acme.example", "phone": "+1 555 0143"}},
		{"res.partner", 12, map[string]any{"name": "王芳",
			"user_id": 2}},
		{"crm.team", 1, map[string]any{"name": "Sales", "sequence": 10,
			"user_id": 2, "member_ids": []any{2, 7}, "company_id": 1}},
		{"crm.stage", 1, map[string]any{"name": "New", "sequence": 1}},
		{"crm.stage", 2, map[string]any{"name": "Qualified", "sequence": 2}},
		{"crm.stage", 3, map[string]any{"name": "Proposition",
			"sequence": 3}},
		{"crm.stage", 4, map[string]any{"name": "Won", "sequence": 70,
			"is_won": true}},
		{"crm.lost.reason", 1, map[string]any{"name": "Too expensive"}},
		{"crm.lost.reason", 2, map[string]any{
			"name": "We don't have people/skills"}},
		{"crm.lost.reason", 3, map[string]any{"name": "Not enough stock"}},
		{"crm.tag", 1, map[string]any{"name": "Product"}},
		{"crm.tag", 2, map[string]any{"name": "Services"}},
		{"crm.tag", 3, map[string]any{"name": "Consulting"}},
		{"mail.message.subtype", 1, map[string]any{"name": "Discussions",
			"sequence": 0}},
		{"mail.message.subtype", 2, map[string]any{"name": "Note",
			"sequence": 100, "internal": true}},
		{"mail.message.subtype", 3, map[string]any{"name": "Activities",
			"sequence": 90, "internal": true}},
		{"mail.activity.type", 1, map[string]any{"name": "Email",
			"sequence": 5, "category": "default", "delay_count": 0}},
		{"mail.activity.type", 2, map[string]any{"name": "Call",
			"sequence": 6, "category": "phonecall", "delay_count": 2}},
		{"mail.activity.type", 3, map[string]any{"name": "Meeting",
			"sequence": 10, "category": "meeting", "delay_count": 0}},
		{"mail.activity.type", 4, map[string]any{"name": "To-Do",
			"sequence": 3, "category": "default", "delay_count": 5}},
		{"mail.activity.type", 5, map[string]any{"name": "Document",
			"sequence": 12, "category": "upload_file", "delay_count": 5}},
	}
	for _, mod := range seedModules {
		records = append(records, seedRecord{"ir.module.module", mod.id,
			map[string]any{"name": mod.name, "shortdesc": mod.shortdesc,
				"state": mod.state}})
	}
	for _, m := range irModelIDs {
		records = append(records, seedRecord{"ir.model", m.id,
			map[string]any{"model": m.model, "name": m.name}})
	}
	return append(records,
		seedRecord{"crm.lead", 1, map[string]any{
			"name": "Office chairs for Acme", "type": "opportunity",
			"partner_id": 11, "user_id": 2, "stage_id": 2,
			"expected_revenue": 24000.0, "probability": 30.0,
			"tag_ids": []any{1}}},
		seedRecord{"crm.lead", 2, map[string]any{
			"name": "Website inquiry from 王芳", "type": "lead",
			"partner_id": 12, "user_id": false}},
		seedRecord{"crm.lead", 3, map[string]any{
			"name": "Acme maintenance contract", "type": "opportunity",
			"partner_id": 10, "user_id": 7, "stage_id": 3,
			"expected_revenue": 6000.0, "probability": 60.0,
			"tag_ids": []any{2}}},
	)
}

// seed creates the seed data as the administrator.
func (s *Server) seed() {
	e := s.newEnv(s.db, AdminUID, nil)
	for _, rec := range seedRecords() {
		s.db.tables[rec.model].nextID = rec.id
		if _, err := e.create(s.models[rec.model],
			[]map[string]any{rec.vals}); err != nil {
			panic(fmt.Sprintf("odoosim: seed %s %d: %v", rec.model, rec.id,
				err))
		}
	}
}
