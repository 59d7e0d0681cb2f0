package odoosim

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"
)

// get returns the stored or computed value of a field, or nil when empty.
func (e *env) get(m *model, r row, name string) any {
	if v, ok := e.compute(m, r, name); ok {
		return v
	}
	v, ok := r[name]
	if !ok {
		return nil
	}
	return v
}

// wire returns a field value as Odoo sends it: false for empty values of
// any type except numbers (0) and x2many fields ([]), and [id, "name"]
// for a many2one.
func (e *env) wire(m *model, r row, name string) any {
	f := m.fields[name]
	v := e.get(m, r, name)
	switch f.Type {
	case "integer":
		n, _ := asInt(v)
		return n
	case "float", "monetary":
		x, _ := asFloat(v)
		return pyFloat(x)
	case "boolean":
		b, _ := v.(bool)
		return b
	case "many2one":
		id, ok := v.(int64)
		if !ok || id == 0 {
			return false
		}
		return []any{id, e.displayName(f.Relation, id)}
	case "one2many", "many2many":
		ids, _ := v.([]int64)
		if ids == nil {
			ids = []int64{}
		}
		return ids
	}
	if v == nil || v == "" && f.Type != "char" {
		return false
	}
	return v
}

// displayName returns the display_name of a record, or "" when the model
// is not simulated or the record does not exist.
func (e *env) displayName(modelName string, id int64) string {
	m := e.model(modelName)
	if m == nil || !e.exists(modelName, id) {
		return ""
	}
	s, _ := e.get(m, e.db.row(modelName, id), "display_name").(string)
	return s
}

// compute returns the value of a computed field. ok is false for stored
// fields.
func (e *env) compute(m *model, r row, name string) (any, bool) {
	if name == "display_name" {
		return e.computeDisplayName(m, r), true
	}
	switch m.name {
	case "res.partner":
		return e.computePartner(r, name)
	case "crm.lead":
		return e.computeLead(m, r, name)
	case "mail.activity":
		return e.computeActivity(r, name)
	case "calendar.event":
		if name == "res_model" {
			return e.modelNameOf(r["res_model_id"]), true
		}
	}
	return nil, false
}

func (e *env) computeDisplayName(m *model, r row) any {
	switch m.name {
	case "ir.model":
		return r["name"]
	case "mail.activity":
		if s, ok := r["summary"].(string); ok && s != "" {
			return s
		}
		typeID, _ := r["activity_type_id"].(int64)
		return e.displayName("mail.activity.type", typeID)
	case "mail.message":
		return e.nameOf("mail.message.subtype", r["subtype_id"])
	case "res.partner":
		name, _ := r["name"].(string)
		parentID, _ := r["parent_id"].(int64)
		if isCompany, _ := r["is_company"].(bool); isCompany ||
			parentID == 0 {
			return name
		}
		return e.displayName("res.partner", parentID) + ", " + name
	}
	name, _ := r["name"].(string)
	return name
}

func (e *env) nameOf(modelName string, v any) string {
	id, _ := v.(int64)
	return e.displayName(modelName, id)
}

// modelNameOf returns the technical name of the ir.model record id, or
// nil when it is empty.
func (e *env) modelNameOf(v any) any {
	id, _ := v.(int64)
	if !e.exists("ir.model", id) {
		return nil
	}
	return e.db.row("ir.model", id)["model"]
}

func (e *env) computePartner(r row, name string) (any, bool) {
	switch name {
	case "complete_name":
		return e.computeDisplayName(e.model("res.partner"), r), true
	case "company_type":
		if isCompany, _ := r["is_company"].(bool); isCompany {
			return "company", true
		}
		return "person", true
	case "commercial_partner_id":
		return e.commercialPartner(r), true
	case "parent_name":
		return nilIfEmpty(e.nameOf("res.partner", r["parent_id"])), true
	case "email_normalized":
		return normalizeEmail(r["email"]), true
	case "phone_sanitized":
		return sanitizePhone(r["phone"]), true
	case "child_ids":
		return e.idsWhere("res.partner", "parent_id", r["id"]), true
	case "user_ids":
		return e.idsWhere("res.users", "partner_id", r["id"]), true
	case "opportunity_ids":
		return e.idsWhere("crm.lead", "partner_id", r["id"]), true
	case "activity_ids", "activity_state", "activity_summary",
		"activity_date_deadline", "activity_user_id", "activity_type_id":
		return e.computeActivitySummary("res.partner", r, name), true
	}
	return nil, false
}

// commercialPartner returns the id of the topmost company above a contact,
// or the contact itself.
func (e *env) commercialPartner(r row) int64 {
	for depth := 0; depth < 32; depth++ {
		isCompany, _ := r["is_company"].(bool)
		parentID, _ := r["parent_id"].(int64)
		if isCompany || parentID == 0 || !e.exists("res.partner", parentID) {
			break
		}
		r = e.db.row("res.partner", parentID)
	}
	id, _ := r["id"].(int64)
	return id
}

// idsWhere returns the ids of records of modelName whose field equals v.
func (e *env) idsWhere(modelName, fieldName string, v any) []int64 {
	var ids []int64
	for _, id := range e.db.sortedIDs(modelName) {
		if e.db.row(modelName, id)[fieldName] == v {
			ids = append(ids, id)
		}
	}
	return ids
}

func (e *env) computeLead(m *model, r row, name string) (any, bool) {
	switch name {
	case "email_normalized":
		return normalizeEmail(r["email_from"]), true
	case "phone_sanitized":
		return sanitizePhone(r["phone"]), true
	case "company_currency":
		return int64(1), true
	case "commercial_partner_id":
		partnerID, _ := r["partner_id"].(int64)
		if !e.exists("res.partner", partnerID) {
			return nil, true
		}
		return e.commercialPartner(e.db.row("res.partner", partnerID)), true
	case "won_status":
		return e.wonStatus(r), true
	case "is_automated_probability":
		return false, true
	case "duplicate_lead_ids":
		return e.duplicateLeads(m, r), true
	case "calendar_event_ids":
		return e.idsWhere("calendar.event", "opportunity_id", r["id"]), true
	case "activity_ids", "activity_state", "activity_summary",
		"activity_date_deadline", "activity_user_id", "activity_type_id":
		return e.computeActivitySummary("crm.lead", r, name), true
	}
	return nil, false
}

// wonStatus is "won" in a won stage, "lost" when archived with no
// probability, and "pending" otherwise.
func (e *env) wonStatus(r row) string {
	active, _ := r["active"].(bool)
	probability, _ := asFloat(r["probability"])
	if !active && probability == 0 {
		return "lost"
	}
	stageID, _ := r["stage_id"].(int64)
	if e.exists("crm.stage", stageID) {
		if won, _ := e.db.row("crm.stage", stageID)["is_won"].(bool); won {
			return "won"
		}
	}
	return "pending"
}

// duplicateLeads returns the other leads with the same normalized email
// or sanitized phone.
func (e *env) duplicateLeads(m *model, r row) []int64 {
	email := normalizeEmail(r["email_from"])
	phone := sanitizePhone(r["phone"])
	var ids []int64
	for _, id := range e.db.sortedIDs("crm.lead") {
		other := e.db.row("crm.lead", id)
		if id == r["id"] {
			continue
		}
		if email != nil && normalizeEmail(other["email_from"]) == email ||
			phone != nil && sanitizePhone(other["phone"]) == phone {
			ids = append(ids, id)
		}
	}
	return ids
}

func (e *env) computeActivity(r row, name string) (any, bool) {
	switch name {
	case "res_model":
		return e.modelNameOf(r["res_model_id"]), true
	case "res_name":
		modelName, _ := e.modelNameOf(r["res_model_id"]).(string)
		resID, _ := r["res_id"].(int64)
		return nilIfEmpty(e.displayName(modelName, resID)), true
	case "state":
		deadline, _ := r["date_deadline"].(string)
		today := e.now.UTC().Format(dateLayout)
		switch {
		case deadline == "":
			return nil, true
		case deadline < today:
			return "overdue", true
		case deadline == today:
			return "today", true
		}
		return "planned", true
	}
	return nil, false
}

// computeActivitySummary computes the activity fields of a record from
// its open activities. The next activity (earliest deadline, then lowest
// id) gives the summary, user, type and deadline.
func (e *env) computeActivitySummary(modelName string, r row,
	name string) any {
	activities := e.model("mail.activity")
	var ids []int64
	for _, id := range e.db.sortedIDs("mail.activity") {
		a := e.db.row("mail.activity", id)
		if e.modelNameOf(a["res_model_id"]) == modelName &&
			a["res_id"] == r["id"] {
			ids = append(ids, id)
		}
	}
	if name == "activity_ids" {
		return ids
	}
	if len(ids) == 0 {
		return nil
	}
	e.sortIDs(activities, ids, []orderTerm{{field: "date_deadline"},
		{field: "id"}})
	next := e.db.row("mail.activity", ids[0])
	switch name {
	case "activity_state":
		return e.get(activities, next, "state")
	case "activity_summary":
		return next["summary"]
	case "activity_date_deadline":
		return next["date_deadline"]
	case "activity_user_id":
		return next["user_id"]
	}
	return next["activity_type_id"]
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// normalizeEmail returns the lower-cased address of an email value such
// as "Jane <Jane@Example.com>", or nil when there is none.
func normalizeEmail(v any) any {
	s, _ := v.(string)
	if open := strings.LastIndexByte(s, '<'); open >= 0 {
		if end := strings.IndexByte(s[open:], '>'); end > 0 {
			s = s[open+1 : open+end]
		}
	}
	s = strings.ToLower(strings.TrimSpace(s))
	if !strings.Contains(s, "@") {
		return nil
	}
	return s
}

// sanitizePhone returns a phone number as "+" and digits when it is in
// international form with 7 to 15 digits, or nil.
// NOTE: Odoo formats numbers with the phonenumbers library and the
// country of the record, so local numbers it would accept come out nil
// here.
func sanitizePhone(v any) any {
	s, _ := v.(string)
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "00") {
		s = "+" + s[2:]
	}
	if !strings.HasPrefix(s, "+") {
		return nil
	}
	var digits strings.Builder
	for _, c := range s[1:] {
		switch {
		case c >= '0' && c <= '9':
			digits.WriteRune(c)
		case strings.ContainsRune(" -.()/", c):
		default:
			return nil
		}
	}
	if n := digits.Len(); n < 7 || n > 15 {
		return nil
	}
	return "+" + digits.String()
}

// convert turns a value sent by a client into the stored form of field f,
// checking it as Odoo would.
func (e *env) convert(m *model, f *field, v, current any) (any,
	*rpcError) {
	if f.Type != "boolean" && (v == nil || v == false) {
		return nil, nil
	}
	switch f.Type {
	case "boolean":
		return !isFalsy(v), nil
	case "integer":
		return convertInt(v)
	case "float", "monetary":
		return convertFloat(v)
	case "selection":
		return convertSelection(m, f, v)
	case "date":
		return convertTime(v, dateLayout, "%Y-%m-%d")
	case "datetime":
		return convertTime(v, datetimeLayout, "%Y-%m-%d %H:%M:%S")
	case "many2one":
		return e.convertMany2One(m, f, v)
	case "one2many", "many2many":
		return e.convertX2Many(m, f, v, current)
	case "char", "text":
		return stringOf(v), nil
	case "html":
		return sanitizeHTML(stringOf(v)), nil
	}
	return v, nil
}

func stringOf(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return pyRepr(v)
}

func convertInt(v any) (any, *rpcError) {
	if n, ok := asInt(v); ok {
		return n, nil
	}
	if s, ok := v.(string); ok {
		if n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
			return n, nil
		}
	}
	return nil, errValue(fmt.Sprintf(
		"invalid literal for int() with base 10: %s", pyRepr(v)))
}

func convertFloat(v any) (any, *rpcError) {
	if x, ok := asFloat(v); ok {
		return x, nil
	}
	if s, ok := v.(string); ok {
		if x, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			return x, nil
		}
	}
	return nil, errValue("could not convert string to float: " + pyRepr(v))
}

func convertSelection(m *model, f *field, v any) (any, *rpcError) {
	s, ok := v.(string)
	for _, option := range f.Selection {
		if ok && option[0] == s {
			return s, nil
		}
	}
	// res.partner.lang and tz list only what the server has installed.
	if ok && (f.Name == "lang" || f.Name == "tz") {
		return s, nil
	}
	return nil, errValue(fmt.Sprintf("Wrong value for %s.%s: %s",
		m.name, f.Name, pyRepr(v)))
}

func convertTime(v any, layout, pyFormat string) (any, *rpcError) {
	s, ok := v.(string)
	if !ok {
		return nil, errType(fmt.Sprintf(
			"strptime() argument 1 must be str, not %T", v))
	}
	value := s
	// A datetime field also accepts a bare date, as Odoo does.
	if layout == datetimeLayout && len(s) == len(dateLayout) {
		value = s + " 00:00:00"
	}
	if _, err := time.Parse(layout, value); err != nil {
		return nil, errValue(fmt.Sprintf(
			"time data %s does not match format '%s'", pyRepr(s), pyFormat))
	}
	return value, nil
}

// sanitizeHTML wraps plain text in a paragraph, as Odoo's html fields
// store it. Markup is kept as sent.
// NOTE: Odoo also strips unsafe tags and attributes, but the simulator does
// not.
func sanitizeHTML(s string) string {
	if s == "" || strings.HasPrefix(strings.TrimSpace(s), "<") {
		return s
	}
	return "<p>" + html.EscapeString(s) + "</p>"
}

// convertMany2One checks that the related record exists. Odoo 19 reports
// a missing one as a broken foreign key, in words about deleting records.
func (e *env) convertMany2One(m *model, f *field, v any) (any, *rpcError) {
	id, ok := asInt(v)
	if !ok {
		return nil, errValue(fmt.Sprintf(
			"Wrong value for %s.%s: %s", m.name, f.Name, pyRepr(v)))
	}
	// NOTE: ids of models the simulator does not have (countries, UTM
	// sources) are stored unchecked and read back with an empty name.
	if e.model(f.Relation) != nil && !e.exists(f.Relation, id) {
		return nil, errValidation(fmt.Sprintf("The operation cannot be "+
			"completed: Another model is using the record you are trying "+
			"to delete.\n\nThe troublemaker is: '%s' (%s)\nThanks to the "+
			"following constraint: '%s' (%s)\nHow about archiving the "+
			"record instead?", m.description, m.name, f.String, f.Name))
	}
	return id, nil
}
