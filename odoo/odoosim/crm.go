package odoosim

import (
	"fmt"
	"html"
)

// runSetWon moves leads to the first won stage with probability 100.
func runSetWon(e *env, m *model, ids []int64, _ map[string]any) (any,
	*rpcError) {
	if err := e.checkMissing(m, ids); err != nil {
		return nil, err
	}
	var wonStage int64
	for _, id := range e.db.sortedIDs("crm.stage") {
		if e.stageIsWon(id) {
			wonStage = id
			break
		}
	}
	if wonStage == 0 {
		return nil, errValidation("There is no won stage: add a stage " +
			"marked as won first.")
	}
	vals := map[string]any{"stage_id": wonStage, "probability": 100.0,
		"active": true}
	if err := e.write(m, ids, vals); err != nil {
		return nil, err
	}
	return true, nil
}

// runSetLost archives leads with probability 0 and the extra values sent
// as named arguments, such as lost_reason_id. Odoo returns None.
func runSetLost(e *env, m *model, ids []int64, args map[string]any) (any,
	*rpcError) {
	if err := e.checkMissing(m, ids); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if e.stageIsWon(e.db.row(m.name, id)["stage_id"]) {
			return nil, errValidation("This lead is in a won stage, so it " +
				"cannot be marked lost. Move it to another stage first.")
		}
	}
	vals := map[string]any{"active": false, "probability": 0.0}
	for key, v := range args {
		vals[key] = v
	}
	if err := e.write(m, ids, vals); err != nil {
		return nil, err
	}
	return nil, nil
}

// runRestore reactivates lost leads and clears the lost reason.
func runRestore(e *env, m *model, ids []int64, _ map[string]any) (any,
	*rpcError) {
	vals := map[string]any{"active": true, "lost_reason_id": false,
		"probability": defaultProbability}
	if err := e.write(m, ids, vals); err != nil {
		return nil, err
	}
	return true, nil
}

// runConvertOpportunity fails as in Odoo 19, where the method expects a
// partner record, which JSON-2 cannot send.
func runConvertOpportunity(e *env, m *model, ids []int64,
	args map[string]any) (any, *rpcError) {
	if _, isID := asInt(args["partner"]); isID {
		return nil, newError(500, "builtins.AttributeError",
			"'int' object has no attribute 'id'")
	}
	return nil, newError(500, "builtins.AttributeError",
		fmt.Sprintf("%s object has no attribute 'id'",
			pyRepr(fmt.Sprintf("%T", args["partner"]))))
}

// subtypeIDs maps message subtype xmlids to the seeded subtypes.
var subtypeIDs = map[string]int64{
	"mail.mt_comment":    1,
	"mail.mt_note":       2,
	"mail.mt_activities": 3,
}

// runMessagePost posts a message in the chatter of each record and
// returns the ids of the messages.
func runMessagePost(e *env, m *model, ids []int64, args map[string]any) (
	any, *rpcError) {
	if err := e.checkMissing(m, ids); err != nil {
		return nil, err
	}
	body, _ := args["body"].(string)
	messageType, _ := args["message_type"].(string)
	if messageType == "" {
		messageType = "notification"
	}
	subtype := subtypeIDs["mail.mt_note"]
	if xmlid, ok := args["subtype_xmlid"].(string); ok {
		subtype = subtypeIDs[xmlid]
	}

	var messageIDs []int64
	for _, id := range ids {
		messageID, err := e.postMessage(m.name, id, body, messageType, subtype)
		if err != nil {
			return nil, err
		}
		messageIDs = append(messageIDs, messageID)
	}
	return messageIDs, nil
}

func (e *env) postMessage(modelName string, resID int64, body,
	messageType string, subtype int64) (int64, *rpcError) {
	vals := map[string]any{"model": modelName, "res_id": resID,
		"body": body, "message_type": messageType}
	if subtype != 0 {
		vals["subtype_id"] = subtype
	}
	ids, err := e.create(e.model("mail.message"), []map[string]any{vals})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// activityTypeIDs maps activity type xmlids to the seeded types.
var activityTypeIDs = map[string]int64{
	"mail.mail_activity_data_email":       1,
	"mail.mail_activity_data_call":        2,
	"mail.mail_activity_data_meeting":     3,
	"mail.mail_activity_data_todo":        4,
	"mail.mail_activity_data_upload_file": 5,
}

// runActivitySchedule creates one activity per record and returns their
// ids. Extra named arguments are activity values such as user_id.
func runActivitySchedule(e *env, m *model, ids []int64,
	args map[string]any) (any, *rpcError) {
	if err := e.checkMissing(m, ids); err != nil {
		return nil, err
	}
	xmlid, _ := args["act_type_xmlid"].(string)
	typeID, known := activityTypeIDs[xmlid]
	if xmlid != "" && !known {
		return nil, errValue(fmt.Sprintf("External ID not found in the "+
			"system: %s", xmlid))
	}
	if typeID == 0 {
		typeID = activityTypeIDs["mail.mail_activity_data_todo"]
	}
	modelID := e.irModelID(m.name)

	var activityIDs []int64
	for _, id := range ids {
		vals := map[string]any{"res_model_id": modelID, "res_id": id,
			"activity_type_id": typeID}
		for key, v := range args {
			if key != "act_type_xmlid" {
				vals[key] = v
			}
		}
		if _, ok := vals["date_deadline"]; !ok || vals["date_deadline"] == nil {
			vals["date_deadline"] = e.now.UTC().Format(dateLayout)
		}
		created, err := e.create(e.model("mail.activity"),
			[]map[string]any{vals})
		if err != nil {
			return nil, err
		}
		activityIDs = append(activityIDs, created...)
	}
	return activityIDs, nil
}

// irModelID returns the ir.model id of a model name, or 0.
func (e *env) irModelID(modelName string) int64 {
	for _, id := range e.db.sortedIDs("ir.model") {
		if e.db.row("ir.model", id)["model"] == modelName {
			return id
		}
	}
	return 0
}

// runActionFeedback marks activities done: it posts a message on the
// record with the feedback, deletes the activity and returns the id of
// the last message posted.
func runActionFeedback(e *env, m *model, ids []int64,
	args map[string]any) (any, *rpcError) {
	if err := e.checkAccess(m, "unlink", ids); err != nil {
		return nil, err
	}
	if err := e.checkMissing(m, ids); err != nil {
		return nil, err
	}
	feedback, _ := args["feedback"].(string)

	var messageID int64
	for _, id := range ids {
		a := e.db.row(m.name, id)
		modelName, _ := e.modelNameOf(a["res_model_id"]).(string)
		resID, _ := a["res_id"].(int64)
		typeName := e.nameOf("mail.activity.type", a["activity_type_id"])
		summary, _ := a["summary"].(string)

		body := "<div><p>" + html.EscapeString(typeName) + " done"
		if summary != "" {
			body += ": " + html.EscapeString(summary)
		}
		body += "</p>"
		if feedback != "" {
			body += "<div>Feedback: " + html.EscapeString(feedback) + "</div>"
		}
		body += "</div>"

		var err *rpcError
		messageID, err = e.postMessage(modelName, resID, body,
			"notification", subtypeIDs["mail.mt_activities"])
		if err != nil {
			return nil, err
		}
	}
	if err := e.unlink(m, ids); err != nil {
		return nil, err
	}
	if messageID == 0 {
		return false, nil
	}
	return messageID, nil
}
