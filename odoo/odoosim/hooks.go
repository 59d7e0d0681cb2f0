package odoosim

import (
	"fmt"
	"slices"
	"time"
)

// defaultProbability is the probability given to a new lead that sets
// none.
// NOTE: Odoo computes it with predictive lead scoring, which the
// simulator replaces with this fixed value.
const defaultProbability = 10.0

// defaults returns the default values of a new record. A key present in
// vals, even with false, wins over its default.
func (e *env) defaults(m *model, vals map[string]any) row {
	r := row{}
	if m.hasActive() {
		r["active"] = true
	}
	switch m.name {
	case "res.partner":
		r["type"] = "contact"
		r["is_company"] = false
		r["lang"] = "en_US"
	case "res.users":
		r["lang"] = "en_US"
		r["tz"] = "Europe/Brussels"
	case "crm.lead":
		r["type"] = "lead"
		r["user_id"] = e.uid
		r["team_id"] = int64(1)
		r["priority"] = "0"
		r["company_id"] = int64(1)
		r["probability"] = defaultProbability
		if stage := e.firstStage(); stage != 0 {
			r["stage_id"] = stage
		}
		r["date_open"] = e.nowText()
		r["date_last_stage_update"] = e.nowText()
	case "mail.activity", "calendar.event":
		r["user_id"] = e.uid
	case "mail.message":
		r["date"] = e.nowText()
		r["message_type"] = "notification"
		if author := e.userPartner(); author != 0 {
			r["author_id"] = author
		}
	}
	for name := range vals {
		delete(r, name)
	}
	if !e.exists("crm.team", 1) {
		delete(r, "team_id")
	}
	if !e.exists("res.company", 1) {
		delete(r, "company_id")
	}
	return r
}

// firstStage returns the id of the stage with the lowest sequence, or 0.
func (e *env) firstStage() int64 {
	stages := e.model("crm.stage")
	ids := e.db.sortedIDs("crm.stage")
	e.sortIDs(stages, ids, []orderTerm{{field: "sequence"}, {field: "id"}})
	for _, id := range ids {
		if won, _ := e.db.row("crm.stage", id)["is_won"].(bool); !won {
			return id
		}
	}
	return 0
}

// userPartner returns the partner of the current user.
func (e *env) userPartner() int64 {
	if !e.exists("res.users", e.uid) {
		return 0
	}
	id, _ := e.db.row("res.users", e.uid)["partner_id"].(int64)
	return id
}

// onChange derives fields from the values just assigned, as the compute
// methods and onchanges of Odoo do.
func (e *env) onChange(m *model, r row, vals map[string]any) *rpcError {
	switch m.name {
	case "res.partner":
		if companyType, ok := vals["company_type"]; ok {
			r["is_company"] = companyType == "company"
		}
	case "crm.lead":
		e.onChangeLead(r, vals)
	case "calendar.event":
		return e.onChangeEvent(r)
	}
	return nil
}

// onChangeLead fills the contact fields of a lead from its partner, unless
// vals sets them, and tracks stage changes.
func (e *env) onChangeLead(r row, vals map[string]any) {
	if _, ok := vals["partner_id"]; ok {
		e.fillFromPartner(r, vals)
	}
	if _, ok := vals["stage_id"]; ok {
		r["date_last_stage_update"] = e.nowText()
		if e.stageIsWon(r["stage_id"]) {
			r["probability"] = 100.0
			r["date_closed"] = e.nowText()
		}
	}
}

func (e *env) fillFromPartner(r row, vals map[string]any) {
	partnerID, _ := r["partner_id"].(int64)
	if !e.exists("res.partner", partnerID) {
		return
	}
	partner := e.db.row("res.partner", partnerID)
	setUnlessSent := func(name string, v any) {
		if _, sent := vals[name]; sent || v == nil || v == "" {
			return
		}
		r[name] = v
	}

	if isCompany, _ := partner["is_company"].(bool); isCompany {
		setUnlessSent("partner_name", partner["name"])
	} else {
		setUnlessSent("contact_name", partner["name"])
		parentID, _ := partner["parent_id"].(int64)
		if e.exists("res.partner", parentID) {
			setUnlessSent("partner_name",
				e.db.row("res.partner", parentID)["name"])
		}
	}
	setUnlessSent("email_from", partner["email"])
	setUnlessSent("phone", partner["phone"])
	setUnlessSent("function", partner["function"])
}

func (e *env) stageIsWon(v any) bool {
	id, _ := v.(int64)
	if !e.exists("crm.stage", id) {
		return false
	}
	won, _ := e.db.row("crm.stage", id)["is_won"].(bool)
	return won
}

// onChangeEvent sets start and stop of an all-day event from its dates
// and the duration from start and stop.
func (e *env) onChangeEvent(r row) *rpcError {
	if allDay, _ := r["allday"].(bool); allDay {
		if day, ok := r["start_date"].(string); ok {
			r["start"] = day + " 08:00:00"
		}
		if day, ok := r["stop_date"].(string); ok {
			r["stop"] = day + " 18:00:00"
		}
	}
	start, okStart := r["start"].(string)
	stop, okStop := r["stop"].(string)
	if !okStart || !okStop {
		return nil
	}
	from, err1 := time.Parse(datetimeLayout, start)
	to, err2 := time.Parse(datetimeLayout, stop)
	if err1 == nil && err2 == nil {
		r["duration"] = to.Sub(from).Hours()
	}
	return nil
}

// afterCreate checks the constraints that need the stored record.
func (e *env) afterCreate(m *model, r row) *rpcError {
	switch m.name {
	case "mail.activity":
		resID, _ := r["res_id"].(int64)
		if r["res_model_id"] == nil || resID == 0 {
			return errValidation("The operation cannot be completed: " +
				"an activity must be linked to a record; set res_model_id " +
				"(the ir.model id) and res_id.")
		}
	case "calendar.event":
		if r["start"] == nil || r["stop"] == nil {
			return errValidation("The operation cannot be completed: " +
				"Missing required value for the field 'Start' (start).\n" +
				"Model: 'Calendar Event' (calendar.event)")
		}
	}
	return nil
}

// beforeUnlink rejects deleting the contact of an active user, as Odoo
// does with a RedirectWarning (HTTP 500).
func (e *env) beforeUnlink(m *model, ids []int64) *rpcError {
	if m.name != "res.partner" {
		return nil
	}
	for _, userID := range e.db.sortedIDs("res.users") {
		u := e.db.row("res.users", userID)
		partnerID, _ := u["partner_id"].(int64)
		if u["active"] != true || !slices.Contains(ids, partnerID) {
			continue
		}
		message := fmt.Sprintf("You cannot delete contacts linked to an "+
			"active user.\nArchive the user first, then archive the "+
			"contact.\n\nLinked active users : %s", u["name"])
		action := map[string]any{"type": "ir.actions.act_window",
			"res_model": "res.users", "context": map[string]any{
				"create": false}, "view_mode": "form", "res_id": userID}
		return &rpcError{status: 500,
			name:      "odoo.exceptions.RedirectWarning",
			message:   message + "\n" + pyRepr(action) + "\nGo to users\nNone",
			arguments: []any{message, action, "Go to users", nil}}
	}
	return nil
}
