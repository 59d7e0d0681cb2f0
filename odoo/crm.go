package odoo

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// leadModel is the model of leads and opportunities. Odoo 19 has no
// separate crm.opportunity model.
const leadModel = "crm.lead"

// SetWon marks the lead or opportunity id as won (crm.lead
// action_set_won): Odoo moves it to the first won stage with probability
// 100.
func (c *Client) SetWon(ctx context.Context, id int64) error {
	return c.Call(ctx, leadModel, "action_set_won",
		map[string]any{"ids": []int64{id}}, nil)
}

// SetLost marks the lead or opportunity id as lost (crm.lead
// action_set_lost), with lostReasonID, a crm.lost.reason id, as the
// reason; 0 sets no reason. Odoo archives a lost lead with probability 0,
// so searches need the context {"active_test": false} to find it. A won
// lead cannot be marked lost: Odoo rejects it with an error for which
// IsValidation is true.
func (c *Client) SetLost(ctx context.Context, id, lostReasonID int64) error {
	params := map[string]any{"ids": []int64{id}}
	if lostReasonID != 0 {
		// action_set_lost takes the values to write as named arguments.
		params["lost_reason_id"] = lostReasonID
	}
	return c.Call(ctx, leadModel, "action_set_lost", params, nil)
}

// Restore reopens the lost lead or opportunity id (crm.lead
// action_restore): Odoo unarchives it and clears its lost reason.
func (c *Client) Restore(ctx context.Context, id int64) error {
	return c.Call(ctx, leadModel, "action_restore",
		map[string]any{"ids": []int64{id}}, nil)
}

// Activity is a to-do scheduled on a record with ScheduleActivity.
type Activity struct {
	// TypeXMLID is the external id of the activity type, such as
	// "mail.mail_activity_data_call", "mail.mail_activity_data_meeting",
	// "mail.mail_activity_data_email" or "mail.mail_activity_data_todo".
	// "" lets Odoo pick the default type of the model.
	TypeXMLID string
	// Deadline is the due date. Only its calendar date in its own
	// location is sent, as FormatDate returns it. The zero time sends no
	// date and leaves the deadline to Odoo.
	Deadline time.Time
	// Summary is the one-line title.
	Summary string
	// Note is the description, in HTML.
	Note string
	// UserID is the res.users id of the assignee. 0 lets Odoo assign
	// the activity, by default to the calling user.
	UserID int64
}

// ScheduleActivity schedules a on the record id of model (activity_schedule
// of mail.activity.mixin, which crm.lead and res.partner inherit) and
// returns the id of the new mail.activity.
func (c *Client) ScheduleActivity(ctx context.Context, model string, id int64,
	a Activity) (int64, error) {
	params := map[string]any{"ids": []int64{id}}
	if a.TypeXMLID != "" {
		params["act_type_xmlid"] = a.TypeXMLID
	}
	if !a.Deadline.IsZero() {
		params["date_deadline"] = FormatDate(a.Deadline)
	}
	if a.Summary != "" {
		params["summary"] = a.Summary
	}
	if a.Note != "" {
		params["note"] = a.Note
	}
	if a.UserID != 0 {
		params["user_id"] = a.UserID
	}
	return c.callForOneID(ctx, model, "activity_schedule", params)
}

// PostNote logs body as an internal note in the chatter of the record id
// of model (message_post with message_type "comment" and subtype
// "mail.mt_note", so followers are not notified) and returns the id of
// the mail.message. Odoo treats body as plain text and stores it as an
// HTML paragraph.
func (c *Client) PostNote(ctx context.Context, model string, id int64,
	body string) (int64, error) {
	params := map[string]any{
		"ids":           []int64{id},
		"body":          body,
		"message_type":  "comment",
		"subtype_xmlid": "mail.mt_note",
	}
	return c.callForOneID(ctx, model, "message_post", params)
}

// callForOneID calls a method on one record that returns one new record,
// and returns its id.
func (c *Client) callForOneID(ctx context.Context, model, method string,
	params map[string]any) (int64, error) {
	var ids idList
	if err := c.Call(ctx, model, method, params, &ids); err != nil {
		return 0, err
	}
	if len(ids) != 1 {
		return 0, &Error{Model: model, Method: method,
			Status: http.StatusOK, OutcomeUnknown: true,
			Message: fmt.Sprintf("expected one id, got %v", []int64(ids))}
	}
	return ids[0], nil
}
